//! Load on loopback, transcription off: N concurrent two-stream recording sessions of G.711 at
//! real rate. For each N: RTP loss, the receiver's CPU (its threads only, from /proc) per
//! session, and INVITE→200 OK latency. Prints a table; the largest N with loss under 0.1 % is
//! the figure. `cargo bench -p earshot-siprec --bench load [-- N1,N2,… SECONDS]`.

use earshot_siprec::server::{Listen, Srs, SrsConfig};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// CPU seconds used so far by this process's threads named `siprec` (the receiver's runtime).
fn receiver_cpu() -> f64 {
    let tick = 100.0; // USER_HZ
    let mut total = 0.0;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    for t in tasks.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if !comm.trim().starts_with("siprec") {
            continue;
        }
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        // Fields after the ")" of comm: state is field 3; utime 14, stime 15.
        let rest = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.len() > 12 {
            let utime: f64 = f[11].parse().unwrap_or(0.0);
            let stime: f64 = f[12].parse().unwrap_or(0.0);
            total += (utime + stime) / tick;
        }
    }
    total
}

fn invite(call_id: &str, from: SocketAddr) -> Vec<u8> {
    let body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=label:1\r\na=sendonly\r\nm=audio 40002 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=label:2\r\na=sendonly\r\n";
    format!(
        "INVITE sip:srs@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {from};branch=z9hG4bK{call_id}\r\nFrom: <sip:src@127.0.0.1>;tag=s\r\nTo: <sip:srs@127.0.0.1>\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\nContact: <sip:src@{from}>;+sip.src\r\nRequire: siprec\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn bye(call_id: &str, from: SocketAddr, tag: &str) -> Vec<u8> {
    format!(
        "BYE sip:srs@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {from};branch=z9hG4bKbye{call_id}\r\nFrom: <sip:src@127.0.0.1>;tag=s\r\nTo: <sip:srs@127.0.0.1>;tag={tag}\r\nCall-ID: {call_id}\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

struct Session {
    call_id: String,
    tag: String,
    ports: Vec<u16>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn run(n: usize, seconds: u64) -> (f64, f64, f64, f64) {
    let (srs, calls) = Srs::start(SrsConfig {
        listen: vec![Listen::Udp("127.0.0.1:0".parse().unwrap())],
        max_sessions: 10_000,
        max_calls: 10_000,
        rate_per_source: 1_000_000,
        rtp_timeout: Duration::from_secs(60),
        ..SrsConfig::default()
    })
    .unwrap();
    let Listen::Udp(sip) = srs.local_addrs()[0] else {
        unreachable!()
    };
    // Transcription off: each call's audio is drained and dropped.
    let drain = std::thread::spawn(move || {
        let mut workers = Vec::new();
        while let Ok(call) = calls.recv() {
            workers.push(std::thread::spawn(move || {
                let mut samples = 0usize;
                for chunk in call.audio.iter() {
                    samples += chunk.samples.len();
                }
                samples
            }));
        }
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(0))
            .sum::<usize>()
    });
    // Signalling: one socket, INVITEs one after the other, timing each 200.
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let from = client.local_addr().unwrap();
    let mut sessions = Vec::new();
    let mut latencies = Vec::new();
    let mut buf = vec![0u8; 65536];
    for i in 0..n {
        let call_id = format!("load-{n}-{i}");
        let sent = Instant::now();
        client.send_to(&invite(&call_id, from), sip).unwrap();
        loop {
            let Ok((len, _)) = client.recv_from(&mut buf) else {
                panic!("no answer to INVITE {i}");
            };
            let m = String::from_utf8_lossy(&buf[..len]).to_string();
            if m.starts_with("SIP/2.0 200") && m.contains(&call_id) {
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                let tag = m
                    .lines()
                    .find(|l| l.starts_with("To:"))
                    .and_then(|l| l.split(";tag=").nth(1))
                    .unwrap()
                    .trim()
                    .to_string();
                let ports = m
                    .lines()
                    .filter_map(|l| l.strip_prefix("m=audio "))
                    .map(|l| l.split(' ').next().unwrap().parse().unwrap())
                    .collect();
                let ack = format!(
                    "ACK sip:srs@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {from};branch=z9hG4bKack{call_id}\r\nFrom: <sip:src@127.0.0.1>;tag=s\r\nTo: <sip:srs@127.0.0.1>;tag={tag}\r\nCall-ID: {call_id}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
                );
                client.send_to(ack.as_bytes(), sip).unwrap();
                sessions.push(Session {
                    call_id,
                    tag,
                    ports,
                });
                break;
            }
        }
    }
    // Media: every stream of every session, one 20 ms packet per tick, paced by the clock.
    let media = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = [0xffu8; 160];
    let received_before = srs.stats().rtp_packets.load(Ordering::Relaxed);
    let cpu_before = receiver_cpu();
    let start = Instant::now();
    let ticks = seconds * 50;
    let mut sent = 0u64;
    for tick in 0..ticks {
        for (s, session) in sessions.iter().enumerate() {
            for (k, port) in session.ports.iter().enumerate() {
                let mut p = vec![0x80, 0];
                p.extend((tick as u16).to_be_bytes());
                p.extend((tick as u32 * 160).to_be_bytes());
                p.extend(((s * 2 + k) as u32).to_be_bytes());
                p.extend_from_slice(&payload);
                if media
                    .send_to(&p, SocketAddr::from(([127, 0, 0, 1], *port)))
                    .is_ok()
                {
                    sent += 1;
                }
            }
        }
        let due = start + Duration::from_millis(20 * (tick + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let wall = start.elapsed().as_secs_f64();
    let cpu = receiver_cpu() - cpu_before;
    let received = srs.stats().rtp_packets.load(Ordering::Relaxed) - received_before;
    for s in &sessions {
        client.send_to(&bye(&s.call_id, from, &s.tag), sip).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    drop(srs);
    let _ = drain.join();
    let loss = 100.0 * (1.0 - received as f64 / sent.max(1) as f64);
    latencies.sort_by(|a, b| a.total_cmp(b));
    (
        loss.max(0.0),
        cpu / wall * 100.0,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    )
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let ns: Vec<usize> = args
        .first()
        .map(|a| a.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 100, 200, 300, 400]);
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    println!("SIPREC receiver load, loopback, G.711 two-stream sessions at real rate, transcription off, {seconds} s each");
    println!("| sessions | RTP loss | receiver CPU (% of one core) | CPU per session (ms/s) | INVITE→200 p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    let mut best = 0;
    for n in ns {
        let (loss, cpu, p50, p99) = run(n, seconds);
        println!(
            "| {n} | {loss:.3} % | {cpu:.1} % | {:.2} | {p50:.2} ms | {p99:.2} ms |",
            cpu * 10.0 / n as f64
        );
        if loss < 0.1 {
            best = n;
        }
    }
    println!("largest N with RTP loss < 0.1 %: {best}");
}
