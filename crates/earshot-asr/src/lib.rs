//! Speech recognition with whisper.cpp (through whisper-rs).
//!
//! The engine transcribes one speech segment at a time (the VAD decides what is speech), optionally
//! with the previous text of the same speaker as a prompt. whisper.cpp's own logging is routed into
//! `tracing` under the `whisper_rs` target; it is never allowed above `info` there, because
//! whisper.cpp's debug output can contain decoded text.

pub mod cores;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters, WhisperState,
};

/// Errors from loading or running the recogniser.
#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    /// The model could not be loaded.
    #[error("cannot load whisper model {path}: {reason} (check it with `earshot models verify`; install a good copy with `earshot models install --from FOLDER`)")]
    Load {
        /// Model file.
        path: String,
        /// What whisper.cpp said.
        reason: String,
    },
    /// Inference failed.
    #[error("transcription failed: {0}")]
    Inference(String),
    /// The decoder's stop flag was set (see [`Transcriber::set_stop`]): the decode was cut
    /// short and its text is not returned.
    #[error("transcription stopped")]
    Stopped,
}

/// How the recogniser runs.
#[derive(Debug, Clone)]
pub struct AsrOptions {
    /// CPU threads for one decode.
    pub threads: usize,
    /// Spoken language (`en`), or `None` to detect (multilingual models only).
    pub language: Option<String>,
}

impl Default for AsrOptions {
    fn default() -> Self {
        AsrOptions {
            threads: default_threads(),
            language: Some("en".into()),
        }
    }
}

/// The log directive every binary adds on top of the user's filter (`RUST_LOG` included):
/// whisper.cpp's messages, routed to `tracing` under `whisper_rs`, capped at `warn`, because its
/// debug output can contain decoded text. One place for the rule; the CLI and the app apply it.
pub const LOG_CAP: &str = "whisper_rs=warn";

/// The physical cores this process may use (at least one): the machine's, less those outside
/// its affinity mask or beyond its CPU quota ([`cores`]).
pub fn physical_cores() -> usize {
    cores::cores().physical
}

/// Physical cores this process may use, minus one (leave a core for capture and the UI), at
/// least one.
pub fn default_threads() -> usize {
    physical_cores().saturating_sub(1).max(1)
}

/// A piece of recognised text with its time, relative to the start of the samples given.
///
/// Its `Debug` leaves the text out: raw recognised text may hold sensitive values and must reach
/// no log line before redaction.
#[derive(Clone, PartialEq)]
pub struct AsrSegment {
    /// Start in milliseconds.
    pub start_ms: u64,
    /// End in milliseconds.
    pub end_ms: u64,
    /// Recognised text (raw: not yet redacted, never to be shown or stored as is).
    pub text: String,
}

impl std::fmt::Debug for AsrSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsrSegment")
            .field("start_ms", &self.start_ms)
            .field("end_ms", &self.end_ms)
            .field(
                "text",
                &format_args!("<{} chars, unredacted>", self.text.chars().count()),
            )
            .finish()
    }
}

/// A loaded whisper model: its weights, loaded once and shared by every [`Transcriber`] made
/// from it (each holds only its own decoding state: buffers and caches).
pub struct WhisperModel {
    ctx: WhisperContext,
    multilingual: bool,
    aligned: bool,
}

/// The alignment heads whisper.cpp's DTW timestamps use for the ggml model at `model`, from its
/// header (audio layers and vocabulary size tell the model apart); `None` for a model it has no
/// preset for.
fn alignment_preset(model: &Path) -> Option<DtwModelPreset> {
    use std::io::Read;
    let mut header = [0u8; 4 * 6];
    std::fs::File::open(model)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    let field =
        |i: usize| i32::from_le_bytes(header[i * 4..i * 4 + 4].try_into().expect("4 bytes"));
    // magic, n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer
    let (english, layers) = (field(1) == 51_864, field(5));
    Some(match (layers, english) {
        (4, true) => DtwModelPreset::TinyEn,
        (4, false) => DtwModelPreset::Tiny,
        (6, true) => DtwModelPreset::BaseEn,
        (6, false) => DtwModelPreset::Base,
        (12, true) => DtwModelPreset::SmallEn,
        (12, false) => DtwModelPreset::Small,
        (24, true) => DtwModelPreset::MediumEn,
        (24, false) => DtwModelPreset::Medium,
        _ => return None,
    })
}

