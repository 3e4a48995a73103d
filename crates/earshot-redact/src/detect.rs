//! Classification of digit runs and e-mail addresses by checksum and context.

use crate::tokens::{
    digit_runs, is_number_word, is_oh, month, ordinal, small, teen, tens, Class, DigitRun, Token,
};
use earshot_core::FindingKind;

/// A detection over the token window: which tokens, what kind, how sure, the normalised value.
#[derive(Debug, Clone)]
pub(crate) struct Detection {
    pub kind: FindingKind,
    pub first: usize,
    pub last: usize,
    pub confidence: f32,
    pub normalized: String,
}

/// Cue phrases that say what a nearby number is.
pub(crate) const CUES: &[(FindingKind, &[&str])] = &[
    (
        FindingKind::CreditDebitCvv,
        &[
            "security code",
            "cvv",
            "cvc",
            "cvv2",
            "csc",
            "card code",
            "verification code",
            "three digit",
            "3 digit",
            "four digit code",
            "on the back",
            // Heard as "on the Mac" ("and the free tickets code on the Mac, please.", tiny.en
            // live on 8 kHz µ-law, round 63).
            "code on the mac",
            "back of the card",
            // "the three numbers on the signature strip" (heard as "the free number on …",
            // "the free numbers on the signature trip.").
            "signature",
            "three numbers",
            "3 numbers",
        ],
    ),
    (
        FindingKind::CreditDebitExpiry,
        &[
            "expir",
            // "And the card's expiry date?" heard as "and the cards X-Piry Date.", "and the Card
            // X Pyridate." (tiny.en and base, round 45).
            "piry",
            "pyri",
            // "When does the card expire?" heard as "When does the car next fire?" (tiny.en) and
            // "When the card acquires," (base on 8 kHz µ-law, round 77).
            "card acquir",
            "car next fire",
            "card next fire",
            "valid thru",
            "valid through",
            "exp date",
            "exp",
            "good thru",
            "good through",
        ],
    ),
    (
        FindingKind::Ssn,
        &["social security", "social", "ssn", "tax id", "taxpayer"],
    ),
    (
        FindingKind::Pin,
        &[
            "pin",
            "passcode",
            "pass code",
            // A one-time code sent to the caller ("I'll text you a verification code").
            "one-time",
            "one time",
            "otp",
            "texted",
            "text you",
            "sent you",
            "authentication code",
            "access code",
            "login code",
            // The codes that open a home or a building, which a caller gives as a PIN.
            "gate code",
            "door code",
            "entry code",
            "alarm code",
            "keypad code",
            "lockbox",
            "lock box",
            "key safe",
            "keysafe",
            "disarm code",
            "garage code",
            "building code",
            // "Please enter your PIN on the keypad", its "PIN" heard as "BIN" or "DIN" on
            // telephone audio (a card's BIN, its first digits, is no less a secret).
            "keypad",
            "your bin",
            "my bin",
            "your din",
            "my din",
            "your bim",
            "my bim",
        ],
    ),
    (
        FindingKind::BankRouting,
        // "source code": "sort code" as whisper hears it on telephone audio. An Australian
        // account's BSB (bank-state-branch, six digits) and a Canadian one's institution
        // number (three, said beside the transit number's five) name the bank as a sort code
        // does.
        &[
            "routing",
            "aba",
            "sort code",
            "transit number",
            "source code",
            "bsb",
            "institution number",
        ],
    ),
    (
        FindingKind::BankAccountNumber,
        &[
            "account number",
            "account no",
            "acct",
            "checking account",
            "savings account",
            "bank account",
            // "… and the account is 123456 M8i." (base on 8 kHz µ-law, its last digits glued
            // into letters).
            "account is",
            "account's",
            // "It's via count number AC-77419." (base on 8 kHz µ-law for "It's the account
            // number, A C dash …").
            "count number",
        ],
    ),
    (
        FindingKind::DateOfBirth,
        &[
            "date of birth",
            "birth date",
            "birthday",
            "born",
            "dob",
            "birthdate",
            // "date of birth" half heard ("And your data birth.").
            "birth",
            // "I turned 40 on March 3rd": an age and the day it was reached.
            "turned",
            // A caller asked who they are gives the date they were born ("I just need to
            // confirm who I'm speaking with." - "Sure, I'm Leo, for August 9, 1982, if not
            // health.", tiny.en for "born August the ninth").
            "speaking with",
            "speaking to",
            "identity",
        ],
    ),
    (
        FindingKind::Address,
        &[
            "zip",
            "postal code",
            "post code",
            "postcode",
            "eircode",
            // "zip code" half heard ("Thank you and your lip code", "And your nip code.", base
            // on mono and 8 kHz µ-law).
            "lip code",
            "nip code",
        ],
    ),
    (
        FindingKind::Phone,
        &[
            "phone",
            "telephone",
            "cell",
            "mobile",
            "call me",
            "call back",
            "callback",
            "reach me",
            // "What number can we call you back on?" - "it's 1602, and then 198, extension 22".
            "call you",
            "reach you",
            "ring you",
            "contact you",
            "contact number",
            // "My number is 415 555 and then 0132": said of oneself, a bare "number" is the
            // phone's far more often than anything else, and the others are secrets too.
            "my number",
            "your number",
            "best number",
            "home number",
            "work number",
            // "It's area code 415, then triple 5, then 0192."
            "area code",
            // "What's your landline?" - "So one triple two, four double i'm six and one
            // eight." (base on µ-law).
            "landline",
            "land line",
        ],
    ),
    (
        FindingKind::CreditDebitNumber,
        &[
            "card",
            "credit",
            "debit",
            "visa",
            "mastercard",
            "master card",
            "amex",
            "american express",
            "discover",
            "long number",
            // "Go ahead with the card number." heard as "… the car number." (base on 8 kHz
            // µ-law, round 68: the first group of a card given twice was shown).
            "car number",
            // A card's group corrected after its read-back ("No, the third group is 7/1 high in
            // hot 7/1/8.", base for "seven seven one nine, not seven seven one eight").
            "first group",
            "second group",
            "third group",
            "fourth group",
            "last group",
        ],
    ),
];

/// Words right after a number that make it an amount, time or count.
pub(crate) const UNITS_AFTER: &[&str] = &[
    "dollars", "dollar", "bucks", "cents", "pounds", "euros", "percent", "minutes", "minute",
    "hours", "hour", "days", "day", "weeks", "months", "years", "times", "items", "am", "pm",
    "o'clock", "gb", "mb", "miles", "people", "calls",
];

/// What a sum said before it buys or is ("a ten pound credit"), for [`is_amount_or_count`].
const MONEY_NOUNS: &[&str] = &[
    "credit",
    "fee",
    "charge",
    "refund",
    "note",
    "voucher",
    "discount",
    "deposit",
    "payment",
    "fine",
    "bill",
    "gift",
    "bonus",
    "reduction",
    "goodwill",
    "surcharge",
    "top",
    "rebate",
];

/// Words between a count and its unit ("10 business days", "5-7 working days", "2 more
/// weeks").
pub(crate) const WORDS_BEFORE_UNITS: &[&str] = &[
    "business", "working", "calendar", "banking", "more", "extra", "full", "whole",
];

/// Nouns a small number counts ("2 cards", "3 digits"): no secret is being read out.
const COUNTED_NOUNS: &[&str] = &[
    "digits", "digit", "cards", "card", "numbers", "accounts", "account", "charges", "payments",
    "orders", "kids", "children",
];

/// Words that follow a count but name nothing ("3 of them", "2 or 3", "4 more"): a count before
/// them still counts, but they are not a noun it counts.
const COUNT_WORDS: &[&str] = &["of", "or", "more", "less", "other", "different", "separate"];

/// A word that follows a count: one of [`COUNTED_NOUNS`], one of [`COUNT_WORDS`], or a plural.
fn counted(w: &str) -> bool {
    counted_noun(w) || COUNT_WORDS.contains(&w)
}

/// A noun a small number counts, said right after it ("4 digits", "2 cards", "3 payments"): one
/// of [`COUNTED_NOUNS`] or a plural, not the words that only go with a count ("or", "more").
pub(crate) fn counted_noun(w: &str) -> bool {
    COUNTED_NOUNS.contains(&w) || (w.len() >= 4 && w.ends_with('s') && !w.ends_with("ss"))
}

/// Words before a number that make it a reference, not personal data.
const REFERENCE_CUES: &[&str] = &[
    "order",
    "ticket",
    "case",
    "reference",
    "confirmation",
    "tracking",
    "invoice",
    "model",
    "serial",
    "flight",
    "room",
    "extension",
    "claim",
    "incident",
    "item",
    "sku",
    "version",
    "page",
    "step",
    "option",
];

/// The line (its tokens) names a reference, not personal data ("What is the model?", "My
/// flight BA351 was cancelled").
pub(crate) fn names_a_reference(tokens: &[Token]) -> bool {
    tokens.iter().enumerate().any(|(k, t)| {
        t.class == Class::Word
            && REFERENCE_CUES.contains(&t.text.as_str())
            && !payment_order(tokens, k)
    })
}

/// Token `k` is "order" in a payment's name ("the account number for the standing order",
/// "a money order"): the account it pays from is no reference.
fn payment_order(tokens: &[Token], k: usize) -> bool {
    tokens[k].text == "order"
        && k > 0
        && matches!(tokens[k - 1].text.as_str(), "standing" | "money" | "postal")
}

/// A reference named, once or more ("order", "orders"), among `tokens`: the numbers said after
/// it are that reference's ("Orders 5512 and 5513 never came.").
pub(crate) fn names_references(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| {
        t.class == Class::Word
            && (REFERENCE_CUES.contains(&t.text.as_str())
                || t.text
                    .strip_suffix('s')
                    .is_some_and(|one| REFERENCE_CUES.contains(&one)))
    })
}

/// Words before a number in a short answer that make it no secret's remains ("It says error
/// 809."); not reference cues above, where they would outweigh a secret's cue ("the PIN to port
/// my number is 4429", "the gate code is 4421").
const SHORT_ANSWER_REFERENCES: &[&str] = &["error", "port", "build", "platform", "channel"];

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn aba(digits: &str) -> bool {
    let d: Vec<u32> = digits.bytes().map(|b| (b - b'0') as u32).collect();
    d.len() == 9
        && (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]))
            .is_multiple_of(10)
}

fn ssn_valid(digits: &str) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let area = &digits[..3];
    area != "000"
        && area != "666"
        && !area.starts_with('9')
        && &digits[3..5] != "00"
        && &digits[5..] != "0000"
}

/// Lengths a kind accepts from a digit run.
fn accepts(kind: FindingKind, n: usize) -> bool {
    match kind {
        FindingKind::CreditDebitNumber => (4..=23).contains(&n),
        FindingKind::CreditDebitCvv => (3..=4).contains(&n),
        FindingKind::CreditDebitExpiry => (3..=6).contains(&n),
        FindingKind::Ssn => n == 4 || n == 9,
        FindingKind::Pin => (4..=8).contains(&n),
        // A US routing number, or a UK sort code ("20-45-77").
        FindingKind::BankRouting => n == 9 || n == 6,
        FindingKind::BankAccountNumber => (4..=17).contains(&n),
        FindingKind::DateOfBirth => (3..=8).contains(&n),
        FindingKind::Address => n == 5 || n == 9,
        FindingKind::Phone => (7..=15).contains(&n),
        _ => false,
    }
}

/// Joined text of word tokens in `range`, for phrase matching.
fn words(tokens: &[Token], range: std::ops::Range<usize>) -> Vec<(usize, &str)> {
    range
        .filter(|&i| tokens[i].class != Class::Punct || tokens[i].text == "|")
        .map(|i| {
            let t = &tokens[i];
            // "PIN" heard with a B, written in capitals as the acronym it then seems ("I'll
            // need the BIN news for the app.", tiny.en on mono, round 46).
            if t.caps && t.text == "bin" {
                (i, "pin")
            } else {
                (i, t.text.as_str())
            }
        })
        .collect()
}

/// Words before an answer's number that leave it the answer.
const ANSWER_PREAMBLE: &[&str] = &[
    "um", "uh", "er", "erm", "hmm", "mm", "i", "think", "believe", "guess", "okay", "ok", "yes",
    "yeah", "sure", "right", "alright", "so", "well", "now", "just", "got", "it", "it's", "its",
    "i've", "here", "says", "say", "let", "me", "see", "oh",
];

/// Words that make a sentence a request with no question mark ("and you verify the account
/// number.", base on 8 kHz µ-law for "Can you verify the account number?"; "Please enter your
/// PIN on the keypad now.").
const ASKING_WORDS: &[&str] = &["verify", "confirm", "read", "enter", "provide"];

/// The line's last sentence asks in words ([`ASKING_WORDS`]).
fn asks_in_words(line: &[Token]) -> bool {
    crate::last_sentence(line)
        .iter()
        .any(|t| ASKING_WORDS.contains(&t.text.as_str()))
}

