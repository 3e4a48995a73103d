//! `earshot`: the command-line adapter over the Earshot library crates.
//!
//! It parses arguments, calls the libraries and prints their results; nothing more. Every error
//! becomes one `error: …` line on stderr and a non-zero exit.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use earshot_audio::CallerChannel;
use earshot_config::Config;
use earshot_core::{format_timestamp, Speaker};
use earshot_models::ModelStore;
use earshot_pipeline::AnalyzerOptions;
use earshot_redact::{Redaction, Redactor};
use earshot_seal::OperatorIdentity;
use earshot_session::{analyze_file, lines, CallEvent, Workstation};
use earshot_vault::{AuditVerdict, Vault};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;

mod hub;
mod live;
mod siprec;

/// `earshot --version`: the version, and for a packaged build (`cargo xtask package`) its
/// commit and the commit's date.
fn long_version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{} ({})",
            env!("CARGO_PKG_VERSION"),
            option_env!("EARSHOT_BUILD").unwrap_or("development build")
        )
    });
    VERSION.as_str()
}

#[derive(Parser)]
#[command(
    name = "earshot",
    version = long_version(),
    about = "On-device agent assist: transcribe, score and redact calls"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The organisation's managed policy.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
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
        /// CPU threads for recognition (default: physical cores this process may use - 1, at least 1).
        #[arg(long)]
        threads: Option<usize>,
        /// Play the file through the live engine at real time: partial and final results with
        /// their latency, as on a live call.
        #[arg(long)]
        realtime: bool,
        /// Playback speed for --realtime (1 = real time).
        #[arg(long, default_value_t = 1.0, requires = "realtime")]
        speed: f64,
        /// With --realtime: finals only, no partial results.
        #[arg(long, requires = "realtime")]
        no_partials: bool,
    },
    /// Transcribe the call on this workstation live: microphone = agent, system output
    /// (loopback) = caller, two channels, never mixed. Ctrl-C ends the call.
    Listen {
        /// Input device for the agent (a name from --list-devices; default: the system default).
        #[arg(long)]
        mic: Option<String>,
        /// Device whose output is the caller (Linux: a PulseAudio/PipeWire sink or monitor
        /// source; default: the default sink's monitor).
        #[arg(long)]
        loopback: Option<String>,
        /// List the capture devices and exit.
        #[arg(long)]
        list_devices: bool,
        /// Whisper model.
        #[arg(long, default_value = "tiny.en", value_parser = ["tiny.en", "base"])]
        model: String,
        /// Print one JSON object per line instead of text.
        #[arg(long)]
        json: bool,
        /// CPU threads for recognition.
        #[arg(long)]
        threads: Option<usize>,
        /// Finals only, no partial results.
        #[arg(long)]
        no_partials: bool,
    },
    /// Receive the contact center's recording fork (SIPREC, RFC 7866) and transcribe each
    /// recorded call live into the vault. Ctrl-C ends every session and exits.
    Siprec(Box<siprec::Options>),
    /// Redact transcript lines read as JSON from stdin.
    Redact {
        /// Read `{"speaker":…,"text":…}` lines; a blank line ends a conversation.
        #[arg(long, required = true)]
        jsonl: bool,
    },
    /// Score sentiment of lines read on stdin: prints `label<TAB>score` per line.
    Sentiment {
        /// Which engine (default: embedding when installed, else lexicon).
        #[arg(long, value_parser = ["lexicon", "embedding"])]
        engine: Option<String>,
    },
    /// Operator keys for sealing and reveal.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print a stored call with its sealed values restored (needs an operator identity; audited).
    Reveal {
        /// The operator's age identity file.
        #[arg(long)]
        identity: PathBuf,
        /// The call id (see `earshot calls list`).
        call: i64,
        /// Only this utterance (numbered from 1).
        #[arg(long)]
        utterance: Option<u32>,
    },
    /// Stored calls (redacted).
    Calls {
        #[command(subcommand)]
        command: CallsCommand,
    },
    /// The knowledge base: search it, and read the agents' feedback on its suggestions.
    Knowledge {
        #[command(subcommand)]
        command: KnowledgeCommand,
    },
    /// The organisation's hub: create, run, add users, verify its audit log.
    Hub {
        #[command(subcommand)]
        command: hub::HubCommand,
    },
    /// Upload this workstation's queued call summaries to the hub (enrolling first if needed).
    Sync {
        /// One pass, then exit (non-zero if the hub could not take everything due).
        #[arg(long)]
        once: bool,
        /// Print the queue length, last success and last error, and exit.
        #[arg(long, conflicts_with = "once")]
        status: bool,
    },
    /// Delete calls older than the retention period now (this also happens at every start).
    Purge,
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The models this workstation runs (in EARSHOT_MODEL_DIR, else the OS cache dir).
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
}

