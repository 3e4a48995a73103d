//! Transports: the UDP, TCP and TLS listeners (allow-list and rate checked before anything is
//! parsed, size limits, idle timeout, connection cap) and [`Peer`], how to answer each.

use super::*;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;

/// How to answer a peer.
#[derive(Clone)]
pub(super) enum Peer {
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
    pub(super) fn addr(&self) -> SocketAddr {
        match self {
            Peer::Udp { addr, .. } | Peer::Tcp { addr, .. } => *addr,
        }
    }

    pub(super) fn transport(&self) -> &'static str {
        match self {
            Peer::Udp { .. } => "udp",
            Peer::Tcp { tls: false, .. } => "tcp",
            Peer::Tcp { tls: true, .. } => "tls",
        }
    }

    pub(super) async fn send(&self, bytes: &[u8]) {
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

pub(super) async fn bind(shared: Arc<Shared>, l: Listen) -> Result<Listen, SrsError> {
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
pub(super) fn tls_acceptor(files: &TlsFiles) -> Result<tokio_rustls::TlsAcceptor, SrsError> {
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
pub(super) const MAX_MESSAGE: usize = 64 * 1024;
/// The largest header section accepted.
pub(super) const MAX_HEADERS: usize = 16 * 1024;
/// The most header lines accepted.
pub(super) const MAX_HEADER_LINES: usize = 128;

pub(super) async fn udp_loop(shared: Arc<Shared>, socket: Arc<UdpSocket>, local: SocketAddr) {
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

pub(super) async fn tcp_accept(
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

pub(super) async fn tcp_connection<S>(
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
pub(super) struct ConnectionSlot(Arc<Shared>);

impl ConnectionSlot {
    pub(super) fn take(shared: &Arc<Shared>) -> Option<ConnectionSlot> {
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