/// Where the context of a number starting at token `first` begins: the start of its line, or of
/// the line before when that line is the other party's question ("…security code?") or the same
/// speaker's unfinished sentence. Cues further back say nothing about this number.
fn context_start(tokens: &[Token], first: usize) -> usize {
    let line_start = crate::tokens::line_start(tokens, first);
    if line_start == 0 {
        return 0;
    }
    let mut prev_end = line_start;
    let other_speaker = tokens[prev_end - 1].text == "|" && tokens[prev_end - 1].line == usize::MAX;
    if other_speaker {
        prev_end -= 1;
    }
    if prev_end == 0 {
        return line_start;
    }
    let prev_start = crate::tokens::line_start(tokens, prev_end - 1);
    // A request said as a noun phrase with a stop asks as a question does ("And the three
    // digits on the back." - "The free digits are 41 pammon.", tiny.en on 8 kHz µ-law).
    let question = tokens[prev_end - 1].text == "?"
        || (other_speaker && noun_phrase_request(&tokens[prev_start..prev_end]))
        || (other_speaker && asks_in_words(&tokens[prev_start..prev_end]));
    // An answer starts the line, or its last sentence: "It's 9865." right after "Please tell me
    // your PIN.", "Okay, done. Actually it's 8 8 2 0."
    let sentence_start = tokens[line_start..first]
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "?" | "!"))
        .map_or(line_start, |p| line_start + p + 1);
    // Fillers, hedges and what opens a reading out do not count ("um i think its one nine
    // eight seven", "Okay, I've got it, it's 558 210.").
    let answer_position = tokens[sentence_start..first]
        .iter()
        .filter(|t| t.class == Class::Word && !ANSWER_PREAMBLE.contains(&t.text.as_str()))
        .count()
        <= 3;
    if !other_speaker || question || answer_position {
        prev_start.max(first.saturating_sub(24))
    } else {
        line_start
    }
}

/// Nearest cue of each kind around the run: distance in tokens (before counts, after counts more).
fn nearest_cues(tokens: &[Token], run: &DigitRun) -> Vec<(FindingKind, usize)> {
    nearest_cues_since(tokens, run, 0)
}

/// The cues around a run that no earlier number answered: cues on an earlier line of the
/// context count only after the last number said on such a line ("The zip code is 49852." then
/// "Please press 7": the zip code's cue was spent on the zip code). What the fail-closed rules
/// for the remains of a misheard secret look at.
fn unanswered_cues(
    tokens: &[Token],
    runs: &[DigitRun],
    run: &DigitRun,
) -> Vec<(FindingKind, usize)> {
    let line = tokens[run.first].line;
    let since = runs
        .iter()
        .filter(|r| r.last <= run.first && tokens[r.first].line != line)
        .map(|r| r.last)
        .max()
        .unwrap_or(0);
    nearest_cues_since(tokens, run, since)
}

/// Words after "credit" that make it no card's cue ("the credit check", "your credit score").
const NOT_A_CARDS_CREDIT: &[&str] = &[
    "check", "checks", "score", "limit", "report", "history", "rating", "union",
];

/// Cues that name a value only before it, as a question does ("What number can we call you
/// back on?"); after a number they tell what will be done ("Some one will call you this
/// afternoon.").
const ASKED_ONLY: &[&str] = &["call you", "reach you", "ring you", "contact you"];

/// [`nearest_cues`], counting only cues from token `since` on before the run.
fn nearest_cues_since(tokens: &[Token], run: &DigitRun, since: usize) -> Vec<(FindingKind, usize)> {
    let start = context_start(tokens, run.first).max(since.min(run.first));
    let before = words(tokens, start..run.first);
    // After the run, only the speaker's own words count: the other party's next question
    // ("0049." - "And the expiry?") asks for something else.
    let after_end = (run.last..(run.last + 5).min(tokens.len()))
        .find(|&i| tokens[i].text == "|" && tokens[i].line == usize::MAX)
        .unwrap_or((run.last + 5).min(tokens.len()));
    let after = words(tokens, run.last..after_end);
    let mut found = Vec::new();
    for (kind, phrases) in CUES {
        let mut best: Option<usize> = None;
        for phrase in *phrases {
            let parts: Vec<&str> = phrase.split(' ').collect();
            let matches_at = |seq: &[(usize, &str)], at: usize| {
                parts.iter().enumerate().all(|(j, p)| {
                    seq.get(at + j).is_some_and(|(_, w)| {
                        if p.len() >= 4 && j == parts.len() - 1 {
                            w.starts_with(p)
                        } else {
                            w == p
                        }
                    })
                })
            };
            // "credit" naming a check, a score or a limit ("your social security number for
            // the credit check?") cues no card.
            let no_card = |seq: &[(usize, &str)], at: usize| {
                *phrase == "credit"
                    && seq
                        .get(at + 1)
                        .is_some_and(|(_, w)| NOT_A_CARDS_CREDIT.contains(w))
            };
            for at in 0..before.len() {
                if matches_at(&before, at) && !no_card(&before, at) {
                    let dist = before.len() - at;
                    best = Some(best.map_or(dist, |b: usize| b.min(dist)));
                }
            }
            for at in 0..after.len() {
                if matches_at(&after, at) && !no_card(&after, at) && !ASKED_ONLY.contains(phrase) {
                    let dist = at + 4;
                    best = Some(best.map_or(dist, |b: usize| b.min(dist)));
                }
            }
        }
        if let Some(d) = best {
            found.push((*kind, d));
        }
    }
    found.sort_by_key(|(_, d)| *d);
    found
}

/// The run is an amount, time or count: a currency sign before it, a unit or `%` after it.
pub(crate) fn is_amount_or_count(tokens: &[Token], run: &DigitRun) -> bool {
    let prev = run
        .first
        .checked_sub(1)
        .map(|i| tokens[i].text.as_str())
        .unwrap_or("");
    let next = tokens.get(run.last).map(|t| t.text.as_str()).unwrap_or("");
    // No price is written with more than two decimals ("the account is free for $4.5566",
    // base on mono for "three four four five five six six"): digits whisper made one of.
    let said = &tokens[run.first..run.last];
    let past_cents = said.windows(2).any(|w| {
        w[0].text == "."
            && w[0].end == w[1].start
            && w[1].class == Class::Digits
            && w[1].text.len() > 2
    });
    // No time of day has five digits or more ("Yes it's 8 4 7 2 9 1 am.": a code whisper put
    // a time's word after).
    let clock = matches!(next, "am" | "pm" | "o'clock");
    // Nor is an amount or a count written in three groups or more joined by hyphens
    // ("447-629-840 dollars monthly", tiny.en for an account read back with its fee after; a
    // range has one hyphen: "20-30 dollars").
    // One chain: digits and hyphens glued, nothing else (not a run that went on past a line's
    // end, "… ending 6-6-1-2. 250 pounds …" on mono).
    let chain = said.windows(2).all(|w| w[0].end == w[1].start)
        && said
            .iter()
            .all(|t| t.class == Class::Digits || t.text == "-");
    let hyphens = said.iter().filter(|t| t.text == "-").count();
    let dashed = chain && hyphens >= 2 && run.digits.len() >= 6;
    // A unit with a word before it ("5-7 working days", "10 business days", "2 more weeks",
    // after "Your new PIN will arrive by post in …", round 74: every decode hid the days as a
    // PIN).
    let unit_after_word = WORDS_BEFORE_UNITS.contains(&next)
        && tokens
            .get(run.last + 1)
            .is_some_and(|t| UNITS_AFTER.contains(&t.text.as_str()));
    // A sum said before what it buys ("a ten pound credit", "a 5 pound fee"): "pound" in the
    // singular is the keypad's key only before "key" or "sign".
    let sum_before_noun = matches!(next, "pound" | "euro" | "dollar")
        && run.digits.len() <= 4
        && tokens
            .get(run.last + 1)
            .is_some_and(|t| MONEY_NOUNS.contains(&t.text.as_str()));
    (matches!(prev, "$" | "£" | "€") && !past_cents)
        || sum_before_noun
        || (UNITS_AFTER.contains(&next) && !(clock && run.digits.len() > 4) && !dashed)
        || (unit_after_word && !dashed)
        || next == "%"
        || is_time(tokens, run, prev)
}

/// A time of day written as one ("call me back at 5:30", "by 10:15"): hours, a colon and
/// minutes glued, after a word that says when.
fn is_time(tokens: &[Token], run: &DigitRun, prev: &str) -> bool {
    let said = &tokens[run.first..run.last];
    let [h, colon, m] = said else {
        return false;
    };
    let glued = h.end == colon.start && colon.end == m.start;
    glued
        && colon.text == ":"
        && h.text.len() <= 2
        && h.text.parse::<u32>().is_ok_and(|h| h <= 24)
        && m.text.len() == 2
        && m.text.parse::<u32>().is_ok_and(|m| m < 60)
        && matches!(
            prev,
            "at" | "by" | "around" | "after" | "before" | "until" | "till" | "from" | "about"
        )
}

/// The run names a thing rather than a secret: an order, case or invoice number (a reference
/// cue before it), a year after "in"/"since", a code glued to letters ("X833", "BA401").
pub(crate) fn is_reference(tokens: &[Token], run: &DigitRun) -> bool {
    let near = near_words(tokens, run);
    let year_after_preposition = year_after_preposition(tokens, run);
    // A number glued to letters ("X833", "BA401") is a model or flight code; not to a
    // hesitation ("I'm big mn8 I'm mere a [CREDIT_DEBIT_NUMBER].", base on 8 kHz µ-law for a
    // card's "five six seven eight").
    let glued = run.first > 0
        && tokens[run.first - 1].class == Class::Word
        && tokens[run.first - 1].end == tokens[run.first].start
        && !crate::tokens::is_filler(&tokens[run.first - 1]);
    // A UK mobile's shape (11 digits from "07") names no reference whatever word is near ("My
    // model, 07700900123", tiny.en on 8 kHz µ-law for "My mobile, …", round 83: "model" made it
    // a model number, shown).
    let mobile = run.digits.len() == 11 && run.digits.starts_with("07");
    year_after_preposition
        || glued
        || (!mobile
            && near
                .iter()
                .any(|&(i, w)| reference_word(tokens, i, w, run.digits.len())))
}

/// The run is a year right after "in", "since", "until", "by" or "from" ("since 2010").
pub(crate) fn year_after_preposition(tokens: &[Token], run: &DigitRun) -> bool {
    let near = near_words(tokens, run);
    // An approximation between them ("since about 2015", "in around 1990").
    let approximate = |w: &str| matches!(w, "about" | "around" | "roughly" | "like");
    let words = near.iter().rev().map(|&(_, w)| w);
    let mut words = words.skip_while(|w| approximate(w));
    run.digits.len() == 4
        && (run.digits.starts_with("19") || run.digits.starts_with("20"))
        && words
            .next()
            .is_some_and(|w| matches!(w, "in" | "since" | "until" | "by" | "from"))
}

/// Token `i`, the word `w`, names a reference for a number of `digits` digits, but not the
/// person's own account's ("my customer reference number is …"). A step, page, option, item or
/// room is numbered in four digits at most: a longer number after one is something else ("my
/// one step 718 555 0246", tiny.en for "my WhatsApp, seven one eight …").
fn reference_word(tokens: &[Token], i: usize, w: &str, digits: usize) -> bool {
    REFERENCE_CUES.contains(&w)
        && !(i > 0 && PERSONAL_REFERENCES.contains(&tokens[i - 1].text.as_str()))
        && !(digits > 4 && matches!(w, "step" | "page" | "option" | "item" | "room"))
}

/// Words before a reference cue that make the reference the person's own account's ("customer
/// reference", "policy reference", "member reference"): personal data, like an account number.
const PERSONAL_REFERENCES: &[&str] = &[
    "customer",
    "client",
    "account",
    "member",
    "membership",
    "policy",
    "patient",
    "student",
    "employee",
    "payroll",
    "personal",
    "taxpayer",
    "tenant",
    "pension",
    "loan",
    "mortgage",
    "benefit",
    "benefits",
    "subscriber",
];

/// The words among the four tokens before `run`, on its line, with their indices.
fn near_words<'a>(tokens: &'a [Token], run: &DigitRun) -> Vec<(usize, &'a str)> {
    let line = tokens[run.first].line;
    words(tokens, run.first.saturating_sub(4)..run.first)
        .into_iter()
        .filter(|(i, _)| tokens[*i].line == line)
        .collect()
}

/// Words before "code" that name a code no secret ("zip code", "promo code", "error code").
const CODE_NAMES_NO_SECRET: &[&str] = &[
    "zip",
    "sort",
    "area",
    "post",
    "postal",
    "country",
    "dialling",
    "dialing",
    "promo",
    "promotional",
    "discount",
    "voucher",
    "coupon",
    "gift",
    "error",
    "status",
    "reason",
    "bar",
    "qr",
    "tax",
    "product",
    "source",
    "dress",
    "colour",
    "color",
    "region",
    "airport",
    "booking",
    "tracking",
    "reference",
    "confirmation",
    "order",
    "item",
    "fault",
    "billing",
    "tariff",
    "course",
];

/// "code" said on the run's line, within eight words before it or right after it, not named as
/// a code that is no secret ("the code that just came up is …", "… 4471, that's the code").
fn code_said(tokens: &[Token], run: &DigitRun) -> bool {
    let line = tokens[run.first].line;
    let before = words(tokens, run.first.saturating_sub(12)..run.first);
    let before: Vec<&(usize, &str)> = before
        .iter()
        .filter(|(i, _)| tokens[*i].line == line)
        .collect();
    let after = words(tokens, run.last..(run.last + 4).min(tokens.len()));
    let near = before
        .iter()
        .rev()
        .take(8)
        .copied()
        .chain(after.iter().filter(|(i, _)| tokens[*i].line == line));
    near.filter(|(_, w)| matches!(*w, "code" | "codes"))
        .any(|(i, _)| {
            let named = i
                .checked_sub(1)
                .is_some_and(|p| CODE_NAMES_NO_SECRET.contains(&tokens[p].text.as_str()));
            !named
        })
}

/// "code" within the five words before the run in its sentence, no other number between, not
/// named as a code that is no secret ("and the code on the Mac is 2-0-7", tiny.en for "the code
/// on the back is two oh seven"): a three-digit code given.
fn code_named_before(tokens: &[Token], run: &DigitRun) -> bool {
    let line = tokens[run.first].line;
    let mut words = 0;
    for i in (0..run.first).rev() {
        let t = &tokens[i];
        if t.line != line || matches!(t.text.as_str(), "." | "?" | "!") || t.class == Class::Digits
        {
            return false;
        }
        if t.class != Class::Word {
            continue;
        }
        if matches!(t.text.as_str(), "code" | "codes") {
            return !i
                .checked_sub(1)
                .is_some_and(|p| CODE_NAMES_NO_SECRET.contains(&tokens[p].text.as_str()));
        }
        words += 1;
        if words == 5 {
            return false;
        }
    }
    false
}

