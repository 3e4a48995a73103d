//! The vault through its public API: sealed findings, audited reveal, retention, tamper evidence,
//! and clear errors that leave data intact.

use earshot_config::{Config, KeyStore};
use earshot_core::{Sentiment, SentimentLabel, SentimentTrend, Speaker, TrendDirection, Utterance};
use earshot_redact::Redactor;
use earshot_seal::{OperatorIdentity, Sealer};
use earshot_vault::{AuditVerdict, CallId, CallQuery, NewCall, Vault, VaultError, DATABASE_FILE};
use std::path::Path;

fn config(dir: &Path, recipients: Vec<String>) -> Config {
    Config {
        data_dir: dir.to_path_buf(),
        age_recipients: recipients,
        key_store: KeyStore::File,
        retention_days: 90,
        ..Config::defaults(std::path::PathBuf::new())
    }
}

/// Redacts and seals a short conversation and stores it; returns the call id.
fn store_call(vault: &mut Vault, sealer: Option<&Sealer>) -> i64 {
    let call = vault
        .begin_call(&NewCall {
            source: "test".into(),
            agent: Some("sam".into()),
            direction: None,
            model: "tiny.en".into(),
        })
        .unwrap();
    let mut r = Redactor::new();
    let mut lines = r.push(
        Speaker::Agent,
        "What is the card number and the security code?",
    );
    lines.extend(r.push(
        Speaker::Caller,
        "The card number is 4532 0151 1283 0366 and the code is 739.",
    ));
    lines.extend(r.finish());
    for (i, line) in lines.iter().enumerate() {
        let sealed = earshot_seal::seal_findings(sealer, &line.findings).unwrap();
        let u = Utterance {
            speaker: line.speaker,
            start_ms: i as u64 * 1000,
            end_ms: i as u64 * 1000 + 900,
            text: line.text.clone(),
            sentiment: Sentiment {
                label: SentimentLabel::Neutral,
                score: 0.0,
            },
            findings: line.findings.iter().map(|f| f.span()).collect(),
        };
        vault
            .add_utterance(call, i as u32 + 1, &u, &sealed)
            .unwrap();
    }
    vault
        .end_call(
            call,
            2000,
            &SentimentTrend {
                quarters: [None; 4],
                direction: TrendDirection::Flat,
            },
            "lexicon",
        )
        .unwrap();
    call
}

/// Moves a call's start and end back by `days`, as if it had been stored then:
/// written through SQLCipher directly, so the vault needs no test hook.
fn backdate_call(dir: &Path, id: CallId, days: i64) {
    let shift = days * 86_400_000;
    let changed = raw_connection(dir)
        .execute(
            "UPDATE calls SET started_at_ms = started_at_ms - ?2, ended_at_ms = ended_at_ms - ?2 WHERE id = ?1",
            rusqlite::params![id, shift],
        )
        .unwrap();
    assert_eq!(changed, 1, "call {id} backdated");
}

fn raw_connection(dir: &Path) -> rusqlite::Connection {
    let key = std::fs::read_to_string(dir.join("database.key")).unwrap();
    let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .unwrap();
    conn
}

#[test]
fn reveal_restores_values_for_a_recipient_only_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let operator = OperatorIdentity::generate();
    let stranger = OperatorIdentity::generate();
    let sealer = Sealer::new(&[operator.recipient()]).unwrap().unwrap();
    let mut vault = Vault::open(&config(dir.path(), vec![operator.recipient()])).unwrap();
    let call = store_call(&mut vault, Some(&sealer));

    let shown = vault.call(call).unwrap();
    assert_eq!(
        shown.utterances[1].text,
        "The card number is [CREDIT_DEBIT_NUMBER] and the code is [CREDIT_DEBIT_CVV]."
    );
    assert!(shown.utterances[1].findings.iter().all(|f| f.sealed));

    let revealed = vault.reveal(call, Some(2), &operator).unwrap();
    assert_eq!(
        revealed[0].text,
        "The card number is 4532 0151 1283 0366 and the code is 739."
    );
    let err = vault.reveal(call, None, &stranger).unwrap_err();
    assert!(
        err.to_string().contains("cannot open the sealed values"),
        "{err}"
    );

    let log = vault.audit_entries().unwrap();
    let reveals: Vec<_> = log.iter().filter(|e| e.action == "reveal").collect();
    assert_eq!(reveals.len(), 2);
    assert!(
        reveals[0].outcome.starts_with("ok") && reveals[0].actor.contains(&operator.recipient())
    );
    assert!(
        reveals[1].outcome.starts_with("denied")
            && reveals[1].actor.contains(&stranger.recipient())
    );
    assert!(log.iter().any(|e| e.action == "key_file_fallback"));
    assert!(log.iter().any(|e| e.action == "database_new_key"));
    assert!(log.iter().any(|e| e.action == "config_change"));
    assert_eq!(
        vault.verify_audit().unwrap(),
        AuditVerdict::Intact {
            entries: log.len() as i64
        }
    );
}

