//! Regression gate on the labelled corpus: the targets (recall ≥ 0.99, span-level
//! precision ≥ 0.95), a clean-negative floor and a ceiling on over-redacted characters. `cargo xtask eval-redact` prints the full table.

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
    // Redacting beyond the values costs readability: at most 5 % of the labelled characters.
    let over = c.over_redacted as f64 / c.gold_chars as f64;
    assert!(
        over <= 0.05,
        "over-redacted characters {over:.3} of the labelled ones"
    );
}
