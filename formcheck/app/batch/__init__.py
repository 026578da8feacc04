"""``formcheck batch``: a folder of sessions on a local process pool, or on a Ray cluster.

inputs/manifest (what to analyse) → task (one video, in a worker) → done (skip finished work)
→ rows/index (batch.csv, batch.json, index.html), recording (each analysed video in the session history);
runner wires them on :mod:`formcheck.io.pool`.
"""

from formcheck.app.batch.runner import BatchOptions, BatchResult, run_batch

__all__ = ["BatchOptions", "BatchResult", "run_batch"]
