"""Detectors: each module looks at a Document and proposes Edits.

A detector is ``detect(doc, ctx) -> list[Edit]``. It never changes text;
``cleaner.edits`` resolves overlaps and applies edits in one place.
Blank lines left behind by removed lines are tidied centrally
(``cleaner.edits.tidy_blank_lines``), so detectors remove only what they
mean (usually whole lines via ``cleaner.document.line_span``).
"""
from __future__ import annotations

from typing import Mapping
from dataclasses import dataclass, field


@dataclass
class RuleContext:
    """What a detector may know beyond the document itself."""

    lang: str | None = None  # the document's language if given (--lang) or detected
    lang_given: bool = False  # True when the user passed --lang
    # Corpus-wide counts of normalised lines (``.get(norm, 0)``: a dict, or the
    # compact cleaner.line_counts.LineCounts of a run), for template chrome that
    # repeats across a site's pages; empty when cleaning a single document.
    line_counts: Mapping[str, int] = field(default_factory=dict)
    n_docs: int = 1
    # Starts of the lines that the detectors run before this one already remove
    # whole (see cleaner.rules.registry): the later ones need not look at them.
    removed_lines: frozenset[int] = frozenset()
