//! Finds sensitive values in conversation text and replaces them with `[TYPE]` tags.
//!
//! Text is tokenised with character spans, spoken numbers are normalised to digits ("four five
//! three two", "oh", "double five", "nineteen eighty one"), and each digit run is classified by
//! checksum (Luhn, ABA, SSN rules) and by context: cue words around it and the previous line of the
//! conversation (the agent's question makes the caller's answer a CVV or a date of birth). When
//! unsure, it redacts: a long digit run is a card number even if its checksum fails.
//!
//! [`Redactor`] works on a whole conversation so that a value split across two consecutive lines
//! is found in both: a line that ends in a number is held back until the next line (or the end of
//! the conversation) shows whether the number goes on.
//!
//! This crate does no I/O. A finding's value is only reachable through [`SensitiveValue::expose`],
//! for the sealer; it has no `Display` and its `Debug` prints nothing of it.

mod detect;
mod entities;
mod tokens;

use earshot_core::{FindingKind, FindingSpan, Speaker};
use std::sync::OnceLock;
use tokens::{tokenize, Class, Token};

/// The original of a redacted span. Never printed, logged or serialised; only sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct SensitiveValue {
    original: String,
    normalized: String,
}

impl SensitiveValue {
    /// The text exactly as it stood in the line, and the normalised value (e.g. the digits of the
    /// whole number when it spans lines). For the sealer only.
    pub fn expose(&self) -> (&str, &str) {
        (&self.original, &self.normalized)
    }
}

impl std::fmt::Debug for SensitiveValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SensitiveValue(<redacted>)")
    }
}

/// One sensitive span found in a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Start, in characters of the original line.
    pub start: usize,
    /// End (exclusive), in characters of the original line.
    pub end: usize,
    /// How sure the detector is (0-1); checksums and cue words raise it.
    pub confidence: f32,
    /// Character offset of this finding's `[TYPE]` tag in the redacted text.
    pub tag_start: usize,
    /// The value, for sealing.
    pub value: SensitiveValue,
}

impl Finding {
    /// The span without the value: safe to show, store and log.
    pub fn span(&self) -> FindingSpan {
        FindingSpan {
            kind: self.kind,
            start: self.start,
            end: self.end,
        }
    }
}

/// A line after redaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    /// Who said it.
    pub speaker: Speaker,
    /// The line with each finding replaced by `[TYPE]`.
    pub text: String,
    /// What was replaced, in order of position.
    pub findings: Vec<Finding>,
}

/// Conversation-aware redaction: feed lines in order, get redacted lines back in the same order.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Lines of the current window: emitted context lines, then pending ones.
    lines: Vec<(Speaker, String)>,
    /// How many of `lines` have been emitted.
    emitted: usize,
}

/// Lines of earlier conversation kept as context.
const CONTEXT_LINES: usize = 2;

impl Redactor {
    /// A redactor at the start of a conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a line; returns every line that is now final, in order (possibly none, when this line
    /// ends in a number that the next line may continue).
    pub fn push(&mut self, speaker: Speaker, text: &str) -> Vec<Redaction> {
        self.lines.push((speaker, text.to_string()));
        self.process(false)
    }

    /// Ends the conversation: returns the held-back lines and resets the context.
    pub fn finish(&mut self) -> Vec<Redaction> {
        let out = self.process(true);
        self.lines.clear();
        self.emitted = 0;
        out
    }

    /// Number of lines pushed but not yet returned.
    pub fn pending(&self) -> usize {
        self.lines.len() - self.emitted
    }

