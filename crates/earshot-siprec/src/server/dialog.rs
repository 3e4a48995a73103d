//! Dialogs: a new recording session (offer, roles, capacity, answer, streams), in-dialog
//! requests (ACK, BYE, CANCEL, OPTIONS, re-INVITE/UPDATE re-offers), the RTP watchdog.

use super::*;
use crate::offer::{self, Offer};
use crate::roles::{self};
use crate::sdp::{self, AnswerMedia, Codec, Direction};
use earshot_core::Speaker;
use rsipstack::sip::{Method, Request};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// One stream of a session.
pub(super) struct StreamTask {
    pub(super) port: u16,
    pub(super) codec: Option<(Codec, u8)>,
    pub(super) telephone_event: Option<u8>,
    pub(super) speaker: Option<Speaker>,
    /// SRTP: the recorder's key (to decrypt) and our answer's `a=crypto`.
    pub(super) srtp: Option<(crate::srtp::Keys, sdp::Crypto)>,
    /// A new key from a re-offer goes to the stream's receiver through this.
    pub(super) rekey: Option<watch::Sender<crate::srtp::Keys>>,
}

/// A recording session (dialog).
pub(super) struct Dialog {
    /// The recorder's tag (the From tag of its INVITE).
    pub(super) remote_tag: Option<String>,
    pub(super) local_tag: String,
    /// Their From (our To in requests we send).
    pub(super) remote: String,
    /// Our To (our From in requests we send).
    pub(super) local: String,
    /// Where BYE goes (their Contact URI).
    pub(super) target: String,
    pub(super) peer: Peer,
    pub(super) local_addr: SocketAddr,
    pub(super) media_ip: IpAddr,
    pub(super) call_id: String,
    pub(super) offer: Offer,
    pub(super) streams: Vec<StreamTask>,
    pub(super) answer: String,
    pub(super) paused: Arc<Vec<AtomicBool>>,
    pub(super) last_rtp: Arc<AtomicU64>,
    pub(super) stop: watch::Sender<bool>,
    pub(super) acked: Arc<AtomicBool>,
    /// The last response per (branch, method), for retransmitted requests.
    pub(super) responses: HashMap<(String, String), Vec<u8>>,
    pub(super) cseq: u32,
}

impl Dialog {
    /// Whether `req` (with this dialog's Call-ID) belongs to it: sent by the peer that set it up
    /// (same address), with the recorder's From tag and, when `to_tag` (every in-dialog request
    /// but CANCEL), our To tag. A mismatch is counted.
    pub(super) fn owns(&self, req: &Request, peer: &Peer, to_tag: bool, stats: &SrsStats) -> bool {
        let from = header(req, &["From", "f"]).and_then(tag_of);
        let to = header(req, &["To", "t"]).and_then(tag_of);
        let owned = peer.addr().ip() == self.peer.addr().ip()
            && from.is_some()
            && from == self.remote_tag
            && (!to_tag || to.as_deref() == Some(self.local_tag.as_str()));
        if !owned {
            stats.foreign_requests.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(call = %short(&self.call_id), peer = %peer.addr(), "in-dialog request that is not the recorder's: refused");
        }
        owned
    }

    pub(super) fn stop(&self) {
        let _ = self.stop.send(true);
    }

    pub(super) fn set_directions(&self, sdp: &sdp::Sdp) {
        for (i, m) in sdp.media.iter().enumerate() {
            if let Some(p) = self.paused.get(i) {
                p.store(m.direction == Direction::Inactive, Ordering::SeqCst);
            }
        }
    }

    /// A BYE from us.
    pub(super) fn bye(&mut self) -> Vec<u8> {
        self.cseq += 1;
        let via = format!(
            "SIP/2.0/{} {};branch=z9hG4bK{};rport",
            self.peer.transport().to_ascii_uppercase(),
            self.local_addr,
            random_hex(8)
        );
        format!(
            "BYE {} SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\nFrom: {};tag={}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {} BYE\r\nReason: SIP;cause=200;text=\"RTP timeout\"\r\nContent-Length: 0\r\n\r\n",
            self.target, self.local, self.local_tag, self.remote, self.call_id, self.cseq
        )
        .into_bytes()
    }
}

