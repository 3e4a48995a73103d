//! The installer packages as IT gets them. `cargo xtask test` builds them first (`cargo xtask
//! package`); this installs the `.deb`s on this machine with `dpkg -i` (it needs root, as CI
//! runs), checks what they put where and with which permissions, runs the installed CLI (its
//! version, the models package through the wrapper, `policy check` on a good and a bad policy),
//! checks what the binaries link to and the headless receiver's systemd unit, starts the installed
//! app under Xvfb until its window shows, removes and purges the packages (an agent's data stays;
//! the machine's receiver data goes with purge only), inspects the `.rpm`s with `rpm`, and
//! checks that whisper.cpp was built for the documented CPU baseline, not this machine's CPU.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Cargo's target dir: this test binary is in `<target>/debug/deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

fn find(prefix: &str, suffix: &str) -> PathBuf {
    let dir = target_dir().join("package");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask package` first)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(prefix) && n.ends_with(suffix)
        })
        .unwrap_or_else(|| {
            panic!(
                "no {prefix}*{suffix} in {} (run `cargo xtask package`)",
                dir.display()
            )
        })
}

fn out(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn ok(cmd: &mut Command) -> String {
    let o = out(cmd);
    assert!(
        o.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The installed CLI, with nothing of the test's environment that would change where it looks.
fn earshot(data: &Path, args: &[&str]) -> Output {
    out(Command::new("/usr/bin/earshot")
        .args(args)
        .env_remove("EARSHOT_MODEL_DIR")
        .env_remove("EARSHOT_POLICY_FILE")
        .env_remove("RUST_LOG")
        .env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file"))
}

/// A child killed when dropped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a binary links to: (soname, resolved path), every one resolved.
fn links(binary: &str) -> Vec<(String, String)> {
    let text = ok(Command::new("ldd").arg(binary));
    assert!(!text.contains("not found"), "{binary}: {text}");
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.trim().split_once(" => ")?;
            let path = rest.split_whitespace().next()?;
            Some((name.to_string(), path.to_string()))
        })
        .collect()
}

#[test]
fn the_packages_install_run_show_the_window_and_uninstall_cleanly() {
    let deb = find("earshot_", ".deb");
    let models_deb = find("earshot-models_", ".deb");
    let rpm = find("earshot-0", ".rpm");
    let models_rpm = find("earshot-models-0", ".rpm");
    for p in [&deb, &models_deb, &rpm, &models_rpm] {
        eprintln!(
            "{}: {:.1} MB",
            p.file_name().unwrap().to_string_lossy(),
            std::fs::metadata(p).unwrap().len() as f64 / 1e6
        );
    }

    // What the .deb holds, owned by root and writable by root only.
    let listing = ok(Command::new("dpkg-deb").arg("-c").arg(&deb));
    let entry = |path: &str| {
        listing
            .lines()
            .find(|l| l.ends_with(&format!(" .{path}")))
            .unwrap_or_else(|| panic!("{path} is not in the package:\n{listing}"))
            .to_string()
    };
    for (path, mode) in [
        ("/usr/bin/earshot", "-rwxr-xr-x"),
        ("/usr/bin/earshot-app", "-rwxr-xr-x"),
        ("/usr/lib/earshot/earshot", "-rwxr-xr-x"),
        ("/usr/lib/earshot/earshot-app", "-rwxr-xr-x"),
        ("/usr/share/applications/earshot.desktop", "-rw-r--r--"),
        ("/usr/share/doc/earshot/policy.toml.example", "-rw-r--r--"),
        ("/usr/share/doc/earshot/README.md", "-rw-r--r--"),
        ("/etc/earshot/", "drwxr-xr-x"),
        (
            "/usr/lib/systemd/system/earshot-siprec.service",
            "-rw-r--r--",
        ),
    ] {
        let e = entry(path);
        assert!(e.starts_with(mode), "{path}: {e}");
        assert!(e.contains(" root/root "), "{path}: {e}");
    }
    for l in listing.lines() {
        let mode = l.split_whitespace().next().unwrap_or_default();
        assert!(
            mode.as_bytes().get(5) != Some(&b'w') && mode.as_bytes().get(8) != Some(&b'w'),
            "writable by others than root: {l}"
        );
    }
    let depends = ok(Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&deb)
        .arg("Depends"));
    for needed in ["libc6", "libwebkit2gtk-4.1-0", "libasound2", "libssl3"] {
        assert!(depends.contains(needed), "Depends: {depends}");
    }

    // Installed with dpkg, as IT's tools do.
    let _ = out(Command::new("dpkg").args(["--purge", "earshot", "earshot-models"]));
    ok(Command::new("dpkg").arg("-i").arg(&models_deb).arg(&deb));
    let data = tempfile::tempdir().unwrap();
    let o = earshot(data.path(), &["--version"]);
    let version = String::from_utf8_lossy(&o.stdout).to_string();
    let shape = regex_like_version(&version);
    assert!(shape, "earshot --version: {version}");
    // The wrapper points the CLI at the models package.
    let o = earshot(data.path(), &["models", "list"]);
    let list = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        list.starts_with("model dir: /usr/share/earshot/models"),
        "{list}"
    );
    let o = earshot(data.path(), &["models", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));

    // The policy check of the installed CLI: the template as shipped, and a broken policy.
    let o = earshot(
        data.path(),
        &[
            "policy",
            "check",
            "/usr/share/doc/earshot/policy.toml.example",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let bad = data.path().join("policy.toml");
    std::fs::write(&bad, "retension_days = 30\n").unwrap();
    let o = earshot(data.path(), &["policy", "check", bad.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(
        said.contains("line 1: retension_days: unknown key. Fix: did you mean 'retention_days'?"),
        "{said}"
    );

    // The CLI links to the C library, the C++ runtime, the sound libraries and libcrypto, nothing else
    // (its direct dependencies; what they pull in is checked below with the app's).
    let needed = ok(Command::new("readelf").args(["-d", "/usr/lib/earshot/earshot"]));
    let needed: Vec<&str> = needed
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    let allowed = [
        "libc.so.6",
        "libm.so.6",
        "libgcc_s.so.1",
        "libstdc++.so.6",
        "ld-linux-x86-64.so.2",
        "libasound.so.2",
        "libpulse.so.0",
        "libpulse-simple.so.0",
        "libopus.so.0",
        // SQLCipher's crypto, the system's OpenSSL.
        "libcrypto.so.3",
    ];
    assert!(needed.contains(&"libc.so.6"), "{needed:?}");
    for name in &needed {
        assert!(
            allowed.contains(name),
            "the CLI links to {name}, not in the expected list {allowed:?}"
        );
    }
    let cli = links("/usr/lib/earshot/earshot");
    // The app links to system libraries only: each one is a file of an installed package.
    let app = links("/usr/lib/earshot/earshot-app");
    assert!(
        app.iter()
            .any(|(n, _)| n.starts_with("libwebkit2gtk-4.1.so")),
        "{app:?}"
    );
    for (name, path) in cli.iter().chain(&app) {
        assert!(
            !path.contains("/root/")
                && !path.contains("/target/")
                && !path.starts_with("/usr/local"),
            "{name} resolves to {path}"
        );
        let resolved = std::fs::canonicalize(path).unwrap();
        let owner = out(Command::new("dpkg").arg("-S").arg(&resolved));
        let owner2 = out(Command::new("dpkg").arg("-S").arg(path));
        assert!(
            owner.status.success() || owner2.status.success(),
            "{name} ({path}) belongs to no installed package"
        );
    }
    eprintln!(
        "the CLI links to {} libraries, the app to {}",
        cli.len(),
        app.len()
    );

    // The desktop entry is valid (and the validator does refuse a broken one).
    let entry = "/usr/share/applications/earshot.desktop";
    let checked = out(Command::new("desktop-file-validate").arg(entry));
    assert!(
        checked.status.success() && checked.stdout.is_empty(),
        "desktop-file-validate: {}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let broken = data.path().join("broken.desktop");
    std::fs::write(
        &broken,
        "[Desktop Entry]\nType=Application\nExec=earshot-app\n",
    )
    .unwrap();
    assert!(!out(Command::new("desktop-file-validate").arg(&broken))
        .status
        .success());

    // The headless receiver's unit is one systemd accepts, and runs the installed CLI.
    let unit = "/usr/lib/systemd/system/earshot-siprec.service";
    let verified = out(Command::new("systemd-analyze").args(["verify", unit]));
    assert!(
        verified.status.success(),
        "systemd-analyze verify: {}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let text = std::fs::read_to_string(unit).unwrap();
    assert!(
        text.contains("ExecStart=/usr/bin/earshot siprec --json"),
        "{text}"
    );

    // The installed app says it came from a .deb (the updater installs updates with dpkg), and
    // the .rpm's that it came from an .rpm; a build no package made says neither.
    let marks = |bytes: &[u8]| -> Vec<String> {
        let mark = b"__TAURI_BUNDLE_TYPE_VAR_";
        bytes
            .windows(mark.len() + 3)
            .filter(|w| w.starts_with(mark))
            .map(|w| String::from_utf8_lossy(&w[mark.len()..]).to_string())
            .collect()
    };
    let installed = marks(&std::fs::read("/usr/lib/earshot/earshot-app").unwrap());
    assert!(
        installed.contains(&"DEB".to_string()) && !installed.contains(&"UNK".to_string()),
        "{installed:?}"
    );
    let from_rpm = out(Command::new("sh").arg("-c").arg(format!(
        "rpm2cpio '{}' | cpio -i --quiet --to-stdout ./usr/lib/earshot/earshot-app",
        rpm.display()
    )));
    let in_rpm = marks(&from_rpm.stdout);
    assert!(
        in_rpm.contains(&"RPM".to_string()) && !in_rpm.contains(&"UNK".to_string()),
        "{in_rpm:?}"
    );
    let unpackaged = marks(&std::fs::read(target_dir().join("dist/earshot-app")).unwrap());
    assert!(unpackaged.contains(&"UNK".to_string()), "{unpackaged:?}");

    // The installed app starts and shows its window.
    let desktop = earshot_callgen::desktop::TestDesktop::start();
    let home = tempfile::tempdir().unwrap();
    let app_run = Running(
        Command::new("/usr/bin/earshot-app")
            .env_remove("EARSHOT_MODEL_DIR")
            .env("DISPLAY", desktop.display())
            .env("DBUS_SESSION_BUS_ADDRESS", desktop.bus())
            .env("HOME", home.path())
            .env("EARSHOT_DATA_DIR", data.path().join("app"))
            .env("EARSHOT_KEY_STORE", "file")
            .env("EARSHOT_POLICY_FILE", data.path().join("no-policy.toml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    let window = loop {
        let tree =
            out(Command::new("xwininfo").args(["-root", "-tree", "-display", desktop.display()]));
        let tree = String::from_utf8_lossy(&tree.stdout).to_string();
        if let Some(line) = tree.lines().find(|l| l.contains("\"Earshot\"")) {
            break line.to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no Earshot window within 60 s:\n{tree}"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    eprintln!("the installed app's window: {}", window.trim());
    drop(app_run);
    drop(desktop);

    // An agent's data: made by the installed CLI, kept by remove and by purge (the packages
    // never touch the agents' data; retention and audit decide its end, not the package tool).
    let agent = data.path().join("agent");
    let o = earshot(&agent, &["calls", "list"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kept: Vec<PathBuf> = std::fs::read_dir(&agent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!kept.is_empty());
    // The machine's own data (the headless receiver's, in /var/lib/earshot): kept by remove,
    // deleted by purge.
    let service_data = Path::new("/var/lib/earshot/earshot.db");
    std::fs::create_dir_all(service_data.parent().unwrap()).unwrap();
    std::fs::write(service_data, b"the receiver's vault").unwrap();
    ok(Command::new("dpkg").args(["--remove", "earshot"]));
    for gone in ["/usr/bin/earshot", "/usr/lib/earshot", "/etc/earshot", unit] {
        assert!(
            !Path::new(gone).exists(),
            "{gone} is still there after remove"
        );
    }
    assert!(Path::new("/usr/share/earshot/models").is_dir());
    assert!(service_data.exists(), "remove deleted the receiver's data");
    ok(Command::new("dpkg").args(["--purge", "earshot", "earshot-models"]));
    assert!(!Path::new("/usr/share/earshot").exists());
    assert!(
        !Path::new("/var/lib/earshot").exists(),
        "purge kept the receiver's data"
    );
    for f in &kept {
        assert!(f.exists(), "{} was removed with the package", f.display());
    }

    // The .rpm: the same files with the same modes, as `rpm` reads them.
    let files = ok(Command::new("rpm").arg("-qlp").arg(&rpm));
    for path in [
        "/usr/bin/earshot",
        "/usr/lib/earshot/earshot-app",
        "/usr/share/applications/earshot.desktop",
        "/etc/earshot",
        "/usr/lib/systemd/system/earshot-siprec.service",
    ] {
        assert!(
            files.lines().any(|l| l == path),
            "{path} not in the rpm:\n{files}"
        );
    }
    let scripts = ok(Command::new("rpm").args(["-qp", "--scripts"]).arg(&rpm));
    assert!(
        scripts.contains("systemctl stop earshot-siprec.service"),
        "{scripts}"
    );
    let dump = ok(Command::new("rpm").arg("-qp").arg("--dump").arg(&rpm));
    let cli_entry = dump
        .lines()
        .find(|l| l.starts_with("/usr/lib/earshot/earshot "))
        .unwrap();
    assert!(cli_entry.contains(" 0100755 root root "), "{cli_entry}");
    let info = ok(Command::new("rpm")
        .args(["-qp", "--qf", "%{NAME} %{VERSION} %{ARCH}\n"])
        .arg(&rpm));
    assert_eq!(
        info.trim(),
        format!("earshot {} x86_64", env!("CARGO_PKG_VERSION"))
    );
    let models_files = ok(Command::new("rpm").arg("-qlp").arg(&models_rpm));
    assert!(
        models_files
            .lines()
            .any(|l| l.starts_with("/usr/share/earshot/models/")),
        "{models_files}"
    );

    // whisper.cpp built for the documented baseline (x86-64-v3: AVX2, FMA, F16C), not this CPU.
    let cache = glob_one(
        &target_dir().join("dist/build"),
        "whisper-rs-sys-",
        "out/build/CMakeCache.txt",
    );
    let cmake = std::fs::read_to_string(&cache).unwrap();
    for (option, value) in [
        ("GGML_NATIVE:BOOL", "OFF"),
        ("GGML_AVX2:BOOL", "ON"),
        ("GGML_FMA:BOOL", "ON"),
        ("GGML_F16C:BOOL", "ON"),
        ("GGML_AVX512:BOOL", "OFF"),
    ] {
        assert!(
            cmake.lines().any(|l| l == format!("{option}={value}")),
            "{option} is not {value} in {}",
            cache.display()
        );
    }
    let flags = glob_one(
        &target_dir().join("dist/build"),
        "whisper-rs-sys-",
        "out/build/ggml/src/CMakeFiles/ggml-cpu.dir/flags.make",
    );
    let flags = std::fs::read_to_string(flags).unwrap();
    assert!(
        flags.contains("-mavx2") && flags.contains("-mfma"),
        "{flags}"
    );
    assert!(
        !flags.contains("-march=native") && !flags.contains("-mavx512"),
        "{flags}"
    );
}

/// `earshot 0.1.0 (<12 hex>[+changes] YYYY-MM-DD)`.
fn regex_like_version(v: &str) -> bool {
    let Some(rest) = v
        .trim()
        .strip_prefix(&format!("earshot {} (", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
    else {
        return false;
    };
    let Some((commit, date)) = rest.split_once(' ') else {
        return false;
    };
    let commit = commit.strip_suffix("+changes").unwrap_or(commit);
    commit.len() == 12
        && commit.chars().all(|c| c.is_ascii_hexdigit())
        && date.len() == 10
        && date.chars().filter(|c| *c == '-').count() == 2
}

/// The one `<dir>/<prefix>*/<rest>` that exists (the newest when several builds are there).
fn glob_one(dir: &Path, prefix: &str, rest: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .map(|p| p.join(rest))
        .filter(|p| p.exists())
        .collect();
    found.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    found
        .pop()
        .unwrap_or_else(|| panic!("no {}/{prefix}*/{rest}", dir.display()))
}
