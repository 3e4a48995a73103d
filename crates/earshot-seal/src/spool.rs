//! A live call's audio, kept encrypted on disk for the second pass, readable only by the process
//! that wrote it.
//!
//! The second pass re-decodes a call with the better model after it ended, so its audio must
//! outlive the live engine's short buffers, and a long call must not be held in memory. The
//! audio holds the caller's spoken card numbers, so it is never on disk in clear: it is
//! age-encrypted to an X25519 identity generated for this call, kept in this process's memory
//! only and dropped with the [`Spool`]. A process killed mid-call leaves a file nobody can read;
//! the vault deletes it when it finds it unlocked (the writer holds an exclusive lock on it for
//! the spool's whole life, so another process can tell a live spool from a dead one's).
//!
//! Format (inside the age stream): `EARSHOT-SPOOL-1\n`, the number of tracks (one byte), each
//! track's speaker (one byte: 0 caller, 1 agent, 2 unknown); then records of a track index (one
//! byte), a sample count (u32 LE) and that many 16 kHz samples as i16 LE.

use crate::SealError;
use earshot_core::Speaker;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"EARSHOT-SPOOL-1\n";

/// Most samples one record may hold (a minute at 16 kHz): a bound for a damaged file.
const MAX_RECORD: usize = 16_000 * 60;

fn io(context: String) -> impl FnOnce(std::io::Error) -> SealError {
    move |source| SealError::Io { context, source }
}

fn speaker_code(s: Speaker) -> u8 {
    match s {
        Speaker::Caller => 0,
        Speaker::Agent => 1,
        Speaker::Unknown => 2,
    }
}

fn speaker_of(code: u8) -> Option<Speaker> {
    match code {
        0 => Some(Speaker::Caller),
        1 => Some(Speaker::Agent),
        2 => Some(Speaker::Unknown),
        _ => None,
    }
}

/// A call's spooled audio: written while the call runs, read back once after it.
pub struct Spool {
    path: PathBuf,
    identity: age::x25519::Identity,
    /// Holds the exclusive lock from creation until the spool is dropped.
    lock: File,
    writer: Option<age::stream::StreamWriter<BufWriter<File>>>,
    speakers: Vec<Speaker>,
}

impl Spool {
    /// Creates the spool file at `path` (which must not exist; mode 0600), locked, for tracks
    /// of `speakers`.
    pub fn create(path: &Path, speakers: &[Speaker]) -> Result<Spool, SealError> {
        if speakers.is_empty() || speakers.len() > u8::MAX as usize {
            return Err(SealError::Encrypt(format!(
                "a spool needs 1 to 255 tracks, not {}",
                speakers.len()
            )));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(format!("cannot create {}", dir.display())))?;
        }
        // Made and locked under a name of its own, then linked into place (refused if the name
        // is taken): a process sweeping the folder never sees it unlocked under its name.
        let fresh = path.with_extension(format!("new-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        // Read back through the locked handle itself (Windows' locks keep other handles out).
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&fresh)
            .map_err(io(format!("cannot create {}", fresh.display())))?;
        let placed = file
            .try_lock()
            .map_err(|e| SealError::Io {
                context: format!("cannot lock {}", fresh.display()),
                source: e.into(),
            })
            .and_then(|()| {
                std::fs::hard_link(&fresh, path)
                    .map_err(io(format!("cannot create {}", path.display())))
            });
        let _ = std::fs::remove_file(&fresh);
        placed?;
        let lock = file
            .try_clone()
            .map_err(io(format!("cannot reopen {}", path.display())))?;
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| SealError::Encrypt(e.to_string()))?;
        let mut writer = encryptor
            .wrap_output(BufWriter::new(file))
            .map_err(io(format!("cannot write {}", path.display())))?;
        let mut header = MAGIC.to_vec();
        header.push(speakers.len() as u8);
        header.extend(speakers.iter().map(|&s| speaker_code(s)));
        writer
            .write_all(&header)
            .map_err(io(format!("cannot write {}", path.display())))?;
        Ok(Spool {
            path: path.to_path_buf(),
            identity,
            lock,
            writer: Some(writer),
            speakers: speakers.to_vec(),
        })
    }

    /// The spool file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tracks' speakers, in track order.
    pub fn speakers(&self) -> &[Speaker] {
        &self.speakers
    }

    /// Appends `samples` (16 kHz, −1..1) to `speaker`'s track. An unknown speaker, or a write
    /// after [`Spool::finish`], is an error.
    pub fn append(&mut self, speaker: Speaker, samples: &[f32]) -> Result<(), SealError> {
        let track = self
            .speakers
            .iter()
            .position(|&s| s == speaker)
            .ok_or_else(|| SealError::Encrypt(format!("no {speaker:?} track in this spool")))?;
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| SealError::Encrypt("the spool is already finished".into()))?;
        let context = || format!("cannot write {}", self.path.display());
        for part in samples.chunks(MAX_RECORD) {
            let mut record = Vec::with_capacity(5 + 2 * part.len());
            record.push(track as u8);
            record.extend((part.len() as u32).to_le_bytes());
            for &s in part {
                record.extend(((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes());
            }
            writer.write_all(&record).map_err(io(context()))?;
        }
        Ok(())
    }

    /// Ends writing (the age stream's last chunk) and opens the spool for reading.
    pub fn finish(&mut self) -> Result<SpoolReader, SealError> {
        if let Some(writer) = self.writer.take() {
            let context = || format!("cannot finish {}", self.path.display());
            let mut inner = writer.finish().map_err(io(context()))?;
            inner.flush().map_err(io(context()))?;
        }
        let mut file = self
            .lock
            .try_clone()
            .map_err(io(format!("cannot reopen {}", self.path.display())))?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0))
            .map_err(io(format!("cannot read {}", self.path.display())))?;
        let decryptor = age::Decryptor::new(BufReader::new(file))
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let mut magic = vec![0u8; MAGIC.len() + 1];
        reader
            .read_exact(&mut magic)
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let n = magic[MAGIC.len()] as usize;
        if &magic[..MAGIC.len()] != MAGIC || n == 0 {
            return Err(SealError::Damaged("not an Earshot spool".into()));
        }
        let mut codes = vec![0u8; n];
        reader
            .read_exact(&mut codes)
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let speakers = codes
            .iter()
            .map(|&c| speaker_of(c))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| SealError::Damaged("unknown speaker in the spool".into()))?;
        Ok(SpoolReader {
            reader: Box::new(reader),
            speakers,
        })
    }
}

