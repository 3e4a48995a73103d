//! Writing the legacy ggml container that whisper.cpp loads (ASR and VAD models alike).

use std::io::{self, Write};

/// `"ggml"` as a little-endian u32.
pub(crate) const MAGIC: u32 = 0x6767_6d6c;

/// Element type of a tensor record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TensorType {
    F32 = 0,
    F16 = 1,
}

/// Little-endian writer for the header fields and tensor records.
pub(crate) struct GgmlWriter<W: Write> {
    out: W,
}

impl<W: Write> GgmlWriter<W> {
    pub(crate) fn new(out: W) -> Self {
        GgmlWriter { out }
    }

    pub(crate) fn u32(&mut self, v: u32) -> io::Result<()> {
        self.out.write_all(&v.to_le_bytes())
    }

    pub(crate) fn i32(&mut self, v: i32) -> io::Result<()> {
        self.out.write_all(&v.to_le_bytes())
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.out.write_all(b)
    }

    /// One tensor: `n_dims, name_len, type, dims (innermost first), name, data`.
    /// `shape` is given outermost first (PyTorch order), as the data is laid out row-major.
    pub(crate) fn tensor(
        &mut self,
        name: &str,
        shape: &[usize],
        ty: TensorType,
        data: &[u8],
    ) -> io::Result<()> {
        let elements: usize = shape.iter().product();
        let width = match ty {
            TensorType::F32 => 4,
            TensorType::F16 => 2,
        };
        if elements * width != data.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "tensor {name}: shape {shape:?} needs {} bytes, got {}",
                    elements * width,
                    data.len()
                ),
            ));
        }
        self.i32(shape.len() as i32)?;
        self.i32(name.len() as i32)?;
        self.i32(ty as i32)?;
        for dim in shape.iter().rev() {
            self.i32(*dim as i32)?;
        }
        self.bytes(name.as_bytes())?;
        self.bytes(data)
    }

    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
