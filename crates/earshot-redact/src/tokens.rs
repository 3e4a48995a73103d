//! Tokenisation and spoken-number normalisation, keeping every token's character span.

/// One token of an utterance, with its span in characters of the original text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    /// Lower-cased text (letters, digits, or a single punctuation character).
    pub text: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Which line of the conversation window it came from.
    pub line: usize,
    pub class: Class,
    /// The original starts with an upper-case letter (names, streets).
    pub cap: bool,
    /// Every letter of the original is upper case ("LSKI": letters of a spelling ASR glued).
    pub caps: bool,
    /// An upper-case letter follows a lower-case one in the original ("SiobHAN": the spelling
    /// ASR glued onto the name it spells).
    pub inner_caps: bool,
    /// Said by the agent (set by the conversation window).
    pub agent: bool,
    /// Said by a speaker not known, as on a mono recording where one line can hold a request and
    /// its answer (set by the conversation window).
    pub unknown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Word,
    Digits,
    Punct,
}

/// Splits `text` into words, digit runs and punctuation (spaces are dropped).
pub(crate) fn tokenize(text: &str, line: usize) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut prev_lower = false;
    for (i, c) in text.chars().enumerate() {
        let after_lower = std::mem::replace(&mut prev_lower, c.is_lowercase());
        let class = if c.is_ascii_digit() {
            Class::Digits
        } else if c.is_alphabetic()
            || (c == '\''
                && out
                    .last()
                    .is_some_and(|t| t.class == Class::Word && t.end == i))
        {
            Class::Word
        } else if c.is_whitespace() || matches!(c, '"' | '“' | '”' | '„' | '«' | '»') {
            // Quotation marks say nothing of a value, and ASR wraps whole sentences in them
            // (tiny.en: `"And the name of the card."`): a rule looking for the sentence's end
            // must not find one.
            continue;
        } else {
            Class::Punct
        };
        match out.last_mut() {
            Some(t) if t.class == class && class != Class::Punct && t.end == i => {
                t.text.extend(c.to_lowercase());
                t.end = i + 1;
                t.caps &= c.is_uppercase();
                t.inner_caps |= c.is_uppercase() && after_lower;
            }
            _ => out.push(Token {
                text: c.to_lowercase().collect(),
                start: i,
                end: i + 1,
                line,
                class,
                cap: c.is_uppercase(),
                caps: c.is_uppercase(),
                inner_caps: false,
                agent: false,
                unknown: false,
            }),
        }
    }
    times_of_day_as_words(&mut out);
    out
}

/// "a.m." and "p.m." written with dots, after a time ("after 3 p.m."), become the words "am"
/// and "pm" as whisper also writes them ("3pm", "3 pm"), so every rule that knows a time by its
/// word knows it (before: "Call me any time after 3 p.m." after a question for a number hid the
/// "3" as a phone's). Only a letter after a number, a space between, its dot and an "m" glued,
/// not in a longer chain of dotted letters ("J.P.M.") nor initials ("P.M. Okafor"); the stop
/// after it stays a stop.
fn times_of_day_as_words(tokens: &mut Vec<Token>) {
    let mut k = 0;
    while k + 2 < tokens.len() {
        let (a, dot, m) = (&tokens[k], &tokens[k + 1], &tokens[k + 2]);
        // After a time's number ("3 p.m.", "three p.m."), not initials ("P.M. Okafor").
        let alone = k > 0
            && tokens[k - 1].end < a.start
            && (tokens[k - 1].class == Class::Digits || is_number_word(&tokens[k - 1]));
        let chain_after = tokens.get(k + 4).is_some_and(|n| {
            tokens[k + 3].text == "."
                && tokens[k + 3].start == m.end
                && n.start == tokens[k + 3].end
        });
        if matches!(a.text.as_str(), "a" | "p")
            && alone
            && dot.text == "."
            && a.end == dot.start
            && m.text == "m"
            && dot.end == m.start
            && !chain_after
        {
            let (end, caps) = (m.end, m.caps);
            let word = format!("{}m", a.text);
            let t = &mut tokens[k];
            t.text = word;
            t.end = end;
            t.caps &= caps;
            tokens.drain(k + 1..k + 3);
        }
        k += 1;
    }
}

