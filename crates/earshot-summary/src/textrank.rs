//! Key turns by TextRank (Mihalcea and Tarau, 2004): the turns are the nodes of a graph whose
//! edges weigh how alike two turns are, and PageRank over that graph ranks the turns that the
//! rest of the call is most about. Similarity is the cosine of MiniLM sentence embeddings when
//! the encoder is installed, else TextRank's original word overlap.

use std::collections::BTreeSet;

/// PageRank's damping factor, as in the paper.
const DAMPING: f32 = 0.85;

/// Iterations: the scores of a call-sized graph settle well before this.
const ITERATIONS: usize = 60;

/// PageRank over the weighted, undirected graph `weights` (`weights[i][j]` ≥ 0; the diagonal is
/// ignored). Returns one score per node.
pub fn rank(weights: &[Vec<f32>]) -> Vec<f32> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let out: Vec<f32> = (0..n)
        .map(|j| (0..n).filter(|&k| k != j).map(|k| weights[j][k]).sum())
        .collect();
    let mut scores = vec![1.0 / n as f32; n];
    for _ in 0..ITERATIONS {
        let next: Vec<f32> = (0..n)
            .map(|i| {
                let inbound: f32 = (0..n)
                    .filter(|&j| j != i && out[j] > 0.0)
                    .map(|j| weights[j][i] / out[j] * scores[j])
                    .sum();
                (1.0 - DAMPING) / n as f32 + DAMPING * inbound
            })
            .collect();
        scores = next;
    }
    scores
}

/// TextRank's word-overlap similarity: shared words over the log lengths of both turns.
pub fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
    if a.len() < 2 || b.len() < 2 {
        return 0.0;
    }
    let shared = a.intersection(b).count() as f32;
    shared / ((a.len() as f32).ln() + (b.len() as f32).ln())
}

/// The lower-case words of a turn, tags left out.
pub fn words(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_tag = false;
    for w in text.split(|c: char| !(c.is_alphanumeric() || c == '[' || c == ']' || c == '\'')) {
        if w.starts_with('[') {
            in_tag = !w.ends_with(']');
            continue;
        }
        if in_tag {
            in_tag = !w.ends_with(']');
            continue;
        }
        if w.len() > 2 {
            out.insert(w.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_turn_the_others_are_about_ranks_first() {
        // 0 and 2 are alike, 1 is alike to both; 3 stands alone.
        let w = vec![
            vec![0.0, 0.6, 0.2, 0.0],
            vec![0.6, 0.0, 0.6, 0.0],
            vec![0.2, 0.6, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0],
        ];
        let s = rank(&w);
        assert!(s[1] > s[0] && s[1] > s[2], "{s:?}");
        assert!(s[3] < s[0], "{s:?}");
        assert!((s.iter().sum::<f32>() - 1.0).abs() < 0.3, "{s:?}");
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn overlap_counts_shared_words_without_tags() {
        let a = words("The duplicate charge on my card [CREDIT_DEBIT_NUMBER]");
        assert!(!a.iter().any(|w| w.contains("credit")), "{a:?}");
        let b = words("I reversed the duplicate charge");
        assert!(overlap(&a, &b) > 0.0);
        assert_eq!(overlap(&a, &words("Good morning")), 0.0);
    }
}
