//! Its own test binary (own process), so ONNX Runtime has not been loaded yet.

use earshot_models::ModelStore;
use earshot_sentiment::embedding::SentenceEncoder;

#[test]
fn a_missing_runtime_library_is_a_clear_error() {
    let store = ModelStore::from_env();
    let path = |n: &str| store.locate(n).unwrap();
    let err = SentenceEncoder::new(
        &path("minilm-int8"),
        &path("minilm-tokenizer"),
        std::path::Path::new("/nonexistent/libonnxruntime.so"),
    )
    .err()
    .expect("loading from a missing path must fail")
    .to_string();
    assert!(
        err.contains("earshot models") && err.contains("/nonexistent/libonnxruntime.so"),
        "{err}"
    );
}
