//! Joining the contact center's SIPREC fork from a workstation or a small server: the bundled
//! receiver started from the configuration (listeners, allow-list, agent patterns, capacity:
//! policy keys), each recorded call run through the live engine into the vault on its own
//! thread, keypad digits sealed. Used by the desktop app's "Join SIPREC" and `earshot siprec`.
//!
//! One [`Engine`] serves every call: the models are loaded once when the receiver starts, and
//! whisper's work from all calls goes through its pool of `siprec_workers` decoders (finals
//! first, then the call furthest behind). The receiver takes at most `siprec_max_calls` calls at
//! once, and by default fewer while the engine does not keep up with the calls it has (a final
//! waiting over a second for a decoder); it answers `503` with `Retry-After` beyond them, so
//! the recording client fails over to another recording server; a call already taken is never
//! dropped when the load rises: its engine degrades (partials paused, then finals on the fast
//! model), and any audio lost all the same is counted, reported while the call runs
//! ([`CallEvent::Gaps`]) and stored.

use crate::{record_call_with_keypad, settings, AssistRef, CallEvent, SessionError, Workstation};
use earshot_config::{Config, SiprecFallback};
use earshot_models::ModelStore;
use earshot_pipeline::{AnalyzerOptions, Engine, LiveOptions};
use earshot_siprec::roles::{Fallback, RoleRules};
use earshot_siprec::server::{parse_allow, Listen, Srs, SrsConfig, SrsMonitor, TlsFiles};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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
    /// The receiver's figures changed (sent at most once a second).
    Status(ReceiverStatus),
    /// Call `session`'s second pass is stored (its transcript and summary replaced).
    SecondPass {
        /// The call.
        session: u64,
        /// What it did.
        report: crate::SecondPassReport,
    },
}

/// The receiver's load and what it has refused or lost, for the status bar and
/// `earshot siprec --json` (`{"type": "receiver", …}`): counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct ReceiverStatus {
    /// Calls being recorded (or still being stored).
    pub calls: u32,
    /// The most calls at once; more are answered 503.
    pub max_calls: u32,
    /// Whisper decodes running now, of `workers`.
    pub decoding: u32,
    /// Decoders shared by all calls.
    pub workers: u32,
    /// New sessions answered 503 because the receiver was full.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub over_capacity: u64,
    /// Of those, the ones refused because the engine was not keeping up with its calls (below
    /// `max_calls`).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub over_load: u64,
    /// RTP packets lost on the network (concealed).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rtp_lost: u64,
    /// Audio chunks the engine could not take in time (dropped, counted with their calls).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub audio_dropped: u64,
    /// Partial results given up because the decoders were busy with finals.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub partials_skipped: u64,
}

impl ReceiverStatus {
    fn of(monitor: &SrsMonitor, engine: &Engine) -> ReceiverStatus {
        let n = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
        let stats = monitor.stats();
        ReceiverStatus {
            calls: monitor.calls_active() as u32,
            max_calls: monitor.max_calls() as u32,
            decoding: engine.busy() as u32,
            workers: engine.workers() as u32,
            over_capacity: n(&stats.over_capacity),
            over_load: n(&stats.over_load),
            rtp_lost: n(&stats.rtp_lost),
            audio_dropped: n(&stats.audio_dropped),
            partials_skipped: n(&engine.stats().partials_skipped),
        }
    }
}

/// Agent assist for every call of a receiver, loaded once and shared: the sentence encoder and
/// the knowledge index (used under one lock), the alert rules and the checklists.
#[derive(Default)]
pub struct SharedAssist {
    assistant: Option<crate::knowledge::SharedAssistant>,
    alert_rules: Option<earshot_assist::alerts::AlertRules>,
    checklists: Option<earshot_assist::checklist::Checklists>,
    queue: Option<String>,
}

impl SharedAssist {
    /// What `config` names (`assist_rules`, `knowledge_dir`, `queue`), the knowledge index kept
    /// in its vault; with the first problem, when a part could not be loaded (the rest is).
    pub fn load(
        config: &Config,
        engine: &Arc<Engine>,
    ) -> Result<(SharedAssist, Option<SessionError>), SessionError> {
        SharedAssist::load_in(config, engine, &crate::knowledge::AssistCache::default())
    }

    /// [`SharedAssist::load`] with the encoder and knowledge index from `cache` (the app's, also
    /// used by its local calls and search box).
    pub fn load_in(
        config: &Config,
        engine: &Arc<Engine>,
        cache: &crate::knowledge::AssistCache,
    ) -> Result<(SharedAssist, Option<SessionError>), SessionError> {
        let mut ws = Workstation::open_on(config.clone(), engine)?;
        let problem = ws.load_assist_in(cache).err();
        Ok((
            SharedAssist {
                assistant: ws.assist.take(),
                alert_rules: ws.alert_rules.take(),
                checklists: ws.checklists.take(),
                queue: config.queue.clone(),
            },
            problem,
        ))
    }

