"""HTML reading: the tokenizer's exact output on quirky markup, and properties of
random messy pages (restorable, no markup in the text, block tags break lines)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import edits as E
from cleaner.io.html import extract_with_chrome


def text_and_facts(page: str):
    edits, spans = extract_with_chrome(page)
    lines = [(f.start, f.end, f.tag, f.chars, f.link_chars, f.chrome_chars, f.in_article, f.content_class)
             for f in spans.lines]
    return E.apply(page, E.resolve(edits)), list(spans), lines


def test_uppercase_tags_references_and_layout_whitespace():
    page = "<P CLASS=Intro>AT&T &amp; Co&#8217;s  \r\n <B>bold</B>&nbsp;x</P><DIV>next</div>"
    assert text_and_facts(page) == (
        "AT&T & Co’s bold\xa0x\nnext\n", [],
        [(0, 18, "p", 15, 0, 0, False, False), (19, 23, "div", 4, 0, 0, False, False)])


def test_a_bad_numeric_reference_stays_text():
    assert text_and_facts("<p>a &#xyz; <b>b</b></p><p>c</p>")[0] == "a &#xyz; b\nc\n"


def test_script_and_style_are_raw_text_and_stray_markup_characters_are_text():
    page = "<p>one<script>var s = '</p>'; if (a<b) {}</script> two</p><style>p{}</style><p>x < y & z</p>"
    assert text_and_facts(page)[0] == "one two\nx < y & z\n"


def test_doctype_comments_processing_instructions_and_self_closing_tags():
    page = "<!DOCTYPE html><p>a<!-- c -- >b<br/>c<div/>d<?pi x?>e</p>"
    assert text_and_facts(page)[0] == "ab\nc\nde\n"


def test_unclosed_elements_and_a_legacy_reference_at_the_end():
    page = "<div><p>unclosed <i>italic<p>next</div>tail &copy 2024"
    assert text_and_facts(page)[0] == "unclosed italic\nnext\ntail © 2024\n"


def test_furniture_spans_are_per_word_and_lines_carry_markup_facts():
    page = ("<nav class=menu><a href=/>Home</a> <a href='/n'>News</a></nav><article><p>"
            + "Body text of the article. " * 4 + "</p></article><footer>(c) Site</footer>")
    text, spans, lines = text_and_facts(page)
    assert text == "Home News\n" + " ".join(["Body text of the article."] * 4) + "\n(c) Site\n"
    assert spans == [(0, 4, "<nav>: navigation"), (5, 9, "<nav>: navigation"),
                     (114, 117, "<footer>: page footer"), (118, 122, "<footer>: page footer")]
    assert lines == [(0, 9, "div", 8, 8, 8, False, False), (10, 113, "p", 84, 0, 0, True, False),
                     (114, 122, "div", 7, 0, 7, False, False)]


def test_lines_carry_the_block_elements_around_them_outermost_first():
    page = ("<html><body><div id=page><header><a href=/>Daily Bugle</a></header>"
            "<div class=story><h1>Budget passes</h1><p>The council <b>approved</b> it.</p>"
            "<figure><img src=x.jpg><figcaption>The mayor</figcaption></figure>"
            "<ul><li><a href=/a>More <span>news</span></a></li><li>Sport<br/>Weather</li></ul></div>"
            "tail text</div></body></html>")
    _, spans = extract_with_chrome(page)
    got = [(f.blocks, f.block_tags) for f in spans.lines]
    assert got == [
        ((0, 1, 2, 3), ("html", "body", "div", "header")),  # Daily Bugle
        ((0, 1, 2, 4, 5), ("html", "body", "div", "div", "h1")),  # Budget passes
        ((0, 1, 2, 4, 6), ("html", "body", "div", "div", "p")),  # The council approved it.
        ((0, 1, 2, 4, 7, 8), ("html", "body", "div", "div", "figure", "figcaption")),  # The mayor
        ((0, 1, 2, 4, 9, 10), ("html", "body", "div", "div", "ul", "li")),  # More news (inline tags are not blocks)
        ((0, 1, 2, 4, 9, 11), ("html", "body", "div", "div", "ul", "li")),  # Sport ("<br/>": a boundary, no element)
        ((0, 1, 2, 4, 9, 11), ("html", "body", "div", "div", "ul", "li")),  # Weather
        ((0, 1, 2), ("html", "body", "div")),  # tail text: back in the page's <div> once the story closed
    ]


def test_unclosed_and_stray_block_tags_give_the_blocks_the_reader_keeps_open():
    # "</div>" closes what it left open (the <p>); a stray "</section>" closes nothing
    _, spans = extract_with_chrome("<div><p>one</div></section><p>two<li>three")
    assert [(f.blocks, f.block_tags) for f in spans.lines] == [
        ((0, 1), ("div", "p")), ((2,), ("p",)), ((2, 3), ("p", "li"))]


def test_declarations_the_standard_parser_rejects_are_read_as_comments():
    # html.parser raises AssertionError on these; a browser skips them up to ">"
    for page, text in (("<p>a<![foo[ x]]>b</p><p>c</p>", "ab\nc\n"),
                       ("<!DOCTYPE html [ junk><p>body</p>", "body\n"),
                       ("<p>tail</p><![if", "tail\n<![if\n")):
        assert text_and_facts(page)[0] == text
        assert_restorable(page)


# -- random pages --------------------------------------------------------------

WORDS = st.sampled_from(["alpha", "Beta", "gamma", "δέλτα", "1999", "x", "end.", "(c)", "e-mail"])
TAG_NAMES = st.sampled_from(["p", "P", "div", "Div", "span", "a", "A", "b", "li", "ul", "nav", "footer", "aside",
                             "article", "main", "header", "h2", "td", "section", "em", "x-widget"])
ATTRIBUTES = st.sampled_from([
    'class="nav"', "class='entry-content'", "class=sidebar", 'id="menu"', "role=navigation",
    'href="/x?a=1&amp;b=2"', "href=/path/", "disabled", 'CLASS="Share"', 'data-x="a > b"', "title='it&#39;s'",
    'class = "post"', "itemprop=articleBody", "data-v=1/"])
REFERENCES = st.sampled_from(["&amp;", "&nbsp;", "&#8217;", "&#x41;", "&foo;", "&lt;", "&#32;"])
# Unterminated: decoded only when a character follows them (not at the page's end).
LOOSE_REFERENCES = st.sampled_from(["&#65", "&copy", "&amp"])
SPACES = st.sampled_from([" ", "  ", "\n", "\r\n", "\t", " \n  "])


@st.composite
def start_tags(draw):
    attributes = draw(st.lists(ATTRIBUTES, max_size=3))
    gap = draw(st.sampled_from([" ", "  ", "\n"]))
    return "<" + draw(TAG_NAMES) + "".join(gap + a for a in attributes) + draw(st.sampled_from([">", " >", "\n>"]))


@st.composite
def inline_runs(draw):
    """Words, references and inline markup (start tags left open or closed), no block boundary."""
    parts = []
    for kind in draw(st.lists(st.sampled_from(["word", "word", "space", "reference", "inline", "comment"]),
                              max_size=12)):
        if kind == "word":
            parts.append(draw(WORDS))
        elif kind == "space":
            parts.append(draw(SPACES))
        elif kind == "reference":
            parts.append(draw(REFERENCES))
        elif kind == "inline":
            tag = draw(st.sampled_from(["b", "I", "span", "a", "em", "Strong"]))
            parts.append(f"<{tag}>" if draw(st.booleans()) else f"</{tag}>")
        else:
            parts.append(draw(st.sampled_from(["<!-- a comment -->", "<!---->", "<!-- <p>x</p> -- >"])))
    return "".join(parts)


@st.composite
def messy_pages(draw):
    """Nested, unclosed and stray tags, raw text, references valid and not, stray "<" and "&", CRLF."""
    parts = []
    for kind in draw(st.lists(st.sampled_from(["start", "end", "text", "text", "raw", "stray", "void", "loose"]),
                              max_size=30)):
        if kind == "start":
            parts.append(draw(start_tags()))
        elif kind == "end":
            parts.append(f"</{draw(TAG_NAMES)}{draw(st.sampled_from(['>', ' >']))}")
        elif kind == "text":
            parts.append(draw(inline_runs()))
        elif kind == "loose":
            parts.append(draw(LOOSE_REFERENCES))
        elif kind == "raw":
            tag = draw(st.sampled_from(["script", "STYLE", "script"]))
            parts.append(f"<{tag}>if (a < b && c) {{ s = '</p>'; }}</{tag}>")
        elif kind == "void":
            parts.append(draw(st.sampled_from(["<br>", "<BR/>", "<hr />", "<img src=x.png alt='<b>'>", "<p/>"])))
        else:
            parts.append(draw(st.sampled_from(["<", "< p", "&", "& ", "&#", "&#;", "<!", "</>", "<?x", "<!-- open",
                                               "<!DOCTYPE html>", "<![CDATA[x]]>", "a<b", "<p class='x"])))
    return "".join(parts)


def assert_restorable(page: str) -> str:
    edits, spans = extract_with_chrome(page)
    resolved = E.resolve(edits)
    assert all(0 <= a.start <= a.end <= b.start for a, b in zip(resolved, resolved[1:]))
    text = E.apply(page, resolved)
    assert E.invert(text, resolved, [page[e.start:e.end] for e in resolved]) == page
    for start, end, reason in spans:
        assert 0 <= start < end <= len(text) and not {" ", "\n"} & set(text[start:end]) and reason  # a word
    assert len(spans.lines) == len([line for line in text.split("\n") if line])
    return text


@settings(max_examples=150, deadline=None)
@given(messy_pages())
def test_any_page_rebuilds_from_its_text_and_edits(page):
    assert_restorable(page)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "div", "li", "h2", "td", "P", "Section"]), start_tags(),
                          inline_runs(), st.booleans()), min_size=1, max_size=8))
def test_block_tags_break_lines_and_no_markup_reaches_the_text(blocks):
    """Each block's words make one line (empty blocks none), whatever the inline
    markup, attributes, references and layout whitespace in it."""
    page = ""
    expected = []
    for block, opener, inline, closed in blocks:
        page += f"{opener}<{block}>{inline}" + (f"</{block}>" if closed else "")
        words = extract_words(inline)
        if words:
            expected.append(" ".join(words))
    text = assert_restorable(page)
    assert text.split("\n")[:-1] == expected


def extract_words(inline: str) -> list[str]:
    """The words of an inline run, worked out independently of the tokenizer."""
    import html
    import re

    without_markup = re.sub(r"<!--.*?--\s*>|<[^>]*>", "", inline, flags=re.S)  # inline markup joins
    decoded = re.sub(r"&[a-zA-Z]+;|&#x?[0-9a-fA-F]+;",
                     lambda m: html.unescape(m.group()), without_markup)
    # A decoded space separates words; a no-break space joins them, as in the text.
    return [word for word in re.split(r"[^\S\xa0]+", decoded) if word]


# -- the tokenizer against the standard library's parser ---------------------------

def test_quirks_of_malformed_markup_are_read_as_the_python_3_11_parser_read_them():
    """What the tokenizer makes of odd markup, whatever Python runs the tests: the
    readings of html.parser.HTMLParser (3.11), which the reader was built on."""
    for page, text in (
            ("<p>a<div\x00>b</p>", "a<div\x00>b\n"),  # NUL after a tag name: the tag so far is text
            ("<a b= 'c>x</a><p>y", "x\ny\n"),  # an empty bare value, then an attribute named 'c
            ("a<b c='d>e<p>f", "a<b c='d>e\nf\n"),  # an unclosed quote: text up to ">"
            ("<script>a</scr ipt>b</ſcript>c</SCRIPT >d", "d\n"),
            ("x &a-b; &#12a; y &#65 z", "x &a &#12a; y A z\n"),  # "-b;" skipped; "&#" stops the first reading
            ("<p>q &am", "q &am\n"), ("<p>q &a", "q a\n"),  # a name running to the end ("&a": "&" dropped)
            ("</ p>x</ >y</>z<!x y>w<?pi>v<!DOCTYPE>u<![CDATA[t]]>s<![if x]>r<!-- c -- >q<x:y>p",
             "xyzwvusrqp\n"),
            ("a\r\nb<P\rCLASS=NAV>c</P\t>", "a b\nc\n"),
            # the old reader placed the text after an unfinished "<![" 3 characters late ("ages maintained")
            ("age<![ has maintained", "age<![ has maintained\n")):
        assert text_and_facts(page)[0] == text, page
        assert_restorable(page)


def reference_read(page: str):
    """The parser-based reader's pieces and furniture containers, or a skip where
    this Python's html.parser reads markup unlike 3.11's (later releases changed it)."""
    import pytest

    import html_reference

    probe = "<p>a<div\x00>b</p><a b= 'c>x</a><script>a</scr ipt>b</script>&#12a; &#65 <!-- c --!> d"
    if html_reference.read(probe) != _PROBE_PIECES:
        pytest.skip("this Python's html.parser is not 3.11's")
    return html_reference.read(page)


_P = ("p", 0, 0, 0, (0, "p", None))  # in the <p>: block element number 0
_PROBE_PIECES = ([("block",), ("text", 3, 4, (), _P), ("text", 4, 8, (), _P),
                  ("text", 8, 11, (), _P), ("block",), ("text", 24, 25, (), ("div", 1, 0, 0, None)),
                  ("text", 58, 60, (), ("div", 0, 0, 0, None)), ("text", 60, 65, (), ("div", 0, 0, 0, None)),
                  ("ref", 65, 69, "A", (), ("div", 0, 0, 0, None)), ("space",),
                  ("text", 70, 81, (), ("div", 0, 0, 0, None)), ("text", 81, 83, (), ("div", 0, 0, 0, None))], [])


def test_the_reference_reads_its_probe_as_recorded():
    import html_reference

    assert html_reference.read("<p>a<div\x00>b</p><a b= 'c>x</a><script>a</scr ipt>b</script>&#12a; &#65 "
                               "<!-- c --!> d") == _PROBE_PIECES


# Fragments of markup, well-formed and not, that the tokenizer's exact rules are for.
MARKUP_ATOMS = st.sampled_from([
    "<", ">", "</", "/>", "&", "&#", "&#x", ";", "=", "==", '"', "'", " ", "\n", "\t", "\r", "\r\n", "\x00", "\x0b",
    "\xa0", "\u2003", "a", "B", "p", "div", "x-y", "script", "SCRIPT", "style", "ſcript", "class", "id", "role",
    "itemprop", "nav", "menu", "<!--", "-->", "--", "-- >", "--!>", "<!", "<![", "[", "]", "]]>", "]>", "CDATA", "if",
    "endif", "<!DOCTYPE", "<!doctype html>", "doctype", "<?", "?>", "&amp", "&amp;", "&#65", "&#x41;", "&#12a;",
    "&a-b;", "&copy", "&nbsp;", "&#0;", "1", "x", "-", ".", ":", "_", "/", "`", "é", "İ", "<p>", "</p>", "<P>",
    "<a href=x>", "</a>", "<nav>", "</nav>", "<script>", "</script>", "</scr", "</script", "<style>", "</style >",
    "<br/>", "<div class='menu'>", "<DIV CLASS=Nav>", "</div>", "itemscope", "hidden", "style", "display:none",
    "<div itemscope hidden>", "<span ITEMSCOPE style='visibility: hidden'>", '<p style="display: none" itemscope>', "<article>", "<article class='a  B'>", "</article>", "<main>", '<p class="entry-content">',
    "<li>", "<h2>", "<title>", "<noscript>", "</noscript>", "<svg>", "<textarea>", "<a b= 'c>", "<a =b>", "<x:y>",
    "</ p>", "</ >", "</>", "<!x y>", "<p/>", "<img src=x>", "<p id=a/b>", "<span class=\"a&amp;b\">", "<p\nclass=x\n>",
    "<a b/c>", "<a b='c'd=\"e\">", "<div role=navigation>", "<header>", "<footer class=x>", "<aside/>"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(MARKUP_ATOMS, max_size=40).map("".join))
def test_the_tokenizer_reads_markup_fragments_as_the_parser_did(page):
    from cleaner.io import html as reader

    assert reader._read(page) == reference_read(page)


@settings(max_examples=300, deadline=None)
@given(messy_pages(), st.lists(st.tuples(st.integers(0, 10**6), MARKUP_ATOMS), max_size=4))
def test_the_tokenizer_reads_messy_pages_as_the_parser_did(page, insertions):
    from cleaner.io import html as reader

    for at, atom in insertions:
        at %= len(page) + 1
        page = page[:at] + atom + page[at:]
    assert reader._read(page) == reference_read(page)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/!?-&#;=\"' \n\r\tab\x00[]", max_size=30))
def test_the_tokenizer_reads_any_string_of_markup_characters_as_the_parser_did(page):
    from cleaner.io import html as reader

    assert reader._read(page) == reference_read(page)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["class", "id", "role", "itemprop", "href", "ID", "data-x"]),
                          st.one_of(st.none(), st.text(alphabet="aB -_İẞ", max_size=6))), max_size=6))
def test_element_names_join_the_naming_attributes_in_tag_order(attrs):
    from cleaner.io import html as reader

    chrome = " ".join(v for k, v in attrs if k in ("class", "id", "role") and v).lower()
    content = " ".join(v for k, v in attrs if k in ("class", "id", "itemprop") and v).lower()
    assert reader._element_names(attrs) == (chrome, content)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["div", "nav", "header", "section", "ul"]),
       st.lists(st.sampled_from(["menu", "nav", "share", "with", "sidebar", "content", "footer", "x1", "has",
                                 "ads", "cookie", "masthead", "top-bar", "-", "_", "related"]), max_size=6),
       st.sampled_from([" ", "-", "_", "--"]))
def test_chrome_reason_names_the_alphabetically_first_furniture_word(tag, words, joiner):
    """The furniture word reported is the first of the element's words in sorted order."""
    import re

    from cleaner.io import html as reader

    names = joiner.join(words)
    found = set(names.split())
    for token in names.split():
        parts = re.findall(r"[a-z0-9]+", token)
        cut = next((i for i, part in enumerate(parts) if part in reader._LAYOUT_MODIFIERS), len(parts))
        found.update(parts[:cut])
    expected = (None, None)
    if tag in reader._CHROME_TAGS:
        expected = (f"<{tag}>: {reader._CHROME_TAGS[tag]}", None)
    else:
        for word in sorted(found):
            if word in reader._CHROME_WORDS:
                expected = (f"<{tag} {word}>: {reader._CHROME_WORDS[word]}", None)
                break
        else:
            if tag == "header" or found & reader._PAGE_HEADER_WORDS:
                expected = (None, f"<{tag}>: page header")
    assert reader._chrome_reason(tag, names) == expected


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["div", "DIV", "nav", "header", "p", "section", "a"]),
       st.lists(st.tuples(st.sampled_from(["class", "CLASS", "Id", "id", "role", "itemprop", "classes", "idx",
                                           "data-id", "title", "href", "x:class"]),
                          st.sampled_from(["", "=", '=""', "=menu", '="Nav Menu"', "='entry-content'",
                                           '=" class=share"', "='a&amp;b'", '="sidebar"', "=navigation",
                                           " = 'post'", '="main content"', "=a/b", '="x" ']),
                          st.sampled_from([" ", "  ", "\n", "\t"])), max_size=5),
       st.sampled_from([">", "/>", " >", "\n>"]))
