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
pub mod index;
pub mod suggest;

pub use article::{Article, ArticleError, Chunk};
pub use index::{Hit, KnowledgeIndex};
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
    encoder: Box<dyn Embedder + Send>,
}

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
        mut encoder: Box<dyn Embedder + Send>,
        threshold: f32,
    ) -> Result<Assistant, AssistError> {
        let (articles, errors) = article::load_folder(dir)?;
        let index = KnowledgeIndex::build(articles, encoder.as_mut())?;
        tracing::info!(
            articles = index.articles().len(),
            chunks = index.chunks(),
            skipped = errors.len(),
            "knowledge base indexed"
        );
        Ok(Assistant {
            index,
            errors,
            threshold,
            encoder,
        })
    }

    /// An assistant with no knowledge base: the encoder for the checklists' similarity
    /// matching alone (nothing is ever suggested).
    pub fn without_articles(encoder: Box<dyn Embedder + Send>) -> Assistant {
        Assistant {
            index: KnowledgeIndex::default(),
            errors: Vec::new(),
            threshold: 1.0,
            encoder,
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
        if self.index.chunks() == 0 {
            return Ok(None);
        }
        call.on_caller_final(&self.index, self.encoder.as_mut(), text)
    }

    /// The agent's own search: the `k` best articles for `text`.
    pub fn search(&mut self, text: &str, k: usize) -> Result<Vec<Hit>, AssistError> {
        self.index.search(self.encoder.as_mut(), text, k)
    }
}
