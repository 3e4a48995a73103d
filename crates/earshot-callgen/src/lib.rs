//! Real speech for the demo, tests and benchmarks: each turn of a script is spoken by a
//! synthetic voice (espeak-ng by default; flite's and festival's voices, built from recordings of
//! real speakers, for the recognition benchmarks), a different one per party, placed on a
//! timeline, and the two parties are merged by sox into one stereo call: caller on the left
//! channel, agent on the right (or swapped).
//!
//! [`pulse::TestPulse`] is a private PulseAudio server to play such calls into, for tests of live
//! capture; [`rtp`] streams them as a recorder would, for tests of the SIPREC receiver.

pub mod desktop;
pub mod pulse;
pub mod rtp;

use earshot_core::Speaker;
use std::path::Path;
use std::process::Command;

/// One turn of a scripted call.
#[derive(Debug, Clone)]
pub struct Turn {
    /// Who says it (caller or agent).
    pub speaker: Speaker,
    /// What is said.
    pub text: String,
}

impl Turn {
    /// A caller turn.
    pub fn caller(text: &str) -> Turn {
        Turn {
            speaker: Speaker::Caller,
            text: text.to_string(),
        }
    }
    /// An agent turn.
    pub fn agent(text: &str) -> Turn {
        Turn {
            speaker: Speaker::Agent,
            text: text.to_string(),
        }
    }
}

/// A synthetic voice that speaks one party's turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// espeak-ng's formant synthesis, by voice name (`en-us`, `en-gb`): no recorded speech in
    /// it, so its spectrum is unlike a person's (its fricatives above 4 kHz carry much of what
    /// whisper hears, which telephone audio cuts).
    Espeak(&'static str),
    /// A flite voice (`slt`, `rms`, `awb`, `kal16`): statistical parametric (the first three)
    /// or diphone (`kal16`) voices built from recordings of real speakers (Debian's `flite`).
    Flite(&'static str),
    /// A festival voice by its name (`cmu_us_slt_arctic_hts`: an HTS voice, Debian's
    /// `festvox-us-slt-hts`), spoken with `text2wave`.
    Festival(&'static str),
}

impl std::fmt::Display for Voice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Voice::Espeak(v) => write!(f, "espeak-ng {v}"),
            Voice::Flite(v) => write!(f, "flite {v}"),
            Voice::Festival(v) => write!(
                f,
                "festival {}",
                v.trim_start_matches("cmu_us_")
                    .trim_end_matches("_arctic_hts")
            ),
        }
    }
}

/// The sample rate of every rendered call: espeak-ng's own (other voices are converted to it).
pub const RENDER_RATE: u32 = 22_050;

/// How a call is rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Silence between turns, in milliseconds.
    pub gap_ms: u32,
    /// Speaking rate in words per minute (espeak-ng voices; the others speak at their own).
    pub words_per_minute: u32,
    /// Put the caller on the right channel instead of the left.
    pub caller_on_right: bool,
    /// The caller's voice.
    pub caller_voice: Voice,
    /// The agent's voice.
    pub agent_voice: Voice,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            gap_ms: 700,
            words_per_minute: 150,
            caller_on_right: false,
            caller_voice: Voice::Espeak("en-us"),
            agent_voice: Voice::Espeak("en-gb"),
        }
    }
}

/// Where each turn landed on the call's timeline.
#[derive(Debug, Clone)]
pub struct RenderedTurn {
    /// The turn.
    pub turn: Turn,
    /// Start in milliseconds.
    pub start_ms: u64,
    /// End in milliseconds.
    pub end_ms: u64,
}

