//! Per-call article suggestions from the caller's finals.
//!
//! Each caller final with at least [`MIN_WORDS`] words is a query. The best article is
//! suggested when its best chunk's similarity reaches the threshold (policy-set; default
//! [`DEFAULT_THRESHOLD`]), or outright when the caller says one of its trigger phrases. An
//! article is suggested once per call and never again after the agent dismissed it.

use crate::index::KnowledgeIndex;
use crate::{AssistError, Embedder};
use std::collections::HashSet;

/// The default confidence threshold (cosine similarity of MiniLM embeddings). On the sample
/// knowledge base, callers' questions worded unlike their article score 0.27–0.54 against it
/// (the right article first for all seven), small talk 0.04–0.14 and questions about topics
/// the base does not cover 0.24–0.30 (`cargo test -p earshot-assist --test knowledge --
/// --nocapture` prints them): 0.35 keeps six of seven and none of the five others.
pub const DEFAULT_THRESHOLD: f32 = 0.35;
/// Finals shorter than this ("yes", "okay, thanks") are not queries.
pub const MIN_WORDS: usize = 4;

/// An article suggested to the agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The article's id (its path in the knowledge folder).
    pub article_id: String,
    /// Its title.
    pub title: String,
    /// The heading of the matching chunk.
    pub heading: String,
    /// The matching chunk's text.
    pub snippet: String,
    /// How sure: the similarity, or 1 for a trigger phrase.
    pub score: f32,
    /// The trigger phrase the caller said, when that is why.
    pub trigger: Option<String>,
}

/// One call's suggestion state.
#[derive(Debug, Clone)]
pub struct Suggester {
    threshold: f32,
    shown: HashSet<String>,
    dismissed: HashSet<String>,
}

/// Whether `phrase` occurs in `text` (both lower case) as whole words.
pub(crate) fn says(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = start + phrase.len().max(1);
        if from >= text.len() {
            break;
        }
    }
    false
}

impl Suggester {
    /// A call's suggester with this confidence threshold.
    pub fn new(threshold: f32) -> Suggester {
        Suggester {
            threshold,
            shown: HashSet::new(),
            dismissed: HashSet::new(),
        }
    }

    /// The agent dismissed `article_id`: it is not suggested again in this call.
    pub fn dismiss(&mut self, article_id: &str) {
        self.dismissed.insert(article_id.to_string());
    }

    /// A caller final (redacted text): the article to suggest, if any.
    pub fn on_caller_final(
        &mut self,
        index: &KnowledgeIndex,
        encoder: &mut dyn Embedder,
        text: &str,
    ) -> Result<Option<Suggestion>, AssistError> {
        if text.split_whitespace().count() < MIN_WORDS || index.chunks() == 0 {
            return Ok(None);
        }
        let lower = text.to_lowercase();
        let fresh = |id: &str, s: &Self| !s.shown.contains(id) && !s.dismissed.contains(id);
        // A trigger phrase first: the organisation said so.
        for (ai, a) in index.articles().iter().enumerate() {
            if !fresh(&a.id, self) {
                continue;
            }
            if let Some(t) = a.triggers.iter().find(|t| says(&lower, t)) {
                let hit = index
                    .search(encoder, text, index.articles().len())?
                    .into_iter()
                    .find(|h| h.article == ai);
                let chunk = hit.map(|h| h.chunk).unwrap_or(0);
                self.shown.insert(a.id.clone());
                return Ok(Some(Suggestion {
                    article_id: a.id.clone(),
                    title: a.title.clone(),
                    heading: a.chunks[chunk].heading.clone(),
                    snippet: a.chunks[chunk].text.clone(),
                    score: 1.0,
                    trigger: Some(t.clone()),
                }));
            }
        }
        let hits = index.search(encoder, text, 3)?;
        let Some(hit) = hits
            .into_iter()
            .filter(|h| h.score >= self.threshold)
            .find(|h| fresh(&index.article(h.article).id, self))
        else {
            return Ok(None);
        };
        let a = index.article(hit.article);
        self.shown.insert(a.id.clone());
        Ok(Some(Suggestion {
            article_id: a.id.clone(),
            title: a.title.clone(),
            heading: a.chunks[hit.chunk].heading.clone(),
            snippet: a.chunks[hit.chunk].text.clone(),
            score: hit.score,
            trigger: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::says;

    #[test]
    fn a_trigger_counts_as_whole_words_only() {
        assert!(says("i want to cancel my account now", "cancel my account"));
        assert!(says("cancel my account", "cancel my account"));
        assert!(!says("uncancel my accounts", "cancel my account"));
        assert!(says(
            "no, uncancel... cancel my account!",
            "cancel my account"
        ));
    }
}
