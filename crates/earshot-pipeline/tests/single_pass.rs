//! A single-pass decode (`Decode::single_pass`, what live partials and fast finals use) weighs
//! tokens in one pass only. Where whisper judges its first text poor (a long run of one digit
//! is too repetitive), the default decode tries again at higher temperatures and costs several
//! times as many decoder steps; a single pass does not. On ordinary speech the two are the
//! same decode. And every pass stops at a token cap for the audio's length
//! (`earshot_asr::max_tokens`): a loop no longer runs to the end of whisper's text context,
//! while speech read fast is heard whole. Real model, generated speech; decoder steps are
//! counted, not timed.

use earshot_asr::{max_tokens, AsrOptions, Decode, Transcriber, MIN_FITTED_CONTEXT};
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

/// A tiny.en decoder with the default options, and a temporary directory for the audio.
fn tiny_en() -> (Transcriber, tempfile::TempDir) {
    let model = ModelStore::from_env()
        .locate("tiny.en")
        .expect("the models are installed (cargo xtask setup)");
    let asr = Transcriber::new(&model, AsrOptions::default()).unwrap();
    (asr, tempfile::tempdir().unwrap())
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
    let (mut asr, dir) = tiny_en();

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

/// Milliseconds of 16 kHz `samples`.
fn ms(samples: &[f32]) -> u64 {
    samples.len() as u64 * 1000 / 16_000
}

#[test]
fn a_pass_that_runs_away_stops_at_its_token_cap_and_speech_is_not_cut() {
    let (mut asr, dir) = tiny_en();

    // Runs of one digit: whisper loops on them, writing far more sevens than were said, and
    // without the cap samples to the end of its text context (220 steps a pass). Every pass
    // now stops at the cap of the audio's length.
    let mut ran_away = 0;
    for n in [16, 24, 32] {
        let run = spoken(dir.path(), &vec!["7"; n].join(" "));
        let cap = max_tokens(ms(&run));
        let (text, steps) = decode(&mut asr, &run, true);
        let sevens = text.matches('7').count();
        println!(
            "{n} sevens, {} ms: one pass {steps} decoder steps (cap {cap}), {sevens} sevens written",
            ms(&run)
        );
        assert!(sevens > 0, "{text}");
        assert!(steps <= cap, "{steps} steps over the cap {cap}: {text}");
        ran_away += usize::from(sevens > 2 * n);
        // With whisper's retries at higher temperatures, each pass is capped.
        let (text, steps) = decode(&mut asr, &run, false);
        assert!(
            steps <= 6 * cap,
            "{steps} steps over six caps {cap}: {text}"
        );
    }
    assert!(
        ran_away > 0,
        "no run made whisper loop: the test shows nothing"
    );

    // Control: a card read digit by digit, fast, with nothing repeated: every digit is heard,
    // in fewer than 6 steps a second, well under the cap (8 a second and 32).
    let card = "4 9 1 6, 3 8 2 7, 5 0 6 4, 1 2 9 3";
    let digits: String = card.chars().filter(char::is_ascii_digit).collect();
    let samples = spoken(dir.path(), card);
    let (text, steps) = decode(&mut asr, &samples, false);
    let heard: String = text.chars().filter(char::is_ascii_digit).collect();
    println!(
        "a card read out, {} ms: {steps} decoder steps ({text})",
        ms(&samples)
    );
    assert_eq!(heard, digits, "{text}");
    assert!(
        steps as u64 * 1000 < 6 * ms(&samples),
        "{steps} steps: {text}"
    );
}
