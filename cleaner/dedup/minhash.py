"""Near-duplicate documents: MinHash signatures, LSH candidates, exact verification.

1. Each document becomes its word-5-gram hashes (:mod:`.corpus`: the whole
   corpus as flat numpy arrays, no Python object per token or shingle).
2. MinHash signatures are computed with numpy, a block of documents at a
   time, using the permutations of a datasketch ``MinHash(scheme="affine32")``:
   each row equals ``MinHash.update_batch`` with the hash function
   ``h -> h & 0xFFFFFFFF`` (the low half of the 64-bit shingle hash), so it
   can be wrapped in a ``LeanMinHash``. The rare 32-bit collisions only nudge
   the estimate; every candidate is verified on the 64-bit sets anyway.
3. Candidates: the banding of ``datasketch.MinHashLSH(params=(b, r))`` (band
   ``i`` = values ``[i*r, (i+1)*r)``), done as one sort per band over hashed
   band values instead of a Python dict insert and query per document. The
   layout is chosen for recall: the widest ``r`` (``b = num_perm // r``) for
   which a pair exactly at the threshold is missed with probability <=
   ``max_miss`` (for 0.8 and 128 permutations: b=25, r=5, miss 5e-5;
   datasketch's own default, tuned to balance false positives, misses a few
   per cent of such pairs).
4. Every candidate pair is verified with the exact Jaccard of the two sorted
   shingle sets; pairs with J >= threshold are kept.
5. Clusters are the connected components of the verified pairs. The kept
   document (representative) is the longest text, or the first in input
   order with ``keep="first"``. Every other member is reported against the
   member it was verified against on the way from the representative (a
   maximum spanning tree of the verified pairs), so each record's similarity
   is a verified one >= threshold; its Jaccard to the kept document is given
   too, and can be lower when it joined through a chain.

Documents without any word token have no shingles and are never paired.

Over a memory-mapped corpus (:mod:`.stage`) the signatures are computed a
window of documents at a time and only their band keys are kept (bands x n
uint64: 200 MB at 1M documents for 0.8, 512 MB for 0.5); candidates are
verified in blocks of pairs, dropping the mapped pages each block read.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .corpus import Corpus
from .corpus import build as build_corpus
from .corpus import drop_pages, read_window
from .shingles import distinct_in_parts, fmix64

SCHEME = "affine32"
DEFAULT_SEED = 1
_ROWS_PER_BLOCK = 2048  # shingles per numpy block when computing a signature


@dataclass(frozen=True)
class DuplicateMatch:
    """``key`` is a near-duplicate of ``of_key`` (exact word-5-gram Jaccard
    ``similarity`` >= the threshold); its cluster keeps ``kept_key``, to which
    its Jaccard is ``kept_similarity`` (equal to the above when ``of_key`` is
    the kept document itself).
    """

    key: str
    of_key: str
    cluster: int
    similarity: float
    kept_key: str = ""
    kept_similarity: float = 0.0


@dataclass(frozen=True)
class SimilarPair:
    """A verified pair of documents (indices into the input, ``a < b``)."""

    a: int
    b: int
    similarity: float


def permutations(num_perm: int = 128, seed: int = DEFAULT_SEED) -> np.ndarray:
    """The (2, num_perm) uint32 affine parameters datasketch uses for this seed.

    The same draws as ``datasketch.MinHash(num_perm, seed, scheme="affine32")
    .permutations`` (odd ``a``, any ``b``, from ``np.random.RandomState(seed)``;
    a test compares them), without importing datasketch, which pulls in scipy
    (over a second).
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


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


def signatures(corpus: Corpus, perms: np.ndarray, block_rows: int = _ROWS_PER_BLOCK * 4) -> np.ndarray:
    """(n, num_perm) uint32 MinHash signatures of every document of ``corpus``.

    Row ``i`` equals :func:`signature` of document ``i``'s shingles (a row of
    uint32 max for a document without shingles). Documents are taken in
    blocks of about ``block_rows`` shingles: one matrix product-and-add per
    block, then a segmented minimum (``np.minimum.reduceat``) per document.
    A memory-mapped corpus is read a window of documents at a time.
    """
    n, k = corpus.n, perms.shape[1]
    out = np.full((n, k), np.iinfo(np.uint32).max, dtype=np.uint32)
    for d0, d1, sh, off in _shingle_windows(corpus):
        _signatures_into(out[d0:d1], sh, off, perms, block_rows)
    return out


_WINDOW_SHINGLES = 1 << 22  # shingles read at a time from a mapped corpus (32 MB)


