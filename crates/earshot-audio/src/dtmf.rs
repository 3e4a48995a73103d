//! Keypad tones heard in the audio (in-band DTMF): a caller keying in a card number or a PIN on
//! a line that carries the tones as sound (a softphone's loopback, a recording, a SIPREC fork
//! without RFC 4733 events).
//!
//! Goertzel filters at the eight DTMF frequencies over 20 ms windows every 10 ms. A window holds
//! a key when one row and one column tone stand out: together most of the window's energy
//! (speech spreads its energy over many harmonics and formants), each clearly above the other
//! tones of its group, within the twist a telephone line allows, and loud enough. A key counts
//! once it holds three windows running (a 40 ms tone, the shortest ITU-T Q.24 asks a receiver
//! to take, fills enough of at least three; a 15 ms click at most two), and ends after two
//! windows without it, so a key pressed twice counts twice.
//!
//! Written here rather than taken from a crate: the one DTMF crate on the registry has no speech
//! guard (relative energy, twist) and reads 16-bit samples, and the whole detector is these few
//! filters.

use crate::SAMPLE_RATE;

/// The row (low group) frequencies, Hz.
const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
/// The column (high group) frequencies, Hz.
const COLUMNS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
/// The keys by row and column.
const KEYS: [[char; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];

/// Samples a window spans (20 ms).
const WINDOW: usize = SAMPLE_RATE as usize / 50;
/// Samples between windows (10 ms).
const HOP: usize = WINDOW / 2;
/// Share of a window's energy the two tones must hold together.
const MIN_SHARE: f32 = 0.6;
/// How much stronger a tone must be than the others of its group (6 dB, in power).
const OVER_OTHERS: f32 = 4.0;
/// The column tone may be up to 4 dB stronger than the row tone (reverse twist)…
const MAX_REVERSE_TWIST: f32 = 2.512;
/// …and up to 8 dB weaker (normal twist), in power.
const MAX_TWIST: f32 = 6.31;
/// The quietest tone taken, as an amplitude of full scale (about −46 dBFS).
const MIN_AMPLITUDE: f32 = 0.005;
/// Windows running that make a key: a 40 ms tone covers enough of at least three, a 15 ms
/// click of at most two.
const HOLD: u32 = 3;
/// Windows running without the held key that end it.
const RELEASE: u32 = 2;

/// A key heard. Its `Debug` hides the key, as [`earshot_core::KeyPress`]'s does: a key is a
/// digit of a card or a PIN.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tone {
    /// `0`–`9`, `*`, `#`, `A`–`D`.
    pub key: char,
    /// Where its tone began: samples from the start of the stream.
    pub at: usize,
}

/// Finds keypad tones in one speaker's 16 kHz stream, fed in chunks of any size. No `Debug`:
/// its state holds the key being pressed.
#[derive(Clone)]
pub struct ToneDetector {
    /// Samples not yet covered by a whole window.
    pending: Vec<f32>,
    /// Stream position of `pending[0]`.
    pending_at: usize,
    /// The key of the last windows and how many ran, with where the first began.
    current: Option<(char, u32, usize)>,
    /// The key being held (already reported), until it ends.
    held: Option<char>,
    /// Windows running without the held key.
    quiet: u32,
    /// `2 cos(2π f / rate)` per frequency: rows, then columns.
    coefficients: [f32; 8],
}

impl std::fmt::Debug for Tone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tone")
            .field("key", &"<redacted>")
            .field("at", &self.at)
            .finish()
    }
}

impl Default for ToneDetector {
    fn default() -> Self {
        ToneDetector::new()
    }
}

impl ToneDetector {
    /// A detector at [`SAMPLE_RATE`].
    pub fn new() -> ToneDetector {
        let mut coefficients = [0.0; 8];
        for (c, f) in coefficients.iter_mut().zip(ROWS.iter().chain(&COLUMNS)) {
            *c = 2.0 * (2.0 * std::f32::consts::PI * f / SAMPLE_RATE as f32).cos();
        }
        ToneDetector {
            pending: Vec::with_capacity(WINDOW + HOP),
            pending_at: 0,
            current: None,
            held: None,
            quiet: 0,
            coefficients,
        }
    }

