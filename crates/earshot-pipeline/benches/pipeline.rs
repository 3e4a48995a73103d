//! Real-time factor of the offline pipeline, per model and per stage, on a generated ~1-minute
//! two-speaker stereo call; then every way of decoding it we measured beside whisper.cpp's own,
//! and spoken digit strings against the encoder context (`-- --digits`: that table alone).
//! Prints figures; asserts nothing about speed.

use earshot_callgen::{render, Turn};
use earshot_models::quantize::{whisper_quantized, Quant};
use earshot_models::ModelStore;
use earshot_pipeline::{Analyzer, AnalyzerOptions, PipelineEvent};
use std::time::Instant;

mod common;
use common::{models, word_error_rate, word_recall};

fn script() -> Vec<Turn> {
    earshot_callgen::long_call()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = ModelStore::from_env();
    // `-- --digits`: the digit table alone.
    if std::env::args().any(|a| a == "--digits") {
        digits(&store, dir.path());
        return;
    }
    let call = dir.path().join("bench-call.wav");
    render(&script(), &call).expect("espeak-ng and sox are needed (cargo xtask setup)");
    println!(
        "pipeline benchmark: {} (threads {})",
        call.display(),
        AnalyzerOptions::default().threads
    );
    println!(
        "{:<8} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "model", "audio s", "wall s", "RTF", "decode", "vad", "asr", "redact", "sent."
    );
    for model in models() {
        let opts = AnalyzerOptions {
            model: model.to_string(),
            ..Default::default()
        };
        let load = Instant::now();
        let mut analyzer = match Analyzer::new(&store, opts) {
            Ok(a) => a,
            Err(e) => {
                println!("{model:<8} skipped: {e}");
                continue;
            }
        };
        let load = load.elapsed();
        let started = Instant::now();
        let mut utterances = 0;
        let end = analyzer
            .analyze_file(&call, |e| {
                if let PipelineEvent::Utterance(..) = e {
                    utterances += 1
                }
                Ok(())
            })
            .expect("analysis");
        let wall = started.elapsed().as_secs_f64();
        let audio = end.duration_ms as f64 / 1000.0;
        let t = analyzer.stage_times();
        let rtf = |d: std::time::Duration| d.as_secs_f64() / audio;
        println!(
            "{model:<8} {audio:>9.1} {wall:>9.2} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.5} {:>7.5}   ({utterances} utterances, model load {:.2} s)",
            wall / audio,
            rtf(t.decode),
            rtf(t.vad),
            rtf(t.asr),
            rtf(t.redact),
            rtf(t.sentiment),
            load.as_secs_f64()
        );
    }
    println!(
        "RTF = processing time / audio duration (lower is faster; per-stage columns are RTFs too)"
    );
    context(&store, &call);
    digits(&store, dir.path());
}

/// Spoken digit strings (3 to 10 digits after a short lead-in), the same every run.
fn digit_script() -> Vec<(Turn, Vec<String>)> {
    let leads = [
        "the reference is",
        "it is",
        "my order number is",
        "the code was",
    ];
    let mut seed: u32 = 17;
    let mut next = |n: u32| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) % n
    };
    (0..16)
        .map(|i| {
            let len = 3 + next(8) as usize;
            let figures: Vec<String> = (0..len).map(|_| next(10).to_string()).collect();
            let text = format!("{} {}.", leads[i % leads.len()], figures.join(" "));
            (Turn::caller(&text), figures)
        })
        .collect()
}

/// The digits in decoded text, written or spoken ("oh" as zero), in order.
fn heard_digits(text: &str) -> Vec<String> {
    const WORDS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let mut out = Vec::new();
    for token in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
        if let Some(d) = WORDS.iter().position(|w| *w == token) {
            out.push(d.to_string());
        } else if token == "oh" {
            out.push("0".to_string());
        } else if token.chars().all(|c| c.is_ascii_digit()) {
            out.extend(token.chars().map(|c| c.to_string()));
        }
    }
    out
}

