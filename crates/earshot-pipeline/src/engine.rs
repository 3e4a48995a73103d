//! One engine, many calls: the models a process loads once, and the pool of whisper decoders
//! every call's work goes through.
//!
//! An [`Engine`] holds the whisper weights (and the fallback model's, loaded the first time a
//! call needs them), the sentiment engine and the VAD model's path. Each call gets an
//! [`crate::Analyzer`] on it, which owns only what is per call (the VAD's state, the sealer,
//! stage times). Whisper decoding is the expensive part: it runs on at most
//! [`Engine::workers`] decoders at once, each a whisper state of its own on the shared
//! weights. A call asks for one with a [`Priority`]; when all are busy, the waiting requests
//! are served finals first, then the one whose audio was heard longest ago (the call furthest
//! behind). The engine's threads (`max(options.threads, workers)`) are shared out among the
//! decodes running: a decode started while it runs alone gets them all, one started among
//! others gets its share (at least one), and none more than the cores other processes and
//! this process's other decodes leave free (see the `cpu` module: whisper.cpp's threads spin
//! while they wait for each other). A partial waits only briefly: a partial that cannot run soon is not worth running,
//! and the call's own back-pressure (its degrade levels) takes over from there.

use crate::{AnalyzerOptions, PipelineError, ASR_MODELS};
use earshot_asr::{AsrOptions, Transcriber, WhisperModel, FULL_CONTEXT};
use earshot_models::ModelStore;
use earshot_sentiment::SentimentEngine;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// What a decode is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Work {
    /// A final (or an offline segment): served first.
    Final,
    /// A partial re-decode: served when no final waits.
    Partial,
    /// The second pass over a call that has ended: served when no live work waits.
    SecondPass,
}

/// A request's place in the queue: finals before partials, then the audio heard longest ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority {
    /// What the decode is for.
    pub work: Work,
    /// When the end of the audio to decode was heard.
    pub since: Instant,
}

/// The decoders one lease hands out: the model's, and the fallback model's once a call asked
/// for it.
pub(crate) struct Decoders {
    main: Option<Transcriber>,
    fast: Option<Transcriber>,
    aligned: Option<Transcriber>,
    second: Option<Transcriber>,
}

struct Pool {
    idle: Vec<Decoders>,
    /// Decoder sets made so far (at most `workers`).
    made: usize,
    /// Requests waiting, by ticket, with when each was asked.
    waiting: Vec<(u64, Priority, Instant)>,
    next_ticket: u64,
}

/// Counters of the decoder pool, for status and benchmarks.
#[derive(Debug, Default)]
pub struct PoolStats {
    /// Decodes run.
    pub decodes: AtomicU64,
    /// Decodes that had to wait for a decoder.
    pub waited: AtomicU64,
    /// Total wait, in milliseconds.
    pub wait_ms: AtomicU64,
    /// Partials given up because no decoder became free in time.
    pub partials_skipped: AtomicU64,
    /// Decodes given fewer threads than they would have had, because other processes or this
    /// process's other decodes held the cores (see the `cpu` module).
    pub capped: AtomicU64,
}

/// A final that waits longer than this for a decoder means the engine is not keeping up with
/// its calls (see [`Engine::keeping_up`]).
pub const KEEPING_UP_WAIT: Duration = Duration::from_secs(1);

/// How long a final that waited too long is remembered by [`Engine::keeping_up`]: a load
/// that comes and goes with the turns of the calls still counts.
pub const KEEPING_UP_MEMORY: Duration = Duration::from_secs(10);

