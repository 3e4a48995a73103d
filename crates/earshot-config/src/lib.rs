//! Configuration, in increasing precedence: built-in defaults, `config.toml` in the data dir (the
//! agent's own settings), `EARSHOT_*` environment variables, and on top the organisation's
//! managed policy (`policy.toml`, pushed by IT). A key set by the policy is *managed*: it wins over
//! everything else, and [`Config::save_settings`] refuses to change it.
//!
//! | setting | file / policy key | environment |
//! |---|---|---|
//! | data dir | — | `EARSHOT_DATA_DIR` (default: the OS data dir) |
//! | age recipients | `age_recipients = ["age1…"]` | `EARSHOT_AGE_RECIPIENTS` (comma-separated) |
//! | database key store | `key_store = "keyring"\|"file"` | `EARSHOT_KEY_STORE` |
//! | retention | `retention_days = 90` | `EARSHOT_RETENTION_DAYS` |
//! | speech model | `model = "tiny.en"` | — |
//! | the model a live call is decoded again with once it has ended (`"off"`: none) | `second_pass = "base"` | `EARSHOT_SECOND_PASS` |
//! | caller's stereo channel | `caller_channel = "left"\|"right"` | — |
//! | microphone / loopback device | `mic_device`, `loopback_device` (absent: system default) | — |
//! | agents may delete calls | `allow_delete = true` | — |
//! | the SIPREC receiver | `siprec_*`: see [`siprec`] (the same keys are `earshot siprec` flags) | — |
//! | the hub summaries sync to (absent: no sync) | `hub_url = "https://hub.example:8443"` | `EARSHOT_HUB_URL` |
//! | the hub's CA, the only trust anchor for it (PEM file) | `hub_ca = "/etc/earshot/hub-ca.pem"` | `EARSHOT_HUB_CA` |
//! | the one-time enrollment token from IT | `enrollment_token = "…"` | `EARSHOT_ENROLLMENT_TOKEN` |
//! | most summaries kept while the hub is unreachable | `outbox_limit = 10000` | — |
//! | the knowledge base suggested from (a folder of Markdown articles; absent: no suggestions) | `knowledge_dir = "/etc/earshot/knowledge"` | `EARSHOT_KNOWLEDGE_DIR` |
//! | the confidence an article needs to be suggested (0–1) | `suggestion_threshold = 0.35` | — |
//! | the alert rules and compliance checklists (a TOML file; absent: the hygiene alerts only) | `assist_rules = "/etc/earshot/assist.toml"` | `EARSHOT_ASSIST_RULES` |
//! | the queue this workstation serves (picks its checklist) | `queue = "billing"` | `EARSHOT_QUEUE` |
//! | policy only: settings the agent may not change (kept at the default where the policy sets none) | `locked = ["mic_device"]` | — |
//! | policy only: the speech models the agent may choose | `allowed_models = ["tiny.en", "base"]` | — |
//!
//! A policy with any problem (see [`policy`]) makes [`Config::load`] fail with
//! [`ConfigError::Policy`]: nothing runs under it.
//!
//! The policy file is `EARSHOT_POLICY_FILE` if set, else [`default_policy_file`].

pub mod policy;
pub mod siprec;

pub use siprec::{SiprecFallback, SiprecLayer, SiprecSettings};

use serde::Deserialize;
use std::collections::BTreeSet;
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

/// Which channel of a stereo recording carries the caller (the other is the agent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallerSide {
    /// Left = caller, right = agent (the usual recorder layout).
    Left,
    /// Right = caller, left = agent.
    Right,
}

impl CallerSide {
    /// The name used in config files.
    pub fn name(self) -> &'static str {
        match self {
            CallerSide::Left => "left",
            CallerSide::Right => "right",
        }
    }
}

/// Errors reading or writing the configuration.
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
    /// The settings file cannot be written.
    #[error("cannot save {path}: {reason}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A value is wrong.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// The organisation's policy cannot be used: malformed, or writable by non-administrators.
    /// Nothing runs under it until IT fixes it.
    #[error("the organisation's policy {file} cannot be used, so Earshot will not run until IT fixes it (`earshot policy check` explains it):\n{}", policy::list(problems))]
    Policy {
        /// The policy file.
        file: String,
        /// What is wrong, each with its line and its fix.
        problems: Vec<policy::Problem>,
    },
    /// The organisation's policy sets this key; the agent cannot change it.
    #[error("'{0}' is managed by your organisation")]
    Managed(String),
    /// An environment variable sets this key for the running process: a saved value would not
    /// take effect.
    #[error("'{key}' is set by the environment variable {var} for this run: unset it to change the setting here")]
    Environment {
        /// The setting.
        key: String,
        /// The variable that sets it.
        var: String,
    },
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
    /// The speech model's name.
    pub model: String,
    /// The model a live call is decoded again with once it has ended, its stored transcript
    /// and summary replaced (`None`: no second pass).
    pub second_pass: Option<String>,
    /// Which stereo channel is the caller.
    pub caller_channel: CallerSide,
    /// The microphone to capture (None: the system default).
    pub mic_device: Option<String>,
    /// The output to capture as the caller (None: the system default).
    pub loopback_device: Option<String>,
    /// Whether the agent may delete a stored call before its retention ends.
    pub allow_delete: bool,
    /// The SIPREC receiver's settings (`siprec_*` keys).
    pub siprec: SiprecSettings,
    /// The hub's base URL (`https://…`); `None`: nothing is synced or queued.
    pub hub_url: Option<String>,
    /// The hub's CA certificate (PEM file): the only trust anchor for the hub.
    pub hub_ca: Option<PathBuf>,
    /// The one-time enrollment token exchanged for this device's certificate.
    pub enrollment_token: Option<String>,
    /// The most summaries the outbox keeps while the hub is unreachable; beyond it the oldest
    /// are kept and newer ones are counted as dropped.
    pub outbox_limit: u32,
    /// The knowledge base's folder (Markdown articles); `None`: no suggestions.
    pub knowledge_dir: Option<PathBuf>,
    /// The similarity an article needs to be suggested (0–1).
    pub suggestion_threshold: f32,
    /// The alert rules and checklists file; `None`: the hygiene alerts only.
    pub assist_rules: Option<PathBuf>,
    /// The queue this workstation serves: the checklist for it applies (else the default one).
    pub queue: Option<String>,
    /// Where the app looks for its updates (policy only): the `https://` address of an update
    /// manifest in the format of Tauri's updater. `None`: the app never looks for updates.
    pub update_url: Option<String>,
    /// The minisign public key every update must be signed with (policy only), in the form
    /// Tauri's updater takes (see [`update_key`]).
    pub update_pubkey: Option<String>,
    /// The update server's CA certificate (PEM file, policy only): when set, the only trust
    /// anchor for `update_url`; else the system's.
    pub update_ca: Option<PathBuf>,
    /// The policy file that was read, if one exists.
    pub policy_file: Option<PathBuf>,
    /// Keys the policy sets or locks (see the module docs for the names): the agent cannot
    /// change them.
    pub managed: BTreeSet<String>,
    /// The speech models the policy allows (empty: any).
    pub allowed_models: Vec<String>,
    /// Keys an `EARSHOT_*` environment variable sets for this process, with the variable's
    /// name: they win over `config.toml`, so saving them there would change nothing.
    pub environment: std::collections::BTreeMap<String, String>,
}

