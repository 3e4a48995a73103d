//! A live call from the workstation's own audio: the microphone (agent) and the system output
//! loopback (caller), through the streaming engine into the vault.

use crate::{CallEvent, SessionError, Workstation};
use earshot_capture::{Capture, CaptureOptions};
use earshot_core::AudioChunk;
use earshot_pipeline::LiveOptions;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

/// Chunks in flight between capture and the engine (20 ms each: over a minute).
const QUEUE: usize = 4096;

/// Capture that has started: both devices are open and their audio is queued.
pub struct LiveCapture {
    capture: Capture,
    input: Receiver<AudioChunk>,
    source: String,
}

/// How a live call (captured, or a recording played live) ended.
pub struct Recorded<E> {
    /// The stored call's id, or the first error of the event sink.
    pub call: Result<i64, E>,
    /// Why capture stopped by itself (a device gone with no replacement), if it did.
    pub capture_failure: Option<String>,
    /// The call's second pass, to run now or in the background (`None`: none configured, or
    /// its model is not installed).
    pub second_pass: Option<crate::SecondPass>,
    /// A recording played live that ended before the length its header announces (its
    /// warning: [`earshot_audio::CutShort::message`]); `None` for captured audio.
    pub cut_short: Option<earshot_audio::CutShort>,
}

impl<E: std::fmt::Debug> std::fmt::Debug for Recorded<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorded")
            .field("call", &self.call)
            .field("capture_failure", &self.capture_failure)
            .field("cut_short", &self.cut_short)
            .field(
                "second_pass",
                &self.second_pass.as_ref().map(|p| p.call_id()),
            )
            .finish()
    }
}

impl LiveCapture {
    /// Opens both devices. A device that cannot be opened is an error here, before any call
    /// is stored.
    pub fn start(options: &CaptureOptions) -> Result<LiveCapture, SessionError> {
        let (tx, input) = std::sync::mpsc::sync_channel(QUEUE);
        let capture = Capture::start(options, tx)?;
        let name = |d: &Option<String>| d.clone().unwrap_or_else(|| "default".into());
        Ok(LiveCapture {
            capture,
            input,
            source: format!(
                "live capture (mic: {}, loopback: {})",
                name(&options.mic),
                name(&options.loopback)
            ),
        })
    }

    /// Setting this flag ends the call: capture stops and what is open is finalized.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.capture.stop_flag()
    }

    /// Records the call until the stop flag is set or capture fails; see [`record_call`].
    pub fn record<E>(
        self,
        ws: &mut Workstation,
        options: LiveOptions,
        on_event: impl FnMut(&CallEvent) -> Result<(), E>,
    ) -> Result<Recorded<E>, SessionError> {
        let LiveCapture {
            capture,
            input,
            source,
        } = self;
        let mut suggested = std::collections::HashMap::new();
        let mut second_pass = None;
        ws.late_feedback = None;
        let call = crate::record_call_with_keypad(
            &mut ws.analyzer,
            &mut ws.vault,
            &source,
            input,
            crate::Received {
                assist: ws.assist.as_deref().map(crate::AssistRef::Shared),
                alert_rules: ws.alert_rules.as_ref(),
                checklists: ws.checklists.as_ref(),
                queue: ws.config.queue.clone(),
                actions: ws.actions.take(),
                suggested: Some(&mut suggested),
                second_pass: Some(&mut second_pass),
                ..crate::Received::default()
            },
            options,
            on_event,
        )?;
        if let Ok(call_id) = &call {
            ws.late_feedback = Some(crate::LateFeedback {
                call_id: *call_id,
                suggested,
            });
        }
        Ok(Recorded {
            call,
            capture_failure: capture.failure(),
            second_pass,
            cut_short: None,
        })
    }
}
