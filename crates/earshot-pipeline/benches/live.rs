//! The live engine at 1× real time on a generated ~2-minute two-speaker call, per model and
//! thread setting (partials' threads / a lone final's threads): partial and final latency
//! (p50/p95), CPU time per second of audio, peak RSS, the lag over the call (first half against
//! second half: it must not grow), and how late a thread that sleeps 10 ms at a time wakes
//! meanwhile (p99 and worst: what capture and the UI feel), and the finals' word recall and
//! error rate against the script (scored as the pipeline benchmark scores them). Each run has
//! its own process so that its RSS is its own. Prints figures; asserts nothing about speed.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render, Turn};
use earshot_models::ModelStore;
use earshot_pipeline::{
    Analyzer, AnalyzerOptions, FilePlayer, FinalContext, LiveEvent, LiveOptions, ASR_MODELS,
};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{percentile, usage, word_error_rate, word_recall};

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

/// Wake-up lateness of a thread sleeping 10 ms at a time until `stop`, in µs.
fn ticker(stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<u64>> {
    std::thread::spawn(move || {
        let mut late = Vec::new();
        let tick = Duration::from_millis(10);
        while !stop.load(Ordering::Relaxed) {
            let asleep = Instant::now();
            std::thread::sleep(tick);
            late.push(asleep.elapsed().saturating_sub(tick).as_micros() as u64);
        }
        late
    })
}

fn one(model: &str, threads: usize, final_threads: usize, early: bool, whole: bool, call: &Path) {
    let options = AnalyzerOptions {
        model: model.to_string(),
        threads,
        ..Default::default()
    };
    let setting = format!(
        "{threads}/{final_threads}{}{}",
        if early { "" } else { " -e" },
        if whole { " -w" } else { "" }
    );
    let mut analyzer = match Analyzer::new(&ModelStore::from_env(), options) {
        Ok(a) => a,
        Err(e) => {
            println!("{model:<8} {setting:>5} skipped: {e}");
            return;
        }
    };
    let live = LiveOptions {
        final_threads,
        early_finals: early,
        final_context: if whole {
            FinalContext::Whole
        } else {
            LiveOptions::default().final_context
        },
        ..LiveOptions::default()
    };
    let audio = CallAudio::from_file(call, CallerChannel::Left).expect("rendered call");
    let audio_s = audio.duration_ms as f64 / 1000.0;
    let (cpu_before, _) = usage();
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let woken = ticker(stop.clone());
    let (player, input) = FilePlayer::start(audio, 1.0);
    let mut heard = Vec::new();
    let (end, stats) = analyzer
        .run_live(input, live, |e| {
            if let LiveEvent::Final(f) = e {
                heard.push((f.utterance.speaker, f.utterance.text));
            }
            Ok(())
        })
        .expect("live run");
    drop(player);
    stop.store(true, Ordering::Relaxed);
    let late = woken.join().expect("ticker");
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
        "{model:<8} {setting:>8} {:>6} {:>6} {:>6} {:>6} {:>9.3} {:>8.0} {:>7} {:>7} {:>6.1} {:>6.1}   ({} partials, {} finals, early {} used {} dropped, {:.0} s audio in {:.0} s, VAD {:.1} s, worst level {}; final decodes {} whole, {} fitted, a whole one ~{} ms; finals' word recall {:.3}, WER {:.3})",
        percentile(&stats.partial_latencies, 0.5),
        percentile(&stats.partial_latencies, 0.95),
        percentile(&stats.final_latencies, 0.5),
        percentile(&stats.final_latencies, 0.95),
        (cpu_after - cpu_before) / audio_s,
        rss,
        lag_in(true),
        lag_in(false),
        percentile(&late, 0.99) as f64 / 1000.0,
        late.iter().max().copied().unwrap_or(0) as f64 / 1000.0,
        stats.partial_latencies.len(),
        stats.final_latencies.len(),
        stats.early_used,
        stats.early_dropped,
        audio_s,
        wall,
        analyzer.stage_times().vad.as_secs_f64(),
        stats.worst_level.map_or("normal", |l| l.name()),
        stats.whole_decodes,
        stats.fitted_decodes,
        analyzer
            .engine()
            .whole_final_cost()
            .map_or(0, |c| c.as_millis()),
        word_recall(&script(), &heard),
        word_error_rate(&script(), &heard),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let threads = args[i + 2].parse().expect("threads");
        let final_threads = args[i + 3].parse().expect("final threads");
        one(
            &args[i + 1],
            threads,
            final_threads,
            args[i + 4] == "early",
            args[i + 5] == "whole",
            Path::new(&args[i + 6]),
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let call = dir.path().join("live-bench-call.wav");
    render(&script(), &call).expect("espeak-ng and sox are needed (cargo xtask setup)");
    println!("live benchmark at 1x: {}", call.display());
    println!(
        "{:<8} {:>8} {:>6} {:>6} {:>6} {:>6} {:>9} {:>8} {:>7} {:>7} {:>6} {:>6}",
        "model",
        "thr",
        "p50 P",
        "p95 P",
        "p50 F",
        "p95 F",
        "CPU s/s",
        "RSS MiB",
        "lag 1st",
        "lag 2nd",
        "wake99",
        "wake!"
    );
    // The defaults (partials on physical cores - 1, a lone final on every physical core, early
    // finals, a final's context chosen from its measured cost), the same with whisper's whole
    // context always, the same without early finals, then everything on one thread fewer and
    // on every core.
    let defaults = (
        AnalyzerOptions::default().threads,
        LiveOptions::default().final_threads,
        LiveOptions::default().early_finals,
        false,
    );
    let mut settings = vec![
        defaults,
        (defaults.0, defaults.1, defaults.2, true),
        (defaults.0, defaults.1, !defaults.2, false),
    ];
    for t in [defaults.0, num_cpus::get()] {
        if !settings.contains(&(t, t, defaults.2, false)) {
            settings.push((t, t, defaults.2, false));
        }
    }
    for model in ASR_MODELS {
        for (threads, final_threads, early, whole) in &settings {
            let status = Command::new(std::env::current_exe().expect("own path"))
                .args([
                    "--one",
                    model,
                    &threads.to_string(),
                    &final_threads.to_string(),
                    if *early { "early" } else { "late" },
                    if *whole { "whole" } else { "auto" },
                ])
                .arg(&call)
                .status()
                .expect("run one model");
            if !status.success() {
                println!("{model:<8} {threads}/{final_threads} failed ({status})");
            }
        }
    }
    println!("thr = partials' threads / a lone final's threads, -e without early finals, -w with whisper's whole context for every final (the first row per model is the default: whole until a whole-context final's decode costs more than the budget, then fitted); final decodes = finals and early finals decoded with each context, and the engine's estimate of a whole-context final's decode at the end; early = finals decoded while their silence was confirmed, used as the final or dropped; P = partial, F = final latency in ms (end of the audio covered -> event); CPU = process CPU seconds per second of audio; lag = worst final latency (ms) in each half of the call: equal halves mean the lag does not grow; wake = how late (ms) a thread sleeping 10 ms at a time woke, p99 and worst; VAD = time spent in the VAD over the call");
}
