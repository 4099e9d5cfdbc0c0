"""Sentences to feature columns.

- :mod:`framing.features.encoder`: one pass over a batch into cue columns and tokens;
- :mod:`framing.features.union`: the ``ColumnTransformer`` of n-grams and cue groups;
- :mod:`framing.features.scaler`: :class:`~framing.features.scaler.CueScaler`;
- :mod:`framing.features.ngrams`: word 1-2-gram tf-idf;
- :mod:`framing.features.semantic`: sentence vectors (static table or MiniLM);
- :mod:`framing.features.gc_pause`: the garbage-collector pause around encoding.
"""
