//! Agent assist on the device.
//!
//! - [`article`]: a knowledge base of Markdown articles with a YAML front matter (`title`,
//!   `tags`, `triggers`), cut into chunks of at most [`article::CHUNK_WORDS`] words under their
//!   headings. A malformed article is reported with its file and line and skipped.
//! - [`index`]: the chunks embedded with the local MiniLM sentence encoder (the sentiment
//!   engine's), searched exactly (a dot product per chunk over unit vectors).
//! - [`alerts`]: category alerts from the organisation's rules, the escalation hint, and the
//!   sensitive-data hygiene alerts.
//! - [`checklist`]: the compliance checklist, ticked off on the agent's finals by phrase or by
//!   similarity, with ordering rules and a weighted adherence score.
//! - [`suggest`]: per call, the caller's finals become article suggestions above a confidence
//!   threshold, each article once per call, never one the agent dismissed.
//!
//! Nothing here touches the network. Text reaching this crate is the *redacted* text: a
//! sensitive value never becomes a query or a snippet.

pub mod alerts;
pub mod article;
pub mod checklist;
pub mod examples;
pub mod index;
pub mod suggest;

pub use article::{Article, ArticleError, Chunk};
pub use index::{Hit, KnowledgeIndex, KnownVectors};
pub use suggest::{Suggester, Suggestion};

/// Errors of agent assist.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    /// The knowledge folder cannot be read.
    #[error("cannot read the knowledge base {path}: {message}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        message: String,
    },
    /// The sentence encoder failed.
    #[error("{0}")]
    Encoder(String),
}

/// What turns text into unit-length vectors (the MiniLM sentence encoder in production).
pub trait Embedder {
    /// The unit-length embedding of `text`.
    fn embed(&mut self, text: &str) -> Result<Vec<f32>, AssistError>;
}

impl Embedder for earshot_sentiment::embedding::SentenceEncoder {
    fn embed(&mut self, text: &str) -> Result<Vec<f32>, AssistError> {
        earshot_sentiment::embedding::SentenceEncoder::embed(self, text)
            .map_err(|e| AssistError::Encoder(e.to_string()))
    }
}

/// A loaded knowledge base with its encoder: what a workstation suggests from.
pub struct Assistant {
    /// The index.
    pub index: KnowledgeIndex,
    /// Articles skipped because they are malformed (file and line).
    pub errors: Vec<ArticleError>,
    /// The confidence an article needs.
    pub threshold: f32,
    /// Chunks the last indexing had to embed (the rest were known).
    pub embedded: usize,
    encoder: Box<dyn Embedder + Send>,
    /// Where the articles are, to see them change.
    source: Option<Source>,
}

/// The knowledge folder as last indexed.
#[derive(Debug)]
struct Source {
    dir: std::path::PathBuf,
    model: String,
    fingerprint: u64,
    looked_at: std::time::Instant,
}

/// How often the knowledge folder is looked at for changes (at a caller's final or a search).
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl std::fmt::Debug for Assistant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assistant")
            .field("articles", &self.index.articles().len())
            .field("chunks", &self.index.chunks())
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

impl Assistant {
    /// Loads and indexes the articles in `dir` with `encoder`.
    pub fn load(
        dir: &std::path::Path,
        encoder: Box<dyn Embedder + Send>,
        threshold: f32,
    ) -> Result<Assistant, AssistError> {
        Ok(Assistant::load_with(dir, encoder, threshold, "", &KnownVectors::new())?.0)
    }

    /// Loads and indexes the articles in `dir`, taking the vectors of unchanged chunks from
    /// `known` (keyed with the encoder's identity `model`, see [`index::passage_key`]); returns
    /// the assistant and the vectors it had to compute, for the caller to keep.
    pub fn load_with(
        dir: &std::path::Path,
        mut encoder: Box<dyn Embedder + Send>,
        threshold: f32,
        model: &str,
        known: &KnownVectors,
    ) -> Result<(Assistant, index::Computed), AssistError> {
        let fingerprint = article::fingerprint(dir);
        let (articles, errors) = article::load_folder(dir)?;
        let (index, computed) =
            KnowledgeIndex::build_with(articles, encoder.as_mut(), model, known)?;
        tracing::info!(
            articles = index.articles().len(),
            chunks = index.chunks(),
            embedded = computed.len(),
            skipped = errors.len(),
            "knowledge base indexed"
        );
        Ok((
            Assistant {
                embedded: computed.len(),
                index,
                errors,
                threshold,
                encoder,
                source: Some(Source {
                    dir: dir.to_path_buf(),
                    model: model.to_string(),
                    fingerprint,
                    looked_at: std::time::Instant::now(),
                }),
            },
            computed,
        ))
    }

    /// Indexes the folder again if its articles changed (looked at most every
    /// [`REFRESH_EVERY`]); unchanged chunks keep their vectors. Returns whether it did. A
    /// folder that cannot be read keeps the index as it was.
    pub fn refresh(&mut self) -> Result<bool, AssistError> {
        let Some(src) = self.source.as_mut() else {
            return Ok(false);
        };
        if src.looked_at.elapsed() < REFRESH_EVERY {
            return Ok(false);
        }
        self.reindex_if_changed()
    }

