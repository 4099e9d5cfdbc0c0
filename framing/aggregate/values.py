"""Rounding and JSON-ready values shared by the aggregate tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def rounded(x: float, digits: int = 4) -> float:
    """``x`` rounded to ``digits``; NaN for a value that is not finite.

    Examples
    --------
    >>> rounded(0.123456), rounded(float("inf"))
    (0.1235, nan)
    """
    x = float(x)
    return round(x, digits) if math.isfinite(x) else math.nan


def json_safe(value):
    """A value with numpy scalars as Python ones and non-finite floats as None, recursively.

    Examples
    --------
    >>> json_safe({"a": [np.int64(1), float("nan")]})
    {'a': [1, None]}
    """
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return json_safe(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as JSON-ready dicts (see :func:`json_safe`).

    Examples
    --------
    >>> records(pd.DataFrame({"a": [1.5]}))
    [{'a': 1.5}]
    """
    return [json_safe(r) for r in frame.to_dict("records")]
