//! A SIP message as the receiver reads it after the allow-list.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = earshot_siprec::server::parse_request(data);
});
