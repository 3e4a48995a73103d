//! The offline call pipeline.
//!
//! A file is decoded and split into per-speaker 16 kHz tracks; Silero VAD finds each track's
//! speech; the segments of both speakers are transcribed in time order; each transcript goes
//! through the conversation-aware redactor *before* anything else sees it; sentiment is scored on
//! the redacted text; each finding's original value goes only to the age [`Sealer`]; finalized
//! [`Utterance`]s (with the sealed values) are handed to the caller as they are produced,
//! followed by a [`CallEnd`] with the call's sentiment trend.

use earshot_asr::AsrError;
use earshot_audio::{
    AudioError, CallStream, CallerChannel, SpeechSegment, ToneDetector, VadOptions,
    VoiceActivityDetector, SAMPLE_RATE,
};
use earshot_core::{KeyPress, SealedFinding, SentimentTrend, Speaker, Utterance};
use earshot_models::{ModelError, ModelStore};
use earshot_redact::{Redaction, Redactor};
use earshot_seal::{SealError, Sealer};
use earshot_sentiment::embedding::EmbeddingEngine;
use earshot_sentiment::{call_trend, LexiconEngine, SentimentEngine};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub mod background;
mod cpu;
mod engine;
mod live;
pub mod panics;
pub use earshot_asr::physical_cores;
pub use earshot_core::AudioChunk;
pub use engine::{Engine, PoolStats, Priority, Work};
pub use live::{
    DegradeLevel, Degraded, FilePlayer, Final, FinalContext, LiveEvent, LiveOptions, LiveStats,
    Partial, FINAL_DECODE_BUDGET, FITTED_FINAL_CONTEXT,
};
use std::time::{Duration, Instant};

/// The learned sentiment engine when its model, tokenizer and runtime are installed; the VADER
/// lexicon otherwise. The `CallEnd` record names the one that ran.
pub fn sentiment_engine(store: &ModelStore) -> Box<dyn SentimentEngine> {
    match embedding_engine(store) {
        Ok(engine) => Box::new(engine),
        Err(e) => {
            // A warning, not a note: the call is scored by the weaker engine (and `call_end`
            // names it).
            tracing::warn!(error = %e, "embedding sentiment unavailable; using the lexicon");
            Box::new(LexiconEngine::new())
        }
    }
}

/// The files the learned sentiment engine needs: model, tokenizer, ONNX Runtime.
pub const EMBEDDING_FILES: [&str; 3] = ["minilm-int8", "minilm-tokenizer", "onnxruntime"];

/// The learned sentiment engine from the models in `store` (an error names what is missing).
pub fn embedding_engine(store: &ModelStore) -> Result<EmbeddingEngine, PipelineError> {
    let [model, tokenizer, runtime] = EMBEDDING_FILES.map(|n| store.locate(n));
    EmbeddingEngine::new(&model?, &tokenizer?, &runtime?)
        .map_err(|e| PipelineError::Options(e.to_string()))
}

/// The MiniLM sentence encoder from the models in `store`, when they are in place (the
/// summary's key turns use it; without it they fall back to word overlap).
pub fn sentence_encoder(
    store: &ModelStore,
) -> Option<earshot_sentiment::embedding::SentenceEncoder> {
    let [model, tokenizer, runtime] = EMBEDDING_FILES.map(|n| store.locate(n));
    earshot_sentiment::embedding::SentenceEncoder::new(
        &model.ok()?,
        &tokenizer.ok()?,
        &runtime.ok()?,
    )
    .ok()
}

/// Why calls here would be scored by the lexicon instead of the learned engine (one of its
/// files is missing or damaged), from a cheap check that loads nothing; `None` when they are
/// in place.
pub fn embedding_unavailable(store: &ModelStore) -> Option<String> {
    EMBEDDING_FILES
        .iter()
        .find_map(|n| store.locate(n).err().map(|e| e.to_string()))
}

/// Whisper models the pipeline can run.
pub const ASR_MODELS: &[&str] = &["tiny.en", "base"];

