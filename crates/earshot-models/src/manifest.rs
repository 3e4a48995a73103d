//! `models/manifest.toml`: every model, its sources, converter and expected output.

use crate::ModelError;
use serde::Deserialize;

/// The manifest shipped with this build (the repository's `models/manifest.toml`).
pub const BUILTIN: &str = include_str!("../../../models/manifest.toml");

/// All models Earshot knows.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// One entry per model.
    #[serde(rename = "model")]
    pub models: Vec<ModelEntry>,
}

/// One model: the file the runtime loads and how to build it.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelEntry {
    /// Short name used on the command line (`tiny.en`, `base`, `silero-vad`).
    pub name: String,
    /// File name of the converted model in the model dir.
    pub file: String,
    /// Which converter builds it.
    pub converter: Converter,
    /// SHA-256 of the converted file.
    pub sha256: String,
    /// Size of the converted file in bytes.
    pub size: u64,
    /// Licence of the weights.
    pub licence: String,
    /// The registry files it is built from.
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
}

/// The converters we have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Converter {
    /// CTranslate2 Whisper `model.bin` (+ mel filters + tiktoken vocabulary) to whisper.cpp ggml.
    Ct2Whisper,
    /// Silero VAD safetensors to whisper.cpp's ggml VAD format.
    SileroVad,
    /// Used as shipped (ONNX models, tokenizers, runtime libraries): hash-checked and copied.
    Copy,
}

/// What a source file is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceRole {
    /// Model weights (several are concatenated in order).
    Weights,
    /// Whisper's `mel_filters.npz`.
    MelFilters,
    /// Whisper's tiktoken vocabulary.
    Vocabulary,
}

/// One file inside one registry package.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    /// What it is for.
    pub role: SourceRole,
    /// Registry package name.
    pub package: String,
    /// Exact version.
    pub version: String,
    /// Path inside the wheel, or inside the sdist's top folder.
    pub path: String,
    /// SHA-256 of that file.
    pub sha256: String,
}

impl Manifest {
    /// Parses a manifest.
    pub fn parse(text: &str) -> Result<Manifest, ModelError> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| ModelError::Manifest(e.to_string()))?;
        for model in &manifest.models {
            if !model.sources.iter().any(|s| s.role == SourceRole::Weights) {
                return Err(ModelError::Manifest(format!(
                    "model '{}' has no weights source",
                    model.name
                )));
            }
        }
        Ok(manifest)
    }

    /// The manifest compiled into this build.
    pub fn builtin() -> Manifest {
        Manifest::parse(BUILTIN).expect("models/manifest.toml is checked by a unit test")
    }

    /// The entry for `name`.
    pub fn get(&self, name: &str) -> Result<&ModelEntry, ModelError> {
        self.models
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| ModelError::UnknownModel {
                name: name.to_string(),
                known: self
                    .models
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifest_parses_and_names_every_model() {
        let m = Manifest::parse(BUILTIN).unwrap();
        for name in ["tiny.en", "base", "silero-vad", "minilm-int8"] {
            assert!(m.get(name).is_ok(), "{name} missing");
        }
        for entry in &m.models {
            let name = &entry.name;
            assert_eq!(entry.sha256.len(), 64, "{name} output hash");
            assert!(entry.size > 0, "{name} size");
            assert!(entry.sources.iter().all(|s| s.sha256.len() == 64));
        }
        assert!(m.get("large").is_err());
    }
}
