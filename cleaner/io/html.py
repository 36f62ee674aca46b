"""HTML to plain text, as edits over the HTML source.

The page's markup, scripts and whitespace become ``html-markup`` edits over
the decoded source, so the text a detector sees is ``apply(source, edits)``
and the original page can be rebuilt from the cleaned text and the log.
Nothing is fetched and no entity is expanded beyond HTML's own character
references: the parser is the standard library's, which resolves nothing
external.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
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
# Containers whose text is page furniture, by tag or by a word of their class/id.
_CHROME_TAGS = {"nav": "navigation", "footer": "page footer", "aside": "sidebar", "form": "form",
                "button": "button", "figcaption": "image caption"}
_CHROME_WORDS = {
    "nav": "navigation", "navbar": "navigation", "navigation": "navigation", "menu": "menu",
    "breadcrumb": "breadcrumb", "breadcrumbs": "breadcrumb", "share": "share buttons", "sharing": "share buttons",
    "social": "social links", "related": "related links", "cookie": "cookie notice", "cookies": "cookie notice",
    "consent": "cookie notice", "footer": "page footer", "sidebar": "sidebar",
    "newsletter": "newsletter box", "subscribe": "newsletter box", "banner": "banner", "popup": "pop-up",
    "modal": "pop-up", "advert": "advertisement", "advertisement": "advertisement", "ads": "advertisement",
    "promo": "promotion", "comments": "comments", "pagination": "pagination", "tags": "tag list",
    "caption": "image caption", "wp-caption-text": "image caption",
}
_CHROME_WORD_SET = frozenset(_CHROME_WORDS)
# In a class name, the words after one of these describe the layout around the
# element, not the element: "content-with-sidebar", "page-has-comments".
_LAYOUT_MODIFIERS = {"with", "has", "without", "no"}
# A page-level header (outside <article>/<main>) is the site's masthead.
_PAGE_HEADER_WORDS = {"header", "masthead", "topbar", "top-bar"}
_CLASS_WORDS = re.compile(r"[a-z0-9]+")
# A container holding more than this share of the page's text is a wrapper, not furniture.
MAX_CHROME_SHARE = 0.4
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# Class/id words of containers that usually hold the article itself.
_CONTENT_WORDS = {"article", "content", "entry", "post", "story", "body", "text", "main", "blog",
                  "articlebody", "article-body", "post-content", "entry-content", "story-body", "prose"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Block tags reported per line (others report "div").
_LINE_TAGS = {"p", "li", "td", "th", "dd", "dt", "blockquote", "pre", "figcaption", "caption", "title",
              "h1", "h2", "h3", "h4", "h5", "h6"}
_CHARREF = re.compile(r"&#[xX][0-9a-fA-F]+;?|&#[0-9]+;?|&[a-zA-Z][a-zA-Z0-9]*;?")
# A whitespace run between two words that is not one plain space (the text has one there).
_ODD_SPACE = re.compile(r"\s\s+|[^\S ]")
# Elements nested deeper than this are read as siblings at this depth (as browsers
# cap their trees, at 512 in Blink): a page nested 100,000 deep costs no more than a flat one.
MAX_DEPTH = 512


def declared_encoding(data: bytes) -> str | None:
    """The charset an HTML page declares for itself (meta tag or XML prolog)."""
    from bs4.dammit import EncodingDetector

    return EncodingDetector.find_declared_encoding(data[:65536], is_html=True)


# Attributes whose values name an element: class, id and role tell furniture
# (chrome names), class, id and itemprop the article (content names).
_NAMING_ATTRS = frozenset(("class", "id", "role", "itemprop"))
# The markup state outside any element: (block tag, in link, in article/main, content class).
_PAGE_STATE = ("div", 0, 0, 0)


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
        self.state: tuple = _PAGE_STATE  # (block tag, in link, in article/main, content class)

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
        furniture, masthead, names_article = _tag_facts(tag, chrome_names, content_names)
        block, in_link, in_article, in_content_class = self.state
        reason = furniture or (None if in_article else masthead)
        if reason:
            self.active = self.active + (len(self.chrome_reasons),)
            self.chrome_reasons.append(reason)
        if tag in _BLOCK:
            block = tag if tag in _LINE_TAGS else "div"  # the innermost block element's, as reported for a line
        self.state = (block, in_link or int(tag == "a"), in_article or int(tag in ("article", "main")),
                      in_content_class or int(names_article))
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
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
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


def _element_names(attrs: list[tuple[str, str | None]]) -> tuple[str, str]:
    """(the class, id and role values, the class, id and itemprop values), each
    joined by spaces in the tag's order and lower-cased: what ``_tag_facts``
    is asked with. One pass; most tags name none of these (<a href>, <img src>)."""
    chrome_parts, content_parts = [], []
    for name, value in attrs:
        if value and name in _NAMING_ATTRS:
            if name != "itemprop":
                chrome_parts.append(value)
            if name != "role":
                content_parts.append(value)
    return (" ".join(chrome_parts).lower() if chrome_parts else "",
            " ".join(content_parts).lower() if content_parts else "")


@functools.lru_cache(maxsize=8192)
def _tag_facts(tag: str, chrome_names: str, content_names: str) -> tuple[str | None, str | None, bool]:
    """(why the element is furniture or None, why it is if outside <article>/<main>
    (a page header) or None, whether its class/id names the article), from the
    tag, its class/id/role values and its class/id/itemprop values (joined by
    spaces, lowered). Cached: a page repeats its tags and a site's pages their classes."""
    return (*_chrome_reason(tag, chrome_names), _content_class(content_names))


