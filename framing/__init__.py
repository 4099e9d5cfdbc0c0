"""framing: sentence-level framing analysis of conflict news.

Text -> sentences (:mod:`framing.text.sentences`) -> features
(:mod:`framing.features.encoder`) -> labels (:mod:`framing.model.classifier`) -> aggregates
(:mod:`framing.aggregate.core`).

Examples
--------
>>> import framing
>>> framing.classify("Putin said the special military operation is on time.").label.tolist()  # doctest: +SKIP
['propaganda_echo']
"""

__version__ = "0.1.0"

from framing.model.persist import load_model  # noqa: E402
from framing.pipeline import classify, explain  # noqa: E402
from framing.training.train import train  # noqa: E402

__all__ = ["__version__", "classify", "explain", "load_model", "train"]
