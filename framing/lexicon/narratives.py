"""Narrative detectors: patterns that find a party's narrative beyond single terms.

A lexicon term is a fixed phrase; a narrative ("NATO expansion caused the
war", "the West prolongs the war", "Kyiv is a regime") comes in many
wordings. Each detector is a regular expression over folded text (see
:func:`framing.lexicon.terms.fold`), kept as data in ``framing/data/narratives.csv``
(``pattern,anchors,narrative,party,note``) with its provenance and edited like
the lexicons. ``anchors`` lists (``|``-separated) strings of which every match
of the pattern contains one: a pattern is tried only on sentences that hold
an anchor, found for all patterns at once by one Aho-Corasick scan, because
trying twenty regular expressions on every sentence costs more than the rest
of the encoding together.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import ahocorasick
import numpy as np

NARRATIVE_COLUMNS = ("pattern", "anchors", "narrative", "party", "note")


@dataclass(frozen=True)
class Narratives:
    """Compiled detectors, one regular expression per row of the file."""

    names: tuple[str, ...]
    """Narrative names, in file order of first appearance."""
    parties: tuple[str, ...]
    """The party whose narrative each name is."""
    patterns: tuple[re.Pattern, ...]
    pattern_narrative: tuple[int, ...]
    """Index into ``names`` of each pattern."""
    automaton: ahocorasick.Automaton
    """Anchor -> indices of the patterns it unlocks."""

    def find(self, folded: str) -> list[tuple[str, int, int]]:
        """Every narrative match in one folded text, as ``(narrative, start, end)``, plainly.

        The reference for :meth:`scan` (which must find the same matches).

        Examples
        --------
        >>> load_narratives().find("nato expansion provoked this")[0][0]
        'nato_expansion_cause'
        """
        out = []
        for k, pat in enumerate(self.patterns):
            out += [(self.names[self.pattern_narrative[k]], m.start(), m.end()) for m in pat.finditer(folded)]
        return sorted(out, key=lambda h: (h[1], h[2], h[0]))

    def scan(self, folded: list[str]) -> list[list[tuple[str, int, int]]]:
        """:meth:`find` for many folded sentences, trying a pattern only where an anchor occurs.

        Examples
        --------
        >>> load_narratives().scan(["a proxy war", "no match"])
        [[('proxy_war', 2, 11)], []]
        """
        joined = "\n".join(folded)
        starts = np.zeros(len(folded) + 1, dtype=np.int64)
        np.cumsum([len(t) + 1 for t in folded], out=starts[1:])
        found = list(self.automaton.iter(joined))
        out: list[list[tuple[str, int, int]]] = [[] for _ in folded]
        if not found:
            return out
        # Common anchors hit tens of thousands of times: place every hit in
        # its row with one search, and try a pattern once per row.
        ends = np.fromiter((end for end, _ in found), dtype=np.int64, count=len(found))
        hit_rows = (np.searchsorted(starts, ends, side="right") - 1).tolist()
        todo: dict[int, set[int]] = {}
        for row, (_, pattern_ids) in zip(hit_rows, found, strict=True):
            if row in todo:
                todo[row].update(pattern_ids)
            else:
                todo[row] = set(pattern_ids)
        for row, ids in todo.items():
            text = folded[row]
            hits = [
                (self.names[self.pattern_narrative[k]], m.start(), m.end())
                for k in sorted(ids)
                for m in self.patterns[k].finditer(text)
            ]
            out[row] = sorted(hits, key=lambda h: (h[1], h[2], h[0]))
        return out


def read_narratives(path: str | Path) -> list[dict]:
    """Rows of a narratives file, checked: header, name, anchors and a compilable pattern.

    Examples
    --------
    >>> rows = read_narratives(resources.files("framing").joinpath("data", "narratives.csv"))
    >>> rows[0]["narrative"]
    'nato_expansion_cause'
    """
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != NARRATIVE_COLUMNS:
            raise ValueError(f"{path}: header must be {','.join(NARRATIVE_COLUMNS)}, got {reader.fieldnames}")
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if not re.fullmatch(r"[a-z0-9_]+", row["narrative"] or ""):
            raise ValueError(f"{path}, line {line}: narrative must be a lowercase name, got {row['narrative']!r}")
        if not [a for a in (row["anchors"] or "").split("|") if a.strip()]:
            raise ValueError(f"{path}, line {line}: anchors are empty (list the strings every match contains)")
        try:
            re.compile(row["pattern"])
        except re.error as exc:
            raise ValueError(f"{path}, line {line}: pattern does not compile: {exc}") from None
    return rows


@lru_cache(maxsize=4)
def load_narratives(path: str | None = None) -> Narratives:
    """The bundled narrative detectors (or those of ``path``), compiled once.

    Examples
    --------
    >>> "proxy_war" in load_narratives().names
    True
    """
    rows = read_narratives(path or resources.files("framing").joinpath("data", "narratives.csv"))
    names: dict[str, int] = {}
    parties: list[str] = []
    automaton = ahocorasick.Automaton()
    unlocks: dict[str, set[int]] = {}
    for k, row in enumerate(rows):
        if row["narrative"] not in names:
            names[row["narrative"]] = len(names)
            parties.append(row["party"])
        for anchor in row["anchors"].split("|"):
            if anchor.strip():
                unlocks.setdefault(anchor.strip().lower(), set()).add(k)
    for anchor, ids in unlocks.items():
        automaton.add_word(anchor, tuple(sorted(ids)))
    automaton.make_automaton()
    return Narratives(
        names=tuple(names),
        parties=tuple(parties),
        patterns=tuple(re.compile(row["pattern"]) for row in rows),
        pattern_narrative=tuple(names[row["narrative"]] for row in rows),
        automaton=automaton,
    )
