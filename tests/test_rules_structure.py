"""HTML page furniture (nav, footer, share bars, cookie notices) found from the page structure."""
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import edits as E
from cleaner.io.html import extract_with_chrome
from cleaner.document import Document
from cleaner.rules import RuleContext
from cleaner.rules.structure import detect

BODY = ("<p>The council approved the budget on Tuesday after a long debate about schools, roads and "
        "public transport, and the mayor promised stable taxes.</p>" * 3)


def clean_page(page: str) -> str:
    markup, spans = extract_with_chrome(page)
    base = E.resolve(markup)
    text = E.apply(page, base)
    doc = Document(text, format="html", meta={"chrome_spans": spans})
    return E.apply(text, E.resolve(detect(doc, RuleContext())))


def test_navigation_footer_share_and_cookie_blocks_go():
    page = ("<html><body><header class='site-header'><a>Daily Bugle</a></header>"
            "<nav><ul><li>Home</li><li>World</li></ul></nav>"
            "<main><article><h1>Budget passes</h1>" + BODY +
            "<ul class='share-bar'><li>Share on Facebook</li></ul>"
            "<div id='cookie-notice'><p>We use cookies.</p><button>Accept</button></div>"
            "</article></main><footer><p>&copy; 2024 Bugle</p></footer></body></html>")
    text = clean_page(page)
    assert text.splitlines()[0] == "Budget passes"
    for chrome in ["Daily Bugle", "Home", "World", "Share on Facebook", "We use cookies.", "Accept", "© 2024 Bugle"]:
        assert chrome not in text.splitlines()
    assert text.count("The council approved the budget") == 3


def test_a_wrapper_with_a_chrome_word_does_not_take_the_article():
    page = "<body><div class='page has-sidebar'><h1>Budget passes</h1>" + BODY + "</div></body>"
    text = clean_page(page)
    assert "Budget passes" in text and text.count("The council approved") == 3


def test_a_breaking_news_ticker_goes_with_its_teasers():
    """A ticker's items are other stories' headlines glued to their first
    sentences: they read like prose, so only the container's name gives them away."""
    item = ("<li><a href='/s{0}'>Story {0} headline</a><span>NEW DELHI: The ministry said on Wednesday that "
            "the new rules would apply to every school in the state from next month...</span></li>")
    for name in ("breaking-news", "news-ticker"):
        page = (f"<body><div class='{name}'><ul>" + "".join(item.format(i) for i in range(4)) + "</ul></div>"
                "<article><h1>Budget passes</h1>" + BODY * 2 + "</article></body>")
        text = clean_page(page)
        assert text.count("The council approved") == 6
        assert "NEW DELHI" not in text and "Story 3 headline" not in text


def test_a_call_to_action_box_goes():
    """A donation or sign-up pitch after the story ("cta" in its class) is written as
    prose to the reader: only its container's name gives it away."""
    pitch = ("<div class='custom-cta-letter'><h3>A Word to Our Loyal Readers</h3><p>We do this work every "
             "day at no cost to you, but it is far from free to produce, so please support our newsroom "
             "today.</p></div>")
    text = clean_page("<body><article><h1>Budget passes</h1>" + BODY + "</article>" + pitch + "</body>")
    assert text.count("The council approved") == 3
    assert "Loyal Readers" not in text and "far from free" not in text


def test_author_boxes_and_trending_lists_go():
    bio = ("<div class='author-bio'><p>Jane Doe has covered city hall for the Bugle since 2009 and lives in "
           "the old town with her two cats and far too many books.</p></div>")
    trending = ("<section class='trending'><h3>Trending now</h3><p>The mayor's new plan for the harbour will "
                "change how the whole city travels to work, the council says.</p></section>")
    text = clean_page("<body><article><h1>Budget passes</h1>" + BODY + bio + "</article>" + trending + "</body>")
    assert text.count("The council approved") == 3
    assert "covered city hall" not in text and "Trending now" not in text and "harbour" not in text


def test_small_articles_beside_the_story_are_teaser_cards_but_its_own_parts_and_card_listings_are_not():
    card = ("<article class='story-card'><h3><a href='/s{0}'>Another story number {0}</a></h3>"
            "<p>One line of its first paragraph, shown to tempt the reader into clicking through.</p></article>")
    cards = "".join(card.format(i) for i in range(4))
    story = "<article class='single-story'><h1>Budget passes</h1>" + BODY + "</article>"
    text = clean_page("<body>" + story + cards + "</body>")
    assert text.count("The council approved") == 3
    assert "Another story number 2" not in text and "tempt the reader" not in text
    # An article cut into <article> parts of one class: a small part is still the article's.
    part = "<article class='story-part'><h2>What it costs</h2><p>Schools: $2m, roads: $1m.</p></article>"
    parts = clean_page("<body><article class='story-part'><h1>Budget passes</h1>" + BODY + "</article>"
                       + part + "</body>")
    assert "Schools: $2m, roads: $1m." in parts
    # A listing of small cards with no story among them: no card is taken for a teaser.
    listing = clean_page("<body><h1>Best bistros</h1>" + cards + "</body>")
    assert listing.count("tempt the reader") == 4


