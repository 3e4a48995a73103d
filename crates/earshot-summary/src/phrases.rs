//! Key phrases by RAKE (Rose et al., 2010, "Automatic keyword extraction from individual
//! documents"): candidate phrases are the runs of words between stop words, punctuation and
//! redaction tags; a word scores its degree over its frequency; a phrase scores the sum of its
//! words, times how often it occurs (the common variant that lets a call's recurring topic lead).
//! Number words end a phrase like digits do: a phrase never carries a figure. Written here because it is forty lines, and the keyword crates that implement it bring
//! regex engines and thread pools for nothing.

use std::collections::HashMap;

/// Words that end a candidate phrase (function words and the fillers of spoken English).
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "back", "be", "because", "been", "before", "being", "but", "by", "can", "could", "did", "do",
    "does", "doing", "don't", "for", "from", "get", "got", "had", "has", "have", "having", "he",
    "her", "here", "hi", "him", "his", "how", "i", "i'm", "i've", "if", "in", "into", "is", "it",
    "it's", "just", "let", "like", "may", "me", "my", "no", "not", "now", "of", "oh", "ok", "okay",
    "on", "one", "or", "our", "out", "please", "really", "right", "same", "see", "she", "so",
    "some", "sure", "than", "thank", "thanks", "that", "that's", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "today", "too", "um", "uh", "up", "us",
    "very", "was", "we", "we'll", "well", "were", "what", "when", "where", "which", "while", "who",
    "will", "with", "would", "yeah", "yes", "you", "you'll", "your", "you're",
];

/// Spoken numbers: they end a phrase, like digits.
const NUMBER_WORDS: &[&str] = &[
    "zero",
    "oh",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "double",
    "triple",
    "first",
    "second",
    "third",
];

/// Longest phrase kept, in words.
const MAX_WORDS: usize = 4;

/// The candidate phrases of `text`: lower-case runs of words between stop words, punctuation,
/// digits and `[TAG]`s.
fn candidates(text: &str) -> Vec<Vec<String>> {
    let mut phrases = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut close = |current: &mut Vec<String>| {
        if !current.is_empty() && current.len() <= MAX_WORDS {
            phrases.push(std::mem::take(current));
        }
        current.clear();
    };
    let mut in_tag = false;
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if in_tag {
            in_tag = c != ']';
            continue;
        }
        if c.is_alphabetic() || (c == '\'' && !word.is_empty()) {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            let w = std::mem::take(&mut word);
            let w = w.trim_end_matches('\'').to_string();
            let w = w.as_str();
            if STOP_WORDS.contains(&w) || NUMBER_WORDS.contains(&w) || w.len() < 3 {
                close(&mut current);
            } else {
                current.push(w.to_string());
            }
        }
        if c == '[' {
            in_tag = true;
            close(&mut current);
        } else if !c.is_whitespace() {
            // Punctuation and digits end a phrase.
            close(&mut current);
        }
    }
    close(&mut current);
    phrases
}

/// The `n` best key phrases of `texts`, best first.
pub fn key_phrases<'a>(texts: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<String> {
    let phrases: Vec<Vec<String>> = texts.into_iter().flat_map(candidates).collect();
    let mut frequency: HashMap<&str, f64> = HashMap::new();
    let mut degree: HashMap<&str, f64> = HashMap::new();
    for p in &phrases {
        for w in p {
            *frequency.entry(w).or_default() += 1.0;
            *degree.entry(w).or_default() += p.len() as f64;
        }
    }
    let mut scored: HashMap<String, f64> = HashMap::new();
    for p in &phrases {
        let score: f64 = p
            .iter()
            .map(|w| degree[w.as_str()] / frequency[w.as_str()])
            .sum();
        *scored.entry(p.join(" ")).or_default() += score;
    }
    let mut ranked: Vec<(String, f64)> = scored.into_iter().collect();
    // Ties go to the phrase first in alphabetical order, so the result is stable.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.into_iter().take(n).map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_stop_at_stop_words_punctuation_and_tags() {
        assert_eq!(
            candidates("I was charged twice for the same order, and the card number is [CREDIT_DEBIT_NUMBER] today."),
            vec![
                vec!["charged".to_string(), "twice".into()],
                vec!["order".into()],
                vec!["card".into(), "number".into()],
            ]
        );
        assert!(candidates("[CREDIT_DEBIT_CVV] 739").is_empty());
    }

    #[test]
    fn repeated_multi_word_phrases_rank_first() {
        let texts = [
            "I was charged twice for the duplicate charge.",
            "The duplicate charge is reversed.",
            "The refund takes three days.",
        ];
        let top = key_phrases(texts, 3);
        assert_eq!(
            top,
            ["duplicate charge", "charged twice", "refund takes"],
            "numbers end phrases: {top:?}"
        );
    }
}