impl WhisperModel {
    /// Loads the ggml model at `model`.
    pub fn load(model: &Path) -> Result<Arc<WhisperModel>, AsrError> {
        Self::load_with(model, false)
    }

    /// Loads the ggml model at `model` with whisper.cpp's DTW token timestamps on (its
    /// alignment heads), which time each word closely enough for
    /// [`Transcriber::transcribe_joined`] to send words back to their parts. Every decode on
    /// this model pays for an alignment pass; a model whisper.cpp has no alignment heads for
    /// loads without it (and joined words fall back to whisper's own timestamps).
    pub fn load_aligned(model: &Path) -> Result<Arc<WhisperModel>, AsrError> {
        Self::load_with(model, true)
    }

    fn load_with(model: &Path, aligned: bool) -> Result<Arc<WhisperModel>, AsrError> {
        whisper_rs::install_logging_hooks();
        let load = |reason: String| AsrError::Load {
            path: model.display().to_string(),
            reason,
        };
        let path = model
            .to_str()
            .ok_or_else(|| load("path is not UTF-8".into()))?;
        let mut params = WhisperContextParameters::default();
        params.use_gpu(false);
        // Flash attention stays off, whatever a wrapper's default: on this CPU path whisper.cpp
        // 1.8.3 decodes a segment with it 1.56x slower, and its DTW timing cannot run with it
        // (README, Performance; ARCHITECTURE.md, Decisions).
        params.flash_attn(false);
        let preset = aligned.then(|| alignment_preset(model)).flatten();
        let aligned = preset.is_some();
        if let Some(model_preset) = preset {
            params.dtw_parameters(DtwParameters {
                mode: DtwMode::ModelPreset { model_preset },
                ..Default::default()
            });
        }
        let ctx = WhisperContext::new_with_params(path, params).map_err(|e| load(e.to_string()))?;
        let multilingual = ctx.is_multilingual();
        Ok(Arc::new(WhisperModel {
            ctx,
            multilingual,
            aligned,
        }))
    }

    /// A decoder on this model: its own state, the weights shared.
    pub fn transcriber(self: &Arc<Self>, options: AsrOptions) -> Result<Transcriber, AsrError> {
        let state = self.ctx.create_state().map_err(|e| AsrError::Load {
            path: "(loaded model)".into(),
            reason: e.to_string(),
        })?;
        Ok(Transcriber {
            model: self.clone(),
            state,
            options,
            stop: None,
            steps: AtomicUsize::new(0),
            unprompted: false,
        })
    }
}

/// A whisper decoder: a shared [`WhisperModel`] and a decoding state of its own.
pub struct Transcriber {
    model: Arc<WhisperModel>,
    state: WhisperState,
    options: AsrOptions,
    stop: Option<Arc<AtomicBool>>,
    steps: AtomicUsize,
    unprompted: bool,
}

impl Transcriber {
    /// Loads the ggml model at `model` (for itself alone; share a [`WhisperModel`] instead when
    /// several decoders run on one model).
    pub fn new(model: &Path, options: AsrOptions) -> Result<Transcriber, AsrError> {
        WhisperModel::load(model)?.transcriber(options)
    }

    /// The options in force.
    pub fn options(&self) -> &AsrOptions {
        &self.options
    }

    /// Sets the flag that cuts the next decodes short: whisper.cpp looks at it between the
    /// steps of its encoder graph and after each decoded token, and a decode that sees it set
    /// ends with [`AsrError::Stopped`] (a decode started with it set does no work). `None`:
    /// decodes always run to their end.
    pub fn set_stop(&mut self, stop: Option<Arc<AtomicBool>>) {
        self.stop = stop;
    }

    /// The decoder steps (tokens weighed, over every temperature and window) of the last
    /// whisper run: what its cost grows with besides the encoder, and what whisper's re-decodes
    /// at higher temperatures multiply (see [`Decode::single_pass`]).
    pub fn last_steps(&self) -> usize {
        self.steps.load(Ordering::Relaxed)
    }

    /// Whether the last [`Transcriber::transcribe_with`] came back empty with its prompt and
    /// was decoded again without it (see [`Decode::prompt`]).
    pub fn last_unprompted(&self) -> bool {
        self.unprompted
    }

