//! The one place where a [`CallEvent`] becomes a line of output: the human-readable transcript
//! line, the live JSON line, and the offline JSON line (`earshot analyze --json`, a documented
//! shape scripts depend on: `{"type": "utterance", "speaker", "start_ms", "end_ms", "text",
//! "sentiment": {"label", "score"}, "findings": [{"type"}]}` per utterance, then `call_end`).
//! Like the events, lines carry redacted text and finding types only.

use crate::history::TurnView;
use crate::CallEvent;
use earshot_core::format_timestamp;
use serde_json::json;

/// The human-readable line of an event (none for `discarded`): `[mm:ss.s] Speaker  ± score  text`
/// for a final, `~` before a partial's text, `--` before call-level lines.
pub fn text_line(event: &CallEvent) -> Option<String> {
    Some(match event {
        CallEvent::Partial {
            speaker,
            start_ms,
            text,
            ..
        } => format!(
            "[{}] {:<8}~ {}",
            format_timestamp(*start_ms),
            speaker.label(),
            text
        ),
        CallEvent::Final {
            speaker,
            start_ms,
            text,
            sentiment,
            ..
        } => format!(
            "[{}] {:<8}{} {}  {}",
            format_timestamp(*start_ms),
            speaker.label(),
            sentiment.label.short(),
            score_text(sentiment.score),
            text
        ),
        CallEvent::Discarded { .. } => return None,
        CallEvent::Degraded { reason, lag_ms, .. } => format!("-- {reason} (lag {lag_ms} ms)"),
        CallEvent::Gaps {
            lost_packets,
            concealed_ms,
            dropped_ms,
        } => format!(
            "-- audio lost so far: {lost_packets} RTP packets ({concealed_ms} ms concealed), {dropped_ms} ms dropped"
        ),
        CallEvent::Alert {
            category,
            severity,
            speaker,
            ..
        } => format!(
            "   !! {} alert ({}): {category}",
            severity,
            speaker.label().trim()
        ),
        CallEvent::Suggestion {
            title,
            heading,
            snippet,
            score,
            trigger,
            ..
        } => {
            let why = match trigger {
                Some(t) => format!("said \"{t}\""),
                None => format!("{score:.2}"),
            };
            format!("   >> article: {title} / {heading} ({why}): {snippet}")
        }
        CallEvent::Checklist {
            checklist,
            items,
            score,
            ..
        } => {
            let marks: Vec<String> = items
                .iter()
                .map(|i| {
                    let mark = match i.state.as_str() {
                        "met" => "x",
                        "met_out_of_order" => "x!",
                        "missed_order" => " !",
                        _ => " ",
                    };
                    format!("[{mark}] {}", i.label)
                })
                .collect();
            format!(
                "   ** checklist {checklist} ({:.0}%): {}",
                score * 100.0,
                marks.join(", ")
            )
        }
        CallEvent::CallEnd {
            call_id,
            duration_ms,
            sentiment_trend,
            sentiment_quarters,
            sentiment_engine,
            utterances,
            unscored,
        } => {
            let quarters: Vec<String> = sentiment_quarters.iter().map(|q| score_text(*q)).collect();
            let unscored = match unscored {
                0 => String::new(),
                n => format!(", {n} unscored"),
            };
            format!(
                "-- call {call_id} ended at {}: {utterances} utterances, sentiment trend {sentiment_trend:?} (quarters {}; engine {sentiment_engine}{unscored})",
                format_timestamp(*duration_ms),
                quarters.join(" "),
            )
        }
    })
}

/// The line of a stored turn (`earshot calls show`): its position, then the final's line.
pub fn turn_line(t: &TurnView) -> String {
    format!(
        "{:>3} [{}] {:<8}{} {}  {}",
        t.seq,
        format_timestamp(t.start_ms.max(0) as u64),
        t.speaker.label(),
        t.sentiment.label.short(),
        score_text(t.sentiment.score),
        t.text
    )
}

/// A score as `+0.25`, or `  -  ` (same width) when unscored.
pub fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "  -  ".to_string(), |v| format!("{v:+.2}"))
}

/// The live JSON line of an event: the event as the app receives it.
pub fn json_line(event: &CallEvent) -> String {
    serde_json::to_string(event).expect("call events serialise")
}

