//! The compliance checklist: what the agent owes in a call, ticked off as they say it.
//!
//! Checklists live in the same rule file as the alerts (`assist_rules`):
//!
//! ```toml
//! [[checklist]]
//! id = "standard"
//! queues = []                          # the queues it is for; empty: every other queue
//!
//! [[checklist.item]]
//! id = "verify_identity"               # letters and _ (it goes into the summary)
//! label = "Verify the caller's identity"
//! phrases = ["date of birth"]          # the agent says any of these (whole words)
//! examples = ["can you confirm your date of birth for me"]  # or something this close
//! threshold = 0.5                      # cosine similarity to an example (default 0.5)
//! weight = 3                           # share of the adherence score (default 1)
//! within_s = 30                        # said in the call's first 30 s, else late
//! before = ["balance"]                 # must come before these items or topics
//! speaker = "agent"                    # agent (default), caller or any
//!
//! [[checklist.topic]]                  # something discussed, not owed: ordering only
//! id = "balance"
//! phrases = ["your balance"]
//! examples = ["your current balance is"]
//! speaker = "any"                      # default any
//! ```
//!
//! An item is **met** the first time its speaker's final says one of its phrases or comes
//! within its threshold of an example. It is **out of order** when met after its `within_s`,
//! or when something it must come `before` happened while it was still owed (it stays out of
//! order if met later). The adherence score is the weighted share of the items met in order.
//! Matching runs on the *redacted* text and its embedding; nothing leaves the device, and the
//! summary carries ids and figures only.

use crate::alerts::{line_of, listens, Who};
use crate::AssistError;
use crate::Embedder;
use earshot_core::{Adherence, Speaker};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// The default similarity an agent's final needs to an item's example.
pub const DEFAULT_ITEM_THRESHOLD: f32 = 0.5;

#[derive(Debug, Deserialize)]
struct ChecklistFile {
    #[serde(default)]
    checklist: Vec<RawChecklist>,
    // The alert rules' part of the file, read by `alerts`.
    #[serde(default, rename = "alert")]
    _alert: Option<toml::Value>,
    #[serde(default, rename = "escalation")]
    _escalation: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    id: String,
    #[serde(default)]
    queues: Vec<String>,
    #[serde(default)]
    item: Vec<RawStep>,
    #[serde(default)]
    topic: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: String,
    label: Option<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    threshold: Option<f32>,
    weight: Option<f64>,
    within_s: Option<u64>,
    #[serde(default)]
    before: Vec<String>,
    speaker: Option<Who>,
}

/// An item the agent owes, or a topic only ordering rules look at.
#[derive(Debug, Clone)]
pub struct Step {
    /// Its id.
    pub id: String,
    /// What the agent sees.
    pub label: String,
    /// Whether it is owed (an item) or only watched for (a topic).
    pub owed: bool,
    /// Its share of the score (0 for a topic).
    pub weight: f64,
    /// Whom it listens to.
    pub speaker: Who,
    /// Said by then (ms into the call), or late.
    pub within_ms: Option<u64>,
    /// Steps it must come before.
    pub before: Vec<String>,
    phrases: Vec<String>,
    examples: crate::examples::Examples,
}

impl Step {
    /// The best similarity of `embedding` to one of the step's examples (0 without any).
    pub fn similarity(&self, embedding: &[f32]) -> f32 {
        self.examples.similarity(embedding)
    }

    /// Its similarity threshold.
    pub fn threshold(&self) -> f32 {
        self.examples.threshold()
    }
}

/// One checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    /// Its id.
    pub id: String,
    /// The queues it is for (empty: the default).
    pub queues: Vec<String>,
    /// Items then topics, in file order.
    pub steps: Vec<Step>,
}

/// The organisation's checklists.
#[derive(Debug, Clone, Default)]
pub struct Checklists {
    /// In file order.
    pub lists: Vec<Checklist>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
}

