//! Recording metadata (RFC 7865 `rs-metadata`), read the way vendors actually send it: the
//! namespaces `urn:ietf:params:xml:ns:recording:1`, `urn:ietf:params:xml:ns:recording` (Acme,
//! Sonus with a `tns:` prefix) and BroadWorks' draft `urn:ietf:params:xml:ns:siprec`, all read by
//! local element name; both attribute styles (`participant_id`/`stream_id`/`session_id` and
//! Acme's `id=`/`session=`); `<send>`/`<recv>` inside `<participantstreamassoc>` or, Acme style,
//! inside `<participant>`; Acme's `callingParty` extension.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A participant of the recorded call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    /// Its id in the metadata.
    pub id: String,
    /// Its address of record (`sip:1002@pbx`), if given.
    pub aor: Option<String>,
    /// Its display name, if given.
    pub name: Option<String>,
    /// Streams it sends (by stream id).
    pub sends: Vec<String>,
    /// Streams it receives.
    pub receives: Vec<String>,
    /// Acme's `callingParty` extension: whether it placed the call.
    pub calling: Option<bool>,
}

/// A recorded stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stream {
    /// Its id in the metadata.
    pub id: String,
    /// The SDP `a=label` it is carried on.
    pub label: Option<String>,
}

/// What the metadata says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The participants, in document order.
    pub participants: Vec<Participant>,
    /// The streams, in document order.
    pub streams: Vec<Stream>,
    /// The recorded call's SIP Call-ID (`sipSessionID` / Sonus `callid`), if given.
    pub call_id: Option<String>,
}

impl Metadata {
    /// The participant sending the stream on SDP label `label`, if the metadata says.
    pub fn sender_of_label(&self, label: &str) -> Option<&Participant> {
        let stream = self
            .streams
            .iter()
            .find(|s| s.label.as_deref() == Some(label))?;
        self.participants
            .iter()
            .find(|p| p.sends.iter().any(|s| s == &stream.id))
    }
}

/// Why metadata cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// Larger than the limit.
    #[error("metadata of {0} bytes is over the limit")]
    TooLarge(usize),
    /// Not well-formed XML.
    #[error("metadata is not well-formed XML: {0}")]
    Xml(String),
    /// Too many elements.
    #[error("metadata has more than {0} participants or streams")]
    TooMany(usize),
    /// Nested too deep.
    #[error("metadata is nested deeper than {0}")]
    TooDeep(usize),
}

/// The largest metadata accepted.
pub const MAX_METADATA: usize = 48 * 1024;
/// The most participants (and streams) accepted.
pub const MAX_ITEMS: usize = 64;
/// The deepest nesting accepted.
pub const MAX_DEPTH: usize = 32;

fn local(name: &[u8]) -> String {
    let name = name.rsplit(|b| *b == b':').next().unwrap_or(name);
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

fn attr(e: &BytesStart, names: &[&str]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = local(a.key.as_ref());
        names
            .contains(&key.as_str())
            .then(|| {
                let raw = String::from_utf8_lossy(&a.value).to_string();
                quick_xml::escape::unescape(&raw)
                    .map(|v| v.into_owned())
                    .unwrap_or(raw)
            })
            .map(|v| v.trim().to_string())
    })
}