def _shingle_windows(corpus: Corpus, size: int | None = None):
    """(d0, d1, shingle hashes of documents d0..d1-1, their offsets from 0) over
    the corpus: in one piece in memory, in windows of about ``size`` shingles
    (in-memory copies, mapped pages dropped) when mapped."""
    off = corpus.sh_off
    if not corpus.mapped:
        yield 0, corpus.n, corpus.sh_hash, off
        return
    size = _WINDOW_SHINGLES if size is None else size
    d0 = 0
    while d0 < corpus.n:
        d1 = max(int(np.searchsorted(off, off[d0] + size, side="right")) - 1, d0 + 1)
        d1 = min(d1, corpus.n)
        lo, hi = int(off[d0]), int(off[d1])
        yield d0, d1, read_window(corpus.sh_hash, lo, hi), off[d0:d1 + 1] - lo
        d0 = d1


def _signatures_into(out: np.ndarray, sh_hash: np.ndarray, off: np.ndarray, perms: np.ndarray,
                     block_rows: int) -> None:
    """:func:`signatures` of the documents whose shingles are ``sh_hash[off[d]:off[d + 1]]``, into ``out``."""
    a, b = perms
    counts = np.diff(off)
    # the low 32 bits of each hash (little-endian halves), mixed a block at a time
    # (no whole-corpus temporaries)
    low = np.ascontiguousarray(sh_hash, dtype=np.uint64).view(np.uint32)[0 if np.little_endian else 1::2]
    docs = np.flatnonzero(counts > 0)
    big = counts[docs] > 4 * block_rows
    for d in docs[big].tolist():  # a very long document: blocked on its own
        out[d] = signature(sh_hash[off[d]:off[d + 1]], perms)
    docs = docs[~big]
    if len(docs) == 0:
        return
    # groups of consecutive documents holding about block_rows shingles each
    cum = np.cumsum(counts[docs])
    cut = np.searchsorted(cum, np.arange(block_rows, int(cum[-1]) + block_rows, block_rows), side="right")
    cut = np.unique(np.r_[0, np.minimum(cut, len(docs)), len(docs)])
    aa, bb = a[:, None], b[:, None]
    # one buffer for every group's products: a fresh (num_perm, rows) array per group
    # would be mapped and faulted in anew each time (about 4 MB a group)
    buf = np.empty((len(a), 0), dtype=np.uint32)
    for g0, g1 in zip(cut[:-1].tolist(), cut[1:].tolist()):
        if g0 == g1:
            continue
        group = docs[g0:g1]
        if len(group) == group[-1] - group[0] + 1:  # consecutive: one slice
            lo, hi = int(off[group[0]]), int(off[group[-1] + 1])
            rows = fmix32(low[lo:hi])
            seg = (off[group] - lo).astype(np.intp)
        else:
            idx = np.concatenate([np.arange(off[d], off[d + 1]) for d in group.tolist()])
            rows = fmix32(low[idx])
            seg = np.r_[0, np.cumsum(counts[group])[:-1]].astype(np.intp)
        if buf.shape[1] < len(rows):
            buf = np.empty((len(a), max(len(rows), block_rows)), dtype=np.uint32)
        block = np.multiply(rows[None, :], aa, out=buf[:, :len(rows)])
        block += bb
        out[group] = np.minimum.reduceat(block, seg, axis=1).T


def _band_key_rows(corpus: Corpus, perms: np.ndarray, params: tuple[int, int]) -> np.ndarray:
    """(bands, n) int64: :func:`band_keys` of every document, transposed, computed
    a window of documents at a time: no (n, num_perm) signature matrix is held,
    only what the banding needs."""
    b, _ = params
    keys = np.empty((b, corpus.n), dtype=np.uint64)
    for d0, d1, sh, off in _shingle_windows(corpus):
        sigs = np.full((d1 - d0, perms.shape[1]), np.iinfo(np.uint32).max, dtype=np.uint32)
        _signatures_into(sigs, sh, off, perms, _ROWS_PER_BLOCK * 4)
        keys[:, d0:d1] = band_keys(sigs, params).T
    return keys.view(np.int64)


def band_keys(sigs: np.ndarray, params: tuple[int, int]) -> np.ndarray:
    """(n, bands) uint64: a hash of each band of ``r`` consecutive signature values.

    Two documents agree on a key exactly when they agree on the band (up to
    64-bit hash collisions, which only add candidates that verification drops):
    the banding of ``datasketch.MinHashLSH(params=(b, r))``, hashranges
    ``[i*r, (i+1)*r)``.
    """
    b, r = params
    keys = np.zeros((sigs.shape[0], b), dtype=np.uint64)
    column = np.empty_like(keys)
    with np.errstate(over="ignore"):
        for j in range(r):  # in place: no new (n, b) arrays per row of the bands
            np.multiply(keys, np.uint64(0x9E3779B97F4A7C15), out=keys)
            np.copyto(column, sigs[:, j:b * r:r], casting="safe")
            keys += column
            keys += np.uint64(j + 1)
            fmix64(keys, out=keys)
    return keys


