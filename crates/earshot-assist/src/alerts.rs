//! Category alerts on the call's finals, and sensitive-data hygiene.
//!
//! Rules come from the organisation (`assist_rules`, a TOML file):
//!
//! ```toml
//! [[alert]]
//! id = "cancel"                       # unique
//! category = "Cancellation risk"      # what the agent and the hub see
//! speaker = "caller"                  # caller, agent or any (default caller)
//! phrases = ["cancel my account"]     # any of these, as whole words, case-insensitive
//! regex = ['\bclos(e|ing) (my|the) account\b']
//! examples = ["I want to end my membership"]  # or a final this close to one (MiniLM cosine)
//! threshold = 0.6                     # for the examples (default 0.6)
//! not_phrases = ["not cancel"]        # none of these in the same utterance
//! severity = "warning"                # info, warning or critical (default warning)
//! cooldown_s = 60                     # quiet time after it fired (default 0)
//! max_per_call = 3                    # default: no limit; `once = true` is max_per_call = 1
//!
//! [escalation]                        # the caller's sentiment falling over the last turns
//! turns = 3
//! drop = 0.5                          # first-to-last fall that raises it
//! ```
//!
//! Two hygiene alerts are always on, whatever the rules: `sensitive_input` (info) when the
//! caller gives a card number, CVV, SSN, account, routing number, IBAN or PIN — the agent sees
//! that it is being sealed — and `sensitive_readback` (critical) when the **agent** says such
//! a value back, a common compliance breach (the value itself is redacted and sealed like any
//! other). Alerts carry the category and severity, never the words.

use earshot_core::{FindingKind, Speaker};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// How serious an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For the agent's information.
    Info,
    /// Needs the agent's attention.
    Warning,
    /// A breach or a risk to act on now.
    Critical,
}

impl Severity {
    /// The name (`info`, `warning`, `critical`).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// Who a rule listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// The caller.
    #[default]
    Caller,
    /// The agent.
    Agent,
    /// Either.
    Any,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    alert: Vec<RawRule>,
    escalation: Option<Escalation>,
    // The checklists' part of the file, read by `checklist`.
    #[serde(default, rename = "checklist")]
    _checklist: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    category: String,
    #[serde(default)]
    speaker: Who,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    regex: Vec<String>,
    #[serde(default)]
    not_phrases: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    threshold: Option<f32>,
    #[serde(default = "warning")]
    severity: Severity,
    #[serde(default)]
    cooldown_s: u64,
    max_per_call: Option<u32>,
    #[serde(default)]
    once: bool,
}

fn warning() -> Severity {
    Severity::Warning
}

/// The escalation hint: the caller's sentiment falling over the last `turns` scored turns by
/// at least `drop` (first to last).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Caller turns looked at.
    pub turns: usize,
    /// The fall that raises the hint.
    pub drop: f64,
}

/// One category rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its id.
    pub id: String,
    /// Its category.
    pub category: String,
    /// Whom it listens to.
    pub speaker: Who,
    phrases: Vec<String>,
    regex: Vec<regex::Regex>,
    not_phrases: Vec<String>,
    examples: crate::examples::Examples,
    /// Its severity.
    pub severity: Severity,
    cooldown_ms: u64,
    max_per_call: Option<u32>,
}

/// A rule file that cannot be used: which file, which line, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct RuleError {
    /// The file.
    pub file: PathBuf,
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The organisation's alert rules (the hygiene alerts are built in).
#[derive(Debug, Clone, Default)]
pub struct AlertRules {
    /// The category rules.
    pub rules: Vec<Rule>,
    /// The escalation hint, if configured.
    pub escalation: Option<Escalation>,
}

pub(crate) fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

impl AlertRules {
    /// Reads and checks a rule file.
    pub fn load(path: &Path) -> Result<AlertRules, RuleError> {
        let text = std::fs::read_to_string(path).map_err(|e| RuleError {
            file: path.to_path_buf(),
            line: 1,
            message: format!("cannot read it: {e}"),
        })?;
        AlertRules::parse(&text).map_err(|(line, message)| RuleError {
            file: path.to_path_buf(),
            line,
            message,
        })
    }

