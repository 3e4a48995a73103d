//! cpal devices: the microphone everywhere, and the WASAPI loopback on Windows.
//!
//! cpal's stream handle is not `Send` on every platform, so each stream lives in its own thread
//! for its whole life; its callback only downmixes and hands the samples over, and the thread
//! resamples them to 16 kHz and sends them on. When the device goes away (an error from cpal, or
//! nothing delivered for [`crate::STALL`]) the thread reopens the system default; when that fails
//! too, capture stops with a message.

use crate::{spawn_opened, AlignedSender, CaptureError, DeviceInfo, Shared, STALL};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{Device, FromSample, SampleFormat, SizedSample, Stream, StreamConfig};
use earshot_audio::StreamResampler;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What to open.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// An input device (by name, or the default).
    Input(Option<String>),
    /// The loopback of an output device (by name, or the default): WASAPI only.
    #[cfg_attr(not(target_os = "windows"), allow(dead_code))]
    OutputLoopback(Option<String>),
}

impl Source {
    fn what(&self) -> &'static str {
        match self {
            Source::Input(_) => "input",
            Source::OutputLoopback(_) => "output",
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Source::Input(n) | Source::OutputLoopback(n) => n.as_deref(),
        }
    }

    /// The device: the named one, else the default.
    fn find(&self, named: bool) -> Result<Device, CaptureError> {
        let host = cpal::default_host();
        let backend = |e: &dyn std::fmt::Display| CaptureError::Backend {
            what: format!("listing {} devices", self.what()),
            reason: e.to_string(),
        };
        if let (true, Some(name)) = (named, self.name()) {
            let mut devices = match self {
                Source::Input(_) => host.input_devices().map_err(|e| backend(&e))?,
                Source::OutputLoopback(_) => host.output_devices().map_err(|e| backend(&e))?,
            };
            return devices
                .find(|d| d.name().is_ok_and(|n| n == name))
                .ok_or_else(|| CaptureError::NoSuchDevice {
                    what: self.what(),
                    name: name.to_string(),
                });
        }
        match self {
            Source::Input(_) => host.default_input_device(),
            Source::OutputLoopback(_) => host.default_output_device(),
        }
        .ok_or(CaptureError::NoDefault(self.what()))
    }
}

/// cpal's input devices, for `--list-devices`.
pub(crate) fn list_inputs() -> Result<Vec<DeviceInfo>, CaptureError> {
    let host = cpal::default_host();
    let default = host.default_input_device();
    listed(host.input_devices(), default, "mic")
}

/// cpal's output devices, whose loopback can be captured (WASAPI).
#[cfg(target_os = "windows")]
pub(crate) fn list_outputs() -> Result<Vec<DeviceInfo>, CaptureError> {
    let host = cpal::default_host();
    let default = host.default_output_device();
    listed(host.output_devices(), default, "loopback")
}

fn listed(
    devices: Result<impl Iterator<Item = Device>, cpal::DevicesError>,
    default: Option<Device>,
    role: &'static str,
) -> Result<Vec<DeviceInfo>, CaptureError> {
    let default = default.and_then(|d| d.name().ok());
    let devices = devices.map_err(|e| CaptureError::Backend {
        what: format!("listing {role} devices"),
        reason: e.to_string(),
    })?;
    Ok(devices
        .filter_map(|d| d.name().ok())
        .map(|name| DeviceInfo {
            default: default.as_deref() == Some(name.as_str()),
            description: String::new(),
            name,
            role,
        })
        .collect())
}

/// An open stream and what it delivers.
struct Opened {
    _stream: Stream,
    name: String,
    rate: u32,
    data: Receiver<Vec<f32>>,
    errors: Receiver<cpal::StreamError>,
}

