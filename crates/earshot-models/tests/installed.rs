//! Every model `cargo xtask setup` installed is byte-for-byte the file the manifest names, and
//! our Whisper conversions have whisper.cpp's layout: its header, hyper-parameters, mel filters,
//! vocabulary, tensor names, order, shapes and types (f32 exactly where whisper.cpp's converter
//! keeps f32). What cannot match whisper.cpp's published files is the bits of those f32 tensors:
//! our source is fp16, theirs the fp32 checkpoint, so the hashes differ while sizes agree.

use earshot_models::ModelStore;

#[test]
fn installed_models_match_the_manifest() {
    let store = ModelStore::from_env();
    let names: Vec<String> = store
        .manifest()
        .models
        .iter()
        .map(|m| m.name.clone())
        .collect();
    assert!(names.len() >= 6);
    for name in &names {
        let path = store.verify(name).unwrap_or_else(|e| panic!("{e}"));
        assert!(path.starts_with(store.dir()));
    }
}

/// A little-endian reader over a whole file.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        s
    }
    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take(4).try_into().unwrap())
    }
}

/// (name, shape innermost first, type: 0 = f32, 1 = f16) of every tensor, in file order.
type Tensors = Vec<(String, Vec<i32>, i32)>;

/// Reads a whisper.cpp ggml file: hyper-parameters, mel filter shape, vocabulary size, tensors.
fn read_ggml(bytes: &[u8]) -> ([i32; 11], (i32, i32), usize, Tensors) {
    let mut c = Cursor { bytes, at: 0 };
    assert_eq!(c.i32() as u32, 0x6767_6d6c, "ggml magic");
    let mut hp = [0i32; 11];
    for h in &mut hp {
        *h = c.i32();
    }
    let mel = (c.i32(), c.i32());
    c.take((mel.0 * mel.1) as usize * 4);
    let n_vocab = c.i32() as usize;
    for _ in 0..n_vocab {
        let len = c.i32() as usize;
        c.take(len);
    }
    let mut tensors = Vec::new();
    while c.at < bytes.len() {
        let (n_dims, name_len, ty) = (c.i32(), c.i32(), c.i32());
        let dims: Vec<i32> = (0..n_dims).map(|_| c.i32()).collect();
        let name = String::from_utf8(c.take(name_len as usize).to_vec()).unwrap();
        let width = if ty == 0 { 4 } else { 2 };
        c.take(dims.iter().map(|&d| d as usize).product::<usize>() * width);
        tensors.push((name, dims, ty));
    }
    assert_eq!(c.at, bytes.len(), "the file ends with its last tensor");
    (hp, mel, n_vocab, tensors)
}

#[test]
fn whisper_conversions_have_whisper_cpps_layout() {
    let store = ModelStore::from_env();
    // Whisper's published dimensions: n_vocab, audio ctx/state/heads/layers, text
    // ctx/state/heads/layers, mels, ftype (1 = f16).
    for (name, hp_expected) in [
        ("tiny.en", [51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1]),
        ("base", [51865, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 1]),
    ] {
        let path = store.verify(name).unwrap_or_else(|e| panic!("{e}"));
        let bytes = std::fs::read(&path).unwrap();
        let (hp, mel, n_vocab, tensors) = read_ggml(&bytes);
        assert_eq!(hp, hp_expected, "{name}");
        assert_eq!(mel, (80, 201), "{name}: 80 mel filters over 201 FFT bins");
        assert_eq!(n_vocab, 50257, "{name}: the vocabulary whisper.cpp stores");
        let (layers_a, layers_t) = (hp[4] as usize, hp[8] as usize);
        // Per encoder block: self-attention (7), its layer norm (2), MLP (4), its norm (2);
        // decoder blocks add cross-attention (7) and its norm (2).
        assert_eq!(
            tensors.len(),
            1 + 4 + 15 * layers_a + 2 + 2 + 24 * layers_t + 2,
            "{name}"
        );
        assert_eq!(tensors[0].0, "encoder.positional_embedding");
        assert_eq!(tensors[1].0, "encoder.conv1.weight");
        assert_eq!(tensors.last().unwrap().0, "decoder.ln.bias");
        // The checkpoint's order: the whole encoder, then the decoder.
        let first_decoder = tensors
            .iter()
            .position(|t| t.0.starts_with("decoder."))
            .unwrap();
        assert!(tensors[first_decoder..]
            .iter()
            .all(|t| t.0.starts_with("decoder.")));
        // whisper.cpp's converter keeps 1-D tensors, the conv biases and the positional
        // embeddings in f32, everything else in f16.
        for (tensor, dims, ty) in &tensors {
            let f32_expected = dims.len() < 2
                || matches!(
                    tensor.as_str(),
                    "encoder.conv1.bias"
                        | "encoder.conv2.bias"
                        | "encoder.positional_embedding"
                        | "decoder.positional_embedding"
                );
            assert_eq!(*ty == 0, f32_expected, "{name}: {tensor} {dims:?}");
        }
        let size = store
            .manifest()
            .models
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.size)
            .unwrap();
        assert_eq!(
            bytes.len() as u64,
            size,
            "{name}: the reference file's size"
        );
    }
}
