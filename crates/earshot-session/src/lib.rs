//! A call being recorded: a live source (a file played at 1×, the workstation's capture, later a
//! SIPREC fork) runs through the streaming engine; every final is committed to the vault *before*
//! it is reported; everything is reported as a [`CallEvent`], the display-safe shape that the CLI
//! prints and the desktop UI renders (its TypeScript type is generated from this one).
//!
//! A `CallEvent` can carry only redacted text, finding *types* and whether a value was sealed:
//! never a value. Partials are never stored.
//!
//! Also here, for the screens: [`history`] (stored calls found, opened, deleted) and [`settings`]
//! (models, devices, the caller's channel, what the organisation's policy manages), and
//! [`station`] (one local call or the SIPREC receiver, never both).

mod capture;
pub mod history;
pub mod knowledge;
pub mod lines;
mod passes;
pub mod settings;
pub mod siprec;
pub mod station;
pub mod sync;
pub mod update;

pub use passes::stop_second_passes;

pub use capture::{LiveCapture, Recorded};

use earshot_audio::{AudioError, CallStream};
use earshot_config::{Config, ConfigError};
use earshot_core::{
    AudioChunk, FindingKind, KeyPress, SealedFinding, Sentiment, SentimentLabel, Speaker,
    TrendDirection, Utterance,
};
use earshot_models::ModelStore;
use earshot_pipeline::{
    Analyzer, AnalyzerOptions, CallEnd, FilePlayer, LiveEvent, LiveOptions, PipelineError,
    PipelineEvent, Progress,
};
use earshot_seal::{SealError, Sealer};
use earshot_vault::{NewCall, Vault, VaultError};
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

/// What can stop a recorded call.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The vault refused the call or an utterance.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The engine failed.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The configuration cannot be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The recording cannot be read.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// Live capture could not start.
    #[error(transparent)]
    Capture(#[from] earshot_capture::CaptureError),
    /// The SIPREC receiver cannot start.
    #[error("SIPREC: {0}")]
    Siprec(String),
    /// The knowledge base cannot be loaded.
    #[error("knowledge base: {0}")]
    Assist(String),
    /// The configured age recipients are not valid.
    #[error("age_recipients: {0}")]
    Recipients(#[from] SealError),
}

/// The workstation's state for recording calls: its vault and its loaded models.
pub struct Workstation {
    /// The encrypted store.
    pub vault: Vault,
    /// The models, with the organisation's sealer set.
    pub analyzer: Analyzer,
    /// Whether values are sealed (recipients configured) or dropped.
    pub sealing: bool,
    /// The configuration in force.
    pub config: Config,
    /// The sentence encoder and knowledge base, once [`Workstation::load_assist`] loaded them
    /// (shared with the process's other users when loaded through an
    /// [`knowledge::AssistCache`]).
    pub assist: Option<knowledge::SharedAssistant>,
    /// The organisation's alert rules (`assist_rules`), once [`Workstation::load_assist`]
    /// read them; the hygiene alerts are on without them.
    pub alert_rules: Option<earshot_assist::alerts::AlertRules>,
    /// The compliance checklists (`assist_rules`), once [`Workstation::load_assist`] read them.
    pub checklists: Option<earshot_assist::checklist::Checklists>,
    /// Articles the agent dismisses during the next call recorded (the app's Dismiss button):
    /// that call takes the receiver, and a dismissed article is not suggested again; the
    /// Useful / Not useful buttons' feedback is stored with the call for tuning.
    pub actions: Option<std::sync::mpsc::Receiver<AgentAction>>,
    /// The last call's suggestions, for the agent's marks made after it ended (set when a call
    /// recorded through this workstation ends).
    pub late_feedback: Option<LateFeedback>,
}

impl Workstation {
    /// Loads the configuration, opens the vault and loads the models the settings name.
    pub fn open_configured() -> Result<Workstation, SessionError> {
        let config = Config::load()?;
        let options = settings::analyzer_options(&config);
        Workstation::open_with(config, options)
    }

    /// Loads the configuration, opens the vault and loads the models named by `options` (with
    /// the configuration's second pass).
    pub fn open(options: AnalyzerOptions) -> Result<Workstation, SessionError> {
        let config = Config::load()?;
        let options = AnalyzerOptions {
            second_pass: config.second_pass.clone(),
            ..options
        };
        Workstation::open_with(config, options)
    }

    /// Opens the vault of `config` and loads the models its settings name.
    pub fn open_config(config: Config) -> Result<Workstation, SessionError> {
        let options = settings::analyzer_options(&config);
        Workstation::open_with(config, options)
    }

    fn open_with(config: Config, options: AnalyzerOptions) -> Result<Workstation, SessionError> {
        let engine = earshot_pipeline::Engine::load(&ModelStore::from_env(), options, 1)?;
        Workstation::open_on(config, &engine)
    }

    /// Opens the vault of `config` with an analyzer on `engine`'s models, loaded once for every
    /// call of the process (a SIPREC receiver's calls): only a call's own state is made here.
    pub fn open_on(
        config: Config,
        engine: &Arc<earshot_pipeline::Engine>,
    ) -> Result<Workstation, SessionError> {
        let sealer = Sealer::new(&config.age_recipients)?;
        let vault = Vault::open(&config)?;
        let mut analyzer = Analyzer::on(engine)?;
        let sealing = sealer.is_some();
        analyzer.set_sealer(sealer);
        Ok(Workstation {
            vault,
            analyzer,
            sealing,
            config,
            assist: None,
            alert_rules: None,
            checklists: None,
            actions: None,
            late_feedback: None,
        })
    }

    /// Loads agent assist: the alert rules and checklists `assist_rules` names, and the
    /// knowledge base `knowledge_dir` names, indexed with the MiniLM encoder (which also matches
    /// checklist items by similarity). Each part loads on its own: a rule file with an error is
    /// refused whole (with its file and line) and the knowledge base still loads, and the
    /// reverse; the first error is returned after the rest has loaded. Malformed articles are
    /// skipped and listed in `assist.errors`.
    pub fn load_assist(&mut self) -> Result<(), SessionError> {
        self.load_assist_in(&knowledge::AssistCache::default())
    }

    /// [`Workstation::load_assist`] with the encoder and knowledge index from `cache`: the
    /// same ones as the process's other users of it (the app's search box, its next call).
    pub fn load_assist_in(&mut self, cache: &knowledge::AssistCache) -> Result<(), SessionError> {
        let mut problems = Vec::new();
        if let Some(path) = self.config.assist_rules.clone() {
            match earshot_assist::alerts::AlertRules::load(&path) {
                Ok(rules) => self.alert_rules = Some(rules),
                Err(e) => problems.push(format!("alert rules: {e}")),
            }
            match earshot_assist::checklist::Checklists::load(&path) {
                Ok(lists) if !lists.lists.is_empty() => self.checklists = Some(lists),
                Ok(_) => {}
                Err(e) => problems.push(format!("checklists: {e}")),
            }
        }
        let semantic = self.checklists.as_ref().is_some_and(|c| c.semantic())
            || self.alert_rules.as_ref().is_some_and(|r| r.semantic());
        if self.config.knowledge_dir.is_some() || semantic {
            match cache.get(&self.config, &mut self.vault) {
                Ok(a) => self.assist = Some(a),
                Err(e) => problems.push(e.to_string()),
            }
        }
        if let Some(a) = &self.assist {
            let mut a = a.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(lists) = self.checklists.as_mut() {
                if let Err(e) = lists.embed(a.encoder()) {
                    problems.push(format!("checklists: {e}"));
                }
            }
            if let Some(rules) = self.alert_rules.as_mut() {
                if let Err(e) = rules.embed(a.encoder()) {
                    problems.push(format!("alert rules: {e}"));
                }
            }
        }
        match problems.into_iter().next() {
            Some(p) => Err(SessionError::Assist(p)),
            None => Ok(()),
        }
    }
}

/// A finding as the screen may see it: its type, and whether its value was sealed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FindingView {
    /// The kind (`CREDIT_DEBIT_NUMBER`, …), as in the redacted text's tag.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: FindingKind,
    /// Whether the original was sealed to the organisation's keys (else it was dropped).
    pub sealed: bool,
}

