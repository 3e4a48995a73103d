//! The Earshot desktop app: Tauri commands and events over the library crates, nothing else.
//!
//! - `open_call_file` plays a recording through the live engine (at 1× or as fast as possible);
//!   `start_listen` captures the microphone (agent) and the system output (caller) with the
//!   devices from Settings. Every [`CallEvent`] reaches the window as a `call-event` event; the
//!   vault stores each final before it is sent. A failure arrives as `call-error`.
//! - `stop_call` ends the call in progress (its open utterance is finalized and stored).
//! - History: `search_calls`, `open_call`, `delete_call` (audited; refused when the policy keeps
//!   calls). Settings: `settings`, `save_settings`. The status bar: `status`.
//! - Closing the window during a call asks first (`close-requested` to the window); the answer
//!   `end_call_and_quit` finalizes and stores the call, then quits.
//! - `join_siprec` starts the bundled SIPREC receiver (listeners, allow-list and agent patterns
//!   from the configuration or policy); each recorded call is stored, and the first one at a
//!   time is shown (`siprec-call`, then its `call-event`s). `leave_siprec` ends every session.
//! - A second launch focuses this window (and opens the recording it was given, if any).
//! - With a hub configured, a background worker (`earshot_session::sync`) enrolls the device,
//!   uploads the outbox and sends the live board's heartbeat from the call on screen;
//!   `sync_status` gives the status bar the queue length, the last success and the last error.
//! - Updates (`update`): only from the policy's `update_url`, verified with its key;
//!   `update_status` for the status bar, `install_update` once the agent says so.
//! - `purge_calls` exists but no capability grants it: the end-to-end test proves the window is
//!   refused ("not allowed").
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod update;

use earshot_capture::CaptureOptions;
use earshot_config::Config;
use earshot_pipeline::LiveOptions;
use earshot_session::history::{CallSummary, CallView, HistoryQuery};
use earshot_session::knowledge::{AssistCache, KnowledgeDesk, SearchHit};
use earshot_session::settings::{SettingsUpdate, SettingsView};
use earshot_session::station::{Activity, CallHandle, Station};
use earshot_session::sync::{LiveBoard, SyncStatus, SyncWorker, Timing};
use earshot_session::{
    record_file, AgentAction, LateFeedback, LiveCapture, Workstation, WorkstationStatus,
};
use earshot_vault::Vault;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager, State, WindowEvent};

/// The one local call or SIPREC receiver, and the SIPREC session on screen.
#[derive(Default)]
struct Calls {
    station: Station,
    /// The SIPREC session on screen (0: none).
    shown: Arc<std::sync::atomic::AtomicU64>,
    /// The live state of the call on screen, for the hub's live board.
    board: LiveBoard,
    /// Where the suggestion buttons' actions go: the running local call.
    actions: Arc<std::sync::Mutex<Option<std::sync::mpsc::Sender<AgentAction>>>>,
    /// The last local call's suggestions, once it has ended: the agent's marks on those still
    /// on screen are stored with it.
    late: Arc<std::sync::Mutex<Option<LateFeedback>>>,
    /// The sentence encoder and knowledge index: one copy for the calls, SIPREC's calls and the
    /// agent's own search, loaded at first use and again when Settings change them.
    assist: Arc<AssistCache>,
}

/// A new channel for the next local call's suggestion actions; its sender replaces the last.
fn agent_actions(calls: &Calls) -> std::sync::mpsc::Receiver<AgentAction> {
    let (tx, rx) = std::sync::mpsc::channel();
    *calls.actions.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
    *calls.late.lock().unwrap_or_else(|p| p.into_inner()) = None;
    rx
}

/// Sends `action` to the running local call; `false` when no call takes it (it has ended).
fn send_action(calls: &Calls, action: AgentAction) -> bool {
    calls
        .actions
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .is_some_and(|tx| tx.send(action).is_ok())
}

/// Keeps the ended call's suggestions for the agent's marks made after its end.
fn keep_late_feedback(late: &std::sync::Mutex<Option<LateFeedback>>, ws: &mut Workstation) {
    *late.lock().unwrap_or_else(|p| p.into_inner()) = ws.late_feedback.take();
}

/// The agent dismissed a suggested article: the running call does not suggest it again.
#[tauri::command]
fn dismiss_suggestion(article_id: String, calls: State<'_, Calls>) {
    // After the call's end there is nothing left to suggest.
    send_action(&calls, AgentAction::Dismiss { article_id });
}

