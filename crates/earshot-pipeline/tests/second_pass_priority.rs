//! A call's second pass decodes at background priority, so that on a 2-core workstation it
//! yields the CPU to the next live call (of this process or another), to capture and to the
//! window: what it reports is reported from a thread nicer than its caller's, while the caller
//! keeps its own priority and the first pass runs at it. Real models (tiny.en, then base over
//! the spool) on a generated call. Linux: niceness is per thread there.
#![cfg(target_os = "linux")]

use earshot_audio::{CallAudio, CallerChannel};
use earshot_callgen::{render, Turn};
use earshot_core::Speaker;
use earshot_models::ModelStore;
use earshot_pipeline::{background, Analyzer, AnalyzerOptions, PipelineEvent};
use earshot_seal::spool::Spool;

fn niceness() -> i32 {
    // SAFETY: reads the calling thread's niceness.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
}

#[test]
fn the_second_pass_decodes_nicer_than_its_caller_and_the_first_pass_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let call = dir.path().join("call.wav");
    render(
        &[
            Turn::agent("Thank you for calling Northwind Bank, how can I help you today?"),
            Turn::caller("Hello, I would like to check the balance of my savings account."),
        ],
        &call,
    )
    .expect("espeak-ng and sox (cargo xtask setup)");
    let options = AnalyzerOptions {
        model: "tiny.en".into(),
        second_pass: Some("base".into()),
        ..AnalyzerOptions::default()
    };
    let mut analyzer = Analyzer::new(&ModelStore::from_env(), options)
        .expect("tiny.en and base are installed (cargo xtask setup)");
    let mine = niceness();

    // The first pass (the control): its events come from the caller's thread, at its priority.
    let mut first = Vec::new();
    analyzer
        .analyze_file(&call, |e| {
            if let PipelineEvent::Utterance(u, _) = e {
                first.push((u.speaker, niceness()));
            }
            Ok(())
        })
        .expect("first pass");
    assert!(first.len() >= 2, "{first:?}");
    assert!(first.iter().all(|&(_, n)| n == mine), "{first:?}");

    // The same audio spooled as a live call's is, then decoded again with base.
    let audio = CallAudio::from_file(&call, CallerChannel::Left).expect("rendered call");
    let mut spool = Spool::create(
        &dir.path().join("call.spool"),
        &[Speaker::Caller, Speaker::Agent],
    )
    .unwrap();
    // In half-second pieces of each speaker in turn, as a live call spools them.
    let piece = 8000;
    let longest = audio.tracks.iter().map(|t| t.samples.len()).max().unwrap();
    for at in (0..longest).step_by(piece) {
        for track in &audio.tracks {
            let part =
                &track.samples[at.min(track.samples.len())..(at + piece).min(track.samples.len())];
            spool.append(track.speaker, part).unwrap();
        }
    }
    let reader = spool.finish().unwrap();
    let mut second = Vec::new();
    analyzer
        .second_pass(reader, &Default::default(), |e| {
            if let PipelineEvent::Utterance(u, _) = e {
                second.push((u.speaker, u.text.to_lowercase(), niceness()));
            }
            Ok(())
        })
        .expect("second pass");
    let expected = (mine + background::NICER_BY).min(19);
    assert!(expected > mine || mine == 19);
    // Both speakers were decoded again, every report from the nicer thread.
    assert!(
        second
            .iter()
            .any(|(s, t, _)| *s == Speaker::Caller && t.contains("balance")),
        "{second:?}"
    );
    assert!(
        second
            .iter()
            .any(|(s, t, _)| *s == Speaker::Agent && t.contains("help")),
        "{second:?}"
    );
    assert!(second.iter().all(|&(_, _, n)| n == expected), "{second:?}");
    // The caller's thread is as it was.
    assert_eq!(niceness(), mine);
}
