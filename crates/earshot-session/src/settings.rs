//! The Settings screen's facts: the speech models (with their sizes), the capture devices, the
//! caller's channel, and which settings the organisation's policy manages (shown read-only).

use crate::SessionError;
use earshot_audio::CallerChannel;
use earshot_config::{CallerSide, Config, ConfigError, SettingsChange};
use earshot_models::manifest::Converter;
use earshot_models::ModelStore;
use earshot_pipeline::AnalyzerOptions;
use serde::{Deserialize, Serialize};

/// A speech model the agent can choose.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct ModelChoice {
    /// Its name (`tiny.en`, `base`).
    pub name: String,
    /// Size on disk.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size_bytes: u64,
    /// Whether it is installed in the model dir (only installed models can be chosen).
    pub installed: bool,
}

/// A capture device.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct DeviceView {
    /// The name to save and capture.
    pub name: String,
    /// What the system calls it.
    pub description: String,
    /// `mic` (the agent) or `loopback` (the caller).
    pub role: String,
    /// Whether it is the system default.
    pub default: bool,
}

/// Everything the Settings screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct SettingsView {
    /// The model live calls use.
    pub model: String,
    /// Every speech model this build knows.
    pub models: Vec<ModelChoice>,
    /// Which stereo channel of a recording is the caller.
    #[cfg_attr(feature = "ts", ts(type = "\"left\" | \"right\""))]
    pub caller_channel: String,
    /// The chosen microphone (`null`: the system default).
    pub mic_device: Option<String>,
    /// The chosen loopback (`null`: the system default output).
    pub loopback_device: Option<String>,
    /// The devices that can be captured now.
    pub devices: Vec<DeviceView>,
    /// Why devices could not be listed, if they could not.
    pub devices_error: Option<String>,
    /// Keys set by the organisation's policy: shown read-only.
    pub managed: Vec<String>,
    /// The policy file, when one is in force.
    pub policy_file: Option<String>,
    /// Calls are kept this many days.
    pub retention_days: u32,
    /// Whether the agent may delete calls.
    pub allow_delete: bool,
    /// Where "Join SIPREC" listens.
    pub siprec_listen: Vec<String>,
    /// Who may send recordings (empty: this machine only).
    pub siprec_allow: Vec<String>,
    /// Agent address patterns for SIPREC roles.
    pub siprec_agents: Vec<String>,
    /// The knowledge base's folder (`null`: no suggestions).
    pub knowledge_dir: Option<String>,
    /// The confidence an article needs to be suggested.
    pub suggestion_threshold: f32,
    /// The alert rules and checklists file (`null`: the hygiene alerts only).
    pub assist_rules: Option<String>,
    /// The queue this workstation serves (picks its checklist).
    pub queue: Option<String>,
    /// The queues the rule file's checklists name (offered for `queue`; empty when there is no
    /// readable rule file).
    pub queues: Vec<String>,
    /// Keys an environment variable sets for this run, with the variable (read-only here: a
    /// saved value would not take effect).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub environment: std::collections::BTreeMap<String, String>,
}

/// A change from the Settings screen; absent fields stay as they are, an empty device name
/// means the system default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
pub struct SettingsUpdate {
    /// New model.
    #[serde(default)]
    pub model: Option<String>,
    /// `left` or `right`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "\"left\" | \"right\" | null"))]
    pub caller_channel: Option<String>,
    /// New microphone.
    #[serde(default)]
    pub mic_device: Option<String>,
    /// New loopback.
    #[serde(default)]
    pub loopback_device: Option<String>,
    /// New knowledge folder ("": none).
    #[serde(default)]
    pub knowledge_dir: Option<String>,
    /// New suggestion threshold (0–1).
    #[serde(default)]
    pub suggestion_threshold: Option<f32>,
    /// New alert rules and checklists file ("": none).
    #[serde(default)]
    pub assist_rules: Option<String>,
    /// New queue ("": none).
    #[serde(default)]
    pub queue: Option<String>,
}