    /// Whether anything beyond the built-in hygiene alerts is loaded.
    pub fn any(&self) -> bool {
        self.assistant.is_some() || self.alert_rules.is_some() || self.checklists.is_some()
    }
}

/// The most calls a receiver takes at once when `siprec_max_calls` is not set, for whisper
/// `model` and `workers` decoders: a ceiling, below which the engine's own measure decides
/// ([`with_load_check`]). Machines of one kind differ by about three times in speed: the
/// concurrent-calls benchmark (`cargo bench -p earshot-pipeline --bench calls`, in `cargo xtask
/// bench`) kept the final p95 within 3 s for 6 tiny.en calls on the faster 2-core machine and 1
/// on the slower, and for 1 base call on the faster. So three tiny.en calls per decoder, one
/// base call per decoder (at least 1).
pub fn default_max_calls(model: &str, workers: usize) -> usize {
    let per_worker = match model {
        "tiny.en" => 3,
        _ => 1,
    };
    (workers * per_worker).max(1)
}

/// `receiver`, taking a new call only while `engine` keeps up with the calls it has (no final
/// waiting over a second for a decoder now or in the last ten: [`Engine::keeping_up`]) — unless
/// `siprec_max_calls` is set, which IT sized for its machines: then exactly that many.
pub fn with_load_check(
    mut receiver: SrsConfig,
    config: &Config,
    engine: &Arc<Engine>,
) -> SrsConfig {
    if config.siprec.max_calls.is_none() {
        let engine = engine.clone();
        receiver.keeping_up = Some(earshot_siprec::server::LoadCheck::new(move || {
            engine.keeping_up()
        }));
    }
    receiver
}

/// The engine SIPREC calls share: the models of `options` loaded once, `siprec_workers`
/// decoders (default: the physical cores) sharing that many threads (a decode running alone
/// gets them all).
pub fn engine(config: &Config, options: AnalyzerOptions) -> Result<Arc<Engine>, SessionError> {
    let workers = workers(config);
    Ok(Engine::load(
        &ModelStore::from_env(),
        AnalyzerOptions {
            threads: 1,
            ..options
        },
        workers,
    )?)
}

fn workers(config: &Config) -> usize {
    config
        .siprec
        .workers
        .unwrap_or_else(earshot_pipeline::physical_cores)
        .max(1)
}

/// The running receiver. [`Joined::leave`] (or dropping it) ends every session and returns once
/// each call is stored; [`Joined::finish`] also waits for their second passes.
pub struct Joined {
    srs: Option<Srs>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<Vec<JoinHandle<()>>>>,
    unstored: Arc<Unstored>,
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

    /// Ends every session and waits until each call is stored (or has failed). Second passes
    /// still running go on in the background: each stores its text and reports
    /// [`SiprecEvent::SecondPass`] when done; if the process ends first, the call keeps its live
    /// transcript (the vault gives the pass up when next opened). What an agent's "Leave" needs:
    /// a local call can start at once.
    pub fn leave(mut self) {
        drop(self.shutdown());
    }

    /// Ends every session and waits until each call is stored and its second pass has run (or
    /// was stopped by [`crate::stop_second_passes`]): what a receiver process does before it
    /// exits.
    pub fn finish(mut self) {
        for w in self.shutdown() {
            let _ = w.join();
        }
    }

    /// Stops the receiver and waits for every call to be stored; returns the calls' threads,
    /// some perhaps still running a second pass.
    fn shutdown(&mut self) -> Vec<JoinHandle<()>> {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.srs.take());
        // The acceptor counts a call before its thread starts: once it has returned, every
        // call taken is counted.
        let workers = self
            .acceptor
            .take()
            .and_then(|a| a.join().ok())
            .unwrap_or_default();
        self.unstored.wait_none();
        workers
    }
}

impl Drop for Joined {
    fn drop(&mut self) {
        drop(self.shutdown());
    }
}

/// Calls taken but not yet stored: what [`Joined::leave`] waits for.
#[derive(Default)]
struct Unstored {
    count: Mutex<usize>,
    none: Condvar,
}

impl Unstored {
    /// Counts a call in until the guard is dropped (also when its thread panics).
    fn enter(self: &Arc<Self>) -> StoredGuard {
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        StoredGuard(self.clone())
    }

