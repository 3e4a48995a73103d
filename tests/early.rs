//! Early finals (`LiveOptions::early_finals`): an utterance is decoded while the silence that
//! will end it is being confirmed, and that decode becomes the final only when the silence does
//! end it; a pause the speaker talks through drops it, and the final covers all the speech.
//! A final's encoder context (`LiveOptions::final_context`) is chosen in the same runs: whole
//! while whole-context finals decode within the budget, fitted once they do not.
//! The test feeds the live engine itself, in steps, so what the engine has heard when it decides
//! does not depend on the machine's speed: each step waits until the engine has had time to act.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render, Turn};
use earshot_core::{AudioChunk, Speaker};
use earshot_models::ModelStore;
use earshot_pipeline::{
    Analyzer, AnalyzerOptions, DegradeLevel, FinalContext, LiveEvent, LiveOptions, LiveStats,
};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;
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

/// Sends `samples` as one chunk heard `ago` (by the engine's clock, a final of this audio is
/// that much late already): the engine takes a step in whole, never part of it.
fn send(tx: &Sender<AudioChunk>, samples: &[f32], ago: Duration) {
    tx.send(AudioChunk {
        speaker: Speaker::Agent,
        samples: samples.to_vec(),
        heard_at: Instant::now() - ago,
    })
    .unwrap();
}

/// What a run showed: the finals' texts, how many partials, the levels it went to, and the
/// run's counters.
struct Run {
    finals: Vec<String>,
    partials: usize,
    levels: Vec<DegradeLevel>,
    stats: LiveStats,
}

/// The options of these tests: the test's own pauses make every final late by the engine's
/// clock, so back-pressure is off (or it would rightly skip early decodes and partials to catch
/// up) unless a test sets it.
fn options(early_finals: bool) -> LiveOptions {
    let patient = Duration::from_secs(3600);
    LiveOptions {
        early_finals,
        pause_partials_after: patient,
        fast_finals_after: patient,
        recover_after: patient,
        ..LiveOptions::default()
    }
}

/// One engine at a time: the steps' pauses are sized for an engine with the machine to itself.
static SERIAL: Mutex<()> = Mutex::new(());

/// Plays `steps` into a live engine run with `options`, giving it time after each.
fn play(steps: &[Vec<f32>], options: LiveOptions) -> Run {
    let steps: Vec<_> = steps.iter().map(|s| (s.clone(), Duration::ZERO)).collect();
    play_heard(&steps, options)
}

/// As [`play`], each step heard the given time ago.
fn play_heard(steps: &[(Vec<f32>, Duration)], options: LiveOptions) -> Run {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), AnalyzerOptions::default())
        .expect("models (cargo xtask setup)");
    let (tx, rx) = channel();
    let engine = std::thread::spawn(move || {
        let (mut finals, mut partials, mut levels) = (Vec::new(), 0, Vec::new());
        let (_, stats) = analyzer
            .run_live(rx, options, |e| {
                match e {
                    LiveEvent::Final(f) => finals.push(f.utterance.text),
                    LiveEvent::Partial(_) => partials += 1,
                    LiveEvent::Degraded(d) => levels.push(d.level),
                    _ => {}
                }
                Ok(())
            })
            .expect("live run");
        Run {
            finals,
            partials,
            levels,
            stats,
        }
    });
    for (step, ago) in steps {
        send(&tx, step, *ago);
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
    let Run { finals, stats, .. } = play(&steps, options(true));
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(has_words(&finals[0], FIRST), "{finals:?}");
    assert_eq!(
        (stats.early_used, stats.early_dropped),
        (1, 0),
        "{finals:?}"
    );

    // The same without early finals: none is decoded, the final is decoded as usual.
    let Run { finals, stats, .. } = play(&steps, options(false));
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(has_words(&finals[0], FIRST), "{finals:?}");
    assert_eq!((stats.early_used, stats.early_dropped), (0, 0));

    // The speaker goes on after the pause: the early decode is dropped and the final holds
    // both sentences.
    let steps = [
        [lead, first, pause].concat(),
        [second, silence(1000)].concat(),
    ];
    let Run { finals, stats, .. } = play(&steps, options(true));
    assert_eq!(finals.len(), 1, "one utterance: {finals:?}");
    assert!(
        has_words(&finals[0], FIRST) && has_words(&finals[0], SECOND),
        "{finals:?}"
    );
    assert_eq!(stats.early_used, 0, "{finals:?}");
    assert_eq!(stats.early_dropped, 1, "{finals:?}");
}

#[test]
fn finals_fit_their_context_once_a_whole_context_final_costs_more_than_the_budget() {
    let (first, second) = (speech(FIRST), speech(SECOND));
    // Two utterances, each ended by its silence: without early finals, two final decodes.
    let steps = [
        [silence(500), first, silence(1000)].concat(),
        [second, silence(1000)].concat(),
    ];
    let with = |final_context| LiveOptions {
        final_context,
        ..options(false)
    };
    let decodes = |run: &Run| (run.stats.whole_decodes, run.stats.fitted_decodes);
    let auto = |budget| FinalContext::Auto {
        budget,
        floor: earshot_pipeline::FITTED_FINAL_CONTEXT,
    };
    // The first final is decoded before the engine knows what a final costs: fitted. Every
    // decode within an hour: the second is whole.
    let run = play(&steps, with(auto(Duration::from_secs(3600))));
    assert_eq!(run.finals.len(), 2, "{:?}", run.finals);
    assert_eq!(decodes(&run), (1, 1), "{:?}", run.finals);
    // A fitted final still has the words (20 s of context for 3 s of speech).
    assert!(has_words(&run.finals[0], FIRST), "{:?}", run.finals);
    assert!(has_words(&run.finals[1], SECOND), "{:?}", run.finals);
    // No decode takes a millisecond: both fitted.
    let run = play(&steps, with(auto(Duration::from_millis(1))));
    assert_eq!(run.finals.len(), 2, "{:?}", run.finals);
    assert_eq!(decodes(&run), (0, 2), "{:?}", run.finals);
    // The fixed choices, whatever the cost.
    let run = play(&steps, with(FinalContext::Fitted(750)));
    assert_eq!(decodes(&run), (0, 2), "{:?}", run.finals);
    assert!(has_words(&run.finals[0], FIRST), "{:?}", run.finals);
    let run = play(&steps, with(FinalContext::Whole));
    assert_eq!(decodes(&run), (2, 0), "{:?}", run.finals);
}