def _content_class(names: str) -> bool:
    if not names:
        return False
    words = set(names.split()) | set(_CLASS_WORDS.findall(names))
    return bool(words & _CONTENT_WORDS)


def _chrome_reason(tag: str, names: str) -> tuple[str | None, str | None]:
    """(why the element is furniture, why it is if outside <article>/<main>)."""
    if tag in _CHROME_TAGS:
        return f"<{tag}>: {_CHROME_TAGS[tag]}", None
    words = set(names.split())
    for token in names.split():
        parts = _CLASS_WORDS.findall(token)
        cut = next((i for i, part in enumerate(parts) if part in _LAYOUT_MODIFIERS), len(parts))
        words.update(parts[:cut])  # "content-with-sidebar": a layout with a sidebar, not one
    chrome_words = words & _CHROME_WORD_SET
    if chrome_words:
        word = min(chrome_words)  # the first in sorted order, as a scan of sorted(words) finds it
        return f"<{tag} {word}>: {_CHROME_WORDS[word]}", None
    if tag == "header" or words & _PAGE_HEADER_WORDS:
        return None, f"<{tag}>: page header"
    return None, None


@functools.cache
def _tokens_reader() -> type[_Tokens]:
    """The tokens reader: offsets from the parser's position updates where they
    agree with getpos() (probed once, on the first page read, not at import)."""
    return _OffsetTokens if _offsets_agree() else _Tokens


def extract(source: str) -> list[Edit]:
    """Edits turning HTML ``source`` into its visible text, one block a line."""
    return extract_with_chrome(source)[0]


class ChromeSpans(list):
    """The furniture spans ``(start, end, reason)``, plus ``lines``: one
    ``LineFacts`` per line of the extracted text, for the line classifier."""

    lines: list


@dataclass(frozen=True)
class LineFacts:
    """What the markup says about one line of the extracted text (offsets in that text)."""

    start: int
    end: int
    tag: str  # the innermost block element of the line's first word ("p", "li", "h2", "div", ...)
    chars: int  # visible characters, spaces between words excluded
    link_chars: int  # of those, inside <a>
    chrome_chars: int  # of those, inside page furniture (see ``_chrome_spans``)
    in_article: bool  # inside <article>/<main>
    content_class: bool  # inside an element whose class/id names the article ("entry-content")