/// The local address that routes to `peer` (what we put in SDP when not configured).
pub(super) fn local_ip_towards(peer: SocketAddr, fallback: IpAddr) -> IpAddr {
    let unspecified: SocketAddr = if peer.is_ipv4() {
        "0.0.0.0:0".parse().expect("static")
    } else {
        "[::]:0".parse().expect("static")
    };
    std::net::UdpSocket::bind(unspecified)
        .and_then(|s| {
            s.connect(peer)?;
            s.local_addr()
        })
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified())
        .unwrap_or(fallback)
}

pub(super) async fn handle(shared: Arc<Shared>, peer: Peer, local: SocketAddr, bytes: Vec<u8>) {
    let req = match parse_request(&bytes) {
        Ok(r) => r,
        Err(Dropped::NotARequest | Dropped::UnknownMethod) => return,
        Err(why) => {
            tracing::warn!(peer = %peer.addr(), ?why, "SIP request dropped");
            return;
        }
    };
    let call_id = header(&req, &["Call-ID", "i"])
        .unwrap_or_default()
        .to_string();
    let branch = branch_of(&req);
    let key = (branch.clone(), req.method().to_string());
    // A retransmitted request gets the same response.
    let earlier = shared
        .dialogs
        .lock()
        .ok()
        .and_then(|d| d.get(&call_id).and_then(|d| d.responses.get(&key)).cloned());
    if let Some(r) = earlier {
        peer.send(&r).await;
        return;
    }
    let reply = |code: u16, extra: Vec<(&'static str, String)>| {
        if code >= 400 {
            shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        }
        response(&req, code, Some("srs"), &extra, None)
    };
    match req.method() {
        Method::Invite => {
            let to_tag = header(&req, &["To", "t"]).and_then(tag_of);
            let out = match to_tag {
                None => new_session(&shared, &peer, local, &req, &call_id).await,
                Some(_) => re_offer(&shared, &peer, &req, &call_id, true),
            };
            if let Some(out) = out {
                remember(&shared, &call_id, key, &out);
                peer.send(&out).await;
            }
        }
        Method::Update => {
            let out = re_offer(&shared, &peer, &req, &call_id, false)
                .unwrap_or_else(|| reply(481, vec![]));
            remember(&shared, &call_id, key, &out);
            peer.send(&out).await;
        }
        Method::Ack => {
            if let Ok(d) = shared.dialogs.lock() {
                if let Some(d) = d
                    .get(&call_id)
                    .filter(|d| d.owns(&req, &peer, true, &shared.stats))
                {
                    d.acked.store(true, Ordering::SeqCst);
                }
            }
        }
        Method::Bye => {
            // Only the recorder that set the session up ends it, within its dialog: a BYE with a
            // guessed Call-ID from another allowed host, or with other tags, gets 481.
            let dialog = shared.dialogs.lock().ok().and_then(|mut d| {
                let owned = d
                    .get(&call_id)
                    .is_some_and(|d| d.owns(&req, &peer, true, &shared.stats));
                owned.then(|| d.remove(&call_id)).flatten()
            });
            let out = match dialog {
                Some(d) => {
                    d.stop();
                    tracing::info!(call = %short(&call_id), "recording session ended by BYE");
                    reply(200, vec![])
                }
                None => reply(481, vec![]),
            };
            peer.send(&out).await;
        }
        Method::Cancel => {
            // We answer INVITEs at once, so a CANCEL finds its INVITE answered: RFC 3261 says
            // 200 to the CANCEL, and the session stays (the recorder then sends BYE).
            let known = shared
                .dialogs
                .lock()
                .map(|d| {
                    d.get(&call_id)
                        .is_some_and(|d| d.owns(&req, &peer, false, &shared.stats))
                })
                .unwrap_or(false);
            let out = reply(if known { 200 } else { 481 }, vec![]);
            peer.send(&out).await;
        }
        Method::Options => {
            let out = reply(
                200,
                vec![
                    ("Allow", ALLOW.into()),
                    ("Accept", ACCEPT.into()),
                    ("Supported", "siprec".into()),
                ],
            );
            peer.send(&out).await;
        }
        _ => {
            let out = reply(405, vec![("Allow", ALLOW.into())]);
            peer.send(&out).await;
        }
    }
}