/// What can stop an analysis.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A model is missing, damaged or unknown.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The audio could not be read or segmented.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// Speech recognition failed.
    #[error(transparent)]
    Asr(#[from] AsrError),
    /// The options name something that does not exist.
    #[error("{0}")]
    Options(String),
    /// Sealing a sensitive value failed.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The receiver of the events (a store, a screen) failed; the analysis stopped.
    #[error("{0}")]
    Sink(Box<dyn std::error::Error + Send + Sync>),
    /// Its stop flag was set (a second pass when the process quits): the analysis ended where
    /// it was, its results incomplete.
    #[error("stopped before it ended")]
    Stopped,
}

/// What an event receiver returns: an error stops the analysis.
pub type SinkResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// How to analyze.
#[derive(Debug, Clone)]
pub struct AnalyzerOptions {
    /// Whisper model name (`tiny.en` or `base`).
    pub model: String,
    /// Threads for whisper (the VAD always runs on one).
    pub threads: usize,
    /// Which stereo channel is the caller.
    pub caller_channel: CallerChannel,
    /// Speech segmentation tuning.
    pub vad: VadOptions,
    /// Fit whisper's encoder context to each segment, with this floor in encoder frames (see
    /// `earshot_asr::Decode::fit_context`), for offline decoding; `None` keeps its fixed 30 s.
    /// The pipeline benchmark measures them (time and word recall per floor).
    pub fit_context: Option<usize>,
    /// Decode a speaker's consecutive segments (those the VAD has committed, up to ~28 s with a
    /// second of silence between them) in one whisper pass, each word going back to its segment
    /// by its DTW time (on a copy of the model loaded with alignment on first need), instead of
    /// one pass per segment. Offline only.
    pub join_segments: bool,
    /// The model a live call is decoded again with once it has ended (its stored transcript
    /// and summary replaced: see `Analyzer::second_pass`); `None`, or the live model itself:
    /// no second pass.
    pub second_pass: Option<String>,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions {
            model: "tiny.en".into(),
            threads: earshot_asr::default_threads(),
            caller_channel: CallerChannel::Left,
            vad: VadOptions::default(),
            fit_context: DEFAULT_FIT_CONTEXT,
            join_segments: DEFAULT_JOIN_SEGMENTS,
            second_pass: None,
        }
    }
}

/// Whether offline decoding fits the encoder's context by default (see
/// [`AnalyzerOptions::fit_context`]); set from the pipeline benchmark's figures.
pub const DEFAULT_FIT_CONTEXT: Option<usize> = None;

/// Whether offline decoding joins a speaker's segments by default (see
/// [`AnalyzerOptions::join_segments`]); set from the pipeline benchmark's figures.
pub const DEFAULT_JOIN_SEGMENTS: bool = true;

/// Progress through the call's audio.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Milliseconds of audio transcribed so far (the end of the last segment decoded).
    pub done_ms: u64,
    /// Milliseconds of audio in the call as its file announces (0: not announced).
    pub total_ms: u64,
}

/// The last record of a call.
#[derive(Debug, Clone)]
pub struct CallEnd {
    /// Duration of the recording.
    pub duration_ms: u64,
    /// Quarter means and direction of the call's sentiment.
    pub sentiment_trend: SentimentTrend,
    /// Which sentiment engine produced the scores.
    pub sentiment_engine: &'static str,
    /// Number of utterances.
    pub utterances: usize,
    /// How many of them the sentiment engine could not score (they count in no mean or trend).
    pub unscored: usize,
}

/// The end of a call from each utterance's start and score (`None`: unscored).
pub(crate) fn call_end(
    scored: &[(u64, Option<f32>)],
    duration_ms: u64,
    sentiment_engine: &'static str,
) -> CallEnd {
    let measured: Vec<(u64, f32)> = scored
        .iter()
        .filter_map(|&(start, score)| score.map(|s| (start, s)))
        .collect();
    CallEnd {
        duration_ms,
        sentiment_trend: call_trend(&measured, duration_ms),
        sentiment_engine,
        utterances: scored.len(),
        unscored: scored.len() - measured.len(),
    }
}

