//! Detector speed: throughput (MB/s) and per-line latency (p50/p99) over the labelled corpus,
//! conversation context included, and the latency of a partial (`Redactor::preview` of each
//! line's word prefixes before the line, as the live engine shows it). Prints figures; asserts
//! nothing about speed.

use earshot_core::Speaker;
use earshot_redact::Redactor;
use std::time::{Duration, Instant};

#[derive(serde::Deserialize)]
struct Conversation {
    lines: Vec<Line>,
}

#[derive(serde::Deserialize)]
struct Line {
    speaker: Speaker,
    text: String,
}

fn main() {
    let text = include_str!("../tests/corpus/corpus.jsonl");
    let corpus: Vec<Conversation> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rounds = 20;
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0usize;
    let started = Instant::now();
    for _ in 0..rounds {
        for conv in &corpus {
            let mut r = Redactor::new();
            for line in &conv.lines {
                bytes += line.text.len();
                let t = Instant::now();
                std::hint::black_box(r.push(line.speaker, &line.text));
                times.push(t.elapsed());
            }
            std::hint::black_box(r.finish());
        }
    }
    let total = started.elapsed();
    // Partials: every word prefix of each line, shown before the line is final.
    let mut partials: Vec<Duration> = Vec::new();
    for conv in &corpus {
        let mut r = Redactor::new();
        for line in &conv.lines {
            let words: Vec<&str> = line.text.split(' ').collect();
            for n in 1..=words.len() {
                let partial = words[..n].join(" ");
                let t = Instant::now();
                std::hint::black_box(r.preview(line.speaker, &partial));
                partials.push(t.elapsed());
            }
            std::hint::black_box(r.push(line.speaker, &line.text));
        }
        std::hint::black_box(r.finish());
    }
    partials.sort();
    let partial_pct = |p: f64| {
        partials[((partials.len() as f64 * p) as usize).min(partials.len() - 1)].as_secs_f64() * 1e6
    };
    times.sort();
    let pct = |p: f64| {
        times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1e6
    };
    println!(
        "redaction benchmark: {} lines ({} rounds of the corpus)",
        times.len(),
        rounds
    );
    println!(
        "throughput {:.2} MB/s; per line p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        bytes as f64 / 1e6 / total.as_secs_f64(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "partials: {} (each line's word prefixes); per partial p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        partials.len(),
        partial_pct(0.5),
        partial_pct(0.99),
        partial_pct(1.0)
    );
}
