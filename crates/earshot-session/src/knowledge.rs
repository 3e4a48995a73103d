//! The knowledge base outside the flow of suggestions: loading it with the vectors the vault
//! keeps, and the agent's own search (`earshot knowledge search`, the app's search box).

use crate::SessionError;
use earshot_config::Config;
use earshot_models::ModelStore;
use earshot_vault::Vault;
use serde::Serialize;

/// The encoder's identity for the kept vectors: its files' hashes from the manifest, so a new
/// model embeds the base anew.
fn encoder_id(store: &ModelStore) -> String {
    ["minilm-int8", "minilm-tokenizer"]
        .iter()
        .filter_map(|n| store.manifest().get(n).ok().map(|e| e.sha256.clone()))
        .collect::<Vec<_>>()
        .join("+")
}

/// The MiniLM sentence encoder, or why not.
pub(crate) fn encoder(
    store: &ModelStore,
) -> Result<earshot_sentiment::embedding::SentenceEncoder, SessionError> {
    earshot_pipeline::sentence_encoder(store).ok_or_else(|| {
        SessionError::Assist(
            "knowledge suggestions and checklist examples need the MiniLM sentence encoder: check the models with `earshot models verify`".into(),
        )
    })
}

/// Indexes the knowledge base in `dir` with the chunk vectors `vault` keeps from earlier starts:
/// only new or edited chunks are embedded, and the vault keeps them for the next.
pub fn load(
    vault: &mut Vault,
    dir: &std::path::Path,
    encoder: Box<earshot_sentiment::embedding::SentenceEncoder>,
    threshold: f32,
) -> Result<earshot_assist::Assistant, SessionError> {
    let known = vault.knowledge_vectors().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "kept knowledge vectors unreadable: embedding the base anew");
        Default::default()
    });
    let (assistant, computed) = earshot_assist::Assistant::load_with(
        dir,
        encoder,
        threshold,
        &encoder_id(&ModelStore::from_env()),
        &known,
    )
    .map_err(|e| SessionError::Assist(e.to_string()))?;
    // Keeping them is an optimisation: a failure costs the next start time, not this call.
    if let Err(e) = vault.keep_knowledge_vectors(&computed, assistant.index.keys()) {
        tracing::warn!(error = %e, "knowledge vectors not kept");
    }
    Ok(assistant)
}

/// An article found by the agent's search.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct SearchHit {
    /// The article's id (its path in the knowledge folder).
    pub article_id: String,
    /// Its title.
    pub title: String,
    /// The heading of the best-matching part.
    pub heading: String,
    /// That part.
    pub snippet: String,
    /// Similarity (−1 … 1).
    pub score: f64,
}

/// The knowledge base opened for searching, apart from any call.
pub struct KnowledgeDesk {
    assistant: earshot_assist::Assistant,
}

impl std::fmt::Debug for KnowledgeDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeDesk")
            .field("assistant", &self.assistant)
            .finish()
    }
}

impl KnowledgeDesk {
    /// Opens the knowledge base `knowledge_dir` names (with the vault's kept vectors).
    pub fn open(config: &Config) -> Result<KnowledgeDesk, SessionError> {
        let dir = config.knowledge_dir.clone().ok_or_else(|| {
            SessionError::Assist(
                "no knowledge base is configured (knowledge_dir / EARSHOT_KNOWLEDGE_DIR)".into(),
            )
        })?;
        let mut vault = Vault::open(config)?;
        let encoder = encoder(&ModelStore::from_env())?;
        let assistant = load(
            &mut vault,
            &dir,
            Box::new(encoder),
            config.suggestion_threshold,
        )?;
        Ok(KnowledgeDesk { assistant })
    }

    /// The loaded base (articles, skipped files).
    pub fn assistant(&self) -> &earshot_assist::Assistant {
        &self.assistant
    }

    /// The `k` best articles for what the agent typed. The query is redacted first, like
    /// everything else: a value typed into the box is never embedded, searched or logged.
    pub fn search(&mut self, typed: &str, k: usize) -> Result<Vec<SearchHit>, SessionError> {
        let query = earshot_redact::redact_line(typed).text;
        let hits = self
            .assistant
            .search(&query, k)
            .map_err(|e| SessionError::Assist(e.to_string()))?;
        Ok(hits
            .into_iter()
            .map(|h| {
                let a = self.assistant.index.article(h.article);
                let c = &a.chunks[h.chunk];
                SearchHit {
                    article_id: a.id.clone(),
                    title: a.title.clone(),
                    heading: c.heading.clone(),
                    snippet: c.text.clone(),
                    score: (f64::from(h.score) * 1000.0).round() / 1000.0,
                }
            })
            .collect())
    }
}
