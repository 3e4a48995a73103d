//! Sentence embeddings with int8 all-MiniLM-L6-v2 on ONNX Runtime (loaded at run time from the
//! library the model store installs), tokenised with the model's own WordPiece `tokenizer.json`.
//! Mean pooling over the attention mask, then L2 normalisation, as sentence-transformers does.

use ort::session::Session;
use ort::value::TensorRef;
use std::path::Path;
use std::sync::OnceLock;

/// Errors loading or running the encoder.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    /// ONNX Runtime, the model or the tokenizer could not be loaded.
    #[error("cannot load the sentence encoder: {0} (check the models with `earshot models verify`; install good copies with `earshot models install --from FOLDER`)")]
    Load(String),
    /// Inference failed.
    #[error("sentence encoder failed: {0}")]
    Run(String),
}

/// Longest input in tokens; longer utterances are truncated (MiniLM was trained on 128).
pub const MAX_TOKENS: usize = 128;

static RUNTIME: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

fn runtime(library: &Path) -> Result<&'static ort::environment::Environment, EncoderError> {
    let env = RUNTIME.get_or_init(|| {
        ort::init_from(library)
            .map_err(|e| format!("ONNX Runtime at {}: {e}", library.display()))?
            .with_name("earshot")
            .build()
            .map_err(|e| e.to_string())
    });
    env.as_ref().map_err(|e| EncoderError::Load(e.clone()))
}

/// A loaded sentence encoder.
pub struct SentenceEncoder {
    session: Session,
    tokenizer: tokenizers::Tokenizer,
    dims: usize,
}

impl SentenceEncoder {
    /// Loads the ONNX model, its tokenizer and (once per process) the ONNX Runtime library.
    pub fn new(
        model: &Path,
        tokenizer: &Path,
        runtime_library: &Path,
    ) -> Result<SentenceEncoder, EncoderError> {
        let env = runtime(runtime_library)?;
        let load = |e: &dyn std::fmt::Display| EncoderError::Load(e.to_string());
        let mut tokenizer = tokenizers::Tokenizer::from_file(tokenizer).map_err(|e| load(&e))?;
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| load(&e))?;
        tokenizer.with_padding(None);
        let session = Session::builder(env)
            .map_err(|e| load(&e))?
            .with_intra_threads(1)
            .map_err(|e| load(&e))?
            .commit_from_file(model)
            .map_err(|e| load(&e))?;
        Ok(SentenceEncoder {
            session,
            tokenizer,
            dims: 0,
        })
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&mut self, text: &str) -> Result<Vec<f32>, EncoderError> {
        let run = |e: &dyn std::fmt::Display| EncoderError::Run(e.to_string());
        let encoding = self.tokenizer.encode(text, true).map_err(|e| run(&e))?;
        let n = encoding.get_ids().len();
        let ids: Vec<i64> = encoding.get_ids().iter().map(|&v| v as i64).collect();
        let mask: Vec<i64> = encoding
            .get_attention_mask()
            .iter()
            .map(|&v| v as i64)
            .collect();
        let types: Vec<i64> = encoding.get_type_ids().iter().map(|&v| v as i64).collect();
        let inputs = ort::inputs![
            "input_ids" => TensorRef::from_array_view(([1usize, n], &ids[..])).map_err(|e| run(&e))?,
            "attention_mask" => TensorRef::from_array_view(([1usize, n], &mask[..])).map_err(|e| run(&e))?,
            "token_type_ids" => TensorRef::from_array_view(([1usize, n], &types[..])).map_err(|e| run(&e))?,
        ];
        let outputs = self.session.run(inputs).map_err(|e| run(&e))?;
        let (shape, hidden) = outputs["last_hidden_state"]
            .try_extract_tensor::<f32>()
            .map_err(|e| run(&e))?;
        let dims = *shape.last().unwrap_or(&0) as usize;
        if dims == 0 || hidden.len() != n * dims {
            return Err(EncoderError::Run(format!(
                "unexpected output shape {shape:?}"
            )));
        }
        let mut pooled = vec![0f32; dims];
        let mut count = 0f32;
        for (t, m) in mask.iter().enumerate() {
            if *m == 1 {
                count += 1.0;
                for (p, h) in pooled.iter_mut().zip(&hidden[t * dims..(t + 1) * dims]) {
                    *p += h;
                }
            }
        }
        let norm = pooled
            .iter()
            .map(|v| (v / count.max(1.0)).powi(2))
            .sum::<f32>()
            .sqrt()
            .max(1e-12);
        self.dims = dims;
        Ok(pooled
            .into_iter()
            .map(|v| v / count.max(1.0) / norm)
            .collect())
    }

    /// Embedding size (384 for MiniLM-L6), known after the first call.
    pub fn dims(&self) -> usize {
        self.dims
    }
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The trained 3-class head (negative / neutral / positive) over MiniLM embeddings, shipped in
/// the crate (`data/head.json`, written by `cargo xtask train-sentiment`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentimentHead {
    labels: Vec<String>,
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
}

