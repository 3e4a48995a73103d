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
}
