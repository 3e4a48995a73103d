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
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}
