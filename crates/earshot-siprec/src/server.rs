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

use crate::decode::Decoder;
use crate::offer::{self, Offer};
use crate::roles::{self, RoleRules, Roles};
use crate::rtp::{self, JitterBuffer, Keypad, Slot};
use crate::sdp::{self, AnswerMedia, Codec, Direction};
use earshot_core::{AudioChunk, KeyPress, Speaker};
use ipnet::IpNet;
use rsipstack::sip::{HasHeaders, Method, Request, SipMessage};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, watch};

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
    /// The most sessions at once.
    pub max_sessions: usize,
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
            rate_per_source: 100,
            tls: None,
            media_from_any_allowed: false,
            tcp_idle_timeout: Duration::from_secs(300),
            max_connections: 64,
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
}

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
}

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

/// How to answer a peer.
#[derive(Clone)]
enum Peer {
    Udp {
        socket: Arc<UdpSocket>,
        addr: SocketAddr,
    },
    Tcp {
        tx: mpsc::UnboundedSender<Vec<u8>>,
        addr: SocketAddr,
        tls: bool,
    },
}

impl Peer {
    fn addr(&self) -> SocketAddr {
        match self {
            Peer::Udp { addr, .. } | Peer::Tcp { addr, .. } => *addr,
        }
    }

    fn transport(&self) -> &'static str {
        match self {
            Peer::Udp { .. } => "udp",
            Peer::Tcp { tls: false, .. } => "tcp",
            Peer::Tcp { tls: true, .. } => "tls",
        }
    }

    async fn send(&self, bytes: &[u8]) {
        match self {
            Peer::Udp { socket, addr } => {
                let _ = socket.send_to(bytes, addr).await;
            }
            Peer::Tcp { tx, .. } => {
                let _ = tx.send(bytes.to_vec());
            }
        }
    }
}

async fn bind(shared: Arc<Shared>, l: Listen) -> Result<Listen, SrsError> {
    let err = |addr: SocketAddr, e: std::io::Error| SrsError::Bind {
        addr: addr.to_string(),
        reason: e.to_string(),
    };
    match l {
        Listen::Udp(addr) => {
            let socket = Arc::new(UdpSocket::bind(addr).await.map_err(|e| err(addr, e))?);
            let local = socket.local_addr().map_err(|e| err(addr, e))?;
            tokio::spawn(udp_loop(shared, socket, local));
            Ok(Listen::Udp(local))
        }
        Listen::Tcp(addr) => {
            let listener = TcpListener::bind(addr).await.map_err(|e| err(addr, e))?;
            let local = listener.local_addr().map_err(|e| err(addr, e))?;
            tokio::spawn(tcp_accept(shared, listener, local, None));
            Ok(Listen::Tcp(local))
        }
        Listen::Tls(addr) => {
            let files = shared.config.tls.clone().ok_or_else(|| {
                SrsError::Config(format!(
                    "tls:{addr} needs a certificate and key (siprec_tls_cert and siprec_tls_key, or --tls-cert and --tls-key)"
                ))
            })?;
            let acceptor = tls_acceptor(&files)?;
            let listener = TcpListener::bind(addr).await.map_err(|e| err(addr, e))?;
            let local = listener.local_addr().map_err(|e| err(addr, e))?;
            tokio::spawn(tcp_accept(shared, listener, local, Some(acceptor)));
            Ok(Listen::Tls(local))
        }
    }
}

