//! The workstation's side of the hub.
//!
//! - [`Device::enroll_or_load`]: the first time, a key pair is made on the device (its private
//!   key goes to the key store: the OS keyring, or a 0600 file where `key_store = "file"`), and
//!   the one-time enrollment token is exchanged for a client certificate; later, the stored
//!   identity is loaded.
//! - [`Syncer::sync_once`]: every due outbox entry is summarised (once: the body is stored, so a
//!   retry sends the same bytes), uploaded with `PUT /v1/summaries/{id}` (the hub ignores a
//!   repeat), and removed when acknowledged; a failure is retried with exponential backoff and
//!   jitter. The device's audit head travels with each upload, and the hub's signed checkpoint
//!   comes back and is kept.
//! - [`Syncer::heartbeat`]: the live board's state, dropped (never queued) when the hub is down.
//!
//! TLS is rustls only, and the hub's CA from the configuration is the only trust anchor.

use earshot_config::Config;
use earshot_hub::api::{
    EnrollRequest, EnrollResponse, HeartbeatRequest, UploadRequest, UploadResponse,
};
use earshot_hub::store::Checkpoint;
use earshot_vault::Vault;
use std::sync::Arc;
use std::time::Duration;

/// Errors syncing.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The configuration cannot sync.
    #[error("{0}")]
    Config(String),
    /// The store failed.
    #[error(transparent)]
    Vault(#[from] earshot_vault::VaultError),
    /// The hub could not be reached or the TLS handshake failed.
    #[error("cannot reach the hub: {0}")]
    Unreachable(String),
    /// The hub refused the request.
    #[error("the hub refused: {0}")]
    Refused(String),
    /// The hub's audit log contradicts a checkpoint this device holds.
    #[error("the hub's audit log contradicts the checkpoint this device holds: {0}")]
    Audit(String),
}

/// Vault settings the device keeps.
const DEVICE_ID: &str = "hub_device_id";
const DEVICE_CERT: &str = "hub_device_certificate";
const CHECKPOINT: &str = "hub_checkpoint";
/// The key store entry of the device's private key.
pub const DEVICE_KEY_SECRET: &str = "hub-device-key";

/// First retry delay.
pub const BACKOFF_BASE_MS: u64 = 2_000;
/// Longest retry delay.
pub const BACKOFF_MAX_MS: u64 = 15 * 60_000;

/// The delay before retry number `attempts + 1`: exponential, capped, with ±50 % jitter so
/// many workstations coming back at once do not retry in step.
pub fn backoff_ms(attempts: u32) -> u64 {
    let exp = BACKOFF_BASE_MS.saturating_mul(1u64 << attempts.min(20));
    let capped = exp.min(BACKOFF_MAX_MS);
    let jitter: f64 = rand::random::<f64>() + 0.5;
    (capped as f64 * jitter) as u64
}

