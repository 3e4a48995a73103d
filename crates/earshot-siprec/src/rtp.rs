//! RTP (RFC 3550) as a recorder sends it: the fixed header read by hand (twelve bytes, CSRCs,
//! an extension and padding skipped; a crate would add a dependency tree for this), a jitter
//! buffer that puts packets back in order and reports losses, G.711 decoding, and
//! RFC 4733 telephone events (keypad digits).

/// A parsed RTP packet (borrowing its payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Payload type.
    pub pt: u8,
    /// Marker bit.
    pub marker: bool,
    /// Sequence number.
    pub seq: u16,
    /// Media timestamp.
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
    /// The payload.
    pub payload: &'a [u8],
}

/// Reads an RTP packet; `None` when it is not one (wrong version, truncated, bad padding).
pub fn parse(b: &[u8]) -> Option<Packet<'_>> {
    if b.len() < 12 || b[0] >> 6 != 2 {
        return None;
    }
    let padding = b[0] & 0x20 != 0;
    let extension = b[0] & 0x10 != 0;
    let csrc = (b[0] & 0x0f) as usize;
    let mut start = 12 + 4 * csrc;
    if extension {
        let ext = b.get(start..start + 4)?;
        let words = u16::from_be_bytes([ext[2], ext[3]]) as usize;
        start += 4 + 4 * words;
    }
    let mut end = b.len();
    if padding {
        let pad = *b.last()? as usize;
        if pad == 0 || pad > end {
            return None;
        }
        end -= pad;
    }
    if start > end {
        return None;
    }
    Some(Packet {
        pt: b[1] & 0x7f,
        marker: b[1] & 0x80 != 0,
        seq: u16::from_be_bytes([b[2], b[3]]),
        timestamp: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
        ssrc: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        payload: &b[start..end],
    })
}

/// G.711 µ-law sample to linear 16-bit.
pub fn ulaw(u: u8) -> i16 {
    let u = !u;
    let sign = u & 0x80;
    let exponent = (u >> 4) & 0x07;
    let mantissa = u & 0x0f;
    let magnitude = ((((mantissa as i32) << 3) + 0x84) << exponent) - 0x84;
    (if sign != 0 { -magnitude } else { magnitude }) as i16
}

/// G.711 A-law sample to linear 16-bit.
pub fn alaw(a: u8) -> i16 {
    let a = a ^ 0x55;
    let sign = a & 0x80;
    let exponent = (a >> 4) & 0x07;
    let mantissa = (a & 0x0f) as i32;
    let magnitude = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    (if sign != 0 { magnitude } else { -magnitude }) as i16
}

/// Linear 16-bit to G.711 µ-law (for test senders and tools).
pub fn to_ulaw(s: i16) -> u8 {
    const BIAS: i32 = 0x84;
    let mut v = s as i32;
    let sign = if v < 0 {
        v = -v;
        0x80
    } else {
        0
    };
    v = (v + BIAS).min(32635 + BIAS);
    let exponent = (7 - ((v as u32).leading_zeros() as i32 - 17)).clamp(0, 7);
    let mantissa = (v >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) | mantissa) as u8
}

/// A keypad event (RFC 4733 payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToneEvent {
    /// The event code: 0–9, 10 = `*`, 11 = `#`, 12–15 = A–D.
    pub event: u8,
    /// Whether this packet ends the event.
    pub end: bool,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl ToneEvent {
    /// Reads the payload.
    pub fn parse(p: &[u8]) -> Option<ToneEvent> {
        (p.len() >= 4).then(|| ToneEvent {
            event: p[0],
            end: p[1] & 0x80 != 0,
            duration: u16::from_be_bytes([p[2], p[3]]),
        })
    }

    /// The key, for a keypad event.
    pub fn key(self) -> Option<char> {
        Some(match self.event {
            0..=9 => (b'0' + self.event) as char,
            10 => '*',
            11 => '#',
            12..=15 => (b'A' + self.event - 12) as char,
            _ => return None,
        })
    }
}

/// Keypad digits from telephone-event packets: one per event (an event is sent several times,
/// and its end up to three times), whatever SSRC it comes with.
#[derive(Debug, Default)]
pub struct Keypad {
    last: Option<(u32, u32)>,
}

impl Keypad {
    /// The key this packet starts, if it starts one.
    pub fn push(&mut self, p: &Packet) -> Option<char> {
        let e = ToneEvent::parse(p.payload)?;
        let id = (p.ssrc, p.timestamp);
        if self.last == Some(id) {
            return None;
        }
        self.last = Some(id);
        e.key()
    }
}

