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
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path

import ahocorasick
import numpy as np

LEXICON_COLUMNS = ("term", "category", "party", "note")
# Quote marks and dashes vary by outlet; fold them so one entry matches all.
_FOLD_PAIRS = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("‐", "-"))


def fold(text: str) -> str:
    """Lowercase and fold typographic quotes and dashes to ASCII, length-preserving.

    Examples
    --------
    >>> fold("Neo–Nazis’")
    "neo-nazis'"
    """
    # A chain of replace() calls beats translate(), whose per-character
    # table lookup is slow on any text with a non-ASCII character.
    for a, b in _FOLD_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text.lower()


def char_codes(text: str) -> np.ndarray:
    """The code point of every character of ``text``, as a uint32 array.

    Examples
    --------
    >>> char_codes("a-b").tolist()
    [97, 45, 98]
    """
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


@lru_cache(maxsize=8)
def char_table(kind: str) -> np.ndarray:
    """A boolean lookup table over the Basic Multilingual Plane for one character class.

    ``kind`` is ``"joining"`` (letters, digits, ``_`` and ``-``: what glues a
    term to its neighbour), ``"space"``, ``"upper"`` or ``"digit"`` (Python's
    ``str.isspace``, ``isupper`` and ``isdecimal``). Index it with
    :func:`lookup`.

    Examples
    --------
    >>> bool(char_table("upper")[ord("É")])
    True
    """
    test = _CLASS_TESTS[kind]
    return np.array([test(chr(c)) for c in range(0x10000)], dtype=bool)


_CLASS_TESTS = {
    "joining": lambda ch: ch.isalnum() or ch in "_-",
    "space": str.isspace,
    "upper": str.isupper,
    "digit": str.isdecimal,
}


