//! Sentiment scoring: one trait, several engines, and the call-level trend.
//!
//! The first engine is VADER (the `vader_sentiment` crate: the original lexicon and rules, ported),
//! which is fast and needs no model. A learned engine comes later behind the same trait.

pub mod embedding;

use earshot_core::{Sentiment, SentimentLabel, SentimentTrend, TrendDirection};

/// Scoring one utterance failed (the learned engine's inference).
#[derive(Debug, thiserror::Error)]
#[error("sentiment inference failed: {0}")]
pub struct ScoreError(pub String);

/// Anything that scores the sentiment of one utterance.
pub trait SentimentEngine: Send + Sync {
    /// Short name reported with results (`lexicon`, `embedding`).
    fn name(&self) -> &'static str;
    /// Scores one (redacted) utterance.
    fn try_score(&self, text: &str) -> Result<Sentiment, ScoreError>;
    /// Scores one (redacted) utterance; a failure is [`Sentiment::UNSCORED`] (logged as a
    /// warning, without the text), never a made-up neutral.
    fn score(&self, text: &str) -> Sentiment {
        self.try_score(text).unwrap_or_else(|e| {
            tracing::warn!(error = %e, engine = self.name(), "an utterance was left unscored");
            Sentiment::UNSCORED
        })
    }
}

/// VADER: a rule-based lexicon engine tuned for short, informal text.
pub struct LexiconEngine {
    analyzer: vader_sentiment::SentimentIntensityAnalyzer<'static>,
}

impl Default for LexiconEngine {
    fn default() -> Self {
        LexiconEngine {
            analyzer: vader_sentiment::SentimentIntensityAnalyzer::new(),
        }
    }
}

impl LexiconEngine {
    /// VADER's recommended cut-off between neutral and polar compound scores.
    pub const THRESHOLD: f32 = 0.05;

    /// A new engine (the lexicon is parsed once per process).
    pub fn new() -> Self {
        Self::default()
    }
}

impl SentimentEngine for LexiconEngine {
    fn name(&self) -> &'static str {
        "lexicon"
    }

    fn try_score(&self, text: &str) -> Result<Sentiment, ScoreError> {
        // Redaction tags are not words: keep them out of the lexicon.
        let cleaned: String = strip_tags(text);
        let scores = self.analyzer.polarity_scores(&cleaned);
        let score = scores.get("compound").copied().unwrap_or(0.0) as f32;
        Ok(Sentiment {
            label: label_for(score, Self::THRESHOLD),
            score,
        })
    }
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The label a score falls in, with a symmetric neutral band of `threshold`.
pub fn label_for(score: f32, threshold: f32) -> SentimentLabel {
    if score >= threshold {
        SentimentLabel::Positive
    } else if score <= -threshold {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    }
}

/// How far the last quarter must move from the earlier ones to count as a trend.
pub const TREND_MARGIN: f32 = 0.1;

/// Amazon LCA-style trend: utterance scores are bucketed into quarters of the call by their start
/// time; the last quarter's mean is compared with the mean of the earlier quarters' means.
/// Unscored utterances are left out by the caller (they have no score).
pub fn call_trend(scored: &[(u64, f32)], duration_ms: u64) -> SentimentTrend {
    let mut sums = [(0.0f32, 0u32); 4];
    let duration = duration_ms.max(1);
    for &(start_ms, score) in scored {
        let q = ((start_ms.min(duration - 1) * 4) / duration) as usize;
        sums[q].0 += score;
        sums[q].1 += 1;
    }
    let quarters = sums.map(|(s, n)| (n > 0).then(|| s / n as f32));
    let earlier: Vec<f32> = quarters[..3].iter().flatten().copied().collect();
    let direction = match (quarters[3], earlier.is_empty()) {
        (Some(last), false) => {
            let before = earlier.iter().sum::<f32>() / earlier.len() as f32;
            if last - before > TREND_MARGIN {
                TrendDirection::Up
            } else if before - last > TREND_MARGIN {
                TrendDirection::Down
            } else {
                TrendDirection::Flat
            }
        }
        _ => TrendDirection::Flat,
    };
    SentimentTrend {
        quarters,
        direction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_separates_clear_cases() {
        let e = LexiconEngine::new();
        assert_eq!(
            e.score("Thank you so much, that is wonderful").label,
            SentimentLabel::Positive
        );
        assert_eq!(
            e.score("This is terrible, I am furious and I hate this")
                .label,
            SentimentLabel::Negative
        );
        assert_eq!(
            e.score("The statement was sent on Monday").label,
            SentimentLabel::Neutral
        );
    }

    /// An engine whose inference fails on demand.
    struct Failing(bool);

    impl SentimentEngine for Failing {
        fn name(&self) -> &'static str {
            "failing"
        }
        fn try_score(&self, _: &str) -> Result<Sentiment, ScoreError> {
            if self.0 {
                Err(ScoreError("session run failed".into()))
            } else {
                Ok(Sentiment {
                    label: SentimentLabel::Neutral,
                    score: 0.0,
                })
            }
        }
    }

    #[test]
    fn a_failed_inference_is_unscored_not_neutral() {
        let failed = Failing(true).score("whatever was said");
        assert_eq!(failed.label, SentimentLabel::Unscored);
        assert_eq!(failed.scored(), None);
        // Control: a measured neutral is a score.
        let measured = Failing(false).score("whatever was said");
        assert_eq!(measured.label, SentimentLabel::Neutral);
        assert_eq!(measured.scored(), Some(0.0));
    }

    #[test]
    fn redaction_tags_do_not_count_as_words() {
        assert_eq!(strip_tags("it is [CREDIT_DEBIT_NUMBER] ok"), "it is  ok");
    }

    #[test]
    fn trend_compares_last_quarter_with_earlier_ones() {
        let angry_then_happy = [(0, -0.8), (30_000, -0.6), (55_000, -0.2), (80_000, 0.7)];
        let t = call_trend(&angry_then_happy, 100_000);
        assert_eq!(t.direction, TrendDirection::Up);
        assert_eq!(t.quarters[3], Some(0.7));
        let sour = [(0, 0.5), (90_000, -0.5)];
        assert_eq!(call_trend(&sour, 100_000).direction, TrendDirection::Down);
        assert_eq!(
            call_trend(&[(10, 0.9)], 100_000).direction,
            TrendDirection::Flat
        );
        assert_eq!(call_trend(&[], 0).quarters, [None; 4]);
    }
}
