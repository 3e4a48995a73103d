//! The SIPREC receiver's settings, one set of keys everywhere: `siprec_<name>` in `config.toml`
//! and `policy.toml`, `--<name>` (underscores as dashes) on `earshot siprec`. The desktop app's
//! "Join SIPREC" and the headless CLI read the same [`SiprecSettings`]; a key the policy manages
//! cannot be overridden by a flag either.
//!
//! | key | `earshot siprec` flag | default | meaning |
//! |---|---|---|---|
//! | `siprec_listen = ["udp:0.0.0.0:5060"]` | `--listen` (repeatable) | UDP and TCP on `0.0.0.0:5060` | listeners: `udp:`, `tcp:` or `tls:IP:PORT` |
//! | `siprec_allow = ["10.1.0.0/16"]` | `--allow` (repeatable) | none: this machine only | CIDRs allowed to send SIP and RTP |
//! | `siprec_agents = ["1???"]` | `--agents` (repeatable) | none | agent address patterns (`*`, `?`) that tell the agent's stream from the caller's |
//! | `siprec_fallback = "first_is_caller"` | `--fallback` | `first_is_caller` | when nothing tells the roles apart: `first_is_caller` or `first_is_agent` |
//! | `siprec_media_ip = "10.1.2.3"` | `--media-ip` | the address that routes to the recorder | address put in SDP answers |
//! | `siprec_rtp_ports = "20000-29999"` | `--rtp-ports` | any free port | RTP port range |
//! | `siprec_rtp_timeout = 30` | `--rtp-timeout` | 30 | seconds without RTP before a session is ended |
//! | `siprec_tls_cert = "/etc/earshot/srs.pem"` | `--tls-cert` | none | server certificate chain (PEM) for `tls:` listeners |
//! | `siprec_tls_key = "/etc/earshot/srs.key"` | `--tls-key` | none | its private key (PEM); set with the certificate |
//! | `siprec_tls_client_ca = "/etc/earshot/sbc-ca.pem"` | `--tls-client-ca` | none | require recorders' client certificates from these CAs |
//! | `siprec_require_secure = true` | `--require-secure` | false | refuse unencrypted signalling and media (TLS + SRTP) |
//! | `siprec_media_from_any_allowed = true` | `--media-from-any-allowed` | false | take a session's RTP from any allowed address (SBCs that send media from another interface) |
//! | `siprec_tcp_idle_timeout = 300` | `--tcp-idle-timeout` | 300 | seconds before an idle SIP TCP/TLS connection is closed |
//! | `siprec_max_connections = 64` | `--max-connections` | 64 | SIP TCP/TLS connections open at once |
//! | `siprec_workers = 2` | `--workers` | physical cores this process may use | whisper decodes run at once for all calls (they share the threads: a decode alone gets them all) |
//! | `siprec_max_calls = 4` | `--max-calls` | unset: at most 3 calls per worker with tiny.en, 1 with base, and fewer while the engine falls behind (a final waiting over 1 s for a decoder, now or in the last 10 s) | calls recorded at once (set: exactly that many); one more is answered `503` with `Retry-After` |

use crate::ConfigError;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::PathBuf;

/// Who the first audio stream is when the metadata and the agent patterns cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiprecFallback {
    /// The first stream is the caller.
    FirstIsCaller,
    /// The first stream is the agent.
    FirstIsAgent,
}

/// The receiver's effective settings (see the module docs for each key).
#[derive(Debug, Clone, PartialEq)]
pub struct SiprecSettings {
    /// Listeners (`udp:IP:PORT`, `tcp:…`, `tls:…`).
    pub listen: Vec<String>,
    /// Sources allowed to send recordings (CIDRs; empty: this machine only).
    pub allow: Vec<String>,
    /// Agent address patterns.
    pub agents: Vec<String>,
    /// Roles when nothing else tells them apart.
    pub fallback: SiprecFallback,
    /// Address for SDP answers (None: the one that routes to the recorder).
    pub media_ip: Option<IpAddr>,
    /// RTP port range (None: any free port).
    pub rtp_ports: Option<(u16, u16)>,
    /// Seconds without RTP before a session ends.
    pub rtp_timeout: u64,
    /// Server certificate chain for `tls:` listeners.
    pub tls_cert: Option<PathBuf>,
    /// Its private key.
    pub tls_key: Option<PathBuf>,
    /// CAs whose client certificates recorders must present (None: none asked for).
    pub tls_client_ca: Option<PathBuf>,
    /// Refuse unencrypted signalling and media.
    pub require_secure: bool,
    /// Take RTP from any allowed address.
    pub media_from_any_allowed: bool,
    /// Seconds before an idle SIP TCP/TLS connection is closed.
    pub tcp_idle_timeout: u64,
    /// SIP TCP/TLS connections open at once.
    pub max_connections: usize,
    /// Whisper decodes at once for all calls (None: the physical cores).
    pub workers: Option<usize>,
    /// Calls recorded at once (None: from the model and the workers).
    pub max_calls: Option<usize>,
}

