//! The receiver's SIP and RTP behaviour over real sockets, without transcription: vendor offers
//! over UDP and TCP, refusals with the right status, the allow-list, keepalives, CANCEL, the 200
//! retransmitted until ACK, RTP in order with losses as silence, keypad digits, the RTP timeout
//! that ends a session with our BYE, re-INVITE pause/resume, RTP that arrives just after the
//! BYE, and a full audio queue at a stream's end.

use earshot_callgen::rtp::free_port;
use earshot_core::Speaker;
use earshot_siprec::roles::RoleRules;
use earshot_siprec::server::{Listen, RecordedCall, Srs, SrsConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

fn sample(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn boundary(body: &str) -> String {
    body.lines()
        .find_map(|l| l.trim().strip_prefix("--").map(str::to_string))
        .unwrap()
}

fn start(
    config: SrsConfig,
) -> (
    Srs,
    std::sync::mpsc::Receiver<Box<RecordedCall>>,
    SocketAddr,
    SocketAddr,
) {
    let (srs, calls) = Srs::start(SrsConfig {
        listen: vec![
            Listen::Udp("127.0.0.1:0".parse().unwrap()),
            Listen::Tcp("127.0.0.1:0".parse().unwrap()),
        ],
        roles: RoleRules {
            agent_patterns: vec!["1???".into()],
            ..RoleRules::default()
        },
        ..config
    })
    .unwrap();
    let mut udp = None;
    let mut tcp = None;
    for l in srs.local_addrs() {
        match l {
            Listen::Udp(a) => udp = Some(*a),
            Listen::Tcp(a) => tcp = Some(*a),
            Listen::Tls(_) => {}
        }
    }
    (srs, calls, udp.unwrap(), tcp.unwrap())
}

struct Request<'a> {
    method: &'a str,
    call_id: &'a str,
    cseq: u32,
    to_tag: Option<&'a str>,
    extra: &'a str,
    content_type: Option<String>,
    body: &'a str,
    branch: &'a str,
    /// Whether the Contact carries `+sip.src` (a recording client).
    src: bool,
}

fn request(r: &Request, from: SocketAddr, transport: &str) -> Vec<u8> {
    let to_tag = r.to_tag.map(|t| format!(";tag={t}")).unwrap_or_default();
    let ct = r
        .content_type
        .as_ref()
        .map(|c| format!("Content-Type: {c}\r\n"))
        .unwrap_or_default();
    format!(
        "{m} sip:srs@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/{transport} {from};branch=z9hG4bK{b}\r\nFrom: <sip:src@127.0.0.1>;tag=src1\r\nTo: <sip:srs@127.0.0.1>{to_tag}\r\nCall-ID: {c}\r\nCSeq: {n} {m}\r\nContact: <sip:src@{from}>{src}\r\nMax-Forwards: 70\r\n{extra}{ct}Content-Length: {len}\r\n\r\n{body}",
        m = r.method,
        b = r.branch,
        c = r.call_id,
        n = r.cseq,
        extra = r.extra,
        len = r.body.len(),
        body = r.body,
        src = if r.src { ";+sip.src" } else { "" },
    )
    .into_bytes()
}

/// A UDP client.
struct Udp {
    socket: UdpSocket,
    to: SocketAddr,
}

impl Udp {
    fn new(to: SocketAddr) -> Udp {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        Udp { socket, to }
    }

    fn send(&self, r: &Request) {
        let from = self.socket.local_addr().unwrap();
        self.socket
            .send_to(&request(r, from, "UDP"), self.to)
            .unwrap();
    }

    /// The next message, or None after the timeout.
    fn recv(&self) -> Option<String> {
        let mut buf = vec![0u8; 65536];
        let (n, _) = self.socket.recv_from(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).to_string())
    }

    /// The final response to the request with `cseq` ("2 INVITE"), skipping provisional ones
    /// and retransmissions of earlier answers.
    fn final_for(&self, cseq: &str) -> String {
        loop {
            let m = self.final_response();
            if m.contains(&format!("CSeq: {cseq}\r\n")) {
                return m;
            }
        }
    }

    /// Skips provisional responses.
    fn final_response(&self) -> String {
        loop {
            let m = self.recv().expect("a response");
            if !m.starts_with("SIP/2.0 1") {
                return m;
            }
        }
    }
}

fn status(m: &str) -> u16 {
    m.split(' ').nth(1).unwrap().parse().unwrap()
}

fn to_tag(m: &str) -> String {
    let to = m.lines().find(|l| l.starts_with("To:")).unwrap();
    to.split(";tag=").nth(1).unwrap().trim().to_string()
}

fn answer_ports(m: &str) -> Vec<u16> {
    m.lines()
        .filter_map(|l| l.strip_prefix("m=audio "))
        .map(|l| l.split(' ').next().unwrap().parse().unwrap())
        .collect()
}

fn invite<'a>(call_id: &'a str, body: &'a str, content_type: String) -> Request<'a> {
    Request {
        method: "INVITE",
        call_id,
        cseq: 1,
        to_tag: None,
        extra: "Require: siprec\r\n",
        content_type: Some(content_type),
        body,
        branch: "inv1",
        src: true,
    }
}

/// Samples from the first sound on: the receiver puts silence before a stream's first packet
/// for the time the session waited for it.
fn voiced(samples: impl Iterator<Item = f32>) -> usize {
    samples.skip_while(|s| *s == 0.0).count()
}

/// 20 ms of a tone as µ-law (one RTP payload at 8 kHz).
fn ulaw_tone() -> Vec<u8> {
    (0..160)
        .map(|i| earshot_siprec::rtp::to_ulaw(((i as f32 * 0.3).sin() * 8000.0) as i16))
        .collect()
}

/// Opens a recording session over UDP with a vendor `sample` offer; returns the client and the
/// 200 that answered it.
fn udp_session(udp: SocketAddr, sample_name: &str, call_id: &str) -> (Udp, String) {
    let body = sample(sample_name);
    let c = Udp::new(udp);
    c.send(&invite(
        call_id,
        &body,
        format!("multipart/mixed;boundary={}", boundary(&body)),
    ));
    let ok = c.final_for("1 INVITE");
    assert_eq!(status(&ok), 200, "{ok}");
    (c, ok)
}

/// An out-of-dialog OPTIONS (a keepalive or capability query).
fn options_request<'a>(call_id: &'a str, branch: &'a str) -> Request<'a> {
    Request {
        method: "OPTIONS",
        to_tag: None,
        extra: "",
        content_type: None,
        body: "",
        branch,
        src: false,
        ..invite(call_id, "", String::new())
    }
}

/// Samples that carry sound (silence the receiver filled in for wall-clock gaps does not count).
fn audible(samples: impl Iterator<Item = f32>) -> usize {
    samples.filter(|s| s.abs() > 1e-3).count()
}

/// The recorder's BYE (CSeq 2) for the session its 200 `ok` answered.
fn bye<'a>(call_id: &'a str, to_tag: &'a str, branch: &'a str) -> Request<'a> {
    Request {
        method: "BYE",
        cseq: 2,
        to_tag: Some(to_tag),
        content_type: None,
        body: "",
        branch,
        ..invite(call_id, "", String::new())
    }
}

fn rtp(seq: u16, ts: u32, ssrc: u32, pt: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt];
    p.extend(seq.to_be_bytes());
    p.extend(ts.to_be_bytes());
    p.extend(ssrc.to_be_bytes());
    p.extend(payload);
    p
}

