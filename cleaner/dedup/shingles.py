"""Word tokens and word-5-gram shingles, hashed to 64-bit integers with numpy.

Tokens are ``re.findall(r"\\w+", text.lower())`` (the definition the eval truth
uses). Each distinct token is hashed once (blake2b, 8 bytes, so the values are
stable across runs and machines); the hash of a shingle is then a polynomial of
its token hashes computed for every position at once with numpy array
arithmetic (uint64 wraps around, which is the intended modulo 2**64), finished
with the MurmurHash3 64-bit finaliser. No Python code runs per shingle.

A text with fewer tokens than the shingle width has a single shingle made of
all of its tokens; a text without tokens has no shingles.
"""
from __future__ import annotations

import re
from hashlib import blake2b

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

TOKEN_RE = re.compile(r"\w+")
SHINGLE_WIDTH = 5

_U64 = np.uint64
_MULT = _U64(0x9E3779B97F4A7C15)  # odd multiplier of the polynomial (golden ratio)
_LEN_TAG = 0xD6E8FEB86659FD93      # mixed with the number of tokens of a shingle


def fmix64(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, element-wise (a bijection on uint64).

    ``out`` (may be ``values`` itself) receives the result without temporaries
    beyond one shifted copy.
    """
    if out is None:
        out = np.array(values, dtype=np.uint64, copy=True)
    elif out is not values:
        np.copyto(out, values)
    tmp = np.empty_like(out)
    for mult in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, None):
        np.right_shift(out, _U64(33), out=tmp)
        np.bitwise_xor(out, tmp, out=out)
        if mult is not None:
            np.multiply(out, _U64(mult), out=out)
    return out


def tokenize(text: str) -> list[str]:
    """The lower-cased word tokens of ``text``."""
    return TOKEN_RE.findall(text.lower())


def token_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Code-point ``(starts, ends)`` in ``text`` of the tokens of :func:`tokenize`.

    Tokens are found in ``text.lower()`` exactly as :func:`tokenize` does. When
    lower-casing changes the length (e.g. U+0130 becomes two code points) the
    offsets are mapped back to the original string.
    """
    low = text.lower()
    # The pieces between tokens (re.split) and the tokens themselves (findall)
    # alternate, so the offsets are cumulative sums of their lengths: no Python
    # object per match.
    toks = TOKEN_RE.findall(low)
    if not toks:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    gaps = TOKEN_RE.split(low)
    tok_len = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    gap_len = np.fromiter(map(len, gaps), dtype=np.int64, count=len(gaps))
    ends = np.cumsum(gap_len[:-1] + tok_len)
    starts = ends - tok_len
    if len(low) != len(text):
        # index in `low` -> index of the original character that produced it
        lens = np.fromiter((len(c.lower()) for c in text), dtype=np.int64, count=len(text))
        back = np.repeat(np.arange(len(text), dtype=np.int64), lens)
        starts = back[starts]
        ends = back[ends - 1] + 1
    return starts, ends


class TokenHasher(dict):
    """Memo of token -> stable 64-bit hash; share one across a corpus."""

    def __missing__(self, token: str) -> int:
        value = int.from_bytes(blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
        self[token] = value
        return value

    def hash_tokens(self, tokens: list[str]) -> np.ndarray:
        return np.fromiter(map(self.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(token_hashes: np.ndarray, width: int = SHINGLE_WIDTH) -> np.ndarray:
    """Hash of the shingle starting at each token position.

    Returns ``len(token_hashes) - width + 1`` values in position order; a text
    of 1..width-1 tokens gives one value (its all-token shingle), an empty one
    none.
    """
    n = len(token_hashes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    k = min(width, n)
    m = n - k + 1
    acc = np.full(m, _LEN_TAG ^ k, dtype=np.uint64)
    for i in range(k):  # in place: no temporaries over the whole corpus
        np.multiply(acc, _MULT, out=acc)
        np.add(acc, token_hashes[i:i + m], out=acc)
    return fmix64(acc, out=acc)


def text_shingles(text: str, hasher: TokenHasher | None = None, width: int = SHINGLE_WIDTH) -> np.ndarray:
    """Positional shingle hashes of ``text`` (see :func:`shingle_hashes`)."""
    hasher = TokenHasher() if hasher is None else hasher
    return shingle_hashes(hasher.hash_tokens(tokenize(text)), width)


def shingle_set(hashes: np.ndarray) -> np.ndarray:
    """The sorted distinct shingle hashes (the set the Jaccard is taken over)."""
    return np.unique(hashes)


DISTINCT_BLOCK = 1 << 19  # cells per matrix: 4 MB stays in cache (2**21 cells was ~25% slower)


def distinct_in_ranges(values: np.ndarray, ranges: list[tuple[np.ndarray, np.ndarray]],
                       block: int = DISTINCT_BLOCK) -> np.ndarray:
    """Number of distinct values in each row's slices of the flat array ``values``.

    ``ranges`` holds one ``(starts, lengths)`` pair of arrays per part; row
    ``k`` is the union of ``values[starts[k]:starts[k] + lengths[k]]`` over
    the parts. See :func:`distinct_in_parts`.
    """
    return _distinct(values, ranges, block, each_part=False)[0]


def distinct_in_parts(values: np.ndarray, ranges: list[tuple[np.ndarray, np.ndarray]],
                      block: int = DISTINCT_BLOCK) -> tuple[np.ndarray, list[np.ndarray]]:
    """(distinct values of each row over all its parts, [distinct values of each
    row's part p alone, per part]) for the row slices of :func:`distinct_in_ranges`.
    """
    return _distinct(values, ranges, block, each_part=True)


def _distinct(values: np.ndarray, ranges: list[tuple[np.ndarray, np.ndarray]], block: int, each_part: bool):
    """(union counts, per-part counts (only with ``each_part`` and several parts)).

    Rows of similar length are laid out in a matrix, about ``block`` cells at
    a time, each part in columns of its own, as wide as its longest slice in
    the matrix: a shorter slice is padded with copies of its last value (or,
    when empty, of another part's first), which adds no distinct value. Each
    part's columns are sorted and their changes between neighbours counted,
    then (with several parts) the matrix's whole rows: the union and the
    parts from one gather of the values (the second sort, of rows made of
    sorted runs, is a stable one: timsort merges the runs).
    """
    flat = values.view(np.int64)  # any total order will do for counting
    parts = [(np.asarray(starts, dtype=np.int64), np.asarray(length, dtype=np.int64)) for starts, length in ranges]
    lengths = sum(length for _, length in parts)
    union = np.zeros(len(lengths), dtype=np.int64)
    sort_parts = each_part and len(parts) > 1
    each = [np.zeros(len(lengths), dtype=np.int64) for _ in parts] if sort_parts else [union] * len(parts)
    order = np.argsort(lengths, kind="stable")
    sorted_len = np.maximum(lengths[order], 1)
    # where a row's empty part takes its padding: the first value of a part that has one
    fallback = np.zeros(len(lengths), dtype=np.int64)
    for starts, length in reversed(parts):
        fallback = np.where(length > 0, starts, fallback)
    lo = 0
    while lo < len(order):
        # the most rows from lo whose matrix (as wide as its last, longest row) fits the block
        cap = min(len(order) - lo, max(block // int(sorted_len[lo]), 1))
        cells = np.arange(1, cap + 1) * sorted_len[lo:lo + cap]  # non-decreasing
        hi = lo + max(int(np.searchsorted(cells, block, side="right")), 1)
        rows = order[lo:hi]
        lo = hi
        rows = rows[lengths[rows] > 0]  # (an empty row has no distinct value)
        if len(rows) == 0:
            continue
        columns = []
        for (starts, length), counts in zip(parts, each):
            s, c = starts[rows], length[rows]
            width = int(c.max())
            if width == 0:
                continue
            part = _padded_slices(flat, s, c, fallback[rows], width)
            if sort_parts:
                part.sort(axis=1)
                counts[rows] = _row_changes(part) * (c > 0)
            columns.append(part)
        mat = columns[0] if len(columns) == 1 else np.concatenate(columns, axis=1)
        del columns
        # rows made of sorted parts: a stable sort (timsort) finds the runs and merges
        # them instead of sorting from scratch (the same order: equal values are equal)
        mat.sort(axis=1, kind="stable" if sort_parts else None)
        union[rows] = _row_changes(mat)
    return union, each


def _row_changes(mat: np.ndarray) -> np.ndarray:
    """Distinct values of each sorted row: one more than its changes between neighbours."""
    return np.count_nonzero(mat[:, 1:] != mat[:, :-1], axis=1) + 1


def _padded_slices(flat: np.ndarray, starts: np.ndarray, counts: np.ndarray, fallback: np.ndarray,
                   width: int) -> np.ndarray:
    """A (rows, width) matrix of ``flat[starts[k]:starts[k] + counts[k]]``, each row
    padded with copies of its last value (of ``flat[fallback[k]]`` when empty)."""
    if int(starts.max()) + width <= len(flat):
        # every row's window of `width` values lies inside `flat`: one gather of
        # contiguous rows, then the values past each slice's end overwritten
        mat = sliding_window_view(flat, width)[starts]
        last = flat.take(np.where(counts > 0, starts + counts - 1, fallback))
        np.copyto(mat, last[:, None], where=np.arange(width)[None, :] >= counts[:, None])
        return mat
    at = np.minimum(np.arange(width, dtype=np.int64)[None, :], np.maximum(counts - 1, 0)[:, None])
    at += np.where(counts > 0, starts, fallback)[:, None]
    return flat.take(at)  # (take: a faster gather than flat[at])


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard of two sorted distinct hash arrays (0.0 when both are empty)."""
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)
