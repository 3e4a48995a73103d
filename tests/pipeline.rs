//! The whole offline pipeline on generated calls: speakers, words, order, redaction, trend.

use earshot_callgen::Turn;
use earshot_core::{FindingKind, Speaker, TrendDirection};
use earshot_e2e::analyze_script;

fn identity_call() -> Vec<Turn> {
    vec![
        Turn::agent("Before I can change the address I need to verify you. What is your social security number?"),
        Turn::caller("It is one two three, four five, six seven eight nine."),
        Turn::agent("Thank you. And what is the best phone number to reach you?"),
        Turn::caller("You can call me on four one five, five five five, zero one three two."),
        Turn::agent("Great, you are verified. Your ticket number is forty two."),
    ]
}

#[test]
fn identity_answers_are_redacted_and_the_rest_is_kept() {
    let (utts, end) = analyze_script(&identity_call(), "tiny.en");
    assert!(utts.len() >= 5, "{utts:#?}");
    let all: String = utts.iter().map(|u| u.text.to_lowercase() + "\n").collect();
    for secret in [
        "6789",
        "0132",
        "123",
        "415",
        "one two three",
        "six seven eight nine",
        "zero one three two",
    ] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    let kinds: Vec<FindingKind> = utts
        .iter()
        .flat_map(|u| u.findings.iter().map(|f| f.kind))
        .collect();
    assert!(kinds.contains(&FindingKind::Ssn), "{kinds:?}\n{all}");
    assert!(kinds.contains(&FindingKind::Phone), "{kinds:?}\n{all}");
    // Everything else survives for the agent to read.
    assert!(
        all.contains("social security") && all.contains("verified"),
        "{all}"
    );
    // Findings belong to the caller; questions to the agent; time order holds.
    for u in &utts {
        if !u.findings.is_empty() {
            assert_eq!(u.speaker, Speaker::Caller, "{u:?}");
        }
    }
    assert!(utts
        .iter()
        .any(|u| u.speaker == Speaker::Agent && u.text.contains("social security")));
    assert!(utts.windows(2).all(|w| w[0].start_ms <= w[1].start_ms));
    assert!(end.duration_ms > 15_000 && end.utterances == utts.len());
}

#[test]
fn a_call_that_turns_sour_trends_down() {
    let script = vec![
        Turn::agent("Good morning, thanks for calling, how can I help?"),
        Turn::caller("Hi, I love your service and I am very happy with my new phone."),
        Turn::agent("Wonderful, that is great to hear."),
        Turn::caller(
            "But today the bill is wrong, this is terrible, I am angry and I hate waiting.",
        ),
        Turn::caller("This is awful. I am furious. Cancel everything."),
    ];
    let (utts, end) = analyze_script(&script, "tiny.en");
    assert!(!utts.is_empty());
    assert_eq!(
        end.sentiment_trend.direction,
        TrendDirection::Down,
        "{:?}",
        end.sentiment_trend
    );
}

#[test]
fn the_base_model_transcribes_too() {
    let script = vec![
        Turn::caller("I was charged twice for the same order."),
        Turn::agent("I will refund the second charge today."),
    ];
    let (utts, _) = analyze_script(&script, "base");
    let all: String = utts.iter().map(|u| u.text.to_lowercase()).collect();
    assert!(
        all.contains("charged twice") && all.contains("refund"),
        "{all}"
    );
}
