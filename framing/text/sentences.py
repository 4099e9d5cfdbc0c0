"""Cut article text into sentences.

The segmenter is Punkt (nltk) in spirit and in parameters: abbreviation types,
collocations and frequent sentence starters are learned by
``nltk.tokenize.punkt.PunktTrainer`` on the authored corpus and shipped in
``framing/data/punkt_params.json``, so nothing is downloaded at run time.
Boundary decisions are taken only at candidate positions (a terminal mark
followed by white space), which keeps the cost near that of one regex scan,
and news rules are layered on top:

- a line break always ends a sentence (headlines, bullets, bylines and other
  page furniture are lines without a full stop);
- a quotation mark that closes after the full stop stays with its sentence;
- wire datelines ("MOSCOW, December 26. /TASS/.") are one segment;
- titles (Mr, Gen, Lt, St), month abbreviations and initials never end a
  sentence; other abbreviations (U.S., etc.) end one only before a frequent
  sentence starter.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# The look-behind lets a match start only at the first mark of a run, so a
# run of n marks is tried once (linear) instead of from each of its n marks
# with backtracking (quadratic: 40,000 dots took minutes). It follows the
# first mark instead of preceding it, so the pattern starts with a character
# set and the regex engine skips to the next mark in C (3x faster over news
# text; the same matches, tested).
_CANDIDATE = re.compile(r"([.!?…](?<![.!?…][.!?…])[.!?…]*)([\"”’'\)\]]*)(\s+)(?=\S)")
_LINE = re.compile(r"[^\n\r]+")
AGENCY_TAG = r"/[A-Z][A-Za-z\-]*/"
"""A wire agency's tag after a dateline ("/TASS/"), as a regular expression."""
_AGENCY_TAG = re.compile(AGENCY_TAG + r"\.?")
_WORD = re.compile(r"[\w.\-']+")
_OPENERS = "\"“‘'([«"
_NONSPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class SegmenterParams:
    """What the boundary decision needs: abbreviation kinds, collocations, starters."""

    titles: frozenset[str]
    months: frozenset[str]
    abbrevs: frozenset[str]
    collocations: frozenset[tuple[str, str]]
    sent_starters: frozenset[str]

    @property
    def collocation_firsts(self) -> frozenset[str]:
        """First words of the collocations (only these need the next word looked up)."""
        return _firsts(self.collocations)


@lru_cache(maxsize=8)
def _firsts(collocations: frozenset[tuple[str, str]]) -> frozenset[str]:
    return frozenset(a for a, _ in collocations)


def _data_path(name: str):
    return resources.files("framing").joinpath("data", name)


