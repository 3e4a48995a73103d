//! Names, street addresses, postcodes and IBANs: cue phrases and patterns, no statistical NER.
//!
//! What this cannot catch: a name or address said with no cue ("yeah it's Jones") unless the
//! agent just asked for it; foreign address formats without a street suffix; names that ASR
//! lower-cases when no cue is present. See ARCHITECTURE.md.

use crate::detect::Detection;
use crate::tokens::{Class, Token};
use earshot_core::FindingKind;
use regex::Regex;
use std::sync::OnceLock;

/// Words that end a name: a name is at most three words and never one of these.
pub(crate) const NOT_NAME: &[&str] = &[
    // Words that open a sentence or stand where a name may, never one ("I'm actually calling
    // for …", "Put me down as …"), and contractions ASR writes with no apostrophe ("okay mr
    // delaney ive blocked the card").
    "actually",
    "put",
    "ive",
    "youve",
    "weve",
    "theyve",
    "youre",
    "theyre",
    "thats",
    "whats",
    "theres",
    "didnt",
    "dont",
    "cant",
    "wont",
    "and",
    "ending",
    "same",
    "calling",
    "speaking",
    "here",
    "from",
    "with",
    "the",
    "a",
    "an",
    "i",
    "i'm",
    "im",
    "my",
    "is",
    "it",
    "it's",
    "its",
    "yes",
    "yeah",
    "sure",
    "hi",
    "hello",
    "only",
    "first",
    "last",
    "middle",
    "surname",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "hiya",
    "hey",
    "howdy",
    "cheers",
    "morning",
    "afternoon",
    "evening",
    "thanks",
    "thank",
    "please",
    "ok",
    "okay",
    "so",
    "um",
    "uh",
    "but",
    "on",
    "at",
    "in",
    "of",
    "to",
    "for",
    "about",
    "calling",
    "again",
    "just",
    "really",
    "very",
    "not",
    "no",
    "sorry",
    "well",
    "right",
    "that",
    "this",
    "your",
    "you",
    "we",
    "they",
    "he",
    "she",
    "me",
    "be",
    "was",
    "am",
    "are",
    "have",
    "has",
    "had",
    "do",
    "did",
    "can",
    "could",
    "would",
    "will",
    "today",
    "now",
    "account",
    "card",
    "number",
    // What an answer about a card's expiry opens with ("Expires the end of August 29 and its
    // Daniel J. Morgan.", round 70).
    "expires",
    "expired",
    "expiring",
    "expiry",
    "bank",
    "customer",
    "manager",
    "agent",
    "support",
    "service",
    "i'd",
    "i'll",
    "i've",
    "oh",
    "then",
    "that's",
    "that'd",
    "that'll",
    "it'd",
    "it'll",
    "we'd",
    "they'd",
    "you'd",
    "he'd",
    "she'd",
    "we'll",
    "they'll",
    "you'll",
    "he'll",
    "she'll",
    "who's",
    "there's",
    "here's",
    "what's",
    "let's",
    "his",
    "her",
    "their",
    "our",
    "lovely",
    "great",
    "perfect",
    "brilliant",
    "yep",
    "how",
    "what",
    "who",
    "why",
    "where",
    "when",
    "which",
    "he's",
    "she's",
    "they're",
    "we're",
    "you're",
];

/// Phrases after which the next words are a person's name.
const NAME_CUES: &[&str] = &[
    "my name is",
    "my name's",
    // "my name's" as ASR writes it without its apostrophe.
    "my names",
    "name is",
    "name's",
    "name was",
    "this is",
    "it is",
    "it's",
    "i am",
    "i'm",
    "account holder is",
    "card holder is",
    "cardholder is",
    "the holder is",
    "speaking with",
    "call me",
    "calls me",
    "spelled",
    "under the name",
    "in the name of",
    "my wife",
    "my husband",
    "my son",
    "my daughter",
    "first name is",
    "last name is",
    "surname is",
    "surname's",
    "surname was",
    "full name is",
    "go by",
    "goes by",
    // Titles: "Thanks, Mrs Lopez" (only a capitalised word, as after "it's"; "miss" only as a
    // title, see `miss_as_title`).
    "mr",
    "mrs",
    "ms",
    "mister",
    "missus",
    "dr",
    "doctor",
];

/// Words of a company's name, not a person's.
const COMPANY_WORDS: &[&str] = &[
    "ltd",
    "limited",
    "inc",
    "llc",
    "plc",
    "corp",
    "co",
    "company",
    "group",
    "holdings",
    "services",
    "solutions",
    "logistics",
    "bank",
    "trust",
    "council",
];

/// Things whose name follows "called" or "named" ("a service called RasMan"): no person's.
const THINGS_NAMED: &[&str] = &[
    "service",
    "app",
    "application",
    "program",
    "programme",
    "software",
    "file",
    "folder",
    "place",
    "street",
    "road",
    "town",
    "village",
    "city",
    "website",
    "site",
    "page",
    "product",
    "plan",
    "package",
    "setting",
    "option",
    "button",
    "tab",
    "menu",
    "feature",
    "device",
    "network",
    "tool",
    "game",
    "show",
    "film",
    "movie",
    "book",
    "song",
    "brand",
    "scheme",
    "policy",
    "tariff",
    "bundle",
];

/// Who may name a thing or call a person ("the school called Alex"): a thing only in "the
/// company is called Acme".
const INSTITUTIONS_NAMED: &[&str] = &[
    "company",
    "business",
    "firm",
    "shop",
    "store",
    "restaurant",
    "hotel",
    "band",
    "channel",
    "group",
    "team",
    "charity",
    "school",
    "hospital",
    "clinic",
    "pharmacy",
];

/// Words right before a name that need it capitalised: the name's parts named, a relative
/// ("my mom, Linda Park"), "named" and "called".
const RELATION_CUES: &[&str] = &[
    "first name",
    "last name",
    "surname",
    "middle name",
    "given name",
    "name",
    "named",
    "called",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "husband",
    "wife",
    "son",
    "daughter",
    "brother",
    "sister",
    "partner",
];

/// People close to the caller who are no relatives, named after the word for them ("my friend
/// Dara", "a colleague of mine, Bethany"); with [`MORE_RELATIVES`].
const CLOSE_PEOPLE: &[&str] = &[
    "friend",
    "colleague",
    "coworker",
    "neighbour",
    "neighbor",
    "boss",
    "manager",
    "landlord",
    "landlady",
    "carer",
    "caregiver",
    "flatmate",
    "roommate",
    "housemate",
    "lodger",
    "tenant",
    "mate",
    "pal",
    "buddy",
    "pa",
    "assistant",
    "secretary",
];

/// People met, named in apposition after a determiner and a comma ("a lady, Aoife Brennan, …").
const STRANGERS: &[&str] = &[
    "lady",
    "man",
    "woman",
    "guy",
    "gentleman",
    "chap",
    "bloke",
    "girl",
    "boy",
    "fellow",
    "lad",
    "driver",
    "person",
];

/// Roles on an account whose holder is named after "is" or ":" ("The beneficiary is Rosa
/// Delgado."), capitalised only.
const ROLES_NAMED: &[&str] = &[
    "beneficiary",
    "payee",
    "executor",
    "executrix",
    "guarantor",
    "cardholder",
    "policyholder",
    "holder",
    "nominee",
    "attorney",
    "trustee",
    "driver",
    "user",
    "signatory",
    "applicant",
    "tenant",
    "patient",
    "member",
];

/// Relatives and others close to the caller, besides [`RELATION_CUES`]' ("My nephew is Ruairí.").
const MORE_RELATIVES: &[&str] = &[
    "grandson",
    "granddaughter",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "nan",
    "uncle",
    "aunt",
    "auntie",
    "cousin",
    "nephew",
    "niece",
    "fiance",
    "fiancee",
    "fiancé",
    "fiancée",
    "boyfriend",
    "girlfriend",
    "stepson",
    "stepdaughter",
    "carer",
    "friend",
    "neighbour",
    "neighbor",
    "landlord",
    "landlady",
    "tenant",
    "flatmate",
    "roommate",
];

/// [`RELATION_CUES`]' words that name a name, not a person: "My name is", "surname was" are
/// the other rules'.
const NAME_WORDS: &[&str] = &["name", "named", "called", "surname"];

/// A name's change, before the new name ("surname changed to Brooks"); with
/// [`RELATION_CUES`]' rule.
const RENAMED_CUES: &[&str] = &["changed to", "changed it to"];

/// What is put under someone's name (stems: "book" for "booked", "booking"); see `names`'
/// `under_booked`.
const UNDER_A_NAME: &[&str] = &[
    "book",
    "reserv",
    "account",
    "policy",
    "order",
    "register",
    "appointment",
    "table",
    "ticket",
    "room",
    "listed",
    "file",
];

/// A word that says who someone is or how they are named, never a first name before a surname
/// heard earlier ("my son nakamura", "doctor nakamura", "my names nakamura").
pub(crate) fn names_whom(word: &str) -> bool {
    TITLES.contains(&word)
        || NAME_WORDS.contains(&word)
        || MORE_RELATIVES.contains(&word)
        || RELATIVES.iter().any(|r| r.trim() == word)
        || matches!(word, "names" | "name's" | "much" | "very" | "surname's")
}

/// Relatives: a question about one is answered with their name ("Is your daughter on the
/// account?" - "Yes, Sophie.").
const RELATIVES: &[&str] = &[
    " mom",
    " mum",
    " mother",
    " dad",
    " father",
    " husband",
    " wife",
    " son ",
    " son?",
    " daughter",
    " brother",
    " sister",
    " partner",
    " spouse",
    " child",
    " kids",
    " children",
];

/// What a relative does, said after their name in lower case ("my husband mark said to call").
pub(crate) const RELATIVE_DOES: &[&str] = &[
    "said",
    "says",
    "is",
    "was",
    "has",
    "had",
    "will",
    "would",
    "can",
    "could",
    "called",
    "asked",
    "told",
    "wants",
    "wanted",
    "does",
    "did",
    "needs",
    "lives",
    "works",
    "and",
    // Or before a pronoun that goes on about them ("my sister linh she's at …"), or a word of
    // how often ("my mum gwendolyn also needs …").
    "she's",
    "he's",
    "she",
    "he",
    "who",
    "who's",
    "also",
    "always",
    "never",
    "usually",
    "often",
    "still",
    "just",
    "normally",
    // More of what a person does ("my ex-husband tobias changed the pin").
    "changed",
    "opened",
    "closed",
    "set",
    "made",
    "paid",
    "took",
    "used",
    "got",
    "went",
    "passed",
    "died",
    "left",
    "moved",
    "handles",
    "handled",
    "manages",
    "managed",
    "knows",
    "knew",
    "helps",
    "sorted",
    "signed",
    "rang",
    "phoned",
    "emailed",
    "sent",
    "gave",
    "added",
    "cancelled",
    // What a relative may do in a question ("can my wife zofia come?").
    "come",
    "join",
    "collect",
    "uses",
    "owns",
    "lost",
    "bought",
    "forgot",
    "keeps",
    "kept",
    "tried",
    "drives",
    "booked",
    "ordered",
    "received",
    "wrote",
    "texted",
    "mentioned",
    "thinks",
    "found",
];

/// Words in lower case after a relative that are no name ("my husband always said").
pub(crate) const NOT_A_RELATIVES_NAME: &[&str] = &[
    // What is asked of a name ("And the surname spelling.").
    "spelling",
    "spelt",
    "spelled",
    "usually",
    "really",
    "actually",
    "probably",
    "definitely",
    "recently",
    "finally",
    "basically",
    "literally",
    "certainly",
    "apparently",
    "normally",
    "obviously",
    "currently",
    "early",
    "rarely",
    "clearly",
    "simply",
    "nearly",
    "mostly",
    "totally",
    "honestly",
    "seriously",
    "previously",
    "originally",
    "eventually",
    "unfortunately",
    "hopefully",
    "generally",
    "mainly",
    "typically",
    "personally",
    "suddenly",
    "always",
    "never",
    "also",
    "often",
    "sometimes",
    "still",
    "already",
    "once",
    "even",
    "only",
    "then",
    "now",
    "who",
    "which",
    "that",
    "too",
    "here",
    "there",
    "just",
    "said",
    "and",
    "but",
    "she",
    "he",
    "they",
    "who's",
    "what",
    "where",
    "when",
    "why",
    "how",
    "today",
    "yesterday",
    "tomorrow",
    "again",
    "first",
    "last",
    "both",
    "all",
    "was",
    "is",
    // After "called" as a verb ("my friend called back his number is …").
    "back",
    "twice",
    "round",
    "earlier",
    "tonight",
    "home",
    "late",
    "ahead",
    "over",
    "around",
    "before",
];

/// Words in lower case that end a line after a relative and are no name, besides
/// [`NOT_A_RELATIVES_NAME`]'s ("for my daughter maybe", "my husband instead").
const NOT_AFTER_A_RELATIVE: &[&str] = &[
    "maybe",
    "perhaps",
    "instead",
    "though",
    "anyway",
    "anyways",
    "thanks",
    "sorry",
    "as",
    "well",
    "too",
    "again",
    "either",
    "neither",
    "okay",
    "yeah",
    "yes",
    "right",
    "now",
    "here",
    "there",
    "both",
    "together",
    "alone",
    "mostly",
    "sometimes",
    "occasionally",
    "mainly",
    "did",
    "does",
    "do",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "is",
    "was",
    "isn't",
    "wasn't",
    "does",
    "doesn't",
    "didn't",
    "won't",
    "can't",
    "couldn't",
    "the",
    "account",
    "card",
    "number",
    "name",
    "phone",
    "email",
    "address",
    "bill",
    "car",
    "house",
    "money",
];

/// Capitalised words that answer a question about a relative and are no name, besides
/// [`NOT_NAME`]'s (the days of the week among them), which are never taken for one.
const NOT_A_RELATIVE: &[&str] = &[
    "visa",
    "mastercard",
    "amex",
    "maestro",
    "discover",
    "paypal",
    "both",
    "neither",
    "sure",
    "nope",
    "yeah",
    "yes",
    "no",
    "okay",
    "ok",
    "absolutely",
    "definitely",
    "correct",
    "right",
    "thanks",
];

/// Words of a short answer to a question for a name that say it gives none ("sorry what",
/// "hold on", "i'd rather not"): written in lower case, such an answer is no name.
pub(crate) const NOT_A_NAME_ANSWER: &[&str] = &[
    // What is said of a person on the account, not who ("the beneficiary is unchanged").
    "correct",
    "wrong",
    "unchanged",
    "different",
    "changed",
    "updated",
    "missing",
    "deceased",
    "unknown",
    "none",
    "nobody",
    "someone",
    "somebody",
    "anyone",
    "billing",
    "sales",
    "support",
    "them",
    "him",
    "her",
    "me",
    "us",
    "you",
    "everyone",
    "everybody",
    // What an account may be under besides a name ("it's under review").
    "review",
    "investigation",
    "warranty",
    "contract",
    "control",
    "way",
    "dispute",
    "query",
    "fine",
    "important",
    "private",
    "complicated",
    "later",
    "what",
    "why",
    "who",
    "how",
    "when",
    "where",
    "sorry",
    "pardon",
    "hold",
    "hang",
    "wait",
    "on",
    "sec",
    "second",
    "moment",
    "is",
    "was",
    "that",
    "necessary",
    "need",
    // What the caller asks done with the name that follows ("Yeah, put it under Delphine").
    "put",
    "make",
    "use",
    "book",
    "reserve",
    "under",
    "rather",
    "not",
    "no",
    "yes",
    "please",
    "again",
    "repeat",
    "can",
    "could",
    "would",
    "do",
    "does",
    "did",
    "you",
    "your",
    "i",
    "i'd",
    "i'll",
    "don't",
    "know",
    "it",
    "this",
    "the",
    "a",
    "an",
    "just",
    "same",
    "account",
    "card",
    "prefer",
    "say",
    "said",
    "me",
    "my",
    "mine",
    "for",
    "of",
];

/// Words between a name's parts that belong to it ("Van Der Berg", "de la Cruz", "bin Salman").
const NAME_PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "la", "le", "von", "di", "da", "du", "del", "bin", "al", "el",
    "ter", "ten",
];

/// Titles before a name.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mister", "missus", "dr", "doctor",
];

/// An agent's question that makes the next line a name.
const NAME_QUESTIONS: &[&str] = &[
    "your name",
    "your own name",
    "your names",
    "full name",
    // "Full legal name?", "Name in full, please."
    "legal name",
    "name in full",
    "who am i speaking",
    "am i speaking to",
    "am i speaking with",
    "i'm speaking to",
    "i'm speaking with",
    "who i'm speaking",
    "name on the account",
    "name on the card",
    // "And the account holder's name?"
    "holder's name",
    "holders name",
    // "Name on the policy?", "What's the name on the booking?"
    "name on the",
    // "And name on that card." (tiny.en, round 59, "the" lost).
    "name on that",
    "name on this",
    // "Could you tell me the card's expiry and the name on it?" (round 70).
    "name on it",
    // "And the name exactly as it appears on the card?", heard as "And the name and the actly
    // as it appears on the card." (base, round 71).
    "as it appears on",
    "spell that",
    "your surname",
    "last name",
    "first name",
    "middle name",
    "family name",
    "given name",
    "surname",
    // Who is calling, asked in so many words ("who do i have the pleasure of speaking with").
    "pleasure of speaking",
    "who's calling",
    "who is calling",
    "who's this",
    "who is this",
    "who have i got",
    "may i ask who",
    "can i ask who",
];

/// What may come before a name that opens an answer ("yeah it's …", "my name is …"); not a
/// greeting, whose name is the one greeted ("yeah hi tom it's uh deborah").
const NAME_OPENERS: &[&str] = &[
    "yes", "yeah", "yep", "oh", "okay", "ok", "sure", "well", "so", "um", "uh", "er", "erm",
    "it's", "its", "it", "is", "this", "i'm", "im", "am", "my", "name", "name's",
];

/// Greetings a caller may open with before saying who they are ("Hiya, Deborah here").
const GREETINGS: &[&str] = &[
    "hi",
    "hiya",
    "hello",
    "hey",
    "there",
    "good",
    "morning",
    "afternoon",
    "evening",
    "yes",
    "yeah",
    "oh",
    "um",
    "uh",
    "er",
    "erm",
    "ok",
    "okay",
    "so",
    "right",
];

/// Questions whose answer is a name, asked by the other party in a line ending in "?": someone
/// else's name ("What's her name?", "Who's the account holder?") or the caller's in other
/// words. Said in a statement ("The account holder is my late father, …") they cue nothing.
const NAME_ASKED: &[&str] = &[
    "her name",
    "his name",
    "their name",
    "account holder",
    "cardholder",
    "card holder",
    "who's calling",
    "who is calling",
    "who do i have",
    "who have i got",
    "the name",
    "a name",
    "and you are",
    "and who are you",
    "who are you",
    "who's speaking",
    "who is speaking",
    "who's this",
    "who is this",
    "and yourself",
    // Someone's name by their role ("the lead passenger's name", "the patient's name").
    "'s name",
];

/// The line before token `i`'s line asks for a name in a question ending in it, whatever ASR
/// made of the words before ("Can I have the patient's phone name?" for "full name", tiny.en on
/// 8 kHz µ-law), unless a thing's ("the company name?", "the street name?").
fn asks_any_name(tokens: &[Token], i: usize) -> bool {
    const THINGS: &[&str] = &[
        "company",
        "business",
        "product",
        "shop",
        "store",
        "street",
        "road",
        "file",
        "brand",
        "model",
        "plan",
        "user",
        "account",
        "device",
        "network",
        "wifi",
        "app",
        "project",
        "school",
        "hotel",
        "event",
        "drug",
        "medication",
        "medicine",
        "pharmacy",
        "bank",
        "team",
        "group",
        "package",
        "course",
        "domain",
        "trading",
        "building",
        "house",
    ];
    previous_line_text(tokens, i).is_some_and(|text| {
        text.match_indices(" name ?").any(|(at, _)| {
            let before = text[..at].rsplit(' ').next().unwrap_or("");
            !THINGS.contains(&before)
        })
    })
}

/// Small words that a street's name does not hold in lower case.
const NOT_IN_A_STREET: &[&str] = &[
    "at", "the", "in", "on", "to", "of", "for", "from", "by", "a", "an", "my", "your", "and", "or",
    "was", "is", "are", "it", "i", "we", "you", "he", "she", "they", "with", "about", "then", "so",
    "our", "their", "his", "her", "this", "that",
];

const STREET_SUFFIXES: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "court",
    "ct",
    "way",
    "place",
    "pl",
    "terrace",
    "close",
    "crescent",
    "parkway",
    "highway",
    "hwy",
    "square",
    "circle",
    "trail",
    "row",
    "gardens",
    "grove",
    "mews",
    "wharf",
    "parade",
    "quay",
    "heights",
    "vale",
    "embankment",
    "esplanade",
    "promenade",
    "broadway",
    "plaza",
    "alley",
    "causeway",
    "expressway",
    "freeway",
    "turnpike",
];

/// The first of up to three capitalised words of token `k`'s line right before it that a
/// place's name may hold (not "at", "the", … nor a pronoun's contraction such as "It's"
/// opening the answer; "O'Connell" and "Mary's" may): `k` itself when there is none.
fn capitalised_before(tokens: &[Token], k: usize) -> usize {
    let mut first = k;
    while first > 0
        && k - first < 3
        && tokens[first - 1].line == tokens[k].line
        && tokens[first - 1].class == Class::Word
        && tokens[first - 1].cap
        && !NOT_IN_A_STREET.contains(&tokens[first - 1].text.as_str())
        && !matches!(
            tokens[first - 1].text.as_str(),
            "it's" | "that's" | "here's" | "there's" | "what's" | "i'm" | "we're" | "they're"
        )
    {
        first -= 1;
    }
    first
}

/// Streets named without a number: one to three capitalised words, then a street's suffix
/// ("Mill Lane", "Church Street", "High St"); each as its first token and one past its last.
pub(crate) fn street_names(tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for k in 1..tokens.len() {
        if !STREET_SUFFIXES.contains(&tokens[k].text.as_str()) {
            continue;
        }
        let first = capitalised_before(tokens, k);
        if first < k {
            out.push((first, k + 1));
        }
    }
    out
}

/// A house's name and the street it is on, said with no number ("Rose cottage, Mill Lane,
/// Little Snoring, …", tiny.en on 8 kHz µ-law, its request heard as "what's the rest for
/// delivery", round 78): one to three capitalised words and a kind of house ("Cottage",
/// "Farm", "Lodge", in any case), a comma at most, then a street ([`street_names`]): from the
/// house's name to the street's end, with a ZIP code after it, as one address.
pub(crate) fn houses_on_streets(tokens: &[Token]) -> Vec<Detection> {
    const HOUSES: &[&str] = &[
        "cottage",
        "cottages",
        "house",
        "farm",
        "farmhouse",
        "lodge",
        "barn",
        "manor",
        "villa",
        "bungalow",
        "rectory",
        "vicarage",
    ];
    let mut out = Vec::new();
    let mut runs = None;
    for k in 1..tokens.len() {
        if !HOUSES.contains(&tokens[k].text.as_str()) {
            continue;
        }
        let first = capitalised_before(tokens, k);
        let from = if tokens.get(k + 1).is_some_and(|t| t.text == ",") {
            k + 2
        } else {
            k + 1
        };
        let end = (from + 4).min(tokens.len());
        let street = street_names(&tokens[from..end])
            .into_iter()
            .find(|&(a, _)| a == 0);
        let (Some((_, street_end)), true) = (street, first < k) else {
            continue;
        };
        if tokens[from..from + street_end]
            .iter()
            .any(|t| t.line != tokens[k].line)
        {
            continue;
        }
        let runs = runs.get_or_insert_with(|| crate::tokens::digit_runs(tokens));
        out.push(Detection {
            kind: FindingKind::Address,
            first,
            last: zip_after(tokens, from + street_end, runs),
            confidence: 0.5,
            normalized: String::new(),
        });
    }
    out
}

/// Sites named as an address without a street ("Kirkstall Industrial Park", "Curkstall
/// industrial park", "Meadow Business Centre"): one to three capitalised words, a kind of site
/// and "park", "estate", "centre" or "center", in any case; each as its first token and one
/// past its last.
pub(crate) fn site_names(tokens: &[Token]) -> Vec<(usize, usize)> {
    const KINDS: &[&str] = &[
        "industrial",
        "business",
        "trading",
        "retail",
        "science",
        "technology",
        "office",
        "enterprise",
    ];
    let mut out = Vec::new();
    for k in 2..tokens.len() {
        if !matches!(
            tokens[k].text.as_str(),
            "park" | "estate" | "centre" | "center"
        ) || !KINDS.contains(&tokens[k - 1].text.as_str())
        {
            continue;
        }
        let first = capitalised_before(tokens, k - 1);
        if first < k - 1 {
            out.push((first, k + 1));
        }
    }
    out
}

/// A flat's number and the street it is on, said without the house's number ("Flat 9, Cavendish
/// House, Queens Road.", its request heard as "the first light of your embrace" on a mono
/// recording; "Flight 9, …" for "Flat nine"), or a unit's on a site ([`site_names`]): from the
/// flat's word to the street's end, with the town and postcode after it, as one address.
pub(crate) fn flats_on_streets(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut runs = None;
    for k in 0..tokens.len().saturating_sub(2) {
        let number = |t: &Token| t.class == Class::Digits || crate::tokens::is_number_word(t);
        // Or a digit's homophone ("Unit for Curxtile Industrial Park", base for "Unit four,
        // Kirkstall …").
        let heard = |t: &Token| number(t) || crate::tokens::homophone(&t.text).is_some();
        if !matches!(
            tokens[k].text.as_str(),
            "flat" | "apartment" | "apt" | "unit" | "suite" | "flight"
        ) || !heard(&tokens[k + 1])
            || tokens[k + 1].line != tokens[k].line
        {
            continue;
        }
        let end = (k + 2..tokens.len())
            .take_while(|&j| {
                tokens[j].line == tokens[k].line
                    && !matches!(tokens[j].text.as_str(), "." | "?" | "!")
            })
            .take(10)
            .last()
            .map_or(k + 2, |j| j + 1);
        // Or the site it is on ("unit 4, Curkstall industrial park", tiny.en for a work
        // address's "Unit four, Kirkstall Industrial Park").
        let said = &tokens[k + 2..end];
        let Some(&(street, street_end)) = street_names(said).first().or(site_names(said).first())
        else {
            continue;
        };
        // Only a building's name, a house's number and commas between ("My flight 9 was on
        // time, we landed near Queens Road." is none).
        if !tokens[k + 2..k + 2 + street]
            .iter()
            .all(|t| t.text == "," || (t.class == Class::Word && t.cap) || number(t))
        {
            continue;
        }
        // A homophone only before a name capitalised to its end ("… Industrial Park"; not "The
        // unit for Riverside business park sales"), and not after "flight" ("My flight to
        // Queens Road …").
        if !number(&tokens[k + 1])
            && (!tokens[k + 2 + street_end - 1].cap || tokens[k].text == "flight")
        {
            continue;
        }
        let runs = runs.get_or_insert_with(|| crate::tokens::digit_runs(tokens));
        out.push(Detection {
            kind: FindingKind::Address,
            first: k,
            last: zip_after(tokens, k + 2 + street_end, runs),
            confidence: 0.5,
            normalized: String::new(),
        });
    }
    out
}

fn words_before(tokens: &[Token], i: usize, n: usize) -> String {
    let start = i.saturating_sub(n);
    tokens[start..i]
        .iter()
        .filter(|t| t.class != Class::Punct || t.text == "'")
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ' ", "'")
}

/// Whether `before` is one of `phrases` or ends with one as whole words (no allocation: this
/// runs for every word of every line).
fn ends_with_phrase(before: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        before == *p
            || before
                .strip_suffix(p)
                .is_some_and(|head| head.ends_with(' '))
    })
}