    /// Takes the stream's next samples; returns the keys whose tones were found in them (each
    /// once, when it has held long enough).
    pub fn push(&mut self, samples: &[f32]) -> Vec<Tone> {
        let mut found = Vec::new();
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (WINDOW - self.pending.len().min(WINDOW))
                .max(1)
                .min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() >= WINDOW {
                let key = self.window_key();
                if let Some(t) = self.step(key, self.pending_at) {
                    found.push(t);
                }
                self.pending.drain(..HOP);
                self.pending_at += HOP;
            }
        }
        found
    }

    /// Moves the key state on by one window starting at `at`.
    fn step(&mut self, key: Option<char>, at: usize) -> Option<Tone> {
        self.current = match (key, self.current) {
            (Some(k), Some((c, n, first))) if k == c => Some((k, n + 1, first)),
            (Some(k), _) => Some((k, 1, at)),
            (None, _) => None,
        };
        match (self.held, self.current) {
            (Some(h), Some((c, _, _))) if h == c => {
                self.quiet = 0;
                None
            }
            (Some(_), _) => {
                self.quiet += 1;
                if self.quiet >= RELEASE {
                    self.held = None;
                    self.quiet = 0;
                    // A new key may already be holding.
                    return self.onset();
                }
                None
            }
            (None, _) => self.onset(),
        }
    }

    /// The current key, if it has held long enough and is not the one being held.
    fn onset(&mut self) -> Option<Tone> {
        match self.current {
            Some((k, n, first)) if n >= HOLD && self.held.is_none() => {
                self.held = Some(k);
                self.quiet = 0;
                Some(Tone { key: k, at: first })
            }
            _ => None,
        }
    }

    /// The key the window at the front of `pending` holds, if any.
    fn window_key(&self) -> Option<char> {
        let x = &self.pending[..WINDOW];
        let energy: f32 = x.iter().map(|s| s * s).sum();
        if energy <= 0.0 {
            return None;
        }
        let mut power = [0.0f32; 8];
        for (p, &coeff) in power.iter_mut().zip(&self.coefficients) {
            let (mut s1, mut s2) = (0.0f32, 0.0f32);
            for &v in x {
                let s = v + coeff * s1 - s2;
                s2 = s1;
                s1 = s;
            }
            *p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        }
        let (rows, columns) = power.split_at(4);
        let row = strongest(rows)?;
        let column = strongest(columns)?;
        let (pr, pc) = (rows[row], columns[column]);
        let n = WINDOW as f32;
        // A sine of amplitude A gives a power of (A N / 2)²; its share of the window's energy
        // is 2 P / (N E).
        let share = 2.0 * (pr + pc) / (n * energy);
        let amplitude = |p: f32| 2.0 * p.sqrt() / n;
        let twist_ok = pc <= pr * MAX_REVERSE_TWIST && pr <= pc * MAX_TWIST;
        (share >= MIN_SHARE
            && twist_ok
            && amplitude(pr) >= MIN_AMPLITUDE
            && amplitude(pc) >= MIN_AMPLITUDE)
            .then_some(KEYS[row][column])
    }
}

