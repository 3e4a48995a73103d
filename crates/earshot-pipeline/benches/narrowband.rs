//! Telephone audio against wideband, per voice (`cargo bench -p earshot-pipeline --bench
//! narrowband [-- MODEL…]`, part of `cargo xtask bench`): the recognition benchmarks' call
//! (`earshot_callgen::long_call`, about 80 s) rendered by four pairs of synthetic voices —
//! espeak-ng's formant synthesis, and flite's and festival's voices built from recordings of real
//! speakers — then decoded offline with the defaults as it is (wideband) and as a SIPREC fork
//! delivers it (8 kHz G.711 µ-law, made with sox), per model. Prints word recall and word error
//! rate of each, the recall lost to the telephone band, and what the VAD cut of each (utterances and
//! seconds of speech: whether the band changes what is decoded at all). Asserts nothing.

use earshot_callgen::{long_call, render_with, RenderOptions, Voice};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, PipelineEvent};
use std::path::Path;

mod common;
use common::{word_error_rate, word_recall};

/// (caller's voice, agent's voice) of each rendering.
const VOICES: &[(Voice, Voice)] = &[
    (Voice::Espeak("en-us"), Voice::Espeak("en-gb")),
    (Voice::Flite("slt"), Voice::Flite("rms")),
    (Voice::Flite("awb"), Voice::Flite("kal16")),
    (
        Voice::Festival("cmu_us_slt_arctic_hts"),
        Voice::Flite("rms"),
    ),
];

/// What one decode of a call found.
#[derive(Clone, Copy, Default)]
struct Heard {
    recall: f64,
    wer: f64,
    /// Utterances the VAD cut.
    utterances: usize,
    /// Their total length, s.
    speech_s: f64,
}

/// Recall, WER and the VAD's utterances of the call in `file`, decoded offline by `analyzer`.
fn decode(analyzer: &mut Analyzer, file: &Path) -> Heard {
    let mut heard = Vec::new();
    let mut speech_ms = 0;
    analyzer
        .analyze_file(file, |e| {
            if let PipelineEvent::Utterance(u, _) = e {
                heard.push((u.speaker, u.text.clone()));
                speech_ms += u.end_ms.saturating_sub(u.start_ms);
            }
            Ok(())
        })
        .expect("analysis");
    let script = long_call();
    Heard {
        recall: word_recall(&script, &heard),
        wer: word_error_rate(&script, &heard),
        utterances: heard.len(),
        speech_s: speech_ms as f64 / 1000.0,
    }
}

/// `sox -D IN OUT_OPTIONS OUT EFFECTS`, or panics.
fn sox(input: &Path, format: &[&str], out: &Path, effects: &[&str]) {
    let ok = std::process::Command::new("sox")
        .args(["-V1", "-D"])
        .arg(input)
        .args(format)
        .arg(out)
        .args(effects)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "sox wrote {}", out.display());
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    // (voices, the wideband call: None for a variant of the row above, the narrow call)
    let mut calls: Vec<(String, Option<std::path::PathBuf>, std::path::PathBuf)> = Vec::new();
    for (k, (caller, agent)) in VOICES.iter().enumerate() {
        let wide = dir.path().join(format!("call{k}.wav"));
        let opts = RenderOptions {
            caller_voice: *caller,
            agent_voice: *agent,
            ..Default::default()
        };
        render_with(&long_call(), &wide, &opts)
            .expect("espeak-ng, flite, festival and sox are needed (cargo xtask setup)");
        let narrow = wide.with_extension("ulaw.wav");
        common::ulaw_copy(&wide, &narrow);
        calls.push((format!("{caller} / {agent}"), Some(wide.clone()), narrow));
        if k == 0 {
            // Where espeak's loss comes from: the band (16 kHz low-passed at 3.4 kHz), or the
            // codec and our 8 kHz path (8 kHz 16-bit linear, no µ-law)?
            let lowpass = dir.path().join("call0.lowpass.wav");
            let linear = dir.path().join("call0.linear8k.wav");
            sox(&wide, &[], &lowpass, &["sinc", "-3400"]);
            sox(&wide, &["-r", "8000", "-b", "16"], &linear, &[]);
            calls.push(("  same, 16 kHz low-passed at 3.4 kHz".into(), None, lowpass));
            calls.push(("  same, 8 kHz linear (no µ-law)".into(), None, linear));
        }
    }
    let store = ModelStore::from_env();
    println!("narrowband: the long sample call per voice pair (caller / agent), offline with the defaults, wideband and 8 kHz µ-law");
    println!(
        "{:<8} {:<38} {:>11} {:>11} {:>7} {:>8} {:>8} {:>13} {:>13}",
        "model",
        "voices",
        "wide recall",
        "µ-law recall",
        "lost",
        "wide WER",
        "µ WER",
        "wide VAD",
        "µ VAD"
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
        let mut last_wide = Heard::default();
        for (voices, wide, narrow) in &calls {
            let fresh = wide.as_ref().map(|w| decode(&mut analyzer, w));
            let w = fresh.unwrap_or(last_wide);
            last_wide = w;
            let n = decode(&mut analyzer, narrow);
            let shown = |v: String| if fresh.is_some() { v } else { "\"".to_string() };
            println!(
                "{model:<8} {voices:<38} {:>11} {:>11.3} {:>7.3} {:>8} {:>8.3} {:>13} {:>13}",
                shown(format!("{:.3}", w.recall)),
                n.recall,
                w.recall - n.recall,
                shown(format!("{:.3}", w.wer)),
                n.wer,
                shown(format!("{} / {:.1}", w.utterances, w.speech_s)),
                format!("{} / {:.1}", n.utterances, n.speech_s),
            );
        }
    }
    println!("indented rows: espeak's call band-limited without µ-law (low-passed at 16 kHz) and at 8 kHz without µ-law, in the µ-law columns, against its wideband figures (\")");
    println!("recall = share of the script's words (per speaker) in that speaker's text; lost = wideband recall - µ-law recall; WER = word edits / script words, per speaker in order (words of three letters or more, number words aside); VAD = utterances / seconds of speech the VAD cut");
}
