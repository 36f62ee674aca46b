"""Near-duplicate documents and recycled passages (pure functions over texts).

``find_duplicates(docs)`` groups documents whose word-5-gram sets have a
Jaccard >= threshold (MinHash + LSH to propose pairs, exact Jaccard to keep
them, connected components to group them). The representative of a cluster
is its first document in ``docs`` order; every other member is reported
against it.

``find_recycled(docs, duplicates)`` finds passages of >= ``min_words`` words
shared, verbatim or lightly reworded, by documents that are not in the same
cluster; the later document in ``docs`` order is the target, the earlier one
the source.

``docs`` are ``(key, text)`` pairs in a stable order; offsets are Python str
(code point) offsets, end exclusive. The pipeline maps keys to files.
"""
from __future__ import annotations

from .minhash import DuplicateMatch, SimilarPair, find_duplicates, similar_pairs
from .passages import RecycledMatch, find_recycled

__all__ = ["DuplicateMatch", "RecycledMatch", "SimilarPair", "find_duplicates",
           "find_recycled", "similar_pairs"]
