#!/usr/bin/env python3
"""Writes corpus.jsonl: labelled contact-center conversations for `cargo xtask eval-redact`.

Deterministic (fixed seed). Each line of the output is one conversation:
  {"id": "c0001", "lines": [{"speaker": "agent", "text": "..."}, ...],
   "labels": [{"line": 1, "type": "CREDIT_DEBIT_NUMBER", "start": 19, "end": 38}, ...]}
start/end are Unicode character offsets into that line's text. Lines without labels are negatives.
Values are random (Luhn-valid cards, ABA-valid routing numbers, mod-97-valid IBANs, valid SSNs)
and every surface form we must handle appears: digits, groups, dashes, spoken digits with "oh",
"double"/"triple", mixed forms, values split over two lines, answers to an agent's question with
no cue word, spelled e-mails, spoken dates.
"""
import json
import random
import sys

R = random.Random(20261122)
# Forms added later draw from their own generator, so the conversations drawn before stay as
# they were.
R2 = random.Random(20261129)
SUFFIXES = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
            "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]
FIRST = ["John", "Maria", "Peter", "Aisha", "Wei", "Sofia", "David", "Fatima", "James", "Olga", "Carlos", "Priya", "Liam", "Emma", "Noah"]
LAST = ["Smith", "Garcia", "Johnson", "Nguyen", "Okafor", "Kowalski", "Brown", "Haddad", "Miller", "Rossi", "Patel", "Schmidt", "Walker"]
STREETS = ["Elm", "Oak", "Maple", "High", "Church", "Park", "Pennsylvania", "Sunset", "Mill", "Station", "Victoria", "King"]
SUFFIX = ["Street", "Avenue", "Road", "Lane", "Drive", "Boulevard", "Court", "Way", "Place"]
DOMAINS = [("gmail", "com"), ("yahoo", "com"), ("outlook", "com"), ("example", "org"), ("mail", "co", "uk")]


def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix] + [R.randint(0, 9) for _ in range(length - len(prefix) - 1)]
    for check in range(10):
        cand = digits + [check]
        total = 0
        for i, d in enumerate(reversed(cand)):
            if i % 2 == 1:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        if total % 10 == 0:
            return "".join(map(str, cand))


def card():
    kind = R.random()
    if kind < 0.15:
        return luhn_complete("37", 15), (4, 6, 5)
    return luhn_complete(R.choice(["4", "51", "52", "55", "6011"]), 16), (4, 4, 4, 4)


def spoken(d, oh=0.5, doubles=True):
    out = []
    i = 0
    while i < len(d):
        c = d[i]
        if doubles and i + 2 < len(d) and d[i + 1] == c and d[i + 2] == c and R.random() < 0.6:
            out.append("triple " + word(c, oh))
            i += 3
        elif doubles and i + 1 < len(d) and d[i + 1] == c and R.random() < 0.6:
            out.append("double " + word(c, oh))
            i += 2
        else:
            out.append(word(c, oh))
            i += 1
    return " ".join(out)


def word(c, oh):
    return "oh" if c == "0" and R.random() < oh else WORDS[int(c)]


def groups(d, sizes):
    out, i = [], 0
    for s in sizes:
        out.append(d[i:i + s])
        i += s
    return out


def surface(d, sizes):
    """A card/number in one of many surface forms."""
    g = groups(d, sizes)
    r = R.random()
    if r < 0.15:
        return d
    if r < 0.35:
        return " ".join(g)
    if r < 0.45:
        return "-".join(g)
    if r < 0.75:
        return ", ".join(spoken(x) for x in g)
    if r < 0.85:
        return g[0] + " " + " ".join(spoken(x, doubles=False) for x in g[1:])
    return " ".join(spoken(x) for x in g)


def small_number_words(n):
    if n < 10:
        return WORDS[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + WORDS[n % 10])


def year_words(y):
    hi, lo = divmod(y, 100)
    if y >= 2000 and y < 2010:
        return "two thousand" + ("" if lo == 0 else " and " + WORDS[lo])
    return small_number_words(hi) + " " + (("oh " + WORDS[lo]) if lo < 10 else small_number_words(lo))


def aba():
    while True:
        d = [R.randint(0, 9) for _ in range(8)]
        for c in range(10):
            x = d + [c]
            if (3 * (x[0] + x[3] + x[6]) + 7 * (x[1] + x[4] + x[7]) + (x[2] + x[5] + x[8])) % 10 == 0:
                return "".join(map(str, x))


