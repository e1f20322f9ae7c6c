"""One thread for numpy's BLAS, set before numpy loads: the benchmarks time the CPU time of
their own thread (``time.thread_time``), which misses whatever BLAS's worker threads compute,
and PyTorch, the other reference, runs on one thread too. Import it first, before anything
that imports numpy (BLAS reads its thread count once, when numpy loads)."""

from __future__ import annotations

import os
import sys

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

if "numpy" in sys.modules:
    raise RuntimeError("bench/one_thread.py is imported after numpy: BLAS has already chosen its thread count")
for _var in VARIABLES:
    os.environ.setdefault(_var, "1")


def describe() -> str:
    """The thread counts the BLAS libraries numpy loaded actually use (threadpoolctl, which
    scikit-learn brings), or the variables set when threadpoolctl is missing."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ", ".join(f"{v}={os.environ[v]}" for v in VARIABLES)
    import numpy  # noqa: F401  (loads BLAS, so that threadpool_info finds it)

    pools = [f"{p['internal_api']} {p['num_threads']} thread{'s' * (p['num_threads'] != 1)}" for p in threadpool_info()]
    return ", ".join(pools) or "no BLAS thread pool found"