    /// Indexes the folder again now if its articles changed (see [`Assistant::refresh`]).
    pub fn reindex_if_changed(&mut self) -> Result<bool, AssistError> {
        let Some(src) = self.source.as_mut() else {
            return Ok(false);
        };
        src.looked_at = std::time::Instant::now();
        let now = article::fingerprint(&src.dir);
        if now == src.fingerprint {
            return Ok(false);
        }
        let (articles, errors) = article::load_folder(&src.dir)?;
        let known = self.index.known();
        let (index, computed) =
            KnowledgeIndex::build_with(articles, self.encoder.as_mut(), &src.model, &known)?;
        tracing::info!(
            articles = index.articles().len(),
            chunks = index.chunks(),
            embedded = computed.len(),
            skipped = errors.len(),
            "knowledge base changed: indexed again"
        );
        src.fingerprint = now;
        self.embedded = computed.len();
        self.index = index;
        self.errors = errors;
        Ok(true)
    }

    /// An assistant with no knowledge base: the encoder for the checklists' similarity
    /// matching alone (nothing is ever suggested).
    pub fn without_articles(encoder: Box<dyn Embedder + Send>) -> Assistant {
        Assistant {
            index: KnowledgeIndex::default(),
            errors: Vec::new(),
            threshold: 1.0,
            embedded: 0,
            encoder,
            source: None,
        }
    }

    /// The unit-length embedding of `text` (for the checklists).
    pub fn embed(&mut self, text: &str) -> Result<Vec<f32>, AssistError> {
        self.encoder.embed(text)
    }

    /// The encoder (to embed the checklists' examples at load).
    pub fn encoder(&mut self) -> &mut dyn Embedder {
        self.encoder.as_mut()
    }

    /// A new call's suggestion state.
    pub fn call(&self) -> Suggester {
        Suggester::new(self.threshold)
    }

    /// A caller final (redacted text) in `call`: the article to suggest, if any.
    pub fn suggest(
        &mut self,
        call: &mut Suggester,
        text: &str,
    ) -> Result<Option<Suggestion>, AssistError> {
        if let Err(e) = self.refresh() {
            tracing::warn!(error = %e, "the knowledge base could not be indexed again");
        }
        if self.index.chunks() == 0 {
            return Ok(None);
        }
        call.on_caller_final(&self.index, self.encoder.as_mut(), text)
    }

    /// The agent's own search: the `k` best articles for `text`.
    pub fn search(&mut self, text: &str, k: usize) -> Result<Vec<Hit>, AssistError> {
        if let Err(e) = self.refresh() {
            tracing::warn!(error = %e, "the knowledge base could not be indexed again");
        }
        self.index.search(self.encoder.as_mut(), text, k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Counts what it embeds; the vector says whether the text mentions refunds.
    struct Counting(Arc<AtomicUsize>);
    impl Embedder for Counting {
        fn embed(&mut self, text: &str) -> Result<Vec<f32>, AssistError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(if text.to_lowercase().contains("refund") {
                vec![1.0, 0.0]
            } else {
                vec![0.0, 1.0]
            })
        }
    }

    fn article(title: &str, body: &str) -> String {
        format!("---\ntitle: {title}\n---\n{body}\n")
    }

    #[test]
    fn known_vectors_are_not_embedded_again_and_an_edit_is_picked_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            article("Cards", "Lost cards are blocked."),
        )
        .unwrap();
        std::fs::write(dir.path().join("b.md"), article("Fees", "Fees are listed.")).unwrap();
        let n = Arc::new(AtomicUsize::new(0));
        let (mut a, computed) = Assistant::load_with(
            dir.path(),
            Box::new(Counting(n.clone())),
            0.5,
            "m1",
            &KnownVectors::new(),
        )
        .unwrap();
        assert_eq!((computed.len(), n.load(Ordering::SeqCst)), (2, 2));
        // The next start with the kept vectors embeds nothing; another model embeds all.
        let known: KnownVectors = computed.into_iter().collect();
        let (_, again) =
            Assistant::load_with(dir.path(), Box::new(Counting(n.clone())), 0.5, "m1", &known)
                .unwrap();
        assert!(again.is_empty());
        let (_, other) =
            Assistant::load_with(dir.path(), Box::new(Counting(n.clone())), 0.5, "m2", &known)
                .unwrap();
        assert_eq!(other.len(), 2);
        // Unchanged: nothing done. An article edited: only its chunk is embedded, and search
        // finds the new text.
        n.store(0, Ordering::SeqCst);
        assert!(!a.reindex_if_changed().unwrap());
        assert!(a.search("refund", 1).unwrap()[0].score < 0.5);
        std::fs::write(
            dir.path().join("b.md"),
            article(
                "Fees",
                "Refunds of fees take a week, and this text is longer now.",
            ),
        )
        .unwrap();
        n.store(0, Ordering::SeqCst);
        assert!(a.reindex_if_changed().unwrap());
        // One chunk embedded, plus nothing else (the search below embeds its query).
        assert_eq!(n.load(Ordering::SeqCst), 1);
        let hit = a.search("refund", 1).unwrap()[0];
        assert_eq!(a.index.article(hit.article).id, "b.md");
        assert!(hit.score > 0.9);
    }
}
