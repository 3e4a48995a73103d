//! Where converted models live and how the runtime finds them.

use crate::manifest::{Converter, Manifest, ModelEntry, SourceRole};
use crate::{convert, fetch, sha256_file, ModelError};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The folder of converted models (`EARSHOT_MODEL_DIR`, else the OS cache dir + `/models`).
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
    manifest: Manifest,
}

/// Outcome of [`ModelStore::install`] and [`ModelStore::install_from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// The file was already there and verified.
    AlreadyPresent,
    /// The file was fetched, converted and verified now.
    Converted,
    /// The file was copied from a folder and verified now.
    Copied,
}

impl ModelStore {
    /// The store the environment points at, with the built-in manifest.
    pub fn from_env() -> ModelStore {
        let dir = std::env::var_os("EARSHOT_MODEL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(default_dir);
        ModelStore {
            dir,
            manifest: Manifest::builtin(),
        }
    }

    /// A store at `dir` with `manifest`.
    pub fn new(dir: PathBuf, manifest: Manifest) -> ModelStore {
        ModelStore { dir, manifest }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Path of model `name`, after a cheap check (present, right size, ggml magic).
    ///
    /// A missing or damaged file is an error that names the fix; it never panics.
    pub fn locate(&self, name: &str) -> Result<PathBuf, ModelError> {
        let entry = self.manifest.get(name)?;
        let path = self.dir.join(&entry.file);
        let meta = std::fs::metadata(&path).map_err(|_| ModelError::Missing {
            name: entry.name.clone(),
            file: entry.file.clone(),
            path: path.clone(),
        })?;
        if meta.len() != entry.size {
            return Err(corrupt(
                entry,
                &path,
                format!("size {} B, expected {} B", meta.len(), entry.size),
            ));
        }
        if entry.converter == Converter::Copy {
            return Ok(path);
        }
        let mut magic = [0u8; 4];
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_exact(&mut magic))
            .map_err(|e| corrupt(entry, &path, e.to_string()))?;
        if u32::from_le_bytes(magic) != crate::ggml::MAGIC {
            return Err(corrupt(entry, &path, "not a ggml file".into()));
        }
        Ok(path)
    }

    /// Full check of model `name`: size and SHA-256 against the manifest.
    pub fn verify(&self, name: &str) -> Result<PathBuf, ModelError> {
        let path = self.locate(name)?;
        let entry = self.manifest.get(name)?;
        let actual = sha256_file(&path)?;
        if actual != entry.sha256 {
            return Err(corrupt(
                entry,
                &path,
                format!("sha256 {actual}, expected {}", entry.sha256),
            ));
        }
        Ok(path)
    }

    /// Makes model `name` present and verified: fetches its sources (cached under the store's
    /// `sources/` folder), converts them and checks the result. Idempotent.
    pub fn install(&self, name: &str) -> Result<Installed, ModelError> {
        if self.verify(name).is_ok() {
            return Ok(Installed::AlreadyPresent);
        }
        let entry = self.manifest.get(name)?;
        let cache = self.dir.join("sources");
        let part = |role: SourceRole| -> Result<Vec<u8>, ModelError> {
            let mut out = Vec::new();
            for s in entry.sources.iter().filter(|s| s.role == role) {
                out.extend(fetch::source_bytes(s, &cache)?);
            }
            Ok(out)
        };
        let bytes = match entry.converter {
            Converter::Ct2Whisper => convert::ct2_whisper_to_ggml(
                &part(SourceRole::Weights)?,
                &part(SourceRole::MelFilters)?,
                &part(SourceRole::Vocabulary)?,
            )?,
            Converter::Copy => part(SourceRole::Weights)?,
            Converter::SileroVad => {
                let version = entry.sources[0]
                    .version
                    .split('.')
                    .map(|v| v.parse().unwrap_or(0))
                    .collect::<Vec<i32>>();
                let v = |i: usize| version.get(i).copied().unwrap_or(0);
                convert::silero_to_ggml(&part(SourceRole::Weights)?, (v(0), v(1), v(2)))?
            }
        };
        let actual = crate::sha256_hex(&bytes);
        if actual != entry.sha256 || bytes.len() as u64 != entry.size {
            return Err(ModelError::Convert(format!(
                "converted {} is {} B sha256 {actual}; the manifest expects {} B sha256 {}",
                entry.name,
                bytes.len(),
                entry.size,
                entry.sha256
            )));
        }
        self.place(entry, &bytes)?;
        Ok(Installed::Converted)
    }

    /// Installs model `name` from a folder IT provides (the converted file under its manifest
    /// name, e.g. copied from another workstation's model dir): checked against the manifest's
    /// size and SHA-256 before it is put in place, so a wrong file changes nothing.
    pub fn install_from(&self, name: &str, folder: &Path) -> Result<Installed, ModelError> {
        if self.verify(name).is_ok() {
            return Ok(Installed::AlreadyPresent);
        }
        let entry = self.manifest.get(name)?;
        let from = folder.join(&entry.file);
        let bytes = std::fs::read(&from).map_err(|_| ModelError::Missing {
            name: entry.name.clone(),
            file: entry.file.clone(),
            path: from.clone(),
        })?;
        let actual = crate::sha256_hex(&bytes);
        if actual != entry.sha256 || bytes.len() as u64 != entry.size {
            return Err(corrupt(
                entry,
                &from,
                format!(
                    "{} B sha256 {actual}; the manifest expects {} B sha256 {}",
                    bytes.len(),
                    entry.size,
                    entry.sha256
                ),
            ));
        }
        self.place(entry, &bytes)?;
        Ok(Installed::Copied)
    }

    /// Writes a checked model file into the store: a temporary name, then a rename.
    fn place(&self, entry: &ModelEntry, bytes: &[u8]) -> Result<(), ModelError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(ModelError::io(format!("creating {}", self.dir.display())))?;
        let tmp = self.dir.join(format!(".{}.partial", entry.file));
        std::fs::write(&tmp, bytes)
            .map_err(ModelError::io(format!("writing {}", tmp.display())))?;
        std::fs::rename(&tmp, self.dir.join(&entry.file))
            .map_err(ModelError::io("moving the model into place"))?;
        Ok(())
    }
}

fn corrupt(entry: &ModelEntry, path: &Path, reason: String) -> ModelError {
    ModelError::Corrupt {
        name: entry.name.clone(),
        path: path.to_path_buf(),
        reason,
    }
}

fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("com", "Earshot", "earshot")
        .map(|d| d.cache_dir().join("models"))
        .unwrap_or_else(|| PathBuf::from(".earshot-models"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> ModelStore {
        ModelStore::new(dir.to_path_buf(), Manifest::builtin())
    }

    #[test]
    fn missing_model_names_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let err = store(dir.path()).locate("tiny.en").unwrap_err().to_string();
        assert!(
            err.contains("missing") && err.contains("earshot models install --from"),
            "{err}"
        );
    }

    #[test]
    fn truncated_model_is_reported_damaged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ggml-tiny.en.bin"), b"lmggtruncated").unwrap();
        let err = store(dir.path()).locate("tiny.en").unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
    }
}
