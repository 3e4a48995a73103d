//! Domain types shared by every Earshot crate.
//!
//! This crate does no I/O and knows nothing of audio devices, models, SQLite or the network:
//! it only names the things a call is made of.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Who spoke an utterance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Speaker {
    /// The customer on the line.
    Caller,
    /// The contact-center agent using Earshot.
    Agent,
    /// A mono recording: both parties share one channel.
    Unknown,
}

impl Speaker {
    /// Upper-case label used in the human-readable transcript.
    pub fn label(self) -> &'static str {
        match self {
            Speaker::Caller => "CALLER",
            Speaker::Agent => "AGENT",
            Speaker::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for Speaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Speaker::Caller => "caller",
            Speaker::Agent => "agent",
            Speaker::Unknown => "unknown",
        })
    }
}

/// Polarity of an utterance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SentimentLabel {
    /// Clearly unhappy, angry or frustrated.
    Negative,
    /// Information exchange without a clear polarity.
    Neutral,
    /// Clearly pleased, relieved or thankful.
    Positive,
    /// Not scored: the engine failed on this utterance. Not a measured neutral: it counts in no
    /// mean and no trend.
    Unscored,
}

impl SentimentLabel {
    /// Three-letter abbreviation used in the human-readable transcript.
    pub fn short(self) -> &'static str {
        match self {
            SentimentLabel::Negative => "neg",
            SentimentLabel::Neutral => "neu",
            SentimentLabel::Positive => "pos",
            SentimentLabel::Unscored => "---",
        }
    }
}

/// Sentiment of one utterance: a label and a score in [-1, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// The class the score falls in.
    pub label: SentimentLabel,
    /// Signed polarity, -1 (very negative) to 1 (very positive); 0 and meaningless when
    /// [`SentimentLabel::Unscored`].
    pub score: f32,
}

impl Sentiment {
    /// An utterance the engine could not score.
    pub const UNSCORED: Sentiment = Sentiment {
        label: SentimentLabel::Unscored,
        score: 0.0,
    };

    /// The score, unless the utterance was not scored.
    pub fn scored(&self) -> Option<f32> {
        (self.label != SentimentLabel::Unscored).then_some(self.score)
    }
}

/// Direction of the call's sentiment, Amazon LCA style: the last quarter against the earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TrendDirection {
    /// The last quarter is clearly more positive than the earlier ones.
    Up,
    /// The last quarter is clearly more negative than the earlier ones.
    Down,
    /// No clear change (or too little speech to tell).
    Flat,
}

/// Call-level sentiment trend: mean score per quarter of the call and the overall direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentTrend {
    /// Mean utterance score per quarter of the call duration; `None` where a quarter had no speech.
    pub quarters: [Option<f32>; 4],
    /// Direction of the last quarter against the mean of the earlier ones.
    pub direction: TrendDirection,
}

/// The kinds of sensitive data Earshot finds; one taxonomy for redaction, sealing and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FindingKind {
    /// A payment card number (PAN).
    CreditDebitNumber,
    /// The card security code (CVV/CVC/CID).
    CreditDebitCvv,
    /// The card expiry date.
    CreditDebitExpiry,
    /// A US social security number.
    Ssn,
    /// A bank account number.
    BankAccountNumber,
    /// A bank routing (ABA) number.
    BankRouting,
    /// An international bank account number.
    Iban,
    /// A personal identification number.
    Pin,
    /// A telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A postal address or postal code.
    Address,
    /// A person's name.
    Name,
    /// A date of birth.
    DateOfBirth,
    /// Keypad (DTMF) digits.
    Dtmf,
    /// A number that could not be classified (yet): one still being spoken in a partial result,
    /// or one a line ended in when the line had to be emitted before the number was finished.
    /// Redacted anyway: when unsure, fail closed.
    Number,
}

