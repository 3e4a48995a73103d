//! `earshot siprec`: the bundled recording server, headless. Each accepted session becomes a
//! call recorded through the live engine into the vault, on its own thread; the models are
//! loaded once and shared by every call (see `earshot_session::siprec`).

use crate::live::{on_ctrl_c, printer};
use anyhow::Result;
use earshot_config::{Config, SiprecFallback, SiprecLayer};
use earshot_pipeline::{AnalyzerOptions, LiveOptions};
use earshot_session::siprec::{engine, join_with, receiver_config, SharedAssist, SiprecEvent};
use earshot_session::CallEvent;
use earshot_siprec::server::SrsStats;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `earshot siprec`'s flags. The receiver's flags are the `siprec_*` keys of `config.toml` and
/// `policy.toml` (see `earshot_config::siprec`): a flag overrides the settings file, and a key
/// the organisation's policy manages cannot be overridden.
#[derive(clap::Args)]
pub(crate) struct Options {
    /// Where to listen: `udp:IP:PORT`, `tcp:IP:PORT` or `tls:IP:PORT` (repeatable; default:
    /// `siprec_listen`, else UDP and TCP on 0.0.0.0:5060).
    #[arg(long = "listen")]
    pub listen: Vec<String>,
    /// Sources allowed to send SIP and RTP, as CIDRs (repeatable; default: `siprec_allow`, else
    /// loopback only).
    #[arg(long = "allow")]
    pub allow: Vec<String>,
    /// Agent address patterns (`*`, `?`): extensions, AORs or domains (repeatable).
    #[arg(long = "agents", alias = "agent")]
    pub agents: Vec<String>,
    /// When the metadata cannot tell caller from agent (default: first-is-caller).
    #[arg(long, value_enum)]
    pub fallback: Option<FallbackArg>,
    /// Address to put in SDP answers (default: the local address that routes to the
    /// recorder).
    #[arg(long)]
    pub media_ip: Option<String>,
    /// RTP port range, e.g. 20000-29999 (default: any free port).
    #[arg(long)]
    pub rtp_ports: Option<String>,
    /// End a session after this many seconds without RTP (default 30).
    #[arg(long)]
    pub rtp_timeout: Option<u64>,
    /// Server certificate chain (PEM) for `tls:` listeners.
    #[arg(long)]
    pub tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    #[arg(long)]
    pub tls_key: Option<PathBuf>,
    /// Require recorders to present a client certificate issued by these CAs (PEM).
    #[arg(long)]
    pub tls_client_ca: Option<PathBuf>,
    /// Refuse unencrypted signalling and media (TLS + SRTP).
    #[arg(long)]
    pub require_secure: bool,
    /// Take a session's RTP from any allowed address, not only from the address its offer
    /// names and the signalling peer's (for SBCs that send media from another interface).
    #[arg(long)]
    pub media_from_any_allowed: bool,
    /// Close a SIP TCP/TLS connection after this many seconds without a byte (default 300).
    #[arg(long)]
    pub tcp_idle_timeout: Option<u64>,
    /// The most SIP TCP/TLS connections open at once (default 64).
    #[arg(long)]
    pub max_connections: Option<usize>,
    /// Whisper decodes at once for all calls; they share the threads (a decode alone gets them
    /// all). Default: the physical cores this process may use.
    #[arg(long)]
    pub workers: Option<usize>,
    /// Calls recorded at once; one more is answered 503 with Retry-After (default: from the
    /// model and the workers).
    #[arg(long)]
    pub max_calls: Option<usize>,
    /// Stop after this many calls have ended.
    #[arg(long)]
    pub calls: Option<usize>,
    /// Whisper model.
    #[arg(long, default_value = "tiny.en", value_parser = ["tiny.en", "base"])]
    pub model: String,
    /// Print one JSON object per line instead of text: each call's events with its `session`
    /// number, and the receiver's figures (`{"type": "receiver", …}`) when they change.
    #[arg(long)]
    pub json: bool,
    /// Finals only, no partial results.
    #[arg(long)]
    pub no_partials: bool,
}

