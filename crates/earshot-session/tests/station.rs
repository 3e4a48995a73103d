//! The station's rule: one local call or the SIPREC receiver (a real one, on loopback), never
//! both, however the requests race.

use earshot_models::ModelStore;
use earshot_pipeline::{AnalyzerOptions, Engine};
use earshot_session::siprec::Joined;
use earshot_session::station::{Activity, CallHandle, Station, StationError};
use earshot_session::SessionError;
use earshot_siprec::server::SrsConfig;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

mod common;

/// A real receiver on an ephemeral loopback port, on models loaded once for the whole test.
fn receiver() -> Result<Joined, SessionError> {
    static ENGINE: std::sync::OnceLock<Arc<Engine>> = std::sync::OnceLock::new();
    let engine = ENGINE.get_or_init(|| {
        Engine::load(&ModelStore::from_env(), AnalyzerOptions::default(), 1)
            .expect("the models are installed (cargo xtask setup)")
    });
    common::loopback(SrsConfig::default(), engine, |_| {})
}

/// A "call" that runs until its flag is set, counting how many are running.
fn call(running: &Arc<AtomicUsize>) -> Result<CallHandle, SessionError> {
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, running) = (stop.clone(), running.clone());
    running.fetch_add(1, Ordering::SeqCst);
    Ok(CallHandle::spawn(stop, move || {
        while !flag.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        running.fetch_sub(1, Ordering::SeqCst);
    }))
}

fn wait_idle(station: &Station) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while station.activity() != Activity::Idle {
        assert!(Instant::now() < deadline, "the stopped call ended");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_local_call_and_siprec_exclude_each_other() {
    let station = Station::default();
    let running = Arc::new(AtomicUsize::new(0));
    assert_eq!(station.activity(), Activity::Idle);

    station.start_call(|| call(&running)).unwrap();
    assert_eq!(station.activity(), Activity::Call);
    let refused = station.join_siprec(receiver).unwrap_err();
    assert!(matches!(refused, StationError::CallInProgress), "{refused}");
    let second = station.start_call(|| call(&running)).unwrap_err();
    assert!(matches!(second, StationError::CallInProgress), "{second}");
    assert_eq!(
        running.load(Ordering::SeqCst),
        1,
        "the refused call never started"
    );

    // Once the call has ended (its thread finished), SIPREC may join.
    station.stop_call();
    wait_idle(&station);
    let listening = station.join_siprec(receiver).unwrap();
    assert!(listening[0].starts_with("udp:127.0.0.1:"), "{listening:?}");
    assert_eq!(station.activity(), Activity::Siprec);
    assert_eq!(
        station.join_siprec(receiver).unwrap(),
        listening,
        "joining again is where it already listens"
    );
    let refused = station.start_call(|| call(&running)).unwrap_err();
    assert!(matches!(refused, StationError::SiprecJoined), "{refused}");
    assert_eq!(running.load(Ordering::SeqCst), 0);

    station.leave_siprec();
    assert_eq!(station.activity(), Activity::Idle);
    station.start_call(|| call(&running)).unwrap();
    station.shut_down();
    assert_eq!(station.activity(), Activity::Idle);
    assert_eq!(
        running.load(Ordering::SeqCst),
        0,
        "shut_down waited for the call"
    );
}

#[test]
fn a_failed_start_leaves_the_station_idle() {
    let station = Station::default();
    let failed = station
        .start_call(|| Err(SessionError::Siprec("no devices".into())))
        .unwrap_err();
    assert!(matches!(failed, StationError::Start(_)), "{failed}");
    assert_eq!(station.activity(), Activity::Idle);
    // A receiver that cannot listen (a listener that is not an address) is an error, not a join.
    let failed = station
        .join_siprec(|| Err(SessionError::Siprec("port in use".into())))
        .unwrap_err();
    assert!(matches!(failed, StationError::Start(_)), "{failed}");
    assert_eq!(station.activity(), Activity::Idle);
    assert!(
        station.join_siprec(receiver).is_ok(),
        "the station still works"
    );
    station.shut_down();
}

#[test]
fn racing_requests_never_run_a_call_and_siprec_together() {
    let station = Arc::new(Station::default());
    let running = Arc::new(AtomicUsize::new(0));
    let (mut calls, mut joins) = (0, 0);
    for _ in 0..40 {
        let barrier = Arc::new(Barrier::new(2));
        let caller = {
            let (station, running, barrier) = (station.clone(), running.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                station.start_call(|| call(&running)).is_ok()
            })
        };
        let joiner = {
            let (station, barrier) = (station.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                station.join_siprec(receiver).is_ok()
            })
        };
        let (called, joined) = (caller.join().unwrap(), joiner.join().unwrap());
        assert!(called != joined, "exactly one of the two started");
        match station.activity() {
            Activity::Call => assert!(called),
            Activity::Siprec => assert!(joined),
            Activity::Idle => panic!("the winner is running"),
        }
        assert_eq!(running.load(Ordering::SeqCst), usize::from(called));
        calls += usize::from(called);
        joins += usize::from(joined);
        station.shut_down();
        assert_eq!(running.load(Ordering::SeqCst), 0);
    }
    eprintln!("{calls} calls and {joins} joins won");
}

#[test]
fn what_runs_while_idle_is_refused_during_a_call_and_holds_calls_off_meanwhile() {
    let station = Arc::new(Station::default());
    let running = Arc::new(AtomicUsize::new(0));
    station.start_call(|| call(&running)).unwrap();
    let refused = station.while_idle(|| "ran");
    assert!(matches!(refused, Err(StationError::CallInProgress)));
    station.stop_call();
    wait_idle(&station);
    // Idle: it runs, and a call asked for meanwhile starts only once it has returned.
    let (inside, started) = (Arc::new(Barrier::new(2)), Arc::new(AtomicBool::new(false)));
    let asker = {
        let (station, inside, started, running) = (
            station.clone(),
            inside.clone(),
            started.clone(),
            running.clone(),
        );
        std::thread::spawn(move || {
            inside.wait();
            station.start_call(|| call(&running)).unwrap();
            started.store(true, Ordering::SeqCst);
        })
    };
    let ran = station.while_idle(|| {
        inside.wait();
        std::thread::sleep(Duration::from_millis(300));
        started.load(Ordering::SeqCst)
    });
    assert!(matches!(ran, Ok(false)), "a call started while it ran");
    asker.join().unwrap();
    assert!(started.load(Ordering::SeqCst));
    assert_eq!(station.activity(), Activity::Call);
    station.stop_call();
    wait_idle(&station);
}
