//! The organisation's managed policy, checked: `earshot policy check` explains every problem in a
//! `policy.toml` with its line and its fix, and [`crate::Config::load`] refuses to run under a
//! policy with any problem (rather than run unprotected).
//!
//! What is checked here needs nothing but the file: TOML syntax, known keys (a misspelt one is
//! named with the key it most likely meant), each value's type and range, `https://` for the
//! hub, full paths for files and folders, the policy-only keys (`locked`, `allowed_models`),
//! the keys that go together, and who may write the file. What needs more (age recipients
//! parsed, the CA and rule files read, the models known) is added by
//! `earshot_session::settings::check_policy`.
//!
//! Who may write it (Unix): the file and its folder must belong to root and be writable by
//! nobody else (a folder writable by others may still hold it when it has the sticky bit, as
//! `/tmp` does). On Windows the file's owner and every entry of its ACL that lets someone write
//! it must be SYSTEM, Administrators or TrustedInstaller (written, not built here).

use crate::{Config, ConfigError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line it is on, when it is on one.
    pub line: Option<usize>,
    /// The key concerned, if any.
    pub key: Option<String>,
    /// What is wrong.
    pub what: String,
    /// How to put it right.
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        write!(f, "{}. Fix: {}", self.what, self.fix)
    }
}

/// The problems, one per line (as [`ConfigError::Policy`] shows them).
pub fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keys only the policy may set (a `config.toml` with them is refused).
pub const POLICY_ONLY: &[&str] = &[
    "locked",
    "allowed_models",
    "update_url",
    "update_pubkey",
    "update_ca",
];

/// Every key a policy may set, with what it takes (the fix shown for a wrong value).
pub const KEYS: &[(&str, &str)] = &[
    ("age_recipients", "a list of age public keys, e.g. age_recipients = [\"age1…\", \"age1…\"] (two during a rotation)"),
    ("key_store", "\"keyring\" or \"file\""),
    ("retention_days", "a whole number of days, at least 1, e.g. retention_days = 90"),
    ("model", "a speech model's name, e.g. model = \"tiny.en\""),
    ("second_pass", "a speech model's name, or \"off\", e.g. second_pass = \"base\""),
    ("caller_channel", "\"left\" or \"right\""),
    ("mic_device", "a device name from `earshot listen --list-devices`, or \"\" for the system default"),
    ("loopback_device", "a device name from `earshot listen --list-devices`, or \"\" for the system default"),
    ("allow_delete", "true or false"),
    ("hub_url", "the hub's https address, e.g. hub_url = \"https://hub.example:8443\""),
    ("hub_ca", "the full path of the hub's CA certificate (PEM), e.g. hub_ca = \"/etc/earshot/hub-ca.pem\""),
    ("enrollment_token", "the token `earshot hub token` printed, in quotes"),
    ("outbox_limit", "a whole number, at least 1, e.g. outbox_limit = 10000"),
    ("knowledge_dir", "the full path of a folder of Markdown articles"),
    ("suggestion_threshold", "a number from 0 to 1, e.g. suggestion_threshold = 0.35"),
    ("assist_rules", "the full path of the alert rules and checklists file, e.g. assist_rules = \"/etc/earshot/assist.toml\""),
    ("queue", "the queue's name, e.g. queue = \"billing\""),
    ("update_url", "the https address of the update manifest, e.g. update_url = \"https://updates.example/earshot/latest.json\" (absent: the app never looks for updates)"),
    ("update_pubkey", "the key line of the minisign public key updates are signed with, e.g. update_pubkey = \"RWQ…\""),
    ("update_ca", "the full path of the update server's CA certificate (PEM), e.g. update_ca = \"/etc/earshot/updates-ca.pem\""),
    ("locked", "a list of setting names the agent may not change, e.g. locked = [\"model\", \"mic_device\"]"),
    ("allowed_models", "a list of speech model names, e.g. allowed_models = [\"tiny.en\", \"base\"]"),
    ("siprec_listen", "a list of listeners, e.g. siprec_listen = [\"udp:0.0.0.0:5060\", \"tls:0.0.0.0:5061\"]"),
    ("siprec_allow", "a list of networks, e.g. siprec_allow = [\"10.1.0.0/16\"]"),
    ("siprec_agents", "a list of agent address patterns, e.g. siprec_agents = [\"1???\"]"),
    ("siprec_fallback", "\"first_is_caller\" or \"first_is_agent\""),
    ("siprec_media_ip", "an IP address, e.g. siprec_media_ip = \"10.1.2.3\""),
    ("siprec_rtp_ports", "a range, e.g. siprec_rtp_ports = \"20000-29999\""),
    ("siprec_rtp_timeout", "seconds, at least 1, e.g. siprec_rtp_timeout = 30"),
    ("siprec_tls_cert", "the full path of the receiver's certificate chain (PEM)"),
    ("siprec_tls_key", "the full path of the receiver's private key (PEM)"),
    ("siprec_tls_client_ca", "the full path of the recorders' CA certificates (PEM)"),
    ("siprec_require_secure", "true or false"),
    ("siprec_media_from_any_allowed", "true or false"),
    ("siprec_tcp_idle_timeout", "seconds, at least 1, e.g. siprec_tcp_idle_timeout = 300"),
    ("siprec_max_connections", "a whole number, at least 1, e.g. siprec_max_connections = 64"),
    ("siprec_workers", "a whole number, at least 1, e.g. siprec_workers = 2"),
    ("siprec_max_calls", "a whole number, at least 1, e.g. siprec_max_calls = 4"),
];