    fn process(&mut self, flush: bool) -> Vec<Redaction> {
        if self.lines.len() == self.emitted {
            return Vec::new();
        }
        let (tokens, line_tokens) = self.window_tokens();
        let mut detections = detect::classify_runs(&tokens);
        detections.extend(detect::spoken_emails(&tokens));
        detections.extend(entities::names(&tokens));
        detections.extend(entities::street_addresses(&tokens));

        let last = self.lines.len() - 1;
        let hold_last = !flush && ends_in_number(&line_tokens[last]);
        let emit_until = if hold_last { last } else { last + 1 };
        let mut out = Vec::new();
        for line in self.emitted..emit_until {
            let (speaker, text) = &self.lines[line];
            let mut findings: Vec<Finding> = Vec::new();
            for d in &detections {
                let inside: Vec<&Token> = tokens[d.first..d.last]
                    .iter()
                    .filter(|t| t.line == line)
                    .collect();
                let (Some(a), Some(b)) = (inside.first(), inside.last()) else {
                    continue;
                };
                findings.push(make_finding(
                    text,
                    d.kind,
                    a.start,
                    b.end,
                    d.confidence,
                    &d.normalized,
                ));
            }
            findings.extend(written_emails(text));
            findings.extend(entities::written_patterns(text).into_iter().map(
                |(kind, start, end, conf, norm)| make_finding(text, kind, start, end, conf, &norm),
            ));
            out.push(apply(*speaker, text, findings));
        }
        self.emitted = emit_until;
        // Keep only the context the next line can need.
        let drop = self.emitted.saturating_sub(CONTEXT_LINES);
        self.lines.drain(..drop);
        self.emitted -= drop;
        out
    }

    /// Tokens of every line in the window; lines of different speakers are kept apart by a barrier
    /// so that one speaker's digits never continue another's.
    fn window_tokens(&self) -> (Vec<Token>, Vec<Vec<Token>>) {
        let mut all = Vec::new();
        let mut per_line = Vec::new();
        for (i, (speaker, text)) in self.lines.iter().enumerate() {
            if i > 0 && self.lines[i - 1].0 != *speaker {
                all.push(Token {
                    text: "|".into(),
                    start: 0,
                    end: 0,
                    line: usize::MAX,
                    class: Class::Punct,
                    cap: false,
                    agent: false,
                });
            }
            let mut toks = tokenize(text, i);
            for t in &mut toks {
                t.agent = *speaker == Speaker::Agent;
            }
            all.extend(toks.iter().cloned());
            per_line.push(toks);
        }
        (all, per_line)
    }
}

fn ends_in_number(tokens: &[Token]) -> bool {
    let last = tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.text.as_str(), "." | "," | "-" | "…" | "?" | "!"));
    last.is_some_and(|t| tokens::is_number_word(t) || tokens::is_oh(&t.text))
}

fn make_finding(
    text: &str,
    kind: FindingKind,
    start: usize,
    end: usize,
    confidence: f32,
    normalized: &str,
) -> Finding {
    let original: String = text.chars().skip(start).take(end - start).collect();
    Finding {
        kind,
        start,
        end,
        confidence,
        tag_start: 0,
        value: SensitiveValue {
            original,
            normalized: normalized.to_string(),
        },
    }
}

fn written_emails(text: &str) -> Vec<Finding> {
    static EMAIL: OnceLock<regex::Regex> = OnceLock::new();
    let re = EMAIL.get_or_init(|| {
        regex::Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
            .unwrap()
    });
    re.find_iter(text)
        .map(|m| {
            let start = text[..m.start()].chars().count();
            let end = start + m.as_str().chars().count();
            make_finding(text, FindingKind::Email, start, end, 0.99, m.as_str())
        })
        .collect()
}