/// Value of a single-digit word; `oh`/`o` only count when `zero_words` is set (next to other digits).
pub(crate) fn unit(word: &str) -> Option<u32> {
    Some(match word {
        "zero" | "nought" | "naught" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" | "niner" => 9,
        _ => return None,
    })
}

pub(crate) fn is_oh(word: &str) -> bool {
    matches!(word, "oh" | "o")
}

pub(crate) fn teen(word: &str) -> Option<u32> {
    Some(match word {
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

pub(crate) fn tens(word: &str) -> Option<u32> {
    Some(match word {
        "twenty" => 20,
        "thirty" => 30,
        "forty" | "fourty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Is this token a number on its own (digits or a number word, not counting `oh`/`double`)?
pub(crate) fn is_number_word(t: &Token) -> bool {
    t.class == Class::Digits
        || unit(&t.text).is_some()
        || teen(&t.text).is_some()
        || tens(&t.text).is_some()
        || matches!(t.text.as_str(), "hundred" | "thousand")
}

/// Words that may sit between the digits of one spoken number.
pub(crate) fn is_filler(t: &Token) -> bool {
    match t.class {
        Class::Punct => matches!(
            t.text.as_str(),
            "," | "-" | "." | "/" | "–" | "—" | "…" | ":" | "(" | ")" | "+"
        ),
        // Hesitations too, as whisper writes them between digits ("mn 8 8 mn 6 and m i4 3 2",
        // base on 8 kHz µ-law for the rest of a card number after "go on").
        Class::Word => matches!(
            t.text.as_str(),
            "dash"
                | "hyphen"
                | "uh"
                | "um"
                | "er"
                | "erm"
                | "hmm"
                | "mm"
                | "mn"
                | "hm"
                | "mhm"
                | "mmm"
                | "space"
                | "slash"
        ),
        Class::Digits => false,
    }
}

/// Words an answer opens with before what it gives ("yes, it's …"), shared by the rules that
/// redact an answer from its first other word on.
pub(crate) fn is_opener(word: &str) -> bool {
    matches!(
        word,
        "yes"
            | "yeah"
            | "yep"
            | "sure"
            | "okay"
            | "ok"
            | "um"
            | "uh"
            | "so"
            | "well"
            | "oh"
            | "it's"
            | "its"
            | "it"
            | "is"
            | "was"
            | "that's"
            | "that"
            | "the"
            | "my"
            | "i"
    )
}

/// The index of the first token of token `i`'s line.
pub(crate) fn line_start(tokens: &[Token], i: usize) -> usize {
    let line = tokens[i].line;
    tokens[..i]
        .iter()
        .rposition(|t| t.line != line)
        .map_or(0, |p| p + 1)
}

/// Each line of a window: its first token and one past its last, the barriers between speakers
/// left out.
pub(crate) fn line_spans(tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let line = tokens[i].line;
        let end = tokens[i..]
            .iter()
            .position(|t| t.line != line)
            .map_or(tokens.len(), |p| i + p);
        if line != usize::MAX {
            out.push((i, end));
        }
        i = end;
    }
    out
}

/// Whether the line starting at token `start` answers the line before it: `Some(question)` when
/// that line is the other party's (a barrier between) or, as on a mono recording with no
/// speakers, ends in a question mark; `None` when it is the same speaker's and no question ("I
/// changed my password." then "Can you help?"), or there is none.
pub(crate) fn answers_line_before(tokens: &[Token], start: usize) -> Option<bool> {
    let other_party = start > 0 && tokens[start - 1].line == usize::MAX;
    let before = if other_party {
        start.checked_sub(2)
    } else {
        start.checked_sub(1)
    };
    // A request said as a noun phrase ("Lastly, your national insurance number") asks as a
    // question does: on a mono recording nothing else tells the answer from more talk.
    let question = before.is_some_and(|k| {
        tokens[k].text == "?" || {
            let from = line_start(tokens, k);
            crate::detect::noun_phrase_request(&tokens[from..=k])
        }
    });
    // On a mono recording the question may be followed on its line by a stall ("… what's the
    // new dress? One moment, let me find the letter."): it still asks.
    let question = question
        || before.is_some_and(|k| {
            let from = line_start(tokens, k);
            tokens[start].unknown
                && tokens[from..k]
                    .iter()
                    .rposition(|t| t.text == "?")
                    .is_some_and(|q| {
                        let after = &tokens[from + q + 1..=k];
                        // Or by more of the request ("… password? I only need the second and
                        // fifth characters.", round 82).
                        crate::is_stall(after) || crate::entities::asks_for_part(after)
                    })
        })
        // Nor does a request with no question mark ("To hire the car I need your driving
        // licence number.", "… what was the make of your first car.").
        || before.is_some_and(|k| {
            tokens[start].unknown
                && crate::entities::asks_unmarked(&tokens[line_start(tokens, k)..=k])
        });
    (before.is_some() && (other_party || question)).then_some(question)
}

/// A run of digits spoken or written as one number, possibly across fillers and line breaks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DigitRun {
    /// The normalised digits.
    pub digits: String,
    /// Index of the first and one past the last token of the run.
    pub first: usize,
    pub last: usize,
    /// Digits per spoken/written group (e.g. [3, 2, 4] for an SSN said in groups).
    pub groups: Vec<usize>,
    /// True when a `/` separated two groups (a written date or expiry).
    pub slashed: bool,
}

/// Finds every digit run in `tokens`.
pub(crate) fn digit_runs(tokens: &[Token]) -> Vec<DigitRun> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !starts_number(tokens, i) {
            i += 1;
            continue;
        }
        let mut run = DigitRun {
            digits: String::new(),
            first: i,
            last: i,
            groups: Vec::new(),
            slashed: false,
        };
        let mut j = i;
        loop {
            let (digits, next) = read_group(tokens, j);
            if digits.is_empty() {
                break;
            }
            run.groups.push(digits.len());
            run.digits.push_str(&digits);
            run.last = next;
            // Skip fillers; continue only if another number follows.
            let mut k = next;
            let mut slash = false;
            // "and" before the last digits of a code said a digit at a time ("nine eight seven
            // and one"), not between two counts ("2 and 3").
            while k < tokens.len()
                && (is_filler(&tokens[k])
                    || (tokens[k].text == "and"
                        && run.digits.len() >= 3
                        && run.groups.iter().all(|&g| g == 1)))
            {
                slash |= tokens[k].text == "/" || tokens[k].text == "slash";
                k += 1;
            }
            if k < tokens.len() && starts_number(tokens, k) && !counts_after(tokens, &run, next, k)
            {
                run.slashed |= slash;
                j = k;
            } else {
                break;
            }
        }
        i = run.last.max(i + 1);
        runs.push(run);
    }
    runs
}

/// The group at `k` counts what follows it ("… which is 4343, 3 times", "4 3 4 3 3 times"): a
/// unit right after it, with three digits or more read before it and a space between (not the
/// thousands of "125,000 dollars"). It starts a number of its own, so that the unit does not
/// make a count of the run before it.
///
/// So does a group of one or two digits before a noun it counts ("Sure. 5 2 7 9, 4 digits.",
/// "5 2 7 9, and 4 digits.", "What did you set? 5 2 7 9 4 ones."; round 54 on mono for a PIN's
/// "one one one one, four ones" as "1 1 1 1 4 1s": the four digits were shown as a count).
fn counts_after(tokens: &[Token], run: &DigitRun, end: usize, k: usize) -> bool {
    let (digits, after) = read_group(tokens, k);
    let spaced = tokens[end..=k].windows(2).any(|w| w[1].start > w[0].end);
    let unit = tokens
        .get(after)
        .is_some_and(|t| crate::detect::UNITS_AFTER.contains(&t.text.as_str()));
    // Or a unit after a number written right after a number of three digits or more, a space
    // between and nothing else ("It's 44176298 40 dollars a month.": an account number, then
    // its fee). Not a time ("8 4 7 2 9 1 am" is a code whisper glued a time to).
    let written_apart = k == end
        && tokens[k].start > tokens[end - 1].end
        && tokens[end - 1].class == Class::Digits
        && tokens[end - 1].text.len() >= 3
        && tokens[k].class == Class::Digits
        && after == k + 1
        && tokens
            .get(after)
            .is_some_and(|t| t.line == tokens[k].line && !matches!(t.text.as_str(), "am" | "pm"));
    let counted = digits.len() <= 2
        && tokens
            .get(after)
            .is_some_and(|t| crate::detect::counted_noun(&t.text));
    run.digits.len() >= 3 && ((spaced && (unit || counted)) || (written_apart && unit))
}

/// The digit a word stands for when ASR wrote it for a misheard one ("one for eight": 4).
pub(crate) fn homophone(word: &str) -> Option<char> {
    Some(match word {
        "for" | "fore" => '4',
        "to" | "too" => '2',
        "free" | "tree" => '3',
        "won" => '1',
        "ate" => '8',
        _ => return None,
    })
}

/// Token `i` is such a word between two number words of its line, a comma allowed on either
/// side ("one for eight eight", "seven to nine", "six, for six"): then it is that digit.
fn sandwiched_homophone(tokens: &[Token], i: usize) -> Option<char> {
    let digit = homophone(&tokens[i].text)?;
    let line = tokens[i].line;
    // A digit: a word, or one written digit not in a decimal ("39.99 to 54.99", "from 39 to
    // 54" are a range).
    let numeric = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            t.line == line
                && (is_oh(&t.text)
                    || (t.class == Class::Digits
                        && t.text.len() == 1
                        && !tokens
                            .get(k + 1)
                            .is_some_and(|n| n.text == "." && n.start == t.end)
                        && !(k > 0 && tokens[k - 1].text == "." && tokens[k - 1].end == t.start))
                    || (t.class == Class::Word && is_number_word(t)))
        })
    };
    let comma = |k: usize| {
        tokens
            .get(k)
            .is_some_and(|t| t.text == "," && t.line == line)
    };
    let before = i >= 1 && (numeric(i - 1) || (i >= 2 && comma(i - 1) && numeric(i - 2)));
    let after = numeric(i + 1) || (comma(i + 1) && numeric(i + 2));
    // Or a number's last digit after its tens, ending the line or sentence ("eighty for.").
    let ends = tokens
        .get(i + 1)
        .is_none_or(|n| n.line != line || matches!(n.text.as_str(), "." | "?" | "!"));
    let after_tens = i >= 1 && tokens[i - 1].line == line && tens(&tokens[i - 1].text).is_some();
    ((before && after) || (after_tens && ends && digit != '2')).then_some(digit)
}

