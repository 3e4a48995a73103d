//! The SIP side of the receiver: a UAS over UDP and TCP that accepts recording sessions,
//! answers them `recvonly`, keeps their dialogs (re-INVITE and UPDATE for pause, resume and
//! metadata updates; OPTIONS keepalives; BYE and CANCEL), receives their RTP and hands each call
//! to the caller of [`Srs::start`] as a [`RecordedCall`]: 16 kHz audio per speaker and keypad
//! digits.
//!
//! Order of checks on every datagram or connection: the source address against the allow-list
//! (before anything is parsed), the per-source rate, the size limits, then the request line and
//! only then the full message (parsed with `rsipstack`'s SIP parser). Responses are written by
//! us from the request's own Via/From/To/Call-ID/CSeq.

use crate::roles::{RoleRules, Roles};
use earshot_core::{AudioChunk, KeyPress};
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where to listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// SIP over UDP.
    Udp(SocketAddr),
    /// SIP over TCP.
    Tcp(SocketAddr),
    /// SIP over TLS (needs [`SrsConfig::tls`]).
    Tls(SocketAddr),
}

impl std::str::FromStr for Listen {
    type Err = SrsError;
    fn from_str(s: &str) -> Result<Listen, SrsError> {
        let (proto, addr) = s.split_once(':').ok_or_else(|| {
            SrsError::Config(format!("listen '{s}': use udp:IP:PORT or tcp:IP:PORT"))
        })?;
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| SrsError::Config(format!("listen '{s}': '{addr}' is not IP:PORT")))?;
        match proto.to_ascii_lowercase().as_str() {
            "udp" => Ok(Listen::Udp(addr)),
            "tcp" => Ok(Listen::Tcp(addr)),
            "tls" => Ok(Listen::Tls(addr)),
            other => Err(SrsError::Config(format!(
                "listen '{s}': unknown transport '{other}' (udp, tcp or tls)"
            ))),
        }
    }
}

/// An allow-list entry: a CIDR (`10.1.0.0/16`) or one address.
pub fn parse_allow(entry: &str) -> Result<IpNet, SrsError> {
    entry
        .trim()
        .parse::<IpNet>()
        .or_else(|_| entry.trim().parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| SrsError::Config(format!("allow-list: '{entry}' is not a CIDR or an address")))
}

/// The receiver's settings.
#[derive(Debug, Clone)]
pub struct SrsConfig {
    /// Sockets to listen on.
    pub listen: Vec<Listen>,
    /// Sources allowed to send SIP and RTP (CIDRs). Empty: loopback only.
    pub allow: Vec<IpNet>,
    /// The address put in our SDP answers (`None`: the local address that routes to the
    /// recorder).
    pub media_ip: Option<IpAddr>,
    /// RTP ports to use (even ports are taken; 0..=0: any free port).
    pub rtp_ports: (u16, u16),
    /// Caller/agent rules.
    pub roles: RoleRules,
    /// A session with no RTP for this long (while not paused) is ended.
    pub rtp_timeout: Duration,
    /// Refuse unencrypted signalling and media (TLS + SRTP).
    pub require_secure: bool,
    /// The most sessions at once (signalling).
    pub max_sessions: usize,
    /// The most calls recorded at once: a session holds its [`CallSlot`] until its consumer
    /// drops the [`RecordedCall`] (after the call is stored, which may be after its BYE). A new
    /// session beyond it is answered `503 Service Unavailable` with `Retry-After`, so that the
    /// recording client fails over to another recording server.
    pub max_calls: usize,
    /// Requests per second per source before it is refused.
    pub rate_per_source: u32,
    /// Certificate and key for `tls:` listeners.
    pub tls: Option<TlsFiles>,
    /// Accept a session's RTP from any allow-listed address, not only from the address its
    /// offer names (`c=`) and the signalling peer's: for SBCs that send media from another
    /// interface than the one their SDP names.
    pub media_from_any_allowed: bool,
    /// A TCP or TLS connection with no bytes for this long is closed (keepalive CRLFs count).
    pub tcp_idle_timeout: Duration,
    /// The most TCP and TLS connections open at once; more are closed at accept.
    pub max_connections: usize,
    /// How many chunks of a call's audio (one per RTP packet, both streams) wait for the
    /// engine before more is dropped, counted and placed as a gap (default
    /// [`DEFAULT_AUDIO_QUEUE`]: three minutes).
    pub audio_queue: usize,
    /// Asked before a new call is taken, below `max_calls`: when it says the engine is not
    /// keeping up with the calls it has, the session is answered `503` with `Retry-After` like
    /// one beyond `max_calls` (`None`: only `max_calls` counts).
    pub keeping_up: Option<LoadCheck>,
}