#[derive(Subcommand)]
enum ModelsCommand {
    /// Each model: its file, size and whether it is present.
    List,
    /// Check every model's size and SHA-256; exit 1 if one is missing or damaged.
    Verify,
    /// Install models from a folder IT provides (files under their manifest names), each
    /// checked against the manifest before it is put in place.
    Install {
        /// The folder holding the model files.
        #[arg(long)]
        from: PathBuf,
        /// Which models (default: every one the folder holds).
        names: Vec<String>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create an operator identity (file mode 0600) and print its public recipient.
    New {
        /// Where to write the identity; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum CallsCommand {
    /// List stored calls, newest first.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Show one call's redacted transcript.
    Show {
        /// The call id.
        id: i64,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Print the summary of one call that may be shared with the organisation (JSON): figures,
    /// finding counts, key phrases and key turns of the redacted text; never a value.
    Summary {
        /// The call id.
        id: i64,
    },
}

#[derive(Subcommand)]
enum KnowledgeCommand {
    /// The best articles for a question, as the agent's search box finds them (the text is
    /// redacted before it is searched).
    Search {
        /// What to look for.
        text: String,
        /// How many articles.
        #[arg(long, default_value_t = 3)]
        limit: usize,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// The agents' Useful / Not useful marks per article, with the mean score of each: for
    /// tuning `suggestion_threshold` and the articles.
    Feedback {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; names the first broken entry.
    Verify,
    /// Print every entry.
    List,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Check a policy before it is pushed: every problem with its line and its fix (exit 1 if
    /// any). Without FILE: the policy this machine runs under.
    Check {
        /// The policy file (default: EARSHOT_POLICY_FILE, else the platform's location).
        file: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Channel {
    Left,
    Right,
}

/// Restores the default action of `SIGPIPE` (end the process), which Rust's runtime sets to
/// ignore: writing to a closed stdout then ends the process as it ends `cat`, instead of
/// `println!` panicking on the error.
#[cfg(unix)]
fn die_on_broken_pipe() {
    // SAFETY: `signal` with `SIG_DFL` only resets one signal's disposition; it is called on the
    // main thread before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() {
    // A panic's message can quote call text; it is never printed.
    earshot_pipeline::panics::withhold_messages();
    init_logging();
    let cli = Cli::parse();
    // A command that prints and ends stops quietly when its reader goes away, as Unix tools do
    // (`earshot calls list | head -1` panicked writing to the closed pipe, exit 101). Not the
    // commands that serve or capture: they write to sockets, and one closed connection must not
    // end them.
    #[cfg(unix)]
    if !matches!(
        cli.command,
        Command::Listen { .. } | Command::Siprec(_) | Command::Hub { .. } | Command::Sync { .. }
    ) {
        die_on_broken_pipe();
    }
    // Under a malformed policy, or one non-administrators could have written, nothing of the
    // workstation runs (rather than run unprotected); checking a policy and the hub's own
    // commands do not run under the workstation's policy.
    let own_policy = !matches!(cli.command, Command::Policy { .. } | Command::Hub { .. });
    if own_policy {
        if let Err(e @ earshot_config::ConfigError::Policy { .. }) = Config::load() {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
    let result = match cli.command {
        Command::Policy {
            command: PolicyCommand::Check { file },
        } => policy_check(file),
        Command::Analyze {
            file,
            model,
            json,
            caller_channel,
            threads,
            realtime,
            speed,
            no_partials,
        } => {
            if realtime {
                live::analyze_realtime(
                    file,
                    model,
                    json,
                    caller_channel,
                    threads,
                    speed,
                    !no_partials,
                )
            } else {
                analyze(file, model, json, caller_channel, threads)
            }
        }
        Command::Siprec(options) => siprec::run(*options),
        Command::Listen {
            mic,
            loopback,
            list_devices,
            model,
            json,
            threads,
            no_partials,
        } => {
            if list_devices {
                live::list_devices()
            } else {
                live::listen(mic, loopback, model, json, threads, !no_partials)
            }
        }
        Command::Redact { .. } => redact_jsonl(),
        Command::Sentiment { engine } => sentiment(engine.as_deref()),
        Command::Keys {
            command: KeysCommand::New { out },
        } => keys_new(&out),
        Command::Reveal {
            identity,
            call,
            utterance,
        } => reveal(&identity, call, utterance),
        Command::Calls {
            command: CallsCommand::List { json },
        } => calls_list(json),
        Command::Calls {
            command: CallsCommand::Show { id, json },
        } => calls_show(id, json),
        Command::Calls {
            command: CallsCommand::Summary { id },
        } => calls_summary(id),
        Command::Knowledge {
            command: KnowledgeCommand::Search { text, limit, json },
        } => knowledge_search(&text, limit, json),
        Command::Knowledge {
            command: KnowledgeCommand::Feedback { json },
        } => knowledge_feedback(json),
        Command::Purge => purge(),
        Command::Hub { command } => hub::run(command),
        Command::Sync { once, status } => hub::sync(once, status),
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit_verify(),
        Command::Audit {
            command: AuditCommand::List,
        } => audit_list(),
        Command::Models { command } => models(command),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Logs go to stderr (no timestamps), `warn` unless RUST_LOG says otherwise (the decoders' own complaints about a
/// file that is not audio are left out by default: the error line says it). whisper.cpp's messages
/// are capped at `warn` whatever RUST_LOG says: its debug output can contain decoded text.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,symphonia=off"))
        .add_directive(earshot_asr::LOG_CAP.parse().expect("static directive"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        // A terminal tool's messages need no clock; it also keeps stray digits out of the log.
        .without_time()
        .init();
}

fn policy_check(file: Option<PathBuf>) -> Result<()> {
    let path = file
        .or_else(|| std::env::var_os("EARSHOT_POLICY_FILE").map(PathBuf::from))
        .unwrap_or_else(earshot_config::default_policy_file);
    if !path.exists() {
        anyhow::bail!("{} does not exist", path.display());
    }
    let problems = earshot_session::settings::check_policy(&path);
    if problems.is_empty() {
        let keys = std::fs::read_to_string(&path)
            .map(|t| earshot_config::policy::check_text(&t).lines.len())
            .unwrap_or(0);
        println!("{}: no problems ({keys} keys set)", path.display());
        return Ok(());
    }
    println!("{}: {} problem(s)", path.display(), problems.len());
    println!("{}", earshot_config::policy::list(&problems));
    anyhow::bail!("the policy has {} problem(s)", problems.len())
}

fn models(command: ModelsCommand) -> Result<()> {
    let store = earshot_models::ModelStore::from_env();
    let entries = store.manifest().models.clone();
    match command {
        ModelsCommand::List => {
            println!("model dir: {}", store.dir().display());
            for m in &entries {
                let state = match store.locate(&m.name) {
                    Ok(_) => "present",
                    Err(earshot_models::ModelError::Missing { .. }) => "missing",
                    Err(_) => "damaged",
                };
                println!("{:<18} {:<32} {:>12} B  {state}", m.name, m.file, m.size);
            }
            Ok(())
        }
        ModelsCommand::Verify => {
            let mut bad = 0;
            for m in &entries {
                match store.verify(&m.name) {
                    Ok(_) => println!("{:<18} ok", m.name),
                    Err(e) => {
                        bad += 1;
                        println!("{:<18} {e}", m.name);
                    }
                }
            }
            if bad > 0 {
                anyhow::bail!("{bad} of {} models missing or damaged", entries.len());
            }
            Ok(())
        }
        ModelsCommand::Install { from, names } => {
            if !from.is_dir() {
                anyhow::bail!("{} is not a folder", from.display());
            }
            let wanted: Vec<&earshot_models::manifest::ModelEntry> = if names.is_empty() {
                entries
                    .iter()
                    .filter(|m| from.join(&m.file).exists())
                    .collect()
            } else {
                names
                    .iter()
                    .map(|n| store.manifest().get(n))
                    .collect::<Result<_, _>>()?
            };
            if wanted.is_empty() {
                anyhow::bail!(
                    "{} holds no model file (expected names: {})",
                    from.display(),
                    entries
                        .iter()
                        .map(|m| m.file.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            for m in wanted {
                let done = store
                    .install_from(&m.name, &from)
                    .with_context(|| format!("installing {}", m.name))?;
                let said = match done {
                    earshot_models::store::Installed::AlreadyPresent => "already installed",
                    _ => "installed and verified",
                };
                println!("{:<18} {said}", m.name);
            }
            Ok(())
        }
    }
}

fn analyze(
    file: PathBuf,
    model: String,
    json: bool,
    channel: Channel,
    threads: Option<usize>,
) -> Result<()> {
    if !file.exists() {
        anyhow::bail!("{} does not exist", file.display());
    }
    let mut ws = open_workstation(model, channel, threads)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {bar:30} {percent:>3}% of the audio  ETA {eta}  {msg}",
        )
        .expect("static template"),
    );
    let stdout = std::io::stdout();
    // How long the file says it is, and how long it was: a recording cut short (a crash while
    // writing it, a copy stopped part way) is analysed as far as it goes, with a warning.
    let announced = std::cell::Cell::new(0u64);
    let read = std::cell::Cell::new(None::<u64>);
    analyze_file(
        &mut ws,
        &file,
        |p| {
            announced.set(p.total_ms);
            bar.set_length(p.total_ms.max(1));
            bar.set_position(p.done_ms);
        },
        |event| {
            let line = if json {
                lines::offline_json_line(event)
            } else {
                lines::text_line(event)
            };
            if let CallEvent::CallEnd { duration_ms, .. } = event {
                bar.finish_and_clear();
                read.set(Some(*duration_ms));
            }
            let Some(line) = line else { return Ok(()) };
            bar.suspend(|| {
                let mut out = stdout.lock();
                writeln!(out, "{line}").and_then(|_| out.flush())
            })
        },
    )
    .with_context(|| format!("analyzing {}", file.display()))?
    .context("writing the transcript")?;
    if let Some(read) = read.get() {
        if let Some(cut) = earshot_audio::CutShort::check(announced.get(), read) {
            eprintln!("warning: {}", cut.message(&file.display().to_string()));
        }
    }
    Ok(())
}

/// The vault and the loaded models, with the sealer from the configuration.
fn open_workstation(
    model: String,
    channel: Channel,
    threads: Option<usize>,
) -> Result<Workstation> {
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
    let ws = Workstation::open(options)?;
    if !ws.sealing {
        eprintln!(
            "warning: no age recipients configured (age_recipients in config.toml or EARSHOT_AGE_RECIPIENTS): \
             sensitive values are redacted and dropped, not sealed"
        );
    }
    Ok(ws)
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

fn keys_new(out: &std::path::Path) -> Result<()> {
    let identity = OperatorIdentity::generate();
    identity.write_new_file(out)?;
    println!("{}", identity.recipient());
    eprintln!(
        "wrote the operator identity to {} (mode 0600). Give workstations only the recipient above \
         (age_recipients / EARSHOT_AGE_RECIPIENTS); keep the identity with the operator.",
        out.display()
    );
    Ok(())
}

fn open_vault() -> Result<Vault> {
    Ok(Vault::open(&Config::load()?)?)
}

fn reveal(identity: &std::path::Path, call: i64, utterance: Option<u32>) -> Result<()> {
    let identity = OperatorIdentity::read_file(identity)?;
    let mut vault = open_vault()?;
    let revealed = vault.reveal(call, utterance, &identity)?;
    let mut unsealed = 0;
    for u in &revealed {
        unsealed += u.unsealed;
        println!(
            "{:>3} [{}] {:<8}{}",
            u.seq,
            format_timestamp(u.start_ms as u64),
            u.speaker.to_uppercase(),
            u.text
        );
    }
    if unsealed > 0 {
        eprintln!("note: {unsealed} values were never sealed (no recipients were configured) and stay redacted");
    }
    Ok(())
}

fn knowledge_search(text: &str, limit: usize, json: bool) -> Result<()> {
    let mut desk = earshot_session::knowledge::KnowledgeDesk::open(&Config::load()?)?;
    for e in desk.skipped() {
        eprintln!("warning: knowledge article skipped: {e}");
    }
    for hit in desk.search(text, limit.max(1))? {
        if json {
            println!("{}", serde_json::to_string(&hit)?);
        } else {
            println!(
                "{:.2}  {}  ({} / {})\n      {}",
                hit.score, hit.article_id, hit.title, hit.heading, hit.snippet
            );
        }
    }
    Ok(())
}

fn knowledge_feedback(json: bool) -> Result<()> {
    let score = |s: Option<f64>| s.map_or("-".to_string(), |v| format!("{v:.2}"));
    for f in open_vault()?.feedback()? {
        if json {
            println!("{}", serde_json::to_string(&f)?);
        } else {
            println!(
                "{:>4} useful (mean score {})  {:>4} not useful (mean score {})  {}",
                f.useful,
                score(f.useful_score),
                f.not_useful,
                score(f.not_useful_score),
                f.article_id
            );
        }
    }
    Ok(())
}

fn calls_list(json: bool) -> Result<()> {
    for c in open_vault()?.list_calls()? {
        if json {
            println!("{}", serde_json::to_string(&c)?);
        } else {
            let trend = c
                .sentiment_trend
                .as_ref()
                .and_then(|t| t["direction"].as_str())
                .unwrap_or("-");
            let second = match c.second_pass_state.as_deref() {
                Some("pending") => " (second pass pending)",
                Some("abandoned") => " (second pass given up)",
                _ => "",
            };
            let state = match (c.ended_at_ms, c.recording) {
                (Some(_), _) => "",
                (None, true) => " (being recorded)",
                (None, false) => " (did not end cleanly)",
            };
            println!(
                "{:>5}  {}  {:>8}  {:>3} utterances  trend {:<4}  {:<8}  {}{state}{second}",
                c.id,
                c.started_at_ms / 1000,
                c.duration_ms
                    .map_or("-".into(), |d| format_timestamp(d as u64)),
                c.utterances,
                trend,
                c.model,
                c.source
            );
        }
    }
    Ok(())
}

fn calls_show(id: i64, json: bool) -> Result<()> {
    let config = Config::load()?;
    let vault = Vault::open(&config)?;
    if json {
        println!("{}", serde_json::to_string(&vault.call(id)?)?);
        return Ok(());
    }
    let view = earshot_session::history::open(&vault, &config, id)?;
    println!(
        "call {} from {} ({} utterances)",
        view.call.id,
        view.call.source,
        view.turns.len()
    );
    for t in &view.turns {
        println!("{}", lines::turn_line(t));
    }
    Ok(())
}

fn calls_summary(id: i64) -> Result<()> {
    let detail = open_vault()?.call(id)?;
    // Key turns by sentence embeddings when the encoder is installed, else by word overlap.
    let mut encoder = earshot_pipeline::sentence_encoder(&ModelStore::from_env());
    let summary = earshot_summary::summarize(&detail, encoder.as_mut());
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

fn purge() -> Result<()> {
    let config = Config::load()?;
    let vault = Vault::open(&config)?;
    let n = vault.purge(config.retention_days)?;
    println!("purged {n} calls older than {} days", config.retention_days);
    Ok(())
}

fn audit_verify() -> Result<()> {
    match open_vault()?.verify_audit()? {
        AuditVerdict::Intact { entries } => {
            println!("audit log intact: {entries} entries");
            Ok(())
        }
        AuditVerdict::Broken { entry, reason } => {
            anyhow::bail!("audit log broken at entry {entry}: {reason}")
        }
    }
}

fn audit_list() -> Result<()> {
    for e in open_vault()?.audit_entries()? {
        println!("{}", serde_json::to_string(&e)?);
    }
    Ok(())
}

fn sentiment(engine: Option<&str>) -> Result<()> {
    use earshot_sentiment::SentimentEngine;
    let store = ModelStore::from_env();
    let engine: Box<dyn SentimentEngine> = match engine {
        Some("lexicon") => Box::new(earshot_sentiment::LexiconEngine::new()),
        Some(_) => Box::new(earshot_pipeline::embedding_engine(&store)?),
        None => earshot_pipeline::sentiment_engine(&store),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let s = engine.score(&line.context("reading stdin")?);
        writeln!(out, "{}\t{:.3}", s.label.short(), s.score)?;
    }
    Ok(())
}
