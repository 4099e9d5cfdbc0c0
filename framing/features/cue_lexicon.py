"""Cue group ``lexicon``: lexicon hits by category in and out of quotation, contested propaganda, narratives."""

from __future__ import annotations

import numpy as np

from framing.features.view import BatchView
from framing.lexicon.narratives import load_narratives
from framing.lexicon.terms import NOT_LOADED_ROLES, Lexicon, category_role


def columns(lexicon: Lexicon) -> list[str]:
    """The group's columns for ``lexicon``.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> "lex_out__loaded" in columns(load_lexicons())
    True
    """
    cats = _cue_categories(lexicon)
    cols = [f"lex_out__{c}" for c in cats] + [f"lex_in__{c}" for c in cats]
    cols += ["lex__propaganda_uncontested", "lex__propaganda_contested", "lex__propaganda_in_quote"]
    return cols + [f"narr_out__{n}" for n in load_narratives().names] + ["narr__any_in", "narr__any_out"]


def compute(view: BatchView) -> dict[str, np.ndarray]:
    """The group's columns for a batch.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["The tyrant ranted."], np.array([1]), [(0, 1)], load_lexicons())
    >>> float(compute(v)["lex_out__loaded"][0])
    2.0
    """
    h = view.hits
    cues: dict[str, np.ndarray] = {}
    for c in _cue_categories(view.lexicon):
        mask = view.of_category(c)
        cues[f"lex_out__{c}"] = view.count(h.rows[mask & ~h.inside])
        cues[f"lex_in__{c}"] = view.count(h.rows[mask & h.inside])
    prop_in, _ = view.propaganda
    rebut = view.count(h.rows[view.having("rebuttal") & ~h.inside])
    cues["lex__propaganda_uncontested"] = view.has_prop & (rebut == 0)
    cues["lex__propaganda_contested"] = view.has_prop & (rebut > 0)
    cues["lex__propaganda_in_quote"] = prop_in > 0
    return cues | _narrative_cues(view)


def _cue_categories(lexicon: Lexicon) -> list[str]:
    return [c for c in lexicon.categories if category_role(c) not in NOT_LOADED_ROLES]


def _narrative_cues(view: BatchView) -> dict[str, np.ndarray]:
    """Narrative detectors (:mod:`framing.lexicon.narratives`) in and out of quotation."""
    rows, inside = narrative_rows(view)
    cues = {f"narr_out__{name}": np.zeros(view.n, dtype=np.float32) for name in load_narratives().names}
    cues["narr__any_in"] = view.count(rows[inside]) > 0
    cues["narr__any_out"] = view.count(rows[~inside]) > 0
    names = [name for f in view.narratives for name, _, _ in f]
    for i, name, q in zip(rows.tolist(), names, inside.tolist(), strict=True):
        if not q:
            cues[f"narr_out__{name}"][i] = 1.0
    return cues


def narrative_rows(view: BatchView) -> tuple[np.ndarray, np.ndarray]:
    """Row of each narrative match, and whether it lies inside quotation.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(['He said "Ukraine is run by neo-Nazis."'], np.array([1]), [(0, 1)], load_lexicons())
    >>> [a.tolist() for a in narrative_rows(v)]
    [[0], [True]]
    """
    return view.narrative_rows


def matched_terms(view: BatchView) -> tuple[list[list[tuple[str, str, bool]]], list[list[str]]]:
    """Per sentence: ``(term, category, inside quotation)`` of each lexicon and narrative hit (for
    the evidence), and the lexicon terms matched, one entry per match (for the batch summaries).

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["The tyrant ranted."], np.array([1]), [(0, 1)], load_lexicons())
    >>> matched_terms(v)[1]
    [['tyrant', 'ranted']]
    """
    h, names, terms = view.hits, view.lexicon.categories, view.lexicon.term_list
    hits: list[list[tuple[str, str, bool]]] = [[] for _ in range(view.n)]
    for i, t, c, q in zip(h.rows.tolist(), h.terms.tolist(), h.cats.tolist(), h.inside.tolist(), strict=True):
        hits[i].append((terms[t], names[c], q))
    rows, inside = narrative_rows(view)
    spans = [(name, s, e) for f in view.narratives for name, s, e in f]
    for i, (name, s, e), q in zip(rows.tolist(), spans, inside.tolist(), strict=True):
        hits[i].append((view.folded[i][s:e], f"narrative_{name}", q))
    _, match_rows, term_ids, _ = view.matches
    matched: list[list[str]] = [[] for _ in range(view.n)]
    for i, t in zip(match_rows.tolist(), term_ids.tolist(), strict=True):
        matched[i].append(terms[t])
    return hits, matched