#[test]
fn every_vendor_offer_is_answered_recvonly_with_its_labels_over_udp() {
    let (_srs, calls, udp, _) = start(SrsConfig::default());
    for (i, name) in [
        "acme-siprec-offer.txt",
        "broadworks-offer.txt",
        "broadworks-offer-2.txt",
        "cisco-siprec-offer.txt",
        "connectel-offer.txt",
        "inactive-sdp-offer.txt",
        "procomm-siprec-offer.txt",
        "sonus-siprec-offer.txt",
    ]
    .iter()
    .enumerate()
    {
        let body = sample(name);
        let call_id = format!("vendor-{i}");
        let c = Udp::new(udp);
        c.send(&invite(
            &call_id,
            &body,
            format!("multipart/mixed;boundary=\"{}\"", boundary(&body)),
        ));
        let ok = c.final_response();
        assert_eq!(status(&ok), 200, "{name}: {ok}");
        let offered = body.matches("m=audio").count();
        assert_eq!(
            answer_ports(&ok).len(),
            offered,
            "{name}: one m= per offered m="
        );
        for label in body
            .lines()
            .filter_map(|l| l.trim().strip_prefix("a=label:"))
        {
            assert!(
                ok.contains(&format!("a=label:{label}\r\n")),
                "{name}: label {label}\n{ok}"
            );
        }
        assert!(
            !ok.contains("a=sendonly") && !ok.contains("a=sendrecv"),
            "{name}: {ok}"
        );
        let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(call.call_id, call_id);
        c.send(&bye(&call_id, &to_tag(&ok), "bye1"));
        let bye = c.final_response();
        assert_eq!(status(&bye), 200, "{name}: {bye}");
    }
}

#[test]
fn refusals_carry_the_right_status() {
    let (srs, _calls, udp, _) = start(SrsConfig {
        rate_per_source: 1000,
        ..SrsConfig::default()
    });
    let c = Udp::new(udp);
    // A plain SDP without the siprec option tag: not a recording session.
    let plain = sample("non-siprec-payload.txt");
    c.send(&Request {
        extra: "",
        src: false,
        ..invite("plain", &plain, "application/sdp".into())
    });
    let r = c.final_response();
    assert_eq!(status(&r), 421, "{r}");
    assert!(r.contains("Require: siprec"), "{r}");
    // SRTP with a suite we do not support.
    let srtp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 F8_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=label:1\r\na=sendonly\r\n";
    c.send(&invite("srtp", srtp, "application/sdp".into()));
    assert_eq!(status(&c.final_response()), 488);
    // No codec we decode.
    let g729 = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 18\r\na=label:1\r\na=sendonly\r\nm=audio 4002 RTP/AVP 18\r\na=label:2\r\na=sendonly\r\n";
    c.send(&invite("g729", g729, "application/sdp".into()));
    assert_eq!(status(&c.final_response()), 488);
    // Broken metadata.
    let broken = "--b\r\nContent-Type: application/sdp\r\n\r\nm=audio 4000 RTP/AVP 0\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording><a></b>\r\n--b--\r\n";
    c.send(&invite(
        "broken",
        broken,
        "multipart/mixed;boundary=b".into(),
    ));
    assert_eq!(status(&c.final_response()), 400);
    // Methods we do not take, and a BYE for no session.
    c.send(&Request {
        method: "MESSAGE",
        branch: "msg",
        ..invite("m", "", "text/plain".into())
    });
    let r = c.final_response();
    assert_eq!(status(&r), 405);
    assert!(r.contains("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE"));
    c.send(&Request {
        method: "BYE",
        branch: "bye",
        to_tag: Some("x"),
        ..invite("nobody", "", "text/plain".into())
    });
    assert_eq!(status(&c.final_response()), 481);
    // Out-of-dialog OPTIONS (the SBC's keepalive).
    c.send(&Request {
        method: "OPTIONS",
        branch: "opt",
        ..invite("ping", "", "text/plain".into())
    });
    let r = c.final_response();
    assert_eq!(status(&r), 200);
    assert!(r.contains("Supported: siprec"));
    assert!(
        srs.stats()
            .refused
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 6
    );
    // Garbage gets nothing (there is no Via to answer).
    c.socket.send_to(b"\x00\x01garbage\r\n\r\n", udp).unwrap();
    c.socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    assert!(c.recv().is_none());
}

#[test]
fn a_source_outside_the_allow_list_gets_nothing_not_even_a_parse() {
    let (srs, _calls, udp, tcp) = start(SrsConfig {
        allow: vec!["192.0.2.0/24".parse().unwrap()],
        ..SrsConfig::default()
    });
    let c = Udp::new(udp);
    c.socket
        .set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    c.send(&Request {
        method: "OPTIONS",
        branch: "o",
        ..invite("x", "", "text/plain".into())
    });
    assert!(c.recv().is_none());
    // TCP: the connection is closed at once.
    let mut s = TcpStream::connect(tcp).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let _ = s.write_all(b"OPTIONS sip:srs@127.0.0.1 SIP/2.0\r\n\r\n");
    let mut buf = [0u8; 16];
    assert!(matches!(s.read(&mut buf), Ok(0) | Err(_)));
    assert!(
        srs.stats()
            .blocked
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 2
    );
}

