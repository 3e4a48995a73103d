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
