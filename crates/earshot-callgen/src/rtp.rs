//! A generated call as a recorder would stream it: one channel as headerless 8 kHz µ-law
//! (sox), sent as RTP at real rate. For tests of the SIPREC receiver (the CLI's and the app's).

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A local port free for both TCP and UDP right now (for a test peer to listen on, or for a
/// server a test starts after the port is already written into a policy).
///
/// The port comes from below the kernel's ephemeral range (`ip_local_port_range`), never from
/// it: a port the kernel handed out could be handed out again, to any connection another test
/// opens, before the peer binds it. Each call in a process takes the next port of its own
/// sequence (starting at a place drawn from the process id), four apart, so two tests of one
/// binary never get the same port, a peer may use the three above it (sipp's media port takes
/// its RTCP neighbours), and a port something else holds is skipped.
///
/// # Panics
/// When no port in the range can be bound (test support only).
pub fn free_port() -> u16 {
    use std::sync::atomic::AtomicU32;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let high = ephemeral_low().clamp(12_000, 32_768);
    free_port_in(10_000, high, &NEXT, std::process::id().wrapping_mul(7_919))
}

/// The first port from `low + start` on (wrapping below `high`), four apart, that binds for
/// both TCP and UDP; `next` counts the candidates handed out.
fn free_port_in(low: u16, high: u16, next: &std::sync::atomic::AtomicU32, start: u32) -> u16 {
    let span = u32::from(high - low) / 4;
    for _ in 0..span {
        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let offset = (start / 4 + n) % span * 4;
        let port = low + u16::try_from(offset).expect("below the span");
        let Ok(_tcp) = std::net::TcpListener::bind(("127.0.0.1", port)) else {
            continue;
        };
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {low} and {high}");
}

/// The first port of the kernel's ephemeral range (32768 when it cannot be read).
fn ephemeral_low() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
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
        let _ = socket.send_to(&packet(i as u16, i as u32 * 160, ssrc, 0, frame), to);
        let due = start + Duration::from_millis(20 * (i as u64 + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
}

/// One RTP packet (version 2, no marker, no extensions).
pub fn packet(seq: u16, ts: u32, ssrc: u32, pt: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt & 0x7f];
    p.extend(seq.to_be_bytes());
    p.extend(ts.to_be_bytes());
    p.extend(ssrc.to_be_bytes());
    p.extend(payload);
    p
}

/// The payload of an RFC 4733 telephone-event end packet for keypad `digit` ('0'–'9', '*',
/// '#'), lasting `duration` samples.
///
/// # Panics
/// For any other character (test support only).
pub fn keypad_end(digit: char, duration: u16) -> [u8; 4] {
    let event = match digit {
        '0'..='9' => digit as u8 - b'0',
        '*' => 10,
        '#' => 11,
        _ => panic!("not a keypad digit: {digit:?}"),
    };
    let [hi, lo] = duration.to_be_bytes();
    [event, 0x80 | 10, hi, lo]
}

/// A recording client (an SBC's SIPREC fork) over UDP: one session with two sendonly PCMU
/// streams (label 1 the caller `sip:+15550100@carrier.example`, label 2 the agent
/// `sip:1001@pbx.example`), keypad events on payload type 101, RFC 7865 metadata.
pub struct SiprecClient {
    socket: UdpSocket,
    srs: SocketAddr,
    call_id: String,
    to_tag: String,
    ports: Vec<u16>,
}

impl SiprecClient {
    /// Offers the session to the receiver at `srs` and waits for its 200 (5 s), then ACKs it.
    ///
    /// # Panics
    /// When the receiver does not answer 200 with two ports (test support only).
    pub fn invite(srs: SocketAddr, call_id: &str) -> SiprecClient {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket");
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("a read timeout");
        let mut client = SiprecClient {
            socket,
            srs,
            call_id: call_id.to_string(),
            to_tag: String::new(),
            ports: Vec::new(),
        };
        let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\na=label:1\r\na=sendonly\r\n\
m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\na=label:2\r\na=sendonly\r\n";
        let metadata = r#"<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1">
<datamode>complete</datamode>
<session session_id="c2Vzc2lvbg=="><sipSessionID>recorded-call</sipSessionID></session>
<participant participant_id="cGFydHkx"><nameID aor="sip:+15550100@carrier.example"><name>Customer</name></nameID></participant>
<participant participant_id="cGFydHky"><nameID aor="sip:1001@pbx.example"><name>Sam</name></nameID></participant>
<stream stream_id="c3RyZWFtMQ==" session_id="c2Vzc2lvbg=="><label>1</label></stream>
<stream stream_id="c3RyZWFtMg==" session_id="c2Vzc2lvbg=="><label>2</label></stream>
<participantstreamassoc participant_id="cGFydHkx"><send>c3RyZWFtMQ==</send><recv>c3RyZWFtMg==</recv></participantstreamassoc>
<participantstreamassoc participant_id="cGFydHky"><send>c3RyZWFtMg==</send><recv>c3RyZWFtMQ==</recv></participantstreamassoc>
</recording>
"#;
        let body = format!(
            "--b\r\nContent-Type: application/sdp\r\n\r\n{sdp}\r\n--b\r\n\
Content-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n\
{metadata}\r\n--b--\r\n"
        );
        client.send(
            "INVITE",
            1,
            "Require: siprec\r\nContent-Type: multipart/mixed;boundary=b\r\n",
            &body,
        );
        let ok = client.final_response("1 INVITE");
        assert!(ok.starts_with("SIP/2.0 200"), "the receiver refused: {ok}");
        client.to_tag = ok
            .lines()
            .find(|l| l.starts_with("To:"))
            .and_then(|l| l.split(";tag=").nth(1))
            .map(|t| t.trim().to_string())
            .unwrap_or_default();
        client.ports = ok
            .lines()
            .filter_map(|l| l.strip_prefix("m=audio "))
            .filter_map(|l| l.split(' ').next()?.parse().ok())
            .collect();
        assert_eq!(client.ports.len(), 2, "two streams answered: {ok}");
        client.send("ACK", 1, "", "");
        client
    }

    /// Where the receiver takes stream `label` (1 or 2).
    pub fn media(&self, label: usize) -> SocketAddr {
        SocketAddr::new(self.srs.ip(), self.ports[label - 1])
    }

    /// Ends the session with BYE and waits for its answer; returns the status line.
    pub fn bye(&self) -> String {
        self.send("BYE", 2, "", "");
        self.final_response("2 BYE")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    fn send(&self, method: &str, cseq: u32, headers: &str, body: &str) {
        let from = self.socket.local_addr().expect("bound");
        let to_tag = if self.to_tag.is_empty() {
            String::new()
        } else {
            format!(";tag={}", self.to_tag)
        };
        let message = format!(
            "{method} sip:srs@{srs} SIP/2.0\r\nVia: SIP/2.0/UDP {from};branch=z9hG4bK{method}{cseq}\r\n\
From: <sip:src@{from}>;tag=src\r\nTo: <sip:srs@{srs}>{to_tag}\r\nCall-ID: {call}\r\n\
CSeq: {cseq} {method}\r\nContact: <sip:src@{from}>;+sip.src\r\nMax-Forwards: 70\r\n\
{headers}Content-Length: {len}\r\n\r\n{body}",
            srs = self.srs,
            call = self.call_id,
            len = body.len(),
        );
        let _ = self.socket.send_to(message.as_bytes(), self.srs);
    }

    /// The final response to `cseq` ("1 INVITE"), skipping provisional ones.
    fn final_response(&self, cseq: &str) -> String {
        let mut buf = vec![0u8; 65536];
        loop {
            let (n, _) = self
                .socket
                .recv_from(&mut buf)
                .expect("the receiver answered within 5 s");
            let m = String::from_utf8_lossy(&buf[..n]).to_string();
            if !m.starts_with("SIP/2.0 1") && m.contains(&format!("CSeq: {cseq}\r\n")) {
                return m;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_ports_are_distinct_bindable_and_below_the_ephemeral_range() {
        let ports: Vec<u16> = (0..40).map(|_| free_port()).collect();
        let mut sorted = ports.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ports.len(), "{ports:?}");
        for &p in &ports {
            assert!(
                (10_000..ephemeral_low().max(12_000)).contains(&p),
                "{p} is not below the ephemeral range"
            );
            assert!(p % 4 == 0, "{p} leaves no room above it");
            std::net::TcpListener::bind(("127.0.0.1", p)).expect("still free");
        }
    }

    #[test]
    fn a_port_held_for_tcp_or_for_udp_is_skipped() {
        use std::sync::atomic::AtomicU32;
        // Off the process's own sequence (its ports are multiples of four), so the other test
        // cannot take these. The control: nothing held, the sequence gives its first port.
        let low = free_port() + 1;
        let first = free_port_in(low, low + 16, &AtomicU32::new(0), 0);
        assert_eq!(first, low);
        // Held for TCP, then the next one held for UDP: both are passed over.
        let _tcp = std::net::TcpListener::bind(("127.0.0.1", low)).unwrap();
        let _udp = std::net::UdpSocket::bind(("127.0.0.1", low + 4)).unwrap();
        let free = std::net::TcpListener::bind(("127.0.0.1", low + 8))
            .and(std::net::UdpSocket::bind(("127.0.0.1", low + 8)))
            .is_ok();
        let got = free_port_in(low, low + 16, &AtomicU32::new(0), 0);
        if free {
            assert_eq!(got, low + 8);
        } else {
            assert!(got != low && got != low + 4, "{got}");
        }
    }
}