/// Default retention, as the contact-center guidance suggests.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// The default speech model.
pub const DEFAULT_MODEL: &str = "tiny.en";

/// The default second-pass model (see [`Config::second_pass`]).
pub const DEFAULT_SECOND_PASS: &str = "base";

/// `second_pass`'s value from a file or the environment: a model's name, or off.
fn second_pass_of(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty() && !v.eq_ignore_ascii_case("off")).then(|| v.to_string())
}

/// An update-signing public key in the form Tauri's updater takes: the base64 of a minisign
/// `.pub` file. `text` may be that, the `.pub` file's own text, or only its key line (`RW…`,
/// what `minisign -G` prints); anything else is refused with what was expected.
pub fn update_key(text: &str) -> Result<String, String> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let text = text.trim();
    let file = match b64
        .decode(text)
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
    {
        Some(file) if file.contains('\n') => file,
        _ if text.contains('\n') => format!("{text}\n"),
        _ => format!("untrusted comment: minisign public key\n{text}\n"),
    };
    let line = file.lines().nth(1).unwrap_or("").trim();
    minisign_verify::PublicKey::from_base64(line).map_err(|e| {
        format!("update_pubkey is not a minisign public key ({e}): give the key line of the .pub file `minisign -G` (or `tauri signer generate`) wrote")
    })?;
    Ok(b64.encode(file))
}

/// Default [`Config::outbox_limit`].
pub const DEFAULT_OUTBOX_LIMIT: u32 = 10_000;

/// Default [`Config::suggestion_threshold`] (see `earshot_assist::suggest` for how it was set).
pub const DEFAULT_SUGGESTION_THRESHOLD: f32 = 0.35;

/// The settings file in the data dir.
pub const SETTINGS_FILE: &str = "config.toml";

// Debug for the tests' `unwrap_err` only: the file's layer holds the enrollment token.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug))]
#[serde(deny_unknown_fields)]
struct FileConfig {
    age_recipients: Option<Vec<String>>,
    key_store: Option<KeyStore>,
    retention_days: Option<u32>,
    model: Option<String>,
    second_pass: Option<String>,
    caller_channel: Option<CallerSide>,
    mic_device: Option<String>,
    loopback_device: Option<String>,
    allow_delete: Option<bool>,
    hub_url: Option<String>,
    hub_ca: Option<PathBuf>,
    enrollment_token: Option<String>,
    outbox_limit: Option<u32>,
    knowledge_dir: Option<PathBuf>,
    suggestion_threshold: Option<f32>,
    assist_rules: Option<PathBuf>,
    queue: Option<String>,
    /// Policy only: the update manifest's address.
    update_url: Option<String>,
    /// Policy only: the key updates are signed with.
    update_pubkey: Option<String>,
    /// Policy only: the update server's CA.
    update_ca: Option<PathBuf>,
    /// Policy only: settings the agent may not change (kept at the policy's value, or at the
    /// built-in default where the policy sets none).
    locked: Option<Vec<String>>,
    /// Policy only: the speech models the agent may choose (absent: any).
    allowed_models: Option<Vec<String>>,
    /// The `siprec_*` keys, read apart (see [`from_table`]).
    #[serde(skip)]
    siprec: SiprecLayer,
}