/// The TLS server configuration from PEM files (rustls, ring).
fn tls_acceptor(files: &TlsFiles) -> Result<tokio_rustls::TlsAcceptor, SrsError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &std::path::Path, e: &dyn std::fmt::Display| {
        SrsError::Config(format!("TLS: {}: {e}", what.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| bad(&files.cert, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| bad(&files.cert, &e))?;
    if certs.is_empty() {
        return Err(bad(&files.cert, &"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad(&files.key, &e))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| SrsError::Config(format!("TLS: {e}")))?;
    let builder = match &files.client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(ca).map_err(|e| bad(ca, &e))? {
                roots
                    .add(c.map_err(|e| bad(ca, &e))?)
                    .map_err(|e| bad(ca, &e))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| bad(ca, &e))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| bad(&files.key, &e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The largest SIP message accepted.
const MAX_MESSAGE: usize = 64 * 1024;
/// The largest header section accepted.
const MAX_HEADERS: usize = 16 * 1024;
/// The most header lines accepted.
const MAX_HEADER_LINES: usize = 128;

async fn udp_loop(shared: Arc<Shared>, socket: Arc<UdpSocket>, local: SocketAddr) {
    let mut buf = vec![0u8; MAX_MESSAGE + 1];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        if !shared.allowed(from.ip()) {
            continue;
        }
        if !shared.within_rate(from.ip()) {
            continue;
        }
        if n > MAX_MESSAGE {
            continue;
        }
        let peer = Peer::Udp {
            socket: socket.clone(),
            addr: from,
        };
        let shared = shared.clone();
        let bytes = buf[..n].to_vec();
        tokio::spawn(async move { handle(shared, peer, local, bytes).await });
    }
}

async fn tcp_accept(
    shared: Arc<Shared>,
    listener: TcpListener,
    local: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let Ok((stream, from)) = listener.accept().await else {
            continue;
        };
        // The allow-list before anything else, the TLS handshake included.
        if !shared.allowed(from.ip()) {
            drop(stream);
            continue;
        }
        let Some(slot) = ConnectionSlot::take(&shared) else {
            shared
                .stats
                .connections_refused
                .fetch_add(1, Ordering::Relaxed);
            tracing::warn!(peer = %from, "too many SIP connections open: closed at accept");
            drop(stream);
            continue;
        };
        let shared = shared.clone();
        match tls.clone() {
            None => {
                tokio::spawn(async move {
                    tcp_connection(shared, stream, from, local, false).await;
                    drop(slot);
                });
            }
            Some(acceptor) => {
                tokio::spawn(async move {
                    let _slot = slot;
                    let handshake =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                            .await;
                    match handshake {
                        Ok(Ok(tls)) => tcp_connection(shared, tls, from, local, true).await,
                        Ok(Err(e)) => {
                            tracing::warn!(peer = %from, "TLS handshake refused: {e}");
                        }
                        Err(_) => tracing::warn!(peer = %from, "TLS handshake timed out"),
                    }
                });
            }
        }
    }
}

async fn tcp_connection<S>(
    shared: Arc<Shared>,
    stream: S,
    from: SocketAddr,
    local: SocketAddr,
    tls: bool,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
{
    let (mut reader, mut writer) = tokio::io::split(stream);
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        while let Some(b) = rx.recv().await {
            if writer.write_all(&b).await.is_err() {
                break;
            }
        }
    });
    let peer = Peer::Tcp {
        tx,
        addr: from,
        tls,
    };
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 8192];
    loop {
        // Frame: headers up to the blank line, then Content-Length bytes.
        while let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = &buf[..end];
            let length = content_length(head);
            let Some(length) = length.filter(|l| *l <= MAX_MESSAGE) else {
                return; // A stream without a usable length cannot be framed: close it.
            };
            if buf.len() < end + 4 + length {
                break;
            }
            let message: Vec<u8> = buf.drain(..end + 4 + length).collect();
            if !shared.within_rate(from.ip()) {
                return;
            }
            handle(shared.clone(), peer.clone(), local, message).await;
        }
        // Keepalive CRLFs between messages.
        while buf.starts_with(b"\r\n") {
            buf.drain(..2);
        }
        if buf.len() > MAX_MESSAGE {
            return;
        }
        match tokio::time::timeout(shared.config.tcp_idle_timeout, reader.read(&mut chunk)).await {
            Err(_) => {
                shared
                    .stats
                    .connections_idle
                    .fetch_add(1, Ordering::Relaxed);
                tracing::info!(peer = %from, "idle SIP connection closed");
                return;
            }
            Ok(Ok(0) | Err(_)) => return,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// One of [`SrsConfig::max_connections`], held while a connection is open.
struct ConnectionSlot(Arc<Shared>);

impl ConnectionSlot {
    fn take(shared: &Arc<Shared>) -> Option<ConnectionSlot> {
        let open = shared.connections.fetch_add(1, Ordering::SeqCst);
        if open >= shared.config.max_connections {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(ConnectionSlot(shared.clone()))
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        let k = k.trim();
        (k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("l"))
            .then(|| v.trim().parse().ok())
            .flatten()
    })
}

/// The request line's method, checked before anything else is parsed.
fn request_method(bytes: &[u8]) -> Option<&str> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    let line = std::str::from_utf8(&bytes[..end]).ok()?.trim_end();
    let mut f = line.split(' ');
    let method = f.next()?;
    let _uri = f.next()?;
    (f.next()? == "SIP/2.0" && f.next().is_none()).then_some(method)
}

fn header_section_ok(bytes: &[u8]) -> bool {
    let end = find(bytes, b"\r\n\r\n")
        .or_else(|| find(bytes, b"\n\n"))
        .unwrap_or(bytes.len());
    end <= MAX_HEADERS && bytes[..end].iter().filter(|b| **b == b'\n').count() <= MAX_HEADER_LINES
}

/// Values of every header named `name` (compact forms included).
fn headers<'r>(req: &'r Request, names: &[&str]) -> Vec<&'r str> {
    req.headers()
        .iter()
        .filter(|h| names.iter().any(|n| h.name().eq_ignore_ascii_case(n)))
        .map(|h| h.value())
        .collect()
}

fn header<'r>(req: &'r Request, names: &[&str]) -> Option<&'r str> {
    headers(req, names).into_iter().next()
}

fn tag_of(value: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("tag")
            .then(|| v.trim().to_string())
    })
}

fn branch_of(req: &Request) -> String {
    header(req, &["Via", "v"])
        .and_then(|v| {
            v.split(',').next()?.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("branch")
                    .then(|| v.trim().to_string())
            })
        })
        .unwrap_or_default()
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE";
const ACCEPT: &str = "application/sdp, application/rs-metadata+xml, multipart/mixed";

