//! Updates from where the organisation's policy points, and nowhere else: Tauri's updater asks
//! `update_url` (trusting only `update_ca` when the policy names one), downloads a newer release
//! and verifies its minisign signature with `update_pubkey`, the version it was signed for
//! included, before it is offered. It installs only when the agent says so with no call on.
//! Without `update_url` nothing is asked, ever. The window hears `update-status`.

use earshot_config::Config;
use earshot_session::update::{UpdateStatus, CHECK_EVERY};
use std::sync::Mutex;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_updater::{Update, UpdaterExt};

/// The app's updating: where it stands, and the release ready to install.
#[derive(Default)]
pub struct Updates {
    status: Mutex<UpdateStatus>,
    ready: Mutex<Option<(Update, Vec<u8>)>>,
}

impl Updates {
    /// Where updating stands (`Off` until a check starts).
    pub fn status(&self) -> UpdateStatus {
        lock(&self.status).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn set(app: &AppHandle, status: UpdateStatus) {
    *lock(&app.state::<Updates>().status) = status.clone();
    let _ = app.emit("update-status", status);
}

/// Starts looking for updates (at once, then every [`CHECK_EVERY`]) when the policy sets
/// `update_url`; otherwise does nothing.
pub fn start(app: &AppHandle, config: &Config) {
    let (Some(url), Some(pubkey)) = (config.update_url.clone(), config.update_pubkey.clone())
    else {
        return;
    };
    let ca = config.update_ca.clone();
    let app = app.clone();
    set(&app, UpdateStatus::Checking);
    tauri::async_runtime::spawn(async move {
        loop {
            let status = check(&app, &url, &pubkey, ca.as_deref()).await;
            tracing::info!(?status, "update check");
            set(&app, status);
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

/// One check: the manifest, then (for a newer release) its download and verification.
async fn check(
    app: &AppHandle,
    url: &str,
    pubkey: &str,
    ca: Option<&std::path::Path>,
) -> UpdateStatus {
    let failed = |reason: String| UpdateStatus::Failed { reason };
    // What the last check downloaded goes: the status always tells of this check.
    *lock(&app.state::<Updates>().ready) = None;
    let pinned = match ca.map(std::fs::read).transpose() {
        Ok(pem) => pem,
        Err(e) => return failed(format!("cannot read update_ca: {e}")),
    };
    let pinned = match pinned.map(|pem| reqwest::Certificate::from_pem_bundle(&pem)) {
        Some(Ok(certs)) if certs.is_empty() => {
            return failed("update_ca holds no certificate".into())
        }
        Some(Err(e)) => return failed(format!("update_ca is not a PEM certificate: {e}")),
        Some(Ok(certs)) => Some(certs),
        None => None,
    };
    let endpoint = match url.parse() {
        Ok(u) => u,
        Err(e) => return failed(format!("update_url: {e}")),
    };
    let builder = match app.updater_builder().endpoints(vec![endpoint]) {
        Ok(b) => b,
        Err(e) => return failed(e.to_string()),
    };
    let updater = builder
        .pubkey(pubkey)
        .timeout(std::time::Duration::from_secs(120))
        .configure_client(move |client| match &pinned {
            Some(certs) => client.tls_certs_only(certs.clone()),
            None => client,
        })
        .build();
    let update = match updater {
        Ok(u) => u.check().await,
        Err(e) => return failed(e.to_string()),
    };
    let update = match update {
        Ok(Some(update)) => update,
        Ok(None) => {
            return UpdateStatus::UpToDate {
                version: app.package_info().version.to_string(),
            }
        }
        Err(e) => return failed(e.to_string()),
    };
    let version = update.version.clone();
    match update.download(|_, _| {}, || {}).await {
        Ok(bytes) => {
            *lock(&app.state::<Updates>().ready) = Some((update, bytes));
            UpdateStatus::Ready { version }
        }
        Err(
            e @ (tauri_plugin_updater::Error::Minisign(_)
            | tauri_plugin_updater::Error::Base64(_)
            | tauri_plugin_updater::Error::SignatureUtf8(_)
            | tauri_plugin_updater::Error::SignedVersionMismatch { .. }
            | tauri_plugin_updater::Error::MissingSignedVersion),
        ) => UpdateStatus::Refused {
            version,
            reason: format!("not signed by the organisation's update key for this version ({e})"),
        },
        Err(e) => failed(e.to_string()),
    }
}

/// Installs the release that is ready, then restarts into it. Run under the station's lock
/// (`Station::while_idle`): refused while a call or the SIPREC receiver runs, and none starts
/// meanwhile. Refused too with nothing ready, or (Linux) in a build no package installed.
pub fn install(app: &AppHandle) -> Result<(), String> {
    let updates = app.state::<Updates>();
    let mut ready = lock(&updates.ready);
    if ready.is_none() {
        return Err("no update is ready".into());
    }
    #[cfg(target_os = "linux")]
    if tauri::utils::platform::bundle_type().is_none() {
        return Err(
            "this copy of Earshot was not installed from a package: install the release's package instead"
                .into(),
        );
    }
    let Some((update, bytes)) = ready.take() else {
        return Err("no update is ready".into());
    };
    drop(ready);
    let version = update.version.clone();
    set(
        app,
        UpdateStatus::Installing {
            version: version.clone(),
        },
    );
    match update.install(&bytes) {
        Ok(()) => {
            tracing::info!(%version, "update installed: restarting");
            app.restart()
        }
        Err(e) => {
            set(app, UpdateStatus::Ready { version });
            *lock(&app.state::<Updates>().ready) = Some((update, bytes));
            Err(format!("the update did not install: {e}"))
        }
    }
}

/// When the app restarts into an update, the new process is the old one's child, started just
/// before the old one exits. Its GTK application must not register while the old one still
/// holds the application's name on the session bus: once, under load, registering failed as
/// the old process went away, and the new process panicked before its window (tao's "Failed to
/// initialize gtk backend", 1 of 30 runs of the window tests' update test). So a process whose
/// parent is this same program (its binary replaced by the update or not) waits, at most
/// [`RESTART_WAIT`], until that parent is gone (it is then no longer our parent). Any other
/// start waits for nothing. Linux only: elsewhere it returns at once.
pub fn wait_for_the_instance_that_restarted_us() {
    #[cfg(target_os = "linux")]
    {
        let parent = std::os::unix::process::parent_id();
        let me = std::fs::read_link("/proc/self/exe");
        let theirs = std::fs::read_link(format!("/proc/{parent}/exe"));
        let (Ok(me), Ok(theirs)) = (me, theirs) else {
            return;
        };
        if !same_program(&me, &theirs) {
            return;
        }
        let started = std::time::Instant::now();
        while std::os::unix::process::parent_id() == parent {
            if started.elapsed() > RESTART_WAIT {
                tracing::warn!(
                    "the instance that restarted this one has not exited: starting anyway"
                );
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        tracing::info!(
            waited_ms = started.elapsed().as_millis() as u64,
            "the instance that restarted this one has exited"
        );
    }
}

/// How long a restarted app waits for the instance that started it to exit.
pub const RESTART_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether two processes' binaries (`/proc/PID/exe`) are the same program: the same path, the
/// kernel's " (deleted)" taken off (a package update replaces the running binary's file).
fn same_program(a: &std::path::Path, b: &std::path::Path) -> bool {
    let strip = |p: &std::path::Path| {
        let s = p.to_string_lossy();
        s.strip_suffix(" (deleted)").unwrap_or(&s).to_string()
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_binary_the_update_replaced_is_the_same_program() {
        let new = Path::new("/usr/bin/earshot-app");
        assert!(same_program(
            new,
            Path::new("/usr/bin/earshot-app (deleted)")
        ));
        assert!(same_program(new, new));
        // Controls: a launcher, a shell, another copy of the app elsewhere.
        for other in [
            "/usr/bin/bash",
            "/usr/bin/gnome-shell",
            "/opt/earshot/earshot-app",
        ] {
            assert!(!same_program(new, Path::new(other)), "{other}");
        }
    }

    /// The roles of [`a_restarted_process_waits_until_the_old_one_is_gone`]'s two processes,
    /// both this test binary: "old" starts "new" as a restart does, lingers, then exits; "new"
    /// waits for it, then says when it was done.
    #[test]
    #[ignore = "a helper process of a_restarted_process_waits_until_the_old_one_is_gone"]
    fn restart_roles() {
        let dir = std::path::PathBuf::from(std::env::var_os("EARSHOT_TEST_RESTART_DIR").unwrap());
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                .to_string()
        };
        match std::env::var("EARSHOT_TEST_RESTART_ROLE").as_deref() {
            Ok("old") => {
                std::process::Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "update::tests::restart_roles", "--ignored"])
                    .env("EARSHOT_TEST_RESTART_ROLE", "new")
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(1500));
                std::fs::write(dir.join("old-exits"), now()).unwrap();
                std::process::exit(0);
            }
            Ok("new") => {
                wait_for_the_instance_that_restarted_us();
                std::fs::write(dir.join("new-waited"), now()).unwrap();
            }
            _ => {}
        }
    }

    #[test]
    fn a_restarted_process_waits_until_the_old_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "update::tests::restart_roles", "--ignored"])
            .env("EARSHOT_TEST_RESTART_ROLE", "old")
            .env("EARSHOT_TEST_RESTART_DIR", dir.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let read = |name: &str| -> u128 {
            let started = std::time::Instant::now();
            loop {
                if let Ok(t) = std::fs::read_to_string(dir.path().join(name)) {
                    if let Ok(t) = t.trim().parse() {
                        return t;
                    }
                }
                assert!(started.elapsed() < RESTART_WAIT, "{name} never written");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        };
        let (old_exits, new_waited) = (read("old-exits"), read("new-waited"));
        // The new process started about 1.5 s before the old one exited, and went on only
        // after.
        assert!(new_waited >= old_exits, "{new_waited} < {old_exits}");
    }

    #[test]
    fn a_start_from_a_shell_waits_for_nothing() {
        // This test's parent is cargo's test runner, no copy of it: it returns at once.
        let started = std::time::Instant::now();
        wait_for_the_instance_that_restarted_us();
        assert!(started.elapsed() < RESTART_WAIT);
    }
}
