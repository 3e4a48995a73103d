//! The knowledge index: every chunk's MiniLM embedding in one flat array, searched exactly.
//!
//! The vectors are unit length, so similarity is a dot product: 384 multiply-adds per chunk.
//! `cargo xtask bench` (the assist figures) prints the search time at 1k and 10k chunks; an
//! approximate index would only pay once exact search nears the suggestion's latency budget.

use crate::article::Article;
use crate::{AssistError, Embedder};
use sha2::Digest;
use std::collections::HashMap;

/// Chunk vectors computed before, by [`passage_key`]: what the vault keeps so that a base is
/// embedded once, not at every start.
pub type KnownVectors = HashMap<String, Vec<f32>>;

/// Vectors an indexing had to compute, with their keys (for the caller to keep).
pub type Computed = Vec<(String, Vec<f32>)>;

/// The key of a chunk's vector: SHA-256 of the encoder's identity (`model`, e.g. its file's
/// hash) and the text embedded, so an edited chunk or another model is embedded anew.
pub fn passage_key(model: &str, passage: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(model.as_bytes());
    h.update([0u8]);
    h.update(passage.as_bytes());
    hex::encode(h.finalize())
}

/// The searchable knowledge base.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeIndex {
    articles: Vec<Article>,
    /// (article, chunk) of each vector.
    entries: Vec<(usize, usize)>,
    /// The [`passage_key`] of each vector.
    keys: Vec<String>,
    vectors: Vec<f32>,
    dims: usize,
}

/// A search result: an article and its best-matching chunk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index of the article ([`KnowledgeIndex::article`]).
    pub article: usize,
    /// Index of its chunk.
    pub chunk: usize,
    /// Cosine similarity of the query and the chunk (−1 … 1).
    pub score: f32,
}

/// What a chunk is embedded as: its article's title and its heading give it context.
fn passage(a: &Article, c: &crate::article::Chunk) -> String {
    if c.heading == a.title {
        format!("{}. {}", a.title, c.text)
    } else {
        format!("{}. {}. {}", a.title, c.heading, c.text)
    }
}

impl KnowledgeIndex {
    /// Embeds every chunk of `articles`.
    pub fn build(
        articles: Vec<Article>,
        encoder: &mut dyn Embedder,
    ) -> Result<KnowledgeIndex, AssistError> {
        Ok(KnowledgeIndex::build_with(articles, encoder, "", &KnownVectors::new())?.0)
    }

    /// Indexes `articles`, taking each chunk's vector from `known` where its [`passage_key`]
    /// (with `model`) is there and embedding the rest; returns the index and the vectors it
    /// had to compute (for the caller to keep).
    pub fn build_with(
        articles: Vec<Article>,
        encoder: &mut dyn Embedder,
        model: &str,
        known: &KnownVectors,
    ) -> Result<(KnowledgeIndex, Computed), AssistError> {
        let mut index = KnowledgeIndex::default();
        let mut computed = Vec::new();
        for (ai, a) in articles.iter().enumerate() {
            for (ci, c) in a.chunks.iter().enumerate() {
                let text = passage(a, c);
                let key = passage_key(model, &text);
                let v = match known.get(&key) {
                    Some(v) => v.clone(),
                    None => {
                        let v = encoder.embed(&text)?;
                        computed.push((key.clone(), v.clone()));
                        v
                    }
                };
                index.keys.push(key);
                if index.dims == 0 {
                    index.dims = v.len();
                }
                if v.len() != index.dims {
                    return Err(AssistError::Encoder(format!(
                        "the encoder gave {} dimensions, then {}",
                        index.dims,
                        v.len()
                    )));
                }
                index.vectors.extend_from_slice(&v);
                index.entries.push((ai, ci));
            }
        }
        index.articles = articles;
        Ok((index, computed))
    }

    /// Every chunk's vector by its key (to build the next index from).
    pub fn known(&self) -> KnownVectors {
        if self.dims == 0 {
            return KnownVectors::new();
        }
        self.keys
            .iter()
            .cloned()
            .zip(self.vectors.chunks_exact(self.dims).map(<[f32]>::to_vec))
            .collect()
    }

    /// The keys of the indexed chunks.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The article at `i`.
    pub fn article(&self, i: usize) -> &Article {
        &self.articles[i]
    }

    /// Every article.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// How many chunks are indexed.
    pub fn chunks(&self) -> usize {
        self.entries.len()
    }

    /// Bytes the vectors and their entries take.
    pub fn vector_bytes(&self) -> usize {
        self.vectors.len() * std::mem::size_of::<f32>()
            + self.entries.len() * std::mem::size_of::<(usize, usize)>()
    }

    /// The `k` best articles for the unit vector `query` (each with its best chunk), best first.
    pub fn search_vector(&self, query: &[f32], k: usize) -> Vec<Hit> {
        if self.dims == 0 || query.len() != self.dims {
            return Vec::new();
        }
        let mut best: Vec<Option<Hit>> = vec![None; self.articles.len()];
        for (i, v) in self.vectors.chunks_exact(self.dims).enumerate() {
            let score: f32 = v.iter().zip(query).map(|(a, b)| a * b).sum();
            let (article, chunk) = self.entries[i];
            if best[article].is_none_or(|h| score > h.score) {
                best[article] = Some(Hit {
                    article,
                    chunk,
                    score,
                });
            }
        }
        let mut hits: Vec<Hit> = best.into_iter().flatten().collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(k);
        hits
    }

    /// The `k` best articles for `text`.
    pub fn search(
        &self,
        encoder: &mut dyn Embedder,
        text: &str,
        k: usize,
    ) -> Result<Vec<Hit>, AssistError> {
        if self.entries.is_empty() || text.trim().is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.search_vector(&encoder.embed(text)?, k))
    }
}
