//! The database key: 32 random bytes, kept in the OS keyring or (explicitly configured) in a
//! 0600 key file in the data dir.

use crate::VaultError;
use earshot_config::{Config, KeyStore};
use rand::RngCore;
use std::io::Write;
use std::path::Path;

/// Whether the key existed or was made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyOrigin {
    Existing,
    New,
}

pub(crate) struct DatabaseKey {
    pub bytes: [u8; 32],
    pub origin: KeyOrigin,
}

impl DatabaseKey {
    /// SQLCipher's raw-key form, `x'…'`.
    pub(crate) fn pragma_value(&self) -> String {
        format!("x'{}'", hex::encode(self.bytes))
    }
}

const SERVICE: &str = "earshot";
pub(crate) const KEY_FILE: &str = "database.key";

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

fn parse(hex_text: &str, from: &str) -> Result<[u8; 32], VaultError> {
    let raw = hex::decode(hex_text.trim())
        .map_err(|_| VaultError::Key(format!("{from} does not hold a database key")))?;
    raw.try_into()
        .map_err(|_| VaultError::Key(format!("{from} does not hold a 32-byte database key")))
}

/// Loads the key, or creates one when there is no database yet. A missing key for an existing
/// database is an error: making a new one would lock the data away for good.
pub(crate) fn load_or_create(config: &Config, db_exists: bool) -> Result<DatabaseKey, VaultError> {
    match config.key_store {
        KeyStore::File => file_key(&config.data_dir.join(KEY_FILE), db_exists),
        KeyStore::Keyring => keyring_key(&config.data_dir, db_exists),
    }
}

fn file_key(path: &Path, db_exists: bool) -> Result<DatabaseKey, VaultError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(DatabaseKey {
            bytes: parse(&text, &path.display().to_string())?,
            origin: KeyOrigin::Existing,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if db_exists {
                return Err(VaultError::Key(format!(
                    "the database exists but its key file {} is missing; restore it (nothing was changed)",
                    path.display()
                )));
            }
            let bytes = create_key_file(path)?;
            tracing::warn!(path = %path.display(), "database key kept in a key file (key_store = \"file\"), not in the OS keyring");
            Ok(DatabaseKey {
                bytes,
                origin: KeyOrigin::New,
            })
        }
        Err(e) => Err(VaultError::Key(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Writes a new key where none is: a temp file (0600) is filled and synced, then hard-linked to
/// `path`, so a reader sees no key file or a whole one, never an empty or half-written one. If
/// another writer linked first, its key is the key (read back and used).
fn create_key_file(path: &Path) -> Result<[u8; 32], VaultError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".database.key.")
        .tempfile_in(dir)
        .map_err(|e| {
            VaultError::DataDir(format!("cannot create a file in {}: {e}", dir.display()))
        })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600)).map_err(
            |e| VaultError::DataDir(format!("cannot restrict {}: {e}", tmp.path().display())),
        )?;
    }
    let bytes = random_key();
    let written = tmp.as_file_mut();
    written
        .write_all(hex::encode(bytes).as_bytes())
        .and_then(|_| written.sync_all())
        .map_err(|e| VaultError::DataDir(format!("cannot write {}: {e}", path.display())))?;
    match std::fs::hard_link(tmp.path(), path) {
        Ok(()) => {
            // The new name must survive a crash too.
            #[cfg(unix)]
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(bytes)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| VaultError::Key(format!("cannot read {}: {e}", path.display())))?;
            parse(&text, &path.display().to_string())
        }
        Err(e) => Err(VaultError::DataDir(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

fn keyring_key(data_dir: &Path, db_exists: bool) -> Result<DatabaseKey, VaultError> {
    let account = format!(
        "database-key:{}",
        data_dir
            .canonicalize()
            .unwrap_or_else(|_| data_dir.to_path_buf())
            .display()
    );
    let unavailable = |e: keyring::Error| {
        VaultError::Key(format!(
            "the OS keyring is not available ({e}). On a machine without a keyring service, set \
             key_store = \"file\" in config.toml or EARSHOT_KEY_STORE=file to keep the key in a 0600 file"
        ))
    };
    let entry = keyring::Entry::new(SERVICE, &account).map_err(unavailable)?;
    match entry.get_password() {
        Ok(text) => Ok(DatabaseKey {
            bytes: parse(&text, "the keyring entry")?,
            origin: KeyOrigin::Existing,
        }),
        Err(keyring::Error::NoEntry) => {
            if db_exists {
                return Err(VaultError::Key(
                    "the database exists but its key is not in this user's keyring; restore it (nothing was changed)".into(),
                ));
            }
            entry
                .set_password(&hex::encode(random_key()))
                .map_err(unavailable)?;
            // Use what the keyring holds, not what was sent: should another writer (outside
            // the data dir's lock) have set the entry too, the stored key is the one that lasts.
            let stored = entry.get_password().map_err(unavailable)?;
            Ok(DatabaseKey {
                bytes: parse(&stored, "the keyring entry")?,
                origin: KeyOrigin::New,
            })
        }
        Err(e) => Err(unavailable(e)),
    }
}
