//! RTP media: a session's sockets and accepted sources, the receive loop (SRTP, jitter buffer,
//! decoding, keypad events) and the hand-over of 16 kHz audio to the engine's queue.

use super::*;
use crate::decode::Decoder;
use crate::rtp::{self, JitterBuffer, Keypad, Slot};
use crate::sdp::{self, Codec};
use earshot_core::{AudioChunk, KeyPress, Speaker};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::UdpSocket;
use tokio::sync::watch;

pub(super) async fn rtp_socket(ip: IpAddr, (low, high): (u16, u16)) -> Option<UdpSocket> {
    let any: IpAddr = if ip.is_ipv4() {
        IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
    };
    if low == 0 {
        return UdpSocket::bind(SocketAddr::new(any, 0)).await.ok();
    }
    let span = (high.saturating_sub(low) / 2).max(1);
    let start = rand::random::<u16>() % span;
    for k in 0..span {
        let port = low + 2 * ((start + k) % span);
        if let Ok(s) = UdpSocket::bind(SocketAddr::new(any, port)).await {
            return Some(s);
        }
    }
    None
}

/// Where a stream's RTP may come from: the address its offer names and the signalling peer's,
/// unless the configuration takes media from any allowed address.
pub(super) fn media_sources(
    config: &SrsConfig,
    peer: &Peer,
    media: Option<&sdp::Media>,
) -> Option<Vec<IpAddr>> {
    if config.media_from_any_allowed {
        return None;
    }
    let mut sources = vec![canonical(peer.addr().ip())];
    sources.extend(
        media
            .and_then(|m| m.address)
            .filter(|a| !a.is_unspecified())
            .map(canonical),
    );
    Some(sources)
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
pub(super) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

pub(super) struct RtpLoop {
    pub(super) shared: Arc<Shared>,
    pub(super) socket: UdpSocket,
    pub(super) codec: Codec,
    pub(super) pt: u8,
    pub(super) telephone_event: Option<u8>,
    pub(super) speaker: Speaker,
    pub(super) started: Instant,
    pub(super) audio: SyncSender<AudioChunk>,
    pub(super) keypad: std::sync::mpsc::Sender<KeyPress>,
    pub(super) loss: Arc<earshot_core::AudioLoss>,
    pub(super) last_rtp: Arc<AtomicU64>,
    pub(super) stop: watch::Receiver<bool>,
    pub(super) index: usize,
    /// SRTP: the recorder's current key (a re-offer may change it).
    pub(super) srtp: Option<watch::Receiver<crate::srtp::Keys>>,
    /// Addresses this stream's RTP may come from (`None`: any allowed address).
    pub(super) sources: Option<Vec<IpAddr>>,
    /// Counts the stream in while it runs.
    pub(super) _streaming: Streaming,
}

/// A stream counted in [`Shared`]'s streams from before its task starts until its task ends or
/// is dropped.
pub(super) struct Streaming(Arc<Shared>);

impl Streaming {
    pub(super) fn new(shared: &Arc<Shared>) -> Self {
        shared.streams.fetch_add(1, Ordering::SeqCst);
        Streaming(shared.clone())
    }
}

impl Drop for Streaming {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Receives one stream until the session stops and its socket is drained, then flushes what it
/// holds and settles what it owes the engine.
pub(super) async fn rtp_loop(mut l: RtpLoop) {
    // Payloads in order; `None` for a packet of the stream that carries no audio (an RFC 4733
    // event, comfort noise): it takes its sequence number, so it is not counted lost.
    let mut jitter = JitterBuffer::<Option<Vec<u8>>>::new(3);
    let mut keys = Keypad::default();
    let mut decoder = match Decoder::new(l.codec) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!("RTP stream {}: {e}", l.index);
            return;
        }
    };
    let mut resampler = match earshot_audio::StreamResampler::new(decoder.rate(), 16_000) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("RTP stream {}: {e}", l.index);
            return;
        }
    };
    let mut sent = Sent::default();
    let mut buf = vec![0u8; 2048];
    let mut srtp = match l.srtp.as_mut().map(|k| k.borrow_and_update().context()) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            tracing::error!("SRTP stream {}: {e}", l.index);
            return;
        }
    };
    // After a re-key, packets under the old key still in flight decrypt with it.
    let mut previous: Option<webrtc_srtp::context::Context> = None;
    let mut rejected = 0u64;
    // Once the session stops, when the drain began: what the socket already holds and what
    // was in flight when the BYE came is still the call's (see [`LINGER`]).
    let mut draining: Option<Instant> = None;
    loop {
        let received = match draining {
            None => tokio::select! {
                r = l.socket.recv_from(&mut buf) => r,
                _ = l.stop.changed() => {
                    draining = Some(Instant::now());
                    continue;
                }
            },
            Some(since) => {
                let left = DRAIN_MAX.saturating_sub(since.elapsed());
                match tokio::time::timeout(LINGER.min(left), l.socket.recv_from(&mut buf)).await {
                    Ok(r) if !left.is_zero() => r,
                    _ => break,
                }
            }
        };
        let Ok((n, from)) = received else { continue };
        if !l.shared.allowed(from.ip()) {
            continue;
        }
        if l.sources
            .as_ref()
            .is_some_and(|s| !s.contains(&canonical(from.ip())))
        {
            l.shared.stats.rtp_foreign.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        if let Some(keys) = l.srtp.as_mut().filter(|k| k.has_changed().unwrap_or(false)) {
            match keys.borrow_and_update().context() {
                Ok(c) => {
                    previous = srtp.replace(c);
                    tracing::info!(stream = l.index, "SRTP key changed by a re-offer");
                }
                Err(e) => tracing::error!("SRTP stream {}: {e}", l.index),
            }
        }
        let plain;
        let packet: &[u8] = match srtp.as_mut() {
            None => &buf[..n],
            Some(ctx) => match ctx
                .decrypt_rtp(&buf[..n])
                .or_else(|e| match previous.as_mut() {
                    Some(old) => old.decrypt_rtp(&buf[..n]),
                    None => Err(e),
                }) {
                Ok(p) => {
                    plain = p;
                    &plain
                }
                Err(_) => {
                    // Wrong key, tampering or plain RTP on an SRTP stream: dropped, reported.
                    rejected += 1;
                    l.shared.stats.srtp_rejected.fetch_add(1, Ordering::Relaxed);
                    if rejected == 1 || rejected.is_multiple_of(500) {
                        tracing::warn!(
                            stream = l.index,
                            rejected,
                            "SRTP packets fail authentication (wrong key?): dropped"
                        );
                    }
                    continue;
                }
            },
        };
        let Some(p) = rtp::parse(packet) else {
            continue;
        };
        l.last_rtp
            .store(l.started.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        l.shared.stats.rtp_packets.fetch_add(1, Ordering::Relaxed);
        if Some(p.pt) == l.telephone_event {
            if let Some(key) = keys.push(&p) {
                let _ = l.keypad.send(KeyPress {
                    speaker: l.speaker,
                    key,
                    at_ms: l.started.elapsed().as_millis() as u64,
                });
            }
        }
        let payload = if p.pt == l.pt {
            Some(p.payload.to_vec())
        } else if jitter.source() == Some(p.ssrc) {
            // Another payload type of the same source: it fills its place in the order.
            None
        } else {
            continue;
        };
        let lost_before = jitter.stats.lost;
        let ordered = jitter.push(p.ssrc, p.seq, payload);
        let pcm = decode(
            &l,
            &mut decoder,
            ordered,
            jitter.stats.lost - lost_before,
            sent.samples,
        );
        if !emit(&l, &mut resampler, &mut sent, &pcm) {
            return;
        }
    }
    let lost_before = jitter.stats.lost;
    let rest = jitter.flush();
    let rest = decode(
        &l,
        &mut decoder,
        rest,
        jitter.stats.lost - lost_before,
        sent.samples,
    );
    emit(&l, &mut resampler, &mut sent, &rest);
    settle(&l, &mut sent).await;
}

/// After the session stops, how long the stream waits for one more packet: RTP sent just
/// before the BYE may arrive after it (another path, a busy host), and what the socket already
/// holds is read in any case.
const LINGER: std::time::Duration = std::time::Duration::from_millis(100);
/// The longest drain after the session stops, however long packets keep coming.
const DRAIN_MAX: std::time::Duration = std::time::Duration::from_secs(1);

/// At the stream's end, the silence still owed for audio dropped at its tail (the queue was
/// full) goes to the engine once the queue has room, so that the call's timeline is as long as
/// the stream was. Nothing is left to receive, so waiting costs no audio; it ends early if the
/// engine has gone.
async fn settle(l: &RtpLoop, sent: &mut Sent) {
    let mut owed = std::mem::take(&mut sent.owed);
    while !owed.is_empty() {
        match l.audio.try_send(AudioChunk {
            speaker: l.speaker,
            samples: owed,
            heard_at: Instant::now(),
        }) {
            Ok(()) => return,
            Err(std::sync::mpsc::TrySendError::Full(chunk)) => {
                owed = chunk.samples;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => return,
        }
    }
}

/// Ordered payloads to PCM, losses concealed; `lost` packets newly counted lost are tallied
/// with the audio concealed for them, placed after the `sent` samples (16 kHz) of the stream
/// sent on so far.
pub(super) fn decode(
    l: &RtpLoop,
    decoder: &mut Decoder,
    ordered: Vec<Slot<Option<Vec<u8>>>>,
    lost: u64,
    sent: usize,
) -> Vec<i16> {
    let mut pcm = Vec::new();
    let mut concealed = 0;
    // Where the first concealed audio starts in this batch (samples at the decoder's rate).
    let mut first_gap = None;
    for slot in ordered {
        match slot {
            Slot::Packet(Some(payload)) => pcm.extend(decoder.decode(&payload)),
            Slot::Packet(None) => {}
            Slot::Lost => {
                first_gap.get_or_insert(pcm.len());
                let made_up = decoder.conceal();
                concealed += made_up.len();
                pcm.extend(made_up);
            }
        }
    }
    if lost > 0 || concealed > 0 {
        let rate = u64::from(decoder.rate());
        l.shared.stats.rtp_lost.fetch_add(lost, Ordering::Relaxed);
        let offset_ms = first_gap.unwrap_or(pcm.len()) as u64 * 1000 / rate;
        l.loss.lost(
            l.speaker,
            sent as u64 / 16 + offset_ms,
            lost,
            concealed as u64 * 1000 / rate,
        );
    }
    pcm
}

/// A call's audio waiting for the engine, in chunks (one per RTP packet, 20 ms typically): three
/// minutes of both streams. The engine degrades long before (partials paused beyond 1.5 s of
/// lag, finals on the fast model beyond 3 s); audio beyond it is dropped, counted and stored
/// with the call as a gap (how much, whose, and where), and reported while the call runs.
pub const DEFAULT_AUDIO_QUEUE: usize = 2 * 3 * 60 * 50;

/// How much of a stream has been sent on (16 kHz samples), and how much of it the engine has
/// not had because its queue was full.
#[derive(Debug, Default)]
pub(super) struct Sent {
    /// Samples sent on or dropped: the stream's timeline.
    pub(super) samples: usize,
    /// Silence for the samples dropped since the engine last took a chunk (up to
    /// [`MAX_OWED`]), sent ahead of the next chunk it takes, so that what follows a loss keeps
    /// its place on the call's timeline. Kept between attempts: a long stall grows it, it is
    /// not made anew for every packet.
    owed: Vec<f32>,
}

/// The most silence owed to the engine for dropped audio: a minute. A longer stall still counts
/// and places all it dropped (the call's gaps); only the timeline after it is that much short.
pub(super) const MAX_OWED: usize = 60 * 16_000;

/// Sends the decoder's samples on as 16 kHz audio, with silence for wall-clock gaps (a pause, a late
/// start) so that both speakers' timestamps stay comparable. False once the consumer is gone.
pub(super) fn emit(
    l: &RtpLoop,
    resampler: &mut earshot_audio::StreamResampler,
    sent: &mut Sent,
    samples: &[i16],
) -> bool {
    if samples.is_empty() {
        return true;
    }
    let input: Vec<f32> = samples.iter().map(|&s| s as f32 / 32768.0).collect();
    let Ok(mut out) = resampler.push(&input) else {
        return true;
    };
    let heard_at = Instant::now();
    let due = (heard_at - l.started).as_secs_f64() * 16_000.0;
    let after = sent.samples + out.len();
    if due as usize > after + 16_000 / 5 {
        l.loss.filled((due as usize - after) as u64 / 16);
        let mut filled = vec![0.0; due as usize - after];
        filled.extend_from_slice(&out);
        out = filled;
    }
    let at_ms = sent.samples as u64 / 16;
    sent.samples += out.len();
    let len = out.len();
    if !sent.owed.is_empty() {
        let mut owed = std::mem::take(&mut sent.owed);
        owed.extend_from_slice(&out);
        out = owed;
    }
    match l.audio.try_send(AudioChunk {
        speaker: l.speaker,
        samples: out,
        heard_at,
    }) {
        Ok(()) => true,
        Err(std::sync::mpsc::TrySendError::Full(chunk)) => {
            l.shared.stats.audio_dropped.fetch_add(1, Ordering::Relaxed);
            l.loss.dropped(l.speaker, at_ms, len as u64 / 16);
            // What was just dropped is owed as silence too, within the cap.
            let mut owed = chunk.samples;
            let keep = owed.len().min(MAX_OWED);
            owed.truncate(keep);
            let from = keep.saturating_sub(len);
            owed[from..].fill(0.0);
            sent.owed = owed;
            true
        }
        Err(std::sync::mpsc::TrySendError::Disconnected(_)) => false,
    }
}
