//! No input panics a parser: the vendor samples and a SIP request, mutated thousands of times
//! (bit flips, inserted and deleted bytes, truncation, repeated chunks), go through every parser
//! the network reaches. `fuzz/` has the coverage-guided targets (cargo fuzz, nightly); this test
//! runs the same parsers on stable, in CI.

use earshot_siprec::{metadata, multipart, offer, rtp, sdp, server};

/// xorshift64*: deterministic, so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(b.len() + 1);
                let interesting = [
                    0u8, b'\r', b'\n', b'-', b'<', b'>', b'=', b':', b';', 0xff, b'"', b'/',
                ];
                b.insert(i, interesting[rng.below(interesting.len())]);
            }
            2 if !b.is_empty() => {
                let i = rng.below(b.len());
                let n = rng.below(16).min(b.len() - i);
                b.drain(i..i + n);
            }
            3 => {
                let n = rng.below(b.len() + 1);
                b.truncate(n);
            }
            4 if !b.is_empty() => {
                let i = rng.below(b.len());
                let n = rng.below(64).min(b.len() - i);
                let chunk = b[i..i + n].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            _ => {}
        }
    }
    b
}

fn samples() -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/data", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

const INVITE: &str = "INVITE sip:srs@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nFrom: <sip:src@127.0.0.1>;tag=a\r\nTo: <sip:srs@127.0.0.1>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nContact: <sip:src@127.0.0.1:5070>;+sip.src\r\nRequire: siprec\r\nContent-Type: application/sdp\r\nContent-Length: 34\r\n\r\nv=0\r\nm=audio 4000 RTP/AVP 0\r\na=label:1\r\n";

#[test]
fn mutated_offers_metadata_sdp_and_sip_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut parsed = 0usize;
    let inputs = samples();
    for round in 0..20_000 {
        let base = &inputs[round % inputs.len()];
        let m = mutate(&mut rng, base);
        if offer::parse(&m, None, round % 2 == 0).is_ok() {
            parsed += 1;
        }
        let _ = multipart::split(&m, Some("multipart/mixed;boundary=\"b\""));
        let text = String::from_utf8_lossy(&m);
        let _ = sdp::parse(&text);
        let _ = metadata::parse(&text);
        let s = mutate(&mut rng, INVITE.as_bytes());
        let _ = server::parse_request(&s);
        let r = mutate(
            &mut rng,
            &[0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7, 1, 2, 3],
        );
        if let Some(p) = rtp::parse(&r) {
            let _ = rtp::ToneEvent::parse(p.payload);
        }
    }
    // The mutations mostly keep offers readable: the parsers were exercised past their first
    // check.
    assert!(parsed > 2_500, "{parsed}");
    assert!(server::parse_request(INVITE.as_bytes()).is_ok());
}
