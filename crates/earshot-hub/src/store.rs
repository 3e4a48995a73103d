//! The hub's data layer: one trait, one implementation per database ([`crate::sqlite`] is the
//! embedded default). Handlers call it from `spawn_blocking`, so implementations are plain
//! blocking code; each method is one transaction.

use crate::HubError;
use serde::{Deserialize, Serialize};

/// Who may do what (see the role matrix in the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An enrolled workstation: uploads its own summaries and heartbeats.
    Device,
    /// An agent: reads the summaries of their own calls.
    Agent,
    /// A supervisor: reads the summaries and live board of the teams they supervise.
    Supervisor,
    /// An administrator: users, teams, devices, enrollment tokens, retention; no summary content.
    Admin,
    /// An auditor: the audit log only.
    Auditor,
}

impl Role {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Device => "device",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Result<Role, HubError> {
        match s {
            "device" => Ok(Role::Device),
            "agent" => Ok(Role::Agent),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            "auditor" => Ok(Role::Auditor),
            other => Err(HubError::BadRequest(format!(
                "unknown role '{other}': use agent, supervisor, admin or auditor"
            ))),
        }
    }
}

/// A person who signs in to the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    /// Sign-in name (for agents: the agent name their devices report).
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Teams they supervise (supervisors) or belong to.
    pub teams: Vec<String>,
}

/// An enrolled workstation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Device {
    /// Random id, the certificate's common name.
    pub id: String,
    /// The agent who uses it.
    pub agent: String,
    /// The team its enrollment token named.
    pub team: String,
    /// Its host name, as it reported it.
    pub hostname: String,
    /// SHA-256 of its certificate (hex).
    pub fingerprint: String,
    /// When it enrolled (unix ms).
    pub enrolled_at_ms: i64,
    /// Its last request (unix ms).
    pub last_seen_ms: Option<i64>,
    /// Its outbox length at its last upload.
    pub outbox_len: Option<i64>,
    /// Its audit log's size at its last upload.
    pub audit_size: Option<i64>,
    /// Its audit log's head hash at its last upload.
    pub audit_head: Option<String>,
    /// When an admin revoked it.
    pub revoked_at_ms: Option<i64>,
}

/// A one-time enrollment token (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EnrollmentToken {
    /// Its number.
    pub id: i64,
    /// The team devices enrolled with it join.
    pub team: String,
    /// The admin who made it.
    pub created_by: String,
    /// When (unix ms).
    pub created_at_ms: i64,
    /// Refused after this (unix ms).
    pub expires_at_ms: i64,
    /// When a device used it.
    pub used_at_ms: Option<i64>,
    /// When an admin revoked it.
    pub revoked_at_ms: Option<i64>,
}

/// A stored summary with the columns the list filters on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSummary {
    /// The device's random summary id.
    pub summary_id: String,
    /// The device that sent it.
    pub device_id: String,
    /// The device's agent.
    pub agent: String,
    /// The device's team.
    pub team: String,
    /// Call start (unix ms).
    pub started_at_ms: i64,
    /// Call length (ms).
    pub duration_ms: i64,
    /// When the hub stored it (unix ms).
    pub received_at_ms: i64,
    /// The caller's mean sentiment.
    pub caller_sentiment: Option<f64>,
    /// The caller's trend (`improving`, …).
    pub caller_trend: String,
    /// Sensitive findings in the call (all types).
    pub findings: i64,
    /// The summary JSON as the device sent it.
    pub body: String,
}

/// What a summary list asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryFilter {
    /// Only these teams (`None`: all).
    pub teams: Option<Vec<String>>,
    /// Only this agent.
    pub agent: Option<String>,
    /// Started at or after (unix ms).
    pub from_ms: Option<i64>,
    /// Started before (unix ms).
    pub to_ms: Option<i64>,
    /// Only calls with (true) or without (false) sensitive findings.
    pub had_sensitive: Option<bool>,
    /// Only calls that raised this alert category.
    pub alert: Option<String>,
    /// Only calls whose caller's sentiment went this way (`UP`, `DOWN`, `FLAT`).
    pub caller_trend: Option<String>,
    /// What the list is ordered by (ties broken by the summary id).
    pub sort: SortKey,
    /// Smallest first (default: largest, i.e. newest, first).
    pub ascending: bool,
    /// Keyset cursor: strictly after this (sort value, summary_id) in the list's order.
    pub after: Option<(SortValue, String)>,
    /// At most this many.
    pub limit: u32,
}

/// What the summary list can be ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// The call's start (the default).
    #[default]
    Started,
    /// The call's length.
    Duration,
    /// The caller's mean sentiment (calls without one sort below every score).
    CallerSentiment,
    /// The number of sensitive findings.
    Findings,
}

