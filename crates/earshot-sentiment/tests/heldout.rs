//! Quality gate on the held-out set with the real model: the embedding engine reaches 0.85
//! accuracy and beats the lexicon clearly. `cargo xtask eval-sentiment` prints the full table.

use earshot_core::SentimentLabel;
use earshot_models::ModelStore;
use earshot_sentiment::embedding::EmbeddingEngine;
use earshot_sentiment::{LexiconEngine, SentimentEngine};

fn accuracy(engine: &dyn SentimentEngine) -> f64 {
    let rows: Vec<(&str, &str)> = include_str!("../data/heldout.tsv")
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.splitn(3, '\t').collect();
            (c[0], c[2])
        })
        .collect();
    let right = rows
        .iter()
        .filter(|(gold, text)| {
            let want = match *gold {
                "negative" => SentimentLabel::Negative,
                "positive" => SentimentLabel::Positive,
                _ => SentimentLabel::Neutral,
            };
            engine.score(text).label == want
        })
        .count();
    right as f64 / rows.len() as f64
}

#[test]
fn embedding_engine_meets_the_target_and_beats_the_lexicon() {
    let store = ModelStore::from_env();
    let path = |n: &str| store.locate(n).unwrap_or_else(|e| panic!("{e}"));
    let embedding = EmbeddingEngine::new(
        &path("minilm-int8"),
        &path("minilm-tokenizer"),
        &path("onnxruntime"),
    )
    .unwrap();
    let (learned, lexicon) = (accuracy(&embedding), accuracy(&LexiconEngine::new()));
    assert!(learned >= 0.85, "embedding accuracy {learned:.3}");
    assert!(
        learned >= lexicon + 0.05,
        "embedding {learned:.3} vs lexicon {lexicon:.3}"
    );
}
