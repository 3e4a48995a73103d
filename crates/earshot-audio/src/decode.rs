//! Decoding audio files with symphonia (pure Rust: WAV, FLAC, MP3, OGG/Vorbis), as a stream: a
//! call of any length is read, resampled to 16 kHz and handed on block by block, so memory does
//! not grow with the recording (a 2-hour call is ~0.5 GB per channel at 16 kHz f32).

use crate::{AudioError, CallerChannel, StreamResampler, SAMPLE_RATE};
use earshot_core::Speaker;
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{Decoder, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// The decoder of one file's first audio track, packet by packet, de-interleaved.
struct Reader {
    name: String,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    rate: u32,
    channels: usize,
    buffer: Option<SampleBuffer<f32>>,
    /// The first packet's samples, decoded by `open` to learn the layout.
    first: Option<Vec<Vec<f32>>>,
    /// Frames in the track, when the container says.
    frames_hint: Option<u64>,
}

/// Whether the length a header announces is a placeholder written before the length was known:
/// a converter writing a WAV file to a pipe (ffmpeg) puts 2³² − 1 bytes there, and others 2³¹
/// or just under. Such a file announces no length (else every one would warn that it was cut
/// short); a real WAV file of 2 GiB is over three hours of 48 kHz stereo.
fn placeholder_length(params: &symphonia::core::codecs::CodecParameters) -> bool {
    let (Some(frames), Some(bits), Some(channels)) = (
        params.n_frames,
        params.bits_per_coded_sample,
        params.channels,
    ) else {
        return false;
    };
    frames.saturating_mul(channels.count() as u64 * u64::from(bits)) / 8 >= 0x7FFF_0000
}

impl Reader {
    fn open(path: &Path) -> Result<Reader, AudioError> {
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
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or_else(|| not_audio("no audio track".into()))?;
        if track.codec_params.channels.is_some_and(|c| c.count() == 0) {
            return Err(not_audio("the file says it has no channels".into()));
        }
        let track_id = track.id;
        let frames_hint = track
            .codec_params
            .n_frames
            .filter(|_| !placeholder_length(&track.codec_params));
        let decoder = symphonia::default::get_codecs()
            .make(&track.codec_params, &DecoderOptions::default())
            .map_err(|e| not_audio(e.to_string()))?;
        let mut reader = Reader {
            name,
            format,
            decoder,
            track_id,
            rate: 0,
            channels: 0,
            buffer: None,
            first: None,
            frames_hint,
        };
        // The layout is what the first packet decodes to.
        reader.first = reader.next_packet()?;
        if reader.first.as_ref().is_none_or(|f| f[0].is_empty()) {
            return Err(AudioError::Empty { path: reader.name });
        }
        Ok(reader)
    }

    /// The next packet's samples, one vector per channel; `None` at the end.
    fn next_packet(&mut self) -> Result<Option<Vec<Vec<f32>>>, AudioError> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        let not_audio = |name: &str, reason: String| AudioError::NotAudio {
            path: name.to_string(),
            reason,
        };
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(None)
                }
                Err(SymphoniaError::ResetRequired) => {
                    // A chained stream (OGG with a second logical stream, a format change): what
                    // follows may have another layout. Stopping here would silently drop it.
                    return Err(not_audio(
                        &self.name,
                        "the stream changes format part-way (a chained stream); convert it to one \
                         stream first, e.g. `sox IN OUT.wav`"
                            .into(),
                    ));
                }
                Err(e) => return Err(not_audio(&self.name, e.to_string())),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                Err(SymphoniaError::DecodeError(e)) => {
                    tracing::warn!(error = e, "skipping an undecodable packet");
                    continue;
                }
                Err(e) => return Err(not_audio(&self.name, e.to_string())),
            };
            let spec = *decoded.spec();
            let n = spec.channels.count();
            if n == 0 || spec.rate == 0 {
                return Err(not_audio(
                    &self.name,
                    format!("a packet decodes to {n} channels at {} Hz", spec.rate),
                ));
            }
            if self.channels == 0 {
                self.channels = n;
                self.rate = spec.rate;
            } else if n != self.channels || spec.rate != self.rate {
                return Err(not_audio(
                    &self.name,
                    format!(
                        "the layout changes part-way ({} channels at {} Hz, then {n} at {} Hz)",
                        self.channels, self.rate, spec.rate
                    ),
                ));
            }
            if decoded.frames() == 0 {
                continue;
            }
            let buf = match &mut self.buffer {
                Some(b) if b.capacity() >= decoded.capacity() * n => b,
                _ => self
                    .buffer
                    .insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
            };
            buf.copy_interleaved_ref(decoded);
            let mut out = vec![Vec::with_capacity(buf.samples().len() / n); n];
            for frame in buf.samples().chunks_exact(n) {
                for (ch, s) in out.iter_mut().zip(frame) {
                    ch.push(*s);
                }
            }
            return Ok(Some(out));
        }
    }
}