fn reason(code: u16) -> &'static str {
    match code {
        100 => "Trying",
        180 => "Ringing",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        420 => "Bad Extension",
        421 => "Extension Required",
        481 => "Call/Transaction Does Not Exist",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        491 => "Request Pending",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// A response to `req`, with `to_tag` added to To when it has none.
fn response(
    req: &Request,
    code: u16,
    to_tag: Option<&str>,
    extra: &[(&str, String)],
    body: Option<(&str, &str)>,
) -> Vec<u8> {
    let mut out = format!("SIP/2.0 {code} {}\r\n", reason(code));
    for v in headers(req, &["Via", "v"]) {
        out.push_str(&format!("Via: {v}\r\n"));
    }
    if let Some(f) = header(req, &["From", "f"]) {
        out.push_str(&format!("From: {f}\r\n"));
    }
    if let Some(t) = header(req, &["To", "t"]) {
        match (tag_of(t), to_tag) {
            (None, Some(tag)) if code > 100 => out.push_str(&format!("To: {t};tag={tag}\r\n")),
            _ => out.push_str(&format!("To: {t}\r\n")),
        }
    }
    if let Some(c) = header(req, &["Call-ID", "i"]) {
        out.push_str(&format!("Call-ID: {c}\r\n"));
    }
    if let Some(c) = header(req, &["CSeq"]) {
        out.push_str(&format!("CSeq: {c}\r\n"));
    }
    out.push_str("Server: earshot-srs\r\n");
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    match body {
        Some((ct, b)) => {
            out.push_str(&format!(
                "Content-Type: {ct}\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        }
        None => out.push_str("Content-Length: 0\r\n\r\n"),
    }
    out.into_bytes()
}

/// One stream of a session.
struct StreamTask {
    port: u16,
    codec: Option<(Codec, u8)>,
    telephone_event: Option<u8>,
    speaker: Option<Speaker>,
    /// SRTP: the recorder's key (to decrypt) and our answer's `a=crypto`.
    srtp: Option<(crate::srtp::Keys, sdp::Crypto)>,
    /// A new key from a re-offer goes to the stream's receiver through this.
    rekey: Option<watch::Sender<crate::srtp::Keys>>,
}

/// A recording session (dialog).
struct Dialog {
    /// The recorder's tag (the From tag of its INVITE).
    remote_tag: Option<String>,
    local_tag: String,
    /// Their From (our To in requests we send).
    remote: String,
    /// Our To (our From in requests we send).
    local: String,
    /// Where BYE goes (their Contact URI).
    target: String,
    peer: Peer,
    local_addr: SocketAddr,
    media_ip: IpAddr,
    call_id: String,
    offer: Offer,
    streams: Vec<StreamTask>,
    answer: String,
    paused: Arc<Vec<AtomicBool>>,
    last_rtp: Arc<AtomicU64>,
    stop: watch::Sender<bool>,
    acked: Arc<AtomicBool>,
    /// The last response per (branch, method), for retransmitted requests.
    responses: HashMap<(String, String), Vec<u8>>,
    cseq: u32,
}

impl Dialog {
    /// Whether `req` (with this dialog's Call-ID) belongs to it: sent by the peer that set it up
    /// (same address), with the recorder's From tag and, when `to_tag` (every in-dialog request
    /// but CANCEL), our To tag. A mismatch is counted.
    fn owns(&self, req: &Request, peer: &Peer, to_tag: bool, stats: &SrsStats) -> bool {
        let from = header(req, &["From", "f"]).and_then(tag_of);
        let to = header(req, &["To", "t"]).and_then(tag_of);
        let owned = peer.addr().ip() == self.peer.addr().ip()
            && from.is_some()
            && from == self.remote_tag
            && (!to_tag || to.as_deref() == Some(self.local_tag.as_str()));
        if !owned {
            stats.foreign_requests.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(call = %short(&self.call_id), peer = %peer.addr(), "in-dialog request that is not the recorder's: refused");
        }
        owned
    }

    fn stop(&self) {
        let _ = self.stop.send(true);
    }

    fn set_directions(&self, sdp: &sdp::Sdp) {
        for (i, m) in sdp.media.iter().enumerate() {
            if let Some(p) = self.paused.get(i) {
                p.store(m.direction == Direction::Inactive, Ordering::SeqCst);
            }
        }
    }

    /// A BYE from us.
    fn bye(&mut self) -> Vec<u8> {
        self.cseq += 1;
        let via = format!(
            "SIP/2.0/{} {};branch=z9hG4bK{};rport",
            self.peer.transport().to_ascii_uppercase(),
            self.local_addr,
            random_hex(8)
        );
        format!(
            "BYE {} SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\nFrom: {};tag={}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {} BYE\r\nReason: SIP;cause=200;text=\"RTP timeout\"\r\nContent-Length: 0\r\n\r\n",
            self.target, self.local, self.local_tag, self.remote, self.call_id, self.cseq
        )
        .into_bytes()
    }
}

/// The local address that routes to `peer` (what we put in SDP when not configured).
fn local_ip_towards(peer: SocketAddr, fallback: IpAddr) -> IpAddr {
    let unspecified: SocketAddr = if peer.is_ipv4() {
        "0.0.0.0:0".parse().expect("static")
    } else {
        "[::]:0".parse().expect("static")
    };
    std::net::UdpSocket::bind(unspecified)
        .and_then(|s| {
            s.connect(peer)?;
            s.local_addr()
        })
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified())
        .unwrap_or(fallback)
}

/// Why a message is dropped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// Not a SIP request line (a response, or garbage).
    NotARequest,
    /// A method no SIP peer sends to a recorder.
    UnknownMethod,
    /// The header section is over the size or line limit.
    TooLarge,
    /// The SIP parser refused it.
    Unparsable,
}

/// The checks every message goes through after the allow-list and the rate limit: the request
/// line, the size limits, then the SIP parser. Public so that the fuzzer drives exactly this.
pub fn parse_request(bytes: &[u8]) -> Result<Request, Dropped> {
    let method = request_method(bytes).ok_or(Dropped::NotARequest)?;
    if !matches!(
        method,
        "INVITE"
            | "ACK"
            | "BYE"
            | "CANCEL"
            | "OPTIONS"
            | "UPDATE"
            | "INFO"
            | "REGISTER"
            | "SUBSCRIBE"
            | "NOTIFY"
            | "MESSAGE"
            | "REFER"
            | "PRACK"
            | "PUBLISH"
    ) {
        return Err(Dropped::UnknownMethod);
    }
    if bytes.len() > MAX_MESSAGE || !header_section_ok(bytes) {
        return Err(Dropped::TooLarge);
    }
    match SipMessage::try_from(bytes) {
        Ok(SipMessage::Request(r)) => Ok(r),
        _ => Err(Dropped::Unparsable),
    }
}

async fn handle(shared: Arc<Shared>, peer: Peer, local: SocketAddr, bytes: Vec<u8>) {
    let req = match parse_request(&bytes) {
        Ok(r) => r,
        Err(Dropped::NotARequest | Dropped::UnknownMethod) => return,
        Err(why) => {
            tracing::warn!(peer = %peer.addr(), ?why, "SIP request dropped");
            return;
        }
    };
    let call_id = header(&req, &["Call-ID", "i"])
        .unwrap_or_default()
        .to_string();
    let branch = branch_of(&req);
    let key = (branch.clone(), req.method().to_string());
    // A retransmitted request gets the same response.
    let earlier = shared
        .dialogs
        .lock()
        .ok()
        .and_then(|d| d.get(&call_id).and_then(|d| d.responses.get(&key)).cloned());
    if let Some(r) = earlier {
        peer.send(&r).await;
        return;
    }
    let reply = |code: u16, extra: Vec<(&'static str, String)>| {
        if code >= 400 {
            shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        }
        response(&req, code, Some("srs"), &extra, None)
    };
    match req.method() {
        Method::Invite => {
            let to_tag = header(&req, &["To", "t"]).and_then(tag_of);
            let out = match to_tag {
                None => new_session(&shared, &peer, local, &req, &call_id).await,
                Some(_) => re_offer(&shared, &peer, &req, &call_id, true),
            };
            if let Some(out) = out {
                remember(&shared, &call_id, key, &out);
                peer.send(&out).await;
            }
        }
        Method::Update => {
            let out = re_offer(&shared, &peer, &req, &call_id, false)
                .unwrap_or_else(|| reply(481, vec![]));
            remember(&shared, &call_id, key, &out);
            peer.send(&out).await;
        }
        Method::Ack => {
            if let Ok(d) = shared.dialogs.lock() {
                if let Some(d) = d
                    .get(&call_id)
                    .filter(|d| d.owns(&req, &peer, true, &shared.stats))
                {
                    d.acked.store(true, Ordering::SeqCst);
                }
            }
        }
        Method::Bye => {
            // Only the recorder that set the session up ends it, within its dialog: a BYE with a
            // guessed Call-ID from another allowed host, or with other tags, gets 481.
            let dialog = shared.dialogs.lock().ok().and_then(|mut d| {
                let owned = d
                    .get(&call_id)
                    .is_some_and(|d| d.owns(&req, &peer, true, &shared.stats));
                owned.then(|| d.remove(&call_id)).flatten()
            });
            let out = match dialog {
                Some(d) => {
                    d.stop();
                    tracing::info!(call = %short(&call_id), "recording session ended by BYE");
                    reply(200, vec![])
                }
                None => reply(481, vec![]),
            };
            peer.send(&out).await;
        }
        Method::Cancel => {
            // We answer INVITEs at once, so a CANCEL finds its INVITE answered: RFC 3261 says
            // 200 to the CANCEL, and the session stays (the recorder then sends BYE).
            let known = shared
                .dialogs
                .lock()
                .map(|d| {
                    d.get(&call_id)
                        .is_some_and(|d| d.owns(&req, &peer, false, &shared.stats))
                })
                .unwrap_or(false);
            let out = reply(if known { 200 } else { 481 }, vec![]);
            peer.send(&out).await;
        }
        Method::Options => {
            let out = reply(
                200,
                vec![
                    ("Allow", ALLOW.into()),
                    ("Accept", ACCEPT.into()),
                    ("Supported", "siprec".into()),
                ],
            );
            peer.send(&out).await;
        }
        _ => {
            let out = reply(405, vec![("Allow", ALLOW.into())]);
            peer.send(&out).await;
        }
    }
}

fn remember(shared: &Shared, call_id: &str, key: (String, String), out: &[u8]) {
    if let Ok(mut d) = shared.dialogs.lock() {
        if let Some(d) = d.get_mut(call_id) {
            if d.responses.len() > 32 {
                d.responses.clear();
            }
            d.responses.insert(key, out.to_vec());
        }
    }
}

/// A few characters of a Call-ID, for logs.
fn short(call_id: &str) -> String {
    call_id.chars().take(8).collect()
}

fn is_siprec(req: &Request) -> bool {
    let token = |names: &[&str]| {
        headers(req, names).iter().any(|v| {
            v.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("siprec"))
        })
    };
    token(&["Require"])
        || token(&["Supported", "k"])
        || headers(req, &["Contact", "m"])
            .iter()
            .any(|c| c.to_ascii_lowercase().contains("+sip.src"))
}

async fn new_session(
    shared: &Arc<Shared>,
    peer: &Peer,
    local: SocketAddr,
    req: &Request,
    call_id: &str,
) -> Option<Vec<u8>> {
    let refuse = |code: u16, extra: Vec<(&'static str, String)>| {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        Some(response(req, code, Some(&random_hex(6)), &extra, None))
    };
    if shared.config.require_secure && !matches!(peer, Peer::Tcp { tls: true, .. }) {
        return refuse(
            403,
            vec![("Warning", "399 earshot \"signalling must use TLS\"".into())],
        );
    }
    if shared.dialogs.lock().map(|d| d.len()).unwrap_or(usize::MAX) >= shared.config.max_sessions {
        return refuse(503, vec![("Retry-After", "5".into())]);
    }
    let offer = match offer::parse(
        req.body(),
        header(req, &["Content-Type", "c"]),
        is_siprec(req),
    ) {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(call = %short(call_id), status = e.status(), "recording offer refused: {e}");
            let extra = if e.status() == 421 {
                vec![("Require", "siprec".to_string())]
            } else {
                vec![]
            };
            return refuse(e.status(), extra);
        }
    };
    if shared.config.require_secure
        && offer
            .sdp
            .media
            .iter()
            .any(|m| m.port != 0 && m.kind.eq_ignore_ascii_case("audio") && !m.secure())
    {
        return refuse(
            488,
            vec![("Warning", "399 earshot \"SRTP is required\"".into())],
        );
    }
    let roles = roles::assign(&offer.sdp, offer.metadata.as_ref(), &shared.config.roles);
    let media_ip = shared
        .config
        .media_ip
        .unwrap_or_else(|| local_ip_towards(peer.addr(), local.ip()));
    // One socket per stream we take.
    let mut streams = Vec::new();
    let mut sockets = Vec::new();
    for (i, m) in offer.sdp.media.iter().enumerate() {
        let codec = m.audio_codec();
        let speaker = roles.speakers.get(i).copied().flatten();
        // SRTP streams need a crypto line we support (SDES, AES-CM-128 with 80- or 32-bit tags).
        let srtp = if m.secure() {
            match crate::srtp::Keys::choose(&m.crypto) {
                Some(k) => Some(k),
                None => {
                    return refuse(
                        488,
                        vec![(
                            "Warning",
                            "399 earshot \"no supported SRTP crypto suite (AES_CM_128_HMAC_SHA1_80/32)\"".into(),
                        )],
                    )
                }
            }
        } else {
            None
        };
        let wanted = codec.is_some() && speaker.is_some() && m.kind.eq_ignore_ascii_case("audio");
        let socket = if wanted {
            match rtp_socket(media_ip, shared.config.rtp_ports).await {
                Some(s) => Some(s),
                None => return refuse(503, vec![("Retry-After", "5".into())]),
            }
        } else {
            None
        };
        let port = socket
            .as_ref()
            .and_then(|s| s.local_addr().ok())
            .map_or(0, |a| a.port());
        streams.push(StreamTask {
            port,
            codec: if wanted { codec } else { None },
            telephone_event: m.telephone_event(),
            speaker: if wanted { speaker } else { None },
            srtp: srtp.filter(|_| wanted),
            rekey: None,
        });
        sockets.push(socket);
    }
    if streams.iter().all(|s| s.codec.is_none()) {
        return refuse(
            488,
            vec![(
                "Warning",
                "399 earshot \"no stream with a codec we decode (PCMU, PCMA, G722, Opus)\"".into(),
            )],
        );
    }
    let session_id = rand::random::<u32>() as u64;
    let ours: Vec<AnswerMedia> = streams
        .iter()
        .map(|s| AnswerMedia {
            port: s.port,
            codec: s.codec,
            telephone_event: s.codec.and(s.telephone_event),
            crypto: s.srtp.as_ref().map(|(_, ours)| ours.clone()),
        })
        .collect();
    let answer = sdp::answer(&offer.sdp, &ours, media_ip, session_id);
    let local_tag = random_hex(6);
    let (stop, stop_rx) = watch::channel(false);
    let paused = Arc::new(
        offer
            .sdp
            .media
            .iter()
            .map(|m| AtomicBool::new(m.direction == Direction::Inactive))
            .collect::<Vec<_>>(),
    );
    let last_rtp = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (audio_tx, audio) = std::sync::mpsc::sync_channel(4096);
    let (key_tx, keypad) = std::sync::mpsc::sync_channel(256);
    let loss = Arc::new(earshot_core::AudioLoss::default());
    for (i, (s, socket)) in streams.iter_mut().zip(sockets).enumerate() {
        let (Some(socket), Some((codec, pt)), Some(speaker)) = (socket, s.codec, s.speaker) else {
            continue;
        };
        let rekey = s.srtp.as_ref().map(|(keys, _)| {
            let (tx, rx) = watch::channel(keys.clone());
            s.rekey = Some(tx);
            rx
        });
        tokio::spawn(rtp_loop(RtpLoop {
            shared: shared.clone(),
            socket,
            codec,
            pt,
            telephone_event: s.telephone_event,
            speaker,
            started,
            audio: audio_tx.clone(),
            keypad: key_tx.clone(),
            loss: loss.clone(),
            last_rtp: last_rtp.clone(),
            stop: stop_rx.clone(),
            index: i,
            srtp: rekey,
            sources: media_sources(&shared.config, peer, offer.sdp.media.get(i)),
        }));
    }
    drop((audio_tx, key_tx));
    let contact = format!(
        "<sip:srs@{}:{};transport={}>",
        sockaddr_host(local, media_ip),
        local.port(),
        peer.transport()
    );
    let out = response(
        req,
        200,
        Some(&local_tag),
        &[
            ("Contact", contact),
            ("Allow", ALLOW.into()),
            ("Supported", "siprec".into()),
        ],
        Some(("application/sdp", &answer)),
    );
    let from = header(req, &["From", "f"]).unwrap_or_default().to_string();
    let to = header(req, &["To", "t"]).unwrap_or_default().to_string();
    let target = headers(req, &["Contact", "m"])
        .first()
        .and_then(|c| {
            let c = c.trim();
            let start = c.find('<')? + 1;
            let end = c[start..].find('>')? + start;
            Some(c[start..end].to_string())
        })
        .unwrap_or_else(|| req.uri().to_string());
    let acked = Arc::new(AtomicBool::new(false));
    let dialog = Dialog {
        remote_tag: tag_of(&from),
        local_tag: local_tag.clone(),
        remote: from,
        local: to,
        target,
        peer: peer.clone(),
        local_addr: local,
        media_ip,
        call_id: call_id.to_string(),
        offer: offer.clone(),
        streams,
        answer: answer.clone(),
        paused: paused.clone(),
        last_rtp: last_rtp.clone(),
        stop,
        acked: acked.clone(),
        responses: HashMap::new(),
        cseq: 0,
    };
    let recorded_call_id = offer.metadata.as_ref().and_then(|m| m.call_id.clone());
    let source = format!(
        "SIPREC from {} (session {}; {})",
        peer.addr().ip(),
        short(call_id),
        roles.basis.describe()
    );
    {
        let Ok(mut dialogs) = shared.dialogs.lock() else {
            return refuse(500, vec![]);
        };
        dialogs.insert(call_id.to_string(), dialog);
    }
    shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
    tracing::info!(call = %short(call_id), streams = offer.sdp.media.len(), basis = ?roles.basis, "recording session accepted");
    let handed = shared.calls.lock().ok().map(|tx| {
        tx.send(Box::new(RecordedCall {
            call_id: call_id.to_string(),
            recorded_call_id,
            peer: peer.addr(),
            roles,
            source,
            audio,
            keypad,
            loss,
        }))
        .map_err(|_| ())
    });
    if !matches!(handed, Some(Ok(()))) {
        tracing::warn!("no consumer for recorded calls");
    }
    // 100 and 180 first; then the 200, retransmitted over UDP until the ACK.
    peer.send(&response(req, 100, None, &[], None)).await;
    peer.send(&response(req, 180, Some(&local_tag), &[], None))
        .await;
    if let Peer::Udp { .. } = peer {
        let (peer, out2, acked) = (peer.clone(), out.clone(), acked.clone());
        tokio::spawn(async move {
            let mut wait = Duration::from_millis(500);
            let give_up = Instant::now() + Duration::from_secs(32);
            loop {
                tokio::time::sleep(wait).await;
                if acked.load(Ordering::SeqCst) || Instant::now() > give_up {
                    break;
                }
                peer.send(&out2).await;
                wait = (wait * 2).min(Duration::from_secs(4));
            }
        });
    }
    tokio::spawn(watchdog(shared.clone(), call_id.to_string()));
    Some(out)
}

