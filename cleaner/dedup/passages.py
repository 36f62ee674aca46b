"""Recycled passages: spans of one document found again in another.

Method (steps 1-4 are numpy array work; 5-7 loop in Python over seeds, not shingles):

1. Every document gets its positional word-5-gram hashes (:mod:`.shingles`).
2. Index: all (hash, doc, position). A hash is kept when it occurs in at least
   two and at most ``max_df`` documents (default: 20, or 0.1% of the corpus
   when that is more); more common shingles are boilerplate (site templates,
   stock phrases) and would only make noise and work.
3. Every two occurrences of a kept hash in different documents give a match
   point (target position t, source position s) for that document pair.
   Pairs of documents in the same near-duplicate cluster are skipped.
4. Match points on one diagonal (t - s) at consecutive t form *seeds*: runs
   of text shared verbatim.
5. Per document pair, seeds are chained in target order: a seed extends a
   chain when the uncovered gap after the chain is at most ``max_gap`` tokens
   (default 12) on both sides and the two gaps differ by at most
   ``max_shift`` tokens (a reworded passage has words substituted, inserted
   or deleted, which breaks the shared 5-grams every few words and shifts the
   diagonal a little).
6. Each chain is extended token by token past both ends (+1 per equal word,
   -2 per different one, kept at the best score), which bridges a substituted
   word near the edge of a passage; chains that then overlap on both sides are
   merged.
7. A chain is reported when it spans at least ``min_words`` tokens on both
   sides, its matched words number at least ``min_cover * min_words``, and
   ``similarity`` (the share of the target span's distinct 5-grams that occur
   in the source span) is at least ``min_similarity`` (default 0.25: two
   chance hits of a stock phrase a few words apart are not a passage). Spans
   run from the first to the last token's characters on both sides.

Direction: for a pair of documents the one that comes *later* in ``docs`` is
reported as the target (``key``: the one that recycled the text) and the
earlier one as the source. Each passage is reported once per document pair,
so a paragraph found in an article and in its two copies gives three records.

Documents with fewer than 5 tokens have no 5-gram and take no part; passages
shorter than 5 tokens can therefore never be found.

Over a memory-mapped corpus (:mod:`.stage`) steps 2-7 run in partitions of
bounded size (:func:`_recycled_partitioned`): the index per range of hash
values, the match points and everything after them per range of target
documents, with scratch files in the corpus's folder. The results are the
same.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .corpus import Corpus
from .corpus import build as build_corpus
from .corpus import drop_pages, token_offsets
from .shingles import SHINGLE_WIDTH, distinct_in_parts

W = SHINGLE_WIDTH


@dataclass(frozen=True)
class RecycledMatch:
    """``key[start:end]`` is found again in ``source_key[source_start:source_end]``.

    Offsets are code-point offsets into each document's text, end exclusive.
    ``similarity`` is the share of the target span's word 5-grams that occur in
    the source span (1.0 for a verbatim copy).
    """

    key: str
    start: int
    end: int
    source_key: str
    source_start: int
    source_end: int
    similarity: float


def _group_starts(sorted_values: np.ndarray) -> np.ndarray:
    if len(sorted_values) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])


def _int_type(max_value: int):
    """int32 when values up to ``max_value`` fit (half the memory of int64), else int64."""
    return np.int32 if max_value < 2**31 else np.int64


def _index_entries(h: np.ndarray, lens: np.ndarray, max_df: int, block: int = 1 << 20):
    """Occurrences of the shingles found in 2..max_df documents, grouped by hash.

    ``h`` holds every document's positional shingle hashes one after the
    other, ``lens`` how many each document has. Returns (group sizes, doc,
    pos): the entries of one hash are consecutive and in (doc, pos) order;
    the order of the groups themselves is arbitrary.

    One in-place sort of int64 keys does the work: the top bits of each hash
    with its flat index in the low bits, so a run of equal top bits lists its
    occurrences in flat (doc, pos) order (:func:`_sorted_keys`). The rare runs
    whose full hashes differ (their top bits collide) are then put in (hash,
    flat index) order.
    """
    idx_type = _int_type(max(len(h), len(lens)))
    keys = _sorted_keys(h, block)
    runs = _repeated_runs(keys, len(h), idx_type, block)
    if runs is None:
        z = np.zeros(0, dtype=idx_type)
        return np.zeros(0, dtype=np.int64), z, z.copy()
    idx, run_new = runs
    starts = np.cumsum(lens) - lens
    bits = _index_bits(len(h))
    if bits + max(len(lens).bit_length(), 1) <= 63:
        # one gather gives each entry its document and the hash bits the key left
        # out: a table of (doc << bits | low hash bits), written over the keys
        table = _doc_and_low_bits(keys, h, lens, starts, bits, block)
        del keys
        doc, new = _gather_doc_and_low(table, idx, run_new, bits, idx_type, block)
        del table
    else:
        del keys
        new = _new_hashes(h, idx, run_new, block)
        doc = np.repeat(np.arange(len(lens), dtype=idx.dtype), lens)[idx]
    _order_collided(h, idx, new, run_new, doc)
    del run_new
    pos = idx
    pos -= starts.astype(idx.dtype)[doc]
    del idx
    return _df_filter(new, doc, pos, max_df, block)


def _group_by_hash(h: np.ndarray, idx_type, block: int = 1 << 20):
    """(indices into ``h`` of the values occurring more than once, grouped by value
    and in index order within a group; where each group starts), or None when
    no value repeats. See :func:`_index_entries`."""
    keys = _sorted_keys(h, block)
    runs = _repeated_runs(keys, len(h), idx_type, block)
    del keys
    if runs is None:
        return None
    idx, run_new = runs
    new = _new_hashes(h, idx, run_new, block)
    _order_collided(h, idx, new, run_new)
    return idx, new


def _index_bits(n: int) -> int:
    """Low bits of a key that hold a flat index below ``n``."""
    return max(n.bit_length(), 1)


def _sorted_keys(h: np.ndarray, block: int) -> np.ndarray:
    """The int64 keys (top bits of each hash | its flat index), sorted. Signed:
    fine, the order of the groups does not matter."""
    n = len(h)
    high = np.int64(~((1 << _index_bits(n)) - 1))
    keys = np.empty(n, dtype=np.int64)
    hashes = h.view(np.int64)
    for lo in range(0, n, block):  # blocks: no index array of the whole corpus
        hi = min(lo + block, n)
        np.bitwise_and(hashes[lo:hi], high, out=keys[lo:hi])
        keys[lo:hi] |= np.arange(lo, hi, dtype=np.int64)
    keys.sort()
    return keys


def _repeated_runs(keys: np.ndarray, n: int, idx_type, block: int):
    """(flat indices of the sorted ``keys`` sharing their top bits with a
    neighbour, in key order; whether each starts a run of equal top bits),
    or None when there are none. Most shingles occur once: one pass in
    blocks, no temporaries over the whole corpus."""
    if n < 2:
        return None
    bits = _index_bits(n)
    low = (1 << bits) - 1
    idx = np.empty(n, dtype=idx_type)  # pages only touched as far as written
    run_new = np.empty(n, dtype=bool)
    done = 0
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        # same[k]: keys[lo - 1 + k] and keys[lo + k] share their top bits (false off the ends)
        a, b = max(lo - 1, 0), min(hi + 1, n)
        same = np.zeros(hi - lo + 1, dtype=bool)
        window = keys[a:b]
        equal = (window[1:] ^ window[:-1]) >> bits == 0
        same[a - (lo - 1):a - (lo - 1) + len(equal)] = equal
        rep = same[:-1] | same[1:]
        kept = keys[lo:hi][rep]
        m = len(kept)
        kept &= low
        idx[done:done + m] = kept
        np.logical_not(same[:-1][rep], out=run_new[done:done + m])
        done += m
    if done == 0:
        return None
    idx.resize(done, refcheck=False)  # shrunk in place: no copy
    run_new.resize(done, refcheck=False)
    return idx, run_new


def _doc_and_low_bits(keys: np.ndarray, h: np.ndarray, lens: np.ndarray, starts: np.ndarray, bits: int,
                      block: int) -> np.ndarray:
    """``keys``' memory (no longer needed) refilled with ``doc << bits | hash &
    low`` for every flat index, a block at a time (no fresh pages)."""
    n = len(keys)
    low = np.int64((1 << bits) - 1)
    ends = starts + lens
    table = keys
    hashes = h.view(np.int64)
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        d0 = int(np.searchsorted(ends, lo, side="right"))
        d1 = int(np.searchsorted(ends, hi - 1, side="right")) + 1
        counts = np.minimum(ends[d0:d1], hi) - np.maximum(starts[d0:d1], lo)
        out = table[lo:hi]
        out[:] = np.repeat(np.arange(d0, d1, dtype=np.int64) << bits, counts)
        out |= hashes[lo:hi] & low
    return table


def _gather_doc_and_low(table: np.ndarray, idx: np.ndarray, run_new: np.ndarray, bits: int, idx_type,
                        block: int):
    """(document of each entry ``idx``, where a new full hash starts) from ``table``
    of :func:`_doc_and_low_bits`: within a run of equal top bits, a change of
    the low hash bits is a new hash."""
    n = len(idx)
    doc = np.empty(n, dtype=idx_type)
    new = np.empty(n, dtype=bool)
    low = np.int64((1 << bits) - 1)
    previous = None
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        got = table.take(idx[lo:hi])  # (take: a faster gather than table[...])
        np.right_shift(got, bits, out=doc[lo:hi], casting="unsafe")
        got &= low
        changed = new[lo:hi]
        changed[1:] = got[1:] != got[:-1]
        changed[0] = previous is None or got[0] != previous
        changed |= run_new[lo:hi]
        previous = got[-1]
    return doc, new


def _new_hashes(h: np.ndarray, idx: np.ndarray, run_new: np.ndarray, block: int) -> np.ndarray:
    """Where a new full hash starts among the entries ``idx`` (runs of equal top bits)."""
    n = len(idx)
    new = np.empty(n, dtype=bool)
    previous = None
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        got = h[idx[lo:hi]]
        changed = new[lo:hi]
        changed[1:] = got[1:] != got[:-1]
        changed[0] = previous is None or got[0] != previous
        changed |= run_new[lo:hi]
        previous = got[-1]
    return new


def _order_collided(h: np.ndarray, idx: np.ndarray, new: np.ndarray, run_new: np.ndarray,
                    doc: np.ndarray | None = None) -> None:
    """Put the rare runs of equal top bits holding several full hashes in (hash,
    flat index) order, in place (``doc``, the entries' documents, along), and
    mark where their hashes start in ``new``."""
    collided = new & ~run_new
    if not collided.any():
        return
    run_bounds = np.r_[np.flatnonzero(run_new), len(idx)]
    runs = np.unique(np.searchsorted(run_bounds, np.flatnonzero(collided), side="right") - 1)
    rows = np.concatenate([np.arange(run_bounds[r], run_bounds[r + 1]) for r in runs.tolist()])
    run_of_row = np.repeat(runs, run_bounds[runs + 1] - run_bounds[runs])
    full = h[idx[rows]]
    order = np.lexsort((idx[rows], full, run_of_row))
    idx[rows] = idx[rows][order]
    if doc is not None:
        doc[rows] = doc[rows][order]
    full = full[order]
    new[rows] = np.r_[True, full[1:] != full[:-1]] | run_new[rows]


def _df_filter(new: np.ndarray, doc: np.ndarray, pos: np.ndarray, max_df: int, block: int = 1 << 20):
    """(group sizes, doc, pos) of the groups (starting where ``new``) found in
    2..max_df distinct documents; ``doc`` and ``pos`` are compacted in place
    (their memory reused: no fresh copies of the entries)."""
    if len(new) == 0:
        return np.zeros(0, dtype=np.int64), doc, pos
    starts = np.flatnonzero(new)
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = len(new)
    sizes = ends - starts
    # a group lists its documents in order: it spans two or more documents
    # exactly when its first and last differ
    ends -= 1
    good = doc.take(starts) != doc.take(ends)
    del ends
    # only a group of more than max_df entries can hold more than max_df documents: count those
    big = np.flatnonzero(good & (sizes > max_df))
    if len(big):
        good[big] = _distinct_docs(doc, starts[big], sizes[big]) <= max_df
    del starts
    if good.all():
        return sizes, doc, pos
    keep = np.repeat(good, sizes)
    m = _compact_in_place(keep, doc, pos, block=block)
    return sizes[good], doc[:m], pos[:m]


def _distinct_docs(doc: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The number of distinct documents in each group ``doc[starts[g]:starts[g] + sizes[g]]``
    (the documents of a group are in order: one more than its changes of document)."""
    first = np.cumsum(sizes) - sizes
    rows = np.repeat(starts - first, sizes) + np.arange(int(sizes.sum()))
    d = doc.take(rows)
    changed = np.empty(len(d), dtype=np.int64)
    changed[0] = 1
    np.not_equal(d[1:], d[:-1], out=changed[1:], casting="unsafe")
    changed[first] = 1
    return np.add.reduceat(changed, first)


def _compact_in_place(keep: np.ndarray, *arrays: np.ndarray, block: int = 1 << 20) -> int:
    """Move the entries where ``keep`` to the front of each array, in order, a block
    at a time (a block is read before anything is written over it); returns how many."""
    done = 0
    for lo in range(0, len(keep), block):
        mask = keep[lo:lo + block]
        m = int(np.count_nonzero(mask))
        for a in arrays:
            a[done:done + m] = a[lo:lo + block][mask]
        done += m
    return done


def _pair_step(i: np.ndarray, k: int, doc, pos, cl, n_docs: int, lim: int, widths, parts: list) -> None:
    """Append to ``parts`` the match points of entries ``i`` and ``i + k`` (same group)."""
    j = i + k
    ok = cl.take(i) != cl.take(j)  # the same document is in the same cluster (take: faster gathers)
    ii, jj = i[ok], j[ok]
    pair = doc.take(jj).astype(np.int64) * n_docs + doc.take(ii)  # a group is in doc order: doc[ii] <= doc[jj]
    t, s = pos.take(jj).astype(np.int64), pos.take(ii)
    if widths is None:
        parts.append((pair, t, s.astype(np.int64)))
        return
    diag = t - s
    diag += lim
    diag <<= widths[2]
    pair <<= widths[1] + widths[2]
    pair |= diag
    pair |= t
    parts.append(pair)


def _match_points(sizes: np.ndarray, doc: np.ndarray, pos: np.ndarray, cluster: np.ndarray, n_docs: int,
                  block: int = 1 << 20):
    """Every two occurrences of one hash in documents of different clusters, sorted
    by (pair key, diagonal t - s, target pos t).

    The pair key is ``target * n_docs + source``, target = the later document.
    Returns ``(codes, layout)``: int64 codes with the three fields packed
    (``layout`` = their widths and the offset added to the diagonal), or, when
    they don't fit in 63 bits, ``((key, t, s), None)`` as sorted columns.
    Entries of a group are paired by their distance k (1, 2, ...), so each
    step is array work over the groups still longer than k; the first
    entries of the pairs are taken ``block`` at a time, to bound the
    temporaries.
    """
    lim = int(pos.max()) + 1 if len(pos) else 1
    widths = _point_widths(n_docs, lim)
    packed = sum(widths) <= 63
    # where each group starts (and the end): entry i pairs with i + k while no group
    # starts in i + 1..i + k (a byte per entry, not a group end of 4 or 8)
    group_start = np.zeros(len(doc) + 1, dtype=bool)
    group_start[np.cumsum(sizes) - sizes] = True
    group_start[-1] = True
    cl = cluster.astype(_int_type(2 * n_docs)).take(doc)
    parts = []
    for lo in range(0, len(doc), block):
        i = np.arange(lo, min(lo + block, len(doc)), dtype=doc.dtype)
        k = 1
        i = i[~group_start[lo + 1:lo + 1 + len(i)]]
        while len(i):
            _pair_step(i, k, doc, pos, cl, n_docs, lim, widths if packed else None, parts)
            k += 1
            i = i[~group_start.take(i + k)]
    del group_start, cl
    return _sorted_points(parts, widths if packed else None, lim)


def _point_widths(n_docs: int, lim: int) -> tuple[int, int, int]:
    return max((n_docs * n_docs).bit_length(), 1), (2 * lim).bit_length(), lim.bit_length()


def _sorted_points(parts: list, widths, lim: int):
    """The match points of ``parts`` (from :func:`_pair_step`) sorted, as :func:`_match_points` returns them."""
    if widths is not None:
        code = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        parts.clear()
        code.sort()
        return code, (widths, lim)
    key, t, s = (np.concatenate([p[c] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
                 for c in range(3))
    parts.clear()
    order = np.lexsort((t, t - s, key))
    return (key[order], t[order], s[order]), None


def _seeds(points, layout):
    """Maximal verbatim runs of the sorted match points of :func:`_match_points`:
    (key, t0, t1, s0, s1), t1/s1 = last shingle start."""
    if layout is None:
        key, t, s = points
        d = t - s
        brk = np.r_[True, (key[1:] != key[:-1]) | (d[1:] != d[:-1]) | (t[1:] != t[:-1] + 1)]
        st = np.flatnonzero(brk)
        en = np.r_[st[1:], len(t)] - 1
        t0, t1, dd = t[st], t[en], d[st]
        return key[st], t0, t1, t0 - dd, t1 - dd
    (_, d_bits, t_bits), lim = layout
    code = points
    # t is the lowest field and never reaches its field's top value: the next
    # point of a run (same key and diagonal, t + 1) is the code + 1
    st = np.flatnonzero(np.r_[True, np.diff(code) != 1])
    en = np.r_[st[1:], len(code)] - 1
    first = code[st]
    t1 = code[en] & ((1 << t_bits) - 1)
    t0 = first & ((1 << t_bits) - 1)
    dd = ((first >> t_bits) & ((1 << d_bits) - 1)) - lim
    return first >> (d_bits + t_bits), t0, t1, t0 - dd, t1 - dd


def _chain(seeds: list[tuple[int, int, int, int]], max_gap: int, max_shift: int):
    """Chain seeds (t0, t_end, s0, s_end; token ends exclusive) sorted by t0."""
    done, open_ = [], []
    for a0, ae, b0, be in seeds:
        # one pass: close the chains the seed is past, pick the best of the others
        still, best, best_score = [], None, None
        for c in open_:
            gt = a0 - c[1]
            if gt > max_gap:
                done.append(c)
                continue
            still.append(c)
            gs = b0 - c[3]
            if -W < gt and -W < gs <= max_gap and -max_shift <= gt - gs <= max_shift:
                score = 2 * abs(gt - gs) + max(gt, gs)
                if best is None or score < best_score:
                    best, best_score = c, score
        open_ = still
        if best is None:
            open_.append([a0, ae, b0, be, [(a0, ae)]])
        else:
            best[1] = max(best[1], ae)
            best[2] = min(best[2], b0)
            best[3] = max(best[3], be)
            best[4].append((a0, ae))
    return done + open_


def _chains(pair_start: np.ndarray, t0, te, s0, se, max_gap: int, max_shift: int, slots: int = 8):
    """:func:`_chain` for all document pairs at once (and :func:`_covered` of each chain).

    Seeds (token ends exclusive) are sorted by pair, then t0, then s0;
    ``pair_start`` marks each pair's first seed. Step k takes the k-th seed
    of every pair that has one, against that pair's open chains, kept in
    ``slots`` columns: the same closing, the same choice (lowest score, then
    the earliest opened, as the list order of :func:`_chain`), the same
    updates. The target tokens covered grow by what a seed adds past its
    chain's end (seeds come in t0 order). A pair that would need more open
    chains than ``slots`` is left out: it is flagged in ``overflow``.

    Returns (overflow per pair, and for every chain of the other pairs:
    pair number, a0, ae, b0, be, covered), chains grouped by pair.
    """
    first = np.flatnonzero(pair_start)
    count = np.diff(np.r_[first, len(t0)])
    n_pairs = len(first)
    by_count = np.argsort(-count, kind="stable")  # the pairs with a k-th seed come first
    n_active = np.searchsorted(-count[by_count], -np.arange(int(count.max(initial=0))), side="left").tolist()
    first = first[by_count]
    # row i of the state is pair by_count[i]: the active pairs are a leading
    # slice, worked on in place (no gather and scatter back at every step)
    is_open = np.zeros((n_pairs, slots), dtype=bool)
    state = np.zeros((6, n_pairs, slots), dtype=np.int64)  # a0, ae, b0, be, covered, opening number
    overflow = np.zeros(n_pairs, dtype=bool)
    out = []
    never = np.iinfo(np.int64).max
    for k, active in enumerate(n_active):
        pairs = by_count[:active]
        seed = first[:active] + k
        a0, ae, b0, be = t0[seed, None], te[seed, None], s0[seed, None], se[seed, None]
        opened = is_open[:active]
        st = state[:, :active]
        gt, gs = a0 - st[1], b0 - st[3]
        close = opened & (gt > max_gap)
        if close.any():
            r, c = np.nonzero(close)
            out.append(np.stack([pairs[r], *(st[f, r, c] for f in range(5))], axis=1))
            opened &= ~close
        shift = gt - gs
        fits = opened & (gt > -W) & (gs > -W) & (gs <= max_gap) & (np.abs(shift) <= max_shift)
        score = 2 * np.abs(shift) + np.maximum(gt, gs)
        rank = np.where(fits, score * (len(t0) + 1) + st[5], never)
        best = np.argmin(rank, axis=1)
        rows = np.arange(len(pairs))
        joins = rank[rows, best] != never
        # join: the chain takes the seed
        r, c = rows[joins], best[joins]
        old_end = st[1, r, c]
        st[4, r, c] += np.maximum(ae[r, 0] - np.maximum(a0[r, 0], old_end), 0)
        st[1, r, c] = np.maximum(old_end, ae[r, 0])
        st[2, r, c] = np.minimum(st[2, r, c], b0[r, 0])
        st[3, r, c] = np.maximum(st[3, r, c], be[r, 0])
        # no chain takes it: it opens one in the first free slot
        r = rows[~joins]
        free = ~opened[r]
        c = np.argmax(free, axis=1)
        room = free[np.arange(len(r)), c]
        overflow[pairs[r[~room]]] = True
        r, c = r[room], c[room]
        opened[r, c] = True
        for f, v in enumerate((a0[r, 0], ae[r, 0], b0[r, 0], be[r, 0], ae[r, 0] - a0[r, 0], np.full(len(r), k))):
            st[f, r, c] = v
    r, c = np.nonzero(is_open)
    out.append(np.stack([by_count[r], *(state[f, r, c] for f in range(5))], axis=1))
    chains = np.concatenate(out)
    chains = chains[~overflow[chains[:, 0]]]
    chains = chains[np.argsort(chains[:, 0], kind="stable")]
    return overflow, chains


def _covered(intervals: list[tuple[int, int]]) -> int:
    tot, cur_s, cur_e = 0, None, None
    for s, e in sorted(intervals):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                tot += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        tot += cur_e - cur_s
    return tot


def _extend(tt: list, st: list, a: int, b: int, step: int, xdrop: int = 3) -> tuple[int, int]:
    """Ungapped extension past a chain end, token by token (+1 same, -2 different).

    Starts at target index ``a`` / source index ``b`` and walks by ``step``
    (+1 right, -1 left); stops when the score falls ``xdrop`` below its best.
    Returns (tokens to extend by, matching tokens among them) at the best score,
    so a single substituted word followed by matching words is bridged.
    """
    score = best = matched = best_len = best_matched = 0
    i, nt, ns = 0, len(tt), len(st)
    while 0 <= a < nt and 0 <= b < ns:
        if tt[a] == st[b]:
            score += 1
            matched += 1
        else:
            score -= 2
        i += 1
        a += step
        b += step
        if score > best:
            best, best_len, best_matched = score, i, matched
        elif best - score > xdrop:
            break
    return best_len, best_matched


def _extend_all(tok_hash: np.ndarray, tok_off: np.ndarray, tgt: np.ndarray, src: np.ndarray,
                a: np.ndarray, b: np.ndarray, step: int, xdrop: int = 3,
                window: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_extend` of many chain ends at once (documents ``tgt``/``src`` of the
    flat token hashes, starting at their token indices ``a``/``b``).

    The first ``window`` steps of every walk are scored as a matrix: running
    score, running best, the step where the walk stops (score more than
    ``xdrop`` below the best, or a document's end). Most walks stop after a
    few steps; the rare one still going at the end of the window is walked
    again by :func:`_extend`.
    """
    n = len(a)
    lengths = np.zeros(n, dtype=np.int64)
    matched = np.zeros(n, dtype=np.int64)
    if n == 0:
        return lengths, matched
    t_base, s_base = tok_off[tgt], tok_off[src]
    t_len, s_len = tok_off[tgt + 1] - t_base, tok_off[src + 1] - s_base
    # tokens left to walk in both documents (none from a start outside them)
    room = np.minimum(t_len - a, s_len - b) if step > 0 else np.minimum(a, b) + 1
    room[(a < 0) | (a >= t_len) | (b < 0) | (b >= s_len)] = 0
    steps = np.arange(window, dtype=np.int64) * step
    inside = np.arange(window)[None, :] < room[:, None]
    t_idx = np.where(inside, (t_base + a)[:, None] + steps, 0)
    s_idx = np.where(inside, (s_base + b)[:, None] + steps, 0)
    same = (tok_hash[t_idx] == tok_hash[s_idx]) & inside
    del t_idx, s_idx
    score = np.cumsum(np.where(same, 1, -2).astype(np.int32), axis=1, dtype=np.int32)
    best = np.maximum.accumulate(np.maximum(score, 0), axis=1)
    stop = (best - score > xdrop) | ~inside
    stops = stop.any(axis=1)
    first_stop = np.where(stops, np.argmax(stop, axis=1), window)
    # the step that stops a walk is never its best: only the steps before it count
    score[np.arange(window)[None, :] >= first_stop[:, None]] = np.iinfo(np.int32).min
    at = np.argmax(score, axis=1)
    rows = np.arange(n)
    gained = score[rows, at] > 0
    lengths[gained] = at[gained] + 1
    matched[gained] = np.cumsum(same, axis=1, dtype=np.int32)[rows, at][gained]
    walking = np.flatnonzero(~stops & (room > window))
    if len(walking):  # still going at the end of the window
        for r in walking.tolist():
            tt = tok_hash[tok_off[tgt[r]]:tok_off[tgt[r] + 1]]
            st = tok_hash[tok_off[src[r]]:tok_off[src[r] + 1]]
            lengths[r], matched[r] = _extend(tt, st, int(a[r]), int(b[r]), step, xdrop)
    return lengths, matched


def _merge_overlapping(found: list[list[int]]) -> list[list[int]]:
    """Merge chains whose target and source spans both overlap (after extension)."""
    found.sort()
    merged: list[list[int]] = []
    for c in found:
        for m in merged:
            if c[0] < m[1] and m[0] < c[1] and c[2] < m[3] and m[2] < c[3]:
                m[0], m[1] = min(m[0], c[0]), max(m[1], c[1])
                m[2], m[3] = min(m[2], c[2]), max(m[3], c[3])
                m[4] += c[4]
                break
        else:
            merged.append(c)
    return merged


def _merge_each_pair(chains: np.ndarray) -> np.ndarray:
    """:func:`_merge_overlapping` of each pair's chains (rows of pair, a0, ae, b0,
    be, covered; grouped by pair); the result is grouped by pair, each pair's
    chains in merged order.

    Merging needs overlapping target spans: a pair whose chains, sorted, each
    start at or after the furthest end before them merges nothing and keeps
    them as they are. Only the other pairs are merged in Python.
    """
    if len(chains) == 0:
        return chains
    chains = chains[np.lexsort(chains[:, ::-1].T)]  # by pair, then as Python sorts the rows
    pair, a0, ae = chains[:, 0], chains[:, 1], chains[:, 2]
    span = int(ae.max()) + 1
    # the furthest target end so far within each pair (earlier pairs lie below)
    reach = np.maximum.accumulate(ae + pair * span)
    overlaps = (pair[1:] == pair[:-1]) & (a0[1:] + pair[1:] * span < reach[:-1])
    if not overlaps.any():
        return chains
    to_merge = np.zeros(int(pair.max()) + 1, dtype=bool)
    to_merge[pair[1:][overlaps]] = True
    mixed = to_merge[pair]
    merged = []
    rows = chains[mixed].tolist()
    lo = 0
    while lo < len(rows):
        hi = lo + 1
        while hi < len(rows) and rows[hi][0] == rows[lo][0]:
            hi += 1
        merged += [[rows[lo][0]] + m for m in _merge_overlapping([r[1:] for r in rows[lo:hi]])]
        lo = hi
    out = np.concatenate([chains[~mixed], np.array(merged, dtype=np.int64)])
    return out[np.argsort(out[:, 0], kind="stable")]


def _containments(corpus: Corpus, spans: np.ndarray) -> np.ndarray:
    """For every span pair (rows of tgt, a0, ae, src, b0, be; token offsets, ends
    exclusive): the share of the target span's distinct 5-grams found in the
    source span (0.0 when it has none), from distinct counts:
    |T & S| = |T| + |S| - |T | S|."""
    tgt, a0, ae, src, b0, be = spans.T
    off = corpus.sh_off
    t_part = (off[tgt] + a0, np.maximum(ae - W + 1 - a0, 0))
    s_part = (off[src] + b0, np.maximum(be - W + 1 - b0, 0))
    n_union, (n_t, n_s) = distinct_in_parts(corpus.sh_hash, [t_part, s_part])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (n_t + n_s - n_union) / n_t  # float64, rounded as Python's int / int
    share[n_t == 0] = 0.0
    return share


def default_max_df(n_docs: int) -> int:
    """Most documents a shingle may occur in and still seed a passage: 20, or
    0.1% of the corpus when that is more (a passage recycled by more documents
    than that is boilerplate)."""
    return max(20, -(-n_docs // 1000))


def find_recycled(docs: Sequence[tuple[str, str]], duplicates: Sequence = (),
                  min_words: int = 12, *, max_df: int | None = None, max_gap: int = 12,
                  max_shift: int = 4, min_cover: float = 0.75,
                  min_similarity: float = 0.25, corpus: Corpus | None = None) -> list[RecycledMatch]:
    """Passages of at least ``min_words`` tokens shared by two documents.

    ``docs`` are (key, text) in a stable order; ``duplicates`` are the
    :class:`DuplicateMatch` records of :func:`find_duplicates`: documents of
    one cluster are not compared with each other. ``max_df`` defaults to
    :func:`default_max_df`. ``corpus`` (:func:`cleaner.dedup.corpus.build` of
    the same texts) saves hashing them again. Results are ordered by target
    position in ``docs``, then target start, then source position.

    Over a memory-mapped corpus (:mod:`.stage`) the index is built in
    hash-range partitions and the passages found for ranges of target
    documents, with scratch files in the corpus's folder (removed after):
    the same results in memory bounded by the partitions. Only the texts of
    documents in found passages are read.
    """
    from .minhash import doc_keys

    keys, _ = doc_keys(docs)
    n = len(keys)
    if len(set(keys)) != n:
        raise ValueError("document keys must be unique")
    index = {k: i for i, k in enumerate(keys)}
    cluster = np.arange(n, dtype=np.int64)
    for m in duplicates:
        if m.key in index and m.of_key in index:
            cluster[index[m.key]] = n + m.cluster
            cluster[index[m.of_key]] = n + m.cluster
    del index
    if corpus is None:
        corpus = build_corpus([t for _, t in docs])
    if max_df is None:
        max_df = default_max_df(n)
    # a text of < W tokens has no 5-gram positions: it takes no part
    ntok = np.diff(corpus.tok_off)
    lens = np.where(ntok >= W, ntok - W + 1, 0)
    settings = dict(max_gap=max_gap, max_shift=max_shift, min_words=min_words, min_cover=min_cover,
                    min_similarity=min_similarity)
    if corpus.mapped:
        found, sims = _recycled_partitioned(corpus, lens, cluster, max_df, settings)
    else:
        flat = corpus.sh_hash if (lens == corpus.n_shingles()).all() else \
            corpus.sh_hash[np.repeat(ntok >= W, corpus.n_shingles())]
        sizes, doc, pos = _index_entries(flat, lens, max_df)
        del flat
        held = list(_match_points(sizes, doc, pos, cluster, n))
        del sizes, doc, pos
        found, sims = _passages(held, corpus, **settings)
    if len(found) == 0:
        return []
    tgt, a0, ae, src, b0, be = found.T
    start_t, end_t, start_s, end_s = _char_offsets(docs, tgt, a0, ae, src, b0, be)
    # by target position, target start, source position, source start (a stable sort)
    order = np.lexsort((start_s, src, start_t, tgt))
    key_of = np.array(keys, dtype=object)
    return list(map(RecycledMatch, key_of[tgt[order]].tolist(), start_t[order].tolist(), end_t[order].tolist(),
                    key_of[src[order]].tolist(), start_s[order].tolist(), end_s[order].tolist(),
                    [round(sim, 6) for sim in sims[order].tolist()]))


# texts read at a time to map token offsets to characters: their offsets (~20 MB
# at 2**12 texts) come from the reused heap instead of fresh pages per group
_TEXTS_AT_ONCE = 1 << 12


def _char_offsets(docs, tgt, a0, ae, src, b0, be):
    """Token offsets -> character offsets, reading only the documents involved,
    a group of them at a time (start_t, end_t, start_s, end_s)."""
    involved = np.unique(np.r_[tgt, src])
    start_t, end_t = np.empty_like(a0), np.empty_like(a0)
    start_s, end_s = np.empty_like(a0), np.empty_like(a0)
    it, is_ = np.searchsorted(involved, tgt), np.searchsorted(involved, src)
    for lo in range(0, len(involved), _TEXTS_AT_ONCE):
        part = involved[lo:lo + _TEXTS_AT_ONCE]
        if hasattr(docs, "token_offsets"):  # a stage's documents: without reading (or from) their texts
            tok_starts, tok_ends, tok_counts = docs.token_offsets(part)
        else:
            tok_starts, tok_ends, tok_counts = token_offsets([docs[d][1] for d in part.tolist()])
        first_tok = np.cumsum(tok_counts) - tok_counts
        rows = np.flatnonzero((it >= lo) & (it < lo + len(part)))
        ft = first_tok[it[rows] - lo]
        start_t[rows], end_t[rows] = tok_starts[ft + a0[rows]], tok_ends[ft + ae[rows] - 1]
        rows = np.flatnonzero((is_ >= lo) & (is_ < lo + len(part)))
        fs = first_tok[is_[rows] - lo]
        start_s[rows], end_s[rows] = tok_starts[fs + b0[rows]], tok_ends[fs + be[rows] - 1]
    return start_t, end_t, start_s, end_s


_NONE = (np.zeros((0, 6), dtype=np.int64), np.zeros(0, dtype=np.float64))
_MAPPED_BLOCK = 1 << 13  # chains extended at a time; spans measured at a time over a mapped corpus


def _blocks(n: int, size: int):
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def _passages(held: list, corpus: Corpus, *, max_gap: int, max_shift: int, min_words: int,
              min_cover: float, min_similarity: float):
    """The passages of the sorted match points of :func:`_match_points` (``held``:
    the list [points, layout], emptied here so that the points are freed once
    seeded): rows of (tgt, a0, ae, src, b0, be) in token offsets, and their
    similarities."""
    n = corpus.n
    points, layout = held
    held.clear()
    if len(points if layout is not None else points[0]) == 0:
        return _NONE
    skey, t0, t1, s0, s1 = _seeds(points, layout)
    del points
    # cheap filter: document pairs sharing no more than one 5-gram (the seeds
    # come in pair order: each pair's seeds are one run)
    first = _group_starts(skey)
    cover = np.add.reduceat(t1 - t0 + W, first)
    good = np.repeat(cover > W, np.diff(np.r_[first, len(skey)]))
    del first, cover
    skey, t0, t1, s0, s1 = skey[good], t0[good], t1[good], s0[good], s1[good]
    if len(skey) == 0:
        return _NONE
    lim = int(max(t0.max(), s0.max())) + 1
    spans = [int(skey.max()) + 1, lim, lim]
    if sum(max(x.bit_length(), 1) for x in spans) <= 63:
        code = np.zeros(len(skey), dtype=np.int64)
        for col, x in zip((skey, t0, s0), spans):
            code <<= max(x.bit_length(), 1)
            code |= col
        order = np.argsort(code)  # (key, t0, s0) is distinct per seed: same order as lexsort
        del code
    else:
        order = np.lexsort((s0, t0, skey))
    skey, t0, t1, s0, s1 = skey[order], t0[order], t1[order], s0[order], s1[order]
    del order

    starts = _group_starts(skey)
    pair_start = np.zeros(len(skey), dtype=bool)
    pair_start[starts] = True
    t1 += W
    s1 += W
    overflow, chains = _chains(pair_start, t0, t1, s0, s1, max_gap, max_shift)
    del pair_start
    # a pair needing more open chains than _chains keeps is chained here, seed by seed
    ends = np.r_[starts[1:], len(skey)]
    more = []
    for g in np.flatnonzero(overflow).tolist():
        g0, g1 = int(starts[g]), int(ends[g])
        seeds = list(zip(t0[g0:g1].tolist(), t1[g0:g1].tolist(), s0[g0:g1].tolist(), s1[g0:g1].tolist()))
        more += [(g, a0, ae, b0, be, _covered(parts)) for a0, ae, b0, be, parts in _chain(seeds, max_gap, max_shift)]
    if more:
        chains = np.concatenate([chains, np.array(more, dtype=np.int64)])
        chains = chains[np.argsort(chains[:, 0], kind="stable")]
    pair_keys = skey[starts]
    del skey, t0, t1, s0, s1, starts, ends, more
    chains = chains[chains[:, 5] > W]  # a lone 5-gram is chance
    g, a0, ae, b0, be, covered = chains.T
    tgt, src = np.divmod(pair_keys[g], n)
    tok_hash, tok_off = corpus.tok_hash, corpus.tok_off
    # in blocks: a mapped corpus touches a few pages per chain end, dropped after each
    # block; in memory, a block's (chains, window) matrices reuse the heap instead of
    # being faulted in afresh at the size of all chains
    right, m_right, left, m_left = (np.zeros(len(tgt), dtype=np.int64) for _ in range(4))
    for lo, hi in _blocks(len(tgt), _MAPPED_BLOCK):
        t, s = tgt[lo:hi], src[lo:hi]
        right[lo:hi], m_right[lo:hi] = _extend_all(tok_hash, tok_off, t, s, ae[lo:hi], be[lo:hi], 1)
        left[lo:hi], m_left[lo:hi] = _extend_all(tok_hash, tok_off, t, s, a0[lo:hi] - 1, b0[lo:hi] - 1, -1)
        drop_pages(tok_hash)
    chains = np.stack([g, a0 - left, ae + right, b0 - left, be + right, covered + m_left + m_right], axis=1)
    del g, a0, ae, b0, be, covered, tgt, src, right, m_right, left, m_left
    g, a0, ae, b0, be, covered = _merge_each_pair(chains).T
    ok = (ae - a0 >= min_words) & (be - b0 >= min_words) & (covered >= min_cover * min_words)
    tgt, src = np.divmod(pair_keys[g[ok]], n)
    found = np.stack([tgt, a0[ok], ae[ok], src, b0[ok], be[ok]], axis=1)  # token offsets
    del chains, g, a0, ae, b0, be, covered, tgt, src
    if len(found) == 0:
        return _NONE
    if corpus.mapped:
        sims = np.zeros(len(found), dtype=np.float64)
        for lo, hi in _blocks(len(found), _MAPPED_BLOCK):
            sims[lo:hi] = _containments(corpus, found[lo:hi])
            drop_pages(corpus.sh_hash)
    else:
        sims = _containments(corpus, found)
    good = sims >= min_similarity
    return found[good], sims[good]


# entries per hash-range partition of the index, and match points per range of
# target documents, over a mapped corpus (about 40 bytes an entry, 8 a point)
_PART_ENTRIES = 1 << 23
_PART_POINTS = 1 << 24


def _recycled_partitioned(corpus: Corpus, lens: np.ndarray, cluster: np.ndarray, max_df: int, settings: dict,
                          part_entries: int | None = None, part_points: int | None = None):
    """:func:`_passages` over a mapped corpus, in bounded memory (see :func:`find_recycled`).

    1. The 5-gram hashes are read in windows and written to one scratch file
       per hash range (their top bits), with their flat index; each range is
       then grouped (:func:`_group_by_hash`) and filtered by document
       frequency on its own, and its entries saved. A hash's occurrences are
       all in one range, so the groups are those of :func:`_index_entries`.
    2. The match points of a document pair depend only on the groups, and
       everything after them only on the pair: the points are made for one
       range of target documents at a time (ranges holding at most about
       ``part_points`` points), each range's passages found on their own.
    """
    import shutil
    import tempfile

    from .minhash import _shingle_windows

    part_entries = _PART_ENTRIES if part_entries is None else part_entries
    part_points = _PART_POINTS if part_points is None else part_points
    n = corpus.n
    total = int(lens.sum())
    if total == 0:
        return _NONE
    parts = 1 << max(int(np.ceil(np.log2(max(total / part_entries, 1)))), 0)
    pbits = parts.bit_length() - 1
    scratch = Path(tempfile.mkdtemp(prefix="recycled-", dir=corpus.folder))
    try:
        idx_type = _int_type(max(total, n))
        # 1. hash ranges to scratch files: hash, document, position
        files = [[open(scratch / f"{c}{p}", "wb") for c in "hdp"] for p in range(parts)]
        try:
            for d0, d1, sh, off in _shingle_windows(corpus):
                counts = np.diff(off)
                if not (lens[d0:d1] == counts).all():
                    sh = sh[np.repeat(lens[d0:d1] > 0, counts)]
                n_win = lens[d0:d1]
                doc = np.repeat(np.arange(d0, d1, dtype=idx_type), n_win)
                pos = np.arange(len(doc), dtype=idx_type)
                pos -= np.repeat((np.cumsum(n_win) - n_win).astype(idx_type), n_win)
                if parts > 1:  # stable radix sort of the small range numbers keeps the flat order
                    which = (sh >> np.uint64(64 - pbits)).astype(np.uint16)
                    order = np.argsort(which, kind="stable")
                    bounds = np.searchsorted(which[order], np.arange(parts + 1))
                    sh, doc, pos = sh[order], doc[order], pos[order]
                else:
                    bounds = [0, len(sh)]
                for p in range(parts):
                    for f, col in zip(files[p], (sh, doc, pos)):
                        col[bounds[p]:bounds[p + 1]].tofile(f)
        finally:
            for group in files:
                for f in group:
                    f.close()
        # each range grouped and filtered; per target document, an upper bound of its match points
        lim = 1
        load = np.zeros(n, dtype=np.float64)
        saved = []
        for p in range(parts):
            h = np.fromfile(scratch / f"h{p}", dtype=np.uint64)
            grouped = _group_by_hash(h, _int_type(len(h)))
            del h
            if grouped is None:
                continue
            idx, new = grouped
            doc = np.fromfile(scratch / f"d{p}", dtype=idx_type)[idx]
            pos = np.fromfile(scratch / f"p{p}", dtype=idx_type)[idx]
            for c in "hdp":
                (scratch / f"{c}{p}").unlink()
            del idx
            sizes, doc, pos = _df_filter(new, doc, pos, max_df)
            if len(sizes) == 0:
                continue
            lim = max(lim, int(pos.max()) + 1)
            rank = np.arange(len(doc), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            load += np.bincount(doc, weights=rank, minlength=n)
            del rank
            name = scratch / f"entries{p}.npz"
            np.savez(name, sizes=sizes, doc=doc, pos=pos)
            saved.append(name)
            del sizes, doc, pos
        # 2. ranges of target documents
        cum = np.cumsum(load)
        del load
        bounds = [0]
        while bounds[-1] < n:
            lo = bounds[-1]
            base = cum[lo - 1] if lo else 0.0
            hi = int(np.searchsorted(cum, base + part_points, side="right"))
            bounds.append(min(max(hi, lo + 1), n))
        widths = _point_widths(n, lim)
        packed = sum(widths) <= 63
        found, sims = [], []
        for t_lo, t_hi in zip(bounds[:-1], bounds[1:]):
            points = []
            for name in saved:
                with np.load(name) as z:
                    sizes, doc, pos = z["sizes"], z["doc"], z["pos"]
                _range_points(sizes, doc, pos, cluster, n, t_lo, t_hi, lim, widths if packed else None, points)
                del sizes, doc, pos
            f, s = _passages(list(_sorted_points(points, widths if packed else None, lim)), corpus, **settings)
            found.append(f)
            sims.append(s)
        return np.concatenate(found), np.concatenate(sims)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _range_points(sizes, doc, pos, cluster, n_docs: int, t_lo: int, t_hi: int, lim: int, widths,
                  parts: list) -> None:
    """:func:`_pair_step` parts of the match points whose target (later) document
    is in ``t_lo..t_hi-1``: every entry of such a document with each earlier
    entry of its group."""
    rank = np.arange(len(doc), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    j = np.flatnonzero((doc >= t_lo) & (doc < t_hi) & (rank >= 1))
    if len(j) == 0:
        return
    cl = cluster[doc].astype(_int_type(2 * n_docs))
    k = 1
    while len(j):
        _pair_step((j - k).astype(doc.dtype), k, doc, pos, cl, n_docs, lim, widths, parts)
        k += 1
        j = j[rank[j] >= k]