impl Default for SiprecSettings {
    fn default() -> Self {
        SiprecSettings {
            listen: vec!["udp:0.0.0.0:5060".into(), "tcp:0.0.0.0:5060".into()],
            allow: Vec::new(),
            agents: Vec::new(),
            fallback: SiprecFallback::FirstIsCaller,
            media_ip: None,
            rtp_ports: None,
            rtp_timeout: 30,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            require_secure: false,
            media_from_any_allowed: false,
            tcp_idle_timeout: 300,
            max_connections: 64,
            workers: None,
            max_calls: None,
        }
    }
}

impl SiprecSettings {
    /// Checks what no single key can (the certificate and its key go together; a `tls:`
    /// listener needs them): when the receiver starts, so that a receiver's mistake does not
    /// stop the rest of the app.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError::Invalid(
                "siprec_tls_cert and siprec_tls_key go together".into(),
            ));
        }
        if self.tls_cert.is_none() {
            if let Some(l) = self.listen.iter().find(|l| l.starts_with("tls:")) {
                return Err(ConfigError::Invalid(format!(
                    "siprec_listen '{l}' needs siprec_tls_cert and siprec_tls_key"
                )));
            }
        }
        Ok(())
    }
}

/// Some of the receiver's keys, as one file, the policy or the command line sets them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiprecLayer {
    /// `siprec_listen`.
    #[serde(rename = "siprec_listen")]
    pub listen: Option<Vec<String>>,
    /// `siprec_allow`.
    #[serde(rename = "siprec_allow")]
    pub allow: Option<Vec<String>>,
    /// `siprec_agents`.
    #[serde(rename = "siprec_agents")]
    pub agents: Option<Vec<String>>,
    /// `siprec_fallback`.
    #[serde(rename = "siprec_fallback")]
    pub fallback: Option<SiprecFallback>,
    /// `siprec_media_ip`.
    #[serde(rename = "siprec_media_ip")]
    pub media_ip: Option<String>,
    /// `siprec_rtp_ports` (`LOW-HIGH`).
    #[serde(rename = "siprec_rtp_ports")]
    pub rtp_ports: Option<String>,
    /// `siprec_rtp_timeout`.
    #[serde(rename = "siprec_rtp_timeout")]
    pub rtp_timeout: Option<u64>,
    /// `siprec_tls_cert`.
    #[serde(rename = "siprec_tls_cert")]
    pub tls_cert: Option<PathBuf>,
    /// `siprec_tls_key`.
    #[serde(rename = "siprec_tls_key")]
    pub tls_key: Option<PathBuf>,
    /// `siprec_tls_client_ca`.
    #[serde(rename = "siprec_tls_client_ca")]
    pub tls_client_ca: Option<PathBuf>,
    /// `siprec_require_secure`.
    #[serde(rename = "siprec_require_secure")]
    pub require_secure: Option<bool>,
    /// `siprec_media_from_any_allowed`.
    #[serde(rename = "siprec_media_from_any_allowed")]
    pub media_from_any_allowed: Option<bool>,
    /// `siprec_tcp_idle_timeout`.
    #[serde(rename = "siprec_tcp_idle_timeout")]
    pub tcp_idle_timeout: Option<u64>,
    /// `siprec_max_connections`.
    #[serde(rename = "siprec_max_connections")]
    pub max_connections: Option<usize>,
    /// `siprec_workers`.
    #[serde(rename = "siprec_workers")]
    pub workers: Option<usize>,
    /// `siprec_max_calls`.
    #[serde(rename = "siprec_max_calls")]
    pub max_calls: Option<usize>,
}

