//! Configuration, in increasing precedence: built-in defaults, `config.toml` in the data dir,
//! `EARSHOT_*` environment variables (and, with the installer issue, the IT policy on top).
//!
//! | setting | file key | environment |
//! |---|---|---|
//! | data dir | — | `EARSHOT_DATA_DIR` (default: the OS data dir) |
//! | age recipients | `age_recipients = ["age1…"]` | `EARSHOT_AGE_RECIPIENTS` (comma-separated) |
//! | database key store | `key_store = "keyring"\|"file"` | `EARSHOT_KEY_STORE` |
//! | retention | `retention_days = 90` | `EARSHOT_RETENTION_DAYS` |

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where the database key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStore {
    /// The OS keyring (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// A 0600 key file in the data dir: the explicit fallback where no keyring service runs.
    File,
}

impl std::str::FromStr for KeyStore {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "keyring" => Ok(KeyStore::Keyring),
            "file" => Ok(KeyStore::File),
            other => Err(ConfigError::Invalid(format!(
                "key store '{other}': use 'keyring' or 'file'"
            ))),
        }
    }
}

impl KeyStore {
    /// The name used in config and logs.
    pub fn name(self) -> &'static str {
        match self {
            KeyStore::Keyring => "keyring",
            KeyStore::File => "file",
        }
    }
}

/// Errors reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A value is wrong.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The effective configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where the database, key file and config file live.
    pub data_dir: PathBuf,
    /// age X25519 recipients sensitive values are sealed to (empty: values are dropped).
    pub age_recipients: Vec<String>,
    /// Where the database key is kept.
    pub key_store: KeyStore,
    /// Calls older than this many days are purged.
    pub retention_days: u32,
}

/// Default retention, as the contact-center guidance suggests.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    age_recipients: Option<Vec<String>>,
    key_store: Option<KeyStore>,
    retention_days: Option<u32>,
}

impl Config {
    /// Loads the configuration from the process environment.
    pub fn load() -> Result<Config, ConfigError> {
        Config::load_from(|k| std::env::var(k).ok())
    }

    /// Loads the configuration with `env` as the environment (for tests).
    pub fn load_from(env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let data_dir = env("EARSHOT_DATA_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(default_data_dir);
        let file = read_file(&data_dir.join("config.toml"))?;
        let mut config = Config {
            data_dir,
            age_recipients: file.age_recipients.unwrap_or_default(),
            key_store: file.key_store.unwrap_or(KeyStore::Keyring),
            retention_days: file.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS),
        };
        if let Some(r) = env("EARSHOT_AGE_RECIPIENTS") {
            config.age_recipients = r
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(k) = env("EARSHOT_KEY_STORE") {
            config.key_store = k.parse()?;
        }
        if let Some(d) = env("EARSHOT_RETENTION_DAYS") {
            config.retention_days = d.trim().parse().map_err(|_| {
                ConfigError::Invalid(format!(
                    "EARSHOT_RETENTION_DAYS '{d}' is not a number of days"
                ))
            })?;
        }
        if config.retention_days == 0 {
            return Err(ConfigError::Invalid(
                "retention_days must be at least 1".into(),
            ));
        }
        Ok(config)
    }

    /// A description without secrets, recorded in the audit log when it changes.
    pub fn audit_summary(&self) -> String {
        format!(
            "recipients=[{}] key_store={} retention_days={}",
            self.age_recipients.join(","),
            self.key_store.name(),
            self.retention_days
        )
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| ConfigError::Invalid(format!("{}: {}", path.display(), e.message()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
        Err(e) => Err(ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("com", "Earshot", "earshot")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".earshot"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(dir: &Path, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        env.insert("EARSHOT_DATA_DIR".into(), dir.display().to_string());
        Config::load_from(|k| env.get(k).cloned())
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), &[]).unwrap();
        assert_eq!(
            (c.key_store, c.retention_days, c.age_recipients.len()),
            (KeyStore::Keyring, 90, 0)
        );
        std::fs::write(
            dir.path().join("config.toml"),
            "key_store = \"file\"\nretention_days = 30\nage_recipients = [\"age1a\"]\n",
        )
        .unwrap();
        let c = load(dir.path(), &[]).unwrap();
        assert_eq!((c.key_store, c.retention_days), (KeyStore::File, 30));
        let c = load(
            dir.path(),
            &[
                ("EARSHOT_KEY_STORE", "keyring"),
                ("EARSHOT_AGE_RECIPIENTS", "age1x, age1y"),
                ("EARSHOT_RETENTION_DAYS", "7"),
            ],
        )
        .unwrap();
        assert_eq!(c.key_store, KeyStore::Keyring);
        assert_eq!(c.age_recipients, vec!["age1x", "age1y"]);
        assert_eq!(c.retention_days, 7);
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path(), &[("EARSHOT_KEY_STORE", "vault")])
            .unwrap_err()
            .to_string()
            .contains("'keyring' or 'file'"));
        std::fs::write(dir.path().join("config.toml"), "retention = 3\n").unwrap();
        assert!(load(dir.path(), &[])
            .unwrap_err()
            .to_string()
            .contains("config.toml"));
    }
}