def lookup(kind: str, codes: np.ndarray) -> np.ndarray:
    """Character-class membership of each code point (see :func:`char_table`).

    Code points beyond the Basic Multilingual Plane (emoji, the styled
    letters and digits of "𝐁𝐑𝐄𝐀𝐊𝐈𝐍𝐆 𝟐𝟎𝟐𝟒") are rare; they are tested one by one
    with the same ``str`` method.

    Examples
    --------
    >>> lookup("joining", char_codes("a -")).tolist()
    [True, False, True]
    """
    codes = np.asarray(codes)
    out = char_table(kind)[np.minimum(codes, 0xFFFF)]
    beyond = np.flatnonzero(codes > 0xFFFF)
    if len(beyond):
        test = _CLASS_TESTS[kind]
        out[beyond] = [test(chr(c)) for c in codes[beyond].tolist()]
    return out


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
        # Terms are numbered so that a whole shard's matches can be handled as
        # integer arrays; ``term_list[i]`` and ``term_cats[i]`` describe term i.
        self.term_list: tuple[str, ...] = tuple(by_term)
        self.term_cats: tuple[tuple[tuple[str, str], ...], ...] = tuple(tuple(c) for c in by_term.values())
        self._term_len = np.array([len(t) for t in self.term_list], dtype=np.int64)
        for i, term in enumerate(self.term_list):
            self._automaton.add_word(term, i)
        if by_term:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def scan(self, folded: str, codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Find whole-word terms in already folded text, as arrays.

        Returns ``(starts, ends, term_ids)``: character offsets and indices
        into :attr:`term_list` of whole-word matches, leftmost-longest and
        non-overlapping, in text order. This is the fast path for long texts
        (a whole shard at once); ``codes`` may pass ``char_codes(folded)``
        when the caller has it.

        Examples
        --------
        >>> lex = load_lexicons()
        >>> starts, ends, ids = lex.scan(fold("A tyrant, not an antityrant"))
        >>> [lex.term_list[i] for i in ids], starts.tolist()
        (['tyrant'], [2])
        """
        if not self.entries or not folded:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        # Every occurrence of every term, then the word-boundary test, then
        # leftmost-longest without overlap. (pyahocorasick's iter_long is not
        # used: after a longer term fails part-way it skips shorter ones, so
        # "the armed forces of ukraine" lost "armed forces" to an unfinished
        # "the armed forces of ukraine are exhausted".)
        # (end, term id) pairs, flattened in C.
        arr = np.fromiter(chain.from_iterable(self._automaton.iter(folded)), dtype=np.int64).reshape(-1, 2)
        if not len(arr):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        ends = arr[:, 0] + 1
        starts = ends - self._term_len[arr[:, 1]]
        # A hyphen joins words, so "kremlin" must not match inside "pro-kremlin".
        codes = char_codes(folded) if codes is None else codes
        pos = np.concatenate([starts - 1, ends])
        inside = (pos >= 0) & (pos < len(codes))
        joined = lookup("joining", codes[np.where(inside, pos, 0)]) & inside
        whole = np.flatnonzero(~(joined[: len(starts)] | joined[len(starts) :]))
        whole = whole[np.lexsort((-ends[whole], starts[whole]))]
        keep, reach = [], -1
        for k, a, b in zip(whole.tolist(), starts[whole].tolist(), ends[whole].tolist(), strict=True):
            if a >= reach:
                keep.append(k)
                reach = b
        ok = np.array(keep, dtype=np.int64)
        return starts[ok], ends[ok], arr[ok, 1]

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
        starts, ends, ids = self.scan(folded)
        terms, cats = self.term_list, self.term_cats
        return [(a, b, terms[i], cats[i]) for a, b, i in zip(starts.tolist(), ends.tolist(), ids.tolist(), strict=True)]

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


ROLES_FILE = "lexicon_roles.csv"
PLAIN_ROLE = "cue"
"""The role of a category the roles file does not name: an ordinary cue and loaded term."""
NOT_LOADED_ROLES = ("furniture", "speech_verb", "source_noun")
"""Roles whose categories are neither lexicon cue columns nor loaded-term rates."""


@lru_cache(maxsize=1)
def role_patterns() -> tuple[tuple[str, str], ...]:
    """``(category pattern, role)`` rows of ``framing/data/lexicon_roles.csv``, in file order.

    A pattern is a category name or a shell-style pattern (``actor_*``), so a
    user's lexicon folder can add, say, ``actor_poland`` with the actor role.

    Examples
    --------
    >>> ("speech_verbs", "speech_verb") in role_patterns()
    True
    """
    path = resources.files("framing").joinpath("data", ROLES_FILE)
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple((row["category"].strip(), row["role"].strip()) for row in csv.DictReader(fh))


def category_role(category: str) -> str:
    """The role of a lexicon category: the first matching row of the roles file, else ``"cue"``.

    Examples
    --------
    >>> category_role("actor_russia"), category_role("loaded")
    ('actor', 'cue')
    """
    for pattern, role in role_patterns():
        if fnmatchcase(category, pattern):
            return role
    return PLAIN_ROLE


def categories_with_role(lexicon: Lexicon, *roles: str) -> list[str]:
    """The lexicon's categories (sorted) that have one of ``roles``.

    Examples
    --------
    >>> categories_with_role(load_lexicons(), "propaganda")[:1]
    ['propaganda_accusation']
    """
    return [c for c in lexicon.categories if category_role(c) in roles]


def not_loaded_categories() -> list[str]:
    """Category names of the roles file whose role is in :data:`NOT_LOADED_ROLES`, in file order.

    Examples
    --------
    >>> not_loaded_categories()
    ['boilerplate', 'speech_verbs', 'source_nouns']
    """
    return [c for c, role in role_patterns() if role in NOT_LOADED_ROLES]


def iter_terms(lexicon: Lexicon, categories: Iterable[str]) -> list[str]:
    """All terms of the given categories, sorted.

    Examples
    --------
    >>> "tyrant" in iter_terms(load_lexicons(), ["loaded"])
    True
    """
    wanted = set(categories)
    return sorted({e["term"] for e in lexicon.entries if e["category"] in wanted})
