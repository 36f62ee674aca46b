"""HTML to plain text, as edits over the HTML source.

The page's markup, scripts and whitespace become ``html-markup`` edits over
the decoded source, so the text a detector sees is ``apply(source, edits)``
and the original page can be rebuilt from the cleaned text and the log.
Nothing is fetched and no entity is expanded beyond HTML's own character
references: the tokenizer below resolves nothing external.
"""
from __future__ import annotations

import functools
import html
import re
from typing import NamedTuple

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
    "ticker": "news ticker", "breaking": "breaking-news ticker",
    "cta": "call to action", "author": "author box", "bio": "author box", "biography": "author box",
    "trending": "trending list", "popular": "popular list", "outbrain": "recommendation widget",
    "taboola": "recommendation widget",
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
# So is one holding more than this share of the page's prose (lines of PROSE_WORDS
# words or more) in PROSE_LINES such lines or more: an article's wrapper may be
# named by a furniture word ("sidebar-layout", a newsletter's <article
# class="newsletter">) while menus, comments and cookie notices hold most of
# the page's text. (A footer's one or two long disclaimers can outweigh a short
# article's prose: they are not paragraphs enough.)
MAX_PROSE_SHARE = 0.5
PROSE_WORDS = 20
PROSE_LINES = 3
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
# The markup state outside any element: (block tag, in link, in article/main, content
# class, block node). A block node is ``(number, tag, node around it)``: the innermost
# open block element, numbered in the order the elements open, linked to the block
# element around it (None at the page's top), so a line's block ancestors are a walk away.
_PAGE_STATE = ("div", 0, 0, 0, None)


# -- the tokenizer ---------------------------------------------------------------
# The page is read exactly as the standard library's html.parser.HTMLParser
# (Python 3.11, convert_charrefs=False) read it when this reader was built on it,
# fed the whole page and then closed: the same text runs, tags and references at
# the same offsets, quirks on malformed markup included, so a page's text and log
# are what they were. Common well-formed tokens are read with one match each; any
# other "<" or "&" goes through _markup/_reference, which follow the parser's rules
# case by case. tests/html_reference.py keeps the parser-based reader to compare.

# A plain start tag (ASCII whitespace between attributes, values quoted or bare)
# or a plain end tag, each with the ASCII whitespace before it (one match, not
# two: tags are most of a page's tokens and whitespace runs sit between them);
# ASCII whitespace alone up to other markup; text; a reference closed by ";";
# else group 10 alone: a "<" or "&" the exact rules read. Where the parser's rules
# would read more (a tag name going on past "-", other whitespace, "==", a value
# running into a quote), these patterns stop at a character they cannot continue
# with and fail instead.
_TOKEN = re.compile(r"""
    ([\t\n\r\f ]*+)<([a-zA-Z][a-zA-Z0-9-]*+)
     ((?:[\t\n\r\f ]++[^\s/>="'<]++
         (?:[\t\n\r\f ]*+=[\t\n\r\f ]*+(?:"[^"]*+"|'[^']*+'|[^\s"'<>=`]++))?
     )*+)
     [\t\n\r\f ]*+(/?)>
  | ([\t\n\r\f ]*+)</([a-zA-Z][a-zA-Z0-9-]*+)[\t\n\r\f ]*+>
  | ([\t\n\r\f ]++(?![^<&]))
  | ([^<&]+)
  | (&(?:\#[0-9]++|\#[xX][0-9a-fA-F]++|[a-zA-Z][a-zA-Z0-9]*+);)
  | ([<&])
""", re.VERBOSE)
_START, _END, _SPACE, _TEXT, _REF = 4, 6, 7, 8, 9  # the token's kind: its last group
# In the attributes of a start tag _TOKEN read, the next naming attribute with a
# value (class, id, role, itemprop in any case): the attributes before it are
# passed over whole, so a value holding ` class=x` is never taken for one.
_NAMING_WORD = r"(?:[cC][lL][aA][sS][sS]|[iI][dD]|[rR][oO][lL][eE]|[iI][tT][eE][mM][pP][rR][oO][pP])"
_PLAIN_NAME_END = r"""(?![^\s/>="'<])"""
_NAMING_ATTR = re.compile(rf"""
    (?:[\t\n\r\f ]++(?!{_NAMING_WORD}{_PLAIN_NAME_END}[\t\n\r\f ]*=)[^\s/>="'<]++
       (?:[\t\n\r\f ]*+=[\t\n\r\f ]*+(?:"[^"]*+"|'[^']*+'|[^\s"'<>=`]++))?)*+
    [\t\n\r\f ]++({_NAMING_WORD}){_PLAIN_NAME_END}
    [\t\n\r\f ]*+=[\t\n\r\f ]*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'<>=`]++))
""", re.VERBOSE)

