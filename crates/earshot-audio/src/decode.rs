//! Decoding audio files with symphonia (pure Rust: WAV, FLAC, MP3, OGG/Vorbis).

use crate::AudioError;
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Decoded audio at its native rate, one vector per channel.
#[derive(Debug, Clone)]
pub struct DecodedAudio {
    /// Samples per second.
    pub sample_rate: u32,
    /// Samples in [-1, 1], one vector per channel, all the same length.
    pub channels: Vec<Vec<f32>>,
}

/// Decodes the first audio track of `path`.
pub fn decode_file(path: &Path) -> Result<DecodedAudio, AudioError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| AudioError::Open {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(AudioError::Open {
            path: name,
            reason: "it is a directory".into(),
        });
    }
    let not_audio = |reason: String| AudioError::NotAudio {
        path: name.clone(),
        reason,
    };
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            stream,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|e| not_audio(e.to_string()))?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| not_audio("no audio track".into()))?;
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| not_audio(e.to_string()))?;
    let mut sample_rate = track.codec_params.sample_rate.unwrap_or(0);
    let mut channels: Vec<Vec<f32>> = Vec::new();
    let mut buffer: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                break
            }
            Err(SymphoniaError::ResetRequired) => break,
            Err(e) => return Err(not_audio(e.to_string())),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymphoniaError::DecodeError(e)) => {
                tracing::warn!(error = e, "skipping an undecodable packet");
                continue;
            }
            Err(e) => return Err(not_audio(e.to_string())),
        };
        let spec = *decoded.spec();
        sample_rate = spec.rate;
        let n = spec.channels.count();
        if channels.is_empty() {
            channels = vec![Vec::new(); n];
        }
        let buf = match &mut buffer {
            Some(b) if b.capacity() >= decoded.capacity() * n => b,
            _ => buffer.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
        };
        buf.copy_interleaved_ref(decoded);
        for frame in buf.samples().chunks_exact(n) {
            for (ch, s) in channels.iter_mut().zip(frame) {
                ch.push(*s);
            }
        }
    }
    if sample_rate == 0 || channels.is_empty() || channels[0].is_empty() {
        return Err(AudioError::Empty { path: name });
    }
    Ok(DecodedAudio {
        sample_rate,
        channels,
    })
}