/// The speech models of this build, installed or not.
pub fn model_choices(store: &ModelStore) -> Vec<ModelChoice> {
    store
        .manifest()
        .models
        .iter()
        .filter(|m| m.converter == Converter::Ct2Whisper)
        .map(|m| ModelChoice {
            name: m.name.clone(),
            size_bytes: m.size,
            installed: store.locate(&m.name).is_ok(),
        })
        .collect()
}

/// The models the agent may choose: this build's, narrowed by the policy's `allowed_models`.
pub fn allowed_choices(config: &Config, store: &ModelStore) -> Vec<ModelChoice> {
    model_choices(store)
        .into_iter()
        .filter(|m| config.allowed_models.is_empty() || config.allowed_models.contains(&m.name))
        .collect()
}

/// The Settings screen for `config`.
pub fn settings_view(config: &Config) -> SettingsView {
    let (devices, devices_error) = match earshot_capture::list_devices() {
        Ok(list) => (
            list.into_iter()
                .map(|d| DeviceView {
                    name: d.name,
                    description: d.description,
                    role: d.role.to_string(),
                    default: d.default,
                })
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    SettingsView {
        model: config.model.clone(),
        models: allowed_choices(config, &ModelStore::from_env()),
        caller_channel: config.caller_channel.name().to_string(),
        mic_device: config.mic_device.clone(),
        loopback_device: config.loopback_device.clone(),
        devices,
        devices_error,
        managed: config.managed.iter().cloned().collect(),
        policy_file: config.policy_file.as_ref().map(|p| p.display().to_string()),
        retention_days: config.retention_days,
        allow_delete: config.allow_delete,
        siprec_listen: config.siprec.listen.clone(),
        siprec_allow: config.siprec.allow.clone(),
        siprec_agents: config.siprec.agents.clone(),
        knowledge_dir: config
            .knowledge_dir
            .as_ref()
            .map(|p| p.display().to_string()),
        suggestion_threshold: config.suggestion_threshold,
        assist_rules: config
            .assist_rules
            .as_ref()
            .map(|p| p.display().to_string()),
        queue: config.queue.clone(),
        queues: config
            .assist_rules
            .as_deref()
            .and_then(|p| earshot_assist::checklist::Checklists::load(p).ok())
            .map(|c| {
                let mut q: Vec<String> = c.lists.into_iter().flat_map(|l| l.queues).collect();
                q.sort();
                q.dedup();
                q
            })
            .unwrap_or_default(),
        environment: config.environment.clone(),
    }
}

/// Saves `update` (refusing keys the policy manages and models that are not installed) and
/// returns the configuration now in force.
pub fn save_settings(config: &Config, update: &SettingsUpdate) -> Result<Config, SessionError> {
    if let Some(model) = &update.model {
        let store = ModelStore::from_env();
        let choice = model_choices(&store)
            .into_iter()
            .find(|m| &m.name == model)
            .ok_or_else(|| ConfigError::Invalid(format!("no speech model named '{model}'")))?;
        if !choice.installed && !config.is_managed("model") {
            return Err(ConfigError::Invalid(format!(
                "model '{model}' is not installed (earshot models install --from FOLDER)"
            ))
            .into());
        }
    }
    let caller_channel = match update.caller_channel.as_deref() {
        None => None,
        Some("left") => Some(CallerSide::Left),
        Some("right") => Some(CallerSide::Right),
        Some(other) => {
            return Err(ConfigError::Invalid(format!(
                "caller channel '{other}': use 'left' or 'right'"
            ))
            .into())
        }
    };
    check_assist(update)?;
    let change = SettingsChange {
        model: update.model.clone(),
        caller_channel,
        mic_device: update.mic_device.clone(),
        loopback_device: update.loopback_device.clone(),
        knowledge_dir: update.knowledge_dir.clone(),
        suggestion_threshold: update.suggestion_threshold,
        assist_rules: update.assist_rules.clone(),
        queue: update.queue.clone(),
    };
    Ok(config.save_settings(&change, |k| std::env::var(k).ok())?)
}

/// Refuses an agent-assist change that the next call could not use: a knowledge folder that is
/// not a folder, a rule file that cannot be read or has an error (named with its line), a
/// threshold that is not a number. Nothing is saved then, and the settings in force stay.
fn check_assist(update: &SettingsUpdate) -> Result<(), SessionError> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    };
    if let Some(dir) = given(&update.knowledge_dir) {
        if !dir.is_dir() {
            return Err(ConfigError::Invalid(format!(
                "knowledge folder '{}' is not a folder here",
                dir.display()
            ))
            .into());
        }
    }
    if let Some(t) = update.suggestion_threshold {
        if !t.is_finite() {
            return Err(
                ConfigError::Invalid("the suggestion threshold is not a number".into()).into(),
            );
        }
    }
    if let Some(path) = given(&update.assist_rules) {
        earshot_assist::alerts::AlertRules::load(&path)
            .map_err(|e| ConfigError::Invalid(format!("alert rules: {e}")))?;
        earshot_assist::checklist::Checklists::load(&path)
            .map_err(|e| ConfigError::Invalid(format!("checklists: {e}")))?;
    }
    Ok(())
}

