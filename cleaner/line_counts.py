"""Corpus line counts: in how many articles each normalised line occurs.

A site's template (menus, footers, "related" boxes) repeats across its
pages; an article's own lines do not. The counts are the strongest single
signal of chrome, and the one thing the line detectors need from the whole
corpus, so they are kept small: each distinct line is a stable 64-bit hash
(not the string), and only lines found in two or more articles are kept,
as two sorted numpy arrays (12 bytes a line, whatever the corpus size).
"""
from __future__ import annotations

from functools import lru_cache
from hashlib import blake2b
from typing import Iterable, Mapping

import numpy as np


# Cached: the survey hashes every document's lines (a site's template lines
# recur across its pages), and the cleaning rounds look the same lines up again.
@lru_cache(maxsize=1 << 16)
def line_key(norm: str) -> int:
    """Stable 64-bit key of a normalised line: the same in every process and run
    (Python's own ``hash`` is salted per process, and Dask workers are other processes)."""
    return int.from_bytes(blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class LineCounts:
    """Read-only ``normalised line -> number of articles`` for lines in 2+ articles.

    Looked up with ``.get(norm, 0)`` like a dict (a line in one article only
    reads as 0: it repeats nowhere).
    """

    # Lookups are remembered per instance (up to this many lines, then
    # forgotten at once): every cleaning round asks about the lines of a
    # document again, the line classifier and the chrome rule ask about the
    # same lines, and a site's template lines recur across its pages.
    MEMO_LIMIT = 1 << 16

    def __init__(self, keys: np.ndarray | None = None, counts: np.ndarray | None = None):
        self.keys = np.zeros(0, dtype=np.uint64) if keys is None else keys  # sorted, distinct
        self.counts = np.zeros(0, dtype=np.uint32) if counts is None else counts
        self._memo: dict[str, int] = {}  # normalised line -> count (0: in fewer than two articles)

    def __getstate__(self) -> dict:
        return {"keys": self.keys, "counts": self.counts}  # the memo is this process's only

    def __setstate__(self, state: dict) -> None:
        self.keys, self.counts = state["keys"], state["counts"]
        self._memo = {}

    @classmethod
    def from_mapping(cls, counts: Mapping[str, int]) -> "LineCounts":
        """From a plain ``{normalised line: count}`` (tests, small corpora)."""
        survey = {line_key(norm): count for norm, count in counts.items() if count >= 2}
        keys = np.array(sorted(survey), dtype=np.uint64)
        return cls(keys, np.array([survey[k] for k in keys.tolist()], dtype=np.uint32))

    def get(self, norm: str, default: int = 0) -> int:
        return self.get_many([norm])[0] or default  # a stored count is 2 or more

    def get_many(self, norms: list[str]) -> list[int]:
        """``[self.get(norm, 0) for norm in norms]``, the lines not yet remembered
        looked up together: one sorted search for a document's lines instead
        of a numpy call per line."""
        memo = self._memo
        missing = [norm for norm in dict.fromkeys(norms) if norm not in memo]
        if missing:
            if len(memo) + len(missing) > self.MEMO_LIMIT:
                memo.clear()
            memo.update(zip(missing, self._look_up(missing)))
        return [memo[norm] for norm in norms]

    def _look_up(self, norms: list[str]) -> list[int]:
        """The stored count of each line (0 when not stored)."""
        if not len(self.keys):
            return [0] * len(norms)
        keys = np.array([line_key(norm) for norm in norms], dtype=np.uint64)
        at = np.minimum(self.keys.searchsorted(keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.counts[at], 0).tolist()

    def __getitem__(self, norm: str) -> int:
        return self.get(norm, 0)

    def __len__(self) -> int:
        return len(self.keys)

    def __bool__(self) -> bool:
        return len(self.keys) > 0

    def nbytes(self) -> int:
        return self.keys.nbytes + self.counts.nbytes


class LineSurvey:
    """Collects the distinct line keys of documents one at a time, then counts
    each line once per group of copies (:meth:`counts`)."""

    def __init__(self) -> None:
        self._keys: list[np.ndarray] = []
        self._docs: list[np.ndarray] = []
        self._pending_keys: list[int] = []
        self._pending_docs: list[int] = []
        self.n_docs = 0

    def add(self, norms: Iterable[str]) -> None:
        """The normalised non-blank lines of the next document."""
        doc = self.n_docs
        self.n_docs += 1
        for key in {line_key(norm) for norm in norms}:
            self._pending_keys.append(key)
            self._pending_docs.append(doc)
        if len(self._pending_keys) >= 1 << 16:
            self._flush()

    def _flush(self) -> None:
        if self._pending_keys:
            self._keys.append(np.array(self._pending_keys, dtype=np.uint64))
            self._docs.append(np.array(self._pending_docs, dtype=np.int64))
            self._pending_keys, self._pending_docs = [], []

    def counts(self, groups: Iterable[int] | np.ndarray | None = None) -> LineCounts:
        """The lines of 2+ groups, each counted once per group (``groups[d]``:
        document d's group of copies; None: every document is its own)."""
        self._flush()
        if not self._keys:
            return LineCounts()
        keys = np.concatenate(self._keys)
        docs = np.concatenate(self._docs)
        self._keys, self._docs = [], []
        if groups is not None:
            docs = np.asarray(groups, dtype=np.int64)[docs]
        # distinct (key, group): a line counts once for each group of copies
        order = np.lexsort((docs, keys))
        keys, docs = keys[order], docs[order]
        del order
        fresh = np.ones(len(keys), dtype=bool)
        fresh[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
        keys = keys[fresh]
        del docs, fresh
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        sizes = np.diff(np.r_[starts, len(keys)])
        repeated = sizes >= 2
        return LineCounts(keys[starts[repeated]], sizes[repeated].astype(np.uint32))


def counts_of(line_counts: Mapping[str, int], norms: list[str]) -> list[int]:
    """The corpus count of each normalised line (0 when not counted), from a
    run's LineCounts (looked up together) or a plain mapping (tests)."""
    if isinstance(line_counts, LineCounts):
        return line_counts.get_many(norms)
    return [line_counts.get(norm, 0) for norm in norms]
