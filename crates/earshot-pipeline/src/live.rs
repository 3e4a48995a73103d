//! Live calls: per-speaker 16 kHz sample streams in, partial and final utterances out.
//!
//! Every live source (a file played at 1×, the workstation's microphone and loopback, a SIPREC
//! fork) sends [`AudioChunk`]s into a channel; [`Analyzer::run_live`] turns them into
//! [`LiveEvent`]s on one worker thread that owns the models:
//!
//! - Each speaker has a lane: its samples, the wall time each chunk arrived (for `latency_ms`),
//!   and a [`SpeechTracker`] fed with Silero probabilities for every new 32 ms frame.
//! - An utterance that has ended is decoded with whisper's whole context, redacted in
//!   conversation order, sealed, scored and emitted as a [`Final`]. Finals of both speakers go
//!   oldest first. Where a whole-context final's decode costs more than a budget on this engine
//!   (a slow or loaded machine), finals fit their context to a 20-s floor instead
//!   ([`LiveOptions::final_context`]).
//! - When no final is waiting, the open utterance of the speaker served longest ago is re-decoded
//!   (encoder context fitted to its length) and emitted, redacted by [`Redactor::preview`], as a
//!   [`Partial`]. The re-decode step widens with the decode time and the number of open lanes,
//!   so partials never take more than about two thirds of the worker.
//! - Once a speaker's end padding has been heard, the utterance is decoded early, as its final
//!   will be ([`LiveOptions::early_finals`]); no partial of a speaker who has gone quiet starts.
//! - Back-pressure: finals always go first (partials are the first thing dropped); when the oldest
//!   waiting final is older than `pause_partials_after`, partials stop (early finals go on);
//!   beyond `fast_finals_after` finals are decoded with the fallback model (tiny.en) and a fitted
//!   context. Each change is a [`Degraded`] event; the engine steps back once it has kept up
//!   (no final older than three quarters of that level's threshold) for `recover_after`.

use crate::engine::{Priority, Work};
use crate::ms_of;
use crate::{Analyzer, CallEnd, PipelineError, SinkResult};
use earshot_asr::{AsrSegment, Decode};
use earshot_audio::{
    AudioError, CallAudio, CallStream, CutShort, SpeechEvent, SpeechSegment, SpeechTracker,
    ToneDetector, VadOptions, SAMPLE_RATE, VAD_FRAME, VAD_WARMUP,
};
use earshot_core::{AudioChunk, SealedFinding, Speaker, Utterance};
use earshot_redact::{Redaction, Redactor};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Tuning of the live engine.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Whether to re-decode open utterances for partial results at all.
    pub partials: bool,
    /// Shortest interval between two partials of one speaker, in audio.
    pub step: Duration,
    /// How long a final that ends in a number (or a letter being spelled) waits for the same
    /// speaker to go on before it is emitted with that number redacted (fail closed).
    pub hold: Duration,
    /// Partials stop when the oldest waiting final is older than this.
    pub pause_partials_after: Duration,
    /// Finals switch to the fallback model and a fitted context beyond this lag.
    pub fast_finals_after: Duration,
    /// Time after which one level of degradation is undone when no final waited more than three
    /// quarters of the lag that level began at meanwhile.
    pub recover_after: Duration,
    /// Speech segmentation; `max_speech_s` bounds every decode window.
    pub vad: VadOptions,
    /// Threads a final decodes with when no other decode is running (at least the analyzer's
    /// `threads`): someone waits for a final, and it is a short burst, so by default it gets
    /// every physical core; partials, which run all the time someone speaks, keep the
    /// analyzer's threads (one core left for capture and the UI). The live benchmark measures
    /// both, and how late a 10-ms timer wakes meanwhile.
    pub final_threads: usize,
    /// Whether a final is decoded early, while the silence that will end it is confirmed
    /// (`vad.min_silence_ms`): once the end padding is heard, the utterance is decoded as its
    /// final would be, and the result is used when the silence does end it with the same audio
    /// and prompt (else it is dropped and the final decoded as usual). Takes up to the wait for
    /// silence off a final's latency, at the cost of a decode wasted on each pause the speaker
    /// talks through. Only when a decoder is free, and not once finals go to the fast model;
    /// while partials are paused it goes on (it takes no more than they would have). While a
    /// speaker has gone quiet no partial of theirs starts: the early decode is due within the
    /// padding, and a partial would hold the decoder then.
    pub early_finals: bool,
    /// The encoder context a final (and an early final) decodes with on the main model.
    pub final_context: FinalContext,
}

/// How much of whisper's encoder context a live final decodes with (on the main model; finals
/// on the fast model always fit theirs to [`earshot_asr::MIN_FITTED_CONTEXT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalContext {
    /// Whisper's whole 30 s, the most accurate.
    Whole,
    /// Fitted to the utterance with at least this many encoder frames (50 a second; see
    /// `earshot_asr::Decode::fit_context`): the encoder's cost falls in proportion.
    Fitted(usize),
    /// Whole while the engine's whole-context finals decode within `budget`
    /// ([`crate::Engine::whole_final_cost`], measured on the finals themselves); fitted with
    /// at least `floor` frames while they take longer, until that cost falls under two thirds
    /// of the budget, and before the engine has measured any. So a machine fast enough for
    /// whole-context finals keeps them, and a slow or loaded one trades a few words for finals
    /// in time instead of pausing partials.
    Auto {
        /// The longest a whole-context final's decode may take.
        budget: Duration,
        /// The fitted context's floor, in encoder frames.
        floor: usize,
    },
}