/// Whether a card number was found on `line` among the detections so far.
fn card_said_on(found: &[Detection], tokens: &[Token], line: usize) -> bool {
    found
        .iter()
        .any(|d| d.kind == FindingKind::CreditDebitNumber && tokens[d.first].line == line)
}

/// "code" among the three words before the run on its line, not named as a code that is no
/// secret ("and the code is 384"; not "the zip code is 10001").
fn code_just_before(tokens: &[Token], run: &DigitRun) -> bool {
    let line = tokens[run.first].line;
    words(tokens, run.first.saturating_sub(6)..run.first)
        .iter()
        .filter(|(i, _)| tokens[*i].line == line)
        .rev()
        .take(3)
        .any(|(i, w)| {
            matches!(*w, "code" | "codes")
                && !i
                    .checked_sub(1)
                    .is_some_and(|p| CODE_NAMES_NO_SECRET.contains(&tokens[p].text.as_str()))
        })
}

/// A word of confirming or reading back within four words before the run on its line ("I'll
/// just confirm 7731", "let me repeat that, 4417").
fn read_back(tokens: &[Token], run: &DigitRun) -> bool {
    let line = tokens[run.first].line;
    let before: Vec<(usize, &str)> = words(tokens, run.first.saturating_sub(8)..run.first)
        .into_iter()
        .filter(|(i, _)| tokens[*i].line == line)
        .collect();
    let near = &before[before.len().saturating_sub(4)..];
    near.iter().any(|(_, w)| {
        matches!(
            *w,
            "confirm" | "confirming" | "repeat" | "repeating" | "verify" | "verifying"
        )
    }) || near
        .windows(2)
        .any(|w| w[0].1 == "read" && w[1].1 == "back")
        || checked_after(tokens, run)
}

/// The run's sentence, or the one right after it, ends the line asking whether it is right ("I
/// see a car bending 441 to an X-iring 0928. Isn't that right?", tiny.en for the agent's "a card
/// ending four four one two, expiring oh nine twenty eight"): a value read back to be checked.
/// Not a time said after "at", "by" or "until".
fn checked_after(tokens: &[Token], run: &DigitRun) -> bool {
    let line = tokens[run.first].line;
    let rest: Vec<&Token> = tokens[run.last..]
        .iter()
        .take_while(|t| t.line == line)
        .collect();
    let Some(q) = rest.iter().rposition(|t| t.text == "?") else {
        return false;
    };
    // At most one stop between the run and the question's sentence.
    let stops = rest[..q]
        .iter()
        .filter(|t| matches!(t.text.as_str(), "." | "!" | "?"))
        .count();
    let asked: Vec<&str> = rest[..q]
        .iter()
        .rev()
        .take(3)
        .map(|t| t.text.as_str())
        .collect();
    let time =
        run.first > 0 && matches!(tokens[run.first - 1].text.as_str(), "at" | "by" | "until");
    q + 1 == rest.len()
        && stops <= 1
        && asked
            .first()
            .is_some_and(|w| matches!(*w, "right" | "correct"))
        && asked.contains(&"that")
        && !time
}

/// A word right before the number names it a reference ("error 809", "order 7731"): for a short
/// answer's trailing number, which no secret's cue classified.
pub(crate) fn reference_cued(tokens: &[Token], run: &DigitRun) -> bool {
    near_words(tokens, run).into_iter().any(|(i, w)| {
        reference_word(tokens, i, w, run.digits.len()) || SHORT_ANSWER_REFERENCES.contains(&w)
    })
}

/// An ordinal after "the" that ends its sentence or clause or has "of" after it ("the direct
/// debit is 85 pounds on the 1st of each month", "comes out on the 3rd."): a day of the month,
/// no piece of a secret whose cue is near, unless that secret is a date.
fn day_of_month(tokens: &[Token], run: &DigitRun) -> bool {
    let Some(suffix) = tokens.get(run.last) else {
        return false;
    };
    let line = suffix.line;
    ORDINAL_SUFFIXES.contains(&suffix.text.as_str())
        && suffix.start == tokens[run.last - 1].end
        && run.first > 0
        && tokens[run.first - 1].text == "the"
        && tokens.get(run.last + 1).is_none_or(|t| {
            t.line != line || matches!(t.text.as_str(), "of" | "," | "." | "?" | "!")
        })
}

/// A run of one or two digits next to a cue of a secret (security code, PIN, expiry, card,
/// account or phone number, SSN, date of birth, zip code): the rest of the secret was misheard,
/// so what is left of it is redacted as that secret.
fn short_answer(tokens: &[Token], runs: &[DigitRun], run: &DigitRun) -> Option<Detection> {
    if not_a_group(tokens, run) {
        return None;
    }
    // The answer to "How many cards do you have?" is a count.
    let context = &tokens[context_start(tokens, run.first)..run.first];
    if context.windows(2).any(|w| {
        w[0].text == "how" && matches!(w[1].text.as_str(), "many" | "much" | "long" | "often")
    }) {
        return None;
    }
    let (kind, _) = unanswered_cues(tokens, runs, run).into_iter().next()?;
    // A date's day is a secret's piece only where the secret is a date ("In the 27th of month",
    // tiny.en for an expiry's "end of twenty seven").
    let dated = matches!(
        kind,
        FindingKind::CreditDebitExpiry | FindingKind::DateOfBirth
    );
    if day_of_month(tokens, run) && !dated {
        return None;
    }
    Some(Detection {
        kind,
        first: run.first,
        last: run.last,
        confidence: 0.3,
        normalized: run.digits.clone(),
    })
}

/// Words a garbled answer opens with besides [`crate::tokens::is_opener`]'s.
const OPENERS: &[&str] = &["code", "pin", "number", "think"];

/// Words of an answer that put the question off rather than answer it ("One moment please").
const STALLING: &[&str] = &[
    "moment", "second", "sec", "minute", "hold", "wait", "hang", "check", "find", "grab", "look",
    "don't", "know", "remember",
];

/// The kinds the line before the line starting at token `start` asks for (its cues, in
/// [`CUES`]' order), when this line is the caller's answer to it.
pub(crate) fn asked_kinds(tokens: &[Token], start: usize) -> Vec<FindingKind> {
    if tokens[start].agent || crate::tokens::answers_line_before(tokens, start).is_none() {
        return Vec::new();
    }
    // The line before ends right before this one, or before the barrier between speakers.
    let prev_end = if tokens[start - 1].line == usize::MAX {
        start - 1
    } else {
        start
    };
    let prev_start = crate::tokens::line_start(tokens, prev_end - 1);
    let asked: Vec<(usize, &str)> = words(tokens, prev_start..prev_end);
    CUES.iter()
        .filter(|(_, phrases)| phrases.iter().any(|p| phrase_said(&asked, p)))
        .map(|(kind, _)| *kind)
        .collect()
}

/// The line (its tokens) asks for a value of `kind`: one of its cues, and a question mark or a
/// request ("Date of birth please.").
pub(crate) fn asks_for(tokens: &[Token], kind: FindingKind) -> bool {
    let said: Vec<(usize, &str)> = words(tokens, 0..tokens.len());
    let cued = CUES
        .iter()
        .filter(|(k, _)| *k == kind)
        .flat_map(|(_, phrases)| phrases.iter())
        .any(|p| phrase_said(&said, p));
    // A question ASR wrote with no punctuation ("ha okay gary and your date of birth").
    let unpunctuated = !tokens
        .iter()
        .any(|t| matches!(t.text.as_str(), "." | "?" | "!" | ","));
    cued && (tokens.iter().any(|t| {
        matches!(
            t.text.as_str(),
            "?" | "please"
                | "need"
                | "confirm"
                | "what's"
                | "verify"
                | "what"
                | "which"
                // "When the card acquires," (base on 8 kHz µ-law for "When does the card
                // expire?", round 77).
                | "when"
                // "Tell me the PIN one digit at a time." (heard as "… one did you that
                // Italian.", base on 8 kHz µ-law, round 57).
                | "tell"
        ) || (unpunctuated && matches!(t.text.as_str(), "your" | "and"))
    }) || noun_phrase_request(tokens)
        // An offer to set one, its question mark lost ("what you like to set a new pin.",
        // tiny.en for "Would you like to set a new PIN?").
        || tokens.windows(2).any(|w| w[0].text == "you" && w[1].text == "like"))
}

/// The line (its tokens) names a value of some kind ([`CUES`]: "card", "account number", "PIN",
/// …; not "call you" and the like, [`ASKED_ONLY`]), a cue's word of four letters or more also
/// as the stem of a longer one.
pub(crate) fn names_a_value(tokens: &[Token]) -> bool {
    let said: Vec<(usize, &str)> = words(tokens, 0..tokens.len());
    CUES.iter()
        .flat_map(|(_, phrases)| phrases.iter())
        .filter(|p| !ASKED_ONLY.contains(p))
        .any(|p| phrase_said(&said, p))
}

/// Whether the words `said` hold the cue `phrase`: as cues are matched before a number, a word
/// of four letters or more also as the stem of a longer one ("expir" in "expiry").
fn phrase_said(said: &[(usize, &str)], phrase: &str) -> bool {
    let parts: Vec<&str> = phrase.split(' ').collect();
    said.windows(parts.len()).any(|w| {
        w.iter()
            .zip(&parts)
            .all(|((_, a), b)| a == b || (b.len() >= 4 && a.starts_with(b)))
    })
}

/// Words a request said as a noun phrase opens with ("Lastly, your …", "And then the …").
const REQUEST_OPENERS: &[&str] = &[
    "and", "lastly", "finally", "now", "next", "also", "then", "okay", "ok", "so", "great",
    "thanks", "thank", "you", "right", "alright", "perfect", "lovely", "just", "um", "uh",
    // "Well, the security code on the Mac." (tiny.en on µ-law for "What's the security code on
    // the back?").
    "well",
];

/// Words that make a sentence about a value a statement, not a request for it ("Great, your
/// payment is done.", "The card has been blocked.").
const STATEMENT_WORDS: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "has",
    "have",
    "had",
    "will",
    "been",
    "be",
    "isn't",
    "wasn't",
    "does",
    "doesn't",
    "did",
    "didn't",
    "can't",
    "won't",
    "should",
    "would",
    "could",
    "must",
    "updated",
    "changed",
    "sent",
    "added",
    "removed",
    "done",
    "cancelled",
    "canceled",
    "blocked",
    "expired",
    "shows",
    "says",
    "looks",
    "seems",
];

/// A request said as a noun phrase ending in a stop or in nothing, as whisper writes one it
/// heard with no rise ("Lastly, your national insurance number.", "And the security code on
/// the back", "Lastly, your national insurance number", "and the security code on the back of
/// the card.", "And a mobile number."): the line's last sentence, past its openers, is "your",
/// "the", "a" or "an" and at most nine more words, none of which makes it a statement.
pub(crate) fn noun_phrase_request(tokens: &[Token]) -> bool {
    let body = match tokens.last() {
        Some(t) if matches!(t.text.as_str(), "." | "!") => &tokens[..tokens.len() - 1],
        // Or with no stop at all ("Lastly, your national insurance number"), or cut off after
        // a comma ("and the name of the first school you went to,", tiny.en on mono, round 59).
        Some(t) if t.class == Class::Word => tokens,
        Some(t) if t.text == "," => &tokens[..tokens.len() - 1],
        _ => return false,
    };
    let start = body
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "?" | "!"))
        .map_or(0, |p| p + 1);
    let words: Vec<&str> = body[start..]
        .iter()
        .filter(|t| t.class == Class::Word)
        .map(|t| t.text.as_str())
        .collect();
    // "Got it, and the expiry." (round 52) opens with an acknowledgement too.
    let got_it = if words.starts_with(&["got", "it"]) {
        2
    } else {
        0
    };
    let Some(first) = words[got_it..]
        .iter()
        .position(|w| !REQUEST_OPENERS.contains(w))
        .map(|k| k + got_it)
    else {
        return false;
    };
    // "is" right before a cue of two words or more, bare, is a possessive heard as a verb
    // ("Thanks and the policy holder is date of birth.", base on 8 kHz µ-law for "the policy
    // holder's date of birth"): a statement would say whose ("… is your date of birth").
    let possessive = |k: usize| {
        words[k] == "is"
            && CUES
                .iter()
                .flat_map(|(_, phrases)| phrases.iter())
                .any(|p| {
                    let parts: Vec<&str> = p.split(' ').collect();
                    parts.len() >= 2 && words[k + 1..].starts_with(&parts)
                })
    };
    matches!(words[first], "your" | "the" | "a" | "an")
        && words.len() - first <= 10
        && !(first..words.len()).any(|k| STATEMENT_WORDS.contains(&words[k]) && !possessive(k))
}

/// Words a date is said with besides its numbers, ordinals and month names ("on" as whisper
/// half hears "of": "Second on May,").
const DATE_WORDS: &[&str] = &[
    "the", "of", "and", "in", "on", "st", "nd", "rd", "th", "oh", "uh", "um", "er", "erm",
    "hundred", "thousand",
];

