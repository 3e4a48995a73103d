//! Shared by the hub's tests and its load benchmark: a TLS client that pins the hub's CA, and
//! a real PostgreSQL server for a test: `initdb` into a temp dir and `pg_ctl start` on a free
//! loopback port, as the `postgres` user when the tests run as root (PostgreSQL refuses root).
//! Stopped (immediate) when dropped.

use std::path::PathBuf;
use std::process::Command;

pub struct Postgres {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    /// `postgres://…` for the test database.
    pub url: String,
}

fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (cargo xtask setup installs Debian's postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("no PostgreSQL server binaries under /usr/lib/postgresql")
}

fn as_server_user(program: &std::path::Path) -> Command {
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        if unsafe { libc::geteuid() } == 0 {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let out = as_server_user(&bin.join("initdb"))
            .args([
                "-A",
                "trust",
                "-U",
                "earshot",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A free port, asked of the OS and let go: another test's server may take it before
        // this one binds it ("Address already in use"), so a taken port means another try.
        let mut attempt = 0;
        let port = loop {
            attempt += 1;
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let log = dir.path().join(format!("log.{attempt}"));
            let out = as_server_user(&bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .arg("-o")
                .arg(format!(
                    "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
                    dir.path().display()
                ))
                .args(["-w", "start"])
                .output()
                .unwrap();
            if out.status.success() {
                break port;
            }
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            assert!(
                attempt < 5 && log.contains("Address already in use"),
                "pg_ctl start: {}{log}",
                String::from_utf8_lossy(&out.stdout)
            );
        };
        Postgres {
            url: format!("postgres://earshot@127.0.0.1:{port}/postgres"),
            _dir: dir,
            data,
            bin,
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_server_user(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// A rustls client configuration whose only root is the hub CA `ca`, presenting `identity`
/// (certificate and key PEM) when given.
fn tls(ca: &str, identity: Option<(&str, &str)>) -> rustls::ClientConfig {
    use earshot_hub::pki;

    let mut roots = rustls::RootCertStore::empty();
    for c in pki::certs_from_pem(ca).unwrap() {
        roots.add(c).unwrap();
    }
    let b = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots);
    match identity {
        Some((cert, key)) => b
            .with_client_auth_cert(
                pki::certs_from_pem(cert).unwrap(),
                pki::key_from_pem(key).unwrap(),
            )
            .unwrap(),
        None => b.with_no_client_auth(),
    }
}

/// An HTTPS client whose only root is the hub CA `ca`, presenting `identity` (certificate and
/// key PEM) when given.
pub fn client(ca: &str, identity: Option<(&str, &str)>) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls(ca, identity))
        .build()
        .unwrap()
}

/// [`client`] without a client certificate that keeps the hub's cookies as a browser does: a
/// `Set-Cookie` is kept by name (an empty value or `Max-Age=0` drops it) and every later request
/// carries what is kept. The hub sets its cookies on one origin with `Path=/`, so neither domain
/// nor path needs matching. Kept here rather than taken from reqwest's `cookies` feature: a
/// feature only the tests enable changes reqwest, and everything built on it, in the test build,
/// and the installer build (`cargo xtask package`) could not reuse those dependencies.
#[allow(dead_code)] // not every file that includes this module signs in
pub struct Browser {
    client: reqwest::Client,
    jar: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

#[allow(dead_code)]
impl Browser {
    pub fn new(ca: &str) -> Browser {
        Browser {
            client: client(ca, None),
            jar: Default::default(),
        }
    }

    /// A request to `url` that carries the cookies kept so far.
    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let cookies: Vec<String> = self
            .jar
            .lock()
            .unwrap()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let request = self.client.request(method, url);
        if cookies.is_empty() {
            request
        } else {
            request.header(reqwest::header::COOKIE, cookies.join("; "))
        }
    }

    /// Keeps (or drops) the cookies `response` sets.
    pub fn keep(&self, response: &reqwest::Response) {
        let mut jar = self.jar.lock().unwrap();
        for header in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let header = header.to_str().expect("a Set-Cookie header in ASCII");
            let mut parts = header.split(';').map(str::trim);
            let (name, value) = parts
                .next()
                .and_then(|pair| pair.split_once('='))
                .expect("Set-Cookie starts with name=value");
            let expired = parts.any(|a| a.eq_ignore_ascii_case("max-age=0"));
            if value.is_empty() || expired {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
        }
    }
}

/// [`client`] without a client certificate that follows no redirect (to see where one points).
#[allow(dead_code)] // not every file that includes this module needs it
pub fn client_no_redirect(ca: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls(ca, None))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A runtime and a free loopback port to serve a hub on, with its URL (for a hub whose
/// configuration needs its own URL first).
#[allow(dead_code)] // not every file that includes this module serves a hub
pub fn listen() -> (tokio::runtime::Runtime, tokio::net::TcpListener, String) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    (rt, listener, url)
}

/// Serves `hub` (from `dir`) over TLS on `listener`, on `rt`.
#[allow(dead_code)] // not every file that includes this module serves a hub
pub fn serve_on(
    rt: &tokio::runtime::Runtime,
    hub: std::sync::Arc<earshot_hub::Hub>,
    listener: tokio::net::TcpListener,
    dir: &std::path::Path,
) {
    rt.spawn(earshot_hub::serve::run(
        hub,
        listener,
        earshot_hub::serve::tls_config(dir).unwrap(),
    ));
}

/// Serves `hub` (from `dir`) over TLS on a free loopback port; returns the runtime that runs it
/// and its URL.
#[allow(dead_code)] // not every file that includes this module serves a hub
pub fn serve_hub(
    hub: std::sync::Arc<earshot_hub::Hub>,
    dir: &std::path::Path,
) -> (tokio::runtime::Runtime, String) {
    let (rt, listener, url) = listen();
    serve_on(&rt, hub, listener, dir);
    (rt, url)
}

/// One request: its status and JSON body (`null` when it has none); a transport error in words,
/// down to its root.
#[allow(dead_code)] // not every file that includes this module makes requests
pub fn request(
    rt: &tokio::runtime::Runtime,
    c: &reqwest::Client,
    url: &str,
    method: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> Result<(u16, serde_json::Value), String> {
    rt.block_on(async {
        let mut r = c.request(method.parse().unwrap(), url);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.map_err(|e| {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(x) = src {
                s += &format!(": {x}");
                src = x.source();
            }
            s
        })?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await.unwrap_or(serde_json::Value::Null)))
    })
}
