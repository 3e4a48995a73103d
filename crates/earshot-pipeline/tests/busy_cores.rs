//! A decode spins on no more threads than cores are free: whisper.cpp's threads wait for each
//! other by spinning, so a decode on every core beside another process's work waits whole time
//! slices at every step. Real model (tiny.en) on a generated utterance; the other process is a
//! real one (a shell busy in a loop). On an idle machine the decode gets every core it asks for
//! (the control); with a core busy elsewhere it gets fewer; once that process is gone, every
//! core again; the same for a decode at background priority (a second pass's). Linux: other
//! processes' load is read from `/proc/stat`.
#![cfg(target_os = "linux")]

use earshot_callgen::{render, Turn};
use earshot_models::ModelStore;
use earshot_pipeline::{background, physical_cores, Analyzer, AnalyzerOptions, Engine};
use std::process::{Child, Command};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// A process keeping one core busy until dropped.
struct Busy(Child);

impl Busy {
    fn start() -> Busy {
        Busy(
            Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .spawn()
                .expect("sh"),
        )
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Decodes `call` once; whether it got fewer threads than it asked for.
fn decode(engine: &Arc<Engine>, analyzer: &mut Analyzer, call: &std::path::Path) -> bool {
    let before = engine.stats().capped.load(Ordering::Relaxed);
    let mut heard = 0;
    analyzer
        .analyze_file(call, |_| {
            heard += 1;
            Ok(())
        })
        .expect("decode");
    assert!(heard > 0, "the utterance was decoded");
    engine.stats().capped.load(Ordering::Relaxed) > before
}

/// Decodes `call` up to `tries` times (a quarter second apart, so that the engine sees the
/// machine's load change) until `capped` says whether a decode got fewer threads than it
/// asked for; returns whether the last one did.
fn decodes_until(
    engine: &Arc<Engine>,
    call: &std::path::Path,
    tries: usize,
    want_capped: bool,
) -> bool {
    let mut analyzer = Analyzer::on(engine).expect("analyzer");
    for _ in 0..tries {
        let capped = decode(engine, &mut analyzer, call);
        if capped == want_capped {
            return capped;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    !want_capped
}

#[test]
fn a_decode_gets_every_free_core_and_none_another_process_keeps_busy() {
    let cores = physical_cores();
    if cores < 2 {
        eprintln!("one core: every decode runs on one thread, nothing to share");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    render(
        &[Turn::caller(
            "Hello, I would like to check the balance of my savings account.",
        )],
        &call,
    )
    .expect("espeak-ng and sox (cargo xtask setup)");
    let options = AnalyzerOptions {
        model: "tiny.en".into(),
        threads: cores,
        ..AnalyzerOptions::default()
    };
    let engine = Engine::load(&ModelStore::from_env(), options, 1)
        .expect("tiny.en is installed (cargo xtask setup)");

    // Nothing else busy: the decode gets every core.
    assert!(
        !decodes_until(&engine, &call, 20, false),
        "an idle machine's cores were not all given"
    );
    // A core busy in another process: fewer threads.
    let busy = Busy::start();
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        decodes_until(&engine, &call, 20, true),
        "a decode spun on a core another process keeps busy"
    );
    // A second pass's decodes too, at background priority, one after another as a pass's
    // are: this process's own nice time is not taken for the other process's idle core.
    let capped = background::run(|| {
        let mut analyzer = Analyzer::on(&engine).expect("analyzer");
        // Long enough for every sample the engine looks at to hold this process's nice time.
        let steady = std::time::Instant::now() + Duration::from_millis(1500);
        while std::time::Instant::now() < steady {
            decode(&engine, &mut analyzer, &call);
        }
        (0..5).all(|_| decode(&engine, &mut analyzer, &call))
    });
    assert!(
        capped,
        "a background decode spun on a core another process keeps busy"
    );
    // Gone again: every core.
    drop(busy);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !decodes_until(&engine, &call, 20, false),
        "the cores stayed withheld after the other process ended"
    );
}
