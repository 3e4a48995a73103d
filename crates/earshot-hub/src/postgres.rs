//! The PostgreSQL backend: for an organisation that runs several stateless hub instances
//! against one database. Same schema and semantics as [`crate::sqlite`]; the audit chain's
//! append takes an exclusive table lock, so instances cannot write the same entry twice.

use crate::audit::GENESIS;
use crate::store::*;
use crate::HubError;
use postgres::{Client, NoTls, Row};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    teams      TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS enrollment_tokens (
    id            BIGSERIAL PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    team          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms    BIGINT,
    revoked_at_ms BIGINT
);
CREATE TABLE IF NOT EXISTS devices (
    id             TEXT PRIMARY KEY,
    agent          TEXT NOT NULL,
    team           TEXT NOT NULL,
    hostname       TEXT NOT NULL,
    fingerprint    TEXT NOT NULL UNIQUE,
    enrolled_at_ms BIGINT NOT NULL,
    last_seen_ms   BIGINT,
    outbox_len     BIGINT,
    audit_size     BIGINT,
    audit_head     TEXT,
    revoked_at_ms  BIGINT
);
CREATE TABLE IF NOT EXISTS summaries (
    summary_id       TEXT PRIMARY KEY,
    device_id        TEXT NOT NULL,
    agent            TEXT NOT NULL,
    team             TEXT NOT NULL,
    started_at_ms    BIGINT NOT NULL,
    duration_ms      BIGINT NOT NULL,
    received_at_ms   BIGINT NOT NULL,
    caller_sentiment DOUBLE PRECISION,
    caller_trend     TEXT NOT NULL,
    findings         BIGINT NOT NULL,
    body             TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS summaries_started ON summaries(started_at_ms DESC, summary_id DESC);
CREATE INDEX IF NOT EXISTS summaries_team ON summaries(team, started_at_ms DESC, summary_id DESC);
CREATE INDEX IF NOT EXISTS summaries_agent ON summaries(agent, started_at_ms DESC, summary_id DESC);
CREATE INDEX IF NOT EXISTS summaries_received ON summaries(received_at_ms);
CREATE TABLE IF NOT EXISTS heartbeats (
    device_id    TEXT PRIMARY KEY,
    agent        TEXT NOT NULL,
    team         TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    on_call      BOOLEAN NOT NULL,
    duration_ms  BIGINT NOT NULL,
    caller_trend TEXT,
    alerts       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    id        BIGINT PRIMARY KEY,
    at_ms     BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    source    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION earshot_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION earshot_audit_append_only();
CREATE TABLE IF NOT EXISTS checkpoints (
    size  BIGINT PRIMARY KEY,
    head  TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
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
    totp_confirmed  BOOLEAN NOT NULL,
    totp_last_step  BIGINT NOT NULL,
    failures        BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL,
    recovery        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS web_sessions (
    id_hash    TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    pending    BOOLEAN NOT NULL,
    created_ms BIGINT NOT NULL,
    seen_ms    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions(user_name);
"#;

/// The PostgreSQL store: a small pool of blocking connections.
pub struct PgStore {
    pool: Vec<Mutex<Conn>>,
    next: AtomicUsize,
}

/// A connection and the statements prepared on it (the hot paths' SQL, prepared once: each
/// later use is one round trip instead of two).
struct Conn {
    client: Client,
    prepared: std::collections::HashMap<String, postgres::Statement>,
}

fn db(e: postgres::Error) -> HubError {
    HubError::Store(e.to_string())
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> Self {
        db(e)
    }
}

fn teams_of(text: String) -> Vec<String> {
    text.split('\n')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

fn user_of(r: &Row) -> Result<User, HubError> {
    Ok(User {
        name: r.get(0),
        role: Role::parse(r.get::<_, &str>(1))?,
        teams: teams_of(r.get(2)),
    })
}

const DEVICE_COLUMNS: &str = "id, agent, team, hostname, fingerprint, enrolled_at_ms, last_seen_ms, outbox_len, audit_size, audit_head, revoked_at_ms";

fn device_of(r: &Row) -> Device {
    Device {
        id: r.get(0),
        agent: r.get(1),
        team: r.get(2),
        hostname: r.get(3),
        fingerprint: r.get(4),
        enrolled_at_ms: r.get(5),
        last_seen_ms: r.get(6),
        outbox_len: r.get(7),
        audit_size: r.get(8),
        audit_head: r.get(9),
        revoked_at_ms: r.get(10),
    }
}

const TOKEN_COLUMNS: &str =
    "id, team, created_by, created_at_ms, expires_at_ms, used_at_ms, revoked_at_ms";

fn token_of(r: &Row) -> EnrollmentToken {
    EnrollmentToken {
        id: r.get(0),
        team: r.get(1),
        created_by: r.get(2),
        created_at_ms: r.get(3),
        expires_at_ms: r.get(4),
        used_at_ms: r.get(5),
        revoked_at_ms: r.get(6),
    }
}

const SUMMARY_COLUMNS: &str = "summary_id, device_id, agent, team, started_at_ms, duration_ms, received_at_ms, caller_sentiment, caller_trend, findings, body";

fn summary_of(r: &Row) -> StoredSummary {
    StoredSummary {
        summary_id: r.get(0),
        device_id: r.get(1),
        agent: r.get(2),
        team: r.get(3),
        started_at_ms: r.get(4),
        duration_ms: r.get(5),
        received_at_ms: r.get(6),
        caller_sentiment: r.get(7),
        caller_trend: r.get(8),
        findings: r.get(9),
        body: r.get(10),
    }
}

const AUDIT_COLUMNS: &str =
    "id, at_ms, actor, role, action, target, source, outcome, prev_hash, hash";

fn audit_of(r: &Row) -> AuditRecord {
    AuditRecord {
        id: r.get(0),
        at_ms: r.get(1),
        actor: r.get(2),
        role: r.get(3),
        action: r.get(4),
        target: r.get(5),
        source: r.get(6),
        outcome: r.get(7),
        prev_hash: r.get(8),
        hash: r.get(9),
    }
}

impl PgStore {
    /// Connects `connections` times to `url` (`postgres://…` or a key=value string) and creates
    /// the schema if it is missing.
    pub fn connect(url: &str, connections: usize) -> Result<PgStore, HubError> {
        let mut pool = Vec::new();
        for _ in 0..connections.max(1) {
            let c = Client::connect(url, NoTls)
                .map_err(|e| HubError::Store(format!("cannot connect to PostgreSQL: {e}")))?;
            pool.push(Mutex::new(Conn {
                client: c,
                prepared: Default::default(),
            }));
        }
        let store = PgStore {
            pool,
            next: AtomicUsize::new(0),
        };
        store.with(|c| {
            // Two instances starting at once must not race on CREATE … IF NOT EXISTS.
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock(7469726)", &[])?;
            tx.batch_execute(SCHEMA)?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(store)
    }

    /// A free connection if there is one (starting from the next in turn), else the next in
    /// turn once it is free.
    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Conn>, HubError> {
        let n = self.pool.len();
        let i = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for k in 0..n {
            if let Ok(c) = self.pool[(i + k) % n].try_lock() {
                return Ok(c);
            }
        }
        self.pool[i]
            .lock()
            .map_err(|_| HubError::Store("a database connection lock was poisoned".into()))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Client) -> Result<T, HubError>) -> Result<T, HubError> {
        f(&mut self.conn()?.client)
    }

    /// Runs `f` with `sql` prepared on the connection (once per connection).
    fn with_prepared<T>(
        &self,
        sql: &str,
        f: impl FnOnce(&mut Client, &postgres::Statement) -> Result<T, HubError>,
    ) -> Result<T, HubError> {
        let mut conn = self.conn()?;
        let Conn { client, prepared } = &mut *conn;
        let stmt = match prepared.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = client.prepare(sql)?;
                prepared.insert(sql.to_string(), s.clone());
                s
            }
        };
        f(client, &stmt)
    }
}

impl Drop for PgStore {
    /// `postgres::Client` closes its connection by blocking on its own runtime, which panics on
    /// a thread that drives a tokio runtime (where the hub's last handle usually goes): close
    /// them on a plain thread.
    fn drop(&mut self) {
        let pool = std::mem::take(&mut self.pool);
        let _ = std::thread::spawn(move || drop(pool)).join();
    }
}

impl HubStore for PgStore {
    fn kind(&self) -> &'static str {
        "postgresql"
    }

    fn add_user(&self, user: &User, token_hash: &str) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO users (name, role, teams, token_hash) VALUES ($1, $2, $3, $4)",
                &[
                    &user.name,
                    &user.role.name(),
                    &user.teams.join("\n"),
                    &token_hash,
                ],
            )
            .map_err(|e| {
                if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
                    HubError::Conflict(format!("user '{}' exists", user.name))
                } else {
                    db(e)
                }
            })?;
            Ok(())
        })
    }

    fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, HubError> {
        self.with(|c| {
            c.query_opt(
                "SELECT name, role, teams FROM users WHERE token_hash = $1",
                &[&token_hash],
            )?
            .map(|r| user_of(&r))
            .transpose()
        })
    }

    fn users(&self) -> Result<Vec<User>, HubError> {
        self.with(|c| {
            c.query("SELECT name, role, teams FROM users ORDER BY name", &[])?
                .iter()
                .map(user_of)
                .collect()
        })
    }

    fn set_user(&self, user: &User) -> Result<bool, HubError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("LOCK TABLE users IN EXCLUSIVE MODE", &[])?;
            let Some(role) =
                tx.query_opt("SELECT role FROM users WHERE name = $1", &[&user.name])?
            else {
                return Ok(false);
            };
            if role.get::<_, &str>(0) == "admin" && user.role != Role::Admin {
                let admins: i64 = tx
                    .query_one("SELECT count(*) FROM users WHERE role = 'admin'", &[])?
                    .get(0);
                if admins <= 1 {
                    return Err(HubError::Guardrail(
                        "this is the last admin: add another admin first, or nobody could manage the hub".into(),
                    ));
                }
            }
            tx.execute(
                "UPDATE users SET role = $2, teams = $3 WHERE name = $1",
                &[&user.name, &user.role.name(), &user.teams.join("\n")],
            )?;
            tx.commit()?;
            Ok(true)
        })
    }

    fn delete_user(&self, name: &str) -> Result<bool, HubError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("LOCK TABLE users IN EXCLUSIVE MODE", &[])?;
            let Some(role) = tx.query_opt("SELECT role FROM users WHERE name = $1", &[&name])?
            else {
                return Ok(false);
            };
            if role.get::<_, &str>(0) == "admin" {
                let admins: i64 = tx
                    .query_one("SELECT count(*) FROM users WHERE role = 'admin'", &[])?
                    .get(0);
                if admins <= 1 {
                    return Err(HubError::Guardrail(
                        "this is the last admin: add another admin first, or nobody could manage the hub".into(),
                    ));
                }
            }
            tx.execute("DELETE FROM users WHERE name = $1", &[&name])?;
            // Their web sign-in goes with them (a new person of that name starts afresh).
            tx.execute("DELETE FROM web_logins WHERE name = $1", &[&name])?;
            tx.execute("DELETE FROM web_sessions WHERE user_name = $1", &[&name])?;
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
            Ok(c.query_one(
                "INSERT INTO enrollment_tokens (token_hash, team, created_by, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[&token_hash, &team, &created_by, &now_ms, &expires_at_ms],
            )?
            .get(0))
        })
    }

    fn tokens(&self) -> Result<Vec<EnrollmentToken>, HubError> {
        self.with(|c| {
            Ok(c.query(
                &format!("SELECT {TOKEN_COLUMNS} FROM enrollment_tokens ORDER BY id DESC"),
                &[],
            )?
            .iter()
            .map(token_of)
            .collect())
        })
    }

    fn revoke_token(&self, id: i64, now_ms: i64) -> Result<bool, HubError> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE enrollment_tokens SET revoked_at_ms = $2 WHERE id = $1 AND used_at_ms IS NULL AND revoked_at_ms IS NULL",
                &[&id, &now_ms],
            )? == 1)
        })
    }

    fn redeem_token(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<EnrollmentToken>, HubError> {
        self.with(|c| {
            Ok(c.query_opt(
                &format!(
                    "UPDATE enrollment_tokens SET used_at_ms = $2
                     WHERE token_hash = $1 AND used_at_ms IS NULL AND revoked_at_ms IS NULL AND expires_at_ms > $2
                     RETURNING {TOKEN_COLUMNS}"
                ),
                &[&token_hash, &now_ms],
            )?
            .map(|r| token_of(&r)))
        })
    }

    fn add_device(&self, d: &Device) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                &format!("INSERT INTO devices ({DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
                &[
                    &d.id, &d.agent, &d.team, &d.hostname, &d.fingerprint, &d.enrolled_at_ms,
                    &d.last_seen_ms, &d.outbox_len, &d.audit_size, &d.audit_head, &d.revoked_at_ms,
                ],
            )?;
            Ok(())
        })
    }

    fn device_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Device>, HubError> {
        self.with_prepared(
            &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE fingerprint = $1"),
            |c, stmt| Ok(c.query_opt(stmt, &[&fingerprint])?.map(|r| device_of(&r))),
        )
    }

    fn devices(&self) -> Result<Vec<Device>, HubError> {
        self.with(|c| {
            Ok(c.query(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at_ms, id"),
                &[],
            )?
            .iter()
            .map(device_of)
            .collect())
        })
    }

    fn revoke_device(&self, id: &str, now_ms: i64) -> Result<bool, HubError> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE devices SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL",
                &[&id, &now_ms],
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
                "UPDATE devices SET last_seen_ms = $2,
                    outbox_len = COALESCE($3, outbox_len),
                    audit_size = COALESCE($4, audit_size),
                    audit_head = COALESCE($5, audit_head)
                 WHERE id = $1",
                &[
                    &id,
                    &now_ms,
                    &outbox_len,
                    &audit.map(|a| a.0),
                    &audit.map(|a| a.1),
                ],
            )?;
            Ok(())
        })
    }

    fn put_summary(&self, s: &StoredSummary) -> Result<bool, HubError> {
        self.with(|c| {
            Ok(c.execute(
                &format!("INSERT INTO summaries ({SUMMARY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (summary_id) DO NOTHING"),
                &[
                    &s.summary_id, &s.device_id, &s.agent, &s.team, &s.started_at_ms, &s.duration_ms,
                    &s.received_at_ms, &s.caller_sentiment, &s.caller_trend, &s.findings, &s.body,
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
        // One statement, so one round trip and one transaction: the device's row is updated
        // whether or not the summary was new.
        self.with_prepared(
            &format!(
                "WITH touched AS (
                    UPDATE devices SET last_seen_ms = $7, outbox_len = $12, audit_size = $13, audit_head = $14
                    WHERE id = $2 RETURNING id)
                 INSERT INTO summaries ({SUMMARY_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (summary_id) DO NOTHING"
            ),
            |c, stmt| {
                Ok(c.execute(
                    stmt,
                    &[
                        &s.summary_id, &s.device_id, &s.agent, &s.team, &s.started_at_ms,
                        &s.duration_ms, &s.received_at_ms, &s.caller_sentiment, &s.caller_trend,
                        &s.findings, &s.body, &outbox_len, &audit.0, &audit.1,
                    ],
                )? == 1)
            },
        )
    }

    fn summary(&self, id: &str) -> Result<Option<StoredSummary>, HubError> {
        self.with(|c| {
            Ok(c.query_opt(
                &format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE summary_id = $1"),
                &[&id],
            )?
            .map(|r| summary_of(&r)))
        })
    }

    fn list_summaries(&self, f: &SummaryFilter) -> Result<Vec<StoredSummary>, HubError> {
        if f.teams.as_ref().is_some_and(|t| t.is_empty()) {
            return Ok(Vec::new());
        }
        self.with(|c| {
            let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE true");
            let mut values: Vec<Box<dyn postgres::types::ToSql + Sync>> = Vec::new();
            let mut bind = |v: Box<dyn postgres::types::ToSql + Sync>| {
                values.push(v);
                format!("${}", values.len())
            };
            if let Some(teams) = &f.teams {
                sql += &format!(" AND team = ANY({})", bind(Box::new(teams.clone())));
            }
            if let Some(a) = &f.agent {
                sql += &format!(" AND agent = {}", bind(Box::new(a.clone())));
            }
            if let Some(t) = f.from_ms {
                sql += &format!(" AND started_at_ms >= {}", bind(Box::new(t)));
            }
            if let Some(t) = f.to_ms {
                sql += &format!(" AND started_at_ms < {}", bind(Box::new(t)));
            }
            match f.had_sensitive {
                Some(true) => sql += " AND findings > 0",
                Some(false) => sql += " AND findings = 0",
                None => {}
            }
            if let Some(t) = &f.caller_trend {
                sql += &format!(" AND caller_trend = {}", bind(Box::new(t.clone())));
            }
            if let Some(a) = &f.alert {
                sql += &format!(
                    " AND (body::jsonb -> 'alerts') @> jsonb_build_array(jsonb_build_object('category', {}::text))",
                    bind(Box::new(a.clone()))
                );
            }
            let col = f.sort.expr();
            let (dir, lt) = if f.ascending {
                ("ASC", ">")
            } else {
                ("DESC", "<")
            };
            if let Some((at, id)) = &f.after {
                let a = match at {
                    SortValue::Int(v) => bind(Box::new(*v)),
                    SortValue::Float(v) => bind(Box::new(*v)),
                };
                let i = bind(Box::new(id.clone()));
                sql += &format!(" AND ({col}, summary_id) {lt} ({a}, {i})");
            }
            sql += &format!(
                " ORDER BY {col} {dir}, summary_id {dir} LIMIT {}",
                bind(Box::new(f.limit as i64))
            );
            let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                values.iter().map(|v| v.as_ref()).collect();
            Ok(c.query(&sql, &params)?.iter().map(summary_of).collect())
        })
    }

    fn purge_summaries(&self, before_ms: i64) -> Result<u64, HubError> {
        self.with(|c| {
            Ok(c.execute(
                "DELETE FROM summaries WHERE received_at_ms < $1",
                &[&before_ms],
            )?)
        })
    }

    fn put_heartbeat(&self, b: &Heartbeat) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO heartbeats (device_id, agent, team, at_ms, on_call, duration_ms, caller_trend, alerts)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (device_id) DO UPDATE SET agent = EXCLUDED.agent, team = EXCLUDED.team,
                    at_ms = EXCLUDED.at_ms, on_call = EXCLUDED.on_call, duration_ms = EXCLUDED.duration_ms,
                    caller_trend = EXCLUDED.caller_trend, alerts = EXCLUDED.alerts",
                &[
                    &b.device_id, &b.agent, &b.team, &b.at_ms, &b.on_call, &b.duration_ms,
                    &b.caller_trend, &serde_json::to_string(&b.alerts).unwrap_or_default(),
                ],
            )?;
            Ok(())
        })
    }

    fn live(&self, teams: Option<&[String]>, since_ms: i64) -> Result<Vec<Heartbeat>, HubError> {
        self.with(|c| {
            let rows = c.query(
                "SELECT device_id, agent, team, at_ms, on_call, duration_ms, caller_trend, alerts
                 FROM heartbeats WHERE at_ms >= $1 ORDER BY agent, device_id",
                &[&since_ms],
            )?;
            Ok(rows
                .iter()
                .map(|r| Heartbeat {
                    device_id: r.get(0),
                    agent: r.get(1),
                    team: r.get(2),
                    at_ms: r.get(3),
                    on_call: r.get(4),
                    duration_ms: r.get(5),
                    caller_trend: r.get(6),
                    alerts: serde_json::from_str(r.get::<_, &str>(7)).unwrap_or_default(),
                })
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
            let mut tx = c.transaction()?;
            // Readers go on; other appenders (this or another hub instance) wait.
            tx.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE", &[])?;
            let (mut last, mut prev): (i64, String) = tx
                .query_opt("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &[])?
                .map(|r| (r.get(0), r.get(1)))
                .unwrap_or((0, GENESIS.to_string()));
            let insert = tx.prepare(&format!(
                "INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))?;
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let rec = crate::audit::next(last, &prev, e, now_ms);
                tx.execute(
                    &insert,
                    &[
                        &rec.id, &rec.at_ms, &rec.actor, &rec.role, &rec.action, &rec.target,
                        &rec.source, &rec.outcome, &rec.prev_hash, &rec.hash,
                    ],
                )?;
                last = rec.id;
                prev = rec.hash.clone();
                out.push(rec);
            }
            tx.commit()?;
            Ok(out)
        })
    }

    fn audit_head(&self) -> Result<(i64, String), HubError> {
        self.with(|c| {
            Ok(c.query_opt(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                &[],
            )?
            .map(|r| (r.get(0), r.get(1)))
            .unwrap_or((0, GENESIS.to_string())))
        })
    }

    fn audit(&self, after: i64, limit: u32) -> Result<Vec<AuditRecord>, HubError> {
        self.with(|c| {
            Ok(c.query(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
                ),
                &[&after, &(limit as i64)],
            )?
            .iter()
            .map(audit_of)
            .collect())
        })
    }

    fn add_checkpoint(&self, cp: &Checkpoint) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO checkpoints (size, head, at_ms, note) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING",
                &[&cp.size, &cp.head, &cp.at_ms, &cp.note],
            )?;
            Ok(())
        })
    }

    fn checkpoints(&self) -> Result<Vec<Checkpoint>, HubError> {
        self.with(|c| {
            Ok(c.query(
                "SELECT size, head, at_ms, note FROM checkpoints ORDER BY size",
                &[],
            )?
            .iter()
            .map(|r| Checkpoint {
                size: r.get(0),
                head: r.get(1),
                at_ms: r.get(2),
                note: r.get(3),
            })
            .collect())
        })
    }

    fn user(&self, name: &str) -> Result<Option<User>, HubError> {
        self.with_prepared(
            "SELECT name, role, teams FROM users WHERE name = $1",
            |c, stmt| {
                c.query_opt(stmt, &[&name])?
                    .as_ref()
                    .map(user_of)
                    .transpose()
            },
        )
    }

    fn web_login(&self, name: &str) -> Result<Option<WebLogin>, HubError> {
        self.with(|c| {
            Ok(c
                .query_opt(
                    "SELECT name, password_hash, totp_secret, totp_confirmed, totp_last_step, failures, locked_until_ms, recovery
                     FROM web_logins WHERE name = $1",
                    &[&name],
                )?
                .map(|r| WebLogin {
                    name: r.get(0),
                    password_hash: r.get(1),
                    totp_secret: r.get(2),
                    totp_confirmed: r.get(3),
                    totp_last_step: r.get(4),
                    failures: r.get(5),
                    locked_until_ms: r.get(6),
                    recovery: r
                        .get::<_, String>(7)
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(String::from)
                        .collect(),
                }))
        })
    }

    fn put_web_login(&self, l: &WebLogin) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO web_logins (name, password_hash, totp_secret, totp_confirmed, totp_last_step, failures, locked_until_ms, recovery)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (name) DO UPDATE SET password_hash = EXCLUDED.password_hash,
                    totp_secret = EXCLUDED.totp_secret, totp_confirmed = EXCLUDED.totp_confirmed,
                    totp_last_step = EXCLUDED.totp_last_step, failures = EXCLUDED.failures,
                    locked_until_ms = EXCLUDED.locked_until_ms, recovery = EXCLUDED.recovery",
                &[&l.name, &l.password_hash, &l.totp_secret, &l.totp_confirmed, &l.totp_last_step, &l.failures, &l.locked_until_ms, &l.recovery.join(",")],
            )?;
            Ok(())
        })
    }

    fn put_session(&self, s: &WebSession) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO web_sessions (id_hash, user_name, csrf, pending, created_ms, seen_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&s.id_hash, &s.user, &s.csrf, &s.pending, &s.created_ms, &s.seen_ms],
            )?;
            Ok(())
        })
    }

    fn session(&self, id_hash: &str) -> Result<Option<WebSession>, HubError> {
        self.with_prepared(
            "SELECT id_hash, user_name, csrf, pending, created_ms, seen_ms FROM web_sessions WHERE id_hash = $1",
            |c, stmt| {
                Ok(c.query_opt(stmt, &[&id_hash])?.map(|r| WebSession {
                    id_hash: r.get(0),
                    user: r.get(1),
                    csrf: r.get(2),
                    pending: r.get(3),
                    created_ms: r.get(4),
                    seen_ms: r.get(5),
                }))
            },
        )
    }

    fn touch_session(&self, id_hash: &str, now_ms: i64) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "UPDATE web_sessions SET seen_ms = $2 WHERE id_hash = $1",
                &[&id_hash, &now_ms],
            )?;
            Ok(())
        })
    }

    fn end_session(&self, id_hash: &str) -> Result<(), HubError> {
        self.with(|c| {
            c.execute("DELETE FROM web_sessions WHERE id_hash = $1", &[&id_hash])?;
            Ok(())
        })
    }

    fn end_sessions(&self, user: &str) -> Result<u64, HubError> {
        self.with(|c| Ok(c.execute("DELETE FROM web_sessions WHERE user_name = $1", &[&user])?))
    }

    fn setting(&self, key: &str) -> Result<Option<String>, HubError> {
        self.with(|c| {
            Ok(
                c.query_opt("SELECT value FROM settings WHERE key = $1", &[&key])?
                    .map(|r| r.get(0)),
            )
        })
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), HubError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&key, &value],
            )?;
            Ok(())
        })
    }
}
