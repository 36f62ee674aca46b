"""Near-duplicate documents and recycled passages (pure functions over texts).

``find_duplicates(docs)`` groups documents whose word-5-gram sets have a
Jaccard >= threshold (MinHash + LSH banding to propose pairs, exact Jaccard
to keep them, connected components to group them). Each cluster keeps its
longest text (or its first, ``keep="first"``); every other member is
reported against the member it was verified against, and the kept one.

``find_recycled(docs, duplicates)`` finds passages of >= ``min_words`` words
shared, verbatim or lightly reworded, by documents that are not in the same
cluster; the later document in ``docs`` order is the target, the earlier one
the source.

``docs`` are ``(key, text)`` pairs in a stable order; offsets are Python str
(code point) offsets, end exclusive. The pipeline maps keys to files.
``prepare(texts)`` hashes a corpus once for both functions (``corpus=``).
``CorpusStage`` (:mod:`.stage`) hashes it batch by batch instead, spilling to
stage files when large, and ``StagedDocs`` gives its texts (or, from a
stage that kept them, the tokens' offsets in them) on demand: the same
results in memory bounded by the batches and partitions.
"""
from __future__ import annotations

from .corpus import Corpus
from .corpus import build as prepare
from .minhash import KEEP, DuplicateMatch, SimilarPair, find_duplicates, similar_pairs
from .passages import RecycledMatch, find_recycled
from .stage import CorpusStage, StagedDocs

__all__ = ["KEEP", "Corpus", "CorpusStage", "DuplicateMatch", "RecycledMatch", "SimilarPair", "StagedDocs",
           "find_duplicates", "find_recycled", "prepare", "similar_pairs"]