impl SortKey {
    /// The SQL expression it orders by (the same on both databases).
    pub fn expr(self) -> &'static str {
        match self {
            SortKey::Started => "started_at_ms",
            SortKey::Duration => "duration_ms",
            SortKey::CallerSentiment => "COALESCE(caller_sentiment, -9.0)",
            SortKey::Findings => "findings",
        }
    }

    /// A stored summary's value for it.
    pub fn value(self, s: &StoredSummary) -> SortValue {
        match self {
            SortKey::Started => SortValue::Int(s.started_at_ms),
            SortKey::Duration => SortValue::Int(s.duration_ms),
            SortKey::CallerSentiment => SortValue::Float(s.caller_sentiment.unwrap_or(-9.0)),
            SortKey::Findings => SortValue::Int(s.findings),
        }
    }

    /// Reads a cursor's value for it.
    pub fn parse(self, text: &str) -> Option<SortValue> {
        match self {
            SortKey::CallerSentiment => text.parse().ok().map(SortValue::Float),
            _ => text.parse().ok().map(SortValue::Int),
        }
    }
}

/// A sort value in a cursor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SortValue {
    /// An integer column.
    Int(i64),
    /// The caller's sentiment.
    Float(f64),
}

impl std::fmt::Display for SortValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SortValue::Int(v) => write!(f, "{v}"),
            SortValue::Float(v) => write!(f, "{v}"),
        }
    }
}

/// A device's live state (the supervisors' board); never text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Heartbeat {
    /// The device.
    pub device_id: String,
    /// Its agent.
    pub agent: String,
    /// Its team.
    pub team: String,
    /// When the hub got it (unix ms).
    pub at_ms: i64,
    /// Whether a call is running.
    pub on_call: bool,
    /// The running call's length so far (ms).
    pub duration_ms: i64,
    /// The caller's sentiment trend so far.
    pub caller_trend: Option<String>,
    /// Alert categories raised so far.
    pub alerts: Vec<String>,
}

/// A person's web sign-in: an argon2id password hash and a TOTP second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLogin {
    /// The user.
    pub name: String,
    /// argon2id, PHC string format.
    pub password_hash: String,
    /// The TOTP secret (base32), once one was issued.
    pub totp_secret: Option<String>,
    /// Whether a code from it was accepted once (until then, sign-in shows it to be set up).
    pub totp_confirmed: bool,
    /// The last time step a code was accepted for (a code is never taken twice).
    pub totp_last_step: i64,
    /// Failed attempts in a row.
    pub failures: i64,
    /// No attempt is taken before this (unix ms).
    pub locked_until_ms: i64,
    /// SHA-256 of each unused recovery code (each signs in once in place of a TOTP code).
    pub recovery: Vec<String>,
}

/// A web session (or a sign-in waiting for its second factor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// SHA-256 of the cookie value (the value itself is never stored).
    pub id_hash: String,
    /// The user.
    pub user: String,
    /// The token state-changing requests must carry.
    pub csrf: String,
    /// The password was right; the second factor is still due.
    pub pending: bool,
    /// When it started (unix ms).
    pub created_ms: i64,
    /// Its last request (unix ms).
    pub seen_ms: i64,
}

/// One audit entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub id: i64,
    /// Unix ms.
    pub at_ms: i64,
    /// Who (user name, device id, or `-`).
    pub actor: String,
    /// Their role (or `anonymous`).
    pub role: String,
    /// What (`GET /v1/summaries/{id}`, …).
    pub action: String,
    /// On what (the request path).
    pub target: String,
    /// The peer's address.
    pub source: String,
    /// The HTTP status, or a guardrail's refusal.
    pub outcome: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// An audit entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    /// Who.
    pub actor: String,
    /// Their role.
    pub role: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// From where.
    pub source: String,
    /// How it ended.
    pub outcome: String,
}

/// A signed statement of the audit log's size and head (see [`crate::audit`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checkpoint {
    /// Entries covered.
    pub size: i64,
    /// The hash of entry `size`.
    pub head: String,
    /// When it was signed (unix ms).
    pub at_ms: i64,
    /// The signed note (C2SP tlog-checkpoint style: origin, size, base64 head, signature line).
    pub note: String,
}

