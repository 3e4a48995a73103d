//! Our quantized weights (`earshot_models::quantize`: q8_0 and q5_0) load in whisper.cpp and
//! still recognise speech; a damaged file is refused.

use earshot_asr::{AsrOptions, Transcriber};
use earshot_callgen::{render, Turn};
use earshot_models::quantize::{whisper_quantized, Quant};
use earshot_models::ModelStore;

#[test]
fn q8_0_and_q5_0_weights_load_and_transcribe_and_a_truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f16 = std::fs::read(
        ModelStore::from_env()
            .locate("tiny.en")
            .expect("the models are installed (cargo xtask setup)"),
    )
    .unwrap();
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

    // Weight matrices at 34 (q8_0) or 22 (q5_0) bytes per 32 values instead of 64; the rest
    // (embeddings, norms, convolutions) stays as it was.
    for (quant, below) in [(Quant::Q8_0, 0.7), (Quant::Q5_0, 0.5)] {
        let q = whisper_quantized(&f16, quant).unwrap();
        let ratio = q.len() as f64 / f16.len() as f64;
        assert!(ratio < below && ratio > 0.25, "{}: {ratio}", quant.name());
        let model = dir
            .path()
            .join(format!("ggml-tiny.en-{}.bin", quant.name()));
        std::fs::write(&model, &q).unwrap();
        let mut asr = Transcriber::new(&model, AsrOptions::default()).unwrap();
        let text: String = asr
            .transcribe(&agent.samples, None)
            .unwrap()
            .iter()
            .map(|s| s.text.to_lowercase() + " ")
            .collect();
        assert!(
            text.contains("thank you") && text.contains("help you"),
            "{}: {text}",
            quant.name()
        );

        // A file cut short is refused with an error, not a crash.
        let cut = dir.path().join("cut.bin");
        std::fs::write(&cut, &q[..q.len() / 2]).unwrap();
        assert!(Transcriber::new(&cut, AsrOptions::default()).is_err());
    }
}
