//! `earshot siprec`: the bundled recording server, headless. Each accepted session becomes a
//! call recorded through the live engine into the vault, on its own thread.

use crate::live::{on_ctrl_c, printer};
use crate::{open_workstation, Channel, FallbackArg};
use anyhow::{Context, Result};
use earshot_pipeline::LiveOptions;
use earshot_session::record_call_with_keypad;
use earshot_siprec::roles::{Fallback, RoleRules};
use earshot_siprec::server::{Listen, Srs, SrsConfig, TlsFiles};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The command's options.
pub(crate) struct Options {
    pub listen: Vec<String>,
    pub allow: Vec<String>,
    pub media_ip: Option<std::net::IpAddr>,
    pub rtp_ports: Option<String>,
    pub agent: Vec<String>,
    pub fallback: FallbackArg,
    pub rtp_timeout: u64,
    pub calls: Option<usize>,
    pub tls_cert: Option<std::path::PathBuf>,
    pub tls_key: Option<std::path::PathBuf>,
    pub tls_client_ca: Option<std::path::PathBuf>,
    pub require_secure: bool,
    pub model: String,
    pub json: bool,
    pub threads: Option<usize>,
    pub partials: bool,
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
        .map(|a| {
            a.parse::<ipnet::IpNet>()
                .or_else(|_| a.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .with_context(|| format!("--allow '{a}' is not a CIDR or an address"))
        })
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
        ..SrsConfig::default()
    })
}

pub(crate) fn run(o: Options) -> Result<()> {
    let config = config(&o)?;
    if config.allow.is_empty() {
        eprintln!("siprec: no --allow given: only this machine (loopback) may send recordings");
    }
    // The models load once here, so that a missing model is an error before anything listens.
    drop(open_workstation(o.model.clone(), Channel::Left, o.threads)?);
    let (srs, calls) = Srs::start(config)?;
    for l in srs.local_addrs() {
        match l {
            Listen::Udp(a) => eprintln!("siprec: listening on udp:{a}"),
            Listen::Tcp(a) => eprintln!("siprec: listening on tcp:{a}"),
            Listen::Tls(a) => eprintln!("siprec: listening on tls:{a}"),
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    on_ctrl_c(stop.clone())?;
    let mut workers = Vec::new();
    let mut started = 0usize;
    while !stop.load(Ordering::SeqCst) {
        if o.calls.is_some_and(|n| started >= n) {
            break;
        }
        let call = match calls.recv_timeout(Duration::from_millis(200)) {
            Ok(c) => c,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        started += 1;
        eprintln!("siprec: {}", call.source);
        let (model, threads, json, partials) = (o.model.clone(), o.threads, o.json, o.partials);
        workers.push(std::thread::spawn(move || -> Result<()> {
            let mut ws = open_workstation(model, Channel::Left, threads)?;
            let options = LiveOptions {
                partials,
                ..LiveOptions::default()
            };
            let mut print = printer(json);
            // Keypad digits are sealed like spoken values and shown as a [DTMF] chip.
            record_call_with_keypad(
                &mut ws.analyzer,
                &mut ws.vault,
                &call.source,
                call.audio,
                Some(call.keypad),
                options,
                |e| print(e),
            )?
            .context("writing the transcript")?;
            Ok(())
        }));
    }
    // Ctrl-C: ending the receiver ends every session; each call then finalizes and is stored.
    // After --calls: the calls end by themselves (BYE or RTP timeout) first.
    let interrupted = stop.load(Ordering::SeqCst);
    let srs = if interrupted {
        report(&srs);
        drop(srs);
        None
    } else {
        Some(srs)
    };
    let mut failed = None;
    for w in workers {
        match w.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failed = Some(e),
            Err(_) => failed = Some(anyhow::anyhow!("a call's thread panicked")),
        }
    }
    if let Some(srs) = &srs {
        report(srs);
    }
    drop(srs);
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The receiver's counters on stderr (no call content).
fn report(srs: &Srs) {
    let s = srs.stats();
    let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    eprintln!(
        "siprec: {} sessions; RTP packets {} received, {} lost; {} audio chunks dropped; {} SRTP packets rejected; {} requests refused; {} blocked by the allow-list",
        n(&s.sessions),
        n(&s.rtp_packets),
        n(&s.rtp_lost),
        n(&s.audio_dropped),
        n(&s.srtp_rejected),
        n(&s.refused),
        n(&s.blocked)
    );
}
