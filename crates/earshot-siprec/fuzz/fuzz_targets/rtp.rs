//! RTP packets into the parser, the keypad and the jitter buffer.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut jitter = earshot_siprec::rtp::JitterBuffer::new(3);
    let mut keys = earshot_siprec::rtp::Keypad::default();
    for packet in data.chunks(24) {
        if let Some(p) = earshot_siprec::rtp::parse(packet) {
            let _ = keys.push(&p);
            let samples = p.payload.iter().map(|&b| earshot_siprec::rtp::ulaw(b)).collect();
            let _ = jitter.push(p.ssrc, p.seq, samples);
        }
    }
    let _ = jitter.flush();
});
