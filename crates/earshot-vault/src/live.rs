//! Which calls are being recorded right now, by any process on the data dir.
//!
//! A recorder holds an exclusive lock (`flock` on Unix, `LockFileEx` on Windows) on
//! `live/call-<id>.lock` for as long as its [`crate::RecordingSession`] lives. The OS drops the
//! lock when the process ends, however it ends, so a call whose recorder was killed is not
//! "being recorded", only unfinished. Locks are taken, tested for deletion and swept only inside
//! a write transaction, so a lock file is never swept between its creation and its locking.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::{CallId, VaultError};

/// The folder of the data dir holding the lock files.
pub(crate) const LIVE_DIR: &str = "live";

/// The lock file of `call` under the data dir `dir`.
pub(crate) fn lock_path(dir: &Path, call: CallId) -> PathBuf {
    dir.join(LIVE_DIR).join(format!("call-{call}.lock"))
}

/// A held recording lock; dropping it removes the file and releases the lock.
pub(crate) struct LiveLock {
    file: Option<File>,
    path: PathBuf,
}

impl LiveLock {
    /// Takes `call`'s lock (a fresh id: nobody else holds it).
    pub(crate) fn take(dir: &Path, call: CallId) -> Result<LiveLock, VaultError> {
        let path = lock_path(dir, call);
        let fail =
            |e: std::io::Error| VaultError::DataDir(format!("cannot lock {}: {e}", path.display()));
        std::fs::create_dir_all(dir.join(LIVE_DIR)).map_err(fail)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(fail)?;
        match file.try_lock() {
            Ok(()) => Ok(LiveLock {
                file: Some(file),
                path,
            }),
            Err(TryLockError::WouldBlock) => Err(VaultError::DataDir(format!(
                "{} is held by another process",
                path.display()
            ))),
            Err(TryLockError::Error(e)) => Err(fail(e)),
        }
    }
}

impl Drop for LiveLock {
    fn drop(&mut self) {
        // The file goes first: whoever opens it after this finds nothing, whoever opened it
        // before finds the lock held until the handle below closes, and then free.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// What a look at a call's lock found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// A running process holds it (or it cannot be told: counted as held, so nothing a recorder
    /// still writes to is deleted).
    Recording,
    /// Nobody holds it (no file, or one left by a process that died).
    Idle,
}

/// Whether a process is recording `call`. Releases at once the lock it may take to find out.
pub(crate) fn state(dir: &Path, call: CallId) -> State {
    let path = lock_path(dir, call);
    let Ok(file) = File::open(&path) else {
        return State::Idle;
    };
    match file.try_lock() {
        Ok(()) => State::Idle,
        Err(_) => State::Recording,
    }
}

/// Removes the lock files no running process holds (left by recorders that died). Call inside a
/// write transaction.
pub(crate) fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir.join(LIVE_DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_reads_recording_and_a_dropped_one_idle_and_gone() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(state(dir.path(), 7), State::Idle, "no file: idle");
        let lock = LiveLock::take(dir.path(), 7).unwrap();
        assert_eq!(state(dir.path(), 7), State::Recording);
        assert_eq!(state(dir.path(), 8), State::Idle, "another call");
        sweep(dir.path());
        assert!(
            lock_path(dir.path(), 7).exists(),
            "a held lock is not swept"
        );
        drop(lock);
        assert_eq!(state(dir.path(), 7), State::Idle);
        assert!(!lock_path(dir.path(), 7).exists());
        // A file nobody holds (its recorder died) is idle, and swept.
        std::fs::write(lock_path(dir.path(), 9), b"").unwrap();
        assert_eq!(state(dir.path(), 9), State::Idle);
        sweep(dir.path());
        assert!(!lock_path(dir.path(), 9).exists());
    }
}
