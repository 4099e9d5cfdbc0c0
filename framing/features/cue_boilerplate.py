"""Cue group ``boilerplate``: page furniture (no full stop, title case, bullets, promo terms, place on the page)."""

from __future__ import annotations

import re

import numpy as np

from framing.features.view import BatchView
from framing.lexicon.terms import Lexicon, lookup
from framing.text.sentences import AGENCY_TAG

_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\b(?:19|20)\d{2}\b")
# A wire dateline standing alone (LABELING: furniture; D10 keeps one glued to
# prose as content): a place in capitals, a day and month, an optional year,
# an optional agency tag, and nothing after it. "MOSCOW, December 26. /TASS/.",
# "MINSK, 2 July /BelVesti/", "NANJING, April 2 (HPA)", "KYIV, July 13."
_DATELINE = re.compile(
    r"[A-Z][A-Z.'\- ]+(?:,\s*[A-Z][A-Za-z.'\- ]+)?,\s*"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,?\s+(?:19|20)\d{2})?\.?"
    rf"\s*(?:{AGENCY_TAG}\.?|\([A-Z][A-Za-z.\- ]*\))?\s*[\-–—:]?\s*"
)
# An agency tag or picture credit alone: "/TASS/.", "(Reuters) -", "(AP Photo)",
# "(IPN Wroclaw via AP)". In brackets it is one word, or a credit ("via",
# "photo", "picture"): "(The Kremlin denies this)" is prose.
_AGENCY_ALONE = re.compile(
    rf"(?:{AGENCY_TAG}"
    r"|\([A-Z][A-Za-z.\-]*\)"
    r"|\((?=[^)]*\b(?:via|[Pp]hoto|[Pp]icture)\b)[A-Z][A-Za-z.\-/ ]{0,60}\))"
    r"\.?\s*[\-–—]?\s*"
)

# The header of a page's reader-comment section (D17: reader comments are
# furniture): "Comments (48)", "12 comments", "Show all comments", "Leave a
# Reply", "Join the discussion". Not a bare "Comment", which opinion pages
# use as a section kicker above the article.
_COMMENTS_HEADER = re.compile(
    r"(?:\d+\s+)?(?:reader\s+)?comments(?:\s*\(\d+\))?:?"
    r"|comment\s*\(\d+\)"
    r"|(?:show|view|load|read|see)\s+(?:all\s+)?(?:\d+\s+)?comments"
    r"|(?:leave|post|add|write)\s+a\s+(?:comment|reply)"
    r"|join\s+the\s+(?:discussion|conversation)"
)


# Lines that can sit where a headline does but are furniture (D10, D16): a
# byline or credit ("By Anna Smith", "BY YURAS KARMANAU", "Analysis by ...",
# "Photo: Reuters"), a timestamp ("Published 2 hours ago"), a breadcrumb or
# credit with separators ("Home > News > World", "Photo by X / AFP").
_NOT_HEADLINE = re.compile(
    r"(?:(?:written|reported|posted|compiled|analysis|opinion|commentary|story|text|words|photos?|pictures?"
    r"|images?|video|interview)\s+)?by\s"
    r"|(?:photos?|pictures?|images?|video|source|credit)s?\s*:"
    r"|(?:first\s+|last\s+)?(?:published|updated|posted|modified)\b"
    r"|.*(?:\s[>»/·]\s|\s[>»]|[>»]\s)",
    re.IGNORECASE,
)
# A lead-in to a quote ends in a colon and has a verb of saying; a bare label
# ("Published:", "Reported by:") or a line addressed to the reader ("Tell us
# what you think:") is furniture.
_NOT_LEAD_IN = re.compile(
    r"(?:(?:first|last)\s+)?(?:published|updated|posted|filed|reported|written|compiled)\b[^:]{0,20}:\s*$"
    r"|.*\bby:\s*$"
    r"|.*\b(?:you|your|us|our|readers)\b",
    re.IGNORECASE,
)


def columns(lexicon: Lexicon) -> list[str]:
    """The group's columns (the same for every lexicon).

    Examples
    --------
    >>> columns(None)[0]
    'bp__no_terminal'
    """
    return [
        "bp__no_terminal",
        "bp__short",
        "bp__title_case",
        "bp__bullet",
        "bp__promo_terms",
        "bp__pipe",
        "bp__time",
        "bp__url",
        "bp__colon_end",
        "bp__question_end",
        "bp__prev_no_terminal",
        "bp__next_no_terminal",
        "bp__prev_promo",
        "bp__next_promo",
        "bp__from_end",
        "bp__words",
        "bp__promo_at_start",
        "bp__list_question",
        "bp__under_promo_header",
        "bp__dateline",
        "bp__comments",
        "bp__headline",
        "bp__no_words",
        "bp__lead_in",
    ]


