"""What a fit needs before it starts: known labels and groups, valid settings, enough of each label."""

from __future__ import annotations

from typing import Any

import numpy as np

from framing.features.semantic import ENCODERS
from framing.features.union import GROUPS
from framing.schema import CONTENT_LABELS, LABELS


def check_training_input(model: Any, y: np.ndarray) -> None:
    """Raise ``ValueError`` naming the first problem with a classifier's settings or its labels.

    Parameters
    ----------
    model : FramingClassifier
        Read for ``groups``, ``semantic``, ``semantic_weight`` and ``cv``.
    y : ndarray of str
        The training labels.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> m = SimpleNamespace(groups=("ngrams",), semantic="static", semantic_weight=0.4, cv=2)
    >>> check_training_input(m, np.array(["reporting", "official_claim", "editorialising", "propaganda_echo"] * 2))
    >>> check_training_input(m, np.array(["opinion"]))
    Traceback (most recent call last):
    ...
    ValueError: unknown labels ['opinion']; expected ['boilerplate', 'reporting', 'official_claim', 'editorialising', 'propaganda_echo']
    """
    unknown = sorted(set(y.tolist()) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected {list(LABELS)}")
    missing = [g for g in model.groups if g not in GROUPS]
    if missing:
        raise ValueError(f"unknown feature groups {missing}; expected a subset of {GROUPS}")
    if model.semantic not in ENCODERS:
        raise ValueError(f"semantic must be one of {ENCODERS}, got {model.semantic!r}")
    if not 0.0 <= model.semantic_weight <= 1.0:
        raise ValueError(f"semantic_weight must be between 0 and 1, got {model.semantic_weight}")
    # The calibrated content model needs every content label in each of its cv folds.
    counts = {label: int(np.sum(y == label)) for label in CONTENT_LABELS}
    short = {label: n for label, n in counts.items() if n < model.cv}
    if short:
        raise ValueError(
            f"too few sentences of {', '.join(f'{k!r} ({v})' for k, v in short.items())}: "
            f"each content label needs at least cv={model.cv}; label more, or merge your labels with the bundled corpus"
        )
