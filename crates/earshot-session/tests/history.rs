//! History reads back what was stored: an unscored utterance stays unscored (not a measured
//! neutral), beside a scored one.

use earshot_config::{Config, KeyStore};
use earshot_core::{Sentiment, SentimentLabel, SentimentTrend, Speaker, TrendDirection, Utterance};
use earshot_session::history;
use earshot_session::lines::turn_line;
use earshot_vault::{NewCall, Vault};

#[test]
fn an_unscored_utterance_is_stored_and_shown_as_unscored() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        key_store: KeyStore::File,
        ..Config::defaults(std::path::PathBuf::new())
    };
    let mut vault = Vault::open(&config).unwrap();
    let call = vault
        .begin_call(&NewCall {
            source: "test".into(),
            agent: None,
            direction: None,
            model: "tiny.en".into(),
        })
        .unwrap();
    let said = |text: &str, sentiment: Sentiment, at: u64| Utterance {
        speaker: Speaker::Caller,
        start_ms: at,
        end_ms: at + 900,
        text: text.into(),
        sentiment,
        findings: vec![],
    };
    let measured = Sentiment {
        label: SentimentLabel::Neutral,
        score: 0.0,
    };
    vault
        .add_utterance(call, 1, &said("It was sent on Monday.", measured, 0), &[])
        .unwrap();
    vault
        .add_utterance(
            call,
            2,
            &said("And then nothing.", Sentiment::UNSCORED, 1000),
            &[],
        )
        .unwrap();
    vault
        .end_call(
            call,
            2000,
            &SentimentTrend {
                quarters: [Some(0.0), None, None, None],
                direction: TrendDirection::Flat,
            },
            "embedding",
        )
        .unwrap();
    let view = history::open(&vault, &config, call).unwrap();
    let (scored, unscored) = (&view.turns[0].sentiment, &view.turns[1].sentiment);
    assert_eq!(scored.label, SentimentLabel::Neutral);
    assert_eq!(
        scored.score,
        Some(0.0),
        "a measured neutral keeps its score"
    );
    assert_eq!(unscored.label, SentimentLabel::Unscored);
    assert_eq!(unscored.score, None);
    assert!(turn_line(&view.turns[0]).contains("neu +0.00  It was sent"));
    assert!(
        turn_line(&view.turns[1]).contains("---   -    And then nothing."),
        "{}",
        turn_line(&view.turns[1])
    );
}
