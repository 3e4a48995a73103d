//! SRTP with SDES keys (RFC 4568 `a=crypto`): the recorder's key decrypts its stream
//! (webrtc-srtp does the cryptography), and our answer carries a key of our own, as the answerer
//! must. Suites: AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32.

use crate::sdp::Crypto;
use base64::Engine;
use webrtc_srtp::context::Context;
use webrtc_srtp::protection_profile::ProtectionProfile;

/// The recorder's master key and salt for one stream. Its `Debug` never shows them.
#[derive(Clone)]
pub struct Keys {
    profile: ProtectionProfile,
    key: [u8; 16],
    salt: [u8; 14],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("key", &"<redacted>").finish()
    }
}

fn profile(suite: &str) -> Option<ProtectionProfile> {
    match suite.to_ascii_uppercase().as_str() {
        "AES_CM_128_HMAC_SHA1_80" => Some(ProtectionProfile::Aes128CmHmacSha1_80),
        "AES_CM_128_HMAC_SHA1_32" => Some(ProtectionProfile::Aes128CmHmacSha1_32),
        _ => None,
    }
}

impl Keys {
    /// Reads `inline:BASE64[|lifetime][|MKI:length]` for a supported suite.
    pub fn parse(c: &Crypto) -> Option<Keys> {
        let profile = profile(&c.suite)?;
        let inline = c.key_params.strip_prefix("inline:")?;
        let b64 = inline.split('|').next()?;
        if inline.split('|').any(|p| p.contains(':')) {
            // An MKI would prefix every packet's tag: not supported.
            return None;
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64))
            .ok()?;
        if raw.len() != 30 {
            return None;
        }
        let mut key = [0u8; 16];
        let mut salt = [0u8; 14];
        key.copy_from_slice(&raw[..16]);
        salt.copy_from_slice(&raw[16..]);
        Some(Keys { profile, key, salt })
    }

    /// The first offered line we support, with our answer line (same tag and suite, our key).
    pub fn choose(offered: &[Crypto]) -> Option<(Keys, Crypto)> {
        offered.iter().find_map(|c| {
            let keys = Keys::parse(c)?;
            let ours: [u8; 30] = std::array::from_fn(|_| rand::random::<u8>());
            Some((
                keys,
                Crypto {
                    tag: c.tag,
                    suite: c.suite.clone(),
                    key_params: format!(
                        "inline:{}",
                        base64::engine::general_purpose::STANDARD.encode(ours)
                    ),
                },
            ))
        })
    }

    /// Whether `other` is the same key, salt and suite (a re-offer that keeps its key).
    pub fn same_as(&self, other: &Keys) -> bool {
        std::mem::discriminant(&self.profile) == std::mem::discriminant(&other.profile)
            && self.key == other.key
            && self.salt == other.salt
    }

    /// A decryption context for the stream.
    pub fn context(&self) -> Result<Context, String> {
        Context::new(&self.key, &self.salt, self.profile, None, None).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(suite: &str, params: &str) -> Crypto {
        Crypto {
            tag: 1,
            suite: suite.into(),
            key_params: params.into(),
        }
    }

    #[test]
    fn sdes_lines_we_take_and_those_we_do_not() {
        let good = "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
        assert!(Keys::parse(&line("AES_CM_128_HMAC_SHA1_80", good)).is_some());
        assert!(Keys::parse(&line("AES_CM_128_HMAC_SHA1_32", &format!("{good}|2^20"))).is_some());
        assert!(Keys::parse(&line(
            "AES_CM_128_HMAC_SHA1_80",
            &format!("{good}|2^20|1:4")
        ))
        .is_none());
        assert!(Keys::parse(&line("F8_128_HMAC_SHA1_80", good)).is_none());
        assert!(Keys::parse(&line("AES_CM_128_HMAC_SHA1_80", "inline:c2hvcnQ=")).is_none());
        let (keys, ours) = Keys::choose(&[
            line("AES_256_CM_HMAC_SHA1_80", good),
            line("AES_CM_128_HMAC_SHA1_80", good),
        ])
        .unwrap();
        assert_eq!(ours.suite, "AES_CM_128_HMAC_SHA1_80");
        assert_ne!(ours.key_params, good, "our own key in the answer");
        assert!(keys.context().is_ok());
        assert!(!format!("{keys:?}").contains("WVNf"));
    }
}