fn sockaddr_host(local: SocketAddr, media_ip: IpAddr) -> String {
    let ip = if local.ip().is_unspecified() {
        media_ip
    } else {
        local.ip()
    };
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        v4 => v4.to_string(),
    }
}

/// A re-INVITE (`invite`) or UPDATE in a dialog: pause/resume and metadata updates. The streams
/// stay on their ports; a stream that was refused stays refused.
fn re_offer(
    shared: &Shared,
    peer: &Peer,
    req: &Request,
    call_id: &str,
    invite: bool,
) -> Option<Vec<u8>> {
    let Ok(mut dialogs) = shared.dialogs.lock() else {
        return Some(response(req, 500, None, &[], None));
    };
    let Some(d) = dialogs
        .get_mut(call_id)
        .filter(|d| d.owns(req, peer, true, &shared.stats))
    else {
        return Some(response(req, 481, None, &[], None));
    };
    if req.body().is_empty() {
        // No offer: answer with the current SDP (a session refresh).
        return Some(response(
            req,
            200,
            Some(&d.local_tag),
            &[("Allow", ALLOW.into())],
            Some(("application/sdp", &d.answer)),
        ));
    }
    let offer = match offer::parse(req.body(), header(req, &["Content-Type", "c"]), true) {
        Ok(o) => o,
        Err(e) => return Some(response(req, e.status(), Some(&d.local_tag), &[], None)),
    };
    if offer.sdp.media.len() < d.offer.sdp.media.len() {
        return Some(response(req, 488, Some(&d.local_tag), &[], None));
    }
    // SRTP streams stay SRTP; a re-offer may bring a new key (RFC 4568 re-keying), which goes
    // to the stream's receiver, and our answer carries a new key of ours with it.
    let mut rekeys = Vec::new();
    for (i, m) in offer.sdp.media.iter().enumerate() {
        let Some(s) = d.streams.get(i) else { continue };
        let Some((keys, _)) = &s.srtp else { continue };
        if m.port == 0 || (m.secure() && m.crypto.is_empty()) {
            continue;
        }
        match m
            .secure()
            .then(|| crate::srtp::Keys::choose(&m.crypto))
            .flatten()
        {
            Some((new, ours)) if !new.same_as(keys) => rekeys.push((i, new, ours)),
            Some(_) => {}
            None => {
                return Some(response(
                    req,
                    488,
                    Some(&d.local_tag),
                    &[(
                        "Warning",
                        "399 earshot \"an SRTP stream stays SRTP with a supported suite\"".into(),
                    )],
                    None,
                ))
            }
        }
    }
    for (i, keys, ours) in rekeys {
        let s = &mut d.streams[i];
        if let Some(tx) = &s.rekey {
            let _ = tx.send(keys.clone());
        }
        s.srtp = Some((keys, ours));
    }
    d.set_directions(&offer.sdp);
    if let Some(md) = &offer.metadata {
        tracing::info!(call = %short(call_id), participants = md.participants.len(), "recording metadata updated");
    }
    let ours: Vec<AnswerMedia> = offer
        .sdp
        .media
        .iter()
        .enumerate()
        .map(|(i, m)| match d.streams.get(i) {
            Some(s) => AnswerMedia {
                port: s.port,
                codec: s.codec,
                telephone_event: s.codec.and(m.telephone_event()),
                crypto: s.srtp.as_ref().map(|(_, ours)| ours.clone()),
            },
            None => AnswerMedia {
                port: 0,
                codec: None,
                telephone_event: None,
                crypto: None,
            },
        })
        .collect();
    let answer = sdp::answer(&offer.sdp, &ours, d.media_ip, rand::random::<u32>() as u64);
    d.answer = answer.clone();
    d.offer = Offer {
        metadata: offer.metadata.clone().or(d.offer.metadata.take()),
        ..offer
    };
    if invite {
        d.acked.store(false, Ordering::SeqCst);
    }
    let paused = d.paused.iter().filter(|p| p.load(Ordering::SeqCst)).count();
    tracing::info!(call = %short(call_id), paused, "recording session re-offered");
    Some(response(
        req,
        200,
        Some(&d.local_tag),
        &[("Allow", ALLOW.into())],
        Some(("application/sdp", &answer)),
    ))
}

