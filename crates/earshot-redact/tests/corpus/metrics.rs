//! Scoring of redaction predictions against the labelled corpus, shared by the `eval` example
//! and the corpus regression test.

#![allow(dead_code)]

use earshot_core::Speaker;
use earshot_redact::Redactor;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
pub struct Conversation {
    pub id: String,
    pub lines: Vec<Line>,
    pub labels: Vec<Label>,
}

#[derive(Deserialize)]
pub struct Line {
    pub speaker: Speaker,
    pub text: String,
}

#[derive(Deserialize, Clone)]
pub struct Label {
    pub line: usize,
    #[serde(rename = "type")]
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Deserialize)]
pub struct Prediction {
    pub id: String,
    pub line: usize,
    pub findings: Vec<Span>,
}

#[derive(Deserialize, Clone)]
pub struct Span {
    #[serde(rename = "type")]
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Default)]
pub struct Counts {
    pub gold: usize,
    pub recalled: usize,
    pub typed: usize,
    pub predicted: usize,
    pub true_pred: usize,
    pub neg_lines: usize,
    pub clean_neg: usize,
    /// Letters and digits inside predicted spans but outside every labelled span.
    pub over_redacted: usize,
    /// Letters and digits inside labelled spans.
    pub gold_chars: usize,
    pub per_gold: BTreeMap<String, (usize, usize, usize)>,
    pub per_pred: BTreeMap<String, (usize, usize)>,
}

/// How far (in characters) a predicted span's ends may lie from a labelled span's ends for the
/// prediction to count as that span: a word such as "the" or "on", no more.
pub const BOUNDARY_TOLERANCE: usize = 4;

/// Scores predictions at span level. Recall: every letter and digit of a labelled span is
/// redacted. Precision: a predicted span is right when it overlaps a labelled one and both its
/// ends are within [`BOUNDARY_TOLERANCE`] of that span's (after trimming punctuation), so
/// redacting a whole line is not a hit. Over-redaction: letters and digits redacted outside
/// every labelled span.
pub fn score(corpus: &[Conversation], preds: &HashMap<(String, usize), Vec<Span>>) -> Counts {
    let mut c = Counts::default();
    for conv in corpus {
        for (i, line) in conv.lines.iter().enumerate() {
            let gold: Vec<&Label> = conv.labels.iter().filter(|l| l.line == i).collect();
            let pred = preds
                .get(&(conv.id.clone(), i))
                .cloned()
                .unwrap_or_default();
            let chars: Vec<char> = line.text.chars().collect();
            if gold.is_empty() {
                c.neg_lines += 1;
                if pred.is_empty() {
                    c.clean_neg += 1;
                }
            }
            for g in &gold {
                c.gold += 1;
                let entry = c.per_gold.entry(g.kind.clone()).or_default();
                entry.0 += 1;
                let alnum: Vec<usize> = (g.start..g.end.min(chars.len()))
                    .filter(|&k| chars[k].is_alphanumeric())
                    .collect();
                let covered = alnum
                    .iter()
                    .all(|&k| pred.iter().any(|p| p.start <= k && k < p.end));
                if covered {
                    c.recalled += 1;
                    entry.1 += 1;
                    let first = alnum.first().copied().unwrap_or(g.start);
                    if pred
                        .iter()
                        .any(|p| p.start <= first && first < p.end && p.kind == g.kind)
                    {
                        c.typed += 1;
                        entry.2 += 1;
                    }
                }
            }
            let trimmed = |start: usize, end: usize| {
                let end = end.min(chars.len());
                let alnum: Vec<usize> = (start..end)
                    .filter(|&k| chars[k].is_alphanumeric())
                    .collect();
                (
                    alnum.first().copied().unwrap_or(start),
                    alnum.last().map_or(start, |k| k + 1),
                )
            };
            c.gold_chars += gold
                .iter()
                .map(|g| {
                    (g.start..g.end.min(chars.len()))
                        .filter(|&k| chars[k].is_alphanumeric())
                        .count()
                })
                .sum::<usize>();
            c.over_redacted += (0..chars.len())
                .filter(|&k| {
                    chars[k].is_alphanumeric()
                        && pred.iter().any(|p| p.start <= k && k < p.end)
                        && !gold.iter().any(|g| g.start <= k && k < g.end)
                })
                .count();
            for p in &pred {
                c.predicted += 1;
                let (ps, pe) = trimmed(p.start, p.end);
                let hit = gold.iter().any(|g| {
                    let (gs, ge) = trimmed(g.start, g.end);
                    ps < ge
                        && gs < pe
                        && ps.abs_diff(gs) <= BOUNDARY_TOLERANCE
                        && pe.abs_diff(ge) <= BOUNDARY_TOLERANCE
                });
                let e = c.per_pred.entry(p.kind.clone()).or_default();
                e.0 += 1;
                if hit {
                    c.true_pred += 1;
                    e.1 += 1;
                }
            }
        }
    }
    c
}

/// Loads the corpus.
pub fn load(path: &str) -> Vec<Conversation> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|l| serde_json::from_str(l).expect("corpus line"))
        .collect()
}

/// Runs our redactor over every conversation (with its context); returns predictions and bytes.
pub fn run_earshot(corpus: &[Conversation]) -> (HashMap<(String, usize), Vec<Span>>, usize) {
    let mut ours = HashMap::new();
    let mut bytes = 0usize;
    for conv in corpus {
        let mut r = Redactor::new();
        let mut out = Vec::new();
        for line in &conv.lines {
            bytes += line.text.len();
            out.extend(r.push(line.speaker, &line.text));
        }
        out.extend(r.finish());
        assert_eq!(r.failed_steps(), 0, "a rule panicked on {}", conv.id);
        for (i, red) in out.into_iter().enumerate() {
            let spans = red
                .findings
                .iter()
                .map(|f| Span {
                    kind: f.kind.tag().to_string(),
                    start: f.start,
                    end: f.end,
                })
                .collect();
            ours.insert((conv.id.clone(), i), spans);
        }
    }
    (ours, bytes)
}
