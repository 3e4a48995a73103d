//! whisper.cpp's `q8_0` and `q5_0` weights from our f16 ggml models, measured by the pipeline
//! benchmark before any is shipped.
//!
//! `q8_0` (ggml's `block_q8_0`) stores each run of 32 values as one f16 scale `d = max|x| / 127`
//! followed by 32 signed bytes `round(x / d)`: 34 bytes for 32 values. `q5_0` (`block_q5_0`)
//! stores one f16 scale `d = m / -16`, where `m` is the value of largest magnitude, then the 32
//! five-bit codes `q = min(31, floor(x / d + 16.5))` (a value is `(q - 16) · d`): their high bits
//! as one little-endian `u32` (value `j`'s at bit `j`), then their low four bits packed two to a
//! byte (values `j` and `j + 16` share byte `j`, `j` in the low nibble): 22 bytes for 32
//! values. whisper.cpp makes its
//! weight matrices in the file's type and everything else in f32 (biases, norms, positional
//! embeddings) or f16 (the convolutions), and refuses a tensor of another size, so exactly the
//! two-dimensional tensors other than the positional embeddings are quantized.

use crate::ggml::MAGIC;
use crate::ModelError;

/// ggml's tensor type ids of f32 and f16.
const TYPE_F32: i32 = 0;
const TYPE_F16: i32 = 1;
/// ggml's quantization version, × 1000 in a quantized file's type, as whisper.cpp's own
/// quantizer writes it.
const QNT_VERSION: i32 = 2;
/// Values per block (both types).
const BLOCK: usize = 32;

/// A ggml block quantization whisper.cpp reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    /// 8 bits a value and an f16 scale per 32 (34 bytes).
    Q8_0,
    /// 5 bits a value and an f16 scale per 32 (22 bytes).
    Q5_0,
}

impl Quant {
    /// ggml's tensor type id.
    fn tensor_type(self) -> i32 {
        match self {
            Quant::Q8_0 => 8,
            Quant::Q5_0 => 6,
        }
    }

    /// The file type ("mostly q8_0" 7, "mostly q5_0" 8) with the quantization version.
    fn file_type(self) -> i32 {
        QNT_VERSION * 1000
            + match self {
                Quant::Q8_0 => 7,
                Quant::Q5_0 => 8,
            }
    }

    /// The name whisper.cpp's files carry (`q8_0`, `q5_0`).
    pub fn name(self) -> &'static str {
        match self {
            Quant::Q8_0 => "q8_0",
            Quant::Q5_0 => "q5_0",
        }
    }

    fn blocks(self, values: &[f32]) -> Vec<u8> {
        match self {
            Quant::Q8_0 => q8_0(values),
            Quant::Q5_0 => q5_0(values),
        }
    }
}

/// Quantizes 32-value blocks of `values` to `q8_0` bytes (`values.len()` must be a multiple of
/// 32).
fn q8_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / BLOCK * (2 + BLOCK));
    for block in values.chunks_exact(BLOCK) {
        let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        out.extend(block.iter().map(|v| (v * inv).round() as i8 as u8));
    }
    out
}

/// Quantizes 32-value blocks of `values` to `q5_0` bytes (`values.len()` must be a multiple of
/// 32), as ggml's reference quantizer does.
fn q5_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / BLOCK * (2 + 4 + BLOCK / 2));
    for block in values.chunks_exact(BLOCK) {
        // The value of largest magnitude, with its sign: it maps to code 0 exactly.
        let max = block
            .iter()
            .fold(0f32, |m, v| if v.abs() > m.abs() { *v } else { m });
        let d = max / -16.0;
        let inv = if d != 0.0 { 1.0 / d } else { 0.0 };
        let code = |v: f32| ((v * inv + 16.5) as i8).min(31) as u8;
        let mut high = 0u32;
        let mut low = [0u8; BLOCK / 2];
        for j in 0..BLOCK / 2 {
            let (a, b) = (code(block[j]), code(block[j + BLOCK / 2]));
            low[j] = (a & 0x0f) | ((b & 0x0f) << 4);
            high |= u32::from(a >> 4) << j;
            high |= u32::from(b >> 4) << (j + BLOCK / 2);
        }
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        out.extend_from_slice(&high.to_le_bytes());
        out.extend_from_slice(&low);
    }
    out
}

/// Reads little-endian fields from a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| ModelError::Convert("ggml file ends early".into()))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn i32(&mut self) -> Result<i32, ModelError> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn count(&mut self) -> Result<usize, ModelError> {
        usize::try_from(self.i32()?)
            .map_err(|_| ModelError::Convert("negative size in ggml file".into()))
    }
}

