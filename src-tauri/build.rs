fn main() {
    // Declaring the app's commands makes tauri-build generate `allow-…`/`deny-…` permissions for
    // them; without this every window could call every command whatever its capability says.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "open_call_file",
            "start_listen",
            "stop_call",
            "end_call_and_quit",
            "join_siprec",
            "leave_siprec",
            "search_calls",
            "open_call",
            "delete_call",
            "status",
            "sync_status",
            "dismiss_suggestion",
            "suggestion_feedback",
            "search_knowledge",
            "settings",
            "save_settings",
            "startup_file",
            "purge_calls",
            "policy_refusal",
            "about",
            "update_status",
            "install_update",
        ]),
    ))
    .expect("tauri build script");
}
