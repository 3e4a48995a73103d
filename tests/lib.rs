//! Shared helpers for the end-to-end tests in this folder.

use earshot_callgen::{render, Turn};
use earshot_core::Utterance;
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, CallEnd, PipelineEvent};

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
