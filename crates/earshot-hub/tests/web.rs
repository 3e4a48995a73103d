//! The hub's web pages in a real browser: Debian's Chromium driven by Playwright
//! (`hub-ui/tests/browser.mjs`), against a hub served here over TLS with summaries uploaded by
//! enrolled devices over mutual TLS, and a device's heartbeats (sent by the script with the
//! device's certificate) on the live board. Screenshots go to `target/screenshots/hub-*.png`.

// Shared with the API tests (this one does not start PostgreSQL).
#[allow(dead_code)]
mod support;

use earshot_hub::{pki, Hub};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::client;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
}

/// Runs the browser script `name` (in `hub-ui/tests/`) with `env`; fails the test unless every
/// check passed and each of `shots` was saved under `target/screenshots/`.
fn run_script(name: &str, env: &[(&str, String)], shots: &[&str]) {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new("node")
        .arg(repo().join("hub-ui/tests").join(name))
        .current_dir(repo().join("hub-ui"))
        .env("SHOTS", &dir)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run node");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{name} failed:\n{text}");
    assert!(text.contains("all checks passed"), "{text}");
    for shot in shots {
        assert!(dir.join(format!("{shot}.png")).is_file(), "{shot}.png");
    }
}

struct Site {
    url: String,
    ca: String,
    admin: String,
    rt: tokio::runtime::Runtime,
}

impl Site {
    fn call(
        &self,
        c: &reqwest::Client,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        support::request(
            &self.rt,
            c,
            &format!("{}{path}", self.url),
            method,
            token,
            body,
        )
        .unwrap()
    }

    /// Enrolls a device for `agent` with `token`; returns its client (and its PEM pair).
    fn device(&self, token: &str, agent: &str) -> (reqwest::Client, String, String) {
        let key = pki::device_key("ws").unwrap();
        let (status, out) = self.call(
            &client(&self.ca, None),
            "POST",
            "/v1/enroll",
            None,
            Some(json!({"token": token, "csr_pem": key.csr_pem, "agent": agent, "hostname": "ws"})),
        );
        assert_eq!(status, 201, "{out}");
        let cert = out["certificate_pem"].as_str().unwrap().to_string();
        (
            client(&self.ca, Some((&cert, &key.key_pem))),
            cert,
            key.key_pem,
        )
    }

    fn upload(&self, dev: &reqwest::Client, id: &str, summary: Value) {
        let (status, out) = self.call(
            dev,
            "PUT",
            &format!("/v1/summaries/{id}"),
            None,
            Some(json!({"summary": summary, "outbox_len": 0, "audit_size": 1, "audit_head": "ab"})),
        );
        assert_eq!(status, 201, "{out}");
    }
}

fn summary(
    id: &str,
    agent: &str,
    minutes_ago: i64,
    trend: &str,
    findings: u32,
    phrase: &str,
    turn: &str,
) -> Value {
    let speaker = json!({"turns": 4, "talk_ms": 21000, "sentiment_mean": -0.2,
        "sentiment_quarters": [0.2, 0.0, -0.3, -0.5], "sentiment_trend": trend});
    let agent_side = json!({"turns": 4, "talk_ms": 18000, "sentiment_mean": 0.3,
        "sentiment_quarters": [0.3, 0.4, 0.2, 0.5], "sentiment_trend": "FLAT"});
    let found = if findings > 0 {
        json!({"CREDIT_DEBIT_NUMBER": findings})
    } else {
        json!({})
    };
    json!({
        "summary_id": id, "agent": agent, "source": "siprec",
        "started_at_ms": earshot_hub::now_ms() - minutes_ago * 60_000,
        "duration_ms": 60000, "speakers": {"caller": speaker, "agent": agent_side},
        "silence_ratio": 0.2, "overtalk_ratio": 0.03, "findings": found,
        "keypad_entries": 1, "key_phrases": [phrase, "payment plan"],
        "key_turns": [{"speaker": "caller", "start_ms": 1000, "text": turn, "findings": []}],
        "key_turn_method": "textrank_minilm",
        "audio_gaps": {"lost_packets": 3, "concealed_ms": 60, "filled_ms": 0, "dropped_ms": 0,
            "spans": [{"speaker": "caller", "kind": "lost", "start_ms": 83000, "end_ms": 83060}]},
        "engines": {"earshot": "0.1.0", "asr_model": "tiny.en", "sentiment": "embedding"},
        "withheld": {"key_phrases": 0, "key_turns": 0, "agent": 0}
    })
}