#[test]
fn without_recipients_values_are_dropped_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&config(dir.path(), vec![])).unwrap();
    let call = store_call(&mut vault, None);
    let shown = vault.call(call).unwrap();
    assert!(shown.utterances[1].findings.iter().all(|f| !f.sealed));
    let revealed = vault
        .reveal(call, Some(2), &OperatorIdentity::generate())
        .unwrap();
    assert_eq!(revealed[0].unsealed, 2);
    assert!(revealed[0].text.contains("[CREDIT_DEBIT_NUMBER]"));
}

#[test]
fn retention_purges_old_calls_with_everything_linked() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&config(dir.path(), vec![])).unwrap();
    let old = store_call(&mut vault, None);
    let recent = store_call(&mut vault, None);
    backdate_call(dir.path(), old, 91);
    assert_eq!(vault.purge(90).unwrap(), 1);
    assert!(matches!(vault.call(old), Err(VaultError::NoSuchCall(_))));
    assert_eq!(vault.call(recent).unwrap().utterances.len(), 2);
    let conn = raw_connection(dir.path());
    let orphans: i64 = conn
        .query_row("SELECT (SELECT count(*) FROM utterances WHERE call_id = ?1) + (SELECT count(*) FROM findings f LEFT JOIN utterances u ON u.id = f.utterance_id WHERE u.id IS NULL)", [old], |r| r.get(0))
        .unwrap();
    assert_eq!(orphans, 0);
    assert!(vault
        .audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == "purge" && e.detail.starts_with("1 calls")));
    // Expired calls also go at start-up.
    backdate_call(dir.path(), recent, 200);
    drop(vault);
    let vault = Vault::open(&config(dir.path(), vec![])).unwrap();
    assert!(vault.list_calls().unwrap().is_empty());
}

#[test]
fn edited_deleted_or_reordered_audit_entries_are_named() {
    for attack in [
        "UPDATE audit_log SET detail = 'nothing to see' WHERE id = 2",
        "DELETE FROM audit_log WHERE id = 2",
        "UPDATE audit_log SET at_ms = at_ms + 1 WHERE id = 3",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let operator = OperatorIdentity::generate();
        let mut vault = Vault::open(&config(dir.path(), vec![])).unwrap();
        let call = store_call(&mut vault, None);
        for _ in 0..3 {
            vault.reveal(call, None, &operator).unwrap();
        }
        assert!(matches!(
            vault.verify_audit().unwrap(),
            AuditVerdict::Intact { .. }
        ));
        let conn = raw_connection(dir.path());
        // The triggers refuse the edit...
        assert!(conn.execute_batch(attack).is_err());
        // ...so an attacker with the key drops them first; the chain still tells.
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; {attack};"
        ))
        .unwrap();
        drop(conn);
        match vault.verify_audit().unwrap() {
            AuditVerdict::Broken { entry, .. } => {
                assert!(entry == 2 || entry == 3, "{attack}: entry {entry}")
            }
            other => panic!("{attack} went unnoticed: {other:?}"),
        }
    }
}

