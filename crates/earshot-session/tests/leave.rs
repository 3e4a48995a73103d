//! Leaving the SIPREC receiver: `leave` (the app's "Leave SIPREC") returns once every call is
//! stored, while the call's second pass goes on and is stored later; `finish` (`earshot siprec`
//! before it exits) also waits for the second pass; quitting (`Station::shut_down`) stops the
//! second pass, which is given up, the call keeping its live transcript. Real parts throughout: the receiver on
//! loopback UDP, RTP paced by the clock, the live engine on tiny.en with base's second pass, the
//! encrypted vault.

use earshot_callgen::rtp::{send_ulaw, ulaw_channel, SiprecClient};
use earshot_config::Config;
use earshot_models::ModelStore;
use earshot_pipeline::{AnalyzerOptions, Engine};
use earshot_session::siprec::{Joined, SiprecEvent};
use earshot_session::station::Station;
use earshot_siprec::server::SrsConfig;
use earshot_vault::Vault;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

/// The seconds of the sample call each recorded call carries (both speakers).
const SECONDS: usize = 12;

/// One recorded call to the receiver listening at `listening` (`udp:…`): the first [`SECONDS`]
/// of both channels, then BYE.
fn record_one(listening: &[String], call_id: &str, channels: &[Vec<u8>; 2]) {
    let srs = listening[0].strip_prefix("udp:").unwrap().parse().unwrap();
    let client = SiprecClient::invite(srs, call_id);
    std::thread::scope(|s| {
        for (i, audio) in channels.iter().enumerate() {
            let to = client.media(i + 1);
            let audio = &audio[..(SECONDS * 8000).min(audio.len())];
            s.spawn(move || send_ulaw(audio, to, 1 + i as u32));
        }
    });
    assert!(client.bye().starts_with("SIP/2.0 200"));
}

fn receiver(
    engine: &Arc<Engine>,
    on_event: impl Fn(SiprecEvent) + Send + Sync + 'static,
) -> Joined {
    common::loopback(SrsConfig::default(), engine, on_event).unwrap()
}

#[test]
fn leaving_returns_once_each_call_is_stored_and_finishing_waits_for_its_second_pass() {
    let dir = tempfile::tempdir().unwrap();
    common::vault_env(dir.path(), "base");
    let engine = Engine::load(
        &ModelStore::from_env(),
        AnalyzerOptions {
            second_pass: Some("base".into()),
            ..AnalyzerOptions::default()
        },
        1,
    )
    .expect("the models are installed (cargo xtask setup)");
    let channels = ["1", "2"].map(|c| {
        ulaw_channel(
            earshot_callgen::sample_wav(),
            c,
            &dir.path().join(format!("{c}.ul")),
        )
    });
    let vault = || Vault::open(&Config::load().unwrap()).unwrap();

    // `leave`: the call's consumer holds the second pass's report until released, so the
    // call's thread cannot end before then.
    let (passed_tx, passed) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let (passed_tx, released) = (Mutex::new(passed_tx), Mutex::new(released));
    let joined = receiver(&engine, move |event| {
        if let SiprecEvent::SecondPass { .. } = event {
            passed_tx.lock().unwrap().send(()).unwrap();
            let _ = released
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(300));
        }
    });
    record_one(joined.listening(), "left-call", &channels);
    let (left_tx, left) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        joined.leave();
        left_tx.send(()).unwrap();
    });
    // Leaving returns although the call's thread is still held: it waited only for the call to
    // be stored (a leave that waited for the thread would never return before the release).
    left.recv_timeout(Duration::from_secs(240))
        .expect("leave returned while the second pass was still to be reported");
    let calls = vault().list_calls().unwrap();
    assert_eq!(calls.len(), 1, "the call is stored when leave returns");
    assert!(calls[0].ended_at_ms.is_some() && calls[0].utterances > 0);
    // The second pass goes on after leaving and is stored.
    passed
        .recv_timeout(Duration::from_secs(240))
        .expect("the second pass ran after leave returned");
    release.send(()).unwrap();
    let call = &vault().list_calls().unwrap()[0];
    assert_eq!(call.model, "base", "the second pass's text is what is kept");

    // `finish`: when it returns, the call's second pass has been stored and reported.
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    let joined = receiver(&engine, move |event| {
        if let SiprecEvent::SecondPass { report, .. } = event {
            seen.lock().unwrap().push(report);
        }
    });
    record_one(joined.listening(), "finished-call", &channels);
    joined.finish();
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 1, "finish waited for the second pass");
    assert_eq!(reports[0].model, "base");
    let calls = vault().list_calls().unwrap();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c.model == "base"), "{calls:?}");

    // Quitting: `Station::shut_down` (what the app does before it exits) returns once the call
    // is stored and its second pass, just begun, has been stopped, not left decoding while the
    // process's exit tears whisper.cpp down. The pass is given up and audited, and the call
    // keeps its live transcript. (Without the stop, the pass would still be pending here, and
    // stored with base a few seconds later.)
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    let station = Station::default();
    let listening = station
        .join_siprec(|| {
            Ok(receiver(&engine, move |event| {
                if let SiprecEvent::SecondPass { report, .. } = event {
                    seen.lock().unwrap().push(report);
                }
            }))
        })
        .unwrap();
    record_one(&listening, "quit-call", &channels);
    station.shut_down();
    assert_eq!(earshot_session::stop_second_passes(Duration::ZERO), 0);
    assert!(reports.lock().unwrap().is_empty(), "the pass was stopped");
    let vault = vault();
    let calls = vault.list_calls().unwrap();
    assert_eq!(calls.len(), 3);
    let quit = calls
        .iter()
        .find(|c| c.model != "base")
        .unwrap_or_else(|| panic!("the pass ran to its end: {calls:?}"));
    assert_eq!(quit.model, "tiny.en", "the live transcript stays");
    assert_eq!(quit.second_pass_state.as_deref(), Some("abandoned"));
    assert!(quit.utterances > 0);
    let audit = vault.audit_entries().unwrap();
    assert!(
        audit.iter().any(|e| e.action == "second_pass"
            && e.outcome == "abandoned"
            && e.detail.contains("stopped")),
        "{audit:?}"
    );
    let spools = std::fs::read_dir(dir.path().join("data").join("spool"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(spools, 0, "the stopped pass's spool was deleted");
}
