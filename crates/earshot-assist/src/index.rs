//! The knowledge index: every chunk's MiniLM embedding in one flat array, searched exactly.
//!
//! The vectors are unit length, so similarity is a dot product: 384 multiply-adds per chunk.
//! `cargo xtask bench` (the assist figures) prints the search time at 1k and 10k chunks; an
//! approximate index would only pay once exact search nears the suggestion's latency budget.

use crate::article::Article;
use crate::{AssistError, Embedder};

/// The searchable knowledge base.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeIndex {
    articles: Vec<Article>,
    /// (article, chunk) of each vector.
    entries: Vec<(usize, usize)>,
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
        let mut index = KnowledgeIndex::default();
        for (ai, a) in articles.iter().enumerate() {
            for (ci, c) in a.chunks.iter().enumerate() {
                let v = encoder.embed(&passage(a, c))?;
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
        Ok(index)
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
