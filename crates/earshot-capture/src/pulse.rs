//! The caller on Linux: the monitor source of a PulseAudio (or PipeWire's pulse server) sink.
//!
//! cpal's ALSA host sees a PulseAudio server only as one `pulse` device and cannot pick a monitor
//! source, so the loopback goes through libpulse's simple API. The server delivers 16 kHz mono
//! float directly (it resamples and downmixes), in 20 ms fragments.

use crate::{AlignedSender, CaptureError, DeviceInfo, Shared};
use libpulse_binding::context::{Context, FlagSet, State};
use libpulse_binding::def::BufferAttr;
use libpulse_binding::mainloop::standard::{IterateResult, Mainloop};
use libpulse_binding::operation::State as OpState;
use libpulse_binding::sample::{Format, Spec};
use libpulse_binding::stream::Direction;
use libpulse_simple_binding::Simple;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::channel;
use std::thread::JoinHandle;
use std::time::Duration;

/// PulseAudio's name for the monitor of whatever the default sink is when we connect.
const DEFAULT_MONITOR: &str = "@DEFAULT_MONITOR@";

/// Samples per read: 20 ms.
const FRAGMENT: usize = 320;

fn connect(source: &str) -> Result<Simple, String> {
    let spec = Spec {
        format: Format::F32le,
        channels: 1,
        rate: 16_000,
    };
    let bytes = (FRAGMENT * 4) as u32;
    let attr = BufferAttr {
        maxlength: u32::MAX,
        tlength: u32::MAX,
        prebuf: u32::MAX,
        minreq: u32::MAX,
        fragsize: bytes,
    };
    Simple::new(
        None,
        "Earshot",
        Direction::Record,
        Some(source),
        "caller (loopback)",
        &spec,
        None,
        Some(&attr),
    )
    .map_err(|e| e.to_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Connects to the named source, or to the monitor of the named sink, or to the default sink's
/// monitor.
fn open(name: Option<&str>) -> Result<(Simple, String), CaptureError> {
    let Some(name) = name else {
        return connect(DEFAULT_MONITOR)
            .map(|s| (s, DEFAULT_MONITOR.to_string()))
            .map_err(|reason| CaptureError::Backend {
                what: "connecting to the default output's monitor (is PulseAudio or PipeWire running?)"
                    .into(),
                reason,
            });
    };
    let monitor = format!("{name}.monitor");
    for candidate in [name, monitor.as_str()] {
        if let Ok(s) = connect(candidate) {
            return Ok((s, candidate.to_string()));
        }
    }
    Err(CaptureError::NoSuchDevice {
        what: "loopback",
        name: name.to_string(),
    })
}

pub(crate) fn spawn(
    name: Option<String>,
    mut out: AlignedSender,
    shared: Shared,
) -> Result<JoinHandle<()>, CaptureError> {
    let (ready_tx, ready) = channel();
    let thread = std::thread::Builder::new()
        .name("earshot-capture-loopback".into())
        .spawn(move || {
            let (mut stream, mut source) = match open(name.as_deref()) {
                Ok(o) => {
                    let _ = ready_tx.send(Ok(()));
                    o
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            tracing::info!(source = %source, "capturing the caller");
            let mut bytes = vec![0u8; FRAGMENT * 4];
            while !shared.stopped() {
                match stream.read(&mut bytes) {
                    Ok(()) => {
                        let samples = bytes
                            .chunks_exact(4)
                            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                            .collect();
                        if !out.send(samples) {
                            return;
                        }
                    }
                    Err(e) => {
                        let why = e.to_string().unwrap_or_default();
                        tracing::warn!(source = %source, error = %why, "loopback lost; switching to the default output's monitor");
                        match reopen(&shared) {
                            Some((s, n)) => {
                                stream = s;
                                source = n;
                            }
                            None => {
                                shared.fail(format!(
                                    "the loopback source '{source}' failed ({why}) and the default \
                                     output's monitor could not be opened; the call was ended"
                                ));
                                return;
                            }
                        }
                    }
                }
            }
        })
        .map_err(|e| CaptureError::Backend {
            what: "starting the loopback thread".into(),
            reason: e.to_string(),
        })?;
    match ready.recv() {
        Ok(Ok(())) => Ok(thread),
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(e)
        }
        Err(_) => Err(CaptureError::Backend {
            what: "starting the loopback".into(),
            reason: "the capture thread ended unexpectedly".into(),
        }),
    }
}

fn reopen(shared: &Shared) -> Option<(Simple, String)> {
    for _ in 0..5 {
        if shared.stopped() {
            return None;
        }
        if let Ok(s) = connect(DEFAULT_MONITOR) {
            return Some((s, DEFAULT_MONITOR.to_string()));
        }
        std::thread::sleep(Duration::from_millis(400));
    }
    None
}

/// The server's sources that are monitors of a sink (what a loopback can capture).
pub(crate) fn list_monitors() -> Result<Vec<DeviceInfo>, CaptureError> {
    let fail = |reason: &str| CaptureError::Backend {
        what: "listing PulseAudio/PipeWire sources".into(),
        reason: reason.to_string(),
    };
    let mut mainloop = Mainloop::new().ok_or_else(|| fail("no main loop"))?;
    let mut context = Context::new(&mainloop, "Earshot").ok_or_else(|| fail("no context"))?;
    context
        .connect(None, FlagSet::NOFLAGS, None)
        .map_err(|e| fail(&e.to_string().unwrap_or_default()))?;
    let iterate = |mainloop: &mut Mainloop| match mainloop.iterate(true) {
        IterateResult::Success(_) => Ok(()),
        _ => Err(fail("the main loop stopped")),
    };
    loop {
        iterate(&mut mainloop)?;
        match context.get_state() {
            State::Ready => break,
            State::Failed | State::Terminated => {
                return Err(fail("no sound server is running"));
            }
            _ => {}
        }
    }
    let default_sink: Rc<RefCell<Option<String>>> = Rc::default();
    let sink = default_sink.clone();
    let op = context.introspect().get_server_info(move |info| {
        *sink.borrow_mut() = info.default_sink_name.as_ref().map(|s| s.to_string());
    });
    while op.get_state() == OpState::Running {
        iterate(&mut mainloop)?;
    }
    let found: Rc<RefCell<Vec<DeviceInfo>>> = Rc::default();
    let list = found.clone();
    let default_monitor = default_sink
        .borrow()
        .as_ref()
        .map(|s| format!("{s}.monitor"));
    let op = context.introspect().get_source_info_list(move |item| {
        if let libpulse_binding::callbacks::ListResult::Item(info) = item {
            if info.monitor_of_sink.is_some() {
                let name = info.name.as_deref().unwrap_or_default().to_string();
                list.borrow_mut().push(DeviceInfo {
                    default: default_monitor.as_deref() == Some(name.as_str()),
                    description: info.description.as_deref().unwrap_or_default().to_string(),
                    name,
                    role: "loopback",
                });
            }
        }
    });
    while op.get_state() == OpState::Running {
        iterate(&mut mainloop)?;
    }
    context.disconnect();
    let devices = found.borrow().clone();
    Ok(devices)
}
