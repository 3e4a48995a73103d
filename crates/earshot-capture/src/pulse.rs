//! The caller on Linux: the monitor source of a PulseAudio (or PipeWire's pulse server) sink.
//!
//! cpal's ALSA host sees a PulseAudio server only as one `pulse` device and cannot pick a monitor
//! source, so the loopback goes through libpulse's simple API. The server delivers 16 kHz mono
//! float directly (it resamples and downmixes), in 20 ms fragments.

use crate::{spawn_opened, AlignedSender, CaptureError, DeviceInfo, Shared};
use libpulse_binding::callbacks::ListResult;
use libpulse_binding::context::{Context, FlagSet, State};
use libpulse_binding::def::BufferAttr;
use libpulse_binding::mainloop::standard::{IterateResult, Mainloop};
use libpulse_binding::operation::State as OpState;
use libpulse_binding::sample::{Format, Spec};
use libpulse_binding::stream::Direction;
use libpulse_simple_binding::Simple;
use std::cell::RefCell;
use std::rc::Rc;
use std::thread::JoinHandle;
use std::time::Duration;

/// PulseAudio's name for the monitor of whatever the default sink is when we connect.
const DEFAULT_MONITOR: &str = "@DEFAULT_MONITOR@";

/// Our loopback stream's name on the server (how the watcher finds it).
const STREAM_NAME: &str = "caller (loopback)";

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
        STREAM_NAME,
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
    let wanted = name.clone();
    spawn_opened(
        "earshot-capture-loopback",
        move || open(wanted.as_deref()),
        move |(mut stream, mut source)| {
            tracing::info!(source = %source, "capturing the caller");
            // Which source we mean to record: the named one while it exists, else whatever the
            // default output's monitor is now.
            let mut named = name.as_ref().map(|_| source.clone());
            let mut server = Server::connect().ok();
            if server.is_none() {
                tracing::warn!("cannot watch the sound server; a moved loopback goes unnoticed");
            }
            let mut bytes = vec![0u8; FRAGMENT * 4];
            while !shared.stopped() {
                if let Err(e) = stream.read(&mut bytes) {
                    let why = e.to_string().unwrap_or_default();
                    tracing::warn!(source = %source, error = %why, "loopback lost; switching to the default output's monitor");
                    named = None;
                    match reopen(&shared) {
                        Some((s, n)) => {
                            stream = s;
                            source = n;
                            continue;
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
                // The server moves a stream whose device vanished to the default *source* (a
                // microphone): check, after every fragment and before sending it, that we are
                // still on the output we mean. A fragment from elsewhere is dropped.
                if let Some(srv) = server.as_mut() {
                    match srv.check(named.as_deref()) {
                        Ok(Check::Right) => {}
                        Ok(Check::Move { to, named_gone }) => {
                            if named_gone {
                                tracing::warn!(source = ?named, "the named loopback source is gone; following the default output");
                                named = None;
                            }
                            tracing::warn!(from = %source, to = %to, "loopback lost its output; following the default output's monitor");
                            match connect(&to) {
                                Ok(s) => {
                                    stream = s;
                                    source = to;
                                }
                                Err(e) => tracing::warn!(error = %e, "reconnecting the loopback"),
                            }
                            continue;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "lost the sound server's introspection");
                            server = None;
                        }
                    }
                }
                let samples = bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                if !out.send(samples) {
                    return;
                }
            }
        },
    )
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

/// What the loopback should do after a check.
enum Check {
    /// It records what it should.
    Right,
    /// It must record from `to` instead.
    Move { to: String, named_gone: bool },
}

/// A source as the server lists it.
#[derive(Debug, Clone)]
struct Source {
    index: u32,
    name: String,
    description: String,
    /// Whether it is the monitor of a sink.
    monitor: bool,
}

/// A control connection to the sound server, for introspection. The context is declared (and so
/// dropped) before the main loop it runs on: the other order aborts inside libpulse.
struct Server {
    context: Context,
    mainloop: Mainloop,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.context.disconnect();
    }
}

impl Server {
    fn connect() -> Result<Server, CaptureError> {
        let fail = |reason: &str| CaptureError::Backend {
            what: "connecting to PulseAudio/PipeWire".into(),
            reason: reason.to_string(),
        };
        let mainloop = Mainloop::new().ok_or_else(|| fail("no main loop"))?;
        let mut context = Context::new(&mainloop, "Earshot").ok_or_else(|| fail("no context"))?;
        context
            .connect(None, FlagSet::NOFLAGS, None)
            .map_err(|e| fail(&e.to_string().unwrap_or_default()))?;
        let mut server = Server { context, mainloop };
        loop {
            server.iterate()?;
            match server.context.get_state() {
                State::Ready => return Ok(server),
                State::Failed | State::Terminated => {
                    return Err(fail("no sound server is running"));
                }
                _ => {}
            }
        }
    }

    fn iterate(&mut self) -> Result<(), CaptureError> {
        match self.mainloop.iterate(true) {
            IterateResult::Success(_) => Ok(()),
            _ => Err(CaptureError::Backend {
                what: "talking to PulseAudio/PipeWire".into(),
                reason: "the main loop stopped".into(),
            }),
        }
    }

    fn wait<T: ?Sized>(
        &mut self,
        op: libpulse_binding::operation::Operation<T>,
    ) -> Result<(), CaptureError> {
        while op.get_state() == OpState::Running {
            self.iterate()?;
        }
        Ok(())
    }

    fn default_sink(&mut self) -> Result<Option<String>, CaptureError> {
        let found: Rc<RefCell<Option<String>>> = Rc::default();
        let sink = found.clone();
        let op = self.context.introspect().get_server_info(move |info| {
            *sink.borrow_mut() = info.default_sink_name.as_ref().map(|s| s.to_string());
        });
        self.wait(op)?;
        let name = found.borrow().clone();
        Ok(name)
    }

    /// Every source of the server.
    fn sources(&mut self) -> Result<Vec<Source>, CaptureError> {
        let found: Rc<RefCell<Vec<Source>>> = Rc::default();
        let list = found.clone();
        let op = self.context.introspect().get_source_info_list(move |item| {
            if let ListResult::Item(info) = item {
                list.borrow_mut().push(Source {
                    index: info.index,
                    name: info.name.as_deref().unwrap_or_default().to_string(),
                    description: info.description.as_deref().unwrap_or_default().to_string(),
                    monitor: info.monitor_of_sink.is_some(),
                });
            }
        });
        self.wait(op)?;
        let sources = found.borrow().clone();
        Ok(sources)
    }

    /// The source index our loopback stream records from.
    fn our_source(&mut self) -> Result<Option<u32>, CaptureError> {
        let pid = std::process::id().to_string();
        let found: Rc<RefCell<Option<u32>>> = Rc::default();
        let ours = found.clone();
        let op = self
            .context
            .introspect()
            .get_source_output_info_list(move |item| {
                if let ListResult::Item(info) = item {
                    if info.name.as_deref() == Some(STREAM_NAME)
                        && info.proplist.get_str("application.process.id").as_deref()
                            == Some(pid.as_str())
                    {
                        *ours.borrow_mut() = Some(info.source);
                    }
                }
            });
        self.wait(op)?;
        let index = *found.borrow();
        Ok(index)
    }

    fn check(&mut self, named: Option<&str>) -> Result<Check, CaptureError> {
        let Some(index) = self.our_source()? else {
            return Ok(Check::Right);
        };
        let sources = self.sources()?;
        let actual = sources
            .iter()
            .find(|s| s.index == index)
            .map(|s| s.name.as_str());
        let named_exists = named.is_some_and(|n| sources.iter().any(|s| s.name == n));
        let expected = match named {
            Some(n) if named_exists => Some(n.to_string()),
            _ => self.default_sink()?.map(|s| format!("{s}.monitor")),
        };
        match expected {
            Some(e) if actual != Some(e.as_str()) && sources.iter().any(|s| s.name == e) => {
                Ok(Check::Move {
                    to: e,
                    named_gone: named.is_some() && !named_exists,
                })
            }
            _ => Ok(Check::Right),
        }
    }
}

/// The server's sources that are monitors of a sink (what a loopback can capture).
pub(crate) fn list_monitors() -> Result<Vec<DeviceInfo>, CaptureError> {
    let mut server = Server::connect()?;
    let default_monitor = server.default_sink()?.map(|s| format!("{s}.monitor"));
    Ok(server
        .sources()?
        .into_iter()
        .filter(|s| s.monitor)
        .map(|s| DeviceInfo {
            default: default_monitor.as_deref() == Some(s.name.as_str()),
            description: s.description,
            name: s.name,
            role: "loopback",
        })
        .collect())
}
