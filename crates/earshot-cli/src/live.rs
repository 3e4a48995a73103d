//! `analyze --realtime` and `listen`: a live source into the live engine, finals into the vault,
//! everything on stdout as it happens.

use crate::{open_workstation, Channel};
use anyhow::{Context, Result};
use earshot_capture::CaptureOptions;
use earshot_pipeline::LiveOptions;
use earshot_session::{lines, record_file, CallEvent, LiveCapture};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Ctrl-C sets whichever flag is installed; the source stops, the engine finalizes what is open.
pub(crate) fn on_ctrl_c(flag: Arc<AtomicBool>) -> Result<()> {
    static TARGET: Mutex<Option<Arc<AtomicBool>>> = Mutex::new(None);
    let first = TARGET
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .replace(flag)
        .is_none();
    if first {
        ctrlc::set_handler(|| {
            if let Some(f) = TARGET.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                f.store(true, Ordering::SeqCst);
            }
        })
        .context("installing the Ctrl-C handler")?;
    }
    Ok(())
}

/// Loads the knowledge base `knowledge_dir` names, if any; a malformed article is reported
/// (file and line) and skipped.
fn load_knowledge(ws: &mut earshot_session::Workstation) -> Result<()> {
    // Suggestions are help, not the call: a base that cannot load is reported, the call goes on.
    if let Err(e) = ws.load_assist() {
        eprintln!("warning: no knowledge suggestions: {e}");
    }
    if let Some(a) = &ws.assist {
        for e in &a.lock().unwrap_or_else(|p| p.into_inner()).errors {
            eprintln!("warning: knowledge article skipped: {e}");
        }
    }
    Ok(())
}

pub(crate) fn analyze_realtime(
    file: PathBuf,
    model: String,
    json: bool,
    channel: Channel,
    threads: Option<usize>,
    speed: f64,
    partials: bool,
) -> Result<()> {
    if !file.exists() {
        anyhow::bail!("{} does not exist", file.display());
    }
    if speed.is_nan() || speed <= 0.0 {
        anyhow::bail!("--speed must be above 0");
    }
    let mut ws = open_workstation(model, channel, threads)?;
    load_knowledge(&mut ws)?;
    // Bad audio is refused before anything is stored.
    earshot_audio::CallStream::open(&file, ws.analyzer.options().caller_channel)
        .with_context(|| format!("reading {}", file.display()))?;
    let stop = Arc::new(AtomicBool::new(false));
    on_ctrl_c(stop.clone())?;
    let options = LiveOptions {
        partials,
        // `--threads N` holds for finals too.
        final_threads: threads.unwrap_or(LiveOptions::default().final_threads),
        ..LiveOptions::default()
    };
    let mut print = printer(json);
    let recorded = record_file(&mut ws, &file, speed, options, stop, |e| print(e))
        .with_context(|| format!("analyzing {}", file.display()))?;
    recorded.call.context("writing the transcript")?;
    if let Some(cut) = recorded.cut_short {
        eprintln!("warning: {}", cut.message(&file.display().to_string()));
    }
    second_pass(&mut ws, recorded.second_pass, json)
}

/// Runs a call's second pass now (the CLI waits for it: the process is the call's), and
/// reports it: `{"type": "second_pass", …}` with `--json`.
fn second_pass(
    ws: &mut earshot_session::Workstation,
    pass: Option<earshot_session::SecondPass>,
    json: bool,
) -> Result<()> {
    let Some(pass) = pass else {
        return Ok(());
    };
    eprintln!(
        "second pass: decoding call {} again with {} (Ctrl-C stops it: the call keeps its live transcript)",
        pass.call_id(),
        pass.model()
    );
    let call_id = pass.call_id();
    on_ctrl_c(pass.stop_flag())?;
    let report = match pass.run(&mut ws.vault) {
        Err(earshot_session::SessionError::Pipeline(earshot_pipeline::PipelineError::Stopped)) => {
            eprintln!("second pass: stopped; call {call_id} keeps its live transcript");
            return Ok(());
        }
        r => r.context("the second pass")?,
    };
    if json {
        let mut v = serde_json::to_value(&report)?;
        v["type"] = "second_pass".into();
        println!("{v}");
    } else {
        eprintln!(
            "second pass: call {} stored with {} ({} utterances, {:.1} s)",
            report.call_id, report.model, report.utterances, report.seconds
        );
    }
    Ok(())
}

pub(crate) fn listen(
    mic: Option<String>,
    loopback: Option<String>,
    model: String,
    json: bool,
    threads: Option<usize>,
    partials: bool,
) -> Result<()> {
    let mut ws = open_workstation(model, Channel::Left, threads)?;
    load_knowledge(&mut ws)?;
    let capture = LiveCapture::start(&CaptureOptions { mic, loopback })?;
    on_ctrl_c(capture.stop_flag())?;
    eprintln!("listening: microphone = agent, system output = caller; Ctrl-C ends the call");
    let options = LiveOptions {
        partials,
        // `--threads N` holds for finals too.
        final_threads: threads.unwrap_or(LiveOptions::default().final_threads),
        ..LiveOptions::default()
    };
    let mut print = printer(json);
    // A closed stdout does not stop the call: finals go on being stored.
    let recorded = capture.record(&mut ws, options, |e| print(e))?;
    if let Some(why) = recorded.capture_failure {
        eprintln!("error: {why}");
        recorded.call.context("writing the transcript")?;
        // What was heard before the device went is a call like any other.
        second_pass(&mut ws, recorded.second_pass, json)?;
        std::process::exit(1);
    }
    recorded.call.context("writing the transcript")?;
    second_pass(&mut ws, recorded.second_pass, json)
}

pub(crate) fn list_devices() -> Result<()> {
    for d in earshot_capture::list_devices()? {
        println!(
            "{:<9}{}{}{}",
            d.role,
            d.name,
            if d.default { "  (default)" } else { "" },
            if d.description.is_empty() {
                String::new()
            } else {
                format!("  - {}", d.description)
            }
        );
    }
    Ok(())
}

/// Writes each event to stdout: JSON, or the human-readable line.
pub(crate) fn printer(json: bool) -> impl FnMut(&CallEvent) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    move |event| {
        let line = if json {
            lines::json_line(event)
        } else {
            match lines::text_line(event) {
                Some(line) => line,
                None => return Ok(()),
            }
        };
        let mut out = stdout.lock();
        writeln!(out, "{line}").and_then(|_| out.flush())
    }
}
