"""The ``framing score`` and ``framing aggregate`` batch jobs.

- :mod:`framing.batch.runner`: configuration, shards, resume, merge, outputs;
- :mod:`framing.batch.engines`: where shards are scored (in process, processes, Dask).
"""