/// `earshot siprec --fallback`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum FallbackArg {
    /// The first audio stream is the caller.
    FirstIsCaller,
    /// The first audio stream is the agent.
    FirstIsAgent,
}

/// The flags given, as a layer of `siprec_*` keys (a flag not given sets nothing).
fn layer(o: &Options) -> SiprecLayer {
    let list = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    SiprecLayer {
        listen: list(&o.listen),
        allow: list(&o.allow),
        agents: list(&o.agents),
        fallback: o.fallback.map(|f| match f {
            FallbackArg::FirstIsCaller => SiprecFallback::FirstIsCaller,
            FallbackArg::FirstIsAgent => SiprecFallback::FirstIsAgent,
        }),
        media_ip: o.media_ip.clone(),
        rtp_ports: o.rtp_ports.clone(),
        rtp_timeout: o.rtp_timeout,
        tls_cert: o.tls_cert.clone(),
        tls_key: o.tls_key.clone(),
        tls_client_ca: o.tls_client_ca.clone(),
        require_secure: o.require_secure.then_some(true),
        media_from_any_allowed: o.media_from_any_allowed.then_some(true),
        tcp_idle_timeout: o.tcp_idle_timeout,
        max_connections: o.max_connections,
        workers: o.workers,
        max_calls: o.max_calls,
    }
}