impl FileConfig {
    /// The keys this file sets.
    fn keys(&self) -> BTreeSet<String> {
        let set = [
            ("age_recipients", self.age_recipients.is_some()),
            ("key_store", self.key_store.is_some()),
            ("retention_days", self.retention_days.is_some()),
            ("model", self.model.is_some()),
            ("second_pass", self.second_pass.is_some()),
            ("caller_channel", self.caller_channel.is_some()),
            ("mic_device", self.mic_device.is_some()),
            ("loopback_device", self.loopback_device.is_some()),
            ("allow_delete", self.allow_delete.is_some()),
            ("hub_url", self.hub_url.is_some()),
            ("hub_ca", self.hub_ca.is_some()),
            ("enrollment_token", self.enrollment_token.is_some()),
            ("outbox_limit", self.outbox_limit.is_some()),
            ("knowledge_dir", self.knowledge_dir.is_some()),
            ("suggestion_threshold", self.suggestion_threshold.is_some()),
            ("assist_rules", self.assist_rules.is_some()),
            ("queue", self.queue.is_some()),
            ("update_url", self.update_url.is_some()),
            ("update_pubkey", self.update_pubkey.is_some()),
            ("update_ca", self.update_ca.is_some()),
        ];
        set.iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| k.to_string())
            .chain(self.siprec.keys())
            .collect()
    }

    /// Sets on `config` every key this file has.
    fn apply(self, config: &mut Config) -> Result<(), ConfigError> {
        if let Some(v) = self.age_recipients {
            config.age_recipients = v;
        }
        if let Some(v) = self.key_store {
            config.key_store = v;
        }
        if let Some(v) = self.retention_days {
            config.retention_days = v;
        }
        if let Some(v) = self.model {
            config.model = v;
        }
        if let Some(v) = self.second_pass {
            config.second_pass = second_pass_of(&v);
        }
        if let Some(v) = self.caller_channel {
            config.caller_channel = v;
        }
        if let Some(v) = self.mic_device {
            config.mic_device = Some(v).filter(|d| !d.is_empty());
        }
        if let Some(v) = self.loopback_device {
            config.loopback_device = Some(v).filter(|d| !d.is_empty());
        }
        if let Some(v) = self.allow_delete {
            config.allow_delete = v;
        }
        if let Some(v) = self.hub_url {
            config.hub_url = Some(v).filter(|u| !u.trim().is_empty());
        }
        if let Some(v) = self.hub_ca {
            config.hub_ca = Some(v).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = self.enrollment_token {
            config.enrollment_token = Some(v).filter(|t| !t.trim().is_empty());
        }
        if let Some(v) = self.outbox_limit {
            config.outbox_limit = v;
        }
        if let Some(v) = self.knowledge_dir {
            config.knowledge_dir = Some(v).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = self.suggestion_threshold {
            config.suggestion_threshold = v;
        }
        if let Some(v) = self.assist_rules {
            config.assist_rules = Some(v).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = self.queue {
            config.queue = Some(v).filter(|q| !q.trim().is_empty());
        }
        if let Some(v) = self.update_url {
            config.update_url = Some(v.trim().to_string()).filter(|u| !u.is_empty());
        }
        if let Some(v) = self.update_pubkey {
            config.update_pubkey = match v.trim() {
                "" => None,
                key => Some(update_key(key).map_err(ConfigError::Invalid)?),
            };
        }
        if let Some(v) = self.update_ca {
            config.update_ca = Some(v).filter(|p| !p.as_os_str().is_empty());
        }
        self.siprec.apply(&mut config.siprec)
    }
}

/// The agent's own settings, as saved by [`Config::save_settings`]. `None` leaves a key as it is;
/// an empty device name means "the system default".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsChange {
    /// New speech model.
    pub model: Option<String>,
    /// New caller channel.
    pub caller_channel: Option<CallerSide>,
    /// New microphone ("" = default).
    pub mic_device: Option<String>,
    /// New loopback device ("" = default).
    pub loopback_device: Option<String>,
    /// New knowledge folder ("" = none: no suggestions).
    pub knowledge_dir: Option<String>,
    /// New suggestion threshold (0–1).
    pub suggestion_threshold: Option<f32>,
    /// New alert rules and checklists file ("" = none: the hygiene alerts only).
    pub assist_rules: Option<String>,
    /// New queue ("" = none: the default checklist).
    pub queue: Option<String>,
}

/// The managed policy's usual location on this platform.
pub fn default_policy_file() -> PathBuf {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(base).join("Earshot").join("policy.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Earshot/policy.toml")
    } else {
        PathBuf::from("/etc/earshot/policy.toml")
    }
}