/// The agent marked a suggested article useful or not: stored with the call for tuning, by the
/// running call, or straight into the vault once the call has ended.
#[tauri::command(async)]
fn suggestion_feedback(
    article_id: String,
    useful: bool,
    calls: State<'_, Calls>,
) -> Result<(), String> {
    let action = AgentAction::Feedback {
        article_id: article_id.clone(),
        useful,
    };
    if send_action(&calls, action) {
        return Ok(());
    }
    let late = calls.late.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(late) = late {
        let mut vault = Vault::open(&config()?).map_err(text)?;
        late.store(&mut vault, &article_id, useful).map_err(text)?;
    }
    Ok(())
}

/// The agent's own search of the knowledge base (the typed text is redacted first).
#[tauri::command(async)]
fn search_knowledge(text: String, calls: State<'_, Calls>) -> Result<Vec<SearchHit>, String> {
    KnowledgeDesk::open_in(&calls.assist, &config()?)
        .and_then(|mut desk| desk.search(&text, 5))
        .map_err(text_of)
}

/// About: the version, and for a packaged build (`cargo xtask package`) its commit and date.
#[tauri::command]
fn about() -> String {
    format!(
        "Earshot {} ({})",
        env!("CARGO_PKG_VERSION"),
        option_env!("EARSHOT_BUILD").unwrap_or("development build")
    )
}

/// Why the organisation's policy stops the app (malformed, or writable by non-administrators),
/// if it does: the window then shows that and nothing else. Every command that works reads the
/// configuration and fails under such a policy too, so nothing runs unprotected either way.
#[tauri::command]
fn policy_refusal() -> Option<String> {
    match Config::load() {
        Err(e @ earshot_config::ConfigError::Policy { .. }) => Some(e.to_string()),
        _ => None,
    }
}