/// Parses `rs-metadata`.
pub fn parse(xml: &str) -> Result<Metadata, MetadataError> {
    if xml.len() > MAX_METADATA {
        return Err(MetadataError::TooLarge(xml.len()));
    }
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut md = Metadata::default();
    // Open elements (local names) and, for the innermost participant / stream / association,
    // which record text and children go to.
    let mut stack: Vec<String> = Vec::new();
    let mut participant: Option<usize> = None;
    let mut stream: Option<usize> = None;
    let mut assoc: Option<String> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| MetadataError::Xml(e.to_string()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = local(e.name().as_ref());
                match name.as_str() {
                    "participant" => {
                        let id = attr(e, &["participant_id", "id"]).unwrap_or_default();
                        let i = match md.participants.iter().position(|p| p.id == id) {
                            Some(i) => i,
                            None => {
                                if md.participants.len() >= MAX_ITEMS {
                                    return Err(MetadataError::TooMany(MAX_ITEMS));
                                }
                                md.participants.push(Participant {
                                    id,
                                    ..Participant::default()
                                });
                                md.participants.len() - 1
                            }
                        };
                        participant = Some(i);
                    }
                    "stream" => {
                        if md.streams.len() >= MAX_ITEMS {
                            return Err(MetadataError::TooMany(MAX_ITEMS));
                        }
                        md.streams.push(Stream {
                            id: attr(e, &["stream_id", "id"]).unwrap_or_default(),
                            label: None,
                        });
                        stream = Some(md.streams.len() - 1);
                    }
                    "participantstreamassoc" => {
                        assoc = attr(e, &["participant_id", "id"]);
                    }
                    "nameid" => {
                        if let (Some(i), Some(aor)) = (participant, attr(e, &["aor"])) {
                            md.participants[i].aor = Some(aor);
                        }
                    }
                    _ => {}
                }
                if !empty {
                    if stack.len() >= MAX_DEPTH {
                        return Err(MetadataError::TooDeep(MAX_DEPTH));
                    }
                    stack.push(name);
                } else {
                    close(&name, &mut participant, &mut stream, &mut assoc);
                }
            }
            Event::Text(t) => {
                let raw = String::from_utf8_lossy(t.as_ref()).to_string();
                let text = quick_xml::escape::unescape(&raw)
                    .map(|v| v.into_owned())
                    .unwrap_or(raw)
                    .trim()
                    .to_string();
                let Some(name) = stack.last() else { continue };
                match name.as_str() {
                    "label" => {
                        if let Some(s) = stream {
                            md.streams[s].label = Some(text);
                        }
                    }
                    "name" => {
                        if let Some(i) = participant {
                            if !text.is_empty() {
                                md.participants[i].name = Some(text);
                            }
                        }
                    }
                    "send" | "recv" => {
                        let target = match (&assoc, participant) {
                            (Some(id), _) => md.participants.iter().position(|p| &p.id == id),
                            (None, Some(i)) => Some(i),
                            _ => None,
                        };
                        let target = match (target, &assoc) {
                            (Some(i), _) => Some(i),
                            // An association naming a participant not (yet) listed.
                            (None, Some(id)) if md.participants.len() < MAX_ITEMS => {
                                md.participants.push(Participant {
                                    id: id.clone(),
                                    ..Participant::default()
                                });
                                Some(md.participants.len() - 1)
                            }
                            _ => None,
                        };
                        if let Some(i) = target {
                            let p = &mut md.participants[i];
                            if name == "send" {
                                p.sends.push(text);
                            } else {
                                p.receives.push(text);
                            }
                        }
                    }
                    "callingparty" => {
                        if let Some(i) = participant {
                            md.participants[i].calling = match text.as_str() {
                                "true" | "1" => Some(true),
                                "false" | "0" => Some(false),
                                _ => None,
                            };
                        }
                    }
                    "sipsessionid" | "callid" if md.call_id.is_none() && !text.is_empty() => {
                        md.call_id = Some(text);
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                if let Some(name) = stack.pop() {
                    close(&name, &mut participant, &mut stream, &mut assoc);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(md)
}

fn close(
    name: &str,
    participant: &mut Option<usize>,
    stream: &mut Option<usize>,
    assoc: &mut Option<String>,
) {
    match name {
        "participant" => *participant = None,
        "stream" => *stream = None,
        "participantstreamassoc" => *assoc = None,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_attribute_styles_and_prefixes() {
        let acme = r#"<recording xmlns='urn:ietf:params:xml:ns:recording'>
          <participant id="P1" session="S"><nameID aor="sip:9000@pbx"><name>9000</name></nameID>
            <send>A</send><extensiondata xmlns:apkt="x"><apkt:callingParty>true</apkt:callingParty></extensiondata></participant>
          <participant id="P2" session="S"><nameID aor="sip:1002@pbx"/><send>B</send></participant>
          <stream id="A" session="S"><label>11</label></stream>
          <stream id="B" session="S"><label>12</label></stream></recording>"#;
        let md = parse(acme).unwrap();
        assert_eq!(
            md.sender_of_label("11").unwrap().aor.as_deref(),
            Some("sip:9000@pbx")
        );
        assert_eq!(md.sender_of_label("12").unwrap().id, "P2");
        assert_eq!(md.participants[0].calling, Some(true));
        let tns = r#"<tns:recording xmlns:tns='urn:ietf:params:xml:ns:recording'>
          <tns:participantstreamassoc participant_id="Q"><tns:send>X</tns:send><tns:recv>Y</tns:recv></tns:participantstreamassoc>
          <tns:participant participant_id="Q"><tns:nameID aor="2249888500@h"><tns:name> </tns:name></tns:nameID></tns:participant>
          <tns:stream stream_id="X" session_id="S"><tns:label>1</tns:label></tns:stream></tns:recording>"#;
        let md = parse(tns).unwrap();
        let p = md.sender_of_label("1").unwrap();
        assert_eq!(
            (p.aor.as_deref(), p.name.as_deref()),
            (Some("2249888500@h"), None)
        );
        assert_eq!(p.receives, vec!["Y"]);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(parse("<recording><participant>"), Ok(_) | Err(_)));
        assert!(matches!(parse("<a></b>"), Err(MetadataError::Xml(_))));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(&deep), Err(MetadataError::TooDeep(_))));
        let many: String = (0..MAX_ITEMS + 1)
            .map(|i| format!("<stream stream_id='{i}'/>"))
            .collect();
        assert!(matches!(
            parse(&format!("<recording>{many}</recording>")),
            Err(MetadataError::TooMany(_))
        ));
    }
}