/// What the pipeline reports, in order.
#[derive(Debug, Clone)]
pub enum PipelineEvent {
    /// Transcription moved on.
    Progress(Progress),
    /// A finalized, redacted utterance, with its findings' values sealed (or dropped when no
    /// recipients are configured).
    Utterance(Utterance, Vec<SealedFinding>),
    /// The call is done.
    CallEnd(CallEnd),
}

/// Wall time spent per stage, for benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Decoding and resampling.
    pub decode: Duration,
    /// Voice activity detection.
    pub vad: Duration,
    /// Whisper.
    pub asr: Duration,
    /// Sensitive-data detection and redaction.
    pub redact: Duration,
    /// Sentiment scoring.
    pub sentiment: Duration,
}

/// A call's analysis on an [`Engine`]'s models: its own VAD state, sealer and stage times;
/// calls after each other, or at once (one analyzer each) on a shared engine.
pub struct Analyzer {
    engine: Arc<Engine>,
    vad: VoiceActivityDetector,
    sealer: Option<Sealer>,
    options: AnalyzerOptions,
    times: StageTimes,
    /// Where the live call's audio is kept for its second pass, while one is wanted.
    spool: Option<earshot_seal::spool::Spool>,
    /// Where keypad tones heard in the next call's audio go, while someone listens.
    keypad: Option<std::sync::mpsc::Sender<KeyPress>>,
}

struct Pending {
    speaker: Speaker,
    start_ms: u64,
    end_ms: u64,
}

/// Audio a file track's VAD looks at in one go (60 s).
pub const VAD_WINDOW: usize = 60 * SAMPLE_RATE as usize;

/// A segment ending this close to the window's end may still grow (3 s: longer than the
/// minimum silence plus padding that end one).
pub const VAD_GUARD: usize = 3 * SAMPLE_RATE as usize;

/// One track of a file being analyzed: the audio not yet committed, from absolute sample `base`.
struct TrackWindow {
    speaker: Speaker,
    buf: Vec<f32>,
    base: usize,
    /// No segment of this track found from now on can start before this sample.
    frontier: usize,
    /// The window length at which to look again (later when a look committed nothing).
    next_look: usize,
}

/// A committed speech segment and its samples (absolute sample positions).
struct Segment {
    track: usize,
    start: usize,
    end: usize,
    samples: Vec<f32>,
}

impl TrackWindow {
    /// Segments the window and takes out the segments that can no longer change (all of them
    /// at the end of the stream), dropping the audio up to the last one.
    fn commit(
        &mut self,
        vad: &mut VoiceActivityDetector,
        ended: bool,
    ) -> Result<Vec<Segment>, PipelineError> {
        let found = vad.segments(&self.buf)?;
        let limit = if ended {
            usize::MAX
        } else {
            self.buf.len().saturating_sub(VAD_GUARD)
        };
        let committed: Vec<SpeechSegment> = found
            .iter()
            .copied()
            .take_while(|s| s.end <= limit)
            .collect();
        let cut = if ended {
            self.buf.len()
        } else if let Some(last) = committed.last() {
            last.end
        } else if let Some(open) = found.first().filter(|s| s.start < limit) {
            // Speech runs past the guard: keep it and a little before it (the VAD's maximum
            // speech length cuts it within a window).
            open.start.saturating_sub(VAD_LEAD)
        } else {
            // Silence up to the guard: drop it, keeping a little before the guard.
            limit.saturating_sub(VAD_LEAD)
        };
        let out = committed
            .iter()
            .map(|s| Segment {
                track: 0,
                start: self.base + s.start,
                end: self.base + s.end,
                samples: self.buf[s.start..s.end].to_vec(),
            })
            .collect();
        self.buf.drain(..cut);
        self.base += cut;
        self.frontier = if ended { usize::MAX } else { self.base };
        self.next_look = VAD_WINDOW.max(self.buf.len() + VAD_GUARD);
        Ok(out)
    }
}

/// Which pass an analysis is: a file's (or the only one), or a live call's second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Second,
}

/// Audio read as per-track 16 kHz blocks: a file, or a live call's spool.
trait Blocks {
    fn speakers(&self) -> &[Speaker];
    fn duration_hint_ms(&self) -> Option<u64>;
    fn duration_ms(&self) -> u64;
    fn next_block(&mut self) -> Result<Option<Vec<Vec<f32>>>, PipelineError>;
}