/// An utterance's sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentimentView {
    /// Polarity (`unscored`: the engine failed on this utterance).
    pub label: SentimentLabel,
    /// Score in [-1, 1], rounded to three decimals; `null` when unscored.
    pub score: Option<f64>,
}

impl SentimentView {
    /// The view of a sentiment.
    pub fn of(s: &Sentiment) -> SentimentView {
        SentimentView {
            label: s.label,
            score: s.scored().map(round3),
        }
    }
}

/// What the agent does with a suggestion during a call (the app's buttons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    /// Not suggested again in this call.
    Dismiss {
        /// The article.
        article_id: String,
    },
    /// Useful or not: stored with the call, with the suggestion's score, for tuning the
    /// threshold and the articles (`earshot knowledge feedback`).
    Feedback {
        /// The article.
        article_id: String,
        /// Whether it helped.
        useful: bool,
    },
}

/// A finished call's suggested articles and their scores: the agent's Useful / Not useful on a
/// suggestion still on screen after the call ended is stored with that call.
#[derive(Debug, Clone, Default)]
pub struct LateFeedback {
    /// The stored call.
    pub call_id: i64,
    /// The score each article was suggested with.
    pub suggested: std::collections::HashMap<String, f64>,
}

impl LateFeedback {
    /// Stores the mark in `vault` with the call; `false` (nothing stored) for an article the
    /// call never suggested.
    pub fn store(
        &self,
        vault: &mut Vault,
        article_id: &str,
        useful: bool,
    ) -> Result<bool, SessionError> {
        let Some(score) = self.suggested.get(article_id) else {
            return Ok(false);
        };
        vault.add_feedback(self.call_id, article_id, *score, useful)?;
        Ok(true)
    }
}

/// What a recorded call reports, in order. JSON: `{"type": "partial" | "final" | …, …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub enum CallEvent {
    /// An utterance in progress; a later partial or its final replaces it.
    Partial {
        /// The utterance (its final has the same id).
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        id: u64,
        /// Who is speaking.
        speaker: Speaker,
        /// Start, ms from the start of the call.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        start_ms: u64,
        /// End of the audio decoded so far.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        end_ms: u64,
        /// Redacted text.
        text: String,
        /// Wall time from hearing the end of that audio to this event.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        latency_ms: u64,
    },
    /// A finished utterance, already stored.
    Final {
        /// The utterance.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        id: u64,
        /// Who spoke.
        speaker: Speaker,
        /// Start, ms from the start of the call.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        start_ms: u64,
        /// End, ms from the start of the call.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        end_ms: u64,
        /// Redacted text: each finding is a `[TYPE]` tag.
        text: String,
        /// Sentiment of the redacted text.
        sentiment: SentimentView,
        /// The findings, in the order of their tags.
        findings: Vec<FindingView>,
        /// Wall time from hearing the end of the utterance to this event.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        latency_ms: u64,
    },
    /// An utterance that had partials held no words after all: drop its partial.
    Discarded {
        /// The utterance.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        id: u64,
    },
    /// The receiver lost some of the call's audio (a SIPREC fork: packets lost on the network,
    /// or audio the engine could not take in time); sent while the call runs when the figures
    /// grow (at most once a second), and stored with the call at its end.
    Gaps {
        /// RTP packets never received.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        lost_packets: u64,
        /// Audio made up for them by the decoder (ms).
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        concealed_ms: u64,
        /// Audio dropped because the engine was not taking it (ms).
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        dropped_ms: u64,
    },
    /// The engine changed how much it does to keep up.
    Degraded {
        /// `normal`, `partials_paused` or `fast_finals`.
        level: String,
        /// Why, for a person.
        reason: String,
        /// Age of the oldest waiting final.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        lag_ms: u64,
    },
    /// An alert raised by a final (`id`): an organisation's category rule, the escalation
    /// hint, or sensitive-data hygiene (`sensitive_input`, `sensitive_readback`). Never the
    /// words.
    Alert {
        /// The final that raised it.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        id: u64,
        /// The rule's id.
        rule: String,
        /// The category shown.
        category: String,
        /// `info`, `warning` or `critical`.
        severity: String,
        /// Who spoke.
        speaker: Speaker,
    },
    /// A knowledge article for what the caller just said (the final `id`). Its text is the
    /// organisation's article, never the caller's words.
    Suggestion {
        /// The caller's final it answers.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        id: u64,
        /// The article's id (its path in the knowledge folder).
        article_id: String,
        /// Its title.
        title: String,
        /// The heading of the matching part.
        heading: String,
        /// The matching part.
        snippet: String,
        /// Confidence: the similarity (0–1), or 1 for a trigger phrase.
        score: f64,
        /// The trigger phrase the caller said, when that is why.
        trigger: Option<String>,
    },
    /// The compliance checklist's state: at the start of the call, and after each final that
    /// changed it (`id`; 0 at the start). Labels are the organisation's, never the call's words.
    Checklist {
        /// The final that changed it (0: the call's start).
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        id: u64,
        /// The checklist's id.
        checklist: String,
        /// Its items in order.
        items: Vec<ChecklistItemView>,
        /// Weighted share of the items met in order so far (0–1).
        score: f64,
    },
    /// The call is over and stored.
    CallEnd {
        /// The stored call's id.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        call_id: i64,
        /// Length of the call.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        duration_ms: u64,
        /// Direction of the sentiment over the call.
        sentiment_trend: TrendDirection,
        /// Mean score per quarter (`null`: no speech in that quarter).
        sentiment_quarters: [Option<f64>; 4],
        /// Which sentiment engine scored the call (`lexicon`: the learned engine was not
        /// available on this workstation).
        sentiment_engine: String,
        /// Utterances the sentiment engine could not score.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        unscored: usize,
        /// Number of utterances.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        utterances: usize,
    },
}