/// The span of a line that is a date said in parts and little else ("The ninth.", "Of June,
/// nineteen seventy four.", "the 3rd", "No sorry, the third."): from its first word past the
/// openers and words that correct to its last, when every word is a number, an ordinal, a
/// month name or a word dates are said with, and one is a number, an ordinal or a month.
pub(crate) fn date_fragment(tokens: &[Token]) -> Option<(usize, usize)> {
    let said: Vec<usize> = (0..tokens.len())
        .filter(|&k| tokens[k].class != Class::Punct)
        .collect();
    let first = *said.iter().find(|&&k| {
        let w = tokens[k].text.as_str();
        !crate::tokens::is_opener(w)
            && !matches!(
                w,
                "fine"
                    | "alright"
                    | "right"
                    | "right,"
                    | "no"
                    | "sorry"
                    | "actually"
                    | "wait"
                    | "mean"
            )
    })?;
    let last = *said.last()?;
    let (mut named, mut numbers) = (false, false);
    for &k in said.iter().filter(|&&k| k >= first) {
        let t = &tokens[k];
        let number = t.class == Class::Digits || is_number_word(t);
        let name = crate::tokens::ordinal(&t.text).is_some() || month(&t.text).is_some();
        if !number && !name && !DATE_WORDS.contains(&t.text.as_str()) {
            return None;
        }
        (named, numbers) = (named || name, numbers || number);
    }
    // Numbers alone are a year ("Nineteen eighty five.", "Ninety one."), not a card's group
    // or a PIN ("It's 2369.").
    let year = || {
        let runs = digit_runs(&tokens[first..=last]);
        runs.len() == 1
            && match runs[0].digits.len() {
                2 => true,
                4 => matches!(runs[0].digits.get(..2), Some("19" | "20")),
                _ => false,
            }
    };
    (named || (numbers && year())).then_some((first, last + 1))
}

/// The caller's answer to a request for their date of birth that is a date said in parts
/// ([`date_fragment`]): "Date of birth please." - "The ninth." showed the day, the month and
/// year coming on the next line.
pub(crate) fn date_answers(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (start, next) in crate::tokens::line_spans(tokens) {
        if !asked_kinds(tokens, start).contains(&FindingKind::DateOfBirth) {
            continue;
        }
        if let Some((first, last)) = date_fragment(&tokens[start..next]) {
            out.push(Detection {
                kind: FindingKind::DateOfBirth,
                first: start + first,
                last: start + last,
                confidence: 0.6,
                normalized: String::new(),
            });
        }
    }
    out
}

/// The answer to the other party's request for a numeric secret (a cue on the line before) that
/// is digits and little else, as recognition garbles them: "It's free to nine." ("three two
/// nine" heard on telephone audio), "It is seven free time.", "Won too free for.". The digit rules
/// redact only the digits they can read; here everything from the first word past the openers
/// to the end of the line is that secret (fail closed): it has a word ASR writes for a digit
/// ("for", "to", "free", …) and a number word or another such word, at most two other words, and
/// no word that puts the question off ("one moment please").
pub(crate) fn garbled_answers(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (start, next) in crate::tokens::line_spans(tokens) {
        let Some(&kind) = asked_kinds(tokens, start)
            .first()
            .or(asked_kinds_still_open(tokens, start).first())
        else {
            continue;
        };
        let said: Vec<usize> = (start..next)
            .filter(|&k| tokens[k].class != Class::Punct)
            .collect();
        let Some(&first) = said.iter().find(|&&k| {
            let w = tokens[k].text.as_str();
            !crate::tokens::is_opener(w) && !OPENERS.contains(&w)
        }) else {
            continue;
        };
        let rest: Vec<&Token> = said
            .iter()
            .filter(|&&k| k >= first)
            .map(|&k| &tokens[k])
            .collect();
        let numbers = rest
            .iter()
            .filter(|t| is_number_word(t) || is_oh(&t.text))
            .count();
        let repeated = repeated_word(&rest);
        let homophones = rest
            .iter()
            .filter(|t| {
                crate::tokens::homophone(&t.text).is_some() || Some(t.text.as_str()) == repeated
            })
            .count();
        let other = rest.len() - numbers - homophones;
        let stalling = rest.iter().any(|t| STALLING.contains(&t.text.as_str()));
        // Only a word written for a digit says recognition garbled the answer; digits alone are
        // the digit rules' to classify ("It's March 2027." keeps its span).
        if homophones >= 1 && (numbers >= 1 || homophones >= 2) && other <= 2 && !stalling {
            let last = *said.last().expect("first is one of them");
            out.push(Detection {
                kind,
                first,
                last: last + 1,
                confidence: 0.3,
                normalized: String::new(),
            });
        }
    }
    out
}

/// The kinds the other party asked for two lines before the line starting at token `start`,
/// the speaker's own line between ("and the code on the back of the card." - "I think it's too
/// late." - "No, too, too sorry.", tiny.en for "It's a bit worn off. I think it's two zero
/// eight." - "No, two oh two, sorry."): the request is still open for this line, which may say
/// the value again or correct it.
fn asked_kinds_still_open(tokens: &[Token], start: usize) -> Vec<FindingKind> {
    let same_speaker = start > 0 && tokens[start - 1].line != usize::MAX;
    if !same_speaker || tokens[start].agent {
        return Vec::new();
    }
    asked_kinds(tokens, crate::tokens::line_start(tokens, start - 1))
}

/// Words said over and over that are no digit misheard, besides [`crate::SAID_OVER`] ("yep yep
/// yep", "blah blah blah").
const REPEATED_NOT_DIGITS: &[&str] = &[
    "yep", "nope", "now", "come", "la", "a", "i", "ah", "mm", "hmm", "blah", "na", "da", "see",
    "hey",
];

/// The word said three times or more in a row (commas between) among an answer's words, when it
/// is not a word said over and over for its own sake: a digit said again and again that whisper
/// heard as the same word each time ("Sure, it's fine, fine, fine, sorry, fine, fine." for "five
/// five five, sorry, five six five" after a Social Security number is asked; "time time time").
fn repeated_word<'a>(said: &[&'a Token]) -> Option<&'a str> {
    said.windows(3)
        .find(|w| {
            w[0].class == Class::Word
                && w[1].text == w[0].text
                && w[2].text == w[0].text
                && !crate::SAID_OVER.contains(&w[0].text.as_str())
                && !REPEATED_NOT_DIGITS.contains(&w[0].text.as_str())
                && !is_number_word(w[0])
        })
        .map(|w| w[0].text.as_str())
}

/// Digits a card number's groups said apart on one line may add up to ("… five five two one, oh
/// sorry my glasses, three six seven four, and the last four are one one two two"): the longest
/// card number, and a group said again.
/// Kinds of value said in groups that a short group right after may finish.
const GROUPED_KINDS: &[FindingKind] = &[
    FindingKind::CreditDebitNumber,
    FindingKind::BankAccountNumber,
    FindingKind::BankRouting,
    FindingKind::Iban,
    FindingKind::Phone,
    FindingKind::Ssn,
    FindingKind::Pin,
];

/// Words between a value's groups ("…, and then nine three", "…, then, finally, …").
const JOINING_GROUPS: &[&str] = &[
    "and", "then", "also", "finally", "last", "lastly", "after", "that", "it's", "its", "is", "um",
    "uh", "er", "erm", "okay", "ok", "so",
];

pub(crate) const CARD_GROUPS_MAX_DIGITS: usize = 23;

/// A number beside a card number's groups that is none of them: an amount or count, a
/// reference, or a count of digits ("the last four are …", "four digits").
pub(crate) fn not_a_group(tokens: &[Token], run: &DigitRun) -> bool {
    counts_a_group(tokens, run) || is_amount_or_count(tokens, run) || is_reference(tokens, run)
}

/// A number of one or two digits beside a card number's groups that counts them or a thing
/// ("the last four are …", "the next 4-0-R 3302", "four digits", "a one-time code"): no digit
/// of the card, though whisper may have glued it to one.
pub(crate) fn counts_a_group(tokens: &[Token], run: &DigitRun) -> bool {
    let before = run.first.checked_sub(1).map(|k| tokens[k].text.as_str());
    let (at, after) = word_after(tokens, run);
    run.digits.len() <= 2
        && (matches!(before, Some("last" | "first" | "next")) || counts_a_thing(tokens, run))
        // "the one-time passcode" (ASR writes a misheard digit "time" too: "It is 4-1 time.",
        // "One time three four.").
        || (run.digits == "1" && after == "time" && {
            let noun = tokens.get(at + 1).map(|t| t.text.as_str());
            matches!(
                noun,
                Some("passcode" | "code" | "password" | "pin" | "payment" | "fee" | "charge")
            )
        })
}

/// A number of one or two digits that counts the thing named after it ("2 cards", "3 digits",
/// "12 transactions", "a one-time code": a plural noun, or a word [`counted`] takes, a hyphen
/// between them or not).
pub(crate) fn counts_a_thing(tokens: &[Token], run: &DigitRun) -> bool {
    let (at, after) = word_after(tokens, run);
    // A plural noun after it counts ("and 12 transactions"); [`counted`] says which words do.
    // So does a noun past a word that says which kind ("2 new cards", "3 credit cards", "one
    // phone number"), and a kind of card or account named alone ("1 debit and 1 credit").
    let line = tokens[run.first].line;
    let next = tokens
        .get(at + 1)
        .filter(|t| t.line == line)
        .map_or("", |t| t.text.as_str());
    let of_a_kind = KINDS.contains(&after)
        && (counted(next)
            || matches!(
                next,
                "number" | "line" | "transaction" | "payment" | "charge"
            )
            || (ACCOUNT_KINDS.contains(&after) && matches!(next, "" | "and" | "or" | "," | ".")));
    // Digits read out one by one before "or" are a value's, a zero misheard ("It's all 7 7 or
    // 9, …", tiny.en on mono for "oh seven seven oh nine, …"), not "2 or 3"; so are two digit
    // words glued by a hyphen to a word whisper made of the next digit ("six one-premises two
    // two four", tiny.en for a phone's "six one seven, two two four, …"), no count.
    let glued = tokens.get(run.last).is_some_and(|t| t.text == "-")
        && tokens[run.last - 1].end == tokens[run.last].start;
    let read_out = (after == "or" || glued) && run.groups.len() >= 2;
    run.digits.len() <= 2 && (counted(after) || of_a_kind) && !read_out
}

/// Words between a count and the thing it counts that say which kind ("2 new cards").
const KINDS: &[&str] = &[
    "new",
    "old",
    "other",
    "different",
    "separate",
    "extra",
    "credit",
    "debit",
    "savings",
    "checking",
    "current",
    "bank",
    "phone",
    "mobile",
    "business",
    "joint",
    "personal",
    "store",
];

/// Kinds of card or account a count may name alone ("1 debit and 1 credit").
const ACCOUNT_KINDS: &[&str] = &["credit", "debit", "savings", "checking", "current", "joint"];

/// The word right after `run`, a hyphen glued between them or not ("a one-time code"): its
/// index and text ("" past the end).
fn word_after<'a>(tokens: &'a [Token], run: &DigitRun) -> (usize, &'a str) {
    let hyphen = tokens
        .get(run.last)
        .is_some_and(|t| t.text == "-" && t.start == tokens[run.last - 1].end);
    let at = run.last + usize::from(hyphen);
    (at, tokens.get(at).map_or("", |t| t.text.as_str()))
}