#[test]
fn no_partial_is_started_once_the_speaker_has_gone_quiet_when_early_finals_will_decode_it() {
    let first = speech(FIRST);
    // 160 ms of silence after the speech: Silero's probability falls two or three frames
    // (32 ms each) after the sound ends, so the engine has heard the speaker go quiet but not
    // yet the end padding (120 ms of silence) that starts the early decode. A partial started
    // now would hold the decoder when the early decode falls due.
    let steps = [[silence(500), first, silence(160)].concat(), silence(1000)];
    let run = play(&steps, options(true));
    assert_eq!(run.finals.len(), 1, "{:?}", run.finals);
    assert!(has_words(&run.finals[0], FIRST), "{:?}", run.finals);
    assert_eq!(run.partials, 0, "{:?}", run.finals);
    // Without early finals nothing else will decode the words before the silence ends the
    // utterance, so the partial runs (the engine took the speech in one step: one partial).
    let run = play(&steps, options(false));
    assert_eq!(run.finals.len(), 1, "{:?}", run.finals);
    assert_eq!(run.partials, 1, "{:?}", run.finals);
}

#[test]
fn early_finals_go_on_while_partials_are_paused_and_stop_when_finals_go_fast() {
    let (first, second) = (speech(FIRST), speech(SECOND));
    // The first final is late by the engine's clock as soon as it waits at all, so the engine
    // degrades on it and stays degraded; then the second utterance is heard up to its end
    // padding, and its silence ends it.
    let steps = [
        [silence(500), first, silence(1000)].concat(),
        [second, silence(400)].concat(),
        silence(1000),
    ];
    let degraded = |fast: bool| LiveOptions {
        pause_partials_after: Duration::ZERO,
        fast_finals_after: if fast {
            Duration::ZERO
        } else {
            Duration::from_secs(3600)
        },
        ..options(true)
    };
    // Partials paused: the engine has the time partials would take, and spends it on the
    // early decode.
    let run = play(&steps, degraded(false));
    assert_eq!(
        run.stats.worst_level,
        Some(DegradeLevel::PartialsPaused),
        "{:?}",
        run.finals
    );
    assert_eq!(run.finals.len(), 2, "{:?}", run.finals);
    assert!(has_words(&run.finals[1], SECOND), "{:?}", run.finals);
    assert_eq!(
        (run.stats.early_used, run.stats.early_dropped),
        (1, 0),
        "{:?}",
        run.finals
    );
    // Finals on the fast model: an early decode on the main model would not be the final, so
    // none runs.
    let run = play(&steps, degraded(true));
    assert_eq!(
        run.stats.worst_level,
        Some(DegradeLevel::FastFinals),
        "{:?}",
        run.finals
    );
    assert_eq!(run.finals.len(), 2, "{:?}", run.finals);
    assert_eq!(
        (run.stats.early_used, run.stats.early_dropped),
        (0, 0),
        "{:?}",
        run.finals
    );
}

#[test]
fn a_paused_engine_resumes_once_its_finals_keep_well_within_the_pause_threshold() {
    let (first, second) = (speech(FIRST), speech(SECOND));
    let options = LiveOptions {
        pause_partials_after: Duration::from_secs(5),
        recover_after: Duration::from_secs(7),
        ..options(true)
    };
    // The first turn was heard 10 s ago: its final is late, partials pause. Then a turn every
    // 3 s, each heard `ago` before it arrives, so each final waits about that long by the
    // engine's clock: longer than the half second that once was the only calm (a late final of
    // a busy call is older than that), shorter than the pause threshold.
    let turns = |ago: Duration| {
        let mut steps = vec![(
            [silence(500), first.clone(), silence(1000)].concat(),
            Duration::from_secs(10),
        )];
        steps.extend((0..4).map(|_| ([second.clone(), silence(1000)].concat(), ago)));
        steps
    };
    // 2 s: within three quarters of the threshold (3.75 s), calm: after 7 s partials resume.
    let run = play_heard(&turns(Duration::from_secs(2)), options.clone());
    assert_eq!(run.finals.len(), 5, "{:?}", run.finals);
    assert_eq!(
        run.levels,
        [DegradeLevel::PartialsPaused, DegradeLevel::Normal],
        "{:?}",
        run.finals
    );
    // 4 s: not late enough to pause again, but not calm either: partials stay paused.
    let run = play_heard(&turns(Duration::from_secs(4)), options);
    assert_eq!(run.finals.len(), 5, "{:?}", run.finals);
    assert_eq!(
        run.levels,
        [DegradeLevel::PartialsPaused],
        "{:?}",
        run.finals
    );
}