/// One checklist item as the agent sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct ChecklistItemView {
    /// Its id.
    pub id: String,
    /// What the agent owes.
    pub label: String,
    /// Its share of the score.
    pub weight: f64,
    /// `open`, `met`, `met_out_of_order` or `missed_order` (still owed, and something it must
    /// come before has happened).
    pub state: String,
}

fn checklist_event(id: u64, state: &earshot_assist::checklist::ChecklistState<'_>) -> CallEvent {
    CallEvent::Checklist {
        id,
        checklist: state.checklist().id.clone(),
        items: state
            .items()
            .into_iter()
            .map(|(step, st)| ChecklistItemView {
                id: step.id.clone(),
                label: step.label.clone(),
                weight: step.weight,
                state: serde_json::to_value(st)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
            })
            .collect(),
        score: state.adherence().score,
    }
}

/// What the status bar shows about the workstation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct WorkstationStatus {
    /// Whisper model live calls use.
    pub model: String,
    /// Where calls are stored (always encrypted with SQLCipher).
    pub data_dir: String,
    /// Where the database key is kept: `keyring` or `file`.
    pub key_store: String,
    /// Whether found values are sealed to the organisation's keys (else dropped).
    pub sealing: bool,
    /// Calls older than this are purged.
    pub retention_days: u32,
    /// The sentiment engine calls will be scored with: `embedding`, or `lexicon` when the
    /// learned engine's files are not in place.
    pub sentiment_engine: String,
    /// Why the lexicon stands in for the learned engine (`null`: it does not).
    pub sentiment_fallback: Option<String>,
}

impl WorkstationStatus {
    /// The status for `config`, with live calls on `model` and the models in `store`.
    pub fn of(config: &Config, model: &str, store: &ModelStore) -> WorkstationStatus {
        let sentiment_fallback = earshot_pipeline::embedding_unavailable(store);
        WorkstationStatus {
            sentiment_engine: match sentiment_fallback {
                None => "embedding",
                Some(_) => "lexicon",
            }
            .to_string(),
            sentiment_fallback,
            model: model.to_string(),
            data_dir: config.data_dir.display().to_string(),
            key_store: match config.key_store {
                earshot_config::KeyStore::Keyring => "keyring",
                earshot_config::KeyStore::File => "file",
            }
            .to_string(),
            sealing: !config.age_recipients.is_empty(),
            retention_days: config.retention_days,
        }
    }
}

/// Scores to three decimals: more digits are noise.
pub fn round3(v: f32) -> f64 {
    (v as f64 * 1000.0).round() / 1000.0
}

/// Records a recording played through the live engine at `speed` × real time
/// (`f64::INFINITY`: as fast as the engine goes) as a call from `source`; setting `stop` ends it
/// early, finalizing what is open. See [`record_call`]; its second pass, if any, is returned to
/// run, and a file that ended before the length its header announces is told in
/// [`Recorded::cut_short`].
pub fn record_file<E>(
    ws: &mut Workstation,
    path: &Path,
    speed: f64,
    options: LiveOptions,
    stop: Arc<AtomicBool>,
    on_event: impl FnMut(&CallEvent) -> Result<(), E>,
) -> Result<Recorded<E>, SessionError> {
    let stream = CallStream::open(path, ws.analyzer.options().caller_channel)?;
    let speakers = stream.speakers().to_vec();
    let (player, input) = FilePlayer::stream(stream, speed, stop);
    let source = format!("{} (realtime)", path.display());
    let mut suggested = std::collections::HashMap::new();
    let mut second_pass = None;
    ws.late_feedback = None;
    let recorded = record_call_with_keypad(
        &mut ws.analyzer,
        &mut ws.vault,
        &source,
        input,
        Received {
            assist: ws.assist.as_deref().map(AssistRef::Shared),
            alert_rules: ws.alert_rules.as_ref(),
            checklists: ws.checklists.as_ref(),
            queue: ws.config.queue.clone(),
            actions: ws.actions.take(),
            suggested: Some(&mut suggested),
            second_pass: Some(&mut second_pass),
            speakers: Some(speakers),
            ..Received::default()
        },
        options,
        on_event,
    )?;
    if let Ok(call_id) = &recorded {
        ws.late_feedback = Some(LateFeedback {
            call_id: *call_id,
            suggested,
        });
    }
    // A file that fails to decode part way ended the call there: what was heard is stored, and
    // the error is still an error.
    match player.error() {
        Some(e) => {
            // Cut short by bad audio: the live transcript stands.
            if let Some(p) = second_pass {
                ws.vault
                    .abandon_second_pass(p.call_id(), "its recording failed to decode")?;
            }
            Err(e.into())
        }
        None => Ok(Recorded {
            call: recorded,
            capture_failure: None,
            second_pass,
            cut_short: player.cut_short(),
        }),
    }
}

/// Where a call's events go: the receiver's first error is kept and returned at the end, and
/// reporting stops there, while storing goes on (the screen may be gone; the call is not).
struct Sink<E, F> {
    on_event: F,
    error: Option<E>,
}

impl<E, F: FnMut(&CallEvent) -> Result<(), E>> Sink<E, F> {
    fn new(on_event: F) -> Self {
        Sink {
            on_event,
            error: None,
        }
    }