/// Classifies every digit run in the window.
pub(crate) fn classify_runs(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let runs = digit_runs(tokens);
    // The line of a card number being said in groups, and the digits said so far: a later group
    // on the line, past its cue's reach, is part of it. (On the speaker's next line:
    // `Redactor::card_groups_in`.)
    let mut card_line: Option<(usize, usize)> = None;
    // The kind and end of the last value said in groups, and whether a run goes on with it: a
    // short group right after it on its line, past words that join them ("zero zero four five,
    // um, one two seven eight, and then nine three").
    let mut said_last: Option<(FindingKind, usize)> = None;
    let tail_of = |(kind, end): (FindingKind, usize), run: &DigitRun| {
        let between = &tokens[end..run.first];
        (2..=6).contains(&run.digits.len())
            && tokens[end - 1].line == tokens[run.first].line
            && between
                .iter()
                .all(|t| t.class == Class::Punct || JOINING_GROUPS.contains(&t.text.as_str()))
            && between.iter().filter(|t| t.class == Class::Word).count() <= 3
            && !not_a_group(tokens, run)
            && nearest_cues(tokens, run)
                .first()
                .is_none_or(|(k, _)| *k == kind)
    };
    for run in &runs {
        let run = run.clone();
        let n = run.digits.len();
        let line = tokens[run.first].line;
        // The nearest cue, if any, is the card's: "… and my phone is 4155550132" is not.
        let cued_other = || {
            nearest_cues(tokens, &run)
                .first()
                .is_some_and(|(k, _)| *k != FindingKind::CreditDebitNumber)
        };
        let card_group = || {
            card_line.is_some_and(|(l, said)| {
                l == line
                    && said + n <= CARD_GROUPS_MAX_DIGITS
                    && (2..=12).contains(&n)
                    && !cued_other()
                    && !not_a_group(tokens, &run)
            })
        };
        // A phone number's extension said after it ("…, extension two oh four", "ext. 22"),
        // or after a number whisper garbled into another kind's length ("My work line
        // [BANK_ACCOUNT_NUMBER] extension 2017", base on µ-law).
        let extension = |(kind, end): (FindingKind, usize)| {
            let between: Vec<&str> = tokens[end..run.first]
                .iter()
                .filter(|t| t.class != Class::Punct)
                .map(|t| t.text.as_str())
                .collect();
            matches!(
                kind,
                FindingKind::Phone | FindingKind::BankAccountNumber | FindingKind::Number
            ) && tokens[end..run.first].iter().all(|t| t.line == line)
                && (1..=6).contains(&n)
                && between.len() <= 4
                && between
                    .iter()
                    .any(|w| matches!(*w, "extension" | "ext" | "x"))
                && between.iter().all(|w| {
                    matches!(
                        *w,
                        "extension" | "ext" | "x" | "and" | "my" | "the" | "is" | "it's" | "number"
                    ) || crate::tokens::homophone(w).is_some()
                })
        };
        // An extension's digits whisper wrote as words before its number ("extension for 4" for
        // "extension four four"): part of it.
        let homophones_before = |first: usize| {
            let mut k = first;
            while k > 0
                && tokens[k - 1].line == line
                && crate::tokens::homophone(&tokens[k - 1].text).is_some()
            {
                k -= 1;
            }
            k
        };
        let extended = said_last.is_some_and(extension);
        let continued = said_last
            .filter(|last| tail_of(*last, &run) || extension(*last))
            .map(|(kind, _)| kind)
            .or_else(|| card_group().then_some(FindingKind::CreditDebitNumber));
        if let Some(kind) = continued {
            if let Some((l, said)) = card_line.filter(|(l, _)| *l == line) {
                card_line = Some((l, said + n));
            }
            said_last = Some((kind, run.last));
            out.push(Detection {
                kind,
                first: if extended {
                    homophones_before(run.first)
                } else {
                    run.first
                },
                last: run.last,
                confidence: 0.5,
                normalized: run.digits.clone(),
            });
            continue;
        }
        // The end of a phone number read back ("Is the number ending 4417 still the best one?",
        // "Can I call you back on the number ending 88?"); not an order's ("Your order number
        // ending 4417 has shipped").
        let phone_tail = (2..=4).contains(&n)
            && near_words(tokens, &run)
                .iter()
                .any(|(_, w)| matches!(*w, "ending" | "ends"))
            && tokens.iter().filter(|t| t.line == line).any(|t| {
                matches!(
                    t.text.as_str(),
                    "best"
                        | "call"
                        | "reach"
                        | "contact"
                        | "text"
                        | "phone"
                        | "mobile"
                        | "cell"
                        | "landline"
                        | "ring"
                )
            });
        if phone_tail {
            said_last = Some((FindingKind::Phone, run.last));
            out.push(Detection {
                kind: FindingKind::Phone,
                first: run.first,
                last: run.last,
                confidence: 0.6,
                normalized: run.digits.clone(),
            });
            continue;
        }
        if n < 3 {
            // Fail closed on a garbled answer: one or two digits where a secret was asked for
            // ("security code?" - "it is 7th read iron", as whisper heard "seven three nine").
            if let Some(d) = short_answer(tokens, &runs, &run) {
                // What is left of a card number opens its line's groups as a longer group does:
                // "or a 3-0, you have a 1 or a 8-3, you have a 6-6, you have a 7-7-9" (base on
                // a card number said in Spanish) has its later groups past the cue's reach.
                if d.kind == FindingKind::CreditDebitNumber {
                    card_line = Some(match card_line {
                        Some((l, said)) if l == line => (l, said + n),
                        _ => (line, n),
                    });
                }
                out.push(d);
            }
            continue;
        }
        let cues = nearest_cues(tokens, &run);
        let amount = is_amount_or_count(tokens, &run);
        let reference = is_reference(tokens, &run);
        let cue_kind = cues.iter().find(|(k, _)| accepts(*k, n)).map(|(k, _)| *k);
        // A code asked for and written as a price ("And the CVV?" - "It's $802.", whisper's
        // way with "eight oh two"): a code has no currency, so the sign does not make it one.
        let priced_code = matches!(
            cue_kind,
            Some(FindingKind::CreditDebitCvv | FindingKind::Pin)
        ) && run.last - run.first == 1
            && run
                .first
                .checked_sub(1)
                .is_some_and(|p| matches!(tokens[p].text.as_str(), "$" | "£" | "€"));
        // A secret named and its value said, with "times" after it ("my PIN, which is 4343
        // times", tiny.en on 8 kHz µ-law for "4343, 3 times"; "My birthday is new year and
        // day, 1770 times.", base on µ-law for "… New Year's Day, nineteen seventy five"): the
        // value, not a count.
        let timed_secret = cue_kind.is_some()
            && n >= 3
            && tokens.get(run.last).is_some_and(|t| t.text == "times")
            && run
                .first
                .checked_sub(1)
                .is_some_and(|p| matches!(tokens[p].text.as_str(), "is" | "was" | "it's" | ","));
        let amount = amount && !priced_code && !timed_secret;

        let card_near = cues
            .iter()
            .any(|(k, _)| *k == FindingKind::CreditDebitNumber);
        // The year of one's birth ("She was born in 1942, March the 8th"), which a year after
        // "in" otherwise is not.
        let birth_year = n == 4
            && (run.digits.starts_with("19") || run.digits.starts_with("20"))
            && near_words(tokens, &run).iter().any(|(_, w)| *w == "born");
        let (kind, confidence) = if (13..=19).contains(&n) && luhn(&run.digits) {
            (Some(FindingKind::CreditDebitNumber), 0.97)
        } else if birth_year {
            (Some(FindingKind::DateOfBirth), 0.8)
        } else if reference && n < 12 {
            // "order number 4521", "case reference 7930107": named as something else.
            (None, 0.0)
        } else if (card_near || card_said_on(&out, tokens, line))
            && (3..=4).contains(&n)
            && !amount
            && code_just_before(tokens, &run)
        {
            // A card's code named just before it, whatever other cue is nearer ("the number is
            // …, it expires March 28, and the code is 384").
            (Some(FindingKind::CreditDebitCvv), 0.85)
        } else if let Some(k) = cue_kind.filter(|_| !amount || n >= 12) {
            (Some(k), 0.85)
        } else if run.slashed && card_near && (3..=6).contains(&n) {
            (Some(FindingKind::CreditDebitExpiry), 0.8)
        } else if amount && n < 12 {
            (None, 0.0)
        } else if n == 9 && run.groups == [3, 2, 4] && ssn_valid(&run.digits) {
            (Some(FindingKind::Ssn), 0.9)
        } else if n >= 2 && !is_year(&run.digits) && after_a_state(tokens, &run) {
            // "… Northwest, Washington DC 2 0 5 0 0": a ZIP code, whatever came of the street;
            // or what whisper kept of one ("… Illinois, 602M and 04.", tiny.en on 8 kHz µ-law
            // for "six two seven oh four"), but not a year ("Illinois 2019 to 2020").
            (Some(FindingKind::Address), 0.7)
        } else if n >= 12 {
            // Fail closed: a long number is treated as a card number even when the checksum or the
            // length is off (ASR garbles long digit strings).
            (Some(FindingKind::CreditDebitNumber), 0.6)
        } else if reference {
            (None, 0.0)
        } else if run.slashed {
            // A date or a fraction, unless a secret was asked for and no earlier line answered
            // it: whisper writes what it kept of a misheard number that way too ("phone
            // number? … Nero 1/3/2", base on 8 kHz µ-law), and then it is that secret's remains.
            unanswered_cues(tokens, &runs, &run)
                .first()
                .map_or((None, 0.0), |(k, _)| (Some(*k), 0.35))
        } else if n == 10
            || (n == 11 && (run.digits.starts_with('1') || run.digits.starts_with('0')))
        {
            (Some(FindingKind::Phone), 0.7)
        } else if n == 9
            && aba(&run.digits)
            && cues
                .iter()
                .any(|(k, _)| *k == FindingKind::BankAccountNumber)
        {
            (Some(FindingKind::BankRouting), 0.7)
        } else if n >= 7 {
            (
                Some(if n == 7 {
                    FindingKind::Phone
                } else {
                    FindingKind::BankAccountNumber
                }),
                0.4,
            )
        } else if read_back(tokens, &run) {
            // A number confirmed or read back whose own answer came out garbled ("And what is
            // the pin?" - "It's M-M-M-3-1." - "I will just confirm 7731.", base on µ-law):
            // what was confirmed is a value given a moment ago (fail closed).
            (Some(FindingKind::Number), 0.35)
        } else if ((4..=8).contains(&n) && code_said(tokens, &run))
            || (n == 3 && !amount && code_named_before(tokens, &run))
        {
            // A code with nothing to say what it opens ("The code that just came up is 481 920",
            // "I got a text with a code, 5 5 2 9 0 3"): a one-time or access code, a secret.
            (Some(FindingKind::Pin), 0.5)
        } else if let Some((k, _)) = unanswered_cues(tokens, &runs, &run).first() {
            // Fail closed: a few digits where a secret of another length was asked for ("phone
            // number?" - "4 1 5 … 1 3 2", the rest misheard) are what is left of that secret.
            (Some(*k), 0.35)
        } else if (2..=6).contains(&n)
            && !amount
            && (near_words(tokens, &run)
                .iter()
                .any(|(_, w)| matches!(*w, "ending" | "ends"))
                || ending_heard_as_and_in(tokens, &run))
        {
            // The end of a value whose name was misheard ("the hard on file ending in 66612?",
            // tiny.en on 8 kHz µ-law for "the card on file"): a card's, an account's or a
            // phone's last digits (a reference's, "order number ending 4417", stays above).
            (Some(FindingKind::Number), 0.35)
        } else if (4..=6).contains(&n) && !amount && volunteered_bare(tokens, &run) {
            // A caller's number given bare, nothing on its line naming what it is ("I always
            // use the same one, 4417.", "my usual number is 2290."): a PIN, a card's last four
            // or a code as often as not, and what names it may come only on the agent's next
            // line, after this one is shown (fail closed).
            (Some(FindingKind::Number), 0.3)
        } else if let Some(k) = (n == 3 && !amount && volunteered_bare(tokens, &run))
            .then(|| asked_code(tokens, &run))
            .flatten()
        {
            // Three digits given bare in answer to a request for a PIN or a card's code, the
            // caller's line put as a question ("I'll need your PIN to continue." - "Do I have
            // to find its 555?", tiny.en for "Do I have to? Fine, it's five five five five.").
            (Some(k), 0.35)
        } else {
            (None, 0.0)
        };
        if kind == Some(FindingKind::CreditDebitNumber) && n < 13 {
            card_line = Some((line, n));
        }
        said_last = kind
            .filter(|k| GROUPED_KINDS.contains(k))
            .map(|k| (k, run.last));
        if let Some(kind) = kind {
            let mut first = run.first;
            // A ZIP code's first digit heard as a homophone after its state is the code's.
            if kind == FindingKind::Address
                && first > 0
                && tokens[first - 1].line == line
                && crate::tokens::homophone(&tokens[first - 1].text).is_some()
            {
                first -= 1;
            }
            // "March fourth nineteen eighty one": the month name belongs to the date.
            if matches!(
                kind,
                FindingKind::DateOfBirth | FindingKind::CreditDebitExpiry
            ) && first > 0
                && month(&tokens[first - 1].text).is_some()
            {
                first -= 1;
            }
            out.push(Detection {
                kind,
                first,
                last: run.last,
                confidence,
                normalized: run.digits.clone(),
            });
        }
    }
    out
}

/// Words right before a bare number that say nothing of what it is: a verb of being or
/// using, a filler, "one" ("the one I use is 4417", "it's, um, 2290", "the same one, 4417").
const BARE_BEFORE: &[&str] = &[
    "is", "it's", "its", "was", "it", "that's", "use", "used", "one", "uh", "um", "er", "erm",
    "like", "just", "think", "be", "are", "yes", "yeah", "so", "oh", "okay", "ok",
];

/// Words right after a bare number that end what was said of it ("4417 I think", "2290 or
/// so"): it names nothing.
const BARE_AFTER: &[&str] = &[
    "i", "or", "and", "but", "yeah", "right", "maybe", "probably",
];

/// A number said by the caller (or a speaker not known) with nothing on its line naming it: a
/// comma, the line's start or a word of [`BARE_BEFORE`] right before it, the line's end,
/// punctuation or a word of [`BARE_AFTER`] right after it, and no year of the past century or
/// this one ("back then, 1998."), and no reference named on its line or in the question it
/// answers ("What is the order number?" - "it's 558210.").
fn volunteered_bare(tokens: &[Token], run: &DigitRun) -> bool {
    let first = &tokens[run.first];
    if first.agent {
        return false;
    }
    let line_end = tokens[run.last..]
        .iter()
        .position(|t| t.line != first.line)
        .map_or(tokens.len(), |p| run.last + p);
    if (context_start(tokens, run.first)..line_end).any(|i| {
        tokens[i].class == Class::Word
            && reference_word(tokens, i, tokens[i].text.as_str(), run.digits.len())
    }) {
        return false;
    }
    let year = is_year(&run.digits);
    let line = first.line;
    let before = run
        .first
        .checked_sub(1)
        .map(|p| &tokens[p])
        .filter(|t| t.line == line);
    let after = tokens.get(run.last).filter(|t| t.line == line);
    !year
        && before.is_none_or(|t| {
            (t.class == Class::Punct && t.text == ",") || BARE_BEFORE.contains(&t.text.as_str())
        })
        && after.is_none_or(|t| {
            (t.class == Class::Punct && t.text != "%") || BARE_AFTER.contains(&t.text.as_str())
        })
}

/// Four digits that are a year of the past century or this one, up to next year ("1998").
pub(crate) fn is_year(digits: &str) -> bool {
    digits.len() == 4
        && digits
            .parse::<i32>()
            .is_ok_and(|y| (1900..=this_year() + 1).contains(&y))
}

/// The PIN or card's code the other party's line before asks for, when the run's line answers
/// it.
fn asked_code(tokens: &[Token], run: &DigitRun) -> Option<FindingKind> {
    let start = crate::tokens::line_start(tokens, run.first);
    asked_kinds(tokens, start)
        .into_iter()
        .find(|k| matches!(k, FindingKind::Pin | FindingKind::CreditDebitCvv))
}

/// The names of the US states and DC, in lower case, as words (a ZIP code follows one).
pub(crate) const US_STATES: &[&str] = &[
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "hampshire",
    "jersey",
    "mexico",
    "york",
    "carolina",
    "dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "island",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "washington",
    "wisconsin",
    "wyoming",
    "columbia",
    "dc",
];