/// Words before a "one" that stands for a thing, not a digit ("the one ending 4417", "a new
/// one", "my work one").
const BEFORE_PRONOUN_ONE: &[&str] = &[
    "the",
    "this",
    "that",
    "which",
    "each",
    "every",
    "no",
    "any",
    "other",
    "another",
    "same",
    "new",
    "old",
    "work",
    "home",
    "mobile",
    "main",
    "only",
    "right",
    "wrong",
    "first",
    "last",
    "second",
    "current",
    "previous",
    "different",
    "cheaper",
    "better",
    "personal",
    "business",
    "joint",
    "spare",
    "billing",
    "delivery",
    "shipping",
    "postal",
    "registered",
    "usual",
    // A card or an account told apart by its colour, size or kind ("The red one.").
    "red",
    "blue",
    "green",
    "black",
    "white",
    "gold",
    "silver",
    "grey",
    "gray",
    "purple",
    "pink",
    "orange",
    "platinum",
    "big",
    "small",
    "little",
    "debit",
    "credit",
    "savings",
    "checking",
    "cheque",
];

/// Token `i` is "one" standing for a thing: after such a word, with no number word after it on
/// its line ("the one ending", not "the one two three").
pub(crate) fn pronoun_one(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    t.text == "one"
        && i > 0
        && tokens[i - 1].line == t.line
        && (BEFORE_PRONOUN_ONE.contains(&tokens[i - 1].text.as_str())
            // "the fourth one is two".
            || ordinal(&tokens[i - 1].text).is_some_and(|n| n > 2))
        // A number after it, a comma between at most, makes it a digit ("For a little one,
        // two, three, four, …", tiny.en on mono for a card's "four oh oh oh, one two three
        // four", round 60).
        && tokens.get(i + 1).is_none_or(|n| {
            n.line != t.line
                || !(is_number_word(n)
                    || is_oh(&n.text)
                    || matches!(n.text.as_str(), "double" | "triple"))
        })
        // A digit said as a word after it, past a comma, makes it a digit too ("For a little
        // one, two, three, four, …", tiny.en on mono for a card's "four oh oh oh, one two three
        // four", round 60); digits written after a comma are a number of their own ("the same
        // one, 4417").
        && !(tokens.get(i + 1).is_some_and(|c| c.text == "," && c.line == t.line)
            && tokens.get(i + 2).is_some_and(|n| {
                n.line == t.line && n.class == Class::Word && unit(&n.text).is_some()
            }))
}

