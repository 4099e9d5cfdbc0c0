"""Text to sentences.

- :mod:`framing.text.sentences`: the news sentence splitter and paragraphs;
- :mod:`framing.text.quotes`: which characters of each sentence are quoted.
"""
