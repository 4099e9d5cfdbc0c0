"""Train the framing model from labeled sentences and write it with its card."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from pathlib import Path
from typing import Any

import pandas as pd

from framing import __version__
from framing.model.classifier import FramingClassifier
from framing.model.persist import (
    atomic_write_bytes,
    model_bytes,
    models_dir,
    record_bundled,
    save_model,
    sha256_bytes,
)
from framing.training.corpus import load_corpus, load_user_labels, with_bundled


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of the training rows (ids, texts, labels) in order.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a"], "sent_idx": [0], "text": ["x"], "label": ["reporting"]})
    >>> data_hash(rows) == data_hash(rows.copy()), len(data_hash(rows))
    (True, 64)
    """
    h = hashlib.sha256()
    for row in frame[["doc_id", "sent_idx", "text", "label"]].itertuples(index=False):
        h.update("\x1f".join(map(str, row)).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def training_data(
    labels: str | Path | None = None,
    *,
    labels_dir: str | Path | None = None,
    include_bundled: bool = True,
) -> pd.DataFrame:
    """The training table: bundled labels, a user's labels, or both.

    Examples
    --------
    >>> len(training_data()) > 3000
    True
    """
    if labels is None and not include_bundled:
        raise ValueError("nothing to train on: pass labels or include the bundled data")
    if labels is None:
        return load_corpus(labels_dir)
    mine = load_user_labels(labels)
    return with_bundled(mine, load_corpus(labels_dir)) if include_bundled else mine


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model file depends on.

    Examples
    --------
    >>> "scikit-learn" in library_versions()
    True
    """
    import joblib
    import nltk
    import numpy
    import scipy
    import sklearn

    return {
        "framing": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "joblib": joblib.__version__,
        "nltk": nltk.__version__,
    }


def fit_model(data: pd.DataFrame, **params: Any) -> FramingClassifier:
    """Fit a :class:`FramingClassifier` on a training table.

    Examples
    --------
    >>> fit_model(training_data()).classes_.tolist()[0]  # doctest: +SKIP
    'boilerplate'
    """
    X = data[["doc_id", "text", "origin"]].reset_index(drop=True)
    return FramingClassifier(**params).fit(X, data["label"].to_numpy())


def train(
    labels: str | Path | None = None,
    *,
    include_bundled: bool = True,
    labels_dir: str | Path | None = None,
    out: str | Path | None = None,
    metrics: dict | None = None,
    **params: Any,
) -> tuple[FramingClassifier, Path]:
    """Train on the bundled gold data and/or a user's labels; write model and card.

    Parameters
    ----------
    labels : path, optional
        A user's labeled sentences (CSV, JSONL or Parquet; see
        :func:`framing.training.corpus.load_user_labels`).
    include_bundled : bool, default True
        Also train on the bundled seeds and authored corpus.
    labels_dir : path, optional
        A folder laid out like ``labels/`` to use instead of the bundled one.
    out : path
        Model file to write (required: training never writes into the
        installed package, and the bundled model is refused as a target). A
        ``.skops`` suffix writes the safe skops format.
    metrics : dict, optional
        Evaluation results (``metrics.json``) to put on the model card.
    **params
        Passed to :class:`framing.model.classifier.FramingClassifier`.

    Returns
    -------
    (FramingClassifier, Path)

    Examples
    --------
    >>> model, path = train(out="/tmp/framing-test.joblib")  # doctest: +SKIP
    """
    if out is None:
        raise ValueError("train: out= is required (a model file outside the framing package)")
    data = training_data(labels, labels_dir=labels_dir, include_bundled=include_bundled)
    model, card = _fit_with_card(data, params, metrics)
    path = Path(out)
    card["sha256"] = save_model(model, path)
    card["model_file"] = path.name
    write_card(path, card)
    return model, path


def _fit_with_card(data: pd.DataFrame, params: dict, metrics: dict | None) -> tuple[FramingClassifier, dict]:
    t0 = time.perf_counter()
    model = fit_model(data, **params)
    card = {
        "model_file": None,
        "sha256": None,
        "trained_at_seconds": round(time.perf_counter() - t0, 2),
        "data_sha256": data_hash(data),
        "rows": int(len(data)),
        "label_distribution": {
            origin: data.loc[data["origin"] == origin, "label"].value_counts().sort_index().to_dict()
            for origin in sorted(data["origin"].unique())
        },
        "params": model.get_params(),
        "library_versions": library_versions(),
    }
    if metrics is not None:
        card["metrics"] = metrics
    return model, card


PROFILE_PARAMS = {"fast": {"n_jobs": 2}, "accurate": {"semantic": "minilm", "semantic_weight": 0.5, "semantic_gate": False, "n_jobs": 2}}
"""Model parameters of each bundled profile (the accurate weight chosen by 4-fold outlet CV)."""


def build_bundled(metrics: dict | None = None, profile: str = "fast") -> Path:
    """Maintainer build (``make model``): retrain the bundled model inside a source checkout.

    Refuses to run in an installed package, so no user command rewrites the
    model that ships with framing.

    Examples
    --------
    >>> build_bundled()  # doctest: +SKIP
    """
    target = models_dir()
    if not (target.parents[1] / "pyproject.toml").is_file():
        raise RuntimeError(f"{target}: not a framing source checkout; the bundled model is rebuilt by `make model`")
    model, card = _fit_with_card(training_data(), PROFILE_PARAMS[profile], metrics)
    suffix = "" if profile == "fast" else f"-{profile}"
    path = target / f"framing-{__version__}{suffix}.joblib"
    data = model_bytes(model)
    atomic_write_bytes(path, data)
    card["sha256"], card["model_file"], card["profile"] = sha256_bytes(data), path.name, profile
    record_bundled(path, card["sha256"], profile)
    write_card(path, card)
    return path


def write_card(model_path: Path, card: dict) -> None:
    """Write ``<model>.card.json`` and a readable ``<model>.card.md`` beside a model.

    Examples
    --------
    >>> write_card(Path("/tmp/m.joblib"), {"model_file": "m.joblib", "sha256": "0"})
    """
    from framing.report.card import render_card

    base = model_path.with_suffix("")
    atomic_write_bytes(base.with_name(base.name + ".card.json"), (json.dumps(card, indent=2, default=str) + "\n").encode())
    atomic_write_bytes(base.with_name(base.name + ".card.md"), render_card(card).encode())


def _main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Maintainer build of the bundled model (make model).")
    ap.add_argument("--metrics", help="metrics.json to put on the model card")
    ap.add_argument("--profile", choices=tuple(PROFILE_PARAMS), default="fast")
    args = ap.parse_args()
    metrics = json.loads(Path(args.metrics).read_text(encoding="utf-8")) if args.metrics else None
    print(build_bundled(metrics, args.profile))


if __name__ == "__main__":
    _main()