/// The data layer.
pub trait HubStore: Send + Sync + 'static {
    /// Which database this is (`sqlite`, `postgresql`).
    fn kind(&self) -> &'static str;
    /// Adds a user whose API token hashes to `token_hash`.
    fn add_user(&self, user: &User, token_hash: &str) -> Result<(), HubError>;
    /// The user whose token hashes to `token_hash`.
    fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, HubError>;
    /// Every user.
    fn users(&self) -> Result<Vec<User>, HubError>;
    /// Changes a user's role and teams; false if there is no such user. Refuses (Guardrail) to
    /// take the role of the last admin.
    fn set_user(&self, user: &User) -> Result<bool, HubError>;
    /// Removes a user; refuses (Guardrail) to remove the last admin.
    fn delete_user(&self, name: &str) -> Result<bool, HubError>;
    /// Stores a new enrollment token; returns its id.
    fn add_token(
        &self,
        token_hash: &str,
        team: &str,
        created_by: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<i64, HubError>;
    /// Every enrollment token, newest first.
    fn tokens(&self) -> Result<Vec<EnrollmentToken>, HubError>;
    /// Revokes an unused token; false if there was none to revoke.
    fn revoke_token(&self, id: i64, now_ms: i64) -> Result<bool, HubError>;
    /// Marks the token used, atomically, if it is unused, unrevoked and unexpired.
    fn redeem_token(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<EnrollmentToken>, HubError>;
    /// Stores a newly enrolled device.
    fn add_device(&self, device: &Device) -> Result<(), HubError>;
    /// The device holding the certificate with this fingerprint.
    fn device_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Device>, HubError>;
    /// Every device.
    fn devices(&self) -> Result<Vec<Device>, HubError>;
    /// Revokes a device; false if it does not exist or was revoked already.
    fn revoke_device(&self, id: &str, now_ms: i64) -> Result<bool, HubError>;
    /// Records a device's request: when, its outbox length and its audit head, if given.
    fn touch_device(
        &self,
        id: &str,
        now_ms: i64,
        outbox_len: Option<i64>,
        audit: Option<(i64, &str)>,
    ) -> Result<(), HubError>;
    /// Stores a summary unless one with its id exists; true if it was new.
    fn put_summary(&self, summary: &StoredSummary) -> Result<bool, HubError>;
    /// An upload: [`HubStore::put_summary`] and [`HubStore::touch_device`] for its device, with
    /// the device's outbox length and audit head, in one transaction (one commit per upload).
    fn put_upload(
        &self,
        summary: &StoredSummary,
        outbox_len: i64,
        audit: (i64, &str),
    ) -> Result<bool, HubError> {
        let new = self.put_summary(summary)?;
        self.touch_device(
            &summary.device_id,
            summary.received_at_ms,
            Some(outbox_len),
            Some(audit),
        )?;
        Ok(new)
    }
    /// One summary.
    fn summary(&self, id: &str) -> Result<Option<StoredSummary>, HubError>;
    /// Summaries matching `filter`, newest first.
    fn list_summaries(&self, filter: &SummaryFilter) -> Result<Vec<StoredSummary>, HubError>;
    /// Deletes summaries received before `before_ms`; returns how many.
    fn purge_summaries(&self, before_ms: i64) -> Result<u64, HubError>;
    /// Replaces a device's live state.
    fn put_heartbeat(&self, beat: &Heartbeat) -> Result<(), HubError>;
    /// Live states newer than `since_ms`, of these teams (`None`: all).
    fn live(&self, teams: Option<&[String]>, since_ms: i64) -> Result<Vec<Heartbeat>, HubError>;
    /// Appends to the audit chain (reading the head and writing in one transaction).
    fn append_audit(&self, entry: &NewAudit, now_ms: i64) -> Result<AuditRecord, HubError> {
        self.append_audits(std::slice::from_ref(entry), now_ms)?
            .pop()
            .ok_or_else(|| HubError::Store("the audit append wrote nothing".into()))
    }
    /// Appends several entries, in order, in one transaction (the hub's audit writer groups
    /// concurrent requests' entries this way).
    fn append_audits(
        &self,
        entries: &[NewAudit],
        now_ms: i64,
    ) -> Result<Vec<AuditRecord>, HubError>;
    /// The audit log's size and its last entry's hash (the genesis hash when empty).
    fn audit_head(&self) -> Result<(i64, String), HubError>;
    /// Audit entries with id > `after`, oldest first, at most `limit`.
    fn audit(&self, after: i64, limit: u32) -> Result<Vec<AuditRecord>, HubError>;
    /// Stores a signed checkpoint.
    fn add_checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), HubError>;
    /// Every checkpoint, oldest first.
    fn checkpoints(&self) -> Result<Vec<Checkpoint>, HubError>;
    /// A person by name.
    fn user(&self, name: &str) -> Result<Option<User>, HubError>;
    /// A person's web sign-in.
    fn web_login(&self, name: &str) -> Result<Option<WebLogin>, HubError>;
    /// Stores a person's web sign-in (replacing the one they had).
    fn put_web_login(&self, login: &WebLogin) -> Result<(), HubError>;
    /// Stores a new web session.
    fn put_session(&self, session: &WebSession) -> Result<(), HubError>;
    /// A web session by its id's hash.
    fn session(&self, id_hash: &str) -> Result<Option<WebSession>, HubError>;
    /// Records a session's request.
    fn touch_session(&self, id_hash: &str, now_ms: i64) -> Result<(), HubError>;
    /// Ends one session.
    fn end_session(&self, id_hash: &str) -> Result<(), HubError>;
    /// Ends every session of `user`; returns how many.
    fn end_sessions(&self, user: &str) -> Result<u64, HubError>;
    /// A hub setting.
    fn setting(&self, key: &str) -> Result<Option<String>, HubError>;
    /// Sets a hub setting.
    fn set_setting(&self, key: &str, value: &str) -> Result<(), HubError>;
}
