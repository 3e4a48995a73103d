//! The hub over real mutual TLS on loopback: enrollment, idempotent uploads, the detector's 422,
//! the full role matrix (every route × every role), revocation, certificates the hub must
//! refuse, and the audit log's chain and checkpoints.

use earshot_hub::{pki, Hub};
use serde_json::{json, Value};
use std::sync::Arc;

mod support;

use support::client;

/// Which database the hub runs on: every test runs on both.
#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// Each test once per backend.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(super::Backend::Sqlite) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(super::Backend::Postgres) })*
        }
    };
}

on_both!(
    uploads_are_idempotent_and_a_summary_the_detector_flags_is_refused_and_not_stored,
    every_route_answers_only_its_roles_and_every_denial_is_a_bare_403_that_is_audited,
    the_hub_refuses_revoked_expired_foreign_and_unpinned_peers_each_in_plain_words,
    the_audit_chain_catches_an_edit_and_a_checkpoint_catches_a_log_cut_short,
    a_device_over_its_rate_gets_429_and_an_oversized_body_413,
    a_supervisor_pages_through_exactly_their_teams_calls_newest_first,
    web_sign_in_takes_a_password_then_a_fresh_code_and_locks_after_five_failures,
    a_persons_role_and_teams_change_in_place_but_the_last_admin_stays,
);

struct TestHub {
    pg: Option<support::Postgres>,
    store: Arc<dyn earshot_hub::store::HubStore>,
    dir: tempfile::TempDir,
    url: String,
    admin: String,
    enrollment: String,
    ca: String,
    rt: tokio::runtime::Runtime,
}

fn start(backend: Backend) -> TestHub {
    start_with(backend, earshot_hub::Limits::default())
}

fn start_with(backend: Backend, limits: earshot_hub::Limits) -> TestHub {
    let dir = tempfile::tempdir().unwrap();
    let pg = matches!(backend, Backend::Postgres).then(support::Postgres::start);
    let database = match &pg {
        Some(p) => p.url.clone(),
        None => dir.path().join("hub.db").display().to_string(),
    };
    let store = earshot_hub::open_store(&database, 4).unwrap();
    let init = Hub::init_with(
        dir.path(),
        &["localhost".into(), "127.0.0.1".into()],
        "root",
        "blue",
        1,
        Some(store.clone()),
    )
    .unwrap();
    let mut hub = Hub::open(dir.path(), Some(store.clone())).unwrap();
    hub.limits = limits;
    let (rt, url) = support::serve_hub(Arc::new(hub), dir.path());
    let ca = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    TestHub {
        pg,
        store,
        dir,
        url,
        admin: init.admin_token,
        enrollment: init.enrollment_token,
        ca,
        rt,
    }
}

impl TestHub {
    /// Runs SQL on the hub's database behind its back (what someone with the files can do).
    fn tamper(&self, sql: &str) {
        match &self.pg {
            Some(p) => {
                let mut c = ::postgres::Client::connect(&p.url, ::postgres::NoTls).unwrap();
                c.batch_execute(sql).unwrap();
            }
            None => rusqlite::Connection::open(self.dir.path().join("hub.db"))
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
        }
    }