    fn send(&mut self, event: &CallEvent) {
        if self.error.is_none() {
            if let Err(e) = (self.on_event)(event) {
                self.error = Some(e);
            }
        }
    }

    fn finish(self, call_id: i64) -> Result<i64, E> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(call_id),
        }
    }
}

/// The display-safe event of a final utterance (`latency_ms`: 0 offline).
fn final_event(id: u64, u: Utterance, sealed: &[SealedFinding], latency_ms: u64) -> CallEvent {
    CallEvent::Final {
        id,
        speaker: u.speaker,
        start_ms: u.start_ms,
        end_ms: u.end_ms,
        findings: sealed
            .iter()
            .map(|s| FindingView {
                kind: s.span.kind,
                sealed: s.sealed.is_some(),
            })
            .collect(),
        text: u.text,
        sentiment: SentimentView::of(&u.sentiment),
        latency_ms,
    }
}

/// The event of a stored call's end; `stored`: the utterances the vault holds for it.
fn call_end_event(call_id: i64, end: &CallEnd, stored: u32) -> CallEvent {
    CallEvent::CallEnd {
        call_id,
        duration_ms: end.duration_ms,
        sentiment_trend: end.sentiment_trend.direction,
        sentiment_quarters: end.sentiment_trend.quarters.map(|q| q.map(round3)),
        sentiment_engine: end.sentiment_engine.to_string(),
        unscored: end.unscored,
        // What was stored: the engine's finals and any keypad entries.
        utterances: stored as usize,
    }
}

/// Analyzes the recording at `path` offline (whole-call VAD, as fast as the engine goes) as a
/// call from that path: each utterance is committed to the vault *before* `on_event` sees its
/// `Final`, then the call's end is stored and reported as `CallEnd`. A recording that cannot be
/// read is refused before anything is stored. `on_progress` hears how much audio is done. An
/// error from `on_event` does not stop the analysis (storing goes on); the first one is returned
/// at the end.
pub fn analyze_file<E>(
    ws: &mut Workstation,
    path: &Path,
    mut on_progress: impl FnMut(Progress),
    on_event: impl FnMut(&CallEvent) -> Result<(), E>,
) -> Result<Result<i64, E>, SessionError> {
    let stream = CallStream::open(path, ws.analyzer.options().caller_channel)?;
    let mut session = ws.vault.record(&NewCall {
        source: path.display().to_string(),
        agent: None,
        direction: None,
        model: ws.analyzer.options().model.clone(),
    })?;
    let call_id = session.id();
    let mut sink = Sink::new(on_event);
    let mut next_id = 0u64;
    // Keypad tones heard in the recording are keyed digits: sealed `[DTMF]` entries.
    let (heard_tx, heard) = std::sync::mpsc::channel();
    ws.analyzer.set_keypad(Some(heard_tx));
    let mut keys = KeyEntries::new(None, Some(heard), ws.analyzer.sealer().cloned(), false);
    let analyzed = ws.analyzer.analyze_stream(stream, |event| {
        // Every key up to what was transcribed has been heard (tones are looked for as the
        // audio is read, ahead of the decoding): an entry that ended before is stored now.
        let heard_to_ms = match &event {
            PipelineEvent::Progress(p) => Some(p.done_ms),
            PipelineEvent::Utterance(u, _) => Some(u.end_ms),
            PipelineEvent::CallEnd(_) => None,
        };
        keys.store(
            matches!(event, PipelineEvent::CallEnd(_)),
            heard_to_ms,
            &mut session,
            &mut sink,
        )?;
        let event = match event {
            PipelineEvent::Progress(p) => {
                on_progress(p);
                return Ok(());
            }
            PipelineEvent::Utterance(u, sealed) => {
                // Committed before it is shown: what was shown is on disk.
                session.add(&u, &sealed)?;
                next_id += 1;
                final_event(next_id, u, &sealed, 0)
            }
            PipelineEvent::CallEnd(end) => {
                session.end(end.duration_ms, &end.sentiment_trend, end.sentiment_engine)?;
                call_end_event(call_id, &end, session.stored())
            }
        };
        sink.send(&event);
        Ok(())
    });
    ws.analyzer.set_keypad(None);
    analyzed?;
    Ok(sink.finish(call_id))
}

/// Records one call: reads `input` until every sender is gone, committing each final to `vault`
/// before `on_event` sees it. An error from `on_event` does not stop the call (the screen may be
/// gone; storing goes on); the first one is returned at the end.
pub fn record_call<E>(
    analyzer: &mut Analyzer,
    vault: &mut Vault,
    source: &str,
    input: Receiver<AudioChunk>,
    options: LiveOptions,
    on_event: impl FnMut(&CallEvent) -> Result<(), E>,
) -> Result<Result<i64, E>, SessionError> {
    record_call_with_keypad(
        analyzer,
        vault,
        source,
        input,
        Received::default(),
        options,
        on_event,
    )
}

/// What comes with a call besides its audio: from a receiver (the SIPREC fork) and from the
/// workstation (its knowledge base).
#[derive(Default)]
pub struct Received<'a> {
    /// The knowledge base: each caller final may bring a [`CallEvent::Suggestion`].
    pub assist: Option<AssistRef<'a>>,
    /// The organisation's alert rules (the hygiene alerts are raised without them).
    pub alert_rules: Option<&'a earshot_assist::alerts::AlertRules>,
    /// The compliance checklists: the one for `queue` is ticked off on the finals.
    pub checklists: Option<&'a earshot_assist::checklist::Checklists>,
    /// The queue the call came in on, where known (picks its checklist).
    pub queue: Option<String>,
    /// What the agent does with the suggestions during the call.
    pub actions: Option<std::sync::mpsc::Receiver<AgentAction>>,
    /// Filled with the articles suggested and their scores (for [`LateFeedback`]).
    pub suggested: Option<&'a mut std::collections::HashMap<String, f64>>,
    /// Keypad digits.
    pub keypad: Option<Receiver<KeyPress>>,
    /// The receiver's tally of lost audio, stored with the call when its audio has ended.
    pub loss: Option<&'a earshot_core::AudioLoss>,
    /// The agent's address of record, from the recording's metadata, stored as the call's agent.
    pub agent: Option<String>,
    /// Filled with the call's [`SecondPass`] when the engine has a second-pass model: the
    /// call's audio is then spooled (encrypted) while it runs. `None`: no second pass.
    pub second_pass: Option<&'a mut Option<SecondPass>>,
    /// The audio's speakers (the spool's tracks); default: caller and agent.
    pub speakers: Option<Vec<Speaker>>,
}

