"""The old import path of :func:`framing.text.sentences.split_spans`.

Kept only for the corpus-building scripts in ``labels/real/`` (data tooling
outside the package that this layout change does not edit); new code imports
:mod:`framing.text.sentences`.
"""

from framing.text.sentences import split_spans

__all__ = ["split_spans"]