    /// Every stored summary body.
    fn bodies(&self) -> String {
        let list = self
            .store
            .list_summaries(&earshot_hub::store::SummaryFilter {
                limit: 1000,
                ..Default::default()
            })
            .unwrap();
        list.iter()
            .map(|s| s.body.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn call(
        &self,
        c: &reqwest::Client,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), String> {
        support::request(
            &self.rt,
            c,
            &format!("{}{path}", self.url),
            method,
            token,
            body,
        )
    }

    /// Enrolls a device; returns (device id, cert, key).
    fn enroll(&self, token: &str) -> (String, String, String) {
        let key = pki::device_key("ws1").unwrap();
        let (status, out) = self
            .call(
                &client(&self.ca, None),
                "POST",
                "/v1/enroll",
                None,
                Some(json!({
                    "token": token, "csr_pem": key.csr_pem, "agent": "alice", "hostname": "ws1"
                })),
            )
            .unwrap();
        assert_eq!(status, 201, "{out}");
        (
            out["device_id"].as_str().unwrap().into(),
            out["certificate_pem"].as_str().unwrap().into(),
            key.key_pem,
        )
    }

    fn user(&self, name: &str, role: &str, teams: &[&str]) -> String {
        let (status, out) = self
            .call(
                &client(&self.ca, None),
                "POST",
                "/v1/users",
                Some(&self.admin),
                Some(json!({"name": name, "role": role, "teams": teams})),
            )
            .unwrap();
        assert_eq!(status, 201, "{out}");
        out["token"].as_str().unwrap().into()
    }
}

fn summary(id: &str, key_phrase: &str) -> Value {
    let speaker = json!({"turns": 3, "talk_ms": 9000, "sentiment_mean": -0.2,
        "sentiment_quarters": [0.1, null, -0.3, -0.5], "sentiment_trend": "DOWN"});
    json!({
        "summary_id": id, "agent": "alice", "source": "siprec", "started_at_ms": 1_700_000_000_000i64,
        "duration_ms": 60000, "speakers": {"caller": speaker, "agent": speaker},
        "silence_ratio": 0.2, "overtalk_ratio": 0.01, "findings": {"CREDIT_DEBIT_NUMBER": 1},
        "keypad_entries": 0, "key_phrases": [key_phrase],
        "key_turns": [{"speaker": "caller", "start_ms": 1000, "text": "my card is [CREDIT_DEBIT_NUMBER]", "findings": ["CREDIT_DEBIT_NUMBER"]}],
        "key_turn_method": "textrank_minilm",
        "engines": {"earshot": "0.1.0", "asr_model": "tiny.en", "sentiment": "embedding"},
        "withheld": {"key_phrases": 0, "key_turns": 0, "agent": 0}
    })
}

fn upload(id: &str, key_phrase: &str) -> Value {
    json!({"summary": summary(id, key_phrase), "outbox_len": 0, "audit_size": 3, "audit_head": "ab"})
}

const ID: &str = "00112233445566778899aabbccddeeff";

fn uploads_are_idempotent_and_a_summary_the_detector_flags_is_refused_and_not_stored(
    backend: Backend,
) {
    let h = start(backend);
    let (_, cert, key) = h.enroll(&h.enrollment);
    let dev = client(&h.ca, Some((&cert, &key)));
    let path = format!("/v1/summaries/{ID}");
    let (s1, a1) = h
        .call(
            &dev,
            "PUT",
            &path,
            None,
            Some(upload(ID, "billing dispute")),
        )
        .unwrap();
    assert_eq!((s1, a1["stored"].clone()), (201, json!(true)), "{a1}");
    assert!(a1["checkpoint"]["note"]
        .as_str()
        .unwrap()
        .contains("\n\n\u{2014} "));
    let (s2, a2) = h
        .call(
            &dev,
            "PUT",
            &path,
            None,
            Some(upload(ID, "billing dispute")),
        )
        .unwrap();
    assert_eq!(
        (s2, a2["stored"].clone()),
        (200, json!(false)),
        "a retry is acknowledged, not stored twice"
    );

    let other = "ffeeddccbbaa99887766554433221100";
    let (s3, e3) = h
        .call(
            &dev,
            "PUT",
            &format!("/v1/summaries/{other}"),
            None,
            Some(upload(other, "card 4111 1111 1111 1111")),
        )
        .unwrap();
    assert_eq!(s3, 422, "{e3}");
    assert!(
        e3["error"].as_str().unwrap().contains("key_phrases[0]"),
        "{e3}"
    );
    assert!(
        !e3.to_string().contains("4111"),
        "the refusal does not echo the value"
    );
    // A key is text too: a number where a finding type belongs is refused, not echoed.
    let mut keyed = upload(other, "fine");
    keyed["summary"]["findings"] = json!({"4111111111111111": 1});
    let (s4, e4) = h
        .call(
            &dev,
            "PUT",
            &format!("/v1/summaries/{other}"),
            None,
            Some(keyed),
        )
        .unwrap();
    assert_eq!(s4, 422, "{e4}");
    assert!(
        e4["error"].as_str().unwrap().contains("a key of findings")
            && !e4.to_string().contains("4111"),
        "{e4}"
    );
    // Unknown fields and a mismatched id are refused too.
    let mut extra = upload(other, "fine");
    extra["summary"]["transcript"] = json!("hello");
    assert_eq!(
        h.call(
            &dev,
            "PUT",
            &format!("/v1/summaries/{other}"),
            None,
            Some(extra)
        )
        .unwrap()
        .0,
        422
    );
    assert_eq!(
        h.call(
            &dev,
            "PUT",
            &format!("/v1/summaries/{other}"),
            None,
            Some(upload(ID, "fine"))
        )
        .unwrap()
        .0,
        422
    );

    // The device's audit log reported 3 entries; a later upload reporting 2 is an alert in
    // the hub's audit log (the upload itself is taken).
    let third = "0123456789abcdef0123456789abcdef";
    let mut shrunk = upload(third, "refund");
    shrunk["audit_size"] = json!(2);
    let (s, _) = h
        .call(
            &dev,
            "PUT",
            &format!("/v1/summaries/{third}"),
            None,
            Some(shrunk),
        )
        .unwrap();
    assert_eq!(s, 201);
    let alerts: Vec<_> = h
        .store
        .audit(0, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.outcome == "alert")
        .collect();
    assert_eq!(alerts.len(), 1, "only the shrinking upload is flagged");
    assert_eq!(alerts[0].target, "3 entries before, 2 now");

    let sup = h.user("sue", "supervisor", &["blue"]);
    let (_, page) = h
        .call(
            &client(&h.ca, None),
            "GET",
            "/v1/summaries",
            Some(&sup),
            None,
        )
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert!(items.iter().any(|i| i["summary_id"] == ID));
    assert_eq!(items[0]["team"], "blue");
    let stored = h.bodies();
    assert!(
        stored.contains("billing dispute"),
        "positive control: the stored summary is there"
    );
    assert!(!stored.contains("4111"), "the refused summary left nothing");
    if let Backend::Sqlite = backend {
        let db = std::fs::read(h.dir.path().join("hub.db")).unwrap();
        let wal = std::fs::read(h.dir.path().join("hub.db-wal")).unwrap_or_default();
        let files = String::from_utf8_lossy(&[db, wal].concat()).to_string();
        assert!(
            files.contains("billing dispute"),
            "positive control: in the files"
        );
        assert!(
            !files.contains("4111 1111"),
            "nothing of the refused summary in the files"
        );
    }
}

fn every_route_answers_only_its_roles_and_every_denial_is_a_bare_403_that_is_audited(
    backend: Backend,
) {
    let h = start(backend);
    let (device_id, cert, key) = h.enroll(&h.enrollment);
    let anon = client(&h.ca, None);
    let dev = client(&h.ca, Some((&cert, &key)));
    let tokens = [
        ("agent", h.user("alice", "agent", &["blue"])),
        ("supervisor", h.user("sue", "supervisor", &["blue"])),
        ("admin", h.admin.clone()),
        ("auditor", h.user("audrey", "auditor", &[])),
    ];
    let routes: Vec<(&str, String, Option<Value>, &[&str])> = vec![
        (
            "PUT",
            format!("/v1/summaries/{ID}"),
            Some(upload(ID, "billing")),
            &["device"],
        ),
        (
            "POST",
            "/v1/heartbeat".into(),
            Some(
                json!({"on_call": true, "duration_ms": 5000, "caller_trend": "DOWN", "alerts": ["escalation"], "outbox_len": 0}),
            ),
            &["device"],
        ),
        (
            "GET",
            "/v1/summaries".into(),
            None,
            &["agent", "supervisor"],
        ),
        (
            "GET",
            format!("/v1/summaries/{ID}"),
            None,
            &["agent", "supervisor"],
        ),
        ("GET", "/v1/live".into(), None, &["supervisor"]),
        ("GET", "/v1/users".into(), None, &["admin"]),
        (
            "POST",
            "/v1/users".into(),
            Some(json!({"name": "newbie", "role": "agent"})),
            &["admin"],
        ),
        ("DELETE", "/v1/users/nobody".into(), None, &["admin"]),
        ("GET", "/v1/devices".into(), None, &["admin"]),
        ("POST", "/v1/devices/nosuch/revoke".into(), None, &["admin"]),
        ("GET", "/v1/enrollment-tokens".into(), None, &["admin"]),
        (
            "POST",
            "/v1/enrollment-tokens".into(),
            Some(json!({"team": "blue", "days": 1})),
            &["admin"],
        ),
        (
            "POST",
            "/v1/enrollment-tokens/999/revoke".into(),
            None,
            &["admin"],
        ),
        ("GET", "/v1/retention".into(), None, &["admin"]),
        (
            "PUT",
            "/v1/retention".into(),
            Some(json!({"summary_days": 90, "audit_days": 730})),
            &["admin"],
        ),
        ("GET", "/v1/audit".into(), None, &["auditor"]),
        ("GET", "/v1/audit/verify".into(), None, &["auditor"]),
        ("POST", "/v1/audit/checkpoint".into(), None, &["auditor"]),
    ];
    let mut denials = 0;
    for (method, path, body, allowed) in &routes {
        let mut who: Vec<(&str, &reqwest::Client, Option<&str>)> =
            vec![("anonymous", &anon, None), ("device", &dev, None)];
        for (role, t) in &tokens {
            who.push((role, &anon, Some(t.as_str())));
        }
        for (role, c, token) in who {
            let (status, out) = h.call(c, method, path, token, body.clone()).unwrap();
            let case = format!("{method} {path} as {role}: {status} {out}");
            if allowed.contains(&role) {
                assert!(status < 400 || status == 404, "{case}");
            } else if role == "anonymous" {
                assert_eq!(status, 401, "{case}");
                denials += 1;
            } else {
                assert_eq!(status, 403, "{case}");
                assert_eq!(out, json!({"error": "forbidden"}), "{case}");
                denials += 1;
            }
        }
    }
    // Each route was allowed for someone (the positive control of the matrix): the summary
    // and the heartbeat went in, and the supervisor sees both.
    let sup = &tokens[1].1;
    let (_, live) = h.call(&anon, "GET", "/v1/live", Some(sup), None).unwrap();
    assert_eq!(live[0]["device_id"], device_id.as_str(), "{live}");
    assert_eq!(live[0]["alerts"], json!(["escalation"]));
    let (_, one) = h
        .call(
            &anon,
            "GET",
            &format!("/v1/summaries/{ID}"),
            Some(sup),
            None,
        )
        .unwrap();
    assert_eq!(one["summary"]["key_phrases"], json!(["billing"]));
    // An agent sees their own; a supervisor of another team sees nothing.
    let (s, _) = h
        .call(
            &anon,
            "GET",
            &format!("/v1/summaries/{ID}"),
            Some(&tokens[0].1),
            None,
        )
        .unwrap();
    assert_eq!(s, 200);
    let red = h.user("rob", "supervisor", &["red"]);
    let (s, out) = h
        .call(
            &anon,
            "GET",
            &format!("/v1/summaries/{ID}"),
            Some(&red),
            None,
        )
        .unwrap();
    assert_eq!((s, out), (404, json!({"error": "no such summary"})));
    let (_, page) = h
        .call(&anon, "GET", "/v1/summaries", Some(&red), None)
        .unwrap();
    assert_eq!(page["items"], json!([]));

    // Every denial is in the audit log with its outcome.
    let auditor = &tokens[3].1;
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let (_, page) = h
            .call(
                &anon,
                "GET",
                &format!("/v1/audit?after={after}&limit=1000"),
                Some(auditor),
                None,
            )
            .unwrap();
        // Each read is audited too, so every page has something new: stop at a short page.
        let page = page.as_array().unwrap().clone();
        let short = page.len() < 1000;
        after = page
            .last()
            .map(|e| e["id"].as_i64().unwrap())
            .unwrap_or(after);
        all.extend(page);
        if short {
            break;
        }
    }
    let denied = all
        .iter()
        .filter(|e| e["outcome"] == "403" || e["outcome"] == "401")
        .count();
    assert_eq!(denied, denials, "each denial audited once");
    assert!(all
        .iter()
        .any(|e| e["role"] == "device" && e["action"] == "PUT /v1/summaries/{summary_id}"));
    let (_, verdict) = h
        .call(&anon, "GET", "/v1/audit/verify", Some(auditor), None)
        .unwrap();
    assert!(verdict["problem"].is_null(), "{verdict}");
}

fn the_hub_refuses_revoked_expired_foreign_and_unpinned_peers_each_in_plain_words(
    backend: Backend,
) {
    let h = start(backend);
    let (device_id, cert, key) = h.enroll(&h.enrollment);
    let dev = client(&h.ca, Some((&cert, &key)));
    let beat = json!({"on_call": false, "duration_ms": 0, "caller_trend": null, "alerts": [], "outbox_len": 0});
    assert_eq!(
        h.call(&dev, "POST", "/v1/heartbeat", None, Some(beat.clone()))
            .unwrap()
            .0,
        204,
        "positive control"
    );
    // Alert categories are the organisation's names, spaces and all; one that carries a value
    // is refused, and the board keeps what it had.
    let named = json!({"on_call": true, "duration_ms": 5, "caller_trend": "declining",
        "alerts": ["Cancellation risk", "Sensitive input: sealed, not shown"], "outbox_len": 0});
    assert_eq!(
        h.call(&dev, "POST", "/v1/heartbeat", None, Some(named))
            .unwrap()
            .0,
        204
    );
    let valued = json!({"on_call": true, "duration_ms": 5, "caller_trend": null,
        "alerts": ["card 4532 0151 1283 0366"], "outbox_len": 0});
    let (s, out) = h
        .call(&dev, "POST", "/v1/heartbeat", None, Some(valued))
        .unwrap();
    assert_eq!(s, 422, "{out}");
    let supervisor = h.user("sue", "supervisor", &["blue"]);
    let (_, live) = h
        .call(
            &client(&h.ca, None),
            "GET",
            "/v1/live",
            Some(&supervisor),
            None,
        )
        .unwrap();
    assert!(
        live.to_string().contains("Cancellation risk") && !live.to_string().contains("4532"),
        "{live}"
    );

    // The token was one-time.
    let again = pki::device_key("ws2").unwrap();
    let (s, out) = h
        .call(&client(&h.ca, None), "POST", "/v1/enroll", None, Some(json!({"token": h.enrollment, "csr_pem": again.csr_pem, "agent": "bob", "hostname": "ws2"})))
        .unwrap();
    assert_eq!(s, 403);
    assert!(out["error"]
        .as_str()
        .unwrap()
        .contains("used, revoked or expired"));

    // A certificate from another CA, for the same kind of device: the handshake fails.
    let rogue = pki::Ca::create("rogue").unwrap();
    let k = pki::device_key("ws3").unwrap();
    let rogue_cert = rogue.issue_device(&k.csr_pem, &device_id, 30).unwrap();
    let err = h
        .call(
            &client(&h.ca, Some((&rogue_cert, &k.key_pem))),
            "POST",
            "/v1/heartbeat",
            None,
            Some(beat.clone()),
        )
        .unwrap_err();
    // TLS 1.3 finishes the client's side of the handshake before the server has checked the
    // client's certificate, so the refusal arrives as the server's alert or as the closed
    // connection, whichever the client reads first: either way no request was answered.
    assert!(!err.is_empty());
    // An expired certificate from the right CA: refused at the handshake too.
    let ca = pki::Ca {
        cert_pem: h.ca.clone(),
        key_pem: std::fs::read_to_string(h.dir.path().join("ca.key")).unwrap(),
    };
    let k = pki::device_key("ws4").unwrap();
    let expired = ca.issue_device(&k.csr_pem, &device_id, -1).unwrap();
    let err = h
        .call(
            &client(&h.ca, Some((&expired, &k.key_pem))),
            "POST",
            "/v1/heartbeat",
            None,
            Some(beat.clone()),
        )
        .unwrap_err();
    // TLS 1.3 finishes the client's side of the handshake before the server has checked the
    // client's certificate, so the refusal arrives as the server's alert or as the closed
    // connection, whichever the client reads first: either way no request was answered.
    assert!(!err.is_empty());
    // A client that pins another CA does not talk to this hub.
    let err = h
        .call(
            &client(&rogue.cert_pem, Some((&cert, &key))),
            "POST",
            "/v1/heartbeat",
            None,
            Some(beat.clone()),
        )
        .unwrap_err();
    assert!(
        err.contains("UnknownIssuer") || err.to_lowercase().contains("certificate"),
        "{err}"
    );
    // Plain HTTP to the TLS port gets nothing.
    {
        use std::io::{Read, Write};
        let mut tcp = std::net::TcpStream::connect(h.url.trim_start_matches("https://")).unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(15)))
            .unwrap();
        tcp.write_all(b"GET /v1/live HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut got = Vec::new();
        let _ = tcp.read_to_end(&mut got);
        assert!(
            !String::from_utf8_lossy(&got).contains("HTTP/1.1"),
            "plain HTTP got an HTTP answer"
        );
    }

