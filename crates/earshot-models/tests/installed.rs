//! The models `cargo xtask setup` installed are byte-for-byte the files the manifest names
//! (for the Whisper models: whisper.cpp's reference conversions).

use earshot_models::ModelStore;

#[test]
fn installed_models_match_the_manifest() {
    let store = ModelStore::from_env();
    for name in [
        "tiny.en",
        "base",
        "silero-vad",
        "minilm-int8",
        "minilm-tokenizer",
        "onnxruntime",
    ] {
        let path = store.verify(name).unwrap_or_else(|e| panic!("{e}"));
        assert!(path.starts_with(store.dir()));
    }
}