    fn wait_none(&self) {
        let mut n = self.count.lock().unwrap_or_else(|e| e.into_inner());
        while *n > 0 {
            n = self.none.wait(n).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A call not yet stored; dropped once it is (or has failed).
struct StoredGuard(Arc<Unstored>);

impl Drop for StoredGuard {
    fn drop(&mut self) {
        let mut n = self.0.count.lock().unwrap_or_else(|e| e.into_inner());
        *n -= 1;
        if *n == 0 {
            self.0.none.notify_all();
        }
    }
}

/// The receiver's settings from the configuration (`siprec_*` keys, the same for the app and
/// `earshot siprec`), for calls on whisper `model`. A value the receiver cannot use is an error
/// naming its key.
pub fn receiver_config(config: &Config, model: &str) -> Result<SrsConfig, SessionError> {
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
        max_calls: s
            .max_calls
            .unwrap_or_else(|| default_max_calls(model, workers(config)))
            .max(1),
        ..SrsConfig::default()
    })
}

/// Starts the receiver configured by `config`, its calls assisted with the encoder and
/// knowledge index from `cache`; `on_event` hears every call's events (from several threads).
pub fn join(
    config: &Config,
    cache: &crate::knowledge::AssistCache,
    on_event: impl Fn(SiprecEvent) + Send + Sync + 'static,
) -> Result<Joined, SessionError> {
    let options = settings::analyzer_options(config);
    let receiver = receiver_config(config, &options.model)?;
    let engine = engine(config, options)?;
    let receiver = with_load_check(receiver, config, &engine);
    let (assist, problem) = SharedAssist::load_in(config, &engine, cache)?;
    if let Some(e) = problem {
        tracing::warn!(error = %e, "agent assist for SIPREC calls is incomplete");
    }
    join_with(
        receiver,
        engine,
        Arc::new(assist),
        LiveOptions::default(),
        on_event,
    )
}

/// Starts a receiver with explicit settings (the CLI's flags); every call runs on `engine`'s
/// models with `live`, assisted by `assist`.
pub fn join_with(
    receiver: SrsConfig,
    engine: Arc<Engine>,
    assist: Arc<SharedAssist>,
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
    let monitor = srs.monitor();
    let unstored = Arc::new(Unstored::default());
    let acceptor = {
        let stop = stop.clone();
        let unstored = unstored.clone();
        std::thread::spawn(move || {
            let mut workers: Vec<JoinHandle<()>> = Vec::new();
            let mut session = 0u64;
            let mut status = ReceiverStatus::default();
            let mut looked = Instant::now();
            while !stop.load(Ordering::SeqCst) {
                if looked.elapsed() >= Duration::from_secs(1) {
                    looked = Instant::now();
                    let now = ReceiverStatus::of(&monitor, &engine);
                    if now != status {
                        status = now.clone();
                        on_event(SiprecEvent::Status(now));
                    }
                    workers.retain(|w| !w.is_finished());
                }
                let call = match calls.recv_timeout(Duration::from_millis(200)) {
                    Ok(c) => c,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                };
                session += 1;
                let (on_event, engine, live, assist) = (
                    on_event.clone(),
                    engine.clone(),
                    live.clone(),
                    assist.clone(),
                );
                on_event(SiprecEvent::Started {
                    session,
                    source: call.source.clone(),
                });
                let stored = unstored.enter();
                workers.push(std::thread::spawn(move || {
                    // The call's place in the receiver's capacity is held until it is stored.
                    let call = *call;
                    let mut second_pass = None;
                    let result = Config::load()
                        .map_err(SessionError::from)
                        .and_then(|config| Workstation::open_on(config, &engine))
                        .and_then(|mut ws| {
                            let recorded = record_call_with_keypad(
                                &mut ws.analyzer,
                                &mut ws.vault,
                                &call.source,
                                call.audio,
                                crate::Received {
                                    assist: assist.assistant.as_deref().map(AssistRef::Shared),
                                    alert_rules: assist.alert_rules.as_ref(),
                                    checklists: assist.checklists.as_ref(),
                                    queue: assist.queue.clone(),
                                    actions: None,
                                    suggested: None,
                                    keypad: Some(call.keypad),
                                    loss: Some(&call.loss),
                                    // Only an address the organisation's own agent patterns
                                    // matched: the calling-party rule could name a caller.
                                    agent: call.roles.agent.clone().filter(|_| {
                                        call.roles.basis
                                            == earshot_siprec::roles::Basis::AgentPattern
                                    }),
                                    second_pass: Some(&mut second_pass),
                                    speakers: None,
                                },
                                live,
                                |event| {
                                    on_event(SiprecEvent::Call {
                                        session,
                                        event: event.clone(),
                                    });
                                    Ok::<(), ()>(())
                                },
                            );
                            recorded.map(|_| ws)
                        });
                    // The second pass runs behind every live call's decodes, after the call
                    // has left the receiver's capacity, and leaving does not wait for it.
                    drop(call.slot);
                    match result {
                        Ok(mut ws) => {
                            drop(stored);
                            if let Some(pass) = second_pass {
                                match pass.run(&mut ws.vault) {
                                    Ok(report) => {
                                        on_event(SiprecEvent::SecondPass { session, report })
                                    }
                                    Err(crate::SessionError::Pipeline(
                                        earshot_pipeline::PipelineError::Stopped,
                                    )) => tracing::info!(
                                        session,
                                        "second pass stopped; the call keeps its live transcript"
                                    ),
                                    Err(e) => {
                                        tracing::warn!(session, error = %e, "second pass failed")
                                    }
                                }
                            }
                        }
                        Err(e) => {
                            on_event(SiprecEvent::Failed {
                                session,
                                reason: e.to_string(),
                            });
                            drop(stored);
                        }
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
        unstored,
        addrs,
    })
}
