//! The real app in a real window: Xvfb, `tauri-driver` and WebKitWebDriver drive the built
//! binary like an agent would. A generated call is opened; finals from both speakers appear; the
//! card number exists only as a chip and is absent from the page source; History lists the call;
//! a command no capability grants is refused. Screenshots of each screen are kept under
//! `<target>/screenshots/`.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A process that is stopped (SIGTERM: tauri-driver then stops WebKitWebDriver) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A W3C WebDriver session over plain HTTP.
struct Driver {
    base: String,
}

impl Driver {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.base, path);
        let req = ureq::request(method, &url).timeout(Duration::from_secs(60));
        let resp = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        let v: Value = match resp {
            Ok(r) => r.into_json().unwrap(),
            Err(ureq::Error::Status(_, r)) => r.into_json().unwrap(),
            Err(e) => panic!("{method} {path}: {e}"),
        };
        v["value"].clone()
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_object()?.values().next()?.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn find(&self, css: &str) -> String {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element {css}"))
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    fn screenshot(&self, to: &Path) {
        use base64::Engine;
        let png = self.call("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(to, bytes).unwrap();
    }

    fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&Driver) -> bool) {
        let deadline = Instant::now() + timeout;
        while !ok(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; page:\n{}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

fn target_dir() -> PathBuf {
    // .../target/debug/deps/window-xxxx -> .../target
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

#[test]
fn an_agent_opens_a_call_sees_both_speakers_and_finds_it_in_history() {
    let work = tempfile::tempdir().unwrap();
    let call = work.path().join("call.wav");
    earshot_callgen::render(&earshot_callgen::sample_call(), &call).expect("espeak-ng and sox");
    let shots = target_dir().join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    // A display of our own.
    let display = format!(":{}", 90 + std::process::id() % 100);
    let _xvfb = Running(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (cargo xtask setup installs it)"),
    );
    std::thread::sleep(Duration::from_millis(800));

    let port = free_port();
    let native_port = free_port();
    let data = work.path().join("data");
    let _driver = Running(
        Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("EARSHOT_DATA_DIR", &data)
            .env("EARSHOT_KEY_STORE", "file")
            .env_remove("EARSHOT_AGE_RECIPIENTS")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver (cargo xtask setup installs it)"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "tauri-driver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let session = ureq::post(&format!("{base}/session"))
        .timeout(Duration::from_secs(120))
        .send_json(json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": env!("CARGO_BIN_EXE_earshot-app")}
        }}}))
        .expect("a WebDriver session")
        .into_json::<Value>()
        .unwrap();
    let id = session["value"]["sessionId"].as_str().unwrap().to_string();
    let d = Driver {
        base: format!("{base}/session/{id}"),
    };

    // Open the call, as fast as the engine goes.
    d.wait_for("the window", Duration::from_secs(30), |d| {
        !d.find_all("#file-path").is_empty()
    });
    d.type_into("#file-path", call.to_str().unwrap());
    d.click("#realtime");
    d.click("#open");
    d.wait_for("the end of the call", Duration::from_secs(240), |d| {
        d.source().contains("ended at")
    });
    // The status bar names the model and says where calls are stored, encrypted.
    let status = d.source();
    assert!(
        status.contains("tiny.en") && status.contains("SQLCipher"),
        "{status}"
    );
    let finals = |who: &str| {
        d.find_all(&format!("li.turn.{who}[data-state=final]"))
            .len()
    };
    assert!(
        finals("caller") >= 3 && finals("agent") >= 3,
        "{}",
        d.source()
    );
    // The card number is a chip, and its digits are nowhere in the page.
    assert!(!d
        .find_all(".chip[data-type=CREDIT_DEBIT_NUMBER]")
        .is_empty());
    let page = d.source();
    for secret in ["4532", "0151", "1283", "0366", "739", "four five three two"] {
        assert!(
            !page.to_lowercase().contains(secret),
            "{secret} in the page"
        );
    }
    d.screenshot(&shots.join("live-call.png"));

    // History lists it.
    d.click("#tab-history");
    d.wait_for("the call in History", Duration::from_secs(20), |d| {
        d.source().contains("call.wav")
    });
    d.screenshot(&shots.join("history.png"));

    // The window's capability does not grant `purge_calls`: the app refuses it.
    let refused = d.script(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('purge_calls').then(v => done('allowed: ' + v), e => done(String(e)));",
    );
    assert!(
        refused.as_str().unwrap_or_default().contains("not allowed"),
        "{refused}"
    );
    // While a granted command works.
    let listed = d.script(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('list_calls').then(v => done(v.length), e => done(String(e)));",
    );
    assert_eq!(listed, json!(1));
    d.call("DELETE", "", None);
}