/// What the jitter buffer has seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Packets received.
    pub received: u64,
    /// Packets never received (filled with silence).
    pub lost: u64,
    /// Packets that arrived out of order but in time.
    pub reordered: u64,
    /// Packets that arrived too late or twice (dropped).
    pub late: u64,
}

/// One place in a stream's order: a packet's payload, or a packet given up on (lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot<T> {
    /// The packet that belongs here.
    Packet(T),
    /// A packet that never came: the decoder conceals it.
    Lost,
}

/// The most lost packets one gap is concealed with: a second of 20 ms packets. A longer gap
/// (a recorder that jumped its sequence numbers when it re-anchored media) is counted in full,
/// but is not turned into minutes of concealment; real silence comes from the receiver's
/// wall clock.
pub const MAX_CONCEALED: u64 = 50;

/// Puts one stream's packets back in order before they are decoded (so that stateful codecs,
/// G.722's ADPCM and Opus, see them in order). A packet is held until `depth` later ones have
/// arrived; a gap is then given up on and reported as [`Slot::Lost`].
pub struct JitterBuffer<T> {
    depth: usize,
    next: Option<u64>,
    highest: Option<u64>,
    held: std::collections::BTreeMap<u64, T>,
    ssrc: Option<u32>,
    /// Counters.
    pub stats: Stats,
}

impl<T> JitterBuffer<T> {
    /// A buffer holding up to `depth` packets.
    pub fn new(depth: usize) -> JitterBuffer<T> {
        JitterBuffer {
            depth: depth.max(1),
            next: None,
            highest: None,
            held: Default::default(),
            ssrc: None,
            stats: Stats::default(),
        }
    }

    /// The extended sequence number closest to the highest seen.
    fn extend(&self, seq: u16) -> u64 {
        match self.highest {
            None => seq as u64 + 65_536,
            Some(h) => {
                let base = h & !0xffff;
                let candidates = [base.wrapping_sub(65_536), base, base + 65_536];
                candidates
                    .into_iter()
                    .map(|c| c + seq as u64)
                    .min_by_key(|c| c.abs_diff(h))
                    .unwrap_or(base + seq as u64)
            }
        }
    }

    /// The source (SSRC) whose packets are being ordered, once one has arrived.
    pub fn source(&self) -> Option<u32> {
        self.ssrc
    }

    /// Adds a packet's payload; returns what is now in order (with the losses given up on).
    pub fn push(&mut self, ssrc: u32, seq: u16, item: T) -> Vec<Slot<T>> {
        if self.ssrc != Some(ssrc) {
            // A new source (re-anchored media): start over, nothing held is lost in order.
            let mut out = self.flush();
            self.ssrc = Some(ssrc);
            self.next = None;
            self.highest = None;
            out.extend(self.push_same(seq, item));
            return out;
        }
        self.push_same(seq, item)
    }

    fn push_same(&mut self, seq: u16, item: T) -> Vec<Slot<T>> {
        self.stats.received += 1;
        let x = self.extend(seq);
        if self.next.is_none() {
            self.next = Some(x);
        }
        let next = self.next.unwrap_or(x);
        if x < next || self.held.contains_key(&x) {
            self.stats.late += 1;
            return Vec::new();
        }
        if self.highest.is_some_and(|h| x < h) {
            self.stats.reordered += 1;
        }
        self.highest = Some(self.highest.map_or(x, |h| h.max(x)));
        self.held.insert(x, item);
        let mut out = Vec::new();
        loop {
            let next = self.next.unwrap_or(0);
            if let Some(item) = self.held.remove(&next) {
                out.push(Slot::Packet(item));
                self.next = Some(next + 1);
            } else if let Some(&first) = self
                .held
                .keys()
                .next()
                .filter(|_| self.held.len() > self.depth)
            {
                // Given up on: the gap up to the first packet held.
                out.extend(self.lose(first - next));
                self.next = Some(first);
            } else {
                break;
            }
        }
        out
    }

    /// Counts `gap` packets lost and reports at most [`MAX_CONCEALED`] of them.
    fn lose(&mut self, gap: u64) -> impl Iterator<Item = Slot<T>> {
        self.stats.lost += gap;
        (0..gap.min(MAX_CONCEALED)).map(|_| Slot::Lost)
    }