/// The default [`FinalContext::Auto`]'s budget. See ARCHITECTURE.md, "Decisions".
pub const FINAL_DECODE_BUDGET: Duration = Duration::from_millis(800);

/// The default [`FinalContext::Auto`]'s floor: 20 s, the floor of the best offline recall of
/// those the pipeline benchmark measures (10, 15, 20, 25 s) and of the whole 30 s's digit error
/// rate.
pub const FITTED_FINAL_CONTEXT: usize = 1000;

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            partials: true,
            step: Duration::from_millis(500),
            hold: Duration::from_millis(1000),
            pause_partials_after: Duration::from_millis(1500),
            fast_finals_after: Duration::from_millis(3000),
            recover_after: Duration::from_secs(10),
            vad: VadOptions {
                max_speech_s: 15.0,
                ..VadOptions::default()
            },
            final_threads: earshot_asr::physical_cores(),
            early_finals: true,
            final_context: FinalContext::Auto {
                budget: FINAL_DECODE_BUDGET,
                floor: FITTED_FINAL_CONTEXT,
            },
        }
    }
}

/// The text of an utterance still being spoken; a later partial or the final replaces it.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    /// The utterance it belongs to (its final carries the same id).
    pub id: u64,
    /// Who is speaking.
    pub speaker: Speaker,
    /// Start of the utterance, ms from the start of the call.
    pub start_ms: u64,
    /// End of the audio decoded so far.
    pub end_ms: u64,
    /// Redacted text (a number still being spoken is redacted even when unclassifiable).
    pub text: String,
    /// Wall time from hearing the end of that audio to this event.
    pub latency_ms: u64,
}

/// A finished utterance: redacted, sealed, scored; it never changes again.
#[derive(Debug, Clone)]
pub struct Final {
    /// The utterance's id (the same as its partials').
    pub id: u64,
    /// The utterance.
    pub utterance: Utterance,
    /// Its findings' original values, sealed (or dropped without recipients).
    pub sealed: Vec<SealedFinding>,
    /// Wall time from hearing the end of the utterance to this event.
    pub latency_ms: u64,
}

/// How much the engine has given up to keep up with the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DegradeLevel {
    /// Everything runs.
    Normal,
    /// Partials are suspended.
    PartialsPaused,
    /// Partials are suspended and finals use the fallback model and a fitted context.
    FastFinals,
}

impl DegradeLevel {
    /// Name used in JSON and logs.
    pub fn name(self) -> &'static str {
        match self {
            DegradeLevel::Normal => "normal",
            DegradeLevel::PartialsPaused => "partials_paused",
            DegradeLevel::FastFinals => "fast_finals",
        }
    }
}

/// The engine changed its degradation level.
#[derive(Debug, Clone, PartialEq)]
pub struct Degraded {
    /// The new level.
    pub level: DegradeLevel,
    /// Why, for a person.
    pub reason: String,
    /// Age of the oldest waiting final when it changed.
    pub lag_ms: u64,
}

/// What the live engine reports.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// An utterance in progress.
    Partial(Partial),
    /// An utterance is final (the receiver stores it before showing it).
    Final(Final),
    /// An utterance that had partials turned out to hold no words; drop its partial.
    Discarded {
        /// The utterance's id.
        id: u64,
    },
    /// The engine changed how much it does to keep up.
    Degraded(Degraded),
    /// The call is over (every input closed and every utterance final).
    CallEnd(CallEnd),
}

/// Counters of one live run, for benchmarks and the closing summary.
#[derive(Debug, Clone, Default)]
pub struct LiveStats {
    /// `latency_ms` of every partial.
    pub partial_latencies: Vec<u64>,
    /// `latency_ms` of every final.
    pub final_latencies: Vec<u64>,
    /// (end of the utterance in the call, its final latency), ms: how far behind the call the
    /// engine was, over the call.
    pub lag: Vec<(u64, u64)>,
    /// Highest degradation level reached.
    pub worst_level: Option<DegradeLevel>,
    /// Early final decodes used as the final, and those dropped (speech resumed, or another
    /// final changed the prompt first).
    pub early_used: u64,
    /// See `early_used`.
    pub early_dropped: u64,
    /// Final decodes (early ones included) on the main model with whisper's whole context.
    pub whole_decodes: u64,
    /// Final decodes (early ones included) on the main model with a fitted context
    /// ([`LiveOptions::final_context`]).
    pub fitted_decodes: u64,
}

struct Lane {
    speaker: Speaker,
    /// Samples from absolute index `base` on.
    buf: Vec<f32>,
    base: usize,
    /// (absolute end sample, when heard) of recent chunks.
    heard: VecDeque<(usize, Instant)>,
    tracker: SpeechTracker,
    /// Id of the utterance in progress, once one has started.
    open_id: Option<u64>,
    /// Ended utterances waiting for their final decode, with whether a partial was shown.
    waiting: VecDeque<(u64, SpeechSegment, bool)>,
    /// Audio end at the last partial, and when it was emitted.
    partial_at: usize,
    last_partial: Option<Instant>,
    /// Whether a partial was shown for the open utterance.
    partial_shown: bool,
    /// Keypad tones in the lane's audio.
    tones: ToneDetector,
}

impl Lane {
    fn new(speaker: Speaker, vad: VadOptions) -> Lane {
        Lane {
            speaker,
            buf: Vec::new(),
            base: 0,
            heard: VecDeque::new(),
            tracker: SpeechTracker::new(vad),
            open_id: None,
            waiting: VecDeque::new(),
            partial_at: 0,
            last_partial: None,
            partial_shown: false,
            tones: ToneDetector::new(),
        }
    }