/// Ends a session that has had no RTP for the timeout while not paused: BYE to the recorder.
async fn watchdog(shared: Arc<Shared>, call_id: String) {
    let timeout = shared.config.rtp_timeout;
    let mut quiet_since = Instant::now();
    let mut last_seen = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(500).min(timeout)).await;
        let bye = {
            let Ok(mut dialogs) = shared.dialogs.lock() else {
                return;
            };
            let Some(d) = dialogs.get_mut(&call_id) else {
                return;
            };
            let seen = d.last_rtp.load(Ordering::SeqCst);
            let all_paused = d.paused.iter().all(|p| p.load(Ordering::SeqCst));
            if seen != last_seen || all_paused {
                last_seen = seen;
                quiet_since = Instant::now();
                None
            } else if quiet_since.elapsed() >= timeout {
                let d = dialogs.remove(&call_id);
                d.map(|mut d| {
                    d.stop();
                    (d.peer.clone(), d.bye())
                })
            } else {
                None
            }
        };
        if let Some((peer, bye)) = bye {
            tracing::info!(call = %short(&call_id), "recording session ended: no RTP for {} s", timeout.as_secs());
            peer.send(&bye).await;
            return;
        }
    }
}

async fn rtp_socket(ip: IpAddr, (low, high): (u16, u16)) -> Option<UdpSocket> {
    let any: IpAddr = if ip.is_ipv4() {
        IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
    };
    if low == 0 {
        return UdpSocket::bind(SocketAddr::new(any, 0)).await.ok();
    }
    let span = (high.saturating_sub(low) / 2).max(1);
    let start = rand::random::<u16>() % span;
    for k in 0..span {
        let port = low + 2 * ((start + k) % span);
        if let Ok(s) = UdpSocket::bind(SocketAddr::new(any, port)).await {
            return Some(s);
        }
    }
    None
}

