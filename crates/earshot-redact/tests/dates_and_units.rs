//! Dates of birth said with month names and ordinals, and street addresses with unit
//! designators: redacted whole, with nothing of the value left beside the tag; the same forms
//! without a cue stay as they are.

use earshot_core::Speaker;
use earshot_redact::Redactor;

/// Redacts a conversation of `(speaker, text)` lines; returns the redacted lines.
fn redact(lines: &[(Speaker, &str)]) -> Vec<String> {
    let mut r = Redactor::new();
    let mut out = Vec::new();
    for (speaker, text) in lines {
        out.extend(r.push(*speaker, text));
    }
    out.extend(r.finish());
    out.into_iter().map(|r| r.text).collect()
}

fn answer(question: &str, reply: &str) -> String {
    redact(&[(Speaker::Agent, question), (Speaker::Caller, reply)])
        .pop()
        .unwrap()
}

#[test]
fn a_date_of_birth_with_a_month_name_is_redacted_whole() {
    for (reply, kept) in [
        (
            "I was born on March 21st 1960.",
            "I was born on [DATE_OF_BIRTH].",
        ),
        ("born on March 21th, 1960", "born on [DATE_OF_BIRTH]"),
        (
            "It's the fourth of July nineteen eighty one.",
            "It's the [DATE_OF_BIRTH].",
        ),
        ("21 March 1960", "[DATE_OF_BIRTH]"),
        ("Sure, 2nd of February, 1975.", "Sure, [DATE_OF_BIRTH]."),
        ("December the 3rd 1948", "[DATE_OF_BIRTH]"),
        ("October twenty second nineteen seventy", "[DATE_OF_BIRTH]"),
        (
            "the twenty sixth of January nineteen eighty",
            "the [DATE_OF_BIRTH]",
        ),
        (
            "my birthday is August 9th",
            "my birthday is [DATE_OF_BIRTH]",
        ),
        // These showed the day ("fifth", "-third") and the month said as an ordinal ("ninth").
        (
            "It's the fifth, uh, of May, nineteen seventy.",
            "It's the [DATE_OF_BIRTH].",
        ),
        (
            "The twenty-third of the ninth, ninety-one.",
            // One span since the whole answer is a date (`a_date_of_birth_given_in_parts…`).
            "The [DATE_OF_BIRTH].",
        ),
        ("the twenty-first of March", "the [DATE_OF_BIRTH]"),
        // The month as digits with its suffix and a year of two digits, unpunctuated
        // (2026-12-04, the afternoon: "4th 82" was shown).
        ("the 3rd of the 4th 82", "the [DATE_OF_BIRTH]"),
    ] {
        assert_eq!(answer("and your date of birth", reply), kept, "{reply}");
        assert_eq!(
            answer("Can I have your date of birth?", reply),
            kept,
            "{reply}"
        );
    }
}

#[test]
fn a_date_with_no_birth_or_expiry_cue_is_kept() {
    for line in [
        "It arrived on March 21st 2024.",
        "I was charged on May 4th and again on the 9th of May.",
        "You may 2 times try again.",
        "I called on the fifth of the month, the third of the calls failed.",
        "the payment went out on the 3rd of the 4th 22 and again later",
    ] {
        assert_eq!(
            redact(&[
                (Speaker::Agent, "How can I help you today?"),
                (Speaker::Caller, line)
            ])
            .pop()
            .unwrap(),
            line
        );
    }
}

#[test]
fn unit_designators_belong_to_the_address() {
    for (reply, kept) in [
        ("It is 42 Elm Street, apartment 12.", "It is [ADDRESS]."),
        ("221 Baker Street suite 200", "[ADDRESS]"),
        (
            "12 Main Road, unit 4B, floor 3, thanks",
            "[ADDRESS], thanks",
        ),
        ("Flat 3, 12 High Road.", "[ADDRESS]."),
        ("9 King Way, third floor", "[ADDRESS]"),
        (
            "1600 Pennsylvania Avenue North West, apt twelve b",
            "[ADDRESS]",
        ),
    ] {
        assert_eq!(answer("And your address?", reply), kept, "{reply}");
    }
}

#[test]
fn a_room_or_floor_with_no_street_is_kept() {
    let line = "Room 1204 on the third floor.";
    assert_eq!(
        redact(&[
            (Speaker::Caller, "Where is the meeting?"),
            (Speaker::Agent, line)
        ])
        .pop()
        .unwrap(),
        line
    );
}