    fn received(&self) -> usize {
        self.base + self.buf.len()
    }

    fn samples(&self, from: usize, to: usize) -> &[f32] {
        let a = from.max(self.base) - self.base;
        let b = to.clamp(self.base, self.received()) - self.base;
        &self.buf[a..b.max(a)]
    }

    /// When the sample at absolute index `at` was heard.
    fn heard_at(&self, at: usize) -> Instant {
        self.heard
            .iter()
            .find(|(end, _)| *end >= at)
            .or(self.heard.back())
            .map(|(_, t)| *t)
            .unwrap_or_else(Instant::now)
    }

    /// Drops audio no decode can need any more.
    fn trim(&mut self) {
        let mut keep = self
            .tracker
            .position()
            .saturating_sub(VAD_WARMUP + 4 * VAD_FRAME);
        if let Some(open) = self.tracker.open() {
            keep = keep.min(open);
        }
        if let Some((_, seg, _)) = self.waiting.front() {
            keep = keep.min(seg.start);
        }
        // Pre-speech padding of an utterance not yet reported.
        keep = keep.saturating_sub(SAMPLE_RATE as usize);
        if keep > self.base + SAMPLE_RATE as usize {
            self.buf.drain(..keep - self.base);
            self.base = keep;
        }
        while self.heard.len() > 1 && self.heard[1].0 < self.base {
            self.heard.pop_front();
        }
    }
}

/// A final decoded before its utterance was known to have ended (see
/// [`LiveOptions::early_finals`]).
struct Early {
    lane: usize,
    seg: SpeechSegment,
    prompt: String,
    /// `None`: no decoder was free for it.
    pieces: Option<Vec<AsrSegment>>,
}

/// A final pushed into the redactor and not yet returned by it.
struct Pushed {
    id: u64,
    lane: usize,
    start_ms: u64,
    end_ms: u64,
    end_sample: usize,
}

fn elapsed_ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

fn joined(pieces: &[AsrSegment]) -> String {
    pieces
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A whisper prompt from a redacted final: the tags are left out, so no `[TYPE]` is imitated and
/// no sensitive value goes back into the model, and so is the space a tag leaves before a stop:
/// prompted with "It is ." (from "It is [CREDIT_DEBIT_NUMBER]."), whisper wrote ". . . ." for
/// the next turn, or nothing. A line that was all tags gives no prompt.
fn prompt_from(redacted: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in redacted.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let mut prompt = String::new();
    for word in out.split_whitespace() {
        if !prompt.is_empty() && word.chars().any(char::is_alphanumeric) {
            prompt.push(' ');
        }
        prompt.push_str(word);
    }
    if prompt.chars().any(char::is_alphanumeric) {
        prompt
    } else {
        String::new()
    }
}

struct Run<'a, F> {
    analyzer: &'a mut Analyzer,
    options: LiveOptions,
    on_event: F,
    lanes: Vec<Lane>,
    redactor: Redactor,
    pushed: VecDeque<Pushed>,
    next_id: u64,
    prompt: String,
    scored: Vec<(u64, Option<f32>)>,
    level: DegradeLevel,
    calm_since: Instant,
    /// Mean wall time of a partial re-decode.
    partial_cost: Duration,
    /// The last early final decode, until it is used or dropped.
    early: Option<Early>,
    /// Whether finals fit their context now ([`FinalContext::Auto`]; fitted until the engine
    /// has measured a final's cost).
    fitting: bool,
    stats: LiveStats,
}

impl Analyzer {
    /// Runs a live call: reads `input` until every sender is dropped (the call ended, or Ctrl-C),
    /// reporting partials and finals as they come, then finalizes what is open and reports the
    /// call's end. An error from `on_event` stops the run (the finals before it were delivered).
    pub fn run_live(
        &mut self,
        input: Receiver<AudioChunk>,
        options: LiveOptions,
        on_event: impl FnMut(LiveEvent) -> SinkResult,
    ) -> Result<(CallEnd, LiveStats), PipelineError> {
        // Before the engine has measured a final, fitted: the first decodes are the slowest
        // (cold caches), and a slow machine would pause partials on them.
        let fitting = match (options.final_context, self.engine.whole_final_cost()) {
            (FinalContext::Auto { budget, .. }, Some(cost)) => cost > budget,
            _ => true,
        };
        let run = Run {
            analyzer: self,
            options,
            on_event,
            lanes: Vec::new(),
            redactor: Redactor::new(),
            pushed: VecDeque::new(),
            next_id: 1,
            prompt: String::new(),
            scored: Vec::new(),
            level: DegradeLevel::Normal,
            calm_since: Instant::now(),
            fitting,
            partial_cost: Duration::from_millis(300),
            early: None,
            stats: LiveStats::default(),
        };
        run.main(input)
    }
}

