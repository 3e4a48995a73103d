//! Invariant 1 for partial results, on the labelled corpus: every line of every conversation
//! is first shown as partials, as the live engine shows them while the line is being spoken (a
//! word at a time, and each word cut in half), and no partial may show a letter or digit of a
//! labelled value that it has already heard. `cargo test -p earshot-redact --test
//! partials_on_corpus -- --nocapture` prints the figures.

#[path = "corpus/metrics.rs"]
mod metrics;

use earshot_redact::Redactor;

/// Where the line is cut for its partials: after each word, and in the middle of each word of
/// four characters or more (in characters).
fn cuts(text: &str) -> Vec<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        if i == chars.len() || chars[i] == ' ' {
            if i > start {
                out.push(i);
                if i - start >= 4 {
                    out.push(start + (i - start) / 2);
                }
            }
            start = i + 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn no_partial_shows_a_labelled_value_it_has_heard() {
    let corpus = metrics::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/corpus.jsonl"
    ));
    let (mut partials, mut labelled_shown, mut shown_chars) = (0usize, 0usize, 0usize);
    // The cost: letters outside every labelled value that a partial hides (digits are hidden
    // while being spoken by design), against the letters the partials hold.
    let (mut letters, mut hidden_letters) = (0usize, 0usize);
    let mut examples = Vec::new();
    for conv in &corpus {
        let mut r = Redactor::new();
        for (n, line) in conv.lines.iter().enumerate() {
            let chars: Vec<char> = line.text.chars().collect();
            let labels: Vec<_> = conv.labels.iter().filter(|l| l.line == n).collect();
            for cut in cuts(&line.text) {
                let partial: String = chars[..cut].iter().collect();
                let shown = r.preview(line.speaker, &partial);
                partials += 1;
                // Letters and digits of a label within the partial that no finding covers.
                let leaked: usize = labels
                    .iter()
                    .map(|l| {
                        (l.start..l.end.min(cut))
                            .filter(|&p| chars[p].is_alphanumeric())
                            .filter(|&p| !shown.findings.iter().any(|f| f.start <= p && p < f.end))
                            .count()
                    })
                    .sum();
                for (p, c) in chars.iter().enumerate().take(cut) {
                    if !c.is_alphabetic() {
                        continue;
                    }
                    letters += 1;
                    let labelled = labels.iter().any(|l| l.start <= p && p < l.end);
                    if !labelled && shown.findings.iter().any(|f| f.start <= p && p < f.end) {
                        hidden_letters += 1;
                    }
                }
                if leaked > 0 {
                    labelled_shown += 1;
                    shown_chars += leaked;
                    if examples.len() < 40 {
                        examples.push(format!(
                            "{} line {n}: {partial:?} -> {:?}",
                            conv.id, shown.text
                        ));
                    }
                }
            }
            r.push(line.speaker, &line.text);
        }
        r.finish();
        assert_eq!(r.failed_steps(), 0, "a rule panicked on {}", conv.id);
    }
    println!(
        "partials: {partials} over {} conversations; showing a labelled value: {labelled_shown} ({shown_chars} characters)",
        corpus.len()
    );
    println!(
        "letters outside labelled values hidden in partials: {hidden_letters} of {letters} ({:.3})",
        hidden_letters as f64 / letters as f64
    );
    for e in &examples {
        println!("  {e}");
    }
    assert!(partials > 10_000, "too few partials: {partials}");
    assert_eq!(labelled_shown, 0, "partials showed labelled values");
}
