//! RTP packets into the parser, the keypad, the jitter buffer and the G.722 decoder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use earshot_siprec::decode::Decoder;
    use earshot_siprec::rtp::Slot;
    let mut jitter = earshot_siprec::rtp::JitterBuffer::new(3);
    let mut g722 = Decoder::new(earshot_siprec::sdp::Codec::G722).unwrap();
    let mut keys = earshot_siprec::rtp::Keypad::default();
    for packet in data.chunks(24) {
        if let Some(p) = earshot_siprec::rtp::parse(packet) {
            let _ = keys.push(&p);
            for slot in jitter.push(p.ssrc, p.seq, p.payload.to_vec()) {
                match slot {
                    Slot::Packet(payload) => drop(g722.decode(&payload)),
                    Slot::Lost => drop(g722.conceal()),
                }
            }
        }
    }
    let _ = jitter.flush();
});