def iban():
    country, length = R.choice([("GB", 22), ("DE", 22), ("FR", 27), ("NL", 18), ("ES", 24)])
    if country == "GB":
        bban = R.choice(["WEST", "NWBK", "BARC", "MIDL"]) + "".join(str(R.randint(0, 9)) for _ in range(14))
    elif country == "NL":
        bban = R.choice(["ABNA", "RABO", "INGB"]) + "".join(str(R.randint(0, 9)) for _ in range(10))
    else:
        bban = "".join(str(R.randint(0, 9)) for _ in range(length - 4))
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(num) % 97
    code = f"{country}{check:02d}{bban}"
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4)) if R.random() < 0.7 else code


def ssn():
    while True:
        a, g, s = R.randint(1, 899), R.randint(1, 99), R.randint(1, 9999)
        if a != 666:
            return f"{a:03d}{g:02d}{s:04d}"


class Conv:
    def __init__(self, cid):
        self.cid, self.lines, self.labels = cid, [], []

    def say(self, speaker, *parts):
        """parts: plain strings, or (type, text) tuples that are labelled."""
        text, labels = "", []
        for p in parts:
            if isinstance(p, tuple):
                labels.append({"line": len(self.lines), "type": p[0], "start": len(text), "end": len(text) + len(p[1])})
                text += p[1]
            else:
                text += p
        self.lines.append({"speaker": speaker, "text": text})
        self.labels.extend(labels)

    def dump(self):
        return {"id": self.cid, "lines": self.lines, "labels": self.labels}


def scene_card(c):
    d, sizes = card()
    r = R.random()
    c.say("agent", R.choice(["Can I have the long number on the card please?", "What is the card number?", "Could you read me the card number?", "And the sixteen digits on the front of the card?"]))
    if r < 0.2:
        g = groups(d, sizes)
        half = len(g) // 2
        c.say("caller", "Sure, it's ", ("CREDIT_DEBIT_NUMBER", " ".join(spoken(x) if R.random() < 0.5 else x for x in g[:half])))
        c.say("caller", ("CREDIT_DEBIT_NUMBER", " ".join(spoken(x) if R.random() < 0.5 else x for x in g[half:])), ".")
    elif r < 0.3:
        # ASR returned one digit too many: the checksum fails, the context still says card.
        garbled = d + str(R.randint(0, 9))
        c.say("caller", "The card number is ", ("CREDIT_DEBIT_NUMBER", " ".join(groups(garbled, [4, 4, 4, 4, len(garbled) - 16]))), ".")
    else:
        c.say("caller", R.choice(["Yes, it's ", "It is ", "The card number is ", "Okay, ", "Sure, "]), ("CREDIT_DEBIT_NUMBER", surface(d, sizes)), R.choice([".", "", " okay?"]))


def scene_cvv(c):
    v = "".join(str(R.randint(0, 9)) for _ in range(R.choice([3, 3, 3, 4])))
    form = v if R.random() < 0.4 else spoken(v, doubles=False)
    if R.random() < 0.6:
        c.say("agent", R.choice(["And the three digit security code on the back?", "What's the CVV?", "Can you give me the security code please?", "And the code on the back of the card?"]))
        c.say("caller", R.choice(["It's ", "", "That's ", "Um, "]), ("CREDIT_DEBIT_CVV", form), ".")
    else:
        c.say("caller", "The security code is ", ("CREDIT_DEBIT_CVV", form), ".")


def scene_expiry(c):
    m, y = R.randint(1, 12), R.randint(25, 33)
    forms = [f"{m:02d}/{y:02d}", f"{'oh ' + WORDS[m] if m < 10 else small_number_words(m)} {small_number_words(y) if y >= 20 else y}", f"{MONTHS[m - 1]} {year_words(2000 + y)}", f"{m:02d} {y:02d}"]
    c.say("agent", R.choice(["And the expiry date?", "When does the card expire?", "What's the expiration date on the card?"]))
    c.say("caller", R.choice(["It expires ", "", "Expiry is "]), ("CREDIT_DEBIT_EXPIRY", R.choice(forms)), ".")


def scene_ssn(c):
    s = ssn()
    r = R.random()
    if r < 0.3:
        c.say("agent", "Can I have the last four digits of your social?")
        c.say("caller", "Sure, ", ("SSN", spoken(s[5:]) if R.random() < 0.5 else s[5:]), ".")
        return
    form = R.choice([f"{s[:3]}-{s[3:5]}-{s[5:]}", f"{s[:3]} {s[3:5]} {s[5:]}", ", ".join(spoken(x) for x in groups(s, (3, 2, 4))), s])
    if r < 0.6:
        c.say("agent", "For verification, what's your social security number?")
        c.say("caller", "It's ", ("SSN", form), ".")
    else:
        c.say("caller", "My social security number is ", ("SSN", form), ".")


