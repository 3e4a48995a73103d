//! The first connections of a process, opened at once from many threads, all key their
//! databases. SQLite calls itself initialised before SQLCipher's own set-up has run; without
//! `sqlcipher_ready` a few per cent of such processes failed one open with "An error occurred
//! with PRAGMA key or rekey" (9 of 300 children before the fix, 0 of 300 after).

use earshot_config::{Config, KeyStore};
use earshot_vault::Vault;
use std::process::Command;
use std::sync::{Arc, Barrier};

const CHILD: &str = "EARSHOT_FIRST_OPEN_CHILD";
const TEST: &str = "many_threads_opening_the_first_vaults_of_a_process_all_succeed";

/// The race exists once per process, so the parent runs this file's binary again and again,
/// each child opening its first vaults from 16 threads at once. With the fix removed, each of
/// three runs of this test saw 1 or 2 of its 100 children fail.
#[test]
fn many_threads_opening_the_first_vaults_of_a_process_all_succeed() {
    if std::env::var_os(CHILD).is_some() {
        return first_opens_at_once();
    }
    let exe = std::env::current_exe().unwrap();
    let mut failed = Vec::new();
    for run in 0..100 {
        let out = Command::new(&exe)
            .args(["--exact", TEST, "--nocapture", "--test-threads", "1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        if !out.status.success() {
            failed.push(format!(
                "run {run}: {}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} children failed: {failed:?}",
        failed.len()
    );
}

fn first_opens_at_once() {
    const THREADS: usize = 16;
    let barrier = Arc::new(Barrier::new(THREADS));
    let dirs: Vec<_> = (0..THREADS).map(|_| tempfile::tempdir().unwrap()).collect();
    let handles: Vec<_> = dirs
        .iter()
        .map(|dir| {
            let barrier = Arc::clone(&barrier);
            let config = Config {
                data_dir: dir.path().to_path_buf(),
                key_store: KeyStore::File,
                retention_days: 90,
                ..Config::defaults(std::path::PathBuf::new())
            };
            std::thread::spawn(move || {
                barrier.wait();
                Vault::open(&config).map(|_| ()).map_err(|e| e.to_string())
            })
        })
        .collect();
    let failures: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().unwrap().err())
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
}