fn open(source: &Source, named: bool) -> Result<Opened, CaptureError> {
    let device = source.find(named)?;
    let name = device.name().unwrap_or_else(|_| "?".into());
    let backend = |what: &str, e: &dyn std::fmt::Display| CaptureError::Backend {
        what: format!("{what} '{name}'"),
        reason: e.to_string(),
    };
    let supported = match source {
        Source::Input(_) => device.default_input_config(),
        Source::OutputLoopback(_) => device.default_output_config(),
    }
    .map_err(|e| backend("reading the configuration of", &e))?;
    let format = supported.sample_format();
    let config: StreamConfig = supported.into();
    let (data_tx, data) = channel();
    let (err_tx, errors) = channel();
    let stream = match format {
        SampleFormat::F32 => build::<f32>(&device, &config, data_tx, err_tx),
        SampleFormat::I16 => build::<i16>(&device, &config, data_tx, err_tx),
        SampleFormat::I32 => build::<i32>(&device, &config, data_tx, err_tx),
        SampleFormat::U16 => build::<u16>(&device, &config, data_tx, err_tx),
        SampleFormat::U8 => build::<u8>(&device, &config, data_tx, err_tx),
        SampleFormat::F64 => build::<f64>(&device, &config, data_tx, err_tx),
        other => {
            return Err(CaptureError::Unsupported(format!(
                "device '{name}' delivers {other} samples, which we do not read"
            )))
        }
    }
    .map_err(|e| backend("opening", &e))?;
    stream.play().map_err(|e| backend("starting", &e))?;
    tracing::info!(device = %name, rate = config.sample_rate.0, channels = config.channels, "capturing");
    Ok(Opened {
        _stream: stream,
        name,
        rate: config.sample_rate.0,
        data,
        errors,
    })
}

fn build<T>(
    device: &Device,
    config: &StreamConfig,
    data: Sender<Vec<f32>>,
    errors: Sender<cpal::StreamError>,
) -> Result<Stream, cpal::BuildStreamError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = config.channels.max(1) as usize;
    device.build_input_stream(
        config,
        move |samples: &[T], _: &cpal::InputCallbackInfo| {
            // Downmix to mono here (cheap); the rest happens off the audio thread.
            let mono: Vec<f32> = samples
                .chunks(channels)
                .map(|frame| {
                    frame
                        .iter()
                        .map(|&s| <f32 as FromSample<T>>::from_sample_(s))
                        .sum::<f32>()
                        / channels as f32
                })
                .collect();
            let _ = data.send(mono);
        },
        move |e| {
            let _ = errors.send(e);
        },
        None,
    )
}

/// Opens `source` now (so that a bad name is an error at start) and captures it on a thread.
pub(crate) fn spawn(
    source: Source,
    mut out: AlignedSender,
    shared: Shared,
) -> Result<JoinHandle<()>, CaptureError> {
    let name = format!("earshot-capture-{}", source.what());
    let to_open = source.clone();
    spawn_opened(
        &name,
        move || open(&to_open, true),
        move |mut opened| loop {
            match pump(&opened, &mut out, &shared) {
                Pump::Stopped => return,
                Pump::Lost(why) => {
                    tracing::warn!(device = %opened.name, "{why}; switching to the default device");
                    match reopen(&source, &shared) {
                        Some(o) => opened = o,
                        None => {
                            shared.fail(format!(
                                "{} device '{}' {why}, and no default {} device took over; the call was ended",
                                source.what(),
                                opened.name,
                                source.what()
                            ));
                            return;
                        }
                    }
                }
            }
        },
    )
}

enum Pump {
    Stopped,
    Lost(&'static str),
}

/// Moves audio from the stream to the engine until stop, or until the device is lost.
fn pump(opened: &Opened, out: &mut AlignedSender, shared: &Shared) -> Pump {
    let mut resampler = match StreamResampler::new(opened.rate, 16_000) {
        Ok(r) => r,
        Err(_) => return Pump::Lost("has a sample rate we cannot convert"),
    };
    let mut last = Instant::now();
    loop {
        if shared.stopped() {
            return Pump::Stopped;
        }
        if let Ok(e) = opened.errors.try_recv() {
            match e {
                cpal::StreamError::DeviceNotAvailable => return Pump::Lost("was disconnected"),
                other => tracing::warn!(device = %opened.name, error = %other, "capture error"),
            }
        }
        match opened.data.recv_timeout(Duration::from_millis(50)) {
            Ok(samples) => {
                last = Instant::now();
                match resampler.push(&samples) {
                    Ok(converted) if !converted.is_empty() => {
                        if !out.send(converted) {
                            return Pump::Stopped;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "resampling captured audio"),
                }
            }
            Err(RecvTimeoutError::Timeout) if last.elapsed() > STALL => {
                return Pump::Lost("stopped delivering audio")
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Pump::Lost("was closed"),
        }
    }
}

/// The default device, tried a few times (a replacement can take a moment to appear).
fn reopen(source: &Source, shared: &Shared) -> Option<Opened> {
    for _ in 0..5 {
        if shared.stopped() {
            return None;
        }
        match open(source, false) {
            Ok(o) => return Some(o),
            Err(e) => tracing::warn!(error = %e, "reopening capture"),
        }
        std::thread::sleep(Duration::from_millis(400));
    }
    None
}
