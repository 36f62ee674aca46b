"""Near-duplicate documents: MinHash signatures, LSH candidates, exact verification.

1. Each document becomes the set of its word-5-gram hashes (:mod:`.shingles`).
2. Its MinHash signature is computed with numpy from those hashes, using the
   permutations of a datasketch ``MinHash(scheme="affine32")``: the result is
   the same as ``MinHash.update_batch`` with the hash function
   ``h -> h & 0xFFFFFFFF`` (the low half of the 64-bit shingle hash), but
   without a Python call per shingle. 32 bits halve the work and memory; the
   rare 32-bit collisions only nudge the estimate, and every candidate is
   verified on the 64-bit sets anyway. Signatures become ``LeanMinHash``.
3. ``datasketch.MinHashLSH`` proposes candidate pairs. Its band layout is
   chosen here for recall: the widest band size ``r`` (with ``b = num_perm //
   r`` bands) for which a pair exactly at the threshold is missed with
   probability <= ``max_miss`` (for 0.8 and 128 permutations: b=25, r=5, miss
   5e-5; datasketch's own default, tuned to balance false positives, misses a
   few per cent of such pairs).
4. Every candidate pair is verified with the exact Jaccard of the two shingle
   sets; pairs with J >= threshold are kept. Candidates cost only a set
   intersection each, so generous bands are cheap.
5. Clusters are the connected components of the verified pairs. The
   representative (the document kept) is the member that comes first in the
   input order; every other member is reported against it with its exact
   Jaccard to the representative, which can be below the threshold when the
   member joined through a chain of similar documents.

Documents without any word token have no shingles and are never paired.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .shingles import TokenHasher, jaccard, shingle_set, text_shingles

SCHEME = "affine32"
DEFAULT_SEED = 1
_ROWS_PER_BLOCK = 2048  # shingles per numpy block when computing a signature


@dataclass(frozen=True)
class DuplicateMatch:
    """``key`` is a near-duplicate of ``of_key``, its cluster's representative.

    ``similarity`` is the exact word-5-gram Jaccard between the two documents.
    """

    key: str
    of_key: str
    cluster: int
    similarity: float


@dataclass(frozen=True)
class SimilarPair:
    """A verified pair of documents (indices into the input, ``a < b``)."""

    a: int
    b: int
    similarity: float


def permutations(num_perm: int = 128, seed: int = DEFAULT_SEED) -> np.ndarray:
    """The (2, num_perm) uint32 affine parameters datasketch uses for this seed."""
    from datasketch import MinHash  # imported when hashing: it pulls in scipy

    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


def fmix32(v: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, element-wise (as datasketch pre-mixes)."""
    v = v ^ (v >> np.uint32(16))
    v = v * np.uint32(0x85EBCA6B)
    v = v ^ (v >> np.uint32(13))
    v = v * np.uint32(0xC2B2AE35)
    return v ^ (v >> np.uint32(16))


def signature(hashes: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """MinHash signature of a set of 64-bit shingle hashes.

    Equal to datasketch ``MinHash(num_perm, seed, scheme="affine32",
    hashfunc=lambda h: h & 0xFFFFFFFF)`` updated with the same values.
    """
    a, b = perms
    out = np.full(a.shape[0], np.iinfo(np.uint32).max, dtype=np.uint32)
    if len(hashes) == 0:
        return out
    low = (np.asarray(hashes, dtype=np.uint64) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    mixed = fmix32(low)
    for lo in range(0, len(mixed), _ROWS_PER_BLOCK):
        block = mixed[lo:lo + _ROWS_PER_BLOCK, None] * a + b
        np.minimum(out, block.min(axis=0), out=out)
    return out


def lsh_params(threshold: float, num_perm: int, max_miss: float = 1e-4) -> tuple[int, int]:
    """(bands, rows): the widest rows with P(miss a pair at `threshold`) <= max_miss."""
    best = (max(2, num_perm), 1) if num_perm >= 2 else (2, 1)
    for r in range(1, num_perm // 2 + 1):
        b = num_perm // r
        if b < 2:
            break
        miss = (1.0 - threshold ** r) ** b
        if miss <= max_miss:
            best = (b, r)
    return best


def candidate_pairs(sigs: Sequence[np.ndarray | None], num_perm: int, seed: int,
                    params: tuple[int, int]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, that share at least one LSH band (None = skip the doc)."""
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=num_perm, params=params)
    pairs: set[tuple[int, int]] = set()
    for j, sig in enumerate(sigs):
        if sig is None:
            continue
        m = LeanMinHash(seed=seed, hashvalues=sig, scheme=SCHEME)
        for i in lsh.query(m):
            pairs.add((i, j))
        lsh.insert(j, m, check_duplication=False)
    return pairs


def shingle_sets(texts: Iterable[str], hasher: TokenHasher | None = None) -> list[np.ndarray]:
    hasher = TokenHasher() if hasher is None else hasher
    return [shingle_set(text_shingles(t, hasher)) for t in texts]


def similar_pairs(texts: Sequence[str], threshold: float = 0.8, num_perm: int = 128,
                  seed: int = DEFAULT_SEED, sets: Sequence[np.ndarray] | None = None,
                  max_miss: float = 1e-4) -> list[SimilarPair]:
    """All pairs with exact word-5-gram Jaccard >= threshold that LSH proposes."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    sets = shingle_sets(texts) if sets is None else sets
    perms = permutations(num_perm, seed)
    sigs = [signature(s, perms) if len(s) else None for s in sets]
    params = lsh_params(threshold, num_perm, max_miss)
    out = []
    for i, j in sorted(candidate_pairs(sigs, num_perm, seed, params)):
        sim = jaccard(sets[i], sets[j])
        if sim >= threshold:
            out.append(SimilarPair(i, j, sim))
    return out


def _components(n: int, pairs: Iterable[SimilarPair]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ra, rb = find(p.a), find(p.b)
        if ra != rb:
            # the smaller index (earlier document) stays the root
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


def find_duplicates(docs: Sequence[tuple[str, str]], threshold: float = 0.8,
                    num_perm: int = 128, *, seed: int = DEFAULT_SEED,
                    pairs_out: list | None = None) -> list[DuplicateMatch]:
    """Near-duplicate documents among ``docs`` = (key, text) pairs, in a stable order.

    Returns one :class:`DuplicateMatch` per document that is not its cluster's
    representative (the first member in ``docs`` order), ordered by position.
    Clusters are numbered 0, 1, ... in the order of their representatives.
    If ``pairs_out`` is a list, the verified pairs (``(key_a, key_b, J)``) are
    appended to it.
    """
    keys = [k for k, _ in docs]
    if len(set(keys)) != len(keys):
        raise ValueError("document keys must be unique")
    sets = shingle_sets(t for _, t in docs)
    pairs = similar_pairs([], threshold, num_perm, seed, sets=sets)
    if pairs_out is not None:
        pairs_out.extend((keys[p.a], keys[p.b], p.similarity) for p in pairs)
    root = _components(len(keys), pairs)
    reps = sorted({r for i, r in enumerate(root) if r != i})
    cluster_no = {r: n for n, r in enumerate(reps)}
    out = []
    for i, r in enumerate(root):
        if r == i:
            continue
        out.append(DuplicateMatch(keys[i], keys[r], cluster_no[r], jaccard(sets[i], sets[r])))
    return out