    /// Sets the CPU threads of the next decodes (at least one).
    pub fn set_threads(&mut self, threads: usize) {
        self.options.threads = threads.max(1);
    }

    /// Transcribes 16 kHz mono `samples`; `prompt` is earlier text of the conversation, if any.
    pub fn transcribe(
        &mut self,
        samples: &[f32],
        prompt: Option<&str>,
    ) -> Result<Vec<AsrSegment>, AsrError> {
        self.transcribe_with(
            samples,
            Decode {
                prompt,
                ..Decode::default()
            },
        )
    }

    /// Transcribes 16 kHz mono `samples` with per-call decoding choices.
    pub fn transcribe_with(
        &mut self,
        samples: &[f32],
        decode: Decode<'_>,
    ) -> Result<Vec<AsrSegment>, AsrError> {
        if samples.is_empty() {
            return Ok(Vec::new());
        }
        // Whisper needs at least one second; pad short segments with silence.
        let min = 16_000 + 1_600;
        let padded;
        let input = if samples.len() < min {
            padded = [samples, &vec![0.0; min - samples.len()]].concat();
            &padded[..]
        } else {
            samples
        };
        let limit_ms = samples.len() as u64 * 1000 / 16_000;
        let prompt = decode.prompt.filter(|p| !p.is_empty());
        self.unprompted = false;
        let out = self.pass(input, limit_ms, decode, prompt)?;
        if out.is_empty() && prompt.is_some() {
            // A prompt can make whisper end at once on speech it hears without one: decoded
            // after the prompt "It is ." (a redacted line), a six-second turn came back empty.
            self.unprompted = true;
            return self.pass(input, limit_ms, decode, None);
        }
        Ok(out)
    }

    /// One whisper run over `input` (padded samples, `limit_ms` of them real) with `prompt`.
    fn pass(
        &mut self,
        input: &[f32],
        limit_ms: u64,
        decode: Decode<'_>,
        prompt: Option<&str>,
    ) -> Result<Vec<AsrSegment>, AsrError> {
        let mut params = base_params(&self.options, self.model.multilingual);
        if let Some(p) = prompt {
            params.set_initial_prompt(p);
        }
        if decode.fit_context.is_some() {
            params.set_audio_ctx(encoder_frames(input.len(), decode.fit_context) as i32);
        }
        if decode.single_pass {
            params.set_temperature_inc(0.0);
        }
        cap_tokens(&mut params, input.len());
        full(
            &mut self.state,
            params,
            input,
            self.stop.as_ref(),
            &self.steps,
        )?;
        let mut out = Vec::new();
        for seg in self.state.as_iter() {
            let text = seg
                .to_str_lossy()
                .map_err(|e| AsrError::Inference(e.to_string()))?
                .trim()
                .to_string();
            if text.is_empty() || is_non_speech(&text) {
                continue;
            }
            let start_ms = (seg.start_timestamp().max(0) as u64 * 10).min(limit_ms);
            let end_ms = (seg.end_timestamp().max(0) as u64 * 10)
                .min(limit_ms)
                .max(start_ms);
            out.push(AsrSegment {
                start_ms,
                end_ms,
                text,
            });
        }
        Ok(out)
    }
}

/// Silence put between the parts of a joined decode (1 s: whisper ends a segment at a pause).
pub const JOIN_GAP: usize = 16_000;

/// The longest audio [`Transcriber::transcribe_joined`] takes at once: whisper's window, less a
/// margin.
pub const JOIN_MAX_SAMPLES: usize = 28 * 16_000;