/// Names a partial (window line `line` of `tokens`) shows before its final can say: the
/// capitalised word it ends in after a phrase that gives a name, though it may be a word too cut
/// off ("The account holder is No", "my name is So", the agent's "Thank you Mr. Ok"); and every
/// capitalised word of a caller's answer to a question for a name while that answer holds only
/// names and words that are none ("Achterberg. Liesbeth", "I'm Reverend Hollis. Andrew A").
pub(crate) fn names_in_partial(
    tokens: &[Token],
    line: usize,
    partial_end: usize,
) -> Vec<(usize, usize)> {
    let Some(i) = tokens.len().checked_sub(1) else {
        return Vec::new();
    };
    let t = &tokens[i];
    if t.line != line {
        return Vec::new();
    }
    let first = tokens[..i]
        .iter()
        .rposition(|n| n.line != line)
        .map_or(0, |p| p + 1);
    let said = &tokens[first..];
    let name_like = |n: &Token| {
        n.class == Class::Word
            && n.cap
            && n.text != "i"
            && !NOT_NAME.contains(&n.text.as_str())
            && !TITLES.contains(&n.text.as_str())
    };
    let answered = !t.agent
        && name_question_before(tokens, first)
        && !previous_line_asks(tokens, first, SECRET_QUESTIONS)
        && said.iter().all(|n| {
            n.class == Class::Punct
                || NOT_NAME.contains(&n.text.as_str())
                || (n.class == Class::Word && n.cap)
        });
    if answered {
        // The last word too when capitalised, though it is a word that is no name: it may be one
        // cut off ("Ok" of "Okonkwo", "And" of "Andrew").
        return said
            .iter()
            .filter(|n| {
                name_like(n)
                    || (n.end == partial_end && n.cap && n.class == Class::Word && n.text != "i")
            })
            .map(|n| (n.start, n.end))
            .collect();
    }
    // Capitalised words after a greeting, which "here", "calling" or "speaking" may follow
    // ("Hiya, Debo", "Hi there, Marcus Bell ca"), and capitalised words after a comma ending an
    // answer to a question for a name ("The account holder, Rhiann"): the final redacts such
    // names.
    if !t.agent {
        let greeted = said
            .iter()
            .position(|n| n.class != Class::Punct && !GREETINGS.contains(&n.text.as_str()))
            .filter(|&k| k > 0);
        let after_comma = said
            .iter()
            .rposition(|n| n.text == ",")
            .filter(|_| name_asked_before(tokens, first))
            .filter(|_| !previous_line_asks(tokens, first, SECRET_QUESTIONS))
            .map(|c| c + 1);
        for (start, before_here) in [(greeted, true), (after_comma, false)] {
            let Some(start) = start else { continue };
            let rest = &said[start..];
            let run = rest
                .iter()
                .take_while(|n| {
                    name_like(n)
                        || (n.text == "-" && n.class == Class::Punct)
                        || (n.class == Class::Word
                            && n.cap
                            && n.end == partial_end
                            && n.text != "i")
                })
                .count();
            // What follows the names: nothing, or "here", "calling" or "speaking" being said.
            let tail_ok = match &rest[run..] {
                [] => true,
                [n] => {
                    before_here
                        && n.end == partial_end
                        && ["here", "calling", "speaking"]
                            .iter()
                            .any(|w| w.starts_with(n.text.as_str()))
                }
                _ => false,
            };
            let words = rest[..run]
                .iter()
                .filter(|n| n.class == Class::Word)
                .count();
            if (1..=4).contains(&words) && tail_ok {
                return rest[..run]
                    .iter()
                    .filter(|n| n.class == Class::Word)
                    .map(|n| (n.start, n.end))
                    .collect();
            }
        }
    }
    if t.class != Class::Word || t.end != partial_end || t.text == "i" {
        return Vec::new();
    }
    let before = words_before(tokens, i, 5);
    // The agent naming the caller after a title says the caller's name too.
    let after_title = i >= 1
        && (TITLES.contains(&tokens[i - 1].text.as_str())
            || (i >= 2
                && tokens[i - 1].text == "."
                && TITLES.contains(&tokens[i - 2].text.as_str())));
    // In lower case, a word cut off right after a title ("sorry mrs ok") or a relative ("yes im
    // his wife pr", "my husband ravi sh"): the final redacts such a name.
    let lower_cut = !t.cap
        && t.text.chars().count() >= 2
        && !NOT_IN_A_STREET.contains(&t.text.as_str())
        // After a title even a word that is none may be a name cut off ("mrs ok" of "okafor");
        // after a relative, not a word of what they do, how or when ("my husband mark said").
        && (after_title || may_be_relatives_name(&t.text))
        && (after_title
            || ends_with_phrase(&before, RELATION_CUES)
            || (i >= 1
                && tokens[i - 1].class == Class::Word
                && !tokens[i - 1].cap
                && may_be_relatives_name(&tokens[i - 1].text)
                && ends_with_phrase(&words_before(tokens, i - 1, 5), RELATION_CUES)));
    let cued =
        (lower_cut || (t.cap && ends_with_phrase(&before, NAME_CUES))) && (!t.agent || after_title);
    if cued {
        vec![(t.start, t.end)]
    } else {
        Vec::new()
    }
}

/// A word in lower case after a relative that may be their name: not one of what they do, how or
/// when ("my husband mark said", "my husband always").
fn may_be_relatives_name(word: &str) -> bool {
    ![
        NOT_NAME,
        RELATIVE_DOES,
        NOT_A_RELATIVES_NAME,
        NOT_AFTER_A_RELATIVE,
        NOT_A_NAME_ANSWER,
    ]
    .iter()
    .any(|list| list.contains(&word))
}

/// Names after a cue phrase, or at the start of an answer to "what's your name?".
pub(crate) fn names(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        // An initial after a title opens the name ("Mrs A. Okonkwo"), though "a" is no name.
        let title_before = |k: usize| TITLES.contains(&tokens[k].text.as_str());
        let initial_first = t.cap
            && t.text.chars().count() == 1
            && i > 0
            // "Mrs A.", "Mr. B."
            && (title_before(i - 1)
                || (i > 1 && tokens[i - 1].text == "." && title_before(i - 2)))
            && tokens
                .get(i + 1)
                .is_some_and(|d| d.text == "." && d.start == t.end)
            && tokens
                .get(i + 2)
                .is_some_and(|n| n.line == t.line && n.class == Class::Word && n.cap);
        // In lower case, an initial that is a word too right after a title, before more of the
        // name ("mr a j patel").
        let lower_initial_first = !t.cap
            && t.text.chars().count() == 1
            && i > 0
            && title_before(i - 1)
            && tokens[i - 1].line == t.line
            && tokens.get(i + 1).is_some_and(|n| {
                n.line == t.line
                    && n.class == Class::Word
                    && !NOT_IN_A_STREET.contains(&n.text.as_str())
                    // "a lot", "a bit": the article.
                    && !matches!(
                        n.text.as_str(),
                        "lot" | "bit" | "few" | "little" | "couple" | "while" | "lot."
                    )
            });
        let initial_first = initial_first || lower_initial_first;
        // Letters glued to digits are a code ("QX7K2LM", "LK19"), never a name.
        let glued_to_digits =
            (i > 0 && tokens[i - 1].class == Class::Digits && tokens[i - 1].end == t.start)
                || tokens
                    .get(i + 1)
                    .is_some_and(|n| n.class == Class::Digits && n.start == t.end);
        if t.class != Class::Word
            || glued_to_digits
            // A title is no name: with none after it ("Is that Mr or Mrs?" - "Ms."), or with
            // the name after it, which the title cues ("It's Dr. Patel").
            || TITLES.contains(&t.text.as_str())
            || (NOT_NAME.contains(&t.text.as_str()) && !initial_first)
        {
            i += 1;
            continue;
        }
        let before = words_before(tokens, i, 5);
        let cued = ends_with_phrase(&before, NAME_CUES) || miss_as_title(tokens, i);
        // Not the agent's line: a caller's "Same surname." asks the agent for no name, and the
        // agent's own name is theirs to say.
        let answered = !t.agent
            && opens_line(tokens, i)
            && (name_question_before(tokens, i)
                || ((previous_line_asks(tokens, i, NAME_ASKED) || asks_any_name(tokens, i))
                    // "What's the name of the street?", "… of your first pet?": an address
                    // part and a credential.
                    && !previous_line_asks(tokens, i, ADDRESS_QUESTIONS)
                    && !previous_line_asks(tokens, i, SECRET_QUESTIONS)
                    && {
                        let first = crate::tokens::line_start(tokens, i);
                        match crate::tokens::answers_line_before(tokens, first) {
                            Some(true) => true,
                            // A question ASR wrote with no punctuation ("who's calling please",
                            // "and the account holder").
                            Some(false) => {
                                previous_line_unpunctuated(tokens, i)
                                    && (previous_line_text(tokens, i).is_some_and(|t| requests_in_words(&t))
                                        || previous_line_asks(tokens, i, &["who"]))
                            }
                            None => false,
                        }
                    }));
        // After "this is", "it's", "I'm" or a title only a capitalised word is a name ("it's
        // fine", "I miss it").
        // Fillers between the cue and the name do not count ("it's uh deborah").
        let before_said = {
            let mut k = i;
            while k > 0
                && tokens[k - 1].line == t.line
                && matches!(
                    tokens[k - 1].text.as_str(),
                    "uh" | "um"
                        | "er"
                        | "erm"
                        | ","
                        | "still"
                        | "actually"
                        | "now"
                        | "just"
                        | "only"
                        | "well"
                        | "also"
                )
            {
                k -= 1;
            }
            if k == i {
                before.clone()
            } else {
                words_before(tokens, k, 5)
            }
        };
        let intro = ends_with_phrase(
            &before_said,
            &[
                "this is", "it is", "it's", "i am", "i'm", "call me", "calls me",
            ],
        );
        // A name cut in two lines by a pause ("Jonathan" - "Whitfield-Ames."): a line of
        // capitalised words only, after the speaker's line of capitalised words only that
        // answered a question for a name.
        let name_goes_on = t.cap
            && !t.agent
            && only_capitalised(tokens, i)
            && previous_line(tokens, i).is_some_and(|previous| {
                let p = previous[0].line;
                let first = tokens.iter().position(|n| n.line == p).unwrap_or(0);
                previous[0].agent == t.agent
                    && only_capitalised(tokens, first)
                    && name_asked_before(tokens, first)
            });
        // A caller saying who they are before "here", "calling" or "speaking", with only a
        // greeting before it ("Hiya, Deborah here", "Hi there, Marcus Bell calling from
        // Hollins Ltd"): capitalised only.
        let named_before_here = t.cap && !t.agent && {
            let greeted = tokens[..i]
                .iter()
                .rev()
                .take_while(|n| n.line == t.line)
                .all(|n| n.class == Class::Punct || GREETINGS.contains(&n.text.as_str()));
            let name_end = (i..tokens.len().min(i + 3))
                .take_while(|&k| {
                    tokens[k].line == t.line
                        && tokens[k].class == Class::Word
                        && tokens[k].cap
                        && !NOT_NAME.contains(&tokens[k].text.as_str())
                })
                .last();
            greeted
                && name_end.is_some_and(|e| {
                    tokens.get(e + 1).is_some_and(|n| {
                        n.line == t.line
                            && matches!(n.text.as_str(), "here" | "calling" | "speaking")
                    })
                })
        };
        // Someone else said to be who they are ("I'm calling for my mum. She's Margaret
        // Oyelaran-Finch.", "My brother is Cathal."): capitalised only, as after "it's".
        let third_party = ends_with_phrase(&before_said, &["he's", "she's", "he is", "she is"])
            || (i >= 2
                && tokens[i - 2].line == t.line
                && matches!(tokens[i - 1].text.as_str(), "is" | "was")
                && {
                    // "my daughter's is Luna".
                    let whom = tokens[i - 2].text.as_str();
                    let whom = whom.strip_suffix("'s").unwrap_or(whom);
                    (RELATION_CUES.contains(&whom) || MORE_RELATIVES.contains(&whom))
                        && !NAME_WORDS.contains(&whom)
                });
        // Someone close to the caller, after the word for them ("my friend Dara", "a friend of
        // mine, Olusegun Bello", "my nephew Ruairí"): capitalised, or in lower case ending its
        // clause (`person_ends_clause`).
        let close_word_before = i >= 2 && {
            let k = if tokens[i - 1].text == "," {
                i - 2
            } else {
                i - 1
            };
            let close = |w: &str| CLOSE_PEOPLE.contains(&w) || MORE_RELATIVES.contains(&w);
            // "my son-in-law, Callum Fraser".
            let in_law = tokens[k].text == "law"
                && k >= 5
                && tokens[k - 1].text == "-"
                && tokens[k - 2].text == "in"
                && tokens[k - 3].text == "-"
                && RELATION_CUES.contains(&tokens[k - 4].text.as_str());
            let k = if in_law { k - 4 } else { k };
            // Someone met, in apposition ("a lady, Aoife Brennan, she gave me …", "the young
            // man, Theo, …").
            let determiner = |j: usize| {
                matches!(
                    tokens[j].text.as_str(),
                    "a" | "the" | "this" | "that" | "some"
                )
            };
            let stranger = tokens[i - 1].text == ","
                && STRANGERS.contains(&tokens[k].text.as_str())
                && (determiner(k - 1) || (k >= 2 && determiner(k - 2)));
            tokens[k].line == t.line
                && k >= 1
                && (stranger
                    || (close(&tokens[k].text) || in_law)
                        && matches!(tokens[k - 1].text.as_str(), "my" | "our")
                    || (matches!(tokens[k].text.as_str(), "mine" | "ours")
                        && k >= 2
                        && tokens[k - 1].text == "of"
                        && close(&tokens[k - 2].text)))
        };
        // A name said with how it is spelled ("Is that Ian with one n?", "Yes, Ian, with one n",
        // "that's clarke with an e"), in lower case too.
        let spelled_with = (t.cap
            || (!NOT_NAME.contains(&t.text.as_str())
                && t.text.chars().count() >= 3
                && !matches!(
                    t.text.as_str(),
                    "spelled"
                        | "spelt"
                        | "spell"
                        | "written"
                        | "starts"
                        | "start"
                        | "ends"
                        | "end"
                        | "begins"
                        | "one"
                        | "name"
                        | "that"
                        | "it's"
                        | "this"
                )))
            && {
                let w = if tokens.get(i + 1).is_some_and(|n| n.text == ",") {
                    i + 2
                } else {
                    i + 1
                };
                let letter = |n: &Token| {
                    n.class == Class::Word
                        && (n.text.chars().count() == 1
                            || (n.text.chars().count() <= 3
                                && (n.text.ends_with("'s") || n.text.ends_with('s'))))
                };
                tokens[i..(w + 3).min(tokens.len())]
                    .iter()
                    .all(|n| n.line == t.line)
                    && tokens.get(w).is_some_and(|n| n.text == "with")
                    && tokens.get(w + 1).is_some_and(|n| {
                        matches!(
                            n.text.as_str(),
                            "one" | "two" | "a" | "an" | "double" | "no"
                        )
                    })
                    && tokens.get(w + 2).is_some_and(letter)
                    && tokens
                        .get(w + 3)
                        .is_none_or(|n| n.line != t.line || n.class == Class::Punct)
            };
        // "it's", not "call me": the caller saying who they are.
        let says_who = ends_with_phrase(&before_said, &["this is", "it is", "it's", "i am", "i'm"]);
        // A name asked for on the line before.
        let name_asked =
            || name_question_before(tokens, i) && !previous_line_asks(tokens, i, SECRET_QUESTIONS);
        let title = ends_with_phrase(
            &before,
            &["mr", "mrs", "ms", "mister", "missus", "dr", "doctor"],
        ) || miss_as_title(tokens, i);
        // "First name John", "my husband's name, David Brown", "my mom, Linda Park": in the
        // same sentence (not "… my dad. Then …"), a capitalised word only.
        // "a service called RasMan", "an app named Zoom": a thing's name, not a person's.
        let thing_called = ends_with_phrase(&before, &["called", "named"])
            && (i >= 2 && THINGS_NAMED.contains(&tokens[i - 2].text.as_str())
                || (i >= 3
                    && matches!(tokens[i - 2].text.as_str(), "is" | "was" | "'s")
                    && (THINGS_NAMED.contains(&tokens[i - 3].text.as_str())
                        || INSTITUTIONS_NAMED.contains(&tokens[i - 3].text.as_str()))));
        let relation = !thing_called
            && (0..i)
                .rev()
                .find(|&k| !matches!(tokens[k].text.as_str(), "," | ":"))
                .is_some_and(|k| tokens[k].class == Class::Word && tokens[k].line == t.line)
            && (ends_with_phrase(&before, RELATION_CUES)
                // Past a filler ("First name still Anjali").
                || ends_with_phrase(&before_said, RELATION_CUES)
                || (ends_with_phrase(&before, RENAMED_CUES)
                    && tokens[..i]
                        .iter()
                        .rev()
                        .take_while(|n| n.line == t.line)
                        .any(|n| matches!(n.text.as_str(), "name" | "surname"))));
        // "it's my mother's, Patricia Nwosu": capitalised only, after a comma.
        let possessive = !relation
            && tokens[..i].last().is_some_and(|c| c.text == ",")
            && before
                .strip_suffix(" ,")
                .unwrap_or(&before)
                .strip_suffix("'s")
                .is_some_and(|b| ends_with_phrase(b, RELATION_CUES));
        // The answer to a question about a relative ("Is your daughter on the account?" -
        // "Yes, Sophie."): a capitalised word opening it.
        let relative_asked = t.cap
            && !NOT_A_RELATIVE.contains(&t.text.as_str())
            && crate::tokens::month(&t.text).is_none()
            // The name alone, or with more of it ("Yes, Sophie.", "Sophie Lee", "Sophie and
            // Tom"), not a sentence ("He's twelve.", "No, Monday he is away.").
            && tokens.get(i + 1).is_none_or(|n| {
                n.line != t.line
                    || n.class == Class::Punct
                    || (n.class == Class::Word && (n.cap || n.text == "and"))
            })
            && (opens_line(tokens, i)
                // The next name of the answer ("Tom and Lily").
                || (tokens[i - 1].text == "and" && out.last().is_some_and(|d: &Detection| d.last + 1 == i)))
            && previous_line_asks(tokens, i, &["?"])
            && previous_line_asks(tokens, i, RELATIVES)
            && !previous_line_asks(tokens, i, SECRET_QUESTIONS);
        // "The account is under Smith, John.": a capitalised word only ("under review").
        let under = ends_with_phrase(
            &before,
            &[
                "is under",
                "it's under",
                "its under",
                // "Put it under Delphine", "book it under Smith".
                "it under",
                "under the name",
                "under the name of",
                "booked under",
                "registered under",
                "listed under",
            ],
        );
        // The answer to a question for a name or whom something is under, opening with "under"
        // ("What's the owner's surname?" - "Yes, under Abernathy.", "Who's the account
        // under?" - "Under Chukwuemeka.").
        let under_answer = !t.agent
            && i >= 1
            && tokens[i - 1].text == "under"
            && tokens[i - 1].line == t.line
            && opens_line(tokens, i - 1)
            && (name_asked()
                || (previous_line_asks(tokens, i, &["under"])
                    && previous_line_asks(tokens, i, &["?"])));
        // A booking or an account said to be under a capitalised word on its line ("I'd like
        // to book two nights from the 14th, under Nakashima."): whose name it is in.
        let under_booked = t.cap
            && i >= 1
            && tokens[i - 1].text == "under"
            && tokens[..i - 1]
                .iter()
                .rev()
                .take_while(|n| n.line == t.line)
                .any(|n| {
                    UNDER_A_NAME
                        .iter()
                        .any(|w| n.text.starts_with(w) && n.text.len() <= w.len() + 3)
                });
        let under = under || under_answer || under_booked;
        // A person asked for by name ("Can I speak to Jennifer?"), and the next of two names
        // said together ("Luis and Carmen Alvarez"): capitalised only.
        let asked_for_by_name = !TITLES.contains(&t.text.as_str())
            && ends_with_phrase(
                &before,
                &[
                    "speak to",
                    "speak with",
                    "speaking to",
                    "looking for",
                    "ask for",
                    "asking for",
                    // "Tell Priya I called", "Let Priya know".
                    "tell",
                    "let",
                    "put me down as",
                    "put it down as",
                    // Whom a call or a thing is for or whose it is ("I'm ringing on behalf of
                    // Edith Chambers", "It's registered to Kwame Mensah-Bonsu").
                    "on behalf of",
                    "registered to",
                    "belongs to",
                    "belonged to",
                ],
            )
            // Whom a role on an account names ("The beneficiary is Rosa Delgado.", "Next of
            // kin: Abdul Rahman bin Yusuf.").
            || (i >= 2
                && tokens[i - 2].line == t.line
                && matches!(tokens[i - 1].text.as_str(), "is" | "was" | ":")
                && (ROLES_NAMED.contains(&tokens[i - 2].text.as_str())
                    || (tokens[i - 2].text == "kin"
                        && i >= 4
                        && tokens[i - 3].text == "of"
                        && tokens[i - 4].text == "next")));
        // The end of an answer to a question for a name, set off by a comma or as a sentence of
        // its own: two or three capitalised words, not a company ("It's under my company,
        // Brightside Ltd, but my name's on it too, Kelechi Eze.", "That'd be my father. He
        // passed away last month. Seamus O'Donoghue.").
        let answer_tail = !t.agent
            && t.cap
            && i >= 1
            && tokens[i - 1].line == t.line
            && matches!(tokens[i - 1].text.as_str(), "," | "." | "!")
            && (name_asked()
                || ((previous_line_asks(tokens, i, NAME_ASKED) || asks_any_name(tokens, i))
                    && !previous_line_asks(tokens, i, ADDRESS_QUESTIONS)
                    && !previous_line_asks(tokens, i, SECRET_QUESTIONS)))
            && {
                // A hyphen glued between two words joins them ("Pryce-Jones").
                let joined = |k: usize| {
                    tokens[k].text == "-"
                        && k > i
                        && tokens[k - 1].end == tokens[k].start
                        && tokens
                            .get(k + 1)
                            .is_some_and(|n| n.start == tokens[k].end && n.class == Class::Word)
                };
                let end = (i..tokens.len())
                    .find(|&k| {
                        tokens[k].line != t.line || (tokens[k].class == Class::Punct && !joined(k))
                    })
                    .unwrap_or(tokens.len());
                let words: Vec<&Token> = tokens[i..end]
                    .iter()
                    .filter(|n| n.class != Class::Punct)
                    .collect();
                (2..=4).contains(&words.len())
                    && words.iter().all(|w| {
                        w.cap
                            && w.class == Class::Word
                            && !NOT_NAME.contains(&w.text.as_str())
                            && !COMPANY_WORDS.contains(&w.text.as_str())
                    })
                    && tokens
                        .get(end)
                        .is_none_or(|n| n.line != t.line || matches!(n.text.as_str(), "." | "!"))
            };
        let and_next = i >= 1
            && tokens[i - 1].text == "and"
            && out
                .last()
                .is_some_and(|d: &Detection| d.last + 1 == i && tokens[d.first].line == t.line);
        // The word a spelling right after it begins to spell ("So that's Jones, J-O-N").
        let spelled_after = t.cap && spelled_next(tokens, i);
        // A surname after its first name and the first name's spelling ("Siobhan, S I O B H A
        // N, Keane."): capitalised, or in lower case where it ends its clause.
        let after_spelled_name = !t.agent
            && t.text.chars().count() >= 2
            && i > 1
            // Cheap first: a letter, or a comma after one, right before it.
            && (tokens[i - 1].text.chars().count() == 1
                || (tokens[i - 1].text == "," && tokens[i - 2].text.chars().count() == 1))
            && !NOT_NAME.contains(&t.text.as_str())
            && (t.cap
                || tokens.get(i + 1).is_none_or(|n| {
                    n.line != t.line || matches!(n.text.as_str(), "." | "," | "?")
                }))
            && {
                let same_line = |k: usize| k > 0 && tokens[k - 1].line == t.line;
                let mut k = i;
                while same_line(k) && tokens[k - 1].text == "," {
                    k -= 1;
                }
                let letters_end = k;
                let mut letters = 0;
                while same_line(k)
                    && (tokens[k - 1].text == "-"
                        || (tokens[k - 1].class == Class::Word
                            && tokens[k - 1].text.chars().count() == 1))
                {
                    letters += usize::from(tokens[k - 1].text != "-");
                    k -= 1;
                }
                while k < letters_end && same_line(k) && tokens[k - 1].text == "," {
                    k -= 1;
                }
                // After a name found, or the first word of an answer to a question for a name
                // (in lower case another rule may have found it).
                letters >= 3
                    && (out
                        .last()
                        .is_some_and(|d: &Detection| d.last == k && d.last > d.first)
                        || (same_line(k)
                            && tokens[k - 1].class == Class::Word
                            && opens_line(tokens, k - 1)
                            && name_asked_before(tokens, k - 1)))
            };
        // More of a name after a comma, to the end of its sentence ("it's Bernadette, Bernie,
        // Costigan."): one or two words, each after a comma, right after a name on its line;
        // capitalised as the name was, or in lower case of three letters or more.
        let more_after_comma = !t.agent
            && i >= 2
            && tokens[i - 1].text == ","
            && out
                .last()
                .is_some_and(|d: &Detection| d.last == i - 1 && tokens[d.first].line == t.line)
            && {
                let name_like = |w: &Token| {
                    w.line == t.line
                        && w.class == Class::Word
                        && !NOT_NAME.contains(&w.text.as_str())
                        && !NOT_A_NAME_ANSWER.contains(&w.text.as_str())
                        && (w.cap || (!t.cap && may_be_relatives_name(&w.text)))
                        && w.text.chars().count() >= if w.cap { 2 } else { 3 }
                };
                let mut k = i;
                let mut words = 0;
                loop {
                    if !tokens.get(k).is_some_and(name_like) || words == 2 {
                        break false;
                    }
                    words += 1;
                    k += 1;
                    match tokens.get(k) {
                        None => break true,
                        Some(n)
                            if n.line != t.line || matches!(n.text.as_str(), "." | "?" | "!") =>
                        {
                            break true
                        }
                        Some(n) if n.text == "," => k += 1,
                        _ => break false,
                    }
                }
            };
        // "its" as whisper often writes "it's", before a capitalised word in the answer to a
        // question for a name ("… August 29 and its Daniel J. Morgan.").
        let its_answer =
            t.cap && ends_with_phrase(&before_said, &["its"]) && name_question_before(tokens, i);
        let cued = cued
            || its_answer
            || more_after_comma
            || after_spelled_name
            || answer_tail
            || spelled_after
            || relation
            || relative_asked
            || under
            || intro
            || third_party
            || named_before_here
            || name_goes_on
            || possessive
            || asked_for_by_name
            || close_word_before
            || spelled_with
            || and_next;
        let weak_cue = intro
            || third_party
            || title
            || relation
            || relative_asked
            || under
            || possessive
            || asked_for_by_name
            || close_word_before
            || and_next;
        // The agent introducing themselves ("this is Sam") is not caller data; the agent naming
        // the caller ("Thanks, Mrs Lopez") is.
        let self_intro = t.agent
            && (intro
                || ends_with_phrase(&before, &["my name is", "my name's", "my names", "name is"]));
        // No cue and no question for a name: none here (what follows only narrows a cued word).
        if !(cued || answered) || self_intro {
            i += 1;
            continue;
        }
        // A name ASR wrote in lower case: the whole of a short answer to a question for one
        // ("yeah it's john smith"), or after "this is" with what follows a caller's own name
        // ("this is jennifer calling").
        let said_after = tokens.get(i + 1).map(|n| n.text.as_str()).unwrap_or("");
        let rest: Vec<&str> = tokens[i..]
            .iter()
            .take_while(|n| n.line == t.line)
            .filter(|n| n.class == Class::Word)
            .map(|n| n.text.trim_end_matches("'s"))
            .collect();
        // Not an answer about whose name it is ("my wife's name, Ingrid", "my mom, Linda").
        let relation_word = |w: &str| RELATION_CUES.iter().any(|p| p.split(' ').any(|c| c == w));
        let relation_words = || rest.iter().any(|w| relation_word(w));
        let relation_words_in_clause = || {
            tokens[i..]
                .iter()
                .take_while(|n| n.line == t.line && n.class != Class::Punct)
                .any(|n| relation_word(n.text.trim_end_matches("'s")))
        };
        // After a determiner or "about" a word in lower case is a thing ("Calling about my
        // bill.").
        let thing = i > 0
            && tokens[i - 1].line == t.line
            && matches!(
                tokens[i - 1].text.as_str(),
                "my" | "the" | "a" | "an" | "about" | "your" | "our" | "this" | "regarding"
            );
        // Words before it on the line that say no name follows ("it's not important").
        let denied = tokens[..i]
            .iter()
            .rev()
            .take_while(|n| n.line == t.line)
            .any(|n| matches!(n.text.as_str(), "not" | "don't" | "rather"));
        // The words of a lower-case answer up to the first that is no name: the name before
        // what else the caller says ("gary lineker no joke", "john smith please").
        // Up to the end of its clause: "oliver james pemberton, 14th of august 2019".
        let leading = tokens[i..]
            .iter()
            .take_while(|n| n.line == t.line && n.class != Class::Punct)
            .filter(|n| n.class == Class::Word)
            .map(|n| n.text.trim_end_matches("'s"))
            .take_while(|w| !NOT_NAME.contains(w) && !NOT_A_NAME_ANSWER.contains(w))
            .count();
        // With more said after it, the name opens the answer: only a greeting or "it's" before
        // it ("just calling to check my balance" names no one).
        let opens_answer = || {
            tokens[..i]
                .iter()
                .rev()
                .take_while(|n| n.line == t.line)
                .all(|n| n.class == Class::Punct || NAME_OPENERS.contains(&n.text.as_str()))
        };
        // An answer that asks something back names no one in lower case ("Yes. How can I
        // help?").
        let asks_back = tokens[i..]
            .iter()
            .take_while(|n| n.line == t.line)
            .any(|n| n.text == "?");
        // After a relative, one or two words in lower case that end the line ("its under my
        // husband ravi shankar", "yes im his wife priya"), none a word of how, when or what
        // else ("my husband too", "my son tomorrow", "my wife please").
        // Or ends its sentence or clause ("it's for my husband, devon. devon …", "last name
        // fitzgerald-o'hara, first name ciara"), a hyphen joining two words of it.
        // Unpunctuated, a pronoun that goes on about the person opens the next clause ("a young
        // man called theo baptiste his number is …").
        // Not after a relative alone: "my son broke his arm".
        let person_cued = || {
            asked_for_by_name
                || close_word_before
                || under
                || ends_with_phrase(&before, &["called", "named"])
        };
        let opens_clause = |k: usize| {
            k > i
                && !t.cap
                && matches!(
                    tokens[k].text.as_str(),
                    "his" | "her" | "he" | "she" | "he's" | "she's" | "hes" | "shes" | "their"
                )
                && person_cued()
        };
        let clause_end = (i..tokens.len())
            .find(|&k| {
                tokens[k].line != t.line
                    || (tokens[k].class == Class::Punct
                        && !(tokens[k].text == "-" && tokens[k].start == tokens[k - 1].end))
                    || opens_clause(k)
            })
            .unwrap_or(tokens.len());
        let clause: Vec<&str> = tokens[i..clause_end]
            .iter()
            .filter(|n| n.class == Class::Word)
            .map(|n| n.text.trim_end_matches("'s"))
            .collect();
        // A question reading a name back ends one too, right after "name still" or "name is"
        // ("is your mother's maiden name still brennan?"), not any word before "?" ("who's the
        // named driver?").
        let read_back = i >= 2
            && matches!(tokens[i - 1].text.as_str(), "still" | "is" | "was")
            && matches!(tokens[i - 2].text.as_str(), "name" | "surname");
        let closed = tokens.get(clause_end).is_none_or(|n| {
            n.line != t.line
                || matches!(n.text.as_str(), "." | "!" | ",")
                || (n.text == "?" && read_back)
                || opens_clause(clause_end)
        });
        // After a word for a name, its first word may have two letters ("surname ní bhriain").
        // ("first name", "last name" end in "name").
        let named = NAME_WORDS.iter().any(|w| before.ends_with(w));
        let relatives_name_ends_line = relation
            && !t.cap
            && closed
            && (1..=3).contains(&clause.len())
            && clause.iter().enumerate().all(|(k, w)| {
                // A surname of two letters ("ravi oh"), or one being said ("sandra k").
                let least = match (k, named) {
                    (0, false) => 3,
                    (0, true) => 2,
                    _ => 1,
                };
                w.chars().count() >= least && may_be_relatives_name(w)
            });
        // A person asked for, whose a thing is, or close to the caller, in lower case: one to
        // three words that end their clause, none a word of what, how or when ("on behalf of
        // edith chambers, she's 92", "a friend of mine, olusegun bello").
        // The second of two names answering a question for a name ("rosalind and peter
        // kirkpatrick.").
        let and_after_answer = and_next
            && out
                .last()
                .is_some_and(|d: &Detection| opens_line(tokens, d.first));
        let person_ends_clause = !t.cap
            && (asked_for_by_name || close_word_before || under || and_after_answer)
            && closed
            && (1..=3).contains(&clause.len())
            && t.text.chars().count() >= 3
            && clause.iter().all(|w| may_be_relatives_name(w));
        // After a relative in lower case, a first name and a surname before what the person does
        // ("my late father reginald ashworth had an account").
        let surname_then_does = relation
            && !t.cap
            && said_after.chars().count() >= 3
            && may_be_relatives_name(said_after)
            && !NOT_A_RELATIVES_NAME.contains(&said_after)
            && tokens.get(i + 2).is_some_and(|n| {
                n.line == t.line && RELATIVE_DOES.contains(&n.text.as_str()) && n.text != "and"
            });
        let lower_ok = person_ends_clause
            || (answered
            && !TITLES.contains(&t.text.as_str())
            && !thing
            && !asks_back
            && !denied
            // Four words when they are the whole answer ("nguyễn thị minh khai.").
            && ((1..=3).contains(&leading) || (leading == 4 && rest.len() == 4))
            && (leading == rest.len() || opens_answer())
            // A relative named in a later clause is no matter ("dennis okoro, i'm his wife
            // funmi.").
            && !relation_words_in_clause())
            || (intro && matches!(said_after, "calling" | "here" | "speaking" | "from"))
            // Or a name that ends its clause before who the caller is to someone ("yes, i'm
            // karen pike, her daughter").
            // Two words at least: one may be how the caller feels ("i'm confused, her son …").
            || (intro
                && (2..=3).contains(&clause.len())
                && t.text.chars().count() >= 3
                && clause.iter().all(|w| may_be_relatives_name(w))
                && tokens.get(clause_end).is_some_and(|c| c.text == ",")
                && tokens.get(clause_end + 1).is_some_and(|p| {
                    p.line == t.line && matches!(p.text.as_str(), "her" | "his" | "their" | "the")
                })
                && tokens.get(clause_end + 2).is_some_and(|r| {
                    let r = r.text.as_str();
                    r.len() > 2
                        && (RELATION_CUES.contains(&r)
                            || MORE_RELATIVES.contains(&r)
                            || CLOSE_PEOPLE.contains(&r)
                            || ROLES_NAMED.contains(&r))
                }))
            // Or a first name and a surname before them ("this is grace adeyemi-clarke calling
            // for my father").
            || (intro && {
                let says = |w: &str| matches!(w, "calling" | "here" | "speaking" | "from");
                let mut k = i + 1;
                let mut surname = 0;
                while let Some(n) = tokens.get(k).filter(|n| n.line == t.line) {
                    if n.text == "-" && n.start == tokens[k - 1].end {
                        k += 1;
                    } else if n.class == Class::Word
                        && surname < 2
                        && !says(&n.text)
                        && may_be_relatives_name(&n.text)
                    {
                        surname += 1;
                        k += 1;
                    } else {
                        break;
                    }
                }
                surname >= 1
                    && tokens
                        .get(k)
                        .is_some_and(|n| n.line == t.line && says(&n.text))
            })
            // Or before the caller going on to say why they call ("yeah hi this is brenda i'm
            // calling because …").
            || (intro
                && matches!(said_after, "i'm" | "im")
                && tokens.get(i + 2).is_some_and(|n| {
                    n.line == t.line
                        && matches!(
                            n.text.as_str(),
                            "calling" | "ringing" | "phoning" | "trying" | "wondering"
                        )
                }))
            // Right after a title ("thanks mr mcgrath"), not a small word ("Mr or Mrs?") but
            // an initial ("mr a j patel").
            // Its full stop too ("mrs. patricia whitlock").
            || (i > 0
                && tokens[i - 1].line == t.line
                && (!NOT_IN_A_STREET.contains(&t.text.as_str()) || lower_initial_first)
                && (title_just_before(tokens, i) || miss_as_title(tokens, i)))
            // "under" opening the answer, with the name ending the line ("yes, under abernathy").
            || (under_answer && (1..=3).contains(&rest.len()) && leading == rest.len())
            // After "it's" in the answer to a question for one ("yeah hi tom it's uh deborah
            // o'sullivan"): the name, three words at most, ends the line.
            || (says_who
                && rest.len() <= 3
                && !relation_words()
                && !rest.iter().any(|w| NOT_A_NAME_ANSWER.contains(w))
                && name_asked())
            // After a relative, a word in lower case before what a person does ("my husband
            // mark said to call"), not a word of how or when ("my husband always said").
            || (relation
                && (RELATIVE_DOES.contains(&said_after)
                    || relatives_name_ends_line
                    || surname_then_does)
                && t.text.chars().count() >= if named { 2 } else { 3 }
                && !NOT_NAME.contains(&t.text.as_str())
                && !NOT_A_RELATIVES_NAME.contains(&t.text.as_str()));
        // Such a name is the one word, but for the name that ends the line or goes on with its
        // surname.
        let one_word = !t.cap
            && relation
            && !answered
            && !intro
            && !relatives_name_ends_line
            && !surname_then_does;
        // A phrase that says a name follows ("her name is amara reyes, born …") cues one in
        // lower case, as it does with no question before it.
        let named_by_phrase = ends_with_phrase(&before, NAME_CUES) && !weak_cue;
        if !(cued || answered)
            || ((weak_cue || (answered && !named_by_phrase && !spelled_with))
                && !t.cap
                && !lower_ok)
            || self_intro
        {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        // A title or an initial first does not count ("Mr J R Hartley").
        let mut words =
            usize::from(t.text.chars().count() > 1 && !TITLES.contains(&t.text.as_str()));
        // Glued to the token before it, on its line.
        let glued = |k: usize| {
            tokens
                .get(k)
                .is_some_and(|n| n.line == t.line && n.start == tokens[k - 1].end)
        };
        loop {
            if one_word {
                break;
            }
            // "Anne-Marie", "Smith-Jones": a hyphen and a capitalised word, all glued; or a
            // word in lower case, as Korean given names are written ("Ji-woo"), but for a
            // suffix ("John-ish").
            if tokens.get(end).is_some_and(|n| n.text == "-")
                && glued(end)
                && glued(end + 1)
                && tokens[end + 1].class == Class::Word
                && (tokens[end + 1].cap
                    || !t.cap
                    || !matches!(
                        tokens[end + 1].text.as_str(),
                        "ish" | "like" | "esque" | "type" | "style" | "based"
                    ))
            {
                end += 2;
                continue;
            }
            // An initial's full stop ("Jonathan Q. Public"), the first initial's too when more
            // of the name follows ("J. R. Fitzgerald").
            // In lower case a middle initial's, before more of the name ("bartholomew q.
            // ashcroft").
            let lower_middle = !t.cap
                && end - 1 > i
                && tokens.get(end + 1).is_some_and(|n| {
                    n.line == t.line
                        && n.class == Class::Word
                        && n.text.chars().count() >= 2
                        && !NOT_NAME.contains(&n.text.as_str())
                });
            if tokens.get(end).is_some_and(|n| n.text == ".")
                && glued(end)
                && tokens[end - 1].text.chars().count() == 1
                && (tokens[end - 1].cap || lower_middle)
                && (end - 1 > i
                    || initial_first
                    || tokens.get(end + 1).is_some_and(|n| {
                        n.line == t.line && n.class == Class::Word && n.cap && n.text != "i"
                    }))
            {
                end += 1;
                continue;
            }
            // A particle before a capitalised word ("Van Der Berg", "de la Cruz").
            let particle = |k: usize| {
                let mut k = k;
                while tokens
                    .get(k)
                    .is_some_and(|n| n.line == t.line && NAME_PARTICLES.contains(&n.text.as_str()))
                {
                    k += 1;
                }
                k > end
                    && tokens
                        .get(k)
                        .is_some_and(|m| m.line == t.line && m.class == Class::Word && m.cap)
            };
            // An initial that is a word too, after an initial and before more of the name ("j
            // a thompson").
            let initial_between = |k: usize| {
                tokens[k].text.chars().count() == 1
                    && tokens[k - 1].text.chars().count() == 1
                    && tokens.get(k + 1).is_some_and(|n| {
                        n.line == t.line
                            && n.class == Class::Word
                            && !NOT_NAME.contains(&n.text.as_str())
                    })
            };
            // Token `k` ends the name's sentence or clause.
            let ends_clause = |k: usize| {
                tokens.get(k + 1).is_none_or(|n| {
                    n.line != t.line || matches!(n.text.as_str(), "." | "," | "?" | "!")
                })
            };
            // A short capitalised word that ends the name and its sentence, though a word too
            // ("Nguyễn Văn An.").
            let last_short = |k: usize| {
                t.cap
                    && tokens[k].cap
                    && tokens[k].text != "i"
                    && tokens[k].text.chars().count() <= 3
                    && ends_clause(k)
            };
            // A fourth capitalised word that ends the sentence ("María José García López.").
            // In lower case, the fourth word of an answer that is a name of four words only.
            let fourth_ends = |k: usize| {
                (t.cap && tokens[k].cap || (!t.cap && answered && rest.len() == 4))
                    && ends_clause(k)
            };
            // A surname whisper wrote in lower case after a capitalised first name, in an
            // answer that is the two of them alone ("Cloud specer.", base on 8 kHz µ-law for
            // "Klaus Becker." after "And the name of the account holder?").
            let lower_surname = |k: usize| {
                answered
                    && words == 1
                    && k == i + 1
                    && rest.len() == 2
                    && tokens[k].text.chars().count() >= 3
                    && ends_clause(k)
            };
            // A surname whisper wrote as two words in lower case after a capitalised first
            // name, in an answer that is the three of them alone ("Thomas with field", tiny.en
            // on 8 kHz µ-law for "Thomas Whitfield." after "and the name of the account
            // holder."): the first may be a small word the surname's first syllable sounds like.
            let split_surname = |k: usize| {
                answered
                    && t.cap
                    && words == 1
                    && k == i + 1
                    && rest.len() == 3
                    && ends_clause(k + 1)
                    && tokens[k..k + 2].iter().all(|n| {
                        n.line == t.line
                            && n.class == Class::Word
                            && !n.cap
                            && !NOT_A_NAME_ANSWER.contains(&n.text.as_str())
                    })
                    && (!NOT_NAME.contains(&tokens[k].text.as_str()) || tokens[k].text == "with")
                    && tokens[k + 1].text.chars().count() >= 3
                    && !NOT_NAME.contains(&tokens[k + 1].text.as_str())
            };
            if end + 1 < tokens.len() && split_surname(end) {
                words += 1;
                end += 2;
                break;
            }
            // A possessive ends the name ("dr patel's office").
            if end < tokens.len()
                && !tokens[end - 1].text.ends_with("'s")
                && (words < 3 || (words == 3 && fourth_ends(end)))
                && tokens[end].class == Class::Word
                && tokens[end].line == t.line
                && (!NOT_NAME.contains(&tokens[end].text.as_str())
                    || particle(end)
                    || initial_between(end)
                    || last_short(end))
                && (tokens[end].cap || !t.cap || particle(end) || lower_surname(end))
                // In lower case, what the person does is no part of their name ("my late father
                // reginald ashworth had …").
                && (t.cap || !RELATIVE_DOES.contains(&tokens[end].text.as_str()))
            {
                // Initials and particles do not count ("Mr J R Hartley", "Mary Van Der Berg").
                let initial = tokens[end].text.chars().count() == 1;
                if !initial && !particle(end) {
                    words += 1;
                }
                end += 1;
                continue;
            }
            break;
        }
        // Surname first, then the first name, ending the sentence ("Smith, John.").
        if t.cap
            && tokens
                .get(end)
                .is_some_and(|c| c.text == "," && c.line == t.line)
            && tokens.get(end + 1).is_some_and(|n| {
                n.line == t.line
                    && n.class == Class::Word
                    && n.cap
                    && !NOT_NAME.contains(&n.text.as_str())
            })
            && tokens
                .get(end + 2)
                .is_none_or(|n| n.line != t.line || matches!(n.text.as_str(), "." | "?" | "!"))
        {
            end += 2;
        }
        let name = tokens[i..end]
            .iter()
            .filter(|t| t.class == Class::Word)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Detection {
            kind: FindingKind::Name,
            first: i,
            last: end,
            confidence: if t.cap { 0.8 } else { 0.6 },
            normalized: name,
        });
        i = end;
    }
    out
}