/// The US states' and DC's postal abbreviations, in lower case; capitalised before a ZIP code
/// ("Springfield, IL 62704").
const US_STATE_CODES: &[&str] = &[
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia", "ks",
    "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj", "nm", "ny",
    "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt", "va", "wa", "wv",
    "wi", "wy", "dc",
];

/// The run follows a US state's name or its capitalised abbreviation, with a comma between at
/// most ("Washington DC 2 0 5 0 0", "Springfield, IL 62704", "illinois six two seven oh
/// four"): a ZIP code.
pub(crate) fn after_a_state(tokens: &[Token], run: &DigitRun) -> bool {
    let line = tokens[run.first].line;
    let mut k = run.first;
    // Past a digit's homophone, its first digit misheard ("Kentucky for 0311", base on mono for
    // "Kentucky, four zero three one one"), and a comma.
    if k > 0
        && tokens[k - 1].line == line
        && crate::tokens::homophone(&tokens[k - 1].text).is_some()
    {
        k -= 1;
    }
    if k > 0 && tokens[k - 1].text == "," {
        k -= 1;
    }
    let Some(t) = k
        .checked_sub(1)
        .map(|i| &tokens[i])
        .filter(|t| t.line == line)
    else {
        return false;
    };
    let w = t.text.as_str();
    let capitals = t.cap && t.end - t.start == 2 && w.len() == 2;
    t.class == Class::Word && (US_STATES.contains(&w) || (capitals && US_STATE_CODES.contains(&w)))
}

/// A ZIP code said after a US state's name and garbled past a digit run ("Springfield,
/// Illinois, 6 to 10 and 0 for.", tiny.en on 8 kHz µ-law for "… Illinois, six two seven oh
/// four"): the stretch right after the state (a comma between at most) of digits, number
/// words, digits' homophones, "and" and commas, holding three digits or more, up to the end
/// of the sentence or line. Not a count or an amount ("Ohio, 3 to 4 days"), nor years.
pub(crate) fn zip_after_state(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        // Its name: an abbreviation is written before a ZIP code whisper wrote whole
        // (`after_a_state`), and "Mo", "Me" or "Oh" are as often no state.
        if !(t.class == Class::Word && US_STATES.contains(&t.text.as_str())) {
            continue;
        }
        let mut a = k + 1;
        if tokens
            .get(a)
            .is_some_and(|n| n.text == "," && n.line == t.line)
        {
            a += 1;
        }
        let (mut b, mut digits, mut last, mut years) = (a, 0, None, false);
        while let Some(n) = tokens.get(b).filter(|n| n.line == t.line) {
            let count = if n.class == Class::Digits {
                years |= is_year(&n.text);
                n.text.len()
            } else if is_number_word(n)
                || is_oh(&n.text)
                || crate::tokens::homophone(&n.text).is_some()
            {
                1
            } else if matches!(n.text.as_str(), "and" | ",") {
                0
            } else {
                break;
            };
            if count > 0 {
                digits += count;
                last = Some(b);
            }
            b += 1;
        }
        let Some(last) = last else { continue };
        let opens = tokens[a].class == Class::Digits || is_number_word(&tokens[a]);
        let unit = tokens.get(b).is_some_and(|n| {
            n.line == t.line && (UNITS_AFTER.contains(&n.text.as_str()) || counted(&n.text))
        });
        // Nor years ("Springfield, Illinois 2019 to 2020").
        if opens && digits >= 3 && !unit && !years {
            out.push(Detection {
                kind: FindingKind::Address,
                first: a,
                last: last + 1,
                confidence: 0.4,
                normalized: String::new(),
            });
        }
    }
    out
}

/// Ordinal suffixes as the tokenizer splits them off ("21st", and ASR's "21th", "2th").
const ORDINAL_SUFFIXES: &[&str] = &["st", "nd", "rd", "th"];

/// The end of a day of the month said or written at token `k` ("21", "21st", "21th",
/// "twenty first", "fourth", "ninth"), or None.
fn day_at(tokens: &[Token], k: usize) -> Option<usize> {
    let t = tokens.get(k)?;
    if t.class == Class::Digits {
        let day: u32 = t.text.parse().ok()?;
        if t.text.len() > 2 || !(1..=31).contains(&day) {
            return None;
        }
        let suffix = tokens
            .get(k + 1)
            .is_some_and(|n| n.start == t.end && ORDINAL_SUFFIXES.contains(&n.text.as_str()));
        return Some(if suffix { k + 2 } else { k + 1 });
    }
    let mut end = k;
    let day = small(tokens, &mut end)?;
    (1..=31).contains(&day).then_some(end)
}

/// Where a day of the month ending just before token `end` starts, reading backwards
/// ("21st", "21", "twenty first", "fourth"), or None.
fn day_before(tokens: &[Token], end: usize) -> Option<usize> {
    let mut k = end.checked_sub(1)?;
    if ORDINAL_SUFFIXES.contains(&tokens[k].text.as_str()) {
        k = k.checked_sub(1)?;
        if tokens[k].class != Class::Digits {
            return None;
        }
    }
    let w = tokens[k].text.as_str();
    let start = if tokens[k].class == Class::Digits || teen(w).is_some() || tens(w).is_some() {
        k
    } else if ordinal(w).is_some() {
        // "twenty first", "twenty-first": the tens word belongs to the day.
        if k > 0 && tens(&tokens[k - 1].text).is_some() {
            k - 1
        } else if k > 1 && tokens[k - 1].text == "-" && tens(&tokens[k - 2].text).is_some() {
            k - 2
        } else {
            k
        }
    } else {
        return None;
    };
    (day_at(tokens, start) == Some(end)).then_some(start)
}

/// "ending" heard as "and in" right after what a value is ("250 pounds from the account and
/// in 6 612", base on 8 kHz µ-law for "… the account ending six six one two").
fn ending_heard_as_and_in(tokens: &[Token], run: &DigitRun) -> bool {
    let word = |k: Option<usize>| {
        k.and_then(|k| tokens.get(k))
            .map_or("", |t| t.text.as_str())
    };
    let at = |back: usize| run.first.checked_sub(back);
    word(at(1)) == "in"
        && word(at(2)) == "and"
        && matches!(word(at(3)), "account" | "card" | "number")
        && at(3).is_some_and(|k| tokens[k].line == tokens[run.first].line)
}

/// Digits keyed on a phone's keypad, said with the key that ends the entry: three digits or
/// more right before "hash" or "#", or before "pound" or "star" with "key" or "sign" after it
/// ("Okay, 6118 hash.", base on mono after "Please key in your pinfollowed by the hash key.",
/// the PIN's cue glued to the next word). Keypad entry is what an IVR asks a PIN or an
/// account with: a PIN, whatever asked for it. Not "pounds" (money) nor "pound" alone ("a
/// 1000 pound deposit").
pub(crate) fn keyed_digits(tokens: &[Token]) -> Vec<Detection> {
    let word = |k: usize| tokens.get(k).map_or("", |t| t.text.as_str());
    digit_runs(tokens)
        .into_iter()
        .filter(|run| {
            let k = run.last;
            let on_line = tokens
                .get(k)
                .is_some_and(|t| t.line == tokens[run.first].line);
            let key = match word(k) {
                "hash" | "#" => true,
                "pound" | "star" => matches!(word(k + 1), "key" | "sign"),
                _ => false,
            };
            run.digits.len() >= 3 && on_line && key
        })
        .map(|run| Detection {
            kind: FindingKind::Pin,
            first: run.first,
            last: run.last,
            confidence: 0.6,
            normalized: run.digits,
        })
        .collect()
}

/// A card's expiry month said after its cue on the line, with no year ("expiring next June", "it
/// expires in June"): half of the expiry, redacted as it. Only small words between them. With a
/// card named in the window, "runs out" is the cue too ("It runs out at the end of March next
/// year", the answer to a request heard as "and the Cards X per year", round 45 live).
pub(crate) fn expiry_months(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let card = tokens.iter().any(|t| {
        t.text.starts_with("card")
            || t.text.ends_with("card")
            || matches!(t.text.as_str(), "visa" | "amex")
    });
    for (k, t) in tokens.iter().enumerate() {
        let runs_out = card
            && t.text == "out"
            && k > 0
            && tokens[k - 1].line == t.line
            && matches!(
                tokens[k - 1].text.as_str(),
                "runs" | "run" | "ran" | "running"
            )
            // What runs out is the card ("It runs out", not "My gym membership runs out").
            && (k < 2
                || tokens[k - 2].line != t.line
                || matches!(
                    tokens[k - 2].text.as_str(),
                    "it" | "card" | "one" | "that" | "which" | "mine" | "."
                ));
        let cue =
            runs_out || t.text.starts_with("expir") || matches!(t.text.as_str(), "exp" | "thru");
        if !cue {
            continue;
        }
        let month = tokens[k + 1..]
            .iter()
            // "at the end of March".
            .take(5)
            .take_while(|n| n.line == t.line)
            .take_while(|n| {
                crate::tokens::month(&n.text).is_some()
                    || matches!(
                        n.text.as_str(),
                        "in" | "next" | "this" | "last" | "on" | "the" | "end" | "of" | "at"
                    )
            })
            .position(|n| crate::tokens::month(&n.text).is_some());
        if let Some(m) = month {
            let at = k + 1 + m;
            // "may" is the verb unless capitalised.
            if tokens[at].text == "may" && !tokens[at].cap {
                continue;
            }
            // With the year it says ("March next year").
            let year = tokens.get(at + 1..at + 3).is_some_and(|y| {
                matches!(y[0].text.as_str(), "next" | "this") && y[1].text == "year"
            });
            out.push(Detection {
                kind: FindingKind::CreditDebitExpiry,
                first: at,
                last: if year { at + 3 } else { at + 1 },
                confidence: 0.6,
                normalized: String::new(),
            });
        }
    }
    out
}

/// Dates said or written around a month name — "March 21st 1960", "the fourth of July nineteen
/// eighty one", "21 March 1960", "March the 3rd", "June 1985" — found whole when a date-of-birth
/// or expiry cue is near, so that no part of one (the day, the month) is left in clear beside a
/// redacted year.
pub(crate) fn spoken_dates(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (first, last) in dates_said(tokens) {
        let probe = DigitRun {
            digits: String::new(),
            first,
            last,
            groups: Vec::new(),
            slashed: false,
        };
        let kind = nearest_cues(tokens, &probe).into_iter().find_map(|(k, _)| {
            matches!(k, FindingKind::DateOfBirth | FindingKind::CreditDebitExpiry).then_some(k)
        });
        if let Some(kind) = kind {
            out.push(Detection {
                kind,
                first,
                last,
                confidence: 0.8,
                normalized: String::new(),
            });
        } else if let Some(end) = year_said_apart(tokens, first, last) {
            out.push(Detection {
                kind: FindingKind::DateOfBirth,
                first,
                last: end,
                confidence: 0.35,
                normalized: String::new(),
            });
        } else if birth_date_alone(tokens, first, last) {
            out.push(Detection {
                kind: FindingKind::DateOfBirth,
                first,
                last,
                confidence: 0.35,
                normalized: String::new(),
            });
        }
    }
    out
}

/// A caller's day and month with its year said apart right after them ("It's the second of
/// March and the year is 88.", "… and the year is AGA.", base for "the second of March, and the
/// year is eighty eight" after "Can you confirm your birthday?" heard as "… your mercy …"), or
/// two digits after a comma ("It's the second of March, 88."): a whole date said as one answer,
/// a date of birth whatever asked for it (fail closed). One past the year's token; `None`
/// unless a day, a month and the year (two digits after a comma, or "the year is" or "was" and
/// one word or number) end the line.
fn year_said_apart(tokens: &[Token], first: usize, last: usize) -> Option<usize> {
    let line = tokens[first].line;
    let day = tokens[first..last].iter().any(|t| {
        crate::tokens::ordinal(&t.text).is_some()
            || (t.class == Class::Digits && t.text.len() <= 2)
            || is_number_word(t)
    });
    let month = tokens[first..last]
        .iter()
        .any(|t| crate::tokens::month(&t.text).is_some());
    if tokens[first].agent || !day || !month {
        return None;
    }
    let ends = |from: usize| {
        tokens
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|t| t.line == line)
            .all(|t| t.class == Class::Punct)
    };
    // Two digits after a comma ending the line ("It's the second of March, 88.").
    let clipped = tokens.get(last).is_some_and(|t| t.text == ",")
        && tokens
            .get(last + 1)
            .is_some_and(|t| t.line == line && t.class == Class::Digits && t.text.len() == 2);
    if clipped && ends(last + 2) {
        return Some(last + 2);
    }
    let mut k = last;
    while tokens
        .get(k)
        .is_some_and(|t| t.line == line && matches!(t.text.as_str(), "," | "and"))
    {
        k += 1;
    }
    let said = |j: usize, w: &[&str]| {
        tokens
            .get(j)
            .is_some_and(|t| t.line == line && w.contains(&t.text.as_str()))
    };
    let year = k + 3;
    (said(k, &["the"])
        && said(k + 1, &["year"])
        && said(k + 2, &["is", "was"])
        && tokens
            .get(year)
            .is_some_and(|t| t.line == line && t.class != Class::Punct)
        && ends(year + 1))
    .then_some(year + 1)
}

