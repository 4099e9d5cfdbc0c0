"""Boilerplate rules layered on top of the learned detector.

The detector (a logistic regression over n-grams and page-furniture cues)
decides most lines. A few patterns are certain enough to override it, and
each follows a decision in LABELING.md or labels/GUIDELINES.md:

- a line that *starts* with a promo phrase from the boilerplate lexicon
  ("Read more: ...", "Sign up to ...", "Most read in News") is furniture;
- a wire dateline or agency tag standing alone ("MOSCOW, December 26.
  /TASS/.", "(AP Photo)") is furniture (LABELING; GUIDELINES D10, D16);
- a reader-comment section (its header, "Comments (48)", "Leave a Reply",
  and every sentence after it in the document) is furniture (D17);
- a line with no word at all ("...", "___.", "* * *") is a separator;
- a bulleted item that is a question is an explainer-box link (D8);
- bulleted items under a furniture header (a promo line or a box title
  without a full stop) are links to other stories (D8);
- a sentence that continues an open quotation and ends like a sentence is
  speech, never furniture (D4), however short ("Sit.");
- a sentence with none of the *forms* of furniture (:data:`FURNITURE_FORMS`:
  no full stop, a bullet, a promo term, a pipe, a time stamp, a URL or
  handle, a trailing colon, a promo neighbour) is content whatever the
  detector says: shortness, capitals, n-grams and the place on the page are
  not enough to drop a sentence ("The tyrant lied again.", "Hannity pressed.");
- one of a document's first two lines below any navigation, four words or
  more and not a byline, whose only form of furniture is a missing full stop
  (a promo line above it does not count), is a headline or
  standfirst: content (LABELING; D9). "Ukraine summons Vatican envoy" keeps
  its label; "Most read", "By Anna Smith" and "Sign up to ..." do not;
- a lead-in to a quote (a line that ends in a colon and has a verb of saying;
  not a bare "Published:" or "Reported by:", nor addressed to the reader) with
  no other form of furniture is content ("Asia Times wrote:", "The New York
  Times confirmed that observation, reporting:").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.features.cue_boilerplate import furniture_forms

FURNITURE_FORMS = furniture_forms()
"""Boilerplate cues that describe the form of a furniture line (see
:func:`framing.features.cue_boilerplate.furniture_forms`)."""


def rule_overrides(cues: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows the rules force to boilerplate, and rows they force to content.

    Parameters
    ----------
    cues : DataFrame
        Cue columns from :func:`framing.features.encoder.encode`.

    Returns
    -------
    (force_boilerplate, force_content) : two boolean arrays

    Examples
    --------
    >>> from framing.features.encoder import encode
    >>> from framing.lexicon.terms import load_lexicons
    >>> enc = encode([["He said: \\"Go home.", "Sit.", "Read more: Other story", "Most read in News"]],
    ...              load_lexicons())
    >>> [a.tolist() for a in rule_overrides(enc.cues)]
    [[False, False, True, True], [True, True, False, False]]
    """
    forms = cues[list(FURNITURE_FORMS)] > 0
    no_form = ~forms.any(axis=1)
    # Navigation above a headline is not a reason to drop it: the line above
    # may be a promo ("Skip to main content"), the headline's own form may not.
    headline = (cues["bp__headline"] > 0) & ~forms.drop(columns=["bp__no_terminal", "bp__prev_promo"]).any(axis=1)
    # "The New York Times confirmed that observation, reporting:" introduces a
    # quote; furniture that ends in a colon ("Read more:", "by Eric Zuesse, The
    # Duran:", "Published:", "Tell us what you think:") is not a lead-in
    # (framing.features.cue_boilerplate.lead_ins).
    lead_in = (cues["bp__lead_in"] > 0) & ~forms.drop(columns=["bp__no_terminal", "bp__colon_end"]).any(axis=1)
    no_words = cues["bp__no_words"] > 0
    force_content = (
        ((cues["ctx__starts_in_quote"] > 0) & (cues["bp__no_terminal"] == 0)) | no_form | headline | lead_in
    ) & ~no_words
    force_bp = (
        (cues["bp__promo_at_start"] > 0)
        | (cues["bp__list_question"] > 0)
        | (cues["bp__under_promo_header"] > 0)
        | (cues["bp__dateline"] > 0)
        | (cues["bp__comments"] > 0)
        | no_words
    )
    force_bp &= ~force_content
    return force_bp.to_numpy(), force_content.to_numpy()


def without_position_alone(p_bp: np.ndarray, X_pos, coef_pos: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Furniture needs a cue besides its place on the page.

    For rows the gate calls boilerplate, the gate is asked again with the
    position features (first, last, distance from the end, relative
    position) set to where a typical content sentence sits (``neutral``); a
    row that is furniture only because of where it stands stays content. The
    gate is linear, so this is a shift of its logit.

    Parameters
    ----------
    p_bp : ndarray of shape (n,)
        The gate's boilerplate probabilities.
    X_pos : sparse matrix of shape (n, k)
        The rows' position features.
    coef_pos : ndarray of shape (k,)
        The gate's weights of those features.
    neutral : ndarray of shape (k,)
        A typical content sentence's position features.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> without_position_alone(np.array([0.9, 0.2]), sp.csr_matrix([[1.0], [1.0]]),
    ...                        np.array([3.0]), np.array([0.0])).round(3).tolist()
    [0.309, 0.2]
    """
    hi = np.flatnonzero(p_bp >= 0.5)
    if not len(hi):
        return p_bp
    x = X_pos[hi].toarray()
    logit = np.log(p_bp[hi]) - np.log1p(-np.minimum(p_bp[hi], 1 - 1e-12))
    free = 1.0 / (1.0 + np.exp(-(logit + (neutral - x) @ coef_pos)))
    out = p_bp.copy()
    out[hi] = np.minimum(p_bp[hi], free)
    return out
