"""Tokens and word-5-gram shingles of a whole corpus, as flat numpy arrays.

The tokens are those of ``re.findall(r"\\w+", text.lower())`` (the definition
the eval truth uses), found without the regex engine and without a Python
object per token:

1. Documents are joined in chunks of a few million characters (with a
   non-word separator) and turned into an array of code points.
2. Code points are lower-cased and classified (``\\w`` or not) through a
   lookup table filled in from Python's own ``str.lower`` and ``re`` for each
   code point the first time it is seen; a chunk holding a character whose lower case is
   longer than itself (U+0130) is lower-cased by ``str.lower`` instead.
3. Token boundaries are where the word mask changes; the hash of every token
   is a polynomial of its code points mod 2**64, taken from one prefix sum
   over the chunk (prefix difference times the inverse power of the base),
   finished with the MurmurHash3 64-bit mixer.
4. Shingle hashes are a polynomial of five consecutive token hashes
   (:func:`.shingles.shingle_hashes` on the flat array), keeping the
   positions that do not cross a document boundary. A document of 1-4 tokens
   has one shingle of all its tokens, as in the truth's definition.

The hashes are deterministic (no per-process salt), so runs are comparable.
"""
from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .shingles import SHINGLE_WIDTH, TOKEN_RE, fmix64, shingle_hashes, token_spans

_U64 = np.uint64
_BASE = _U64(0x100000001B3 | 1)  # odd, so invertible mod 2**64
_BASE_INV = _U64(pow(int(_BASE), -1, 1 << 64))
_LEN_MIX = _U64(0xC2B2AE3D27D4EB4F)
# characters per chunk: its arrays (~30 bytes a character) stay under glibc's
# mmap threshold, so each chunk reuses the heap memory of the previous one
# instead of faulting in fresh pages (4M-character chunks were ~1.5x slower)
CHUNK_CHARS = 1 << 18

_N_CP = 0x110000
_UNKNOWN = np.uint32(0xFFFFFFFF)
_MULTI = np.uint32(0x80000000)  # flag: the lower case of this character is longer than itself
_TABLES: dict = {}


def _lookup(raw: np.ndarray) -> tuple[np.ndarray, bool]:
    """Each code point of ``raw`` lower-cased if it is a \\w character, else 0; and
    whether ``raw`` holds a character whose lower case is longer than itself
    (e.g. U+0130; such a character is looked up as itself).

    The lookup table is filled in on first sight of a code point, with
    Python's own ``str.lower`` and ``re`` (a corpus uses few distinct
    characters: no table of all Unicode). Unknown code points and those of
    longer lower case have values >= ``_MULTI``, so one maximum tells when
    anything but the single table lookup is needed.
    """
    if not _TABLES:
        _TABLES["table"] = np.full(_N_CP, _UNKNOWN, dtype=np.uint32)
    table = _TABLES["table"]
    cp = table.take(raw)  # take: about twice as fast as fancy indexing here
    if len(cp) == 0 or cp.max() < _MULTI:
        return cp, False
    for c in np.unique(raw[cp == _UNKNOWN]).tolist():
        ch = chr(c)
        lc = ch.lower()
        if len(lc) != 1:
            table[c] = (c if TOKEN_RE.fullmatch(ch) else 0) | _MULTI
        else:
            table[c] = ord(lc) if TOKEN_RE.fullmatch(lc) else 0
    cp = table.take(raw)
    if cp.max() < _MULTI:
        return cp, False
    cp &= ~_MULTI
    return cp, True


