"""Long runs of lines that a document already holds, word for word.

Pages carry their article, or their menu, more than once: one copy per
screen size (the other copies hidden by CSS, which a scrape does not see),
a print version, the header's menu again in the footer. A later copy of a
run of at least MIN_LINES lines and MIN_WORDS words goes; the first copy
is left to the other detectors. Single repeated lines (a pull quote,
"Reply") are no runs and stay.
"""
from __future__ import annotations

from collections import Counter
from itertools import accumulate
from typing import NamedTuple

from ..document import Document, Edit, line_span
from . import RuleContext

RULE = "repeated-block"
MIN_LINES = 8  # lines in a run for it to count as a copy
MIN_WORDS = 150  # words in it (a repeated menu of short labels counts only when this long)
EARLIER_TRIED = 8  # earlier lines equal to a run's first line tried as the start of its original


class Copy(NamedTuple):
    original: int  # index of the original run's first line
    start: int  # index of the copy's first line
    length: int  # lines in each


def repeated_runs(keys: list[str], counts: Counter | None = None) -> list[Copy]:
    """The later copies of long runs of lines (``keys``: the lines, compared as
    they are), each with the earliest run it copies. A copy
    never overlaps its original, and no line is in two copies. ``counts``:
    how often each line occurs (counted here if not given)."""
    n = len(keys)
    if counts is None:
        counts = Counter(keys)  # (in C) a line found once starts no copy and is in none
    repeated = [counts[key] > 1 for key in keys]
    # Repeated lines in a row from each line on: a copy starts only where MIN_LINES follow.
    ahead = [0] * (n + 1)
    for j in range(n - 1, -1, -1):
        if repeated[j]:
            ahead[j] = ahead[j + 1] + 1
    if max(ahead) < MIN_LINES:
        return []  # most pages
    words_before = list(accumulate((key.count(" ") + 1 for key in keys), initial=0))
    seen: dict[str, list[int]] = {}  # line -> its earlier positions
    copies: list[Copy] = []
    j = 0
    while j < n:
        found = None
        if ahead[j] >= MIN_LINES:
            for i in seen.get(keys[j], ())[:EARLIER_TRIED]:
                k = 0
                while k < ahead[j] and i + k < j and keys[i + k] == keys[j + k]:
                    k += 1
                if k >= MIN_LINES and words_before[j + k] - words_before[j] >= MIN_WORDS:
                    found = Copy(i, j, k)
                    break
        step = found.length if found else 1
        for t in range(j, j + step):
            if repeated[t]:
                seen.setdefault(keys[t], []).append(t)
        if found:
            copies.append(found)
        j += step
    return copies


def _may_hold_a_copy(counts: Counter) -> bool:
    """Do the lines found more than once (``counts``: of each line) hold
    MIN_WORDS words between them (a copy's lines are such lines)? Most pages
    repeat only short labels."""
    return sum(text.count(" ") + 1 for text, n in counts.items() if n > 1) >= MIN_WORDS


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    every_line = doc.lines()
    counts = Counter(line.text for line in every_line)  # (in C; the copy search reads them too)
    if not _may_hold_a_copy(counts):
        return []
    lines = [line for line in every_line if not line.blank]
    edits: list[Edit] = []
    # (copies are compared character for character: a page's copies are rendered from one source)
    for original, start, length in repeated_runs([line.text for line in lines], counts):
        first, last = lines[original].index + 1, lines[original + length - 1].index + 1
        reason = f"a copy of lines {first}-{last} ({length} lines)"
        edits.extend(Edit(*line_span(line, doc.text), RULE, reason, 0.9) for line in lines[start:start + length])
    return edits