    // Revoked: the next request is refused, saying so.
    let (s, _) = h
        .call(
            &client(&h.ca, None),
            "POST",
            &format!("/v1/devices/{device_id}/revoke"),
            Some(&h.admin),
            None,
        )
        .unwrap();
    assert_eq!(s, 204);
    let (s, out) = h
        .call(&dev, "POST", "/v1/heartbeat", None, Some(beat))
        .unwrap();
    assert_eq!(s, 403);
    assert!(
        out["error"].as_str().unwrap().contains("was revoked"),
        "{out}"
    );
}

fn the_audit_chain_catches_an_edit_and_a_checkpoint_catches_a_log_cut_short(backend: Backend) {
    let h = start(backend);
    let auditor = h.user("audrey", "auditor", &[]);
    let anon = client(&h.ca, None);
    for _ in 0..5 {
        h.call(&anon, "GET", "/v1/users", Some(&h.admin), None)
            .unwrap();
    }
    let (s, cp) = h
        .call(&anon, "POST", "/v1/audit/checkpoint", Some(&auditor), None)
        .unwrap();
    assert_eq!(s, 201);
    let hub = Hub::open(h.dir.path(), Some(h.store.clone())).unwrap();
    assert_eq!(
        hub.verify_audit(&[]).unwrap().problem,
        None,
        "positive control"
    );

    // The append-only guard holds until someone with the database drops it.
    let refused = match backend {
        Backend::Sqlite => rusqlite::Connection::open(h.dir.path().join("hub.db"))
            .unwrap()
            .execute_batch("DELETE FROM audit_log WHERE id = 1")
            .is_err(),
        Backend::Postgres => {
            ::postgres::Client::connect(&h.pg.as_ref().unwrap().url, ::postgres::NoTls)
                .unwrap()
                .batch_execute("DELETE FROM audit_log WHERE id = 1")
                .is_err()
        }
    };
    assert!(refused, "the audit log refuses a delete");
    h.tamper(match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "DROP TRIGGER audit_log_append_only ON audit_log;",
    });
    let original = h.store.audit(2, 1).unwrap()[0].actor.clone();
    h.tamper("UPDATE audit_log SET actor = 'someone' WHERE id = 3;");
    let v = hub.verify_audit(&[]).unwrap();
    assert!(
        v.problem
            .as_deref()
            .unwrap()
            .contains("entry 3 was changed"),
        "{v:?}"
    );
    h.tamper(&format!(
        "UPDATE audit_log SET actor = '{original}' WHERE id = 3;"
    ));
    assert_eq!(hub.verify_audit(&[]).unwrap().problem, None, "restored");

    // Cut short after the checkpoint: the chain alone still links, the checkpoint does not.
    let size = cp["size"].as_i64().unwrap();
    h.tamper(&format!("DELETE FROM audit_log WHERE id >= {};", size - 1));
    let v = hub.verify_audit(&[]).unwrap();
    assert!(v.problem.as_deref().unwrap().contains("cut short"), "{v:?}");
    // A checkpoint forged without the hub's key does not verify.
    let forged: earshot_hub::store::Checkpoint = serde_json::from_value(json!({
        "size": 1, "head": "00", "at_ms": 0, "note": "x/earshot-hub\n1\nAA==\n\n\u{2014} x/earshot-hub AAAA\n"
    })).unwrap();
    assert!(earshot_hub::audit::verify_note(&forged.note, &hub.signer.public_key()).is_err());
}