impl<F: FnMut(LiveEvent) -> SinkResult> Run<'_, F> {
    fn emit(&mut self, event: LiveEvent) -> Result<(), PipelineError> {
        (self.on_event)(event).map_err(PipelineError::Sink)
    }

    fn main(mut self, input: Receiver<AudioChunk>) -> Result<(CallEnd, LiveStats), PipelineError> {
        let mut open = true;
        loop {
            if open {
                open = self.ingest(&input)?;
            }
            self.segment(!open)?;
            self.adjust_level()?;
            if self.final_step()? {
                continue;
            }
            self.release_held(!open)?;
            if self.early_step()? {
                continue;
            }
            if self.partial_step()? {
                continue;
            }
            if !open {
                break;
            }
        }
        let done = self.redactor.finish();
        self.deliver(done)?;
        let duration_ms = self
            .lanes
            .iter()
            .map(|l| ms_of(l.received()))
            .max()
            .unwrap_or(0);
        let end = crate::call_end(
            &self.scored,
            duration_ms,
            self.analyzer.engine.sentiment.name(),
        );
        self.emit(LiveEvent::CallEnd(end.clone()))?;
        Ok((end, self.stats))
    }

    fn has_work(&self) -> bool {
        self.lanes.iter().any(|l| !l.waiting.is_empty()) || self.partial_candidate().is_some()
    }

    /// Takes what has arrived (waiting briefly when there is nothing to do); false once every
    /// sender is gone.
    fn ingest(&mut self, input: &Receiver<AudioChunk>) -> Result<bool, PipelineError> {
        let first = if self.has_work() {
            match input.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return Ok(false),
            }
        } else {
            match input.recv_timeout(Duration::from_millis(40)) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(false),
            }
        };
        let Some(first) = first else {
            return Ok(true);
        };
        self.accept(first);
        loop {
            match input.try_recv() {
                Ok(c) => self.accept(c),
                Err(TryRecvError::Empty) => return Ok(true),
                Err(TryRecvError::Disconnected) => return Ok(false),
            }
        }
    }

    fn accept(&mut self, chunk: AudioChunk) {
        let vad = self.options.vad;
        let i = match self.lanes.iter().position(|l| l.speaker == chunk.speaker) {
            Some(i) => i,
            None => {
                self.lanes.push(Lane::new(chunk.speaker, vad));
                self.lanes.len() - 1
            }
        };
        if let Some(spool) = self.analyzer.spool.as_mut() {
            if let Err(e) = spool.append(chunk.speaker, &chunk.samples) {
                tracing::warn!(error = %e, "the call's audio cannot be kept: no second pass");
                self.analyzer.spool = None;
            }
        }
        let lane = &mut self.lanes[i];
        if let Some(keypad) = &self.analyzer.keypad {
            crate::send_tones(keypad, lane.speaker, lane.tones.push(&chunk.samples));
        }
        lane.buf.extend_from_slice(&chunk.samples);
        let end = lane.received();
        lane.heard.push_back((end, chunk.heard_at));
    }

    /// Runs the VAD over every whole new frame (and, at the end, closes what is open).
    fn segment(&mut self, ending: bool) -> Result<(), PipelineError> {
        for i in 0..self.lanes.len() {
            let (pos, received) = (self.lanes[i].tracker.position(), self.lanes[i].received());
            let frames = received.saturating_sub(pos) / VAD_FRAME;
            if frames > 0 {
                let from = pos.saturating_sub(VAD_WARMUP).max(self.lanes[i].base);
                let to = pos + frames * VAD_FRAME;
                let started = Instant::now();
                let probs = self
                    .analyzer
                    .vad
                    .frame_probabilities(self.lanes[i].samples(from, to))?;
                self.analyzer.times.vad += started.elapsed();
                let skip = (pos - from) / VAD_FRAME;
                for &p in probs.iter().skip(skip).take(frames) {
                    let events = self.lanes[i].tracker.push(p);
                    for e in events {
                        self.on_speech(i, e);
                    }
                }
            }
            if ending {
                if let Some(seg) = self.lanes[i].tracker.finish() {
                    self.on_speech(i, SpeechEvent::Ended(seg));
                }
            }
            self.lanes[i].trim();
        }
        Ok(())
    }

    fn on_speech(&mut self, lane: usize, event: SpeechEvent) {
        match event {
            SpeechEvent::Started { start } => {
                let id = self.next_id;
                self.next_id += 1;
                let l = &mut self.lanes[lane];
                l.open_id = Some(id);
                l.partial_at = start;
                l.partial_shown = false;
            }
            SpeechEvent::Ended(seg) => {
                let id = match self.lanes[lane].open_id.take() {
                    Some(id) => id,
                    None => {
                        self.next_id += 1;
                        self.next_id - 1
                    }
                };
                let l = &mut self.lanes[lane];
                tracing::debug!(
                    id,
                    end_ms = ms_of(seg.end),
                    detected_after_ms = elapsed_ms(l.heard_at(seg.end)),
                    "utterance ended"
                );
                l.waiting.push_back((id, seg, l.partial_shown));
                l.partial_shown = false;
            }
        }
    }

    /// Age of the oldest waiting final.
    fn lag(&self) -> Duration {
        self.lanes
            .iter()
            .filter_map(|l| l.waiting.front().map(|(_, s, _)| l.heard_at(s.end)))
            .min()
            .map(|t| t.elapsed())
            .unwrap_or_default()
    }

    fn adjust_level(&mut self) -> Result<(), PipelineError> {
        let lag = self.lag();
        let o = &self.options;
        let (target, reason) = if lag > o.fast_finals_after {
            (
                DegradeLevel::FastFinals,
                "finals are falling behind: decoding them with the fast model",
            )
        } else if lag > o.pause_partials_after {
            (
                DegradeLevel::PartialsPaused,
                "the CPU cannot keep up: partial results paused",
            )
        } else {
            (self.level, "")
        };
        // Keeping up at this level: every waiting final younger than three quarters of the
        // lag that brought the engine to it (an early final is about its decode's time old when
        // it is delivered, so a fixed half second was never calm and a paused engine stayed
        // paused for the rest of the call).
        let entered = match self.level {
            DegradeLevel::FastFinals => o.fast_finals_after,
            _ => o.pause_partials_after,
        };
        if lag > entered * 3 / 4 {
            self.calm_since = Instant::now();
        }
        if target > self.level {
            self.set_level(target, reason, lag)?;
        } else if self.level > DegradeLevel::Normal
            && self.calm_since.elapsed() >= self.options.recover_after
        {
            let back = match self.level {
                DegradeLevel::FastFinals => DegradeLevel::PartialsPaused,
                _ => DegradeLevel::Normal,
            };
            self.calm_since = Instant::now();
            self.set_level(back, "keeping up again", lag)?;
        }
        Ok(())
    }

    fn set_level(
        &mut self,
        level: DegradeLevel,
        reason: &str,
        lag: Duration,
    ) -> Result<(), PipelineError> {
        tracing::warn!(
            level = level.name(),
            lag_ms = lag.as_millis() as u64,
            "{reason}"
        );
        self.level = level;
        self.stats.worst_level = self.stats.worst_level.max(Some(level));
        self.emit(LiveEvent::Degraded(Degraded {
            level,
            reason: reason.to_string(),
            lag_ms: lag.as_millis() as u64,
        }))
    }

    /// Decodes the oldest waiting final, if any.
    fn final_step(&mut self) -> Result<bool, PipelineError> {
        let Some(lane) = (0..self.lanes.len())
            .filter(|&i| !self.lanes[i].waiting.is_empty())
            .min_by_key(|&i| {
                let (_, seg, _) = self.lanes[i].waiting[0];
                self.lanes[i].heard_at(seg.end)
            })
        else {
            return Ok(false);
        };
        let (id, seg, shown) = self.lanes[lane].waiting[0];
        let fast = self.level == DegradeLevel::FastFinals;
        let started = Instant::now();
        let early = self.early.take();
        let pieces = match early {
            // Decoded early from the same audio with the same prompt: the final's own decode.
            Some(Early {
                lane: l,
                seg: s,
                prompt,
                pieces: Some(pieces),
            }) if l == lane && s == seg && prompt == self.prompt && !fast => {
                self.stats.early_used += 1;
                pieces
            }
            other => {
                if let Some(e) = other {
                    // Another lane's early decode stays for its own final.
                    if e.lane != lane && self.lanes[e.lane].waiting.is_empty() {
                        self.early = Some(e);
                    } else if e.pieces.is_some() {
                        self.stats.early_dropped += 1;
                    }
                }
                self.decode_final(lane, seg, fast)?
            }
        };
        self.analyzer.times.asr += started.elapsed();
        tracing::debug!(
            id,
            decode_ms = elapsed_ms(started),
            audio_ms = ms_of(seg.end - seg.start),
            fast,
            "final decoded"
        );
        self.lanes[lane].waiting.pop_front();
        let text = joined(&pieces);
        if text.trim().is_empty() {
            if shown {
                self.emit(LiveEvent::Discarded { id })?;
            }
            return Ok(true);
        }
        let speaker = self.lanes[lane].speaker;
        self.pushed.push_back(Pushed {
            id,
            lane,
            start_ms: ms_of(seg.start),
            end_ms: ms_of(seg.end),
            end_sample: seg.end,
        });
        let started = Instant::now();
        let done = self.redactor.push(speaker, &text);
        self.analyzer.times.redact += started.elapsed();
        self.deliver(done)?;
        Ok(true)
    }

    /// The decode of the final of `lane`'s utterance `seg` (on the fast model with a fitted
    /// context when `fast`).
    fn decode_final(
        &mut self,
        lane: usize,
        seg: SpeechSegment,
        fast: bool,
    ) -> Result<Vec<AsrSegment>, PipelineError> {
        let samples = self.lanes[lane].samples(seg.start, seg.end).to_vec();
        let prompt = self.prompt.clone();
        let decode = Decode {
            prompt: Some(prompt.as_str()).filter(|p| !p.is_empty()),
            fit_context: if fast {
                Some(earshot_asr::MIN_FITTED_CONTEXT)
            } else {
                self.final_fit()
            },
            // Behind already: no re-decodes at higher temperatures on top.
            single_pass: fast,
        };
        let engine = self.analyzer.engine.clone();
        let mut lease = engine
            .lease(
                Priority {
                    work: Work::Final,
                    since: self.lanes[lane].heard_at(seg.end),
                },
                None,
            )
            .expect("no patience limit");
        lease.widen_alone(self.options.final_threads);
        if let Some(t) = if fast { lease.fast() } else { None } {
            return Ok(t.transcribe_with(&samples, decode)?);
        }
        let started = Instant::now();
        let pieces = lease.main()?.transcribe_with(&samples, decode)?;
        drop(lease);
        self.noted_decode(samples.len(), decode.fit_context, started);
        Ok(pieces)
    }

    /// The context floor the next final decodes with on the main model (`None`: whole), per
    /// [`LiveOptions::final_context`].
    fn final_fit(&mut self) -> Option<usize> {
        let (budget, floor) = match self.options.final_context {
            FinalContext::Whole => return None,
            FinalContext::Fitted(floor) => return Some(floor),
            FinalContext::Auto { budget, floor } => (budget, floor),
        };
        let cost = self.analyzer.engine.whole_final_cost();
        let fitting = match cost {
            Some(c) if !self.fitting && c > budget => true,
            Some(c) if self.fitting && c < budget * 2 / 3 => false,
            _ => self.fitting,
        };
        if fitting != self.fitting {
            let cost_ms = cost.map_or(0, |c| c.as_millis() as u64);
            if fitting {
                tracing::info!(
                    cost_ms,
                    floor,
                    "finals fit their context: whole-context decodes take longer than the budget"
                );
            } else {
                tracing::info!(cost_ms, "finals decode with the whole context again");
            }
            self.fitting = fitting;
        }
        fitting.then_some(floor)
    }

    /// Tells the engine what a final's decode of `samples` under `fit`, begun at `started`,
    /// took, and counts it.
    fn noted_decode(&mut self, samples: usize, fit: Option<usize>, started: Instant) {
        self.analyzer
            .engine
            .note_final_decode(earshot_asr::encoder_frames(samples, fit), started.elapsed());
        self.stats.fitted_decodes += u64::from(fit.is_some());
        self.stats.whole_decodes += u64::from(fit.is_none());
    }

    /// The lane whose utterance the silence under way will end, not yet decoded early.
    fn early_candidate(&self) -> Option<(usize, SpeechSegment)> {
        if !self.options.early_finals || self.level > DegradeLevel::PartialsPaused {
            return None;
        }
        (0..self.lanes.len())
            .filter(|&i| self.lanes[i].waiting.is_empty())
            .filter_map(|i| Some((i, self.lanes[i].tracker.pending_end()?)))
            .find(|&(i, seg)| !matches!(&self.early, Some(e) if e.lane == i && e.seg == seg))
    }

    /// Decodes early the utterance a silence under way is about to end, when a decoder is free.
    fn early_step(&mut self) -> Result<bool, PipelineError> {
        let Some((lane, seg)) = self.early_candidate() else {
            return Ok(false);
        };
        if let Some(e) = self.early.take() {
            // Replaced: the speaker went on after the pause it was decoded in.
            if e.lane == lane || self.lanes[e.lane].tracker.pending_end() != Some(e.seg) {
                self.stats.early_dropped += u64::from(e.pieces.is_some());
            } else {
                // Another lane's, still pending: keep it; this lane waits its turn.
                self.early = Some(e);
                return Ok(false);
            }
        }
        let samples = self.lanes[lane].samples(seg.start, seg.end).to_vec();
        let prompt = self.prompt.clone();
        let engine = self.analyzer.engine.clone();
        // Speculative work: served like a partial, never ahead of anyone's final.
        let Some(mut lease) = engine.lease(
            Priority {
                work: Work::Partial,
                since: self.lanes[lane].heard_at(seg.end),
            },
            Some(PARTIAL_PATIENCE),
        ) else {
            // Marked as tried, so the step does not spin on it.
            self.early = Some(Early {
                lane,
                seg,
                prompt,
                pieces: None,
            });
            return Ok(false);
        };
        lease.widen_alone(self.options.final_threads);
        let fit = self.final_fit();
        let started = Instant::now();
        let threads = lease.threads();
        let t = lease.main()?;
        let pieces = t.transcribe_with(
            &samples,
            Decode {
                prompt: Some(prompt.as_str()).filter(|p| !p.is_empty()),
                fit_context: fit,
                single_pass: false,
            },
        )?;
        let (steps, unprompted) = (t.last_steps(), t.last_unprompted());
        drop(lease);
        self.noted_decode(samples.len(), fit, started);
        self.analyzer.times.asr += started.elapsed();
        tracing::debug!(
            decode_ms = elapsed_ms(started),
            audio_ms = ms_of(seg.end - seg.start),
            steps,
            unprompted,
            threads,
            "final decoded early"
        );
        self.early = Some(Early {
            lane,
            seg,
            prompt,
            pieces: Some(pieces),
        });
        Ok(true)
    }

    /// Emits a line the redactor held (it ends in a number or a letter) once its speaker has been silent for
    /// the hold time, or at the end of the call.
    fn release_held(&mut self, ending: bool) -> Result<(), PipelineError> {
        let Some(held) = self.pushed.back() else {
            return Ok(());
        };
        if self.redactor.held().is_none() {
            return Ok(());
        }
        let lane = &self.lanes[held.lane];
        let speaking = lane.tracker.open().is_some() || !lane.waiting.is_empty();
        let waited = lane.tracker.position().saturating_sub(held.end_sample);
        let hold = (self.options.hold.as_millis() as usize) * SAMPLE_RATE as usize / 1000;
        if ending || (!speaking && waited >= hold) {
            let done = self.redactor.release();
            self.deliver(done)?;
        }
        Ok(())
    }

    /// Seals, scores and emits lines the redactor returned.
    fn deliver(&mut self, done: Vec<Redaction>) -> Result<(), PipelineError> {
        for r in done {
            let meta = self
                .pushed
                .pop_front()
                .expect("the redactor returns lines in the order they were pushed");
            let started = Instant::now();
            let sentiment = self.analyzer.engine.sentiment.score(&r.text);
            self.analyzer.times.sentiment += started.elapsed();
            self.scored.push((meta.start_ms, sentiment.scored()));
            let sealed = earshot_seal::seal_findings(self.analyzer.sealer.as_ref(), &r.findings)?;
            self.prompt = prompt_from(&r.text);
            let lane = &self.lanes[meta.lane];
            let heard = lane.heard_at(meta.end_sample);
            let latency_ms = elapsed_ms(heard);
            self.stats.final_latencies.push(latency_ms);
            self.stats.lag.push((meta.end_ms, latency_ms));
            let utterance = Utterance {
                speaker: r.speaker,
                start_ms: meta.start_ms,
                end_ms: meta.end_ms,
                text: r.text,
                sentiment,
                findings: r.findings.iter().map(|f| f.span()).collect(),
            };
            self.emit(LiveEvent::Final(Final {
                id: meta.id,
                utterance,
                sealed,
                latency_ms,
            }))?;
        }
        Ok(())
    }

    /// The open lane due a partial that was served longest ago.
    fn partial_candidate(&self) -> Option<usize> {
        if !self.options.partials || self.level > DegradeLevel::Normal {
            return None;
        }
        let open = self
            .lanes
            .iter()
            .filter(|l| l.tracker.open().is_some())
            .count()
            .max(1) as u32;
        // Partials may take about two thirds of the worker.
        let step = self.options.step.max(self.partial_cost * open * 3 / 2);
        let step_samples = (step.as_millis() as usize) * SAMPLE_RATE as usize / 1000;
        (0..self.lanes.len())
            .filter(|&i| {
                let l = &self.lanes[i];
                l.tracker.open().is_some()
                    && l.waiting.is_empty()
                    && l.tracker.position() >= l.partial_at + step_samples
                    // Gone quiet: the early decode of its final is due within the padding, and
                    // a partial now would hold the decoder when it is.
                    && !(self.options.early_finals && l.tracker.pausing())
                    && !matches!(
                        (&self.early, l.tracker.pending_end()),
                        (Some(e), Some(seg)) if e.lane == i && e.seg == seg
                    )
            })
            .min_by_key(|&i| self.lanes[i].last_partial)
    }

    fn partial_step(&mut self) -> Result<bool, PipelineError> {
        let Some(lane) = self.partial_candidate() else {
            return Ok(false);
        };
        let (Some(id), Some(start)) = (self.lanes[lane].open_id, self.lanes[lane].tracker.open())
        else {
            return Ok(false);
        };
        let end = self.lanes[lane].tracker.position();
        let samples = self.lanes[lane].samples(start, end).to_vec();
        let prompt = self.prompt.clone();
        let engine = self.analyzer.engine.clone();
        // A partial that cannot start soon is stale before it is shown: give way to the other
        // calls' work (the lane is tried again on the next step).
        let Some(mut lease) = engine.lease(
            Priority {
                work: Work::Partial,
                since: self.lanes[lane].heard_at(end),
            },
            Some(PARTIAL_PATIENCE),
        ) else {
            self.lanes[lane].partial_at = end;
            return Ok(false);
        };
        let started = Instant::now();
        let threads = lease.threads();
        let t = lease.main()?;
        let pieces = t.transcribe_with(
            &samples,
            Decode {
                prompt: Some(prompt.as_str()).filter(|p| !p.is_empty()),
                fit_context: Some(earshot_asr::MIN_FITTED_CONTEXT),
                // A partial is replaced within the second: one pass, never a re-decode at
                // higher temperatures that would hold the final behind it.
                single_pass: true,
            },
        )?;
        let (steps, unprompted) = (t.last_steps(), t.last_unprompted());
        drop(lease);
        let cost = started.elapsed();
        self.analyzer.times.asr += cost;
        tracing::debug!(
            id,
            decode_ms = cost.as_millis() as u64,
            audio_ms = ms_of(end - start),
            steps,
            unprompted,
            threads,
            "partial decoded"
        );
        self.partial_cost = (self.partial_cost * 3 + cost) / 4;
        let speaker = self.lanes[lane].speaker;
        let heard = self.lanes[lane].heard_at(end);
        let l = &mut self.lanes[lane];
        l.partial_at = end;
        l.last_partial = Some(Instant::now());
        let text = joined(&pieces);
        if text.trim().is_empty() {
            return Ok(true);
        }
        self.lanes[lane].partial_shown = true;
        let started = Instant::now();
        let redacted = self.redactor.preview(speaker, &text);
        self.analyzer.times.redact += started.elapsed();
        let latency_ms = elapsed_ms(heard);
        self.stats.partial_latencies.push(latency_ms);
        self.emit(LiveEvent::Partial(Partial {
            id,
            speaker,
            start_ms: ms_of(start),
            end_ms: ms_of(end),
            text: redacted.text,
            latency_ms,
        }))?;
        Ok(true)
    }
}