/// A title right before token `i`, or before its full stop glued to it ("mr", "mrs."); not
/// "miss", which may be the verb (see [`miss_as_title`]), nor a role after a determiner ("i saw
/// the doctor yesterday"), nor a full stop that ends a sentence of farewell ("thanks dr. see you
/// then").
fn title_just_before(tokens: &[Token], i: usize) -> bool {
    let title = |k: usize| {
        TITLES.contains(&tokens[k].text.as_str())
            && tokens[k].text != "miss"
            && (k == 0
                || !matches!(
                    tokens[k - 1].text.as_str(),
                    "the" | "a" | "an" | "my" | "your" | "his" | "her" | "our" | "their"
                ))
    };
    i > 0
        && (title(i - 1)
            || (i > 1
                && tokens[i - 1].text == "."
                && tokens[i - 1].start == tokens[i - 2].end
                && tokens[i - 2].line == tokens[i].line
                && title(i - 2)
                && !matches!(
                    tokens[i].text.as_str(),
                    "see"
                        | "bye"
                        | "goodbye"
                        | "thanks"
                        | "thank"
                        | "talk"
                        | "take"
                        | "have"
                        | "speak"
                        | "cheers"
                )))
}

/// "Miss" right before token `i` as a title ("Thank you, Miss Lopez"), not the verb ("I don't
/// want to miss Friday's payment"): it opens its sentence or follows a greeting or thanks.
fn miss_as_title(tokens: &[Token], i: usize) -> bool {
    if i == 0 || tokens[i - 1].text != "miss" {
        return false;
    }
    i == 1
        || tokens[i - 2].class == Class::Punct
        || tokens[i - 2].line != tokens[i - 1].line
        || matches!(
            tokens[i - 2].text.as_str(),
            "thanks" | "hi" | "hello" | "okay" | "ok" | "yes" | "no" | "sorry" | "dear" | "sure"
        )
        || (tokens[i - 2].text == "you" && i >= 3 && tokens[i - 3].text == "thank")
}

/// The line before token `i`'s line asks for a name: the caller's, or, as a question,
/// someone else's ([`NAME_ASKED`]).
fn name_asked_before(tokens: &[Token], i: usize) -> bool {
    name_question_before(tokens, i)
        || ((previous_line_asks(tokens, i, NAME_ASKED) || asks_any_name(tokens, i))
            && previous_line_asks(tokens, i, &["?"]))
}

/// Token `i` opens a line of one to four capitalised words that are no [`NOT_NAME`] (a hyphen
/// glued between two), then only its closing stop.
fn only_capitalised(tokens: &[Token], i: usize) -> bool {
    let line = tokens[i].line;
    if i > 0 && tokens[i - 1].line == line {
        return false;
    }
    let said: Vec<&Token> = tokens[i..].iter().take_while(|t| t.line == line).collect();
    let words = said.iter().filter(|t| t.class == Class::Word).count();
    (1..=4).contains(&words)
        && said.iter().enumerate().all(|(k, t)| {
            (t.class == Class::Word && t.cap && !NOT_NAME.contains(&t.text.as_str()))
                || (t.text == "-" && k > 0 && k + 1 < said.len())
                || (matches!(t.text.as_str(), "." | "!") && k + 1 == said.len())
        })
}

/// Is token `i` the first word of its line (after fillers like "yes", "sure", "it's")?
fn opens_line(tokens: &[Token], i: usize) -> bool {
    let line = tokens[i].line;
    tokens[..i]
        .iter()
        .rev()
        .take_while(|t| t.line == line)
        .all(|t| {
            t.class == Class::Punct
                || NOT_NAME.contains(&t.text.as_str())
                || ["name", "name's"].contains(&t.text.as_str())
        })
}

/// The line's last sentence is a request said as a noun phrase
/// ([`crate::detect::noun_phrase_request`]) whose last word is "name".
fn ends_in_name_request(line: &[Token]) -> bool {
    let said: Vec<&Token> = line.iter().filter(|t| t.class == Class::Word).collect();
    said.last().is_some_and(|t| t.text == "name")
        && crate::detect::noun_phrase_request(crate::last_sentence(line))
}

/// The line before token `i`'s line asks for a name: one of [`NAME_QUESTIONS`], or it ends
/// in a title left for the answer to finish ("Thank you, and it's Mrs…?", "Thanks, Mr. ...").
fn name_question_before(tokens: &[Token], i: usize) -> bool {
    if previous_line_asks(tokens, i, NAME_QUESTIONS) {
        return true;
    }
    let Some(previous) = previous_line(tokens, i) else {
        return false;
    };
    // "Name?", "And the name?"
    let last_sentence = previous
        .split_inclusive(|t| matches!(t.text.as_str(), "." | "?" | "!"))
        .rfind(|s| s.iter().any(|t| t.class != Class::Punct))
        .map(joined)
        .unwrap_or_default();
    if bare_question(&last_sentence) == Some("name") {
        return true;
    }
    // A noun phrase ending in "name", asked with no rise and its middle misheard ("And the
    // account told us name.", base for "And the account holder's name?").
    if ends_in_name_request(previous) {
        return true;
    }
    let mut words = previous
        .iter()
        .rev()
        .filter(|t| t.class != Class::Punct)
        .map(|t| t.text.as_str());
    let (last, before) = (words.next(), words.next());
    // Not a question which title ("Is that Mr or Mrs?").
    last.is_some_and(|w| TITLES.contains(&w))
        && before.is_none_or(|w| w != "or" && !TITLES.contains(&w))
}

/// The one word a terse question asks for, with only "and", "the", "your" or "please" beside it
/// ("Address?", "And the name?"): the words of a sentence joined by spaces, ending in "?".
fn bare_question(sentence: &str) -> Option<&str> {
    let words = sentence.trim().strip_suffix('?')?;
    let mut content = words.split_whitespace().filter(|w| {
        !matches!(
            *w,
            "and" | "the" | "your" | "please" | "," | "okay" | "ok" | "so"
        )
    });
    let word = content.next()?;
    content.next().is_none().then_some(word)
}

/// The line before token `i`'s line, its tokens joined by spaces.
fn previous_line_text(tokens: &[Token], i: usize) -> Option<String> {
    previous_line(tokens, i).map(joined)
}

/// The words of `tokens` joined by spaces, an apostrophe glued back ("what's").
fn joined(tokens: &[Token]) -> String {
    let text: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    text.join(" ").replace(" ' ", "'")
}

/// The tokens of the line before token `i`'s line (the speakers' barrier aside).
fn previous_line(tokens: &[Token], i: usize) -> Option<&[Token]> {
    let line = tokens[i].line;
    let last_prev = tokens[..i]
        .iter()
        .rposition(|t| t.line != line && t.line != usize::MAX)?;
    let first = crate::tokens::line_start(tokens, last_prev);
    Some(&tokens[first..=last_prev])
}

/// Does the line before token `i`'s line (another speaker's) ask one of `questions`? Matched
/// anywhere in its words ("your name" in "your names"): a question found by mistake only
/// redacts more.
fn previous_line_asks(tokens: &[Token], i: usize, questions: &[&str]) -> bool {
    previous_line_text(tokens, i).is_some_and(|text| questions.iter().any(|q| text.contains(q)))
}

/// `text` (words joined by spaces) says one of `phrases` as whole words: for phrases that keep
/// an answer in clear, where a match inside a word would show a secret ("have you" is not in
/// "Can I have your password?").
fn says(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        text.match_indices(p).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + p.len()..].chars().next();
            before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == ' ')
        })
    })
}

/// The line before token `i`'s line has no full stop, question or exclamation mark: ASR wrote it
/// unpunctuated, so a question in it shows no "?".
fn previous_line_unpunctuated(tokens: &[Token], i: usize) -> bool {
    previous_line(tokens, i).is_some_and(|previous| {
        !previous
            .iter()
            .any(|t| matches!(t.text.as_str(), "." | "?" | "!"))
    })
}

/// Words that name a part of a building; with the number or letter beside them they belong to
/// the address ("apartment 12", "suite 200", "unit 4B", "floor 3", "third floor", "flat 3").
pub(crate) const UNIT_WORDS: &[&str] = &[
    "apartment",
    "apt",
    "unit",
    "suite",
    "ste",
    "flat",
    "floor",
    "fl",
    "building",
    "bldg",
    "block",
    "level",
    "room",
    "rm",
    "lot",
    "space",
    "trailer",
    "box",
    "po",
    "department",
    "dept",
    "office",
    "house",
    "tower",
    "wing",
];

/// Compass words after a street ("Pennsylvania Avenue North West").
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "n",
    "s",
    "e",
    "w",
    "ne",
    "nw",
    "se",
    "sw",
];

/// A unit's identifier starting at `k`: digits or number words, a single letter, "#",
/// "number" / "no", joined by "-" (12, 4B, B, 4-B, twelve b, number 5). Returns its end.
fn unit_id(tokens: &[Token], mut k: usize, line: usize) -> Option<usize> {
    let start = k;
    let mut parts = 0;
    while let Some(t) = tokens.get(k).filter(|t| t.line == line) {
        let w = t.text.as_str();
        let id_part = t.class == Class::Digits
            || crate::tokens::is_number_word(t)
            || crate::tokens::ordinal(w).is_some()
            || (t.class == Class::Word && w.chars().count() == 1 && w != "a" && w != "i");
        if id_part && parts < 4 {
            parts += 1;
        } else if !(matches!(w, "#" | "number" | "no" | ".") && k == start || w == "-") {
            break;
        }
        k += 1;
    }
    (parts > 0).then_some(k)
}

/// Extends an address ending at `end` over the directions, unit designators and floors that
/// follow on its line, across commas ("42 Elm Street, apartment 12", "suite 200, floor 3").
fn unit_after(tokens: &[Token], mut end: usize, line: usize) -> usize {
    loop {
        let mut k = end;
        // Commas, and the full stop of an abbreviation ("42 Elm St., Apt. 5B").
        while tokens.get(k).is_some_and(|t| {
            t.line == line
                && (t.text == ","
                    || (t.text == "."
                        && k > 0
                        && tokens[k - 1].end == t.start
                        && tokens[k - 1].class == Class::Word))
        }) {
            k += 1;
        }
        let Some(t) = tokens.get(k).filter(|t| t.line == line) else {
            return end;
        };
        let w = t.text.as_str();
        if DIRECTIONS.contains(&w) && k == end {
            end = k + 1;
        } else if UNIT_WORDS.contains(&w) {
            end = unit_id(tokens, k + 1, line).unwrap_or(k + 1);
        } else if let Some(id_end) = unit_id(tokens, k, line).filter(|&e| {
            // "third floor", "4B", "the 12th floor": an identifier, then a unit word.
            tokens
                .get(e)
                .is_some_and(|n| n.line == line && UNIT_WORDS.contains(&n.text.as_str()))
        }) {
            end = id_end + 1;
        } else {
            return end;
        }
    }
}

/// Extends an address starting at `first` back over a unit said before it ("flat 3, 12 High
/// Road", "apartment 4B 221 Baker Street", "apartment 5B at 300 East 57th Street").
fn unit_before(tokens: &[Token], first: usize) -> usize {
    let line = tokens[first].line;
    let mut k = first;
    // "apartment 5B at 300 East 57th Street".
    while k > 0 && matches!(tokens[k - 1].text.as_str(), "," | "at") && tokens[k - 1].line == line {
        k -= 1;
    }
    // Look back at most five tokens for a unit word whose identifier ends where we are.
    let unit_ending = |k: usize| {
        (k.saturating_sub(5)..k).rev().find(|&u| {
            tokens[u].line == line
                && UNIT_WORDS.contains(&tokens[u].text.as_str())
                && unit_id(&tokens[..k], u + 1, line) == Some(k)
        })
    };
    if let Some(u) = unit_ending(k) {
        return u;
    }
    // Or before a building's name set between commas ("Flat 12, Harbour View, 2 Quay Street").
    let mut b = k;
    while b > 0
        && k - b < 3
        && tokens[b - 1].line == line
        && tokens[b - 1].class == Class::Word
        && tokens[b - 1].cap
    {
        b -= 1;
    }
    if b < k && b > 0 && tokens[b - 1].text == "," && tokens[b - 1].line == line {
        if let Some(u) = unit_ending(b - 1) {
            return u;
        }
    }
    first
}

/// Extends an address ending at `end` over the city, state and ZIP code that follow it on its
/// line ("42 Elm Street, Springfield, Illinois 62704", "… Portland, Oregon nine seven two oh
/// one"): up to four words, then a five- or nine-digit number (four or more after a state's
/// name). Without a ZIP, the
/// town after a comma that ends the sentence or clause ("12 High Street, Croydon.", "…,
/// Croydon, thanks"), or with its postal district ("…, Dublin 2 and …") or a postcode of four
/// digits ending the clause ("…, Fitzroy, Victoria, 3065."); other words after a
/// street stay, they may be anything ("… Street, Springfield, Illinois and I waited").
fn zip_after(tokens: &[Token], end: usize, runs: &[crate::tokens::DigitRun]) -> usize {
    let line = tokens[end - 1].line;
    let mut k = end;
    let mut words = 0;
    let mut town = None;
    // Words in lower case join only when a ZIP code follows ("forty two elm street springfield
    // illinois six two seven oh four").
    let mut lower = false;
    while let Some(t) = tokens.get(k).filter(|t| t.line == line) {
        if let Some(run) = runs.iter().find(|r| r.first == k) {
            let other = crate::detect::is_amount_or_count(tokens, run)
                || crate::detect::is_reference(tokens, run);
            // A ZIP code whisper cut short after a state ("… Springfield, Illinois 6207").
            let cut = run.digits.len() >= 4 && crate::detect::after_a_state(tokens, run);
            // A city's postal district, a digit or two after its name, the clause ending there
            // ("7 Heart Court Street, Nublin 2 and …", tiny.en for "…, Dublin 2, and …").
            let district = run.digits.len() <= 2
                && town == Some(k)
                && tokens[k - 1].cap
                && tokens.get(run.last).is_none_or(|n| {
                    n.line != line || matches!(n.text.as_str(), "," | "." | "and" | "?" | "!")
                });
            // A postcode of four digits after a town and a state or region ("…, Fitzroy,
            // Victoria, 3065.", "…, Oslo 0150"), the clause ending there.
            let four = run.digits.len() == 4
                && (town == Some(k) || (town == Some(k - 1) && tokens[k - 1].text == ","))
                && tokens.get(run.last).is_none_or(|n| {
                    n.line != line || matches!(n.text.as_str(), "," | "." | "?" | "!")
                });
            return if (matches!(run.digits.len(), 5 | 9) || cut || district || four) && !other {
                run.last
            } else {
                end
            };
        }
        if t.text == "," {
            k += 1;
        } else if t.class == Class::Word
            && words < 4
            && (t.cap || !NOT_NAME.contains(&t.text.as_str()))
        {
            lower |= !t.cap;
            words += 1;
            k += 1;
            town = Some(k);
        } else if t.text == "-"
            && town == Some(k)
            && tokens[k - 1].end == t.start
            && tokens
                .get(k + 1)
                .is_some_and(|w| w.class == Class::Word && w.start == t.end)
        {
            // A town's name in parts ("Stoke-on-Trent").
            k += 2;
            town = Some(k);
        } else {
            break;
        }
    }
    let ends_clause = |k: usize| {
        tokens.get(k).is_none_or(|t| {
            t.line != line || matches!(t.text.as_str(), "." | "," | "?" | "!" | ";")
        })
    };
    match town {
        Some(town) if !lower && ends_clause(town) && tokens[end].text == "," => town,
        _ => end,
    }
}