#[test]
fn over_tcp_a_session_runs_and_keypad_and_audio_arrive_in_order() {
    let (_srs, calls, _, tcp) = start(SrsConfig::default());
    let body = sample("cisco-siprec-offer.txt");
    let mut s = TcpStream::connect(tcp).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let from = s.local_addr().unwrap();
    s.write_all(&request(
        &invite(
            "tcp-1",
            &body,
            format!("multipart/mixed;boundary={}", boundary(&body)),
        ),
        from,
        "TCP",
    ))
    .unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let read_message = |reader: &mut BufReader<TcpStream>| -> String {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let mut body = vec![0u8; len];
        reader.read_exact(&mut body).unwrap();
        head + &String::from_utf8(body).unwrap()
    };
    let ok = loop {
        let m = read_message(&mut reader);
        if !m.starts_with("SIP/2.0 1") {
            break m;
        }
    };
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(ok.contains("transport=tcp"), "{ok}");
    let ports = answer_ports(&ok);
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    // Cisco's metadata says 7300 sends label 2; "1???" does not match it, so the fallback
    // rule decides and says so.
    assert!(call.source.contains("fallback"), "{}", call.source);
    assert_eq!(
        call.roles.speakers,
        vec![Some(Speaker::Caller), Some(Speaker::Agent)]
    );

    // Caller stream: 25 packets of a tone, one lost, two swapped; a keypad digit "5".
    let rtp_out = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = SocketAddr::from(([127, 0, 0, 1], ports[0]));
    let tone = ulaw_tone();
    let mut order: Vec<u16> = (0..25).filter(|n| *n != 10).collect();
    order.swap(4, 5);
    for n in order {
        rtp_out
            .send_to(&rtp(1000 + n, n as u32 * 160, 77, 0, &tone), to)
            .unwrap();
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..3 {
        rtp_out
            .send_to(&rtp(2000, 4000, 99, 101, &[5, 0x80, 0, 160]), to)
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    // BYE ends it: audio and keypad end.
    s.write_all(&request(
        &bye("tcp-1", &to_tag(&ok), "bye-tcp"),
        from,
        "TCP",
    ))
    .unwrap();
    assert_eq!(status(&read_message(&mut reader)), 200);
    let audio: Vec<_> = call.audio.iter().collect();
    assert!(audio.iter().all(|c| c.speaker == Speaker::Caller));
    // 25 packets of 20 ms at 16 kHz (the lost one as silence), give or take the resampler,
    // after whatever silence stood for the time before the first packet arrived.
    let samples = voiced(audio.iter().flat_map(|c| c.samples.iter().copied()));
    assert!((7_000..=8_800).contains(&samples), "{samples}");
    // The call's own tally: the one lost packet and the 20 ms concealed for it, placed where
    // it was: the 11th packet, 200 ms after the first sound (give or take the resampler's
    // delay), in the caller's stream.
    let gaps = call.loss.figures();
    assert_eq!((gaps.lost_packets, gaps.concealed_ms), (1, 20), "{gaps:?}");
    let all: Vec<f32> = audio
        .iter()
        .flat_map(|c| c.samples.iter().copied())
        .collect();
    let first_sound_ms = (all.len() - voiced(all.iter().copied())) as u64 / 16;
    assert_eq!(gaps.spans.len(), 1, "{gaps:?}");
    let span = gaps.spans[0];
    assert_eq!(
        (span.speaker, span.kind, span.end_ms - span.start_ms),
        (Speaker::Caller, earshot_core::GapKind::Lost, 20),
        "{gaps:?}"
    );
    let after_first = span.start_ms as i64 - first_sound_ms as i64;
    assert!(
        (150..=260).contains(&after_first),
        "{after_first} ms: {gaps:?}"
    );
    let keys: Vec<_> = call.keypad.iter().collect();
    assert_eq!(keys.len(), 1);
    assert_eq!((keys[0].key, keys[0].speaker), ('5', Speaker::Caller));
    // (at_ms is a number that may hold a 5: the key would show as '5'.)
    let debug = format!("{:?}", keys[0]);
    assert!(
        debug.contains("<redacted>") && !debug.contains("'5'"),
        "{debug}"
    );
}

#[test]
fn the_200_is_resent_until_ack_cancel_after_answer_and_pause_resume() {
    let (srs, calls, udp, _) = start(SrsConfig {
        rtp_timeout: Duration::from_secs(2),
        ..SrsConfig::default()
    });
    let body = sample("acme-siprec-offer.txt");
    let c = Udp::new(udp);
    let inv = invite(
        "retx",
        &body,
        format!("multipart/mixed;boundary={}", boundary(&body)),
    );
    c.send(&inv);
    let ok = c.final_response();
    assert_eq!(status(&ok), 200);
    // No ACK yet: the same 200 comes again (RFC 3261 timer G).
    let again = c.final_response();
    assert_eq!(again, ok);
    // A retransmitted INVITE gets the same answer, not a second session.
    c.send(&inv);
    assert_eq!(c.final_response(), ok);
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(calls.recv_timeout(Duration::from_millis(300)).is_err());
    assert_eq!(call.roles.basis, earshot_siprec::roles::Basis::AgentPattern);
    let tag = to_tag(&ok);
    c.send(&Request {
        method: "ACK",
        to_tag: Some(&tag),
        branch: "ack1",
        content_type: None,
        body: "",
        ..inv
    });
    // CANCEL after the answer: 200 to the CANCEL, the session stays.
    c.send(&Request {
        method: "CANCEL",
        to_tag: None,
        content_type: None,
        body: "",
        ..inv
    });
    assert_eq!(status(&c.final_response()), 200);
    assert_eq!(srs.sessions(), 1);
    // Paused (a=inactive): the RTP timeout does not apply.
    let paused = body.replace("a=sendonly", "a=inactive");
    c.send(&Request {
        cseq: 2,
        to_tag: Some(&tag),
        branch: "reinv1",
        ..invite(
            "retx",
            &paused,
            format!("multipart/mixed;boundary={}", boundary(&body)),
        )
    });
    let r = c.final_response();
    assert_eq!(status(&r), 200, "{r}");
    assert_eq!(r.matches("a=inactive").count(), 2, "{r}");
    assert_eq!(answer_ports(&r), answer_ports(&ok), "the same ports");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(srs.sessions(), 1, "paused sessions do not time out");
    // Resumed by UPDATE; then no RTP: the receiver ends it with its own BYE.
    c.send(&Request {
        method: "UPDATE",
        cseq: 3,
        to_tag: Some(&tag),
        branch: "upd1",
        ..invite(
            "retx",
            &body,
            format!("multipart/mixed;boundary={}", boundary(&body)),
        )
    });
    let r = c.final_response();
    assert_eq!(status(&r), 200);
    assert_eq!(r.matches("a=recvonly").count(), 2, "{r}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let bye = loop {
        if let Some(m) = c.recv() {
            if m.starts_with("BYE ") {
                break m;
            }
        }
        assert!(Instant::now() < deadline, "no BYE after the RTP timeout");
    };
    assert!(bye.contains("Call-ID: retx"), "{bye}");
    assert!(bye.contains(&format!(";tag={tag}")), "{bye}");
    assert_eq!(srs.sessions(), 0);
    // The call's audio ends.
    assert!(call.audio.recv_timeout(Duration::from_secs(5)).is_err());
}

/// A test CA and a server certificate it issued for localhost/127.0.0.1 (openssl), as an IT
/// department would deploy: returns (CA, server certificate, server key).
fn certificate(
    dir: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=Earshot test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    let (cert, key) = issue(
        dir,
        "ca",
        "localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    (dir.join("ca.pem"), cert, key)
}

/// Runs `openssl ARGS` in `dir`; it must succeed.
fn openssl(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl {args:?}");
}

/// A certificate for `name` with `extensions` (openssl extfile lines), issued by the CA
/// `ca_name.pem`/`ca_name.key` in `dir`; returns (certificate, key).
fn issue(
    dir: &std::path::Path,
    ca_name: &str,
    name: &str,
    extensions: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let (key, csr, pem, ext) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("{name}.ext"),
    );
    let subject = format!("/CN={name}");
    openssl(
        dir,
        &[
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", &subject, "-keyout", &key, "-out",
            &csr,
        ],
    );
    std::fs::write(dir.join(&ext), extensions).unwrap();
    let (ca_pem, ca_key) = (format!("{ca_name}.pem"), format!("{ca_name}.key"));
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &ext,
            "-out",
            &pem,
        ],
    );
    (dir.join(pem), dir.join(key))
}

/// A client certificate for `name` (extended key usage: client auth) issued by the CA
/// `ca_name.pem`/`ca_name.key` in `dir`; returns (certificate, key).
fn client_certificate(
    dir: &std::path::Path,
    ca_name: &str,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    issue(
        dir,
        ca_name,
        name,
        "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
    )
}

fn tls_client(
    cert: &std::path::Path,
    to: SocketAddr,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    tls_client_with(cert, to, None)
}

/// A TLS client trusting `cert`, presenting `client` (certificate, key) when given.
fn tls_client_with(
    cert: &std::path::Path,
    to: SocketAddr,
    client: Option<&(std::path::PathBuf, std::path::PathBuf)>,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls::pki_types::CertificateDer::pem_file_iter(cert).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots);
    let config = match client {
        None => config.with_no_client_auth(),
        Some((cert, key)) => config
            .with_client_auth_cert(
                rustls::pki_types::CertificateDer::pem_file_iter(cert)
                    .unwrap()
                    .map(Result::unwrap)
                    .collect(),
                rustls::pki_types::PrivateKeyDer::from_pem_file(key).unwrap(),
            )
            .unwrap(),
    };
    let conn =
        rustls::ClientConnection::new(std::sync::Arc::new(config), "localhost".try_into().unwrap())
            .unwrap();
    let tcp = TcpStream::connect(to).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

