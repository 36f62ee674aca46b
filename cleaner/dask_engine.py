"""The per-document stage of a run on a Dask cluster (``--engine dask``).

The local engine (:mod:`cleaner.pipeline`) cleans pieces of up to
``CHUNK_DOCS`` documents in forked processes. This engine sends the same
pieces to Dask workers instead: the corpus counts (``RuleContext``) are
scattered once to every worker, each piece's documents are scattered as
data, ``client.map`` cleans them with the very function the local pool
runs, and the results are gathered back in file order. Reading, the corpus
line counts, near-duplicate detection and writing stay on the client, so
the outputs and the change log are the same as the local engine's (a test
compares them).

``scheduler``: the address of a running Dask scheduler
(``tcp://host:8786``); None starts a local cluster of ``workers`` processes
for the run. Needs the ``dask`` extra: ``pip install 'cleaner[dask]'``.
"""
from __future__ import annotations

from typing import Iterator

from .rules import RuleContext

MISSING = ("--engine dask needs Dask: pip install 'cleaner[dask]' "
           "(or pip install 'dask[distributed]')")
_IN_FLIGHT = 64  # pieces submitted ahead of the one being gathered (bounds memory in flight)
_BATCH = 16  # pieces scattered and submitted at a time


def available() -> bool:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return False
    return True


def unreachable(scheduler: str, timeout: float = 5.0) -> str | None:
    """Why the scheduler at ``scheduler`` cannot be used, or None (asked before
    a long run reads its files, so a typo fails at once with one line)."""
    from dask.distributed import Client

    try:
        Client(scheduler, timeout=timeout).close()
    except (OSError, TimeoutError, ValueError) as exc:
        return f"cannot reach the Dask scheduler at {scheduler}: {exc}"
    return None


def _clean_piece(units, ctx: RuleContext):
    from .pipeline import _clean_unit_list

    return _clean_unit_list(units, ctx)


def clean_pieces(pieces: Iterator[list], ctx: RuleContext, scheduler: str | None,
                 workers: int) -> Iterator[list | str]:
    """Yield each piece's results (or error message), in order, cleaned on the cluster.

    ``pieces`` (lists of units) are taken as they come, a bounded number in flight."""
    import logging
    import os
    from collections import deque
    from itertools import islice

    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)  # the run's own output stays readable
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        n = (os.cpu_count() or 1) if workers <= 0 else workers
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        [ctx_future] = client.scatter([ctx], broadcast=True)
        futures: deque = deque()
        pieces = iter(pieces)
        more = True
        while True:
            while more and len(futures) < _IN_FLIGHT:  # the next batch: its documents scattered as data
                batch = list(islice(pieces, _BATCH))
                more = len(batch) == _BATCH
                if batch:  # hash=False: random keys, not a content hash of every document (costly, unneeded)
                    data = client.scatter(batch, hash=False)
                    futures.extend(client.map(_clean_piece, data, ctx=ctx_future, pure=False))
            if not futures:
                return
            yield futures.popleft().result()  # released on the cluster once dropped here
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
