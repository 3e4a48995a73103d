//! Shared helpers for the end-to-end tests in this folder.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render, Turn};
use earshot_core::Utterance;
use earshot_models::ModelStore;
use earshot_pipeline::{
    Analyzer, AnalyzerOptions, CallEnd, FilePlayer, LiveEvent, LiveOptions, PipelineEvent,
};

/// Renders `script` with espeak-ng + sox and runs the whole pipeline on it with `model`.
pub fn analyze_script(script: &[Turn], model: &str) -> (Vec<Utterance>, CallEnd) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("call.wav");
    render(script, &path).expect("espeak-ng and sox (cargo xtask setup)");
    let opts = AnalyzerOptions {
        model: model.to_string(),
        ..Default::default()
    };
    let mut analyzer =
        Analyzer::new(&ModelStore::from_env(), opts).expect("models (cargo xtask setup)");
    let mut utterances = Vec::new();
    let end = analyzer
        .analyze_file(&path, |e| {
            if let PipelineEvent::Utterance(u, _) = e {
                utterances.push(u)
            }
            Ok(())
        })
        .expect("analysis");
    (utterances, end)
}

/// Renders `script` and plays it through the live engine at `speed` × real time (tiny.en);
/// returns every event in order.
pub fn live_script(script: &[Turn], speed: f64, options: LiveOptions) -> Vec<LiveEvent> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("call.wav");
    render(script, &path).expect("espeak-ng and sox (cargo xtask setup)");
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), AnalyzerOptions::default())
        .expect("models (cargo xtask setup)");
    let audio = CallAudio::from_file(&path, CallerChannel::Left).expect("rendered call");
    let (_player, input) = FilePlayer::start(audio, speed);
    let mut events = Vec::new();
    analyzer
        .run_live(input, options, |e| {
            events.push(e);
            Ok(())
        })
        .expect("live run");
    events
}

/// Each turn of `script` has a final of the same speaker that holds most of its plain words
/// (numbers aside: they are redacted).
pub fn script_has_words<'a>(script: &[Turn], finals: impl Iterator<Item = &'a Utterance>) {
    let finals: Vec<&Utterance> = finals.collect();
    let norm = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 3)
            .map(str::to_string)
            .collect()
    };
    for turn in script {
        let words: Vec<String> = norm(&turn.text)
            .into_iter()
            .filter(|w| !NUMBER_WORDS.contains(&w.as_str()))
            .collect();
        if words.len() < 2 {
            continue;
        }
        let best = finals
            .iter()
            .filter(|u| u.speaker == turn.speaker)
            .map(|u| {
                let have = norm(&u.text);
                words.iter().filter(|w| have.contains(w)).count() as f32 / words.len() as f32
            })
            .fold(0.0, f32::max);
        assert!(
            best >= 0.6,
            "no {:?} final holds {:?} (best {best:.2}):\n{:#?}",
            turn.speaker,
            turn.text,
            finals
        );
    }
}

const NUMBER_WORDS: &[&str] = &["zero", "three", "four", "five", "seven", "eight", "nine"];