/// How long a partial waits for a decoder that other calls' work holds.
const PARTIAL_PATIENCE: Duration = Duration::from_millis(100);

/// Plays a call into a live engine as if it were being heard now: decoded audio from memory,
/// or a file read as it plays (memory bounded whatever its length).
pub struct FilePlayer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    error: Arc<std::sync::Mutex<Option<AudioError>>>,
    cut_short: Arc<std::sync::Mutex<Option<CutShort>>>,
}

/// Where a player's audio comes from: per-track 16 kHz blocks, then `None`.
type Blocks = Box<dyn FnMut() -> Result<Option<Vec<Vec<f32>>>, AudioError> + Send>;

impl FilePlayer {
    /// Starts sending `audio`'s tracks in 20 ms chunks, `speed` times real time
    /// (`f64::INFINITY`: as fast as the receiver takes them). Returns the player and the
    /// receiving end for [`Analyzer::run_live`].
    pub fn start(audio: CallAudio, speed: f64) -> (FilePlayer, Receiver<AudioChunk>) {
        FilePlayer::start_with_stop(audio, speed, Arc::new(AtomicBool::new(false)))
    }

    /// As [`FilePlayer::start`], ending playback when `stop` is set (by Ctrl-C, a Stop button).
    pub fn start_with_stop(
        audio: CallAudio,
        speed: f64,
        stop: Arc<AtomicBool>,
    ) -> (FilePlayer, Receiver<AudioChunk>) {
        let speakers = audio.tracks.iter().map(|t| t.speaker).collect();
        let mut tracks = Some(audio.tracks.into_iter().map(|t| t.samples).collect());
        let cut_short = Default::default();
        FilePlayer::spawn(
            speakers,
            Box::new(move || Ok(tracks.take())),
            speed,
            stop,
            cut_short,
        )
    }

