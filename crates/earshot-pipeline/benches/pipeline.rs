//! Real-time factor of the offline pipeline, per model and per stage, on a generated ~1-minute
//! two-speaker stereo call. Prints figures; asserts nothing about speed.

use earshot_callgen::{render, Turn};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, PipelineEvent, ASR_MODELS};
use std::time::Instant;

fn script() -> Vec<Turn> {
    let mut turns = earshot_callgen::sample_call();
    turns.extend([
        Turn::agent("Is there anything else I can help you with today?"),
        Turn::caller("Yes, can you also update my phone number? It is four one five, five five five, zero one three two."),
        Turn::agent("Done. I have updated the phone number on your account and sent you a confirmation email."),
        Turn::caller("Perfect. I was worried I would have to wait on hold again for an hour."),
        Turn::agent("No problem at all. Thank you for calling Northwind Bank and have a lovely day."),
        Turn::caller("You too, goodbye."),
    ]);
    turns
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let call = dir.path().join("bench-call.wav");
    render(&script(), &call).expect("espeak-ng and sox are needed (cargo xtask setup)");
    let store = ModelStore::from_env();
    println!(
        "pipeline benchmark: {} (threads {})",
        call.display(),
        AnalyzerOptions::default().threads
    );
    println!(
        "{:<8} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "model", "audio s", "wall s", "RTF", "decode", "vad", "asr", "redact", "sent."
    );
    for model in ASR_MODELS {
        let opts = AnalyzerOptions {
            model: model.to_string(),
            ..Default::default()
        };
        let load = Instant::now();
        let mut analyzer = match Analyzer::new(&store, opts) {
            Ok(a) => a,
            Err(e) => {
                println!("{model:<8} skipped: {e}");
                continue;
            }
        };
        let load = load.elapsed();
        let started = Instant::now();
        let mut utterances = 0;
        let end = analyzer
            .analyze_file(&call, |e| {
                if let PipelineEvent::Utterance(..) = e {
                    utterances += 1
                }
                Ok(())
            })
            .expect("analysis");
        let wall = started.elapsed().as_secs_f64();
        let audio = end.duration_ms as f64 / 1000.0;
        let t = analyzer.stage_times();
        let rtf = |d: std::time::Duration| d.as_secs_f64() / audio;
        println!(
            "{model:<8} {audio:>9.1} {wall:>9.2} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.5} {:>7.5}   ({utterances} utterances, model load {:.2} s)",
            wall / audio,
            rtf(t.decode),
            rtf(t.vad),
            rtf(t.asr),
            rtf(t.redact),
            rtf(t.sentiment),
            load.as_secs_f64()
        );
    }
    println!(
        "RTF = processing time / audio duration (lower is faster; per-stage columns are RTFs too)"
    );
}