/// Keys whose value is a credential: never quoted in a problem.
const SECRET: &[&str] = &["enrollment_token"];

/// Keys whose value is a file or folder: the policy gives them in full.
const PATHS: &[&str] = &[
    "hub_ca",
    "update_ca",
    "knowledge_dir",
    "assist_rules",
    "siprec_tls_cert",
    "siprec_tls_key",
    "siprec_tls_client_ca",
];

fn expects(key: &str) -> &'static str {
    KEYS.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, e)| *e)
        .unwrap_or("see the policy template in installer/")
}

/// The known key nearest to a misspelt one, if any is near.
fn nearest(key: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|(k, _)| (strsim::levenshtein(key, k), *k))
        // A few letters off, or the start of a key ("retention" for "retention_days").
        .filter(|(d, k)| *d <= 3 || (key.len() >= 4 && k.starts_with(key)))
        .min()
        .map(|(_, k)| k)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Checks a policy file: its text and who may write it. No problems: it can be used.
pub fn check_file(path: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    match std::fs::read_to_string(path) {
        Ok(text) => problems.extend(check_text(&text).problems),
        Err(e) => problems.push(Problem {
            line: None,
            key: None,
            what: format!("cannot read {}: {e}", path.display()),
            fix: "make it a readable file, or remove it to run without a policy".into(),
        }),
    }
    problems.extend(writable_by_others(path));
    problems
}

/// A policy's text, checked: the problems, and the line each key is on.
#[derive(Debug, Default)]
pub struct Checked {
    /// What is wrong, in the order of the file.
    pub problems: Vec<Problem>,
    /// The line of each key that is set (for checks made later, elsewhere).
    pub lines: BTreeMap<String, usize>,
    /// The values, as read (empty when the text is not TOML).
    pub table: toml::Table,
}

/// Checks a policy's text (see the module docs for what is checked).
pub fn check_text(text: &str) -> Checked {
    let mut checked = Checked::default();
    let spanned: BTreeMap<String, toml::Spanned<toml::Value>> = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            checked.problems.push(Problem {
                line: e.span().map(|s| line_of(text, s.start)),
                key: None,
                what: format!("not valid TOML: {}", e.message().trim()),
                fix: "write one `key = value` per line, text in double quotes, lists in [ ]".into(),
            });
            return checked;
        }
    };
    for (key, value) in spanned {
        checked
            .lines
            .insert(key.clone(), line_of(text, value.span().start));
        checked.table.insert(key, value.into_inner());
    }
    checked.problems = check_table(&checked.table, &checked.lines);
    checked
}

/// Checks a policy's keys and values, from a file (`lines`: where each key is) or from Group
/// Policy (no lines). The problems come in the file's order.
pub fn check_table(table: &toml::Table, lines: &BTreeMap<String, usize>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (key, value) in table {
        if let Err(what) = check_key(key, value) {
            let what = what
                .strip_prefix(&format!("{key}: "))
                .map(String::from)
                .unwrap_or(what);
            // A credential's value is never echoed (serde's messages quote the value found):
            // the problem goes to stderr, the app's window and logs.
            let what = if SECRET.contains(&key.as_str()) {
                "is not a valid value (not shown: it is a credential)".to_string()
            } else {
                what
            };
            let fix = match (what.as_str(), nearest(key)) {
                ("unknown key", Some(near)) => {
                    format!("did you mean '{near}'? It takes {}", expects(near))
                }
                ("unknown key", None) => {
                    "remove it; the known keys are listed in installer/policy.toml".into()
                }
                _ => format!("use {}", expects(key)),
            };
            problems.push(Problem {
                line: lines.get(key).copied(),
                key: Some(key.clone()),
                what,
                fix,
            });
        }
    }
    if problems.is_empty() {
        problems.extend(check_together(table, lines));
    }
    problems.sort_by_key(|p| p.line);
    problems
}