@lru_cache(maxsize=1)
def default_params() -> SegmenterParams:
    """Load the shipped Punkt parameters and the hand-written abbreviation list.

    Examples
    --------
    >>> "mr" in default_params().titles
    True
    """
    titles, months, other = set(), set(), set()
    with _data_path("abbreviations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            {"title": titles, "month": months}.get(row["kind"], other).add(row["abbrev"].lower())
    learned = json.loads(_data_path("punkt_params.json").read_text(encoding="utf-8"))
    # Punkt learns noise on a corpus of this size ("job", "zoo"); keep learned
    # types that look like abbreviations: an internal period or no vowel.
    plausible = {a for a in learned["abbrev_types"] if "." in a or not set(a) & set("aeiouy")}
    abbrevs = (plausible | other) - titles - months
    return SegmenterParams(
        titles=frozenset(titles),
        months=frozenset(months),
        abbrevs=frozenset(abbrevs),
        collocations=frozenset(tuple(c) for c in learned["collocations"]),
        sent_starters=frozenset(learned["sent_starters"]) | _COMMON_STARTERS,
    )


# Function words that start a sentence far more often than they follow an
# abbreviation inside one; Punkt's learned starters miss some on small corpora.
_COMMON_STARTERS = frozenset(
    "i the he she it we they but and in a an this that these those there his her "
    "its our their you if as on at for so yet".split()
)


def _is_boundary(line: str, m: re.Match, params: SegmenterParams) -> bool:
    marks = m.group(1)
    # The candidate ends where a non-space run begins; slicing the rest of
    # the line to split it would copy it once per candidate.
    nxt = _NONSPACE.match(line, m.end()).group()
    first = nxt.lstrip(_OPENERS)[:1]
    if not first:
        return True
    if first.islower():
        return False
    if marks != ".":
        return True
    if nxt[0] == "/" and _AGENCY_TAG.fullmatch(nxt):
        return False
    word = _previous_word(line, m.start()).lower().strip("'-")
    if not word:
        return True
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "J. Smith"
    if word in params.titles:
        return False
    if word in params.months:
        return not first.isdigit()
    if word not in params.collocation_firsts and word not in params.abbrevs and "." not in word:
        return True  # an ordinary word: the common case, decided without the next word
    nxt_word = _WORD.match(nxt.lstrip(_OPENERS))
    nxt_lower = nxt_word.group(0).lower() if nxt_word else ""
    if (word, nxt_lower) in params.collocations:
        return False
    if word in params.abbrevs or "." in word:
        return nxt_lower in params.sent_starters
    return True


def _previous_word(line: str, end: int) -> str:
    """The last word (``[\\w.\\-']+``) in the 40 characters before ``end``.

    Words never span white space, so the last one lies in the last
    white-space-separated chunk that holds a word; that chunk is usually the
    very last one, which spares scanning the whole window.
    """
    window = line[max(0, end - 40) : end]
    chunks = window.rsplit(None, 1)
    if chunks:
        found = _WORD.findall(chunks[-1])
        if found:
            return found[-1]
    found = _WORD.findall(window)
    return found[-1] if found else ""


def split_spans(text: str, params: SegmenterParams | None = None) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences in ``text``.

    Spans exclude surrounding white space; empty lines give no span.

    Parameters
    ----------
    text : str
        Article text; line breaks separate paragraphs or page lines.
    params : SegmenterParams, optional
        Defaults to :func:`default_params`.

    Examples
    --------
    >>> t = 'Mr Putin spoke. "It is on time," he said.'
    >>> [t[a:b] for a, b in split_spans(t)]
    ['Mr Putin spoke.', '"It is on time," he said.']
    """
    params = params or default_params()
    spans: list[tuple[int, int]] = []
    for line_m in _LINE.finditer(text):
        line = line_m.group(0)
        base = line_m.start()
        start = len(line) - len(line.lstrip())
        if start == len(line):
            continue
        for m in _CANDIDATE.finditer(line, start):
            if m.start() < start:
                continue
            if _is_boundary(line, m, params):
                spans.append((base + start, base + m.end(2)))
                start = m.end()
        end = len(line.rstrip())
        if start < end:
            spans.append((base + start, base + end))
    return spans


def paragraph_indices(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """The 0-based paragraph of each sentence span: a line break starts a new paragraph.

    A paragraph ends at any line break (``\\n``, ``\\r\\n`` or ``\\r``), not
    only at a blank line: news text scraped into CSV or JSON often separates
    paragraphs by a single ``"\\n"``, and the segmenter already ends a
    sentence at every line break (headlines, bylines and bullets are lines of
    their own). Blank lines add no empty paragraphs, so the indices run
    0, 1, 2, ... without gaps.

    Parameters
    ----------
    text : str
        The document's text.
    spans : sequence of (int, int)
        Its sentences' ``(start, end)`` offsets, in order (from :func:`split_spans`).

    Returns
    -------
    list of int
        One paragraph index per span.

    Examples
    --------
    >>> t = "Kyiv said so. Moscow denied it.\\nTalks resume.\\n\\nA HEADLINE"
    >>> paragraph_indices(t, split_spans(t))
    [0, 0, 1, 2]
    """
    out: list[int] = []
    para = 0
    prev_end = None
    for start, end in spans:
        # find() with bounds looks inside the gap without copying it.
        if prev_end is not None and (
            text.find("\n", prev_end, start) >= 0 or text.find("\r", prev_end, start) >= 0
        ):
            para += 1
        out.append(para)
        prev_end = end
    return out


def split(text: str, params: SegmenterParams | None = None) -> list[str]:
    """Return the sentences of ``text`` as strings.

    Examples
    --------
    >>> split("MOSCOW, December 26. /TASS/. Russia said the talks went well.")
    ['MOSCOW, December 26. /TASS/.', 'Russia said the talks went well.']
    """
    return [text[a:b] for a, b in split_spans(text, params)]


def train_params(texts: Iterable[str]) -> dict:
    """Learn Punkt parameters from raw text, as JSON-ready lists.

    Used at development time (``make punkt``) on the authored corpus; the
    result is shipped as ``framing/data/punkt_params.json``.

    Examples
    --------
    >>> sorted(train_params(["Mr. Smith went home. He slept."]))
    ['abbrev_types', 'collocations', 'sent_starters']
    """
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    p = trainer.get_params()
    return {
        "abbrev_types": sorted(p.abbrev_types),
        "collocations": sorted([list(c) for c in p.collocations]),
        "sent_starters": sorted(p.sent_starters),
    }


def _main() -> None:
    """Retrain ``punkt_params.json`` on the authored corpus (``make punkt``)."""
    from framing.training.corpus import load_authored_sentences

    authored = load_authored_sentences()
    texts = [" ".join(g["text"]) for _, g in authored.groupby("doc_id", sort=True)]
    params = train_params(texts)
    path = _data_path("punkt_params.json")
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(params, fh, indent=1)
        fh.write("\n")
    print(f"learned {len(params['abbrev_types'])} abbreviation types from {len(texts)} authored articles")


if __name__ == "__main__":
    _main()