def scene_phone(c):
    p = f"{R.randint(201, 989)}{R.randint(200, 999)}{R.randint(0, 9999):04d}"
    form = R.choice([f"({p[:3]}) {p[3:6]}-{p[6:]}", f"{p[:3]}-{p[3:6]}-{p[6:]}", f"{p[:3]} {p[3:6]} {p[6:]}", ", ".join(spoken(x) for x in groups(p, (3, 3, 4))), p])
    if R.random() < 0.5:
        c.say("agent", R.choice(["What's the best number to reach you?", "Can I get a callback number?", "What phone number should we use?"]))
        c.say("caller", R.choice(["It's ", "", "You can call me on "]), ("PHONE", form), ".")
    else:
        c.say("caller", R.choice(["Please call me back on ", "My cell is ", "My phone number is "]), ("PHONE", form), ".")


def scene_email(c):
    f, l = R.choice(FIRST).lower(), R.choice(LAST).lower()
    dom = R.choice(DOMAINS)
    if R.random() < 0.5:
        form = f"{f}.{l}@{'.'.join(dom)}"
    else:
        form = f"{f} dot {l} at {' dot '.join(dom)}"
    c.say("caller", R.choice(["My email is ", "You can email me at ", "Send it to "]), ("EMAIL", form), ".")


def scene_pin(c):
    v = "".join(str(R.randint(0, 9)) for _ in range(R.choice([4, 4, 6])))
    c.say("agent", R.choice(["Can you confirm your PIN?", "Please tell me your four digit PIN.", "What's your passcode?"]))
    c.say("caller", R.choice(["It's ", "", "My PIN is "]), ("PIN", R.choice([v, " ".join(v), spoken(v)])), ".")


def scene_bank(c):
    acct = "".join(str(R.randint(0, 9)) for _ in range(R.randint(8, 12)))
    rout = aba()
    c.say("caller", "The account number is ", ("BANK_ACCOUNT_NUMBER", R.choice([acct, spoken(acct, doubles=False)])), " and the routing number is ", ("BANK_ROUTING", R.choice([rout, " ".join(groups(rout, (3, 3, 3)))])), ".")


def scene_iban(c):
    c.say("caller", R.choice(["My IBAN is ", "Please refund to ", "The IBAN is "]), ("IBAN", iban()), ".")


def scene_dob(c):
    y, m, d = R.randint(1940, 2004), R.randint(1, 12), R.randint(1, 28)
    forms = [f"{MONTHS[m - 1]} {ORDINALS[d - 1] if d <= 20 else small_number_words(20) + ' ' + ORDINALS[d - 21]} {year_words(y)}",
             f"{m:02d}/{d:02d}/{y}", f"{MONTHS[m - 1]} {d}, {y}", f"{'oh ' + WORDS[m] if m < 10 else small_number_words(m)} {small_number_words(d)} {year_words(y)}"]
    # Written ordinals (with ASR's odd ones: "21th", "2th"), day first, month names with spoken
    # years, and the day in words after "the".
    odd = R2.random() < 0.3
    suffix = "th" if odd else SUFFIXES.get(d, "th")
    day_words = ORDINALS[d - 1] if d <= 20 else small_number_words(20) + ' ' + ORDINALS[d - 21]
    extra = [f"{MONTHS[m - 1]} {d}{suffix} {y}", f"{MONTHS[m - 1]} {d}{suffix}, {year_words(y)}",
             f"{day_words} of {MONTHS[m - 1]} {year_words(y)}", f"{d} {MONTHS[m - 1]} {y}",
             f"{d}{suffix} of {MONTHS[m - 1]}, {y}", f"{MONTHS[m - 1]} the {d}{suffix} {y}"]
    use_extra = R2.random() < 0.5
    if R.random() < 0.6:
        c.say("agent", R.choice(["And your date of birth?", "Can you confirm your date of birth?", "What's your birthday?"]))
        lead = R.choice(["", "It's ", "Sure, "])
        form = R.choice(forms)
        c.say("caller", lead, ("DATE_OF_BIRTH", R2.choice(extra) if use_extra else form), ".")
    else:
        lead = R.choice(["I was born on ", "My date of birth is "])
        form = R.choice(forms)
        c.say("caller", lead, ("DATE_OF_BIRTH", R2.choice(extra) if use_extra else form), ".")