/// Whether the token after `k` is a number word or "oh".
fn next_is_number_at(tokens: &[Token], k: usize) -> bool {
    tokens
        .get(k + 1)
        .is_some_and(|n| is_number_word(n) || is_oh(&n.text))
}

/// Whether a number starts at token `i`: digits, a number word (not the pronoun "one"), a
/// digit's homophone between numbers, "oh" beside one, or "double"/"triple" before a digit.
fn starts_number(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    if sandwiched_homophone(tokens, i).is_some() {
        return true;
    }
    if is_number_word(t) && !matches!(t.text.as_str(), "hundred" | "thousand") {
        return !pronoun_one(tokens, i);
    }
    let next_is_number = || next_is_number_at(tokens, i);
    let prev_is_number = || i > 0 && (is_number_word(&tokens[i - 1]) || is_oh(&tokens[i - 1].text));
    if ordinal(&t.text).is_some() || tens(&t.text).is_some() {
        // "March fourth", "June twenty first": a day after a month name.
        return i > 0 && month(&tokens[i - 1].text).is_some();
    }
    if is_oh(&t.text) {
        return next_is_number() || prev_is_number() || oh_between_numbers(tokens, i);
    }
    if matches!(t.text.as_str(), "double" | "triple") {
        // Or a word written for a digit, beside another number ("one triple to four").
        return tokens.get(i + 1).is_some_and(|n| {
            unit(&n.text).is_some()
                || is_oh(&n.text)
                || one_digit(n)
                || (homophone(&n.text).is_some()
                    && (prev_is_number() || next_is_number_at(tokens, i + 1)))
        });
    }
    false
}