def banded_pairs(sigs: np.ndarray, params: tuple[int, int], valid: np.ndarray | None = None) -> np.ndarray:
    """(m, 2) int64 pairs ``i < j`` of rows sharing at least one band (sorted, distinct;
    see MAX_BUCKET_REACH for buckets of very many rows)."""
    n = sigs.shape[0]
    rows = np.arange(n, dtype=np.int64) if valid is None else np.flatnonzero(valid)
    if len(rows) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    # one contiguous row per band; int64 sorts faster and any order groups equal keys
    keys = np.ascontiguousarray(band_keys(sigs if len(rows) == n else sigs[rows], params).T).view(np.int64)
    return _pairs_of_band_keys(keys, rows, n)


# A bucket (a run of equal band keys) pairs each of its documents with the next
# MAX_BUCKET_REACH ones (in document order) only: every pair of a bucket of thousands of copies of one
# story would be millions of pairs (quadratic memory and verification), and a
# chain of pairs within reach still connects the whole bucket.
MAX_BUCKET_REACH = 64


def _argsort_runs_in_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``np.argsort(keys, kind="stable")``, the keys in that order), from the faster
    unstable sort: each run of equal keys (a bucket; few and short) is then put
    back in index order. 100k int64 keys: 14 -> 6 ms for the sort itself."""
    order = np.argsort(keys)
    kk = keys[order]
    same = kk[1:] == kk[:-1]
    if not same.any():
        return order, kk
    in_run = np.zeros(len(keys), dtype=bool)
    in_run[1:] = same
    in_run[:-1] |= same
    at = np.flatnonzero(in_run)
    # runs numbered along the sorted keys: sorting run * n + index orders each run's indices
    run = np.cumsum(~np.r_[False, same][at])
    code = run * len(keys) + order[at]
    code.sort()
    order[at] = code % len(keys)
    return order, kk


def _pairs_of_band_keys(keys: np.ndarray, rows: np.ndarray, n: int, all_rows: bool = False) -> np.ndarray:
    """:func:`banded_pairs` from the (bands, len(rows)) keys of ``rows``
    (``all_rows``: ``keys`` has a column per document, and only ``rows`` count).
    A bucket of more than MAX_BUCKET_REACH + 1 documents gives only the pairs
    within that distance of each other in document order."""
    if len(rows) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    subset = all_rows and len(rows) != keys.shape[1]
    # pair codes i * n + j, made distinct whenever those pending outgrow the
    # distinct ones: a pair found in many bands is held once, not once per band
    done = np.zeros(0, dtype=np.int64)
    pending: list[np.ndarray] = []
    n_pending = 0
    for band_key in keys:
        if subset:
            band_key = band_key[rows]
        order, kk = _argsort_runs_in_order(band_key)  # a bucket in document order (see MAX_BUCKET_REACH)
        # every two rows of a run of equal keys, by their distance k in the run
        i = np.flatnonzero(kk[1:] == kk[:-1])
        k = 1
        while len(i) and k <= MAX_BUCKET_REACH:
            a, b = rows[order[i]], rows[order[i + k]]
            code = np.minimum(a, b)
            code *= n
            code += np.maximum(a, b)
            pending.append(code)
            n_pending += len(code)
            k += 1
            i = i[i + k < len(kk)]
            i = i[kk[i + k] == kk[i]]
        if n_pending > max(len(done), 1 << 22):
            done = np.unique(np.concatenate([done, *pending]))
            pending, n_pending = [], 0
    if pending:
        done = np.unique(np.concatenate([done, *pending]))
    return np.stack([done // n, done % n], axis=1)


def _candidates(corpus: Corpus, perms: np.ndarray, params: tuple[int, int], valid: np.ndarray) -> np.ndarray:
    """:func:`banded_pairs` of the corpus's signatures (without holding them when mapped)."""
    if not corpus.mapped:
        return banded_pairs(signatures(corpus, perms), params, valid=valid)
    keys = _band_key_rows(corpus, perms, params)
    return _pairs_of_band_keys(keys, np.flatnonzero(valid), corpus.n, all_rows=True)


