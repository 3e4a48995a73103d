//! Small device secrets (the device's TLS private key) in the same key store as the database
//! key: the OS keyring, or a 0600 file in the data dir where `key_store = "file"`.

use crate::VaultError;
use earshot_config::{Config, KeyStore};
use std::io::Write;

fn account(config: &Config, name: &str) -> String {
    format!(
        "{name}:{}",
        config
            .data_dir
            .canonicalize()
            .unwrap_or_else(|_| config.data_dir.clone())
            .display()
    )
}

fn file(config: &Config, name: &str) -> std::path::PathBuf {
    config.data_dir.join(format!("{name}.secret"))
}

fn keyring_error(e: keyring::Error) -> VaultError {
    VaultError::Key(format!(
        "the OS keyring is not available ({e}); set key_store = \"file\" to keep secrets in 0600 files"
    ))
}

/// Reads the secret `name`, if it is stored.
pub fn load(config: &Config, name: &str) -> Result<Option<String>, VaultError> {
    match config.key_store {
        KeyStore::File => match std::fs::read_to_string(file(config, name)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(VaultError::Key(format!("cannot read secret {name}: {e}"))),
        },
        KeyStore::Keyring => {
            let entry =
                keyring::Entry::new("earshot", &account(config, name)).map_err(keyring_error)?;
            match entry.get_password() {
                Ok(v) => Ok(Some(v)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(keyring_error(e)),
            }
        }
    }
}

/// Stores the secret `name` (replacing any earlier one). The file form is written to a 0600
/// temp file, synced, then renamed into place.
pub fn store(config: &Config, name: &str, value: &str) -> Result<(), VaultError> {
    match config.key_store {
        KeyStore::File => {
            let path = file(config, name);
            let err = |e: std::io::Error| {
                VaultError::DataDir(format!("cannot write {}: {e}", path.display()))
            };
            std::fs::create_dir_all(&config.data_dir).map_err(err)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .tempfile_in(&config.data_dir)
                .map_err(err)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))
                    .map_err(err)?;
            }
            tmp.write_all(value.as_bytes())
                .and_then(|_| tmp.as_file().sync_all())
                .map_err(err)?;
            tmp.persist(&path).map_err(|e| err(e.error))?;
            Ok(())
        }
        KeyStore::Keyring => keyring::Entry::new("earshot", &account(config, name))
            .and_then(|e| e.set_password(value))
            .map_err(keyring_error),
    }
}
