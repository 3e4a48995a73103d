//! Early finals (`LiveOptions::early_finals`): an utterance is decoded while the silence that
//! will end it is being confirmed, and that decode becomes the final only when the silence does
//! end it; a pause the speaker talks through drops it, and the final covers all the speech.
//! The test feeds the live engine itself, in steps, so what the engine has heard when it decides
//! does not depend on the machine's speed: each step waits until the engine has had time to act.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render, Turn};
use earshot_core::{AudioChunk, Speaker};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, LiveEvent, LiveOptions, LiveStats};
use std::sync::mpsc::{channel, Sender};
use std::time::{Duration, Instant};

const RATE: usize = 16_000;
const FIRST: &str = "Thank you for calling the bank how can I help you this morning";
const SECOND: &str = "I would like to check the balance of my savings account";

/// `text` spoken by espeak as the agent, cut where its sound ends.
fn speech(text: &str) -> Vec<f32> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("turn.wav");
    render(&[Turn::agent(text)], &path).expect("espeak-ng and sox (cargo xtask setup)");
    let audio = CallAudio::from_file(&path, CallerChannel::Left).unwrap();
    let track = audio
        .tracks
        .into_iter()
        .find(|t| t.speaker == Speaker::Agent)
        .expect("the agent's track");
    let last = track
        .samples
        .iter()
        .rposition(|s| s.abs() > 0.01)
        .expect("speech");
    let first = track.samples.iter().position(|s| s.abs() > 0.01).unwrap();
    track.samples[first..last + RATE / 50].to_vec()
}

fn silence(ms: usize) -> Vec<f32> {
    vec![0.0; ms * RATE / 1000]
}

fn send(tx: &Sender<AudioChunk>, samples: &[f32]) {
    for chunk in samples.chunks(RATE / 50) {
        tx.send(AudioChunk {
            speaker: Speaker::Agent,
            samples: chunk.to_vec(),
            heard_at: Instant::now(),
        })
        .unwrap();
    }
}

/// Plays `steps` into a live engine, giving it `pause` after each; returns the finals' texts
/// and the run's counters.
fn play(steps: &[Vec<f32>], early_finals: bool) -> (Vec<String>, LiveStats) {
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), AnalyzerOptions::default())
        .expect("models (cargo xtask setup)");
    let (tx, rx) = channel();
    let engine = std::thread::spawn(move || {
        let mut finals = Vec::new();
        // The test's own pauses make every final late by the engine's clock: back-pressure
        // off, or it would rightly skip early decodes (and partials) to catch up.
        let patient = Duration::from_secs(3600);
        let options = LiveOptions {
            early_finals,
            pause_partials_after: patient,
            fast_finals_after: patient,
            ..LiveOptions::default()
        };
        let (_, stats) = analyzer
            .run_live(rx, options, |e| {
                if let LiveEvent::Final(f) = e {
                    finals.push(f.utterance.text);
                }
                Ok(())
            })
            .expect("live run");
        (finals, stats)
    });
    for step in steps {
        send(&tx, step);
        // Ample for the engine to take the step in and start what it decides to do on it (a
        // decode it starts runs to its end before the engine hears the next step).
        std::thread::sleep(Duration::from_secs(3));
    }
    drop(tx);
    engine.join().unwrap()
}

fn has_words(text: &str, of: &str) -> bool {
    let text = text.to_lowercase();
    let words: Vec<String> = of
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 4)
        .map(str::to_string)
        .collect();
    let heard = words.iter().filter(|w| text.contains(w.as_str())).count();
    heard * 2 >= words.len()
}

#[test]
fn an_early_final_is_used_when_the_silence_ends_the_utterance_and_dropped_when_speech_resumes() {
    let (first, second) = (speech(FIRST), speech(SECOND));
    let lead = silence(500);
    // 400 ms of silence: past the end padding (120 ms) once the VAD has heard the speech end
    // (200 ms was too soon here: its probability falls a few frames late), short of ending the
    // utterance (500 ms). 300 and 450 ms pass too.
    let pause = silence(400);

    // The silence goes on: the early decode is the final.
    let steps = [
        [lead.clone(), first.clone(), pause.clone()].concat(),
        silence(1000),
    ];
    let (finals, stats) = play(&steps, true);
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(has_words(&finals[0], FIRST), "{finals:?}");
    assert_eq!(
        (stats.early_used, stats.early_dropped),
        (1, 0),
        "{finals:?}"
    );

    // The same without early finals: none is decoded, the final is decoded as usual.
    let (finals, stats) = play(&steps, false);
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(has_words(&finals[0], FIRST), "{finals:?}");
    assert_eq!((stats.early_used, stats.early_dropped), (0, 0));

    // The speaker goes on after the pause: the early decode is dropped and the final holds
    // both sentences.
    let steps = [
        [lead, first, pause].concat(),
        [second, silence(1000)].concat(),
    ];
    let (finals, stats) = play(&steps, true);
    assert_eq!(finals.len(), 1, "one utterance: {finals:?}");
    assert!(
        has_words(&finals[0], FIRST) && has_words(&finals[0], SECOND),
        "{finals:?}"
    );
    assert_eq!(stats.early_used, 0, "{finals:?}");
    assert_eq!(stats.early_dropped, 1, "{finals:?}");
}
