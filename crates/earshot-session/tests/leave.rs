//! Leaving the SIPREC receiver: `leave` (the app's "Leave SIPREC") returns once every call is
//! stored, while the call's second pass goes on and is stored later; `finish` (`earshot siprec`
//! before it exits) also waits for the second pass. Real parts throughout: the receiver on
//! loopback UDP, RTP paced by the clock, the live engine on tiny.en with base's second pass, the
//! encrypted vault.

use earshot_callgen::rtp::{send_ulaw, ulaw_channel, SiprecClient};
use earshot_config::Config;
use earshot_models::ModelStore;
use earshot_pipeline::{AnalyzerOptions, Engine};
use earshot_session::siprec::{Joined, SiprecEvent};
use earshot_siprec::server::SrsConfig;
use earshot_vault::Vault;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

/// The seconds of the sample call each recorded call carries (both speakers).
const SECONDS: usize = 12;

/// One recorded call through `joined`: the first [`SECONDS`] of both channels, then BYE.
fn record_one(joined: &Joined, call_id: &str, channels: &[Vec<u8>; 2]) {
    let srs = joined.listening()[0]
        .strip_prefix("udp:")
        .unwrap()
        .parse()
        .unwrap();
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
    record_one(&joined, "left-call", &channels);
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
    record_one(&joined, "finished-call", &channels);
    joined.finish();
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 1, "finish waited for the second pass");
    assert_eq!(reports[0].model, "base");
    let calls = vault().list_calls().unwrap();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c.model == "base"), "{calls:?}");
}