/// "P.O. Box 4421", "PO box 12", "post office box 9", with the city, state and ZIP after it;
/// also as whisper writes one it half heard ("P.O. docs 4412", "Pio box 4412").
pub(crate) fn po_boxes(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut runs = None;
    for b in 1..tokens.len() {
        // As whisper also writes it: "P.O. docs 4412" (tiny.en), "Pio box 4412" (base).
        if !matches!(
            tokens[b].text.as_str(),
            "box" | "docs" | "dox" | "bocks" | "bux"
        ) {
            continue;
        }
        let line = tokens[b].line;
        // (Six tokens back: three letters with their stops.)
        let said: Vec<usize> = (b.saturating_sub(6)..b)
            .filter(|&k| tokens[k].line == line && tokens[k].class == Class::Word)
            .collect();
        let words: Vec<&str> = said.iter().map(|&k| tokens[k].text.as_str()).collect();
        // Its letters half heard: "P.U. Box 442", "P. U. O. Box 442" (tiny.en, on 8 kHz µ-law
        // too, for the agent's "P O Box four four one two").
        let letters = said
            .iter()
            .rev()
            .take_while(|&&k| tokens[k].text.chars().count() == 1)
            .count();
        let first = match words.as_slice() {
            [.., "p", "o"] => said[said.len() - 2],
            [.., "po" | "pio" | "vio" | "peo" | "pu"] => said[said.len() - 1],
            _ if (2..=3).contains(&letters) && words[words.len() - letters] == "p" => {
                said[said.len() - letters]
            }
            [.., "post", "office"] => said[said.len() - 2],
            _ => match route_before_box(tokens, b) {
                Some(first) => first,
                None => continue,
            },
        };
        let runs = runs.get_or_insert_with(|| crate::tokens::digit_runs(tokens));
        let Some(run) = runs
            .iter()
            .find(|r| r.first == b + 1 && tokens[r.first].line == line)
        else {
            continue;
        };
        out.push(Detection {
            kind: FindingKind::Address,
            first,
            last: zip_after(tokens, run.last, runs),
            confidence: 0.8,
            normalized: run.digits.clone(),
        });
    }
    out
}

/// The rural route or highway contract a box is on, said right before "box" ("Rural Route 2,
/// Box 152", "RR 2 box 9", "HC 1 Box 45", "rural route two, box one five two"): the token that
/// opens it.
fn route_before_box(tokens: &[Token], b: usize) -> Option<usize> {
    let line = tokens[b].line;
    let on_line = |k: usize| tokens.get(k).filter(|t| t.line == line);
    let mut k = b;
    let comma = k > 0 && tokens[k - 1].text == ",";
    if comma {
        k -= 1;
    }
    let end = k;
    while k > 0
        && on_line(k - 1)
            .is_some_and(|t| t.class == Class::Digits || crate::tokens::is_number_word(t))
    {
        k -= 1;
    }
    if k == end || k == 0 {
        return None;
    }
    let word = |k: usize| {
        on_line(k)
            .filter(|t| t.class == Class::Word)
            .map(|t| t.text.as_str())
    };
    // The route's name garbled ("Rural Roo 2, Box", "railroad 2, box", tiny.en and base on 8
    // kHz µ-law): a word and a number of a digit or two, a comma before the box.
    let garbled = comma && end - k <= 2;
    match (k.checked_sub(2).and_then(word), word(k - 1)) {
        (Some("rural" | "star"), Some("route")) => Some(k - 2),
        (Some("rural" | "star"), Some(_)) if garbled => Some(k - 2),
        (_, Some("route" | "rr" | "hc")) => Some(k - 1),
        (_, Some(_)) if garbled => Some(k - 1),
        _ => None,
    }
}

/// The last word of an answer in `first..end`, before the thanks that may close it ("…, floor 3,
/// thanks", "… thank you").
fn last_before_closers(tokens: &[Token], first: usize, end: usize) -> Option<usize> {
    let mut closing = true;
    (first..end).rev().find(|&k| {
        let t = &tokens[k];
        if t.class == Class::Punct {
            return false;
        }
        if closing
            && matches!(
                t.text.as_str(),
                "thanks" | "thank" | "you" | "please" | "cheers"
            )
        {
            // "you" closes only as "thank you".
            return t.text == "you" && (k == 0 || tokens[k - 1].text != "thank");
        }
        closing = false;
        true
    })
}

/// Phrases after which the rest of the sentence is an address (see [`cued_addresses`], which
/// matches their first words at once: a new first word goes there too).
const ADDRESS_GIVEN: &[&[&str]] = &[
    &["address", "is"],
    &["address", "was"],
    &["address", "'s"],
    &["address's"],
    // Read back by the agent ("I have your address as flat 3, 20 hill 3, bar.").
    &["address", "as"],
    &["address", "on", "file", "is"],
    &["address", "on", "file", "as"],
    // Checked by the agent ("Is your address still 14 L growth leads LS6 to AB?", tiny.en on
    // 8 kHz µ-law for "… fourteen Elm Grove, Leeds, L S six, two A B?", round 60).
    &["address", "still"],
    &["live", "at"],
    &["lives", "at"],
    &["living", "at"],
    // A street without its number ("I live on Mill Lane in Oxford."), not "on my own".
    &["live", "on"],
    &["lives", "on"],
    &["living", "on"],
    &["staying", "at"],
    &["moved", "to"],
    &["moving", "to"],
    &["send", "it", "to"],
    &["send", "them", "to"],
    &["ship", "it", "to"],
    &["ship", "them", "to"],
    &["mail", "it", "to"],
    &["post", "it", "to"],
    &["deliver", "it", "to"],
    &["i'm", "at"],
    &["we're", "at"],
];

/// Words that end an address given after its cue: what the sentence goes on to say of when or why
/// ("I moved to 12 rue de la Paix, 75002 Paris last month.").
const AFTER_AN_ADDRESS: &[&str] = &[
    "last",
    "next",
    "ago",
    "yesterday",
    "since",
    "because",
    "but",
    "so",
    "which",
    "if",
    "when",
    "until",
    "thanks",
    "thank",
    "please",
    "years",
    "year",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "now",
    "is",
    "was",
    "are",
    "that's",
    "right",
    "correct",
    "okay",
];

/// Words that open no address after its cue ("send it to my work", "I'm at home").
const NO_ADDRESS_AFTER: &[&str] = &[
    "my", "your", "our", "his", "her", "their", "me", "us", "him", "them", "it", "that", "this",
    "home", "work", "there", "here", "a", "an", "least", "all", "i",
];

/// An address given after a phrase that says one follows ("My address is Hauptstraße 5, 10115
/// Berlin.", "I moved to 12 rue de la Paix, 75002 Paris last month.", "We're at Lot 12, Rural
/// Route 4, Moose Jaw."), in whatever form the street rule does not know: the rest of the
/// sentence, up to a word that says when or why, when it has a number and a word, or two
/// capitalised words, or a street's suffix; sixteen words at most (fail closed).
pub(crate) fn cued_addresses(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let line = tokens[i].line;
        // The first words of the cues, matched at once (this runs over every token of the
        // window, for every line and partial).
        if !matches!(
            tokens[i].text.as_str(),
            "address"
                | "address's"
                | "live"
                | "lives"
                | "living"
                | "staying"
                | "moved"
                | "moving"
                | "send"
                | "ship"
                | "mail"
                | "post"
                | "deliver"
                | "i'm"
                | "we're"
        ) {
            i += 1;
            continue;
        }
        let cue = ADDRESS_GIVEN.iter().find(|cue| {
            cue.iter().enumerate().all(|(k, w)| {
                tokens
                    .get(i + k)
                    .is_some_and(|t| t.line == line && t.text == *w)
            })
        });
        let Some(cue) = cue else {
            i += 1;
            continue;
        };
        let after = i + cue.len();
        let Some(first) = (after..tokens.len())
            .take_while(|&k| tokens[k].line == line)
            .find(|&k| {
                tokens[k].class != Class::Punct
                    && !matches!(tokens[k].text.as_str(), "um" | "uh" | "er" | "erm")
            })
        else {
            i = after;
            continue;
        };
        // Nor a title: a person is named ("send it to Dr. Amelia Kwan").
        if NO_ADDRESS_AFTER.contains(&tokens[first].text.as_str())
            || TITLES.contains(&tokens[first].text.as_str())
        {
            i = after;
            continue;
        }
        let mut end = first;
        let mut words = 0;
        while end < tokens.len()
            && tokens[end].line == line
            && !matches!(tokens[end].text.as_str(), "." | "?" | "!")
            && !(end > first && AFTER_AN_ADDRESS.contains(&tokens[end].text.as_str()))
            && words < ADDRESS_ANSWER_WORDS
        {
            if tokens[end].class != Class::Punct {
                words += 1;
            }
            end += 1;
        }
        // Back over the commas, and a count before the word that ended it ("Leeds 3 years"), or
        // a range of counts ("I moved to Ohio, 3 to 4 days ago.").
        let count = |t: &Token| t.class == Class::Digits || crate::tokens::is_number_word(t);
        let mut counted = false;
        while end > first {
            let t = &tokens[end - 1];
            if counted
                && matches!(t.text.as_str(), "to" | "or" | "-")
                && end - 1 > first
                && count(&tokens[end - 2])
            {
                end -= 2;
                counted = false;
            } else if t.class == Class::Punct {
                end -= 1;
            } else if count(t)
                && tokens
                    .get(end)
                    .is_some_and(|n| n.line == line && AFTER_AN_ADDRESS.contains(&n.text.as_str()))
            {
                end -= 1;
                counted = true;
            } else {
                break;
            }
        }
        let value = &tokens[first..end];
        let number = value
            .iter()
            .any(|t| t.class == Class::Digits || crate::tokens::is_number_word(t));
        let lettered = value.iter().any(|t| t.class == Class::Word);
        let capitalised = value
            .iter()
            .filter(|t| t.cap && t.class == Class::Word && t.text != "i")
            .count();
        let street = value
            .iter()
            .any(|t| STREET_SUFFIXES.contains(&t.text.as_str()));
        // Where one is at may be a count ("I'm at 20 percent battery"): a number only with a
        // capitalised word or a word for a plot, a route or a flat.
        let at = cue.last() == Some(&"at") && matches!(cue[0], "i'm" | "we're");
        // A house's number ("at number 42, the crescent"), not a place in a queue or a list
        // ("at number 3 in the queue").
        let house_number = value.windows(3).any(|w| {
            w[0].text == "number"
                && (w[1].class == Class::Digits || crate::tokens::is_number_word(&w[1]))
                && !matches!(w[2].text.as_str(), "in" | "on" | "of")
        });
        let place = house_number
            || value.iter().any(|t| {
                matches!(
                    t.text.as_str(),
                    "lot"
                        | "route"
                        | "flat"
                        | "apartment"
                        | "apt"
                        | "unit"
                        | "suite"
                        | "box"
                        | "floor"
                )
            });
        let number_said = number && lettered && (!at || capitalised >= 1 || place);
        // An address read back "as" something is one with a number written in it ("your
        // address as flat 3, 20 hill 3, bar"), not a role ("my work address as the billing
        // one").
        let as_said = cue.last() == Some(&"as");
        let read_back = !as_said || value.iter().any(|t| t.class == Class::Digits);
        if end > first && read_back && (number_said || capitalised >= 2 || street) {
            out.push(Detection {
                kind: FindingKind::Address,
                first,
                last: end,
                confidence: 0.5,
                normalized: String::new(),
            });
            i = end;
        } else {
            i = after;
        }
    }
    out
}

/// What the agent asks when the answer is an address.
const ADDRESS_QUESTIONS: &[&str] = &[
    "your address",
    "the address",
    "billing address",
    // "billing address" as whisper heard it (round 56 live, tiny.en at 16 kHz and 8 kHz µ-law:
    // the answer's street and flat were shown).
    "building address",
    "home address",
    "mailing address",
    "shipping address",
    "postal address",
    "where do you live",
    "where are you based",
    "where are you located",
    "where should we send",
    "address please",
    "address on the account",
    "address on file",
    "where shall we send",
    "new address",
    "old address",
    "previous address",
    "current address",
    "delivery address",
    "correspondence address",
    "work address",
    "what address",
    // Where a parcel goes ("What address should we ship to?", heard as "What a dress should we
    // ship to?", round 48).
    "should we ship",
    "shall we ship",
    "should we deliver",
    "shall we deliver",
    "ship it to",
    "deliver it to",
    // Where a thing is sent, its verb misheard ("Where should we end the replacement modem?",
    // "where should we bend …", round 58 on µ-law: the whole address was shown).
    "where should we",
    "where shall we",
    "where would you like",
    // "address" as whisper hears it on telephone audio ("Of course, what's the new dress?").
    "new dress",
    "your dress",
    "home dress",
    "billing dress",
    // "your address" and "postcode" as whisper heard them on 8 kHz µ-law ("What if you're
    // addressed?", "And the post goes.", round 59 live: the flat, street and postcode shown).
    "you're address",
    "post goes",
    // Its parts.
    "postcode",
    "post code",
    "postal code",
    "zip code",
    "zipcode",
    "your zip",
    "house number",
    "house name",
    "building name",
    "street name",
    "first line of",
    "the first line",
    "which street",
    "what street",
    "street you live",
    "road you live",
    "street do you live",
    "road do you live",
    "your street",
    "your road",
    "and the street",
    "and the state",
    "which state",
    "and the county",
    "name of the street",
    "name of the road",
    "which road",
    "and the town",
    "which town",
    "what town",
    "and the city",
    "which city",
    "eircode",
    // Where someone is to go ("Where should the engineer go?").
    "where should the engineer",
    "where should the technician",
    "where should the driver",
    "where should the courier",
    "where should we go",
    "where should they go",
    "where should he go",
    "where should she go",
    "where are you located",
    "where is the property",
    "where's the property",
    "property address",
    "installation address",
    "supply address",
    "service address",
];

/// Words (tokens) an answer to a request for an address may have from its first: a full one
/// with a flat, a street, a town, a state and a postcode ("Apartment 4B, 310 West 55th Street, New
/// York, New York 10019.").
const ADDRESS_ANSWER_WORDS: usize = 16;

/// The caller's answer to the agent's request for an address, when it has no number for the
/// street rule ("Oak Cottage, Mill Lane, Little Snoring."): [`ADDRESS_ANSWER_WORDS`] at most from
/// the first that is not an opener. An answer that only confirms ("Yes, that's right.") or gives none
/// ("I don't know the postcode") keeps its words; so does the answer to whether it changed.
pub(crate) fn address_answers(tokens: &[Token]) -> Vec<Detection> {
    // Besides `tokens::is_opener`'s.
    const OPENERS: &[&str] = &[
        "address", "right", "correct", "still", "same", "no", "live", "at", "on", "in", "we", "did",
    ];
    let mut out = Vec::new();
    for (line_start, line_end) in crate::tokens::line_spans(tokens) {
        // On a mono recording the request can come on the answer's own line ("What's the
        // postcode? BS-15 Thai."): the answer is what follows it.
        let asked_here = asked_within(tokens, line_start, line_end, ADDRESS_QUESTIONS);
        if asked_here.is_some() || asked_for(tokens, line_start, ADDRESS_QUESTIONS) {
            let i = asked_here.unwrap_or(line_start);
            let text = words_before(tokens, line_end, line_end - i);
            let start = (i..line_end).find(|&k| {
                let w = tokens[k].text.as_str();
                tokens[k].class != Class::Punct
                    && !crate::tokens::is_opener(w)
                    && !OPENERS.contains(&w)
            });
            // From the first word on: "uh, please" has nothing before its closer.
            let last = last_before_closers(tokens, start.unwrap_or(i), line_end);
            // Counted from the address's first word: a postcode is several tokens ("V5H 2A9"),
            // and so is what whisper glued with hyphens ("well-mode", "Two-Emmen-O-Four"),
            // one word as written.
            let from = start.unwrap_or(i);
            let words = (from..line_end)
                .filter(|&k| {
                    tokens[k].class != Class::Punct
                        && !(k >= from + 2
                            && tokens[k - 1].text == "-"
                            && tokens[k - 1].end == tokens[k].start
                            && tokens[k - 2].end == tokens[k - 1].start)
                })
                .count();
            // "Same as the billing one", "The one on file": another address named, none said
            // (no number in it but "one").
            let same = says(
                &text,
                &["same as", "the same", "same one", "same address", "on file"],
            ) && !tokens[i..line_end].iter().any(|t| {
                t.class == Class::Digits || (crate::tokens::is_number_word(t) && t.text != "one")
            });
            if let (Some(start), Some(last), false, true) = (
                start,
                last,
                says(&text, NO_SECRET) || same,
                words <= ADDRESS_ANSWER_WORDS,
            ) {
                out.push(Detection {
                    kind: FindingKind::Address,
                    first: start,
                    last: last + 1,
                    confidence: 0.5,
                    normalized: String::new(),
                });
            }
        }
    }
    out
}

/// Whether the line starting at token `i` is the caller's answer to the other party's request
/// for one of `questions`: a question, or a line with a request's words ("please tell me"), that
/// does not ask whether such a thing is set or how to change it.
fn asked_for(tokens: &[Token], i: usize, questions: &[&str]) -> bool {
    // A bare prompt ASR wrote with no punctuation ("mother's maiden name", "and the postcode"):
    // five words at most, all the other party's line.
    let bare_prompt = previous_line_unpunctuated(tokens, i)
        && previous_line(tokens, i)
            .is_some_and(|line| line.iter().filter(|t| t.class == Class::Word).count() <= 5);
    // A request said as a noun phrase with a stop ("Lastly, your national insurance number.").
    let noun_phrase = previous_line(tokens, i).is_some_and(crate::detect::noun_phrase_request);
    !tokens[i].agent
        && crate::tokens::answers_line_before(tokens, i).is_some_and(|question| {
            // Sentence by sentence: what the line said before its question does not take the
            // question back ("I can reset it. What was the name of your first pet?").
            previous_line(tokens, i).is_some_and(|line| {
                line.split_inclusive(|t| matches!(t.text.as_str(), "." | "?" | "!"))
                    .map(joined)
                    .any(|text| {
                        (questions.iter().any(|q| text.contains(q))
                            || bare_question(&text).is_some_and(|w| {
                                questions
                                    .iter()
                                    .any(|q| *q == format!("the {w}") || *q == format!("your {w}"))
                            }))
                            && !not_asking(&text)
                            && (question || bare_prompt || noun_phrase || requests_in_words(&text))
                    })
            })
        })
}

/// Cues of an ID number, which may hold letters: a government ID ("driver's license is
/// D1234567") or the caller's number with the organisation ("customer number", "member ID").
/// Not an order, case, invoice or ticket number: those name a thing, not a person.
pub(crate) const ID_CUES: &[&str] = &[
    "policy",
    "license",
    "licence",
    "passport",
    "national insurance",
    "national id",
    "id number",
    "nie",
    "nif",
    "dni",
    "pps number",
    "sin number",
    "id card",
    "identity card",
    "customer number",
    "customer id",
    "member number",
    "membership number",
    "member id",
    "medicare",
    "medicaid",
    "subscriber id",
    "insurance id",
    "insurance number",
    "health card",
    "frequent flyer",
    "frequent flier",
    "loyalty number",
    "rewards number",
    "policy number",
    "client number",
    "patient number",
    "patient id",
    "hospital number",
    "medical record number",
    "mrn",
    "nhs number",
    "employee number",
    "student number",
    "tax id",
    "tax number",
    "tax file number",
    "tfn",
    "ird number",
    "pan number",
    "pan card",
    "aadhaar",
    "aadhar",
    "employee id",
    "staff id",
    "staff number",
    "student id",
    "social insurance number",
    "user id",
    // A vehicle's plate and VIN name its keeper.
    "registration",
    "reg",
    "number plate",
    "licence plate",
    "license plate",
    "plate number",
    "plate",
    "vin",
    "vehicle identification number",
    // A travel booking's locator, which with the surname opens the booking.
    "booking reference",
    "booking ref",
    "booking number",
    "reservation number",
    "record locator",
    // A number transfer's authorisation code.
    "pac",
    "pac code",
];

/// An ID's cue ends within the six tokens of its line before token `k` ("registration LK", "my
/// policy is AMI").
pub(crate) fn id_cued(tokens: &[Token], k: usize) -> bool {
    cue_before(tokens, k, ID_CUES)
}

/// One of `cues` ends within the six tokens of token `k`'s line before it.
fn cue_before(tokens: &[Token], k: usize, cues: &[&str]) -> bool {
    let line = tokens[k].line;
    (k.saturating_sub(6)..k)
        .filter(|&c| tokens[c].line == line)
        .any(|c| ends_with_phrase(&words_before(tokens, c + 1, 3), cues))
}

/// Cues of an ID that is a social security number: a national insurance number is the British
/// one.
const SSN_CUES: &[&str] = &[
    "national insurance",
    "social insurance",
    "social security",
    "national insurance number",
    "social insurance number",
];

/// An ID number after its cue, on its line or in the caller's answer to a request for it:
/// a number (digits or words, "4 4 7 1 9", "one two, three four") with the letters glued to it
/// ("D1234567") or set apart by a comma ("QQ, one two, three four, five six, C"), five digits or
/// more or with letters, redacted as [`FindingKind::Number`] (no kind of ours names it; a number
/// glued to letters is otherwise taken for a model or flight code).
pub(crate) fn id_numbers(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for run in crate::tokens::digit_runs(tokens) {
        let k = run.first;
        let line = tokens[k].line;
        if line == usize::MAX {
            continue;
        }
        let line_start = crate::tokens::line_start(tokens, k);
        let asked = asked_for(tokens, line_start, ID_CUES);
        let cued = cue_before(tokens, k, ID_CUES) || asked;
        if !cued {
            continue;
        }
        // The answer to a request for an ID that is little but the ID: the whole of it past its
        // openers, letters in any grouping included ("RUIZO 905221 AR9 BX").
        let line_end = tokens[k..]
            .iter()
            .position(|t| t.line != line)
            .map_or(tokens.len(), |p| k + p);
        let said: Vec<usize> = (line_start..line_end)
            .filter(|&j| tokens[j].class != Class::Punct)
            .collect();
        let opener = |j: &usize| {
            crate::tokens::is_opener(&tokens[*j].text)
                || matches!(tokens[*j].text.as_str(), "er" | "erm" | "its" | "that's")
        };
        // The cue's word said again before it is no part of it ("PAC 4 5 1 2 7 8 9 AB.").
        let value: Vec<usize> = said
            .iter()
            .copied()
            .skip_while(|j| opener(j) || ID_CUES.contains(&tokens[*j].text.as_str()))
            .collect();
        // Up to eight pieces, or twelve when letters and digits are glued in it: whisper
        // splits an ID's letters and digits ("It's 1 eG4 T E 5 MK7 III." for a Medicare number,
        // base at 16 kHz).
        let glued = value.windows(2).any(|w| {
            tokens[w[0]].end == tokens[w[1]].start && tokens[w[0]].class != tokens[w[1]].class
        });
        // So when its digits are read out one by one ("It's pew pew 1, 2, 3, 4, 5, 6, see.",
        // tiny.en for a national insurance number "Q Q, one two, three four, five six, C").
        let one_by_one = value
            .iter()
            .filter(|&&j| tokens[j].class == Class::Digits && tokens[j].text.len() == 1)
            .count()
            >= 5;
        if asked
            && (2..=if glued || one_by_one { 12 } else { 8 }).contains(&value.len())
            && value.iter().all(|&j| {
                let t = &tokens[j];
                t.class == Class::Digits
                    || crate::tokens::is_number_word(t)
                    || (t.class == Class::Word
                        && t.text.chars().all(|c| c.is_ascii_alphanumeric())
                        && (t.cap || t.text.chars().count() <= 3))
            })
        {
            let (first, last) = (value[0], *value.last().unwrap_or(&value[0]));
            let kind = if previous_line_asks(tokens, line_start, SSN_CUES) {
                FindingKind::Ssn
            } else {
                FindingKind::Number
            };
            if out
                .last()
                .is_none_or(|d: &Detection| d.first != first || d.last != last + 1)
            {
                out.push(Detection {
                    kind,
                    first,
                    last: last + 1,
                    confidence: 0.6,
                    normalized: String::new(),
                });
            }
            continue;
        }
        let same_line = |i: usize| tokens.get(i).is_some_and(|t| t.line == line);
        // Letters of the ID set apart by a comma: one or two, alone ("QQ", "C").
        let letters = |i: usize| {
            same_line(i)
                && tokens[i].class == Class::Word
                && tokens[i].text.chars().count() <= 2
                && tokens[i].text.chars().all(|c| c.is_ascii_alphabetic())
                && !matches!(
                    tokens[i].text.as_str(),
                    "is" | "it" | "in" | "as" | "my" | "a" | "i"
                )
        };
        // Back over letters glued to the digits; on over the digits and letters glued after.
        let mut first = k;
        while first > 0
            && same_line(first - 1)
            && tokens[first - 1].end == tokens[first].start
            && (tokens[first - 1].class == Class::Word
                // "HB-448-2091": letters glued by a hyphen.
                || (tokens[first - 1].text == "-"
                    && first >= 2
                    && tokens[first - 2].class == Class::Word
                    && tokens[first - 2].end == tokens[first - 1].start))
        {
            first -= 1;
        }
        if first >= 2 && tokens[first - 1].text == "," && letters(first - 2) {
            first -= 2;
        }
        let mut last = run.last;
        // Groups joined by hyphens too ("1EG4-TE5-MK73").
        let hyphen_joins = |j: usize| {
            tokens[j].text == "-"
                && same_line(j + 1)
                && tokens[j + 1].start == tokens[j].end
                && matches!(tokens[j + 1].class, Class::Word | Class::Digits)
        };
        while same_line(last)
            && (tokens[last].class != Class::Punct || hyphen_joins(last))
            && tokens[last].start == tokens[last - 1].end
        {
            last += 1;
        }
        if tokens.get(last).is_some_and(|t| t.text == ",") && letters(last + 1) {
            last += 2;
        }
        // A group of capital letters set apart by a space ("LK19 XRT", "AMI 5522 0193").
        let group = |j: usize| {
            same_line(j)
                && tokens[j].class == Class::Word
                && tokens[j].cap
                && (1..=3).contains(&tokens[j].text.chars().count())
                && tokens[j].text.chars().all(|c| c.is_ascii_alphabetic())
                && !ID_CUES.contains(&tokens[j].text.as_str())
                && !matches!(
                    tokens[j].text.as_str(),
                    "i" | "a"
                        | "it"
                        | "is"
                        | "in"
                        | "on"
                        | "at"
                        | "to"
                        | "and"
                        | "or"
                        | "so"
                        | "no"
                        | "my"
                        | "the"
                        | "for"
                        | "but"
                        | "yes"
                        | "ok"
                        | "id"
                        | "oh"
                )
        };
        for _ in 0..3 {
            if first > 0 && group(first - 1) {
                first -= 1;
            }
            if group(last) {
                last += 1;
            }
        }
        // An ID has five digits or more, or letters with them: not "valid for 5 more years",
        // "expires in 2030".
        let lettered = first < run.first || last > run.last;
        if run.digits.len() >= 5 || lettered {
            let ssn = cue_before(tokens, k, SSN_CUES)
                || (asked && previous_line_asks(tokens, line_start, SSN_CUES));
            out.push(Detection {
                kind: if ssn {
                    FindingKind::Ssn
                } else {
                    FindingKind::Number
                },
                first,
                last,
                confidence: 0.6,
                normalized: String::new(),
            });
        }
    }
    out
}