impl Blocks for CallStream {
    fn speakers(&self) -> &[Speaker] {
        CallStream::speakers(self)
    }
    fn duration_hint_ms(&self) -> Option<u64> {
        CallStream::duration_hint_ms(self)
    }
    fn duration_ms(&self) -> u64 {
        CallStream::duration_ms(self)
    }
    fn next_block(&mut self) -> Result<Option<Vec<Vec<f32>>>, PipelineError> {
        Ok(CallStream::next_block(self)?)
    }
}

/// A spool's records gathered into blocks of about a second per track. The tracks arrived
/// independently, so one may run ahead of the other; it is held back by at most a minute
/// (a silent track that sends nothing does not make the other's audio pile up).
struct SpoolBlocks {
    reader: earshot_seal::spool::SpoolReader,
    speakers: Vec<Speaker>,
    queued: Vec<VecDeque<f32>>,
    emitted: Vec<usize>,
    ended: bool,
}

impl SpoolBlocks {
    const BLOCK: usize = SAMPLE_RATE as usize;
    const AHEAD: usize = 60 * SAMPLE_RATE as usize;

    fn new(reader: earshot_seal::spool::SpoolReader) -> SpoolBlocks {
        let speakers = reader.speakers().to_vec();
        let n = speakers.len();
        SpoolBlocks {
            reader,
            speakers,
            queued: vec![VecDeque::new(); n],
            emitted: vec![0; n],
            ended: false,
        }
    }
}

impl Blocks for SpoolBlocks {
    fn speakers(&self) -> &[Speaker] {
        &self.speakers
    }
    fn duration_hint_ms(&self) -> Option<u64> {
        None
    }
    fn duration_ms(&self) -> u64 {
        self.emitted.iter().copied().max().map(ms_of).unwrap_or(0)
    }
    fn next_block(&mut self) -> Result<Option<Vec<Vec<f32>>>, PipelineError> {
        while !self.ended
            && self.queued.iter().any(|q| q.len() < Self::BLOCK)
            && self.queued.iter().all(|q| q.len() < Self::AHEAD)
        {
            match self.reader.next_record()? {
                Some((track, samples)) => self.queued[track].extend(samples),
                None => self.ended = true,
            }
        }
        if self.ended && self.queued.iter().all(|q| q.is_empty()) {
            return Ok(None);
        }
        let take = if self.ended { usize::MAX } else { Self::BLOCK };
        let block: Vec<Vec<f32>> = self
            .queued
            .iter_mut()
            .map(|q| {
                let n = take.min(q.len());
                q.drain(..n).collect()
            })
            .collect();
        for (e, b) in self.emitted.iter_mut().zip(&block) {
            *e += b.len();
        }
        Ok(Some(block))
    }
}

/// Audio kept before where speech may start, for the VAD's padding and its state to settle.
const VAD_LEAD: usize = SAMPLE_RATE as usize / 2;

/// Hands the keypad tones `found` on `speaker`'s track to `keypad` (a listener gone is no
/// error: the call goes on).
pub(crate) fn send_tones(
    keypad: &std::sync::mpsc::Sender<KeyPress>,
    speaker: Speaker,
    found: Vec<earshot_audio::Tone>,
) {
    for t in found {
        let _ = keypad.send(KeyPress {
            speaker,
            key: t.key,
            at_ms: ms_of(t.at),
        });
    }
}

/// Samples at 16 kHz as milliseconds.
pub(crate) fn ms_of(samples: usize) -> u64 {
    samples as u64 * 1000 / SAMPLE_RATE as u64
}

impl Analyzer {
    /// Loads the models named by `options` from `store`, for this analyzer alone (one
    /// decoder).
    pub fn new(store: &ModelStore, options: AnalyzerOptions) -> Result<Analyzer, PipelineError> {
        Analyzer::on(&Engine::load(store, options, 1)?)
    }

