//! The sync outbox and the device's sync state.
//!
//! A row is queued in the same transaction that ends a call (see `Vault::end_call`), so a call
//! that is stored is a call that will be sent, whatever happens to the process afterwards. The
//! sync worker builds the summary into `body`, uploads it keyed by `summary_id` (the hub ignores
//! a repeat), and removes the row once the hub has acknowledged it.

use crate::{audit, now_ms, os_user, CallId, Vault, VaultError};
use rusqlite::{params, OptionalExtension, Transaction};

/// One queued summary.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// The summary's id: random, fixed when the call ended, the upload's idempotency key.
    pub summary_id: String,
    /// The call it summarises (None once the call was purged).
    pub call_id: Option<CallId>,
    /// When it was queued (unix ms).
    pub queued_at_ms: i64,
    /// The shareable summary (JSON), once built.
    pub body: Option<String>,
    /// Failed uploads so far.
    pub attempts: u32,
}

/// What the app's status bar and the hub are told about syncing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncState {
    /// Summaries waiting.
    pub queued: u64,
    /// Summaries never queued because the outbox was full.
    pub dropped: u64,
    /// The last acknowledged upload (unix ms).
    pub last_success_ms: Option<i64>,
    /// The last error, in plain words (cleared by a success).
    pub last_error: Option<String>,
}

const DROPPED: &str = "outbox_dropped";
const LAST_SUCCESS: &str = "sync_last_success_ms";
const LAST_ERROR: &str = "sync_last_error";

/// Queues the ended call `call` unless the outbox holds `limit` rows already (the oldest are
/// kept; the refusal is counted and audited). Runs inside the call-end transaction.
pub(crate) fn enqueue(tx: &Transaction<'_>, call: CallId, limit: u32) -> Result<(), VaultError> {
    let queued: i64 = tx.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
    if queued >= limit as i64 {
        let dropped = get_setting(tx, DROPPED)?
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        set_setting(tx, DROPPED, &(dropped + 1).to_string())?;
        tracing::warn!(
            call,
            limit,
            "the sync outbox is full; this call's summary is not queued"
        );
        return audit::append(
            tx,
            &os_user(),
            "outbox_full",
            &format!("call {call}: outbox holds {queued} summaries (limit {limit})"),
            "not queued",
        );
    }
    tx.execute(
        "INSERT INTO outbox (summary_id, call_id, queued_at_ms) VALUES (?1, ?2, ?3)",
        params![hex::encode(rand::random::<[u8; 16]>()), call, now_ms()],
    )?;
    Ok(())
}

fn get_setting(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>, VaultError> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_setting(conn: &rusqlite::Connection, key: &str, value: &str) -> Result<(), VaultError> {
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
        params![key, value],
    )?;
    Ok(())
}

impl Vault {
    /// Up to `max` queued summaries whose next attempt is due, oldest first.
    pub fn outbox_due(&self, max: usize) -> Result<Vec<OutboxEntry>, VaultError> {
        let mut stmt = self.conn.prepare(
            "SELECT summary_id, call_id, queued_at_ms, body, attempts FROM outbox
             WHERE next_attempt_ms <= ?1 ORDER BY queued_at_ms, rowid LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now_ms(), max as i64], |r| {
            Ok(OutboxEntry {
                summary_id: r.get(0)?,
                call_id: r.get(1)?,
                queued_at_ms: r.get(2)?,
                body: r.get(3)?,
                attempts: r.get(4)?,
            })
        })?;
        let due: Vec<OutboxEntry> = rows.collect::<Result<_, _>>()?;
        // A summary not yet built waits for its call's second pass (the better transcript is
        // the one shared); one already built is sent as built.
        let mut ready = Vec::with_capacity(due.len());
        for entry in due {
            let waits = match (entry.body.is_none(), entry.call_id) {
                (true, Some(call)) => self.second_pass_pending(call)?,
                _ => false,
            };
            if !waits {
                ready.push(entry);
            }
        }
        Ok(ready)
    }

    /// Stores the built summary of a queued entry (it is sent as is from then on, even after a
    /// restart, so a retry sends the very same bytes).
    pub fn outbox_set_body(&self, summary_id: &str, body: &str) -> Result<(), VaultError> {
        self.conn.execute(
            "UPDATE outbox SET body = ?2 WHERE summary_id = ?1 AND body IS NULL",
            params![summary_id, body],
        )?;
        Ok(())
    }

    /// The hub acknowledged `summary_id`: the row goes and the success is recorded.
    pub fn outbox_sent(&self, summary_id: &str) -> Result<(), VaultError> {
        self.write(|tx| {
            tx.execute("DELETE FROM outbox WHERE summary_id = ?1", [summary_id])?;
            set_setting(tx, LAST_SUCCESS, &now_ms().to_string())?;
            tx.execute("DELETE FROM settings WHERE key = ?1", [LAST_ERROR])?;
            Ok(())
        })
    }

    /// An upload of `summary_id` failed: try again no sooner than `retry_in_ms` from now.
    pub fn outbox_failed(
        &self,
        summary_id: &str,
        error: &str,
        retry_in_ms: u64,
    ) -> Result<(), VaultError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?2, last_error = ?3 WHERE summary_id = ?1",
                params![summary_id, now_ms() + retry_in_ms as i64, error],
            )?;
            set_setting(tx, LAST_ERROR, error)
        })
    }

    /// Removes a queued entry that can never be sent (its call was purged before its summary
    /// was built, or the hub refused it for good), with an audit entry saying why.
    pub fn outbox_discard(&self, summary_id: &str, why: &str) -> Result<(), VaultError> {
        self.write(|tx| {
            tx.execute("DELETE FROM outbox WHERE summary_id = ?1", [summary_id])?;
            audit::append(
                tx,
                &os_user(),
                "outbox_discard",
                &format!("summary {summary_id}: {why}"),
                "discarded",
            )
        })
    }

    /// Records a sync error that is not about one summary (enrollment, the hub unreachable).
    pub fn set_sync_error(&self, error: &str) -> Result<(), VaultError> {
        self.write(|tx| set_setting(tx, LAST_ERROR, error))
    }

    /// Queue length, drops, last success and last error.
    pub fn sync_state(&self) -> Result<SyncState, VaultError> {
        let queued: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(SyncState {
            queued: queued as u64,
            dropped: get_setting(&self.conn, DROPPED)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            last_success_ms: get_setting(&self.conn, LAST_SUCCESS)?.and_then(|v| v.parse().ok()),
            last_error: get_setting(&self.conn, LAST_ERROR)?,
        })
    }

    /// A device setting kept in the vault (enrollment state, the hub's last checkpoint). Never
    /// a private key: those live in the key store (see `earshot_vault::secret`).
    pub fn setting(&self, key: &str) -> Result<Option<String>, VaultError> {
        get_setting(&self.conn, key)
    }

    /// Sets a device setting (see [`Vault::setting`]), with an audit entry naming the key.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), VaultError> {
        self.write(|tx| {
            set_setting(tx, key, value)?;
            audit::append(tx, &os_user(), "setting", key, "ok")
        })
    }

    /// The audit chain's head: entries and the last entry's hash (the genesis hash when empty).
    /// It travels with every sync so the hub can tell if this log is later cut short.
    pub fn audit_head(&self) -> Result<(i64, String), VaultError> {
        audit::head(&self.conn)
    }
}