impl Checklists {
    /// Reads and checks the checklists of a rule file (none is fine).
    pub fn load(path: &std::path::Path) -> Result<Checklists, crate::alerts::RuleError> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::alerts::RuleError {
            file: path.to_path_buf(),
            line: 1,
            message: format!("cannot read it: {e}"),
        })?;
        Checklists::parse(&text).map_err(|(line, message)| crate::alerts::RuleError {
            file: path.to_path_buf(),
            line,
            message,
        })
    }

    /// Parses the checklists of a rule file; `Err((line, message))` when they cannot be used.
    pub fn parse(text: &str) -> Result<Checklists, (usize, String)> {
        let file: ChecklistFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            (line, e.message().to_string())
        })?;
        let lines = |header: &str| -> Vec<usize> {
            text.match_indices(header)
                .map(|(i, _)| line_of(text, i))
                .collect()
        };
        let (list_lines, item_lines, topic_lines) = (
            lines("[[checklist]]"),
            lines("[[checklist.item]]"),
            lines("[[checklist.topic]]"),
        );
        let (mut n_item, mut n_topic) = (0, 0);
        let mut lists = Vec::new();
        let mut queues_seen = HashSet::new();
        let mut default_seen = false;
        for (n, raw) in file.checklist.into_iter().enumerate() {
            let line = list_lines.get(n).copied().unwrap_or(1);
            let bad = |m: String| (line, format!("checklist '{}': {m}", raw.id));
            if !valid_id(&raw.id) {
                return Err(bad("an id is letters and _".into()));
            }
            if raw.queues.is_empty() {
                if default_seen {
                    return Err(bad("a second checklist without queues".into()));
                }
                default_seen = true;
            }
            for q in &raw.queues {
                if !queues_seen.insert(q.clone()) {
                    return Err(bad(format!("queue '{q}' has a checklist already")));
                }
            }
            if raw.item.is_empty() {
                return Err(bad("no [[checklist.item]]".into()));
            }
            let mut steps = Vec::new();
            let mut ids = HashSet::new();
            let items = raw.item.into_iter().map(|s| (true, s));
            let topics = raw.topic.into_iter().map(|s| (false, s));
            for (owed, s) in items.chain(topics) {
                let line = if owed {
                    n_item += 1;
                    item_lines.get(n_item - 1)
                } else {
                    n_topic += 1;
                    topic_lines.get(n_topic - 1)
                }
                .copied()
                .unwrap_or(line);
                let bad = |m: String| (line, format!("'{}': {m}", s.id));
                if !valid_id(&s.id) {
                    return Err(bad(
                        "an id is letters and _ (it goes into the summary)".into()
                    ));
                }
                if !ids.insert(s.id.clone()) {
                    return Err(bad("the id is used twice in this checklist".into()));
                }
                if s.phrases.is_empty() && s.examples.is_empty() {
                    return Err(bad("give phrases or examples".into()));
                }
                let examples = crate::examples::Examples::new(
                    s.examples,
                    s.threshold.unwrap_or(DEFAULT_ITEM_THRESHOLD),
                )
                .map_err(bad)?;
                let weight = if owed { s.weight.unwrap_or(1.0) } else { 0.0 };
                if owed && !(weight > 0.0 && weight.is_finite()) {
                    return Err(bad("weight: more than 0".into()));
                }
                if !owed && (s.weight.is_some() || s.within_s.is_some()) {
                    return Err(bad("a topic has no weight and no within_s".into()));
                }
                steps.push(Step {
                    label: s.label.unwrap_or_else(|| s.id.replace('_', " ")),
                    owed,
                    weight,
                    speaker: s
                        .speaker
                        .unwrap_or(if owed { Who::Agent } else { Who::Any }),
                    within_ms: s.within_s.map(|v| v * 1000),
                    before: s.before,
                    phrases: s
                        .phrases
                        .iter()
                        .map(|p| p.trim().to_lowercase())
                        .filter(|p| !p.is_empty())
                        .collect(),
                    examples,
                    id: s.id,
                });
            }
            for s in &steps {
                if let Some(b) = s.before.iter().find(|b| !ids.contains(*b)) {
                    return Err(bad(format!(
                        "'{}' comes before '{b}', which is not in it",
                        s.id
                    )));
                }
            }
            lists.push(Checklist {
                id: raw.id,
                queues: raw.queues,
                steps,
            });
        }
        Ok(Checklists { lists })
    }

    /// Embeds every example with `encoder` (once, at load).
    pub fn embed(&mut self, encoder: &mut dyn Embedder) -> Result<(), AssistError> {
        for step in self.lists.iter_mut().flat_map(|l| l.steps.iter_mut()) {
            step.examples.embed(encoder)?;
        }
        Ok(())
    }

    /// Whether any step matches by similarity (the finals then need embedding).
    pub fn semantic(&self) -> bool {
        self.lists
            .iter()
            .flat_map(|l| &l.steps)
            .any(|s| !s.examples.is_empty())
    }

    /// The checklist for `queue`: the one that lists it, else the default one.
    pub fn for_queue(&self, queue: Option<&str>) -> Option<&Checklist> {
        queue
            .and_then(|q| self.lists.iter().find(|l| l.queues.iter().any(|x| x == q)))
            .or_else(|| self.lists.iter().find(|l| l.queues.is_empty()))
    }
}

