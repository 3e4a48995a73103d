//! Matching by meaning: a rule's or a checklist item's example sentences, embedded once at
//! load with the MiniLM encoder, against a final's embedding (cosine of unit vectors).

use crate::{AssistError, Embedder};

/// Example sentences with the similarity a final needs to one of them.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    texts: Vec<String>,
    threshold: f32,
    vectors: Vec<Vec<f32>>,
}

impl Examples {
    /// `texts` matched at `threshold`, or `Err` with the reason when the threshold is not in
    /// (0, 1].
    pub fn new(texts: Vec<String>, threshold: f32) -> Result<Examples, String> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err("threshold: 0 < threshold ≤ 1".into());
        }
        Ok(Examples {
            texts,
            threshold,
            vectors: Vec::new(),
        })
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Whether the examples are embedded (a final's embedding can be matched).
    pub fn embedded(&self) -> bool {
        !self.vectors.is_empty()
    }

    /// The similarity a final needs.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Embeds the examples with `encoder` (once, at load).
    pub fn embed(&mut self, encoder: &mut dyn Embedder) -> Result<(), AssistError> {
        self.vectors = self
            .texts
            .iter()
            .map(|e| encoder.embed(e))
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    /// The best similarity of `embedding` to one of the examples (0 without any).
    pub fn similarity(&self, embedding: &[f32]) -> f32 {
        self.vectors
            .iter()
            .map(|v| earshot_sentiment::embedding::cosine(embedding, v))
            .fold(0.0, f32::max)
    }

    /// Whether `embedding` comes within the threshold of an embedded example.
    pub fn matches(&self, embedding: &[f32]) -> bool {
        self.embedded() && self.similarity(embedding) >= self.threshold
    }
}
