//! Sample-rate conversion with rubato's FFT resampler.

use crate::AudioError;
use rubato::{FftFixedIn, Resampler};

/// Converts `input` from `from` Hz to `to` Hz; the output has `len * to / from` samples and is
/// aligned with the input (the resampler's delay is removed).
pub fn resample(input: &[f32], from: u32, to: u32) -> Result<Vec<f32>, AudioError> {
    if from == to || input.is_empty() {
        return Ok(input.to_vec());
    }
    let err = |e: &dyn std::fmt::Display| AudioError::Resample {
        from,
        reason: e.to_string(),
    };
    let mut r =
        FftFixedIn::<f32>::new(from as usize, to as usize, 1024, 2, 1).map_err(|e| err(&e))?;
    let expected = (input.len() as u64 * to as u64 / from as u64) as usize;
    let mut out = Vec::with_capacity(expected + r.output_frames_max());
    let mut pos = 0;
    while input.len() - pos >= r.input_frames_next() {
        let n = r.input_frames_next();
        let o = r
            .process(&[&input[pos..pos + n]], None)
            .map_err(|e| err(&e))?;
        out.extend_from_slice(&o[0]);
        pos += n;
    }
    if pos < input.len() {
        let o = r
            .process_partial(Some(&[&input[pos..]]), None)
            .map_err(|e| err(&e))?;
        out.extend_from_slice(&o[0]);
    }
    let delay = r.output_delay();
    while out.len() < expected + delay {
        let o = r
            .process_partial::<&[f32]>(None, None)
            .map_err(|e| err(&e))?;
        if o[0].is_empty() {
            break;
        }
        out.extend_from_slice(&o[0]);
    }
    let mut aligned: Vec<f32> = out.into_iter().skip(delay).take(expected).collect();
    aligned.resize(expected, 0.0);
    Ok(aligned)
}

/// Sample-rate conversion of a live stream, piece by piece (rubato's FFT resampler over 10 ms
/// blocks; the output trails the input by a few milliseconds).
pub struct StreamResampler {
    inner: Option<FftFixedIn<f32>>,
    from: u32,
    pending: Vec<f32>,
}

impl StreamResampler {
    /// A converter from `from` Hz to `to` Hz for live audio: 10 ms blocks, so the output trails
    /// the input by little.
    pub fn new(from: u32, to: u32) -> Result<StreamResampler, AudioError> {
        StreamResampler::with_blocks(from, to, (from as usize / 100).max(1), 1)
    }

    /// A converter for recordings: the same filter as [`resample`] (1024-frame blocks in two
    /// sub-chunks), whose longer delay does not matter when reading a file, and whose output
    /// is what the whole-buffer conversion gives.
    pub fn for_files(from: u32, to: u32) -> Result<StreamResampler, AudioError> {
        StreamResampler::with_blocks(from, to, 1024, 2)
    }

    fn with_blocks(
        from: u32,
        to: u32,
        block: usize,
        sub_chunks: usize,
    ) -> Result<StreamResampler, AudioError> {
        let inner = if from == to {
            None
        } else {
            Some(
                FftFixedIn::<f32>::new(from as usize, to as usize, block, sub_chunks, 1).map_err(
                    |e| AudioError::Resample {
                        from,
                        reason: e.to_string(),
                    },
                )?,
            )
        };
        Ok(StreamResampler {
            inner,
            from,
            pending: Vec::new(),
        })
    }

    /// Output samples by which the converted stream trails its input (0 when no conversion).
    pub fn delay(&self) -> usize {
        self.inner.as_ref().map_or(0, |r| r.output_delay())
    }

    /// At the end of the stream: converts what is left over, then flushes the converter so
    /// that the input's last samples (held back by [`StreamResampler::delay`]) come out too,
    /// followed by some zero padding for the caller to trim.
    pub fn finish(&mut self) -> Result<Vec<f32>, AudioError> {
        let Some(r) = self.inner.as_mut() else {
            return Ok(std::mem::take(&mut self.pending));
        };
        let err = |e: &dyn std::fmt::Display| AudioError::Resample {
            from: self.from,
            reason: e.to_string(),
        };
        let mut out = Vec::new();
        if !self.pending.is_empty() {
            let o = r
                .process_partial(Some(&[&self.pending[..]]), None)
                .map_err(|e| err(&e))?;
            out.extend_from_slice(&o[0]);
            self.pending.clear();
        }
        let delay = r.output_delay();
        let mut flushed = 0;
        while flushed < delay + 1 {
            let o = r
                .process_partial::<&[f32]>(None, None)
                .map_err(|e| err(&e))?;
            if o[0].is_empty() {
                break;
            }
            flushed += o[0].len();
            out.extend_from_slice(&o[0]);
        }
        Ok(out)
    }

    /// Converts what can be converted of `input` (plus what was left over last time).
    pub fn push(&mut self, input: &[f32]) -> Result<Vec<f32>, AudioError> {
        let Some(r) = self.inner.as_mut() else {
            return Ok(input.to_vec());
        };
        self.pending.extend_from_slice(input);
        let mut out = Vec::new();
        let mut pos = 0;
        while self.pending.len() - pos >= r.input_frames_next() {
            let n = r.input_frames_next();
            let o = r
                .process(&[&self.pending[pos..pos + n]], None)
                .map_err(|e| AudioError::Resample {
                    from: self.from,
                    reason: e.to_string(),
                })?;
            out.extend_from_slice(&o[0]);
            pos += n;
        }
        self.pending.drain(..pos);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_keeps_its_length_and_frequency() {
        let from = 44_100;
        let tone: Vec<f32> = (0..from)
            .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / from as f32).sin() * 0.5)
            .collect();
        let out = resample(&tone, from, 16_000).unwrap();
        assert_eq!(out.len(), 16_000);
        // Count rising zero crossings in the middle: ~440 per second.
        let crossings = out[4000..12000]
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!(
            (215..=225).contains(&crossings),
            "{crossings} crossings in 0.5 s"
        );
    }

    #[test]
    fn a_stream_in_uneven_pieces_keeps_its_rate() {
        let from = 48_000;
        let tone: Vec<f32> = (0..from)
            .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / from as f32).sin() * 0.5)
            .collect();
        let mut r = StreamResampler::new(from, 16_000).unwrap();
        let mut out = Vec::new();
        for piece in tone.chunks(733) {
            out.extend(r.push(piece).unwrap());
        }
        // Everything but the last partial block is out.
        assert!((15_800..=16_000).contains(&out.len()), "{}", out.len());
        let crossings = out[4000..12000]
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!((215..=225).contains(&crossings), "{crossings}");
    }
}
