//! `earshot analyze` on real generated speech through the real models: the words come out, the
//! speakers are right, and no card or security-code digits reach stdout in either output mode.

use earshot_callgen::{render_with, sample_call, RenderOptions};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// `earshot` with its own data dir (key file store: no keyring service in these tests).
fn command() -> (tempfile::TempDir, Command) {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.env("EARSHOT_DATA_DIR", data.path())
        .env("EARSHOT_KEY_STORE", "file")
        .env_remove("EARSHOT_AGE_RECIPIENTS");
    (data, cmd)
}

fn earshot(args: &[&str]) -> Output {
    let (_data, mut cmd) = command();
    cmd.args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run earshot")
}

/// With every log level on, so the test also proves no secret reaches a log line.
fn earshot_verbose(args: &[&str]) -> Output {
    let (_data, mut cmd) = command();
    cmd.args(args)
        .env("RUST_LOG", "trace")
        .output()
        .expect("run earshot")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every surface form of the sensitive values the caller reads out.
const SECRETS: &[&str] = earshot_callgen::SAMPLE_SECRETS;

fn assert_no_secret(out: &str) {
    let lower = out.to_lowercase();
    for s in SECRETS {
        assert!(
            !lower.contains(s),
            "sensitive value {s:?} reached stdout:\n{out}"
        );
    }
}

fn utterances(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("every line is JSON"))
        .collect()
}

/// `text` in lower case without spaces: the bank's made-up name is heard as "Northwind Bank"
/// or "North Windbank" depending on the words around it.
fn squashed(text: &str) -> String {
    text.to_lowercase().replace(' ', "")
}

