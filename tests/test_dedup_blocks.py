"""The blocked array passes of cleaner.dedup give the same results whatever the block size."""
from __future__ import annotations

import numpy as np
import pytest

from test_dedup import _naive_index  # the reference index, defined once


def _groups(sizes, doc, pos):
    cuts = np.cumsum(sizes)[:-1]
    return sorted(list(zip(d.tolist(), p.tolist())) for d, p in zip(np.split(doc, cuts), np.split(pos, cuts)))


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64, 1 << 20])
def test_passage_index_is_the_same_for_any_block_size(block):
    from cleaner.dedup.passages import _group_by_hash, _index_entries

    rs = np.random.RandomState(5)
    # few distinct values, some differing only in their low bits (their top bits collide)
    base = rs.randint(0, 1 << 62, size=12, dtype=np.int64).astype(np.uint64) << np.uint64(3)
    h = (base[rs.randint(0, 12, size=300)] | rs.randint(0, 3, size=300).astype(np.uint64)).astype(np.uint64)
    lens = [0, 40, 1, 0, 60, 99, 50, 50]
    assert sum(lens) == len(h)
    for max_df in (2, 3, 20):
        expected = sorted(_naive_index(h, lens, max_df).values())
        assert _groups(*_index_entries(h, np.asarray(lens), max_df, block=block)) == expected
    idx, new = _group_by_hash(h, np.int32, block=block)
    starts = np.flatnonzero(new)
    groups = [idx[a:b].tolist() for a, b in zip(starts, np.r_[starts[1:], len(idx)])]
    expected = {}
    for i, v in enumerate(h.tolist()):
        expected.setdefault(v, []).append(i)
    assert sorted(groups) == sorted(g for g in expected.values() if len(g) > 1)


def test_passage_index_without_repeats_is_empty():
    from cleaner.dedup.passages import _index_entries

    h = np.arange(1, 50, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    sizes, doc, pos = _index_entries(h, np.asarray([49]), 20, block=4)
    assert len(sizes) == len(doc) == len(pos) == 0


@pytest.mark.parametrize("block", [1, 5, 64, 1 << 19])
def test_distinct_counts_of_row_slices_are_the_set_sizes(block):
    from cleaner.dedup.shingles import distinct_in_parts, distinct_in_ranges

    rs = np.random.RandomState(7)
    # few distinct values (many repeats), the padding value itself among them
    pool = np.array([0, 1, 2, 3, np.iinfo(np.int64).max, -5], dtype=np.int64).view(np.uint64)
    values = pool[rs.randint(0, len(pool), size=400)]
    n = 60
    parts = []
    for _ in range(2):
        length = rs.randint(0, 30, size=n)
        length[rs.rand(n) < 0.2] = 0
        parts.append((rs.randint(0, 370, size=n), length))
    # slices ending at the last value: their rows' matrix reaches past the end of `values`
    parts[0][0][:3], parts[0][1][:3] = [399, 390, 371], [1, 10, 29]
    parts[1][0][3], parts[1][1][3] = 370, 30

    def distinct(ranges):
        return [len({int(values[s]) for starts, length in ranges for s in range(starts[k], starts[k] + length[k])})
                for k in range(n)]

    for ranges in (parts[:1], parts):
        assert distinct_in_ranges(values, ranges, block=block).tolist() == distinct(ranges)
        union, each = distinct_in_parts(values, ranges, block=block)
        assert union.tolist() == distinct(ranges)
        assert [e.tolist() for e in each] == [distinct([part]) for part in ranges]