#[test]
fn the_openapi_document_lists_every_route() {
    let doc = serde_json::to_value(earshot_hub::api::openapi()).unwrap();
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    for p in [
        "/v1/enroll",
        "/v1/summaries/{summary_id}",
        "/v1/summaries",
        "/v1/heartbeat",
        "/v1/live",
        "/v1/users",
        "/v1/users/{name}",
        "/v1/devices",
        "/v1/devices/{id}/revoke",
        "/v1/enrollment-tokens",
        "/v1/enrollment-tokens/{id}/revoke",
        "/v1/retention",
        "/v1/audit",
        "/v1/audit/verify",
        "/v1/audit/checkpoint",
    ] {
        assert!(
            paths.iter().any(|x| x.as_str() == p),
            "{p} missing from {paths:?}"
        );
    }
}

fn a_device_over_its_rate_gets_429_and_an_oversized_body_413(backend: Backend) {
    let h = start_with(
        backend,
        earshot_hub::Limits {
            max_body: 4096,
            device_rate: 0.01,
            device_burst: 3.0,
        },
    );
    let (_, cert, key) = h.enroll(&h.enrollment);
    let dev = client(&h.ca, Some((&cert, &key)));
    let beat = json!({"on_call": true, "duration_ms": 1, "caller_trend": null, "alerts": [], "outbox_len": 0});
    let statuses: Vec<u16> = (0..5)
        .map(|_| {
            h.call(&dev, "POST", "/v1/heartbeat", None, Some(beat.clone()))
                .unwrap()
                .0
        })
        .collect();
    assert_eq!(statuses, vec![204, 204, 204, 429, 429]);
    // People are not rate-limited by the device bucket, and a body over the limit is refused.
    let big = json!({"name": "x".repeat(8000), "role": "agent"});
    let (s, _) = h
        .call(
            &client(&h.ca, None),
            "POST",
            "/v1/users",
            Some(&h.admin),
            Some(big),
        )
        .unwrap();
    assert_eq!(s, 413);
}

