//! How many threads a decode may spin on without waiting for cores that are not free.
//!
//! whisper.cpp's threads meet at a barrier after every step of a decode, and wait there by
//! spinning (ggml's barrier, built without OpenMP). With more spinning threads than free cores,
//! a thread at the barrier waits for one the scheduler has put aside, for up to a whole time
//! slice, at every step: a live call's finals came 22–72 s late beside another decode on every
//! core of a 2-core machine (README, `--bench beside`), and two apps decoding at once on such a
//! machine waited over a minute for a final. So before a decode starts, [`threads_for`] gives it
//! no more threads than the cores this process may use ([`earshot_asr::cores`]: its affinity
//! mask and CPU quota) left over by other processes (what the busy time of the mask's CPUs in
//! `/proc/stat` shows beyond this process's own, measured four times a second, the highest of
//! the last second) and by this process's other decodes running now (every engine's, but a
//! second pass's at background priority, which yields). It never
//! gives fewer than one, and it never raises a count: a decode on one thread has no barrier to
//! wait at, so it only shares a core. Nice processes count as busy too: `/proc/stat` cannot
//! tell this process's own nice threads (a second pass) from others', and only counting both
//! lets this process's own time be taken out whole. Only Linux has `/proc/stat`; elsewhere only this process's own
//! decodes are counted.
//!
//! Hand-written rather than with a system-information crate: two small files read, and the
//! one figure needed (others' busy time, not counting this process's) is not what those crates
//! report.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Threads of the decodes running now in this process, every engine's.
static SPINNING: AtomicUsize = AtomicUsize::new(0);

/// How often the machine's busy time is sampled.
const TICK: Duration = Duration::from_millis(250);
/// Samples whose highest figure counts (a second's worth): another process's decodes come in
/// bursts.
const WINDOWS: usize = 4;
/// A core counts as free while others keep no more than this much of it busy (a UI repainting,
/// the audio stack): rounding, not a licence to spin against a busy core.
const SLACK: f64 = 0.25;

/// CPUs other processes keep busy, as sampled by a thread that runs while an engine holds it.
pub(crate) struct OthersLoad {
    /// Others' busy CPUs × 1000 (the highest over the last [`WINDOWS`] samples).
    milli: AtomicU64,
}

impl OthersLoad {
    /// The process's watcher, started on first need and stopped once no engine holds it.
    pub(crate) fn shared() -> Arc<OthersLoad> {
        static WATCH: Mutex<Weak<OthersLoad>> = Mutex::new(Weak::new());
        let mut slot = WATCH.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(load) = slot.upgrade() {
            return load;
        }
        let load = Arc::new(OthersLoad {
            milli: AtomicU64::new(0),
        });
        *slot = Arc::downgrade(&load);
        watch(Arc::downgrade(&load));
        load
    }

