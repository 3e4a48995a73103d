//! `cargo xtask package`: the Linux installer packages, into `$CARGO_TARGET_DIR/package/`.
//!
//! - `earshot_<version>_<arch>.deb` and `earshot-<version>-1.<arch>.rpm`: the desktop app and
//!   the `earshot` CLI (release code from the `dist` profile, symbols stripped), a desktop entry
//!   and icon, the policy template and the admin guide, `/etc/earshot` (root-owned, 755) for
//!   IT's `policy.toml`, and `earshot-siprec.service` (the headless receiver, not enabled; its
//!   data in `/var/lib/earshot`, deleted when the `.deb` is purged).
//! - `earshot-models_<version>_<arch>.deb` and its `.rpm`: every model file this build knows,
//!   hash-verified, in `/usr/share/earshot/models` (an IT option: a workstation with it never
//!   downloads anything). `/usr/bin/earshot` and `/usr/bin/earshot-app` are small wrappers that
//!   point `EARSHOT_MODEL_DIR` there when it is installed and the variable is not set.
//! - The app's binary carries the bundle marker Tauri's bundler would write (`DEB` in the
//!   `.deb`, `RPM` in the `.rpm`): its updater installs an update with the same package tool.
//!
//! Built with Debian's own tools: `dpkg-shlibdeps` works out the `.deb`'s dependencies from the
//! binaries, `dpkg-deb` builds it, `rpmbuild` (Debian's `rpm` package) the `.rpm`s. Why not
//! Tauri's bundler: `tauri-cli` took 19 minutes to install here, its npm form broke `npm ci`,
//! and it makes one package per app; we ship two binaries and a separate models package.

use anyhow::{bail, Context, Result};
use earshot_models::ModelStore;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, run, workspace_root};

/// The version every package carries (the workspace's).
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the packages go.
pub fn out_dir() -> PathBuf {
    crate::target_dir().join("package")
}