#[test]
fn a_month_said_beside_a_redacted_date_and_an_ordinal_suffix_go_with_it() {
    // "March" and "th" were shown beside the two redacted parts.
    assert_eq!(
        answer("And what's the expiry?", "The 27th, no sorry, 2027, March."),
        "The [CREDIT_DEBIT_EXPIRY], no sorry, [CREDIT_DEBIT_EXPIRY]."
    );
    // Negative controls: "may" the verb after an expiry, and a month beside no date.
    assert_eq!(
        answer("And what's the expiry?", "12/26, may I ask why?"),
        "[CREDIT_DEBIT_EXPIRY], may I ask why?"
    );
    assert_eq!(
        answer("How can I help?", "I was charged twice in March."),
        "I was charged twice in March."
    );
}

#[test]
fn a_date_of_birth_given_in_parts_over_several_lines_is_redacted_whole() {
    use Speaker::{Agent, Caller};
    // Shown before: the day alone, then the month beside the year on the caller's next line
    // ("Of June, [NUMBER]."), and the day and month after a question back.
    let out = redact(&[
        (Agent, "Date of birth please."),
        (Caller, "The ninth."),
        (Agent, "Mm-hm."),
        (Caller, "Of June, nineteen seventy four."),
        // Negative control: the agent's next question is about something else.
        (Agent, "Thanks. And how many cards do you have?"),
        (Caller, "Two."),
    ]);
    assert_eq!(
        out[1..],
        [
            "The [DATE_OF_BIRTH].",
            "Mm-hm.",
            "[DATE_OF_BIRTH].",
            "Thanks. And how many cards do you have?",
            "Two.",
        ]
    );
    let out = redact(&[
        (Agent, "When were you born?"),
        (Caller, "March."),
        (Agent, "And the day?"),
        (Caller, "The fourth."),
        (Agent, "Year?"),
        (Caller, "Eighty one."),
    ]);
    assert_eq!(
        [&out[1], &out[3], &out[5]],
        [
            "[DATE_OF_BIRTH].",
            "The [DATE_OF_BIRTH].",
            "[DATE_OF_BIRTH]."
        ]
    );
    let out = redact(&[
        (Agent, "What's your date of birth?"),
        (Caller, "Why do you need that?"),
        (Agent, "For security."),
        (Caller, "Fine, the ninth of June."),
    ]);
    assert_eq!(out[3], "Fine, the [DATE_OF_BIRTH].");
    // Negative controls: a line that is more than a date, numbers that are no year, and the
    // same date parts with no date of birth asked for.
    let out = redact(&[
        (Agent, "What's your date of birth?"),
        (Caller, "Um, first of all, can I ask something?"),
        (Caller, "The 2nd and 3rd payments failed."),
    ]);
    assert_eq!(out[2], "The 2nd and 3rd payments failed.");
    let out = redact(&[
        (Agent, "What's your date of birth?"),
        (Caller, "Do I have to?"),
        (Caller, "It's 2369."),
    ]);
    // (Redacted as a bare number, not as the date.)
    assert_eq!(out[2], "It's [NUMBER].");
    // A stall is no line of its own: what follows it answers the question (since 2026-12-05).
    let out = redact(&[
        (Agent, "What's your date of birth?"),
        (Caller, "Hold on."),
        (Caller, "It's 2369."),
    ]);
    assert_eq!(out[1..], ["Hold on.", "It's [DATE_OF_BIRTH]."]);
    let out = redact(&[
        (Agent, "When does the offer end?"),
        (Caller, "The ninth."),
        (Caller, "Of June."),
    ]);
    assert_eq!(out[1..], ["The ninth.", "Of June."]);
}

#[test]
fn a_date_of_birth_read_back_in_other_words_is_redacted_and_other_dates_are_not() {
    use Speaker::{Agent, Caller};
    // Shown before: the agent's read-back, two lines after the question.
    let out = redact(&[
        (Agent, "And your date of birth?"),
        (Caller, "Fourth of April, eighty nine."),
        (Agent, "Great, so the fourth of April nineteen eighty nine."),
        // Negative control: a date in another month.
        (Caller, "Yes. And the letter arrived on August 5th."),
    ]);
    assert_eq!(
        out[1..],
        [
            "[DATE_OF_BIRTH].",
            "Great, so the [DATE_OF_BIRTH].",
            "Yes. And the letter arrived on August 5th.",
        ]
    );
    // Negative control: with no date of birth given, the same words are kept.
    let out = redact(&[
        (Agent, "When did the card arrive?"),
        (Caller, "The fourth of April."),
        (Agent, "Great, so the fourth of April nineteen eighty nine."),
    ]);
    assert_eq!(
        out[2],
        "Great, so the fourth of April nineteen eighty nine."
    );
}