impl Config {
    /// The built-in defaults, storing in `data_dir`.
    pub fn defaults(data_dir: PathBuf) -> Config {
        Config {
            data_dir,
            age_recipients: Vec::new(),
            key_store: KeyStore::Keyring,
            retention_days: DEFAULT_RETENTION_DAYS,
            model: DEFAULT_MODEL.into(),
            second_pass: Some(DEFAULT_SECOND_PASS.into()),
            caller_channel: CallerSide::Left,
            mic_device: None,
            loopback_device: None,
            allow_delete: true,
            siprec: SiprecSettings::default(),
            hub_url: None,
            hub_ca: None,
            enrollment_token: None,
            outbox_limit: DEFAULT_OUTBOX_LIMIT,
            knowledge_dir: None,
            suggestion_threshold: DEFAULT_SUGGESTION_THRESHOLD,
            assist_rules: None,
            queue: None,
            update_url: None,
            update_pubkey: None,
            update_ca: None,
            policy_file: None,
            managed: BTreeSet::new(),
            allowed_models: Vec::new(),
            environment: Default::default(),
        }
    }

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
        let policy_path = env("EARSHOT_POLICY_FILE")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(default_policy_file);
        // The policy first: a malformed one, or one that non-administrators could have written,
        // stops everything (nothing runs unprotected), and what it locks is not read below it.
        let mut policy_table: Option<toml::Table> = None;
        // Where the policy came from when there is no file.
        let mut managed_source: Option<&str> = None;
        if policy_path.exists() {
            let problems = policy::check_file(&policy_path);
            if !problems.is_empty() {
                return Err(ConfigError::Policy {
                    file: policy_path.display().to_string(),
                    problems,
                });
            }
            policy_table = Some(read_table(&policy_path)?);
        }
        // Group Policy (Windows) or managed preferences (macOS) over the file.
        for (source, values) in [
            (policy::GROUP_POLICY_KEY, policy::group_policy()),
            (policy::MANAGED_PREFERENCES, policy::managed_preferences()),
        ] {
            let values = values.map_err(|what| ConfigError::Policy {
                file: source.into(),
                problems: vec![policy::Problem {
                    line: None,
                    key: None,
                    what,
                    fix: "check the values the management tool wrote".into(),
                }],
            })?;
            if let Some(values) = values {
                let problems = policy::check_table(&values, &Default::default());
                if !problems.is_empty() {
                    return Err(ConfigError::Policy {
                        file: source.into(),
                        problems,
                    });
                }
                policy_table.get_or_insert_default().extend(values);
                managed_source.get_or_insert(source);
            }
        }
        let policy = policy_table
            .map(from_table)
            .transpose()
            .map_err(|e| invalid_in(&policy_path, e.message()))?;
        let locked: BTreeSet<String> = policy
            .as_ref()
            .and_then(|p| p.locked.clone())
            .unwrap_or_default()
            .into_iter()
            .collect();
        let settings_path = data_dir.join(SETTINGS_FILE);
        let mut table = read_table(&settings_path)?;
        if let Some(key) = policy::POLICY_ONLY.iter().find(|k| table.contains_key(**k)) {
            return Err(invalid_in(
                &settings_path,
                &format!("'{key}' can only be set by the organisation's policy"),
            ));
        }
        table.retain(|k, _| !locked.contains(k));
        let file = from_table(table).map_err(|e| invalid_in(&settings_path, e.message()))?;
        let mut config = Config::defaults(data_dir);
        file.apply(&mut config)?;
        let mut environment = std::collections::BTreeMap::new();
        let mut from_env = |var: &str, key: &str| {
            if locked.contains(key) {
                return None;
            }
            let value = env(var)?;
            environment.insert(key.to_string(), var.to_string());
            Some(value)
        };
        if let Some(r) = from_env("EARSHOT_AGE_RECIPIENTS", "age_recipients") {
            config.age_recipients = r
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(k) = from_env("EARSHOT_KEY_STORE", "key_store") {
            config.key_store = k.parse()?;
        }
        if let Some(d) = from_env("EARSHOT_RETENTION_DAYS", "retention_days") {
            config.retention_days = d.trim().parse().map_err(|_| {
                ConfigError::Invalid(format!(
                    "EARSHOT_RETENTION_DAYS '{d}' is not a number of days"
                ))
            })?;
        }
        if let Some(u) = from_env("EARSHOT_HUB_URL", "hub_url") {
            config.hub_url = Some(u).filter(|u| !u.trim().is_empty());
        }
        if let Some(p) = from_env("EARSHOT_HUB_CA", "hub_ca") {
            config.hub_ca = Some(PathBuf::from(p)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(t) = from_env("EARSHOT_ENROLLMENT_TOKEN", "enrollment_token") {
            config.enrollment_token = Some(t).filter(|t| !t.trim().is_empty());
        }
        if let Some(p) = from_env("EARSHOT_ASSIST_RULES", "assist_rules") {
            config.assist_rules = Some(PathBuf::from(p)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(m) = from_env("EARSHOT_SECOND_PASS", "second_pass") {
            config.second_pass = second_pass_of(&m);
        }
        if let Some(q) = from_env("EARSHOT_QUEUE", "queue") {
            config.queue = Some(q).filter(|q| !q.trim().is_empty());
        }
        if let Some(p) = from_env("EARSHOT_KNOWLEDGE_DIR", "knowledge_dir") {
            config.knowledge_dir = Some(PathBuf::from(p)).filter(|p| !p.as_os_str().is_empty());
        }
        config.environment = environment;
        if let Some(policy) = policy {
            config.managed = policy.keys().into_iter().chain(locked).collect();
            config.allowed_models = policy.allowed_models.clone().unwrap_or_default();
            config.policy_file = Some(if policy_path.exists() {
                policy_path
            } else {
                PathBuf::from(managed_source.unwrap_or(policy::GROUP_POLICY_KEY))
            });
            policy.apply(&mut config)?;
            // A model the agent chose before the policy narrowed the list gives way to the
            // first one allowed (the policy check makes sure the policy's own model is allowed).
            if !config.allowed_models.is_empty() && !config.allowed_models.contains(&config.model) {
                config.model = config.allowed_models[0].clone();
            }
        }
        config.check_values()?;
        Ok(config)
    }

    /// The checks on values that no type states: ranges.
    fn check_values(&self) -> Result<(), ConfigError> {
        let config = self;
        if !(0.0..=1.0).contains(&config.suggestion_threshold) {
            return Err(ConfigError::Invalid(
                "suggestion_threshold must be between 0 and 1".into(),
            ));
        }
        if config.outbox_limit == 0 {
            return Err(ConfigError::Invalid(
                "outbox_limit must be at least 1".into(),
            ));
        }
        if config.retention_days == 0 {
            return Err(ConfigError::Invalid(
                "retention_days must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// Sets the receiver's keys from `layer` (`earshot siprec`'s flags) over the files; a key
    /// the policy manages is refused, and nothing changes.
    pub fn override_siprec(&mut self, layer: SiprecLayer) -> Result<(), ConfigError> {
        if let Some(key) = layer.keys().into_iter().find(|k| self.is_managed(k)) {
            return Err(ConfigError::Managed(key));
        }
        layer.apply(&mut self.siprec)
    }

    /// Whether the organisation's policy sets `key`.
    pub fn is_managed(&self, key: &str) -> bool {
        self.managed.contains(key)
    }

    /// Saves the agent's settings to `config.toml` (other keys in the file are kept; the write
    /// is atomic) and returns the configuration reloaded with `env`. A key the policy manages is
    /// refused and nothing is written.
    pub fn save_settings(
        &self,
        change: &SettingsChange,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let text = |v: String| Some(toml::Value::String(v));
        // An empty text means "none" (the default device, no folder, no rules, no queue).
        let optional = |v: &str| {
            Some(v.trim())
                .filter(|v| !v.is_empty())
                .and_then(|v| text(v.into()))
        };
        let mut set: Vec<(&str, Option<toml::Value>)> = Vec::new();
        if let Some(m) = &change.model {
            if m.trim().is_empty() {
                return Err(ConfigError::Invalid("the model name is empty".into()));
            }
            if !self.allowed_models.is_empty() && !self.allowed_models.iter().any(|a| a == m.trim())
            {
                return Err(ConfigError::Invalid(format!(
                    "model '{}' is not one your organisation allows ({})",
                    m.trim(),
                    self.allowed_models.join(", ")
                )));
            }
            set.push(("model", text(m.trim().to_string())));
        }
        if let Some(c) = change.caller_channel {
            set.push(("caller_channel", text(c.name().to_string())));
        }
        if let Some(d) = &change.mic_device {
            set.push((
                "mic_device",
                Some(d.clone()).filter(|d| !d.is_empty()).and_then(text),
            ));
        }
        if let Some(d) = &change.loopback_device {
            set.push((
                "loopback_device",
                Some(d.clone()).filter(|d| !d.is_empty()).and_then(text),
            ));
        }
        if let Some(d) = &change.knowledge_dir {
            set.push(("knowledge_dir", optional(d)));
        }
        if let Some(t) = change.suggestion_threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(ConfigError::Invalid(
                    "suggestion_threshold must be between 0 and 1".into(),
                ));
            }
            // Two decimals: what the screen shows (a percentage), without f32 noise.
            let t = (f64::from(t) * 100.0).round() / 100.0;
            set.push(("suggestion_threshold", Some(toml::Value::Float(t))));
        }
        if let Some(r) = &change.assist_rules {
            set.push(("assist_rules", optional(r)));
        }
        if let Some(q) = &change.queue {
            set.push(("queue", optional(q)));
        }
        if let Some((key, _)) = set.iter().find(|(k, _)| self.is_managed(k)) {
            return Err(ConfigError::Managed(key.to_string()));
        }
        if let Some((key, var)) = set
            .iter()
            .find_map(|(k, _)| self.environment.get_key_value(*k))
        {
            return Err(ConfigError::Environment {
                key: key.clone(),
                var: var.clone(),
            });
        }
        let path = self.data_dir.join(SETTINGS_FILE);
        let write_err = |reason: String| ConfigError::Write {
            path: path.display().to_string(),
            reason,
        };
        let mut table = match std::fs::read_to_string(&path) {
            Ok(text) => text.parse::<toml::Table>().map_err(|e| {
                ConfigError::Invalid(format!("{}: {}", path.display(), e.message()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
            Err(e) => return Err(write_err(e.to_string())),
        };
        for (key, value) in set {
            match value {
                Some(v) => table.insert(key.into(), v),
                None => table.remove(key),
            };
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| write_err(e.to_string()))?;
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, table.to_string()).map_err(|e| write_err(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| write_err(e.to_string()))?;
        Config::load_from(env)
    }

    /// A description without secrets, recorded in the audit log when it changes.
    pub fn audit_summary(&self) -> String {
        format!(
            "recipients=[{}] key_store={} retention_days={} hub={}",
            self.age_recipients.join(","),
            self.key_store.name(),
            self.retention_days,
            self.hub_url.as_deref().unwrap_or("none")
        )
    }
}

/// A settings or policy file's table (empty when the file does not exist).
fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .parse()
            .map_err(|e: toml::de::Error| invalid_in(path, e.message())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(e) => Err(ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

fn invalid_in(path: &Path, message: &str) -> ConfigError {
    ConfigError::Invalid(format!("{}: {}", path.display(), message))
}

/// A file's table as its layer: the `siprec_*` keys into theirs, the others into
/// [`FileConfig`].
fn from_table(mut table: toml::Table) -> Result<FileConfig, toml::de::Error> {
    let siprec: toml::Table = table
        .keys()
        .filter(|k| k.starts_with("siprec_"))
        .cloned()
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|k| table.remove(&k).map(|v| (k, v)))
        .collect();
    let mut file: FileConfig = table.try_into()?;
    file.siprec = siprec.try_into()?;
    Ok(file)
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
        env.entry("EARSHOT_POLICY_FILE".into())
            .or_insert_with(|| dir.join("no-policy.toml").display().to_string());
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

    #[test]
    fn the_policy_wins_and_its_keys_cannot_be_saved() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("policy.toml");
        std::fs::write(
            &policy,
            "model = \"base\"\nretention_days = 30\nallow_delete = false\n",
        )
        .unwrap();
        let p = policy.display().to_string();
        let env = [
            ("EARSHOT_POLICY_FILE", p.as_str()),
            ("EARSHOT_RETENTION_DAYS", "7"),
        ];
        std::fs::write(dir.path().join(SETTINGS_FILE), "model = \"tiny.en\"\n").unwrap();
        let c = load(dir.path(), &env).unwrap();
        assert_eq!(
            (c.model.as_str(), c.retention_days, c.allow_delete),
            ("base", 30, false)
        );
        assert!(c.is_managed("model") && !c.is_managed("caller_channel"));
        assert_eq!(c.policy_file.as_deref(), Some(policy.as_path()));

        let vars: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain([(
                "EARSHOT_DATA_DIR".to_string(),
                dir.path().display().to_string(),
            )])
            .collect();
        let refused = c.save_settings(
            &SettingsChange {
                model: Some("tiny.en".into()),
                caller_channel: Some(CallerSide::Right),
                ..SettingsChange::default()
            },
            |k| vars.get(k).cloned(),
        );
        assert!(refused
            .unwrap_err()
            .to_string()
            .contains("managed by your organisation"));
        // Nothing was written.
        let c = load(dir.path(), &env).unwrap();
        assert_eq!(c.caller_channel, CallerSide::Left);

        let saved = c
            .save_settings(
                &SettingsChange {
                    caller_channel: Some(CallerSide::Right),
                    mic_device: Some("USB headset".into()),
                    ..SettingsChange::default()
                },
                |k| vars.get(k).cloned(),
            )
            .unwrap();
        assert_eq!(saved.caller_channel, CallerSide::Right);
        assert_eq!(saved.mic_device.as_deref(), Some("USB headset"));
        // The file keeps what it had, and "" goes back to the default device.
        let text = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
        assert!(text.contains("tiny.en"), "{text}");
        let back = saved
            .save_settings(
                &SettingsChange {
                    mic_device: Some(String::new()),
                    ..SettingsChange::default()
                },
                |k| vars.get(k).cloned(),
            )
            .unwrap();
        assert_eq!(back.mic_device, None);
    }

    #[test]
    fn assist_keys_save_clear_and_refuse_what_the_policy_or_the_environment_sets() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let vars = |extra: &[(&str, &str)]| {
            let mut v: HashMap<String, String> = extra
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            v.insert("EARSHOT_DATA_DIR".into(), d.clone());
            v.insert(
                "EARSHOT_POLICY_FILE".into(),
                dir.path().join("policy.toml").display().to_string(),
            );
            v
        };
        let plain = vars(&[]);
        let c = Config::load_from(|k| plain.get(k).cloned()).unwrap();
        assert!(c.environment.is_empty());
        let change = SettingsChange {
            knowledge_dir: Some("/srv/kb".into()),
            suggestion_threshold: Some(0.42),
            assist_rules: Some("/srv/rules.toml".into()),
            queue: Some(" billing ".into()),
            ..SettingsChange::default()
        };
        let saved = c.save_settings(&change, |k| plain.get(k).cloned()).unwrap();
        assert_eq!(saved.knowledge_dir.as_deref(), Some(Path::new("/srv/kb")));
        assert_eq!(saved.suggestion_threshold, 0.42);
        assert_eq!(
            saved.assist_rules.as_deref(),
            Some(Path::new("/srv/rules.toml"))
        );
        assert_eq!(saved.queue.as_deref(), Some("billing"));
        let text = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
        assert!(text.contains("suggestion_threshold = 0.42"), "{text}");

        // Out of range: refused, nothing written.
        let bad = saved.save_settings(
            &SettingsChange {
                suggestion_threshold: Some(1.5),
                queue: Some("sales".into()),
                ..SettingsChange::default()
            },
            |k| plain.get(k).cloned(),
        );
        assert!(bad.unwrap_err().to_string().contains("between 0 and 1"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap(),
            text
        );

        // An environment variable wins over the file: saving that key is refused (naming the
        // variable), the other keys still save.
        let with_env = vars(&[("EARSHOT_KNOWLEDGE_DIR", "/env/kb")]);
        let c = Config::load_from(|k| with_env.get(k).cloned()).unwrap();
        assert_eq!(
            c.environment.get("knowledge_dir").map(String::as_str),
            Some("EARSHOT_KNOWLEDGE_DIR")
        );
        let refused = c
            .save_settings(
                &SettingsChange {
                    knowledge_dir: Some(String::new()),
                    ..SettingsChange::default()
                },
                |k| with_env.get(k).cloned(),
            )
            .unwrap_err();
        assert!(
            refused.to_string().contains("EARSHOT_KNOWLEDGE_DIR"),
            "{refused}"
        );
        let ok = c
            .save_settings(
                &SettingsChange {
                    queue: Some("sales".into()),
                    ..SettingsChange::default()
                },
                |k| with_env.get(k).cloned(),
            )
            .unwrap();
        assert_eq!(ok.queue.as_deref(), Some("sales"));

        // Empty clears: back to no folder, no rules, no queue.
        let cleared = ok
            .save_settings(
                &SettingsChange {
                    assist_rules: Some(String::new()),
                    queue: Some("  ".into()),
                    ..SettingsChange::default()
                },
                |k| plain.get(k).cloned(),
            )
            .unwrap();
        assert_eq!((cleared.assist_rules, cleared.queue), (None, None));
        assert_eq!(cleared.knowledge_dir.as_deref(), Some(Path::new("/srv/kb")));

        // The policy manages the threshold: refused.
        std::fs::write(
            dir.path().join("policy.toml"),
            "suggestion_threshold = 0.5\n",
        )
        .unwrap();
        let c = Config::load_from(|k| plain.get(k).cloned()).unwrap();
        assert_eq!(c.suggestion_threshold, 0.5);
        let refused = c.save_settings(
            &SettingsChange {
                suggestion_threshold: Some(0.3),
                ..SettingsChange::default()
            },
            |k| plain.get(k).cloned(),
        );
        assert!(matches!(refused, Err(ConfigError::Managed(k)) if k == "suggestion_threshold"));
    }

    #[test]
    fn siprec_keys_layer_like_the_others_and_flags_cannot_override_the_policy() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), &[]).unwrap();
        assert_eq!(c.siprec, SiprecSettings::default());
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "model = \"base\"\nsiprec_listen = [\"tls:0.0.0.0:5061\"]\nsiprec_tls_cert = \"/pki/srs.pem\"\n\
             siprec_tls_key = \"/pki/srs.key\"\nsiprec_rtp_ports = \"20000-20999\"\nsiprec_media_ip = \"10.1.2.3\"\n\
             siprec_fallback = \"first_is_agent\"\nsiprec_max_connections = 8\nsiprec_workers = 3\nsiprec_max_calls = 5\n",
        )
        .unwrap();
        let policy = dir.path().join("policy.toml");
        std::fs::write(
            &policy,
            "siprec_allow = [\"10.1.0.0/16\"]\nsiprec_require_secure = true\n",
        )
        .unwrap();
        let p = policy.display().to_string();
        let mut c = load(dir.path(), &[("EARSHOT_POLICY_FILE", p.as_str())]).unwrap();
        let s = &c.siprec;
        assert_eq!(c.model, "base", "the other keys are still read");
        assert_eq!(s.listen, ["tls:0.0.0.0:5061"]);
        assert_eq!(s.tls_cert.as_deref(), Some(Path::new("/pki/srs.pem")));
        assert_eq!(s.rtp_ports, Some((20000, 20999)));
        assert_eq!(s.media_ip, Some("10.1.2.3".parse().unwrap()));
        assert_eq!(s.fallback, SiprecFallback::FirstIsAgent);
        assert_eq!(s.max_connections, 8);
        assert_eq!((s.workers, s.max_calls), (Some(3), Some(5)));
        assert_eq!(s.allow, ["10.1.0.0/16"]);
        assert!(s.require_secure);
        assert!(s.check().is_ok());
        assert!(c.is_managed("siprec_allow") && !c.is_managed("siprec_listen"));

        // A flag overrides the file, not the policy; a refused layer changes nothing.
        let refused = c.override_siprec(SiprecLayer {
            listen: Some(vec!["udp:127.0.0.1:5070".into()]),
            allow: Some(vec!["0.0.0.0/0".into()]),
            ..SiprecLayer::default()
        });
        assert!(
            matches!(&refused, Err(ConfigError::Managed(k)) if k == "siprec_allow"),
            "{refused:?}"
        );
        assert_eq!(c.siprec.listen, ["tls:0.0.0.0:5061"]);
        c.override_siprec(SiprecLayer {
            listen: Some(vec!["udp:127.0.0.1:5070".into()]),
            tcp_idle_timeout: Some(30),
            ..SiprecLayer::default()
        })
        .unwrap();
        assert_eq!(c.siprec.listen, ["udp:127.0.0.1:5070"]);
        assert_eq!(c.siprec.tcp_idle_timeout, 30);
    }

    #[test]
    fn bad_siprec_values_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        for (line, key) in [
            ("siprec_rtp_ports = \"30000-20000\"", "siprec_rtp_ports"),
            ("siprec_media_ip = \"not-an-ip\"", "siprec_media_ip"),
            ("siprec_max_connections = 0", "siprec_max_connections"),
            ("siprec_workers = 0", "siprec_workers"),
            ("siprec_max_calls = 0", "siprec_max_calls"),
            ("siprec_fallback = \"coin_toss\"", "first_is_caller"),
            ("siprec_listn = []", "siprec_listn"),
        ] {
            std::fs::write(dir.path().join(SETTINGS_FILE), format!("{line}\n")).unwrap();
            let err = load(dir.path(), &[]).unwrap_err().to_string();
            assert!(err.contains(key), "{line}: {err}");
        }
        // Keys that only make sense together are checked when the receiver starts.
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "siprec_listen = [\"tls:0.0.0.0:5061\"]\n",
        )
        .unwrap();
        let c = load(dir.path(), &[]).unwrap();
        let err = c.siprec.check().unwrap_err().to_string();
        assert!(err.contains("siprec_tls_cert"), "{err}");
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "siprec_tls_cert = \"/pki/srs.pem\"\n",
        )
        .unwrap();
        let err = load(dir.path(), &[]).unwrap().siprec.check().unwrap_err();
        assert!(err.to_string().contains("go together"), "{err}");
    }

    #[test]
    fn the_hub_keys_come_from_the_policy_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), &[]).unwrap();
        assert_eq!(
            (c.hub_url.as_deref(), c.outbox_limit),
            (None, DEFAULT_OUTBOX_LIMIT)
        );
        let c = load(
            dir.path(),
            &[
                ("EARSHOT_HUB_URL", "https://env:1"),
                ("EARSHOT_HUB_CA", "/env/ca.pem"),
            ],
        )
        .unwrap();
        assert_eq!(c.hub_url.as_deref(), Some("https://env:1"));
        assert_eq!(c.hub_ca.as_deref(), Some(Path::new("/env/ca.pem")));
        let policy = dir.path().join("policy.toml");
        std::fs::write(
            &policy,
            "hub_url = \"https://hub:8443\"\nhub_ca = \"/etc/earshot/ca.pem\"\nenrollment_token = \"t0k\"\noutbox_limit = 5\n",
        )
        .unwrap();
        let c = load(
            dir.path(),
            &[
                ("EARSHOT_POLICY_FILE", policy.to_str().unwrap()),
                ("EARSHOT_HUB_URL", "https://env:1"),
            ],
        )
        .unwrap();
        assert_eq!(c.hub_url.as_deref(), Some("https://hub:8443"));
        assert_eq!(c.enrollment_token.as_deref(), Some("t0k"));
        assert_eq!(c.outbox_limit, 5);
        for k in ["hub_url", "hub_ca", "enrollment_token", "outbox_limit"] {
            assert!(c.is_managed(k), "{k}");
        }
        std::fs::write(&policy, "outbox_limit = 0\n").unwrap();
        let e = load(
            dir.path(),
            &[("EARSHOT_POLICY_FILE", policy.to_str().unwrap())],
        );
        assert!(e.unwrap_err().to_string().contains("outbox_limit"));
    }