fn file_hash(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn wrong_key_missing_key_and_corrupt_file_are_clear_errors_that_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut vault = Vault::open(&config(dir.path(), vec![])).unwrap();
        store_call(&mut vault, None);
    }
    let db = dir.path().join(DATABASE_FILE);
    let key_path = dir.path().join("database.key");
    let key = std::fs::read_to_string(&key_path).unwrap();
    let before = file_hash(&db);

    std::fs::write(&key_path, "11".repeat(32)).unwrap();
    let err = Vault::open(&config(dir.path(), vec![])).err().unwrap();
    assert!(matches!(err, VaultError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("nothing was changed"));
    assert_eq!(file_hash(&db), before);

    std::fs::remove_file(&key_path).unwrap();
    let err = Vault::open(&config(dir.path(), vec![])).err().unwrap();
    assert!(
        err.to_string().contains("key file") && err.to_string().contains("missing"),
        "{err}"
    );
    assert!(!key_path.exists(), "no new key may replace a lost one");
    assert_eq!(file_hash(&db), before);

    std::fs::write(&key_path, &key).unwrap();
    let vault = Vault::open(&config(dir.path(), vec![])).unwrap();
    assert_eq!(vault.integrity_check().unwrap(), "ok");
    assert_eq!(vault.list_calls().unwrap().len(), 1);
    drop(vault);

    let corrupt = tempfile::tempdir().unwrap();
    std::fs::write(
        corrupt.path().join(DATABASE_FILE),
        b"this is not a database, it is a shopping list",
    )
    .unwrap();
    std::fs::write(corrupt.path().join("database.key"), "22".repeat(32)).unwrap();
    let err = Vault::open(&config(corrupt.path(), vec![])).err().unwrap();
    assert!(matches!(err, VaultError::Locked { .. }), "{err}");
    assert_eq!(
        std::fs::read(corrupt.path().join(DATABASE_FILE)).unwrap(),
        b"this is not a database, it is a shopping list"
    );
}

#[test]
fn an_unusable_data_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Vault::open(&config(&file.join("data"), vec![]))
        .err()
        .unwrap();
    assert!(matches!(err, VaultError::DataDir(_)), "{err}");
    assert!(err.to_string().contains("cannot create"));
}

#[test]
fn history_search_finds_redacted_text_never_a_sealed_value() {
    let dir = tempfile::tempdir().unwrap();
    let recipients = vec![OperatorIdentity::generate().recipient()];
    let sealer = Sealer::new(&recipients).unwrap().unwrap();
    let mut vault = Vault::open(&config(dir.path(), recipients)).unwrap();
    let a = store_call(&mut vault, Some(&sealer));
    let b = store_call(&mut vault, Some(&sealer));
    let ids = |q: CallQuery| -> Vec<i64> {
        vault
            .search_calls(&q)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect()
    };
    let text = |t: &str| CallQuery {
        text: Some(t.into()),
        ..CallQuery::default()
    };
    assert_eq!(ids(CallQuery::default()), vec![b, a]);
    assert_eq!(ids(text("SECURITY code")), vec![b, a], "case is ignored");
    assert_eq!(
        ids(text("credit_debit_number")),
        vec![b, a],
        "tags are text"
    );
    for secret in ["4532", "0366", "739"] {
        assert!(ids(text(secret)).is_empty(), "{secret} found");
    }
    // LIKE wildcards are literal.
    assert!(ids(text("%")).is_empty());
    assert!(
        ids(text("card_number")).is_empty(),
        "_ is not any character"
    );
    assert_eq!(ids(text("card number")).len(), 2);
    backdate_call(dir.path(), a, 3);
    let day = 86_400_000;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let since = |from: i64, to: Option<i64>| CallQuery {
        from_ms: Some(from),
        to_ms: to,
        ..CallQuery::default()
    };
    assert_eq!(ids(since(now - day, None)), vec![b]);
    assert_eq!(ids(since(now - 4 * day, Some(now - 2 * day))), vec![a]);
}

