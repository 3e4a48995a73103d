//! The hub end to end, through the real binaries: `earshot hub init` and `earshot hub serve`
//! (mutual TLS on loopback), a workstation that analyzes a call with a card number through the
//! real models and runs `earshot sync` while the hub is down and then up, and a supervisor who
//! reads the summary through the API. Nothing sensitive may be in what the workstation sent (the
//! hub's wire log at trace level holds every request body), nor in what the hub stored, logged
//! or served.

use earshot_callgen::rtp::free_port;
use earshot_callgen::{render_with, sample_call, RenderOptions};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `earshot` as a workstation on `data` with `policy`.
fn workstation(data: &Path, policy: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file")
        .env("EARSHOT_POLICY_FILE", policy)
        .env_remove("EARSHOT_AGE_RECIPIENTS")
        .env_remove("EARSHOT_HUB_URL")
        .env_remove("RUST_LOG");
    cmd
}

fn earshot(data: &Path, policy: &Path, args: &[&str]) -> std::process::Output {
    workstation(data, policy)
        .args(args)
        .output()
        .expect("run earshot")
}

fn text(o: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `earshot hub serve` on `listen` and waits for its "listening" line.
fn serve(hub: &Path, listen: &str, log: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args([
            "hub",
            "serve",
            "--dir",
            hub.to_str().unwrap(),
            "--listen",
            listen,
        ])
        .env("RUST_LOG", "earshot_hub=debug,earshot_hub::wire=trace")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("hub listening on https://"), "{line}");
    // Keep the server's log for the scan at the end.
    let log = log.to_path_buf();
    std::thread::spawn(move || {
        let mut all = line;
        let _ = std::io::Read::read_to_string(&mut stderr, &mut all);
        let _ = std::fs::write(log, all);
    });
    Server(child)
}

/// `earshot hub init --dir DIR`; returns what it printed.
fn hub_init(dir: &Path) -> String {
    let init = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args(["hub", "init", "--dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", text(&init));
    String::from_utf8_lossy(&init.stdout).to_string()
}

/// A workstation policy pointing at `url` with the CA and token `hub init` printed.
fn write_policy(dir: &Path, url: &str, printed: &str) -> std::path::PathBuf {
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "hub_url = \"{url}\"\nhub_ca = \"{}\"\nenrollment_token = \"{}\"\n",
            value_of(printed, "hub_ca"),
            value_of(printed, "enrollment_token")
        ),
    )
    .unwrap();
    policy
}

/// `earshot hub user`; returns the new user's API token.
fn hub_user(dir: &Path, name: &str, role: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args([
            "hub",
            "user",
            "--dir",
            dir.to_str().unwrap(),
            name,
            "--role",
            role,
            "--teams",
            "default",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn value_of<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no {key} in:\n{out}"))
}

/// Every secret of the sample call, spoken or written, lower-cased, and its digits alone.
fn secrets() -> Vec<String> {
    let mut all = Vec::new();
    for s in earshot_callgen::SAMPLE_SECRETS {
        all.push(s.to_lowercase());
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            all.push(digits);
        }
    }
    all
}

/// Whether `text` holds `form` as a value of its own. A short digit form ("1283", "739") counts
/// only when no letter or digit touches it: inside a millisecond timestamp or a hex hash it is
/// chance, not a leak. Longer and spoken forms count anywhere.
fn holds(text: &str, form: &str) -> bool {
    let short_digits = form.len() < 8
        && form
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    if !short_digits {
        return text.contains(form);
    }
    let bytes = text.as_bytes();
    text.match_indices(form).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + form.len()).copied();
        !before.is_some_and(|b| b.is_ascii_alphanumeric())
            && !after.is_some_and(|b| b.is_ascii_alphanumeric())
    })
}

/// Asserts that no form of the sample call's secrets is in `text` (already decoded).
fn assert_clean(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for s in secrets() {
        assert!(!holds(&lower, &s), "{s:?} found in {what}");
    }
}

/// Asserts that no form that cannot occur by chance (the whole number in every notation, the
/// spoken forms) is in a raw file, whose pages hold hashes, keys and timestamps.
fn assert_clean_raw(what: &str, bytes: &[u8]) {
    let lower = String::from_utf8_lossy(bytes).to_lowercase();
    for s in secrets().iter().filter(|s| s.len() >= 8) {
        assert!(!lower.contains(s.as_str()), "{s:?} found in {what}");
    }
}

