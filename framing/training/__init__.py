"""Labeled data, training and evaluation.

- :mod:`framing.training.corpus`: read the gold labels in ``labels/`` or a user's own;
- :mod:`framing.training.train`: fit, save, rebuild the bundled model (``python -m framing.training.train``);
- :mod:`framing.training.evaluate`: held-out evaluation, baselines, ablations;
- :mod:`framing.training.user_evaluation`: a user's labels, per outlet.
"""