# The parser's own rules for start tags, spelled out of their parts. A tag name
# runs to ASCII whitespace, "/", ">" or NUL; an attribute name follows a quote,
# whitespace or "/"; a value is quoted, or bare up to whitespace or ">" (and may
# be empty, which the backtracking of "\s*" makes of `b= 'c`).
_NAME = r"[a-zA-Z][^\t\n\r\f />\x00]*"
_ATTR_NAME = r"""(?<=['"\s/])[^\s/>][^\s/=>]*"""
_ATTR_VALUE = r"""'[^']*'|"[^"]*"|(?!['"])[^>\s]*"""
_GAP = r"(?:\s|/(?!>))*"  # between attributes: whitespace, and "/" not closing the tag
# How far a start tag reaches (what follows tells whether it is whole).
_TAG_EXTENT = re.compile(
    rf"<{_NAME}(?:[\s/]*(?:{_ATTR_NAME}(?:\s*=+\s*(?:{_ATTR_VALUE})\s*)?{_GAP})*)?\s*")
_TAG_NAME = re.compile(rf"({_NAME}){_GAP}")
_ATTR = re.compile(rf"({_ATTR_NAME})(\s*=+\s*({_ATTR_VALUE}))?{_GAP}")
_INCOMPLETE_AFTER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=/")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
_COMMENT_END = re.compile(r"--\s*>")
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTION_END = re.compile(r"]\s*]\s*>")  # <![CDATA[ ... ]]>
_MS_SECTION_END = re.compile(r"]\s*>")  # <![if ...]>
# A numeric reference is read up to a character that is not a (hex) digit, a
# named one up to one that is not a letter or digit: at the page's end, neither.
_NUMERIC_REF = re.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]")
_NAMED_REF = re.compile(r"&[a-zA-Z][-.a-zA-Z0-9]*[^a-zA-Z0-9]")
# The end of a raw-text element, found case-insensitively (as the parser does,
# so "</ſcript>" is found too, and then read as text by _END_TAG's ASCII name).
_RAW_TEXT = {tag: re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")}

# What _markup and _reference found: a token, or where the reading stops.
_NOTHING, _DATA, _START_TAG, _SELF_CLOSING, _END_TAG_FOUND, _REFERENCE, _STOP, _DATA_STOP = range(8)


def _markup(source: str, i: int, n: int, last: bool):
    """(kind, next offset, detail) for the "<" at ``i`` that _TOKEN did not read.
    ``last``: the page has been fed whole and is being closed (an unfinished
    construct is then text up to its first ">" or next "<"); before, the reading
    stops at it."""
    nxt = source[i + 1:i + 2]
    if nxt in _LETTERS:
        k, kind, detail = _start_tag(source, i)
    elif nxt == "/":
        k, kind, detail = _end_tag(source, i)
    elif source.startswith("<!--", i):
        found = _COMMENT_END.search(source, i + 4)
        k, kind, detail = (found.end() if found else -1), _NOTHING, None
    elif nxt == "?":
        k, kind, detail = _after_gt(source, i + 2), _NOTHING, None
    elif nxt == "!":
        if source.startswith("<![", i):
            k = _marked_section(source, i, n)
        elif source[i:i + 9].lower() == "<!doctype":
            k = _after_gt(source, i + 9)
        else:
            k = _after_gt(source, i + 2)  # a bogus comment: up to ">"
        kind, detail = _NOTHING, None
    elif i + 1 < n:
        return _DATA, i + 1, None  # a lone "<"
    else:
        return _STOP, i, None
    if k >= 0:
        return kind, k, detail
    if not last:
        return _STOP, i, None
    k = source.find(">", i + 1)
    if k >= 0:
        return _DATA, k + 1, None
    k = source.find("<", i + 1)
    return _DATA, (k if k >= 0 else i + 1), None


def _after_gt(source: str, start: int) -> int:
    k = source.find(">", start)
    return k + 1 if k >= 0 else -1


def _start_tag(source: str, i: int):
    """(end or -1 if unfinished, kind, (tag, attributes)) of the start tag at ``i``."""
    j = _TAG_EXTENT.match(source, i).end()
    after = source[j:j + 1]
    if after == ">":
        end = j + 1
    elif after == "/":
        end = j + 2 if source.startswith("/>", j) else -1
    elif not after or after in _INCOMPLETE_AFTER:
        end = -1
    else:
        end = j  # junk after the name (NUL): the tag so far is text
    if end < 0:
        return -1, _NOTHING, None
    name = _TAG_NAME.match(source, i + 1)
    attrs, k = _attributes(source, name.end(), end)
    rest = source[k:end].strip()
    if rest == ">":
        return end, _START_TAG, (name.group(1).lower(), attrs)
    if rest == "/>":
        return end, _SELF_CLOSING, (name.group(1).lower(), attrs)
    return end, _DATA, None


def _attributes(source: str, k: int, end: int) -> tuple[list[tuple[str, str | None]], int]:
    """The attributes (lower-cased name, unescaped value or None) of a start tag
    from ``k`` (after its name) up to ``end``, and where they stop."""
    attrs = []
    while k < end:
        found = _ATTR.match(source, k)
        if not found:
            break
        attr, has_value, value = found.group(1, 2, 3)
        if not has_value:
            value = None
        elif value[:1] in ("'", '"') and value[-1:] == value[:1]:
            value = value[1:-1]
        if value:
            value = html.unescape(value)
        attrs.append((attr.lower(), value))
        k = found.end()
    return attrs, k


def _attribute_list(attrs: str) -> list[tuple[str, str | None]]:
    """The attributes of a start tag from their text as _TOKEN reads it (see _attributes)."""
    return _attributes(attrs, len(attrs) - len(attrs.lstrip()), len(attrs))[0]


def _end_tag(source: str, i: int):
    """(end or -1 if unfinished, kind, tag) of the end tag at ``i`` (outside raw text)."""
    gt = source.find(">", i + 1)
    if gt < 0:
        return -1, _NOTHING, None
    found = _END_TAG.match(source, i)
    if found:
        return gt + 1, _END_TAG_FOUND, found.group(1).lower()
    name = _TAG_NAME.match(source, i + 2)
    if name:  # "</p junk>": the name counts, the rest up to ">" is skipped
        return source.find(">", name.end()) + 1, _END_TAG_FOUND, name.group(1).lower()
    if source.startswith("</>", i):
        return i + 3, _NOTHING, None
    return source.find(">", i + 2) + 1, _NOTHING, None  # "</ x>": a bogus comment


def _marked_section(source: str, i: int, n: int) -> int:
    """The end of the "<![" section at ``i``, -1 if unfinished. A keyword the
    parser does not know makes a bogus comment up to ">" (where the parser itself
    gave up, the old reader read it so)."""
    if i + 3 == n:
        return -1
    name = _SECTION_NAME.match(source, i + 3)
    if not name:
        return _after_gt(source, i + 2)
    if name.end() == n:
        return -1
    keyword = name.group().strip().lower()
    if keyword in ("temp", "cdata", "ignore", "include", "rcdata"):
        found = _SECTION_END.search(source, i + 3)
    elif keyword in ("if", "else", "endif"):
        found = _MS_SECTION_END.search(source, i + 3)
    else:
        return _after_gt(source, i + 2)
    return found.end() if found else -1


def _reference(source: str, i: int, n: int, last: bool):
    """(kind, next offset) for the "&" at ``i`` that _TOKEN did not read."""
    if source.startswith("&#", i):
        found = _NUMERIC_REF.match(source, i)
        if found:
            k = found.end()
            return _REFERENCE, (k if source[k - 1] == ";" else k - 1)
        if source.find(";", i) >= 0:
            return _DATA_STOP, i + 2  # "&#" is text, and the reading stops after it
        return _STOP, i
    found = _NAMED_REF.match(source, i)
    if found:
        k = found.end()
        return _REFERENCE, (k if source[k - 1] == ";" else k - 1)
    if source[i + 1:i + 2] in _LETTERS:  # a name running to the page's end
        if last and n - i == 2:
            return _STOP, i + 1  # "&x" at the end: "x" is text
        return _STOP, i
    if i + 1 < n:
        return _DATA, i + 1
    return _STOP, i


@functools.lru_cache(maxsize=4096)
def _decoded(reference: str) -> str:
    return html.unescape(reference)


# Start tags by name as written: what _read needs of each (see _tag_info).
_TAG_INFOS: dict[str, tuple] = {}


def _tag_info(name: str) -> tuple:
    """(tag, block boundary, block tag reported for its lines or None, void, 1 if
    <a>, 1 if <article>/<main>, _tag_facts without attributes) of a tag name."""
    tag = name.lower()
    line_block = (tag if tag in _LINE_TAGS else "div") if tag in _BLOCK else None
    return (tag, tag in _BLOCK, line_block, tag in _VOID, int(tag == "a"), int(tag in ("article", "main")),
            _tag_facts(tag, "", ""))


def _cached_tag_info(tag_infos: dict, name: str) -> tuple:
    """``_tag_info(name)``, kept in ``tag_infos`` (up to 4096 names: odd pages may name many odd tags)."""
    info = tag_infos.get(name)
    if info is None:
        info = _tag_info(name)
        if len(tag_infos) < 4096:
            tag_infos[name] = info
    return info


# Schema.org microdata a page hides from view (<div itemscope style="display:none">):
# written for search engines, often the article again with its dates, image
# sizes and addresses one to a line. Hidden elements in general are not
# furniture: scripts reveal many, some holding the article itself.
HIDDEN_METADATA = "hidden metadata"
# Furniture that can outweigh the article yet never is it (see _chrome_spans):
# the endings of those reasons.
_NEVER_THE_ARTICLE = (f": {_CHROME_WORDS['comments']}", f": {HIDDEN_METADATA}")
# An <article> in no other <article> is another story's teaser card (a "more
# stories" grid) when the page's biggest such <article> has PROSE_LINES
# paragraphs or more (it is the story) and this one is small beside it: under
# TEASER_SHARE of its text, fewer than PROSE_LINES paragraphs, and another
# class (an article cut into <article> parts repeats its class; a listing of
# small cards, with no story among them, is left to the classifier).
TEASER = "teaser of another story"
TEASER_SHARE = 0.5
TEASER_CLASS_WORDS = 3  # class words naming a teaser candidate (enough to tell a site's kinds of cards apart)


def _teaser_candidate(attrs: list[tuple[str, str | None]]) -> str:
    """The reason given an outermost <article> with no other: a teaser
    candidate, named by the first words of its class (a short reason in the
    log; candidates are told apart by it, see _not_teasers)."""
    words = " ".join(value for name, value in attrs if name == "class" and value).lower().split()
    names = " ".join(words[:TEASER_CLASS_WORDS])
    return f"<article {names}>: {TEASER}" if names else f"<article>: {TEASER}"


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _as_hidden_metadata(tag: str, facts: tuple, hidden: bool) -> tuple[str | None, str | None, bool]:
    """``facts`` (see _tag_facts) with hidden microdata made furniture (``hidden``: the tag is so)."""
    if not hidden or facts[0]:
        return facts
    return (f"<{tag} itemscope>: {HIDDEN_METADATA}", *facts[1:])


@functools.lru_cache(maxsize=8192)
def _attr_facts(tag: str, attrs: str) -> tuple[str | None, str | None, bool]:
    """``_tag_facts`` of a start tag read by _TOKEN, from its attributes' text
    (cached: a page repeats its tags' attributes), with hidden microdata as furniture."""
    match = _NAMING_ATTR.match
    chrome_parts, content_parts = [], []
    found = match(attrs)
    while found:
        name, double, single, bare = found.groups()
        value = double or single or bare
        if value:
            if "&" in value:
                value = html.unescape(value)
            name = name.lower()
            if name != "itemprop":
                chrome_parts.append(value)
            if name != "role":
                content_parts.append(value)
        found = match(attrs, found.end())
    facts = _tag_facts(tag, " ".join(chrome_parts).lower() if chrome_parts else "",
                       " ".join(content_parts).lower() if content_parts else "")
    # (the attributes are parsed only when one may be itemscope: seldom)
    hidden = "itemscope" in attrs.lower() and _hidden_microdata(_attribute_list(attrs))
    return _as_hidden_metadata(tag, facts, hidden)


def _read(source: str) -> tuple[list[tuple], list[str]]:
    """(pieces, furniture reasons): the visible text pieces and block boundaries,
    ``("text", start, end, containers, state)``, ``("ref", start, end, decoded,
    containers, state)``, ``("space",)`` (ASCII whitespace alone between markup)
    or ``("block",)``, and why each furniture container is."""
    pieces: list[tuple] = []
    append = pieces.append
    block_piece = ("block",)
    space_piece = ("space",)
    reasons: list[str] = []  # container id -> why it is furniture
    skip_stack: list[str] = []
    skip_counts: dict[str, int] = {}  # open elements of skip_stack by tag
    # Open elements: (tag, chrome containers inside it, markup state inside it);
    # once an element closes, the one around it gives both again.
    opened: list[tuple] = []
    open_counts: dict[str, int] = {}
    active: tuple = ()  # furniture containers around the current position
    state: tuple = _PAGE_STATE  # (block tag, in link, in article/main, content class, block node)
    blocks_opened = 0  # block elements opened so far: the next block node's number
    raw = None  # the raw-text element (script, style) being read
    token = _TOKEN.match
    tag_infos = _TAG_INFOS
    n = len(source)
    pos = 0
    # The parser read the page when fed (until a construct it could not finish
    # yet), then the rest when closed; what it still had not read then is text.
    for last in (False, True):
        while pos < n:
            if raw is not None:
                found = _RAW_TEXT[raw].search(source, pos)
                if found is None:
                    break  # the rest of the page is the element's
                pos = found.end()
                name = _END_TAG.match(source, found.start())
                if name is None or name.group(1).lower() != raw:
                    continue
                kind, tag, raw = _END_TAG_FOUND, raw, None
            else:
                m = token(source, pos)
                kind = m.lastindex
                if kind == _TEXT:
                    if not skip_stack:
                        append(("text", pos, m.end(), active, state))
                    pos = m.end()
                    continue
                if kind == _SPACE:  # only whitespace between markup: at most a space in the text
                    if not skip_stack:
                        append(space_piece)
                    pos = m.end()
                    continue
                if kind == _START:  # (read here whole: the commonest token)
                    pos = m.end()
                    space, name, attrs, self_closing = m.group(1, 2, 3, 4)  # attrs: their text or ""
                    if space and not skip_stack:
                        append(space_piece)
                    info = tag_infos.get(name) or _cached_tag_info(tag_infos, name)
                    kind = _START_TAG  # (self_closing: "/", a boundary with nothing opened)
                elif kind == _END:
                    pos = m.end()
                    space, name = m.group(5, 6)
                    if space and not skip_stack:
                        append(space_piece)
                    info = tag_infos.get(name)
                    tag = name.lower() if info is None else info[0]
                    kind = _END_TAG_FOUND
                elif kind == _REF:
                    if not skip_stack:
                        text = m.group(9)
                        decoded = _decoded(text)
                        if decoded == text:
                            append(("text", pos, m.end(), active, state))
                        else:
                            append(("ref", pos, m.end(), decoded, active, state))
                    pos = m.end()
                    continue
                else:
                    start = pos
                    if source[pos] == "<":
                        kind, pos, detail = _markup(source, pos, n, last)
                    else:
                        kind, pos = _reference(source, pos, n, last)
                    if kind == _NOTHING:
                        continue
                    if kind == _STOP:
                        break
                    if kind == _DATA or kind == _DATA_STOP:
                        if not skip_stack:
                            append(("text", start, pos, active, state))
                        if kind == _DATA_STOP:
                            break
                        continue
                    if kind == _REFERENCE:
                        if not skip_stack:
                            text = _CHARREF.match(source, start).group()
                            decoded = _decoded(text)
                            end = start + len(text)
                            if decoded == text:
                                append(("text", start, end, active, state))
                            else:
                                append(("ref", start, end, decoded, active, state))
                        continue
                    if kind == _END_TAG_FOUND:
                        tag = detail
                    else:
                        tag, attrs = detail  # attrs: a list of (name, value)
                        info = _cached_tag_info(tag_infos, tag)
                        self_closing = ""
            if kind == _START_TAG:
                tag, boundary, line_block, void, link, article, plain_facts = info
                if boundary:
                    append(block_piece)
                if void or self_closing:
                    continue
                if tag in _SKIP:
                    skip_stack.append(tag)
                    skip_counts[tag] = skip_counts.get(tag, 0) + 1
                    if tag in _RAW_TEXT:
                        raw = tag
                if len(opened) >= MAX_DEPTH:
                    continue
                if not attrs:
                    furniture, masthead, names_article = plain_facts
                elif type(attrs) is str:
                    furniture, masthead, names_article = _attr_facts(tag, attrs)
                else:
                    furniture, masthead, names_article = _as_hidden_metadata(
                        tag, _tag_facts(tag, *_element_names(attrs)), _hidden_microdata(attrs))
                block, in_link, in_article, in_content_class, node = state
                reason = furniture or (None if in_article else masthead)
                if reason is None and tag == "article" and not open_counts.get("article"):
                    # (only a candidate: see _chrome_spans; attributes parsed here: few tags are <article>)
                    reason = _teaser_candidate(_attribute_list(attrs) if type(attrs) is str else attrs)
                if reason:
                    active = active + (len(reasons),)
                    reasons.append(reason)
                # (line_block: the innermost block element's tag, as reported for a line)
                if boundary:
                    node = (blocks_opened, tag, node)
                    blocks_opened += 1
                state = (line_block or block, in_link or link, in_article or article,
                         in_content_class or int(names_article), node)
                opened.append((tag, active, state))
                open_counts[tag] = open_counts.get(tag, 0) + 1
            elif kind == _END_TAG_FOUND:
                if skip_counts.get(tag):
                    while skip_stack:
                        popped = skip_stack.pop()
                        skip_counts[popped] -= 1
                        if popped == tag:
                            break
                if open_counts.get(tag):  # close it and what it left open
                    while True:
                        open_tag = opened.pop()[0]
                        open_counts[open_tag] -= 1
                        if open_tag == tag:
                            break
                    _, active, state = opened[-1] if opened else ("", (), _PAGE_STATE)
                if tag in _BLOCK:
                    append(block_piece)
            elif tag in _BLOCK:  # self-closing: a boundary, nothing opened
                append(block_piece)
    if pos < n and raw is None and not skip_stack:
        append(("text", pos, n, active, state))
    return pieces, reasons


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


def _hidden_microdata(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether a start tag's ``attrs`` (name, value) mark hidden microdata (see HIDDEN_METADATA)."""
    names = {name for name, _ in attrs}
    if "itemscope" not in names:
        return False
    style = next((value for name, value in attrs if name == "style"), None) or ""
    return "hidden" in names or bool(_HIDDEN_STYLE.search(style))


@functools.lru_cache(maxsize=8192)
def _tag_facts(tag: str, chrome_names: str, content_names: str) -> tuple[str | None, str | None, bool]:
    """(why the element is furniture or None, why it is if outside <article>/<main>
    (a page header) or None, whether its class/id names the article), from the
    tag, its class/id/role values and its class/id/itemprop values (joined by
    spaces, lowered). Cached: a page repeats its tags and a site's pages their classes."""
    return (*_chrome_reason(tag, chrome_names), _content_class(content_names))


def _content_class(names: str) -> bool:
    for token in names.split():  # (a loop, not any() over a generator: cheaper for the few tokens)
        if _word_facts(token)[2]:
            return True
    return False


def _chrome_reason(tag: str, names: str) -> tuple[str | None, str | None]:
    """(why the element is furniture, why it is if outside <article>/<main>)."""
    if tag in _CHROME_TAGS:
        return f"<{tag}>: {_CHROME_TAGS[tag]}", None
    chrome_words: set[str] = set()
    header = False
    for token in names.split():
        furniture, masthead, _ = _word_facts(token)
        chrome_words |= furniture
        header = header or masthead
    if chrome_words:
        word = min(chrome_words)  # the first in sorted order, as a scan of sorted(words) finds it
        return f"<{tag} {word}>: {_CHROME_WORDS[word]}", None
    if tag == "header" or header:
        return None, f"<{tag}>: page header"
    return None, None


# Every word _word_facts looks for: a token that is none of them and has no part
# that is one names nothing.
_NAMING_WORDS = _CHROME_WORD_SET | _PAGE_HEADER_WORDS | _CONTENT_WORDS
_NAMES_NOTHING = (frozenset(), False, False)


@functools.lru_cache(maxsize=16384)
def _word_facts(token: str) -> tuple[frozenset[str], bool, bool]:
    """(the furniture words, whether a page header word, whether an article word)
    of one class/id token: the token itself or its alphanumeric parts, for
    furniture only the parts before a layout modifier ("content-with-sidebar":
    a layout with a sidebar, not one). Cached: classes share their tokens."""
    parts = _CLASS_WORDS.findall(token)
    if token not in _NAMING_WORDS and _NAMING_WORDS.isdisjoint(parts):
        return _NAMES_NOTHING  # (most tokens: "col-md-4", "btn")
    cut = next((i for i, part in enumerate(parts) if part in _LAYOUT_MODIFIERS), len(parts))
    words = {token, *parts[:cut]}
    return (frozenset(words & _CHROME_WORD_SET), bool(words & _PAGE_HEADER_WORDS),
            bool(({token, *parts}) & _CONTENT_WORDS))


def extract(source: str) -> list[Edit]:
    """Edits turning HTML ``source`` into its visible text, one block a line."""
    return extract_with_chrome(source)[0]


class ChromeSpans(list):
    """The furniture spans ``(start, end, reason)``, plus ``lines``: one
    ``LineFacts`` per line of the extracted text, for the line classifier."""

    lines: list


class LineFacts(NamedTuple):
    """What the markup says about one line of the extracted text (offsets in that text).

    A named tuple, made in C by ``_new_line_facts`` (a frozen dataclass sets its
    fields one by one through object.__setattr__, for each line of every page)."""

    start: int
    end: int
    tag: str  # the innermost block element of the line's first word ("p", "li", "h2", "div", ...)
    chars: int  # visible characters, spaces between words excluded
    link_chars: int  # of those, inside <a>
    chrome_chars: int  # of those, inside page furniture (see ``_chrome_spans``)
    in_article: bool  # inside <article>/<main>
    content_class: bool  # inside an element whose class/id names the article ("entry-content")
    # The block elements around the line's first word, outermost first: their
    # numbers (in the order they open in the page) and their tags.
    blocks: tuple[int, ...] = ()
    block_tags: tuple[str, ...] = ()


_new_line_facts = functools.partial(tuple.__new__, LineFacts)  # a LineFacts from all its fields in order


def extract_with_chrome(source: str) -> tuple[list[Edit], ChromeSpans]:
    """Like ``extract``, plus the spans of the text (offsets in the extracted
    text) that sit inside page furniture: ``(start, end, reason)``, with
    per-line facts of the markup as the spans' ``lines`` attribute."""
    pieces, reasons = _read(source)

    # The text is the pieces' words, one space between words and "\n" at a
    # block boundary. A piece is worked whole: its words are split at once and
    # only its whitespace runs that are not already one space become edits.
    edits: list[Edit] = []
    # (text start, text end, visible chars, containers, markup state, line number, words or None for a reference)
    placed: list[tuple] = []
    line_no = 0
    line_words = [0]  # words of each line of the text (a character reference counts as one)
    text_len = 0
    emitted_end = 0  # source offset just after the last emitted word
    pending = ""  # separator owed before the next word: "", " " or "\n" (the strongest seen)
    started = False
    for piece in pieces:
        kind = piece[0]
        if kind == "block":
            if started:
                pending = "\n"
            continue
        if kind == "space":
            if started and not pending:
                pending = " "
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
            if len(words) == 1:
                chars = length = last - first
            else:
                chars = sum(map(len, words))
                length = chars + len(words) - 1
        separator = pending if started else ""
        if separator == "\n":
            line_no += 1
            line_words.append(0)
        if first - emitted_end != len(separator) or source[emitted_end:first] != separator:
            edits.append(Edit(emitted_end, first, RULE, "markup and layout whitespace", 1.0, separator))
        if words is None:
            edits.append(Edit(start, end, RULE, "character reference", 1.0, decoded))
            pending = ""
            line_words[line_no] += 1
        else:
            line_words[line_no] += len(words)
            # (one word, or words one plain space apart, as in most text: nothing to search for)
            if length != chars and not _one_space_apart(source, first, last, len(words), length):
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
    return edits, _chrome_spans(placed, reasons, text_len, line_words)


def _one_space_apart(source: str, first: int, last: int, n_words: int, length: int) -> bool:
    """Whether the ``n_words`` words of ``source[first:last]`` (``length``: their
    characters and one per gap) are each one plain space apart, so that
    _ODD_SPACE finds nothing between them."""
    return last - first == length and source.count(" ", first, last) == n_words - 1


def _chrome_spans(placed, reasons: list[str], total: int, line_words: list[int]) -> ChromeSpans:
    """Text spans inside furniture, one a word, ignoring containers that wrap much
    of the page (``total``: the text's length; ``line_words``: words per line)."""
    size = [0] * len(reasons)
    prose_size = [0] * len(reasons)
    prose_lines = [0] * len(reasons)
    counted_line = [-1] * len(reasons)  # the last prose line counted for each container
    prose_total = 0
    for _, _, chars, active, _, line_no, _ in placed:
        for container in active:
            size[container] += chars
        if line_words[line_no] >= PROSE_WORDS:
            prose_total += chars
            for container in active:
                prose_size[container] += chars
                if counted_line[container] != line_no:
                    counted_line[container] = line_no
                    prose_lines[container] += 1
    wrappers = {c for c, n in enumerate(size) if n > MAX_CHROME_SHARE * total}
    wrappers.update(_not_teasers(reasons, size, prose_lines))
    wrappers.update(c for c, n in enumerate(prose_size)
                    if n > MAX_PROSE_SHARE * prose_total and prose_lines[c] >= PROSE_LINES)
    # Readers' comments and hidden metadata are not the article, however much of
    # the page they fill, when the page has paragraphs elsewhere (a page hidden
    # whole until a script shows it, or a wrapper oddly named for comments, is
    # still read).
    if wrappers:
        page_prose_lines = sum(n >= PROSE_WORDS for n in line_words)
        wrappers = {c for c in wrappers if not (reasons[c].endswith(_NEVER_THE_ARTICLE)
                                                and page_prose_lines - prose_lines[c] >= PROSE_LINES)}
    spans = ChromeSpans()
    lines: list[LineFacts] = []
    current: list | None = None  # [start, end, tag, chars, link, chrome, article, content, blocks, tags, line number]
    paths: dict = {}  # block node number -> _block_path of the node (the lines of a block share it)
    for start, end, chars, active, (tag, in_link, in_article, content, node), line_no, words in placed:
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
        if current is None or current[10] != line_no:
            if current is not None:
                lines.append(_new_line_facts(current[:10]))
            numbers, tags = _block_path(node, paths)
            current = [start, end, tag, 0, 0, 0, bool(in_article), bool(content), numbers, tags, line_no]
        current[1] = end
        current[3] += chars
        current[4] += chars * in_link
        current[5] += chars * bool(inner)
    if current is not None:
        lines.append(_new_line_facts(current[:10]))
    spans.lines = lines
    return spans


def _not_teasers(reasons: list[str], size: list[int], prose_lines: list[int]) -> list[int]:
    """The candidates for teaser cards (see TEASER) that are not: the biggest,
    and all when it is no story; those big beside it, or named as it is."""
    candidates = [c for c, reason in enumerate(reasons) if reason.endswith(TEASER)]
    if not candidates:
        return []
    story = max(candidates, key=lambda c: (size[c], -c))
    if prose_lines[story] < PROSE_LINES:
        return candidates
    return [c for c in candidates if size[c] >= TEASER_SHARE * size[story] or prose_lines[c] >= PROSE_LINES
            or reasons[c] == reasons[story]]


def _block_path(node, paths: dict) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(numbers, tags) of the block elements from the page's top down to ``node``
    (``(number, tag, node around it)``), kept in ``paths`` by number for each
    node on the way: a page's lines sit ~12 blocks deep, in blocks they share."""
    if node is None:
        return (), ()
    path = paths.get(node[0])
    if path is not None:
        return path
    above = []  # the nodes up to the first one known (or the top)
    while node is not None and node[0] not in paths:
        above.append(node)
        node = node[2]
    numbers, tags = ((), ()) if node is None else paths[node[0]]
    for number, tag, _ in reversed(above):
        numbers, tags = numbers + (number,), tags + (tag,)
        paths[number] = numbers, tags
    return numbers, tags
