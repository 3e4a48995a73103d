//! Converters from the registry formats to whisper.cpp's ggml formats.
//!
//! * [`ct2_whisper_to_ggml`]: a CTranslate2 Whisper `model.bin` plus Whisper's `mel_filters.npz` and
//!   tiktoken vocabulary become a whisper.cpp model, byte-for-byte what whisper.cpp's own
//!   `convert-pt-to-ggml.py` writes from the original checkpoint: same tensor names, order and types.
//!   CTranslate2 fuses attention projections (self-attention q/k/v, cross-attention k/v) and stores an
//!   all-zero key bias; we split the rows back and drop that bias.
//! * [`silero_to_ggml`]: Silero VAD's 16 kHz safetensors become whisper.cpp's ggml VAD model.

use crate::ggml::{GgmlWriter, TensorType, MAGIC};
use crate::ModelError;
use half::f16;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Element type of a CTranslate2 variable (`ctranslate2::DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ct2Type {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl Ct2Type {
    fn from_id(id: u8) -> Result<Self, ModelError> {
        Ok(match id {
            0 => Ct2Type::F32,
            1 => Ct2Type::I8,
            2 => Ct2Type::I16,
            3 => Ct2Type::I32,
            4 => Ct2Type::F16,
            5 => Ct2Type::Bf16,
            other => {
                return Err(ModelError::Convert(format!(
                    "unknown CTranslate2 data type {other}"
                )))
            }
        })
    }
}

/// One variable of a CTranslate2 model.
struct Ct2Var<'a> {
    shape: Vec<usize>,
    ty: Ct2Type,
    data: &'a [u8],
}

/// A parsed CTranslate2 `model.bin` (binary version 6), borrowing the file's bytes.
struct Ct2Model<'a> {
    spec: String,
    vars: BTreeMap<String, Ct2Var<'a>>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                ModelError::Convert(format!(
                    "CTranslate2 file truncated at byte {} (wanted {n} more)",
                    self.pos
                ))
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    /// u16 length (including a trailing NUL) then the bytes.
    fn string(&mut self) -> Result<String, ModelError> {
        let len = self.u16()? as usize;
        let raw = self.take(len)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        String::from_utf8(raw.to_vec())
            .map_err(|_| ModelError::Convert("CTranslate2 name is not UTF-8".into()))
    }
}

impl<'a> Ct2Model<'a> {
    fn parse(buf: &'a [u8]) -> Result<Self, ModelError> {
        let mut r = Reader { buf, pos: 0 };
        let version = r.u32()?;
        if version != 6 {
            return Err(ModelError::Convert(format!(
                "CTranslate2 binary version {version} is not supported (expected 6); is this a CTranslate2 model.bin?"
            )));
        }
        let spec = r.string()?;
        let _revision = r.u32()?;
        let count = r.u32()? as usize;
        let mut vars = BTreeMap::new();
        for _ in 0..count {
            let name = r.string()?;
            let rank = r.u8()? as usize;
            let mut shape = Vec::with_capacity(rank);
            for _ in 0..rank {
                shape.push(r.u32()? as usize);
            }
            let ty = Ct2Type::from_id(r.u8()?)?;
            let nbytes = r.u32()? as usize;
            let data = r.take(nbytes)?;
            vars.insert(name, Ct2Var { shape, ty, data });
        }
        let aliases = r.u32()? as usize;
        for _ in 0..aliases {
            let alias = r.string()?;
            let target = r.string()?;
            if let Some(v) = vars.get(&target) {
                let copy = Ct2Var {
                    shape: v.shape.clone(),
                    ty: v.ty,
                    data: v.data,
                };
                vars.insert(alias, copy);
            }
        }
        Ok(Ct2Model { spec, vars })
    }

    fn var(&self, name: &str) -> Result<&Ct2Var<'a>, ModelError> {
        self.vars
            .get(name)
            .ok_or_else(|| ModelError::Convert(format!("CTranslate2 model has no variable {name}")))
    }

    fn scalar(&self, name: &str) -> Result<i64, ModelError> {
        let v = self.var(name)?;
        Ok(match v.ty {
            Ct2Type::I8 => v.data[0] as i8 as i64,
            Ct2Type::I16 => i16::from_le_bytes([v.data[0], v.data[1]]) as i64,
            Ct2Type::I32 => i32::from_le_bytes(v.data[..4].try_into().unwrap()) as i64,
            _ => {
                return Err(ModelError::Convert(format!(
                    "{name} is not an integer scalar"
                )))
            }
        })
    }

    fn count_layers(&self, prefix: &str) -> usize {
        (0..)
            .take_while(|i| {
                self.vars
                    .keys()
                    .any(|k| k.starts_with(&format!("{prefix}/layer_{i}/")))
            })
            .count()
    }
}

/// Values of a float variable as f32, whatever its stored type.
fn to_f32(v: &Ct2Var) -> Result<Vec<f32>, ModelError> {
    Ok(match v.ty {
        Ct2Type::F32 => v.data.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect(),
        Ct2Type::F16 => v.data.chunks_exact(2).map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        Ct2Type::Bf16 => v.data.chunks_exact(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
        other => return Err(ModelError::Convert(format!("weights of type {other:?} (quantized models are not supported; use an fp16/fp32 CTranslate2 export)"))),
    })
}

fn encode(values: &[f32], ty: TensorType) -> Vec<u8> {
    match ty {
        TensorType::F32 => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        TensorType::F16 => values
            .iter()
            .flat_map(|v| f16::from_f32(*v).to_le_bytes())
            .collect(),
    }
}

/// Bytes of `v` in type `ty`, copying fp16 data as it is (no round trip).
fn bytes_as(v: &Ct2Var, ty: TensorType) -> Result<Vec<u8>, ModelError> {
    if ty == TensorType::F16 && v.ty == Ct2Type::F16 {
        return Ok(v.data.to_vec());
    }
    Ok(encode(&to_f32(v)?, ty))
}

/// Rows `[from, to)` of a row-major matrix variable (or elements of a vector), in type `ty`.
fn rows(
    v: &Ct2Var,
    from: usize,
    to: usize,
    ty: TensorType,
) -> Result<(Vec<usize>, Vec<u8>), ModelError> {
    let row_len: usize = v.shape[1..].iter().product();
    let all = bytes_as(v, ty)?;
    let width = if ty == TensorType::F16 { 2 } else { 4 };
    let mut shape = v.shape.clone();
    shape[0] = to - from;
    Ok((
        shape,
        all[from * row_len * width..to * row_len * width].to_vec(),
    ))
}

/// whisper.cpp keeps 1-D tensors, conv biases and positional embeddings in f32, the rest in f16.
fn ggml_type_for(name: &str, dims: usize) -> TensorType {
    if dims < 2
        || name.ends_with("conv1.bias")
        || name.ends_with("conv2.bias")
        || name.ends_with("positional_embedding")
    {
        TensorType::F32
    } else {
        TensorType::F16
    }
}

/// Reads a float32 `.npy` array out of an `.npz` archive.
fn npz_f32(npz: &[u8], key: &str) -> Result<(Vec<usize>, Vec<f32>), ModelError> {
    let bad = |what: &str| ModelError::Convert(format!("mel filters: {what}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(npz)).map_err(|e| bad(&e.to_string()))?;
    let mut entry = archive
        .by_name(&format!("{key}.npy"))
        .map_err(|_| bad(&format!("no array {key}")))?;
    let mut raw = Vec::new();
    entry
        .read_to_end(&mut raw)
        .map_err(|e| bad(&e.to_string()))?;
    if raw.len() < 10 || &raw[..6] != b"\x93NUMPY" {
        return Err(bad("not a .npy array"));
    }
    let (header_len, header_start) = if raw[6] == 1 {
        (u16::from_le_bytes([raw[8], raw[9]]) as usize, 10)
    } else {
        (
            u32::from_le_bytes(raw[8..12].try_into().unwrap()) as usize,
            12,
        )
    };
    let header = std::str::from_utf8(&raw[header_start..header_start + header_len])
        .map_err(|_| bad("header"))?;
    if !header.contains("'descr': '<f4'") || header.contains("'fortran_order': True") {
        return Err(bad(&format!("unsupported array layout {header}")));
    }
    let shape_text = header
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| bad("shape"))?;
    let shape: Vec<usize> = shape_text
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect();
    let data: Vec<f32> = raw[header_start + header_len..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    if data.len() != shape.iter().product::<usize>() {
        return Err(bad("data length does not match shape"));
    }
    Ok((shape, data))
}

/// Token byte strings of a tiktoken file (`base64 rank` per line), in file order.
fn tiktoken_tokens(text: &[u8]) -> Result<Vec<Vec<u8>>, ModelError> {
    use base64::Engine;
    let text = std::str::from_utf8(text)
        .map_err(|_| ModelError::Convert("vocabulary is not UTF-8".into()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let token = line.split_whitespace().next().unwrap_or_default();
            if token.trim_matches('=').is_empty() {
                return Ok(Vec::new());
            }
            base64::engine::general_purpose::STANDARD
                .decode(token)
                .map_err(|_| {
                    ModelError::Convert(format!("vocabulary line is not base64: {line:.40}"))
                })
        })
        .collect()
}

/// Id of `<|endoftext|>` in both Whisper vocabularies (= number of GPT-2 byte-pair ranks).
const EOT_ID: usize = 50256;

/// Converts a CTranslate2 Whisper model to whisper.cpp's ggml format (fp16 weights).
///
/// `weights` is the whole `model.bin` (parts already concatenated), `mel_filters_npz` Whisper's
/// `mel_filters.npz`, `tiktoken` the vocabulary matching the model (`gpt2` for `.en` models,
/// `multilingual` otherwise).
pub fn ct2_whisper_to_ggml(
    weights: &[u8],
    mel_filters_npz: &[u8],
    tiktoken: &[u8],
) -> Result<Vec<u8>, ModelError> {
    let m = Ct2Model::parse(weights)?;
    if m.spec != "WhisperSpec" {
        return Err(ModelError::Convert(format!(
            "model spec is {}, not WhisperSpec",
            m.spec
        )));
    }
    let enc_pos = m.var("encoder/position_encodings/encodings")?;
    let dec_pos = m.var("decoder/position_encodings/encodings")?;
    let embed = m.var("decoder/embeddings/weight")?;
    let conv1 = m.var("encoder/conv1/weight")?;
    let n_audio_state = enc_pos.shape[1];
    let n_text_state = dec_pos.shape[1];
    let n_mels = conv1.shape[1];
    let n_audio_layer = m.count_layers("encoder");
    let n_text_layer = m.count_layers("decoder");
    let hparams = [
        embed.shape[0],
        enc_pos.shape[0],
        n_audio_state,
        m.scalar("encoder/num_heads")? as usize,
        n_audio_layer,
        dec_pos.shape[0],
        n_text_state,
        m.scalar("decoder/num_heads")? as usize,
        n_text_layer,
        n_mels,
    ];

    let mut w = GgmlWriter::new(Vec::with_capacity(weights.len() + (4 << 20)));
    let io = |e: std::io::Error| ModelError::Convert(e.to_string());
    w.u32(MAGIC).map_err(io)?;
    for h in hparams {
        w.i32(h as i32).map_err(io)?;
    }
    w.i32(1).map_err(io)?; // ftype: f16

    let (mel_shape, mel) = npz_f32(mel_filters_npz, &format!("mel_{n_mels}"))?;
    w.i32(mel_shape[0] as i32).map_err(io)?;
    w.i32(mel_shape[1] as i32).map_err(io)?;
    w.bytes(&encode(&mel, TensorType::F32)).map_err(io)?;

    // The reference converter read Whisper's `vocab.json`s: the English one holds the 50256 GPT-2
    // byte-pair ranks plus `<|endoftext|>` as token 50256; the multilingual one has 50257 entries,
    // the last empty, exactly as `multilingual.tiktoken`.
    let mut tokens = tiktoken_tokens(tiktoken)?;
    match tokens.len() {
        EOT_ID => tokens.push(b"<|endoftext|>".to_vec()),
        n if n > EOT_ID => {}
        n => {
            return Err(ModelError::Convert(format!(
                "vocabulary has {n} tokens, expected at least {EOT_ID}"
            )))
        }
    }
    w.i32(tokens.len() as i32).map_err(io)?;
    for t in &tokens {
        w.i32(t.len() as i32).map_err(io)?;
        w.bytes(t).map_err(io)?;
    }

    // Emit in the original checkpoint's order so the result matches whisper.cpp's reference files.
    plain(&mut w, "encoder.positional_embedding", enc_pos)?;
    plain(&mut w, "encoder.conv1.weight", conv1)?;
    conv_bias(&mut w, "encoder.conv1.bias", m.var("encoder/conv1/bias")?)?;
    plain(
        &mut w,
        "encoder.conv2.weight",
        m.var("encoder/conv2/weight")?,
    )?;
    conv_bias(&mut w, "encoder.conv2.bias", m.var("encoder/conv2/bias")?)?;
    for i in 0..n_audio_layer {
        let p = format!("encoder/layer_{i}");
        let b = format!("encoder.blocks.{i}");
        self_attention(&m, &mut w, &p, &b, n_audio_state)?;
        ffn(&m, &mut w, &p, &b)?;
    }
    plain(
        &mut w,
        "encoder.ln_post.weight",
        m.var("encoder/layer_norm/gamma")?,
    )?;
    plain(
        &mut w,
        "encoder.ln_post.bias",
        m.var("encoder/layer_norm/beta")?,
    )?;
    plain(&mut w, "decoder.positional_embedding", dec_pos)?;
    plain(&mut w, "decoder.token_embedding.weight", embed)?;
    for i in 0..n_text_layer {
        let p = format!("decoder/layer_{i}");
        let b = format!("decoder.blocks.{i}");
        self_attention(&m, &mut w, &p, &b, n_text_state)?;
        // Cross-attention: query alone, key/value fused (key bias all zero, dropped).
        let a = format!("{p}/attention");
        plain(
            &mut w,
            &format!("{b}.cross_attn.query.weight"),
            m.var(&format!("{a}/linear_0/weight"))?,
        )?;
        plain(
            &mut w,
            &format!("{b}.cross_attn.query.bias"),
            m.var(&format!("{a}/linear_0/bias"))?,
        )?;
        let kv_w = m.var(&format!("{a}/linear_1/weight"))?;
        let kv_b = m.var(&format!("{a}/linear_1/bias"))?;
        split_rows(
            &mut w,
            &format!("{b}.cross_attn.key.weight"),
            kv_w,
            0,
            n_text_state,
        )?;
        split_rows(
            &mut w,
            &format!("{b}.cross_attn.value.weight"),
            kv_w,
            1,
            n_text_state,
        )?;
        split_rows(
            &mut w,
            &format!("{b}.cross_attn.value.bias"),
            kv_b,
            1,
            n_text_state,
        )?;
        plain(
            &mut w,
            &format!("{b}.cross_attn.out.weight"),
            m.var(&format!("{a}/linear_2/weight"))?,
        )?;
        plain(
            &mut w,
            &format!("{b}.cross_attn.out.bias"),
            m.var(&format!("{a}/linear_2/bias"))?,
        )?;
        plain(
            &mut w,
            &format!("{b}.cross_attn_ln.weight"),
            m.var(&format!("{a}/layer_norm/gamma"))?,
        )?;
        plain(
            &mut w,
            &format!("{b}.cross_attn_ln.bias"),
            m.var(&format!("{a}/layer_norm/beta"))?,
        )?;
        ffn(&m, &mut w, &p, &b)?;
    }
    plain(
        &mut w,
        "decoder.ln.weight",
        m.var("decoder/layer_norm/gamma")?,
    )?;
    plain(&mut w, "decoder.ln.bias", m.var("decoder/layer_norm/beta")?)?;
    w.finish().map_err(io)
}

fn conv_bias(w: &mut GgmlWriter<Vec<u8>>, name: &str, v: &Ct2Var) -> Result<(), ModelError> {
    // whisper.cpp wants conv biases as [n, 1].
    let reshaped = Ct2Var {
        shape: vec![v.shape[0], 1],
        ty: v.ty,
        data: v.data,
    };
    plain(w, name, &reshaped)
}

/// Part `part` (of `width` rows) of a fused projection, as its own tensor.
fn split_rows(
    w: &mut GgmlWriter<Vec<u8>>,
    name: &str,
    v: &Ct2Var,
    part: usize,
    width: usize,
) -> Result<(), ModelError> {
    let ty = ggml_type_for(name, v.shape.len());
    let (shape, data) = rows(v, part * width, (part + 1) * width, ty)?;
    w.tensor(name, &shape, ty, &data)
        .map_err(|e| ModelError::Convert(e.to_string()))
}

fn plain(w: &mut GgmlWriter<Vec<u8>>, name: &str, v: &Ct2Var) -> Result<(), ModelError> {
    let ty = ggml_type_for(name, v.shape.len());
    w.tensor(name, &v.shape, ty, &bytes_as(v, ty)?)
        .map_err(|e| ModelError::Convert(e.to_string()))
}

/// Self-attention of one block: fused q/k/v rows split apart, the all-zero key bias dropped.
fn self_attention(
    m: &Ct2Model,
    w: &mut GgmlWriter<Vec<u8>>,
    p: &str,
    b: &str,
    n_state: usize,
) -> Result<(), ModelError> {
    let a = format!("{p}/self_attention");
    let qkv_w = m.var(&format!("{a}/linear_0/weight"))?;
    let qkv_b = m.var(&format!("{a}/linear_0/bias"))?;
    if qkv_w.shape[0] != 3 * n_state {
        return Err(ModelError::Convert(format!(
            "{a}: fused q/k/v has {} rows, expected {}",
            qkv_w.shape[0],
            3 * n_state
        )));
    }
    split_rows(w, &format!("{b}.attn.query.weight"), qkv_w, 0, n_state)?;
    split_rows(w, &format!("{b}.attn.query.bias"), qkv_b, 0, n_state)?;
    split_rows(w, &format!("{b}.attn.key.weight"), qkv_w, 1, n_state)?;
    split_rows(w, &format!("{b}.attn.value.weight"), qkv_w, 2, n_state)?;
    split_rows(w, &format!("{b}.attn.value.bias"), qkv_b, 2, n_state)?;
    plain(
        w,
        &format!("{b}.attn.out.weight"),
        m.var(&format!("{a}/linear_1/weight"))?,
    )?;
    plain(
        w,
        &format!("{b}.attn.out.bias"),
        m.var(&format!("{a}/linear_1/bias"))?,
    )?;
    plain(
        w,
        &format!("{b}.attn_ln.weight"),
        m.var(&format!("{a}/layer_norm/gamma"))?,
    )?;
    plain(
        w,
        &format!("{b}.attn_ln.bias"),
        m.var(&format!("{a}/layer_norm/beta"))?,
    )
}

fn ffn(m: &Ct2Model, w: &mut GgmlWriter<Vec<u8>>, p: &str, b: &str) -> Result<(), ModelError> {
    let f = format!("{p}/ffn");
    plain(
        w,
        &format!("{b}.mlp.0.weight"),
        m.var(&format!("{f}/linear_0/weight"))?,
    )?;
    plain(
        w,
        &format!("{b}.mlp.0.bias"),
        m.var(&format!("{f}/linear_0/bias"))?,
    )?;
    plain(
        w,
        &format!("{b}.mlp.2.weight"),
        m.var(&format!("{f}/linear_1/weight"))?,
    )?;
    plain(
        w,
        &format!("{b}.mlp.2.bias"),
        m.var(&format!("{f}/linear_1/bias"))?,
    )?;
    plain(
        w,
        &format!("{b}.mlp_ln.weight"),
        m.var(&format!("{f}/layer_norm/gamma"))?,
    )?;
    plain(
        w,
        &format!("{b}.mlp_ln.bias"),
        m.var(&format!("{f}/layer_norm/beta"))?,
    )
}

/// Converts Silero VAD (v5/v6, 16 kHz) safetensors to whisper.cpp's ggml VAD model.
///
/// `version` is written into the header (whisper.cpp only logs it).
pub fn silero_to_ggml(
    safetensors_bytes: &[u8],
    version: (i32, i32, i32),
) -> Result<Vec<u8>, ModelError> {
    use safetensors::{Dtype, SafeTensors};
    let st = SafeTensors::deserialize(safetensors_bytes)
        .map_err(|e| ModelError::Convert(format!("silero safetensors: {e}")))?;
    let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>), ModelError> {
        let t = st
            .tensor(name)
            .map_err(|_| ModelError::Convert(format!("silero safetensors has no tensor {name}")))?;
        if t.dtype() != Dtype::F32 {
            return Err(ModelError::Convert(format!(
                "silero tensor {name} is {:?}, expected F32",
                t.dtype()
            )));
        }
        let values = t
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        Ok((t.shape().to_vec(), values))
    };
    let io = |e: std::io::Error| ModelError::Convert(e.to_string());
    let convs: Vec<_> = (1..=4)
        .map(|i| get(&format!("conv{i}.weight")))
        .collect::<Result<_, _>>()?;
    let (ih_shape, _) = get("lstm_cell.weight_ih")?;
    let (final_shape, _) = get("final_conv.weight")?;

    let mut w = GgmlWriter::new(Vec::new());
    w.u32(MAGIC).map_err(io)?;
    let model_type = b"silero-16k";
    w.i32(model_type.len() as i32).map_err(io)?;
    w.bytes(model_type).map_err(io)?;
    for v in [version.0, version.1, version.2] {
        w.i32(v).map_err(io)?;
    }
    w.i32(512).map_err(io)?; // window: 512 samples = 32 ms at 16 kHz
    w.i32(64).map_err(io)?; // context samples carried from the previous window
    w.i32(convs.len() as i32).map_err(io)?;
    for (shape, _) in &convs {
        // PyTorch conv weight: [out, in, kernel]
        w.i32(shape[1] as i32).map_err(io)?;
        w.i32(shape[0] as i32).map_err(io)?;
        w.i32(shape[2] as i32).map_err(io)?;
    }
    w.i32(ih_shape[1] as i32).map_err(io)?; // lstm input
    w.i32((ih_shape[0] / 4) as i32).map_err(io)?; // lstm hidden
    w.i32(final_shape[1] as i32).map_err(io)?;
    w.i32(final_shape[0] as i32).map_err(io)?;

    let mut put = |src: &str, dst: &str, ty: TensorType, squeeze: bool| -> Result<(), ModelError> {
        let (mut shape, values) = get(src)?;
        if squeeze {
            while shape.len() > 1 && *shape.last().unwrap() == 1 {
                shape.pop();
            }
        }
        w.tensor(dst, &shape, ty, &encode(&values, ty)).map_err(io)
    };
    put(
        "stft_conv.weight",
        "_model.stft.forward_basis_buffer",
        TensorType::F16,
        false,
    )?;
    for i in 0..4 {
        put(
            &format!("conv{}.weight", i + 1),
            &format!("_model.encoder.{i}.reparam_conv.weight"),
            TensorType::F16,
            false,
        )?;
        put(
            &format!("conv{}.bias", i + 1),
            &format!("_model.encoder.{i}.reparam_conv.bias"),
            TensorType::F32,
            false,
        )?;
    }
    put(
        "lstm_cell.weight_ih",
        "_model.decoder.rnn.weight_ih",
        TensorType::F32,
        false,
    )?;
    put(
        "lstm_cell.weight_hh",
        "_model.decoder.rnn.weight_hh",
        TensorType::F32,
        false,
    )?;
    put(
        "lstm_cell.bias_ih",
        "_model.decoder.rnn.bias_ih",
        TensorType::F32,
        false,
    )?;
    put(
        "lstm_cell.bias_hh",
        "_model.decoder.rnn.bias_hh",
        TensorType::F32,
        false,
    )?;
    put(
        "final_conv.weight",
        "_model.decoder.decoder.2.weight",
        TensorType::F16,
        true,
    )?;
    put(
        "final_conv.bias",
        "_model.decoder.decoder.2.bias",
        TensorType::F32,
        false,
    )?;
    w.finish().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_or_foreign_files_are_errors_not_panics() {
        for bytes in [&b""[..], b"\x06\0\0\0", b"not a model at all", &[0xff; 64]] {
            assert!(ct2_whisper_to_ggml(bytes, b"", b"").is_err());
            assert!(silero_to_ggml(bytes, (6, 2, 3)).is_err());
        }
    }

    #[test]
    fn tiktoken_lines_decode_in_order() {
        let toks = tiktoken_tokens(b"IQ== 0\nIg== 1\n\n").unwrap();
        assert_eq!(toks, vec![b"!".to_vec(), b"\"".to_vec()]);
    }
}
