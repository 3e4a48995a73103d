//! The hub: the organisation's side of Earshot.
//!
//! Workstations enroll once with a one-time token from IT and get a client certificate from the
//! hub's private CA; from then on they upload redacted call summaries and live heartbeats over
//! mutual TLS. People (agents, supervisors, admins, auditors) use bearer API tokens over the same
//! TLS listener. Every request is written to a hash-chained audit log with signed checkpoints.
//!
//! | role | may |
//! |---|---|
//! | `device` | upload its own summaries, send heartbeats |
//! | `agent` | read the summaries of their own calls |
//! | `supervisor` | read summaries and the live board of the teams they supervise |
//! | `admin` | users, devices, enrollment tokens, retention: never summary content |
//! | `auditor` | the audit log and its verification |
//!
//! Anything else is a 403 with no data, audited like every other request.
//!
//! Storage goes through [`store::HubStore`]: [`sqlite::SqliteStore`] is the embedded default,
//! [`postgres::PgStore`] serves several hub instances from one database ([`open_store`] picks
//! by the database URL).

pub mod api;
pub mod audit;
pub mod pki;
pub mod postgres;
pub mod serve;
pub mod sqlite;
pub mod sso;
pub mod store;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Errors of the hub library.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The database failed.
    #[error("hub database: {0}")]
    Store(String),
    /// A certificate or key problem.
    #[error("certificates: {0}")]
    Pki(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// It exists already.
    #[error("{0}")]
    Conflict(String),
    /// A guardrail refused (the last admin, the audit floor).
    #[error("refused: {0}")]
    Guardrail(String),
    /// The audit log does not verify.
    #[error("audit: {0}")]
    Audit(String),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
}

/// Hub-wide settings kept in the database.
pub mod settings {
    /// Days a summary is kept (default [`DEFAULT_SUMMARY_DAYS`]).
    pub const SUMMARY_DAYS: &str = "retention_days";
    /// Days the audit log is kept (default [`DEFAULT_AUDIT_DAYS`]).
    pub const AUDIT_DAYS: &str = "audit_retention_days";
    /// Default summary retention, as the contact-center guidance suggests.
    pub const DEFAULT_SUMMARY_DAYS: u32 = 90;
    /// Default audit retention.
    pub const DEFAULT_AUDIT_DAYS: u32 = 730;
    /// The audit log may not be kept for less than this.
    pub const AUDIT_FLOOR_DAYS: u32 = 365;
}

/// The files a hub directory holds.
pub mod files {
    /// The CA certificate (what workstations pin).
    pub const CA_CERT: &str = "ca.pem";
    /// The CA key (0600).
    pub const CA_KEY: &str = "ca.key";
    /// The server certificate.
    pub const SERVER_CERT: &str = "server.pem";
    /// The server key (0600).
    pub const SERVER_KEY: &str = "server.key";
    /// The checkpoint signing key, PKCS#8 (0600).
    pub const CHECKPOINT_KEY: &str = "checkpoint.key";
    /// The checkpoint public key, hex (for auditors and devices).
    pub const CHECKPOINT_PUB: &str = "checkpoint.pub";
    /// The embedded database.
    pub const DATABASE: &str = "hub.db";
}

/// The store for `database`: a `postgres://` or `postgresql://` URL is PostgreSQL (with
/// `connections` pooled connections), anything else is a path to an SQLite file.
pub fn open_store(
    database: &str,
    connections: usize,
) -> Result<Arc<dyn store::HubStore>, HubError> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(database, connections)?))
    } else {
        Ok(Arc::new(sqlite::SqliteStore::open(Path::new(database))?))
    }
}

/// Unix time in ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// SHA-256 of a secret token, hex: all the hub stores of API and enrollment tokens.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.trim().as_bytes()))
}