#[test]
fn a_date_of_birth_corrected_or_asked_back_is_redacted_in_finals_and_partials() {
    use Speaker::{Agent, Caller};
    // Shown before: the agent's guess at a date of birth said in numbers, the caller's
    // correction, and a correction on the caller's next line.
    let out = redact(&[
        (Agent, "Can I have your date of birth?"),
        (Caller, "Yeah, three four eighty five."),
        (Agent, "Sorry, March fourth?"),
        (Caller, "No, the third of April."),
    ]);
    assert_eq!(
        out[1..],
        [
            "Yeah, [DATE_OF_BIRTH].",
            "Sorry, [DATE_OF_BIRTH]?",
            "No, the [DATE_OF_BIRTH].",
        ]
    );
    // The year asked back.
    let out = redact(&[
        (Agent, "For security, what's your date of birth?"),
        (Caller, "05/03/90."),
        (Agent, "The fifth of March?"),
        (Caller, "Yes."),
        (Agent, "And the year, 1990?"),
    ]);
    assert_eq!(
        out[1..],
        [
            "[DATE_OF_BIRTH].",
            "The [DATE_OF_BIRTH]?",
            "Yes.",
            "And the year, [DATE_OF_BIRTH]?"
        ]
    );
    for (line, kept) in [
        (
            "No sorry, it's the third of April.",
            "No sorry, it's the [DATE_OF_BIRTH].",
        ),
        ("Sorry I mean April 3rd.", "Sorry I mean [DATE_OF_BIRTH]."),
        (
            "Actually it's April the third.",
            "Actually it's [DATE_OF_BIRTH].",
        ),
        ("No sorry, the third.", "No sorry, the [DATE_OF_BIRTH]."),
    ] {
        let out = redact(&[
            (Agent, "Can I have your date of birth?"),
            (Caller, "Yeah, three four eighty five."),
            (Caller, line),
        ]);
        assert_eq!(out[2], kept, "{line}");
    }
    // Partials show what the final line would not: the month of a date said in parts, and a
    // correction after the agent's read-back.
    let mut r = Redactor::new();
    let mut shown = Vec::new();
    for (speaker, text, partial) in [
        (Agent, "Date of birth please.", false),
        (Caller, "The ninth.", false),
        (Agent, "Mm-hm.", false),
        (Caller, "Of June, nineteen seventy", true),
        (Caller, "Of June, nineteen seventy four.", false),
        (Agent, "Great, so the ninth of June?", false),
        (Caller, "No, the third of April", true),
    ] {
        if partial {
            shown.push(r.preview(speaker, text).text);
        } else {
            r.push(speaker, text);
        }
    }
    assert_eq!(shown, ["[DATE_OF_BIRTH]", "No, the [DATE_OF_BIRTH]"]);
    // Negative controls: the same lines with no date of birth given or asked for, and a
    // correction after the agent asked about something else.
    let out = redact(&[
        (Agent, "When did the parcel arrive?"),
        (Caller, "The fourth."),
        (Agent, "Sorry, March fourth?"),
        (Caller, "No, the third of April."),
    ]);
    assert_eq!(
        out[1..],
        [
            "The fourth.",
            "Sorry, March fourth?",
            "No, the third of April."
        ]
    );
    let out = redact(&[
        (Agent, "When did the parcel arrive?"),
        (Caller, "The fourth."),
        (Agent, "And the year, 2024?"),
    ]);
    assert_eq!(out[2], "And the year, 2024?");
    let out = redact(&[
        (Agent, "Can I have your date of birth?"),
        (Caller, "Yeah, three four eighty five."),
        (Agent, "Thanks. When did the parcel arrive?"),
        (Caller, "No idea, maybe the third of April."),
    ]);
    assert_eq!(out[3], "No idea, maybe the third of April.");
    let mut r = Redactor::new();
    r.push(Agent, "When did the parcel arrive?");
    assert_eq!(
        r.preview(Caller, "No, the third of April").text,
        "No, the third of April"
    );
}