/// Whether the engine behind a receiver keeps up with its calls (see
/// [`SrsConfig::keeping_up`]).
#[derive(Clone)]
pub struct LoadCheck(Arc<dyn Fn() -> bool + Send + Sync>);

impl LoadCheck {
    /// A check that asks `f`.
    pub fn new(f: impl Fn() -> bool + Send + Sync + 'static) -> LoadCheck {
        LoadCheck(Arc::new(f))
    }

    /// What the check says now.
    pub fn keeping_up(&self) -> bool {
        (self.0)()
    }
}

impl std::fmt::Debug for LoadCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoadCheck")
    }
}

/// The TLS listener's files (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The server certificate chain.
    pub cert: std::path::PathBuf,
    /// Its private key.
    pub key: std::path::PathBuf,
    /// When set, recorders must present a client certificate issued by these CAs.
    pub client_ca: Option<std::path::PathBuf>,
}

impl Default for SrsConfig {
    fn default() -> Self {
        SrsConfig {
            listen: Vec::new(),
            allow: Vec::new(),
            media_ip: None,
            rtp_ports: (0, 0),
            roles: RoleRules::default(),
            rtp_timeout: Duration::from_secs(30),
            require_secure: false,
            max_sessions: 256,
            max_calls: 256,
            rate_per_source: 100,
            tls: None,
            media_from_any_allowed: false,
            tcp_idle_timeout: Duration::from_secs(300),
            max_connections: 64,
            audio_queue: DEFAULT_AUDIO_QUEUE,
            keeping_up: None,
        }
    }
}

/// Why the receiver cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    /// A setting is wrong.
    #[error("{0}")]
    Config(String),
    /// A socket cannot be opened.
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// Where.
        addr: String,
        /// Why.
        reason: String,
    },
}

/// One recorded call, handed over when its INVITE is accepted. The audio ends (every sender
/// gone) when the session ends: BYE, RTP timeout, or shutdown.
pub struct RecordedCall {
    /// The recording session's Call-ID.
    pub call_id: String,
    /// The recorded call's own Call-ID, from the metadata, if given.
    pub recorded_call_id: Option<String>,
    /// The recorder's address.
    pub peer: SocketAddr,
    /// Who is on which stream, and why.
    pub roles: Roles,
    /// For the call record: recorder, session and how roles were decided.
    pub source: String,
    /// 16 kHz audio per speaker.
    pub audio: Receiver<AudioChunk>,
    /// Keypad digits.
    pub keypad: Receiver<KeyPress>,
    /// What the receiver lost of this call's audio, counted until the audio ends.
    pub loss: Arc<earshot_core::AudioLoss>,
    /// The call's place in the receiver's capacity, given back when this is dropped.
    pub slot: CallSlot,
}

/// One of the [`SrsConfig::max_calls`] places; dropping it frees the place.
#[derive(Debug)]
pub struct CallSlot(Arc<Shared>);

impl CallSlot {
    fn take(shared: &Arc<Shared>) -> Option<CallSlot> {
        let max = shared.config.max_calls.max(1);
        shared
            .calls_active
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| CallSlot(shared.clone()))
    }
}

