"""Evaluate on your own labeled sentences: per outlet, pooled, with intervals.

Three schemes, from the cheapest:

- ``model``: score a fitted model (the bundled one by default) on your
  labels; nothing is trained, so every outlet is unseen by the model unless
  it was in framing's own training data;
- ``split``: train on the rows your ``split`` column marks ``train`` (plus
  the bundled corpus unless ``include_bundled=False``), score the ``test``
  rows;
- ``looo``: leave-one-outlet-out over your outlets, each fold trained on your
  other outlets (plus the bundled corpus).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from framing.io.tables import read_table
from framing.training.corpus import load_corpus, load_user_labels, with_bundled
from framing.training.evaluate import fit_predict_model, held_out_groups
from framing.training.scores import per_outlet, share_mae, summarise_predictions

SCHEMES = ("model", "split", "looo")


def evaluate_labels(
    labels: str | Path,
    *,
    scheme: str = "model",
    model: Any = None,
    split_col: str = "split",
    include_bundled: bool = True,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict:
    """Scores of framing on a user's labeled sentences, pooled and per outlet.

    Parameters
    ----------
    labels : path
        CSV, JSONL or Parquet with ``doc_id, sent_idx, text, label`` and
        ``source`` (the outlet); whole articles in reading order.
    scheme : {"model", "split", "looo"}
        See the module docstring.
    model : FramingClassifier, optional
        For ``scheme="model"``; default the bundled model.
    split_col : str, default "split"
        For ``scheme="split"``: the column with ``train`` / ``test``.
    include_bundled : bool, default True
        Train on framing's own corpus too (``split`` and ``looo``).
    n_boot, seed : int
        Bootstrap replicates (over articles) and their seed.

    Returns
    -------
    dict
        ``pooled`` (scores, interval, share error), ``per_outlet`` and the
        ``scheme``.

    Examples
    --------
    >>> evaluate_labels("mine.csv", scheme="looo")["pooled"]["macro_f1"]  # doctest: +SKIP
    0.61
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    mine = load_user_labels(labels)
    if scheme == "split":
        mine = _with_split(mine, labels, split_col)
    return _evaluate(mine, scheme, model, include_bundled, n_boot, seed)


def _with_split(mine: pd.DataFrame, path: str | Path, split_col: str) -> pd.DataFrame:
    raw = read_table(path)
    if split_col not in raw.columns:
        raise ValueError(f"{path}: no column {split_col!r} for scheme='split'")
    raw = raw.assign(doc_id=raw["doc_id"].astype(str))[["doc_id", "sent_idx", split_col]]
    out = mine.merge(raw, on=["doc_id", "sent_idx"], how="left", validate="one_to_one")
    bad = ~out[split_col].isin(["train", "test"])
    if bad.any():
        raise ValueError(f"{path}: column {split_col!r} must be 'train' or 'test' on every row")
    return out.rename(columns={split_col: "_split"})


def _evaluate(mine: pd.DataFrame, scheme: str, model: Any, include_bundled: bool, n_boot: int, seed: int) -> dict:
    # User rows are what is scored: mark them real for the held-out helpers,
    # and the bundled corpus as training-only.
    mine = mine.assign(origin="real")
    if scheme == "model":
        from framing.model.persist import load_model

        model = model if model is not None else load_model()
        pred = mine.assign(pred=model.predict(mine[["doc_id", "text"]]))
    else:
        data = with_bundled(mine, load_corpus().assign(origin="authored")) if include_bundled else mine
        if scheme == "split":
            test_ids = sorted(set(mine.loc[mine["_split"] == "test", "doc_id"]))
            pred = held_out_groups(data, fit_predict_model(), [test_ids], by="doc_id")
        else:
            folds = [[o] for o in sorted(mine["source"].unique())]
            pred = held_out_groups(data, fit_predict_model(), folds)
    pooled = summarise_predictions(pred, n_boot, seed)
    pooled["per_source_share_mae"] = share_mae(pred)
    return {"scheme": scheme, "pooled": pooled, "per_outlet": per_outlet(pred, n_boot, seed),
            "sentences": int(len(pred)), "articles": int(pred["doc_id"].nunique()),
            "outlets": int(pred["source"].nunique())}