impl FindingKind {
    /// The tag that replaces a redacted span, e.g. `CREDIT_DEBIT_NUMBER`.
    pub fn tag(self) -> &'static str {
        match self {
            FindingKind::CreditDebitNumber => "CREDIT_DEBIT_NUMBER",
            FindingKind::CreditDebitCvv => "CREDIT_DEBIT_CVV",
            FindingKind::CreditDebitExpiry => "CREDIT_DEBIT_EXPIRY",
            FindingKind::Ssn => "SSN",
            FindingKind::BankAccountNumber => "BANK_ACCOUNT_NUMBER",
            FindingKind::BankRouting => "BANK_ROUTING",
            FindingKind::Iban => "IBAN",
            FindingKind::Pin => "PIN",
            FindingKind::Phone => "PHONE",
            FindingKind::Email => "EMAIL",
            FindingKind::Address => "ADDRESS",
            FindingKind::Name => "NAME",
            FindingKind::DateOfBirth => "DATE_OF_BIRTH",
            FindingKind::Dtmf => "DTMF",
            FindingKind::Number => "NUMBER",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Where a sensitive span was in an utterance, without its value (safe to show, store and log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingSpan {
    /// What kind of value it was.
    #[serde(rename = "type")]
    pub kind: FindingKind,
    /// Start, in Unicode characters, in the original text.
    pub start: usize,
    /// End (exclusive), in Unicode characters, in the original text.
    pub end: usize,
}

/// A finding on its way to the store: where it was, where its tag sits in the redacted text, and
/// its original value sealed with age (`None` when no recipients are configured: the value is
/// dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct SealedFinding {
    /// Kind and span in the original text.
    pub span: FindingSpan,
    /// Character offset of the `[TYPE]` tag in the redacted text.
    pub tag_start: usize,
    /// Detector confidence.
    pub confidence: f32,
    /// age ciphertext of the original value.
    pub sealed: Option<Vec<u8>>,
}

/// A key pressed on a phone's keypad during the call (RFC 4733 telephone events): sensitive
/// input, like a spoken card number. Its `Debug` never shows the key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    /// Whose phone (the stream it came on).
    pub speaker: Speaker,
    /// `0`–`9`, `*`, `#`, `A`–`D`.
    pub key: char,
    /// When, ms from the start of the call.
    pub at_ms: u64,
}

impl std::fmt::Debug for KeyPress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPress")
            .field("speaker", &self.speaker)
            .field("key", &"<redacted>")
            .field("at_ms", &self.at_ms)
            .finish()
    }
}

/// A finalized, redacted utterance: what every sink (screen, store, log, sync) may receive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Utterance {
    /// Who spoke.
    pub speaker: Speaker,
    /// Start of the speech, in milliseconds from the start of the call.
    pub start_ms: u64,
    /// End of the speech, in milliseconds from the start of the call.
    pub end_ms: u64,
    /// The transcript with every sensitive span replaced by its `[TYPE]` tag.
    pub text: String,
    /// Sentiment of the (redacted) text.
    pub sentiment: Sentiment,
    /// The kinds and original spans of what was redacted.
    pub findings: Vec<FindingSpan>,
}

/// Samples of one speaker, 16 kHz mono, as they were heard.
#[derive(Debug, Clone)]
pub struct AudioChunk {
    /// Whose audio it is.
    pub speaker: Speaker,
    /// The samples, following the previous chunk of the same speaker without a gap.
    pub samples: Vec<f32>,
    /// Wall time at which the last sample was heard (captured or received).
    pub heard_at: std::time::Instant,
}

/// Formats milliseconds as `mm:ss.t`, the transcript's timestamp.
pub fn format_timestamp(ms: u64) -> String {
    let tenths = ms / 100;
    format!(
        "{:02}:{:02}.{}",
        tenths / 600,
        (tenths / 10) % 60,
        tenths % 10
    )
}

/// How often one alert category was raised in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertCount {
    /// The category (an organisation's label, checked to carry no value).
    pub category: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// Times raised.
    pub count: u32,
}

/// How a call kept to its compliance checklist: item ids and figures, never words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adherence {
    /// The checklist's id.
    pub checklist: String,
    /// Weighted share of the items met in order, 0–1 (three decimals).
    pub score: f64,
    /// Items on the checklist.
    pub items: u32,
    /// Items met (in order or not).
    pub met: Vec<String>,
    /// Items never met.
    pub unmet: Vec<String>,
    /// Items met late or after what they must come before, or still owed when it came.
    pub out_of_order: Vec<String>,
}