/// An item's state during the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Still owed.
    Open,
    /// Said, in order.
    Met,
    /// Said, but late or after what it must come before.
    MetOutOfOrder,
    /// Still owed, and something it must come before has happened.
    MissedOrder,
}

/// One call's checklist state.
#[derive(Debug, Clone)]
pub struct ChecklistState<'c> {
    list: &'c Checklist,
    met_at: HashMap<String, u64>,
    seen: HashSet<String>,
    out_of_order: HashSet<String>,
}

impl<'c> ChecklistState<'c> {
    /// A new call on `list`.
    pub fn new(list: &'c Checklist) -> ChecklistState<'c> {
        ChecklistState {
            list,
            met_at: HashMap::new(),
            seen: HashSet::new(),
            out_of_order: HashSet::new(),
        }
    }

    /// The checklist.
    pub fn checklist(&self) -> &'c Checklist {
        self.list
    }

    /// Each item with its state, in checklist order.
    pub fn items(&self) -> Vec<(&'c Step, ItemState)> {
        self.list
            .steps
            .iter()
            .filter(|s| s.owed)
            .map(|s| {
                let ooo = self.out_of_order.contains(&s.id);
                let state = match (self.met_at.contains_key(&s.id), ooo) {
                    (true, false) => ItemState::Met,
                    (true, true) => ItemState::MetOutOfOrder,
                    (false, true) => ItemState::MissedOrder,
                    (false, false) => ItemState::Open,
                };
                (s, state)
            })
            .collect()
    }

    /// Whether this final needs an embedding: a step that is not seen yet listens to
    /// `speaker` and matches by similarity.
    pub fn wants_embedding(&self, speaker: Speaker) -> bool {
        self.list.steps.iter().any(|s| {
            !self.seen.contains(&s.id) && listens(s.speaker, speaker) && s.examples.embedded()
        })
    }