impl Transcriber {
    /// Transcribes several 16 kHz mono `parts` of one speaker in **one** whisper pass: they are
    /// joined with a second of silence between them (at most [`JOIN_MAX_SAMPLES`] in all), so
    /// one 30-s encoder pass serves them all, and each recognised word goes back to the part
    /// its timestamp falls in. Returns each part's words, times relative to that part. When
    /// whisper skips a part (one of a second or more gets no word), every part is decoded alone
    /// instead.
    pub fn transcribe_joined(
        &mut self,
        parts: &[&[f32]],
    ) -> Result<Vec<Vec<AsrSegment>>, AsrError> {
        let mut joined: Vec<f32> = Vec::new();
        let mut spans = Vec::with_capacity(parts.len());
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                joined.extend(std::iter::repeat_n(0.0, JOIN_GAP));
            }
            spans.push((joined.len(), p.len()));
            joined.extend_from_slice(p);
        }
        let mut out: Vec<Vec<AsrSegment>> = vec![Vec::new(); parts.len()];
        if joined.is_empty() {
            return Ok(out);
        }
        let min = 16_000 + 1_600;
        if joined.len() < min {
            joined.resize(min, 0.0);
        }
        let words = if self.model.aligned {
            self.aligned_words(&joined)?
        } else {
            self.timed_words(&joined)?
        };
        for (text, t0, t1) in words {
            let part = if self.model.aligned {
                // The last part begun by the word's DTW time. Alignment is late, not early,
                // around silence: a part's last word is often timed inside the gap after it
                // (the silence taken as part of the word); a first word timed before its part
                // was not seen on our corpora (tests/joined.rs checks the placement).
                spans
                    .iter()
                    .rposition(|(start, _)| t0 >= *start)
                    .unwrap_or(0)
            } else {
                // The part whose span, with half of each neighbouring gap, holds the middle of
                // whisper's own timing of the word.
                let mid = (t0 + t1.max(t0)) / 2;
                spans
                    .iter()
                    .rposition(|(start, _)| mid + JOIN_GAP / 2 >= *start)
                    .unwrap_or(0)
            };
            let (start, len) = spans[part];
            let rel = |t: usize| (t.saturating_sub(start).min(len) as u64) * 1000 / 16_000;
            out[part].push(AsrSegment {
                start_ms: rel(t0),
                end_ms: rel(t1).max(rel(t0)),
                text,
            });
        }
        sentences_rejoined(&mut out, &spans);
        // Whisper may skip parts of a joined window outright: spelled letters ("K, O, W, A …")
        // between ordinary sentences came out as nothing, and the one sentence it kept was
        // timed into the last part. A part of a second or more with no word is such a skip, and
        // then the whole window is decoded part by part (each alone, whisper's own 30-s
        // context), as without joining.
        let skipped = parts.len() > 1
            && out
                .iter()
                .zip(parts)
                .any(|(words, part)| words.is_empty() && part.len() >= JOIN_GAP);
        if skipped {
            tracing::info!(
                parts = parts.len(),
                "a joined decode skipped a part: decoding each part alone"
            );
            for (words, part) in out.iter_mut().zip(parts) {
                *words = self.transcribe(part, None)?;
            }
        }
        Ok(out)
    }

    /// Words with whisper's own timestamps (one segment per word), in samples.
    fn timed_words(&mut self, audio: &[f32]) -> Result<Vec<(String, usize, usize)>, AsrError> {
        let mut params = base_params(&self.options, self.model.multilingual);
        cap_tokens(&mut params, audio.len());
        params.set_token_timestamps(true);
        params.set_max_len(1);
        params.set_split_on_word(true);
        full(
            &mut self.state,
            params,
            audio,
            self.stop.as_ref(),
            &self.steps,
        )?;
        let mut words = Vec::new();
        for seg in self.state.as_iter() {
            let text = seg
                .to_str_lossy()
                .map_err(|e| AsrError::Inference(e.to_string()))?
                .trim()
                .to_string();
            if text.is_empty() || is_non_speech(&text) {
                continue;
            }
            words.push((
                text,
                seg.start_timestamp().max(0) as usize * 160,
                seg.end_timestamp().max(0) as usize * 160,
            ));
        }
        Ok(words)
    }

    /// Words timed by whisper.cpp's DTW alignment (a word's time is its first token's), in
    /// samples; a word ends where the next one starts (or at its segment's end).
    fn aligned_words(&mut self, audio: &[f32]) -> Result<Vec<(String, usize, usize)>, AsrError> {
        let mut params = base_params(&self.options, self.model.multilingual);
        cap_tokens(&mut params, audio.len());
        full(
            &mut self.state,
            params,
            audio,
            self.stop.as_ref(),
            &self.steps,
        )?;
        let eot = self.model.ctx.token_eot();
        let mut words: Vec<(String, usize, usize)> = Vec::new();
        for seg in self.state.as_iter() {
            let seg_end = seg.end_timestamp().max(0) as usize * 160;
            let first = words.len();
            for i in 0..seg.n_tokens() {
                let Some(token) = seg.get_token(i) else {
                    continue;
                };
                if token.token_id() >= eot {
                    continue; // special and timestamp tokens
                }
                let piece = token
                    .to_str_lossy()
                    .map_err(|e| AsrError::Inference(e.to_string()))?
                    .to_string();
                let at = token.token_data().t_dtw.max(0) as usize * 160;
                let continues = words.len() > first && !piece.starts_with(' ');
                match words.last_mut() {
                    Some(w) if continues => w.0.push_str(&piece),
                    _ => words.push((piece.trim().to_string(), at, at)),
                }
            }
            for i in first..words.len() {
                words[i].2 = words.get(i + 1).map_or(seg_end, |w| w.1).max(words[i].1);
            }
        }
        words.retain(|(text, ..)| !text.is_empty() && !is_non_speech(text));
        Ok(words)
    }
}

