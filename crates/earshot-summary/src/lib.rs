//! The call summary a workstation may share with the organisation's hub: figures per speaker
//! (talk time, sentiment mean and quarter trend), silence and overtalk, finding *counts* by type,
//! keypad entries, key phrases and up to five key turns chosen extractively from the **redacted**
//! text — never a transcript, never a value.
//!
//! Methods: key phrases by RAKE ([`phrases`]); key turns by TextRank over MiniLM sentence
//! embeddings, or over word overlap when the encoder is not installed ([`textrank`]).
//!
//! What agent assist raised travels as figures: alert counts by category (the organisation's
//! labels, each checked to carry no value) and the checklist's adherence score with the ids of
//! the unmet and out-of-order items.
//!
//! Defence in depth: every text field (each key phrase, each key turn, the agent's name) goes
//! through the detector once more on its own, and any field in which it finds anything, or that
//! still holds three digits, is withheld and counted in [`Summary::withheld`], never sent. The
//! stand-alone pass is stricter than the conversation-aware redactor was: an agent introducing
//! themselves by name ("this is Sam") is kept in the stored transcript but withheld here.

pub mod phrases;
pub mod textrank;

use earshot_core::{SentimentTrend, TrendDirection};
use earshot_sentiment::embedding::{cosine, SentenceEncoder};
use earshot_vault::{CallDetail, StoredUtterance};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Key turns in a summary, at most.
pub const MAX_KEY_TURNS: usize = 5;

/// Key phrases in a summary, at most.
pub const MAX_KEY_PHRASES: usize = 8;

/// A turn needs this many words to be a key turn (shorter ones say too little).
const MIN_TURN_WORDS: usize = 4;

/// The tag of a keypad entry.
const DTMF: &str = "[DTMF]";

/// Where the call came from (the kind only: a file name or a device name can say who called).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A recording analyzed on the workstation.
    File,
    /// The workstation's microphone and system audio.
    Listen,
    /// The contact center's SIPREC fork.
    Siprec,
}

impl SourceKind {
    /// The kind of a stored call's source description.
    pub fn of(source: &str) -> SourceKind {
        if source.starts_with("SIPREC") {
            SourceKind::Siprec
        } else if source.starts_with("live capture") {
            SourceKind::Listen
        } else {
            SourceKind::File
        }
    }
}

/// One speaker's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerFigures {
    /// Turns taken (keypad entries not counted).
    pub turns: u32,
    /// Speaking time, ms.
    pub talk_ms: i64,
    /// Mean sentiment of the scored turns (`None`: none was scored).
    pub sentiment_mean: Option<f64>,
    /// Mean sentiment per quarter of the call (LCA style).
    pub sentiment_quarters: [Option<f64>; 4],
    /// The last quarter against the earlier ones.
    pub sentiment_trend: TrendDirection,
}

/// A key turn: redacted text and the types of what was redacted in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyTurn {
    /// `caller`, `agent` or `unknown`.
    pub speaker: String,
    /// Start, ms from the start of the call.
    pub start_ms: i64,
    /// The redacted text (each finding a `[TYPE]` tag).
    pub text: String,
    /// The finding types in it, in order.
    pub findings: Vec<String>,
}

/// The figures of each speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerSpeaker {
    /// The caller's.
    pub caller: SpeakerFigures,
    /// The agent's.
    pub agent: SpeakerFigures,
    /// A mono recording's one speaker, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<SpeakerFigures>,
}

/// How the key turns were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyTurnMethod {
    /// TextRank with the cosine of MiniLM sentence embeddings as edge weights.
    TextrankMinilm,
    /// TextRank with word overlap as edge weights (the encoder was not available).
    TextrankWordOverlap,
}

/// What produced the call's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engines {
    /// This program's version.
    pub earshot: String,
    /// The speech model.
    pub asr_model: String,
    /// The sentiment engine (`embedding`, `lexicon`).
    pub sentiment: Option<String>,
}

/// Fields the second detector pass withheld, by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withheld {
    /// Key phrases.
    pub key_phrases: u32,
    /// Key turns (a chosen turn that is withheld is not replaced).
    pub key_turns: u32,
    /// The agent's name.
    pub agent: u32,
    /// Alert categories (one that is not a [`earshot_redact::safe_label`]).
    #[serde(default)]
    pub alerts: u32,
}