def extract_with_chrome(source: str) -> tuple[list[Edit], ChromeSpans]:
    """Like ``extract``, plus the spans of the text (offsets in the extracted
    text) that sit inside page furniture: ``(start, end, reason)``, with
    per-line facts of the markup as the spans' ``lines`` attribute."""
    parser = _tokens_reader()(source)
    parser.feed(source)
    parser.close()

    # The text is the pieces' words, one space between words and "\n" at a
    # block boundary. A piece is worked whole: its words are split at once and
    # only its whitespace runs that are not already one space become edits.
    edits: list[Edit] = []
    # (text start, text end, visible chars, containers, markup state, line number, words or None for a reference)
    placed: list[tuple] = []
    line_no = 0
    text_len = 0
    emitted_end = 0  # source offset just after the last emitted word
    pending = ""  # separator owed before the next word: "", " " or "\n" (the strongest seen)
    started = False
    for piece in parser.pieces:
        kind = piece[0]
        if kind == "block":
            if started:
                pending = "\n"
            continue
        if kind == "ref":
            _, start, end, decoded, active, state = piece
            if decoded.isspace() and decoded != "\xa0":
                if started and not pending:
                    pending = " "
                continue
            first, last, words, chars, length = start, end, None, len(decoded), len(decoded)
        else:
            _, start, end, active, state = piece
            text = source[start:end]
            words = text.split()
            if not words:
                if started and not pending:
                    pending = " "
                continue
            if started and not pending and text[0].isspace():
                pending = " "
            first = end - len(text.lstrip())
            last = start + len(text.rstrip())
            chars = sum(map(len, words))
            length = chars + len(words) - 1
        separator = pending if started else ""
        line_no += separator == "\n"
        if first - emitted_end != len(separator) or source[emitted_end:first] != separator:
            edits.append(Edit(emitted_end, first, RULE, "markup and layout whitespace", 1.0, separator))
        if words is None:
            edits.append(Edit(start, end, RULE, "character reference", 1.0, decoded))
            pending = ""
        else:
            for run in _ODD_SPACE.finditer(source, first, last):
                edits.append(Edit(run.start(), run.end(), RULE, "markup and layout whitespace", 1.0, " "))
            pending = " " if last < end else ""
        text_len += len(separator)
        placed.append((text_len, text_len + length, chars, active, state, line_no, words))
        text_len += length
        emitted_end, started = last, True
    tail = "\n" if started else ""
    if source[emitted_end:] != tail:
        edits.append(Edit(emitted_end, len(source), RULE, "markup and layout whitespace", 1.0, tail))
    return edits, _chrome_spans(placed, parser.chrome_reasons, text_len)


def _chrome_spans(placed, reasons: list[str], total: int) -> ChromeSpans:
    """Text spans inside furniture, one a word, ignoring containers that wrap much of the page."""
    size = [0] * len(reasons)
    for _, _, chars, active, _, _, _ in placed:
        for container in active:
            size[container] += chars
    wrappers = {c for c, n in enumerate(size) if n > MAX_CHROME_SHARE * total}
    spans = ChromeSpans()
    lines: list[LineFacts] = []
    current: list | None = None  # [start, end, tag, chars, link, chrome, article, content, line number]
    for start, end, chars, active, (tag, in_link, in_article, content), line_no, words in placed:
        if not active or not wrappers:
            inner = active  # (most pages: no container wraps much of the page)
        else:
            inner = [c for c in active if c not in wrappers]
        if inner:
            reason = reasons[inner[-1]]
            if words is None:
                spans.append((start, end, reason))
            else:
                word_start = start
                for word in words:
                    spans.append((word_start, word_start + len(word), reason))
                    word_start += len(word) + 1
        if current is None or current[8] != line_no:
            if current is not None:
                lines.append(LineFacts(*current[:8]))
            current = [start, end, tag, 0, 0, 0, bool(in_article), bool(content), line_no]
        current[1] = end
        current[3] += chars
        current[4] += chars * in_link
        current[5] += chars * bool(inner)
    if current is not None:
        lines.append(LineFacts(*current[:8]))
    spans.lines = lines
    return spans
