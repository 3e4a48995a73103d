//! Earshot's vault: where calls are kept.
//!
//! * One SQLCipher database in the data dir, encrypted with a random 32-byte key that lives in the
//!   OS keyring (or, when configured, a 0600 key file). WAL mode, foreign keys on,
//!   `secure_delete` on, schema versions by `rusqlite_migration`.
//! * Only redacted text is stored. Each finding's original value is stored as its own age
//!   ciphertext, sealed (by the pipeline) to the organisation's recipients; the workstation cannot
//!   open it. [`Vault::reveal`] opens it with an operator's identity, after appending the reveal to
//!   the audit log.
//! * Each utterance is committed in its own transaction: a crash loses at most the one in flight.
//! * Calls older than the retention period are purged (at open and by [`Vault::purge`]).
//! * The audit log is hash-chained; [`Vault::verify_audit`] names the first broken entry.

mod audit;
mod key;
mod live;
mod outbox;
mod schema;
pub mod secret;

pub use audit::{AuditEntry, AuditVerdict};
pub use outbox::{OutboxEntry, SyncState};

use earshot_config::{Config, KeyStore};
use earshot_core::{SealedFinding, SentimentTrend, Utterance};
use earshot_seal::{OperatorIdentity, SealError};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::PathBuf;

/// File name of the database in the data dir.
pub const DATABASE_FILE: &str = "earshot.db";

/// What can go wrong with the store. Every variant says what a person can do.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The data dir cannot be created or written.
    #[error("data dir problem: {0}")]
    DataDir(String),
    /// A second pass cannot be applied (not pending: abandoned, done, or never wanted).
    #[error("second pass: {0}")]
    SecondPass(String),
    /// The database key is missing, unreadable, or its store is unavailable.
    #[error("database key: {0}")]
    Key(String),
    /// The key does not open the database, or the file is not a database.
    #[error("cannot open the database at {path}: wrong key or damaged file (nothing was changed)")]
    Locked {
        /// The database file.
        path: String,
    },
    /// No call with that id.
    #[error("no call {0}")]
    NoSuchCall(i64),
    /// No utterance with that number in the call.
    #[error("call {call} has no utterance {utterance}")]
    NoSuchUtterance {
        /// The call.
        call: i64,
        /// The utterance number asked for.
        utterance: u32,
    },
    /// The organisation's policy does not allow this (the attempt is audited).
    #[error("{0}")]
    NotAllowed(String),
    /// The call is being recorded by a running process (this one or another); it can be
    /// deleted once it has ended (the attempt is audited).
    #[error("call {0} is being recorded: it can be deleted once it has ended")]
    Recording(i64),
    /// Opening sealed values failed (the failure is audited).
    #[error(transparent)]
    Seal(#[from] SealError),
    /// SQLite refused to keep the database in write-ahead-log mode (e.g. busy, read-only file).
    #[error("cannot put the database in write-ahead-log mode: {0}")]
    Journal(String),
    /// Another process held the data dir's lock for too long while opening it.
    #[error("the data dir {0} stayed locked by another Earshot process for 60 s; is one hung?")]
    Busy(String),
    /// A schema migration failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The OS user, for audit entries.
pub fn os_user() -> String {
    whoami::username()
}

/// Identifies a stored call.
pub type CallId = i64;

/// What is known about a call when it starts.
#[derive(Debug, Clone)]
pub struct NewCall {
    /// Where it came from (file path, device, SIPREC session).
    pub source: String,
    /// The agent, if known.
    pub agent: Option<String>,
    /// `inbound` / `outbound`, if known.
    pub direction: Option<String>,
    /// The ASR model.
    pub model: String,
}

/// A call as listed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CallRecord {
    /// Id.
    pub id: CallId,
    /// Source.
    pub source: String,
    /// Start (unix ms).
    pub started_at_ms: i64,
    /// End (unix ms), if it ended.
    pub ended_at_ms: Option<i64>,
    /// Agent.
    pub agent: Option<String>,
    /// Direction.
    pub direction: Option<String>,
    /// ASR model.
    pub model: String,
    /// Duration of the audio.
    pub duration_ms: Option<i64>,
    /// Sentiment engine used.
    pub sentiment_engine: Option<String>,
    /// Trend (JSON of [`SentimentTrend`]).
    pub sentiment_trend: Option<serde_json::Value>,
    /// Number of stored utterances.
    pub utterances: i64,
    /// What the receiver lost of the call's audio (`None`: not counted for this source).
    pub audio_gaps: Option<earshot_core::AudioGaps>,
    /// What agent assist raised (alert counts, the checklist's outcome); `None`: nothing.
    pub assist: Option<earshot_core::AssistFigures>,
    /// The second pass's model, if the call gets one.
    pub second_pass: Option<String>,
    /// Where the second pass is: `pending`, `done` or `abandoned`.
    pub second_pass_state: Option<String>,
    /// Whether a running process (this one or another) is recording it now. A call that has not
    /// ended and is not being recorded was cut off (its process died).
    pub recording: bool,
}

/// A stored finding (never its value).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredFinding {
    /// Type tag.
    #[serde(rename = "type")]
    pub kind: String,
    /// Span in the original text (characters).
    pub start: i64,
    /// End of the span.
    pub end: i64,
    /// Whether the value was sealed (false: dropped, no recipients were configured).
    pub sealed: bool,
}

