"""The word lists and the narrative detectors (data in ``framing/lexicons`` and ``framing/data``).

- :mod:`framing.lexicon.terms`: load the lexicon CSVs, fold text, match terms;
- :mod:`framing.lexicon.narratives`: anchored narrative patterns.
"""