    /// As [`FilePlayer::start_with_stop`], reading the file as it plays. A decoding error part
    /// way ends playback (the call ends there); [`FilePlayer::error`] tells it afterwards, and
    /// [`FilePlayer::cut_short`] a file that ended before the length its header announces.
    pub fn stream(
        mut stream: CallStream,
        speed: f64,
        stop: Arc<AtomicBool>,
    ) -> (FilePlayer, Receiver<AudioChunk>) {
        let speakers = stream.speakers().to_vec();
        let announced = stream.duration_hint_ms();
        let cut_short = Arc::new(std::sync::Mutex::new(None));
        let found = cut_short.clone();
        let blocks = move || {
            let block = stream.next_block()?;
            // The file's own end (not a stop): how far it went against what it announced.
            if let (None, Some(announced)) = (&block, announced) {
                *found.lock().unwrap_or_else(|p| p.into_inner()) =
                    CutShort::check(announced, stream.duration_ms());
            }
            Ok(block)
        };
        FilePlayer::spawn(speakers, Box::new(blocks), speed, stop, cut_short)
    }

    fn spawn(
        speakers: Vec<Speaker>,
        blocks: Blocks,
        speed: f64,
        stop: Arc<AtomicBool>,
        cut_short: Arc<std::sync::Mutex<Option<CutShort>>>,
    ) -> (FilePlayer, Receiver<AudioChunk>) {
        let (tx, rx) = std::sync::mpsc::sync_channel(4096);
        let flag = stop.clone();
        let error = Arc::new(std::sync::Mutex::new(None));
        let failed = error.clone();
        let thread = std::thread::Builder::new()
            .name("earshot-file-player".into())
            .spawn(move || {
                if let Err(e) = play(&speakers, blocks, speed, &tx, flag) {
                    *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                }
                // Only now does the receiver see the end: the error is in place before it.
                drop(tx);
            })
            .expect("spawning a thread");
        (
            FilePlayer {
                stop,
                thread: Some(thread),
                error,
                cut_short,
            },
            rx,
        )
    }

