//! Every vendor INVITE body we have (tests/data, copied from real recorders' offers) parses to
//! the right streams and participants, or is refused with the right status.

use earshot_core::Speaker;
use earshot_siprec::offer::{self, Offer, OfferError};
use earshot_siprec::roles::{assign, Basis, RoleRules};
use earshot_siprec::sdp::{Codec, Direction};

fn body(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn offer(name: &str) -> Offer {
    offer::parse(&body(name), None, true).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn rules(patterns: &[&str]) -> RoleRules {
    RoleRules {
        agent_patterns: patterns.iter().map(|p| p.to_string()).collect(),
        ..RoleRules::default()
    }
}

fn labels(o: &Offer) -> Vec<&str> {
    o.sdp
        .media
        .iter()
        .map(|m| m.label.as_deref().unwrap_or("-"))
        .collect()
}

const C: Option<Speaker> = Some(Speaker::Caller);
const A: Option<Speaker> = Some(Speaker::Agent);

#[test]
fn acme_oracle_id_style_with_send_inside_participant_and_calling_party() {
    let o = offer("acme-siprec-offer.txt");
    assert_eq!(labels(&o), ["16777227", "16777228"]);
    assert!(o
        .sdp
        .media
        .iter()
        .all(|m| m.audio_codec() == Some((Codec::Pcmu, 0))));
    let md = o.metadata.as_ref().unwrap();
    assert_eq!(md.participants.len(), 2);
    assert_eq!(
        md.sender_of_label("16777228").unwrap().aor.as_deref(),
        Some("sip:1002@192.168.50.10")
    );
    let by_pattern = assign(&o.sdp, o.metadata.as_ref(), &rules(&["1???"]));
    assert_eq!(
        (by_pattern.speakers.clone(), by_pattern.basis),
        (vec![C, A], Basis::AgentPattern)
    );
    assert_eq!(by_pattern.agent.as_deref(), Some("sip:1002@192.168.50.10"));
    let by_calling = assign(&o.sdp, o.metadata.as_ref(), &rules(&[]));
    assert_eq!(
        (by_calling.speakers, by_calling.basis),
        (vec![C, A], Basis::CallingParty)
    );
}

#[test]
fn sonus_prefixed_namespace_sends_the_caller_on_the_second_stream() {
    let o = offer("sonus-siprec-offer.txt");
    assert_eq!(labels(&o), ["1", "2"]);
    let md = o.metadata.as_ref().unwrap();
    assert_eq!(
        md.call_id.as_deref(),
        Some("2da553f7-a48b-1235-d6a2-5254003a4988")
    );
    // The agent (extension 8012) sends label 1: the first stream is NOT the caller here.
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["2249888012"]));
    assert_eq!((r.speakers, r.basis), (vec![A, C], Basis::AgentPattern));
}

#[test]
fn cisco_cube_with_an_extra_gtd_part() {
    let o = offer("cisco-siprec-offer.txt");
    assert_eq!(labels(&o), ["1", "2"]);
    assert_eq!(o.other_parts, ["application/gtd"]);
    assert!(o.sdp.media.iter().all(|m| m.telephone_event() == Some(101)));
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["7300"]));
    assert_eq!((r.speakers, r.basis), (vec![C, A], Basis::AgentPattern));
}

#[test]
fn broadworks_mixed_stream_and_draft_metadata_before_the_sdp() {
    let o = offer("broadworks-offer.txt");
    assert_eq!(labels(&o), ["1"]);
    let m = &o.sdp.media[0];
    assert_eq!(m.audio_codec(), Some((Codec::Pcma, 8)));
    assert_eq!(m.telephone_event(), Some(101));
    assert!(
        o.metadata.is_some(),
        "the recording-session part is found by its disposition"
    );
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["1*"]));
    assert_eq!(
        (r.speakers, r.basis),
        (vec![Some(Speaker::Unknown)], Basis::Mixed)
    );

    let o = offer("broadworks-offer-2.txt");
    assert_eq!(labels(&o), ["10", "20"]);
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["sip:*@asbce.com"]));
    assert_eq!((r.speakers, r.basis), (vec![C, A], Basis::AgentPattern));
    // Without a pattern that matches, the fallback rule decides, and says so.
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["9999"]));
    assert_eq!((r.speakers, r.basis), (vec![C, A], Basis::Fallback));
}

#[test]
fn procomm_labels_and_metadata_without_xml_suffix() {
    let o = offer("procomm-siprec-offer.txt");
    assert_eq!(labels(&o), ["a_leg", "b_leg"]);
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["Extension-*"]));
    assert_eq!((r.speakers, r.basis), (vec![C, A], Basis::AgentPattern));
}