/// A recording that ended before the length its header announces (a crash while writing it, a
/// copy stopped part way): what it holds is analysed and stored, and the user is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutShort {
    /// Milliseconds the file's header announces.
    pub announced_ms: u64,
    /// Milliseconds of audio the file held.
    pub read_ms: u64,
}

impl CutShort {
    /// `Some` when `read_ms` falls short of `announced_ms` by more than a second and 2 % (a
    /// container's rounding and a codec's last partial packet stay below both).
    pub fn check(announced_ms: u64, read_ms: u64) -> Option<CutShort> {
        let short = announced_ms.saturating_sub(read_ms);
        (short > 1000 && short * 50 > announced_ms).then_some(CutShort {
            announced_ms,
            read_ms,
        })
    }

    /// The warning shown for `file`, the same words in the CLI and the app. It names the file
    /// and two times, never anything heard.
    pub fn message(&self, file: &str) -> String {
        let at = earshot_core::format_timestamp;
        format!(
            "{file} ends at {}, before the {} its header announces: the file may be cut short; \
             what it holds was analysed and stored",
            at(self.read_ms),
            at(self.announced_ms)
        )
    }
}

/// A call recording read as a stream: per-speaker 16 kHz blocks of about a second, the same
/// length on every track, aligned with the file's time (the resampler's delay removed).
pub struct CallStream {
    reader: Reader,
    speakers: Vec<Speaker>,
    resamplers: Vec<StreamResampler>,
    /// Output samples still to drop from the front of each track (the resampler's delay).
    skip: usize,
    /// Native frames decoded so far.
    frames_in: u64,
    /// 16 kHz samples handed out so far, per track.
    emitted: u64,
    done: bool,
}

/// Native frames gathered into one block (about a second at common rates).
const BLOCK_FRAMES: usize = 16_384;

impl CallStream {
    /// Opens a call of any supported format, rate and layout: mono is one `unknown` speaker,
    /// stereo is caller and agent by `caller`; other layouts are refused.
    pub fn open(path: &Path, caller: CallerChannel) -> Result<CallStream, AudioError> {
        let reader = Reader::open(path)?;
        let speakers = match (reader.channels, caller) {
            (1, _) => vec![Speaker::Unknown],
            (2, CallerChannel::Left) => vec![Speaker::Caller, Speaker::Agent],
            (2, CallerChannel::Right) => vec![Speaker::Agent, Speaker::Caller],
            (n, _) => {
                return Err(AudioError::ChannelCount {
                    path: reader.name,
                    channels: n,
                })
            }
        };
        let resamplers = (0..reader.channels)
            .map(|_| StreamResampler::for_files(reader.rate, SAMPLE_RATE))
            .collect::<Result<Vec<_>, _>>()?;
        let skip = resamplers[0].delay();
        Ok(CallStream {
            reader,
            speakers,
            resamplers,
            skip,
            frames_in: 0,
            emitted: 0,
            done: false,
        })
    }

    /// Who is on each track, in the order of the blocks' vectors.
    pub fn speakers(&self) -> &[Speaker] {
        &self.speakers
    }

    /// The file's name as given.
    pub fn name(&self) -> &str {
        &self.reader.name
    }

    /// The duration the container announces, if it does (for progress; the true duration is
    /// known at the end: [`CallStream::duration_ms`]).
    pub fn duration_hint_ms(&self) -> Option<u64> {
        self.reader
            .frames_hint
            .map(|f| f * 1000 / self.reader.rate as u64)
    }

    /// Duration of the audio decoded so far (the whole file's once the stream has ended).
    pub fn duration_ms(&self) -> u64 {
        self.frames_in * 1000 / self.reader.rate as u64
    }