    /// An analyzer on `engine`'s shared models (only the small VAD model is loaded for it).
    pub fn on(engine: &Arc<Engine>) -> Result<Analyzer, PipelineError> {
        let options = engine.options().clone();
        // Silero is tiny: one thread is fastest. With more, ggml wakes its worker threads for
        // every 32 ms frame, and after the idle moments of a live call that took 10-15 ms a frame
        // (measured: 8 frames 0.8 ms on one thread, 130 ms on two after a 40 ms pause).
        let vad = VoiceActivityDetector::new(&engine.vad_path, 1, options.vad)?;
        Ok(Analyzer {
            engine: engine.clone(),
            vad,
            sealer: None,
            options,
            times: StageTimes::default(),
            spool: None,
            keypad: None,
        })
    }

    /// The engine whose models this analyzer runs on.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Seals every finding's original value with `sealer`; with `None`, values are dropped
    /// (redacted, not sealed).
    pub fn set_sealer(&mut self, sealer: Option<Sealer>) {
        self.sealer = sealer;
    }

    /// Keeps the next live call's audio in `spool` (encrypted, for its second pass); every
    /// chunk [`Analyzer::run_live`] takes goes there too. A spool that fails to write is
    /// dropped (its file removed) and the call goes on without a second pass.
    pub fn set_spool(&mut self, spool: Option<earshot_seal::spool::Spool>) {
        self.spool = spool;
    }

    /// Sends the keypad tones heard in the audio of the calls this analyzer runs (a file's
    /// analysis, a live call; never a second pass) to `keypad`, each as it is found, with its
    /// track's speaker and its place on the call's timeline. `None`: tones are not looked for.
    pub fn set_keypad(&mut self, keypad: Option<std::sync::mpsc::Sender<KeyPress>>) {
        self.keypad = keypad;
    }

    /// Whether a spool is set (and has not failed).
    pub fn has_spool(&self) -> bool {
        self.spool.is_some()
    }

    /// The spool of the call that ran, if it was kept whole.
    pub fn take_spool(&mut self) -> Option<earshot_seal::spool::Spool> {
        self.spool.take()
    }

    /// The sealer in force, if any.
    pub fn sealer(&self) -> Option<&Sealer> {
        self.sealer.as_ref()
    }

    /// The options in force.
    pub fn options(&self) -> &AnalyzerOptions {
        &self.options
    }

    /// Time spent per stage since the analyzer was created.
    pub fn stage_times(&self) -> StageTimes {
        self.times
    }

    /// Reads and analyzes an audio file as a stream: memory stays bounded whatever its length.
    pub fn analyze_file(
        &mut self,
        path: &Path,
        on_event: impl FnMut(PipelineEvent) -> SinkResult,
    ) -> Result<CallEnd, PipelineError> {
        let stream = CallStream::open(path, self.options.caller_channel)?;
        self.analyze_stream(stream, on_event)
    }

    /// Analyzes a call as it is read, reporting utterances in time order as they are final.
    ///
    /// Each track is segmented by Silero VAD over windows of [`VAD_WINDOW`]: a segment that
    /// ends more than [`VAD_GUARD`] before the window's end cannot grow any more, so it is
    /// committed, its samples kept, and the audio before it dropped. A committed segment is
    /// transcribed once no other track can still produce a segment that starts before it, which
    /// keeps the two speakers in conversation order. Memory is a window per track plus the
    /// segments waiting (at most a window's worth), not the call.
    pub fn analyze_stream(
        &mut self,
        stream: CallStream,
        on_event: impl FnMut(PipelineEvent) -> SinkResult,
    ) -> Result<CallEnd, PipelineError> {
        self.analyze_blocks(stream, Pass::First, None, on_event)
    }