    /// Parses rule text; `Err((line, message))` when it cannot be used.
    pub fn parse(text: &str) -> Result<AlertRules, (usize, String)> {
        let file: RuleFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            (line, e.message().to_string())
        })?;
        // Where each rule starts, for errors that TOML itself cannot see.
        let starts: Vec<usize> = text
            .match_indices("[[alert]]")
            .map(|(i, _)| line_of(text, i))
            .collect();
        let mut rules = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for (n, r) in file.alert.into_iter().enumerate() {
            let line = starts.get(n).copied().unwrap_or(1);
            let bad = |m: String| (line, format!("alert '{}': {m}", r.id));
            if !ids.insert(r.id.clone()) {
                return Err(bad("the id is used twice".into()));
            }
            if !earshot_redact::safe_label(&r.category) {
                return Err(bad(format!(
                    "the category is shown to supervisors: at most {} letters, spaces and punctuation, no digits",
                    earshot_redact::LABEL_MAX_CHARS
                )));
            }
            if r.phrases.is_empty() && r.regex.is_empty() && r.examples.is_empty() {
                return Err(bad("give phrases, regex or examples".into()));
            }
            let examples = crate::examples::Examples::new(
                r.examples,
                r.threshold.unwrap_or(DEFAULT_RULE_THRESHOLD),
            )
            .map_err(bad)?;
            let regex = r
                .regex
                .iter()
                .map(|p| {
                    regex::RegexBuilder::new(p)
                        .case_insensitive(true)
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| bad(format!("regex {p:?}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let lower = |v: &[String]| -> Vec<String> {
                v.iter()
                    .map(|p| p.trim().to_lowercase())
                    .filter(|p| !p.is_empty())
                    .collect()
            };
            rules.push(Rule {
                phrases: lower(&r.phrases),
                not_phrases: lower(&r.not_phrases),
                examples,
                regex,
                severity: r.severity,
                cooldown_ms: r.cooldown_s * 1000,
                max_per_call: if r.once { Some(1) } else { r.max_per_call },
                speaker: r.speaker,
                category: r.category,
                id: r.id,
            });
        }
        if let Some(e) = file.escalation {
            if e.turns < 2 || !(e.drop > 0.0 && e.drop <= 2.0) {
                let line = text
                    .find("[escalation]")
                    .map(|i| line_of(text, i))
                    .unwrap_or(1);
                return Err((line, "escalation: turns ≥ 2 and 0 < drop ≤ 2".into()));
            }
        }
        Ok(AlertRules {
            rules,
            escalation: file.escalation,
        })
    }
}

impl Rule {
    /// The best similarity of `embedding` to one of the rule's examples (0 without any).
    pub fn similarity(&self, embedding: &[f32]) -> f32 {
        self.examples.similarity(embedding)
    }
}

/// The default similarity a final needs to a rule's example: higher than a checklist item's
/// (0.5), because an alert interrupts the agent and a checklist tick does not.
pub const DEFAULT_RULE_THRESHOLD: f32 = 0.6;

impl AlertRules {
    /// Embeds every rule's examples with `encoder` (once, at load).
    pub fn embed(&mut self, encoder: &mut dyn crate::Embedder) -> Result<(), crate::AssistError> {
        for r in &mut self.rules {
            r.examples.embed(encoder)?;
        }
        Ok(())
    }

    /// Whether a final of `speaker` needs an embedding for a rule's examples.
    pub fn wants_embedding(&self, speaker: Speaker) -> bool {
        self.rules
            .iter()
            .any(|r| r.examples.embedded() && listens(r.speaker, speaker))
    }

    /// Whether any rule matches by similarity.
    pub fn semantic(&self) -> bool {
        self.rules.iter().any(|r| !r.examples.is_empty())
    }
}

pub(crate) fn listens(who: Who, speaker: Speaker) -> bool {
    match who {
        Who::Any => true,
        Who::Caller => speaker == Speaker::Caller,
        Who::Agent => speaker == Speaker::Agent,
    }
}

/// An alert raised on a final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The rule's id (`sensitive_input`, `sensitive_readback`, `escalation` for the built-ins).
    pub rule: String,
    /// The category shown.
    pub category: String,
    /// How serious.
    pub severity: Severity,
}

/// The findings that are payment or identity secrets: the hygiene alerts' business.
fn secret(kind: FindingKind) -> bool {
    matches!(
        kind,
        FindingKind::CreditDebitNumber
            | FindingKind::CreditDebitCvv
            | FindingKind::Ssn
            | FindingKind::BankAccountNumber
            | FindingKind::BankRouting
            | FindingKind::Iban
            | FindingKind::Pin
    )
}

/// One call's alert state.
#[derive(Debug, Clone, Default)]
pub struct AlertState {
    fired: std::collections::HashMap<String, (u32, u64)>,
    caller_scores: Vec<f64>,
    escalated_at: Option<usize>,
}

impl AlertState {
    /// A new call's state.
    pub fn new() -> AlertState {
        AlertState::default()
    }

    fn may_fire(&mut self, id: &str, at_ms: u64, cooldown_ms: u64, max: Option<u32>) -> bool {
        let (count, last) = self.fired.get(id).copied().unwrap_or((0, 0));
        if max.is_some_and(|m| count >= m) || (count > 0 && at_ms < last + cooldown_ms) {
            return false;
        }
        self.fired.insert(id.to_string(), (count + 1, at_ms));
        true
    }