/// The shareable summary of one call. See the module docs for what it never holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Random, 128 bits, hex: not the workstation's call id (which counts calls).
    pub summary_id: String,
    /// The agent, where known.
    pub agent: Option<String>,
    /// Where the call came from.
    pub source: SourceKind,
    /// Start, unix ms.
    pub started_at_ms: i64,
    /// Length of the call, ms.
    pub duration_ms: i64,
    /// Talk time and sentiment per speaker.
    pub speakers: PerSpeaker,
    /// Share of the call in which nobody spoke.
    pub silence_ratio: f64,
    /// Share of the call in which caller and agent spoke at once.
    pub overtalk_ratio: f64,
    /// Findings by type (`CREDIT_DEBIT_NUMBER`: 1, …): counts only.
    pub findings: BTreeMap<String, u32>,
    /// Keypad entries (each a `[DTMF]` turn).
    pub keypad_entries: u32,
    /// What the receiver lost of the call's audio, where it counted (a SIPREC fork); absent for
    /// a recording or a capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_gaps: Option<earshot_core::AudioGaps>,
    /// Alerts agent assist raised, by category (counts and severities, never words).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<earshot_core::AlertCount>,
    /// How the call kept to its compliance checklist (item ids and the score), where one
    /// applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist: Option<earshot_core::Adherence>,
    /// Key phrases, best first.
    pub key_phrases: Vec<String>,
    /// Key turns, in call order.
    pub key_turns: Vec<KeyTurn>,
    /// How the key turns were chosen.
    pub key_turn_method: KeyTurnMethod,
    /// What produced it.
    pub engines: Engines,
    /// Fields the second detector pass withheld.
    pub withheld: Withheld,
}

