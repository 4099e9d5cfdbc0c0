"""Load the loaded-term lexicons and match them in one pass over the text.

Lexicons are CSV files (``term,category,party,note``) in
``framing/lexicons/``; a user adds their own by pointing ``extra_dirs`` (CLI:
``--lexicon-dir``) at a folder of files with the same header. Matching is
case-insensitive, on whole words, longest match first, with one Aho-Corasick
automaton for every term of every category, so the cost does not grow with
the number of terms.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import ahocorasick

LEXICON_COLUMNS = ("term", "category", "party", "note")
# Quote marks and dashes vary by outlet; fold them so one entry matches all.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})


def fold(text: str) -> str:
    """Lowercase and fold typographic quotes and dashes to ASCII, length-preserving.

    Examples
    --------
    >>> fold("Neo–Nazis’")
    "neo-nazis'"
    """
    return text.translate(_FOLD).lower()


@dataclass
class Lexicon:
    """Terms by category, with a compiled automaton for matching."""

    entries: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.categories: tuple[str, ...] = tuple(sorted({e["category"] for e in self.entries}))
        self._automaton = ahocorasick.Automaton()
        by_term: dict[str, list[tuple[str, str]]] = {}
        for e in self.entries:
            by_term.setdefault(e["term"], []).append((e["category"], e["party"]))
        for term, cats in by_term.items():
            self._automaton.add_word(term, (term, tuple(cats)))
        if by_term:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, folded: str) -> list[tuple[int, int, str, tuple[tuple[str, str], ...]]]:
        """Find whole-word terms in already folded text.

        Returns ``(start, end, term, ((category, party), ...))`` tuples, longest
        match first at each position, non-overlapping.

        Examples
        --------
        >>> lex = load_lexicons()
        >>> [m[2] for m in lex.match(fold("the special military operation began"))]
        ['special military operation']
        """
        if not self.entries:
            return []
        out = []
        n = len(folded)
        last_end = -1
        # iter_long gives leftmost-longest matches; a match failing the word
        # boundary test is skipped rather than retried shorter, which only
        # loses terms glued to other letters.
        for end_idx, (term, cats) in self._automaton.iter_long(folded):
            start = end_idx - len(term) + 1
            if start <= last_end:
                continue
            # Inlined word-boundary test (hot loop): a hyphen joins words, so
            # "kremlin" must not match inside "pro-kremlin".
            if start > 0:
                ch = folded[start - 1]
                if ch.isalnum() or ch == "_" or ch == "-":
                    continue
            if end_idx + 1 < n:
                ch = folded[end_idx + 1]
                if ch.isalnum() or ch == "_" or ch == "-":
                    continue
            out.append((start, end_idx + 1, term, cats))
            last_end = end_idx
        return out

    def terms(self, category: str) -> list[str]:
        """Return the terms of one category.

        Examples
        --------
        >>> "said" in load_lexicons().terms("speech_verbs")
        True
        """
        return [e["term"] for e in self.entries if e["category"] == category]


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or tuple(reader.fieldnames[:4]) != LEXICON_COLUMNS:
            raise ValueError(f"{path}: header must start with {','.join(LEXICON_COLUMNS)}; got {reader.fieldnames}")
        rows = []
        for i, row in enumerate(reader, start=2):
            term = fold((row["term"] or "").strip())
            if not term:
                raise ValueError(f"{path}, line {i}: empty term")
            if not (row["category"] or "").strip():
                raise ValueError(f"{path}, line {i}: empty category for term {term!r}")
            rows.append(
                {
                    "term": term,
                    "category": row["category"].strip(),
                    "party": (row.get("party") or "").strip(),
                    "note": (row.get("note") or "").strip(),
                    "file": path.name,
                }
            )
        return rows


def _bundled_files() -> list[Path]:
    folder = resources.files("framing").joinpath("lexicons")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".csv"))


def load_lexicons(extra_dirs: Sequence[str | Path] | None = None, *, bundled: bool = True) -> Lexicon:
    """Load the bundled lexicons plus every ``*.csv`` in ``extra_dirs``.

    Parameters
    ----------
    extra_dirs : sequence of path, optional
        Folders of user lexicons with the same header.
    bundled : bool, default True
        Include the lexicons shipped with framing.

    Examples
    --------
    >>> len(load_lexicons()) > 600
    True
    """
    return _load(tuple(str(d) for d in extra_dirs or ()), bundled)


@lru_cache(maxsize=8)
def _load(extra_dirs: tuple[str, ...], bundled: bool) -> Lexicon:
    files: list[Path] = _bundled_files() if bundled else []
    for d in extra_dirs:
        folder = Path(d)
        if not folder.is_dir():
            raise FileNotFoundError(f"lexicon folder not found: {folder}")
        files.extend(sorted(folder.glob("*.csv")))
    entries: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for path in files:
        for row in _read_csv(path):
            key = (row["term"], row["category"])
            if key not in seen:
                seen.add(key)
                entries.append(row)
    return Lexicon(entries)


def categories_of(lexicon: Lexicon, prefix: str) -> list[str]:
    """Categories whose name starts with ``prefix`` (e.g. ``"propaganda"``).

    Examples
    --------
    >>> categories_of(load_lexicons(), "propaganda")[:1]
    ['propaganda_accusation']
    """
    return [c for c in lexicon.categories if c.startswith(prefix)]


def iter_terms(lexicon: Lexicon, categories: Iterable[str]) -> list[str]:
    """All terms of the given categories, sorted.

    Examples
    --------
    >>> "tyrant" in iter_terms(load_lexicons(), ["loaded"])
    True
    """
    wanted = set(categories)
    return sorted({e["term"] for e in lexicon.entries if e["category"] in wanted})
