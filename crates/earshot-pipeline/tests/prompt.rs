//! A prompt must never cost an utterance its text. Live finals are decoded with the last final
//! as whisper's prompt, redacted; after "It is [CREDIT_DEBIT_NUMBER]." (the security code of the
//! sample call, on 8 kHz µ-law) the prompt was "It is .", and whisper, so prompted, ended the
//! agent's next turn at once: the final came back empty and was discarded, and so were the next
//! two, whose prompt was still the same. Real model, generated speech as a SIPREC fork carries
//! it.

use earshot_asr::{AsrOptions, Decode, Transcriber};
use earshot_callgen::{long_call, render_with, RenderOptions};
use earshot_core::Speaker;
use earshot_models::ModelStore;

/// The fitted context live finals use on a slow engine (a 20-s floor).
const FINAL_FLOOR: usize = 1000;

#[test]
fn a_prompt_that_empties_a_decode_is_dropped_and_the_turn_keeps_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    let turns = render_with(&long_call(), &call, &RenderOptions::default())
        .expect("espeak-ng and sox (cargo xtask setup)");
    let ulaw = dir.path().join("ulaw.wav");
    let sox = std::process::Command::new("sox")
        .arg(&call)
        .args(["-r", "8000", "-e", "u-law"])
        .arg(&ulaw)
        .status()
        .unwrap();
    assert!(sox.success());
    let audio =
        earshot_audio::CallAudio::from_file(&ulaw, earshot_audio::CallerChannel::Left).unwrap();
    let agent = audio
        .tracks
        .iter()
        .find(|t| t.speaker == Speaker::Agent)
        .unwrap();
    // "Done. I have updated the phone number on your account and sent you a confirmation email."
    let turn = turns
        .iter()
        .find(|t| t.turn.text.contains("updated the phone number"))
        .unwrap();
    let at = |ms: u64| (ms as usize * 16).min(agent.samples.len());
    let samples = &agent.samples[at(turn.start_ms.saturating_sub(300))..at(turn.end_ms + 500)];

    let model = ModelStore::from_env()
        .locate("tiny.en")
        .expect("the models are installed (cargo xtask setup)");
    let mut asr = Transcriber::new(&model, AsrOptions::default()).unwrap();
    let mut decode = |prompt: &str| -> (String, bool) {
        let pieces = asr
            .transcribe_with(
                samples,
                Decode {
                    prompt: Some(prompt),
                    fit_context: Some(FINAL_FLOOR),
                    single_pass: false,
                },
            )
            .unwrap();
        let text = pieces.iter().map(|p| p.text.to_lowercase());
        (text.collect::<Vec<_>>().join(" "), asr.last_unprompted())
    };

    // So prompted, whisper's decode of this turn is empty: it is decoded again without the
    // prompt, and keeps its text.
    let (text, unprompted) = decode("It is .");
    assert!(
        text.contains("phone number"),
        "the turn lost its text: {text:?}"
    );
    assert!(
        unprompted,
        "whisper no longer empties this turn after \"It is .\": {text:?}"
    );
    // Control: with an ordinary prompt the turn is heard at the first decode.
    let (text, unprompted) = decode("Thank you. And the three digit security code on the back?");
    assert!(!unprompted && text.contains("phone number"), "{text:?}");
}
