//! Knowledge suggestions on a recorded call, in process: the caller's question brings its
//! article (positive control), and an article the agent dismissed during the call is not
//! suggested (the app's Dismiss button sends it down this channel).

use earshot_callgen::{render_with, sample_call, RenderOptions};
use earshot_config::{Config, KeyStore};
use earshot_session::{record_file, CallEvent, Workstation};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A configuration storing in `data` (key in a file) with our sample knowledge base.
fn sample_config(data: &Path) -> Config {
    Config {
        data_dir: data.to_path_buf(),
        key_store: KeyStore::File,
        knowledge_dir: Some(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/knowledge"),
        ),
        ..Config::defaults(std::path::PathBuf::new())
    }
}

/// A fresh data dir with the sample call rendered in it, and a workstation on it with the
/// sample knowledge base loaded.
fn sample_with_knowledge() -> (tempfile::TempDir, std::path::PathBuf, Workstation) {
    let data = tempfile::tempdir().unwrap();
    let call = data.path().join("call.wav");
    render_with(&sample_call(), &call, &RenderOptions::default()).unwrap();
    let mut ws = Workstation::open_config(sample_config(data.path())).unwrap();
    ws.load_assist().unwrap();
    (data, call, ws)
}

fn suggested(dismiss: &[&str]) -> Vec<String> {
    let (_data, call, mut ws) = sample_with_knowledge();
    let (tx, rx) = std::sync::mpsc::channel();
    for d in dismiss {
        tx.send(earshot_session::AgentAction::Dismiss {
            article_id: d.to_string(),
        })
        .unwrap();
    }
    ws.actions = Some(rx);
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
    .call
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

#[test]
fn the_knowledge_base_is_embedded_once_and_kept_in_the_vault() {
    let data = tempfile::tempdir().unwrap();
    let kb = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../earshot-assist/knowledge");
    for sub in ["billing", "cards", "account"] {
        std::fs::create_dir_all(kb.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(sample.join(sub)).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, kb.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    let open = || {
        let config = Config {
            data_dir: data.path().to_path_buf(),
            key_store: KeyStore::File,
            knowledge_dir: Some(kb.path().to_path_buf()),
            ..Config::defaults(std::path::PathBuf::new())
        };
        let mut ws = Workstation::open_config(config).unwrap();
        let t0 = std::time::Instant::now();
        ws.load_assist().unwrap();
        let a = ws.assist.as_ref().unwrap().lock().unwrap();
        (a.index.chunks(), a.embedded, t0.elapsed().as_millis())
    };
    let (chunks, embedded, first_ms) = open();
    assert!(chunks > 10);
    assert_eq!(embedded, chunks, "the first start embeds every chunk");
    let (again, embedded, second_ms) = open();
    assert_eq!((again, embedded), (chunks, 0), "the next start embeds none");
    println!("{chunks} chunks: first start {first_ms} ms, next start {second_ms} ms");
    // One article edited: only its chunks are embedded again.
    let edited = kb.path().join("billing/double-charge.md");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(
        &edited,
        text.replace("When a caller says", "Updated. When a caller says"),
    )
    .unwrap();
    let (after, embedded, _) = open();
    assert_eq!(after, chunks);
    assert!(embedded >= 1 && embedded < chunks, "{embedded} of {chunks}");
}

#[test]
fn the_agents_feedback_on_a_suggestion_is_stored_with_its_score_and_a_stray_one_is_not() {
    let (_data, call, mut ws) = sample_with_knowledge();
    let (tx, rx) = std::sync::mpsc::channel();
    ws.actions = Some(rx);
    // An article this call never suggested: not stored.
    tx.send(earshot_session::AgentAction::Feedback {
        article_id: "cards/travel.md".into(),
        useful: true,
    })
    .unwrap();
    let mut scores = Vec::new();
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
            // The agent marks each suggestion as it appears: the first useful, the rest not.
            if let CallEvent::Suggestion {
                article_id, score, ..
            } = e
            {
                tx.send(earshot_session::AgentAction::Feedback {
                    article_id: article_id.clone(),
                    useful: scores.is_empty(),
                })
                .unwrap();
                scores.push((article_id.clone(), *score));
            }
            Ok::<(), ()>(())
        },
    )
    .unwrap()
    .call
    .unwrap();
    assert!(!scores.is_empty(), "the sample call brings a suggestion");
    let feedback = ws.vault.feedback().unwrap();
    // Every mark is stored, the one made on the call's last event too (taken after the audio
    // ended, before the call is closed).
    let stored: u32 = feedback.iter().map(|f| f.useful + f.not_useful).sum();
    assert_eq!(stored as usize, scores.len(), "{feedback:?}");
    let first = feedback
        .iter()
        .find(|f| f.article_id == scores[0].0)
        .unwrap_or_else(|| panic!("{feedback:?}"));
    assert_eq!((first.useful, first.useful_score), (1, Some(scores[0].1)));
    assert!(
        !feedback
            .iter()
            .any(|f| f.article_id == "cards/travel.md"
                && !scores.iter().any(|s| s.0 == f.article_id)),
        "a stray mark is not stored: {feedback:?}"
    );

    // After the call has ended, a suggestion still on screen can be marked: stored with that
    // call and its score; an article the call never suggested is not.
    let late = ws
        .late_feedback
        .clone()
        .expect("the ended call's suggestions");
    assert!(late.store(&mut ws.vault, &scores[0].0, false).unwrap());
    assert!(!late
        .store(&mut ws.vault, "no/such-article.md", true)
        .unwrap());
    let after = ws.vault.feedback().unwrap();
    let first = after.iter().find(|f| f.article_id == scores[0].0).unwrap();
    assert_eq!(
        (first.useful, first.not_useful, first.not_useful_score),
        (1, 1, Some(scores[0].1))
    );
    let total: u32 = after.iter().map(|f| f.useful + f.not_useful).sum();
    assert_eq!(total, stored + 1, "{after:?}");
}

#[test]
fn the_calls_and_the_search_box_share_one_encoder_and_index_until_the_settings_change() {
    use earshot_session::knowledge::{AssistCache, KnowledgeDesk};
    let data = tempfile::tempdir().unwrap();
    let config = sample_config(data.path());
    let cache = AssistCache::default();
    assert!(cache.loaded(&config).is_none());
    let mut call = Workstation::open_config(config.clone()).unwrap();
    call.load_assist_in(&cache).unwrap();
    let in_call = call.assist.clone().expect("the base loaded");
    let mut desk = KnowledgeDesk::open_in(&cache, &config).unwrap();
    assert!(
        Arc::ptr_eq(&in_call, desk.assistant()),
        "the search box loaded its own copy"
    );
    let hits = desk
        .search(
            "I was billed two times for one purchase, card 4111 1111 1111 1111",
            3,
        )
        .unwrap();
    assert_eq!(hits[0].article_id, "billing/double-charge.md", "{hits:?}");
    // The next call takes the same one too.
    let mut next = Workstation::open_config(config.clone()).unwrap();
    next.load_assist_in(&cache).unwrap();
    assert!(Arc::ptr_eq(&in_call, next.assist.as_ref().unwrap()));

    // Negative controls: a desk of its own is another copy, and a changed threshold loads anew
    // (the cache lets go of the old one; the call that holds it keeps it to its end).
    let own = KnowledgeDesk::open(&config).unwrap();
    assert!(!Arc::ptr_eq(&in_call, own.assistant()));
    let stricter = Config {
        suggestion_threshold: 0.5,
        ..config.clone()
    };
    let desk = KnowledgeDesk::open_in(&cache, &stricter).unwrap();
    assert!(!Arc::ptr_eq(&in_call, desk.assistant()));
    assert!(cache.loaded(&config).is_none());
    assert!(Arc::ptr_eq(
        &cache.loaded(&stricter).unwrap(),
        desk.assistant()
    ));
}