/// Every text and integer value of every table of the SQLite database at `path`, one per line.
fn database_text(path: &Path) -> String {
    let db =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in &tables {
        let mut stmt = db.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) => out.push_str(&String::from_utf8_lossy(b)),
                    rusqlite::types::ValueRef::Integer(v) => out.push_str(&v.to_string()),
                    _ => {}
                }
                out.push('\n');
            }
        }
    }
    out
}

/// An HTTPS client that trusts only the hub's CA.
fn hub_client(ca: &str) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for c in earshot_hub::pki::certs_from_pem(ca).unwrap() {
        roots.add(c).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap()
}

async fn get(ca: &str, token: &str, url: &str) -> (u16, Value) {
    let client = hub_client(ca);
    let r = client.get(url).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[test]
fn a_call_with_a_card_number_reaches_the_supervisor_as_a_redacted_summary_once_after_the_hub_was_down(
) {
    let hub = tempfile::tempdir().unwrap();
    let printed = hub_init(hub.path());
    let port = free_port();
    let url = format!("https://127.0.0.1:{port}");
    let ws = tempfile::tempdir().unwrap();
    let policy = write_policy(ws.path(), &url, &printed);
    let data = ws.path().join("data");

    // The workstation analyzes a call; ending it queues its summary.
    let call = ws.path().join("call.wav");
    render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    let analyzed = earshot(
        &data,
        &policy,
        &["analyze", "--json", call.to_str().unwrap()],
    );
    assert!(analyzed.status.success(), "{}", text(&analyzed));
    assert!(String::from_utf8_lossy(&analyzed.stdout).contains("CREDIT_DEBIT_NUMBER"));
    let status = earshot(&data, &policy, &["sync", "--status"]);
    let state: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(state["queued"], 1, "{}", text(&status));

    // The hub is down: the sync fails in plain words and the summary stays queued.
    let down = earshot(&data, &policy, &["sync", "--once"]);
    assert!(!down.status.success(), "{}", text(&down));
    assert!(
        String::from_utf8_lossy(&down.stderr).contains("cannot reach the hub"),
        "{}",
        text(&down)
    );
    let state: Value =
        serde_json::from_slice(&earshot(&data, &policy, &["sync", "--status"]).stdout).unwrap();
    assert_eq!(state["queued"], 1);
    assert!(state["last_error"]
        .as_str()
        .unwrap()
        .contains("cannot reach the hub"));

    // The hub comes up: the device enrolls, the summary is sent once.
    let log = ws.path().join("hub.log");
    let server = serve(hub.path(), &format!("127.0.0.1:{port}"), &log);
    let up = earshot(&data, &policy, &["sync", "--once"]);
    assert!(up.status.success(), "{}", text(&up));
    assert!(
        String::from_utf8_lossy(&up.stdout)
            .contains("sent 1, already on the hub 0, discarded 0, still queued 0"),
        "{}",
        text(&up)
    );
    let again = earshot(&data, &policy, &["sync", "--once"]);
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("sent 0, already on the hub 0, discarded 0, still queued 0"),
        "{}",
        text(&again)
    );
    let state: Value =
        serde_json::from_slice(&earshot(&data, &policy, &["sync", "--status"]).stdout).unwrap();
    assert_eq!(state["queued"], 0);
    assert!(state["last_error"].is_null());
    assert!(state["last_success_ms"].as_i64().unwrap() > 0);

    // A supervisor of the team reads it; an auditor may not.
    let sup = hub_user(hub.path(), "sup", "supervisor");
    let auditor = hub_user(hub.path(), "aud", "auditor");
    let ca = std::fs::read_to_string(value_of(&printed, "hub_ca")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // A web password, from standard input; too short is refused in plain words.
    let password = |pw: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_earshot"))
            .args([
                "hub",
                "password",
                "--dir",
                hub.path().to_str().unwrap(),
                "sup",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), format!("{pw}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = password("short");
    assert!(
        !short.status.success() && text(&short).contains("at least 12 characters"),
        "{}",
        text(&short)
    );
    let set = password("a long enough password");
    assert!(set.status.success(), "{}", text(&set));
    let (status, step) = rt.block_on(async {
        let r = hub_client(&ca)
            .post(format!("{url}/web/login"))
            .json(&serde_json::json!({"name": "sup", "password": "a long enough password"}))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    });
    assert_eq!(status, 200, "{step}");
    assert!(step["setup"]["uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    let (status, page) = rt.block_on(get(&ca, &sup, &format!("{url}/v1/summaries")));
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "exactly once: {page}");
    assert!(items[0]["findings"].as_i64().unwrap() >= 1);
    let id = items[0]["summary_id"].as_str().unwrap();
    let (status, detail) = rt.block_on(get(&ca, &sup, &format!("{url}/v1/summaries/{id}")));
    assert_eq!(status, 200);
    assert!(
        detail["summary"]["findings"]["CREDIT_DEBIT_NUMBER"]
            .as_u64()
            .unwrap()
            >= 1,
        "{detail}"
    );
    assert_clean("the supervisor's view", &detail.to_string());
    // A recording has no receiver that could lose audio: no gap figures.
    assert!(detail["summary"]["audio_gaps"].is_null(), "{detail}");
    let (status, denied) = rt.block_on(get(&ca, &auditor, &format!("{url}/v1/summaries/{id}")));
    assert_eq!(status, 403);
    assert_eq!(denied, serde_json::json!({"error": "forbidden"}));
    let (status, verdict) = rt.block_on(get(&ca, &auditor, &format!("{url}/v1/audit/verify")));
    assert_eq!(status, 200);
    assert!(verdict["problem"].is_null(), "{verdict}");
    assert!(verdict["entries"].as_i64().unwrap() >= 5, "{verdict}");
    drop(server);

    // Nothing sensitive in anything the hub holds or logged, nor in the body the workstation
    // sent (kept in its outbox until acknowledged; the hub stores it verbatim).
    for f in std::fs::read_dir(hub.path()).unwrap() {
        let f = f.unwrap().path();
        assert_clean_raw(&f.display().to_string(), &std::fs::read(&f).unwrap());
    }
    let rows = database_text(&hub.path().join("hub.db"));
    assert!(
        rows.contains(id) && rows.contains("CREDIT_DEBIT_NUMBER"),
        "positive control: the hub's database holds the summary"
    );
    assert_clean("the hub's database, every row", &rows);
    std::thread::sleep(std::time::Duration::from_millis(200));
    // The hub's wire log holds every body the workstation sent (the enrollment's by size only).
    let wire = String::from_utf8_lossy(&std::fs::read(&log).unwrap_or_default()).to_string();
    assert!(
        wire.contains(&format!("\"summary_id\":\"{id}\"")) && wire.contains("CREDIT_DEBIT_NUMBER"),
        "positive control: the upload's body is in the wire log:\n{wire}"
    );
    assert_clean("the hub's log (every body the workstation sent)", &wire);
    // Negative control of the scan itself: a leaked number is caught, a timestamp is not.
    assert!(holds("card 4532 0151 1283 0366", "1283"));
    assert!(holds("\"cvv\":\"739\"", "739"));
    assert!(!holds("1764485128312 a1283f", "1283"));
}

/// A TCP relay between the workstation and the hub. While `swallow` is set, once the client has
/// sent more than its TLS ClientHello (the handshake's second flight and the request follow it),
/// the hub's answers are dropped: the hub gets and stores the upload, the workstation never
/// hears back.
fn relay(to: String, swallow: std::sync::Arc<std::sync::atomic::AtomicBool>) -> u16 {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let Ok(server) = std::net::TcpStream::connect(&to) else {
                continue;
            };
            let sent = std::sync::Arc::new(AtomicUsize::new(0));
            let swallowing = swallow.load(Ordering::SeqCst);
            let (mut c_in, mut c_out) = (client.try_clone().unwrap(), client);
            let (mut s_in, mut s_out) = (server.try_clone().unwrap(), server);
            let up = sent.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 16384];
                while let Ok(n) = c_in.read(&mut buf) {
                    if n == 0 || s_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    up.fetch_add(n, Ordering::SeqCst);
                }
                let _ = s_out.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let mut buf = [0u8; 16384];
                while let Ok(n) = s_in.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if swallowing && sent.load(Ordering::SeqCst) > 1500 {
                        continue;
                    }
                    if c_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn a_workstation_killed_before_the_hub_answered_sends_again_and_the_hub_keeps_one() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let hub = tempfile::tempdir().unwrap();
    let printed = hub_init(hub.path());
    let ws = tempfile::tempdir().unwrap();
    let hub_port = free_port();
    let server = serve(
        hub.path(),
        &format!("127.0.0.1:{hub_port}"),
        &ws.path().join("hub.log"),
    );
    let swallow = std::sync::Arc::new(AtomicBool::new(false));
    let port = relay(format!("127.0.0.1:{hub_port}"), swallow.clone());
    let url = format!("https://127.0.0.1:{port}");
    let policy = write_policy(ws.path(), &url, &printed);
    let data = ws.path().join("data");
    // Enrolled first, with nothing to send.
    let enrolled = earshot(&data, &policy, &["sync", "--once"]);
    assert!(enrolled.status.success(), "{}", text(&enrolled));
    let call = ws.path().join("call.wav");
    render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    let analyzed = earshot(&data, &policy, &["analyze", call.to_str().unwrap()]);
    assert!(analyzed.status.success(), "{}", text(&analyzed));

    let sup = hub_user(hub.path(), "sup", "supervisor");
    let ca = std::fs::read_to_string(value_of(&printed, "hub_ca")).unwrap();
    let direct = format!("https://127.0.0.1:{hub_port}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let count = || {
        let (_, page) = rt.block_on(get(&ca, &sup, &format!("{direct}/v1/summaries")));
        page["items"].as_array().map(Vec::len).unwrap_or(0)
    };
    assert_eq!(count(), 0);

    // The upload reaches the hub; its answer does not reach the workstation, which is killed.
    swallow.store(true, Ordering::SeqCst);
    let mut sync = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args(["sync", "--once"])
        .env("EARSHOT_DATA_DIR", &data)
        .env("EARSHOT_KEY_STORE", "file")
        .env("EARSHOT_POLICY_FILE", &policy)
        .env_remove("EARSHOT_HUB_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while count() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the upload never reached the hub"
        );
        assert!(
            sync.try_wait().unwrap().is_none(),
            "sync ended without the hub's answer"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    sync.kill().unwrap(); // SIGKILL
    let _ = sync.wait();
    let state: Value =
        serde_json::from_slice(&earshot(&data, &policy, &["sync", "--status"]).stdout).unwrap();
    assert_eq!(state["queued"], 1, "not acknowledged, so still queued");

    // Next time it is sent again; the hub acknowledges it and keeps one.
    swallow.store(false, Ordering::SeqCst);
    let again = earshot(&data, &policy, &["sync", "--once"]);
    assert!(
        String::from_utf8_lossy(&again.stdout)
            .contains("sent 0, already on the hub 1, discarded 0, still queued 0"),
        "{}",
        text(&again)
    );
    assert_eq!(count(), 1, "exactly once");
    drop(server);
}

/// Polls `probe` every 200 ms until it gives something, for at most `secs` seconds.
fn until<T>(what: &str, secs: u64, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The app's path, in process: the sync worker starts while the hub is down (the status says so
/// in plain words, nothing is queued but the summaries), enrolls when it comes up, tells the
/// supervisors' live board that the device is idle, then on a call with its length so far, then
/// idle again, and sends the call's summary once.
#[test]
fn the_apps_sync_worker_enrolls_when_the_hub_comes_up_beats_during_a_call_and_sends_its_summary() {
    use earshot_session::sync::{sync_status, LiveBoard, SyncWorker, Timing};
    let hub = tempfile::tempdir().unwrap();
    let printed = hub_init(hub.path());
    let port = free_port();
    let url = format!("https://127.0.0.1:{port}");
    let ws = tempfile::tempdir().unwrap();
    let policy = write_policy(ws.path(), &url, &printed);
    let data = ws.path().join("data");
    let env = |k: &str| match k {
        "EARSHOT_DATA_DIR" => Some(data.display().to_string()),
        "EARSHOT_KEY_STORE" => Some("file".to_string()),
        "EARSHOT_POLICY_FILE" => Some(policy.display().to_string()),
        _ => None,
    };
    let config = earshot_config::Config::load_from(env).unwrap();
    let board = LiveBoard::default();
    let fast = Timing {
        sync_every: std::time::Duration::from_millis(300),
        beat_every: std::time::Duration::from_millis(300),
    };
    let worker = SyncWorker::start(&config, board.clone(), fast).expect("a hub is configured");

    // The hub is down: the status says so in plain words; nothing is queued.
    let down = until("the worker reports the hub down", 30, || {
        sync_status(&config)
            .unwrap()
            .filter(|s| s.last_error.is_some())
    });
    assert!(
        down.last_error
            .as_deref()
            .unwrap()
            .contains("cannot reach the hub"),
        "{down:?}"
    );
    assert_eq!(down.queued, 0);
    assert_eq!(down.last_success_ms, None);
    assert_eq!(down.hub, url);

    // The hub comes up: the device enrolls (after its backoff) and shows as idle on the board.
    let log = ws.path().join("hub.log");
    let server = serve(hub.path(), &format!("127.0.0.1:{port}"), &log);
    let sup = hub_user(hub.path(), "sup", "supervisor");
    let ca = std::fs::read_to_string(value_of(&printed, "hub_ca")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let live = |rt: &tokio::runtime::Runtime| {
        let (status, beats) = rt.block_on(get(&ca, &sup, &format!("{url}/v1/live")));
        assert_eq!(status, 200, "{beats}");
        beats.as_array().unwrap().first().cloned()
    };
    let idle = until("an idle heartbeat", 60, || live(&rt));
    assert_eq!(idle["on_call"], false, "{idle}");
    assert_eq!(idle["team"], "default", "{idle}");

    // A call, played at twice real time through the live engine, as the app does.
    let call = ws.path().join("call.wav");
    render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    let on_call = {
        let (config, board) = (config.clone(), board.clone());
        std::thread::spawn(move || {
            let mut station = earshot_session::Workstation::open_config(config).unwrap();
            board.begin();
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let id = earshot_session::record_file(
                &mut station,
                &call,
                2.0,
                earshot_pipeline::LiveOptions::default(),
                stop,
                |e| {
                    board.observe(e);
                    Ok::<(), ()>(())
                },
            )
            .unwrap()
            .call
            .unwrap();
            board.end();
            id
        })
    };
    let beat = until("a heartbeat from the call", 60, || {
        live(&rt).filter(|b| b["on_call"] == true && b["duration_ms"].as_i64().unwrap() > 0)
    });
    // Alerts reach the board as categories; the only one this call can raise is the hygiene
    // one for the caller's card number.
    let sealed_input = "Sensitive input: sealed, not shown";
    let alerts_of = |b: &serde_json::Value| -> Vec<String> {
        b["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    assert!(alerts_of(&beat).iter().all(|a| a == sealed_input), "{beat}");
    // Every beat of the call: its length grows, and the caller's trend so far appears once the
    // caller's first turn is scored (a category, never text).
    let mut beats = vec![beat];
    while !on_call.is_finished() {
        if let Some(b) = live(&rt).filter(|b| b["on_call"] == true) {
            beats.push(b);
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    on_call.join().unwrap();
    // (Whether a beat falls after the card number's final depends on the clock: the board's
    // alerts are tested in `earshot_session::sync`; here, only that nothing else appears.)
    assert!(
        beats
            .iter()
            .all(|b| alerts_of(b).iter().all(|a| a == sealed_input)),
        "{beats:?}"
    );
    let lengths: Vec<i64> = beats
        .iter()
        .map(|b| b["duration_ms"].as_i64().unwrap())
        .collect();
    assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "{lengths:?}");
    assert!(lengths.last() > lengths.first(), "{lengths:?}");
    assert!(
        beats
            .iter()
            .any(|b| matches!(b["caller_trend"].as_str(), Some("UP" | "DOWN" | "FLAT"))),
        "{beats:?}"
    );

    // After the call: the board shows the device idle again, the summary arrives once.
    until("an idle heartbeat after the call", 30, || {
        live(&rt).filter(|b| b["on_call"] == false)
    });
    let page = until("the call's summary on the hub", 120, || {
        let (status, page) = rt.block_on(get(&ca, &sup, &format!("{url}/v1/summaries")));
        assert_eq!(status, 200, "{page}");
        (!page["items"].as_array().unwrap().is_empty()).then_some(page)
    });
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let done = until("the status shows the success", 30, || {
        sync_status(&config)
            .unwrap()
            .filter(|s| s.last_success_ms.is_some())
    });
    assert_eq!(done.queued, 0, "{done:?}");
    assert_eq!(done.last_error, None, "{done:?}");
    drop(worker);
    drop(server);
}

/// `earshot sync` left running: started while the hub is down, it says so and retries, and
/// once the hub is up it enrolls and passes over the outbox.
#[test]
fn a_running_sync_started_while_the_hub_is_down_waits_for_it() {
    let hub = tempfile::tempdir().unwrap();
    let printed = hub_init(hub.path());
    let port = free_port();
    let url = format!("https://127.0.0.1:{port}");
    let ws = tempfile::tempdir().unwrap();
    let policy = write_policy(ws.path(), &url, &printed);
    let mut sync = workstation(&ws.path().join("data"), &policy)
        .arg("sync")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(sync.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("will retry") {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "sync exited:\n{said}"
        );
        said.push_str(&line);
    }
    assert!(said.contains("cannot reach the hub"), "{said}");
    let server = serve(
        hub.path(),
        &format!("127.0.0.1:{port}"),
        &ws.path().join("hub.log"),
    );
    // The first pass after enrolling (backoff: at most 3 s, then 6 s, …).
    let mut out = BufReader::new(sync.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let _ = sync.kill();
    let _ = sync.wait();
    drop(server);
    assert!(
        first.contains("sent 0, already on the hub 0, discarded 0, still queued 0"),
        "{first}"
    );
}
