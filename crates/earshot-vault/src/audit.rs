//! The append-only, hash-chained audit log.
//!
//! Each entry stores the SHA-256 of the previous entry and its own hash over its fields and that
//! link, so editing, deleting or reordering an entry breaks the chain at that entry. Triggers also
//! refuse UPDATE and DELETE on the table (an attacker with the key can drop them; the chain still
//! tells).

use crate::VaultError;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an audit entry records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub id: i64,
    /// Unix time in milliseconds.
    pub at_ms: i64,
    /// Who: OS user, plus the identity's recipient for reveals.
    pub actor: String,
    /// What: `reveal`, `purge`, `delete_call`, `key_file_fallback`, `config_change`,
    /// `database_new_key`.
    pub action: String,
    /// Details (never a sensitive value).
    pub detail: String,
    /// `ok` or why it failed.
    pub outcome: String,
}

/// Result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    /// Every entry links to the one before and hashes to what it says.
    Intact {
        /// Number of entries.
        entries: i64,
    },
    /// The first entry that does not check out.
    Broken {
        /// Its id (or the id expected where an entry is missing).
        entry: i64,
        /// What is wrong.
        reason: String,
    },
}

fn entry_hash(e: &AuditEntry, prev: &str) -> String {
    let mut h = Sha256::new();
    for field in [
        e.id.to_string(),
        e.at_ms.to_string(),
        e.actor.clone(),
        e.action.clone(),
        e.detail.clone(),
        e.outcome.clone(),
        prev.to_string(),
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry. Call it inside an IMMEDIATE transaction (`Vault::write`): the head it reads
/// must still be the head when it writes, or two processes would both write entry N.
pub(crate) fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    detail: &str,
    outcome: &str,
) -> Result<(), VaultError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (last_id, prev) = last.unwrap_or((0, GENESIS.to_string()));
    let entry = AuditEntry {
        id: last_id + 1,
        at_ms: crate::now_ms(),
        actor: actor.to_string(),
        action: action.to_string(),
        detail: detail.to_string(),
        outcome: outcome.to_string(),
    };
    let hash = entry_hash(&entry, &prev);
    conn.execute(
        "INSERT INTO audit_log (id, at_ms, actor, action, detail, outcome, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![entry.id, entry.at_ms, entry.actor, entry.action, entry.detail, entry.outcome, prev, hash],
    )?;
    Ok(())
}

/// The number of entries and the last one's hash.
pub(crate) fn head(conn: &Connection) -> Result<(i64, String), VaultError> {
    Ok(conn
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// Walks the chain from the first entry and names the first one that does not check out.
pub(crate) fn verify(conn: &Connection) -> Result<AuditVerdict, VaultError> {
    let mut stmt = conn.prepare("SELECT id, at_ms, actor, action, detail, outcome, prev_hash, hash FROM audit_log ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            entry_from_row(r)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut prev = GENESIS.to_string();
    let mut expected_id = 1;
    for row in rows {
        let (entry, prev_hash, hash) = row?;
        if entry.id != expected_id {
            return Ok(AuditVerdict::Broken {
                entry: expected_id,
                reason: format!("entry {expected_id} is missing (next is {})", entry.id),
            });
        }
        if prev_hash != prev {
            return Ok(AuditVerdict::Broken {
                entry: entry.id,
                reason: "does not link to the entry before it (deleted or reordered)".into(),
            });
        }
        if entry_hash(&entry, &prev) != hash {
            return Ok(AuditVerdict::Broken {
                entry: entry.id,
                reason: "its contents were changed after it was written".into(),
            });
        }
        prev = hash;
        expected_id += 1;
    }
    Ok(AuditVerdict::Intact {
        entries: expected_id - 1,
    })
}

/// All entries, oldest first.
pub(crate) fn entries(conn: &Connection) -> Result<Vec<AuditEntry>, VaultError> {
    let mut stmt = conn
        .prepare("SELECT id, at_ms, actor, action, detail, outcome FROM audit_log ORDER BY id")?;
    let rows = stmt.query_map([], entry_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An entry from the first six columns of an `audit_log` row.
fn entry_from_row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        detail: r.get(4)?,
        outcome: r.get(5)?,
    })
}