    /// The next block of 16 kHz samples per track; `None` once the file has been read.
    pub fn next_block(&mut self) -> Result<Option<Vec<Vec<f32>>>, AudioError> {
        if self.done {
            return Ok(None);
        }
        let mut native: Vec<Vec<f32>> = vec![Vec::new(); self.speakers.len()];
        let mut ended = false;
        while native[0].len() < BLOCK_FRAMES {
            match self.reader.next_packet()? {
                Some(packet) => {
                    for (all, new) in native.iter_mut().zip(packet) {
                        all.extend(new);
                    }
                }
                None => {
                    ended = true;
                    break;
                }
            }
        }
        self.frames_in += native[0].len() as u64;
        let mut out = Vec::with_capacity(native.len());
        for (r, samples) in self.resamplers.iter_mut().zip(&native) {
            let mut o = r.push(samples)?;
            if ended {
                o.extend(r.finish()?);
            }
            out.push(o);
        }
        // Every track went through the same counts, so their outputs have the same length.
        let skip = self.skip.min(out[0].len());
        self.skip -= skip;
        let mut block: Vec<Vec<f32>> = out.into_iter().map(|o| o[skip..].to_vec()).collect();
        if ended {
            self.done = true;
            // Exactly the input's length at 16 kHz: the flush's padding goes, a short tail is
            // filled.
            let expected = self.frames_in * SAMPLE_RATE as u64 / self.reader.rate as u64;
            let len = expected.saturating_sub(self.emitted) as usize;
            for b in &mut block {
                b.resize(len, 0.0);
            }
        }
        self.emitted += block[0].len() as u64;
        Ok(Some(block))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resample;

    fn tone(rate: u32, seconds: f32, hz: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| (i as f32 * hz * std::f32::consts::TAU / rate as f32).sin() * 0.5)
            .collect()
    }

