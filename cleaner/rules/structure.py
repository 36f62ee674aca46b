"""Lines that an HTML page placed inside page furniture.

The HTML reader marks text inside navigation, footers, sidebars, share
bars, cookie notices and the like (by tag, or by a word of the element's
class or id) as ``doc.meta["chrome_spans"]``. A line made only of such
text is proposed for removal. Plain-text documents carry no such facts.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from itertools import accumulate

from ..document import Document, Edit, line_span
from . import RuleContext


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    spans = doc.meta.get("chrome_spans")
    if not spans:
        return []
    # The spans are words of the text, in order (as the reader marks them): each
    # lies within one line, so a line's furniture is the spans starting in it,
    # found by bisection and their lengths summed from running totals, not one by one.
    starts = [s for s, _, _ in spans]
    total = list(accumulate((e - s for s, e, _ in spans), initial=0))
    edits = []
    for line in doc.lines():
        if line.blank:
            continue
        first = bisect_left(starts, line.start)
        stop = bisect_left(starts, line.end, first)
        if first == stop:
            continue
        covered = total[stop] - total[first]
        visible = len(line.text.replace(" ", ""))
        # Spans cover words only; the spaces between them are not counted.
        if covered >= visible:
            reasons = [reason for _, _, reason in spans[first:stop]]
            # the most frequent reason; a tie goes to the first (set order would vary per process)
            if reasons.count(reasons[0]) == len(reasons):
                reason = reasons[0]  # one reason (most lines): nothing to count
            else:
                reason = Counter(reasons).most_common(1)[0][0]
            rule = "caption" if reason.endswith("image caption") else "chrome-block"
            start, end = line_span(line, doc.text)
            edits.append(Edit(start, end, rule, f"page furniture ({reason})", 0.9))
    return edits