#[test]
fn deleting_a_call_removes_it_and_is_audited_or_refused_by_policy() {
    let dir = tempfile::tempdir().unwrap();
    let recipients = vec![OperatorIdentity::generate().recipient()];
    let sealer = Sealer::new(&recipients).unwrap().unwrap();
    let c = config(dir.path(), recipients);
    let mut vault = Vault::open(&c).unwrap();
    let a = store_call(&mut vault, Some(&sealer));
    let b = store_call(&mut vault, Some(&sealer));
    vault.delete_call(a).unwrap();
    assert!(matches!(vault.call(a), Err(VaultError::NoSuchCall(_))));
    assert!(matches!(
        vault.delete_call(a),
        Err(VaultError::NoSuchCall(_))
    ));
    let sealed_left: i64 = raw_connection(dir.path())
        .query_row(
            "SELECT count(*) FROM findings WHERE sealed IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sealed_left, 2, "only call {b}'s sealed values remain");
    drop(vault);

    let locked = Config {
        allow_delete: false,
        ..c
    };
    let vault = Vault::open(&locked).unwrap();
    let err = vault.delete_call(b).unwrap_err();
    assert!(matches!(err, VaultError::NotAllowed(_)), "{err}");
    assert_eq!(vault.list_calls().unwrap().len(), 1);
    let audit: Vec<(String, String, String)> = vault
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "delete_call")
        .map(|e| (e.detail, e.outcome, e.actor))
        .collect();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit[0].0.contains(&format!("call {a}")) && audit[0].1 == "ok");
    assert_eq!(audit[1].1, "refused by policy");
    assert!(matches!(
        vault.verify_audit().unwrap(),
        AuditVerdict::Intact { .. }
    ));
}

/// A call another connection is still recording is shown as such and is neither deleted nor
/// purged; once its recorder ends (or a recorder is gone without ending its call) it can be.
#[test]
fn a_call_being_recorded_is_neither_deleted_nor_purged_until_its_recorder_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path(), vec![]);
    let mut recorder = Vault::open(&c).unwrap();
    let other = Vault::open(&c).unwrap();
    let ended = store_call(&mut recorder, None);
    let new_call = NewCall {
        source: "live".into(),
        agent: None,
        direction: None,
        model: "tiny.en".into(),
    };
    let mut session = recorder.record(&new_call).unwrap();
    let live = session.id();
    session
        .add(
            &utterance(Speaker::Caller, 0, "Hello, I lost my card."),
            &[],
        )
        .unwrap();

    let listed = |v: &Vault| -> Vec<(CallId, bool)> {
        v.list_calls()
            .unwrap()
            .into_iter()
            .map(|c| (c.id, c.recording))
            .collect()
    };
    assert_eq!(listed(&other), [(live, true), (ended, false)]);
    assert!(other.call(live).unwrap().call.recording);
    let err = other.delete_call(live).unwrap_err();
    assert!(
        matches!(err, VaultError::Recording(id) if id == live),
        "{err}"
    );
    assert!(err.to_string().contains("being recorded"), "{err}");
    // Retention keeps it too, however old its start.
    let shift = 200 * 86_400_000_i64;
    raw_connection(dir.path())
        .execute(
            "UPDATE calls SET started_at_ms = started_at_ms - ?1",
            [shift],
        )
        .unwrap();
    raw_connection(dir.path())
        .execute(
            "UPDATE calls SET ended_at_ms = ended_at_ms - ?1 WHERE id = ?2",
            rusqlite::params![shift, ended],
        )
        .unwrap();
    assert_eq!(other.purge(90).unwrap(), 1, "the ended call goes");
    assert_eq!(listed(&other), [(live, true)]);

    // The recorder goes on committing, and ends the call whole.
    session
        .add(
            &utterance(Speaker::Agent, 2000, "I can block it for you."),
            &[],
        )
        .unwrap();
    session.end(3000, &FLAT, "lexicon").unwrap();
    drop(session);
    let stored = other.call(live).unwrap();
    assert!(!stored.call.recording);
    assert_eq!(stored.utterances.len(), 2);
    other.delete_call(live).unwrap();

    // A recorder gone without ending its call (as a killed process's) holds nothing: its call
    // shows as cut off, not being recorded, and can be deleted.
    let session = recorder.record(&new_call).unwrap();
    let cut = session.id();
    assert!(other.call(cut).unwrap().call.recording);
    drop(session);
    let stored = other.call(cut).unwrap().call;
    assert!(stored.ended_at_ms.is_none() && !stored.recording);
    other.delete_call(cut).unwrap();

    let audit: Vec<(String, String)> = other
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "delete_call")
        .map(|e| (e.detail, e.outcome))
        .collect();
    assert_eq!(
        audit,
        [
            (
                format!("call {live}"),
                "refused: being recorded".to_string()
            ),
            (format!("call {live} (2 utterances)"), "ok".to_string()),
            (format!("call {cut} (0 utterances)"), "ok".to_string()),
        ]
    );
    assert!(matches!(
        other.verify_audit().unwrap(),
        AuditVerdict::Intact { .. }
    ));
    assert!(
        std::fs::read_dir(dir.path().join("live"))
            .unwrap()
            .next()
            .is_none(),
        "no lock file is left behind"
    );
}