    /// A final: its speaker, redacted text, its embedding (when [`Self::wants_embedding`]) and
    /// start time. Returns the items that became out of order on it (for a warning); the
    /// state changed when [`Self::items`] differs.
    pub fn on_final(
        &mut self,
        speaker: Speaker,
        text: &str,
        embedding: Option<&[f32]>,
        at_ms: u64,
    ) -> Vec<&'c Step> {
        let lower = text.to_lowercase();
        let mut happened = Vec::new();
        for s in &self.list.steps {
            if self.seen.contains(&s.id) || !listens(s.speaker, speaker) {
                continue;
            }
            let said = s.phrases.iter().any(|p| crate::suggest::says(&lower, p))
                || embedding.is_some_and(|e| s.examples.matches(e));
            if said {
                happened.push(s);
            }
        }
        let mut newly = Vec::new();
        for s in &happened {
            self.seen.insert(s.id.clone());
            if s.owed {
                self.met_at.insert(s.id.clone(), at_ms);
                if s.within_ms.is_some_and(|w| at_ms > w) && self.out_of_order.insert(s.id.clone())
                {
                    newly.push(*s);
                }
            }
        }
        // What had to come before anything that happened now, and is still owed.
        for earlier in self.list.steps.iter().filter(|e| e.owed) {
            let due = earlier
                .before
                .iter()
                .any(|b| happened.iter().any(|h| &h.id == b));
            if due
                && !self.met_at.contains_key(&earlier.id)
                && self.out_of_order.insert(earlier.id.clone())
            {
                newly.push(earlier);
            }
        }
        newly
    }

    /// The outcome so far (at the call's end: the call's).
    pub fn adherence(&self) -> Adherence {
        let items = self.items();
        let total: f64 = items.iter().map(|(s, _)| s.weight).sum();
        let kept: f64 = items
            .iter()
            .filter(|(_, st)| *st == ItemState::Met)
            .map(|(s, _)| s.weight)
            .sum();
        let ids = |want: &dyn Fn(ItemState) -> bool| -> Vec<String> {
            items
                .iter()
                .filter(|(_, st)| want(*st))
                .map(|(s, _)| s.id.clone())
                .collect()
        };
        Adherence {
            checklist: self.list.id.clone(),
            score: if total > 0.0 {
                ((kept / total) * 1000.0).round() / 1000.0
            } else {
                1.0
            },
            items: items.len() as u32,
            met: ids(&|st| matches!(st, ItemState::Met | ItemState::MetOutOfOrder)),
            unmet: ids(&|st| matches!(st, ItemState::Open | ItemState::MissedOrder)),
            out_of_order: ids(&|st| {
                matches!(st, ItemState::MetOutOfOrder | ItemState::MissedOrder)
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTS: &str = r#"
[[alert]]
id = "x"
category = "X"
phrases = ["x"]

[[checklist]]
id = "standard"

[[checklist.item]]
id = "disclosure"
phrases = ["this call is recorded"]
within_s = 30

[[checklist.item]]
id = "verify_identity"
phrases = ["date of birth"]
weight = 3
before = ["balance"]

[[checklist.item]]
id = "closing"
phrases = ["anything else"]

[[checklist.topic]]
id = "balance"
phrases = ["your balance"]

[[checklist]]
id = "sales"
queues = ["sales"]

[[checklist.item]]
id = "offer"
phrases = ["special offer"]
"#;

    #[test]
    fn items_tick_in_order_and_the_score_follows_the_weights() {
        let lists = Checklists::parse(LISTS).unwrap();
        assert_eq!(lists.for_queue(Some("sales")).unwrap().id, "sales");
        assert_eq!(lists.for_queue(Some("billing")).unwrap().id, "standard");
        assert_eq!(lists.for_queue(None).unwrap().id, "standard");
        let list = lists.for_queue(None).unwrap();

        // All in order: full marks. The caller's words do not tick the agent's items.
        let mut s = ChecklistState::new(list);
        s.on_final(Speaker::Caller, "is this call is recorded", None, 1_000);
        assert_eq!(s.adherence().met, Vec::<String>::new());
        s.on_final(Speaker::Agent, "This call is recorded.", None, 2_000);
        s.on_final(Speaker::Agent, "Your date of birth please?", None, 9_000);
        s.on_final(Speaker::Agent, "Your balance is [AMOUNT]", None, 20_000);
        s.on_final(Speaker::Agent, "Anything else today?", None, 60_000);
        let a = s.adherence();
        assert_eq!((a.score, a.items), (1.0, 3));
        assert!(a.unmet.is_empty() && a.out_of_order.is_empty(), "{a:?}");

        // Identity skipped before the balance: unmet and out of order, at once.
        let mut s = ChecklistState::new(list);
        s.on_final(Speaker::Agent, "this call is recorded", None, 2_000);
        let newly = s.on_final(Speaker::Caller, "what is my balance", None, 5_000);
        assert!(newly.is_empty(), "a caller's own words are not the topic");
        let newly = s.on_final(Speaker::Agent, "so your balance is [AMOUNT]", None, 9_000);
        assert_eq!(
            newly.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["verify_identity"]
        );
        s.on_final(Speaker::Agent, "anything else?", None, 60_000);
        let a = s.adherence();
        assert_eq!(a.unmet, ["verify_identity"]);
        assert_eq!(a.out_of_order, ["verify_identity"]);
        // Weights 1 + 3 + 1: the two of weight 1 kept.
        assert_eq!(a.score, 0.4);

        // Verified afterwards: met, still out of order, still no credit. The disclosure late.
        let mut s = ChecklistState::new(list);
        s.on_final(Speaker::Agent, "your balance is [AMOUNT]", None, 9_000);
        s.on_final(Speaker::Agent, "what is your date of birth", None, 12_000);
        let newly = s.on_final(Speaker::Agent, "this call is recorded", None, 45_000);
        assert_eq!(newly.len(), 1);
        let a = s.adherence();
        assert_eq!(a.met, ["disclosure", "verify_identity"]);
        assert_eq!(a.unmet, ["closing"]);
        assert_eq!(a.out_of_order, ["disclosure", "verify_identity"]);
        assert_eq!(a.score, 0.0);
    }

    struct Fixed;
    impl Embedder for Fixed {
        fn embed(&mut self, text: &str) -> Result<Vec<f32>, AssistError> {
            Ok(if text.contains("birth") {
                vec![1.0, 0.0]
            } else {
                vec![0.0, 1.0]
            })
        }
    }

    #[test]
    fn an_item_is_met_by_a_close_enough_embedding() {
        let mut lists = Checklists::parse(
            "[[checklist]]\nid = \"a\"\n[[checklist.item]]\nid = \"verify\"\nexamples = [\"your date of birth\"]\nthreshold = 0.8\n",
        )
        .unwrap();
        lists.embed(&mut Fixed).unwrap();
        let mut s = ChecklistState::new(lists.for_queue(None).unwrap());
        assert!(s.wants_embedding(Speaker::Agent));
        assert!(!s.wants_embedding(Speaker::Caller));
        s.on_final(Speaker::Agent, "hello", Some(&[0.6, 0.8]), 1_000);
        assert!(s.adherence().met.is_empty(), "0.6 is under 0.8");
        s.on_final(
            Speaker::Agent,
            "when were you born",
            Some(&[0.9, 0.436]),
            2_000,
        );
        assert_eq!(s.adherence().met, ["verify"]);
        assert!(!s.wants_embedding(Speaker::Agent), "nothing left to match");
    }

    #[test]
    fn a_bad_checklist_says_which_line() {
        let err = |t: &str| Checklists::parse(t).unwrap_err();
        let (line, msg) = err("[[checklist]]\nid = \"a\"\n\n[[checklist.item]]\nid = \"x\"\nphrases = [\"p\"]\n\n[[checklist.item]]\nid = \"y\"\nbefore = [\"z\"]\nphrases = [\"q\"]\n");
        assert_eq!(line, 1, "{msg}");
        assert!(msg.contains("'z'"), "{msg}");
        let (line, msg) = err("[[checklist]]\nid = \"a\"\n\n[[checklist.item]]\nid = \"x\"\nphrases = [\"p\"]\n\n[[checklist.item]]\nid = \"y2\"\nphrases = [\"q\"]\n");
        assert_eq!(line, 8, "{msg}");
        let (line, msg) =
            err("[[checklist]]\nid = \"a\"\n[[checklist.item]]\nid = \"x\"\ncolour = 2\n");
        assert_eq!(line, 5, "{msg}");
        let (_, msg) = err("[[checklist]]\nid = \"a\"\n[[checklist.item]]\nid = \"x\"\nphrases=[\"p\"]\n[[checklist]]\nid = \"b\"\n[[checklist.item]]\nid = \"x\"\nphrases=[\"p\"]\n");
        assert!(msg.contains("without queues"), "{msg}");
    }
}