    /// Alerts counted so far, by category.
    pub fn counts(&self) -> std::collections::BTreeMap<String, u32> {
        let mut out = std::collections::BTreeMap::new();
        for (id, (n, _)) in &self.fired {
            *out.entry(id.clone()).or_insert(0) += n;
        }
        out
    }

    /// A final: its speaker, redacted text, its embedding (when
    /// [`AlertRules::wants_embedding`]), finding kinds, sentiment score (if scored) and start
    /// time. Returns the alerts it raises.
    #[allow(clippy::too_many_arguments)]
    pub fn on_final(
        &mut self,
        rules: &AlertRules,
        speaker: Speaker,
        text: &str,
        embedding: Option<&[f32]>,
        findings: &[FindingKind],
        score: Option<f64>,
        at_ms: u64,
    ) -> Vec<Alert> {
        let mut out = Vec::new();
        let secrets = findings.iter().any(|k| secret(*k));
        if secrets
            && speaker == Speaker::Agent
            && self.may_fire("sensitive_readback", at_ms, 0, None)
        {
            out.push(Alert {
                rule: "sensitive_readback".into(),
                category: "Sensitive value read back".into(),
                severity: Severity::Critical,
            });
        }
        if secrets
            && speaker == Speaker::Caller
            && self.may_fire("sensitive_input", at_ms, 30_000, None)
        {
            out.push(Alert {
                rule: "sensitive_input".into(),
                category: "Sensitive input: sealed, not shown".into(),
                severity: Severity::Info,
            });
        }
        let lower = text.to_lowercase();
        for r in &rules.rules {
            if !listens(r.speaker, speaker) {
                continue;
            }
            let hit = r.phrases.iter().any(|p| crate::suggest::says(&lower, p))
                || r.regex.iter().any(|re| re.is_match(text))
                || embedding.is_some_and(|e| r.examples.matches(e));
            let vetoed = r
                .not_phrases
                .iter()
                .any(|p| crate::suggest::says(&lower, p));
            if hit && !vetoed && self.may_fire(&r.id, at_ms, r.cooldown_ms, r.max_per_call) {
                out.push(Alert {
                    rule: r.id.clone(),
                    category: r.category.clone(),
                    severity: r.severity,
                });
            }
        }
        if let (Speaker::Caller, Some(s), Some(e)) = (speaker, score, rules.escalation) {
            self.caller_scores.push(s);
            let n = self.caller_scores.len();
            let recent = &self.caller_scores[n.saturating_sub(e.turns)..];
            let falling = recent.len() == e.turns
                && recent.windows(2).all(|w| w[1] <= w[0])
                && recent[0] - recent[e.turns - 1] >= e.drop;
            // Once per fall: not again until as many new turns have come.
            let quiet = self.escalated_at.is_some_and(|at| n < at + e.turns);
            if falling && !quiet && self.may_fire("escalation", at_ms, 0, None) {
                self.escalated_at = Some(n);
                out.push(Alert {
                    rule: "escalation".into(),
                    category: "Caller getting upset: de-escalate".into(),
                    severity: Severity::Warning,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
[[alert]]
id = "cancel"
category = "Cancellation risk"
phrases = ["cancel my account"]
regex = ['\bclos(e|ing) (my|the) account\b']
not_phrases = ["not cancel"]
cooldown_s = 60

[[alert]]
id = "manager"
category = "Asks for a manager"
phrases = ["speak to a manager", "your supervisor"]
once = true
severity = "critical"

[escalation]
turns = 3
drop = 0.5
"#;

    fn run(
        state: &mut AlertState,
        rules: &AlertRules,
        who: Speaker,
        text: &str,
        at_s: u64,
    ) -> Vec<String> {
        state
            .on_final(rules, who, text, None, &[], None, at_s * 1000)
            .into_iter()
            .map(|a| a.rule)
            .collect()
    }

    #[test]
    fn phrases_regex_vetoes_cooldowns_and_limits() {
        let rules = AlertRules::parse(RULES).unwrap();
        let mut s = AlertState::new();
        assert_eq!(
            run(
                &mut s,
                &rules,
                Speaker::Caller,
                "I want to cancel my account",
                1
            ),
            ["cancel"]
        );
        // Within the cooldown: quiet; after it: again. The regex counts too.
        assert!(run(
            &mut s,
            &rules,
            Speaker::Caller,
            "just cancel my account",
            30
        )
        .is_empty());
        assert_eq!(
            run(
                &mut s,
                &rules,
                Speaker::Caller,
                "I am closing my account",
                70
            ),
            ["cancel"]
        );
        // A veto phrase; the agent's words for a caller rule.
        assert!(run(
            &mut s,
            &rules,
            Speaker::Caller,
            "I do not cancel my account, not cancel",
            200
        )
        .is_empty());
        assert!(run(
            &mut s,
            &rules,
            Speaker::Agent,
            "you can cancel my account online",
            300
        )
        .is_empty());
        // Once per call.
        assert_eq!(
            run(
                &mut s,
                &rules,
                Speaker::Caller,
                "let me speak to a manager",
                301
            ),
            ["manager"]
        );
        assert!(run(
            &mut s,
            &rules,
            Speaker::Caller,
            "I said speak to a manager",
            400
        )
        .is_empty());
        assert_eq!(s.counts().get("cancel"), Some(&2));
    }

    #[test]
    fn a_secret_read_back_by_the_agent_is_critical_and_a_callers_is_information() {
        let rules = AlertRules::default();
        let mut s = AlertState::new();
        let card = [FindingKind::CreditDebitNumber];
        let got = s.on_final(
            &rules,
            Speaker::Caller,
            "it is [CREDIT_DEBIT_NUMBER]",
            None,
            &card,
            None,
            1000,
        );
        assert_eq!(got[0].rule, "sensitive_input");
        assert_eq!(got[0].severity, Severity::Info);
        let got = s.on_final(
            &rules,
            Speaker::Agent,
            "so that is [CREDIT_DEBIT_NUMBER]",
            None,
            &card,
            None,
            9000,
        );
        assert_eq!(got[0].rule, "sensitive_readback");
        assert_eq!(got[0].severity, Severity::Critical);
        // An address or a phone number is not a payment secret.
        assert!(s
            .on_final(
                &rules,
                Speaker::Agent,
                "at [PHONE]",
                None,
                &[FindingKind::Phone],
                None,
                9500
            )
            .is_empty());
    }

    #[test]
    fn a_rule_fires_on_a_close_enough_embedding_of_its_speakers_final() {
        struct Fixed;
        impl crate::Embedder for Fixed {
            fn embed(&mut self, _: &str) -> Result<Vec<f32>, crate::AssistError> {
                Ok(vec![1.0, 0.0])
            }
        }
        let mut rules = AlertRules::parse(
            "[[alert]]\nid = \"quit\"\ncategory = \"Cancellation risk\"\nexamples = [\"I want to end my membership\"]\nthreshold = 0.8\n",
        )
        .unwrap();
        assert!(rules.semantic());
        rules.embed(&mut Fixed).unwrap();
        assert!(rules.wants_embedding(Speaker::Caller) && !rules.wants_embedding(Speaker::Agent));
        let mut s = AlertState::new();
        let mut at = |e: [f32; 2], t: u64| {
            s.on_final(&rules, Speaker::Caller, "words", Some(&e), &[], None, t)
                .len()
        };
        assert_eq!(at([0.6, 0.8], 1), 0, "0.6 is under 0.8");
        assert_eq!(at([0.9, 0.436], 2), 1);
    }

    #[test]
    fn a_falling_caller_raises_the_escalation_hint_once_per_fall() {
        let rules = AlertRules::parse(RULES).unwrap();
        let mut s = AlertState::new();
        let mut fire = |score: f64, t: u64| {
            s.on_final(&rules, Speaker::Caller, "well", None, &[], Some(score), t)
                .into_iter()
                .any(|a| a.rule == "escalation")
        };
        assert!(!fire(0.3, 1));
        assert!(!fire(0.0, 2));
        assert!(fire(-0.4, 3));
        assert!(!fire(-0.6, 4), "not again at once");
        assert!(!fire(0.2, 5), "not when it rises");
    }

    #[test]
    fn a_bad_rule_file_says_which_line() {
        let (line, msg) = AlertRules::parse(
            "[[alert]]\nid = \"a\"\ncategory = \"A\"\ncolour = 1\nphrases = [\"x\"]\n",
        )
        .unwrap_err();
        assert_eq!(line, 4, "{msg}");
        let (line, msg) = AlertRules::parse("[[alert]]\nid = \"a\"\ncategory = \"A\"\nphrases = [\"x\"]\n\n[[alert]]\nid = \"b\"\ncategory = \"B\"\nregex = ['(']\n").unwrap_err();
        assert_eq!(line, 6, "{msg}");
        assert!(msg.contains("regex"), "{msg}");
        let (line, _) = AlertRules::parse("[[alert]]\nid = \"a\"\ncategory = \"A\"\n").unwrap_err();
        assert_eq!(line, 1);
        let (line, msg) = AlertRules::parse(
            "[[alert]]\nid = \"a\"\ncategory = \"A\"\nphrases = [\"x\"]\n\n[[alert]]\nid = \"b\"\ncategory = \"Refund over 500\"\nphrases = [\"y\"]\n",
        )
        .unwrap_err();
        assert_eq!(line, 6, "{msg}");
        assert!(msg.contains("category"), "{msg}");
    }
}