/// Runs whisper over `audio`, cut short once `stop` is set.
fn full(
    state: &mut WhisperState,
    mut params: FullParams<'_, '_>,
    audio: &[f32],
    stop: Option<&Arc<AtomicBool>>,
    steps: &AtomicUsize,
) -> Result<(), AsrError> {
    /// whisper.cpp's abort callback: its data is the stop flag.
    unsafe extern "C" fn stopped(flag: *mut std::ffi::c_void) -> bool {
        // SAFETY: `flag` is the `AtomicBool` of the `Arc` that `full` holds until whisper
        // returns, and it is only read.
        unsafe { (*(flag as *const AtomicBool)).load(Ordering::Relaxed) }
    }
    /// whisper.cpp's logits filter, called once per decoder step: its data is the step count.
    unsafe extern "C" fn stepped(
        _: *mut whisper_rs_sys::whisper_context,
        _: *mut whisper_rs_sys::whisper_state,
        _: *const whisper_rs_sys::whisper_token_data,
        _: std::ffi::c_int,
        _: *mut f32,
        count: *mut std::ffi::c_void,
    ) {
        // SAFETY: `count` is the `AtomicUsize` that `full` borrows until whisper returns.
        unsafe { (*(count as *const AtomicUsize)).fetch_add(1, Ordering::Relaxed) };
    }
    steps.store(0, Ordering::Relaxed);
    // SAFETY: the callback only adds to the counter, which outlives this call to whisper
    // (`steps` is borrowed for all of it), atomically, whichever thread whisper.cpp calls it on;
    // it leaves the logits as they are.
    unsafe {
        params.set_filter_logits_callback(Some(stepped));
        params.set_filter_logits_callback_user_data(steps as *const AtomicUsize as *mut _);
    }
    if let Some(flag) = stop {
        if flag.load(Ordering::Relaxed) {
            return Err(AsrError::Stopped);
        }
        // SAFETY: the callback only reads the flag, which outlives this call to whisper
        // (`stop` is borrowed for all of it); whisper.cpp calls it on its own threads, and an
        // atomic may be read from any thread. The safe setter would leak a box per decode.
        unsafe {
            params.set_abort_callback(Some(stopped));
            params.set_abort_callback_user_data(Arc::as_ptr(flag) as *mut std::ffi::c_void);
        }
    }
    let result = state.full(params, audio);
    match (result, stop) {
        (_, Some(flag)) if flag.load(Ordering::Relaxed) => Err(AsrError::Stopped),
        (r, _) => r.map(drop).map_err(|e| AsrError::Inference(e.to_string())),
    }
}

/// The decoding parameters every pass shares: greedy, the configured threads and language
/// (English for an English-only model), nothing printed, no blank output, no carried context.
fn base_params(options: &AsrOptions, multilingual: bool) -> FullParams<'_, '_> {
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    params.set_n_threads(options.threads.max(1) as i32);
    let language = if multilingual {
        options.language.as_deref()
    } else {
        Some("en")
    };
    params.set_language(language);
    params.set_detect_language(multilingual && language.is_none());
    params.set_print_special(false);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    params.set_suppress_blank(true);
    params.set_no_context(true);
    params
}

