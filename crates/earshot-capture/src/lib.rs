//! Live capture of both sides of a call on the agent's workstation.
//!
//! The agent is the microphone; the caller is what the workstation plays (the softphone's output),
//! taken from the system output *loopback*. The two are captured as two separate streams and sent
//! as [`AudioChunk`]s of 16 kHz mono, never mixed:
//!
//! | platform | microphone | loopback |
//! |---|---|---|
//! | Linux | cpal (ALSA; through the `pulse` plugin on PulseAudio/PipeWire desktops) | the PulseAudio/PipeWire *monitor* source of the default sink (`libpulse-simple`), or a named sink/source |
//! | Windows | cpal (WASAPI) | cpal WASAPI loopback on the default (or named) output device |
//! | macOS | cpal (Core Audio) | a virtual loopback input named with `--loopback` (e.g. BlackHole); native capture (ScreenCaptureKit or a Core Audio process tap) is not implemented and is refused with a clear error |
//!
//! Both streams are aligned to the wall clock: a gap (a device that stalled or was replaced) is
//! filled with silence, so the two speakers' timestamps stay comparable. A device that disappears
//! is replaced by the system default; when no device takes over, capture stops with a message
//! (see [`Capture::failure`]) and the call ends cleanly; it never hangs.

mod device;
#[cfg(target_os = "linux")]
mod pulse;

use earshot_core::{AudioChunk, Speaker};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Why capture cannot start.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The named device does not exist.
    #[error("no {what} device named '{name}' (see `earshot listen --list-devices`)")]
    NoSuchDevice {
        /// "input" or "loopback".
        what: &'static str,
        /// The name asked for.
        name: String,
    },
    /// There is no default device of this kind.
    #[error(
        "no default {0} device: connect one or name one (see `earshot listen --list-devices`)"
    )]
    NoDefault(&'static str),
    /// The sound system refused.
    #[error("{what}: {reason}")]
    Backend {
        /// What was being done.
        what: String,
        /// What the sound system said.
        reason: String,
    },
    /// Not available on this platform yet.
    #[error("{0}")]
    Unsupported(String),
}

/// Which devices to capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureOptions {
    /// Input device for the agent; `None`: the default input.
    pub mic: Option<String>,
    /// Output (or monitor) whose audio is the caller; `None`: the default output's loopback.
    pub loopback: Option<String>,
}

/// A device that can be captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Name to pass to `--mic` or `--loopback`.
    pub name: String,
    /// Human description, when the system has one.
    pub description: String,
    /// `mic` or `loopback`.
    pub role: &'static str,
    /// Whether it is what is used when none is named.
    pub default: bool,
}

/// Every capturable device: cpal inputs (for the microphone) and loopback sources.
pub fn list_devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    let mut out = device::list_inputs()?;
    out.extend(loopback_devices()?);
    Ok(out)
}

#[cfg(target_os = "linux")]
fn loopback_devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    pulse::list_monitors()
}

#[cfg(target_os = "windows")]
fn loopback_devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    device::list_outputs()
}

#[cfg(not(any(target_os = "linux", target_os = "windows")))]
fn loopback_devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    Ok(Vec::new())
}

/// What a capture thread shares with the others.
#[derive(Clone)]
struct Shared {
    stop: Arc<AtomicBool>,
    failure: Arc<Mutex<Option<String>>>,
    started: Instant,
}

impl Shared {
    fn fail(&self, message: String) {
        tracing::error!("{message}");
        self.failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(message);
        // One side gone ends the call: a transcript with one speaker silently missing is worse.
        self.stop.store(true, Ordering::SeqCst);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Sends one speaker's 16 kHz samples, filling gaps with silence so that sample `n` is always
/// about `n / 16 kHz` after the start of the capture.
struct AlignedSender {
    speaker: Speaker,
    tx: SyncSender<AudioChunk>,
    started: Instant,
    sent: usize,
}

/// Starts a capture thread named `name` that first opens its device with `open` (a bad device is
/// then an error of `Capture::start`, not of the thread) and then runs `run` on what it opened.
/// Devices are opened on their own thread because cpal's stream handle is not `Send`.
fn spawn_opened<T, O, R>(name: &str, open: O, run: R) -> Result<JoinHandle<()>, CaptureError>
where
    O: FnOnce() -> Result<T, CaptureError> + Send + 'static,
    R: FnOnce(T) + Send + 'static,
{
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || match open() {
            Ok(opened) => {
                let _ = ready_tx.send(Ok(()));
                run(opened);
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
            }
        })
        .map_err(|e| CaptureError::Backend {
            what: format!("starting {name}"),
            reason: e.to_string(),
        })?;
    match ready.recv() {
        Ok(Ok(())) => Ok(thread),
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(e)
        }
        Err(_) => Err(CaptureError::Backend {
            what: format!("starting {name}"),
            reason: "the capture thread ended unexpectedly".into(),
        }),
    }
}