def test_a_start_tags_naming_attributes_are_read_as_the_parser_did(tag, attrs, close):
    """class, id, role and itemprop values, however the attributes around them are
    written, give an element the same furniture and article facts as before."""
    from cleaner.io import html as reader

    page = "<" + tag + "".join(gap + name + value for name, value, gap in attrs) + close + "Text</" + tag + ">"
    assert reader._read(page) == reference_read(page)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", " ", "\n  ", "\t", "\r\n", "\f", "\x0b", "\xa0", " \u2003 ", "x "]),
                          st.sampled_from(["<p>", "</p>", "<b>", "</b>", "<div class='nav'>", "</div>", "<br/>",
                                           "<script>", "</script>", "<svg>", "</svg>", "<!-- c -->", "< p>", "&amp;",
                                           "word", "<a\nhref=x>", "</a >"])), max_size=12),
       st.sampled_from(["", " ", "\n"]))
def test_whitespace_before_a_tag_is_read_with_it_as_the_parser_did(runs, tail):
    """The tokenizer reads an ASCII whitespace run and the tag after it in one
    match: the pieces are those of reading them apart (the parser's)."""
    from cleaner.io import html as reader

    page = "".join(space + token for space, token in runs) + tail
    assert reader._read(page) == reference_read(page)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["nav", "menu", "x1", "with", "has", "-", "_", "content", "entry", "top", "bar",
                                 "top-bar", "header", "wp", "caption", "text", "col", "md", "İ", "ß", "no", "post"]),
                max_size=6).map("".join))