    /// Everything held, in order, with its gaps (at the end of the stream).
    pub fn flush(&mut self) -> Vec<Slot<T>> {
        let mut out = Vec::new();
        while let Some((&x, _)) = self.held.iter().next() {
            let next = self.next.unwrap_or(x);
            if x > next {
                out.extend(self.lose(x - next));
            }
            if let Some(item) = self.held.remove(&x) {
                out.push(Slot::Packet(item));
            }
            self.next = Some(x + 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(seq: u16, ts: u32, pt: u8, payload: &[u8]) -> Vec<u8> {
        let mut b = vec![0x80, pt];
        b.extend(seq.to_be_bytes());
        b.extend(ts.to_be_bytes());
        b.extend(7u32.to_be_bytes());
        b.extend(payload);
        b
    }

    #[test]
    fn header_fields_and_malformed_packets() {
        let b = packet(65535, 160, 0, &[1, 2, 3]);
        let p = parse(&b).unwrap();
        assert_eq!(
            (p.pt, p.seq, p.timestamp, p.ssrc, p.payload),
            (0, 65535, 160, 7, &[1u8, 2, 3][..])
        );
        assert!(parse(&b[..11]).is_none());
        let mut bad = b.clone();
        bad[0] = 0x40;
        assert!(parse(&bad).is_none());
        let mut pad = b.clone();
        pad[0] |= 0x20;
        *pad.last_mut().unwrap() = 200;
        assert!(parse(&pad).is_none());
        let mut ext = b.clone();
        ext[0] |= 0x10;
        assert!(
            parse(&ext).is_none(),
            "extension header longer than the packet"
        );
    }

    #[test]
    fn g711_round_trips_and_known_values() {
        assert_eq!(ulaw(0xff), 0);
        assert_eq!(ulaw(0x00), -32124);
        assert_eq!(alaw(0xd5), 8);
        assert_eq!(alaw(0x55), -8);
        for s in [-32000i16, -1000, -10, 0, 10, 1000, 32000] {
            let back = ulaw(to_ulaw(s));
            assert!(
                (back as i32 - s as i32).abs() <= (s as i32).abs() / 16 + 8,
                "{s} -> {back}"
            );
        }
    }

    #[test]
    fn jitter_buffer_reorders_reports_losses_and_wraps() {
        let mut j = JitterBuffer::new(2);
        let mut out = j.push(1, 65534, 1);
        out.extend(j.push(1, 0, 3));
        out.extend(j.push(1, 65535, 2));
        assert_eq!(out, [Slot::Packet(1), Slot::Packet(2), Slot::Packet(3)]);
        assert_eq!(j.stats.reordered, 1);
        // 1 is lost: after two more packets it is given up on.
        let mut out = j.push(1, 2, 5);
        out.extend(j.push(1, 3, 6));
        out.extend(j.push(1, 4, 7));
        assert_eq!(
            out,
            [
                Slot::Lost,
                Slot::Packet(5),
                Slot::Packet(6),
                Slot::Packet(7)
            ]
        );
        assert_eq!(j.stats.lost, 1);
        assert!(j.push(1, 1, 4).is_empty(), "too late");
        assert_eq!(j.stats.late, 1);
        // A new SSRC starts over; what was held comes out first, gaps included.
        assert!(j.push(1, 6, 9).is_empty());
        assert_eq!(
            j.push(2, 100, 10),
            [Slot::Lost, Slot::Packet(9), Slot::Packet(10)]
        );
        assert_eq!(j.stats.lost, 2);
        // A jump of the sequence numbers: counted in full, concealed for a second at most.
        let mut out = Vec::new();
        for seq in 5_000..5_004 {
            out.extend(j.push(2, seq, 0));
        }
        let lost = out.iter().filter(|s| **s == Slot::Lost).count() as u64;
        assert_eq!(lost, MAX_CONCEALED);
        assert_eq!(j.stats.lost, 2 + (5_000 - 101));
        assert_eq!(out.len() as u64, MAX_CONCEALED + 4, "then the four packets");
    }

    #[test]
    fn keypad_digits_once_per_event_across_ssrcs() {
        let mut k = Keypad::default();
        let ev = |ts: u32, ssrc: u32, code: u8, end: bool| {
            let mut b = packet(1, ts, 101, &[code, if end { 0x80 } else { 0 }, 0, 160]);
            b[8..12].copy_from_slice(&ssrc.to_be_bytes());
            b
        };
        let mut keys = String::new();
        for b in [
            ev(100, 9, 4, false),
            ev(100, 9, 4, false),
            ev(100, 9, 4, true),
            ev(100, 9, 4, true),
            ev(900, 9, 11, true),
            ev(900, 5, 0, false),
        ] {
            keys.extend(k.push(&parse(&b).unwrap()));
        }
        assert_eq!(keys, "4#0");
    }
}
