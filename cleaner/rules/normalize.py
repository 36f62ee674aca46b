"""Markdown residue and trailing whitespace.

* ``markdown``: the markers of ``**bold**`` / ``__bold__`` pairs (two edits
  per pair, the words stay) and a leading ``#`` heading marker ("## Title").
* ``whitespace-trailing``: spaces and tabs at the end of a line that holds
  text. Whitespace-only lines are left to the central blank-line tidy.

Cleaning the output again proposes nothing: every pattern removed here is
gone afterwards.
"""
from __future__ import annotations

import re

from ..document import Document, Edit
from . import RuleContext

_BOLD_STAR = re.compile(r"\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*")
_BOLD_UNDER = re.compile(r"(?<![\w_])__(?=[^\s_])(.+?)(?<=[^\s_])__(?![\w_])")
_IDENTIFIER = re.compile(r"[a-z0-9_]+")  # __init__ and friends are code, not bold
_HEADING = re.compile(r"^(#{1,6})[ \t]+(?=\S)")
_TRAILING_CHARS = " \t\u00a0\u3000"  # trailing whitespace the tidy-up removes


def _pair_edits(line_start: int, text: str, pattern: re.Pattern, kind: str) -> list[Edit]:
    edits: list[Edit] = []
    for m in pattern.finditer(text):
        inner = m.group(1)
        if kind == "__" and _IDENTIFIER.fullmatch(inner):
            continue
        a, b = line_start + m.start(), line_start + m.end()
        reason = f"markdown bold marker {kind}"
        edits.append(Edit(a, a + 2, "markdown", reason, 0.9))
        edits.append(Edit(b - 2, b, "markdown", reason, 0.9))
    return edits


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    edits: list[Edit] = []
    for line in doc.lines():
        text = line.text
        if not text.strip():
            continue
        m = _HEADING.match(text)
        if m:
            edits.append(Edit(line.start, line.start + m.end(), "markdown",
                              "markdown heading marker", 0.9))
        if "**" in text:
            edits.extend(_pair_edits(line.start, text, _BOLD_STAR, "**"))
        if "__" in text:
            edits.extend(_pair_edits(line.start, text, _BOLD_UNDER, "__"))
        # (no regex scan of every line: only a line that ends in one of these characters has any)
        if text[-1] in _TRAILING_CHARS:
            edits.append(Edit(line.start + len(text.rstrip(_TRAILING_CHARS)), line.end, "whitespace-trailing",
                              "trailing whitespace", 1.0))
    return edits
