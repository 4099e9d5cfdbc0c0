"""Evaluation: real-text headline figures, authored CV, baselines, ablations.

The headline is real text held out by outlet: leave-one-outlet-out over every
real outlet (the seeds' and the real corpus's), the model trained on the other
outlets' real articles plus the authored corpus. Real text held out by
article (5-fold, grouped by article) and authored-text cross-validation are
reported beside it, never as the headline. Baselines, ablations and the
learning curve use 3-fold cross-validation grouped by outlet (fixed outlet
groups) to bound the time. Nothing is tuned on a held-out fold.
"""


from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from framing.features.union import DEFAULT_GROUPS, GROUPS
from framing.lexicon.terms import load_lexicons
from framing.model.classifier import FramingClassifier
from framing.model.persist import atomic_write_bytes
from framing.schema import BOILERPLATE, PROBA_COLUMNS
from framing.training.corpus import load_corpus
from framing.training.scores import (
    bootstrap_macro_f1_delta,
    brief_scores,
    per_outlet,
    scores,
    share_mae,
    summarise_predictions,
)

CV_FOLDS = 3
"""Outlet folds of the baselines, ablations and learning curve (fixed groups, similar sizes)."""

Predictor = Callable[[pd.DataFrame, pd.DataFrame], np.ndarray | pd.DataFrame]


class fit_predict_model:  # noqa: N801 - used like a function factory
    """A predictor that fits :class:`FramingClassifier` on train and labels test.

    With ``evidence=True`` it returns a frame with ``label`` and ``evidence``
    so that error analysis needs no second fit. A class rather than a closure
    so that folds can run in worker processes.

    Examples
    --------
    >>> predict = fit_predict_model(groups=("ngrams",))
    >>> callable(predict)
    True
    """

    def __init__(self, evidence: bool = False, **params):
        self.evidence = evidence
        self.params = params

    def __call__(self, train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray | pd.DataFrame:
        model = FramingClassifier(**self.params).fit(train[["doc_id", "text", "origin"]], train["label"].to_numpy())
        if self.evidence:
            return model.predict_with_evidence(test[["doc_id", "text"]])[["label", *PROBA_COLUMNS, "evidence"]]
        return model.predict(test[["doc_id", "text"]])


def majority_baseline(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Predict the most frequent content label for every sentence.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["reporting", "reporting", "official_claim"], "text": ["a", "b", "c"]})
    >>> majority_baseline(t, t).tolist()
    ['reporting', 'reporting', 'reporting']
    """
    content = train.loc[train["label"] != BOILERPLATE, "label"]
    return np.full(len(test), content.value_counts().idxmax(), dtype=object)


def lexicon_rules_baseline(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Hand rules over the lexicons alone, no learning (the 'quick rules' baseline).

    Order follows LABELING.md: a propaganda term without a rebuttal ->
    propaganda_echo; a loaded term or rebuttal outside quotes ->
    editorialising; a speech verb, quote or source -> official_claim; else
    reporting. Lines without terminal punctuation and with promo terms are
    boilerplate.

    Examples
    --------
    >>> t = pd.DataFrame({"doc_id": ["d"], "text": ["The tyrant lied."]})
    >>> lexicon_rules_baseline(t, t).tolist()
    ['editorialising']
    """
    from framing.features.encoder import encode
    from framing.model.classifier import documents_of

    enc = encode(documents_of(test[["doc_id", "text"]]), load_lexicons()).cues
    prop = enc["lex__propaganda_uncontested"] > 0
    loaded = (enc["lex_out__loaded"] + enc["lex__propaganda_contested"]) > 0
    attributed = (enc["attr__speech_verb"] + enc["attr__has_quote"] + enc["attr__according_to"]) > 0
    boiler = (enc["bp__promo_terms"] > 0) | ((enc["bp__no_terminal"] > 0) & (enc["bp__short"] > 0))
    out = np.full(len(test), "reporting", dtype=object)
    out[attributed.to_numpy()] = "official_claim"
    out[loaded.to_numpy()] = "editorialising"
    out[prop.to_numpy()] = "propaganda_echo"
    out[boiler.to_numpy()] = BOILERPLATE
    return out


