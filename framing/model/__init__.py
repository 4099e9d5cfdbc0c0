"""Features to labels, and model files.

- :mod:`framing.model.classifier`: :class:`~framing.model.classifier.FramingClassifier`;
- :mod:`framing.model.boilerplate`: documented boilerplate rules;
- :mod:`framing.model.neighbours`: the stacked neighbouring-sentence block;
- :mod:`framing.model.evidence`: feature contributions in words;
- :mod:`framing.model.persist`: safe save and load, the bundled model's record.
"""