/// A whisper ggml model (f16, as our converter writes it) with its weight matrices in `quant`.
pub fn whisper_quantized(f16_model: &[u8], quant: Quant) -> Result<Vec<u8>, ModelError> {
    let bad = |what: &str| ModelError::Convert(format!("not an f16 whisper ggml model: {what}"));
    let mut r = Reader {
        bytes: f16_model,
        at: 0,
    };
    let mut out = Vec::with_capacity(f16_model.len() * 6 / 10);
    if u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes")) != MAGIC {
        return Err(bad("magic"));
    }
    out.extend_from_slice(&MAGIC.to_le_bytes());
    // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
    // n_text_state, n_text_head, n_text_layer, n_mels, then the file type.
    out.extend_from_slice(r.take(10 * 4)?);
    if r.i32()? != 1 {
        return Err(bad("file type is not f16"));
    }
    out.extend_from_slice(&quant.file_type().to_le_bytes());
    // The mel filters (f32), then the vocabulary, as they are.
    let start = r.at;
    let (mels, ffts) = (r.count()?, r.count()?);
    r.take(mels * ffts * 4)?;
    // The vocabulary's own count (the special tokens beyond it are whisper.cpp's to make).
    for _ in 0..r.count()? {
        let len = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes")) as usize;
        r.take(len)?;
    }
    out.extend_from_slice(&f16_model[start..r.at]);
    // The tensors.
    while r.at < f16_model.len() {
        let (n_dims, name_len, ty) = (r.count()?, r.count()?, r.i32()?);
        let dims: Vec<usize> = (0..n_dims).map(|_| r.count()).collect::<Result<_, _>>()?;
        let name = r.take(name_len)?;
        let elements: usize = dims.iter().product();
        let width = match ty {
            TYPE_F32 => 4,
            TYPE_F16 => 2,
            _ => return Err(bad("a tensor is neither f32 nor f16")),
        };
        let data = r.take(elements * width)?;
        let quantize = n_dims == 2
            && ty == TYPE_F16
            && dims[0].is_multiple_of(BLOCK)
            && !String::from_utf8_lossy(name).contains("positional_embedding");
        out.extend_from_slice(&(n_dims as i32).to_le_bytes());
        out.extend_from_slice(&(name_len as i32).to_le_bytes());
        out.extend_from_slice(&if quantize { quant.tensor_type() } else { ty }.to_le_bytes());
        for d in &dims {
            out.extend_from_slice(&(*d as i32).to_le_bytes());
        }
        out.extend_from_slice(name);
        if quantize {
            let values: Vec<f32> = data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect();
            out.extend_from_slice(&quant.blocks(&values));
        } else {
            out.extend_from_slice(data);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_keeps_its_values_to_within_half_a_step() {
        let values: Vec<f32> = (0..64).map(|i| (i as f32 - 31.5) * 0.013).collect();
        let bytes = q8_0(&values);
        assert_eq!(bytes.len(), 2 * 34);
        for (block, raw) in values.chunks(32).zip(bytes.chunks(34)) {
            let d = half::f16::from_le_bytes([raw[0], raw[1]]).to_f32();
            let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!((d - amax / 127.0).abs() < 1e-4, "{d}");
            for (v, q) in block.iter().zip(&raw[2..]) {
                assert!((*q as i8 as f32 * d - v).abs() <= d * 0.51, "{v}");
            }
        }
        // An all-zero block has a zero scale and zero values, not NaN.
        assert!(q8_0(&[0.0; 32]).iter().all(|b| *b == 0));
    }

    /// ggml's own dequantization of a `q5_0` block.
    fn q5_0_values(raw: &[u8]) -> (f32, Vec<f32>) {
        let d = half::f16::from_le_bytes([raw[0], raw[1]]).to_f32();
        let high = u32::from_le_bytes(raw[2..6].try_into().unwrap());
        let low = &raw[6..22];
        let mut out = vec![0f32; 32];
        for j in 0..16 {
            let a = (low[j] & 0x0f) | (((high >> j) & 1) as u8) << 4;
            let b = (low[j] >> 4) | (((high >> (j + 16)) & 1) as u8) << 4;
            out[j] = (f32::from(a) - 16.0) * d;
            out[j + 16] = (f32::from(b) - 16.0) * d;
        }
        (d, out)
    }

    #[test]
    fn a_q5_0_block_keeps_its_values_to_within_half_a_step_both_halves_and_signs() {
        // Both halves of a block, both signs, the largest value negative and then positive.
        for sign in [1.0f32, -1.0] {
            let values: Vec<f32> = (0..64)
                .map(|i| sign * ((i % 32) as f32 - 20.0) * 0.011 + (i / 32) as f32 * 0.002)
                .collect();
            let bytes = q5_0(&values);
            assert_eq!(bytes.len(), 2 * 22);
            for (block, raw) in values.chunks(32).zip(bytes.chunks(22)) {
                let (d, back) = q5_0_values(raw);
                assert!(d != 0.0);
                for (v, b) in block.iter().zip(&back) {
                    // Half a step, and the largest-magnitude value (code 0 or 31's clamp) a step.
                    assert!((v - b).abs() <= d.abs() * 1.01, "{v} -> {b} (d {d})");
                }
                // The value of largest magnitude comes back exactly (code 0).
                let max = block
                    .iter()
                    .fold(0f32, |m, v| if v.abs() > m.abs() { *v } else { m });
                let at = block.iter().position(|v| *v == max).unwrap();
                assert!((back[at] - max).abs() < 1e-3, "{} vs {max}", back[at]);
            }
        }
        // A zero block is zero scale and the middle code, and reads back as zeros.
        let zero = q5_0(&[0.0; 32]);
        assert_eq!(q5_0_values(&zero).1, vec![0.0; 32]);
    }

    #[test]
    fn a_file_that_is_not_an_f16_model_is_refused() {
        assert!(whisper_quantized(b"nope", Quant::Q8_0).is_err());
        let mut header = MAGIC.to_le_bytes().to_vec();
        header.extend(std::iter::repeat_n(0u8, 40));
        header.extend_from_slice(&7i32.to_le_bytes());
        let err = whisper_quantized(&header, Quant::Q8_0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not f16"), "{err}");
    }
}
