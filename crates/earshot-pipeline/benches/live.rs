//! The live engine at 1× real time on a generated ~2-minute two-speaker call, per model: partial
//! and final latency (p50/p95), CPU time per second of audio, peak RSS, and the lag over the
//! call (first half against second half: it must not grow). Each model runs in its own process
//! so that its RSS is its own. Prints figures; asserts nothing about speed.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render, Turn};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, FilePlayer, LiveOptions, ASR_MODELS};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

mod common;
use common::{percentile, usage};

fn script() -> Vec<Turn> {
    let mut turns = earshot_callgen::sample_call();
    turns.extend([
        Turn::agent("Is there anything else I can help you with today?"),
        Turn::caller("Yes, can you also update my phone number? It is four one five, five five five, zero one three two."),
        Turn::agent("Of course. Let me pull up your profile. Can you confirm your date of birth for me?"),
        Turn::caller("It is the fourth of March, nineteen eighty one."),
        Turn::agent("Thank you, that matches. I have updated the phone number on your account."),
        Turn::caller("Great. While I have you, why was there a late fee on my last statement?"),
        Turn::agent("I see a late fee of twenty five dollars from last month. Since you have been a customer for a long time, I can waive it."),
        Turn::caller("That would be wonderful, I really did not expect that."),
        Turn::agent("It is done. You will see the credit on your next statement within five business days."),
        Turn::caller("Perfect. I was worried I would have to wait on hold again for an hour."),
        Turn::agent("I understand, our hold times were long this morning. Is there anything else?"),
        Turn::caller("No, that is everything. You have been very helpful today."),
        Turn::agent("Thank you for calling Northwind Bank and have a lovely day."),
        Turn::caller("You too, goodbye."),
    ]);
    turns
}

fn one(model: &str, threads: usize, call: &Path) {
    let options = AnalyzerOptions {
        model: model.to_string(),
        threads,
        ..Default::default()
    };
    let mut analyzer = match Analyzer::new(&ModelStore::from_env(), options) {
        Ok(a) => a,
        Err(e) => {
            println!("{model:<8} {threads:>3} skipped: {e}");
            return;
        }
    };
    let audio = CallAudio::from_file(call, CallerChannel::Left).expect("rendered call");
    let audio_s = audio.duration_ms as f64 / 1000.0;
    let (cpu_before, _) = usage();
    let started = Instant::now();
    let (player, input) = FilePlayer::start(audio, 1.0);
    let (end, stats) = analyzer
        .run_live(input, LiveOptions::default(), |_| Ok(()))
        .expect("live run");
    drop(player);
    let wall = started.elapsed().as_secs_f64();
    let (cpu_after, rss) = usage();
    let half = end.duration_ms / 2;
    let lag_in = |first: bool| {
        stats
            .lag
            .iter()
            .filter(|(at, _)| (*at < half) == first)
            .map(|(_, lag)| *lag)
            .max()
            .unwrap_or(0)
    };
    println!(
        "{model:<8} {threads:>3} {:>6} {:>6} {:>6} {:>6} {:>9.3} {:>8.0} {:>7} {:>7}   ({} partials, {} finals, {:.0} s audio in {:.0} s, worst level {})",
        percentile(&stats.partial_latencies, 0.5),
        percentile(&stats.partial_latencies, 0.95),
        percentile(&stats.final_latencies, 0.5),
        percentile(&stats.final_latencies, 0.95),
        (cpu_after - cpu_before) / audio_s,
        rss,
        lag_in(true),
        lag_in(false),
        stats.partial_latencies.len(),
        stats.final_latencies.len(),
        audio_s,
        wall,
        stats.worst_level.map_or("normal", |l| l.name()),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let threads = args[i + 2].parse().expect("threads");
        one(&args[i + 1], threads, Path::new(&args[i + 3]));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let call = dir.path().join("live-bench-call.wav");
    render(&script(), &call).expect("espeak-ng and sox are needed (cargo xtask setup)");
    println!("live benchmark at 1x: {}", call.display());
    println!(
        "{:<8} {:>3} {:>6} {:>6} {:>6} {:>6} {:>9} {:>8} {:>7} {:>7}",
        "model",
        "thr",
        "p50 P",
        "p95 P",
        "p50 F",
        "p95 F",
        "CPU s/s",
        "RSS MiB",
        "lag 1st",
        "lag 2nd"
    );
    // The default (physical cores - 1), and every core.
    let default = AnalyzerOptions::default().threads;
    let mut thread_counts = vec![default];
    if num_cpus::get() > default {
        thread_counts.push(num_cpus::get());
    }
    for model in ASR_MODELS {
        for threads in &thread_counts {
            let status = Command::new(std::env::current_exe().expect("own path"))
                .args(["--one", model, &threads.to_string()])
                .arg(&call)
                .status()
                .expect("run one model");
            if !status.success() {
                println!("{model:<8} {threads:>3} failed ({status})");
            }
        }
    }
    println!("P = partial, F = final latency in ms (end of the audio covered -> event); CPU = process CPU seconds per second of audio; lag = worst final latency (ms) in each half of the call: equal halves mean the lag does not grow");
}
