"""The page reader as it was before cleaner.io.html had a tokenizer of its own: a
subclass of the standard library's html.parser.HTMLParser (Python 3.11's rules,
convert_charrefs=False). Kept for tests only, as the reference the tokenizer's
pieces and furniture containers are compared with."""
from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser

from cleaner.io.html import (_BLOCK, _CHARREF, _LINE_TAGS, _PAGE_STATE, _SKIP, _VOID, MAX_DEPTH,
                             _as_hidden_metadata, _element_names, _hidden_microdata, _tag_facts,
                             _teaser_candidate)


class _Tokens(HTMLParser):
    """Collects visible text pieces and block boundaries with source offsets."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        # ("text", start, end) | ("ref", start, end, decoded) | ("block",)
        self.pieces: list[tuple] = []
        self.skip_stack: list[str] = []
        self.skip_counts: dict[str, int] = {}  # open elements of skip_stack by tag
        # Open elements: (tag, chrome containers inside it, markup state inside it);
        # once an element closes, the one around it gives both again.
        self.open: list[tuple[str, tuple[int, ...], tuple]] = []
        self.open_counts: dict[str, int] = {}  # open elements by tag
        self.chrome_reasons: list[str] = []  # container id -> why it is furniture
        self.active: tuple[int, ...] = ()  # chrome containers around the current position
        self.state: tuple = _PAGE_STATE  # (block tag, in link, in article/main, content class, block node)
        self.blocks_opened = 0

    @functools.cached_property
    def line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.source)]

    def _pos(self) -> int:
        """The source offset of the token being handled."""
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK:
            self.pieces.append(("block",))
        if tag in _VOID:
            return
        if tag in _SKIP:
            self.skip_stack.append(tag)
            self.skip_counts[tag] = self.skip_counts.get(tag, 0) + 1
        if len(self.open) >= MAX_DEPTH:
            return
        chrome_names, content_names = _element_names(attrs) if attrs else ("", "")
        furniture, masthead, names_article = _as_hidden_metadata(
            tag, _tag_facts(tag, chrome_names, content_names), _hidden_microdata(attrs))
        block, in_link, in_article, in_content_class, node = self.state
        reason = furniture or (None if in_article else masthead)
        if reason is None and tag == "article" and not self.open_counts.get("article"):
            reason = _teaser_candidate(attrs)
        if reason:
            self.active = self.active + (len(self.chrome_reasons),)
            self.chrome_reasons.append(reason)
        if tag in _BLOCK:
            block = tag if tag in _LINE_TAGS else "div"  # the innermost block element's, as reported for a line
            node = (self.blocks_opened, tag, node)
            self.blocks_opened += 1
        self.state = (block, in_link or int(tag == "a"), in_article or int(tag in ("article", "main")),
                      in_content_class or int(names_article), node)
        self.open.append((tag, self.active, self.state))
        self.open_counts[tag] = self.open_counts.get(tag, 0) + 1

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.pieces.append(("block",))

    def handle_endtag(self, tag):
        if self.skip_counts.get(tag):
            while self.skip_stack:
                popped = self.skip_stack.pop()
                self.skip_counts[popped] -= 1
                if popped == tag:
                    break
        if self.open_counts.get(tag):  # close it and what it left open
            while True:
                open_tag = self.open.pop()[0]
                self.open_counts[open_tag] -= 1
                if open_tag == tag:
                    break
            _, self.active, self.state = self.open[-1] if self.open else ("", (), _PAGE_STATE)
        if tag in _BLOCK:
            self.pieces.append(("block",))

    def handle_data(self, data):
        if self.skip_stack or not data:
            return
        start = self._pos()
        self.pieces.append(("text", start, start + len(data), self.active, self.state))

    def _ref(self):
        if self.skip_stack:
            return
        start = self._pos()
        match = _CHARREF.match(self.source, start)
        if not match:
            return
        decoded = html.unescape(match.group())
        if decoded == match.group():
            self.pieces.append(("text", start, match.end(), self.active, self.state))
        else:
            self.pieces.append(("ref", start, match.end(), decoded, self.active, self.state))

    # The standard library's parser gives up on a few malformed declarations
    # ("<![foo[", "<!DOCTYPE x [ junk") by raising AssertionError, which would
    # stop the whole run at one odd page. Browsers read them as a comment up to
    # the next ">"; so does this reader (a markup edit, restorable like any other).
    def parse_marked_section(self, i, report=1):
        # Fixed here (not in the reader as it was): before giving up on "<![" without
        # a name, the parser moves its position past the "<![" (updatepos), and where
        # no ">" follows, the bogus comment does not move it back; the old reader then
        # placed the rest of the page 3 characters late ("age<![ has" read as "ages").
        # The tokenizer reads such a page at its true offsets; so does this reference.
        saved = self.lineno, self.offset, getattr(self, "at", None)
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset, at = saved
            if at is not None:
                self.at = at
            return self.parse_bogus_comment(i, report=0)

    def parse_declaration(self, i):
        try:
            return super().parse_declaration(i)
        except AssertionError:
            return self.parse_bogus_comment(i, report=0)

    def handle_entityref(self, name):
        self._ref()

    def handle_charref(self, name):
        self._ref()


class _OffsetTokens(_Tokens):
    """``_Tokens`` taking a token's offset from the parser's own position
    updates instead of ``getpos()``: HTMLParser calls ``updatepos(i, j)`` for
    each piece of its buffer, in order, before it handles the token at ``j``,
    and that is all ``getpos()``'s line and column are counted from. The buffer
    left unread by ``feed()`` (an unfinished construct at the end) starts at the
    last offset reported. ``updatepos`` is not documented, so this class is used
    only where it gives ``getpos()``'s offsets on a probe page (``_offsets_agree``)."""

    at = 0  # source offset of the token being handled
    base = 0  # source offset of the parser's buffer

    def updatepos(self, i, j):
        if i < j:
            self.at = self.base + j
        return j

    def _pos(self) -> int:
        return self.at

    def close(self):
        self.base = self.at
        super().close()