#[test]
fn over_tls_with_the_secure_policy_plain_signalling_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificate(dir.path());
    let (srs, _calls) = Srs::start(SrsConfig {
        listen: vec![
            Listen::Udp("127.0.0.1:0".parse().unwrap()),
            Listen::Tls("127.0.0.1:0".parse().unwrap()),
        ],
        tls: Some(earshot_siprec::server::TlsFiles {
            cert,
            key,
            client_ca: None,
        }),
        require_secure: true,
        ..SrsConfig::default()
    })
    .unwrap();
    let (mut udp, mut tls) = (None, None);
    for l in srs.local_addrs() {
        match l {
            Listen::Udp(a) => udp = Some(*a),
            Listen::Tls(a) => tls = Some(*a),
            Listen::Tcp(_) => {}
        }
    }
    let body = sample("acme-siprec-offer.txt");
    let ct = format!("multipart/mixed;boundary={}", boundary(&body));
    // UDP: 403, signalling must be TLS.
    let c = Udp::new(udp.unwrap());
    c.send(&invite("plain-udp", &body, ct.clone()));
    let r = c.final_response();
    assert_eq!(status(&r), 403, "{r}");
    // TLS: the handshake verifies against the deployed certificate; OPTIONS is answered, and an
    // offer of plain RTP/AVP is refused (488) because the policy wants SRTP.
    let mut s = tls_client(&ca, tls.unwrap());
    let from: SocketAddr = "127.0.0.1:5999".parse().unwrap();
    s.write_all(&request(
        &Request {
            method: "OPTIONS",
            branch: "tls-opt",
            content_type: None,
            body: "",
            ..invite("tls-1", "", String::new())
        },
        from,
        "TLS",
    ))
    .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("\r\n\r\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    let r = String::from_utf8_lossy(&got).to_string();
    assert_eq!(status(&r), 200, "{r}");
    s.write_all(&request(&invite("tls-2", &body, ct), from, "TLS"))
        .unwrap();
    let mut got = Vec::new();
    loop {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(last) = text.split("SIP/2.0 ").filter(|m| !m.is_empty()).last() {
            if !last.starts_with('1') && text.ends_with("\r\n\r\n") {
                assert!(last.starts_with("488"), "{text}");
                break;
            }
        }
    }
}

/// Kills a child process when dropped (a failed assertion must not leave it running).
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sipp_over_stunnel_tls_records_a_session() {
    // A real recording client over real TLS from another stack: sipp speaks TCP to stunnel
    // (OpenSSL), which verifies our certificate against the IT department's CA and host name and
    // carries the session to the receiver's TLS port. RTP and keypad digits come from sipp.
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificate(dir.path());
    let (srs, calls) = Srs::start(SrsConfig {
        listen: vec![Listen::Tls("127.0.0.1:0".parse().unwrap())],
        tls: Some(earshot_siprec::server::TlsFiles {
            cert,
            key,
            client_ca: None,
        }),
        roles: RoleRules {
            agent_patterns: vec!["1???".into()],
            ..RoleRules::default()
        },
        ..SrsConfig::default()
    })
    .unwrap();
    let tls = match srs.local_addrs().first() {
        Some(Listen::Tls(a)) => *a,
        other => panic!("{other:?}"),
    };
    let relay = free_port();
    let conf = dir.path().join("stunnel.conf");
    std::fs::write(
        &conf,
        format!(
            "foreground = yes\npid =\n[siprec]\nclient = yes\naccept = 127.0.0.1:{relay}\nconnect = {tls}\nCAfile = {}\nverifyChain = yes\ncheckHost = localhost\n",
            ca.display()
        ),
    )
    .unwrap();
    let stunnel = Reaped(
        std::process::Command::new("stunnel")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("stunnel (cargo xtask setup installs stunnel4)"),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", relay)).is_err() {
        assert!(Instant::now() < deadline, "stunnel did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Four seconds of a tone on the caller's stream (sipp streams ./caller.ul).
    let tone: Vec<u8> = (0..32_000)
        .map(|i| {
            let s = ((i as f32 * 0.25).sin() * 8_000.0) as i16;
            earshot_siprec::rtp::to_ulaw(s)
        })
        .collect();
    std::fs::write(dir.path().join("caller.ul"), tone).unwrap();
    let sipp = std::process::Command::new("sipp")
        .arg("-sf")
        .arg(earshot_callgen::rtp::sipp_scenario())
        .args(["-t", "t1", "-m", "1", "-i", "127.0.0.1", "-mi", "127.0.0.1"])
        .args(["-p", &free_port().to_string()])
        .args(["-mp", &free_port().to_string()])
        .args(["-d", "1000", "-nostdin"])
        .arg(format!("127.0.0.1:{relay}"))
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("sipp (cargo xtask setup installs sip-tester)");
    assert!(sipp.success(), "sipp's session over TLS failed");
    drop(stunnel);
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(call.source.contains("agent patterns"), "{}", call.source);
    assert_eq!(
        call.roles.speakers,
        vec![Some(Speaker::Caller), Some(Speaker::Agent)]
    );
    let caller = voiced(
        call.audio
            .iter()
            .filter(|a| a.speaker == Speaker::Caller)
            .flat_map(|a| a.samples),
    );
    // The tone until the pause (about three seconds), then again after the resume.
    assert!(caller > 16_000 * 3, "{caller} samples of the caller");
    let keys: String = call.keypad.try_iter().map(|k| k.key).collect();
    assert!(!keys.is_empty(), "no keypad digits");
    assert_eq!(srs.sessions(), 0, "sipp's BYE over TLS ended the session");
}

#[test]
fn a_required_client_certificate_is_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificate(dir.path());
    let (srs, _calls) = Srs::start(SrsConfig {
        listen: vec![Listen::Tls("127.0.0.1:0".parse().unwrap())],
        tls: Some(earshot_siprec::server::TlsFiles {
            cert,
            key,
            client_ca: Some(ca.clone()),
        }),
        ..SrsConfig::default()
    })
    .unwrap();
    let Listen::Tls(to) = srs.local_addrs()[0] else {
        unreachable!()
    };
    // A recorder certificate issued by the configured CA, and one from another CA.
    let ours = client_certificate(dir.path(), "ca", "recorder");
    let other_ca = dir.path().join("other");
    std::fs::create_dir(&other_ca).unwrap();
    certificate(&other_ca);
    let theirs = client_certificate(&other_ca, "ca", "intruder");
    // A well-formed OPTIONS over the connection; what came back.
    let ask = |client: Option<&(std::path::PathBuf, std::path::PathBuf)>| {
        let mut s = tls_client_with(&ca, to, client);
        let from = s.sock.local_addr().unwrap();
        let options = options_request("tls-client-cert", "tls-options");
        let sent = s.write_all(&request(&options, from, "TLS"));
        let mut buf = [0u8; 4096];
        sent.and_then(|_| s.read(&mut buf))
            .map(|n| String::from_utf8_lossy(&buf[..n]).to_string())
    };
    // The positive control: the CA's certificate is served.
    let answer = ask(Some(&ours)).expect("an answer with the CA's certificate");
    assert_eq!(status(&answer), 200, "{answer}");
    // None, or another CA's: refused at the handshake with a TLS alert, not left to time out.
    for (what, client) in [("no certificate", None), ("another CA's", Some(&theirs))] {
        let err = ask(client).expect_err(what);
        assert!(
            !matches!(
                err.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) && err.to_string().contains("alert"),
            "{what}: {err}"
        );
    }
}

/// Sends `count` packets of a tone as SRTP protected by libsrtp (pylibsrtp) with `key`
/// (30 bytes: master key + salt), sequence numbers from `first`.
fn libsrtp_send(key: &[u8], to: SocketAddr, count: u32, ssrc: u32, first: u16) {
    let script = r#"
import socket, struct, sys, time, math
from pylibsrtp import Policy, Session
key = bytes.fromhex(sys.argv[1]); port = int(sys.argv[2]); count = int(sys.argv[3]); ssrc = int(sys.argv[4]); first = int(sys.argv[5])
session = Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND, srtp_profile=Policy.SRTP_PROFILE_AES128_CM_SHA1_80))
def ulaw(s):
    sign = 0x80 if s < 0 else 0
    s = min(abs(s) + 0x84, 32635 + 0x84)
    e = max(0, min(7, s.bit_length() - 8))
    m = (s >> (e + 3)) & 0x0f
    return (~(sign | (e << 4) | m)) & 0xff
