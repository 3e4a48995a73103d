//! A recording offer body: multipart split, SDP, metadata, roles.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(o) = earshot_siprec::offer::parse(data, None, true) {
        let _ = earshot_siprec::roles::assign(
            &o.sdp,
            o.metadata.as_ref(),
            &earshot_siprec::roles::RoleRules {
                agent_patterns: vec!["1???".into()],
                ..Default::default()
            },
        );
    }
    let text = String::from_utf8_lossy(data);
    let _ = earshot_siprec::sdp::parse(&text);
    let _ = earshot_siprec::metadata::parse(&text);
    let _ = earshot_siprec::multipart::split(data, Some("multipart/mixed; boundary=\"x\""));
});
