//! Regression gate on the labelled corpus: the targets (recall ≥ 0.99, precision ≥ 0.95)
//! and a clean-negative floor. `cargo xtask eval-redact` prints the full table.

#[path = "corpus/metrics.rs"]
mod metrics;

#[test]
fn corpus_recall_and_precision_meet_the_targets() {
    let corpus = metrics::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/corpus.jsonl"
    ));
    let (preds, _) = metrics::run_earshot(&corpus);
    let c = metrics::score(&corpus, &preds);
    let recall = c.recalled as f64 / c.gold as f64;
    let precision = c.true_pred as f64 / c.predicted as f64;
    let clean = c.clean_neg as f64 / c.neg_lines as f64;
    assert!(c.gold > 600 && c.neg_lines > 1500, "corpus too small");
    assert!(recall >= 0.99, "recall {recall:.3}");
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(clean >= 0.95, "clean-negative rate {clean:.3}");
}