/// Per-call decoding choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decode<'a> {
    /// Earlier text of the conversation, given to whisper as its prompt. A decode that comes
    /// back empty with a prompt is decoded again without one: whisper, prompted, can end at
    /// once on speech it transcribes unprompted.
    pub prompt: Option<&'a str>,
    /// Shrink the encoder's context from whisper's fixed 30 s to the audio's length plus a
    /// second, but to no fewer encoder frames (50 a second, 1500 in all) than this floor; `None`
    /// keeps the whole 30 s. The encoder's cost falls in proportion, which is what makes
    /// re-decoding an utterance in progress affordable; below [`MIN_FITTED_CONTEXT`] accuracy
    /// falls apart.
    pub fit_context: Option<usize>,
    /// Decode once, greedily at temperature 0. By default whisper judges its text (too
    /// repetitive, or too improbable) and decodes again at rising temperatures, up to five more
    /// times: better text on a hard stretch, but a decode that usually takes a fraction of a
    /// second can then take ten times as long. For text that is soon replaced (a partial) or
    /// that must come quickly (a final when the engine is behind), one pass bounds the cost.
    pub single_pass: bool,
}

/// The fewest encoder frames a fitted context gets (512, about ten seconds). Measured on
/// tiny.en: at 256 a short "it is 7 3 9" came out as "it is 7th read iron"; from 512 on it is
/// right, and a decode of a few seconds takes ~0.39 s instead of ~1.4 s on one thread.
pub const MIN_FITTED_CONTEXT: usize = 512;

/// The tokens one decoder pass may sample for `audio_ms` of audio: [`TOKEN_SLACK`] plus
/// [`TOKENS_PER_SECOND`] a second. Every pass of every decode stops there (whisper.cpp's
/// `max_tokens`, which ends a pass as its end-of-text token does). Whisper caught in a
/// repetition loop ("7 7 7 …" long after the speaker stopped) samples until its text context is
/// half full, 220 tokens, and, unless the decode is single-pass, again at each higher
/// temperature: on tiny.en one partial of 5.6 s took 1.26 s instead of about 0.4 s, and one
/// final of 3.8 s took 3.3 s instead of about 0.5 s, which is what sent live calls into
/// degrading. Speech takes far fewer: every decode of those calls that was no loop took at
/// most half its cap, and a card read digit by digit under 3 a second (`tests/single_pass.rs`
/// in earshot-pipeline), so the cap ends loops, not speech.
pub fn max_tokens(audio_ms: u64) -> usize {
    TOKEN_SLACK + (audio_ms.div_ceil(1000) as usize) * TOKENS_PER_SECOND
}

/// Caps every pass of a whisper run over `samples` (16 kHz) at [`max_tokens`].
fn cap_tokens(params: &mut FullParams<'_, '_>, samples: usize) {
    let cap = max_tokens(samples as u64 * 1000 / 16_000);
    // whisper.cpp ends a pass once the index of its last token reaches `max_tokens`: one
    // token more than that.
    params.set_max_tokens(cap.saturating_sub(1) as i32);
}

/// Tokens a second of audio a pass may take in [`max_tokens`].
pub const TOKENS_PER_SECOND: usize = 8;

/// Tokens any pass may take besides [`TOKENS_PER_SECOND`] (timestamps, the first words).
pub const TOKEN_SLACK: usize = 32;

/// Whisper's whole encoder context in frames (30 s).
pub const FULL_CONTEXT: usize = 1500;

/// The encoder frames a decode of `samples` at 16 kHz runs with under `fit` (see
/// [`Decode::fit_context`]): with a floor, the samples' frames plus a second's margin, at least
/// the floor (itself at least [`MIN_FITTED_CONTEXT`]) and at most [`FULL_CONTEXT`]; without
/// one, [`FULL_CONTEXT`].
pub fn encoder_frames(samples: usize, fit: Option<usize>) -> usize {
    match fit {
        None => FULL_CONTEXT,
        Some(floor) => (samples.div_ceil(320) + 50)
            .clamp(floor.clamp(MIN_FITTED_CONTEXT, FULL_CONTEXT), FULL_CONTEXT),
    }
}

