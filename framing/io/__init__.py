"""Input: what the caller passes in, and the files a batch job reads.

- :mod:`framing.io.documents`: validate ``classify`` input into documents;
- :mod:`framing.io.columns`: which input column is the text, id, source, date;
- :mod:`framing.io.readers`: stream documents from folders, CSV, JSONL, Parquet.
"""