# Every kind of token HTMLParser reads, on several lines, ending in an unfinished tag.
_PROBE_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>T &amp; t</title><style>p {}\n</style></head>\n"
    "<body class='a\nb'><!-- c\n --><p>one &#8217; two&#x41;\n&nbsp;three&amp x & y</p>\n"
    "<?pi x?><![CDATA[d]]><!x y><br/>< p>1 < 2</ >\n<script>if (a<b) {}</script>"
    "<div\nid=x>four</div ></p junk>\n&foo; &#65 five &#x; six &#; <div class='unfinished"
)


def _offsets_agree() -> bool:
    """Whether ``_OffsetTokens`` reads the probe page exactly as ``_Tokens`` does."""
    try:
        pieces = []
        for cls in (_Tokens, _OffsetTokens):
            parser = cls(_PROBE_PAGE)
            parser.feed(_PROBE_PAGE)
            parser.close()
            pieces.append(parser.pieces)
        return pieces[0] == pieces[1]
    except Exception:  # noqa: BLE001 - any failure means: keep getpos()
        return False


_SPACE_ONLY = re.compile(r"[\t\n\r\f ]+")


def read(source: str) -> tuple[list[tuple], list[str]]:
    """(pieces, furniture reasons) of ``source``, as the old reader gave them, but
    for a text piece of ASCII whitespace alone, ``("space",)`` as the tokenizer
    gives it (read as the same: at most a space between words)."""
    parser = (_OffsetTokens if _offsets_agree() else _Tokens)(source)
    parser.feed(source)
    parser.close()
    pieces = [("space",) if piece[0] == "text" and _SPACE_ONLY.fullmatch(source, piece[1], piece[2]) else piece
              for piece in parser.pieces]
    return pieces, parser.chrome_reasons