impl Drop for CallSlot {
    fn drop(&mut self) {
        self.0.calls_active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Seconds a recording client is asked to wait before it sends this receiver another session
/// when it is full (`Retry-After` of a 503).
pub const RETRY_AFTER_S: u32 = 10;

/// Counters for benchmarks and status.
#[derive(Debug, Default)]
pub struct SrsStats {
    /// Sessions accepted.
    pub sessions: AtomicU64,
    /// Requests refused (any status ≥ 400).
    pub refused: AtomicU64,
    /// Datagrams or connections dropped by the allow-list.
    pub blocked: AtomicU64,
    /// RTP packets received.
    pub rtp_packets: AtomicU64,
    /// RTP packets lost (never received).
    pub rtp_lost: AtomicU64,
    /// Audio chunks dropped because the consumer was not reading.
    pub audio_dropped: AtomicU64,
    /// New sessions answered 503 because [`SrsConfig::max_calls`] calls were being recorded,
    /// or the engine was not keeping up with those it had ([`SrsConfig::keeping_up`]).
    pub over_capacity: AtomicU64,
    /// Of those, the ones refused because the engine was not keeping up.
    pub over_load: AtomicU64,
    /// SRTP packets that failed authentication (wrong key, tampering): dropped.
    pub srtp_rejected: AtomicU64,
    /// RTP packets from an allowed address that is not the session's media source: dropped.
    pub rtp_foreign: AtomicU64,
    /// TCP/TLS connections closed at accept because [`SrsConfig::max_connections`] were open.
    pub connections_refused: AtomicU64,
    /// TCP/TLS connections closed after [`SrsConfig::tcp_idle_timeout`] without a byte.
    pub connections_idle: AtomicU64,
    /// In-dialog requests (BYE, re-INVITE, UPDATE, ACK, CANCEL) whose Call-ID named a session
    /// but whose tags or signalling peer did not match it: refused with 481.
    pub foreign_requests: AtomicU64,
}

/// The running receiver. Dropping it ends every session.
pub struct Srs {
    runtime: Option<tokio::runtime::Runtime>,
    addrs: Vec<Listen>,
    shared: Arc<Shared>,
}

impl Srs {
    /// Starts listening; calls arrive on the returned receiver.
    pub fn start(config: SrsConfig) -> Result<(Srs, Receiver<Box<RecordedCall>>), SrsError> {
        if config.listen.is_empty() {
            return Err(SrsError::Config("nothing to listen on".into()));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("siprec")
            .enable_all()
            .build()
            .map_err(|e| SrsError::Config(format!("starting the receiver: {e}")))?;
        let (calls_tx, calls) = std::sync::mpsc::channel();
        let shared = Arc::new(Shared {
            config,
            dialogs: Mutex::new(HashMap::new()),
            rates: Mutex::new(HashMap::new()),
            calls: Mutex::new(calls_tx),
            stats: SrsStats::default(),
            connections: std::sync::atomic::AtomicUsize::new(0),
            calls_active: std::sync::atomic::AtomicUsize::new(0),
            streams: std::sync::atomic::AtomicUsize::new(0),
        });
        let mut addrs = Vec::new();
        // Bound from a thread of our own: `start` may be called from inside another async
        // runtime (the desktop app's), where blocking on this one is not allowed.
        let handle = runtime.handle().clone();
        let binder = shared.clone();
        let bound = std::thread::spawn(move || {
            binder
                .config
                .listen
                .clone()
                .into_iter()
                .map(|l| handle.block_on(bind(binder.clone(), l)))
                .collect::<Result<Vec<_>, _>>()
        })
        .join()
        .map_err(|_| SrsError::Config("binding the listeners failed".into()))??;
        addrs.extend(bound);
        Ok((
            Srs {
                runtime: Some(runtime),
                addrs,
                shared,
            },
            calls,
        ))
    }

    /// The sockets actually bound (port 0 resolved).
    pub fn local_addrs(&self) -> &[Listen] {
        &self.addrs
    }

    /// Counters.
    pub fn stats(&self) -> &SrsStats {
        &self.shared.stats
    }

    /// Sessions in progress.
    pub fn sessions(&self) -> usize {
        self.shared.dialogs.lock().map(|d| d.len()).unwrap_or(0)
    }

    /// Calls holding a place now (their sessions running, or their calls still being stored).
    pub fn calls_active(&self) -> usize {
        self.shared.calls_active.load(Ordering::SeqCst)
    }

    /// A handle on the counters for another thread.
    pub fn monitor(&self) -> SrsMonitor {
        SrsMonitor(self.shared.clone())
    }
}

/// The counters of a running receiver, readable from any thread.
#[derive(Debug, Clone)]
pub struct SrsMonitor(Arc<Shared>);

impl SrsMonitor {
    /// Counters.
    pub fn stats(&self) -> &SrsStats {
        &self.0.stats
    }

    /// Calls holding a place now.
    pub fn calls_active(&self) -> usize {
        self.0.calls_active.load(Ordering::SeqCst)
    }

    /// The most calls at once ([`SrsConfig::max_calls`]).
    pub fn max_calls(&self) -> usize {
        self.0.config.max_calls.max(1)
    }
}

/// How long dropping an [`Srs`] waits for its streams to end: their drain (a second at most)
/// and room in a call's queue for what it is owed.
const STREAMS_END: Duration = Duration::from_secs(2);

impl Drop for Srs {
    fn drop(&mut self) {
        // End every session so that its audio is flushed and its call ends.
        let dialogs: Vec<Dialog> = self
            .shared
            .dialogs
            .lock()
            .map(|mut d| d.drain().map(|(_, v)| v).collect())
            .unwrap_or_default();
        for d in dialogs {
            d.stop();
        }
        // Each stream drains its socket and hands what it holds to its call before the runtime
        // goes (a runtime's shutdown drops its tasks where they wait).
        let until = Instant::now() + STREAMS_END;
        while self.shared.streams.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(rt) = self.runtime.take() {
            // From a thread of our own: dropping a runtime inside another one's async context
            // (the desktop app's commands) is not allowed.
            let _ = std::thread::spawn(move || rt.shutdown_timeout(Duration::from_secs(2))).join();
        }
    }
}

struct Shared {
    config: SrsConfig,
    dialogs: Mutex<HashMap<String, Dialog>>,
    rates: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    calls: Mutex<std::sync::mpsc::Sender<Box<RecordedCall>>>,
    stats: SrsStats,
    /// TCP and TLS connections open now.
    connections: std::sync::atomic::AtomicUsize,
    /// Calls holding a [`CallSlot`].
    calls_active: std::sync::atomic::AtomicUsize,
    /// RTP streams still receiving, draining or flushing ([`media::Streaming`]).
    streams: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl Shared {
    fn allowed(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        let ok = if self.config.allow.is_empty() {
            ip.is_loopback()
        } else {
            self.config.allow.iter().any(|n| n.contains(&ip))
        };
        if !ok {
            self.stats.blocked.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// A one-second window per source.
    fn within_rate(&self, ip: IpAddr) -> bool {
        let Ok(mut rates) = self.rates.lock() else {
            return false;
        };
        let now = Instant::now();
        if rates.len() > 10_000 {
            rates.retain(|_, (t, _)| now.duration_since(*t) < Duration::from_secs(1));
        }
        let e = rates.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0) >= Duration::from_secs(1) {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= self.config.rate_per_source
    }
}

mod dialog;
mod media;
mod message;
mod transport;

use dialog::*;
pub use media::DEFAULT_AUDIO_QUEUE;
use media::*;
use message::*;
pub use message::{parse_request, Dropped};
use transport::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_specs() {
        assert_eq!(
            "udp:127.0.0.1:5060".parse::<Listen>().unwrap(),
            Listen::Udp("127.0.0.1:5060".parse().unwrap())
        );
        assert_eq!(
            "tls:0.0.0.0:5061".parse::<Listen>().unwrap(),
            Listen::Tls("0.0.0.0:5061".parse().unwrap())
        );
        assert!("sctp:1.2.3.4:1".parse::<Listen>().is_err());
        assert!("udp:nowhere".parse::<Listen>().is_err());
    }

    #[test]
    fn the_request_line_is_checked_before_parsing() {
        assert_eq!(
            request_method(b"INVITE sip:srs@h SIP/2.0\r\n"),
            Some("INVITE")
        );
        assert_eq!(request_method(b"SIP/2.0 200 OK\r\n"), None);
        assert_eq!(request_method(b"GET / HTTP/1.1\r\n"), None);
        assert!(!header_section_ok(
            &b"X: y\r\n".repeat(MAX_HEADER_LINES + 1)
        ));
    }
}