/// Models loaded once and shared by every call analysed on them. See the module docs.
pub struct Engine {
    asr: Arc<WhisperModel>,
    asr_path: PathBuf,
    /// The same model with DTW alignment, for joined offline decoding only (every decode on it
    /// pays an alignment pass, so live decoding never uses it); loaded on first need.
    aligned: OnceLock<Arc<WhisperModel>>,
    fallback_path: Option<PathBuf>,
    fallback: OnceLock<Option<Arc<WhisperModel>>>,
    /// The second pass's model (`options.second_pass`), loaded on the first call that ends.
    second_path: Option<PathBuf>,
    second: OnceLock<Arc<WhisperModel>>,
    pub(crate) sentiment: Arc<dyn SentimentEngine>,
    pub(crate) vad_path: PathBuf,
    options: AnalyzerOptions,
    workers: usize,
    pool: Mutex<Pool>,
    turn: Condvar,
    stats: PoolStats,
    /// When the engine was made: the clock of `slow_final`.
    born: Instant,
    /// When a final last waited longer than [`KEEPING_UP_WAIT`] (ms since `born`, plus one;
    /// 0: never).
    slow_final: AtomicU64,
    /// What a live final's decode with whisper's whole context costs on this engine, in ms
    /// (0: no final decoded yet); see [`Engine::note_final_decode`].
    whole_final_ms: AtomicU64,
    /// What other processes keep busy (a decode spins on no more threads than cores are free).
    load: Arc<crate::cpu::OthersLoad>,
    /// Whether decodes are capped to the free cores (always, but in the pool's own unit tests,
    /// which count threads on whatever machine runs them).
    cap_threads: bool,
}

impl Engine {
    /// Loads the models named by `options` from `store`, with `workers` decoders (at least one;
    /// each decodes with `options.threads` threads).
    pub fn load(
        store: &ModelStore,
        options: AnalyzerOptions,
        workers: usize,
    ) -> Result<Arc<Engine>, PipelineError> {
        if !ASR_MODELS.contains(&options.model.as_str()) {
            return Err(PipelineError::Options(format!(
                "unknown model '{}': choose one of {}",
                options.model,
                ASR_MODELS.join(", ")
            )));
        }
        let asr_path = store.locate(&options.model)?;
        let asr = WhisperModel::load(&asr_path)?;
        let vad_path = store.locate("silero-vad")?;
        let second_path = match options.second_pass.as_deref() {
            Some(name) if name != options.model => {
                if !ASR_MODELS.contains(&name) {
                    return Err(PipelineError::Options(format!(
                        "unknown second-pass model '{name}': choose one of {}",
                        ASR_MODELS.join(", ")
                    )));
                }
                // Not installed: calls go on without a second pass (said once, here).
                store
                    .locate(name)
                    .map_err(|e| tracing::warn!(model = name, error = %e, "no second pass: its model is not installed"))
                    .ok()
            }
            _ => None,
        };
        Ok(Arc::new(Engine {
            asr,
            asr_path,
            aligned: OnceLock::new(),
            fallback_path: (options.model != "tiny.en")
                .then(|| store.locate("tiny.en").ok())
                .flatten(),
            fallback: OnceLock::new(),
            second_path,
            second: OnceLock::new(),
            sentiment: Arc::from(crate::sentiment_engine(store)),
            vad_path,
            options,
            workers: workers.max(1),
            pool: Mutex::new(Pool {
                idle: Vec::new(),
                made: 0,
                waiting: Vec::new(),
                next_ticket: 0,
            }),
            turn: Condvar::new(),
            stats: PoolStats::default(),
            born: Instant::now(),
            slow_final: AtomicU64::new(0),
            whole_final_ms: AtomicU64::new(0),
            load: crate::cpu::OthersLoad::shared(),
            cap_threads: true,
        }))
    }

    /// The options the models were loaded with.
    pub fn options(&self) -> &AnalyzerOptions {
        &self.options
    }

    /// The second pass's model name, when calls get one (it is installed and differs from the
    /// live model).
    pub fn second_pass(&self) -> Option<&str> {
        self.second_path
            .as_ref()
            .and(self.options.second_pass.as_deref())
    }

    /// How many decodes may run at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The pool's counters.
    pub fn stats(&self) -> &PoolStats {
        &self.stats
    }

    /// Decodes running now.
    pub fn busy(&self) -> usize {
        let pool = self.pool();
        pool.made - pool.idle.len()
    }