/// A live call's second pass, ready once the call has been stored: its spooled audio decoded
/// again with the engine's second-pass model, the stored transcript (speech only: keypad
/// entries stay) and the call's sentiment replaced in one transaction, the summary queued for
/// the hub built from the new text. Until then the call's summary waits in the outbox; if the
/// process dies first, the spool (readable by this process only) is deleted and the summary
/// goes with the live transcript.
pub struct SecondPass {
    call_id: i64,
    model: String,
    spool: earshot_seal::spool::Spool,
    engine: Arc<earshot_pipeline::Engine>,
    sealer: Option<Sealer>,
    registered: passes::Registered,
}

/// What a second pass did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct SecondPassReport {
    /// The call.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub call_id: i64,
    /// The model it ran with.
    pub model: String,
    /// Utterances stored now (speech; keypad entries are kept besides).
    pub utterances: usize,
    /// Wall time, seconds.
    pub seconds: f64,
}

impl SecondPass {
    /// The call it is for.
    pub fn call_id(&self) -> i64 {
        self.call_id
    }

    /// The model it runs with.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Its stop flag: once set, the pass ends within the decode in progress and is given up
    /// (audited), the call keeping its live transcript. [`stop_second_passes`] sets every
    /// pass's; this one is for a program that runs a single pass (the CLI's Ctrl-C).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.registered.flag().clone()
    }

    /// Runs it on a connection of its own to the configured vault: for a thread of its own,
    /// while the workstation's vault goes on with the next call.
    pub fn run_detached(self) -> Result<SecondPassReport, SessionError> {
        let mut vault = Vault::open(&Config::load()?)?;
        self.run(&mut vault)
    }

    /// Runs it, its decodes behind every live call's on the engine. On an error the second
    /// pass is given up (audited) and the live transcript stays.
    pub fn run(self, vault: &mut Vault) -> Result<SecondPassReport, SessionError> {
        let started = std::time::Instant::now();
        let SecondPass {
            call_id,
            model,
            mut spool,
            engine,
            sealer,
            registered,
        } = self;
        let mut utterances = Vec::new();
        let outcome = spool
            .finish()
            .map_err(SessionError::from)
            .and_then(|reader| {
                let mut analyzer = Analyzer::on(&engine)?;
                analyzer.set_sealer(sealer);
                Ok(analyzer.second_pass(reader, registered.flag(), |event| {
                    if let PipelineEvent::Utterance(u, sealed) = event {
                        utterances.push((u, sealed));
                    }
                    Ok(())
                })?)
            });
        let result = match outcome {
            Ok(end) => vault
                .apply_second_pass(
                    call_id,
                    &model,
                    &utterances,
                    &end.sentiment_trend,
                    end.sentiment_engine,
                )
                .map_err(SessionError::from),
            Err(e @ SessionError::Pipeline(PipelineError::Stopped)) => {
                tracing::info!(call_id, "second pass stopped: the live transcript stays");
                vault.abandon_second_pass(call_id, "it was stopped: the program quit")?;
                Err(e)
            }
            Err(e) => {
                tracing::warn!(call_id, error = %e, "second pass failed: the live transcript stays");
                vault.abandon_second_pass(call_id, &format!("it failed: {e}"))?;
                Err(e)
            }
        };
        // The spool goes (and its lock) only now, after the outcome is stored; then the pass
        // counts as ended for whoever stops them before exiting.
        drop(spool);
        drop(registered);
        result?;
        let report = SecondPassReport {
            call_id,
            model,
            utterances: utterances.len(),
            seconds: started.elapsed().as_secs_f64(),
        };
        tracing::info!(
            call_id,
            model = report.model,
            utterances = report.utterances,
            seconds = report.seconds,
            "second pass stored"
        );
        Ok(report)
    }
}

/// Reports a call's lost audio while it runs: a [`CallEvent::Gaps`] when the loss figures grew,
/// at most once a second.
#[derive(Default)]
struct GapWatch {
    shown: earshot_core::AudioGaps,
    looked: Option<std::time::Instant>,
}

impl GapWatch {
    fn grown(&mut self, loss: &earshot_core::AudioLoss) -> Option<CallEvent> {
        if self
            .looked
            .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1))
        {
            return None;
        }
        self.looked = Some(std::time::Instant::now());
        let now = loss.figures();
        // Silence put in for a stream that fell silent on the wire (hold) is not a loss.
        let grew =
            now.lost_packets > self.shown.lost_packets || now.dropped_ms > self.shown.dropped_ms;
        if !grew {
            return None;
        }
        let event = CallEvent::Gaps {
            lost_packets: now.lost_packets,
            concealed_ms: now.concealed_ms,
            dropped_ms: now.dropped_ms,
        };
        self.shown = now;
        Some(event)
    }
}

/// The knowledge base (and sentence encoder) a call uses: the workstation's own, or one shared
/// by the calls recorded at once (a SIPREC receiver's), used under its lock.
pub enum AssistRef<'a> {
    /// The workstation's, this call's alone.
    Own(&'a mut earshot_assist::Assistant),
    /// Shared by several calls.
    Shared(&'a std::sync::Mutex<earshot_assist::Assistant>),
}

impl AssistRef<'_> {
    fn with<R>(&mut self, f: impl FnOnce(&mut earshot_assist::Assistant) -> R) -> R {
        match self {
            AssistRef::Own(a) => f(a),
            // A panic under the lock leaves the index whole (a refresh swaps it in at once).
            AssistRef::Shared(m) => f(&mut m.lock().unwrap_or_else(|p| p.into_inner())),
        }
    }
}

/// Keypad digits closer together than this are one entry (a PIN, a card number keyed in).
const KEYPAD_GAP_MS: u64 = 3_000;

/// Keypad entries get ids from here, apart from the engine's utterance ids.
const KEYPAD_IDS: u64 = 1 << 40;

/// Digits being keyed in.
struct KeyEntry {
    speaker: Speaker,
    digits: String,
    first_ms: u64,
    last_ms: u64,
    last_seen: std::time::Instant,
    /// Heard as tones in the audio (not signalled by a receiver).
    heard: bool,
}

