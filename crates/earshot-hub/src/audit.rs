//! The hub's audit log: every API request, append-only and hash-chained, with signed
//! checkpoints.
//!
//! Entry `n` stores the hash of entry `n-1` and its own hash over its fields and that link, so an
//! edit, a deletion or a reordering breaks the chain there. A chain rebuilt from scratch after
//! tampering would check out on its own, so every [`CHECKPOINT_EVERY`] entries (and on request)
//! the hub signs a checkpoint — origin, size, head hash, Ed25519 signature, in the C2SP
//! tlog-checkpoint note format — and hands the latest to every device with each upload
//! response. A log that was rewritten or cut short then contradicts a checkpoint held outside
//! the hub.

use crate::store::{AuditRecord, Checkpoint, NewAudit};
use crate::HubError;
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A checkpoint is signed after this many entries.
pub const CHECKPOINT_EVERY: i64 = 1000;

/// The hash of an entry linked to `prev`.
pub fn entry_hash(r: &AuditRecord, prev: &str) -> String {
    let mut h = Sha256::new();
    for field in [
        r.id.to_string(),
        r.at_ms.to_string(),
        r.actor.clone(),
        r.role.clone(),
        r.action.clone(),
        r.target.clone(),
        r.source.clone(),
        r.outcome.clone(),
        prev.to_string(),
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The entry after (`last`, `prev`) for `e`, hashed.
pub fn next(last: i64, prev: &str, e: &NewAudit, now_ms: i64) -> AuditRecord {
    let mut rec = AuditRecord {
        id: last + 1,
        at_ms: now_ms,
        actor: e.actor.clone(),
        role: e.role.clone(),
        action: e.action.clone(),
        target: e.target.clone(),
        source: e.source.clone(),
        outcome: e.outcome.clone(),
        prev_hash: prev.to_string(),
        hash: String::new(),
    };
    rec.hash = entry_hash(&rec, prev);
    rec
}

/// The checkpoint signer: an Ed25519 key and the log's origin line.
pub struct Signer {
    key: Ed25519KeyPair,
    origin: String,
}

fn key_id(origin: &str, public: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(origin.as_bytes());
    h.update([0x0a, 0x01]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

impl Signer {
    /// A new random key, as PKCS#8 bytes to keep (0600) on the hub.
    pub fn generate() -> Result<Vec<u8>, HubError> {
        let rng = ring::rand::SystemRandom::new();
        Ed25519KeyPair::generate_pkcs8(&rng)
            .map(|d| d.as_ref().to_vec())
            .map_err(|_| HubError::Pki("cannot generate the checkpoint key".into()))
    }

    /// The signer for `origin` with the PKCS#8 key `pkcs8`.
    pub fn new(origin: &str, pkcs8: &[u8]) -> Result<Signer, HubError> {
        let key = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|e| HubError::Pki(format!("the checkpoint key is not valid: {e}")))?;
        Ok(Signer {
            key,
            origin: origin.to_string(),
        })
    }

    /// The public key (raw 32 bytes), which auditors verify checkpoints with.
    pub fn public_key(&self) -> Vec<u8> {
        self.key.public_key().as_ref().to_vec()
    }

    /// Signs the log's state.
    pub fn checkpoint(&self, size: i64, head: &str, at_ms: i64) -> Result<Checkpoint, HubError> {
        let head_bytes =
            hex::decode(head).map_err(|_| HubError::Store("audit head is not hex".into()))?;
        let b64 = base64::engine::general_purpose::STANDARD;
        let body = format!("{}\n{size}\n{}\n", self.origin, b64.encode(head_bytes));
        let sig = self.key.sign(body.as_bytes());
        let mut blob = key_id(&self.origin, self.key.public_key().as_ref()).to_vec();
        blob.extend_from_slice(sig.as_ref());
        Ok(Checkpoint {
            size,
            head: head.to_string(),
            at_ms,
            note: format!("{body}\n\u{2014} {} {}\n", self.origin, b64.encode(blob)),
        })
    }
}

/// Checks a checkpoint note's signature with `public_key` and returns (origin, size, head hex).
pub fn verify_note(note: &str, public_key: &[u8]) -> Result<(String, i64, String), HubError> {
    let bad = |why: &str| HubError::Audit(format!("checkpoint: {why}"));
    let (body, sigs) = note
        .split_once("\n\n")
        .ok_or_else(|| bad("no signature block"))?;
    let body = format!("{body}\n");
    let mut lines = body.lines();
    let origin = lines.next().ok_or_else(|| bad("no origin"))?.to_string();
    let size: i64 = lines
        .next()
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| bad("no size"))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let head = lines
        .next()
        .and_then(|l| b64.decode(l).ok())
        .map(hex::encode)
        .ok_or_else(|| bad("no head hash"))?;
    let want = key_id(&origin, public_key);
    for line in sigs.lines() {
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            continue;
        };
        let Some((_, sig)) = rest.rsplit_once(' ') else {
            continue;
        };
        let Ok(blob) = b64.decode(sig) else { continue };
        if blob.len() == 68 && blob[..4] == want {
            UnparsedPublicKey::new(&ED25519, public_key)
                .verify(body.as_bytes(), &blob[4..])
                .map_err(|_| bad("the signature does not verify"))?;
            return Ok((origin, size, head));
        }
    }
    Err(bad("no signature by this hub's key"))
}

/// What walking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Verdict {
    /// Entries walked.
    pub entries: i64,
    /// Checkpoints checked against the chain.
    pub checkpoints: usize,
    /// The first problem, if any.
    pub problem: Option<String>,
}

/// Walks `records` (the whole chain, oldest first) and checks every checkpoint in `checkpoints`
/// against it: the signature, and that the entry at its size has its head hash. A checkpoint
/// beyond the chain's end means the log was cut short.
pub fn verify(records: &[AuditRecord], checkpoints: &[Checkpoint], public_key: &[u8]) -> Verdict {
    let mut prev = GENESIS.to_string();
    let fail = |entries: i64, checked: usize, why: String| Verdict {
        entries,
        checkpoints: checked,
        problem: Some(why),
    };
    for (i, r) in records.iter().enumerate() {
        let want_id = i as i64 + 1;
        if r.id != want_id {
            return fail(
                want_id - 1,
                0,
                format!("entry {want_id} is missing (next is {})", r.id),
            );
        }
        if r.prev_hash != prev {
            return fail(
                want_id - 1,
                0,
                format!("entry {want_id} does not link to the one before it"),
            );
        }
        if entry_hash(r, &prev) != r.hash {
            return fail(
                want_id - 1,
                0,
                format!("entry {want_id} was changed after it was written"),
            );
        }
        prev = r.hash.clone();
    }
    let n = records.len() as i64;
    for (k, c) in checkpoints.iter().enumerate() {
        let (_, size, head) = match verify_note(&c.note, public_key) {
            Ok(v) => v,
            Err(e) => return fail(n, k, e.to_string()),
        };
        if size != c.size || head != c.head {
            return fail(
                n,
                k,
                format!("checkpoint {size}: its note and its fields disagree"),
            );
        }
        if size > n {
            return fail(
                n,
                k,
                format!("checkpoint says {size} entries but the log has {n}: it was cut short"),
            );
        }
        if size > 0 && records[size as usize - 1].hash != head {
            return fail(
                n,
                k,
                format!("entry {size} is not the one the checkpoint signed: the log was rewritten"),
            );
        }
    }
    Verdict {
        entries: n,
        checkpoints: checkpoints.len(),
        problem: None,
    }
}