fn hub_url(config: &Config) -> Result<String, SyncError> {
    let url = config
        .hub_url
        .as_deref()
        .ok_or_else(|| SyncError::Config("no hub is configured (hub_url)".into()))?;
    if !url.starts_with("https://") {
        return Err(SyncError::Config(format!(
            "hub_url '{url}' is not https://: Earshot never sends summaries in clear"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

fn ca_pem(config: &Config) -> Result<String, SyncError> {
    let path = config.hub_ca.as_ref().ok_or_else(|| {
        SyncError::Config(
            "no hub CA is configured (hub_ca): it is the only certificate trusted for the hub"
                .into(),
        )
    })?;
    std::fs::read_to_string(path)
        .map_err(|e| SyncError::Config(format!("cannot read the hub CA {}: {e}", path.display())))
}

fn client(config: &Config, identity: Option<(&str, &str)>) -> Result<reqwest::Client, SyncError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    let certs = earshot_hub::pki::certs_from_pem(&ca_pem(config)?)
        .map_err(|e| SyncError::Config(format!("hub_ca: {e}")))?;
    if certs.is_empty() {
        return Err(SyncError::Config("hub_ca holds no certificate".into()));
    }
    for c in certs {
        roots
            .add(c)
            .map_err(|e| SyncError::Config(format!("hub_ca: {e}")))?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Config(e.to_string()))?
        .with_root_certificates(roots);
    let tls = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                earshot_hub::pki::certs_from_pem(cert)
                    .map_err(|e| SyncError::Config(e.to_string()))?,
                earshot_hub::pki::key_from_pem(key)
                    .map_err(|e| SyncError::Config(e.to_string()))?,
            )
            .map_err(|e| SyncError::Config(format!("the device certificate: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .https_only(true)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| SyncError::Config(format!("cannot build the HTTPS client: {e}")))
}

/// The words of a transport error, down to its root (rustls's reason is at the bottom).
fn why(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        out = format!("{out}: {s}");
        src = s.source();
    }
    out
}

async fn refusal(r: reqwest::Response) -> SyncError {
    let status = r.status();
    let text = r
        .json::<earshot_hub::api::ErrorBody>()
        .await
        .map(|b| b.error)
        .unwrap_or_default();
    SyncError::Refused(format!("{status}: {text}"))
}

/// This workstation's identity at the hub.
pub struct Device {
    /// Its id at the hub.
    pub id: String,
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device").field("id", &self.id).finish()
    }
}

impl Device {
    /// The stored identity, or a new one made by enrolling with the configured token.
    pub async fn enroll_or_load(config: &Config, vault: &Vault) -> Result<Device, SyncError> {
        let url = hub_url(config)?;
        if let (Some(id), Some(cert), Some(key)) = (
            vault.setting(DEVICE_ID)?,
            vault.setting(DEVICE_CERT)?,
            earshot_vault::secret::load(config, DEVICE_KEY_SECRET)?,
        ) {
            return Ok(Device {
                id,
                cert_pem: cert,
                key_pem: key,
            });
        }
        let token = config.enrollment_token.as_deref().ok_or_else(|| {
            SyncError::Config("this workstation is not enrolled and no enrollment_token is configured; ask IT for one".into())
        })?;
        let hostname = whoami_host();
        let key = earshot_hub::pki::device_key(&hostname)
            .map_err(|e| SyncError::Config(e.to_string()))?;
        let req = EnrollRequest {
            token: token.to_string(),
            csr_pem: key.csr_pem,
            agent: earshot_vault::os_user(),
            hostname,
        };
        let r = client(config, None)?
            .post(format!("{url}/v1/enroll"))
            .json(&req)
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(why(&e)))?;
        if !r.status().is_success() {
            return Err(refusal(r).await);
        }
        let out: EnrollResponse = r
            .json()
            .await
            .map_err(|e| SyncError::Refused(format!("the enrollment answer is not valid: {e}")))?;
        // Key first: a certificate without its key would be useless, a key without a
        // certificate is simply enrolled again.
        earshot_vault::secret::store(config, DEVICE_KEY_SECRET, &key.key_pem)?;
        vault.set_setting(DEVICE_CERT, &out.certificate_pem)?;
        vault.set_setting(DEVICE_ID, &out.device_id)?;
        tracing::info!(device = %out.device_id, team = %out.team, "enrolled with the hub");
        Ok(Device {
            id: out.device_id,
            cert_pem: out.certificate_pem,
            key_pem: key.key_pem,
        })
    }
}

fn whoami_host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "workstation".into())
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect()
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Stored by the hub now.
    pub sent: u32,
    /// The hub had them already (a retry after a lost answer).
    pub repeated: u32,
    /// Dropped for good (the hub's detector refused them, or their call was purged unbuilt).
    pub discarded: u32,
    /// Still queued.
    pub queued: u64,
}

/// Uploads a device's outbox and heartbeats.
pub struct Syncer {
    url: String,
    http: reqwest::Client,
    /// The device.
    pub device: Device,
}

impl Syncer {
    /// A syncer for `device` with the configured hub.
    pub fn new(config: &Config, device: Device) -> Result<Syncer, SyncError> {
        Ok(Syncer {
            url: hub_url(config)?,
            http: client(config, Some((&device.cert_pem, &device.key_pem)))?,
            device,
        })
    }

    /// Enrolls (or loads the stored identity) and makes the syncer; a failure is also recorded
    /// as the vault's sync error, for the status the app and `earshot sync --status` show.
    pub async fn connect(config: &Config, vault: &Vault) -> Result<Syncer, SyncError> {
        let made = match Device::enroll_or_load(config, vault).await {
            Ok(device) => Syncer::new(config, device),
            Err(e) => Err(e),
        };
        if let Err(e) = &made {
            vault.set_sync_error(&e.to_string())?;
        }
        made
    }

    /// Passes over the outbox every `every`, for good; `each` hears how each pass went (an
    /// error is retried at the next pass, each entry after its own backoff).
    pub async fn run(
        &self,
        vault: &Vault,
        mut encoder: Option<&mut earshot_sentiment::embedding::SentenceEncoder>,
        every: Duration,
        mut each: impl FnMut(&Result<Report, SyncError>),
    ) -> ! {
        loop {
            let pass = self.sync_once(vault, encoder.as_deref_mut()).await;
            each(&pass);
            tokio::time::sleep(every).await;
        }
    }

    /// One pass: every due entry is built (if needed) and uploaded. Stops at the first error
    /// that is about the hub rather than the entry (unreachable, revoked), records it in the
    /// vault's sync state, and returns it.
    pub async fn sync_once(
        &self,
        vault: &Vault,
        mut encoder: Option<&mut earshot_sentiment::embedding::SentenceEncoder>,
    ) -> Result<Report, SyncError> {
        let mut report = Report::default();
        for entry in vault.outbox_due(500)? {
            let body = match (&entry.body, entry.call_id) {
                (Some(b), _) => b.clone(),
                (None, Some(call)) => {
                    let detail = vault.call(call)?;
                    let mut summary = earshot_summary::summarize(&detail, encoder.as_deref_mut());
                    summary.summary_id = entry.summary_id.clone();
                    let body = serde_json::to_string(&summary)
                        .map_err(|e| SyncError::Config(e.to_string()))?;
                    vault.outbox_set_body(&entry.summary_id, &body)?;
                    body
                }
                (None, None) => {
                    vault.outbox_discard(
                        &entry.summary_id,
                        "its call was purged before it was summarised",
                    )?;
                    report.discarded += 1;
                    continue;
                }
            };
            let (audit_size, audit_head) = vault.audit_head()?;
            let req = UploadRequest {
                summary: serde_json::from_str(&body)
                    .map_err(|e| SyncError::Config(e.to_string()))?,
                outbox_len: vault.sync_state()?.queued as i64,
                audit_size,
                audit_head,
            };
            let sent = self
                .http
                .put(format!("{}/v1/summaries/{}", self.url, entry.summary_id))
                .json(&req)
                .send()
                .await;
            let r = match sent {
                Ok(r) => r,
                Err(e) => {
                    let err = SyncError::Unreachable(why(&e));
                    vault.outbox_failed(
                        &entry.summary_id,
                        &err.to_string(),
                        backoff_ms(entry.attempts),
                    )?;
                    return Err(err);
                }
            };
            let status = r.status();
            if status.is_success() {
                let ack: UploadResponse = r.json().await.map_err(|e| {
                    SyncError::Refused(format!("the hub's answer is not valid: {e}"))
                })?;
                vault.outbox_sent(&entry.summary_id)?;
                if ack.stored {
                    report.sent += 1;
                } else {
                    report.repeated += 1;
                }
                self.keep_checkpoint(vault, &ack.checkpoint)?;
            } else if status == reqwest::StatusCode::UNPROCESSABLE_ENTITY {
                let err = refusal(r).await;
                vault.outbox_discard(&entry.summary_id, &err.to_string())?;
                report.discarded += 1;
            } else {
                let err = refusal(r).await;
                vault.outbox_failed(
                    &entry.summary_id,
                    &err.to_string(),
                    backoff_ms(entry.attempts),
                )?;
                return Err(err);
            }
        }
        report.queued = vault.sync_state()?.queued;
        Ok(report)
    }

    /// Keeps the hub's newest checkpoint, refusing one that shows a shorter log than the one
    /// held (the hub's log was cut short or rewritten).
    fn keep_checkpoint(&self, vault: &Vault, cp: &Checkpoint) -> Result<(), SyncError> {
        if let Some(held) = vault
            .setting(CHECKPOINT)?
            .and_then(|t| serde_json::from_str::<Checkpoint>(&t).ok())
        {
            if cp.size < held.size {
                let e = SyncError::Audit(format!(
                    "it now shows {} entries, this device was shown {}",
                    cp.size, held.size
                ));
                vault.set_sync_error(&e.to_string())?;
                return Err(e);
            }
            if cp.size == held.size && cp.head != held.head {
                let e = SyncError::Audit(format!("entry {} has changed", cp.size));
                vault.set_sync_error(&e.to_string())?;
                return Err(e);
            }
            if cp.size == held.size {
                return Ok(());
            }
        }
        vault.set_setting(CHECKPOINT, &serde_json::to_string(cp).unwrap_or_default())?;
        Ok(())
    }

    /// Sends the live state; an error is returned, never queued.
    pub async fn heartbeat(&self, beat: &HeartbeatRequest) -> Result<(), SyncError> {
        let r = self
            .http
            .post(format!("{}/v1/heartbeat", self.url))
            .json(beat)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(why(&e)))?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(refusal(r).await)
        }
    }
}

/// The checkpoint this device holds from the hub, if any.
pub fn held_checkpoint(vault: &Vault) -> Result<Option<Checkpoint>, SyncError> {
    Ok(vault
        .setting(CHECKPOINT)?
        .and_then(|t| serde_json::from_str(&t).ok()))
}
