//! A single-pass decode (`Decode::single_pass`, what live partials and fast finals use) weighs
//! tokens in one pass only. Where whisper judges its first text poor (a long run of one digit
//! is too repetitive), the default decode tries again at higher temperatures and costs several
//! times as many decoder steps; a single pass does not. On ordinary speech the two are the
//! same decode. Real model, generated speech; decoder steps are counted, not timed.

use earshot_asr::{AsrOptions, Decode, Transcriber, MIN_FITTED_CONTEXT};
use earshot_callgen::{render, Turn};
use earshot_core::Speaker;
use earshot_models::ModelStore;

/// The caller's samples of a one-turn call saying `text`.
fn spoken(dir: &std::path::Path, text: &str) -> Vec<f32> {
    let call = dir.join("call.wav");
    render(&[Turn::caller(text)], &call).expect("espeak-ng and sox (cargo xtask setup)");
    let audio =
        earshot_audio::CallAudio::from_file(&call, earshot_audio::CallerChannel::Left).unwrap();
    audio
        .tracks
        .into_iter()
        .find(|t| t.speaker == Speaker::Caller)
        .unwrap()
        .samples
}

/// Text and decoder steps of one decode of `samples`.
fn decode(asr: &mut Transcriber, samples: &[f32], single_pass: bool) -> (String, usize) {
    let pieces = asr
        .transcribe_with(
            samples,
            Decode {
                prompt: None,
                fit_context: Some(MIN_FITTED_CONTEXT),
                single_pass,
            },
        )
        .unwrap();
    let text = pieces.iter().map(|p| p.text.as_str()).collect::<Vec<_>>();
    (text.join(" "), asr.last_steps())
}

#[test]
fn a_single_pass_decode_never_tries_again_at_higher_temperatures() {
    let model = ModelStore::from_env()
        .locate("tiny.en")
        .expect("the models are installed (cargo xtask setup)");
    let mut asr = Transcriber::new(&model, AsrOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // Control: ordinary speech decodes once either way, to the same text.
    let plain = spoken(
        dir.path(),
        "Thank you for calling Northwind Bank. How can I help you today?",
    );
    let (text, steps) = decode(&mut asr, &plain, false);
    let (single_text, single_steps) = decode(&mut asr, &plain, true);
    assert!(text.to_lowercase().contains("help you"), "{text}");
    assert!(steps > 5, "decoder steps are counted: {steps}");
    assert_eq!((&text, steps), (&single_text, single_steps));

    // A run of one digit: whisper's first text is too repetitive to keep, so the default
    // decode goes on at higher temperatures; the single pass keeps its first text.
    let run = spoken(dir.path(), &["7"; 40].join(" "));
    let (text, steps) = decode(&mut asr, &run, false);
    let (single_text, single_steps) = decode(&mut asr, &run, true);
    println!("a run of sevens: default {steps} decoder steps, single pass {single_steps}");
    assert!(single_text.contains('7'), "{single_text}");
    assert!(
        steps >= 2 * single_steps,
        "default {steps} steps ({text}), single pass {single_steps} ({single_text})"
    );
}
