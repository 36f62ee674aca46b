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


# -- token offsets ---------------------------------------------------------------

def pieces(cls, page: str) -> list:
    parser = cls(page)
    parser.feed(page)
    parser.close()
    return parser.pieces


def test_offsets_come_from_the_parsers_position_updates_on_this_python():
    """The reader takes offsets from HTMLParser's updatepos calls, checked against
    getpos() on a probe page at import; if an upgrade changed that, the reader
    falls back to getpos() and this test shows it."""
    from cleaner.io import html as reader

    assert reader._offsets_agree()
    assert reader._tokens_reader() is reader._OffsetTokens


def test_the_probe_catches_offsets_that_ignore_the_buffer_left_by_feed(monkeypatch):
    from cleaner.io import html as reader

    monkeypatch.setattr(reader._OffsetTokens, "close", reader._Tokens.close)
    assert not reader._offsets_agree()


@settings(max_examples=200, deadline=None)
@given(messy_pages())
def test_offsets_from_position_updates_match_getpos(page):
    from cleaner.io import html as reader

    assert pieces(reader._OffsetTokens, page) == pieces(reader._Tokens, page)


def test_a_page_the_parser_gives_up_on_is_a_read_error_naming_it(tmp_path, monkeypatch):
    import pytest
    from html.parser import HTMLParser

    from cleaner.io import html as reader
    from cleaner.io.readers import ReadError, read_source

    reader._tokens_reader()  # probed (and cached) before the parser is broken below

    def give_up(self, i):
        raise AssertionError("we should not get here!")

    monkeypatch.setattr(HTMLParser, "parse_starttag", give_up)
    page = tmp_path / "odd.html"
    page.write_text("<p>text</p>", encoding="utf-8")
    with pytest.raises(ReadError, match="unreadable HTML"):
        read_source(page, page.name)


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