/// A gap shorter than this is jitter, not lost audio.
const GAP_TOLERANCE: usize = 16_000 / 5;

impl AlignedSender {
    fn new(speaker: Speaker, tx: SyncSender<AudioChunk>, started: Instant) -> Self {
        AlignedSender {
            speaker,
            tx,
            started,
            sent: 0,
        }
    }

    /// False once the receiver is gone.
    fn send(&mut self, samples: Vec<f32>) -> bool {
        let heard_at = Instant::now();
        let due = (heard_at - self.started).as_secs_f64() * 16_000.0;
        let after = self.sent + samples.len();
        let mut chunk = samples;
        if due as usize > after + GAP_TOLERANCE {
            let gap = due as usize - after;
            tracing::debug!(speaker = ?self.speaker, gap_ms = gap / 16, "filling a capture gap with silence");
            let mut filled = vec![0.0; gap];
            filled.extend_from_slice(&chunk);
            chunk = filled;
        }
        self.sent += chunk.len();
        self.tx
            .send(AudioChunk {
                speaker: self.speaker,
                samples: chunk,
                heard_at,
            })
            .is_ok()
    }
}

/// Both sides of the call, being captured. Dropping it (or setting the stop flag) ends capture;
/// the receiver then sees every sender gone.
pub struct Capture {
    shared: Shared,
    threads: Vec<JoinHandle<()>>,
}

/// How long a device may deliver nothing before it counts as gone.
const STALL: Duration = Duration::from_secs(2);

impl Capture {
    /// Opens the microphone (agent) and the loopback (caller) and starts sending their audio to
    /// `tx`. Fails when either cannot be opened; nothing is captured then.
    pub fn start(
        options: &CaptureOptions,
        tx: SyncSender<AudioChunk>,
    ) -> Result<Capture, CaptureError> {
        let shared = Shared {
            stop: Arc::new(AtomicBool::new(false)),
            failure: Arc::new(Mutex::new(None)),
            started: Instant::now(),
        };
        let mut capture = Capture {
            shared: shared.clone(),
            threads: Vec::new(),
        };
        let mic = AlignedSender::new(Speaker::Agent, tx.clone(), shared.started);
        capture.threads.push(device::spawn(
            device::Source::Input(options.mic.clone()),
            mic,
            shared.clone(),
        )?);
        let caller = AlignedSender::new(Speaker::Caller, tx, shared.started);
        capture
            .threads
            .push(spawn_loopback(options.loopback.clone(), caller, shared)?);
        Ok(capture)
    }

    /// A flag that, once set, ends capture (for Ctrl-C).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.shared.stop.clone()
    }

    /// Why capture stopped by itself, if it did.
    pub fn failure(&self) -> Option<String> {
        self.shared
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

#[cfg(target_os = "linux")]
fn spawn_loopback(
    name: Option<String>,
    out: AlignedSender,
    shared: Shared,
) -> Result<JoinHandle<()>, CaptureError> {
    pulse::spawn(name, out, shared)
}

#[cfg(target_os = "windows")]
fn spawn_loopback(
    name: Option<String>,
    out: AlignedSender,
    shared: Shared,
) -> Result<JoinHandle<()>, CaptureError> {
    device::spawn(device::Source::OutputLoopback(name), out, shared)
}

#[cfg(not(any(target_os = "linux", target_os = "windows")))]
fn spawn_loopback(
    name: Option<String>,
    out: AlignedSender,
    shared: Shared,
) -> Result<JoinHandle<()>, CaptureError> {
    match name {
        // A virtual loopback device (e.g. BlackHole behind a Multi-Output Device) is an input.
        Some(name) => device::spawn(device::Source::Input(Some(name)), out, shared),
        None => Err(CaptureError::Unsupported(
            "system-output loopback is not implemented on this platform yet: route the call's \
             output through a virtual loopback device (e.g. BlackHole with a Multi-Output Device) \
             and pass its name with --loopback"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_in_capture_is_filled_with_silence() {
        let (tx, rx) = std::sync::mpsc::sync_channel(8);
        let started = Instant::now() - Duration::from_secs(1);
        let mut s = AlignedSender::new(Speaker::Agent, tx, started);
        assert!(s.send(vec![0.5; 320]));
        let chunk = rx.recv().unwrap();
        // A second had passed: the chunk lands at its end, after the silence.
        assert!(chunk.samples.len() >= 16_000, "{}", chunk.samples.len());
        assert_eq!(chunk.samples[0], 0.0);
        assert_eq!(*chunk.samples.last().unwrap(), 0.5);
        assert!(s.send(vec![0.5; 320]));
        assert_eq!(rx.recv().unwrap().samples.len(), 320, "no gap, no fill");
    }
}
