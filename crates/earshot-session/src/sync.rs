//! The app's side of the hub: a background worker that enrolls the device and uploads its
//! outbox, and the live board's heartbeat while a call runs.
//!
//! - [`SyncWorker::start`]: a thread with its own tokio runtime. It enrolls (retrying with the
//!   outbox's backoff while the hub cannot be reached), then passes over the outbox every few
//!   seconds, each entry after its own backoff. The vault records the outcome, so the status bar
//!   of any process on the data dir shows it ([`sync_status`]).
//! - [`LiveBoard`]: fed every [`CallEvent`] of the call on screen; the worker sends its state as a
//!   heartbeat every [`Timing::beat_every`] during a call and every three times that between
//!   calls. A heartbeat the hub does not take is dropped, never queued.

use crate::{CallEvent, SessionError};
use earshot_config::Config;
use earshot_core::Speaker;
use earshot_hub::api::HeartbeatRequest;
use earshot_vault::Vault;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the status bar shows about syncing to the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct SyncStatus {
    /// The hub's address.
    pub hub: String,
    /// Summaries waiting to be sent.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queued: u64,
    /// Summaries never queued because the outbox was full.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dropped: u64,
    /// The last summary the hub acknowledged (unix ms; `null`: none yet).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_success_ms: Option<i64>,
    /// The last error, in plain words (`null`: the last attempt succeeded).
    pub last_error: Option<String>,
}

/// The sync state of the workstation on `config`'s data dir (`None`: no hub configured).
pub fn sync_status(config: &Config) -> Result<Option<SyncStatus>, SessionError> {
    let Some(hub) = &config.hub_url else {
        return Ok(None);
    };
    let state = Vault::open(config)?.sync_state()?;
    Ok(Some(SyncStatus {
        hub: hub.clone(),
        queued: state.queued,
        dropped: state.dropped,
        last_success_ms: state.last_success_ms,
        last_error: state.last_error,
    }))
}

#[derive(Debug, Default)]
struct Board {
    started: Option<Instant>,
    /// The end of the audio heard so far (ms into the call).
    heard_ms: u64,
    /// The caller's scored turns: (start ms, score).
    caller: Vec<(u64, f32)>,
    /// Alert categories raised so far (each once).
    alerts: Vec<String>,
}

/// The state of the call on screen, for the supervisors' live board: whether a call runs, its
/// length so far, the caller's sentiment trend so far and the alert categories raised. Never
/// text.
#[derive(Debug, Clone, Default)]
pub struct LiveBoard(Arc<Mutex<Board>>);

impl LiveBoard {
    fn with<T>(&self, f: impl FnOnce(&mut Board) -> T) -> T {
        let mut board = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut board)
    }

    /// A call starts.
    pub fn begin(&self) {
        self.with(|b| {
            *b = Board {
                started: Some(Instant::now()),
                ..Board::default()
            }
        });
    }

    /// The call ended (or failed).
    pub fn end(&self) {
        self.with(|b| *b = Board::default());
    }

    /// Takes in one event of the call on screen; its end clears the board.
    pub fn observe(&self, event: &CallEvent) {
        match event {
            CallEvent::Partial { end_ms, .. } => self.with(|b| {
                b.started.get_or_insert_with(Instant::now);
                b.heard_ms = b.heard_ms.max(*end_ms);
            }),
            CallEvent::Final {
                speaker,
                start_ms,
                end_ms,
                sentiment,
                ..
            } => self.with(|b| {
                b.started.get_or_insert_with(Instant::now);
                b.heard_ms = b.heard_ms.max(*end_ms);
                if let (Speaker::Caller, Some(score)) = (speaker, sentiment.score) {
                    b.caller.push((*start_ms, score as f32));
                }
            }),
            CallEvent::Alert { category, .. } => self.with(|b| {
                if !b.alerts.contains(category) {
                    b.alerts.push(category.clone());
                }
            }),
            CallEvent::CallEnd { .. } => self.end(),
            _ => {}
        }
    }

    /// The heartbeat for the board's state now.
    pub fn heartbeat(&self, outbox_len: u64) -> HeartbeatRequest {
        self.with(|b| {
            let duration_ms = match b.started {
                Some(t) => b.heard_ms.max(t.elapsed().as_millis() as u64),
                None => 0,
            };
            let trend = (!b.caller.is_empty())
                .then(|| earshot_sentiment::call_trend(&b.caller, duration_ms).direction);
            HeartbeatRequest {
                on_call: b.started.is_some(),
                duration_ms: duration_ms as i64,
                caller_trend: trend.and_then(|t| {
                    serde_json::to_value(t)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                }),
                alerts: b.alerts.clone(),
                outbox_len: outbox_len as i64,
            }
        })
    }
}