/// The engine options `config` asks for.
pub fn analyzer_options(config: &Config) -> AnalyzerOptions {
    AnalyzerOptions {
        model: config.model.clone(),
        caller_channel: match config.caller_channel {
            CallerSide::Left => CallerChannel::Left,
            CallerSide::Right => CallerChannel::Right,
        },
        second_pass: config.second_pass.clone(),
        ..AnalyzerOptions::default()
    }
}

/// Checks a managed policy file as `earshot policy check` does: everything
/// [`earshot_config::policy::check_file`] checks (syntax, keys, types, ranges, who may write
/// it), then what needs more than the file: every age recipient parsed, the hub's CA read for a
/// certificate, the rule file loaded, the knowledge folder and the receiver's PEM files present,
/// the models named known to this build. Each problem carries its line and its fix; none means
/// the policy can be pushed.
pub fn check_policy(path: &std::path::Path) -> Vec<earshot_config::policy::Problem> {
    use earshot_config::policy::{check_file, check_text, Problem};
    let mut problems = check_file(path);
    let Ok(text) = std::fs::read_to_string(path) else {
        return problems;
    };
    let checked = check_text(&text);
    if !checked.problems.is_empty() {
        // The values cannot be trusted to be of their types yet.
        return problems;
    }
    let mut found = |key: &str, what: String, fix: &str| {
        problems.push(Problem {
            line: checked.lines.get(key).copied(),
            key: Some(key.to_string()),
            what,
            fix: fix.to_string(),
        })
    };
    let text_of = |key: &str| {
        checked
            .table
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    };
    let list_of = |key: &str| -> Vec<String> {
        checked
            .table
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    for r in list_of("age_recipients") {
        if earshot_seal::Sealer::new(&[&r]).is_err() {
            found(
                "age_recipients",
                format!("'{r}' is not a valid age public key"),
                "copy the line `earshot keys new` printed as the public key (age1…)",
            );
        }
    }
    if let Some(ca) = text_of("hub_ca") {
        match std::fs::read_to_string(&ca) {
            Err(e) => found(
                "hub_ca",
                format!("cannot read {}: {e}", ca.display()),
                "put the hub's ca.pem there (from `earshot hub init`), readable by everyone",
            ),
            Ok(pem) => {
                if earshot_hub::pki::certs_from_pem(&pem).map_or(true, |c| c.is_empty()) {
                    found(
                        "hub_ca",
                        format!("{} holds no PEM certificate", ca.display()),
                        "use the hub's ca.pem (-----BEGIN CERTIFICATE-----)",
                    );
                }
            }
        }
    }
    if let Some(dir) = text_of("knowledge_dir") {
        if !dir.is_dir() {
            found(
                "knowledge_dir",
                format!("{} is not a folder here", dir.display()),
                "ship the knowledge base's folder with the policy, or remove the key",
            );
        }
    }
    if let Some(rules) = text_of("assist_rules") {
        let loaded = earshot_assist::alerts::AlertRules::load(&rules)
            .map(|_| ())
            .map_err(|e| e.to_string())
            .and_then(|()| {
                earshot_assist::checklist::Checklists::load(&rules)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = loaded {
            found(
                "assist_rules",
                e,
                "ship a rule file that loads (the sample is crates/earshot-assist/rules.toml)",
            );
        }
    }
    for key in ["siprec_tls_cert", "siprec_tls_key", "siprec_tls_client_ca"] {
        if let Some(file) = text_of(key) {
            if let Err(e) = std::fs::metadata(&file) {
                found(
                    key,
                    format!("{}: {e}", file.display()),
                    "ship the PEM file with the policy, or remove the key",
                );
            }
        }
    }
    let known: Vec<String> = model_choices(&ModelStore::from_env())
        .into_iter()
        .map(|m| m.name)
        .collect();
    let models = list_of("allowed_models")
        .into_iter()
        .map(|m| ("allowed_models", m))
        .chain(text_of("model").map(|m| ("model", m.display().to_string())))
        .chain(
            text_of("second_pass")
                .map(|m| m.display().to_string())
                .filter(|m| !m.eq_ignore_ascii_case("off"))
                .map(|m| ("second_pass", m)),
        );
    for (key, m) in models {
        if !known.contains(&m) {
            found(
                key,
                format!("no speech model named '{m}' in this build"),
                &format!("use one of {}", known.join(", ")),
            );
        }
    }
    problems.sort_by_key(|p| p.line);
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_narrows_the_models_offered() {
        let store = ModelStore::from_env();
        let mut config = Config::defaults(std::path::PathBuf::from("/nonexistent"));
        let all: Vec<String> = allowed_choices(&config, &store)
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert!(
            all.len() >= 2 && all.contains(&"base".to_string()),
            "{all:?}"
        );
        config.allowed_models = vec!["base".into()];
        let allowed: Vec<String> = allowed_choices(&config, &store)
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(allowed, vec!["base"]);
    }

    #[test]
    fn an_assist_change_the_next_call_could_not_use_is_refused_with_where_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist");
        let with = |f: fn(&mut SettingsUpdate)| {
            let mut u = SettingsUpdate::default();
            f(&mut u);
            u
        };
        // Positive controls: our sample base and rules, and clearing both.
        let good = SettingsUpdate {
            knowledge_dir: Some(sample.join("knowledge").display().to_string()),
            assist_rules: Some(sample.join("rules.toml").display().to_string()),
            suggestion_threshold: Some(0.4),
            ..SettingsUpdate::default()
        };
        check_assist(&good).unwrap();
        check_assist(&with(|u| {
            u.knowledge_dir = Some(String::new());
            u.assist_rules = Some(" ".into());
        }))
        .unwrap();

        let file = dir.path().join("not-a-folder.md");
        std::fs::write(&file, "# hello\n").unwrap();
        let e = check_assist(&SettingsUpdate {
            knowledge_dir: Some(file.display().to_string()),
            ..SettingsUpdate::default()
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("not a folder") && e.contains("not-a-folder.md"),
            "{e}"
        );

        let rules = dir.path().join("rules.toml");
        std::fs::write(&rules, "[[alert]]\nid = \"ok\"\nphrases = [\"x\"\n").unwrap();
        let e = check_assist(&SettingsUpdate {
            assist_rules: Some(rules.display().to_string()),
            ..SettingsUpdate::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("rules.toml:"), "{e}");
        let missing = dir.path().join("missing.toml");
        let e = check_assist(&SettingsUpdate {
            assist_rules: Some(missing.display().to_string()),
            ..SettingsUpdate::default()
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("missing.toml") && e.contains("cannot read"),
            "{e}"
        );
        let e = check_assist(&with(|u| u.suggestion_threshold = Some(f32::NAN)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a number"), "{e}");
    }
}