/// "42 Elm Street", "1600 Pennsylvania Avenue North West", "flat 3, 12 High Road".
pub(crate) fn street_addresses(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut runs = None;
    for i in 0..tokens.len() {
        let is_number =
            tokens[i].class == Class::Digits || crate::tokens::is_number_word(&tokens[i]);
        // A number within a longer one on the same line is not where an address starts (a number
        // ending the line before says nothing about this one).
        if !is_number
            || (i > 0
                && tokens[i - 1].line == tokens[i].line
                && (tokens[i - 1].class == Class::Digits
                    || crate::tokens::is_number_word(&tokens[i - 1])))
        {
            continue;
        }
        // A hyphen whisper glued between a street's words ("12-seater-road" for "12 Cedar
        // Road"), as a space.
        let hyphen = |k: usize| {
            tokens[k].text == "-"
                && k > 0
                && tokens[k - 1].end == tokens[k].start
                && tokens
                    .get(k + 1)
                    .is_some_and(|n| n.class == Class::Word && n.start == tokens[k].end)
        };
        // Up to four words of street name, then a suffix, on the same line.
        let mut j = i + 1;
        // Not after a number word: "a one-way street" is none.
        if j < tokens.len() && tokens[i].class == Class::Digits && hyphen(j) {
            j += 1;
        }
        while j < tokens.len()
            && crate::tokens::is_number_word(&tokens[j])
            && tokens[j].line == tokens[i].line
        {
            j += 1;
        }
        let mut k = j;
        let mut found = None;
        // A numbered street's ordinal ("310 West 55th Street"): digits with a suffix glued on.
        let ordinal = |k: usize| {
            tokens[k].class == Class::Digits
                && tokens.get(k + 1).is_some_and(|s| {
                    s.start == tokens[k].end && matches!(s.text.as_str(), "st" | "nd" | "rd" | "th")
                })
        };
        // A stop glued after an initial ("29 K.C. Avenue", tiny.en and base for "twenty nine
        // Acacia Avenue", round 82): the name goes on.
        let initial_dot = |k: usize| {
            tokens[k].text == "."
                && tokens[k - 1].class == Class::Word
                && tokens[k - 1].text.chars().count() == 1
                && tokens[k - 1].end == tokens[k].start
        };
        let dots = |k: usize| (j..k).filter(|&d| tokens[d].text == ".").count();
        while k < tokens.len()
            && k - j - dots(k) < 5
            && (tokens[k].class == Class::Word
                || (k > i + 1 && ordinal(k))
                || (k > j && (hyphen(k) || initial_dot(k))))
            && tokens[k].line == tokens[i].line
        {
            if ordinal(k) {
                k += 2;
                continue;
            }
            if k > j && (hyphen(k) || initial_dot(k)) {
                k += 1;
                continue;
            }
            // A street's name has no small word in lower case ("3 hours at the wharf", "14
            // dollars on Main Street"; "3 The Street" has one capitalised).
            let w = tokens[k].text.as_str();
            // "42 the avenue" is one (UK streets named "The Avenue").
            let the_street = w == "the"
                && tokens
                    .get(k + 1)
                    .is_some_and(|n| STREET_SUFFIXES.contains(&n.text.as_str()));
            if !tokens[k].cap
                && !the_street
                && (NOT_IN_A_STREET.contains(&w) || crate::detect::UNITS_AFTER.contains(&w))
            {
                break;
            }
            if k > j && STREET_SUFFIXES.contains(&tokens[k].text.as_str()) {
                found = Some(k + 1);
            }
            k += 1;
        }
        if let Some(end) = found {
            let end = unit_after(tokens, end, tokens[i].line);
            let runs = runs.get_or_insert_with(|| crate::tokens::digit_runs(tokens));
            let end = zip_after(tokens, end, runs);
            // A range of house numbers or a flat's number before the house's ("12-14 High
            // Street", "3/12 High Road", "1.2488 Harbor Road" for "Flat 12, 48 Harbour Road"),
            // written as one.
            let glued = |a: &Token, b: &Token| a.end == b.start && a.line == b.line;
            let start = if i >= 2
                && matches!(tokens[i - 1].text.as_str(), "-" | "/" | ".")
                && tokens[i - 2].class == Class::Digits
                && glued(&tokens[i - 2], &tokens[i - 1])
                && glued(&tokens[i - 1], &tokens[i])
            {
                i - 2
            } else {
                i
            };
            let first = unit_before(tokens, start);
            out.push(Detection {
                kind: FindingKind::Address,
                first,
                last: end,
                confidence: 0.8,
                normalized: String::new(),
            });
        }
    }
    out
}

/// Spelling-alphabet words, each standing for its first letter ("K as in kilo", "kilo oscar").
const SPELLING_WORDS: &[&str] = &[
    "alpha", "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
    "juliet", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
    "sierra", "tango", "uniform", "victor", "whiskey", "whisky", "xray", "yankee", "zulu",
];

/// Words said between spelled letters that belong to the spelling ("O apostrophe B", "double
/// N", "capital J", "j underscore smith").
const SPELLING_JOINERS: &[&str] = &[
    "apostrophe",
    "hyphen",
    "dash",
    "space",
    "underscore",
    "double",
    "triple",
    "capital",
    "lowercase",
    "then",
];

/// Words on the line before (the other party's question) or earlier on the same line that say
/// letters are being spelled, and what they spell.
const SPELLING_CUES: &[(&str, FindingKind)] = &[
    ("email", FindingKind::Email),
    ("e-mail", FindingKind::Email),
    ("e - mail", FindingKind::Email),
    ("postcode", FindingKind::Address),
    ("post code", FindingKind::Address),
    ("postal code", FindingKind::Address),
    ("zip", FindingKind::Address),
    ("address", FindingKind::Address),
    ("spell", FindingKind::Name),
    ("name", FindingKind::Name),
    ("letters", FindingKind::Name),
    ("initial", FindingKind::Name),
    ("iban", FindingKind::Iban),
    // A member or customer ID: letters and digits of no other kind.
    (" id ", FindingKind::Number),
];

/// What a spelling is: what its cue asked for, else an identifier when it has digits, else a
/// name.
fn spelled_kind(cue: Option<FindingKind>, digits: bool) -> FindingKind {
    match cue {
        Some(kind) => kind,
        None if digits => FindingKind::Number,
        None => FindingKind::Name,
    }
}

/// A token that stands for one letter: a one-letter word or a spelling-alphabet word.
/// Token `i`, a word, is followed on its line by a comma and single letters (spaced, or glued
/// by hyphens or commas) that spell its first two letters or more: "Jones, J-O-N".
fn spelled_next(tokens: &[Token], i: usize) -> bool {
    let line = tokens[i].line;
    if !tokens
        .get(i + 1)
        .is_some_and(|c| c.text == "," && c.line == line)
    {
        return false;
    }
    let mut spelt = String::new();
    for t in tokens[i + 2..].iter().take_while(|t| t.line == line) {
        match t.class {
            Class::Word if t.text.chars().count() == 1 => spelt.push_str(&t.text),
            Class::Punct if matches!(t.text.as_str(), "-" | ",") => {}
            _ => break,
        }
    }
    spelt.chars().count() >= 2 && tokens[i].text.starts_with(&spelt)
}

pub(crate) fn is_letter(t: &Token) -> bool {
    t.class == Class::Word
        && (t.text.chars().count() == 1 || SPELLING_WORDS.contains(&t.text.as_str()))
}

/// The spelling cue said before token `i`: on its line up to there, or on the other party's
/// line before it.
fn spelling_cue(tokens: &[Token], i: usize) -> Option<FindingKind> {
    let line = tokens[i].line;
    let same_line: Vec<&str> = tokens[..i]
        .iter()
        .rev()
        .take_while(|t| t.line == line)
        .map(|t| t.text.as_str())
        .collect();
    let same_line = same_line.into_iter().rev().collect::<Vec<_>>().join(" ");
    SPELLING_CUES
        .iter()
        .find(|(cue, _)| {
            same_line.contains(cue) || previous_line_asks(tokens, i, std::slice::from_ref(cue))
        })
        .map(|(_, kind)| *kind)
}

/// Spelling as ASR often writes it, one hyphen-glued chain ("S-W-NA-1-A-1-A", "J-O-H-N-S-O-N"):
/// three parts or more, most of them one character and at least two of them letters (not "a" or
/// "I"). Such a chain is redacted whole, its longer parts too ("NA" is what whisper made of "one
/// A" there). Hyphenated words ("mother-in-law", "1-on-1", "T-shirt") are not such chains.
pub(crate) fn hyphen_chains(tokens: &[Token]) -> Vec<Detection> {
    let glued = |a: &Token, b: &Token| a.end == b.start;
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].class == Class::Punct {
            i += 1;
            continue;
        }
        // Parts i, i+2, …, joined by "-" with no space anywhere.
        let mut parts = vec![i];
        let mut k = i;
        while k + 2 < tokens.len()
            && tokens[k + 1].text == "-"
            && tokens[k + 2].class != Class::Punct
            && glued(&tokens[k], &tokens[k + 1])
            && glued(&tokens[k + 1], &tokens[k + 2])
        {
            k += 2;
            parts.push(k);
        }
        let single = parts
            .iter()
            .filter(|&&p| tokens[p].text.chars().count() == 1)
            .count();
        let letters = parts
            .iter()
            .filter(|&&p| {
                tokens[p].class == Class::Word
                    && tokens[p].text.chars().count() == 1
                    && !matches!(tokens[p].text.as_str(), "a" | "i")
            })
            .count();
        if parts.len() >= 3 && letters >= 2 && single * 2 > parts.len() {
            let digits = parts.iter().any(|&p| tokens[p].class == Class::Digits);
            let kind = spelled_kind(spelling_cue(tokens, i), digits);
            out.push(Detection {
                kind,
                first: i,
                last: k + 1,
                confidence: 0.6,
                normalized: parts.iter().map(|&p| tokens[p].text.as_str()).collect(),
            });
        } else if let Some(kind) = spoken_digits_chain(tokens, &parts) {
            out.push(Detection {
                kind,
                first: i,
                last: k + 1,
                confidence: 0.5,
                normalized: String::new(),
            });
        }
        i = k + 1;
    }
    out
}

/// Digits said as words and glued by hyphens, as whisper writes a number it half heard
/// ("Two-Emmen-O-Four" for a ZIP code, "Nero-One-Four-Fix" for a phone number's last four,
/// "6-1-Nero-Nero" for a card's group, base on 8 kHz µ-law): three parts or more, three of them
/// digits ("o", "oh", "nero" and a lone digit count; one at least a word), or two in four
/// parts or more. Its kind is what the line before asked for, else a number (fail
/// closed). A phrase of two number words joined by another ("nine-to-five", "one-on-one",
/// "two-for-one", "twenty-one") is none.
fn spoken_digits_chain(tokens: &[Token], parts: &[usize]) -> Option<FindingKind> {
    let word = |t: &Token| {
        t.class == Class::Word
            && (crate::tokens::unit(&t.text).is_some()
                || crate::tokens::is_oh(&t.text)
                || t.text == "nero")
    };
    let words = parts.iter().filter(|&&p| word(&tokens[p])).count();
    let digits = parts
        .iter()
        .filter(|&&p| tokens[p].class == Class::Digits && tokens[p].text.len() == 1)
        .count();
    let digit_like = words + digits;
    if parts.len() < 3 || words == 0 || !(digit_like >= 3 || (digit_like >= 2 && parts.len() >= 4))
    {
        return None;
    }
    let first = parts[0];
    let start = crate::tokens::line_start(tokens, first);
    let asked = if start > 0 {
        crate::detect::asked_kinds(tokens, start).first().copied()
    } else {
        None
    };
    Some(asked.unwrap_or(FindingKind::Number))
}

/// What the agent asks when the answer is a credential in words: a password, a memorable word,
/// the answer to a security question.
pub(crate) const SECRET_QUESTIONS: &[&str] = &[
    "password",
    // As whisper may hear it ("And the second and fourth characters of your past word?", base
    // at 16 kHz, on µ-law and mono, round 80).
    "past word",
    "passcode",
    "passphrase",
    "pass phrase",
    "memorable word",
    "memorable phrase",
    "memorable information",
    "secret word",
    "secret answer",
    "security question",
    "security answer",
    "maiden name",
    "made a name",
    // "to confirm what your mother's made in name." (base on µ-law, round 74).
    "made in name",
    "maid in name",
    // Cut off before "name", the rest on the agent's next line ("What's your mother's maiden" -
    // "Fitzgerald." - "name? And …", base at 16 kHz; "Well, your mother made a", µ-law; round 59).
    "mother's maiden",
    "mother made",
    // The usual security questions.
    "memorable date",
    "memorable place",
    "memorable name",
    "first school",
    "first car",
    "first pet",
    "pet's name",
    // The question cut off before its noun ("and the name of your first", round 55 live on
    // 8 kHz µ-law for "And the name of your first pet?"): a first pet, car, school or teacher.
    "name of your first",
    "favourite colour",
    "favorite color",
    "favourite food",
    "favorite food",
    "favourite teacher",
    "favorite teacher",
    "city you were born",
    "town you were born",
    "place of birth",
    "street you grew up",
    "street did you grow up",
    "security word",
    "security phrase",
    "city were you born",
    "town were you born",
    "country were you born",
    "where were you born",
    "nickname",
    "high school",
    "school did you",
    "school you went",
    "best friend",
    "first job",
    "first employer",
    "favourite book",
    "favorite book",
    "favourite film",
    "favorite movie",
    "favourite sport",
    "favorite sport",
    "honeymoon",
];

/// Phrases after which the rest of the line is such a credential ("my password is …").
const SECRET_CUES: &[&str] = &[
    "password is",
    "password's",
    "passcode is",
    "passphrase is",
    "memorable word is",
    "secret word is",
    "security answer is",
];

/// A credential's name and "as", after which the rest of the line is the credential ("I have
/// your mother's maiden name as Fitzgerald."), unless a word of [`NOT_AFTER_AS`] follows.
const SECRET_AS_CUES: &[&str] = &[
    "password as",
    "passcode as",
    "passphrase as",
    "memorable word as",
    "secret word as",
    "security answer as",
    "maiden name as",
];

/// Words after "as" that make it no credential's ("my password as well", "as you said").
const NOT_AFTER_AS: &[&str] = &[
    "well",
    "soon",
    "long",
    "much",
    "many",
    "far",
    "usual",
    "before",
    "you",
    "i",
    "we",
    "he",
    "she",
    "they",
    "it",
    "if",
    "though",
    "requested",
    "discussed",
    "agreed",
    "mentioned",
    "possible",
    "normal",
    "expected",
    "part",
    "such",
];

/// Phrases after which the rest of the line is a maiden name, a credential too: after them "a"
/// or "an" opens the name as whisper heard it ("is a concloc"), not something said of it ("My
/// password is a bit long.").
const MAIDEN_NAME_CUES: &[&str] = &[
    "maiden name is",
    "maiden name was",
    // "maiden name" as whisper half hears it ("My mother's made a name is a concloc, okay, and
    // KWO.", base on 16 kHz and 8 kHz µ-law for "… maiden name is Okonkwo. O K O N K W O.").
    "made a name is",
    "made a name was",
    "maid a name is",
    "maid name is",
];

/// Words that name a password in a sentence, for [`glued_credentials`].
pub(crate) const PASSWORD_WORDS: &[&str] =
    &["password", "passwords", "passcode", "passphrase", "passwd"];

/// A word glued to digits in a sentence that names a password, wherever the cue is in it ("the
/// wifi password for the hub, the one on the sticker is hunter2hunter"): letters and digits run
/// together are what a password looks like. Redacted as [`FindingKind::Pin`], as the other
/// credentials are.
pub(crate) fn glued_credentials(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    // The lines that name a password, found once.
    let mut named_on: Vec<usize> = tokens
        .iter()
        .filter(|t| PASSWORD_WORDS.contains(&t.text.as_str()))
        .map(|t| t.line)
        .collect();
    named_on.dedup();
    let mut sentence = 0;
    while sentence < tokens.len() {
        let line = tokens[sentence].line;
        let end = (sentence..tokens.len())
            .find(|&k| tokens[k].line != line || matches!(tokens[k].text.as_str(), "." | "?" | "!"))
            .unwrap_or(tokens.len());
        // Or the line before names one ("I've reset your password." - "Should I use my old
        // one, Summer2024!, again?").
        let cued = tokens[sentence..end]
            .iter()
            .any(|t| PASSWORD_WORDS.contains(&t.text.as_str()))
            || (line > 0 && named_on.contains(&(line - 1)));
        let mut k = sentence;
        while cued && k < end {
            // A hyphen glued between its parts joins them ("Blue-Falcon-72").
            let glued = |n: usize| {
                n < end
                    && (n == k || tokens[n].start == tokens[n - 1].end)
                    && (matches!(tokens[n].class, Class::Word | Class::Digits)
                        || (n > k
                            && tokens[n].text == "-"
                            && n + 1 < end
                            && tokens[n + 1].start == tokens[n].end
                            && matches!(tokens[n + 1].class, Class::Word | Class::Digits)))
            };
            let mut last = k;
            while glued(last + 1) {
                last += 1;
            }
            let run = &tokens[k..=last];
            if glued(k)
                && run.iter().any(|t| t.class == Class::Word)
                && run.iter().any(|t| t.class == Class::Digits)
            {
                out.push(Detection {
                    kind: FindingKind::Pin,
                    first: k,
                    last: last + 1,
                    confidence: 0.6,
                    normalized: String::new(),
                });
            }
            k = last + 1;
        }
        sentence = end + 1;
    }
    out
}

/// Phrases after which the rest of a line is the credential the other party just spoke of
/// ("Please choose a new password." - "Can I just tell you? It's Sunflower2024!").
const SECRET_GIVEN: &[&str] = &[
    "it's",
    "it is",
    "make it",
    "set it to",
    "change it to",
    "it'll be",
    "it will be",
    "going to be",
    "i'll use",
    "i'll go with",
];

/// Words after "it's" that say something of the credential, not what it is ("it is fine", "it's
/// about time", "it's been changed").
const SAID_OF_IT: &[&str] = &[
    "fine",
    "ok",
    "okay",
    "good",
    "great",
    "done",
    "about",
    "been",
    "not",
    "working",
    "alright",
    "all",
    "too",
    "so",
    "a",
    "an",
    "the",
    "very",
    "really",
    "just",
    "that",
    "what",
    "going",
    "no",
    "yes",
    "set",
    "changed",
    "expired",
    "locked",
    "gone",
    "there",
    "here",
    "ready",
    "correct",
    "right",
    "wrong",
    "easy",
    "hard",
    "still",
    "in",
    "on",
    "my",
    "same",
    "ridiculous",
    "annoying",
    "sorted",
    "fixed",
    "taking",
    "saying",
    "asking",
];

/// Words an answer opens with before the credential itself, besides `tokens::is_opener`'s.
const ANSWER_OPENERS: &[&str] = &["answer", "password", "passcode", "pin", "code", "number"];

/// Whether `word` opens an answer before the credential ("yes, it's …").
fn credential_opener(word: &str) -> bool {
    crate::tokens::is_opener(word) || ANSWER_OPENERS.contains(&word)
}

/// What the agent's question must not be for its answer to be a credential: whether one is set,
/// or how to change it ("Do you have a password on the account?" - "Yes I do.").
const NOT_ASKING: &[&str] = &[
    "do you have",
    "do you want",
    "would you like to",
    "have you",
    "is there",
    "did you",
    "reset",
    "forgot",
    "change",
    "set up",
    // A need said away ("You will not need your policy number for this.").
    "not need",
    "won't need",
    "don't need",
    "no need",
];

/// The sentence asks whether something is so or how to change it ([`NOT_ASKING`]), not what it
/// is: "did you" after a question word asks what ("What high school did you go to?").
fn not_asking(text: &str) -> bool {
    NOT_ASKING.iter().any(|phrase| {
        says(text, &[phrase])
            && !(*phrase == "did you"
                && text
                    .find("did you")
                    .is_some_and(|at| says(&text[..at], &["what", "which", "where", "who"])))
    })
}

/// Words of a request, when the agent's line is not a question ("Please tell me your memorable
/// word.").
const ASKING: &[&str] = &[
    "please",
    "tell me",
    "confirm",
    "give me",
    "can i have",
    "what",
    "provide",
    // A question ASR wrote with no question mark ("and your memorable place").
    "and your",
    "and the",
    "can you",
    "could you",
    "may i",
    // "What's" heard as "was" ("for security was the name of your first school,", tiny.en and
    // base on 8 kHz µ-law, round 82: the answer "saying to Bartholomew's primary" was shown).
    "was the name of your",
    "was the make of your",
];

/// A request said as the agent's need ("I need your national insurance number for the claim.",
/// round 56: its answer "It's 12, 34, 56, C." was taken for the claim's reference and shown),
/// not the caller's ("You will need your password to log in."); asks as [`ASKING`] does.
const NEEDS: &[&str] = &[
    "i need",
    "i'll need",
    "i will need",
    "i just need",
    // "What's your password for the online account? I only need the second and fifth
    // characters." with its question mark lost ("Well, your password for the online account,
    // I only need …", tiny.en, round 83: the answer "The second is R and the fifth is seven."
    // was shown).
    "i only need",
    "we only need",
    "we need",
    "we'll need",
    "can i take",
    "can i get",
];

/// `text` (words joined by spaces) asks in words: [`ASKING`] or [`NEEDS`].
fn requests_in_words(text: &str) -> bool {
    ASKING.iter().chain(NEEDS).any(|q| text.contains(q))
        // A sentence opening with "which", its question mark lost ("which house number and
        // street is that.", tiny.en on 8 kHz µ-law, round 79); not "the street which floods".
        || text.trim_start().starts_with("which ")
}

/// The line asks for one of the caller's things with no question mark: it states the agent's
/// need ("To hire the car I need your driving licence number.", "Can I take the long number on
/// the card."), or its last sentence asks what or which of theirs ("I just need to ask your
/// security question what was the make of your first car."), or it is a bare prompt of five
/// words at most with no stop. On a mono recording it still asks, and the next line answers it
/// (round 58: a licence's last letters and a security answer shown; round 59, a maiden name).
pub(crate) fn asks_unmarked(line: &[Token]) -> bool {
    let text = joined(line);
    let need = NEEDS.iter().any(|n| {
        let (your, the) = (format!("{n} your"), format!("{n} the"));
        says(&text, &[your.as_str(), the.as_str()])
    });
    let last = line
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "!"))
        .filter(|&k| k + 1 == line.len())
        .map_or(line, |k| &line[..k]);
    let from = last
        .iter()
        .rposition(|t| matches!(t.text.as_str(), "." | "!" | "?"))
        .map_or(0, |k| k + 1);
    let sentence = &last[from..];
    let wh = sentence
        .iter()
        .position(|t| matches!(t.text.as_str(), "what" | "which" | "what's"));
    // Or a bare prompt, five words at most and no stop ("Once your mother's maiden name",
    // tiny.en for "What's your mother's maiden name?").
    let bare = line.last().is_some_and(|t| t.class == Class::Word)
        && line.iter().filter(|t| t.class == Class::Word).count() <= 5;
    need || bare || wh.is_some_and(|w| sentence[w..].iter().any(|t| t.text == "your"))
}

/// Answers that give no credential away, and keep their words.
const NO_SECRET: &[&str] = &[
    "forgotten",
    "don't know",
    "don't remember",
    "do not know",
    "do not remember",
    "can't remember",
    "cannot remember",
    "forgot",
    "forget",
    "not sure",
    "no idea",
    "reset",
    "never set",
];

/// Credentials said in words: the answer to the agent's question for a password, a memorable
/// word or a security question ("Blue monkey 77.", "Fluffy, my first dog."), or the rest of a
/// line after "my password is". Redacted as [`FindingKind::Pin`] (a credential, as a PIN is):
/// eight words at most, from the first that is not an opener ("yes, it's"); an answer saying
/// the caller does not know it ("I forgot it") keeps its words.
pub(crate) fn spoken_credentials(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (i, line_end) in crate::tokens::line_spans(tokens) {
        let text = words_before(tokens, line_end, line_end - i);
        let keeps = says(&text, NO_SECRET);
        // Where the credential starts: after a cue on the line, or the line's start when it
        // answers the question (not the caller's own "I changed my password.").
        // A password the other party just spoke of, even to offer a change ("Do you want to
        // change your password?" - "Yes, make it redwine42.").
        let spoken_of = !tokens[i].agent && previous_line_asks(tokens, i, SECRET_QUESTIONS);
        let after_cue = (i..line_end).find(|&k| {
            tokens[k].class != Class::Punct && {
                let before = words_before(tokens, k, 4);
                // Not what is said of it ("My password is not working."), but a capital
                // word after the cue ("My password is Fine.").
                let article = matches!(tokens[k].text.as_str(), "a" | "an");
                let said_of_it = SAID_OF_IT.contains(&tokens[k].text.as_str())
                    && !tokens[k].cap
                    && !(article && ends_with_phrase(&before, MAIDEN_NAME_CUES));
                // "… as" the credential, the agent reading it from the record ("We have your
                // memorable word as sunflower"), not "as well", "as you said".
                let as_cue = ends_with_phrase(&before, SECRET_AS_CUES)
                    && !NOT_AFTER_AS.contains(&tokens[k].text.as_str());
                ((ends_with_phrase(&before, SECRET_CUES)
                    || ends_with_phrase(&before, MAIDEN_NAME_CUES)
                    || as_cue)
                    && !said_of_it)
                    || (spoken_of
                        && ends_with_phrase(&before, SECRET_GIVEN)
                        && !SAID_OF_IT.contains(&tokens[k].text.as_str()))
            }
        });
        // On a mono recording the request can come on the answer's own line.
        let asked_here = asked_within(tokens, i, line_end, SECRET_QUESTIONS);
        let asked = asked_here.is_some() || asked_for(tokens, i, SECRET_QUESTIONS);
        let start = after_cue.or_else(|| {
            asked.then(|| {
                (asked_here.unwrap_or(i)..line_end)
                    .find(|&k| {
                        tokens[k].class != Class::Punct && !credential_opener(&tokens[k].text)
                    })
                    .unwrap_or(line_end)
            })
        });
        if let (Some(start), false) = (start, keeps) {
            let last = last_before_closers(tokens, start, line_end);
            let words = tokens[start..line_end]
                .iter()
                .filter(|t| t.class != Class::Punct)
                .count();
            // A credential in digits alone ("My PIN is 9746.") is the digit rules' to classify.
            let in_words = tokens[start..line_end].iter().any(|t| {
                t.class == Class::Word
                    && !crate::tokens::is_number_word(t)
                    && !crate::tokens::is_oh(&t.text)
                    && !credential_opener(&t.text)
            });
            // A longer answer to a request for two things, no last clause after a comma that
            // is the answer (below) ("to verify what your mother's maiden name and your BIN." -
            // "Thompson and the pin is a 6-0 or 6-0.", tiny.en): its first piece, up to "and"
            // or a comma, of three words at most.
            let head = (asked && in_words && words > 8)
                .then(|| {
                    (start..line_end).find(|&k| matches!(tokens[k].text.as_str(), "and" | ","))
                })
                .flatten()
                .filter(|&cut| {
                    let n = tokens[start..cut]
                        .iter()
                        .filter(|t| t.class != Class::Punct)
                        .count();
                    (1..=3).contains(&n)
                });
            if let Some(last) = last.filter(|_| in_words && (1..=8).contains(&words)) {
                out.push(Detection {
                    kind: FindingKind::Pin,
                    first: start,
                    last: last + 1,
                    confidence: 0.6,
                    normalized: String::new(),
                });
            } else if asked
                && (previous_line_asks(tokens, i, &["letter", "character", "digit"])
                    || asked_here.is_some_and(|from| {
                        let request = joined(&tokens[i..from]);
                        ["letter", "character", "digit"]
                            .iter()
                            .any(|w| request.contains(w))
                    }))
            {
                // Characters of it asked for, said in a longer answer ("First is a capital P
                // and the last is the number 9."): each letter and digit.
                for k in start..line_end {
                    let t = &tokens[k];
                    // Not the pronoun "I", nor the article "a" in lower case.
                    let letter = t.class == Class::Word
                        && t.text.chars().count() == 1
                        && t.text != "i"
                        && (t.cap || t.text != "a");
                    let digit = (t.class == Class::Digits && t.text.chars().count() <= 2)
                        || (crate::tokens::is_number_word(t)
                            && !crate::tokens::pronoun_one(tokens, k));
                    if letter || digit {
                        out.push(Detection {
                            kind: FindingKind::Pin,
                            first: k,
                            last: k + 1,
                            confidence: 0.6,
                            normalized: String::new(),
                        });
                    }
                }
            } else if let Some((tail, last)) =
                last.filter(|_| asked && words > 8).and_then(|last| {
                    // A longer answer that says what the answer is before it: its last clause
                    // ("Oh it's, um, the name of my street growing up, Acacia Avenue.").
                    let comma = (start..last).rev().find(|&k| tokens[k].text == ",")?;
                    let said = tokens[comma + 1..=last]
                        .iter()
                        .filter(|t| t.class != Class::Punct)
                        .count();
                    (1..=5).contains(&said).then_some((comma + 1, last))
                })
            {
                out.push(Detection {
                    kind: FindingKind::Pin,
                    first: tail,
                    last: last + 1,
                    confidence: 0.5,
                    normalized: String::new(),
                });
            } else if let Some(cut) = head {
                out.push(Detection {
                    kind: FindingKind::Pin,
                    first: start,
                    last: cut,
                    confidence: 0.5,
                    normalized: String::new(),
                });
            }
        }
    }
    out
}

/// A line that is nothing but a name with middle initials, not the agent's ("Daniel J. Okifer",
/// "Daniel J. O. Kiffer.", tiny.en and base for "Daniel J Okafor." after "And the name exactly
/// as it appears on the card?" heard as "And the name of Mac clearly added up here on the
/// card."): a capitalised word, one or two capital letters each with its full stop, and a
/// capitalised word ending the line — a person's name whatever was asked.
pub(crate) fn initialled_names(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (start, end) in crate::tokens::line_spans(tokens) {
        let line: Vec<&Token> = tokens[start..end].iter().collect();
        // Without a full stop ending the line.
        let body = match line.last() {
            Some(t) if t.text == "." => &line[..line.len() - 1],
            _ => &line[..],
        };
        let word = |t: &Token| {
            t.class == Class::Word
                && t.cap
                && t.text.chars().count() >= 2
                && t.text.chars().all(char::is_alphabetic)
        };
        let initial = |pair: &[&Token]| {
            pair[0].class == Class::Word
                && pair[0].cap
                && pair[0].text.chars().count() == 1
                && pair[1].text == "."
                && pair[1].start == pair[0].end
        };
        // Not a label with its letter ("Plan B. Next.", "Section A. Part two.").
        const LABELS: &[&str] = &[
            "plan",
            "section",
            "part",
            "option",
            "type",
            "vitamin",
            "block",
            "level",
            "floor",
            "gate",
            "room",
            "step",
            "class",
            "grade",
            "category",
            "terminal",
            "platform",
            "row",
            "seat",
            "unit",
            "flat",
            "apartment",
            "building",
            "wing",
            "zone",
            "phase",
            "stage",
            "appendix",
            "exhibit",
            "form",
            "schedule",
            "tier",
            "band",
        ];
        let n = body.len();
        let initials = n.saturating_sub(2);
        if tokens[start].agent
            // A title's name is the other rules' ("Mr J. R. Hartley": the title stays).
            || body.first().is_some_and(|t| {
                LABELS.contains(&t.text.as_str()) || TITLES.contains(&t.text.as_str())
            })
            || !(4..=6).contains(&n)
            || initials % 2 != 0
            || !word(body[0])
            || !word(body[n - 1])
            || !body[1..n - 1].chunks(2).all(initial)
        {
            continue;
        }
        out.push(Detection {
            kind: FindingKind::Name,
            first: start,
            last: start + n,
            confidence: 0.6,
            normalized: String::new(),
        });
    }
    out
}