/// A stored utterance (redacted).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredUtterance {
    /// Position in the call, from 1.
    pub seq: u32,
    /// `caller` / `agent` / `unknown`.
    pub speaker: String,
    /// Start ms.
    pub start_ms: i64,
    /// End ms.
    pub end_ms: i64,
    /// Redacted text.
    pub text: String,
    /// Sentiment label.
    pub sentiment_label: String,
    /// Sentiment score.
    pub sentiment_score: f64,
    /// What was redacted.
    pub findings: Vec<StoredFinding>,
}

/// A call with its utterances.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CallDetail {
    /// The call.
    pub call: CallRecord,
    /// Its utterances in order.
    pub utterances: Vec<StoredUtterance>,
}

/// An utterance with its sealed values restored (operator only).
#[derive(Clone, PartialEq)]
pub struct RevealedUtterance {
    /// Position in the call.
    pub seq: u32,
    /// Speaker.
    pub speaker: String,
    /// Start ms.
    pub start_ms: i64,
    /// The text with every sealed value back in place (unsealed ones stay as tags).
    pub text: String,
    /// Values that could not be restored because they were never sealed.
    pub unsealed: usize,
}

impl std::fmt::Debug for RevealedUtterance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedUtterance")
            .field("seq", &self.seq)
            .field("text", &"<revealed>")
            .finish()
    }
}

/// A call being recorded: each [`RecordingSession::add`] commits one utterance.
pub struct RecordingSession<'v> {
    vault: &'v mut Vault,
    call: CallId,
    seq: u32,
    /// Held until the call ends (or the session drops): the call shows as being recorded and
    /// cannot be deleted.
    live: Option<live::LiveLock>,
}

impl RecordingSession<'_> {
    /// The call's id.
    pub fn id(&self) -> CallId {
        self.call
    }

    /// How many utterances this session has committed.
    pub fn stored(&self) -> u32 {
        self.seq
    }

    /// Commits the next finalized utterance with its sealed findings; returns its number (from 1).
    pub fn add(&mut self, u: &Utterance, sealed: &[SealedFinding]) -> Result<u32, VaultError> {
        self.vault
            .add_utterance(self.call, self.seq + 1, u, sealed)?;
        self.seq += 1;
        Ok(self.seq)
    }

    /// Where this call's audio is spooled for its second pass.
    pub fn spool_path(&self) -> PathBuf {
        self.vault.spool_path(self.call)
    }

    /// Commits the next keypad entry (a second pass keeps it; it replaces only speech).
    pub fn add_keypad(
        &mut self,
        u: &Utterance,
        sealed: &[SealedFinding],
    ) -> Result<u32, VaultError> {
        self.vault
            .add_utterance_from(self.call, self.seq + 1, u, sealed, Origin::Keypad)?;
        self.seq += 1;
        Ok(self.seq)
    }

    /// Marks the call's second pass with `model` as pending (before [`RecordingSession::end`]:
    /// its summary then waits for it in the outbox).
    pub fn expect_second_pass(&mut self, model: &str) -> Result<(), VaultError> {
        self.vault.write(|tx| {
            tx.execute(
                "UPDATE calls SET second_pass = ?2, second_pass_state = 'pending' WHERE id = ?1",
                params![self.call, model],
            )?;
            Ok(())
        })
    }

    /// Records what the receiver lost of the call's audio (before [`RecordingSession::end`], so
    /// the call's summary has it).
    pub fn set_audio_gaps(&mut self, gaps: &earshot_core::AudioGaps) -> Result<(), VaultError> {
        let json = serde_json::to_string(gaps).unwrap_or_default();
        self.vault.write(|tx| {
            tx.execute(
                "UPDATE calls SET audio_gaps = ?1 WHERE id = ?2",
                params![json, self.call],
            )?;
            Ok(())
        })
    }

    /// Records what agent assist raised in the call (before [`RecordingSession::end`], so the
    /// call's summary has it): counts, ids and scores, never words.
    pub fn set_assist(&mut self, figures: &earshot_core::AssistFigures) -> Result<(), VaultError> {
        let json = serde_json::to_string(figures).unwrap_or_default();
        self.vault.write(|tx| {
            tx.execute(
                "UPDATE calls SET assist = ?1 WHERE id = ?2",
                params![json, self.call],
            )?;
            Ok(())
        })
    }

    /// Stores the agent's feedback on an article this call suggested with `score`.
    pub fn add_feedback(
        &mut self,
        article_id: &str,
        score: f64,
        useful: bool,
    ) -> Result<(), VaultError> {
        self.vault
            .add_feedback(self.call, article_id, score, useful)
    }

    /// Marks the call ended with its duration and sentiment trend; from then on it is no longer
    /// being recorded, and can be deleted.
    pub fn end(
        &mut self,
        duration_ms: u64,
        trend: &SentimentTrend,
        engine: &str,
    ) -> Result<(), VaultError> {
        self.vault.end_call(self.call, duration_ms, trend, engine)?;
        self.live = None;
        Ok(())
    }
}

