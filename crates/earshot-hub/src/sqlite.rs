//! The embedded backend: one SQLite file (WAL), for a hub on one machine with nothing else
//! installed.

use crate::audit::GENESIS;
use crate::store::*;
use crate::HubError;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::Mutex;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    teams      TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS enrollment_tokens (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    team          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_at_ms    INTEGER,
    revoked_at_ms INTEGER
);
CREATE TABLE IF NOT EXISTS devices (
    id             TEXT PRIMARY KEY,
    agent          TEXT NOT NULL,
    team           TEXT NOT NULL,
    hostname       TEXT NOT NULL,
    fingerprint    TEXT NOT NULL UNIQUE,
    enrolled_at_ms INTEGER NOT NULL,
    last_seen_ms   INTEGER,
    outbox_len     INTEGER,
    audit_size     INTEGER,
    audit_head     TEXT,
    revoked_at_ms  INTEGER
);
CREATE TABLE IF NOT EXISTS summaries (
    summary_id       TEXT PRIMARY KEY,
    device_id        TEXT NOT NULL,
    agent            TEXT NOT NULL,
    team             TEXT NOT NULL,
    started_at_ms    INTEGER NOT NULL,
    duration_ms      INTEGER NOT NULL,
    received_at_ms   INTEGER NOT NULL,
    caller_sentiment REAL,
    caller_trend     TEXT NOT NULL,
    findings         INTEGER NOT NULL,
    body             TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS summaries_started ON summaries(started_at_ms DESC, summary_id DESC);
CREATE INDEX IF NOT EXISTS summaries_team_started ON summaries(team, started_at_ms DESC, summary_id DESC);
CREATE INDEX IF NOT EXISTS summaries_agent_started ON summaries(agent, started_at_ms DESC, summary_id DESC);
CREATE INDEX IF NOT EXISTS summaries_received ON summaries(received_at_ms);
CREATE TABLE IF NOT EXISTS heartbeats (
    device_id    TEXT PRIMARY KEY,
    agent        TEXT NOT NULL,
    team         TEXT NOT NULL,
    at_ms        INTEGER NOT NULL,
    on_call      INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    caller_trend TEXT,
    alerts       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    id        INTEGER PRIMARY KEY,
    at_ms     INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    source    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS checkpoints (
    size  INTEGER PRIMARY KEY,
    head  TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    note  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_logins (
    name            TEXT PRIMARY KEY,
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT,
    totp_confirmed  INTEGER NOT NULL,
    totp_last_step  INTEGER NOT NULL,
    failures        INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL,
    recovery        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS web_sessions (
    id_hash    TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    pending    INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    seen_ms    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions(user_name);
"#;

/// The SQLite store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn db(e: rusqlite::Error) -> HubError {
    HubError::Store(e.to_string())
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> Self {
        db(e)
    }
}

fn teams_text(teams: &[String]) -> String {
    teams.join("\n")
}

fn teams_of(text: String) -> Vec<String> {
    text.split('\n')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// Recovery code hashes as stored (comma-separated).
fn codes_of(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<(String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn user_of((name, role, teams): (String, String, String)) -> Result<User, HubError> {
    Ok(User {
        name,
        role: Role::parse(&role)?,
        teams: teams_of(teams),
    })
}

const DEVICE_COLUMNS: &str = "id, agent, team, hostname, fingerprint, enrolled_at_ms, last_seen_ms, outbox_len, audit_size, audit_head, revoked_at_ms";

fn device_row(r: &rusqlite::Row) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        agent: r.get(1)?,
        team: r.get(2)?,
        hostname: r.get(3)?,
        fingerprint: r.get(4)?,
        enrolled_at_ms: r.get(5)?,
        last_seen_ms: r.get(6)?,
        outbox_len: r.get(7)?,
        audit_size: r.get(8)?,
        audit_head: r.get(9)?,
        revoked_at_ms: r.get(10)?,
    })
}

const TOKEN_COLUMNS: &str =
    "id, team, created_by, created_at_ms, expires_at_ms, used_at_ms, revoked_at_ms";

fn token_row(r: &rusqlite::Row) -> rusqlite::Result<EnrollmentToken> {
    Ok(EnrollmentToken {
        id: r.get(0)?,
        team: r.get(1)?,
        created_by: r.get(2)?,
        created_at_ms: r.get(3)?,
        expires_at_ms: r.get(4)?,
        used_at_ms: r.get(5)?,
        revoked_at_ms: r.get(6)?,
    })
}

const SUMMARY_COLUMNS: &str = "summary_id, device_id, agent, team, started_at_ms, duration_ms, received_at_ms, caller_sentiment, caller_trend, findings, body";

fn summary_row(r: &rusqlite::Row) -> rusqlite::Result<StoredSummary> {
    Ok(StoredSummary {
        summary_id: r.get(0)?,
        device_id: r.get(1)?,
        agent: r.get(2)?,
        team: r.get(3)?,
        started_at_ms: r.get(4)?,
        duration_ms: r.get(5)?,
        received_at_ms: r.get(6)?,
        caller_sentiment: r.get(7)?,
        caller_trend: r.get(8)?,
        findings: r.get(9)?,
        body: r.get(10)?,
    })
}

const AUDIT_COLUMNS: &str =
    "id, at_ms, actor, role, action, target, source, outcome, prev_hash, hash";

fn audit_row(r: &rusqlite::Row) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        actor: r.get(2)?,
        role: r.get(3)?,
        action: r.get(4)?,
        target: r.get(5)?,
        source: r.get(6)?,
        outcome: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

impl SqliteStore {
    /// Opens (or creates) the hub database at `path`.
    pub fn open(path: &std::path::Path) -> Result<SqliteStore, HubError> {
        let conn = Connection::open(path)
            .map_err(|e| HubError::Store(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| HubError::Store("the database lock was poisoned".into()))?;
        f(&mut conn)
    }
}

impl HubStore for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn add_user(&self, user: &User, token_hash: &str) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO users (name, role, teams, token_hash) VALUES (?1, ?2, ?3, ?4)",
                params![
                    user.name,
                    user.role.name(),
                    teams_text(&user.teams),
                    token_hash
                ],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    HubError::Conflict(format!("user '{}' exists", user.name))
                }
                _ => db(e),
            })?;
            Ok(())
        })
    }

    fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, HubError> {
        self.with(|c| {
            c.query_row(
                "SELECT name, role, teams FROM users WHERE token_hash = ?1",
                [token_hash],
                user_row,
            )
            .optional()?
            .map(user_of)
            .transpose()
        })
    }

    fn users(&self) -> Result<Vec<User>, HubError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT name, role, teams FROM users ORDER BY name")?;
            let rows = stmt.query_map([], user_row)?;
            rows.map(|r| user_of(r?)).collect()
        })
    }

    fn set_user(&self, user: &User) -> Result<bool, HubError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let role: Option<String> = tx
                .query_row("SELECT role FROM users WHERE name = ?1", [&user.name], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(role) = role else { return Ok(false) };
            if role == "admin" && user.role != Role::Admin {
                let admins: i64 =
                    tx.query_row("SELECT count(*) FROM users WHERE role = 'admin'", [], |r| {
                        r.get(0)
                    })?;
                if admins <= 1 {
                    return Err(HubError::Guardrail(
                        "this is the last admin: add another admin first, or nobody could manage the hub".into(),
                    ));
                }
            }
            tx.execute(
                "UPDATE users SET role = ?2, teams = ?3 WHERE name = ?1",
                params![user.name, user.role.name(), teams_text(&user.teams)],
            )?;
            tx.commit()?;
            Ok(true)
        })
    }

    fn delete_user(&self, name: &str) -> Result<bool, HubError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let role: Option<String> = tx
                .query_row("SELECT role FROM users WHERE name = ?1", [name], |r| r.get(0))
                .optional()?;
            let Some(role) = role else { return Ok(false) };
            if role == "admin" {
                let admins: i64 =
                    tx.query_row("SELECT count(*) FROM users WHERE role = 'admin'", [], |r| {
                        r.get(0)
                    })?;
                if admins <= 1 {
                    return Err(HubError::Guardrail(
                        "this is the last admin: add another admin first, or nobody could manage the hub".into(),
                    ));
                }
            }
            tx.execute("DELETE FROM users WHERE name = ?1", [name])?;
            // Their web sign-in goes with them (a new person of that name starts afresh).
            tx.execute("DELETE FROM web_logins WHERE name = ?1", [name])?;
            tx.execute("DELETE FROM web_sessions WHERE user_name = ?1", [name])?;
            tx.commit()?;
            Ok(true)
        })
    }

    fn add_token(
        &self,
        token_hash: &str,
        team: &str,
        created_by: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<i64, HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO enrollment_tokens (token_hash, team, created_by, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_hash, team, created_by, now_ms, expires_at_ms],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    fn tokens(&self) -> Result<Vec<EnrollmentToken>, HubError> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {TOKEN_COLUMNS} FROM enrollment_tokens ORDER BY id DESC"
            ))?;
            let rows = stmt.query_map([], token_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn revoke_token(&self, id: i64, now_ms: i64) -> Result<bool, HubError> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE enrollment_tokens SET revoked_at_ms = ?2 WHERE id = ?1 AND used_at_ms IS NULL AND revoked_at_ms IS NULL",
                params![id, now_ms],
            )? == 1)
        })
    }

    fn redeem_token(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<EnrollmentToken>, HubError> {
        self.with(|c| {
            Ok(c.query_row(
                &format!(
                    "UPDATE enrollment_tokens SET used_at_ms = ?2
                     WHERE token_hash = ?1 AND used_at_ms IS NULL AND revoked_at_ms IS NULL AND expires_at_ms > ?2
                     RETURNING {TOKEN_COLUMNS}"
                ),
                params![token_hash, now_ms],
                token_row,
            )
            .optional()?)
        })
    }

    fn add_device(&self, d: &Device) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                &format!("INSERT INTO devices ({DEVICE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
                params![
                    d.id, d.agent, d.team, d.hostname, d.fingerprint, d.enrolled_at_ms,
                    d.last_seen_ms, d.outbox_len, d.audit_size, d.audit_head, d.revoked_at_ms
                ],
            )?;
            Ok(())
        })
    }

    fn device_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Device>, HubError> {
        self.with(|c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE fingerprint = ?1"
            ))?
            .query_row([fingerprint], device_row)
            .optional()?)
        })
    }

    fn devices(&self) -> Result<Vec<Device>, HubError> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at_ms, id"
            ))?;
            let rows = stmt.query_map([], device_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn revoke_device(&self, id: &str, now_ms: i64) -> Result<bool, HubError> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE devices SET revoked_at_ms = ?2 WHERE id = ?1 AND revoked_at_ms IS NULL",
                params![id, now_ms],
            )? == 1)
        })
    }

    fn touch_device(
        &self,
        id: &str,
        now_ms: i64,
        outbox_len: Option<i64>,
        audit: Option<(i64, &str)>,
    ) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "UPDATE devices SET last_seen_ms = ?2,
                    outbox_len = COALESCE(?3, outbox_len),
                    audit_size = COALESCE(?4, audit_size),
                    audit_head = COALESCE(?5, audit_head)
                 WHERE id = ?1",
                params![
                    id,
                    now_ms,
                    outbox_len,
                    audit.map(|a| a.0),
                    audit.map(|a| a.1)
                ],
            )?;
            Ok(())
        })
    }

    fn put_summary(&self, s: &StoredSummary) -> Result<bool, HubError> {
        self.with(|c| {
            Ok(c.execute(
                &format!("INSERT INTO summaries ({SUMMARY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (summary_id) DO NOTHING"),
                params![
                    s.summary_id, s.device_id, s.agent, s.team, s.started_at_ms, s.duration_ms,
                    s.received_at_ms, s.caller_sentiment, s.caller_trend, s.findings, s.body
                ],
            )? == 1)
        })
    }

    fn put_upload(
        &self,
        s: &StoredSummary,
        outbox_len: i64,
        audit: (i64, &str),
    ) -> Result<bool, HubError> {
        self.with(|c| {
            let tx = c.transaction()?;
            let new = tx
                .prepare_cached(&format!("INSERT INTO summaries ({SUMMARY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (summary_id) DO NOTHING"))?
                .execute(params![
                    s.summary_id, s.device_id, s.agent, s.team, s.started_at_ms, s.duration_ms,
                    s.received_at_ms, s.caller_sentiment, s.caller_trend, s.findings, s.body
                ])?
                == 1;
            tx.prepare_cached(
                "UPDATE devices SET last_seen_ms = ?2, outbox_len = ?3, audit_size = ?4, audit_head = ?5 WHERE id = ?1",
            )?
            .execute(params![s.device_id, s.received_at_ms, outbox_len, audit.0, audit.1])?;
            tx.commit()?;
            Ok(new)
        })
    }

    fn summary(&self, id: &str) -> Result<Option<StoredSummary>, HubError> {
        self.with(|c| {
            Ok(c.query_row(
                &format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE summary_id = ?1"),
                [id],
                summary_row,
            )
            .optional()?)
        })
    }

    fn list_summaries(&self, f: &SummaryFilter) -> Result<Vec<StoredSummary>, HubError> {
        self.with(|c| {
            let mut values: Vec<rusqlite::types::Value> = Vec::new();
            let bind = |v: rusqlite::types::Value, values: &mut Vec<_>| {
                values.push(v);
                format!("?{}", values.len())
            };
            // The conditions every branch shares.
            let mut common = String::new();
            if let Some(a) = &f.agent {
                common += &format!(" AND agent = {}", bind(a.clone().into(), &mut values));
            }
            if let Some(t) = f.from_ms {
                common += &format!(" AND started_at_ms >= {}", bind(t.into(), &mut values));
            }
            if let Some(t) = f.to_ms {
                common += &format!(" AND started_at_ms < {}", bind(t.into(), &mut values));
            }
            match f.had_sensitive {
                Some(true) => common += " AND findings > 0",
                Some(false) => common += " AND findings = 0",
                None => {}
            }
            if let Some(t) = &f.caller_trend {
                common += &format!(" AND caller_trend = {}", bind(t.clone().into(), &mut values));
            }
            if let Some(a) = &f.alert {
                common += &format!(
                    " AND EXISTS (SELECT 1 FROM json_each(body, '$.alerts') WHERE json_extract(value, '$.category') = {})",
                    bind(a.clone().into(), &mut values)
                );
            }
            let col = f.sort.expr();
            let (dir, lt, le) = if f.ascending {
                ("ASC", ">", ">=")
            } else {
                ("DESC", "<", "<=")
            };
            if let Some((at, id)) = &f.after {
                // Spelled so that SQLite can range-scan the sort column.
                let v = match at {
                    SortValue::Int(v) => rusqlite::types::Value::Integer(*v),
                    SortValue::Float(v) => rusqlite::types::Value::Real(*v),
                };
                let a = bind(v, &mut values);
                let i = bind(id.clone().into(), &mut values);
                common += &format!(
                    " AND {col} {le} {a} AND ({col} {lt} {a} OR summary_id {lt} {i})"
                );
            }
            let limit = bind((f.limit as i64).into(), &mut values);
            let order = format!("ORDER BY {col} {dir}, summary_id {dir}");
            let sql = match &f.teams {
                Some(teams) if teams.is_empty() => return Ok(Vec::new()),
                // One index range per team, merged: SQLite cannot merge the ranges of an IN
                // list in index order, and sorting all of a team's calls is what made a
                // supervisor's page slow at a million summaries.
                Some(teams) => {
                    let branches: Vec<String> = teams
                        .iter()
                        .map(|t| {
                            let t = bind(t.clone().into(), &mut values);
                            format!(
                                "SELECT * FROM (SELECT {SUMMARY_COLUMNS} FROM summaries WHERE team = {t}{common} {order} LIMIT {limit})"
                            )
                        })
                        .collect();
                    format!(
                        "SELECT * FROM ({}) {order} LIMIT {limit}",
                        branches.join(" UNION ALL ")
                    )
                }
                None => format!(
                    "SELECT {SUMMARY_COLUMNS} FROM summaries WHERE 1 = 1{common} {order} LIMIT {limit}"
                ),
            };
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(values), summary_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn purge_summaries(&self, before_ms: i64) -> Result<u64, HubError> {
        self.with(|c| {
            Ok(c.execute(
                "DELETE FROM summaries WHERE received_at_ms < ?1",
                [before_ms],
            )? as u64)
        })
    }

    fn put_heartbeat(&self, b: &Heartbeat) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO heartbeats (device_id, agent, team, at_ms, on_call, duration_ms, caller_trend, alerts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    b.device_id, b.agent, b.team, b.at_ms, b.on_call, b.duration_ms,
                    b.caller_trend, serde_json::to_string(&b.alerts).unwrap_or_default()
                ],
            )?;
            Ok(())
        })
    }

    fn live(&self, teams: Option<&[String]>, since_ms: i64) -> Result<Vec<Heartbeat>, HubError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT device_id, agent, team, at_ms, on_call, duration_ms, caller_trend, alerts
                 FROM heartbeats WHERE at_ms >= ?1 ORDER BY agent, device_id",
            )?;
            let rows = stmt.query_map([since_ms], |r| {
                let alerts: String = r.get(7)?;
                Ok(Heartbeat {
                    device_id: r.get(0)?,
                    agent: r.get(1)?,
                    team: r.get(2)?,
                    at_ms: r.get(3)?,
                    on_call: r.get(4)?,
                    duration_ms: r.get(5)?,
                    caller_trend: r.get(6)?,
                    alerts: serde_json::from_str(&alerts).unwrap_or_default(),
                })
            })?;
            let all: Vec<Heartbeat> = rows.collect::<Result<_, _>>()?;
            Ok(all
                .into_iter()
                .filter(|b| teams.is_none_or(|t| t.contains(&b.team)))
                .collect())
        })
    }

    fn append_audits(
        &self,
        entries: &[NewAudit],
        now_ms: i64,
    ) -> Result<Vec<AuditRecord>, HubError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (mut last, mut prev): (i64, String) = tx
                .query_row(
                    "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((0, GENESIS.to_string()));
            let mut out = Vec::with_capacity(entries.len());
            {
                let mut insert = tx.prepare_cached(&format!(
                    "INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ))?;
                for e in entries {
                    let rec = crate::audit::next(last, &prev, e, now_ms);
                    insert.execute(params![
                        rec.id, rec.at_ms, rec.actor, rec.role, rec.action, rec.target, rec.source,
                        rec.outcome, rec.prev_hash, rec.hash
                    ])?;
                    last = rec.id;
                    prev = rec.hash.clone();
                    out.push(rec);
                }
            }
            tx.commit()?;
            Ok(out)
        })
    }

    fn audit_head(&self) -> Result<(i64, String), HubError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, GENESIS.to_string())))
        })
    }

    fn audit(&self, after: i64, limit: u32) -> Result<Vec<AuditRecord>, HubError> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![after, limit as i64], audit_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn add_checkpoint(&self, cp: &Checkpoint) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO checkpoints (size, head, at_ms, note) VALUES (?1, ?2, ?3, ?4)",
                params![cp.size, cp.head, cp.at_ms, cp.note],
            )?;
            Ok(())
        })
    }

    fn checkpoints(&self) -> Result<Vec<Checkpoint>, HubError> {
        self.with(|c| {
            let mut stmt =
                c.prepare("SELECT size, head, at_ms, note FROM checkpoints ORDER BY size")?;
            let rows = stmt.query_map([], |r| {
                Ok(Checkpoint {
                    size: r.get(0)?,
                    head: r.get(1)?,
                    at_ms: r.get(2)?,
                    note: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn user(&self, name: &str) -> Result<Option<User>, HubError> {
        self.with(|c| {
            c.prepare_cached("SELECT name, role, teams FROM users WHERE name = ?1")?
                .query_row([name], user_row)
                .optional()?
                .map(user_of)
                .transpose()
        })
    }

    fn web_login(&self, name: &str) -> Result<Option<WebLogin>, HubError> {
        self.with(|c| {
            Ok(c
                .query_row(
                    "SELECT name, password_hash, totp_secret, totp_confirmed, totp_last_step, failures, locked_until_ms, recovery
                     FROM web_logins WHERE name = ?1",
                    [name],
                    |r| {
                        Ok(WebLogin {
                            name: r.get(0)?,
                            password_hash: r.get(1)?,
                            totp_secret: r.get(2)?,
                            totp_confirmed: r.get(3)?,
                            totp_last_step: r.get(4)?,
                            failures: r.get(5)?,
                            locked_until_ms: r.get(6)?,
                            recovery: codes_of(&r.get::<_, String>(7)?),
                        })
                    },
                )
                .optional()?)
        })
    }

    fn put_web_login(&self, l: &WebLogin) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO web_logins (name, password_hash, totp_secret, totp_confirmed, totp_last_step, failures, locked_until_ms, recovery)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![l.name, l.password_hash, l.totp_secret, l.totp_confirmed, l.totp_last_step, l.failures, l.locked_until_ms, l.recovery.join(",")],
            )?;
            Ok(())
        })
    }

    fn put_session(&self, s: &WebSession) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO web_sessions (id_hash, user_name, csrf, pending, created_ms, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![s.id_hash, s.user, s.csrf, s.pending, s.created_ms, s.seen_ms],
            )?;
            Ok(())
        })
    }

    fn session(&self, id_hash: &str) -> Result<Option<WebSession>, HubError> {
        self.with(|c| {
            Ok(c.prepare_cached(
                "SELECT id_hash, user_name, csrf, pending, created_ms, seen_ms FROM web_sessions WHERE id_hash = ?1",
            )?
            .query_row([id_hash], |r| {
                Ok(WebSession {
                    id_hash: r.get(0)?,
                    user: r.get(1)?,
                    csrf: r.get(2)?,
                    pending: r.get(3)?,
                    created_ms: r.get(4)?,
                    seen_ms: r.get(5)?,
                })
            })
            .optional()?)
        })
    }

    fn touch_session(&self, id_hash: &str, now_ms: i64) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "UPDATE web_sessions SET seen_ms = ?2 WHERE id_hash = ?1",
                params![id_hash, now_ms],
            )?;
            Ok(())
        })
    }

    fn end_session(&self, id_hash: &str) -> Result<(), HubError> {
        self.with(|c| {
            c.execute("DELETE FROM web_sessions WHERE id_hash = ?1", [id_hash])?;
            Ok(())
        })
    }

    fn end_sessions(&self, user: &str) -> Result<u64, HubError> {
        self.with(|c| {
            Ok(c.execute("DELETE FROM web_sessions WHERE user_name = ?1", [user])? as u64)
        })
    }

    fn setting(&self, key: &str) -> Result<Option<String>, HubError> {
        self.with(|c| {
            Ok(
                c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
            Ok(())
        })
    }
}