    fn write_wav(path: &Path, rate: u32, channels: &[Vec<f32>]) {
        let spec = hound::WavSpec {
            channels: channels.len() as u16,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..channels[0].len() {
            for ch in channels {
                w.write_sample((ch[i] * 32767.0) as i16).unwrap();
            }
        }
        w.finalize().unwrap();
    }

    #[test]
    fn a_file_short_of_its_header_by_a_second_and_two_percent_is_cut_short() {
        let cut = CutShort::check(60_000, 32_400).unwrap();
        assert_eq!(
            cut.message("call.wav"),
            "call.wav ends at 00:32.4, before the 01:00.0 its header announces: the file may \
             be cut short; what it holds was analysed and stored"
        );
        // Negative controls: the whole file, a rounding under a second, 2 % of a long file,
        // and a header that announces less than the file holds.
        assert_eq!(CutShort::check(60_000, 60_000), None);
        assert_eq!(CutShort::check(20_000, 19_100), None);
        assert_eq!(CutShort::check(3_600_000, 3_530_000), None);
        assert!(CutShort::check(3_600_000, 3_520_000).is_some());
        assert_eq!(CutShort::check(10_000, 12_000), None);
    }

    #[test]
    fn a_header_written_for_a_pipe_announces_no_length_and_a_real_one_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        write_wav(&path, 8_000, &[tone(8_000, 2.0, 440.0)]);
        let whole = std::fs::read(&path).unwrap();
        let hint = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            CallStream::open(&path, CallerChannel::Left)
                .unwrap()
                .duration_hint_ms()
        };
        // Positive controls: the whole file, and the file cut short (its header unchanged).
        assert_eq!(hint(&whole), Some(2_000));
        assert_eq!(hint(&whole[..whole.len() / 2]), Some(2_000));
        // As ffmpeg writes a WAV file to a pipe: the RIFF and data lengths 2³² − 1.
        let mut piped = whole.clone();
        piped[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        piped[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(hint(&piped), None);
        let mut stream = CallStream::open(&path, CallerChannel::Left).unwrap();
        while stream.next_block().unwrap().is_some() {}
        assert_eq!(stream.duration_ms(), 2_000, "read to its end all the same");
    }

    #[test]
    fn a_stream_matches_whole_file_resampling_in_length_and_alignment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        let rate = 44_100;
        // A click at 1.5 s on the left, a tone on the right.
        let mut left = vec![0.0; (rate as f32 * 3.3) as usize];
        left[(rate as f32 * 1.5) as usize] = 0.9;
        let right = tone(rate, 3.3, 440.0);
        write_wav(&path, rate, &[left.clone(), right]);
        let mut stream = CallStream::open(&path, CallerChannel::Left).unwrap();
        assert_eq!(stream.speakers(), [Speaker::Caller, Speaker::Agent]);
        let mut tracks = [Vec::new(), Vec::new()];
        let mut blocks = 0;
        while let Some(block) = stream.next_block().unwrap() {
            assert_eq!(block[0].len(), block[1].len());
            assert!(block[0].len() <= 2 * BLOCK_FRAMES);
            for (t, b) in tracks.iter_mut().zip(block) {
                t.extend(b);
            }
            blocks += 1;
        }
        assert!(blocks > 3, "{blocks} blocks");
        let whole = resample(&left, rate, SAMPLE_RATE).unwrap();
        assert_eq!(tracks[0].len(), whole.len());
        assert_eq!(stream.duration_ms(), 3300);
        let peak = |s: &[f32]| {
            s.iter()
                .enumerate()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                .unwrap()
                .0
        };
        // The click is where it was, within a millisecond.
        assert!(
            peak(&tracks[0]).abs_diff(24_000) <= 16,
            "{}",
            peak(&tracks[0])
        );
        assert!(peak(&whole).abs_diff(peak(&tracks[0])) <= 16);
        // The same filter as the whole-buffer conversion, sample for sample (the very end
        // aside, where each flushes its own way).
        let right = resample(&tone(rate, 3.3, 440.0), rate, SAMPLE_RATE).unwrap();
        let n = right.len() - 2048;
        let worst = tracks[1][..n]
            .iter()
            .zip(&right[..n])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-4,
            "streamed and whole conversions differ by {worst}"
        );
    }

    #[test]
    fn no_channels_and_too_many_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        // A WAV header that says 0 channels (hound will not write one: bytes by hand).
        let zero = dir.path().join("zero.wav");
        let mut bytes = Vec::new();
        bytes.extend(b"RIFF");
        bytes.extend(&(36u32 + 8).to_le_bytes());
        bytes.extend(b"WAVEfmt ");
        bytes.extend(&16u32.to_le_bytes());
        bytes.extend(&1u16.to_le_bytes()); // PCM
        bytes.extend(&0u16.to_le_bytes()); // channels
        bytes.extend(&16_000u32.to_le_bytes());
        bytes.extend(&32_000u32.to_le_bytes());
        bytes.extend(&2u16.to_le_bytes());
        bytes.extend(&16u16.to_le_bytes());
        bytes.extend(b"data");
        bytes.extend(&8u32.to_le_bytes());
        bytes.extend(&[0u8; 8]);
        std::fs::write(&zero, bytes).unwrap();
        let e = CallStream::open(&zero, CallerChannel::Left)
            .err()
            .expect("refused");
        assert!(
            matches!(e, AudioError::NotAudio { .. } | AudioError::Empty { .. }),
            "{e}"
        );
        let three = dir.path().join("three.wav");
        let t = tone(8000, 0.5, 300.0);
        write_wav(&three, 8000, &[t.clone(), t.clone(), t]);
        let e = CallStream::open(&three, CallerChannel::Left)
            .err()
            .expect("refused");
        assert!(
            matches!(e, AudioError::ChannelCount { channels: 3, .. }),
            "{e}"
        );
        // The positive control: the same tone in two channels opens.
        let two = dir.path().join("two.wav");
        let t = tone(8000, 0.5, 300.0);
        write_wav(&two, 8000, &[t.clone(), t]);
        assert!(CallStream::open(&two, CallerChannel::Left).is_ok());
    }

    #[test]
    fn a_chained_stream_is_an_error_not_a_short_call() {
        // Two OGG/Vorbis streams back to back (what `cat a.ogg b.ogg` makes; some recorders
        // write them on a format change): the second has another rate. Reading must not end
        // quietly after the first.
        let dir = tempfile::tempdir().unwrap();
        let part = |name: &str, rate: &str| {
            let p = dir.path().join(name);
            let ok = std::process::Command::new("sox")
                .args(["-n", "-r", rate, "-c", "1"])
                .arg(&p)
                .args(["synth", "2", "sine", "440"])
                .status()
                .expect("sox (cargo xtask setup)")
                .success();
            assert!(ok);
            std::fs::read(p).unwrap()
        };
        let (a, b) = (part("a.ogg", "16000"), part("b.ogg", "8000"));
        let chained = dir.path().join("chained.ogg");
        std::fs::write(&chained, [a.clone(), b].concat()).unwrap();
        let read_all = |path: &Path| -> Result<u64, AudioError> {
            let mut s = CallStream::open(path, CallerChannel::Left)?;
            while s.next_block()?.is_some() {}
            Ok(s.duration_ms())
        };
        match read_all(&chained) {
            Err(AudioError::NotAudio { reason, .. }) => {
                assert!(reason.contains("part-way"), "{reason}")
            }
            other => panic!("a chained stream read as {other:?}"),
        }
        // The positive control: one of the parts alone reads whole.
        let single = dir.path().join("single.ogg");
        std::fs::write(&single, a).unwrap();
        let ms = read_all(&single).unwrap();
        assert!((1900..=2100).contains(&ms), "{ms}");
    }
}
