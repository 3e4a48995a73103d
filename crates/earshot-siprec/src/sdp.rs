//! The recorder's SDP offer, read leniently (no `t=` or `c=` lines, LF line ends, trailing
//! spaces, unknown lines are all fine), and our answer: `recvonly` on every stream we take,
//! echoing each `a=label`, one codec (plus `telephone-event`) per stream.

use std::net::IpAddr;

/// A codec we can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// G.711 µ-law, 8 kHz.
    Pcmu,
    /// G.711 A-law, 8 kHz.
    Pcma,
    /// G.722, 16 kHz audio (its RTP clock says 8000).
    G722,
    /// Opus, 48 kHz clock.
    Opus,
}

impl Codec {
    /// The SDP encoding name.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
            Codec::G722 => "G722",
            Codec::Opus => "opus",
        }
    }

    /// The RTP clock rate.
    pub fn clock(self) -> u32 {
        match self {
            Codec::Opus => 48_000,
            _ => 8_000,
        }
    }

    /// The static payload type, if it has one.
    pub fn static_pt(self) -> Option<u8> {
        match self {
            Codec::Pcmu => Some(0),
            Codec::Pcma => Some(8),
            Codec::G722 => Some(9),
            Codec::Opus => None,
        }
    }
}

/// Media direction from the recorder's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The recorder sends (the normal SIPREC case).
    SendOnly,
    /// The recorder only receives (nothing for us).
    RecvOnly,
    /// Both.
    SendRecv,
    /// Paused.
    Inactive,
}

/// An `a=crypto` line (SDES). Its `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Crypto {
    /// The tag.
    pub tag: u32,
    /// The suite (`AES_CM_128_HMAC_SHA1_80`).
    pub suite: String,
    /// The key parameters (`inline:…`), kept as sent.
    pub key_params: String,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crypto")
            .field("tag", &self.tag)
            .field("suite", &self.suite)
            .field("key_params", &"<redacted>")
            .finish()
    }
}

/// One payload type offered on a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// The payload type number.
    pub pt: u8,
    /// The encoding name as sent (from `a=rtpmap`, or the static table).
    pub encoding: String,
    /// The clock rate.
    pub clock: u32,
}

/// One `m=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, …
    pub kind: String,
    /// The port (0: rejected stream).
    pub port: u16,
    /// `RTP/AVP`, `RTP/SAVP`, …
    pub proto: String,
    /// The payload types in offer order.
    pub formats: Vec<Format>,
    /// Connection address (media-level, else session-level), if any.
    pub address: Option<IpAddr>,
    /// `a=label`.
    pub label: Option<String>,
    /// Direction (`sendrecv` when not said; `inactive` also when the address is 0.0.0.0).
    pub direction: Direction,
    /// `a=crypto` lines.
    pub crypto: Vec<Crypto>,
    /// `a=ptime`, ms.
    pub ptime: Option<u32>,
}

impl Media {
    /// The codec we would pick (the first offered that we decode) and its payload type.
    pub fn audio_codec(&self) -> Option<(Codec, u8)> {
        self.formats.iter().find_map(|f| {
            let codec = match f.encoding.to_ascii_uppercase().as_str() {
                "PCMU" => Codec::Pcmu,
                "PCMA" => Codec::Pcma,
                "G722" => Codec::G722,
                "OPUS" => Codec::Opus,
                _ => return None,
            };
            Some((codec, f.pt))
        })
    }

    /// The payload type of `telephone-event` at 8 kHz, if offered.
    pub fn telephone_event(&self) -> Option<u8> {
        self.formats
            .iter()
            .find(|f| f.encoding.eq_ignore_ascii_case("telephone-event"))
            .map(|f| f.pt)
    }

    /// Whether the stream is SRTP.
    pub fn secure(&self) -> bool {
        self.proto.to_ascii_uppercase().contains("SAVP")
    }
}

/// A session description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp {
    /// Session-level connection address.
    pub address: Option<IpAddr>,
    /// The `m=` lines in order.
    pub media: Vec<Media>,
}

/// Why an SDP cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    /// Larger than the limit.
    #[error("SDP of {0} bytes is over the limit")]
    TooLarge(usize),
    /// More `m=` lines than the limit.
    #[error("more than {0} media lines")]
    TooManyMedia(usize),
    /// An `m=` line that cannot be read.
    #[error("bad media line: {0}")]
    BadMedia(String),
    /// No `m=` line at all.
    #[error("no media line")]
    NoMedia,
}

/// The largest SDP accepted.
pub const MAX_SDP: usize = 16 * 1024;
/// The most `m=` lines accepted.
pub const MAX_MEDIA: usize = 8;

fn static_format(pt: u8) -> Option<(&'static str, u32)> {
    Some(match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        13 => ("CN", 8000),
        18 => ("G729", 8000),
        _ => return None,
    })
}