payload = bytes(ulaw(int(8000 * math.sin(i * 0.3))) for i in range(160))
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(count):
    rtp = struct.pack('!BBHII', 0x80, 0, first + n, (first + n) * 160, ssrc) + payload
    out.sendto(session.protect(rtp), ('127.0.0.1', port))
    time.sleep(0.005)
"#;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let ok = std::process::Command::new("python3")
        .args([
            "-c",
            script,
            &hex,
            &to.port().to_string(),
            &count.to_string(),
            &ssrc.to_string(),
            &first.to_string(),
        ])
        .status()
        .unwrap()
        .success();
    assert!(ok, "pylibsrtp (cargo xtask setup installs it)");
}

#[test]
fn srtp_from_libsrtp_is_decrypted_and_a_wrong_key_is_rejected_and_reported() {
    use base64::Engine;
    let (srs, calls, udp, _) = start(SrsConfig::default());
    let key: Vec<u8> = (0..30).map(|i| (i * 7 + 3) as u8).collect();
    let wrong: Vec<u8> = key.iter().map(|b| b ^ 0x5a).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&key);
    let sdp = format!(
        "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{b64}\r\na=label:1\r\na=sendonly\r\nm=audio 4002 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{b64}\r\na=label:2\r\na=sendonly\r\n"
    );
    let c = Udp::new(udp);
    c.send(&invite("srtp-1", &sdp, "application/sdp".into()));
    let ok = c.final_response();
    assert_eq!(status(&ok), 200, "{ok}");
    assert_eq!(ok.matches("RTP/SAVP 0").count(), 2, "{ok}");
    assert_eq!(
        ok.matches("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:")
            .count(),
        2,
        "{ok}"
    );
    assert!(
        !ok.contains(&b64),
        "the answer carries our own key, not the recorder's"
    );
    let ports = answer_ports(&ok);
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    // No metadata: the fallback rule puts the caller on the first stream.
    libsrtp_send(
        &key,
        SocketAddr::from(([127, 0, 0, 1], ports[0])),
        25,
        11,
        500,
    );
    libsrtp_send(
        &wrong,
        SocketAddr::from(([127, 0, 0, 1], ports[1])),
        25,
        12,
        500,
    );
    std::thread::sleep(Duration::from_millis(300));
    c.send(&bye("srtp-1", &to_tag(&ok), "bye-srtp"));
    assert_eq!(status(&c.final_response()), 200);
    let audio: Vec<_> = call.audio.iter().collect();
    let of = |who: Speaker| -> usize {
        voiced(
            audio
                .iter()
                .filter(|a| a.speaker == who)
                .flat_map(|a| a.samples.iter().copied()),
        )
    };
    assert!(
        (7_000..=8_800).contains(&of(Speaker::Caller)),
        "{}",
        of(Speaker::Caller)
    );
    // The wrong key's packets never became audio, and were counted.
    let agent = audio
        .iter()
        .filter(|a| a.speaker == Speaker::Agent)
        .flat_map(|a| a.samples.iter())
        .any(|s| *s != 0.0);
    assert!(!agent, "audio from packets that failed authentication");
    assert!(
        srs.stats()
            .srtp_rejected
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 25
    );
}

