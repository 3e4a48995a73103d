//! Joined decoding (several of a speaker's segments in one whisper pass) must send every word
//! back to the segment it was said in: a word that lands in the speaker's neighbouring turn
//! moves text between utterances and can split a spoken number from the cue that makes the
//! redactor hide it. Real models on a generated call.

use earshot_callgen::{render, RenderedTurn, Turn, SAMPLE_SECRETS};
use earshot_core::Speaker;
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, PipelineEvent};
use std::collections::BTreeSet;

/// The sample call and then more turns of each speaker, back to back.
fn script() -> Vec<Turn> {
    let mut turns = earshot_callgen::sample_call();
    turns.extend([
        Turn::agent("Is there anything else I can help you with today?"),
        Turn::caller("Yes, please send the statement to my house instead of my office."),
        Turn::agent("Certainly. The paper statement will arrive at your home address next week."),
        Turn::caller("Wonderful. I was worried about waiting on hold again for an hour."),
        Turn::agent("No problem at all. Thank you for calling Northwind Bank and goodbye."),
        Turn::caller("Goodbye, and have a lovely evening."),
    ]);
    turns
}

/// Lower-case words of four letters or more, redaction tags left out.
fn words(text: &str) -> BTreeSet<String> {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '[' => in_tag = true,
            ']' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(str::to_string)
        .collect()
}

/// An utterance's speaker, times and text.
type Heard = (Speaker, u64, u64, String);

/// Words of each utterance that belong to another turn of its speaker and to none of the turns
/// its time overlaps (with 300 ms of slack): words moved between utterances.
fn misplaced(turns: &[RenderedTurn], heard: &[Heard]) -> Vec<String> {
    let mut out = Vec::new();
    for (speaker, start, end, text) in heard {
        let theirs: Vec<&RenderedTurn> = turns
            .iter()
            .filter(|t| t.turn.speaker == *speaker)
            .collect();
        let (own, other): (Vec<&RenderedTurn>, Vec<&RenderedTurn>) = theirs
            .iter()
            .partition(|t| t.start_ms < end + 300 && t.end_ms + 300 > *start);
        let own: BTreeSet<String> = own.iter().flat_map(|t| words(&t.turn.text)).collect();
        let other: BTreeSet<String> = other.iter().flat_map(|t| words(&t.turn.text)).collect();
        for w in words(text) {
            if other.contains(&w) && !own.contains(&w) {
                out.push(format!("{w:?} in {speaker:?} {start}-{end} ms: {text:?}"));
            }
        }
    }
    out
}

/// The utterances of `call` decoded offline with `options` (joined decoding is the default).
fn analyze(call: &std::path::Path, options: AnalyzerOptions) -> Vec<Heard> {
    assert!(options.join_segments, "these tests are of joined decoding");
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), options)
        .expect("the models are installed (cargo xtask setup)");
    let mut heard = Vec::new();
    analyzer
        .analyze_file(call, |e| {
            if let PipelineEvent::Utterance(u, _) = e {
                heard.push((u.speaker, u.start_ms, u.end_ms, u.text.clone()));
            }
            Ok(())
        })
        .expect("analysis");
    heard
}

#[test]
fn joined_decoding_keeps_every_word_in_its_own_turn_and_every_secret_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    let turns = render(&script(), &call).expect("espeak-ng and sox (cargo xtask setup)");

    let joined = analyze(&call, AnalyzerOptions::default());
    let all: String = joined.iter().map(|h| h.3.to_lowercase() + "\n").collect();
    // Both speakers were heard, turn by turn.
    for speaker in [Speaker::Caller, Speaker::Agent] {
        let n = joined.iter().filter(|h| h.0 == speaker).count();
        assert!(n >= 5, "{n} {speaker:?} utterances:\n{all}");
    }
    assert!(all.contains("charged twice"), "{all}");
    assert!(all.contains("statement"), "{all}");
    let moved = misplaced(&turns, &joined);
    assert!(moved.is_empty(), "words moved:\n{moved:#?}");
    for s in SAMPLE_SECRETS {
        assert!(!all.contains(s), "{s} in\n{all}");
    }

    // The check has teeth: the same utterances, each given the text of its speaker's next one,
    // are caught.
    let mut shifted = joined.clone();
    for speaker in [Speaker::Caller, Speaker::Agent] {
        let at: Vec<usize> = (0..shifted.len())
            .filter(|&i| shifted[i].0 == speaker)
            .collect();
        let texts: Vec<String> = at.iter().map(|&i| joined[i].3.clone()).collect();
        for (k, &i) in at.iter().enumerate() {
            shifted[i].3 = texts[(k + 1) % texts.len()].clone();
        }
    }
    assert!(
        misplaced(&turns, &shifted).len() >= 5,
        "the negative control is caught"
    );
}