/// What agent assist raised during one call, stored with it and summarised for the hub.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssistFigures {
    /// Alerts by category, in the order first raised.
    #[serde(default)]
    pub alerts: Vec<AlertCount>,
    /// The checklist's outcome, where one applied.
    #[serde(default)]
    pub checklist: Option<Adherence>,
}

/// Audio a call's receiver lost, as figures: never audio, never text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioGaps {
    /// RTP packets never received.
    pub lost_packets: u64,
    /// Audio made up for lost packets by the decoder's concealment (ms).
    pub concealed_ms: u64,
    /// Silence put in where a stream fell silent on the wire (ms).
    pub filled_ms: u64,
    /// Audio dropped because the engine was not taking it (ms).
    pub dropped_ms: u64,
    /// Where the lost and dropped audio was, in call order (at most [`MAX_GAP_SPANS`], plus one
    /// per speaker and kind first met past it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<GapSpan>,
}

impl AudioGaps {
    /// Whether anything was lost at all.
    pub fn any(&self) -> bool {
        *self != AudioGaps::default()
    }
}

/// Why a stretch of a call's audio is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GapKind {
    /// Packets never came (the decoder concealed them).
    Lost,
    /// Audio came but the engine was not taking it (its queue was full).
    Dropped,
}

/// A stretch of one speaker's audio that is missing, by its place in the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GapSpan {
    /// Whose stream.
    pub speaker: Speaker,
    /// Lost on the wire or dropped here.
    pub kind: GapKind,
    /// Where it starts, in ms of that stream from the call's start.
    pub start_ms: u64,
    /// Where it ends (ms).
    pub end_ms: u64,
}

/// The most [`GapSpan`]s a call keeps; past it the last one of a speaker and kind grows to
/// cover the rest, and a speaker and kind with none yet gets one (the totals stay exact either
/// way).
pub const MAX_GAP_SPANS: usize = 64;

/// Spans of one speaker and kind closer than this are one (packets a few apart, one queue
/// overflow that lets a chunk through now and then).
const GAP_JOIN_MS: u64 = 200;

/// The running tally of [`AudioGaps`], shared by a call's receiving streams.
#[derive(Debug, Default)]
pub struct AudioLoss {
    lost_packets: std::sync::atomic::AtomicU64,
    concealed_ms: std::sync::atomic::AtomicU64,
    filled_ms: std::sync::atomic::AtomicU64,
    dropped_ms: std::sync::atomic::AtomicU64,
    spans: std::sync::Mutex<Vec<GapSpan>>,
}

impl AudioLoss {
    /// Counts `packets` of `speaker`'s stream lost at `at_ms` (ms of that stream), concealed
    /// with `concealed_ms` of audio.
    pub fn lost(&self, speaker: Speaker, at_ms: u64, packets: u64, concealed_ms: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.lost_packets.fetch_add(packets, Relaxed);
        self.concealed_ms.fetch_add(concealed_ms, Relaxed);
        self.place(speaker, GapKind::Lost, at_ms, concealed_ms);
    }