    /// The second pass over a live call that has ended: its spooled audio (`spool`, both
    /// speakers as they were heard) analyzed like a file with the engine's second-pass model
    /// (see [`Engine::second_pass`]), a speaker's segments joined into one decode as offline
    /// (whatever `join_segments` says: it is the faster and the better way), behind every live
    /// call's work ([`Work::SecondPass`]). Redaction, sealing and sentiment are
    /// those of the first pass; the events are the same as [`Analyzer::analyze_stream`]'s.
    ///
    /// It runs on a thread of its own at background priority ([`background::run`]; `on_event`
    /// is called there), so that its decodes yield the CPU to live work on the machine.
    ///
    /// Once `stop` is set it ends with [`PipelineError::Stopped`]: before the next segment, or
    /// within the decode in progress (whisper looks at the flag as it goes).
    pub fn second_pass(
        &mut self,
        spool: earshot_seal::spool::SpoolReader,
        stop: &Arc<AtomicBool>,
        on_event: impl FnMut(PipelineEvent) -> SinkResult + Send,
    ) -> Result<CallEnd, PipelineError> {
        if self.engine.second_pass().is_none() {
            return Err(PipelineError::Options(
                "this engine has no second-pass model".into(),
            ));
        }
        background::run(|| {
            self.analyze_blocks(SpoolBlocks::new(spool), Pass::Second, Some(stop), on_event)
        })
    }