impl SentimentHead {
    /// The head compiled into this build.
    pub fn builtin() -> SentimentHead {
        serde_json::from_str(include_str!("../data/head.json"))
            .expect("data/head.json is checked by a unit test")
    }

    /// Class probabilities (negative, neutral, positive) of an embedding.
    pub fn probabilities(&self, embedding: &[f32]) -> [f32; 3] {
        let logits: Vec<f32> = self
            .weights
            .iter()
            .zip(&self.bias)
            .map(|(w, b)| w.iter().zip(embedding).map(|(a, x)| a * x).sum::<f32>() + b)
            .collect();
        let max = logits.iter().cloned().fold(f32::MIN, f32::max);
        let exp: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
        let sum: f32 = exp.iter().sum();
        let mut p = [0f32; 3];
        for (i, label) in self.labels.iter().enumerate() {
            let slot = match label.as_str() {
                "negative" => 0,
                "neutral" => 1,
                _ => 2,
            };
            p[slot] = exp[i] / sum;
        }
        p
    }
}

/// The learned engine: MiniLM embedding → trained head. Score = P(positive) − P(negative).
pub struct EmbeddingEngine {
    encoder: std::sync::Mutex<SentenceEncoder>,
    head: SentimentHead,
}

impl EmbeddingEngine {
    /// Loads the encoder (model, tokenizer, runtime library) with the built-in head.
    pub fn new(
        model: &Path,
        tokenizer: &Path,
        runtime_library: &Path,
    ) -> Result<EmbeddingEngine, EncoderError> {
        Ok(EmbeddingEngine {
            encoder: std::sync::Mutex::new(SentenceEncoder::new(
                model,
                tokenizer,
                runtime_library,
            )?),
            head: SentimentHead::builtin(),
        })
    }

    /// Scores one utterance, or reports why it could not.
    pub fn try_score(&self, text: &str) -> Result<earshot_core::Sentiment, EncoderError> {
        let cleaned = crate::strip_tags(text);
        let embedding = self
            .encoder
            .lock()
            .map_err(|_| EncoderError::Run("encoder poisoned".into()))?
            .embed(&cleaned)?;
        let p = self.head.probabilities(&embedding);
        let label = match p
            .iter()
            .enumerate()
            .fold(
                (0, f32::MIN),
                |best, (i, v)| if *v > best.1 { (i, *v) } else { best },
            )
            .0
        {
            0 => earshot_core::SentimentLabel::Negative,
            1 => earshot_core::SentimentLabel::Neutral,
            _ => earshot_core::SentimentLabel::Positive,
        };
        Ok(earshot_core::Sentiment {
            label,
            score: p[2] - p[0],
        })
    }
}

impl crate::SentimentEngine for EmbeddingEngine {
    fn name(&self) -> &'static str {
        "embedding"
    }

    fn try_score(&self, text: &str) -> Result<earshot_core::Sentiment, crate::ScoreError> {
        EmbeddingEngine::try_score(self, text).map_err(|e| crate::ScoreError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_head_has_three_classes_over_384_dimensions() {
        let h = SentimentHead::builtin();
        assert_eq!(h.labels, ["negative", "neutral", "positive"]);
        assert!(h.weights.iter().all(|w| w.len() == 384));
        let p = h.probabilities(&[0.0; 384]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}