pub(super) fn remember(shared: &Shared, call_id: &str, key: (String, String), out: &[u8]) {
    if let Ok(mut d) = shared.dialogs.lock() {
        if let Some(d) = d.get_mut(call_id) {
            if d.responses.len() > 32 {
                d.responses.clear();
            }
            d.responses.insert(key, out.to_vec());
        }
    }
}

/// A few characters of a Call-ID, for logs.
pub(super) fn short(call_id: &str) -> String {
    call_id.chars().take(8).collect()
}

pub(super) fn is_siprec(req: &Request) -> bool {
    let token = |names: &[&str]| {
        headers(req, names).iter().any(|v| {
            v.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("siprec"))
        })
    };
    token(&["Require"])
        || token(&["Supported", "k"])
        || headers(req, &["Contact", "m"])
            .iter()
            .any(|c| c.to_ascii_lowercase().contains("+sip.src"))
}

pub(super) async fn new_session(
    shared: &Arc<Shared>,
    peer: &Peer,
    local: SocketAddr,
    req: &Request,
    call_id: &str,
) -> Option<Vec<u8>> {
    let refuse = |code: u16, extra: Vec<(&'static str, String)>| {
        shared.stats.refused.fetch_add(1, Ordering::Relaxed);
        Some(response(req, code, Some(&random_hex(6)), &extra, None))
    };
    if shared.config.require_secure && !matches!(peer, Peer::Tcp { tls: true, .. }) {
        return refuse(
            403,
            vec![("Warning", "399 earshot \"signalling must use TLS\"".into())],
        );
    }
    let retry = || vec![("Retry-After", RETRY_AFTER_S.to_string())];
    if shared.dialogs.lock().map(|d| d.len()).unwrap_or(usize::MAX) >= shared.config.max_sessions {
        return refuse(503, retry());
    }
    // Taken before anything is set up: a session refused later gives it back on the way out.
    let Some(slot) = CallSlot::take(shared) else {
        shared.stats.over_capacity.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            calls = shared.config.max_calls,
            "recording session refused: at capacity"
        );
        return refuse(503, retry());
    };
    if let Some(check) = &shared.config.keeping_up {
        if !check.keeping_up() {
            shared.stats.over_capacity.fetch_add(1, Ordering::Relaxed);
            shared.stats.over_load.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                calls = shared.calls_active.load(Ordering::SeqCst).saturating_sub(1),
                "recording session refused: the engine is not keeping up with its calls"
            );
            drop(slot);
            return refuse(503, retry());
        }
    }
    let offer = match offer::parse(
        req.body(),
        header(req, &["Content-Type", "c"]),
        is_siprec(req),
    ) {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(call = %short(call_id), status = e.status(), "recording offer refused: {e}");
            let extra = if e.status() == 421 {
                vec![("Require", "siprec".to_string())]
            } else {
                vec![]
            };
            return refuse(e.status(), extra);
        }
    };
    if shared.config.require_secure
        && offer
            .sdp
            .media
            .iter()
            .any(|m| m.port != 0 && m.kind.eq_ignore_ascii_case("audio") && !m.secure())
    {
        return refuse(
            488,
            vec![("Warning", "399 earshot \"SRTP is required\"".into())],
        );
    }
    let roles = roles::assign(&offer.sdp, offer.metadata.as_ref(), &shared.config.roles);
    let media_ip = shared
        .config
        .media_ip
        .unwrap_or_else(|| local_ip_towards(peer.addr(), local.ip()));
    // One socket per stream we take.
    let mut streams = Vec::new();
    let mut sockets = Vec::new();
    for (i, m) in offer.sdp.media.iter().enumerate() {
        let codec = m.audio_codec();
        let speaker = roles.speakers.get(i).copied().flatten();
        // SRTP streams need a crypto line we support (SDES, AES-CM-128 with 80- or 32-bit tags).
        let srtp = if m.secure() {
            match crate::srtp::Keys::choose(&m.crypto) {
                Some(k) => Some(k),
                None => {
                    return refuse(
                        488,
                        vec![(
                            "Warning",
                            "399 earshot \"no supported SRTP crypto suite (AES_CM_128_HMAC_SHA1_80/32)\"".into(),
                        )],
                    )
                }
            }
        } else {
            None
        };
        let wanted = codec.is_some() && speaker.is_some() && m.kind.eq_ignore_ascii_case("audio");
        let socket = if wanted {
            match rtp_socket(media_ip, shared.config.rtp_ports).await {
                Some(s) => Some(s),
                None => return refuse(503, retry()),
            }
        } else {
            None
        };
        let port = socket
            .as_ref()
            .and_then(|s| s.local_addr().ok())
            .map_or(0, |a| a.port());
        streams.push(StreamTask {
            port,
            codec: if wanted { codec } else { None },
            telephone_event: m.telephone_event(),
            speaker: if wanted { speaker } else { None },
            srtp: srtp.filter(|_| wanted),
            rekey: None,
        });
        sockets.push(socket);
    }
    if streams.iter().all(|s| s.codec.is_none()) {
        return refuse(
            488,
            vec![(
                "Warning",
                "399 earshot \"no stream with a codec we decode (PCMU, PCMA, G722, Opus)\"".into(),
            )],
        );
    }
    let session_id = rand::random::<u32>() as u64;
    let ours: Vec<AnswerMedia> = streams
        .iter()
        .map(|s| AnswerMedia {
            port: s.port,
            codec: s.codec,
            telephone_event: s.codec.and(s.telephone_event),
            crypto: s.srtp.as_ref().map(|(_, ours)| ours.clone()),
        })
        .collect();
    let answer = sdp::answer(&offer.sdp, &ours, media_ip, session_id);
    let local_tag = random_hex(6);
    let (stop, stop_rx) = watch::channel(false);
    let paused = Arc::new(
        offer
            .sdp
            .media
            .iter()
            .map(|m| AtomicBool::new(m.direction == Direction::Inactive))
            .collect::<Vec<_>>(),
    );
    let last_rtp = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (audio_tx, audio) = std::sync::mpsc::sync_channel(shared.config.audio_queue.max(1));
    // Unbounded: a keypad digit is never dropped (they come a few a second at most).
    let (key_tx, keypad) = std::sync::mpsc::channel();
    let loss = Arc::new(earshot_core::AudioLoss::default());
    for (i, (s, socket)) in streams.iter_mut().zip(sockets).enumerate() {
        let (Some(socket), Some((codec, pt)), Some(speaker)) = (socket, s.codec, s.speaker) else {
            continue;
        };
        let rekey = s.srtp.as_ref().map(|(keys, _)| {
            let (tx, rx) = watch::channel(keys.clone());
            s.rekey = Some(tx);
            rx
        });
        tokio::spawn(rtp_loop(RtpLoop {
            shared: shared.clone(),
            socket,
            codec,
            pt,
            telephone_event: s.telephone_event,
            speaker,
            started,
            audio: audio_tx.clone(),
            keypad: key_tx.clone(),
            loss: loss.clone(),
            last_rtp: last_rtp.clone(),
            stop: stop_rx.clone(),
            index: i,
            srtp: rekey,
            sources: media_sources(&shared.config, peer, offer.sdp.media.get(i)),
            _streaming: Streaming::new(shared),
        }));
    }
    drop((audio_tx, key_tx));
    let contact = format!(
        "<sip:srs@{}:{};transport={}>",
        sockaddr_host(local, media_ip),
        local.port(),
        peer.transport()
    );
    let out = response(
        req,
        200,
        Some(&local_tag),
        &[
            ("Contact", contact),
            ("Allow", ALLOW.into()),
            ("Supported", "siprec".into()),
        ],
        Some(("application/sdp", &answer)),
    );
    let from = header(req, &["From", "f"]).unwrap_or_default().to_string();
    let to = header(req, &["To", "t"]).unwrap_or_default().to_string();
    let target = headers(req, &["Contact", "m"])
        .first()
        .and_then(|c| {
            let c = c.trim();
            let start = c.find('<')? + 1;
            let end = c[start..].find('>')? + start;
            Some(c[start..end].to_string())
        })
        .unwrap_or_else(|| req.uri().to_string());
    let acked = Arc::new(AtomicBool::new(false));
    let dialog = Dialog {
        remote_tag: tag_of(&from),
        local_tag: local_tag.clone(),
        remote: from,
        local: to,
        target,
        peer: peer.clone(),
        local_addr: local,
        media_ip,
        call_id: call_id.to_string(),
        offer: offer.clone(),
        streams,
        answer: answer.clone(),
        paused: paused.clone(),
        last_rtp: last_rtp.clone(),
        stop,
        acked: acked.clone(),
        responses: HashMap::new(),
        cseq: 0,
    };
    let recorded_call_id = offer.metadata.as_ref().and_then(|m| m.call_id.clone());
    let source = format!(
        "SIPREC from {} (session {}; {})",
        peer.addr().ip(),
        short(call_id),
        roles.basis.describe()
    );
    {
        let Ok(mut dialogs) = shared.dialogs.lock() else {
            return refuse(500, vec![]);
        };
        dialogs.insert(call_id.to_string(), dialog);
    }
    shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
    tracing::info!(call = %short(call_id), streams = offer.sdp.media.len(), basis = ?roles.basis, "recording session accepted");
    let handed = shared.calls.lock().ok().map(|tx| {
        tx.send(Box::new(RecordedCall {
            call_id: call_id.to_string(),
            recorded_call_id,
            peer: peer.addr(),
            roles,
            source,
            audio,
            keypad,
            loss,
            slot,
        }))
        .map_err(|_| ())
    });
    if !matches!(handed, Some(Ok(()))) {
        tracing::warn!("no consumer for recorded calls");
    }
    // 100 and 180 first; then the 200, retransmitted over UDP until the ACK.
    peer.send(&response(req, 100, None, &[], None)).await;
    peer.send(&response(req, 180, Some(&local_tag), &[], None))
        .await;
    if let Peer::Udp { .. } = peer {
        let (peer, out2, acked) = (peer.clone(), out.clone(), acked.clone());
        tokio::spawn(async move {
            let mut wait = Duration::from_millis(500);
            let give_up = Instant::now() + Duration::from_secs(32);
            loop {
                tokio::time::sleep(wait).await;
                if acked.load(Ordering::SeqCst) || Instant::now() > give_up {
                    break;
                }
                peer.send(&out2).await;
                wait = (wait * 2).min(Duration::from_secs(4));
            }
        });
    }
    tokio::spawn(watchdog(shared.clone(), call_id.to_string()));
    Some(out)
}