#[test]
fn audit_appends_from_many_connections_at_once_keep_one_chain() {
    // Eight open vaults (as eight processes would hold them) append to the audit log at once:
    // each refused delete is audited. Every append must land, each as its own link.
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), Vec::new());
    cfg.allow_delete = false;
    let before = match Vault::open(&cfg).unwrap().verify_audit().unwrap() {
        AuditVerdict::Intact { entries } => entries,
        broken => panic!("{broken:?}"),
    };
    let start = std::sync::Barrier::new(8);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let vault = Vault::open(&cfg).unwrap();
                start.wait();
                for call in 0..25 {
                    assert!(matches!(
                        vault.delete_call(call),
                        Err(VaultError::NotAllowed(_))
                    ));
                }
            });
        }
    });
    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(
        vault.verify_audit().unwrap(),
        AuditVerdict::Intact {
            entries: before + 8 * 25
        }
    );
}

fn hub_config(dir: &Path, limit: u32) -> Config {
    Config {
        hub_url: Some("https://hub.example:8443".into()),
        outbox_limit: limit,
        ..config(dir, Vec::new())
    }
}

#[test]
fn ending_a_call_queues_its_summary_once_and_only_when_a_hub_is_configured() {
    // Without a hub nothing is queued (the negative control).
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&config(dir.path(), Vec::new())).unwrap();
    store_call(&mut vault, None);
    assert_eq!(vault.sync_state().unwrap().queued, 0);
    drop(vault);

    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&hub_config(dir.path(), 100)).unwrap();
    let call = store_call(&mut vault, None);
    let due = vault.outbox_due(10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].call_id, Some(call));
    assert_eq!(due[0].summary_id.len(), 32);
    assert!(due[0].body.is_none());
    // Ending it again (a recovery pass) does not queue it twice.
    vault
        .end_call(
            call,
            1,
            &SentimentTrend {
                quarters: [None; 4],
                direction: TrendDirection::Flat,
            },
            "lexicon",
        )
        .unwrap();
    assert_eq!(vault.sync_state().unwrap().queued, 1);

    // The body is fixed once; a failure backs off; the acknowledgement removes it.
    let id = due[0].summary_id.clone();
    vault.outbox_set_body(&id, "{\"a\":1}").unwrap();
    vault.outbox_set_body(&id, "{\"b\":2}").unwrap();
    vault
        .outbox_failed(&id, "cannot reach the hub", 60_000)
        .unwrap();
    assert!(
        vault.outbox_due(10).unwrap().is_empty(),
        "not due during its backoff"
    );
    let state = vault.sync_state().unwrap();
    assert_eq!(state.last_error.as_deref(), Some("cannot reach the hub"));
    drop(vault);
    // It survives a restart, with its body as first built.
    let vault = Vault::open(&hub_config(dir.path(), 100)).unwrap();
    let raw = raw_connection(dir.path());
    let (body, attempts): (String, u32) = raw
        .query_row("SELECT body, attempts FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((body.as_str(), attempts), ("{\"a\":1}", 1));
    vault.outbox_sent(&id).unwrap();
    let state = vault.sync_state().unwrap();
    assert_eq!(state.queued, 0);
    assert!(state.last_error.is_none());
    assert!(state.last_success_ms.is_some());
}