fn address(c: &str) -> Option<IpAddr> {
    // c=IN IP4 192.0.2.1[/ttl]
    let mut f = c.split_whitespace();
    let (_net, _kind, addr) = (f.next()?, f.next()?, f.next()?);
    addr.split('/').next()?.parse().ok()
}

/// Parses an SDP.
pub fn parse(text: &str) -> Result<Sdp, SdpError> {
    if text.len() > MAX_SDP {
        return Err(SdpError::TooLarge(text.len()));
    }
    let mut sdp = Sdp {
        address: None,
        media: Vec::new(),
    };
    let mut session_direction = None;
    let mut media_c: Vec<Option<IpAddr>> = Vec::new();
    for raw in text.split('\n') {
        let line = raw.trim();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let current = sdp.media.last_mut();
        match (key, current) {
            ("m", _) => {
                if sdp.media.len() >= MAX_MEDIA {
                    return Err(SdpError::TooManyMedia(MAX_MEDIA));
                }
                let mut f = value.split_whitespace();
                let bad = || SdpError::BadMedia(value.chars().take(80).collect());
                let kind = f.next().ok_or_else(bad)?.to_string();
                let port: u16 = f
                    .next()
                    .and_then(|p| p.split('/').next())
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(bad)?;
                let proto = f.next().ok_or_else(bad)?.to_string();
                let formats = f
                    .filter_map(|pt| pt.parse::<u8>().ok())
                    .map(|pt| {
                        let (name, clock) = static_format(pt).unwrap_or(("", 0));
                        Format {
                            pt,
                            encoding: name.to_string(),
                            clock,
                        }
                    })
                    .collect();
                sdp.media.push(Media {
                    kind,
                    port,
                    proto,
                    formats,
                    address: None,
                    label: None,
                    direction: session_direction.unwrap_or(Direction::SendRecv),
                    crypto: Vec::new(),
                    ptime: None,
                });
                media_c.push(None);
            }
            ("c", None) => sdp.address = address(value),
            ("c", Some(_)) => {
                if let Some(last) = media_c.last_mut() {
                    *last = address(value);
                }
            }
            ("a", m) => {
                let (name, arg) = value.split_once(':').unwrap_or((value, ""));
                let direction = match name {
                    "sendonly" => Some(Direction::SendOnly),
                    "recvonly" => Some(Direction::RecvOnly),
                    "sendrecv" => Some(Direction::SendRecv),
                    "inactive" => Some(Direction::Inactive),
                    _ => None,
                };
                match m {
                    None => {
                        if direction.is_some() {
                            session_direction = direction;
                        }
                    }
                    Some(m) => {
                        if let Some(d) = direction {
                            m.direction = d;
                        }
                        match name {
                            "label" => m.label = Some(arg.trim().to_string()),
                            "ptime" => m.ptime = arg.trim().parse().ok(),
                            "rtpmap" => {
                                let mut f = arg.split_whitespace();
                                let pt = f.next().and_then(|p| p.parse::<u8>().ok());
                                let enc = f.next().unwrap_or("");
                                let mut e = enc.split('/');
                                let encoding = e.next().unwrap_or("").to_string();
                                let clock = e.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                                if let Some(f) =
                                    pt.and_then(|pt| m.formats.iter_mut().find(|f| f.pt == pt))
                                {
                                    f.encoding = encoding;
                                    f.clock = clock;
                                }
                            }
                            "crypto" => {
                                let mut f = arg.split_whitespace();
                                if let (Some(tag), Some(suite), Some(key)) =
                                    (f.next().and_then(|t| t.parse().ok()), f.next(), f.next())
                                {
                                    m.crypto.push(Crypto {
                                        tag,
                                        suite: suite.to_string(),
                                        key_params: key.to_string(),
                                    });
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if sdp.media.is_empty() {
        return Err(SdpError::NoMedia);
    }
    for (m, c) in sdp.media.iter_mut().zip(media_c) {
        m.address = c.or(sdp.address);
        if m.address.is_some_and(|a| a.is_unspecified()) {
            m.direction = Direction::Inactive;
        }
    }
    Ok(sdp)
}

/// What we answer for one offered stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerMedia {
    /// Our port (0: stream refused).
    pub port: u16,
    /// The chosen codec and payload type (None: refused).
    pub codec: Option<(Codec, u8)>,
    /// The telephone-event payload type we accept.
    pub telephone_event: Option<u8>,
    /// Our key for SRTP (the `a=crypto` line's tag, suite and `inline:` key), when secure.
    pub crypto: Option<Crypto>,
}

/// The answer to `offer`: one `m=` per offered line, in order (RFC 3264), `recvonly` (or
/// `inactive` where the offer is paused), every `a=label` echoed.
pub fn answer(offer: &Sdp, ours: &[AnswerMedia], address: IpAddr, session_id: u64) -> String {
    let ip = if address.is_ipv4() { "IP4" } else { "IP6" };
    let mut out = format!(
        "v=0\r\no=earshot {session_id} {session_id} IN {ip} {address}\r\ns=earshot\r\nc=IN {ip} {address}\r\nt=0 0\r\n"
    );
    for (m, a) in offer.media.iter().zip(ours) {
        let Some((codec, pt)) = a.codec.filter(|_| a.port != 0) else {
            let first = m.formats.first().map_or(0, |f| f.pt);
            out.push_str(&format!("m={} 0 {} {first}\r\n", m.kind, m.proto));
            if let Some(l) = &m.label {
                out.push_str(&format!("a=label:{l}\r\n"));
            }
            continue;
        };
        let mut pts = vec![pt.to_string()];
        if let Some(te) = a.telephone_event {
            pts.push(te.to_string());
        }
        out.push_str(&format!(
            "m=audio {} {} {}\r\n",
            a.port,
            m.proto,
            pts.join(" ")
        ));
        let channels = if codec == Codec::Opus { "/2" } else { "" };
        out.push_str(&format!(
            "a=rtpmap:{pt} {}/{}{channels}\r\n",
            codec.name(),
            codec.clock()
        ));
        if let Some(te) = a.telephone_event {
            out.push_str(&format!(
                "a=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-16\r\n"
            ));
        }
        if let Some(c) = &a.crypto {
            out.push_str(&format!(
                "a=crypto:{} {} {}\r\n",
                c.tag, c.suite, c.key_params
            ));
        }
        if let Some(l) = &m.label {
            out.push_str(&format!("a=label:{l}\r\n"));
        }
        let dir = if m.direction == Direction::Inactive {
            "inactive"
        } else {
            "recvonly"
        };
        out.push_str(&format!("a={dir}\r\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_lenient_offer() {
        let sdp = parse(
            "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nm=audio 35011 RTP/AVP 0 8 3 101\na=rtpmap:101 telephone-event/8000\na=label:1\na=sendonly\nm=audio 35012 RTP/SAVP 96\nc=IN IP4 192.0.2.9\na=rtpmap:96 opus/48000/2\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\na=label:2 \n",
        )
        .unwrap();
        assert_eq!(sdp.media.len(), 2);
        let a = &sdp.media[0];
        assert_eq!((a.port, a.label.as_deref()), (35011, Some("1")));
        assert_eq!(a.audio_codec(), Some((Codec::Pcmu, 0)));
        assert_eq!(a.telephone_event(), Some(101));
        assert_eq!(a.direction, Direction::SendOnly);
        let b = &sdp.media[1];
        assert_eq!(b.audio_codec(), Some((Codec::Opus, 96)));
        assert!(b.secure());
        assert_eq!(b.crypto[0].suite, "AES_CM_128_HMAC_SHA1_80");
        assert!(
            !format!("{:?}", b.crypto[0]).contains("AAAA"),
            "no key in Debug"
        );
        assert_eq!(b.label.as_deref(), Some("2"));
        assert_eq!(b.address, Some("192.0.2.9".parse().unwrap()));
    }

    #[test]
    fn hold_by_address_and_limits() {
        let sdp = parse("m=audio 4000 RTP/AVP 0\nc=IN IP4 0.0.0.0\na=sendonly\n").unwrap();
        assert_eq!(sdp.media[0].direction, Direction::Inactive);
        assert_eq!(parse("v=0\n"), Err(SdpError::NoMedia));
        assert!(matches!(
            parse("m=audio x RTP/AVP 0\n"),
            Err(SdpError::BadMedia(_))
        ));
        let many = "m=audio 1 RTP/AVP 0\n".repeat(MAX_MEDIA + 1);
        assert!(matches!(parse(&many), Err(SdpError::TooManyMedia(_))));
    }

    #[test]
    fn the_answer_is_recvonly_and_echoes_labels() {
        let sdp = parse("c=IN IP4 192.0.2.1\nm=audio 1000 RTP/AVP 8 101\na=rtpmap:101 telephone-event/8000\na=label:a_leg\na=sendonly\nm=audio 1002 RTP/AVP 18\na=label:b_leg\n").unwrap();
        let ours = [
            AnswerMedia {
                port: 30000,
                codec: sdp.media[0].audio_codec(),
                telephone_event: sdp.media[0].telephone_event(),
                crypto: None,
            },
            AnswerMedia {
                port: 0,
                codec: None,
                telephone_event: None,
                crypto: None,
            },
        ];
        let a = answer(&sdp, &ours, "127.0.0.1".parse().unwrap(), 7);
        assert!(a.contains("m=audio 30000 RTP/AVP 8 101\r\n"), "{a}");
        assert!(a.contains("a=rtpmap:8 PCMA/8000\r\n"), "{a}");
        assert!(a.contains("a=label:a_leg\r\na=recvonly\r\n"), "{a}");
        assert!(
            a.contains("m=audio 0 RTP/AVP 18\r\na=label:b_leg\r\n"),
            "{a}"
        );
    }
}