/// The offline JSON line of an event (see the module docs); none for events an offline
/// analysis does not report (partials, discards, degrade levels).
pub fn offline_json_line(event: &CallEvent) -> Option<String> {
    match event {
        CallEvent::Final {
            speaker,
            start_ms,
            end_ms,
            text,
            sentiment,
            findings,
            ..
        } => Some(
            json!({
                "type": "utterance",
                "speaker": speaker,
                "start_ms": start_ms,
                "end_ms": end_ms,
                "text": text,
                "sentiment": { "label": sentiment.label, "score": sentiment.score },
                "findings": findings.iter().map(|f| json!({ "type": f.kind })).collect::<Vec<_>>(),
            })
            .to_string(),
        ),
        CallEvent::CallEnd { .. } => Some(json_line(event)),
        CallEvent::Partial { .. }
        | CallEvent::Checklist { .. }
        | CallEvent::Discarded { .. }
        | CallEvent::Degraded { .. }
        | CallEvent::Gaps { .. }
        | CallEvent::Suggestion { .. }
        | CallEvent::Alert { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FindingView, SentimentView};
    use earshot_core::{FindingKind, SentimentLabel, Speaker, TrendDirection};

    fn final_with(sentiment: SentimentView) -> CallEvent {
        CallEvent::Final {
            id: 4,
            speaker: Speaker::Caller,
            start_ms: 65_400,
            end_ms: 69_000,
            text: "my card is [CREDIT_DEBIT_NUMBER]".into(),
            sentiment,
            findings: vec![FindingView {
                kind: FindingKind::CreditDebitNumber,
                sealed: true,
            }],
            latency_ms: 0,
        }
    }

    fn final_event() -> CallEvent {
        final_with(SentimentView {
            label: SentimentLabel::Negative,
            score: Some(-0.25),
        })
    }

    fn call_end() -> CallEvent {
        CallEvent::CallEnd {
            call_id: 7,
            duration_ms: 90_000,
            sentiment_trend: TrendDirection::Up,
            sentiment_quarters: [Some(-0.5), None, Some(0.0), Some(0.25)],
            sentiment_engine: "embedding".into(),
            utterances: 12,
            unscored: 0,
        }
    }

    #[test]
    fn the_text_line_of_each_event() {
        assert_eq!(
            text_line(&final_event()).unwrap(),
            format!(
                "[{}] CALLER  {} -0.25  my card is [CREDIT_DEBIT_NUMBER]",
                format_timestamp(65_400),
                SentimentLabel::Negative.short()
            )
        );
        assert!(text_line(&CallEvent::Discarded { id: 1 }).is_none());
        let end = text_line(&call_end()).unwrap();
        assert!(
            end.starts_with("-- call 7 ended at ")
                && end.contains("12 utterances, sentiment trend Up (quarters -0.50   -   +0.00 +0.25; engine embedding)"),
            "{end}"
        );
    }

    #[test]
    fn the_offline_json_keeps_its_documented_fields() {
        let u: serde_json::Value =
            serde_json::from_str(&offline_json_line(&final_event()).unwrap()).unwrap();
        let mut keys: Vec<&str> = u.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "end_ms",
                "findings",
                "sentiment",
                "speaker",
                "start_ms",
                "text",
                "type"
            ]
        );
        assert_eq!(u["type"], "utterance");
        assert_eq!(u["speaker"], "caller");
        assert_eq!(u["start_ms"], 65_400);
        assert_eq!(u["sentiment"]["label"], "negative");
        assert_eq!(u["sentiment"]["score"], -0.25);
        assert_eq!(u["findings"], json!([{ "type": "CREDIT_DEBIT_NUMBER" }]));
        let end: serde_json::Value =
            serde_json::from_str(&offline_json_line(&call_end()).unwrap()).unwrap();
        assert_eq!(end["type"], "call_end");
        assert_eq!(end["call_id"], 7);
        assert_eq!(end["sentiment_trend"], "UP");
        assert_eq!(end["sentiment_quarters"], json!([-0.5, null, 0.0, 0.25]));
        assert_eq!(end["utterances"], 12);
        assert!(offline_json_line(&CallEvent::Discarded { id: 1 }).is_none());
    }

    #[test]
    fn an_unscored_utterance_shows_no_score() {
        let unscored = final_with(SentimentView {
            label: SentimentLabel::Unscored,
            score: None,
        });
        let line = text_line(&unscored).unwrap();
        assert!(line.contains("CALLER  ---   -    my card"), "{line}");
        let u: serde_json::Value =
            serde_json::from_str(&offline_json_line(&unscored).unwrap()).unwrap();
        assert_eq!(
            u["sentiment"],
            json!({ "label": "unscored", "score": null })
        );
        let mut end = call_end();
        if let CallEvent::CallEnd { unscored, .. } = &mut end {
            *unscored = 2;
        }
        assert!(
            text_line(&end)
                .unwrap()
                .ends_with("engine embedding, 2 unscored)"),
            "{}",
            text_line(&end).unwrap()
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&offline_json_line(&end).unwrap()).unwrap()
                ["unscored"],
            2
        );
    }
}