    /// A flag that, once set, ends playback as if the call had ended (for Ctrl-C).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// The error that ended playback early, if one did (once the receiver has seen the end).
    pub fn error(&self) -> Option<AudioError> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// How far short of its header's length the file ended, if it did by more than a second
    /// and 2 % (once the receiver has seen the end; `None` too for a call stopped before the
    /// file's end, and for audio played from memory).
    pub fn cut_short(&self) -> Option<CutShort> {
        *self.cut_short.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for FilePlayer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn play(
    speakers: &[Speaker],
    mut blocks: Blocks,
    speed: f64,
    tx: &SyncSender<AudioChunk>,
    stop: Arc<AtomicBool>,
) -> Result<(), AudioError> {
    const CHUNK: usize = SAMPLE_RATE as usize / 50;
    let started = Instant::now();
    // Samples not yet sent, per track, starting at absolute sample `pos`.
    let mut carry: Vec<Vec<f32>> = vec![Vec::new(); speakers.len()];
    let mut pos = 0usize;
    let mut ended = false;
    while !stop.load(Ordering::SeqCst) {
        while !ended && carry.iter().any(|c| c.len() < CHUNK) {
            match blocks()? {
                Some(block) => {
                    for (c, b) in carry.iter_mut().zip(block) {
                        c.extend(b);
                    }
                }
                None => ended = true,
            }
        }
        let n = carry.iter().map(Vec::len).max().unwrap_or(0).min(CHUNK);
        if n == 0 {
            break;
        }
        let end = pos + n;
        if speed.is_finite() {
            let due = Duration::from_secs_f64(end as f64 / SAMPLE_RATE as f64 / speed);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let heard_at = Instant::now();
        for (speaker, c) in speakers.iter().zip(carry.iter_mut()) {
            let samples: Vec<f32> = c.drain(..n.min(c.len())).collect();
            let chunk = AudioChunk {
                speaker: *speaker,
                samples,
                heard_at,
            };
            if tx.send(chunk).is_err() {
                return Ok(());
            }
        }
        pos = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_leave_redaction_tags_out() {
        assert_eq!(
            prompt_from("sure it's [CREDIT_DEBIT_NUMBER] and the code is [CVV]."),
            "sure it's and the code is."
        );
        assert_eq!(prompt_from("It is [CREDIT_DEBIT_NUMBER]."), "It is.");
        assert_eq!(prompt_from("[CREDIT_DEBIT_NUMBER], [CVV]."), "");
        // Control: punctuation of the line's own words stays where it was.
        assert_eq!(
            prompt_from("Thanks. Is that the card, or the account?"),
            "Thanks. Is that the card, or the account?"
        );
    }
}
