//! Recognition on real human speech, not espeak's (`cargo bench -p earshot-pipeline --bench
//! human`, part of `cargo xtask bench`): the recordings with transcriptions that Debian's
//! `pocketsphinx-testdata` package ships (BSD-2, Carnegie Mellon University): five sentences of a
//! LibriVox reading of *Sense and Sensibility* and five spoken card names ("eight of spades four
//! of clubs seven of hearts"), 16 kHz mono, 34 s in all. Each goes through the offline pipeline
//! as it is (wideband) and as a SIPREC fork delivers it (8 kHz G.711 µ-law, made with sox), per
//! model. Prints word recall and word error rate, counted on the same words as the pipeline
//! benchmark's recall (lower-case words of three letters or more, number words aside: the
//! redactor turns spoken figures into tags). Asserts nothing.

use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, PipelineEvent};
use std::path::{Path, PathBuf};

mod common;
use common::{edits, words};

const DATA: &str = "/usr/share/pocketsphinx/test/data";

/// (file, transcription) of every recording: the `transcription` files' lines are
/// `<s> words </s> (id)`.
fn corpus() -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    for (dir, list) in [
        ("librivox", "transcription"),
        ("cards", "cards.transcription"),
    ] {
        let dir = Path::new(DATA).join(dir);
        let text = std::fs::read_to_string(dir.join(list)).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (apt-get install pocketsphinx-testdata; cargo xtask bench installs it)",
                dir.display()
            )
        });
        for line in text.lines() {
            let Some((said, id)) = line.rsplit_once(" (") else {
                continue;
            };
            let id = id.trim_end_matches(')');
            let said = said.replace("<s>", "").replace("</s>", "");
            all.push((dir.join(format!("{id}.wav")), said.trim().to_string()));
        }
    }
    all
}

fn main() {
    let store = ModelStore::from_env();
    let recordings = corpus();
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "human speech: {} recordings from Debian's pocketsphinx-testdata ({DATA})",
        recordings.len()
    );
    println!(
        "{:<8} {:<9} {:>7} {:>7} {:>7} {:>6}",
        "model", "audio", "words", "recall", "WER", "utts"
    );
    for model in common::models() {
        let opts = AnalyzerOptions {
            model: model.to_string(),
            ..Default::default()
        };
        let Ok(mut analyzer) = Analyzer::new(&store, opts) else {
            println!("{model:<8} skipped: not installed");
            continue;
        };
        for narrowband in [false, true] {
            let (mut total, mut found, mut errors, mut utterances) = (0, 0, 0, 0);
            for (k, (file, said)) in recordings.iter().enumerate() {
                let input = if narrowband {
                    // As a SIPREC fork delivers it: 8 kHz G.711 µ-law.
                    let narrow = dir.path().join(format!("{k}.ulaw.wav"));
                    common::ulaw_copy(file, &narrow);
                    narrow
                } else {
                    file.clone()
                };
                let mut heard = String::new();
                analyzer
                    .analyze_file(&input, |e| {
                        if let PipelineEvent::Utterance(u, _) = e {
                            heard.push_str(&u.text);
                            heard.push(' ');
                            utterances += 1;
                        }
                        Ok(())
                    })
                    .expect("analysis");
                let (reference, heard) = (words(said), words(&heard));
                total += reference.len();
                errors += edits(&reference, &heard);
                let mut left = heard.clone();
                for w in &reference {
                    if let Some(i) = left.iter().position(|h| h == w) {
                        left.remove(i);
                        found += 1;
                    }
                }
            }
            println!(
                "{model:<8} {:<9} {total:>7} {:>7.3} {:>7.3} {utterances:>6}",
                if narrowband { "8k µ-law" } else { "16 kHz" },
                found as f64 / total.max(1) as f64,
                errors as f64 / total.max(1) as f64,
            );
        }
    }
    println!("recall = share of the transcription's words heard; WER = word edits / words (both on words of three letters or more, number words aside)");
}