pub(super) fn sockaddr_host(local: SocketAddr, media_ip: IpAddr) -> String {
    let ip = if local.ip().is_unspecified() {
        media_ip
    } else {
        local.ip()
    };
    match ip {
        IpAddr::V6(v6) => format!("[{v6}]"),
        v4 => v4.to_string(),
    }
}

/// A re-INVITE (`invite`) or UPDATE in a dialog: pause/resume and metadata updates. The streams
/// stay on their ports; a stream that was refused stays refused.
pub(super) fn re_offer(
    shared: &Shared,
    peer: &Peer,
    req: &Request,
    call_id: &str,
    invite: bool,
) -> Option<Vec<u8>> {
    let Ok(mut dialogs) = shared.dialogs.lock() else {
        return Some(response(req, 500, None, &[], None));
    };
    let Some(d) = dialogs
        .get_mut(call_id)
        .filter(|d| d.owns(req, peer, true, &shared.stats))
    else {
        return Some(response(req, 481, None, &[], None));
    };
    if req.body().is_empty() {
        // No offer: answer with the current SDP (a session refresh).
        return Some(response(
            req,
            200,
            Some(&d.local_tag),
            &[("Allow", ALLOW.into())],
            Some(("application/sdp", &d.answer)),
        ));
    }
    let offer = match offer::parse(req.body(), header(req, &["Content-Type", "c"]), true) {
        Ok(o) => o,
        Err(e) => return Some(response(req, e.status(), Some(&d.local_tag), &[], None)),
    };
    if offer.sdp.media.len() < d.offer.sdp.media.len() {
        return Some(response(req, 488, Some(&d.local_tag), &[], None));
    }
    // SRTP streams stay SRTP; a re-offer may bring a new key (RFC 4568 re-keying), which goes
    // to the stream's receiver, and our answer carries a new key of ours with it.
    let mut rekeys = Vec::new();
    for (i, m) in offer.sdp.media.iter().enumerate() {
        let Some(s) = d.streams.get(i) else { continue };
        let Some((keys, _)) = &s.srtp else { continue };
        if m.port == 0 || (m.secure() && m.crypto.is_empty()) {
            continue;
        }
        match m
            .secure()
            .then(|| crate::srtp::Keys::choose(&m.crypto))
            .flatten()
        {
            Some((new, ours)) if !new.same_as(keys) => rekeys.push((i, new, ours)),
            Some(_) => {}
            None => {
                return Some(response(
                    req,
                    488,
                    Some(&d.local_tag),
                    &[(
                        "Warning",
                        "399 earshot \"an SRTP stream stays SRTP with a supported suite\"".into(),
                    )],
                    None,
                ))
            }
        }
    }
    for (i, keys, ours) in rekeys {
        let s = &mut d.streams[i];
        if let Some(tx) = &s.rekey {
            let _ = tx.send(keys.clone());
        }
        s.srtp = Some((keys, ours));
    }
    d.set_directions(&offer.sdp);
    if let Some(md) = &offer.metadata {
        tracing::info!(call = %short(call_id), participants = md.participants.len(), "recording metadata updated");
    }
    let ours: Vec<AnswerMedia> = offer
        .sdp
        .media
        .iter()
        .enumerate()
        .map(|(i, m)| match d.streams.get(i) {
            Some(s) => AnswerMedia {
                port: s.port,
                codec: s.codec,
                telephone_event: s.codec.and(m.telephone_event()),
                crypto: s.srtp.as_ref().map(|(_, ours)| ours.clone()),
            },
            None => AnswerMedia {
                port: 0,
                codec: None,
                telephone_event: None,
                crypto: None,
            },
        })
        .collect();
    let answer = sdp::answer(&offer.sdp, &ours, d.media_ip, rand::random::<u32>() as u64);
    d.answer = answer.clone();
    d.offer = Offer {
        metadata: offer.metadata.clone().or(d.offer.metadata.take()),
        ..offer
    };
    if invite {
        d.acked.store(false, Ordering::SeqCst);
    }
    let paused = d.paused.iter().filter(|p| p.load(Ordering::SeqCst)).count();
    tracing::info!(call = %short(call_id), paused, "recording session re-offered");
    Some(response(
        req,
        200,
        Some(&d.local_tag),
        &[("Allow", ALLOW.into())],
        Some(("application/sdp", &answer)),
    ))
}

/// Ends a session that has had no RTP for the timeout while not paused: BYE to the recorder.
pub(super) async fn watchdog(shared: Arc<Shared>, call_id: String) {
    let timeout = shared.config.rtp_timeout;
    let mut quiet_since = Instant::now();
    let mut last_seen = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(500).min(timeout)).await;
        let bye = {
            let Ok(mut dialogs) = shared.dialogs.lock() else {
                return;
            };
            let Some(d) = dialogs.get_mut(&call_id) else {
                return;
            };
            let seen = d.last_rtp.load(Ordering::SeqCst);
            let all_paused = d.paused.iter().all(|p| p.load(Ordering::SeqCst));
            if seen != last_seen || all_paused {
                last_seen = seen;
                quiet_since = Instant::now();
                None
            } else if quiet_since.elapsed() >= timeout {
                let d = dialogs.remove(&call_id);
                d.map(|mut d| {
                    d.stop();
                    (d.peer.clone(), d.bye())
                })
            } else {
                None
            }
        };
        if let Some((peer, bye)) = bye {
            tracing::info!(call = %short(&call_id), "recording session ended: no RTP for {} s", timeout.as_secs());
            peer.send(&bye).await;
            return;
        }
    }
}
