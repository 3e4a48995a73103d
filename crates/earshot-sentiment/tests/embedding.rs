//! The real int8 MiniLM on the real ONNX Runtime: paraphrases land closer than unrelated lines.

use earshot_models::ModelStore;
use earshot_sentiment::embedding::{cosine, SentenceEncoder};

#[test]
fn paraphrases_are_closer_than_unrelated_sentences() {
    let store = ModelStore::from_env();
    let path = |n: &str| store.locate(n).unwrap_or_else(|e| panic!("{e}"));
    let mut enc = SentenceEncoder::new(
        &path("minilm-int8"),
        &path("minilm-tokenizer"),
        &path("onnxruntime"),
    )
    .unwrap();
    let a = enc.embed("I was charged twice for the same order").unwrap();
    let b = enc
        .embed("My card got billed two times for one purchase")
        .unwrap();
    let c = enc
        .embed("What a lovely sunny morning at the beach")
        .unwrap();
    assert_eq!(a.len(), 384);
    assert_eq!(enc.dims(), 384);
    let norm: f32 = a.iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-3, "{norm}");
    let (ab, ac) = (cosine(&a, &b), cosine(&a, &c));
    assert!(ab > ac + 0.2, "paraphrase {ab:.3} vs unrelated {ac:.3}");
    // Long input is truncated, not an error; empty input still embeds.
    assert_eq!(enc.embed(&"word ".repeat(400)).unwrap().len(), 384);
    assert_eq!(enc.embed("").unwrap().len(), 384);
}