    fn analyze_blocks(
        &mut self,
        mut stream: impl Blocks,
        pass: Pass,
        stop: Option<&Arc<AtomicBool>>,
        mut on_event: impl FnMut(PipelineEvent) -> SinkResult,
    ) -> Result<CallEnd, PipelineError> {
        let mut tracks: Vec<TrackWindow> = stream
            .speakers()
            .iter()
            .map(|&speaker| TrackWindow {
                speaker,
                buf: Vec::new(),
                base: 0,
                frontier: 0,
                next_look: VAD_WINDOW,
            })
            .collect();
        // Keypad tones are a first hearing's: a second pass keeps the call's keypad entries.
        let keypad = self.keypad.clone().filter(|_| pass == Pass::First);
        let mut tones = vec![ToneDetector::new(); tracks.len()];
        let mut waiting: Vec<Segment> = Vec::new();
        let mut progress = Progress {
            done_ms: 0,
            total_ms: stream.duration_hint_ms().unwrap_or(0),
        };
        on_event(PipelineEvent::Progress(progress)).map_err(PipelineError::Sink)?;
        let mut redactor = Redactor::new();
        let mut pending: VecDeque<Pending> = VecDeque::new();
        let mut scored: Vec<(u64, Option<f32>)> = Vec::new();
        // Words of segments decoded ahead with an earlier one of their track (joined decoding),
        // by (track, start).
        let mut decoded: std::collections::HashMap<(usize, usize), Vec<earshot_asr::AsrSegment>> =
            Default::default();
        loop {
            let started = Instant::now();
            let block = stream.next_block()?;
            self.times.decode += started.elapsed();
            let ended = block.is_none();
            if let Some(block) = block {
                for ((t, b), d) in tracks.iter_mut().zip(block).zip(&mut tones) {
                    if let Some(keypad) = &keypad {
                        send_tones(keypad, t.speaker, d.push(&b));
                    }
                    t.buf.extend(b);
                }
                if tracks.iter().all(|t| t.buf.len() < t.next_look) {
                    continue;
                }
            }
            let started = Instant::now();
            for (i, t) in tracks.iter_mut().enumerate() {
                let found = t.commit(&mut self.vad, ended)?;
                tracing::info!(
                    track = i,
                    segments = found.len(),
                    through_ms = ms_of(t.base),
                    "speech segments found"
                );
                waiting.extend(found.into_iter().map(|mut s| {
                    s.track = i;
                    s
                }));
            }
            self.times.vad += started.elapsed();
            // Ready: no other track can still start a segment before it.
            waiting.sort_by_key(|s| std::cmp::Reverse((s.start, s.track)));
            while let Some(next) = waiting.last() {
                let ready = tracks
                    .iter()
                    .enumerate()
                    .all(|(i, t)| i == next.track || t.frontier >= next.start);
                if !ready {
                    break;
                }
                if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                    return Err(PipelineError::Stopped);
                }
                let seg = waiting.pop().expect("just looked");
                let speaker = tracks[seg.track].speaker;
                let asr_started = Instant::now();
                let engine = self.engine.clone();
                let mut lease = engine
                    .lease(
                        Priority {
                            work: match pass {
                                Pass::First => Work::Final,
                                Pass::Second => Work::SecondPass,
                            },
                            since: asr_started,
                        },
                        None,
                    )
                    .expect("no patience limit");
                let pieces = match decoded.remove(&(seg.track, seg.start)) {
                    Some(words) => words,
                    None if self.options.join_segments || pass == Pass::Second => {
                        // This segment and the next ones of its track already committed, in
                        // order, while they fit one whisper window.
                        let mut later: Vec<&Segment> =
                            waiting.iter().filter(|s| s.track == seg.track).collect();
                        later.sort_by_key(|s| s.start);
                        let mut batch: Vec<&Segment> = vec![&seg];
                        let mut total = seg.samples.len();
                        for s in later {
                            total += earshot_asr::JOIN_GAP + s.samples.len();
                            if total > earshot_asr::JOIN_MAX_SAMPLES {
                                break;
                            }
                            batch.push(s);
                        }
                        let parts: Vec<&[f32]> = batch.iter().map(|s| &s.samples[..]).collect();
                        let decoder = match pass {
                            Pass::First => lease.aligned()?,
                            Pass::Second => lease.second()?,
                        };
                        decoder.set_stop(stop.cloned());
                        let words = decoder.transcribe_joined(&parts);
                        // The decoder goes back to the engine's pool: no flag of ours stays.
                        decoder.set_stop(None);
                        let mut words = match words {
                            Err(earshot_asr::AsrError::Stopped) => {
                                return Err(PipelineError::Stopped)
                            }
                            w => w?.into_iter(),
                        };
                        let first = words.next().unwrap_or_default();
                        for (s, w) in batch[1..].iter().zip(words) {
                            decoded.insert((s.track, s.start), w);
                        }
                        first
                    }
                    None => lease.main()?.transcribe_with(
                        &seg.samples,
                        earshot_asr::Decode {
                            prompt: None,
                            fit_context: self.options.fit_context,
                            single_pass: false,
                        },
                    )?,
                };
                drop(lease);
                self.times.asr += asr_started.elapsed();
                let (start_ms, end_ms) = (ms_of(seg.start), ms_of(seg.end));
                progress.done_ms = end_ms;
                on_event(PipelineEvent::Progress(progress)).map_err(PipelineError::Sink)?;
                let text = pieces
                    .iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if text.trim().is_empty() {
                    continue;
                }
                pending.push_back(Pending {
                    speaker,
                    start_ms,
                    end_ms,
                });
                let redact_started = Instant::now();
                let done = redactor.push(speaker, &text);
                self.times.redact += redact_started.elapsed();
                self.emit(done, &mut pending, &mut scored, &mut on_event)?;
            }
            if ended {
                break;
            }
        }
        let done = redactor.finish();
        self.emit(done, &mut pending, &mut scored, &mut on_event)?;
        let duration_ms = stream.duration_ms();
        tracing::info!(duration_ms, "call analyzed");
        let end = call_end(&scored, duration_ms, self.engine.sentiment.name());
        on_event(PipelineEvent::CallEnd(end.clone())).map_err(PipelineError::Sink)?;
        Ok(end)
    }

    fn emit(
        &mut self,
        done: Vec<Redaction>,
        pending: &mut VecDeque<Pending>,
        scored: &mut Vec<(u64, Option<f32>)>,
        on_event: &mut impl FnMut(PipelineEvent) -> SinkResult,
    ) -> Result<(), PipelineError> {
        for r in done {
            let meta = pending
                .pop_front()
                .expect("the redactor returns lines in the order they were pushed");
            let started = Instant::now();
            let sentiment = self.engine.sentiment.score(&r.text);
            self.times.sentiment += started.elapsed();
            scored.push((meta.start_ms, sentiment.scored()));
            let sealed = earshot_seal::seal_findings(self.sealer.as_ref(), &r.findings)?;
            let utterance = Utterance {
                speaker: meta.speaker,
                start_ms: meta.start_ms,
                end_ms: meta.end_ms,
                text: r.text,
                sentiment,
                findings: r.findings.iter().map(|f| f.span()).collect(),
            };
            on_event(PipelineEvent::Utterance(utterance, sealed)).map_err(PipelineError::Sink)?;
        }
        Ok(())
    }
}