/// Groups keypad digits into entries; each finished entry becomes a `[DTMF]` utterance whose
/// value is sealed (or dropped without recipients), stored, and reported as a final.
struct KeyEntries {
    /// Digits a receiver signals (RFC 4733).
    keys: Option<Receiver<KeyPress>>,
    /// Digits heard as tones in the call's audio.
    heard: Option<Receiver<KeyPress>>,
    /// Speakers whose digits come signalled: their tones, if the audio carries them too, are
    /// the same keys and are not counted again.
    signalled: Vec<Speaker>,
    open: Option<KeyEntry>,
    sealer: Option<Sealer>,
    next_id: u64,
    /// A live call: an entry also ends after a pause in wall time (a file's analysis runs
    /// faster than the call did, so there only the call's own time counts).
    live: bool,
}

impl KeyEntries {
    fn new(
        keys: Option<Receiver<KeyPress>>,
        heard: Option<Receiver<KeyPress>>,
        sealer: Option<Sealer>,
        live: bool,
    ) -> KeyEntries {
        KeyEntries {
            keys,
            heard,
            signalled: Vec::new(),
            open: None,
            sealer,
            next_id: 0,
            live,
        }
    }

    /// Finished entries: all of them when `force` (the call is over). `heard_to_ms`: how far
    /// into the call every key has been heard (a file's analysis), which ends an entry whose
    /// last key is more than the gap behind it.
    fn take(&mut self, force: bool, heard_to_ms: Option<u64>) -> Vec<KeyEntry> {
        let mut done = Vec::new();
        let signalled: Vec<KeyPress> = self.keys.iter().flat_map(|k| k.try_iter()).collect();
        for k in signalled {
            if !self.signalled.contains(&k.speaker) {
                self.signalled.push(k.speaker);
                // Its tones may have been heard first: the signalled keys stand for them.
                if self
                    .open
                    .as_ref()
                    .is_some_and(|e| e.speaker == k.speaker && e.heard)
                {
                    self.open = None;
                }
            }
            self.add(k, false, &mut done);
        }
        let heard: Vec<KeyPress> = self
            .heard
            .iter()
            .flat_map(|h| h.try_iter())
            .filter(|k| !self.signalled.contains(&k.speaker))
            .collect();
        for k in heard {
            self.add(k, true, &mut done);
        }
        let quiet = self.open.as_ref().is_some_and(|e| {
            (self.live && e.last_seen.elapsed().as_millis() as u64 > KEYPAD_GAP_MS)
                || heard_to_ms.is_some_and(|t| t > e.last_ms + KEYPAD_GAP_MS)
        });
        if force || quiet {
            done.extend(self.open.take());
        }
        done
    }

    /// Adds `k` to the open entry, or opens one (the open one, if any, then goes to `done`).
    fn add(&mut self, k: KeyPress, heard: bool, done: &mut Vec<KeyEntry>) {
        match &mut self.open {
            Some(e)
                if e.speaker == k.speaker
                    && e.heard == heard
                    && k.at_ms <= e.last_ms + KEYPAD_GAP_MS =>
            {
                e.digits.push(k.key);
                e.last_ms = k.at_ms;
                e.last_seen = std::time::Instant::now();
            }
            _ => {
                done.extend(self.open.take());
                self.open = Some(KeyEntry {
                    speaker: k.speaker,
                    digits: k.key.to_string(),
                    first_ms: k.at_ms,
                    last_ms: k.at_ms,
                    last_seen: std::time::Instant::now(),
                    heard,
                });
            }
        }
    }

    /// Seals, stores and reports every entry finished (all when `force`; see [`KeyEntries::take`]
    /// for `heard_to_ms`).
    fn store<E, F: FnMut(&CallEvent) -> Result<(), E>>(
        &mut self,
        force: bool,
        heard_to_ms: Option<u64>,
        session: &mut earshot_vault::RecordingSession<'_>,
        sink: &mut Sink<E, F>,
    ) -> earshot_pipeline::SinkResult {
        for entry in self.take(force, heard_to_ms) {
            let (utterance, sealed, keyed) = self.seal(entry)?;
            session.add_keypad(&utterance, &sealed)?;
            sink.send(&keyed);
        }
        Ok(())
    }

    /// The stored utterance of an entry and its event.
    fn seal(
        &mut self,
        e: KeyEntry,
    ) -> Result<(Utterance, Vec<SealedFinding>, CallEvent), SealError> {
        const TAG: &str = "[DTMF]";
        let finding = earshot_redact::Finding {
            kind: FindingKind::Dtmf,
            start: 0,
            end: e.digits.chars().count(),
            confidence: 1.0,
            tag_start: 0,
            value: earshot_redact::SensitiveValue::new(e.digits.clone(), e.digits),
        };
        let sealed = earshot_seal::seal_findings(self.sealer.as_ref(), &[finding])?;
        let utterance = Utterance {
            speaker: e.speaker,
            start_ms: e.first_ms,
            end_ms: e.last_ms + 100,
            text: TAG.to_string(),
            // Keyed digits carry no words: neutral by definition, and left out of the trend.
            sentiment: Sentiment {
                label: SentimentLabel::Neutral,
                score: 0.0,
            },
            findings: sealed.iter().map(|s| s.span).collect(),
        };
        self.next_id += 1;
        let event = CallEvent::Final {
            id: KEYPAD_IDS + self.next_id,
            speaker: e.speaker,
            start_ms: utterance.start_ms,
            end_ms: utterance.end_ms,
            text: TAG.to_string(),
            sentiment: SentimentView::of(&utterance.sentiment),
            findings: sealed
                .iter()
                .map(|s| FindingView {
                    kind: s.span.kind,
                    sealed: s.sealed.is_some(),
                })
                .collect(),
            latency_ms: e.last_seen.elapsed().as_millis() as u64,
        };
        Ok((utterance, sealed, event))
    }
}

