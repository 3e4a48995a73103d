//! The second passes of this process, wherever they run (a thread of the app's, a SIPREC call's
//! thread, the CLI's main thread), so that quitting can stop them first: the process's exit
//! tears whisper.cpp down, and a decode still running then crashes it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The stop flags of the second passes not yet ended.
static RUNNING: Mutex<Vec<Arc<AtomicBool>>> = Mutex::new(Vec::new());
/// Told when one has ended.
static ENDED: Condvar = Condvar::new();

fn running() -> MutexGuard<'static, Vec<Arc<AtomicBool>>> {
    // Each change is one push or one removal: a poisoned list is still whole.
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// A second pass's place among those of the process, from the moment its call is stored until
/// it has ended (or is dropped unrun); its flag stops it.
pub(crate) struct Registered(Arc<AtomicBool>);

impl Registered {
    /// Counts a new second pass in.
    pub(crate) fn new() -> Registered {
        let flag = Arc::new(AtomicBool::new(false));
        running().push(flag.clone());
        Registered(flag)
    }

    /// Its stop flag.
    pub(crate) fn flag(&self) -> &Arc<AtomicBool> {
        &self.0
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        running().retain(|f| !Arc::ptr_eq(f, &self.0));
        ENDED.notify_all();
    }
}

/// Stops every second pass of this process (those whose calls are stored: end the calls
/// first) and waits up to `within` for them to end; returns how many still run. Each stops
/// within the decode in progress, is given up (audited) and its call keeps its live
/// transcript, as if the process had died, but the summary goes to the outbox now instead of
/// at the next start. What the app and the CLI do before they exit.
pub fn stop_second_passes(within: Duration) -> usize {
    let deadline = Instant::now() + within;
    let mut list = running();
    for flag in list.iter() {
        flag.store(true, Ordering::SeqCst);
    }
    if !list.is_empty() {
        tracing::info!(passes = list.len(), "stopping the second passes");
    }
    while !list.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            tracing::warn!(passes = list.len(), "second passes still running at exit");
            break;
        }
        list = ENDED
            .wait_timeout(list, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    list.len()
}