/// Digit error rate against the encoder context: each spoken digit string decoded alone (what a
/// final decodes) with whisper's 30 s and fitted with a floor of 10 to 25 s. The raw text stays
/// in this process (generated figures, no one's secret).
fn digits(store: &ModelStore, dir: &std::path::Path) {
    let script = digit_script();
    let turns: Vec<Turn> = script.iter().map(|(t, _)| t.clone()).collect();
    let wav = dir.join("digits.wav");
    let rendered = render(&turns, &wav).expect("espeak-ng and sox are needed");
    let audio = earshot_audio::CallAudio::from_file(&wav, earshot_audio::CallerChannel::Left)
        .expect("the digit call");
    let caller = audio
        .tracks
        .iter()
        .find(|t| t.speaker == earshot_core::Speaker::Caller)
        .expect("a caller track");
    let expected: usize = script.iter().map(|(_, d)| d.len()).sum();
    println!();
    println!(
        "digits ({} strings of 3-10 digits, {expected} digits, each decoded alone): digit error rate per encoder context",
        script.len()
    );
    println!(
        "{:<8} {:<8} {:>9} {:>10}",
        "model", "context", "wall s", "digit err"
    );
    for model in models() {
        let Ok(weights) = store.locate(model) else {
            println!("{model:<8} skipped: not installed");
            continue;
        };
        let mut asr = earshot_asr::Transcriber::new(&weights, earshot_asr::AsrOptions::default())
            .expect("the model");
        for floor in [None, Some(512), Some(750), Some(1000), Some(1250)] {
            let started = Instant::now();
            let mut errors = 0;
            for ((_, figures), turn) in script.iter().zip(&rendered) {
                let at = |ms: u64| (ms as usize * 16).min(caller.samples.len());
                let samples =
                    &caller.samples[at(turn.start_ms.saturating_sub(200))..at(turn.end_ms + 300)];
                let pieces = asr
                    .transcribe_with(
                        samples,
                        earshot_asr::Decode {
                            prompt: None,
                            fit_context: floor,
                            single_pass: false,
                        },
                    )
                    .expect("decode");
                let text: Vec<String> = pieces.into_iter().map(|p| p.text).collect();
                errors += common::edits(figures, &heard_digits(&text.join(" ")));
            }
            let label = floor.map_or("30 s".to_string(), |f| format!("fit {}s", f / 50));
            println!(
                "{model:<8} {label:<8} {:>9.2} {:>10.3}",
                started.elapsed().as_secs_f64(),
                errors as f64 / expected as f64
            );
        }
    }
}

/// Offline decoding with whisper's fixed 30-s encoder context against the context fitted to
/// each segment: wall time and word recall per model.
fn context(store: &ModelStore, call: &std::path::Path) {
    println!();
    println!("encoder context (offline, same call): whole 30 s per segment, fitted to the segment (at least 10/15/20/25 s), or one 30-s pass for a speaker's joined segments; then whisper.cpp's reference");
    println!(
        "{:<8} {:<8} {:>9} {:>8} {:>12} {:>6}",
        "model", "context", "wall s", "RTF", "word recall", "WER"
    );
    let script = script();
    // The same call as a SIPREC fork delivers it: 8 kHz G.711 µ-law.
    let narrow = call.with_extension("ulaw.wav");
    common::ulaw_copy(call, &narrow);
    for model in models() {
        // Per segment with whisper's whole 30 s, fitted to the segment with a floor of 10, 15,
        // 20 or 25 s of context (512-1250 encoder frames), and joined.
        let fitted = |floor: usize| (format!("fit {}s", floor / 50), Some(floor), false, call);
        for (label, fit, join, file) in [
            ("30 s".to_string(), None, false, call),
            fitted(earshot_asr::MIN_FITTED_CONTEXT),
            fitted(750),
            fitted(1000),
            fitted(1250),
            ("joined".to_string(), None, true, call),
            ("30 s µ".to_string(), None, false, narrow.as_path()),
            ("joined µ".to_string(), None, true, narrow.as_path()),
        ] {
            let opts = AnalyzerOptions {
                model: model.to_string(),
                fit_context: fit,
                join_segments: join,
                ..Default::default()
            };
            let Ok(mut analyzer) = Analyzer::new(store, opts) else {
                println!("{model:<8} skipped: not installed");
                break;
            };
            let started = Instant::now();
            let mut heard = Vec::new();
            let end = analyzer
                .analyze_file(file, |e| {
                    if let PipelineEvent::Utterance(u, _) = e {
                        heard.push((u.speaker, u.text.clone()));
                    }
                    Ok(())
                })
                .expect("analysis");
            let wall = started.elapsed().as_secs_f64();
            println!(
                "{model:<8} {:<8} {wall:>9.2} {:>8.4} {:>12.3} {:>6.3}",
                label,
                wall / (end.duration_ms as f64 / 1000.0),
                word_recall(&script, &heard),
                word_error_rate(&script, &heard)
            );
        }
        let Ok(weights) = store.locate(model) else {
            continue;
        };
        // The same weights in whisper.cpp's q8_0 and q5_0, made here to be measured (not
        // shipped).
        let f16 = std::fs::read(&weights).expect("the model file");
        let mut quantized = Vec::new();
        for quant in [Quant::Q8_0, Quant::Q5_0] {
            let path = call.with_file_name(format!("{model}-{}.bin", quant.name()));
            let bytes = whisper_quantized(&f16, quant).expect("quantized weights");
            std::fs::write(&path, &bytes).expect("the quantized file");
            println!(
                "{model:<8} {} weights: {:.1} MB (f16: {:.1} MB)",
                quant.name(),
                bytes.len() as f64 / 1e6,
                f16.len() as f64 / 1e6
            );
            quantized.push(path);
        }
        let (q8, q5) = (&quantized[0], &quantized[1]);
        for (label, beam, flash, file, weights) in [
            ("wcpp", false, false, call, weights.as_path()),
            ("wcpp fa", false, true, call, weights.as_path()),
            ("wcpp-b5", true, false, call, weights.as_path()),
            ("wcpp µ", false, false, narrow.as_path(), weights.as_path()),
            ("wcpp q8", false, false, call, q8.as_path()),
            ("wcpp q5", false, false, call, q5.as_path()),
        ] {
            let Some((wall, audio, heard)) = reference(store, file, weights, beam, flash) else {
                break;
            };
            println!(
                "{model:<8} {:<8} {wall:>9.2} {:>8.4} {:>12.3} {:>6.3}",
                label,
                wall / audio,
                word_recall(&script, &heard),
                word_error_rate(&script, &heard)
            );
        }
    }
    println!("µ = on the call as 8 kHz G.711 µ-law (what SIPREC delivers)");
    println!("wcpp q8, wcpp q5 = wcpp with the model's weight matrices in q8_0, q5_0 (earshot_models::quantize)");
    println!("wcpp = whisper.cpp's own way (its CLI's): whisper_full over each whole channel with its Silero VAD, same build, model and threads, greedy as ours, flash attention off as ours; wcpp fa = the same with flash attention on (whisper.cpp 1.8.3's own default); wcpp-b5 = the same as wcpp with its CLI's default beam search of 5");
}