/// Whether the date at `first..last` is a whole line's answer (a caller's: the rest of the line
/// from a sentence's start) that can only be a date of birth, its question lost (fail closed): a
/// day, a month and a year of four digits (or two after a comma) at least ten years back, with at
/// most two words besides the date and an answer's openers ("The 12th of June 1990.", "Um, it's March 3rd, 1985." after "Your date of
/// birth?" heard as "Your name's on the"). "I paid on June 5th" has no year; "The account was
/// opened on the 12th of June 1990, I think, at the branch" has more to say.
fn birth_date_alone(tokens: &[Token], first: usize, last: usize) -> bool {
    let line = tokens[first].line;
    let this_line = |t: &&Token| t.line == line;
    let day = tokens[first..last].iter().any(|t| {
        crate::tokens::ordinal(&t.text).is_some()
            || (t.class == Class::Digits && t.text.len() <= 2)
            || is_number_word(t)
    });
    // Four digits, as one number or written split as whisper writes some ("March 19, 84"; a
    // year in words is not taken alone), or two after an apostrophe ("'84") or a comma.
    let split = digit_runs(tokens)
        .into_iter()
        .filter(|r| {
            r.first >= first
                && r.last <= last
                && r.digits.len() == 4
                && tokens[r.first..r.last]
                    .iter()
                    .all(|t| matches!(t.class, Class::Digits | Class::Punct))
        })
        .map(|r| r.digits);
    // Or two digits ending the date after a comma ("7th of the 9th, 82", "March 19, 84").
    let clipped = (first + 1..last)
        .filter(|&k| {
            let (t, mark) = (&tokens[k], &tokens[k - 1]);
            t.class == Class::Digits
                && t.text.len() == 2
                && ((mark.text == "'" && mark.end == t.start)
                    || (mark.text == "," && k + 1 == last && k >= first + 2))
        })
        .filter_map(|k| tokens[k].text.parse::<i32>().ok())
        .map(|yy| {
            if 2000 + yy > this_year() {
                1900 + yy
            } else {
                2000 + yy
            }
        })
        .map(|y| y.to_string());
    let year = tokens[first..last]
        .iter()
        .filter(|t| t.class == Class::Digits && t.text.len() == 4)
        .map(|t| t.text.clone())
        .chain(split)
        .chain(clipped)
        .filter_map(|t| t.parse::<i32>().ok())
        .any(|y| (1900..=this_year() - 10).contains(&y));
    // A caller's date may answer the sentence before it on its line, as on a recording where
    // every speaker is one ("Thank you, and your memorable day. The Fourth of July 1990."); what
    // follows it on the line still counts ("March 15, 1990. Thank you. Your application is in
    // review." says more).
    let since_sentence = |t: &&Token| {
        this_line(t) && (tokens[first].agent || !matches!(t.text.as_str(), "." | "?" | "!"))
    };
    let besides = tokens[..first]
        .iter()
        .rev()
        .take_while(since_sentence)
        .chain(tokens[last..].iter().take_while(this_line))
        .filter(|t| {
            t.class == Class::Word
                && !ANSWER_PREAMBLE.contains(&t.text.as_str())
                && !matches!(
                    t.text.as_str(),
                    "the" | "of" | "on" | "born" | "was" | "i'm"
                )
        })
        .count();
    day && year && besides <= 2
}

/// This year by the system clock (UTC; 2026 if the clock is before 1970).
fn this_year() -> i32 {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(20_454, |d| d.as_secs() / 86_400);
    1970 + (days as f64 / 365.2425) as i32
}

/// The dates said or written around a month name in `tokens`, cue or none: their first token
/// and one past their last.
pub(crate) fn dates_said(tokens: &[Token]) -> Vec<(usize, usize)> {
    let runs = digit_runs(tokens);
    let run_at = |k: usize| runs.iter().find(|r| r.first == k);
    let skip = |k: &mut usize, words: &[&str]| {
        while tokens
            .get(*k)
            .is_some_and(|t| words.contains(&t.text.as_str()))
        {
            *k += 1;
        }
    };
    let mut out = Vec::new();
    // "on" for "of" as whisper half hears it ("Second on May 87").
    let fillers = ["of", "on", ",", "uh", "um", "er", "erm"];
    let back = |mut b: usize| {
        while b > 0 && fillers.contains(&tokens[b - 1].text.as_str()) {
            b -= 1;
        }
        b
    };
    for m in 0..tokens.len() {
        // A month by name, or as an ordinal after a day ("the twenty-third of the ninth").
        // Or written as digits with its suffix ("the 3rd of the 4th 82").
        let digit_month = tokens[m].class == Class::Digits
            && tokens[m]
                .text
                .parse::<u32>()
                .is_ok_and(|n| (1..=12).contains(&n))
            && tokens.get(m + 1).is_some_and(|s| {
                ORDINAL_SUFFIXES.contains(&s.text.as_str()) && s.start == tokens[m].end
            });
        let by_number = month(&tokens[m].text).is_none()
            && (ordinal(&tokens[m].text).is_some_and(|o| o <= 12) || digit_month)
            && m >= 2
            && tokens[m - 1].text == "the"
            && matches!(tokens[m - 2].text.as_str(), "of" | "on")
            && day_before(tokens, back(m - 1)).is_some();
        // "may" the verb ("12/26, may I ask"): the month is written "May" or said "of may".
        let verb =
            tokens[m].text == "may" && !tokens[m].cap && (m == 0 || tokens[m - 1].text != "of");
        if (month(&tokens[m].text).is_none() || verb) && !by_number {
            continue;
        }
        let month_end = if digit_month { m + 2 } else { m + 1 };
        let (mut first, mut last) = (m, month_end);
        let mut parts = 0;
        // Day first: "[the] 21st [, uh,] [of] March".
        let b = back(if by_number { m - 1 } else { m });
        if let Some(start) = day_before(tokens, b) {
            first = start;
            parts += 1;
        }
        // Then what follows the month: "[the] 21st[,] [of] 1960", or a run holding day and year.
        let mut k = month_end;
        // "of the" too, as whisper writes "August the 8th" at times ("August of the 8th, 1992",
        // tiny.en on mono, round 60); not "of" alone ("since March of 2020").
        if tokens.get(k).is_some_and(|t| t.text == "of")
            && tokens.get(k + 1).is_some_and(|t| t.text == "the")
        {
            k += 1;
        }
        skip(&mut k, &["the", ","]);
        let mut day_and_no_year = parts == 1;
        // A month said by number takes a year of two digits too ("… of the 4th 82").
        if let Some(run) =
            run_at(k).filter(|r| r.digits.len() >= 3 || (by_number && r.digits.len() == 2))
        {
            last = run.last;
            parts += 1;
            day_and_no_year = false;
        } else if let Some(end) = day_at(tokens, k) {
            last = end;
            parts += 1;
            day_and_no_year = true;
            let mut y = end;
            // "March 19, '84": the year's apostrophe too.
            skip(&mut y, &[",", "of", "in", "'"]);
            if let Some(run) = run_at(y).filter(|r| r.digits.len() == 4 || r.digits.len() == 2) {
                last = run.last;
                parts += 1;
                day_and_no_year = false;
            }
        }
        if parts == 0 {
            // "March" alone, or "may" the verb.
            continue;
        }
        // The year said first ("1973 May the 9th", "1973, the 9th of May", tiny.en and base
        // on 8 kHz µ-law for "Nineteen seventy-three, May the ninth." after a date-of-birth
        // question heard as "your name on Earth"): four digits of a year right before a day
        // and a month.
        if day_and_no_year {
            let mut y = first;
            while y > 0
                && matches!(tokens[y - 1].text.as_str(), "," | "the")
                && tokens[y - 1].line == tokens[m].line
            {
                y -= 1;
            }
            if let Some(run) = runs.iter().find(|r| {
                r.last == y
                    && r.digits.len() == 4
                    && tokens[r.first].line == tokens[m].line
                    && tokens[r.first..r.last]
                        .iter()
                        .all(|t| matches!(t.class, Class::Digits | Class::Punct))
                    && r.digits
                        .parse::<i32>()
                        .is_ok_and(|n| (1900..=2100).contains(&n))
            }) {
                first = run.first;
            }
        }
        out.push((first, last));
    }
    out
}

/// Top-level domains of more than two letters, and countries' that are common words too; any
/// other two letters after a "dot" are a country's ("fastmail dot fm").
const TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "info", "biz", "app", "dev", "xyz", "online", "email",
    "live", "mail", "site", "tech", "store", "cloud", "mobi", "name", "pro", "me", "us", "in",
];

/// Words of two letters that end no domain after a "dot" ("at home dot so yeah").
const NOT_A_TLD: &[&str] = &[
    "so", "no", "it", "be", "go", "do", "to", "on", "or", "an", "as", "is", "if", "up", "we", "he",
    "my", "of", "oh", "ok", "at", "am", "hi", "ha", "um", "uh", "eh", "ah", "mm", "hm",
];

/// Whether `label`, after a "dot", ends a domain: a top-level domain of [`TLDS`] or two other
/// letters.
pub(crate) fn is_tld(label: &str) -> bool {
    TLDS.contains(&label)
        || (label.chars().count() == 2
            && label.chars().all(char::is_alphabetic)
            && !NOT_A_TLD.contains(&label))
}

/// Whether a domain is written glued on the line ("jadendemple.com", "Maria.g addencle.com."):
/// a word, a dot and a top-level domain with no space between them, the domain's end not
/// followed by more of a word. What whisper writes for an e-mail address it half heard.
pub(crate) fn glued_domain(tokens: &[Token]) -> bool {
    (1..tokens.len().saturating_sub(1)).any(|k| {
        let (before, dot, tld) = (&tokens[k - 1], &tokens[k], &tokens[k + 1]);
        dot.text == "."
            && before.class != Class::Punct
            && before.end == dot.start
            && tld.class == Class::Word
            && tld.start == dot.end
            && is_tld(&tld.text)
            && tokens
                .get(k + 2)
                .is_none_or(|t| t.start > tld.end || t.class == Class::Punct)
    })
}

/// An e-mail named on its own line and said as whisper half heard it, a domain glued to the rest
/// ("… my new email is J-Not-ParketOutlook.com.", base on 8 kHz µ-law): from the word after
/// "email is" (or "email address is", "email's", "email" itself: "to my email
/// k.o.milatjahu.com") to the domain's end, at most eight words on; not where a word after
/// "email" says where it is or who sent it ("an email from paypal.com").
pub(crate) fn named_glued_emails(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for k in 1..tokens.len().saturating_sub(1) {
        if !glued_domain(&tokens[k - 1..(k + 3).min(tokens.len())]) {
            continue;
        }
        let from = crate::tokens::line_start(tokens, k);
        let named = (from..k).rev().find_map(|c| {
            let w = tokens[c].text.as_str();
            let next = |d: usize| tokens.get(c + d).map(|t| t.text.as_str());
            match w {
                "email's" | "e-mail's" => Some(c + 1),
                "email" | "e-mail" if next(1) == Some("is") => Some(c + 2),
                "email" | "e-mail" if next(1) == Some("address") && next(2) == Some("is") => {
                    Some(c + 3)
                }
                // "… send it to my email k.o.milatjahu.com" (base on 8 kHz µ-law).
                "email" | "e-mail" if next(1) == Some(",") => Some(c + 2),
                "email" | "e-mail" => Some(c + 1),
                _ => None,
            }
        });
        // "The email is on amazon.com somewhere" says where it is, not what; "an email from
        // paypal.com" who sent one.
        let Some(first) = named.filter(|&f| {
            f < k
                && !matches!(
                    tokens[f].text.as_str(),
                    "on" | "in"
                        | "at"
                        | "from"
                        | "with"
                        | "not"
                        | "the"
                        | "a"
                        | "still"
                        | "same"
                        | "to"
                        | "about"
                        | "for"
                        | "and"
                        | "or"
                        | "was"
                        | "says"
                        | "said"
                        | "saying"
                        | "that"
                        | "this"
                        | "account"
                        | "provider"
                        // "Email me at …": whom to write to.
                        | "me"
                        | "us"
                        | "him"
                        | "her"
                        | "them"
                        | "it"
                        | "you"
                )
        }) else {
            continue;
        };
        let said = tokens[first..k]
            .iter()
            .filter(|t| t.class == Class::Word)
            .count();
        if said <= 8 {
            out.push(Detection {
                kind: FindingKind::Email,
                first,
                last: k + 2,
                confidence: 0.5,
                normalized: String::new(),
            });
        }
    }
    out
}

/// Words before "at" that make it a place, not an e-mail's "@" ("I'm at work", "stay at home").
pub(crate) const NOT_LOCAL_PART: &[&str] = &[
    "i'm", "im", "we're", "you're", "they're", "he's", "she's", "i", "me", "we", "you", "it",
    "it's", "is", "was", "are", "be", "been", "am", "not", "still", "back", "home", "here",
    "there", "look", "looking", "arrive", "arrived", "meet", "stay", "staying", "work", "working",
    "works", "worked", "live", "lives", "living", "one", "least", "all", "just", "right",
];

/// An e-mail whisper wrote as one word, its "at" glued between the local part and a mail
/// service's domain ("and adacheliattoutlook.com", tiny.en on mono for "Anna dash lee at
/// outlook dot com", its request heard as "While T-mail should we use."): on any line, asked or
/// not, since no website is named so. From the chain's first glued piece to the domain's end.
/// "outlook.com" alone, or "shopoutlook.com" with no "at", stays.
pub(crate) fn provider_glued_emails(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for k in 1..tokens.len().saturating_sub(1) {
        let (word, dot, tld) = (&tokens[k - 1], &tokens[k], &tokens[k + 1]);
        let glued = dot.text == "."
            && word.class == Class::Word
            && word.end == dot.start
            && tld.start == dot.end
            && tld.class == Class::Word
            && is_tld(&tld.text);
        if !glued {
            continue;
        }
        // A local part, "at" (or "att") and the service's name.
        let named = MAIL_PROVIDERS.iter().any(|p| {
            word.text
                .strip_suffix(p)
                .and_then(|head| head.strip_suffix("att").or_else(|| head.strip_suffix("at")))
                .is_some_and(|local| !local.is_empty())
        });
        if !named {
            continue;
        }
        // Back over the pieces glued before it ("anna-lee" written "anna-leeattoutlook.com").
        let mut first = k - 1;
        while first > 0
            && tokens[first - 1].end == tokens[first].start
            && (tokens[first - 1].class != Class::Punct
                || matches!(tokens[first - 1].text.as_str(), "." | "-" | "_"))
        {
            first -= 1;
        }
        // And the rest of a domain of two labels ("….co.uk").
        let mut last = k + 2;
        while let (Some(d), Some(l)) = (tokens.get(last), tokens.get(last + 1)) {
            if d.text == "."
                && d.start == tokens[last - 1].end
                && l.start == d.end
                && is_tld(&l.text)
            {
                last += 2;
            } else {
                break;
            }
        }
        out.push(Detection {
            kind: FindingKind::Email,
            first,
            last,
            confidence: 0.5,
            normalized: String::new(),
        });
    }
    out
}