    /// Whether the engine keeps up with the calls it has, as measured on their decodes: no final
    /// waits now, nor waited within the last [`KEEPING_UP_MEMORY`], longer than
    /// [`KEEPING_UP_WAIT`] for a decoder. A receiver asks before it takes another call.
    pub fn keeping_up(&self) -> bool {
        let now = Instant::now();
        let waiting_long = self
            .pool()
            .waiting
            .iter()
            .any(|(_, p, asked)| p.work == Work::Final && now - *asked > KEEPING_UP_WAIT);
        if waiting_long {
            return false;
        }
        match self.slow_final.load(Ordering::Relaxed) {
            0 => true,
            at => now - (self.born + Duration::from_millis(at - 1)) > KEEPING_UP_MEMORY,
        }
    }

    /// Counts a live final's decode that took `took` with `frames` encoder frames: the engine
    /// keeps a running mean (each decode weighing a quarter) of what it would have taken with
    /// whisper's whole context, scaled in proportion to the frames (the encoder is most of a
    /// decode; attention grows faster than that, so a fitted decode's estimate errs low).
    pub(crate) fn note_final_decode(&self, frames: usize, took: Duration) {
        let whole = (took.as_millis() as u64 * FULL_CONTEXT as u64 / frames.max(1) as u64).max(1);
        // Lost updates between two calls' finals only drop one sample of a running mean.
        let mean = match self.whole_final_ms.load(Ordering::Relaxed) {
            0 => whole,
            old => (old * 3 + whole) / 4,
        };
        self.whole_final_ms.store(mean.max(1), Ordering::Relaxed);
    }

    /// What a live final's decode with whisper's whole context costs on this engine now, as
    /// measured on the finals decoded so far (`None` before the first).
    pub fn whole_final_cost(&self) -> Option<Duration> {
        match self.whole_final_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }

    /// The threads a decode that would use `wanted` (holding `held` already) gets now;
    /// `counted`: it runs at normal priority (see [`crate::cpu::threads_for`]).
    fn take_threads(&self, wanted: usize, held: usize, counted: bool) -> usize {
        if self.cap_threads {
            crate::cpu::threads_for(&self.load, wanted, held, counted)
        } else {
            wanted
        }
    }

