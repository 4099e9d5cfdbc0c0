"""Read labeled sentences: the bundled gold data in ``labels/`` or a user's own.

The bundled data (see ``labels/README.md``):

- ``labels/documents.csv``: one row per document (doc_id, source, published,
  origin, style, topic);
- ``labels/sentences.csv``: the real seed articles' gold sentences with
  character offsets into ``labels/texts/<doc_id>.txt``;
- ``labels/authored/*.jsonl``: team-written articles, one sentence per line,
  every row ``origin=authored``.

A user's own labeled sentences (``framing train --labels PATH``) are a CSV,
JSONL or Parquet file with the columns ``doc_id, sent_idx, text, label`` and
optionally ``source`` and ``origin`` (default ``user``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from framing.io.tables import read_table
from framing.schema import BOILERPLATE, LABELS

GOLD_COLUMNS = ("doc_id", "source", "origin", "style", "sent_idx", "text", "label")
USER_REQUIRED = ("doc_id", "sent_idx", "text", "label")


def default_labels_dir() -> Path:
    """The ``labels/`` folder of the framing checkout.

    Examples
    --------
    >>> default_labels_dir().name
    'labels'
    """
    return Path(__file__).resolve().parents[2] / "labels"


def load_documents(labels_dir: str | Path | None = None) -> pd.DataFrame:
    """The documents table of the bundled corpus.

    Examples
    --------
    >>> set(load_documents()["origin"]) == {"real", "authored"}
    True
    """
    labels_dir = Path(labels_dir or default_labels_dir())
    return read_table(labels_dir / "documents.csv")


def load_seed_sentences(labels_dir: str | Path | None = None) -> pd.DataFrame:
    """Gold sentences of the real seed articles, with offsets and sources.

    Examples
    --------
    >>> load_seed_sentences()["origin"].unique().tolist()
    ['real']
    """
    labels_dir = Path(labels_dir or default_labels_dir())
    sents = read_table(labels_dir / "sentences.csv")
    docs = load_documents(labels_dir)[["doc_id", "source", "style"]]
    out = sents.merge(docs, on="doc_id", how="left", validate="many_to_one")
    return out.sort_values(["doc_id", "sent_idx"], kind="stable").reset_index(drop=True)


def load_real_sentences(labels_dir: str | Path | None = None) -> pd.DataFrame:
    """Gold sentences of every real article: the seeds and the real corpus (``labels/real/``).

    Examples
    --------
    >>> load_real_sentences()["source"].nunique() >= 10
    True
    """
    labels_dir = Path(labels_dir or default_labels_dir())
    parts = [load_seed_sentences(labels_dir)]
    path = labels_dir / "real" / "sentences.csv"
    if path.exists():
        sents = read_table(path)
        docs = load_documents(labels_dir)[["doc_id", "source", "style"]]
        parts.append(sents.merge(docs, on="doc_id", how="left", validate="many_to_one"))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["doc_id", "sent_idx"], kind="stable").reset_index(drop=True)


def load_authored_sentences(labels_dir: str | Path | None = None) -> pd.DataFrame:
    """Every authored sentence, in article order.

    Examples
    --------
    >>> bool((load_authored_sentences()["origin"] == "authored").all())
    True
    """
    labels_dir = Path(labels_dir or default_labels_dir())
    files = sorted((labels_dir / "authored").glob("*.jsonl"))
    if not files:
        return pd.DataFrame(columns=list(GOLD_COLUMNS))
    frame = pd.concat([read_table(f) for f in files], ignore_index=True)
    return frame.sort_values(["doc_id", "sent_idx"], kind="stable").reset_index(drop=True)


def load_corpus(labels_dir: str | Path | None = None, *, include_authored: bool = True) -> pd.DataFrame:
    """Every real gold sentence (seeds and real corpus) plus (optionally) the authored corpus.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> sorted(corpus["origin"].unique())
    ['authored', 'real']
    """
    parts = [load_real_sentences(labels_dir)]
    if include_authored:
        parts.append(load_authored_sentences(labels_dir))
    frame = pd.concat([p[list(GOLD_COLUMNS)] for p in parts], ignore_index=True)
    return frame


def load_user_labels(path: str | Path) -> pd.DataFrame:
    """Read and validate a user's labeled sentences.

    Raises
    ------
    ValueError
        Naming the file and the missing column or the bad row.

    Examples
    --------
    >>> load_user_labels("mine.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"labels file not found: {path}")
    frame = read_table(path)
    missing = [c for c in USER_REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; need {list(USER_REQUIRED)}")
    bad = ~frame["label"].isin(LABELS)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(f"{path}, row {i}: label {frame['label'].iloc[i]!r} is not one of {list(LABELS)}")
    frame = frame.copy()
    frame["doc_id"] = frame["doc_id"].astype(str)
    for col, default in (("source", ""), ("origin", "user"), ("style", "")):
        if col not in frame.columns:
            frame[col] = default
    frame = frame.sort_values(["doc_id", "sent_idx"], kind="stable").reset_index(drop=True)
    return frame[list(GOLD_COLUMNS)]


def with_bundled(mine: pd.DataFrame, bundled: pd.DataFrame) -> pd.DataFrame:
    """A user's labeled sentences plus the bundled corpus, with neither clash nor leak.

    Bundled articles that share a content sentence of 40 or more characters
    with the user's rows are left out (the user's copy wins), so an article the user
    also labeled never sits on both sides of a held-out split; a bundled
    ``doc_id`` that the user also uses gets the prefix ``bundled:``, since
    rows of one ``doc_id`` are one article.

    Examples
    --------
    >>> mine = pd.DataFrame({"doc_id": ["a"], "text": ["x" * 50]})
    >>> bundled = pd.DataFrame({"doc_id": ["a", "b"], "text": ["another article", "x" * 50]})
    >>> with_bundled(mine, bundled)["doc_id"].tolist()
    ['a', 'bundled:a']
    """
    # Page furniture ("Read our live blog for the latest updates") repeats
    # across a site's articles: only content sentences identify an article.
    content = mine["label"] != BOILERPLATE if "label" in mine else pd.Series(True, index=mine.index)
    texts = {t for t in mine.loc[content, "text"].astype(str) if len(t) >= 40}
    shared = bundled.loc[bundled["text"].astype(str).isin(texts), "doc_id"].unique()
    kept = bundled[~bundled["doc_id"].isin(shared)]
    if kept["doc_id"].isin(set(mine["doc_id"])).any():
        kept = kept.assign(doc_id="bundled:" + kept["doc_id"].astype(str))
    return pd.concat([mine, kept], ignore_index=True)
