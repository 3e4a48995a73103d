//! The INVITE body, split into its parts. Lenient on purpose, because recorders differ: the
//! boundary may be quoted or missing from the header (then the first `--…` line names it), line
//! ends may be LF only, a preamble and trailing whitespace may surround the parts, the closing
//! delimiter may be missing, and parts may come in any order with extra ones (Cisco's
//! `application/gtd`). A body that is not multipart at all is one part.

/// One part of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `Content-Type` without parameters, lower-case (`application/sdp`); `None` when absent.
    pub content_type: Option<String>,
    /// `Content-Disposition` without parameters, lower-case (`session`, `recording-session`).
    pub disposition: Option<String>,
    /// The part's body, line ends as sent.
    pub body: String,
}

/// Why a body cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    /// Larger than the limit.
    #[error("body of {0} bytes is over the limit")]
    TooLarge(usize),
    /// Not UTF-8 text.
    #[error("body is not text")]
    NotText,
    /// More parts than the limit.
    #[error("more than {0} body parts")]
    TooManyParts(usize),
}

/// The largest body accepted (a SIPREC offer with metadata is a few kB).
pub const MAX_BODY: usize = 64 * 1024;
/// The most parts accepted.
pub const MAX_PARTS: usize = 8;

/// The value of header parameter `name` (`boundary=…`), unquoted.
pub fn header_param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        Some(v.to_string())
    })
}

/// The media type of a `Content-Type`/`Content-Disposition` value, lower-case, no parameters.
pub fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// Splits `body`, sent with the message's `Content-Type` value `content_type` (if any).
pub fn split(body: &[u8], content_type: Option<&str>) -> Result<Vec<Part>, MultipartError> {
    if body.len() > MAX_BODY {
        return Err(MultipartError::TooLarge(body.len()));
    }
    let text = std::str::from_utf8(body).map_err(|_| MultipartError::NotText)?;
    let declared = content_type.map(media_type);
    let boundary = content_type
        .filter(|_| {
            declared
                .as_deref()
                .is_some_and(|t| t.starts_with("multipart/"))
        })
        .and_then(|ct| header_param(ct, "boundary"))
        .filter(|b| !b.is_empty())
        .or_else(|| {
            // No usable header: a body whose first non-blank line is `--x` is multipart.
            if declared
                .as_deref()
                .is_some_and(|t| !t.starts_with("multipart/"))
            {
                return None;
            }
            let first = lines(text).find(|l| !l.trim().is_empty())?;
            let b = first.trim_end().strip_prefix("--")?;
            (!b.is_empty()).then(|| b.to_string())
        });
    let Some(boundary) = boundary else {
        return Ok(vec![Part {
            content_type: declared,
            disposition: None,
            body: text.to_string(),
        }]);
    };
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in lines(text) {
        let t = line.trim_end();
        if let Some(rest) = t.strip_prefix(&delimiter) {
            if rest.is_empty() || rest == "--" {
                if let Some(p) = current.take() {
                    parts.push(part(&p));
                    if parts.len() > MAX_PARTS {
                        return Err(MultipartError::TooManyParts(MAX_PARTS));
                    }
                }
                if rest == "--" {
                    break;
                }
                current = Some(Vec::new());
                continue;
            }
        }
        if let Some(p) = current.as_mut() {
            p.push(line);
        }
    }
    if let Some(p) = current.take() {
        parts.push(part(&p));
    }
    if parts.len() > MAX_PARTS {
        return Err(MultipartError::TooManyParts(MAX_PARTS));
    }
    Ok(parts)
}

/// A part from its lines: headers up to the first blank line, then the body. A part that starts
/// straight with content (no headers, no blank line) is all body.
fn part(lines: &[&str]) -> Part {
    let looks_like_header = |l: &str| {
        l.split_once(':')
            .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ') && !k.contains('='))
    };
    let mut content_type = None;
    let mut disposition = None;
    let mut body_from = 0;
    let has_headers = lines.first().is_some_and(|l| looks_like_header(l));
    if has_headers {
        body_from = lines.len();
        for (i, l) in lines.iter().enumerate() {
            if l.trim().is_empty() {
                body_from = i + 1;
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let k = k.trim().to_ascii_lowercase();
                if k == "content-type" || k == "c" {
                    content_type = Some(media_type(v));
                } else if k == "content-disposition" {
                    disposition = Some(media_type(v));
                }
            }
        }
    }
    let body = lines[body_from.min(lines.len())..].join("\n");
    Part {
        content_type,
        disposition,
        body: body.trim_end_matches(['\n', ' ', '\t']).to_string() + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_from_the_header_quoted_or_not_or_from_the_first_line() {
        let body = "--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording/>\r\n--b1--\r\n";
        for ct in [
            Some("multipart/mixed;boundary=b1"),
            Some("multipart/mixed; boundary=\"b1\""),
            None,
        ] {
            let parts = split(body.as_bytes(), ct).unwrap();
            assert_eq!(parts.len(), 2, "{ct:?}");
            assert_eq!(parts[0].content_type.as_deref(), Some("application/sdp"));
            assert_eq!(parts[0].body, "v=0\n");
            assert_eq!(parts[1].body, "<recording/>\n");
        }
    }

    #[test]
    fn lf_only_missing_close_and_a_plain_body() {
        let body = "\n--x\nContent-Type: application/sdp\n\nv=0\nm=audio 1 RTP/AVP 0\n";
        let parts = split(body.as_bytes(), None).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].body, "v=0\nm=audio 1 RTP/AVP 0\n");
        let plain = split(b"v=0\r\n", Some("application/sdp")).unwrap();
        assert_eq!(plain[0].content_type.as_deref(), Some("application/sdp"));
    }

    #[test]
    fn limits() {
        assert!(matches!(
            split(&vec![b'a'; MAX_BODY + 1], None),
            Err(MultipartError::TooLarge(_))
        ));
        let many: String = (0..20).map(|_| "--b\nContent-Type: a/b\n\nx\n").collect();
        assert!(matches!(
            split(many.as_bytes(), None),
            Err(MultipartError::TooManyParts(_))
        ));
        assert!(matches!(
            split(&[0xff, 0xfe], None),
            Err(MultipartError::NotText)
        ));
    }
}