#[test]
fn a_full_outbox_keeps_the_oldest_and_counts_and_audits_what_it_could_not_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&hub_config(dir.path(), 2)).unwrap();
    let calls: Vec<i64> = (0..4).map(|_| store_call(&mut vault, None)).collect();
    let due = vault.outbox_due(10).unwrap();
    assert_eq!(
        due.iter().map(|e| e.call_id.unwrap()).collect::<Vec<_>>(),
        calls[..2].to_vec(),
        "the oldest are kept"
    );
    let state = vault.sync_state().unwrap();
    assert_eq!((state.queued, state.dropped), (2, 2));
    let full: Vec<_> = vault
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "outbox_full")
        .collect();
    assert_eq!(full.len(), 2);
    assert!(full[0].detail.contains(&format!("call {}", calls[2])));
    assert!(matches!(
        vault.verify_audit().unwrap(),
        AuditVerdict::Intact { .. }
    ));
}

fn utterance(speaker: Speaker, start_ms: u64, text: &str) -> Utterance {
    Utterance {
        speaker,
        start_ms,
        end_ms: start_ms + 900,
        text: text.into(),
        sentiment: Sentiment {
            label: SentimentLabel::Neutral,
            score: 0.0,
        },
        findings: Vec::new(),
    }
}

const FLAT: SentimentTrend = SentimentTrend {
    quarters: [None; 4],
    direction: TrendDirection::Flat,
};

#[test]
fn a_second_pass_replaces_speech_keeps_keypad_entries_and_its_summary_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&hub_config(dir.path(), 100)).unwrap();
    let new_call = NewCall {
        source: "test".into(),
        agent: None,
        direction: None,
        model: "tiny.en".into(),
    };
    let mut session = vault.record(&new_call).unwrap();
    let call = session.id();
    session
        .add(&utterance(Speaker::Agent, 0, "live words"), &[])
        .unwrap();
    session
        .add_keypad(&utterance(Speaker::Caller, 2_000, "[DTMF]"), &[])
        .unwrap();
    session
        .add(&utterance(Speaker::Caller, 4_000, "more live words"), &[])
        .unwrap();
    // The spool, held by this process while the pass runs.
    let spool_path = session.spool_path();
    let spool = earshot_seal::spool::Spool::create(&spool_path, &[Speaker::Caller]).unwrap();
    session.expect_second_pass("base").unwrap();
    session.end(5_000, &FLAT, "lexicon").unwrap();
    assert!(
        vault.outbox_due(10).unwrap().is_empty(),
        "the summary waits for the second pass"
    );
    assert_eq!(vault.sync_state().unwrap().queued, 1);
    let second = [
        (utterance(Speaker::Agent, 100, "better words"), Vec::new()),
        (
            utterance(Speaker::Caller, 3_900, "more better words"),
            Vec::new(),
        ),
        (utterance(Speaker::Caller, 4_500, "and a third"), Vec::new()),
    ];
    vault
        .apply_second_pass(call, "base", &second, &FLAT, "lexicon")
        .unwrap();
    drop(spool);
    let detail = vault.call(call).unwrap();
    let texts: Vec<(u32, &str)> = detail
        .utterances
        .iter()
        .map(|u| (u.seq, u.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (1, "better words"),
            (2, "[DTMF]"),
            (3, "more better words"),
            (4, "and a third")
        ],
        "speech replaced, the keypad entry kept, all numbered in time order"
    );
    let record = &vault.list_calls().unwrap()[0];
    assert_eq!(record.model, "base");
    assert_eq!(record.second_pass_state.as_deref(), Some("done"));
    assert_eq!(vault.outbox_due(10).unwrap().len(), 1, "now it goes");
    // Applied once only: a second apply (or one after giving up) is refused.
    let again = vault.apply_second_pass(call, "base", &second, &FLAT, "lexicon");
    assert!(matches!(again, Err(VaultError::SecondPass(_))), "{again:?}");
    let audit = vault.audit_entries().unwrap();
    assert!(audit.iter().any(|e| e.action == "second_pass"
        && e.detail == format!("call {call}: 3 utterances by base replace 2 by tiny.en")));
}