/// What each speaker was heard saying.
type Heard = Vec<(earshot_core::Speaker, String)>;

/// whisper.cpp's reference decoding, as its CLI does it: `whisper_full` over each whole channel
/// with whisper.cpp's own Silero VAD (the same ggml VAD model we run), through the same
/// whisper.cpp build, model file and thread count as the analyzer. Greedy like ours, or the
/// CLI's default beam search of 5. Flash attention off as in our decoding (whisper-rs's
/// default), or on (`flash`: whisper.cpp's own default since 1.8). Returns the wall time (model
/// load excluded), the audio's length in seconds and each channel's text.
fn reference(
    store: &ModelStore,
    call: &std::path::Path,
    weights: &std::path::Path,
    beam: bool,
    flash: bool,
) -> Option<(f64, f64, Heard)> {
    use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};
    let vad = store.locate("silero-vad").ok()?;
    let audio = earshot_audio::CallAudio::from_file(call, earshot_audio::CallerChannel::Left)
        .expect("the call");
    let mut context = WhisperContextParameters::default();
    context.flash_attn(flash);
    let ctx = WhisperContext::new_with_params(weights.to_str().expect("a UTF-8 path"), context)
        .expect("whisper model");
    let mut state = ctx.create_state().expect("whisper state");
    let started = Instant::now();
    let mut heard = Vec::new();
    for track in &audio.tracks {
        let mut params = FullParams::new(if beam {
            SamplingStrategy::BeamSearch {
                beam_size: 5,
                patience: -1.0,
            }
        } else {
            SamplingStrategy::Greedy { best_of: 1 }
        });
        params.set_n_threads(AnalyzerOptions::default().threads.max(1) as i32);
        params.set_language(Some("en"));
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_vad_model_path(vad.to_str());
        params.enable_vad(true);
        state.full(params, &track.samples).expect("whisper_full");
        for seg in state.as_iter() {
            let text = seg.to_str_lossy().expect("segment text").trim().to_string();
            heard.push((track.speaker, text));
        }
    }
    Some((
        started.elapsed().as_secs_f64(),
        audio.duration_ms as f64 / 1000.0,
        heard,
    ))
}
