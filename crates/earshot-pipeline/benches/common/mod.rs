//! Figures the pipeline's benchmarks share (each uses some of them).
#![allow(dead_code)]

use earshot_callgen::Turn;

/// The models named on the command line (`cargo bench … --bench pipeline -- tiny.en`), else
/// all of them.
pub fn models() -> Vec<&'static str> {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    earshot_pipeline::ASR_MODELS
        .iter()
        .copied()
        .filter(|m| named.is_empty() || named.iter().any(|n| n == m))
        .collect()
}

/// The `p` quantile (0–1) of `values`, nearest rank; 0 for none.
pub fn percentile(values: &[u64], p: f64) -> u64 {
    if values.is_empty() {
        return 0;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// (user + system CPU seconds, peak RSS in MiB) of this process.
pub fn usage() -> (f64, f64) {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let rss_kib = u.ru_maxrss as f64; // KiB on Linux
    (secs(u.ru_utime) + secs(u.ru_stime), rss_kib / 1024.0)
}

/// Lower-case words of more than two letters, number words aside (the redactor turns spoken
/// figures into tags, so they cannot be counted), and the redactor's `[TAG]`s left out (their
/// words, "number" in `[CREDIT_DEBIT_NUMBER]`, were not heard).
pub fn words(text: &str) -> Vec<String> {
    let mut untagged = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '[' => in_tag = true,
            ']' if in_tag => {
                in_tag = false;
                untagged.push(' ');
            }
            _ if !in_tag => untagged.push(c),
            _ => {}
        }
    }
    let text = untagged;
    const NUMBERS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "oh",
    ];
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2 && !NUMBERS.contains(w) && !w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// Share of the script's words (per speaker, counted with repeats) found in that speaker's
/// finals.
pub fn word_recall(script: &[Turn], heard: &[(earshot_core::Speaker, String)]) -> f64 {
    let (mut found, mut total) = (0usize, 0usize);
    for speaker in [earshot_core::Speaker::Caller, earshot_core::Speaker::Agent] {
        let mut have: std::collections::HashMap<String, usize> = Default::default();
        for (_, t) in heard.iter().filter(|(s, _)| *s == speaker) {
            for w in words(t) {
                *have.entry(w).or_default() += 1;
            }
        }
        for t in script.iter().filter(|t| t.speaker == speaker) {
            for w in words(&t.text) {
                total += 1;
                if let Some(n) = have.get_mut(&w).filter(|n| **n > 0) {
                    *n -= 1;
                    found += 1;
                }
            }
        }
    }
    found as f64 / total.max(1) as f64
}

/// Word-level edit distance (substitutions, insertions, deletions).
pub fn edits(reference: &[String], heard: &[String]) -> usize {
    let mut row: Vec<usize> = (0..=heard.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, h) in heard.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if r == h {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = here;
        }
    }
    row[heard.len()]
}

/// Word error rate of the finals against the script, per speaker (each speaker's words in
/// order against that speaker's finals in order), counted on [`words`].
pub fn word_error_rate(script: &[Turn], heard: &[(earshot_core::Speaker, String)]) -> f64 {
    let (mut errors, mut total) = (0usize, 0usize);
    for speaker in [earshot_core::Speaker::Caller, earshot_core::Speaker::Agent] {
        let said: Vec<String> = script
            .iter()
            .filter(|t| t.speaker == speaker)
            .flat_map(|t| words(&t.text))
            .collect();
        let got: Vec<String> = heard
            .iter()
            .filter(|(s, _)| *s == speaker)
            .flat_map(|(_, t)| words(t))
            .collect();
        errors += edits(&said, &got);
        total += said.len();
    }
    errors as f64 / total.max(1) as f64
}

/// `call` as a SIPREC fork delivers it, 8 kHz G.711 µ-law, written by sox to `to` without
/// dither (the same file, and the same figures, on every run).
pub fn ulaw_copy(call: &std::path::Path, to: &std::path::Path) {
    let sox = std::process::Command::new("sox")
        .args(["-V1", "-D"])
        .arg(call)
        .args(["-r", "8000", "-e", "u-law"])
        .arg(to)
        .status()
        .expect("sox (cargo xtask setup)");
    assert!(sox.success(), "sox made the µ-law copy");
}