#[test]
fn a_pending_second_pass_whose_spool_nobody_holds_is_given_up_and_its_summary_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&hub_config(dir.path(), 100)).unwrap();
    let mut session = vault
        .record(&NewCall {
            source: "test".into(),
            agent: None,
            direction: None,
            model: "tiny.en".into(),
        })
        .unwrap();
    let call = session.id();
    session
        .add(&utterance(Speaker::Agent, 0, "live words"), &[])
        .unwrap();
    let spool_path = session.spool_path();
    let spool = earshot_seal::spool::Spool::create(&spool_path, &[Speaker::Agent]).unwrap();
    session.expect_second_pass("base").unwrap();
    session.end(1_000, &FLAT, "lexicon").unwrap();
    // Held: it waits (the positive control).
    assert!(vault.outbox_due(10).unwrap().is_empty());
    // A dead process's spool: its file stays, nobody holds it.
    let kept = std::fs::read(&spool_path).unwrap();
    drop(spool);
    std::fs::write(&spool_path, kept).unwrap();
    drop(vault);
    // The next open deletes it and gives the pass up; the summary goes with the live text.
    let mut vault = Vault::open(&hub_config(dir.path(), 100)).unwrap();
    assert!(!spool_path.exists());
    let record = &vault.list_calls().unwrap()[0];
    assert_eq!(record.second_pass_state.as_deref(), Some("abandoned"));
    assert_eq!(record.model, "tiny.en");
    assert_eq!(vault.outbox_due(10).unwrap().len(), 1);
    let late = vault.apply_second_pass(call, "base", &[], &FLAT, "lexicon");
    assert!(matches!(late, Err(VaultError::SecondPass(_))), "{late:?}");
    assert_eq!(vault.call(call).unwrap().utterances.len(), 1, "kept whole");
}

#[test]
fn a_deleted_calls_id_is_never_given_again_so_its_late_second_pass_touches_no_other_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::open(&config(dir.path(), vec![])).unwrap();
    let new_call = NewCall {
        source: "test".into(),
        agent: None,
        direction: None,
        model: "tiny.en".into(),
    };
    // Call A ends with its second pass pending, and the agent deletes it at once (the last
    // call: SQLite alone would give its id to the next row).
    let mut a = vault.record(&new_call).unwrap();
    let first = a.id();
    let first_spool = a.spool_path();
    a.add(&utterance(Speaker::Agent, 0, "call a's words"), &[])
        .unwrap();
    a.expect_second_pass("base").unwrap();
    a.end(1_000, &FLAT, "lexicon").unwrap();
    vault.delete_call(first).unwrap();
    // Call B, also waiting for its second pass: a new id and a spool of its own.
    let mut b = vault.record(&new_call).unwrap();
    let second = b.id();
    assert!(second > first, "call {second} after deleted call {first}");
    assert_ne!(b.spool_path(), first_spool);
    b.add(&utterance(Speaker::Caller, 0, "call b's words"), &[])
        .unwrap();
    b.expect_second_pass("base").unwrap();
    b.end(1_000, &FLAT, "lexicon").unwrap();
    // A's second pass finishing late finds no call, and B keeps its own words.
    let late = vault.apply_second_pass(
        first,
        "base",
        &[(utterance(Speaker::Agent, 0, "call a again"), Vec::new())],
        &FLAT,
        "lexicon",
    );
    assert!(matches!(late, Err(VaultError::NoSuchCall(_))), "{late:?}");
    let kept = vault.call(second).unwrap();
    assert_eq!(kept.utterances.len(), 1);
    assert_eq!(kept.utterances[0].text, "call b's words");
    // Positive control: B's own pass still applies.
    vault
        .apply_second_pass(
            second,
            "base",
            &[(utterance(Speaker::Caller, 0, "call b better"), Vec::new())],
            &FLAT,
            "lexicon",
        )
        .unwrap();
    assert_eq!(
        vault.call(second).unwrap().utterances[0].text,
        "call b better"
    );
    // Every call gone and the vault opened again (another process, a restart): still new ids.
    vault.delete_call(second).unwrap();
    drop(vault);
    let mut vault = Vault::open(&config(dir.path(), vec![])).unwrap();
    assert!(vault.list_calls().unwrap().is_empty());
    let third = vault.record(&new_call).unwrap().id();
    assert!(third > second, "call {third} after deleted call {second}");
}