NOT_FORMS = (
    "bp__short",
    "bp__title_case",
    "bp__question_end",
    "bp__prev_no_terminal",
    "bp__next_no_terminal",
    "bp__from_end",
    "bp__words",
    "bp__headline",
    "bp__lead_in",
)
"""Columns that describe many content sentences too: length, the share of
capitals, a question mark, the neighbours' endings, the place on the page."""


def furniture_forms() -> tuple[str, ...]:
    """The group's columns that describe the *form* of a furniture line (all but :data:`NOT_FORMS`).

    Examples
    --------
    >>> "bp__promo_terms" in furniture_forms(), "bp__short" in furniture_forms()
    (True, False)
    """
    return tuple(c for c in columns(None) if c not in NOT_FORMS)


def compute(view: BatchView) -> dict[str, np.ndarray]:
    """The group's columns for a batch.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["Read more", "Putin spoke."], np.array([2]), [(0, 2)], load_lexicons())
    >>> compute(v)["bp__promo_at_start"].tolist()
    [True, False]
    """
    folded = view.folded
    cues: dict[str, np.ndarray] = {
        "bp__no_terminal": view.no_terminal,
        "bp__short": view.n_words <= 4,
        "bp__title_case": title_share(view),
        "bp__bullet": view.bullet,
        "bp__promo_terms": view.promo_terms,
        "bp__pipe": np.array(["|" in t for t in view.sentences]),
    }
    time_ = np.zeros(view.n, dtype=bool)
    for i in np.flatnonzero(view.has_digit).tolist():
        time_[i] = _TIME.search(folded[i]) is not None
    cues["bp__time"] = time_
    cues["bp__url"] = np.array(
        ["@" in f or "www." in f or ".com" in f or ("http" in f and ("http:" in f or "https:" in f)) for f in folded]
    )
    cues["bp__colon_end"] = view.colon_end
    cues["bp__question_end"] = view.question_end & (view.quoted_share < 0.5)
    cues["bp__words"] = np.log1p(view.n_words)
    cues["bp__dateline"] = datelines(view)
    cues["bp__comments"] = comment_section(view)
    cues["bp__headline"] = headline_place(view)
    # "...", "___.", "* * *": a line with no letter or digit in any script is a
    # separator, not prose. (The model's tokens are ASCII: a Cyrillic quote has
    # none, so they cannot decide this.)
    no_words = view.words == 0
    for i in np.flatnonzero(no_words).tolist():
        no_words[i] = not any(ch.isalnum() for ch in view.stripped[i])
    cues["bp__no_words"] = no_words
    cues["bp__lead_in"] = lead_ins(view)
    cues["bp__prev_no_terminal"] = view.prev(view.no_terminal)
    cues["bp__next_no_terminal"] = view.next(view.no_terminal)
    cues["bp__prev_promo"] = view.prev(view.promo)
    cues["bp__next_promo"] = view.next(view.promo)
    cues["bp__promo_at_start"] = view.promo_at_start
    cues["bp__list_question"] = view.bullet & view.question_end
    # List items under a header that is itself furniture (a promo line or a
    # box title without a full stop) are links, not news points.
    header = view.promo | (view.no_terminal & ~view.colon_end)
    last_header = view.last_where(~view.bullet)
    cues["bp__under_promo_header"] = view.bullet & (last_header >= 0) & header[np.maximum(last_header, 0)]
    # A lone sentence (explain(), classify("one sentence")) has no place on a
    # page: "near the end" would make any text look like trailing furniture.
    alone = view.size == 1
    cues["bp__from_end"] = np.where(alone, 1.0, np.minimum(view.size - 1 - view.local, 10) / 10.0)
    return cues


def datelines(view: BatchView) -> np.ndarray:
    """Sentences that are a wire dateline or an agency tag standing alone.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> s = ["MOSCOW, December 26. /TASS/.", "KYIV, July 13.", "MOSCOW, Dec 26 (Reuters) - Talks failed.",
    ...      "(Reuters) -", "(AP Photo)", "(The Kremlin denies this)"]
    >>> v = BatchView.build(s, np.array([6]), [(0, 6)], load_lexicons())
    >>> datelines(v).tolist()
    [True, True, False, True, True, False]
    """
    out = np.zeros(view.n, dtype=bool)
    # Datelines are short and start with a capital or an agency tag; the
    # regexes run on those only.
    for i in np.flatnonzero(view.n_words <= 8).tolist():
        text = view.stripped[i]
        if text[:1] in "/(":
            out[i] = _AGENCY_ALONE.fullmatch(text) is not None
        elif text[:2].isupper():
            out[i] = _DATELINE.fullmatch(text) is not None
    return out


