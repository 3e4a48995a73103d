//! `analyze --realtime` and `listen`: a live source into the live engine, finals into the vault,
//! everything on stdout as it happens.

use crate::{call_end_line, open_workstation, utterance_json, utterance_line, Channel};
use anyhow::{Context, Result};
use earshot_capture::{Capture, CaptureOptions};
use earshot_core::AudioChunk;
use earshot_pipeline::{Analyzer, FilePlayer, LiveEvent, LiveOptions};
use earshot_vault::{NewCall, Vault};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

/// Chunks in flight between a source and the engine (20 ms each: over a minute).
const QUEUE: usize = 4096;

/// Ctrl-C sets whichever flag is installed; the source stops, the engine finalizes what is open.
fn on_ctrl_c(flag: Arc<AtomicBool>) -> Result<()> {
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
    let (mut vault, mut analyzer) = open_workstation(model, channel, threads)?;
    let audio = earshot_audio::CallAudio::from_file(&file, analyzer.options().caller_channel)
        .with_context(|| format!("reading {}", file.display()))?;
    let (player, input) = FilePlayer::start(audio, speed);
    on_ctrl_c(player.stop_flag())?;
    let source = format!("{} (realtime)", file.display());
    run(&mut analyzer, &mut vault, &source, input, json, partials)
        .with_context(|| format!("analyzing {}", file.display()))
}

pub(crate) fn listen(
    mic: Option<String>,
    loopback: Option<String>,
    model: String,
    json: bool,
    threads: Option<usize>,
    partials: bool,
) -> Result<()> {
    let (mut vault, mut analyzer) = open_workstation(model, Channel::Left, threads)?;
    let (tx, input) = std::sync::mpsc::sync_channel(QUEUE);
    let capture = Capture::start(&CaptureOptions { mic, loopback }, tx)?;
    on_ctrl_c(capture.stop_flag())?;
    eprintln!("listening: microphone = agent, system output = caller; Ctrl-C ends the call");
    let result = run(
        &mut analyzer,
        &mut vault,
        "live capture",
        input,
        json,
        partials,
    );
    if let Some(why) = capture.failure() {
        eprintln!("error: {why}");
        result?;
        std::process::exit(1);
    }
    result
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

/// Runs the engine over `input`, storing each final before it is printed.
fn run(
    analyzer: &mut Analyzer,
    vault: &mut Vault,
    source: &str,
    input: Receiver<AudioChunk>,
    json: bool,
    partials: bool,
) -> Result<()> {
    let mut session = vault.record(&NewCall {
        source: source.to_string(),
        agent: None,
        direction: None,
        model: analyzer.options().model.clone(),
    })?;
    let call = session.id();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // A closed stdout does not stop the call: finals go on being stored.
    let mut write_error: Option<std::io::Error> = None;
    let options = LiveOptions {
        partials,
        ..LiveOptions::default()
    };
    analyzer.run_live(input, options, |event| {
        let line = match event {
            LiveEvent::Partial(p) => {
                if json {
                    json!({
                        "type": "partial",
                        "id": p.id,
                        "speaker": p.speaker,
                        "start_ms": p.start_ms,
                        "end_ms": p.end_ms,
                        "text": p.text,
                        "latency_ms": p.latency_ms,
                    })
                    .to_string()
                } else {
                    format!(
                        "[{}] {:<8}~ {}",
                        earshot_core::format_timestamp(p.start_ms),
                        p.speaker.label(),
                        p.text
                    )
                }
            }
            LiveEvent::Final(f) => {
                // Committed before it is shown: what was printed is on disk.
                session.add(&f.utterance, &f.sealed)?;
                if json {
                    let mut v = utterance_json(&f.utterance);
                    v["type"] = json!("final");
                    v["id"] = json!(f.id);
                    v["latency_ms"] = json!(f.latency_ms);
                    v.to_string()
                } else {
                    utterance_line(&f.utterance, false)
                }
            }
            LiveEvent::Discarded { id } => {
                if !json {
                    return Ok(());
                }
                json!({ "type": "discarded", "id": id }).to_string()
            }
            LiveEvent::Degraded(d) => {
                if json {
                    json!({
                        "type": "degraded",
                        "level": d.level.name(),
                        "reason": d.reason,
                        "lag_ms": d.lag_ms,
                    })
                    .to_string()
                } else {
                    format!("-- {} (lag {} ms)", d.reason, d.lag_ms)
                }
            }
            LiveEvent::CallEnd(end) => {
                session.end(end.duration_ms, &end.sentiment_trend, end.sentiment_engine)?;
                call_end_line(call, &end, json)
            }
        };
        if write_error.is_none() {
            if let Err(e) = writeln!(out, "{line}").and_then(|_| out.flush()) {
                write_error = Some(e);
            }
        }
        Ok(())
    })?;
    if let Some(e) = write_error {
        return Err(e).context("writing the transcript");
    }
    Ok(())
}
