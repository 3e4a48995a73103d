//! Concurrent live calls on one shared engine (what a SIPREC receiver runs): N generated
//! two-speaker calls played at 1× into N analyzers on one [`Engine`] (models loaded once,
//! decoders = physical cores sharing that many threads), starting a few seconds apart. For each N: final
//! and partial latency over all calls (p50/p95), the worst degrade level, CPU per second of
//! audio, peak RSS and RSS per added call. Each N runs in its own process so that its RSS is
//! its own; N grows until the final p95 passes 3 s (and to at least 3, for the RSS per added
//! call); the capacity printed is the largest N before that. With each N, how much of the time
//! the engine kept up by its own measure (`Engine::keeping_up`, what a receiver admits new calls
//! by). Prints figures; asserts nothing about speed.
//!
//! `cargo bench -p earshot-pipeline --bench calls [-- MODEL...]`

use earshot_audio::{CallAudio, CallerChannel};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, Engine, FilePlayer, LiveOptions};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{percentile, usage};

/// A call's start after the previous one's: turns of different calls do not line up.
const STAGGER: Duration = Duration::from_millis(3_700);

/// The final p95 a receiver's calls must stay within.
const FINAL_P95_GOAL_MS: u64 = 3_000;

/// The most calls tried.
const MAX_CALLS: usize = 6;

/// Runs `calls` calls at once and prints one line of figures (the parent reads the RSS and
/// the final p95 from it).
fn one(model: &str, calls: usize, call: &Path) {
    let workers = earshot_pipeline::physical_cores();
    let options = AnalyzerOptions {
        model: model.to_string(),
        threads: 1,
        ..Default::default()
    };
    let engine = match Engine::load(&ModelStore::from_env(), options, workers) {
        Ok(e) => e,
        Err(e) => {
            println!("{model:<8} skipped: {e}");
            return;
        }
    };
    let audio = CallAudio::from_file(call, CallerChannel::Left).expect("rendered call");
    let audio_s = audio.duration_ms as f64 / 1000.0;
    let (cpu_before, _) = usage();
    let runs: Vec<_> = (0..calls)
        .map(|i| {
            let (engine, audio) = (engine.clone(), audio.clone());
            std::thread::spawn(move || {
                std::thread::sleep(STAGGER * i as u32);
                let mut analyzer = Analyzer::on(&engine).expect("an analyzer");
                let (player, input) = FilePlayer::start(audio, 1.0);
                let (_, stats) = analyzer
                    .run_live(input, LiveOptions::default(), |_| Ok(()))
                    .expect("live run");
                drop(player);
                stats
            })
        })
        .collect();
    // What a receiver's admission would see: the engine's keeping-up measure, sampled every
    // 100 ms once the last call has started.
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (engine, done) = (engine.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(STAGGER * (calls - 1) as u32);
            let (mut yes, mut all) = (0u32, 0u32);
            while !done.load(Ordering::Relaxed) {
                all += 1;
                yes += u32::from(engine.keeping_up());
                std::thread::sleep(Duration::from_millis(100));
            }
            f64::from(yes) * 100.0 / f64::from(all.max(1))
        })
    };
    let (mut finals, mut partials, mut worst) = (Vec::new(), Vec::new(), None);
    for r in runs {
        let stats = r.join().expect("a call");
        finals.extend(stats.final_latencies);
        partials.extend(stats.partial_latencies);
        worst = worst.max(stats.worst_level);
    }
    done.store(true, Ordering::Relaxed);
    let keeping_up = sampler.join().expect("the sampler");
    let (cpu_after, rss) = usage();
    let s = engine.stats();
    let load = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "{model:<8} {calls:>5} {workers:>7} {:>6} {:>6} {:>9.3} {:>8.0} {:>15} {:>6} {:>6} {:>9}   ({} finals, {} partials, {} decodes waited {} ms in all; keeping up {:.0} % of the time)",
        percentile(&partials, 0.5),
        percentile(&partials, 0.95),
        (cpu_after - cpu_before) / (audio_s * calls as f64),
        rss,
        worst.map_or("normal", |l| l.name()),
        percentile(&finals, 0.5),
        percentile(&finals, 1.0),
        percentile(&finals, 0.95),
        finals.len(),
        partials.len(),
        load(&s.waited),
        load(&s.wait_ms),
        keeping_up,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let calls = args[i + 2].parse().expect("calls");
        one(&args[i + 1], calls, Path::new(&args[i + 3]));
        return;
    }
    let models: Vec<String> = {
        let named: Vec<String> = args[1..]
            .iter()
            .filter(|a| !a.starts_with('-'))
            .cloned()
            .collect();
        if named.is_empty() {
            earshot_pipeline::ASR_MODELS
                .iter()
                .map(|m| m.to_string())
                .collect()
        } else {
            named
        }
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let call = dir.path().join("calls-bench-call.wav");
    // The sample call twice over (~1.6 minutes): long enough for a lag that grows to show.
    let script: Vec<_> = [
        earshot_callgen::sample_call(),
        earshot_callgen::sample_call(),
    ]
    .concat();
    earshot_callgen::render(&script, &call)
        .expect("espeak-ng and sox are needed (cargo xtask setup)");
    println!(
        "concurrent live calls on one engine, 1x, {} s apart: {}",
        STAGGER.as_secs_f32(),
        call.display()
    );
    println!(
        "{:<8} {:>5} {:>7} {:>6} {:>6} {:>9} {:>8} {:>15} {:>6} {:>6} {:>9}",
        "model",
        "calls",
        "workers",
        "p50 P",
        "p95 P",
        "CPU s/s",
        "RSS MiB",
        "worst level",
        "p50 F",
        "max F",
        "p95 F"
    );
    for model in &models {
        let mut rss_one = None;
        let mut capacity = 0;
        for calls in 1..=MAX_CALLS {
            let out = Command::new(std::env::current_exe().expect("own path"))
                .args(["--one", model, &calls.to_string()])
                .arg(&call)
                .output()
                .expect("benchmark child");
            let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
            println!("{line}");
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(rss), Some(p95)) = (
                fields.get(6).and_then(|f| f.parse::<f64>().ok()),
                fields.get(10).and_then(|f| f.parse::<u64>().ok()),
            ) else {
                break;
            };
            match rss_one {
                None => rss_one = Some(rss),
                Some(first) => println!(
                    "{:<8} {calls:>5} calls: RSS per added call {:.0} MiB",
                    "",
                    (rss - first) / (calls - 1) as f64
                ),
            }
            if p95 <= FINAL_P95_GOAL_MS && capacity == calls - 1 {
                capacity = calls;
            } else if calls >= 3 {
                break;
            }
        }
        println!(
            "{model}: {capacity} concurrent calls keep the final p95 within {} s on this machine",
            FINAL_P95_GOAL_MS / 1000
        );
    }
}
