//! Speech segmentation with Silero VAD, run by whisper.cpp.
//!
//! We call the VAD ourselves (`WhisperVadContext::segments_from_samples`) and hand whisper only the
//! speech: the VAD fields of whisper's `FullParams` are silently ignored by `WhisperState::full`.

#[cfg(feature = "vad")]
use crate::AudioError;
use crate::SAMPLE_RATE;
#[cfg(feature = "vad")]
use std::path::Path;
#[cfg(feature = "vad")]
use whisper_rs::{WhisperVadContext, WhisperVadContextParams, WhisperVadParams};

/// A stretch of speech, in samples of the 16 kHz track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechSegment {
    /// First sample.
    pub start: usize,
    /// One past the last sample.
    pub end: usize,
}

impl SpeechSegment {
    /// Start in milliseconds.
    pub fn start_ms(&self) -> u64 {
        self.start as u64 * 1000 / SAMPLE_RATE as u64
    }
    /// End in milliseconds.
    pub fn end_ms(&self) -> u64 {
        self.end as u64 * 1000 / SAMPLE_RATE as u64
    }
}

/// Tuning of the segmentation, in the units a person thinks in.
#[derive(Debug, Clone, Copy)]
pub struct VadOptions {
    /// Speech probability above which a frame is speech.
    pub threshold: f32,
    /// Speech shorter than this is dropped.
    pub min_speech_ms: u32,
    /// Silence shorter than this does not end an utterance.
    pub min_silence_ms: u32,
    /// Utterances longer than this are split.
    pub max_speech_s: f32,
    /// Audio kept on each side of the speech.
    pub pad_ms: u32,
}

impl Default for VadOptions {
    fn default() -> Self {
        VadOptions {
            threshold: 0.5,
            min_speech_ms: 250,
            min_silence_ms: 500,
            max_speech_s: 20.0,
            pad_ms: 120,
        }
    }
}

/// Samples per Silero frame at 16 kHz (32 ms).
pub const VAD_FRAME: usize = 512;

/// Samples of earlier audio to run through the model before the frames a streaming caller wants
/// (0.5 s), so that its recurrent state has settled.
pub const VAD_WARMUP: usize = 16 * VAD_FRAME;

/// Silero VAD loaded into whisper.cpp (the `vad` feature, on by default).
#[cfg(feature = "vad")]
pub struct VoiceActivityDetector {
    ctx: WhisperVadContext,
    options: VadOptions,
}

#[cfg(feature = "vad")]
impl VoiceActivityDetector {
    /// Loads the ggml Silero model at `model`.
    pub fn new(model: &Path, threads: usize, options: VadOptions) -> Result<Self, AudioError> {
        // Route whisper.cpp's logging into `tracing` before it prints anything (idempotent).
        whisper_rs::install_logging_hooks();
        let mut params = WhisperVadContextParams::new();
        params.set_n_threads(threads.max(1) as i32);
        params.set_use_gpu(false);
        let path = model
            .to_str()
            .ok_or_else(|| AudioError::Vad("model path is not UTF-8".into()))?;
        let ctx = WhisperVadContext::new(path, params).map_err(|e| {
            AudioError::Vad(format!("cannot load VAD model {}: {e}", model.display()))
        })?;
        Ok(VoiceActivityDetector { ctx, options })
    }

    /// Silero's speech probability for each [`VAD_FRAME`] of `samples` (the last frame
    /// zero-padded). The model's recurrent state starts afresh on every call, so a caller that
    /// feeds a stream piecewise should repeat some earlier audio first (see [`VAD_WARMUP`]).
    pub fn frame_probabilities(&mut self, samples: &[f32]) -> Result<Vec<f32>, AudioError> {
        if samples.is_empty() {
            return Ok(Vec::new());
        }
        self.ctx
            .detect_speech(samples)
            .map_err(|e| AudioError::Vad(e.to_string()))?;
        Ok(self.ctx.probabilities().to_vec())
    }

    /// The tuning in force.
    pub fn options(&self) -> VadOptions {
        self.options
    }

    /// The speech segments of a 16 kHz track, in order.
    pub fn segments(&mut self, samples: &[f32]) -> Result<Vec<SpeechSegment>, AudioError> {
        if samples.is_empty() {
            return Ok(Vec::new());
        }
        let o = self.options;
        let mut params = WhisperVadParams::new();
        params.set_threshold(o.threshold);
        params.set_min_speech_duration(o.min_speech_ms as i32);
        params.set_min_silence_duration(o.min_silence_ms as i32);
        params.set_max_speech_duration(o.max_speech_s);
        params.set_speech_pad(o.pad_ms as i32);
        let segments = self
            .ctx
            .segments_from_samples(params, samples)
            .map_err(|e| AudioError::Vad(e.to_string()))?;
        // whisper.cpp reports segment bounds in centiseconds.
        let to_sample = |cs: f32| {
            ((cs.max(0.0) as f64 * SAMPLE_RATE as f64 / 100.0) as usize).min(samples.len())
        };
        Ok(segments
            .map(|s| SpeechSegment {
                start: to_sample(s.start),
                end: to_sample(s.end),
            })
            .filter(|s| s.end > s.start)
            .collect())
    }
}
