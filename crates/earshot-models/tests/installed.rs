//! Every model `cargo xtask setup` installed is byte-for-byte the file the manifest names (for
//! the Whisper models: whisper.cpp's reference conversions).

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