    /// CPUs other processes kept busy lately.
    pub(crate) fn cpus(&self) -> f64 {
        self.milli.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

#[cfg(target_os = "linux")]
fn watch(load: Weak<OthersLoad>) {
    let Some(mut last) = Sample::take() else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("cpu-load".into())
        .spawn(move || {
            let mut recent = std::collections::VecDeque::with_capacity(WINDOWS);
            loop {
                std::thread::sleep(TICK);
                let (Some(load), Some(now)) = (load.upgrade(), Sample::take()) else {
                    return;
                };
                if recent.len() == WINDOWS {
                    recent.pop_front();
                }
                recent.push_back(now.others_since(&last));
                last = now;
                let worst = recent.iter().copied().fold(0.0, f64::max);
                load.milli
                    .store((worst * 1000.0).round() as u64, Ordering::Relaxed);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "other processes' CPU load is not watched");
    }
}

#[cfg(not(target_os = "linux"))]
fn watch(_: Weak<OthersLoad>) {}

/// The machine's and this process's CPU time at one moment.
#[cfg(target_os = "linux")]
struct Sample {
    at: std::time::Instant,
    /// CPU-seconds the machine spent busy (user, nice, system, interrupts, stolen; not idle or
    /// waiting for I/O).
    busy: f64,
    /// CPU-seconds this process spent (user and system).
    own: f64,
}

#[cfg(target_os = "linux")]
impl Sample {
    fn take() -> Option<Sample> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let busy = busy_seconds(&stat, earshot_asr::cores::cores().cpus.as_deref())?;
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage writes a whole rusage into the buffer it is given.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: initialised by the successful call above.
        let usage = unsafe { usage.assume_init() };
        let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        Some(Sample {
            at: std::time::Instant::now(),
            busy,
            own: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        })
    }

    /// CPUs others kept busy on average since `before`.
    fn others_since(&self, before: &Sample) -> f64 {
        let wall = (self.at - before.at).as_secs_f64();
        if wall <= 0.0 {
            return 0.0;
        }
        (((self.busy - before.busy) - (self.own - before.own)) / wall).max(0.0)
    }
}

/// Busy CPU-seconds in `/proc/stat`: user, nice, system, irq, softirq and steal (guest time is
/// inside user and nice; idle and iowait are not busy), of the CPUs in `cpus` (this process's
/// affinity mask: what others do on CPUs it may not use takes none of its cores), or of the
/// whole machine (the first line) where the mask is unknown.
#[cfg(target_os = "linux")]
fn busy_seconds(stat: &str, cpus: Option<&[usize]>) -> Option<f64> {
    let busy = |line: &str| -> Option<f64> {
        let ticks: Vec<f64> = line
            .split_whitespace()
            .map(|f| f.parse().ok())
            .collect::<Option<_>>()?;
        let field = |i: usize| ticks.get(i).copied().unwrap_or(0.0);
        Some(field(0) + field(1) + field(2) + field(5) + field(6) + field(7))
    };
    let total = || busy(stat.lines().next()?.strip_prefix("cpu ")?);
    let ticks = match cpus {
        None => total()?,
        Some(cpus) => {
            let mut sum = 0.0;
            let mut found = 0;
            for line in stat.lines() {
                let Some((id, rest)) = line
                    .strip_prefix("cpu")
                    .and_then(|l| l.split_once(' '))
                    .and_then(|(id, rest)| Some((id.parse::<usize>().ok()?, rest)))
                else {
                    continue;
                };
                if cpus.contains(&id) {
                    sum += busy(rest)?;
                    found += 1;
                }
            }
            // No line for any CPU of the mask: a `/proc/stat` that numbers only a container's
            // CPUs (lxcfs) while the mask names the host's. Its first line is that container's.
            if found == 0 {
                total()?
            } else {
                sum
            }
        }
    };
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = if hz > 0 { hz as f64 } else { 100.0 };
    Some(ticks / hz)
}

/// Logical CPUs the busy time is read over: those of this process's affinity mask, else the
/// machine's.
fn logical_cpus() -> usize {
    match &earshot_asr::cores::cores().cpus {
        Some(cpus) => cpus.len(),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// The threads a decode that would use `wanted` may use: no more than the physical cores
/// neither other processes (`others` CPUs busy) nor this process's other decodes (`spinning`
/// threads) hold, and at least one. Never more than `wanted`.
pub(crate) fn cap(
    wanted: usize,
    physical: usize,
    logical: usize,
    others: f64,
    spinning: usize,
) -> usize {
    let (physical, logical) = (physical.max(1) as f64, logical.max(1) as f64);
    // Others' load is in logical CPUs; a decode thread wants a physical core.
    let free = physical * (1.0 - (others / logical).min(1.0)) - spinning as f64;
    let free = (free + SLACK).floor().max(1.0) as usize;
    wanted.clamp(1, free.max(1))
}

/// The threads a decode that would use `wanted` gets now. A `counted` decode's threads go into
/// this process's count (in place of the `held_before` it already holds; 0 for a new decode);
/// a background decode's do not: its threads yield to everyone's, so they are no reason for a
/// live decode to spin on fewer.
pub(crate) fn threads_for(
    load: &OthersLoad,
    wanted: usize,
    held_before: usize,
    counted: bool,
) -> usize {
    let held_before = if counted { held_before } else { 0 };
    let others_here = SPINNING.load(Ordering::SeqCst).saturating_sub(held_before);
    let threads = cap(
        wanted,
        earshot_asr::physical_cores(),
        logical_cpus(),
        load.cpus(),
        others_here,
    );
    if threads < wanted {
        tracing::debug!(
            wanted,
            threads,
            others_busy = load.cpus(),
            spinning_here = others_here,
            "fewer decode threads: the other cores are busy"
        );
    }
    if !counted {
        return threads;
    }
    if threads >= held_before {
        SPINNING.fetch_add(threads - held_before, Ordering::SeqCst);
    } else {
        SPINNING.fetch_sub(held_before - threads, Ordering::SeqCst);
    }
    threads
}

/// Gives back `threads` a decode held.
pub(crate) fn release(threads: usize) {
    SPINNING.fetch_sub(threads, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decode_gets_the_cores_nobody_else_keeps_busy() {
        // An idle 2-core machine: both; a UI repainting does not count.
        assert_eq!(cap(2, 2, 2, 0.0, 0), 2);
        assert_eq!(cap(2, 2, 2, 0.2, 0), 2);
        // Another process busy on a core, or this process's decode on one: one thread.
        assert_eq!(cap(2, 2, 2, 0.9, 0), 1);
        assert_eq!(cap(2, 2, 2, 0.4, 0), 1);
        assert_eq!(cap(2, 2, 2, 0.0, 1), 1);
        // Never fewer than one, even with every core busy; never more than asked.
        assert_eq!(cap(2, 2, 2, 2.0, 2), 1);
        assert_eq!(cap(1, 8, 16, 0.0, 0), 1);
        assert_eq!(cap(3, 4, 4, 0.0, 0), 3);
        // Hyper-threads: 16 logical CPUs over 8 cores; others on 4 of them hold 2 cores.
        assert_eq!(cap(8, 8, 16, 4.0, 0), 6);
        assert_eq!(cap(8, 8, 16, 4.0, 3), 3);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_the_cpus_this_process_may_use_count_as_busy() {
        let stat = "cpu  700 0 300 5000 10 0 0 0 0 0\n\
                    cpu0 100 0 50 2000 5 0 0 0 0 0\n\
                    cpu1 600 0 250 3000 5 0 0 0 0 0\n\
                    intr 12345\n\
                    cpuless 1 2 3\n";
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        let seconds = |ticks: f64| Some(ticks / hz);
        // The whole machine where the mask is unknown.
        assert_eq!(busy_seconds(stat, None), seconds(1000.0));
        // Pinned to CPU 0: CPU 1's work is not ours to share.
        assert_eq!(busy_seconds(stat, Some(&[0])), seconds(150.0));
        assert_eq!(busy_seconds(stat, Some(&[0, 1])), seconds(1000.0));
        // No line for any CPU of the mask (lxcfs numbers a container's CPUs from 0, the mask
        // names the host's): the first line, the container's.
        assert_eq!(busy_seconds(stat, Some(&[7])), seconds(1000.0));
        assert_eq!(busy_seconds("intr 1\n", Some(&[0])), None);
    }
}