/// The index of the strongest of a group's four tones, if it stands out over the other three.
fn strongest(group: &[f32]) -> Option<usize> {
    let (i, &top) = group.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    group
        .iter()
        .enumerate()
        .all(|(j, &p)| j == i || p * OVER_OTHERS <= top)
        .then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `keys` as tones of `on_ms` each with `off_ms` between, at `level` (amplitude per tone),
    /// after 200 ms of silence.
    fn keyed(keys: &str, on_ms: usize, off_ms: usize, level: f32) -> Vec<f32> {
        let rate = SAMPLE_RATE as f32;
        let mut out = vec![0.0; 3200];
        for k in keys.chars() {
            let (r, c) = KEYS
                .iter()
                .enumerate()
                .find_map(|(r, row)| row.iter().position(|&x| x == k).map(|c| (r, c)))
                .unwrap();
            let n = on_ms * 16;
            let start = out.len();
            out.extend((0..n).map(|i| {
                let t = (start + i) as f32 / rate;
                level
                    * ((2.0 * std::f32::consts::PI * ROWS[r] * t).sin()
                        + (2.0 * std::f32::consts::PI * COLUMNS[c] * t).sin())
            }));
            out.extend(std::iter::repeat_n(0.0, off_ms * 16));
        }
        out.extend(std::iter::repeat_n(0.0, 3200));
        out
    }

    fn keys_in(samples: &[f32], chunk: usize) -> String {
        let mut d = ToneDetector::new();
        samples
            .chunks(chunk)
            .flat_map(|c| d.push(c))
            .map(|t| t.key)
            .collect()
    }

    /// A repeatable noise in [-1, 1].
    fn noise(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 33) as f32 / (1u64 << 31) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn every_key_is_heard_once_in_any_chunking() {
        let all = "0123456789*#ABCD";
        let audio = keyed(all, 80, 60, 0.3);
        for chunk in [1, 160, 320, 333, 4096, audio.len()] {
            assert_eq!(keys_in(&audio, chunk), all, "chunks of {chunk}");
        }
    }

    #[test]
    fn a_key_pressed_again_counts_again_and_its_place_is_kept() {
        let audio = keyed("4111", 50, 50, 0.2);
        let mut d = ToneDetector::new();
        let tones = d.push(&audio);
        assert_eq!(tones.iter().map(|t| t.key).collect::<String>(), "4111");
        // The first tone starts at 200 ms: its onset within a hop of it.
        assert!(tones[0].at.abs_diff(3200) <= HOP, "{tones:?}");
        assert!(tones[1].at.abs_diff(3200 + 1600) <= HOP, "{tones:?}");
    }

    #[test]
    fn the_shortest_tones_a_receiver_must_take_are_taken_and_shorter_ones_are_not() {
        // 40 ms on, 40 ms off (ITU-T Q.24's minimum).
        assert_eq!(keys_in(&keyed("90210", 40, 40, 0.2), 160), "90210");
        // A 15 ms click is no key.
        assert_eq!(keys_in(&keyed("90210", 15, 40, 0.2), 160), "");
    }

    #[test]
    fn tones_through_noise_twist_and_a_telephone_line_are_heard() {
        let mut audio = keyed("5678", 70, 70, 0.1);
        // Noise 20 dB below the tones.
        for (a, n) in audio.iter_mut().zip(noise(1 << 20, 7)) {
            *a += 0.01 * n;
        }
        assert_eq!(keys_in(&audio, 320), "5678");
        // The high tone 6 dB weaker than the low one (a long line's twist).
        let rate = SAMPLE_RATE as f32;
        let twisted: Vec<f32> = (0..1600)
            .map(|i| {
                let t = i as f32 / rate;
                0.2 * (2.0 * std::f32::consts::PI * 852.0 * t).sin()
                    + 0.1 * (2.0 * std::f32::consts::PI * 1477.0 * t).sin()
            })
            .chain(std::iter::repeat_n(0.0, 1600))
            .collect();
        assert_eq!(keys_in(&twisted, 320), "9");
        // Off by 1.5% in frequency (what Q.23 allows a keypad).
        let off: Vec<f32> = (0..1600)
            .map(|i| {
                let t = i as f32 / rate;
                0.2 * (2.0 * std::f32::consts::PI * 770.0 * 1.015 * t).sin()
                    + 0.2 * (2.0 * std::f32::consts::PI * 1336.0 * 0.985 * t).sin()
            })
            .chain(std::iter::repeat_n(0.0, 1600))
            .collect();
        assert_eq!(keys_in(&off, 320), "5");
    }

    #[test]
    fn what_is_not_a_keypad_tone_is_no_key() {
        let rate = SAMPLE_RATE as f32;
        let tone = |parts: &[(f32, f32)]| -> Vec<f32> {
            (0..16000)
                .map(|i| {
                    let t = i as f32 / rate;
                    parts
                        .iter()
                        .map(|(f, a)| a * (2.0 * std::f32::consts::PI * f * t).sin())
                        .sum()
                })
                .collect()
        };
        // A dial tone (350 + 440 Hz), a ringback (440 + 480), one keypad frequency alone.
        assert_eq!(keys_in(&tone(&[(350.0, 0.2), (440.0, 0.2)]), 320), "");
        assert_eq!(keys_in(&tone(&[(440.0, 0.2), (480.0, 0.2)]), 320), "");
        assert_eq!(keys_in(&tone(&[(1336.0, 0.3)]), 320), "");
        // A key's two tones buried in loud noise (most of the energy elsewhere).
        let mut buried = tone(&[(697.0, 0.05), (1209.0, 0.05)]);
        for (a, n) in buried.iter_mut().zip(noise(16000, 3)) {
            *a += 0.5 * n;
        }
        assert_eq!(keys_in(&buried, 320), "");
        // Twist beyond what a line allows: the high tone 12 dB under the low one.
        assert_eq!(keys_in(&tone(&[(697.0, 0.4), (1209.0, 0.1)]), 320), "");
        // Too quiet (−60 dBFS).
        assert_eq!(keys_in(&tone(&[(697.0, 0.001), (1209.0, 0.001)]), 320), "");
        // Silence.
        assert_eq!(keys_in(&vec![0.0; 16000], 320), "");
    }
}
