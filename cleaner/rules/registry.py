"""The detectors in the order they run, and one call that runs them all."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..document import Document, Edit, line_span
from . import RuleContext, blocks, chrome, comments, contents, headers, language, normalize, repeats, spam, structure

Detector = Callable[[Document, RuleContext], list[Edit]]

DETECTORS: list[tuple[str, Detector]] = [
    ("structure", structure.detect),
    ("headers", headers.detect),
    ("chrome", chrome.detect),
    ("comments", comments.detect),
    ("contents", contents.detect),
    ("repeats", repeats.detect),
    ("blocks", blocks.detect),
    ("spam", spam.detect),
    ("language", language.detect),
    ("normalize", normalize.detect),
]


# Detectors that score each line on its own (with the document as context):
# a line that the detectors before them remove whole is passed over, as its
# removal is settled. (Their per-line work, language models above all, is
# the dearest of a run, and most of a page's chrome is such lines.)
SKIP_REMOVED = frozenset({"chrome", "spam", "language"})


def detect_all(doc: Document, ctx: RuleContext | None = None) -> list[Edit]:
    """Every detector's proposals, concatenated (not resolved)."""
    ctx = ctx if ctx is not None else RuleContext()
    edits: list[Edit] = []
    seen = 0  # edits already looked at for whole-line removals
    removed: set[int] = set()
    for name, detector in DETECTORS:
        if name in SKIP_REMOVED:
            removed.update(whole_lines_removed(doc, edits[seen:]))
            seen = len(edits)
            edits.extend(detector(doc, replace(ctx, removed_lines=frozenset(removed))))
        else:
            edits.extend(detector(doc, ctx))
    return edits


def whole_lines_removed(doc: Document, edits: list[Edit]) -> list[int]:
    """Starts of the lines of ``doc`` that one of ``edits`` removes whole (see ``line_span``)."""
    spans = {edit.start: edit.end for edit in edits if not edit.replacement}
    if not spans:
        return []
    # (the span of a line is worked out only for the lines an edit starts at)
    return [line.start for line in doc.lines()
            if line.start in spans and spans[line.start] == line_span(line, doc.text)[1]]