/// Gives a part back the end of its sentence that a joined decode put at the start of the next
/// part (`spans`: each part's start and length in samples). Word timing is late around the
/// gaps, and a part's last word can land past the second of silence after it: "Can I take
/// your" - "surname? And your first name?" (base at 16 kHz, round 62), "What's your mother's
/// maiden" - "name? And the name of …" (round 59). A part that ends with no stop, before one
/// that opens in lower case with a word or two ending in a stop (not an ellipsis) and then a
/// new sentence, gets those words back, timed at its end.
fn sentences_rejoined(parts: &mut [Vec<AsrSegment>], spans: &[(usize, usize)]) {
    // An ellipsis trails off ("May the birth... March 15, …"): no stop.
    let stop = |w: &str| w.ends_with(['.', '?', '!']) && !w.ends_with("..");
    for i in 1..parts.len() {
        let open = parts[i - 1].last().is_some_and(|w| !stop(&w.text));
        let next = &parts[i];
        let lower = next
            .first()
            .is_some_and(|w| w.text.starts_with(|c: char| c.is_lowercase()));
        let Some(k) = next.iter().take(2).position(|w| stop(&w.text)) else {
            continue;
        };
        let new_sentence = next
            .get(k + 1)
            .is_some_and(|w| w.text.starts_with(|c: char| c.is_uppercase()));
        if !(open && lower && new_sentence) {
            continue;
        }
        let end_ms = (spans[i - 1].1 as u64) * 1000 / 16_000;
        let moved: Vec<AsrSegment> = parts[i]
            .drain(..=k)
            .map(|w| AsrSegment {
                start_ms: end_ms,
                end_ms,
                text: w.text,
            })
            .collect();
        parts[i - 1].extend(moved);
    }
}

/// Whisper's annotations for non-speech (`[BLANK_AUDIO]`, `(music)`, `[ Silence ]`).
fn is_non_speech(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('[') && t.ends_with(']')) || (t.starts_with('(') && t.ends_with(')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whisper_annotations_are_not_speech() {
        assert!(is_non_speech("[BLANK_AUDIO]"));
        assert!(is_non_speech(" (music) "));
        assert!(!is_non_speech("my card is [really] old"));
    }

    fn words(said: &str) -> Vec<AsrSegment> {
        said.split(' ')
            .enumerate()
            .map(|(i, w)| AsrSegment {
                start_ms: 100 * i as u64,
                end_ms: 100 * i as u64 + 90,
                text: w.to_string(),
            })
            .collect()
    }

    fn texts(parts: &[Vec<AsrSegment>]) -> Vec<String> {
        parts
            .iter()
            .map(|p| {
                p.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn a_sentences_end_put_in_the_next_part_goes_back() {
        // Round 62, base at 16 kHz for the agent's "Can I take your surname?" and, after the
        // caller's turn, "And your first name?": "surname?" came out at the start of the second.
        let spans = [(0, 24_000), (40_000, 32_000)];
        let mut parts = vec![
            words("Can I take your"),
            words("surname? And your first name?"),
        ];
        sentences_rejoined(&mut parts, &spans);
        assert_eq!(
            texts(&parts),
            ["Can I take your surname?", "And your first name?"]
        );
        // Timed at the end of the part it went back to (1.5 s).
        assert_eq!(parts[0][4].start_ms, 1_500);
        // Two words ("the Earth? Thank you, …", base on µ-law for "… your name on the
        // account?").
        let mut parts = vec![
            words("For security, can you give me your name on"),
            words("the Earth? Thank you, and the first line."),
        ];
        sentences_rejoined(&mut parts, &spans);
        assert_eq!(parts[0].len(), 11);
        assert_eq!(texts(&parts)[1], "Thank you, and the first line.");
        // Controls: a part that ended its sentence, a next part opening with a capital, a
        // sentence that goes on for more than two words, and one that is the whole part.
        for (first, second) in [
            ("Can I take your surname?", "and your first name? Thanks."),
            ("Can I take your", "Surname? And your first name?"),
            ("I need the BSB and", "the account number. Thanks."),
            ("I need the BSB and", "the number."),
            ("It's the seventh", "and the eighth"),
            ("May the", "birth... March 15, 19th, and your zip code..."),
        ] {
            let mut parts = vec![words(first), words(second)];
            sentences_rejoined(&mut parts, &spans);
            assert_eq!(texts(&parts), [first, second]);
        }
    }

    #[test]
    fn debug_output_leaves_raw_text_out() {
        let seg = AsrSegment {
            start_ms: 0,
            end_ms: 10,
            text: "card 4532 0151".into(),
        };
        let dbg = format!("{seg:?}");
        assert!(!dbg.contains("4532") && dbg.contains("unredacted"), "{dbg}");
    }

    #[test]
    fn missing_model_is_an_error_naming_the_fix() {
        let err = Transcriber::new(
            Path::new("/nonexistent/ggml-tiny.en.bin"),
            AsrOptions::default(),
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("earshot models"), "{err}");
    }
}