def held_out_predictions(
    data: pd.DataFrame,
    predictor: Predictor,
    by: str = "doc_id",
    train_filter: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Predict each real group (article or outlet) from a model trained without it.

    Parameters
    ----------
    data : DataFrame
        The corpus (:func:`framing.training.corpus.load_corpus`), real and authored.
    predictor : callable
        ``predictor(train, test) -> labels``.
    by : {"doc_id", "source"}
        Leave-one-article-out or leave-one-source-out.
    train_filter : callable, optional
        Restricts the training rows (e.g. a fraction of the authored corpus).
    n_jobs : int, default 1
        Folds fitted in parallel processes.

    Returns
    -------
    DataFrame
        The real rows with a ``pred`` column.

    Examples
    --------
    >>> held_out_predictions(load_corpus(), majority_baseline)["pred"].nunique()
    1
    """
    real = data[data["origin"] == "real"]
    folds = [[key] for key in real[by].unique()]
    return held_out_groups(data, predictor, folds, by=by, train_filter=train_filter, n_jobs=n_jobs)


def outlet_folds(real: pd.DataFrame, k: int) -> list[list[str]]:
    """Split the real outlets into ``k`` groups of similar size (largest first, greedy).

    Examples
    --------
    >>> r = pd.DataFrame({"source": ["A"] * 3 + ["B"] * 2 + ["C"]})
    >>> outlet_folds(r, 2)
    [['A'], ['B', 'C']]
    """
    sizes = real["source"].value_counts()
    sizes = sizes.sort_values(ascending=False, kind="stable")
    groups: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for outlet, n in sizes.items():
        j = int(np.argmin(load))
        groups[j].append(outlet)
        load[j] += int(n)
    return [g for g in groups if g]


def held_out_groups(
    data: pd.DataFrame,
    predictor: Predictor,
    folds: list[list[str]],
    by: str = "source",
    train_filter: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Predict real rows fold by fold; each fold is a list of ``by`` values held out together.

    Examples
    --------
    >>> data = load_corpus()
    >>> folds = outlet_folds(data[data["origin"] == "real"], 3)
    >>> held_out_groups(data, majority_baseline, folds)["pred"].nunique()
    1
    """
    return run_pooled({"run": (predictor, fold_pairs(data, folds, by, train_filter))}, n_jobs)["run"]


def fold_pairs(
    data: pd.DataFrame,
    folds: list[list[str]],
    by: str = "source",
    train_filter: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The ``(train, test)`` frames of each fold: real rows of the fold's ``by`` values held out.

    Examples
    --------
    >>> d = load_corpus()
    >>> [(len(tr) + len(te) == len(d)) for tr, te in fold_pairs(d, [["RT"]])]
    [True]
    """
    real = data[data["origin"] == "real"]
    pairs = []
    for keys in folds:
        test = real[real[by].isin(keys)]
        train = data[~data.index.isin(test.index)]
        if train_filter is not None:
            train = train_filter(train)
        pairs.append((train, test))
    return pairs


def article_folds(real: pd.DataFrame, k: int, seed: int = 0) -> list[list[str]]:
    """Real articles shuffled (seeded) into ``k`` folds.

    Examples
    --------
    >>> len(article_folds(pd.DataFrame({"doc_id": list("abcdef")}), 3))
    3
    """
    ids = np.array(sorted(real["doc_id"].unique()))
    ids = np.random.default_rng(seed).permutation(ids)
    return [ids[i::k].tolist() for i in range(k)]


def run_pooled(
    runs: dict[str, tuple[Predictor, list[tuple[pd.DataFrame, pd.DataFrame]]]], n_jobs: int = 1
) -> dict[str, pd.DataFrame]:
    """Several runs' folds fitted in one pool of processes; each run's held-out predictions.

    One pool for all runs keeps every worker busy: run by run, a worker waits
    while the other fits a run's last fold (3 folds on 2 workers).

    Examples
    --------
    >>> d = load_corpus()
    >>> pairs = fold_pairs(d, outlet_folds(d[d["origin"] == "real"], 2))
    >>> out = run_pooled({"a": (majority_baseline, pairs), "b": (majority_baseline, pairs[:1])})
    >>> sorted(out), len(out["a"]) > len(out["b"])
    (['a', 'b'], True)
    """
    from joblib import Parallel, delayed

    jobs = [(name, predictor, train, test) for name, (predictor, pairs) in runs.items() for train, test in pairs]
    results = Parallel(n_jobs=n_jobs)(delayed(predictor)(train, test) for _, predictor, train, test in jobs)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in runs}
    for (name, _, _, test), res in zip(jobs, results, strict=True):
        if isinstance(res, pd.DataFrame):
            extra = {c: res[c].to_numpy() for c in res.columns if c.startswith("p_")}
            parts[name].append(test.assign(pred=res["label"].to_numpy(), evidence=res["evidence"].to_numpy(), **extra))
        else:
            parts[name].append(test.assign(pred=res))
    return {name: pd.concat(frames).sort_index() for name, frames in parts.items()}


def authored_pairs(data: pd.DataFrame, folds: int) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The ``(train, test)`` frames of a grouped k-fold over the authored articles (reported apart from real text).

    Examples
    --------
    >>> [len(test) > 0 for _, test in authored_pairs(load_corpus(), 2)]
    [True, True]
    """
    authored = data[data["origin"] == "authored"]
    splits = GroupKFold(n_splits=folds).split(authored, groups=authored["doc_id"])
    return [(authored.iloc[a], authored.iloc[b]) for a, b in splits]


def run_evaluation(out_dir: str | Path, *, fast: bool = False, seed: int = 0, n_jobs: int = 2) -> dict:
    """The full evaluation; writes ``metrics.json``, ``report.md`` and ``errors.csv``.

    Parameters
    ----------
    out_dir : path
        Output folder.
    fast : bool, default False
        Two outlet folds instead of leave-one-outlet-out, the no-fit
        baselines and a two-point learning curve, with 100 bootstrap samples
        (the notebooks' fast mode).
    seed : int
        Seed of the bootstrap, the article folds and the learning-curve
        subsampling.
    n_jobs : int, default 2
        Folds fitted in parallel processes.

    Examples
    --------
    >>> run_evaluation("runs/evaluation", fast=True)["real_looo"]["macro_f1"] > 0  # doctest: +SKIP
    True
    """
    from framing.report.evaluation import write_report

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_boot = 100 if fast else 1000
    data = load_corpus()
    real = data[data["origin"] == "real"]
    t0 = time.perf_counter()
    metrics: dict = {"seed": seed, "fast": fast, "corpus": _corpus_summary(data)}

    outlets = sorted(real["source"].unique())
    headline_folds = outlet_folds(real, 2) if fast else [[o] for o in outlets]
    full = fit_predict_model()
    # Baselines, ablations and the learning curve use a few fixed outlet
    # folds: the same held-out-by-outlet question, at a bounded cost.
    cv_folds = outlet_folds(real, 2 if fast else CV_FOLDS)
    metrics["outlet_cv_folds"] = cv_folds
    cv_pairs = fold_pairs(data, cv_folds)
    baselines: dict[str, Predictor] = {"majority": majority_baseline, "lexicon_rules": lexicon_rules_baseline}
    runs = {"looo": (fit_predict_model(evidence=True), fold_pairs(data, headline_folds))}
    variants: dict[str, dict] = {}
    if not fast:
        baselines["ngrams_only"] = fit_predict_model(groups=("ngrams",))
        variants = {f"without_{g}": {"groups": tuple(x for x in DEFAULT_GROUPS if x != g)} for g in DEFAULT_GROUPS}
        # Groups measured but left out of the default are reported as additions.
        variants |= {f"with_{g}": {"groups": (*DEFAULT_GROUPS, g)} for g in GROUPS if g not in DEFAULT_GROUPS}
        variants["without_semantic"] = {"semantic": "none"}
        runs["by_article"] = (full, fold_pairs(data, article_folds(real, 5, seed), by="doc_id"))
        runs["authored"] = (full, authored_pairs(data, 3))
        runs["full_model"] = (full, cv_pairs)
        runs |= {name: (fit_predict_model(**params), cv_pairs) for name, params in variants.items()}
    runs |= {f"baseline_{name}": (predictor, cv_pairs) for name, predictor in baselines.items()}
    # Every fit but the learning curve's in one pool (61 fits on 2 workers).
    held = run_pooled(runs, n_jobs)

    looo = held["looo"]
    metrics["real_looo"] = summarise_predictions(looo, n_boot, seed)
    metrics["real_looo"]["per_source_share_mae"] = share_mae(looo)
    metrics["real_looo"]["folds"] = len(headline_folds)
    metrics["real_looo"]["per_outlet"] = per_outlet(looo, n_boot, seed)
    if not fast:
        by_article = held["by_article"]
        metrics["real_by_article"] = summarise_predictions(by_article, n_boot, seed)
        metrics["real_by_article"]["per_source_share_mae"] = share_mae(by_article)
        metrics["authored_cv"] = summarise_predictions(held["authored"], n_boot, seed)
    metrics["baselines"] = {name: brief_scores(held[f"baseline_{name}"], n_boot, seed) for name in baselines}
    if not fast:
        ref = held["full_model"]
        metrics["baselines"]["full_model"] = brief_scores(ref, n_boot, seed)
        metrics["ablations"] = {}
        for name in variants:
            metrics["ablations"][name] = brief_scores(held[name], n_boot, seed)
            metrics["ablations"][name]["delta_ci"] = bootstrap_macro_f1_delta(held[name], ref, n_boot, seed)
        fractions = (0.0, 0.5, 1.0)
    else:
        # Fast mode holds out the same two outlet folds for the headline, so
        # its predictions are the curve's last point (two fits fewer).
        ref = looo if headline_folds == cv_folds else None
        fractions = (0.0, 1.0)
    metrics["learning_curve"] = learning_curve(data, full, cv_folds, fractions, seed=seed, n_jobs=n_jobs, full_run=ref)
    metrics["seconds"] = round(time.perf_counter() - t0, 1)

    errors = looo[looo["label"] != looo["pred"]][["doc_id", "source", "sent_idx", "text", "label", "pred", "evidence"]]
    atomic_write_bytes(out_dir / "errors.csv", errors.to_csv(index=False).encode("utf-8"))
    # Held-out content probabilities, for the reliability plot (notebook 02).
    kept = ["doc_id", "source", "sent_idx", "label", "pred", *(c for c in PROBA_COLUMNS if c in looo.columns)]
    atomic_write_bytes(out_dir / "predictions.csv", looo[kept].to_csv(index=False).encode("utf-8"))
    atomic_write_bytes(out_dir / "metrics.json", (json.dumps(metrics, indent=2) + "\n").encode())
    write_report(metrics, errors, out_dir / "report.md")
    return metrics


def learning_curve(
    data: pd.DataFrame,
    predictor: Predictor,
    folds: list[list[str]],
    fractions=(0.0, 0.25, 0.5, 1.0),
    seed: int = 0,
    n_jobs: int = 1,
    full_run: pd.DataFrame | None = None,
) -> list[dict]:
    """Real-text macro-F1 (held out by outlet) against the number of real training articles.

    The authored corpus is fixed; whole real training articles are subsampled
    with a fixed seed. ``full_run`` (held-out predictions with every real
    training article, on the same folds) is reused for fraction 1.

    Examples
    --------
    >>> d = load_corpus()
    >>> f = outlet_folds(d[d["origin"] == "real"], 2)
    >>> learning_curve(d, majority_baseline, f, fractions=(0.0,))[0]["real_articles"]
    0
    """
    real_ids = np.array(sorted(data.loc[data["origin"] == "real", "doc_id"].unique()))
    order = np.random.default_rng(seed).permutation(real_ids)
    points = []
    for frac in fractions:
        keep = set(order[: int(round(frac * len(order)))])

        def only_some(train: pd.DataFrame, keep=keep) -> pd.DataFrame:
            return train[(train["origin"] != "real") | train["doc_id"].isin(keep)]

        if frac == 1.0 and full_run is not None:
            pred = full_run
        else:
            pred = held_out_groups(data, predictor, folds, train_filter=only_some, n_jobs=n_jobs)
        s = scores(pred["label"], pred["pred"])
        # Articles a fold could train on: the kept ones outside its held-out outlets.
        per_fold = [len(keep - set(data.loc[data["source"].isin(f), "doc_id"])) for f in folds]
        points.append(
            {
                "fraction": frac,
                "real_articles": int(round(np.mean(per_fold))) if keep else 0,
                "real_sentences": int(data["doc_id"].isin(keep).sum()),
                "macro_f1": s["macro_f1"],
                "boilerplate_f1": s["boilerplate_f1"],
            }
        )
    return points


def _corpus_summary(data: pd.DataFrame) -> dict:
    return {
        origin: {
            "articles": int(g["doc_id"].nunique()),
            "sentences": int(len(g)),
            "labels": g["label"].value_counts().sort_index().to_dict(),
        }
        for origin, g in data.groupby("origin")
    }
