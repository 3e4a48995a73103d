//! The sample checklist's items matched by similarity with the real int8 MiniLM: agent lines
//! that say an item in other words reach its threshold, everyday agent lines reach none.
//! Prints every score (`cargo test -p earshot-assist --test checklist -- --nocapture`).

use earshot_assist::checklist::Checklists;
use earshot_models::ModelStore;
use std::path::Path;

#[test]
fn items_said_in_other_words_are_met_and_everyday_lines_meet_none() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let mut lists = Checklists::parse(&text).unwrap();
    let mut enc = earshot_pipeline::sentence_encoder(&ModelStore::from_env())
        .expect("the MiniLM encoder (run `cargo xtask models`)");
    lists.embed(&mut enc).unwrap();
    let list = lists.for_queue(None).unwrap();
    let step = |id: &str| list.steps.iter().find(|s| s.id == id).unwrap();
    // Worded without the item's phrases.
    let said = [
        (
            "recording_disclosure",
            "just so you know we record our calls for training",
        ),
        (
            "recording_disclosure",
            "please be aware this conversation is being recorded",
        ),
        (
            "verify_identity",
            "can I get your full name and the postcode on the account",
        ),
        (
            "verify_identity",
            "first I need to make sure I am talking to the account holder",
        ),
        ("closing", "is there any other way I can help you today"),
        (
            "closing",
            "can I help you with something more before you go",
        ),
        (
            "account_details",
            "I can see two payments of forty dollars on the account",
        ),
        (
            "account_details",
            "the account has a balance of [AMOUNT] right now",
        ),
    ];
    let everyday = [
        "thank you for calling Northwind Bank how can I help you",
        "let me look into that for you",
        "the weather has been awful all week",
        "I will send you a replacement straight away",
        "your new card will arrive within five working days",
        "I am sorry to hear about that",
        "okay one moment please",
    ];
    let mut worst_said = f32::MAX;
    let mut wrong = Vec::new();
    for (id, line) in said {
        let s = step(id);
        let score = s.similarity(&enc.embed(line).unwrap());
        println!("{score:.3} {id:<22} said:     {line}");
        worst_said = worst_said.min(score - s.threshold());
        if score < s.threshold() {
            wrong.push(format!("{id} not met by {line:?}: {score:.3}"));
        }
    }
    for line in everyday {
        let e = enc.embed(line).unwrap();
        for s in &list.steps {
            let score = s.similarity(&e);
            println!("{score:.3} {:<22} everyday: {line}", s.id);
            if score >= s.threshold() {
                wrong.push(format!("{} met by {line:?}: {score:.3}", s.id));
            }
        }
    }
    println!("smallest margin above a threshold: {worst_said:.3}");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_cancellation_said_in_other_words_raises_the_alert_and_other_requests_do_not() {
    use earshot_assist::alerts::{AlertRules, AlertState};
    use earshot_core::Speaker;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml");
    let mut rules = AlertRules::load(&path).unwrap();
    let mut enc = earshot_pipeline::sentence_encoder(&ModelStore::from_env())
        .expect("the MiniLM encoder (run `cargo xtask models`)");
    rules.embed(&mut enc).unwrap();
    let fires = |enc: &mut earshot_sentiment::embedding::SentenceEncoder, line: &str| {
        let e = enc.embed(line).unwrap();
        let mut state = AlertState::new();
        state
            .on_final(&rules, Speaker::Caller, line, Some(&e), &[], None, 0)
            .iter()
            .any(|a| a.rule == "cancel")
    };
    let cancel = rules.rules.iter().find(|r| r.id == "cancel").unwrap();
    let mut wrong = Vec::new();
    for (line, want) in [
        ("I am going to move all my money to another bank", true),
        ("honestly I do not want to bank with you anymore", true),
        ("I was charged twice for the same coffee", false),
        ("can you tell me what my balance is", false),
        ("my card was stolen yesterday", false),
        ("thank you so much for your help today", false),
        ("I would like to open a savings account", false),
    ] {
        let score = cancel.similarity(&enc.embed(line).unwrap());
        let got = fires(&mut enc, line);
        println!(
            "{score:.3} cancel {}: {line}",
            if want { "said    " } else { "everyday" }
        );
        if got != want {
            wrong.push(format!("{line:?}: {score:.3}, fired {got}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
