fn main() {
    // Declaring the app's commands makes tauri-build generate `allow-…`/`deny-…` permissions for
    // them; without this every window could call every command whatever its capability says.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "open_call_file",
            "stop_call",
            "list_calls",
            "status",
            "purge_calls",
        ]),
    ))
    .expect("tauri build script");
}