def scene_address(c):
    n = R.randint(1, 2999)
    street = f"{n if R.random() < 0.7 else small_number_words(n % 100 or 7)} {R.choice(STREETS)} {R.choice(SUFFIX)}"
    # A unit designator after the street (or before it), written or said.
    u = R2.randint(1, 40)
    units = [f", apartment {u}", f" apartment {u}", f", suite {u * 10}", f", unit {u}{R2.choice('ABCD')}",
             f", floor {u % 20 + 1}", f", apt {small_number_words(u)}", f", flat {u}", f", {ORDINALS[u % 12]} floor",
             f" unit {u}, floor {u % 9 + 1}"]
    r2 = R2.random()
    if r2 < 0.35:
        street += R2.choice(units)
    elif r2 < 0.45:
        street = f"{R2.choice(['Flat', 'Apartment', 'Unit'])} {u}, {street}"
    if R.random() < 0.5:
        c.say("caller", R.choice(["I live at ", "My address is ", "Please send it to "]), ("ADDRESS", street), ".")
    else:
        zipc = f"{R.randint(10000, 99999)}"
        c.say("caller", "The zip code is ", ("ADDRESS", R.choice([zipc, spoken(zipc, doubles=False)])), ".")


def scene_postcode(c):
    pc = R.choice(["SW1A 1AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EH1 1YZ"])
    c.say("caller", "My postcode is ", ("ADDRESS", pc), ".")


def scene_name(c):
    name = f"{R.choice(FIRST)} {R.choice(LAST)}"
    r = R.random()
    if r < 0.4:
        c.say("caller", R.choice(["Hi, my name is ", "Hello, this is ", "Hi, it's "]), ("NAME", name), R.choice([".", " calling about my bill.", " and I have a question."]))
    elif r < 0.7:
        c.say("agent", R.choice(["Can I have your full name please?", "Who am I speaking with?", "What's the name on the account?"]))
        c.say("caller", R.choice(["", "Sure, ", "It's "]), ("NAME", name), ".")
    else:
        c.say("caller", "The account holder is ", ("NAME", name), ".")


NEGATIVES = [
    lambda: f"My order number is {R.randint(1000, 99999)}.",
    lambda: f"I was charged {R.randint(20, 900)} dollars twice.",
    lambda: f"The total was ${R.randint(10, 2000)}.{R.randint(0, 99):02d}.",
    lambda: f"I have been waiting {R.randint(5, 90)} minutes.",
    lambda: f"I called {R.randint(2, 9)} times this week.",
    lambda: f"Your ticket number is {R.randint(10000, 999999)}.",
    lambda: f"The case reference is {R.randint(100000, 9999999)}.",
    lambda: f"It arrived on {MONTHS[R.randint(0, 11)]} {R.randint(1, 28)}th.",
    lambda: f"I bought the model X{R.randint(100, 999)} last year.",
    lambda: f"It happened at {R.randint(1, 12)}:{R.randint(0, 59):02d} pm.",
    lambda: f"I have the iPhone {R.randint(11, 16)} Pro.",
    lambda: f"The refund will take {R.choice(['three', 'five', 'seven', '10'])} business days.",
    lambda: f"We have {R.randint(2, 6)} people on the plan.",
    lambda: f"Please press {R.randint(1, 9)} for billing.",
    lambda: f"The promotion ended in {R.randint(2019, 2025)}.",
    lambda: f"My flight {R.choice(['BA', 'UA', 'LH'])}{R.randint(100, 999)} was cancelled.",
    lambda: "Thank you for calling Northwind Bank, how can I help you today?",
    lambda: "I'm really frustrated, this is the third time I've called.",
    lambda: "Let me put you on a brief hold while I check that.",
    lambda: "Is there anything else I can help you with?",
    lambda: "Oh that's great, thank you so much.",
    lambda: f"The invoice {R.randint(1000, 9999)} shows {R.randint(2, 9)} items.",
    lambda: f"It's about {R.randint(2, 40)} percent more than last month.",
    lambda: f"My account was opened in {R.randint(1990, 2024)}.",
    lambda: "I'd like to speak to a manager please.",
    lambda: f"Room {R.randint(100, 1999)} on the {small_number_words(R.randint(2, 12))} floor.",
]

SCENES = [scene_card, scene_cvv, scene_expiry, scene_ssn, scene_phone, scene_email, scene_pin, scene_bank, scene_iban,
          scene_dob, scene_address, scene_postcode, scene_name]


def conversation(i):
    c = Conv(f"c{i:04d}")
    c.say("agent", R.choice(["Thank you for calling, this is Sam, how can I help?", "Good morning, you're through to billing.", "Hello, thanks for holding."]))
    for _ in range(R.randint(1, 3)):
        if R.random() < 0.75:
            R.choice(SCENES)(c)
        c.say(R.choice(["caller", "agent"]), R.choice(NEGATIVES)())
    c.say("agent", "Thanks, is there anything else?")
    return c.dump()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    for i in range(n):
        print(json.dumps(conversation(i), ensure_ascii=False))


if __name__ == "__main__":
    main()