/// Errors from the external tools.
#[derive(Debug, thiserror::Error)]
pub enum CallgenError {
    /// espeak-ng, flite, festival or sox is missing or failed.
    #[error("{tool} failed: {detail} (install espeak-ng, flite, festival and sox, e.g. `cargo xtask setup`)")]
    Tool {
        /// The program.
        tool: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// Reading or writing a WAV file failed.
    #[error("wav: {0}")]
    Wav(#[from] hound::Error),
    /// File system error.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// The demo's sample call: a billing complaint with a card number and security code read out.
pub fn sample_call() -> Vec<Turn> {
    vec![
        Turn::agent("Thank you for calling Northwind Bank, this is Sam. How can I help you today?"),
        Turn::caller("Hi. I was charged twice for the same order and I am really frustrated about it."),
        Turn::agent("I am sorry to hear that. I can fix this for you. Can I have the card number please?"),
        Turn::caller("Sure, the card number is four five three two, zero one five one, one two eight three, zero three six six."),
        Turn::agent("Thank you. And the three digit security code on the back?"),
        Turn::caller("It is seven three nine."),
        Turn::agent("Thanks. I have found the duplicate charge and reversed it. You will see the refund in three days."),
        Turn::caller("Oh that is great, thank you so much. That is a relief."),
    ]
}

/// A longer call (about 80 s): [`sample_call`], then a phone number read out and the goodbyes.
/// The recognition benchmarks' script.
pub fn long_call() -> Vec<Turn> {
    let mut turns = sample_call();
    turns.extend([
        Turn::agent("Is there anything else I can help you with today?"),
        Turn::caller("Yes, can you also update my phone number? It is four one five, five five five, zero one three two."),
        Turn::agent("Done. I have updated the phone number on your account and sent you a confirmation email."),
        Turn::caller("Perfect. I was worried I would have to wait on hold again for an hour."),
        Turn::agent("No problem at all. Thank you for calling Northwind Bank and have a lovely day."),
        Turn::caller("You too, goodbye."),
    ]);
    turns
}

/// Every form in which the sample call's sensitive values (the card number 4532 0151 1283 0366
/// and the security code 739, also in the other generated payment calls) could reach a screen,
/// a log or a file: written, grouped, spaced and spoken, whole and in part. One list for every
/// test that asserts they do not.
pub const SAMPLE_SECRETS: &[&str] = &[
    "4532",
    "0151",
    "1283",
    "0366",
    "4532015112830366",
    "4532 0151",
    "4532-0151",
    "739",
    "7 3 9",
    "seven three nine",
    "four five three",
    "zero one five",
    "one two eight",
    "zero three six",
    "three six six",
];

/// Renders `script` to a stereo WAV at `out` with default options.
pub fn render(script: &[Turn], out: &Path) -> Result<Vec<RenderedTurn>, CallgenError> {
    render_with(script, out, &RenderOptions::default())
}

fn tool(name: &'static str, cmd: &mut Command) -> Result<(), CallgenError> {
    let output = cmd.output().map_err(|e| CallgenError::Tool {
        tool: name,
        detail: e.to_string(),
    })?;
    if !output.status.success() {
        return Err(CallgenError::Tool {
            tool: name,
            detail: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(())
}

/// [`sample_call`] rendered once per process (caller on the left) into a temporary folder
/// that lives as long as the process: the recording tests play.
///
/// # Panics
/// When espeak-ng or sox is missing (`cargo xtask setup` installs them).
pub fn sample_wav() -> &'static std::path::Path {
    static CALL: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    let (_, path) = CALL.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("call.wav");
        render_with(&sample_call(), &path, &RenderOptions::default())
            .expect("espeak-ng and sox render the sample call (cargo xtask setup)");
        (dir, path)
    });
    path
}

/// Speaks `text` with `voice` into `wav`: 16-bit mono at [`RENDER_RATE`].
fn speak(voice: Voice, text: &str, wpm: u32, wav: &Path, tmp: &Path) -> Result<(), CallgenError> {
    let raw = wav.with_extension("raw.wav");
    match voice {
        Voice::Espeak(v) => {
            return tool(
                "espeak-ng",
                Command::new("espeak-ng")
                    .args(["-v", v, "-s", &wpm.to_string(), "-w"])
                    .arg(wav)
                    .arg(text),
            )
        }
        Voice::Flite(v) => tool(
            "flite",
            Command::new("flite")
                .args(["-voice", v, "-t", text, "-o"])
                .arg(&raw),
        )?,
        Voice::Festival(v) => {
            let txt = tmp.join("turn.txt");
            std::fs::write(&txt, text)?;
            tool(
                "text2wave",
                Command::new("text2wave")
                    .arg(&txt)
                    .args(["-eval", &format!("(voice_{v})"), "-o"])
                    .arg(&raw),
            )?
        }
    }
    tool(
        "sox",
        Command::new("sox")
            .args(["-V1", "-D"])
            .arg(&raw)
            .args(["-r", &RENDER_RATE.to_string(), "-c", "1", "-b", "16"])
            .arg(wav),
    )
}

/// Renders `script` to a stereo WAV at `out`.
pub fn render_with(
    script: &[Turn],
    out: &Path,
    opts: &RenderOptions,
) -> Result<Vec<RenderedTurn>, CallgenError> {
    let tmp = tempfile::tempdir()?;
    let mut rate = 0u32;
    let mut caller: Vec<i16> = Vec::new();
    let mut agent: Vec<i16> = Vec::new();
    let mut cursor = 0usize;
    let mut rendered = Vec::new();
    for (i, turn) in script.iter().enumerate() {
        let wav = tmp.path().join(format!("turn{i}.wav"));
        let voice = if turn.speaker == Speaker::Agent {
            opts.agent_voice
        } else {
            opts.caller_voice
        };
        speak(voice, &turn.text, opts.words_per_minute, &wav, tmp.path())?;
        let mut reader = hound::WavReader::open(&wav)?;
        rate = reader.spec().sample_rate;
        let samples: Vec<i16> = reader.samples::<i16>().collect::<Result<_, _>>()?;
        let track = if turn.speaker == Speaker::Agent {
            &mut agent
        } else {
            &mut caller
        };
        track.resize(cursor, 0);
        track.extend_from_slice(&samples);
        let ms = |n: usize| (n as u64 * 1000) / rate as u64;
        rendered.push(RenderedTurn {
            turn: turn.clone(),
            start_ms: ms(cursor),
            end_ms: ms(cursor + samples.len()),
        });
        cursor += samples.len() + (rate as usize * opts.gap_ms as usize) / 1000;
    }
    caller.resize(cursor, 0);
    agent.resize(cursor, 0);
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate.max(8000),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let (left, right) = if opts.caller_on_right {
        (&agent, &caller)
    } else {
        (&caller, &agent)
    };
    for (name, track) in [("left.wav", left), ("right.wav", right)] {
        let mut w = hound::WavWriter::create(tmp.path().join(name), spec)?;
        for s in track {
            w.write_sample(*s)?;
        }
        w.finalize()?;
    }
    tool(
        "sox",
        Command::new("sox")
            .arg("-M")
            .arg(tmp.path().join("left.wav"))
            .arg(tmp.path().join("right.wav"))
            .arg(out),
    )?;
    Ok(rendered)
}

/// The row and column frequencies (Hz) of a keypad key (`0`–`9`, `*`, `#`, `A`–`D`).
pub fn keypad_frequencies(key: char) -> Option<(f64, f64)> {
    let keys = ["123A", "456B", "789C", "*0#D"];
    let row = keys.iter().position(|r| r.contains(key))?;
    let column = keys[row].find(key)?;
    Some((
        [697.0, 770.0, 852.0, 941.0][row],
        [1209.0, 1336.0, 1477.0, 1633.0][column],
    ))
}

/// Puts `keys` keyed on one party's phone into the 16-bit stereo call at `path` (`channel` 0:
/// left, the caller as rendered by default) at `at_ms` (`None`: after its end), moving what
/// follows later: a second of silence, then each key as a phone sends it in-band, its two
/// tones for 90 ms (each about −20 dBFS) and 70 ms of silence, then two seconds of silence.
/// Returns where each key's tone begins, ms from the call's start.
pub fn insert_keypad_tones(
    path: &Path,
    keys: &str,
    channel: usize,
    at_ms: Option<u64>,
) -> Result<Vec<u64>, CallgenError> {
    let mut reader = hound::WavReader::open(path)?;
    let spec = reader.spec();
    let mut frames: Vec<i16> = reader.samples::<i16>().collect::<Result<_, _>>()?;
    drop(reader);
    let rate = spec.sample_rate as usize;
    let ms = |frame: usize| (frame * 1000 / rate) as u64;
    let cut = at_ms.map_or(frames.len(), |at| {
        (at as usize * rate / 1000 * 2).min(frames.len())
    });
    let rest = frames.split_off(cut);
    frames.resize(frames.len() + rate * 2, 0);
    let (on, off) = (rate * 90 / 1000, rate * 70 / 1000);
    let mut placed = Vec::new();
    for key in keys.chars() {
        let (low, high) = keypad_frequencies(key).ok_or_else(|| CallgenError::Tool {
            tool: "keypad",
            detail: format!("no key {key:?}"),
        })?;
        placed.push(ms(frames.len() / 2));
        for i in 0..on + off {
            let t = i as f64 / rate as f64;
            let tone = if i < on {
                3000.0
                    * ((2.0 * std::f64::consts::PI * low * t).sin()
                        + (2.0 * std::f64::consts::PI * high * t).sin())
            } else {
                0.0
            };
            let mut frame = [0i16; 2];
            frame[channel.min(1)] = tone as i16;
            frames.extend(frame);
        }
    }
    frames.resize(frames.len() + rate * 4, 0);
    frames.extend(rest);
    let mut writer = hound::WavWriter::create(path, spec)?;
    for s in frames {
        writer.write_sample(s)?;
    }
    writer.finalize()?;
    Ok(placed)
}
