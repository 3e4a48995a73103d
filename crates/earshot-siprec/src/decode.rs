//! Audio payloads to PCM, after the jitter buffer has put them in order: G.711 (µ-law, A-law)
//! at 8 kHz, G.722 at 16 kHz (RFC 3551: its RTP clock says 8000, its audio is 16 kHz) and Opus
//! at 48 kHz. A lost packet is concealed: Opus by its own loss concealment, the others by
//! silence of one packet's length (the G.722 decoder's state carries on from the last packet).

use crate::rtp;
use crate::sdp::Codec;
use ezk_g722::libg722::{decoder::Decoder as G722Decoder, Bitrate};

/// Why a stream's decoder could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// libopus refused to make a decoder.
    #[error("Opus decoder: {0}")]
    Opus(#[from] opus::Error),
}

/// The largest Opus frame: 120 ms at 48 kHz.
const OPUS_MAX_FRAME: usize = 5_760;

/// One stream's decoder.
pub struct Decoder {
    kind: Kind,
    /// Samples in the last packet decoded: the length of a concealed one.
    frame: usize,
}

enum Kind {
    Pcmu,
    Pcma,
    G722(Box<G722Decoder>),
    Opus(Box<opus::Decoder>, Vec<i16>),
}

impl Decoder {
    /// A decoder for `codec` (mono; G.722 at 64 kbit/s, the only rate RTP carries).
    pub fn new(codec: Codec) -> Result<Decoder, DecodeError> {
        let (kind, frame) = match codec {
            Codec::Pcmu => (Kind::Pcmu, 160),
            Codec::Pcma => (Kind::Pcma, 160),
            Codec::G722 => (
                Kind::G722(Box::new(G722Decoder::new(
                    Bitrate::Mode1_64000,
                    false,
                    false,
                ))),
                320,
            ),
            Codec::Opus => (
                Kind::Opus(
                    Box::new(opus::Decoder::new(48_000, opus::Channels::Mono)?),
                    vec![0; OPUS_MAX_FRAME],
                ),
                960,
            ),
        };
        Ok(Decoder { kind, frame })
    }

    /// The sample rate of what [`Decoder::decode`] returns.
    pub fn rate(&self) -> u32 {
        match self.kind {
            Kind::Pcmu | Kind::Pcma => 8_000,
            Kind::G722(_) => 16_000,
            Kind::Opus(..) => 48_000,
        }
    }

    /// One packet's payload as PCM. A payload the codec cannot read is concealed like a loss.
    pub fn decode(&mut self, payload: &[u8]) -> Vec<i16> {
        let pcm = match &mut self.kind {
            Kind::Pcmu => payload.iter().map(|&b| rtp::ulaw(b)).collect(),
            Kind::Pcma => payload.iter().map(|&b| rtp::alaw(b)).collect(),
            Kind::G722(d) => d.decode(payload),
            Kind::Opus(d, buf) => match d.decode(payload, buf, false) {
                Ok(n) => buf[..n].to_vec(),
                Err(_) => return self.conceal(),
            },
        };
        if !pcm.is_empty() {
            self.frame = pcm.len();
        }
        pcm
    }

    /// Stands in for one lost packet.
    pub fn conceal(&mut self) -> Vec<i16> {
        let frame = self.frame.min(OPUS_MAX_FRAME);
        if let Kind::Opus(d, buf) = &mut self.kind {
            // An empty packet asks libopus for its packet-loss concealment.
            if let Ok(n) = d.decode(&[], &mut buf[..frame], false) {
                return buf[..n].to_vec();
            }
        }
        vec![0; frame]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ezk_g722::libg722::encoder::Encoder as G722Encoder;

    fn tone(rate: f32, hz: f32, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| ((i as f32 * hz * std::f32::consts::TAU / rate).sin() * 8_000.0) as i16)
            .collect()
    }

    /// Correlation of two signals of the same length (1 = identical shape).
    fn correlation(a: &[i16], b: &[i16]) -> f64 {
        let dot = |x: &[i16], y: &[i16]| -> f64 {
            x.iter().zip(y).map(|(&p, &q)| p as f64 * q as f64).sum()
        };
        dot(a, b) / (dot(a, a).sqrt() * dot(b, b).sqrt())
    }

    #[test]
    fn g722_is_wideband_and_keeps_a_tone_above_4_khz() {
        // 6 kHz does not survive an 8 kHz codec; G.722 carries it in its upper band.
        let input = tone(16_000.0, 6_000.0, 16_000);
        let mut enc = G722Encoder::new(Bitrate::Mode1_64000, false, false);
        let mut dec = Decoder::new(Codec::G722).unwrap();
        assert_eq!(dec.rate(), 16_000);
        let mut out = Vec::new();
        for chunk in input.chunks(320) {
            let payload = enc.encode(chunk);
            assert_eq!(payload.len(), 160, "64 kbit/s: one byte per two samples");
            out.extend(dec.decode(&payload));
        }
        assert_eq!(out.len(), input.len());
        // The QMF pair delays the signal by 22 samples.
        let best = (0..40)
            .map(|d| correlation(&input[..15_000], &out[d..15_000 + d]))
            .fold(f64::MIN, f64::max);
        assert!(best > 0.95, "correlation {best}");
    }

    #[test]
    fn losses_are_concealed_with_one_packet_of_audio() {
        let mut g = Decoder::new(Codec::G722).unwrap();
        assert_eq!(g.decode(&[0x55; 80]).len(), 160);
        assert_eq!(g.conceal().len(), 160);
        let mut u = Decoder::new(Codec::Pcmu).unwrap();
        assert_eq!(u.conceal(), vec![0; 160]);
        let mut o = Decoder::new(Codec::Opus).unwrap();
        let mut enc =
            opus::Encoder::new(48_000, opus::Channels::Mono, opus::Application::Voip).unwrap();
        let packet = enc.encode_vec(&tone(48_000.0, 440.0, 960), 400).unwrap();
        assert_eq!(o.decode(&packet).len(), 960);
        assert_eq!(o.conceal().len(), 960);
        assert_eq!(o.decode(b"\xff\xff\xff not opus").len(), 960);
    }

    #[test]
    fn any_bytes_decode_without_panic() {
        let mut state = 0x2545_f491_u32;
        let mut g = Decoder::new(Codec::G722).unwrap();
        for _ in 0..2_000 {
            let payload: Vec<u8> = (0..160)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as u8
                })
                .collect();
            assert_eq!(g.decode(&payload).len(), 320);
        }
    }
}