impl Drop for Spool {
    /// Removes the file; the identity goes with the memory.
    fn drop(&mut self) {
        self.writer = None;
        let _ = std::fs::remove_file(&self.path);
        let _ = self.lock.unlock();
    }
}

/// Whether the spool at `path` belongs to a running writer (it is locked). A spool nobody
/// holds is a dead process's: unreadable for good. (A file being made is locked before it
/// takes a spool's name.)
pub fn spool_in_use(path: &Path) -> bool {
    match File::open(path) {
        Ok(f) => match f.try_lock() {
            Ok(()) => {
                let _ = f.unlock();
                false
            }
            Err(std::fs::TryLockError::WouldBlock) => true,
            Err(std::fs::TryLockError::Error(_)) => true,
        },
        Err(_) => false,
    }
}

/// A finished spool read back: records in the order they were written.
pub struct SpoolReader {
    reader: Box<dyn Read + Send>,
    speakers: Vec<Speaker>,
}

impl SpoolReader {
    /// The tracks' speakers, in track order.
    pub fn speakers(&self) -> &[Speaker] {
        &self.speakers
    }

    /// The next record: its track index and samples; `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<(usize, Vec<f32>)>, SealError> {
        let mut head = [0u8; 5];
        match self.reader.read_exact(&mut head[..1]) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(SealError::Damaged(e.to_string())),
        }
        self.reader
            .read_exact(&mut head[1..])
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let track = head[0] as usize;
        let n = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
        if track >= self.speakers.len() || n > MAX_RECORD {
            return Err(SealError::Damaged("a spool record is out of bounds".into()));
        }
        let mut raw = vec![0u8; 2 * n];
        self.reader
            .read_exact(&mut raw)
            .map_err(|e| SealError::Damaged(e.to_string()))?;
        let samples = raw
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .collect();
        Ok(Some((track, samples)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_reads_back_what_was_written_and_holds_nothing_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool").join("call-1.spool");
        let mut spool = Spool::create(&path, &[Speaker::Caller, Speaker::Agent]).unwrap();
        assert!(spool_in_use(&path), "locked while it lives");
        // A recognisable pattern: 16-bit samples of an ASCII string.
        let marker: Vec<f32> = b"4111111111111111"
            .iter()
            .map(|&b| f32::from(b) / 32767.0)
            .collect();
        spool.append(Speaker::Caller, &marker).unwrap();
        spool.append(Speaker::Agent, &[0.5, -0.5]).unwrap();
        assert!(spool.append(Speaker::Unknown, &[0.1]).is_err());
        let mut reader = spool.finish().unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert!(on_disk.starts_with(b"age-encryption.org/v1"));
        let clear: Vec<u8> = marker
            .iter()
            .flat_map(|s| ((s * 32767.0).round() as i16).to_le_bytes())
            .collect();
        assert!(
            !on_disk.windows(clear.len()).any(|w| w == clear),
            "the samples are not on disk in clear"
        );
        assert_eq!(reader.speakers(), [Speaker::Caller, Speaker::Agent]);
        let (track, caller) = reader.next_record().unwrap().unwrap();
        assert_eq!(track, 0);
        for (a, b) in caller.iter().zip(&marker) {
            assert!((a - b).abs() < 1e-4);
        }
        let (track, agent) = reader.next_record().unwrap().unwrap();
        assert_eq!((track, agent.len()), (1, 2));
        assert!(reader.next_record().unwrap().is_none());
        drop(reader);
        drop(spool);
        assert!(!path.exists(), "the file goes with the spool");
        assert!(!spool_in_use(&path));
    }

    #[test]
    fn a_dead_writers_spool_is_unlocked_and_unreadable_without_its_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call-2.spool");
        let mut spool = Spool::create(&path, &[Speaker::Caller]).unwrap();
        spool.append(Speaker::Caller, &[0.25; 100]).unwrap();
        // As if the process died: its memory (the identity) and its lock are gone, the file
        // stays.
        let kept = dir.path().join("kept.spool");
        std::fs::copy(&path, &kept).unwrap();
        drop(spool);
        assert!(!spool_in_use(&kept), "nobody holds it");
        let other = age::x25519::Identity::generate();
        let d = age::Decryptor::new(File::open(&kept).unwrap());
        // A file cut before age's header is complete does not even parse; one that parses
        // does not open with another identity.
        if let Ok(d) = d {
            assert!(d
                .decrypt(std::iter::once(&other as &dyn age::Identity))
                .is_err());
        }
        // A second spool for the same call refuses to overwrite the first.
        std::fs::write(&path, b"x").unwrap();
        assert!(Spool::create(&path, &[Speaker::Caller]).is_err());
    }
}
