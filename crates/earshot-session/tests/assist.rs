//! Knowledge suggestions on a recorded call, in process: the caller's question brings its
//! article (positive control), and an article the agent dismissed during the call is not
//! suggested (the app's Dismiss button sends it down this channel).

use earshot_callgen::{render_with, sample_call, RenderOptions};
use earshot_config::{Config, KeyStore};
use earshot_session::{record_file, CallEvent, Workstation};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

fn suggested(dismiss: &[&str]) -> Vec<String> {
    let data = tempfile::tempdir().unwrap();
    let call = data.path().join("call.wav");
    render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    let config = Config {
        data_dir: data.path().to_path_buf(),
        key_store: KeyStore::File,
        knowledge_dir: Some(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/knowledge"),
        ),
        ..Config::defaults(std::path::PathBuf::new())
    };
    let mut ws = Workstation::open_config(config).unwrap();
    ws.load_assist().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    for d in dismiss {
        tx.send(d.to_string()).unwrap();
    }
    ws.dismissed = Some(rx);
    let mut articles = Vec::new();
    record_file(
        &mut ws,
        &call,
        f64::INFINITY,
        earshot_pipeline::LiveOptions {
            partials: false,
            ..Default::default()
        },
        Arc::new(AtomicBool::new(false)),
        |e| {
            if let CallEvent::Suggestion { article_id, .. } = e {
                articles.push(article_id.clone());
            }
            Ok::<(), ()>(())
        },
    )
    .unwrap()
    .unwrap();
    articles
}

#[test]
fn a_dismissed_article_is_not_suggested_and_the_rest_still_are() {
    let all = suggested(&[]);
    assert!(
        all.iter().any(|a| a == "billing/double-charge.md"),
        "{all:?}"
    );
    let after = suggested(&["billing/double-charge.md"]);
    assert!(
        !after.iter().any(|a| a == "billing/double-charge.md"),
        "{after:?}"
    );
}