/// Names given on a line of an unknown speaker (a mono recording, a SIPREC call with one mixed
/// stream) right after the same line asked for one ("What's your name? Thomas Wisniewski.",
/// "And the account holder's name. Thomas with new skid.", tiny.en for "Tomasz Wisniewski"):
/// the answer sentence, past its openers, when it is five words or fewer with no digit and no
/// question or stall. Fail closed: whatever recognition made of the name goes with it.
pub(crate) fn mono_name_answers(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (i, end) in crate::tokens::line_spans(tokens) {
        if !tokens[i].unknown {
            continue;
        }
        let ends: Vec<usize> = (i..end)
            .filter(|&k| matches!(tokens[k].text.as_str(), "." | "?" | "!"))
            .filter(|&k| k + 1 == end || tokens[k + 1].start > tokens[k].end)
            .collect();
        let mut from = i;
        for (n, &k) in ends.iter().enumerate() {
            let sentence = &tokens[from..=k];
            from = k + 1;
            let text = joined(sentence);
            let asks_name = (NAME_QUESTIONS.iter().any(|q| text.contains(q))
                || ends_in_name_request(sentence)
                || bare_question(&text) == Some("name"))
                && !not_asking(&text)
                && (tokens[k].text == "?"
                    || requests_in_words(&text)
                    || crate::detect::noun_phrase_request(sentence));
            if !asks_name || k + 1 >= end {
                continue;
            }
            let answer_end = ends.get(n + 1).map_or(end, |&e| e + 1);
            let answer = &tokens[k + 1..answer_end];
            if answer.last().is_some_and(|t| t.text == "?") || crate::is_stall(answer) {
                continue;
            }
            let Some(first) = answer
                .iter()
                .position(|t| t.class != Class::Punct && !NAME_OPENERS.contains(&t.text.as_str()))
            else {
                continue;
            };
            let said = &answer[first..];
            let words = said.iter().filter(|t| t.class == Class::Word).count();
            let Some(last) = said.iter().rposition(|t| t.class != Class::Punct) else {
                continue;
            };
            if (1..=5).contains(&words) && said.iter().all(|t| t.class != Class::Digits) {
                out.push(Detection {
                    kind: FindingKind::Name,
                    first: k + 1 + first,
                    last: k + 1 + first + last + 1,
                    confidence: 0.5,
                    normalized: String::new(),
                });
            }
        }
    }
    out
}

/// Where the answer starts on a line of an unknown speaker (a mono recording) that asks for one
/// of `questions` (a credential, an address) and gives it ("And the third and fifth characters of your security password.
/// Husky and Seven"): after the line's last sentence that asks for one as [`asked_for`] would
/// (a question, a request's words or a noun phrase), when more is said after it.
fn asked_within(tokens: &[Token], i: usize, end: usize, questions: &[&str]) -> Option<usize> {
    if !tokens[i].unknown {
        return None;
    }
    let mut from = i;
    let mut found = None;
    for k in i..end {
        if !matches!(tokens[k].text.as_str(), "." | "?" | "!") {
            continue;
        }
        let sentence = &tokens[from..=k];
        let text = joined(sentence);
        let asks = questions.iter().any(|q| text.contains(q))
            && !not_asking(&text)
            && (tokens[k].text == "?"
                || requests_in_words(&text)
                || crate::detect::noun_phrase_request(sentence));
        if asks && k + 1 < end {
            found = Some(k + 1);
        }
        from = k + 1;
    }
    // What follows the request still asks, for some of it ("What's your password for the online
    // account? I only need the second and fifth characters.", tiny.en on mono, round 82: that
    // sentence was hidden as the answer, and the answer on the next line was shown): the
    // answer is on the next line.
    found.filter(|&from| !asks_for_part(&tokens[from..end]))
}

/// `tokens` ask for some characters, letters or digits of what was asked for ("I only need the
/// second and fifth characters."): more of a request, no answer.
pub(crate) fn asks_for_part(tokens: &[Token]) -> bool {
    let text = joined(tokens);
    let part = ["character", "letter", "digit"]
        .iter()
        .any(|w| text.contains(w));
    part && (requests_in_words(&text) || text.contains("need"))
}

/// Letters that are not spelling though they stand together: only "a" and "I", the times "a.m."
/// and "p.m.", or an abbreviation as ASR writes one, up to `abbreviation_letters` letters glued
/// by dots ("U.S.A.", "F.B.I."; spelling mostly comes out spaced or hyphenated, "S M I T H",
/// "S-M-I-T-H", and a longer dotted run is one, "I.V.A.N.O.V."). `run` goes from the first
/// letter to the last.
pub(crate) fn not_spelling(run: &[Token], said: &[&str], abbreviation_letters: usize) -> bool {
    let abbreviation = run
        .windows(2)
        .all(|w| w[0].end == w[1].start && is_letter(&w[0]) != is_letter(&w[1]))
        && run
            .iter()
            .all(|t| (is_letter(t) && t.text.chars().count() == 1) || t.text == ".");
    // Letters with full stops are an abbreviation up to `abbreviation_letters` ("U.S.A."),
    // a spelling beyond ("I.V.A.N.O.V.").
    (abbreviation && said.len() <= abbreviation_letters)
        || said.iter().all(|l| matches!(*l, "a" | "i"))
        || matches!(said, ["a", "m"] | ["p", "m"])
}

/// Spelled-out letters: "S M I T H", "K-O-W-A-L-S-K-I", "S as in Sam, M as in Mary", "kilo
/// oscar whiskey", "s w one a one a a", "j s m i t h at …". Spelling is how a caller makes sure
/// a name, an e-mail or a postcode is taken down right, so what is spelled is that value: three
/// letters or more are redacted anywhere, two after a cue (the agent asked to spell a name, an
/// e-mail, a postcode). "I, I, I" and "a.m."/"p.m." are not spelling; digits and number words
/// between letters are part of it ("SW1A 1AA" spoken).
pub(crate) fn spelled(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !is_letter(&tokens[i]) {
            i += 1;
            continue;
        }
        // A spelling goes on across the speaker's next line ("S M" then "I T H"), never into
        // the other party's (the barrier between speakers is not a letter).
        let on_line = |k: usize| tokens.get(k).filter(|t| t.line != usize::MAX);
        let mut letters = vec![i];
        // One past the last letter (or the word that gave one away).
        let mut end = i + 1;
        let mut number_end = end;
        let mut k = i + 1;
        // A letter made plain with a word for it: spelling, even of one letter.
        let mut spelled_out = false;
        while let Some(t) = on_line(k) {
            // "S as in Sam", "S for Sugar", "B like boy": the word gives the letter away.
            let phonetic = match (t.text.as_str(), on_line(k + 1), on_line(k + 2)) {
                ("as", Some(b), Some(w)) if b.text == "in" && w.class == Class::Word => 3,
                ("for" | "like", Some(w), _) if w.class == Class::Word => 2,
                _ => 0,
            };
            if phonetic > 0 && is_letter(&tokens[k - 1]) {
                // The word begins with the letter it gives ("M as in Mike", not "B for now").
                let letter = tokens[k - 1].text.chars().next();
                let word = &tokens[k + phonetic - 1].text;
                // "I like it", "a for apple" are no spelling of "i" or "a".
                spelled_out |= letter.is_some_and(|l| {
                    !matches!(l, 'i' | 'a') && word.starts_with(l) && word.chars().count() >= 3
                });
                k += phonetic;
                end = k;
            } else if is_letter(t) {
                letters.push(k);
                k += 1;
                end = k;
            } else if (t.class == Class::Punct && matches!(t.text.as_str(), "," | "-" | "." | "'"))
                || SPELLING_JOINERS.contains(&t.text.as_str())
                || crate::tokens::is_number_word(t)
            {
                // Digits and number words count between letters ("s w one a one a a"); a
                // number after the last letter belongs to the spelling only after a cue ("member
                // ID?" - "A B 1 2"), and otherwise keeps its own rules ("A B 1 2 3 4 5 6 7").
                if crate::tokens::is_number_word(t) {
                    number_end = k + 1;
                }
                k += 1;
            } else {
                break;
            }
        }
        let said: Vec<&str> = letters.iter().map(|&l| tokens[l].text.as_str()).collect();
        let cue = spelling_cue(tokens, i);
        // A leading "a" or "I" may be the article or the pronoun ("spelled with a k", "I J"
        // …): it joins a spelling only that is one without it. A capital "A" is a letter.
        let article = said[0] == "i" || (said[0] == "a" && !tokens[i].cap);
        let counted = said.len() - usize::from(article);
        let enough =
            counted >= 3 || (counted == 2 && cue.is_some()) || (counted >= 1 && spelled_out);
        if enough && !not_spelling(&tokens[i..end], &said, 4) {
            // A number after the last letter that ends the line is the spelling's last
            // character ("1e g 4 d e 5 m k p m 3." for a Medicare number).
            let ends_line = tokens[number_end.min(tokens.len())..]
                .iter()
                .take_while(|t| t.line == tokens[i].line)
                .all(|t| t.class == Class::Punct);
            if cue.is_some() || ends_line {
                end = end.max(number_end);
            }
            end = glued_letters_after(tokens, end);
            // And one glued before the first letter ("1e").
            let first = if i > 0
                && tokens[i - 1].class == Class::Digits
                && tokens[i - 1].end == tokens[i].start
                && tokens[i - 1].line == tokens[i].line
            {
                i - 1
            } else {
                i
            };
            let digits = tokens[first..end]
                .iter()
                .any(|t| crate::tokens::is_number_word(t) && !is_letter(t));
            let email_follows = on_line(end).is_some_and(|t| t.text == "at" || t.text == "@");
            let kind = if email_follows {
                FindingKind::Email
            } else {
                spelled_kind(cue, digits)
            };
            // What is spelled: each letter, a spelling-alphabet word's first ("Sierra Mike
            // India Tango Hotel": "smith"), so that the name said after is known.
            let normalized = said
                .iter()
                .filter_map(|w| w.chars().next())
                .collect::<String>();
            out.push(Detection {
                kind,
                first,
                last: end,
                confidence: 0.6,
                normalized,
            });
        }
        i = end.max(i + 1);
    }
    out
}

/// Words written in capitals that are common abbreviations, not a spelling glued.
const ABBREVIATIONS: &[&str] = &[
    "ok", "id", "us", "uk", "usa", "pin", "cvv", "ssn", "dob", "atm", "tv", "pm", "am", "eu",
    "nhs", "irs", "ups", "dvd", "sms", "sim", "iban", "bic", "hmrc", "dvla", "it",
];

/// Characters said one at a time that ASR joined with underscores ("It's s_w_1_a_1_a_", base on
/// 8 kHz µ-law for the postcode "S W one A, one A A", its request heard as "and what's supposed
/// to go?"): four pieces or more of one or two letters or digits, glued, a letter and a digit
/// among them. A spelled value whatever asked for it (fail closed), of no known kind; a
/// file's or a user's name is made of words ("my_big_file_2").
pub(crate) fn underscore_spellings(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let piece = |k: usize| {
            tokens.get(k).is_some_and(|t| {
                t.class != Class::Punct && (1..=2).contains(&t.text.chars().count())
            })
        };
        if !piece(i) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while tokens.get(end).is_some_and(|t| t.text == "_")
            && tokens[end - 1].end == tokens[end].start
            && piece(end + 1)
            && tokens[end].end == tokens[end + 1].start
        {
            end += 2;
        }
        let pieces = (end - i).div_ceil(2);
        let chain = &tokens[i..end];
        let letter = chain
            .iter()
            .any(|t| t.text.chars().any(char::is_alphabetic));
        let digit = chain
            .iter()
            .any(|t| t.text.chars().any(|c| c.is_ascii_digit()));
        if pieces >= 4 && letter && digit {
            out.push(Detection {
                kind: FindingKind::Number,
                first: i,
                last: end,
                confidence: 0.3,
                normalized: String::new(),
            });
        }
        i = end;
    }
    out
}

/// What ASR glued of a spelling in the caller's answer to a request for a name or a spelling:
/// words in capitals ("that's SIRBHA and…", "SIO VHEN", "Who apostrophe DRIS COL?") or with
/// capitals after small letters ("that's SiobHAN.": the name and its letters in one word),
/// with the word an apostrophe is said after ("Who apostrophe" for "O apostrophe"), redacted as
/// a name. Common abbreviations ("NHS", "OK") are none.
pub(crate) fn glued_spellings(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (line_start, line_end) in crate::tokens::line_spans(tokens) {
        if tokens[line_start].agent
            || !(asks_any_name(tokens, line_start)
                || previous_line_asks(tokens, line_start, NAME_QUESTIONS)
                || previous_line_asks(tokens, line_start, &["spell"]))
        {
            continue;
        }
        for k in line_start..line_end {
            let t = &tokens[k];
            let glued = t.class == Class::Word
                && ((t.caps && t.text.chars().count() >= 2) || t.inner_caps)
                && !ABBREVIATIONS.contains(&t.text.as_str());
            if !glued {
                continue;
            }
            // "Who apostrophe DRIS": the letter before the apostrophe too.
            let first = if k >= line_start + 2 && tokens[k - 1].text == "apostrophe" {
                k - 2
            } else {
                k
            };
            out.push(Detection {
                kind: FindingKind::Name,
                first,
                last: k + 1,
                confidence: 0.5,
                normalized: String::new(),
            });
        }
    }
    out
}

/// Words that say a spelling is not being given ("Sorry, I can't spell it.", "One moment.").
const NOT_SPELLING: &[&str] = &[
    "can't", "cannot", "don't", "not", "no", "sorry", "moment", "hold", "wait", "second", "sec",
    "check", "minute", "again", "what", "how", "spell", "know",
];

/// The caller's short answer to a request to spell (six words or fewer, none saying it is not
/// one): every word past its openers is the spelling, whatever whisper made of the letters
/// ("Can you spell the last name?" - "Okay. If oh are." for "O K A F O R", base on 8 kHz
/// µ-law), redacted as a name.
pub(crate) fn spelling_answers(tokens: &[Token]) -> Vec<Detection> {
    let mut out = Vec::new();
    for (line_start, line_end) in crate::tokens::line_spans(tokens) {
        if tokens[line_start].agent || !previous_line_asks(tokens, line_start, &["spell"]) {
            continue;
        }
        let words: Vec<usize> = (line_start..line_end)
            .filter(|&k| tokens[k].class != Class::Punct)
            .collect();
        if words.is_empty()
            || words.len() > 6
            || words
                .iter()
                .any(|&k| NOT_SPELLING.contains(&tokens[k].text.as_str()))
        {
            continue;
        }
        let Some(first) = words.iter().copied().find(|&k| {
            !matches!(
                tokens[k].text.as_str(),
                "yes"
                    | "yeah"
                    | "sure"
                    | "it's"
                    | "it"
                    | "'s"
                    | "is"
                    | "that's"
                    | "so"
                    | "um"
                    | "uh"
            )
        }) else {
            continue;
        };
        out.push(Detection {
            kind: FindingKind::Name,
            first,
            last: words[words.len() - 1] + 1,
            confidence: 0.4,
            normalized: String::new(),
        });
    }
    out
}

/// One past the letters of a spelling that ASR wrote glued in capitals after it, on its line,
/// with up to three words or numbers between ("K-O number 2.0.LSKI" for "K O W A L S K I"):
/// capitals of two to eight letters that are no common abbreviation; `end` when none.
fn glued_letters_after(tokens: &[Token], end: usize) -> usize {
    let Some(line) = tokens.get(end.saturating_sub(1)).map(|t| t.line) else {
        return end;
    };
    let mut last = end;
    let mut between = 0;
    for (k, t) in tokens.iter().enumerate().skip(end) {
        if t.line != line {
            break;
        }
        let glued = t.class == Class::Word
            && t.caps
            && (2..=8).contains(&t.text.chars().count())
            && !ABBREVIATIONS.contains(&t.text.as_str());
        if glued {
            last = k + 1;
            between = 0;
        } else if t.class != Class::Punct {
            between += 1;
            if between > 3 {
                break;
            }
        }
    }
    last
}

/// IBANs (mod-97 checked) and UK and Canadian postcodes, found on the written text of one line.
/// A UK postcode also as whisper glues or garbles its halves: "BS8-3QT", "BS-8, 3QTE".
/// Returns (kind, start, end, confidence, normalised) in characters.
pub(crate) fn written_patterns(text: &str) -> Vec<(FindingKind, usize, usize, f32, String)> {
    static IBAN: OnceLock<Regex> = OnceLock::new();
    static POSTCODE: OnceLock<Regex> = OnceLock::new();
    let iban =
        // The country's letters also apart from the check digits ("GB 29 NWBK 6016 …").
        IBAN.get_or_init(|| Regex::new(r"\b[A-Z]{2} ?\d{2}(?:[ -]?[A-Z0-9]){11,30}\b").unwrap());
    let postcode = POSTCODE.get_or_init(|| {
        Regex::new(r"(?i)\b[A-Z]{1,2}-?\d[A-Z\d]?(?:,? ?|[-.] ?)\d[ABD-HJLNP-UW-Z]{2}[A-Z]?\b")
            .unwrap()
    });
    let chars = |byte: usize| text[..byte].chars().count();
    let mut out = Vec::new();
    for m in iban.find_iter(text) {
        // The longest prefix of the match that passes mod-97 (a word may follow the IBAN).
        let cut: Vec<(usize, char)> = m
            .as_str()
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphanumeric())
            .collect();
        let valid = (15..=cut.len().min(34))
            .rev()
            .find(|&n| iban_valid(&cut[..n].iter().map(|(_, c)| *c).collect::<String>()));
        let context = text[..m.start()].to_ascii_lowercase();
        let (len, confidence) = match valid {
            Some(n) => (n, 0.97),
            None if context.contains("iban") => (cut.len(), 0.7),
            None => continue,
        };
        let (last_byte, last_char) = cut[len - 1];
        let end = m.start() + last_byte + last_char.len_utf8();
        let compact: String = cut[..len].iter().map(|(_, c)| *c).collect();
        out.push((
            FindingKind::Iban,
            chars(m.start()),
            chars(end),
            confidence,
            compact,
        ));
    }
    // A Canadian postal code ("V5H 2A9"): letter, digit, letter, digit, letter, digit, with
    // the letters Canada Post uses. Both in any case: ASR writes "sw1a 1aa" now and then.
    static CANADA: OnceLock<Regex> = OnceLock::new();
    let canada = CANADA.get_or_init(|| {
        Regex::new(r"(?i)\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b")
            .unwrap()
    });
    // A UK postcode whose second half whisper cut to a digit and one letter, written in
    // capitals after an outward code of two letters and a digit or two, or a digit and a
    // letter ("London SW1A, 2A,", tiny.en on a mono recording for "S W one A, two A A"); one
    // letter first ("B12, 3A") is as often a gate and a row.
    static CUT_POSTCODE: OnceLock<Regex> = OnceLock::new();
    let cut_postcode = CUT_POSTCODE
        .get_or_init(|| Regex::new(r"\b[A-Z]{2}\d[A-Z\d]?,? \d[ABD-HJLNP-UW-Z]\b").unwrap());
    let whole: Vec<(usize, usize)> = postcode
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let cut = cut_postcode
        .find_iter(text)
        .filter(|m| !whole.iter().any(|&(a, b)| a < m.end() && m.start() < b));
    // Its area's letters written apart from the district's digit, in capitals ("BS 8, 1QU.",
    // base on a mono recording for "B S eight, one Q U").
    static SPACED_POSTCODE: OnceLock<Regex> = OnceLock::new();
    let spaced = SPACED_POSTCODE
        .get_or_init(|| Regex::new(r"\b[A-Z]{1,2} \d[A-Z\d]?,? ?\d[ABD-HJLNP-UW-Z]{2}\b").unwrap());
    let spaced = spaced
        .find_iter(text)
        .filter(|m| !whole.iter().any(|&(a, b)| a < m.end() && m.start() < b));
    // An Irish Eircode ("D02 X285", "A65 F4E2", "D6W 1882"; "D6 w 1882", tiny.en live): a
    // routing key of a letter and two digits, or Dublin's "D6W", and four letters and digits
    // of the set An Post uses. Four digits alone after a key outside Dublin ("N11 2020") are
    // as often a road and a year, so there a letter must be among them.
    static EIRCODE: OnceLock<Regex> = OnceLock::new();
    let eircode = EIRCODE.get_or_init(|| {
        Regex::new(r"\b(?:[ACDEFHKNPRTVWXY]\d{2}|D ?6 ?[Ww])[ -]?([0-9ACDEFHKNPRTVWXY]{4})\b")
            .unwrap()
    });
    let eircodes: Vec<regex::Match> = eircode
        .captures_iter(text)
        .filter(|c| c[0].starts_with('D') || c[1].chars().any(|ch| ch.is_ascii_alphabetic()))
        .filter_map(|c| c.get(0))
        .filter(|m| !whole.iter().any(|&(a, b)| a < m.end() && m.start() < b))
        .collect();
    // Its inward digit heard as a word ("LS6 for JD.", tiny.en on 8 kHz µ-law for "L S six,
    // four J T", round 83), or its outward letters garbled and glued to the rest ("At LSDX4JT
    // Perfect", the agent's read-back).
    static HEARD_POSTCODE: OnceLock<Regex> = OnceLock::new();
    let heard = HEARD_POSTCODE.get_or_init(|| {
        Regex::new(
            r"\b(?:[A-Z]{1,2}\d[A-Z\d]?,? (?:for|to|too|two|won|one|ate|eight|free|three|nine|six|five|seven|zero|oh|\d) ?[ABD-HJLNP-UW-Z]{2}|[A-Z]{2,5}\d[ABD-HJLNP-UW-Z]{2})\b",
        )
        .unwrap()
    });
    let heard: Vec<regex::Match> = heard
        .find_iter(text)
        .filter(|m| !whole.iter().any(|&(a, b)| a < m.end() && m.start() < b))
        .collect();
    for m in postcode
        .find_iter(text)
        .chain(canada.find_iter(text))
        .chain(cut)
        .chain(spaced)
        .chain(eircodes)
        .chain(heard)
    {
        out.push((
            FindingKind::Address,
            chars(m.start()),
            chars(m.end()),
            0.8,
            m.as_str().to_string(),
        ));
    }
    // A UK National Insurance number, the British social security number: "QQ 12 34 56 C"
    // (any two letters: the prefix rules exclude "QQ", the form's own specimen, and ASR
    // mishears letters), its digits as whisper writes them apart: "QQ12-34-56-C" (base),
    // "QQ1.2, 3.4, 5.6.c." (tiny.en).
    static NINO: OnceLock<Regex> = OnceLock::new();
    let nino = NINO.get_or_init(|| {
        Regex::new(r"(?i)\b[A-Z]{2}(?:[ .,-]{0,2}\d){6}[ .,-]{0,2}[A-D]\b").unwrap()
    });
    for m in nino.find_iter(text) {
        out.push((
            FindingKind::Ssn,
            chars(m.start()),
            chars(m.end()),
            0.9,
            m.as_str()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect(),
        ));
    }
    out
}

/// ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1.
pub(crate) fn iban_valid(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rotated = iban[4..].chars().chain(iban[..4].chars());
    let mut rem: u32 = 0;
    for c in rotated {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact_line;
    use crate::Redactor;
    use earshot_core::Speaker;

    #[test]
    fn iban_checksum() {
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(!iban_valid("GB82WEST12345698765433"));
        assert_eq!(
            redact_line("my IBAN is GB82 WEST 1234 5698 7654 32 thanks").text,
            "my IBAN is [IBAN] thanks"
        );
    }

    #[test]
    fn names_after_cues_and_questions() {
        assert_eq!(
            redact_line("Hi, my name is John Smith and I need help").text,
            "Hi, my name is [NAME] and I need help"
        );
        assert_eq!(
            redact_line("this is Maria Garcia calling about my bill").text,
            "this is [NAME] calling about my bill"
        );
        assert_eq!(redact_line("it's fine, thanks").text, "it's fine, thanks");
        let mut r = Redactor::new();
        let mut out = r.push(Speaker::Agent, "Can I have your full name please?");
        out.extend(r.push(Speaker::Caller, "Sure, Peter O'Neill."));
        out.extend(r.finish());
        assert_eq!(out[1].text, "Sure, [NAME].");
        // A hyphenated first name and a middle initial: the parts after "-" or "Q." were shown.
        let mut r = Redactor::new();
        let mut out = r.push(Speaker::Agent, "Can I get the name on the card?");
        out.extend(r.push(Speaker::Caller, "Jonathan Q. Public."));
        out.extend(r.push(Speaker::Caller, "Or my wife, Anne-Marie Smith-Jones."));
        out.extend(r.finish());
        assert_eq!(out[1].text, "[NAME].");
        assert_eq!(out[2].text, "Or my wife, [NAME].");
        // "his name's", "Doctor", and the name said again with "'s": each was shown.
        assert_eq!(
            conversation(&[
                (Speaker::Agent, "Can I have the name of the account holder?"),
                (Speaker::Caller, "It's my son's account, his name's Tyler."),
                (
                    Speaker::Agent,
                    "And Tyler's date of birth? Thanks Doctor Okafor."
                ),
            ])[1..],
            [
                "It's my son's account, his name's [NAME].",
                "And [NAME] date of birth? Thanks [NAME].",
            ]
        );
        // Negative controls: a hyphen with spaces, a lower-case word after it, and a full stop
        // that ends a sentence after a name.
        assert_eq!(
            redact_line("my name is John - well-known here").text,
            "my name is [NAME] - well-known here"
        );
        assert_eq!(
            redact_line("this is Maria-ish. Thanks").text,
            "this is [NAME]-ish. Thanks"
        );
        assert_eq!(
            redact_line("my name is John Smith. I need help").text,
            "my name is [NAME]. I need help"
        );
        assert_eq!(
            redact_line("the doctor's name's on the letter").text,
            "the doctor's name's on the letter"
        );
    }

    /// The caller's `answer` to the agent's `question`, redacted.
    fn answered(question: &str, answer: &str) -> String {
        conversation(&[(Speaker::Agent, question), (Speaker::Caller, answer)])[1].clone()
    }

    /// Each conversation's lines through a [`Redactor`], the texts back.
    fn conversation(lines: &[(Speaker, &str)]) -> Vec<String> {
        let mut r = Redactor::new();
        let mut out = Vec::new();
        for (speaker, text) in lines {
            out.extend(r.push(*speaker, text));
        }
        out.extend(r.finish());
        out.into_iter().map(|r| r.text).collect()
    }

    #[test]
    fn spelled_names_emails_and_postcodes_are_redacted() {
        let agent = Speaker::Agent;
        let caller = Speaker::Caller;
        let cases: &[(&[(Speaker, &str)], &str)] = &[
            (
                &[
                    (agent, "Can you spell your last name for me?"),
                    (caller, "Sure, K O W A L S K I."),
                ],
                "Sure, [NAME].",
            ),
            (
                &[(caller, "It's Smith, S-M-I-T-H.")],
                "It's [NAME], [NAME].",
            ),
            (
                &[
                    (agent, "Could you spell that?"),
                    (caller, "S as in Sam, M as in Mary, I, T, H."),
                ],
                "[NAME].",
            ),
            (
                &[
                    (agent, "Can you spell your email?"),
                    (caller, "j s m i t h at gmail dot com."),
                ],
                "[EMAIL].",
            ),
            (
                &[
                    (agent, "What's the postcode?"),
                    (caller, "s w one a one a a."),
                ],
                "[ADDRESS].",
            ),
            (
                &[(caller, "My last name is O'Brien, O apostrophe B R I E N.")],
                "My last name is [NAME], [NAME].",
            ),
            (&[(caller, "It's kilo oscar whiskey.")], "It's [NAME]."),
            (
                &[
                    (agent, "And your IBAN?"),
                    (caller, "G B two nine, N W B K, six zero one six."),
                ],
                "[IBAN].",
            ),
            // As whisper wrote a spelled postcode: "one A" came out as "NA".
            (
                &[(agent, "And the postcode?"), (caller, "S-W-NA-1-A-1-A.")],
                "[ADDRESS].",
            ),
            // Two letters are spelling only after a cue.
            (
                &[(agent, "And your initials?"), (caller, "J K.")],
                "[NAME].",
            ),
            (
                &[(agent, "What's your member ID?"), (caller, "It's A B 1 2.")],
                "It's [NUMBER].",
            ),
        ];
        for (lines, want) in cases {
            let out = conversation(lines);
            assert_eq!(out.last().unwrap(), want, "{lines:?}");
        }
        // A spelling cut by the line's end goes on in the speaker's next line; when the other
        // party speaks next, or in a partial, the letters said so far are redacted anyway.
        assert_eq!(
            conversation(&[(caller, "It's S M"), (caller, "I T H.")]),
            ["It's [NAME]", "[NAME]."]
        );
        assert_eq!(
            conversation(&[(caller, "It's S M"), (agent, "Sorry, go on?")]),
            ["It's [NAME]", "Sorry, go on?"]
        );
        let mut r = Redactor::new();
        assert_eq!(r.preview(caller, "It's S M").text, "It's [NAME]");
    }

    #[test]
    fn letters_that_are_not_spelling_stay() {
        for line in [
            "I, I, I don't know what happened.",
            "I called at 9 a.m. and again at 3 p.m.",
            "I'm in the U.S. right now, the F.B.I. called me.",
            "Is it plan A or B?",
            "I got an A for effort.",
            "I'd like option B please.",
            "My TV and my PC are on the same plan.",
            "My mother-in-law has a T-shirt, we meet 1-on-1 in the X-ray room.",
        ] {
            assert_eq!(conversation(&[(Speaker::Caller, line)]), [line]);
        }
        // Two letters without a cue, and an article before one letter after a cue (the agent's
        // "spelled with a k?" is in `known_names_are_redacted_anywhere`).
        assert_eq!(
            conversation(&[(Speaker::Caller, "It was a B C thing.")]),
            ["It was a B C thing."]
        );
        assert_eq!(
            conversation(&[
                (Speaker::Agent, "Can you spell your name?"),
                (Speaker::Caller, "Sure, it's Okafor, is that a k or a c?"),
            ])[1],
            "Sure, it's [NAME], is that a k or a c?"
        );
    }

    #[test]
    fn names_said_again_or_after_a_title_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        assert_eq!(
            conversation(&[
                (caller, "Hi, my name is Maria Lopez."),
                (agent, "Thanks, Mrs. Lopez. How can I help?"),
                (caller, "My card was charged twice."),
                (agent, "I see. Let me check, Miss Lopez."),
                (caller, "Okay."),
                // Three lines on: beyond the window's context, the name is remembered.
                (agent, "Alright Maria, it's fixed."),
            ]),
            [
                "Hi, my name is [NAME].",
                "Thanks, Mrs. [NAME]. How can I help?",
                "My card was charged twice.",
                "I see. Let me check, Miss [NAME].",
                "Okay.",
                "Alright [NAME], it's fixed.",
            ]
        );
        // Said again on its line with the surname; a spelled name is remembered as the name.
        assert_eq!(
            conversation(&[(caller, "Oh and my wife's name is Maria, Maria Lopez.")]),
            ["Oh and my wife's name is [NAME], [NAME]."]
        );
        assert_eq!(
            conversation(&[
                (caller, "It's spelled O K A F O R."),
                (caller, "Yes."),
                (caller, "Yes."),
                (agent, "Thanks, Okafor."),
            ])[3],
            "Thanks, [NAME]."
        );
        // A name's parts named, a relative's name, a first name before a heard surname.
        for (line, want) in [
            (
                "First name John, last name Smith.",
                "First name [NAME], last name [NAME].",
            ),
            (
                "It's under my husband's name, David Brown.",
                "It's under my husband's name, [NAME].",
            ),
            (
                "The account holder is my late father, Peter Green.",
                "The account holder is my late father, [NAME].",
            ),
            ("My mom, Linda Park.", "My mom, [NAME]."),
            // Not across a sentence's end, nor a lower-case word.
            (
                "I called my dad. Then I called the bank.",
                "I called my dad. Then I called the bank.",
            ),
            ("My son called yesterday.", "My son called yesterday."),
        ] {
            assert_eq!(conversation(&[(caller, line)]), [want]);
        }
        assert_eq!(
            conversation(&[
                (agent, "Who am I speaking with?"),
                (caller, "Smith, John Smith."),
            ])[1],
            "[NAME], [NAME]."
        );
        assert_eq!(
            conversation(&[
                (agent, "What name is on the account?"),
                (caller, "I'd like to speak to a manager please."),
            ])[1],
            "I'd like to speak to a manager please."
        );
        // Negative controls: the agent's own name, "miss" the verb, a name of another
        // conversation (the redactor forgets at the end of one), a lower-case word.
        assert_eq!(
            conversation(&[
                (agent, "Hi, this is Sam, how can I help?"),
                (caller, "Hi Sam. I don't want to miss Friday's payment."),
            ]),
            [
                "Hi, this is Sam, how can I help?",
                "Hi Sam. I don't want to miss Friday's payment.",
            ]
        );
        // The same walk after the name, in a new conversation and in the same one.
        let walk = |finish_between: bool| {
            let mut r = Redactor::new();
            r.push(caller, "My name is Grace Hill.");
            if finish_between {
                r.finish();
            }
            r.push(caller, "We walked up the Hill, and up the hill.")
                .into_iter()
                .chain(r.finish())
                .map(|r| r.text)
                .collect::<Vec<String>>()
        };
        assert_eq!(walk(true), ["We walked up the Hill, and up the hill."]);
        assert_eq!(walk(false), ["We walked up the [NAME], and up the hill."]);
    }

    #[test]
    fn a_spoken_emails_local_part_keeps_its_number_and_not_the_words_before() {
        assert_eq!(
            redact_line("You can email me at jane underscore doe 42 at outlook dot com.").text,
            "You can email me at [EMAIL]."
        );
        assert_eq!(
            redact_line("You can email me at liam dot haddad at outlook dot com.").text,
            "You can email me at [EMAIL]."
        );
        // The answer to "What's your email?": the whole local part, a domain without a known
        // top-level domain, an address written without one.
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        for (answer, want) in [
            ("It's john smith at gmail dot com.", "It's [EMAIL]."),
            ("Sure, john smith at gmail.", "Sure, [EMAIL]."),
            ("My email is john_smith@hotmail.", "My email is [EMAIL]."),
            // Negative controls: a place after "at", no e-mail asked for.
            (
                "I'm at work, can I call you back?",
                "I'm at work, can I call you back?",
            ),
            ("I'm at work.", "I'm at work."),
        ] {
            assert_eq!(
                conversation(&[(agent, "What's your email?"), (caller, answer)])[1],
                want
            );
        }
        assert_eq!(
            conversation(&[(caller, "I left it at home. Then at school.")]),
            ["I left it at home. Then at school."]
        );
    }

    #[test]
    fn credentials_said_in_words_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        let cases: &[(&[(Speaker, &str)], &str)] = &[
            (
                &[
                    (agent, "What's your passcode?"),
                    (caller, "Blue monkey 77."),
                ],
                "[PIN].",
            ),
            (
                &[
                    (agent, "Please tell me your memorable word."),
                    (caller, "Yes, it's butterfly."),
                ],
                "Yes, it's [PIN].",
            ),
            (
                &[
                    (
                        agent,
                        "Can you answer your security question? What was your first pet?",
                    ),
                    (caller, "Oh, that was Rex, my first dog."),
                ],
                "Oh, that was [PIN].",
            ),
            (
                &[(caller, "My password is hunter two, all lowercase.")],
                "My password is [PIN].",
            ),
            // The usual security questions asked by name (each answer was shown).
            (
                &[
                    (agent, "What was the name of your first school?"),
                    (caller, "St Mary's Primary in Croydon."),
                ],
                "[PIN].",
            ),
            (
                &[
                    (agent, "For security, what's your favourite colour?"),
                    (caller, "Purple."),
                ],
                "[PIN].",
            ),
            (
                &[
                    (agent, "What's your memorable date?"),
                    (caller, "The 14th of February."),
                ],
                "The [PIN].",
            ),
            (
                &[
                    (
                        agent,
                        "Do you have a favourite colour set up as your security answer?",
                    ),
                    (caller, "Yes I do."),
                ],
                "Yes I do.",
            ),
            // A mono recording: no speakers, the question mark says it was asked.
            (
                &[
                    (Speaker::Unknown, "What is your passcode?"),
                    (Speaker::Unknown, "Blue monkey."),
                ],
                "[PIN].",
            ),
            // A bare prompt ASR wrote with no punctuation (2026-12-04, the afternoon: shown).
            (
                &[(agent, "mother's maiden name"), (caller, "mcallister")],
                "[PIN]",
            ),
            (
                &[
                    (agent, "mother's maiden name"),
                    (caller, "i don't remember setting one"),
                ],
                "i don't remember setting one",
            ),
            (
                &[
                    (
                        agent,
                        "i see your mother's maiden name is on file from before",
                    ),
                    (caller, "great"),
                ],
                "great",
            ),
            // Negative controls: no credential given, a question about one, the caller's own
            // mention, the agent's thanks, a PIN in digits left to the digit rules.
            (
                &[
                    (agent, "What's your passcode?"),
                    (caller, "I don't remember it, can you reset it?"),
                ],
                "I don't remember it, can you reset it?",
            ),
            (
                &[
                    (agent, "Do you have a password set up on the account?"),
                    (caller, "Yes I do."),
                ],
                "Yes I do.",
            ),
            (
                &[
                    (caller, "I changed my password yesterday."),
                    (caller, "Can you help me with a charge?"),
                ],
                "Can you help me with a charge?",
            ),
            (
                &[(caller, "My password is hunter two."), (agent, "Thanks.")],
                "Thanks.",
            ),
            (
                &[
                    (agent, "What's your passcode?"),
                    (caller, "My PIN is 9746."),
                ],
                "My PIN is [PIN].",
            ),
        ];
        for (lines, want) in cases {
            let out = conversation(lines);
            assert_eq!(out.last().unwrap(), want, "{lines:?}");
        }
    }

    #[test]
    fn po_boxes_address_answers_and_id_numbers_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        assert_eq!(
            redact_line("Send it to P.O. Box 4421, Austin, Texas 78701.").text,
            "Send it to [ADDRESS]."
        );
        assert_eq!(redact_line("It's PO box twelve.").text, "It's [ADDRESS].");
        assert_eq!(
            conversation(&[
                (agent, "What's your address?"),
                (caller, "Oak Cottage, Mill Lane, Little Snoring."),
            ])[1],
            "[ADDRESS]."
        );
        // An address's parts asked for by name, and a postcode written with a comma: each
        // was shown (the comma's one as "[NAME]1, 1AE").
        for (question, answer, redacted) in [
            ("And your postcode?", "It's M1, 1AE.", "It's [ADDRESS]."),
            ("And the building name?", "Riverside Court.", "[ADDRESS]."),
            ("And your house number?", "Forty two.", "[ADDRESS]."),
            (
                "What's the first line of your address?",
                "Rose Cottage, Church Lane.",
                "[ADDRESS].",
            ),
            // An ID whisper split into nine pieces (base at 16 kHz): the "1" was shown.
            (
                "Sure, can I have your Medicare number?",
                "It's 1 eG4 T E 5 MK7 III.",
                "It's [NUMBER].",
            ),
            // Negative controls: no value given.
            (
                "And your postcode?",
                "Sorry, I'm not sure.",
                "Sorry, I'm not sure.",
            ),
            (
                "Sure, can I have your Medicare number?",
                "I do not have it on me, I am out at the shop.",
                "I do not have it on me, I am out at the shop.",
            ),
            (
                "And the building name?",
                "Yes, that's right.",
                "Yes, that's right.",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
        assert_eq!(
            redact_line("My national insurance number is QQ 12 34 56 C.").text,
            "My national insurance number is [SSN]."
        );
        // As whisper wrote it apart, with no cue it could read ("Lastly, your national
        // insurance number." ends in no question).
        for (said, shown) in [
            ("QQ12-34-56-C", "[SSN]"),
            ("QQ1.2, 3.4, 5.6.c.", "[SSN]."),
            // Controls: no letter after the digits; pairs of digits in a sentence.
            ("QQ12-34-56", "QQ12-34-56"),
            (
                "Rows 12, 34 and 56 are free.",
                "Rows 12, 34 and 56 are free.",
            ),
        ] {
            assert_eq!(redact_line(said).text, shown, "{said}");
        }
        assert_eq!(
            redact_line("My driver's license is D1234567.").text,
            "My driver's license is [NUMBER]."
        );
        // The caller's number with the organisation, and IDs said with spaces or commas, on
        // the cue's line or in the answer to a request for them (each was shown).
        for (question, answer, redacted) in [
            (
                "What's your customer number?",
                "C as in Charlie, 4 4 7 1 9.",
                // One value: the number ending the line is the spelling's last characters.
                "[NUMBER].",
            ),
            (
                "What's your National Insurance number?",
                "QQ, one two, three four, five six, C.",
                "[SSN].",
            ),
            // Shown before: the letters of a licence number and of a policy number.
            (
                "And her licence number?",
                "RUIZO 905221 AR9 BX.",
                "[NUMBER].",
            ),
            (
                "What's your policy number?",
                "It's HB-448-2091.",
                "It's [NUMBER].",
            ),
            (
                "Can I take the policy number?",
                "POL 7781 2290.",
                "[NUMBER].",
            ),
            (
                "How can I help?",
                "My member ID is 8 8 3 0 2 1, I think.",
                "My member ID is [NUMBER], I think.",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted);
        }
        // Negative controls: an answer that confirms or gives none, the answer to whether it
        // changed, a box that is no address, counts and years after an ID's cue.
        for (question, answer) in [
            ("What's your address?", "Yes, that's right."),
            (
                "Can you confirm your billing address?",
                "I don't know the postcode off hand.",
            ),
            ("Has your address changed?", "No."),
            (
                "Can I get your driving licence number?",
                "I don't have it on me right now.",
            ),
            ("What's your passport number?", "Hold on, let me look."),
            (
                "And your membership number?",
                "Not sure, is it on the card?",
            ),
        ] {
            assert_eq!(answered(question, answer), answer);
        }
        for line in [
            "I put it in box 3 at the post office.",
            "The PO box is closed.",
            "Is my license valid for 5 more years?",
            "My passport expires in 2030.",
            "My order number is 4 4 7 1 9.",
            "The customer number is on page 3 of 12.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
    }

    #[test]
    fn digits_heard_as_words_are_redacted_with_them() {
        let cases: &[(&str, &str, &str)] = &[
            // Between number words a word ASR writes for a digit is that digit.
            (
                "Card number please.",
                "It's for five three nine, one for eight eight, zero three for three, six for six seven.",
                "It's [CREDIT_DEBIT_NUMBER].",
            ),
            ("And the security code?", "Seven to nine.", "[CREDIT_DEBIT_CVV]."),
            // A short answer to a request for a secret that is such words and digits.
            ("And the security code?", "It's free to nine.", "It's [CREDIT_DEBIT_CVV]."),
            ("And the security code?", "It is seven free time.", "It is [CREDIT_DEBIT_CVV]."),
            ("What's your PIN?", "Won too free for.", "[PIN]."),
            // Negative controls: no secret asked for, an answer that puts it off, a sentence.
            ("How long does it take?", "Three to five days.", "Three to five days."),
            // (the lone "One" is the digit rules': the rest of a misheard code, fail closed)
            (
                "And the security code?",
                "One sec, for real.",
                "[CREDIT_DEBIT_CVV] sec, for real.",
            ),
            (
                "And the security code?",
                "Free to ask, but I paid for it.",
                "Free to ask, but I paid for it.",
            ),
        ];
        for (question, answer, want) in cases {
            assert_eq!(answered(question, answer), *want, "{answer}");
        }
    }

    #[test]
    fn a_zip_after_a_street_belongs_to_the_address() {
        assert_eq!(
            redact_line("I live at 42 Wallaby Way, Springfield, Illinois 62704.").text,
            "I live at [ADDRESS]."
        );
        assert_eq!(
            redact_line("It's 321 Oak Lane, Portland, Oregon nine seven two oh one.").text,
            "It's [ADDRESS]."
        );
        // Words after a street without a ZIP are not the address's.
        assert_eq!(
            redact_line("I moved from 42 Elm Street to Boston in May.").text,
            "I moved from [ADDRESS] to Boston in May."
        );
        assert_eq!(
            redact_line("It's 42 Elm Street, Springfield, Illinois and I waited 45 minutes.").text,
            "It's [ADDRESS], Springfield, Illinois and I waited 45 minutes."
        );
    }

    #[test]
    fn a_town_after_a_street_and_a_range_of_house_numbers_belong_to_the_address() {
        // Shown before: the town ("Croydon", "Mountain View, California") and the first house
        // number of a range or a flat's number ("12-", "3/").
        for (line, kept) in [
            (
                "Send it to Unit 5, 12-14 High Street, Croydon.",
                "Send it to [ADDRESS].",
            ),
            ("It is 3/12 High Road.", "It is [ADDRESS]."),
            // tiny.en on 8 kHz µ-law for "Flat 12, 48 Harbour Road": "1." was shown.
            (
                "Slide 1.2488 Harbor Road Bristol.",
                "Slide [ADDRESS] Bristol.",
            ),
            (
                "My address is 1600 Amphitheatre Parkway, Mountain View, California.",
                "My address is [ADDRESS].",
            ),
            (
                "It is 12 High Street, Stoke-on-Trent, thanks.",
                "It is [ADDRESS], thanks.",
            ),
            (
                "The office is at 350 5th Ave, New York?",
                "The office is at [ADDRESS]?",
            ),
            // Written in lower case with the ZIP in words: shown after the street before.
            (
                "forty two elm street springfield illinois six two seven oh four",
                "[ADDRESS]",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        // Negative controls: words after a street that go on ("and I waited", "to Boston"),
        // and a range with no street.
        for (line, kept) in [
            (
                "It's 42 Elm Street, Springfield, Illinois and I waited 45 minutes.",
                "It's [ADDRESS], Springfield, Illinois and I waited 45 minutes.",
            ),
            (
                "I moved from 42 Elm Street, London to Boston.",
                "I moved from [ADDRESS], London to Boston.",
            ),
            (
                "Read pages 12-14 of the Guide.",
                "Read pages 12-14 of the Guide.",
            ),
            // A decimal that is no flat's number.
            (
                "It's 3.5 miles from 12 Main Street.",
                "It's 3.5 miles from [ADDRESS].",
            ),
            (
                "I moved from 42 Elm Street and paid 12345 dollars.",
                "I moved from [ADDRESS] and paid 12345 dollars.",
            ),
            (
                "42 Elm Street and then order 12345.",
                "[ADDRESS] and then order 12345.",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn street_addresses_and_postcodes() {
        assert_eq!(
            redact_line("I live at 42 Elm Street now").text,
            "I live at [ADDRESS] now"
        );
        assert_eq!(
            redact_line("send it to 1600 Pennsylvania Avenue North West").text,
            "send it to [ADDRESS]"
        );
        assert_eq!(
            redact_line("the postcode is SW1A 1AA").text,
            "the postcode is [ADDRESS]"
        );
        assert!(redact_line("I waited 42 minutes on the phone")
            .findings
            .is_empty());
    }

    #[test]
    fn an_irish_eircode_is_an_address() {
        // Round 64, tiny.en live for "D six W, one eight eight two." after the agent's "And the
        // Eircode?" heard as "and the record.": "D6 w [NUMBER]" showed the routing key.
        for (said, redacted) in [
            ("D6 w 1882", "[ADDRESS]"),
            ("It's D02 X285.", "It's [ADDRESS]."),
            (
                "The Eircode is A65 F4E2, thanks.",
                "The Eircode is [ADDRESS], thanks.",
            ),
            ("D6W-1882 please", "[ADDRESS] please"),
            ("T12KXY8", "[ADDRESS]"),
        ] {
            assert_eq!(redact_line(said).text, redacted, "{said}");
        }
        // Controls: a road and a year, a seat, a model, a flight.
        for said in [
            "We took the N11 2020 route.",
            "My seat is A12.",
            "It's the F150 truck.",
            "Flight EI 123 lands at 4.",
        ] {
            assert_eq!(redact_line(said).text, said);
        }
    }

    #[test]
    fn a_name_written_in_lower_case_is_redacted_where_a_name_was_asked_for_or_introduced() {
        let agent = Speaker::Agent;
        let caller = Speaker::Caller;
        // Shown before: ASR wrote the names in lower case.
        for (question, answer, redacted) in [
            (
                "Can I get your name?",
                "yeah it's john smith",
                "yeah it's [NAME]",
            ),
            ("who am i speaking with", "this is bob", "this is [NAME]"),
            // Negative controls: short answers that give no name, and one about whose it is.
            ("Can I get your name?", "sorry what", "sorry what"),
            ("Can I get your name?", "hold on", "hold on"),
            ("Can I get your name?", "i'd rather not", "i'd rather not"),
            (
                "Is the account in your name?",
                "no, my wife's",
                "no, my wife's",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
        let out = conversation(&[
            (caller, "hi this is jennifer calling about my account"),
            (agent, "Hi Jennifer, how can I help?"),
            // Negative control: "this is" and a word that is no name.
            (caller, "this is about my card"),
        ]);
        assert_eq!(
            out,
            [
                "hi this is [NAME] calling about my account",
                "Hi [NAME], how can I help?",
                "this is about my card",
            ]
        );
    }

    #[test]
    fn the_answer_to_a_question_for_someone_elses_name_is_a_name() {
        // Shown before: the mother's name, and then said again.
        let agent = Speaker::Agent;
        let caller = Speaker::Caller;
        let out = conversation(&[
            (
                caller,
                "Hello, this is Dave, I'm calling about my mum's card.",
            ),
            (agent, "Hi Dave. What's her name?"),
            (caller, "Margaret O'Connor."),
            (agent, "Thanks Margaret."),
        ]);
        assert_eq!(out[2..], ["[NAME].", "Thanks [NAME]."]);
        for (question, answer, redacted) in [
            ("Who's the account holder?", "Ingrid Larsen.", "[NAME]."),
            ("And who is calling?", "Tom Baker.", "[NAME]."),
            ("Can I take a name?", "Priya.", "[NAME]."),
            // Negative control: a question that is not for a name.
            ("Is the card holder with you?", "Yes.", "Yes."),
            // A security question's answer stays a credential.
            (
                "What was the name of your first pet?",
                "um it was rex",
                "um it was [PIN]",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{question}");
        }
        // Negative control: the words in a statement cue nothing on the next line.
        let out = conversation(&[
            (caller, "The account holder is my late father."),
            (agent, "Who am I speaking with?"),
        ]);
        assert_eq!(out[1], "Who am I speaking with?");
    }

    #[test]
    fn and_you_are_asks_for_a_name_and_two_letter_names_are_remembered() {
        let agent = Speaker::Agent;
        let caller = Speaker::Caller;
        // Shown before: the answer to "And you are?", and the two-letter names said again.
        let out = conversation(&[
            (agent, "Name on the account?"),
            (caller, "Chen Wei."),
            (agent, "And you are?"),
            (caller, "Li Na, her husband."),
            (agent, "Okay Li Na, I can only speak with Chen Wei."),
        ]);
        assert_eq!(
            out[1..],
            [
                "[NAME].",
                "And you are?",
                "[NAME], her husband.",
                "Okay [NAME], I can only speak with [NAME]."
            ]
        );
        let out = conversation(&[
            (agent, "Who is this?"),
            (caller, "Ed Park."),
            (agent, "Hi Ed."),
            // Negative control: two-letter words capitalised are not the name heard.
            (caller, "Is it done? As I said, Go on."),
        ]);
        assert_eq!(
            out[1..],
            ["[NAME].", "Hi [NAME].", "Is it done? As I said, Go on."]
        );
        // Negative controls: a thing after "my" in lower case, an answer that is no name.
        for (question, answer) in [
            ("Who is calling?", "Calling about my bill."),
            ("And you are?", "Calling about my card."),
        ] {
            assert_eq!(answered(question, answer), answer, "{answer}");
        }
    }

    #[test]
    fn a_name_with_initials_or_particles_and_a_relatives_name_are_redacted_whole() {
        let agent = Speaker::Agent;
        let caller = Speaker::Caller;
        // Shown before: the surname after a title and initials or after particles.
        for (answer, redacted) in [
            // The title is no part of the name (since 2026-12-04).
            ("Mr J R Hartley.", "Mr [NAME]."),
            ("Mr J. R. Hartley.", "Mr [NAME]."),
            ("Mary Ann Van Der Berg.", "[NAME]."),
            ("Juan de la Cruz.", "[NAME]."),
            // Negative controls: words after a name that are none.
            (
                "Mr Smith and I would like to pay.",
                "Mr [NAME] and I would like to pay.",
            ),
            ("Maria, de la, nope.", "[NAME], de la, nope."),
        ] {
            assert_eq!(
                answered("And the name as it appears on the card?", answer),
                redacted,
                "{answer}"
            );
        }
        // Shown before: the name after a relative's possessive ("my mother's,").
        for (line, kept) in [
            (
                "No, it's my mother's, Patricia Nwosu.",
                "No, it's my mother's, [NAME].",
            ),
            // Negative controls: the possessive before a thing, and "name" after it.
            ("It's my wife's card.", "It's my wife's card."),
            (
                "It was my father's, but he died.",
                "It was my father's, but he died.",
            ),
            (
                "Oh and my wife's name is Maria, Maria Lopez.",
                "Oh and my wife's name is [NAME], [NAME].",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        // Shown before 2026-12-04: someone else said to be who they are, after "he's" or
        // "she's"; a title before the name is not part of it.
        for (line, kept) in [
            (
                "I'd like to book an appointment for my mum. She's Margaret Oyelaran-Finch.",
                "I'd like to book an appointment for my mum. She's [NAME].",
            ),
            (
                "It's for my son, he's Oliver.",
                "It's for my son, he's [NAME].",
            ),
            ("My GP? She is Dr. Patel.", "My GP? She is Dr. [NAME]."),
            ("It's Dr. Patel, my GP.", "It's Dr. [NAME], my GP."),
            ("My brother is Cathal.", "My brother is [NAME]."),
            // A caller saying who they are in other words.
            (
                "Hiya, Deborah here, I'm ringing about my bill.",
                "Hiya, [NAME] here, I'm ringing about my bill.",
            ),
            (
                "Hi there, Marcus Bell calling from Hollins Ltd about invoice 4471.",
                "Hi there, [NAME] calling from Hollins Ltd about invoice 4471.",
            ),
            (
                "I go by Sasha but my legal name is Aleksandra Petrova.",
                "I go by [NAME] but my legal name is [NAME].",
            ),
            ("My surname's Nakamura-Lindqvist.", "My surname's [NAME]."),
            // Negative controls: "here" after no name, or after more than a greeting.
            (
                "Sorry, Mum here, she says hi.",
                "Sorry, Mum here, she says hi.",
            ),
            (
                "We moved the Account here last year.",
                "We moved the Account here last year.",
            ),
            ("My nephew was Ruairí Byrne.", "My nephew was [NAME]."),
            // Negative controls: what someone is in lower case, a place after them.
            ("He's fine now, thanks.", "He's fine now, thanks."),
            ("My son? He's at school.", "My son? He's at school."),
            ("She is on the account too.", "She is on the account too."),
            ("My son is at school.", "My son is at school."),
            ("My name is on it.", "My name is on it."),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        // Shown before 2026-12-04: a name as a sentence of its own in the answer to a
        // question for one, after other sentences.
        for (answer, redacted) in [
            (
                "That'd be my father. He passed away last month. Seamus O'Donoghue.",
                "That'd be my father. He passed away last month. [NAME].",
            ),
            // With a hyphen in it, after a comma.
            (
                "The account holder, Rhiannon Pryce-Jones.",
                "The account holder, [NAME].",
            ),
            // Negative control: a sentence that is no name.
            ("It is me. Thank you.", "It is me. Thank you."),
        ] {
            assert_eq!(
                answered("Can I confirm the name of the account holder?", answer),
                redacted
            );
        }
        // Shown before: a relative's name answering a question about them, and said again.
        let out = conversation(&[
            (agent, "Is your daughter on the account?"),
            (caller, "Yes, Sophie."),
            (agent, "And what's Sophie's email?"),
        ]);
        assert_eq!(out[1..], ["Yes, [NAME].", "And what's [NAME] email?"]);
        for (question, answer, redacted) in [
            (
                "Who else lives with you, your kids?",
                "Yes, Tom and Lily.",
                "Yes, [NAME] and [NAME].",
            ),
            // Negative controls: a sentence, a day, a card brand, a word of assent.
            (
                "Is your husband there?",
                "No, Monday he is away.",
                "No, Monday he is away.",
            ),
            ("How old is your son?", "He's twelve.", "He's [NUMBER]."),
            ("Does your son have a card too?", "Yes, Visa.", "Yes, Visa."),
            ("Is your partner there?", "Absolutely.", "Absolutely."),
            (
                "Is your brother with you?",
                "No, he went to Paris.",
                "No, he went to Paris.",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
    }

    #[test]
    fn one_letter_made_plain_with_a_word_is_spelling() {
        // Shown before: the ID's letter and the word that gives it.
        assert_eq!(
            answered("What's your member ID?", "It's M as in Mike, 4 4 7 1 9."),
            "It's [NUMBER]."
        );
        for line in ["It's T for Tango.", "S as in Sam."] {
            assert!(!redact_line(line).text.contains(['T', 'S']), "{line}");
        }
        // Negative controls: a word that does not begin with the letter, "I" and "a".
        for line in [
            "Let's go with plan B for now.",
            "I like it, A for effort.",
            "I like it.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
    }

    #[test]
    fn a_name_under_an_account_surname_first_and_a_dotted_spelling_are_redacted() {
        // Each was shown before: "Smith, John", "I.V.A.N.O.V.".
        for (line, kept) in [
            (
                "The account is under Smith, John.",
                "The account is under [NAME].",
            ),
            ("It's under Smith.", "It's under [NAME]."),
            (
                "My name is Dmitri Ivanov, I.V.A.N.O.V.",
                "My name is [NAME], [NAME].",
            ),
            // Negative controls: "under" and a word that is no name, abbreviations.
            ("It is under review.", "It is under review."),
            ("I live in the U.S.A. now.", "I live in the U.S.A. now."),
            ("Call at 9 a.m. please.", "Call at 9 a.m. please."),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        // A partial still being spelled with dots hides it from the third letter.
        let mut r = Redactor::new();
        assert_eq!(
            r.preview(Speaker::Caller, "My name is Dmitri Ivanov, I.V.A.N")
                .text,
            "My name is [NAME], [NAME]"
        );
        assert_eq!(
            r.preview(Speaker::Caller, "in the U.S.").text,
            "in the U.S."
        );
    }

    #[test]
    fn a_relatives_name_in_lower_case_before_what_they_do_is_redacted() {
        // Shown before: ASR wrote the relative's name in lower case.
        for (line, kept) in [
            (
                "my husband mark said to call",
                "my husband [NAME] said to call",
            ),
            ("my son jake is at school", "my son [NAME] is at school"),
            // The name that ends the line too (since 2026-12-03; "tom" was shown).
            (
                "my daughter lily and my son tom",
                "my daughter [NAME] and my son [NAME]",
            ),
            // Before a pronoun that goes on about them (2026-12-04; "linh" was shown).
            (
                "yeah my sister linh she's at home",
                "yeah my sister [NAME] she's at home",
            ),
            (
                "my ex-husband tobias changed the pin without asking",
                "my ex-husband [NAME] changed the pin without asking",
            ),
            ("my wife left the country", "my wife left the country"),
            // A first name and a surname before what they did ("reginald ashworth" was shown).
            (
                "my late father reginald ashworth had an account with you",
                "my late father [NAME] had an account with you",
            ),
            ("my mother has dementia and", "my mother has dementia and"),
            ("my sister she is at home", "my sister she is at home"),
            // Negative controls: words of how, when or who, and a relative with no name.
            ("my husband always said that", "my husband always said that"),
            ("my husband usually does it", "my husband usually does it"),
            ("my partner who is away", "my partner who is away"),
            (
                "my wife and i want to close it",
                "my wife and i want to close it",
            ),
            ("my mother has dementia", "my mother has dementia"),
            // More of what a person does (2026-12-04, the afternoon; "declan" was shown), and
            // the same verbs after a word of how or when.
            (
                "my husband declan uses a wheelchair",
                "my husband [NAME] uses a wheelchair",
            ),
            (
                "my wife priya booked the room",
                "my wife [NAME] booked the room",
            ),
            ("can my wife zofia come?", "can my wife [NAME] come?"),
            ("can my wife come too?", "can my wife come too?"),
            (
                "my husband always uses the app",
                "my husband always uses the app",
            ),
            (
                "my mum finally found the letter",
                "my mum finally found the letter",
            ),
            (
                "my mother uses a hearing aid",
                "my mother uses a hearing aid",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn a_surname_after_the_first_names_spelling_is_redacted() {
        // Shown before 2026-12-04 (the afternoon): "Keane".
        for (answer, redacted) in [
            ("Siobhan, S I O B H A N, Keane.", "[NAME], [NAME], [NAME]."),
            ("siobhan, s i o b h a n, keane.", "[NAME], [NAME], [NAME]."),
            ("Niamh, N-I-A-M-H, O'Neill.", "[NAME], [NAME], [NAME]."),
            // Negative controls: no spelling before the word, and a spelling of no name.
            ("Siobhan, that's right.", "[NAME], that's right."),
        ] {
            let mut r = Redactor::new();
            r.push(Speaker::Agent, "And your name?");
            let out = [r.push(Speaker::Caller, answer), r.finish()].concat();
            let caller: Vec<_> = out
                .iter()
                .filter(|x| x.speaker == Speaker::Caller)
                .map(|x| x.text.as_str())
                .collect();
            assert_eq!(caller, [redacted], "{answer}");
        }
        let mut r = Redactor::new();
        r.push(Speaker::Agent, "What's the postcode?");
        let out = [
            r.push(Speaker::Caller, "S W one, A A B, Thanks."),
            r.finish(),
        ]
        .concat();
        assert!(out.iter().any(|x| x.text.ends_with(", Thanks.")), "{out:?}");
    }

    #[test]
    fn initials_after_a_title_new_addresses_and_more_street_suffixes_are_redacted() {
        // Each was shown before.
        for (question, answer, redacted) in [
            (
                "Who should it be addressed to?",
                "Mrs A. Okonkwo.",
                "Mrs [NAME].",
            ),
            (
                "and the name on the card",
                "miss j a thompson",
                "miss [NAME]",
            ),
            // An initial that is a word too, first after the title (shown before 2026-12-03).
            ("and the name on the card", "mr a j patel", "mr [NAME]"),
            // Negative control: the article after a title.
            (
                "and how often",
                "i spoke to mr a lot",
                "i spoke to mr a lot",
            ),
            (
                "What's the new address?",
                "Flat 9, The Maltings, 4 Station Approach, Woking.",
                "[ADDRESS].",
            ),
            // Negative control: "That's" opening the answer to a question for a name.
            (
                "Who's the named driver on the policy?",
                "That's my partner, Alexandra Ruiz-Ortega.",
                "That's my partner, [NAME].",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
        for (line, kept) in [
            ("Mr. B. Smith is my husband.", "Mr. [NAME] is my husband."),
            (
                "And are you still at 8 Canal Wharf?",
                "And are you still at [ADDRESS]?",
            ),
            ("It's 3 Queen's Gate Mews.", "It's [ADDRESS]."),
            ("i live at 42 the avenue", "i live at [ADDRESS]"),
            // Negative controls: an initial with no title, a number before no street.
            ("Plan A. Then plan B.", "Plan A. Then plan B."),
            (
                "I waited 3 hours at the wharf.",
                "I waited 3 hours at the wharf.",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
        // Negative control: a question for which address to use is no request for one.
        assert_eq!(
            answered("Which address should we use?", "The one on file is fine."),
            "The one on file is fine."
        );
    }

    #[test]
    fn a_spoken_email_ends_in_any_countrys_domain() {
        // Shown before 2026-12-04: "fm" was no known top-level domain.
        for (line, kept) in [
            (
                "That's old, use jdoe at fastmail dot fm now.",
                "That's old, use [EMAIL] now.",
            ),
            ("it is anna at wp dot pl", "it is [EMAIL]"),
            // Negative control: a word of two letters after "dot".
            ("I'm at home dot so yeah", "I'm at home dot so yeah"),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn an_expiry_month_after_its_cue_is_redacted_without_its_year() {
        // Shown before 2026-12-04: a month with no year after it.
        for (line, kept) in [
            (
                "And the card is the Visa ending 0091, expiring next June.",
                "And the card is the Visa ending [CREDIT_DEBIT_NUMBER], expiring next \
                 [CREDIT_DEBIT_EXPIRY].",
            ),
            (
                "It expires in June.",
                "It expires in [CREDIT_DEBIT_EXPIRY].",
            ),
            // Negative controls: a month far from the cue, and "may" the verb.
            (
                "My passport expired in 2019 and the trip is in June.",
                "My passport expired in 2019 and the trip is in June.",
            ),
            (
                "It expires, may I add, soon.",
                "It expires, may I add, soon.",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn the_code_that_opens_a_home_is_a_pin() {
        // Shown before 2026-12-04, in any speaker's line.
        for (line, kept) in [
            (
                "Also I changed the gate code to 2 9 0 6, can you update that?",
                "Also I changed the gate code to [PIN], can you update that?",
            ),
            (
                "The code for the key safe is 4471.",
                "The code for the key safe is [PIN].",
            ),
            ("My building code is 44 21.", "My building code is [PIN]."),
            // Negative control: a year after such a cue.
            (
                "The building code was updated in 2019.",
                "The building code was updated in 2019.",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn letters_glued_to_digits_in_a_sentence_naming_a_password_are_a_credential() {
        // Shown before 2026-12-04: the cue was too far before the value for "password is".
        for (line, kept) in [
            (
                "the wifi password for the hub too, the one on the sticker is hunter2hunter",
                "the wifi password for the hub too, the one on the sticker is [PIN]",
            ),
            (
                "The passcode they gave me, I wrote it down, was blue77 I think.",
                "The passcode they gave me, I wrote it down, was [PIN] I think.",
            ),
            // What is said of a password is none ("[PIN]" before 2026-12-04), but a capital
            // word is.
            ("My password is not working.", "My password is not working."),
            ("My password is Fine.", "My password is [PIN]."),
            // Negative controls: such words in a sentence that names no password, or in the
            // sentence after it.
            (
                "I have an iPhone 15 and a Galaxy S23.",
                "I have an iPhone 15 and a Galaxy S23.",
            ),
            (
                "My password is fine. The phone is a Galaxy S23.",
                "My password is fine. The phone is a Galaxy S23.",
            ),
        ] {
            assert_eq!(redact_line(line).text, kept, "{line}");
        }
    }

    #[test]
    fn a_question_is_read_by_its_own_sentence() {
        // Shown before 2026-12-04: a sentence before the question said "reset" or "did you",
        // which took the whole line for a question about a change.
        for (question, answer, redacted) in [
            (
                "I can reset it. What was the name of your first pet?",
                "Biscuit.",
                "[PIN].",
            ),
            (
                "I can reset it. Can you tell me the answer to your security question?",
                "Biscuit.",
                "[PIN].",
            ),
            (
                "Did you move recently? What is the new address?",
                "Yes, 14 Orchard Close.",
                "Yes, [ADDRESS].",
            ),
            // Negative controls: the question itself asks about a change; answers that give
            // no address (redacted whole before).
            (
                "Did you reset your security answer?",
                "Biscuit did, yes.",
                "Biscuit did, yes.",
            ),
            ("What is the new address?", "Yes, we did.", "Yes, we did."),
            // A terse question ("Address?", "Name?"), and a fourth word of a name.
            (
                "Address?",
                "Rural Route 2, Box 19, Dumfries, Virginia.",
                "[ADDRESS].",
            ),
            ("Okay. And the name?", "Nguyen Thi Mai.", "[NAME]."),
            // A given name written with a lower-case part ("Ji-woo"), not a suffix.
            ("And the name?", "Ji-woo Park.", "[NAME]."),
            (
                "And the name?",
                "It's John-ish, I think.",
                "It's [NAME]-ish, I think.",
            ),
            ("Name on the policy?", "Nguyen Thi Mai.", "[NAME]."),
            (
                "Can I get your full name?",
                "Yes, María José García López.",
                "Yes, [NAME].",
            ),
            // Negative controls: a terse question for something else, an answer that asks
            // back.
            ("Email address?", "Yes.", "Yes."),
            ("Name?", "Why?", "Why?"),
            (
                "What is the new address?",
                "Sorry, I do not know it yet.",
                "Sorry, I do not know it yet.",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{question} {answer}");
        }
    }

    #[test]
    fn a_lower_case_name_after_its_and_fillers_in_an_answer_is_redacted() {
        // Shown before: the greeting before "it's" made the name no short answer, and "uh"
        // hid the cue.
        let out = conversation(&[
            (Speaker::Agent, "Can I start with your full name?"),
            (Speaker::Caller, "yeah hi tom it's uh deborah o'sullivan"),
            (Speaker::Agent, "Thanks Deborah."),
        ]);
        assert_eq!(out[1..], ["yeah hi tom it's uh [NAME]", "Thanks [NAME]."]);
        // Negative controls: answers that give no name.
        for answer in [
            "it's fine, just call me later",
            "it's uh not important",
            "it's fine",
            "it's my wife's account",
        ] {
            assert_eq!(answered("Can I take your full name?", answer), answer);
        }
    }

    #[test]
    fn a_question_written_with_no_question_mark_still_asks() {
        // Shown before: ASR wrote the agent's questions unpunctuated.
        for (question, answer, redacted) in [
            ("and your memorable place", "whitby", "[PIN]"),
            (
                "thank you and the name of your first school",
                "st marys primary",
                "[PIN]",
            ),
            // Negative control: an answer that gives none.
            (
                "and your memorable place",
                "sorry I don't remember",
                "sorry I don't remember",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
        // Negative control: a statement about the password, with no request.
        assert_eq!(
            answered("I've sent the new card, it's in the post.", "Okay thanks."),
            "Okay thanks."
        );
    }

    #[test]
    fn an_address_read_back_and_its_parts_asked_for_by_name_are_redacted() {
        let agent = Speaker::Agent;
        let caller = Speaker::Caller;
        // Shown before: the street read back, and the answers to the street's name (typed a
        // name) and the town.
        let out = conversation(&[
            (agent, "And the first line of your address?"),
            (caller, "Flat 2, 9 Queen's Gate Mews."),
            (
                agent,
                "Queen's Gate Mews, perfect. What's the name of the street?",
            ),
            (caller, "Acacia Avenue."),
            (agent, "Thanks. And the town?"),
            (caller, "Swindon."),
            // Negative controls: one of its words alone.
            (agent, "Perfect. Is there a gate code?"),
        ]);
        assert_eq!(
            out[1..],
            [
                "[ADDRESS].",
                "[ADDRESS], perfect. What's the name of the street?",
                "[ADDRESS].",
                "Thanks. And the town?",
                "[ADDRESS].",
                "Perfect. Is there a gate code?",
            ]
        );
        // And in a new conversation, nothing is remembered.
        assert_eq!(
            conversation(&[(agent, "Queen's Gate Mews, perfect.")])[0],
            "Queen's Gate Mews, perfect."
        );
    }

    #[test]
    fn numbered_streets_canadian_postcodes_and_the_town_before_a_postcode_are_the_address() {
        // Shown before: "Apartment 4B, 310 West" before "55th Street"; "88 Kingsway, Burnaby,
        // BC" and the postal code but its last digit.
        for (line, redacted) in [
            (
                "Please send it to Apartment 4B, 310 West 55th Street, New York, New York 10019.",
                "Please send it to [ADDRESS].",
            ),
            (
                "Mail it to 88 Kingsway, Burnaby, BC, V5H 2A9 please.",
                "Mail it to [ADDRESS] please.",
            ),
            ("My postal code is V5H 2A9.", "My postal code is [ADDRESS]."),
            ("I'm in Leeds, LS6 1AB.", "I'm in [ADDRESS]."),
            // Negative controls: an opener or a sentence's first word before a postcode, an
            // ordinal that is no street, and a number and capitalised words with no postcode
            // after them.
            ("Yes, SW1A 1AA.", "Yes, [ADDRESS]."),
            ("Not SW1A 1AA, it changed.", "Not [ADDRESS], it changed."),
            (
                "It was the 55th time I called.",
                "It was the 55th time I called.",
            ),
            (
                "I bought 3 Samsung TVs, London was the store.",
                "I bought 3 Samsung TVs, London was the store.",
            ),
            (
                "The model is V5H, version 2.",
                "The model is V5H, version 2.",
            ),
            // As ASR wrote them in lower case: shown before but for a street with a suffix.
            ("my postcode is sw1a 1aa", "my postcode is [ADDRESS]"),
            (
                "i live at forty two elm street, leeds, ls6 1ab",
                "i live at [ADDRESS]",
            ),
            (
                "send it to 88 kingsway, burnaby, bc, v5h 2a9",
                "send it to [ADDRESS]",
            ),
            // Negative controls: lower-case words with no house number before the postcode,
            // and a sentence between two addresses.
            ("and then, ls6 1ab", "and then, [ADDRESS]"),
            (
                "12 orchard close, my mum lives at ls6 1ab",
                "[ADDRESS], my mum lives at [ADDRESS]",
            ),
        ] {
            assert_eq!(redact_line(line).text, redacted, "{line}");
        }
        // The answer to "Where do you live?" counts its words from the address's first: a
        // postcode is several ("I live at" and a full address were over the limit).
        assert_eq!(
            answered(
                "Where do you live?",
                "I live at 88 Kingsway, Burnaby, BC, V5H 2A9."
            ),
            "I live at [ADDRESS]."
        );
        assert_eq!(
            answered(
                "Address please.",
                "The Old Rectory, Church Lane, Little Snoring, Norfolk."
            ),
            "The [ADDRESS]."
        );
    }

    #[test]
    fn can_i_have_your_asks_and_plates_booking_references_and_codes_are_redacted() {
        // "have you" was read inside "Can I have your …", which put the question off: the
        // credential and the ID were shown.
        for (question, answer, redacted) in [
            (
                "Can I have your memorable word please?",
                "Blue monkey.",
                "[PIN].",
            ),
            ("Can I have your password?", "sunshine", "[PIN]"),
            (
                "Could I have your policy number?",
                "It is HB 4471, I think.",
                "It is [NUMBER], I think.",
            ),
            (
                "And the first and third characters of your security word?",
                "R and N.",
                "[PIN].",
            ),
            // A vehicle's plate, a booking's locator and a number transfer's code.
            (
                "And the registration number of the car?",
                "It's LK19 XRT.",
                "It's [NUMBER].",
            ),
            (
                "And the other car's registration?",
                "I think it was YD65 KPN, a blue van.",
                "I think it was [NUMBER], a blue van.",
            ),
            (
                "May I have your booking reference?",
                "Yes, it's Q7 K2 LM.",
                "Yes, it's [NUMBER].",
            ),
            (
                "And the PAC code they gave you?",
                "PAC 4 5 1 2 7 8 9 AB.",
                "PAC [NUMBER].",
            ),
            // Negative controls: a question whether one is set, a model, a flight, a count.
            (
                "Have you got a password on the account?",
                "Yes I do.",
                "Yes I do.",
            ),
            // "forgot" matched inside "forgotten" before phrases matched whole words.
            (
                "What's your memorable word?",
                "I've forgotten it, sorry.",
                "I've forgotten it, sorry.",
            ),
            ("What is the model?", "It is QX7K2LM.", "It is QX7K2LM."),
            (
                "What is your flight?",
                "BA 2291 from Leeds.",
                "BA 2291 from Leeds.",
            ),
            (
                "And the registration, is it still the same?",
                "Yes, I have had it 5 years.",
                "Yes, I have had it 5 years.",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
        // On the cue's line.
        assert_eq!(
            redact_line("Her reg was YD65 KPN and she drove off.").text,
            "Her reg was [NUMBER] and she drove off."
        );
        assert_eq!(
            redact_line("Registration LK19 XRT, a Ford Focus.").text,
            "Registration [NUMBER], a Ford Focus."
        );
        // Letters glued to digits are a code, never a name.
        assert_eq!(
            answered("What is the model?", "It is QX7K2LM."),
            "It is QX7K2LM."
        );
    }

    #[test]
    fn pronouns_and_the_agents_line_after_a_surname_are_no_names() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // Shown as names before: "His", and the agent's line after the caller's "same surname".
        assert_eq!(
            answered("Sure, his or her name?", "His name is Kwame Mensah-Bonsu."),
            "His name is [NAME]."
        );
        assert_eq!(
            conversation(&[
                (agent, "And his name?"),
                (caller, "It is Piotr, same surname."),
                (agent, "Good. Lovely. He's fine."),
            ]),
            [
                "And his name?",
                "It is [NAME], same surname.",
                "Good. Lovely. He's fine."
            ]
        );
        // Positive control: the caller's answer to the agent's question is still a name.
        assert_eq!(answered("And your surname?", "Kowalski."), "[NAME].");
    }

    #[test]
    fn a_postcodes_second_half_glued_to_its_digit_and_an_answer_with_only_a_closer() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // "2AA" was shown: the tokens "2" and "aa", and "aa" is neither one letter nor holds a
        // digit.
        assert_eq!(
            conversation(&[
                (agent, "And the postcode?"),
                (caller, "It's SW, um, 1A."),
                (agent, "Okay."),
                (caller, "2AA."),
            ]),
            [
                "And the postcode?",
                "It's [ADDRESS].",
                "Okay.",
                "[ADDRESS]."
            ]
        );
        // An answer with nothing before its closer: the span ended before it began, and the
        // redactor panicked.
        for (question, answer) in [
            ("Can I take your postcode?", "Okay, thanks."),
            ("And your address, please?", "Yes, please."),
            ("post code please", "uh , please"),
        ] {
            assert_eq!(
                conversation(&[(agent, question), (caller, answer)])[1],
                answer
            );
        }
        // Negative controls: no postcode before, or another speaker's.
        assert_eq!(
            conversation(&[(agent, "When?"), (caller, "Oh, 4AM.")])[1],
            "Oh, 4AM."
        );
        assert_eq!(
            conversation(&[
                (agent, "It's in EC1A."),
                (caller, "Which flat?"),
                (caller, "2BB."),
            ])[2],
            "2BB."
        );
    }

    #[test]
    fn a_name_confirmed_a_hospital_number_read_back_and_a_code_sent_are_redacted() {
        // Each was shown.
        for (question, answer, redacted) in [
            (
                "Can I confirm I'm speaking to Mrs. Adeyemi?",
                "Yes, that's me, Folake.",
                "Yes, that's me, [NAME].",
            ),
            ("I sent you a code.", "Got it, 558210.", "Got it, [PIN]."),
            // Negative controls: an answer asking back, a count after a statement.
            (
                "Am I speaking to Mrs. Adeyemi?",
                "Yes. How can I help?",
                "Yes. How can I help?",
            ),
            (
                "I sent you a letter.",
                "Got it 2 days ago.",
                "Got it 2 days ago.",
            ),
        ] {
            assert_eq!(answered(question, answer), redacted, "{answer}");
        }
        assert_eq!(
            redact_line("And your hospital number is R H 8 8 3 1 2 0?").text,
            "And your hospital number is [NUMBER]?"
        );
        assert_eq!(
            redact_line("The hospital number is on the letter, page 2.").text,
            "The hospital number is on the letter, page 2."
        );
    }

    #[test]
    fn a_thing_called_something_and_a_reference_are_no_secrets() {
        // Shown redacted before: "the service called [NAME]", "It says error [NUMBER].".
        for line in [
            "Can you restart the service called RasMan and try again?",
            "The company is called Acme.",
            "There is an app named Zoom on it.",
        ] {
            assert_eq!(redact_line(line).text, line);
        }
        assert_eq!(
            answered("And the error code?", "It says error 809."),
            "It says error 809."
        );
        // Positive controls: a secret's cue outweighs such a word ("port" was a reference cue
        // for a moment, and showed this PIN).
        assert_eq!(
            redact_line("The PIN to port my number is 4 4 2 9.").text,
            "The PIN to port my number is [PIN]."
        );
        // Positive controls: a person called so, a bare number answering a question.
        assert_eq!(
            redact_line("There is an app called Zoom and a guy called Bob.").text,
            "There is an app called Zoom and a guy called [NAME]."
        );
        assert_eq!(
            redact_line("My son is called Theo.").text,
            "My son is called [NAME]."
        );
        assert_eq!(
            redact_line("Yesterday the school called Alex about it.").text,
            "Yesterday the school called [NAME] about it."
        );
        assert_eq!(
            answered("And the code?", "It says 809."),
            "It says [NUMBER]."
        );
    }

    #[test]
    fn a_flat_before_a_buildings_name_and_a_name_one_is_called_by_are_redacted() {
        // "Flat 12, Harbour View" and "Sam" were shown.
        assert_eq!(
            redact_line("So I've got you at Flat 12, Harbour View, 2 Quay Street, is that right?")
                .text,
            "So I've got you at [ADDRESS], is that right?"
        );
        assert_eq!(
            redact_line("Samantha Jane Jones, but everyone calls me Sam.").text,
            "Samantha Jane Jones, but everyone calls me [NAME]."
        );
        // Negative controls: no building's name between the flat and the street, no name.
        assert_eq!(
            redact_line("I went to Flat 3, then Paris, 9 Elm Street.").text,
            "I went to Flat 3, then Paris, [ADDRESS]."
        );
        assert_eq!(
            redact_line("Everyone calls me a hero.").text,
            "Everyone calls me a hero."
        );
    }

    #[test]
    fn a_person_asked_for_by_name_and_the_second_of_two_names_are_redacted() {
        // "Jennifer" and "Carmen Alvarez" were shown.
        assert_eq!(
            redact_line("Hi, can I speak to Jennifer please?").text,
            "Hi, can I speak to [NAME] please?"
        );
        // The title stays, as after any cue.
        assert_eq!(
            redact_line("Can I confirm I'm speaking to Mrs. Adeyemi?").text,
            "Can I confirm I'm speaking to Mrs. [NAME]?"
        );
        assert_eq!(
            answered(
                "And the name on the checking account?",
                "Luis and Carmen Alvarez."
            ),
            "[NAME] and [NAME]."
        );
        // A name ending the answer to a question for one, after a comma.
        assert_eq!(
            answered(
                "And the name on the card?",
                "It's under my company, Brightside Ltd, but my name's on it too, Kelechi Eze."
            ),
            "It's under my company, Brightside Ltd, but my name's on it too, [NAME]."
        );
        assert_eq!(
            answered(
                "And the name on the card?",
                "It's my company, Brightside Logistics."
            ),
            "It's my company, Brightside Logistics."
        );
        assert_eq!(
            answered(
                "Can I take the cardholder's name?",
                "It's my husband's card actually, Ravi Shankar."
            ),
            "It's my husband's card actually, [NAME]."
        );
        // Negative controls: no capitalised word after the cue, no name before "and".
        assert_eq!(
            redact_line("I want to speak to a manager.").text,
            "I want to speak to a manager."
        );
        assert_eq!(
            answered("And your name?", "Tom and I am calling about my bill."),
            "[NAME] and I am calling about my bill."
        );
        assert_eq!(
            redact_line("I paid it and Tesco took it twice.").text,
            "I paid it and Tesco took it twice."
        );
    }

    #[test]
    fn the_word_a_spelling_begins_to_spell_is_the_name() {
        // "Jones" was shown while the agent spelled it back, until the spelling was whole.
        assert_eq!(
            redact_line("So that's Jones, J-O-N?").text,
            "So that's [NAME], [NAME]?"
        );
        // Negative controls: letters that spell another word, or a word not capitalised.
        assert_eq!(
            redact_line("So that's Jones, A-B-C?").text,
            "So that's Jones, [NAME]?"
        );
        assert_eq!(
            redact_line("so that's jones, j o n").text,
            "so that's jones, [NAME]"
        );
    }

    #[test]
    fn a_name_said_with_s_is_remembered_and_spanish_ids_are_redacted() {
        let (agent, caller) = (Speaker::Agent, Speaker::Caller);
        // "Zara" was shown after "Zara's mum".
        assert_eq!(
            conversation(&[(
                caller,
                "Hi, this is Zara's mum, Leila Haddad. Zara won't be in today."
            )]),
            ["Hi, this is [NAME] mum, [NAME]. [NAME] won't be in today."]
        );
        assert_eq!(answered("And your NIE?", "X1234567L."), "[NUMBER].");
        // Negative controls: a possessive with no name cue, a number with no ID cue.
        assert_eq!(
            conversation(&[
                (agent, "Is it the school's bus?"),
                (caller, "Yes, the school's.")
            ])[1],
            "Yes, the school's."
        );
        assert_eq!(answered("Which room?", "Room X12."), "Room X12.");
    }

    #[test]
    fn a_box_on_a_rural_route_is_an_address() {
        // The route's number was shown beside the box's address ("It's a farm, Rural Route 2,
        // Box [ADDRESS].") and, said in words, the whole of it.
        for said in [
            "It's a farm, Rural Route 2, Box 152, Millbrook, Ohio, 44812.",
            "It's a farm, rural route two, box one five two, Millbrook, Ohio, four four eight one two.",
            "RR 2 Box 9, Millbrook.",
            "HC 1 Box 45, Eagle River, Alaska.",
            // The route's name garbled.
            "It's a farm, Rural Roo 2, Box 152, Millbrook.",
            "It's a farm, railroad 2, box 152, Millbrook.",
        ] {
            let out = redact_line(said).text;
            assert!(
                !out.chars().any(|c| c.is_ascii_digit())
                    && !out.contains("two")
                    && !out.contains("one")
                    && !out.contains("Millbrook")
                    && !out.contains("Eagle"),
                "{said} gave {out}"
            );
        }
        // Controls: a road and a box office.
        for said in [
            "We took route 66 to get here.",
            "Take route 9 to the box office, then left.",
        ] {
            assert_eq!(redact_line(said).text, said);
        }
    }

    #[test]
    fn a_citys_postal_district_after_a_street_is_the_addresss() {
        // "…, Dublin 2, and …" heard as "…, Nublin 2 and …" (tiny.en on 8 kHz µ-law): the
        // district was shown.
        let out =
            redact_line("Yes, it is apartment for 7 Heart Court Street, Nublin 2 and that's it.")
                .text;
        assert!(!out.contains("Nublin") && !out.contains('2'), "{out}");
        assert_eq!(
            redact_line("It's 7 Harcourt Street, Dublin 2.").text,
            "It's [ADDRESS]."
        );
        // Control: a count after the town stays.
        let out = redact_line("I work at 12 High Street, Croydon 3 days a week.").text;
        assert!(out.ends_with("3 days a week."), "{out}");
    }

    #[test]
    fn a_four_digit_postcode_after_a_town_is_the_addresss() {
        // The suburb and state were shown between the street and the postcode.
        for said in [
            "Unit three, fifteen Smith Street, Fitzroy, Victoria, three zero six five.",
            "15 Smith Street, Fitzroy, Victoria, 3065.",
        ] {
            let out = redact_line(said).text;
            assert!(
                !out.contains("Fitzroy") && !out.contains("Victoria"),
                "{said} gave {out}"
            );
        }
        // Control: a year that goes on with the sentence stays.
        let out = redact_line("We lived at 15 Smith Street, Fitzroy, 2019 was the year.").text;
        assert!(out.ends_with("2019 was the year."), "{out}");
    }
}
