//! Schema migrations (rusqlite_migration: the version lives in SQLite's `user_version`).

use rusqlite_migration::{Migrations, M};

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
        CREATE TABLE calls (
            id               INTEGER PRIMARY KEY,
            source           TEXT    NOT NULL,
            started_at_ms    INTEGER NOT NULL,
            ended_at_ms      INTEGER,
            agent            TEXT,
            direction        TEXT,
            model            TEXT    NOT NULL,
            duration_ms      INTEGER,
            sentiment_engine TEXT,
            sentiment_trend  TEXT
        );
        CREATE INDEX calls_started ON calls(started_at_ms);
        CREATE TABLE utterances (
            id              INTEGER PRIMARY KEY,
            call_id         INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
            seq             INTEGER NOT NULL,
            speaker         TEXT    NOT NULL,
            start_ms        INTEGER NOT NULL,
            end_ms          INTEGER NOT NULL,
            text            TEXT    NOT NULL,
            sentiment_label TEXT    NOT NULL,
            sentiment_score REAL    NOT NULL,
            UNIQUE (call_id, seq)
        );
        CREATE TABLE findings (
            id           INTEGER PRIMARY KEY,
            utterance_id INTEGER NOT NULL REFERENCES utterances(id) ON DELETE CASCADE,
            kind         TEXT    NOT NULL,
            span_start   INTEGER NOT NULL,
            span_end     INTEGER NOT NULL,
            tag_start    INTEGER NOT NULL,
            confidence   REAL    NOT NULL,
            sealed       BLOB
        );
        CREATE INDEX findings_utterance ON findings(utterance_id);
        CREATE TABLE audit_log (
            id        INTEGER PRIMARY KEY,
            at_ms     INTEGER NOT NULL,
            actor     TEXT    NOT NULL,
            action    TEXT    NOT NULL,
            detail    TEXT    NOT NULL,
            outcome   TEXT    NOT NULL,
            prev_hash TEXT    NOT NULL,
            hash      TEXT    NOT NULL
        );
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        "#,
        ),
        // The sync outbox: one row per ended call while a hub is configured, written in the
        // transaction that ends the call. `body` is the shareable summary, built by the sync
        // worker; the row goes when the hub has acknowledged it. A purged call leaves its row
        // (call_id NULL) if the summary was already built.
        M::up(
            r#"
        CREATE TABLE outbox (
            summary_id      TEXT    PRIMARY KEY,
            call_id         INTEGER REFERENCES calls(id) ON DELETE SET NULL,
            queued_at_ms    INTEGER NOT NULL,
            body            TEXT,
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_ms INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT
        );
        CREATE INDEX outbox_due ON outbox(next_attempt_ms);
        "#,
        ),
        // What a receiver lost of a call's audio (JSON of earshot_core::AudioGaps; NULL: nothing
        // was counted, as for a recording or a capture).
        M::up("ALTER TABLE calls ADD COLUMN audio_gaps TEXT;"),
        // What agent assist raised in a call (JSON of earshot_core::AssistFigures: alert counts
        // by category, the checklist's outcome; NULL: nothing).
        M::up("ALTER TABLE calls ADD COLUMN assist TEXT;"),
        // The knowledge base's chunk vectors, keyed by the SHA-256 of the encoder's identity and
        // the chunk's text (earshot_assist::index::passage_key): a base is embedded once, and
        // only what changed is embedded again. `vector`: little-endian f32.
        M::up(
            r#"
        CREATE TABLE knowledge_vectors (
            key    TEXT PRIMARY KEY,
            vector BLOB NOT NULL
        );
        "#,
        ),
        // The agent's feedback on a suggested article (useful or not) with the score it was
        // suggested with, for tuning the threshold and the articles. No words: an article id
        // and figures. It outlives its call's purge (call_id NULL).
        M::up(
            r#"
        CREATE TABLE suggestion_feedback (
            id         INTEGER PRIMARY KEY,
            call_id    INTEGER REFERENCES calls(id) ON DELETE SET NULL,
            article_id TEXT    NOT NULL,
            score      REAL    NOT NULL,
            useful     INTEGER NOT NULL,
            at_ms      INTEGER NOT NULL
        );
        "#,
        ),
        // The second pass (a live call decoded again with a better model once it has ended):
        // `origin` tells speech from keypad entries (a second pass replaces only speech);
        // `second_pass` is its model, `second_pass_state` 'pending', 'done' or 'abandoned'
        // (NULL: none was wanted). A pending call's summary waits in the outbox.
        M::up(
            r#"
        ALTER TABLE utterances ADD COLUMN origin TEXT NOT NULL DEFAULT 'speech';
        ALTER TABLE calls ADD COLUMN second_pass TEXT;
        ALTER TABLE calls ADD COLUMN second_pass_state TEXT;
        "#,
        ),
        // The highest call id ever given (`Vault::begin_call` never gives one twice), seeded
        // from the calls and from every audit entry that names a call ("call N…"): a vault
        // whose last call was deleted before this version does not give that id again either.
        M::up(
            r#"
        INSERT OR REPLACE INTO settings (key, value)
        SELECT 'last_call_id', CAST(max(
            coalesce((SELECT max(id) FROM calls), 0),
            coalesce((SELECT max(CAST(substr(detail, 6) AS INTEGER)) FROM audit_log
                      WHERE detail LIKE 'call %'), 0)) AS TEXT);
        "#,
        ),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }

    #[test]
    fn the_last_call_id_is_seeded_from_the_calls_and_the_audit_log() {
        let last = |calls: &[i64], audited: &[&str]| {
            let mut conn = rusqlite::Connection::open_in_memory().unwrap();
            let m = super::migrations();
            m.to_version(&mut conn, 7).unwrap();
            for id in calls {
                conn.execute(
                    "INSERT INTO calls (id, source, started_at_ms, model) VALUES (?1, 't', 0, 'm')",
                    [id],
                )
                .unwrap();
            }
            for detail in audited {
                conn.execute(
                    "INSERT INTO audit_log (at_ms, actor, action, detail, outcome, prev_hash, hash)
                     VALUES (0, 'a', 'x', ?1, 'ok', '', '')",
                    [detail],
                )
                .unwrap();
            }
            m.to_latest(&mut conn).unwrap();
            conn.query_row(
                "SELECT value FROM settings WHERE key = 'last_call_id'",
                [],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
        };
        // The last call deleted before the upgrade: its id comes from the audit log.
        assert_eq!(
            last(&[1, 2], &["call 3 (4 utterances)", "call 2 utterance 1"]),
            "3"
        );
        // Calls only, entries naming no call, and a new vault.
        assert_eq!(last(&[4, 7], &["summary ab: sent", "key rotated"]), "7");
        assert_eq!(last(&[], &[]), "0");
    }
}
