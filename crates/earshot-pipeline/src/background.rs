//! Work nobody waits for (a call's second pass) at a lower CPU priority than the rest of the
//! machine: on a 2-core workstation the base model's decodes would otherwise take a core from the
//! next live call's whisper (this process's or another's: the CLI's SIPREC receiver, a second
//! app), from audio capture and from the window. The engine's pool already puts a second pass's
//! decodes behind every live call's waiting for a decoder; this is the operating system's half:
//! a decode already running yields the CPU.

/// How much nicer than its caller the background thread runs on Linux (a niceness of 10 gives
/// it about a tenth of a core that normal work also wants; capped at 19).
pub const NICER_BY: i32 = 10;

/// Runs `work` on a thread of its own at background priority and returns what it returns. The
/// threads whisper.cpp starts for a decode are started from that thread and inherit its
/// priority. The caller's thread keeps its own: a thread cannot be made less nice again without
/// privilege, so the work moves instead. A panic in `work` goes on in the caller.
///
/// On Linux only, where niceness is per thread; elsewhere `work` runs at normal priority (on
/// its own thread all the same). When the operating system gives no thread (out of threads or
/// memory), `work` runs on the caller's thread at its priority, with a warning: late work
/// beside live calls is better than lost work.
pub fn run<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    run_in(std::thread::Builder::new().name("background".into()), work)
}

/// [`run`] on a thread `builder` makes.
fn run_in<T: Send>(builder: std::thread::Builder, work: impl FnOnce() -> T + Send) -> T {
    // The work moves to the thread only once it is there: a failed spawn leaves it here.
    let work = std::sync::Mutex::new(Some(work));
    let take = || {
        work.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .expect("background work runs once")
    };
    std::thread::scope(|s| {
        let spawned = builder.spawn_scoped(s, || {
            if lower_this_thread() {
                BACKGROUND.with(|b| b.set(true));
            }
            take()()
        });
        match spawned {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(error) => {
                tracing::warn!(%error, "no thread for background work: it runs at normal priority");
                take()()
            }
        }
    })
}

std::thread_local! {
    /// Whether this thread runs at background priority (set by [`run`]).
    static BACKGROUND: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the calling thread is background work [`run`] made nicer (the decode threads it
/// starts yield to everyone else's).
pub(crate) fn is_background() -> bool {
    BACKGROUND.with(|b| b.get())
}

/// Makes the calling thread nicer; whether it did.
#[cfg(target_os = "linux")]
fn lower_this_thread() -> bool {
    // On Linux `PRIO_PROCESS` with id 0 names the calling thread, not the whole process.
    // getpriority may return -1 as a value: errno tells an error.
    // SAFETY: errno is this thread's; both calls only read or set this thread's niceness.
    let now = unsafe {
        *libc::__errno_location() = 0;
        let now = libc::getpriority(libc::PRIO_PROCESS, 0);
        if now == -1 && *libc::__errno_location() != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "background work keeps its priority");
            return false;
        }
        now
    };
    let nicer = (now + NICER_BY).min(19);
    // SAFETY: as above.
    if unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nicer) } != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "background work keeps its priority");
        return false;
    }
    true
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread() -> bool {
    false
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn background_work_runs_on_the_callers_thread_when_no_thread_can_be_made() {
        let caller = std::thread::current().id();
        let mine = niceness();
        // No stack that large can be mapped: the spawn fails for real.
        let huge = std::thread::Builder::new().stack_size(1 << 60);
        let (on, nice) = run_in(huge, || (std::thread::current().id(), niceness()));
        assert_eq!((on, nice), (caller, mine));
        // Control: with a thread, it runs elsewhere.
        let (on, _) = run_in(std::thread::Builder::new(), || {
            (std::thread::current().id(), niceness())
        });
        assert_ne!(on, caller);
    }

    fn niceness() -> i32 {
        // SAFETY: reads the calling thread's niceness.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
    }

    #[test]
    fn background_work_knows_it_is_and_its_caller_knows_it_is_not() {
        // What the decoder pool asks: a second pass's threads yield, so they are not counted
        // against a live decode's.
        assert!(!is_background());
        assert!(run(is_background));
        assert!(!is_background(), "the caller's thread is unchanged");
    }

    #[test]
    fn background_work_and_the_threads_it_starts_run_nicer_and_the_caller_does_not() {
        let mine = niceness();
        let expected = (mine + NICER_BY).min(19);
        let (inside, started) = run(|| {
            // As whisper.cpp's workers are: started by the background thread.
            let started = std::thread::spawn(niceness).join().unwrap();
            (niceness(), started)
        });
        assert_eq!((inside, started), (expected, expected));
        assert!(expected > mine || mine == 19, "{mine} -> {expected}");
        // The caller, and a thread it starts itself, keep theirs.
        assert_eq!(niceness(), mine);
        assert_eq!(std::thread::spawn(niceness).join().unwrap(), mine);
    }

    #[test]
    fn a_panic_in_background_work_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| run(|| panic!("decode failed")));
        let message = caught.unwrap_err();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"decode failed"));
        assert_eq!(run(|| 7), 7);
    }
}
