"""Model selection by cross-validation over real outlets (never a held-out outlet's scores).

Each candidate setting of :class:`~framing.model.classifier.FramingClassifier`
is scored on the evaluation's fixed outlet folds (:data:`~framing.training.evaluate.CV_FOLDS`
groups of whole outlets, the folds of the baselines and ablations): trained
on the other folds' real articles plus the authored corpus, scored on the
real text of the held-out fold. The record of a selection run is written as
JSON beside the evaluation. Usage::

    python -m framing.training.select '{"real0.5": {"sample_weight_real": 0.5}}' --out models/evaluation/selection.json
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from framing.model.persist import atomic_write_bytes
from framing.training.corpus import load_corpus
from framing.training.evaluate import CV_FOLDS, fit_predict_model, held_out_groups, outlet_folds
from framing.training.scores import brief_scores


def compare_settings(
    variants: dict[str, dict], data: pd.DataFrame | None = None, n_boot: int = 200, n_jobs: int = 2
) -> dict[str, dict]:
    """Content macro-F1, boilerplate F1 and per-label F1 of each setting on the fixed outlet folds.

    Parameters
    ----------
    variants : dict
        Name -> keyword arguments of ``FramingClassifier`` (``{}`` is the default model).
    data : DataFrame, optional
        The corpus (default :func:`~framing.training.corpus.load_corpus`).
    n_boot : int
        Bootstrap samples (over articles) of the macro-F1 interval.
    n_jobs : int
        Folds fitted in parallel processes.

    Examples
    --------
    >>> compare_settings({"C1": {"C": 1.0}})["C1"]["macro_f1"] > 0  # doctest: +SKIP
    True
    """
    data = load_corpus() if data is None else data
    folds = outlet_folds(data[data["origin"] == "real"], CV_FOLDS)
    out = {}
    for name, params in variants.items():
        t0 = time.perf_counter()
        pred = held_out_groups(data, fit_predict_model(**params), folds, n_jobs=n_jobs)
        out[name] = {"params": params, **brief_scores(pred, n_boot, 0), "seconds": round(time.perf_counter() - t0, 1)}
    return out


def _main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("variants", help='JSON: {"name": {param: value, ...}, ...}')
    ap.add_argument("--out", help="JSON record to write (merged into an existing one)")
    args = ap.parse_args()
    results = compare_settings(json.loads(args.variants))
    for name, r in results.items():
        print(f"{name}: macro-F1 {r['macro_f1']:.4f}, boilerplate {r['boilerplate_f1']:.3f}, "
              + ", ".join(f"{k} {v:.3f}" for k, v in r["f1"].items()))
    if args.out:
        path = Path(args.out)
        record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        record.update(results)
        atomic_write_bytes(path, (json.dumps(record, indent=2) + "\n").encode())


if __name__ == "__main__":
    _main()