/// [`record_call`], with keypad digits (RFC 4733, from a SIPREC fork) as sensitive input:
/// digits keyed close together are one `[DTMF]` entry whose value is sealed like a spoken card
/// number, stored, and reported as a final. Digits are never shown, logged or stored in clear.
/// See [`Received`] for the rest.
pub fn record_call_with_keypad<E>(
    analyzer: &mut Analyzer,
    vault: &mut Vault,
    source: &str,
    input: Receiver<AudioChunk>,
    received: Received<'_>,
    options: LiveOptions,
    on_event: impl FnMut(&CallEvent) -> Result<(), E>,
) -> Result<Result<i64, E>, SessionError> {
    let Received {
        keypad,
        loss,
        agent,
        mut assist,
        alert_rules,
        checklists,
        queue,
        actions,
        suggested,
        second_pass,
        speakers,
    } = received;
    // The score each article was suggested with, for the agent's feedback on it.
    let mut own = std::collections::HashMap::new();
    let suggested = suggested.unwrap_or(&mut own);
    let mut checklist = checklists
        .and_then(|c| c.for_queue(queue.as_deref()))
        .map(earshot_assist::checklist::ChecklistState::new);
    // Alerts by category, in the order first raised: stored with the call for its summary.
    let mut alert_counts: Vec<earshot_core::AlertCount> = Vec::new();
    let mut suggester = assist.as_mut().map(|a| a.with(|a| a.call()));
    let built_in = earshot_assist::alerts::AlertRules::default();
    let alert_rules = alert_rules.unwrap_or(&built_in);
    let mut alerting = earshot_assist::alerts::AlertState::new();
    // Keypad tones heard in the call's audio count as keyed digits too.
    let (heard_tx, heard) = std::sync::mpsc::channel();
    analyzer.set_keypad(Some(heard_tx));
    let mut keys = KeyEntries::new(keypad, Some(heard), analyzer.sealer().cloned(), true);
    let mut session = vault.record(&NewCall {
        source: source.to_string(),
        agent,
        direction: None,
        model: analyzer.options().model.clone(),
    })?;
    let call_id = session.id();
    // The call's audio is kept for its second pass (encrypted; see SecondPass).
    let second_model = second_pass
        .is_some()
        .then(|| analyzer.engine().second_pass().map(str::to_string))
        .flatten();
    if let Some(model) = &second_model {
        let speakers = speakers.unwrap_or_else(|| vec![Speaker::Caller, Speaker::Agent]);
        match earshot_seal::spool::Spool::create(&session.spool_path(), &speakers) {
            Ok(spool) => analyzer.set_spool(Some(spool)),
            Err(e) => {
                tracing::warn!(error = %e, model, "no second pass: the call's audio cannot be kept")
            }
        }
    }
    let spooling = analyzer.has_spool();
    let mut sink = Sink::new(on_event);
    if let Some(state) = &checklist {
        sink.send(&checklist_event(0, state));
    }
    let mut gaps = GapWatch::default();
    let ran = analyzer.run_live(input, options, |event| {
        let end = matches!(event, LiveEvent::CallEnd(_));
        if let Some(g) = loss.and_then(|l| gaps.grown(l)) {
            sink.send(&g);
        }
        let mut suggestion = None;
        let mut checklist_change = None;
        let mut alerts: Vec<CallEvent> = Vec::new();
        for action in actions.iter().flat_map(|a| a.try_iter()) {
            match action {
                AgentAction::Dismiss { article_id } => {
                    if let Some(call) = suggester.as_mut() {
                        call.dismiss(&article_id);
                    }
                }
                AgentAction::Feedback { article_id, useful } => {
                    // Only an article this call suggested: a stray id is not stored.
                    if let Some(score) = suggested.get(&article_id) {
                        session.add_feedback(&article_id, *score, useful)?;
                    }
                }
            }
        }
        keys.store(end, None, &mut session, &mut sink)?;
        let event = match event {
            LiveEvent::Partial(p) => CallEvent::Partial {
                id: p.id,
                speaker: p.speaker,
                start_ms: p.start_ms,
                end_ms: p.end_ms,
                text: p.text,
                latency_ms: p.latency_ms,
            },
            LiveEvent::Final(f) => {
                // Committed before it is shown: what was shown is on disk.
                session.add(&f.utterance, &f.sealed)?;
                let kinds: Vec<FindingKind> = f.sealed.iter().map(|s| s.span.kind).collect();
                let score = (f.utterance.sentiment.label != SentimentLabel::Unscored)
                    .then_some(f64::from(f.utterance.sentiment.score));
                // One embedding of the final for the rules' and the checklist's examples, only
                // when one of them listens to this speaker by similarity.
                let speaker = f.utterance.speaker;
                let wants = alert_rules.wants_embedding(speaker)
                    || checklist
                        .as_ref()
                        .is_some_and(|c| c.wants_embedding(speaker));
                let embedding = match (wants, assist.as_mut()) {
                    (true, Some(a)) => a
                        .with(|a| a.embed(&f.utterance.text))
                        .map_err(|e| tracing::warn!(error = %e, "embedding a final failed"))
                        .ok(),
                    _ => None,
                };
                let mut raised = alerting.on_final(
                    alert_rules,
                    speaker,
                    &f.utterance.text,
                    embedding.as_deref(),
                    &kinds,
                    score,
                    f.utterance.start_ms,
                );
                if let Some(state) = checklist.as_mut() {
                    let before = state.items();
                    let late = state.on_final(
                        speaker,
                        &f.utterance.text,
                        embedding.as_deref(),
                        f.utterance.start_ms,
                    );
                    if !late.is_empty() {
                        raised.push(earshot_assist::alerts::Alert {
                            rule: "checklist_order".into(),
                            category: "Checklist step out of order".into(),
                            severity: earshot_assist::alerts::Severity::Warning,
                        });
                    }
                    let changed = state.items().iter().zip(&before).any(|(a, b)| a.1 != b.1);
                    if changed {
                        checklist_change = Some(checklist_event(f.id, state));
                    }
                }
                for a in raised {
                    match alert_counts.iter_mut().find(|c| c.category == a.category) {
                        Some(c) => c.count += 1,
                        None => alert_counts.push(earshot_core::AlertCount {
                            category: a.category.clone(),
                            severity: a.severity.name().to_string(),
                            count: 1,
                        }),
                    }
                    alerts.push(CallEvent::Alert {
                        id: f.id,
                        rule: a.rule,
                        category: a.category,
                        severity: a.severity.name().to_string(),
                        speaker: f.utterance.speaker,
                    });
                }
                // The caller's redacted words as a query: no value reaches the search.
                if let (Some(assistant), Some(call), Speaker::Caller) =
                    (assist.as_mut(), suggester.as_mut(), f.utterance.speaker)
                {
                    match assistant.with(|a| a.suggest(call, &f.utterance.text)) {
                        Ok(Some(s)) => {
                            let score = (f64::from(s.score) * 1000.0).round() / 1000.0;
                            suggested.insert(s.article_id.clone(), score);
                            suggestion = Some(CallEvent::Suggestion {
                                id: f.id,
                                article_id: s.article_id,
                                title: s.title,
                                heading: s.heading,
                                snippet: s.snippet,
                                score,
                                trigger: s.trigger,
                            })
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "knowledge suggestion failed"),
                    }
                }
                final_event(f.id, f.utterance, &f.sealed, f.latency_ms)
            }
            LiveEvent::Discarded { id } => CallEvent::Discarded { id },
            LiveEvent::Degraded(d) => CallEvent::Degraded {
                level: d.level.name().to_string(),
                reason: d.reason,
                lag_ms: d.lag_ms,
            },
            LiveEvent::CallEnd(end) => {
                // The audio has ended: the receiver's tally is complete.
                if let Some(loss) = loss {
                    session.set_audio_gaps(&loss.figures())?;
                }
                let figures = earshot_core::AssistFigures {
                    alerts: std::mem::take(&mut alert_counts),
                    checklist: checklist.as_ref().map(|c| c.adherence()),
                };
                if figures != earshot_core::AssistFigures::default() {
                    session.set_assist(&figures)?;
                }
                if let (true, Some(model)) = (spooling, &second_model) {
                    session.expect_second_pass(model)?;
                }
                session.end(end.duration_ms, &end.sentiment_trend, end.sentiment_engine)?;
                call_end_event(call_id, &end, session.stored())
            }
        };
        sink.send(&event);
        if let Some(c) = checklist_change {
            sink.send(&c);
        }
        for a in &alerts {
            sink.send(a);
        }
        if let Some(s) = suggestion {
            sink.send(&s);
        }
        Ok(())
    });
    analyzer.set_keypad(None);
    if ran.is_err() {
        // No second pass for a call that did not end (its spool and file go now).
        analyzer.set_spool(None);
    }
    ran?;
    // Marks made while the last events were handled.
    for action in actions.iter().flat_map(|a| a.try_iter()) {
        if let AgentAction::Feedback { article_id, useful } = action {
            if let Some(score) = suggested.get(&article_id) {
                session.add_feedback(&article_id, *score, useful)?;
            }
        }
    }
    let spool = analyzer.take_spool();
    if let (Some(out), Some(model)) = (second_pass, second_model.filter(|_| spooling)) {
        match spool {
            Some(spool) => {
                *out = Some(SecondPass {
                    call_id,
                    model,
                    spool,
                    engine: analyzer.engine().clone(),
                    sealer: analyzer.sealer().cloned(),
                    registered: passes::Registered::new(),
                })
            }
            // Writing it failed part way: the live transcript is the call's.
            None => vault.abandon_second_pass(call_id, "its audio could not be kept whole")?,
        }
    }
    Ok(sink.finish(call_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_with_a_type_tag_and_no_value() {
        let e = CallEvent::Final {
            id: 3,
            speaker: Speaker::Caller,
            start_ms: 10,
            end_ms: 20,
            text: "it is [CREDIT_DEBIT_CVV]".into(),
            sentiment: SentimentView {
                label: SentimentLabel::Neutral,
                score: Some(0.0),
            },
            findings: vec![FindingView {
                kind: FindingKind::CreditDebitCvv,
                sealed: true,
            }],
            latency_ms: 900,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], "final");
        assert_eq!(v["speaker"], "caller");
        assert_eq!(v["findings"][0]["type"], "CREDIT_DEBIT_CVV");
        assert_eq!(v["findings"][0]["sealed"], true);
        assert_eq!(v["latency_ms"], 900);
    }

    fn key(speaker: Speaker, key: char, at_ms: u64) -> KeyPress {
        KeyPress {
            speaker,
            key,
            at_ms,
        }
    }

    /// The digits of each finished entry, with whether they were heard.
    fn digits(entries: Vec<KeyEntry>) -> Vec<(Speaker, String, bool)> {
        entries
            .into_iter()
            .map(|e| (e.speaker, e.digits, e.heard))
            .collect()
    }

    #[test]
    fn keys_signalled_stand_for_the_same_keys_heard_as_tones_and_other_tones_still_count() {
        let (signal, signalled) = std::sync::mpsc::channel();
        let (hear, heard) = std::sync::mpsc::channel();
        let mut keys = KeyEntries::new(Some(signalled), Some(heard), None, false);
        // The caller's first tones are heard before the receiver's events for them arrive.
        hear.send(key(Speaker::Caller, '4', 1_000)).unwrap();
        hear.send(key(Speaker::Caller, '5', 1_200)).unwrap();
        assert!(keys.take(false, None).is_empty());
        for (i, k) in "4539".chars().enumerate() {
            signal
                .send(key(Speaker::Caller, k, 1_000 + 200 * i as u64))
                .unwrap();
        }
        // The rest of the tones: the same keys, not counted again.
        hear.send(key(Speaker::Caller, '3', 1_400)).unwrap();
        hear.send(key(Speaker::Caller, '9', 1_600)).unwrap();
        // The agent's phone sends no events: its tones count.
        hear.send(key(Speaker::Agent, '1', 9_000)).unwrap();
        hear.send(key(Speaker::Agent, '#', 9_200)).unwrap();
        assert_eq!(
            digits(keys.take(true, None)),
            vec![
                (Speaker::Caller, "4539".to_string(), false),
                (Speaker::Agent, "1#".to_string(), true),
            ]
        );
        // Control: without events, the caller's tones are an entry of their own, split where
        // the keying paused 3 s.
        let (hear, heard) = std::sync::mpsc::channel();
        let mut keys = KeyEntries::new(None, Some(heard), None, false);
        for (k, at) in [('1', 0), ('2', 150), ('3', 5_000)] {
            hear.send(key(Speaker::Caller, k, at)).unwrap();
        }
        // A file's analysis: an entry ends once the audio heard is past its pause, not before.
        let (hear_file, heard_file) = std::sync::mpsc::channel();
        let mut file = KeyEntries::new(None, Some(heard_file), None, false);
        hear_file.send(key(Speaker::Caller, '1', 0)).unwrap();
        hear_file.send(key(Speaker::Caller, '2', 150)).unwrap();
        assert!(file.take(false, Some(3_000)).is_empty());
        assert_eq!(
            digits(file.take(false, Some(3_200))),
            vec![(Speaker::Caller, "12".to_string(), true)]
        );
        assert_eq!(
            digits(keys.take(true, None)),
            vec![
                (Speaker::Caller, "12".to_string(), true),
                (Speaker::Caller, "3".to_string(), true),
            ]
        );
    }
}
