//! Joining the contact center's SIPREC fork from a workstation: the bundled receiver started
//! from the configuration (listeners, allow-list, agent patterns: policy keys), each recorded
//! call run through the live engine into the vault on its own thread, keypad digits sealed.
//! Used by the desktop app's "Join SIPREC".

use crate::{record_call_with_keypad, settings, CallEvent, SessionError, Workstation};
use earshot_config::{Config, SiprecFallback};
use earshot_pipeline::LiveOptions;
use earshot_siprec::roles::{Fallback, RoleRules};
use earshot_siprec::server::{parse_allow, Listen, Srs, SrsConfig, TlsFiles};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the receiver reports: per recorded call, its events, numbered by arrival.
#[derive(Debug, Clone, PartialEq)]
pub enum SiprecEvent {
    /// A recording session was accepted: call `session` starts.
    Started {
        /// Numbered from 1 in order of arrival.
        session: u64,
        /// Recorder, session and how caller and agent were told apart.
        source: String,
    },
    /// An event of call `session`.
    Call {
        /// The call.
        session: u64,
        /// What happened.
        event: CallEvent,
    },
    /// Call `session` could not be recorded.
    Failed {
        /// The call.
        session: u64,
        /// Why.
        reason: String,
    },
}

/// The running receiver. [`Joined::leave`] (or dropping it) ends every session; each call is
/// then finalized and stored.
pub struct Joined {
    srs: Option<Srs>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<Vec<JoinHandle<()>>>>,
    addrs: Vec<String>,
}

impl Joined {
    /// Where it listens, as `udp:IP:PORT` etc.
    pub fn listening(&self) -> &[String] {
        &self.addrs
    }

    /// The receiver's counters (sessions, RTP received and lost, refusals…).
    pub fn stats(&self) -> Option<&earshot_siprec::server::SrsStats> {
        self.srs.as_ref().map(|s| s.stats())
    }

    /// Ends every session and waits until each call is stored.
    pub fn leave(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.srs.take());
        if let Some(a) = self.acceptor.take() {
            if let Ok(workers) = a.join() {
                for w in workers {
                    let _ = w.join();
                }
            }
        }
    }
}

impl Drop for Joined {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The receiver's settings from the configuration (`siprec_*` keys, the same for the app and
/// `earshot siprec`). A value the receiver cannot use is an error naming its key.
pub fn receiver_config(config: &Config) -> Result<SrsConfig, SessionError> {
    let s = &config.siprec;
    s.check()?;
    let bad = |what: String| SessionError::Siprec(what);
    let listen = s
        .listen
        .iter()
        .map(|l| {
            l.parse::<Listen>()
                .map_err(|e| bad(format!("siprec_listen: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let allow = s
        .allow
        .iter()
        .map(|a| parse_allow(a).map_err(|e| bad(format!("siprec_allow: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SrsConfig {
        listen,
        allow,
        media_ip: s.media_ip,
        rtp_ports: s.rtp_ports.unwrap_or((0, 0)),
        roles: RoleRules {
            agent_patterns: s.agents.clone(),
            calling_party_is_caller: true,
            fallback: match s.fallback {
                SiprecFallback::FirstIsCaller => Fallback::FirstIsCaller,
                SiprecFallback::FirstIsAgent => Fallback::FirstIsAgent,
            },
        },
        rtp_timeout: Duration::from_secs(s.rtp_timeout.max(1)),
        tls: match (&s.tls_cert, &s.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                client_ca: s.tls_client_ca.clone(),
            }),
            _ => None,
        },
        require_secure: s.require_secure,
        media_from_any_allowed: s.media_from_any_allowed,
        tcp_idle_timeout: Duration::from_secs(s.tcp_idle_timeout.max(1)),
        max_connections: s.max_connections.max(1),
        ..SrsConfig::default()
    })
}

/// Starts the receiver configured by `config`; `on_event` hears every call's events (from
/// several threads).
pub fn join(
    config: &Config,
    on_event: impl Fn(SiprecEvent) + Send + Sync + 'static,
) -> Result<Joined, SessionError> {
    join_with(
        receiver_config(config)?,
        settings::analyzer_options(config),
        LiveOptions::default(),
        on_event,
    )
}

/// Starts a receiver with explicit settings (the CLI's flags); each call runs on `options`
/// and `live`.
pub fn join_with(
    receiver: SrsConfig,
    options: earshot_pipeline::AnalyzerOptions,
    live: LiveOptions,
    on_event: impl Fn(SiprecEvent) + Send + Sync + 'static,
) -> Result<Joined, SessionError> {
    let (srs, calls) = Srs::start(receiver).map_err(|e| SessionError::Siprec(e.to_string()))?;
    let addrs = srs
        .local_addrs()
        .iter()
        .map(|l| match l {
            Listen::Udp(a) => format!("udp:{a}"),
            Listen::Tcp(a) => format!("tcp:{a}"),
            Listen::Tls(a) => format!("tls:{a}"),
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let on_event = Arc::new(on_event);
    let acceptor = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut workers = Vec::new();
            let mut session = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let call = match calls.recv_timeout(Duration::from_millis(200)) {
                    Ok(c) => c,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                };
                session += 1;
                let (on_event, options, live) = (on_event.clone(), options.clone(), live.clone());
                on_event(SiprecEvent::Started {
                    session,
                    source: call.source.clone(),
                });
                workers.push(std::thread::spawn(move || {
                    let result = Workstation::open(options).and_then(|mut ws| {
                        record_call_with_keypad(
                            &mut ws.analyzer,
                            &mut ws.vault,
                            &call.source,
                            call.audio,
                            crate::Received {
                                // Knowledge suggestions come to SIPREC calls with the shared
                                // engine (the SIPREC-under-load issue): a workstation per call
                                // would index the base once per call.
                                assist: None,
                                // The hygiene alerts only (rule files come with the shared
                                // engine too).
                                alert_rules: None,
                                checklists: None,
                                queue: None,
                                actions: None,
                                keypad: Some(call.keypad),
                                loss: Some(&call.loss),
                                // Only an address the organisation's own agent patterns
                                // matched: the calling-party rule could name a caller.
                                agent: call.roles.agent.clone().filter(|_| {
                                    call.roles.basis == earshot_siprec::roles::Basis::AgentPattern
                                }),
                            },
                            live,
                            |event| {
                                on_event(SiprecEvent::Call {
                                    session,
                                    event: event.clone(),
                                });
                                Ok::<(), ()>(())
                            },
                        )
                    });
                    if let Err(e) = result {
                        on_event(SiprecEvent::Failed {
                            session,
                            reason: e.to_string(),
                        });
                    }
                }));
            }
            workers
        })
    };
    Ok(Joined {
        srs: Some(srs),
        stop,
        acceptor: Some(acceptor),
        addrs,
    })
}