    /// Counts `ms` of silence put in for a stream that fell silent on the wire (not a loss:
    /// no span).
    pub fn filled(&self, ms: u64) {
        self.filled_ms
            .fetch_add(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Counts `ms` of `speaker`'s audio from `at_ms` dropped because the engine was not taking
    /// it.
    pub fn dropped(&self, speaker: Speaker, at_ms: u64, ms: u64) {
        self.dropped_ms
            .fetch_add(ms, std::sync::atomic::Ordering::Relaxed);
        self.place(speaker, GapKind::Dropped, at_ms, ms);
    }

    fn place(&self, speaker: Speaker, kind: GapKind, at_ms: u64, ms: u64) {
        let end_ms = at_ms + ms.max(1);
        let mut spans = self.spans.lock().unwrap_or_else(|p| p.into_inner());
        let full = spans.len() >= MAX_GAP_SPANS;
        let same = spans
            .iter_mut()
            .rev()
            .find(|s| s.speaker == speaker && s.kind == kind);
        if let Some(last) = same {
            if full || at_ms <= last.end_ms + GAP_JOIN_MS {
                last.start_ms = last.start_ms.min(at_ms);
                last.end_ms = last.end_ms.max(end_ms);
                return;
            }
        }
        // Past the limit, the first span of a speaker and kind still gets a place of its own
        // (at most one more per speaker and kind: the next ones grow it), rather than
        // overwriting another's.
        spans.push(GapSpan {
            speaker,
            kind,
            start_ms: at_ms,
            end_ms,
        });
    }

    /// The figures so far, the spans in call order.
    pub fn figures(&self) -> AudioGaps {
        use std::sync::atomic::Ordering::Relaxed;
        let mut spans = self.spans.lock().unwrap_or_else(|p| p.into_inner()).clone();
        spans.sort_by_key(|s| (s.start_ms, s.end_ms));
        AudioGaps {
            lost_packets: self.lost_packets.load(Relaxed),
            concealed_ms: self.concealed_ms.load(Relaxed),
            filled_ms: self.filled_ms.load(Relaxed),
            dropped_ms: self.dropped_ms.load(Relaxed),
            spans,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_spans_say_where_join_neighbours_and_stay_bounded() {
        let loss = AudioLoss::default();
        // One queue overflow, chunk by chunk: one span.
        for k in 0..50 {
            loss.dropped(Speaker::Caller, 10_000 + k * 20, 20);
        }
        loss.lost(Speaker::Agent, 3_000, 1, 20);
        // Far from the first: a second span of the caller's.
        loss.dropped(Speaker::Caller, 30_000, 20);
        let g = loss.figures();
        assert_eq!(
            (g.dropped_ms, g.lost_packets, g.concealed_ms),
            (1_020, 1, 20)
        );
        let spans: Vec<_> = g
            .spans
            .iter()
            .map(|s| (s.speaker, s.kind, s.start_ms, s.end_ms))
            .collect();
        assert_eq!(
            spans,
            vec![
                (Speaker::Agent, GapKind::Lost, 3_000, 3_020),
                (Speaker::Caller, GapKind::Dropped, 10_000, 11_000),
                (Speaker::Caller, GapKind::Dropped, 30_000, 30_020),
            ]
        );
        // Stored as JSON and read back; a row from before spans reads too.
        let json = serde_json::to_string(&g).unwrap();
        assert!(json.contains("\"kind\":\"dropped\""), "{json}");
        assert_eq!(serde_json::from_str::<AudioGaps>(&json).unwrap(), g);
        let old: AudioGaps = serde_json::from_str(
            r#"{"lost_packets":3,"concealed_ms":60,"filled_ms":0,"dropped_ms":0}"#,
        )
        .unwrap();
        assert!(old.spans.is_empty() && old.any());

        // Bounded: a thousand separate losses keep MAX_GAP_SPANS spans, the last covering the
        // rest, and the totals stay exact.
        let many = AudioLoss::default();
        for k in 0..1_000 {
            many.lost(Speaker::Caller, k * 1_000, 1, 20);
        }
        let g = many.figures();
        assert_eq!(g.spans.len(), MAX_GAP_SPANS);
        assert_eq!(g.lost_packets, 1_000);
        assert_eq!(g.spans.last().unwrap().end_ms, 999_020);
        // Another speaker's first loss past the limit has its own span; nobody's is overwritten.
        many.dropped(Speaker::Agent, 5_000, 300);
        many.lost(Speaker::Caller, 1_000_000, 1, 20);
        let g = many.figures();
        assert_eq!(g.spans.len(), MAX_GAP_SPANS + 1);
        let agent: Vec<_> = g
            .spans
            .iter()
            .filter(|s| s.speaker == Speaker::Agent)
            .collect();
        assert_eq!(agent.len(), 1);
        assert_eq!((agent[0].start_ms, agent[0].end_ms), (5_000, 5_300));
        let caller_end = g
            .spans
            .iter()
            .filter(|s| s.speaker == Speaker::Caller)
            .map(|s| s.end_ms)
            .max();
        assert_eq!(caller_end, Some(1_000_020));
    }

    #[test]
    fn timestamps_read_as_minutes_seconds_tenths() {
        assert_eq!(format_timestamp(12_400), "00:12.4");
        assert_eq!(format_timestamp(61_050), "01:01.0");
    }

    #[test]
    fn finding_kinds_serialize_as_their_tags() {
        for kind in [
            FindingKind::CreditDebitCvv,
            FindingKind::DateOfBirth,
            FindingKind::Ssn,
        ] {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.tag())
            );
        }
    }
}