#[test]
fn a_supervisor_signs_in_with_a_password_and_totp_and_reads_only_their_teams_calls_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let init = Hub::init(dir.path(), &["127.0.0.1".into()], "root", "blue", 1).unwrap();
    let hub = Arc::new(Hub::open(dir.path(), None).unwrap());
    let (rt, url) = support::serve_hub(hub.clone(), dir.path());
    let site = Site {
        url: url.clone(),
        ca: std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
        admin: init.admin_token.clone(),
        rt,
    };

    // The supervisor of team blue, with a web password; a red team with its own device.
    let (status, _) = site.call(
        &client(&site.ca, None),
        "POST",
        "/v1/users",
        Some(&site.admin),
        Some(json!({"name": "sup", "role": "supervisor", "teams": ["blue"]})),
    );
    assert_eq!(status, 201);
    let password = "a long enough password";
    earshot_hub::web::set_password(&hub, "sup", password).unwrap();
    // The first admin (from init) and an auditor sign in on the web too.
    earshot_hub::web::set_password(&hub, "root", "the admin's own password").unwrap();
    let (status, _) = site.call(
        &client(&site.ca, None),
        "POST",
        "/v1/users",
        Some(&site.admin),
        Some(json!({"name": "aud", "role": "auditor", "teams": []})),
    );
    assert_eq!(status, 201);
    earshot_hub::web::set_password(&hub, "aud", "the auditor's password").unwrap();
    assert!(earshot_hub::web::set_password(&hub, "sup", "short").is_err());
    let (status, red) = site.call(
        &client(&site.ca, None),
        "POST",
        "/v1/enrollment-tokens",
        Some(&site.admin),
        Some(json!({"team": "red", "days": 1})),
    );
    assert_eq!(status, 201, "{red}");
    let blue_token_2 = {
        let (status, t) = site.call(
            &client(&site.ca, None),
            "POST",
            "/v1/enrollment-tokens",
            Some(&site.admin),
            Some(json!({"team": "blue", "days": 1})),
        );
        assert_eq!(status, 201);
        t["token"].as_str().unwrap().to_string()
    };

    let (alice, alice_cert, alice_key) = site.device(&init.enrollment_token, "alice");
    let (evil, _, _) = site.device(&blue_token_2, "@evil");
    let (bob, _, _) = site.device(red["token"].as_str().unwrap(), "bob");
    let id = |n: u8| format!("{:032x}", n);
    // The first call raised alerts and missed a checklist item: uploaded as a workstation
    // sends it, through the hub's detector.
    let mut first = summary(
        &id(1),
        "alice",
        10,
        "DOWN",
        1,
        "billing dispute",
        "my card is [CREDIT_DEBIT_NUMBER]",
    );
    first["alerts"] = json!([
        {"category": "Legal threat", "severity": "critical", "count": 2},
        {"category": "Checklist step out of order", "severity": "warning", "count": 1}
    ]);
    first["checklist"] = json!({"checklist": "standard", "score": 0.5, "items": 3,
        "met": ["recording_disclosure", "closing"], "unmet": ["verify_identity"],
        "out_of_order": ["verify_identity"]});
    site.upload(&alice, &id(1), first);
    site.upload(
        &alice,
        &id(2),
        summary(
            &id(2),
            "alice",
            20,
            "UP",
            0,
            "address change",
            "thanks for the help today",
        ),
    );
    site.upload(
        &alice,
        &id(3),
        summary(
            &id(3),
            "alice",
            30,
            "DOWN",
            2,
            "<img src=x onerror=\"alert(1)\">",
            "<script>alert(2)</script> my card is [CREDIT_DEBIT_NUMBER]",
        ),
    );
    site.upload(
        &evil,
        &id(4),
        summary(
            &id(4),
            "@evil",
            40,
            "FLAT",
            0,
            "=HYPERLINK(\"x\")",
            "a plain turn here",
        ),
    );
    site.upload(
        &bob,
        &id(5),
        summary(
            &id(5),
            "bob",
            5,
            "DOWN",
            1,
            "red team call",
            "a red team turn",
        ),
    );

    // The device's identity, for the script's heartbeats.
    let files = tempfile::tempdir().unwrap();
    let pem = |name: &str, body: &str| {
        let p = files.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    run_script(
        "browser.mjs",
        &[
            ("HUB_URL", url.clone()),
            ("HUB_USER", "sup".into()),
            ("HUB_PASSWORD", password.into()),
            ("OTHER_TEAM_ID", id(5)),
            ("XSS_ID", id(3)),
            ("ALERT_ID", id(1)),
            ("DEVICE_CERT", pem("cert.pem", &alice_cert)),
            ("DEVICE_KEY", pem("key.pem", &alice_key)),
            ("HUB_CA", pem("ca.pem", &site.ca)),
            ("ADMIN_USER", "root".into()),
            ("ADMIN_PASSWORD", "the admin's own password".into()),
            ("AUDITOR_USER", "aud".into()),
            ("AUDITOR_PASSWORD", "the auditor's password".into()),
        ],
        &[
            "hub-signin-setup",
            "hub-calls",
            "hub-call-detail",
            "hub-live",
        ],
    );

    // The admin's revocation took effect: the device is refused.
    let (status, refused) = site.call(&evil, "POST", "/v1/heartbeat", None,
        Some(json!({"on_call": false, "duration_ms": 0, "caller_trend": null, "alerts": [], "outbox_len": 0})));
    assert_eq!(status, 403, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("revoked"),
        "{refused}"
    );

    // The sign-ins, refusals and sign-out are in the audit log.
    let log = hub.store.audit(0, 10_000).unwrap();
    let has = |action: &str, outcome: &str| {
        log.iter()
            .any(|e| e.action == action && e.outcome == outcome)
    };
    assert!(has("POST /web/login", "200"), "the password step");
    assert!(
        log.iter().any(|e| e.action == "POST /web/login"
            && e.outcome == "401"
            && e.actor == "sup"
            && e.role == "sign-in"),
        "a failed sign-in is recorded under the name it was for"
    );
    assert!(has("POST /web/totp", "200"), "the second factor");
    assert!(has("POST /web/totp", "401"), "the reused code, refused");
    assert!(
        has("GET /v1/summaries/{summary_id}", "404"),
        "the other team's call, refused"
    );
    assert!(has("POST /web/logout", "204"), "signed out");
}