/// Single letters between two of the speaker's turns ("K, O, W, …"), as a caller spells a name,
/// an e-mail, a postcode: none may be left in clear, with a spelled letter beside it.
fn spelled_letters(text: &str) -> Vec<String> {
    let plain: String = text
        .split('[')
        .map(|piece| piece.split_once(']').map_or(piece, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join(" ");
    let letters: Vec<&str> = plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    letters
        .windows(2)
        .filter(|w| {
            w.iter().all(|l| l.chars().count() == 1)
                && w.iter().any(|l| !matches!(*l, "a" | "A" | "I"))
        })
        .map(|w| w.join(" "))
        .collect()
}

#[test]
fn spelled_turns_between_sentences_are_each_heard_and_hidden() {
    let script = [
        Turn::agent("Thank you for calling, how can I help?"),
        Turn::caller("I need to update my details."),
        Turn::agent("Sure. Can you spell your last name for me?"),
        Turn::caller("K, O, W, A, L, S, K, I."),
        Turn::agent("Thanks. And what email should we use?"),
        Turn::caller("J, S, M, I, T, H at gmail dot com."),
        Turn::agent("And the postcode?"),
        Turn::caller("S W one A, one A A."),
        Turn::agent("Great, that's all done."),
    ];
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("spelled.wav");
    let turns = render(&script, &call).expect("espeak-ng and sox (cargo xtask setup)");
    let heard = analyze(&call, AnalyzerOptions::default());
    let all: String = heard
        .iter()
        .map(|h| format!("{:?} {}-{} {}\n", h.0, h.1, h.2, h.3))
        .collect();
    // Every caller turn was heard in its own time: whisper skipped the spelled ones in a joined
    // window and timed the sentence it kept into the last of them.
    let missed = unheard(&turns, &heard);
    assert!(missed.is_empty(), "nothing heard for {missed:?}:\n{all}");
    let moved = misplaced(&turns, &heard);
    assert!(moved.is_empty(), "words moved:\n{moved:#?}");
    for h in &heard {
        let left = spelled_letters(&h.3);
        assert!(left.is_empty(), "spelled letters {left:?} in clear:\n{all}");
        for word in ["kowalski", "smith"] {
            assert!(!h.3.to_lowercase().contains(word), "{word} in\n{all}");
        }
    }
    // The checks have teeth: the letters as spoken are caught, and a caller left with only its
    // first turn is missing the others.
    assert_eq!(
        spelled_letters("K, O, W, A, L, S, K, I."),
        ["K O", "O W", "W A", "A L", "L S", "S K", "K I"]
    );
    assert!(spelled_letters("[NAME], and a [EMAIL]. I see.").is_empty());
    let first_only: Vec<Heard> = heard
        .iter()
        .filter(|h| h.0 == Speaker::Agent || h.1 < turns[2].start_ms)
        .cloned()
        .collect();
    assert_eq!(unheard(&turns, &first_only).len(), 3, "{first_only:?}");
}

/// The caller's turns that no caller utterance overlaps (with 300 ms of slack).
fn unheard(turns: &[RenderedTurn], heard: &[Heard]) -> Vec<String> {
    turns
        .iter()
        .filter(|t| t.turn.speaker == Speaker::Caller)
        .filter(|t| {
            !heard
                .iter()
                .any(|h| h.0 == Speaker::Caller && h.1 < t.end_ms + 300 && h.2 + 300 > t.start_ms)
        })
        .map(|t| t.turn.text.clone())
        .collect()
}

/// A question's last word put in the speaker's next turn by the joined decode ("Can I take
/// your" - … - "surname? And your first name?", base at 16 kHz, round 62 of the redaction
/// probes): the question lost what it asked for and the caller's surname was shown.
#[test]
fn a_questions_last_word_stays_in_its_turn() {
    let script = [
        Turn::agent("Can I take your surname?"),
        Turn::caller("O'Brien. O, apostrophe, B R I E N."),
        Turn::agent("And your first name?"),
        Turn::caller("Siobhan."),
        Turn::agent("Thank you Ms O'Brien."),
    ];
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("surname.wav");
    let opts = earshot_callgen::RenderOptions {
        caller_voice: earshot_callgen::Voice::Flite("slt"),
        agent_voice: earshot_callgen::Voice::Espeak("en-gb"),
        gap_ms: 500,
        ..earshot_callgen::RenderOptions::default()
    };
    let turns =
        earshot_callgen::render_with(&script, &call, &opts).expect("flite, espeak-ng and sox");
    let options = AnalyzerOptions {
        model: "base".into(),
        ..AnalyzerOptions::default()
    };
    let heard = analyze(&call, options);
    let all: String = heard
        .iter()
        .map(|h| format!("{:?} {}-{} {}\n", h.0, h.1, h.2, h.3))
        .collect();
    let moved = misplaced(&turns, &heard);
    assert!(moved.is_empty(), "words moved:\n{moved:#?}\n{all}");
    // The question whole in its own turn, and so the answer to it hidden.
    assert!(heard[0].3.ends_with("surname?"), "{all}");
    assert!(!all.to_lowercase().contains("brien"), "{all}");
}