fn a_supervisor_pages_through_exactly_their_teams_calls_newest_first(backend: Backend) {
    let h = start(backend);
    let mut expected = Vec::new();
    let mut all = Vec::new();
    for i in 0..60i64 {
        let team = ["blue", "red", "green"][(i % 3) as usize];
        let s = earshot_hub::store::StoredSummary {
            summary_id: format!("{i:032x}"),
            device_id: "d".into(),
            agent: format!("agent{}", i % 4),
            team: team.into(),
            // Ties on the start time: the id breaks them.
            started_at_ms: 1_000 + (i / 4) * 10,
            // Ties in length and sentiment, and calls without a sentiment, for the sorts.
            duration_ms: (i * 37) % 11,
            received_at_ms: earshot_hub::now_ms(),
            caller_sentiment: (i % 4 != 3).then(|| ((i % 5) as f64 - 2.0) / 4.0),
            caller_trend: if i % 7 == 0 { "DOWN" } else { "FLAT" }.into(),
            findings: i % 2,
            // Every fifth call raised a legal threat; the next ones a category that only
            // starts the same, and a checklist score.
            body: match i % 5 {
                0 => json!({"alerts": [{"category": "Asks for a manager", "severity": "warning", "count": 1},
                    {"category": "Legal threat", "severity": "critical", "count": 2}]}),
                1 => json!({"alerts": [{"category": "Legal threat averted", "severity": "info", "count": 1}],
                    "checklist": {"score": 0.4}}),
                _ => json!({}),
            }
            .to_string(),
        };
        assert!(h.store.put_summary(&s).unwrap());
        if team != "green" {
            all.push(s.clone());
        }
        if team != "green" && s.findings > 0 && s.started_at_ms >= 1_020 {
            expected.push((s.started_at_ms, s.summary_id.clone()));
        }
    }
    expected.sort_by(|a, b| b.cmp(a));
    let sup = h.user("sue", "supervisor", &["blue", "red"]);
    let anon = client(&h.ca, None);
    let mut got = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = "/v1/summaries?limit=4&had_sensitive=true&from_ms=1020".to_string();
        if let Some(c) = &cursor {
            q += &format!("&cursor={c}");
        }
        let (s, page) = h.call(&anon, "GET", &q, Some(&sup), None).unwrap();
        assert_eq!(s, 200, "{page}");
        for it in page["items"].as_array().unwrap() {
            got.push((
                it["started_at_ms"].as_i64().unwrap(),
                it["summary_id"].as_str().unwrap().to_string(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    // One team of theirs narrows it; a team not theirs is refused.
    let (_, page) = h
        .call(
            &anon,
            "GET",
            "/v1/summaries?team=red&limit=500",
            Some(&sup),
            None,
        )
        .unwrap();
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["team"] == "red"));
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    let (s, _) = h
        .call(&anon, "GET", "/v1/summaries?team=green", Some(&sup), None)
        .unwrap();
    assert_eq!(s, 403);

    // An alert category narrows it to exactly the calls that raised it, with their pills.
    let (s, page) = h
        .call(
            &anon,
            "GET",
            "/v1/summaries?alert=Legal%20threat&limit=500",
            Some(&sup),
            None,
        )
        .unwrap();
    assert_eq!(s, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let want: Vec<String> = (0..60i64)
        .filter(|i| i % 5 == 0 && i % 3 != 2)
        .map(|i| format!("{i:032x}"))
        .collect();
    let mut ids: Vec<String> = items
        .iter()
        .map(|i| i["summary_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, want);
    assert_eq!(items[0]["alerts"][1]["category"], "Legal threat");
    assert_eq!(items[0]["alerts"][1]["count"], 2);
    let (_, page) = h
        .call(
            &anon,
            "GET",
            "/v1/summaries?alert=Legal%20threat%20averted&limit=500",
            Some(&sup),
            None,
        )
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 8, "{page}");
    assert!(items.iter().all(|i| i["adherence"] == 0.4), "{page}");
    let (_, page) = h
        .call(
            &anon,
            "GET",
            "/v1/summaries?alert=Legal&limit=500",
            Some(&sup),
            None,
        )
        .unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        0,
        "a category matches whole"
    );
    // Each sort, both ways, paged 7 at a time: exactly the order computed here, ties broken
    // by the id, calls without a sentiment last when largest comes first.
    for sort in ["started", "duration", "caller_sentiment", "findings"] {
        for order in ["desc", "asc"] {
            let key = |s: &earshot_hub::store::StoredSummary| match sort {
                "started" => s.started_at_ms as f64,
                "duration" => s.duration_ms as f64,
                "caller_sentiment" => s.caller_sentiment.unwrap_or(-9.0),
                _ => s.findings as f64,
            };
            let mut want: Vec<&earshot_hub::store::StoredSummary> = all.iter().collect();
            want.sort_by(|a, b| {
                key(a)
                    .total_cmp(&key(b))
                    .then(a.summary_id.cmp(&b.summary_id))
            });
            if order == "desc" {
                want.reverse();
            }
            let want: Vec<&str> = want.iter().map(|s| s.summary_id.as_str()).collect();
            let mut got: Vec<String> = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut q = format!("/v1/summaries?limit=7&sort={sort}&order={order}");
                if let Some(c) = &cursor {
                    q += &format!("&cursor={c}");
                }
                let (s, page) = h.call(&anon, "GET", &q, Some(&sup), None).unwrap();
                assert_eq!(s, 200, "{page}");
                got.extend(
                    page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["summary_id"].as_str().unwrap().to_string()),
                );
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break,
                }
            }
            assert_eq!(got, want, "{sort} {order}");
        }
    }
    let (s, _) = h
        .call(&anon, "GET", "/v1/summaries?sort=agent", Some(&sup), None)
        .unwrap();
    assert_eq!(s, 400, "an unknown sort is refused");

    // The caller's trend narrows it on the server, across pages.
    let (_, page) = h
        .call(
            &anon,
            "GET",
            "/v1/summaries?caller_trend=DOWN&limit=500",
            Some(&sup),
            None,
        )
        .unwrap();
    let items = page["items"].as_array().unwrap();
    let want = (0..60i64).filter(|i| i % 7 == 0 && i % 3 != 2).count();
    assert_eq!(items.len(), want, "{page}");
    assert!(items.iter().all(|i| i["caller_trend"] == "DOWN"));
}