def headline_place(view: BatchView) -> np.ndarray:
    """Sentences standing where a headline or standfirst stands: the first two lines below any navigation, four words or more, not a byline, credit or timestamp.

    The rules keep such a line as content when it has no form of furniture
    besides a missing full stop (LABELING: headlines and standfirsts are
    content; GUIDELINES D9). Place keeps a sentence, never drops one.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> s = ["Ukraine summons Vatican envoy", "BY YURAS KARMANAU AND JIM HEINTZ", "Kyiv said talks failed.", "Most read",
    ...      "Home > News > World > Europe", "Published 2 hours ago", "Skip to main content", "Kyiv summons Vatican envoy"]
    >>> v = BatchView.build(s, np.array([2, 2, 2, 2]), [(0, 2), (2, 4), (4, 6), (6, 8)], load_lexicons())
    >>> headline_place(v).tolist()
    [True, False, True, False, False, False, False, True]
    """
    # Lines are counted from the first one that is not plainly furniture (one
    # that starts with a promo phrase, or has no word at all), so navigation
    # above a headline does not push it out of place.
    n = view.n
    rows = np.arange(n)
    if n == 0:
        return np.zeros(0, dtype=bool)
    top = view.promo_at_start | (view.words == 0)
    opens = view.local == 0
    first = np.minimum.reduceat(np.where(top, n, rows), np.flatnonzero(opens))
    rel = rows - first[np.cumsum(opens) - 1]
    out = (rel >= 0) & (rel <= 1) & (view.n_words >= 4)
    for i in np.flatnonzero(out).tolist():
        out[i] = _NOT_HEADLINE.match(view.stripped[i]) is None
    return out


def lead_ins(view: BatchView) -> np.ndarray:
    """Lines that introduce a quote: a colon at the end and a verb of saying, not a label or a reader prompt.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> s = ["Asia Times wrote:", "In a speech last July, he said:", "Published:", "Tell us what you think:",
    ...      "Zelensky says Russia will pay for..."]
    >>> v = BatchView.build(s, np.array([5]), [(0, 5)], load_lexicons())
    >>> lead_ins(v).tolist()
    [True, True, False, False, False]
    """
    out = (view.speech > 0) & np.array([t.endswith(":") for t in view.stripped])
    for i in np.flatnonzero(out).tolist():
        out[i] = _NOT_LEAD_IN.match(view.stripped[i]) is None
    return out


def comment_section(view: BatchView) -> np.ndarray:
    """Sentences in a reader-comment section: its header and everything after it in the document.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> s = ["Comment", "Talks failed.", "Comments (2)", "ivan 2 hours ago", "All lies!", "Next story."]
    >>> v = BatchView.build(s, np.array([5, 1]), [(0, 5), (5, 6)], load_lexicons())
    >>> comment_section(v).tolist()
    [False, False, True, True, True, False]
    """
    header = np.zeros(view.n, dtype=bool)
    for i in np.flatnonzero(view.n_words <= 6).tolist():
        text = view.folded[i].strip()
        if "comment" in text or "reply" in text or "discussion" in text or "conversation" in text:
            header[i] = _COMMENTS_HEADER.fullmatch(text) is not None
    return view.last_where(header) >= 0


def title_share(view: BatchView) -> np.ndarray:
    """Share of a sentence's whitespace-separated words that start with a capital.

    Examples
    --------
    >>> from framing.lexicon.terms import load_lexicons
    >>> v = BatchView.build(["Most Read Stories today"], np.array([1]), [(0, 1)], load_lexicons())
    >>> title_share(v).tolist()
    [0.75]
    """
    codes = view.raw_codes
    space = lookup("space", codes)
    word_start = ~space & np.concatenate([[True], space[:-1]])
    starts = np.flatnonzero(word_start)
    words = view.count(view.rows_of(starts, view.raw_offsets))
    upper = view.count(view.rows_of(starts[lookup("upper", codes[starts])], view.raw_offsets))
    return upper / np.maximum(1, words)
