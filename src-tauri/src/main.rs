//! The Earshot desktop app: Tauri commands and events over the library crates, nothing else.
//!
//! - `open_call_file` plays a recording through the live engine (at 1× or as fast as possible)
//!   and forwards every [`CallEvent`] to the window as a `call-event` event; the vault stores
//!   each final before it is sent.
//! - `stop_call` ends the call in progress (its open utterance is finalized and stored).
//! - `list_calls` reads the vault's redacted call list; `status` gives the status bar its facts.
//! - `purge_calls` exists but no capability grants it yet: the end-to-end test proves the window
//!   is refused ("not allowed").
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use earshot_pipeline::{AnalyzerOptions, LiveOptions};
use earshot_session::{record_file, Workstation, WorkstationStatus};
use earshot_vault::{CallRecord, Vault};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter, State};

/// The call in progress, if any: its stop flag.
#[derive(Default)]
struct Calls {
    running: Mutex<Option<Arc<AtomicBool>>>,
}

/// Plays `path` through the live engine; events arrive as `call-event`, a failure as
/// `call-error`.
#[tauri::command]
fn open_call_file(
    app: AppHandle,
    calls: State<'_, Calls>,
    path: String,
    realtime: bool,
) -> Result<(), String> {
    let mut running = calls.running.lock().map_err(|e| e.to_string())?;
    if running.is_some() {
        return Err("a call is already in progress: stop it first".into());
    }
    let path = PathBuf::from(path);
    if !path.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    let stop = Arc::new(AtomicBool::new(false));
    *running = Some(stop.clone());
    std::thread::spawn(move || {
        if let Err(e) = play(&app, &path, realtime, stop) {
            let _ = app.emit("call-error", e);
        }
        if let Some(calls) = tauri::Manager::try_state::<Calls>(&app) {
            if let Ok(mut r) = calls.running.lock() {
                *r = None;
            }
        }
    });
    Ok(())
}

fn play(app: &AppHandle, path: &Path, realtime: bool, stop: Arc<AtomicBool>) -> Result<(), String> {
    let mut ws = Workstation::open(AnalyzerOptions::default()).map_err(|e| e.to_string())?;
    let speed = if realtime { 1.0 } else { f64::INFINITY };
    record_file(
        &mut ws,
        path,
        speed,
        LiveOptions::default(),
        stop,
        |event| app.emit("call-event", event),
    )
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Ends the call in progress (no-op without one).
#[tauri::command]
fn stop_call(calls: State<'_, Calls>) -> Result<(), String> {
    if let Some(flag) = calls.running.lock().map_err(|e| e.to_string())?.as_ref() {
        flag.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Stored calls, newest first (redacted).
#[tauri::command]
fn list_calls() -> Result<Vec<CallRecord>, String> {
    let config = earshot_config_load()?;
    let vault = Vault::open(&config).map_err(|e| e.to_string())?;
    vault.list_calls().map_err(|e| e.to_string())
}

fn earshot_config_load() -> Result<earshot_config::Config, String> {
    earshot_config::Config::load().map_err(|e| e.to_string())
}

/// Model, storage and sealing state, for the status bar.
#[tauri::command]
fn status() -> Result<WorkstationStatus, String> {
    Ok(WorkstationStatus::of(
        &earshot_config_load()?,
        &AnalyzerOptions::default().model,
    ))
}

/// Deletes calls past the retention period (audited by the vault). No window is granted this
/// yet (History's delete comes later), so the window is refused: see the module docs.
#[tauri::command]
fn purge_calls() -> Result<usize, String> {
    let config = earshot_config_load()?;
    let vault = Vault::open(&config).map_err(|e| e.to_string())?;
    vault
        .purge(config.retention_days)
        .map_err(|e| e.to_string())
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
                .add_directive("whisper_rs=warn".parse().expect("static directive")),
        )
        .without_time()
        .init();
    tauri::Builder::default()
        .manage(Calls::default())
        .invoke_handler(tauri::generate_handler![
            open_call_file,
            stop_call,
            list_calls,
            status,
            purge_calls
        ])
        .run(tauri::generate_context!())
        .expect("running the Earshot window");
}
