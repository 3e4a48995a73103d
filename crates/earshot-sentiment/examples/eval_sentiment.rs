//! Accuracy, macro-F1 and speed of both sentiment engines on the held-out set
//! (`data/heldout.tsv`, written separately from the training lines). `cargo xtask eval-sentiment`.

use earshot_core::SentimentLabel;
use earshot_models::ModelStore;
use earshot_sentiment::embedding::EmbeddingEngine;
use earshot_sentiment::{LexiconEngine, SentimentEngine};
use std::time::{Duration, Instant};

fn label(s: &str) -> SentimentLabel {
    match s {
        "negative" => SentimentLabel::Negative,
        "positive" => SentimentLabel::Positive,
        _ => SentimentLabel::Neutral,
    }
}

fn main() {
    let data = include_str!("../data/heldout.tsv");
    let rows: Vec<(SentimentLabel, &str)> = data
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.splitn(3, '\t').collect();
            (label(c[0]), c[2])
        })
        .collect();
    let store = ModelStore::from_env();
    let path = |n: &str| store.locate(n).unwrap_or_else(|e| panic!("{e}"));
    let embedding = EmbeddingEngine::new(
        &path("minilm-int8"),
        &path("minilm-tokenizer"),
        &path("onnxruntime"),
    )
    .expect("embedding engine");
    let engines: Vec<(&str, Box<dyn SentimentEngine>)> = vec![
        ("lexicon (VADER)", Box::new(LexiconEngine::new())),
        ("embedding (MiniLM int8 + head)", Box::new(embedding)),
    ];
    println!(
        "held-out set: {} lines ({} per class)",
        rows.len(),
        rows.len() / 3
    );
    println!();
    println!("| engine | accuracy | macro-F1 | ms/utterance p50 | p95 |");
    println!("|---|---|---|---|---|");
    for (name, engine) in &engines {
        engine.score("warm up");
        let mut times: Vec<Duration> = Vec::new();
        let mut confusion = [[0usize; 3]; 3];
        let idx = |l: SentimentLabel| match l {
            SentimentLabel::Negative => 0,
            SentimentLabel::Neutral => 1,
            SentimentLabel::Positive => 2,
            SentimentLabel::Unscored => unreachable!("try_score scores or fails"),
        };
        for (gold, text) in &rows {
            let t = Instant::now();
            // A failure stops the evaluation: an accuracy over unscored lines would mean nothing.
            let s = engine
                .try_score(text)
                .expect("every held-out line is scored");
            times.push(t.elapsed());
            confusion[idx(*gold)][idx(s.label)] += 1;
        }
        times.sort();
        let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
        let f1: f64 = (0..3)
            .map(|i| {
                let tp = confusion[i][i] as f64;
                let predicted: usize = (0..3).map(|g| confusion[g][i]).sum();
                let actual: usize = confusion[i].iter().sum();
                let (p, r) = (tp / predicted.max(1) as f64, tp / actual.max(1) as f64);
                if p + r == 0.0 {
                    0.0
                } else {
                    2.0 * p * r / (p + r)
                }
            })
            .sum::<f64>()
            / 3.0;
        let ms = |q: f64| {
            times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
        };
        println!(
            "| {name} | {:.3} | {:.3} | {:.2} | {:.2} |",
            correct as f64 / rows.len() as f64,
            f1,
            ms(0.5),
            ms(0.95)
        );
    }
}
