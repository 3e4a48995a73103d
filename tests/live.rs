//! The live engine on generated calls played through it: finals with the right speakers and
//! words, partials that belong to them, no sensitive digit on any event, and back-pressure that
//! degrades instead of losing anything.

use earshot_callgen::Turn;
use earshot_core::Speaker;
use earshot_e2e::{live_script, script_has_words};
use earshot_pipeline::{DegradeLevel, LiveEvent, LiveOptions};
use std::collections::HashSet;

/// A card number read in two breaths (two utterances), then a security code.
fn payment_call() -> Vec<Turn> {
    vec![
        Turn::agent("Thank you for calling. Can I have the card number please?"),
        Turn::caller("Sure, it is four five three two, zero one five one,"),
        Turn::caller("one two eight three, zero three six six."),
        Turn::agent("Thank you. And the three digit security code on the back?"),
        Turn::caller("It is seven three nine."),
        Turn::agent("Great, the payment is done. Is there anything else I can help with?"),
    ]
}

const SECRETS: &[&str] = earshot_callgen::SAMPLE_SECRETS;

fn texts(events: &[LiveEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Partial(p) => Some(("partial".into(), p.text.to_lowercase())),
            LiveEvent::Final(f) => Some(("final".into(), f.utterance.text.to_lowercase())),
            _ => None,
        })
        .collect()
}

fn assert_no_secret(events: &[LiveEvent]) {
    for (kind, text) in texts(events) {
        for s in SECRETS {
            assert!(!text.contains(s), "{s:?} in a {kind}: {text}");
        }
    }
}

#[test]
fn a_call_at_real_time_gives_partials_then_finals_and_no_secret() {
    // Back-pressure off: on a busy machine the engine rightly pauses partials (the next test
    // covers that), and this one is about what partials are, not how many a CPU affords.
    let patient = std::time::Duration::from_secs(3600);
    let options = LiveOptions {
        pause_partials_after: patient,
        fast_finals_after: patient,
        ..LiveOptions::default()
    };
    let events = live_script(&payment_call(), 1.0, options);
    assert_no_secret(&events);
    let finals: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Final(f) => Some(f),
            _ => None,
        })
        .collect();
    script_has_words(&payment_call(), finals.iter().map(|f| &f.utterance));
    // Each speaker's finals are in time order and do not overlap.
    for speaker in [Speaker::Agent, Speaker::Caller] {
        let mine: Vec<_> = finals
            .iter()
            .filter(|f| f.utterance.speaker == speaker)
            .collect();
        assert!(mine
            .windows(2)
            .all(|w| w[0].utterance.end_ms <= w[1].utterance.start_ms));
    }
    // The card number came out redacted across the two breaths.
    let caller: String = finals
        .iter()
        .filter(|f| f.utterance.speaker == Speaker::Caller)
        .map(|f| f.utterance.text.clone() + "\n")
        .collect();
    assert!(caller.contains("[CREDIT_DEBIT_NUMBER]"), "{caller}");
    assert!(
        caller.contains("[CREDIT_DEBIT_CVV]") || caller.contains("[NUMBER]"),
        "{caller}"
    );
    // Partials came while people spoke; every one belongs to an utterance that was finalized
    // (or dropped as wordless), and came before its final.
    let partial_ids: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Partial(p) => Some(p.id),
            _ => None,
        })
        .collect();
    assert!(!partial_ids.is_empty(), "no partial at all");
    assert!(!events.iter().any(|e| matches!(e, LiveEvent::Degraded(_))));
    let mut closed: HashSet<u64> = HashSet::new();
    for e in &events {
        match e {
            LiveEvent::Partial(p) => assert!(!closed.contains(&p.id), "partial after its final"),
            LiveEvent::Final(f) => assert!(closed.insert(f.id), "two finals for {}", f.id),
            LiveEvent::Discarded { id } => {
                closed.insert(*id);
            }
            _ => {}
        }
    }
    assert!(partial_ids.iter().all(|id| closed.contains(id)));
    let Some(LiveEvent::CallEnd(end)) = events.last() else {
        panic!("the call did not end: {:?}", events.last())
    };
    assert_eq!(end.utterances, finals.len());
}

#[test]
fn when_the_cpu_falls_behind_it_degrades_and_loses_nothing() {
    // All the audio arrives at once: every final is late the moment its speech has ended.
    let options = LiveOptions {
        pause_partials_after: std::time::Duration::from_millis(1),
        fast_finals_after: std::time::Duration::from_millis(2),
        ..LiveOptions::default()
    };
    let events = live_script(&payment_call(), f64::INFINITY, options);
    let levels: Vec<DegradeLevel> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Degraded(d) => Some(d.level),
            _ => None,
        })
        .collect();
    // Straight to the last level: the lag is beyond both thresholds at the first look.
    assert_eq!(
        levels.first(),
        Some(&DegradeLevel::FastFinals),
        "{levels:?}"
    );
    // No partial once partials were paused.
    let degraded_at = events
        .iter()
        .position(|e| matches!(e, LiveEvent::Degraded(_)))
        .unwrap();
    assert!(!events[degraded_at..]
        .iter()
        .any(|e| matches!(e, LiveEvent::Partial(_))));
    assert_no_secret(&events);
    let finals: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Final(f) => Some(&f.utterance),
            _ => None,
        })
        .collect();
    script_has_words(&payment_call(), finals.into_iter());
}