/// Runs the cargo build `cmd` and says how many crates it compiled, ours and dependencies,
/// naming a few dependencies. After `cargo xtask test`'s build the dependencies should be none
/// (`test_profile` in `main.rs`); a name here is one the two builds no longer share.
fn build_counting(cmd: &mut Command) -> Result<()> {
    use std::io::{BufRead, BufReader};
    let mut child = cmd
        .args(["--message-format", "json-render-diagnostics"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let root = workspace_root();
    let (mut ours, mut deps) = (
        std::collections::BTreeSet::new(),
        std::collections::BTreeSet::new(),
    );
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line?) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" || msg["fresh"] != false {
            continue;
        }
        let name = msg["target"]["name"].as_str().unwrap_or("?").to_string();
        let manifest = Path::new(msg["manifest_path"].as_str().unwrap_or(""));
        if manifest.starts_with(&root) {
            ours.insert(name);
        } else {
            deps.insert(name);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    let named: Vec<&str> = deps.iter().take(8).map(String::as_str).collect();
    eprintln!(
        "xtask: the dist build compiled {} of our crates and {} dependencies{}",
        ours.len(),
        deps.len(),
        if named.is_empty() {
            String::new()
        } else {
            format!(
                " ({}{})",
                named.join(", "),
                if deps.len() > 8 { ", ..." } else { "" }
            )
        }
    );
    Ok(())
}

/// The build's identity for `earshot --version`: the commit, `+changes` when the tree differs
/// from it, and the commit's date.
fn build_info() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(workspace_root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let date = git(&["show", "-s", "--format=%cs", "HEAD"]).unwrap_or_default();
    format!("{commit}{} {date}", if dirty { "+changes" } else { "" })
}

fn arch() -> Result<String> {
    let o = Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .context("dpkg")?;
    Ok(String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn write(path: &Path, text: &str, mode: u32) -> Result<()> {
    write_bytes(path, text.as_bytes(), mode)
}

fn copy(from: &Path, to: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to.parent().unwrap())?;
    std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// The marker in Tauri's runtime (`tauri::utils::platform::bundle_type`) that says which
/// package installed the app, as Tauri's bundler writes it: the updater installs an update of
/// the same kind (`dpkg -i` for `DEB`, `rpm -U` for `RPM`) and nothing without one.
const BUNDLE_MARK: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_";

/// Copies the app's binary to `to` with its bundle marker set to `kind` (`DEB`, `RPM`): the
/// unset marker (`UNK`) must occur exactly once, else the build is not one this knows.
fn copy_marked(from: &Path, to: &Path, kind: &str) -> Result<()> {
    let mut bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let unset = [BUNDLE_MARK, b"UNK"].concat();
    let at: Vec<usize> = bytes
        .windows(unset.len())
        .enumerate()
        .filter(|(_, w)| *w == unset.as_slice())
        .map(|(i, _)| i)
        .collect();
    let [at] = at[..] else {
        bail!(
            "{} has the unset bundle marker {} times, not once",
            from.display(),
            at.len()
        );
    };
    bytes[at + BUNDLE_MARK.len()..at + unset.len()].copy_from_slice(kind.as_bytes());
    write_bytes(to, &bytes, 0o755)
}

fn write_bytes(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(path, bytes)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// A wrapper in /usr/bin that points the binary at the models package when it is installed.
fn wrapper(binary: &str) -> String {
    format!(
        "#!/bin/sh\n\
         # Installed by the earshot package: the models package's folder, unless told otherwise.\n\
         if [ -z \"$EARSHOT_MODEL_DIR\" ] && [ -d /usr/share/earshot/models ]; then\n\
         \x20   EARSHOT_MODEL_DIR=/usr/share/earshot/models\n\
         \x20   export EARSHOT_MODEL_DIR\n\
         fi\n\
         exec /usr/lib/earshot/{binary} \"$@\"\n"
    )
}

/// The headless SIPREC receiver as a service (a receiver serving a team on a small server). Not
/// enabled by the package: IT enables it (`systemctl enable --now earshot-siprec`). Its data is
/// the machine's, in /var/lib/earshot: kept when the package is removed, deleted when purged.
const SERVICE: &str = "[Unit]\n\
Description=Earshot SIPREC recording receiver (headless)\n\
Documentation=file:///usr/share/doc/earshot/README.md\n\
After=network-online.target\n\
Wants=network-online.target\n\
\n\
[Service]\n\
ExecStart=/usr/bin/earshot siprec --json\n\
Environment=EARSHOT_DATA_DIR=/var/lib/earshot\n\
Environment=EARSHOT_KEY_STORE=file\n\
DynamicUser=yes\n\
StateDirectory=earshot\n\
StateDirectoryMode=0700\n\
Restart=on-failure\n\
NoNewPrivileges=yes\n\
ProtectSystem=strict\n\
ProtectHome=yes\n\
PrivateTmp=yes\n\
\n\
[Install]\n\
WantedBy=multi-user.target\n";

/// The .deb's maintainer scripts: systemd told of the unit, the service stopped before its
/// binary goes, and the receiver's data deleted on purge only.
const POSTINST: &str =
    "#!/bin/sh\nset -e\nif [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\n";
const PRERM: &str = "#!/bin/sh\nset -e\nif [ -d /run/systemd/system ]; then systemctl stop earshot-siprec.service || true; fi\n";
const POSTRM: &str = "#!/bin/sh\nset -e\n\
if [ \"$1\" = purge ]; then rm -rf /var/lib/earshot /var/lib/private/earshot; fi\n\
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\n";

const DESKTOP: &str = "[Desktop Entry]\n\
Type=Application\n\
Name=Earshot\n\
Comment=On-device agent assist: live transcript, redaction and guidance for calls\n\
Exec=earshot-app %f\n\
Icon=earshot\n\
Terminal=false\n\
Categories=Network;Telephony;\n\
MimeType=audio/x-wav;audio/flac;audio/mpeg;audio/ogg;\n";

/// Builds the packages and returns their paths. The UI must be built (`setup` does it): the app
/// embeds it.
pub fn package() -> Result<Vec<PathBuf>> {
    let info = build_info();
    eprintln!("xtask: building the dist profile ({info})");
    build_counting(
        cargo()
            .args([
                "build",
                "--profile",
                "dist",
                "-p",
                "earshot-cli",
                "-p",
                "earshot-app",
            ])
            .env("EARSHOT_BUILD", &info),
    )?;
    let bins = crate::target_dir().join("dist");
    let out = out_dir();
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let arch = arch()?;
    let root = workspace_root();

    // The app and the CLI.
    let app = out.join("stage/earshot");
    for bin in ["earshot", "earshot-app"] {
        write(&app.join("usr/bin").join(bin), &wrapper(bin), 0o755)?;
    }
    copy(
        &bins.join("earshot"),
        &app.join("usr/lib/earshot/earshot"),
        0o755,
    )?;
    let app_binary = app.join("usr/lib/earshot/earshot-app");
    copy_marked(&bins.join("earshot-app"), &app_binary, "DEB")?;
    write(
        &app.join("usr/share/applications/earshot.desktop"),
        DESKTOP,
        0o644,
    )?;
    copy(
        &root.join("src-tauri/icons/icon.png"),
        &app.join("usr/share/icons/hicolor/128x128/apps/earshot.png"),
        0o644,
    )?;
    let doc = app.join("usr/share/doc/earshot");
    copy(
        &root.join("installer/README.md"),
        &doc.join("README.md"),
        0o644,
    )?;
    copy(
        &root.join("installer/policy.toml"),
        &doc.join("policy.toml.example"),
        0o644,
    )?;
    copy(
        &root.join("crates/earshot-assist/rules.toml"),
        &doc.join("assist.toml.example"),
        0o644,
    )?;
    write(
        &doc.join("copyright"),
        "Earshot\nLicense: Apache-2.0\nOn Debian systems the license is in /usr/share/common-licenses/Apache-2.0.\n",
        0o644,
    )?;
    std::fs::create_dir_all(app.join("etc/earshot"))?;
    write(
        &app.join("usr/lib/systemd/system/earshot-siprec.service"),
        SERVICE,
        0o644,
    )?;

    // The models, verified before they are packed.
    let store = ModelStore::from_env();
    let models = out.join("stage/earshot-models");
    let dest = models.join("usr/share/earshot/models");
    std::fs::create_dir_all(&dest)?;
    for m in &store.manifest().models {
        store
            .verify(&m.name)
            .with_context(|| format!("model {} (run `cargo xtask models`)", m.name))?;
        let from = store.dir().join(&m.file);
        let to = dest.join(&m.file);
        // A hard link where the store and the target dir share a file system: no 600 MB copy.
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to)?;
        }
    }

    let mut built = Vec::new();
    let depends = shlib_depends(&out, &app)?;
    built.push(deb(
        &out,
        &app,
        "earshot",
        &arch,
        &depends,
        "Recommends: earshot-models\n",
        "On-device agent assist for contact-center agents\n Live transcript of both speakers, redaction of sensitive caller input (sealed\n with age to the organisation's keys), sentiment and agent assist, all on the\n workstation; redacted summaries synced to the organisation's hub.",
        "xz",
        &[("postinst", POSTINST), ("prerm", PRERM), ("postrm", POSTRM)],
    )?);
    built.push(deb(
        &out,
        &models,
        "earshot-models",
        &arch,
        "",
        "Enhances: earshot\n",
        "Speech, sentiment and embedding models for Earshot\n The model files Earshot uses (Whisper, Silero VAD, MiniLM, ONNX Runtime),\n hash-verified, so that a workstation never downloads any.",
        // The weights hardly compress: fast zstd rather than slow xz.
        "zstd",
        &[],
    )?);
    // The same tree, the app marked as installed by an .rpm.
    copy_marked(&bins.join("earshot-app"), &app_binary, "RPM")?;
    for (name, stage, summary) in [
        (
            "earshot",
            &app,
            "On-device agent assist for contact-center agents",
        ),
        (
            "earshot-models",
            &models,
            "Speech, sentiment and embedding models for Earshot",
        ),
    ] {
        built.push(rpm(&out, stage, name, summary)?);
    }
    let _ = std::fs::remove_dir_all(out.join("stage"));
    for p in &built {
        let size = std::fs::metadata(p)?.len();
        eprintln!(
            "xtask: {} {:.1} MB",
            p.file_name().unwrap().to_string_lossy(),
            size as f64 / 1e6
        );
    }
    Ok(built)
}

/// The shared libraries' packages, as `dpkg-shlibdeps` finds them for the binaries.
fn shlib_depends(out: &Path, stage: &Path) -> Result<String> {
    let work = out.join("shlibdeps");
    write(
        &work.join("debian/control"),
        "Source: earshot\n\nPackage: earshot\nArchitecture: any\n",
        0o644,
    )?;
    let o = Command::new("dpkg-shlibdeps")
        .arg("-O")
        .arg(format!(
            "-e{}",
            stage.join("usr/lib/earshot/earshot").display()
        ))
        .arg(format!(
            "-e{}",
            stage.join("usr/lib/earshot/earshot-app").display()
        ))
        .current_dir(&work)
        .output()
        .context("dpkg-shlibdeps (package dpkg-dev)")?;
    if !o.status.success() {
        bail!("dpkg-shlibdeps: {}", String::from_utf8_lossy(&o.stderr));
    }
    let text = String::from_utf8_lossy(&o.stdout);
    let deps = text
        .lines()
        .find_map(|l| l.strip_prefix("shlibs:Depends="))
        .context("dpkg-shlibdeps printed no dependencies")?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(deps.to_string())
}

#[allow(clippy::too_many_arguments)]
fn deb(
    out: &Path,
    stage: &Path,
    name: &str,
    arch: &str,
    depends: &str,
    extra: &str,
    description: &str,
    compression: &str,
    scripts: &[(&str, &str)],
) -> Result<PathBuf> {
    let kib = dir_size(stage)?.div_ceil(1024);
    let depends = if depends.is_empty() {
        String::new()
    } else {
        format!("Depends: {depends}\n")
    };
    write(
        &stage.join("DEBIAN/control"),
        &format!(
            "Package: {name}\nVersion: {VERSION}\nArchitecture: {arch}\nMaintainer: Earshot <it@earshot.invalid>\n\
             Section: utils\nPriority: optional\nInstalled-Size: {kib}\n{depends}{extra}Description: {description}\n"
        ),
        0o644,
    )?;
    for (script, text) in scripts {
        write(&stage.join("DEBIAN").join(script), text, 0o755)?;
    }
    let file = out.join(format!("{name}_{VERSION}_{arch}.deb"));
    run(Command::new("dpkg-deb")
        .args(["--root-owner-group", "--build", &format!("-Z{compression}")])
        .arg(stage)
        .arg(&file))?;
    std::fs::remove_dir_all(stage.join("DEBIAN"))?;
    Ok(file)
}

fn rpm(out: &Path, stage: &Path, name: &str, summary: &str) -> Result<PathBuf> {
    let top = out.join("rpmbuild");
    // Every file and folder of the stage, folders owned by the package only where they are
    // its own (not /usr, /etc, …).
    let mut files = String::new();
    for entry in walk(stage)? {
        let rel = entry.strip_prefix(stage)?;
        let path = format!("/{}", rel.display());
        if entry.is_dir() {
            if path.contains("earshot") {
                files += &format!("%dir {path}\n");
            }
        } else {
            files += &format!("{path}\n");
        }
    }
    // The service's unit: systemd told of it, and the service stopped before an erase. (An rpm
    // erase has no purge: the receiver's data in /var/lib/earshot stays, as rpm does for data.)
    let scriptlets = if stage.join("usr/lib/systemd/system").exists() {
        "%post\nif [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\n\
         %preun\nif [ $1 -eq 0 ] && [ -d /run/systemd/system ]; then systemctl stop earshot-siprec.service || true; fi\n\
         %postun\nif [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi\n\n"
    } else {
        ""
    };
    let spec = top.join(format!("{name}.spec"));
    write(
        &spec,
        &format!(
            "Name: {name}\nVersion: {VERSION}\nRelease: 1\nSummary: {summary}\nLicense: Apache-2.0\n\
             %define debug_package %{{nil}}\n%define __strip /bin/true\n%define _build_id_links none\n\n\
             %description\n{summary}.\n\n%install\ncp -a {}/. %{{buildroot}}/\n\n{scriptlets}%files\n{files}",
            stage.display()
        ),
        0o644,
    )?;
    run(Command::new("rpmbuild")
        .arg("-bb")
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .arg("--define")
        .arg(format!("_rpmdir {}", out.display()))
        .arg("--define")
        .arg("_rpmfilename %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm")
        .arg("--define")
        .arg("_binary_payload w3.zstdio")
        .arg("--quiet")
        .arg(&spec))
    .context("rpmbuild (package rpm)")?;
    let _ = std::fs::remove_dir_all(&top);
    let arch = std::env::consts::ARCH;
    Ok(out.join(format!("{name}-{VERSION}-1.{arch}.rpm")))
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        all.push(p.clone());
        if p.is_dir() {
            all.extend(walk(&p)?);
        }
    }
    all.sort();
    Ok(all)
}

fn dir_size(dir: &Path) -> Result<u64> {
    let mut n = 0;
    for p in walk(dir)? {
        if p.is_file() {
            n += std::fs::metadata(&p)?.len();
        }
    }
    Ok(n)
}