/// Whether `s` is a plain name: 1–128 letters, digits, spaces or `. - _ @`.
pub fn plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@' | ' '))
}

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn write_private(path: &Path, data: &[u8]) -> Result<(), HubError> {
    let err = |e: std::io::Error| HubError::Io(format!("cannot write {}: {e}", path.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    use std::io::Write;
    let mut f = opts.open(path).map_err(err)?;
    f.write_all(data).and_then(|_| f.sync_all()).map_err(err)
}

fn read(path: &Path) -> Result<Vec<u8>, HubError> {
    std::fs::read(path).map_err(|e| HubError::Io(format!("cannot read {}: {e}", path.display())))
}

/// Limits a running hub enforces.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Requests per second a device may make (sustained).
    pub device_rate: f64,
    /// Requests a device may make in a burst.
    pub device_burst: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024,
            device_rate: 200.0,
            device_burst: 400.0,
        }
    }
}

/// A hub: its store, CA and checkpoint signer.
pub struct Hub {
    /// The data layer.
    pub store: Arc<dyn store::HubStore>,
    /// The CA that signs device certificates.
    pub ca: pki::Ca,
    /// The checkpoint signer.
    pub signer: audit::Signer,
    /// Limits.
    pub limits: Limits,
    /// Single sign-on, when `sso.toml` configures it.
    pub sso: Option<Arc<sso::Sso>>,
    rate: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
    last_checkpoint: std::sync::Mutex<Option<store::Checkpoint>>,
    audit_tx: std::sync::mpsc::Sender<AuditJob>,
    /// The newest audit entry this process wrote (for deciding when to sign a checkpoint).
    audit_size: Arc<std::sync::atomic::AtomicI64>,
}

type AuditJob = (
    store::NewAudit,
    tokio::sync::oneshot::Sender<Result<store::AuditRecord, HubError>>,
);

/// Most entries one audit transaction takes.
const AUDIT_BATCH: usize = 512;