/// "oh" at token `i` is zero with one punctuation mark between it and a number word of its
/// line: glued by a hyphen on either side ("one-oh-seven", "Oh-four-two"), or with a comma or
/// hyphen on both sides ("nine, oh, seven"), or last in a sentence after a comma and a digit
/// said one at a time ("My PIN is one, one, nine, oh."). "Oh, 4532 …" alone is an
/// interjection.
fn oh_between_numbers(tokens: &[Token], i: usize) -> bool {
    let line = tokens[i].line;
    let numeric = |k: usize| {
        tokens
            .get(k)
            .is_some_and(|t| t.line == line && (is_number_word(t) || is_oh(&t.text)))
    };
    let mark = |k: usize, marks: &[&str]| {
        tokens
            .get(k)
            .is_some_and(|t| t.line == line && marks.contains(&t.text.as_str()))
    };
    let before = |marks: &[&str]| i >= 2 && mark(i - 1, marks) && numeric(i - 2);
    let after = |marks: &[&str]| mark(i + 1, marks) && numeric(i + 2);
    // The sentence's end, or the line's with a comma before it ("My BIA is [PIN], oh,", the
    // line released mid-sentence).
    let ends_at = |k: usize| tokens.get(k).is_none_or(|t| t.line != line);
    let ends_sentence = ends_at(i + 1)
        || matches!(tokens[i + 1].text.as_str(), "." | "?" | "!")
        || (tokens[i + 1].text == "," && ends_at(i + 2));
    let digit_before = i >= 2 && {
        let t = &tokens[i - 2];
        t.line == line && (unit(&t.text).is_some() || one_digit(t))
    };
    before(&["-"])
        || after(&["-"])
        || (before(&[",", "-"]) && after(&[",", "-"]))
        || (before(&[","]) && digit_before && ends_sentence)
}

