//! The second pass against the live call it replaces, on the generated sample call played at 1×
//! through the live engine (tiny.en, the default threads), then decoded again from its spool
//! with base: word recall of each, the second pass's wall time and real-time factor, and the
//! spool's size on disk; wideband and as a SIPREC fork delivers it (8 kHz G.711 µ-law), spoken
//! by espeak-ng's voices and by flite's (built from recordings of real speakers). Prints
//! figures; asserts nothing about speed.

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render_with, RenderOptions, Voice};
use earshot_core::Speaker;
use earshot_models::ModelStore;
use earshot_pipeline::{
    Analyzer, AnalyzerOptions, FilePlayer, LiveEvent, LiveOptions, PipelineEvent,
};
use earshot_seal::spool::Spool;
use std::path::Path;
use std::time::Instant;

mod common;
use common::word_recall;

fn one(label: &str, call: &Path, dir: &Path) {
    let script = earshot_callgen::sample_call();
    let options = AnalyzerOptions {
        model: "tiny.en".into(),
        second_pass: Some("base".into()),
        ..Default::default()
    };
    let mut analyzer = match Analyzer::new(&ModelStore::from_env(), options) {
        Ok(a) if a.engine().second_pass().is_some() => a,
        _ => {
            println!("{label:<16} skipped: tiny.en and base must be installed");
            return;
        }
    };
    let spool_path = dir.join(format!("{}.spool", label.replace(' ', "-")));
    let spool = Spool::create(&spool_path, &[Speaker::Caller, Speaker::Agent]).expect("spool");
    analyzer.set_spool(Some(spool));
    let audio = CallAudio::from_file(call, CallerChannel::Left).expect("rendered call");
    let audio_s = audio.duration_ms as f64 / 1000.0;
    let (player, input) = FilePlayer::start(audio, 1.0);
    let mut live: Vec<(Speaker, String)> = Vec::new();
    analyzer
        .run_live(input, LiveOptions::default(), |e| {
            if let LiveEvent::Final(f) = e {
                live.push((f.utterance.speaker, f.utterance.text));
            }
            Ok(())
        })
        .expect("live run");
    drop(player);
    let mut spool = analyzer.take_spool().expect("the spool was kept whole");
    let reader = spool.finish().expect("spool readable");
    let spool_mb = std::fs::metadata(&spool_path).map_or(0.0, |m| m.len() as f64 / 1e6);
    let started = Instant::now();
    let mut second: Vec<(Speaker, String)> = Vec::new();
    analyzer
        .second_pass(reader, &Default::default(), |e| {
            if let PipelineEvent::Utterance(u, _) = e {
                second.push((u.speaker, u.text));
            }
            Ok(())
        })
        .expect("second pass");
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{label:<16} {:>6.0} {:>12.3} {:>14.3} {:>9.1} {:>6.3} {:>9.2}",
        audio_s,
        word_recall(&script, &live),
        word_recall(&script, &second),
        wall,
        wall / audio_s,
        spool_mb,
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    println!("second pass: live tiny.en at 1x, then base over the spool");
    println!(
        "{:<16} {:>6} {:>12} {:>14} {:>9} {:>6} {:>9}",
        "audio", "secs", "live recall", "second recall", "second s", "RTF", "spool MB"
    );
    for (name, caller, agent) in [
        ("espeak", Voice::Espeak("en-us"), Voice::Espeak("en-gb")),
        ("flite", Voice::Flite("slt"), Voice::Flite("rms")),
    ] {
        let call = dir.path().join(format!("{name}.wav"));
        let opts = RenderOptions {
            caller_voice: caller,
            agent_voice: agent,
            ..Default::default()
        };
        render_with(&earshot_callgen::sample_call(), &call, &opts)
            .expect("espeak-ng, flite and sox are needed (cargo xtask setup)");
        let narrow = call.with_extension("ulaw.wav");
        common::ulaw_copy(&call, &narrow);
        one(&format!("{name} 16 kHz"), &call, dir.path());
        one(&format!("{name} 8 kHz µ"), &narrow, dir.path());
    }
    println!("recall = share of the script's words (per speaker) in that speaker's text; RTF = second-pass wall time / audio duration");
}