/// The audit writer: one thread that appends every request's entry, taking whatever has
/// queued up meanwhile into the same transaction (group commit). The chain is a sequence, so
/// appends are serial whatever writes them; batching makes that one transaction per burst
/// instead of one per request.
fn spawn_audit_writer(
    store: Arc<dyn store::HubStore>,
    size: Arc<std::sync::atomic::AtomicI64>,
) -> std::sync::mpsc::Sender<AuditJob> {
    let (tx, rx) = std::sync::mpsc::channel::<AuditJob>();
    let spawned = std::thread::Builder::new()
        .name("hub-audit".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut jobs = vec![first];
                while jobs.len() < AUDIT_BATCH {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                let entries: Vec<store::NewAudit> = jobs.iter().map(|j| j.0.clone()).collect();
                match store.append_audits(&entries, now_ms()) {
                    Ok(records) => {
                        if let Some(last) = records.last() {
                            size.store(last.id, std::sync::atomic::Ordering::Relaxed);
                        }
                        for ((_, reply), r) in jobs.into_iter().zip(records) {
                            let _ = reply.send(Ok(r));
                        }
                    }
                    Err(e) => {
                        let why = e.to_string();
                        for (_, reply) in jobs {
                            let _ = reply.send(Err(HubError::Store(why.clone())));
                        }
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the audit writer");
    }
    tx
}

/// What `earshot hub init` made.
#[derive(Debug)]
pub struct Initialized {
    /// The hub directory.
    pub dir: PathBuf,
    /// The first admin's API token (shown once).
    pub admin_token: String,
    /// An enrollment token for a first workstation (shown once).
    pub enrollment_token: String,
}

impl Hub {
    /// Creates a hub in `dir` (which must not hold one): a private CA, a server certificate
    /// for `names`, the checkpoint key, the database, a first admin called `admin_name`, and
    /// an enrollment token for `team` valid for `token_days`.
    pub fn init(
        dir: &Path,
        names: &[String],
        admin_name: &str,
        team: &str,
        token_days: u32,
    ) -> Result<Initialized, HubError> {
        Hub::init_with(dir, names, admin_name, team, token_days, None)
    }

    /// [`Hub::init`] with the database in `store` (the embedded SQLite file when `None`).
    pub fn init_with(
        dir: &Path,
        names: &[String],
        admin_name: &str,
        team: &str,
        token_days: u32,
        store: Option<Arc<dyn store::HubStore>>,
    ) -> Result<Initialized, HubError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| HubError::Io(format!("cannot create {}: {e}", dir.display())))?;
        if dir.join(files::CA_KEY).exists()
            || (store.is_none() && dir.join(files::DATABASE).exists())
        {
            return Err(HubError::Conflict(format!(
                "{} already holds a hub; nothing was changed",
                dir.display()
            )));
        }
        let ca = pki::Ca::create("Earshot hub CA")?;
        let server = ca.server_cert(names)?;
        let signing = audit::Signer::generate()?;
        let signer = audit::Signer::new(&origin(names), &signing)?;
        write_private(&dir.join(files::CA_KEY), ca.key_pem.as_bytes())?;
        write_private(&dir.join(files::SERVER_KEY), server.key_pem.as_bytes())?;
        write_private(&dir.join(files::CHECKPOINT_KEY), &signing)?;
        std::fs::write(dir.join(files::CA_CERT), &ca.cert_pem)
            .and_then(|_| std::fs::write(dir.join(files::SERVER_CERT), &server.cert_pem))
            .and_then(|_| {
                std::fs::write(
                    dir.join(files::CHECKPOINT_PUB),
                    hex::encode(signer.public_key()),
                )
            })
            .map_err(|e| HubError::Io(format!("cannot write in {}: {e}", dir.display())))?;
        let store: Arc<dyn store::HubStore> = match store {
            Some(s) => s,
            None => Arc::new(sqlite::SqliteStore::open(&dir.join(files::DATABASE))?),
        };
        let admin_token = new_token();
        store.add_user(
            &store::User {
                name: admin_name.to_string(),
                role: store::Role::Admin,
                teams: Vec::new(),
            },
            &token_hash(&admin_token),
        )?;
        let enrollment_token = new_token();
        let now = now_ms();
        store.add_token(
            &token_hash(&enrollment_token),
            team,
            admin_name,
            now,
            now + token_days as i64 * 86_400_000,
        )?;
        store.set_setting("origin", &origin(names))?;
        store.append_audit(
            &store::NewAudit {
                actor: admin_name.to_string(),
                role: "admin".into(),
                action: "hub init".into(),
                target: dir.display().to_string(),
                source: "local".into(),
                outcome: "ok".into(),
            },
            now,
        )?;
        Ok(Initialized {
            dir: dir.to_path_buf(),
            admin_token,
            enrollment_token,
        })
    }

    /// Opens the hub in `dir` with `store` (the embedded SQLite database when `None`).
    pub fn open(dir: &Path, store: Option<Arc<dyn store::HubStore>>) -> Result<Hub, HubError> {
        let ca = pki::Ca {
            cert_pem: String::from_utf8_lossy(&read(&dir.join(files::CA_CERT))?).into(),
            key_pem: String::from_utf8_lossy(&read(&dir.join(files::CA_KEY))?).into(),
        };
        let store: Arc<dyn store::HubStore> = match store {
            Some(s) => s,
            None => Arc::new(sqlite::SqliteStore::open(&dir.join(files::DATABASE))?),
        };
        let origin = match store.setting("origin")? {
            Some(o) => o,
            None => {
                let o = "earshot-hub".to_string();
                store.set_setting("origin", &o)?;
                o
            }
        };
        let signer = audit::Signer::new(&origin, &read(&dir.join(files::CHECKPOINT_KEY))?)?;
        let sso = sso::Sso::load(dir)?.map(Arc::new);
        let (size, _) = store.audit_head()?;
        let audit_size = Arc::new(std::sync::atomic::AtomicI64::new(size));
        Ok(Hub {
            audit_tx: spawn_audit_writer(store.clone(), audit_size.clone()),
            audit_size,
            store,
            ca,
            signer,
            limits: Limits::default(),
            sso,
            rate: Default::default(),
            last_checkpoint: std::sync::Mutex::new(None),
        })
    }

    /// Signs a checkpoint of the audit log as it stands and stores it.
    pub fn checkpoint(&self) -> Result<store::Checkpoint, HubError> {
        let (size, head) = self.store.audit_head()?;
        let cp = self.signer.checkpoint(size, &head, now_ms())?;
        self.store.add_checkpoint(&cp)?;
        if let Ok(mut last) = self.last_checkpoint.lock() {
            *last = Some(cp.clone());
        }
        Ok(cp)
    }

    /// The latest checkpoint, signing a new one when the last is older than a minute or
    /// [`audit::CHECKPOINT_EVERY`] entries behind (what devices are handed with each upload).
    pub fn fresh_checkpoint(&self) -> Result<store::Checkpoint, HubError> {
        let last = self.last_checkpoint.lock().ok().and_then(|l| l.clone());
        if let Some(cp) = last {
            let size = self.audit_size.load(std::sync::atomic::Ordering::Relaxed);
            if now_ms() - cp.at_ms < 60_000 && size - cp.size < audit::CHECKPOINT_EVERY {
                return Ok(cp);
            }
        }
        self.checkpoint()
    }

    /// Adds a person and returns their new API token (only its hash is stored). Devices are not
    /// users, and names and teams are plain words (see [`plain_name`]).
    pub fn add_user(&self, user: &store::User) -> Result<String, HubError> {
        if user.role == store::Role::Device {
            return Err(HubError::BadRequest(
                "devices enroll with a token; they are not users".into(),
            ));
        }
        if let Some(bad) = std::iter::once(&user.name)
            .chain(&user.teams)
            .find(|n| !plain_name(n))
        {
            return Err(HubError::BadRequest(format!(
                "'{bad}': names and teams are 1–128 letters, digits, spaces or . - _ @"
            )));
        }
        let token = new_token();
        self.store.add_user(user, &token_hash(&token))?;
        Ok(token)
    }

    /// Appends `entry` to the audit log through the writer (see `spawn_audit_writer`) and
    /// waits until it is committed.
    pub async fn audit(&self, entry: store::NewAudit) -> Result<store::AuditRecord, HubError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let stopped = || HubError::Store("the audit writer has stopped".into());
        self.audit_tx.send((entry, reply)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Walks the whole audit log against every stored checkpoint and `extra` (checkpoints
    /// held outside the hub, e.g. by devices).
    pub fn verify_audit(&self, extra: &[store::Checkpoint]) -> Result<audit::Verdict, HubError> {
        let mut records = Vec::new();
        let mut after = 0;
        loop {
            let page = self.store.audit(after, 10_000)?;
            match page.last() {
                Some(r) => after = r.id,
                None => break,
            }
            records.extend(page);
        }
        let mut cps = self.store.checkpoints()?;
        cps.extend_from_slice(extra);
        Ok(audit::verify(&records, &cps, &self.signer.public_key()))
    }

    /// Purges summaries older than the retention setting; returns how many went.
    pub fn purge(&self) -> Result<u64, HubError> {
        let days: u32 = self
            .store
            .setting(settings::SUMMARY_DAYS)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(settings::DEFAULT_SUMMARY_DAYS);
        self.store
            .purge_summaries(now_ms() - days as i64 * 86_400_000)
    }

    /// Whether device `id` may make a request now (token bucket).
    fn admit(&self, id: &str) -> bool {
        let Ok(mut rate) = self.rate.lock() else {
            return true;
        };
        let now = std::time::Instant::now();
        let (tokens, at) = rate
            .entry(id.to_string())
            .or_insert((self.limits.device_burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.limits.device_rate)
            .min(self.limits.device_burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn origin(names: &[String]) -> String {
    format!(
        "{}/earshot-hub",
        names.first().map(String::as_str).unwrap_or("localhost")
    )
}
