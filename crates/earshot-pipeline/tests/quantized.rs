//! Our q8_0 weights (`earshot_models::quantize`) load in whisper.cpp and still recognise speech;
//! a damaged file is refused.

use earshot_asr::{AsrOptions, Transcriber};
use earshot_callgen::{render, Turn};
use earshot_models::ModelStore;

#[test]
fn q8_0_weights_load_and_transcribe_and_a_truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f16 = std::fs::read(
        ModelStore::from_env()
            .locate("tiny.en")
            .expect("the models are installed (cargo xtask setup)"),
    )
    .unwrap();
    let q8 = earshot_models::quantize::whisper_q8_0(&f16).unwrap();
    // Weight matrices at 34 bytes per 32 values instead of 64: a bit over half the size.
    assert!(
        q8.len() < f16.len() * 7 / 10 && q8.len() > f16.len() / 3,
        "{} of {}",
        q8.len(),
        f16.len()
    );
    let model = dir.path().join("ggml-tiny.en-q8_0.bin");
    std::fs::write(&model, &q8).unwrap();

    let call = dir.path().join("call.wav");
    render(
        &[Turn::agent(
            "Thank you for calling Northwind Bank. How can I help you today?",
        )],
        &call,
    )
    .expect("espeak-ng and sox (cargo xtask setup)");
    let audio =
        earshot_audio::CallAudio::from_file(&call, earshot_audio::CallerChannel::Left).unwrap();
    let agent = audio
        .tracks
        .iter()
        .find(|t| t.speaker == earshot_core::Speaker::Agent)
        .unwrap();
    let mut asr = Transcriber::new(&model, AsrOptions::default()).unwrap();
    let text: String = asr
        .transcribe(&agent.samples, None)
        .unwrap()
        .iter()
        .map(|s| s.text.to_lowercase() + " ")
        .collect();
    assert!(
        text.contains("thank you") && text.contains("help you"),
        "{text}"
    );

    // A file cut short is refused with an error, not a crash.
    let cut = dir.path().join("cut.bin");
    std::fs::write(&cut, &q8[..q8.len() / 2]).unwrap();
    assert!(Transcriber::new(&cut, AsrOptions::default()).is_err());
}