/// Where a stream's RTP may come from: the address its offer names and the signalling peer's,
/// unless the configuration takes media from any allowed address.
fn media_sources(
    config: &SrsConfig,
    peer: &Peer,
    media: Option<&sdp::Media>,
) -> Option<Vec<IpAddr>> {
    if config.media_from_any_allowed {
        return None;
    }
    let mut sources = vec![canonical(peer.addr().ip())];
    sources.extend(
        media
            .and_then(|m| m.address)
            .filter(|a| !a.is_unspecified())
            .map(canonical),
    );
    Some(sources)
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

struct RtpLoop {
    shared: Arc<Shared>,
    socket: UdpSocket,
    codec: Codec,
    pt: u8,
    telephone_event: Option<u8>,
    speaker: Speaker,
    started: Instant,
    audio: SyncSender<AudioChunk>,
    keypad: SyncSender<KeyPress>,
    loss: Arc<earshot_core::AudioLoss>,
    last_rtp: Arc<AtomicU64>,
    stop: watch::Receiver<bool>,
    index: usize,
    /// SRTP: the recorder's current key (a re-offer may change it).
    srtp: Option<watch::Receiver<crate::srtp::Keys>>,
    /// Addresses this stream's RTP may come from (`None`: any allowed address).
    sources: Option<Vec<IpAddr>>,
}

/// Receives one stream until the session stops, then flushes what it holds.
async fn rtp_loop(mut l: RtpLoop) {
    let mut jitter = JitterBuffer::<Vec<u8>>::new(3);
    let mut keys = Keypad::default();
    let mut decoder = match Decoder::new(l.codec) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!("RTP stream {}: {e}", l.index);
            return;
        }
    };
    let mut resampler = match earshot_audio::StreamResampler::new(decoder.rate(), 16_000) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("RTP stream {}: {e}", l.index);
            return;
        }
    };
    let mut sent = 0usize;
    let mut buf = vec![0u8; 2048];
    let mut srtp = match l.srtp.as_mut().map(|k| k.borrow_and_update().context()) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            tracing::error!("SRTP stream {}: {e}", l.index);
            return;
        }
    };
    // After a re-key, packets under the old key still in flight decrypt with it.
    let mut previous: Option<webrtc_srtp::context::Context> = None;
    let mut rejected = 0u64;
    loop {
        let received = tokio::select! {
            r = l.socket.recv_from(&mut buf) => r,
            _ = l.stop.changed() => break,
        };
        let Ok((n, from)) = received else { continue };
        if !l.shared.allowed(from.ip()) {
            continue;
        }
        if l.sources
            .as_ref()
            .is_some_and(|s| !s.contains(&canonical(from.ip())))
        {
            l.shared.stats.rtp_foreign.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        if let Some(keys) = l.srtp.as_mut().filter(|k| k.has_changed().unwrap_or(false)) {
            match keys.borrow_and_update().context() {
                Ok(c) => {
                    previous = srtp.replace(c);
                    tracing::info!(stream = l.index, "SRTP key changed by a re-offer");
                }
                Err(e) => tracing::error!("SRTP stream {}: {e}", l.index),
            }
        }
        let plain;
        let packet: &[u8] = match srtp.as_mut() {
            None => &buf[..n],
            Some(ctx) => match ctx
                .decrypt_rtp(&buf[..n])
                .or_else(|e| match previous.as_mut() {
                    Some(old) => old.decrypt_rtp(&buf[..n]),
                    None => Err(e),
                }) {
                Ok(p) => {
                    plain = p;
                    &plain
                }
                Err(_) => {
                    // Wrong key, tampering or plain RTP on an SRTP stream: dropped, reported.
                    rejected += 1;
                    l.shared.stats.srtp_rejected.fetch_add(1, Ordering::Relaxed);
                    if rejected == 1 || rejected.is_multiple_of(500) {
                        tracing::warn!(
                            stream = l.index,
                            rejected,
                            "SRTP packets fail authentication (wrong key?): dropped"
                        );
                    }
                    continue;
                }
            },
        };
        let Some(p) = rtp::parse(packet) else {
            continue;
        };
        l.last_rtp
            .store(l.started.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        l.shared.stats.rtp_packets.fetch_add(1, Ordering::Relaxed);
        if Some(p.pt) == l.telephone_event {
            if let Some(key) = keys.push(&p) {
                let _ = l.keypad.try_send(KeyPress {
                    speaker: l.speaker,
                    key,
                    at_ms: l.started.elapsed().as_millis() as u64,
                });
            }
            continue;
        }
        if p.pt != l.pt {
            continue;
        }
        let lost_before = jitter.stats.lost;
        let ordered = jitter.push(p.ssrc, p.seq, p.payload.to_vec());
        let pcm = decode(&l, &mut decoder, ordered, jitter.stats.lost - lost_before);
        if !emit(&l, &mut resampler, &mut sent, &pcm) {
            return;
        }
    }
    let lost_before = jitter.stats.lost;
    let rest = jitter.flush();
    let rest = decode(&l, &mut decoder, rest, jitter.stats.lost - lost_before);
    emit(&l, &mut resampler, &mut sent, &rest);
}

/// Ordered payloads to PCM, losses concealed; `lost` packets newly counted lost are tallied
/// with the audio concealed for them.
fn decode(l: &RtpLoop, decoder: &mut Decoder, ordered: Vec<Slot<Vec<u8>>>, lost: u64) -> Vec<i16> {
    let mut pcm = Vec::new();
    let mut concealed = 0;
    for slot in ordered {
        match slot {
            Slot::Packet(payload) => pcm.extend(decoder.decode(&payload)),
            Slot::Lost => {
                let made_up = decoder.conceal();
                concealed += made_up.len();
                pcm.extend(made_up);
            }
        }
    }
    if lost > 0 || concealed > 0 {
        l.shared.stats.rtp_lost.fetch_add(lost, Ordering::Relaxed);
        l.loss
            .lost(lost, concealed as u64 * 1000 / u64::from(decoder.rate()));
    }
    pcm
}

/// Sends the decoder's samples on as 16 kHz audio, with silence for wall-clock gaps (a pause, a late
/// start) so that both speakers' timestamps stay comparable. False once the consumer is gone.
fn emit(
    l: &RtpLoop,
    resampler: &mut earshot_audio::StreamResampler,
    sent: &mut usize,
    samples: &[i16],
) -> bool {
    if samples.is_empty() {
        return true;
    }
    let input: Vec<f32> = samples.iter().map(|&s| s as f32 / 32768.0).collect();
    let Ok(mut out) = resampler.push(&input) else {
        return true;
    };
    let heard_at = Instant::now();
    let due = (heard_at - l.started).as_secs_f64() * 16_000.0;
    let after = *sent + out.len();
    if due as usize > after + 16_000 / 5 {
        l.loss.filled((due as usize - after) as u64 / 16);
        let mut filled = vec![0.0; due as usize - after];
        filled.extend_from_slice(&out);
        out = filled;
    }
    *sent += out.len();
    let ms = out.len() as u64 / 16;
    match l.audio.try_send(AudioChunk {
        speaker: l.speaker,
        samples: out,
        heard_at,
    }) {
        Ok(()) => true,
        Err(std::sync::mpsc::TrySendError::Full(_)) => {
            l.shared.stats.audio_dropped.fetch_add(1, Ordering::Relaxed);
            l.loss.dropped(ms);
            true
        }
        Err(std::sync::mpsc::TrySendError::Disconnected(_)) => false,
    }
}

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