/// Mail services whose name alone is an e-mail's domain ("johnsmith, at gmail").
pub(crate) const MAIL_PROVIDERS: &[&str] = &[
    "gmail",
    "googlemail",
    "hotmail",
    "outlook",
    "yahoo",
    "icloud",
    "aol",
    "protonmail",
    "proton",
    "msn",
    "btinternet",
    "comcast",
    "gmx",
    "zoho",
];

/// Whether an e-mail is asked for or named before token `at`: on its line, or on the other
/// party's line before it.
fn email_asked(tokens: &[Token], at: usize) -> bool {
    let is_cue = |t: &Token| matches!(t.text.as_str(), "email" | "mail" | "emails");
    let line_start = crate::tokens::line_start(tokens, at);
    if tokens[line_start..at].iter().any(is_cue) {
        return true;
    }
    // The other party's line right before (after the barrier between speakers).
    if line_start < 2 || tokens[line_start - 1].line != usize::MAX {
        return false;
    }
    let prev_line = tokens[line_start - 2].line;
    tokens[..line_start - 1]
        .iter()
        .rev()
        .take_while(|t| t.line == prev_line)
        .any(is_cue)
}

/// Spoken e-mail addresses: `john dot smith at gmail dot com`. Commas are passed over: an
/// address said slowly comes with them between its parts ("Jessica, J E S S I C A, dot Lee, at
/// icloud dot com").
pub(crate) fn spoken_emails(tokens: &[Token]) -> Vec<Detection> {
    let kept: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].text != ",")
        .collect();
    let view: Vec<Token> = kept.iter().map(|&i| tokens[i].clone()).collect();
    let after_comma: Vec<bool> = (0..kept.len())
        .map(|k| kept[k] > 0 && tokens[kept[k] - 1].text == ",")
        .collect();
    let mut found = spoken_emails_between_commas(&view, &after_comma);
    for d in &mut found {
        (d.first, d.last) = (kept[d.first], kept[d.last - 1] + 1);
    }
    found
}

/// [`spoken_emails`] over tokens without commas; `after_comma[i]` says a comma came before
/// token `i`.
fn spoken_emails_between_commas(tokens: &[Token], after_comma: &[bool]) -> Vec<Detection> {
    let is_word = |i: usize| tokens.get(i).is_some_and(|t| t.class != Class::Punct);
    // A written stop, underscore or hyphen joins only glued on both sides: a full stop with a
    // space after ends a sentence ("It's john dot smith at gmail dot com. Lovely." was shown
    // whole, "Lovely" taken for its domain's last label).
    let is_connector = |i: usize| {
        tokens.get(i).is_some_and(|t| match t.text.as_str() {
            "dot" | "period" | "underscore" | "dash" | "hyphen" => true,
            "." | "_" | "-" => {
                i > 0
                    && tokens[i - 1].end == t.start
                    && tokens.get(i + 1).is_some_and(|n| n.start == t.end)
            }
            _ => false,
        })
    };
    let mut out = Vec::new();
    for at in 1..tokens.len() {
        if tokens[at].text != "at" || !is_word(at - 1) || tokens[at - 1].text == "at" {
            continue;
        }
        // Domain: word (dot word)+ ending in a known top-level domain.
        if !is_word(at + 1) {
            continue;
        }
        let line = tokens[at].line;
        // The domain's labels, from its first word at `from`: (their end, whether it ends in a
        // known top-level domain).
        let labels = |from: usize| {
            let mut end = from + 1;
            let mut dots = 0;
            while is_connector(end)
                && is_word(end + 1)
                && tokens[end].line == line
                && tokens[end + 1].line == line
            {
                dots += 1;
                end += 2;
            }
            // The top-level domain after a dot, not a hyphen ("at the drive-in", "at
            // check-in" are no addresses).
            let dotted =
                end >= 2 && matches!(tokens[end - 2].text.as_str(), "dot" | "period" | ".");
            (end, dots > 0 && dotted && is_tld(&tokens[end - 1].text))
        };
        let (mut end, mut tld) = labels(at + 1);
        // A name said as two words ("proton mail dot me"), when it ends in a known domain.
        if !tld && is_word(at + 2) && tokens[at + 2].line == line {
            let (two, known) = labels(at + 2);
            if known {
                (end, tld) = (two, true);
            }
        }
        // A mail service's name and its dot glued to the top-level domain as whisper heard
        // them ("briley at outlook dotty", base on a mono recording for "… at outlook dot
        // ie"; "dotcom").
        if !tld
            && !NOT_LOCAL_PART.contains(&tokens[at - 1].text.as_str())
            && MAIL_PROVIDERS.contains(&tokens[at + 1].text.as_str())
            && tokens
                .get(at + 2)
                .is_some_and(|t| t.line == line && t.text.len() > 3 && t.text.starts_with("dot"))
        {
            (end, tld) = (at + 3, true);
        }
        // Without a known top-level domain ("john smith at gmail"), only where an e-mail was
        // asked for or named, or the domain is a mail service's: "I'm at work" is no address.
        // The domain then ends the sentence ("… at gmail."), and the word before "at" is no
        // pronoun or verb ("I'm at work.").
        let sentence_end = tokens.get(end).is_none_or(|t| {
            t.line != tokens[at].line || matches!(t.text.as_str(), "." | "?" | "!")
        });
        let local_word = !NOT_LOCAL_PART.contains(&tokens[at - 1].text.as_str());
        // A mail service's name alone is a domain, asked for or not ("It's Jane dot Doe at
        // Gmail.").
        let provider = end == at + 2 && MAIL_PROVIDERS.contains(&tokens[at + 1].text.as_str());
        // Or "underscore" in the local part: said of little but addresses and user names
        // ("Pretty underscore shot at mail, lovely.", tiny.en for "pretty underscore shah at
        // gmail dot com", round 80).
        let underscored = local_word
            && (at.saturating_sub(4).max(1)..at - 1).any(|k| {
                tokens[k].text == "underscore"
                    && tokens[k].line == line
                    && tokens[k - 1].class == Class::Word
            })
            && tokens[at + 1].class == Class::Word;
        if !(tld
            || underscored
            || ((email_asked(tokens, at) || provider) && sentence_end && local_word))
        {
            continue;
        }
        // Local part: word (connector word)*, a number said after a word ("jane underscore doe
        // 42 at …"), or back to a cue like "email is".
        let mut start = at - 1;
        loop {
            if start >= 2 && is_connector(start - 1) && is_word(start - 2) {
                start -= 2;
            } else if start >= 1
                && crate::entities::is_letter(&tokens[start])
                && crate::entities::is_letter(&tokens[start - 1])
                && tokens[start - 1].line == tokens[start].line
            {
                // A local part spelled letter by letter ("j e s s i c a dot lee at …").
                start -= 1;
            } else if start >= 1
                && (tokens[start].class == Class::Digits || is_number_word(&tokens[start]))
                && tokens[start - 1].class == Class::Word
                && tokens[start - 1].line == tokens[start].line
                && !matches!(tokens[start - 1].text.as_str(), "at" | "is" | "me" | "to")
            {
                start -= 1;
            } else {
                break;
            }
        }
        // An initial before the local part's first word ("j smith eight four at yahoo"), not
        // the article or the pronoun.
        if start >= 1
            && tokens[start].class == Class::Word
            && !crate::entities::is_letter(&tokens[start])
            && crate::entities::is_letter(&tokens[start - 1])
            && !matches!(tokens[start - 1].text.as_str(), "a" | "i")
            && tokens[start - 1].line == line
        {
            start -= 1;
        }
        // An initial written with its stop and a space before the local part ("It's j. smith
        // at gmail dot com"): a stop joins only glued, so it is taken here.
        if start >= 2
            && tokens[start - 1].text == "."
            && tokens[start - 2].class == Class::Word
            && tokens[start - 2].text.chars().count() == 1
            && tokens[start - 2].end == tokens[start - 1].start
            && tokens[start - 2].line == line
        {
            start -= 2;
        }
        // A local part said as two words, a cue before them ("It's jane doe at gmail dot
        // com", "Write to jane doe at …"): both are its words.
        if tld
            && start == at - 1
            && start >= 2
            && tokens[start - 1].class == Class::Word
            && tokens[start - 1].line == line
            && !NOT_LOCAL_PART.contains(&tokens[start - 1].text.as_str())
            && !after_comma[start]
            && matches!(
                tokens[start - 2].text.as_str(),
                "it's" | "is" | "to" | "email" | "address" | "was"
            )
        {
            start -= 1;
        }
        let spelled = crate::entities::is_letter(&tokens[start])
            && tokens
                .get(start + 1)
                .is_some_and(crate::entities::is_letter);
        // A local part said across a comma before "at" is one spelled out or joined by "dot"s,
        // or one word set between commas ("It's all one word, johnsmith, at gmail."): "… no
        // dots, at hotmail" is no address.
        let set_apart = after_comma[at - 1]
            && local_word
            && MAIL_PROVIDERS.contains(&tokens[at + 1].text.as_str());
        // A whole domain with its top-level one after the comma is an address all the same
        // ("Tom, T O M, then smith, at yahoo dot co dot uk.").
        if after_comma[at] && start == at - 1 && !spelled && !set_apart && !(tld && local_word) {
            continue;
        }
        // The word a spelling spells, said before it ("Jessica, J E S S I C A, dot Lee").
        if spelled && start > 0 {
            let letters: String = tokens[start..at]
                .iter()
                .take_while(|t| crate::entities::is_letter(t))
                .map(|t| t.text.as_str())
                .collect();
            if tokens[start - 1].text == letters && tokens[start - 1].line == line {
                start -= 1;
            }
        }
        // On the address's own line: the agent's "What's your email address?" is no part of it.
        // A local part set between commas is all of it.
        let from = if set_apart && start == at - 1 {
            start
        } else {
            start.saturating_sub(4)
        };
        let cue = (from..start).rev().find(|&i| {
            tokens[i].line == line
                && matches!(
                    tokens[i].text.as_str(),
                    "email" | "e-mail" | "mail" | "address" | "is"
                )
        });
        if let Some(c) = cue {
            start = c + 1;
            while start < at - 1
                && matches!(
                    tokens[start].text.as_str(),
                    "is" | "address" | "it's" | "its" | "me" | "at" | "to"
                )
            {
                start += 1;
            }
        } else if email_asked(tokens, at) {
            // The answer to "What's your email?": the local part goes back over the words
            // before it on the line ("It's john smith at …"), up to three, not the openers.
            let line = tokens[at].line;
            while start > 0
                && at - start < 4
                && !after_comma[start]
                && tokens[start - 1].line == line
                && tokens[start - 1].class != Class::Punct
                && !matches!(
                    tokens[start - 1].text.as_str(),
                    "it's"
                        | "its"
                        | "it"
                        | "is"
                        | "sure"
                        | "yes"
                        | "yeah"
                        | "ok"
                        | "okay"
                        | "so"
                        | "um"
                        | "uh"
                        | "my"
                        | "email"
                        | "mail"
                        | "address"
                        | "that's"
                        | "the"
                )
            {
                start -= 1;
            }
        } else if tld || provider {
            // A line that is the address and nothing else, its request garbled ("Sam Lee 42 at
            // Outlook.com", tiny.en on 8 kHz µ-law for "Sam dot lee dot forty two at outlook
            // dot com" after "And I may offer the truck and link."): the names it opens with,
            // one or two, are its local part too, as in a sentence that is nothing else ("Okay.
            // Sam Lee at …"); not an opener ("Thanks, …").
            let opens = tokens[..start]
                .iter()
                .rposition(|t| t.line != line || matches!(t.text.as_str(), "." | "?" | "!"))
                .map_or(0, |p| p + 1);
            let names = (opens..start).all(|i| {
                let t = &tokens[i];
                t.cap
                    && t.class == Class::Word
                    && !after_comma[i + 1]
                    && !NOT_LOCAL_PART.contains(&t.text.as_str())
                    && !REQUEST_OPENERS.contains(&t.text.as_str())
                    && !matches!(t.text.as_str(), "yes" | "yeah" | "sure" | "hi" | "hello")
            });
            if (1..=2).contains(&(start - opens)) && names && sentence_end {
                start = opens;
            }
        }
        let value: String = tokens[start..end]
            .iter()
            .map(|t| match t.text.as_str() {
                "dot" | "period" => ".".to_string(),
                "at" => "@".to_string(),
                "underscore" => "_".to_string(),
                "dash" | "hyphen" => "-".to_string(),
                w => w.to_string(),
            })
            .collect();
        out.push(Detection {
            kind: FindingKind::Email,
            first: start,
            last: end,
            confidence: 0.9,
            normalized: value,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert!(luhn("4532015112830366"));
        assert!(!luhn("4532015112830367"));
        assert!(aba("011000015"));
        assert!(ssn_valid("123456789"));
        assert!(
            !ssn_valid("666123456")
                && !ssn_valid("900123456")
                && !ssn_valid("123006789")
                && !ssn_valid("123450000")
        );
    }
}