def test_a_layout_class_naming_a_sidebar_is_not_one():
    """'content-with-sidebar' wraps the article beside a sidebar; the sidebar itself still goes."""
    menu = "<ul>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(60)) + "</ul>"
    page = ("<body><nav>" + menu + "</nav><div class='content-with-sidebar-wrp'><h1>Budget passes</h1>" + BODY
            + "</div><div class='sidebar-with-ads'><p>Most read this week</p></div><footer>" + menu + "</footer></body>")
    text = clean_page(page)
    assert "Budget passes" in text and text.count("The council approved") == 3
    assert "Most read this week" not in text and "Section 7" not in text


MENU = "<ul>" + "".join(f"<li><a href='/s{i}'>Section number {i} of the site</a></li>" for i in range(80)) + "</ul>"
COOKIES = ("<div class='cookie-modal'>" + "<p>We use cookies to remember your choices and to measure traffic, "
           "and partners may use them for ads. Manage your settings at any time below.</p>" * 2 + "</div>")


def test_a_furniture_named_wrapper_holding_most_of_the_prose_keeps_the_article():
    """The article in <div class='sidebar-layout'> (a layout, named by a furniture word)
    while menus and cookie notices hold most of the page's text: the wrapper holds
    most of the page's paragraphs, so it is not furniture."""
    page = ("<body><nav>" + MENU + "</nav><div class='sidebar-layout'><h1>Budget passes</h1>" + BODY
            + "<div class='sidebar'><p>Most read this week</p></div></div><footer>" + MENU + "</footer>"
            + COOKIES + "</body>")
    text = clean_page(page)
    assert text.count("The council approved") == 3
    assert "Most read this week" not in text  # the sidebar inside it is still one
    assert "Section number 7 of the site" not in text


def test_a_footer_whose_two_long_disclaimers_outweigh_a_short_article_stays_furniture():
    disclaimer = ("<p>This guide is provided for information only and does not replace the advice of a "
                  "qualified professional; terms, conditions and exclusions apply to every policy we sell.</p>")
    page = ("<body><nav>" + MENU + "</nav><main><h1>Renting safely</h1><p>Screen renters before they drive: "
            "only qualified drivers should take the wheel of your fleet.</p></main><footer>"
            + disclaimer * 2 + "</footer></body>")
    text = clean_page(page)
    assert "Screen renters before they drive" in text
    assert "This guide is provided for information only" not in text


def test_readers_comments_filling_most_of_the_page_still_go():
    comment = ("<li><p>I watched it again last week and I still think the second half drags, although the "
               "effects hold up remarkably well for a film of that age and budget.</p></li>")
    page = ("<body><article><h1>Comfort watches, day eighteen</h1>" + BODY + "</article>"
            "<div id='comments'><h3>59 Responses</h3><ol>" + comment * 12 + "</ol></div></body>")
    text = clean_page(page)
    assert text.count("The council approved") == 3
    assert "I watched it again last week" not in text
    # With no paragraphs outside it, a container named for comments is the article's wrapper.
    only = clean_page("<body><div class='comments-and-content'><h1>Budget passes</h1>" + BODY + "</div></body>")
    assert only.count("The council approved") == 3


def test_hidden_microdata_goes_but_other_hidden_elements_are_left_to_the_classifier():
    """Schema.org microdata hidden from view (the article again, with its dates and image
    sizes one to a line) is furniture even when it holds much of the page; a hidden
    element in general is not: scripts reveal many, and some hold the article."""
    metadata = ("<div style='display:none;' itemscope itemtype='http://schema.org/NewsArticle'>"
                "<div itemprop='datePublished'>2019-11-19T08:57:40+01:00</div><div itemprop='width'>500</div>"
                "<div itemprop='articleBody'>" + BODY + BODY + "</div></div>")
    text = clean_page("<body><article><h1>Budget passes</h1>" + BODY + "</article>" + metadata + "</body>")
    assert text.count("The council approved") == 3
    assert "2019-11-19T08:57:40+01:00" not in text and "500" not in text.splitlines()
    revealed = clean_page("<body><h1>Budget passes</h1><div class='tab-panel' style='display:none'>" + BODY
                          + "</div><div hidden><p>Loaded by a script.</p></div></body>")
    assert revealed.count("The council approved") == 3 and "Loaded by a script." in revealed
    # A page hidden whole until a script shows it, its microdata on <body>: no prose shows
    # elsewhere, so the body is the article's wrapper, not furniture.
    hidden_page = clean_page("<html><body itemscope itemtype='http://schema.org/WebPage' style='display:none'>"
                             "<nav><a>Home</a> <a>World</a></nav><h1>Budget passes</h1>" + BODY + "</body></html>")
    assert hidden_page.count("The council approved") == 3 and "Home World" not in hidden_page.splitlines()


