//! Sealing with [age](https://age-encryption.org): the workstation encrypts every sensitive value
//! to the organisation's X25519 *recipients* (public keys) and can never decrypt it; only an
//! operator holding the matching *identity* can.

pub mod spool;

use age::secrecy::ExposeSecret;
use earshot_redact::SensitiveValue;
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;

/// Errors from sealing, unsealing and key handling.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// A configured recipient is not an age X25519 public key.
    #[error("'{0}' is not an age recipient (expected age1…)")]
    BadRecipient(String),
    /// The identity file holds no age X25519 secret key.
    #[error("{0} holds no age identity (expected a line AGE-SECRET-KEY-1…)")]
    BadIdentity(String),
    /// The identity does not match any recipient the value was sealed to.
    #[error("this identity cannot open the sealed values (it is not one of the recipients they were sealed to)")]
    WrongIdentity,
    /// The ciphertext is damaged.
    #[error("sealed value is damaged: {0}")]
    Damaged(String),
    /// age refused to encrypt.
    #[error("sealing failed: {0}")]
    Encrypt(String),
    /// File system error.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// Encrypts values to a fixed set of recipients (one, or two during key rotation).
#[derive(Clone)]
pub struct Sealer {
    recipients: Vec<age::x25519::Recipient>,
}

impl Sealer {
    /// A sealer for `recipients` (age1… strings); `None` when the list is empty.
    pub fn new<S: AsRef<str>>(recipients: &[S]) -> Result<Option<Sealer>, SealError> {
        let parsed = recipients
            .iter()
            .map(|r| r.as_ref().trim())
            .filter(|r| !r.is_empty())
            .map(|r| {
                age::x25519::Recipient::from_str(r)
                    .map_err(|_| SealError::BadRecipient(r.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((!parsed.is_empty()).then_some(Sealer { recipients: parsed }))
    }

    /// How many recipients values are sealed to.
    pub fn recipient_count(&self) -> usize {
        self.recipients.len()
    }

    /// Seals one value (its original text and normalised form) into an age file.
    pub fn seal(&self, value: &SensitiveValue) -> Result<Vec<u8>, SealError> {
        let (original, normalized) = value.expose();
        let payload = serde_json::to_vec(&Payload {
            original: original.to_string(),
            normalized: normalized.to_string(),
        })
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
        let encryptor = age::Encryptor::with_recipients(
            self.recipients.iter().map(|r| r as &dyn age::Recipient),
        )
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
        let mut out = Vec::with_capacity(payload.len() + 256);
        let mut writer = encryptor
            .wrap_output(&mut out)
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
        writer
            .write_all(&payload)
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
        Ok(out)
    }
}

/// The store-ready form of a line's findings: span, tag position, confidence, and the original
/// value sealed to `sealer`'s recipients (`None` without recipients: the value is dropped).
/// This is the only place an original value is turned into something that leaves the pipeline.
pub fn seal_findings(
    sealer: Option<&Sealer>,
    findings: &[earshot_redact::Finding],
) -> Result<Vec<earshot_core::SealedFinding>, SealError> {
    findings
        .iter()
        .map(|f| {
            Ok(earshot_core::SealedFinding {
                span: f.span(),
                tag_start: f.tag_start,
                confidence: f.confidence,
                sealed: sealer.map(|s| s.seal(&f.value)).transpose()?,
            })
        })
        .collect()
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    original: String,
    normalized: String,
}

/// A value opened by an operator.
#[derive(Clone, PartialEq, Eq)]
pub struct RevealedValue {
    /// The text exactly as it was said or typed.
    pub original: String,
    /// Its normalised form (digits of a card number, an address in `a@b.c` form).
    pub normalized: String,
}

impl std::fmt::Debug for RevealedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevealedValue(<secret>)")
    }
}

/// An operator's age identity (secret key). Lives with the operator, never on a workstation.
pub struct OperatorIdentity {
    identity: age::x25519::Identity,
}

impl OperatorIdentity {
    /// A new random identity.
    pub fn generate() -> OperatorIdentity {
        OperatorIdentity {
            identity: age::x25519::Identity::generate(),
        }
    }

    /// The public recipient (age1…) to configure on workstations.
    pub fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }

    /// Writes the identity in age's key-file format to a new file with mode 0600.
    /// Refuses to overwrite an existing file.
    pub fn write_new_file(&self, path: &Path) -> Result<(), SealError> {
        let io = |context: &str| {
            let context = format!("{context} {}", path.display());
            move |source| SealError::Io { context, source }
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io("cannot create"))?;
        let text = format!(
            "# earshot operator identity: keep it secret, keep it off agent workstations\n# public key: {}\n{}\n",
            self.recipient(),
            self.identity.to_string().expose_secret()
        );
        file.write_all(text.as_bytes())
            .map_err(io("cannot write"))?;
        file.sync_all().map_err(io("cannot write"))
    }

    /// Reads an identity file (age key-file format).
    pub fn read_file(path: &Path) -> Result<OperatorIdentity, SealError> {
        let text = std::fs::read_to_string(path).map_err(|source| SealError::Io {
            context: format!("cannot read {}", path.display()),
            source,
        })?;
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .ok_or_else(|| SealError::BadIdentity(path.display().to_string()))?;
        let identity = age::x25519::Identity::from_str(line)
            .map_err(|_| SealError::BadIdentity(path.display().to_string()))?;
        Ok(OperatorIdentity { identity })
    }

    /// Opens a sealed value.
    pub fn unseal(&self, sealed: &[u8]) -> Result<RevealedValue, SealError> {
        let decryptor =
            age::Decryptor::new(sealed).map_err(|e| SealError::Damaged(e.to_string()))?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => SealError::WrongIdentity,
                other => SealError::Damaged(other.to_string()),
            })?;
        let mut plain = Vec::new();
        reader
            .read_to_end(&mut plain)
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let p: Payload =
            serde_json::from_slice(&plain).map_err(|e| SealError::Damaged(e.to_string()))?;
        Ok(RevealedValue {
            original: p.original,
            normalized: p.normalized,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value() -> SensitiveValue {
        let r = earshot_redact::redact_line("card 4532 0151 1283 0366");
        r.findings[0].value.clone()
    }

    #[test]
    fn sealed_values_open_only_with_a_recipients_identity() {
        let a = OperatorIdentity::generate();
        let b = OperatorIdentity::generate();
        let stranger = OperatorIdentity::generate();
        let sealer = Sealer::new(&[a.recipient(), b.recipient()])
            .unwrap()
            .unwrap();
        let sealed = sealer.seal(&value()).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("4532"));
        for who in [&a, &b] {
            let v = who.unseal(&sealed).unwrap();
            assert_eq!(v.original, "4532 0151 1283 0366");
            assert_eq!(v.normalized, "4532015112830366");
        }
        assert!(matches!(
            stranger.unseal(&sealed),
            Err(SealError::WrongIdentity)
        ));
        assert!(matches!(a.unseal(b"garbage"), Err(SealError::Damaged(_))));
    }

    #[test]
    fn no_recipients_means_no_sealer_and_bad_ones_are_errors() {
        assert!(Sealer::new::<&str>(&[]).unwrap().is_none());
        assert!(Sealer::new(&["", " "]).unwrap().is_none());
        assert!(matches!(
            Sealer::new(&["age1nope"]),
            Err(SealError::BadRecipient(_))
        ));
    }

    #[test]
    fn identity_files_are_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("operator.key");
        let id = OperatorIdentity::generate();
        id.write_new_file(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(OperatorIdentity::generate().write_new_file(&path).is_err());
        assert_eq!(
            OperatorIdentity::read_file(&path).unwrap().recipient(),
            id.recipient()
        );
    }
}
