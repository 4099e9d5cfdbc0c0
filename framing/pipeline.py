"""The public entry point: documents in, one labeled row per sentence out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from framing.io.documents import to_documents
from framing.model.persist import load_model
from framing.schema import OUTPUT_COLUMNS, PROBA_COLUMNS
from framing.text.sentences import paragraph_indices, split_spans


def sentence_table(documents: pd.DataFrame) -> pd.DataFrame:
    """Cut each document into sentences with offsets (or keep given sentences).

    Given ``sentences`` are kept exactly and in order; their offsets point into
    the sentences joined by single spaces. ``para`` is each sentence's 0-based
    paragraph: a line break in the text starts a new one
    (:func:`framing.text.sentences.paragraph_indices`); given sentences carry no
    line breaks between them and are all paragraph 0.

    Examples
    --------
    >>> docs = pd.DataFrame([{"doc_id": "a", "source": "", "text": "One. Two.\\nThree.", "sentences": None}])
    >>> sentence_table(docs)[["sent_idx", "para", "start", "end", "text"]].values.tolist()
    [[0, 0, 0, 4, 'One.'], [1, 0, 5, 9, 'Two.'], [2, 1, 10, 16, 'Three.']]
    """
    doc_ids, sources, idx, paras, starts, ends, texts = [], [], [], [], [], [], []
    for doc_id, source, text, given in documents[["doc_id", "source", "text", "sentences"]].itertuples(index=False):
        if given is not None and not (isinstance(given, float) and np.isnan(given)):
            spans, pos = [], 0
            for s in given:
                spans.append((pos, pos + len(s)))
                pos += len(s) + 1
            sents = list(given)
            paras += [0] * len(sents)
        else:
            spans = split_spans(text)
            sents = [text[a:b] for a, b in spans]
            paras += paragraph_indices(text, spans)
        n = len(sents)
        doc_ids += [doc_id] * n
        sources += [source] * n
        idx += range(n)
        starts += [a for a, _ in spans]
        ends += [b for _, b in spans]
        texts += sents
    return pd.DataFrame(
        {
            "doc_id": pd.Series(doc_ids, dtype=object),
            "source": pd.Series(sources, dtype=object),
            "sent_idx": np.asarray(idx, dtype=np.int64),
            "para": np.asarray(paras, dtype=np.int64),
            "start": np.asarray(starts, dtype=np.int64),
            "end": np.asarray(ends, dtype=np.int64),
            "text": pd.Series(texts, dtype=object),
        }
    )


def label_sentences(sentences: pd.DataFrame, model: Any = None, lexicon_terms: bool = False) -> pd.DataFrame:
    """Label a sentence table (from :func:`sentence_table`) with a model.

    With ``lexicon_terms=True`` the result also has ``terms`` and ``words``
    (see :meth:`framing.model.classifier.FramingClassifier.predict_with_evidence`).

    Examples
    --------
    >>> docs = pd.DataFrame([{"doc_id": "a", "source": "", "text": "Kyiv said so.", "sentences": None}])
    >>> label_sentences(sentence_table(docs)).columns[-1]
    'evidence'
    """
    model = model if model is not None else load_model()
    out = sentences.copy()
    extra = ("terms", "words") if lexicon_terms else ()
    added = ("label", *PROBA_COLUMNS, "evidence", *extra)
    columns = [*OUTPUT_COLUMNS, *extra]
    if len(out) == 0:
        for col in added:
            out[col] = pd.Series(dtype=float if col.startswith("p_") else "int64" if col == "words" else object)
        return out[columns]
    pred = (
        model.predict_with_evidence(out[["doc_id", "text"]], lexicon_terms=True)
        if lexicon_terms
        else model.predict_with_evidence(out[["doc_id", "text"]])
    )
    for col in added:
        out[col] = pred[col].to_numpy()
    return out[columns]


def classify(documents: Any, model: Any = None) -> pd.DataFrame:
    """Label every sentence of one or more news articles.

    Parameters
    ----------
    documents : str, list of str, DataFrame or list of dict
        One document, several, a frame with a ``text`` column (optional
        ``doc_id``, ``source``), or dicts with ``doc_id``, ``source`` and
        ``text`` or already-split ``sentences``.
    model : FramingClassifier, optional
        Defaults to the verified bundled model.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``doc_id, source, sent_idx, para, start, end,
        text, label, p_boilerplate, p_reporting, p_official_claim,
        p_editorialising, p_propaganda_echo, evidence, error``. ``para`` is
        the sentence's 0-based paragraph (a line break in the text starts a
        new one). Boilerplate rows keep their place
        with ``label == 'boilerplate'``; the five probabilities are the model's
        ``predict_proba`` (they sum to one; ``p(label | content)`` is
        ``p_<label> / (1 - p_boilerplate)``). A document
        whose text is missing gives one row with its ``error`` and no label.
        For a DataFrame input, ``doc_id`` keeps the caller's values and dtype
        and ``doc_index`` (first column) holds the index label of each
        sentence's document row; bring other columns back with
        ``out.merge(frame.drop(columns="text"), on="doc_id")``.

    Examples
    --------
    >>> out = classify('"The special military operation is going to plan," Putin said.')
    >>> out.loc[0, "label"]
    'propaganda_echo'
    """
    docs = to_documents(documents)
    failed = docs[docs["error"] != ""]
    out = label_sentences(sentence_table(docs[docs["error"] == ""]), model)
    out["error"] = pd.Series([""] * len(out), dtype=object, index=out.index)
    if len(failed):
        rows = pd.DataFrame({"doc_id": failed["doc_id"], "source": failed["source"], "error": failed["error"]})
        out = pd.concat([out, rows], ignore_index=True)
        out["sent_idx"] = out["sent_idx"].astype("Int64")
        for col in ("para", "start", "end"):
            out[col] = out[col].astype("Int64")
    if isinstance(documents, pd.DataFrame):
        out = _back_to_caller(out, documents, docs["doc_id"].tolist())
    return out


def _back_to_caller(out: pd.DataFrame, frame: pd.DataFrame, internal: list[str]) -> pd.DataFrame:
    """Give a frame caller back its own ``doc_id`` values (and dtype) and index labels.

    The sentence table uses string ids internally; here each row gets the
    caller's id value and, as ``doc_index``, the index label of its document
    row, so ``frame.join(out.set_index("doc_index"))`` or
    ``frame.merge(out, on="doc_id")`` line up.
    """
    # ``internal`` holds the documents' string ids in the frame's row order.
    position = {k: i for i, k in enumerate(internal)}
    rows = out["doc_id"].map(position).to_numpy()
    out = out.copy()
    out.insert(0, "doc_index", frame.index.to_numpy()[rows])
    if "doc_id" in frame.columns:
        out["doc_id"] = frame["doc_id"].iloc[rows].to_numpy()
        out["doc_id"] = out["doc_id"].astype(frame["doc_id"].dtype)
    return out


def explain(sentence: str, model: Any = None, top: int = 5) -> pd.DataFrame:
    """The features that push one sentence towards each label, with weights.

    Returns a frame with ``label``, ``feature``, ``description`` and
    ``weight`` (``x * coef``), strongest first, for the predicted label; a
    boilerplate line shows the boilerplate detector's weights. The sentence
    is scored as a one-sentence article, so no neighbour context applies.

    Examples
    --------
    >>> explain("The tyrant ranted again.").iloc[0]["label"]
    'editorialising'
    """
    model = model if model is not None else load_model()
    table = sentence_table(to_documents([{"doc_id": "0", "source": "", "sentences": [sentence]}]))
    return model.explain(table[["doc_id", "text"]], top=top).drop(columns="row")
