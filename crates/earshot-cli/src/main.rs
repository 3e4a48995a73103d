//! `earshot`: the command-line adapter over the Earshot library crates.
//!
//! It parses arguments, calls the libraries and prints their results; nothing more. Every error
//! becomes one `error: …` line on stderr and a non-zero exit.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use earshot_audio::CallerChannel;
use earshot_core::{format_timestamp, Speaker, Utterance};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, CallEnd, PipelineEvent};
use earshot_redact::{Redaction, Redactor};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "earshot",
    version,
    about = "On-device agent assist: transcribe, score and redact calls"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Transcribe a call recording: speaker-labelled, sentiment-scored, redacted.
    Analyze {
        /// Audio file (WAV, FLAC, MP3, OGG); stereo = caller + agent, mono = one unknown speaker.
        file: PathBuf,
        /// Whisper model.
        #[arg(long, default_value = "tiny.en", value_parser = ["tiny.en", "base"])]
        model: String,
        /// Print one JSON object per line instead of text.
        #[arg(long)]
        json: bool,
        /// Which stereo channel carries the caller.
        #[arg(long, value_enum, default_value_t = Channel::Left)]
        caller_channel: Channel,
        /// CPU threads for recognition (default: physical cores - 1, at least 1).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Redact transcript lines read as JSON from stdin.
    Redact {
        /// Read `{"speaker":…,"text":…}` lines; a blank line ends a conversation.
        #[arg(long, required = true)]
        jsonl: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Channel {
    Left,
    Right,
}

fn main() {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze {
            file,
            model,
            json,
            caller_channel,
            threads,
        } => analyze(file, model, json, caller_channel, threads),
        Command::Redact { .. } => redact_jsonl(),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Logs go to stderr, `warn` unless RUST_LOG says otherwise (the decoders' own complaints about a
/// file that is not audio are left out by default: the error line says it). whisper.cpp's messages
/// are capped at `warn` whatever RUST_LOG says: its debug output can contain decoded text.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,symphonia=off"))
        .add_directive("whisper_rs=warn".parse().expect("static directive"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn analyze(
    file: PathBuf,
    model: String,
    json: bool,
    channel: Channel,
    threads: Option<usize>,
) -> Result<()> {
    let mut options = AnalyzerOptions {
        model,
        caller_channel: match channel {
            Channel::Left => CallerChannel::Left,
            Channel::Right => CallerChannel::Right,
        },
        ..AnalyzerOptions::default()
    };
    if let Some(t) = threads {
        options.threads = t.max(1);
    }
    if !file.exists() {
        anyhow::bail!("{} does not exist", file.display());
    }
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), options)?;

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {bar:30} {percent:>3}% of speech  ETA {eta}  {msg}",
        )
        .expect("static template"),
    );
    let stdout = std::io::stdout();
    let mut write_error: Option<std::io::Error> = None;
    analyzer
        .analyze_file(&file, |event| {
            let line = match event {
                PipelineEvent::Progress(p) => {
                    bar.set_length(p.total_ms.max(1));
                    bar.set_position(p.done_ms);
                    return;
                }
                PipelineEvent::Utterance(u) => utterance_line(&u, json),
                PipelineEvent::CallEnd(end) => {
                    bar.finish_and_clear();
                    call_end_line(&end, json)
                }
            };
            bar.suspend(|| {
                let mut out = stdout.lock();
                if let Err(e) = writeln!(out, "{line}").and_then(|_| out.flush()) {
                    write_error.get_or_insert(e);
                }
            });
        })
        .with_context(|| format!("analyzing {}", file.display()))?;
    if let Some(e) = write_error {
        return Err(e).context("writing the transcript");
    }
    Ok(())
}

fn utterance_line(u: &Utterance, json: bool) -> String {
    if json {
        json!({
            "type": "utterance",
            "speaker": u.speaker,
            "start_ms": u.start_ms,
            "end_ms": u.end_ms,
            "text": u.text,
            "sentiment": { "label": u.sentiment.label, "score": round3(u.sentiment.score) },
            "findings": u.findings.iter().map(|f| json!({ "type": f.kind })).collect::<Vec<_>>(),
        })
        .to_string()
    } else {
        format!(
            "[{}] {:<8}{} {:+.2}  {}",
            format_timestamp(u.start_ms),
            u.speaker.label(),
            u.sentiment.label.short(),
            u.sentiment.score,
            u.text
        )
    }
}

/// Scores to three decimals: more digits are noise.
fn round3(v: f32) -> f64 {
    (v as f64 * 1000.0).round() / 1000.0
}

fn call_end_line(end: &CallEnd, json: bool) -> String {
    if json {
        json!({
            "type": "call_end",
            "duration_ms": end.duration_ms,
            "sentiment_trend": end.sentiment_trend.direction,
            "sentiment_quarters": end.sentiment_trend.quarters.map(|q| q.map(round3)),
            "sentiment_engine": end.sentiment_engine,
            "utterances": end.utterances,
        })
        .to_string()
    } else {
        let quarters: Vec<String> = end
            .sentiment_trend
            .quarters
            .iter()
            .map(|q| q.map_or("  -  ".into(), |v| format!("{v:+.2}")))
            .collect();
        format!(
            "-- call ended at {}: {} utterances, sentiment trend {:?} (quarters {}; engine {})",
            format_timestamp(end.duration_ms),
            end.utterances,
            end.sentiment_trend.direction,
            quarters.join(" "),
            end.sentiment_engine
        )
    }
}

#[derive(serde::Deserialize)]
struct InputLine {
    #[serde(default = "unknown")]
    speaker: Speaker,
    text: String,
}

fn unknown() -> Speaker {
    Speaker::Unknown
}

fn redaction_line(r: &Redaction) -> String {
    json!({
        "text": r.text,
        "findings": r.findings.iter().map(|f| json!({ "type": f.kind, "start": f.start, "end": f.end })).collect::<Vec<_>>(),
    })
    .to_string()
}

/// `redact --jsonl`: one output line per input line, in order; a blank line ends a conversation
/// (and is echoed as a blank line).
fn redact_jsonl() -> Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut redactor = Redactor::new();
    let write = |out: &mut std::io::BufWriter<_>, lines: Vec<Redaction>| -> Result<()> {
        for r in lines {
            writeln!(out, "{}", redaction_line(&r))?;
        }
        Ok(())
    };
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            let rest = redactor.finish();
            write(&mut out, rest)?;
            writeln!(out)?;
            out.flush()?;
            continue;
        }
        let input: InputLine = serde_json::from_str(&line).with_context(|| {
            format!(
                "line {}: expected a JSON object like {{\"speaker\":\"caller\",\"text\":\"…\"}}",
                n + 1
            )
        })?;
        let done = redactor.push(input.speaker, &input.text);
        write(&mut out, done)?;
        if redactor.pending() == 0 {
            out.flush()?;
        }
    }
    let rest = redactor.finish();
    write(&mut out, rest)?;
    out.flush()?;
    Ok(())
}
