"""HTML to plain text, as edits over the HTML source.

The page's markup, scripts and whitespace become ``html-markup`` edits over
the decoded source, so the text a detector sees is ``apply(source, edits)``
and the original page can be rebuilt from the cleaned text and the log.
Nothing is fetched and no entity is expanded beyond HTML's own character
references: the parser is the standard library's, which resolves nothing
external.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..document import Edit

RULE = "html-markup"
# Elements whose content is never article text.
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas", "select", "textarea"}
# Elements that start a new line of text.
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_CHARREF = re.compile(r"&#[xX][0-9a-fA-F]+;?|&#[0-9]+;?|&[a-zA-Z][a-zA-Z0-9]*;?")
_WS_OR_WORD = re.compile(r"\s+|\S+")


def declared_encoding(data: bytes) -> str | None:
    """The charset an HTML page declares for itself (meta tag or XML prolog)."""
    from bs4.dammit import EncodingDetector

    return EncodingDetector.find_declared_encoding(data[:65536], is_html=True)


class _Tokens(HTMLParser):
    """Collects visible text pieces and block boundaries with source offsets."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        # ("text", start, end) | ("ref", start, end, decoded) | ("block",)
        self.pieces: list[tuple] = []
        self.skip_depth = 0
        self.skip_stack: list[str] = []

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK:
            self.pieces.append(("block",))
        if tag in _SKIP and tag not in _VOID:
            self.skip_stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.pieces.append(("block",))

    def handle_endtag(self, tag):
        if tag in self.skip_stack:
            while self.skip_stack and self.skip_stack.pop() != tag:
                pass
        if tag in _BLOCK:
            self.pieces.append(("block",))

    def handle_data(self, data):
        if self.skip_stack or not data:
            return
        start = self._pos()
        self.pieces.append(("text", start, start + len(data)))

    def _ref(self):
        if self.skip_stack:
            return
        start = self._pos()
        match = _CHARREF.match(self.source, start)
        if not match:
            return
        decoded = html.unescape(match.group())
        if decoded == match.group():
            self.pieces.append(("text", start, match.end()))
        else:
            self.pieces.append(("ref", start, match.end(), decoded))

    def handle_entityref(self, name):
        self._ref()

    def handle_charref(self, name):
        self._ref()


def extract(source: str) -> list[Edit]:
    """Edits turning HTML ``source`` into its visible text, one block a line."""
    parser = _Tokens(source)
    parser.feed(source)
    parser.close()

    # Visible units in source order: (start, end, replacement or None to copy).
    units: list[tuple[int, int, str | None] | str] = []
    for piece in parser.pieces:
        if piece[0] == "block":
            units.append("\n")
        elif piece[0] == "ref":
            decoded = piece[3]
            units.append(" " if decoded.isspace() and decoded != "\xa0" else (piece[1], piece[2], decoded))
        else:
            _, start, end = piece
            for match in _WS_OR_WORD.finditer(source, start, end):
                units.append(" " if match.group().isspace() else (match.start(), match.end(), None))

    edits: list[Edit] = []
    emitted_end = 0  # source offset just after the last emitted unit
    pending = ""  # separator owed before the next emitted unit
    started = False
    for unit in units:
        if isinstance(unit, str):
            if started and (unit == "\n" or not pending):
                pending = unit
            continue
        start, end, replacement = unit
        separator = pending if started else ""
        if source[emitted_end:start] != separator:
            edits.append(Edit(emitted_end, start, RULE, "markup and layout whitespace", 1.0, separator))
        if replacement is not None:
            edits.append(Edit(start, end, RULE, "character reference", 1.0, replacement))
        emitted_end, pending, started = end, "", True
    tail = "\n" if started else ""
    if source[emitted_end:] != tail:
        edits.append(Edit(emitted_end, len(source), RULE, "markup and layout whitespace", 1.0, tail))
    return edits
