"""Quote and attribution state carried across the sentences of one document.

News prose spreads one speaker's words over several sentences: a quotation
opened in one sentence continues in the next with no speech verb, and a new
paragraph that goes on quoting re-opens with a quote mark the previous
paragraph never closed. A lead-in ("Below are the key statements:") hands
its attribution to the items under it. This module walks a document's
sentences in order and records, for each sentence, the character spans that
lie inside quotation marks and the state flags that the features use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DOUBLE_OPEN = "“«„"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"


@dataclass
class QuoteState:
    """Per-sentence quote facts; spans are offsets into the sentence text."""

    starts_open: bool = False
    ends_open: bool = False
    reopens: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)

    def inside(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside a quotation span."""
        return any(a <= start and end <= b for a, b in self.spans)

    def quoted_chars(self) -> int:
        """Characters inside quotation marks, nested quotes counted once."""
        total, reach = 0, 0
        for a, b in self.spans:
            a = max(a, reach)
            if b > a:
                total += b - a
                reach = b
        return total


_QUOTE_CHARS = re.compile("[\"“”«»„‘’']")


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def quote_states(sentences: list[str]) -> list[QuoteState]:
    """Track double and single quotation marks through a document.

    Double quotes carry across sentences (multi-sentence and multi-paragraph
    quotations); single quotes are closed at each sentence end because in
    news copy they mark headline quotes and scare quotes, not long speech.
    Only quote characters are visited, so the cost is one regex scan per
    sentence.

    Parameters
    ----------
    sentences : list of str
        The document's sentences in reading order.

    Returns
    -------
    list of QuoteState

    Examples
    --------
    >>> s = quote_states(['He said: "Go home.', 'Tell your officers.', '"We will win."'])
    >>> [(q.starts_open, q.ends_open) for q in s]
    [(False, True), (True, True), (True, False)]
    """
    states = []
    open_double = False
    search = _QUOTE_CHARS.search
    for text in sentences:
        if search(text) is None:
            # No quote mark: the state passes through unchanged.
            n = len(text)
            states.append(QuoteState(open_double, open_double, False, [(0, n)] if open_double else []))
            continue
        st = QuoteState(starts_open=open_double)
        start_double = 0 if open_double else None
        start_single = None
        first = len(text) - len(text.lstrip())
        n = len(text)
        for m in _QUOTE_CHARS.finditer(text):
            i = m.start()
            ch = text[i]
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < n else " "
            if ch == '"' or ch in _DOUBLE_OPEN:
                if open_double and i == first and start_double == 0:
                    # A paragraph that goes on quoting re-opens the quote.
                    st.reopens = True
                elif ch == '"' and open_double and not (prev.isspace() and _is_word(nxt)):
                    st.spans.append((start_double, i + 1))
                    open_double, start_double = False, None
                elif not open_double:
                    open_double, start_double = True, i
            elif ch in _DOUBLE_CLOSE:
                if open_double:
                    st.spans.append((start_double, i + 1))
                    open_double, start_double = False, None
            elif ch in _SINGLE_OPEN or (ch == "'" and not _is_word(prev) and _is_word(nxt)):
                if start_single is None:
                    start_single = i
            elif start_single is not None and not _is_word(nxt):
                if not (_is_word(prev) and ch == _SINGLE_CLOSE and nxt == "s"):
                    st.spans.append((start_single, i + 1))
                    start_single = None
        if open_double:
            st.spans.append((start_double, n))
        st.ends_open = open_double
        st.spans.sort()
        states.append(st)
    return states
