//! `earshot siprec`: the bundled recording server, headless. Each accepted session becomes a
//! call recorded through the live engine into the vault, on its own thread.

use crate::live::{on_ctrl_c, printer};
use crate::{open_workstation, Channel};
use anyhow::{Context, Result};
use earshot_pipeline::LiveOptions;
use earshot_session::siprec::{join_with, SiprecEvent};
use earshot_session::CallEvent;
use earshot_siprec::roles::{Fallback, RoleRules};
use earshot_siprec::server::{parse_allow, Listen, SrsConfig, SrsStats, TlsFiles};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `earshot siprec`'s flags.
#[derive(clap::Args)]
pub(crate) struct Options {
    /// Where to listen: `udp:IP:PORT`, `tcp:IP:PORT` or `tls:IP:PORT` (repeatable).
    #[arg(long = "listen", required = true)]
    pub listen: Vec<String>,
    /// Sources allowed to send SIP and RTP, as CIDRs (repeatable; default: loopback only).
    #[arg(long = "allow")]
    pub allow: Vec<String>,
    /// Address to put in SDP answers (default: the local address that routes to the
    /// recorder).
    #[arg(long)]
    pub media_ip: Option<std::net::IpAddr>,
    /// RTP port range, e.g. 20000-29999 (default: any free port).
    #[arg(long)]
    pub rtp_ports: Option<String>,
    /// Agent address patterns (`*`, `?`): extensions, AORs or domains (repeatable).
    #[arg(long = "agent")]
    pub agent: Vec<String>,
    /// When the metadata cannot tell caller from agent.
    #[arg(long, value_enum, default_value_t = FallbackArg::FirstIsCaller)]
    pub fallback: FallbackArg,
    /// End a session after this many seconds without RTP.
    #[arg(long, default_value_t = 30)]
    pub rtp_timeout: u64,
    /// Stop after this many calls have ended.
    #[arg(long)]
    pub calls: Option<usize>,
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
    /// Close a SIP TCP/TLS connection after this many seconds without a byte.
    #[arg(long, default_value_t = 300)]
    pub tcp_idle_timeout: u64,
    /// The most SIP TCP/TLS connections open at once.
    #[arg(long, default_value_t = 64)]
    pub max_connections: usize,
    /// Whisper model.
    #[arg(long, default_value = "tiny.en", value_parser = ["tiny.en", "base"])]
    pub model: String,
    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// CPU threads for recognition.
    #[arg(long)]
    pub threads: Option<usize>,
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

fn config(o: &Options) -> Result<SrsConfig> {
    let listen = o
        .listen
        .iter()
        .map(|l| l.parse::<Listen>())
        .collect::<Result<Vec<_>, _>>()?;
    let allow = o
        .allow
        .iter()
        .map(|a| parse_allow(a).context("--allow"))
        .collect::<Result<Vec<_>>>()?;
    let rtp_ports = match &o.rtp_ports {
        None => (0, 0),
        Some(r) => {
            let (a, b) = r
                .split_once('-')
                .and_then(|(a, b)| Some((a.parse::<u16>().ok()?, b.parse::<u16>().ok()?)))
                .filter(|(a, b)| a < b && *a > 0)
                .with_context(|| format!("--rtp-ports '{r}': use LOW-HIGH, e.g. 20000-29999"))?;
            (a, b)
        }
    };
    Ok(SrsConfig {
        listen,
        allow,
        media_ip: o.media_ip,
        rtp_ports,
        roles: RoleRules {
            agent_patterns: o.agent.clone(),
            calling_party_is_caller: true,
            fallback: match o.fallback {
                FallbackArg::FirstIsCaller => Fallback::FirstIsCaller,
                FallbackArg::FirstIsAgent => Fallback::FirstIsAgent,
            },
        },
        rtp_timeout: Duration::from_secs(o.rtp_timeout.max(1)),
        tls: match (&o.tls_cert, &o.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                client_ca: o.tls_client_ca.clone(),
            }),
            (None, None) => None,
            _ => anyhow::bail!("--tls-cert and --tls-key go together"),
        },
        require_secure: o.require_secure,
        media_from_any_allowed: o.media_from_any_allowed,
        tcp_idle_timeout: Duration::from_secs(o.tcp_idle_timeout.max(1)),
        max_connections: o.max_connections.max(1),
        ..SrsConfig::default()
    })
}

pub(crate) fn run(o: Options) -> Result<()> {
    let config = config(&o)?;
    if config.allow.is_empty() {
        eprintln!("siprec: no --allow given: only this machine (loopback) may send recordings");
    }
    // The models load once here, so that a missing model is an error before anything listens.
    let options = open_workstation(o.model.clone(), Channel::Left, o.threads)?
        .analyzer
        .options()
        .clone();
    let print = Mutex::new(printer(o.json));
    let ended = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(Mutex::new(None::<String>));
    let (ended_in, failed_in) = (ended.clone(), failed.clone());
    let live = LiveOptions {
        partials: !o.no_partials,
        ..LiveOptions::default()
    };
    let joined = join_with(config, options, live, move |e| match e {
        SiprecEvent::Started { source, .. } => eprintln!("siprec: {source}"),
        SiprecEvent::Call { event, .. } => {
            // A closed stdout does not stop the call: finals go on being stored.
            let _ = print.lock().map(|mut p| p(&event));
            if matches!(event, CallEvent::CallEnd { .. }) {
                ended_in.fetch_add(1, Ordering::SeqCst);
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
    let stop = Arc::new(AtomicBool::new(false));
    on_ctrl_c(stop.clone())?;
    // Until Ctrl-C, or until --calls calls have ended (BYE or RTP timeout).
    while !stop.load(Ordering::SeqCst) && o.calls.is_none_or(|n| ended.load(Ordering::SeqCst) < n) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if let Some(stats) = joined.stats() {
        report(stats);
    }
    // Ending the receiver ends every session; each call is finalized and stored first.
    joined.leave();
    match failed.lock().ok().and_then(|f| f.clone()) {
        Some(reason) => anyhow::bail!(reason),
        None => Ok(()),
    }
}

/// The receiver's counters on stderr (no call content).
fn report(s: &SrsStats) {
    let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    eprintln!(
        "siprec: {} sessions; RTP packets {} received, {} lost; {} audio chunks dropped; {} SRTP packets rejected; {} requests refused ({} in-dialog requests not from the recorder); {} blocked by the allow-list",
        n(&s.sessions),
        n(&s.rtp_packets),
        n(&s.rtp_lost),
        n(&s.audio_dropped),
        n(&s.srtp_rejected),
        n(&s.refused),
        n(&s.foreign_requests),
        n(&s.blocked)
    );
}
