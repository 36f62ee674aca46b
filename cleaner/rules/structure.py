"""Lines that an HTML page placed inside page furniture.

The HTML reader marks text inside navigation, footers, sidebars, share
bars, cookie notices and the like (by tag, or by a word of the element's
class or id) as ``doc.meta["chrome_spans"]``. A line made only of such
text is proposed for removal. Plain-text documents carry no such facts.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from ..document import Document, Edit, line_span
from . import RuleContext


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    spans = doc.meta.get("chrome_spans")
    if not spans:
        return []
    starts = [s for s, _, _ in spans]
    edits = []
    for line in doc.lines():
        if line.blank:
            continue
        i = max(bisect_right(starts, line.start) - 1, 0)
        covered = 0
        reasons = []
        while i < len(spans) and spans[i][0] < line.end:
            start, end, reason = spans[i]
            overlap = min(end, line.end) - max(start, line.start)
            if overlap > 0:
                covered += overlap
                reasons.append(reason)
            i += 1
        visible = len(line.text.replace(" ", ""))
        # Spans cover words only; the spaces between them are not counted.
        if reasons and covered >= visible:
            # the most frequent reason; a tie goes to the first (set order would vary per process)
            if reasons.count(reasons[0]) == len(reasons):
                reason = reasons[0]  # one reason (most lines): nothing to count
            else:
                reason = Counter(reasons).most_common(1)[0][0]
            rule = "caption" if reason.endswith("image caption") else "chrome-block"
            start, end = line_span(line, doc.text)
            edits.append(Edit(start, end, rule, f"page furniture ({reason})", 0.9))
    return edits