def test_word_facts_of_a_token_naming_nothing_are_found_without_the_full_analysis(token):
    """The shortcut for a token none of whose parts is a word the facts look for
    gives what the full analysis (parts, layout cut, three intersections) gives."""
    import re

    from cleaner.io import html as reader

    parts = re.findall(r"[a-z0-9]+", token)
    cut = next((i for i, part in enumerate(parts) if part in reader._LAYOUT_MODIFIERS), len(parts))
    words = {token, *parts[:cut]}
    expected = (frozenset(words & reader._CHROME_WORD_SET), bool(words & reader._PAGE_HEADER_WORDS),
                bool({token, *parts} & reader._CONTENT_WORDS))
    assert reader._word_facts.__wrapped__(token) == expected
    names = " ".join([token, "x", token])
    assert reader._content_class(names) == any(reader._word_facts(t)[2] for t in names.split())


def test_line_facts_made_from_a_list_of_fields_are_the_named_tuple():
    from cleaner.io.html import LineFacts, _new_line_facts

    fields = [3, 9, "li", 5, 2, 0, True, False, (1, 4), ("div", "ul")]
    facts = _new_line_facts(fields)
    assert type(facts) is LineFacts and facts == LineFacts(*fields)
    assert (facts.start, facts.end, facts.tag, facts.chars, facts.link_chars, facts.chrome_chars, facts.in_article,
            facts.content_class, facts.blocks, facts.block_tags) == tuple(fields)



_SPACED = st.lists(st.sampled_from(["a", "bc", "é", " ", " ", "  ", "\n", "\t", "\xa0", "\u2003", "\x1c", "\x0b", "\r"]),
                   max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(_SPACED)
def test_words_one_plain_space_apart_hold_no_whitespace_to_replace(text):
    from cleaner.io import html as reader

    words = text.split()
    if not words:
        return
    first, last = len(text) - len(text.lstrip()), len(text.rstrip())
    length = sum(map(len, words)) + len(words) - 1
    apart = reader._one_space_apart(text, first, last, len(words), length)
    assert apart == (text[first:last] == " ".join(words))
    if apart:
        assert reader._ODD_SPACE.search(text, first, last) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_SPACED, st.sampled_from(["<b>", "</b>", "<p>", "&nbsp;", "&#32;", "<br>"])),
                max_size=8).map("".join))
def test_pieces_are_searched_for_whitespace_only_when_it_may_be_found(page):
    """The edits are those of searching every piece of more than one word."""
    from unittest import mock

    from cleaner.io import html as reader

    with mock.patch.object(reader, "_one_space_apart", lambda *args: False):
        searched = reader.extract(page)
    assert reader.extract(page) == searched
