//! Measures the detector on the labelled corpus (`tests/corpus/corpus.jsonl`) and, side by side,
//! any other engine's predictions on the same lines.
//!
//! `cargo run -p earshot-redact --example eval_redact -- [CORPUS] [--compare NAME=PREDICTIONS.jsonl]...`
//! Besides the detector's row it prints a mono row: the same lines with every speaker unknown,
//! as in a mono recording or a SIPREC call with one mixed stream, where the detector cannot tell
//! the agent's lines from the caller's.
//! A predictions file has one JSON object per corpus line, in corpus order:
//! `{"id": "c0001", "line": 3, "findings": [{"type": "CREDIT_DEBIT_NUMBER", "start": 5, "end": 24}]}`.
//!
//! Metrics (character offsets, per line):
//! * recall: gold spans whose every letter and digit lies inside some predicted span;
//! * precision: predicted spans that overlap a gold span;
//! * clean-negative rate: lines with no gold span that get no prediction;
//! * type accuracy: of the recalled gold spans, those whose covering prediction has the gold type.

#[path = "../tests/corpus/metrics.rs"]
mod metrics;

use metrics::{Label, Prediction};
use std::collections::HashMap;

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "  -  ".into()
    } else {
        format!("{:.3}", a as f64 / b as f64)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut corpus_path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/corpus.jsonl").to_string();
    let mut compare: Vec<(String, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--compare" {
            let spec = it.next().expect("--compare NAME=FILE");
            let (name, file) = spec.split_once('=').expect("--compare NAME=FILE");
            compare.push((name.to_string(), file.to_string()));
        } else if !a.starts_with("--") {
            corpus_path = a.clone();
        }
    }
    let corpus = metrics::load(&corpus_path);

    // Our detector, one conversation at a time, with its context.
    let started = std::time::Instant::now();
    let (ours, bytes) = metrics::run_earshot(&corpus);
    let elapsed = started.elapsed();
    if args.iter().any(|a| a == "--show-errors") {
        for conv in &corpus {
            for (i, line) in conv.lines.iter().enumerate() {
                let gold: Vec<&Label> = conv.labels.iter().filter(|l| l.line == i).collect();
                let preds = ours.get(&(conv.id.clone(), i)).cloned().unwrap_or_default();
                for g in &gold {
                    let chars: Vec<char> = line.text.chars().collect();
                    let missed = (g.start..g.end.min(chars.len()))
                        .filter(|&k| chars[k].is_alphanumeric())
                        .any(|k| !preds.iter().any(|p| p.start <= k && k < p.end));
                    if missed {
                        let span: String = chars[g.start..g.end.min(chars.len())].iter().collect();
                        println!("FN {} {:?} in {:?}", g.kind, span, line.text);
                    }
                }
                for p in ours.get(&(conv.id.clone(), i)).into_iter().flatten() {
                    if !gold.iter().any(|g| p.start < g.end && g.start < p.end) {
                        let span: String = line
                            .text
                            .chars()
                            .skip(p.start)
                            .take(p.end - p.start)
                            .collect();
                        println!("FP {} {:?} in {:?}", p.kind, span, line.text);
                    }
                }
            }
        }
    }
    let mut engines = vec![("earshot".to_string(), metrics::score(&corpus, &ours))];
    let mut mono = metrics::load(&corpus_path);
    for line in mono.iter_mut().flat_map(|c| c.lines.iter_mut()) {
        line.speaker = earshot_core::Speaker::Unknown;
    }
    let (mono_preds, _) = metrics::run_earshot(&mono);
    engines.push((
        "earshot, mono (every speaker unknown)".to_string(),
        metrics::score(&mono, &mono_preds),
    ));
    for (name, file) in compare {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut preds = HashMap::new();
        for l in text.lines() {
            let p: Prediction = serde_json::from_str(l).expect("prediction line");
            preds.insert((p.id, p.line), p.findings);
        }
        engines.push((name, metrics::score(&corpus, &preds)));
    }

    let lines: usize = corpus.iter().map(|c| c.lines.len()).sum();
    println!(
        "corpus: {} conversations, {lines} lines, {} labelled spans, {} negative lines",
        corpus.len(),
        engines[0].1.gold,
        engines[0].1.neg_lines
    );
    println!();
    println!(
        "| engine | recall | span precision (ends within {} chars) | clean-negative rate | type accuracy | over-redacted chars |",
        metrics::BOUNDARY_TOLERANCE
    );
    println!("|---|---|---|---|---|---|");
    for (name, c) in &engines {
        println!(
            "| {name} | {} | {} | {} | {} | {} ({} of labelled) |",
            ratio(c.recalled, c.gold),
            ratio(c.true_pred, c.predicted),
            ratio(c.clean_neg, c.neg_lines),
            ratio(c.typed, c.recalled),
            c.over_redacted,
            ratio(c.over_redacted, c.gold_chars)
        );
    }
    println!();
    let header: Vec<String> = engines
        .iter()
        .map(|(n, _)| format!("{n} recall / type acc. / precision"))
        .collect();
    println!("| type | gold | {} |", header.join(" | "));
    println!("|---|---|{}", "---|".repeat(engines.len()));
    for (kind, (gold, _, _)) in &engines[0].1.per_gold {
        let cells: Vec<String> = engines
            .iter()
            .map(|(_, c)| {
                let (g, r, t) = c.per_gold.get(kind).copied().unwrap_or_default();
                let (p, tp) = c.per_pred.get(kind).copied().unwrap_or_default();
                format!("{} / {} / {}", ratio(r, g), ratio(t, r), ratio(tp, p))
            })
            .collect();
        println!("| {kind} | {gold} | {} |", cells.join(" | "));
    }
    println!();
    println!(
        "earshot speed: {:.2} MB/s over the corpus ({} lines in {:.1} ms, conversation context included)",
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        lines,
        elapsed.as_secs_f64() * 1000.0
    );
}
