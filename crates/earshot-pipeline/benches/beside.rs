//! A live call at 1× (tiny.en, the default threads) while a base decode runs beside it on an
//! engine of its own, as a second pass's decode already running or another process's would: the
//! live call's final and partial latency (p50/p95) alone, beside the decode at normal priority,
//! and beside it at background priority (`background::run`, what a second pass runs at). The
//! decode beside uses every physical core, as a second pass running alone does. Prints figures;
//! asserts nothing about speed.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::render;
use earshot_models::ModelStore;
use earshot_pipeline::{background, Analyzer, AnalyzerOptions, FilePlayer, LiveOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

mod common;
use common::percentile;

/// Decodes `call` with base over and over until `stop`, at background priority or not; returns
/// how many decodes it finished.
fn decode_beside(call: PathBuf, stop: Arc<AtomicBool>, nicer: bool) -> JoinHandle<usize> {
    std::thread::spawn(move || {
        let work = || {
            let options = AnalyzerOptions {
                model: "base".into(),
                threads: num_cpus::get_physical(),
                ..AnalyzerOptions::default()
            };
            let mut analyzer =
                Analyzer::new(&ModelStore::from_env(), options).expect("base is installed");
            let mut done = 0;
            while !stop.load(Ordering::Relaxed) {
                analyzer.analyze_file(&call, |_| Ok(())).expect("decode");
                done += 1;
            }
            done
        };
        if nicer {
            background::run(work)
        } else {
            work()
        }
    })
}

fn one(label: &str, call: &Path, beside: Option<bool>) {
    let stop = Arc::new(AtomicBool::new(false));
    let worker = beside.map(|nicer| decode_beside(call.to_path_buf(), stop.clone(), nicer));
    if worker.is_some() {
        // Let the decode beside load its model and start.
        std::thread::sleep(std::time::Duration::from_secs(3));
    }
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), AnalyzerOptions::default())
        .expect("tiny.en is installed");
    let audio = CallAudio::from_file(call, CallerChannel::Left).expect("rendered call");
    let (player, input) = FilePlayer::start(audio, 1.0);
    let (_, stats) = analyzer
        .run_live(input, LiveOptions::default(), |_| Ok(()))
        .expect("live run");
    drop(player);
    stop.store(true, Ordering::Relaxed);
    let decodes = worker.map(|w| w.join().expect("decode beside"));
    let capped = analyzer.engine().stats().capped.load(Ordering::Relaxed);
    let decoded = analyzer.engine().stats().decodes.load(Ordering::Relaxed);
    println!(
        "{label:<32} {:>6} {:>6} {:>6} {:>6} {:>8}   ({} partials, {} finals, worst level {}, {capped} of {decoded} decodes on fewer threads)",
        percentile(&stats.final_latencies, 0.5),
        percentile(&stats.final_latencies, 0.95),
        percentile(&stats.partial_latencies, 0.5),
        percentile(&stats.partial_latencies, 0.95),
        decodes.map_or("-".to_string(), |d| d.to_string()),
        stats.partial_latencies.len(),
        stats.final_latencies.len(),
        stats.worst_level.map_or("normal", |l| l.name()),
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let call = dir.path().join("beside-call.wav");
    render(&earshot_callgen::sample_call(), &call)
        .expect("espeak-ng and sox are needed (cargo xtask setup)");
    println!(
        "a live call at 1x beside a base decode (ms): {}",
        call.display()
    );
    println!(
        "{:<32} {:>6} {:>6} {:>6} {:>6} {:>8}",
        "", "p50 F", "p95 F", "p50 P", "p95 P", "decodes"
    );
    one("alone", &call, None);
    one("beside a decode, same priority", &call, Some(false));
    one("beside a decode in background", &call, Some(true));
}