/// How often the worker acts.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Between passes over the outbox.
    pub sync_every: Duration,
    /// Between heartbeats during a call (three times this between calls).
    pub beat_every: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            sync_every: Duration::from_secs(5),
            beat_every: Duration::from_secs(5),
        }
    }
}

/// The background sync worker. Dropping it stops it (an upload cut off is sent again later; the
/// hub keeps one).
pub struct SyncWorker {
    stop: tokio::sync::watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl SyncWorker {
    /// Starts the worker for `config`, with the live state from `board` (`None`: no hub is
    /// configured).
    pub fn start(config: &Config, board: LiveBoard, timing: Timing) -> Option<SyncWorker> {
        config.hub_url.as_ref()?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let config = config.clone();
        let thread = std::thread::Builder::new()
            .name("earshot-sync".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        tracing::error!(error = %e, "the sync worker cannot start");
                        return;
                    }
                };
                rt.block_on(async move {
                    let mut stopped = stopped;
                    tokio::select! {
                        _ = work(&config, &board, timing) => {}
                        _ = stopped.wait_for(|s| *s) => {}
                    }
                });
            })
            .ok()?;
        Some(SyncWorker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for SyncWorker {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Enrolls, then syncs and beats for good.
async fn work(config: &Config, board: &LiveBoard, timing: Timing) {
    let mut attempts = 0;
    let (vault, syncer) = loop {
        let made = match Vault::open(config) {
            Ok(vault) => match earshot_sync::Syncer::connect(config, &vault).await {
                Ok(s) => Ok((vault, s)),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        match made {
            Ok(both) => break both,
            Err(e) => {
                let wait = earshot_sync::backoff_ms(attempts);
                tracing::warn!(error = %e, retry_in_ms = wait, "the device cannot join the hub yet");
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
        }
    };
    let mut encoder = None;
    let mut next_sync = Instant::now();
    let mut next_beat = Instant::now();
    let mut told_on_call = false;
    loop {
        let now = Instant::now();
        if now >= next_sync {
            let queued = vault.sync_state().map(|s| s.queued).unwrap_or(0);
            if queued > 0 && encoder.is_none() {
                encoder =
                    earshot_pipeline::sentence_encoder(&earshot_models::ModelStore::from_env());
            }
            match syncer.sync_once(&vault, encoder.as_mut()).await {
                Ok(r) if r.sent + r.repeated + r.discarded > 0 => tracing::info!(
                    sent = r.sent,
                    repeated = r.repeated,
                    discarded = r.discarded,
                    queued = r.queued,
                    "synced"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sync failed; retrying"),
            }
            next_sync = Instant::now() + timing.sync_every;
        }
        // A call starting or ending is told at once (at the next tick), not a period later.
        let on_call = board.with(|b| b.started.is_some());
        if now >= next_beat || on_call != told_on_call {
            let queued = vault.sync_state().map(|s| s.queued).unwrap_or(0);
            let beat = board.heartbeat(queued);
            if let Err(e) = syncer.heartbeat(&beat).await {
                tracing::debug!(error = %e, "heartbeat dropped");
            }
            told_on_call = beat.on_call;
            let every = if beat.on_call {
                timing.beat_every
            } else {
                timing.beat_every * 3
            };
            next_beat = Instant::now() + every;
        }
        let wake = next_sync.min(next_beat);
        tokio::time::sleep_until(wake.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_carries_each_alert_category_once_and_forgets_them_when_the_call_ends() {
        let board = LiveBoard::default();
        board.begin();
        assert!(board.heartbeat(0).alerts.is_empty());
        let alert = |category: &str| CallEvent::Alert {
            id: 1,
            rule: "r".into(),
            category: category.into(),
            severity: "warning".into(),
            speaker: Speaker::Caller,
        };
        board.observe(&alert("Cancellation risk"));
        board.observe(&alert("Legal threat"));
        board.observe(&alert("Cancellation risk"));
        let beat = board.heartbeat(0);
        assert!(beat.on_call);
        assert_eq!(beat.alerts, ["Cancellation risk", "Legal threat"]);
        board.end();
        assert!(board.heartbeat(0).alerts.is_empty());
    }
}
