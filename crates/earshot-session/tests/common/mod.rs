//! What this crate's SIPREC tests share: the environment a receiver's calls read their
//! configuration from, and a real receiver on an ephemeral loopback port.

// Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use earshot_pipeline::{Engine, LiveOptions};
use earshot_seal::OperatorIdentity;
use earshot_session::siprec::{join_with, Joined, SiprecEvent};
use earshot_session::SessionError;
use earshot_siprec::server::{Listen, SrsConfig};
use std::path::Path;
use std::sync::Arc;

/// Points the configuration at a vault under `dir` (file key store, no config file), sealing
/// to a new operator identity (returned), with `second_pass` (`"off"` or a model). The
/// receiver's calls load the configuration in their own threads: from the environment.
pub fn vault_env(dir: &Path, second_pass: &str) -> OperatorIdentity {
    let identity = OperatorIdentity::generate();
    std::env::set_var("EARSHOT_DATA_DIR", dir.join("data"));
    std::env::set_var("EARSHOT_KEY_STORE", "file");
    std::env::set_var("EARSHOT_AGE_RECIPIENTS", identity.recipient());
    std::env::set_var("EARSHOT_SECOND_PASS", second_pass);
    std::env::remove_var("EARSHOT_CONFIG");
    identity
}

/// A receiver with `config` listening on an ephemeral loopback UDP port, its calls on `engine`
/// with the default live settings and no agent assist.
pub fn loopback(
    config: SrsConfig,
    engine: &Arc<Engine>,
    on_event: impl Fn(SiprecEvent) + Send + Sync + 'static,
) -> Result<Joined, SessionError> {
    join_with(
        SrsConfig {
            listen: vec![Listen::Udp("127.0.0.1:0".parse().unwrap())],
            ..config
        },
        engine.clone(),
        Default::default(),
        LiveOptions::default(),
        on_event,
    )
}