def test_header_inside_the_article_is_kept():
    page = "<body><article><header><h1>Budget passes</h1></header>" + BODY + "</article></body>"
    assert clean_page(page).startswith("Budget passes\n")


def test_mixed_line_with_article_text_is_kept():
    page = "<body><p>Read the <span class='social'>@bugle</span> report on the budget vote today.</p>" + BODY
    assert "Read the @bugle report on the budget vote today." in clean_page(page)


def test_plain_text_documents_have_no_structure_edits():
    assert detect(Document("Home\nWorld\n"), RuleContext()) == []


def test_a_tie_between_furniture_reasons_is_broken_the_same_way_in_every_process():
    """The reason logged for a line covered half by one kind of furniture and half by
    another does not depend on the process's string-hash seed."""
    import subprocess
    import sys

    code = (
        "from cleaner.document import Document\n"
        "from cleaner.rules import RuleContext\n"
        "from cleaner.rules.structure import detect\n"
        "text = 'Home World'\n"
        "spans = [(0, 4, 'navigation'), (5, 10, 'share bar')]\n"
        "doc = Document(text, format='html', meta={'chrome_spans': spans})\n"
        "print(detect(doc, RuleContext())[0].reason)\n"
    )
    reasons = {subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                              env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout.strip()
               for seed in range(8)}
    assert reasons == {"page furniture (navigation)"}


def test_a_line_in_two_kinds_of_furniture_is_named_by_the_one_holding_more_words():
    from cleaner.document import Document
    from cleaner.io.html import ChromeSpans
    from cleaner.rules import RuleContext
    from cleaner.rules.structure import detect

    text = "Home News Share\nShare Tweet Home\nHome\n"
    spans = ChromeSpans([(0, 4, "<nav>: navigation"), (5, 9, "<nav>: navigation"), (10, 15, "<div share>: share buttons"),
                         (16, 21, "<div share>: share buttons"), (22, 27, "<div share>: share buttons"),
                         (28, 32, "<nav>: navigation"), (33, 37, "<nav>: navigation")])
    reasons = [e.reason for e in detect(Document(text, format="html", meta={"chrome_spans": spans}), RuleContext())]
    assert reasons == ["page furniture (<nav>: navigation)", "page furniture (<div share>: share buttons)",
                       "page furniture (<nav>: navigation)"]


def _detect_span_by_span(doc, spans):
    """The rule as first written: each line's overlap with every span near it, one by one."""
    from bisect import bisect_right
    from collections import Counter

    from cleaner.document import line_span

    starts = [s for s, _, _ in spans]
    found = []
    for line in doc.lines():
        if line.blank:
            continue
        i = max(bisect_right(starts, line.start) - 1, 0)
        covered, reasons = 0, []
        while i < len(spans) and spans[i][0] < line.end:
            start, end, reason = spans[i]
            overlap = min(end, line.end) - max(start, line.start)
            if overlap > 0:
                covered += overlap
                reasons.append(reason)
            i += 1
        if reasons and covered >= len(line.text.replace(" ", "")):
            found.append((*line_span(line, doc.text), Counter(reasons).most_common(1)[0][0]))
    return found


_PARTS = st.sampled_from([
    "<nav>", "</nav>", "<footer>", "</footer>", "<div class='share'>", "<div class='menu-with-x'>", "</div>",
    "<p>", "</p>", "<li>", "<br>", "<figcaption>", "</figcaption>", "<span class=social>", "</span>", "<main>",
    "Home", "News", " ", "\n", "&amp;", "&nbsp;", "&#10;", "a b", "The council met.", "&copy; 2024"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PARTS, max_size=40).map("".join))
def test_line_coverage_by_running_totals_matches_span_by_span(page):
    """The reader's spans are words within one line, in order, and the rule finds
    what a walk over every span overlapping each line finds."""
    markup, spans = extract_with_chrome(page)
    text = E.apply(page, E.resolve(markup))
    for (start, end, _), following in zip(spans, list(spans[1:]) + [(len(text), len(text), "")]):
        assert start < end <= following[0] and "\n" not in text[start:end]
    doc = Document(text, format="html", meta={"chrome_spans": spans})
    found = [(e.start, e.end, e.reason) for e in detect(doc, RuleContext())]
    assert found == [(s, e, f"page furniture ({r})") for s, e, r in _detect_span_by_span(doc, spans)]
