"""Sentences to feature columns.

- :mod:`framing.features.encoder`: ``encode`` and the cue-group registry ``CUE_GROUPS``;
- :mod:`framing.features.view`: the read-only batch view every cue group reads;
- :mod:`framing.features.cue_lexicon`, :mod:`~framing.features.cue_attribution`,
  :mod:`~framing.features.cue_style`, :mod:`~framing.features.cue_context`,
  :mod:`~framing.features.cue_boilerplate`: one module per cue group;
- :mod:`framing.features.union`: the ``ColumnTransformer`` of n-grams and cue groups;
- :mod:`framing.features.scaler`: :class:`~framing.features.scaler.CueScaler`;
- :mod:`framing.features.ngrams`: word 1-2-gram tf-idf;
- :mod:`framing.features.semantic`: sentence vectors (static table or MiniLM);
- :mod:`framing.features.gc_pause`: the garbage-collector pause around encoding.
"""
