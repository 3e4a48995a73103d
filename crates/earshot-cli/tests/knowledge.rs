//! `earshot knowledge search` and `earshot knowledge feedback`: the agent's own search of the
//! sample knowledge base through the real MiniLM, with a value typed into the query redacted
//! before it is searched, and a clear error without a base.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn earshot(data: &Path, kb: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.env("EARSHOT_DATA_DIR", data)
        .env("EARSHOT_KEY_STORE", "file")
        .env("RUST_LOG", "debug")
        .args(args);
    match kb {
        Some(k) => cmd.env("EARSHOT_KNOWLEDGE_DIR", k),
        None => cmd.env_remove("EARSHOT_KNOWLEDGE_DIR"),
    };
    cmd.output().expect("run earshot")
}

#[test]
fn the_agent_finds_the_article_by_typing_and_a_typed_card_number_goes_nowhere() {
    let data = tempfile::tempdir().unwrap();
    let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/knowledge");
    let o = earshot(
        data.path(),
        Some(&kb),
        &[
            "knowledge",
            "search",
            "customer says the same purchase shows up two times on card 4532 0151 1283 0366",
            "--json",
        ],
    );
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    );
    assert!(o.status.success(), "{err}");
    let hits: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(hits.len(), 3, "{out}");
    assert_eq!(hits[0]["article_id"], "billing/double-charge.md", "{out}");
    assert!(hits[0]["score"].as_f64().unwrap() > hits[2]["score"].as_f64().unwrap());
    for text in [&out, &err] {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        assert!(!digits.contains("4532015112830366"), "{text}");
        assert!(!text.contains("4532 0151"), "{text}");
    }
    // Nothing is marked yet: the feedback report is empty, and says so by printing nothing.
    let o = earshot(data.path(), Some(&kb), &["knowledge", "feedback", "--json"]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty());

    // Without a base: a clear error, not an empty list.
    let o = earshot(data.path(), None, &["knowledge", "search", "charged twice"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no knowledge base is configured"), "{err}");
}
