"""Per-source aggregates of labeled sentences (boilerplate excluded everywhere).

Aggregation runs in two steps so that it streams over corpora of any size:

1. :func:`summarise` turns a block of labeled sentences into small
   per-article counts (content sentences, words, sentences per label, lexicon
   hits per category) and per-(source, month, label, term) sentence counts.
   Workers run it on each shard; ``framing aggregate`` runs it on the
   finished ``sentences.parquet``.
2. :class:`Accumulator` folds those summaries, in article order, into
   per-source and per-source-and-month totals and bootstrap replicates, and
   :meth:`Accumulator.result` turns them into :class:`Aggregates`.

Definitions (also written into ``aggregates.json``):

- *articles*: scored documents of the group; *sentences*: their content
  (non-boilerplate) sentences; *words*: the model's word tokens in those
  sentences (letters and digits, joined by an inner ``'`` or ``-``;
  :func:`framing.features.encoder.count_words`).
- *share of a label*: sentences with that label / content sentences, pooled
  over the group's articles.
- *95% interval*: percentile interval of a cluster bootstrap over articles.
  Each article gets an independent Poisson(1) weight per replicate (the
  Poisson bootstrap, which approximates resampling articles with
  replacement and can be computed in one streaming pass). Weights are drawn
  from a generator seeded by ``(seed, article_number // 1024)``, so the
  result depends on the seed and the article order only, not on how the
  corpus was sharded. Undefined (empty) for a group with fewer than two
  articles.
- *pairwise differences*: share of source A minus share of source B per
  label; replicate differences pair A's and B's independent replicates.
  *significant* when the 95% interval excludes 0. ``p_value`` is the
  two-sided normal p-value of the difference over its bootstrap standard
  error, and ``significant_holm`` applies Holm's correction to it over all
  pairs and labels (the stricter call when many sources are compared).
- *loaded-term rate*: lexicon matches per 1,000 words, by category, in
  content sentences; the attribution categories ``speech_verbs`` and
  ``source_nouns`` and the ``boilerplate`` category are not loaded terms and
  are left out.
- *drivers of a label*: lexicon terms (any category but ``boilerplate``) in
  the group's sentences of that label, ranked by ``count * log2(lift)``
  where ``count`` is the number of that label's sentences containing the
  term and ``lift`` is the term's rate in that label's sentences over its
  rate in all content sentences of the group; terms with lift below 1 are
  dropped, ties go to the larger count, then alphabetical order. Top 5.

Modules: :mod:`~framing.aggregate.summaries` (step 1),
:mod:`~framing.aggregate.accumulator` (step 2), with
:mod:`~framing.aggregate.bootstrap`, :mod:`~framing.aggregate.terms` and
:mod:`~framing.aggregate.comparisons`; CSV escaping is in
:mod:`framing.io.csv_safety`.
"""
