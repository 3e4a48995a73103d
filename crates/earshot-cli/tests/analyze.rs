//! `earshot analyze` on real generated speech through the real models: the words come out, the
//! speakers are right, and no card or security-code digits reach stdout in either output mode.

use earshot_callgen::{render_with, sample_call, RenderOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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

/// The sample call (caller on the left), rendered once per test run.
fn sample() -> &'static Path {
    static CALL: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = CALL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        render_with(&sample_call(), &path, &RenderOptions::default()).unwrap();
        (dir, path)
    });
    path
}

/// Every surface form of the sensitive values the caller reads out.
const SECRETS: &[&str] = &[
    "4532",
    "0151",
    "1283",
    "0366",
    "4532015112830366",
    "4532 0151",
    "4532-0151",
    "739",
    "7 3 9",
    "seven three nine",
    "four five three two",
    "zero one five one",
    "one two eight three",
    "zero three six six",
];

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

#[test]
fn json_mode_has_both_speakers_the_words_and_no_secret() {
    let o = earshot_verbose(&["analyze", sample().to_str().unwrap(), "--json"]);
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
        agent.contains("northwind") && agent.contains("card number"),
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
    let o = earshot(&["analyze", sample().to_str().unwrap()]);
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
            .any(|l| l.contains("AGENT") && l.contains("Northwind")),
        "{out}"
    );
    assert!(
        out.contains("[CREDIT_DEBIT_NUMBER]") && out.contains("ended at"),
        "{out}"
    );
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
        .find(|u| u["text"].as_str().is_some_and(|t| t.contains("Northwind")))
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
        all.contains("northwind") && all.contains("charged twice"),
        "{all}"
    );
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
        .args(["analyze", sample().to_str().unwrap()])
        .env("EARSHOT_MODEL_DIR", dir.path())
        .output()
        .unwrap();
    assert_clean_failure(&o, "cargo xtask setup");
}
