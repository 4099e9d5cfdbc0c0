"""Evidence: the features that pushed a sentence to its label, in words.

A linear model's push towards a label is ``x_j * coef[label, j]`` per
feature. The strongest positive pushes are rendered as short phrases, with
the actual lexicon terms matched in the sentence, e.g. ``loaded term
'tyrant' in the writer's voice; speech verb 'said'; inside a continuing
quote``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp

from framing.schema import BOILERPLATE

_CATEGORY_WORDS = {
    "propaganda_euphemism": "propaganda euphemism",
    "propaganda_justification": "propaganda justification",
    "propaganda_dehumanising": "dehumanising label",
    "propaganda_accusation": "narrative accusation",
    "propaganda_morale": "morale claim",
    "loaded": "loaded term",
    "intensifiers": "intensifier",
    "hedges": "hedge",
    "rebuttal": "rebuttal marker",
}

_CUE_WORDS = {
    "attr__speech_verb": "speech verb",
    "attr__source_noun": "source named",
    "attr__according_to": "'according to'",
    "attr__said_colon": "introduces a quote ('said: \"')",
    "attr__trailing_attribution": "quote attributed at the end",
    "attr__quoted_share": "mostly quotation",
    "attr__has_quote": "contains a quotation",
    "attr__whole_quote": "whole sentence is a quotation",
    "style__exclamation": "exclamation mark",
    "style__question": "question in the writer's voice",
    "style__first_person": "first person in the writer's voice",
    "style__second_person": "addresses the reader",
    "style__capitals": "words in capitals",
    "style__superlative": "superlative",
    "style__numbers": "figures",
    "style__words": "sentence length",
    "ctx__starts_in_quote": "inside a continuing quote",
    "ctx__reopens_quote": "quote re-opened from the previous paragraph",
    "ctx__ends_in_quote": "quote continues into the next sentence",
    "ctx__prev_attributed": "previous sentence attributed",
    "ctx__next_attributed": "next sentence names a source",
    "ctx__prev_quoted_share": "previous sentence is a quotation",
    "ctx__next_quoted_share": "next sentence is a quotation",
    "ctx__prev_lead_in": "follows a lead-in",
    "ctx__under_lead_in": "item under a lead-in",
    "ctx__since_attribution": "far from the last attribution",
    "ctx__prev_propaganda": "previous sentence carries a narrative term",
    "reg__doc_attributed": "article mostly attributed (wire register)",
    "reg__doc_quoted": "article mostly quotation",
    "reg__doc_writer_terms": "article full of the writer's judgement words",
    "reg__doc_narrative": "article carries a party's narrative",
    "reg__doc_exclaim_question": "article of exclamations and questions (opinion register)",
    "reg__near_attributed": "neighbouring sentences attributed",
    "reg__near_writer_terms": "neighbouring sentences judge",
    "reg__near_narrative": "neighbouring sentences carry a narrative",
    "reg__doc_length": "article length",
    "ctx__position": "position in the article",
    "ctx__first": "first sentence",
    "ctx__last": "last sentence",
    "lex__propaganda_uncontested": "narrative term, uncontested",
    "lex__propaganda_contested": "narrative term contested in the same sentence",
    "lex__propaganda_in_quote": "narrative term inside a quotation",
    "narr__any_in": "a narrative inside a quotation",
    "narr__any_out": "a narrative in the writer's voice",
    "bp__no_terminal": "no full stop",
    "bp__short": "very short line",
    "bp__title_case": "title-case words",
    "bp__bullet": "bullet or list item",
    "bp__promo_terms": "promo phrase",
    "bp__pipe": "'|' separator",
    "bp__time": "time or date",
    "bp__url": "web address or handle",
    "bp__colon_end": "ends with a colon",
    "bp__question_end": "ends with a question in the writer's voice",
    "bp__prev_no_terminal": "previous line has no full stop",
    "bp__next_no_terminal": "next line has no full stop",
    "bp__prev_promo": "previous line is a promo",
    "bp__next_promo": "next line is a promo",
    "bp__from_end": "distance from the end of the page",
    "bp__words": "line length",
    "bp__promo_at_start": "starts with a promo phrase",
    "bp__list_question": "question in a list (explainer-box link)",
    "bp__under_promo_header": "item under a furniture header",
}


def describe_feature(name: str, hits: list[tuple[str, str, bool]]) -> str:
    """Render one feature name in words, naming the matched terms where known.

    Parameters
    ----------
    name : str
        A feature name from the content pipeline, e.g. ``lexicon__lex_out__loaded``.
    hits : list of (term, category, inside_quote)
        The sentence's lexicon matches.

    Examples
    --------
    >>> describe_feature("lexicon__lex_out__loaded", [("tyrant", "loaded", False)])
    "loaded term 'tyrant' in the writer's voice"
    >>> describe_feature("ngrams__human shields", [])
    "words 'human shields'"
    """
    group, _, cue = name.partition("__")
    if not cue.startswith(_TERM_CUES):
        return _static_description(name)
    for prefix, inside, where in (("lex_out__", False, " in the writer's voice"), ("lex_in__", True, " inside a quotation")):
        if cue.startswith(prefix):
            cat = cue[len(prefix) :]
            terms = [t for t, c, q in hits if c == cat and q == inside]
            label = _CATEGORY_WORDS.get(cat, cat.replace("_", " "))
            listed = ", ".join(f"'{t}'" for t in dict.fromkeys(terms))
            return f"{label} {listed}{where}".replace("  ", " ")
    if cue == "attr__speech_verb":
        verbs = [t for t, c, q in hits if c == "speech_verbs" and not q]
        if verbs:
            return "speech verb " + ", ".join(f"'{t}'" for t in dict.fromkeys(verbs))
    if cue == "attr__source_noun":
        nouns = [t for t, c, q in hits if c == "source_nouns" and not q]
        if nouns:
            return "source " + ", ".join(f"'{t}'" for t in dict.fromkeys(nouns))
    if cue.startswith(("narr_out__", "narr__any")):
        # Narrative detectors (framing.lexicon.narratives) record their matched words as hits.
        inside = cue == "narr__any_in"
        name = cue.removeprefix("narr_out__")
        found = [t for t, c, q in hits if c.startswith("narrative_") and q == inside and (cue.startswith("narr__") or c == f"narrative_{name}")]
        base = _CUE_WORDS.get(cue) or f"narrative '{name.replace('_', ' ')}' in the writer's voice"
        return f"{base} ({', '.join(repr(t) for t in dict.fromkeys(found))})" if found else base
    if cue.startswith("lex__propaganda"):
        terms = [t for t, c, _ in hits if c.startswith("propaganda")]
        base = _CUE_WORDS.get(cue, cue)
        return f"{base} ({', '.join(repr(t) for t in dict.fromkeys(terms))})" if terms else base
    return _static_description(name)


_UNINFORMATIVE = frozenset({"style__words", "ctx__position", "bp__words", "bp__from_end"})

# Cues whose description names the matched terms; every other description
# depends only on the feature name and is cached.
_TERM_CUES = ("lex_out__", "lex_in__", "lex__propaganda", "narr_out__", "narr__any", "attr__speech_verb", "attr__source_noun")


@lru_cache(maxsize=65536)
def _static_description(name: str) -> str:
    group, _, cue = name.partition("__")
    if group == "ngrams":
        return f"words '{cue}'"
    if group == "semantic":
        return f"sentence meaning ({cue.replace('_', ' ')})"
    if group == "neighbours":
        part, _, label = cue.partition("_p_")
        where = {"prev": "previous sentence", "next": "next sentence", "quote_opener": "the sentence that opened this quote", "article_mean": "rest of the article"}.get(part, part)
        return f"{where} reads as {label}"
    return _CUE_WORDS.get(cue, cue.replace("_", " "))


_NAME_TABLES: dict[int, tuple] = {}


def _name_tables(names) -> tuple[np.ndarray, set[int]]:
    """Which features may be evidence, and which name matched terms; per names array.

    Scoring in shards asks again for every shard with the same array (the
    model keeps it), so the answer is kept while that array lives.
    """
    cached = _NAME_TABLES.get(id(names))
    if cached is None or cached[0] is not names:
        informative = np.array([name.split("__", 1)[-1] not in _UNINFORMATIVE for name in names])
        term_cues = {j for j, name in enumerate(names) if name.partition("__")[2].startswith(_TERM_CUES)}
        _NAME_TABLES.clear()  # one model at a time is the common case; never grow
        cached = _NAME_TABLES[id(names)] = (names, informative, term_cues)
    return cached[1], cached[2]


def _top_per_row(rows: np.ndarray, cols: np.ndarray, push: np.ndarray, n: int, top: int) -> list[list[int]]:
    """The columns of the ``top`` largest pushes of each row, strongest first.

    ``rows`` must be sorted. Ties go to the lower column, as a stable sort would.
    """
    picked: list[list[int]] = [[] for _ in range(n)]
    if not len(rows):
        return picked
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    push = push.astype(np.float64, copy=True)
    for _ in range(top):
        best = np.maximum.reduceat(push, starts)
        at_best = np.flatnonzero(push == np.repeat(best, sizes))
        segment = np.searchsorted(starts, at_best, side="right") - 1
        first = at_best[np.r_[True, segment[1:] != segment[:-1]]]
        first = first[push[first] > 0]
        if not len(first):
            break
        for r, c in zip(rows[first].tolist(), cols[first].tolist(), strict=True):
            picked[r].append(c)
        push[first] = -np.inf
    return picked


def contributions(Z, coef: np.ndarray, class_index: int) -> np.ndarray:
    """Per-feature push ``x * coef`` towards one class, dense, for one row.

    Examples
    --------
    >>> contributions(np.array([[1.0, 2.0]]), np.array([[0.5, -1.0]]), 0).tolist()
    [0.5, -2.0]
    """
    row = Z.toarray().ravel() if sp.issparse(Z) else np.asarray(Z).ravel()
    return row * coef[class_index]


def evidence_for(Z, coef, class_index, names, hits, labels, p_bp, top: int = 3) -> list[str]:
    """Evidence strings for each row of a feature matrix.

    Boilerplate rows get a fixed note with the detector's probability; content
    rows list the ``top`` strongest positive pushes towards their label. Only
    a row's non-zero features can push, so only those are ranked. Length and
    position push every sentence a little and explain none, so they are left
    out of the words (they still count in the probabilities).
    """
    Z = sp.csr_matrix(Z)
    n = Z.shape[0]
    informative, term_cues = _name_tables(names)
    target = np.array([class_index.get(label, -1) for label in labels], dtype=np.int64)
    rows = np.repeat(np.arange(n), np.diff(Z.indptr))
    ok = (target[rows] >= 0) & informative[Z.indices]
    rows, cols = rows[ok], Z.indices[ok]
    push = Z.data[ok] * coef[target[rows], cols]
    # Only positive pushes are evidence. Rows stay in order (CSR), so each
    # row's entries are one segment and its strongest is a segment maximum.
    positive = push > 0
    picked = _top_per_row(rows[positive], cols[positive], push[positive], n, top)
    static: dict[int, str] = {}
    # Term descriptions repeat ("speech verb 'said'"): remember them per
    # feature and set of hits.
    described: dict[tuple, str] = {}
    out = []
    for i, label in enumerate(labels):
        if label == BOILERPLATE:
            out.append(f"page furniture (p={p_bp[i]:.2f})")
            continue
        phrases = []
        for c in picked[i]:
            if c in term_cues:
                key = (c, *hits[i])
                if key not in described:
                    described[key] = describe_feature(names[c], hits[i])
                phrases.append(described[key])
            else:
                if c not in static:
                    static[c] = _static_description(names[c])
                phrases.append(static[c])
        out.append("; ".join(dict.fromkeys(phrases)) if phrases else "no strong cue (default)")
    return out


def explain_table(labels, Z, content_model, names, Zb, gate_coef, gate_names, hits, top: int) -> pd.DataFrame:
    """The ``top`` features that pushed each sentence to its label, one row per (sentence, feature).

    Content rows are explained by the linear content model (``x * coef`` of
    the predicted label), boilerplate rows by the gate; ``Z`` is ``None``
    for an empty input. Columns: ``row``, ``label``, ``feature``,
    ``description``, ``weight``. The table behind
    :meth:`framing.model.classifier.FramingClassifier.explain`.

    Examples
    --------
    >>> explain_table(np.array([]), None, None, None, None, None, None, [], 3).columns.tolist()
    ['row', 'label', 'feature', 'description', 'weight']
    """
    columns = ["row", "label", "feature", "description", "weight"]
    if Z is None:
        return pd.DataFrame(columns=columns)
    parts = []
    for i, label in enumerate(labels):
        if label == BOILERPLATE:
            row_names, c = gate_names, contributions(Zb[i], gate_coef, 0)
        else:
            row_names, c = names, contributions(Z[i], content_model.coef_, list(content_model.classes_).index(label))
        order = np.argsort(-np.abs(c), kind="stable")[:top]
        parts.append(pd.DataFrame({
            "row": i, "label": label, "feature": row_names[order],
            "description": [describe_feature(row_names[j], hits[i]) for j in order], "weight": c[order],
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
