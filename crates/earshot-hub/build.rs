//! Compiles the hub's web pages in: `hub-ui/dist` (built by `cargo xtask setup`, `npm run build`
//! in `hub-ui/`) when present, else a page that says how to build them.

use std::path::PathBuf;

fn main() {
    // Read when the script runs (env! would bake in the path it was compiled at, and a build
    // script's binary can be reused for a clone elsewhere).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let dist = PathBuf::from(manifest).join("../../hub-ui/dist");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("hub-ui");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed={}", dist.display());
    for name in ["index.html", "app.js", "app.css"] {
        let from = dist.join(name);
        println!("cargo:rerun-if-changed={}", from.display());
        let body = std::fs::read_to_string(&from).unwrap_or_else(|_| match name {
            "index.html" => "<!doctype html><meta charset=\"utf-8\"><title>Earshot hub</title><p>The web pages were not built: run <code>cargo xtask setup</code> (or <code>npm ci &amp;&amp; npm run build</code> in <code>hub-ui/</code>) and build the hub again.</p>".to_string(),
            _ => String::new(),
        });
        std::fs::write(out.join(name), body).expect("OUT_DIR is writable");
    }
}
