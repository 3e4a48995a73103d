//! History: stored calls as the screen may see them (redacted text, finding types, trends), found
//! by date and text, opened, and deleted when the organisation allows it.

use crate::{round3, FindingView, SentimentView, SessionError};
use earshot_config::Config;
use earshot_core::{
    FindingKind, Sentiment, SentimentLabel, SentimentTrend, Speaker, TrendDirection,
};
use earshot_vault::{CallQuery, CallRecord, StoredUtterance, Vault};
use serde::{Deserialize, Serialize};

/// A stored call in the History list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct CallSummary {
    /// The call's id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// Where it came from (file, devices, SIPREC session).
    pub source: String,
    /// Start, unix ms.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub started_at_ms: i64,
    /// Length of the audio, if the call ended.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub duration_ms: Option<i64>,
    /// Stored utterances.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub utterances: i64,
    /// The speech model that transcribed it.
    pub model: String,
    /// Direction of the sentiment over the call, if it ended.
    pub trend: Option<TrendDirection>,
    /// Mean sentiment per quarter of the call (`null`: no speech there).
    pub quarters: [Option<f64>; 4],
    /// When retention removes it, unix ms.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires_at_ms: i64,
    /// Whether a running process (this app, the CLI, a SIPREC receiver) is recording it now: it
    /// cannot be deleted until it ends. A call with no length that is not being recorded was cut
    /// off.
    pub recording: bool,
}

/// One stored turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct TurnView {
    /// Position in the call, from 1.
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// Start, ms from the start of the call.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_ms: i64,
    /// End, ms from the start of the call.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub end_ms: i64,
    /// Redacted text: each finding is a `[TYPE]` tag.
    pub text: String,
    /// Sentiment of the redacted text.
    pub sentiment: SentimentView,
    /// The findings, in the order of their tags.
    pub findings: Vec<FindingView>,
}

/// A stored call, opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct CallView {
    /// The call.
    pub call: CallSummary,
    /// Its turns in order.
    pub turns: Vec<TurnView>,
}

/// What History searches for. Every part is optional; text matches the redacted transcript
/// (so a sealed value can never be found by typing it) and the source, ignoring ASCII case.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct HistoryQuery {
    /// Words to find.
    #[serde(default)]
    pub text: Option<String>,
    /// Calls that started at or after this unix ms.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub from_ms: Option<i64>,
    /// Calls that started before this unix ms.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub to_ms: Option<i64>,
}

const DAY_MS: i64 = 86_400_000;

fn summary(c: CallRecord, retention_days: u32) -> CallSummary {
    let trend: Option<SentimentTrend> = c
        .sentiment_trend
        .and_then(|v| serde_json::from_value(v).ok());
    CallSummary {
        id: c.id,
        expires_at_ms: c.ended_at_ms.unwrap_or(c.started_at_ms) + retention_days as i64 * DAY_MS,
        source: c.source,
        started_at_ms: c.started_at_ms,
        duration_ms: c.duration_ms,
        utterances: c.utterances,
        model: c.model,
        quarters: trend
            .as_ref()
            .map_or([None; 4], |t| t.quarters.map(|q| q.map(round3))),
        trend: trend.map(|t| t.direction),
        recording: c.recording,
    }
}

/// Calls matching `query`, newest first.
pub fn search(
    vault: &Vault,
    config: &Config,
    query: &HistoryQuery,
) -> Result<Vec<CallSummary>, SessionError> {
    let calls = vault.search_calls(&CallQuery {
        text: query.text.clone().filter(|t| !t.trim().is_empty()),
        from_ms: query.from_ms,
        to_ms: query.to_ms,
    })?;
    Ok(calls
        .into_iter()
        .map(|c| summary(c, config.retention_days))
        .collect())
}

/// A finding type read back from the store; one this build does not know is shown as a plain
/// redaction (`NUMBER`), never dropped.
fn kind(tag: &str) -> FindingKind {
    serde_json::from_value(serde_json::Value::String(tag.to_string()))
        .unwrap_or(FindingKind::Number)
}

fn turn(u: StoredUtterance) -> TurnView {
    TurnView {
        seq: u.seq,
        speaker: match u.speaker.as_str() {
            "caller" => Speaker::Caller,
            "agent" => Speaker::Agent,
            _ => Speaker::Unknown,
        },
        start_ms: u.start_ms,
        end_ms: u.end_ms,
        sentiment: {
            // Stored in the short form (`pos`/`neg`/`neu`/`---`); the long one is accepted too.
            let label = match u.sentiment_label.as_str() {
                "pos" | "positive" => SentimentLabel::Positive,
                "neg" | "negative" => SentimentLabel::Negative,
                "neu" | "neutral" => SentimentLabel::Neutral,
                _ => SentimentLabel::Unscored,
            };
            SentimentView::of(&Sentiment {
                label,
                score: u.sentiment_score as f32,
            })
        },
        findings: u
            .findings
            .iter()
            .map(|f| FindingView {
                kind: kind(&f.kind),
                sealed: f.sealed,
            })
            .collect(),
        text: u.text,
    }
}

/// One call with its turns.
pub fn open(vault: &Vault, config: &Config, id: i64) -> Result<CallView, SessionError> {
    let detail = vault.call(id)?;
    Ok(CallView {
        call: summary(detail.call, config.retention_days),
        turns: detail.utterances.into_iter().map(turn).collect(),
    })
}

/// Deletes a call and everything linked to it; the vault audits the attempt and refuses it when
/// the organisation's policy does not allow agents to delete calls, or while a process is still
/// recording the call.
pub fn delete(vault: &Vault, id: i64) -> Result<(), SessionError> {
    vault.delete_call(id)?;
    Ok(())
}
