//! `earshot models`: what IT uses to see, check and install the models without developer tools.

use std::path::Path;
use std::process::{Command, Output};

fn earshot(model_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args(args)
        .env("EARSHOT_MODEL_DIR", model_dir)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn models_are_listed_verified_and_installed_from_a_folder() {
    // The models `cargo xtask setup` installed are the folder IT would hand out.
    let installed = earshot_models::ModelStore::from_env();
    let vad = installed.verify("silero-vad").expect("cargo xtask setup");
    let it_folder = vad.parent().unwrap();
    let file = vad.file_name().unwrap().to_str().unwrap().to_string();

    let fresh = tempfile::tempdir().unwrap();
    let o = earshot(fresh.path(), &["models", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&file) && text(&o).contains("missing"),
        "{}",
        text(&o)
    );
    let o = earshot(fresh.path(), &["models", "verify"]);
    assert!(
        !o.status.success(),
        "an empty model dir verifies: {}",
        text(&o)
    );

    // A damaged copy is refused and leaves nothing behind.
    let bad = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(&vad).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(bad.path().join(&file), &bytes).unwrap();
    let o = earshot(
        fresh.path(),
        &[
            "models",
            "install",
            "--from",
            bad.path().to_str().unwrap(),
            "silero-vad",
        ],
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).starts_with("error:") && text(&o).contains("sha256"),
        "{}",
        text(&o)
    );
    assert!(!fresh.path().join(&file).exists());

    // The good one goes in, verified.
    let o = earshot(
        fresh.path(),
        &[
            "models",
            "install",
            "--from",
            it_folder.to_str().unwrap(),
            "silero-vad",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("installed and verified"), "{}", text(&o));
    assert_eq!(
        std::fs::read(fresh.path().join(&file)).unwrap(),
        std::fs::read(&vad).unwrap()
    );
    let o = earshot(fresh.path(), &["models", "list"]);
    let listing = text(&o);
    let vad_line = listing
        .lines()
        .find(|l| l.starts_with("silero-vad"))
        .unwrap();
    assert!(vad_line.ends_with("present"), "{listing}");
}

#[cfg(unix)]
#[test]
fn a_listing_whose_reader_went_away_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    /// `SIGPIPE`'s number on Linux.
    const SIGPIPE: i32 = 13;
    // `earshot models list | head -1`: the reader closes the pipe. Here it is closed before the
    // command starts, so every write fails, whatever the timing.
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_earshot"))
        .args(["models", "list"])
        .env("EARSHOT_MODEL_DIR", dir.path())
        .env_remove("RUST_LOG")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.signal(), Some(SIGPIPE), "{:?} {stderr}", o.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Control: with a reader, the same command prints its list and succeeds.
    let o = earshot(dir.path(), &["models", "list"]);
    assert!(o.status.success() && !o.stdout.is_empty(), "{}", text(&o));
}
