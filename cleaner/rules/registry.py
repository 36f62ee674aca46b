"""The detectors in the order they run, and one call that runs them all."""
from __future__ import annotations

from typing import Callable

from ..document import Document, Edit
from . import RuleContext, blocks, chrome, headers, language, normalize, spam, structure

Detector = Callable[[Document, RuleContext], list[Edit]]

DETECTORS: list[tuple[str, Detector]] = [
    ("structure", structure.detect),
    ("headers", headers.detect),
    ("chrome", chrome.detect),
    ("blocks", blocks.detect),
    ("spam", spam.detect),
    ("language", language.detect),
    ("normalize", normalize.detect),
]


def detect_all(doc: Document, ctx: RuleContext | None = None) -> list[Edit]:
    """Every detector's proposals, concatenated (not resolved)."""
    ctx = ctx if ctx is not None else RuleContext()
    edits: list[Edit] = []
    for _name, detector in DETECTORS:
        edits.extend(detector(doc, ctx))
    return edits