pub(crate) fn run(o: Options) -> Result<()> {
    let mut settings = Config::load()?;
    settings.override_siprec(layer(&o))?;
    let config = receiver_config(&settings, &o.model)?;
    if config.allow.is_empty() {
        eprintln!(
            "siprec: no --allow or siprec_allow set: only this machine (loopback) may send recordings"
        );
    }
    if settings.age_recipients.is_empty() {
        eprintln!(
            "warning: no age recipients configured (age_recipients in config.toml or EARSHOT_AGE_RECIPIENTS): \
             sensitive values are redacted and dropped, not sealed"
        );
    }
    // The models load once here, for every call (and a missing model is an error before
    // anything listens).
    let engine = engine(
        &settings,
        AnalyzerOptions {
            model: o.model.clone(),
            second_pass: settings.second_pass.clone(),
            ..AnalyzerOptions::default()
        },
    )?;
    let config = earshot_session::siprec::with_load_check(config, &settings, &engine);
    let (workers, max_calls, by_load) = (
        engine.workers(),
        config.max_calls,
        config.keeping_up.is_some(),
    );
    // Agent assist (knowledge base, alert rules, checklists), loaded once for every call.
    let (assist, problem) = SharedAssist::load(&settings, &engine)?;
    if let Some(e) = problem {
        eprintln!("warning: agent assist: {e}");
    }
    let json = o.json;
    let print = Mutex::new(printer(json));
    let ended = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(Mutex::new(None::<String>));
    let (ended_in, failed_in) = (ended.clone(), failed.clone());
    let live = LiveOptions {
        partials: !o.no_partials,
        ..LiveOptions::default()
    };
    let joined = join_with(config, engine, Arc::new(assist), live, move |e| match e {
        SiprecEvent::Started { source, session } => eprintln!("siprec: call {session}: {source}"),
        SiprecEvent::Status(status) => {
            if json {
                let mut v = serde_json::to_value(&status).unwrap_or_default();
                v["type"] = "receiver".into();
                json_out(&v);
            } else {
                eprintln!(
                    "siprec: {} of {} calls; {} of {} decoders busy; {} refused as full ({} as the decoders fell behind); {} RTP packets lost; {} audio chunks dropped",
                    status.calls,
                    status.max_calls,
                    status.decoding,
                    status.workers,
                    status.over_capacity,
                    status.over_load,
                    status.rtp_lost,
                    status.audio_dropped
                );
            }
        }
        SiprecEvent::Call { event, session } => {
            // A closed stdout does not stop the call: finals go on being stored.
            if json {
                let mut v = serde_json::to_value(&event).unwrap_or_default();
                v["session"] = session.into();
                json_out(&v);
            } else {
                let _ = print.lock().map(|mut p| p(&event));
            }
            if matches!(event, CallEvent::CallEnd { .. }) {
                ended_in.fetch_add(1, Ordering::SeqCst);
            }
        }
        SiprecEvent::SecondPass { session, report } => {
            if json {
                let mut v = serde_json::to_value(&report).unwrap_or_default();
                v["type"] = "second_pass".into();
                v["session"] = session.into();
                json_out(&v);
            } else {
                eprintln!(
                    "siprec: call {session}: second pass with {} stored ({} utterances, {:.1} s)",
                    report.model, report.utterances, report.seconds
                );
            }
        }
        SiprecEvent::Failed { reason, .. } => {
            eprintln!("siprec: a call could not be recorded: {reason}");
            if let Ok(mut f) = failed_in.lock() {
                f.get_or_insert(reason);
            }
            ended_in.fetch_add(1, Ordering::SeqCst);
        }
    })?;
    for l in joined.listening() {
        eprintln!("siprec: listening on {l}");
    }
    let fewer = if by_load {
        ", fewer while the decoders fall behind"
    } else {
        ""
    };
    eprintln!("siprec: {workers} decoders for all calls; at most {max_calls} calls at once{fewer}");
    let stop = Arc::new(AtomicBool::new(false));
    on_ctrl_c(stop.clone())?;
    // Until Ctrl-C, or until --calls calls have ended (BYE or RTP timeout).
    while !stop.load(Ordering::SeqCst) && o.calls.is_none_or(|n| ended.load(Ordering::SeqCst) < n) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if let Some(stats) = joined.stats() {
        report(stats);
    }
    // Ending the receiver ends every session; each call is finalized and stored, and its second
    // pass run, before the process exits, unless Ctrl-C (again) stops the passes.
    let stop_passes = Arc::new(AtomicBool::new(false));
    on_ctrl_c(stop_passes.clone())?;
    eprintln!("siprec: finishing the calls (Ctrl-C stops their second passes)");
    let finishing = Arc::new(AtomicBool::new(true));
    let watcher = {
        let finishing = finishing.clone();
        std::thread::spawn(move || stop_passes_on(&stop_passes, &finishing))
    };
    joined.finish();
    finishing.store(false, Ordering::SeqCst);
    let _ = watcher.join();
    match failed.lock().ok().and_then(|f| f.clone()) {
        Some(reason) => anyhow::bail!(reason),
        None => Ok(()),
    }
}

/// While `finishing`, once `stop` is set, stops every second pass of the process, those of calls
/// stored later too: each is given up (audited) and its call keeps its live transcript.
fn stop_passes_on(stop: &AtomicBool, finishing: &AtomicBool) {
    let mut told = false;
    while finishing.load(Ordering::SeqCst) {
        if stop.load(Ordering::SeqCst) {
            if !told {
                eprintln!(
                    "siprec: stopping the second passes; their calls keep their live transcripts"
                );
                told = true;
            }
            earshot_session::stop_second_passes(Duration::from_secs(10));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One JSON line on stdout; a closed stdout is ignored (calls go on being stored).
fn json_out(v: &serde_json::Value) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}").and_then(|_| out.flush());
}

/// The receiver's counters on stderr (no call content).
fn report(s: &SrsStats) {
    let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    eprintln!(
        "siprec: {} sessions; {} refused as full; RTP packets {} received, {} lost; {} audio chunks dropped; {} SRTP packets rejected; {} requests refused ({} in-dialog requests not from the recorder); {} blocked by the allow-list",
        n(&s.sessions),
        n(&s.over_capacity),
        n(&s.rtp_packets),
        n(&s.rtp_lost),
        n(&s.audio_dropped),
        n(&s.srtp_rejected),
        n(&s.refused),
        n(&s.foreign_requests),
        n(&s.blocked)
    );
}