/// The token is one digit written as a digit ("5" in "triple 5").
fn one_digit(t: &Token) -> bool {
    t.class == Class::Digits && t.text.len() == 1
}

/// Reads one spoken group starting at token `i`: returns its digits and the index after it.
fn read_group(tokens: &[Token], i: usize) -> (String, usize) {
    let word = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let t = &tokens[i];
    if t.class == Class::Digits {
        // "4532" or a written "500 thousand" (kept as digits: read-outs concatenate).
        return (t.text.clone(), i + 1);
    }
    let w = t.text.as_str();
    if w == "double" || w == "triple" {
        let n = if w == "double" { 2 } else { 3 };
        // "double three", "double oh", and "triple 5" as ASR writes the digit, or as a word
        // it writes for one ("triple to").
        let d = if is_oh(word(i + 1)) {
            0
        } else {
            unit(word(i + 1))
                .or_else(|| word(i + 1).parse().ok().filter(|_| word(i + 1).len() == 1))
                .or_else(|| homophone(word(i + 1)).and_then(|c| c.to_digit(10)))
                .unwrap_or(0)
        };
        return (d.to_string().repeat(n), i + 2);
    }
    if is_oh(w) {
        return ("0".into(), i + 1);
    }
    if let Some(d) = sandwiched_homophone(tokens, i) {
        return (d.to_string(), i + 1);
    }
    // A small cardinal: [unit|teen|tens [unit]] [hundred [and] [tens [unit] | teen | unit]] [thousand ...]
    let mut k = i;
    let mut value = small(tokens, &mut k);
    let Some(mut v) = value.take() else {
        return (String::new(), i);
    };
    if word(k) == "hundred" {
        k += 1;
        if word(k) == "and" && small_at(tokens, k + 1) {
            k += 1;
        }
        let rest = small(tokens, &mut k).unwrap_or(0);
        v = v * 100 + rest;
    }
    if word(k) == "thousand" {
        k += 1;
        if word(k) == "and" && small_at(tokens, k + 1) {
            k += 1;
        }
        let mut rest = 0;
        let save = k;
        if let Some(r) = small(tokens, &mut k) {
            rest = r;
            if word(k) == "hundred" {
                k += 1;
                if word(k) == "and" && small_at(tokens, k + 1) {
                    k += 1;
                }
                rest = rest * 100 + small(tokens, &mut k).unwrap_or(0);
            }
        } else {
            k = save;
        }
        v = v * 1000 + rest;
    }
    (v.to_string(), k)
}

fn small_at(tokens: &[Token], k: usize) -> bool {
    let mut kk = k;
    small(tokens, &mut kk).is_some()
}

