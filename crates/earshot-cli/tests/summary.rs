//! `earshot calls summary`: the shareable summary of a call analyzed through the real models —
//! figures that fit the call, counts of what was redacted, key turns chosen from the redacted
//! text, and no sensitive value in any form.

use earshot_callgen::{render_with, sample_call, RenderOptions};
use serde_json::Value;
use std::process::Command;

fn earshot(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_earshot"))
        .env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file")
        .env_remove("EARSHOT_AGE_RECIPIENTS")
        .env_remove("RUST_LOG")
        .args(args)
        .output()
        .expect("run earshot")
}

/// No secret in any text of the summary, and no figure that is one. The random summary id and
/// the figures are not scanned as text: a random hex id or a wall-clock time may hold "739" by
/// chance.
fn assert_no_secret(v: &Value, whole: &str) {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let numbers: Vec<String> = earshot_callgen::SAMPLE_SECRETS
        .iter()
        .map(|s| digits(s))
        .filter(|d| !d.is_empty())
        .collect();
    match v {
        Value::String(t) => {
            let lower = t.to_lowercase();
            for s in earshot_callgen::SAMPLE_SECRETS {
                assert!(!lower.contains(s), "{s:?} in {t:?}:\n{whole}");
            }
        }
        Value::Number(n) => {
            assert!(
                !numbers.contains(&n.to_string()),
                "{n} is a secret:\n{whole}"
            );
        }
        Value::Array(items) => items.iter().for_each(|i| assert_no_secret(i, whole)),
        Value::Object(fields) => {
            fields
                .iter()
                .filter(|(k, _)| *k != "summary_id")
                .for_each(|(k, f)| {
                    assert_no_secret(&Value::String(k.clone()), whole);
                    assert_no_secret(f, whole);
                })
        }
        Value::Bool(_) | Value::Null => {}
    }
}

#[test]
fn the_summary_of_a_call_has_its_figures_and_counts_and_no_value() {
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let analyzed = earshot(data.path(), &["analyze", "--json", call.to_str().unwrap()]);
    assert!(analyzed.status.success(), "{analyzed:?}");

    let out = earshot(data.path(), &["calls", "summary", "1"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_str(&text).unwrap();
    assert_no_secret(&s, &text);

    // Figures that fit the call.
    assert_eq!(s["summary_id"].as_str().unwrap().len(), 32);
    assert_eq!(s["source"], "file", "the file's name stays home");
    assert!(!text.contains("call.wav"));
    let duration = s["duration_ms"].as_i64().unwrap();
    assert!((40_000..60_000).contains(&duration), "{duration}");
    for who in ["caller", "agent"] {
        let f = &s["speakers"][who];
        // Four turns each; recognition may split a long one.
        let turns = f["turns"].as_u64().unwrap();
        assert!((4..=6).contains(&turns), "{who}: {f}");
        let talk = f["talk_ms"].as_i64().unwrap();
        assert!(
            talk > 8_000 && talk < duration / 2 + 10_000,
            "{who}: {talk}"
        );
    }
    assert!(s["speakers"].get("unknown").is_none());
    let silence = s["silence_ratio"].as_f64().unwrap();
    assert!(silence > 0.0 && silence < 0.5, "{silence}");
    // The turns of a generated call follow each other: next to no overtalk.
    assert!(s["overtalk_ratio"].as_f64().unwrap() < 0.05, "{text}");
    // The caller ends relieved: the last quarter is better than the rest.
    assert_eq!(s["speakers"]["caller"]["sentiment_trend"], "UP");

    // Counts of what was redacted, never the values.
    assert!(
        s["findings"]["CREDIT_DEBIT_NUMBER"].as_u64().unwrap() >= 1,
        "{text}"
    );
    assert!(
        s["findings"]["CREDIT_DEBIT_CVV"].as_u64().unwrap() >= 1,
        "{text}"
    );
    assert_eq!(s["keypad_entries"], 0);

    // Key turns: up to five, in call order, from the redacted text, by embeddings (the encoder
    // is installed here).
    assert_eq!(s["key_turn_method"], "textrank_minilm");
    let turns = s["key_turns"].as_array().unwrap();
    assert!(!turns.is_empty() && turns.len() <= 5, "{text}");
    let starts: Vec<i64> = turns
        .iter()
        .map(|t| t["start_ms"].as_i64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    assert!(!s["key_phrases"].as_array().unwrap().is_empty(), "{text}");
    // Defence in depth: the agent's greeting names the agent ("This is Sam"); the redactor kept
    // it (it is not caller input), the second pass withholds the whole turn if it is chosen.
    // Five turns were chosen out of the seven long enough to be candidates: each is either
    // shared or withheld, and no shared one names anybody.
    let withheld = s["withheld"]["key_turns"].as_u64().unwrap() as usize;
    assert_eq!(turns.len() + withheld, 5, "{text}");
    assert!(!text.contains("Sam"), "{text}");
    assert_eq!(s["withheld"]["key_phrases"], 0, "{text}");
    assert_eq!(s["engines"]["asr_model"], "tiny.en");

    // Negative control: a call that does not exist is an error, not an empty summary.
    let missing = earshot(data.path(), &["calls", "summary", "99"]);
    assert!(!missing.status.success());
}
