"""framing: sentence-level framing analysis of conflict news.

Text -> sentences (:mod:`framing.sentences`) -> features
(:mod:`framing.features`) -> labels (:mod:`framing.model`) -> aggregates
(:mod:`framing.aggregate`).

Examples
--------
>>> import framing
>>> framing.classify("Putin said the special military operation is on time.").label.tolist()  # doctest: +SKIP
['propaganda_echo']
"""

__version__ = "0.1.0"

from framing.persist import load_model  # noqa: E402
from framing.pipeline import classify, explain  # noqa: E402
from framing.train import train  # noqa: E402

__all__ = ["__version__", "classify", "explain", "load_model", "train"]