/// One key on its own: known, of its type, in its range, and what a policy needs of it.
fn check_key(key: &str, value: &toml::Value) -> Result<(), String> {
    if !KEYS.iter().any(|(k, _)| *k == key) {
        return Err("unknown key".into());
    }
    let mut one = toml::Table::new();
    one.insert(key.into(), value.clone());
    let file = crate::from_table(one).map_err(|e| e.message().trim().to_string())?;
    let mut config = Config::defaults(PathBuf::new());
    file.apply(&mut config).map_err(plain)?;
    config.check_values().map_err(plain)?;
    let text = value.as_str().map(str::trim).unwrap_or("");
    match key {
        "hub_url" if !text.is_empty() && !text.starts_with("https://") => Err(format!(
            "'{text}' is not an https:// address: summaries go to the hub over TLS only"
        )),
        "update_url" if !text.is_empty() && !text.starts_with("https://") => Err(format!(
            "'{text}' is not an https:// address: updates are fetched over TLS only"
        )),
        k if PATHS.contains(&k) && !text.is_empty() && !Path::new(text).is_absolute() => {
            Err(format!(
                "'{text}' is not a full path (a relative one would depend on where Earshot starts)"
            ))
        }
        "age_recipients" => {
            let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
            match list
                .iter()
                .find(|r| !r.as_str().is_some_and(|r| r.starts_with("age1")))
            {
                Some(bad) => Err(format!(
                    "{bad} is not an age public key (they start with age1)"
                )),
                None => Ok(()),
            }
        }
        "locked" => {
            let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let bad = list.iter().find(|k| {
                !k.as_str()
                    .is_some_and(|k| KEYS.iter().any(|(n, _)| *n == k) && !POLICY_ONLY.contains(&k))
            });
            match bad {
                Some(bad) => Err(format!("{bad} is not a setting that can be locked")),
                None => Ok(()),
            }
        }
        "allowed_models" => {
            let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
            if list.is_empty()
                || list
                    .iter()
                    .any(|m| m.as_str().is_none_or(|m| m.trim().is_empty()))
            {
                Err("the list is empty or has an empty name".into())
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// What no key shows on its own: the keys that go together.
fn check_together(table: &toml::Table, lines: &BTreeMap<String, usize>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = |key: &str| lines.get(key).copied();
    let Ok(file) = crate::from_table(table.clone()) else {
        return problems;
    };
    let mut config = Config::defaults(PathBuf::new());
    let allowed = file.allowed_models.clone().unwrap_or_default();
    if let Err(e) = file.apply(&mut config) {
        problems.push(Problem {
            line: None,
            key: None,
            what: plain(e),
            fix: "see the keys named".into(),
        });
    }
    if let Err(e) = config.siprec.check() {
        problems.push(Problem {
            line: at("siprec_tls_cert").or(at("siprec_listen")),
            key: None,
            what: plain(e),
            fix: "set siprec_tls_cert and siprec_tls_key together, or listen without tls:".into(),
        });
    }
    if table.contains_key("model") && !allowed.is_empty() && !allowed.contains(&config.model) {
        problems.push(Problem {
            line: at("model"),
            key: Some("model".into()),
            what: format!("'{}' is not in allowed_models", config.model),
            fix: format!("use one of {}", allowed.join(", ")),
        });
    }
    if table.contains_key("hub_url") && config.hub_url.is_some() && config.hub_ca.is_none() {
        problems.push(Problem {
            line: at("hub_url"),
            key: Some("hub_ca".into()),
            what: "a hub is set without its CA, the only certificate trusted for it".into(),
            fix: format!("add {}", expects("hub_ca")),
        });
    }
    if config.update_url.is_some() && config.update_pubkey.is_none() {
        problems.push(Problem {
            line: at("update_url"),
            key: Some("update_pubkey".into()),
            what: "updates are turned on without the key they must be signed with".into(),
            fix: format!("add {}", expects("update_pubkey")),
        });
    }
    problems
}

fn plain(e: ConfigError) -> String {
    match e {
        ConfigError::Invalid(s) => s,
        other => other.to_string(),
    }
}

/// Where Group Policy (Windows) puts the organisation's values; its values win over
/// `policy.toml`'s. Each value is named like the key: text (`REG_SZ`), a number (`REG_DWORD`; 0
/// or 1 for the true/false keys) or a list (`REG_MULTI_SZ`). `installer/windows/earshot.admx`
/// is its template.
pub const GROUP_POLICY_KEY: &str = r"HKLM\Software\Policies\Earshot";

/// Keys whose value is true or false (a `REG_DWORD` of 0 or 1 in Group Policy).
const BOOLEANS: &[&str] = &[
    "allow_delete",
    "siprec_require_secure",
    "siprec_media_from_any_allowed",
];

/// Keys whose value is a fraction (text in Group Policy, which has no such type).
const FRACTIONS: &[&str] = &["suggestion_threshold"];

/// One Group Policy value as the policy key's TOML value.
pub fn group_policy_value(key: &str, value: GroupPolicyValue) -> toml::Value {
    match value {
        GroupPolicyValue::Number(n) if BOOLEANS.contains(&key) => toml::Value::Boolean(n != 0),
        GroupPolicyValue::Number(n) => toml::Value::Integer(i64::from(n)),
        GroupPolicyValue::Text(t) if FRACTIONS.contains(&key) => t
            .trim()
            .parse::<f64>()
            .map(toml::Value::Float)
            .unwrap_or(toml::Value::String(t)),
        GroupPolicyValue::Text(t) => toml::Value::String(t),
        GroupPolicyValue::List(l) => {
            toml::Value::Array(l.into_iter().map(toml::Value::String).collect())
        }
    }
}

/// A Group Policy value, as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupPolicyValue {
    /// `REG_SZ` / `REG_EXPAND_SZ`.
    Text(String),
    /// `REG_DWORD`.
    Number(u32),
    /// `REG_MULTI_SZ`.
    List(Vec<String>),
}

/// The Group Policy values (Windows), as policy keys; `None` where there are none (and on
/// every other system). Written, not built here: the Windows compile check covers it.
#[cfg(windows)]
pub fn group_policy() -> Result<Option<toml::Table>, String> {
    use winreg::enums::{RegType, HKEY_LOCAL_MACHINE};
    let Ok(key) =
        winreg::RegKey::predef(HKEY_LOCAL_MACHINE).open_subkey(r"Software\Policies\Earshot")
    else {
        return Ok(None);
    };
    let mut table = toml::Table::new();
    for item in key.enum_values() {
        let (name, raw) = item.map_err(|e| format!("{GROUP_POLICY_KEY}: {e}"))?;
        let value = match raw.vtype {
            RegType::REG_DWORD => GroupPolicyValue::Number(
                key.get_value::<u32, _>(&name)
                    .map_err(|e| format!("{GROUP_POLICY_KEY}\\{name}: {e}"))?,
            ),
            RegType::REG_MULTI_SZ => GroupPolicyValue::List(
                key.get_value::<Vec<String>, _>(&name)
                    .map_err(|e| format!("{GROUP_POLICY_KEY}\\{name}: {e}"))?,
            ),
            _ => GroupPolicyValue::Text(
                key.get_value::<String, _>(&name)
                    .map_err(|e| format!("{GROUP_POLICY_KEY}\\{name}: {e}"))?,
            ),
        };
        let value = group_policy_value(&name, value);
        table.insert(name, value);
    }
    Ok((!table.is_empty()).then_some(table))
}

/// The Group Policy values: none outside Windows.
#[cfg(not(windows))]
pub fn group_policy() -> Result<Option<toml::Table>, String> {
    Ok(None)
}

/// Where macOS puts a configuration profile's values (an MDM's managed preferences) for the
/// app's domain, machine-wide; they win over `policy.toml`'s, as Group Policy does on Windows.
pub const MANAGED_PREFERENCES: &str = "/Library/Managed Preferences/com.earshot.agent.plist";

/// The managed preferences in the property list at `path` (XML or binary) as policy keys;
/// `None` where there is no file. A value is taken as its key's kind: a string, an integer (0
/// or 1 for the true/false keys), a boolean, a real, or an array of strings. The payload keys
/// Apple's profile tools add (`Payload…`) are left out; a value of any other kind (a date,
/// data, a dictionary) is refused with its key.
pub fn managed_preferences_at(path: &Path) -> Result<Option<toml::Table>, String> {
    if !path.exists() {
        return Ok(None);
    }
    let value = plist::Value::from_file(path)
        .map_err(|e| format!("{} is not a property list: {e}", path.display()))?;
    let Some(dict) = value.into_dictionary() else {
        return Err(format!("{} does not hold a dictionary", path.display()));
    };
    let mut table = toml::Table::new();
    for (key, value) in dict {
        if key.starts_with("Payload") {
            continue;
        }
        let kind = |what: &str| format!("{key}: a {what} is not a value any policy key takes");
        let value = match value {
            plist::Value::String(t) => group_policy_value(&key, GroupPolicyValue::Text(t)),
            plist::Value::Boolean(b) => toml::Value::Boolean(b),
            plist::Value::Real(r) => toml::Value::Float(r),
            plist::Value::Integer(i) => match i.as_unsigned().and_then(|n| u32::try_from(n).ok()) {
                Some(n) if FRACTIONS.contains(&key.as_str()) => toml::Value::Float(f64::from(n)),
                Some(n) => group_policy_value(&key, GroupPolicyValue::Number(n)),
                None => toml::Value::Integer(i.as_signed().unwrap_or(i64::MAX)),
            },
            plist::Value::Array(items) => {
                let texts: Option<Vec<String>> =
                    items.into_iter().map(|v| v.into_string()).collect();
                match texts {
                    Some(l) => group_policy_value(&key, GroupPolicyValue::List(l)),
                    None => return Err(kind("list of anything but strings")),
                }
            }
            plist::Value::Date(_) => return Err(kind("date")),
            plist::Value::Data(_) => return Err(kind("data value")),
            plist::Value::Dictionary(_) => return Err(kind("dictionary")),
            _ => return Err(kind("value of this kind")),
        };
        table.insert(key, value);
    }
    Ok((!table.is_empty()).then_some(table))
}

/// The managed preferences (macOS), as policy keys; `None` where there are none (and on every
/// other system). A file someone other than root could change is refused. Written, not built
/// here: the reading itself (`managed_preferences_at`) is tested on Linux.
#[cfg(target_os = "macos")]
pub fn managed_preferences() -> Result<Option<toml::Table>, String> {
    let path = Path::new(MANAGED_PREFERENCES);
    if let Some(p) = path.exists().then(|| writable_by_others(path)).flatten() {
        return Err(p.to_string());
    }
    managed_preferences_at(path)
}

/// The managed preferences: none outside macOS.
#[cfg(not(target_os = "macos"))]
pub fn managed_preferences() -> Result<Option<toml::Table>, String> {
    Ok(None)
}

/// Whether someone other than root could write the policy (Unix): its owner, its mode, its
/// folder's.
#[cfg(unix)]
fn writable_by_others(path: &Path) -> Option<Problem> {
    use std::os::unix::fs::MetadataExt;
    let fix = |p: &Path, mode: &str| {
        format!(
            "sudo chown root:root {0} && sudo chmod {mode} {0}",
            p.display()
        )
    };
    let meta = std::fs::metadata(path).ok()?;
    if meta.uid() != 0 || meta.mode() & 0o022 != 0 {
        return Some(Problem {
            line: None,
            key: None,
            what: format!(
                "{} can be changed by someone other than an administrator (owner uid {}, mode {:o})",
                path.display(),
                meta.uid(),
                meta.mode() & 0o7777
            ),
            fix: fix(path, "644"),
        });
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    let d = std::fs::metadata(dir).ok()?;
    let sticky = d.mode() & 0o1000 != 0;
    if d.uid() != 0 || (d.mode() & 0o022 != 0 && !sticky) {
        return Some(Problem {
            line: None,
            key: None,
            what: format!(
                "its folder {} lets someone other than an administrator replace it (owner uid {}, mode {:o})",
                dir.display(),
                d.uid(),
                d.mode() & 0o7777
            ),
            fix: fix(dir, "755"),
        });
    }
    None
}

/// Whether someone other than an administrator could change the policy (Windows): its owner,
/// and every entry of its ACL that grants a right to write, delete or re-permission it, must be
/// SYSTEM, Administrators or TrustedInstaller. Written, not built here: the Windows compile check
/// covers it.
#[cfg(windows)]
fn writable_by_others(path: &Path) -> Option<Problem> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::Foundation::{LocalFree, ERROR_SUCCESS, GENERIC_ALL, GENERIC_WRITE};
    use windows_sys::Win32::Security::Authorization::{
        ConvertSidToStringSidW, GetNamedSecurityInfoW, SE_FILE_OBJECT,
    };
    use windows_sys::Win32::Security::{
        AclSizeInformation, GetAce, GetAclInformation, ACCESS_ALLOWED_ACE, ACL,
        ACL_SIZE_INFORMATION, DACL_SECURITY_INFORMATION, INHERIT_ONLY_ACE,
        OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        DELETE, FILE_APPEND_DATA, FILE_WRITE_DATA, WRITE_DAC, WRITE_OWNER,
    };
    use windows_sys::Win32::System::SystemServices::ACCESS_ALLOWED_ACE_TYPE;
    const ADMINS: &[&str] = &[
        "S-1-5-18",
        "S-1-5-32-544",
        "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
    ];
    const WRITES: u32 = FILE_WRITE_DATA
        | FILE_APPEND_DATA
        | DELETE
        | WRITE_DAC
        | WRITE_OWNER
        | GENERIC_WRITE
        | GENERIC_ALL;
    let problem = |what: String| {
        Problem {
        line: None,
        key: None,
        what,
        fix: format!(
            "let only Administrators and SYSTEM change it: icacls \"{}\" /inheritance:r /grant:r Administrators:F SYSTEM:F Users:R",
            path.display()
        ),
    }
    };
    let sid_text = |sid: PSID| -> Option<String> {
        let mut text = std::ptr::null_mut();
        // SAFETY: `sid` points into the security descriptor, alive until it is freed below;
        // the string it makes is freed here.
        unsafe {
            if ConvertSidToStringSidW(sid, &mut text) == 0 {
                return None;
            }
            let len = (0..).take_while(|&i| *text.add(i) != 0).count();
            let s = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
            LocalFree(text.cast());
            Some(s)
        }
    };
    let wide: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
    let mut owner: PSID = std::ptr::null_mut();
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: every out pointer is a local; the descriptor is freed at the end.
    let rc = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut sd,
        )
    };
    if rc != ERROR_SUCCESS {
        return Some(problem(format!(
            "cannot read who may change {} (error {rc})",
            path.display()
        )));
    }
    let mut found = None;
    match sid_text(owner) {
        Some(o) if ADMINS.contains(&o.as_str()) => {}
        o => {
            found = Some(format!(
                "{} is owned by {}, not by Administrators or SYSTEM",
                path.display(),
                o.unwrap_or_else(|| "an unknown account".into())
            ))
        }
    }
    if found.is_none() && dacl.is_null() {
        found = Some(format!(
            "{} has no access list: everyone may change it",
            path.display()
        ));
    }
    if found.is_none() {
        let mut info = ACL_SIZE_INFORMATION::default();
        // SAFETY: `dacl` is the descriptor's; `info` is sized as asked.
        let ok = unsafe {
            GetAclInformation(
                dacl,
                (&mut info as *mut ACL_SIZE_INFORMATION).cast(),
                std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
                AclSizeInformation,
            )
        };
        for i in 0..if ok != 0 { info.AceCount } else { 0 } {
            let mut ace = std::ptr::null_mut();
            // SAFETY: `i` is below the count read above; the entry lives in the descriptor.
            if unsafe { GetAce(dacl, i, &mut ace) } == 0 {
                continue;
            }
            // SAFETY: an allowed entry's layout is ACCESS_ALLOWED_ACE (checked by its type).
            let entry = unsafe { &*(ace as *const ACCESS_ALLOWED_ACE) };
            if u32::from(entry.Header.AceType) != ACCESS_ALLOWED_ACE_TYPE
                || u32::from(entry.Header.AceFlags) & INHERIT_ONLY_ACE != 0
                || entry.Mask & WRITES == 0
            {
                continue;
            }
            let sid = (&entry.SidStart as *const u32).cast_mut().cast();
            let who = sid_text(sid).unwrap_or_else(|| "an unknown account".into());
            if !ADMINS.contains(&who.as_str()) {
                found = Some(format!(
                    "{} can be changed by {who}, who is not an administrator",
                    path.display()
                ));
                break;
            }
        }
    }
    // SAFETY: allocated by GetNamedSecurityInfoW; nothing points into it any more.
    unsafe { LocalFree(sd.cast()) };
    found.map(problem)
}

#[cfg(not(any(unix, windows)))]
fn writable_by_others(_path: &Path) -> Option<Problem> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_table_is_every_key_the_files_take() {
        // serde names every field it expects when it meets one it does not know.
        let mut t = toml::Table::new();
        t.insert("no_such_key".into(), toml::Value::Boolean(true));
        let err = crate::from_table(t).unwrap_err().message().to_string();
        let mut t = toml::Table::new();
        t.insert("siprec_no_such_key".into(), toml::Value::Boolean(true));
        let err = err + crate::from_table(t).unwrap_err().message();
        let mut expected: Vec<&str> = err
            .split('`')
            .skip(3)
            .step_by(2)
            .filter(|k| !k.contains("no_such_key"))
            .collect();
        expected.sort();
        expected.dedup();
        let mut ours: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
        ours.sort();
        assert_eq!(ours, expected, "{err}");
    }

    #[test]
    fn the_template_names_every_key_and_each_example_checks_clean() {
        let template = include_str!("../../../installer/policy.toml");
        assert!(check_text(template).problems.is_empty());
        // Uncommented, with the placeholders filled in, it is a policy with no problems.
        let filled: String = template
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| {
                l.split_once(" = ")
                    .is_some_and(|(k, _)| KEYS.iter().any(|(n, _)| *n == k))
            })
            .map(|l| {
                format!(
                    "{}\n",
                    l.replace("\"…\"", "\"x\"").replace("age1…", "age1x")
                )
            })
            .collect();
        for (key, _) in KEYS {
            assert!(
                filled.contains(&format!("\n{key} = ")) || filled.starts_with(&format!("{key} = ")),
                "{key} is not in the template"
            );
        }
        let c = check_text(&filled);
        assert!(c.problems.is_empty(), "{}\n{filled}", list(&c.problems));
        assert_eq!(c.lines.len(), KEYS.len());
    }

    #[test]
    fn the_group_policy_template_writes_known_keys_of_the_right_kind() {
        let admx = include_str!("../../../installer/windows/earshot.admx");
        let names: Vec<&str> = admx
            .split("valueName=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert!(names.len() >= 20, "{names:?}");
        for n in &names {
            assert!(KEYS.iter().any(|(k, _)| k == n), "{n} is not a policy key");
        }
        // The template's enabled/disabled policies are the reader's true/false keys.
        for n in &names {
            let at = &admx[admx.find(&format!("valueName=\"{n}\"")).unwrap()..];
            let switch = at
                .find("<enabledValue>")
                .is_some_and(|e| Some(e) < at.find("</policy>"));
            assert_eq!(switch, BOOLEANS.contains(n), "{n}");
        }
    }

    #[test]
    fn group_policy_values_are_read_as_the_keys_types() {
        use GroupPolicyValue::*;
        let mut t = toml::Table::new();
        for (k, v) in [
            ("allow_delete", Number(0)),
            ("retention_days", Number(30)),
            ("suggestion_threshold", Text("0.4".into())),
            ("hub_url", Text("https://hub.example:8443".into())),
            ("hub_ca", Text("/etc/earshot/hub-ca.pem".into())),
            ("age_recipients", List(vec!["age1a".into(), "age1b".into()])),
        ] {
            t.insert(k.into(), group_policy_value(k, v));
        }
        assert!(check_table(&t, &BTreeMap::new()).is_empty());
        assert_eq!(t["allow_delete"], toml::Value::Boolean(false));
        // A value of the wrong kind is named without a line (Group Policy has none).
        t.insert(
            "retention_days".into(),
            group_policy_value("retention_days", Text("thirty".into())),
        );
        let problems = check_table(&t, &BTreeMap::new());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, None);
        assert!(
            problems[0]
                .to_string()
                .starts_with("retention_days: invalid type"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_credential_in_a_problem_is_not_quoted() {
        let c = check_text("enrollment_token = 918273645\nretention_days = \"x\"\n");
        let text = list(&c.problems);
        assert_eq!(c.problems.len(), 2, "{text}");
        assert!(
            text.contains("line 1: enrollment_token: is not a valid value"),
            "{text}"
        );
        assert!(!text.contains("918273645"), "{text}");
        // The control: another key's wrong value is quoted, as serde says it.
        assert!(text.contains("\"x\""), "{text}");
    }

    #[test]
    fn a_good_policy_has_no_problems() {
        let text = "hub_url = \"https://hub.example:8443\"\nhub_ca = \"/etc/earshot/hub-ca.pem\"\n\
            age_recipients = [\"age1aaaa\", \"age1bbbb\"]\nretention_days = 30\n\
            allowed_models = [\"tiny.en\", \"base\"]\nmodel = \"base\"\n\
            locked = [\"mic_device\", \"caller_channel\"]\nsiprec_allow = [\"10.0.0.0/8\"]\n";
        let c = check_text(text);
        assert!(c.problems.is_empty(), "{}", list(&c.problems));
        assert_eq!(c.lines["retention_days"], 4);
    }

    #[test]
    fn each_problem_is_named_with_its_line_and_its_fix() {
        let text = "# Earshot policy\nhub_uri = \"https://hub\"\nretention_days = 0\n\
            hub_url = \"http://hub.example\"\nsuggestion_threshold = \"high\"\n\
            knowledge_dir = \"kb\"\nlocked = [\"nonsense\"]\nage_recipients = [\"ssh-ed25519 AAA\"]\n\
            siprec_rtp_ports = \"many\"\n";
        let c = check_text(text);
        let got: Vec<(Option<usize>, String)> = c
            .problems
            .iter()
            .map(|p| (p.line, p.key.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(2), "hub_uri".into()),
                (Some(3), "retention_days".into()),
                (Some(4), "hub_url".into()),
                (Some(5), "suggestion_threshold".into()),
                (Some(6), "knowledge_dir".into()),
                (Some(7), "locked".into()),
                (Some(8), "age_recipients".into()),
                (Some(9), "siprec_rtp_ports".into()),
            ],
            "{}",
            list(&c.problems)
        );
        let text = list(&c.problems);
        assert!(
            text.contains("line 2: hub_uri: unknown key. Fix: did you mean 'hub_url'?"),
            "{text}"
        );
        assert!(text.contains("retention_days must be at least 1"), "{text}");
        assert!(text.contains("is not an https:// address"), "{text}");
        assert!(text.contains("'kb' is not a full path"), "{text}");
        assert!(
            text.contains("invalid type: string \"high\", expected f32"),
            "{text}"
        );
    }

    #[test]
    fn broken_toml_and_keys_that_go_together() {
        let c = check_text("retention_days = 30\nhub_url = \"https://x\n");
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].line, Some(2), "{}", list(&c.problems));
        assert!(c.problems[0].what.starts_with("not valid TOML"));

        let c = check_text(
            "hub_url = \"https://x\"\nallowed_models = [\"tiny.en\"]\nmodel = \"base\"\nsiprec_tls_cert = \"/etc/c.pem\"\n",
        );
        let text = list(&c.problems);
        assert_eq!(c.problems.len(), 3, "{text}");
        assert!(
            text.contains("siprec_tls_cert and siprec_tls_key go together"),
            "{text}"
        );
        assert!(
            text.contains("line 3: model: 'base' is not in allowed_models"),
            "{text}"
        );
        assert!(
            text.contains("line 1: hub_ca: a hub is set without its CA"),
            "{text}"
        );
    }

    #[test]
    fn managed_preferences_are_read_as_the_keys_kinds_from_xml_and_binary_plists() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = plist::Dictionary::new();
        d.insert("hub_url".into(), "https://hub.example:8443".into());
        d.insert("retention_days".into(), plist::Value::Integer(30.into()));
        d.insert("allow_delete".into(), plist::Value::Integer(0.into()));
        d.insert("siprec_require_secure".into(), plist::Value::Boolean(true));
        d.insert("suggestion_threshold".into(), plist::Value::Real(0.4));
        d.insert(
            "age_recipients".into(),
            plist::Value::Array(vec!["age1a".into(), "age1b".into()]),
        );
        d.insert("hub_ca".into(), "/etc/earshot/hub-ca.pem".into());
        // What a profile adds about itself is not a policy key.
        d.insert("PayloadUUID".into(), "2F1C…".into());
        let xml = dir.path().join("xml.plist");
        let binary = dir.path().join("binary.plist");
        plist::Value::Dictionary(d.clone())
            .to_file_xml(&xml)
            .unwrap();
        plist::Value::Dictionary(d.clone())
            .to_file_binary(&binary)
            .unwrap();
        for path in [&xml, &binary] {
            let t = managed_preferences_at(path).unwrap().unwrap();
            assert!(check_table(&t, &BTreeMap::new()).is_empty(), "{t:?}");
            assert_eq!(t.len(), 7);
            assert_eq!(t["allow_delete"], toml::Value::Boolean(false));
            assert_eq!(t["retention_days"], toml::Value::Integer(30));
            assert_eq!(t["suggestion_threshold"], toml::Value::Float(0.4));
        }
        // No file: no managed preferences (the control for the refusals below).
        assert_eq!(
            managed_preferences_at(&dir.path().join("none.plist")),
            Ok(None)
        );
        // A value of the wrong kind for its key is a problem named by its key.
        let mut wrong = d.clone();
        wrong.insert("retention_days".into(), "thirty".into());
        plist::Value::Dictionary(wrong).to_file_xml(&xml).unwrap();
        let t = managed_preferences_at(&xml).unwrap().unwrap();
        let problems = check_table(&t, &BTreeMap::new());
        assert_eq!(problems.len(), 1, "{}", list(&problems));
        assert_eq!(problems[0].key.as_deref(), Some("retention_days"));
        // A kind no key takes, and a file that is not a property list, are refused.
        let mut dated = d;
        dated.insert(
            "retention_days".into(),
            plist::Value::Date(std::time::SystemTime::UNIX_EPOCH.into()),
        );
        plist::Value::Dictionary(dated).to_file_xml(&xml).unwrap();
        let err = managed_preferences_at(&xml).unwrap_err();
        assert!(err.starts_with("retention_days: a date"), "{err}");
        std::fs::write(&xml, "retention_days = 30\n").unwrap();
        let err = managed_preferences_at(&xml).unwrap_err();
        assert!(err.contains("is not a property list"), "{err}");
    }

    /// A minisign public key's line (made for these tests; nothing is signed with it).
    const KEY: &str = "RWQ5a02lLUTaMqKCnEpJATB5C0mp4DIIeTKRRYywSSHbQxw8ngyL49qL";

    #[test]
    fn updates_take_an_https_address_and_the_key_they_are_signed_with() {
        let good = format!(
            "update_url = \"https://updates.example/latest.json\"\nupdate_pubkey = \"{KEY}\"\n\
             update_ca = \"/etc/earshot/updates-ca.pem\"\n"
        );
        let c = check_text(&good);
        assert!(c.problems.is_empty(), "{}", list(&c.problems));

        let c = check_text(&format!(
            "retention_days = 30\nupdate_url = \"http://updates.example/latest.json\"\n\
             update_pubkey = \"{}\"\nupdate_ca = \"ca.pem\"\n",
            &KEY[..20]
        ));
        let text = list(&c.problems);
        let got: Vec<_> = c.problems.iter().map(|p| p.line).collect();
        assert_eq!(got, vec![Some(2), Some(3), Some(4)], "{text}");
        assert!(text.contains("updates are fetched over TLS only"), "{text}");
        assert!(
            text.contains("line 3: update_pubkey: update_pubkey is not a minisign public key"),
            "{text}"
        );
        assert!(text.contains("'ca.pem' is not a full path"), "{text}");

        let c = check_text("update_url = \"https://updates.example/latest.json\"\n");
        let text = list(&c.problems);
        assert_eq!(c.problems.len(), 1, "{text}");
        assert!(
            text.contains("line 1: update_pubkey: updates are turned on without the key"),
            "{text}"
        );
    }

    #[test]
    fn an_update_key_is_taken_in_each_form_minisign_and_tauri_write() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let file = format!("untrusted comment: minisign public key 5A3A\n{KEY}\n");
        let tauri = b64.encode(&file);
        assert_eq!(crate::update_key(&tauri).unwrap(), tauri);
        assert_eq!(crate::update_key(&file).unwrap(), tauri);
        let from_line = crate::update_key(KEY).unwrap();
        let decoded = String::from_utf8(b64.decode(&from_line).unwrap()).unwrap();
        assert_eq!(decoded.lines().nth(1), Some(KEY));
        // Not a key: an age recipient, a truncated key, the key of another algorithm.
        for bad in ["age1qyqszqgpqyqszqgpqyqszqgp", &KEY[..40], "RWSAAAA"] {
            assert!(crate::update_key(bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_policy_others_can_write_is_refused() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("policy.toml");
        std::fs::write(&p, "retention_days = 30\n").unwrap();
        if std::fs::metadata(&p).unwrap().uid() != 0 {
            eprintln!("skipped: needs root to make root-owned and other-owned files");
            return;
        }
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(check_file(&p).is_empty(), "{}", list(&check_file(&p)));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666)).unwrap();
        let problems = check_file(&p);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].what.contains("mode 666"), "{}", problems[0]);
        assert!(problems[0].fix.contains("chmod 644"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::chown(&p, Some(1000), None).unwrap();
        assert!(check_file(&p)[0].what.contains("owner uid 1000"));
        std::os::unix::fs::chown(&p, Some(0), None).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(check_file(&p)[0].what.contains("its folder"));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(check_file(&p).is_empty());
    }
}