/// Whether a field may leave the workstation: the detector finds nothing in it on its own, and
/// it holds fewer than three digits (fail closed: a redacted text has no use for figures).
pub fn shareable(text: &str) -> bool {
    text.chars().filter(|c| c.is_ascii_digit()).count() < 3
        && earshot_redact::redact_line(text).findings.is_empty()
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Merged, sorted intervals.
fn merged(mut spans: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    spans.sort();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (s, e) in spans.into_iter().filter(|(s, e)| e > s) {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn total(spans: &[(i64, i64)]) -> i64 {
    spans.iter().map(|(s, e)| e - s).sum()
}

/// The length of the intersection of two merged interval lists.
fn intersection(a: &[(i64, i64)], b: &[(i64, i64)]) -> i64 {
    let (mut i, mut j, mut sum) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (s, e) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if e > s {
            sum += e - s;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    sum
}

fn is_keypad(u: &StoredUtterance) -> bool {
    u.text.trim() == DTMF
}

/// The sentiment score of a stored turn, unless it was left unscored.
fn score(u: &StoredUtterance) -> Option<f64> {
    (u.sentiment_label != "---" && u.sentiment_label != "unscored").then_some(u.sentiment_score)
}

fn figures(turns: &[&StoredUtterance], duration_ms: i64) -> SpeakerFigures {
    let spoken: Vec<&&StoredUtterance> = turns.iter().filter(|u| !is_keypad(u)).collect();
    let scored: Vec<(u64, f32)> = spoken
        .iter()
        .filter_map(|u| score(u).map(|s| (u.start_ms.max(0) as u64, s as f32)))
        .collect();
    let trend: SentimentTrend = earshot_sentiment::call_trend(&scored, duration_ms.max(0) as u64);
    SpeakerFigures {
        turns: spoken.len() as u32,
        talk_ms: total(&merged(
            spoken.iter().map(|u| (u.start_ms, u.end_ms)).collect(),
        )),
        sentiment_mean: (!scored.is_empty()).then(|| {
            round3(scored.iter().map(|(_, s)| *s as f64).sum::<f64>() / scored.len() as f64)
        }),
        sentiment_quarters: trend.quarters.map(|q| q.map(|v| round3(v as f64))),
        sentiment_trend: trend.direction,
    }
}

/// The key turns' indices into `candidates`, in call order.
fn key_turns(
    candidates: &[&StoredUtterance],
    encoder: Option<&mut SentenceEncoder>,
) -> (Vec<usize>, KeyTurnMethod) {
    let n = candidates.len();
    let embedded: Option<Vec<Vec<f32>>> = encoder.and_then(|e| {
        candidates
            .iter()
            .map(|u| e.embed(&u.text).ok())
            .collect::<Option<Vec<_>>>()
    });
    let (weights, method) = match embedded {
        Some(v) => (
            (0..n)
                .map(|i| (0..n).map(|j| cosine(&v[i], &v[j]).max(0.0)).collect())
                .collect::<Vec<Vec<f32>>>(),
            KeyTurnMethod::TextrankMinilm,
        ),
        None => {
            let words: Vec<_> = candidates
                .iter()
                .map(|u| textrank::words(&u.text))
                .collect();
            (
                (0..n)
                    .map(|i| {
                        (0..n)
                            .map(|j| textrank::overlap(&words[i], &words[j]))
                            .collect()
                    })
                    .collect(),
                KeyTurnMethod::TextrankWordOverlap,
            )
        }
    };
    let scores = textrank::rank(&weights);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut chosen: Vec<usize> = order.into_iter().take(MAX_KEY_TURNS).collect();
    chosen.sort();
    (chosen, method)
}

/// The summary of a stored call. `encoder`: the MiniLM sentence encoder for the key turns (word
/// overlap without it).
pub fn summarize(detail: &CallDetail, encoder: Option<&mut SentenceEncoder>) -> Summary {
    let call = &detail.call;
    let duration_ms = call.duration_ms.unwrap_or_else(|| {
        detail
            .utterances
            .iter()
            .map(|u| u.end_ms)
            .max()
            .unwrap_or(0)
    });
    let of = |who: &str| -> Vec<&StoredUtterance> {
        detail
            .utterances
            .iter()
            .filter(|u| u.speaker == who)
            .collect()
    };
    let (caller, agent, unknown) = (of("caller"), of("agent"), of("unknown"));
    let spans = |turns: &[&StoredUtterance]| {
        merged(
            turns
                .iter()
                .filter(|u| !is_keypad(u))
                .map(|u| (u.start_ms, u.end_ms))
                .collect(),
        )
    };
    let all: Vec<&StoredUtterance> = detail.utterances.iter().collect();
    let speech = total(&spans(&all));
    let overtalk = intersection(&spans(&caller), &spans(&agent));
    let ratio = |part: i64| {
        if duration_ms > 0 {
            round3((part as f64 / duration_ms as f64).clamp(0.0, 1.0))
        } else {
            0.0
        }
    };
    let mut findings: BTreeMap<String, u32> = BTreeMap::new();
    for f in detail.utterances.iter().flat_map(|u| &u.findings) {
        *findings.entry(f.kind.clone()).or_default() += 1;
    }
    let spoken: Vec<&StoredUtterance> =
        detail.utterances.iter().filter(|u| !is_keypad(u)).collect();
    let mut withheld = Withheld::default();
    let keep = |text: &str, count: &mut u32| {
        let ok = shareable(text);
        if !ok {
            *count += 1;
        }
        ok
    };
    let key_phrases: Vec<String> =
        phrases::key_phrases(spoken.iter().map(|u| u.text.as_str()), MAX_KEY_PHRASES)
            .into_iter()
            .filter(|p| keep(p, &mut withheld.key_phrases))
            .collect();
    let candidates: Vec<&StoredUtterance> = spoken
        .iter()
        .copied()
        .filter(|u| textrank::words(&u.text).len() >= MIN_TURN_WORDS)
        .collect();
    let (chosen, key_turn_method) = key_turns(&candidates, encoder);
    let key_turns: Vec<KeyTurn> = chosen
        .into_iter()
        .map(|i| candidates[i])
        .filter(|u| keep(&u.text, &mut withheld.key_turns))
        .map(|u| KeyTurn {
            speaker: u.speaker.clone(),
            start_ms: u.start_ms,
            text: u.text.clone(),
            findings: u.findings.iter().map(|f| f.kind.clone()).collect(),
        })
        .collect();
    let agent_name = call.agent.clone().filter(|a| keep(a, &mut withheld.agent));
    let assist = call.assist.clone().unwrap_or_default();
    let alerts = assist
        .alerts
        .into_iter()
        .filter(|a| {
            let ok = earshot_redact::safe_label(&a.category);
            if !ok {
                withheld.alerts += 1;
            }
            ok
        })
        .collect();
    Summary {
        summary_id: hex::encode(rand::random::<[u8; 16]>()),
        agent: agent_name,
        source: SourceKind::of(&call.source),
        started_at_ms: call.started_at_ms,
        duration_ms,
        speakers: PerSpeaker {
            caller: figures(&caller, duration_ms),
            agent: figures(&agent, duration_ms),
            unknown: (!unknown.is_empty()).then(|| figures(&unknown, duration_ms)),
        },
        silence_ratio: ratio(duration_ms - speech),
        overtalk_ratio: ratio(overtalk),
        findings,
        keypad_entries: detail.utterances.iter().filter(|u| is_keypad(u)).count() as u32,
        audio_gaps: call.audio_gaps.clone(),
        alerts,
        checklist: assist.checklist,
        key_phrases,
        key_turns,
        key_turn_method,
        engines: Engines {
            earshot: env!("CARGO_PKG_VERSION").to_string(),
            asr_model: call.model.clone(),
            sentiment: call.sentiment_engine.clone(),
        },
        withheld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_merge_and_intersect() {
        let a = merged(vec![(0, 10), (5, 15), (20, 30)]);
        assert_eq!(a, vec![(0, 15), (20, 30)]);
        assert_eq!(total(&a), 25);
        let b = merged(vec![(12, 22)]);
        assert_eq!(intersection(&a, &b), 3 + 2);
        assert_eq!(intersection(&a, &[]), 0);
    }

    #[test]
    fn a_field_with_a_value_or_figures_is_not_shareable() {
        assert!(shareable("the card number is [CREDIT_DEBIT_NUMBER]"));
        assert!(!shareable("my card is 4532 0151 1283 0366"));
        assert!(!shareable("the code is 739"));
        assert!(!shareable("call me on 555 0100"));
        assert!(shareable("refund in 3 days"));
    }

    #[test]
    fn sources_are_told_apart_by_kind_only() {
        assert_eq!(
            SourceKind::of("SIPREC from 10.0.0.1 (session ab12; agent by pattern)"),
            SourceKind::Siprec
        );
        assert_eq!(
            SourceKind::of("live capture (mic: default, loopback: default)"),
            SourceKind::Listen
        );
        assert_eq!(SourceKind::of("/calls/smith-jones.wav"), SourceKind::File);
    }
}
