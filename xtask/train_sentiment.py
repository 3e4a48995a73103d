#!/usr/bin/env python3
"""Trains the 3-class sentiment head on MiniLM sentence embeddings.

usage: train_sentiment.py TRAIN_EMBEDDINGS.jsonl HEAD.json
Multinomial logistic regression (scikit-learn), regularisation chosen by 5-fold cross-validation
on the training set only (the held-out set is never seen here). Writes the weights the Rust
engine loads: {"labels": [...], "weights": [[...384] x 3], "bias": [...3], ...}.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

LABELS = ["negative", "neutral", "positive"]


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    x = np.array([r["embedding"] for r in rows], dtype=np.float64)
    y = np.array([LABELS.index(r["label"]) for r in rows])
    best = None
    for c in [0.5, 1, 2, 4, 8, 16, 32]:
        model = LogisticRegression(C=c, max_iter=5000)
        score = cross_val_score(model, x, y, cv=5).mean()
        if best is None or score > best[1]:
            best = (c, score)
    model = LogisticRegression(C=best[0], max_iter=5000).fit(x, y)
    head = {
        "labels": LABELS,
        "weights": model.coef_.round(6).tolist(),
        "bias": model.intercept_.round(6).tolist(),
        "c": best[0],
        "cv_accuracy": round(best[1], 4),
        "train_lines": len(rows),
    }
    with open(sys.argv[2], "w") as f:
        json.dump(head, f)
        f.write("\n")
    print(f"trained on {len(rows)} lines: C={best[0]}, 5-fold CV accuracy {best[1]:.3f}")


if __name__ == "__main__":
    main()
