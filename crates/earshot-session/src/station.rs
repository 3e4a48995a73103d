//! What the workstation is doing: nothing, one local call (a file or the devices), or the SIPREC
//! receiver — never a local call and SIPREC at once. One state machine behind one lock, so two
//! requests racing each other (a click on "Listen" while "Join SIPREC" is starting) cannot both
//! win: each check and each change happen under the same lock.
//!
//! ```text
//!            start_call                 join_siprec
//!   Call  <-------------  Idle  ------------------->  Siprec
//!         -------------->       <-------------------
//!   (its thread finished)            leave_siprec
//! ```

use crate::siprec::Joined;
use crate::SessionError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// Why the station refused a request.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    /// A local call is running.
    #[error("a call is in progress: stop it first")]
    CallInProgress,
    /// The SIPREC receiver is running.
    #[error("SIPREC is joined: leave it first")]
    SiprecJoined,
    /// Starting failed; the station stays idle.
    #[error(transparent)]
    Start(#[from] SessionError),
}

/// What the station is doing, as the screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Nothing.
    Idle,
    /// A local call is running.
    Call,
    /// The SIPREC receiver is running.
    Siprec,
}

/// A local call running on its own thread; setting its flag ends it.
pub struct CallHandle {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl CallHandle {
    /// Runs `call` on a new thread; `stop` is the flag the call watches.
    pub fn spawn(stop: Arc<AtomicBool>, call: impl FnOnce() + Send + 'static) -> CallHandle {
        CallHandle {
            stop,
            thread: std::thread::spawn(call),
        }
    }

    fn running(&self) -> bool {
        !self.thread.is_finished()
    }

    fn finish(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
    }
}

enum State {
    Idle,
    Call(CallHandle),
    Siprec(Joined),
}

/// How long quitting waits for the second passes to stop. whisper.cpp looks at the stop flag
/// within a decode, so they end in a fraction of a second; a pass waiting for its vault's lock
/// (another process writing) is what this bounds.
pub const QUIT_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The workstation's one activity. See the module docs.
pub struct Station {
    state: Mutex<State>,
}

impl Default for Station {
    fn default() -> Self {
        Station {
            state: Mutex::new(State::Idle),
        }
    }
}

impl Station {
    /// The state, with a finished call's thread reaped (a call ends on its own at the end of a
    /// file or when its devices fail).
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a consistent state (every change is one
        // assignment), so a poisoned lock is still used.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(&*state, State::Call(c) if !c.running()) {
            if let State::Call(c) = std::mem::replace(&mut *state, State::Idle) {
                c.finish();
            }
        }
        state
    }

    /// What the station is doing now.
    pub fn activity(&self) -> Activity {
        match &*self.state() {
            State::Idle => Activity::Idle,
            State::Call(_) => Activity::Call,
            State::Siprec(_) => Activity::Siprec,
        }
    }

    /// Starts a local call with `start` (which spawns it), unless something is running. `start`
    /// runs under the station's lock: nothing else can start meanwhile.
    pub fn start_call(
        &self,
        start: impl FnOnce() -> Result<CallHandle, SessionError>,
    ) -> Result<(), StationError> {
        let mut state = self.state();
        match &*state {
            State::Call(_) => Err(StationError::CallInProgress),
            State::Siprec(_) => Err(StationError::SiprecJoined),
            State::Idle => {
                *state = State::Call(start()?);
                Ok(())
            }
        }
    }

    /// Asks the local call to end (it finalizes and stores what is open); no-op without one.
    pub fn stop_call(&self) {
        if let State::Call(c) = &*self.state() {
            c.stop.store(true, Ordering::SeqCst);
        }
    }

    /// Starts the SIPREC receiver with `join`, unless a local call is running; returns where it
    /// listens (where it already listens, when it is already joined).
    pub fn join_siprec(
        &self,
        join: impl FnOnce() -> Result<Joined, SessionError>,
    ) -> Result<Vec<String>, StationError> {
        let mut state = self.state();
        match &*state {
            State::Call(_) => Err(StationError::CallInProgress),
            State::Siprec(j) => Ok(j.listening().to_vec()),
            State::Idle => {
                let joined = join()?;
                let listening = joined.listening().to_vec();
                *state = State::Siprec(joined);
                Ok(listening)
            }
        }
    }

    /// Stops the SIPREC receiver, waiting until each of its calls is stored (their second
    /// passes go on in the background); no-op when not joined. The lock is held meanwhile, so no
    /// local call starts while SIPREC calls are still being finalized.
    pub fn leave_siprec(&self) {
        let mut state = self.state();
        if matches!(&*state, State::Siprec(_)) {
            if let State::Siprec(j) = std::mem::replace(&mut *state, State::Idle) {
                j.leave();
            }
        }
    }

    /// Runs `f` only while nothing runs, under the station's lock: no call and no receiver
    /// starts until it returns (an update's install, which ends by restarting the app).
    pub fn while_idle<T>(&self, f: impl FnOnce() -> T) -> Result<T, StationError> {
        let state = self.state();
        match &*state {
            State::Call(_) => Err(StationError::CallInProgress),
            State::Siprec(_) => Err(StationError::SiprecJoined),
            State::Idle => Ok(f()),
        }
    }

    /// Ends whatever runs, waits until every call is stored, then stops the process's second
    /// passes (each call keeps its live transcript; see [`crate::stop_second_passes`]): before
    /// quitting.
    pub fn shut_down(&self) {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Idle) {
            State::Idle => {}
            State::Call(c) => c.finish(),
            State::Siprec(j) => j.leave(),
        }
        crate::stop_second_passes(QUIT_WAIT);
    }
}