/// The TOTP code of a base32 secret at `step` (RFC 6238, SHA-1, 6 digits), computed here
/// independently of the hub.
fn totp_code(secret: &str, step: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut n = 0;
    let mut key = Vec::new();
    for c in secret.trim_end_matches('=').bytes() {
        bits = (bits << 5) | alphabet.iter().position(|a| *a == c).unwrap() as u64;
        n += 5;
        if n >= 8 {
            key.push((bits >> (n - 8)) as u8);
            n -= 8;
        }
    }
    let t = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, 30, key);
    t.generate(step * 30)
}

fn web_sign_in_takes_a_password_then_a_fresh_code_and_locks_after_five_failures(backend: Backend) {
    let h = start(backend);
    h.user("sup", "supervisor", &["blue"]);
    let hub = Hub::open(h.dir.path(), Some(h.store.clone())).unwrap();
    earshot_hub::web::set_password(&hub, "sup", "a long enough password").unwrap();
    // A client that keeps cookies, like a browser.
    let c = support::Browser::new(&h.ca);
    let post = |path: &str, body: Value, csrf: Option<&str>| -> (u16, Value) {
        h.rt.block_on(async {
            let mut r = c
                .request(reqwest::Method::POST, &format!("{}{path}", h.url))
                .json(&body);
            if let Some(t) = csrf {
                r = r.header("x-csrf-token", t);
            }
            let r = r.send().await.unwrap();
            c.keep(&r);
            (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
        })
    };
    let get = |path: &str| -> u16 {
        h.rt.block_on(async {
            let r = c
                .request(reqwest::Method::GET, &format!("{}{path}", h.url))
                .send()
                .await
                .unwrap();
            c.keep(&r);
            r.status().as_u16()
        })
    };

    // Password, then the set-up's code: a session.
    let (s, step) = post(
        "/web/login",
        json!({"name": "sup", "password": "a long enough password"}),
        None,
    );
    assert_eq!(s, 200, "{step}");
    let secret = step["setup"]["secret"].as_str().unwrap().to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 30;
    let (s, me) = post(
        "/web/totp",
        json!({"pending": step["pending"], "code": totp_code(&secret, now)}),
        None,
    );
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["role"], "supervisor");
    let codes: Vec<String> = me["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{me}");
    let csrf = me["csrf"].as_str().unwrap().to_string();
    assert_eq!(get("/web/me"), 200);
    assert_eq!(get("/v1/summaries"), 200, "the session reads the API");
    // A change without the CSRF token is refused; with it, it goes through.
    assert_eq!(post("/web/logout", json!({}), None).0, 403);
    assert_eq!(post("/web/logout", json!({}), Some(&csrf)).0, 204);
    assert_eq!(get("/web/me"), 401, "signed out");
    // A code already used, or a stale one, is refused (a new password step first).
    let (_, again) = post(
        "/web/login",
        json!({"name": "sup", "password": "a long enough password"}),
        None,
    );
    assert!(
        again["setup"].is_null(),
        "the authenticator is set up: {again}"
    );
    let (s, e) = post(
        "/web/totp",
        json!({"pending": again["pending"], "code": totp_code(&secret, now)}),
        None,
    );
    assert_eq!(s, 401, "{e}");
    assert!(e["error"].as_str().unwrap().contains("used already"), "{e}");
    let (s, _) = post(
        "/web/totp",
        json!({"pending": again["pending"], "code": totp_code(&secret, now - 10)}),
        None,
    );
    assert_eq!(s, 401);

    // A recovery code signs in once in place of the authenticator (dashes and case do not
    // matter); a second time it is refused.
    let sign_in_with = |code: &str| -> (u16, Value) {
        let (s, step) = post(
            "/web/login",
            json!({"name": "sup", "password": "a long enough password"}),
            None,
        );
        assert_eq!(s, 200, "{step}");
        post(
            "/web/totp",
            json!({"pending": step["pending"], "code": code}),
            None,
        )
    };
    let typed = codes[0].replace('-', " ").to_uppercase();
    let (s, me) = sign_in_with(&typed);
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["recovery_left"], 9);
    assert!(me["recovery_codes"].is_null(), "codes are shown once: {me}");
    let csrf = me["csrf"].as_str().unwrap().to_string();

    // A password change needs the current password and a long new one; then the new one works.
    let change = |current: &str, new: &str, csrf: &str| {
        post(
            "/web/password",
            json!({"current": current, "new": new}),
            Some(csrf),
        )
        .0
    };
    assert_eq!(
        change("a long enough password", "another long password", "wrong"),
        403
    );
    assert_eq!(change("a long enough password", "short", &csrf), 422);
    assert_eq!(
        change("a long enough password", "another long password", &csrf),
        204
    );
    assert_eq!(get("/web/me"), 200, "the session that changed it goes on");
    assert_eq!(post("/web/logout", json!({}), Some(&csrf)).0, 204);
    let (s, _) = post(
        "/web/login",
        json!({"name": "sup", "password": "another long password"}),
        None,
    );
    assert_eq!(s, 200, "the new password");
    let (s, e) = post(
        "/web/login",
        json!({"name": "sup", "password": "a long enough password"}),
        None,
    );
    assert_eq!(s, 401, "the old password: {e}");
    let (s, e) = {
        let (_, step) = post(
            "/web/login",
            json!({"name": "sup", "password": "another long password"}),
            None,
        );
        post(
            "/web/totp",
            json!({"pending": step["pending"], "code": codes[0]}),
            None,
        )
    };
    assert_eq!(s, 401, "a used recovery code: {e}");

    // Five failures in a row (the codes and the old password above, and wrong passwords) lock the account,
    // even against the right password, and the answer says for how long.
    for _ in 0..3 {
        assert_eq!(
            post(
                "/web/login",
                json!({"name": "sup", "password": "wrong password!"}),
                None
            )
            .0,
            401
        );
    }
    let (s, e) = post(
        "/web/login",
        json!({"name": "sup", "password": "another long password"}),
        None,
    );
    assert_eq!(s, 429, "{e}");
    assert!(e["error"].as_str().unwrap().contains("try again in"), "{e}");
    // A person removed and added again under the same name starts without a web sign-in.
    let admin = client(&h.ca, None);
    assert_eq!(
        h.call(&admin, "DELETE", "/v1/users/sup", Some(&h.admin), None)
            .unwrap()
            .0,
        204
    );
    assert!(h.store.web_login("sup").unwrap().is_none());
    h.user("sup", "supervisor", &["blue"]);
    let (s, _) = post(
        "/web/login",
        json!({"name": "sup", "password": "another long password"}),
        None,
    );
    assert_eq!(s, 401, "the old password is gone with the old person");
    // An unknown name gets the answer a wrong password gets.
    let (s, e) = post(
        "/web/login",
        json!({"name": "nobody", "password": "whatever it is"}),
        None,
    );
    assert_eq!(
        (s, e["error"].as_str().unwrap()),
        (401, "the name, password or code is not right")
    );
    // The audit log names sign-in attempts by person, never by whatever else was typed.
    let log = h.store.audit(0, 100_000).unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "POST /web/login" && e.actor == "sup" && e.role == "sign-in"));
    assert!(!log.iter().any(|e| e.actor == "nobody"));
}