def _code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, bool]:
    """(lower-cased code points of the texts joined by NUL with non-word ones as 0,
    length of each lower-cased text, whether str.lower changed a length)."""
    big = "\x00".join(texts)
    raw = np.frombuffer(big.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cp, has_multi = _lookup(raw)
    if has_multi:  # lower() changes the length: let Python do it
        lens = np.fromiter((len(t.lower()) for t in texts), dtype=np.int64, count=len(texts))
        raw = np.frombuffer(big.lower().encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        cp, _ = _lookup(raw)
    else:
        lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return cp, lens, has_multi


def _bounds(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every run of word characters."""
    word = cp != 0
    # every change between word and non-word characters, in order: starts and
    # ends alternate (one pass over the characters instead of two)
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1
    if len(word) and word[0]:
        edges = np.r_[0, edges]
    if len(word) and word[-1]:
        edges = np.r_[edges, len(word)]
    return edges[0::2], edges[1::2]


_POW: dict[str, np.ndarray] = {}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i mod 2**64 for i < n (uint64 products wrap)."""
    if "p" not in _POW or len(_POW["p"]) < n:
        size = max(n, CHUNK_CHARS + 1024)
        with np.errstate(over="ignore"):
            p = np.full(size, _BASE, dtype=np.uint64)
            p[0] = 1
            q = np.full(size, _BASE_INV, dtype=np.uint64)
            q[0] = 1
            _POW["p"], _POW["q"] = np.cumprod(p), np.cumprod(q)
    return _POW["p"][:n], _POW["q"][:n]


def _chunk_tokens(texts: Sequence[str], offsets: bool = False):
    """(token hashes, tokens per document) of a few documents joined; with
    ``offsets``, also the tokens' code-point (starts, ends) in their texts, as
    :func:`token_offsets` gives them."""
    cp, lens, has_multi = _code_points(texts)
    starts, ends = _bounds(cp)
    p, q = _powers(len(cp) + 1)
    with np.errstate(over="ignore"):
        pref = np.empty(len(cp) + 1, dtype=np.uint64)
        pref[0] = 0
        pref[1:] = cp  # widened first: a uint64 product is faster than the mixed-type one
        np.multiply(pref[1:], p[:len(cp)], out=pref[1:])
        np.cumsum(pref[1:], out=pref[1:])
        # take: faster than fancy indexing for these gathers (same values)
        h = (pref.take(ends) - pref.take(starts)) * q.take(starts)
        h ^= (ends - starts).astype(np.uint64) * _LEN_MIX
        h = fmix64(h, out=h)
    del pref
    doc_start = np.cumsum(lens + 1) - (lens + 1)
    per_doc = np.diff(np.searchsorted(starts, np.r_[doc_start, len(cp) + 1]))
    if not offsets:
        return h, per_doc
    return h, per_doc, _relative_offsets(texts, starts, ends, doc_start, per_doc, has_multi)


# offsets within a text: a text of 4G code points would take 16 GB as the code points
# the tokens are found in, far beyond any corpus document (--max-bytes is 512 MB)
OFFSET_TYPE = np.uint32


def _relative_offsets(texts, starts, ends, doc_start, per_doc, has_multi: bool):
    """The chunk's token (starts, ends) made relative to each text (OFFSET_TYPE)."""
    if has_multi:  # offsets in the lower-cased text: map them back one text at a time
        spans = [token_spans(text) for text in texts]
        return (np.concatenate([st for st, _ in spans]).astype(OFFSET_TYPE),
                np.concatenate([en for _, en in spans]).astype(OFFSET_TYPE))
    base = np.repeat(doc_start, per_doc)
    return (starts - base).astype(OFFSET_TYPE), (ends - base).astype(OFFSET_TYPE)


def _chunks(texts: Sequence[str], chunk_chars: int):
    lo, n = 0, len(texts)
    while lo < n:
        hi, size = lo, 0
        while hi < n and (hi == lo or size + len(texts[hi]) <= chunk_chars):
            size += len(texts[hi]) + 1
            hi += 1
        yield lo, hi
        lo = hi


def token_offsets(texts: Sequence[str], chunk_chars: int = CHUNK_CHARS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code-point (starts, ends) of every text's tokens, flat, and tokens per text.

    The tokens are those of :func:`build` (and of
    :func:`.shingles.token_spans`); offsets are relative to each text.
    """
    starts_all, ends_all, counts = [], [], []
    for lo, hi in _chunks(texts, chunk_chars):
        chunk = texts[lo:hi]
        cp, lens, has_multi = _code_points(chunk)
        if has_multi:  # offsets in the lower-cased text: map them back one text at a time
            for text in chunk:
                st, en = token_spans(text)
                starts_all.append(st)
                ends_all.append(en)
                counts.append(np.array([len(st)], dtype=np.int64))
            continue
        starts, ends = _bounds(cp)
        doc_start = np.cumsum(lens + 1) - (lens + 1)
        per_doc = np.diff(np.searchsorted(starts, np.r_[doc_start, len(cp) + 1]))
        base = np.repeat(doc_start, per_doc)
        small = np.int32 if len(cp) < 2**31 else np.int64  # offsets within a text
        starts_all.append((starts - base).astype(small))
        ends_all.append((ends - base).astype(small))
        counts.append(per_doc)
    if not counts:
        z = np.zeros(0, dtype=np.int64)
        return z, z.copy(), z.copy()
    return np.concatenate(starts_all), np.concatenate(ends_all), np.concatenate(counts)


_SET_CACHE = 1 << 15  # sorted shingle sets a Corpus keeps (about 2 KB each)


@dataclass
class Corpus:
    """Flat token and shingle hashes of ``n`` documents (offsets index the flat arrays)."""

    tok_hash: np.ndarray  # uint64, all documents' tokens in order
    tok_off: np.ndarray  # int64, n + 1
    sh_hash: np.ndarray  # uint64 positional shingle hashes
    sh_off: np.ndarray  # int64, n + 1
    _sets: dict = field(default_factory=dict, repr=False)
    folder: Path | None = None  # a staged corpus's folder (scratch files of large passes go there)

    @property
    def mapped(self) -> bool:
        """Whether the hashes are memory-mapped stage files (:mod:`.stage`)."""
        return is_mapped(self.sh_hash) or is_mapped(self.tok_hash)

    @property
    def n(self) -> int:
        return len(self.tok_off) - 1

    def tokens(self, i: int) -> np.ndarray:
        return self.tok_hash[self.tok_off[i]:self.tok_off[i + 1]]

    def shingles(self, i: int) -> np.ndarray:
        """Positional shingle hashes (a 1-4 token document: its one short shingle)."""
        return self.sh_hash[self.sh_off[i]:self.sh_off[i + 1]]

    def shingle_set(self, i: int) -> np.ndarray:
        """Sorted distinct shingle hashes of document ``i`` (cached)."""
        s = self._sets.get(i)
        if s is None:
            if len(self._sets) >= _SET_CACHE:  # bounded: a pass over many pairs does not keep every set
                self._sets.clear()
            s = np.sort(self.shingles(i))  # np.unique's hash table is slower on small arrays
            if len(s) > 1:
                s = s[np.r_[True, s[1:] != s[:-1]]]
            self._sets[i] = s
        return s

    def n_shingles(self) -> np.ndarray:
        return np.diff(self.sh_off)


def is_mapped(a: np.ndarray) -> bool:
    return getattr(a, "_mmap", None) is not None


def drop_pages(*arrays: np.ndarray) -> None:
    """Drop the resident pages of memory-mapped arrays (no-op for others).

    Pages of a mapped file that were read count in the process's RSS until
    unmapped; passes over a stage file drop them as they go, so that reading
    the whole corpus does not hold all of it. They are read again from the
    page cache when needed.
    """
    for a in arrays:
        mm = getattr(a, "_mmap", None)
        if mm is not None and not mm.closed:
            mm.madvise(mmap.MADV_DONTNEED)


def read_window(a: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """``a[lo:hi]``: a view of an in-memory array, an in-memory copy of a mapped
    one (its pages dropped after the copy)."""
    if not is_mapped(a):
        return a[lo:hi]
    out = np.array(a[lo:hi])
    drop_pages(a)
    return out


def _chunk_shingles(tok_hash: np.ndarray, ntok: np.ndarray, width: int) -> np.ndarray:
    """Shingle hashes of whole documents' tokens (``ntok`` tokens each), one after the other."""
    tok_off = np.zeros(len(ntok) + 1, dtype=np.int64)
    np.cumsum(ntok, out=tok_off[1:])
    # shingles of width `width` over the flat array; drop those crossing a document end
    m = max(len(tok_hash) - width + 1, 0)
    flat = shingle_hashes(tok_hash, width)[:m] if m else np.zeros(0, dtype=np.uint64)
    keep = np.ones(m, dtype=bool)
    doc_ends = tok_off[1:][ntok > 0]
    bad = (doc_ends[:, None] - np.arange(1, width, dtype=np.int64)[None, :]).ravel()
    keep[bad[(bad >= 0) & (bad < m)]] = False
    short = np.flatnonzero((ntok > 0) & (ntok < width))
    if len(short) == 0:
        return flat[keep]
    n_sh = np.where(ntok >= width, ntok - width + 1, np.minimum(ntok, 1))
    sh_off = np.zeros(len(ntok) + 1, dtype=np.int64)
    np.cumsum(n_sh, out=sh_off[1:])
    sh_hash = np.empty(int(sh_off[-1]), dtype=np.uint64)
    long_mask = np.ones(len(sh_hash), dtype=bool)
    long_mask[sh_off[short]] = False
    sh_hash[long_mask] = flat[keep]
    for d in short.tolist():
        sh_hash[sh_off[d]] = shingle_hashes(tok_hash[tok_off[d]:tok_off[d + 1]], width)[0]
    return sh_hash


def _append(buf: np.ndarray, used: int, values: np.ndarray) -> np.ndarray:
    """Write ``values`` at ``buf[used:]``, growing ``buf`` in place (realloc) when full."""
    if used + len(values) > len(buf):
        buf.resize(max(2 * len(buf), used + len(values)), refcheck=False)
    buf[used:used + len(values)] = values
    return buf


def build(texts: Sequence[str], width: int = SHINGLE_WIDTH, chunk_chars: int = CHUNK_CHARS) -> Corpus:
    """Token and shingle hashes of every text (see the module docstring).

    The flat arrays are written chunk by chunk into buffers sized for the
    most tokens the texts can hold (pages never written are never mapped in)
    and then shrunk in place: no list of pieces and no concatenated copy.
    """
    n = len(texts)
    bound = (sum(map(len, texts)) + n) // 2 + 1  # a token takes a character and a separator
    tok_hash = np.empty(bound, dtype=np.uint64)
    sh_hash = np.empty(bound, dtype=np.uint64)
    ntok = np.zeros(n, dtype=np.int64)
    n_tok = n_sh = 0
    for lo, hi in _chunks(texts, chunk_chars):
        h, c = _chunk_tokens(texts[lo:hi])
        ntok[lo:hi] = c
        tok_hash = _append(tok_hash, n_tok, h)
        n_tok += len(h)
        sh = _chunk_shingles(h, c, width)
        sh_hash = _append(sh_hash, n_sh, sh)
        n_sh += len(sh)
    tok_hash.resize(n_tok, refcheck=False)
    sh_hash.resize(n_sh, refcheck=False)
    tok_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(ntok, out=tok_off[1:])
    n_shingles = np.where(ntok >= width, ntok - width + 1, np.minimum(ntok, 1))
    sh_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_shingles, out=sh_off[1:])
    return Corpus(tok_hash, tok_off, sh_hash, sh_off)


def tokenize_hashes(text: str) -> np.ndarray:
    """Token hashes of one text (as :func:`build` computes them)."""
    return build([text]).tok_hash


__all__ = ["Corpus", "build", "drop_pages", "read_window", "token_offsets", "tokenize_hashes"]
