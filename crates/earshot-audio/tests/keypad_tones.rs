//! Keypad tones found in real recordings read as the pipeline reads them (`CallStream`: decoded,
//! resampled to 16 kHz): a card number keyed between a call's turns is heard digit for digit at
//! 16 kHz and through 8 kHz G.711 µ-law, on the caller's track only; and speech — espeak's,
//! flite's, festival's and real people's — and a phone's other sounds (ring, busy and
//! ringback tones, alarms, chimes) are never taken for a key.

use earshot_audio::{CallStream, CallerChannel, ToneDetector, SAMPLE_RATE};
use earshot_callgen::{insert_keypad_tones, render_with, sample_call, RenderOptions, Voice};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every key found per track of `path`, as (key, ms).
fn tones_in(path: &Path) -> Vec<Vec<(char, u64)>> {
    tones_and_length(path).0
}

/// [`tones_in`], and the recording's length in seconds.
fn tones_and_length(path: &Path) -> (Vec<Vec<(char, u64)>>, f64) {
    let mut stream = CallStream::open(path, CallerChannel::Left).expect("a readable recording");
    let mut detectors = vec![ToneDetector::new(); stream.speakers().len()];
    let mut found = vec![Vec::new(); detectors.len()];
    let mut samples_read = 0;
    while let Some(block) = stream.next_block().expect("decodes") {
        samples_read += block[0].len();
        for ((d, f), samples) in detectors.iter_mut().zip(&mut found).zip(block) {
            f.extend(
                d.push(&samples)
                    .into_iter()
                    .map(|t| (t.key, t.at as u64 * 1000 / SAMPLE_RATE as u64)),
            );
        }
    }
    (found, samples_read as f64 / SAMPLE_RATE as f64)
}

/// `wide` as a SIPREC fork carries it: 8 kHz G.711 µ-law, written to `narrow` by sox.
fn to_ulaw(wide: &Path, narrow: &Path) {
    let out = Command::new("sox")
        .arg("-V1")
        .arg(wide)
        .args(["-r", "8000", "-e", "u-law"])
        .arg(narrow)
        .output()
        .expect("sox (cargo xtask setup installs it)");
    assert!(
        out.status.success(),
        "sox: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_card_number_keyed_in_a_call_is_heard_digit_for_digit_on_the_callers_track() {
    let dir = tempfile::tempdir().unwrap();
    let wide = dir.path().join("keyed.wav");
    render_with(&sample_call(), &wide, &RenderOptions::default()).expect("espeak-ng renders");
    let card = "4539148803436467";
    let placed = insert_keypad_tones(&wide, card, 0, None).unwrap();
    let narrow = dir.path().join("keyed.ulaw.wav");
    to_ulaw(&wide, &narrow);
    for path in [&wide, &narrow] {
        let tracks = tones_in(path);
        let keys: String = tracks[0].iter().map(|t| t.0).collect();
        assert_eq!(keys, card, "{}", path.display());
        for ((key, at), placed_ms) in tracks[0].iter().zip(&placed) {
            assert!(
                at.abs_diff(*placed_ms) <= 20,
                "{key} heard at {at} ms, keyed at {placed_ms} ms ({})",
                path.display()
            );
        }
        // The agent's track carries the call's speech only.
        assert!(tracks[1].is_empty(), "{:?}", tracks[1]);
    }
}

/// Debian's `pocketsphinx-testdata`: real people reading and saying card names.
const HUMAN: &str = "/usr/share/pocketsphinx/test/data";

/// Debian's `sound-theme-freedesktop`: a phone's ring, busy and ringback tones, an alarm clock,
/// chimes and bells — tones that are not a keypad's.
const SOUNDS: &str = "/usr/share/sounds/freedesktop/stereo";

fn desktop_sounds() -> Vec<PathBuf> {
    let entries = std::fs::read_dir(SOUNDS).unwrap_or_else(|e| {
        panic!("{SOUNDS}: {e} (apt-get install sound-theme-freedesktop; cargo xtask setup installs it)")
    });
    let mut all: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "oga"))
        .collect();
    all.sort();
    all
}

fn human_recordings() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for sub in ["librivox", "cards"] {
        let dir = Path::new(HUMAN).join(sub);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (apt-get install pocketsphinx-testdata; cargo xtask setup installs it)",
                dir.display()
            )
        });
        all.extend(
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "wav")),
        );
    }
    all.sort();
    all
}

#[test]
fn speech_and_a_phones_other_sounds_are_never_taken_for_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut recordings = Vec::new();
    // The sample call (card number and code read out, numbers said as digits) in three kinds
    // of synthetic voice, each also as a SIPREC fork hears it.
    for (name, caller, agent) in [
        ("espeak", Voice::Espeak("en-us"), Voice::Espeak("en-gb")),
        ("flite", Voice::Flite("slt"), Voice::Flite("rms")),
        (
            "festival",
            Voice::Festival("cmu_us_slt_arctic_hts"),
            Voice::Flite("awb"),
        ),
    ] {
        let wide = dir.path().join(format!("{name}.wav"));
        let options = RenderOptions {
            caller_voice: caller,
            agent_voice: agent,
            ..RenderOptions::default()
        };
        render_with(&sample_call(), &wide, &options).expect("the voices render");
        let narrow = dir.path().join(format!("{name}.ulaw.wav"));
        to_ulaw(&wide, &narrow);
        recordings.push(wide);
        recordings.push(narrow);
    }
    let human = human_recordings();
    assert!(human.len() >= 10, "{human:?}");
    recordings.extend(human);
    let sounds = desktop_sounds();
    assert!(
        sounds
            .iter()
            .any(|p| p.ends_with("phone-incoming-call.oga"))
            && sounds.len() >= 30,
        "{sounds:?}"
    );
    recordings.extend(sounds);
    let mut seconds = 0.0;
    for path in &recordings {
        let (found, length) = tones_and_length(path);
        seconds += length;
        assert!(
            found.iter().all(Vec::is_empty),
            "{}: {found:?}",
            path.display()
        );
    }
    // The control: the recordings hold real speech and sounds, minutes of them.
    println!(
        "{} recordings, {seconds:.0} s of speech and sounds: no key",
        recordings.len()
    );
    assert!(seconds > 120.0, "{seconds:.0} s of speech");
}