fn a_persons_role_and_teams_change_in_place_but_the_last_admin_stays(backend: Backend) {
    use earshot_hub::store::{Role, User};
    let h = start(backend);
    let token = h.user("sam", "agent", &["blue"]);
    let sam = User {
        name: "sam".into(),
        role: Role::Supervisor,
        teams: vec!["blue".into(), "red".into()],
    };
    assert!(h.store.set_user(&sam).unwrap());
    assert_eq!(h.store.user("sam").unwrap(), Some(sam.clone()));
    // Changed in place: the API token still belongs to the same person.
    assert_eq!(
        h.store
            .user_by_token(&earshot_hub::token_hash(&token))
            .unwrap(),
        Some(sam)
    );
    assert!(!h
        .store
        .set_user(&User {
            name: "nobody".into(),
            role: Role::Agent,
            teams: vec![],
        })
        .unwrap());
    // The only admin cannot be made something else; with a second admin, they can.
    let demoted = User {
        name: "root".into(),
        role: Role::Auditor,
        teams: vec![],
    };
    assert!(matches!(
        h.store.set_user(&demoted),
        Err(earshot_hub::HubError::Guardrail(_))
    ));
    h.user("second", "admin", &[]);
    assert!(h.store.set_user(&demoted).unwrap());
}
