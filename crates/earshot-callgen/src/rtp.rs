//! A generated call as a recorder would stream it: one channel as headerless 8 kHz µ-law
//! (sox), sent as RTP at real rate. For tests of the SIPREC receiver (the CLI's and the app's).

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A local port free for both TCP and UDP right now (for a test peer to listen on).
///
/// # Panics
/// When no port can be bound (test support only).
pub fn free_port() -> u16 {
    loop {
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("a TCP port");
        let port = tcp.local_addr().expect("its address").port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// The sipp scenario of a recording client (an SBC's SIPREC fork): two sendonly streams with
/// RFC 7865 metadata, `./caller.ul` streamed on the first, keypad digits, an OPTIONS, a
/// re-INVITE pause with a metadata update, a resume, then BYE after sipp's `-d` pause.
pub fn sipp_scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sipp/siprec.xml")
}

/// Channel `channel` ("1" or "2") of `call`, written to `out` as headerless 8 kHz µ-law and
/// returned.
///
/// # Panics
/// When sox fails (test support only).
pub fn ulaw_channel(call: &Path, channel: &str, out: &Path) -> Vec<u8> {
    let ok = Command::new("sox")
        .arg(call)
        .args(["-t", "ul", "-r", "8000", "-c", "1"])
        .arg(out)
        .args(["remix", channel])
        .status()
        .expect("sox (cargo xtask setup installs it)")
        .success();
    assert!(ok, "sox could not extract channel {channel}");
    std::fs::read(out).expect("sox's output")
}

/// Sends µ-law `audio` as RTP (payload type 0, 20 ms a packet, source `ssrc`) to `to`, paced
/// by the clock; returns when the last packet is sent.
///
/// # Panics
/// When the socket cannot be opened (test support only).
pub fn send_ulaw(audio: &[u8], to: SocketAddr, ssrc: u32) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket");
    let start = Instant::now();
    for (i, frame) in audio.chunks(160).enumerate() {
        let mut p = vec![0x80, 0];
        p.extend((i as u16).to_be_bytes());
        p.extend((i as u32 * 160).to_be_bytes());
        p.extend(ssrc.to_be_bytes());
        p.extend(frame);
        let _ = socket.send_to(&p, to);
        let due = start + Duration::from_millis(20 * (i as u64 + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
}
