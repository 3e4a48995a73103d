//! SIP message helpers: framing, the request line and header checks, header lookups, and the
//! responses we write from a request's own Via/From/To/Call-ID/CSeq.

use super::*;
use rsipstack::sip::{HasHeaders, Request, SipMessage};

pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub(super) fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        let k = k.trim();
        (k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("l"))
            .then(|| v.trim().parse().ok())
            .flatten()
    })
}

/// The request line's method, checked before anything else is parsed.
pub(super) fn request_method(bytes: &[u8]) -> Option<&str> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    let line = std::str::from_utf8(&bytes[..end]).ok()?.trim_end();
    let mut f = line.split(' ');
    let method = f.next()?;
    let _uri = f.next()?;
    (f.next()? == "SIP/2.0" && f.next().is_none()).then_some(method)
}

pub(super) fn header_section_ok(bytes: &[u8]) -> bool {
    let end = find(bytes, b"\r\n\r\n")
        .or_else(|| find(bytes, b"\n\n"))
        .unwrap_or(bytes.len());
    end <= MAX_HEADERS && bytes[..end].iter().filter(|b| **b == b'\n').count() <= MAX_HEADER_LINES
}

/// Values of every header named `name` (compact forms included).
pub(super) fn headers<'r>(req: &'r Request, names: &[&str]) -> Vec<&'r str> {
    req.headers()
        .iter()
        .filter(|h| names.iter().any(|n| h.name().eq_ignore_ascii_case(n)))
        .map(|h| h.value())
        .collect()
}

pub(super) fn header<'r>(req: &'r Request, names: &[&str]) -> Option<&'r str> {
    headers(req, names).into_iter().next()
}

pub(super) fn tag_of(value: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("tag")
            .then(|| v.trim().to_string())
    })
}

pub(super) fn branch_of(req: &Request) -> String {
    header(req, &["Via", "v"])
        .and_then(|v| {
            v.split(',').next()?.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("branch")
                    .then(|| v.trim().to_string())
            })
        })
        .unwrap_or_default()
}

pub(super) fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

pub(super) const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE";
pub(super) const ACCEPT: &str = "application/sdp, application/rs-metadata+xml, multipart/mixed";

pub(super) fn reason(code: u16) -> &'static str {
    match code {
        100 => "Trying",
        180 => "Ringing",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        420 => "Bad Extension",
        421 => "Extension Required",
        481 => "Call/Transaction Does Not Exist",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        491 => "Request Pending",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// A response to `req`, with `to_tag` added to To when it has none.
pub(super) fn response(
    req: &Request,
    code: u16,
    to_tag: Option<&str>,
    extra: &[(&str, String)],
    body: Option<(&str, &str)>,
) -> Vec<u8> {
    let mut out = format!("SIP/2.0 {code} {}\r\n", reason(code));
    for v in headers(req, &["Via", "v"]) {
        out.push_str(&format!("Via: {v}\r\n"));
    }
    if let Some(f) = header(req, &["From", "f"]) {
        out.push_str(&format!("From: {f}\r\n"));
    }
    if let Some(t) = header(req, &["To", "t"]) {
        match (tag_of(t), to_tag) {
            (None, Some(tag)) if code > 100 => out.push_str(&format!("To: {t};tag={tag}\r\n")),
            _ => out.push_str(&format!("To: {t}\r\n")),
        }
    }
    if let Some(c) = header(req, &["Call-ID", "i"]) {
        out.push_str(&format!("Call-ID: {c}\r\n"));
    }
    if let Some(c) = header(req, &["CSeq"]) {
        out.push_str(&format!("CSeq: {c}\r\n"));
    }
    out.push_str("Server: earshot-srs\r\n");
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    match body {
        Some((ct, b)) => {
            out.push_str(&format!(
                "Content-Type: {ct}\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        }
        None => out.push_str("Content-Length: 0\r\n\r\n"),
    }
    out.into_bytes()
}

/// Why a message is dropped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// Not a SIP request line (a response, or garbage).
    NotARequest,
    /// A method no SIP peer sends to a recorder.
    UnknownMethod,
    /// The header section is over the size or line limit.
    TooLarge,
    /// The SIP parser refused it.
    Unparsable,
}

/// The checks every message goes through after the allow-list and the rate limit: the request
/// line, the size limits, then the SIP parser. Public so that the fuzzer drives exactly this.
pub fn parse_request(bytes: &[u8]) -> Result<Request, Dropped> {
    let method = request_method(bytes).ok_or(Dropped::NotARequest)?;
    if !matches!(
        method,
        "INVITE"
            | "ACK"
            | "BYE"
            | "CANCEL"
            | "OPTIONS"
            | "UPDATE"
            | "INFO"
            | "REGISTER"
            | "SUBSCRIBE"
            | "NOTIFY"
            | "MESSAGE"
            | "REFER"
            | "PRACK"
            | "PUBLISH"
    ) {
        return Err(Dropped::UnknownMethod);
    }
    if bytes.len() > MAX_MESSAGE || !header_section_ok(bytes) {
        return Err(Dropped::TooLarge);
    }
    match SipMessage::try_from(bytes) {
        Ok(SipMessage::Request(r)) => Ok(r),
        _ => Err(Dropped::Unparsable),
    }
}