#[test]
fn a_re_offer_with_a_new_srtp_key_rekeys_the_stream() {
    use base64::Engine;
    let (srs, calls, udp, _) = start(SrsConfig::default());
    let old: Vec<u8> = (0..30).map(|i| (i * 11 + 1) as u8).collect();
    let new: Vec<u8> = (0..30).map(|i| (i * 13 + 5) as u8).collect();
    let sdp = |key: &[u8], proto: &str| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(key);
        format!("v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 {proto} 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{b64}\r\na=label:1\r\na=sendonly\r\n")
    };
    let c = Udp::new(udp);
    let first = sdp(&old, "RTP/SAVP");
    let inv = invite("rekey-1", &first, "application/sdp".into());
    c.send(&inv);
    let ok = c.final_for("1 INVITE");
    assert_eq!(status(&ok), 200, "{ok}");
    let tag = to_tag(&ok);
    let ack = |cseq: u32| Request {
        method: "ACK",
        cseq,
        to_tag: Some(&tag),
        branch: "rekey-ack",
        content_type: None,
        body: "",
        ..invite("rekey-1", "", String::new())
    };
    c.send(&ack(1));
    let port = answer_ports(&ok)[0];
    let to = SocketAddr::from(([127, 0, 0, 1], port));
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    libsrtp_send(&old, to, 25, 21, 1000);
    // The recorder re-keys (RFC 4568): a re-INVITE with a new key on the same stream.
    let second = sdp(&new, "RTP/SAVP");
    c.send(&Request {
        cseq: 2,
        to_tag: Some(&tag),
        branch: "rekey2",
        ..invite("rekey-1", &second, "application/sdp".into())
    });
    let r = c.final_for("2 INVITE");
    assert_eq!(status(&r), 200, "{r}");
    c.send(&ack(2));
    assert_eq!(answer_ports(&r), vec![port], "{r}");
    let crypto = |m: &str| {
        m.lines()
            .find(|l| l.starts_with("a=crypto:"))
            .map(str::to_string)
    };
    assert!(
        crypto(&r).is_some() && crypto(&r) != crypto(&ok),
        "our key changes too: {r}"
    );
    libsrtp_send(&new, to, 25, 21, 1025);
    // A straggler under the old key still decrypts; then the new key goes on.
    libsrtp_send(&old, to, 1, 21, 1050);
    libsrtp_send(&new, to, 5, 21, 1051);
    // Dropping SRTP on the stream is refused and changes nothing.
    let plain = sdp(&new, "RTP/AVP");
    c.send(&Request {
        cseq: 3,
        to_tag: Some(&tag),
        branch: "rekey3",
        ..invite("rekey-1", &plain, "application/sdp".into())
    });
    assert_eq!(status(&c.final_for("3 INVITE")), 488);
    c.send(&ack(3));
    libsrtp_send(&new, to, 5, 21, 1056);
    std::thread::sleep(Duration::from_millis(300));
    c.send(&bye("rekey-1", &tag, "bye-rekey"));
    assert_eq!(status(&c.final_for("2 BYE")), 200);
    // 61 packets of 20 ms of a tone: 19,520 audible samples at 16 kHz, give or take the
    // resampler. Counted by level, not length: each sender is a new Python process, and a slow
    // start on a busy machine is (rightly) filled with silence by the receiver's wall clock.
    let heard = audible(call.audio.iter().flat_map(|a| a.samples));
    assert!((18_500..=20_000).contains(&heard), "{heard}");
    assert_eq!(
        srs.stats()
            .srtp_rejected
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[test]
fn a_source_over_its_rate_is_not_answered() {
    let (_srs, _calls, udp, _) = start(SrsConfig {
        rate_per_source: 5,
        ..SrsConfig::default()
    });
    let c = Udp::new(udp);
    c.socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    for i in 0..20 {
        let branch = format!("rate{i}");
        c.send(&Request {
            method: "OPTIONS",
            branch: &branch,
            content_type: None,
            body: "",
            ..invite("rate", "", String::new())
        });
    }
    let mut answers = 0;
    while c.recv().is_some() {
        answers += 1;
    }
    assert!(
        (1..=5).contains(&answers),
        "{answers} answers to 20 requests in a second"
    );
}

#[test]
fn an_opus_stream_is_decoded_to_16_khz() {
    let (_srs, calls, udp, _) = start(SrsConfig::default());
    let sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 111 101\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=label:1\r\na=sendonly\r\n";
    let c = Udp::new(udp);
    c.send(&invite("opus-1", sdp, "application/sdp".into()));
    let ok = c.final_response();
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(ok.contains("a=rtpmap:111 opus/48000/2\r\n"), "{ok}");
    let port = answer_ports(&ok)[0];
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    // 50 packets of 20 ms of a 300 Hz tone, encoded by libopus.
    let mut enc =
        opus::Encoder::new(48_000, opus::Channels::Mono, opus::Application::Voip).unwrap();
    let out = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut packet = vec![0u8; 1500];
    for n in 0..50u32 {
        let frame: Vec<i16> = (0..960)
            .map(|i| {
                let t = (n * 960 + i) as f32 / 48_000.0;
                ((t * 300.0 * std::f32::consts::TAU).sin() * 9000.0) as i16
            })
            .collect();
        let len = enc.encode(&frame, &mut packet).unwrap();
        out.send_to(
            &rtp(n as u16, n * 960, 5, 111, &packet[..len]),
            SocketAddr::from(([127, 0, 0, 1], port)),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    c.send(&bye("opus-1", &to_tag(&ok), "bye-opus"));
    assert_eq!(status(&c.final_response()), 200);
    let samples: Vec<f32> = call.audio.iter().flat_map(|a| a.samples).collect();
    // One second of audio at 16 kHz, give or take the resampler, and it is the tone.
    assert!(
        (15_000..=16_500).contains(&samples.len()),
        "{}",
        samples.len()
    );
    let rms = (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt();
    assert!(rms > 0.1, "{rms}");
    // It is the tone: 300 Hz at its level (9000/32768 → power ≈ 0.019), nothing much elsewhere
    // (the second half, after the codec's start).
    let tail = &samples[samples.len() / 2..];
    let (tone, off) = (power_at(tail, 300.0), power_at(tail, 1_700.0));
    assert!(tone > 0.01, "300 Hz {tone}");
    assert!(off < tone / 100.0, "1.7 kHz {off} against {tone}");
    assert_eq!(call.roles.speakers, vec![Some(Speaker::Unknown)]);
}

/// Sends one second of 16 kHz audio (a 400 Hz tone and a 6 kHz tone, which only a wideband
/// codec carries) as G.722 RTP, encoded by an independent G.722 (the `G722` Python module,
/// sippy's libg722), with packets 10 and 11 swapped on the way.
fn g722_send(to: SocketAddr, ssrc: u32) {
    let script = r#"
import socket, struct, sys, time, math, array, G722
port = int(sys.argv[1]); ssrc = int(sys.argv[2])
codec = G722.G722(16000, 64000)
packets = []
for n in range(50):
    pcm = array.array('h', [int(6000 * math.sin(2 * math.pi * 400 * t / 16000) + 6000 * math.sin(2 * math.pi * 6000 * t / 16000)) for t in range(n * 320, n * 320 + 320)])
    payload = codec.encode(pcm)
    assert len(payload) == 160
    packets.append(struct.pack('!BBHII', 0x80, 9, 900 + n, n * 160, ssrc) + payload)
packets[10], packets[11] = packets[11], packets[10]
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in packets:
    out.sendto(p, ('127.0.0.1', port))
    time.sleep(0.005)
"#;
    let ok = std::process::Command::new("python3")
        .args(["-c", script, &to.port().to_string(), &ssrc.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "the G722 Python module (cargo xtask setup installs it)");
}

/// Power of `hz` in `samples` at 16 kHz (Goertzel), per sample.
fn power_at(samples: &[f32], hz: f32) -> f32 {
    let w = std::f32::consts::TAU * hz / 16_000.0;
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &x in samples {
        let s0 = x + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2) / (samples.len() as f32).powi(2)
}

#[test]
fn a_g722_stream_is_decoded_wideband_in_order() {
    let (_srs, calls, udp, _) = start(SrsConfig::default());
    // G.722 first, as a wideband SBC offers it; its RTP clock says 8000 (RFC 3551).
    let sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9 0 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=label:1\r\na=sendonly\r\n";
    let c = Udp::new(udp);
    c.send(&invite("g722-1", sdp, "application/sdp".into()));
    let ok = c.final_response();
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(
        ok.contains("m=audio ") && ok.contains("RTP/AVP 9 101"),
        "{ok}"
    );
    assert!(ok.contains("a=rtpmap:9 G722/8000\r\n"), "{ok}");
    let port = answer_ports(&ok)[0];
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    g722_send(SocketAddr::from(([127, 0, 0, 1], port)), 0x722);
    std::thread::sleep(Duration::from_millis(300));
    c.send(&bye("g722-1", &to_tag(&ok), "bye-g722"));
    assert_eq!(status(&c.final_response()), 200);
    let all: Vec<f32> = call.audio.iter().flat_map(|a| a.samples).collect();
    // One second at 16 kHz (G.722 is not resampled, every packet is 320 samples), after
    // wall-clock silence if the sender started late.
    assert!((16_000..24_000).contains(&all.len()), "{}", all.len());
    let samples = &all[all.len() - 16_000..];
    // Both tones are there at their level (6000/32768 → power 0.0084 each); the 6 kHz one
    // would be gone through an 8 kHz codec. A decoder fed out of order would smear them.
    let (low, high) = (power_at(samples, 400.0), power_at(samples, 6_000.0));
    let off = power_at(samples, 2_500.0);
    assert!(low > 0.005 && high > 0.005, "400 Hz {low}, 6 kHz {high}");
    assert!(off < low / 100.0, "2.5 kHz {off} against {low}");
    assert_eq!(call.roles.speakers, vec![Some(Speaker::Unknown)]);
}

#[test]
fn only_the_recorder_in_its_dialog_ends_a_session() {
    let (srs, _calls, udp, _) = start(SrsConfig::default());
    let (c, ok) = udp_session(udp, "acme-siprec-offer.txt", "dialog-owner");
    let tag = to_tag(&ok);
    // Another allowed host (127.0.0.2 is loopback too) that knows the Call-ID and both tags.
    let other = UdpSocket::bind("127.0.0.2:0").unwrap();
    other
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let from = other.local_addr().unwrap();
    other
        .send_to(
            &request(&bye("dialog-owner", &tag, "bye-other"), from, "UDP"),
            udp,
        )
        .unwrap();
    let mut buf = vec![0u8; 65536];
    let n = other.recv(&mut buf).expect("an answer");
    assert_eq!(status(&String::from_utf8_lossy(&buf[..n])), 481);
    // The recorder's host, but a guessed To tag, then another From tag.
    c.send(&bye("dialog-owner", "guessed", "bye-guess"));
    assert_eq!(status(&c.final_for("2 BYE")), 481);
    let from = c.socket.local_addr().unwrap();
    let forged = String::from_utf8(request(&bye("dialog-owner", &tag, "bye-from"), from, "UDP"))
        .unwrap()
        .replace("tag=src1", "tag=intruder");
    c.socket.send_to(forged.as_bytes(), udp).unwrap();
    assert_eq!(status(&c.final_for("2 BYE")), 481);
    assert_eq!(srs.sessions(), 1, "the session survives all three");
    assert_eq!(
        srs.stats()
            .foreign_requests
            .load(std::sync::atomic::Ordering::Relaxed),
        3
    );
    // The positive control: the recorder's own BYE in its dialog ends it.
    c.send(&bye("dialog-owner", &tag, "bye-own"));
    assert_eq!(status(&c.final_for("2 BYE")), 200);
    assert_eq!(srs.sessions(), 0);
}

/// An out-of-dialog OPTIONS over a TCP connection; the status of its answer, or None when the
/// connection closed or stayed silent.
fn tcp_options(s: &mut TcpStream, branch: &str) -> Option<u16> {
    let from = s.local_addr().unwrap();
    let options = options_request("tcp-options", branch);
    s.write_all(&request(&options, from, "TCP")).ok()?;
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).ok()?;
    (n > 0).then(|| status(&String::from_utf8_lossy(&buf[..n])))
}

/// Whether the server closed `s` (end of stream within five seconds).
fn closed(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(s.read(&mut buf), Ok(0))
}

#[test]
fn sip_connections_are_capped_and_idle_ones_closed() {
    let (srs, _calls, _, tcp) = start(SrsConfig {
        max_connections: 2,
        tcp_idle_timeout: Duration::from_secs(2),
        ..SrsConfig::default()
    });
    let connect = || {
        let s = TcpStream::connect(tcp).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s
    };
    let (mut a, mut b) = (connect(), connect());
    assert_eq!(tcp_options(&mut a, "opt-a"), Some(200));
    assert_eq!(tcp_options(&mut b, "opt-b"), Some(200));
    // A third at once is closed at accept; the two keep working.
    let mut c = connect();
    assert!(closed(&mut c), "a third connection stayed open");
    assert_eq!(
        srs.stats()
            .connections_refused
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    // Within the idle time a connection lives on; past it, it is closed and its slot freed.
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(tcp_options(&mut a, "opt-a2"), Some(200));
    assert!(closed(&mut b), "an idle connection stayed open");
    assert!(
        srs.stats()
            .connections_idle
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 1
    );
    let mut d = connect();
    assert_eq!(tcp_options(&mut d, "opt-d"), Some(200), "the freed slot");
}

#[test]
fn rtp_is_taken_only_from_the_sessions_media_source() {
    for any_allowed in [false, true] {
        let (srs, calls, udp, _) = start(SrsConfig {
            media_from_any_allowed: any_allowed,
            ..SrsConfig::default()
        });
        let call_id = format!("media-source-{any_allowed}");
        let (c, ok) = udp_session(udp, "cisco-siprec-offer.txt", &call_id);
        let to = SocketAddr::from(([127, 0, 0, 1], answer_ports(&ok)[0]));
        let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
        let tone = ulaw_tone();
        // Another allowed host (not the signalling peer, not the offer's c=) sends first, then
        // the recorder itself.
        let stranger = UdpSocket::bind("127.0.0.2:0").unwrap();
        let recorder = UdpSocket::bind("127.0.0.1:0").unwrap();
        for (socket, ssrc, first) in [(&stranger, 5, 0u16), (&recorder, 6, 100)] {
            for n in 0..10u16 {
                socket
                    .send_to(
                        &rtp(first + n, (first + n) as u32 * 160, ssrc, 0, &tone),
                        to,
                    )
                    .unwrap();
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let foreign = srs
            .stats()
            .rtp_foreign
            .load(std::sync::atomic::Ordering::Relaxed);
        let received = srs
            .stats()
            .rtp_packets
            .load(std::sync::atomic::Ordering::Relaxed);
        c.send(&bye(&call_id, &to_tag(&ok), "bye-media"));
        assert_eq!(status(&c.final_for("2 BYE")), 200);
        let samples = voiced(call.audio.iter().flat_map(|c| c.samples.into_iter()));
        if any_allowed {
            assert_eq!((foreign, received), (0, 20), "any allowed address");
        } else {
            assert_eq!((foreign, received), (10, 10), "only the recorder's");
            // Ten packets of 20 ms at 16 kHz, give or take the resampler.
            assert!((2_600..=3_600).contains(&samples), "{samples}");
        }
    }
}

#[test]
fn at_capacity_a_new_session_gets_503_with_retry_after_until_a_call_is_done() {
    let (srs, calls, udp, _) = start(SrsConfig {
        max_calls: 1,
        ..SrsConfig::default()
    });
    // Positive control: the first session is taken.
    let (c, _ok) = udp_session(udp, "cisco-siprec-offer.txt", "first");
    let first = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(srs.calls_active(), 1);
    // Full: the next is refused before anything is set up, and told when to come back.
    let body = sample("cisco-siprec-offer.txt");
    c.send(&invite(
        "second",
        &body,
        format!("multipart/mixed;boundary={}", boundary(&body)),
    ));
    // (The first session's 200 is resent until an ACK this test does not send.)
    let refused = loop {
        let m = c.final_for("1 INVITE");
        if m.contains("Call-ID: second\r\n") {
            break m;
        }
    };
    assert_eq!(status(&refused), 503, "{refused}");
    assert!(refused.contains("Retry-After: 10"), "{refused}");
    assert!(answer_ports(&refused).is_empty(), "{refused}");
    assert!(calls.try_recv().is_err(), "no call handed over");
    assert_eq!(
        srs.stats()
            .over_capacity
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    // The place is the call's until its consumer is done with it (stored), not until its BYE.
    drop(first);
    assert_eq!(srs.calls_active(), 0);
    let (_c, ok) = udp_session(udp, "cisco-siprec-offer.txt", "third");
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(calls.recv_timeout(Duration::from_secs(5)).is_ok());
}

/// Below `max_calls`, a receiver whose engine is not keeping up refuses new sessions the same
/// way (503 with Retry-After, nothing handed over), and takes them again once it is.
#[test]
fn an_engine_not_keeping_up_gets_new_sessions_503_below_max_calls() {
    let keeping_up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let check = keeping_up.clone();
    let (srs, calls, udp, _) = start(SrsConfig {
        max_calls: 10,
        keeping_up: Some(earshot_siprec::server::LoadCheck::new(move || {
            check.load(std::sync::atomic::Ordering::SeqCst)
        })),
        ..SrsConfig::default()
    });
    // Positive control: keeping up, a session is taken.
    let (_first, ok) = udp_session(udp, "cisco-siprec-offer.txt", "load-1");
    assert_eq!(status(&ok), 200, "{ok}");
    let _first_call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    keeping_up.store(false, std::sync::atomic::Ordering::SeqCst);
    let body = sample("cisco-siprec-offer.txt");
    let c = Udp::new(udp);
    c.send(&invite(
        "load-2",
        &body,
        format!("multipart/mixed;boundary={}", boundary(&body)),
    ));
    let refused = c.final_for("1 INVITE");
    assert_eq!(status(&refused), 503, "{refused}");
    assert!(refused.contains("Retry-After: 10"), "{refused}");
    assert!(answer_ports(&refused).is_empty(), "{refused}");
    assert!(calls.try_recv().is_err(), "no call handed over");
    let n = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        (n(&srs.stats().over_capacity), n(&srs.stats().over_load)),
        (1, 1)
    );
    assert_eq!(
        srs.calls_active(),
        1,
        "the refused session gave its place back"
    );
    keeping_up.store(true, std::sync::atomic::Ordering::SeqCst);
    let (_third, ok) = udp_session(udp, "cisco-siprec-offer.txt", "load-3");
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(calls.recv_timeout(Duration::from_secs(5)).is_ok());
}

/// A call whose engine takes nothing (its queue is never read while the call runs): audio
/// beyond the queue is dropped, counted and placed, and every keypad digit still arrives.
#[test]
fn a_full_audio_queue_drops_audio_as_a_placed_gap_and_never_a_keypad_digit() {
    const QUEUE: usize = 10;
    let (_srs, calls, udp, _) = start(SrsConfig {
        audio_queue: QUEUE,
        ..SrsConfig::default()
    });
    let (c, ok) = udp_session(udp, "cisco-siprec-offer.txt", "full-1");
    let ports = answer_ports(&ok);
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    let rtp_out = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = SocketAddr::from(([127, 0, 0, 1], ports[0]));
    let tone = ulaw_tone();
    // 40 packets (800 ms) of audio, then a card number keyed in: 16 digits, each an RFC 4733
    // event sent three times (its end packets), none of them read by anyone yet.
    for n in 0..40u16 {
        rtp_out
            .send_to(&rtp(100 + n, u32::from(n) * 160, 7, 0, &tone), to)
            .unwrap();
        std::thread::sleep(Duration::from_millis(5));
    }
    let digits = "4111111111111111";
    for (k, d) in digits.chars().enumerate() {
        let event = d.to_digit(10).unwrap() as u8;
        let ts = 40 * 160 + k as u32 * 1_600;
        for r in 0..3u16 {
            rtp_out
                .send_to(
                    &rtp(140 + k as u16 * 3 + r, ts, 7, 101, &[event, 0x80, 0, 160]),
                    to,
                )
                .unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(400));
    let gaps = call.loss.figures();
    // The queue took the first QUEUE chunks (the silence before the first packet is one of
    // them); the rest of the 800 ms is dropped, as one span of the caller's.
    assert!(
        (500..=800).contains(&gaps.dropped_ms),
        "{} ms dropped: {gaps:?}",
        gaps.dropped_ms
    );
    assert_eq!(gaps.spans.len(), 1, "{gaps:?}");
    let span = gaps.spans[0];
    assert_eq!(
        (span.speaker, span.kind),
        (Speaker::Caller, earshot_core::GapKind::Dropped)
    );
    assert_eq!(span.end_ms - span.start_ms, gaps.dropped_ms, "{gaps:?}");
    // Now the engine reads: what the queue held, and every digit, in order.
    c.send(&bye("full-1", &to_tag(&ok), "bye-full"));
    let audio: Vec<_> = call.audio.iter().collect();
    // What the queue held, and at most the jitter buffer's last packets flushed at the end.
    assert!(
        (QUEUE..=QUEUE + 1).contains(&audio.len()),
        "{} chunks",
        audio.len()
    );
    let keys: String = call.keypad.iter().map(|k| k.key).collect();
    assert_eq!(keys, digits);
}

/// A one-stream µ-law session over UDP (plain SDP); the client, its 200 and the media port.
fn pcmu_session(udp: SocketAddr, call_id: &str) -> (Udp, String, SocketAddr) {
    let sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=label:1\r\na=sendonly\r\n";
    let c = Udp::new(udp);
    c.send(&invite(call_id, sdp, "application/sdp".into()));
    let ok = c.final_response();
    assert_eq!(status(&ok), 200, "{ok}");
    let media = SocketAddr::from(([127, 0, 0, 1], answer_ports(&ok)[0]));
    (c, ok, media)
}

/// Sends `count` tone packets from `first` (sequence number and timestamp in 20 ms steps), one
/// every `pace`.
fn send_tone(out: &UdpSocket, to: SocketAddr, first: u16, count: u16, pace: Duration) {
    let tone = ulaw_tone();
    for n in first..first + count {
        out.send_to(&rtp(n, u32::from(n) * 160, 9, 0, &tone), to)
            .unwrap();
        std::thread::sleep(pace);
    }
}

#[test]
fn rtp_that_arrives_just_after_the_bye_is_the_calls_and_later_rtp_is_not() {
    let (_srs, calls, udp, _) = start(SrsConfig::default());
    let (c, ok, media) = pcmu_session(udp, "in-flight");
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    let out = UdpSocket::bind("127.0.0.1:0").unwrap();
    send_tone(&out, media, 0, 25, Duration::from_millis(5));
    // The BYE overtakes the last ten packets (another path, a busy host): they arrive once
    // it is answered, within the receiver's linger.
    c.send(&bye("in-flight", &to_tag(&ok), "bye-flight"));
    assert_eq!(status(&c.final_response()), 200);
    send_tone(&out, media, 25, 10, Duration::from_millis(5));
    // The negative control: packets after the linger (well past it) are not taken.
    std::thread::sleep(Duration::from_millis(600));
    send_tone(&out, media, 35, 10, Duration::from_millis(5));
    let samples = voiced(call.audio.iter().flat_map(|c| c.samples));
    // 35 packets of 20 ms at 16 kHz (11,200 samples), give or take the resampler; 45 would
    // be 14,400, 25 would be 8,000.
    assert!((10_700..=11_700).contains(&samples), "{samples}");
}

#[test]
fn a_full_queue_at_the_streams_end_still_gets_the_calls_whole_timeline() {
    // A queue of four chunks that nobody reads until the call has ended: the rest of the
    // stream is dropped, counted, and owed to the engine as silence.
    let (_srs, calls, udp, _) = start(SrsConfig {
        audio_queue: 4,
        ..SrsConfig::default()
    });
    let (c, ok, media) = pcmu_session(udp, "full-at-end");
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    let out = UdpSocket::bind("127.0.0.1:0").unwrap();
    send_tone(&out, media, 0, 50, Duration::from_millis(20));
    c.send(&bye("full-at-end", &to_tag(&ok), "bye-full"));
    assert_eq!(status(&c.final_response()), 200);
    let chunks: Vec<_> = call.audio.iter().collect();
    let dropped = call.loss.figures().dropped_ms;
    // The positive control: most of the stream was dropped (50 packets, four chunks held).
    assert!(dropped >= 800, "{dropped} ms dropped");
    // What the engine got, with the silence for what was dropped, spans the one second sent
    // (16,000 samples, give or take the resampler), the tone's start to the stream's end.
    let all = chunks.iter().flat_map(|c| c.samples.iter().copied());
    let timeline = voiced(all);
    assert!((15_500..=16_500).contains(&timeline), "{timeline}");
}

#[test]
fn a_receiver_shut_down_mid_call_hands_over_every_packet_it_received() {
    let (srs, calls, udp, _) = start(SrsConfig::default());
    let (_c, _ok, media) = pcmu_session(udp, "shut-down");
    let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
    let out = UdpSocket::bind("127.0.0.1:0").unwrap();
    // 25 packets but the 23rd, lost on the way: the jitter buffer holds the two after it
    // back, waiting for it, until the stream's end flushes them.
    send_tone(&out, media, 0, 22, Duration::from_millis(5));
    send_tone(&out, media, 23, 2, Duration::from_millis(5));
    let until = Instant::now() + Duration::from_secs(5);
    while srs
        .stats()
        .rtp_packets
        .load(std::sync::atomic::Ordering::Relaxed)
        < 24
    {
        assert!(Instant::now() < until, "the packets arrive");
        std::thread::sleep(Duration::from_millis(10));
    }
    // No BYE: the receiver itself ends (the agent quits, the service stops).
    drop(srs);
    let samples = voiced(call.audio.iter().flat_map(|c| c.samples));
    // 25 packets of 20 ms at 16 kHz (8,000 samples; the lost one concealed), give or take the
    // resampler; without the flush, 22 (7,040).
    assert!((7_700..=8_300).contains(&samples), "{samples}");
    assert_eq!(call.loss.figures().lost_packets, 1);
}