/// Builds the redacted text; overlapping findings are merged (the first keeps its kind).
fn apply(speaker: Speaker, text: &str, mut findings: Vec<Finding>) -> Redaction {
    findings.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut merged: Vec<Finding> = Vec::new();
    for f in findings {
        match merged.last_mut() {
            Some(prev) if f.start < prev.end => {
                if f.end > prev.end {
                    prev.end = f.end;
                    prev.value.original = text
                        .chars()
                        .skip(prev.start)
                        .take(prev.end - prev.start)
                        .collect();
                }
            }
            _ => merged.push(f),
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut out_chars = 0;
    for f in merged.iter_mut() {
        out.extend(&chars[pos..f.start]);
        out_chars += f.start - pos;
        f.tag_start = out_chars;
        out_chars += f.kind.tag().chars().count() + 2;
        out.push('[');
        out.push_str(f.kind.tag());
        out.push(']');
        pos = f.end;
    }
    out.extend(&chars[pos..]);
    Redaction {
        speaker,
        text: out,
        findings: merged,
    }
}

/// Redacts one stand-alone line (no conversation context).
pub fn redact_line(text: &str) -> Redaction {
    let mut r = Redactor::new();
    let mut out = r.push(Speaker::Unknown, text);
    out.extend(r.finish());
    out.pop().expect("one line in, one line out")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(r: &Redaction) -> Vec<FindingKind> {
        r.findings.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn card_numbers_in_every_surface_form() {
        for text in [
            "my card number is 4532 0151 1283 0366",
            "it's 4532-0151-1283-0366 thanks",
            "four five three two zero one five one one two eight three zero three six six",
            "card is four five three two, oh one five one, one two eight three, oh three double six",
        ] {
            let r = redact_line(text);
            assert_eq!(kinds(&r), vec![FindingKind::CreditDebitNumber], "{text} -> {}", r.text);
            assert!(!r.text.contains("0366") && !r.text.contains("six"), "{}", r.text);
        }
    }

    #[test]
    fn garbled_card_in_context_is_still_redacted() {
        // 19 digits that fail Luhn, as ASR sometimes returns.
        let r = redact_line("the card number is 4532 0151 1283 0366 123");
        assert_eq!(kinds(&r), vec![FindingKind::CreditDebitNumber]);
    }

    #[test]
    fn the_agents_question_gives_the_answer_its_type() {
        let mut r = Redactor::new();
        let mut out = r.push(
            Speaker::Agent,
            "And the three digit security code on the back?",
        );
        out.extend(r.push(Speaker::Caller, "It is seven three nine."));
        out.extend(r.finish());
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].text, "It is [CREDIT_DEBIT_CVV].");
        assert_eq!(out[1].findings[0].value.expose().1, "739");
    }

    #[test]
    fn a_number_split_over_two_lines_is_found_in_both() {
        let mut r = Redactor::new();
        let mut out = r.push(Speaker::Caller, "it's 4532 0151");
        assert!(out.is_empty(), "held back: it ends in a number");
        out.extend(r.push(Speaker::Caller, "1283 0366"));
        out.extend(r.finish());
        assert_eq!(out[0].text, "it's [CREDIT_DEBIT_NUMBER]");
        assert_eq!(out[1].text, "[CREDIT_DEBIT_NUMBER]");
        assert_eq!(out[1].findings[0].value.expose().1, "4532015112830366");
    }

    #[test]
    fn ssn_phone_email_expiry_dob() {
        assert_eq!(
            kinds(&redact_line("my social is 123 45 6789")),
            vec![FindingKind::Ssn]
        );
        assert_eq!(
            kinds(&redact_line("call me on 415 555 0132")),
            vec![FindingKind::Phone]
        );
        assert_eq!(
            redact_line("write to john.smith@example.com please").text,
            "write to [EMAIL] please"
        );
        assert_eq!(
            redact_line("my email is john dot smith at gmail dot com").text,
            "my email is [EMAIL]"
        );
        assert_eq!(
            kinds(&redact_line("the expiry date is oh nine twenty eight")),
            vec![FindingKind::CreditDebitExpiry]
        );
        let dob = redact_line("my date of birth is March fourth nineteen eighty one");
        assert_eq!(dob.text, "my date of birth is [DATE_OF_BIRTH]");
    }

    #[test]
    fn amounts_counts_and_references_stay() {
        for text in [
            "I was charged 500 dollars twice",
            "your order number is 4521",
            "I have called 3 times in 2 days",
            "it arrived on 3/14",
            "ticket 88213 is open",
        ] {
            let r = redact_line(text);
            assert!(r.findings.is_empty(), "{text} -> {}", r.text);
        }
    }

    #[test]
    fn debug_output_never_shows_the_value() {
        let r = redact_line("card 4532015112830366");
        let dbg = format!("{r:?}");
        assert!(
            !dbg.contains("4532015112830366") && !dbg.contains("0366"),
            "{dbg}"
        );
    }
}
