//! Figures the pipeline's benchmarks share (each uses some of them).
#![allow(dead_code)]

use earshot_callgen::Turn;

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
/// figures into tags, so they cannot be counted).
pub fn words(text: &str) -> Vec<String> {
    const NUMBERS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh",
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