def _inter_size(a: np.ndarray, b: np.ndarray) -> int:
    """|a & b| for sorted distinct arrays."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 0:
        return 0
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return int(np.count_nonzero(b[idx] == a))


# pairs verified at a time over a mapped corpus: their documents' pages are read
# in, then dropped (2**15 pairs touch at most about 100 MB of shingle pages)
_PAIR_BLOCK = 1 << 15


def _pair_jaccards(corpus: Corpus, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard of the shingle sets of each pair (rows ``i, j``) of documents."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    if corpus.mapped and len(pairs) > _PAIR_BLOCK:  # bounded temporaries, mapped pages dropped per block
        return np.concatenate([_pair_jaccards(corpus, pairs[lo:lo + _PAIR_BLOCK])
                               for lo in range(0, len(pairs), _PAIR_BLOCK)])
    off, counts = corpus.sh_off, corpus.n_shingles()
    # both documents' sizes come with the union, from one gather of their shingles
    union, (size_i, size_j) = distinct_in_parts(corpus.sh_hash, [(off[d], counts[d]) for d in pairs.T])
    inter = size_i + size_j - union
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = inter / union  # float64, rounded as Python's int / int
    sim[union == 0] = 0.0
    drop_pages(corpus.sh_hash)
    return sim


def _jaccard(corpus: Corpus, i: int, j: int) -> float:
    a, b = corpus.shingle_set(i), corpus.shingle_set(j)
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = _inter_size(a, b)
    return inter / (len(a) + len(b) - inter)


def _consistent_jaccard(corpus: Corpus, originals: Corpus, i: int, j: int) -> float:
    """Jaccard of two cleaned texts after undoing their disagreements towards removal.

    Two copies of one article are not always cleaned alike (a list judged
    chrome in one page and kept in the other). What one copy's cleaning
    removed (its original shingles minus its cleaned ones) is taken out of
    the other copy too, so the pair is compared as if both had been cleaned
    the same way. Only removals are shared, never additions: text that one
    side kept and the other removed cannot make two articles look alike.
    """
    a, b = corpus.shingle_set(i), corpus.shingle_set(j)
    removed_a = np.setdiff1d(originals.shingle_set(i), a, assume_unique=True)
    removed_b = np.setdiff1d(originals.shingle_set(j), b, assume_unique=True)
    a = np.setdiff1d(a, removed_b, assume_unique=True)
    b = np.setdiff1d(b, removed_a, assume_unique=True)
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = _inter_size(a, b)
    return inter / (len(a) + len(b) - inter)


def _pair_codes(pairs: np.ndarray, n: int) -> np.ndarray:
    return pairs[:, 0] * n + pairs[:, 1]


def verified_pairs(corpus: Corpus, threshold: float = 0.8, num_perm: int = 128, seed: int = DEFAULT_SEED,
                   max_miss: float = 1e-4, originals: Corpus | None = None) -> list[SimilarPair]:
    """All pairs with exact word-5-gram Jaccard >= threshold that the bands propose.

    ``originals`` (the same documents before cleaning, when ``corpus`` holds
    cleaned texts) adds the pairs the bands propose on the originals, and a
    pair below the threshold on the cleaned texts is measured again with
    :func:`_consistent_jaccard`: copies cleaned unevenly still pair up.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    perms = permutations(num_perm, seed)
    params = lsh_params(threshold, num_perm, max_miss)
    counts = corpus.n_shingles()
    cand = _candidates(corpus, perms, params, counts > 0)
    if originals is not None:
        if originals.n != corpus.n:
            raise ValueError("originals must hold the same documents as corpus")
        more = _candidates(originals, perms, params, (originals.n_shingles() > 0) & (counts > 0))
        codes = np.union1d(_pair_codes(cand, corpus.n), _pair_codes(more, corpus.n))
        cand = np.stack([codes // max(corpus.n, 1), codes % max(corpus.n, 1)], axis=1)
    sims = _pair_jaccards(corpus, cand)
    if originals is not None:
        for step, k in enumerate(np.flatnonzero(sims < threshold).tolist()):
            i, j = cand[k].tolist()
            sims[k] = max(sims[k], _consistent_jaccard(corpus, originals, i, j))
            if step % 4096 == 4095:
                drop_pages(corpus.sh_hash, originals.sh_hash)
    keep = np.flatnonzero(sims >= threshold)
    out = [SimilarPair(i, j, sim) for (i, j), sim in zip(cand[keep].tolist(), sims[keep].tolist())]
    if originals is not None:
        originals._sets.clear()
    return out


def similar_pairs(texts: Sequence[str], threshold: float = 0.8, num_perm: int = 128,
                  seed: int = DEFAULT_SEED, corpus: Corpus | None = None,
                  max_miss: float = 1e-4) -> list[SimilarPair]:
    """All pairs of ``texts`` with exact word-5-gram Jaccard >= threshold that LSH proposes."""
    corpus = build_corpus(texts) if corpus is None else corpus
    return verified_pairs(corpus, threshold, num_perm, seed, max_miss)


def components(n: int, pairs: Iterable[SimilarPair]) -> list[int]:
    """For each of ``n`` documents, the lowest index of its connected component."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ra, rb = find(p.a), find(p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


KEEP = ("longest", "first")


def doc_keys(docs: Sequence[tuple[str, str]]):
    """(keys of ``docs``, function giving the length of text ``i``), without
    reading the texts of a :class:`.stage.StagedDocs`."""
    if hasattr(docs, "text_length") and hasattr(docs, "keys"):
        return list(docs.keys), docs.text_length
    keys = [k for k, _ in docs]
    return keys, lambda i: len(docs[i][1])


def find_duplicates(docs: Sequence[tuple[str, str]], threshold: float = 0.8,
                    num_perm: int = 128, *, seed: int = DEFAULT_SEED, keep: str = "longest",
                    pairs_out: list | None = None, corpus: Corpus | None = None,
                   originals: Corpus | None = None) -> list[DuplicateMatch]:
    """Near-duplicate documents among ``docs`` = (key, text) pairs, in a stable order.

    Clusters are the connected components of the verified pairs. Each keeps
    one document, its representative: the longest text (``keep="longest"``,
    ties to the earlier one) or the first in ``docs`` order
    (``keep="first"``). Every other member gets one :class:`DuplicateMatch`
    naming the member it was verified against (``of_key``, ``similarity``
    >= threshold: a maximum spanning tree of the verified pairs grown from
    the representative) and the representative (``kept_key``, with its exact
    Jaccard to it, which may be below the threshold in a chain).
    Matches are ordered by position; clusters are numbered 0, 1, ... in the
    order of their first member. ``pairs_out`` (a list) receives every
    verified pair as ``(key_a, key_b, J)``. ``corpus`` (from
    :func:`cleaner.dedup.corpus.build` over the same texts) saves hashing
    them again. ``originals`` (the corpus of the texts before cleaning, in
    the same order) lets copies that were cleaned unevenly pair up; see
    :func:`verified_pairs`.
    """
    if keep not in KEEP:
        raise ValueError(f"keep must be one of {KEEP}")
    keys, text_length = doc_keys(docs)
    if len(set(keys)) != len(keys):
        raise ValueError("document keys must be unique")
    corpus = build_corpus([t for _, t in docs]) if corpus is None else corpus
    pairs = verified_pairs(corpus, threshold, num_perm, seed, originals=originals)
    if pairs_out is not None:
        pairs_out.extend((keys[p.a], keys[p.b], p.similarity) for p in pairs)
    root = np.array(components(len(keys), pairs), dtype=np.int64)
    # the members of every cluster of two or more documents, in input order
    # (the documents left alone, most of them, are never looked at)
    clustered = np.flatnonzero(np.bincount(root, minlength=len(keys))[root] > 1)
    members: dict[int, list[int]] = {}
    for i, r in zip(clustered.tolist(), root[clustered].tolist()):
        members.setdefault(r, []).append(i)
    adj: dict[int, list[tuple[float, int]]] = {}
    for p in pairs:
        adj.setdefault(p.a, []).append((p.similarity, p.b))
        adj.setdefault(p.b, []).append((p.similarity, p.a))
    out = []
    for cluster_no, first in enumerate(sorted(members)):
        group = members[first]
        if keep == "first":
            rep = group[0]
        else:
            rep = max(group, key=lambda i: (text_length(i), -i))
        # Prim's maximum spanning tree from the representative
        parent: dict[int, tuple[int, float]] = {}
        done = {rep}
        heap = [(-s, j, rep) for s, j in adj[rep]]
        heapq.heapify(heap)
        while heap:
            neg, j, via = heapq.heappop(heap)
            if j in done:
                continue
            done.add(j)
            parent[j] = (via, -neg)
            for s, k in adj[j]:
                if k not in done:
                    heapq.heappush(heap, (-s, k, j))
        for i in group:
            if i == rep:
                continue
            via, sim = parent[i]
            out.append(DuplicateMatch(keys[i], keys[via], cluster_no, sim, keys[rep],
                                      sim if via == rep else _jaccard(corpus, i, rep)))
        if cluster_no % 512 == 511:
            drop_pages(corpus.sh_hash)
    corpus._sets.clear()  # the sorted sets were for verification only: free them
    pos = {k: i for i, k in enumerate(keys)}
    out.sort(key=lambda m: pos[m.key])
    return out