impl SiprecLayer {
    /// The keys this layer sets.
    pub fn keys(&self) -> BTreeSet<String> {
        [
            ("siprec_listen", self.listen.is_some()),
            ("siprec_allow", self.allow.is_some()),
            ("siprec_agents", self.agents.is_some()),
            ("siprec_fallback", self.fallback.is_some()),
            ("siprec_media_ip", self.media_ip.is_some()),
            ("siprec_rtp_ports", self.rtp_ports.is_some()),
            ("siprec_rtp_timeout", self.rtp_timeout.is_some()),
            ("siprec_tls_cert", self.tls_cert.is_some()),
            ("siprec_tls_key", self.tls_key.is_some()),
            ("siprec_tls_client_ca", self.tls_client_ca.is_some()),
            ("siprec_require_secure", self.require_secure.is_some()),
            (
                "siprec_media_from_any_allowed",
                self.media_from_any_allowed.is_some(),
            ),
            ("siprec_tcp_idle_timeout", self.tcp_idle_timeout.is_some()),
            ("siprec_max_connections", self.max_connections.is_some()),
            ("siprec_workers", self.workers.is_some()),
            ("siprec_max_calls", self.max_calls.is_some()),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| k.to_string())
        .collect()
    }

    /// Sets on `s` every key this layer has; a value that cannot be used is an error naming
    /// its key, and changes nothing.
    pub(crate) fn apply(self, s: &mut SiprecSettings) -> Result<(), ConfigError> {
        let bad = |key: &str, why: String| ConfigError::Invalid(format!("{key}: {why}"));
        let media_ip = match &self.media_ip {
            None => None,
            Some(ip) if ip.trim().is_empty() => Some(None),
            Some(ip) => Some(Some(ip.trim().parse::<IpAddr>().map_err(|_| {
                bad("siprec_media_ip", format!("'{ip}' is not an IP address"))
            })?)),
        };
        let rtp_ports = match &self.rtp_ports {
            None => None,
            Some(r) if r.trim().is_empty() => Some(None),
            Some(r) => Some(Some(parse_ports(r).ok_or_else(|| {
                bad(
                    "siprec_rtp_ports",
                    format!("'{r}': use LOW-HIGH, e.g. 20000-29999"),
                )
            })?)),
        };
        for (key, value) in [
            ("siprec_rtp_timeout", self.rtp_timeout),
            ("siprec_tcp_idle_timeout", self.tcp_idle_timeout),
            (
                "siprec_max_connections",
                self.max_connections.map(|n| n as u64),
            ),
            ("siprec_workers", self.workers.map(|n| n as u64)),
            ("siprec_max_calls", self.max_calls.map(|n| n as u64)),
        ] {
            if value == Some(0) {
                return Err(bad(key, "must be at least 1".into()));
            }
        }
        if let Some(v) = self.listen {
            s.listen = v;
        }
        if let Some(v) = self.allow {
            s.allow = v;
        }
        if let Some(v) = self.agents {
            s.agents = v;
        }
        if let Some(v) = self.fallback {
            s.fallback = v;
        }
        if let Some(v) = media_ip {
            s.media_ip = v;
        }
        if let Some(v) = rtp_ports {
            s.rtp_ports = v;
        }
        if let Some(v) = self.rtp_timeout {
            s.rtp_timeout = v;
        }
        if let Some(v) = self.tls_cert {
            s.tls_cert = Some(v);
        }
        if let Some(v) = self.tls_key {
            s.tls_key = Some(v);
        }
        if let Some(v) = self.tls_client_ca {
            s.tls_client_ca = Some(v);
        }
        if let Some(v) = self.require_secure {
            s.require_secure = v;
        }
        if let Some(v) = self.media_from_any_allowed {
            s.media_from_any_allowed = v;
        }
        if let Some(v) = self.tcp_idle_timeout {
            s.tcp_idle_timeout = v;
        }
        if let Some(v) = self.max_connections {
            s.max_connections = v;
        }
        if let Some(v) = self.workers {
            s.workers = Some(v);
        }
        if let Some(v) = self.max_calls {
            s.max_calls = Some(v);
        }
        Ok(())
    }
}

/// `LOW-HIGH`, 0 < LOW < HIGH.
fn parse_ports(r: &str) -> Option<(u16, u16)> {
    let (a, b) = r.trim().split_once('-')?;
    let (a, b) = (a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?);
    (a > 0 && a < b).then_some((a, b))
}