    #[test]
    fn a_broken_policy_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("policy.toml");
        std::fs::write(&policy, "retention = 3\n").unwrap();
        let p = policy.display().to_string();
        let err = load(dir.path(), &[("EARSHOT_POLICY_FILE", p.as_str())]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("policy.toml"), "{text}");
        assert!(text.contains("will not run"), "{text}");
        assert!(
            text.contains("line 1: retention: unknown key. Fix: did you mean 'retention_days'?"),
            "{text}"
        );
        // Positive control: the same file put right loads.
        std::fs::write(&policy, "retention_days = 3\n").unwrap();
        let c = load(dir.path(), &[("EARSHOT_POLICY_FILE", p.as_str())]).unwrap();
        assert_eq!(c.retention_days, 3);
    }

    #[test]
    fn locked_settings_and_allowed_models() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("policy.toml");
        let p = policy.display().to_string();
        let vars = [
            ("EARSHOT_POLICY_FILE", p.as_str()),
            ("EARSHOT_QUEUE", "sales"),
            ("EARSHOT_KNOWLEDGE_DIR", "/srv/kb"),
        ];
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "mic_device = \"USB headset\"\nmodel = \"large\"\ncaller_channel = \"right\"\n",
        )
        .unwrap();
        // Without a policy, the agent's choices and the environment stand.
        let c = load(dir.path(), &vars[1..]).unwrap();
        assert_eq!(c.mic_device.as_deref(), Some("USB headset"));
        assert_eq!(
            (c.model.as_str(), c.queue.as_deref()),
            ("large", Some("sales"))
        );
        std::fs::write(
            &policy,
            "locked = [\"mic_device\", \"queue\"]\nallowed_models = [\"tiny.en\", \"base\"]\n",
        )
        .unwrap();
        let c = load(dir.path(), &vars).unwrap();
        // Locked: the built-in default, whatever the file or the environment say.
        assert_eq!((c.mic_device.as_deref(), c.queue.as_deref()), (None, None));
        assert!(c.is_managed("mic_device") && c.is_managed("queue"));
        // Not locked: the agent's own settings and the environment still count.
        assert_eq!(c.caller_channel, CallerSide::Right);
        assert_eq!(c.knowledge_dir.as_deref(), Some(Path::new("/srv/kb")));
        // A model the list does not allow gives way to the first one it does.
        assert_eq!(c.model, "tiny.en");
        assert_eq!(c.allowed_models, vec!["tiny.en", "base"]);
        let change = |f: fn(&mut SettingsChange)| {
            let mut ch = SettingsChange::default();
            f(&mut ch);
            ch
        };
        let data = dir.path().display().to_string();
        let env = |k: &str| {
            (k == "EARSHOT_DATA_DIR").then(|| data.clone()).or_else(|| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
        };
        let err = c
            .save_settings(&change(|c| c.mic_device = Some("x".into())), env)
            .unwrap_err();
        assert!(
            matches!(err, ConfigError::Managed(ref k) if k == "mic_device"),
            "{err}"
        );
        let err = c
            .save_settings(&change(|c| c.model = Some("large".into())), env)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("not one your organisation allows (tiny.en, base)"),
            "{err}"
        );
        let c = c
            .save_settings(&change(|c| c.model = Some("base".into())), env)
            .unwrap();
        assert_eq!(c.model, "base");
        // The policy-only keys are the policy's: a settings file with one is refused.
        std::fs::write(dir.path().join(SETTINGS_FILE), "locked = []\n").unwrap();
        let err = load(dir.path(), &vars).unwrap_err();
        assert!(
            err.to_string()
                .contains("'locked' can only be set by the organisation's policy"),
            "{err}"
        );
    }

    #[test]
    fn updates_are_off_unless_the_policy_points_at_them_and_an_agent_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("policy.toml");
        let p = policy.display().to_string();
        let vars = [("EARSHOT_POLICY_FILE", p.as_str())];
        let c = load(dir.path(), &vars).unwrap();
        assert_eq!(
            (c.update_url, c.update_pubkey, c.update_ca),
            (None, None, None)
        );
        let key = "RWQ5a02lLUTaMqKCnEpJATB5C0mp4DIIeTKRRYywSSHbQxw8ngyL49qL";
        std::fs::write(
            &policy,
            format!("update_url = \"https://updates.example/latest.json\"\nupdate_pubkey = \"{key}\"\nupdate_ca = \"/etc/earshot/u.pem\"\n"),
        )
        .unwrap();
        let c = load(dir.path(), &vars).unwrap();
        assert_eq!(
            c.update_url.as_deref(),
            Some("https://updates.example/latest.json")
        );
        assert_eq!(c.update_pubkey, Some(update_key(key).unwrap()));
        assert_eq!(
            c.update_ca.as_deref(),
            Some(Path::new("/etc/earshot/u.pem"))
        );
        assert!(c.is_managed("update_url"));
        // An agent pointing the app at an update server of their own is refused.
        for line in [
            "update_url = \"https://mine.example/latest.json\"\n".to_string(),
            format!("update_pubkey = \"{key}\"\n"),
        ] {
            std::fs::write(dir.path().join(SETTINGS_FILE), &line).unwrap();
            let err = load(dir.path(), &vars[..0]).unwrap_err().to_string();
            assert!(
                err.contains("can only be set by the organisation's policy"),
                "{err}"
            );
        }
    }
}