#[test]
fn json_mode_has_both_speakers_the_words_and_no_secret() {
    let o = earshot_verbose(&[
        "analyze",
        earshot_callgen::sample_wav().to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert_no_secret(&out);
    let logs = String::from_utf8_lossy(&o.stderr);
    assert!(
        logs.contains("speech segments found"),
        "trace logging was on: {logs}"
    );
    assert_no_secret(&logs);
    let lines = utterances(&out);
    let (last, utts) = lines.split_last().unwrap();
    assert_eq!(last["type"], "call_end");
    assert!(last["duration_ms"].as_u64().unwrap() > 30_000);
    assert!(["UP", "DOWN", "FLAT"].contains(&last["sentiment_trend"].as_str().unwrap()));
    let text_of = |speaker: &str| -> String {
        utts.iter()
            .filter(|u| u["speaker"] == speaker)
            .map(|u| u["text"].as_str().unwrap().to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let caller = text_of("caller");
    let agent = text_of("agent");
    assert!(caller.contains("charged twice"), "caller: {caller}");
    assert!(caller.contains("relief"), "caller: {caller}");
    assert!(
        squashed(&agent).contains("northwind") && agent.contains("card number"),
        "agent: {agent}"
    );
    assert!(
        !agent.contains("charged twice"),
        "speakers mixed up: {agent}"
    );
    let kinds: Vec<&str> = utts
        .iter()
        .flat_map(|u| u["findings"].as_array().unwrap())
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"CREDIT_DEBIT_NUMBER") && kinds.contains(&"CREDIT_DEBIT_CVV"),
        "{kinds:?}"
    );
    assert!(caller.contains("[credit_debit_number]"), "{caller}");
    // Time order and sentiment shape.
    let starts: Vec<u64> = utts
        .iter()
        .map(|u| u["start_ms"].as_u64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    let frustrated = utts
        .iter()
        .find(|u| u["text"].as_str().unwrap().contains("frustrated"))
        .unwrap();
    assert_eq!(frustrated["sentiment"]["label"], "negative");
}

#[test]
fn text_mode_labels_speakers_and_shows_no_secret() {
    let o = earshot(&["analyze", earshot_callgen::sample_wav().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert_no_secret(&out);
    assert!(
        out.lines()
            .any(|l| l.starts_with('[') && l.contains("CALLER") && l.contains("charged twice")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("AGENT") && squashed(l).contains("northwind")),
        "{out}"
    );
    assert!(
        out.contains("[CREDIT_DEBIT_NUMBER]") && out.contains("ended at"),
        "{out}"
    );
    // Every line has the documented shape, and so has every line of the README's sample.
    for l in out.lines() {
        assert!(line_shape(l).is_some(), "unexpected line: {l:?}");
    }
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let sample: Vec<&str> = readme
        .split("Sample output of `cargo xtask demo`")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("the README's sample output block")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(sample.len() >= 3, "{sample:?}");
    for l in &sample {
        assert!(
            line_shape(l).is_some(),
            "README sample line of another shape: {l:?}"
        );
    }
    assert_eq!(line_shape(sample.last().unwrap()), Some("end"));
}

/// The shape of a text-mode line: `[MM:SS.d] SPEAKER  lab +0.00  text` ("utterance") or
/// `-- call N ended at MM:SS.d: N utterances, sentiment trend T (quarters …; engine E)` ("end").
fn line_shape(line: &str) -> Option<&'static str> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let stamp = |s: &str| {
        let (m, rest) = s.split_once(':')?;
        let (sec, tenth) = rest.split_once('.')?;
        (digits(m) && sec.len() == 2 && digits(sec) && tenth.len() == 1 && digits(tenth))
            .then_some(())
    };
    if let Some(rest) = line.strip_prefix("-- call ") {
        let (id, rest) = rest.split_once(" ended at ")?;
        let (at, rest) = rest.split_once(": ")?;
        let (n, rest) = rest.split_once(" utterances, sentiment trend ")?;
        stamp(at)?;
        let ok = digits(id)
            && digits(n)
            && ["Up", "Down", "Flat"].iter().any(|t| rest.starts_with(t))
            && rest.contains(" (quarters ")
            && rest.contains("; engine ")
            && rest.ends_with(')');
        return ok.then_some("end");
    }
    let rest = line.strip_prefix('[')?;
    let (at, rest) = rest.split_once("] ")?;
    stamp(at)?;
    let (speaker, rest) = rest.split_at_checked(8)?;
    let (label, rest) = rest.split_at_checked(3)?;
    let (score, text) = rest.strip_prefix(' ')?.split_once("  ")?;
    let score_ok = score.len() == 5
        && (score.starts_with('+') || score.starts_with('-'))
        && score[1..].parse::<f32>().is_ok();
    let ok = ["AGENT   ", "CALLER  ", "UNKNOWN "].contains(&speaker)
        && ["pos", "neu", "neg"].contains(&label)
        && score_ok
        && !text.is_empty();
    ok.then_some("utterance")
}

#[test]
fn caller_channel_right_swaps_the_speakers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("swapped.wav");
    let opts = RenderOptions {
        caller_on_right: true,
        ..Default::default()
    };
    render_with(&sample_call()[..4], &path, &opts).unwrap();
    let o = earshot(&[
        "analyze",
        path.to_str().unwrap(),
        "--json",
        "--caller-channel",
        "right",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert_no_secret(&out);
    let lines = utterances(&out);
    let charged = lines
        .iter()
        .find(|u| {
            u["text"]
                .as_str()
                .is_some_and(|t| t.contains("charged twice"))
        })
        .expect("caller line");
    assert_eq!(charged["speaker"], "caller");
    let bank = lines
        .iter()
        .find(|u| {
            u["text"]
                .as_str()
                .is_some_and(|t| squashed(t).contains("northwind"))
        })
        .expect("agent line");
    assert_eq!(bank["speaker"], "agent");
}

#[test]
fn mono_flac_is_one_unknown_speaker() {
    let dir = tempfile::tempdir().unwrap();
    let stereo = dir.path().join("s.wav");
    render_with(&sample_call()[..2], &stereo, &RenderOptions::default()).unwrap();
    let mono = dir.path().join("m.flac");
    let ok = Command::new("sox")
        .arg(&stereo)
        .arg("-r")
        .arg("44100")
        .arg(&mono)
        .args(["remix", "1,2"])
        .status()
        .unwrap();
    assert!(ok.success());
    let o = earshot(&["analyze", mono.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = utterances(&stdout(&o));
    let utts: Vec<_> = lines.iter().filter(|u| u["type"] == "utterance").collect();
    assert!(utts.iter().all(|u| u["speaker"] == "unknown"));
    let all: String = utts
        .iter()
        .map(|u| u["text"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(
        squashed(&all).contains("northwind") && all.contains("charged twice"),
        "{all}"
    );
}

#[test]
fn a_recording_cut_short_is_analysed_as_far_as_it_goes_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.wav");
    render_with(&sample_call()[..2], &whole, &RenderOptions::default()).unwrap();
    // The same file cut at two thirds of its bytes: its header still announces all of it.
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.wav");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let o = earshot(&["analyze", cut.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning:") && l.contains("cut short")),
        "{err}"
    );
    assert!(stdout(&o).contains("ended at"), "{}", stdout(&o));
    // Played through the live engine (as the desktop app plays a file), the same warning.
    let live = |f: &Path| {
        let (_data, mut cmd) = command();
        cmd.args(["analyze", "--realtime", "--speed", "1000"])
            .arg(f)
            .env("EARSHOT_SECOND_PASS", "off")
            .env_remove("RUST_LOG")
            .output()
            .expect("run earshot")
    };
    let o = live(&cut);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.lines().any(|l| l.starts_with("warning:")
            && l.contains("cut.wav ends at")
            && l.contains("may be cut short")),
        "{err}"
    );
    // Negative controls: the whole file gets no such warning, offline or live.
    for o in [earshot(&["analyze", whole.to_str().unwrap()]), live(&whole)] {
        assert!(o.status.success());
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("cut short"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

fn assert_clean_failure(o: &Output, expect: &str) {
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                // One-time notices of a fresh data dir, not part of the error.
                && !l.starts_with("warning: no age recipients")
                && !l.contains("database key kept in a key file")
        })
        .collect();
    assert_eq!(lines.len(), 1, "one error line expected:\n{err}");
    assert!(
        lines[0].starts_with("error:") && lines[0].contains(expect),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_input_is_one_clear_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.wav");
    assert_clean_failure(
        &earshot(&["analyze", missing.to_str().unwrap()]),
        "does not exist",
    );

    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "this is not audio at all").unwrap();
    assert_clean_failure(
        &earshot(&["analyze", text.to_str().unwrap()]),
        "not a supported audio file",
    );

    let empty = dir.path().join("empty.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 16000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    hound::WavWriter::create(&empty, spec)
        .unwrap()
        .finalize()
        .unwrap();
    assert_clean_failure(
        &earshot(&["analyze", empty.to_str().unwrap()]),
        "contains no audio",
    );

    let tri = dir.path().join("three.wav");
    let spec = hound::WavSpec {
        channels: 3,
        ..spec
    };
    let mut w = hound::WavWriter::create(&tri, spec).unwrap();
    for i in 0..48_000 {
        w.write_sample(((i % 100) as i16 - 50) * 100).unwrap();
    }
    w.finalize().unwrap();
    assert_clean_failure(&earshot(&["analyze", tri.to_str().unwrap()]), "3 channels");
}

#[test]
fn missing_model_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (_data, mut cmd) = command();
    let o = cmd
        .args(["analyze", earshot_callgen::sample_wav().to_str().unwrap()])
        .env("EARSHOT_MODEL_DIR", dir.path())
        .output()
        .unwrap();
    assert_clean_failure(&o, "earshot models install --from");
}

/// Runs `earshot analyze --json FILE`; returns its stdout and the peak resident memory (VmHWM)
/// seen while it ran, in KiB.
fn analyze_with_peak_memory(file: &Path) -> (String, u64) {
    let (_data, mut cmd) = command();
    let child = cmd
        .args(["analyze", "--json"])
        .arg(file)
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let watching = watching.clone();
        std::thread::spawn(move || {
            let mut peak = 0u64;
            while watching.load(std::sync::atomic::Ordering::SeqCst) {
                if let Some(kib) = std::fs::read_to_string(&status).ok().and_then(|s| {
                    s.lines()
                        .find_map(|l| l.strip_prefix("VmHWM:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                }) {
                    peak = peak.max(kib);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        })
    };
    let o = child.wait_with_output().unwrap();
    watching.store(false, std::sync::atomic::Ordering::SeqCst);
    let peak = watcher.join().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (stdout(&o), peak)
}

#[test]
fn a_long_recording_is_streamed_in_bounded_memory() {
    // The sample call, then 20 minutes of quiet line noise on both channels: held whole, the
    // longer file would take ~300 MB more (decoded and resampled, 2 channels, f32); streamed, it
    // takes what the shorter one does. The transcript is the same.
    let dir = tempfile::tempdir().unwrap();
    // The noise at the sample's own rate and channels, so that sox can join the two.
    let rate = Command::new("soxi")
        .arg("-r")
        .arg(earshot_callgen::sample_wav())
        .output()
        .unwrap();
    let rate = String::from_utf8_lossy(&rate.stdout).trim().to_string();
    let noise = dir.path().join("noise.wav");
    let ok = Command::new("sox")
        .args(["-n", "-r", &rate, "-c", "2", "-b", "16"])
        .arg(&noise)
        .args(["synth", "1200", "whitenoise", "vol", "0.002"])
        .status()
        .unwrap()
        .success();
    assert!(ok, "sox");
    let long = dir.path().join("long.wav");
    let ok = Command::new("sox")
        .arg(earshot_callgen::sample_wav())
        .arg(&noise)
        .arg(&long)
        .status()
        .unwrap()
        .success();
    assert!(ok, "sox");
    let (short_out, short_peak) = analyze_with_peak_memory(earshot_callgen::sample_wav());
    let (long_out, long_peak) = analyze_with_peak_memory(&long);
    let texts = |out: &str| -> Vec<String> {
        out.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "utterance")
            .map(|v| format!("{} {}", v["speaker"], v["text"]))
            .collect()
    };
    assert_eq!(texts(&long_out), texts(&short_out));
    let end: Value = serde_json::from_str(long_out.lines().last().unwrap()).unwrap();
    assert!(end["duration_ms"].as_u64().unwrap() > 1_200_000, "{end}");
    let grew_mib = long_peak.saturating_sub(short_peak) / 1024;
    eprintln!("peak RSS: {short_peak} KiB (48 s call), {long_peak} KiB (20 min more)");
    assert!(
        short_peak > 0 && grew_mib < 64,
        "peak memory grew by {grew_mib} MiB for 20 more minutes"
    );
}
