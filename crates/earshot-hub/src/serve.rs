//! The TLS listener: rustls with the hub's CA as the only client-certificate anchor. A client
//! certificate is optional at the TLS layer (people and enrolling devices have none yet); a
//! certificate that is presented must chain to the hub's CA and be valid, or the handshake
//! fails. Which routes need one is the API's business.

use crate::api::{router, Peer};
use crate::{files, pki, Hub, HubError};
use hyper_util::rt::TokioIo;
use rustls::server::WebPkiClientVerifier;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

/// The server's TLS configuration from the hub directory's CA and server certificate.
pub fn tls_config(dir: &Path) -> Result<Arc<rustls::ServerConfig>, HubError> {
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .map_err(|e| HubError::Io(format!("cannot read {}: {e}", dir.join(f).display())))
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in pki::certs_from_pem(&read(files::CA_CERT)?)? {
        roots
            .add(c)
            .map_err(|e| HubError::Pki(format!("the CA certificate: {e}")))?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| HubError::Pki(e.to_string()))?;
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Pki(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            pki::certs_from_pem(&read(files::SERVER_CERT)?)?,
            pki::key_from_pem(&read(files::SERVER_KEY)?)?,
        )
        .map_err(|e| HubError::Pki(e.to_string()))?;
    Ok(Arc::new(config))
}

/// Serves the API on `listener` until the task is dropped; purges expired summaries hourly.
pub async fn run(
    hub: Arc<Hub>,
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
) -> Result<(), HubError> {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let app = router(hub.clone());
    let purger = hub.clone();
    let _purge = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let h = purger.clone();
            match tokio::task::spawn_blocking(move || h.purge()).await {
                Ok(Ok(n)) if n > 0 => tracing::info!(summaries = n, "purged expired summaries"),
                Ok(Err(e)) => tracing::error!(error = %e, "purge failed"),
                _ => {}
            }
        }
    });
    loop {
        let (tcp, addr) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let handshake =
                tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp));
            let tls = match handshake.await {
                Ok(Ok(t)) => t,
                Ok(Err(e)) => {
                    tracing::info!(peer = %addr, error = %e, "TLS handshake refused");
                    return;
                }
                Err(_) => return,
            };
            let peer = Peer {
                addr: addr.to_string(),
                cert_fingerprint: tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|c| c.first())
                    .map(|c| pki::fingerprint(c.as_ref())),
            };
            let service = app.map_request(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(peer.clone());
                req
            });
            let service = hyper_util::service::TowerToHyperService::new(service);
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service);
            if let Err(e) = conn.await {
                tracing::debug!(peer = %addr, error = %e, "connection ended");
            }
        });
    }
}