/// The agents' feedback on one article, over every call.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArticleFeedback {
    /// The article.
    pub article_id: String,
    /// Times marked useful.
    pub useful: u32,
    /// Times marked not useful.
    pub not_useful: u32,
    /// Mean score of the suggestions marked useful (`None`: none was).
    pub useful_score: Option<f64>,
    /// Mean score of those marked not useful.
    pub not_useful_score: Option<f64>,
}

/// What [`Vault::search_calls`] looks for; every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallQuery {
    /// Text in the redacted transcript or the source, ignoring ASCII case.
    pub text: Option<String>,
    /// Started at or after (unix ms).
    pub from_ms: Option<i64>,
    /// Started before (unix ms).
    pub to_ms: Option<i64>,
}

/// The open store.
pub struct Vault {
    conn: Connection,
    path: PathBuf,
    allow_delete: bool,
    /// The outbox's size limit when a hub is configured; `None`: nothing is queued.
    outbox_limit: Option<u32>,
}

impl Vault {
    /// Opens (or creates) the store described by `config`, records key and configuration events
    /// in the audit log, and purges expired calls.
    pub fn open(config: &Config) -> Result<Vault, VaultError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            VaultError::DataDir(format!("cannot create {}: {e}", config.data_dir.display()))
        })?;
        // Every step of opening — making the key, keying, WAL, migrations, the opening audit
        // entries, the purge — is one critical section across threads and processes (the app,
        // the CLI, SIPREC calls and the sync worker share the data dir). The lock is released
        // when `_opening` drops, or by the OS when the process dies.
        let _opening = DataDirLock::acquire(&config.data_dir)?;
        sqlcipher_ready()?;
        probe_writable(&config.data_dir)?;
        let path = config.data_dir.join(DATABASE_FILE);
        let exists = path.exists();
        let key = key::load_or_create(config, exists)?;
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| VaultError::DataDir(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // SQLCipher would print its own complaints about a wrong key to stderr; the error we
        // return says it once.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.pragma_value()))?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => VaultError::Locked {
                path: path.display().to_string(),
            },
            _ => VaultError::Sqlite(e),
        })?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| VaultError::Journal(e.to_string()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(VaultError::Journal(format!(
                "SQLite kept journal mode {mode}"
            )));
        }
        // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only
        // an OS crash or power loss may lose the last ones.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = NORMAL;",
        )?;
        schema::migrations().to_latest(&mut conn)?;
        let vault = Vault {
            conn,
            path,
            allow_delete: config.allow_delete,
            outbox_limit: config.hub_url.as_ref().map(|_| config.outbox_limit),
        };
        let user = os_user();
        if key.origin == key::KeyOrigin::New {
            vault.audit(
                &user,
                "database_new_key",
                &format!("new database key in the {}", config.key_store.name()),
                "ok",
            )?;
            if config.key_store == KeyStore::File {
                vault.audit(
                    &user,
                    "key_file_fallback",
                    &format!("key file {}", config.data_dir.join(key::KEY_FILE).display()),
                    "ok",
                )?;
            }
        }
        let summary = config.audit_summary();
        let previous: Option<String> = vault
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'config'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if previous.as_deref() != Some(summary.as_str()) {
            let detail = match previous {
                Some(p) => format!("{p} -> {summary}"),
                None => format!("initial: {summary}"),
            };
            vault.audit(&user, "config_change", &detail, "ok")?;
            vault.conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('config', ?1)",
                [&summary],
            )?;
        }
        vault.purge(config.retention_days)?;
        vault.sweep_spools()?;
        // Inside a write transaction, where recorders take their locks.
        vault.write(|_| {
            live::sweep(&config.data_dir);
            Ok(())
        })?;
        Ok(vault)
    }

    /// The database file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    fn audit(
        &self,
        actor: &str,
        action: &str,
        detail: &str,
        outcome: &str,
    ) -> Result<(), VaultError> {
        self.write(|tx| audit::append(tx, actor, action, detail, outcome))
    }

    /// Runs `f` in an IMMEDIATE transaction: the write lock is taken before anything is read,
    /// so what `f` reads (the audit chain's head above all) is still the latest when it writes,
    /// whatever other processes do. A deferred transaction would read a snapshot that another
    /// process's commit can make stale before the write.
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Starts recording a call: utterances are numbered and committed one by one.
    /// Until the call ends (or the session drops), every process sees it as being recorded
    /// ([`CallRecord::recording`]) and none can delete or purge it.
    pub fn record(&mut self, call: &NewCall) -> Result<RecordingSession<'_>, VaultError> {
        let dir = self.data_dir().to_path_buf();
        // The lock is taken inside the transaction that creates the call: a deletion (which
        // looks at the lock inside its own write transaction) sees either no call or a held lock.
        let (id, lock) = self.write(|tx| {
            let id = begin_call(tx, call)?;
            Ok((id, live::LiveLock::take(&dir, id)?))
        })?;
        Ok(RecordingSession {
            vault: self,
            call: id,
            seq: 0,
            live: Some(lock),
        })
    }

    /// The data dir the database lives in.
    fn data_dir(&self) -> &std::path::Path {
        self.path.parent().unwrap_or(std::path::Path::new("."))
    }

    /// Fills in [`CallRecord::recording`] (only a call that has not ended can be).
    fn mark_recording(&self, call: &mut CallRecord) {
        call.recording = call.ended_at_ms.is_none()
            && live::state(self.data_dir(), call.id) == live::State::Recording;
    }

    /// Starts a call record. Its id is never given to another call, not even once this one is
    /// deleted or purged: audit entries, spool files and a second pass that finishes late name
    /// calls by id (SQLite alone gives the highest deleted rowid again).
    /// A call begun here is not [`CallRecord::recording`]: [`Vault::record`] is what a
    /// recorder uses.
    pub fn begin_call(&self, call: &NewCall) -> Result<CallId, VaultError> {
        self.write(|tx| begin_call(tx, call))
    }

    /// Stores one finalized utterance and its sealed findings in one transaction.
    pub fn add_utterance(
        &mut self,
        call: CallId,
        seq: u32,
        u: &Utterance,
        sealed: &[SealedFinding],
    ) -> Result<(), VaultError> {
        self.add_utterance_from(call, seq, u, sealed, Origin::Speech)
    }

    fn add_utterance_from(
        &mut self,
        call: CallId,
        seq: u32,
        u: &Utterance,
        sealed: &[SealedFinding],
        origin: Origin,
    ) -> Result<(), VaultError> {
        let tx = self.conn.transaction()?;
        insert_utterance(&tx, call, seq as i64, u, sealed, origin)?;
        tx.commit()?;
        Ok(())
    }

    /// Where the live call `call`'s audio is spooled for its second pass.
    pub fn spool_path(&self, call: CallId) -> PathBuf {
        self.spool_dir().join(format!("call-{call}.spool"))
    }

    fn spool_dir(&self) -> PathBuf {
        self.path
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("spool")
    }

    /// Whether `call`'s second pass is still to come: pending, and its spool held by a running
    /// process. A pending call whose spool nobody holds (its process died) is marked abandoned
    /// here, its file deleted: its summary is then sent with the live transcript.
    pub fn second_pass_pending(&self, call: CallId) -> Result<bool, VaultError> {
        let state: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT second_pass_state FROM calls WHERE id = ?1",
                [call],
                |r| r.get(0),
            )
            .optional()?;
        if state.flatten().as_deref() != Some("pending") {
            return Ok(false);
        }
        let spool = self.spool_path(call);
        if earshot_seal::spool::spool_in_use(&spool) {
            return Ok(true);
        }
        let _ = std::fs::remove_file(&spool);
        self.abandon_second_pass(call, "its process ended before it ran")?;
        Ok(false)
    }

    /// Gives up `call`'s second pass (the live transcript stays), audited with `reason`.
    pub fn abandon_second_pass(&self, call: CallId, reason: &str) -> Result<(), VaultError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE calls SET second_pass_state = 'abandoned' WHERE id = ?1 AND second_pass_state = 'pending'",
                [call],
            )?;
            if changed > 0 {
                audit::append(
                    tx,
                    &os_user(),
                    "second_pass",
                    &format!("call {call}: {reason}"),
                    "abandoned",
                )?;
            }
            Ok(())
        })
    }

    /// Replaces `call`'s speech utterances by its second pass's (`model`), with the call's new
    /// sentiment trend, in one transaction; keypad entries stay. Audited. Refused unless the
    /// call's second pass is pending (so an abandoned one never comes back).
    pub fn apply_second_pass(
        &mut self,
        call: CallId,
        model: &str,
        utterances: &[(Utterance, Vec<SealedFinding>)],
        trend: &SentimentTrend,
        engine: &str,
    ) -> Result<(), VaultError> {
        let trend = serde_json::to_string(trend).unwrap_or_default();
        let user = os_user();
        self.write(|tx| {
            let state: Option<Option<String>> = tx
                .query_row(
                    "SELECT second_pass_state FROM calls WHERE id = ?1",
                    [call],
                    |r| r.get(0),
                )
                .optional()?;
            match state {
                None => return Err(VaultError::NoSuchCall(call)),
                Some(Some(s)) if s == "pending" => {}
                Some(s) => {
                    return Err(VaultError::SecondPass(format!(
                        "call {call}'s second pass is {}, not pending",
                        s.as_deref().unwrap_or("not wanted")
                    )))
                }
            }
            let (live_model, replaced): (String, i64) = tx.query_row(
                "SELECT model, (SELECT count(*) FROM utterances WHERE call_id = ?1 AND origin = 'speech') FROM calls WHERE id = ?1",
                [call],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            tx.execute(
                "DELETE FROM utterances WHERE call_id = ?1 AND origin = 'speech'",
                [call],
            )?;
            // Keypad entries keep their rows (positive `seq`); the new speech rows go in below
            // zero, clear of them, and every row is numbered again in time order after.
            for (i, (u, sealed)) in utterances.iter().enumerate() {
                insert_utterance(tx, call, -(1_000_000 + i as i64), u, sealed, Origin::Speech)?;
            }
            number_in_time_order(tx, call)?;
            tx.execute(
                "UPDATE calls SET model = ?2, sentiment_trend = ?3, sentiment_engine = ?4, second_pass_state = 'done' WHERE id = ?1",
                params![call, model, trend, engine],
            )?;
            audit::append(
                tx,
                &user,
                "second_pass",
                &format!(
                    "call {call}: {} utterances by {model} replace {replaced} by {live_model}",
                    utterances.len()
                ),
                "ok",
            )?;
            Ok(())
        })
    }

    /// Deletes spools no running process holds (left by one killed mid-call: unreadable for
    /// good), giving up their calls' second passes.
    fn sweep_spools(&self) -> Result<(), VaultError> {
        let Ok(entries) = std::fs::read_dir(self.spool_dir()) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if earshot_seal::spool::spool_in_use(&path) {
                continue;
            }
            // Only spools live here: whatever nobody holds goes.
            let _ = std::fs::remove_file(&path);
            let call = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("call-")?.strip_suffix(".spool"))
                .and_then(|id| id.parse::<CallId>().ok());
            if let Some(call) = call {
                self.abandon_second_pass(call, "its process ended before it ran")?;
            }
        }
        Ok(())
    }

    /// Closes a call record and, when a hub is configured, queues its summary for sync in the
    /// same transaction.
    pub fn end_call(
        &self,
        call: CallId,
        duration_ms: u64,
        trend: &SentimentTrend,
        engine: &str,
    ) -> Result<(), VaultError> {
        let trend = serde_json::to_string(trend).unwrap_or_default();
        self.write(|tx| {
            let ended: Option<Option<i64>> = tx
                .query_row("SELECT ended_at_ms FROM calls WHERE id = ?1", [call], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(ended) = ended else {
                return Err(VaultError::NoSuchCall(call));
            };
            tx.execute(
                "UPDATE calls SET ended_at_ms = ?2, duration_ms = ?3, sentiment_trend = ?4, sentiment_engine = ?5 WHERE id = ?1",
                params![call, now_ms(), duration_ms as i64, trend, engine],
            )?;
            // Keypad entries are stored when their keying ends, after speech heard later.
            let keyed: i64 = tx.query_row(
                "SELECT count(*) FROM utterances WHERE call_id = ?1 AND origin = 'keypad'",
                [call],
                |r| r.get(0),
            )?;
            if keyed > 0 {
                number_in_time_order(tx, call)?;
            }
            // A call is queued once, when it first ends.
            if let (None, Some(limit)) = (ended, self.outbox_limit) {
                outbox::enqueue(tx, call, limit)?;
            }
            Ok(())
        })
    }

    /// Every call, newest first.
    pub fn list_calls(&self) -> Result<Vec<CallRecord>, VaultError> {
        let mut stmt = self.conn.prepare(&format!(
            "{CALL_COLUMNS} ORDER BY c.started_at_ms DESC, c.id DESC"
        ))?;
        let rows = stmt.query_map([], call_record)?;
        let mut calls: Vec<CallRecord> = rows.collect::<Result<_, _>>()?;
        calls.iter_mut().for_each(|c| self.mark_recording(c));
        Ok(calls)
    }

    /// Calls matching `query`, newest first. Only redacted text is stored, so a sealed value can
    /// never be found by typing it.
    pub fn search_calls(&self, query: &CallQuery) -> Result<Vec<CallRecord>, VaultError> {
        let pattern = query.text.as_deref().map(|t| {
            let escaped: String = t
                .trim()
                .chars()
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            format!("%{escaped}%")
        });
        let mut stmt = self.conn.prepare(&format!(
            "{CALL_COLUMNS}
             WHERE (?1 IS NULL OR c.started_at_ms >= ?1)
               AND (?2 IS NULL OR c.started_at_ms < ?2)
               AND (?3 IS NULL OR c.source LIKE ?3 ESCAPE '\\'
                    OR EXISTS (SELECT 1 FROM utterances u WHERE u.call_id = c.id AND u.text LIKE ?3 ESCAPE '\\'))
             ORDER BY c.started_at_ms DESC, c.id DESC"
        ))?;
        let rows = stmt.query_map(params![query.from_ms, query.to_ms, pattern], call_record)?;
        let mut calls: Vec<CallRecord> = rows.collect::<Result<_, _>>()?;
        calls.iter_mut().for_each(|c| self.mark_recording(c));
        Ok(calls)
    }

    /// Deletes one call with everything linked to it (its sealed values too), then checkpoints
    /// so nothing lingers in the WAL; `secure_delete` zeroes the freed pages. The deletion, or
    /// the refusal when the policy does not allow agents to delete calls or when a running
    /// process is still recording the call ([`VaultError::Recording`]), is audited.
    pub fn delete_call(&self, id: CallId) -> Result<(), VaultError> {
        let user = os_user();
        if !self.allow_delete {
            self.audit(
                &user,
                "delete_call",
                &format!("call {id}"),
                "refused by policy",
            )?;
            return Err(VaultError::NotAllowed(
                "your organisation keeps calls until their retention ends: deleting is turned off"
                    .into(),
            ));
        }
        let dir = self.data_dir().to_path_buf();
        let deleted = self.write(|tx| {
            // Looked at inside the write transaction, where a recorder takes its lock.
            if live::state(&dir, id) == live::State::Recording {
                audit::append(
                    tx,
                    &user,
                    "delete_call",
                    &format!("call {id}"),
                    "refused: being recorded",
                )?;
                return Ok(false);
            }
            let utterances: i64 = tx.query_row(
                "SELECT count(*) FROM utterances WHERE call_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let n = tx.execute("DELETE FROM calls WHERE id = ?1", [id])?;
            if n == 0 {
                return Err(VaultError::NoSuchCall(id));
            }
            audit::append(
                tx,
                &user,
                "delete_call",
                &format!("call {id} ({utterances} utterances)"),
                "ok",
            )?;
            Ok(true)
        })?;
        if !deleted {
            return Err(VaultError::Recording(id));
        }
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// One call with its (redacted) utterances.
    pub fn call(&self, id: CallId) -> Result<CallDetail, VaultError> {
        let mut call = self
            .conn
            .query_row(
                &format!("{CALL_COLUMNS} WHERE c.id = ?1"),
                [id],
                call_record,
            )
            .optional()?
            .ok_or(VaultError::NoSuchCall(id))?;
        let mut stmt = self.conn.prepare(
            "SELECT u.id, u.seq, u.speaker, u.start_ms, u.end_ms, u.text, u.sentiment_label, u.sentiment_score
             FROM utterances u WHERE u.call_id = ?1 ORDER BY u.seq",
        )?;
        let mut fstmt = self.conn.prepare(
            "SELECT kind, span_start, span_end, sealed IS NOT NULL FROM findings WHERE utterance_id = ?1 ORDER BY tag_start",
        )?;
        let rows: Vec<(i64, StoredUtterance)> = stmt
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    StoredUtterance {
                        seq: r.get(1)?,
                        speaker: r.get(2)?,
                        start_ms: r.get(3)?,
                        end_ms: r.get(4)?,
                        text: r.get(5)?,
                        sentiment_label: r.get(6)?,
                        sentiment_score: r.get(7)?,
                        findings: Vec::new(),
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut utterances = Vec::with_capacity(rows.len());
        for (uid, mut u) in rows {
            u.findings = fstmt
                .query_map([uid], |r| {
                    Ok(StoredFinding {
                        kind: r.get(0)?,
                        start: r.get(1)?,
                        end: r.get(2)?,
                        sealed: r.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            utterances.push(u);
        }
        self.mark_recording(&mut call);
        Ok(CallDetail { call, utterances })
    }

    /// Restores sealed values of a call (or one utterance) with an operator's identity.
    ///
    /// The attempt is appended to the audit log (who: OS user + the identity's recipient; what;
    /// when; outcome) before anything is returned, whether it succeeds or not.
    pub fn reveal(
        &mut self,
        id: CallId,
        utterance: Option<u32>,
        identity: &OperatorIdentity,
    ) -> Result<Vec<RevealedUtterance>, VaultError> {
        let actor = format!("{} via {}", os_user(), identity.recipient());
        let what = match utterance {
            Some(n) => format!("call {id} utterance {n}"),
            None => format!("call {id}"),
        };
        let result = self.reveal_values(id, utterance, identity);
        let outcome = match &result {
            Ok(list) => format!("ok: {} values", list.iter().map(|(_, n)| n).sum::<usize>()),
            Err(e) => format!("denied: {e}"),
        };
        self.audit(&actor, "reveal", &what, &outcome)?;
        result.map(|list| list.into_iter().map(|(u, _)| u).collect())
    }

    fn reveal_values(
        &self,
        id: CallId,
        utterance: Option<u32>,
        identity: &OperatorIdentity,
    ) -> Result<Vec<(RevealedUtterance, usize)>, VaultError> {
        let detail = self.call(id)?;
        if let Some(n) = utterance {
            if !detail.utterances.iter().any(|u| u.seq == n) {
                return Err(VaultError::NoSuchUtterance {
                    call: id,
                    utterance: n,
                });
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT f.tag_start, f.kind, f.sealed FROM findings f JOIN utterances u ON u.id = f.utterance_id
             WHERE u.call_id = ?1 AND u.seq = ?2 ORDER BY f.tag_start DESC",
        )?;
        let mut out = Vec::new();
        for u in detail
            .utterances
            .into_iter()
            .filter(|u| utterance.is_none_or(|n| n == u.seq))
        {
            let mut chars: Vec<char> = u.text.chars().collect();
            let mut unsealed = 0;
            let mut restored = 0;
            let rows: Vec<(i64, String, Option<Vec<u8>>)> = stmt
                .query_map(params![id, u.seq], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<Result<_, _>>()?;
            for (tag_start, kind, sealed) in rows {
                let Some(sealed) = sealed else {
                    unsealed += 1;
                    continue;
                };
                let value = identity.unseal(&sealed)?;
                let start = tag_start as usize;
                let end = start + kind.chars().count() + 2;
                if end <= chars.len() {
                    chars.splice(start..end, value.original.chars());
                    restored += 1;
                }
            }
            out.push((
                RevealedUtterance {
                    seq: u.seq,
                    speaker: u.speaker,
                    start_ms: u.start_ms,
                    text: chars.into_iter().collect(),
                    unsealed,
                },
                restored,
            ));
        }
        Ok(out)
    }

    /// Deletes calls older than `retention_days` (but none a running process is still
    /// recording) with everything linked to them, then checkpoints
    /// and vacuums so nothing lingers in free pages. Returns how many calls went.
    pub fn purge(&self, retention_days: u32) -> Result<usize, VaultError> {
        let cutoff = now_ms() - retention_days as i64 * 86_400_000;
        let dir = self.data_dir().to_path_buf();
        let n = self.write(|tx| {
            // A call still being recorded is kept, however long ago it started.
            let recording: Vec<String> = {
                let mut stmt = tx.prepare(
                    "SELECT id FROM calls WHERE ended_at_ms IS NULL AND started_at_ms < ?1",
                )?;
                let ids = stmt.query_map([cutoff], |r| r.get::<_, CallId>(0))?;
                ids.collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter(|&id| live::state(&dir, id) == live::State::Recording)
                    .map(|id| id.to_string())
                    .collect()
            };
            let n = tx.execute(
                &format!(
                    "DELETE FROM calls WHERE COALESCE(ended_at_ms, started_at_ms) < ?1 AND id NOT IN ({})",
                    recording.join(",")
                ),
                [cutoff],
            )?;
            if n > 0 {
                audit::append(
                    tx,
                    &os_user(),
                    "purge",
                    &format!("{n} calls older than {retention_days} days"),
                    "ok",
                )?;
            }
            Ok(n)
        })?;
        if n > 0 {
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            self.conn.execute_batch("VACUUM;")?;
        }
        Ok(n)
    }

    /// Checks the audit chain.
    pub fn verify_audit(&self) -> Result<AuditVerdict, VaultError> {
        audit::verify(&self.conn)
    }

    /// The audit log, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>, VaultError> {
        audit::entries(&self.conn)
    }

    /// Stores the agent's feedback on an article that `call` suggested with `score` (a mark made
    /// after the call ended; during the call, [`RecordingSession::add_feedback`]).
    pub fn add_feedback(
        &mut self,
        call: CallId,
        article_id: &str,
        score: f64,
        useful: bool,
    ) -> Result<(), VaultError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO suggestion_feedback (call_id, article_id, score, useful, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![call, article_id, score, useful, now_ms()],
            )?;
            Ok(())
        })
    }

    /// The agents' feedback per article, most marked first.
    pub fn feedback(&self) -> Result<Vec<ArticleFeedback>, VaultError> {
        let mut stmt = self.conn.prepare(
            "SELECT article_id, sum(useful), sum(1 - useful),
                    avg(CASE WHEN useful THEN score END), avg(CASE WHEN useful THEN NULL ELSE score END)
             FROM suggestion_feedback GROUP BY article_id ORDER BY count(*) DESC, article_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ArticleFeedback {
                article_id: r.get(0)?,
                useful: r.get(1)?,
                not_useful: r.get(2)?,
                useful_score: r.get(3)?,
                not_useful_score: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The knowledge base's kept chunk vectors, by key.
    pub fn knowledge_vectors(
        &self,
    ) -> Result<std::collections::HashMap<String, Vec<f32>>, VaultError> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, vector FROM knowledge_vectors")?;
        let rows = stmt.query_map([], |r| {
            let bytes: Vec<u8> = r.get(1)?;
            Ok((
                r.get::<_, String>(0)?,
                bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps the vectors of the knowledge base just indexed: `computed` are added, and every
    /// kept vector whose key is not in `in_use` goes (an article removed or edited).
    pub fn keep_knowledge_vectors(
        &mut self,
        computed: &[(String, Vec<f32>)],
        in_use: &[String],
    ) -> Result<(), VaultError> {
        self.write(|tx| {
            {
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO knowledge_vectors (key, vector) VALUES (?1, ?2)",
                )?;
                for (key, v) in computed {
                    let bytes: Vec<u8> = v.iter().flat_map(|f| f.to_le_bytes()).collect();
                    put.execute(params![key, bytes])?;
                }
            }
            tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS kv_in_use (key TEXT PRIMARY KEY); DELETE FROM kv_in_use;")?;
            {
                let mut mark =
                    tx.prepare_cached("INSERT OR IGNORE INTO kv_in_use (key) VALUES (?1)")?;
                for key in in_use {
                    mark.execute([key])?;
                }
            }
            tx.execute(
                "DELETE FROM knowledge_vectors WHERE key NOT IN (SELECT key FROM kv_in_use)",
                [],
            )?;
            tx.execute("DELETE FROM kv_in_use", [])?;
            Ok(())
        })
    }

    /// SQLite's `PRAGMA integrity_check` ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String, VaultError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// The columns [`call_record`] reads, from `calls c`.
/// Where an utterance came from: speech (a second pass replaces it) or the keypad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Speech,
    Keypad,
}

/// Numbers a call's rows `1..` again in the order they were said (start, then the order
/// stored).
fn number_in_time_order(tx: &rusqlite::Transaction<'_>, call: CallId) -> rusqlite::Result<()> {
    // Out of the way first: `(call_id, seq)` is unique.
    tx.execute(
        "UPDATE utterances SET seq = -(seq + 2000000000) WHERE call_id = ?1",
        [call],
    )?;
    let ids: Vec<i64> = {
        let mut stmt =
            tx.prepare("SELECT id FROM utterances WHERE call_id = ?1 ORDER BY start_ms, id")?;
        let rows = stmt.query_map([call], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for (i, id) in ids.iter().enumerate() {
        tx.execute(
            "UPDATE utterances SET seq = ?2 WHERE id = ?1",
            params![id, i as i64 + 1],
        )?;
    }
    Ok(())
}

fn insert_utterance(
    tx: &rusqlite::Transaction<'_>,
    call: CallId,
    seq: i64,
    u: &Utterance,
    sealed: &[SealedFinding],
    origin: Origin,
) -> Result<(), VaultError> {
    tx.execute(
        "INSERT INTO utterances (call_id, seq, speaker, start_ms, end_ms, text, sentiment_label, sentiment_score, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            call,
            seq,
            u.speaker.to_string(),
            u.start_ms as i64,
            u.end_ms as i64,
            u.text,
            u.sentiment.label.short(),
            u.sentiment.score as f64,
            match origin {
                Origin::Speech => "speech",
                Origin::Keypad => "keypad",
            }
        ],
    )?;
    let utterance_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO findings (utterance_id, kind, span_start, span_end, tag_start, confidence, sealed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for f in sealed {
        stmt.execute(params![
            utterance_id,
            f.span.kind.tag(),
            f.span.start as i64,
            f.span.end as i64,
            f.tag_start as i64,
            f.confidence as f64,
            f.sealed
        ])?;
    }
    Ok(())
}

/// Creates a call record in `tx` with an id never given before (see [`Vault::begin_call`]).
fn begin_call(tx: &rusqlite::Transaction<'_>, call: &NewCall) -> Result<CallId, VaultError> {
    let id: CallId = tx.query_row(
        "SELECT max(coalesce((SELECT max(id) FROM calls), 0),
                    coalesce((SELECT CAST(value AS INTEGER) FROM settings
                              WHERE key = 'last_call_id'), 0)) + 1",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO calls (id, source, started_at_ms, agent, direction, model) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, call.source, now_ms(), call.agent, call.direction, call.model],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('last_call_id', ?1)",
        [id.to_string()],
    )?;
    Ok(id)
}

const CALL_COLUMNS: &str = "SELECT c.id, c.source, c.started_at_ms, c.ended_at_ms, c.agent, c.direction, c.model, c.duration_ms,
        c.sentiment_engine, c.sentiment_trend, (SELECT count(*) FROM utterances u WHERE u.call_id = c.id),
        c.audio_gaps, c.assist, c.second_pass, c.second_pass_state
     FROM calls c";

fn call_record(r: &rusqlite::Row) -> rusqlite::Result<CallRecord> {
    let trend: Option<String> = r.get(9)?;
    Ok(CallRecord {
        id: r.get(0)?,
        source: r.get(1)?,
        started_at_ms: r.get(2)?,
        ended_at_ms: r.get(3)?,
        agent: r.get(4)?,
        direction: r.get(5)?,
        model: r.get(6)?,
        duration_ms: r.get(7)?,
        sentiment_engine: r.get(8)?,
        sentiment_trend: trend.and_then(|t| serde_json::from_str(&t).ok()),
        utterances: r.get(10)?,
        audio_gaps: r
            .get::<_, Option<String>>(11)?
            .and_then(|g| serde_json::from_str(&g).ok()),
        assist: r
            .get::<_, Option<String>>(12)?
            .and_then(|a| serde_json::from_str(&a).ok()),
        second_pass: r.get(13)?,
        second_pass_state: r.get(14)?,
        recording: false,
    })
}

/// Waits until SQLCipher can key a connection, once per process.
///
/// SQLite marks itself initialised before it runs SQLCipher's own set-up, so a thread opening
/// its first connection while another thread's first open is still inside that set-up finds the
/// codec not ready: `PRAGMA key` fails ("An error occurred with PRAGMA key or rekey"). A few per
/// cent of processes whose first opens race hit it (`tests/first_open.rs`). Keying an in-memory
/// database until it works, before any vault is keyed, closes that window for every thread.
fn sqlcipher_ready() -> Result<(), VaultError> {
    static READY: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    READY
        .get_or_init(|| {
            let mut last = String::new();
            // The set-up takes well under a millisecond; a second is generous.
            for _ in 0..1000 {
                let attempt = Connection::open_in_memory().and_then(|c| {
                    c.execute_batch("PRAGMA cipher_log_level = NONE; PRAGMA key = 'ready';")
                });
                match attempt {
                    Ok(()) => return Ok(()),
                    Err(e) => last = e.to_string(),
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(last)
        })
        .clone()
        .map_err(|e| VaultError::Key(format!("SQLCipher cannot key a database: {e}")))
}

/// How long a statement waits for another connection's write lock before it reports busy.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// File in the data dir whose exclusive lock guards opening the vault.
pub const LOCK_FILE: &str = "earshot.lock";

/// An exclusive lock on the data dir's lock file (`flock` on Unix, `LockFileEx` on Windows). Two
/// handles exclude each other even within one process, so it serialises threads as well.
struct DataDirLock(std::fs::File);

impl DataDirLock {
    fn acquire(dir: &std::path::Path) -> Result<DataDirLock, VaultError> {
        let path = dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| VaultError::DataDir(format!("cannot open {}: {e}", path.display())))?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(DataDirLock(file)),
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(VaultError::Busy(dir.display().to_string()))
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(VaultError::DataDir(format!(
                        "cannot lock {}: {e}",
                        path.display()
                    )))
                }
            }
        }
    }
}

impl Drop for DataDirLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn probe_writable(dir: &std::path::Path) -> Result<(), VaultError> {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| VaultError::DataDir(format!("{} is not writable: {e}", dir.display())))
}