fn text_of(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The sync worker, kept while the app runs (none without a hub).
struct Syncing {
    _worker: Option<SyncWorker>,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn config() -> Result<Config, String> {
    Config::load().map_err(text)
}

/// Runs `call` on its own thread as the call in progress; `stop` ends it. Refused while
/// another call runs or SIPREC is joined.
fn start_call(
    app: AppHandle,
    calls: &Calls,
    stop: Arc<AtomicBool>,
    call: impl FnOnce(&AppHandle) -> Result<(), String> + Send + 'static,
) -> Result<(), String> {
    // A configuration that cannot be used (a broken policy above all) refuses the call here,
    // in the agent's face, not later on the call's thread.
    config()?;
    calls
        .station
        .start_call(|| {
            Ok(CallHandle::spawn(stop, move || {
                if let Err(e) = call(&app) {
                    let _ = app.emit("call-error", e);
                }
            }))
        })
        .map_err(text)
}

/// Plays `path` through the live engine.
#[tauri::command]
fn open_call_file(
    app: AppHandle,
    calls: State<'_, Calls>,
    path: String,
    realtime: bool,
) -> Result<(), String> {
    let path = PathBuf::from(path);
    if !path.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let board = calls.board.clone();
    let actions = agent_actions(&calls);
    let late = calls.late.clone();
    let assist = calls.assist.clone();
    start_call(app, &calls, stop, move |app| {
        board.begin();
        let run = || {
            let mut ws = Workstation::open_configured().map_err(text)?;
            // Suggestions are help, not the call: a knowledge base that cannot load is logged
            // and the call goes on without it.
            if let Err(e) = ws.load_assist_in(&assist) {
                tracing::warn!(error = %e, "no knowledge suggestions");
            }
            ws.actions = Some(actions);
            let speed = if realtime { 1.0 } else { f64::INFINITY };
            let recorded = record_file(&mut ws, &path, speed, LiveOptions::default(), flag, |e| {
                board.observe(e);
                app.emit("call-event", e)
            });
            keep_late_feedback(&late, &mut ws);
            let recorded = recorded.map_err(text)?;
            // A file that ended before its header's length: stored as far as it went, and the
            // agent told (the same words as the CLI's warning).
            if let Some(cut) = recorded.cut_short {
                let _ = app.emit("call-warning", cut.message(&path.display().to_string()));
            }
            second_pass_in_background(app.clone(), recorded.second_pass);
            recorded.call.map_err(text)
        };
        let result = run();
        board.end();
        result.map(|_| ())
    })
}

/// Captures the microphone (agent) and the system output (caller) with the devices chosen in
/// Settings. A device that cannot be opened is an error here.
#[tauri::command(async)]
fn start_listen(app: AppHandle, calls: State<'_, Calls>) -> Result<(), String> {
    let config = config()?;
    let board = calls.board.clone();
    let actions = agent_actions(&calls);
    let late = calls.late.clone();
    let assist = calls.assist.clone();
    calls
        .station
        .start_call(|| {
            // Opened under the station's lock: devices are not taken while something else runs.
            let capture = LiveCapture::start(&CaptureOptions {
                mic: config.mic_device.clone(),
                loopback: config.loopback_device.clone(),
            })?;
            Ok(CallHandle::spawn(capture.stop_flag(), move || {
                board.begin();
                let run = || {
                    let mut ws = Workstation::open_configured().map_err(text)?;
                    // Suggestions are help, not the call: a knowledge base that cannot load is logged
                    // and the call goes on without it.
                    if let Err(e) = ws.load_assist_in(&assist) {
                        tracing::warn!(error = %e, "no knowledge suggestions");
                    }
                    ws.actions = Some(actions);
                    let recorded = capture.record(&mut ws, LiveOptions::default(), |e| {
                        board.observe(e);
                        app.emit("call-event", e)
                    });
                    keep_late_feedback(&late, &mut ws);
                    let recorded = recorded.map_err(text)?;
                    second_pass_in_background(app.clone(), recorded.second_pass);
                    recorded.call.map_err(text)?;
                    match recorded.capture_failure {
                        Some(why) => Err(why),
                        None => Ok(()),
                    }
                };
                let result = run();
                board.end();
                if let Err(e) = result {
                    let _ = app.emit("call-error", e);
                }
            }))
        })
        .map_err(text)
}

/// Runs a call's second pass on a thread of its own with its own connection to the vault, so
/// the agent's next call need not wait; the window hears `second-pass` when it is stored. If
/// the app quits first, the pass is given up and the live transcript stays (the next start
/// deletes the spool).
fn second_pass_in_background(app: AppHandle, pass: Option<earshot_session::SecondPass>) {
    let Some(pass) = pass else {
        return;
    };
    std::thread::spawn(move || match pass.run_detached() {
        Ok(report) => {
            let _ = app.emit("second-pass", &report);
        }
        Err(e) => tracing::warn!(error = %e, "second pass failed: the live transcript stays"),
    });
}

/// Ends the call in progress (no-op without one).
#[tauri::command]
fn stop_call(calls: State<'_, Calls>) -> Result<(), String> {
    calls.station.stop_call();
    Ok(())
}

/// Ends the call in progress (and every SIPREC session), waits until they are stored, then
/// quits.
#[tauri::command]
fn end_call_and_quit(app: AppHandle) -> Result<(), String> {
    std::thread::spawn(move || {
        app.state::<Calls>().station.shut_down();
        app.exit(0);
    });
    Ok(())
}

/// Starts the SIPREC receiver; returns where it listens.
#[tauri::command(async)]
fn join_siprec(app: AppHandle, calls: State<'_, Calls>) -> Result<Vec<String>, String> {
    use earshot_session::siprec::SiprecEvent;
    use std::sync::atomic::Ordering::SeqCst;
    let config = config()?;
    let shown = calls.shown.clone();
    let board = calls.board.clone();
    let assist = calls.assist.clone();
    calls
        .station
        .join_siprec(|| {
            earshot_session::siprec::join(&config, &assist, move |e| match e {
                SiprecEvent::Started { session, source }
                    if shown.compare_exchange(0, session, SeqCst, SeqCst).is_ok() =>
                {
                    board.begin();
                    let _ = app.emit("siprec-call", source);
                }
                SiprecEvent::Call { session, event } if shown.load(SeqCst) == session => {
                    board.observe(&event);
                    let _ = app.emit("call-event", &event);
                    if matches!(event, earshot_session::CallEvent::CallEnd { .. }) {
                        shown.store(0, SeqCst);
                    }
                }
                SiprecEvent::Failed { session, reason } if shown.load(SeqCst) == session => {
                    shown.store(0, SeqCst);
                    board.end();
                    let _ = app.emit("call-error", reason);
                }
                SiprecEvent::Status(status) => {
                    let _ = app.emit("siprec-status", &status);
                }
                SiprecEvent::SecondPass { report, .. } => {
                    let _ = app.emit("second-pass", &report);
                }
                _ => {}
            })
        })
        .map_err(text)
}

/// Ends every SIPREC session (each call is stored; second passes go on in the background) and
/// stops listening.
#[tauri::command(async)]
fn leave_siprec(calls: State<'_, Calls>) -> Result<(), String> {
    calls.station.leave_siprec();
    Ok(())
}

/// Stored calls matching `query`, newest first (redacted).
#[tauri::command(async)]
fn search_calls(query: HistoryQuery) -> Result<Vec<CallSummary>, String> {
    let config = config()?;
    let vault = Vault::open(&config).map_err(text)?;
    earshot_session::history::search(&vault, &config, &query).map_err(text)
}

/// One stored call with its turns (redacted).
#[tauri::command(async)]
fn open_call(id: i64) -> Result<CallView, String> {
    let config = config()?;
    let vault = Vault::open(&config).map_err(text)?;
    earshot_session::history::open(&vault, &config, id).map_err(text)
}

/// Deletes a stored call (audited; refused when the policy keeps calls or while a call is on).
#[tauri::command(async)]
fn delete_call(calls: State<'_, Calls>, id: i64) -> Result<(), String> {
    if calls.station.activity() == Activity::Call {
        return Err("calls cannot be deleted while a call is in progress".into());
    }
    let vault = Vault::open(&config()?).map_err(text)?;
    earshot_session::history::delete(&vault, id).map_err(text)
}

/// Model, storage and sealing state, for the status bar.
#[tauri::command]
fn status() -> Result<WorkstationStatus, String> {
    let config = config()?;
    Ok(WorkstationStatus::of(
        &config,
        &config.model,
        &earshot_models::ModelStore::from_env(),
    ))
}

/// Syncing to the hub, for the status bar (`null`: no hub configured).
#[tauri::command(async)]
fn sync_status() -> Result<Option<SyncStatus>, String> {
    earshot_session::sync::sync_status(&config()?).map_err(text)
}

/// The Settings screen.
#[tauri::command(async)]
fn settings() -> Result<SettingsView, String> {
    Ok(earshot_session::settings::settings_view(&config()?))
}

/// Saves the agent's settings (a key the policy manages is refused).
#[tauri::command(async)]
fn save_settings(update: SettingsUpdate) -> Result<SettingsView, String> {
    let config = earshot_session::settings::save_settings(&config()?, &update).map_err(text)?;
    Ok(earshot_session::settings::settings_view(&config))
}

/// Where updating stands, for the status bar.
#[tauri::command]
fn update_status(updates: State<'_, update::Updates>) -> earshot_session::update::UpdateStatus {
    updates.status()
}

/// Installs the update that is ready and restarts into it (refused during a call).
#[tauri::command(async)]
fn install_update(app: AppHandle, calls: State<'_, Calls>) -> Result<(), String> {
    calls
        .station
        .while_idle(|| update::install(&app))
        .map_err(|_| "an update installs only with no call on: end the call first".to_string())?
}

/// The recording named on the command line (`earshot-app call.wav`), opened at start.
#[tauri::command]
fn startup_file() -> Option<String> {
    recording_arg(std::env::args())
}

fn recording_arg(args: impl IntoIterator<Item = String>) -> Option<String> {
    args.into_iter()
        .skip(1)
        .find(|a| !a.starts_with('-') && std::path::Path::new(a).is_file())
}

/// Deletes calls past the retention period (audited by the vault). No window is granted this:
/// see the module docs.
#[tauri::command]
fn purge_calls() -> Result<usize, String> {
    let config = config()?;
    let vault = Vault::open(&config).map_err(text)?;
    vault.purge(config.retention_days).map_err(text)
}

fn main() {
    // A panic's message can quote call text; it is never printed.
    earshot_pipeline::panics::withhold_messages();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
                .add_directive(earshot_asr::LOG_CAP.parse().expect("static directive")),
        )
        .without_time()
        // To stderr, as the CLI's: where a launcher (or a test's driver) keeps what went wrong.
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    update::wait_for_the_instance_that_restarted_us();
    tauri::Builder::default()
        // First, so that a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
            if let Some(path) = recording_arg(argv) {
                let _ = app.emit("open-file", path);
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        // Its configuration names no address and no key: both come from the policy (`update`).
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(Calls::default())
        .manage(update::Updates::default())
        .setup(|app| {
            // The hub and the updates come from the policy: a change takes effect at the next
            // start.
            let config = Config::load().ok();
            let worker = config.as_ref().and_then(|config| {
                SyncWorker::start(
                    config,
                    app.state::<Calls>().board.clone(),
                    Timing::default(),
                )
            });
            app.manage(Syncing { _worker: worker });
            if let Some(config) = &config {
                update::start(app.handle(), config);
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                let calls = window.state::<Calls>();
                let recording = calls.station.activity() == Activity::Call
                    || calls.shown.load(std::sync::atomic::Ordering::SeqCst) != 0;
                if recording {
                    api.prevent_close();
                    let _ = window.emit("close-requested", ());
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            open_call_file,
            start_listen,
            stop_call,
            end_call_and_quit,
            join_siprec,
            leave_siprec,
            search_calls,
            open_call,
            delete_call,
            status,
            sync_status,
            dismiss_suggestion,
            suggestion_feedback,
            search_knowledge,
            settings,
            save_settings,
            startup_file,
            purge_calls,
            policy_refusal,
            about,
            update_status,
            install_update
        ])
        .build(tauri::generate_context!())
        .expect("building the Earshot window")
        .run(|_, event| {
            // However the app ends (its last window closed, "End call and quit", an update's
            // restart: tauri delivers `Exit` before each), no second pass may still be decoding
            // when the process's exit tears whisper.cpp down.
            if let tauri::RunEvent::Exit = event {
                earshot_session::stop_second_passes(earshot_session::station::QUIT_WAIT);
            }
        });
}
