//! Updates under IT's control, as the status bar shows them. The app's shell checks, downloads
//! and installs with Tauri's updater, and only where the organisation's policy points it
//! (`update_url`, signed with `update_pubkey`, the server trusted through `update_ca`); this is
//! the state it reports, and the rule for when it looks.

use serde::Serialize;
use std::time::Duration;

/// How often the app looks for an update while it runs (it also looks once at start).
pub const CHECK_EVERY: Duration = Duration::from_secs(6 * 3600);

/// Where updating stands, for the status bar. Reasons are the updater's own words: addresses,
/// versions and errors, never a call's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(export))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateStatus {
    /// The policy sets no update address: the app never looks for updates.
    #[default]
    Off,
    /// Asking the policy's address.
    Checking,
    /// The address offers nothing newer than this version.
    UpToDate {
        /// The running version.
        version: String,
    },
    /// A newer release is downloaded and its signature verified: it installs when the agent
    /// says so, with no call on.
    Ready {
        /// The release's version.
        version: String,
    },
    /// A newer release was offered but refused: its signature is not the organisation's key's,
    /// or it was signed for another version. Nothing of it is kept.
    Refused {
        /// The version offered.
        version: String,
        /// Why.
        reason: String,
    },
    /// The address could not be asked or did not answer with a release manifest.
    Failed {
        /// Why.
        reason: String,
    },
    /// Installing (on Linux the package manager asks for an administrator).
    Installing {
        /// The release's version.
        version: String,
    },
}

impl UpdateStatus {
    /// Whether the app is looking for updates at all.
    pub fn is_on(&self) -> bool {
        *self != UpdateStatus::Off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_reads_the_state_by_its_tag() {
        let ready = serde_json::to_value(UpdateStatus::Ready {
            version: "1.2.3".into(),
        })
        .unwrap();
        assert_eq!(
            ready,
            serde_json::json!({"state": "ready", "version": "1.2.3"})
        );
        let off = serde_json::to_value(UpdateStatus::Off).unwrap();
        assert_eq!(off, serde_json::json!({"state": "off"}));
        assert!(!UpdateStatus::Off.is_on() && UpdateStatus::Checking.is_on());
    }
}