/// The months' names, in order.
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month number of a month name.
pub(crate) fn month(word: &str) -> Option<u32> {
    const SHORT: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    MONTHS
        .iter()
        .chain(SHORT.iter())
        .position(|m| *m == word)
        .map(|p| (p % 12) as u32 + 1)
}

/// The ordinals a day is said with, and their values.
pub(crate) const ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
];

/// Ordinal day words ("fourth", "twenty first") as numbers.
pub(crate) fn ordinal(word: &str) -> Option<u32> {
    ORDINALS.iter().find(|(w, _)| *w == word).map(|&(_, n)| n)
}

/// unit | teen | tens [unit] | ordinal | tens ordinal; advances `k`.
pub(crate) fn small(tokens: &[Token], k: &mut usize) -> Option<u32> {
    let w = tokens.get(*k)?.text.as_str();
    if let Some(o) = ordinal(w) {
        *k += 1;
        return Some(o);
    }
    if let Some(u) = unit(w) {
        *k += 1;
        return Some(u);
    }
    if let Some(t) = teen(w) {
        *k += 1;
        return Some(t);
    }
    if let Some(t) = tens(w) {
        *k += 1;
        // "twenty-one", "twenty-third": a hyphen glued on both sides joins the two words.
        let hyphen = tokens.get(*k).is_some_and(|h| {
            h.text == "-"
                && h.start == tokens[*k - 1].end
                && tokens.get(*k + 1).is_some_and(|n| n.start == h.end)
        });
        let at = if hyphen { *k + 1 } else { *k };
        if let Some(u) = tokens
            .get(at)
            .and_then(|n| unit(&n.text).or_else(|| ordinal(&n.text).filter(|o| *o < 10)))
            .filter(|u| *u > 0)
        {
            *k = at + 1;
            return Some(t + u);
        }
        return Some(t);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<String> {
        digit_runs(&tokenize(text, 0))
            .into_iter()
            .map(|r| r.digits)
            .collect()
    }

    #[test]
    fn spoken_digits_become_digits() {
        assert_eq!(runs("four five three two"), vec!["4532"]);
        assert_eq!(runs("oh nine twenty eight"), vec!["0928"]);
        assert_eq!(runs("double five triple one"), vec!["55111"]);
        assert_eq!(runs("4532 seven seven one eight"), vec!["45327718"]);
        assert_eq!(runs("nineteen eighty one"), vec!["1981"]);
        assert_eq!(runs("two thousand and five"), vec!["2005"]);
        // A hyphen glued on both sides joins tens and unit; one between spaces is a pause.
        assert_eq!(runs("ninety-four, one-oh-seven"), vec!["94107"]);
        assert_eq!(runs("twenty - one"), vec!["201"]);
    }

    #[test]
    fn a_digit_readout_is_not_arithmetic() {
        // "three, four, 500" is 3-4-500, not thirty-two thousand.
        assert_eq!(runs("three, four, 500"), vec!["34500"]);
    }

    #[test]
    fn oh_is_zero_only_next_to_digits() {
        assert!(runs("Oh that is great").is_empty());
        assert_eq!(runs("one oh one"), vec!["101"]);
    }

    #[test]
    fn a_last_oh_after_one_digit_is_zero() {
        assert_eq!(runs("My PIN is one, one, nine, oh."), vec!["1190"]);
        assert_eq!(runs("It's 4, 2, oh"), vec!["420"]);
        assert_eq!(runs("My BIA is 1, 1, 9, oh,"), vec!["1190"]);
        // Controls: after a number of more digits, or before more words, it is an interjection.
        assert_eq!(runs("It was about 20, oh."), vec!["20"]);
        assert_eq!(runs("Just two, oh well."), vec!["2"]);
        assert_eq!(runs("Twenty, oh."), vec!["20"]);
    }

    #[test]
    fn words_between_numbers_split_runs() {
        assert_eq!(runs("I called 3 times in 2 days"), vec!["3", "2"]);
        assert_eq!(runs("4532-0151-1283-0366"), vec!["4532015112830366"]);
    }
}