    fn pool(&self) -> MutexGuard<'_, Pool> {
        // Every change under the lock is a push or a pop: a panic elsewhere leaves it whole.
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A decoder for work of `priority`, when its turn comes; `None` when `patience` runs out
    /// first (`None` patience: wait as long as it takes).
    pub(crate) fn lease(
        &self,
        priority: Priority,
        patience: Option<Duration>,
    ) -> Option<Lease<'_>> {
        let asked = Instant::now();
        let mut pool = self.pool();
        let ticket = pool.next_ticket;
        pool.next_ticket += 1;
        pool.waiting.push((ticket, priority, asked));
        let mut waited = false;
        loop {
            let first = pool
                .waiting
                .iter()
                .min_by_key(|(t, p, _)| (*p, *t))
                .map(|(t, _, _)| *t);
            let free = !pool.idle.is_empty() || pool.made < self.workers;
            if free && first == Some(ticket) {
                pool.waiting.retain(|(t, _, _)| *t != ticket);
                let decoders = match pool.idle.pop() {
                    Some(d) => d,
                    None => {
                        pool.made += 1;
                        Decoders {
                            main: None,
                            fast: None,
                            aligned: None,
                            second: None,
                        }
                    }
                };
                // Another free decoder may now be someone else's turn.
                self.turn.notify_all();
                let running = pool.made - pool.idle.len();
                drop(pool);
                self.stats.decodes.fetch_add(1, Ordering::Relaxed);
                if waited {
                    self.stats.waited.fetch_add(1, Ordering::Relaxed);
                    self.stats
                        .wait_ms
                        .fetch_add(asked.elapsed().as_millis() as u64, Ordering::Relaxed);
                    if priority.work == Work::Final && asked.elapsed() > KEEPING_UP_WAIT {
                        let at = self.born.elapsed().as_millis() as u64 + 1;
                        self.slow_final.store(at, Ordering::Relaxed);
                    }
                }
                let budget = self.options.threads.max(self.workers);
                let share = (budget / running.max(1)).max(1);
                let counted = !crate::background::is_background();
                let threads = self.take_threads(share, 0, counted);
                if threads < share {
                    self.stats.capped.fetch_add(1, Ordering::Relaxed);
                }
                return Some(Lease {
                    engine: self,
                    decoders: Some(decoders),
                    threads,
                    counted,
                });
            }
            waited = true;
            pool = match patience {
                None => self.turn.wait(pool).unwrap_or_else(|p| p.into_inner()),
                Some(p) => {
                    let left = p.saturating_sub(asked.elapsed());
                    if left.is_zero() {
                        pool.waiting.retain(|(t, _, _)| *t != ticket);
                        self.turn.notify_all();
                        if priority.work == Work::Partial {
                            self.stats.partials_skipped.fetch_add(1, Ordering::Relaxed);
                        }
                        return None;
                    }
                    self.turn
                        .wait_timeout(pool, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
    }

    fn asr_options(&self) -> AsrOptions {
        AsrOptions {
            threads: self.options.threads,
            language: Some("en".into()),
        }
    }

    fn aligned_model(&self) -> Result<Arc<WhisperModel>, PipelineError> {
        if let Some(model) = self.aligned.get() {
            return Ok(model.clone());
        }
        let model = WhisperModel::load_aligned(&self.asr_path)?;
        Ok(self.aligned.get_or_init(|| model).clone())
    }

    fn second_model(&self) -> Result<Arc<WhisperModel>, PipelineError> {
        if let Some(model) = self.second.get() {
            return Ok(model.clone());
        }
        let path = self
            .second_path
            .as_ref()
            .ok_or_else(|| PipelineError::Options("no second-pass model is installed".into()))?;
        // Joined decoding only (the better and the faster way offline): with DTW alignment.
        let model = WhisperModel::load_aligned(path)?;
        Ok(self.second.get_or_init(|| model).clone())
    }

    fn fallback_model(&self) -> Option<Arc<WhisperModel>> {
        self.fallback
            .get_or_init(|| {
                let path = self.fallback_path.as_ref()?;
                WhisperModel::load(path)
                    .map_err(|e| tracing::warn!(error = %e, "fallback model unavailable"))
                    .ok()
            })
            .clone()
    }
}

/// A decoder lent by the engine; it goes back to the pool when dropped.
pub(crate) struct Lease<'a> {
    engine: &'a Engine,
    decoders: Option<Decoders>,
    /// This decode's share of the engine's threads.
    threads: usize,
    /// Whether its threads count as this process's spinning ones (not at background priority).
    counted: bool,
}

impl Lease<'_> {
    /// Lets this decode use up to `threads` threads while it is the only decode running: a
    /// live final, which someone waits for. As many as are free (at least one): other
    /// processes' work and other engines' decodes keep theirs (see the `cpu` module).
    pub(crate) fn widen_alone(&mut self, threads: usize) {
        let alone = {
            let pool = self.engine.pool();
            pool.made - pool.idle.len() == 1
        };
        if alone && threads > self.threads {
            self.threads = self
                .engine
                .take_threads(threads, self.threads, self.counted);
            if self.threads < threads {
                self.engine.stats.capped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// This decode's threads.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// The model's decoder (its state made on first use).
    pub(crate) fn main(&mut self) -> Result<&mut Transcriber, PipelineError> {
        let engine = self.engine;
        let d = self.decoders.as_mut().expect("held until dropped");
        if d.main.is_none() {
            d.main = Some(engine.asr.transcriber(engine.asr_options())?);
        }
        let t = d.main.as_mut().expect("just made");
        t.set_threads(self.threads);
        Ok(t)
    }

    /// A decoder on the model with DTW alignment (for joined decoding; its state made on first
    /// use, the aligned model loaded on the engine's first need).
    pub(crate) fn aligned(&mut self) -> Result<&mut Transcriber, PipelineError> {
        let engine = self.engine;
        let d = self.decoders.as_mut().expect("held until dropped");
        if d.aligned.is_none() {
            d.aligned = Some(engine.aligned_model()?.transcriber(engine.asr_options())?);
        }
        let t = d.aligned.as_mut().expect("just made");
        t.set_threads(self.threads);
        Ok(t)
    }

    /// The second pass's decoder, with DTW alignment for joined decoding (its model loaded on
    /// the engine's first need).
    pub(crate) fn second(&mut self) -> Result<&mut Transcriber, PipelineError> {
        let engine = self.engine;
        let d = self.decoders.as_mut().expect("held until dropped");
        if d.second.is_none() {
            d.second = Some(engine.second_model()?.transcriber(engine.asr_options())?);
        }
        let t = d.second.as_mut().expect("just made");
        t.set_threads(self.threads);
        Ok(t)
    }

    /// The fallback model's decoder, when a fallback model is installed and loads.
    pub(crate) fn fast(&mut self) -> Option<&mut Transcriber> {
        let engine = self.engine;
        let d = self.decoders.as_mut().expect("held until dropped");
        if d.fast.is_none() {
            let model = engine.fallback_model()?;
            d.fast = model
                .transcriber(engine.asr_options())
                .map_err(|e| tracing::warn!(error = %e, "fallback decoder unavailable"))
                .ok();
        }
        let threads = self.threads;
        let t = d.fast.as_mut()?;
        t.set_threads(threads);
        Some(t)
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.decoders.take() {
            if self.engine.cap_threads && self.counted {
                crate::cpu::release(self.threads);
            }
            self.engine.pool().idle.push(d);
            self.engine.turn.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn engine(workers: usize) -> Arc<Engine> {
        let options = AnalyzerOptions {
            threads: 1,
            ..AnalyzerOptions::default()
        };
        let mut engine = Engine::load(&ModelStore::from_env(), options, workers)
            .expect("the models are installed (cargo xtask setup)");
        // The pool's sharing, apart from what the machine's cores leave free.
        Arc::get_mut(&mut engine).expect("only here").cap_threads = false;
        engine
    }

    fn at(work: Work, ago_ms: u64) -> Priority {
        Priority {
            work,
            since: Instant::now() - Duration::from_millis(ago_ms),
        }
    }

    /// Waits until `n` requests are queued.
    fn queued(engine: &Engine, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while engine.pool().waiting.len() < n {
            assert!(Instant::now() < deadline, "{n} requests queued");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_busy_pool_serves_finals_first_then_the_oldest_audio() {
        let engine = engine(1);
        let held = engine.lease(at(Work::Final, 0), None).unwrap();
        assert_eq!(engine.busy(), 1);
        let (tx, rx) = mpsc::channel();
        // Queued in the reverse of the order they must be served in.
        let order = [
            ("old partial", at(Work::Partial, 9_000)),
            ("new final", at(Work::Final, 100)),
            ("old final", at(Work::Final, 5_000)),
        ];
        let waiters: Vec<_> = order
            .iter()
            .enumerate()
            .map(|(i, &(name, priority))| {
                queued(&engine, i);
                let (engine, tx) = (engine.clone(), tx.clone());
                std::thread::spawn(move || {
                    let lease = engine.lease(priority, None).unwrap();
                    tx.send(name).unwrap();
                    std::thread::sleep(Duration::from_millis(20));
                    drop(lease);
                })
            })
            .collect();
        queued(&engine, 3);
        drop(held);
        for w in waiters {
            w.join().unwrap();
        }
        let served: Vec<&str> = rx.try_iter().collect();
        assert_eq!(served, ["old final", "new final", "old partial"]);
        assert_eq!(engine.stats().waited.load(Ordering::Relaxed), 3);
        assert_eq!(engine.busy(), 0);
    }

    #[test]
    fn a_partial_gives_way_when_no_decoder_frees_in_time() {
        let engine = engine(2);
        // Positive control: a free decoder is lent at once, to partials too.
        let first = engine.lease(at(Work::Partial, 0), Some(Duration::ZERO));
        assert!(first.is_some());
        let second = engine.lease(at(Work::Final, 0), None).unwrap();
        let started = Instant::now();
        let refused = engine.lease(at(Work::Partial, 0), Some(Duration::from_millis(50)));
        assert!(refused.is_none(), "both decoders are busy");
        assert!(
            started.elapsed() >= Duration::from_millis(50),
            "it waited its patience"
        );
        assert_eq!(engine.stats().partials_skipped.load(Ordering::Relaxed), 1);
        assert!(
            engine.pool().waiting.is_empty(),
            "the request left the queue"
        );
        drop((first, second));
        assert!(engine
            .lease(at(Work::Partial, 0), Some(Duration::ZERO))
            .is_some());
    }

    #[test]
    fn an_engine_whose_finals_wait_over_a_second_is_not_keeping_up_for_a_while() {
        let engine = engine(1);
        // Positive control: a busy decoder alone, and a final served within the second.
        let held = engine.lease(at(Work::Final, 0), None).unwrap();
        assert!(engine.keeping_up());
        let quick = {
            let engine = engine.clone();
            std::thread::spawn(move || drop(engine.lease(at(Work::Final, 0), None)))
        };
        queued(&engine, 1);
        std::thread::sleep(Duration::from_millis(100));
        drop(held);
        quick.join().unwrap();
        assert!(engine.keeping_up(), "a final that waited 0.1 s");
        // A final waiting longer: not keeping up while it waits, and after it was served.
        let held = engine.lease(at(Work::Final, 0), None).unwrap();
        let slow = {
            let engine = engine.clone();
            std::thread::spawn(move || drop(engine.lease(at(Work::Final, 0), None)))
        };
        queued(&engine, 1);
        std::thread::sleep(KEEPING_UP_WAIT + Duration::from_millis(100));
        assert!(!engine.keeping_up(), "a final has waited over a second");
        drop(held);
        slow.join().unwrap();
        assert!(engine.pool().waiting.is_empty());
        assert!(!engine.keeping_up(), "remembered after it was served");
        // Partials waiting do not count: they give way instead.
        let other = engine.clone();
        let before = other.slow_final.load(Ordering::Relaxed);
        let held = engine.lease(at(Work::Final, 0), None).unwrap();
        assert!(engine
            .lease(
                at(Work::Partial, 0),
                Some(KEEPING_UP_WAIT + Duration::from_millis(50))
            )
            .is_none());
        drop(held);
        assert_eq!(other.slow_final.load(Ordering::Relaxed), before);
    }

    #[test]
    fn a_decode_alone_gets_every_thread_and_shares_them_with_others() {
        let engine = engine(2);
        let mut alone = engine.lease(at(Work::Final, 0), None).unwrap();
        assert_eq!(alone.main().unwrap().options().threads, 2);
        let mut second = engine.lease(at(Work::Final, 0), None).unwrap();
        assert_eq!(second.main().unwrap().options().threads, 1);
    }

    #[test]
    fn a_lone_final_widens_to_the_threads_asked_but_not_among_others() {
        let engine = engine(2);
        let mut alone = engine.lease(at(Work::Final, 0), None).unwrap();
        alone.widen_alone(3);
        assert_eq!(alone.main().unwrap().options().threads, 3);
        // Asking for fewer than its share never narrows it.
        alone.widen_alone(1);
        assert_eq!(alone.main().unwrap().options().threads, 3);
        let mut second = engine.lease(at(Work::Final, 0), None).unwrap();
        second.widen_alone(3);
        assert_eq!(
            second.main().unwrap().options().threads,
            1,
            "another decode runs"
        );
    }

    #[test]
    fn decoders_share_the_loaded_weights() {
        let engine = engine(2);
        let mut a = engine.lease(at(Work::Final, 0), None).unwrap();
        let mut b = engine.lease(at(Work::Final, 0), None).unwrap();
        let (ta, tb) = (a.main().unwrap() as *const _, b.main().unwrap() as *const _);
        assert_ne!(ta, tb, "each lease has its own decoder");
        // The model was loaded once: the engine and both decoders hold the one copy.
        assert_eq!(Arc::strong_count(&engine.asr), 3);
    }
}
