//! Finds sensitive values in conversation text and replaces them with `[TYPE]` tags.
//!
//! Text is tokenised with character spans, spoken numbers are normalised to digits ("four five
//! three two", "oh", "double five", "nineteen eighty one"), and each digit run is classified by
//! checksum (Luhn, ABA, SSN rules) and by context: cue words around it and the previous line of the
//! conversation (the agent's question makes the caller's answer a CVV or a date of birth). When
//! unsure, it redacts: a long digit run is a card number even if its checksum fails.
//!
//! [`Redactor`] works on a whole conversation so that a value split across two consecutive lines
//! is found in both: a line that ends in a number, or in a letter that may be spelling, is held
//! back until the next line (or the end of the conversation) shows whether it goes on.
//!
//! This crate does no I/O. A finding's value is only reachable through [`SensitiveValue::expose`],
//! for the sealer; it has no `Display` and its `Debug` prints nothing of it.

mod detect;
mod entities;
mod tokens;

use earshot_core::{FindingKind, FindingSpan, Speaker};
use std::sync::OnceLock;
use tokens::{tokenize, Class, Token};

/// The original of a redacted span. Never printed, logged or serialised; only sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct SensitiveValue {
    original: String,
    normalized: String,
}

impl SensitiveValue {
    /// A value found outside speech (keypad digits): its original and normalised forms.
    pub fn new(original: String, normalized: String) -> SensitiveValue {
        SensitiveValue {
            original,
            normalized,
        }
    }

    /// The text exactly as it stood in the line, and the normalised value (e.g. the digits of the
    /// whole number when it spans lines). For the sealer only.
    pub fn expose(&self) -> (&str, &str) {
        (&self.original, &self.normalized)
    }
}

impl std::fmt::Debug for SensitiveValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SensitiveValue(<redacted>)")
    }
}

/// One sensitive span found in a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Start, in characters of the original line.
    pub start: usize,
    /// End (exclusive), in characters of the original line.
    pub end: usize,
    /// How sure the detector is (0-1); checksums and cue words raise it.
    pub confidence: f32,
    /// Character offset of this finding's `[TYPE]` tag in the redacted text.
    pub tag_start: usize,
    /// The value, for sealing.
    pub value: SensitiveValue,
}

impl Finding {
    /// The span without the value: safe to show, store and log.
    pub fn span(&self) -> FindingSpan {
        FindingSpan {
            kind: self.kind,
            start: self.start,
            end: self.end,
        }
    }
}

/// A line after redaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    /// Who said it.
    pub speaker: Speaker,
    /// The line with each finding replaced by `[TYPE]`.
    pub text: String,
    /// What was replaced, in order of position.
    pub findings: Vec<Finding>,
}

/// Conversation-aware redaction: feed lines in order, get redacted lines back in the same order.
#[derive(Default)]
pub struct Redactor {
    /// Lines of the current window: emitted context lines, then pending ones.
    lines: Vec<(Speaker, String)>,
    /// How many of `lines` have been emitted.
    emitted: usize,
    /// Values redacted in partial results of utterances not yet final: (speaker, kind, digits).
    partial_memory: Vec<(Speaker, FindingKind, String)>,
    /// Names to redact wherever they occur.
    known_names: Vec<String>,
    /// Words of the names found so far in this conversation (lower case): said again later,
    /// capitalised, with no cue ("Thanks, Mrs Lopez", "Maria, Maria Lopez"), they are redacted
    /// too.
    heard_names: Vec<String>,
    /// Words of credentials given in words ([`Redactor::learn_secrets`]).
    heard_secrets: Vec<String>,
    /// The last line was the other party's credential given in words.
    secret_answered: bool,
    /// A name was heard written all in lower case (ASR wrote the call so): names heard are
    /// then matched in lower case too ([`Redactor::heard_names_in`]).
    names_in_lower_case: bool,
    /// Numbers redacted so far in this conversation: said again by anyone (the agent reading
    /// one back, the caller repeating it), or corrected by the speaker who gave it, they are
    /// redacted too.
    heard_values: Vec<HeardValue>,
    /// Words of the e-mail addresses' local parts redacted so far (lower case): spelled out
    /// again ("Tom, hyphen, baker"), they are redacted too.
    heard_email_words: Vec<String>,
    /// The e-mail addresses redacted so far, local part and domain compacted to their letters
    /// and digits: read back in any spoken form ("j smith eight four at yahoo" after
    /// "jsmith84@yahoo.com"), they are redacted too ([`Redactor::emails_read_back`]).
    heard_emails: Vec<(String, String)>,
    /// An e-mail address was found in the conversation, however little of it could be read:
    /// a sentence that spells one out after it is its read-back ([`spoken_address_sentences`]).
    email_given: bool,
    /// Final lines since the last that asked for an e-mail or gave one (none yet: `None`): the
    /// next few may read it back as whisper glues it ([`dotted_words`]).
    email_lines_ago: Option<usize>,
    /// Words of the addresses redacted so far (lower case): two or more of them said again in a
    /// chain are redacted too.
    heard_address_words: Vec<String>,
    /// Speakers whose last line was released while a number was still being spoken, with the
    /// kind given to it: a number opening their next line continues it.
    released_open: Vec<(Speaker, FindingKind)>,
    /// Speakers whose last line ended in a redacted number, and its kind: a number opening
    /// their next line goes on with it ("It's 7 3" - "9.").
    number_goes_on: Vec<(Speaker, FindingKind)>,
    /// The speaker whose last line gave part of a card number (fewer than 16 digits) and the
    /// digits given so far: the groups on their next line go on with it
    /// ([`Redactor::card_groups_in`]).
    open_groups: Option<(Speaker, usize)>,
    /// The speaker whose line gave an address, and for how many more lines a line of theirs
    /// that is only letters and numbers goes on with it ("b three one" - "sorry b three" - "one
    /// two a b": the postcode's second half) ([`Redactor::address_goes_on`]).
    open_address: Option<(Speaker, u8)>,
    /// The numbers of the addresses the caller (or an unknown speaker) gave, corrections
    /// included: said back by the agent, they are the address's ([`Redactor::address_goes_on`]).
    address_numbers: Vec<String>,
    /// The speaker a date of birth is expected from (asked for, or begun: "The ninth." -
    /// "Mm-hm." - "Of June, nineteen seventy four."), and for how many more lines: a date said
    /// in parts on their lines is one ([`Redactor::date_parts_in`]).
    open_date: Option<(Speaker, u8)>,
    /// For how many more lines the agent's question for a card's expiry is open: a month said,
    /// or a month and year in digits, is the expiry ([`Redactor::expiry_parts_in`]).
    open_expiry: u8,
    /// The kind of value the agent's last request asked for, for how many more of the caller's
    /// lines it is open, and whether the caller's last line gave a value: it stays open while
    /// the agent says nothing but acknowledgements ("Okay.", "Go on."), and every number left
    /// in the caller's lines is that value's ([`Redactor::answer_numbers_in`]).
    open_request: Option<(FindingKind, u8, bool)>,
    /// The months of the dates of birth given so far: a date in one of them said again is one
    /// (a read-back).
    birth_months: Vec<u32>,
    /// Lines are stand-alone texts ([`redact_line`]), not heard speech: none answers a question.
    stand_alone: bool,
    /// Steps that failed (a rule panicked) since this redactor was made.
    failed_steps: usize,
    /// Tests only: the next step panics, as a bug in a rule would.
    #[cfg(test)]
    panic_next: bool,
}

/// Sizes only: the window's lines, the remembered values and names are the unredacted text.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("lines", &self.lines.len())
            .field("emitted", &self.emitted)
            .field("partial_memory", &self.partial_memory.len())
            .field("known_names", &self.known_names.len())
            .field("heard_names", &self.heard_names.len())
            .field("heard_secrets", &self.heard_secrets.len())
            .field("names_in_lower_case", &self.names_in_lower_case)
            .field("heard_values", &self.heard_values.len())
            .field("heard_email_words", &self.heard_email_words.len())
            .field("heard_emails", &self.heard_emails.len())
            .field("email_given", &self.email_given)
            .field("email_lines_ago", &self.email_lines_ago)
            .field("heard_address_words", &self.heard_address_words.len())
            .field("released_open", &self.released_open.len())
            .field("number_goes_on", &self.number_goes_on.len())
            .field("open_groups", &self.open_groups.is_some())
            .field("open_address", &self.open_address.is_some())
            .field("address_numbers", &self.address_numbers.len())
            .field("open_date", &self.open_date.is_some())
            .field("open_expiry", &self.open_expiry)
            .field("open_request", &self.open_request.is_some())
            .field("birth_months", &self.birth_months.len())
            .field("stand_alone", &self.stand_alone)
            .field("failed_steps", &self.failed_steps)
            .finish()
    }
}

/// Lines of earlier conversation kept as context.
const CONTEXT_LINES: usize = 2;

/// How many of their next lines a speaker who gave a number may correct it in.
const CORRECTION_LINES: u8 = 2;

/// Words that take back what was just said ("No wait, it's 7 8 9"; "Sorry, I mean 4 4 1 2").
const CORRECTION_CUES: &[&str] = &[
    "actually",
    "sorry",
    "wait",
    "no",
    "mean",
    "meant",
    "correction",
    "changed",
    "wrong",
    "mistake",
    "oops",
    "rather",
    "instead",
    "new",
    "again",
    "misread",
    "typo",
    // Taking back part of what the other party read out ("Yes, except the last two are
    // eighty-eight, not one nine.").
    "except",
];

/// The run is written as a price ("49.99": a full stop glued between digits, two after it).
fn written_price(tokens: &[Token], run: &tokens::DigitRun) -> bool {
    run.last - run.first == 3
        && tokens[run.first + 1].text == "."
        && tokens[run.first + 1].start == tokens[run.first].end
        && tokens[run.first + 2].start == tokens[run.first + 1].end
        && tokens[run.first + 2].text.len() == 2
}

/// Lines a date of birth asked for or begun may be given in ("Why do you need that?" - "For
/// security." - "Fine, the ninth of June.").
const DATE_LINES: u8 = 4;

/// The line asks a question that is not about a date ("And how many cards do you have?").
fn asks_other(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| t.text == "?")
        // A question of function words only asks for more of the same ("Of?", "Sorry,
        // which?").
        && tokens.iter().any(|t| {
            t.class == Class::Word
                && !matches!(
                    t.text.as_str(),
                    "of" | "and"
                        | "the"
                        | "sorry"
                        | "pardon"
                        | "which"
                        | "what"
                        | "so"
                        | "yes"
                        | "ok"
                        | "okay"
                        | "right"
                        | "mm"
                        | "hm"
                        | "uh"
                        | "um"
                        | "then"
                )
        })
        && !tokens.iter().any(|t| {
            matches!(
                t.text.as_str(),
                "day" | "month" | "year" | "date" | "birth" | "born" | "birthday"
            ) || tokens::month(&t.text).is_some()
        })
}

/// Lines after the agent's question for a card's expiry in which a month, or a month and year
/// in digits, is taken for it: the answer, a read-back and its confirmation.
const EXPIRY_LINES: u8 = 3;

/// The caller's lines after the agent's request for a value in which a number left is taken
/// for it ([`Redactor::answer_numbers_in`]): a value given in groups, a line each, with the
/// agent's "Yes." between.
const ANSWER_LINES: u8 = 4;

/// Words before a number that say it is no expiry read back.
const NOT_AN_EXPIRY_BEFORE: &[&str] = &[
    "in", "at", "on", "for", "since", "room", "model", "waiting", "flight", "about", "than", "of",
    "from", "to", "after", "before", "until", "by", "pay", "paid", "owe", "cost", "costs",
];

/// Each expiry [`expiry_said`] finds in `tokens` (a line or its end) that no finding covers,
/// found as one, in place of the findings within it.
fn expiries_in(text: &str, tokens: &[Token], findings: &mut Vec<Finding>) {
    for (first, last) in expiry_said(tokens) {
        let (a, b) = (tokens[first].start, tokens[last - 1].end);
        if covered(findings, a, b) {
            continue;
        }
        findings.retain(|f| !(a <= f.start && f.end <= b));
        findings.push(make_finding(
            text,
            FindingKind::CreditDebitExpiry,
            a,
            b,
            0.6,
            "",
        ));
    }
}

/// The sentences of a line: each one's first token and one past its last (its stop included).
fn sentences(tokens: &[Token]) -> Vec<(usize, usize)> {
    let ends = |t: &Token| matches!(t.text.as_str(), "." | "?" | "!");
    (0..tokens.len())
        .filter(|&k| k == 0 || ends(&tokens[k - 1]))
        .map(|from| {
            let to = tokens[from..]
                .iter()
                .position(ends)
                .map_or(tokens.len(), |p| from + p + 1);
            (from, to)
        })
        .collect()
}

/// The spans of one line that say an expiry while one is expected: a month name with the year
/// words or numbers after it ("August next year", "March, twenty eight"), and digits that read
/// as a month and year ("08 27", "0827", "8 27", "2027", "11/2029").
fn expiry_said(tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        // "may" only as the month ("May next year", not "May I ask" or "you may").
        let month = t.class == Class::Word
            && tokens::month(&t.text).is_some()
            && (t.text != "may"
                || (t.cap
                    && !tokens
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.text.as_str(), "i" | "we" | "you"))));
        if !month {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        let mut last = end;
        while let Some(n) = tokens.get(end) {
            if n.class == Class::Digits
                || tokens::is_number_word(n)
                || tokens::is_oh(&n.text)
                || matches!(n.text.as_str(), "next" | "this" | "year")
            {
                end += 1;
                last = end;
            } else if matches!(n.text.as_str(), "," | "of" | "/" | "-") {
                end += 1;
            } else {
                break;
            }
        }
        out.push((i, last));
        i = end.max(i + 1);
    }
    let month_ok = |m: &str| m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
    for run in tokens::digit_runs(tokens) {
        let d = run.digits.as_str();
        let expiry_like = match d.len() {
            3 => month_ok(&d[..1]),
            4 => month_ok(&d[..2]) || d.starts_with("20"),
            6 => month_ok(&d[..2]) && d[2..].starts_with("20"),
            _ => false,
        };
        // Said as the answer or read back ("Which is 08 27?", "Thanks, 08/27."): at most three
        // words before it in its sentence, none saying what else it is ("Room 428", "opened in
        // 2022", "waiting 74 minutes"); not a time ("9:58") nor a code ("X216", "BA410").
        let sentence: Vec<&Token> = tokens[..run.first]
            .iter()
            .rev()
            .take_while(|t| !matches!(t.text.as_str(), "." | "?" | "!"))
            .filter(|t| t.class == Class::Word)
            .collect();
        let read_back = sentence.len() <= 3
            && !sentence
                .iter()
                .any(|t| NOT_AN_EXPIRY_BEFORE.contains(&t.text.as_str()));
        let glued = |a: &Token, b: &Token| a.end == b.start;
        let code = (run.first > 0
            && tokens[run.first - 1].class == Class::Word
            && glued(&tokens[run.first - 1], &tokens[run.first]))
            || tokens
                .get(run.last)
                .is_some_and(|n| n.class == Class::Word && glued(&tokens[run.last - 1], n));
        let time = tokens[run.first..run.last].iter().any(|t| t.text == ":");
        if expiry_like
            && read_back
            && !code
            && !time
            && !out.iter().any(|&(a, b)| a <= run.first && run.last <= b)
        {
            out.push((run.first, run.last));
        }
    }
    out
}

/// Redacts each span of `tokens` as a date of birth, unless one covers it already; findings
/// inside it give way.
fn add_dates_of_birth(
    text: &str,
    tokens: &[Token],
    spans: &[(usize, usize)],
    findings: &mut Vec<Finding>,
) {
    for &(first, last) in spans {
        let (a, b) = (&tokens[first], &tokens[last - 1]);
        if findings
            .iter()
            .any(|f| f.kind == FindingKind::DateOfBirth && f.start <= a.start && b.end <= f.end)
        {
            continue;
        }
        findings.retain(|f| !(a.start <= f.start && f.end <= b.end));
        findings.push(make_finding(
            text,
            FindingKind::DateOfBirth,
            a.start,
            b.end,
            0.6,
            "",
        ));
    }
}

/// What a token of an e-mail address said or written stands for among its letters and digits:
/// nothing for a separator ("dot", "_"), else each way it can be read ("oh": "o" or "0",
/// "eighty": "80" or "8" before "four"). `None` for a token that is no part of one.
fn email_pieces(t: &Token) -> Option<Vec<String>> {
    let w = t.text.as_str();
    match t.class {
        Class::Punct => matches!(w, "." | "_" | "-" | ",").then(Vec::new),
        Class::Digits => Some(vec![w.to_string()]),
        Class::Word => Some(match w {
            "dot" | "period" | "underscore" | "dash" | "hyphen" => Vec::new(),
            "oh" | "o" => vec!["o".into(), "0".into()],
            _ => {
                if let Some(d) = tokens::unit(w) {
                    vec![d.to_string(), w.to_string()]
                } else if let Some(n) = tokens::teen(w) {
                    vec![n.to_string(), w.to_string()]
                } else if let Some(n) = tokens::tens(w) {
                    vec![n.to_string(), (n / 10).to_string(), w.to_string()]
                } else {
                    vec![w.chars().filter(|c| c.is_alphanumeric()).collect()]
                }
            }
        }),
    }
}

/// Matches `tokens` from `s` against `compact` (letters and digits): the last token that
/// matched with how many characters of `compact` are left, and how many tokens gave some;
/// `None` when the first token gives nothing of it.
fn match_compact(tokens: &[Token], s: usize, compact: &str) -> Option<((usize, usize), usize)> {
    let mut rest = compact;
    let mut last = None;
    let mut pieces = 0;
    let mut k = s;
    while k < tokens.len() && !rest.is_empty() {
        let Some(alternatives) = email_pieces(&tokens[k]) else {
            break;
        };
        if alternatives.is_empty() {
            // A separator does not start one.
            last?;
            k += 1;
            continue;
        }
        let Some(piece) = alternatives
            .iter()
            .find(|a| !a.is_empty() && rest.starts_with(a.as_str()))
        else {
            break;
        };
        rest = &rest[piece.len()..];
        last = Some(k);
        pieces += 1;
        k += 1;
    }
    last.map(|l| ((l, rest.len()), pieces))
}

/// Words of two letters, which a name of two letters heard before is not ("Li", "Ed", "Jo").
const TWO_LETTER_WORDS: &[&str] = &[
    "ah", "am", "an", "as", "at", "aw", "be", "by", "do", "eh", "go", "ha", "he", "hi", "hm", "if",
    "in", "is", "it", "me", "mm", "my", "no", "of", "oh", "ok", "on", "or", "ow", "so", "to", "uh",
    "um", "up", "us", "we", "ya", "ye", "yo", "mr", "ms", "dr", "st", "jr", "sr",
];

/// Names that are common words too: a name heard is matched in lower case only if not one.
const WORDS_AND_NAMES: &[&str] = &[
    "will", "bill", "mark", "rose", "grace", "may", "june", "april", "august", "frank", "hope",
    "faith", "joy", "ray", "dawn", "art", "rich", "max", "rob", "sue", "jack", "chase", "holly",
    "ruby", "amber", "sky", "summer", "rocky", "sandy", "penny", "guy",
];

/// The digits `said` holds, written or as homophones, and with `number_words` its digits'
/// words too ("free one": 31).
fn spoken_digits(said: &str, number_words: bool) -> String {
    said.split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| {
            let w = w.to_lowercase();
            if w.chars().all(|c| c.is_ascii_digit()) {
                Some(w)
            } else {
                tokens::homophone(&w).map(String::from).or_else(|| {
                    tokens::unit(&w)
                        .filter(|_| number_words)
                        .map(|d| d.to_string())
                })
            }
        })
        .collect()
}

/// A security code of two digits as said, homophones and number words counted ("free one":
/// 31): a code is three digits or four, so one of two lost a digit in recognition, and the
/// agent's read-back right after is it ("It's on the mark, and we're free one." - "731,
/// great.", base on 8 kHz µ-law, round 72). `None` for any other finding.
fn short_code_digits(f: &Finding) -> Option<String> {
    if f.kind != FindingKind::CreditDebitCvv {
        return None;
    }
    let said = spoken_digits(&f.value.original, true);
    (said.len() == 2).then_some(said)
}

/// The digits of a finding's normalised value.
fn value_digits(f: &Finding) -> String {
    f.value
        .normalized
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect()
}

/// Whether `a` and `b` differ by one digit at most: one left out, one put in or one heard as
/// another.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let head = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    let tail = |n: usize| {
        short[head + n..]
            .iter()
            .rev()
            .zip(long.iter().rev())
            .all(|(x, y)| x == y)
    };
    if short.len() == long.len() {
        head == short.len() || tail(1)
    } else {
        tail(0)
    }
}

/// A line's `findings` hold three digits or fewer of a value of `kind` that is said in parts (an
/// SSN, a card, a phone or an account number): the first part of it, the rest to come on the
/// speaker's next lines ("The first three are 421." - "The middle two are …"). Four digits or
/// more answer a request (the last four of an SSN asked for are all of the answer). Digits
/// counted as said on the line (`tokens`), within the findings, not a count ("first three").
fn part_of_long_value(kind: FindingKind, tokens: &[Token], findings: &[Finding]) -> bool {
    // A PIN said a digit or a few at a time ("Four." - "Yep." - "Nine." …) is long enough.
    let long = matches!(
        kind,
        FindingKind::Ssn
            | FindingKind::CreditDebitNumber
            | FindingKind::Phone
            | FindingKind::BankAccountNumber
            | FindingKind::Pin
    );
    let digits: usize = tokens::digit_runs(tokens)
        .iter()
        .filter(|r| {
            let (a, b) = (tokens[r.first].start, tokens[r.last - 1].end);
            findings
                .iter()
                .any(|f| said_in_digits(f) && f.start <= a && b <= f.end)
                && !detect::counts_a_group(tokens, r)
        })
        .map(|r| r.digits.len())
        .sum();
    long && digits < 4
}

/// The line takes back what its speaker just said.
fn corrects(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .any(|t| t.class == Class::Word && CORRECTION_CUES.contains(&t.text.as_str()))
}

/// A number redacted earlier in the conversation ([`Redactor::heard_values_in`]).
struct HeardValue {
    /// Who said it.
    speaker: Speaker,
    /// What it was redacted as.
    kind: FindingKind,
    /// Its digits.
    digits: String,
    /// Lines of `speaker` left in which another number corrects it.
    correction_lines: u8,
}

impl Redactor {
    /// Whether a phone number was given earlier in the conversation, by either party.
    fn phone_heard(&self) -> bool {
        self.heard_values
            .iter()
            .any(|v| v.kind == FindingKind::Phone)
    }

    /// A redactor at the start of a conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a line; returns every line that is now final, in order (possibly none, when this line
    /// ends in a number or a spelled letter that the next line may continue).
    pub fn push(&mut self, speaker: Speaker, text: &str) -> Vec<Redaction> {
        self.lines.push((speaker, text.to_string()));
        self.guarded(|r| r.process(false))
    }

    /// Runs a step that emits lines so that a bug in a rule cannot stop a call: should it panic,
    /// every line still pending comes back hidden whole, as a [`FindingKind::Number`], and the
    /// conversation's context starts afresh (fail closed; the names given by
    /// [`Redactor::with_known_names`] are kept).
    fn guarded(&mut self, step: impl FnOnce(&mut Self) -> Vec<Redaction>) -> Vec<Redaction> {
        let pending: Vec<(Speaker, String)> = self.lines[self.emitted..].to_vec();
        let run = std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            assert!(!std::mem::take(&mut self.panic_next), "a rule's bug");
            step(self)
        });
        match std::panic::catch_unwind(run) {
            Ok(out) => out,
            Err(_) => {
                let fresh = Redactor {
                    known_names: std::mem::take(&mut self.known_names),
                    stand_alone: self.stand_alone,
                    failed_steps: self.failed_steps + 1,
                    ..Redactor::default()
                };
                *self = fresh;
                warn_failed(self.failed_steps, pending.len());
                pending
                    .iter()
                    .map(|(speaker, text)| hidden_whole(*speaker, text))
                    .collect()
            }
        }
    }

    /// Ends the conversation: returns the held-back lines and resets the context.
    pub fn finish(&mut self) -> Vec<Redaction> {
        let out = self.guarded(|r| r.process(true));
        self.lines.clear();
        self.emitted = 0;
        self.partial_memory.clear();
        self.released_open.clear();
        self.number_goes_on.clear();
        self.heard_names.clear();
        self.heard_secrets.clear();
        self.secret_answered = false;
        self.names_in_lower_case = false;
        self.heard_values.clear();
        self.heard_email_words.clear();
        self.heard_emails.clear();
        self.email_given = false;
        self.email_lines_ago = None;
        self.heard_address_words.clear();
        self.open_groups = None;
        self.open_address = None;
        self.address_numbers.clear();
        self.open_date = None;
        self.open_expiry = 0;
        self.open_request = None;
        self.birth_months.clear();
        out
    }

    /// How many steps (a push, a partial, a release or the end) failed since this redactor was
    /// made: a rule panicked, and what was pending came back hidden whole. Zero unless a rule has
    /// a bug; the tests assert it, and each failure logs a warning with the counts (never text).
    pub fn failed_steps(&self) -> usize {
        self.failed_steps
    }

    /// Number of lines pushed but not yet returned.
    pub fn pending(&self) -> usize {
        self.lines.len() - self.emitted
    }

    /// The speaker of the line held back because it ends in a number or a letter, if any.
    pub fn held(&self) -> Option<Speaker> {
        (self.pending() > 0).then(|| self.lines[self.lines.len() - 1].0)
    }

    /// Gives up waiting for the held line's continuation (a live call cannot wait for ever): the
    /// line is returned with its trailing number redacted even when it cannot be classified yet
    /// (fail closed), and a number opening the same speaker's next line is redacted as its
    /// continuation. The conversation's context is kept.
    pub fn release(&mut self) -> Vec<Redaction> {
        self.guarded(|r| r.process_with(true, true))
    }

    fn process(&mut self, flush: bool) -> Vec<Redaction> {
        self.process_with(flush, false)
    }

    #[allow(clippy::needless_range_loop)] // `line` indexes both `self.lines` and the tokens
    fn process_with(&mut self, flush: bool, fail_closed_tail: bool) -> Vec<Redaction> {
        if self.lines.len() == self.emitted {
            return Vec::new();
        }
        let (tokens, line_tokens) = self.window_tokens();
        let left_out = self.left_out();
        let detections = detect_all(&tokens);
        let last = self.lines.len() - 1;
        let hold_last =
            !flush && (ends_in_number(&line_tokens[last]) || ends_in_letter(&line_tokens[last]));
        let emit_until = if hold_last { last } else { last + 1 };
        let mut out = Vec::new();
        for line in self.emitted..emit_until {
            let mut findings = self.line_findings(&tokens, &detections, line);
            // Stability: a value redacted in a partial of this utterance stays redacted.
            let speaker = self.lines[line].0;
            let remembered: Vec<(FindingKind, String)> = self
                .partial_memory
                .iter()
                .filter(|(s, _, _)| *s == speaker)
                .map(|(_, k, v)| (*k, v.clone()))
                .collect();
            for run in tokens::digit_runs(&line_tokens[line]) {
                let (a, b) = (
                    &line_tokens[line][run.first],
                    &line_tokens[line][run.last - 1],
                );
                let found = covered(&findings, a.start, b.end);
                // A number hidden only because it was being said when the partial showed it
                // (of no kind) is an amount once the final writes it as one, with a currency
                // sign or a thousands separator, and names it so ("… the repair quote is
                // 2,400" then "… 2,400 pounds.", "up to £5,000"): shown. Not four digits a
                // unit came after ("4532 dollars"): a value's first group as often.
                let toks = &line_tokens[line];
                let written = run.first > 0
                    && matches!(toks[run.first - 1].text.as_str(), "$" | "£" | "€")
                    || (run.first + 1..run.last).any(|k| {
                        toks[k].text == ","
                            && toks[k - 1].end == toks[k].start
                            && toks[k].end == toks[k + 1].start
                    });
                let amount = written && detect::is_amount_or_count(toks, &run);
                // So is one the final names a reference right before it ("Yes, my ticket is
                // 482 13 …" after the partial's "Yes, my dick is in [NUMBER]", tiny.en live on
                // 8 kHz µ-law).
                let amount = amount || detect::reference_cued(toks, &run);
                let matched = remembered.iter().find(|(k, v)| {
                    run.digits.len() >= 3
                        && !(amount && *k == FindingKind::Number)
                        && (v.contains(run.digits.as_str()) || run.digits.contains(v.as_str()))
                });
                if let (false, Some((kind, _))) = (found, matched) {
                    findings.push(make_finding(
                        &self.lines[line].1,
                        *kind,
                        a.start,
                        b.end,
                        0.7,
                        &run.digits,
                    ));
                }
            }
            self.partial_memory.retain(|(s, _, _)| *s != speaker);
            if let Some(&(_, kind)) = self.number_goes_on.iter().find(|(s, _)| *s == speaker) {
                let opens = tokens::digit_runs(&line_tokens[line])
                    .first()
                    .is_some_and(|r| r.first == 0);
                if let Some(f) =
                    leading_number(&self.lines[line].1, &line_tokens[line], kind).filter(|_| opens)
                {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
            }
            if let Some(i) = self.released_open.iter().position(|(s, _)| *s == speaker) {
                let (_, kind) = self.released_open.remove(i);
                if let Some(f) = leading_number(&self.lines[line].1, &line_tokens[line], kind) {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
            }
            // A number the detector could not classify is redacted anyway (fail closed) when
            // the line was released while it was still being spoken, or when the line is a
            // caller's answer that is little but that number ("It is 7 3 9."): the cue that
            // would have classified it — the agent asking for the security code — may be what
            // recognition got wrong. A line whose speaker is unknown (a mono recording, a SIPREC
            // call with one mixed stream) may be the caller's. A stand-alone text answers no
            // question, so the rule does not apply to it.
            // So is a longer line's closing sentence that is such an answer ("Honestly, I always
            // knew from the same one everywhere. It's 6 to 0.8.", tiny.en on 8 kHz µ-law for a
            // PIN, after a question it garbled).
            let closing = closing_answer(&line_tokens[line]);
            let bare_answer = speaker != Speaker::Agent
                && !self.stand_alone
                && (words_besides_numbers(&line_tokens[line]) <= 3
                    || closing.is_some_and(|c| words_besides_numbers(c) <= 3));
            // A line whisper cut off while a value was being said: it ends in a number with no
            // stop after it, a value named before it ("Hi, it's Martin calling about my card,
            // the accounting in 4", tiny.en on mono for "… the account ending in four two one
            // nine."; the rest never written): from one digit on. Not a time ("… at 4").
            let toks = &line_tokens[line];
            let timed = toks.len() >= 2
                && matches!(
                    toks[toks.len() - 2].text.as_str(),
                    "at" | "around" | "by" | "until" | "till" | "before" | "after" | "about"
                );
            let cut_off = speaker != Speaker::Agent
                && !self.stand_alone
                && toks.last().is_some_and(|t| t.class != Class::Punct)
                && !timed
                && detect::names_a_value(toks);
            // A bare answer gives its number away from two digits on ("It is 7.3": two of a
            // CVV's three as tiny.en heard them on telephone audio).
            let tail = if bare_answer {
                trailing_number(&self.lines[line].1, &line_tokens[line], 2)
            } else if fail_closed_tail && line == last {
                trailing_number(&self.lines[line].1, &line_tokens[line], 3)
            } else {
                None
            };
            // The answer to a request for an e-mail that whisper half heard, a domain glued
            // to what is left of the rest ("Email address?" - "Maria.g addencle.com."): all of
            // it, as its partial showed it (fail closed).
            let before = self.other_line_before(&left_out, line);
            if !self.stand_alone
                && before.is_some_and(|b| {
                    asks_email(&line_tokens[b])
                        || asked_address_answered_with_domain(&line_tokens[b], &line_tokens[line])
                        || spelled_after_email_named(&line_tokens[b], &line_tokens[line])
                })
                && (detect::glued_domain(&line_tokens[line])
                    || ends_in_spoken_domain(&line_tokens[line])
                    || spells_an_address(&line_tokens[line])
                    || domain_sentence(&line_tokens[line]).is_some())
            {
                let (text, toks) = (&self.lines[line].1, &line_tokens[line]);
                // A domain said last ("Mike not Ross Eddie. not com.", tiny.en on mono for
                // "mike dot ross eighty seven at yahoo dot com") ends the address, whatever
                // stops whisper put in it.
                let glued = ends_in_glued_domain(toks)
                    || spells_an_address(toks)
                    || domain_said_last(toks)
                    || glued_at_both_ends(toks);
                findings.extend(email_answer(text, toks, glued));
            } else if let (false, Some((a, b))) = (
                self.stand_alone,
                before
                    .filter(|&b| asks_email(&line_tokens[b]))
                    .and_then(|_| glued_local_part(&line_tokens[line])),
            ) {
                let toks = &line_tokens[line];
                let text = &self.lines[line].1;
                let f = make_finding(
                    text,
                    FindingKind::Email,
                    toks[a].start,
                    toks[b].end,
                    0.5,
                    "",
                );
                findings.push(f);
            } else if !self.stand_alone && speaker == Speaker::Unknown {
                // On a mono recording the request and its answer may be one line ("What email
                // should receive Gorta? Mary Under's gorta, a tout look dot go dot UK.", tiny.en
                // for "What email should the receipt go to?" - "Mary underscore k at outlook dot
                // co dot uk."): what follows the line's last question asking for an e-mail.
                let toks = &line_tokens[line];
                if let Some(q) = toks.iter().rposition(|t| t.text == "?") {
                    let (asked, rest) = toks.split_at(q + 1);
                    if asks_email(asked)
                        && (detect::glued_domain(rest) || ends_in_spoken_domain(rest))
                    {
                        let glued = ends_in_glued_domain(rest);
                        findings.extend(asked_email(&self.lines[line].1, rest, glued));
                    }
                }
            }
            // An e-mail's name said again with a half-heard domain once one was given
            // ("J-O-N-E-S at mail.com." - "me? I'm the member after June." - "Yes, 77, so
            // Jones 77 at male.", tiny.en for "jones seventy seven at gmail"): a line not the
            // agent's that ends in "at" and a mail service's name, whole or half heard ("mail",
            // "male", "…mail"), its name no pronoun or verb ("… I'm at work", "The parcel is
            // from Tesco at Leeds.").
            if !self.stand_alone
                && speaker != Speaker::Agent
                && self.email_given
                && !findings.iter().any(|f| f.kind == FindingKind::Email)
            {
                let toks = &line_tokens[line];
                if let Some(end) = toks.iter().rposition(|t| t.class != Class::Punct) {
                    let (name, domain) = (end.checked_sub(2).map(|k| &toks[k]), &toks[end]);
                    let mail = domain.text.ends_with("mail")
                        || domain.text.ends_with("male")
                        || detect::MAIL_PROVIDERS.contains(&domain.text.as_str());
                    if end >= 2
                        && toks[end - 1].text == "at"
                        && domain.class == Class::Word
                        && mail
                        && name.is_some_and(|n| {
                            n.class != Class::Punct
                                && !detect::NOT_LOCAL_PART.contains(&n.text.as_str())
                        })
                    {
                        findings.extend(asked_email(&self.lines[line].1, toks, true));
                    }
                }
            }
            // An e-mail read out with its separators said, its request lost ("And what he may
            // read, shall we use?" - "It's em.ok for hyphen 77 ed proton.me.", base on 8 kHz
            // µ-law for "m dot okafor hyphen seventy seven at proton dot me"): a line that says
            // "hyphen", "underscore" or "dash" and ends in a glued domain is the address, as is
            // one that says "dot" before "at" and ends in a domain.
            // On the agent's line too, and with words after the domain, it is the address read
            // back ("Mary, hyphen Jones, tuk-tuk-tuk.uk, perfect.", tiny.en on µ-law for "mary
            // hyphen jones at talktalk dot co dot uk", its request and its answer garbled):
            // up to the domain's end.
            if !self.stand_alone && !findings.iter().any(|f| f.kind == FindingKind::Email) {
                let toks = &line_tokens[line];
                // Said between two pieces, not named ("type a hyphen").
                let said_before = |end: usize| {
                    (1..end).any(|k| {
                        matches!(toks[k].text.as_str(), "hyphen" | "underscore" | "dash")
                            && !matches!(toks[k - 1].text.as_str(), "a" | "an" | "the" | "no")
                    })
                };
                // The domain's last glued piece ("co" "." "uk").
                let glued_on = |mut end: usize| {
                    while end + 1 < toks.len()
                        && toks[end].text == "."
                        && toks[end].start == toks[end - 1].end
                        && toks[end + 1].start == toks[end].end
                    {
                        end += 2;
                    }
                    end
                };
                let clause_end = domain_clause(toks).map(|(_, end)| glued_on(end));
                if let Some(end) = clause_end.filter(|&end| said_before(end)) {
                    findings.extend(asked_email(&self.lines[line].1, &toks[..end], true));
                }
            }
            if !self.stand_alone
                && speaker != Speaker::Agent
                && !findings.iter().any(|f| f.kind == FindingKind::Email)
            {
                let toks = &line_tokens[line];
                let said = toks
                    .iter()
                    .any(|t| matches!(t.text.as_str(), "hyphen" | "underscore" | "dash"));
                // Or "dot" said before an "at", the line ending in a domain glued or said ("My
                // work one Tom Dot Baker at Baker M Sun's Dotco.uk", tiny.en for "… tom dot
                // baker at baker and sons dot co dot uk", its request garbled).
                let at = toks.iter().position(|t| t.text == "at");
                let dot_then_at = at.is_some_and(|a| toks[..a].iter().any(|t| t.text == "dot"));
                if (said && ends_in_glued_domain(toks))
                    || (dot_then_at && (ends_in_glued_domain(toks) || ends_in_spoken_domain(toks)))
                {
                    findings.extend(asked_email(&self.lines[line].1, toks, true));
                }
            }
            // An e-mail a line ends in while still being said ("It's priya dot", then "sharma
            // at gmail dot com."), where one is asked for or named: the next line goes on with
            // it.
            if !self.stand_alone && ends_in_joining_word(&line_tokens[line]) {
                let asked = before.is_some_and(|b| asks_email(&line_tokens[b]));
                let named = line_tokens[line]
                    .iter()
                    .any(|t| matches!(t.text.as_str(), "email" | "e-mail"));
                // Without the line's closing stop ("It's priya dot.").
                let toks = &line_tokens[line];
                let open = toks.len()
                    - toks
                        .iter()
                        .rev()
                        .take_while(|t| matches!(t.text.as_str(), "." | "…" | "?" | "!"))
                        .count();
                if let Some(f) = trailing_email(&self.lines[line].1, &toks[..open], asked || named)
                {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
            }
            // The other numbers on a line that gives a card number: its expiry, its security
            // code and the rest of its digits, however recognition wrote them.
            for f in card_line_numbers(&self.lines[line].1, &line_tokens[line], &findings) {
                findings.push(f);
            }
            for f in phone_line_rest(&self.lines[line].1, &line_tokens[line], &findings) {
                findings.push(f);
            }
            for f in neros_beside_values(&self.lines[line].1, &line_tokens[line], &findings) {
                findings.push(f);
            }
            if let Some(f) = nears_after_value(&self.lines[line].1, &line_tokens[line], &findings) {
                findings.push(f);
            }
            for f in zip_rest(&self.lines[line].1, &line_tokens[line], &findings) {
                findings.push(f);
            }
            let text = &self.lines[line].1;
            findings.extend(homophones_before_value(text, &line_tokens[line], &findings));
            findings.extend(underscore_spellings(text, &line_tokens[line], &findings));
            if speaker != Speaker::Agent && !self.stand_alone {
                let text = &self.lines[line].1;
                let chains = spoken_number_chains(text, &line_tokens[line], &findings);
                findings.extend(chains);
                findings.extend(bare_glued_address(text, &line_tokens[line], &findings));
            }
            // Codes of letters and digits glued together, wherever they stand in a caller's
            // line ("6yy1623").
            // The agent saying back an extension the caller just gave ("Extension 41, and what
            // time suits?").
            if speaker == Speaker::Agent && !self.stand_alone {
                let asked = before.map(|b| line_tokens[b].as_slice());
                // Given with a number before it on that line: not a desk asked for ("Can you
                // put me through to extension 41?").
                let gave = asked.is_some_and(|a| {
                    a.iter()
                        .position(|t| matches!(t.text.as_str(), "extension" | "ext"))
                        .is_some_and(|e| {
                            a[..e]
                                .iter()
                                .filter(|t| t.class == Class::Digits)
                                .map(|t| t.text.len())
                                .sum::<usize>()
                                >= 6
                        })
                });
                if gave {
                    let text = &self.lines[line].1;
                    let more = extensions(text, &line_tokens[line], asked, false, &findings);
                    findings.extend(more);
                }
            }
            if speaker != Speaker::Agent && !self.stand_alone {
                let asked = before.map(|b| line_tokens[b].as_slice());
                let text = &self.lines[line].1;
                for f in glued_codes(text, &line_tokens[line], asked) {
                    absorb(&mut findings, f);
                }
                let pieces = glued_pieces_beside(text, &line_tokens[line], asked, &findings);
                findings.extend(pieces);
                let more = asked_digits(text, &line_tokens[line], asked, &findings);
                findings.extend(more);
                let phone_heard = self.phone_heard();
                let more = extensions(text, &line_tokens[line], asked, phone_heard, &findings);
                findings.extend(more);
                let more = stuttered_values(text, &line_tokens[line], None, &findings);
                findings.extend(more);
            }
            // Digits read out one at a time ("7 3"), wherever they stand in a caller's short
            // line.
            let short = if words_besides_groups(&line_tokens[line]) <= 4 {
                Some(line_tokens[line].as_slice())
            } else {
                closing_answer(&line_tokens[line]).filter(|c| words_besides_groups(c) <= 4)
            };
            if let (Some(short), true) = (short, speaker != Speaker::Agent && !self.stand_alone) {
                for f in read_out_digits(&self.lines[line].1, short, 2) {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
                // With the number the line ends in, which is redacted below.
                let with_tail: Vec<Finding> = findings.iter().chain(&tail).cloned().collect();
                let more = short_line_numbers(&self.lines[line].1, short, &with_tail);
                findings.extend(more);
            }
            // Letters a line ends in may be a spelling cut off by the line's end ("It's S M",
            // then "I T H"): the next line of the same speaker is joined to it, but the line may
            // be released first, or the other party may speak next.
            if !self.stand_alone {
                if let Some(f) = trailing_letters(&self.lines[line].1, &line_tokens[line]) {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
            }
            if let Some(f) = tail {
                let kind = findings
                    .iter()
                    .find(|g| g.start <= f.start && f.end <= g.end)
                    .map(|g| g.kind)
                    .unwrap_or(f.kind);
                if !covered(&findings, f.start, f.end) {
                    findings.push(f);
                }
                if fail_closed_tail && line == last {
                    self.released_open.push((speaker, kind));
                }
            }
            // A redacted number ending the line may go on at the very start of the speaker's
            // next line ("It's 7 3" - "9."), unless a question asks for something else first.
            let asks = line_tokens[line].iter().any(|t| t.text == "?");
            self.number_goes_on.retain(|(s, _)| *s != speaker && !asks);
            if !self.stand_alone {
                let number_end = last_said(&line_tokens[line])
                    .filter(|t| tokens::is_number_word(t) || tokens::is_oh(&t.text))
                    .map(|t| t.end);
                let kind = number_end.and_then(|end| {
                    findings
                        .iter()
                        .find(|g| g.start < end && end <= g.end)
                        .map(|g| g.kind)
                });
                if let Some(kind) = kind {
                    self.number_goes_on.push((speaker, kind));
                }
            }
            if !self.stand_alone {
                self.heard_values_in(
                    speaker,
                    &self.lines[line].1,
                    &line_tokens[line],
                    &mut findings,
                );
                self.read_back_rest(
                    speaker,
                    &self.lines[line].1,
                    &line_tokens[line],
                    &mut findings,
                );
                self.card_groups_in(
                    speaker,
                    &self.lines[line].1,
                    &line_tokens[line],
                    &mut findings,
                );
                let text = self.lines[line].1.clone();
                self.date_parts_in(speaker, &text, &line_tokens[line], &mut findings);
                self.expiry_parts_in(speaker, &text, &line_tokens[line], &mut findings);
                self.learn_values(speaker, &findings);
                self.learn_card(speaker, &line_tokens[line], &findings);
                findings.extend(self.emails_said_again(&self.lines[line].1, &line_tokens[line]));
                findings.extend(self.emails_read_back(&text, &line_tokens[line], false));
                if speaker != Speaker::Caller && self.email_given {
                    let said = spoken_address_sentences(&text, &line_tokens[line], &findings);
                    findings.extend(said);
                }
                if speaker != Speaker::Caller && self.email_lines_ago.is_some_and(|n| n < 3) {
                    let said = domain_read_back(&text, &line_tokens[line], &findings);
                    findings.extend(said);
                }
                let asked = before.map(|b| line_tokens[b].as_slice());
                if speaker != Speaker::Agent && asked.is_some_and(asks_where_to_send) {
                    if let Some(f) = glued_domain_alone(&text, &line_tokens[line]) {
                        absorb(&mut findings, f);
                    }
                    // Or an answer ending in a domain said twice with "not" ("It's Mary High,
                    // Joan that talk, talk, not go not UK.", tiny.en live after "What he may
                    // also be send the receipt.", round 75).
                    // One sentence: a domain in a later one is no answer ("I don't have one.
                    // Try the office. It's on the bbc dot com").
                    let toks = &line_tokens[line];
                    let one_sentence = toks
                        .iter()
                        .rposition(|t| t.class != Class::Punct)
                        .is_some_and(|end| !sentence_ends_before(toks, end));
                    if !findings.iter().any(|f| f.kind == FindingKind::Email)
                        && one_sentence
                        && ends_in_spoken_domain(toks)
                    {
                        // A name found in it is the address's local part: the address's kind
                        // wins, so that its read-back is looked for.
                        if let Some(f) = asked_email(&text, toks, true) {
                            findings.retain(|g| {
                                !(g.kind == FindingKind::Name
                                    && f.start <= g.start
                                    && g.end <= f.end)
                            });
                            findings.push(f);
                        }
                    }
                    // Or an answer of one sentence naming a mail service, the rest garbled
                    // ("It's not Ramir and maybe one that outlook not", tiny.en on 8 kHz µ-law
                    // for "j dot ramirez eighty one at outlook dot com", round 83): the address,
                    // from its first word to the service's name and a "dot" or "not" after it.
                    if !findings.iter().any(|f| f.kind == FindingKind::Email) && one_sentence {
                        if let Some(f) = provider_answer(&text, toks) {
                            findings.push(f);
                        }
                    }
                }
                if self.email_lines_ago.is_some_and(|n| n < 3) {
                    findings.extend(dotted_words(&text, &line_tokens[line], &findings));
                    let more = self.email_digits_said_again(&text, &line_tokens[line], &findings);
                    findings.extend(more);
                }
                let email_found = findings.iter().any(|f| f.kind == FindingKind::Email);
                if self.email_given && self.email_lines_ago == Some(0) && !email_found {
                    findings.extend(garbled_email_read_back(&text, &line_tokens[line]));
                }
                self.email_given |= findings.iter().any(|f| f.kind == FindingKind::Email);
                let email_here = findings.iter().any(|f| f.kind == FindingKind::Email)
                    || asks_email(&line_tokens[line]);
                self.email_lines_ago = if email_here {
                    Some(0)
                } else {
                    self.email_lines_ago.map(|n| n.saturating_add(1))
                };
                // Written all in lower case, with the line before it ("can i get your email
                // address").
                let lower = |t: &str| !t.chars().any(char::is_uppercase);
                let lower_case = lower(&text) && line > 0 && lower(&self.lines[line - 1].1);
                self.learn_email_words(lower_case, &findings);
                // Said again later on the same line (a mono line of the answer and its
                // read-back: "It's john dot smith at gmail dot com. John dot smith, lovely.").
                let again = self.emails_said_again(&text, &line_tokens[line]);
                for f in again {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
                findings.extend(addresses_moved_between(
                    &text,
                    &line_tokens[line],
                    &findings,
                ));
                findings.extend(self.addresses_said_again(&self.lines[line].1, &line_tokens[line]));
                findings.extend(self.flats_said(
                    &self.lines[line].1,
                    &line_tokens[line],
                    &findings,
                ));
                self.learn_address_words(&text, &findings);
                self.address_goes_on(speaker, &text, &line_tokens[line], &mut findings);
            }
            email_pieces_before(&self.lines[line].1, &line_tokens[line], &mut findings);
            if !self.stand_alone {
                let mut again = self.secrets_said_again(&self.lines[line].1, &line_tokens[line]);
                // Or asked for by this speaker two lines before, its answer heard as no
                // credential ("What's your password …? I only need the second and fifth
                // characters." - "The pack of demars and the fit of thin pepper." - "R&7, thank
                // you.", base on 8 kHz µ-law, round 82).
                let secret_asked = line >= 2 && self.lines[line - 2].0 == speaker && {
                    let asked = self.lines[line - 2].1.to_lowercase();
                    entities::SECRET_QUESTIONS.iter().any(|q| asked.contains(q))
                };
                if speaker != Speaker::Caller && (self.secret_answered || secret_asked) {
                    again.extend(secret_read_back_opening(
                        &self.lines[line].1,
                        &line_tokens[line],
                    ));
                }
                for f in again {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
                self.learn_secrets(speaker, &findings);
            }
            self.learn_names(&findings);
            // A heard name widened to the first name before it ("John Smith" once "Smith" was
            // heard) teaches that first name too.
            let heard = self.heard_names_in(&self.lines[line].1, &line_tokens[line]);
            self.learn_names(&heard);
            findings.extend(heard);
            // Or a name asked for in the three lines before, its answer heard as no name ("Can
            // I take your fill name, please?" - "Yes, it's even I'm relying." - "Thank you, Oife,
            // …", tiny.en on mono for "Aoife", round 82).
            let name_asked = (line.saturating_sub(3)..line)
                .any(|l| self.lines[l].1.to_lowercase().contains("name"));
            if !self.stand_alone
                && speaker != Speaker::Caller
                && (!self.heard_names.is_empty() || name_asked)
            {
                let thanked = thanked_by_name(&self.lines[line].1, &line_tokens[line]);
                for f in thanked {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
            }
            findings.extend(names_run_on(
                &self.lines[line].1,
                &line_tokens[line],
                &findings,
            ));
            // Whatever rule found a value, the words for its digits beside it go with it
            // ("and the last bit in [CREDIT_DEBIT_NUMBER] Nero", base on a mono recording, its
            // value found only by the rules on the call's context above).
            let text = &self.lines[line].1;
            let beside = neros_beside_values(text, &line_tokens[line], &findings);
            findings.extend(beside);
            // A chain of them ("expires, oh for 27", tiny.en on mono for "oh four, twenty
            // seven"): each joins the value the one after it grew.
            for _ in 0..3 {
                let before = digit_words_before_values(text, &line_tokens[line], &findings);
                if before.is_empty() {
                    break;
                }
                findings.extend(before);
            }
            let flat = unit_numbers_before_addresses(text, &line_tokens[line], &findings);
            findings.extend(flat);
            let after = digits_after_values(text, &line_tokens[line], &findings);
            findings.extend(after);
            findings.extend(iban_openings(text, &line_tokens[line], &findings));
            let between = words_between_pieces(text, &line_tokens[line], &findings);
            findings.extend(between);
            findings.extend(near_after_card(text, &line_tokens[line], &findings));
            findings.extend(letters_before_values(text, &line_tokens[line], &findings));
            findings.extend(numbers_taken_back(text, &line_tokens[line], &findings));
            findings.extend(inward_codes_said(text, &line_tokens[line], &findings));
            findings.extend(hyphened_digits(text, &line_tokens[line], &findings));
            let months = months_beside_values(text, &line_tokens[line], &findings);
            findings.extend(months);
            findings.extend(years_after_dates(text, &line_tokens[line], &findings));
            findings.extend(months_before_slashes(text, &line_tokens[line], &findings));
            let streets = streets_beside_values(text, &line_tokens[line], &findings);
            findings.extend(streets);
            findings.extend(address_tails(text, &line_tokens[line], &findings));
            findings.extend(inward_letters(text, &line_tokens[line], &findings));
            if !self.heard_address_words.is_empty() {
                let house = house_numbers_before_addresses(text, &line_tokens[line], &findings);
                findings.extend(house);
            }
            if !self.stand_alone && self.lines[line].0 != Speaker::Agent {
                findings.extend(digits_read_out_in_words(
                    text,
                    &line_tokens[line],
                    &findings,
                ));
                findings.extend(digits_listed(text, &line_tokens[line], &findings));
                for f in read_out_digits(text, &line_tokens[line], 4) {
                    if !covered(&findings, f.start, f.end) {
                        findings.push(f);
                    }
                }
                findings.extend(groups_read_out(text, &line_tokens[line], &findings));
                findings.extend(digits_said_of_values(text, &line_tokens[line], &findings));
                findings.extend(digits_closing_line(text, &line_tokens[line], &findings));
                findings.extend(endings_said(text, &line_tokens[line], &findings));
                findings.extend(repeated_digits(text, &line_tokens[line], &findings));
            } else if !self.stand_alone
                && self
                    .heard_values
                    .iter()
                    .any(|v| v.speaker != Speaker::Agent && v.correction_lines > 0)
            {
                // The agent saying back the digits a value the caller may still correct ends in
                // ("So it ends for four. Got it.", tiny.en and base after "Sorry, the last bit is
                // 44, not 33.", round 72).
                findings.extend(endings_said(text, &line_tokens[line], &findings));
            }
            if !self.stand_alone {
                let (who, said) = self.lines[line].clone();
                self.answer_numbers_in(who, &said, &line_tokens[line], &mut findings);
                // The digits after a value only the answer's rules found ("Okay, do [PIN]
                // free.").
                let after = digits_after_values(&said, &line_tokens[line], &findings);
                findings.extend(after);
                if who != Speaker::Agent {
                    let over = repeats_after_values(&said, &line_tokens[line], &findings);
                    findings.extend(over);
                    let over = repeats_before_values(&said, &line_tokens[line], &findings);
                    findings.extend(over);
                }
            }
            if !self.stand_alone && self.lines[line].0 != Speaker::Agent {
                let more = numbers_among_values(&self.lines[line].1, &line_tokens[line], &findings);
                findings.extend(more);
            }
            let text = &self.lines[line].1;
            let street = house_numbers_before_states(text, &line_tokens[line], &findings);
            findings.extend(street);
            let rest = postcodes_after_addresses(text, &line_tokens[line], &findings);
            findings.extend(rest);
            let valued = self.heard_values.last().map(|v| v.kind);
            findings.extend(homophone_runs(
                &self.lines[line].1,
                &line_tokens[line],
                &findings,
                false,
                valued,
            ));
            let edges = number_edges_said(&self.lines[line].1, &line_tokens[line], &findings);
            findings.extend(edges);
            if let Some(kind) = valued {
                let group = groups_named(&self.lines[line].1, &line_tokens[line], &findings, kind);
                findings.extend(group);
            }
            let doubled = doubled_digits(&self.lines[line].1, &line_tokens[line], &findings);
            findings.extend(doubled);
            let glued = hyphen_glued_pieces(&self.lines[line].1, &line_tokens[line], &findings);
            findings.extend(glued);
            let next =
                digits_right_after_values(&self.lines[line].1, &line_tokens[line], &findings);
            findings.extend(next);
            // The words between two pieces that only the rules after the first look found
            // ("[NUMBER], H.E. [NUMBER].", tiny.en live for a date of birth's "Nine, three,
            // eighty-four" answering "For security, your date of birth in numbers?").
            let between = words_between_pieces(&self.lines[line].1, &line_tokens[line], &findings);
            findings.extend(between);
            // The number a cut-off line ends in, whatever no other rule found in it.
            if cut_off {
                let text = &self.lines[line].1;
                if let Some(f) = trailing_number(text, &line_tokens[line], 1) {
                    if !findings.iter().any(|g| g.start < f.end && f.start < g.end) {
                        findings.push(f);
                    }
                }
            }
            // The words of an address only a rule after the first learning found ("field ox
            // 4.4.12, Austin, Texas 78711.", tiny.en on 8 kHz µ-law for a P.O. box), so that
            // the agent's "Austin Texas." said back is it too.
            let text = self.lines[line].1.clone();
            self.learn_address_words(&text, &findings);
            let days = days_beside_birth_dates(&text, &line_tokens[line], &findings);
            findings.extend(days);
            if !self.stand_alone {
                self.learn_late_values(speaker, &findings);
            }
            let (speaker, text) = &self.lines[line];
            out.push(apply(*speaker, text, findings));
        }
        self.emitted = emit_until;
        // Keep only the context the next line can need: CONTEXT_LINES lines, not counting the
        // stalls and acknowledgements between them (a few at most).
        let left_out = self.left_out();
        let mut drop = self.emitted;
        let mut kept = 0;
        while drop > 0 && kept < CONTEXT_LINES && self.emitted - drop < 2 * CONTEXT_LINES + 2 {
            drop -= 1;
            kept += usize::from(!left_out[drop]);
        }
        self.lines.drain(..drop);
        self.emitted -= drop;
        out
    }

    /// Redacts a partial (not yet final) result of an utterance in progress, with the
    /// conversation's context, without committing it. Fails closed: a partial is a fragment
    /// whose numbers cannot be classified yet (the first digits of a card number, "4" then
    /// "45"), so every number in it is redacted, as `[NUMBER]` when the detector cannot say
    /// more. Values the detector classified, and a trailing number of 3+ digits, are remembered,
    /// and the final line of this speaker redacts them too.
    pub fn preview(&mut self, speaker: Speaker, partial: &str) -> Redaction {
        // As `guarded`: a bug in a rule hides the partial whole and leaves the context as it
        // was.
        let kept = (
            self.lines.len(),
            self.heard_names.len(),
            self.birth_months.len(),
            self.partial_memory.len(),
        );
        let run = std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            assert!(!std::mem::take(&mut self.panic_next), "a rule's bug");
            self.preview_step(speaker, partial)
        });
        std::panic::catch_unwind(run).unwrap_or_else(|_| {
            self.lines.truncate(kept.0);
            self.heard_names.truncate(kept.1);
            self.birth_months.truncate(kept.2);
            self.partial_memory.truncate(kept.3);
            self.failed_steps += 1;
            warn_failed(self.failed_steps, 1);
            hidden_whole(speaker, partial)
        })
    }

    fn preview_step(&mut self, speaker: Speaker, partial: &str) -> Redaction {
        self.lines.push((speaker, partial.to_string()));
        let (tokens, line_tokens) = self.window_tokens();
        let line = self.lines.len() - 1;
        let detections = detect_all(&tokens);
        let mut findings = self.line_findings(&tokens, &detections, line);
        if let Some(f) = trailing_number(partial, &line_tokens[line], 3) {
            if !covered(&findings, f.start, f.end) {
                findings.push(f);
            }
        }
        if let Some(f) = trailing_letters(partial, &line_tokens[line]) {
            findings.push(f);
        }
        for f in card_line_numbers(partial, &line_tokens[line], &findings) {
            findings.push(f);
        }
        // The other party's line right before, which this partial may answer (none for a
        // stand-alone text).
        // In a mono call (speaker unknown) the line before may be the other party's too.
        let asked = self
            .other_line_before(&self.left_out(), line)
            .filter(|_| !self.stand_alone)
            .map(|b| line_tokens[b].as_slice());
        if speaker != Speaker::Agent && !self.stand_alone {
            for f in glued_codes(partial, &line_tokens[line], asked) {
                absorb(&mut findings, f);
            }
            let more = asked_digits(partial, &line_tokens[line], asked, &findings);
            findings.extend(more);
            let phone_heard = self.phone_heard();
            let more = extensions(partial, &line_tokens[line], asked, phone_heard, &findings);
            findings.extend(more);
            let more = stuttered_values(partial, &line_tokens[line], None, &findings);
            findings.extend(more);
        }
        if speaker != Speaker::Agent && !self.stand_alone {
            // As the final's: two digits read out on a short line, four on a longer one.
            let short = words_besides_groups(&line_tokens[line]) <= 4;
            for f in read_out_digits(partial, &line_tokens[line], if short { 2 } else { 4 }) {
                if !covered(&findings, f.start, f.end) {
                    findings.push(f);
                }
            }
            if short {
                let more = short_line_numbers(partial, &line_tokens[line], &findings);
                findings.extend(more);
            }
        }
        // In an answer to a request for a value, digits heard as words as the final will take
        // them, and a last word that may be the first of them ("This side, nero,", tiny.en on
        // 8 kHz µ-law for a code's "eight, zero, three"): fail closed while it is said.
        if let (Some((kind, _, false)), Speaker::Caller | Speaker::Unknown, false) =
            (self.open_request, speaker, self.stand_alone)
        {
            let toks = &line_tokens[line];
            let more = answer_digit_words(partial, toks, kind, &findings);
            findings.extend(more);
            let more = stuttered_values(partial, toks, Some(kind), &findings);
            findings.extend(more);
            findings.extend(slashed_dates(partial, toks, kind, &findings));
            if let Some(t) = toks.iter().rev().find(|t| t.class != Class::Punct) {
                let digit_word = matches!(t.text.as_str(), "nero" | "nearo")
                    || tokens::homophone(&t.text).is_some();
                if kind != FindingKind::Email && digit_word && !covered(&findings, t.start, t.end) {
                    findings.push(make_finding(partial, kind, t.start, t.end, 0.3, ""));
                }
            }
        }
        // An e-mail being said with its request lost: a name glued by a dot or said with
        // "dot", then "at" ("My work one, Tom.baker at bay", tiny.en live on a call whose
        // "Which email is the account under?" came out as "We immediately account on that."):
        // from the name to the partial's end (fail closed; the final is redacted whole).
        if speaker != Speaker::Agent && !self.stand_alone {
            if let Some(f) = email_being_said(partial, &line_tokens[line]) {
                findings.push(f);
            }
        }
        // An e-mail named on the line or asked for on the other party's line before.
        let email_context = line_tokens[line]
            .iter()
            .any(|t| matches!(t.text.as_str(), "email" | "e-mail"))
            || asked.is_some_and(asks_email);
        findings.extend(trailing_email(partial, &line_tokens[line], email_context));
        findings.extend(trailing_value(partial, &line_tokens[line]));
        // Asked for on the other party's line, or read back on this one ("the address on file
        // is that still twenty two west elm").
        let address_asked = asked.is_some_and(|a| a.iter().any(|t| t.text == "address"))
            || line_tokens[line].iter().any(|t| t.text == "address");
        findings.extend(trailing_street(partial, &line_tokens[line], address_asked));
        findings.extend(trailing_iban(partial, &line_tokens[line]));
        findings.extend(password_begun(partial, &line_tokens[line]));
        findings.extend(trailing_id(partial, &line_tokens[line], asked));
        // The speaker's line before ended in a number this line may go on with.
        let goes_on =
            line > 0 && self.lines[line - 1].0 == speaker && ends_in_number(&line_tokens[line - 1]);
        findings.extend(number_word_begun(
            partial,
            &line_tokens[line],
            asked,
            goes_on || address_asked,
        ));
        if let Some(f) = address_going_on(partial, &line_tokens[line], &findings) {
            findings.push(f);
        }
        // A date of birth expected from this speaker (asked for, begun or being corrected), or
        // an expiry asked for on the other party's line before: the partial from its first word
        // past the openers ("January fif", "Sorry, March", "Sept", "Ju").
        let expected = if self.open_date.is_some_and(|(s, _)| s == speaker) {
            Some(FindingKind::DateOfBirth)
        } else if asked.is_some_and(|a| detect::asks_for(a, FindingKind::CreditDebitExpiry)) {
            Some(FindingKind::CreditDebitExpiry)
        } else {
            None
        };
        if let (Some(kind), false) = (expected, self.stand_alone) {
            let toks = &line_tokens[line];
            let n = partial.chars().count();
            // A number, an ordinal or a month is being said, or a month's first letters end the
            // partial (not "Why do you need that?").
            let dated = toks.iter().any(|t| {
                t.class == Class::Digits
                    || tokens::is_number_word(t)
                    || tokens::ordinal(&t.text).is_some()
                    || tokens::month(&t.text).is_some()
                    || (t.end == n && (month_begun(&t.text) || number_begun(&t.text)))
            });
            if let Some(after) = toks.iter().filter(|_| dated).position(|t| {
                t.class != Class::Punct
                    && !tokens::is_opener(&t.text)
                    && !CORRECTION_CUES.contains(&t.text.as_str())
                    && !matches!(t.text.as_str(), "er" | "erm" | "of" | "on" | "sure")
            }) {
                let month_cut = toks
                    .last()
                    .is_some_and(|t| t.end == n && (month_begun(&t.text) || number_begun(&t.text)));
                findings.extend(value_from(partial, toks, after, kind).or_else(|| {
                    month_cut.then(|| make_finding(partial, kind, toks[after].start, n, 0.4, ""))
                }));
            }
            // Each part of a date said later in the partial too ("…, no, eighty-one, the, um,
            // the fifth of M"): the value above may have ended before it.
            if dated {
                for t in toks {
                    let part = t.class == Class::Digits
                        || tokens::is_number_word(t)
                        || tokens::ordinal(&t.text).is_some()
                        || tokens::month(&t.text).is_some()
                        || (t.end == n && (month_begun(&t.text) || number_begun(&t.text)));
                    if part && !covered(&findings, t.start, t.end) {
                        findings.push(make_finding(partial, kind, t.start, t.end, 0.4, ""));
                    }
                }
            }
        }
        // An e-mail asked for, or asked again once one was said ("Sorry, can you repeat
        // that?" - "J, dot, smith, da").
        let repeat_asked = asked.is_some_and(|a| {
            a.iter()
                .any(|t| matches!(t.text.as_str(), "repeat" | "again" | "spell"))
        }) && !self.heard_emails.is_empty();
        // The speaker's line before ended in an e-mail's joining word ("It's priya dot"): this
        // one goes on with it.
        let email_goes_on = line > 0
            && self.lines[line - 1].0 == speaker
            && ends_in_joining_word(&line_tokens[line - 1]);
        let address_with_domain =
            asked.is_some_and(|a| asked_address_answered_with_domain(a, &line_tokens[line]));
        let spelled = asked.is_some_and(|a| spelled_after_email_named(a, &line_tokens[line]));
        if asked.is_some_and(asks_email)
            || repeat_asked
            || email_goes_on
            || address_with_domain
            || spelled
        {
            // "underscore" said makes it the address being spelled, as in the final line.
            let glued = ends_in_glued_domain(&line_tokens[line])
                || domain_said_last(&line_tokens[line])
                || spells_an_address(&line_tokens[line]);
            findings.extend(email_answer(partial, &line_tokens[line], glued));
        }
        // Names on lines still held back (a caller's line ending in a number waits for more)
        // count as heard for this partial ("Hi Kim, it's Marcus Bell, policy HB-448-2091." then the agent's
        // "Thanks Marcus").
        // So do the months of dates of birth on them.
        let (heard_before, months_before) = (self.heard_names.len(), self.birth_months.len());
        let lower_before = self.names_in_lower_case;
        for d in &detections {
            let held = tokens[d.first..d.last]
                .iter()
                .any(|t| t.line >= self.emitted && t.line < line);
            if !held {
                continue;
            }
            if d.kind == FindingKind::DateOfBirth {
                for m in tokens[d.first..d.last]
                    .iter()
                    .filter_map(|t| tokens::month(&t.text))
                {
                    if !self.birth_months.contains(&m) {
                        self.birth_months.push(m);
                    }
                }
            }
            if d.kind != FindingKind::Name {
                continue;
            }
            // As a final line's names are remembered ("my name's jo" held, then "thanks jo,"),
            // in lower case too when said so.
            let said = tokens[d.first..d.last]
                .iter()
                .filter(|t| t.class == Class::Word)
                .any(|t| t.text.chars().any(char::is_alphabetic) && !t.cap);
            self.names_in_lower_case |= said;
            self.remember_name_words(&d.normalized);
        }
        // And so do the partial's own ("my wife's name is Maria, Maria Lop").
        let own: Vec<String> = findings
            .iter()
            .filter(|f| f.kind == FindingKind::Name)
            .map(|f| f.value.original.clone())
            .collect();
        for name in own {
            self.remember_name_words(&name);
        }
        findings.extend(self.heard_names_in(partial, &line_tokens[line]));
        findings.extend(self.heard_name_begun(partial, &line_tokens[line]));
        findings.extend(relatives_name_begun(partial, &line_tokens[line]));
        findings.extend(relatives_name_after_comma(partial, &line_tokens[line]));
        findings.extend(intro_name_begun(partial, &line_tokens[line]));
        for (a, b) in entities::names_in_partial(&tokens, line, partial.chars().count()) {
            if !covered(&findings, a, b) {
                findings.push(make_finding(partial, FindingKind::Name, a, b, 0.4, ""));
            }
        }
        if !self.stand_alone {
            // What the conversation shows, as on the final line: a date of birth said in parts
            // or asked back, an address or e-mail read back.
            let mut spans = self.date_spans(speaker, &line_tokens[line]);
            // A date being asked back before its question mark ("Sorry, March").
            if self.open_date.is_some_and(|(s, _)| s != speaker) {
                spans.extend(detect::date_fragment(&line_tokens[line]));
            }
            add_dates_of_birth(partial, &line_tokens[line], &spans, &mut findings);
            findings.extend(self.emails_said_again(partial, &line_tokens[line]));
            findings.extend(self.emails_read_back(partial, &line_tokens[line], true));
            findings.extend(self.addresses_said_again(partial, &line_tokens[line]));
            findings.extend(self.flats_said(partial, &line_tokens[line], &findings));
            findings.extend(self.secrets_said_again(partial, &line_tokens[line]));
        }
        self.heard_names.truncate(heard_before);
        self.birth_months.truncate(months_before);
        self.names_in_lower_case = lower_before;
        // The words for a value's digits beside a value classified, as on the final line ("For
        // [CREDIT_DEBIT_NUMBER], sorry, …", "My social is built on for [SSN]", tiny.en live
        // for a card's and an SSN's first "four"; the final hid them).
        let toks = &line_tokens[line];
        let beside = neros_beside_values(partial, toks, &findings);
        findings.extend(beside);
        for _ in 0..3 {
            let before = digit_words_before_values(partial, toks, &findings);
            if before.is_empty() {
                break;
            }
            findings.extend(before);
        }
        findings.extend(homophones_before_value(partial, toks, &findings));
        let after = digits_after_values(partial, toks, &findings);
        findings.extend(after);
        findings.extend(near_after_card(partial, toks, &findings));
        findings.extend(letters_before_values(partial, toks, &findings));
        self.lines.pop();
        // Only what was classified, or cut off while being spoken, must stay redacted in the
        // final; the blanket mask below is for the screen only.
        let remembered = findings.clone();
        let toks = &line_tokens[line];
        for run in tokens::digit_runs(toks) {
            // With the letters glued to it, which may be the value's ("It's CB[NUMBER]I", tiny.en
            // live for an IBAN's "G B two nine", round 52; the final hid it whole).
            let glued =
                |t: &Token| t.class == Class::Word && t.text.chars().all(char::is_alphabetic);
            let mut first = run.first;
            while first > 0 && glued(&toks[first - 1]) && toks[first - 1].end == toks[first].start {
                first -= 1;
            }
            let mut last = run.last;
            while last < toks.len() && glued(&toks[last]) && toks[last].start == toks[last - 1].end
            {
                last += 1;
            }
            let (a, b) = (&toks[first], &toks[last - 1]);
            if !covered(&findings, a.start, b.end) {
                findings.push(make_finding(
                    partial,
                    FindingKind::Number,
                    a.start,
                    b.end,
                    0.3,
                    &run.digits,
                ));
            }
        }
        findings.extend(digit_words_beside_masks(partial, toks, &findings));
        // "double" or "triple" ending the partial counts a digit still being said ("Bye. My
        // member it is double.", tiny.en live as the caller began a member ID's "W two seven
        // four"): masked on screen until the final shows what it counted.
        if let Some(k) = toks.iter().rposition(|t| t.class != Class::Punct) {
            let t = &toks[k];
            if matches!(t.text.as_str(), "double" | "triple" | "treble")
                && !covered(&findings, t.start, t.end)
            {
                findings.push(make_finding(
                    partial,
                    FindingKind::Number,
                    t.start,
                    t.end,
                    0.3,
                    "",
                ));
            }
        }
        // As the final will: a run of words written for digits (one ending the partial may
        // grow), pieces glued by hyphens to a value, a flat's number before its address, a
        // street named beside any of them, and a value's last digits misheard as a closing
        // sentence.
        let valued = self.heard_values.last().map(|v| v.kind);
        // In a partial, the other party's line naming a value or saying a number is context
        // enough ("is the film number on file still right. It ends in 34." - "… well made for
        // for").
        let named = asked
            .filter(|a| detect::names_a_value(a) || a.iter().any(|t| t.class == Class::Digits))
            .map(|_| FindingKind::Number);
        findings.extend(homophone_runs(
            partial,
            &line_tokens[line],
            &findings,
            true,
            valued.or(named),
        ));
        if let Some(kind) = valued {
            findings.extend(groups_named(partial, &line_tokens[line], &findings, kind));
        }
        findings.extend(number_edges_said(partial, &line_tokens[line], &findings));
        let glued = hyphen_glued_pieces(partial, &line_tokens[line], &findings);
        findings.extend(glued);
        let flat = unit_numbers_before_addresses(partial, &line_tokens[line], &findings);
        findings.extend(flat);
        let streets = streets_beside_values(partial, &line_tokens[line], &findings);
        findings.extend(streets);
        findings.extend(underscore_spellings(partial, &line_tokens[line], &findings));
        if speaker != Speaker::Agent {
            findings.extend(digits_closing_line(partial, &line_tokens[line], &findings));
            if let Some(f) = glued_domain_alone(partial, &line_tokens[line])
                .filter(|_| asked.is_some_and(asks_where_to_send))
            {
                absorb(&mut findings, f);
            }
        }
        if self.email_lines_ago.is_some_and(|n| n < 3) && !self.stand_alone {
            findings.extend(dotted_words(partial, &line_tokens[line], &findings));
        }
        for f in &remembered {
            let digits = value_digits(f);
            if digits.len() >= 3
                && !self
                    .partial_memory
                    .iter()
                    .any(|(s, _, v)| *s == speaker && *v == digits)
            {
                self.partial_memory.push((speaker, f.kind, digits));
            }
        }
        apply(speaker, partial, findings)
    }

    /// The findings of window line `line`.
    fn line_findings(
        &self,
        tokens: &[Token],
        detections: &[detect::Detection],
        line: usize,
    ) -> Vec<Finding> {
        let text = &self.lines[line].1;
        let mut findings: Vec<Finding> = Vec::new();
        for d in detections {
            // A rule's span that ends before it begins is a bug: tests fail on it; a release
            // build hides the whole line rather than stop redacting the call (fail closed).
            debug_assert!(
                d.first <= d.last && d.last <= tokens.len(),
                "{:?} span {}..{}",
                d.kind,
                d.first,
                d.last
            );
            let Some(span) = tokens.get(d.first..d.last) else {
                let end = text.chars().count();
                findings.push(make_finding(text, d.kind, 0, end, d.confidence, ""));
                continue;
            };
            let inside: Vec<&Token> = span.iter().filter(|t| t.line == line).collect();
            let (Some(a), Some(b)) = (inside.first(), inside.last()) else {
                continue;
            };
            findings.push(make_finding(
                text,
                d.kind,
                a.start,
                b.end,
                d.confidence,
                &d.normalized,
            ));
        }
        findings.extend(written_emails(text));
        findings.extend(entities::written_patterns(text).into_iter().map(
            |(kind, start, end, conf, norm)| make_finding(text, kind, start, end, conf, &norm),
        ));
        findings.extend(self.known_names(text));
        findings
    }

    /// Adds names to redact wherever they occur (e.g. the customer's name from the CRM record).
    pub fn with_known_names<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        self.known_names = names
            .iter()
            .map(|n| n.as_ref().trim().to_lowercase())
            .filter(|n| n.len() >= 2)
            .collect();
        self
    }

    /// Adds to `findings` the numbers in a final line of `speaker` that repeat or correct one
    /// redacted earlier (one redacted only as a number gets the value's kind): the same digits,
    /// or four or more of its first or last (not after a reference cue), said by anyone ("Sorry,
    /// was that twelve twenty six?" after the expiry), or, in the next
    /// [`CORRECTION_LINES`] lines of the speaker who gave a value, a number of three digits or
    /// more and at most one longer, in a line that is little but the number or says it takes
    /// something back ("No wait, it's seven eight nine" after the CVV), not a reference ("order
    /// number 45310") or a written price ("49.99"), with the value's kind; so is such a number
    /// in the agent's line that is little but it, echoing the caller in that window ("Sorry,
    /// 456, got it"). An amount, time or count ("250 dollars") is
    /// neither.
    fn heard_values_in(
        &self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        for run in tokens::digit_runs(tokens) {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            // A digit or two only on a line that takes something back ("Sorry, the last one
            // should be 1."), and not a count ("the last one").
            let short = run.digits.len() < 3;
            if (short && (!corrects(tokens) || detect::not_a_group(tokens, &run)))
                || detect::is_amount_or_count(tokens, &run)
            {
                continue;
            }
            let covering = findings
                .iter()
                .position(|f| f.start <= a.start && b.end <= f.end);
            if covering.is_some_and(|i| findings[i].kind != FindingKind::Number) {
                continue;
            }
            let d = run.digits.as_str();
            // Part of a value matches by chance more often: not for a reference ("reference
            // 41555" after the phone number 415 555 …).
            let reference = detect::is_reference(tokens, &run);
            // Or, on the agent's line while the other party may still correct a long value
            // (a card, an account), three of its digits or more from anywhere in it ("Sorry,
            // well the third brew page, 814.", tiny.en on 8 kHz µ-law for "Sorry, was the
            // third group eight eight one four?", round 81).
            // Asked back: a question, or a line opening with "sorry", "so", "was" or "did" (not
            // "Your balance is 36 74." after a card with "3674" in it).
            let asks_back = tokens.iter().any(|t| t.text == "?")
                || tokens
                    .iter()
                    .find(|t| t.class == Class::Word)
                    .is_some_and(|t| matches!(t.text.as_str(), "sorry" | "so" | "was" | "did"));
            let piece_of_long = |v: &HeardValue| {
                speaker == Speaker::Agent
                    && asks_back
                    && v.speaker != speaker
                    && v.correction_lines > 0
                    && v.digits.len() >= 8
                    && d.len() >= 3
                    && v.digits.contains(d)
                    && !written_price(tokens, &run)
            };
            let again = self.heard_values.iter().rev().find(|v| {
                v.digits == d
                    || (!reference
                        && ((d.len() >= 4 && (v.digits.starts_with(d) || v.digits.ends_with(d)))
                            || (v.digits.len() >= 6 && d.contains(v.digits.as_str()))))
                    // A word for a group heard as a reference's ("brew page") names none there.
                    || piece_of_long(v)
            });
            let correcting = speaker != Speaker::Agent
                && !reference
                && !written_price(tokens, &run)
                && (words_besides_numbers(tokens) <= 3 || corrects(tokens));
            // The agent's short line echoing a piece of the caller's value while the caller may
            // still correct it ("No, it's 6 at the end, not 8." - "Sorry, 456 got it", base on
            // 8 kHz µ-law for a mobile's last group).
            let echoing = speaker == Speaker::Agent
                && !reference
                && run.digits.len() >= 3
                && !written_price(tokens, &run)
                && words_besides_numbers(tokens) <= 3;
            // Its own value, or one the agent just read out from the file ("I have your
            // number as …, is that right?" - "Yes, except the last two are 88, not 19.").
            let corrected = || {
                self.heard_values.iter().rev().find(|v| {
                    (correcting && (v.speaker == speaker || v.speaker == Speaker::Agent)
                        || (echoing && v.speaker != speaker))
                        && v.correction_lines > 0
                        && v.kind != FindingKind::Address
                        && d.len() <= v.digits.len() + 1
                })
            };
            match (again.or_else(corrected), covering) {
                // A number redacted only because it could not be classified gets the kind.
                (Some(v), Some(i)) => findings[i].kind = v.kind,
                (Some(v), None) => {
                    findings.push(make_finding(text, v.kind, a.start, b.end, 0.7, &run.digits))
                }
                (None, _) => {}
            }
        }
    }

    /// The digits left in clear on the agent's line that reads back what the caller gave
    /// (base on 8 kHz µ-law: "Let me read that back. Routing [BANK_ROUTING] Nero Nero Nero 1 3
    /// Account [BANK_ROUTING]i1773 0"): once the line says it reads back, or repeats a value the
    /// caller gave, every digit, number word and "Nero" on it, and a word ASR writes for a digit
    /// beside one, is redacted, in runs, with the kind of the value before it; an amount, a
    /// count or a number a word names a reference ("ticket 4410"), of two digits or more, is
    /// not. (A code glued to letters here is more likely a value garbled: "2i1773".) A line
    /// that is nothing but a number of three digits or more, once a value was given, echoes it.
    fn read_back_rest(
        &self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        const CUES: &[&str] = &[
            "read that back",
            "read it back",
            "read back",
            "reading back",
            "repeat that",
            "repeat it back",
            "so that's",
            "to confirm",
            "let me confirm",
            "confirming",
        ];
        // On a mono recording anyone may read back what anyone gave.
        let given: Vec<&HeardValue> = self
            .heard_values
            .iter()
            .filter(|v| {
                (v.speaker != Speaker::Agent || speaker == Speaker::Unknown)
                    && v.kind != FindingKind::Email
            })
            .collect();
        // A line of nothing but a number echoes a value either party gave (the agent may have
        // read it out from the file).
        let heard = self
            .heard_values
            .iter()
            .any(|v| v.kind != FindingKind::Email);
        // An address given counts by its words (its numbers may be too short to remember).
        if speaker == Speaker::Caller || (!heard && self.heard_address_words.is_empty()) {
            return;
        }
        let said = tokens
            .iter()
            .filter(|t| t.class != Class::Punct)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        // A value said again, whole or in part, or its first three digits ("So next 319-6 or
        // near of time." after "319-26405").
        let repeats = findings.iter().any(|f| {
            let d = value_digits(f);
            d.len() >= 3
                && given
                    .iter()
                    .any(|v| v.digits.contains(&d) || d.contains(&v.digits))
        }) || tokens::digit_runs(tokens).iter().any(|r| {
            // Glued to letters a run is a code to the rules, but one of five digits or more that
            // opens as a value given is that value read back ("d5512234", tiny.en for the
            // agent's "D five five one, two two zero, three four" after a driving licence).
            let code = r.digits.len() >= 5
                && r.first > 0
                && tokens[r.first - 1].class == Class::Word
                && tokens[r.first - 1].end == tokens[r.first].start;
            r.digits.len() >= 3
                && (code || !detect::not_a_group(tokens, r))
                && given
                    .iter()
                    .any(|v| v.digits.len() > 3 && v.digits.starts_with(&r.digits[..3]))
        });
        // Or a line of nothing but a number, echoing what was just given ("4532", "0.01.5.1",
        // "2 0 1 5 1", tiny.en and base for the agent saying each group of a card back), an
        // opener before it allowed ("So 4 4 8", "So, four, four, eight, eight,": round 55, the
        // caller's correction of a phone number the agent had read out from the file), and a
        // phone number's "plus" ("Plus 4/4/20/09/4/6/11/8.", tiny.en for the agent's "Plus four
        // four twenty seven nine four six double oh one eight", round 77).
        let mut spoken = tokens
            .iter()
            .filter(|t| t.class != Class::Punct)
            .skip_while(|t| tokens::is_opener(&t.text) || t.text == "plus")
            .peekable();
        let echo = spoken.peek().is_some()
            && spoken.all(|t| t.class == Class::Digits || digit_word(t))
            && tokens
                .iter()
                .map(|t| match t.class {
                    Class::Digits => t.text.chars().filter(char::is_ascii_digit).count(),
                    _ => usize::from(digit_word(t)),
                })
                .sum::<usize>()
                >= 3
            && heard;
        // Or a line opening with a number said back garbled, right after the other party's line
        // gave a value: its first clause nothing but digits, digit words and "and", two digits
        // at least ("4th and 3, I want to perfect you are logged in.", tiny.en on 8 kHz µ-law
        // for the agent's "Four seven three nine one two, perfect, …" after a one-time code).
        // "I'm" before it too, a first "five" half heard ("I'm free one, thank you, I went
        // through.", tiny.en on 8 kHz µ-law and live for "Five three one, thank you, that went
        // through." after a card's security code).
        let just_given = given.iter().any(|v| v.correction_lines == CORRECTION_LINES);
        let clause: Vec<usize> = (0..tokens.len())
            .skip_while(|&k| {
                tokens::is_opener(&tokens[k].text) || matches!(tokens[k].text.as_str(), "," | "i'm")
            })
            .take_while(|&k| tokens[k].class != Class::Punct)
            .collect();
        let numeric = |k: usize| tokens[k].class == Class::Digits || digit_word(&tokens[k]);
        let suffix = |k: usize| {
            k > 0
                && matches!(tokens[k].text.as_str(), "st" | "nd" | "rd" | "th")
                && tokens[k].start == tokens[k - 1].end
                && tokens[k - 1].class == Class::Digits
        };
        let opens_with_number = just_given
            && clause.first().is_some_and(|&k| numeric(k))
            && clause
                .iter()
                .all(|&k| numeric(k) || suffix(k) || tokens[k].text == "and")
            && clause.iter().filter(|&&k| numeric(k)).count() >= 2;
        // Or the line's digits, all of them in order, one digit off a value the other party
        // just gave ("192. Thank you, you're verified", tiny.en for the agent's "One nine nine
        // two" after the caller's PIN "1, 9, 9, 2"; "1 EG4 D5 MK7 2", for a Medicare number
        // given as "1-eG4-T85-MK7-2"), or five in a row within it ("F-plus, free, free, fix, 1, 2,
        // 3, 4, 5, 6, M-8.", base on 8 kHz µ-law for a French mobile "33612345678" said back),
        // or its last three or more ("So, send them to Nolo. I'm Nolo. 1, 2, 3. Thanks.",
        // tiny.en on µ-law for a mobile given as "07709.0123").
        // The digits glued to letters count ("EG4"); an amount's, a count's, a year's after "in"
        // or "since" and those a word names a reference do not.
        let (runs, other): (Vec<tokens::DigitRun>, Vec<tokens::DigitRun>) =
            tokens::digit_runs(tokens).into_iter().partition(|r| {
                !detect::is_amount_or_count(tokens, r)
                    && !detect::reference_cued(tokens, r)
                    && !detect::year_after_preposition(tokens, r)
                    && !written_price(tokens, r)
            });
        let line_digits: String = tokens
            .iter()
            .enumerate()
            .filter(|&(k, _)| !other.iter().any(|r| (r.first..r.last).contains(&k)))
            .flat_map(|(_, t)| t.text.chars().filter(char::is_ascii_digit))
            .collect();
        let garbled = given
            .iter()
            .rev()
            .filter(|v| v.correction_lines == CORRECTION_LINES && v.digits.len() >= 4)
            .find(|v| {
                (line_digits.len() >= 3 && one_edit_apart(&line_digits, &v.digits))
                    || runs.iter().any(|r| {
                        (r.digits.len() >= 5 && v.digits.contains(&r.digits))
                            || (r.digits.len() >= 3
                                && v.digits.len() >= 7
                                && v.digits.ends_with(&r.digits))
                    })
            })
            .map(|v| v.kind);
        if !repeats
            && !echo
            && !opens_with_number
            && garbled.is_none()
            && !CUES.iter().any(|c| said.contains(c))
        {
            return;
        }
        let words = digit_like_words(tokens, |r| {
            detect::is_amount_or_count(tokens, r) || detect::reference_cued(tokens, r)
        });
        let like = |w: usize| words[w].1;
        // Runs of digit-like words; a letter glued between two digits ("2i1773") joins them.
        let mut w = 0;
        while w < words.len() {
            if !like(w) {
                w += 1;
                continue;
            }
            let first = words[w].0;
            let mut last = first;
            w += 1;
            while w < words.len() {
                let k = words[w].0;
                let glued_letter = tokens[k].class == Class::Word
                    && tokens[k].text.chars().count() == 1
                    && tokens[k].start == tokens[last].end
                    && words.get(w + 1).is_some_and(|&(n, _, _)| {
                        tokens[n].start == tokens[k].end && tokens[n].class == Class::Digits
                    });
                if like(w) || glued_letter {
                    last = k;
                    w += 1;
                } else {
                    break;
                }
            }
            // With letters glued to either end ("LS6").
            let (first, last) = with_glued_words(tokens, first, last);
            let (start, end) = (tokens[first].start, tokens[last].end);
            if covered(findings, start, end) {
                continue;
            }
            let kind = findings
                .iter()
                .filter(|f| f.end <= start)
                .max_by_key(|f| f.end)
                .map_or(garbled.unwrap_or(FindingKind::Number), |f| f.kind);
            absorb(findings, make_finding(text, kind, start, end, 0.5, ""));
        }
    }

    /// The groups of a card number a speaker's last line began ("Four nine one seven, five five
    /// two one." - "Okay, go on." - "Then it's three six seven four, …"), on their next line:
    /// past the agent's question's reach, they are redacted as the card number, up to the
    /// longest one's digits; an amount, a reference, a count of digits and a number another
    /// cue classified are not.
    fn card_groups_in(
        &self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        let Some((s, mut said)) = self.open_groups else {
            return;
        };

        if s != speaker {
            return;
        }
        for run in tokens::digit_runs(tokens) {
            let n = run.digits.len();
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            let covering = findings
                .iter()
                .position(|f| f.start <= a.start && b.end <= f.end);
            // Redacted already as a number of no kind: whatever else it looks like (a code
            // glued to a letter, "m122881"), it goes on with the card.
            let unclassified = covering.is_some_and(|i| findings[i].kind == FindingKind::Number);
            let no_group = detect::not_a_group(tokens, &run);
            if !(2..=12).contains(&n)
                || said + n > detect::CARD_GROUPS_MAX_DIGITS
                || (no_group && !unclassified)
            {
                continue;
            }
            match covering {
                // Classified by a cue of its own ("… and my phone is 415 555 0132"); a number
                // only redacted as a number goes on with the card ("m122881").
                Some(i)
                    if findings[i].confidence >= 0.7 && findings[i].kind != FindingKind::Number =>
                {
                    continue
                }
                Some(i) => findings[i].kind = FindingKind::CreditDebitNumber,
                None => findings.push(make_finding(
                    text,
                    FindingKind::CreditDebitNumber,
                    a.start,
                    b.end,
                    0.5,
                    &run.digits,
                )),
            }
            // A count that only looks like one goes with the card but adds no digits to it:
            // "the next 4-0-R 3302" (base on mono for "the next four are …") would otherwise
            // fill the card before its last group.
            if !detect::counts_a_group(tokens, &run) {
                said += n;
            }
        }
        // The rest garbled on telephone audio ("and the last bit is 6p or free Nero1." for
        // "six four three zero"): from the first digit-like word to the last, when there are
        // two or more, one a digit or a number word, with three other words at most between.
        // A word ASR writes for a digit ("for", "free") counts beside another digit-like word.
        // "One" standing for a thing ("the one ending …") is no digit, nor is a number that is
        // an amount, a count or a reference ("The invoice 7947 shows 7 items.").
        let words = digit_like_words(tokens, |r| detect::not_a_group(tokens, r));
        let like: Vec<usize> = words.iter().filter(|w| w.1).map(|w| w.0).collect();
        let sound_or_digit = |k: usize| {
            words
                .iter()
                .any(|&(m, like, sound)| m == k && (like || sound))
        };
        if let (Some(&a), Some(&b)) = (like.first(), like.last()) {
            let others = (a..=b)
                .filter(|&k| tokens[k].class == Class::Word && !sound_or_digit(k))
                .count();
            let real = like.iter().any(|&k| tokens::is_number_word(&tokens[k]));
            // Only where no card digits were found on the line: they are then counted once.
            let found = findings
                .iter()
                .any(|f| f.kind == FindingKind::CreditDebitNumber);
            let (start, end) = (tokens[a].start, tokens[b].end);
            if like.len() >= 2
                && real
                && others <= 3
                && !covered(findings, start, end)
                && !found
                && said < detect::CARD_GROUPS_MAX_DIGITS
            {
                findings.push(make_finding(
                    text,
                    FindingKind::CreditDebitNumber,
                    start,
                    end,
                    0.4,
                    "",
                ));
            }
        }
    }

    /// The dates of birth on a line of `speaker` that only the conversation shows: while one is
    /// expected from them (asked for, or begun), a date said in parts or written with slashes,
    /// and a date around a month
    /// name on a line that corrects one ("No, the third of April."); while one is expected from
    /// the other party, a date asked back ("Sorry, March fourth?"); and, cue out of reach, a
    /// date said around the month of a date of birth given before, by either party (the agent
    /// reading it back: "Great, so the fourth of April nineteen eighty nine."; "It arrived on
    /// August 5th." is kept). Reads the memory only, so partials use it too.
    fn date_spans(&self, speaker: Speaker, tokens: &[Token]) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        match self.open_date {
            Some((s, _)) if s == speaker => {
                spans.extend(detect::date_fragment(tokens));
                // A date with a year in a longer answer, whatever else recognition made of it
                // ("When did it turn on November 1968?", base on 8 kHz µ-law for "Twenty third
                // of November, nineteen sixty eight."); not one without ("It arrived on August
                // 28th.").
                spans.extend(detect::dates_said(tokens).into_iter().filter(|&(a, b)| {
                    tokens::digit_runs(&tokens[a..b]).iter().any(|r| {
                        r.digits.len() == 4 && matches!(r.digits.get(..2), Some("19" | "20"))
                    })
                }));
                // A date written with slashes in a longer answer ("The first on the 12/99
                // did.", tiny.en on 8 kHz µ-law for "The first of the twelfth, nineteen
                // ninety").
                spans.extend(
                    tokens::digit_runs(tokens)
                        .into_iter()
                        .filter(|r| r.slashed)
                        .map(|r| (r.first, r.last)),
                );
                if corrects(tokens) {
                    spans.extend(detect::dates_said(tokens));
                    // A year corrected after a correction's word ("1980. No, 81.").
                    spans.extend(
                        tokens::digit_runs(tokens)
                            .into_iter()
                            .filter(|r| {
                                r.digits.len() == 2
                                    || (r.digits.len() == 4
                                        && matches!(r.digits.get(..2), Some("19" | "20")))
                            })
                            .filter(|r| {
                                tokens[..r.first].iter().rev().take(3).any(|t| {
                                    t.class == Class::Word
                                        && CORRECTION_CUES.contains(&t.text.as_str())
                                })
                            })
                            .map(|r| (r.first, r.last)),
                    );
                }
            }
            // Read back right after it was given, as a statement ("March 15, 19th, and your
            // lip code...", base on 8 kHz µ-law after the caller's "Oh three, fifteen, nineteen
            // seventy." came out as "0359197.", whose digits match no month and day).
            Some((_, left)) if left == DATE_LINES => {
                spans.extend(detect::dates_said(tokens));
                // Or its digits read back as whisper wrote them, no date to recognise ("12-3-8-8.
                // Thank you.", "12th, 3, 8, 8. Thank you.", base and tiny.en on 8 kHz µ-law for
                // "Twelve, three, eighty eight." after "Twelfth of the third, eighty eight."):
                // three digits or more, with a day written as an ordinal right before them.
                spans.extend(
                    tokens::digit_runs(tokens)
                        .into_iter()
                        .filter(|r| {
                            r.digits.len() >= 3
                                && !detect::is_amount_or_count(tokens, r)
                                && !detect::is_reference(tokens, r)
                                && !detect::reference_cued(tokens, r)
                        })
                        .map(|r| {
                            // "12th" is "12" and a glued "th"; "twelfth" a word.
                            let suffix = |k: usize| {
                                k > 0
                                    && matches!(tokens[k].text.as_str(), "th" | "st" | "nd" | "rd")
                                    && tokens[k - 1].class == Class::Digits
                                    && tokens[k - 1].end == tokens[k].start
                            };
                            let mut first = r.first;
                            if first >= 2 && tokens[first - 1].text == "," {
                                if suffix(first - 2) {
                                    first -= 3;
                                } else if tokens::ordinal(&tokens[first - 2].text).is_some() {
                                    first -= 2;
                                }
                            }
                            (first, r.last)
                        }),
                );
            }
            Some(_) if tokens.iter().any(|t| t.text == "?") => {
                spans.extend(detect::dates_said(tokens));
                // The year asked back ("And the year, 1990?").
                spans.extend(
                    tokens::digit_runs(tokens)
                        .into_iter()
                        .filter(|r| {
                            r.digits.len() == 4 && matches!(r.digits.get(..2), Some("19" | "20"))
                        })
                        .map(|r| (r.first, r.last)),
                );
            }
            _ => {}
        }
        spans.extend(
            detect::dates_said(tokens)
                .into_iter()
                .filter(|&(first, last)| {
                    tokens[first..last]
                        .iter()
                        .filter_map(|t| tokens::month(&t.text))
                        .any(|m| self.birth_months.contains(&m))
                }),
        );
        // A birth month and two digits of a year after it, a number no day can be ("Surd of
        // March 88", tiny.en live for the agent's "Third of March, eighty eight", round 75).
        for k in 0..tokens.len() {
            if !tokens::month(&tokens[k].text).is_some_and(|m| self.birth_months.contains(&m)) {
                continue;
            }
            let j = if tokens.get(k + 1).is_some_and(|t| t.text == ",") {
                k + 2
            } else {
                k + 1
            };
            // Four digits are `detect::dates_said`'s ("March 1988").
            let year = tokens.get(j).is_some_and(|t| {
                t.class == Class::Digits
                    && t.text.len() == 2
                    && t.text.parse::<u32>().is_ok_and(|n| n > 31)
            });
            if year {
                spans.push((k, j + 1));
            }
        }
        // A date with a year someone alive was born in, said right after the other party gave
        // a number, is that number read back as a date ("The eyes of March 1984. Thank you.",
        // tiny.en for the agent's "Ninth of March, nineteen eighty-four" after the caller's
        // "Nine, three, eighty-four" came out as "9-3-H-E-4" and its question as "your NATO
        // mercy numbers"); on a mono recording, right after any line that gave one.
        let just_given = self.heard_values.iter().any(|v| {
            (v.speaker != speaker || speaker == Speaker::Unknown)
                && v.correction_lines == CORRECTION_LINES
                && !matches!(v.kind, FindingKind::Email | FindingKind::Address)
        });
        // And one a line asks to confirm ("I have you worn on March 3rd, 1990, is that
        // right?", base for the agent's "I have you born on March the third, nineteen ninety.
        // Is that right?", read from the file: the caller's correction "No, March the 13th"
        // followed).
        let said: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let confirms = said
            .windows(3)
            .any(|w| w[0] == "is" && w[1] == "that" && matches!(w[2], "right" | "correct"));
        // Or a month and a day with no year whose digits the value just given holds as a month
        // and a day, either way round ("April 9th, I'm Antitwant. Thank you." after "0409,
        // 1971.", base on 8 kHz µ-law for "Oh four, oh nine, nineteen seventy one.", its
        // question heard as "What's your name, Tomber?" and the read-back's year garbled).
        let given: Vec<&str> = self
            .heard_values
            .iter()
            .filter(|v| {
                (v.speaker != speaker || speaker == Speaker::Unknown)
                    && v.correction_lines == CORRECTION_LINES
                    && v.digits.len() >= 4
            })
            .map(|v| v.digits.as_str())
            .collect();
        if !given.is_empty() {
            spans.extend(detect::dates_said(tokens).into_iter().filter(|&(a, b)| {
                let month = tokens[a..b].iter().find_map(|t| tokens::month(&t.text));
                let day = tokens[a..b].iter().find_map(|t| match t.class {
                    Class::Digits => t.text.parse::<u32>().ok(),
                    _ => tokens::ordinal(&t.text),
                });
                let (Some(m), Some(d)) = (month, day.filter(|d| (1..=31).contains(d))) else {
                    return false;
                };
                let (md, dm) = (format!("{m:02}{d:02}"), format!("{d:02}{m:02}"));
                // Or without their zeros in a number no longer than a date's ("4, 9, 1971"
                // written as "491971", live).
                let (md1, dm1) = (format!("{m}{d}"), format!("{d}{m}"));
                given.iter().any(|g| {
                    g.contains(&md)
                        || g.contains(&dm)
                        || (g.len() <= 8 && (g.contains(&md1) || g.contains(&dm1)))
                })
            }));
        }
        // The agent saying back a number shaped as a whole date while the caller's date of
        // birth is asked and not yet over ("1911-90, thank you.", tiny.en live on 8 kHz µ-law
        // after the answer was heard as "I've been so many lemons, I'm [NAME].", round 73): six
        // or eight digits that read as a day, a month and a year.
        if speaker == Speaker::Agent && self.open_date.is_some_and(|(s, _)| s != speaker) {
            spans.extend(
                tokens::digit_runs(tokens)
                    .into_iter()
                    .filter(|r| {
                        date_shaped(&r.digits)
                            && !detect::is_amount_or_count(tokens, r)
                            && !detect::is_reference(tokens, r)
                    })
                    .map(|r| (r.first, r.last)),
            );
        }
        if just_given || confirms {
            spans.extend(detect::dates_said(tokens).into_iter().filter(|&(a, b)| {
                tokens::digit_runs(&tokens[a..b]).iter().any(|r| {
                    r.digits.len() == 4
                        && r.digits
                            .parse::<u32>()
                            .is_ok_and(|y| (1900..2020).contains(&y))
                })
            }));
        }
        spans
    }

    /// Redacts the dates of birth [`Redactor::date_spans`] finds on a line of `speaker`, then
    /// remembers whether this line gave one.
    fn date_parts_in(
        &mut self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        let spans = self.date_spans(speaker, tokens);
        add_dates_of_birth(text, tokens, &spans, findings);
        let gave = findings.iter().any(|f| f.kind == FindingKind::DateOfBirth);
        for f in findings
            .iter()
            .filter(|f| f.kind == FindingKind::DateOfBirth)
        {
            let said: String = text.chars().skip(f.start).take(f.end - f.start).collect();
            for word in said.split(|c: char| !c.is_alphabetic()) {
                let m = tokens::month(&word.to_lowercase());
                if let Some(m) = m.filter(|m| !self.birth_months.contains(m)) {
                    self.birth_months.push(m);
                }
            }
        }
        self.open_date = if gave {
            // A date asked or read back keeps it open for the party whose date it is.
            match self.open_date {
                Some((s, _)) if s != speaker => Some((s, DATE_LINES)),
                _ => Some((speaker, DATE_LINES)),
            }
        } else if speaker == Speaker::Agent && detect::asks_for(tokens, FindingKind::DateOfBirth) {
            Some((Speaker::Caller, DATE_LINES))
        } else if speaker == Speaker::Unknown && detect::asks_for(tokens, FindingKind::DateOfBirth)
        {
            // A mono call: the answer comes on a line of the same unknown speaker.
            Some((Speaker::Unknown, DATE_LINES))
        } else {
            match self.open_date {
                // The other party's question about something else ("And how many cards do you
                // have?") ends it; "And the day?", "Year?" do not.
                Some((s, _)) if (s != speaker || s == Speaker::Unknown) && asks_other(tokens) => {
                    None
                }
                Some((s, left)) => (left > 1).then(|| (s, left - 1)),
                None => None,
            }
        };
    }

    /// Every number left in a caller's line that answers the agent's request for a value, or
    /// goes on answering it past the agent's acknowledgements ("What's the best number to reach
    /// you?" - "Area code is [PHONE]." - "Okay." - "Then 555 and the last 4046."; "Now the three
    /// numbers on the back of the card, please." - "On the bag, the 749."): whatever words
    /// recognition put around it or glued to it ("It's M4EIN."), it is that value (fail closed).
    /// A caller's line right after their own line that gave a value is no more of it ("It's
    /// [DATE_OF_BIRTH]." - "Please press 9 for billing."): the agent's acknowledgement between
    /// says it is. The agent's line opens the next answer with its own request, or closes it.
    fn answer_numbers_in(
        &mut self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        match speaker {
            Speaker::Caller => {
                if let Some((kind, lines, given)) = self.open_request {
                    if !given {
                        let more = answer_numbers(text, tokens, kind, findings);
                        findings.extend(more);
                        let more = answer_digit_words(text, tokens, kind, findings);
                        findings.extend(more);
                        let more = stuttered_values(text, tokens, Some(kind), findings);
                        findings.extend(more);
                        findings.extend(slashed_dates(text, tokens, kind, findings));
                        findings.extend(lone_digits(text, tokens, kind, findings));
                    }
                    // A question of the caller's own puts the answer off ("Um, first of all,
                    // can I ask something?"): their next line is no answer unless the agent
                    // acknowledges or says yes between.
                    let asks = tokens.last().is_some_and(|t| t.text == "?");
                    // A part of a long value ("The first three are 421.", of an SSN said in
                    // three lines) leaves the answer open for the rest.
                    let part = !findings.is_empty() && part_of_long_value(kind, tokens, findings);
                    let given = given || asks || (!findings.is_empty() && !part);
                    self.open_request = (lines > 1).then_some((kind, lines - 1, given));
                }
            }
            Speaker::Agent => {
                // A number opening the agent's line while a value asked for is being given is
                // its read-back, however recognition garbled either ("I'm 01" - "991, great.",
                // tiny.en for the last four "nine nine, oh one" read back: the caller's two
                // digits were a part and left the request open). Once given whole, the
                // read-back rules match its digits (`read_back_rest`); given garbled, they
                // cannot, and the number opening the agent's line is still its read-back ("A1
                // i'm..." - "815, thank you.", base on 8 kHz µ-law for a security code, round
                // 77). Not when the answer gave a value the read-back rules can match ("1884"
                // after the PIN "1992" is no read-back of it).
                let matchable = self.heard_values.iter().any(|v| {
                    v.speaker != Speaker::Agent
                        && v.correction_lines == CORRECTION_LINES
                        && v.digits.len() >= 3
                });
                if let Some((kind, _, _)) = self.open_request.filter(|r| !r.2 || !matchable) {
                    let more = read_back_opening(text, tokens, kind, findings);
                    findings.extend(more);
                }
                // "Yes, all nine please.", to the caller's "Do you need all nine?": a yes with
                // no question or request of its own keeps the request open.
                let kind = request_kind(tokens);
                let yes = kind.is_none()
                    && tokens.first().is_some_and(|t| {
                        matches!(
                            t.text.as_str(),
                            "yes" | "yeah" | "yep" | "correct" | "exactly"
                        )
                    })
                    && !tokens.iter().any(|t| t.text == "?");
                if kind.is_none() && asks_again(tokens) {
                    // What was asked before, or, its request lost, the kind of the value the
                    // other party gave last ("Please set a folder to the IN44 button can." -
                    // "Can I use the URI was born? [DATE_OF_BIRTH]." - "… Please choose
                    // another.", tiny.en for a PIN's request).
                    let kind = self.open_request.map(|(kind, _, _)| kind).or_else(|| {
                        self.heard_values
                            .iter()
                            .rev()
                            .find(|v| v.speaker != Speaker::Agent)
                            .map(|v| v.kind)
                    });
                    if let Some(kind) = kind {
                        self.open_request = Some((kind, ANSWER_LINES, false));
                    }
                } else if !acknowledges(tokens) && !yes {
                    self.open_request = kind.map(|k| (k, ANSWER_LINES, false));
                } else if let Some((_, _, given)) = &mut self.open_request {
                    *given = false;
                }
            }
            // On a mono recording a line may hold both the request and its answer ("And the
            // building street. 1122 sunset newly-mired apartment iron.", base for "And the
            // billing street?" - "Eleven twenty two Sunset Boulevard, apartment nine."): the
            // sentences after the last one that asks for a value answer it, and the lines after
            // it go on answering it as a caller's do.
            Speaker::Unknown => {
                let sentences = sentences(tokens);
                // The first question of the line's own ends what answers the request before.
                let asking = |&(from, to): &(usize, usize)| {
                    tokens[to - 1].text == "?" || request_kind(&tokens[from..to]).is_some()
                };
                let first_question = sentences.iter().find(|s| asking(s)).map(|s| s.0);
                if let Some((kind, lines, false)) = self.open_request {
                    let upto = first_question.unwrap_or(tokens.len());
                    let more = answer_numbers(text, &tokens[..upto], kind, findings);
                    findings.extend(more);
                    let more = answer_digit_words(text, &tokens[..upto], kind, findings);
                    findings.extend(more);
                    let more = stuttered_values(text, &tokens[..upto], Some(kind), findings);
                    findings.extend(more);
                    let more = lone_digits(text, &tokens[..upto], kind, findings);
                    findings.extend(more);
                    // As on a caller's line: a part of a long value (a PIN a digit a line)
                    // leaves the answer open for the rest.
                    let part = part_of_long_value(kind, &tokens[..upto], findings);
                    let given = findings.is_empty() || !part;
                    // An acknowledgement between the parts ("Yep.", garbled "Work.") is the
                    // agent's, and spends none of the answer's lines.
                    let spent = u8::from(!(findings.is_empty() && acknowledges(tokens)));
                    self.open_request = (lines > spent).then_some((kind, lines - spent, given));
                }
                let last_question = sentences.iter().rev().find(|s| asking(s));
                match last_question.map(|&(from, to)| (request_kind(&tokens[from..to]), to)) {
                    Some((Some(kind), to)) => {
                        let mut more = answer_numbers(text, &tokens[to..], kind, findings);
                        more.extend(answer_digit_words(text, &tokens[to..], kind, findings));
                        let given = !more.is_empty();
                        findings.extend(more);
                        self.open_request = Some((kind, ANSWER_LINES, given));
                    }
                    // A question about something else closes it; asking for the same again
                    // opens it anew, or the one an earlier sentence of the line asked ("… what
                    // was the old one? My old PIN was [PIN]. And what would you like the new one
                    // to be?").
                    Some((None, _)) => {
                        let earlier = sentences
                            .iter()
                            .rev()
                            .find_map(|&(from, to)| request_kind(&tokens[from..to]));
                        self.open_request = earlier
                            .or(self.open_request.map(|(kind, _, _)| kind))
                            .filter(|_| asks_again(tokens))
                            .map(|kind| (kind, ANSWER_LINES, false));
                    }
                    None if asks_again(tokens) => {
                        if let Some((_, lines, given)) = &mut self.open_request {
                            (*lines, *given) = (ANSWER_LINES, false);
                        }
                    }
                    None if acknowledges(tokens) => {
                        if let Some((_, _, given)) = &mut self.open_request {
                            *given = false;
                        }
                    }
                    None => {}
                }
            }
        }
    }

    /// While the agent's (or an unknown speaker's) question for a card's expiry is open
    /// ([`EXPIRY_LINES`] lines), the
    /// expiry said in words or read back on either party's line: a month ("August next year",
    /// "The end of March", "March which year?") or a month and year in digits ("So that is 08
    /// 27?"). Then opens or closes the question with this line.
    fn expiry_parts_in(
        &mut self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        let was_open = self.open_expiry > 0;
        if was_open {
            expiries_in(text, tokens, findings);
            self.open_expiry -= 1;
            // The agent asking about something else ("And the CVV?") closes it.
            let of_the_date = tokens.iter().any(|t| {
                t.class == Class::Digits
                    || tokens::month(&t.text).is_some()
                    || matches!(t.text.as_str(), "year" | "month" | "date")
                    || t.text.starts_with("expir")
            });
            if speaker != Speaker::Caller && tokens.iter().any(|t| t.text == "?") && !of_the_date {
                self.open_expiry = 0;
            }
        }
        // On a mono recording the agent's question is an unknown speaker's, and the sentences
        // after it on its line may answer it ("Thank you and the expiry. It runs out at the end
        // of next March, so [CREDIT_DEBIT_EXPIRY].", tiny.en and base).
        if speaker != Speaker::Caller {
            let asks = |t: &[Token]| detect::asks_for(t, FindingKind::CreditDebitExpiry);
            let asked = sentences(tokens)
                .into_iter()
                .rev()
                .find(|&(from, to)| asks(&tokens[from..to]));
            if asked.is_some() || asks(tokens) {
                self.open_expiry = EXPIRY_LINES;
            }
            if let (Speaker::Unknown, false, Some((_, to))) = (speaker, was_open, asked) {
                expiries_in(text, &tokens[to..], findings);
            }
        }
    }

    /// A line of the speaker whose line before (theirs, the other party's between) gave an
    /// address, that is only letters and numbers, as a postcode's second half or a house
    /// number said on its own: redacted as the address. Then remembers whether this line gave
    /// one.
    fn address_goes_on(
        &mut self,
        speaker: Speaker,
        text: &str,
        tokens: &[Token],
        findings: &mut Vec<Finding>,
    ) {
        if self.open_address.is_some_and(|(s, _)| s == speaker) {
            let said: Vec<&Token> = tokens
                .iter()
                .filter(|t| t.class != Class::Punct)
                .skip_while(|t| {
                    tokens::is_opener(&t.text) || matches!(t.text.as_str(), "sorry" | "no")
                })
                .collect();
            let letters_and_numbers = said.iter().enumerate().all(|(k, t)| {
                t.class == Class::Digits
                    || tokens::is_number_word(t)
                    || tokens::is_oh(&t.text)
                    || t.text.chars().count() == 1
                    // Letters glued to a digit: "2AA" is the tokens "2" and "aa".
                    || (k > 0
                        && said[k - 1].class == Class::Digits
                        && said[k - 1].end == t.start
                        && t.text.chars().count() <= 3
                        && t.text.chars().all(|c| c.is_ascii_alphabetic()))
            });
            if (2..=6).contains(&said.len()) && letters_and_numbers {
                let (a, b) = (said[0], said[said.len() - 1]);
                if !covered(findings, a.start, b.end) {
                    findings.push(make_finding(
                        text,
                        FindingKind::Address,
                        a.start,
                        b.end,
                        0.5,
                        "",
                    ));
                }
            }
        }
        // The caller's correction of the address the other party just said back ("So that's 42
        // Willow Lane?" - "Sorry, no, it's 52, not 42."): its numbers are the address's (not the
        // agent's "sorry b three": the caller's next line goes on with the address). On a mono
        // recording the read-back and the correction are the same unknown speaker's.
        if speaker != Speaker::Agent
            && self
                .open_address
                .is_some_and(|(s, _)| s != speaker || speaker == Speaker::Unknown)
            && corrects(tokens)
        {
            for run in tokens::digit_runs(tokens) {
                let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
                if detect::is_amount_or_count(tokens, &run)
                    || detect::is_reference(tokens, &run)
                    || covered(findings, a.start, b.end)
                {
                    continue;
                }
                findings.push(make_finding(
                    text,
                    FindingKind::Address,
                    a.start,
                    b.end,
                    0.5,
                    &run.digits,
                ));
            }
        }
        // The agent saying back the address the caller just gave, however recognition wrote it
        // ("So that's 42 Willowlene CB23QC.", "Got it, 52 willowling"): its codes of letters
        // and digits, and the numbers the caller's address had (not as an amount or a time).
        // On a mono recording, any line in the address's window: its codes are the glued-code
        // rule's already.
        let agent =
            speaker == Speaker::Agent && self.open_address.is_some_and(|(s, _)| s != speaker);
        let mono = speaker == Speaker::Unknown && self.open_address.is_some();
        if agent || mono {
            let mut said: Vec<Finding> = if agent {
                glued_codes(text, tokens, None)
            } else {
                Vec::new()
            };
            for run in tokens::digit_runs(tokens) {
                // Its first digit heard as a homophone before the rest ("For 20 Elm Street, …",
                // base for the agent's "Four twenty Elm Street" after "420 Helm's Treat").
                let homophone = run
                    .first
                    .checked_sub(1)
                    .and_then(|k| tokens::homophone(&tokens[k].text).map(|d| (k, d)))
                    .filter(|&(_, d)| self.address_numbers.contains(&format!("{d}{}", run.digits)));
                if (self.address_numbers.contains(&run.digits) || homophone.is_some())
                    && !detect::is_amount_or_count(tokens, &run)
                {
                    // With the street's name after it, however garbled ("22 bar Chavenu and
                    // the new postcode", base for "Twenty two Birch Avenue. And the new
                    // postcode?"): up to three words to the clause's end.
                    let mut last = run.last - 1;
                    for t in tokens[run.last..].iter().take(3) {
                        if t.class != Class::Word
                            || matches!(
                                t.text.as_str(),
                                "and" | "is" | "thank" | "thanks" | "please"
                            )
                        {
                            break;
                        }
                        last += 1;
                    }
                    let first = homophone.map_or(run.first, |(k, _)| k);
                    let (a, b) = (&tokens[first], &tokens[last]);
                    said.push(make_finding(
                        text,
                        FindingKind::Address,
                        a.start,
                        b.end,
                        0.5,
                        &run.digits,
                    ));
                }
            }
            for mut f in said {
                if !covered(findings, f.start, f.end) {
                    f.kind = FindingKind::Address;
                    findings.push(f);
                }
            }
        }
        if speaker != Speaker::Agent {
            for run in tokens::digit_runs(tokens) {
                let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
                let in_address = findings.iter().any(|f| {
                    f.kind == FindingKind::Address && f.start <= a.start && b.end <= f.end
                });
                // Not a postcode's digit glued to its letters ("EC1A 1BB"); a house number
                // glued to a street's first syllable is one ("to 22ber chavanou", base for
                // "twenty two Birch Avenue").
                let glued = (run.first > 0 && tokens[run.first - 1].end == a.start)
                    || tokens.get(run.last).is_some_and(|t| {
                        t.start == b.end && t.class == Class::Word && t.text.chars().count() <= 2
                    });
                if in_address && !glued && !self.address_numbers.contains(&run.digits) {
                    self.address_numbers.push(run.digits);
                }
            }
        }
        let gave = findings.iter().any(|f| f.kind == FindingKind::Address);
        self.open_address = if gave {
            Some((speaker, 2))
        } else {
            match self.open_address {
                Some((s, left)) if left > 1 => Some((s, left - 1)),
                _ => None,
            }
        };
    }

    /// Remembers whether a final line of `speaker` left a card number open: card digits, fewer
    /// than a card's 16 in all with those of their line before (when that left one open).
    fn learn_card(&mut self, speaker: Speaker, tokens: &[Token], findings: &[Finding]) {
        // The digits said on this line: a number run on from the line before carries that
        // line's digits in its value too, which are counted already. A count redacted with the
        // card ("the next 4-0-R 3302", base on mono for "the next four are …") is none of its
        // digits.
        let digits: usize = tokens::digit_runs(tokens)
            .iter()
            .filter(|r| {
                let (a, b) = (tokens[r.first].start, tokens[r.last - 1].end);
                findings
                    .iter()
                    .any(|f| f.kind == FindingKind::CreditDebitNumber && f.start <= a && b <= f.end)
                    && !detect::counts_a_group(tokens, r)
            })
            .map(|r| r.digits.len())
            .sum();

        // The other party asking for another value ("And the expiry date?") closes it: the
        // answer is that value, no group of the card.
        let asks_other = || {
            detect::CUES.iter().any(|(kind, _)| {
                *kind != FindingKind::CreditDebitNumber && detect::asks_for(tokens, *kind)
            })
        };
        let before = match self.open_groups {
            Some((s, n)) if s == speaker => n,
            // The other party's line ("Okay, go on.") leaves it open.
            Some(_) if digits == 0 && !asks_other() => return,
            _ => 0,
        };
        self.open_groups =
            (digits > 0 && before + digits < 16).then_some((speaker, before + digits));
    }

    /// Counts a final line of `speaker` against the correction window of the values they gave,
    /// then remembers the numbers among its `findings` (three digits or more); a value the
    /// other party gave, said back whole or within a longer number, stays theirs and opens
    /// their window again.
    fn learn_values(&mut self, speaker: Speaker, findings: &[Finding]) {
        for v in self
            .heard_values
            .iter_mut()
            .filter(|v| v.speaker == speaker)
        {
            v.correction_lines = v.correction_lines.saturating_sub(1);
        }
        for f in findings {
            let mut digits = value_digits(f);
            // A value some rule found by its words: the digits as said ("for 532"), number
            // words too ("one two three four five six D", base on 8 kHz µ-law for a national
            // insurance number, round 80: its read-back "AB1234560" was shown), when a kind
            // was found for them (a number of no kind may be an amount said in words:
            // "forty-nine-nine-nine twice").
            if digits.is_empty() && f.kind != FindingKind::Email {
                digits = spoken_digits(&f.value.original, f.kind != FindingKind::Number);
            }
            // A security code heard with a digit lost ([`short_code_digits`]).
            let short_code = digits.len() < 3 && {
                let code = short_code_digits(f);
                digits = code.clone().unwrap_or(digits);
                code.is_some()
            };
            if (digits.len() < 3 && !short_code) || f.kind == FindingKind::Email {
                continue;
            }
            // Said back by the other party ("So that's 4532 0151 …?"): the value stays the
            // speaker's who gave it, and the read-back opens their window to correct it again.
            let mut read_back = false;
            for v in self.heard_values.iter_mut().filter(|v| {
                v.speaker != speaker
                    && (v.digits == digits || (v.digits.len() >= 4 && digits.contains(&v.digits)))
            }) {
                v.correction_lines = CORRECTION_LINES;
                read_back |= v.digits == digits;
            }
            if read_back {
                continue;
            }
            self.heard_values.retain(|v| v.digits != digits);
            self.heard_values.push(HeardValue {
                speaker,
                kind: f.kind,
                digits,
                correction_lines: CORRECTION_LINES,
            });
        }
        // A value said in pieces the rules found apart ("I think it's 5, 8, and then maybe a
        // 6."): their digits joined too, so that the whole said back ("Five eight six?") is it.
        let mut pieces: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.kind != FindingKind::Email && !value_digits(f).is_empty())
            .collect();
        pieces.sort_by_key(|f| f.start);
        let joined: String = pieces.iter().map(|f| value_digits(f)).collect();
        if pieces.len() >= 2
            && joined.len() >= 3
            && !self.heard_values.iter().any(|v| v.digits == joined)
        {
            self.heard_values.push(HeardValue {
                speaker,
                kind: pieces[0].kind,
                digits: joined,
                correction_lines: CORRECTION_LINES,
            });
        }
    }

    /// The values of a final line of `speaker` that only the rules after [`Self::learn_values`]
    /// found (an answer's numbers: "It's 7 and 4, then 2 and 9." after "Can you tell me your
    /// pen?", base for a PIN, whose read-back "7429, thank you." was shown), remembered as it
    /// remembers values, three digits or more, unless known already; and every value's digits
    /// as written when its rules kept fewer ("1 EG4-T85 MK72.", a Medicare number tiny.en and
    /// base wrote with letters between, kept as "48572"), so that a read-back one digit off
    /// the whole is it ("1-EG4-D5-MK7-2.").
    fn learn_late_values(&mut self, speaker: Speaker, findings: &[Finding]) {
        for f in findings.iter().filter(|f| said_in_digits(f)) {
            let kept = value_digits(f);
            let written: String = f
                .value
                .original
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            // A security code heard with a digit lost ([`short_code_digits`]) too.
            let code = short_code_digits(f);
            let short = code.is_some();
            for digits in [kept, written, code.unwrap_or_default()] {
                if (digits.len() >= 3 || (short && digits.len() == 2))
                    && !self.heard_values.iter().any(|v| v.digits == digits)
                {
                    self.heard_values.push(HeardValue {
                        speaker,
                        kind: f.kind,
                        digits,
                        correction_lines: CORRECTION_LINES,
                    });
                }
            }
        }
    }

    /// The e-mail local parts heard before, said again as a chain of two of their words or
    /// more, with whatever joins them (separators said or written, commas, numbers): "Tom,
    /// hyphen, baker", the agent's "so that's tom dot baker?".
    fn emails_said_again(&self, text: &str, tokens: &[Token]) -> Vec<Finding> {
        let joiner = |t: &Token| {
            matches!(
                t.text.as_str(),
                "dot" | "period" | "underscore" | "dash" | "hyphen" | "," | "." | "-" | "_"
            ) || t.class == Class::Digits
        };
        said_again(
            text,
            tokens,
            &self.heard_email_words,
            joiner,
            FindingKind::Email,
        )
    }

    /// The digits of an e-mail's local part heard in the last lines, said again on their own
    /// ("J-Smith77 at protonmail.com" - "What's that J-Mith? 7/7?", round 58, tiny.en and base
    /// at 16 kHz: the read-back's name garbled past [`Redactor::emails_read_back`], its digits
    /// shown): a number whose digits are a group of two or more of the local part's, said back
    /// in a question or a sentence of two other words at most, as the e-mail. Only while an
    /// e-mail was given within three lines (a year said much later is a year).
    fn email_digits_said_again(
        &self,
        text: &str,
        tokens: &[Token],
        findings: &[Finding],
    ) -> Vec<Finding> {
        let groups: Vec<&str> = self
            .heard_emails
            .iter()
            .flat_map(|(local, _)| local.split(|c: char| !c.is_ascii_digit()))
            .filter(|g| g.len() >= 2)
            .collect();
        // Said back: in a question, or in a short sentence ("Seventy seven." - not "My son is
        // eighty four.", a number of the caller's own).
        let sentences = sentences(tokens);
        let said_back = |k: usize| {
            sentences.iter().any(|&(from, to)| {
                (from..to).contains(&k)
                    && (tokens[to - 1].text == "?"
                        || tokens[from..to]
                            .iter()
                            .filter(|t| t.class == Class::Word && !tokens::is_number_word(t))
                            .count()
                            <= 2)
            })
        };
        tokens::digit_runs(tokens)
            .into_iter()
            .filter(|r| groups.contains(&r.digits.as_str()) && said_back(r.first))
            .map(|r| (tokens[r.first].start, tokens[r.last - 1].end))
            .filter(|&(start, end)| !covered(findings, start, end))
            .map(|(start, end)| make_finding(text, FindingKind::Email, start, end, 0.4, ""))
            .collect()
    }

    /// The e-mail addresses heard before, read back in another form: the local part whole, its
    /// letters and digits said or written in any grouping ("j smith eight four", "J S M I T H
    /// 84"), two pieces or more or one with "at" after it, and the domain after "at" as far as
    /// it goes. In a partial (`partial`), the local part's first four characters or more at its
    /// end are enough: the rest is still being said.
    fn emails_read_back(&self, text: &str, tokens: &[Token], partial: bool) -> Vec<Finding> {
        let mut out = Vec::new();
        for (local, domain) in &self.heard_emails {
            let mut s = 0;
            while s < tokens.len() {
                let Some((end, pieces)) = match_compact(tokens, s, local) else {
                    s += 1;
                    continue;
                };
                let said = local.len() - end.1;
                let whole = end.1 == 0;
                let at = |k: usize| {
                    tokens
                        .get(k)
                        .is_some_and(|t| matches!(t.text.as_str(), "at" | "@"))
                };
                // Ending the line, or but for a written address's joining character ("joanna.").
                let at_end = tokens[end.0 + 1..]
                    .iter()
                    .all(|t| matches!(t.text.as_str(), "." | "_" | "-" | "+"));
                let letters_and_digits = local.chars().any(|c| c.is_ascii_digit())
                    && local.chars().any(|c| c.is_alphabetic());
                let taken = if whole {
                    pieces >= 2 || at(end.0 + 1) || letters_and_digits
                } else {
                    // Being read back in a partial: four letters of it or more, in one piece
                    // too ("joanna" of "joanna.lew@…").
                    partial && at_end && said >= 4
                };
                if !taken {
                    s += 1;
                    continue;
                }
                let mut last = end.0;
                if whole && at(last + 1) {
                    if let Some(((d, _), _)) = match_compact(tokens, last + 2, domain) {
                        last = d;
                    } else {
                        last += 1;
                    }
                }
                out.push(make_finding(
                    text,
                    FindingKind::Email,
                    tokens[s].start,
                    tokens[last].end,
                    0.7,
                    "",
                ));
                s = last + 1;
            }
        }
        out
    }

    /// The addresses heard before, said again as a chain of two of their words or more: the
    /// agent's "Queen's Gate Mews, perfect." after "Flat 2, 9 Queen's Gate Mews.".
    /// A house number glued to its letter counts as one of those words ("3B LOS, thank you,
    /// I've updated it.", base on a mono recording after "No, we moved to 3B LOS 178QT." for
    /// "Three Birch Close").
    fn addresses_said_again(&self, text: &str, tokens: &[Token]) -> Vec<Finding> {
        let joiner = |t: &Token| matches!(t.text.as_str(), "," | "'" | "s" | "-");
        let mut out = said_again(
            text,
            tokens,
            &self.heard_address_words,
            joiner,
            FindingKind::Address,
        );
        let heard = |w: &str| self.heard_address_words.iter().any(|h| h == w);
        for k in 0..tokens.len().saturating_sub(2) {
            let (number, letter, word) = (&tokens[k], &tokens[k + 1], &tokens[k + 2]);
            let code = number.class == Class::Digits
                && letter.class == Class::Word
                && letter.start == number.end
                && heard(&format!("{}{}", number.text, letter.text));
            if code && word.line == number.line && heard(&word.text) {
                let end = out
                    .iter()
                    .find(|f| f.start == word.start)
                    .map_or(word.end, |f| f.end);
                out.push(make_finding(
                    text,
                    FindingKind::Address,
                    number.start,
                    end,
                    0.6,
                    "",
                ));
            } else if code {
                // Alone, with a place's capitalised name after it ("For [ADDRESS], 3C
                // Springfield got it.", base at 16 kHz and on 8 kHz µ-law for the agent's "…
                // three C, Springfield." after "Apartment 3C, Pringfield, Illinois"); not a
                // word that opens what the speaker says next.
                let capitalised = word.line == number.line
                    && word.class == Class::Word
                    && word.text.chars().count() >= 4
                    && text.chars().nth(word.start).is_some_and(char::is_uppercase)
                    && !matches!(
                        word.text.as_str(),
                        "thank" | "thanks" | "okay" | "great" | "perfect" | "lovely" | "that's"
                    );
                let end = if capitalised { word.end } else { letter.end };
                out.push(make_finding(
                    text,
                    FindingKind::Address,
                    number.start,
                    end,
                    0.6,
                    "",
                ));
            }
        }
        out
    }

    /// A flat's, apartment's or suite's number said once an address was heard, its street not
    /// said again ("That's it, but it's flat two, not flat three.", after the agent's "I have
    /// your address as flat three, twenty Hill Street, Bath."; whisper writes "flat too, not
    /// flat free" as often): the word and the number, a digit's homophone or a number word
    /// too, are the address's. Not a flat rate or a unit counted ("flat 5 percent").
    fn flats_said(&self, text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
        if self.heard_address_words.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for k in 0..tokens.len().saturating_sub(1) {
            let (unit, n) = (&tokens[k], &tokens[k + 1]);
            // A homophone after "unit" only before a number ("unit for 12 …"; not "send the
            // unit for repair", "the unit to London").
            let homophone = tokens::homophone(&n.text).is_some()
                && (unit.text != "unit"
                    || tokens
                        .get(k + 2)
                        .is_some_and(|a| a.line == n.line && tokens::is_number_word(a)));
            let number = n.line == unit.line
                && ((n.class == Class::Digits && n.text.len() <= 4)
                    || tokens::is_number_word(n)
                    || homophone);
            let counted = tokens.get(k + 2).is_some_and(|a| {
                a.line == n.line
                    && (a.text == "%" || detect::UNITS_AFTER.contains(&a.text.as_str()))
            });
            if !matches!(
                unit.text.as_str(),
                "flat" | "apartment" | "apt" | "suite" | "unit"
            ) || !number
                || counted
                || covered(findings, unit.start, n.end)
            {
                continue;
            }
            // The street read back after it, its name and its word garbled past the address
            // rules ("Unit 4 Banksy Estreet and the postcode", "unit for 12 Bancier trees.",
            // round 58 live for "Unit four, twelve Banksia Street"): numbers, capitalised words,
            // and a word of four letters or more in lower case right after a capitalised one
            // (not "and", "then"), commas between.
            let said = |j: usize| {
                let t = &tokens[j];
                t.line == n.line
                    && (tokens::is_number_word(t)
                        || (t.class == Class::Word && t.cap)
                        || (t.class == Class::Word
                            && tokens[j - 1].cap
                            && tokens[j - 1].class == Class::Word
                            && t.text.chars().count() >= 4
                            && !matches!(
                                t.text.as_str(),
                                "then" | "that" | "this" | "with" | "from" | "please" | "right"
                            )))
            };
            let mut end = k + 1;
            while let Some(j) = (end + 1..tokens.len()).find(|&j| tokens[j].text != ",") {
                if j > end + 2 || !said(j) {
                    break;
                }
                end = j;
            }
            out.push(make_finding(
                text,
                FindingKind::Address,
                unit.start,
                tokens[end].end,
                0.4,
                "",
            ));
        }
        out
    }

    /// Remembers the words of the addresses among `findings` (two letters or more, numbers and
    /// unit words aside), and their house numbers glued to a letter or two ("3b").
    fn learn_address_words(&mut self, text: &str, findings: &[Finding]) {
        for f in findings.iter().filter(|f| f.kind == FindingKind::Address) {
            let said: String = text.chars().skip(f.start).take(f.end - f.start).collect();
            let said = said.to_lowercase();
            for code in said.split(|c: char| !c.is_alphanumeric()) {
                let letters = code.trim_start_matches(|c: char| c.is_ascii_digit());
                let glued = letters.len() < code.len()
                    && (1..=2).contains(&letters.chars().count())
                    && letters.chars().all(char::is_alphabetic);
                if glued && !self.heard_address_words.iter().any(|w| w == code) {
                    self.heard_address_words.push(code.to_string());
                }
            }
            // Split as the tokenizer does: "Queen's" is one word.
            for word in said.split(|c: char| !(c.is_alphabetic() || c == '\'')) {
                let word = word.trim_matches('\'');
                if word.chars().count() >= 2
                    && !matches!(
                        word,
                        "flat" | "apartment" | "apt" | "unit" | "suite" | "floor" | "the" | "of"
                    )
                    && !self.heard_address_words.iter().any(|w| w == word)
                {
                    self.heard_address_words.push(word.to_string());
                }
            }
        }
    }

    /// Remembers the words of the e-mails among `findings`; `lower_case`: their line and the
    /// line before it are written all in lower case.
    fn learn_email_words(&mut self, lower_case: bool, findings: &[Finding]) {
        for f in findings.iter().filter(|f| f.kind == FindingKind::Email) {
            // Spoken in a call ASR writes all in lower case ("yeah its marcus underscore lee
            // at proton mail dot com"): the call's names are written so too ("thanks marcus").
            let spoken = f.value.original.split_whitespace().any(|w| {
                matches!(
                    w.trim_matches(|c: char| !c.is_alphabetic()),
                    "at" | "dot" | "underscore"
                )
            });
            if spoken && lower_case {
                self.names_in_lower_case = true;
            }
            let value = f.value.normalized.to_lowercase();
            let local = value.split('@').next().unwrap_or_default();
            let compact =
                |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).collect() };
            let heard = (
                compact(local),
                compact(value.split('@').nth(1).unwrap_or_default()),
            );
            if heard.0.chars().count() >= 4 && !self.heard_emails.contains(&heard) {
                self.heard_emails.push(heard);
            }
            for word in local.split(|c: char| !c.is_alphabetic()) {
                if word.chars().count() >= 2
                    && !matches!(word, "dot" | "underscore" | "hyphen" | "dash" | "at")
                    && !self.heard_email_words.iter().any(|w| w == word)
                {
                    self.heard_email_words.push(word.to_string());
                }
                // A word of the local part is mostly the caller's name ("pete.omalley", then
                // "Thanks Pete"): remembered as one, but for a mailbox's usual words.
                if word.chars().count() >= 3
                    && !MAILBOX_WORDS.contains(&word)
                    && !entities::NOT_NAME.contains(&word)
                    && !self.heard_names.iter().any(|w| w == word)
                {
                    self.heard_names.push(word.to_string());
                }
            }
        }
    }

    /// Remembers the words of a credential given in words on a line of `speaker` that is not the
    /// agent's (a memorable word, a maiden name, a first pet's name: "Biscuit. He was a
    /// spaniel."), for its read-back ([`Self::secrets_said_again`]): words of three letters or
    /// more that are no name's ([`entities::NOT_NAME`]) nor of a caller not giving one ("I
    /// don't remember"), one to three of them; a longer answer is no such word.
    fn learn_secrets(&mut self, speaker: Speaker, findings: &[Finding]) {
        const NOT_A_SECRET: &[&str] = &[
            "don't", "know", "remember", "forgot", "forget", "sure", "think", "repeat", "question",
            "moment", "second", "minute", "hold", "wait", "hang", "let", "see", "check", "one",
            "was", "were", "called", "named", "name", "there", "been",
        ];
        self.secret_answered = speaker != Speaker::Agent
            && findings.iter().any(|f| {
                f.kind == FindingKind::Pin && !f.value.original.chars().any(|c| c.is_ascii_digit())
            });
        if speaker == Speaker::Agent {
            return;
        }
        for f in findings.iter().filter(|f| f.kind == FindingKind::Pin) {
            let said = f.value.original.to_lowercase();
            if said.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let words: Vec<&str> = said
                .split(|c: char| !c.is_alphabetic() && c != '\'')
                .map(|w| w.trim_matches('\''))
                // "Bartholomew's" said back is "Bartholomew" to the matcher.
                .map(|w| w.strip_suffix("'s").unwrap_or(w))
                .filter(|w| {
                    w.chars().count() >= 3
                        && !entities::NOT_NAME.contains(w)
                        && !NOT_A_SECRET.contains(w)
                })
                .collect();
            if !(1..=3).contains(&words.len()) {
                continue;
            }
            for w in words {
                if !self.heard_secrets.iter().any(|h| h == w) {
                    self.heard_secrets.push(w.to_string());
                }
            }
        }
    }

    /// A word of a credential given in words said again, by either party and in any case
    /// ("Biscuit, lovely, that matches.", "Fitzgerald, thank you."): the credential.
    fn secrets_said_again(&self, text: &str, tokens: &[Token]) -> Vec<Finding> {
        tokens
            .iter()
            .filter(|t| {
                let word = t.text.strip_suffix("'s").unwrap_or(&t.text);
                t.class == Class::Word && self.heard_secrets.iter().any(|h| h == word)
            })
            .map(|t| make_finding(text, FindingKind::Pin, t.start, t.end, 0.6, ""))
            .collect()
    }

    /// Remembers each word of `name` that is a name's: "Zara's" is Zara's, and two letters are
    /// a name ("Li Na", "Ed", "Jo") unless a word of that length.
    fn remember_name_words(&mut self, name: &str) {
        for word in name
            .to_lowercase()
            .split(|c: char| !c.is_alphabetic() && c != '\'')
        {
            let word = word.trim_matches('\'');
            let word = word.strip_suffix("'s").unwrap_or(word);
            let long_enough = match word.chars().count() {
                0 | 1 => false,
                2 => !TWO_LETTER_WORDS.contains(&word),
                _ => true,
            };
            if long_enough
                && !entities::NOT_NAME.contains(&word)
                && !self.heard_names.iter().any(|w| w == word)
            {
                self.heard_names.push(word.to_string());
            }
        }
    }

    /// Remembers the words of the names among `findings` for the rest of the conversation.
    fn learn_names(&mut self, findings: &[Finding]) {
        for f in findings.iter().filter(|f| f.kind == FindingKind::Name) {
            let said = &f.value.original;
            if said.chars().any(char::is_alphabetic) && !said.chars().any(char::is_uppercase) {
                self.names_in_lower_case = true;
            }
            // A spelled name's normalised value is the name ("S M I T H": "smith").
            for source in [&f.value.original, &f.value.normalized] {
                self.remember_name_words(source);
            }
        }
    }

    /// Capitalised words of one line that are a name heard earlier in the conversation, with the
    /// capitalised words right after them ("Maria Lopez" once "Maria" was heard).
    fn heard_names_in(&self, text: &str, tokens: &[Token]) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            // "Tyler's" is Tyler's name too.
            let word = t.text.strip_suffix("'s").unwrap_or(&t.text);
            let heard = |w: &str| self.heard_names.iter().any(|n| n == w);
            // In lower case only when the call is written so, and not a name that is a common
            // word too ("will", "bill", "mark").
            let lower_ok = |w: &str| self.names_in_lower_case && !WORDS_AND_NAMES.contains(&w);
            if !(t.class == Class::Word && heard(word) && (t.cap || lower_ok(word))) {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            while end < tokens.len()
                && end - i < 3
                && tokens[end].class == Class::Word
                && (tokens[end].cap || (heard(&tokens[end].text) && lower_ok(&tokens[end].text)))
                && tokens[end].start == tokens[end - 1].end + 1
                && !entities::NOT_NAME.contains(&tokens[end].text.as_str())
            {
                end += 1;
            }
            // A first name right before a heard surname ("John Smith" once "Smith" was heard).
            // Not a title, nor a word capitalised only for opening its sentence ("Alright").
            // A name joined to it by a hyphen, written in the same case, is the same name
            // ("Mary-Kate" once "Kate" was heard, "Kate-Lynn"; not "John-ish").
            let glued = |a: &Token, b: &Token| a.end == b.start;
            while end + 1 < tokens.len()
                && tokens[end].text == "-"
                && glued(&tokens[end - 1], &tokens[end])
                && glued(&tokens[end], &tokens[end + 1])
                && tokens[end + 1].class == Class::Word
                && tokens[end + 1].cap == t.cap
            {
                end += 2;
            }
            let first = if i > 1
                && tokens[i - 1].text == "-"
                && glued(&tokens[i - 2], &tokens[i - 1])
                && glued(&tokens[i - 1], t)
                && tokens[i - 2].class == Class::Word
                && tokens[i - 2].cap == t.cap
            {
                &tokens[i - 2]
            } else if (i > 1
                && tokens[i - 1].class == Class::Word
                && tokens[i - 1].cap
                && tokens[i - 1].end + 1 == t.start
                && !entities::NOT_NAME.contains(&tokens[i - 1].text.as_str())
                && !matches!(
                    tokens[i - 1].text.as_str(),
                    "mr" | "mrs" | "ms" | "miss" | "mister" | "missus" | "dr"
                )
                && (!matches!(tokens[i - 2].text.as_str(), "." | "?" | "!")
                    // A sentence that is only the name ("Achterberg. Liesbeth Achterberg.").
                    || tokens
                        .get(end)
                        .is_none_or(|n| matches!(n.text.as_str(), "." | "!" | "?"))))
                || self.lower_case_first_name(tokens, i)
            {
                &tokens[i - 1]
            } else if i > 1
                // An initial and its stop right before ("annual J. Morgan" once "Morgan" was
                // heard, round 70).
                && tokens[i - 1].text == "."
                && glued(&tokens[i - 2], &tokens[i - 1])
                && tokens[i - 1].end + 1 == t.start
                && tokens[i - 2].class == Class::Word
                && tokens[i - 2].cap
                && tokens[i - 2].text.chars().count() == 1
                && tokens[i - 2].text != "i"
            {
                &tokens[i - 2]
            } else {
                t
            };
            out.push(make_finding(
                text,
                FindingKind::Name,
                first.start,
                tokens[end - 1].end,
                0.7,
                &t.text,
            ));
            i = end;
        }
        out
    }

    /// In a call written in lower case, the word right before heard name `i` that opens its
    /// clause is its first name ("yes, kenji nakamura" once "nakamura" was heard): after a
    /// comma, a full stop or a word that opens an answer ("it's", "yes"), not a word of another
    /// kind ("i called nakamura"), nor a common word that is a name too.
    fn lower_case_first_name(&self, tokens: &[Token], i: usize) -> bool {
        if !self.names_in_lower_case || i == 0 || tokens[i].cap {
            return false;
        }
        let first = &tokens[i - 1];
        let opens = i == 1
            || tokens[i - 2].line != first.line
            || tokens[i - 2].class == Class::Punct
            || matches!(
                tokens[i - 2].text.as_str(),
                "it's" | "its" | "is" | "yes" | "yeah" | "yep" | "i'm" | "im" | "um" | "uh"
            );
        first.class == Class::Word
            && !first.cap
            && first.line == tokens[i].line
            && first.end + 1 == tokens[i].start
            && first.text.chars().count() >= 3
            && !entities::NOT_NAME.contains(&first.text.as_str())
            && !entities::NOT_A_NAME_ANSWER.contains(&first.text.as_str())
            && !WORDS_AND_NAMES.contains(&first.text.as_str())
            && !entities::names_whom(&first.text)
            && opens
    }

    /// The word a partial ends in, cut off while a name heard earlier is being said ("ha okay
    /// gar" once "gary" was heard): three letters or more that begin the name, not a word that
    /// is no name, capitalised or in a call written in lower case.
    fn heard_name_begun(&self, partial: &str, tokens: &[Token]) -> Option<Finding> {
        let t = tokens.last()?;
        let n = t.text.chars().count();
        // Two letters capitalised too ("De" of "Devon"), but for a word of two letters.
        let long_enough =
            n >= 3 || (n == 2 && t.cap && !TWO_LETTER_WORDS.contains(&t.text.as_str()));
        let begun = t.class == Class::Word
            && t.end == partial.chars().count()
            && long_enough
            && (t.cap || self.names_in_lower_case)
            && !entities::NOT_NAME.contains(&t.text.as_str())
            && self
                .heard_names
                .iter()
                .any(|w| w.chars().count() > n && w.starts_with(t.text.as_str()));
        begun.then(|| make_finding(partial, FindingKind::Name, t.start, t.end, 0.5, &t.text))
    }

    fn known_names(&self, text: &str) -> Vec<Finding> {
        let lower: Vec<char> = text.to_lowercase().chars().collect();
        let original: Vec<char> = text.chars().collect();
        if lower.len() != original.len() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for name in &self.known_names {
            let n: Vec<char> = name.chars().collect();
            let mut i = 0;
            while i + n.len() <= lower.len() {
                let boundary_before = i == 0 || !lower[i - 1].is_alphanumeric();
                let boundary_after =
                    i + n.len() == lower.len() || !lower[i + n.len()].is_alphanumeric();
                if boundary_before && boundary_after && lower[i..i + n.len()] == n[..] {
                    out.push(make_finding(
                        text,
                        FindingKind::Name,
                        i,
                        i + n.len(),
                        0.9,
                        name,
                    ));
                    i += n.len();
                } else {
                    i += 1;
                }
            }
        }
        out
    }

    /// Tokens of every line in the window; lines of different speakers are kept apart by a barrier
    /// so that one speaker's digits never continue another's.
    /// The window's tokens, lines joined with a `|` token (line `usize::MAX`) where the speaker
    /// changes, and each line's own. A caller's stall right after the agent's line ("Hang on,
    /// let me find the letter.") and the agent's acknowledgement of it ("Sure, take your
    /// time.") are left out of the joined tokens, so what the caller says next answers the
    /// agent's question, as it does ([`is_stall`]).
    fn window_tokens(&self) -> (Vec<Token>, Vec<Vec<Token>>) {
        let mut all = Vec::new();
        let mut per_line = Vec::new();
        // The speaker of the last line joined.
        let mut joined: Option<Speaker> = None;
        let left_out = self.left_out();
        for (i, (speaker, text)) in self.lines.iter().enumerate() {
            let mut toks = tokenize(text, i);
            for t in &mut toks {
                t.agent = *speaker == Speaker::Agent;
                t.unknown = *speaker == Speaker::Unknown;
            }
            if !left_out[i] {
                if joined.is_some_and(|j| j != *speaker) {
                    all.push(Token {
                        text: "|".into(),
                        start: 0,
                        end: 0,
                        line: usize::MAX,
                        class: Class::Punct,
                        cap: false,
                        caps: false,
                        inner_caps: false,
                        agent: false,
                        unknown: false,
                    });
                }
                all.extend(toks.iter().cloned());
                joined = Some(*speaker);
            }
            per_line.push(toks);
        }
        (all, per_line)
    }

    /// The line before `line` that it may answer: the last one joined before it
    /// ([`Redactor::left_out`]), when the other party said it (or on a mono recording, where
    /// anyone may have).
    fn other_line_before(&self, left_out: &[bool], line: usize) -> Option<usize> {
        let speaker = self.lines[line].0;
        (0..line)
            .rev()
            .find(|&k| !left_out[k])
            .filter(|&k| self.lines[k].0 != speaker || speaker == Speaker::Unknown)
    }

    /// Which of the window's lines [`Redactor::window_tokens`] leaves out of the joined tokens:
    /// a caller's stall right after the agent's line, and the agent's acknowledgement right
    /// after such a stall.
    fn left_out(&self) -> Vec<bool> {
        let mut out = Vec::with_capacity(self.lines.len());
        let mut joined: Option<Speaker> = None;
        let mut stalled = false;
        for (i, (speaker, text)) in self.lines.iter().enumerate() {
            let toks = tokenize(text, i);
            let left_out = match speaker {
                Speaker::Caller => joined == Some(Speaker::Agent) && is_stall(&toks),
                Speaker::Agent => stalled && is_acknowledgement(&toks),
                Speaker::Unknown => false,
            };
            stalled = left_out && *speaker == Speaker::Caller;
            if !left_out {
                joined = Some(*speaker);
            }
            out.push(left_out);
        }
        out
    }
}

/// A syllable whisper wrote over and over, glued by hyphens ("for re-re-re-re-…", tiny.en live
/// for a card's code "four one nine" after "the code on the back is"): what it makes of speech
/// it cannot read, digits as often as not. In an answer to a request for a value of `kind`, or
/// after a secret named at most six words before it on the line (a code, a PIN, a number, its
/// digits), or on a line that gives a value in digits, the chain (with digits glued on after it)
/// and a digit's homophone or number word right before it are that value (fail closed; a
/// number's, its kind unknown). Three times or more the same word of one to four
/// letters, not laughter, a tune or a hesitation; not an e-mail's, nor a value found.
fn stuttered_values(
    text: &str,
    tokens: &[Token],
    kind: Option<FindingKind>,
    findings: &[Finding],
) -> Vec<Finding> {
    if kind == Some(FindingKind::Email) {
        return Vec::new();
    }
    let glued = |a: &Token, b: &Token| a.end == b.start;
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let t = &tokens[k];
        // Not laughter, a tune or a hesitation ("Ha-ha-ha, no way.", "la-la-la").
        let syllable = t.class == Class::Word
            && (1..=4).contains(&t.text.chars().count())
            && !matches!(
                t.text.as_str(),
                "ha" | "hah"
                    | "he"
                    | "heh"
                    | "hee"
                    | "ho"
                    | "la"
                    | "na"
                    | "da"
                    | "mm"
                    | "hm"
                    | "hmm"
                    | "uh"
                    | "um"
                    | "ah"
                    | "eh"
                    | "bla"
                    | "blah"
                    | "yo"
                    | "ya"
                    | "woo"
                    | "boo"
                    | "no"
                    | "yes"
                    | "yeah"
                    | "bye"
            );
        // The chain from `k`: the word, then "-" and the word again, glued.
        let mut end = k;
        let mut said = 1;
        while syllable
            && tokens.get(end + 2).is_some_and(|n| n.text == t.text)
            && tokens[end + 1].text == "-"
            && glued(&tokens[end], &tokens[end + 1])
            && glued(&tokens[end + 1], &tokens[end + 2])
        {
            end += 2;
            said += 1;
        }
        if said < 3 {
            k += 1;
            continue;
        }
        // With digits glued on after a hyphen ("Pre-pre-pre-pre-pre-4444", base on mono for a
        // card's last group): what whisper got of the value.
        while tokens
            .get(end + 1)
            .is_some_and(|h| h.text == "-" && h.start == tokens[end].end)
            && tokens
                .get(end + 2)
                .is_some_and(|d| d.class == Class::Digits && d.start == tokens[end + 1].end)
        {
            end += 2;
        }
        let line = t.line;
        let mut first = k;
        if k > 0
            && tokens[k - 1].line == line
            && (tokens::homophone(&tokens[k - 1].text).is_some()
                || tokens::is_number_word(&tokens[k - 1]))
        {
            first = k - 1;
        }
        let cued = tokens[..first]
            .iter()
            .rev()
            .take_while(|p| p.line == line)
            .filter(|p| p.class == Class::Word)
            .take(6)
            .any(|p| {
                matches!(
                    p.text.as_str(),
                    "code" | "cvv" | "cvc" | "pin" | "passcode" | "password" | "number" | "digits"
                )
            });
        // Or on a line that gives a value in digits: a piece of it.
        let beside = findings.iter().any(said_in_digits);
        let (start, stop) = (tokens[first].start, tokens[end].end);
        if (kind.is_some() || cued || beside) && !covered(findings, start, stop) {
            let kind = kind.unwrap_or(FindingKind::Number);
            out.push(make_finding(text, kind, start, stop, 0.3, ""));
        }
        k = end + 1;
    }
    out
}

/// A sentence that is one digit said alone, in a word or a word that sounds like it, in an
/// answer to a request for a value of `kind` ([`Redactor::answer_numbers_in`]): a value said a
/// digit a line ("Tell me the PIN one digit at a time." - "Four." - "Yep." - "Nine.", and on a
/// mono recording "Work. Nine." with the agent's garbled "Yep." before it; the first digit heard
/// as "For.", tiny.en at 16 kHz). Openers and hesitations before it are no part of it ("Um,
/// nine."). Not an e-mail's, which is said in words; "one" only as a digit ("The red one.").
fn lone_digits(
    text: &str,
    tokens: &[Token],
    kind: FindingKind,
    findings: &[Finding],
) -> Vec<Finding> {
    if kind == FindingKind::Email {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (from, to) in sentences(tokens) {
        let words: Vec<usize> = (from..to)
            .filter(|&k| tokens[k].class != Class::Punct)
            .skip_while(|&k| tokens::is_opener(&tokens[k].text) && !tokens::is_oh(&tokens[k].text))
            .collect();
        let &[k] = words.as_slice() else {
            continue;
        };
        let t = &tokens[k];
        let digit = t.class == Class::Word
            && (tokens::unit(&t.text).is_some()
                || tokens::homophone(&t.text).is_some()
                || t.text == "nero")
            && !tokens::pronoun_one(tokens, k);
        if digit && !covered(findings, t.start, t.end) {
            out.push(make_finding(text, kind, t.start, t.end, 0.3, ""));
        }
    }
    out
}

/// Digits heard as words that sound like them, in an answer to a request for a value of `kind`
/// ([`Redactor::answer_numbers_in`]; "This side, nero, free.", tiny.en on 8 kHz µ-law for the
/// security code's "It's eight, zero, three"): a run of two digit-like words or more
/// ([`digit_like_words`]), commas or hyphens between, with a half-heard zero ("nero", "oh") or a
/// digit's homophone among them (number words alone are [`answer_numbers`]'s), and a digit,
/// a number word, "nero", or "free", "tree" or "ate" once the line gave some of the value (not
/// "Oh, to be honest"), none written in digits and no value found
/// in it (those are the other rules'). The value asked for (fail closed); not a count ("for two
/// people", "for two tickets"), nor an e-mail's, which is said in words.
fn answer_digit_words(
    text: &str,
    tokens: &[Token],
    kind: FindingKind,
    findings: &[Finding],
) -> Vec<Finding> {
    if kind == FindingKind::Email {
        return Vec::new();
    }
    let words = digit_like_words(tokens, |r| {
        detect::is_amount_or_count(tokens, r) || detect::reference_cued(tokens, r)
    });
    // A number word, or a zero no other word sounds like; and a word heard for one.
    let sure = |k: usize| {
        let t = &tokens[k];
        (tokens::is_number_word(t) && !tokens::pronoun_one(tokens, k))
            || matches!(t.text.as_str(), "nero" | "nearo" | "neuro")
    };
    // Digits written are the other rules'.
    let written = |k: usize| tokens[k].class == Class::Digits;
    let runs = tokens::digit_runs(tokens);
    let heard = |k: usize| {
        let t = &tokens[k];
        t.class == Class::Word && !tokens::is_number_word(t)
    };
    let mut out = Vec::new();
    let mut w = 0;
    while w < words.len() {
        if !words[w].1 {
            w += 1;
            continue;
        }
        let (first, mut last) = (words[w].0, words[w].0);
        w += 1;
        while w < words.len()
            && words[w].1
            && tokens[last + 1..words[w].0]
                .iter()
                .all(|t| matches!(t.text.as_str(), "," | "-"))
        {
            last = words[w].0;
            w += 1;
        }
        let unit = tokens
            .get(last + 1)
            .is_some_and(|t| detect::UNITS_AFTER.contains(&t.text.as_str()))
            || runs.iter().any(|r| {
                r.last == last + 1
                    && (detect::counts_a_thing(tokens, r) || detect::is_amount_or_count(tokens, r))
            });
        let (start, end) = (tokens[first].start, tokens[last].end);
        let found = findings.iter().any(|f| f.start < end && start < f.end);
        // Or a homophone seldom a word before another, once the line gave some of the value
        // ("It runs out at the end on [CREDIT_DEBIT_EXPIRY], so free to end it", base on 8 kHz
        // µ-law for an expiry's "March next year, so oh three twenty seven"; not "Free to ask,
        // but …").
        let given = findings.iter().any(|f| f.kind == kind);
        let rare = |k: usize| given && matches!(tokens[k].text.as_str(), "free" | "tree" | "ate");
        if last > first
            && (first..=last).any(heard)
            && ((first..=last).any(sure) || (first..=last).any(rare))
            && !(first..=last).any(written)
            && !unit
            && !found
        {
            out.push(make_finding(text, kind, start, end, 0.4, ""));
        }
    }
    out
}

/// The words of `tokens` (index, stands for a digit, sounds like one), as ASR garbles a
/// number: a digit or a number word ("one" standing for a thing aside: "the one ending …"),
/// "oh", "Nero" and "Neuro" stand for one; a word ASR writes for a digit ("for", "free")
/// sounds like one and stands for one beside another word that does. A run of two digits or
/// more that `kept` names (an amount, a reference) stands for none.
fn digit_like_words(
    tokens: &[Token],
    kept: impl Fn(&tokens::DigitRun) -> bool,
) -> Vec<(usize, bool, bool)> {
    let kept: Vec<(usize, usize)> = tokens::digit_runs(tokens)
        .into_iter()
        .filter(|r| r.digits.len() >= 2 && kept(r))
        .map(|r| (r.first, r.last))
        .collect();
    let digit = |k: usize| {
        let t = &tokens[k];
        (tokens::is_number_word(t)
            && !tokens::pronoun_one(tokens, k)
            && !kept.iter().any(|&(a, b)| (a..b).contains(&k)))
            || tokens::is_oh(&t.text)
            || matches!(t.text.as_str(), "nero" | "nearo" | "neuro")
    };
    let sound = |k: usize| tokens::homophone(&tokens[k].text).is_some();
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&k| tokens[k].class != Class::Punct)
        .collect();
    words
        .iter()
        .enumerate()
        .map(|(w, &k)| {
            let beside = [w.checked_sub(1), Some(w + 1)].iter().any(|n| {
                n.and_then(|n| words.get(n))
                    .is_some_and(|&m| digit(m) || sound(m))
            });
            (k, digit(k) || (sound(k) && beside), sound(k))
        })
        .collect()
}

/// Whether a line is only a stall: the caller asking for a moment before answering ("Hang on,
/// let me get my glasses.", "Sorry, one second."). Every word must be one a stall is made of,
/// so no answer can hide in it (a line with anything else is no stall and is read as the answer
/// it may be), and one of them must ask for time. "One" only in "one moment" and the like; a
/// thing looked for ("letter", "wallet") only after "the" or "my".
pub(crate) fn is_stall(tokens: &[Token]) -> bool {
    const WORDS: &[&str] = &[
        "hang",
        "hold",
        "on",
        "one",
        "just",
        "a",
        "moment",
        "moments",
        "second",
        "seconds",
        "sec",
        "minute",
        "bear",
        "with",
        "me",
        "give",
        "let",
        "let's",
        "find",
        "get",
        "grab",
        "check",
        "look",
        "looking",
        "getting",
        "fetch",
        "see",
        "for",
        "it",
        "that",
        "the",
        "my",
        "i",
        "i'll",
        "i'm",
        "need",
        "to",
        "have",
        "got",
        "here",
        "somewhere",
        "where",
        "is",
        "it's",
        "in",
        "put",
        "did",
        "wrote",
        "down",
        "written",
        "sorry",
        "okay",
        "ok",
        "um",
        "uh",
        "erm",
        "er",
        "ah",
        "hmm",
        "mm",
        "right",
        "wait",
        "please",
        "yeah",
        "yes",
        "sure",
        "of",
        "course",
        "so",
        "well",
        "now",
        "go",
        "and",
    ];
    const TIME: &[&str] = &[
        "hang on",
        "hold on",
        "moment",
        "second",
        "sec",
        "minute",
        "bear with",
        "let me find",
        "let me get",
        "let me grab",
        "let me check",
        "let me look",
        "let me see",
        "let's see",
        "wait",
    ];
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.class != Class::Punct)
        .map(|t| t.text.as_str())
        .collect();
    // What the caller looks for, only after "the" or "my": alone it could be the answer (a
    // memorable word "wallet").
    const THINGS: &[&str] = &[
        "letter",
        "card",
        "bill",
        "statement",
        "paperwork",
        "glasses",
        "wallet",
        "purse",
        "bag",
    ];
    let time_word = |w: &str| matches!(w, "moment" | "second" | "sec" | "minute");
    let ones_fine = words
        .iter()
        .enumerate()
        .all(|(k, w)| *w != "one" || words.get(k + 1).is_some_and(|n| time_word(n)));
    let stall_word = |k: usize| {
        WORDS.contains(&words[k])
            || (THINGS.contains(&words[k])
                && k.checked_sub(1)
                    .is_some_and(|p| matches!(words[p], "the" | "my")))
    };
    let text = words.join(" ");
    !words.is_empty()
        && words.len() <= 12
        && tokens.iter().all(|t| t.class != Class::Digits)
        && (0..words.len()).all(stall_word)
        && ones_fine
        && TIME.iter().any(|p| text.contains(p))
}

/// Whether an agent's line only acknowledges a caller's stall ("Sure, take your time.", "No
/// problem."): every word one such a line is made of.
fn is_acknowledgement(tokens: &[Token]) -> bool {
    const WORDS: &[&str] = &[
        "no",
        "problem",
        "problems",
        "take",
        "your",
        "time",
        "sure",
        "okay",
        "ok",
        "of",
        "course",
        "that's",
        "fine",
        "rush",
        "thank",
        "you",
        "thanks",
        "yes",
        "yeah",
        "right",
        "alright",
        "all",
        "um",
        "uh",
        "go",
        "ahead",
        "whenever",
        "you're",
        "ready",
        "i'll",
        "wait",
        "not",
        "a",
        "worries",
        "absolutely",
        "great",
        "lovely",
    ];
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.class != Class::Punct)
        .map(|t| t.text.as_str())
        .collect();
    !words.is_empty()
        && words.len() <= 10
        && tokens.iter().all(|t| t.class != Class::Digits)
        && words.iter().all(|w| WORDS.contains(w))
}

/// Whether the agent's line only acknowledges what the caller is giving, or asks for more of
/// it ("Okay.", "Yes.", "Go on.", "And the last four?"): the caller's answer goes on.
fn acknowledges(tokens: &[Token]) -> bool {
    const WORDS: &[&str] = &[
        "okay", "ok", "yes", "yeah", "yep", "yup", "right", "mm", "mhm", "hmm", "uh", "huh", "um",
        "ah", "go", "on", "ahead", "and", "the", "rest", "last", "next", "then", "keep", "going",
        "got", "it", "sure", "great", "thanks", "thank", "you", "lovely", "perfect", "alright",
        "continue", "so", "good", "fine", "bit", "group", "digits", "numbers", "of", "please",
    ];
    let words: Vec<&Token> = tokens.iter().filter(|t| t.class == Class::Word).collect();
    // A number word only as the count of what is left ("the last four"): a line of number
    // words is an answer.
    let counted = |k: usize| {
        tokens::is_number_word(words[k])
            && k > 0
            && matches!(words[k - 1].text.as_str(), "last" | "next" | "other")
    };
    // A line of one short word that is no number and asks nothing is an acknowledgement
    // whisper garbled ("Work.", "Yurk.", "Ywick." for "Yep." between the digits of a PIN said
    // one a line, round 57).
    let garbled = words.len() == 1
        && words[0].text.chars().count() <= 5
        && !tokens::is_number_word(words[0])
        && tokens::homophone(&words[0].text).is_none()
        && tokens
            .iter()
            .all(|t| t.class == Class::Word || matches!(t.text.as_str(), "." | "!" | ","));
    is_acknowledgement(tokens)
        || garbled
        || (!words.is_empty()
            && words.len() <= 6
            && tokens.iter().all(|t| t.class != Class::Digits)
            && (0..words.len()).all(|k| WORDS.contains(&words[k].text.as_str()) || counted(k)))
}

/// Whether the agent's line asks for what was just said again, or for another of the same
/// ("Sorry, could you say that again?", "I didn't catch that, can you repeat it?", "That's not
/// allowed, please choose another one.", "And what would you like the new one to be?"): the
/// request it answers stays open, as if new.
fn asks_again(tokens: &[Token]) -> bool {
    tokens.iter().enumerate().any(|(k, t)| {
        let next = tokens.get(k + 1).map(|n| n.text.as_str());
        matches!(t.text.as_str(), "again" | "repeat" | "pardon")
            || (t.text == "catch" && k > 0 && tokens[k - 1].text.ends_with("n't"))
            // "… what would you like the new one to be?", after "What was the old one?" for
            // a PIN.
            || (matches!(t.text.as_str(), "another" | "new" | "different") && next == Some("one"))
            // "Please choose another." with nothing after it.
            || (t.text == "another" && matches!(next, None | Some("." | "?" | "!" | "please")))
            // A refusal asks for another ("I'm afraid repeated numbers aren't allowed.").
            || (t.text == "allowed"
                && k > 0
                && (tokens[k - 1].text.ends_with("n't") || tokens[k - 1].text == "not"))
            || (t.text == "once" && next == Some("more"))
    })
}

/// The line names a code that may be a secret, no code of a thing ("What is the code?", "Is
/// there a buzzer code?"; not "What's the error code on the screen?", "a discount code").
fn secret_code(tokens: &[Token]) -> bool {
    const THINGS: &[&str] = &[
        "error",
        "fault",
        "status",
        "discount",
        "promo",
        "promotional",
        "voucher",
        "coupon",
        "product",
        "tracking",
        "dress",
        "colour",
        "color",
        "bar",
        "qr",
    ];
    tokens.iter().enumerate().any(|(k, t)| {
        matches!(t.text.as_str(), "code" | "codes")
            && !(k > 0 && THINGS.contains(&tokens[k - 1].text.as_str()))
    })
}

/// The kind of value the agent's line asks for, if it asks for one: the first of
/// [`detect::CUES`]' kinds it asks for, else an e-mail, a postal address or a number it names
/// in a request.
fn request_kind(tokens: &[Token]) -> Option<FindingKind> {
    // A question of how many or how long, or of when ("Shall we call you back in 10
    // minutes?", "Is there a better time to call?"), asks for no value.
    let when = tokens.windows(2).any(|w| {
        w[0].text == "how" && matches!(w[1].text.as_str(), "many" | "much" | "long" | "often")
            || (w[0].text == "what" && w[1].text == "time")
    }) || tokens.iter().enumerate().any(|(k, t)| {
        // "am" only after a number: "I am sorry to hear that, can you confirm the full
        // number?" asks for one.
        let after_number = k > 0
            && (tokens[k - 1].class == Class::Digits || tokens::is_number_word(&tokens[k - 1]));
        t.text == "when"
            || (detect::UNITS_AFTER.contains(&t.text.as_str()) && (t.text != "am" || after_number))
            // "Is there a better time to call?"; not a one-time code, nor a time asked with
            // a number ("a callback number and a good time"), nor a value said "one digit at
            // a time".
            || (t.text == "time"
                && !(k > 0 && matches!(tokens[k - 1].text.as_str(), "one" | "-"))
                && !(k > 1 && tokens[k - 2].text == "at" && tokens[k - 1].text == "a")
                && !tokens.iter().any(|t| t.text == "number"))
    });
    if when || detect::names_a_reference(tokens) {
        return None;
    }
    let mut kinds = detect::CUES.iter().map(|(kind, _)| *kind);
    if let Some(kind) = kinds.find(|&kind| detect::asks_for(tokens, kind)) {
        return Some(kind);
    }
    // "For security, …" opens a verification question however its words came out ("for
    // security, your native person numbers.", tiny.en live for "For security, your date of
    // birth in numbers?").
    let request = tokens
        .iter()
        .any(|t| matches!(t.text.as_str(), "?" | "please" | "what's"))
        || detect::noun_phrase_request(tokens)
        || tokens
            .windows(2)
            .any(|w| w[0].text == "for" && w[1].text == "security");
    let named = |w: &[&str]| tokens.iter().any(|t| w.contains(&t.text.as_str()));
    if !request {
        None
    } else if named(&["email", "e-mail"]) {
        Some(FindingKind::Email)
    } else if named(&["address", "street", "postcode"]) {
        Some(FindingKind::Address)
    } else if named(&["number", "numbers", "digit", "digits"]) || secret_code(tokens) {
        // A number whose name came out garbled ("Can I get a Cal back number and a good
        // time?", base on µ-law; "Please tell me before digit BIN you chose.", base on mono
        // for "the four digit PIN"), no reference's; or a code of no kind named ("What is the
        // code?" - "It is 4471 now."), which may be a one-time code or a PIN (fail closed).
        Some(FindingKind::Number)
    } else if tokens
        .windows(2)
        .any(|w| matches!(w[0].text.as_str(), "confirm" | "verify") && w[1].text == "your")
    {
        // Whatever it names, its name garbled ("Can you confirm your data?", base on µ-law
        // for "your date of birth").
        Some(FindingKind::Number)
    } else {
        None
    }
}

/// The numbers said in digits, or in words when two digits or more ("free one two"), in a
/// caller's answer to a request for a value of `kind` that no rule found ([`Redactor::answer_numbers_in`]), each with the letters glued to it ("M4EIN",
/// "C9th"): not an amount ("49.99"), a time or a count, a reference ("order 2345", "the BA401
/// flight"; a phone's extension is the phone's), nor a year unless a date was asked ("opened in
/// 2022" never).
fn answer_numbers(
    text: &str,
    tokens: &[Token],
    kind: FindingKind,
    findings: &[Finding],
) -> Vec<Finding> {
    // A year is the value when a date was asked, or a PIN or bare digits, which a birth year
    // often is ("Please choose another one." - "Okay then, 1977.").
    let dated = matches!(
        kind,
        FindingKind::DateOfBirth
            | FindingKind::CreditDebitExpiry
            | FindingKind::Pin
            | FindingKind::Number
    );
    let mut out = Vec::new();
    let runs = tokens::digit_runs(tokens);
    for run in runs.iter().cloned() {
        // Said in digits, or two digits or more as words ("free one two"; not "I don't have
        // one").
        let said = &tokens[run.first..run.last];
        if !said.iter().any(|t| t.class == Class::Digits) && run.digits.len() < 2 {
            continue;
        }
        // The chain of letters, digits and inner points or hyphens glued to it ("M4EIN",
        // "4.08.o.46").
        let glued = |k: usize| tokens[k].end == tokens[k + 1].start;
        let inner = |t: &Token| t.class != Class::Punct || matches!(t.text.as_str(), "." | "-");
        let (mut a, mut b) = (run.first, run.last);
        while a > 0
            && glued(a - 1)
            && inner(&tokens[a - 1])
            && (tokens[a - 1].class != Class::Punct || a >= 2 && glued(a - 2))
        {
            a -= 1;
        }
        while b < tokens.len()
            && glued(b - 1)
            && inner(&tokens[b])
            && (tokens[b].class != Class::Punct || b + 1 < tokens.len() && glued(b))
        {
            b += 1;
        }
        // A value found already: only the letters glued to its ends are left, and they go
        // with it, as its kind ("[PHONE]-Emmen"), each end on its own.
        let found = |t: &Token| {
            findings
                .iter()
                .find(|f| f.start <= t.start && t.end <= f.end)
        };
        if said
            .iter()
            .all(|t| t.class == Class::Punct || found(t).is_some())
        {
            for (x, y, beside) in [(a, run.first, run.first), (run.last, b, run.last - 1)] {
                let Some(f) = found(&tokens[beside]) else {
                    continue;
                };
                if x < y && !covered(findings, tokens[x].start, tokens[y - 1].end) {
                    // Over the value too, so that the two are one tag.
                    let (start, end) = (tokens[x].start.min(f.start), tokens[y - 1].end.max(f.end));
                    out.push(make_finding(text, f.kind, start, end, 0.3, ""));
                }
            }
            continue;
        }
        // A digit's homophone right before digits said as words ("free one two").
        if !said.iter().any(|t| t.class == Class::Digits) {
            while a > 0 && tokens::homophone(&tokens[a - 1].text).is_some() {
                a -= 1;
            }
        }
        // A price: digits, a point and two more, glued, and nothing else.
        let price = matches!(&tokens[a..b], [whole, point, cents]
            if whole.class == Class::Digits && point.text == "." && cents.text.len() == 2);
        let (start, end) = (tokens[a].start, tokens[b - 1].end);
        // A code glued to letters that names a thing after or before it ("the BA401 flight",
        // "in bed 3B").
        const THINGS: &[&str] = &[
            "flight", "model", "room", "gate", "seat", "train", "bus", "route", "bed", "ward",
            "bay", "platform", "row",
        ];
        let thing = (a < run.first || b > run.last)
            && (tokens
                .get(b)
                .is_some_and(|t| THINGS.contains(&t.text.as_str()))
                || (a > 0 && THINGS.contains(&tokens[a - 1].text.as_str())));
        // The extension of a phone number asked for is the number's, though an extension
        // is else a reference ("Plus [PHONE], [PHONE], extension 22.").
        let extension = kind == FindingKind::Phone
            && run.first > 0
            && matches!(tokens[run.first - 1].text.as_str(), "extension" | "ext");
        // A count of a unit with a word before it ("10 business days", "2 more weeks").
        let units = tokens
            .get(b)
            .is_some_and(|t| detect::WORDS_BEFORE_UNITS.contains(&t.text.as_str()))
            && tokens
                .get(b + 1)
                .is_some_and(|t| detect::UNITS_AFTER.contains(&t.text.as_str()));
        // A code read out is no time, though whisper glued "am" to a digit of it ("Yes, it's 8
        // 4am and …", tiny.en on µ-law for a texted code's "eight four seven, two nine one").
        let code_read_out = |run: &tokens::DigitRun| {
            matches!(kind, FindingKind::Pin | FindingKind::CreditDebitCvv)
                && tokens.get(run.last).is_some_and(|t| {
                    matches!(t.text.as_str(), "am" | "pm") && t.start == tokens[run.last - 1].end
                })
        };
        // A time written "3 p.m.".
        let word = |k: usize| tokens.get(k).map_or("", |t| t.text.as_str());
        let clock = matches!(word(b), "a" | "p") && word(b + 1) == "." && word(b + 2) == "m";
        // A unit right before more digits is no count's but a digit misheard ("48 times 777
        // 3456", tiny.en for an NHS number's "four eight five, seven seven seven, …"): it goes
        // with the number. Not after one digit ("The same digit 4 times 7777.").
        // Not an amount ("40 dollars 50"), nor before a count ("3 times 2 days").
        let digits_next = runs.iter().find(|r| r.first == b + 1).is_some_and(|r| {
            !detect::is_amount_or_count(tokens, r) && !detect::counts_a_thing(tokens, r)
        });
        let misheard_unit = b == run.last
            && run.digits.len() >= 2
            && detect::UNITS_AFTER.contains(&word(b))
            && !matches!(
                word(b),
                "am" | "pm"
                    | "dollars"
                    | "dollar"
                    | "bucks"
                    | "cents"
                    | "pounds"
                    | "euros"
                    | "percent"
            )
            && digits_next;
        // A number with a point counts nothing ("Yes, it's 1.97 times.", base for a buzzer
        // code's "one nine seven five"): no price, no count, the unit a digit misheard.
        let pointed_count = tokens[a..b].iter().any(|t| t.text == ".")
            && matches!(word(b), "times" | "items" | "people" | "calls");
        let misheard_unit = misheard_unit || pointed_count;
        let (start, end) = if misheard_unit {
            (start, tokens[b].end)
        } else {
            (start, end)
        };
        if covered(findings, start, end)
            || (price && !pointed_count)
            || thing
            || units
            || clock
            || detect::year_after_preposition(tokens, &run)
            || (detect::is_amount_or_count(tokens, &run) && !code_read_out(&run) && !misheard_unit)
            || (detect::reference_cued(tokens, &run) && !extension)
            || (detect::counts_a_thing(tokens, &run) && !misheard_unit)
            || (!dated && detect::is_year(&run.digits))
        {
            continue;
        }
        // Letters glued to a value found go with it, as its kind.
        let kind = findings
            .iter()
            .find(|f| f.start < end && start < f.end)
            .map_or(kind, |f| f.kind);
        out.push(make_finding(text, kind, start, end, 0.3, &run.digits));
    }
    out
}

fn detect_all(tokens: &[Token]) -> Vec<detect::Detection> {
    let mut detections = detect::classify_runs(tokens);
    detections.extend(detect::garbled_answers(tokens));
    detections.extend(detect::date_answers(tokens));
    detections.extend(detect::spoken_dates(tokens));
    detections.extend(detect::expiry_months(tokens));
    detections.extend(detect::keyed_digits(tokens));
    detections.extend(detect::zip_after_state(tokens));
    detections.extend(detect::spoken_emails(tokens));
    detections.extend(detect::named_glued_emails(tokens));
    detections.extend(detect::provider_glued_emails(tokens));
    detections.extend(entities::names(tokens));
    detections.extend(entities::mono_name_answers(tokens));
    detections.extend(entities::initialled_names(tokens));
    detections.extend(entities::street_addresses(tokens));
    detections.extend(entities::spelled(tokens));
    detections.extend(entities::glued_spellings(tokens));
    detections.extend(entities::spelling_answers(tokens));
    detections.extend(entities::hyphen_chains(tokens));
    detections.extend(entities::spoken_credentials(tokens));
    detections.extend(entities::glued_credentials(tokens));
    detections.extend(entities::po_boxes(tokens));
    detections.extend(entities::flats_on_streets(tokens));
    detections.extend(entities::houses_on_streets(tokens));
    detections.extend(entities::address_answers(tokens));
    detections.extend(entities::cued_addresses(tokens));
    // An ID named by its cue ("passport number", "NHS number") is none of the kinds its
    // digits' count suggests: a number the digit rules took for a phone or an account number
    // within an ID's span takes the ID's kind.
    let ids = entities::id_numbers(tokens);
    for d in detections.iter_mut().filter(|d| {
        matches!(
            d.kind,
            FindingKind::Phone | FindingKind::BankAccountNumber | FindingKind::BankRouting
        )
    }) {
        if let Some(id) = ids.iter().find(|i| i.first <= d.first && d.last <= i.last) {
            d.kind = id.kind;
        }
    }
    detections.extend(ids);
    detections
}

/// The number a line ends in, still being spoken and so not classifiable yet, as a finding to
/// redact (fail closed): `min_digits` or more, unless it is an amount ("$1173.79").
fn trailing_number(text: &str, tokens: &[Token], min_digits: usize) -> Option<Finding> {
    if !ends_in_number(tokens) {
        return None;
    }
    let run = tokens::digit_runs(tokens).pop()?;
    if detect::is_amount_or_count(tokens, &run)
        || detect::reference_cued(tokens, &run)
        || detect::year_after_preposition(tokens, &run)
    {
        return None;
    }
    let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
    (run.digits.len() >= min_digits)
        .then(|| make_finding(text, FindingKind::Number, a.start, b.end, 0.5, &run.digits))
}

/// Numbers a line holds written as digits read out one at a time ("7 3"): two or more single
/// digits with nothing between them (no hyphen, comma or word), not an amount or a count. How whisper writes a value being read
/// out, and what is left of one when recognition lost the question that would classify it: on
/// a loaded machine the fast model wrote the agent's "three digit security code on the back?"
/// as "the free video secure if it go on the Mac." and the caller's "It is seven three nine."
/// as "It in 7 3 high and...". For the caller's short lines (the caller answers; a longer
/// line's "the 2 1 2 bus" is chatter); redacted whatever surrounds them (fail closed).
///
/// `min` is how many digits the run needs: two on a short line; four on a longer one, where
/// three are still a bus's or a room's ("the 2 1 2 bus") but four or more said one at a time
/// are a value read out wherever the line holds them (round 54, base on mono: the agent's
/// question and the caller's PIN heard as one line, "… what bin did you set? 1 1 1 1 4 1s.",
/// the four digits shown).
fn read_out_digits(text: &str, tokens: &[Token], min: usize) -> Vec<Finding> {
    tokens::digit_runs(tokens)
        .into_iter()
        .filter(|run| run.groups.len() >= min && run.groups.iter().all(|&g| g == 1))
        .filter(|run| {
            tokens[run.first..run.last]
                .iter()
                .all(|t| t.text.len() == 1 && t.text.as_bytes()[0].is_ascii_digit())
        })
        .filter(|run| {
            !detect::is_amount_or_count(tokens, run) && !detect::reference_cued(tokens, run)
        })
        .map(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            make_finding(text, FindingKind::Number, a.start, b.end, 0.4, &run.digits)
        })
        .collect()
}

/// The other numbers on a caller's short line that gives a value (fail closed): its answer is
/// the value, and a number beside it that no rule took is more of it, as recognition wrote it
/// ("Two and seven." after the second and fourth digits of a PIN asked as "the second and
/// fourth visit of your BIM", its 2 found and its 7 shown). Each takes the kind of the value
/// before it (else after it). Not beside a name or an e-mail only, nor an amount, a count, a
/// time or a reference.
fn short_line_numbers(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let values: Vec<&Finding> = findings
        .iter()
        .filter(|f| !matches!(f.kind, FindingKind::Name | FindingKind::Email))
        .collect();
    if values.is_empty() {
        return Vec::new();
    }
    tokens::digit_runs(tokens)
        .into_iter()
        .filter(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            // A count of things ("that's 2 accounts", "2 cards").
            let counted = run.digits.len() <= 2
                && tokens.get(run.last).is_some_and(|t| {
                    t.class == Class::Word && t.text.len() > 3 && t.text.ends_with('s')
                });
            // On a line that gives a PIN, "pound" after a number is the keypad's key, not money
            // ("[PIN], 4 pounds,", tiny.en and base on 8 kHz µ-law for "one two three four
            // pound" after "Please say your PIN followed by the pound key.").
            let pound_key = values.iter().any(|f| f.kind == FindingKind::Pin)
                && tokens
                    .get(run.last)
                    .is_some_and(|t| matches!(t.text.as_str(), "pound" | "pounds"));
            !((counted && !pound_key)
                || findings.iter().any(|f| f.start < b.end && a.start < f.end)
                || (detect::is_amount_or_count(tokens, run) && !pound_key)
                || detect::is_reference(tokens, run)
                || detect::reference_cued(tokens, run))
        })
        .map(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            let kind = values
                .iter()
                .filter(|f| f.end <= a.start)
                .max_by_key(|f| f.end)
                .or_else(|| values.iter().min_by_key(|f| f.start))
                .map_or(FindingKind::Number, |f| f.kind);
            make_finding(text, kind, a.start, b.end, 0.4, &run.digits)
        })
        .collect()
}

/// Words that name a card's security code just before a number ("and the code is 1.2.3").
const CODE_WORDS: &[&str] = &[
    "code", "cvv", "cvc", "cv", "security", "back", "digits", "cold", "coat", "cord",
];

/// The numbers on a line that also gives a card number, besides the card's own (fail closed):
/// a caller who reads out the card whole reads on to its expiry and security code, and
/// recognition writes them as it heard them, past any cue ("It's 41, 1, 1, … It acts higher
/// than eight, twenty seven, and the code is one, two, three.", tiny.en; "… It's a higher
/// 08.25 and a cold in 1.2.3", base on 8 kHz µ-law), or writes the card's digits as ordinals
/// ("I'm 3rd 4th 4th 4th 111 8th."). After the card, a number named a code just before is
/// its security code, any other its expiry; before or between its parts, part of it. On a
/// line that gives a bank account (and no card), a number of two digits or more before it is
/// its sort code or routing number ("So now in 0129, count 11223344,", tiny.en on 8 kHz µ-law
/// after a question heard as "your bank sword code"), one after it more of the account. An
/// amount, a count, a time and a reference are none, nor a written price before the card.
fn card_line_numbers(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let last_start = |kinds: &[FindingKind]| {
        findings
            .iter()
            .filter(|f| kinds.contains(&f.kind))
            .map(|f| f.start)
            .max()
    };
    // Where the card's last part starts, or the bank account's.
    let (card, bank) = match last_start(&[FindingKind::CreditDebitNumber]) {
        Some(card) => (card, false),
        None => match last_start(&[
            FindingKind::BankAccountNumber,
            FindingKind::BankRouting,
            FindingKind::Iban,
        ]) {
            Some(account) => (account, true),
            None => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    for run in tokens::digit_runs(tokens) {
        let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
        if covered(findings, a.start, b.end)
            // A bank account's line: its sort code or routing number, two digits or more.
            || (bank && run.digits.len() < 2)
            || detect::is_amount_or_count(tokens, &run)
            || detect::is_reference(tokens, &run)
            // A count ("the last four are …", "3 cards"), but not a digit of a list of them
            // ("a 1 or a 1").
            || (detect::not_a_group(tokens, &run)
                && tokens.get(run.last).is_none_or(|t| t.text != "or"))
            // A price said before the card ("I owe 49.99"); after it, "08.25" is its expiry.
            || (b.end <= card && written_price(tokens, &run))
        {
            continue;
        }
        let kind = if bank && b.end <= card {
            FindingKind::BankRouting
        } else if bank {
            FindingKind::BankAccountNumber
        } else if b.end <= card {
            FindingKind::CreditDebitNumber
        } else if tokens[run.first.saturating_sub(4)..run.first]
            .iter()
            .any(|t| CODE_WORDS.contains(&t.text.as_str()))
        {
            FindingKind::CreditDebitCvv
        } else {
            FindingKind::CreditDebitExpiry
        };
        out.push(make_finding(text, kind, a.start, b.end, 0.4, &run.digits));
    }
    out
}

/// Zero said as "oh", or "double" or "triple", right before a value said in digits with a comma
/// between at most ("Oh, [CREDIT_DEBIT_EXPIRY].", tiny.en on a mono recording for the expiry
/// "oh nine, twenty seven"; "[PHONE] double [PHONE]", base on 8 kHz µ-law for "… nine double
/// zero, one two three"), or a digit's homophone ("for", "free", "won", …; "to" only where it
/// opens its sentence, completes a card number, follows another value or "is") right before it:
/// the value's first digits, whichever rule found it, found again with it as one. A zero half
/// heard ("near", "nero") glued to it is one too. An interjection "Oh," before a value goes with
/// it (fail closed).
fn digit_words_before_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    // Each value as found whole, not a part of a longer one ("47" of an address).
    let whole = |f: &&Finding| {
        !findings
            .iter()
            .any(|g| g.start <= f.start && f.end <= g.end && g.end - g.start > f.end - f.start)
    };
    for f in findings.iter().filter(|f| said_in_digits(f)).filter(whole) {
        let Some(mut k) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        let comma = k > 0 && tokens[k - 1].text == ",";
        if comma {
            k -= 1;
        }
        let Some(t) = k.checked_sub(1).map(|p| &tokens[p]) else {
            continue;
        };
        // No card number starts with a zero: "Oh, 4532 0151 1283 0366." opens with a word.
        let zero = tokens::is_oh(&t.text) && f.kind != FindingKind::CreditDebitNumber;
        // A digit's homophone right before it, opening its sentence or completing a card
        // number short of the longest, 19 digits ("For 91761, sorry let me start again for
        // 9176100345667891", tiny.en for "four nine one seven, …", a 6 heard twice).
        let opens = k < 2 || matches!(tokens[k - 2].text.as_str(), "." | "?" | "!" | ",");
        // (Offsets count characters: the value's own text, not a byte slice of the line.)
        let short_card = f.kind == FindingKind::CreditDebitNumber
            && f.value
                .original
                .chars()
                .filter(char::is_ascii_digit)
                .count()
                < 19;
        // "to" is more often the word ("I changed it to [PIN]"), unless it opens its sentence,
        // completes a card or follows another value ("6, 6 to 1." for "six six two one"); the
        // others are seldom words before a number ("Let me see for 8221739.", base for an
        // account's "four eight two …").
        let after_value = k >= 2
            && findings
                .iter()
                .any(|g| said_in_digits(g) && g.end == tokens[k - 2].end);
        // Nor after "is": "The routing number is to [BANK_ACCOUNT_NUMBER]" (base, for "two six
        // zero …").
        let after_is =
            k >= 2 && matches!(tokens[k - 2].text.as_str(), "is" | "it's" | "its" | "was");
        // A comma between only for the homophones seldom words before one ("so free, [EXPIRY]",
        // tiny.en on µ-law and mono for an expiry's "three, twenty seven").
        let rare = matches!(t.text.as_str(), "free" | "tree" | "ate" | "won");
        let sound = (!comma || rare)
            && tokens::homophone(&t.text).is_some()
            && (t.text != "to" || opens || short_card || after_value || after_is);
        // "go" for "oh" opening an answer ("go [BANK_ACCOUNT_NUMBER].", tiny.en for an
        // account's "oh one two …"), as "oh" itself.
        let go = t.text == "go" && opens && f.kind != FindingKind::CreditDebitNumber;
        // A zero half heard ("The routing is near [BANK_ROUTING]", base on 8 kHz µ-law for
        // "zero two one, zero zero zero, …", round 53), glued to the value.
        let half_zero = !comma && half_heard_zero(&t.text);
        let digit_word =
            zero || go || sound || half_zero || matches!(t.text.as_str(), "double" | "triple");
        if digit_word && !covered(findings, t.start, t.end) {
            // Its digits with the word's, so that the value said again is known by them ("for
            // 532." - "4532", base for a card's "four five three two" said back).
            let first = if zero || go || (half_zero && f.kind != FindingKind::CreditDebitNumber) {
                Some('0')
            } else {
                tokens::homophone(&t.text)
            };
            let digits: String = first.into_iter().chain(value_digits(f).chars()).collect();
            out.push(make_finding(text, f.kind, t.start, f.end, 0.35, &digits));
        }
    }
    out
}

/// A digit's homophone after "flat", "apartment", "unit" or "suite", right before an address
/// found, a letter between at most ("Flat for [ADDRESS].", base on mono for "Flat four, twenty
/// two Baker Street, …"), or before a value of any kind found after the flat's letter; with no
/// such word (misheard), a homophone and a capital letter right before an address: the flat's
/// number, the value's.
fn unit_numbers_before_addresses(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in 1..tokens.len() {
        let (unit, t) = (&tokens[k - 1], &tokens[k]);
        let named = matches!(
            unit.text.as_str(),
            "flat" | "apartment" | "apt" | "unit" | "suite"
        );
        if tokens::homophone(&t.text).is_none() || covered(findings, t.start, t.end) {
            continue;
        }
        // The address starts right after it, a comma between at most, or the flat's letter
        // ("The apartment for B [ADDRESS].", base on 8 kHz µ-law for "Apartment four B, one
        // twenty five West Seventy Second Street, …").
        // After the letter, a value of any kind, a comma or a stop between: the address whisper
        // glued to the letter by a stop is no address to the rules ("apartment for
        // B.[CREDIT_DEBIT_NUMBER].", tiny.en for "Apartment four B, twenty two fifty West Oak
        // Street, …" after a request for it misheard).
        let lettered = tokens
            .get(k + 1)
            .is_some_and(|l| l.class == Class::Word && l.text.chars().count() == 1);
        // The word for a flat misheard ("the Department for B. [ADDRESS]", "the Parliament for
        // B.", tiny.en live partials of "Apartment four B, …"): a capital letter after the
        // homophone, right before an address.
        if !(named || lettered && tokens[k + 1].cap) {
            continue;
        }
        let k = k + usize::from(lettered);
        let next = match tokens.get(k + 1) {
            Some(c) if matches!(c.text.as_str(), "," | ".") => tokens.get(k + 2),
            other => other,
        };
        let starts_there = next.and_then(|n| {
            findings.iter().find(|f| {
                (named && lettered || f.kind == FindingKind::Address) && f.start == n.start
            })
        });
        if let Some(f) = starts_there {
            out.push(make_finding(text, f.kind, t.start, f.end, 0.35, ""));
        }
    }
    out
}

/// A house number opening its clause, up to three words, then an address found (the agent's
/// "1450 Northmables treat [ADDRESS]" for "… North Maple Street, apartment 3C", tiny.en live,
/// round 72, after the caller's "1415 North Maple Street, …": the house number misheard on one
/// side and the street garbled on the other): the number and the words are the address's.
/// Called once an address was heard in the call; not a count or an amount ("2 kids" before
/// one).
fn house_numbers_before_addresses(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.kind == FindingKind::Address) {
        let Some(at) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        // Back over up to three words, none a word that says the number is something else's.
        let mut k = at;
        while k > 0
            && at - k < 3
            && tokens[k - 1].class == Class::Word
            && !tokens::is_opener(&tokens[k - 1].text)
            && !NOT_AN_ADDRESS_PIECE.contains(&tokens[k - 1].text.as_str())
        {
            k -= 1;
        }
        if k == at || k == 0 {
            continue;
        }
        let number = &tokens[k - 1];
        let opens =
            k == 1 || tokens[k - 2].class == Class::Punct || tokens::is_opener(&tokens[k - 2].text);
        let run = tokens::digit_runs(tokens)
            .into_iter()
            .find(|r| r.last == k && r.first == k - 1);
        let house = number.class == Class::Digits
            && (1..=5).contains(&number.text.len())
            && run.is_some_and(|r| {
                !detect::is_amount_or_count(tokens, &r) && !detect::counts_a_group(tokens, &r)
            });
        if opens && house && !covered(findings, number.start, number.end) {
            out.push(make_finding(
                text,
                FindingKind::Address,
                number.start,
                f.end,
                0.35,
                "",
            ));
        }
    }
    out
}

/// A month named right before a value said in digits, or after it with "of" ("End on August
/// [NUMBER].", base on 8 kHz µ-law for "When does the card expire?" - "End of August, twenty
/// six.", the question garbled): with the number redacted, the month is the rest of a date, and
/// goes with it (fail closed). "May" only written so, as the month, not the verb.
fn months_beside_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let month = |t: &Token| {
        t.class == Class::Word
            && t.text.len() >= 3
            && tokens::month(&t.text).is_some()
            && (t.text != "may" || t.cap)
            && t.text != "mar"
    };
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        // The month before it, a comma between at most; for a date, up to four words of
        // its day garbled between ("March of the time, [DATE_OF_BIRTH].", base on 8 kHz µ-law
        // for "March the ninth, 1966").
        let before = tokens.iter().rposition(|t| t.end <= f.start);
        let date = matches!(
            f.kind,
            FindingKind::DateOfBirth | FindingKind::CreditDebitExpiry
        );
        let before = before.and_then(|k| {
            let reach = if date { 5 } else { 1 };
            (k.saturating_sub(reach)..=k)
                .rev()
                .take_while(|&j| !matches!(tokens[j].text.as_str(), "." | "?" | "!"))
                .find(|&j| month(&tokens[j]))
                .filter(|&j| j == k || date || (j + 1 == k && tokens[k].text == ","))
        });
        // Or after it: "of" and the month.
        let after = tokens.iter().position(|t| t.start >= f.end).and_then(|k| {
            (tokens[k].text == "of" && tokens.get(k + 1).is_some_and(month)).then_some(k + 1)
        });
        for m in before.into_iter().chain(after) {
            let (a, b) = (tokens[m].start.min(f.start), tokens[m].end.max(f.end));
            if !covered(findings, a, b) {
                out.push(make_finding(text, f.kind, a, b, 0.3, ""));
            }
        }
    }
    out
}

/// One word or two between two pieces of a value of one kind (or a number of no kind beside
/// one), commas and stops around them,
/// that may be digits of it: a digit's word, homophone or half-heard zero ("[BANK_ROUTING] near
/// [BANK_ROUTING]", tiny.en on 8 kHz µ-law for "zero two one, zero zero zero, zero two one"),
/// or letters that are no word ("[CREDIT_DEBIT_NUMBER] i [CREDIT_DEBIT_NUMBER]", "[PIN] L.
/// [PIN]"), two such words or one said twice ("[PHONE] night night [PHONE]"): they are the
/// value's, one tag with both pieces (fail closed). Not "and", "or", "dot", "ext" and other
/// short words.
fn words_between_pieces(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    const ZEROS: &[&str] = &[
        "near", "nero", "nearo", "neuro", "zero", "go", "double", "triple",
        // Five and nine as whisper half hears them ("Sure! [NUMBER] fine [CREDIT_DEBIT_NUMBER]",
        // base for a card's "… five five five five", round 51).
        "fine", "night",
    ];
    const SHORT_WORDS: &[&str] = &[
        "and", "or", "on", "the", "a", "an", "is", "it", "its", "my", "at", "by", "of", "in",
        "dot", "to", "so", "no", "not", "but", "yes", "ok", "uh", "um", "er", "then", "now", "see",
        "let", "me", "you", "we", "he", "she", "him", "her", "our", "us", "was", "are", "has",
        "had", "can", "did", "got", "for", "sir", "ext", "apt", "ste", "box",
    ];
    let digit_like = |t: &Token| {
        let w = t.text.as_str();
        ZEROS.contains(&w)
            || tokens::is_oh(w)
            || tokens::unit(w).is_some()
            || (tokens::homophone(w).is_some() && !SHORT_WORDS.contains(&w))
            || (w.len() <= 3
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && !SHORT_WORDS.contains(&w))
            // A word whisper wrote all in capitals for digits it half heard ("[CREDIT_DEBIT_NUMBER]
            // PEMMEN [CREDIT_DEBIT_NUMBER]", base on µ-law for a card's "… six seven, eight …",
            // round 71).
            || (t.caps && (4..=8).contains(&w.len()) && w.chars().all(|c| c.is_ascii_alphabetic()))
    };
    let mut pieces: Vec<&Finding> = findings.iter().filter(|f| said_in_digits(f)).collect();
    pieces.sort_by_key(|f| f.start);
    let mut out = Vec::new();
    for pair in pieces.windows(2) {
        let (f, g) = (pair[0], pair[1]);
        // Of one kind, or one of them a number whose kind no cue told.
        let generic = f.kind == FindingKind::Number || g.kind == FindingKind::Number;
        if (f.kind != g.kind && !generic) || g.start < f.end {
            continue;
        }
        let kind = if f.kind == FindingKind::Number {
            g.kind
        } else {
            f.kind
        };
        let between: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.start >= f.end && t.end <= g.start)
            .collect();
        let words: Vec<&&Token> = between.iter().filter(|t| t.class == Class::Word).collect();
        let only_stops = between
            .iter()
            .all(|t| t.class == Class::Word || matches!(t.text.as_str(), "," | "." | "-"));
        let one_line = between.iter().all(|t| t.line == between[0].line);
        // One word that may be a digit, or two: both such, or one word said twice, a digit
        // said twice as whisper misheard it ("[PHONE] night night [PHONE]", tiny.en on mono for
        // "one, nine nine two").
        let digits = match words[..] {
            [word] => digit_like(word),
            [a, b] => {
                (digit_like(a) && digit_like(b))
                    || (a.text == b.text
                        && a.text.chars().all(|c| c.is_ascii_alphabetic())
                        && !SHORT_WORDS.contains(&a.text.as_str()))
            }
            _ => false,
        };
        if digits && only_stops && one_line && !covered(findings, between[0].start, g.start) {
            // Over both pieces, so that the three are one tag.
            out.push(make_finding(text, kind, f.start, g.end, 0.3, ""));
        }
    }
    out
}

/// Digits said after a value found whichever way, that no rule joined to it: a chain of a
/// digit's homophones and number words right after it, opening with a homophone, a comma
/// between at most ("AX for my social [NUMBER] for one, …", base on 8 kHz µ-law for an SSN's
/// "five two three, four one, …"), or one homophone seldom a word there ending its sentence
/// ("do [PIN] free."). It is the value's.
fn digits_after_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        let Some(mut k) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        if tokens[k].text == "," {
            k += 1;
        }
        // The chain of homophones and number words, with a number word in it, or a half-heard
        // zero glued to the garble of the digit after it ("Account number [BANK_ACCOUNT_NUMBER]
        // to NeroFemmren", base on 8 kHz µ-law for "… nine two zero seven").
        let glued_zero =
            |t: &Token| t.class == Class::Word && t.text.len() > 4 && t.text.starts_with("nero");
        let digit_word = |t: &Token| {
            tokens::homophone(&t.text).is_some()
                || (t.class == Class::Word && tokens::is_number_word(t))
                || tokens::is_oh(&t.text)
                || glued_zero(t)
        };
        let mut end = k;
        let mut numbers = 0;
        while end < tokens.len()
            && digit_word(&tokens[end])
            && !covered(findings, tokens[end].start, tokens[end].end)
        {
            numbers +=
                usize::from(tokens::is_number_word(&tokens[end]) || glued_zero(&tokens[end]));
            end += 1;
        }
        // Or one homophone seldom a word there, ending its sentence or clause ("Okay, do [PIN]
        // free.", tiny.en for a PIN's "two eight six three"; "from the third group,
        // [CREDIT_DEBIT_NUMBER] free, then [CREDIT_DEBIT_NUMBER]", tiny.en live for "One two
        // eight three, then zero three six six.").
        let rare_last = end == k + 1
            && matches!(tokens[k].text.as_str(), "free" | "tree" | "ate" | "won")
            && tokens
                .get(end)
                .is_none_or(|t| matches!(t.text.as_str(), "." | "?" | "!" | ","));
        // Or any homophone after three digits given as a number's last four ("The one ending in
        // [NUMBER] to pair the charge …", tiny.en on 8 kHz µ-law and live for "The one ending
        // in seven seven one two."): its fourth.
        let first = tokens.iter().position(|t| t.start >= f.start).unwrap_or(0);
        let ending = first >= 2
            && matches!(tokens[first - 2].text.as_str(), "ending" | "ends" | "end")
            && matches!(tokens[first - 1].text.as_str(), "in" | "with");
        let fourth = ending && end == k + 1 && value_digits(f).len() == 3;
        if (numbers > 0 || rare_last || fourth)
            && end > k
            && tokens::homophone(&tokens[k].text).is_some()
        {
            out.push(make_finding(
                text,
                f.kind,
                tokens[k].start,
                tokens[end - 1].end,
                0.35,
                "",
            ));
        }
    }
    out
}

/// A number written right after a value, a space between and nothing else ("my member it is
/// [NUMBER] 999108 and I need a new card.", tiny.en at 16 kHz, on 8 kHz µ-law and on mono for a
/// member ID's "W two seven four, nine nine one, zero eight", its first group written "w274"):
/// more of the value, two digits or more, one tag with it. Not an amount, a count, a price,
/// nor a number a word names a reference.
fn digits_right_after_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for run in tokens::digit_runs(tokens) {
        let first = &tokens[run.first];
        let b = tokens[run.last - 1].end;
        // The value ends before the run, or within it (the run read on from the value's last
        // group: "274 999108").
        let Some(f) = findings
            .iter()
            .filter(|f| said_in_digits(f) && f.start <= first.start && f.end < b)
            .max_by_key(|f| f.end)
        else {
            continue;
        };
        // Only a space between: no word, no comma.
        let Some(rest) = tokens[run.first..run.last]
            .iter()
            .find(|t| t.start >= f.end)
        else {
            continue;
        };
        let between = text
            .chars()
            .skip(f.end)
            .take(rest.start - f.end)
            .all(|c| c == ' ');
        let digits = tokens[run.first..run.last]
            .iter()
            .filter(|t| t.start >= f.end)
            .flat_map(|t| t.text.chars().filter(char::is_ascii_digit))
            .count();
        if !between
            || digits < 2
            || covered(findings, rest.start, b)
            || detect::is_amount_or_count(tokens, &run)
            || detect::reference_cued(tokens, &run)
            || written_price(tokens, &run)
        {
            continue;
        }
        out.push(make_finding(text, f.kind, f.start, b, 0.35, ""));
    }
    out
}

/// A line's closing sentence of two words at most that ends in a digit's homophone or a number
/// word, right after a sentence or clause ending in a value said in digits ("Okay, let's end
/// [PHONE]. I'm too.", tiny.en for a one-time code's "four seven one, nine nine two"): the
/// value's last digits as whisper misheard them (fail closed). Not "one" standing for a thing.
fn digits_closing_line(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let Some(last) = tokens.iter().rposition(|t| t.class != Class::Punct) else {
        return Vec::new();
    };
    let Some(stop) = tokens[..last]
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "," | "?" | "!"))
    else {
        return Vec::new();
    };
    let words = tokens[stop + 1..=last]
        .iter()
        .filter(|t| t.class != Class::Punct)
        .count();
    let end = &tokens[last];
    // Not "Thanks too.", "You too.", "Me too.".
    let polite = end.text == "too"
        && last > 0
        && matches!(
            tokens[last - 1].text.as_str(),
            "thanks" | "thank" | "you" | "me" | "us" | "cheers"
        );
    let digit = (tokens::homophone(&end.text).is_some() && !polite)
        || (end.class == Class::Word
            && tokens::is_number_word(end)
            && !tokens::pronoun_one(tokens, last));
    let value = (stop > 0).then(|| &tokens[stop - 1]).and_then(|t| {
        findings
            .iter()
            .find(|f| said_in_digits(f) && f.end == t.end)
    });
    match value {
        Some(f) if words <= 2 && digit && !covered(findings, tokens[stop + 1].start, end.end) => {
            vec![make_finding(
                text,
                f.kind,
                tokens[stop + 1].start,
                end.end,
                0.35,
                "",
            )]
        }
        _ => Vec::new(),
    }
}

/// Words said over and over that are no digit misheard ("yes yes yes", "no, no").
pub(crate) const SAID_OVER: &[&str] = &[
    "yes", "yeah", "no", "okay", "ok", "thanks", "bye", "right", "sorry", "please", "very", "so",
    "really", "go", "ha", "hello", "hi", "sure", "well", "the", "and", "um", "uh", "er", "erm",
    "it's", "is", "my", "that", "that's", "wait", "hang", "hold", "oh",
];

/// One word said twice or more right before a value said in digits, commas between at most, in
/// a line not the agent's ("Oh, servant, servant [CREDIT_DEBIT_CVV].", base for a code's "Oh,
/// seven seven one."): a digit said twice as whisper misheard it, the value's. Not "no, no" and
/// other words said over ([`SAID_OVER`]).
fn repeats_before_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        let Some(at) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        let mut k = at;
        // "then" or "and" between ("It starts with mirror mirror, then [BANK_ACCOUNT_NUMBER]",
        // tiny.en for "zero zero, then four one two eight, …").
        if k > 0 && matches!(tokens[k - 1].text.as_str(), "then" | "and") {
            k -= 1;
        }
        if k > 0 && tokens[k - 1].text == "," {
            k -= 1;
        }
        let Some(word) = k.checked_sub(1).map(|j| &tokens[j]) else {
            continue;
        };
        if word.class != Class::Word
            || word.text.len() < 2
            || SAID_OVER.contains(&word.text.as_str())
            || tokens::is_number_word(word)
        {
            continue;
        }
        let (mut first, mut n) = (k - 1, 0);
        let mut j = k;
        while j > 0 {
            let t = &tokens[j - 1];
            if t.text == word.text {
                n += 1;
                first = j - 1;
            } else if t.text != "," {
                break;
            }
            j -= 1;
        }
        if n >= 2 && !covered(findings, tokens[first].start, f.end) {
            out.push(make_finding(
                text,
                f.kind,
                tokens[first].start,
                f.end,
                0.3,
                "",
            ));
        }
    }
    out
}

/// One word said three times or more right after a value said in digits, commas between at
/// most ("[BANK_ACCOUNT_NUMBER], Perman Perman Perman I4", tiny.en for an account's "… seven
/// seven five four"; "[PHONE], then time time time", for "five five five"): a digit said over
/// and over as whisper misheard it, the value's, with the digits glued to letters after it. Not
/// "yes", "no", "bye" and other words said over.
fn repeats_after_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        let Some(mut k) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        // One word between at most ("then").
        let word = |k: usize| tokens.get(k).filter(|t| t.class == Class::Word);
        let repeats = |from: usize| {
            let first = word(from)?;
            let mut n = 0;
            let mut j = from;
            let mut last = from;
            while j < tokens.len() {
                if tokens[j].text == first.text {
                    n += 1;
                    last = j;
                } else if tokens[j].text != "," {
                    break;
                }
                j += 1;
            }
            // Twice, with a digit's word or homophone after ("and I'm I'm free.", tiny.en for
            // "… nine nine three").
            let digit_after = tokens.get(last + 1).is_some_and(|t| {
                tokens::homophone(&t.text).is_some()
                    || (t.class == Class::Word && tokens::is_number_word(t))
            });
            let last = if n == 2 && digit_after {
                last + 1
            } else {
                last
            };
            ((n >= 3 || (n == 2 && digit_after))
                && first.text.len() >= 2
                && !SAID_OVER.contains(&first.text.as_str()))
            .then_some(last)
        };
        if tokens.get(k).is_some_and(|t| t.text == ",") {
            k += 1;
        }
        let Some(mut last) = repeats(k).or_else(|| repeats(k + 1)) else {
            continue;
        };
        // Letters and digits glued after it ("I4").
        while let (Some(a), Some(b)) = (tokens.get(last + 1), tokens.get(last + 2)) {
            if a.class == Class::Word && b.class == Class::Digits && a.end == b.start {
                last += 2;
            } else {
                break;
            }
        }
        if !covered(findings, tokens[k].start, tokens[last].end) {
            out.push(make_finding(
                text,
                f.kind,
                f.start,
                tokens[last].end,
                0.3,
                "",
            ));
        }
    }
    out
}

/// Four digits or more written one by one glued by hyphens ("So the car then did 5-5-1-8",
/// tiny.en for the agent's "So the card ends in five five one eight?", its cue garbled): digits
/// read out, a value's, on either party's line. Not an amount, a count or a reference ("Your
/// order is 5-5-1-8").
fn hyphened_digits(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for run in tokens::digit_runs(tokens) {
        let said = &tokens[run.first..run.last];
        let hyphened = said.iter().enumerate().all(|(i, t)| {
            let glued = i == 0 || said[i - 1].end == t.start;
            glued
                && if i % 2 == 0 {
                    t.class == Class::Digits && t.text.len() == 1
                } else {
                    t.text == "-"
                }
        });
        let (a, b) = (tokens[run.first].start, tokens[run.last - 1].end);
        if hyphened
            && said.len() % 2 == 1
            && run.digits.len() >= 4
            && !detect::is_amount_or_count(tokens, &run)
            && !detect::reference_cued(tokens, &run)
            && !covered(findings, a, b)
        {
            out.push(make_finding(
                text,
                FindingKind::Number,
                a,
                b,
                0.35,
                &run.digits,
            ));
        }
    }
    out
}

/// Three or more words ASR writes for digits in a row, commas or hyphens between, two of them
/// words seldom said in a row ("free", "tree", "ate", "won"): digits read out, on either
/// party's line, with no number found beside them ("I'm detaining free free free free", base
/// for the agent's "And it ends in three three three three"). "For free to" has one such word,
/// and stays.
/// In a partial (`growing`) a run that ends it may go on: two such words end it already. Once a
/// value was said in the call (`valued`: `Some` of its kind), two are enough anywhere ("No, the
/// third group is free free iron for.", base for a card group corrected to "three three nine
/// four"), as that value's kind; and a partial in such a call (or answering a line that names a
/// value or says a number) ending in two words for digits of any kind hides them until its final says what they
/// were.
fn homophone_runs(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
    growing: bool,
    valued: Option<FindingKind>,
) -> Vec<Finding> {
    let rare = |t: &Token| matches!(t.text.as_str(), "free" | "tree" | "ate" | "won");
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if tokens::homophone(&tokens[k].text).is_none() {
            k += 1;
            continue;
        }
        // The run from k: homophones, a comma or a hyphen between each two.
        let (mut last, mut words, mut rares) = (k, 1, usize::from(rare(&tokens[k])));
        let mut j = k + 1;
        while j < tokens.len() {
            let t = &tokens[j];
            if tokens::homophone(&t.text).is_some() {
                last = j;
                words += 1;
                rares += usize::from(rare(t));
            } else if !matches!(t.text.as_str(), "," | "-") {
                break;
            }
            j += 1;
        }
        let (a, b) = (tokens[k].start, tokens[last].end);
        let ends = tokens[last + 1..].iter().all(|t| t.class == Class::Punct);
        let least = if (growing && ends) || valued.is_some() {
            2
        } else {
            3
        };
        // A partial ending in two of any in a call where a value was said ("no I can't it's
        // out and well made for for.", tiny.en live on 8 kHz µ-law for a phone number's "… one
        // eight four four"): its final will say whether they were digits.
        let seldom = rares >= 2 || (growing && ends && valued.is_some());
        if words >= least && seldom && !covered(findings, a, b) {
            let kind = valued.unwrap_or(FindingKind::Number);
            out.push(make_finding(text, kind, a, b, 0.35, ""));
        }
        k = last + 1;
    }
    out
}

/// Digits read out with "double" or "triple" between them ("It's so duo, 7946 double 1 to
/// do.", tiny.en live for a London number's "… seven nine four six, double one two two", its
/// request heard as "What are you calling from?"): nobody says an amount or a count so. From
/// the digits written before it, commas between, to the digits and their homophones after it;
/// on either party's line. Said all in words ("one triple two") it is the other rules'.
fn doubled_digits(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let numeric = |t: &Token| t.class == Class::Digits || tokens::is_number_word(t);
    let mut out = Vec::new();
    for k in 1..tokens.len().saturating_sub(1) {
        if !matches!(tokens[k].text.as_str(), "double" | "triple")
            || tokens[k - 1].class != Class::Digits
            || !numeric(&tokens[k + 1])
        {
            continue;
        }
        let mut first = k - 1;
        while first >= 2 && tokens[first - 1].text == "," && numeric(&tokens[first - 2]) {
            first -= 2;
        }
        while first >= 1 && numeric(&tokens[first - 1]) {
            first -= 1;
        }
        // And the digits after it, a digit's homophone among them ("double 1 to 2").
        let mut last = k + 1;
        while let Some(t) = tokens.get(last + 1) {
            if numeric(t) || tokens::homophone(&t.text).is_some() {
                last += 1;
            } else {
                break;
            }
        }
        let (a, b) = (tokens[first].start, tokens[last].end);
        // The kind of a value found in it, if any.
        let kind = findings
            .iter()
            .find(|f| said_in_digits(f) && f.start < b && a < f.end)
            .map_or(FindingKind::Number, |f| f.kind);
        if !covered(findings, a, b) {
            out.push(make_finding(text, kind, a, b, 0.35, ""));
        }
    }
    out
}

/// A word said for a digit: a number word, a digit's homophone ("for", "free"), "oh", or
/// "Nero", whisper's word for a zero it half heard.
fn digit_word(t: &Token) -> bool {
    tokens::homophone(&t.text).is_some()
        || (t.class == Class::Word && tokens::is_number_word(t))
        || tokens::is_oh(&t.text)
        || matches!(t.text.as_str(), "nero" | "nearo")
}

/// The first or last digits of a number said after "starts with", "begins with", "ends in",
/// "end in" or "ending with" (…), however whisper wrote them ("The one that starts with 4.929
/// and ends in 8.1.14.", "… and end in 8.1.1.4.", "… starts with 49-9 and ends in 8-1-1-4.",
/// tiny.en at 16 kHz, on 8 kHz µ-law and on mono for a card's "four nine two nine" and "eight
/// one one four", the agent's "Which card would you like to use?" garbled): two digits or more,
/// with the stops, hyphens, slashes, commas and digit words among them ("It ends in 3/4.", tiny.en
/// live for a phone's "three four"), on either party's line. The
/// number's (fail closed); not a count, an amount or a reference ("ends in 2 days", "starts with
/// 3 items", "a payment ending 99", "order number ending 4417").
fn number_edges_said(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in 0..tokens.len() {
        let cue = tokens[k].text.as_str();
        let start = matches!(
            cue,
            "starts" | "start" | "starting" | "begins" | "begin" | "beginning"
        );
        let end = matches!(cue, "ends" | "end" | "ending");
        let by = tokens.get(k + 1).map(|t| t.text.as_str());
        let mut a = match (start, end, by) {
            (true, _, Some("with")) | (_, true, Some("in" | "with")) => k + 2,
            (_, true, _) if tokens.get(k + 1).is_some_and(|t| t.class == Class::Digits) => k + 1,
            (_, true, Some("$" | "£" | "€")) => k + 1,
            _ => continue,
        };
        // A currency sign whisper put before a card's or an account's last digits ("my card
        // ending $4481", base for "my card ending four four eight one"): no amount ends a card.
        let named = tokens[k.saturating_sub(3)..k]
            .iter()
            .find_map(|t| match t.text.as_str() {
                "card" | "visa" | "mastercard" | "amex" | "debit" | "credit" => {
                    Some(FindingKind::CreditDebitNumber)
                }
                "account" => Some(FindingKind::BankAccountNumber),
                _ => None,
            });
        if tokens
            .get(a)
            .is_some_and(|t| matches!(t.text.as_str(), "$" | "£" | "€"))
        {
            if named.is_none() {
                continue;
            }
            a += 1;
        }
        let (mut b, mut digits, mut last) = (a, 0, None);
        while let Some(t) = tokens.get(b) {
            if t.class == Class::Digits {
                digits += t.text.chars().filter(char::is_ascii_digit).count();
            } else if digit_word(t) {
                digits += 1;
            } else if !matches!(t.text.as_str(), "." | "-" | "," | "/") {
                break;
            }
            if t.class != Class::Punct {
                last = Some(b);
            }
            b += 1;
        }
        let Some(mut last) = last else { continue };
        // "to" or "for" last, a word after it, is the word ("The one ending [SSN] to open an
        // account").
        while last > a
            && matches!(tokens[last].text.as_str(), "to" | "too" | "for" | "fore")
            && tokens.get(last + 1).is_some_and(|t| t.class == Class::Word)
        {
            last = (a..last)
                .rev()
                .find(|&j| tokens[j].class != Class::Punct)
                .unwrap_or(a);
        }
        let after = tokens[last + 1..].iter().find(|t| t.class != Class::Punct);
        let unit = after.is_some_and(|t| {
            detect::UNITS_AFTER.contains(&t.text.as_str()) && t.start == tokens[last].end + 1
        });
        // A share ("ends in 3/4 of an hour").
        let share =
            after.is_some_and(|t| t.text == "of") && tokens[a..=last].iter().any(|t| t.text == "/");
        // With the sign before them, if any.
        let from = if matches!(tokens[a - 1].text.as_str(), "$" | "£" | "€") {
            tokens[a - 1].start
        } else {
            tokens[a].start
        };
        let to = tokens[last].end;
        // An amount's ("I see a payment ending 99.").
        let amount = k > 0
            && matches!(
                tokens[k - 1].text.as_str(),
                "payment" | "amount" | "price" | "total" | "balance" | "bill" | "fee"
            );
        // A reference's ("Your order number ending 4417 has shipped.").
        let reference = tokens::digit_runs(tokens)
            .iter()
            .any(|r| r.first <= last && a < r.last && detect::reference_cued(tokens, r));
        // The kind of a value found in it, if any, or of the one named.
        let kind = findings
            .iter()
            .find(|f| said_in_digits(f) && f.start < to && from < f.end)
            .map(|f| f.kind)
            .or(named)
            .unwrap_or(FindingKind::Number);
        if digits >= 2 && !unit && !share && !amount && !reference && !covered(findings, from, to) {
            out.push(make_finding(text, kind, from, to, 0.35, ""));
        }
    }
    out
}

/// Words that name a piece of a number ("the third group is …", "the last bit was …").
const PIECE_WORDS: &[&str] = &["group", "block", "part", "bit", "set", "section", "chunk"];

/// Words said of a piece of a number at most before what it is.
const PIECE_WORDS_SAID: usize = 6;

/// A piece of a number named and then said, once a value was said in the call ("No, the third
/// group is free free iron for.", "… the third group in free free night is for...", base and
/// tiny.en for a card's group corrected to "three three nine four"): after "group", "part",
/// "bit" (…) and "is", "was", "in" or "'s", the rest of the sentence up to its last word for a
/// digit, if at most [`PIECE_WORDS_SAID`] words hold two such words or more, as `kind`, the
/// kind of the value last said. "The second part is the one that matters." has one, and stays.
fn groups_named(
    text: &str,
    tokens: &[Token],
    findings: &[Finding],
    kind: FindingKind,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in 1..tokens.len() {
        let piece = tokens[k - 1].text.trim_end_matches("'s");
        if !PIECE_WORDS.contains(&piece) {
            continue;
        }
        let a = if tokens[k - 1].text.ends_with("'s") {
            k
        } else if matches!(tokens[k].text.as_str(), "is" | "was" | "in" | "are") {
            k + 1
        } else {
            continue;
        };
        let (mut digits, mut last, mut said) = (0, None, 0);
        for (j, t) in tokens.iter().enumerate().skip(a) {
            if matches!(t.text.as_str(), "." | "?" | "!") || said == PIECE_WORDS_SAID {
                break;
            }
            if t.class == Class::Punct {
                continue;
            }
            said += 1;
            if t.class == Class::Digits || digit_word(t) {
                digits += 1;
                last = Some(j);
            }
        }
        let Some(last) = last else { continue };
        let (from, to) = (tokens[a].start, tokens[last].end);
        if digits >= 2 && !covered(findings, from, to) {
            out.push(make_finding(text, kind, from, to, 0.35, ""));
        }
    }
    out
}

/// Pieces glued by hyphens to a value said in digits, no space between ("No, [BANK_ACCOUNT_NUMBER]-ine."
/// and "[BANK_ACCOUNT_NUMBER]-dine-[BANK_ACCOUNT_NUMBER]-dine,", tiny.en for an account's and an
/// IBAN's "… six nine" and "… one nine"; "[BANK_ACCOUNT_NUMBER]-I-N", base): whisper's spelling
/// of a digit it half heard, so more of the value (fail closed), up to the next space. So too
/// after an address that ends in a digit, or before one that starts with one ("the postcode
/// [ADDRESS]-I-Nero.", base on µ-law for "two one five zero", round 58).
fn hyphen_glued_pieces(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let glued = |a: &Token, b: &Token| a.end == b.start;
    let piece = |t: &Token| matches!(t.class, Class::Word | Class::Digits);
    let digit_end = |f: &Finding, last: bool| {
        let mut chars = f.value.original.chars();
        let c = if last {
            chars.next_back()
        } else {
            chars.next()
        };
        said_in_digits(f)
            || (f.kind == FindingKind::Address && c.is_some_and(|c| c.is_ascii_digit()))
    };
    let mut out = Vec::new();
    for f in findings
        .iter()
        .filter(|f| digit_end(f, true) || digit_end(f, false))
    {
        let (mut start, mut end) = (f.start, f.end);
        // After it: "-" and a piece, again and again.
        let mut k = tokens
            .iter()
            .position(|t| t.start >= end)
            .filter(|_| digit_end(f, true));
        while let Some(i) = k {
            match (tokens.get(i), tokens.get(i + 1)) {
                (Some(h), Some(p))
                    if h.text == "-" && h.start == end && glued(h, p) && piece(p) =>
                {
                    end = p.end;
                    k = Some(i + 2);
                }
                _ => break,
            }
        }
        // Before it, the same way.
        let mut k = tokens
            .iter()
            .rposition(|t| t.end <= start)
            .filter(|_| digit_end(f, false));
        while let Some(i) = k {
            match (i.checked_sub(1).map(|j| &tokens[j]), tokens.get(i)) {
                (Some(p), Some(h))
                    if h.text == "-" && h.end == start && glued(p, h) && piece(p) =>
                {
                    start = p.start;
                    k = i.checked_sub(2);
                }
                _ => break,
            }
        }
        if (start, end) != (f.start, f.end) && !covered(findings, start, end) {
            out.push(make_finding(text, f.kind, start, end, 0.35, ""));
        }
    }
    out
}

/// The number that opens a line (a word or two before it at most: "So", "Okay,") when the line
/// reads back the value just given: three digits or more, not an amount, a count, a time, a
/// year after "in" or a reference, taken as `kind` (fail closed).
fn read_back_opening(
    text: &str,
    tokens: &[Token],
    kind: FindingKind,
    findings: &[Finding],
) -> Vec<Finding> {
    tokens::digit_runs(tokens)
        .into_iter()
        .next()
        .filter(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            let words_before = tokens[..run.first]
                .iter()
                .filter(|t| t.class != Class::Punct)
                .count();
            words_before <= 2
                && run.digits.len() >= 3
                && !covered(findings, a.start, b.end)
                && !detect::is_amount_or_count(tokens, run)
                && !detect::counts_a_thing(tokens, run)
                && !detect::is_reference(tokens, run)
                && !detect::reference_cued(tokens, run)
        })
        .map(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            make_finding(text, kind, a.start, b.end, 0.35, &run.digits)
        })
        .into_iter()
        .collect()
}

/// The digits a number ends in, said after "ending" or "ends" ("in" or "with" between), as
/// words whisper wrote for them ("… my work line is the same, what I'm ending for for.", tiny.en
/// for "… but ending four four"): two or more digit words or homophones, commas between, in a
/// line not the agent's. The number's (fail closed); not a count ("ending in two days").
fn endings_said(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in 0..tokens.len() {
        if !matches!(tokens[k].text.as_str(), "ending" | "ends") {
            continue;
        }
        let mut a = k + 1;
        if tokens
            .get(a)
            .is_some_and(|t| matches!(t.text.as_str(), "in" | "with"))
        {
            a += 1;
        }
        // Digit words, and written digits among them ("ends for 4": written digits alone are
        // the rule for those, `number_edges_said`).
        let (mut b, mut words, mut digits) = (a, 0, 0);
        while let Some(t) = tokens.get(b) {
            if digit_word(t) {
                words += 1;
            } else if t.class == Class::Digits && t.text.len() <= 2 {
                digits += t.text.len();
            } else if t.text != "," {
                break;
            }
            b += 1;
        }
        let last = (a..b).rev().find(|&j| tokens[j].class != Class::Punct);
        let unit = tokens
            .get(b)
            .is_some_and(|t| detect::UNITS_AFTER.contains(&t.text.as_str()));
        if let (Some(last), true, false) = (last, words >= 1 && words + digits >= 2, unit) {
            let (start, end) = (tokens[a].start, tokens[last].end);
            if !covered(findings, start, end) {
                out.push(make_finding(
                    text,
                    FindingKind::Number,
                    start,
                    end,
                    0.35,
                    "",
                ));
            }
        }
    }
    out
}

/// Four digits or more read out one word each ("zero zero one zero", "one triple two four",
/// commas or hyphens between at most) in a line not the agent's: a value read out, whatever
/// asked for it ("No, the last bit is zero zero one zero", tiny.en on a mono recording, the
/// agent's read-back before it garbled; its read-back "So that's so one six one four nine six"
/// too). Not an amount, a time, a count or a reference ("order number one two three four").
fn digits_read_out_in_words(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    tokens::digit_runs(tokens)
        .into_iter()
        .filter(|run| {
            let said = &tokens[run.first..run.last];
            run.groups.len() >= 4
                && run.digits.len() >= 4
                && said.iter().all(|t| {
                    t.class == Class::Punct
                        || tokens::unit(&t.text).is_some()
                        || tokens::is_oh(&t.text)
                        || matches!(t.text.as_str(), "zero" | "double" | "triple")
                })
                && !detect::is_amount_or_count(tokens, run)
                && !detect::reference_cued(tokens, run)
        })
        .filter_map(|run| {
            let (a, b) = (tokens[run.first].start, tokens[run.last - 1].end);
            (!covered(findings, a, b))
                .then(|| make_finding(text, FindingKind::Number, a, b, 0.4, &run.digits))
        })
        .collect()
}

/// A digit said with how many times it repeats ("four zeros", "It's 4-0s.", tiny.en on 8 kHz
/// µ-law for a PIN of "four zeros"; "for zeros", base on mono; "all nines"): a count — a digit,
/// a number word, one of their homophones, "all" — and a digit in the plural, glued by a hyphen
/// or not.
fn repeated_digits(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    const PLURAL: &[&str] = &[
        "zeros", "zeroes", "noughts", "ones", "twos", "threes", "fours", "fives", "sixes",
        "sevens", "eights", "nines",
    ];
    let mut out = Vec::new();
    for k in 1..tokens.len() {
        let t = &tokens[k];
        // "zeros", or a digit with an "s" glued to it ("0s").
        let plural_digit = PLURAL.contains(&t.text.as_str())
            || (t.class == Class::Digits
                && t.text.len() == 1
                && tokens
                    .get(k + 1)
                    .is_some_and(|n| n.text == "s" && n.start == t.end));
        if !plural_digit {
            continue;
        }
        let hyphen = tokens[k - 1].text == "-" && tokens[k - 1].end == t.start;
        let Some(c) = k.checked_sub(1 + usize::from(hyphen)) else {
            continue;
        };
        let count = &tokens[c];
        let counts = count.line == t.line
            && ((count.class == Class::Digits && count.text.len() == 1)
                || tokens::unit(&count.text).is_some()
                || tokens::homophone(&count.text).is_some()
                || matches!(count.text.as_str(), "all" | "double" | "triple"));
        let end = if PLURAL.contains(&t.text.as_str()) {
            t.end
        } else {
            tokens[k + 1].end
        };
        if counts && !covered(findings, count.start, end) {
            let value = format!("{}{}", count.text, t.text);
            out.push(make_finding(
                text,
                FindingKind::Number,
                count.start,
                end,
                0.4,
                &value,
            ));
        }
    }
    out
}

/// The other numbers of a line that gives two values said in digits or more: a line read out
/// as dictation, whose other digits are pieces of them whisper split off ("It's part M and 6, 3
/// near only a row zero, 6 near only a row, [PHONE] M and [PHONE],", tiny.en on 8 kHz µ-law for
/// an IBAN's groups after its request came out as "the recipient's ribbon"). Not an amount,
/// time, count (of things or of digits: "the last four are …"), year or reference.
fn numbers_among_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let values = findings.iter().filter(|f| said_in_digits(f)).count();
    if values < 2 {
        return Vec::new();
    }
    tokens::digit_runs(tokens)
        .into_iter()
        .filter(|run| {
            let (a, b) = (tokens[run.first].start, tokens[run.last - 1].end);
            !findings.iter().any(|f| f.start < b && a < f.end)
                && !detect::is_amount_or_count(tokens, run)
                && !detect::counts_a_thing(tokens, run)
                && !detect::counts_a_group(tokens, run)
                && !detect::reference_cued(tokens, run)
                && !detect::year_after_preposition(tokens, run)
                && !detect::is_year(&run.digits)
        })
        .map(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            make_finding(text, FindingKind::Number, a.start, b.end, 0.3, &run.digits)
        })
        .collect()
}

/// Three digits or more written one at a time in a line that is not the agent's, each apart from
/// the next by one to three of a comma, "and", "then" and "the" ("It's the 7, the 6 and the
/// 2.", base on 8 kHz µ-law and mono for a card's code whose request came out garbled past any
/// cue; "The numbers are 4, 9 and 1."): a value read out a digit at a time, whatever was asked.
/// Not an amount, time or count (a unit or a counted noun after the last: "1, 2 or 3 days"), nor
/// a reference. Digits said as words are [`digits_read_out_in_words`]'s (four or more), and
/// three digits with nothing between them a number's ("the 2 1 2 bus").
fn digits_listed(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let digit = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            let glued_point = |n: Option<&Token>| n.is_some_and(|n| n.text == ".");
            t.class == Class::Digits
                && t.text.len() == 1
                && !(glued_point(tokens.get(k + 1))
                    && tokens.get(k + 2).is_some_and(|n| n.start == t.end + 1))
        })
    };
    let joins = |t: &Token| matches!(t.text.as_str(), "," | "and" | "then" | "the");
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !digit(i) {
            i += 1;
            continue;
        }
        let (mut last, mut digits) = (i, tokens[i].text.clone());
        loop {
            let gap = tokens[last + 1..]
                .iter()
                .take(3)
                .take_while(|t| t.line == tokens[i].line && joins(t))
                .count();
            let next = last + 1 + gap;
            if gap > 0 && next < tokens.len() && tokens[next].line == tokens[i].line && digit(next)
            {
                digits.push_str(&tokens[next].text);
                last = next;
            } else {
                break;
            }
        }
        let run = tokens::DigitRun {
            digits,
            first: i,
            last: last + 1,
            groups: vec![1; last + 1 - i],
            slashed: false,
        };
        let last_one = tokens::DigitRun {
            digits: tokens[last].text.clone(),
            first: last,
            last: last + 1,
            groups: vec![1],
            slashed: false,
        };
        let (a, b) = (tokens[i].start, tokens[last].end);
        let count = tokens[i..=last].iter().filter(|t| !joins(t)).count();
        if count >= 3
            && !detect::is_amount_or_count(tokens, &run)
            && !detect::counts_a_thing(tokens, &last_one)
            && !detect::reference_cued(tokens, &run)
            && !findings.iter().any(|f| f.start < b && a < f.end)
        {
            out.push(make_finding(
                text,
                FindingKind::Number,
                a,
                b,
                0.4,
                &run.digits,
            ));
        }
        i = last + 1;
    }
    out
}

/// Groups of two to four digits read out one after another in a line that is not the agent's,
/// each apart from the next by a comma, "then", "and" or "and then", two of them of three digits
/// or more and seven digits in all ("So it starts 4532, then 7781.", both shown; "So the first
/// part is [NUMBER], then 1111.", its second group shown): a value read in pieces, whatever
/// asked for it. Each group no rule found is redacted, as the kind of a group found beside it.
/// Not when every group could be a year ("2019, then 2022") or is round ("1500, then 2000"),
/// nor an amount, a time ("at 1030 and then 1145"), a count (a plural after it) or references
/// or things named before it ("Orders 5512 and 5513", "the docs 4412 and 4413").
fn groups_read_out(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let group = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            // Glued to a word ("M946"), or to a point and digits ("4.5", "1.250").
            let glued = |a: &Token, b: &Token| a.end == b.start && b.class == Class::Word;
            let point = |a: Option<&Token>, b: Option<&Token>, c: Option<&Token>| {
                matches!((a, b, c), (Some(a), Some(b), Some(c))
                    if b.text == "." && a.end == b.start && b.end == c.start
                        && c.class == Class::Digits)
            };
            let before = k.checked_sub(1).and_then(|j| tokens.get(j));
            let before2 = k.checked_sub(2).and_then(|j| tokens.get(j));
            t.class == Class::Digits
                && (2..=4).contains(&t.text.len())
                && !tokens.get(k + 1).is_some_and(|n| glued(t, n))
                && !before.is_some_and(|p| p.end == t.start && p.class == Class::Word)
                && !point(Some(t), tokens.get(k + 1), tokens.get(k + 2))
                && !point(before2, before, Some(t))
        })
    };
    let joins = |t: &Token| matches!(t.text.as_str(), "," | "and" | "then");
    let year =
        |t: &Token| t.text.len() == 4 && (t.text.starts_with("19") || t.text.starts_with("20"));
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !group(i) {
            i += 1;
            continue;
        }
        let mut said = vec![i];
        loop {
            let last = said[said.len() - 1];
            let gap = tokens[last + 1..]
                .iter()
                .take(2)
                .take_while(|t| t.line == tokens[i].line && joins(t))
                .count();
            let next = last + 1 + gap;
            if gap > 0 && tokens.get(next).is_some_and(|t| t.line == tokens[i].line) && group(next)
            {
                said.push(next);
            } else {
                break;
            }
        }
        let last = said[said.len() - 1];
        i = last + 1;
        let digits: String = said.iter().map(|&k| tokens[k].text.as_str()).collect();
        let long = said.iter().filter(|&&k| tokens[k].text.len() >= 3).count();
        if long < 2 || digits.len() < 7 || said.iter().all(|&k| year(&tokens[k])) {
            continue;
        }
        let run = tokens::DigitRun {
            digits,
            first: said[0],
            last: last + 1,
            groups: said.iter().map(|&k| tokens[k].text.len()).collect(),
            slashed: false,
        };
        let last_one = tokens::DigitRun {
            digits: tokens[last].text.clone(),
            first: last,
            last: last + 1,
            groups: vec![tokens[last].text.len()],
            slashed: false,
        };
        // Round numbers ("1500, then 2000"), times ("at 1030 and then 1145"), a plural after
        // the last ("… 2130 steps"): counts, amounts and times.
        let round = said.iter().all(|&k| tokens[k].text.ends_with("00"));
        let at = said[0] > 0 && tokens[said[0] - 1].text == "at";
        let plural = |t: &Token| {
            t.class == Class::Word
                && t.text.len() >= 4
                && t.text.ends_with('s')
                && !matches!(
                    t.text.as_str(),
                    "thanks" | "cheers" | "this" | "plus" | "does" | "unless" | "yours" | "hers"
                )
        };
        let counted = tokens.get(last + 1).is_some_and(plural);
        // Things named before it with a determiner ("She reviewed the docs 4412 and 4413.").
        let named = said[0] >= 2
            && plural(&tokens[said[0] - 1])
            && matches!(
                tokens[said[0] - 2].text.as_str(),
                "the" | "these" | "those" | "both" | "my" | "our" | "his" | "her" | "their"
            );
        if round
            || at
            || counted
            || named
            || detect::is_amount_or_count(tokens, &run)
            || detect::counts_a_thing(tokens, &last_one)
            || detect::reference_cued(tokens, &run)
            || detect::names_references(&tokens[..said[0]])
        {
            continue;
        }
        let (a, b) = (tokens[said[0]].start, tokens[last].end);
        let kind = findings
            .iter()
            .find(|f| f.start < b && a < f.end)
            .map_or(FindingKind::Number, |f| f.kind);
        for &k in &said {
            let t = &tokens[k];
            if !covered(findings, t.start, t.end) {
                out.push(make_finding(text, kind, t.start, t.end, 0.4, &t.text));
            }
        }
    }
    out
}

/// A single digit said of a value in its sentence, a sentence that says "digit" ("Sure, it's
/// [PHONE], but the last digit might be a nine, let me check."): that value's, as its kind.
/// Not a count of digits or of times ("the last four digits", "the same digit four times")
/// nor "one" as a word ("the last one").
fn digits_said_of_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (a, b) in sentences(tokens) {
        let said = &tokens[a..b];
        let (from, to) = (said[0].start, said[said.len() - 1].end);
        let Some(value) = findings
            .iter()
            .find(|f| said_in_digits(f) && f.start < to && from < f.end)
        else {
            continue;
        };
        if !said
            .iter()
            .any(|t| matches!(t.text.as_str(), "digit" | "digits"))
        {
            continue;
        }
        for (k, t) in said.iter().enumerate() {
            let digit = (t.class == Class::Digits && t.text.len() == 1)
                || (t.class == Class::Word && tokens::unit(&t.text).is_some());
            let counted = said.get(k + 1).is_some_and(|n| {
                matches!(n.text.as_str(), "digit" | "digits" | "numbers")
                    || detect::UNITS_AFTER.contains(&n.text.as_str())
            });
            let pronoun = tokens::pronoun_one(said, k);
            if digit && !counted && !pronoun && !covered(findings, t.start, t.end) {
                out.push(make_finding(text, value.kind, t.start, t.end, 0.3, ""));
            }
        }
    }
    out
}

/// An IBAN's opening, a country's two letters glued to its check digits ("Gb29", "GB9"), at most
/// three words before a value of ten digits or more found on its line: from it to the value's
/// end is the IBAN, the bank's letters between included ("Gb29 and wbk [CREDIT_DEBIT_NUMBER].",
/// tiny.en on µ-law for "G B two nine, N W B K, six zero one six …", its request heard as "worth
/// the Ivan").
fn iban_openings(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in 0..tokens.len().saturating_sub(1) {
        let (a, b) = (&tokens[k], &tokens[k + 1]);
        let opening = a.class == Class::Word
            && a.text.len() == 2
            && a.text.chars().all(|c| c.is_ascii_alphabetic())
            && b.class == Class::Digits
            // Or one of the two check digits lost ("his abin is GB9 and [CREDIT_DEBIT_NUMBER]",
            // tiny.en for "GB29 NWBK …").
            && (1..=2).contains(&b.text.len())
            && b.start == a.end
            && !tokens
                .get(k + 2)
                .is_some_and(|t| t.start == b.end && t.class != Class::Punct)
            && (k == 0 || tokens[k - 1].end < a.start);
        // Found already as a number of no kind, it is still an opening ("It's TV29, NWBK
        // [CREDIT_DEBIT_NUMBER]", tiny.en for "G B two nine, N W B K, …", round 52).
        let as_number = findings
            .iter()
            .any(|f| f.kind == FindingKind::Number && f.start == a.start && f.end == b.end);
        if !opening || (covered(findings, a.start, b.end) && !as_number) {
            continue;
        }
        let value = findings
            .iter()
            .filter(|f| said_in_digits(f) && f.start >= b.end)
            .min_by_key(|f| f.start);
        let Some(f) = value else {
            continue;
        };
        let words = tokens
            .iter()
            .filter(|t| t.start >= b.end && t.end <= f.start && t.class == Class::Word)
            .count();
        let digits = f
            .value
            .original
            .chars()
            .filter(char::is_ascii_digit)
            .count();
        if words <= 3 && digits >= 10 {
            out.push(make_finding(
                text,
                FindingKind::Iban,
                a.start,
                f.end,
                0.4,
                "",
            ));
        }
    }
    out
}

/// Words between a phone number's pieces that leave the next piece its own: at most this many
/// ([`phone_line_rest`]).
const PHONE_GAP_WORDS: usize = 4;

/// The rest of a phone number on the line that gives it, past words whisper made of some of its
/// digits ("It's plus [PHONE], the I'll double-zero, 123.", tiny.en for "plus forty four, seven
/// seven zero zero, nine double zero, one two three"): a number of two digits or more at most
/// [`PHONE_GAP_WORDS`] words after a piece of it, while the whole stays within the 15 digits a
/// phone number has, from the number words said right before it ("double-zero"). Not an
/// amount, a count, a time or a reference.
fn phone_line_rest(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let phones: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Phone)
        .collect();
    let Some(mut end) = phones.iter().map(|f| f.end).max() else {
        return Vec::new();
    };
    let mut digits: usize = phones.iter().map(|f| value_digits(f).len()).sum();
    let mut out = Vec::new();
    for run in tokens::digit_runs(tokens) {
        let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
        if a.start < end {
            continue;
        }
        if let Some(f) = findings
            .iter()
            .find(|f| f.start <= a.start && b.end <= f.end)
        {
            if f.kind == FindingKind::Phone {
                end = f.end;
            }
            continue;
        }
        let between: Vec<usize> = (0..run.first)
            .filter(|&k| tokens[k].start >= end && tokens[k].class != Class::Punct)
            .collect();
        if run.digits.len() < 2
            || between.len() > PHONE_GAP_WORDS
            || digits + run.digits.len() > 15
            || detect::is_amount_or_count(tokens, &run)
            || detect::reference_cued(tokens, &run)
            || detect::not_a_group(tokens, &run)
        {
            break;
        }
        // The number words said right before it are its digits too.
        let mut first = run.first;
        while first > 0
            && tokens[first - 1].start >= end
            && (tokens::is_number_word(&tokens[first - 1])
                || tokens::is_oh(&tokens[first - 1].text)
                || matches!(
                    tokens[first - 1].text.as_str(),
                    "double" | "triple" | "-" | ","
                ))
        {
            first -= 1;
        }
        while tokens[first].class == Class::Punct {
            first += 1;
        }
        digits += run.digits.len();
        end = b.end;
        out.push(make_finding(
            text,
            FindingKind::Phone,
            tokens[first].start,
            b.end,
            0.5,
            &run.digits,
        ));
    }
    out
}

/// Whether a finding spans the text from `start` to `end`.
fn covered(findings: &[Finding], start: usize, end: usize) -> bool {
    findings.iter().any(|f| f.start <= start && end <= f.end)
}

/// A finding of a value said in digits (a card, an account, a phone, a number…): not an
/// e-mail, an address or a name, whose words are no digits.
fn said_in_digits(f: &Finding) -> bool {
    !matches!(
        f.kind,
        FindingKind::Email | FindingKind::Address | FindingKind::Name
    )
}

/// "Nero", whisper's word for a zero it half heard on telephone audio, said in a line that
/// gives a number ("[CREDIT_DEBIT_NUMBER] Nero, Nero Nero Nero Nero.", "[NUMBER] Nero
/// [CREDIT_DEBIT_NUMBER].", tiny.en on 8 kHz µ-law for a card's groups of zeros): each chain of
/// them (commas and hyphens between) is more of the value nearest before it, or after it when
/// none is before.
fn neros_beside_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    if !findings.iter().any(said_in_digits) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        // "nearo" too ("[NUMBER], nearo-nearo, [NUMBER]", base on 8 kHz µ-law for a routing
        // number's "zero zero zero").
        let nero = |t: &Token| matches!(t.text.as_str(), "nero" | "nearo");
        // "oh" as the line's last word after a value is its last zero ("My DIA is [PIN], I'm,
        // oh", base on 8 kHz µ-law for "one, one, nine, oh").
        let last_oh = tokens::is_oh(&tokens[k].text)
            && tokens[k + 1..].iter().all(|t| t.class == Class::Punct)
            && findings
                .iter()
                .any(|f| said_in_digits(f) && f.end <= tokens[k].start);
        // A digit's homophone as the line's last word right after a value, a comma between at
        // most ("it's say 0 to", tiny.en on 8 kHz µ-law for a code's "eight zero two").
        let value_ends_at = |p: usize| {
            findings
                .iter()
                .any(|f| said_in_digits(f) && f.end == tokens[p].end)
        };
        let last_sound = tokens::homophone(&tokens[k].text).is_some()
            && tokens[k + 1..].iter().all(|t| t.class == Class::Punct)
            && k > 0
            && (value_ends_at(k - 1)
                || (k > 1 && tokens[k - 1].text == "," && value_ends_at(k - 2)));
        if !nero(&tokens[k]) && !last_oh && !last_sound {
            k += 1;
            continue;
        }
        let first = k;
        let mut last = k;
        let mut j = k + 1;
        while j < tokens.len() && (matches!(tokens[j].text.as_str(), "," | "-") || nero(&tokens[j]))
        {
            if nero(&tokens[j]) {
                last = j;
            }
            j += 1;
        }
        k = j;
        let (a, b) = (tokens[first].start, tokens[last].end);
        if covered(findings, a, b) {
            continue;
        }
        let before = findings
            .iter()
            .filter(|f| said_in_digits(f))
            .filter(|f| f.end <= a)
            .max_by_key(|f| f.end);
        let after = findings
            .iter()
            .filter(|f| said_in_digits(f))
            .filter(|f| f.start >= b)
            .min_by_key(|f| f.start);
        if let Some(f) = before.or(after) {
            out.push(make_finding(text, f.kind, a, b, 0.4, ""));
        }
    }
    out
}

/// Labels of a domain that name no one ("co" in "amazon.co.uk").
const SECOND_LEVEL_LABELS: &[&str] = &["co", "com", "org", "net", "gov", "ac", "edu", "ltd"];

/// A caller's line that is nothing but dotted words ending in a top-level domain, with two
/// labels or more before it ("S.kit.loop.com." for "s dot k at outlook dot com", tiny.en on
/// 8 kHz µ-law after the question came out as "what he may live you use"): an e-mail address
/// whose "at" was lost, whatever was asked (fail closed). A website named ("amazon.co.uk",
/// "www.bbc.co.uk") is not one.
fn bare_glued_address(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let said: Vec<&Token> = tokens
        .iter()
        .skip_while(|t| t.class == Class::Punct || tokens::is_opener(&t.text))
        .collect();
    let Some(last) = said.iter().rposition(|t| t.class != Class::Punct) else {
        return Vec::new();
    };
    let said = &said[..=last];
    // Words glued by dots, nothing else.
    let glued = said.windows(2).all(|w| w[0].end == w[1].start);
    let labels: Vec<&str> = said
        .iter()
        .filter(|t| t.class != Class::Punct)
        .map(|t| t.text.as_str())
        .collect();
    // Labels and dots in turn.
    let dots = said.iter().enumerate().all(|(i, t)| {
        if i % 2 == 1 {
            t.text == "."
        } else {
            t.class == Class::Word
        }
    });
    let naming = labels
        .iter()
        .take(labels.len().saturating_sub(1))
        .filter(|l| !SECOND_LEVEL_LABELS.contains(l))
        .count();
    let (a, b) = (said[0].start, said[last].end);
    if !glued
        || !dots
        || naming < 2
        || labels.first() == Some(&"www")
        || !labels.last().is_some_and(|l| detect::is_tld(l))
        || covered(findings, a, b)
    {
        return Vec::new();
    }
    vec![make_finding(text, FindingKind::Email, a, b, 0.4, "")]
}

/// Digits a chain must hold to be taken for a value said whole ([`spoken_number_chains`]).
const CHAIN_DIGITS: usize = 9;

/// A long number a caller said that whisper broke into digits, number words, "Nero" and words
/// it writes for digits ("free", "for"), with a word of its own between some of them ("reading
/// a thine free 7000 for nero 4 for nero 532 nero 1 free nero nero", base at 16 kHz for an IBAN
/// asked as "what's his ebony"): whatever its name came out as, a chain of three such pieces or
/// more, at most one other word between two of them, holding [`CHAIN_DIGITS`] digits or more, is
/// a value (fail closed). Amounts, times, counts, references and years break a chain. What of it
/// no other rule found is redacted, as the value found nearest before it in the chain, else as
/// a number.
fn spoken_number_chains(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    // A year alone ("in 2019 and 2020") is none either.
    let year = |r: &tokens::DigitRun| {
        r.last - r.first == 1
            && r.digits.len() == 4
            && (r.digits.starts_with("19") || r.digits.starts_with("20"))
    };
    let words = digit_like_words(tokens, |r| {
        detect::is_amount_or_count(tokens, r) || detect::reference_cued(tokens, r) || year(r)
    });
    let digits_of = |k: usize| {
        let t = &tokens[k];
        if t.class == Class::Digits {
            t.text.chars().filter(char::is_ascii_digit).count()
        } else if tokens::tens(&t.text).is_some() || tokens::teen(&t.text).is_some() {
            2
        } else {
            1
        }
    };
    let covering = |k: usize| {
        findings
            .iter()
            .find(|f| f.start <= tokens[k].start && tokens[k].end <= f.end)
    };
    let mut out = Vec::new();
    let mut w = 0;
    while w < words.len() {
        if !words[w].1 {
            w += 1;
            continue;
        }
        // The chain's digit-like words; an "oh" opening the line before a comma is the
        // caller's ("Oh, 4 5 …").
        if w == 0
            && tokens::is_oh(&tokens[words[w].0].text)
            && tokens.get(words[w].0 + 1).is_some_and(|t| t.text == ",")
        {
            w += 1;
            continue;
        }
        let mut chain = vec![words[w].0];
        w += 1;
        while w < words.len() {
            if words[w].1 {
                chain.push(words[w].0);
                w += 1;
            } else if words.get(w + 1).is_some_and(|n| n.1) {
                // One word of its own between two digits.
                w += 1;
            } else {
                break;
            }
        }
        let digits: usize = chain.iter().map(|&k| digits_of(k)).sum();
        if chain.len() < 3 || digits < CHAIN_DIGITS {
            continue;
        }
        // Its stretches no finding covers, each from its first such word to its last.
        let mut kind = FindingKind::Number;
        let mut open: Option<(usize, usize)> = None;
        for &k in &chain {
            match covering(k) {
                Some(f) => {
                    if let Some((a, b)) = open.take() {
                        out.push(make_finding(
                            text,
                            kind,
                            tokens[a].start,
                            tokens[b].end,
                            0.35,
                            "",
                        ));
                    }
                    kind = f.kind;
                }
                None => {
                    open = Some(open.map_or((k, k), |(a, _)| (a, k)));
                }
            }
        }
        if let Some((a, b)) = open {
            out.push(make_finding(
                text,
                kind,
                tokens[a].start,
                tokens[b].end,
                0.35,
                "",
            ));
        }
    }
    out
}

/// Two words or more that ASR writes for digits ("for", "to", "free", …), right before a number
/// that was found, commas between ("It's for for [SSN]", base on a mono recording for "four
/// four one, …"): the number's first digits, one tag with it.
fn homophones_before_value(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        let Some(at) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        let (mut k, mut first, mut sounds) = (at, None, 0);
        while k > 0 {
            let t = &tokens[k - 1];
            if tokens::homophone(&t.text).is_some() {
                sounds += 1;
                first = Some(k - 1);
            } else if t.text != "," {
                break;
            }
            k -= 1;
        }
        if let (Some(first), true) = (first, sounds >= 2) {
            // Over the value too, so that the two are one tag.
            let (a, b) = (tokens[first].start, f.end);
            if !findings.iter().any(|g| g.start <= a && a < g.end) {
                out.push(make_finding(text, f.kind, a, b, 0.35, ""));
            }
        }
    }
    out
}

/// Words between the pieces of a ZIP code that whisper cut in two ([`zip_rest`]).
const ZIP_GAP_WORDS: usize = 2;

/// The rest of a ZIP code whisper cut short after a state's name, past a few words it made of
/// some of its digits ("… Illinois, [ADDRESS]M and 04.", tiny.en on 8 kHz µ-law for "six two
/// seven oh four"): after an address that ends in a number of fewer than five digits right
/// after a state, the next number at most [`ZIP_GAP_WORDS`] words on, in the same sentence,
/// while the whole stays within a ZIP+4's nine digits, with the words between. Not an amount,
/// a count or a reference. The address is found again with it, as one.
fn zip_rest(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let runs = tokens::digit_runs(tokens);
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.kind == FindingKind::Address) {
        // The address ends in a short number after a state.
        let Some(zip) = runs.iter().find(|r| {
            tokens[r.last - 1].end == f.end
                && r.digits.len() < 5
                && detect::after_a_state(tokens, r)
        }) else {
            continue;
        };
        let mut digits = zip.digits.len();
        let mut end = zip.last;
        for run in runs.iter().filter(|r| r.first >= zip.last) {
            let between = &tokens[end..run.first];
            let words = between.iter().filter(|t| t.class != Class::Punct).count();
            let sentence_ends = between
                .iter()
                .any(|t| matches!(t.text.as_str(), "." | "?" | "!"));
            if words > ZIP_GAP_WORDS
                || sentence_ends
                || digits + run.digits.len() > 9
                || detect::is_amount_or_count(tokens, run)
                || detect::reference_cued(tokens, run)
            {
                break;
            }
            digits += run.digits.len();
            end = run.last;
        }
        if end > zip.last {
            out.push(make_finding(
                text,
                FindingKind::Address,
                f.start,
                tokens[end - 1].end,
                0.4,
                "",
            ));
        }
    }
    out
}

/// Zeros whisper wrote as "near" on telephone audio, right after a number that was found
/// ("It's [NUMBER] [BANK_ACCOUNT_NUMBER] near or near or near or 5.", tiny.en on 8 kHz µ-law
/// for a card's "one zero zero zero five"): two "near" or more, joined by "or", "of" or commas,
/// with a number of one or two digits that ends them, are more of that number.
fn nears_after_value(text: &str, tokens: &[Token], findings: &[Finding]) -> Option<Finding> {
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        let Some(mut k) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        while tokens.get(k).is_some_and(|t| t.text == ",") {
            k += 1;
        }
        let (mut nears, mut last) = (0, None);
        while let Some(t) = tokens.get(k) {
            match t.text.as_str() {
                "near" => {
                    nears += 1;
                    last = Some(k);
                }
                "or" | "of" | "," | "-" => {}
                _ if t.class == Class::Digits && t.text.len() <= 2 && nears >= 2 => {
                    last = Some(k);
                    break;
                }
                _ => break,
            }
            k += 1;
        }
        if let (Some(last), true) = (last, nears >= 2) {
            return Some(make_finding(
                text,
                f.kind,
                f.end,
                tokens[last].end,
                0.35,
                "",
            ));
        }
    }
    None
}

/// A zero whisper half heard on telephone audio: "near", "nero", "nearo", "neuro".
fn half_heard_zero(word: &str) -> bool {
    matches!(word, "near" | "nero" | "nearo" | "neuro")
}

/// A number the speaker takes back for a value found after it in the same sentence, a word that
/// corrects between them ("It's 987, no wait, sorry, it's [NUMBER].", tiny.en live on 8 kHz
/// µ-law for a PIN's "nine eight seven, no wait, sorry, it's seven eight nine six", its request
/// heard as "… tell me you are for a digital pen."): an attempt at the same value, of its
/// kind. Two digits or more, within eight words of it; not an amount, a count or a reference.
fn numbers_taken_back(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for run in tokens::digit_runs(tokens) {
        let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
        if run.digits.len() < 2
            || covered(findings, a.start, b.end)
            || detect::is_amount_or_count(tokens, &run)
            || detect::is_reference(tokens, &run)
        {
            continue;
        }
        let Some(f) = findings
            .iter()
            .filter(|f| said_in_digits(f) && f.start >= b.end)
            .min_by_key(|f| f.start)
        else {
            continue;
        };
        let between: Vec<&Token> = tokens[run.last..]
            .iter()
            .take_while(|t| t.end <= f.start)
            .collect();
        let takes_back = between
            .iter()
            .any(|t| t.class == Class::Word && CORRECTION_CUES.contains(&t.text.as_str()));
        let words = between.iter().filter(|t| t.class == Class::Word).count();
        let one_sentence = !between.iter().any(|t| matches!(t.text.as_str(), "?" | "!"));
        if takes_back && words <= 8 && one_sentence {
            out.push(make_finding(text, f.kind, a.start, b.end, 0.4, &run.digits));
        }
    }
    out
}

/// A capital letter alone right before a value said in digits, a comma between at most ("So
/// that's V, [PHONE].", both models on a mono recording for the agent's read-back of the
/// passport "Victor one two three four five six seven"): an ID's letter, the value's. Not "I",
/// nor "A", which open sentences as words.
fn letters_before_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| said_in_digits(f)) {
        let Some(mut k) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        if k > 0 && tokens[k - 1].text == "," {
            k -= 1;
        }
        let Some(t) = k.checked_sub(1).map(|p| &tokens[p]) else {
            continue;
        };
        // Alone: not the end of a chain glued by hyphens ("the last 4-0-R 6640.", base for
        // "four are").
        let alone = k < 2 || tokens[k - 2].end < t.start;
        let letter = t.class == Class::Word
            && t.cap
            && alone
            && t.text.chars().count() == 1
            && !matches!(t.text.as_str(), "i" | "a");
        if letter && !covered(findings, t.start, t.end) {
            out.push(make_finding(text, f.kind, t.start, f.end, 0.35, ""));
        }
    }
    out
}

/// A line right after an e-mail was given that reads it back garbled: "dot" said twice or more,
/// or heard as "not", and a top-level domain after ("M. But L.A.D. A.T. Yeah, who not, co-not
/// UK?", tiny.en for the agent's "M dot patel eighty eight at yahoo dot co dot uk"), no e-mail
/// found on it: the line from its first word to the domain is the e-mail (fail closed).
fn garbled_email_read_back(text: &str, tokens: &[Token]) -> Option<Finding> {
    const DOMAINS: &[&str] = &[
        "com", "uk", "ie", "net", "org", "au", "ca", "nz", "edu", "gov", "io",
    ];
    let dots = tokens
        .iter()
        .filter(|t| matches!(t.text.as_str(), "dot" | "not"))
        .count();
    let end = tokens
        .iter()
        .rposition(|t| DOMAINS.contains(&t.text.as_str()))?;
    let first = tokens.iter().position(|t| {
        t.class != Class::Punct
            && !tokens::is_opener(&t.text)
            && !matches!(t.text.as_str(), "that's" | "thats" | "is" | "it's" | "was")
    })?;
    (dots >= 2 && first < end).then(|| {
        make_finding(
            text,
            FindingKind::Email,
            tokens[first].start,
            tokens[end].end,
            0.4,
            "",
        )
    })
}

/// In a partial, a word for a digit ("to", "for", "free", "near", "oh", …) alone between two
/// numbers masked, commas or hyphens beside it, or after one ending the partial ("Sure, the
/// admin may read time [NUMBER] to [NUMBER] near.", tiny.en live on 8 kHz µ-law for a
/// licence's "five five one, two two zero, three four"; the final hid it whole): a digit being
/// said, masked with them.
fn digit_words_beside_masks(partial: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let masked_at = |k: usize| {
        findings
            .iter()
            .any(|f| said_in_digits(f) && f.start <= tokens[k].start && tokens[k].end <= f.end)
    };
    let digit_word = |t: &Token| {
        t.class == Class::Word
            && (tokens::homophone(&t.text).is_some()
                || tokens::is_oh(&t.text)
                || half_heard_zero(&t.text))
    };
    let joins = |t: &Token| matches!(t.text.as_str(), "," | "-");
    let mut out = Vec::new();
    for k in 1..tokens.len() {
        if !digit_word(&tokens[k]) || masked_at(k) {
            continue;
        }
        let mut before = k - 1;
        while before > 0 && joins(&tokens[before]) {
            before -= 1;
        }
        let mut after = k + 1;
        while after < tokens.len() && joins(&tokens[after]) {
            after += 1;
        }
        let ends = tokens
            .get(after)
            .is_none_or(|t| matches!(t.text.as_str(), "." | "?" | "!" | "…"));
        if masked_at(before) && (ends || (after < tokens.len() && masked_at(after))) {
            let t = &tokens[k];
            out.push(make_finding(
                partial,
                FindingKind::Number,
                t.start,
                t.end,
                0.3,
                "",
            ));
        }
    }
    out
}

/// A zero half heard as "near" (or "nero") right after a card's or an account's number, a comma
/// or a digit's homophone between at most, with what whisper made of the digits after it in the
/// same sentence: up to
/// four words before another value found, or up to two that end the sentence ("So, having
/// [CREDIT_DEBIT_NUMBER], near only a row [CREDIT_DEBIT_EXPIRY].", tiny.en on 8 kHz µ-law for
/// the card's "… zero zero four one" read back; "Sure, [CREDIT_DEBIT_NUMBER], near O'Neill.", a
/// live partial of it): more of that number. Not after a phone number ("[PHONE], near the
/// station").
fn near_after_card(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let kinds = [
        FindingKind::CreditDebitNumber,
        FindingKind::BankAccountNumber,
        FindingKind::BankRouting,
    ];
    for f in findings.iter().filter(|f| kinds.contains(&f.kind)) {
        let Some(mut k) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        if tokens[k].text == "," {
            k += 1;
        }
        let zero = |t: &Token| half_heard_zero(&t.text);
        // A digit's homophone before it ("[BANK_ACCOUNT_NUMBER] to near Orion
        // [BANK_ACCOUNT_NUMBER]", tiny.en live on 8 kHz µ-law for an account's "… two zero nine,
        // eight seven").
        let homophone = tokens
            .get(k)
            .is_some_and(|t| tokens::homophone(&t.text).is_some());
        if homophone && tokens.get(k + 1).is_some_and(zero) {
            k += 1;
        }
        let near = tokens.get(k).is_some_and(zero);
        if !near || covered(findings, tokens[k].start, tokens[k].end) {
            continue;
        }
        // Up to another value (four words at most), or to the sentence's end, or the line's
        // when it has no stop (two at most).
        let mut words = 0;
        let mut end = None;
        for j in k + 1..=tokens.len() {
            let Some(t) = tokens.get(j) else {
                end = (words <= 2).then(|| tokens[j - 1].end);
                break;
            };
            if let Some(g) = findings
                .iter()
                .find(|g| g.start == t.start && said_in_digits(g))
            {
                end = (words <= 4).then_some(g.end);
                break;
            }
            if matches!(t.text.as_str(), "." | "?" | "!" | "…") {
                end = (words <= 2).then(|| tokens[j - 1].end);
                break;
            }
            words += usize::from(t.class == Class::Word);
            if words > 4 {
                break;
            }
        }
        if let Some(end) = end {
            out.push(make_finding(text, f.kind, f.start, end, 0.35, ""));
        }
    }
    out
}

/// A phone number's extension said on a line of its own ("Is there an extension?" -
/// "Extension 218."), once a phone number was given or the other party's line before asks for
/// one: part of the number. Its digits (one to six) after "extension"/"ext", or, in answer to
/// a request naming an extension, the digits of a line that is little else ("It's 218.").
/// Not an extension with no phone number in the call or on its line ("Put me through to
/// extension 218."), nor a number already found.
fn extensions(
    text: &str,
    tokens: &[Token],
    asked: Option<&[Token]>,
    phone_heard: bool,
    findings: &[Finding],
) -> Vec<Finding> {
    let names = |t: &Token| matches!(t.text.as_str(), "extension" | "ext");
    let requested = asked.is_some_and(|a| a.iter().any(names));
    // A phone number found on this line before it ("They are [PHONE] extension 41.", tiny.en on
    // 8 kHz µ-law: the number said with no request heard for it).
    // Or a long number no rule gave a kind ("It's my workline [NUMBER], extension 41.", base for
    // "oh one one three, four nine six, oh two two oh, extension four one", round 82).
    let on_line = findings.iter().any(|f| {
        f.kind == FindingKind::Phone
            || (f.kind == FindingKind::Number
                && f.value
                    .original
                    .chars()
                    .filter(char::is_ascii_digit)
                    .count()
                    >= 6)
    });
    if !(phone_heard || requested || on_line) {
        return Vec::new();
    }
    let bare = requested && words_besides_numbers(tokens) <= 3;
    tokens::digit_runs(tokens)
        .into_iter()
        .filter(|run| (1..=6).contains(&run.digits.len()))
        .filter(|run| {
            // "extension", "ext." or "extension number is" right before it.
            let named = tokens[..run.first]
                .iter()
                .rev()
                .filter(|t| t.text != "." && t.text != ",")
                .take(3)
                .take_while(|t| names(t) || matches!(t.text.as_str(), "is" | "it's" | "number"))
                .any(names);
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            (named || bare)
                && !covered(findings, a.start, b.end)
                && !detect::is_amount_or_count(tokens, run)
                // "extension" is itself a reference's cue: not for one named so.
                && (named || !detect::reference_cued(tokens, run))
        })
        .map(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            make_finding(text, FindingKind::Phone, a.start, b.end, 0.4, &run.digits)
        })
        .collect()
}

/// [`entities::underscore_spellings`] no other rule found (those keep their kind: "[ADDRESS]"
/// in answer to a postcode's request), as numbers of no kind.
fn underscore_spellings(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    entities::underscore_spellings(tokens)
        .into_iter()
        .map(|d| (tokens[d.first].start, tokens[d.last - 1].end, d.kind))
        .filter(|&(a, b, _)| !findings.iter().any(|f| f.start < b && a < f.end))
        .map(|(a, b, kind)| make_finding(text, kind, a, b, 0.3, ""))
        .collect()
}

/// The year said after a date of birth found without it, "in" between ("I was born on the
/// [DATE_OF_BIRTH] in 1999.", round 42 on three decodes of "… on the twenty first of June in
/// nineteen ninety nine"): the date's year, one tag with it. A year after "in" is else no
/// value ("opened in 2022").
fn years_after_dates(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.kind == FindingKind::DateOfBirth)
        .filter_map(|f| {
            let k = tokens.iter().position(|t| t.start >= f.end)?;
            let (word, year) = (tokens.get(k)?, tokens.get(k + 1)?);
            let is_year = year.class == Class::Digits && detect::is_year(&year.text);
            (word.text == "in" && is_year && !covered(findings, year.start, year.end))
                .then(|| make_finding(text, f.kind, f.start, year.end, 0.5, ""))
        })
        .collect()
}

/// "slash" as a date is said with it, and as whisper half hears it.
const SLASHES: &[&str] = &["slash", "slashed", "smash", "smashed"];

/// The month said before "slash" (or "smashed", as whisper half hears it) right before an expiry
/// or a date of birth found without it: up to three words back to the start of their sentence
/// ("Oh, I'm smashed [CREDIT_DEBIT_EXPIRY].", base and tiny.en on mono for "Oh nine slash twenty
/// eight.", round 52), or before any value of four digits at most. They are the value's, one tag
/// with it.
fn months_before_slashes(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    // Or a year of such a date taken for the end of a card said before it ("Oh, I'm smashed
    // [CREDIT_DEBIT_NUMBER]", base at 16 kHz): a value of four digits at most.
    let year_like = |f: &&Finding| {
        said_in_digits(f)
            && f.value
                .original
                .chars()
                .filter(char::is_ascii_digit)
                .count()
                <= 4
    };
    for f in findings.iter().filter(|f| {
        matches!(
            f.kind,
            FindingKind::CreditDebitExpiry | FindingKind::DateOfBirth
        ) || year_like(f)
    }) {
        let Some(k) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        if k < 2 || !SLASHES.contains(&tokens[k - 1].text.as_str()) {
            continue;
        }
        // Back over words and commas to the sentence's start, three words at most.
        let mut first = k - 1;
        let mut words = 0;
        while first > 0 {
            let t = &tokens[first - 1];
            if t.class == Class::Word && words < 3 {
                words += 1;
            } else if t.text != "," {
                break;
            }
            first -= 1;
        }
        let opens = first == 0 || matches!(tokens[first - 1].text.as_str(), "." | "?" | "!");
        if words > 0 && opens && !covered(findings, tokens[first].start, f.end) {
            out.push(make_finding(
                text,
                f.kind,
                tokens[first].start,
                f.end,
                0.3,
                "",
            ));
        }
    }
    out
}

/// In an answer to a request for an expiry or a date of birth, a sentence of eight words at most
/// with "slash" (or "slashed", "smashed") between two of them is the date said, however garbled
/// its numbers ("Oh, I'm slashed when the aid.", tiny.en live for "Oh nine slash twenty eight.",
/// round 52): the sentence, its closing stop aside. Partials too.
fn slashed_dates(
    text: &str,
    tokens: &[Token],
    kind: FindingKind,
    findings: &[Finding],
) -> Vec<Finding> {
    if !matches!(
        kind,
        FindingKind::CreditDebitExpiry | FindingKind::DateOfBirth
    ) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let ends = |t: &Token| matches!(t.text.as_str(), "." | "?" | "!");
    let mut a = 0;
    while a < tokens.len() {
        let b = tokens[a..]
            .iter()
            .position(ends)
            .map_or(tokens.len(), |k| a + k);
        let sentence = &tokens[a..b];
        let words = sentence.iter().filter(|t| t.class != Class::Punct).count();
        let slashed = (1..sentence.len().saturating_sub(1)).any(|k| {
            SLASHES.contains(&sentence[k].text.as_str())
                && sentence[..k].iter().any(|t| t.class != Class::Punct)
                && sentence[k + 1..].iter().any(|t| t.class != Class::Punct)
        });
        if slashed && words <= 8 {
            let (start, end) = (sentence[0].start, sentence[sentence.len() - 1].end);
            if !covered(findings, start, end) {
                out.push(make_finding(text, kind, start, end, 0.3, ""));
            }
        }
        a = b + 1;
    }
    out
}

/// Abbreviations whisper writes with stops between letters ("a.m.", "e.g."), no e-mail.
const DOTTED_ABBREVIATIONS: &[&str] = &["a.m", "p.m", "e.g", "i.e", "u.s", "u.k", "u.s.a", "etc"];

/// Chains of words and digits joined by stops, hyphens or underscores (no space between): their
/// first and one past their last token.
fn joined_chains(tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if tokens[k].class == Class::Punct {
            k += 1;
            continue;
        }
        let mut end = k + 1;
        while end + 1 < tokens.len()
            && matches!(tokens[end].text.as_str(), "." | "-" | "_")
            && tokens[end].start == tokens[end - 1].end
            && tokens[end + 1].start == tokens[end].end
            && tokens[end + 1].class != Class::Punct
        {
            end += 2;
        }
        out.push((k, end));
        k = end;
    }
    out
}

/// Once an e-mail was asked for or given, an address read back or said again as whisper wrote
/// it, a chain of words glued by stops or hyphens ("So that's Jane.088.", "So that's
/// Jain.co.a.tate", "So that's j-do-88.", for "jane dot doe eighty eight" read back): a chain
/// joined by a stop with a letter in it that mixes letters and digits, has two stops or more, or
/// joins two words the second of which is no top-level domain; or one joined by hyphens or underscores only, three joins or more or two and a digit. Not a
/// number ("4.50"), an abbreviation ("a.m."), a hyphenated phrase ("follow-up", "up-to-date")
/// or a web address of one stop ("Not sure. Try example.com").
fn dotted_words(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    joined_chains(tokens)
        .into_iter()
        .filter(|&(a, b)| {
            let parts: Vec<&Token> = tokens[a..b].iter().step_by(2).collect();
            let joins: Vec<&str> = tokens[a..b]
                .iter()
                .skip(1)
                .step_by(2)
                .map(|t| t.text.as_str())
                .collect();
            let stops = joins.iter().filter(|j| **j == ".").count();
            let letters = parts.iter().any(|t| t.class == Class::Word);
            let digits = parts.iter().any(|t| t.class == Class::Digits);
            let written: String = tokens[a..b].iter().map(|t| t.text.as_str()).collect();
            // Or two words of two letters or more, the second no top-level domain ("John.mitade
            // to my email, got it.", tiny.en live for "john dot smith eight two at gmail" read
            // back, round 76).
            let first_last = parts.len() == 2
                && stops == 1
                && parts
                    .iter()
                    .all(|t| t.class == Class::Word && t.text.chars().count() >= 2)
                && !detect::is_tld(&parts[1].text);
            let dotted = stops >= 1 && letters && (digits || stops >= 2 || first_last);
            let hyphened =
                stops == 0 && (joins.len() >= 3 || (joins.len() == 2 && digits && letters));
            (dotted || hyphened)
                && !DOTTED_ABBREVIATIONS.contains(&written.as_str())
                && !parts
                    .iter()
                    .all(|t| t.text.chars().count() == 1 && t.class == Class::Word)
        })
        .map(|(a, b)| (tokens[a].start, tokens[b - 1].end))
        .filter(|&(a, b)| !covered(findings, a, b))
        .map(|(a, b)| make_finding(text, FindingKind::Email, a, b, 0.4, ""))
        .collect()
}

/// Words of a line asking where something is to be sent ("… should the receipt go to.").
const SENDING_WORDS: &[&str] = &[
    "receipt",
    "receipts",
    "send",
    "sent",
    "statement",
    "statements",
    "invoice",
    "confirmation",
    "copy",
];

/// The other party's line asks where something is to be sent, whatever the name of the address
/// came out as.
fn asks_where_to_send(asked: &[Token]) -> bool {
    asked
        .iter()
        .any(|t| SENDING_WORDS.contains(&t.text.as_str()))
}

/// The first token in `range` that can open an address said in words: a word or a number, no
/// opener ("so", "that's") nor a word of [`NOT_AN_ADDRESS_PIECE`].
fn first_address_piece(tokens: &[Token], range: std::ops::Range<usize>) -> Option<usize> {
    range.into_iter().find(|&k| {
        matches!(tokens[k].class, Class::Word | Class::Digits)
            && !NOT_AN_ADDRESS_PIECE.contains(&tokens[k].text.as_str())
            && !tokens::is_opener(&tokens[k].text)
    })
}

/// An answer naming a mail service among its words ([`Redactor::process_with`]): from its first
/// word that is no opener to the service's name, and a "dot" or "not" with a word after it.
fn provider_answer(text: &str, tokens: &[Token]) -> Option<Finding> {
    let p = tokens
        .iter()
        .position(|t| detect::MAIL_PROVIDERS.contains(&t.text.as_str()))?;
    let first = first_address_piece(tokens, 0..p)?;
    let mut last = p;
    if tokens
        .get(p + 1)
        .is_some_and(|t| matches!(t.text.as_str(), "dot" | "not"))
    {
        last = if tokens.get(p + 2).is_some_and(|t| t.class == Class::Word) {
            p + 2
        } else {
            p + 1
        };
    }
    Some(make_finding(
        text,
        FindingKind::Email,
        tokens[first].start,
        tokens[last].end,
        0.4,
        "",
    ))
}

/// A line of a caller (or of a mono call) that is a domain glued to a word and nothing else but
/// openers, in answer to where something is to be sent ("Jain.co.uk", "game.co.uk.", tiny.en
/// for "jane dot doe eighty eight at b t internet dot co dot uk" after "What email should the
/// receipt go to?" heard as "but he may or should the receipt go to."): the e-mail it is sent
/// to, its request's name lost. Not a website named in answer to another question ("Where did
/// you buy it?" - "amazon.co.uk.").
fn glued_domain_alone(text: &str, tokens: &[Token]) -> Option<Finding> {
    let first = tokens
        .iter()
        .position(|t| t.class != Class::Punct && !tokens::is_opener(&t.text))?;
    let last = tokens.iter().rposition(|t| t.class != Class::Punct)?;
    let chain = &tokens[first..=last];
    let whole = matches!(joined_chains(chain)[..], [(0, b)] if b == chain.len());
    (whole && detect::glued_domain(chain)).then(|| {
        make_finding(
            text,
            FindingKind::Email,
            chain[0].start,
            chain[chain.len() - 1].end,
            0.4,
            "",
        )
    })
}

/// Every number in the answer to a request for some digits of a value, one or two at a time
/// ("And the second and fourth digit of your BIN." - "Two and seven.", the PIN's name misheard;
/// "And the third digit of your security number?" - "It's a 5."): whatever the value's name
/// came out as, the digits are its (fail closed). They are the PIN's when it is named, else a
/// number's. Not a count asked ("How many digits is it?") or said ("The three digits are …"),
/// nor the digits of a reference ("the last digit of the order number"), nor a number already
/// found.
fn asked_digits(
    text: &str,
    tokens: &[Token],
    asked: Option<&[Token]>,
    findings: &[Finding],
) -> Vec<Finding> {
    let Some(asked) = asked else {
        return Vec::new();
    };
    let names_digits = asked
        .iter()
        .any(|t| matches!(t.text.as_str(), "digit" | "digits"));
    let counts = asked
        .windows(2)
        .any(|w| w[0].text == "how" && w[1].text == "many");
    if !names_digits || counts || detect::names_a_reference(asked) {
        return Vec::new();
    }
    let kind = if detect::asks_for(asked, FindingKind::Pin) {
        FindingKind::Pin
    } else {
        FindingKind::Number
    };
    tokens::digit_runs(tokens)
        .into_iter()
        .filter_map(|run| {
            let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
            // How many there are ("The three digits are …").
            let counts = tokens
                .get(run.last)
                .is_some_and(|t| matches!(t.text.as_str(), "digit" | "digits" | "numbers"));
            (!counts && !findings.iter().any(|f| f.start < b.end && a.start < f.end))
                .then(|| make_finding(text, kind, a.start, b.end, 0.4, &run.digits))
        })
        .collect()
}

/// The last sentence of `line` (what a line after it answers): from its last full stop,
/// question or exclamation mark before its final token.
pub(crate) fn last_sentence(line: &[Token]) -> &[Token] {
    let end = line.len().saturating_sub(1);
    let from = line[..end]
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "?" | "!"))
        .map_or(0, |p| p + 1);
    &line[from..]
}

/// Letters glued after a number that say what it counts, when or how much ("21st", "3pm",
/// "1990s", "5kg", "50k"): no code.
const NUMBER_SUFFIXES: &[&str] = &[
    "st", "nd", "rd", "th", "am", "pm", "s", "k", "m", "bn", "x", "kg", "g", "mg", "lb", "lbs",
    "oz", "km", "mi", "mph", "cm", "mm", "ml", "l", "ft", "gb", "mb", "tb", "kb", "hz", "khz",
    "ghz", "p", "h", "hr", "hrs", "min", "mins", "sec", "secs", "yr", "yrs", "d", "v", "w", "kw",
];

/// Codes of letters and digits glued together in a line (a chain of words, digits and hyphens
/// with no space between them, in which a word touches a number, with two digits or more):
/// what a caller reads out as an IBAN, a policy, licence or passport number, or what whisper
/// made of one it half heard ("V2-9 n double indicates 6yy1623" for "G B two nine, N W B K,
/// six zero one six, one three three one", tiny.en on 8 kHz µ-law, after a question it wrote
/// as "the IBA and"); also a number between words joined by hyphens ("I-02-WANO"). For the caller's lines, whatever surrounds them (fail closed). A number
/// with a unit or an ordinal's suffix ("21st", "3pm", "5kg") is none, nor a word and a number
/// joined by a hyphen only ("COVID-19"); nor is a code on a line, or after the other party's
/// line (`asked`), that names a reference ("What is the model?" - "It is QX7K2LM.", "My flight
/// BA351 was cancelled").
fn glued_codes(text: &str, tokens: &[Token], asked: Option<&[Token]>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Only the request the line answers counts, the asked line's last sentence: not a
    // reference said before it ("… that's 212-5550198 extension for 4. Okay, where should we
    // post the new SIM?", on a mono recording).
    if reference_named_or_asked(tokens, asked) {
        return out;
    }
    for (k, end) in glued_chains(tokens) {
        let chain = &tokens[k..end];
        let digits: usize = chain
            .iter()
            .filter(|t| t.class == Class::Digits)
            .map(|t| t.text.chars().count())
            .sum();
        let glued = word_touches_number(chain)
            || chain.windows(3).any(|w| {
                // Two letters at most hyphened to a number ("eG-40"), not a word ("COVID-19").
                w[0].class == Class::Word
                    && w[0].text.chars().count() <= 2
                    && w[1].text == "-"
                    && w[2].class == Class::Digits
            });
        // A number between words joined by hyphens ("It's I-02-WANO." for the ZIP code "nine
        // oh two one oh"), not a word and a number ("COVID-19").
        let hyphened = (2..chain.len().saturating_sub(2)).any(|i| {
            chain[i].class == Class::Digits
                && chain[i - 1].text == "-"
                && chain[i + 1].text == "-"
                && chain[i - 2].class == Class::Word
                && chain[i + 2].class == Class::Word
        });
        if digits >= 2 && (glued || hyphened) {
            // Without a hyphen that only trails or leads it.
            let first = chain.iter().position(|t| t.text != "-").unwrap_or(0);
            let last = chain.iter().rposition(|t| t.text != "-").unwrap_or(0);
            let value: String = chain
                .iter()
                .flat_map(|t| t.text.chars())
                .filter(char::is_ascii_alphanumeric)
                .collect();
            out.push(make_finding(
                text,
                FindingKind::Number,
                chain[first].start,
                chain[last].end,
                0.4,
                &value,
            ));
        }
    }
    // On a short line that gives such a code broken into pieces of three digits at most, the
    // rest of it ("1 eG-40 e5 MKM3." for a Medicare number "1EG4TE5MK73"): from the first
    // digit to the last. (Longer pieces are numbers the other rules read: an IBAN's groups.)
    let said = tokens.iter().filter(|t| t.class != Class::Punct).count();
    let pieces = tokens
        .iter()
        .all(|t| t.class != Class::Digits || t.text.chars().count() <= 3);
    let digit_at: Vec<usize> = (0..tokens.len())
        .filter(|&k| tokens[k].class == Class::Digits)
        .collect();
    if let (false, true, Some(&a), Some(&b)) = (
        out.is_empty(),
        said <= 8 && pieces,
        digit_at.first(),
        digit_at.last(),
    ) {
        // With letters glued to either end.
        let (first, last) = with_glued_words(tokens, a, b);
        let (start, end) = (tokens[first].start, tokens[last].end);
        if !covered(&out, start, end) {
            out.push(make_finding(text, FindingKind::Number, start, end, 0.4, ""));
        }
    }
    out
}

/// The line names a reference, or the request it answers does (its last sentence): its codes
/// are that reference's ("… that's 212-5550198 extension for 4. Okay, where should we post the
/// new SIM?", on a mono recording, names none).
fn reference_named_or_asked(tokens: &[Token], asked: Option<&[Token]>) -> bool {
    detect::names_a_reference(tokens)
        || asked.is_some_and(|asked| detect::names_a_reference(last_sentence(asked)))
}

/// The chains of tokens joined with no space between them, hyphens included ("MK7-free",
/// "1EG4"): each as its first token and one past its last.
fn glued_chains(tokens: &[Token]) -> Vec<(usize, usize)> {
    let joins = |t: &Token| t.class != Class::Punct || t.text == "-";
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if !joins(&tokens[k]) {
            k += 1;
            continue;
        }
        let mut end = k + 1;
        while end < tokens.len() && joins(&tokens[end]) && tokens[end].start == tokens[end - 1].end
        {
            end += 1;
        }
        out.push((k, end));
        k = end;
    }
    out
}

/// A word touches a number in the chain, not as an ordinal's or a unit's letters ("4th",
/// "5kg").
fn word_touches_number(chain: &[Token]) -> bool {
    chain.windows(2).any(|w| match (w[0].class, w[1].class) {
        (Class::Word, Class::Digits) => true,
        (Class::Digits, Class::Word) => !number_suffix(&w[0].text, &w[1].text),
        _ => false,
    })
}

/// `word` glued after the number `digits` is a unit's or an ordinal's letters ("4th", "5kg",
/// "1990s"); a single letter after five digits or more is none but a plural's: no multiplier or
/// size is that large, so it ends a code ("It's mvm 44921x.", tiny.en for a member ID).
fn number_suffix(digits: &str, word: &str) -> bool {
    NUMBER_SUFFIXES.contains(&word)
        && (word.chars().count() > 1 || word == "s" || digits.chars().count() < 5)
}

/// Words glued by hyphens right after a name and ending its sentence ("Mr [NAME]
/// cow-holeskin.", tiny.en for "Mister Tomasz Kowalski."): whisper's spelling of the surname it
/// half heard, the name's. Two words or more, letters only; not a hyphenated word after a
/// clause ("[NAME], well-known.").
fn names_run_on(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.kind == FindingKind::Name) {
        let Some(from) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        let mut k = from;
        let mut words = 0;
        while let Some(t) = tokens.get(k) {
            let glued = k == from || tokens[k - 1].end == t.start;
            if !glued || !(t.class == Class::Word || t.text == "-") {
                break;
            }
            words += usize::from(t.class == Class::Word);
            k += 1;
        }
        let ends = tokens
            .get(k)
            .is_none_or(|t| matches!(t.text.as_str(), "." | "?" | "!" | ","));
        let hyphened = (from..k).any(|j| tokens[j].text == "-");
        if words >= 2 && hyphened && ends && tokens[k - 1].class == Class::Word {
            out.push(make_finding(
                text,
                FindingKind::Name,
                f.start,
                tokens[k - 1].end,
                0.35,
                "",
            ));
        }
    }
    out
}

/// The agent's line right after a credential given in words, opening with words and then
/// thanks or praise ("Whitby, lovely, you're through security." after the memorable place heard
/// as "would be."; "St. Arthur Mewz, thank you, and …" after "Saint Bartholomew's primary.",
/// base, round 82): those words, four at most besides openers, say the credential back.
fn secret_read_back_opening(text: &str, tokens: &[Token]) -> Vec<Finding> {
    const CLOSERS: &[&str] = &[
        "thank",
        "thanks",
        "lovely",
        "great",
        "perfect",
        "brilliant",
        "correct",
        "cheers",
        "super",
        "wonderful",
        "excellent",
    ];
    let Some(closer) = tokens
        .iter()
        .position(|t| CLOSERS.contains(&t.text.as_str()))
    else {
        return Vec::new();
    };
    let Some(first) = (0..closer).find(|&k| {
        tokens[k].class == Class::Word
            && !tokens::is_opener(&tokens[k].text)
            && !entities::NOT_NAME.contains(&tokens[k].text.as_str())
            && !matches!(
                tokens[k].text.as_str(),
                "all" | "both" | "matches" | "match" | "spot" | "absolutely" | "exactly" | "indeed"
            )
    }) else {
        return Vec::new();
    };
    let Some(last) = (first..closer)
        .rev()
        .find(|&k| tokens[k].class != Class::Punct)
    else {
        return Vec::new();
    };
    let words = tokens[first..=last]
        .iter()
        .filter(|t| t.class == Class::Word)
        .count();
    if words > 4 || tokens[first..=last].iter().any(|t| t.text == "?") {
        return Vec::new();
    }
    vec![make_finding(
        text,
        FindingKind::Pin,
        tokens[first].start,
        tokens[last].end,
        0.5,
        "",
    )]
}

/// The caller thanked by a name the agent says otherwise than it was heard ("Illina Margaret
/// Whitfield." - "thank you Eleanor, you're all booked", round 81, four decodes of six): a
/// capitalised word right after "thank you" or "thanks", a comma between or not, that is no
/// word of [`entities::NOT_NAME`] nor a title. Called on the agent's lines once a name was
/// heard in the call.
fn thanked_by_name(text: &str, tokens: &[Token]) -> Vec<Finding> {
    let mut out = Vec::new();
    for k in 0..tokens.len() {
        let thanks = match tokens[k].text.as_str() {
            "thanks" => Some(k + 1),
            "thank" if tokens.get(k + 1).is_some_and(|t| t.text == "you") => Some(k + 2),
            _ => None,
        };
        let Some(mut n) = thanks else {
            continue;
        };
        if tokens.get(n).is_some_and(|t| t.text == ",") {
            n += 1;
        }
        let Some(t) = tokens.get(n) else {
            continue;
        };
        let name = t.class == Class::Word
            && t.cap
            && t.text.chars().count() >= 3
            && !entities::NOT_NAME.contains(&t.text.as_str())
            && !matches!(
                t.text.as_str(),
                "sir"
                    | "madam"
                    | "mr"
                    | "mrs"
                    | "ms"
                    | "miss"
                    | "dr"
                    | "both"
                    | "everyone"
                    | "again"
                    | "ever"
                    | "kindly"
                    | "much"
            );
        if name {
            out.push(make_finding(
                text,
                FindingKind::Name,
                t.start,
                t.end,
                0.5,
                "",
            ));
        }
    }
    out
}

/// A postcode's last two letters written apart after the address found up to its digit ("That
/// cell [ADDRESS] JT perfect", tiny.en at 16 kHz and on 8 kHz µ-law for the agent's "That's L S
/// six four J T.", round 81, the address found as "s64"): two capitals of the letters an inward
/// code uses, right after an address that ends in a digit.
fn inward_letters(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (k, t) in tokens.iter().enumerate().skip(1) {
        let letters = text
            .chars()
            .skip(t.start)
            .take(t.end - t.start)
            .collect::<String>();
        let inward = letters.chars().count() == 2
            && letters
                .chars()
                .all(|c| c.is_ascii_uppercase() && !"CIKMOV".contains(c));
        let before = &tokens[k - 1];
        let after_address = before.class == Class::Digits
            && before.end + 1 == t.start
            && findings
                .iter()
                .any(|f| f.kind == FindingKind::Address && f.end == before.end);
        if inward && after_address && !covered(findings, t.start, t.end) {
            out.push(make_finding(
                text,
                FindingKind::Address,
                t.start,
                t.end,
                0.6,
                "",
            ));
        }
    }
    out
}

/// The rest of an address's sentence when a postcode's outward code is in it, letters glued to
/// a digit or two ("[ADDRESS] bleeds LS6 to AB.", tiny.en for "Eighteen Orchard Close, Leeds,
/// L S six, two A B", the town garbled and the postcode's "2" heard as "to"): the town and
/// postcode, the address's, as is a five-digit ZIP code ending it; or after a street named with
/// no number before it ("18. Orchard Close bleeds LS6 to AB."), the street with them. Six words
/// at most after the address; not past the sentence's end.
fn address_tails(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    // Each address found, and each street named ("18. Orchard Close bleeds LS6 to AB.", tiny.en
    // live on 8 kHz µ-law, a stop after the house's number): its start and end.
    let anchors = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Address)
        .map(|f| (f.start, f.end))
        .chain(
            entities::street_names(tokens)
                .into_iter()
                .map(|(a, b)| (tokens[a].start, tokens[b - 1].end)),
        );
    for (start, end) in anchors {
        let Some(from) = tokens.iter().position(|t| t.start >= end) else {
            continue;
        };
        // Not at a stop after a letter spelled ("Harrogate H.E. 1, 4QR.").
        let to = (from..tokens.len())
            .find(|&k| {
                let spelled = k > 0
                    && tokens[k - 1].class == Class::Word
                    && tokens[k - 1].text.len() == 1
                    && tokens[k - 1].end == tokens[k].start;
                matches!(tokens[k].text.as_str(), "." | "?" | "!")
                    && tokens.get(k + 1).is_none_or(|n| n.start > tokens[k].end)
                    && !spelled
            })
            .unwrap_or(tokens.len());
        let rest = &tokens[from..to];
        let words = rest.iter().filter(|t| t.class != Class::Punct).count();
        // An outward code ("LS6") or an inward one ("4QR").
        let outward = rest.windows(2).any(|w| {
            let out = w[0].class == Class::Word
                && (1..=2).contains(&w[0].text.len())
                && w[1].class == Class::Digits
                && w[1].text.len() <= 2;
            let inward =
                w[0].class == Class::Digits && w[0].text.len() == 1 && w[1].text.len() == 2;
            (out || inward) && w[1].class != w[0].class && w[0].end == w[1].start
        });
        let Some(last) = rest.iter().rposition(|t| t.class != Class::Punct) else {
            continue;
        };
        // Or a ZIP code ending it ("PO Box [ADDRESS] to Tesla, OBLIOM 74101", tiny.en for
        // "… Tulsa, Oklahoma, seven four one oh one", the state garbled).
        // After a place's name or a comma, not "paid 45000" or "order 55120".
        let zip = rest[last].class == Class::Digits
            && rest[last].text.len() == 5
            && last > 0
            && (rest[last - 1].cap || rest[last - 1].text == ",");
        if (outward || zip) && words <= 6 && !covered(findings, start, rest[last].end) {
            out.push(make_finding(
                text,
                FindingKind::Address,
                start,
                rest[last].end,
                0.35,
                "",
            ));
        }
    }
    out
}

/// The addresses a caller moved from and to, in a sentence that says they moved ("I move from
/// 10 L roads to 22 L.", "I moved from [ADDRESS] to 22 W canv and move.", tiny.en for "I moved
/// from ten Elm Road to twenty two Birch Avenue." with the street names garbled past the
/// address rules): after "from" or "to", a house number and up to three words after it, to the
/// end of the clause ("and", "to", "from", a comma or a stop).
fn addresses_moved_between(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let moved = |t: &Token| {
        matches!(
            t.text.as_str(),
            "move" | "moved" | "moving" | "moves" | "relocated" | "relocating"
        )
    };
    let boundary = |t: &Token| {
        t.class == Class::Punct && t.text != "-"
            || matches!(t.text.as_str(), "and" | "to" | "from" | "but" | "so")
    };
    let mut out = Vec::new();
    for k in 1..tokens.len() {
        if !matches!(tokens[k - 1].text.as_str(), "from" | "to") {
            continue;
        }
        let number = &tokens[k];
        let house = if number.class == Class::Digits {
            number.text.len() <= 4
        } else {
            tokens::is_number_word(number)
        };
        // Not a value of another kind found there ("It was moved to [BANK_ACCOUNT_NUMBER] last
        // year.").
        let other_value = findings.iter().any(|f| {
            !matches!(f.kind, FindingKind::Number | FindingKind::Address)
                && f.start <= number.start
                && number.end <= f.end
        });
        // Nor a time it took ("I moved there 3 to 4 days ago."): a unit right after.
        let unit = tokens
            .get(k + 1)
            .is_some_and(|t| detect::UNITS_AFTER.contains(&t.text.as_str()));
        if !house || other_value || unit {
            continue;
        }
        // The sentence says the caller moved, before this.
        let says_moved = tokens[..k]
            .iter()
            .rev()
            .take_while(|t| !matches!(t.text.as_str(), "." | "?" | "!"))
            .any(moved);
        if !says_moved {
            continue;
        }
        let mut end = k;
        let mut words = 0;
        while let Some(t) = tokens.get(end + 1) {
            // A count of a unit says when, not where ("… to 22 W canv 2 weeks ago.").
            let when = (t.class == Class::Digits || tokens::is_number_word(t))
                && tokens
                    .get(end + 2)
                    .is_some_and(|n| detect::UNITS_AFTER.contains(&n.text.as_str()));
            if boundary(t) || when || words == 3 {
                break;
            }
            words += usize::from(t.class == Class::Word);
            end += 1;
        }
        let (a, b) = (number.start, tokens[end].end);
        if words >= 1 && !covered(findings, a, b) {
            out.push(make_finding(text, FindingKind::Address, a, b, 0.35, ""));
        }
    }
    out
}

/// A UK postcode's inward code said after its outward code was found ("its [NUMBER] to a b",
/// tiny.en for "It's S G one one, two A B." after "And the postcode?" heard as "In the post
/// code."): a digit, its word or its homophone, then one or two letters alone, ending the
/// sentence, right after a value written as one or two letters and one or two digits ("sg-11",
/// "LS6"): the postcode, an address.
fn inward_codes_said(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let outward = |f: &Finding| {
        let code: String = f
            .value
            .original
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .collect();
        let letters = code.chars().take_while(char::is_ascii_alphabetic).count();
        let digits = code[letters..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        (1..=2).contains(&letters)
            && (1..=2).contains(&digits)
            && code[letters + digits..]
                .chars()
                .all(|c| c.is_ascii_alphabetic())
            && code.len() - letters - digits <= 1
    };
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| outward(f)) {
        let Some(k) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        let rest: Vec<&Token> = tokens[k..]
            .iter()
            .take_while(|t| !matches!(t.text.as_str(), "." | "?" | "!"))
            .filter(|t| t.text != ",")
            .collect();
        let digit = rest.first().is_some_and(|t| {
            (t.class == Class::Digits && t.text.len() == 1)
                || tokens::homophone(&t.text).is_some()
                || tokens::unit(&t.text).is_some()
        });
        let letters = rest.len().saturating_sub(1);
        let letters_alone = rest
            .iter()
            .skip(1)
            .all(|t| t.class == Class::Word && t.text.chars().count() == 1);
        if digit && (1..=2).contains(&letters) && letters_alone {
            let end = rest[rest.len() - 1].end;
            out.push(make_finding(
                text,
                FindingKind::Address,
                f.start,
                end,
                0.35,
                "",
            ));
        }
    }
    out
}

/// Words at most in a sentence that is the rest of a postcode ([`postcodes_after_addresses`]).
const POSTCODE_REST_WORDS: usize = 4;

/// A sentence of letters and numbers right after the sentence an address ends ("Is it okay to
/// send it to [ADDRESS]? C-B4, onesy-y?", base for "… Cambridge, C B four, one Z Y?"): the
/// postcode whisper set apart, the address's. At most [`POSTCODE_REST_WORDS`] words, one of
/// them letters glued to digits, each spelled with hyphens, holding a digit or of two letters
/// at most. "… [ADDRESS]? Thanks a lot." and "… [ADDRESS]. The M6 is near." stay.
fn postcodes_after_addresses(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let stop = |t: &Token| matches!(t.text.as_str(), "." | "?" | "!");
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.kind == FindingKind::Address) {
        let Some(k) = tokens.iter().position(|t| t.start >= f.end) else {
            continue;
        };
        if !stop(&tokens[k]) {
            continue;
        }
        let from = k + 1;
        let to = tokens[from..]
            .iter()
            .position(stop)
            .map_or(tokens.len(), |p| from + p);
        let said: Vec<&Token> = tokens[from..to]
            .iter()
            .filter(|t| t.class != Class::Punct)
            .collect();
        let glued = (from + 1..to).any(|j| {
            let (a, b) = (&tokens[j - 1], &tokens[j]);
            a.end == b.start
                && ((a.class == Class::Word && b.class == Class::Digits)
                    || (a.class == Class::Digits && b.class == Class::Word))
        });
        let short = said.iter().all(|t| t.text.chars().count() <= 6);
        // Words as written: pieces glued by hyphens are one ("C-B4"); each spells, or holds a
        // digit, or is two letters at most ("The M6 is near." is a sentence).
        let mut written: Vec<(usize, usize)> = Vec::new();
        for (j, t) in said.iter().enumerate() {
            let joined = j > 0 && chars[said[j - 1].end..t.start].iter().all(|&c| c == '-');
            match written.last_mut() {
                Some(w) if joined => w.1 = t.end,
                _ => written.push((t.start, t.end)),
            }
        }
        let spelled = written.iter().all(|&(a, b)| {
            let word = &chars[a..b];
            word.contains(&'-') || word.iter().any(char::is_ascii_digit) || word.len() <= 2
        });
        if glued && short && spelled && !said.is_empty() && written.len() <= POSTCODE_REST_WORDS {
            let (start, end) = (said[0].start, said[said.len() - 1].end);
            if !covered(findings, start, end) {
                out.push(make_finding(
                    text,
                    FindingKind::Address,
                    start,
                    end,
                    0.3,
                    "",
                ));
            }
        }
    }
    out
}

/// Words said of a street at most between its house number and the state its address was
/// found from ([`house_numbers_before_states`]).
const STREET_WORDS_BEFORE_STATE: usize = 7;

/// The house number and street before an address found from its state and ZIP code, when
/// whisper garbled the street's name and suffix so that no street rule found it ("Sweet 400-12
/// hardware point will evolve to more [ADDRESS].", tiny.en on 8 kHz µ-law for "Suite four
/// hundred, twelve Harbor Point Boulevard, Baltimore, Maryland two one two three oh"): the
/// number nearest before the state in its sentence, at most [`STREET_WORDS_BEFORE_STATE`]
/// words before it, and the words between, the address's. Not an amount, a count, a time, a
/// year or a reference ("I paid 40 dollars in Maryland", "for 12 years in …", "Order 5521 went
/// to …").
fn house_numbers_before_states(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let runs = tokens::digit_runs(tokens);
    for f in findings.iter().filter(|f| f.kind == FindingKind::Address) {
        let Some(mut at) = tokens.iter().position(|t| t.start == f.start) else {
            continue;
        };
        // The state it starts with, or the one right before its ZIP code, a comma between.
        let state = |k: usize| detect::US_STATES.contains(&tokens[k].text.as_str());
        if !state(at) {
            let before = (0..at).rev().find(|&k| tokens[k].text != ",");
            match before {
                Some(k) if state(k) => at = k,
                _ => continue,
            }
        }
        // Back to the sentence's start, counting words.
        let mut words = 0;
        let mut from = None;
        for k in (0..at).rev() {
            let t = &tokens[k];
            if matches!(t.text.as_str(), "." | "?" | "!") || words > STREET_WORDS_BEFORE_STATE {
                break;
            }
            if t.class == Class::Digits {
                from = runs.iter().find(|r| r.first <= k && k < r.last);
                break;
            }
            if t.class != Class::Punct {
                words += 1;
            }
        }
        let Some(run) = from else { continue };
        let time = tokens[run.first..run.last].iter().any(|t| t.text == ":");
        if time
            || detect::is_amount_or_count(tokens, run)
            || detect::counts_a_thing(tokens, run)
            || detect::reference_cued(tokens, run)
            || detect::year_after_preposition(tokens, run)
            || detect::is_year(&run.digits)
        {
            continue;
        }
        let (start, end) = (tokens[run.first].start, f.end);
        if !covered(findings, start, end) {
            out.push(make_finding(
                text,
                FindingKind::Address,
                start,
                end,
                0.3,
                "",
            ));
        }
    }
    out
}

/// A street named in the sentence of a value found ("I live at [ADDRESS] next to the church on
/// Mill Lane."): the address's, whatever kind the value was given (a house number heard as the
/// answer to a question about a card is a card's).
fn streets_beside_values(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (a, b) in sentences(tokens) {
        let said = &tokens[a..b];
        let (from, to) = (said[0].start, said[said.len() - 1].end);
        if !findings.iter().any(|f| f.start < to && from < f.end) {
            continue;
        }
        for (x, y) in entities::street_names(said) {
            let (start, end) = (said[x].start, said[y - 1].end);
            if !covered(findings, start, end) {
                out.push(make_finding(
                    text,
                    FindingKind::Address,
                    start,
                    end,
                    0.3,
                    "",
                ));
            }
        }
    }
    out
}

/// Pieces of letters glued to one digit or more, each beside a value found on the line with only
/// commas between ("It's [NUMBER], TE5, MK7-free.", tiny.en for the Medicare number "1EG4,
/// TE5, MK73"): the rest of that value, whose pieces the code rule leaves alone when each has
/// one digit (a single glued piece alone is a model or a seat: "3B", "A4"). Not on a line
/// naming a reference, or answering one.
fn glued_pieces_beside(
    text: &str,
    tokens: &[Token],
    asked: Option<&[Token]>,
    findings: &[Finding],
) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    if reference_named_or_asked(tokens, asked) {
        return out;
    }
    // The glued pieces: a word touching a number in them, no ordinal or unit ("4th", "5kg").
    let mut pieces = Vec::new();
    for (k, end) in glued_chains(tokens) {
        let chain = &tokens[k..end];
        let glued = word_touches_number(chain);
        let letters_short = chain
            .iter()
            .all(|t| t.class != Class::Word || t.text.chars().count() <= 4);
        if glued && letters_short {
            let first = chain.iter().position(|t| t.text != "-").unwrap_or(0);
            let last = chain.iter().rposition(|t| t.text != "-").unwrap_or(0);
            pieces.push((k + first, k + last));
        }
    }
    // Each piece beside a value, or beside a piece taken already, with only commas between.
    let value_at = |at: usize, out: &[Finding]| {
        findings
            .iter()
            .chain(out)
            .find(|g| g.start <= tokens[at].start && tokens[at].end <= g.end)
            .map(|g| g.kind)
    };
    let mut grew = true;
    while grew {
        grew = false;
        for &(first, last) in &pieces {
            if value_at(first, &out).is_some() {
                continue;
            }
            // Past commas, and letters spelled between ("EBA2, double UST, [NUMBER]", base on
            // 8 kHz µ-law for an IBAN's "G B eighty two, W E S T, …": "W" is "double U"),
            // which go with the piece.
            let between = |k: usize| {
                let t = &tokens[k];
                // A word standing alone, not a piece's letters.
                let alone = (k == 0 || tokens[k - 1].end < t.start)
                    && tokens
                        .get(k + 1)
                        .is_none_or(|n| n.start > t.end || n.text == ",");
                t.text == ","
                    || (alone && matches!(t.text.as_str(), "double" | "triple"))
                    || (alone && t.class == Class::Word && t.caps && t.text.chars().count() <= 4)
            };
            let mut before = first;
            while before > 0 && between(before - 1) {
                before -= 1;
            }
            let mut after = last + 1;
            while after < tokens.len() && between(after) {
                after += 1;
            }
            // The value on the left, or else on the right: the piece and what is spelled
            // between, without the commas at either end.
            let span = (before > 0)
                .then(|| value_at(before - 1, &out))
                .flatten()
                .map(|kind| (kind, before, last))
                .or_else(|| {
                    (after < tokens.len())
                        .then(|| value_at(after, &out))
                        .flatten()
                        .map(|kind| (kind, first, after - 1))
                });
            if let Some((kind, mut a, mut b)) = span {
                while tokens[a].text == "," {
                    a += 1;
                }
                while tokens[b].text == "," {
                    b -= 1;
                }
                let (a, b) = (tokens[a].start, tokens[b].end);
                out.push(make_finding(text, kind, a, b, 0.4, ""));
                grew = true;
            }
        }
    }
    out
}

/// Tokens `first..=last` widened over the words glued to either end ("LS" before "6").
fn with_glued_words(tokens: &[Token], mut first: usize, mut last: usize) -> (usize, usize) {
    while first > 0
        && tokens[first - 1].class == Class::Word
        && tokens[first - 1].end == tokens[first].start
    {
        first -= 1;
    }
    while last + 1 < tokens.len()
        && tokens[last + 1].class == Class::Word
        && tokens[last + 1].start == tokens[last].end
    {
        last += 1;
    }
    (first, last)
}

/// Adds `f` to `findings` with the kind of the widest finding it overlaps, if any ("6789EIN"
/// around an SSN is the SSN; "DE27" before an IBAN's digits is the IBAN).
fn absorb(findings: &mut Vec<Finding>, mut f: Finding) {
    if let Some(g) = findings
        .iter()
        .filter(|g| g.start < f.end && f.start < g.end)
        .max_by_key(|g| g.end - g.start)
    {
        f.kind = g.kind;
    }
    findings.push(f);
}

/// A number that opens a line (within its first two tokens), continuing `kind` from the
/// speaker's released line before.
fn leading_number(text: &str, tokens: &[Token], kind: FindingKind) -> Option<Finding> {
    let run = tokens::digit_runs(tokens).into_iter().next()?;
    if run.first > 1 {
        return None;
    }
    let (a, b) = (&tokens[run.first], &tokens[run.last - 1]);
    Some(make_finding(text, kind, a.start, b.end, 0.6, &run.digits))
}

/// Words of a line that are not part of a number (nor punctuation).
fn words_besides_numbers(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .filter(|t| t.text.chars().any(char::is_alphabetic))
        .filter(|t| !tokens::is_number_word(t) && !tokens::is_oh(&t.text))
        // Hesitations say nothing ("mn 8 8 mn 6 and m i4 3 2").
        .filter(|t| !tokens::is_filler(t))
        .count()
}

/// [`words_besides_numbers`] less each "and"/"then" between two numbers: words that join a
/// value's groups read out ("4 9 1 6 and then 3 0 and then 7 7 1 5 and then 2 2 4 9", a card
/// read out in groups) are no more talk than a comma.
fn words_besides_groups(tokens: &[Token]) -> usize {
    let numeric =
        |t: &Token| t.class == Class::Digits || tokens::is_number_word(t) || tokens::is_oh(&t.text);
    let joins = |t: &Token| t.class == Class::Punct || matches!(t.text.as_str(), "and" | "then");
    let joining = (0..tokens.len())
        .filter(|&k| {
            matches!(tokens[k].text.as_str(), "and" | "then")
                && tokens[..k]
                    .iter()
                    .rev()
                    .find(|t| !joins(t))
                    .is_some_and(numeric)
                && tokens[k + 1..]
                    .iter()
                    .find(|t| !joins(t))
                    .is_some_and(numeric)
        })
        .count();
    words_besides_numbers(tokens) - joining
}

/// The letters a line ends in while still being spelled: two or more ("S M", "K-O-W"), not only
/// "a"/"i", redacted as the name they likely spell (fail closed; the rest may follow on the next
/// line, which [`entities::spelled`] joins when it comes).
fn trailing_letters(text: &str, tokens: &[Token]) -> Option<Finding> {
    let mut first = tokens.len();
    for (k, t) in tokens.iter().enumerate().rev() {
        if entities::is_letter(t) {
            first = k;
        } else if !matches!(t.text.as_str(), "." | "," | "-" | "'" | "…") {
            break;
        }
    }
    let last = tokens[first..]
        .iter()
        .rposition(entities::is_letter)
        .map(|k| first + k)?;
    let run = &tokens[first..=last];
    let said: Vec<&str> = run
        .iter()
        .filter(|t| entities::is_letter(t))
        .map(|t| t.text.as_str())
        .collect();
    let article = said[0] == "i" || (said[0] == "a" && !run[0].cap);
    if said.len() - usize::from(article) < 2 || entities::not_spelling(run, &said, 2) {
        return None;
    }
    let (a, b) = (&tokens[first], &tokens[last]);
    Some(make_finding(
        text,
        FindingKind::Name,
        a.start,
        b.end,
        0.4,
        &said.concat(),
    ))
}

/// Phrases after which a partial goes on with the speaker's address or date of birth.
const TRAILING_CUES: &[(&[&str], FindingKind)] = &[
    (&["live", "at"], FindingKind::Address),
    (&["living", "at"], FindingKind::Address),
    (&["live", "on"], FindingKind::Address),
    (&["staying", "at"], FindingKind::Address),
    (&["address", "is"], FindingKind::Address),
    (&["address", "'s"], FindingKind::Address),
    (&["postcode", "is"], FindingKind::Address),
    (&["post", "code", "is"], FindingKind::Address),
    (&["postal", "code", "is"], FindingKind::Address),
    (&["zip", "is"], FindingKind::Address),
    (&["zip", "code", "is"], FindingKind::Address),
    (&["zipcode", "is"], FindingKind::Address),
    (&["send", "it", "to"], FindingKind::Address),
    (&["mail", "it", "to"], FindingKind::Address),
    (&["ship", "it", "to"], FindingKind::Address),
    (&["deliver", "it", "to"], FindingKind::Address),
    (&["send", "them", "to"], FindingKind::Address),
    (&["send", "that", "to"], FindingKind::Address),
    (&["post", "it", "to"], FindingKind::Address),
    (&["post", "them", "to"], FindingKind::Address),
    (&["moved", "to"], FindingKind::Address),
    (&["moving", "to"], FindingKind::Address),
    (&["born", "on"], FindingKind::DateOfBirth),
    (&["born", "in"], FindingKind::DateOfBirth),
    (&["i", "was", "born"], FindingKind::DateOfBirth),
    (&["born"], FindingKind::DateOfBirth),
    (&["birth", "is"], FindingKind::DateOfBirth),
    (&["birthday", "is"], FindingKind::DateOfBirth),
    (&["birthday", "'s"], FindingKind::DateOfBirth),
    (&["dob", "is"], FindingKind::DateOfBirth),
    (&["refund", "to"], FindingKind::Iban),
    (&["refund", "it", "to"], FindingKind::Iban),
    (&["expires"], FindingKind::CreditDebitExpiry),
    (&["expiring"], FindingKind::CreditDebitExpiry),
    (&["dob"], FindingKind::DateOfBirth),
    (&["expiry", "is"], FindingKind::CreditDebitExpiry),
    (&["expiry", "date", "is"], FindingKind::CreditDebitExpiry),
    (&["iban", "is"], FindingKind::Iban),
    (&["iban", "'s"], FindingKind::Iban),
    (&["email", "is"], FindingKind::Email),
    (&["email", "me", "at"], FindingKind::Email),
    (&["email", "me", "on"], FindingKind::Email),
    (&["e", "-", "mail", "is"], FindingKind::Email),
    (&["email", "'s"], FindingKind::Email),
    (&["email", "address", "is"], FindingKind::Email),
    (&["email", "changed", "to"], FindingKind::Email),
    (&["email", "address", "changed", "to"], FindingKind::Email),
    (&["email", "is", "now"], FindingKind::Email),
];

/// An address or a date of birth a partial ends in while still being said, after a phrase that
/// gives one ("I live at 42 Wallaby", "my postcode is SW1A", "I was born on the fourth of"):
/// everything from the phrase to the end, fail closed (the final line is detected whole).
/// Nothing when no number, ordinal, month or capitalised word follows the phrase ("I live on
/// the coast and …"), or more than twelve tokens do (the value was said, and what follows is
/// something else).
fn trailing_value(text: &str, tokens: &[Token]) -> Option<Finding> {
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    // The last phrase, the longest of those ending there ("email address is", not "address
    // is").
    let words = &words;
    let (after, _, kind) = (0..words.len())
        .flat_map(|k| {
            TRAILING_CUES
                .iter()
                .filter(move |(cue, _)| words[k..].starts_with(cue))
                .map(move |(cue, kind)| (k + cue.len(), cue.len(), *kind))
        })
        .max_by_key(|&(end, len, _)| (end, len))?;
    // Where something is sent, a word in lower case may begin an e-mail ("Send it to olga dot
    // …"), though not a person or place said as a pronoun or with a determiner.
    let sent = after >= 1 && matches!(words[after - 1], "to") && {
        let verb = words[..after].iter().rev().nth(1).copied().unwrap_or("");
        let verb = if matches!(verb, "it" | "them" | "that") {
            words[..after].iter().rev().nth(2).copied().unwrap_or("")
        } else {
            verb
        };
        matches!(
            verb,
            "send" | "mail" | "post" | "ship" | "deliver" | "email" | "forward"
        )
    };
    if sent {
        if let Some(t) = tokens[after..].iter().find(|t| t.class != Class::Punct) {
            let determiner = matches!(
                t.text.as_str(),
                "me" | "my"
                    | "the"
                    | "your"
                    | "our"
                    | "us"
                    | "him"
                    | "her"
                    | "them"
                    | "his"
                    | "their"
                    | "a"
                    | "an"
                    | "that"
                    | "this"
                    | "it"
                    | "whoever"
                    | "someone"
                    | "somebody"
                    | "everyone"
                    | "home"
                    | "work"
                    | "there"
                    | "here"
                    | "both"
            );
            if !determiner && !t.cap && t.class == Class::Word {
                let last = tokens.len() - 1;
                return Some(make_finding(text, kind, t.start, tokens[last].end, 0.4, ""));
            }
        }
    }
    value_from(text, tokens, after, kind)
}

/// The value of `kind` a partial is saying from token `after` on, to its end: what
/// [`trailing_value`] and [`asked_email`] hide.
fn value_from(text: &str, tokens: &[Token], after: usize, kind: FindingKind) -> Option<Finding> {
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let first = (after..tokens.len()).find(|&k| {
        tokens[k].class != Class::Punct && !matches!(words[k], "uh" | "um" | "er" | "erm" | "the")
    })?;
    // Like a value: a number, an ordinal, a month or a capitalised word ("I live on the coast
    // and I …" is none).
    let n = text.chars().count();
    let like_one = tokens[first..].iter().any(|t| {
        (t.end == n && t.class == Class::Word && number_begun(&t.text))
            || t.class == Class::Digits
            || tokens::is_number_word(t)
            || tokens::ordinal(&t.text).is_some()
            || tokens::month(&t.text).is_some()
            || (t.class == Class::Word && t.cap && t.text != "i")
    });
    // An e-mail's local part is any word, but a word about it ("the same as before", "not
    // working") is none.
    let like_one = like_one
        || (kind == FindingKind::Email
            && !matches!(
                words[first],
                "same"
                    | "not"
                    | "wrong"
                    | "on"
                    | "in"
                    | "changed"
                    | "different"
                    | "still"
                    | "no"
                    | "a"
                    | "an"
                    | "what"
                    | "that"
                    | "correct"
                    | "right"
                    | "fine"
                    | "ok"
                    | "okay"
                    | "also"
                    | "just"
                    | "now"
            ));
    // An e-mail is said in more pieces, with commas between them ("jo, J O, dot fairclough,
    // at, um, icloud"): its words are counted, not its tokens.
    let said = if kind == FindingKind::Email {
        tokens[first..]
            .iter()
            .filter(|t| t.class != Class::Punct)
            .count()
    } else {
        tokens.len() - first
    };
    if said > 12 || !like_one {
        return None;
    }
    let last = tokens.len() - 1;
    Some(make_finding(
        text,
        kind,
        tokens[first].start,
        tokens[last].end,
        0.4,
        "",
    ))
}

/// An address a partial goes on with while it is being said: after an address found in it, or
/// a unit and its number ("that's Unit 12, Brookfield Business Park, Leeds, LS"), the rest when
/// it is all capitalised words, numbers and commas (its town, state and postcode to come); fail
/// closed, the final line is detected whole.
fn address_going_on(text: &str, tokens: &[Token], findings: &[Finding]) -> Option<Finding> {
    let n = text.chars().count();
    if tokens.last()?.end != n && !text.ends_with(',') {
        return None;
    }
    // Where an address starts, and the first token after what is known of it: an address
    // found, or a unit and its number.
    let mut starts: Vec<(usize, usize, bool)> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Address)
        .map(|f| {
            let after = tokens
                .iter()
                .position(|t| t.start >= f.end)
                .unwrap_or(tokens.len());
            (f.start, after, false)
        })
        .collect();
    starts.extend(
        (0..tokens.len().saturating_sub(1))
            .filter(|&k| {
                entities::UNIT_WORDS.contains(&tokens[k].text.as_str())
                    && tokens[k + 1].class == Class::Digits
            })
            .map(|k| (tokens[k].start, k + 2, true)),
    );
    starts.sort_unstable();
    // In a partial ASR wrote in lower case, its town and postcode after a comma are too ("…,
    // ashford, tn"; not "the unit 4 was fine").
    let lower_case = !text.chars().any(char::is_uppercase);
    let goes_on = |rest: &[Token]| {
        let lower_ok = lower_case && rest.first().is_some_and(|t| t.text == ",");
        rest.len() <= 12
            && rest.iter().all(|t| {
                matches!(t.text.as_str(), "," | "-")
                    || t.class == Class::Digits
                    || (t.class == Class::Word && (t.cap || lower_ok))
            })
    };
    let (start, _, _) = starts.into_iter().find(|&(_, after, unit)| {
        let rest = &tokens[after..];
        goes_on(rest) && (unit || rest.iter().any(|t| t.class != Class::Punct))
    })?;
    let end = tokens.last().map_or(n, |t| t.end);
    Some(make_finding(
        text,
        FindingKind::Address,
        start,
        end,
        0.4,
        "",
    ))
}

/// The word is the beginning of a month's name, two letters or more ("Ju", "Sept").
fn month_begun(word: &str) -> bool {
    let w = word.to_lowercase();
    w.chars().count() >= 2 && tokens::MONTHS.iter().any(|m| m.starts_with(w.as_str()))
}

/// The word is the beginning, two letters or more, of a word a number or a day is said in
/// ("nin", "elev", "Sec").
fn number_begun(word: &str) -> bool {
    let w = word.to_lowercase();
    w.chars().count() >= 2
        && NUMBER_WORDS
            .iter()
            .copied()
            .chain(tokens::ORDINALS.iter().map(|&(o, _)| o))
            .any(|n| n.len() > w.len() && n.starts_with(w.as_str()))
}

/// Words of an e-mail's local part that name no one.
const MAILBOX_WORDS: &[&str] = &[
    "info",
    "sales",
    "admin",
    "contact",
    "hello",
    "support",
    "office",
    "accounts",
    "account",
    "mail",
    "email",
    "enquiries",
    "inquiries",
    "billing",
    "team",
    "help",
    "home",
    "work",
    "the",
    "and",
    "my",
    "me",
    "noreply",
    "reply",
    "news",
    "service",
    "services",
    "gmail",
    "hotmail",
];

/// Words a number is said in, whose beginning a partial may end in.
const NUMBER_WORDS: &[&str] = &[
    "zero",
    "oh",
    "nought",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "double",
    "triple",
];

/// A number word a partial ends in, cut off while being said ("seven two two ei", "It expires
/// twe", "Yes, it's th" answering the card number): the beginning of a digit of a number being
/// spoken, after another digit (on this line, or ending the speaker's line before), a cue of a
/// numeric secret on the line or in the other party's question (fail closed, as the digits are; the final line is detected whole).
fn number_word_begun(
    partial: &str,
    tokens: &[Token],
    asked: Option<&[Token]>,
    goes_on: bool,
) -> Option<Finding> {
    let k = tokens.len().checked_sub(1)?;
    let t = &tokens[k];
    // Said whole, a digit's word that is no number on its own ("oh", "double") is one too.
    let said_whole = |b: &Token| matches!(b.text.as_str(), "oh" | "nought" | "double" | "triple");
    let spoken = |b: &Token| tokens::is_number_word(b) || said_whole(b);
    // The token before it, past commas.
    let before = tokens[..k].iter().rev().find(|b| b.text != ",");
    let after_number = before.is_some_and(spoken) || (goes_on && before.is_none());
    let whole = said_whole(t);
    let chars = partial.chars().count();
    // A word cut off ends the partial; a digit's word said whole may have its space after it
    // ("Mobile, oh ").
    let ends = t.end == chars || (whole && partial.chars().skip(t.end).all(char::is_whitespace));
    // Two letters of a number word, or one after a digit said ("oh s").
    let letters = t.text.chars().count();
    let begun = t.class == Class::Word
        && ends
        && (((letters >= 2 || after_number)
            && NUMBER_WORDS
                .iter()
                .any(|w| w.len() > t.text.len() && w.starts_with(t.text.as_str())))
            || whole);
    if !begun {
        return None;
    }
    let cued = |toks: &[Token]| {
        detect::CUES.iter().any(|(_, phrases)| {
            let said: Vec<&str> = toks
                .iter()
                .filter(|t| t.class != Class::Punct)
                .map(|t| t.text.as_str())
                .collect();
            phrases.iter().any(|p| {
                let parts: Vec<&str> = p.split(' ').collect();
                said.windows(parts.len()).any(|w| {
                    w.iter()
                        .zip(&parts)
                        .all(|(a, b)| a == b || (b.len() >= 4 && a.starts_with(b)))
                })
            })
        })
    };
    let near = &tokens[k.saturating_sub(8)..k];
    // With the words of digits said right before it ("oh fo", "double fi").
    let mut first = k;
    while first > 0 && said_whole(&tokens[first - 1]) {
        first -= 1;
    }
    let asked = asked.is_some_and(|a| cued(a) && is_request(a));
    (after_number || cued(near) || asked).then(|| {
        make_finding(
            partial,
            FindingKind::Number,
            tokens[first].start,
            t.end,
            0.3,
            "",
        )
    })
}

/// A word a partial ends in while it is being said, right after "is", "was" or "it's" in a
/// sentence that names a password ("the one on the sticker is hunt" of "hunter2hunter"): it may
/// be the password, glued to digits still to come (fail closed; the final line is detected
/// whole, by `entities::glued_credentials` among others).
fn password_begun(partial: &str, tokens: &[Token]) -> Option<Finding> {
    let k = tokens.len().checked_sub(1)?;
    let t = &tokens[k];
    let sentence = tokens[..k]
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "?" | "!"))
        .map_or(0, |p| p + 1);
    let named = tokens[sentence..k]
        .iter()
        .any(|t| entities::PASSWORD_WORDS.contains(&t.text.as_str()));
    // Words, digits and hyphens glued together are one ("… is Blue-Falc").
    let part = |t: &Token| matches!(t.class, Class::Word | Class::Digits) || t.text == "-";
    let mut first = k;
    while first > sentence
        && tokens[first].start == tokens[first - 1].end
        && part(&tokens[first - 1])
    {
        first -= 1;
    }
    let after_is =
        first > sentence && matches!(tokens[first - 1].text.as_str(), "is" | "was" | "it's");
    (tokens[first].class == Class::Word
        && part(t)
        && t.end == partial.chars().count()
        && named
        && after_is)
        .then(|| {
            make_finding(
                partial,
                FindingKind::Pin,
                tokens[first].start,
                t.end,
                0.3,
                "",
            )
        })
}

/// An IBAN a partial ends in while it is being said ("GB29 NWBK 60", "Please refund to DE27"):
/// two capital letters glued to two digits, then groups of capital letters and digits to the end (fail closed; the final
/// line is detected whole).
fn trailing_iban(text: &str, tokens: &[Token]) -> Option<Finding> {
    let chars: Vec<char> = text.chars().collect();
    let upper = |t: &Token| chars[t.start..t.end].iter().all(|c| c.is_ascii_uppercase());
    let k = (0..tokens.len().saturating_sub(1)).find(|&k| {
        let (a, b) = (&tokens[k], &tokens[k + 1]);
        a.class == Class::Word
            && a.end - a.start == 2
            && upper(a)
            && b.class == Class::Digits
            && b.end - b.start == 2
            && b.start == a.end
    })?;
    let rest = &tokens[k + 2..];
    let groups = rest.len() <= 12
        && rest
            .iter()
            .all(|t| t.class == Class::Digits || (t.class == Class::Word && upper(t)))
        && tokens.last()?.end == chars.len();
    groups.then(|| {
        make_finding(
            text,
            FindingKind::Iban,
            tokens[k].start,
            tokens[tokens.len() - 1].end,
            0.4,
            "",
        )
    })
}

/// An ID a partial ends in while its letters are being said, after its cue on the line or in the
/// other party's question ("registration LK", "her reg was YD", "AMI" answering "And your policy
/// number?", "W as in" spelling it): the capital letters and digits before the end, and a
/// spelling's "as in" after the last letter (fail closed; the final line is detected whole).
fn trailing_id(text: &str, tokens: &[Token], asked: Option<&[Token]>) -> Option<Finding> {
    let chars: Vec<char> = text.chars().collect();
    let mut k = tokens.len().checked_sub(1)?;
    // The partial ends in the ID, or in a space after it while the rest is coming ("SK ",
    // "QQ ").
    if chars[tokens[k].end..].iter().any(|c| !c.is_whitespace()) {
        return None;
    }
    // Capital letters, up to sixteen: a British driving licence number opens with five of the
    // surname ("MORGA" of "MORGA753116SM9IJ").
    let upper = |t: &Token| {
        t.class == Class::Word
            && t.text.chars().count() <= 16
            && chars[t.start..t.end].iter().all(|c| c.is_ascii_uppercase())
            && !matches!(t.text.as_str(), "i" | "ok")
    };
    // A spelling's "W as in …": back to its letter.
    let mut spelt = 0;
    while spelt < 3 && k > 0 && matches!(tokens[k].text.as_str(), "as" | "in" | "for") {
        k -= 1;
        spelt += 1;
    }
    if spelt > 0 && !(upper(&tokens[k]) && tokens[k].text.chars().count() == 1) {
        return None;
    }
    if !upper(&tokens[k]) {
        return None;
    }
    let mut first = k;
    while first > 0
        && (upper(&tokens[first - 1])
            || tokens[first - 1].class == Class::Digits
            || tokens[first - 1].text == "-")
    {
        first -= 1;
    }
    // The cue on the line, or the question: the ID comes early in the answer ("AMI", "I think
    // it was YD", "It's on the card here, W").
    let opens_answer = tokens[..first]
        .iter()
        .filter(|t| t.class != Class::Punct)
        .count()
        <= 8;
    let asked = asked.is_some_and(|a| {
        a.iter().any(|t| t.text == "?")
            // An IBAN opens with its country's letters ("DE").
            && entities::ID_CUES.iter().chain(&["iban"]).any(|c| {
                a.windows(c.split(' ').count())
                    .any(|w| w.iter().map(|t| t.text.as_str()).eq(c.split(' ')))
            })
    });
    (entities::id_cued(tokens, first) || (asked && opens_answer)).then(|| {
        make_finding(
            text,
            FindingKind::Number,
            tokens[first].start,
            tokens[tokens.len() - 1].end,
            0.3,
            "",
        )
    })
}

/// A street a partial ends in while its name is being said ("And are you still at 8 Canal
/// Wha", "it's 23 Hollybush", "Ten Downing"): a house number and one to three capitalised words
/// after it that end the partial (in lower case too after a question about an address), not a unit, time or month ("at 5 PM", "on 3 March"); fail closed, the final
/// line is detected whole.
fn trailing_street(text: &str, tokens: &[Token], address_asked: bool) -> Option<Finding> {
    // Ending the partial, or with a space after it while the next word is coming ("at 14
    // Orchard ").
    if text
        .chars()
        .skip(tokens.last()?.end)
        .any(|c| !c.is_whitespace())
    {
        return None;
    }
    // The house number: a number among the last six tokens with only the street's words after
    // it, which may hold an ordinal and its digits ("221 East 14th"); the first such.
    let d = (tokens.len().saturating_sub(6)..tokens.len()).find(|&d| {
        let t = &tokens[d];
        let number = t.class == Class::Digits || tokens::is_number_word(t);
        let rest = &tokens[d + 1..];
        number
            && (t.class == Class::Word || t.text.chars().count() <= 4)
            && (1..=4).contains(&rest.len())
            // Capitalised, or in lower case answering a question about an address ("sure it's
            // 2207 west elm", "eighteen forty two north ma").
            && (rest[0].cap || address_asked)
            && rest[0].class == Class::Word
            && !tokens::is_number_word(&rest[0])
            && rest.iter().all(|w| {
                (w.class == Class::Word
                    && !detect::UNITS_AFTER.contains(&w.text.as_str())
                    && tokens::month(&w.text).is_none())
                    || w.class == Class::Digits
            })
    })?;
    let end = tokens[tokens.len() - 1].end;
    Some(make_finding(
        text,
        FindingKind::Address,
        tokens[d].start,
        end,
        0.4,
        "",
    ))
}

/// The line (its tokens) is a question: a question mark, or, on a line ASR wrote with no full
/// stop, question or exclamation mark, a request's words ("can you verify the last four of your
/// social").
fn is_request(line: &[Token]) -> bool {
    line.iter().any(|t| t.text == "?")
        || (!line.iter().any(|t| matches!(t.text.as_str(), "." | "!"))
            && line
                .iter()
                .any(|t| REQUEST_WORDS.contains(&t.text.as_str())))
}

/// Words that make a line a request, with or without its question mark ("can i get …", "and
/// the …", "please tell me …").
const REQUEST_WORDS: &[&str] = &[
    "can", "could", "may", "what", "what's", "please", "tell", "give", "and",
];

/// The line (its tokens) asks for an e-mail: names one, with a question mark or a request (in a
/// question ASR wrote with no question mark too: "can i get your email address").
fn asks_email(asked: &[Token]) -> bool {
    asks_named(asked, &["email", "e-mail", "mail"])
        // "e-mail address" heard as "a male address" ("What a male address do you want on the
        // account?", tiny.en, round 73).
        || (asked
            .windows(2)
            .any(|w| w[0].text == "male" && w[1].text == "address")
            && asks_named(asked, &["address"]))
}

/// The other party's line asks for something named one of `names` ("Can I get an … address
/// for the receipt?").
fn asks_named(asked: &[Token], names: &[&str]) -> bool {
    let sentence = last_sentence(asked);
    asked.iter().any(|t| names.contains(&t.text.as_str()))
        && (asked.iter().any(|t| {
            REQUEST_WORDS.contains(&t.text.as_str())
                || matches!(t.text.as_str(), "?" | "confirm" | "spell" | "need")
        })
            // Or a noun phrase naming it, said with no rise ("And the mark of email.", tiny.en
            // for "And a backup email?"), or a sentence opening with "which" that names it
            // ("which email addresses on the account.", tiny.en for "Which email address is on
            // the account?", round 77).
            || (sentence.iter().any(|t| names.contains(&t.text.as_str()))
                && (detect::noun_phrase_request(sentence) || opens_with_which(sentence))))
}

/// The sentence's first word is "which".
fn opens_with_which(sentence: &[Token]) -> bool {
    sentence
        .iter()
        .find(|t| t.class != Class::Punct)
        .is_some_and(|t| t.text == "which")
}

/// The other party asked for an address (the e-mail's name lost: "Can I get an omele address
/// for the receipt?") and `answer` is one sentence ending in a domain: the e-mail address, as
/// no postal address ends so.
fn asked_address_answered_with_domain(asked: &[Token], answer: &[Token]) -> bool {
    asks_named(asked, &["address"]) && ends_in_glued_domain(answer)
}

/// A partial answering the other party's request for an e-mail ("Email?" - "Sarah underscore
/// Jo"): from its first word past the openers to its end, while it is being said, for the
/// spoken e-mail rule needs its "at" and domain (fail closed; the final line is detected whole).
/// Not an answer about it ("the same as before"), nor a sentence ("I work part-time at"),
/// unless it is `glued`: one sentence ending in a domain glued to a word
/// ([`ends_in_glued_domain`]). A final line whose domain is glued is taken the same way.
fn asked_email(text: &str, tokens: &[Token], glued: bool) -> Option<Finding> {
    // Past which one it is ("My work one, priya at"), when a comma sets it apart.
    let opened = tokens
        .iter()
        .position(|t| t.text == ",")
        .filter(|&c| {
            c >= 1
                && matches!(
                    tokens[c - 1].text.as_str(),
                    "one" | "address" | "email" | "name"
                )
        })
        .map_or(0, |c| c + 1);
    let after = opened
        + tokens[opened..].iter().position(|t| {
            t.class != Class::Punct
                && !tokens::is_opener(&t.text)
                && !matches!(t.text.as_str(), "er" | "erm" | "sorry")
        })?;
    // A sentence is no address being said ("I work part-time at", "Can you send it to me at",
    // "Yes, it'll go to …"), though a letter spelled may be "I"; but with a domain glued to it,
    // the words are what whisper made of the address ("It's Maggie not with feelatemail.com").
    // "not" between a capitalized word (not "I") and another word is "dot" misheard ("Mike not
    // Rob", tiny.en for "mike dot ross …"), no statement.
    // A stop between ("Ross Eddie. not com", on mono).
    let dot_heard = |k: usize| {
        let before = match k.checked_sub(1) {
            Some(b) if tokens[b].text == "." => b.checked_sub(1),
            other => other,
        };
        tokens[k].text == "not"
            && before.is_some_and(|b| {
                b >= after
                    && tokens[b].cap
                    && tokens[b].class == Class::Word
                    && !matches!(
                        tokens[b].text.as_str(),
                        "i" | "it" | "it's" | "that's" | "i'm"
                    )
            })
            && tokens.get(k + 1).is_none_or(|t| t.class == Class::Word)
    };
    if !glued
        && (after..tokens.len()).any(|k| {
            let t = &tokens[k];
            (t.text.chars().count() > 1
                && detect::NOT_LOCAL_PART.contains(&t.text.as_str())
                && !dot_heard(k))
            // A contraction ("it'll", "I'm"), not a name's apostrophe ("o'brien").
            || ["'s", "'ll", "'m", "'re", "'ve", "'d", "n't"]
                .iter()
                .any(|end| t.text.ends_with(end))
        })
    {
        return None;
    }
    // With "dot" heard as "not", what whisper made of the address, as glued.
    if glued || (after..tokens.len()).any(dot_heard) {
        // Whatever words whisper made of it, up to the domain's end.
        let last = tokens.iter().rposition(|t| t.class != Class::Punct)?;
        return Some(make_finding(
            text,
            FindingKind::Email,
            tokens[after].start,
            tokens[last].end,
            0.5,
            "",
        ));
    }
    value_from(text, tokens, after, FindingKind::Email)
}

/// A partial in which an e-mail is being said, whatever asked for it: "at" after a name glued by
/// a dot or an underscore ("Tom.baker at bay"), after "dot" at most three tokens before it ("Tom
/// dot Baker at"), or after two capitalised words with a stop between ("Tom. Baker at"; not
/// "Dr. Patel at"): from the name's first word to the partial's end.
fn email_being_said(text: &str, tokens: &[Token]) -> Option<Finding> {
    let at = tokens.iter().rposition(|t| t.text == "at")?;
    if at == 0 {
        return None;
    }
    // The chain glued to the word before "at".
    let mut first = at - 1;
    while first > 0 && tokens[first - 1].end == tokens[first].start {
        first -= 1;
    }
    let glued = (first + 1..at.saturating_sub(1)).any(|k| {
        matches!(tokens[k].text.as_str(), "." | "_")
            && tokens[k - 1].class != Class::Punct
            && tokens[k + 1].class != Class::Punct
    });
    // "dot" said, or a stop after a word and before a capitalised one ("Tom. Baker at").
    let said = (at.saturating_sub(3)..at).find(|&k| {
        k > 0
            && (tokens[k].text == "dot"
                || (tokens[k].text == "."
                    && k + 2 == at
                    && tokens[k - 1].cap
                    && tokens[k - 1].class == Class::Word
                    && !matches!(
                        tokens[k - 1].text.as_str(),
                        "dr" | "mr" | "mrs" | "ms" | "st"
                    )
                    && tokens[k - 1].end == tokens[k].start
                    && tokens[k + 1].class == Class::Word
                    && tokens[k + 1].cap))
    });
    let first = match (glued, said) {
        (true, _) => first,
        (false, Some(k)) => k - 1,
        _ => return None,
    };
    let last = tokens.iter().rposition(|t| t.class != Class::Punct)?;
    (last >= first).then(|| {
        make_finding(
            text,
            FindingKind::Email,
            tokens[first].start,
            tokens[last].end,
            0.4,
            "",
        )
    })
}

/// The e-mail in an answer to a request for one ([`asked_email`]; `glued`: the line ends in a
/// domain glued to a word, or says "underscore"); or, failing that, the line's first sentence,
/// more following it, ends in a glued domain ("It's time at www.complumbing.com. See you on MS
/// …", base on µ-law for "tom at tomsplumbing dot com, that's t o m s plumbing"); or a clause
/// of it does ("if you are not a minzatoutlook.com, that's …", base for "minh at outlook dot
/// com, that's m i n h"; "It's your not minsat outlook.com That's it", on mono): up to the
/// domain's end, whatever words whisper made of the rest.
fn email_answer(text: &str, tokens: &[Token], glued: bool) -> Option<Finding> {
    asked_email(text, tokens, glued)
        .or_else(|| domain_sentence(tokens).and_then(|end| asked_email(text, &tokens[..end], true)))
        .or_else(|| domain_clause(tokens).and_then(|(a, b)| asked_email(text, &tokens[a..b], true)))
}

/// The line opens with words glued by a dot or an underscore and ends in a domain glued to a
/// word, whatever stops whisper put between ("Tom.hard it 2000. Email.com.", tiny.en for "Tom
/// dot hardy two thousand at gmail dot com"): an e-mail said from its first word to its last.
/// "Not sure. Try example.com." opens with no such words, and stays an answer about it.
fn glued_at_both_ends(tokens: &[Token]) -> bool {
    let Some(first) = tokens
        .iter()
        .position(|t| t.class != Class::Punct && !tokens::is_opener(&t.text))
    else {
        return false;
    };
    let mut end = first;
    while tokens
        .get(end + 1)
        .is_some_and(|n| n.start == tokens[end].end)
    {
        end += 1;
    }
    let chain = &tokens[first..=end];
    let opens_glued = (1..chain.len().saturating_sub(1)).any(|k| {
        matches!(chain[k].text.as_str(), "." | "_")
            && chain[k - 1].class == Class::Word
            && chain[k + 1].class == Class::Word
    });
    let Some(last) = tokens.iter().rposition(|t| t.class != Class::Punct) else {
        return false;
    };
    opens_glued && last >= 2 && last > end && detect::glued_domain(&tokens[last - 2..=last])
}

/// The line is one sentence whose last word is words glued by a dot or an underscore, with no
/// domain and no "@" ("Kate.Lim", "kate_lim88"; tiny.en on 8 kHz µ-law for "k dot lim hyphen
/// work at gmail dot com"): an e-mail's name, its domain lost. Its first and last token.
fn glued_local_part(tokens: &[Token]) -> Option<(usize, usize)> {
    let end = tokens.iter().rposition(|t| t.class != Class::Punct)?;
    let one_sentence = !sentence_ends_before(tokens, end);
    let mut first = end;
    while first > 0 && tokens[first - 1].end == tokens[first].start {
        first -= 1;
    }
    let chain = &tokens[first..=end];
    let glued = (1..chain.len().saturating_sub(1))
        .any(|k| matches!(chain[k].text.as_str(), "." | "_") && chain[k - 1].class == Class::Word);
    // With an "@" it is an address the other rules read.
    (one_sentence && glued && chain.iter().all(|t| t.text != "@")).then_some((first, end))
}

/// The line is one sentence that ends in a domain glued to a word ("It's Maggie not with
/// feelatemail.com", tiny.en for "maggie dot whitfield at gmail dot com"): what whisper wrote
/// for an e-mail it half heard, whatever words it made of the rest. A stop with a space after
/// it ends a sentence ("I'll check. Go to example.com" is two); a dot glued between words does
/// not ("Maria.g addencle.com").
fn ends_in_glued_domain(tokens: &[Token]) -> bool {
    let Some(end) = tokens.iter().rposition(|t| t.class != Class::Punct) else {
        return false;
    };
    end >= 2
        && (detect::glued_domain(&tokens[end - 2..=end]) || ends_in_spoken_domain(tokens))
        && !sentence_ends_before(tokens, end - 1)
}

/// The line's first sentence, when more follow it, ends in a domain, glued or said ("It's time at
/// www.complumbing.com. See you on MS …"): one past its last token. A stop ends a sentence with
/// a space after it, not glued inside a domain. A domain in a later sentence is no answer ("Not
/// sure. Try example.com").
fn domain_sentence(tokens: &[Token]) -> Option<usize> {
    let stop = (0..tokens.len()).find(|&k| {
        matches!(tokens[k].text.as_str(), "." | "?" | "!")
            && tokens.get(k + 1).is_some_and(|n| n.start > tokens[k].end)
    })?;
    ends_in_glued_domain(&tokens[..=stop]).then_some(stop + 1)
}

/// The clause of the line's first sentence that ends in a domain glued to a word, more words
/// after it ("if you are not a minzatoutlook.com, that's …", "It's your not minsat outlook.com
/// That's it"): its first token and one past the domain's last. A clause opens after a comma
/// or at the line's start. A domain in a later sentence is no answer ("Not sure. Try
/// example.com").
fn domain_clause(tokens: &[Token]) -> Option<(usize, usize)> {
    let tld = (2..tokens.len()).find(|&k| {
        tokens[k - 1].text == "." && detect::glued_domain(&tokens[k - 2..(k + 2).min(tokens.len())])
    })?;
    if sentence_ends_before(tokens, tld - 1) {
        return None;
    }
    let start = tokens[..tld]
        .iter()
        .rposition(|t| t.text == ",")
        .map_or(0, |c| c + 1);
    Some((start, tld + 1))
}

/// A full stop, question or exclamation mark before token `end` ends a sentence: a space after
/// it ("I'll check. Go to example.com"), not a dot glued between words ("Maria.g").
fn sentence_ends_before(tokens: &[Token], end: usize) -> bool {
    tokens[..end]
        .iter()
        .enumerate()
        .any(|(i, t)| matches!(t.text.as_str(), "." | "?" | "!") && tokens[i + 1].start > t.end)
}

/// The line says "underscore"; or says "dot" twice, no "at", and ends in a "dot" and two words
/// at most; or ends in "dot com" heard as "not calm" and the like with one more "dot" or "not";
/// or is four sentences of one word or more: which no talk but an address being spelled does ("Merry underscore, Kate, how to look not to go not to K.", base on 8 kHz µ-law for "Mary
/// underscore k at outlook dot co dot uk"; "It's salmon vs. Corley yet out. Look dot code dot
/// you kick.", base for "sam underscore lee at outlook dot co dot uk"): in an answer to a
/// request for an e-mail, all of it from its first word is the address, whatever words whisper
/// made of the rest.
fn spells_an_address(tokens: &[Token]) -> bool {
    // With an "at" the other rules read the address. Nor does the line go on in a sentence of
    // its own after the last "dot" ("… mail dot com. I see it.", a read-back).
    let said: Vec<&Token> = tokens.iter().filter(|t| t.class != Class::Punct).collect();
    let ends_in_dot = tokens
        .iter()
        .rposition(|t| t.text == "dot")
        .is_some_and(|k| {
            let after = &tokens[k..];
            after.iter().filter(|t| t.class != Class::Punct).count() <= 3
                && !sentence_ends_before(after, after.len() - 1)
        });
    // Or "dot com" heard as "not calm", "not" or "dot" said once more ("It's really not
    // Charminhain Singh Haintea, who not calm.", base on 8 kHz µ-law for "priya dot sharma
    // nineteen ninety at yahoo dot com").
    let n = said.len();
    let dots = said
        .iter()
        .filter(|t| matches!(t.text.as_str(), "dot" | "not"))
        .count();
    let com_heard = n >= 3
        && matches!(said[n - 2].text.as_str(), "dot" | "not")
        && !matches!(
            said[n - 3].text.as_str(),
            "i'm" | "i" | "am" | "is" | "are" | "was" | "were" | "it's" | "that's" | "not"
        )
        && matches!(said[n - 1].text.as_str(), "com" | "calm" | "come" | "kam")
        && dots >= 2;
    // Or four sentences of one word each ("It's Priya. Sharma. Hai. Ti. Ti. A. Ti. A. Who.
    // KAM.", base for the same).
    // Not a stall ("Sorry. What? Hold on. Okay. Yes.").
    let one_word_sentences = tokens
        .split(|t| matches!(t.text.as_str(), "." | "?" | "!"))
        .filter(|s| {
            let words: Vec<&Token> = s.iter().filter(|t| t.class != Class::Punct).collect();
            words.len() == 1
                && !tokens::is_opener(&words[0].text)
                && !matches!(
                    words[0].text.as_str(),
                    "sorry" | "what" | "no" | "right" | "hello" | "hi" | "thanks" | "wait" | "hmm"
                )
        })
        .count();
    tokens.iter().any(|t| t.text == "underscore")
        || (said.iter().filter(|t| t.text == "dot").count() >= 2
            && ends_in_dot
            && !tokens.iter().any(|t| matches!(t.text.as_str(), "at" | "@")))
        || com_heard
        || one_word_sentences >= 4
}

/// The other party's line names an e-mail, its request garbled ("watch your work email.",
/// tiny.en on 8 kHz µ-law for "What's your work email?"), and `answer` says "underscore":
/// the address being spelled, as in answer to a request for it ([`spells_an_address`]).
/// Not a question ("Is the underscore key broken?").
fn spelled_after_email_named(other: &[Token], answer: &[Token]) -> bool {
    spells_an_address(answer)
        && !answer.iter().any(|t| t.text == "?")
        && other
            .iter()
            .any(|t| matches!(t.text.as_str(), "email" | "e-mail" | "mail"))
}

/// The line ends in a domain said with "dot" ("… e mail dot com", tiny.en for "john dot reyes
/// at gmail dot com" spelled out, its "at" lost): a word, "dot" and a top-level domain.
fn ends_in_spoken_domain(tokens: &[Token]) -> bool {
    let Some(end) = tokens.iter().rposition(|t| t.class != Class::Punct) else {
        return false;
    };
    // "dot", or "not" before a common top-level domain of three letters ("It's a not me not see
    // at company mashing not org", base for "a dot b dot c at company dash name dot org").
    // Or "not" before any top-level domain when another "not" or "dot" came just before ("not go
    // not UK", "not co-not UK", tiny.en live for "dot co dot uk", round 75; not "in Spain, not
    // UK").
    let twice = end >= 3
        && tokens[end.saturating_sub(4)..end - 1]
            .iter()
            .any(|t| matches!(t.text.as_str(), "not" | "dot"));
    let dot = end >= 2
        && (tokens[end - 1].text == "dot"
            || (tokens[end - 1].text == "not"
                && (twice
                    || matches!(
                        tokens[end].text.as_str(),
                        "com" | "org" | "net" | "edu" | "gov"
                    ))));
    // The word before it, a comma, a stop or a hyphen between at most ("Tom's Flumming, dot
    // com.", tiny.en on µ-law; "Ross Eddie. not com.", on mono; "co-not UK").
    let name = match end.checked_sub(2).map(|k| (k, &tokens[k])) {
        Some((k, t)) if matches!(t.text.as_str(), "," | "." | "-") => {
            k.checked_sub(1).map(|k| &tokens[k])
        }
        other => other.map(|(_, t)| t),
    };
    // A name, not "a" ("not a dot com"); a letter only ending a spelling written with dots
    // ("Mike not Ross A.T.E.S.E.R.A.H.U. not com.", tiny.en on mono; "… A. D. E. M. A. dot
    // com.").
    let spelled = |t: &Token| {
        tokens
            .iter()
            .position(|u| u.start == t.start)
            .and_then(|k| k.checked_sub(2))
            .is_some_and(|k| {
                tokens[k + 1].text == "."
                    && tokens[k].class == Class::Word
                    && tokens[k].text.chars().count() == 1
                    && tokens[k].end == tokens[k + 1].start
            })
    };
    dot && name
        .is_some_and(|t| t.class != Class::Punct && (t.text.chars().count() >= 2 || spelled(t)))
        && detect::is_tld(&tokens[end].text)
}

/// The line is one sentence that ends in a domain said with "dot" ([`ends_in_spoken_domain`]),
/// or two whose second is the domain alone ("Mike not Ross Eddie. not com.", tiny.en on mono
/// for "mike dot ross eighty seven at yahoo dot com"): the address whole, whatever words
/// whisper made of it. Not a domain in a later sentence ("I don't have one. Try the office.
/// It's on the bbc dot com").
fn domain_said_last(tokens: &[Token]) -> bool {
    let Some(end) = tokens.iter().rposition(|t| t.class != Class::Punct) else {
        return false;
    };
    end >= 3 && ends_in_spoken_domain(tokens) && !sentence_ends_before(tokens, end - 3)
}

/// Words that end the pieces of an address said before it ([`email_pieces_before`]): what a
/// line says around an address, not part of it.
const NOT_AN_ADDRESS_PIECE: &[&str] = &[
    "back", "that", "that's", "is", "it's", "its", "email", "address", "so", "me", "my", "your",
    "the", "confirm", "to", "at", "and", "or", "was", "new", "old", "sorry", "yes", "no",
];

/// Extends each e-mail address found on the line back over the pieces of it whisper wrote
/// apart, a comma between ("Let me just write that back, John Dot, [EMAIL]", "John.com, …",
/// "John dot 10, …" for "john dot pemberton at gmail dot com", read back on 8 kHz µ-law): words
/// or numbers joined by "dot", "underscore", "hyphen" or a glued ".", "_" or "-", back from
/// the address, when a joining word or sign is among them; at most three pieces, none of them
/// a word that says what the line is about ("that", "email", "is").
fn email_pieces_before(text: &str, tokens: &[Token], findings: &mut [Finding]) {
    let glued = |k: usize| {
        k > 0
            && k + 1 < tokens.len()
            && tokens[k - 1].end == tokens[k].start
            && tokens[k].end == tokens[k + 1].start
    };
    let join = |k: usize| {
        matches!(
            tokens[k].text.as_str(),
            "dot" | "underscore" | "hyphen" | "dash"
        ) || (matches!(tokens[k].text.as_str(), "." | "_" | "-") && glued(k))
    };
    let piece = |k: usize| {
        matches!(tokens[k].class, Class::Word | Class::Digits)
            && !join(k)
            && !NOT_AN_ADDRESS_PIECE.contains(&tokens[k].text.as_str())
    };
    for f in findings.iter_mut().filter(|f| f.kind == FindingKind::Email) {
        let Some(at) = tokens.iter().position(|t| t.start >= f.start) else {
            continue;
        };
        // Back from the address: commas, then pieces and joins.
        let (mut k, mut first, mut joins, mut pieces) = (at, None, 0, 0);
        while k > 0 && pieces < 3 {
            let p = k - 1;
            if tokens[p].text == "," {
                k = p;
            } else if join(p) {
                joins += 1;
                k = p;
            } else if piece(p) {
                pieces += 1;
                k = p;
                first = Some(p);
            } else if pieces == 0
                && joins == 0
                && tokens[p].text == "and"
                && p >= 3
                && piece(p - 1)
                && join(p - 2)
            {
                // What whisper made of a number between ("It's the old one, k.brin and
                // [EMAIL].", tiny.en for "k dot brennan sixty one at …").
                k = p;
            } else {
                break;
            }
        }
        // An address whose local part is only the digits whisper kept after the name it heard
        // as a word and "at" ("Yes, sir at 2020@outlook.com.", base for "sarah twenty twenty
        // at outlook dot com"): that word and "at" are its first piece. Not a pronoun ("email
        // me at …"), nor a verb ("I looked at …", "write to us at …").
        let digits_only = f
            .value
            .original
            .split('@')
            .next()
            .is_some_and(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()));
        if first.is_none()
            && digits_only
            && at >= 2
            && tokens[at - 1].text == "at"
            && tokens[at - 2].class == Class::Word
            && tokens[at - 2].line == tokens[at].line
            && piece(at - 2)
            && !matches!(
                tokens[at - 2].text.as_str(),
                "us" | "him"
                    | "her"
                    | "them"
                    | "you"
                    | "i"
                    | "it"
                    | "one"
                    | "look"
                    | "write"
                    | "reach"
                    | "contact"
                    | "mail"
                    | "send"
                    | "sent"
                    | "arrived"
                    | "stay"
            )
            && !tokens[at - 2].text.ends_with("ed")
            && !tokens[at - 2].text.ends_with("ing")
        {
            let normalized = f.value.normalized.clone();
            *f = make_finding(
                text,
                FindingKind::Email,
                tokens[at - 2].start,
                f.end,
                f.confidence,
                &normalized,
            );
            continue;
        }
        if let (Some(first), true) = (first, joins > 0) {
            let normalized = f.value.normalized.clone();
            *f = make_finding(
                text,
                FindingKind::Email,
                tokens[first].start,
                f.end,
                f.confidence,
                &normalized,
            );
        }
    }
}

/// The sentences of a line that read back an e-mail address heard before, spoken as whisper
/// half heard it ("Let me just write that back. John dot com Bertonex mail dot com.", base on
/// a mono recording, for "john dot pemberton at gmail dot com"): a sentence ending in a spoken
/// domain ("mail dot com") with two joining words or more ("dot", "at", "underscore") and no
/// address found in it, from its first piece (past words like "so", "that's", "it's") to the
/// domain. A website said once ("visit earshot dot com") has one joining word.
fn spoken_address_sentences(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut start = 0;
    for end in 0..tokens.len() {
        let t = &tokens[end];
        let stop = matches!(t.text.as_str(), "?" | "!")
            || (t.text == "." && tokens.get(end + 1).is_none_or(|n| n.start > t.end));
        if !stop && end + 1 < tokens.len() {
            continue;
        }
        let sentence = &tokens[start..=end];
        let from = start;
        start = end + 1;
        let joins = sentence
            .iter()
            .filter(|t| matches!(t.text.as_str(), "dot" | "at" | "underscore"))
            .count();
        if joins < 2 {
            continue;
        }
        let last = if ends_in_spoken_domain(sentence) {
            (from..=end)
                .rev()
                .find(|&k| tokens[k].class != Class::Punct)
        } else {
            underscore_then_at(tokens, from, end)
        };
        let Some(last) = last else {
            continue;
        };
        let Some(first) = first_address_piece(tokens, from..end + 1) else {
            continue;
        };
        let (a, b) = (tokens[first].start, tokens[last].end);
        if findings.iter().any(|f| f.start < b && a < f.end) {
            continue;
        }
        out.push(make_finding(text, FindingKind::Email, a, b, 0.4, ""));
    }
    out
}

/// Where an address read back with its domain lost ends: words joined by "underscore", "at" one
/// or two words after it and a word after that ("Pretty underscore shot at mail, lovely.",
/// tiny.en, round 80, for "pretty underscore shah at gmail dot com"), the last of them or of the
/// "dot" pieces after it. Said so, it is an address: "underscore" is said of little else.
fn underscore_then_at(tokens: &[Token], from: usize, end: usize) -> Option<usize> {
    let word = |k: usize| k <= end && matches!(tokens[k].class, Class::Word | Class::Digits);
    let u = (from + 1..end).find(|&k| {
        tokens[k].text == "underscore" && tokens[k - 1].class == Class::Word && word(k + 1)
    })?;
    let at = (u + 2..=(u + 3).min(end))
        .find(|&k| tokens[k].text == "at")
        .filter(|&a| (u + 1..a).all(word) && word(a + 1))?;
    let mut last = at + 1;
    while last + 2 <= end && tokens[last + 1].text == "dot" && word(last + 2) {
        last += 2;
    }
    Some(last)
}

/// Six or eight digits that read as a whole date: a day and a month either way round, then a
/// year of two digits or of four from 1900 on ("191190", "04091971").
fn date_shaped(digits: &str) -> bool {
    let n = |a: usize, b: usize| digits[a..b].parse::<u32>().unwrap_or(0);
    let day_month = |a: u32, b: u32| {
        ((1..=31).contains(&a) && (1..=12).contains(&b))
            || ((1..=12).contains(&a) && (1..=31).contains(&b))
    };
    match digits.len() {
        6 => day_month(n(0, 2), n(2, 4)),
        8 => day_month(n(0, 2), n(2, 4)) && (1900..=2030).contains(&n(4, 8)),
        _ => false,
    }
}

/// A day's number left in a sentence whose date of birth was found, its month garbled past
/// every date rule ("19 Somnilemmens [DATE_OF_BIRTH].", base on 8 kHz µ-law for "Nineteenth of
/// the eleventh, ninety." answering "And your date of birth?", round 73): one or two digits of
/// 1 to 31 in that sentence, not an amount, a count or a reference ("born in 1990, 2 kids"),
/// are the date's.
fn days_beside_birth_dates(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let births: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::DateOfBirth)
        .collect();
    if births.is_empty() {
        return Vec::new();
    }
    let sentences = sentences(tokens);
    let with_birth = |k: usize| {
        sentences.iter().any(|&(from, to)| {
            (from..to).contains(&k)
                && births
                    .iter()
                    .any(|f| f.start < tokens[to - 1].end && tokens[from].start < f.end)
        })
    };
    tokens::digit_runs(tokens)
        .into_iter()
        .filter(|r| {
            r.digits.len() <= 2
                && r.digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
                && !detect::is_amount_or_count(tokens, r)
                && !detect::is_reference(tokens, r)
                // No count of a thing, but before a capitalised word: a month garbled
                // ("Somnilemmens") is written as a month is.
                && (!detect::counts_a_group(tokens, r)
                    || tokens.get(r.last).is_some_and(|t| t.class == Class::Word && t.cap))
                && with_birth(r.first)
        })
        .map(|r| (tokens[r.first].start, tokens[r.last - 1].end))
        .filter(|&(a, b)| !findings.iter().any(|f| f.start < b && a < f.end))
        .map(|(a, b)| make_finding(text, FindingKind::DateOfBirth, a, b, 0.35, ""))
        .collect()
}

/// An e-mail address read back with its local part garbled past the other rules and its domain
/// written ("J.tarkan ready well and outlook.com. Lovely.", tiny.en after "It's J.O. Connor H.E.,
/// one at Outlook.com."; "Game of Arcana Rabi won't have outlook.com, lovely.", base on µ-law
/// after "It's j.o.conor.hp1@outlook.com.", round 71; "Our.com @bt internet.com", tiny.en on mono
/// for "r dot khan at bt internet dot com", its "@" apart, round 73): a domain written glued
/// ("outlook.com") ends the address, and the clause's words before it, from
/// the first that is no opening word ("so", "that's"), are its local part ("Let me just write
/// that back, John.com, …" keeps its first clause). Called only on a
/// line of the agent's (or a mono line) while an e-mail was given or asked for in the last three
/// lines (later, "… on our site at bank.co.uk" is no read-back).
fn domain_read_back(text: &str, tokens: &[Token], findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut from = 0;
    for k in 1..tokens.len().saturating_sub(1) {
        let t = &tokens[k];
        if t.text == "." && detect::glued_domain(&tokens[k - 1..(k + 3).min(tokens.len())]) {
            let first = first_address_piece(tokens, from..k - 1);
            // Or the whole address glued into the domain's first label, a mail service's name
            // ending a longer word ("So that's jdawramirazatebonnetoutlook.com.", base for "j dot
            // ramirez eight one at outlook dot com", round 81).
            let glued_local = || {
                let label = tokens[k - 1].text.as_str();
                detect::MAIL_PROVIDERS
                    .iter()
                    .any(|p| label.len() > p.len() + 1 && label.ends_with(p))
                    .then_some(k - 1)
            };
            let Some(first) = first.or_else(glued_local) else {
                continue;
            };
            let (a, b) = (tokens[first].start, tokens[k + 1].end);
            if !findings.iter().any(|f| f.start < b && a < f.end) {
                out.push(make_finding(text, FindingKind::Email, a, b, 0.4, ""));
            }
        } else if t.text == "at"
            && detect::MAIL_PROVIDERS.contains(&tokens[k + 1].text.as_str())
            && k > from
        {
            // Or "at" and a mail service's name after the local part, its domain's ending not
            // said ("Tom Smith at yahoo, great." after "Tom, T O M, then smith, at yahoo dot co
            // dot uk."): the clause's words up to the service's name, a name found in them
            // included.
            let first = first_address_piece(tokens, from..k);
            let Some(first) = first else {
                continue;
            };
            let mut last = k + 1;
            while last + 2 < tokens.len()
                && tokens[last + 1].text == "dot"
                && tokens[last + 2].class == Class::Word
            {
                last += 2;
            }
            let (a, b) = (tokens[first].start, tokens[last].end);
            if !findings
                .iter()
                .any(|f| f.kind == FindingKind::Email && f.start <= a && b <= f.end)
            {
                out.push(make_finding(text, FindingKind::Email, a, b, 0.4, ""));
            }
        } else if matches!(t.text.as_str(), "?" | "!" | "," | ";" | ":")
            || (t.text == "." && tokens.get(k + 1).is_none_or(|n| n.start > t.end))
        {
            from = k + 1;
        }
    }
    out
}

/// A spoken e-mail address a line ends in while still being said (fail closed; the final line
/// is detected whole): words joined by "dot", "underscore", "hyphen" or "at", with commas between
/// them, and letters spelled out, back from the line's end, when the chain ends in a joining word
/// ("… dot Lee, at icloud dot") or holds both an "at" and another joining word ("… dot Lee, at
/// icloud").
fn trailing_email(text: &str, tokens: &[Token], email_context: bool) -> Option<Finding> {
    let joins = |t: &Token| {
        matches!(
            t.text.as_str(),
            "dot" | "underscore" | "hyphen" | "dash" | "at" | "@" | "_" | "-" | "." | "+"
        )
    };
    // "at sign" is said for "at".
    let said: Vec<usize> = (0..tokens.len())
        .filter(|&k| {
            let at_sign = tokens[k].text == "sign" && k > 0 && tokens[k - 1].text == "at";
            !(at_sign || matches!(tokens[k].text.as_str(), "," | "…"))
        })
        .collect();
    let last = *said.last()?;
    // Back from the end: a word or a joining word alternate, runs of letters count as a word.
    let mut first = said.len() - 1;
    let (mut at, mut other) = (false, false);
    while first > 0 {
        let (here, before) = (&tokens[said[first]], &tokens[said[first - 1]]);
        let step = if joins(here) {
            before.class != Class::Punct && !joins(before)
        } else {
            joins(before)
                || (entities::is_letter(here) && entities::is_letter(before))
                // A number said after a word of the local part ("j underscore smith 99 at").
                || (here.class == Class::Digits
                    && before.class == Class::Word
                    && first >= 2
                    && joins(&tokens[said[first - 2]]))
        };
        if !step {
            break;
        }
        first -= 1;
    }
    // "I'm at home dot …": the pronoun is no local part.
    if said.len() - first > 1
        && tokens[said[first + 1]].text == "at"
        && detect::NOT_LOCAL_PART.contains(&tokens[said[first]].text.as_str())
    {
        first += 1;
    }
    let (mut hyphens_only, mut numbers_only, mut glued_dot) = (true, true, false);
    for &k in &said[first..] {
        let t = &tokens[k];
        match t.text.as_str() {
            "at" => at = true,
            // A written address being typed ("emma.brown@").
            "@" => (at, other) = (true, true),
            "hyphen" | "dash" => other = true,
            "." => (glued_dot, hyphens_only) = (true, false),
            // Glued: "part-time", "twenty-five", "3.5".
            "-" => {}
            // A written address's tag ("john.smith+bank").
            "+" => other = true,
            _ if joins(t) => (other, hyphens_only) = (true, false),
            _ => numbers_only &= t.class == Class::Digits || tokens::is_number_word(t),
        }
    }
    let ends_joined = joins(&tokens[last])
        && !matches!(tokens[last].text.as_str(), "." | "-")
        && said.len() - first > 1;
    // "… johnsmith, at gm": a word, "at" and the start of a mail service's name.
    let provider = at
        && said.len() - first == 3
        && tokens[said[first + 1]].text == "at"
        && tokens[last].class == Class::Word
        && tokens[last].text.chars().count() >= 2
        && detect::MAIL_PROVIDERS
            .iter()
            .any(|p| p.starts_with(tokens[last].text.as_str()))
        && tokens[said[first]].class == Class::Word
        && !detect::NOT_LOCAL_PART.contains(&tokens[said[first]].text.as_str());
    // Where an e-mail is named or asked for, words joined by "dot" or a full stop are one being
    // said ("And your email, still marcus.bell", "Email?" - "Sarah underscore Jones").
    // "underscore" is said of little but addresses and user names.
    let underscore = said[first..]
        .iter()
        .any(|&k| tokens[k].text == "underscore");
    // A chain of three words or more joined by a spoken "dot" is one being said anywhere
    // ("Send it to olga dot sch"); glued full stops only where an e-mail is named ("U.S.A.").
    let spoken_dot = said[first..].iter().any(|&k| tokens[k].text == "dot");
    let joined_in_context = (email_context || underscore || spoken_dot)
        && (other || glued_dot)
        && said.len() - first > 2;
    // A decimal being said ("five dot …") is a number, masked as one.
    if !(other || provider || joined_in_context)
        || !(at || ends_joined || joined_in_context)
        || numbers_only
    {
        return None;
    }
    // Only hyphens: a name spelled or joined ("Anne hyphen …").
    let kind = if hyphens_only && !at {
        FindingKind::Name
    } else {
        FindingKind::Email
    };
    let (a, b) = (&tokens[said[first]], &tokens[last]);
    Some(make_finding(text, kind, a.start, b.end, 0.4, ""))
}

/// A partial's word in lower case after a relative ("my husband mark", "my husband mark sa"):
/// the final's rule needs the verb after the name ("said"), which has not come yet, so the word
/// is hidden while the partial ends in it or in the start of such a verb. Not a word that is no
/// name ("my husband always").
fn relatives_name_begun(partial: &str, tokens: &[Token]) -> Option<Finding> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&k| tokens[k].class == Class::Word)
        .collect();
    let n = words.len();
    let last = tokens.last()?;
    // The name is the partial's last word, or the one before a verb being said.
    let k = if n >= 3 && last.class == Class::Word && last.end == partial.chars().count() {
        let verb_begun = entities::RELATIVE_DOES
            .iter()
            .any(|v| v.starts_with(last.text.as_str()));
        if n >= 4 && verb_begun && !last.cap {
            words[n - 2]
        } else {
            words[n - 1]
        }
    } else {
        return None;
    };
    let at = words.iter().position(|&w| w == k)?;
    let t = &tokens[k];
    let relative = at >= 2
        && RELATIVE_WORDS.contains(&tokens[words[at - 1]].text.as_str())
        && matches!(
            tokens[words[at - 2]].text.as_str(),
            "my" | "our" | "her" | "his" | "your" | "their"
        )
        && words[at - 1] + 1 == k;
    let name_like = !t.cap
        && t.text.chars().count() >= 3
        && !entities::NOT_NAME.contains(&t.text.as_str())
        && !entities::NOT_A_RELATIVES_NAME.contains(&t.text.as_str())
        && !entities::RELATIVE_DOES.contains(&t.text.as_str());
    (relative && name_like)
        .then(|| make_finding(partial, FindingKind::Name, t.start, t.end, 0.4, &t.text))
}

/// A partial ending in up to three words in lower case after a relative and a comma ("my son,
/// elijah james car"): the final hides them once their clause ends, which it has not yet. Not
/// words that are no name ("my son, he said").
fn relatives_name_after_comma(partial: &str, tokens: &[Token]) -> Option<Finding> {
    let last = tokens.last()?;
    if last.class != Class::Word || last.end != partial.chars().count() {
        return None;
    }
    // Cheap first: a relative and a comma among the last five tokens.
    let n = tokens.len();
    let comma = (n.saturating_sub(4)..n).find(|&k| {
        k >= 2 && tokens[k].text == "," && RELATIVE_WORDS.contains(&tokens[k - 1].text.as_str())
    })?;
    if n - comma - 1 > 3 {
        return None;
    }
    let name_like = |t: &Token| {
        t.class == Class::Word
            && !t.cap
            && !entities::NOT_NAME.contains(&t.text.as_str())
            && !entities::NOT_A_RELATIVES_NAME.contains(&t.text.as_str())
            && !entities::RELATIVE_DOES.contains(&t.text.as_str())
    };
    let mut first = tokens.len() - 1;
    while first > 0 && tokens.len() - first < 3 && name_like(&tokens[first - 1]) {
        first -= 1;
    }
    if !name_like(&tokens[first]) || first < 3 {
        return None;
    }
    let after_relative = tokens[first - 1].text == ","
        && RELATIVE_WORDS.contains(&tokens[first - 2].text.as_str())
        && matches!(
            tokens[first - 3].text.as_str(),
            "my" | "our" | "her" | "his" | "your" | "their"
        );
    after_relative.then(|| {
        make_finding(
            partial,
            FindingKind::Name,
            tokens[first].start,
            last.end,
            0.4,
            "",
        )
    })
}

/// A partial ending in a word in lower case after "this is" or "my name is" ("hi this is
/// jennifer", "hi this is jennifer cal"): the final's rule needs what follows a caller's own name
/// ("calling", "here"), which has not come yet. Not a word that is no name ("this is about").
fn intro_name_begun(partial: &str, tokens: &[Token]) -> Option<Finding> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&k| tokens[k].class == Class::Word)
        .collect();
    let n = words.len();
    let last = tokens.last()?;
    if n < 3 || last.class != Class::Word || last.end != partial.chars().count() {
        return None;
    }
    let begun = ["calling", "here", "speaking", "from"]
        .iter()
        .any(|v| v.starts_with(last.text.as_str()));
    let at = if begun && n >= 4 { n - 2 } else { n - 1 };
    let t = &tokens[words[at]];
    let said = |k: usize, w: &str| tokens[words[k]].text == w;
    let intro = (said(at - 1, "is") && (said(at - 2, "this") || said(at - 2, "name")))
        || said(at - 1, "names")
        || said(at - 1, "name's");
    (intro
        && !t.cap
        && t.text.chars().count() >= 2
        && !entities::NOT_NAME.contains(&t.text.as_str()))
    .then(|| make_finding(partial, FindingKind::Name, t.start, t.end, 0.4, &t.text))
}

/// Relatives a name in lower case may follow in a partial.
const RELATIVE_WORDS: &[&str] = &[
    "husband", "wife", "son", "daughter", "mum", "mom", "mother", "dad", "father", "brother",
    "sister", "partner",
];

/// The line ends in a letter that a spelling may go on from ("… S M"): a one-letter word, not
/// "a" or "I" (a spelling-alphabet word ends a line as an ordinary word: "… in November").
fn ends_in_letter(tokens: &[Token]) -> bool {
    let last = tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.text.as_str(), "." | "," | "-" | "…" | "?" | "!"));
    last.is_some_and(|t| {
        t.class == Class::Word
            && t.text.chars().count() == 1
            && !matches!(t.text.as_str(), "a" | "i")
    })
}

/// The line ends, but for its closing punctuation, in a word that joins an e-mail's parts
/// ("dot", "underscore", "at", "hyphen", "dash").
fn ends_in_joining_word(tokens: &[Token]) -> bool {
    last_said(tokens).is_some_and(|t| {
        matches!(
            t.text.as_str(),
            "dot" | "underscore" | "at" | "hyphen" | "dash"
        )
    })
}

fn ends_in_number(tokens: &[Token]) -> bool {
    last_said(tokens).is_some_and(|t| tokens::is_number_word(t) || tokens::is_oh(&t.text))
}

/// The closing sentence of a line of several that ends in a number: from the last full stop,
/// question or exclamation mark before it that ends a sentence (a space after it: not the point
/// of "0.8"). `None` when the line is one sentence, ends in no number or names a reference
/// ("Do you have the claim reference? Yes, it's X-821-47.", on a mono recording).
fn closing_answer(tokens: &[Token]) -> Option<&[Token]> {
    if !ends_in_number(tokens) || detect::names_a_reference(tokens) {
        return None;
    }
    let end = tokens.len().saturating_sub(1);
    let from = (0..end).rev().find(|&k| {
        matches!(tokens[k].text.as_str(), "." | "?" | "!") && tokens[k + 1].start > tokens[k].end
    })?;
    Some(&tokens[from + 1..])
}

/// The line's last token but for its closing punctuation.
fn last_said(tokens: &[Token]) -> Option<&Token> {
    tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.text.as_str(), "." | "," | "-" | "…" | "?" | "!"))
}

fn make_finding(
    text: &str,
    kind: FindingKind,
    start: usize,
    end: usize,
    confidence: f32,
    normalized: &str,
) -> Finding {
    let original: String = text.chars().skip(start).take(end - start).collect();
    Finding {
        kind,
        start,
        end,
        confidence,
        tag_start: 0,
        value: SensitiveValue {
            original,
            normalized: normalized.to_string(),
        },
    }
}

/// Chains of two or more of the `heard` words in `tokens`, with `joiner`s between them,
/// redacted as `kind`.
fn said_again(
    text: &str,
    tokens: &[Token],
    heard: &[String],
    joiner: impl Fn(&Token) -> bool,
    kind: FindingKind,
) -> Vec<Finding> {
    let heard = |t: &Token| heard.contains(&t.text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !heard(&tokens[i]) {
            i += 1;
            continue;
        }
        let (first, mut last, mut words) = (i, i, 1);
        let mut k = i + 1;
        while k < tokens.len() && (heard(&tokens[k]) || joiner(&tokens[k])) {
            if heard(&tokens[k]) {
                (last, words) = (k, words + 1);
            }
            k += 1;
        }
        if words >= 2 {
            let value: String = tokens[first..=last]
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            found.push(make_finding(
                text,
                kind,
                tokens[first].start,
                tokens[last].end,
                0.7,
                &value,
            ));
        }
        i = k.max(i + 1);
    }
    found
}

/// E-mail addresses as written, and one written with its "@" lost but an underscore in it, which
/// no host name holds ("K_lea.com", tiny.en on a mono recording for "k underscore lee at outlook
/// dot com", round 77).
fn written_emails(text: &str) -> Vec<Finding> {
    static EMAIL: OnceLock<regex::Regex> = OnceLock::new();
    static UNDERSCORED: OnceLock<regex::Regex> = OnceLock::new();
    let re = EMAIL.get_or_init(|| {
        // The top-level domain is optional: "john_smith@hotmail" as written is an address too.
        regex::Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*").unwrap()
    });
    let underscored = UNDERSCORED.get_or_init(|| {
        regex::Regex::new(r"[A-Za-z0-9.%+\-]*[A-Za-z0-9]_[A-Za-z0-9._%+\-]*\.([A-Za-z]{2,})\b")
            .unwrap()
    });
    let found = |m: regex::Match| {
        let start = text[..m.start()].chars().count();
        let end = start + m.as_str().chars().count();
        make_finding(text, FindingKind::Email, start, end, 0.99, m.as_str())
    };
    let mut out: Vec<Finding> = re.find_iter(text).map(found).collect();
    out.extend(
        underscored
            .captures_iter(text)
            .filter(|c| detect::is_tld(&c[1].to_lowercase()))
            .filter_map(|c| c.get(0))
            // Not the start of one written whole ("k_lee.x@outlook.com").
            .filter(|m| !text[m.end()..].starts_with('@'))
            .map(found),
    );
    out
}

/// Builds the redacted text; overlapping findings are merged (the first keeps its kind).
/// Two parts of one address with only a town between them ("…, 47 Kingsley Road, Leeds, LS6
/// 1AB"): up to four words, capitalised but for a town's own small words ("Newcastle upon
/// Tyne"), commas allowed. The town then goes with them; a sentence between two addresses
/// ("12 Orchard Close, mum lives at 14 …") does not.
fn town_between(text: &str, a: &Finding, b: &Finding) -> bool {
    if a.kind != FindingKind::Address || b.kind != FindingKind::Address || b.start < a.end {
        return false;
    }
    let gap: String = text.chars().skip(a.end).take(b.start - a.end).collect();
    let words: Vec<&str> = gap
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
    };
    // A town's own small words ("Newcastle upon Tyne", "Walton on the Hill"), between two
    // capitalised ones.
    let joining = |i: usize| {
        matches!(
            words[i],
            "upon" | "on" | "under" | "in" | "the" | "by" | "of" | "le" | "de"
        ) && i > 0
            && words[i + 1..].iter().any(capitalised)
    };
    // As ASR wrote it in lower case ("…, leeds, ls6 1ab"): a word or two before a postcode.
    let chars: Vec<char> = text.chars().collect();
    let lower = |w: &&str| w.chars().all(char::is_lowercase);
    let lower_town = words.len() <= 2
        && words.iter().all(lower)
        && postcode_shaped(&chars[b.start..b.end.min(chars.len())]);
    (1..=4).contains(&words.len())
        && ((0..words.len()).all(|i| capitalised(&words[i]) || joining(i)) || lower_town)
}

/// A postcode or ZIP code as said ("V5H 2A9", "M1, 1AE", "62704", "sw1a 1aa"), not a street
/// found whole: short, and every word has a digit.
fn postcode_shaped(said: &[char]) -> bool {
    let said: String = said.iter().collect();
    said.chars().count() <= 10
        && said
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .all(|w| w.chars().any(|c| c.is_ascii_digit()))
}

/// Where an address's part starting at `start` begins with what is said before it as part of
/// it: up to five capitalised words with commas between ("Burnaby, BC, V5H 2A9"; "Springfield,
/// Illinois 62704"), not an answer's opener ("Yes, 90210"), and the house number before them
/// (a street with no suffix: "88 Kingsway, Burnaby, BC, V5H 2A9").
fn town_before(chars: &[char], start: usize) -> usize {
    let mut first = start;
    let mut k = start;
    let mut words = 0;
    // Passed a word in lower case: only a house number before it takes them ("88 kingsway,
    // burnaby, bc, v5h 2a9" as ASR wrote it), no capitalised word ("Leeds and then, LS6 1AB").
    let mut lower = false;
    let mut lower_first = None;
    loop {
        while k > 0 && matches!(chars[k - 1], ',' | ' ') {
            k -= 1;
        }
        let word_start = k - chars[..k]
            .iter()
            .rev()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '\''))
            .count();
        let word: String = chars[word_start..k].iter().collect();
        let capitalised = word.chars().next().is_some_and(char::is_uppercase)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\''));
        let house_number = words > 0
            && word.chars().next().is_some_and(|c| c.is_ascii_digit())
            && word.chars().filter(char::is_ascii_alphabetic).count() <= 1
            && word.len() <= 6;
        if house_number {
            return word_start;
        }
        // A town's own small words ("Newcastle upon Tyne"), kept only with the capitalised word
        // before them.
        if words > 0
            && matches!(
                word.as_str(),
                "upon" | "on" | "under" | "in" | "the" | "by" | "of" | "le" | "de"
            )
        {
            k = word_start;
            continue;
        }
        // A sentence's first word set off by no comma ("Not 90210, …") is no town.
        let sentence_start = chars[..word_start]
            .iter()
            .rev()
            .find(|c| !c.is_whitespace())
            .is_none_or(|c| matches!(c, '.' | '?' | '!'));
        let comma_after = chars[k..]
            .iter()
            .take_while(|c| **c != ' ')
            .any(|c| *c == ',');
        let lower_case = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_lowercase() || matches!(c, '-' | '\''))
            && !matches!(
                word.as_str(),
                "to" | "at"
                    | "is"
                    | "are"
                    | "and"
                    | "then"
                    | "send"
                    | "mail"
                    | "address"
                    | "postcode"
                    | "zip"
                    | "code"
                    | "me"
                    | "live"
                    | "lives"
                    | "i'm"
            );
        if word_start == k
            || !(capitalised && !lower || lower_case)
            || (sentence_start && !comma_after)
            || words == 5
            || tokens::is_opener(&word.to_lowercase())
            || matches!(word.as_str(), "I" | "I'm" | "My" | "Mail" | "Send")
        {
            // A town in lower case right after "in", "from" or "near" ("i live in leeds ls6
            // 1ab"): one or two words.
            if let Some(town) = lower_first.filter(|_| first == start && words <= 2) {
                let before: String = chars[..town].iter().collect();
                let before = before.trim_end();
                if [" in", " from", " near"]
                    .iter()
                    .any(|p| before.ends_with(p) || before == p.trim_start())
                {
                    return town;
                }
            }
            return first;
        }
        words += 1;
        if lower_case {
            lower = true;
            lower_first = Some(word_start);
        } else {
            first = word_start;
        }
        k = word_start;
    }
}

/// `f` over what belongs to it beside it: an ordinal suffix glued to its last digit ("27th"),
/// and for a date of birth or expiry a month name said right beside it ("The 27th, no sorry,
/// 2027, March"; "may" only as "May": "12/26, may I ask …").
/// Days named by their holiday, which a date of birth may be said with.
const HOLIDAYS: &[&str] = &[
    "christmas day",
    "christmas eve",
    "boxing day",
    "new year's day",
    "new year's eve",
    "new years day",
    "new years eve",
    "valentine's day",
    "valentines day",
    "halloween",
    "independence day",
    "st patrick's day",
    "bonfire night",
];

/// A date said around a month name ("the 12th of June 1990", "November 26") that a number
/// redacted under any name reaches into is redacted whole: on telephone audio recognition
/// loses the question, and what is left of the answer comes out as "The 12th of June
/// [PHONE]" or "[NUMBER] June [PHONE]" (tiny.en and base on 8 kHz µ-law, "Your date of
/// birth?" heard as "Your name's on the"): the day and the month are the same secret. A
/// redacted date with a year of four digits is a date of birth (an expiry has two), unless it
/// was already an expiry.
fn whole_dates(text: &str, mut findings: Vec<Finding>) -> Vec<Finding> {
    if findings.is_empty() {
        return findings;
    }
    let tokens = tokens::tokenize(text, 0);
    let chars: Vec<char> = text.chars().collect();
    for (first, last) in detect::dates_said(&tokens) {
        let (start, end) = (tokens[first].start, tokens[last - 1].end);
        let long_year = tokens[first..last]
            .iter()
            .any(|t| t.class == Class::Digits && t.text.len() == 4);
        for f in findings.iter_mut() {
            // Not a name, an address or an e-mail; nor a number only hidden while it is being
            // said ("It was on 3 March" in a partial keeps its month).
            let numeric = !matches!(
                f.kind,
                FindingKind::Name | FindingKind::Email | FindingKind::Address | FindingKind::Number
            );
            if !numeric || f.end <= start || end <= f.start {
                continue;
            }
            f.start = f.start.min(start);
            f.end = f.end.max(end);
            f.value.original = chars[f.start..f.end].iter().collect();
            if long_year && !matches!(f.kind, FindingKind::CreditDebitExpiry) {
                f.kind = FindingKind::DateOfBirth;
            }
        }
    }
    findings
}

fn widened(text: &str, mut f: Finding) -> Finding {
    let chars: Vec<char> = text.chars().collect();
    if f.end >= 1 && chars[f.end - 1].is_ascii_digit() {
        let suffix: String = chars[f.end..].iter().take(2).collect();
        let after = chars.get(f.end + 2);
        if ["st", "nd", "rd", "th"].contains(&suffix.as_str())
            && !after.is_some_and(|c| c.is_alphanumeric())
        {
            f.end += 2;
            f.value.original = chars[f.start..f.end].iter().collect();
        }
    }
    // A postcode or ZIP code ("V5H 2A9", "M1, 1AE", "62704"), not a street found whole.
    if f.kind == FindingKind::Address && postcode_shaped(&chars[f.start..f.end]) {
        f.start = town_before(&chars, f.start);
        f.value.original = chars[f.start..f.end].iter().collect();
        return f;
    }
    if !matches!(
        f.kind,
        FindingKind::DateOfBirth | FindingKind::CreditDebitExpiry
    ) {
        return f;
    }
    let is_month = |w: &[char]| {
        let word: String = w.iter().collect();
        tokens::month(&word.to_lowercase()).is_some() && (word != "may" && word != "mar")
    };
    let gap = |c: char| c == ',' || c == ' ';
    let apostrophe = |c: char| c == '\'' || c == '\u{2019}';
    // A year with its apostrophe, before it ("April '28": the finding is "28") or after it
    // ("4th April '85").
    if f.start > 0 && apostrophe(chars[f.start - 1]) {
        f.start -= 1;
    }
    let mut k = f.end;
    while chars.get(k).is_some_and(|&c| gap(c)) {
        k += 1;
    }
    if chars.get(k).is_some_and(|&c| apostrophe(c))
        && chars.get(k + 1).is_some_and(char::is_ascii_digit)
        && chars.get(k + 2).is_some_and(char::is_ascii_digit)
        && !chars.get(k + 3).is_some_and(|c| c.is_alphanumeric())
    {
        f.end = k + 3;
    }
    let mut k = f.end;
    while chars.get(k).is_some_and(|&c| gap(c)) {
        k += 1;
    }
    let word_end = k + chars[k..].iter().take_while(|c| c.is_alphabetic()).count();
    if word_end > k && is_month(&chars[k..word_end]) {
        f.end = word_end;
    }
    // A year of two digits after the month that ends it ("the 3rd of April 85").
    let month_start = f.end
        - chars[f.start..f.end]
            .iter()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .count();
    if month_start < f.end && is_month(&chars[month_start..f.end]) {
        let mut k = f.end;
        while chars.get(k).is_some_and(|&c| gap(c)) {
            k += 1;
        }
        let digits = chars[k..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = chars.get(k + digits);
        if k > f.end
            && digits == 2
            && !after.is_some_and(|c| c.is_alphanumeric() || matches!(c, ':' | '/' | '-'))
            && !(after == Some(&'.') && chars.get(k + 3).is_some_and(char::is_ascii_digit))
        {
            f.end = k + 2;
        }
    }
    // A day named by its holiday before the year of a date of birth ("Christmas Day, 1980").
    if f.kind == FindingKind::DateOfBirth {
        let mut k = f.start;
        while k > 0 && gap(chars[k - 1]) {
            k -= 1;
        }
        let before: String = chars[..k].iter().collect::<String>().to_lowercase();
        if let Some(h) = HOLIDAYS.iter().find(|h| {
            before.ends_with(*h)
                && before[..before.len() - h.len()]
                    .chars()
                    .last()
                    .is_none_or(|c| !c.is_alphanumeric())
        }) {
            f.start = k - h.chars().count();
        }
    }
    let mut k = f.start;
    while k > 0 && gap(chars[k - 1]) {
        k -= 1;
    }
    let word_start = k - chars[..k]
        .iter()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .count();
    if word_start < k && is_month(&chars[word_start..k]) {
        f.start = word_start;
    }
    f.value.original = chars[f.start..f.end].iter().collect();
    f
}

/// Tells the operator a rule failed: how many steps have failed in this call and how many lines
/// came back hidden whole. Counts only: the text stays out of the log.
fn warn_failed(failed_steps: usize, hidden_lines: usize) {
    tracing::warn!(
        failed_steps,
        hidden_lines,
        "a redaction rule failed; what it was given is hidden whole"
    );
}

/// `text` hidden whole, as one [`FindingKind::Number`]: what a step that failed returns.
fn hidden_whole(speaker: Speaker, text: &str) -> Redaction {
    let end = text.chars().count();
    let findings = if end == 0 {
        Vec::new()
    } else {
        vec![make_finding(text, FindingKind::Number, 0, end, 0.0, "")]
    };
    apply(speaker, text, findings)
}

fn apply(speaker: Speaker, text: &str, findings: Vec<Finding>) -> Redaction {
    let findings = whole_dates(text, findings);
    let mut findings: Vec<Finding> = findings.into_iter().map(|f| widened(text, f)).collect();
    findings.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut merged: Vec<Finding> = Vec::new();
    // `prev` reaches on to `end`.
    let extend = |prev: &mut Finding, end: usize| {
        prev.end = end;
        prev.value.original = text
            .chars()
            .skip(prev.start)
            .take(prev.end - prev.start)
            .collect();
    };
    for f in findings {
        match merged.last_mut() {
            Some(prev) if f.start < prev.end => {
                if f.end > prev.end {
                    extend(prev, f.end);
                }
            }
            Some(prev) if town_between(text, prev, &f) => {
                extend(prev, f.end);
                prev.value.normalized = format!("{} {}", prev.value.normalized, f.value.normalized);
            }
            _ => merged.push(f),
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut out_chars = 0;
    for f in merged.iter_mut() {
        out.extend(&chars[pos..f.start]);
        out_chars += f.start - pos;
        f.tag_start = out_chars;
        out_chars += f.kind.tag().chars().count() + 2;
        out.push('[');
        out.push_str(f.kind.tag());
        out.push(']');
        pos = f.end;
    }
    out.extend(&chars[pos..]);
    Redaction {
        speaker,
        text: out,
        findings: merged,
    }
}

/// Redacts one stand-alone text (no conversation context): a typed query, a field of a summary.
/// Not for heard speech, where a short line of digits may answer a misheard question: push such
/// a line to a [`Redactor`] as [`Speaker::Unknown`] instead.
pub fn redact_line(text: &str) -> Redaction {
    let mut r = Redactor {
        stand_alone: true,
        ..Redactor::new()
    };
    let mut out = r.push(Speaker::Unknown, text);
    out.extend(r.finish());
    out.pop().expect("one line in, one line out")
}

/// Longest [`safe_label`], in characters.
pub const LABEL_MAX_CHARS: usize = 64;

/// Whether `text` may serve as a label that leaves the device or reaches a screen without
/// redaction (an alert category, a checklist item's id): at most [`LABEL_MAX_CHARS`]
/// characters of letters, spaces and `_ - : , . ' ( ) / &`, no digit at all, and nothing the
/// detector finds in it on its own. Such a label can name a topic but cannot carry a number,
/// an e-mail address or any other value (fail closed: anything else is refused).
pub fn safe_label(text: &str) -> bool {
    let n = text.chars().count();
    n > 0
        && n <= LABEL_MAX_CHARS
        && !text.trim().is_empty()
        && text
            .chars()
            .all(|c| c.is_alphabetic() || " _-:,.'()/&".contains(c))
        && redact_line(text).findings.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(r: &Redaction) -> Vec<FindingKind> {
        r.findings.iter().map(|f| f.kind).collect()
    }

    /// Asserts that `line` shows no digit and was redacted as (what is left of) a phone number.
    fn assert_phone_without_digits(line: &Redaction) {
        assert!(
            !line.text.chars().any(|c| c.is_ascii_digit()),
            "{}",
            line.text
        );
        assert!(kinds(line).contains(&FindingKind::Phone), "{line:?}");
    }

    /// The redacted text of each line of a conversation, in order.
    pub(super) fn conversation(lines: &[(Speaker, &str)]) -> Vec<String> {
        let mut r = Redactor::new();
        let mut out: Vec<Redaction> = lines.iter().flat_map(|(s, t)| r.push(*s, t)).collect();
        out.extend(r.finish());
        out.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn a_callers_bare_number_is_redacted_when_recognition_lost_the_question() {
        // Heard on a loaded machine: the agent's "three-digit security code on the back" came
        // out garbled, so nothing cues the caller's CVV.
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "Thank you. And the free video is secure if it goes on the Mac.",
        );
        assert!(r.push(Speaker::Caller, "It in 7 3 9.").is_empty(), "held");
        let out = r.push(Speaker::Agent, "And I have found a duplicate charge.");
        let caller = out.iter().find(|l| l.speaker == Speaker::Caller).unwrap();
        assert!(!caller.text.contains("7 3 9"), "{}", caller.text);
        assert_eq!(kinds(caller), [FindingKind::Number]);
        // The same, garbled further in CI on the fast model: two digits read out, words after.
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "Thank you and the free video secure if it go on the Mac.",
        );
        let mut out = r.push(Speaker::Caller, "It in 7 3 high and...");
        out.extend(r.finish());
        let caller = out.iter().find(|l| l.speaker == Speaker::Caller).unwrap();
        assert_eq!(caller.text, "It in [NUMBER] high and...", "{out:?}");
        let mut r = Redactor::new();
        let partial = r.preview(Speaker::Caller, "It in 7 3 high");
        assert_eq!(partial.text, "It in [NUMBER] high");
        // Controls: numbers said whole, a range, a score and a long line's digits stay; so do
        // the agent's.
        let mut r = Redactor::new();
        let mut out = r.push(Speaker::Caller, "2 kids, 3 nights, 2 or 3 of them.");
        out.extend(r.push(Speaker::Agent, "Press 1 2 times, then hold."));
        out.extend(r.push(Speaker::Caller, "It was 2-1 for us."));
        out.extend(r.push(Speaker::Agent, "Great."));
        out.extend(r.push(Speaker::Caller, "Then I took the 2 1 2 bus to your branch."));
        out.extend(r.finish());
        assert!(out.iter().all(|l| l.findings.is_empty()), "{out:?}");
        // Negative controls: a caller's sentence that merely ends in a number, and the agent's
        // bare number, stay as they are.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "When did you call us?");
        r.push(
            Speaker::Caller,
            "I called you about it yesterday at around 230",
        );
        let out = r.push(Speaker::Agent, "Thank you, and the item count is 120");
        let out = [out, r.finish()].concat();
        assert!(out.iter().all(|l| l.findings.is_empty()), "{out:?}");
        // Nor does a caller's short line that ends in an amount.
        let mut r = Redactor::new();
        let out = [
            r.push(Speaker::Caller, "The total was $1173.79."),
            r.finish(),
        ]
        .concat();
        assert_eq!(out[0].text, "The total was $1173.79.", "{out:?}");
    }

    #[test]
    fn an_unknown_speakers_bare_number_is_redacted_as_a_callers_is() {
        // A mono recording: every line is `Unknown`, so the caller's answer is too.
        let texts = conversation(&[
            (Speaker::Unknown, "Thank you and outly nothin' one, please."),
            (Speaker::Unknown, "It is 739."),
            (Speaker::Unknown, "Thanks."),
        ]);
        assert_eq!(texts[1], "It is [NUMBER].", "{texts:?}");
        assert_eq!(
            conversation(&[(Speaker::Unknown, "It in 7 3 9.")]),
            ["It in [NUMBER]."]
        );
        // Two digits are enough for a bare answer: tiny.en heard "seven three nine" on 8 kHz
        // µ-law as "It is 7.3", the question before it as "the free ticket secure if it goes on
        // the mic". A count that short is redacted too (fail closed).
        for speaker in [Speaker::Unknown, Speaker::Caller] {
            assert_eq!(conversation(&[(speaker, "It is 7.3")]), ["It is [NUMBER]"]);
            assert_eq!(conversation(&[(speaker, "It is 12.")]), ["It is [NUMBER]."]);
        }
        // Negative controls: a longer line that merely ends in a number, a short one ending in
        // an amount, and a short one with one digit keep them; so do the agent's bare number
        // and a stand-alone text (a summary's version field, a date typed in a search).
        for line in [
            "I called you about it yesterday to round 400.",
            "It is $100 and $20.",
            "It is 7.",
        ] {
            assert_eq!(conversation(&[(Speaker::Unknown, line)]), [line]);
        }
        assert_eq!(
            conversation(&[(Speaker::Agent, "It is 739.")]),
            ["It is 739."]
        );
        for text in ["It is 739.", "0.1.0", "it arrived on 3/14"] {
            assert_eq!(redact_line(text).text, text);
        }
    }

    #[test]
    fn a_label_names_a_topic_but_carries_no_value() {
        for ok in [
            "Cancellation risk",
            "Sensitive input: sealed, not shown",
            "verify_identity",
            "Caller getting upset: de-escalate",
        ] {
            assert!(safe_label(ok), "{ok}");
        }
        for bad in [
            "",
            " ",
            "card 4532",
            "four five three two zero one five one one two eight three zero three six six",
            "mail sam@example.com",
            "a;b",
        ] {
            assert!(!safe_label(bad), "{bad}");
        }
    }

    #[test]
    fn card_numbers_in_every_surface_form() {
        for text in [
            "my card number is 4532 0151 1283 0366",
            "it's 4532-0151-1283-0366 thanks",
            "four five three two zero one five one one two eight three zero three six six",
            "card is four five three two, oh one five one, one two eight three, oh three double six",
        ] {
            let r = redact_line(text);
            assert_eq!(kinds(&r), vec![FindingKind::CreditDebitNumber], "{text} -> {}", r.text);
            assert!(!r.text.contains("0366") && !r.text.contains("six"), "{}", r.text);
        }
    }

    #[test]
    fn a_released_line_fails_closed_and_its_continuation_stays_redacted() {
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "can I have the card number please");
        assert!(r
            .push(
                Speaker::Caller,
                "sure it's four five three two oh one five one"
            )
            .is_empty());
        assert_eq!(r.held(), Some(Speaker::Caller));
        let out = r.release();
        assert_eq!(out.len(), 1);
        assert!(!out[0].text.contains("five"), "{}", out[0].text);
        assert_eq!(r.held(), None);
        // The rest of the number, after the pause that made us give up waiting.
        assert!(r
            .push(Speaker::Caller, "one two eight three oh three six six.")
            .is_empty());
        let out = r.push(Speaker::Caller, "and I want 12 apples please.");
        assert_eq!(out.len(), 2);
        assert!(!out[0].text.contains("eight"), "{}", out[0].text);
        assert_eq!(kinds(&out[0]), vec![FindingKind::CreditDebitNumber]);
        // Only the next line continues it.
        assert!(out[1].text.contains("12 apples"), "{}", out[1].text);
    }

    #[test]
    fn releasing_an_unclassifiable_number_fails_closed() {
        let mut r = Redactor::new();
        assert!(r.push(Speaker::Caller, "the number is 5 5 2 7").is_empty());
        let out = r.release();
        assert!(!out[0].text.contains('7'), "{}", out[0].text);
        // Another speaker's number is no continuation.
        let out = r.push(Speaker::Agent, "312 is our branch code.");
        assert!(out[0].text.contains("312"), "{}", out[0].text);
    }

    #[test]
    fn garbled_card_in_context_is_still_redacted() {
        // 19 digits that fail Luhn, as ASR sometimes returns.
        let r = redact_line("the card number is 4532 0151 1283 0366 123");
        assert_eq!(kinds(&r), vec![FindingKind::CreditDebitNumber]);
    }

    #[test]
    fn a_garbled_card_numbers_later_groups_stay_redacted_past_its_cue() {
        // base's text for a card number said in Spanish after an English question: the first
        // group is what is left of the card, and so is every group after it on the line, however
        // far from the question.
        let asked = (Speaker::Agent, "Can I have the card number please?");
        let heard = "If you don't have a G4 or a 3-0, you have a 1 or a 1 or a 8-3, you have a \
                     6-6, you have a 7-7-9,";
        let out = conversation(&[asked, (Speaker::Caller, heard)]);
        assert_eq!(
            out[1],
            "If you don't have a G4 or a [CREDIT_DEBIT_NUMBER], you have a \
             [CREDIT_DEBIT_NUMBER] or a [CREDIT_DEBIT_NUMBER] or a \
             [CREDIT_DEBIT_NUMBER], you have a [CREDIT_DEBIT_NUMBER], you have a \
             [CREDIT_DEBIT_NUMBER],"
        );
        // Control: with no question, the same line is chatter and keeps its numbers.
        assert_eq!(conversation(&[(Speaker::Caller, heard)]), vec![heard]);
        // A count after the card's groups is still a count.
        let out = conversation(&[
            asked,
            (
                Speaker::Caller,
                "It's 4-5, um, then I have 3 cards with you.",
            ),
        ]);
        assert_eq!(
            out[1],
            "It's [CREDIT_DEBIT_NUMBER], um, then I have 3 cards with you."
        );
    }

    #[test]
    fn a_date_reached_by_a_redaction_or_said_alone_as_a_birth_date_is_redacted_whole() {
        // "Your date of birth?" as tiny.en heard it on 8 kHz µ-law: the question is lost.
        let lost = (Speaker::Agent, "Your name's on the");
        for (said, shown) in [
            ("The 12th of June 1990.", "The [DATE_OF_BIRTH]."),
            ("Um, it's March 3rd, 1985.", "Um, it's [DATE_OF_BIRTH]."),
            // Controls: no year, a year too recent for a caller's birth, more to say.
            ("I paid on June 5th.", "I paid on June 5th."),
            ("The 12th of June 2025.", "The 12th of June 2025."),
            (
                "The account was opened on the 12th of June 1990, I think, at the branch.",
                "The account was opened on the 12th of June 1990, I think, at the branch.",
            ),
        ] {
            assert_eq!(conversation(&[lost, (Speaker::Caller, said)])[1], shown);
        }
        // A number redacted under another name takes the date it is part of with it (base on
        // espeak's voice: the card's digits cut short, "And the expiry?" misheard).
        let out = conversation(&[
            (Speaker::Agent, "Can I get the card number?"),
            (Speaker::Caller, "Sure, it's 5 5 0 0 0 0 0 0 0 0 0 0 0"),
            (Speaker::Agent, "And the X-Pire is?"),
            (Speaker::Caller, "4. November 26."),
        ]);
        // (Its "4", what is left of the month, goes with the number the short line ends in.)
        assert_eq!(out[3], "[NUMBER]. [CREDIT_DEBIT_NUMBER].");
    }

    #[test]
    fn a_half_heard_email_with_its_domain_glued_is_redacted_whole_after_the_question() {
        let asked = (Speaker::Agent, "Email address?");
        for (said, shown) in [
            ("Maria.g addencle.com.", "[EMAIL]."),
            ("It's jsmith.outlook.com", "It's [EMAIL]"),
        ] {
            assert_eq!(conversation(&[asked, (Speaker::Caller, said)])[1], shown);
        }
        // Controls: no question; a question and no address in the answer.
        let site = "I saw it on amazon.com yesterday.";
        assert_eq!(conversation(&[(Speaker::Caller, site)]), vec![site]);
        let later = "I'll have to check. Go to example.com for the form.";
        assert_eq!(conversation(&[asked, (Speaker::Caller, later)])[1], later);
    }

    #[test]
    fn a_request_said_as_a_noun_phrase_with_a_stop_asks_as_a_question_does() {
        // tiny.en on 8 kHz µ-law: the agent's question came with a stop, the answer garbled.
        let out = conversation(&[
            (Speaker::Agent, "Lastly, your national insurance number."),
            (Speaker::Caller, "View Q1 to 3456.c."),
        ]);
        assert_eq!(out[1], "[SSN].");
        let out = conversation(&[
            (Speaker::Agent, "And the security code on the back."),
            (Speaker::Caller, "It's free to nine."),
        ]);
        assert_eq!(out[1], "It's [CREDIT_DEBIT_CVV].");
        // With no stop, and on a mono recording (tiny.en, "QQ" heard as "Duke U").
        for speakers in [
            [Speaker::Agent, Speaker::Caller],
            [Speaker::Unknown, Speaker::Unknown],
        ] {
            let out = conversation(&[
                (speakers[0], "Lastly, your national insurance number"),
                (speakers[1], "Duke U123456C"),
            ]);
            assert_eq!(out[1], "[SSN]", "{speakers:?}");
        }
        let out = conversation(&[
            (Speaker::Unknown, "Great, your payment is done"),
            (Speaker::Unknown, "Thank you, 5 stars from me, 2 thumbs up."),
        ]);
        assert_eq!(out[1], "Thank you, 5 stars from me, 2 thumbs up.");
        // Controls: a statement about a value, and a value named in a statement.
        for (agent, caller) in [
            (
                "Great, your payment is done.",
                "Thank you, 5 stars from me, 2 thumbs up.",
            ),
            (
                "Your postcode is on the letter.",
                "Okay, 4 of them arrived.",
            ),
            ("The card has been blocked.", "Oh no, 2 days ago too."),
        ] {
            let out = conversation(&[(Speaker::Agent, agent), (Speaker::Caller, caller)]);
            assert_eq!(out[1], caller);
        }
    }

    #[test]
    fn a_value_read_back_and_an_email_named_then_half_heard_are_redacted() {
        // base on 8 kHz µ-law: the PIN's answer garbled, the agent's read-back clear.
        let out = conversation(&[
            (Speaker::Agent, "And what is the pin for telephone banking?"),
            (Speaker::Caller, "It's M-M-M-3-1."),
            (Speaker::Agent, "I will just confirm 7731."),
        ]);
        assert_eq!(out[2], "I will just confirm [NUMBER].");
        let said = "Correct. Oh, and my new email is J-Not-ParketOutlook.com.";
        assert_eq!(
            conversation(&[(Speaker::Caller, said)]),
            vec!["Correct. Oh, and my new email is [EMAIL]."]
        );
        // Controls: a count confirmed, an order confirmed, where an e-mail is, a site.
        for line in [
            "Can you confirm 2 things for me?",
            "I can confirm your order 7731 shipped.",
            "The email is on amazon.com somewhere, I think.",
            "I saw it on amazon.com yesterday.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, line)]), vec![line]);
        }
    }

    #[test]
    fn the_agents_question_gives_the_answer_its_type() {
        let mut r = Redactor::new();
        let mut out = r.push(
            Speaker::Agent,
            "And the three digit security code on the back?",
        );
        out.extend(r.push(Speaker::Caller, "It is seven three nine."));
        out.extend(r.finish());
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].text, "It is [CREDIT_DEBIT_CVV].");
        assert_eq!(out[1].findings[0].value.expose().1, "739");
    }

    #[test]
    fn a_number_split_over_two_lines_is_found_in_both() {
        let mut r = Redactor::new();
        let mut out = r.push(Speaker::Caller, "it's 4532 0151");
        assert!(out.is_empty(), "held back: it ends in a number");
        out.extend(r.push(Speaker::Caller, "1283 0366"));
        out.extend(r.finish());
        assert_eq!(out[0].text, "it's [CREDIT_DEBIT_NUMBER]");
        assert_eq!(out[1].text, "[CREDIT_DEBIT_NUMBER]");
        assert_eq!(out[1].findings[0].value.expose().1, "4532015112830366");
    }

    #[test]
    fn ssn_phone_email_expiry_dob() {
        assert_eq!(
            kinds(&redact_line("my social is 123 45 6789")),
            vec![FindingKind::Ssn]
        );
        assert_eq!(
            kinds(&redact_line("call me on 415 555 0132")),
            vec![FindingKind::Phone]
        );
        // A UK number, eleven digits from 0 (typed a bank account number before).
        assert_eq!(
            kinds(&redact_line("my new number is 07911 123456")),
            vec![FindingKind::Phone]
        );
        assert_eq!(
            redact_line("write to john.smith@example.com please").text,
            "write to [EMAIL] please"
        );
        assert_eq!(
            redact_line("my email is john dot smith at gmail dot com").text,
            "my email is [EMAIL]"
        );
        assert_eq!(
            kinds(&redact_line("the expiry date is oh nine twenty eight")),
            vec![FindingKind::CreditDebitExpiry]
        );
        let dob = redact_line("my date of birth is March fourth nineteen eighty one");
        assert_eq!(dob.text, "my date of birth is [DATE_OF_BIRTH]");
    }

    #[test]
    fn amounts_counts_and_references_stay() {
        for text in [
            "I was charged 500 dollars twice",
            "your order number is 4521",
            "I have called 3 times in 2 days",
            "it arrived on 3/14",
            "ticket 88213 is open",
            "my order reference number is 240 118 4471",
        ] {
            let r = redact_line(text);
            assert!(r.findings.is_empty(), "{text} -> {}", r.text);
        }
        // A reference to the person's own account is personal data (shown before 2026-12-04,
        // the afternoon).
        for text in [
            "My customer reference number is 240 118 4471.",
            "my policy reference is 88120 4471",
            "the account reference is 4471 2290 11",
        ] {
            let r = redact_line(text);
            assert!(
                !r.text.contains("4471") && !r.findings.is_empty(),
                "{text} -> {}",
                r.text
            );
        }
    }

    #[test]
    fn partials_fail_closed_and_their_redactions_survive_into_the_final() {
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Can I take a payment today?");
        // The number is still being spoken: no cue yet, but it is redacted.
        let p1 = r.preview(Speaker::Caller, "yes it's 4532");
        assert_eq!(p1.text, "yes it's [NUMBER]");
        // The final transcript came out differently (four digits named an amount by a unit:
        // alone they would stay): what the partial redacted stays redacted.
        let mut out = r.push(Speaker::Caller, "yes it's 4532 dollars and that's all");
        out.extend(r.finish());
        assert_eq!(
            out.last().unwrap().text,
            "yes it's [NUMBER] dollars and that's all"
        );
        // Without the partial, the same final line keeps its digits.
        assert_eq!(
            redact_line("yes it's 4532 dollars and that's all").text,
            "yes it's 4532 dollars and that's all"
        );
    }

    #[test]
    fn a_partial_shows_no_word_for_a_digit_between_numbers_being_spoken() {
        // Round 62 live, tiny.en on 8 kHz µ-law for a licence's "D as in David, five five one,
        // two two zero, three four": "Sure, the admin may read time [NUMBER] to [NUMBER] near."
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "Can you read me your driver's license number?",
        );
        for partial in [
            "Sure, the admin may read time 551 to 22034 near.",
            "Sure, the admin may read time 551, to, 22034",
        ] {
            let p = r.preview(Speaker::Caller, partial);
            assert!(
                !p.text.contains(" to") && !p.text.contains("near"),
                "{partial} -> {}",
                p.text
            );
        }
        // Controls: such a word before one number only, or after one that does not end the
        // partial.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "How can I help?");
        let p = r.preview(Speaker::Caller, "I paid for 2 tickets");
        assert_eq!(p.text, "I paid for [NUMBER] tickets");
        let p = r.preview(Speaker::Caller, "It was 2 for me and");
        assert_eq!(p.text, "It was [NUMBER] for me and");
    }

    #[test]
    fn a_partial_shows_no_digit_of_a_number_being_spoken() {
        // Seen live: the first partials of a card number read "is 4." and "is 45 feet".
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Can I have the card number please?");
        for partial in [
            "Sure the card number is 4.",
            "Sure, the card number is 45 feet.",
            "four five",
        ] {
            let p = r.preview(Speaker::Caller, partial);
            assert!(
                !p.text.chars().any(|c| c.is_ascii_digit()) && !p.text.contains("four"),
                "{partial} -> {}",
                p.text
            );
        }
        // A short number the detector does not classify is masked on screen only.
        let mut out = r.push(Speaker::Caller, "I have 2 cards.");
        out.extend(r.finish());
        assert_eq!(out.last().unwrap().text, "I have 2 cards.");
    }

    #[test]
    fn a_partial_hides_the_letters_glued_to_a_number_being_spoken() {
        // Round 52 live, tiny.en at 16 kHz for an IBAN's "G B two nine, N W B K, …": the
        // partials showed "it's CB[NUMBER] now." and "it's TV[NUMBER]i, nwb..." (the final hid
        // it whole).
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "Hello International Payments, Free us Deaking.",
        );
        r.push(
            Speaker::Caller,
            "Hi, I'm sending money to my brother in London.",
        );
        r.push(
            Speaker::Agent,
            "I can tell with that what's the vibe and...",
        );
        for partial in ["it's CB2 9 now.", "It's TV2 9i, nwb"] {
            let p = r.preview(Speaker::Caller, partial);
            assert!(
                !p.text.to_lowercase().contains("cb") && !p.text.contains("TV"),
                "{}",
                p.text
            );
        }
        // Control: a word apart from the number stays.
        let p = r.preview(Speaker::Caller, "It's about 29 I think.");
        assert!(p.text.contains("about [NUMBER] I think"), "{}", p.text);
    }

    #[test]
    fn a_partial_shows_no_part_of_an_email_address_being_said() {
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "What's your email?");
        // Shown before: the local part and the domain's first word, its end not yet said.
        for (partial, shown) in [
            (
                "It's Jessica, J E S S I C A, dot Lee, at icloud dot",
                "It's [NAME], [EMAIL]",
            ),
            ("It's tom dot baker at icloud", "It's [EMAIL]"),
            ("john underscore", "[EMAIL]"),
            ("I'm at home dot", "I'm [EMAIL]"),
            // Negative controls: "at" and glued hyphens in ordinary speech, a decimal.
            ("I work part-time at", "I work part-time at"),
            (
                "I'm self-employed, at home, so",
                "I'm self-employed, at home, so",
            ),
            ("Can you send it to me at", "Can you send it to me at"),
            ("The fee was five dot", "The fee was [NUMBER] dot"),
        ] {
            assert_eq!(r.preview(Speaker::Caller, partial).text, shown, "{partial}");
        }
    }

    #[test]
    fn a_partial_shows_no_address_or_email_being_read_back() {
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "What is the address?");
        r.push(Speaker::Caller, "It is 14 Queens Gate Mews, London.");
        r.push(Speaker::Agent, "And your email?");
        r.push(Speaker::Caller, "tom dot baker at gmail dot com");
        // Shown before: the final line redacted them, its partials did not.
        for (partial, shown) in [
            ("Queens Gate Mews, perfect", "[ADDRESS], perfect"),
            ("so tom dot baker", "so [EMAIL]"),
            // Negative controls: one word of each, and other words.
            ("the gate is open", "the gate is open"),
            ("the baker is open", "the baker is open"),
            // A word of the e-mail's local part is the caller's name, said again.
            ("Tom will call you", "[NAME] will call you"),
        ] {
            assert_eq!(r.preview(Speaker::Agent, partial).text, shown, "{partial}");
        }
        // A written address read back, its first word alone while being said (shown before
        // 2026-12-04); three letters are kept.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "And your email?");
        r.push(Speaker::Caller, "joanna.lew@btinternet.com");
        assert_eq!(r.preview(Speaker::Agent, "joanna.").text, "[EMAIL].");
        assert_eq!(r.preview(Speaker::Agent, "joa").text, "joa");
        // With nothing heard before, the same words are kept.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(Speaker::Agent, "Queens Gate Mews, perfect").text,
            "Queens Gate Mews, perfect"
        );
    }

    #[test]
    fn an_email_read_back_in_another_form_is_redacted() {
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "And your email?");
        r.push(Speaker::Caller, "It is jsmith84 at yahoo dot com.");
        r.push(Speaker::Agent, "Thanks.");
        // Shown before: the agent's read-back, said as letters, words and numbers.
        assert_eq!(
            r.preview(Speaker::Agent, "Got it, j smith eight").text,
            "Got it, [EMAIL]"
        );
        let mut out = Vec::new();
        for line in [
            "Got it, j smith eight four at yahoo.",
            "So J S M I T H 84 @ yahoo.com?",
            "jsmith84, right?",
            // Negative controls: a part of the local part, the same number in other words.
            "Smith is a common name, and my son is eighty four.",
        ] {
            out.extend(r.push(Speaker::Agent, line));
        }
        out.extend(r.finish());
        let shown: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            shown[shown.len() - 4..],
            [
                "Got it, [EMAIL].",
                "So [EMAIL]?",
                "[EMAIL], right?",
                "Smith is a common name, and my son is eighty four.",
            ]
        );
        // A local part that is one word is taken again only spelled or before "at".
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "And your email?");
        r.push(Speaker::Caller, "sales at acme dot com");
        let mut out = r.push(Speaker::Caller, "I work in sales, so s a l e s at acme.");
        out.extend(r.finish());
        assert_eq!(out.last().unwrap().text, "I work in sales, so [EMAIL].");
        // With no e-mail heard, the same words are one still: a mail service's name is a
        // domain (since 2026-12-05; they were kept before).
        let line = "Got it, j smith eight four at yahoo.";
        assert_eq!(redact_line(line).text, "Got it, [EMAIL].");
    }

    #[test]
    fn a_phones_extension_is_part_of_it_and_a_one_time_code_is_no_value() {
        // Shown before: the extension after the caller's number.
        for (line, kept) in [
            (
                "Sure, it is plus one, four one five, five five five, oh one three two, extension two oh four.",
                "Sure, it is plus [PHONE], extension [PHONE].",
            ),
            ("It is 415 555 0132 ext. 22.", "It is [PHONE] ext. [PHONE]."),
            (
                "It is 415 555 0132, and my extension is 22.",
                "It is [PHONE], and my extension is [PHONE].",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Can I take a contact number?"),
                (Speaker::Caller, line),
            ]);
            assert_eq!(out[1], kept, "{line}");
        }
        // Negative controls: an extension with no phone number before it, a count after one.
        assert_eq!(
            redact_line("I will transfer you to extension 4421.").text,
            "I will transfer you to extension 4421."
        );
        assert_eq!(
            redact_line("It is 415 555 0132 and 45 minutes ago I called.").text,
            "It is [PHONE] and 45 minutes ago I called."
        );
        // Shown redacted before: "one" in the agent's question ("the [PIN] time passcode").
        for line in [
            "Can you verify the one time passcode we just texted you?",
            "Okay what's the one-time passcode?",
            "It's a 3-digit code.",
        ] {
            assert_eq!(conversation(&[(Speaker::Agent, line)])[0], line);
        }
        // Positive control: the code itself.
        let out = conversation(&[
            (Speaker::Agent, "What's the one-time passcode?"),
            (Speaker::Caller, "It is 8 3 2 9 1 4."),
        ]);
        assert_eq!(out[1], "It is [PIN].");
        // A "one" before "time" in an answer may be a misheard digit: it stays redacted.
        let out = conversation(&[
            (Speaker::Agent, "What's your PIN?"),
            (Speaker::Caller, "One time three four."),
        ]);
        assert_eq!(out[1], "[PIN] time [PIN].");
    }

    #[test]
    fn a_partial_shows_no_part_of_an_address_date_of_birth_or_email_said_after_a_phrase_for_one() {
        let mut r = Redactor::new();
        // Shown before: the street's first word and the postcode's letters, while being said.
        for (partial, shown) in [
            ("I live at 42 Wallaby", "I live at [ADDRESS]"),
            ("My postcode is SW1A", "My postcode is [ADDRESS]"),
            (
                "my address is um, the Old Rectory, Church",
                "my address is um, [ADDRESS]",
            ),
            ("my postcode is s w one", "my postcode is [ADDRESS]"),
            (
                "I was born on the fourth of",
                "I was born on the [DATE_OF_BIRTH]",
            ),
            (
                "my date of birth is March",
                "my date of birth is [DATE_OF_BIRTH]",
            ),
            ("my email address is j smith", "my email address is [EMAIL]"),
            ("My e-mail is John", "My e-mail is [EMAIL]"),
            (
                "my email is the same as before",
                "my email is the same as before",
            ),
            ("I was born and raised here", "I was born and raised here"),
            ("my birthday is next week so", "my birthday is next week so"),
            // Negative controls: nothing yet, and what is no address.
            ("I live at", "I live at"),
            (
                "I live on the coast and I like it there",
                "I live on the coast and I like it there",
            ),
            (
                "The address is wrong on my statement",
                "The address is wrong on my statement",
            ),
        ] {
            assert_eq!(r.preview(Speaker::Caller, partial).text, shown, "{partial}");
        }
    }

    #[test]
    fn a_time_of_day_is_no_phone_number() {
        // Redacted as a phone number before ("call me back" cued it).
        assert_eq!(
            redact_line("Okay, call me back at 5:30 please.").text,
            "Okay, call me back at 5:30 please."
        );
        assert_eq!(
            redact_line("Call me after 10:15 on 415 555 0132.").text,
            "Call me after 10:15 on [PHONE]."
        );
        // Negative control: the same form answering for a secret.
        let out = conversation(&[
            (Speaker::Agent, "What is your PIN?"),
            (Speaker::Caller, "It's 12:34."),
        ]);
        assert_eq!(out[1], "It's [PIN].");
    }

    #[test]
    fn a_town_in_lower_case_after_in_goes_with_its_postcode() {
        // Shown before: the town, with no house number before it.
        for (line, kept) in [
            ("i live in leeds ls6 1ab", "i live in [ADDRESS]"),
            ("i live in west leeds ls6 1ab", "i live in [ADDRESS]"),
            // Negative controls: words that are no town.
            (
                "i am in the office, ls6 1ab",
                "i am in the office, [ADDRESS]",
            ),
            (
                "it's from leeds and then, ls6 1ab",
                "it's from leeds and then, [ADDRESS]",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn a_digit_taken_back_after_a_value_is_part_of_it() {
        // Shown before: the corrected last digit of the card number.
        let out = conversation(&[
            (Speaker::Agent, "Card number?"),
            (Speaker::Caller, "4111 1111 1111 1112."),
            (Speaker::Caller, "Sorry, the last one should be 1."),
        ]);
        assert_eq!(
            out[2],
            "Sorry, the last one should be [CREDIT_DEBIT_NUMBER]."
        );
        // Negative controls: a count and a menu option on a line that takes something back.
        for line in ["Sorry, I have 2 cards.", "No, I meant option 2."] {
            let out = conversation(&[
                (Speaker::Agent, "Card number?"),
                (Speaker::Caller, "4111 1111 1111 1112."),
                (Speaker::Caller, line),
            ]);
            assert_eq!(out[2], line);
        }
    }

    #[test]
    fn a_year_with_its_apostrophe_and_a_unit_after_an_abbreviated_street_are_redacted() {
        // Shown before: "April '", "'", "Apt. 5B, Springfield".
        for (line, kept) in [
            (
                "I can see the card ending in 0366 expiring April '28.",
                "I can see the card ending in [CREDIT_DEBIT_NUMBER] expiring [CREDIT_DEBIT_EXPIRY].",
            ),
            (
                "Your date of birth on file is 4th April '85, is that right?",
                "Your date of birth on file is [DATE_OF_BIRTH], is that right?",
            ),
            (
                "And we have you at 42 Elm St., Apt. 5B, Springfield.",
                "And we have you at [ADDRESS].",
            ),
            // Negative controls: a sentence after an abbreviated street, a quoted year.
            (
                "I live at 42 Elm St. Then I moved.",
                "I live at [ADDRESS]. Then I moved.",
            ),
            ("The '90s were great.", "The '90s were great."),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn in_a_call_written_in_lower_case_names_heard_and_after_a_title_are_redacted() {
        // Shown before: ASR wrote the call in lower case, and names were matched capitalised.
        let out = conversation(&[
            (
                Speaker::Caller,
                "hi ravi my name is pat mcgrath and i got a bill that's way too high",
            ),
            (
                Speaker::Agent,
                "sorry to hear that pat can you confirm the zip",
            ),
            (Speaker::Caller, "oh and my wife linda is on it too"),
            (Speaker::Agent, "got it linda mcgrath, thanks mr mcgrath"),
        ]);
        assert_eq!(
            out[1..],
            [
                "sorry to hear that [NAME] can you confirm the zip",
                "oh and my wife [NAME] is on it too",
                "got it [NAME], thanks mr [NAME]",
            ]
        );
        // Negative controls: a heard name that is a common word too, in lower case; a name
        // heard capitalised is not matched in lower case; "miss" the verb.
        let out = conversation(&[
            (Speaker::Caller, "my name is bill harper"),
            (Speaker::Agent, "thanks, your bill is ready"),
        ]);
        assert_eq!(out[1], "thanks, your bill is ready");
        let out = conversation(&[
            (Speaker::Caller, "My name is Grant Lee."),
            (Speaker::Agent, "we can grant you a refund"),
        ]);
        assert_eq!(out[1], "we can grant you a refund");
        assert_eq!(redact_line("i miss my dog").text, "i miss my dog");
    }

    #[test]
    fn names_of_people_close_to_the_caller_asked_for_or_spelled_with_a_letter_are_redacted() {
        // Shown before: a friend, a relative's name after "'s is", a person to tell, a name said
        // with how it is spelled; "actually" and "Put" were taken for names.
        for (line, kept) in [
            (
                "A friend of mine, Olusegun Bello, referred me.",
                "A friend of mine, [NAME], referred me.",
            ),
            (
                "My friend Dara said you could help.",
                "My friend [NAME] said you could help.",
            ),
            (
                "My son's name is Kai and my daughter's is Luna.",
                "My son's name is [NAME] and my daughter's is [NAME].",
            ),
            ("Tell Priya I called, okay?", "Tell [NAME] I called, okay?"),
            (
                "I'm actually calling for Ms. Nguyen, I'm her daughter.",
                "I'm actually calling for Ms. [NAME], I'm her daughter.",
            ),
            (
                "yes that's clarke with an e.",
                "yes that's [NAME] with an e.",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        let out = conversation(&[
            (Speaker::Agent, "Is that Ian with one n?"),
            (Speaker::Caller, "Yes, Ian, with one n, Ian McTavish."),
        ]);
        assert_eq!(
            out,
            [
                "Is that [NAME] with one n?",
                "Yes, [NAME], with one n, [NAME]."
            ]
        );
        let out = conversation(&[
            (Speaker::Agent, "And your first name?"),
            (Speaker::Caller, "Put me down as J. R. Fitzgerald."),
        ]);
        assert_eq!(out[1], "Put me down as [NAME].");
        // Roles on an account, people the call is for or a thing belongs to, people close by
        // their role.
        for (line, kept) in [
            (
                "The beneficiary is Rosa Delgado.",
                "The beneficiary is [NAME].",
            ),
            (
                "Next of kin: Abdul Rahman bin Yusuf.",
                "Next of kin: [NAME].",
            ),
            (
                "I'm ringing on behalf of Edith Chambers, she's 92.",
                "I'm ringing on behalf of [NAME], she's 92.",
            ),
            (
                "It's registered to Kwame Mensah-Bonsu, my late husband.",
                "It's registered to [NAME], my late husband.",
            ),
            (
                "Please add my son-in-law, Callum Fraser, to the policy.",
                "Please add my son-in-law, [NAME], to the policy.",
            ),
            (
                "My PA, Georgina Hale, handles all of this.",
                "My PA, [NAME], handles all of this.",
            ),
            (
                "Can you send it to Dr. Amelia Kwan at the surgery?",
                "Can you send it to Dr. [NAME] at the surgery?",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        for line in [
            "The beneficiary is the same as before.",
            "It belongs to my husband.",
            "I'm ringing on behalf of my mother.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        // A name read back in a question in lower case.
        assert_eq!(
            redact_line("is your mother's maiden name still brennan?").text,
            "is your mother's maiden name still [NAME]?"
        );
        for line in ["and who's the named driver?", "is your mother still alive?"] {
            assert_eq!(redact_line(line).text, line);
        }
        // An unpunctuated question for who is calling, and a name before why one calls.
        let out = conversation(&[
            (
                Speaker::Agent,
                "thank you for calling northwind bank my name is kelly who do i have the pleasure of speaking with",
            ),
            (Speaker::Caller, "hi kelly yeah this is uh marcus delaney"),
            (Speaker::Agent, "hi marcus how can i help"),
        ]);
        assert_eq!(
            out[1..],
            [
                "hi kelly yeah this is uh [NAME]",
                "hi [NAME] how can i help"
            ]
        );
        let out = conversation(&[
            (Speaker::Agent, "how can i help"),
            (
                Speaker::Caller,
                "yeah hi this is brenda i'm calling because my card got declined",
            ),
        ]);
        assert_eq!(
            out[1],
            "yeah hi this is [NAME] i'm calling because my card got declined"
        );
        for line in [
            "this is ridiculous i just want a refund",
            "this is the accounts department",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        // A first name and a surname before "calling" (2026-12-04, the afternoon: both were
        // shown), and the second of two names answering a question for a name.
        for (line, kept) in [
            (
                "this is grace adeyemi calling for my father",
                "this is [NAME] calling for my father",
            ),
            (
                "hi this is mary adeyemi-clarke calling from leeds",
                "hi this is [NAME] calling from leeds",
            ),
            (
                "this is the billing team calling",
                "this is the billing team calling",
            ),
            (
                "this is my second time calling",
                "this is my second time calling",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        let out = conversation(&[
            (Speaker::Agent, "and the name of the insured?"),
            (Speaker::Caller, "rosalind and peter kirkpatrick."),
        ]);
        assert_eq!(out[1], "[NAME] and [NAME].");
        let out = conversation(&[
            (Speaker::Agent, "and the name of the insured?"),
            (Speaker::Caller, "rosalind and the kids."),
        ]);
        assert_eq!(out[1], "[NAME] and the kids.");
        // Unpunctuated: the question, and a pronoun opening the next clause after "called".
        let out = conversation(&[
            (Speaker::Agent, "and the name of the insured"),
            (Speaker::Caller, "rosalind and peter kirkpatrick"),
        ]);
        assert_eq!(out[1], "[NAME] and [NAME]");
        let out = conversation(&[
            (Speaker::Agent, "who am i speaking with"),
            (Speaker::Caller, "sarah and i'm calling about my card"),
        ]);
        assert_eq!(out[1], "[NAME] and i'm calling about my card");
        // More of a name after commas, and someone met named in apposition (2026-12-04, the
        // afternoon: "Bernie, Costigan" and "Aoife Brennan" were shown).
        for (question, answer, kept) in [
            (
                "Claims line, Jamal speaking. Who's calling?",
                "Hi, it's Bernadette, Bernie, Costigan.",
                "Hi, it's [NAME], [NAME].",
            ),
            (
                "And who's the other driver?",
                "A lady, Aoife Brennan, she gave me her number.",
                "A lady, [NAME], she gave me her number.",
            ),
            (
                "Who's calling?",
                "It's Priya, Manchester branch.",
                "It's [NAME], Manchester branch.",
            ),
            ("Who's calling?", "It's Dave, yes.", "It's [NAME], yes."),
            // A first name and surname before who the caller is to someone, in lower case
            // ("karen pike" was shown); one word there may be a feeling.
            (
                "are you on the account as a power of attorney?",
                "yes, i'm karen pike, her daughter.",
                "yes, i'm [NAME], her daughter.",
            ),
            (
                "are you on the account as a power of attorney?",
                "i'm confused, her son said to call.",
                "i'm confused, her son said to call.",
            ),
            // A question for the full legal name (shown whole before), and a middle initial in
            // lower case ("ashcroft" was shown).
            (
                "I can help you open a checking account. Full legal name?",
                "Bartholomew Q. Ashcroft the third.",
                "[NAME] the third.",
            ),
            (
                "full legal name?",
                "bartholomew q. ashcroft the third.",
                "[NAME] the third.",
            ),
            (
                "full legal name?",
                "sarah j. thanks for asking.",
                "[NAME]. thanks for asking.",
            ),
            (
                "And who's the other driver?",
                "A man, apparently, he drove off.",
                "A man, apparently, he drove off.",
            ),
        ] {
            let out = conversation(&[(Speaker::Agent, question), (Speaker::Caller, answer)]);
            assert_eq!(out[1], kept, "{answer}");
        }
        // A lower-case answer with a relative named in a later clause, and one of four words.
        for (question, answer, kept) in [
            (
                "and the policy holder's name?",
                "dennis okoro, i'm his wife funmi.",
                "[NAME], i'm his wife [NAME].",
            ),
            (
                "and the name as it appears on the card?",
                "nguyễn thị minh khai.",
                "[NAME].",
            ),
            (
                "and the name as it appears on the card?",
                "my wife's name, ingrid.",
                "my wife's name, [NAME].",
            ),
            (
                "and the name as it appears on the card?",
                "it's on the back somewhere.",
                "it's on the back somewhere.",
            ),
        ] {
            let out = conversation(&[(Speaker::Agent, question), (Speaker::Caller, answer)]);
            assert_eq!(out[1], kept, "{answer}");
        }
        assert_eq!(
            redact_line("a young man called theo baptiste his number is 773 555 0199").text,
            "a young man called [NAME] his number is [PHONE]"
        );
        for line in [
            "my son broke his arm",
            "my mum misplaced her purse",
            "my friend called back his number is the same",
            "a woman called earlier she said",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        // The same in lower case, where the name ends its clause.
        for (line, kept) in [
            (
                "the beneficiary is rosa delgado.",
                "the beneficiary is [NAME].",
            ),
            (
                "i'm ringing on behalf of edith chambers, she's 92.",
                "i'm ringing on behalf of [NAME], she's 92.",
            ),
            (
                "a friend of mine, olusegun bello.",
                "a friend of mine, [NAME].",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        let out = conversation(&[
            (Speaker::Agent, "what's his name and date of birth?"),
            (
                Speaker::Caller,
                "oliver james pemberton, 14th of august 2019.",
            ),
        ]);
        assert_eq!(out[1], "[NAME], [DATE_OF_BIRTH].");
        for (line, kept) in [
            (
                "hi im calling about my prescription its under hussain",
                "hi im calling about my prescription its under [NAME]",
            ),
            (
                "my mum gwendolyn also needs her prescription",
                "my mum [NAME] also needs her prescription",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        for line in [
            "its under review at the moment",
            "my husband still works there",
            "the beneficiary is unchanged, thanks.",
            "can i speak to someone in billing?",
            "i'm ringing on behalf of my mother.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        // Negative controls: no one close named, a thing with a letter, a friend in lower case.
        for line in [
            "My friend said you could help.",
            "Tell me what I owe.",
            "The one with a b on it.",
            "I need a form with a signature.",
            "my friend dara said you could help.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
    }

    #[test]
    fn an_address_after_its_cue_in_a_form_the_street_rule_does_not_know_is_redacted() {
        // Shown before: a street named before its number, a street word before its name, a
        // town and state after the street, a rural address, an old address in lower case.
        for (line, kept) in [
            (
                "My address is Hauptstraße 5, 10115 Berlin.",
                "My address is [ADDRESS].",
            ),
            (
                "I moved to 12 rue de la Paix, 75002 Paris last month.",
                "I moved to [ADDRESS] last month.",
            ),
            (
                "I live at 45 Harbour Street, Sydney NSW 2000.",
                "I live at [ADDRESS].",
            ),
            (
                "We're at Lot 12, Rural Route 4, Moose Jaw.",
                "We're at [ADDRESS].",
            ),
            (
                "we're at lot 12, rural route 4, moose jaw.",
                "we're at [ADDRESS].",
            ),
            (
                "my old address was 9 elm grove, leeds, ls6 2ab, but i've moved.",
                "my old address was [ADDRESS], but i've moved.",
            ),
            (
                "I see here you live at 14 Elm Road in Boise, is that right?",
                "I see here you live at [ADDRESS], is that right?",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        // Questions for an address that name no address word, or its Irish postcode; a unit
        // before "at".
        for (question, answer, kept) in [
            ("What's the Eircode?", "D02 X285.", "[ADDRESS]."),
            (
                "Where should the engineer go?",
                "Number 17, the one with the blue door, on Kingfisher Close.",
                "[ADDRESS].",
            ),
            (
                "And the supply address?",
                "Flat 7, Windsor Court, 88 Albert Road, Southsea, PO5 2SH.",
                "[ADDRESS].",
            ),
        ] {
            let out = conversation(&[(Speaker::Agent, question), (Speaker::Caller, answer)]);
            assert_eq!(out[1], kept, "{answer}");
        }
        assert_eq!(
            redact_line("It's apartment 5B at 300 East 57th Street.").text,
            "It's [ADDRESS]."
        );
        // Negative controls: the same cues before no address, before a place alone, before a
        // count, a time or a plan.
        for line in [
            "I moved to London last year.",
            "I moved to Leeds 3 years ago.",
            "We moved to the new plan 2 months ago.",
            "I live at home with my parents.",
            "I'm at 20 percent battery.",
            "We're at 3 cards on the account.",
            "Please send it to my email.",
            "My address is the same as before.",
            "We're at the stage where I want to cancel.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
    }

    #[test]
    fn a_bare_code_a_password_after_a_line_naming_one_and_a_name_under_are_redacted() {
        // Shown before: a code with no word for what it opens; a password in the line after
        // the one that named it, and one joined by hyphens; "under" opening a name answer.
        for (line, kept) in [
            (
                "The code that just came up is 481 920, is that normal?",
                "The code that just came up is [PIN], is that normal?",
            ),
            (
                "I got a text with a code, 5 5 2 9 0 3.",
                "I got a text with a code, [PIN].",
            ),
            ("7734, that's the code.", "[PIN], that's the code."),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        let out = conversation(&[
            (
                Speaker::Agent,
                "Okay I've reset it. Your temporary password is Blue-Falcon-72. You'll be asked to change it.",
            ),
            (
                Speaker::Caller,
                "Got it. Should I use my old one, Summer2024!, again?",
            ),
        ]);
        assert_eq!(
            out,
            [
                "Okay I've reset it. Your temporary password is [PIN]. You'll be asked to change it.",
                "Got it. Should I use my old one, [PIN]!, again?",
            ]
        );
        for (question, answer, kept) in [
            (
                "What's the owner's surname?",
                "Yes, under Abernathy.",
                "Yes, under [NAME].",
            ),
            (
                "who's the account under?",
                "under chukwuemeka okafor.",
                "under [NAME].",
            ),
        ] {
            let out = conversation(&[(Speaker::Agent, question), (Speaker::Caller, answer)]);
            assert_eq!(out[1], kept, "{answer}");
        }
        // Negative controls: codes named as no secret; letters and digits two lines after the
        // password; "under" opening no name.
        for line in [
            "It shows error code 4012 on the screen.",
            "I have a promo code, 2024 something.",
            "The order 5512 is late, no code.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        assert_eq!(
            redact_line("My zip code is 90210.").text,
            "My zip code is [ADDRESS]."
        );
        assert_eq!(
            redact_line("Hi, I'd like to book two nights from the 14th, under Nakashima.").text,
            "Hi, I'd like to book two nights from the 14th, under [NAME]."
        );
        let line = "I'd like to book a room under the stairs.";
        assert_eq!(redact_line(line).text, line);
        let out = conversation(&[
            (Speaker::Agent, "I've reset your password."),
            (Speaker::Caller, "Thanks."),
            (Speaker::Agent, "Your Galaxy S23 should sync now."),
        ]);
        assert_eq!(out[2], "Your Galaxy S23 should sync now.");
        for (question, answer) in [
            ("Who's the account under?", "Under review, I think."),
            ("who's the account under?", "under my husband, i think."),
            ("Where did you park?", "Under Main Street bridge."),
        ] {
            let out = conversation(&[(Speaker::Agent, question), (Speaker::Caller, answer)]);
            assert_eq!(out[1], answer);
        }
    }

    #[test]
    fn in_lower_case_a_name_after_a_dotted_title_or_name_is_and_a_first_name_are_redacted() {
        // Shown before: a title's full stop stood between it and the name; "her name is" in the
        // answer to a question for a name took only a name that ended the line; the first name
        // before a surname heard earlier was matched capitalised only.
        let out = conversation(&[
            (Speaker::Agent, "can i take your name?"),
            (Speaker::Caller, "mrs. patricia ann whitlock."),
            (Speaker::Agent, "thank you patricia."),
        ]);
        assert_eq!(out[1..], ["mrs. [NAME].", "thank you [NAME]."]);
        let out = conversation(&[
            (
                Speaker::Agent,
                "can i get the patient's full name and date of birth?",
            ),
            (
                Speaker::Caller,
                "her name is amara okonkwo-reyes, born the third of march, twenty fifteen.",
            ),
        ]);
        assert_eq!(out[1], "her name is [NAME], born the [DATE_OF_BIRTH].");
        let out = conversation(&[
            (Speaker::Agent, "hi, is that mr. nakamura?"),
            (Speaker::Caller, "yes, kenji nakamura."),
            (Speaker::Agent, "i called dr. nakamura's office about it."),
        ]);
        assert_eq!(
            out,
            [
                "hi, is that mr. [NAME]?",
                "yes, [NAME].",
                "i called dr. [NAME] office about it.",
            ]
        );
        // A contraction written with no apostrophe ends the name; a street read back in lower
        // case while it is being said.
        assert_eq!(
            redact_line("okay mr delaney ive blocked the card").text,
            "okay mr [NAME] ive blocked the card"
        );
        let mut r = Redactor::new();
        let shown = r
            .preview(
                Speaker::Agent,
                "and the address on file is that still twenty two west el",
            )
            .text;
        assert!(
            shown.starts_with("and the address on file is that still [") && !shown.contains("west"),
            "{shown}"
        );
        // Negative control: no address named, the street's words stay (the number still being
        // said is hidden as any is).
        assert!(r
            .preview(Speaker::Agent, "is that still twenty two west el")
            .text
            .ends_with(" west el"));
        // Negative controls: a title as a role after a determiner or before a farewell, no
        // name after "her name is"; a word that is no first name before the heard surname.
        for line in [
            "i saw the doctor yesterday.",
            "i have to see the dr tomorrow.",
            "thanks dr. see you then.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        let out = conversation(&[
            (Speaker::Agent, "can i take your name?"),
            (Speaker::Caller, "her name is on the account, yes."),
        ]);
        assert_eq!(out[1], "her name is on the account, yes.");
        let out = conversation(&[
            (Speaker::Agent, "is that mr. nakamura?"),
            (Speaker::Caller, "no, my son nakamura. i called nakamura."),
        ]);
        assert_eq!(out[1], "no, my son [NAME]. i called [NAME].");
    }

    #[test]
    fn a_lower_case_name_before_more_of_the_answer_and_a_name_asked_by_role_are_redacted() {
        // Shown before: the answer in lower case went on past the name; the question named
        // whose name by their role.
        let out = conversation(&[
            (Speaker::Agent, "who am i speaking to"),
            (Speaker::Caller, "gary lineker no joke"),
            (Speaker::Agent, "ha okay gary"),
        ]);
        assert_eq!(out[1..], ["[NAME] no joke", "ha okay [NAME]"]);
        let out = conversation(&[
            (Speaker::Agent, "Who am I speaking to?"),
            (Speaker::Caller, "yeah it's sam i need to change my address"),
        ]);
        assert_eq!(out[1], "yeah it's [NAME] i need to change my address");
        let out = conversation(&[
            (Speaker::Agent, "Can I take your full name?"),
            (Speaker::Caller, "john smith please"),
        ]);
        assert_eq!(out[1], "[NAME] please");
        let out = conversation(&[
            (Speaker::Agent, "And the lead passenger's name?"),
            (Speaker::Caller, "Ramona Castellanos."),
        ]);
        assert_eq!(out[1], "[NAME].");
        // Negative controls: what opens the answer is no greeting ("to", "I"), or it is no
        // name at all; a role's name asked in a statement.
        for answer in [
            "just calling to check my balance",
            "Um, I, I think it's on the account.",
            "fine thanks",
            "sorry what was that",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "who am i speaking to"),
                (Speaker::Caller, answer),
            ]);
            assert_eq!(out[1], answer);
        }
        let out = conversation(&[
            (Speaker::Agent, "I'll note the lead passenger's name."),
            (Speaker::Caller, "Great Scott."),
        ]);
        assert_eq!(out[1], "Great Scott.");
    }

    #[test]
    fn a_name_asked_for_with_no_punctuation_and_a_name_being_said_again_in_a_partial() {
        // Shown before: ASR wrote the question with no question mark.
        let out = conversation(&[
            (Speaker::Agent, "and the account holder"),
            (Speaker::Caller, "just me, kieran walsh"),
        ]);
        assert_eq!(out[1], "just me, [NAME]");
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "who's calling please");
        assert_eq!(r.preview(Speaker::Caller, "gary lin").text, "[NAME]");
        r.push(Speaker::Caller, "gary lineker no joke");
        // The heard name cut off in a partial, three letters on.
        assert_eq!(
            r.preview(Speaker::Agent, "ha okay gar").text,
            "ha okay [NAME]"
        );
        // Negative controls: two letters, a word that begins no heard name, a word that is no
        // name; a statement with punctuation asks nothing; a greeting is no name.
        assert_eq!(r.preview(Speaker::Agent, "ha okay ga").text, "ha okay ga");
        assert_eq!(r.preview(Speaker::Agent, "ha okay gre").text, "ha okay gre");
        let mut r = Redactor::new();
        r.push(Speaker::Caller, "My name is Andrew Lee.");
        assert_eq!(r.preview(Speaker::Agent, "Thanks and").text, "Thanks and");
        assert_eq!(
            r.preview(Speaker::Agent, "Thanks Andr").text,
            "Thanks [NAME]"
        );
        // Two letters capitalised (since 2026-12-04), but not a word of two letters.
        assert_eq!(r.preview(Speaker::Agent, "Thanks An").text, "Thanks An");
        let mut r = Redactor::new();
        r.push(Speaker::Caller, "My name is Priya Shah.");
        assert_eq!(r.preview(Speaker::Agent, "Thanks Pr").text, "Thanks [NAME]");
        let out = conversation(&[
            (Speaker::Agent, "The account holder will need to call us."),
            (Speaker::Caller, "okay i'll tell them"),
        ]);
        assert_eq!(out[1], "okay i'll tell them");
        let out = conversation(&[
            (Speaker::Agent, "What's your name?"),
            (Speaker::Caller, "Yeah, hiya, it's Shauna."),
        ]);
        assert_eq!(out[1], "Yeah, hiya, it's [NAME].");
    }

    #[test]
    fn a_medicare_number_my_names_and_an_email_local_part_set_between_commas_are_redacted() {
        // Shown before: an ID cue of US health insurance, "my name's" without its apostrophe,
        // an e-mail's local part said alone between commas.
        let out = conversation(&[
            (Speaker::Agent, "Can I get your Medicare number?"),
            (Speaker::Caller, "Sure, 1EG4-TE5-MK73."),
        ]);
        assert_eq!(out[1], "Sure, [NUMBER].");
        // After its cue on the line, every group joined by a hyphen ("-TE5-MK73" was shown);
        // a hyphen set apart by spaces joins nothing.
        assert_eq!(
            redact_line("My Medicare number is 1EG4-TE5-MK73.").text,
            "My Medicare number is [NUMBER]."
        );
        assert_eq!(
            redact_line("My Medicare number is 1EG4 - TE5 I think.").text,
            "My Medicare number is [NUMBER] - TE5 I think."
        );
        let out = conversation(&[
            (
                Speaker::Caller,
                "hi my names jo bloggs i'm calling about a payment",
            ),
            (Speaker::Agent, "thanks jo"),
        ]);
        assert_eq!(
            out,
            [
                "hi my names [NAME] i'm calling about a payment",
                "thanks [NAME]"
            ]
        );
        let out = conversation(&[
            (Speaker::Agent, "Lovely. And a backup email?"),
            (Speaker::Caller, "It is all one word, johnsmith, at gmail."),
        ]);
        assert_eq!(out[1], "It is all one word, [EMAIL].");
        // Negative controls: a word of how it is written before the comma, a place that is no
        // mail service, a plan's name that is no ID.
        let out = conversation(&[
            (Speaker::Agent, "Lovely. And a backup email?"),
            (Speaker::Caller, "It's all one word, no dots, at gmail."),
        ]);
        assert_eq!(out[1], "It's all one word, no dots, at gmail.");
        let out = conversation(&[
            (Speaker::Agent, "Lovely. And a backup email?"),
            (Speaker::Caller, "Hang on, sorry, at work."),
        ]);
        assert_eq!(out[1], "Hang on, sorry, at work.");
        let out = conversation(&[
            (Speaker::Agent, "Is it a Medicare plan?"),
            (Speaker::Caller, "Yes, Medicare Advantage with Humana."),
        ]);
        assert_eq!(out[1], "Yes, Medicare Advantage with Humana.");
    }

    #[test]
    fn a_partial_cut_off_in_a_mail_services_name_and_a_heard_name_joined_by_a_hyphen() {
        // Shown before: the local part on screen until the domain was said in full; the other
        // half of a double-barrelled name.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "And a backup email?");
        assert_eq!(
            r.preview(Speaker::Caller, "It's all one word, johnsmith, at gm")
                .text,
            "It's all [NUMBER] word, [EMAIL]"
        );
        // Negative controls: a pronoun and a place, a word of a place.
        assert_eq!(r.preview(Speaker::Caller, "I'm at ho").text, "I'm at ho");
        assert_eq!(
            r.preview(Speaker::Caller, "staying at the ho").text,
            "staying at the ho"
        );
        let out = conversation(&[
            (Speaker::Agent, "And the first name?"),
            (Speaker::Caller, "Kate with a K."),
            (
                Speaker::Caller,
                "Double-barrelled first name actually, Mary-Kate.",
            ),
        ]);
        assert_eq!(
            out[1..],
            [
                "[NAME] with a K.",
                "Double-barrelled first name actually, [NAME]."
            ]
        );
    }

    #[test]
    fn a_name_past_a_filler_a_changed_name_and_a_relatives_name_in_a_partial_are_redacted() {
        // Shown before: a filler between the cue and the name, a name's change, "only me"
        // before the name, a relative's name in lower case before its verb was heard.
        let out = conversation(&[
            (Speaker::Agent, "Is it still the same first name?"),
            (
                Speaker::Caller,
                "First name still Anjali, surname changed to Brooks.",
            ),
        ]);
        assert_eq!(
            out[1],
            "First name still [NAME], surname changed to [NAME]."
        );
        let out = conversation(&[
            (Speaker::Agent, "Who's calling?"),
            (Speaker::Caller, "Yeah, hi, it's only me, Bernadette."),
        ]);
        assert_eq!(out[1], "Yeah, hi, it's only me, [NAME].");
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(Speaker::Caller, "my husband mark").text,
            "my husband [NAME]"
        );
        // "sa" may be "said" or a surname begun: hidden with the name (since 2026-12-03).
        assert_eq!(
            r.preview(Speaker::Caller, "my husband mark sa").text,
            "my husband [NAME]"
        );
        assert_eq!(
            r.preview(Speaker::Caller, "my husband mark said").text,
            "my husband [NAME] said"
        );
        // Negative controls: a change that is no name's, a word of how or when after a
        // relative, a relative's thing, a day.
        assert_eq!(
            redact_line("We changed to monthly billing.").text,
            "We changed to monthly billing."
        );
        assert_eq!(
            r.preview(Speaker::Caller, "my husband always sa").text,
            "my husband always sa"
        );
        assert_eq!(
            r.preview(Speaker::Caller, "my son's car").text,
            "my son's car"
        );
        let out = conversation(&[
            (Speaker::Agent, "What day suits?"),
            (Speaker::Caller, "It's actually Tuesday."),
        ]);
        assert_eq!(out[1], "It's actually Tuesday.");
    }

    #[test]
    fn a_two_digit_year_after_the_month_and_a_holiday_before_the_year_are_part_of_a_date_of_birth()
    {
        // Shown before: "So that's the [DATE_OF_BIRTH] 85?"
        let out = conversation(&[
            (Speaker::Agent, "Can you confirm your date of birth?"),
            (Speaker::Caller, "03/04/1985."),
            (Speaker::Agent, "So that's the 3rd of April 85?"),
        ]);
        assert_eq!(out[2], "So that's the [DATE_OF_BIRTH]?");
        // A day named by its holiday.
        let out = conversation(&[
            (Speaker::Agent, "And your birthday?"),
            (Speaker::Caller, "Christmas Day, 1980."),
        ]);
        assert_eq!(out[1], "[DATE_OF_BIRTH].");
        assert_eq!(
            redact_line("We met on Christmas Day, 1980 was a good year.").text,
            "We met on Christmas Day, 1980 was a good year."
        );
        // Negative control: a number after a month that is no date of birth.
        assert_eq!(
            redact_line("We had 3 calls in April 85 of them about fees.").text,
            "We had 3 calls in April 85 of them about fees."
        );
    }

    #[test]
    fn a_name_ending_in_a_short_word_and_a_street_asked_for_alone_are_redacted() {
        // Shown before: "[NAME] An."; a foreign street and town answering "And the street?".
        let out = conversation(&[
            (Speaker::Agent, "Can I take your full name?"),
            (Speaker::Caller, "Nguyễn Văn An."),
        ]);
        assert_eq!(out[1], "[NAME].");
        let out = conversation(&[
            (Speaker::Agent, "And the street?"),
            (Speaker::Caller, "Calle Mayor, Madrid."),
        ]);
        assert_eq!(out[1], "[ADDRESS].");
        // Negative controls: "I" after a name, a short word that does not end the sentence,
        // a street asked about in passing with no answer in it.
        assert_eq!(
            redact_line("Hi, this is Sam I think.").text,
            "Hi, this is [NAME] I think."
        );
        assert_eq!(
            redact_line("My name is Sam An hour ago I called.").text,
            "My name is [NAME] An hour ago I called."
        );
        let out = conversation(&[
            (Speaker::Agent, "And the street?"),
            (Speaker::Caller, "Sorry, I don't know it."),
        ]);
        assert_eq!(out[1], "Sorry, I don't know it.");
    }

    #[test]
    fn a_partial_shows_no_part_of_a_value_its_final_hides() {
        // Each was shown in a partial while its final line hid it (found by giving every final
        // line of the probe calls as partials first, a word and half a word at a time).
        // An e-mail asked for, before its "at".
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Email?");
        assert_eq!(
            r.preview(Speaker::Caller, "Sarah underscore Jo").text,
            "[EMAIL]"
        );
        // Negative controls: a sentence, an answer about it.
        for kept in [
            "I work part-time at",
            "Yes, it'll go to",
            "It's the same as before",
        ] {
            assert_eq!(r.preview(Speaker::Caller, kept).text, kept);
        }
        // A written address named on the line.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(Speaker::Agent, "And your email, still marcus.bell")
                .text,
            "And your email, still [EMAIL]"
        );
        assert_eq!(
            r.preview(Speaker::Agent, "And your plan, still U.S.").text,
            "And your plan, still U.S."
        );
        // A date of birth expected, before it is whole; asked back before its question mark.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "ha okay gary and your date of birth");
        assert_eq!(
            r.preview(Speaker::Caller, "thirtieth of nove").text,
            "[DATE_OF_BIRTH]"
        );
        assert_eq!(
            r.preview(Speaker::Caller, "why do you need").text,
            "why do you need"
        );
        r.push(Speaker::Caller, "Yeah, three four eighty five.");
        assert_eq!(
            r.preview(Speaker::Agent, "Sorry, March").text,
            "Sorry, [DATE_OF_BIRTH]"
        );
        // Words in lower case after a relative and a comma, their clause not ended yet
        // (2026-12-04, the afternoon: "elijah james" was shown until the final).
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(Speaker::Caller, "my son, elijah james car").text,
            "my son, [NAME]"
        );
        assert_eq!(
            r.preview(Speaker::Caller, "my son, he said").text,
            "my son, he said"
        );
        // A name and a date of birth on a line still held back (it ends in a number).
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Hi, this is Kim.");
        r.push(Speaker::Caller, "Hi Kim, it's Marcus Bell, policy 448 2091");
        assert_eq!(
            r.preview(Speaker::Agent, "Thanks Marcus").text,
            "Thanks [NAME]"
        );
        // The same in lower case, and a name of two letters (2026-12-04, the afternoon: "jo"
        // was shown until the final).
        let mut r = Redactor::new();
        r.push(
            Speaker::Caller,
            "hi my name is jo ng and my account number is one two three four",
        );
        assert_eq!(
            r.preview(Speaker::Agent, "thanks jo,").text,
            "thanks [NAME],"
        );
        // Negative control: nothing held, a lower-case word is no name.
        let mut r = Redactor::new();
        r.push(Speaker::Caller, "hi i want to close my account");
        assert_eq!(r.preview(Speaker::Agent, "thanks jo,").text, "thanks jo,");
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "And your date of birth?");
        r.push(Speaker::Caller, "Fourth of April, eighty nine");
        assert_eq!(
            r.preview(Speaker::Agent, "Great, so the fourth of April")
                .text,
            "Great, so the [DATE_OF_BIRTH]"
        );
        // A name said twice in the partial.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(Speaker::Caller, "Oh and my wife's name is Maria, Maria Lop")
                .text,
            "Oh and my wife's name is [NAME], [NAME]"
        );
        // A street, a unit and the rest of an address, an IBAN, a name in lower case after
        // "this is", each still being said.
        for (partial, shown) in [
            (
                "And are you still at 8 Canal Wha",
                "And are you still at [ADDRESS]",
            ),
            ("Ten Downing Str", "[ADDRESS]"),
            ("My new place is 221 East 14th", "My new place is [ADDRESS]"),
            (
                "that's Unit 12, Brookfield Business Park, Leeds, LS11 5Q",
                "that's [ADDRESS]",
            ),
            (
                "Please send it to Apartment 4B, 310 West 55th Street, New York, New York 100",
                "Please send it to [ADDRESS]",
            ),
            ("GB29 NWBK 6016", "[IBAN]"),
            ("hi this is jennifer cal", "hi this is [NAME] cal"),
            ("j underscore smith 99 at hot", "[EMAIL]"),
            ("Email john.smith+ban", "Email [EMAIL]"),
            (
                "So that's the card ending 0366, expiring September",
                "So that's the card ending [CREDIT_DEBIT_NUMBER], expiring [CREDIT_DEBIT_EXPIRY]",
            ),
            ("DOB December", "DOB [DATE_OF_BIRTH]"),
            ("it's 12 mill lane, ashford, tn", "it's [ADDRESS]"),
            ("seven two two ei", "[NUMBER] [NUMBER]"),
            // A digit's word said whole, with its space after it, and one letter after it.
            ("four four oh ", "[NUMBER] "),
            ("four four oh s", "[NUMBER]"),
            ("four four double ", "[NUMBER] [NUMBER] "),
            ("Send it to olga dot sch", "Send it to [EMAIL]"),
            ("Please refund to DE", "Please refund to [IBAN]"),
            (
                "You can email me at jane under",
                "You can email me at [EMAIL]",
            ),
            (
                "yes we've moved to 3 the paddocks, lit",
                "yes we've moved to [ADDRESS]",
            ),
            // Negative controls: a time, a month, a count said in lower case, a unit that is
            // no address, a flight, "this is" before a word that is no name.
            ("I'll call at 5 PM", "I'll call at [NUMBER] PM"),
            ("It was on 3 March", "It was on [NUMBER] March"),
            ("I have 3 cards", "I have [NUMBER] cards"),
            (
                "the unit 4 was fine, thanks",
                "the unit [NUMBER] was fine, thanks",
            ),
            // (The partial hides the letters glued to its digits too: a screen-only mask.)
            ("Flight UA22 was late", "Flight [NUMBER] was late"),
            ("hi this is about my bill", "hi this is about my bill"),
            ("send it to my home address", "send it to my home address"),
            ("i paid for", "i paid for"),
            ("oh ", "oh "),
            ("Oh, I see", "Oh, I see"),
        ] {
            let mut r = Redactor::new();
            assert_eq!(r.preview(Speaker::Caller, partial).text, shown, "{partial}");
        }
    }

    #[test]
    fn a_secret_after_a_first_sentence_of_the_answer_is_redacted() {
        // Shown before: the answer to the request opened with another sentence.
        let out = conversation(&[
            (Speaker::Agent, "And your pin, I'll need you to key it in."),
            (
                Speaker::Caller,
                "Okay, done. Actually it's 8 8 2 0 if that helps.",
            ),
        ]);
        assert_eq!(out[1], "Okay, done. Actually it's [PIN] if that helps.");
        // Negative control: a number well into the answer's last sentence is not the answer.
        let out = conversation(&[
            (Speaker::Agent, "And your pin, I'll need you to key it in."),
            (
                Speaker::Caller,
                "Okay, done. I have been waiting here since about 2015 for this.",
            ),
        ]);
        assert_eq!(
            out[1],
            "Okay, done. I have been waiting here since about 2015 for this."
        );
    }

    #[test]
    fn a_frequent_flyer_number_answered_whole_is_redacted_letters_and_all() {
        let out = conversation(&[
            (Speaker::Agent, "And your frequent flyer number?"),
            (Speaker::Caller, "SW 4481 2290."),
        ]);
        assert_eq!(out[1], "[NUMBER].");
        // Negative control: a flight is no ID of the caller's.
        let out = conversation(&[
            (Speaker::Agent, "And which flight was it?"),
            (Speaker::Caller, "It was SW 4481 from Leeds on Monday."),
        ]);
        assert_eq!(out[1], "It was SW 4481 from Leeds on Monday.");
    }

    #[test]
    fn a_postcodes_second_half_on_the_next_line_is_the_address() {
        // Shown before: the postcode's second half after the agent's question back.
        let out = conversation(&[
            (Speaker::Agent, "and your postcode"),
            (Speaker::Caller, "b three one"),
            (Speaker::Agent, "sorry b three"),
            (Speaker::Caller, "one two a b"),
        ]);
        assert_eq!(out[3], "[ADDRESS]");
        // Negative controls: a count after an address, and letters and numbers from a caller
        // who gave no address.
        let out = conversation(&[
            (Speaker::Agent, "address?"),
            (Speaker::Caller, "42 Elm Street."),
            (Speaker::Agent, "Thanks, and how many people live there?"),
            (Speaker::Caller, "Two."),
        ]);
        assert_eq!(out[3], "Two.");
        let out = conversation(&[
            (Speaker::Agent, "Which plan are you on?"),
            (Speaker::Caller, "plan b two"),
        ]);
        assert_eq!(out[1], "plan b two");
    }

    #[test]
    fn exp_before_a_date_is_an_expiry() {
        // Typed a CVV before (only the full words cued an expiry).
        let out = redact_line("The card is 4111-1111-1111-1111, exp 12/27, CVC 123.");
        assert_eq!(
            out.text,
            "The card is [CREDIT_DEBIT_NUMBER], exp [CREDIT_DEBIT_EXPIRY], CVC [CREDIT_DEBIT_CVV]."
        );
    }

    #[test]
    fn what_is_left_of_a_misheard_secret_is_redacted() {
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "And the three digit security code on the back?",
        );
        let mut out = r.push(Speaker::Caller, "It is 7th read iron.");
        out.extend(r.finish());
        assert!(
            !out.last().unwrap().text.contains('7'),
            "{}",
            out.last().unwrap().text
        );
        // Counts and amounts next to the same cue are kept.
        let out = redact_line("the security code has 3 digits");
        assert!(out.text.contains('3'), "{}", out.text);
    }

    #[test]
    fn the_remains_of_a_misheard_phone_number_are_redacted_but_a_spent_cue_frees_the_next_line() {
        // As tiny.en heard "four one five, five five five, zero one three two" on 8 kHz µ-law:
        // no run long enough for a phone number, and five of its digits on screen.
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "Is there anything else I can help you with today?",
        );
        let mut out = r.push(
            Speaker::Caller,
            "Yes, can you update my phone number? It is 4-1 time. Time, time, time. Nero 1-3-2.",
        );
        out.extend(r.finish());
        assert_phone_without_digits(out.last().unwrap());
        // The agent asked; the answer's three heard digits are what is left of the number.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "What is your mobile number?");
        let mut out = r.push(Speaker::Caller, "It is 4 1 5 and then, um, 1 3 2.");
        out.extend(r.finish());
        let caller = out.last().unwrap();
        assert!(
            !caller.text.chars().any(|c| c.is_ascii_digit()),
            "{}",
            caller.text
        );
        // Negative controls: the number was given in full, so the next line's menu option and
        // product model are not its remains; and a line without a cue keeps its digits.
        let texts = conversation(&[
            (Speaker::Caller, "The zip code is four nine eight five two."),
            (Speaker::Caller, "Please press 7 for billing."),
            (Speaker::Caller, "I have the iPhone 12 Pro."),
            (Speaker::Agent, "Thanks."),
        ]);
        assert!(
            texts.iter().any(|t| t == "Please press 7 for billing."),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t == "I have the iPhone 12 Pro."),
            "{texts:?}"
        );
        assert!(!texts[0].contains("4"), "the zip code itself: {texts:?}");
        assert_eq!(
            redact_line("We open at 9 and we shut at 5.").text,
            "We open at 9 and we shut at 5."
        );
    }

    #[test]
    fn the_remains_of_a_misheard_number_written_as_a_date_are_redacted() {
        // As base heard "four one five, five five five, zero one three two" (espeak, 8 kHz
        // µ-law): the rest of the number written with slashes, like a date.
        for line in [
            "Yes, can you also update my phone number? It is four one five, time, time, time, time, Nero 1/3/2.",
            "My phone number is 415, time, time, Nero 13/2.",
        ] {
            let mut r = Redactor::new();
            let mut out = r.push(Speaker::Caller, line);
            out.extend(r.finish());
            assert_phone_without_digits(out.last().unwrap());
        }
        // Negative controls: a date with no secret asked for, and one after the number was
        // given in full on an earlier line, stay dates.
        assert_eq!(
            redact_line("I called on 3/15 about it.").text,
            "I called on 3/15 about it."
        );
        let texts = conversation(&[
            (Speaker::Agent, "What is your phone number?"),
            (Speaker::Caller, "It is 415 555 0132."),
            (Speaker::Caller, "I called on 3/15 about it."),
            (Speaker::Agent, "Thanks."),
        ]);
        assert!(
            texts.iter().any(|t| t == "I called on 3/15 about it."),
            "{texts:?}"
        );
        assert!(!texts.iter().any(|t| t.contains("0132")), "{texts:?}");
    }

    #[test]
    fn my_number_is_a_phone_number_cue() {
        // The number in pieces, none long enough alone, after "my number" without "phone".
        for line in [
            "My number is 415 555 and then 0132.",
            "Sure, my number is four one five, five five five and the rest is 0132.",
        ] {
            assert_phone_without_digits(&redact_line(line));
        }
        // Negative controls: a number named as something else, or a count, keeps its digits.
        // ("My number of complaints is 3" would lose its 3: failing closed, the cue is taken.)
        for line in [
            "My order number is 4521 and it shipped on Monday.",
            "I called your number 3 times yesterday.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
    }

    #[test]
    fn known_names_are_redacted_anywhere() {
        let mut r = Redactor::new().with_known_names(&["Okafor", "Grace Okafor"]);
        let mut out = r.push(
            Speaker::Agent,
            "Thanks Grace Okafor, and is okafor spelled with a k?",
        );
        out.extend(r.finish());
        assert_eq!(
            out[0].text,
            "Thanks [NAME], and is [NAME] spelled with a k?"
        );
    }

    #[test]
    fn an_oh_glued_by_hyphens_or_between_commas_is_a_zero_of_its_number() {
        use Speaker::{Agent, Caller};
        let answer = |question: &str, line: &str| {
            conversation(&[(Agent, question), (Caller, line)])[1].clone()
        };
        // Each showed "oh" (a digit) and, for the first two, the digits before it.
        assert_eq!(answer("Your extension?", "Two-oh-one-five."), "[NUMBER].");
        assert_eq!(
            answer("And the CVV?", "Oh-four-two."),
            "[CREDIT_DEBIT_CVV]."
        );
        assert_eq!(
            answer("And the CVV?", "Nine, oh, seven."),
            "[CREDIT_DEBIT_CVV]."
        );
        assert_eq!(
            answer("The billing zip?", "It's one-oh-seven."),
            "It's [ADDRESS]."
        );
        // Negative controls: "oh" as an interjection keeps its word and takes no digit into
        // the card number (which stays a valid card number).
        assert_eq!(
            answer("Card number?", "Oh, 4532 0151 1283 0366."),
            "Oh, [CREDIT_DEBIT_NUMBER]."
        );
        assert_eq!(
            answer("How are you?", "Oh - I'm fine, thanks."),
            "Oh - I'm fine, thanks."
        );
    }

    #[test]
    fn the_town_between_a_street_and_its_postcode_is_part_of_the_address() {
        let said = |line: &str| {
            conversation(&[
                (Speaker::Agent, "Where should the new card go?"),
                (Speaker::Caller, line),
            ])[1]
                .clone()
        };
        // "Leeds" was shown between two redacted parts.
        assert_eq!(
            said("Please send it to 47 Kingsley Road, Leeds, LS6 1AB."),
            "Please send it to [ADDRESS]."
        );
        assert_eq!(
            said("Flat two, 9 Mill Lane, Kirkby Lonsdale, LA6 2AT, thanks."),
            "[ADDRESS], thanks."
        );
        // Negative controls: words that are not a town between two addresses, a town with no
        // postcode after it.
        assert_eq!(
            said("Not 12 Orchard Close, my mum lives at 14 Orchard Close."),
            "Not [ADDRESS], my mum lives at [ADDRESS]."
        );
        assert_eq!(
            said("Send it to 12 Orchard Close. Leeds is lovely."),
            "Send it to [ADDRESS]. Leeds is lovely."
        );
        assert_eq!(
            said("Send it to 47 Grey Street, Newcastle upon Tyne, NE1 6EE."),
            "Send it to [ADDRESS]."
        );
    }

    #[test]
    fn a_spoken_email_with_a_two_word_domain_or_a_number_in_words_and_said_again() {
        use Speaker::{Agent, Caller};
        // Shown whole before: "proton mail" is two words, "eighty eight" a number in words.
        assert_eq!(
            conversation(&[
                (Agent, "Email?"),
                (Caller, "Uh, k dot wong eighty eight at proton mail dot me."),
            ])[1],
            "Uh, [EMAIL]."
        );
        // The local part spelled out again was shown; the agent's question is no part of the
        // address (its value took the question's last words).
        let out = conversation(&[
            (Agent, "What's your email address?"),
            (Caller, "It's tom hyphen baker at btinternet dot com."),
            (Agent, "Could you repeat the first part? So tom dot baker?"),
            (Caller, "Tom, hyphen, baker."),
            // Negative controls: one of its words alone, in a sentence (as a name, a name).
            (Caller, "Tom is my husband's name too, the baker."),
        ]);
        assert_eq!(
            out,
            [
                "What's your email address?",
                "It's [EMAIL].",
                "Could you repeat the first part? So [EMAIL]?",
                "[EMAIL].",
                "[NAME] is my husband's name too, the baker.",
            ]
        );
        // And in a new conversation, nothing is remembered.
        assert_eq!(
            conversation(&[(Caller, "Tom, hyphen, baker.")])[0],
            "Tom, hyphen, baker."
        );
    }

    #[test]
    fn a_card_numbers_groups_said_apart_are_redacted_and_the_numbers_beside_them_are_not() {
        use Speaker::{Agent, Caller};
        // Shown before: the groups past the question's reach ("three six seven four", "one one
        // two two"), on the line and on the caller's next one.
        assert_eq!(
            conversation(&[
                (Agent, "Can I take the card number?"),
                (
                    Caller,
                    "Yeah so it's a Visa, um, it starts four nine one seven, then, uh, hang on, \
                     five five two one, oh sorry my glasses, three six seven four, and the last \
                     four are one one two two."
                ),
            ])[1],
            "Yeah so it's a Visa, um, it starts [CREDIT_DEBIT_NUMBER], then, uh, hang on, \
             [CREDIT_DEBIT_NUMBER], oh sorry my glasses, [CREDIT_DEBIT_NUMBER], and the last \
             four are [CREDIT_DEBIT_NUMBER]."
        );
        assert_eq!(
            conversation(&[
                (Agent, "Card number please."),
                (Caller, "Four nine one seven, five five two one."),
                (Agent, "Okay, go on."),
                (
                    Caller,
                    "Then it's three six seven four, and the last ones are one one two two."
                ),
            ])[3],
            "Then it's [CREDIT_DEBIT_NUMBER], and the last ones are [CREDIT_DEBIT_NUMBER]."
        );
        // Negative controls: an amount, a count and a reference beside the groups; numbers
        // another cue classifies; numbers after a whole card number; numbers on a line after
        // the caller's line without a group; the agent's numbers.
        assert_eq!(
            conversation(&[
                (Agent, "Card number please."),
                (
                    Caller,
                    "Four nine one seven five five two one, hold on, let me find my glasses, \
                     okay, three six seven four one one two two, and I'd like to pay 250 \
                     dollars, for 2 invoices, reference 4471."
                ),
            ])[1],
            "[CREDIT_DEBIT_NUMBER], hold on, let me find my glasses, okay, \
             [CREDIT_DEBIT_NUMBER], and I'd like to pay 250 dollars, for 2 invoices, \
             reference 4471."
        );
        let out = conversation(&[
            (Agent, "Card number please."),
            (Caller, "Four nine one seven, five five two one."),
            (Agent, "Okay."),
            (Caller, "I'm 45 years old if that matters, my zip is 90210."),
            (Caller, "And I called 3 times about order 5521."),
        ]);
        assert_eq!(
            out[3],
            "I'm 45 years old if that matters, my zip is [ADDRESS]."
        );
        assert_eq!(out[4], "And I called 3 times about order 5521.");
        let out = conversation(&[
            (Agent, "Card number please."),
            (Caller, "4917 5521 3674 1122."),
            (Agent, "Thanks. Your balance is 36 74."),
            (Caller, "I have 36 74 in the other account."),
        ]);
        assert_eq!(out[2], "Thanks. Your balance is 36 74.");
        assert_eq!(out[3], "I have 36 74 in the other account.");
        // A count after the card's last four (a plural noun after it), on the agent's line.
        assert_eq!(
            redact_line("I can see the card ending 0366 and 12 transactions this month.").text,
            "I can see the card ending [CREDIT_DEBIT_NUMBER] and 12 transactions this month."
        );
    }

    #[test]
    fn a_values_last_group_after_and_then_is_part_of_it() {
        use Speaker::{Agent, Caller};
        // Shown before: "nine three", the account number's last two digits.
        for (question, answer, redacted) in [
            (
                "Can I get the account number?",
                "Okay it's zero zero four five, um, one two seven eight, and then nine three.",
                "Okay it's [BANK_ACCOUNT_NUMBER], and then [BANK_ACCOUNT_NUMBER].",
            ),
            (
                "Your phone?",
                "415 555 0132 and then 22 is my extension.",
                "[PHONE] and then [PHONE] is my extension.",
            ),
            // Negative controls: a count, an amount of time, and a number with a cue of its own.
            (
                "Account number?",
                "It's 00451278, and that's 2 accounts.",
                "It's [BANK_ACCOUNT_NUMBER], and that's 2 accounts.",
            ),
            (
                "Your phone?",
                "415 555 0132 and 45 minutes ago I called.",
                "[PHONE] and 45 minutes ago I called.",
            ),
            (
                "Account number?",
                "It's 00451278 and then my zip is 90210.",
                "It's [BANK_ACCOUNT_NUMBER] and then my zip is [ADDRESS].",
            ),
        ] {
            assert_eq!(
                conversation(&[(Agent, question), (Caller, answer)])[1],
                redacted,
                "{answer}"
            );
        }
    }

    #[test]
    fn a_spoken_email_with_commas_between_its_parts_is_redacted_whole() {
        use Speaker::{Agent, Caller};
        // Shown before: "Jessica" and "dot Lee, at icloud dot com" around the spelling.
        for (answer, redacted) in [
            (
                "It's Jessica, J E S S I C A, dot Lee, at icloud dot com.",
                "It's [EMAIL].",
            ),
            (
                "Sure, it's mark, dot, evans, at yahoo dot co dot uk.",
                "Sure, it's [EMAIL].",
            ),
            ("j e s s i c a dot lee at icloud dot com", "[EMAIL]"),
            // Negative controls: places said with commas, and a description of an address.
            ("I'm at home, at the moment.", "I'm at home, at the moment."),
            (
                "It's my first name and last name, no dots, at hotmail.",
                "It's my first name and last name, no dots, at hotmail.",
            ),
        ] {
            assert_eq!(
                conversation(&[(Agent, "What's your email?"), (Caller, answer)])[1],
                redacted,
                "{answer}"
            );
        }
        assert_eq!(
            redact_line("Send it to me, at the office, dot com or not.").text,
            "Send it to me, at the office, dot com or not."
        );
    }

    #[test]
    fn a_value_read_back_or_corrected_later_is_redacted_and_other_numbers_are_not() {
        use Speaker::{Agent, Caller};
        // The agent reads the expiry back two lines later, with no cue of its own.
        assert_eq!(
            conversation(&[
                (Agent, "And the expiry?"),
                (Caller, "Twelve twenty six."),
                (Agent, "Sorry, was that twelve twenty six?"),
                (Caller, "Yes."),
                // Negative controls: an amount, and a number the caller never gave.
                (
                    Agent,
                    "Your balance is 1226 dollars, and the ticket is 4410."
                ),
                (Agent, "Your case reference is 1226."),
            ]),
            [
                "And the expiry?",
                "[CREDIT_DEBIT_EXPIRY].",
                "Sorry, was that [CREDIT_DEBIT_EXPIRY]?",
                "Yes.",
                "Your balance is 1226 dollars, and the ticket is 4410.",
                // The same digits are the value, whatever the cue.
                "Your case reference is [CREDIT_DEBIT_EXPIRY].",
            ]
        );
        // The caller corrects the CVV after the agent's "Thank you", and a PIN after "Okay".
        assert_eq!(
            conversation(&[
                (Agent, "And the three digits on the back?"),
                (Caller, "Seven, uh, seven nine."),
                (Agent, "Thank you."),
                (Caller, "Actually wait, it's seven eight nine, sorry."),
            ])[3],
            "Actually wait, it's [CREDIT_DEBIT_CVV], sorry."
        );
        assert_eq!(
            conversation(&[
                (Agent, "What's your PIN?"),
                (Caller, "It's 4 4 1 2."),
                (Agent, "Okay."),
                (Caller, "No wait, I changed it. It's two two four one now."),
            ])[3],
            "No wait, I changed it. It's [PIN] now."
        );
        // Negative controls: a reference said in the correction window; a number after it, in
        // the caller's third line; and the same correction with no value given before it.
        let after = conversation(&[
            (Agent, "What's your PIN?"),
            (Caller, "It's 4 4 1 2."),
            (Agent, "Okay."),
            (Caller, "Actually, my order number is 45310."),
            (Caller, "Fine."),
            (Caller, "Sorry, I called 3 4 5 times."),
            (Caller, "No wait, it was on the 2 1 2 bus."),
        ]);
        assert_eq!(after[3], "Actually, my order number is 45310.");
        // Part of a value after a reference cue is a reference; without one, a read-back.
        let phone = |line: &str| {
            conversation(&[
                (Agent, "Can I have your phone number?"),
                (Caller, "415 555 0132."),
                (Agent, line),
            ])[2]
                .clone()
        };
        assert_eq!(phone("Yes, reference 41555."), "Yes, reference 41555.");
        assert_eq!(phone("Ending 0132, right?"), "Ending [PHONE], right?");
        assert_eq!(
            conversation(&[
                (Agent, "Can I take the card number?"),
                (Caller, "4532 0151 1283 0366."),
                (Caller, "Actually there were 3 charges of 49.99 each."),
            ])[2],
            "Actually there were 3 charges of 49.99 each."
        );
        assert_eq!(after[6], "No wait, it was on the 2 1 2 bus.");
        // The same line inside the window is taken for a correction (fail closed).
        assert_eq!(
            conversation(&[
                (Agent, "What's your PIN?"),
                (Caller, "It's 4 4 1 2."),
                (Caller, "No wait, it was on the 2 1 2 bus."),
            ])[2],
            "No wait, it was on the [PIN] bus."
        );
        assert_eq!(
            conversation(&[
                (Agent, "How was your trip?"),
                (Caller, "No wait, it was on the 2 1 2 bus."),
            ])[1],
            "No wait, it was on the 2 1 2 bus."
        );
        // Forgotten at the conversation's end.
        let mut r = Redactor::new();
        r.push(Agent, "And the expiry?");
        r.push(Caller, "Twelve twenty six.");
        r.finish();
        r.push(Agent, "Sorry, was that twelve twenty six?");
        assert_eq!(r.finish()[0].text, "Sorry, was that twelve twenty six?");
    }

    #[test]
    fn a_redactors_debug_output_shows_no_line_value_or_name() {
        let mut r = Redactor::new().with_known_names(&["Okafor"]);
        r.push(
            Speaker::Caller,
            "My name is Grace Hill, card 4532015112830366",
        );
        r.preview(Speaker::Caller, "and the code is 739");
        let shown = format!("{r:?}");
        for value in ["grace", "hill", "okafor", "4532", "739", "card"] {
            assert!(!shown.to_lowercase().contains(value), "{value} in {shown}");
        }
        // Positive control: it does describe the redactor.
        assert!(
            shown.contains("lines: 1") && shown.contains("known_names: 1"),
            "{shown}"
        );
    }

    #[test]
    fn debug_output_never_shows_the_value() {
        let r = redact_line("card 4532015112830366");
        let dbg = format!("{r:?}");
        assert!(
            !dbg.contains("4532015112830366") && !dbg.contains("0366"),
            "{dbg}"
        );
    }

    #[test]
    fn one_standing_for_a_thing_is_no_digit() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown redacted before: "the [PHONE] ending", "A new [CREDIT_DEBIT_NUMBER] will arrive".
        let out = conversation(&[
            (
                agent,
                "Which card would you like to use, the one ending 4417?",
            ),
            (caller, "The new one."),
            (agent, "And is the best number still the one ending 4417?"),
            (caller, "No, use my work one, it's 0161 496 0732."),
            (
                agent,
                "I've cancelled the card. A new one will arrive at your home address.",
            ),
        ]);
        assert_eq!(
            out,
            [
                "Which card would you like to use, the one ending [CREDIT_DEBIT_NUMBER]?",
                "The new one.",
                "And is the best number still the one ending [CREDIT_DEBIT_NUMBER]?",
                "No, use my work one, it's [PHONE].",
                "I've cancelled the card. A new one will arrive at your home address.",
            ]
        );
        // Negative controls: "one" before more digits, after "a", or alone as the answer, is a
        // digit.
        let out = conversation(&[
            (agent, "And the last digit of your PIN?"),
            (caller, "It's a one."),
        ]);
        assert_eq!(out[1], "It's a [PIN].");
        let out = conversation(&[
            (agent, "What's your PIN?"),
            (caller, "It's the one one two three."),
        ]);
        assert_eq!(out[1], "It's the [PIN].");
        let out = conversation(&[
            (agent, "What's your PIN?"),
            (caller, "Nine eight seven."),
            (caller, "And one."),
        ]);
        assert_eq!(out[2], "[PIN].");
    }

    #[test]
    fn partials_answering_an_unpunctuated_question_or_naming_a_password_hide_the_value_begun() {
        // Each was shown in a partial while its final line hid it (2026-12-04).
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Questions ASR wrote with no question mark: an e-mail and a number asked for.
        let mut r = Redactor::new();
        r.push(agent, "can i get your email address");
        assert_eq!(
            r.preview(
                caller,
                "yeah its marcus underscore lee eighty eight at proton mail"
            )
            .text,
            "yeah its [EMAIL]"
        );
        r.push(
            caller,
            "yeah its marcus underscore lee eighty eight at proton mail dot com",
        );
        r.push(agent, "and can you verify the last four of your social");
        assert_eq!(r.preview(caller, "sure its si").text, "sure its [NUMBER]");
        // Negative controls: a statement about an e-mail, and one about a number, each with
        // a full stop.
        let mut r = Redactor::new();
        r.push(agent, "We can send it by email.");
        assert_eq!(
            r.preview(caller, "yeah that is fine").text,
            "yeah that is fine"
        );
        r.push(caller, "Yeah that is fine.");
        r.push(agent, "I can see the last four of your social.");
        assert_eq!(r.preview(caller, "sure its si").text, "sure its si");
        // A word after "is" in a sentence naming a password, while it is being said.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(caller, "the wifi password, the one on the sticker is hunt")
                .text,
            "the wifi password, the one on the sticker is [PIN]"
        );
        // Its words joined by hyphens, all of them hidden while the next is said.
        for (partial, shown) in [
            (
                "Your temporary password is Blue-",
                "Your temporary password is [PIN]",
            ),
            (
                "Your temporary password is Blue-Falc",
                "Your temporary password is [PIN]",
            ),
        ] {
            assert_eq!(r.preview(agent, partial).text, shown, "{partial}");
        }
        // Negative controls: the same words with no password named, or in the sentence before.
        assert_eq!(
            r.preview(caller, "the one on the sticker is hunt").text,
            "the one on the sticker is hunt"
        );
        assert_eq!(
            r.preview(caller, "My password failed. The sticker is hunt")
                .text,
            "My password failed. The sticker is hunt"
        );
        // A street with the space after its word while the next one is coming.
        assert_eq!(
            r.preview(caller, "Yes, that's right, 14 Orchard ").text,
            "Yes, that's right, [ADDRESS] "
        );
        // Negative control: a time with the space after it.
        assert_eq!(
            r.preview(caller, "I'll call at 5 PM ").text,
            "I'll call at [NUMBER] PM "
        );
    }

    #[test]
    fn a_partial_shows_no_letters_of_an_id_nor_the_first_word_of_a_date_or_house_number() {
        // Each was shown in a partial while its final line hid it.
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // An ID's letters after its cue on the line.
        let mut r = Redactor::new();
        for (partial, shown) in [
            (
                "It's a Ford Focus, registration LK",
                "It's a Ford Focus, registration [NUMBER]",
            ),
            ("Yeah, and her reg was YD", "Yeah, and her reg was [NUMBER]"),
            // A driving licence number opens with five letters of the surname.
            (
                "My driving licence number is MORGA",
                "My driving licence number is [NUMBER]",
            ),
            // Negative controls: capitals with no cue, "I" after one, a space after capitals
            // with no cue.
            ("We drove to the UK", "We drove to the UK"),
            ("The registration? I", "The registration? I"),
            ("We drove to the UK ", "We drove to the UK "),
        ] {
            assert_eq!(r.preview(caller, partial).text, shown, "{partial}");
        }
        // The letters with the space after them while the digits are coming.
        let mut r = Redactor::new();
        r.push(agent, "And your frequent flyer number?");
        assert_eq!(r.preview(caller, "SK ").text, "[NUMBER] ");
        r.push(caller, "SK 448 120 977.");
        r.push(agent, "And your national insurance number please?");
        assert_eq!(r.preview(caller, "QQ ").text, "[NUMBER] ");
        r.push(agent, "And the IBAN?");
        assert_eq!(r.preview(caller, "DE").text, "[NUMBER]");
        r.push(caller, "DE89 3704 0044 0532 0130 00.");
        // Negative control: the same after a question for no ID.
        r.push(caller, "QQ 12 34 56 C.");
        r.push(agent, "Where did you fly to?");
        assert_eq!(r.preview(caller, "LAX ").text, "LAX ");
        // A phone number's "oh" said whole, with its space after it.
        r.push(caller, "LAX.");
        r.push(agent, "What's the best number to reach you?");
        assert_eq!(r.preview(caller, "Mobile, oh ").text, "Mobile, [NUMBER] ");
        // In the answer to a question for one, spelled too.
        let mut r = Redactor::new();
        r.push(agent, "And your policy number?");
        assert_eq!(r.preview(caller, "AMI").text, "[NUMBER]");
        r.push(caller, "AMI 5522 0193.");
        r.push(agent, "What's his member ID?");
        assert_eq!(
            r.preview(caller, "It's on the card here, W as in").text,
            "It's on the card here, [NUMBER]"
        );
        // Negative control: a spelling's "as in" with no letter before it.
        assert_eq!(
            r.preview(caller, "It's the same as in").text,
            "It's the same as in"
        );
        // A date of birth expected: its first word cut off, an ordinal's too.
        let mut r = Redactor::new();
        r.push(agent, "And your date of birth?");
        for partial in ["Sec", "the elev", "nin"] {
            assert!(
                !r.preview(caller, partial)
                    .text
                    .contains(partial.trim_start_matches("the ")),
                "{partial}"
            );
        }
        assert_eq!(r.preview(caller, "Why do you").text, "Why do you");
        // A date of birth after "born" on the line.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(caller, "I want to add my son, born the first of Ap")
                .text,
            "I want to add my son, born the [DATE_OF_BIRTH]"
        );
        assert_eq!(
            r.preview(caller, "He was born and raised here").text,
            "He was born and raised here"
        );
        // An e-mail said to have changed.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(caller, "And my email changed to sam").text,
            "And my email changed to [EMAIL]"
        );
        assert_eq!(
            r.preview(caller, "And my email changed to the same").text,
            "And my email changed to the same"
        );
        // An e-mail asked for, said past which one it is; and asked again once said.
        let mut r = Redactor::new();
        r.push(agent, "And what email should we use?");
        assert_eq!(
            r.preview(caller, "My work one, priya").text,
            "My work one, [EMAIL]"
        );
        r.push(caller, "My work one, priya at nhs dot net.");
        r.push(agent, "Sorry, can you repeat that?");
        assert_eq!(r.preview(caller, "P, R, I, Y, A, at").text, "[EMAIL]");
        // Negative controls: a sentence, or the answer to a request made before no e-mail.
        assert_eq!(
            r.preview(caller, "I said I was fine").text,
            "I said I was fine"
        );
        let mut r = Redactor::new();
        r.push(agent, "Sorry, can you repeat that?");
        assert_eq!(r.preview(caller, "Paris").text, "Paris");
        // A house number in words and its street in lower case, answering for the address.
        let mut r = Redactor::new();
        r.push(agent, "and the service address");
        for partial in ["eigh", "eighteen forty two north ma"] {
            let shown = r.preview(caller, partial).text;
            assert!(!shown.contains("eigh") && !shown.contains("ma"), "{shown}");
        }
        assert_eq!(
            r.preview(caller, "same as the billing one").text,
            "same as the billing one"
        );
    }

    #[test]
    fn a_range_of_amounts_is_no_number_with_a_misheard_digit() {
        // Shown as "[BANK_ACCOUNT_NUMBER]" before: "to" was read as the digit 2 between them.
        for line in [
            "Hi, my bill went up from 39.99 to 54.99 this month and I don't know why.",
            "It went from 39 to 54 in a month.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        // Positive controls: a digit misheard between spoken digits or single written ones.
        let out = conversation(&[
            (Speaker::Agent, "What is the code?"),
            (Speaker::Caller, "One for eight eight."),
        ]);
        assert_eq!(out[1], "[NUMBER].");
        assert_eq!(
            redact_line("My card is 4 for 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7.").text,
            "My card is [CREDIT_DEBIT_NUMBER]."
        );
        // A year's last digit misheard after its tens ("eighty for." showed "for").
        let out = conversation(&[
            (Speaker::Agent, "Your date of birth please?"),
            (Speaker::Caller, "Twelfth of the fourth, eighty for."),
        ]);
        assert_eq!(out[1], "[DATE_OF_BIRTH].");
        // Negative controls: a time, an amount with no cue.
        for line in ["It is twenty to.", "I paid twenty for it."] {
            assert_eq!(redact_line(line).text, line);
        }
    }

    #[test]
    fn the_year_one_was_born_in_is_the_date_of_birth() {
        // "1942" was shown: a year after "in" counted as no secret.
        for (line, redacted) in [
            (
                "She was born in 1942, March the 8th.",
                "She was born in [DATE_OF_BIRTH].",
            ),
            (
                "I was born back in 1985.",
                "I was born back in [DATE_OF_BIRTH].",
            ),
            // Negative controls: another year after "in".
            (
                "The house was built in 1942.",
                "The house was built in 1942.",
            ),
            ("I moved here in 1985.", "I moved here in 1985."),
            // The day one turned an age ("March 3rd" was shown).
            (
                "I turned 40 on March 3rd, if that helps.",
                "I turned [DATE_OF_BIRTH] on [DATE_OF_BIRTH], if that helps.",
            ),
            ("I turned it off 3 times.", "I turned it off 3 times."),
        ] {
            assert_eq!(redact_line(line).text, redacted);
        }
    }

    #[test]
    fn a_name_after_a_title_left_open_or_under_which_to_book_is_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        for (question, answer, redacted) in [
            // Shown before: a title the agent leaves for the caller to finish asks for a name.
            (
                "Thank you, and it's Mrs...?",
                "Achterberg. Liesbeth Achterberg.",
                "[NAME]. [NAME].",
            ),
            ("Thank you Ms. ...", "Ferreira-Lindholm.", "[NAME]."),
            // The name to book under ("put" was taken for the name and the name shown).
            (
                "Can I get a name for the order?",
                "Yeah, put it under Delphine.",
                "Yeah, put it under [NAME].",
            ),
            (
                "Who's the reservation for?",
                "Book it under the name Okafor please.",
                "Book it under the name [NAME] please.",
            ),
            // Negative controls: a question which title, a title said in passing, a thing under
            // review.
            ("Is that Mr or Mrs?", "Ms.", "Ms."),
            (
                "I spoke to a Mr.",
                "Yes. That was fine.",
                "Yes. That was fine.",
            ),
            (
                "Can I get a name for the order?",
                "Sure, the claim is under review though.",
                "Sure, the claim is under review though.",
            ),
        ] {
            let out = conversation(&[(agent, question), (caller, answer)]);
            assert_eq!(out, [question, redacted], "{answer}");
        }
    }

    #[test]
    fn a_password_said_after_the_agent_spoke_of_one_is_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        for (question, answer, redacted) in [
            // Shown before: a question back opened the answer, or the agent offered a change.
            (
                "Please choose a new password.",
                "Can I just tell you? It's Sunflower2024!",
                "Can I just tell you? It's [PIN]!",
            ),
            (
                "Do you want to change your password?",
                "Yes, make it redwine42.",
                "Yes, make it [PIN].",
            ),
            (
                "What would you like the new password to be?",
                "Maybe bluefish eleven.",
                "[PIN].",
            ),
            // Negative controls: what is said of it, not what it is; a yes-or-no question.
            (
                "Your password has expired.",
                "Oh, it is about time. Okay.",
                "Oh, it is about time. Okay.",
            ),
            (
                "Do you want a new password?",
                "No thanks, the old one is fine.",
                "No thanks, the old one is fine.",
            ),
            (
                "Would you like to set a new password?",
                "Yes please.",
                "Yes please.",
            ),
        ] {
            let out = conversation(&[(agent, question), (caller, answer)]);
            assert_eq!(out, [question, redacted], "{answer}");
        }
        // The agent's own line asking which title names no one.
        assert_eq!(
            conversation(&[(agent, "Is that Mr or Mrs?")]),
            ["Is that Mr or Mrs?"]
        );
    }

    #[test]
    fn an_expiry_said_as_a_month_or_read_back_in_digits_is_redacted() {
        use Speaker::{Agent, Caller};
        // Shown before: the month in words, and the agent's read-back in digits.
        assert_eq!(
            conversation(&[
                (Agent, "And the expiry?"),
                (Caller, "It runs out in August next year."),
                (Agent, "Which is 08 27?"),
                (Caller, "Yes."),
            ]),
            [
                "And the expiry?",
                "It runs out in [CREDIT_DEBIT_EXPIRY].",
                "Which is [CREDIT_DEBIT_EXPIRY]?",
                "Yes.",
            ]
        );
        assert_eq!(
            conversation(&[
                (Agent, "When does the card expire?"),
                (Caller, "The end of March."),
                (Agent, "March which year?"),
            ]),
            [
                "When does the card expire?",
                "The end of [CREDIT_DEBIT_EXPIRY].",
                "[CREDIT_DEBIT_EXPIRY] which year?",
            ]
        );
        // Negative controls: after the expiry, numbers that are something else; a question about
        // something else closes it; with no expiry asked, a month and digits stay.
        let out = conversation(&[
            (Agent, "And the expiry?"),
            (
                Caller,
                "It happened at 9:58 pm. My account was opened in 2022.",
            ),
            (Agent, "I bought the model X216 too, and I was in room 428."),
        ]);
        assert_eq!(
            out[1..],
            [
                "It happened at 9:58 pm. My account was opened in 2022.",
                "I bought the model X216 too, and I was in room 428."
            ]
        );
        let out = conversation(&[
            (Agent, "And the expiry?"),
            (Caller, "08 27."),
            (Agent, "And how many cards do you have?"),
            (Caller, "Two, and I renewed one in March."),
        ]);
        assert_eq!(out[3], "Two, and I renewed one in March.");
        assert_eq!(
            conversation(&[
                (Agent, "When did you move?"),
                (Caller, "In August."),
                (Agent, "Which is 08 27?"),
            ])[1..],
            ["In August.", "Which is 08 27?"]
        );
    }

    #[test]
    fn a_date_of_birth_said_in_parts_stays_open_through_a_question_for_more_of_it() {
        use Speaker::{Agent, Caller};
        // Shown before 2026-12-04: "Of?" was taken for a question about something else.
        let out = conversation(&[
            (Agent, "Can I have your date of birth?"),
            (Caller, "Sure. The 29th."),
            (Agent, "Of?"),
            (Caller, "February."),
            (Agent, "And the year?"),
            (Caller, "1984."),
        ]);
        assert_eq!(
            out[1..],
            [
                "Sure. The [DATE_OF_BIRTH].",
                "Of?",
                "[DATE_OF_BIRTH].",
                "And the year?",
                "[DATE_OF_BIRTH]."
            ]
        );
        // Negative control: a question about something else closes it.
        let out = conversation(&[
            (Agent, "Can I have your date of birth?"),
            (Caller, "Sure. The 29th."),
            (Agent, "And how many cards do you have?"),
            (Caller, "Two, since March."),
        ]);
        assert_eq!(out[3], "Two, since March.");
    }

    #[test]
    fn a_partial_shows_no_name_after_a_greeting_or_a_comma_ending_a_name_answer() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown before 2026-12-04 until "here" or "calling" came; the final redacts them.
        let mut r = Redactor::new();
        assert_eq!(r.preview(caller, "Hiya, Debo").text, "Hiya, [NAME]");
        assert_eq!(
            r.preview(caller, "Hi there, Marcus Bell ca").text,
            "Hi there, [NAME] [NAME] ca"
        );
        // Negative controls: "I", and a word that is no name, after a greeting.
        assert_eq!(r.preview(caller, "Hi, I").text, "Hi, I");
        assert_eq!(r.preview(caller, "Hi, My card").text, "Hi, My card");
        // After a comma in the answer to a question for a name.
        r.push(agent, "Who am I speaking with?");
        assert!(!r
            .preview(caller, "The account holder, Rhiann")
            .text
            .contains("Rhiann"));
        // Negative control: the same after no question for a name.
        let mut r = Redactor::new();
        r.push(agent, "Your account is ready.");
        assert_eq!(
            r.preview(caller, "The account holder, Rhiann").text,
            "The account holder, Rhiann"
        );
    }

    #[test]
    fn a_value_cut_in_two_lines_by_a_pause_is_redacted_in_both() {
        use Speaker::{Agent, Caller};
        // Shown before 2026-12-04: the number's end, and the e-mail's start, on the line where
        // the speaker paused.
        let out = conversation(&[
            (Agent, "And the security code?"),
            (Caller, "Uh, hang on, let me find it."),
            (Caller, "It's 7 3"),
            (Caller, "9."),
        ]);
        // The stall between question and answer is left out, so the answer is the code asked
        // for (a plain [NUMBER] before 2026-12-05).
        assert_eq!(out[1], "Uh, hang on, let me find it.");
        assert_eq!(out[2..], ["It's [CREDIT_DEBIT_CVV]", "[CREDIT_DEBIT_CVV]."]);
        let out = conversation(&[
            (Agent, "And the email?"),
            (Caller, "It's priya dot."),
            (Caller, "sharma at gmail dot com."),
        ]);
        assert_eq!(out[1..], ["It's [EMAIL].", "[EMAIL]."]);
        let out = conversation(&[
            (Agent, "What's the name on the card?"),
            (Caller, "Jonathan"),
            (Caller, "Whitfield-Ames."),
            (Caller, "Thanks for that."),
        ]);
        assert_eq!(out[1..], ["[NAME]", "[NAME].", "Thanks for that."]);
        // Its partial too.
        let mut r = Redactor::new();
        r.push(Agent, "And the email?");
        r.push(Caller, "It's priya dot.");
        assert_eq!(r.preview(Caller, "sharma at gm").text, "[EMAIL]");
        // Negative controls: a number opening a line that is not its start, or after a
        // question; "at" ending a line with no e-mail asked.
        let out = conversation(&[
            (Caller, "My PIN is 4471."),
            (Caller, "I have 3 more things to ask."),
            (Agent, "And the expiry?"),
            (Caller, "08 27."),
            (Agent, "And how many cards do you have?"),
            (Caller, "2 cards."),
        ]);
        assert_eq!(out[1], "I have 3 more things to ask.");
        assert_eq!(out[5], "2 cards.");
        let out = conversation(&[
            (Agent, "Where are you?"),
            (Caller, "I am at."),
            (Caller, "home now."),
        ]);
        assert_eq!(out[1..], ["I am at.", "home now."]);
    }

    #[test]
    fn a_partial_of_a_long_spoken_email_or_a_corrected_date_of_birth_shows_no_part_of_it() {
        use Speaker::{Agent, Caller};
        // Shown before 2026-12-04: an e-mail said in many pieces counted its commas, and a
        // date's part after a correction in the partial.
        let mut r = Redactor::new();
        r.push(Agent, "And your email?");
        assert_eq!(
            r.preview(Caller, "It's jo, J O, dot fairclough, at, um, icloud")
                .text,
            "It's [EMAIL]"
        );
        // Negative control: a long answer about it.
        assert_eq!(
            r.preview(
                Caller,
                "It's the same one as before, I think, on the old account, yes"
            )
            .text,
            "It's the same one as before, I think, on the old account, yes"
        );
        let mut r = Redactor::new();
        r.push(Agent, "And your date of birth?");
        let shown = r
            .preview(
                Caller,
                "Ninet- nineteen eighty, no, eighty-one, the, um, the fifth of",
            )
            .text;
        for part in ["eighty", "fifth"] {
            assert!(!shown.contains(part), "{part} in {shown}");
        }
    }

    #[test]
    fn in_a_mono_call_a_partial_answers_the_line_before_it() {
        // Shown before 2026-12-04: with every speaker unknown (a mono recording, a SIPREC call
        // with one mixed stream) the line before was taken for the same party's, so a partial
        // answered no question.
        let unknown = Speaker::Unknown;
        let mut r = Redactor::new();
        r.push(unknown, "can i get your email address");
        assert_eq!(
            r.preview(unknown, "yeah its marcus underscore lee at proton")
                .text,
            "yeah its [EMAIL]"
        );
        r.push(
            unknown,
            "yeah its marcus underscore lee at proton mail dot com",
        );
        r.push(unknown, "And your date of birth?");
        assert!(!r
            .preview(unknown, "The twelfth of")
            .text
            .contains("twelfth"));
        // Negative control: a line before that asks nothing.
        let mut r = Redactor::new();
        r.push(unknown, "I moved last year.");
        assert_eq!(r.preview(unknown, "The twelfth of").text, "The twelfth of");
    }

    #[test]
    fn a_partial_of_a_name_answer_shows_none_of_its_names() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown before: the first name of a second sentence, until the surname came.
        let mut r = Redactor::new();
        r.push(agent, "Thank you, and it's Mrs...?");
        assert_eq!(r.preview(caller, "Ach").text, "[NAME]");
        assert_eq!(
            r.preview(caller, "Achterberg. Liesbeth").text,
            "[NAME]. [NAME]"
        );
        assert_eq!(
            r.preview(caller, "Achterberg. Liesbeth Ach").text,
            "[NAME]. [NAME]"
        );
        let mut r = Redactor::new();
        r.push(agent, "And just so I know who I'm talking to, your name?");
        assert_eq!(
            r.preview(caller, "I'm Reverend Hollis. And").text,
            "I'm [NAME]. [NAME]"
        );
        // The agent naming the caller after a title, cut off.
        assert_eq!(
            r.preview(agent, "Thank you Mr. Ok").text,
            "Thank you Mr. [NAME]"
        );
        // Negative controls: an answer that says more than names, the agent's own words, and
        // a capitalised word with no question for a name.
        assert_eq!(
            r.preview(caller, "Why do you need it").text,
            "Why do you need it"
        );
        assert_eq!(r.preview(agent, "Thank you. Ok").text, "Thank you. Ok");
        let mut r = Redactor::new();
        r.push(agent, "How can I help?");
        assert_eq!(
            r.preview(caller, "It's about my Visa").text,
            "It's about my Visa"
        );
        // In lower case: a word cut off after a title or a relative.
        let mut r = Redactor::new();
        r.push(agent, "and the name on the account");
        assert_eq!(
            r.preview(caller, "its under my husband ravi sh").text,
            "its under my husband [NAME]"
        );
        assert_eq!(
            r.preview(caller, "yes im his wife pr").text,
            "yes im his wife [NAME]"
        );
        assert_eq!(r.preview(agent, "sorry mrs ok").text, "sorry mrs [NAME]");
        // Negative controls: a small word after a title, a word of when after a relative.
        assert_eq!(r.preview(agent, "is that mrs or").text, "is that mrs or");
        assert_eq!(
            r.preview(caller, "its for my wife to").text,
            "its for my wife to"
        );
    }

    #[test]
    fn lower_case_names_after_a_relative_and_a_pin_after_a_hedge_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown before (ASR wrote the call in lower case with no punctuation).
        assert_eq!(
            conversation(&[
                (agent, "and the name on the account"),
                (caller, "yeah it's under my wife's name, sandra kowalski"),
                (agent, "and you are?"),
                (caller, "i'm her husband, piotr"),
                (agent, "okay piotr"),
            ])[1..],
            [
                "yeah it's under my wife's name, [NAME]",
                "and you are?",
                "i'm her husband, [NAME]",
                "okay [NAME]",
            ]
        );
        assert_eq!(
            conversation(&[
                (agent, "for verification can i have your pin please"),
                (caller, "um i think its one nine eight seven"),
            ])[1],
            "um i think its [PIN]"
        );
        // Negative controls: words of when, how and what else after a relative; a number far
        // into a sentence that answers no question.
        for line in [
            // What the relative does ends the line ("my husband called").
            "my husband called",
            "its my wife works",
            "i am calling for my husband too",
            "its for my daughter maybe",
            "i am calling about my son tomorrow",
            "the card belongs to my wife",
            // A clause after a relative that is no name (since 2026-12-04 a name may end a
            // clause, not only the line).
            "my husband, he works nights.",
            "my son, as usual, forgot.",
            "the last name is on it.",
        ] {
            assert_eq!(conversation(&[(caller, line)]), [line]);
        }
        // Shown before 2026-12-04: a name ending a clause, not the line; after a word for a
        // name, one of two letters.
        for (line, redacted) in [
            (
                "its for my husband, devon. he is at work.",
                "its for my husband, [NAME]. he is at work.",
            ),
            (
                "last name fitzgerald-o'hara, first name ciara.",
                "last name [NAME], first name [NAME].",
            ),
            (
                "hi, my names siobhan, surname ní bhriain.",
                "hi, my names [NAME], surname [NAME].",
            ),
        ] {
            assert_eq!(conversation(&[(caller, line)]), [redacted]);
        }
        assert_eq!(
            conversation(&[
                (agent, "can i have your pin please"),
                (
                    caller,
                    "um i think the branch on main street opened in 1987"
                ),
            ])[1],
            "um i think the branch on main street opened in 1987"
        );
    }

    #[test]
    fn characters_of_a_credential_in_a_long_answer_and_the_street_one_lives_on_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        for (question, answer, redacted) in [
            // Shown before: too long an answer for a credential's words.
            (
                "For security, can you tell me the first and last letter of your password?",
                "First is a capital P and the last is the number 9.",
                "First is a capital [PIN] and the last is the number [PIN].",
            ),
            (
                "Can you give me the second and fourth digits of your passcode?",
                "Sure, the second one is seven and the fourth one is two.",
                "Sure, the second one is [PIN] and the fourth one is [PIN].",
            ),
            (
                "Can you confirm the street you live on?",
                "Beacon Street.",
                "[ADDRESS].",
            ),
            // More security questions, one asked with "did you" after its question word, and a
            // long answer whose last clause is the answer.
            ("What city were you born in?", "Dundee.", "[PIN]."),
            ("What was your childhood nickname?", "bubba.", "[PIN]."),
            ("What high school did you go to?", "Lincoln High.", "[PIN]."),
            (
                "What's the answer to your security question?",
                "Oh it's, um, the name of my street growing up, Acacia Avenue.",
                "Oh it's, um, the name of my street growing up, [PIN].",
            ),
            (
                "Did you go to high school here?",
                "Yes, I did.",
                "Yes, I did.",
            ),
            // Negative controls: the pronoun "I" and "one" for a thing, a yes-or-no question.
            (
                "What is the third letter of your memorable word?",
                "Hang on, I need to think about that one for a second, it is an E.",
                "Hang on, I need to think about that one for a second, it is an [PIN].",
            ),
            ("Did you park on your street?", "Yes.", "Yes."),
            (
                "What's the account holder's social security number?",
                "Ending in 4 4 3 2, I don't know the whole thing.",
                "Ending in [SSN], I don't know the whole thing.",
            ),
        ] {
            let out = conversation(&[(agent, question), (caller, answer)]);
            assert_eq!(out, [question, redacted], "{answer}");
        }
    }

    #[test]
    fn a_name_said_after_its_spelling_in_the_spelling_alphabet_is_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown before: "Smith" after "Sierra, Mike, India, Tango, Hotel."
        assert_eq!(
            conversation(&[
                (agent, "Your name please?"),
                (caller, "Sierra, Mike, India, Tango, Hotel. Smith."),
                (agent, "Thanks Mr Smith."),
            ])[1..],
            ["[NAME]. [NAME].", "Thanks Mr [NAME]."]
        );
        // Negative control: a word the spelling does not spell.
        assert_eq!(
            conversation(&[
                (agent, "Your name please?"),
                (caller, "Sierra, Mike, India, Tango, Hotel. Thanks."),
            ])[1],
            "[NAME]. Thanks."
        );
    }

    #[test]
    fn a_partial_of_an_email_with_an_apostrophe_or_at_sign_is_hidden() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let mut r = Redactor::new();
        r.push(agent, "And an email?");
        // Shown before: a name's apostrophe read as a sentence's, and "at sign".
        assert_eq!(r.preview(caller, "It's m dot o'brien").text, "It's [EMAIL]");
        assert_eq!(
            r.preview(caller, "It's m dot o'brien at sign hot").text,
            "It's [EMAIL]"
        );
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(caller, "my email is j dot smith at sign gm").text,
            "my email is [EMAIL]"
        );
        // Negative controls: a contraction is a sentence, a sign is no address.
        let mut r = Redactor::new();
        r.push(agent, "And an email?");
        assert_eq!(r.preview(caller, "It'll go to").text, "It'll go to");
        assert_eq!(r.preview(caller, "Yes, I'm at").text, "Yes, I'm at");
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(caller, "I left my sign at").text,
            "I left my sign at"
        );
    }

    #[test]
    fn a_code_read_out_after_an_acknowledgement_is_the_code_asked_for() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown before: the words before the code pushed it out of the answer's place.
        assert_eq!(
            conversation(&[
                (agent, "I'll text you a verification code now."),
                (caller, "Okay, I've got it, it's 558 210."),
            ])[1],
            "Okay, I've got it, it's [PIN]."
        );
        // Negative controls: the same words before a count and an order number.
        for (question, answer) in [
            ("How many cards do you have?", "Okay, I've got it, it's 2."),
            (
                "What is the order number?",
                "Okay, I've got it, it's 558210.",
            ),
        ] {
            assert_eq!(
                conversation(&[(agent, question), (caller, answer)])[1],
                answer
            );
        }
    }

    #[test]
    fn the_end_of_a_phone_number_read_back_is_redacted_and_an_orders_is_not() {
        for (line, redacted) in [
            // Shown before.
            (
                "Is the number ending 4417 still the best one?",
                "Is the number ending [PHONE] still the best one?",
            ),
            (
                "Can we call you back at the number ending 4410?",
                "Can we call you back at the number ending [PHONE]?",
            ),
            (
                "Can I call you back on the number ending 88?",
                "Can I call you back on the number ending [PHONE]?",
            ),
            // Negative controls: an order's and a payment's ending.
            (
                "Your order number ending 4417 has shipped.",
                "Your order number ending 4417 has shipped.",
            ),
            ("I see a payment ending 99.", "I see a payment ending 99."),
        ] {
            assert_eq!(
                conversation(&[(Speaker::Agent, line)]),
                [redacted],
                "{line}"
            );
        }
    }

    #[test]
    fn tax_ids_and_staff_ids_with_letters_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        for (question, answer, redacted) in [
            // Shown before: a PAN, and an employee ID's letter.
            ("Can I have your PAN number?", "ABCDE1234F.", "[NUMBER]."),
            ("What's your employee ID?", "E 0 0 4 4 1 9.", "[NUMBER]."),
            // Negative control: a pan that is a thing.
            (
                "What do you need?",
                "I need a pan for cooking, number 4 please.",
                "I need a pan for cooking, number 4 please.",
            ),
        ] {
            let out = conversation(&[(agent, question), (caller, answer)]);
            assert_eq!(out, [question, redacted], "{answer}");
        }
    }

    #[test]
    fn a_corrected_birth_year_and_a_first_name_found_beside_a_heard_surname_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown before: the year corrected, and "John" asked back (learned only from a name
        // the heard surname widened to).
        assert_eq!(
            conversation(&[
                (agent, "And your date of birth?"),
                (caller, "3rd of May 1980. No, 81."),
            ])[1],
            "[DATE_OF_BIRTH]. No, [DATE_OF_BIRTH]."
        );
        assert_eq!(
            conversation(&[
                (agent, "Your name?"),
                (caller, "Smith. Smith. John Smith."),
                (agent, "Sorry, John what?"),
            ])[1..],
            ["[NAME]. [NAME]. [NAME].", "Sorry, [NAME] what?"]
        );
        // "your own name" asks for one too; "Same as mine." gives none.
        assert_eq!(
            conversation(&[
                (agent, "What's the name of the account holder?"),
                (caller, "My late father, Desmond."),
                (agent, "I'm sorry for your loss. And your own name?"),
                (caller, "Grace."),
            ])[3],
            "[NAME]."
        );
        assert_eq!(
            conversation(&[
                (agent, "And the cardholder's name?"),
                (caller, "Same as mine.")
            ])[1],
            "Same as mine."
        );
        // Negative control: a count after "No" on the date's line.
        assert_eq!(
            conversation(&[
                (agent, "And your date of birth?"),
                (caller, "3rd of May 1980. No, I have 2 cards."),
            ])[1],
            "[DATE_OF_BIRTH]. No, I have 2 cards."
        );
    }

    /// Held by the tests that make a rule fail: the warning's call site is registered by whichever
    /// runs first, and registered by one thread while another sets its subscriber it may stay
    /// switched off for the test that reads the log.
    static RULE_FAILURES: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn a_bug_in_a_rule_hides_the_pending_lines_whole_and_the_call_goes_on() {
        let _one_at_a_time = RULE_FAILURES.lock().unwrap_or_else(|e| e.into_inner());
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let mut r = Redactor::new().with_known_names(&["Okafor"]);
        assert_eq!(
            r.push(agent, "What's your name?")[0].text,
            "What's your name?"
        );
        // A line held back (it ends in a number), then a step that panics.
        assert!(r.push(caller, "It's Maria Lopez, card 4539").is_empty());
        r.panic_next = true;
        let out = r.push(caller, "1488 0343 6467.");
        let texts: Vec<&str> = out.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(texts, ["[NUMBER]", "[NUMBER]"]);
        assert_eq!(
            out[0].findings[0].value.expose().0,
            "It's Maria Lopez, card 4539"
        );
        // The call goes on, with the names given kept; a partial's bug hides the partial only.
        assert_eq!(r.push(agent, "Thanks Okafor.")[0].text, "Thanks [NAME].");
        r.panic_next = true;
        assert_eq!(r.preview(caller, "It is fine").text, "[NUMBER]");
        assert_eq!(r.preview(caller, "It is fine").text, "It is fine");
        r.panic_next = true;
        assert!(r.finish().is_empty());
        assert_eq!(r.failed_steps(), 3);
        // Positive control: with no bug, the same lines are redacted as ever.
        let mut r = Redactor::new();
        r.push(agent, "What's your name?");
        r.push(caller, "It's Maria Lopez, card 4539");
        let out = r.push(caller, "1488 0343 6467.");
        assert_eq!(out[0].text, "It's [NAME], card [CREDIT_DEBIT_NUMBER]");
        assert_eq!(r.failed_steps(), 0);
    }

    #[test]
    fn a_failed_step_is_logged_with_counts_and_no_text() {
        let _one_at_a_time = RULE_FAILURES.lock().unwrap_or_else(|e| e.into_inner());
        #[derive(Clone, Default)]
        struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Log {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let log = Log::default();
        let writer = log.clone();
        // No timestamp: its digits could hold a value's ("00:27:00.914921Z" holds 4921).
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .without_time()
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let mut r = Redactor::new();
            // Negative control: a step with no bug logs nothing.
            assert!(r.push(Speaker::Caller, "My card is 4539").is_empty());
            assert!(log.0.lock().unwrap().is_empty());
            r.panic_next = true;
            r.push(Speaker::Caller, "1488 0343 6467.");
            r.panic_next = true;
            r.preview(Speaker::Caller, "and my PIN is 4921");
        });
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.contains("WARN") && text.contains("failed_steps=1 hidden_lines=2"));
        assert!(text.contains("failed_steps=2 hidden_lines=1"));
        for value in ["4539", "1488", "4921", "card", "PIN"] {
            assert!(!text.contains(value), "{value} in {text}");
        }
    }

    #[test]
    fn a_word_of_an_emails_local_part_said_again_capitalised_is_a_name() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // "Thanks Pete." was shown after "pete dot o'malley, at Gmail".
        let out = conversation(&[
            (agent, "What's the email?"),
            (
                caller,
                "Sure. It's the same as my name, pete dot o'malley, at Gmail.",
            ),
            (agent, "Thanks Pete."),
        ]);
        assert_eq!(out[2], "Thanks [NAME].");
        // Negative control: a mailbox's usual word.
        let out = conversation(&[
            (agent, "What's the email?"),
            (caller, "It's info at brightside dot co dot uk."),
            (agent, "Info is fine, thanks."),
        ]);
        assert_eq!(out[2], "Info is fine, thanks.");
        // In a call ASR writes all in lower case, in lower case too (shown before 2026-12-04).
        let out = conversation(&[
            (agent, "can i get your email address"),
            (
                caller,
                "yeah its marcus underscore lee at proton mail dot com",
            ),
            (agent, "thanks marcus and can you verify your postcode"),
        ]);
        assert_eq!(out[2], "thanks [NAME] and can you verify your postcode");
        // Negative control: a word of a written address in lower case in a call written with
        // capitals.
        let out = conversation(&[
            (agent, "What is your email?"),
            (caller, "It is liam.walker@gmail.com."),
            (agent, "Thanks, and the dog walker is booked."),
        ]);
        assert_eq!(out[2], "Thanks, and the dog walker is booked.");
    }

    #[test]
    fn a_value_the_agent_reads_back_can_still_be_corrected_by_the_caller() {
        use Speaker::{Agent, Caller};
        // The card over two lines, read back whole, then its last group corrected (base and
        // tiny.en on 8 kHz µ-law): the read-back made the card the agent's, so the caller's
        // correction was shown.
        let card = |correction: &'static str| {
            conversation(&[
                (
                    Agent,
                    "No problem, what's the long number on the front of the card?",
                ),
                (Caller, "4532 0151"),
                (Caller, "1283 0366."),
                (Agent, "So that's 4532 0151 1283 0366?"),
                (Caller, correction),
            ])[4]
                .clone()
        };
        assert_eq!(
            card("Actually no, sorry, the last group is 0369"),
            "Actually no, sorry, the last group is [CREDIT_DEBIT_NUMBER]"
        );
        assert_eq!(
            card("Actually no, sorry, the end is 0369"),
            "Actually no, sorry, the end is [CREDIT_DEBIT_NUMBER]"
        );
        assert_eq!(
            card("Actually no, sorry. The left group is 036i."),
            "Actually no, sorry. The left group is [CREDIT_DEBIT_NUMBER]."
        );
        // Negative control: the read-back opens the window again for two of the caller's
        // lines, not for the rest of the call.
        let later = conversation(&[
            (Agent, "What's the long number on the front of the card?"),
            (Caller, "4532 0151 1283 0366."),
            (Agent, "So that's 4532 0151 1283 0366?"),
            (Caller, "Yes, that's right."),
            (Caller, "Great."),
            (Caller, "Actually, the end is 0369"),
        ]);
        // (The four digits said bare are still redacted, as a number given with nothing to name
        // it is; not as the card's. "The last group" would name them a card's group itself.)
        assert_eq!(later[5], "Actually, the end is [NUMBER]");
    }

    #[test]
    fn a_request_said_as_a_noun_phrase_reaches_a_longer_garbled_answer() {
        use Speaker::{Agent, Caller};
        // tiny.en on 8 kHz µ-law: "The three digits are four one seven." after the agent's
        // question, written with a stop. Four words before the number put the question out
        // of the answer's reach, and two digits of three are no CVV by length.
        let answer = "The free digits are 41 pammon.";
        assert_eq!(
            conversation(&[
                (Agent, "And the three digits on the back."),
                (Caller, answer)
            ])[1],
            "The free digits are [CREDIT_DEBIT_CVV] pammon."
        );
        // Negative control: a statement about the card asks for nothing.
        assert_eq!(
            conversation(&[
                (Agent, "And the card was blocked on the back end."),
                (Caller, answer)
            ])[1],
            answer
        );
    }

    #[test]
    fn an_email_answer_ending_in_a_glued_domain_is_redacted_whatever_words_it_holds() {
        // tiny.en for "maggie dot whitfield at gmail dot com": "not" and "with" made the
        // answer read as a sentence, and it was shown.
        for speaker in [Speaker::Caller, Speaker::Unknown] {
            let asker = if speaker == Speaker::Unknown {
                Speaker::Unknown
            } else {
                Speaker::Agent
            };
            let said = "It's Maggie not with feelatemail.com";
            let out = conversation(&[(asker, "And your email."), (speaker, said)]);
            assert_eq!(out[1], "It's [EMAIL]", "{speaker:?}");
            let mut r = Redactor::new();
            r.push(asker, "And your email.");
            let shown = r.preview(speaker, said).text;
            assert!(!shown.contains("feelatemail"), "{shown}");
        }
        // Negative controls: the domain in a second sentence; no request for an e-mail.
        let two = "Not sure. Try example.com";
        assert_eq!(
            conversation(&[(Speaker::Agent, "And your email."), (Speaker::Caller, two)])[1],
            two
        );
        let said = "It's Maggie not with feelatemail.com";
        let out = conversation(&[(Speaker::Agent, "Anything else?"), (Speaker::Caller, said)]);
        assert!(out[1].ends_with("not with feelatemail.com"), "{}", out[1]);
    }

    #[test]
    fn codes_of_letters_and_digits_glued_together_are_redacted_in_a_callers_line() {
        use Speaker::{Agent, Caller};
        // An IBAN after a question whisper wrote as "the IBA and": tiny.en on 8 kHz µ-law,
        // tiny.en at 16 kHz and base on a mono recording.
        let asked = "Great and the IBA and for the international payment.";
        for (said, shown) in [
            (
                "V2-9 n double indicates 6yy1623 does not end",
                "[NUMBER] n double indicates [NUMBER] does not end",
            ),
            (
                "Db2-9, Nwbk, 6016 1331 9268 19",
                "[NUMBER], Nwbk, [CREDIT_DEBIT_NUMBER]",
            ),
        ] {
            assert_eq!(conversation(&[(Agent, asked), (Caller, said)])[1], shown);
            let mut r = Redactor::new();
            r.push(Agent, asked);
            let partial = r.preview(Caller, said).text;
            assert!(!partial.chars().any(|c| c.is_ascii_digit()), "{partial}");
        }
        // A number between words joined by hyphens (tiny.en live, the ZIP code after a
        // question heard as "And the Billings-It.").
        let out = conversation(&[(Agent, "And the Billings-It."), (Caller, "It's I-02-WANO.")]);
        assert!(!out[1].chars().any(|c| c.is_ascii_digit()), "{}", out[1]);
        // A code glued to a value keeps the value's kind (base at 16 kHz: "six seven eight
        // nine." as "6789EIN.").
        let ssn = "And can you confirm the last four digits of your social security number?";
        assert_eq!(
            conversation(&[(Agent, ssn), (Caller, "6789EIN.")])[1],
            "[SSN]."
        );
        let mono = conversation(&[
            (Speaker::Unknown, asked),
            (Speaker::Unknown, "TV2-in-NWBK-6016 1331 9268 19-in"),
        ]);
        assert!(!mono[1].chars().any(|c| c.is_ascii_digit()), "{}", mono[1]);
        // Negative controls: a reference named on the line or asked for, units, ordinals and
        // times, a word and a number joined by a hyphen only, and the agent's own code.
        for (question, said) in [
            ("Anything else?", "My flight BA351 was cancelled."),
            ("What is the model?", "It is QX7K2LM."),
            (
                "Anything else?",
                "It arrived on August 28th at 3pm, all 2kg of it.",
            ),
            (
                "Anything else?",
                "I had COVID-19 in the 1990s, no wait, 2020.",
            ),
            (
                "Anything else?",
                "My Wi-Fi-6 router and the G4 are 3 years old.",
            ),
        ] {
            assert_eq!(conversation(&[(Agent, question), (Caller, said)])[1], said);
        }
        let agent = "Your ticket is TK4471.";
        assert_eq!(conversation(&[(Agent, agent)])[0], agent);
    }

    #[test]
    fn a_line_that_gives_a_card_number_hides_its_other_numbers_however_written() {
        use Speaker::{Agent, Caller};
        let hello = (
            Agent,
            "Thank you for calling City Power. How can I help you today?",
        );
        // A card volunteered whole with its expiry and code, as tiny.en at 16 kHz and on 8 kHz
        // µ-law and base on µ-law wrote them: the expiry's and the code's cues were lost or
        // far, and the numbers after the card were shown.
        for (said, shown) in [
            (
                "I'd like to pay my bill with my visa. It's 41, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, \
                 1, 1, 1, 1, 1, 1. It acts higher than eight, twenty seven, and the code is one, \
                 two, three.",
                "I'd like to pay my bill with my visa. It's [CREDIT_DEBIT_NUMBER]. It acts higher \
                 than [CREDIT_DEBIT_EXPIRY], and the code is [CREDIT_DEBIT_CVV].",
            ),
            (
                "I'd like to pay my bill with my meal. It's 41111111111111111 It's a higher \
                 08.25 and a cold in 1.2.3",
                "I'd like to pay my bill with my meal. It's [CREDIT_DEBIT_NUMBER] It's a higher \
                 [CREDIT_DEBIT_EXPIRY] and a cold in [CREDIT_DEBIT_CVV]",
            ),
        ] {
            assert_eq!(conversation(&[hello, (Caller, said)])[1], shown);
            let mut r = Redactor::new();
            r.push(hello.0, hello.1);
            let partial = r.preview(Caller, said).text;
            assert!(!partial.chars().any(|c| c.is_ascii_digit()), "{partial}");
        }
        // The card's digits written as ordinals between its groups (base on µ-law).
        let asked = (
            Agent,
            "Got it, and the card for the copay, the long numbered please.",
        );
        let out = conversation(&[
            asked,
            (
                Caller,
                "I'm 5th I'm 5th I'm 12th I'm 3rd 4th 4th 4th 111 8th.",
            ),
        ]);
        assert!(!out[1].chars().any(|c| c.is_ascii_digit()), "{}", out[1]);
        // Negative controls: an amount, a count, a reference and a price said with the card,
        // and the same numbers on a line with no card.
        let said = "I owe 49.99, so take 250 dollars for 2 invoices, reference 4471, on \
                    4111 1111 1111 1111.";
        assert_eq!(
            conversation(&[hello, (Caller, said)])[1],
            "I owe 49.99, so take 250 dollars for 2 invoices, reference 4471, on \
             [CREDIT_DEBIT_NUMBER]."
        );
        // (A code named just before three digits is a code given, card or none: the expiry's
        // words stay, the code goes.)
        let said = "It acts higher than eight, twenty seven, and the code is one, two, three.";
        assert_eq!(
            conversation(&[hello, (Caller, said)])[1],
            "It acts higher than eight, twenty seven, and the code is [PIN]."
        );
    }

    #[test]
    fn a_zip_code_after_a_state_is_redacted_whatever_came_of_the_street() {
        use Speaker::{Agent, Caller};
        // base at 16 kHz: the street garbled, the agent's "And the address" heard as "In the
        // address", so nothing asked for an address and the ZIP code was shown.
        let out = conversation(&[
            (Agent, "In the address we have on file."),
            (
                Caller,
                "1600 and still may not have a new northwest Washington DC 2 0 5 0 0",
            ),
        ]);
        assert!(
            !out[1].contains('2') && !out[1].contains("DC"),
            "{}",
            out[1]
        );
        let out = conversation(&[(Caller, "Send it to Springfield, IL 62704 please.")]);
        assert!(!out[0].contains("62704"), "{}", out[0]);
        // Negative controls: a count after a state, a number after a state's name that is
        // followed by another word, an amount, and a number after a word that is no state.
        for said in [
            "I drove through Texas 3 times.",
            "Ohio State won 12345 votes.",
            "I paid Washington 20500 dollars.",
            "The Springfield office sent 20500 letters.",
        ] {
            assert_eq!(conversation(&[(Caller, said)])[0], said);
        }
    }

    #[test]
    fn a_street_and_postcode_whisper_wrote_with_hyphens_are_redacted() {
        use Speaker::{Agent, Caller};
        // The agent reads the address on file back (tiny.en at 16 kHz and on 8 kHz µ-law,
        // flite's voice): "flat four, twelve Cedar Road, Bristol, B S eight, three Q T".
        let phone = (Caller, "My mobile, it's 07911 123 456.");
        for (said, gone) in [
            (
                "And if we need to post anything, it's still flat for 12-seater-road Bristol, \
                 BS-8, 3QTE.",
                ["12", "seater", "BS", "3QT"],
            ),
            (
                "And if we need to post anything, it's still flat for 12C-Broad Bristol \
                 BS8-3QT.",
                ["BS8", "3QT", "BS8", "3QT"],
            ),
        ] {
            let out = conversation(&[phone, (Agent, said)]);
            for g in gone {
                assert!(!out[1].contains(g), "{g}: {}", out[1]);
            }
        }
        // Negative controls: hyphens after a number word or in a compound, no street suffix.
        for said in [
            "I work part-time at 12-hour shifts, in a one-way street.",
            "It was a 12-seater van, road-tested.",
        ] {
            assert_eq!(conversation(&[(Caller, said)])[0], said);
        }
    }

    #[test]
    fn an_email_named_with_its_half_heard_address_right_after_is_redacted() {
        use Speaker::{Agent, Caller};
        // base on 8 kHz µ-law for "k dot o'neil at yahoo dot com", with no "is" after "email".
        let said = "Great, can you also send it to my email k.o.milatjahu.com";
        assert_eq!(
            conversation(&[(Agent, "I'll dispute both."), (Caller, said)])[1],
            "Great, can you also send it to my email [EMAIL]"
        );
        // Negative controls: who sent an e-mail, whom to write to, where an e-mail is.
        for said in [
            "I got an email from paypal.com yesterday.",
            "Email me at the office, it's on example.com.",
            "I sent an email to support.com twice.",
        ] {
            assert_eq!(
                conversation(&[(Agent, "Anything else?"), (Caller, said)])[1],
                said
            );
        }
    }

    #[test]
    fn an_expiry_asked_on_a_mono_recording_and_a_sort_code_beside_an_account_are_redacted() {
        use Speaker::{Agent, Caller, Unknown};
        // tiny.en and base on a mono recording: the question's speaker is unknown, so the
        // expiry said in words was not expected and was shown.
        let out = conversation(&[
            (Unknown, "And the expiry."),
            (Unknown, "And on September next year,"),
        ]);
        assert_eq!(out[1], "And on [CREDIT_DEBIT_EXPIRY],");
        // Negative control: a month with no question for an expiry.
        let out = conversation(&[
            (Unknown, "When did you order it?"),
            (Unknown, "And on September next year,"),
        ]);
        assert_eq!(out[1], "And on September next year,");
        // tiny.en on 8 kHz µ-law: the sort code beside the account number, its question heard
        // as "your bank sword code".
        let out = conversation(&[
            (
                Agent,
                "Thanks, and for the refund later, your bank sword code.",
            ),
            (Caller, "So now in 0129, count 11223344,"),
        ]);
        assert_eq!(
            out[1],
            "So now in [BANK_ROUTING], count [BANK_ACCOUNT_NUMBER],"
        );
        // Negative controls: an amount, a count and a single digit beside an account.
        let said = "Pay 250 dollars in 2 payments to account 11223344, option 1.";
        let out = conversation(&[(Agent, "Anything else?"), (Caller, said)]);
        assert_eq!(
            out[1],
            "Pay 250 dollars in 2 payments to account [BANK_ACCOUNT_NUMBER], option 1."
        );
    }

    #[test]
    fn an_asked_email_a_slashed_date_of_birth_and_a_half_heard_po_box_are_redacted() {
        use Speaker::{Agent, Caller, Unknown};
        // base at 16 kHz for "john underscore smith eighty four at hotmail dot co dot uk": the
        // answer opened with "not", which read as a word about an address, not one.
        let asked = (
            Agent,
            "Hello, Northern Rail refunds. Can I take an email for the refund?",
        );
        let said = "Yes, it's not under-coresmitted for that hotmail.co.uk";
        assert_eq!(
            conversation(&[asked, (Caller, said)])[1],
            "Yes, it's [EMAIL]"
        );
        let mut r = Redactor::new();
        r.push(asked.0, asked.1);
        let partial = r.preview(Caller, said).text;
        assert!(!partial.contains("hotmail"), "{partial}");
        // tiny.en on 8 kHz µ-law: a date of birth asked with "verify" and no question mark,
        // answered with the date written with slashes in a longer line.
        let dob = conversation(&[
            (Agent, "And to verify your date of birth."),
            (Caller, "The first on the 12/99 did."),
        ]);
        assert_eq!(dob[1], "The first on the [DATE_OF_BIRTH] did.");
        // A P.O. box as tiny.en (16 kHz) and base (mono) wrote it, its ZIP code cut short.
        for (question, answer, who) in [
            (
                "And the Pubux for billing if you have one.",
                "P.O. docs 4412 Springfield, Illinois 6207.",
                [Agent, Caller],
            ),
            (
                "And the po box for billing if you have one",
                "Pio box 4412 Springfield, Ilimoid 62704",
                [Unknown, Unknown],
            ),
        ] {
            let out = conversation(&[(who[0], question), (who[1], answer)]);
            assert!(!out[1].chars().any(|c| c.is_ascii_digit()), "{}", out[1]);
        }
        // Negative controls: an answer about an e-mail, a slashed number with no date asked,
        // documents numbered, and a year after a state.
        for (question, answer) in [
            (asked.1, "Sorry, I don't have one."),
            ("And to verify your order.", "The first on the 12/99 did."),
            ("Anything else?", "She reviewed the docs 4412 and 4413."),
            (
                "Anything else?",
                "We lived in Springfield, Illinois 2019 to 2020.",
            ),
        ] {
            assert_eq!(
                conversation(&[(Agent, question), (Caller, answer)])[1],
                answer
            );
        }
    }

    #[test]
    fn a_birth_date_whose_year_whisper_split_or_clipped_and_a_spelled_email_half_heard_are_redacted(
    ) {
        use Speaker::{Agent, Caller};
        let answer = |question: &str, said: &str| {
            conversation(&[(Agent, question), (Caller, said), (Agent, "Thanks.")])[1].clone()
        };
        // 8 kHz µ-law, tiny.en: the question heard as "mate on birth", the year as "19, 84".
        assert_eq!(
            answer(
                "And your mate on birth for security.",
                "The third of March 19, 84."
            ),
            "The [DATE_OF_BIRTH]."
        );
        // base: the question as "name is on Earth", the year as "'84".
        let line = answer(
            "And your name is on Earth for security?",
            "Dephyr does March 19, '84.",
        );
        assert!(
            line.ends_with("does [DATE_OF_BIRTH].") && !line.contains("19"),
            "{line}"
        );
        // Controls: a year ten years back at most is no birth date, nor a date with more to
        // say, nor a year said in words on an agent's read-back (the test of read-backs).
        assert!(!answer("And the next question.", "March 19, '24.").contains("BIRTH"));
        let story = "We met on March 19, '84 at a gig in town with friends.";
        assert_eq!(answer("And the next question.", story), story);
        // tiny.en for "j o h n dot r e y e s at g mail dot com", its "at" lost.
        let asked = "Can I get an email address for the receipt?";
        assert_eq!(
            answer(asked, "sure k_o_a_ can not re y_s_ e mail dot com"),
            "sure [EMAIL]"
        );
        // Controls: a domain not at the line's end, one in a later sentence, and the same
        // words when no e-mail was asked for.
        for said in [
            "I read it on the bbc dot com website",
            "I don't have one. Try the office. It's on the bbc dot com",
        ] {
            assert_eq!(answer(asked, said), said);
        }
        let said = "sure k_o_a_ can not re y_s_ e mail dot com";
        assert_eq!(answer("Where did you read it?", said), said);
        // The same answer on µ-law, the question heard as "an omele address": an address asked
        // for and answered with a domain is an e-mail; a street's is not ("not a dot com").
        assert_eq!(
            answer("Can I get an omele address for the receipt?", said),
            "sure [EMAIL]"
        );
        let shop = answer(
            "What's the address of the shop?",
            "It's on the high street, not a dot com",
        );
        assert!(!shop.contains("EMAIL"), "{shop}");
    }

    /// The caller's redacted answer to `question`, asked after their customer number.
    fn after_customer_number(question: &str, said: &str) -> String {
        conversation(&[
            (Speaker::Agent, "What's your customer number?"),
            (Speaker::Caller, "9 4 8 8 2 1 0 3."),
            (Speaker::Agent, question),
            (Speaker::Caller, said),
            (Speaker::Agent, "Thanks."),
        ])[3]
            .clone()
    }

    #[test]
    fn the_digits_of_a_value_asked_for_one_or_two_at_a_time_are_redacted() {
        let answer = after_customer_number;
        // Live, tiny.en at 16 kHz: "PIN" heard as "BIN", the 7 shown.
        let line = answer(
            "and the second and fourth digit of your BIN.",
            "Two and seven.",
        );
        assert!(!line.contains("seven") && !line.contains('7'), "{line}");
        assert_eq!(
            answer("and the second and fourth digit of your BIN.", "2 and 7."),
            "[PIN] and [PIN]."
        );
        assert_eq!(
            answer("And the third digit of your security number?", "It's a 5."),
            "It's a [NUMBER]."
        );
        // A count said with the digits stays.
        let code = conversation(&[
            (Speaker::Agent, "And the three digits on the back?"),
            (Speaker::Caller, "The three digits are 7 3 9"),
        ]);
        assert_eq!(code[1], "The three digits are [CREDIT_DEBIT_CVV]");
        // Controls: a count asked, a reference's digit, and the same answer to a question
        // about something else.
        for (question, said) in [
            ("How many digits is it?", "It's 16 digits long."),
            (
                "What's the last digit of the order number?",
                "It ends in 7.",
            ),
            ("And how many cards do you have?", "2 and 7."),
            ("Which rooms were they?", "Two and seven."),
        ] {
            assert_eq!(answer(question, said), said);
        }
    }

    #[test]
    fn a_number_beside_a_value_on_a_callers_short_line_is_more_of_it() {
        let answer = after_customer_number;
        // Live on µ-law, tiny.en: "digit" heard as "visit" and "PIN" as "BIM"; the 2 was found
        // (a correction of the customer number) and the 7 shown.
        let line = answer("and the second and fourth visit of your BIM.", "2 and 7.");
        assert!(!line.contains('7'), "{line}");
        let line = answer(
            "and the second and fourth visit of your BIM.",
            "Two and seven.",
        );
        assert!(!line.contains("seven"), "{line}");
        // Controls: a time, an amount of time and a count beside a value.
        for said in [
            "[PIN], I've had it 3 years.",
            "[PIN], at 3 pm.",
            "[PIN] and 2 cards.",
        ] {
            assert_eq!(
                answer("And your pin?", &said.replace("[PIN]", "4412")),
                said
            );
        }
    }

    #[test]
    fn a_date_in_a_longer_answer_to_a_request_for_the_date_of_birth_is_redacted() {
        // Base on 8 kHz µ-law for "Twenty third of November, nineteen sixty eight.", written as
        // a question.
        let said = "When did it turn on November 1968?";
        assert_eq!(
            caller_answer(
                "Thanks, and to confirm it's you, your date of birth please.",
                said
            ),
            "When did it turn on [DATE_OF_BIRTH]?"
        );
        // Control: the same answer to a question about another date.
        assert_eq!(
            caller_answer("And when did you first open the account?", said),
            said
        );
    }

    /// The caller's redacted answer to the agent's `question`, the agent speaking after it.
    fn caller_answer(question: &str, said: &str) -> String {
        conversation(&[
            (Speaker::Agent, question),
            (Speaker::Caller, said),
            (Speaker::Agent, "Thanks."),
        ])[1]
            .clone()
    }

    #[test]
    fn a_phone_numbers_extension_whisper_wrote_partly_as_a_word_is_part_of_it() {
        // Base on 8 kHz µ-law for "… oh one nine eight, extension four four".
        let question = "What's the best number to reach you on?";
        assert_eq!(
            caller_answer(
                question,
                "You can call my work line that's 2125550198 extension for 4."
            ),
            "You can call my work line that's [PHONE] extension [PHONE]."
        );
        // Control: a word before a number that is no extension's.
        assert_eq!(
            caller_answer(
                question,
                "You can call my work line that's 2125550198 in an hour for 4 minutes."
            ),
            "You can call my work line that's [PHONE] in an hour for 4 minutes."
        );
    }

    #[test]
    fn on_a_mono_recording_a_line_asking_for_a_credential_and_giving_it_shows_none_of_it() {
        // Base on a mono recording for "And the third and fifth characters of your security
        // password?" - "That's K and seven.", one line.
        let lines = conversation(&[
            (
                Speaker::Unknown,
                "And the third and fifth characters of your security password. Husky and Seven",
            ),
            (Speaker::Unknown, "Great, the payee is added."),
        ]);
        assert_eq!(
            lines[0],
            "And the third and fifth characters of your security password. [PIN]"
        );
        // Controls: a question about the password that asks for none of it, and a caller's
        // line (stereo), whose request is no one's to answer on it.
        for (speaker, said) in [
            (
                Speaker::Unknown,
                "Did you reset your password? Yes, last week.",
            ),
            (
                Speaker::Caller,
                "Can you tell me the characters of my password? I forgot them.",
            ),
        ] {
            assert_eq!(conversation(&[(speaker, said)])[0], said);
        }
    }

    #[test]
    fn a_code_answering_a_request_after_a_reference_on_the_same_line_is_redacted() {
        // Base on a mono recording: "extension" in the line before, said before its request
        // for the address, kept the postcode "BS1 5TY" in clear.
        let lines = conversation(&[
            (
                Speaker::Unknown,
                "You can call my workline that's 212-5550198 extension for 4. Okay, where should we post the new SIM?",
            ),
            (
                Speaker::Unknown,
                "Flat12-48 Harbour Road, Bristol, BS15Ti. Done, it will arrive in two days.",
            ),
        ]);
        assert!(!lines[1].contains("BS15"), "{}", lines[1]);
        // Control: a request naming a reference keeps its code.
        let lines = conversation(&[
            (Speaker::Unknown, "Okay. And what is the model?"),
            (Speaker::Unknown, "It is QX7K2LM."),
        ]);
        assert_eq!(lines[1], "It is QX7K2LM.");
    }

    #[test]
    fn a_credit_check_named_after_a_social_security_number_cues_no_card() {
        assert_eq!(
            caller_answer(
                "And your social security number for the credit check?",
                "Sure, it's 219-09-9999."
            ),
            "Sure, it's [SSN]."
        );
        // Control: "credit" naming the card still cues one.
        assert_eq!(
            caller_answer(
                "And the number on your credit card?",
                "Sure, it's 4111 1111 1111 1111."
            ),
            "Sure, it's [CREDIT_DEBIT_NUMBER]."
        );
    }

    #[test]
    fn a_correction_of_an_address_said_back_shows_none_of_its_numbers() {
        // Every model and rate: the house number corrected after the agent's read-back.
        let said = "Sorry, no, it's 52, not 42.";
        let lines = conversation(&[
            (Speaker::Agent, "Great, what's your home address?"),
            (Speaker::Caller, "It's 42 Willow Lane, Cambridge, CB2 3QZ."),
            (Speaker::Agent, "So that's 42 Willow Lane, CB2 3QZ?"),
            (Speaker::Caller, said),
            (Speaker::Agent, "Got it. And your date of birth?"),
        ]);
        // The two numbers and the word between are one span.
        assert_eq!(lines[3], "Sorry, no, it's [ADDRESS].");
        // Control: the same words after a read-back of no address.
        let lines = conversation(&[
            (Speaker::Agent, "How many tickets did you order?"),
            (Speaker::Caller, "I ordered them last week."),
            (Speaker::Agent, "So that's for the show on Friday?"),
            (Speaker::Caller, said),
            (Speaker::Agent, "Got it."),
        ]);
        assert_eq!(lines[3], said);
    }

    #[test]
    fn a_code_asked_for_by_the_signature_strip_is_redacted_on_a_mono_recording() {
        // tiny.en and base on a mono recording: "three numbers" heard as "free number", the
        // code shown at the start of the next line.
        let said = "641. Thank you, that's gone through.";
        assert_eq!(
            mono_answer("Perfect, and the free number on the signature strip.", said),
            "[CREDIT_DEBIT_CVV]. Thank you, that's gone through."
        );
        assert_eq!(
            mono_answer(
                "Perfect, and the free numbers on the signature trip.",
                "641 Thank you, and stun through."
            ),
            "[CREDIT_DEBIT_CVV] Thank you, and stun through."
        );
        // Control: the same line after a request for something else.
        assert_eq!(
            mono_answer("Perfect, and the free seats on the train.", said),
            said
        );
    }

    /// The redacted line `said` after `asked` on a mono recording (every speaker unknown).
    fn mono_answer(asked: &str, said: &str) -> String {
        conversation(&[(Speaker::Unknown, asked), (Speaker::Unknown, said)])[1].clone()
    }

    #[test]
    fn a_date_of_birth_asked_half_heard_is_redacted_on_a_mono_recording() {
        // Base on a mono recording: "date of birth" heard as "data birth", the answer at the
        // start of the next line.
        let said = "March 15, 1990. Thank you. Your application is in review.";
        assert_eq!(
            mono_answer("K1A0B1. And your data birth.", said),
            "[DATE_OF_BIRTH]. Thank you. Your application is in review."
        );
        // Control: the same line after a request for something else.
        assert_eq!(mono_answer("And when did you start the job?", said), said);
    }

    #[test]
    fn a_date_of_birth_asked_and_given_on_one_line_of_a_mono_recording_is_redacted() {
        // base and tiny.en on a mono recording for "… And your date of birth?" - "Second of
        // May, eighty seven.", "of" heard as "on".
        for said in [
            "Got it, 52 willowling and your date of birth. Second on May,",
            "Got it, 52 willowling and your date of birth. Second on May 87",
        ] {
            let lines = conversation(&[(Speaker::Unknown, said)]);
            assert!(
                lines[0].contains("your date of birth. [DATE_OF_BIRTH]")
                    && !lines[0].contains("May"),
                "{}",
                lines[0]
            );
        }
        // Controls: a date of birth asked and the line going on with something else, and a
        // date said after a request for another.
        for said in [
            "And your date of birth. Sorry, just a moment please.",
            "And the start date. Second on May,",
        ] {
            assert_eq!(conversation(&[(Speaker::Unknown, said)])[0], said);
        }
    }

    #[test]
    fn the_agent_saying_back_an_address_shows_none_of_it_however_it_was_written() {
        // Base on 8 kHz µ-law: the read-back and the confirmation of the corrected house number
        // were shown whole.
        let lines = conversation(&[
            (Speaker::Agent, "Great, what's your home address?"),
            (
                Speaker::Caller,
                "It's 42 willow rain, Cambridge, CB2 free cummed.",
            ),
            (Speaker::Agent, "So that's 42 Willowlene CB23QC."),
            (Speaker::Caller, "Sorry, no, it's 52, not 42."),
            (
                Speaker::Agent,
                "Got it, 52 Willowlene and your date of birth.",
            ),
        ]);
        // The number, the word and the code are one span.
        assert_eq!(lines[2], "So that's [ADDRESS].");
        // The street after the number too, since round 63.
        assert_eq!(lines[4], "Got it, [ADDRESS] and your date of birth.");
        // Controls: the same agent's lines with no address given before them, and an amount,
        // a time and a count said back after one.
        let lines = conversation(&[
            (Speaker::Agent, "So that's 42 Willowlene CB23QC."),
            (Speaker::Caller, "Yes."),
            (
                Speaker::Agent,
                "Got it, 52 Willowlene and your date of birth.",
            ),
        ]);
        assert_eq!(lines[0], "So that's 42 Willowlene CB23QC.");
        assert_eq!(lines[2], "Got it, 52 Willowlene and your date of birth.");
        // The same on a mono recording (tiny.en and base): the correction and the confirmation
        // of the house number were shown.
        let lines = conversation(&[
            (
                Speaker::Unknown,
                "Great, what's your home address? It's 42 Willow Lane, Cambridge, CB2-3Q-MED.",
            ),
            (Speaker::Unknown, "So that's 42 Willow Lane, CB2-3Q-Z."),
            (Speaker::Unknown, "Sorry, no, it's 52, not 42."),
            (
                Speaker::Unknown,
                "Got it, 52 willowling and your date of birth.",
            ),
        ]);
        assert_eq!(lines[2], "Sorry, no, it's [ADDRESS].");
        assert_eq!(lines[3], "Got it, [ADDRESS] and your date of birth.");
        // A postcode's digit glued to its letters is no number the agent can say back.
        let lines = conversation(&[
            (Speaker::Caller, "My postcode is EC1A 1BB."),
            (Speaker::Agent, "Please press 1 for billing."),
        ]);
        assert_eq!(lines[1], "Please press 1 for billing.");
        let said = "That's 20 dollars, delivered at 3 pm, in 2 days.";
        let lines = conversation(&[
            (Speaker::Agent, "What's your home address?"),
            (Speaker::Caller, "It's 42 Willow Lane, Cambridge."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(lines[2], said);
    }

    #[test]
    fn an_answer_after_the_callers_stall_answers_the_question_before_it() {
        use Speaker::{Agent, Caller};
        // The stall, and the agent's acknowledgement of it, stand between the question and
        // the answer: the answer is still redacted, the stall kept in clear.
        for (question, stall, ack, said, shown) in [
            (
                "What's your address?",
                "Hang on, let me find the letter.",
                None,
                "Okay. Oak Cottage, Mill Lane, Little Snoring.",
                "Oak Cottage",
            ),
            (
                "What's your memorable word?",
                "Just a moment, I wrote it down somewhere.",
                Some("Sure, take your time."),
                "Right, it's periwinkle.",
                "periwinkle",
            ),
            (
                "And your mother's maiden name?",
                "Hold on.",
                Some("No problem."),
                "Fairweather.",
                "Fairweather",
            ),
            (
                "And the postcode?",
                "Sorry, one second.",
                None,
                "Oak Cottage again, Mill Lane.",
                "Mill Lane",
            ),
        ] {
            let mut lines = vec![(Agent, question), (Caller, stall)];
            lines.extend(ack.map(|a| (Agent, a)));
            lines.push((Caller, said));
            let out = conversation(&lines);
            assert_eq!(out[1], stall, "{out:?}");
            assert!(!out.last().unwrap().contains(shown), "{out:?}");
            // Control: with no question before the stall, the same words are the caller's own
            // (but for a house's name and its street, an address by its shape alone:
            // `entities::houses_on_streets`).
            let mut lines = vec![(Agent, "Thanks for holding."), (Caller, stall)];
            lines.extend(ack.map(|a| (Agent, a)));
            lines.push((Caller, said));
            let out = conversation(&lines);
            if said.contains("Cottage, Mill Lane") {
                assert!(!out.last().unwrap().contains(shown), "{out:?}");
            } else {
                assert_eq!(out.last().unwrap(), said);
            }
        }
        // A line with more than a stall in it is read as the answer it may be: the stall's
        // words do not keep "periwinkle" in clear.
        let out = conversation(&[
            (Agent, "What's your memorable word?"),
            (Caller, "Hang on, it's periwinkle."),
        ]);
        assert!(!out[1].contains("periwinkle"), "{out:?}");
        // A thing a stall looks for, said alone, may be the answer ("wallet" the memorable
        // word): the line is no stall.
        let out = conversation(&[
            (Agent, "What's your memorable word?"),
            (Caller, "Hold on. Wallet."),
        ]);
        assert!(!out[1].contains("Wallet"), "{out:?}");
        // "One" beside no word of time is a digit, not a stall: the line is the answer.
        let out = conversation(&[
            (Agent, "What's your house number?"),
            (Caller, "Sorry, one."),
        ]);
        assert!(!out[1].contains("one"), "{out:?}");
        // An agent's line that says more than an acknowledgement is a new turn: the caller's
        // next line answers it, not the first question.
        let out = conversation(&[
            (Agent, "What's your memorable word?"),
            (Caller, "Hang on."),
            (Agent, "While you look, is the phone line okay?"),
            (Caller, "Yes, it's fine."),
        ]);
        assert_eq!(out[3], "Yes, it's fine.");
    }

    #[test]
    fn an_address_asked_and_given_on_one_line_of_a_mono_recording_is_redacted() {
        // tiny.en on a mono recording: the postcode's outward code was shown beside its digits.
        for (said, shown) in [
            ("What's the postcode? BS-15 Thai.", ["BS", "Thai"]),
            (
                "Thanks. And the first line of your address? Oak Cottage, Mill Lane.",
                ["Oak", "Mill"],
            ),
        ] {
            let out = conversation(&[(Speaker::Unknown, said)]);
            assert!(shown.iter().all(|w| !out[0].contains(w)), "{out:?}");
            assert!(out[0].contains("[ADDRESS]"), "{out:?}");
        }
        // Controls: an answer that gives none, a request for something else, and a line that
        // says an address is on file without asking for it.
        for said in [
            "What's the postcode? I don't know it.",
            "What's the reason for the call? Oak Cottage flooded.",
            "Your address is on file. Oak Cottage flooded.",
        ] {
            assert_eq!(conversation(&[(Speaker::Unknown, said)])[0], said);
        }
    }

    #[test]
    fn a_card_number_run_on_across_lines_counts_each_digit_once() {
        use Speaker::{Agent, Caller};
        // tiny.en for "Four five three nine." - "Seven one two two, eight eight zero one." -
        // "And the last bit is six four three zero.": the first two lines' digits, joined as
        // one number, were counted on both, so the card seemed complete and the last group was
        // shown.
        let mut r = Redactor::new();
        r.push(Agent, "Thank you, and the card number when you're ready.");
        r.push(Caller, "Hang on, let me get my glasses. Okay, 453-9.");
        r.push(Caller, "712 to 881.");
        // (A line ending in a number is held until the next comes.)
        let mut last: Vec<String> = r
            .push(Caller, "And the last bit is 643-0.")
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(r.open_groups, Some((Caller, 10)));
        last.extend(r.finish().into_iter().map(|l| l.text));
        assert!(last.iter().all(|l| !l.contains("643")), "{last:?}");
        // Control: sixteen digits across the two lines leave no card number open.
        let mut r = Redactor::new();
        r.push(Agent, "Thank you, and the card number when you're ready.");
        r.push(Caller, "Okay, 4539 7122");
        r.push(Caller, "8801 6430.");
        r.push(Agent, "Thanks.");
        assert_eq!(r.open_groups, None);
    }

    #[test]
    fn a_card_numbers_groups_garbled_on_telephone_audio_go_on_with_it() {
        use Speaker::{Agent, Caller};
        // base on 8 kHz µ-law for "Four five three nine." - "Seven one two two, eight eight
        // zero one." - "And the last bit is six four three zero.": the middle group, glued to a
        // letter, was a number of no kind, so the card was not open for the last group, heard
        // as digits, homophones and "Nero".
        let card = [
            (Agent, "Thank you, and the card number when you're ready."),
            (
                Caller,
                "Hang on, let me get my glasses. Okay, 4pI'm free I'm...",
            ),
            (Caller, "m122881"),
        ];
        let last = "and the last bit is 6p or free Nero1.";
        let mut lines = card.to_vec();
        lines.push((Caller, last));
        lines.push((Agent, "And the security code on the back."));
        let out = conversation(&lines);
        assert_eq!(out[2], "[CREDIT_DEBIT_NUMBER]");
        assert_eq!(out[3], "and the last bit is [CREDIT_DEBIT_NUMBER].");
        // Controls: with no card number open the line is kept; with one open, words that sound
        // like digits with no digit beside them, "one" standing for a thing, and a reference
        // and a count are kept.
        let out = conversation(&[
            (Agent, "And what's the reason for the call?"),
            (Caller, "Okay."),
            (Caller, last),
        ]);
        assert_eq!(out[2], last);
        for said in [
            "I'd like to pay for it today.",
            "The one with the blue stripe, for the car.",
            "The invoice 7947 shows 7 items.",
        ] {
            let mut lines = card.to_vec();
            lines.push((Caller, said));
            assert_eq!(conversation(&lines)[3], said);
        }
    }

    #[test]
    fn the_agents_read_back_shows_no_digit_however_it_was_garbled() {
        use Speaker::{Agent, Caller, Unknown};
        // base on 16 kHz and on 8 kHz µ-law for the agent reading back a routing number
        // "0 7 1 0 0 0 0 1 3" and an account number "4 4 8 2 9 1 7 7 3 0".
        let asked = (
            Agent,
            "Great, now the routing and account number for the deposit.",
        );
        let given = (Caller, "Routing is 071000013 and the account is 448291730.");
        for read_back in [
            "Let me read that back. Routing 071 074 074 013 Account 448 2i1773 0",
            "Let me read that back. Routing Nero Perman 1 Nero Nero Nero Nero 1 3 Account 4482 \
             I'm 1 Perman Perman 3 Nero",
        ] {
            let out = conversation(&[asked, given, (Agent, read_back), (Caller, "That's right.")]);
            assert!(
                !out[2].chars().any(|c| c.is_ascii_digit()) && !out[2].contains("Nero"),
                "{out:?}"
            );
        }
        // A read-back that only repeats the first three digits (base on µ-law for "So that's
        // three one nine two, six four zero five?").
        let out = conversation(&[
            (Agent, "and the account number"),
            (Caller, "319-26405."),
            (Agent, "So next 319-6 or near of time."),
        ]);
        assert_eq!(out[2], "So next [NUMBER] or near of time.");
        // An address's read-back, and one on a mono recording (anyone may read back there).
        let out = conversation(&[
            (Agent, "Of course, what's the new address?"),
            (
                Caller,
                "Right, flat 3, 19 Kingsway Gardens, Leeds, LS6 2AB.",
            ),
            (
                Agent,
                "So that's flat free, 19 gingesway gardens, LS6 to add,",
            ),
        ]);
        assert!(!out[2].contains('6') && !out[2].contains("19"), "{out:?}");
        let out = conversation(&[
            (
                Unknown,
                "Great, now the routing and account number for the deposit.",
            ),
            (
                Unknown,
                "Routing is 071000013 and the account is 448291730.",
            ),
            (
                Unknown,
                "Let me read that back. Routing 071 074 074 013 Account 448 2i1773 0",
            ),
        ]);
        assert!(!out[2].chars().any(|c| c.is_ascii_digit()), "{out:?}");
        // Controls: an amount on a line that confirms, a line that neither reads back nor
        // repeats a value, and a read-back with no value given before.
        for (before, said) in [
            (
                given,
                "To confirm, the deposit of 250 dollars starts next month.",
            ),
            (given, "Thanks. It takes 1 to 3 days."),
            (
                (Caller, "I'd like to check an order."),
                "Let me read that back. Order 1 2 3.",
            ),
        ] {
            assert_eq!(conversation(&[asked, before, (Agent, said)])[2], said);
        }
    }

    #[test]
    fn a_question_in_quotation_marks_still_asks() {
        use Speaker::{Agent, Caller, Unknown};
        // tiny.en on a mono recording wrapped the agent's sentences in quotation marks, and the
        // name given after "And the name of the card." was shown.
        let out = conversation(&[
            (Unknown, "3782824631005 \"And the name of the card.\""),
            (
                Unknown,
                "Peter J. Walsh \"And the four digits code on the front.\"",
            ),
        ]);
        assert_eq!(out[1], "[NAME] \"And the four digits code on the front.\"");
        let out = conversation(&[
            (
                Agent,
                "Sorry to hear that, \u{201c}Can I take your surname please?\u{201d}",
            ),
            (Caller, "Kowalski."),
        ]);
        assert_eq!(out[1], "[NAME].");
        // Control: the same line after a quoted sentence that asks for no name.
        let said = "Peter J. Walsh \"And the four digits code on the front.\"";
        let out = conversation(&[(Unknown, "\"Thanks for holding.\""), (Unknown, said)]);
        assert_eq!(out[1], said);
    }

    #[test]
    fn letters_of_a_spelling_glued_in_capitals_after_it_are_part_of_it() {
        use Speaker::{Agent, Caller};
        // tiny.en on 8 kHz µ-law for "It's Kowalski, K O W A L S K I.": the last four letters
        // came out glued in capitals after a misheard word, and were shown.
        let asked = (Agent, "Sorry to hear that, can I take your surname please?");
        for said in ["It's Kawalkit, K-O number 2.0.LSKI.", "K-O-W-A then LSKI."] {
            let out = conversation(&[asked, (Caller, said)]);
            assert!(!out[1].contains("LSKI"), "{out:?}");
        }
        // Controls: an abbreviation after a spelling, capitals four words past it, and
        // capitals with no spelling before them.
        for said in [
            "S M I T H, and the PIN is new.",
            "S M I T H, I'm at the bank NOW.",
            "I need it ASAP.",
        ] {
            let out = conversation(&[(Agent, "How can I help?"), (Caller, said)]);
            let kept = said.split(", ").last().unwrap();
            assert!(out[1].ends_with(kept), "{out:?}");
        }
    }

    #[test]
    fn a_code_asked_for_and_written_as_a_price_is_the_code() {
        // base on a mono recording for "Let me check. Okay, it's 8 0 2." after "And the CVV?".
        let said = "Let me check, okay, it's $802.";
        assert_eq!(
            caller_answer("And the CVV?", said),
            "Let me check, okay, it's $[CREDIT_DEBIT_CVV]."
        );
        assert_eq!(
            mono_answer("and the cvv.", said),
            "Let me check, okay, it's $[CREDIT_DEBIT_CVV]."
        );
        // Control: a price answering a question for one.
        assert_eq!(caller_answer("How much was the payment?", said), said);
    }

    #[test]
    fn misheard_questions_for_a_code_an_id_and_an_address_still_ask() {
        use Speaker::{Agent, Caller};
        // Each heard on 8 kHz µ-law: "sort code" as "source code", a Medicare number after
        // "medicae number" broken into pieces, "address" as "dress" (with a stall between).
        let out = conversation(&[
            (Agent, "sure, was the source code"),
            (Caller, "Hang on, yep, it's 40, 11, 62,"),
            (Agent, "and the account number."),
        ]);
        assert_eq!(out[1], "Hang on, yep, it's [BANK_ROUTING],");
        assert_eq!(
            caller_answer("And her medicae number?", "1 eG-40 e5 MKM3."),
            "[NUMBER]."
        );
        let out = conversation(&[
            (Agent, "Of course, what's the new dress?"),
            (Caller, "One moment, let me find the letter."),
            (
                Caller,
                "Right, flat-free, 19-kingsway garden, please, L.S. 6 to MAB.",
            ),
        ]);
        assert_eq!(out[2], "Right, [ADDRESS].");
        // Controls: a word hyphened to a number is no code, two letters are ("eG-40"); a short
        // line of small numbers with no code is kept; and the dress a shop sold.
        let codes = |said: &str| glued_codes(said, &tokenize(said, 0), None).len();
        assert_eq!(codes("It's the size-12 one."), 0);
        assert_eq!(codes("It's the eG-40 one."), 1);
        let said = "2 or 3 of them.";
        assert_eq!(caller_answer("And her medicae number?", said), said);
        let said = "Blue, the long one with sleeves.";
        assert_eq!(caller_answer("Which is the dress you ordered?", said), said);
    }

    #[test]
    fn an_id_spelled_with_digits_at_both_ends_is_redacted_whole() {
        // tiny.en on 8 kHz µ-law for a Medicare number "1EG4TE5MK73" after a question it
        // misheard: the digit glued before the first letter and the one ending the line were
        // shown.
        assert_eq!(
            caller_answer("And her meditative care number?", "1e g 4 d e 5 m k p m 3."),
            "[NUMBER]."
        );
        // Control: a number after a spelling that does not end the line keeps its own rules.
        assert_eq!(
            caller_answer("How can I help?", "It's S M I T H, 2 of them live here."),
            "It's [NAME], 2 of them live here."
        );
    }

    #[test]
    fn a_mono_line_that_asks_then_stalls_still_asks() {
        use Speaker::Unknown;
        // base and tiny.en on a mono recording: the question and the caller's stall came out
        // on one line, the address on the next.
        let said = "Right, flat-free, 19-kingsway garden, please, L.S. 6 to MAB.";
        let out = conversation(&[
            (
                Unknown,
                "Of course, what's the new address? One moment, let me find the letter.",
            ),
            (Unknown, said),
        ]);
        assert_eq!(out[1], "Right, [ADDRESS].");
        // Controls: the same stall after no question, and a question followed by more than a
        // stall.
        let said = "Right, Kingsway Gardens, please.";
        for asked in [
            "Thanks, noted. One moment, let me find the letter.",
            "What's the new address? Oh, and the bill is wrong.",
        ] {
            assert_eq!(conversation(&[(Unknown, asked), (Unknown, said)])[1], said);
        }
    }

    #[test]
    fn a_question_ending_in_name_asks_for_one_whatever_came_before() {
        // tiny.en on 8 kHz µ-law heard "full name" as "phone name": the patient's name was
        // shown.
        assert_eq!(
            caller_answer(
                "Can I have the patient's phone name?",
                "Marjorie Pellen O'Brien."
            ),
            "[NAME]."
        );
        // Controls: a thing's name, and the same words after no question.
        let said = "Acme Widgets.";
        assert_eq!(caller_answer("What's the company name?", said), said);
        let said = "Marjorie Pellen O'Brien.";
        assert_eq!(
            caller_answer("The patient's phone name is on file.", said),
            said
        );
    }

    #[test]
    fn a_card_code_named_just_before_it_is_the_security_code() {
        // A caller giving the card, its expiry and its code on one line: "the code is 384"
        // was tagged as the expiry the nearer cue named.
        let question =
            "Can I get the card number, the expiry date and the three digits on the back?";
        let said =
            "Sure, the number is 5105 1051 0510 5100, it expires March 28, and the code is 384.";
        assert_eq!(
            caller_answer(question, said),
            "Sure, the number is [CREDIT_DEBIT_NUMBER], it expires [CREDIT_DEBIT_EXPIRY], and \
             the code is [CREDIT_DEBIT_CVV]."
        );
        // Control: a code named as no secret is no card's code.
        let said = "Sure, the number is 5105 1051 0510 5100, and the zip code is 10001.";
        assert_eq!(
            caller_answer("Card number and billing details?", said),
            "Sure, the number is [CREDIT_DEBIT_NUMBER], and the zip code is [ADDRESS]."
        );
    }

    #[test]
    fn the_other_partys_next_question_names_nothing_said_before_it() {
        // "Thanks, and the last four?" - "0049." - "And the expiry?": the card's last four
        // were tagged as the expiry the next question asks for.
        let out = conversation(&[
            (Speaker::Agent, "Go ahead with the long number."),
            (Speaker::Caller, "4917 6100 0000"),
            (Speaker::Agent, "Sorry, could you repeat the third group?"),
            (Speaker::Caller, "Third group, 8821."),
            (Speaker::Agent, "Thanks, and the last four?"),
            (Speaker::Caller, "0049."),
            (Speaker::Agent, "And the expiry?"),
            (Speaker::Caller, "12/26."),
        ]);
        assert_eq!(out[5], "[CREDIT_DEBIT_NUMBER].");
        assert_eq!(out[7], "[CREDIT_DEBIT_EXPIRY].");
        // Control: the speaker's own words after a number still name it.
        assert_eq!(
            caller_answer("Anything else?", "It's 0827, that's the expiry."),
            "It's [CREDIT_DEBIT_EXPIRY], that's the expiry."
        );
    }

    #[test]
    fn digits_said_as_words_glued_by_hyphens_are_a_number() {
        // Base on 8 kHz µ-law: a phone number, a card's groups and its last four written as
        // words glued by hyphens were shown whole.
        let out = conversation(&[
            (
                Speaker::Agent,
                "And the film number the engineer can reach you on.",
            ),
            (
                Speaker::Caller,
                "Two-Emmen-O-Five-Emmen-O-Five, Nero-One-Four-Fix.",
            ),
            (Speaker::Agent, "Thanks, someone will call you today."),
        ]);
        // "can reach you on" asks for a phone, whatever "film number" was.
        assert_eq!(out[1], "[PHONE], [PHONE].");
        let out = conversation(&[
            (Speaker::Agent, "Go ahead with the long number."),
            (Speaker::Caller, "4917, 6-1-Nero-Nero, Nero-Nero-Nero-Nero."),
            (Speaker::Agent, "Thanks, and the last four?"),
            (Speaker::Caller, "Nero-Nero-4-I-N"),
            (Speaker::Agent, "And the expiry?"),
        ]);
        assert!(
            !out[1].contains("Nero") && !out[1].contains('6'),
            "{}",
            out[1]
        );
        assert_eq!(out[3], "[NUMBER]");
        // Control: phrases of number words joined by another word, or of two number words.
        let said = "I work nine-to-five, one-on-one, a two-for-one deal, twenty-one days, \
                    twenty-four-seven.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn the_answer_to_a_request_for_the_postal_code_is_the_address() {
        // tiny.en on 8 kHz µ-law for "K one A, zero B one": "K1/8" was shown.
        assert_eq!(
            caller_answer(
                "Thank you and the new postal code.",
                "K1/8, there will be one."
            ),
            "[ADDRESS]."
        );
        // Control: a line that gives none keeps its words.
        let said = "I don't know the postal code, sorry.";
        assert_eq!(caller_answer("And the postal code?", said), said);
    }

    #[test]
    fn an_address_answer_counts_what_whisper_glued_with_hyphens_as_one_word() {
        // Base on 8 kHz µ-law for "Apartment 4B, twelve oh seven West Elm Street, Springfield,
        // Illinois, six two seven oh four": nothing of it was redacted, its hyphenated pieces
        // counted as more words than an address has.
        let said = "Apartment for me, well-mode, and well-mode, and well-mode, and three, \
                    Springfield, Illinois, Biggs, Two-Emmen-O-Four.";
        assert_eq!(
            caller_answer("Sorry about that, what's the address?", said),
            "[ADDRESS]."
        );
        // Control: a longer answer is more than an address.
        let said = "Well the one I gave you last year is the one on the letter you sent me, \
                    but I think the new one starts with the number of the flat.";
        assert_eq!(caller_answer("What's the address?", said), said);
    }

    #[test]
    fn an_email_read_back_takes_the_pieces_whisper_wrote_before_it() {
        // "john dot pemberton at gmail dot com" read back, on 8 kHz µ-law: "John" was shown.
        // The caller's line as each decode heard it, then the agent's.
        for (given, read_back) in [
            (
                "It's on dot member to@gmail.com.",
                "Let me just write that back, John Dot, Pemberton@mail.com.",
            ),
            (
                "It's on.com.",
                "Let me just write that back, John.com, Berton@Mail.com.",
            ),
            (
                "It's long.com/@email.com",
                "Let me just write that back. John dot 10, Berton@mail.com.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "And your email address?"),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
                (Speaker::Caller, "That's it."),
            ]);
            assert!(
                out[2].ends_with(" [EMAIL].") && !out[2].to_lowercase().contains("john"),
                "{}",
                out[2]
            );
        }
        // Control: words that say what the line is about stay.
        let out = conversation(&[
            (Speaker::Agent, "And your email address?"),
            (
                Speaker::Caller,
                "My old one was at work, it's jp@gmail.com now.",
            ),
            (Speaker::Agent, "Thanks, so that is jp@gmail.com."),
        ]);
        assert_eq!(out[2], "Thanks, so that is [EMAIL].");
    }

    #[test]
    fn a_sentence_spelling_an_address_after_one_was_given_is_its_read_back() {
        // Base on a mono recording: "john dot pemberton at gmail dot com" read back.
        let read_back =
            "Let me just write that back. John dot com Bertonex mail dot com. I see it.";
        let out = conversation(&[
            (
                Speaker::Unknown,
                "And your email address? It's john.com/embrotatemail.com",
            ),
            (Speaker::Unknown, read_back),
        ]);
        assert_eq!(out[1], "Let me just write that back. [EMAIL]. I see it.");
        // Controls: with no address given before, and a website said with one "dot".
        let out = conversation(&[
            (Speaker::Unknown, "What's your phone?"),
            (Speaker::Unknown, read_back),
        ]);
        assert_eq!(out[1], read_back);
        let out = conversation(&[
            (Speaker::Agent, "And your email address?"),
            (Speaker::Caller, "It's jp@gmail.com."),
            (
                Speaker::Agent,
                "Thanks. You can also visit earshot dot com.",
            ),
        ]);
        assert_eq!(out[2], "Thanks. You can also visit earshot dot com.");
    }

    #[test]
    fn an_id_named_by_its_cue_keeps_the_ids_kind() {
        // A passport's nine digits were tagged a bank account, an NHS number's ten a phone.
        assert_eq!(
            caller_answer("Sure, what's the passport number?", "532187642."),
            "[NUMBER]."
        );
        assert_eq!(
            caller_answer("Of course. What's your NHS number?", "485 777 3456."),
            "[NUMBER]."
        );
        // Control: a phone asked for is a phone.
        assert_eq!(
            caller_answer("And a contact number?", "485 777 3456."),
            "[PHONE]."
        );
    }

    #[test]
    fn a_phone_numbers_rest_past_words_whisper_made_of_it_is_part_of_it() {
        // tiny.en for "plus forty four, seven seven zero zero, nine double zero, one two three",
        // after a question heard as a statement: "double-zero, 123" was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "No problem, watch the best phone number for you.",
            ),
            (
                Speaker::Caller,
                "It's plus 447700, the I'll double-zero, 123.",
            ),
            (Speaker::Agent, "And your email address."),
        ]);
        assert_eq!(out[1], "It's plus [PHONE], the I'll [PHONE].");
        // Controls: a time, a count and a reference are not.
        let question = "What's the best phone number for you?";
        for (said, shown) in [
            (
                "It's 07700 900123, after 10 pm.",
                "It's [PHONE], after 10 pm.",
            ),
            (
                "It's 07700 900123, I have 12 kids.",
                "It's [PHONE], I have 12 kids.",
            ),
            (
                "It's 07700 900123, order 4417.",
                "It's [PHONE], order 4417.",
            ),
        ] {
            assert_eq!(caller_answer(question, said), shown);
        }
    }

    #[test]
    fn neros_in_a_line_that_gives_a_number_are_more_of_it() {
        // tiny.en on 8 kHz µ-law for "four nine one seven, six one zero zero, zero zero zero
        // zero" and "zero zero four nine": the zeros were shown as "Nero".
        let out = conversation(&[
            (Speaker::Agent, "Go ahead with the long number."),
            (Speaker::Caller, "491 761 0 Nero, Nero Nero Nero Nero."),
            (Speaker::Agent, "Sorry, could you repeat the third group?"),
            (Speaker::Caller, "Third group, 881"),
            (Speaker::Agent, "Thanks and the last four."),
            (Speaker::Caller, "0 Nero 49."),
            (Speaker::Agent, "And the next pirate."),
        ]);
        // One tag since the repeated "Nero" makes the whole answer the number (the answer to
        // a request said as one word over and over: `repeated_word`); two before.
        assert_eq!(out[1], "[CREDIT_DEBIT_NUMBER].");
        assert!(!out[5].contains("Nero"), "{}", out[5]);
        // Control: a line that gives no number keeps the word.
        let said = "We watched a film about Nero, Nero the emperor.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn the_last_digits_of_a_value_whose_name_was_misheard_are_redacted() {
        // tiny.en on 8 kHz µ-law for "the card on file, ending in six six one two".
        let out = conversation(&[
            (Speaker::Caller, "Hi Paula, I want to pay my premium."),
            (
                Speaker::Agent,
                "Sure, do you want to use the hard on file ending in 66612?",
            ),
        ]);
        assert_eq!(
            out[1],
            "Sure, do you want to use the hard on file ending in [NUMBER]?"
        );
        // Controls: a reference's end, and a time.
        let said = "Your order number ending 4417 has shipped, the offer ending at 10 pm.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn a_long_number_broken_into_digits_and_words_is_a_value_whatever_its_name_became() {
        // An IBAN asked for as "ebony", "Ubuntu" and "event": base at 16 kHz, tiny.en on 8 kHz
        // µ-law, base on a mono recording. Its digits were shown.
        let out = conversation(&[
            (Speaker::Agent, "Sure what's his ebony"),
            (
                Speaker::Caller,
                "reading a thine free 7000 for nero 4 for nero 532 nero 1 free nero nero",
            ),
            (Speaker::Agent, "and his full name."),
        ]);
        assert_eq!(out[1], "reading a thine [NUMBER]");
        let out = conversation(&[
            (Speaker::Agent, "Sure, what's his Ubuntu?"),
            (
                Speaker::Caller,
                "unique8 of high. midstADM Coat For. nearo0044 Mailow5 32 mould 1462 slams",
            ),
            (Speaker::Agent, "And his full name."),
        ]);
        assert!(
            !out[1].contains("32") && !out[1].contains("1462"),
            "{}",
            out[1]
        );
        let out = conversation(&[
            (
                Speaker::Unknown,
                "Hi Anna, I want to send money to my brother.",
            ),
            (
                Speaker::Unknown,
                "Sure, what's his event? Viliate I, 3M044, Nero Nero44, Nero 532, Nero 1 3 Nero, \
                 Nero Nero.",
            ),
        ]);
        assert!(
            !out[1].contains("532") && !out[1].contains('3'),
            "{}",
            out[1]
        );
        // Controls: amounts, counts, years and times, and two numbers alone.
        let said = "I paid 7000 for 4 cars in 2019 and 2020, at 10 30 on the 4th of July 2023.";
        assert_eq!(caller_answer("Anything else?", said), said);
        let said = "Oh, she reviewed the docs 4412 and 4413.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn a_callers_line_of_dotted_words_is_an_address_whose_at_was_lost() {
        // tiny.en on 8 kHz µ-law for "s dot k at outlook dot com", after the question came
        // out as "what he may live you use".
        assert_eq!(
            caller_answer("Let me check what he may live you use.", "S.kit.loop.com."),
            "[EMAIL]."
        );
        // Controls: a website named, one said with "www", and a sentence with a domain in it.
        for said in [
            "amazon.co.uk.",
            "www.bbc.co.uk",
            "I bought it from support.apple.com last week.",
        ] {
            assert_eq!(caller_answer("Where did you buy it?", said), said);
        }
    }

    #[test]
    fn a_spelling_glued_into_capitals_in_a_name_answer_is_the_name() {
        // "Siobhan O'Driscoll. That's S I O B H A N." - "O apostrophe D R I S C O L L.":
        // base at 16 kHz and on 8 kHz µ-law, tiny.en at 16 kHz. The glued letters were shown.
        for (given, spelled, name, surname) in [
            (
                "Shaube Noverskull, that's SiobHAN.",
                "Who apostrophe DRISCOL.",
                "[NAME], that's [NAME].",
                "[NAME].",
            ),
            (
                "Show the Novris poll that's SIO VHEN.",
                "Who apostrophe DRIS COL?",
                "[NAME] the Novris poll that's [NAME].",
                "[NAME]?",
            ),
            (
                "Shout-but-not-rescle, that's SIRBHA and...",
                "Go past Rifidiar ISCLLL.",
                "[NAME], that's [NAME] and...",
                // Since the short answer to a request to spell is the spelling whole, the
                // "past" between the glued pieces too.
                "[NAME].",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Can I take your full name?"),
                (Speaker::Caller, given),
                (Speaker::Agent, "And the surname spelling."),
                (Speaker::Caller, spelled),
                (Speaker::Agent, "Thank you."),
            ]);
            assert_eq!(out[1], name);
            // The agent's request names no one.
            assert_eq!(out[2], "And the surname spelling.");
            assert_eq!(out[3], surname);
        }
        // Control: capitals that are an abbreviation, or not in an answer to a name.
        let said = "It's on my NHS card, OK, I'll find it.";
        assert_eq!(caller_answer("What's your NHS number?", said), said);
        let said = "The SIM came with the BT router.";
        assert_eq!(caller_answer("How did it arrive?", said), said);
    }

    #[test]
    fn the_agent_echoing_a_corrected_group_of_the_callers_number_is_hidden() {
        // Round 62, for "Oh seven nine one one, one two three, four five six." read back
        // ending "… four five eight", corrected ("No, it's six at the end, not eight.") and
        // read again "Sorry, four five six. Got it.": "456" was shown on four decodes (tiny.en
        // at 16 kHz and on µ-law, base on µ-law, whose caller's number lost its 5).
        for (given, read) in [
            ("07911123456.", "Go 7911123458"),
            ("0M9111234-I-6", "Go 7 9 11 123458"),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "What's a good number to call you back on?"),
                (Speaker::Caller, given),
                (Speaker::Agent, read),
                (Speaker::Caller, "No, it's 6 at the end, not 8."),
                (Speaker::Agent, "Sorry, 456, got it?"),
            ]);
            assert_eq!(out[4], "Sorry, [PHONE], got it?");
        }
        // Controls: no value given, and a price.
        let out = conversation(&[
            (Speaker::Caller, "I'd like to order the blue one."),
            (Speaker::Agent, "Sorry, 456, got it?"),
        ]);
        assert_eq!(out[1], "Sorry, 456, got it?");
        let out = conversation(&[
            (Speaker::Agent, "What's a good number to call you back on?"),
            (Speaker::Caller, "07911123456."),
            (Speaker::Agent, "That's $4.56, okay?"),
        ]);
        assert_eq!(out[2], "That's $4.56, okay?");
    }

    #[test]
    fn a_po_box_read_back_with_its_letters_half_heard_is_the_address() {
        // Round 62, tiny.en at 16 kHz and on 8 kHz µ-law for the agent's "P O Box four four one
        // two, Austin, Texas." after the caller gave it: "P.U. Box 442." and "P. U. O. Box 442.
        // Austin Texas." were shown (the µ-law caller's box heard as "field ox 4.4.12", found
        // by a rule after the one that learns an address's words).
        for (given, read) in [
            (
                "To my PO box, PO box 4-4-12, Austin, Texas 7-8-7-1-1.",
                "P.U. Box 442. Austin, Texas. Thank you.",
            ),
            (
                "To my field ox, field ox 4.4.12, Austin, Texas 78711.",
                "P. U. O. Box 442. Austin Texas. Thank you",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Where do you want the statements mailed?"),
                (Speaker::Caller, given),
                (Speaker::Agent, read),
            ]);
            assert!(out[1].contains("[ADDRESS]"), "{}", out[1]);
            assert!(
                !out[2].contains("442") && !out[2].contains("Austin"),
                "{}",
                out[2]
            );
        }
        // Controls: a box with no letters before it, and letters that are no P.O.
        for said in [
            "I'll put it in the box 12 on the shelf.",
            "The A. B. Box 12 is sold out.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn a_code_read_back_that_opens_as_a_value_given_is_the_value() {
        // Round 62, tiny.en at 16 kHz and on 8 kHz µ-law, and base, for the agent's "D five
        // five one, two two zero, three four." after a driving licence: "d5512234" and
        // "De551-2034" were shown whole.
        for read in ["d5512234", "De551-2034"] {
            let out = conversation(&[
                (
                    Speaker::Agent,
                    "Can you read me your driver's license number?",
                ),
                (Speaker::Caller, "Sure, the onion may vid 551 22034"),
                (Speaker::Agent, read),
            ]);
            assert_eq!(out[2], "[NUMBER]");
        }
        // Controls: a code that opens otherwise, and one of fewer than five digits.
        for read in ["Your booking is BA7712234.", "Gate B552, thank you."] {
            let out = conversation(&[
                (
                    Speaker::Agent,
                    "Can you read me your driver's license number?",
                ),
                (Speaker::Caller, "Sure, the onion may vid 551 22034"),
                (Speaker::Agent, read),
            ]);
            assert_eq!(out[2], read);
        }
    }

    #[test]
    fn a_house_number_with_its_letter_read_back_with_the_street_is_the_address() {
        // Round 60, base on a mono recording for "No, we moved to three Birch Close, LS17 8QP."
        // - "Three Birch Close, thank you, I've updated it.": the read-back "3B LOS" was shown.
        let out = conversation(&[
            (
                Speaker::Unknown,
                "Is your address still 14L Grove bleeds LS6 to AB?",
            ),
            (Speaker::Unknown, "No, we moved to 3B LOS 178QT."),
            (Speaker::Unknown, "3B LOS, thank you, I've updated it."),
        ]);
        assert_eq!(out[2], "[ADDRESS], thank you, I've updated it.");
        // Control: the same words with no address heard.
        let said = "It's 3B LOS on my ticket.";
        assert_eq!(caller_answer("Which seat is it?", said), said);
    }

    #[test]
    fn the_addresses_a_caller_moved_between_and_the_new_one_read_back_are_hidden() {
        // Round 63, for "I've moved house. I moved from ten Elm Road to twenty two Birch
        // Avenue." - "Twenty two Birch Avenue. And the new postcode?": tiny.en on µ-law showed
        // both addresses ("I move from 10 L roads to 22 L."), tiny.en the new one ("… to 22 W
        // canv and move."), base the agent's read-back ("22 bar Chavenu and the new postcode",
        // after "… to 22ber chavanou.").
        for said in [
            "I move house. I move from 10 L roads to 22 L.",
            "I've moved house. I moved from 10 Elm Road to 22 W canv and move.",
        ] {
            let out = caller_answer("How can I help today?", said);
            assert!(
                !out.contains("10") && !out.contains("22") && !out.contains("canv"),
                "{out}"
            );
        }
        let out = conversation(&[
            (Speaker::Agent, "How can I help today?"),
            (
                Speaker::Caller,
                "I moved house. I moved from 10l road to 22ber chavanou.",
            ),
            (Speaker::Agent, "22 bar Chavenu and the new postcode"),
        ]);
        assert_eq!(
            out[1],
            "I moved house. I moved from [ADDRESS] to [ADDRESS]."
        );
        assert_eq!(out[2], "[ADDRESS] and the new postcode");
        // Controls: no move said, and a move with no house number.
        for said in [
            "I drove from 10 Downing fans to 22 others.",
            "I moved from London to Leeds in 2019.",
        ] {
            let out = caller_answer("How can I help today?", said);
            assert!(out.contains(" to "), "{out}");
            assert!(!out.contains("[ADDRESS]"), "{out}");
        }
    }

    #[test]
    fn a_cardholders_name_after_its_expiry_and_its_initial_read_back_are_hidden() {
        // Round 70, for "Could you tell me the card's expiry and the name on it?" - "Expires
        // the end of August twenty nine, and it's Daniel J. Morgan." - "August twenty nine,
        // Daniel J. Morgan, thanks.": every decode showed the name ("and its Daniel J.
        // Morgan.": "name on it" was no question for a name, and "its" no "it's"), "expires"
        // showed as "[NAME]", and the read-back's initial stayed ("annual J. [NAME]").
        let out = conversation(&[
            (
                Speaker::Agent,
                "Could you tell me the card's expiry and the name on it?",
            ),
            (
                Speaker::Caller,
                "expires the end of August 29 and its Daniel J. Morgan.",
            ),
            (Speaker::Agent, "August 29th annual J. Morgan, thanks."),
        ]);
        assert_eq!(
            out[1],
            "expires the end of [CREDIT_DEBIT_EXPIRY] and its [NAME]."
        );
        assert_eq!(out[2], "[CREDIT_DEBIT_EXPIRY] annual [NAME], thanks.");
        assert_eq!(
            caller_answer("What's the name on it?", "Yes, its Priya Raman."),
            "Yes, its [NAME]."
        );
        // Controls: "its" before a capitalised word that answers no question for a name, and
        // an initial before a word no one was named.
        for (question, said) in [
            ("Which card is it?", "It's in my wallet, its Visa."),
            ("What's on it?", "Just its Apple logo."),
        ] {
            assert_eq!(caller_answer(question, said), said);
        }
        let out = conversation(&[
            (Speaker::Agent, "And the name on the card?"),
            (Speaker::Caller, "Morgan."),
            (Speaker::Agent, "Thanks. Is that plan J. Premium?"),
        ]);
        assert_eq!(out[2], "Thanks. Is that plan J. Premium?");
    }

    #[test]
    fn a_phone_number_read_back_after_plus_is_hidden() {
        // Round 77, tiny.en for "Plus four four, twenty, seven nine four six, double oh one
        // eight." and the agent's read-back: the read-back was shown whole.
        let out = conversation(&[
            (Speaker::Agent, "is never that line we can reach you on."),
            (
                Speaker::Caller,
                "Yes, plus 4 for 20, 7 9 4 6, double over 8.",
            ),
            (Speaker::Agent, "Plus 4/4/20/09/4/6/11/8."),
        ]);
        assert!(!out[2].chars().any(|c| c.is_ascii_digit()), "{}", out[2]);
        // Controls: no value given before it, and a line with words besides the number.
        let out = conversation(&[
            (Speaker::Agent, "Hello there."),
            (Speaker::Agent, "Plus 4/4/20/09/4/6/11/8."),
        ]);
        assert_eq!(out[1], "Plus 4/4/20/09/4/6/11/8.");
        let out = conversation(&[
            (Speaker::Agent, "is never that line we can reach you on."),
            (
                Speaker::Caller,
                "Yes, plus 4 for 20, 7 9 4 6, double over 8.",
            ),
            (Speaker::Agent, "Plus 20 dollars for the call out."),
        ]);
        assert_eq!(out[2], "Plus 20 dollars for the call out.");
    }

    #[test]
    fn an_email_written_with_an_underscore_and_no_at_is_hidden() {
        // Round 77, tiny.en on a mono recording for "k underscore lee at outlook dot com" read
        // back: "K_lea.com", on any line, as no host name holds an underscore.
        for speaker in [Speaker::Agent, Speaker::Caller, Speaker::Unknown] {
            let out = conversation(&[(speaker, "Hello."), (speaker, "K_lea.com")]);
            assert_eq!(out[1], "[EMAIL]", "{speaker:?}");
        }
        // Controls: a file's name, a domain with no underscore.
        let out = conversation(&[
            (Speaker::Caller, "Hello."),
            (
                Speaker::Caller,
                "I attached my_report.pdf to it, and see bbc.co.uk.",
            ),
        ]);
        assert!(out[1].contains("my_report.pdf"), "{}", out[1]);
    }

    #[test]
    fn an_address_asked_for_with_which_and_no_question_mark() {
        // Round 79, tiny.en on 8 kHz µ-law for "Which house number and street is that?" -
        // "Number seventy three, Willow Crescent, Harrogate, H G one, four P Q.": shown whole.
        let said = "Number 73 Willow Crapin, Harrogate H.E. 1 for BQ.";
        let question = "which house number and street is that.";
        assert_eq!(caller_answer(question, said), "[ADDRESS].");
        // Control: "which" inside a sentence naming a street asks for nothing.
        let out = caller_answer("The street which floods is closed.", said);
        assert!(out.contains("Willow Crapin"), "{out}");
    }

    #[test]
    fn an_email_asked_for_with_which_and_no_question_mark() {
        // Round 77, tiny.en on a mono recording for "Which email address is on the account?" -
        // "K for kilo, underscore, lee, at outlook dot com.": the answer was shown.
        let asked = "which email addresses on the account.";
        let out = conversation(&[
            (Speaker::Unknown, asked),
            (Speaker::Unknown, "K4gigo_ly. At outlook.com."),
        ]);
        assert_eq!(out[1], "[EMAIL].");
        // Control: "which" inside a sentence that names an e-mail asks for none (the same
        // words are then no answer; no rule reads them as an address).
        let out = conversation(&[
            (Speaker::Unknown, "The email which we sent bounced."),
            (Speaker::Unknown, "K4gigo_ly. At outlook.com."),
        ]);
        assert_eq!(out[1], "K4gigo_ly. At outlook.com.");
    }

    #[test]
    fn a_number_opening_the_agents_line_after_a_garbled_answer_is_its_read_back() {
        // Round 77, base on 8 kHz µ-law for "And the three numbers on the signature strip?" -
        // "Eight one five." - "Eight one five, thank you.": the answer was heard as "A1 i'm…",
        // which no read-back matches, and the agent's "815" was shown.
        let question = "and the three numbers on the signature strip.";
        let out = conversation(&[
            (Speaker::Agent, question),
            (Speaker::Caller, "A1 i'm..."),
            (Speaker::Agent, "815, thank you."),
        ]);
        assert_eq!(out[2], "[CREDIT_DEBIT_CVV], thank you.");
        // Controls: no value asked for; and an amount or a reference opening the line.
        let out = conversation(&[
            (Speaker::Agent, "Anything else today?"),
            (Speaker::Caller, "A1 i'm..."),
            (Speaker::Agent, "815, thank you."),
        ]);
        assert_eq!(out[2], "815, thank you.");
        for said in ["250 dollars is the fee.", "Ticket 4410 is open for it."] {
            let out = conversation(&[
                (Speaker::Agent, question),
                (Speaker::Caller, "A1 i'm..."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
    }

    #[test]
    fn an_expiry_asked_for_garbled_as_acquires_or_next_fire() {
        // Round 77, "When does the card expire?" - "The end of next year, December twenty
        // seven." - "Twelve twenty seven, thanks.": tiny.en and base on 8 kHz µ-law garbled the
        // question, and the expiry and its read-back were shown.
        for (question, given, read_back) in [
            (
                "When does the car next fire?",
                "the end of next year, December 27.",
                "1227 thanks.",
            ),
            (
                "When the card acquires,",
                "the end of next year December 27.",
                "Twelve twenty seven, thanks.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, question),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert!(!out[1].contains("27"), "{}", out[1]);
            assert!(
                !out[2].contains("27") && !out[2].contains("seven"),
                "{}",
                out[2]
            );
        }
        // Controls: a car's fire, and another question, are no expiry's question.
        for question in ["Did the car catch fire?", "When is the engineer coming?"] {
            let out = conversation(&[
                (Speaker::Agent, question),
                (Speaker::Caller, "the end of next year, December 27."),
                (Speaker::Agent, "Twelve twenty seven, thanks."),
            ]);
            assert_eq!(out[1], "the end of next year, December 27.", "{question}");
            assert_eq!(out[2], "Twelve twenty seven, thanks.", "{question}");
        }
    }

    #[test]
    fn an_email_answer_ending_in_dot_co_dot_uk_heard_as_not() {
        // Round 75 live, tiny.en on 8 kHz µ-law for "It's mary hyphen jones at talk talk dot co
        // dot uk.": the final was shown whole after its partials were hidden.
        let question = "What email should we send the receipt?";
        for said in [
            "It's Mary Hyphen, no Matt Dork, not co-not UK.",
            "It's Mary High, Joan that talk, talk, not go not UK.",
        ] {
            assert_eq!(caller_answer(question, said), "It's [EMAIL].", "{said}");
        }
        // Live too its question garbled ("What he may also be send the receipt."): asked
        // where to send something, an answer ending so is the address.
        let garbled = "What he may also be send the receipt.";
        let said = "It's Mary High, Joan that talk, talk, not go not UK.";
        let out = caller_answer(garbled, said);
        assert!(!out.contains("Joan") && !out.contains("talk"), "{out}");
        // Found as an e-mail (not as the name in it), so the agent's read-back is looked for.
        let out = conversation(&[
            (Speaker::Agent, garbled),
            (Speaker::Caller, said),
            (
                Speaker::Agent,
                "Merry High, Joan that talk, talk, not go not UK. Perfect.",
            ),
        ]);
        assert_eq!(out[1], "It's [EMAIL].");
        assert_eq!(out[2], "[EMAIL]. Perfect.");
        // Controls: one "not" before a country is no domain, asked for an e-mail or not.
        for said in [
            "I moved from Spain, not UK.",
            "Sorry, it's the work one, not UK.",
        ] {
            assert_eq!(caller_answer(question, said), said);
            assert_eq!(caller_answer(garbled, said), said);
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn an_emails_first_and_last_name_glued_by_a_stop_read_back() {
        // Round 76 live, tiny.en for "John dot smith eight two at gmail, got it." after the
        // caller's "john dot smith eighty two at gmail dot com": "mitade" was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "and watch some of their best email for you.",
            ),
            (Speaker::Caller, "john.smith82@gmail.com."),
            (Speaker::Agent, "\"John.mitade to my email, got it.\""),
        ]);
        assert_eq!(out[2], "\"[EMAIL] to my email, got it.\"");
        // Controls: letters glued by stops, and words glued by one with no e-mail near.
        let out = conversation(&[
            (
                Speaker::Agent,
                "and watch some of their best email for you.",
            ),
            (Speaker::Caller, "john.smith82@gmail.com."),
            (Speaker::Agent, "Right, i.e. the same one as before."),
        ]);
        assert_eq!(out[2], "Right, i.e. the same one as before.");
        let out = conversation(&[
            (Speaker::Agent, "How can I help?"),
            (Speaker::Caller, "I read Hello.world the book."),
        ]);
        assert_eq!(out[1], "I read Hello.world the book.");
    }

    #[test]
    fn a_house_name_and_its_street_said_with_no_number() {
        // Round 78, tiny.en on 8 kHz µ-law for "And what's the address for delivery?" - "Rose
        // Cottage, Mill Lane, Little Snoring, N R two one, zero A B.": its request garbled, the
        // answer was shown whole, and its read-back too.
        let out = conversation(&[
            (Speaker::Agent, "and what's the rest for delivery."),
            (
                Speaker::Caller,
                "Rose cottage, Mill Lane, Little Snoring, and R2 1, 0 and B.",
            ),
            (Speaker::Agent, "Rose Cottage, Elaine, thank you."),
        ]);
        assert!(out[1].starts_with("[ADDRESS],"), "{}", out[1]);
        assert!(out[2].starts_with("[ADDRESS],"), "{}", out[2]);
        for (said, kept) in [
            (
                "The White House, Church Road please.",
                "The [ADDRESS] please.",
            ),
            ("It's Oak Farm, Long Lane.", "It's [ADDRESS]."),
        ] {
            let out = conversation(&[(Speaker::Agent, "Hello."), (Speaker::Caller, said)]);
            assert_eq!(out[1], kept);
        }
        // Controls: a house with no name before it, and a name with no street after it.
        for said in [
            "My house, Church Road is big.",
            "The White House is in the news.",
        ] {
            let out = conversation(&[(Speaker::Agent, "Hello."), (Speaker::Caller, said)]);
            assert_eq!(out[1], said);
        }
    }

    #[test]
    fn a_value_said_in_number_words_is_remembered_for_its_read_back() {
        // Round 80, base on 8 kHz µ-law for "A B, one two, three four, five six, D." and the
        // agent's read-back: the answer was found by its words, its digits not remembered, and
        // "AB1234560" was shown.
        let question = "What's your national insurance number?";
        let out = conversation(&[
            (Speaker::Agent, question),
            (Speaker::Caller, "baby one two three four five six D"),
            (Speaker::Agent, "AB1234560, thank you."),
        ]);
        assert_eq!(out[2], "[SSN], thank you.");
        // Control: a code the caller did not give stays.
        let out = conversation(&[
            (Speaker::Agent, question),
            (Speaker::Caller, "baby one two three four five six D"),
            (Speaker::Agent, "Your case is XY9081726, thank you."),
        ]);
        assert_eq!(out[2], "Your case is XY9081726, thank you.");
        // Control: an amount in words a rule could give no kind is not remembered, so the
        // agent's sentence about it keeps its counts and date (round 61), with each line shown
        // word by word first as it is live.
        let said = "I see two charges of 4999 on November 3rd, one is a duplicate.";
        let mut r = Redactor::new();
        let mut out = Vec::new();
        for (speaker, line) in [
            (Speaker::Agent, "Billying, this is Dana, how can I help?"),
            (
                Speaker::Caller,
                "I was charged forty-nine-nine-nine twice on the third of November.",
            ),
            (Speaker::Agent, said),
        ] {
            let words: Vec<&str> = line.split_whitespace().collect();
            for k in 1..words.len() {
                r.preview(speaker, &words[..k].join(" "));
            }
            out.extend(r.push(speaker, line));
        }
        out.extend(r.finish());
        // (The amount itself stays hidden as before: the caller's words for it were.)
        let kept = "I see two charges of [NUMBER] on November 3rd, one is a duplicate.";
        assert_eq!(out[2].text, kept);
    }

    #[test]
    fn an_email_said_with_hyphen_before_a_domain_then_more_words_is_hidden() {
        // Round 75, tiny.en on 8 kHz µ-law for "What email should we send the receipt to?" -
        // "It's mary hyphen jones at talk talk dot co dot uk." - "Mary hyphen jones at talktalk
        // dot co dot uk, perfect.": question and answer garbled, the read-back showed "hyphen
        // Jones, tuk-tuk-tuk.uk".
        let out = conversation(&[
            (Speaker::Agent, "But he may shall be sent the receipt."),
            (
                Speaker::Caller,
                "It's Mary Eiffon, known as Torx Torx Nottco, not UK.",
            ),
            (
                Speaker::Agent,
                "Mary, hyphen Jones, tuk-tuk-tuk.uk, perfect.",
            ),
        ]);
        assert_eq!(out[2], "[EMAIL], perfect.");
        // The caller's line the same, and a domain of three pieces hidden to its end.
        for (line, kept) in [
            (
                "Mary, hyphen Jones, tuk-tuk-tuk.uk, perfect.",
                "[EMAIL], perfect.",
            ),
            (
                "Mary hyphen Jones, talk.co.uk, perfect.",
                "[EMAIL], perfect.",
            ),
        ] {
            for speaker in [Speaker::Caller, Speaker::Agent] {
                let out = conversation(&[(Speaker::Agent, "Hello there."), (speaker, line)]);
                assert_eq!(out[1], kept, "{speaker:?}: {line}");
            }
        }
        // Controls: "hyphen" named, not said between pieces, or said after the domain.
        for line in [
            "Type a hyphen, then go to bbc.co.uk please.",
            "Log in to my-bank.co.uk, then press dash.",
        ] {
            let out = conversation(&[(Speaker::Agent, "Hello there."), (Speaker::Agent, line)]);
            assert!(!out[1].contains("[EMAIL]"), "{}", out[1]);
        }
    }

    #[test]
    fn an_email_read_back_garbled_before_its_written_domain_is_hidden() {
        // Round 71, for "Which email should the receipt go to?" - "It's j dot oconnor eighty
        // one at outlook dot com." - "j dot oconnor eighty one at outlook dot com, lovely.":
        // the read-back's local part, garbled past the other rules, was shown on two decodes.
        for (question, given, read_back, kept) in [
            (
                "with Gmail shouldn't receive go to",
                "It's J.O. Connor H.E., one at Outlook.com.",
                "J.tarkan ready well and outlook.com. Lovely.",
                "[EMAIL]. Lovely.",
            ),
            (
                "With email short, receive.rodo",
                "It's j.o.conor.hp1@outlook.com.",
                "Game of Arcana Rabi won't have outlook.com, lovely.",
                "[EMAIL], lovely.",
            ),
            // Round 73, tiny.en on mono for "r dot khan at bt internet dot com": its "@" apart.
            (
                "What a male address do you want on the account?",
                "Our.khn@bt internet.com",
                "Our.com @bt internet.com Great.",
                "[EMAIL] Great.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, question),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert_eq!(out[2], kept, "{read_back}");
        }
        // Controls: a domain the agent names with no e-mail given or asked for lately, and the
        // same long after one was: the sentence's words before it stay (older rules may hide
        // the domain itself, fail closed).
        let said = "You can also manage it on bank.co.uk, okay?";
        let kept = "You can also manage it on ";
        let out = conversation(&[
            (Speaker::Caller, "Can I pay online?"),
            (Speaker::Agent, said),
        ]);
        assert!(out[1].starts_with(kept), "{}", out[1]);
        let out = conversation(&[
            (Speaker::Agent, "Which email should the receipt go to?"),
            (Speaker::Caller, "It's j.o.conor.hp1@outlook.com."),
            (Speaker::Agent, "Thanks."),
            (Speaker::Caller, "Can I pay online?"),
            (Speaker::Agent, "Yes."),
            (Speaker::Caller, "Where?"),
            (Speaker::Agent, said),
        ]);
        assert!(out[6].starts_with(kept), "{}", out[6]);
    }

    #[test]
    fn a_name_asked_for_as_it_appears_on_the_card_is_hidden() {
        // Round 71, base for "And the name exactly as it appears on the card?" - "Marcus T.
        // Okafor.": the question heard as "And the name and the actly as it appears on the
        // card." asked for no name, and the answer "Markesty Oak Affair." was shown.
        assert_eq!(
            caller_answer(
                "And the name and the actly as it appears on the card.",
                "Markesty Oak Affair."
            ),
            "[NAME]."
        );
        // Control: an answer that is no name.
        let said = "Yes, it's the same.";
        assert_eq!(
            caller_answer("And the name as it appears on the card?", said),
            said
        );
    }

    #[test]
    fn a_time_written_with_dots_is_a_time() {
        // Round 71, for "What's the best number to call you back on?" - "Oh one six one, four
        // nine six, zero three three seven, any time after three pm.": tiny.en wrote "… any
        // time after 3 p.m" and the "3" was hidden as a phone's (as "[NUMBER]" on µ-law);
        // "3pm" (base) was a time.
        let q = "What's the best number to call you back on?";
        for (said, kept) in [
            (
                "Oh 1 6 1 4 9 6 0 3 3 7 any time after 3 p.m",
                "[PHONE] any time after 3 p.m",
            ),
            (
                "Oh, one six, one four nine six, zero three three seven, and a time after 3 p.m.",
                "[PHONE], and a time after 3 p.m.",
            ),
            (
                "Call me any time after 9 A.M.",
                "Call me any time after 9 A.M.",
            ),
        ] {
            assert_eq!(caller_answer(q, said), kept);
        }
        // Controls: a phone's digits before "p.m." are still a phone's, and initials written
        // with dots are no time.
        assert_eq!(
            caller_answer(q, "It's 0161 496 0337 p.m."),
            "It's [PHONE] p.m."
        );
        assert_eq!(caller_answer("And your name?", "J.P.M. Okafor."), "[NAME].");
        assert_eq!(
            caller_answer("Who is the account holder?", "Mr. P.M. Okafor."),
            "Mr. [NAME]."
        );
    }

    #[test]
    fn a_month_and_day_whose_digits_were_just_given_are_their_read_back() {
        // Round 71, base on 8 kHz µ-law for "What's your date of birth please?" - "Oh four, oh
        // nine, nineteen seventy one." - "April ninth, seventy one. Thank you.": the question
        // heard as "What's your name, Tomber? Please.", the answer "0409, 1971." hidden as a
        // number, and the read-back's "April 9th" shown.
        let read_back = |given: &str, said: &str| {
            conversation(&[
                (Speaker::Agent, "What's your name, Tomber? Please."),
                (Speaker::Caller, given),
                (Speaker::Agent, said),
            ])[2]
                .clone()
        };
        assert_eq!(
            read_back("0409, 1971.", "April 9th, I'm Antitwant. Thank you."),
            "[DATE_OF_BIRTH], I'm Antitwant. Thank you."
        );
        // Day first, and the day as a word.
        assert_eq!(
            read_back("0904 1971.", "Ninth of April, thank you."),
            "[DATE_OF_BIRTH], thank you."
        );
        // Live (tiny.en on µ-law), the zeros lost: "4, 9, 1971".
        assert_eq!(
            read_back("Oh, 4, 9, 1971.", "April 9th, I'm Antitwant. Thank you."),
            "[DATE_OF_BIRTH], I'm Antitwant. Thank you."
        );
        // Controls: a date the value's digits do not hold, one whose digits without zeros
        // only a number longer than a date holds (a card's "4929…"), and one after no value.
        let said = "April 10th, I'm Antitwant. Thank you.";
        assert_eq!(read_back("0409, 1971.", said), said);
        let said = "It should arrive on April 9th.";
        assert_eq!(read_back("4929 1234 5678 9012.", said), said);
        let said = "It should arrive on April 9th.";
        assert_eq!(read_back("Yes, that's me.", said), said);
    }

    #[test]
    fn a_security_code_heard_with_a_digit_lost_is_hidden_when_read_back() {
        // Round 72, base on 8 kHz µ-law for "Can you turn the card over and read me the security
        // code?" - "It's on the back, seven three one." - "Seven three one, great.": the
        // caller's code heard as "and we're free one" (hidden), the agent's "731, great."
        // shown: a code of two digits was no value to read back.
        let q = "and you turn the card over and read me the security code.";
        for given in [
            "It's on the mark, and we're free one.",
            "It's on the mark, 31.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, q),
                (Speaker::Caller, given),
                (Speaker::Agent, "731, great."),
            ]);
            assert_eq!(out[2], "[CREDIT_DEBIT_CVV], great.", "{given}");
        }
        // Controls: two digits that answer another question, and an amount after the code.
        let out = conversation(&[
            (Speaker::Agent, "How old are you?"),
            (Speaker::Caller, "31."),
            (Speaker::Agent, "731, great."),
        ]);
        assert_eq!(out[2], "731, great.");
        let out = conversation(&[
            (Speaker::Agent, q),
            (Speaker::Caller, "It's on the mark, 31."),
            (Speaker::Agent, "That's 731 pounds then."),
        ]);
        assert_eq!(out[2], "That's 731 pounds then.");
    }

    #[test]
    fn the_agent_saying_the_digits_a_corrected_value_ends_in_shows_none() {
        // Round 72, for "What's your mobile number?" - "Oh seven nine one one, two three four,
        // five three three." - "Sorry, the last bit is four four, not three three." - "So it
        // ends four four. Got it.": tiny.en and base wrote "So it ends for 4." and "So it ends
        // for four." on the agent's line, shown.
        for said in ["So it ends for 4. Got it.", "So it ends for four. Got it."] {
            let out = conversation(&[
                (Speaker::Agent, "What's your mobile number?"),
                (Speaker::Caller, "07911, 234, 533."),
                (Speaker::Caller, "Sorry, the last bit is 44, not 33."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[3], "So it ends [NUMBER]. Got it.", "{said}");
        }
        // Controls: no value given, and a count of days.
        let said = "So it ends for four. Got it.";
        assert_eq!(
            conversation(&[
                (Speaker::Caller, "When does the offer end?"),
                (Speaker::Agent, said)
            ])[1],
            said
        );
        let out = conversation(&[
            (Speaker::Agent, "What's your mobile number?"),
            (Speaker::Caller, "07911, 234, 533."),
            (Speaker::Agent, "Thanks. The offer ends in four days."),
        ]);
        assert_eq!(out[2], "Thanks. The offer ends in four days.");
    }

    #[test]
    fn a_days_number_beside_a_date_of_birth_whose_month_was_garbled_is_hidden() {
        // Round 73, base on 8 kHz µ-law for "And your date of birth?" - "Nineteenth of the
        // eleventh, ninety.": "19 Somnilemmens 90." showed its day.
        let q = "and your date of birth.";
        assert_eq!(
            caller_answer(q, "19 Somnilemmens 90."),
            "[DATE_OF_BIRTH] Somnilemmens [DATE_OF_BIRTH]."
        );
        // Controls: a count, an amount, and a number in another sentence stay.
        for (said, kept) in [
            (
                "Born in 1990, 2 kids now.",
                "Born in [DATE_OF_BIRTH], 2 kids now.",
            ),
            (
                "19 Somnilemmens 90, and 12 dollars.",
                "[DATE_OF_BIRTH] Somnilemmens [DATE_OF_BIRTH], and 12 dollars.",
            ),
            (
                "19 Somnilemmens 90. I have 2 kids.",
                "[DATE_OF_BIRTH] Somnilemmens [DATE_OF_BIRTH]. I have 2 kids.",
            ),
        ] {
            assert_eq!(caller_answer(q, said), kept);
        }
    }

    #[test]
    fn a_house_number_and_a_garbled_street_before_an_address_found_are_the_addresss() {
        // Round 72, tiny.en live for "And where should we ship it?" - "Fourteen fifty North
        // Maple Street, apartment three C, …" - "Fourteen fifty North Maple Street, apartment
        // three C. Perfect.": the caller's house number heard as 1415, the agent's street as
        // "Northmables treat", and the agent's line shown as "1450 Northmables treat
        // [ADDRESS]".
        let said = |line: &str| {
            conversation(&[
                (Speaker::Agent, "and where should we ship it?"),
                (
                    Speaker::Caller,
                    "1415 North Maple Street, apartment 3C Dayton, Ohio 45402",
                ),
                (Speaker::Agent, line),
            ])[2]
                .clone()
        };
        assert_eq!(
            said("1450 Northmables treat apartment 3C perfect"),
            "[ADDRESS]"
        );
        // Controls: a count before the address, and a number that does not open its clause.
        assert_eq!(
            said("2 kids live in apartment 3C."),
            "2 kids live in [ADDRESS]."
        );
        assert_eq!(
            said("Call 1450 Northmables treat apartment 3C."),
            "Call 1450 Northmables treat [ADDRESS]."
        );
    }

    #[test]
    fn a_count_of_working_days_after_a_cue_is_no_value() {
        // Round 74, for "Your new PIN will arrive by post in five to seven working days.": every
        // decode hid "5-7" or "5 to 7" as the PIN (the agent's line, no value in it); and in
        // round 61 "… will arrive in three to five business days." as an account number.
        for said in [
            "Your new pin will arrive by post in 5-7 working days.",
            "Your new pin will arrive by post in 5 to 7 working days.",
            "The refund will arrive in three to five business days.",
        ] {
            let out = conversation(&[
                (Speaker::Caller, "When will it come?"),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[1], said);
        }
        // Controls: a PIN before "working" with no unit after it, or a comma between.
        for said in ["Is PIN 4471 working now?", "4471, working days."] {
            let out = caller_answer("And your PIN?", said);
            assert!(out.contains("[PIN]"), "{out}");
        }
    }

    #[test]
    fn a_maiden_name_asked_as_made_in_name_is_hidden() {
        // Round 74, base on µ-law for "To confirm, what's your mother's maiden name?" -
        // "Fairweather.": the question heard as "… mother's made in name.", the answer "Fair
        // weather?" shown.
        assert_eq!(
            caller_answer(
                "to confirm what your mother's made in name.",
                "Fair weather?"
            ),
            "[PIN]?"
        );
        // Control: the same answer to another question.
        assert_eq!(
            caller_answer("How is it where you are?", "Fair weather?"),
            "Fair weather?"
        );
    }

    #[test]
    fn a_word_in_capitals_between_pieces_of_a_value_is_the_values() {
        // Round 71, base on µ-law for a card's "four five six seven, eight eight nine nine":
        // "[CREDIT_DEBIT_NUMBER] PEMMEN [CREDIT_DEBIT_NUMBER]"; round 60's account had "DIPAL"
        // between its pieces.
        let q = "Go ahead with a card number when you're ready.";
        assert_eq!(
            caller_answer(q, "4-9-6 PEMMEN 8-8-9"),
            "[CREDIT_DEBIT_NUMBER]"
        );
        // Controls: a word not in capitals stays (no rule tells a digit from a word there).
        for said in ["4-9-6 Visa 8-8-9", "4-9-6 salmon 8-8-9"] {
            let out = caller_answer(q, said);
            assert!(out.contains(&said[6..11]), "{out}");
        }
    }

    #[test]
    fn an_email_asked_as_a_male_address_is_hidden_while_it_is_said() {
        // Round 73, tiny.en live for "What email address do you want on the account?" - "r
        // dot k h a n at b t internet dot com.": the question heard as "What a male address do
        // you want on the account?", and the partials "R.KHIN" and "R.khana.bd internet.not."
        // shown.
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "What a male address do you want on the account?",
        );
        for p in ["R.KHIN", "R.khana.bd internet.not."] {
            let shown = r.preview(Speaker::Caller, p).text;
            assert!(!shown.to_lowercase().contains("kh"), "{shown}");
        }
        // Control: "male address" in a line that asks for nothing.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "The male address book is full.");
        assert_eq!(r.preview(Speaker::Caller, "R.KHIN").text, "R.KHIN");
    }

    #[test]
    fn a_birth_month_and_a_two_digit_year_read_back() {
        // Round 75 live, tiny.en for "Third of March eighty eight, lovely, thank you." after the
        // caller's "the third of March, nineteen eighty eight": "March 88" was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "for security can you confirm your date of birth please?",
            ),
            (Speaker::Caller, "It's the third of March 1988."),
            (Speaker::Agent, "\"Surd of March 88\" lovely, thank you."),
        ]);
        assert_eq!(out[2], "\"Surd of [DATE_OF_BIRTH]\" lovely, thank you.");
        // Controls: another month, and a number that can be a day (older rules may hide it).
        let out = conversation(&[
            (
                Speaker::Agent,
                "for security can you confirm your date of birth please?",
            ),
            (Speaker::Caller, "It's the third of March 1988."),
            (Speaker::Agent, "Thanks."),
            (Speaker::Caller, "I paid 88 pounds in June."),
            (
                Speaker::Agent,
                "June 88 was the offer, and you have 45 days.",
            ),
        ]);
        assert_eq!(out[4], "June 88 was the offer, and you have 45 days.");
    }

    #[test]
    fn a_whole_date_the_agent_says_back_while_a_date_of_birth_is_asked_is_hidden() {
        // Round 73, tiny.en live on µ-law for "And your date of birth?" - "Nineteenth of the
        // eleventh, ninety." - "Nineteen eleven ninety, thank you.": the answer heard as "I've
        // been so many lemons, I'm [NAME].", the agent's "1911-90, thank you." shown.
        let out = conversation(&[
            (Speaker::Agent, "and your date of birth."),
            (Speaker::Caller, "I've been so many lemons, I'm Lemmy."),
            (Speaker::Agent, "1911-90, thank you."),
        ]);
        assert_eq!(out[2], "[DATE_OF_BIRTH], thank you.");
        // Controls: digits that are no date ("619-442"), and the same after no question for a
        // date of birth.
        let out = conversation(&[
            (Speaker::Agent, "and your date of birth."),
            (Speaker::Caller, "I've been so many lemons, I'm Lemmy."),
            (Speaker::Agent, "Your case is 619-442, thank you."),
        ]);
        assert_eq!(out[2], "Your case is 619-442, thank you.");
        let out = conversation(&[
            (Speaker::Agent, "How can I help?"),
            (Speaker::Caller, "I've been so many lemons, I'm Lemmy."),
            (Speaker::Agent, "That's 1911-90, thank you."),
        ]);
        assert_eq!(out[2], "That's 1911-90, thank you.");
    }

    #[test]
    fn a_range_of_days_after_a_move_is_no_address() {
        // Over-redacted before: "I moved to Ohio, 3 to 4 days ago." showed as "I moved to
        // [ADDRESS] [ADDRESS]." ("Ohio, 3 to" a cued address, the range's first count left in
        // it; "4 days ago" a house number and its street after "moved … to").
        for said in [
            "I moved to Ohio, 3 to 4 days ago.",
            "I moved there 3 to 4 days ago.",
            "I moved to Ohio, three or four years ago.",
        ] {
            assert_eq!(caller_answer("When did you move?", said), said);
        }
        // Controls: the addresses of a move, with a time after them, are still hidden.
        for (said, kept) in [
            (
                "I moved to 12 rue de la Paix, 75002 Paris 3 to 4 days ago.",
                "I moved to [ADDRESS] 3 to 4 days ago.",
            ),
            (
                "I moved from 10 Elm Road to 22 W canv 2 weeks ago.",
                "I moved from [ADDRESS] to [ADDRESS] 2 weeks ago.",
            ),
        ] {
            assert_eq!(caller_answer("When did you move?", said), kept);
        }
    }

    #[test]
    fn a_postcodes_inward_code_heard_as_a_homophone_and_letters_is_hidden() {
        // Round 63, tiny.en for "It's S G one one, two A B." after "And the postcode?" heard
        // as "In the post code.": "its [NUMBER] to a b" showed the inward code.
        let out = conversation(&[
            (
                Speaker::Agent,
                "can you confirm the address on the account?",
            ),
            (Speaker::Caller, "bros cottage milli-lane little headham"),
            (Speaker::Agent, "In the post code."),
            (Speaker::Caller, "its sg-11 to a b"),
        ]);
        assert_eq!(out[3], "its [ADDRESS]");
        // Controls: more than letters after the homophone, and no outward code before it.
        let out = caller_answer("In the post code.", "its sg-11 to a friend");
        assert!(out.ends_with("to a friend"), "{out}");
        let said = "I gave it to a b and b owner.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn an_email_read_back_garbled_right_after_it_was_given_is_hidden() {
        // Round 62, tiny.en at 16 kHz and on 8 kHz µ-law for the agent's "M dot patel eighty
        // eight at yahoo dot co dot uk." after the caller gave it: the initial, the garbled name
        // and the domain were shown.
        for (given, read) in [
            (
                "Yes, it's Sam Dopatella, Tia Tatyahu.co.uk",
                "M. But L.A.D. A.T. Yeah, who not, co-not UK?",
            ),
            (
                "Yes, it's m.patelat.yahu.co.uk",
                "M not but LABH, yeah, who not go not UK?",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Can I get an email for the receipt?"),
                (Speaker::Caller, given),
                (Speaker::Agent, read),
            ]);
            assert!(out[1].contains("[EMAIL]"), "{}", out[1]);
            assert_eq!(out[2], "[EMAIL]?");
        }
        // Controls: the same words with no e-mail given, and a line after the next.
        let said = "No, not that one, not the UK office.";
        let out = conversation(&[
            (Speaker::Caller, "I'd like to update my details."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[1], said);
        let out = conversation(&[
            (Speaker::Agent, "Can I get an email for the receipt?"),
            (Speaker::Caller, "Yes, it's m.patel@yahoo.co.uk"),
            (Speaker::Agent, "Thanks."),
            (Speaker::Caller, "Is the parcel going to the UK office?"),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[4], said);
    }

    #[test]
    fn a_date_of_birth_read_back_right_after_it_was_given_is_hidden() {
        // Round 62, base on 8 kHz µ-law for "Oh three, fifteen, nineteen seventy." read back
        // "March fifteenth, nineteen seventy. And your zip code?": the caller's date came out
        // as "0359197." (no month and day to match) and the read-back "March 15, 19th, …" was
        // shown once the request's last words went back to its line.
        let out = conversation(&[
            (
                Speaker::Agent,
                "I just need to verify your identity. May the birth...",
            ),
            (Speaker::Caller, "0359197."),
            (Speaker::Agent, "March 15, 19th, and your lip code..."),
        ]);
        assert_eq!(out[2], "[DATE_OF_BIRTH], and your lip code...");
        // Controls: a date the agent says later, and one after a line that gave none.
        let out = conversation(&[
            (Speaker::Agent, "Can I have your date of birth?"),
            (Speaker::Caller, "0359197."),
            (Speaker::Agent, "Thank you. And how can I help?"),
            (Speaker::Caller, "I'd like to move my appointment."),
            (Speaker::Agent, "Sure, the next one is March 3rd."),
        ]);
        assert_eq!(out[4], "Sure, the next one is March 3rd.");
        let out = conversation(&[
            (Speaker::Caller, "I'd like to move my appointment."),
            (Speaker::Agent, "Sure, the next one is March 3rd."),
        ]);
        assert_eq!(out[1], "Sure, the next one is March 3rd.");
    }

    #[test]
    fn a_spoken_email_whose_dot_is_glued_to_its_domain_is_hidden() {
        // Round 63, base on a mono recording for "It's k, dot, o, dash, reilly, at outlook dot
        // ie.": "It's k dot o" - "dash briley at outlook dotty" - "k dot o dash briley at
        // outlook dotty Exactly" were shown whole.
        let out = conversation(&[
            (Speaker::Unknown, "What email address do you use with us?"),
            (Speaker::Unknown, "It's k dot o"),
            (Speaker::Unknown, "dash briley at outlook dotty"),
            (
                Speaker::Unknown,
                "k dot o dash briley at outlook dotty Exactly",
            ),
        ]);
        assert_eq!(out[1], "It's [EMAIL]");
        assert_eq!(out[2], "[EMAIL]");
        assert_eq!(out[3], "[EMAIL] Exactly");
        // Controls: no mail service's name before it, and a pronoun before "at".
        for said in [
            "We met at the pub dotty as ever.",
            "It is at outlook dotty.",
        ] {
            assert_eq!(caller_answer("How was your weekend?", said), said);
        }
    }

    #[test]
    fn a_code_asked_for_on_the_mac_is_the_security_code() {
        // Round 63 live, tiny.en on 8 kHz µ-law for "And the three digit code on the back,
        // please." - "It's oh oh seven.": heard as "and the free tickets code on the Mac,
        // please." - "It's all of seven.", the final showed "seven".
        let out = caller_answer(
            "and the free tickets code on the Mac, please.",
            "It's all of seven.",
        );
        assert_eq!(out, "It's all of [CREDIT_DEBIT_CVV].");
        // Control: the Mac named with no code asked for.
        let out = caller_answer("Which version is on the Mac?", "It is 14.");
        assert!(!out.contains("CVV"), "{out}");
    }

    #[test]
    fn a_number_taken_back_for_a_value_is_an_attempt_at_it() {
        // Round 61 live, tiny.en on 8 kHz µ-law for "It's nine eight seven, no wait, sorry,
        // it's seven eight nine six." after the PIN's request heard as "… tell me you are for a
        // digital pen.": the final showed "987".
        let out = caller_answer(
            "for security. Please tell me you are for a digital pen.",
            "It's 987, no wait, sorry, it's 7896.",
        );
        assert_eq!(out, "It's [NUMBER], no wait, sorry, it's [NUMBER].");
        // Controls: a count taken back, and a reference.
        for (said, kept) in [
            ("I waited 20 minutes, sorry, it's 7896.", "20"),
            ("Order 4471, sorry, the code is 7896.", "4471"),
        ] {
            let out = caller_answer("How can I help?", said);
            assert!(!out.contains("7896") && out.contains(kept), "{out}");
        }
    }

    #[test]
    fn an_ids_letter_alone_before_its_digits_is_the_ids() {
        // Round 60, both models on a mono recording for "Can I have your passport number?" -
        // "Victor one two three four five six seven." - "So that's V one two three four five
        // six seven.": the letter was shown before the digits.
        for said in [
            "So that's V, 1, 2, 3, 4, 5, 6, 7.",
            "So that's V 1 2 3 4 5 6 7",
        ] {
            let out = conversation(&[
                (Speaker::Unknown, "Can I have your passport number?"),
                (Speaker::Unknown, "Victor, 1, 2, 3, 4, 5, 6, 7."),
                (Speaker::Unknown, said),
            ]);
            assert!(!out[2].contains('V') && out[2].contains('['), "{}", out[2]);
        }
        // Controls: "I" and "A" before a value, and a letter before no value.
        let out = caller_answer("What's the card number?", "Yes I 4532 1122 7789 0041.");
        assert_eq!(out, "Yes I [CREDIT_DEBIT_NUMBER].");
        let said = "Take the M 4 to London.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn a_zero_heard_as_near_after_a_card_takes_the_garble_after_it() {
        // Round 58, tiny.en on 8 kHz µ-law for the agent's read-back "So that's four five three
        // two, one one two two, seven seven eight nine, zero zero four one.": "near only a row"
        // was shown between the pieces; offline and in the live final.
        let out = conversation(&[
            (Speaker::Agent, "Can I take him a long number on the card?"),
            (Speaker::Caller, "sure 4 5 3 2 1 1 2 2 7 7 8 9 0 0 4 1"),
            (
                Speaker::Agent,
                "So, having 45-3-2, 1-1-2-2, 1-7-8-9, near only a row 41.",
            ),
        ]);
        assert_eq!(out[2], "So, having [CREDIT_DEBIT_NUMBER].");
        // And a live partial of the caller's card, the garble ending the sentence: "Sure,
        // [CREDIT_DEBIT_NUMBER], near O'Neill.".
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "Card services. Can I take the long number on the card?",
        );
        let p = r.preview(Speaker::Caller, "Sure, 4532 1122 7789, near O'Neill.");
        assert_eq!(p.text, "Sure, [CREDIT_DEBIT_NUMBER].");
        // Controls: more words after "near" than a number's garble, and after a phone number.
        let said = "It's 4532 1122 7789 0041, near the end of the month.";
        let out = caller_answer("What's the card number?", said);
        assert_eq!(
            out,
            "It's [CREDIT_DEBIT_NUMBER], near the end of the month."
        );
        let said = "It's 07700 900123, near the station.";
        let out = caller_answer("What's the best phone number for you?", said);
        assert_eq!(out, "It's [PHONE], near the station.");
        // Round 62 live, tiny.en on 8 kHz µ-law for an account's "six one four four, two zero
        // nine, eight seven": "to near Orion" was shown between the pieces.
        let out = caller_answer("And the account number?", "6144 to near Orion 87 Heaven.");
        assert!(!out.contains("near") && !out.contains("Orion"), "{out}");
    }

    #[test]
    fn nears_after_a_number_are_its_zeros() {
        // tiny.en on 8 kHz µ-law for "three seven eight two, eight two two four six three one,
        // zero zero zero five": the zeros and the 5 were shown.
        let out = conversation(&[
            (Speaker::Agent, "Sure, do you want to use the card on file?"),
            (
                Speaker::Caller,
                "No, a new one clean. It's free 822463 10 near or near or near or 5.",
            ),
            (Speaker::Agent, "And the four digit code on the front."),
        ]);
        assert!(
            !out[1].contains("near") && !out[1].contains('5'),
            "{}",
            out[1]
        );
        // Control: "near" said once after a number is a word.
        let said = "It's 07700 900123, near the station.";
        assert_eq!(
            caller_answer("What's the best phone number for you?", said),
            "It's [PHONE], near the station."
        );
    }

    #[test]
    fn words_for_digits_right_before_a_number_are_its_first_digits() {
        // Base on a mono recording for "four four one, no wait, sorry, four four seven, …".
        let out = conversation(&[
            (Speaker::Unknown, "I'll need your Social Security number."),
            (
                Speaker::Unknown,
                "It's for for one, no wait, sorry, for for 7, 22, 9016.",
            ),
        ]);
        assert!(!out[1].contains("for"), "{}", out[1]);
        // Control: before no number found, they are words.
        let said = "I went to, to the shop for, for bread.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn a_number_the_caller_gives_with_nothing_to_name_it_is_redacted() {
        use Speaker::{Agent, Caller};
        // Shown before: what names the number came only on the agent's next line, after the
        // caller's was shown, or never.
        for (lines, said, redacted) in [
            (
                &[
                    (Caller, "Yeah I think the one I always use is 4417."),
                    (Agent, "Is that your PIN?"),
                ][..],
                0,
                "Yeah I think the one I always use is [NUMBER].",
            ),
            (
                &[
                    (Caller, "I always use the same one, 4417."),
                    (Agent, "Okay."),
                ][..],
                0,
                "I always use the same one, [NUMBER].",
            ),
            (
                &[(Caller, "My usual number is 2290.")][..],
                0,
                "My usual number is [NUMBER].",
            ),
            (
                &[
                    (Agent, "Anything else I can help with?"),
                    (Caller, "The one I use is 77312 I think."),
                ][..],
                1,
                "The one I use is [NUMBER] I think.",
            ),
        ] {
            assert_eq!(conversation(lines)[said], redacted);
        }
        // Negative controls: a number named by its line or by the question it answers, a year,
        // an amount, and the agent's own number.
        for (lines, said) in [
            (&[(Caller, "It was back in 1998.")][..], 0),
            (&[(Caller, "It's 2019, I think.")][..], 0),
            (&[(Caller, "Room 4417.")][..], 0),
            (&[(Caller, "Call me at extension 4417.")][..], 0),
            (&[(Caller, "I paid 4417 last month.")][..], 0),
            (&[(Caller, "It's 4417 dollars.")][..], 0),
            (&[(Caller, "I've got 2000 points.")][..], 0),
            (&[(Caller, "She reviewed the docs 4412 and 4413.")][..], 0),
            (
                &[
                    (Agent, "What is the order number?"),
                    (Caller, "Okay, I've got it, it's 558210."),
                ][..],
                1,
            ),
            (&[(Caller, "My ticket, it's 4417.")][..], 0),
            (
                &[
                    (Caller, "How much is left?"),
                    (Agent, "Your balance is 4417."),
                ][..],
                1,
            ),
        ] {
            assert_eq!(conversation(lines)[said], lines[said].1);
        }
    }

    #[test]
    fn a_phone_number_given_by_its_area_code_and_a_triple_digit_is_redacted_whole() {
        use Speaker::{Agent, Caller};
        // Shown before (base on flite's voices), whole, as the answer to a question whose
        // "number" came out "humber".
        let said = "It's area code 415, then triple 5, then 0192.";
        let shown = "It's area code [PHONE], then [PHONE], then [PHONE].";
        assert_eq!(
            conversation(&[
                (Agent, "What's the best humber to call you back on?"),
                (Caller, said)
            ])[1],
            shown
        );
        assert_eq!(conversation(&[(Caller, said)])[0], shown);
        // "triple 5" as whisper writes it is "555", as "triple five" is.
        assert_eq!(
            conversation(&[(Caller, "My phone is 415 triple 5 0192.")])[0],
            "My phone is [PHONE]."
        );
        // Controls: a triple and a code that are no phone's, and a zip code kept a zip code.
        for said in [
            "The hotel was lovely, I gave it a triple 5 rating on the website.",
            "The area is lovely, and the code of conduct is 12 pages long.",
        ] {
            assert_eq!(conversation(&[(Caller, said)])[0], said);
        }
        assert_eq!(
            conversation(&[(Caller, "The zip code is 94103.")])[0],
            "The zip code is [ADDRESS]."
        );
    }

    #[test]
    fn pieces_of_letters_and_a_digit_beside_a_value_are_more_of_it() {
        use Speaker::{Agent, Caller};
        // Shown before (tiny.en on flite's voices, a Medicare number "1EG4, TE5, MK73"): each
        // piece after the first has one digit, which the code rule leaves alone.
        let asked = (Agent, "Sure, can I have your Meda-Care number please?");
        assert_eq!(
            conversation(&[asked, (Caller, "It's 1EG4, TE5, MK7-free.")])[1],
            "It's [NUMBER], [NUMBER], [NUMBER]."
        );
        assert_eq!(
            conversation(&[
                asked,
                (
                    Caller,
                    "Let me read it off the card for you now, TE5, MK7, 1EG48."
                )
            ])[1],
            "Let me read it off the card for you now, [NUMBER], [NUMBER], [NUMBER]."
        );
        // Letters spelled between a piece and the value go with it (base on 8 kHz µ-law, an
        // IBAN "G B eighty two, W E S T, …" asked as "the event": "W" is "double U").
        assert_eq!(
            conversation(&[
                (Agent, "I'll need the event to send the refund."),
                (Caller, "Okay, it's EBA2, double UST, 123456, I'm 98765432,")
            ])[1],
            "Okay, it's [NUMBER], [NUMBER], I'm [BANK_ACCOUNT_NUMBER],"
        );
        // Controls: such pieces with no value beside them (a seat, a flight, a paper size),
        // or with words between, or naming a reference.
        for said in [
            "I'm in seat 3B, next to A4.",
            "My flight BA401, seat 3B.",
            "The flight is BA401 and I'm in seat 3B.",
        ] {
            assert_eq!(conversation(&[(Caller, said)])[0], said);
        }
        assert_eq!(
            conversation(&[
                asked,
                (Caller, "It's 1EG4TE5MK73, and I was in bed 3B at the time.")
            ])[1],
            "It's [NUMBER], and I was in bed 3B at the time."
        );
    }

    #[test]
    fn a_longer_lines_closing_answer_gives_its_numbers_away_as_a_short_line_does() {
        use Speaker::{Agent, Caller, Unknown};
        // Shown before (tiny.en on 8 kHz µ-law, a PIN "six two zero eight" after a question
        // it garbled): the line was too long for a short answer, its closing sentence is one.
        let garbled = (
            Agent,
            "I can tell, for the cure it is what is before the Gizko-doo-matsma cash machine.",
        );
        assert_eq!(
            conversation(&[
                garbled,
                (
                    Caller,
                    "Honestly, I always knew from the same one everywhere. It's 6 to 0.8."
                )
            ])[1],
            // "to" is the PIN's "two", after another of its digits.
            "Honestly, I always knew from the same one everywhere. It's [NUMBER] [NUMBER]."
        );
        // Controls: a year, a time, an amount of minutes, a reference asked on the line (a
        // mono recording), and the agent's own closing number.
        assert_eq!(
            conversation(&[(
                Unknown,
                "Do you have the claim reference? Yes, it's 821-47."
            )])[0],
            "Do you have the claim reference? Yes, it's 821-47."
        );
        for said in [
            "We've been customers a long time. Since 2010.",
            "I called at noon. Then again at 3.",
            "That was a while ago. About 45 minutes.",
            "It was all fine. It was 2-1 for us.",
        ] {
            assert_eq!(conversation(&[garbled, (Caller, said)])[1], said);
        }
        let agent = "Thanks for waiting. It's 45.";
        assert_eq!(
            conversation(&[(Caller, "How long is the wait?"), (Agent, agent)])[1],
            agent
        );
    }

    #[test]
    fn a_name_asked_as_a_noun_phrase_is_redacted_on_its_line_or_the_next() {
        use Speaker::{Agent, Caller, Unknown};
        // Shown before (base on a call with flite's and espeak's voices): "And the account
        // holder's name?" heard with no rise and its middle misheard.
        assert_eq!(
            conversation(&[
                (Agent, "And the account told us name."),
                (Caller, "Thomas Swiss Newski")
            ])[1],
            "[NAME]"
        );
        // On a mono recording the answer comes on the question's own line (tiny.en and base).
        for (said, shown) in [
            (
                "And the account holder's name. Thomas with new skid.",
                "And the account holder's name. [NAME].",
            ),
            (
                "And the account told us name. Thomas with Newskey.",
                "And the account told us name. [NAME].",
            ),
            (
                "What's your name? Thomas Wisniewski.",
                "What's your name? [NAME].",
            ),
            (
                "Can I take your name? Yeah it's Dana Scott. I'm calling about my bill.",
                "Can I take your name? Yeah it's [NAME]. I'm calling about my bill.",
            ),
        ] {
            assert_eq!(conversation(&[(Unknown, said)])[0], shown);
        }
        // Controls: no name asked, a name said of oneself in a statement, a question or a stall
        // after the request, and the same words from the agent alone.
        for said in [
            "I changed my name last year. It was a hassle.",
            "Can I take your name? Sorry, can you repeat that?",
            "Can I take your name? One moment please.",
            "Do you know the name of the street? No idea.",
        ] {
            assert_eq!(conversation(&[(Unknown, said)])[0], said);
        }
        assert_eq!(
            conversation(&[
                (Agent, "And the account told us a lot."),
                (Caller, "Thomas Swiss Newski")
            ])[1],
            "Thomas Swiss Newski"
        );
        let agent = "And the account holder's name. Thomas will call you.";
        assert_eq!(conversation(&[(Agent, agent)])[0], agent);
    }

    #[test]
    fn an_emails_name_given_glued_without_its_domain_is_redacted() {
        use Speaker::{Agent, Caller};
        // Shown before (tiny.en on 8 kHz µ-law for "k dot lim hyphen work at gmail dot com",
        // after "And a backup email?" heard as a noun phrase): "[NAME].Lim".
        let asked = (Agent, "And the mark of email.");
        for (said, shown) in [
            ("Kate.Lim", "[EMAIL]"),
            ("It's kate_lim88.", "It's [EMAIL]."),
        ] {
            assert_eq!(conversation(&[asked, (Caller, said)])[1], shown);
        }
        // Control: no e-mail asked for.
        assert_eq!(
            conversation(&[(Agent, "What's the product?"), (Caller, "It's node.js")])[1],
            "It's node.js"
        );
    }

    #[test]
    fn a_pin_said_before_a_count_of_times_is_no_count() {
        use Speaker::{Agent, Caller};
        let asked = (Agent, "What happened when you tried the card?");
        // Shown before (all six decodes of one call): the count's "3" joined the PIN's digits
        // and its "times" made the whole a count; and tiny.en on µ-law lost the "3".
        for (said, shown) in [
            (
                "I tried my PIN, which is 4343, 3 times and then it locked me out.",
                "I tried my PIN, which is [PIN], 3 times and then it locked me out.",
            ),
            (
                "I tried my PIN, which is 4343 times and then it locked me out.",
                "I tried my PIN, which is [PIN] times and then it locked me out.",
            ),
        ] {
            assert_eq!(conversation(&[asked, (Caller, said)])[1], shown);
        }
        // Controls: counts and amounts, a PIN's cue with a count after other words, and a
        // thousands separator.
        for said in [
            "I called 1000 times.",
            "I've entered my PIN 3 times.",
            "The PIN was wrong 3 times.",
            "It cost me 125,000 dollars.",
            "We went there 12, 13 times.",
        ] {
            assert_eq!(conversation(&[asked, (Caller, said)])[1], said);
        }
    }

    #[test]
    fn a_pin_asked_for_on_the_keypad_or_heard_as_bin_is_a_pin() {
        use Speaker::{Agent, Caller};
        // Shown before (tiny.en and base, 16 kHz and µ-law): "PIN" heard as "BIN" and "DIN",
        // and the request a statement.
        for (asked, said, shown) in [
            (
                "Please enter your BIN on the keypad now, or say it if you prefer.",
                "Okay, I'll just say it 826.",
                "Okay, I'll just say it [PIN].",
            ),
            (
                "Please enter your DIN on the keypad now, for a hit if you prefer.",
                "Okay, I'll just say it, 886.",
                "Okay, I'll just say it, [PIN].",
            ),
        ] {
            assert_eq!(conversation(&[(Agent, asked), (Caller, said)])[1], shown);
        }
        // Controls: a bin that holds rubbish, and a keypad's count.
        for (asked, said) in [
            ("Anything else?", "Put it in the bin, 4 bags."),
            (
                "Does the keypad work?",
                "It has 12 keys and the screen is fine.",
            ),
        ] {
            assert_eq!(conversation(&[(Agent, asked), (Caller, said)])[1], said);
        }
    }

    #[test]
    fn a_request_in_words_with_no_question_mark_cues_the_answer() {
        use Speaker::{Agent, Caller};
        // Shown before (base on 8 kHz µ-law, "Can you verify the account number?"): the
        // account's last group, deep in an answer whose other groups came out as words.
        assert_eq!(
            conversation(&[
                (Agent, "and you verify the account number."),
                (
                    Caller,
                    "I have it here somewhere. It's Hanyong, Portemran, Pemran, Poo Nero, Wang, 993."
                )
            ])[1],
            "I have it here somewhere. It's [NAME], Portemran, Pemran, Poo [BANK_ACCOUNT_NUMBER], \
             Wang, [BANK_ACCOUNT_NUMBER]."
        );
        // Control: the same answer after a statement with no request in it keeps its digits
        // (its first word is taken for a name either way).
        let said =
            "I have it here somewhere. It's Hanyong, Portemran, Pemran, Poo Nero, Wang, 993.";
        assert_eq!(
            conversation(&[
                (Agent, "and the account number is on the letter."),
                (Caller, said)
            ])[1],
            "I have it here somewhere. It's [NAME], Portemran, Pemran, Poo Nero, Wang, 993."
        );
    }

    #[test]
    fn an_account_said_to_be_a_number_is_a_bank_account_with_its_glued_rest() {
        use Speaker::{Agent, Caller};
        // Shown before (base on 8 kHz µ-law): "the account is 123456 M8i" for "one two three
        // four five six seven eight nine", and the routing number's zeros as "nearo".
        assert_eq!(
            conversation(&[
                (Agent, "Where would you like the refund deposited?"),
                (
                    Caller,
                    "for my checking. Arouting is nearo21, nearo-nearo, nearo21 and the account is \
                     123456 M8i."
                )
            ])[1],
            "for my checking. Arouting is [BANK_ACCOUNT_NUMBER], [BANK_ACCOUNT_NUMBER] and the \
             account is [BANK_ACCOUNT_NUMBER] [BANK_ACCOUNT_NUMBER]."
        );
        // Controls: the account's age and the year it opened.
        for said in [
            "The account is 3 years old.",
            "My account's been open since 2010.",
        ] {
            assert_eq!(conversation(&[(Caller, said)])[0], said);
        }
    }

    #[test]
    fn a_three_digit_code_a_numbered_account_and_a_slashed_card_group_are_redacted() {
        use Speaker::{Agent, Caller};
        // Shown before (tiny.en and base on flite's voices): "the code on the back" heard as
        // "on the Mac" and "on the mark", so no card's cue reached the three digits.
        let asked = (Agent, "I'll need the expiry and the code to finish.");
        for (said, shown) in [
            (
                "It's free-twented, I'm, and the code on the mark is 207.",
                "It's free-twented, I'm, and the code on the mark is [PIN].",
            ),
            (
                "Sure thing, I have it here, and the code on the Mac is 2-0-7.",
                // A card's security code by its cue since round 63 ("code on the mac").
                "Sure thing, I have it here, and the code on the Mac is [CREDIT_DEBIT_CVV].",
            ),
        ] {
            assert_eq!(conversation(&[asked, (Caller, said)])[1], shown);
        }
        // An account number written after "#" (tiny.en on µ-law) was taken for an amount.
        assert_eq!(
            conversation(&[
                (Agent, "Can I take the account number?"),
                (Caller, "Account #40-400-12-99.")
            ])[1],
            "Account #[BANK_ACCOUNT_NUMBER]."
        );
        // A card's group corrected after its read-back, written with slashes (base), was a date.
        assert_eq!(
            conversation(&[
                (Agent, "Let me read that back, 4532 0151 7718 0366?"),
                (Caller, "No, the third group is 7/1 high in hot 7/1/8.")
            ])[1],
            // Since round 47, the piece named and said is one tag ([`groups_named`]).
            "No, the third group is [CREDIT_DEBIT_NUMBER]."
        );
        // Controls: codes that are no secret, a code after other digits, a price and a date.
        for said in [
            "404 is the error code.",
            "The error code on the screen is 503.",
            "The code was 12 characters and 500 is the limit.",
            "It cost $250 and the group paid it on 3/4.",
        ] {
            assert_eq!(conversation(&[(Caller, said)])[0], said);
        }
    }

    #[test]
    fn a_pins_last_digit_before_the_pound_key_is_no_amount() {
        use Speaker::{Agent, Caller};
        // Shown before (tiny.en and base on 8 kHz µ-law, "one two three four pound"): the
        // keypad's "pound" made the PIN's last digit an amount.
        assert_eq!(
            conversation(&[
                (Agent, "Please say your PIN followed by the pound key."),
                (Caller, "123, 4 pounds,")
            ])[1],
            "[PIN], [PIN] pounds,"
        );
        // Controls: pounds on a line that gives no PIN, after the same prompt too.
        for (asked, said) in [
            ("What's the balance?", "That's 40 pounds."),
            (
                "Please enter your PIN followed by the pound key.",
                "I paid 40 pounds for it yesterday, by the way.",
            ),
        ] {
            assert_eq!(conversation(&[(Agent, asked), (Caller, said)])[1], said);
        }
    }

    #[test]
    fn a_number_to_call_back_on_is_a_phone() {
        // Base on 16 kHz and on 8 kHz µ-law: the answer to "What number can we call you back
        // on?" was shown when it was longer than the number ("it's 1602, and then 198,
        // extension 22"), or kept "198" after a zero heard as a name.
        let q = "What number can we call you back on?";
        assert_eq!(
            caller_answer(q, "it's 1602, and then 198, extension 22"),
            "it's [PHONE], and then [PHONE], extension [PHONE]"
        );
        let out = caller_answer(
            "What member can we call you back on?",
            "plus 1602, I'm I'm I'm Nero 198, extension 22",
        );
        assert!(!out.contains("1602") && !out.contains("198"), "{out}");
        // Controls: a time to call back, or a count, is no phone.
        assert_eq!(
            caller_answer(
                "Shall we call you back in 10 minutes?",
                "Yes, or at 5 30 is better."
            ),
            "Yes, or at 5 30 is better."
        );
        assert_eq!(
            caller_answer(
                "Can I call you back tomorrow?",
                "Sure, after 3 works, I'm on shift till then."
            ),
            "Sure, after 3 works, I'm on shift till then."
        );
        // After a number these words tell what will be done, and name nothing.
        let out = conversation(&[
            (Speaker::Agent, "What's the best way to call you back?"),
            (Speaker::Caller, "Call me on Oto 7946 09588 extension 12"),
            (
                Speaker::Agent,
                "Great. Some one will call you this afternoon.",
            ),
        ]);
        assert_eq!(out[2], "Great. Some one will call you this afternoon.");
    }

    #[test]
    fn hesitations_between_digits_are_no_words() {
        // Base on 8 kHz µ-law, the rest of a card number after the agent's "go on": "mn" between
        // its digits split them, and counted as a word, so the line was no short answer.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Can I take the long number on the card please?",
            ),
            (Speaker::Caller, "sure it's 4i3 2 118"),
            (Speaker::Agent, "And then HM go on."),
            (Speaker::Caller, "mn 8 8 mn 6 and m i4 3 2"),
        ]);
        assert_eq!(out[1], "sure it's [CREDIT_DEBIT_NUMBER]");
        assert!(!out[3].chars().any(|c| c.is_ascii_digit()), "{}", out[3]);
        // A digit glued to a hesitation is no code (base on µ-law for a gift card's number).
        let out = conversation(&[
            (Speaker::Agent, "What's the number on the gift card?"),
            (
                Speaker::Caller,
                "I'm big mere a big one two three four I'm big mn8 I'm mere a one two.",
            ),
        ]);
        assert!(!out[1].chars().any(|c| c.is_ascii_digit()), "{}", out[1]);
        // Controls: counts and times with hesitations between stay, and a code glued to
        // letters is one.
        let out = conversation(&[
            (Speaker::Agent, "What's the number on the gift card?"),
            (
                Speaker::Caller,
                "It's the one from the BA401 flight, 4532 0151 1283 0366.",
            ),
        ]);
        assert_eq!(
            out[1],
            "It's the one from the BA401 flight, [CREDIT_DEBIT_NUMBER]."
        );
        let out = conversation(&[
            (Speaker::Agent, "How often did you try?"),
            (Speaker::Caller, "Mm, I called 2 or 3 times, mm, last week."),
        ]);
        assert_eq!(out[1], "Mm, I called 2 or 3 times, mm, last week.");
        let out = conversation(&[
            (Speaker::Agent, "When did it happen?"),
            (Speaker::Caller, "Hm, around 5 30, mm, in the evening."),
        ]);
        assert_eq!(out[1], "Hm, around 5 30, mm, in the evening.");
    }

    #[test]
    fn a_zip_code_cut_by_words_after_a_state_is_redacted_whole() {
        // Tiny.en on 8 kHz µ-law for "… Springfield, Illinois, six two seven oh four": the ZIP
        // code heard as "602M and 04", after a town that was garbled.
        let q = "Can you confirm your full address for me?";
        assert_eq!(
            caller_answer(
                q,
                "A apartment for me, 1260M Street, Printing Field, Illinois, 602M and 04."
            ),
            "A apartment for me, [ADDRESS]."
        );
        assert_eq!(
            caller_answer(
                q,
                "1260 Elm Street, Springfield, Illinois, 627 and 04, and I've been there 6 years."
            ),
            "[ADDRESS], and I've been there 6 years."
        );
        // Controls: the sentence after it, a count and years after a state are no ZIP code.
        assert_eq!(
            redact_line("It's Springfield, Illinois 627. And 4 of us live there.").text,
            "It's [ADDRESS]. And 4 of us live there."
        );
        assert_eq!(
            redact_line("I lived in Ohio 12 years and then moved.").text,
            "I lived in Ohio 12 years and then moved."
        );
        assert_eq!(
            redact_line("We lived in Springfield, Illinois 2019 to 2020.").text,
            "We lived in Springfield, Illinois 2019 to 2020."
        );
    }

    #[test]
    fn a_zero_said_last_as_oh_after_a_comma_is_a_digit() {
        // The last digit of a PIN said as "oh" after a comma was left in clear.
        assert_eq!(
            caller_answer(
                "I'll need you to confirm your PIN.",
                "My PIN is one, one, nine, oh."
            ),
            "My PIN is [PIN]."
        );
        assert_eq!(
            caller_answer("And the security code?", "Four, two, oh"),
            "[CREDIT_DEBIT_CVV]"
        );
        // tiny.en on 8 kHz µ-law, the line released mid-sentence.
        assert_eq!(
            caller_answer(
                "I'll need you to confirm your PIN.",
                "My BIA is 1, 1, 9, oh,"
            ),
            "My BIA is [PIN],"
        );
        // Controls (and `tokens::tests::a_last_oh_after_one_digit_is_zero`): before more words
        // "oh" is an interjection.
        assert_eq!(
            caller_answer("How many people?", "Just two, oh well, maybe three of us."),
            "Just two, oh well, maybe three of us."
        );
    }

    #[test]
    fn a_date_of_birth_after_its_request_on_one_mono_line_is_redacted() {
        // tiny.en and base on a mono recording: "memorable date" heard as "memorable day", the
        // answer in the same line.
        let out = conversation(&[(
            Speaker::Unknown,
            "Thank you, and your memorable day. The Fourth of July 1990.",
        )]);
        assert_eq!(
            out[0],
            "Thank you, and your memorable day. The [DATE_OF_BIRTH]."
        );
        // Controls: the agent's own sentence, a date with more said in its sentence, and one
        // with more said after it on the line stay.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Your account was opened. The 12th of June 1990.",
            ),
            (
                Speaker::Caller,
                "Right. It was opened on the 12th of June 1990, at the branch on Main Street.",
            ),
            (
                Speaker::Unknown,
                "Okay. March 15, 1990. Thank you. Your application is in review.",
            ),
        ]);
        assert_eq!(out[0], "Your account was opened. The 12th of June 1990.");
        assert_eq!(
            out[1],
            "Right. It was opened on the 12th of June 1990, at the branch on Main Street."
        );
        assert_eq!(
            out[2],
            "Okay. March 15, 1990. Thank you. Your application is in review."
        );
    }

    #[test]
    fn digit_words_beside_a_value_go_with_it_whichever_rule_found_it() {
        use Speaker::{Agent, Caller, Unknown};
        // Base on a mono recording: the card's last group found from the call's context, its
        // zero heard as "Nero" left beside it.
        let out = conversation(&[
            (Unknown, "Thank you, and the card number when you're ready."),
            (Unknown, "Hang on, let me get my glasses. Okay, 453 high."),
            (Unknown, "7122881"),
            (Unknown, "and the last bit in 643 Nero"),
        ]);
        assert_eq!(out[3], "and the last bit in [CREDIT_DEBIT_NUMBER]");
        // A zero said "oh" before an expiry or a date of birth (tiny.en on a mono recording and
        // on 8 kHz µ-law), and "double" between a phone's pieces (base on µ-law).
        let answer = |question: &str, line: &str| {
            conversation(&[(Agent, question), (Caller, line)])[1].clone()
        };
        assert_eq!(
            answer("Thank you, and the expiry.", "Oh, nine, 27."),
            "[CREDIT_DEBIT_EXPIRY]."
        );
        assert_eq!(
            answer("Thanks, and your date of birth.", "Oh, 5.11.72."),
            "[DATE_OF_BIRTH]."
        );
        // One tag since round 45 (`doubled_digits`).
        assert_eq!(
            answer("And a phone number?", "077009 double 0123"),
            "[PHONE]"
        );
        // Controls: "oh" before no value, and before a card number (none starts with a zero).
        assert_eq!(
            answer("What's the problem?", "Oh, I was charged 40 dollars twice."),
            "Oh, I was charged 40 dollars twice."
        );
        assert_eq!(
            answer("Card number?", "Oh, 4532 0151 1283 0366."),
            "Oh, [CREDIT_DEBIT_NUMBER]."
        );
    }

    #[test]
    fn an_oh_ending_a_line_that_gives_a_value_is_its_zero() {
        assert_eq!(
            caller_answer(
                "I'll need you to confirm your PIN.",
                "My DIA is 1, 1, I'm, oh"
            ),
            "My DIA is [PIN], I'm, [PIN]"
        );
        // And a digit's homophone right after the value (tiny.en on µ-law for "eight zero two").
        assert_eq!(
            caller_answer("And the CVV?", "Let me check, okay, it's say 0 to"),
            "Let me check, okay, it's say [CREDIT_DEBIT_CVV] [CREDIT_DEBIT_CVV]"
        );
        // Controls: "oh" before the line's end, or on a line with no value, is a word, and so is
        // a line's last "to" after other words.
        assert_eq!(
            caller_answer(
                "What's your phone number?",
                "It's 07700 900123 and I'd like to"
            ),
            "It's [PHONE] and I'd like to"
        );
        assert_eq!(
            caller_answer(
                "I'll need you to confirm your PIN.",
                "It's 4417. Oh, and thanks."
            ),
            "It's [PIN]. Oh, and thanks."
        );
        assert_eq!(
            caller_answer("Is that all?", "I think so, oh"),
            "I think so, oh"
        );
    }

    #[test]
    fn a_digits_homophone_opening_a_value_goes_with_it() {
        // tiny.en on 16 kHz, 8 kHz µ-law and mono for "Four nine one seven, six one, sorry, let
        // me start again. Four nine one seven, …": the card's first digit shown as "For".
        let out = conversation(&[
            (Speaker::Agent, "Go ahead with the card number."),
            (
                Speaker::Caller,
                "For 91761, sorry let me start again for 9176100345667891.",
            ),
        ]);
        assert!(
            out[1].starts_with("[CREDIT_DEBIT_NUMBER], sorry let me start again [")
                && !out[1].contains("for")
                && !out[1].chars().any(|c| c.is_ascii_digit()),
            "{}",
            out[1]
        );
        // Base: an account's first digit and an SSN's third heard as words.
        assert_eq!(
            caller_answer(
                "And the checking account number?",
                "Let me see for 8221739."
            ),
            "Let me see [BANK_ACCOUNT_NUMBER]."
        );
        let out = conversation(&[(
            Speaker::Unknown,
            "Sure, can you verify the last four of your social? 6, 6 to 1.",
        )]);
        assert!(!out[0].contains(" to "), "{}", out[0]);
        // Controls: mid-sentence before any other value "to" is a word, as before an
        // address's house number.
        assert_eq!(
            caller_answer("What's your PIN?", "I changed it to 4417 last week."),
            "I changed it to [PIN] last week."
        );
        assert_eq!(
            caller_answer(
                "And the account number?",
                "It was moved to 41239876 last year."
            ),
            "It was moved to [BANK_ACCOUNT_NUMBER] last year."
        );
        let out = conversation(&[
            (Speaker::Agent, "Where should the new card go?"),
            (
                Speaker::Caller,
                "Please send it to 47 Kingsley Road, Leeds, LS6 1AB.",
            ),
        ]);
        assert_eq!(out[1], "Please send it to [ADDRESS].");
    }

    #[test]
    fn a_date_given_to_say_who_one_is_is_a_date_of_birth() {
        // tiny.en on 16 kHz, 8 kHz µ-law and mono: "born" heard as "for", the date shown.
        let q = "I just need to confirm who I'm speaking with.";
        let out = caller_answer(q, "Sure, I'm Leo, for August 9, 1982, if not health.");
        assert!(
            out.contains("[DATE_OF_BIRTH]") && !out.contains("1982") && !out.contains("August"),
            "{out}"
        );
        // Control: a date told to someone named as the one spoken to is no answer to it.
        let out = conversation(&[
            (Speaker::Agent, "Thanks for calling, you're speaking to Jo."),
            (
                Speaker::Caller,
                "Hi Jo, I was charged on March 3rd 2015 twice.",
            ),
        ]);
        assert!(
            out[1].ends_with("I was charged on March 3rd 2015 twice."),
            "{}",
            out[1]
        );
    }

    #[test]
    fn digits_after_a_value_that_no_rule_joined_are_its() {
        // Base on 8 kHz µ-law: an SSN's middle group as "for one" after its first.
        let out = conversation(&[
            (Speaker::Agent, "How can I help today?"),
            (
                Speaker::Caller,
                "AX for my social i2-3 for one, AX-8 and M6 and M-PEN upon me.",
            ),
        ]);
        assert!(!out[1].contains("for one"), "{}", out[1]);
        // Controls: a count after a value, and "for" with no number after it.
        assert_eq!(
            caller_answer("What's your PIN?", "It's 4417, I tried it 3 times."),
            "It's [PIN], I tried it 3 times."
        );
        assert_eq!(
            caller_answer("What's your PIN?", "It's 4417 for now, I may change it."),
            "It's [PIN] for now, I may change it."
        );
    }

    #[test]
    fn an_address_at_a_mail_service_is_an_email_unasked() {
        // Nothing asked for an e-mail and no "dot com" ended it: "Doe" and the digits shown.
        for (line, said) in [
            ("It's Jane dot Doe at Gmail.", "It's [EMAIL]."),
            (
                "I'm on Gmail, it's jdoe84 at Gmail.",
                "I'm on Gmail, it's [EMAIL].",
            ),
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, line)])[0], said, "{line}");
        }
        // Controls: a place or an employer, and a mail service's name with nothing before it.
        for line in [
            "I'm at work right now.",
            "My sister works at Yahoo.",
            "I was at Comcast for ten years.",
            "I use Gmail mostly.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, line)])[0], line);
        }
    }

    #[test]
    fn three_digits_bare_after_a_request_for_a_pin_are_it_and_to_after_is_is_a_digit() {
        // tiny.en on 16 kHz and 8 kHz µ-law for "Do I have to? Fine, it's five five five five."
        assert_eq!(
            caller_answer(
                "I'll need your BIM to continue.",
                "Do I have to find its 555?"
            ),
            "Do I have to find its [PIN]?"
        );
        // Base on all three: a routing number's first "two" after "is".
        assert_eq!(
            caller_answer(
                "Could you give me the routing number and the account number?",
                "The routing number is to 60000082, and the account is 12345678."
            ),
            "The routing number is [BANK_ACCOUNT_NUMBER], and the account is [BANK_ACCOUNT_NUMBER]."
        );
        // Controls: the same line after a request for a reference, and "to" after a verb.
        assert_eq!(
            caller_answer("What's your order number?", "Do I have to find its 555?"),
            "Do I have to find its 555?"
        );
        assert_eq!(
            caller_answer("What's your PIN?", "I changed it to 4417 last week."),
            "I changed it to [PIN] last week."
        );
    }

    #[test]
    fn a_uk_postcode_cut_short_after_its_outward_code_is_an_address() {
        // tiny.en on a mono recording for "… London, S W one A, two A A.", nothing asked.
        let out = conversation(&[(
            Speaker::Unknown,
            "flat to 10-pound in treat, London SW1A, 2A, lovely.",
        )]);
        assert!(
            !out[0].contains("SW1A") && !out[0].contains("2A"),
            "{}",
            out[0]
        );
        // Controls: a paper size before a seat (one letter first), and a whole postcode as
        // before.
        let line = "It's on the A4, 2B was my seat.";
        assert_eq!(conversation(&[(Speaker::Caller, line)])[0], line);
        assert_eq!(
            conversation(&[(Speaker::Caller, "It's 10 Downing Street, London SW1A 2AA.")])[0],
            "It's [ADDRESS]."
        );
    }

    #[test]
    fn numbers_left_in_an_answer_to_a_request_are_the_value_asked_for() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let no_digit = |out: &[String], i: usize| {
            assert!(!out[i].chars().any(|c| c.is_ascii_digit()), "{out:?}");
        };
        // The rest of a phone number after the agent's "Okay." (tiny.en and base on all of
        // 16 kHz, 8 kHz µ-law and mono for "Then five five five, and the last four are eight
        // oh four six").
        let out = conversation(&[
            (agent, "What's the best number to reach you?"),
            (caller, "Area code is three one two."),
            (agent, "Okay."),
            (caller, "Then 555 and the last 4.0.4.6."),
        ]);
        no_digit(&out, 1);
        no_digit(&out, 3);
        assert!(out[3].contains("[PHONE]"), "{out:?}");
        // A code after words whisper made of "the three on the back" (tiny.en, 16 kHz and µ-law),
        // one glued into letters (base on µ-law), an account's digits among letters (tiny.en on
        // µ-law, the request a sentence before the line's last).
        for (question, answer) in [
            (
                "Now the three numbers on the back of the card, please.",
                "The free on the Mac, the 749.",
            ),
            (
                "Now the three numbers on the back of the card, please.",
                "The free on the map, the M4EIN.",
            ),
            (
                "Can you give me the account number? It starts with two letters.",
                "a C9th M3 44128.",
            ),
        ] {
            no_digit(&conversation(&[(agent, question), (caller, answer)]), 1);
        }
        // A request heard as a noun phrase opening with "Well," (tiny.en on µ-law).
        let out = conversation(&[
            (agent, "Well, the security code on the Mac."),
            (caller, "It's the 7, the 6, and the 2."),
        ]);
        no_digit(&out, 1);
        // After the agent's yes to the caller's question (base on µ-law for an SSN's "oh seven
        // eight, oh five, one one two oh"), and digits as words with a time asked too (base on
        // µ-law for "three one two, five five five, …").
        let out = conversation(&[
            (agent, "I'll need your social security number."),
            (caller, "Do you need all nine?"),
            (agent, "Yes, all nine please."),
            (caller, "Okay, it's so 7/8, oh I am 112."),
        ]);
        no_digit(&out, 3);
        let out = conversation(&[
            (agent, "Can I get a Cal back number and a good time?"),
            (
                caller,
                "Sure, free one two time time time near a one time time anytime after 3pm.",
            ),
        ]);
        assert!(
            !out[1].contains("one two") && !out[1].contains("free"),
            "{out:?}"
        );
        assert!(out[1].ends_with("anytime after 3pm."), "{out:?}");
        // A number's last digit after letters whisper made of its middle (tiny.en on µ-law for a
        // Medicare number).
        let out = conversation(&[
            (agent, "What did your medicare number?"),
            (caller, "My Medicare number is 1E4 CD5 MK Penbond 3."),
        ]);
        no_digit(&out, 1);
        // Groups given a line each, the agent's "Yes." and "And the last." between.
        let out = conversation(&[
            (agent, "What's the long number on the card?"),
            (caller, "5412."),
            (agent, "Yes."),
            (caller, "Then the M7512."),
            (agent, "And the last."),
            (caller, "It's 7890 on the bag."),
        ]);
        no_digit(&out, 3);
        no_digit(&out, 5);
        // Controls: the caller's next line after giving the value, with no acknowledgement
        // between; a line after the agent asked about something else; an amount, a count and
        // a flight in an answer; a question of how many.
        let out = conversation(&[
            (agent, "What's your date of birth?"),
            (caller, "It's the 22nd of May, 1955."),
            (caller, "Please press 9 for billing."),
            (agent, "Thanks, and which kit did you order?"),
            (caller, "The M3 kit, for 2 rooms."),
        ]);
        assert_eq!(out[2], "Please press 9 for billing.");
        assert_eq!(out[4], "The M3 kit, for 2 rooms.");
        let out = conversation(&[
            (agent, "What's the best number to reach you?"),
            (
                caller,
                "Before that, I paid $40.50 for 2 tickets on the BA401 flight.",
            ),
        ]);
        assert_eq!(
            out[1],
            "Before that, I paid $40.50 for 2 tickets on the BA401 flight."
        );
        let out = conversation(&[
            (agent, "How many cards do you have with us?"),
            (caller, "It's 3 I think, M4 too."),
        ]);
        assert_eq!(out[1], "It's 3 I think, M4 too.");
        let out = conversation(&[(
            Speaker::Unknown,
            "Can I get a Calbeck number and a good time? Sure, 312 555 0199 any time after 3 p.m.",
        )]);
        assert!(out[0].ends_with("any time after 3 p.m."), "{out:?}");
        // On a mono recording (base): the request and its answer on one line, and the answer
        // going on after an "OK" heard between.
        let u = Speaker::Unknown;
        let out = conversation(&[
            (
                u,
                "Can I take the zip code on the account? Yes, it's 90210-4417.",
            ),
            (
                u,
                "And the building street. 1122 sunset newly-mired apartment iron.",
            ),
        ]);
        no_digit(&out, 1);
        for rest in [
            "Then 555 and the last 48046",
            "Then 555 and the last 4.08.o.46.",
        ] {
            let out = conversation(&[
                (u, "What's the best number to read you?"),
                (u, "Area code is 312"),
                (u, "OK"),
                (u, rest),
            ]);
            no_digit(&out, 3);
            assert!(!out[3].contains(".o."), "{out:?}");
        }
        // A phone's extension given with it (base, the request on the same line).
        let out = conversation(&[(
            u,
            "What number can we call you back on? Plus 1, 6, 0, 2, 5, 5, 5, 0, 1, I-8, extension 22.",
        )]);
        no_digit(&out, 0);
        // Controls: a line after the answer, with no acknowledgement between, and a count.
        let out = conversation(&[
            (u, "Can you give me the security code please?"),
            (u, "That's two six seven four."),
            (
                u,
                "It arrived on March 12th. The refund will take 10 business days.",
            ),
        ]);
        assert_eq!(
            out[2],
            "It arrived on March 12th. The refund will take 10 business days."
        );
        let out = conversation(&[
            (u, "What number can we call you back on? Plus 1602, 198."),
            (
                u,
                "And is there a better time to call? After 5, 13, leaving on weekdays.",
            ),
        ]);
        assert_eq!(
            out[1],
            "And is there a better time to call? After 5, 13, leaving on weekdays."
        );
    }

    #[test]
    fn a_rare_homophone_a_comma_before_a_value_is_its_digit() {
        let q = "Thank you. And the expiry?";
        let out = caller_answer(q, "It runs out at the end of next March, so free, 27.");
        assert!(!out.contains("free"), "{out}");
        // Control: "free" with a word between stays a word.
        let q = "What's the best number to reach you?";
        assert_eq!(
            caller_answer(q, "Calls are free, and it's 415 555 0132."),
            "Calls are free, and it's [PHONE]."
        );
    }

    #[test]
    fn an_ibans_opening_before_its_digits_goes_with_them() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let out = conversation(&[
            (agent, "I can reference your man, worth the Ivan,"),
            (caller, "Gb29 and wbk 6016133926819."),
        ]);
        assert_eq!(out[1], "[IBAN].");
        // Controls (on the agent's line, where no rule for glued codes runs): the same
        // opening far from a long value, and before a short one.
        for said in [
            "Gb29 is on the form, and 6016133926819 is on it.",
            "Gb29 and 078-05-1120.",
        ] {
            let out = conversation(&[(agent, said)]);
            assert!(out[0].starts_with("Gb29 "), "{out:?}");
        }
    }

    #[test]
    fn an_expiry_month_after_its_request_on_a_mono_line_is_redacted() {
        let u = Speaker::Unknown;
        let out = conversation(&[(
            u,
            "Thank you and the expiry. It runs out at the end of next March, so free, 27.",
        )]);
        assert!(
            !out[0].contains("March") && !out[0].contains("27"),
            "{out:?}"
        );
        // Controls: a month before the request, and the same line with no request.
        let out = conversation(&[(u, "It was March. Thank you and the expiry?")]);
        assert_eq!(out[0], "It was March. Thank you and the expiry?");
        let out = conversation(&[(u, "Thank you. It runs out at the end of next March.")]);
        assert_eq!(out[0], "Thank you. It runs out at the end of next March.");
    }

    #[test]
    fn four_digits_read_out_in_words_are_a_value() {
        let u = Speaker::Unknown;
        // tiny.en on a mono recording: a phone's read-back garbled, then its correction.
        let out = conversation(&[
            (u, "So that's so one six one four nine six Hello, hello"),
            (u, "No, the last bit is zero zero one zero Got it, thanks"),
        ]);
        assert_eq!(out[0], "So that's so [NUMBER] Hello, hello");
        assert_eq!(out[1], "No, the last bit is [NUMBER] Got it, thanks");
        // Controls: three digits, a reference, and the agent's line.
        for said in [
            "It was one two three, easy as that.",
            "The order number is one two three four.",
        ] {
            assert_eq!(conversation(&[(u, said)])[0], said);
        }
        let out = conversation(&[(Speaker::Agent, "Press one two three four to continue.")]);
        assert_eq!(out[0], "Press one two three four to continue.");
    }

    #[test]
    fn a_landline_asked_for_is_a_phone() {
        // Base and tiny.en on µ-law, "oh one triple two, four double five six, one eight".
        for (question, answer) in [
            (
                "What's your land line?",
                "So one triple two, four double i'm six and one eight.",
            ),
            (
                "What's your landline?",
                "No one triple to four double-five six emanate.",
            ),
        ] {
            let out = caller_answer(question, answer);
            let digit_word = |w: &str| {
                let w = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                tokens::unit(&w).is_some() || tokens::homophone(&w).is_some() || w == "triple"
            };
            assert!(!out.split([' ', '-']).any(digit_word), "{out}");
        }
        // Control: the same words with nothing asked.
        let said = "So one triple two, four double i'm six and one eight.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn digits_listed_one_at_a_time_are_a_value() {
        // A code read a digit at a time after its request came out garbled past any cue (base
        // on 8 kHz µ-law and mono).
        let out = conversation(&[
            (
                Speaker::Agent,
                "What's the figure you're already called on the",
            ),
            (Speaker::Caller, "It's the 7, the 6 and the 2."),
        ]);
        assert!(!out[1].contains('7'), "{}", out[1]);
        assert!(!out[1].contains('6') && !out[1].contains('2'));
        for line in ["The numbers are 4, 9 and 1.", "So 5, then 0, then 3."] {
            let said = conversation(&[(Speaker::Caller, line)]).remove(0);
            assert!(
                !said.chars().any(|c| c.is_ascii_digit()),
                "{line} gave {said}"
            );
            assert!(said.contains("[NUMBER]"), "{line} gave {said}");
        }
        // Counts, amounts, decimals and two digits are left alone.
        for line in [
            "It happened 2, 3 or 4 times.",
            "I have 3 cards, 1 debit and 1 credit.",
            "I tried 2, then 3 accounts.",
            "Versions 1.2 and 3.4 both fail.",
            "The 2 and the 3.",
            "It was one, two and three.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, line)])[0], line);
        }
    }

    #[test]
    fn a_count_of_a_kind_of_card_or_account_is_no_value() {
        for line in [
            "I have two debit cards and one credit card.",
            "I have 3 credit cards.",
            "There were 2 debit transactions.",
            "I only have one phone number.",
            "I got 2 new cards in the post.",
            "I have 2 savings accounts and 1 checking account.",
            "I have two cards, one debit and one credit.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, line)])[0], line);
        }
        // What is said after a request for the value stays redacted.
        let out = conversation(&[
            (Speaker::Agent, "What's the security code on the back?"),
            (Speaker::Caller, "It's 4 1 7, on the credit card."),
        ]);
        assert!(!out[1].contains("4 1 7"), "{}", out[1]);
    }

    #[test]
    fn a_digit_said_with_its_count_is_a_value() {
        for answer in [
            "It's 4-0s.",
            "It's for zeros.",
            "Four nines.",
            "all zeros, I think",
        ] {
            let out = caller_answer("Please tell me the four digit PIN you chose.", answer);
            assert!(
                out.contains("[NUMBER]") || out.contains("[PIN]"),
                "{answer} gave {out}"
            );
            assert!(
                !out.to_lowercase().contains("zeros")
                    && !out.contains("0s")
                    && !out.to_lowercase().contains("nines"),
                "{answer} gave {out}"
            );
        }
        // Nothing counted: left alone.
        for said in ["The new ones are better.", "Sixes and sevens, honestly."] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn a_request_said_again_stays_open() {
        for (again, answer) in [
            ("Sorry, could you say that again?", "It's the M4EIN."),
            (
                "Sorry, I didn't catch that, can you repeat it?",
                "Yes, it's so 1, 2 M 34.",
            ),
            (
                "That's not allowed, please choose another one.",
                "Okay then, 1977.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "What's your PIN?"),
                (Speaker::Caller, "Hang on."),
                (Speaker::Agent, again),
                (Speaker::Caller, answer),
            ]);
            assert!(
                !out[3].chars().any(|c| c.is_ascii_digit()),
                "{again} {}",
                out[3]
            );
        }
        // On a mono recording too, asked as a question or not.
        for again in [
            "Sorry, could you say that again?",
            "Sorry, please choose another one.",
        ] {
            let out = conversation(&[
                (Speaker::Unknown, "What's the security code on the back?"),
                (Speaker::Unknown, "Hang on."),
                (Speaker::Unknown, again),
                (Speaker::Unknown, "It's the M4EIN."),
            ]);
            assert!(!out[3].contains('4'), "{again} {}", out[3]);
        }
        // Control: a question about something else closes the request.
        let out = conversation(&[
            (Speaker::Agent, "What's your PIN?"),
            (Speaker::Caller, "Hang on."),
            (Speaker::Agent, "Sorry, is this about the order?"),
            (Speaker::Caller, "Yes, it's so 1, 2 M 34."),
        ]);
        assert_eq!(out[3], "Yes, it's so 1, 2 M 34.");
    }

    #[test]
    fn a_year_answering_a_request_for_a_pin_or_digits_is_the_value() {
        // base on a mono recording of "Please tell me the four digit PIN you chose." - "It's
        // four zeros." - "That's not a permitted PIN, choose another one." - "OK then, one
        // nine seven seven." - "That works."
        let out = conversation(&[
            (
                Speaker::Unknown,
                "Please tell me before digit BIN you chose.",
            ),
            (
                Speaker::Unknown,
                "It's for zeros. That's not permitted BIN, choose another one.",
            ),
            (Speaker::Unknown, "Okay then, 1977. That works."),
        ]);
        assert!(!out[1].contains("zeros"), "{}", out[1]);
        assert!(!out[2].contains("1977"), "{}", out[2]);
        // Control: asked for an address, a year stays.
        let said = "Hmm, I set it up 1998, let me think.";
        assert_eq!(caller_answer("What's your email address?", said), said);
        // Nor a year after "since about".
        let said = "I have been waiting since about 2015 for this.";
        assert_eq!(caller_answer("What PIN would you like?", said), said);
    }

    #[test]
    fn a_word_between_two_pieces_of_a_value_is_the_values() {
        for (question, answer, left) in [
            (
                "I'll need the routing number for the direct deposit.",
                "021000 near 021",
                "near",
            ),
            (
                "What's the card number?",
                "It's 4556 7123 i 4409 8812",
                " i ",
            ),
            ("And the PIN please?", "It's 12 L. 77.", "L."),
        ] {
            let out = caller_answer(question, answer);
            assert!(!out.contains(left), "{answer} gave {out}");
            assert!(
                !out.chars().any(|c| c.is_ascii_digit()),
                "{answer} gave {out}"
            );
        }
        // Controls: two values joined by a word that is no digit.
        let out = caller_answer(
            "What numbers can we reach you on?",
            "It's 020 7946 0018 and 07700 900123.",
        );
        assert!(out.contains(" and "), "{out}");
    }

    #[test]
    fn a_date_said_by_numbers_with_a_short_year_or_after_a_garbled_request_is_redacted() {
        // base at 16 kHz and on 8 kHz µ-law for "Can you confirm your date of birth?" -
        // "Seventh of the ninth, eighty two.".
        for question in [
            "Can you confirm your date on Word?",
            "Can you confirm your data?",
        ] {
            let out = caller_answer(question, "7th of the 9th, 822.");
            assert!(!out.chars().any(|c| c.is_ascii_digit()), "{question} {out}");
        }
        let out = conversation(&[(Speaker::Caller, "7th of the 9th, 82.")]);
        assert_eq!(out[0], "[DATE_OF_BIRTH].");
        // Controls: a recent date, and a question that confirms no value of the caller's.
        let said = "It was the 5th of the 1st, 25.";
        assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        let said = "Yes, on the 7th of the 9th.";
        assert_eq!(
            caller_answer("Can you confirm the appointment?", said),
            said
        );
    }

    #[test]
    fn an_email_asked_and_half_heard_on_one_mono_line_is_redacted() {
        let out = conversation(&[(
            Speaker::Unknown,
            "What email should receive Gorta? Mary Under's gorta, a tout look dot go dot UK.",
        )]);
        assert_eq!(out[0], "What email should receive Gorta? [EMAIL].");
        // Control: a question about something else, the same words after it.
        let line = "What time should we call? Mary Under's gorta, a tout look dot go dot UK.";
        assert_eq!(conversation(&[(Speaker::Unknown, line)])[0], line);
    }

    #[test]
    fn a_month_beside_a_redacted_number_goes_with_it() {
        let out = caller_answer("When does the car disappear?", "End on August 26.");
        assert!(!out.contains("August"), "{out}");
        assert!(!out.contains("26"), "{out}");
        // Controls: a month with no number redacted beside it, and "may" the verb.
        let said = "I paid in August, and again in March.";
        assert_eq!(caller_answer("When did you pay?", said), said);
        let out = conversation(&[
            (Speaker::Agent, "What's the card number?"),
            (Speaker::Caller, "It's 4111 1111 1111 1111 may I ask why?"),
        ]);
        assert!(out[1].ends_with(" may I ask why?"), "{}", out[1]);
    }

    #[test]
    fn an_email_answer_saying_underscore_is_redacted_whole() {
        let answer = "Merry underscore, Kate, how to look not to go not to K.";
        let out = caller_answer("What email should the receipt go to?", answer);
        assert_eq!(out, "[EMAIL].");
        // Control: not asked for an e-mail.
        assert_eq!(caller_answer("How can I help?", answer), answer);
    }

    #[test]
    fn a_flats_number_an_oh_before_a_homophone_and_an_emails_dot_heard_not_are_redacted() {
        // base on mono.
        let out = conversation(&[
            (
                Speaker::Unknown,
                "I have the first line on your address and the postcode.",
            ),
            (Speaker::Unknown, "Flat for 22 Baker Street, NW-1-6XC."),
        ]);
        // The flat's word with it since a unit's number may be a homophone.
        assert_eq!(out[1], "[ADDRESS].");
        // tiny.en on mono.
        let out = conversation(&[
            (Speaker::Unknown, "I'll need the card details."),
            (
                Speaker::Unknown,
                "The code is 612 and it expires, oh for 27. And the lolly hum, where?",
            ),
        ]);
        assert!(!out[1].contains(" oh "), "{}", out[1]);
        // base at 16 kHz.
        let answer = "It's a not me not see at company mashing not org";
        let out = caller_answer("And what email do you use with us?", answer);
        assert_eq!(out, "It's [EMAIL]");
        // Controls: not asked for an e-mail; a flat's count.
        assert_eq!(caller_answer("How can I help?", answer), answer);
        let said = "I have a flat for 2 years now.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn an_emails_domain_ending_a_sentence_before_the_lines_end_is_redacted() {
        for answer in [
            "It's time at www.complumbing.com. See you on MS Flumming.",
            "It's Tom, Tom's Flumming, dot com. See you on M.S. Flumming.",
        ] {
            let out = caller_answer("What's the best email for you?", answer);
            assert!(out.starts_with("It's [EMAIL]"), "{answer} gave {out}");
            assert!(
                !out.contains("omplumbing") && !out.contains("Tom's"),
                "{out}"
            );
        }
        // Control: not asked for an e-mail, a web site stays.
        let said = "It's on www.complumbing.com. See you on Monday.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn a_code_read_out_with_am_glued_to_a_digit_is_redacted() {
        let out = caller_answer(
            "Can you read me the code we just texted you?",
            "Yes, it's 8 4am and 291.",
        );
        assert!(!out.chars().any(|c| c.is_ascii_digit()), "{out}");
        // Control: a time asked for stays.
        let said = "Yes, 8 or 9am is fine.";
        assert_eq!(
            caller_answer("Can we call you tomorrow morning?", said),
            said
        );
    }

    #[test]
    fn a_letter_after_five_digits_ends_a_code() {
        // "Your member ID" heard as "Well, you remember ID." (tiny.en on a mono recording): the
        // ID whisper wrote with a letter glued to it, no cue left to read it by.
        let out = conversation(&[
            (Speaker::Agent, "Well, you remember ID."),
            (Speaker::Caller, "It's mvm 44921x."),
            (Speaker::Agent, "Thank you."),
        ]);
        assert_eq!(out[1], "It's mvm [NUMBER].", "{out:?}");
        let mono = conversation(&[(Speaker::Unknown, "Well, you remember ID. It's mvm 44921x.")]);
        assert!(!mono[0].contains("4492"), "{mono:?}");
        // Controls: a multiplier, a size, a decade and a distance stay.
        for said in [
            "It's about 2x faster since the update.",
            "I bought the 4k one last week.",
            "It was cheaper in the 1990s though.",
            "We were at 35000ft when it happened.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn groups_read_out_one_after_another_are_redacted() {
        // A card read in groups with no request heard before it: a group was shown beside a
        // group another rule found, or both.
        for said in [
            "So the first part is 4111, then 1111.",
            "So it starts 4532, then 7781.",
            "You can try 415, then 882 and then 3917.",
        ] {
            let out = conversation(&[(Speaker::Caller, said)]);
            assert!(
                !out[0].chars().any(|c| c.is_ascii_digit()),
                "{said} gave {out:?}"
            );
        }
        // Controls: years, round numbers, amounts, times, counts and references stay.
        for said in [
            "Between 2019 and 2022 I lived there.",
            "I paid 150, then 200 the next month.",
            "I walked 1520, then 2130 steps.",
            "The invoices were 4471 and 4472.",
            "Orders 5512 and 5513 never came.",
            "I called at 1030 and then 1145.",
            "Flights 447 and 448 were both cancelled.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        }
    }

    #[test]
    fn a_street_beside_a_value_or_where_one_lives_is_redacted() {
        for said in [
            "I live at number 9, the blue house next to the church on Mill Lane.",
            "I live on Mill Lane in Oxford.",
            "My card 4111 1111 1111 1111 was declined at the shop on Main Street.",
        ] {
            let out = conversation(&[(Speaker::Caller, said)]);
            assert!(
                !out[0].contains("Mill") && !out[0].contains("Main"),
                "{said} gave {out:?}"
            );
        }
        // The partial hides it as the final does.
        let mut r = Redactor::new();
        let said = "I live at number 9, the blue house next to the church on Mill Lane.";
        let partial = r.preview(Speaker::Caller, said).text;
        assert!(!partial.contains("Mill"), "{partial}");
        // Controls: a street with no value beside it, and living on no street.
        for said in [
            "The accident was on Church Street yesterday.",
            "I live on my own since my husband passed.",
            "I live on the third floor.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        }
    }

    #[test]
    fn a_value_given_in_pieces_and_said_back_whole_is_redacted() {
        // The agent's read-back of a code whose pieces the rules found apart was shown.
        for back in ["Five eight six?", "586?", "So that's 5 8 6?"] {
            let out = conversation(&[
                (
                    Speaker::Agent,
                    "I just need the three digit code on the back of your card.",
                ),
                (
                    Speaker::Caller,
                    "Hmm, it's a bit worn. I think it's 5, 8, and then maybe a 6.",
                ),
                (Speaker::Agent, back),
                (Speaker::Caller, "Yes."),
            ]);
            assert!(
                !out[2].chars().any(|c| c.is_ascii_digit())
                    && !out[2].contains("ive")
                    && !out[2].contains("ight"),
                "{back} gave {out:?}"
            );
        }
        // Control: the same digits as an amount stay.
        let out = conversation(&[
            (Speaker::Agent, "What's the code on the back?"),
            (Speaker::Caller, "I think it's 5, 8, and then maybe a 6."),
            (Speaker::Agent, "Thanks. And the fee is 586 dollars, okay?"),
        ]);
        assert_eq!(out[2], "Thanks. And the fee is 586 dollars, okay?");
    }

    #[test]
    fn a_date_of_birth_asked_as_whose_is_redacted_with_its_month() {
        // "the policy holder's date of birth" heard as "… holder is date of birth." (base on 8
        // kHz µ-law), and the answer's day garbled: month and year were shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Thanks and the policy holder is date of birth.",
            ),
            (Speaker::Caller, "March of the time, 1966."),
            (Speaker::Agent, "And the registration of the vehicle."),
        ]);
        assert_eq!(out[1], "[DATE_OF_BIRTH].", "{out:?}");
        // Controls: a statement says whose; a month far from a value stays.
        let out = conversation(&[
            (Speaker::Agent, "Thanks, the card is blocked now."),
            (Speaker::Caller, "Great, thanks."),
        ]);
        assert_eq!(out[1], "Great, thanks.");
        let said = "In March we moved, and then in May of 2019 I opened it.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn a_request_said_with_i_am_still_asks() {
        // "am" read as a time made the request no request: the SSN answering it was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "I am sorry to hear that, can you confirm the full number so I can check?",
            ),
            (Speaker::Caller, "Yes, I have to 3 6 1 441 I in"),
            (Speaker::Agent, "Thank you."),
        ]);
        assert!(!out[1].chars().any(|c| c.is_ascii_digit()), "{out:?}");
        // Control: a time asked with "am" after its number asks for no value.
        let said = "Yes, 9 am is fine.";
        assert_eq!(caller_answer("Can we call you back at 9 am?", said), said);
    }

    #[test]
    fn an_ibans_opening_with_one_check_digit_is_redacted() {
        // "GB29 NWBK …" heard as "GB9 and WBK…" (tiny.en): the opening was shown.
        let out = caller_answer(
            "How can I help?",
            "I want to send money to my landlord, his abin is GB9 and WBK60161331926819.",
        );
        assert_eq!(
            out, "I want to send money to my landlord, his abin is [IBAN].",
            "{out}"
        );
        // Control: two letters glued to a digit with no long value after them stay.
        let said = "I've got the UK2 and the US1 plans.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn an_email_read_out_with_its_separators_is_redacted_without_its_request() {
        let out = conversation(&[
            (Speaker::Agent, "And what he may read, shall we use?"),
            (Speaker::Caller, "It's em.ok for hyphen 77 ed proton.me."),
            (Speaker::Agent, "Can you spell the last name?"),
        ]);
        assert_eq!(out[1], "It's [EMAIL].", "{out:?}");
        // Controls: a web site said with no separator, and the agent's.
        let said = "It's all on example.com.";
        assert_eq!(caller_answer("How can I help?", said), said);
        let said = "Type a hyphen, then go to ourbank.com.";
        let out = conversation(&[(Speaker::Agent, said), (Speaker::Caller, "Okay.")]);
        assert_eq!(out[0], said);
    }

    #[test]
    fn a_long_number_after_a_step_or_page_is_no_reference() {
        // "my WhatsApp, seven one eight …" heard as "my one step 718 555 0246" (tiny.en): the
        // phone was kept as a step's number.
        let out = conversation(&[
            (Speaker::Agent, "What's the best number to reach you on?"),
            (
                Speaker::Caller,
                "My cell, which is also my one step 718 555 0246",
            ),
            (Speaker::Agent, "Is there a second number?"),
        ]);
        assert!(!out[1].chars().any(|c| c.is_ascii_digit()), "{out:?}");
        // Control: a step's and a page's numbers stay.
        let said = "Go to step 3 on page 12.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn a_short_answer_to_a_request_to_spell_is_the_spelling() {
        // "O K A F O R" heard as "Okay. If oh are." (base on 8 kHz µ-law) and "ok, if oh r"
        // (tiny.en): "oh are" was shown beside the letters found.
        for said in ["Okay. If oh are.", "ok, if oh r"] {
            let out = conversation(&[
                (Speaker::Agent, "Can you spell the last name?"),
                (Speaker::Caller, said),
                (Speaker::Agent, "Thank you."),
            ]);
            assert!(
                !out[1].contains("oh") && !out[1].contains("if"),
                "{said} gave {out:?}"
            );
        }
        // Controls: no spelling given, and no request to spell.
        for (asked, said) in [
            ("Can you spell the last name?", "Sorry, I can't spell it."),
            ("Could you spell that for me?", "Yes, one moment please."),
            ("How are you today?", "Okay. If oh are."),
        ] {
            assert_eq!(caller_answer(asked, said), said);
        }
    }

    #[test]
    fn an_address_given_after_its_request_was_lost_is_redacted() {
        // "And the first line of your address?" heard as "… the first light of your embrace"
        // and "… and the postcode?" as "… the post called" (espeak's Scottish voice): the
        // flat, building and street, the postcode and an e-mail's first piece were shown.
        for (said, shown) in [
            ("Flat 9, Cavendish House, Queens Road.", "Cavendish"),
            ("Flight 9, Cavendish House, Queens Road.", "Cavendish"),
            ("Flat nine, Cavendish House, Green Road.", "Cavendish"),
            ("BS 8, 1QU.", "QU"),
            (
                "It's the old one, k.brin and k.brennan61@yahoo.co.uk.",
                "brin",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "And the first light of your embrace."),
                (Speaker::Caller, said),
                (Speaker::Agent, "Thanks."),
            ]);
            assert!(
                !out[1].contains(shown) && !out[1].chars().any(|c| c.is_ascii_digit()),
                "{said} gave {out:?}"
            );
        }
        // Controls: a flight and a road in one sentence; a floor.
        for said in [
            "My flight 9 was on time, we landed near Queens Road.",
            "I was at 8, 2nd floor.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn an_address_said_where_one_is_based_or_at_a_house_number_is_redacted() {
        // "I'm at number forty two, The Crescent, Bath, B A one, two Q R" after "And where are
        // you based?" (espeak's Scottish caller): the number, street and postcode's pieces
        // were shown.
        for said in [
            "I'm at number 42, the present, but be a one to cure.",
            "I'm a number for the two, the Crecyn's, R, R, R, R, R.",
            "I'm a number 42, the crescent, B.I.1, to Q.R.",
        ] {
            let out = caller_answer("And where are you based?", said);
            assert_eq!(out, "[ADDRESS].", "{said}");
        }
        // With no request: the house's number after "I'm at".
        let said = "I'm at number 42, the present, but be a one to cure.";
        let out = conversation(&[(Speaker::Caller, said)]);
        assert!(out[0].starts_with("I'm at [ADDRESS]"), "{out:?}");
        // Control: a place in a queue.
        let said = "I'm at number 3 in the queue, so not great.";
        assert_eq!(caller_answer("How are you today?", said), said);
    }

    #[test]
    fn a_zero_heard_as_go_opening_an_answer_is_the_values() {
        let out = caller_answer("And the account number?", "go 1-2-3, 4-5-6-7.");
        assert_eq!(out, "[BANK_ACCOUNT_NUMBER].", "{out}");
        // Control: "go" as a word before a number that is no value.
        let said = "Go 5 miles and turn left.";
        assert_eq!(caller_answer("How do I get there?", said), said);
    }

    #[test]
    fn a_digit_said_of_a_value_is_the_values() {
        let out = caller_answer(
            "Could you give me your phone number again?",
            "Sure, it's six one seven, five five five, two three four eight, but the last digit \
             might be a nine, let me check.",
        );
        assert!(!out.contains("nine") && !out.contains("eight"), "{out}");
        // Controls: a count of digits, and "one" as a word.
        for said in [
            "My card 4111 1111 1111 1111 has the last four digits wrong on the letter.",
            "It's 617 555 2348, the last one is mine and the first digit is fine.",
            "The same digit four times, 7777.",
        ] {
            let out = caller_answer("How can I help?", said);
            let kept = ["four digits", "last one", "four times"];
            assert!(kept.iter().any(|k| out.contains(k)), "{out}");
        }
    }

    #[test]
    fn an_email_glued_into_a_clause_of_the_answer_is_redacted() {
        // Base for "minh at outlook dot com, that's m i n h", the request cut in two; and on
        // mono, no stop after the domain.
        for lines in [
            vec![
                (Speaker::Agent, "What's the best email to"),
                (
                    Speaker::Caller,
                    "if you are not a minzatoutlook.com, that's iiss-e-t-e.",
                ),
                (Speaker::Agent, "send the receipt to? Perfect. Send."),
            ],
            vec![
                (
                    Speaker::Unknown,
                    "What's the best email to send the receipt to?",
                ),
                (
                    Speaker::Unknown,
                    "It's your not minsat outlook.com That's it, it's",
                ),
                (Speaker::Unknown, "it. Perfect. Send."),
            ],
        ] {
            let out = conversation(&lines);
            assert!(
                !out[1].contains("outlook") && !out[1].contains("min"),
                "{out:?}"
            );
            // Its partial, with words after the domain.
            let mut r = Redactor::new();
            r.push(lines[0].0, lines[0].1);
            let said = lines[1].1;
            let upto = said.find(".com").unwrap() + ".com, th".len();
            let partial = r.preview(lines[1].0, &said[..upto]).text;
            assert!(!partial.contains("outlook"), "{partial}");
        }
        // Controls: a web site in a later sentence, and one asked for that is no e-mail.
        let out = caller_answer("What is your email?", "Not sure. Try example.com");
        assert!(out.ends_with("Try example.com"), "{out}");
        let out = caller_answer(
            "Which website did you order from?",
            "Not sure, try example.com, I think.",
        );
        assert!(out.contains("example.com"), "{out}");
    }

    #[test]
    fn digits_heard_as_words_in_an_answer_are_the_value() {
        // Tiny.en on 8 kHz µ-law for "Um, let me turn it over. It's eight, zero, three.", the
        // request a noun phrase of nine words.
        let out = caller_answer(
            "and the security code on the back of the card.",
            "Um, let me turn it over. This side, nero, free.",
        );
        assert!(!out.contains("nero") && !out.contains("free"), "{out}");
        assert!(out.contains("[CREDIT_DEBIT_CVV]"), "{out}");
        // Its partials while it is said.
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "and the security code on the back of the card.",
        );
        for partial in [
            "Um, let me turn it over. This side, nero,",
            "Um, let me turn it over. This side, nero, free",
        ] {
            let out = r.preview(Speaker::Caller, partial).text;
            assert!(!out.contains("nero") && !out.contains("free"), "{out}");
        }
        // Controls: "oh" and "to" as words, no digit among them; a count.
        let out = caller_answer("What is your PIN?", "Oh, to be honest I forgot it.");
        assert_eq!(out, "Oh, to be honest I forgot it.");
        let out = caller_answer(
            "And the security code on the back of the card?",
            "Oh, for two tickets I paid by cash, there was no card.",
        );
        assert!(out.contains("for two tickets"), "{out}");
    }

    #[test]
    fn a_digit_said_twice_between_two_pieces_of_a_value_is_the_values() {
        // Tiny.en for a one-time code's "four seven one, nine nine two".
        let out = caller_answer(
            "I'll send a one time code to your phone. Can you read it back when it arrives?",
            "Okay, let's end for the moment one night night two.",
        );
        assert!(!out.contains("night"), "{out}");
        // Control: two words between two phone numbers that are no digits.
        let out = caller_answer(
            "What's your phone number?",
            "It's 555 0134 or else 555 0199.",
        );
        assert!(out.contains("or else"), "{out}");
    }

    #[test]
    fn a_short_closing_sentence_after_a_value_ending_in_a_digit_is_the_values() {
        // Tiny.en for a one-time code's "four seven one, nine nine two".
        let question =
            "I'll send a one time code to your phone. Can you read it back when it arrives?";
        let said = "Okay, let's end for 7-1. I'm too.";
        let out = caller_answer(question, said);
        assert!(!out.contains("too"), "{out}");
        let mut r = Redactor::new();
        r.push(Speaker::Agent, question);
        let partial = r.preview(Speaker::Caller, said).text;
        assert!(!partial.contains("too"), "{partial}");
        // Controls: a closing sentence of no digit, or longer, or "one" standing for a thing.
        for (said, kept) in [
            ("It's 12345678. Thank you.", "Thank you."),
            ("It's 4471. Yes, that one.", "Yes, that one."),
            ("It's 555 0134. Thank you too.", "Thank you too."),
            ("It's 555 0134. Thanks too.", "Thanks too."),
            ("It's 555 0134. You too.", "You too."),
        ] {
            let out = caller_answer("What is the number?", said);
            assert!(out.ends_with(kept), "{out}");
        }
    }

    #[test]
    fn an_email_with_not_for_dot_and_its_domain_said_last_is_redacted() {
        // Tiny.en for "mike dot ross eighty seven at yahoo dot com", the request heard as "a
        // mail"; on mono with a stop before the domain, or after a spelling written with dots.
        let asked = "What a mail should we use for the account?";
        for (who, said) in [
            (Speaker::Caller, "Mike not Rob A. D. Ema, Yahoo not com."),
            (Speaker::Unknown, "Mike not Ross Eddie. not com."),
            (
                Speaker::Unknown,
                "Mike not Ross A.T.E.S.E.R.A.H.U. not com.",
            ),
        ] {
            let asker = if who == Speaker::Unknown {
                Speaker::Unknown
            } else {
                Speaker::Agent
            };
            let out = conversation(&[(asker, asked), (who, said), (asker, "And a mobile number.")]);
            assert_eq!(out[1], "[EMAIL].", "{said}");
            // Every partial while it is said.
            let mut r = Redactor::new();
            r.push(asker, asked);
            let words: Vec<&str> = said.split(' ').collect();
            for n in 1..words.len() {
                let partial = r.preview(who, &words[..n].join(" ")).text;
                assert!(!partial.contains("Mike"), "{partial}");
            }
        }
        // The same with "dot" heard: the domain alone after a stop, or after a spelling.
        for (who, said) in [
            (Speaker::Unknown, "Mike Ross Eddie. dot com."),
            (Speaker::Caller, "Mike Ross A.D.E.M.A. dot com."),
            (Speaker::Caller, "Mike not Ross A. D. E. M. A. dot com."),
        ] {
            let asker = if who == Speaker::Unknown {
                Speaker::Unknown
            } else {
                Speaker::Agent
            };
            let out = conversation(&[(asker, asked), (who, said), (asker, "Thanks.")]);
            assert_eq!(out[1], "[EMAIL].", "{said}");
        }
        // Controls: "not" as a word, and a web site in a later sentence.
        for said in [
            "Sorry, Tuesday not Monday works for me.",
            "I'm not sure. Try example.com",
        ] {
            assert_eq!(caller_answer(asked, said), said);
        }
    }

    #[test]
    fn a_question_for_the_new_one_asks_again_for_the_value_asked_before() {
        // Base and tiny.en for "Make it eight eight four four.", after "What was the old one?"
        // for a PIN; on mono, both questions on one line.
        let reset = "I can reset your PIN. What was the old one?";
        let new = "And what would you like the new one to be?";
        for said in ["Make it a bit 440.", "Make it safe for four"] {
            let out = conversation(&[
                (Speaker::Agent, reset),
                (Speaker::Caller, "My old PIN was 1122."),
                (Speaker::Agent, new),
                (Speaker::Caller, said),
                (Speaker::Agent, "Done, your new PIN is active."),
            ]);
            assert!(
                out[3].contains("[PIN]") && !out[3].contains("four"),
                "{out:?}"
            );
            assert!(!out[3].contains("440"), "{out:?}");
        }
        let out = conversation(&[
            (
                Speaker::Unknown,
                "I can reset your pin, what was the old one? My old PIN was 1122. And what would \
                 you like the new one to be?",
            ),
            (Speaker::Unknown, "Make it a date for four."),
        ]);
        assert_eq!(out[1], "Make it a date [PIN].");
        // Control: the new one of no value asked before.
        let out = conversation(&[
            (Speaker::Agent, "Which lamp did you pick?"),
            (Speaker::Caller, "The blue one."),
            (Speaker::Agent, new),
            (Speaker::Caller, "Make it a bit 440."),
        ]);
        assert_eq!(out[3], "Make it a bit 440.");
    }

    #[test]
    fn a_request_said_as_a_noun_phrase_with_a_opens_an_answer() {
        // Base on 8 kHz µ-law for "… five five six" after "And a mobile number?".
        let out = caller_answer(
            "And a mobile number.",
            "Go for it 1, 2, 3, 3, 4, I'm I'm 6.",
        );
        assert!(!out.contains('6'), "{out}");
        // Control: a noun phrase asking for nothing.
        let out = caller_answer("And a good day to you.", "You too, it's 6 now.");
        assert_eq!(out, "You too, it's 6 now.");
    }

    #[test]
    fn a_unit_or_or_between_digits_read_out_is_a_digit_misheard() {
        // Tiny.en for an NHS number's "four eight five, seven seven seven, three four five
        // six", and on mono for a phone's "oh seven seven oh nine, …".
        let out = caller_answer("What's your NHS number?", "48 times 777 3456");
        assert!(!out.contains("48"), "{out}");
        let out = caller_answer(
            "What's the best number to call you back on?",
            "It's all 7 7 or 9, not all 4 6, 1 2 3",
        );
        assert!(!out.contains('7'), "{out}");
        // Controls: counts and amounts, and a count with "or".
        let out = caller_answer("And your new PIN?", "The same digit 4 times 7777.");
        assert!(out.contains("4 times"), "{out}");
        for said in [
            "I called 3 times 2 days ago, and nobody answered.",
            "I called 3 times, 2 days ago, and nobody answered.",
        ] {
            assert_eq!(caller_answer("What's your account number?", said), said);
        }
        let out = caller_answer(
            "What's your account number?",
            "It cost 40 dollars 50 last time.",
        );
        assert!(out.contains("40 dollars"), "{out}");
        // Tiny.en for "six one seven, two two four, nine nine eight one", two digit words
        // glued to a word made of the third.
        let out = caller_answer(
            "What phone number is linked to the account?",
            "If you commit six one-premises two two four, I make one I can't just",
        );
        assert!(!out.contains("six one"), "{out}");
        let out = caller_answer("How many cards do you need?", "Maybe 2 or 3 cards.");
        assert_eq!(out, "Maybe 2 or 3 cards.");
        let out = caller_answer("What is your phone number?", "I have 2 or 3 numbers.");
        assert_eq!(out, "I have 2 or 3 numbers.");
    }

    #[test]
    fn an_extension_after_a_number_garbled_into_another_kind_is_its() {
        // Base on 8 kHz µ-law for "… two one two, nine four one, three three zero zero,
        // extension two oh one seven", the number's length an account's.
        let out = caller_answer(
            "Is there a second number?",
            "My work line 212 941 3300 0 extension 2017",
        );
        assert!(!out.contains("2017"), "{out}");
        // Controls: an extension after no number, and after a reference.
        for said in [
            "I'm calling from extension 2017 about my order.",
            "It's about order number 55120, extension 22 took it.",
        ] {
            let out = caller_answer("How can I help?", said);
            assert!(out.contains("extension 2"), "{out}");
        }
    }

    #[test]
    fn an_extension_after_a_phone_number_on_its_line_is_the_numbers() {
        // Round 61, tiny.en on 8 kHz µ-law for "My office, plus one, four one five, five five
        // five, zero one three two, extension forty one." after a request heard as "Well, in
        // the last number three, you are enduring the May.": the extension was shown.
        let out = caller_answer(
            "Well, in the last number three, you are enduring the May.",
            "My office is 1 for 1-5-5-5-5. They are 1-3-2 extension 41.",
        );
        assert!(!out.contains("41") && out.contains("[PHONE]"), "{out}");
        // Controls: an extension on a line with no phone number, and after a reference on it.
        for said in [
            "I'm calling from extension 2017 about my order.",
            "It's about order number 55120, extension 22 took it.",
        ] {
            let out = caller_answer("How can I help?", said);
            assert!(out.contains("extension 2"), "{out}");
        }
    }

    #[test]
    fn choose_another_after_a_value_whose_request_was_lost_asks_for_one_of_its_kind() {
        // Tiny.en for "Please set a four digit PIN …" - "Can I use the year I was born?
        // Nineteen seventy nine." - "That's too easy to guess, please choose another." -
        // "Okay, two eight six three.", the PIN's request garbled (the third line as on mono);
        // on stereo and on mono.
        for (asker, caller) in [
            (Speaker::Agent, Speaker::Caller),
            (Speaker::Unknown, Speaker::Unknown),
        ] {
            let out = conversation(&[
                (asker, "Please set a folder to the IN44 button can."),
                (caller, "Can I use the URI was born? 1979."),
                (asker, "That's two minutes I guess. Please choose another."),
                (caller, "Okay, do 86 free."),
                (asker, "Thank you, you OPIN and set."),
            ]);
            assert!(
                !out[3].contains("86") && !out[3].contains("free"),
                "{out:?}"
            );
        }
        // Controls: another of what has no value, and a free thing after an amount.
        let out = conversation(&[
            (Speaker::Agent, "Which colour would you like?"),
            (Speaker::Caller, "Blue, I think."),
            (Speaker::Agent, "We're out of blue. Please choose another."),
            (Speaker::Caller, "Okay, red for 20 dollars then."),
        ]);
        assert_eq!(out[3], "Okay, red for 20 dollars then.");
        let out = caller_answer("How much was it?", "It was 20 dollars, I got one free.");
        assert_eq!(out, "It was 20 dollars, I got one free.");
    }

    #[test]
    fn a_request_for_a_code_of_no_kind_opens_an_answer() {
        for said in ["It is 4471 now.", "It is 4471 free."] {
            let out = caller_answer("What is the code?", said);
            assert!(!out.contains("4471") && !out.contains("free"), "{out}");
        }
        // Controls: no code asked, and a code of a thing.
        let out = caller_answer("What happened next?", "It is 4471 now.");
        assert_eq!(out, "It is 4471 now.");
        let said = "It says E 301 and the light is blinking.";
        let out = caller_answer("What's the error code on the screen?", said);
        assert_eq!(out, said);
    }

    #[test]
    fn digits_said_after_ending_as_homophones_are_a_number() {
        // Tiny.en for "Yes, and my work line is the same but ending four four.".
        let out = caller_answer(
            "Is that a mobile?",
            "Yes, and my work line is the same, what I'm ending for for.",
        );
        assert!(!out.contains("for for"), "{out}");
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Is that a mobile?");
        let partial = "Yes, and my work line is the same, what I'm ending for for";
        let out = r.preview(Speaker::Caller, partial).text;
        assert!(!out.contains("for for"), "{out}");
        // Control: a count after "ending".
        let out = caller_answer("When does it end?", "The offer is ending in two days.");
        assert_eq!(out, "The offer is ending in two days.");
    }

    #[test]
    fn digits_written_one_by_one_glued_by_hyphens_are_a_value_on_either_line() {
        // Tiny.en for the agent's "So the card ends in five five one eight?", its cue garbled.
        let out = conversation(&[
            (Speaker::Agent, "So the car then did 5-5-1-8"),
            (Speaker::Caller, "No, it's 5581, not 5518."),
        ]);
        assert_eq!(out[0], "So the car then did [NUMBER]");
        // Controls: a reference and an amount.
        for said in [
            "Your order is 5-5-1-8, it ships today.",
            "It costs 1-2-3-4 dollars.",
        ] {
            let out = conversation(&[(Speaker::Agent, said), (Speaker::Caller, "Thanks.")]);
            assert_eq!(out[0], said);
        }
    }

    #[test]
    fn a_unit_on_a_named_site_is_an_address() {
        // Tiny.en and base for "No, deliver to my work, Unit four, Kirkstall Industrial Park.".
        for said in [
            "No, deliver to my work, unit 4, Curkstall industrial park.",
            "Note Deliver to My Work Unit 4, Curxtile Industrial Park.",
            "Note Deliver to My Work Unit for Curxtile Industrial Park.",
            "No, deliver to my work unit for Kirkstone Industrial Park.",
        ] {
            let out = caller_answer("And is that the same as the delivery?", said);
            assert!(out.ends_with("[ADDRESS]."), "{out}");
        }
        // Controls: a unit that is a team, and a site with no unit.
        for said in [
            "My unit 4 team won the Riverside business park award.",
            "The unit for Riverside business park sales is closed.",
            "My flight to Queens Road took an hour.",
            "I work at Kirkstall Industrial Park.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn the_town_and_postcode_after_an_address_go_with_it_though_garbled() {
        // Tiny.en for "Eighteen Orchard Close, Leeds, L S six, two A B", after "What's the
        // billing address on the card?" heard as "feeling address".
        let out = caller_answer(
            "What's the feeling address on the card?",
            "18 orchard close bleeds LS6 to AB.",
        );
        assert_eq!(out, "[ADDRESS].");
        // Live on 8 kHz µ-law, a stop after the house's number and the request garbled.
        let out = caller_answer(
            "What's the feeling of rest on the card?",
            "18. Orchard Close bleeds LS6 to AB.",
        );
        assert!(!out.contains("Orchard") && !out.contains("AB"), "{out}");
        // Base for "fourteen Beech Grove, Harrogate, H G one, four Q R": a letter spelled with
        // a stop, and the inward code.
        let out = caller_answer(
            "Where are you calling from today?",
            "I'm at home at 14 Beach Grove, Harrogate H.E. 1, 4QR.",
        );
        assert!(!out.contains("4QR") && !out.contains("E."), "{out}");
        // Controls: no postcode after it, and one in the next sentence.
        let out = caller_answer(
            "How can I help?",
            "I live at 12 High Street. The M6 is near.",
        );
        assert!(out.ends_with("The M6 is near."), "{out}");
        let out = caller_answer("How can I help?", "The M6 is near Orchard Close.");
        assert_eq!(out, "The M6 is near Orchard Close.");
    }

    #[test]
    fn a_number_with_a_point_before_times_in_an_answer_is_the_value() {
        // Base for a buzzer code's "one nine seven five".
        let out = caller_answer("Is there a buzzer code?", "Yes, it's 1.97 times.");
        assert!(!out.contains("1.97"), "{out}");
        // Controls: a count, and a price.
        for said in ["I tried it 3 times.", "It cost 1.97 dollars."] {
            assert_eq!(caller_answer("Is there a buzzer code?", said), said);
        }
    }

    #[test]
    fn words_glued_by_hyphens_after_a_name_are_its() {
        // Tiny.en for "Mister Tomasz Kowalski.".
        for said in ["Mr Tomass' cow-holeskin.", "Mr Tomass cow-holeskin."] {
            let out = caller_answer("And the name as it appears?", said);
            assert_eq!(out, "Mr [NAME].", "{said}");
        }
        // Controls: a hyphenated word after a clause, and one with more after it.
        for said in [
            "I spoke to Anna, well-known here.",
            "I spoke to Anna face-to-face yesterday.",
        ] {
            let out = caller_answer("How can I help?", said);
            assert!(
                out.contains("well-known") || out.contains("face-to-face"),
                "{out}"
            );
        }
    }

    #[test]
    fn a_word_hyphenated_to_a_top_level_domain_after_at_is_no_email() {
        // Found checking common lines: "-in" read as India's domain.
        for said in [
            "I met Anna at the drive-in.",
            "We ate at the drive-in.",
            "She works at the check-in desk.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
        // Controls: a domain with a hyphen in its name and a dot before its end.
        let out = caller_answer(
            "How can I help?",
            "Write to info at greenfield dash farms dot org.",
        );
        assert!(out.contains("[EMAIL]") && !out.contains("farms"), "{out}");
        let out = caller_answer("How can I help?", "Write to raj at tata-steel.in today.");
        assert!(out.contains("[EMAIL]") && !out.contains("tata"), "{out}");
    }

    #[test]
    fn a_refusal_asks_again_for_the_value_refused() {
        // Base for "I'm afraid repeated numbers aren't allowed." - "Then five eight two zero.".
        let out = conversation(&[
            (Speaker::Agent, "Please choose a new pin for your card."),
            (Speaker::Caller, "My door number twice, 1414."),
            (
                Speaker::Agent,
                "I'm afraid repeated numbers aren't allowed.",
            ),
            (Speaker::Caller, "Then 58 to 0."),
            (Speaker::Agent, "Thank you, your pin has changed."),
        ]);
        assert!(!out[3].contains("58"), "{out:?}");
        // Control: a refusal of no value.
        let out = conversation(&[
            (Speaker::Agent, "How can I help?"),
            (Speaker::Caller, "Can I bring my dog?"),
            (Speaker::Agent, "I'm afraid dogs aren't allowed."),
            (Speaker::Caller, "Then 2 cats."),
        ]);
        assert_eq!(out[3], "Then 2 cats.");
    }

    #[test]
    fn an_emails_name_said_again_at_a_half_heard_mail_service_is_the_email() {
        // Tiny.en for "Yes, seventy seven, so jones seventy seven at gmail.", the question
        // between garbled.
        for said in [
            "Yes, 77, so Jones 77 at male.",
            "Yes, 77, so shown 77 at mail.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Could you spell the email for"),
                (Speaker::Caller, "J-O-N-E-S at mail.com."),
                (Speaker::Agent, "me? I'm the member after June."),
                (Speaker::Caller, said),
            ]);
            assert_eq!(out[3], "Yes, [EMAIL].", "{said}");
        }
        // Controls: "at" and a place once an e-mail was given, and no e-mail given.
        let out = conversation(&[
            (Speaker::Agent, "What is your email?"),
            (Speaker::Caller, "jo at gmail.com"),
            (Speaker::Agent, "Who is it from?"),
            (Speaker::Caller, "The parcel is from Tesco at Leeds."),
        ]);
        assert_eq!(out[3], "The parcel is from Tesco at Leeds.");
        let out = caller_answer("How can I help?", "Yes, 77, so Jones 77 at male.");
        assert!(out.contains("at male"), "{out}");
    }

    #[test]
    fn a_zip_code_ending_an_addresss_garbled_tail_is_the_addresss() {
        // Tiny.en for "P O Box four four one two, Tulsa, Oklahoma, seven four one oh one".
        let out = caller_answer(
            "while mailing address should we use.",
            "PO Box 441 to Tesla, OBLIOM 74101",
        );
        assert!(!out.contains("74101") && !out.contains("Tesla"), "{out}");
    }

    #[test]
    fn a_word_said_over_and_over_after_a_value_is_its_digit() {
        // Tiny.en for "… nine nine three", twice and a homophone, "and" between.
        let out = caller_answer(
            "Can you read me the account number on your statement?",
            "It starts with 00 4128, and I'm I'm free.",
        );
        assert!(!out.contains("I'm I'm") && !out.contains("free"), "{out}");
        // Tiny.en for "… then five five five, zero one nine one".
        let out = conversation(&[
            (Speaker::Agent, "What's a good call back, um,"),
            (
                Speaker::Caller,
                "My fairly merry accord 312, then time time time, nearer one I in one,",
            ),
        ]);
        assert!(!out[1].contains("time"), "{out:?}");
        // Controls: words said over that are no digits.
        for said in [
            "It is 555 0134, yes yes yes.",
            "It is 555 0134, bye bye bye.",
        ] {
            let out = caller_answer("Your number?", said);
            assert!(
                out.contains("yes yes yes") || out.contains("bye bye bye"),
                "{out}"
            );
        }
    }

    #[test]
    fn a_word_said_twice_right_before_a_value_is_its_digit() {
        // Base for a code's "Oh, seven seven one.", asked as "The three numbers on the back.".
        let out = caller_answer("The three numbers on the back.", "Oh, servant, servant 1.");
        assert!(!out.contains("servant"), "{out}");
        // Tiny.en for "It starts with zero zero, then four one two eight, …".
        let out = caller_answer(
            "Can you read me the account number on your statement?",
            "It starts with mirror mirror, then 4128, then 993.",
        );
        assert!(!out.contains("mirror"), "{out}");
        // Controls: words said over that are no digits.
        for said in ["No, no, 771.", "Sorry sorry, 771."] {
            let out = caller_answer("The three numbers on the back.", said);
            assert!(
                out.contains("No, no") || out.contains("Sorry sorry"),
                "{out}"
            );
        }
    }

    #[test]
    fn an_email_said_with_dot_before_at_and_ending_in_a_domain_is_one_unasked() {
        // Tiny.en and base for "My work one, tom dot baker at baker and sons dot co dot uk.",
        // the request garbled.
        for said in [
            "My work one Tom Dot Baker at Baker M Sun's Dotco.uk",
            "My work 1, ton dot baker at baker and sons dot com dot uk",
        ] {
            let out = caller_answer("We came in the account on the...", said);
            assert!(!out.contains("aker"), "{out}");
        }
        // Control: "dot" and "at" with no domain at the end.
        let said = "I'll dot the i's at home tonight.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn the_account_of_a_standing_order_is_no_reference() {
        // Tiny.en for "What's the account number for the standing order?".
        let out = caller_answer(
            "Let's see a count number for the standing order.",
            "Nero 3-Bammon, A-B-1-1",
        );
        assert!(!out.contains("3-") && !out.contains("1-1"), "{out}");
        // Control: an order's number.
        let said = "It's order 55120, from Tuesday.";
        assert_eq!(caller_answer("What's the order number?", said), said);
    }

    #[test]
    fn a_new_numbers_last_digits_heard_as_words_are_redacted() {
        // Tiny.en for "Six one seven, two two four, five five three zero.", after "What's the
        // new one?" for a phone.
        let out = conversation(&[
            (
                Speaker::Agent,
                "What phone number is linked to the account?",
            ),
            (
                Speaker::Caller,
                "It used to be 617 224 9981, but I changed it.",
            ),
            (Speaker::Agent, "What's the new one?"),
            (Speaker::Caller, "six one time and 224 I'm I'm free Neuro"),
        ]);
        assert!(
            !out[3].contains("free") && !out[3].contains("Neuro"),
            "{out:?}"
        );
        assert!(!out[3].contains("I'm"), "{out:?}");
    }

    #[test]
    fn a_partial_of_an_email_being_said_is_hidden_whatever_asked_for_it() {
        // Tiny.en live, "Which email is the account under?" heard as "We immediately account on
        // that.".
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "We immediately account on that.");
        for partial in [
            "My work one, Tom.baker at bay",
            "My work one, Tom.baker at Baker & Sons.co",
            "My work one Tom. Baker at Baker & Sons.co.u",
            "My work one, Tom dot Baker at Baker",
        ] {
            let out = r.preview(Speaker::Caller, partial).text;
            assert!(!out.to_lowercase().contains("baker"), "{out}");
        }
        // Controls: "at" with no name glued by a dot before it.
        for partial in [
            "I was at the bank",
            "Okay. At home I have it",
            "I saw Dr. Patel at the clinic",
            "I was at the bank. Then at home",
        ] {
            let out = r.preview(Speaker::Caller, partial).text;
            assert!(!out.contains("[EMAIL]"), "{out}");
        }
    }

    #[test]
    fn groups_read_out_digit_by_digit_with_and_then_between_are_redacted() {
        // Tiny.en on 8 kHz µ-law for a card read out in four groups, "card" heard as "car".
        let q = "Go ahead with the car number whenever you're ready.";
        let out = caller_answer(
            q,
            "Okay, 4 9 1 6 and then 3 0 and then 7 7 1 5 and then 2 2 4 9.",
        );
        assert!(!out.chars().any(|c| c.is_ascii_digit()), "{out}");
        let mut r = Redactor::new();
        r.push(Speaker::Agent, q);
        let out = r
            .preview(
                Speaker::Caller,
                "Okay, 4 9 1 6 and then 3 3 0 8 and then 7 7 1 5",
            )
            .text;
        assert!(!out.chars().any(|c| c.is_ascii_digit()), "{out}");
        // Controls: "and" between a number and a word, times said with more talk.
        for said in [
            "I have 2 dogs and 3 cats.",
            "Around 10 and then again at 4.",
        ] {
            assert_eq!(caller_answer("How many?", said), said);
        }
    }

    #[test]
    fn an_extension_said_on_a_line_of_its_own_is_the_phone_numbers() {
        // Tiny.en and base, 16 kHz and mono, for "Extension two eighteen." after a phone number.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Could I get a phone number with the area code?",
            ),
            (Speaker::Caller, "Sure, area code 613 and 555, 0142."),
            (Speaker::Agent, "Is there an extension?"),
            (Speaker::Caller, "Extension 218."),
        ]);
        assert!(!out[3].contains("218"), "{out:?}");
        // Asked for with no number given yet, and its partial.
        assert!(!caller_answer("Is there an extension?", "It's 218.").contains("218"));
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Is there an extension?");
        let out = r.preview(Speaker::Caller, "Extension 21").text;
        assert!(!out.contains("21"), "{out}");
        // Controls: an extension with no phone number in the call, and a room after one.
        let said = "Put me through to extension 218.";
        assert_eq!(caller_answer("How can I help?", said), said);
        let out = conversation(&[
            (Speaker::Agent, "Could I get a phone number?"),
            (Speaker::Caller, "613 555 0142."),
            (Speaker::Agent, "Who should I ask for?"),
            (Speaker::Caller, "Extension 40, she is in room 12."),
        ]);
        assert!(
            !out[3].contains("40") && out[3].contains("room 12"),
            "{out:?}"
        );
    }

    #[test]
    fn names_opening_a_sentence_that_is_an_email_are_its_local_part() {
        // Tiny.en on 8 kHz µ-law for "Sam dot lee dot forty two at outlook dot com", its
        // request heard as "And I may offer the truck and link.".
        let q = "And I may offer the truck and link.";
        for said in ["Sam Lee 42 at Outlook.com", "Okay. Sam Lee at Outlook.com"] {
            let out = caller_answer(q, said);
            assert!(!out.contains("Sam") && out.contains("[EMAIL]"), "{out}");
        }
        // Controls: an opener stays, and so does a sentence with more in it.
        assert_eq!(
            caller_answer(q, "Thanks Lee at Outlook.com"),
            "Thanks [EMAIL]"
        );
        assert!(caller_answer(q, "I am Lee at Outlook.com").starts_with("I am "));
    }

    #[test]
    fn an_email_spelled_with_underscore_after_its_request_garbled_is_hidden() {
        // Tiny.en on 8 kHz µ-law for "Priya underscore Nair at Blue hyphen Fern dot co dot uk",
        // "What's your work email?" heard as "watch your work email.".
        let said = "free underscore not blue hyphen from dotco dot you kick.";
        let out = caller_answer("watch your work email.", said);
        assert!(!out.contains("free") && !out.contains("blue"), "{out}");
        // Its partials, and those of the same answer to a request said plainly.
        for q in ["watch your work email.", "What's your work email?"] {
            let mut r = Redactor::new();
            r.push(Speaker::Agent, q);
            for partial in [
                "free underscore not blue",
                "free underscore not blue hyphen from dotco",
            ] {
                let out = r.preview(Speaker::Caller, partial).text;
                assert!(!out.contains("blue"), "{q} {out}");
            }
        }
        // Controls: a question, and "underscore" with no e-mail named.
        let said = "Oh, is the underscore key broken?";
        assert_eq!(caller_answer("I sent it to your email.", said), said);
        let said = "Put an underscore between the words.";
        assert_eq!(caller_answer("How should I name the file?", said), said);
    }

    #[test]
    fn a_syllable_stuttered_after_a_code_is_its_value() {
        // Tiny.en live for "Oh, and the code on the back is four one nine, if you need it.".
        let said = "Oh, and the code on the back is for re-re-re-re-re-re-re-re.";
        let out = caller_answer("I'll need to verify the card before the refund.", said);
        assert!(!out.contains("for") && !out.contains("re-re"), "{out}");
        let out = caller_answer("What's the security code?", "It is for re-re-re-re.");
        assert!(!out.contains("for") && !out.contains("re-re"), "{out}");
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "I'll need to verify the card before the refund.",
        );
        let out = r.preview(Speaker::Caller, said).text;
        assert!(!out.contains("re-re"), "{out}");
        // Beside a value, with a group glued on (base on mono for a card's last group, its
        // request heard as "car number").
        let out = conversation(&[
            (Speaker::Unknown, "Go ahead with the car number."),
            (
                Speaker::Unknown,
                "411, sorry. 511, 2222, Pre-pre-pre-pre-pre-4444.",
            ),
        ]);
        assert!(
            !out[1].contains("4444") && !out[1].contains("pre-"),
            "{out:?}"
        );
        // Controls: a tune, laughter, and a syllable said over with no secret named or asked.
        for (q, said) in [
            ("How are you?", "I sang la-la-la all day."),
            ("What's your PIN?", "Ha-ha-ha, no way."),
            ("How are you?", "My kids go choo-choo-choo with the train."),
        ] {
            assert_eq!(caller_answer(q, said), said);
        }
    }

    #[test]
    fn an_amount_or_reference_cut_off_in_a_partial_is_shown_once_the_final_says_so() {
        // Tiny.en live on an insurance claim with no value in it.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "How can I help with your claim?");
        let p = r.preview(
            Speaker::Caller,
            "My car was hit on 3 May, and the repair quote is 2,400",
        );
        assert!(!p.text.contains("2,400"), "{}", p.text);
        let said = "My car was hit on 3 May, and the repair quote is 2,400 pounds.";
        let mut out = r.push(Speaker::Caller, said);
        r.preview(Speaker::Agent, "Your policy covers up to £5,000");
        out.extend(r.push(
            Speaker::Agent,
            "Your policy covers up to £5,000 with a £250 excess.",
        ));
        out.extend(r.finish());
        assert_eq!(out[0].text, said);
        assert_eq!(
            out[1].text,
            "Your policy covers up to £5,000 with a £250 excess."
        );
        // A reference the final names, its name misheard in the partial (tiny.en live on 8 kHz
        // µ-law).
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "is it on port 8080?");
        let p = r.preview(Speaker::Caller, "Yes, my dick is in 48213");
        assert!(!p.text.contains("48213"), "{}", p.text);
        let said = "Yes, my ticket is 48213 and I've been in room 4 until 3:30.";
        let mut out = r.push(Speaker::Caller, said);
        out.extend(r.finish());
        let caller: Vec<&str> = out
            .iter()
            .filter(|o| o.speaker == Speaker::Caller)
            .map(|o| o.text.as_str())
            .collect();
        assert_eq!(caller, [said]);
        // Control: a code the partial classified stays hidden however the final writes it.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "And the security code on the back?");
        r.preview(Speaker::Caller, "It's 749");
        let mut out = r.push(Speaker::Caller, "It's $749.");
        out.extend(r.finish());
        assert!(!out[0].text.contains("749"), "{}", out[0].text);
    }

    #[test]
    fn an_address_read_back_as_and_a_pin_offered_without_a_question_mark() {
        // Base on 8 kHz µ-law for "I have your address as flat three, twenty Hill Street,
        // Bath.", read back by the agent.
        let out = conversation(&[(
            Speaker::Agent,
            "I have your address as flat 3, 20 hill 3, bar.",
        )]);
        assert!(
            !out[0].contains("20") && !out[0].contains("hill"),
            "{out:?}"
        );
        // Tiny.en for "Would you like to set a new PIN?" - "Yes. Make it the same as my door
        // number, forty two ten.".
        let out = caller_answer(
            "what you like to set a new pin.",
            "Yeah, make it the same, my god, I'm 14, 15.",
        );
        assert!(!out.contains("14") && !out.contains("15"), "{out}");
        // Controls: an address used as a role, the same address asked of, and a PIN named
        // with no request.
        for (speaker, said) in [
            (
                Speaker::Caller,
                "I used my work address as the billing one.",
            ),
            (Speaker::Agent, "Use the same address as before?"),
        ] {
            assert_eq!(conversation(&[(speaker, said)])[0], said);
        }
        let said = "Yeah, and the card cost me 40 dollars.";
        assert_eq!(caller_answer("what you like to set a new pin.", said), said);
    }

    #[test]
    fn characters_joined_by_underscores_are_a_spelled_value() {
        // Base on 8 kHz µ-law and on mono for the postcode "S W one A, one A A", its request
        // heard as "and what's supposed to go?".
        for said in ["It's s_w_1_a_1_a_", "it's f_n_l_u_1_a_"] {
            let out = caller_answer("and what's supposed to go?", said);
            assert!(!out.contains("_1_") && !out.contains("a_1"), "{out}");
            let mut r = Redactor::new();
            r.push(Speaker::Agent, "and what's supposed to go?");
            let out = r.preview(Speaker::Caller, said).text;
            assert!(!out.contains("_1_"), "{out}");
        }
        // A postcode asked for keeps its kind.
        let out = caller_answer("And what's the postcode?", "It's s_w_1_a_1_a_");
        assert!(out.contains("[ADDRESS]"), "{out}");
        // Controls: names made of words, and letters with no digit.
        for said in ["My file is called my_big_file_2.", "It's a_b_c_d."] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn a_day_of_the_month_near_a_cards_cue_is_no_piece_of_it() {
        // Every decode of an energy call with no value in it: "direct debit" names no card.
        for said in [
            "And the direct debit is 85 pounds on the 1st of each month.",
            "The direct debit comes out on the 3rd.",
            "My debit card payment was on the 1st of each month.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        }
        // Controls: a secret asked for and answered with an ordinal stays hidden, and so does
        // an expiry's piece written as a day.
        let out = caller_answer("What is the security code?", "It is the 3rd.");
        assert!(!out.contains("3rd"), "{out}");
        let out = caller_answer("And the expiry date?", "In the 27th of month, in full fog.");
        assert!(!out.contains("27"), "{out}");
    }

    #[test]
    fn a_price_past_cents_and_a_zip_after_a_homophone_are_values() {
        // Base on mono for "… and the account is three three four four five five six six".
        let out = conversation(&[
            (
                Speaker::Unknown,
                "Can I get your bank details for the refund?",
            ),
            (
                Speaker::Unknown,
                "Sort code to 011, I made, and the account is free for $4.5566.",
            ),
        ]);
        assert!(!out[1].contains("5566"), "{out:?}");
        // Base on mono for "…, Hilltown, Kentucky, four zero three one one".
        let out = conversation(&[(
            Speaker::Unknown,
            "Rural Ruto box 45 hill town Kentucky for 0311",
        )]);
        assert!(
            !out[0].contains("0311") && !out[0].contains(" for "),
            "{out:?}"
        );
        // Controls: prices with cents, a rate with three decimals, and a state before a count.
        for said in [
            "It cost $4.55 and the fee was $1,200.50.",
            "The rate is $0.125 per unit.",
            "I lived in Ohio for 12 years.",
            "We drove to Ohio to 1200 people.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        }
    }

    #[test]
    fn numbers_read_back_before_is_that_right_are_values() {
        // Tiny.en for the agent's "I see a card ending four four one two, expiring oh nine
        // twenty eight. Is that right?".
        let out = conversation(&[(
            Speaker::Agent,
            "I see a car bending 441 to an X-iring 0928. Isn't that right?",
        )]);
        assert!(
            !out[0].contains("441") && !out[0].contains("0928"),
            "{out:?}"
        );
        let out = conversation(&[(Speaker::Agent, "So 4412, is that correct?")]);
        assert!(!out[0].contains("4412"), "{out:?}");
        // Controls: a time, an amount, a reference and a count, a year, and no question.
        for said in [
            "Your appointment is at 1030 on Monday, is that right?",
            "That is 250 dollars, is that right?",
            "Order 5512 and 3 items, is that right?",
            "You called in 2019, is that right?",
            "I see a car bending 441 to Firing 0.928. It's not right.",
        ] {
            assert_eq!(conversation(&[(Speaker::Agent, said)])[0], said);
        }
    }

    #[test]
    fn a_flats_number_said_after_an_address_is_the_addresss() {
        // Every decode of a call where the agent read the address back and the caller
        // corrected the flat ("That's it, but it's flat two, not flat three.").
        for said in [
            "That's it, but it's flat too, not flat free.",
            "That said, but it's flat 2, not flat 3.",
        ] {
            let out = conversation(&[
                (
                    Speaker::Agent,
                    "I have your address as flat 3, 20 Hill Street, Bath.",
                ),
                (Speaker::Caller, said),
            ]);
            assert!(
                !out[1].contains("too") && !out[1].contains("free") && !out[1].contains('2'),
                "{out:?}"
            );
        }
        // Controls: no address heard, and a flat rate after one.
        let said = "That's it, but it's flat too, not flat free.";
        assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        let out = conversation(&[
            (
                Speaker::Agent,
                "I have your address as flat 3, 20 Hill Street, Bath.",
            ),
            (Speaker::Caller, "And we pay a flat 5 percent fee."),
        ]);
        assert_eq!(out[1], "And we pay a flat 5 percent fee.");
    }

    #[test]
    fn a_bsb_or_an_institution_number_names_the_bank() {
        // Round 38 (tiny.en and base, 16 kHz and 8 kHz µ-law) for "The BSB is zero six two,
        // triple zero." after "What's the BSB for her account?": the digits were shown.
        for (question, said) in [
            (
                "Sure, what's the BSB for her account?",
                "Let me ask me is 0.6 to triple 0.",
            ),
            (
                "Sure, what's the BSB for her account?",
                "Let me have me in 0.52, triple Nero.",
            ),
            (
                "Share what's the BSB for her account?",
                "The BSV is 0.6 to triple 0.",
            ),
        ] {
            let out = caller_answer(question, said);
            assert!(!out.chars().any(|c| c.is_ascii_digit()), "{out}");
            assert!(out.contains("[BANK_ROUTING]"), "{out}");
        }
        assert_eq!(
            caller_answer("And the BSB?", "The BSB is 062 000."),
            "The BSB is [BANK_ROUTING]."
        );
        // A Canadian institution number: a bank's, no number of no kind.
        assert_eq!(
            caller_answer("And the institution number?", "It's 003."),
            "It's [BANK_ROUTING]."
        );
        // Controls: an amount after the BSB is asked, and the BSB named with no number.
        for (question, said) in [
            (
                "What's the BSB?",
                "I don't know, but I'll send 250 dollars.",
            ),
            (
                "How can I help?",
                "I need my BSB and account number changed.",
            ),
        ] {
            assert_eq!(caller_answer(question, said), said);
        }
    }

    #[test]
    fn one_word_said_over_and_over_in_an_answer_is_the_digit_it_stands_for() {
        // Round 38, "five five five, uh, sorry, five six five" after a Social Security number
        // is asked: tiny.en wrote each "five" as "fine", on µ-law as "sign", base as "time".
        let question = "to open the account I need your social security number.";
        for said in [
            "Sure, it's fine, fine, fine, sorry, fine, fine.",
            "to sign sign sign sign sign.",
            "time time time sorry time time time",
        ] {
            let out = caller_answer(question, said);
            assert!(
                !out.contains("fine") && !out.contains("sign") && !out.contains("time"),
                "{out}"
            );
            assert!(out.contains("[SSN]"), "{out}");
        }
        // Controls: a word said over and over for its own sake, and the same with nothing asked.
        for (question, said) in [
            (question, "No, no, no, I don't have one with me."),
            (question, "Okay okay okay, hang on."),
            ("Anything else?", "Fine, fine, fine."),
        ] {
            assert_eq!(caller_answer(question, said), said);
        }
    }

    #[test]
    fn a_count_glued_before_a_cards_group_adds_no_digit_to_the_card() {
        // Round 38, base on mono for "The first four are four nine one six." … "And the last
        // four are six six four zero.": each "four are" came out as "4-0-R" and was counted as
        // two of the card's digits, so the card was full before its last group, shown.
        let out = conversation(&[
            (
                Speaker::Unknown,
                "I can take that payment now. Could you read me the card number?",
            ),
            (Speaker::Unknown, "Okay, the first 4-0-R 4916."),
            (Speaker::Unknown, "The next 4-0-R 3302."),
            (Speaker::Unknown, "Then it's 8175."),
            (Speaker::Unknown, "And the last 4-0-R 6640."),
            (Speaker::Unknown, "Thank you, and next diary."),
        ]);
        assert_eq!(out[4], "And the last 4-0-R [CREDIT_DEBIT_NUMBER].");
        // Control: once the card's 16 digits are said, a number after them is none of it.
        let out = conversation(&[
            (
                Speaker::Agent,
                "I can take that payment now. Could you read me the card number?",
            ),
            (Speaker::Caller, "Okay, the first 4916."),
            (Speaker::Caller, "The next 3302."),
            (Speaker::Caller, "Then it's 8175."),
            (Speaker::Caller, "And the last 6640."),
            (Speaker::Caller, "And the next 4-0-R 2000."),
        ]);
        assert_eq!(out[5], "And the next 4-0-R 2000.");
    }

    #[test]
    fn another_value_asked_for_closes_a_cards_groups() {
        // Round 31, base on mono: the card's groups read out with hyphens, then the expiry
        // asked for; its "28" was taken as more of the card.
        let card = (Speaker::Caller, "Sure, 6-0-1, 1-0-0-9-1, 2-3-4, 5-6-7-8.");
        let asked = (
            Speaker::Agent,
            "Can you confirm the card number on the account?",
        );
        let out = conversation(&[
            asked,
            card,
            (Speaker::Agent, "And the expiry date."),
            (Speaker::Caller, "Well, 28."),
        ]);
        assert_eq!(out[3], "Well, [CREDIT_DEBIT_EXPIRY].");
        // Control: the agent's "Okay." leaves the card open for its next group.
        let out = conversation(&[
            asked,
            card,
            (Speaker::Agent, "Okay."),
            (Speaker::Caller, "Well, 28."),
        ]);
        assert_eq!(out[3], "Well, [CREDIT_DEBIT_NUMBER].");
    }

    #[test]
    fn an_email_read_back_as_whisper_joins_it_is_redacted() {
        use Speaker::{Agent, Caller, Unknown};
        // Round 38, "jane dot doe eighty eight at b t internet dot co dot uk", then the agent's
        // "So that's jane dot doe eight eight?": the answer came out as a domain alone after a
        // garbled request, and the read-back as words joined by stops or hyphens.
        let garbled = (Agent, "but he may or should the receipt go to.");
        for said in ["Jain.co.uk", "game.co.uk."] {
            let out = conversation(&[garbled, (Caller, said), (Agent, "So that's Jane.088.")]);
            assert!(out[1].starts_with("[EMAIL]"), "{out:?}");
            assert_eq!(out[2], "So that's [EMAIL].");
        }
        let asked = (Agent, "what email should the receipt go to.");
        for (said, back) in [
            (
                "Game not go A to A to A to B, the Internet not go not UK.",
                "So that's j-do-88.",
            ),
            ("[EMAIL]", "go to so that's j-dou-a-tate"),
        ] {
            let out = conversation(&[asked, (Caller, said), (Agent, back)]);
            assert!(out[2].ends_with("that's [EMAIL]") || out[2] == "So that's [EMAIL].");
        }
        let out = conversation(&[
            (Unknown, "What email should the receipt go to?"),
            (Unknown, "Jain.co.uk"),
            (Unknown, "So that's Jain.co.a.tate"),
        ]);
        assert_eq!(out[2], "So that's [EMAIL]");
        // While it is said too.
        let mut r = Redactor::new();
        r.push(garbled.0, garbled.1);
        assert_eq!(r.preview(Caller, "Jain.co.uk").text, "[EMAIL]");
        r.push(Caller, "Jain.co.uk");
        assert_eq!(
            r.preview(Agent, "So that's Jane.088").text,
            "So that's [EMAIL]"
        );
        // Controls: a time, an abbreviation, a hyphenated word and a web address of one stop
        // after an e-mail was given; the same read-back long after it; a domain alone answering
        // another question.
        let given = [
            (Agent, "What email should the receipt go to?"),
            (Caller, "It's jane dot doe 88 at gmail dot com."),
        ];
        for said in [
            "Yes. The meeting is at 4.50 p.m. for the follow-up.",
            "Not sure. Try example.com",
            "and the e.g. is fine",
        ] {
            let mut lines = given.to_vec();
            lines.push((Caller, said));
            assert_eq!(conversation(&lines)[2], said);
        }
        let mut lines = given.to_vec();
        lines.extend([
            (Agent, "Great."),
            (Caller, "Thanks."),
            (Agent, "Anything else?"),
            (Caller, "The code is node.js.2 online."),
        ]);
        assert_eq!(conversation(&lines)[5], "The code is node.js.2 online.");
        assert_eq!(
            caller_answer("Where did you buy it?", "amazon.co.uk."),
            "amazon.co.uk."
        );
    }

    #[test]
    fn a_line_cut_off_while_a_value_is_said_hides_its_last_number() {
        // Round 38, tiny.en on mono for "Hi, it's Martin Hale calling about my card, the
        // account ending in four two one nine.": the line ended after "4", no stop, the rest
        // never written.
        let out = conversation(&[
            (
                Speaker::Unknown,
                "You've reached the card services voice mail. Please leave the message.",
            ),
            (
                Speaker::Unknown,
                "Hi, it's Martin Hail calling about my card, the accounting in 4",
            ),
            (Speaker::Unknown, "There's a charge I go and record."),
        ]);
        assert!(!out[1].contains('4'), "{}", out[1]);
        // Controls: no value named, a time, and a line that ends in a word.
        for said in [
            "Hi, it's about the meeting in 4",
            "Hi, it's about my card, call me back at 4",
            "Hi, it's about my card, it's been 4 days",
        ] {
            let out = conversation(&[(Speaker::Caller, said), (Speaker::Caller, "Thanks.")]);
            assert_eq!(out[0], said);
        }
    }

    #[test]
    fn a_day_and_month_with_the_year_said_apart_are_a_date_of_birth() {
        // Round 39, base (16 kHz, 8 kHz µ-law, mono) for "It's the second of March, and the
        // year is eighty eight." after "Can you confirm your birthday for me?" heard as "Can
        // you confirm your mercy for me?": the day and month were shown.
        let question = "Can you confirm your mercy for me?";
        for said in [
            "It's the second of March and the year is 88.",
            "It's the second of March and the year is AGA.",
            "It's the second of March, 88.",
        ] {
            let out = caller_answer(question, said);
            assert_eq!(out, "It's the [DATE_OF_BIRTH].");
        }
        // Controls: a date with an amount after it, a date with no year, and the agent's date.
        for said in [
            "I paid on the second of March, 25 pounds.",
            "It was the second of March.",
        ] {
            assert_eq!(caller_answer("When did you pay?", said), said);
        }
        let said = "It's due the second of March and the year is 2027.";
        let out = conversation(&[(Speaker::Agent, said), (Speaker::Caller, "Okay.")]);
        assert_eq!(out[0], said);
    }

    #[test]
    fn a_request_answered_with_no_number_stays_open_for_the_next_line() {
        // Round 39, tiny.en (16 kHz and mono) for "It's a bit worn off. I think it's two zero
        // eight." - "No, two oh two, sorry." after the CVV is asked: the corrected code's
        // "two"s were shown as "too".
        let out = conversation(&[
            (Speaker::Agent, "and the code on the back of the card."),
            (Speaker::Caller, "I think it's too late."),
            (Speaker::Caller, "No, too, too sorry."),
            (Speaker::Agent, "That one works, thanks."),
        ]);
        assert_eq!(out[2], "[CREDIT_DEBIT_CVV].");
        // And after a line that gave it, the correction.
        let out = conversation(&[
            (Speaker::Agent, "and the code on the back of the card."),
            (Speaker::Caller, "It's 2 0 8, I think."),
            (Speaker::Caller, "No, too, too sorry."),
            (Speaker::Agent, "That one works, thanks."),
        ]);
        assert_eq!(out[2], "[CREDIT_DEBIT_CVV].");
        // Controls: no value asked for, and more talk after the answer.
        for (question, said) in [
            ("and what brings you here today.", "No, too, too sorry."),
            (
                "and the code on the back of the card.",
                "I also wanted to ask about the two charges too.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, question),
                (Speaker::Caller, "I think it's too late."),
                (Speaker::Caller, said),
                (Speaker::Agent, "That one works, thanks."),
            ]);
            assert_eq!(out[2], said);
        }
    }

    #[test]
    fn an_account_numbers_name_half_heard_still_names_it() {
        // Round 40, base on 8 kHz µ-law for "It's the account number, A C dash seven seven four
        // one nine.": "account" heard as "count", the number shown.
        let out = caller_answer(
            "what's the account reference on your statement?",
            "It's via count number AC-77419.",
        );
        // Its letters, glued by the hyphen, with it (since round 43).
        assert_eq!(out, "It's via count number [BANK_ACCOUNT_NUMBER].");
        // Control: a count that is no account's.
        let said = "The head count is 40 people.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn the_other_numbers_of_a_line_giving_two_values_are_theirs() {
        // Round 40, tiny.en on 8 kHz µ-law for a French IBAN read in groups after "I need the
        // recipient's IBAN" came out as "… the recipient's ribbon.": digits between the
        // garbled zeros were shown.
        let out = caller_answer(
            "for the international transfer I need the recipient's ribbon.",
            "It's part M and 6, 3 near only a row zero, 6 near only a row, 1 1 2 3 4 5 6 M and \\
             8 9 near 0 1 8 9,",
        );
        assert!(!out.chars().any(|c| c.is_ascii_digit()), "{out}");
        assert!(!out.contains("zero"), "{out}");
        // Controls: a time, and a count of digits, in a line giving two phone numbers.
        assert_eq!(
            caller_answer(
                "What are your numbers?",
                "They are 415 555 0132 and 415 555 0199, call after 6 pm, the last four are fine."
            ),
            "They are [PHONE] and [PHONE], call after 6 pm, the last four are fine."
        );
    }

    #[test]
    fn a_long_value_said_in_parts_stays_asked_for_until_it_is_whole() {
        // Round 40 live (tiny.en on 8 kHz µ-law) for an SSN said in three lines ("The first
        // three are …", "The middle two are …", "And the last four are three three five nine."):
        // the last part was shown as "free free five nine", the request spent on the first.
        let ssn = |first: &str, middle: &str| {
            conversation(&[
                (
                    Speaker::Agent,
                    "I will need your social security number to continue.",
                ),
                (Speaker::Caller, first),
                (Speaker::Caller, middle),
                (
                    Speaker::Caller,
                    "And the last four are free free five nine.",
                ),
                (Speaker::Agent, "Thank you."),
            ])
        };
        for out in [
            ssn("The first three are 421.", "The middle two are big eight."),
            ssn(
                "The first three are four two one.",
                "The middle two are six eight.",
            ),
        ] {
            assert_eq!(out[3], "And the last four are [SSN].", "{out:?}");
        }
        // A part leaves the request open; a whole value closes it (control).
        let after = |given: &str| {
            conversation(&[
                (
                    Speaker::Agent,
                    "I will need your social security number to continue.",
                ),
                (Speaker::Caller, given),
                (Speaker::Caller, "Then I pressed 9 and waited."),
                (Speaker::Agent, "Thank you."),
            ])[2]
                .clone()
        };
        assert_eq!(
            after("The first three are 421."),
            "Then I pressed [SSN] and waited."
        );
        assert_eq!(after("It is 421 68 3359."), "Then I pressed 9 and waited.");
    }

    #[test]
    fn a_value_after_its_cue_and_a_comma_with_times_after_it_is_no_count() {
        // Round 41, base on 8 kHz µ-law for "My birthday is New Year's Day, nineteen seventy
        // five.": the year came out as "1770 times" and was shown as a count.
        assert_eq!(
            caller_answer(
                "Can I confirm your date of birth?",
                "My birthday is new year and day, 1770 times."
            ),
            "My birthday is new year and day, [DATE_OF_BIRTH] times."
        );
        // Control: a count after a comma with no value named or asked.
        let said = "Sorry, I called, 300 times.";
        assert_eq!(caller_answer("Anything else?", said), said);
    }

    #[test]
    fn a_year_after_a_date_of_birth_with_in_between_is_its_year() {
        // Round 42, tiny.en (16 kHz, 8 kHz µ-law, mono) for "I was born on the twenty first of
        // June in nineteen ninety nine.": the year was shown after the redacted date.
        assert_eq!(
            caller_answer(
                "And your date of birth?",
                "I was born on the 21st of June in 1999."
            ),
            "I was born on the [DATE_OF_BIRTH]."
        );
        // Control: a year after another date with "in" between.
        let said = "I opened it on the 21st of June in 2019.";
        assert_eq!(caller_answer("When did you open it?", said), said);
    }

    #[test]
    fn pieces_glued_by_hyphens_to_a_value_are_the_values() {
        // Round 43, tiny.en and base for an account's "… six nine" and an IBAN's "… one nine":
        // whisper's spelling of the last digit was shown after the tag.
        let question = "So the account number is 412-886.";
        assert_eq!(
            caller_answer(question, "No, 4788, 6-ine."),
            "No, [BANK_ACCOUNT_NUMBER]."
        );
        let question = "Which account should the transfer go to?";
        let out = caller_answer(
            question,
            "Driver is GB2-I-N-W-BK, 6016, 1-3, 3-1-I-2, 681-I-N",
        );
        assert!(!out.contains("I-N") && !out.contains("681"), "{out}");
        let out = caller_answer(
            question,
            "The i-b-t-b-2-dine, N-w-b-k, 6-0-1-6, 1-3, 3-1-dine-2, 6-8-1-dine,",
        );
        assert!(!out.contains("dine") && !out.contains('6'), "{out}");
        // Control: hyphened words beside numbers that are no value.
        let said = "I need a 24-hour pass and a follow-up on my COVID-19 test.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn a_run_of_words_written_for_digits_is_digits_read_out() {
        // Round 43, base at 16 kHz and on 8 kHz µ-law for the agent's "And it ends in three three
        // three three": the card's last four were shown as words.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Let me read the card back. 4532111122223333",
            ),
            (Speaker::Caller, "Yes, that's right."),
            (Speaker::Agent, "I'm detaining free free free free"),
        ]);
        assert_eq!(out[2], "I'm detaining [CREDIT_DEBIT_NUMBER]");
        // And while it is said: two such words end a partial already, one does not.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Let me read the card back.");
        r.push(Speaker::Caller, "Yes, that's right.");
        for (partial, shown) in [
            ("I'm detaining free", "I'm detaining free"),
            ("I'm detaining free free", "I'm detaining [NUMBER]"),
            ("I'm detaining free free free", "I'm detaining [NUMBER]"),
        ] {
            assert_eq!(r.preview(Speaker::Agent, partial).text, shown);
        }
        assert_eq!(
            caller_answer("Anything else?", "It ends in free, tree, ate."),
            "It ends in [NUMBER]."
        );
        // Controls: such words in a row that are words ("for free to"), and one of them alone.
        for said in [
            "I got it for free to be honest, and won free tickets for two.",
            "Feel free to call for a quote.",
        ] {
            assert_eq!(caller_answer("Anything else?", said), said);
        }
    }

    #[test]
    fn a_flats_number_and_letter_before_an_address_are_the_addresses() {
        // Round 43, base on 8 kHz µ-law and both models on mono for "Apartment four B, one
        // twenty five West Seventy Second Street, New York, one zero zero two three".
        let question = "Where are we shipping it?";
        for said in [
            "The apartment for B 125 West 72nd Street, New York, 10023.",
            "Apartment for B, 125 West 72nd Street, New York 10023.",
        ] {
            let out = caller_answer(question, said);
            assert!(!out.contains("for") && !out.contains(" B"), "{out}");
            assert!(out.ends_with("[ADDRESS]."), "{out}");
        }
        // Control: a letter after such a word with no address after it.
        let said = "The apartment for a friend, I'll tell you later.";
        assert_eq!(caller_answer(question, said), said);
    }

    #[test]
    fn a_flats_number_before_its_address_taken_for_another_value_is_the_values() {
        // Round 61, tiny.en for "Apartment four B, twenty two fifty West Oak Street, …" after
        // "What address should the new card go to?" heard as "What unrest …": the letter glued
        // to the house number by a stop, the whole a card's number to the rules, "apartment
        // for" shown.
        let out = caller_answer(
            "What unrest should the new card go to?",
            "apartment for B.2250 West Oak Street Springfield, Illinois 62704.",
        );
        assert_eq!(out, "apartment [CREDIT_DEBIT_NUMBER].");
        // Controls: no value after the homophone, and a letter after it before no value.
        for said in [
            "I'm looking at an apartment for two people.",
            "The flat for B block is empty.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
        // Round 61 live, tiny.en partials of the same address, the word for the flat misheard
        // ("the Department for B. …", "the Parliament for B."): a homophone and a capital
        // letter right before the address.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "What a rest shot the new card go to.");
        let p = r.preview(
            Speaker::Caller,
            "the Department for B. 2250 West Oak Street",
        );
        assert!(
            !p.text.contains("for") && !p.text.contains(" B"),
            "{}",
            p.text
        );
        // Control: a homophone and a letter before no address.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "How can I help?");
        let p = r.preview(Speaker::Caller, "I have tickets for B block");
        assert_eq!(p.text, "I have tickets for B block");
    }

    #[test]
    fn a_numbers_first_and_last_digits_after_starts_with_and_ends_in_are_its() {
        // Round 44, tiny.en at 16 kHz, on 8 kHz µ-law and on mono for "The one that starts with
        // four nine two nine and ends in eight one one four.", the agent's question garbled:
        // the digits came out as a decimal, stops or hyphens between, and were shown.
        let question = "Which can't what you like to";
        for (said, shown) in [
            (
                "The one that starts with 4.929 and ends in 8.1.14.",
                "The one that starts with [NUMBER] and ends in [NUMBER].",
            ),
            (
                "The one that starts with 49-9 and ends in 8-1-1-4.",
                "The one that starts with [NUMBER] and ends in [NUMBER].",
            ),
            (
                "the one that's charged with 4.9 to 9 and end in 8.1.1.4.",
                "the one that's charged with 4.9 to 9 and end in [NUMBER].",
            ),
        ] {
            assert_eq!(caller_answer(question, said), shown);
        }
        // Controls: counts and times after such words, a word after the number, one digit.
        for said in [
            "The offer ends in 2 days and the trial starts with 3 items free.",
            "The call will end in 5 minutes.",
            "It ends with a 5 star review.",
            "The queue starts with 1 person.",
        ] {
            assert_eq!(caller_answer("Anything else?", said), said);
        }
    }

    #[test]
    fn an_answer_to_a_request_for_an_email_that_says_dot_twice_is_the_address() {
        // Round 44, base for "It's sam underscore lee at outlook dot co dot uk.": its
        // "underscore" and "at" lost, the rest shown.
        let said = "It's salmon vs. Corley yet out. Look dot code dot you kick.";
        assert_eq!(
            caller_answer("and the email address.", said),
            "It's [EMAIL]."
        );
        // Controls: the same line with no request for an e-mail, and an answer saying "dot"
        // once.
        assert_eq!(caller_answer("Anything else?", said), said);
        let once = "I'm not sure, it's on the dot com site somewhere.";
        assert_eq!(caller_answer("and the email address.", once), once);
    }

    #[test]
    fn a_partial_hides_the_words_for_a_values_digits_beside_it_as_the_final_does() {
        // Round 43 and 44 played live, tiny.en: partials showed a card's and an SSN's first
        // "four" as "For" right before the value; the final lines hid it.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Go ahead with the card number.");
        let p = r.preview(Speaker::Caller, "For 4111, sorry, I'll start again.");
        assert_eq!(p.text, "[CREDIT_DEBIT_NUMBER], sorry, I'll start again.");
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "I'll need your social to continue.");
        let p = r.preview(Speaker::Caller, "My social is built on for 27 55 8810");
        assert!(!p.text.contains("for"), "{}", p.text);
        // Control: "for" before a count stays.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "How long have you had it?");
        let p = r.preview(Speaker::Caller, "I've had it for 12 years");
        assert_eq!(p.text, "I've had it for [NUMBER] years");
    }

    #[test]
    fn an_email_answer_heard_as_words_ending_in_not_calm_or_as_one_word_sentences_is_hidden() {
        // Round 45, base at 16 kHz and on 8 kHz µ-law for "It's priya dot sharma nineteen
        // ninety at yahoo dot com.": the surname and the rest were shown.
        let question = "What's the email on your account?";
        for said in [
            "It's Priya. Sharma. Hai. Ti. Ti. A. Ti. A. Who. KAM.",
            "It's really not Charminhain Singh Haintea, who not calm.",
        ] {
            assert_eq!(caller_answer(question, said), "It's [EMAIL].");
            // Control: the same line with no request for an e-mail.
            assert!(!caller_answer("Anything else?", said).contains("[EMAIL]"));
        }
        // Controls: talk that says "not calm", and stalls of one word each.
        for said in [
            "I'm not sure. I'm not calm.",
            "Sorry. What? Hold on. Okay. Yes. It's fine.",
        ] {
            assert_eq!(caller_answer(question, said), said);
        }
    }

    #[test]
    fn an_expiry_asked_as_x_piry_and_its_answer_in_words_are_hidden() {
        // Round 45, tiny.en and base for "And the card's expiry date?" - "It runs out at the
        // end of March next year, so oh three twenty seven.": the request came out as "X-Piry
        // Date" and "X Pyridate", and the month and "free to" were shown.
        for (question, said, shown) in [
            (
                "and the cards X-Piry Date.",
                "It's run now at the end of March next year, so go free to end this amendment.",
                "It's run now at the end of [CREDIT_DEBIT_EXPIRY], so go [CREDIT_DEBIT_EXPIRY] end this amendment.",
            ),
            (
                "and the Card X Pyridate.",
                "It run out at the end on March next year, so free to end it, everyone!",
                "It run out at the end on [CREDIT_DEBIT_EXPIRY], so [CREDIT_DEBIT_EXPIRY] end it, everyone!",
            ),
        ] {
            assert_eq!(caller_answer(question, said), shown);
        }
        // Controls: the same answer to another question, and "free to" with nothing asked.
        let said = "It runs out at the end of March next year, so free to end this event.";
        assert_eq!(caller_answer("When does your contract end?", said), said);
        let said = "I'm free to talk now.";
        assert_eq!(caller_answer("Is now a good time?", said), said);
    }

    #[test]
    fn a_cards_month_after_runs_out_is_its_expiry() {
        // Round 45 played live, tiny.en at 16 kHz for "And the card's expiry date?" - "It runs
        // out at the end of March next year, so oh three twenty seven.": the request came out
        // as "and the Cards X per year", no cue of an expiry, and "March next year" was shown.
        let said = "It runs out at the end of March next year, so low for each 327.";
        assert_eq!(
            caller_answer("and the Cards X per year 4111.", said),
            "It runs out at the end of [CREDIT_DEBIT_EXPIRY], so low for each [CREDIT_DEBIT_NUMBER]."
        );
        assert_eq!(
            caller_answer("And the card?", "It ran out in June."),
            "It ran out in [CREDIT_DEBIT_EXPIRY]."
        );
        // Controls: no card named, and a month not right after "runs out".
        let said = "My contract runs out at the end of March next year.";
        assert_eq!(caller_answer("And what about the contract?", said), said);
        let said = "The card ran out of credit, and I'm paid in March.";
        assert_eq!(caller_answer("And the card?", said), said);
        let said = "My gym membership runs out at the end of March.";
        assert_eq!(caller_answer("Is it on the card?", said), said);
    }

    #[test]
    fn a_pin_asked_for_as_bin_in_capitals_is_a_pin() {
        // Round 46, tiny.en on mono for "I'll need the PIN you use for the app." - "It's my old
        // house number twice, so one seven one seven.": "1 7 7" was shown.
        let question = "I'll need the BIN news for the app.";
        let said = "It's my old house, number twice, so 1 7 7.";
        let mono = conversation(&[
            (Speaker::Unknown, question),
            (Speaker::Unknown, said),
            (Speaker::Unknown, "Thank you."),
        ]);
        assert_eq!(mono[1], "It's my old house, number twice, so [PIN].");
        // Controls: "bin" the word, and the same answer to no request.
        let said = "Bin 4 is full again, so 1 7 7 bags are outside.";
        assert_eq!(caller_answer("Put it in the bin?", said), said);
        let said = "It's my old house, number twice, so 1 7 7.";
        assert_eq!(caller_answer("Where did you grow up?", said), said);
    }

    #[test]
    fn a_group_of_a_card_corrected_in_homophones_is_hidden() {
        // Round 47, tiny.en and base at 16 kHz and on 8 kHz µ-law for the agent's read-back
        // "I have the card as four nine one seven, two two eight one, three three four four, …"
        // - "No, the third group is three three nine four.": "free free" (and "iron for",
        // "night is for") were shown.
        let read_back = "I have the card at 4917 2281 3344 5566.";
        for (said, shown) in [
            (
                "No, the third group is free free I-4.",
                "No, the third group is [CREDIT_DEBIT_NUMBER].",
            ),
            (
                "No, the third group is free free iron for.",
                "No, the third group is [CREDIT_DEBIT_NUMBER].",
            ),
            (
                "No, the third group in free free night is for...",
                "No, the third group in [CREDIT_DEBIT_NUMBER]...",
            ),
            // Two of the rare homophones in a row, with no piece named.
            (
                "No, the Earth is broken, free free iron for.",
                "No, the Earth is broken, [CREDIT_DEBIT_NUMBER] iron for.",
            ),
        ] {
            assert_eq!(caller_answer(read_back, said), shown, "{said}");
        }
        // Controls: one word for a digit after the piece named, and the same lines in a call
        // where no value was said.
        let said = "No, the second part is the one that matters.";
        assert_eq!(caller_answer(read_back, said), said);
        for said in [
            "No, the third group is free free iron for.",
            "It's free, free delivery on the whole order.",
        ] {
            assert_eq!(caller_answer("How was the parcel sent?", said), said);
        }
    }

    #[test]
    fn a_house_number_before_a_state_is_the_address_whatever_the_street_came_out_as() {
        use Speaker::{Agent, Caller, Unknown};
        // Round 47, tiny.en on 8 kHz µ-law for "What's the mailing address on the account?" -
        // "Suite four hundred, twelve Harbor Point Boulevard, Baltimore, Maryland two one two
        // three oh.": no street rule read the street, and "400-12 hardware point" was shown.
        let out = conversation(&[
            (Agent, "Well, I'm a link on the address on the account."),
            (
                Caller,
                "Sweet 400-12 hardware point will evolve to more Maryland 2-1-2-3U.",
            ),
            (Agent, "Thank you."),
        ]);
        assert_eq!(out[1], "Sweet [ADDRESS].");
        // Round 37, base on mono: the box number and the town were shown.
        let out = conversation(&[
            (Unknown, "What a risk should we send the form to?"),
            (Unknown, "Rural Ruto box 45 hill town Kentucky for 0311"),
            (Unknown, "Got it."),
        ]);
        assert_eq!(out[1], "Rural Ruto box [ADDRESS]");
        // Controls: an amount, a reference and a time before a state and its ZIP code.
        for (said, kept) in [
            (
                "I paid 40 dollars at the store in",
                "I paid 40 dollars at the store in",
            ),
            (
                "Order 5521 went to the shop in",
                "Order 5521 went to the shop in",
            ),
            ("At 9:30 I drove to", "At 9:30 I drove to"),
        ] {
            let out = conversation(&[
                (Agent, "How did it go?"),
                (Caller, &format!("{said} Baltimore, Maryland 21230.")),
                (Agent, "Thank you."),
            ]);
            assert!(out[1].starts_with(kept), "{}", out[1]);
            assert!(out[1].contains("[ADDRESS]"), "{}", out[1]);
        }
    }

    #[test]
    fn a_cards_ending_written_as_an_amount_is_the_card() {
        // Round 48, base at 16 kHz and on 8 kHz µ-law for "I was charged twice on my card ending
        // four four eight one, both for sixty dollars on Friday.": "$4481" was shown.
        let said = "I was charged twice on my card ending $4481, both for $60 on Friday.";
        assert_eq!(
            caller_answer("How can I help today?", said),
            "I was charged twice on my card ending [CREDIT_DEBIT_NUMBER], both for $60 on Friday."
        );
        let said = "It's the account, ending £2 0 1 7, I think.";
        assert_eq!(
            caller_answer("How can I help today?", said),
            "It's the account, ending [BANK_ACCOUNT_NUMBER], I think."
        );
        // Controls: an amount after "ending" with no card or account named before it.
        for said in [
            "I see a payment ending $99 on my statement.",
            "The sale is ending, $40 off everything.",
        ] {
            assert_eq!(caller_answer("How can I help today?", said), said);
        }
    }

    #[test]
    fn an_email_written_as_one_word_with_its_at_is_hidden() {
        // Round 48, tiny.en on mono for "What email should we use?" - "Anna dash lee at outlook
        // dot com.": the request heard as "While T-mail should we use.", the address shown.
        let out = conversation(&[
            (Speaker::Unknown, "While T-mail should we use."),
            (Speaker::Unknown, "and adacheliattoutlook.com"),
            (Speaker::Unknown, "Thank you."),
        ]);
        assert_eq!(out[1], "and [EMAIL]");
        assert_eq!(
            caller_answer("Anything else?", "It's anna-leeatgmail.co.uk, thanks."),
            "It's [EMAIL], thanks."
        );
        // Controls: a mail service's site named, and a word glued to one with no "at".
        let said = "I saw it on outlook.com, then on shopoutlook.com.";
        assert_eq!(caller_answer("Where did you see it?", said), said);
    }

    #[test]
    fn an_address_asked_for_as_where_to_ship_is_an_address() {
        // Round 48, base at 16 kHz and on 8 kHz µ-law for "What address should we ship to?" -
        // "Forty two West Elm Street, apartment nine C, Chicago, six oh six one two.": the
        // street and the flat were shown beside the numbers redacted.
        for question in [
            "What address should we ship to?",
            "What a dress should we ship to?",
        ] {
            for said in [
                "42SLm 3, apartment I&C Chicago, 60612.",
                "42 SLM3, apartment ISE, Chicago, 60612.",
            ] {
                assert_eq!(caller_answer(question, said), "[ADDRESS].", "{said}");
            }
        }
        // Controls: whether a place is shipped to is no request for an address, and the answer
        // that names the one on file says none.
        let said = "Yes, 42 countries in all, Canada too.";
        assert_eq!(caller_answer("Do we ship to Canada?", said), said);
        let said = "The one on file is fine.";
        assert_eq!(caller_answer("What address should we ship to?", said), said);
    }

    #[test]
    fn a_phones_last_digits_after_ends_in_and_in_a_partial_are_hidden() {
        // Round 46 played live, tiny.en at 16 kHz and on 8 kHz µ-law for "Is the phone number
        // on file still right? It ends in three four." - "No, I changed it. It's oh one eight
        // four four.": the final "It ends in 3/4." and the partial "… well made for for." were
        // shown.
        assert_eq!(
            conversation(&[(
                Speaker::Agent,
                "Is the film number on file still right? It ends in 3/4."
            )])[0],
            "Is the film number on file still right? It ends in [NUMBER]."
        );
        let mut r = Redactor::new();
        r.push(
            Speaker::Agent,
            "is the film number on file still right. It ends in 34.",
        );
        for (partial, shown) in [
            (
                "no I can't it's out and well made for",
                "no I can't it's out and well made for",
            ),
            (
                "no I can't it's out and well made for for",
                "no I can't it's out and well made [NUMBER]",
            ),
        ] {
            assert_eq!(r.preview(Speaker::Caller, partial).text, shown);
        }
        // Controls: a share that ends nothing said, and two such words ending a partial in a
        // call where no value was said.
        let said = "The meeting ends in 3/4 of an hour.";
        assert_eq!(caller_answer("Anything else?", said), said);
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "How can I help?");
        let partial = "no I can't it's out and well made for for";
        assert_eq!(r.preview(Speaker::Caller, partial).text, partial);
    }

    #[test]
    fn an_email_glued_at_both_ends_with_stops_between_is_hidden() {
        // Round 49, tiny.en at 16 kHz for "What's the email on the account?" - "Tom dot hardy
        // two thousand at gmail dot com.": the name and its number were shown.
        let question = "What's the email on the account?";
        assert_eq!(
            caller_answer(question, "Tom.hard it 2000. Email.com."),
            "[EMAIL]."
        );
        // Controls: an answer about it that names a site, and glued words with no request.
        let said = "Not sure. Try example.com.";
        assert_eq!(caller_answer(question, said), said);
        let said = "The old.new list is up. See example.com.";
        assert_eq!(caller_answer("Who told you?", said), said);
    }

    #[test]
    fn a_group_said_back_alone_is_the_value() {
        use Speaker::{Agent, Caller};
        // Round 50, tiny.en and base at 16 kHz and on 8 kHz µ-law for the agent saying each
        // group of a card back: "4532" (its caller's "for 532." known by no digits before),
        // "0.01.5.1" and "2 0 1 5 1" were shown.
        let out = conversation(&[
            (Agent, "Go ahead with the card number 1 through at a time."),
            (Caller, "for 532."),
            (Agent, "4532"),
            (Caller, "0 1 5 1"),
            (Agent, "0.01.5.1"),
            (Caller, "0151"),
            (Agent, "2 0 1 5 1"),
            (Agent, "Thank you."),
        ]);
        for (k, line) in [(2, &out[2]), (4, &out[4]), (6, &out[6])] {
            assert!(!line.chars().any(|c| c.is_ascii_digit()), "{k}: {line}");
            assert!(line.starts_with('['), "{k}: {line}");
        }
        // Controls: a number alone with no value given before, and a number with words.
        let out = conversation(&[
            (Agent, "Which room is it?"),
            (Caller, "It's the big one."),
            (Agent, "2 0 1 5"),
        ]);
        assert_eq!(out[2], "2 0 1 5");
        let out = conversation(&[
            (Agent, "Go ahead with the card number."),
            (Caller, "4 5 3 2"),
            (Agent, "Room 2015 is free now."),
        ]);
        assert_eq!(out[2], "Room 2015 is free now.");
    }

    #[test]
    fn a_postcode_set_apart_after_its_address_is_the_address() {
        // Round 50, base at 16 kHz for "Is it okay to send it to nine Kingfisher Way,
        // Cambridge, C B four, one Z Y?": "C-B4, onesy-y" was shown after the address.
        let question = "Where will you like the replacement?";
        assert_eq!(
            caller_answer(
                question,
                "Is it okay to send it to 9th main fish away, Cambridge? C-B4, onesy-y?"
            ),
            "Is it okay to send it to [ADDRESS]? [ADDRESS]?"
        );
        // Control: a sentence of words after the address.
        let said = "Is it okay to send it to 9 Kingfisher Way, Cambridge? Thanks a lot.";
        assert_eq!(
            caller_answer(question, said),
            "Is it okay to send it to [ADDRESS]? Thanks a lot."
        );
    }

    #[test]
    fn a_month_before_slash_goes_with_its_expiry() {
        // Round 52, base and tiny.en on mono and base on 8 kHz µ-law for "Oh nine slash twenty
        // eight." after "And the expiry?": the month, heard as "Oh, I'm", was shown.
        for said in ["Oh, I'm smashed 28", "Oh, I'm slash 28."] {
            let out = caller_answer("Got it, and the expiry?", said);
            assert!(out.starts_with("[CREDIT_DEBIT_EXPIRY]"), "{out}");
        }
        // At 16 kHz its year was taken for the end of the card said just before.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Sure go ahead with the long number when you're ready.",
            ),
            (Speaker::Caller, "Number 4 532 N1122 N8765 N4321"),
            (Speaker::Agent, "Got it, and the expiry."),
            (Speaker::Caller, "Oh, I'm smashed 28"),
        ]);
        assert!(out[3].starts_with('['), "{}", out[3]);
        // Controls: more words before "slash" than a month's, and no expiry asked.
        let out = caller_answer(
            "Got it, and the expiry?",
            "Well I think it says here on the card slash 28.",
        );
        assert!(out.starts_with("Well I think"), "{out}");
        let said = "Oh, I'm smashed 28 times.";
        assert_eq!(caller_answer("How are you today?", said), said);
    }

    #[test]
    fn a_digit_word_before_a_card_after_letters_of_several_bytes_is_no_failed_step() {
        // Found while adding round 52's rules: offsets count characters, and a byte slice of a
        // line with curly apostrophes before "to" and a card panicked (caught: every pending
        // line came back hidden whole, the agent's "Thanks." too).
        let mut r = Redactor::new();
        let mut out = r.push(Speaker::Agent, "What is the card number?");
        out.extend(r.push(Speaker::Caller, "’’’’ to 4111 1111 1111 111"));
        out.extend(r.push(Speaker::Agent, "Thanks."));
        out.extend(r.finish());
        assert_eq!(r.failed_steps(), 0);
        assert_eq!(out[1].text, "’’’’ [CREDIT_DEBIT_NUMBER]");
        assert_eq!(out[2].text, "Thanks.");
    }

    #[test]
    fn digits_read_out_before_a_count_are_no_count() {
        // Found probing round 54's PIN "one one one one, four ones": digits read out one at a
        // time, then a small number counting a noun, were taken with it for a count and shown.
        for said in ["Sure. 5 2 7 9, 4 digits.", "5 2 7 9, and 4 digits."] {
            let out = caller_answer("What PIN did you choose?", said);
            assert!(!out.contains("5 2 7 9"), "{out}");
            assert!(out.contains("4 digits"), "{out}");
        }
        // Controls: counts alone, and a count listed with another.
        for said in ["I have 4 cats and 2 dogs.", "It was 3, 4 and 5 payments."] {
            assert_eq!(caller_answer("How can I help today?", said), said);
        }
    }

    #[test]
    fn four_digits_read_out_one_at_a_time_in_a_long_line_are_a_value() {
        // Round 54, base on mono for "I can check that, what PIN did you set?" and the
        // caller's "one one one one, four ones" heard as one line: "1 1 1 1" was shown, since
        // digits read out one at a time were looked for only in a short line.
        let said = "I can check that, what bin did you set? 1 1 1 1 4 1s.";
        let out = conversation(&[(Speaker::Unknown, said)]);
        assert_eq!(out, ["I can check that, what bin did you set? [NUMBER]."]);
        let out = conversation(&[(
            Speaker::Caller,
            "Well I think it was set years ago, 7 2 0 9 or so, honestly.",
        )]);
        assert_eq!(
            out,
            ["Well I think it was set years ago, [NUMBER] or so, honestly."]
        );
        // Its partial too.
        let mut r = Redactor::new();
        let p = r.preview(
            Speaker::Unknown,
            "I can check that, what bin did you set? 1 1 1 1",
        );
        assert!(!p.text.contains('1'), "{}", p.text);
        // Controls: three digits in a long line are a bus's, and four written as one number no
        // read-out.
        for said in [
            "I took the 2 1 2 bus to the office this morning, sadly.",
            "I can check that, the 2121 bus was late again today.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, said)]), [said]);
        }
    }

    #[test]
    fn a_date_of_birth_said_year_first_is_hidden_with_its_question_lost() {
        // Round 55, tiny.en and base on 8 kHz µ-law for "Nineteen seventy-three, May the
        // ninth." after "For security, can you give me your date of birth?" heard as "… your
        // name on Earth?": the year before the day and month made no date, and all was shown.
        let asked = "For security, can you give me your name on Earth?";
        for said in [
            "1973 May the 9th",
            "1973, the 9th of May.",
            "Sure, 1973 May the 9th.",
        ] {
            let out = caller_answer(asked, said);
            assert!(out.contains("[DATE_OF_BIRTH]"), "{out}");
            assert!(!out.contains("1973") && !out.contains("9th"), "{out}");
        }
        // Controls: a year too recent for a birth, a line with more to say, and a number that
        // is no year before the date.
        for said in [
            "It was 2024, May the 9th.",
            "2019 May the 9th, I think, at the branch in town.",
            "I paid 1973 on May the 9th.",
        ] {
            assert_eq!(caller_answer(asked, said), said);
        }
    }

    #[test]
    fn a_maiden_name_half_heard_after_its_cue_is_hidden() {
        // Round 55, base on 16 kHz and 8 kHz µ-law for "My mother's maiden name is Okonkwo. O K
        // O N K W O.": "maiden name" heard as "made a name", and the name as "a concloc", so
        // the cue was missed and, with it heard, "a" was taken for a word said of the name.
        let asked = "Before I can unlock it, what is the answer to your security question?";
        for said in [
            "My mother's made a name is a concloc, okay, and KWO.",
            "My mother's maiden name is a concord, okay.",
        ] {
            let out = caller_answer(asked, said);
            assert!(out.contains("[PIN]"), "{out}");
            assert!(!out.contains("conc") && !out.contains("okay"), "{out}");
        }
        // Controls: "a" said of a password, and "made a name" that is no cue.
        for said in [
            "My password is a bit long to say.",
            "She made a name for herself in the city.",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }

    #[test]
    fn a_correction_of_a_value_read_out_from_the_file_and_its_read_back_are_hidden() {
        // Round 55 (tiny.en and base, 16 kHz and 8 kHz µ-law): the agent read the caller's
        // phone number from the file, the caller corrected its last two digits, and the agent
        // said the last four back. The digits taken back ("not one nine") and the read-back
        // ("So 4 4 8 8.", "So, four, four, eight, eight,") were shown: the correction was
        // looked for only against the caller's own values, and a read-back only on a line of
        // nothing but the number.
        let out = conversation(&[
            (
                Speaker::Agent,
                "I have your number and 5, 5, 5, 2, 6, 3, 4, 4, 1, 9, is not right.",
            ),
            (
                Speaker::Caller,
                "Yes, except the last two are A88, not one nine.",
            ),
            (Speaker::Agent, "So 4 4 8 8."),
            (Speaker::Caller, "Exactly."),
        ]);
        for line in &out {
            assert!(!line.chars().any(|c| c.is_ascii_digit()), "{out:?}");
            assert!(!line.contains("one nine"), "{out:?}");
        }
        assert_eq!(out[2], "So [NUMBER].");
        // Controls: the same read-back with no value heard, and an amount or a count after
        // "except".
        let out = conversation(&[
            (Speaker::Agent, "How can I help?"),
            (Speaker::Caller, "I want to change my plan."),
            (Speaker::Agent, "So 4 4 8 8."),
        ]);
        assert_eq!(out[2], "So 4 4 8 8.");
        let out = conversation(&[
            (
                Speaker::Agent,
                "I have your number as 555 263 4419. Is that right?",
            ),
            (Speaker::Caller, "Yes, except I moved 2 years ago."),
            (Speaker::Agent, "Okay, 3 days then."),
        ]);
        assert_eq!(
            out[1..],
            ["Yes, except I moved 2 years ago.", "Okay, 3 days then."]
        );
    }

    #[test]
    fn a_security_question_cut_off_before_its_noun_still_asks() {
        // Round 55 live, tiny.en on 8 kHz µ-law for "And the name of your first pet?" -
        // "Biscuit.": the question lost "pet", and the answer heard as "this good." was shown.
        assert_eq!(
            caller_answer("and the name of your first", "this good."),
            "[PIN]."
        );
        // Controls: a first name asked for is a name, and no question leaves the words.
        assert_eq!(
            caller_answer("Can I take your first name?", "It is Lily."),
            "It is [NAME]."
        );
        assert_eq!(
            caller_answer("And what is it about?", "this good."),
            "this good."
        );
    }

    #[test]
    fn a_surname_heard_in_lower_case_after_a_first_name_is_hidden() {
        // Round 56, base on 8 kHz µ-law for "Klaus Becker." after "And the name of the account
        // holder?": "Cloud specer." showed "specer".
        let asked = "and the name of the account holder.";
        assert_eq!(caller_answer(asked, "Cloud specer."), "[NAME].");
        // Controls: what follows a name that is no surname, and no question for a name.
        assert_eq!(
            caller_answer("And your name?", "Klaus here."),
            "[NAME] here."
        );
        assert_eq!(
            caller_answer("How can I help?", "Cloud storage."),
            "Cloud storage."
        );
    }

    #[test]
    fn a_surname_heard_as_two_words_in_lower_case_is_hidden() {
        // Round 61, tiny.en on 8 kHz µ-law for "Thomas Whitfield." after "And the name of the
        // account holder?": "Thomas with field" showed "with field".
        let asked = "and the name of the account holder.";
        assert_eq!(caller_answer(asked, "Thomas with field"), "[NAME]");
        assert_eq!(caller_answer(asked, "Thomas ash worth."), "[NAME].");
        // Controls: a spelling, what is no surname, more said after it, and no question for a
        // name.
        assert_eq!(
            caller_answer(asked, "Klaus here please."),
            "[NAME] here please."
        );
        assert_eq!(
            caller_answer(asked, "Thomas with field, he's my dad."),
            "[NAME] with field, he's my dad."
        );
        assert_eq!(
            caller_answer("How can I help?", "Thomas with field"),
            "Thomas with field"
        );
    }

    #[test]
    fn a_zip_code_asked_for_half_heard_is_still_asked_for() {
        // Round 56, base on mono and 8 kHz µ-law: "zip code" heard as "lip code" and "nip
        // code"; on mono the ZIP code then opened the agent's next sentence and was shown
        // ("9407 You're verified how can I help today?").
        let out = conversation(&[
            (Speaker::Unknown, "6601 Thank you and your lip code"),
            (
                Speaker::Unknown,
                "9407 You're verified how can I help today?",
            ),
        ]);
        assert_eq!(out[1], "[ADDRESS] You're verified how can I help today?");
        assert_eq!(caller_answer("And your nip code.", "9407"), "[ADDRESS]");
        // Control: a number that opens a line after no such request.
        let out = conversation(&[
            (Speaker::Unknown, "Thank you and your order"),
            (Speaker::Unknown, "2 You're verified how can I help today?"),
        ]);
        assert_eq!(out[1], "2 You're verified how can I help today?");
    }

    #[test]
    fn a_month_said_by_number_after_on_the_is_a_dates() {
        // Round 56, tiny.en on 8 kHz µ-law for "The fifteenth of the third, eighty-nine." after
        // "Can you confirm your date of birth?": "15th on the third, 8th in Ireland." showed
        // "on the third", the month.
        let out = caller_answer(
            "Can you confirm your date of birth?",
            "15th on the third, 8th in Ireland.",
        );
        assert!(!out.contains("third") && !out.contains("15"), "{out}");
        // Control: no date asked for.
        let said = "I called on the 15th on the third floor.";
        assert_eq!(caller_answer("How can I help?", said), said);
    }

    #[test]
    fn an_id_asked_for_as_a_need_and_read_out_digit_by_digit_is_hidden() {
        // Round 56 on "I need your national insurance number for the claim.": the request said
        // as a need was taken for none, so "It's 12, 34, 56, C." was the claim's reference and
        // shown whole; and read out digit by digit ("It's pew pew 1, 2, 3, 4, 5, 6, see.",
        // tiny.en) the ID had too many pieces, its last letter shown.
        let asked = "I need your national insurance number for the claim.";
        for said in ["It's 12, 34, 56, C.", "It's pew pew 1, 2, 3, 4, 5, 6, see."] {
            assert_eq!(caller_answer(asked, said), "It's [SSN].");
        }
        // Controls: a need said away, the caller's need ("You will need your password …",
        // whose answer is no password), and a longer answer that says more than the ID.
        assert_eq!(
            caller_answer(
                "You will need your password to log in to the app.",
                "Okay, will do."
            ),
            "Okay, will do."
        );
        let said = "Great, my claim is 12345 then.";
        assert_eq!(
            caller_answer("You will not need your policy number for this.", said),
            said
        );
        let said = "It's 1 2 3 4 5 6 7 but it was changed last year.";
        let out = caller_answer("What is your policy number?", said);
        assert_eq!(out, "It's [NUMBER] but it was changed last year.");
    }

    #[test]
    fn an_id_asked_for_as_a_need_on_a_mono_recording_is_hidden_whole() {
        // Round 58 on mono for "To hire the car I need your driving licence number." - "It's M O
        // R G A six five seven zero five four, S M nine I J.": with no question mark the need
        // asked nothing on one speaker's lines, so the licence's last letters were shown
        // ("It's [BANK_ACCOUNT_NUMBER], SMI-J,", tiny.en; "It's [NAME] SMIIJ", base).
        let unknown = Speaker::Unknown;
        for (asked, said, hidden) in [
            (
                "to hire the car I need your driving license number.",
                "It's 70657054, SMI-J,",
                "It's [NUMBER],",
            ),
            (
                "To hire the car I need your driving license number",
                "It's MO RG657054 SMIIJ",
                "It's [NUMBER]",
            ),
            (
                "Can I take the passport number?",
                "It's 70657054, SMI-J,",
                "It's [NUMBER],",
            ),
        ] {
            let out = conversation(&[(unknown, asked), (unknown, said)]);
            assert_eq!(out[1], hidden);
        }
        // Controls: the caller's need, and a line after one that states no need of the agent's.
        let out = conversation(&[
            (unknown, "You will need your password to log in to the app."),
            (unknown, "Okay, will do."),
        ]);
        assert_eq!(out[1], "Okay, will do.");
        let out = conversation(&[
            (unknown, "I need to renew my driving licence."),
            (unknown, "Go to desk B, it is quick."),
        ]);
        assert_eq!(out[1], "Go to desk B, it is quick.");
    }

    #[test]
    fn a_security_answer_after_a_question_with_no_mark_on_a_mono_recording_is_hidden() {
        // Round 58, tiny.en on mono: "I just need to ask your security question what was the
        // make of your first car." (no question mark) - "Be Vox Hole Causa." (a Vauxhall Corsa)
        // was shown; base wrote the "?" and it was hidden.
        let unknown = Speaker::Unknown;
        for asked in [
            "I just need to ask your security question what was the make of your first car.",
            "I just need to ask your security question, what was the make of your first car?",
        ] {
            let out = conversation(&[(unknown, asked), (unknown, "Be Vox Hole Causa.")]);
            assert_eq!(out[1], "[PIN].");
        }
        // Controls: no question asked, and a question of nothing of the caller's.
        for asked in [
            "Your security question is set.",
            "I just need to check what the weather is.",
        ] {
            let out = conversation(&[(unknown, asked), (unknown, "Be Vox Hole Causa.")]);
            assert_eq!(out[1], "Be Vox Hole Causa.");
        }
    }

    #[test]
    fn a_unit_and_its_street_read_back_garbled_are_the_address() {
        // Round 58 live (tiny.en, 16 kHz and µ-law) and offline for the agent's read-back
        // "Unit four, twelve Banksia Street. And the postcode …": "Unit 4 Banksy Estreet and
        // the" and "unit for 12 Bancier trees." (partials), "Unit [ADDRESS] Anxious Treat and
        // the postcode …" (base): the unit's number and the street's garbled name were shown.
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let given = "Unit 4, 12 Banksia Street, Parramatta.";
        for (back, hidden) in [
            (
                "Unit 4 Banksy Estreet and the post code",
                "[ADDRESS] and the post code",
            ),
            ("unit for 12 Bancier trees.", "[ADDRESS]."),
            ("Unit 4, 12 Anxious Treat.", "[ADDRESS]."),
            // The postcode's last digits spelled glued to it ("two one five zero").
            (
                "Unit 4, 12 Anxia Tread and the postcode 121-I-Nero.",
                "[ADDRESS] and the postcode [ADDRESS].",
            ),
        ] {
            let out = conversation(&[(caller, given), (agent, back)]);
            assert_eq!(out[1], hidden);
            let mut r = Redactor::new();
            r.push(caller, given);
            assert_eq!(r.preview(agent, back).text, hidden);
        }
        // Controls: a flat rate, a unit with no number or sent somewhere, and the flat's
        // number alone before "not" (the number only).
        for (said, shown) in [
            ("The fee is flat 5 percent.", "The fee is flat 5 percent."),
            ("That unit is old.", "That unit is old."),
            (
                "We will send the unit for repair, then the unit to London.",
                "We will send the unit for repair, then the unit to London.",
            ),
            (
                "That's it, but it's flat two, not flat three.",
                "That's it, but it's [ADDRESS], not [ADDRESS].",
            ),
        ] {
            let out = conversation(&[(caller, given), (agent, said)]);
            assert_eq!(out[1], shown);
        }
    }

    #[test]
    fn a_maiden_name_asked_with_its_question_cut_off_is_hidden() {
        // Round 59 for "What's your mother's maiden name?" - "Fitzgerald.": the agent's last
        // word went to their next line ("What's your mother's maiden" - "Fitzgerald." - "name?
        // And …", base at 16 kHz; "Well, your mother made a" - "fits Gerald.", µ-law), and the
        // name was shown.
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        for (asked, said) in [
            ("What's your mother's maiden", "Fitzgerald."),
            ("What your mother made", "Fitzgerald."),
            ("Well, your mother made a", "fits Gerald."),
        ] {
            let out = conversation(&[
                (agent, asked),
                (caller, said),
                (agent, "name? And the name of the first school you went to?"),
            ]);
            assert_eq!(out[1], "[PIN].", "{asked}");
        }
        // On mono, the question written as a bare prompt, and the next one cut off after a
        // comma ("Saint Mary's primary." was shown).
        let unknown = Speaker::Unknown;
        let out = conversation(&[
            (unknown, "Once your mother's maiden name"),
            (unknown, "fits Gerald,"),
            (unknown, "and the name of the first school you went to,"),
            (unknown, "Saint Mary's primary."),
            (unknown, "Thank you, you are verified."),
        ]);
        assert_eq!([&out[1], &out[3]], ["[PIN],", "[PIN]."]);
        // Controls: a mother named with no cue, and a short line of the agent's that asks for
        // nothing.
        let said = "She made a cake.";
        let out = conversation(&[(agent, "Your mother called us?"), (caller, said)]);
        assert_eq!(out[1], said);
        let out = conversation(&[(unknown, "Thanks for waiting"), (unknown, said)]);
        assert_eq!(out[1], said);
    }

    #[test]
    fn an_address_and_a_postcode_asked_for_half_heard_are_hidden() {
        // Round 59 live, tiny.en on 8 kHz µ-law, for "What is your address?" - "Flat two B,
        // seven Queen's Road, Bristol." - "And the postcode?" - "B S eight, one Q X.": the
        // questions heard as "What if you're addressed?" and "And the post goes.", and the
        // flat, street and postcode were shown.
        for speakers in [
            [Speaker::Agent, Speaker::Caller],
            [Speaker::Unknown, Speaker::Unknown],
        ] {
            let [asker, giver] = speakers;
            let out = conversation(&[
                (asker, "What if you're addressed?"),
                (giver, "That's to be Heaven-weened road Bristol."),
                (asker, "And the post goes."),
                (giver, "We have a 1QX."),
            ]);
            assert_eq!([&out[1], &out[3]], ["That's [ADDRESS].", "We [ADDRESS]."]);
        }
        // Control: the same answers to a question of something else.
        let said = "We have a 1QX.";
        assert_eq!(caller_answer("Which model is it?", said), said);
    }

    #[test]
    fn round_60_a_date_said_month_of_the_day_and_an_address_checked_as_still() {
        // Tiny.en on mono: the caller's date of birth garbled ("Emilio Bernagus VIII-92." for
        // "I'm a Leo, born August eighth, ninety two"), then the agent's read-back "August of
        // the 8th, 1992, thank you." was shown; and on µ-law "Is your address still 14 L growth
        // leads LS6 to AB?" (fourteen Elm Grove, Leeds, LS6 2AB) was shown whole, and base's
        // "… still [ADDRESS] bleeds ls 6 to ab" its postcode.
        let unknown = Speaker::Unknown;
        let out = conversation(&[
            (unknown, "and your date of birth."),
            (unknown, "Emilio Bernagus VIII-92."),
            (unknown, "August of the 8th, 1992, thank you."),
        ]);
        assert_eq!(out[2], "[DATE_OF_BIRTH], thank you.");
        for said in [
            "Is your address still 14 L growth leads LS6 to AB?",
            "is your address still 14 Elm Grove bleeds ls 6 to ab",
        ] {
            let out = conversation(&[(Speaker::Agent, said)]);
            assert!(
                out[0].starts_with("Is your address still [ADDRESS]")
                    || out[0] == "is your address still [ADDRESS]",
                "{}",
                out[0]
            );
        }
        // Controls: a month and year with "of" alone, and the address asked about with no
        // address given.
        let said = "I have been with you since March of 2020.";
        assert_eq!(conversation(&[(Speaker::Caller, said)])[0], said);
        let said = "Is your address still the same?";
        assert_eq!(conversation(&[(Speaker::Agent, said)])[0], said);
    }

    #[test]
    fn the_name_on_that_card_is_a_name() {
        // Round 59, tiny.en at 16 kHz, µ-law and mono: "And name on that card." ("the" lost)
        // asked for no name, and "Helen Park." was shown.
        for asked in ["And name on that card.", "And the name on this card?"] {
            assert_eq!(caller_answer(asked, "Helen Park."), "[NAME].");
            let out = conversation(&[(Speaker::Unknown, asked), (Speaker::Unknown, "Helen Park.")]);
            assert_eq!(out[1], "[NAME].");
        }
        // Control: an answer that gives no name.
        let said = "Sorry, I don't know it.";
        assert_eq!(caller_answer("And the name on that card?", said), said);
    }

    #[test]
    fn an_address_asked_for_with_its_verb_misheard_is_hidden() {
        // Round 58 on 8 kHz µ-law for "Where should we send the replacement modem?" - "Unit
        // four, twelve Banksia Street, Parramatta, New South Wales, two one five zero.": the
        // question heard with "end" or "bend" for "send" asked for no address, and the answer
        // was shown (whole, base; all but the postcode, tiny.en).
        for (asked, said) in [
            (
                "Where should we end the replacement modem?",
                "Unit 4, well-mancaya treat, Parameter, new outweil, 215 Nero.",
            ),
            (
                "where should we bend the replacement mode then?",
                "Unit 4 12 and 3 parameter, new south whale, 2150.",
            ),
        ] {
            assert_eq!(caller_answer(asked, said), "[ADDRESS].");
            let out = conversation(&[(Speaker::Unknown, asked), (Speaker::Unknown, said)]);
            assert_eq!(out[1], "[ADDRESS].");
        }
        // Control: where one sits is no address.
        let said = "By the window, row 12 if possible.";
        assert_eq!(caller_answer("Where would you like to sit?", said), said);
    }

    #[test]
    fn an_addresss_digits_said_again_alone_are_hidden() {
        // Round 58 (tiny.en and base at 16 kHz) for "j dash smith seventy seven at proton mail
        // dot com" - "Was that j dash smith, seven seven?": the read-back's name came out
        // garbled ("What's that J-Mith? 7/7?") and its digits were shown; and live, round 56,
        // "Is that twenty twenty in numbers?" after "sarah twenty twenty at outlook dot com".
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let asked = "What email should we send the confirmation to?";
        for (said, back, hidden) in [
            (
                "J-Smith77 at protonmail.com",
                "What's that J-Mith? 7/7?",
                "What's that J-Mith? [EMAIL]?",
            ),
            (
                "sarah2020@outlook.com",
                "Is that 2020 in numbers?",
                "Is that [EMAIL] in numbers?",
            ),
        ] {
            for speaker in [agent, Speaker::Unknown] {
                let asker = if speaker == agent { agent } else { speaker };
                let giver = if speaker == agent { caller } else { speaker };
                let out = conversation(&[(asker, asked), (giver, said), (speaker, back)]);
                if speaker == agent {
                    assert_eq!(out[2], hidden);
                } else {
                    // On mono another rule may take the number first, as a number of no kind.
                    let digits: String = said.chars().filter(char::is_ascii_digit).collect();
                    let shown: String = out[2].chars().filter(char::is_ascii_digit).collect();
                    assert!(
                        out[2].contains("]") && !shown.contains(&digits),
                        "{}",
                        out[2]
                    );
                }
            }
        }
        // Controls: other digits, and the same digits long after the e-mail.
        let out = conversation(&[
            (agent, asked),
            (caller, "sarah2020@outlook.com"),
            (agent, "It arrives in 2 to 3 days."),
            (caller, "Okay."),
            (agent, "Anything else?"),
            (caller, "Yes, my bill went up."),
            (agent, "Since when?"),
            (caller, "Since 2020."),
        ]);
        assert_eq!(
            [&out[2], &out[7]],
            ["It arrives in 2 to 3 days.", "Since 2020."]
        );
    }

    #[test]
    fn an_addresss_digits_after_a_name_heard_as_a_word_and_at_are_one_address() {
        // Round 56, base on 16 kHz, 8 kHz µ-law and mono for "sarah twenty twenty at outlook
        // dot com": "Yes, sir at 2020@outlook.com." showed "sir at".
        let said = "Yes, sir at 2020@outlook.com.";
        assert_eq!(
            caller_answer("I have an email address for the working.", said),
            "Yes, [EMAIL]."
        );
        // Controls: a pronoun or a verb before "at", and a local part with letters.
        for (said, shown) in [
            (
                "Yes, email me at 2020@outlook.com.",
                "Yes, email me at [EMAIL].",
            ),
            (
                "I looked at 2020@outlook.com yesterday.",
                "I looked at [EMAIL] yesterday.",
            ),
            ("Yes, sir at sarah@outlook.com.", "Yes, sir at [EMAIL]."),
        ] {
            assert_eq!(caller_answer("Hello.", said), shown);
        }
    }

    #[test]
    fn a_read_back_garbled_at_the_start_of_the_next_line_is_hidden() {
        // Round 56, tiny.en on 8 kHz µ-law: the agent's "Four seven three nine one two,
        // perfect, you are logged in." after the caller's one-time code came out as "4th and
        // 3, I want to perfect you are logged in.", showing two of its digits.
        let out = conversation(&[
            (
                Speaker::Agent,
                "I have sent a code to your phone. Can you read it to me?",
            ),
            (Speaker::Caller, "Sure, the code is 473-912."),
            (
                Speaker::Agent,
                "4th and 3, I want to perfect you are logged in.",
            ),
        ]);
        assert!(!out[2].contains('4') && !out[2].contains('3'), "{out:?}");
        // Controls: the same line with no value given just before, and a line that opens with
        // a number but goes on in words in its first clause.
        let out = conversation(&[
            (Speaker::Agent, "How can I help?"),
            (Speaker::Caller, "I can't log in."),
            (Speaker::Agent, "4th and 3, I want to check the app first."),
        ]);
        assert_eq!(out[2], "4th and 3, I want to check the app first.");
        let out = conversation(&[
            (
                Speaker::Agent,
                "I have sent a code to your phone. Can you read it to me?",
            ),
            (Speaker::Caller, "Sure, the code is 473-912."),
            (Speaker::Agent, "2 more steps and you are logged in."),
        ]);
        assert_eq!(out[2], "2 more steps and you are logged in.");
    }

    #[test]
    fn an_address_asked_for_as_the_building_address_is_hidden_whole() {
        // Round 56 live, tiny.en at 16 kHz and 8 kHz µ-law: "What is your billing address?"
        // heard as "building address", so the answer was no address's, and its street and
        // flat ("Pencil Vain, … apartment for B.") were shown.
        let said = "1600 Pencil Vain, you have a new Northwest apartment for B. Washington, D.C. \
                    20500.";
        assert_eq!(
            caller_answer("What is your building address?", said),
            "[ADDRESS]."
        );
        // Control: the same answer to no request for an address keeps its words.
        let out = caller_answer("How can I help?", said);
        assert!(out.contains("Pencil Vain"), "{out}");
    }

    #[test]
    fn a_pin_said_a_digit_a_line_is_hidden_digit_by_digit() {
        // Round 57 (tiny.en and base on 8 kHz µ-law) for "Tell me the PIN one digit at a
        // time." and the caller's "Four." - "Yep." - "Nine." - "Yep." …: the request heard as a
        // statement ("Tell me the pin one did you that Italian."), the agent's "Yep." as
        // "Work.", and each digit after the first was shown.
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let out = conversation(&[
            (agent, "Tell me the pin one did you that Italian?"),
            (caller, "4"),
            (agent, "Work."),
            (caller, "9"),
            (agent, "Work."),
            (caller, "2"),
            (agent, "Work."),
            (caller, "7"),
            (agent, "Thank you. That is correct."),
        ]);
        assert_eq!(
            [&out[1], &out[3], &out[5], &out[7]],
            ["[PIN]", "[PIN]", "[PIN]", "[PIN]"]
        );
        // Two lines of the caller's in a row, the request said as "Tell me".
        let out = conversation(&[
            (agent, "Tell me the pin one did you that Italian."),
            (caller, "4"),
            (caller, "9"),
            (agent, "Work."),
            (caller, "2"),
        ]);
        assert_eq!([&out[1], &out[2], &out[4]], ["[PIN]", "[PIN]", "[PIN]"]);
        // Controls: a one-word line of the agent's that closes no request keeps it open only
        // while one is open, and a count after a whole PIN given is no more of it.
        let out = conversation(&[
            (agent, "How can I help?"),
            (caller, "My card was declined."),
            (agent, "Work."),
            (caller, "2 times today."),
        ]);
        assert_eq!(out[3], "2 times today.");
        let out = conversation(&[
            (agent, "What is your PIN?"),
            (caller, "4 9 2 7"),
            (agent, "Great."),
            (caller, "I changed it 2 years ago."),
        ]);
        assert_eq!([&out[1], &out[3]], ["[PIN]", "I changed it 2 years ago."]);
    }

    #[test]
    fn a_pin_said_a_digit_a_line_on_a_mono_recording_is_hidden() {
        // Round 57 on mono (the request, "Yep." and each digit one unknown speaker's lines):
        // tiny.en heard "Yep." as "Ywick." and the digits were shown; base heard "Work. Nine."
        // (the agent's "Yep." and the next digit on one line), and "one digit at a time" was a
        // question of when. And on two tracks the first digit heard as "For." alone.
        let unknown = Speaker::Unknown;
        let out = conversation(&[
            (unknown, "Tell me the pin one did you that Italian?"),
            (unknown, "Four."),
            (unknown, "Ywick."),
            (unknown, "Nine."),
            (unknown, "Ywick."),
            (unknown, "Two."),
            (unknown, "Ywick."),
            (unknown, "Seven."),
            (unknown, "Thank you. That is correct."),
        ]);
        assert_eq!(
            [&out[1], &out[3], &out[5], &out[7]],
            ["[PIN].", "[PIN].", "[PIN].", "[PIN]."]
        );
        let out = conversation(&[
            (unknown, "Tell me the pin one digit at a time."),
            (unknown, "Four."),
            (unknown, "Work. Nine."),
            (unknown, "Work. Two."),
            (unknown, "Work."),
            (unknown, "Seven."),
            (unknown, "Thank you, that is correct."),
        ]);
        assert_eq!(
            out[1..6],
            ["[PIN].", "Work. [PIN].", "Work. [PIN].", "Work.", "[PIN]."]
        );
        let out = conversation(&[
            (Speaker::Agent, "Tell me the pin one did you that Italian?"),
            (Speaker::Caller, "For."),
            (Speaker::Agent, "Yep."),
            (Speaker::Caller, "Nine."),
        ]);
        assert_eq!([&out[1], &out[3]], ["[PIN].", "[PIN]."]);
        // Controls: a one-word count with no request open, a PIN given whole and a count after
        // it, and an answer that gives no digit.
        for speaker in [unknown, Speaker::Caller] {
            let asker = if speaker == unknown {
                unknown
            } else {
                Speaker::Agent
            };
            let out = conversation(&[
                (asker, "How many people are travelling?"),
                (speaker, "Four."),
            ]);
            assert_eq!(out[1], "Four.");
            let out = conversation(&[
                (asker, "What is your PIN?"),
                (speaker, "4 9 2 7."),
                (asker, "And how many cards do you have?"),
                (speaker, "Two."),
            ]);
            assert_eq!([&out[1], &out[3]], ["[PIN].", "Two."]);
            let out = conversation(&[
                (asker, "What is your PIN?"),
                (speaker, "Um, I forgot it. Oh."),
            ]);
            assert_eq!(out[1], "Um, I forgot it. Oh.");
        }
    }

    #[test]
    fn a_card_told_apart_by_its_colour_is_no_digit() {
        // Seen while checking the lone-digit rule: "Which card would you like to cancel?" -
        // "The red one." hid "one" as a card's number (an over-redaction under every rule
        // before). A "one" after a colour, a size or an account's kind is a pronoun.
        for (asked, said) in [
            ("Which card would you like to cancel?", "The red one."),
            (
                "Which card would you like to cancel?",
                "The blue one, please.",
            ),
            ("Which account is it?", "The savings one."),
        ] {
            assert_eq!(caller_answer(asked, said), said);
        }
        // Controls: a digit said after such a word is still a digit.
        let asked = "What is the card number?";
        assert_eq!(
            caller_answer(asked, "The red one. Four one two two."),
            "The red one. [CREDIT_DEBIT_NUMBER]."
        );
        assert_eq!(
            caller_answer(asked, "The red one two three four."),
            "The red [CREDIT_DEBIT_NUMBER]."
        );
        // Nor past a comma (round 60, tiny.en on mono for "four oh oh oh, one two three four,
        // …": "For a little one, two, three, …" showed "one"); digits written after it are a
        // number of their own.
        let out = conversation(&[
            (Speaker::Unknown, "Can I take the card number please?"),
            (
                Speaker::Unknown,
                "For a little one, two, three, four, five, six, seven, eight, nine, or one, no.",
            ),
        ]);
        assert!(!out[1].contains("one,"), "{}", out[1]);
        assert_eq!(
            caller_answer("What is the code?", "I always use the same one, 4417."),
            "I always use the same one, [NUMBER]."
        );
    }

    #[test]
    fn a_line_that_is_a_name_with_middle_initials_is_a_name_whatever_was_asked() {
        // Round 57, tiny.en at 16 kHz and base on mono for "Daniel J Okafor." after "And the
        // name exactly as it appears on the card?" heard as "And the name of Mac clearly added
        // up here on the card.": no question for a name was heard, and the name was shown.
        let asked = "And the name of Mac clearly added up here on the card.";
        assert_eq!(caller_answer(asked, "Daniel J. Okifer"), "[NAME]");
        assert_eq!(caller_answer(asked, "Daniel J. O. Kiffer."), "[NAME].");
        // Controls: a label and its letter, a title's name (the title stays), and the agent's
        // own line.
        assert_eq!(caller_answer("What now?", "Plan B. Next."), "Plan B. Next.");
        assert_eq!(caller_answer(asked, "Mr J. R. Hartley."), "Mr [NAME].");
        let out = conversation(&[(Speaker::Agent, "Daniel J. Okifer")]);
        assert_eq!(out, ["Daniel J. Okifer"]);
    }

    #[test]
    fn a_date_said_with_slash_in_an_answer_is_hidden_however_garbled() {
        // Round 52 live, tiny.en at 16 kHz for "Oh nine slash twenty eight." after "Got it. And
        // the expiry?": no digit was heard, and the final showed the words.
        assert_eq!(
            caller_answer("Got it, and the expiry.", "Oh, I'm slashed when the aid."),
            "[CREDIT_DEBIT_EXPIRY]."
        );
        // Its partial too.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Got it, and the expiry.");
        let p = r.preview(Speaker::Caller, "Oh, I'm slashed when to aid.");
        assert_eq!(p.text, "[CREDIT_DEBIT_EXPIRY].");
        // Controls: no date asked, and a longer sentence in the answer.
        let said = "Oh, I'm slashed when the aid.";
        assert_eq!(caller_answer("How are you today?", said), said);
        let said = "Well the slash on the card is hard to read from here, sorry.";
        assert_eq!(caller_answer("Got it, and the expiry.", said), said);
    }

    #[test]
    fn an_ibans_opening_found_as_a_number_still_opens_it() {
        // Round 52, tiny.en at 16 kHz and on mono for "It's G B two nine, N W B K, six zero one
        // six, one three three one, nine two six eight, one nine." after "What's his IBAN?"
        // heard as "what's in my opinion": "TV29" was found as a number of no kind, and the
        // bank code "NWBK" after it was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "I can help with that, what's in my opinion,",
            ),
            (Speaker::Caller, "It's TV29, NWBK 6016 1331 926819"),
        ]);
        assert_eq!(out[1], "It's [IBAN]");
        // Controls: such a word far from a long number, or before a short one.
        for said in [
            "I flew BA12 last week, and my card then was 4111 1111 1111 1111.",
            "It's TV29, NWBK 6016.",
        ] {
            let out = caller_answer("How can I help today?", said);
            assert!(!out.contains("[IBAN]"), "{out}");
        }
    }

    #[test]
    fn a_zero_half_heard_before_a_value_is_its_digit() {
        // Round 53, base on 8 kHz µ-law for "The routing is zero two one, zero zero zero, zero
        // two one." and the account after it: "near" was shown before each.
        let out = conversation(&[
            (
                Speaker::Agent,
                "What's the routing number of the receiving bank?",
            ),
            (Speaker::Caller, "The routing is near O21, near O21,"),
            (Speaker::Agent, "And the account number?"),
            (Speaker::Caller, "near O21. 4 4, I'm I'm 6, 6, 7, 7."),
        ]);
        assert_eq!(out[1], "The routing is [BANK_ROUTING], [BANK_ROUTING],");
        assert!(out[3].starts_with("[BANK_ACCOUNT_NUMBER]"), "{}", out[3]);
        // Controls: "near" before a place or an amount, and set apart by a comma.
        for said in [
            "We waited near 2 hours for it.",
            "It came to near $40 in the end.",
        ] {
            assert_eq!(caller_answer("How can I help today?", said), said);
        }
        assert!(caller_answer("And the account number?", "Near, 44556677.").starts_with("Near, "));
    }

    #[test]
    fn a_word_for_a_digit_between_a_number_and_a_card_is_the_cards() {
        // Round 51, base at 16 kHz for "Sure. Five five five five. Four four four four. …"
        // after "Sorry, could you slow down a little?": "fine" was shown between the pieces.
        let out = conversation(&[
            (Speaker::Agent, "What's a long number on the card?"),
            (Speaker::Caller, "5555 4444 33"),
            (Speaker::Agent, "Sorry, could you slow down a little?"),
            (Speaker::Caller, "Sure! Seven fine five 5 444"),
        ]);
        assert_eq!(out[3], "Sure! [CREDIT_DEBIT_NUMBER]");
        // Control: a word that is no digit between a number and a card.
        let said = "It's 12 thanks, and the card is 4111 1111 1111 1111.";
        assert!(
            caller_answer("How many, and which card?", said).contains(" thanks, "),
            "{said}"
        );
    }

    #[test]
    fn a_security_answer_given_first_in_a_longer_answer_is_hidden() {
        // Round 45, tiny.en at 16 kHz and on 8 kHz µ-law for "To verify, what's your mother's
        // maiden name and your PIN?" - "Thompson, and the PIN is six zero six zero.": the
        // answer was more than a credential's eight words, and the name was shown.
        let question = "to verify what your mother's maiden name and your BIN.";
        assert_eq!(
            caller_answer(question, "Thompson and the pin is a 6-0 or 6-0."),
            "[PIN] and the pin is a [PIN] or [PIN]."
        );
        // Controls: the same answer to no such question, and a long first piece.
        let said = "Thompson and the team are handling it for me this week, I think.";
        assert_eq!(caller_answer("Who is handling the claim?", said), said);
        let said = "My mother never told me her maiden name, and I have no idea what it was now.";
        assert_eq!(caller_answer(question, said), said);
    }

    #[test]
    fn digits_read_out_with_double_between_them_are_a_value() {
        // Round 45 played live, tiny.en for "It's oh two oh, seven nine four six, double one two
        // two.", its request heard as "What are you calling from?": "7946" was shown.
        let question = "What are you calling from?";
        for (said, shown) in [
            (
                "It's so duo, 7946 double 1 to do.",
                "It's so duo, [NUMBER] do.",
            ),
            ("It's so duo, 7946 double 1 to 2.", "It's so duo, [NUMBER]."),
        ] {
            assert_eq!(caller_answer(question, said), shown);
        }
        // Controls: "double" beside a number that is no digit read out.
        for said in [
            "I was charged double, 40 pounds instead of 20.",
            "Can I book a double room for 2 nights?",
        ] {
            assert_eq!(caller_answer("How can I help?", said), said);
        }
    }
    #[test]
    fn a_value_read_back_one_digit_off_or_in_part_is_hidden() {
        // Round 64, tiny.en at 16 kHz and on 8 kHz µ-law for the agent's "One nine nine two,
        // thank you" after the caller's PIN "1, 9, 9, 2": "192." was shown; tiny.en and base
        // for a Medicare number read back with letters glued to its digits; base on µ-law for
        // a French mobile read back with its middle digits counted out.
        let cases = [
            (
                "Please say your telephone banking pin.",
                "Let me find it, ok 1, 9, 9, 2.",
                "192. Thank you, you're verified",
                "[PIN]. Thank you, you're verified",
            ),
            (
                "To check your cover I need your Medicare number.",
                "Sure, it's 1-eG4-T85-MK7-2.",
                "1 EG4 D5 MK7 2 Thank you.",
                "[NUMBER] [NUMBER] [NUMBER] [NUMBER] Thank you.",
            ),
            (
                "To check your cover I need your Medicare number",
                "Sure, it's 1ege4, te5, mk72.",
                "1-EG4-D5-MK7-2, thank you",
                "[NUMBER], thank you",
            ),
            (
                "What's the best number to reach you in",
                "plus 33612345678.",
                "France? So, F-plus, free, free, fix, 1, 2, 3, 4, 5, 6, M-8.",
                "France? So, F-plus, [PHONE].",
            ),
            // Base on µ-law: the rules kept "48572" of the caller's span; its written digits
            // are "148572".
            (
                "To check your cover I need your Medicare number.",
                "Sure, it's 1 EG4-T85 MK72.",
                "1-EG4-D5-MK7-2. Thank you.",
                "[NUMBER]. Thank you.",
            ),
        ];
        for (ask, give, back, expected) in cases {
            let out = conversation(&[
                (Speaker::Agent, ask),
                (Speaker::Caller, give),
                (Speaker::Agent, back),
            ]);
            assert_eq!(out[2], expected, "{back}");
        }
        // Controls: two digits off, an amount, a year after "since", a reference, five digits
        // in a row that are not the value's, and the same line with no value given before.
        let controls = [
            "1884. Thank you, you're verified",
            "That's 1993 dollars in total.",
            "You've been with us since 1993.",
            "Your ticket number is 1993.",
            "Our helpline is 45678 if you need anything else.",
        ];
        for back in controls {
            let out = conversation(&[
                (Speaker::Agent, "Please say your telephone banking pin."),
                (Speaker::Caller, "Let me find it, ok 1, 9, 9, 2."),
                (Speaker::Agent, back),
            ]);
            assert_eq!(out[2], back);
        }
        let out = conversation(&[
            (Speaker::Caller, "I'm calling about my order."),
            (Speaker::Agent, "192. Thank you, you're verified"),
        ]);
        assert_eq!(out[1], "192. Thank you, you're verified");
    }

    #[test]
    fn a_date_said_right_after_a_number_given_is_it_read_back() {
        // Round 64, tiny.en at 16 kHz and on a mono recording for "For security, your date of
        // birth in numbers?" - "Nine, three, eighty-four." - "Ninth of March, nineteen
        // eighty-four. Thank you.": the question came out as "your NATO mercy numbers", the
        // answer as "9-3-H-E-4" (redacted as a number) and the read-back "The eyes of March
        // 1984." was shown.
        for speakers in [
            [Speaker::Agent, Speaker::Caller, Speaker::Agent],
            [Speaker::Unknown; 3],
        ] {
            let out = conversation(&[
                (speakers[0], "For security, your NATO mercy numbers."),
                (speakers[1], "9-3-H-E-4."),
                (speakers[2], "The eyes of March 1984. Thank you."),
            ]);
            assert_eq!(out[2], "The eyes of [DATE_OF_BIRTH]. Thank you.");
        }
        // Controls: a date of no one's birth said after a number, a date after a line that gave
        // no number, and a date the agent says two lines later.
        let said = "Thanks, your next statement is due on the 3rd of March 2027.";
        let out = conversation(&[
            (Speaker::Agent, "Can I have the account number?"),
            (Speaker::Caller, "It's 44176298."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
        let said = "Your account was opened in March 1984.";
        let out = conversation(&[
            (Speaker::Caller, "How long have I been with you?"),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[1], said);
        let out = conversation(&[
            (Speaker::Agent, "For security, your NATO mercy numbers."),
            (Speaker::Caller, "9-3-H-E-4."),
            (Speaker::Agent, "Thank you. How can I help?"),
            (Speaker::Caller, "When did I open my account?"),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[4], said);
    }
    #[test]
    fn an_answer_to_a_garbled_security_question_is_hidden_with_the_letters_between() {
        // Round 64 live, tiny.en for "For security, your date of birth in numbers?" - "Nine,
        // three, eighty-four.": "for security, your native person numbers." - "9.3, H.E. 4."
        // was shown whole; the request says "for security" and names "numbers", and the
        // letters between two pieces of the answer are its.
        for ask in [
            "for security, your native person numbers.",
            "For security, your NATO mercy numbers.",
        ] {
            assert_eq!(caller_answer(ask, "9.3, H.E. 4."), "[NUMBER].");
        }
        // Controls: "security" alone asks nothing, and a number is no answer to a line that
        // asks for none.
        let said = "It was 9.3 at the time.";
        assert_eq!(caller_answer("The security team reviewed it.", said), said);
        assert_eq!(caller_answer("Thanks for calling.", said), said);
    }

    #[test]
    fn a_read_back_opening_with_im_for_a_half_heard_five_is_hidden() {
        // Round 64, tiny.en on 8 kHz µ-law and live for the agent's "Five three one, thank you,
        // that went through." after a card's security code: "I'm free one, thank you, I went
        // through." showed two of its three digits.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Last step, the free digits I-musignature strip, please.",
            ),
            (
                Speaker::Caller,
                "Hang on, it's Warren. I think it's 5-8. No 5-3-1.",
            ),
            (Speaker::Agent, "I'm free one, thank you, I went through."),
        ]);
        assert_eq!(out[2], "I'm [NUMBER], thank you, I went through.");
        // Controls: "I'm" before other words, and the same line with no value given before.
        let said = "I'm free on Monday, thank you.";
        let out = conversation(&[
            (Speaker::Agent, "What's the security code?"),
            (Speaker::Caller, "It's 531."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
        let said = "I'm free one, thank you, I went through.";
        let out = conversation(&[(Speaker::Caller, "Are you there?"), (Speaker::Agent, said)]);
        assert_eq!(out[1], said);
    }
    #[test]
    fn a_number_written_right_after_a_value_is_more_of_it() {
        // Round 65, tiny.en at 16 kHz, on 8 kHz µ-law and on mono, and base on µ-law, for "my
        // member ID is W two seven four, nine nine one, zero eight": the ID's first group was
        // hidden as a code and "999108" shown.
        for said in [
            "Bye, my member it is w274 999108 and I need a new card.",
            "Hi, my member. It is W274 99108 and I need a new card.",
        ] {
            let out = conversation(&[(Speaker::Caller, said)]);
            assert!(
                out[0].contains("is [NUMBER] and I need"),
                "{said}: {}",
                out[0]
            );
            assert!(!out[0].chars().any(|c| c.is_ascii_digit()), "{}", out[0]);
        }
        // Controls: a year and a time a word after a value.
        for (said, kept) in [
            ("It's 44176298 since 2019.", "since 2019"),
            ("It's 44176298 at 3 pm.", "at 3 pm"),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Can I have your account number?"),
                (Speaker::Caller, said),
            ]);
            assert!(out[1].contains(kept), "{said}: {}", out[1]);
            assert!(!out[1].contains("44176298"), "{}", out[1]);
        }
    }

    #[test]
    fn a_zero_half_heard_and_glued_to_the_next_digit_after_a_value_is_its() {
        // Round 65, base on 8 kHz µ-law for "Account number six one four four, nine two zero
        // seven.": "Account number [BANK_ACCOUNT_NUMBER] to NeroFemmren" showed its garbled
        // last digits.
        let out = conversation(&[
            (Speaker::Agent, "What account should we debit?"),
            (Speaker::Caller, "Account number 61449 to NeroFemmren"),
        ]);
        assert!(
            !out[1].contains("Nero") && !out[1].contains(" to "),
            "{}",
            out[1]
        );
        // Controls: a name that opens with "Nero" after a value and a comma, and "to" before a
        // town.
        let said = "My account is [BANK_ACCOUNT_NUMBER], Nerone is my dog.";
        let out = conversation(&[(Speaker::Caller, "My account is 61449207, Nerone is my dog.")]);
        assert_eq!(out[0], said);
        let out = conversation(&[(Speaker::Caller, "Account number 61449207 to Newcastle.")]);
        assert!(out[0].contains(" to Newcastle"), "{}", out[0]);
    }
    #[test]
    fn a_digits_homophone_ending_a_clause_after_a_value_is_its() {
        // Round 65 live, tiny.en for "Sure. From the third group. One two eight three, then
        // zero three six six.": "[CREDIT_DEBIT_NUMBER] free, then [CREDIT_DEBIT_NUMBER]" showed
        // the group's last digit.
        let out = conversation(&[
            (Speaker::Agent, "Go ahead with the card number."),
            (Speaker::Caller, "4532 0151 12"),
            (Speaker::Agent, "Sorry, could you slow down a little?"),
            (
                Speaker::Caller,
                "Sure, from the third group, 1, 2, 8 free, then 0366.",
            ),
        ]);
        assert!(!out[3].contains("free"), "{}", out[3]);
        // Control: "free" going on into its clause.
        let out = conversation(&[(Speaker::Caller, "My account is 44176298 free and clear.")]);
        assert_eq!(
            out[0],
            "My account is [BANK_ACCOUNT_NUMBER] free and clear."
        );
    }

    #[test]
    fn a_partial_ending_in_double_hides_it() {
        // Round 65 live, tiny.en for "my member ID is W two seven four, …" as the caller began
        // it: the partial "Bye. My member it is double." showed the count of a digit to come.
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "Health plan, how can I help?");
        for partial in ["Bye. My member it is double.", "It's oh seven triple"] {
            let p = r.preview(Speaker::Caller, partial);
            assert!(
                !p.text.contains("double") && !p.text.contains("triple"),
                "{partial} -> {}",
                p.text
            );
        }
        // Controls: "double" before more words in a partial, and the final line.
        let p = r.preview(Speaker::Caller, "A double room please");
        assert_eq!(p.text, "A double room please");
        let out = conversation(&[(Speaker::Caller, "I'd like a double.")]);
        assert_eq!(out[0], "I'd like a double.");
    }
    #[test]
    fn an_address_read_back_with_its_first_digit_as_a_word_and_its_flat_alone() {
        // Round 66, base at 16 kHz for "Four twenty Elm Street, three C, Springfield. Got it."
        // after "420 Helm's Treat, Apartment 3C, Pringfield, Illinois, 62704": "For [ADDRESS],
        // 3C Springfield got it." showed the house number's first digit, the flat and the town.
        let out = conversation(&[
            (Speaker::Agent, "What's a shipping address?"),
            (
                Speaker::Caller,
                "420 Helm's Treat, Apartment 3C, Pringfield, Illinois, 62704",
            ),
            (Speaker::Agent, "For 20 Elm Street, 3C Springfield got it."),
        ]);
        assert_eq!(out[2], "[ADDRESS], [ADDRESS] got it.");
        // Controls: a homophone before a number the address did not have, a flat's code not in
        // it, and both with no address given.
        for said in ["Thanks, for 30 days it's free.", "Your seat is 4D. Thanks."] {
            let out = conversation(&[
                (Speaker::Agent, "What's a shipping address?"),
                (
                    Speaker::Caller,
                    "420 Helm's Treat, Apartment 3C, Pringfield, Illinois, 62704",
                ),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
        let said = "For 20 Elm Street, 3C Springfield got it.";
        let out = conversation(&[(Speaker::Caller, "Hi."), (Speaker::Agent, said)]);
        assert!(
            out[1].contains("For ") && out[1].contains("3C Springfield"),
            "{}",
            out[1]
        );
    }

    #[test]
    fn a_phones_last_digits_read_back_alone_are_it() {
        // Round 66, tiny.en on 8 kHz µ-law for "Oh seven seven oh oh, nine double oh, one two
        // three." said back: "So, send them to Nolo. I'm Nolo. 1, 2, 3. Thanks."
        let out = conversation(&[
            (Speaker::Agent, "Can I take a contact number?"),
            (Speaker::Caller, "07709.0123."),
            (
                Speaker::Agent,
                "So, send them to Nolo. I'm Nolo. 1, 2, 3. Thanks.",
            ),
        ]);
        assert!(!out[2].contains("1, 2, 3"), "{}", out[2]);
        // Control: three digits the number does not end in.
        let said = "So, send them to Nolo. I'm Nolo. 4, 5, 6. Thanks.";
        let out = conversation(&[
            (Speaker::Agent, "Can I take a contact number?"),
            (Speaker::Caller, "07709.0123."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
    }
    #[test]
    fn a_homophone_after_three_digits_of_a_last_four_is_the_fourth() {
        // Round 66, tiny.en on 8 kHz µ-law and live for "The one ending in seven seven one
        // two.": "The one ending in [NUMBER] to pair the charge …" showed the last digit.
        let out = conversation(&[
            (Speaker::Agent, "Which card is this about?"),
            (
                Speaker::Caller,
                "The one ending in 771 to pair the charge of 4250, I don't know.",
            ),
        ]);
        assert!(
            out[1]
                .starts_with("The one ending in [CREDIT_DEBIT_NUMBER] [CREDIT_DEBIT_NUMBER] pair"),
            "{}",
            out[1]
        );
        // Controls: four digits given, and three with no "ending in".
        let out = conversation(&[
            (Speaker::Agent, "Which card is this about?"),
            (Speaker::Caller, "The one ending in 7712 to pay the charge."),
        ]);
        assert!(out[1].contains("] to pay"), "{}", out[1]);
        let out = conversation(&[(Speaker::Caller, "Room 771 to pay the charge.")]);
        assert!(out[0].contains(" to pay"), "{}", out[0]);
    }
    #[test]
    fn a_value_only_the_answers_rules_found_is_remembered_for_its_read_back() {
        // Round 67, base at 16 kHz and on 8 kHz µ-law for "Can you tell me your PIN?" heard as
        // "… your pen?" - "It's seven and four, then two and nine." - "Seven four two nine,
        // thank you.": the answer was hidden, its read-back "7429, thank you." shown.
        let out = conversation(&[
            (Speaker::Agent, "Can you tell me your pen?"),
            (Speaker::Caller, "It's 7 and 4, then 2 and 9."),
            (Speaker::Agent, "7429, thank you."),
        ]);
        assert_eq!(out[1], "It's [NUMBER].");
        assert_eq!(out[2], "[NUMBER], thank you.");
        // Control: the same read-back after a line that gave nothing.
        let out = conversation(&[
            (Speaker::Agent, "Can you tell me your pen?"),
            (Speaker::Caller, "I don't have one."),
            (Speaker::Agent, "7429, thank you."),
        ]);
        assert_eq!(out[2], "7429, thank you.");
    }
    #[test]
    fn a_date_of_birth_read_from_the_file_for_confirmation_is_hidden() {
        // Round 67, base at 16 kHz and tiny.en on mono for the agent's "I have you born on
        // March the third, nineteen ninety. Is that right?": "born" heard as "worn" and
        // "warned", the date shown with its year hidden as a number.
        for (speakers, said, hidden) in [
            (
                [Speaker::Agent, Speaker::Caller],
                "I have you worn on March 3rd, 1990, is that right?",
                "I have you worn on [DATE_OF_BIRTH], is that right?",
            ),
            (
                [Speaker::Unknown; 2],
                "I have you warned on March 3rd, 1990. Is that right?",
                "I have you warned on [DATE_OF_BIRTH]. Is that right?",
            ),
        ] {
            let out = conversation(&[
                (speakers[1], "Hi, I'm calling about my account."),
                (speakers[0], said),
            ]);
            assert_eq!(out[1], hidden);
        }
        // Control: a date with a year no one calling was born in.
        let said = "Your next payment is due on March 3rd, 2027, is that right?";
        let out = conversation(&[
            (Speaker::Caller, "Hi, I'm calling about my account."),
            (Speaker::Agent, said),
        ]);
        assert!(out[1].contains("on March 3rd, "), "{}", out[1]);
    }

    #[test]
    fn a_fee_written_right_after_a_value_is_no_part_of_it() {
        // Found while writing a control in the last session: the account and the fee after it
        // were read as one amount ("4417629840 dollars") and shown whole.
        for (said, hidden) in [
            (
                "It's 44176298 40 dollars a month.",
                "It's [BANK_ACCOUNT_NUMBER] 40 dollars a month.",
            ),
            ("44176298 40 pounds.", "[BANK_ACCOUNT_NUMBER] 40 pounds."),
            (
                "It's 44176298 4 dollars a month.",
                "It's [BANK_ACCOUNT_NUMBER] 4 dollars a month.",
            ),
        ] {
            assert_eq!(caller_answer("What is your account number?", said), hidden);
        }
        // The fee itself stays shown (above); so does a fee after a short number, which was
        // never a value ("Room 12 40 dollars a night" is no account).
        let said = "It's 12 40 dollars a night.";
        assert_eq!(caller_answer("What do you pay?", said), said);
    }

    #[test]
    fn no_time_of_day_has_five_digits() {
        // A code said digit by digit with "am" or "pm" after it was read as a time and shown.
        for said in [
            "Yes it's 8 4 7 2 9 1 am.",
            "It's 8 4 7 2 9 1 pm.",
            "It's 847 291 am.",
        ] {
            let out = caller_answer("What is your PIN?", said);
            assert!(!out.contains("8 4 7") && !out.contains("291"), "{out}");
        }
        // Controls: times are kept, a code before one is hidden.
        for said in ["At 1030 am or 12 30 pm.", "Around 10 15 am."] {
            assert_eq!(caller_answer("When can we call you back?", said), said);
        }
        assert_eq!(
            caller_answer("What is your PIN?", "It's 8472 at 1 pm."),
            "It's [PIN] at 1 pm."
        );
    }

    #[test]
    fn digits_keyed_with_the_hash_key_are_a_pin() {
        // Round 68, base on mono for "Please key in your PIN followed by the hash key." -
        // "Okay. Six, one, one, eight, hash.": the request's "pinfollowed" named nothing and
        // the PIN was shown.
        let out = conversation(&[
            (
                Speaker::Unknown,
                "Please key in your pinfollowed by the hash key.",
            ),
            (Speaker::Unknown, "Okay, 6118 hash."),
            (Speaker::Unknown, "That's accepted. Thank you."),
        ]);
        assert_eq!(out[1], "Okay, [PIN] hash.");
        for (said, hidden) in [
            ("It's 4 4 1 2 pound key.", "It's [PIN] pound key."),
            ("Then 90210 #.", "Then [PIN] #."),
            (
                "I typed 5521 star key twice.",
                "I typed [PIN] star key twice.",
            ),
        ] {
            assert_eq!(redact_line(said).text, hidden);
        }
        // Controls: money in pounds, one key pressed, a pound with no key.
        for said in [
            "I paid a 1000 pound deposit.",
            "Press 1 then hash.",
            "It was 250 pounds.",
        ] {
            assert_eq!(redact_line(said).text, said);
        }
    }

    #[test]
    fn a_number_in_hyphenated_groups_before_a_unit_is_no_amount() {
        // Round 68, tiny.en and base for an account read back with its fee after it ("Four four
        // one seven six two nine eight, forty dollars monthly."): whisper wrote the digits in
        // hyphenated groups and the fee's "dollars" made the whole an amount.
        for said in [
            "447-629-840 dollars monthly done.",
            "4-417-629-40 dollars monthly done.",
        ] {
            let out = conversation(&[
                (
                    Speaker::Agent,
                    "Which account would you like the payment taken from?",
                ),
                (Speaker::Caller, "Account 44176-98. $40 a month, please."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], "[BANK_ACCOUNT_NUMBER] dollars monthly done.");
        }
        // Controls: a run that went on past a line's end is no chain (round 69, tiny.en on
        // mono: "6-6-1-2." then "250 pounds" was read as one number and the amount hidden).
        let out = conversation(&[
            (Speaker::Unknown, "How much would you like to pay today?"),
            (
                Speaker::Unknown,
                "250 pounds from the account ending 6-6-1-2.",
            ),
            (
                Speaker::Unknown,
                "250 pounds from the account ending 6-6-1-2 confirmed.",
            ),
        ]);
        assert!(out[2].starts_with("250 pounds from"), "{}", out[2]);
        // A range has one hyphen, an amount on a line that gives a value too.
        let said = "It's 44176298, and it costs 100-150 dollars a month.";
        assert_eq!(
            caller_answer("What is your account number?", said),
            "It's [BANK_ACCOUNT_NUMBER], and it costs 100-150 dollars a month."
        );
    }

    #[test]
    fn a_card_asked_for_as_the_car_number() {
        // Round 68, base on 8 kHz µ-law for "Go ahead with the card number." - "Four nine one
        // seven, three three, sorry, let me start again.": the first group, its "seven" glued
        // as a word, was shown.
        let out = caller_answer(
            "Go ahead with the car number.",
            "4-9-1-Pamem, 3-3-3-4, let me talk again.",
        );
        assert!(!out.contains("4-9-1"), "{out}");
        // Control: a car's registration asked in other words.
        let said = "It is 491, the blue one.";
        assert_eq!(
            caller_answer("What is the registration of the car?", said),
            said
        );
    }

    #[test]
    fn an_account_ending_heard_as_and_in() {
        // Round 69, base on 8 kHz µ-law for "Two hundred and fifty pounds, from the account
        // ending six six one two.": the last four were shown.
        let q = "How much would you like to pay today?";
        assert_eq!(
            caller_answer(q, "250 pounds from the account and in 6 612"),
            "250 pounds from the account and in [NUMBER]"
        );
        // Controls: no value named before "and in"; a count after it.
        for said in [
            "250 pounds from the savings and in 6 612",
            "250 pounds, the account and in 3 days it is due.",
        ] {
            assert_eq!(caller_answer(q, said), said);
        }
    }

    #[test]
    fn a_date_of_birth_read_back_as_bare_digits() {
        // Round 69, tiny.en and base on 8 kHz µ-law for "Twelfth of the third, eighty eight." -
        // "Twelve, three, eighty eight. Thank you.": no date to recognise in the read-back.
        for (given, read_back) in [
            ("Well, on the third, 88.", "12th, 3, 8, 8. Thank you."),
            ("12 on the third, ATA.", "12-3-8-8. Thank you."),
            ("Twelfth of the third, 88.", "twelfth, 3, 8, 8. Thank you."),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Your date of birth, please."),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert_eq!(out[2], "[DATE_OF_BIRTH]. Thank you.", "{read_back}");
        }
        // Controls: a count, a reference and a year after "in" right after it.
        for said in [
            "That is 120 days from now.",
            "Your case number is 48213.",
            "My account was opened in 1993.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Your date of birth, please."),
                (Speaker::Caller, "Twelfth of the third, 88."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
    }

    #[test]
    fn a_number_opening_the_agents_line_while_a_value_is_given_reads_it_back() {
        // Round 69, tiny.en for the last four "nine nine, oh one" heard as "I'm 01" and read
        // back as "991, great.".
        for (asked, given, read_back, hidden) in [
            (
                "To verify, what are the last four digits of the card?",
                "I'm 01",
                "991, great.",
                "[CREDIT_DEBIT_NUMBER], great.",
            ),
            (
                "What is your PIN?",
                "It is 7 4",
                "748, okay.",
                "[PIN], okay.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, asked),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert_eq!(out[2], hidden);
        }
        // Controls: counts, times, amounts and codes glued to letters open the agent's line
        // too.
        for said in [
            "Gate B552, thank you.",
            "3 more digits please.",
            "So 48 hours for the refund, and 250 pounds.",
            "Okay, 250 pounds then.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "What are the last four digits of the card?"),
                (Speaker::Caller, "I'm 01"),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
    }

    #[test]
    fn a_zip_code_garbled_after_its_states_name() {
        // Round 70, tiny.en on 8 kHz µ-law for "Unit five, two twenty Baker Street,
        // Springfield, Illinois, six two seven oh four." with its question garbled: the ZIP
        // came out as "6 to 10 and 0 for" and was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "Well, I'm ready to count, right, yes, turn 2.",
            ),
            (
                Speaker::Caller,
                "Unit 5 to 20 make a street, Springfield, Illinois, 6 to 10 and 0 for.",
            ),
        ]);
        assert!(
            !out[1].contains("0 for") && !out[1].contains("6 to"),
            "{}",
            out[1]
        );
        assert_eq!(
            redact_line("Austin, Texas, seven eight seven one one.").text,
            "Austin, Texas, [ADDRESS]."
        );
        // Controls: counts after a state's name.
        for said in [
            "We lived in Texas 2 years.",
            "It was Texas, 1 and 2 and 3 of them.",
            "It's in Maine, 3 to 4 hours from here.",
        ] {
            assert_eq!(redact_line(said).text, said);
        }
    }

    #[test]
    fn password_characters_asked_for_with_password_heard_as_past_word() {
        // Round 80, base at 16 kHz, on µ-law and mono for "And the second and fourth
        // characters of your password?" - "U and I.": the question came out with "past word",
        // and the answer "You and I." was shown.
        for asked in [
            "And the second and fourth characters of your past word?",
            "And the second and fourth characters of your password?",
        ] {
            let out = conversation(&[
                (Speaker::Agent, asked),
                (Speaker::Caller, "You and I."),
                (Speaker::Agent, "Thank you, that's all correct."),
            ]);
            assert_eq!(out[1], "[PIN].", "{asked}");
        }
        // Controls: the same answer to a question about no credential, and "past" and "word"
        // apart.
        for asked in [
            "And who is coming to the meeting?",
            "Can you say what happened in the past, word for word?",
        ] {
            let out = conversation(&[(Speaker::Agent, asked), (Speaker::Caller, "You and I.")]);
            assert_eq!(out[1], "You and I.", "{asked}");
        }
    }

    #[test]
    fn an_email_read_back_with_underscore_and_at_but_its_domain_lost() {
        // Round 80, tiny.en at 16 kHz, on µ-law and mono, for "pretty underscore shah at gmail
        // dot com" read back: "Pretty underscore shot at mail, lovely." was shown.
        for (given, read_back, hidden) in [
            (
                "It's pretty underscore shah at gmail dot com.",
                "Pretty underscore shot at mail, lovely.",
                "[EMAIL], lovely.",
            ),
            (
                "It's pre-80_shyatmail.com.",
                "Pretty underscore shot at mail, lovely.",
                "[EMAIL], lovely.",
            ),
            (
                "Pretty underscore shah at gmail dot com.",
                "So pretty underscore shah at g mail dot com. Lovely.",
                "So [EMAIL]. Lovely.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "What's your email address?"),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert_eq!(out[2], hidden);
        }
        // Controls: "underscore" and "at" apart, after an e-mail given.
        for said in [
            "Click the underscore at the top of the page.",
            "Put an underscore between the words, at the start.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "What's your email address?"),
                (
                    Speaker::Caller,
                    "It's pretty underscore shah at gmail dot com.",
                ),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
    }

    #[test]
    fn a_credential_given_in_words_and_read_back_is_redacted() {
        // Found by reading round 81's scripts as text: the agent's read-back of a security
        // answer was shown whole, however the answer itself was hidden.
        for (asked, given, read_back, hidden) in [
            (
                "And what was the name of your first pet?",
                "Biscuit. He was a spaniel.",
                "Biscuit, lovely, that matches.",
                "[PIN], lovely, that matches.",
            ),
            (
                "What is your mother's maiden name?",
                "Fitzgerald.",
                "Fitzgerald, thank you.",
                "[PIN], thank you.",
            ),
            (
                "What is your memorable word?",
                "It's sunflower.",
                "So sunflower, great.",
                "So [PIN], great.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, asked),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert_eq!(out[1].matches("[PIN]").count(), 1, "{}", out[1]);
            assert_eq!(out[2], hidden);
            // While it is being said back too.
            let mut r = Redactor::new();
            r.push(Speaker::Agent, asked);
            r.push(Speaker::Caller, given);
            let partial = read_back.split(',').next().unwrap_or_default();
            assert!(
                r.preview(Speaker::Agent, partial).text.contains("[PIN]"),
                "{partial}"
            );
        }
        // Controls: a caller who gives none ("I don't remember"), and the same words with no
        // credential given.
        let said = "Do you remember your memorable word?";
        let out = conversation(&[
            (Speaker::Agent, "What is your mother's maiden name?"),
            (Speaker::Caller, "I don't remember, sorry."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
        let said = "Biscuit, lovely, that matches.";
        let out = conversation(&[
            (Speaker::Agent, "What did you have with your tea?"),
            (Speaker::Caller, "Biscuit. A chocolate one."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
    }

    #[test]
    fn a_sum_said_before_what_it_buys_is_no_card() {
        // "I'll add a ten pound credit." was "I'll add a [CREDIT_DEBIT_NUMBER] pound credit."
        // ("credit" cued a card), found writing round 81's scripts.
        for said in [
            "I'll add a ten pound credit.",
            "I'll add a 10 pound credit to the account.",
            "We'll give you a twenty dollar credit.",
            "There is a five euro fee.",
        ] {
            assert_eq!(redact_line(said).text, said);
        }
        // Controls: the keypad's pound key after a PIN, and a card's digits before "credit".
        let out = conversation(&[
            (
                Speaker::Agent,
                "Please say your PIN followed by the pound key.",
            ),
            (Speaker::Caller, "1234 pound."),
        ]);
        assert!(!out[1].contains("1234"), "{}", out[1]);
        assert!(!redact_line("My card is 4111 1111 1111 1111 credit.")
            .text
            .contains("1111"));
    }

    #[test]
    fn an_iban_with_its_country_apart_from_its_check_digits() {
        // "GB 29 NWBK 6016 1331 9268 19." was "GB [CREDIT_DEBIT_NUMBER].": the country's
        // letters shown and the rest taken for a card.
        let r = redact_line("GB 29 NWBK 6016 1331 9268 19.");
        assert_eq!(r.text, "[IBAN].");
        assert_eq!(
            redact_line("It's DE 89 3704 0044 0532 0130 00.").text,
            "It's [IBAN]."
        );
        // Control: the same shape failing the IBAN's check is no IBAN (its digits are still
        // hidden as a number).
        let r = redact_line("GB 28 NWBK 6016 1331 9268 19.");
        assert!(r.findings.iter().all(|f| f.kind != FindingKind::Iban));
        assert!(!r.text.contains("6016"), "{}", r.text);
    }

    #[test]
    fn an_email_read_back_as_a_name_at_a_mail_service() {
        // "Tom Smith at yahoo, great." after the address was spelled: "[NAME] at yahoo, great."
        // showed its mail service (found writing round 81's scripts).
        for (given, read_back, hidden) in [
            (
                "Sure. Tom, T O M, then smith, at yahoo dot co dot uk.",
                "Tom Smith at yahoo, great.",
                "[EMAIL], great.",
            ),
            (
                "It's tom smith at gmail dot com.",
                "So that's tom smith at gmail dot com?",
                "So that's [EMAIL]?",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "Can I take the email address?"),
                (Speaker::Caller, given),
                (Speaker::Agent, read_back),
            ]);
            assert_eq!(out[2], hidden);
        }
        // Controls: no e-mail given or asked for in the lines before, and "at" before no mail
        // service.
        let said = "Tom Smith at yahoo is our contact.";
        let out = conversation(&[
            (Speaker::Agent, "Who did you speak to?"),
            (Speaker::Caller, "Someone from the supplier."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
        let out = conversation(&[
            (Speaker::Agent, "Can I take the email address?"),
            (Speaker::Caller, "It's tom smith at gmail dot com."),
            (Speaker::Agent, "Great, and are you at home now?"),
        ]);
        assert_eq!(out[2], "Great, and are you at home now?");
    }

    #[test]
    fn a_spoken_email_with_a_sentence_after_it_on_its_line() {
        // Found reading round 81's scripts as mono lines: a spoken address followed by another
        // sentence was shown whole, the full stop taken for a dot of its domain and the next
        // word for the domain's last label.
        for (said, hidden) in [
            (
                "It's john dot smith at gmail dot com. Lovely.",
                "It's [EMAIL]. Lovely.",
            ),
            // Its read-back on the same line (one mono line), and one with "underscore" and its
            // domain lost.
            (
                "It's john dot smith at gmail dot com. John dot smith, lovely.",
                "It's [EMAIL]. [EMAIL], lovely.",
            ),
            (
                "It's pretty underscore shah at gmail dot com. Pretty underscore shot at mail, lovely.",
                "It's [EMAIL]. [EMAIL], lovely.",
            ),
            // A whole domain after a comma.
            (
                "Sure. Tom, T O M, then smith, at yahoo dot co dot uk.",
                "Sure. [NAME], [NAME], then [EMAIL].",
            ),
            // A local part of two words after "it's", and an initial with a stop and a space.
            (
                "It's jane doe at gmail dot com, thanks.",
                "It's [EMAIL], thanks.",
            ),
            (
                "It's j. smith at gmail dot com. Thanks.",
                "It's [EMAIL]. Thanks.",
            ),
        ] {
            assert_eq!(conversation(&[(Speaker::Unknown, said)])[0], hidden);
        }
        assert_eq!(
            redact_line("Pretty underscore shot at mail, lovely.").text,
            "[EMAIL], lovely."
        );
        // Controls: "at" and a full stop with no address, "underscore" before "at" with no word
        // before it, and a place after a comma.
        for said in [
            "We met at home. Lovely day.",
            "I'm at the office. Gmail is down.",
            "Click the underscore at the top of the page.",
            "Send it to me, at the office, dot com or not.",
        ] {
            assert_eq!(conversation(&[(Speaker::Unknown, said)])[0], said);
        }
    }

    #[test]
    fn a_credential_read_from_the_record_after_as() {
        // The agent reading a credential from the record ("… as Fitzgerald") was shown: found
        // writing round 81's scripts.
        for (said, hidden) in [
            (
                "I have your mother's maiden name as Fitzgerald.",
                "I have your mother's maiden name as [PIN].",
            ),
            (
                "We have your memorable word as sunflower.",
                "We have your memorable word as [PIN].",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Caller, "Hi, I need help with my account."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[1], hidden);
        }
        // Controls: "as" saying how, not what.
        for said in [
            "I changed my password as well.",
            "I reset the password as you asked.",
            "Your password as it stands is fine.",
        ] {
            let out = conversation(&[
                (Speaker::Caller, "Hi, I need help with my account."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[1], said);
        }
    }

    #[test]
    fn three_digits_of_a_card_asked_back_from_its_middle() {
        // Round 81, tiny.en on 8 kHz µ-law for "Sorry, was the third group eight eight one
        // four?": "Sorry, well the third brew page, 814." was shown.
        let card = (
            Speaker::Caller,
            "Yes, it's 4 9 1 7 3 3 0 2 and then 8 8 1 4 6 0 5 9.",
        );
        let asked = (
            Speaker::Agent,
            "Could you give me the long number on the front of the card?",
        );
        let out = conversation(&[
            asked,
            card,
            (Speaker::Agent, "Sorry, well the third brew page, 814."),
        ]);
        assert_eq!(
            out[2],
            "Sorry, well the third brew page, [CREDIT_DEBIT_NUMBER]."
        );
        let out = conversation(&[asked, card, (Speaker::Agent, "Was it 733 in the middle?")]);
        assert_eq!(out[2], "Was it [CREDIT_DEBIT_NUMBER] in the middle?");
        // Controls: digits of the card said, not asked back; digits that are not the card's;
        // and the same asked back long after the card.
        for said in [
            "I can see a payment of 814 on the fourth.",
            "Sorry, was that page 815?",
        ] {
            assert_eq!(
                conversation(&[asked, card, (Speaker::Agent, said)])[2],
                said
            );
        }
        let said = "Sorry, was that page 814?";
        let out = conversation(&[
            asked,
            card,
            (Speaker::Agent, "Thank you."),
            (Speaker::Caller, "No problem."),
            (Speaker::Agent, "Let me look at the statement."),
            (Speaker::Caller, "Okay."),
            (Speaker::Agent, "Right."),
            (Speaker::Caller, "Yes."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[8], said);
    }

    #[test]
    fn a_postcodes_letters_apart_and_an_email_glued_into_its_domain_read_back() {
        // Round 81: the agent's "That's L S six four J T." came out "That cell s64 JT perfect"
        // (tiny.en at 16 kHz and on µ-law) and "JT" was shown; the read-back of "j dot ramirez
        // eight one at outlook dot com" came out one word (base) and was shown whole.
        let out = conversation(&[
            (Speaker::Agent, "And the postcode there?"),
            (Speaker::Caller, "LS6 4JT."),
            (Speaker::Agent, "That cell s64 JT perfect your verified."),
        ]);
        assert!(!out[2].contains("JT"), "{}", out[2]);
        let out = conversation(&[
            (Speaker::Agent, "What email address should I use?"),
            (
                Speaker::Caller,
                "It's j dot ramirez eighty one at outlook dot com.",
            ),
            (Speaker::Agent, "So that's jdawramirazatebonnetoutlook.com."),
        ]);
        assert_eq!(out[2], "So that's [EMAIL].");
        // Controls: two capitals after a number that is no address's, and a mail service's own
        // site named after an e-mail was given.
        assert_eq!(
            redact_line("Gate 12 AB boards at six.").text,
            "Gate 12 AB boards at six."
        );
        let said = "Great, outlook.com works with us.";
        let out = conversation(&[
            (Speaker::Agent, "What email address should I use?"),
            (
                Speaker::Caller,
                "It's j dot ramirez eighty one at outlook dot com.",
            ),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
    }

    #[test]
    fn the_caller_thanked_by_a_name_heard_otherwise() {
        // Round 81: "Eleanor Margaret Whitfield" heard as "Illina …", "Elina …", "Ilyma-…"; the
        // agent's "Thank you Eleanor, you're all booked" was shown on three decodes of six.
        for (said, hidden) in [
            (
                "thank you Eleanor, you're all booked for the 14th",
                "thank you [NAME], you're all booked for the 14th",
            ),
            (
                "Thank you, Eleanor. You're all booked for the 14th.",
                "Thank you, [NAME]. You're all booked for the 14th.",
            ),
            ("Thanks Eleanor.", "Thanks [NAME]."),
        ] {
            // The call as tiny.en heard it.
            let out = conversation(&[
                (
                    Speaker::Agent,
                    "for the booking I need the passport number of the lead traveler",
                ),
                (Speaker::Caller, "Just a second, it's 5-3-8-1-2-9-4-7."),
                (Speaker::Agent, "and the expiry date on the passport"),
                (Speaker::Caller, "The 10th of October, 2021."),
                (Speaker::Agent, "and the name exactly as it appears"),
                (Speaker::Caller, "Illyna Margaret Whitfield."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[5], "[NAME].");
            assert_eq!(out[6], hidden);
        }
        // Controls: thanks with no name after it, and no name heard in the call yet.
        for said in [
            "Thank you so much, you're booked.",
            "Thank you for calling Northwind.",
            "Thank you. Booked.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "And the name exactly as it appears?"),
                (Speaker::Caller, "Illina Margaret Whitfield."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
        // No name heard, but one asked for in the lines before.
        let out = conversation(&[
            (Speaker::Unknown, "Can I take your fill name, please?"),
            (
                Speaker::Unknown,
                "Yes, it's even I'm relying. So I'm happy.",
            ),
            (
                Speaker::Unknown,
                "Thank you, Oife, and could you spell the surname?",
            ),
        ]);
        assert_eq!(
            out[2],
            "Thank you, [NAME], and could you spell the surname?"
        );
        let said = "Thanks Eleanor, how can I help?";
        let out = conversation(&[
            (Speaker::Caller, "Hi, it's about my booking."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[1], said);
    }

    #[test]
    fn a_credential_said_back_before_thanks_however_it_was_heard() {
        // Round 82, base at 16 kHz: the first school "Saint Bartholomew's primary." said back
        // as "St. Arthur Mewz, thank you, …" and the memorable place heard as "would be." but
        // said back as "Whitby, lovely, …", both shown; and, on mono, "Saint Bartholomew's
        // thank you …" showed "Bartholomew's" (its "'s" kept it from the words heard). On µ-law
        // the question came out "for security was the name of your first school," and the
        // answer "saying to Bartholomew's primary," was shown.
        let out = conversation(&[
            (
                Speaker::Agent,
                "for security, what's the name of your first school?",
            ),
            (Speaker::Caller, "Saint Bartholomew's primary."),
            (
                Speaker::Agent,
                "St. Arthur Mewz, thank you, and your memorable place.",
            ),
            (Speaker::Caller, "would be."),
            (Speaker::Agent, "Whitby, lovely, you're through security."),
        ]);
        assert_eq!(out[2], "[PIN], thank you, and your memorable place.");
        assert_eq!(out[4], "[PIN], lovely, you're through security.");
        let out = conversation(&[
            (
                Speaker::Unknown,
                "for security, what's the name of your first school?",
            ),
            (Speaker::Unknown, "Saint Bartholomew's primary"),
            (
                Speaker::Unknown,
                "Saint Bartholomew's thank you and your memorable place",
            ),
        ]);
        assert!(!out[2].contains("Bartholomew"), "{}", out[2]);
        let out = conversation(&[
            (
                Speaker::Agent,
                "for security was the name of your first school,",
            ),
            (Speaker::Caller, "saying to Bartholomew's primary,"),
        ]);
        assert_eq!(out[1], "[PIN],");
        // Controls: thanks with openers or praise only before it, a longer line, and words
        // before thanks with no credential just given.
        for said in [
            "Okay, thank you. And your date of birth?",
            "Right, lovely, that matches.",
            "That's all correct, thank you.",
            "I can see the account now and it all looks great.",
        ] {
            let out = conversation(&[
                (Speaker::Agent, "What's your memorable word?"),
                (Speaker::Caller, "Sunflower."),
                (Speaker::Agent, said),
            ]);
            assert_eq!(out[2], said);
        }
        let said = "Whitby, lovely, I know it well.";
        let out = conversation(&[
            (Speaker::Agent, "Where are you off to?"),
            (Speaker::Caller, "The seaside."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
    }

    #[test]
    fn an_extension_after_a_number_of_no_kind_and_said_back() {
        // Round 82, base for "… oh one one three, four nine six, oh two two oh, extension four
        // one." - "Extension forty one, and what time suits?": the number was hidden as one of
        // no kind, and the extension was shown on both lines.
        let out = conversation(&[
            (Speaker::Agent, "What number should the engineer call?"),
            (
                Speaker::Caller,
                "It's my workline 0113 for 960220, extension 41.",
            ),
            (Speaker::Agent, "Extension 41, and what time suits?"),
        ]);
        assert_eq!(out[1], "It's my workline [NUMBER], extension [PHONE].");
        assert_eq!(out[2], "Extension [PHONE], and what time suits?");
        // Controls: an extension with no number given, and an agent's extension with none given
        // the line before.
        for (caller, agent) in [
            (
                "Can you put me through to extension 41?",
                "Extension 41 is busy, sorry.",
            ),
            (
                "Hi, I'm calling about my order.",
                "Extension 41 is our returns desk.",
            ),
        ] {
            let out = conversation(&[
                (Speaker::Agent, "How can I help?"),
                (Speaker::Caller, caller),
                (Speaker::Agent, agent),
            ]);
            assert_eq!(out[1], caller);
            assert_eq!(out[2], agent);
        }
    }

    #[test]
    fn password_characters_asked_for_in_two_sentences_and_said_back() {
        // Round 82: "What's your password for the online account? I only need the second and
        // fifth characters." - "The second is R and the fifth is seven." - "R and seven, thank
        // you.".
        let asked = "What's your password for the online account? I only need the second and fifth characters.";
        // Base on 8 kHz µ-law: the answer heard as no credential, its read-back shown.
        let out = conversation(&[
            (Speaker::Agent, asked),
            (
                Speaker::Caller,
                "The pack of demars and the fit of thin pepper.",
            ),
            (Speaker::Agent, "R&7, thank you."),
        ]);
        assert_eq!(out[2], "[PIN], thank you.");
        // On mono the second sentence was taken for the answer (hidden) and the answer on the
        // next line was shown, as was its read-back.
        let out = conversation(&[
            (Speaker::Unknown, asked),
            (Speaker::Unknown, "The second in our under R in seven."),
            (Speaker::Unknown, "Our end seven, thank you."),
        ]);
        assert_eq!(out[0], asked);
        assert_eq!(out[1], "The [PIN].");
        assert_eq!(out[2], "Our [PIN], thank you.");
        // Round 83, its question mark lost ("Well, your password for the online account, I only
        // need …"): the answer was shown, on stereo and mono.
        for speakers in [
            [Speaker::Agent, Speaker::Caller],
            [Speaker::Unknown, Speaker::Unknown],
        ] {
            let out = conversation(&[
                (
                    speakers[0],
                    "Well, your password for the online account, I only need the second and fifth characters.",
                ),
                (speakers[1], "The second is R and the fifth is seven."),
            ]);
            assert_eq!(out[1], "The [PIN].");
        }
        // Controls: the agent's thanks with no credential asked for two lines before, and a
        // sentence after the question that asks for no part of it.
        let said = "Right, thank you.";
        let out = conversation(&[
            (Speaker::Agent, "What's the name on the order?"),
            (Speaker::Caller, "It's for the office."),
            (Speaker::Agent, said),
        ]);
        assert_eq!(out[2], said);
        let out = conversation(&[(Speaker::Unknown, "What's your password? It's Sunflower99.")]);
        assert_eq!(out[0], "What's your password? It's [PIN].");
    }

    #[test]
    fn a_street_named_with_initials_said_back() {
        // Round 82, tiny.en and base for the agent's "Twenty nine Acacia Avenue, H U five, three
        // Q P. Correct?" after the caller's address came out garbled: "29 K.C. Avenue" shown.
        for said in ["29 K.C. Avenue H.U. 5 3 Q.P. correct", "It's 4 J.R. Road."] {
            let out = redact_line(said).text;
            assert!(!out.contains("K.C.") && !out.contains("J.R."), "{out}");
        }
        // Control: initials after a number that name no street.
        let said = "I have 2 J.R. books.";
        assert_eq!(redact_line(said).text, said);
    }

    #[test]
    fn a_postcode_heard_with_a_word_or_glued_and_an_email_answer_naming_its_service() {
        // Round 83: "L S six, four J T" heard as "LS6 for JD." (tiny.en on µ-law) and read back
        // as "At LSDX4JT Perfect" and "At LS6 4 JD perfect"; all shown.
        for said in [
            "LS6 for JD.",
            "At LSDX4JT Perfect, you're verified.",
            "At LS6 4 JD perfect your verified",
        ] {
            let out = redact_line(said).text;
            assert!(!out.contains("LS") && !out.contains("JD"), "{out}");
        }
        // "j dot ramirez eighty one at outlook dot com" heard as "It's not Ramir and maybe one
        // that outlook not" (tiny.en on µ-law), in answer to where to send a confirmation.
        let asked = "I can send you some confirmation what email address should I use.";
        let out = conversation(&[
            (Speaker::Agent, asked),
            (
                Speaker::Caller,
                "It's not Ramir and maybe one that outlook not",
            ),
        ]);
        assert_eq!(out[1], "It's [EMAIL]");
        // Controls: codes of one digit that are no postcode, and a mail service named with no
        // address in the answer, or with nothing asked.
        for said in [
            "I bought an MP3 player.",
            "The COVID19 test was fine.",
            "My NHS number is on the letter.",
        ] {
            assert_eq!(redact_line(said).text, said);
        }
        for (q, said) in [
            (asked, "It's at gmail, I think."),
            ("How can I help?", "My outlook account is locked."),
        ] {
            let out = conversation(&[(Speaker::Agent, q), (Speaker::Caller, said)]);
            assert_eq!(out[1], said);
        }
    }

    #[test]
    fn a_uk_mobile_beside_a_reference_word_is_a_phone() {
        // Round 83, tiny.en on 8 kHz µ-law for "My mobile, oh seven seven zero zero, nine double
        // oh, one two three": "My model, 07700900123" was shown ("model" names a reference), and
        // so was its read-back's "9 … 123".
        let out = conversation(&[
            (
                Speaker::Agent,
                "What's the best number to recue on this week at Cutoff?",
            ),
            (Speaker::Caller, "My model, 07700900123"),
            (
                Speaker::Agent,
                "Let me read that back. O'Fennon Fennon Nero Nero 9 Nero Nero 123",
            ),
        ]);
        assert_eq!(out[1], "My model, [PHONE]");
        assert!(!out[2].contains("123"), "{}", out[2]);
        // Controls: a model's or an order's number of another shape.
        for said in ["My model is 5500123.", "The order 17700900123 is late."] {
            assert!(
                redact_line(said)
                    .findings
                    .iter()
                    .all(|f| f.kind != FindingKind::Phone),
                "{said}"
            );
        }
    }
}
