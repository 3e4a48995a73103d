//! A caller keys a card number on their phone's keypad and the tones travel in the call's audio
//! (a softphone's loopback, a recording, a SIPREC fork without RFC 4733 events): the workstation
//! hears them, offline and live, and keeps them as one `[DTMF]` entry whose digits are sealed
//! to the organisation — never on screen, never in the transcript, revealed whole only with its
//! identity — and a live call's second pass keeps it. The same call without the tones has no
//! entry (control). Real parts: espeak-ng speech, tiny.en and base, the encrypted vault, age.

use earshot_callgen::{insert_keypad_tones, render_with, sample_call, RenderOptions};
use earshot_config::{Config, KeyStore};
use earshot_seal::OperatorIdentity;
use earshot_session::{analyze_file, record_file, CallEvent, Workstation};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What the caller keys in.
const CARD: &str = "4539148803436467";

/// A workstation storing under `data` (key in a file), sealing to `identity`, with a second
/// pass on base when `second_pass`.
fn workstation(data: &Path, identity: &OperatorIdentity, second_pass: bool) -> Workstation {
    Workstation::open_config(Config {
        data_dir: data.to_path_buf(),
        key_store: KeyStore::File,
        age_recipients: vec![identity.recipient()],
        second_pass: second_pass.then(|| "base".to_string()),
        ..Config::defaults(std::path::PathBuf::new())
    })
    .expect("models (cargo xtask setup)")
}

/// The sample call rendered into `dir`, with `CARD` keyed on the caller's phone after its third
/// turn when `keyed`; and where the first key's tone begins (ms).
fn call(dir: &Path, keyed: bool) -> (std::path::PathBuf, Option<u64>) {
    let path = dir.join(if keyed { "keyed.wav" } else { "plain.wav" });
    let turns =
        render_with(&sample_call(), &path, &RenderOptions::default()).expect("espeak-ng renders");
    let placed =
        keyed.then(|| insert_keypad_tones(&path, CARD, 0, Some(turns[2].end_ms + 200)).unwrap()[0]);
    (path, placed)
}

/// Checks what was shown and what is stored for the one call in `ws`'s vault: `keyed` (where
/// the first key's tone begins) says whether it holds the keyed card — one sealed caller entry
/// in its place among the call's rows, only `identity` reveals it whole — or none.
fn check(
    ws: &mut Workstation,
    events: &[CallEvent],
    identity: &OperatorIdentity,
    keyed: Option<u64>,
) {
    let shown: Vec<&CallEvent> = events
        .iter()
        .filter(|e| matches!(e, CallEvent::Final { text, .. } if text == "[DTMF]"))
        .collect();
    assert_eq!(shown.len(), usize::from(keyed.is_some()), "{events:?}");
    if let Some(CallEvent::Final {
        speaker, findings, ..
    }) = shown.first()
    {
        assert_eq!(*speaker, earshot_core::Speaker::Caller);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].sealed);
    }
    let on_screen = format!("{events:?}");
    assert!(!on_screen.contains("4539"), "{on_screen}");
    let calls = ws.vault.list_calls().unwrap();
    assert_eq!(calls.len(), 1);
    let detail = ws.vault.call(calls[0].id).unwrap();
    let entries: Vec<_> = detail
        .utterances
        .iter()
        .filter(|u| u.text == "[DTMF]")
        .collect();
    assert_eq!(
        entries.len(),
        usize::from(keyed.is_some()),
        "{:?}",
        detail.utterances
    );
    // Stored in the order said: the entry among the speech around it.
    assert!(
        detail
            .utterances
            .windows(2)
            .all(|w| w[0].start_ms <= w[1].start_ms && w[0].seq + 1 == w[1].seq),
        "{:?}",
        detail.utterances
    );
    // The call's speech is stored besides (the control that the call was heard at all).
    assert!(
        detail
            .utterances
            .iter()
            .filter(|u| u.text != "[DTMF]")
            .count()
            >= 4,
        "{:?}",
        detail.utterances
    );
    for u in &detail.utterances {
        assert!(!u.text.contains("4539"), "no keyed digits in clear: {u:?}");
    }
    if let (Some(entry), Some(first_key)) = (entries.first(), keyed) {
        assert_eq!(entry.speaker, "caller");
        assert!(
            entry.start_ms.abs_diff(first_key as i64) <= 30,
            "keyed from {first_key} ms: {entry:?}"
        );
        let after = detail.utterances.iter().skip_while(|u| u.text != "[DTMF]");
        assert!(
            after.count() >= 3,
            "speech after the keying: {:?}",
            detail.utterances
        );
        assert_eq!(entry.findings.len(), 1);
        assert_eq!(entry.findings[0].kind, "DTMF");
        assert!(entry.findings[0].sealed);
        let revealed = ws
            .vault
            .reveal(calls[0].id, Some(entry.seq), identity)
            .unwrap();
        assert_eq!(revealed[0].text, CARD);
        let stranger = OperatorIdentity::generate();
        assert!(ws
            .vault
            .reveal(calls[0].id, Some(entry.seq), &stranger)
            .is_err());
    }
}

#[test]
fn keypad_tones_in_a_recording_are_one_sealed_entry_and_a_call_without_them_has_none() {
    for keyed in [true, false] {
        let data = tempfile::tempdir().unwrap();
        let identity = OperatorIdentity::generate();
        let mut ws = workstation(data.path(), &identity, false);
        let (path, placed) = call(data.path(), keyed);
        let mut events = Vec::new();
        analyze_file(
            &mut ws,
            &path,
            |_| {},
            |e| {
                events.push(e.clone());
                Ok::<(), ()>(())
            },
        )
        .unwrap()
        .unwrap();
        check(&mut ws, &events, &identity, placed);
    }
}

#[test]
fn keypad_tones_in_a_live_call_are_one_sealed_entry_its_second_pass_keeps() {
    let data = tempfile::tempdir().unwrap();
    let identity = OperatorIdentity::generate();
    let mut ws = workstation(data.path(), &identity, true);
    let (path, placed) = call(data.path(), true);
    let mut events = Vec::new();
    let recorded = record_file(
        &mut ws,
        &path,
        f64::INFINITY,
        earshot_pipeline::LiveOptions::default(),
        Arc::new(AtomicBool::new(false)),
        |e| {
            events.push(e.clone());
            Ok::<(), ()>(())
        },
    )
    .unwrap();
    recorded.call.unwrap();
    check(&mut ws, &events, &identity, placed);
    // The second pass decodes the speech again with base; the keypad entry stays, sealed.
    let pass = recorded.second_pass.expect("a second pass on base");
    assert_eq!(pass.model(), "base");
    pass.run(&mut ws.vault).unwrap();
    check(&mut ws, &events, &identity, placed);
}
