//! The knowledge base outside the flow of suggestions: loading it with the vectors the vault
//! keeps, and the agent's own search (`earshot knowledge search`, the app's search box).

use crate::SessionError;
use earshot_config::Config;
use earshot_models::ModelStore;
use earshot_vault::Vault;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

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

/// The sentence encoder with the knowledge index (if a base is configured), as shared by
/// everything of one process that uses them: a call, the next call, the search box.
pub type SharedAssistant = Arc<Mutex<earshot_assist::Assistant>>;

/// The process's one [`SharedAssistant`]: loaded on first use and kept while the settings it
/// was loaded for (`knowledge_dir`, `suggestion_threshold`) stay; a change loads it anew. The
/// app holds one, so its calls and its search box use one encoder and one index.
#[derive(Default)]
pub struct AssistCache {
    slot: Mutex<Option<(AssistKey, SharedAssistant)>>,
}

/// What an assistant was loaded for.
#[derive(Debug, Clone, PartialEq)]
struct AssistKey {
    knowledge_dir: Option<PathBuf>,
    threshold: u32,
}

impl AssistKey {
    fn of(config: &Config) -> AssistKey {
        AssistKey {
            knowledge_dir: config.knowledge_dir.clone(),
            threshold: config.suggestion_threshold.to_bits(),
        }
    }
}

impl std::fmt::Debug for AssistCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("AssistCache")
            .field("loaded_for", &slot.as_ref().map(|(k, _)| k))
            .finish()
    }
}

impl AssistCache {
    /// The assistant for `config`: the one already loaded, or loaded now (the knowledge base
    /// `knowledge_dir` names with the vectors `vault` keeps, or the encoder alone without one).
    /// Loading happens under the cache's lock, so two users at once load it once.
    pub fn get(&self, config: &Config, vault: &mut Vault) -> Result<SharedAssistant, SessionError> {
        self.get_with(config, || Ok(vault))
    }

    /// The assistant already loaded for `config`, if there is one.
    pub fn loaded(&self, config: &Config) -> Option<SharedAssistant> {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref()
            .filter(|(k, _)| *k == AssistKey::of(config))
            .map(|(_, a)| Arc::clone(a))
    }

    /// [`AssistCache::get`], opening the vault only when something must load.
    fn get_with<'v>(
        &self,
        config: &Config,
        vault: impl FnOnce() -> Result<&'v mut Vault, SessionError>,
    ) -> Result<SharedAssistant, SessionError> {
        let key = AssistKey::of(config);
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, a)) = slot.as_ref() {
            if *k == key {
                return Ok(Arc::clone(a));
            }
        }
        // The old one goes before the new one loads: never two encoders at once.
        *slot = None;
        let encoder = Box::new(encoder(&ModelStore::from_env())?);
        let assistant = match &config.knowledge_dir {
            Some(dir) => load(vault()?, dir, encoder, config.suggestion_threshold)?,
            None => earshot_assist::Assistant::without_articles(encoder),
        };
        let shared = Arc::new(Mutex::new(assistant));
        *slot = Some((key, Arc::clone(&shared)));
        Ok(shared)
    }
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
    assistant: SharedAssistant,
}

impl std::fmt::Debug for KnowledgeDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeDesk").finish_non_exhaustive()
    }
}

impl KnowledgeDesk {
    /// Opens the knowledge base `knowledge_dir` names (with the vault's kept vectors), for
    /// this desk alone.
    pub fn open(config: &Config) -> Result<KnowledgeDesk, SessionError> {
        KnowledgeDesk::open_in(&AssistCache::default(), config)
    }

    /// The knowledge base `knowledge_dir` names, from `cache`: the same encoder and index as
    /// the process's calls.
    pub fn open_in(cache: &AssistCache, config: &Config) -> Result<KnowledgeDesk, SessionError> {
        if config.knowledge_dir.is_none() {
            return Err(SessionError::Assist(
                "no knowledge base is configured (knowledge_dir / EARSHOT_KNOWLEDGE_DIR)".into(),
            ));
        }
        let mut opened = None;
        let slot = &mut opened;
        let assistant = cache.get_with(config, move || {
            let slot = slot;
            Ok(slot.insert(Vault::open(config)?))
        })?;
        Ok(KnowledgeDesk { assistant })
    }

    /// The loaded base's files that were skipped, with why.
    pub fn skipped(&self) -> Vec<String> {
        let a = self.assistant.lock().unwrap_or_else(|p| p.into_inner());
        a.errors.iter().map(ToString::to_string).collect()
    }

    /// The shared assistant this desk searches.
    pub fn assistant(&self) -> &SharedAssistant {
        &self.assistant
    }

    /// The `k` best articles for what the agent typed. The query is redacted first, like
    /// everything else: a value typed into the box is never embedded, searched or logged.
    pub fn search(&mut self, typed: &str, k: usize) -> Result<Vec<SearchHit>, SessionError> {
        let query = earshot_redact::redact_line(typed).text;
        let mut a = self.assistant.lock().unwrap_or_else(|p| p.into_inner());
        let hits = a
            .search(&query, k)
            .map_err(|e| SessionError::Assist(e.to_string()))?;
        Ok(hits
            .into_iter()
            .map(|h| {
                let article = a.index.article(h.article);
                let c = &article.chunks[h.chunk];
                SearchHit {
                    article_id: article.id.clone(),
                    title: article.title.clone(),
                    heading: c.heading.clone(),
                    snippet: c.text.clone(),
                    score: (f64::from(h.score) * 1000.0).round() / 1000.0,
                }
            })
            .collect())
    }
}
