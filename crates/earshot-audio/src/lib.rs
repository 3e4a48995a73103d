//! Audio input: from a file (or, later, a device) to per-speaker 16 kHz mono sample streams, from
//! a stream to the speech segments worth transcribing, and to the keypad tones heard in it.

mod decode;
mod dtmf;
mod resample;
mod stream;
mod vad;

pub use decode::{CallStream, CutShort};
pub use dtmf::{Tone, ToneDetector};
pub use resample::{resample, StreamResampler};
pub use stream::{SpeechEvent, SpeechTracker};
#[cfg(feature = "vad")]
pub use vad::VoiceActivityDetector;
pub use vad::{SpeechSegment, VadOptions, VAD_FRAME, VAD_WARMUP};

use earshot_core::Speaker;
use std::path::Path;

/// Sample rate every downstream stage (VAD, ASR) works at.
pub const SAMPLE_RATE: u32 = 16_000;

/// Errors from reading or segmenting audio. Each says what a person can do about it.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file does not exist or cannot be opened.
    #[error("cannot open {path}: {reason}")]
    Open {
        /// The file.
        path: String,
        /// The OS's reason.
        reason: String,
    },
    /// The file is not audio in a format we read (WAV, FLAC, MP3, OGG/Vorbis).
    #[error("{path} is not a supported audio file ({reason})")]
    NotAudio {
        /// The file.
        path: String,
        /// What the decoder said.
        reason: String,
    },
    /// The file decodes to no samples.
    #[error("{path} contains no audio")]
    Empty {
        /// The file.
        path: String,
    },
    /// A call recording has one (both speakers) or two (caller + agent) channels.
    #[error("{path} has {channels} channels; a call recording must be mono or stereo (left/right = caller/agent)")]
    ChannelCount {
        /// The file.
        path: String,
        /// How many it has.
        channels: usize,
    },
    /// Resampling failed.
    #[error("resampling from {from} Hz failed: {reason}")]
    Resample {
        /// Input rate.
        from: u32,
        /// What rubato said.
        reason: String,
    },
    /// The VAD model could not be loaded or run.
    #[error("voice activity detection failed: {0}")]
    Vad(String),
}

/// Which stereo channel carries the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallerChannel {
    /// Left = caller, right = agent (the default for contact-center recordings).
    #[default]
    Left,
    /// Right = caller, left = agent.
    Right,
}

/// One speaker's audio, 16 kHz mono.
#[derive(Debug, Clone)]
pub struct SpeakerTrack {
    /// Who is on this track.
    pub speaker: Speaker,
    /// Samples in [-1, 1] at [`SAMPLE_RATE`].
    pub samples: Vec<f32>,
}

/// A call read from a file: one track per speaker, 16 kHz, plus its duration.
#[derive(Debug, Clone)]
pub struct CallAudio {
    /// Caller and agent tracks (stereo) or one `unknown` track (mono).
    pub tracks: Vec<SpeakerTrack>,
    /// Duration in milliseconds.
    pub duration_ms: u64,
}

impl CallAudio {
    /// Reads a whole call from a file of any supported format, rate and channel layout (for
    /// short files; a call of any length streams through [`CallStream`]).
    pub fn from_file(path: &Path, caller: CallerChannel) -> Result<CallAudio, AudioError> {
        let mut stream = CallStream::open(path, caller)?;
        let mut tracks: Vec<SpeakerTrack> = stream
            .speakers()
            .iter()
            .map(|&speaker| SpeakerTrack {
                speaker,
                samples: Vec::new(),
            })
            .collect();
        while let Some(block) = stream.next_block()? {
            for (t, b) in tracks.iter_mut().zip(block) {
                t.samples.extend(b);
            }
        }
        Ok(CallAudio {
            tracks,
            duration_ms: stream.duration_ms(),
        })
    }
}
