"""Sequence decoding, compared: a linear-chain CRF against the stacked second stage (issue 11).

The issue asks for "decoding over the sequence of an article's sentences (for
example a CRF with sklearn-crfsuite, or a stacked second stage over
neighbours' probabilities), whichever wins leave-one-outlet-out". The bundled
model has the stacked stage (``framing/model/neighbours.py``). This script
measures whether a CRF on top of the full model adds to it, on the
evaluation's fixed outlet folds (``CV_FOLDS`` groups of whole outlets):

1. in each outer fold, the full model is fitted on the training outlets and
   labels the held-out outlets (the ordinary held-out prediction, ``base``);
2. its out-of-fold probabilities on the *training* articles come from five
   inner fits grouped by article, so the decoder never learns from
   probabilities fitted on the same article;
3. a linear-chain CRF (sklearn-crfsuite, L-BFGS) is trained on those
   sequences (the content sentences of each article in order; features: the
   four content probabilities and their logs) and decodes the held-out
   articles' content sentences (``crf``);
4. as a control with the same inputs and no transitions, a logistic
   regression over a sentence's own and its neighbours' out-of-fold
   probabilities (``third_stage``).

Boilerplate decisions are the full model's in every arm. Not a shipped
dependency: ``pip install sklearn-crfsuite`` first. Usage::

    python experiments/sequence_decoding.py --out models/evaluation/sequence_decoding.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from framing.model.classifier import FramingClassifier
from framing.schema import BOILERPLATE, CONTENT_LABELS, LABELS
from framing.training.corpus import load_corpus
from framing.training.evaluate import CV_FOLDS, fold_pairs, outlet_folds
from framing.training.scores import brief_scores

COLS = ["doc_id", "text", "origin"]


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["doc_id", "sent_idx"], kind="stable").reset_index(drop=True)


def _fit_proba(train: pd.DataFrame, test: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    model = FramingClassifier().fit(train[COLS], train["label"].to_numpy())
    X = test[["doc_id", "text"]]
    return model.predict(X), model.predict_proba(X)


def _features(P: np.ndarray) -> list[dict]:
    k = [LABELS.index(c) for c in CONTENT_LABELS]
    q = P[:, k] / np.maximum(P[:, k].sum(axis=1, keepdims=True), 1e-12)
    return [
        {**{f"p_{c}": float(v) for c, v in zip(CONTENT_LABELS, row, strict=True)},
         **{f"log_{c}": float(np.log(max(v, 1e-6))) for c, v in zip(CONTENT_LABELS, row, strict=True)}}
        for row in q
    ]


def _sequences(frame: pd.DataFrame, P: np.ndarray, keep: np.ndarray):
    feats = _features(P)
    xs, ys, idx = [], [], []
    for _, rows in frame.groupby("doc_id", sort=False).indices.items():
        rows = [r for r in rows if keep[r]]
        if rows:
            xs.append([feats[r] for r in rows])
            ys.append([frame["label"].iat[r] for r in rows])
            idx.append(rows)
    return xs, ys, idx


def _neighbour_matrix(frame: pd.DataFrame, P: np.ndarray) -> np.ndarray:
    k = [LABELS.index(c) for c in CONTENT_LABELS]
    Q = P[:, k]
    prev, nxt = np.zeros_like(Q), np.zeros_like(Q)
    for _, rows in frame.groupby("doc_id", sort=False).indices.items():
        rows = np.sort(rows)
        prev[rows[1:]] = Q[rows[:-1]]
        nxt[rows[:-1]] = Q[rows[1:]]
    return np.hstack([np.log(np.maximum(Q, 1e-6)), prev, nxt])


def run_fold(train: pd.DataFrame, test: pd.DataFrame, n_jobs: int) -> pd.DataFrame:
    import sklearn_crfsuite

    train, test = _ordered(train), _ordered(test)
    inner = list(GroupKFold(n_splits=5).split(train, groups=train["doc_id"]))
    jobs = [(train.iloc[a], train.iloc[b]) for a, b in inner] + [(train, test)]
    outs = Parallel(n_jobs=n_jobs)(delayed(_fit_proba)(a, b) for a, b in jobs)
    P_train = np.zeros((len(train), len(LABELS)))
    for (_, b), (_, P) in zip(inner, outs[:-1], strict=True):
        P_train[b] = P
    base, P_test = outs[-1]
    base = np.asarray(base, dtype=object)
    is_bp_test = base == BOILERPLATE
    gold_content = (train["label"] != BOILERPLATE).to_numpy()
    xs, ys, _ = _sequences(train, P_train, gold_content)
    crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.0, c2=1.0, max_iterations=200)
    crf.fit(xs, ys)
    tx, _, tidx = _sequences(test.assign(label="reporting"), P_test, ~is_bp_test)
    crf_pred = base.copy()
    for rows, labels in zip(tidx, crf.predict(tx), strict=True):
        crf_pred[rows] = labels
    N_train, N_test = _neighbour_matrix(train, P_train), _neighbour_matrix(test, P_test)
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
    lr.fit(N_train[gold_content], train["label"].to_numpy()[gold_content])
    third = base.copy()
    third[~is_bp_test] = lr.predict(N_test[~is_bp_test])
    return test.assign(base=base, crf=crf_pred, third_stage=third)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="JSON record to write")
    ap.add_argument("--n-jobs", type=int, default=2)
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = load_corpus()
    folds = outlet_folds(data[data["origin"] == "real"], CV_FOLDS)
    parts = [run_fold(train, test, args.n_jobs) for train, test in fold_pairs(data, folds)]
    pred = pd.concat(parts, ignore_index=True)
    record = {"protocol": "3 fixed outlet folds (CV_FOLDS); CRF and third stage trained on 5-fold out-of-fold "
              "probabilities of the full model on the training articles; boilerplate from the full model"}
    for arm in ("base", "crf", "third_stage"):
        record[arm] = brief_scores(pred.assign(pred=pred[arm]), 1000, 0)
        print(arm, round(record[arm]["macro_f1"], 4), {k: round(v, 3) for k, v in record[arm]["f1"].items()}, flush=True)
    record["seconds"] = round(time.perf_counter() - t0, 1)
    if args.out:
        Path(args.out).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