/// The test OpenID provider (`hub-ui/tests/idp.mjs`), killed when dropped.
struct Idp {
    child: std::process::Child,
    issuer: String,
}

impl Idp {
    fn start(redirect: &str, groups: Value) -> Idp {
        use std::io::BufRead;
        let mut child = std::process::Command::new("node")
            .arg(repo().join("hub-ui/tests/idp.mjs"))
            .current_dir(repo().join("hub-ui"))
            .env("IDP_CLIENT_ID", "earshot-hub")
            .env(
                "IDP_CLIENT_SECRET",
                "the hub's client secret at the provider",
            )
            .env("IDP_REDIRECT", redirect)
            .env("IDP_GROUPS", groups.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(
                std::fs::File::create(target_dir().join("idp.log"))
                    .map(std::process::Stdio::from)
                    .unwrap_or_else(|_| std::process::Stdio::null()),
            )
            .spawn()
            .expect("run node");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let issuer = loop {
            match lines.next() {
                Some(Ok(l)) => {
                    if let Some(i) = l.strip_prefix("ISSUER=") {
                        break i.to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    panic!("the OpenID provider did not start");
                }
            }
        };
        // The provider keeps writing notices: drain them, or it dies of a broken pipe.
        std::thread::spawn(move || for _ in lines {});
        Idp { child, issuer }
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a response without redirect-following points.
fn location(
    rt: &tokio::runtime::Runtime,
    c: &reqwest::Client,
    url: &str,
    cookie: Option<&str>,
) -> (u16, String, Vec<String>) {
    rt.block_on(async {
        let mut req = c.get(url);
        if let Some(v) = cookie {
            req = req.header("cookie", v);
        }
        let r = req.send().await.unwrap();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let cookies = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        (r.status().as_u16(), loc, cookies)
    })
}

#[test]
fn single_sign_on_through_a_real_openid_provider_maps_groups_to_roles_and_flags_the_emergency_admin_in_chromium(
) {
    let dir = tempfile::tempdir().unwrap();
    let init = Hub::init(dir.path(), &["127.0.0.1".into()], "root", "blue", 1).unwrap();
    let (rt, listener, url) = support::listen();
    let idp = Idp::start(
        &format!("{url}/web/sso/callback"),
        json!({"sam": ["staff", "cc-supervisors-blue"], "nora": ["staff"], "root": ["it-admins"],
               "max": ["cc-supervisors-blue", "it-admins"]}),
    );
    std::fs::write(
        dir.path().join("sso.toml"),
        format!(
            r#"issuer = "{}"
client_id = "earshot-hub"
client_secret = "the hub's client secret at the provider"
redirect_url = "{url}/web/sso/callback"
scopes = ["openid", "profile", "groups"]
label = "Sign in with the test provider"

[[groups]]
group = "cc-supervisors-blue"
role = "supervisor"
teams = ["blue"]

[[groups]]
group = "it-admins"
role = "admin"
"#,
            idp.issuer
        ),
    )
    .unwrap();
    let hub = Arc::new(Hub::open(dir.path(), None).unwrap());
    assert!(hub.sso.is_some());
    support::serve_on(&rt, hub.clone(), listener, dir.path());
    let site = Site {
        url: url.clone(),
        ca: std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
        admin: init.admin_token.clone(),
        rt,
    };
    // The emergency admin (local, with a password) and a local supervisor.
    earshot_hub::web::set_password(&hub, "root", "the admin's own password").unwrap();
    let (status, _) = site.call(
        &client(&site.ca, None),
        "POST",
        "/v1/users",
        Some(&site.admin),
        Some(json!({"name": "lsup", "role": "supervisor", "teams": ["blue"]})),
    );
    assert_eq!(status, 201);
    earshot_hub::web::set_password(&hub, "lsup", "a local supervisor password").unwrap();

    // With single sign-on on, a local password is for the emergency admin only.
    let (status, out) = site.call(
        &client(&site.ca, None),
        "POST",
        "/web/login",
        None,
        Some(json!({"name": "lsup", "password": "a local supervisor password"})),
    );
    assert_eq!(status, 403, "{out}");
    assert!(
        out["error"].as_str().unwrap().contains("emergency admin"),
        "{out}"
    );
    let (status, out) = site.call(
        &client(&site.ca, None),
        "POST",
        "/web/login",
        None,
        Some(json!({"name": "root", "password": "the admin's own password"})),
    );
    assert_eq!(status, 200, "{out}");

    // A callback this browser did not start (no flow cookie: login CSRF), or with another
    // state, is refused before the provider is asked anything.
    let raw = support::client_no_redirect(&site.ca);
    let (status, loc, _) = location(
        &site.rt,
        &raw,
        &format!("{url}/web/sso/callback?code=abc&state=def"),
        None,
    );
    assert_eq!((status, loc.as_str()), (303, "/?sso_error=state#/signin"));
    let (status, loc, cookies) = location(&site.rt, &raw, &format!("{url}/web/sso"), None);
    assert_eq!(status, 303);
    assert!(
        loc.starts_with(&format!("{}/auth?", idp.issuer))
            && loc.contains("code_challenge_method=S256")
            && loc.contains("nonce=")
            && loc.contains("state="),
        "{loc}"
    );
    let flow = cookies
        .iter()
        .find(|c| c.starts_with("__Host-earshot-sso="))
        .expect("the flow cookie");
    assert!(
        flow.contains("HttpOnly") && flow.contains("Secure") && flow.contains("SameSite=Lax"),
        "{flow}"
    );
    let flow = flow.split(';').next().unwrap().to_string();
    let (status, loc, _) = location(
        &site.rt,
        &raw,
        &format!("{url}/web/sso/callback?code=abc&state=not-the-state"),
        Some(&flow),
    );
    assert_eq!((status, loc.as_str()), (303, "/?sso_error=state#/signin"));

    // Calls of team blue and of team red.
    let (status, red) = site.call(
        &client(&site.ca, None),
        "POST",
        "/v1/enrollment-tokens",
        Some(&site.admin),
        Some(json!({"team": "red", "days": 1})),
    );
    assert_eq!(status, 201);
    let (alice, _, _) = site.device(&init.enrollment_token, "alice");
    let (bob, _, _) = site.device(red["token"].as_str().unwrap(), "bob");
    let id = |n: u8| format!("{:032x}", n);
    site.upload(
        &alice,
        &id(1),
        summary(&id(1), "alice", 10, "DOWN", 1, "refund", "a blue turn"),
    );
    site.upload(
        &bob,
        &id(2),
        summary(&id(2), "bob", 10, "UP", 0, "red call", "a red turn"),
    );

    run_script(
        "sso.mjs",
        &[
            ("HUB_URL", url.clone()),
            ("IDP_ISSUER", idp.issuer.clone()),
            ("BLUE_ID", id(1)),
            ("RED_ID", id(2)),
            ("ADMIN_USER", "root".into()),
            ("ADMIN_PASSWORD", "the admin's own password".into()),
        ],
        &["hub-sso-signin", "hub-sso-refused", "hub-admin-emergency"],
    );

    // With single sign-on, an admin may give a local password to admins only (the emergency
    // path); someone unknown is a 404.
    for (who, want) in [("sam", 409), ("nobody", 404), ("root", 204)] {
        let (status, out) = site.call(
            &client(&site.ca, None),
            "POST",
            &format!("/web/users/{who}/password"),
            Some(&site.admin),
            Some(json!({"password": "a new long password"})),
        );
        assert_eq!(status, want, "{who}: {out}");
    }

    // The provider's people, as the hub now knows them: only those with one role.
    let users = hub.store.users().unwrap();
    let sam = users
        .iter()
        .find(|u| u.name == "sam")
        .expect("sam was added");
    assert_eq!(
        (sam.role, sam.teams.clone()),
        (
            earshot_hub::store::Role::Supervisor,
            vec!["blue".to_string()]
        )
    );
    assert!(!users.iter().any(|u| u.name == "nora" || u.name == "max"));
    assert_eq!(
        hub.store.user("root").unwrap().unwrap().role,
        earshot_hub::store::Role::Admin
    );

    // The audit log: the provider's sign-in under its name, the refusals, and every request of
    // the emergency admin flagged.
    let log = hub.store.audit(0, 10_000).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "GET /web/sso/callback" && e.actor == "sam" && e.outcome == "303"),
        "the single sign-on is audited under the person's name"
    );
    assert!(
        log.iter().any(|e| e.action == "POST /web/totp"
            && e.actor == "root"
            && e.role == "sign-in (emergency access)"),
        "the emergency sign-in is flagged"
    );
    assert!(
        log.iter()
            .any(|e| e.actor == "root" && e.role == "admin (emergency access)"),
        "the emergency admin's requests are flagged"
    );
    assert!(
        !log.iter()
            .any(|e| e.actor == "sam" && e.role.contains("emergency")),
        "a provider's sign-in is not emergency access"
    );
    let uses = earshot_hub::web::emergency_uses(&hub).unwrap();
    assert_eq!(uses.first().map(|u| u.name.as_str()), Some("root"));
}
