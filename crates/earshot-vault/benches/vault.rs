//! Per-utterance cost of what happens after whisper: detect + redact, seal every finding with age
//! (two recipients, as during key rotation), and commit the utterance in its own transaction
//! (SQLCipher, WAL). Prints p50/p95/p99 and the mean; asserts nothing about speed.

use earshot_config::{Config, KeyStore};
use earshot_core::{Sentiment, SentimentLabel, Speaker, Utterance};
use earshot_redact::Redactor;
use earshot_seal::{OperatorIdentity, Sealer};
use earshot_vault::{NewCall, Vault};
use std::time::{Duration, Instant};

const LINES: &[(Speaker, &str)] = &[
    (
        Speaker::Agent,
        "Thank you for calling, can I have the card number please?",
    ),
    (
        Speaker::Caller,
        "Sure, it is four five three two zero one five one one two eight three zero three six six.",
    ),
    (
        Speaker::Agent,
        "And the three digit security code on the back?",
    ),
    (
        Speaker::Caller,
        "It is seven three nine, and my email is john dot smith at example dot com.",
    ),
    (
        Speaker::Agent,
        "Thanks, I have reversed the duplicate charge of 500 dollars on order 4521.",
    ),
    (
        Speaker::Caller,
        "Great, that is a relief, you can call me back on 415 555 0132 if needed.",
    ),
];

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let recipients = vec![
        OperatorIdentity::generate().recipient(),
        OperatorIdentity::generate().recipient(),
    ];
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        age_recipients: recipients.clone(),
        key_store: KeyStore::File,
        retention_days: 90,
        ..Config::defaults(std::path::PathBuf::new())
    };
    let mut vault = Vault::open(&config).unwrap();
    let sealer = Sealer::new(&recipients).unwrap().unwrap();
    let call = vault
        .begin_call(&NewCall {
            source: "bench".into(),
            agent: None,
            direction: None,
            model: "tiny.en".into(),
        })
        .unwrap();
    let mut redactor = Redactor::new();
    let n = 3000;
    let mut times: Vec<Duration> = Vec::with_capacity(n);
    let mut findings = 0;
    let mut seq = 0u32;
    for i in 0..n {
        let (speaker, text) = LINES[i % LINES.len()];
        let started = Instant::now();
        let mut committed = 0u32;
        for r in redactor.push(speaker, text) {
            committed += 1;
            let sealed = earshot_seal::seal_findings(Some(&sealer), &r.findings).unwrap();
            findings += sealed.len();
            seq += 1;
            let u = Utterance {
                speaker: r.speaker,
                start_ms: i as u64 * 1000,
                end_ms: i as u64 * 1000 + 900,
                text: r.text,
                sentiment: Sentiment {
                    label: SentimentLabel::Neutral,
                    score: 0.0,
                },
                findings: Vec::new(),
            };
            vault.add_utterance(call, seq, &u, &sealed).unwrap();
        }
        // Only what committed counts: a line the redactor holds back costs a detection and
        // no commit, and would pull the figures down. A push that released a held line too
        // committed two: each gets half.
        if committed > 0 {
            let each = started.elapsed() / committed;
            times.extend(std::iter::repeat_n(each, committed as usize));
        }
    }
    times.sort();
    let pct = |p: f64| {
        times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
    };
    let mean = times.iter().sum::<Duration>().as_secs_f64() * 1000.0 / times.len() as f64;
    println!("vault benchmark: {n} lines pushed, {} utterances committed, {findings} findings sealed to 2 recipients, one transaction each", times.len());
    println!("per utterance (detect + seal + insert): p50 {:.3} ms  p95 {:.3} ms  p99 {:.3} ms  mean {mean:.3} ms", pct(0.50), pct(0.95), pct(0.99));
}