#[test]
fn opensips_style_without_c_lines_or_stream_associations() {
    for name in [
        "connectel-offer.txt",
        "connectel-offer2.txt",
        "connectel-offer3.txt",
    ] {
        let o = offer(name);
        assert_eq!(labels(&o), ["1", "2"], "{name}");
        assert_eq!(o.sdp.media[0].audio_codec(), Some((Codec::Pcmu, 0)));
        assert_eq!(o.sdp.media[1].audio_codec(), Some((Codec::Pcma, 8)));
        assert_eq!(o.sdp.media[0].address, None);
        let md = o.metadata.as_ref().unwrap();
        assert_eq!(md.participants.len(), 2);
        let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["0760516936"]));
        assert_eq!(
            r.basis,
            Basis::Fallback,
            "{name}: no stream says who sends it"
        );
    }
}

#[test]
fn an_inactive_offer_parses_paused() {
    let o = offer("inactive-sdp-offer.txt");
    assert_eq!(labels(&o), ["1", "2"]);
    assert!(o
        .sdp
        .media
        .iter()
        .all(|m| m.direction == Direction::Inactive));
}

#[test]
fn a_plain_sdp_without_siprec_is_refused_with_421() {
    let err = offer::parse(
        &body("non-siprec-payload.txt"),
        Some("application/sdp"),
        false,
    )
    .unwrap_err();
    assert_eq!((err.clone(), err.status()), (OfferError::NotSiprec, 421));
    // Said to be SIPREC (Require: siprec), the same body is one mixed stream.
    let o = offer::parse(
        &body("non-siprec-payload.txt"),
        Some("application/sdp"),
        true,
    )
    .unwrap();
    assert_eq!(labels(&o), ["1"]);
}

#[test]
fn loose_sdp_samples_parse() {
    for name in ["sample-sdps.txt", "sample-sdp2.txt", "sample-sdp3.txt"] {
        let text = String::from_utf8(body(name)).unwrap();
        for piece in text.split("__split_here__") {
            let sdp = earshot_siprec::sdp::parse(piece).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(sdp.media.len(), 1, "{name}");
            assert!(sdp.media[0].audio_codec().is_some(), "{name}");
        }
    }
}

#[test]
fn bodies_that_are_not_offers_get_a_status_not_a_panic() {
    let cases: [(&[u8], u16); 4] = [
        (b"--b\nContent-Type: application/rs-metadata+xml\n\n<recording/>\n--b--\n", 488),
        (b"--b\nContent-Type: application/sdp\n\nv=0\n--b\nContent-Type: application/rs-metadata+xml\n\n<recording/>\n", 400),
        (b"--b\nContent-Type: application/sdp\n\nm=audio 1 RTP/AVP 0\n--b\nContent-Type: application/rs-metadata+xml\n\n<a></b>\n", 400),
        (&[b'x'; 70_000], 413),
    ];
    for (body, status) in cases {
        let err = offer::parse(body, None, true).unwrap_err();
        assert_eq!(err.status(), status, "{err}");
    }
}

#[test]
fn an_extra_mixed_stream_avaya_style_is_not_transcribed_twice() {
    let body = "--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=label:caller\r\na=sendonly\r\nm=audio 5002 RTP/AVP 0\r\na=label:agent\r\na=sendonly\r\nm=audio 5004 RTP/AVP 0\r\na=label:mixed\r\na=sendonly\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording xmlns='urn:ietf:params:xml:ns:recording:1'><participant participant_id='p1'><nameID aor='sip:+15550100@carrier'/></participant><participant participant_id='p2'><nameID aor='sip:2001@pbx'/></participant><stream stream_id='s1'><label>caller</label></stream><stream stream_id='s2'><label>agent</label></stream><stream stream_id='s3'><label>mixed</label></stream><participantstreamassoc participant_id='p1'><send>s1</send></participantstreamassoc><participantstreamassoc participant_id='p2'><send>s2</send></participantstreamassoc></recording>\r\n--b--\r\n";
    let o = offer::parse(body.as_bytes(), None, true).unwrap();
    assert_eq!(labels(&o), ["caller", "agent", "mixed"]);
    let r = assign(&o.sdp, o.metadata.as_ref(), &rules(&["2???"]));
    assert_eq!(
        (r.speakers, r.basis),
        (vec![C, A, None], Basis::AgentPattern)
    );
    // Without metadata for the streams, the label rule takes the first two only.
    let r = assign(&o.sdp, None, &rules(&[]));
    assert_eq!((r.speakers, r.basis), (vec![C, A, None], Basis::Fallback));
}
