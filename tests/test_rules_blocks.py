"""The line classifier: page chrome around an article, in plain text and HTML."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean_text, edits as E
from cleaner.document import Document
from cleaner.io.html import extract_with_chrome
from cleaner.rules import RuleContext, blocks
from cleaner.rules.scripts import FUNCTION_CHARS, has_unspaced, spaced

PARAGRAPHS = [
    "The city council approved a new budget on Tuesday after months of debate over spending on schools, "
    "roads and public transport, and the mayor said the plan would keep taxes stable next year.",
    "Council members from both parties praised the compromise, though several warned that rising costs "
    "could force new cuts before the end of the year if revenues fall short of forecasts.",
    "The budget also sets aside money for a new library in the north of the city, which residents have "
    "asked for since the old one closed in 2019, and for repairs to two bridges.",
]
MENU = ["Skip to content", "Home", "News", "Sport", "Business", "Culture", "Contact us", "Search", "Log in"]
FOOTER = ["Privacy policy", "Terms of use", "Advertise with us", "Follow us on Facebook", "© 2024 Daily Bugle"]


def removed_lines(text: str, fmt: str = "txt", meta=None, ctx=None) -> list[str]:
    doc = Document(text, format=fmt, meta=meta or {})
    return [text[e.start:e.end].strip() for e in blocks.detect(doc, ctx or RuleContext())]


def test_menu_and_footer_runs_go_and_the_article_stays_whole():
    page = "\n".join(MENU + ["Budget Passes After Long Debate"] + PARAGRAPHS + FOOTER) + "\n"
    removed = removed_lines(page)
    for line in MENU:
        assert line in removed
    assert "Budget Passes After Long Debate" not in removed  # the headline above the first paragraph
    assert not set(PARAGRAPHS) & set(removed)
    # With the phrase rules, the whole pipeline leaves the headline and the article.
    cleaned, _ = clean_text(page)
    assert cleaned.splitlines()[:4] == ["Budget Passes After Long Debate"] + PARAGRAPHS
    assert "Privacy policy" not in cleaned and "Contact us" not in cleaned


def test_a_doubtful_line_goes_only_with_a_run_that_holds_sure_chrome():
    proba = np.array([0.05, 0.4, 0.9, 0.95, 0.4, 0.9, 0.5, 0.3])
    keep = blocks._doubtful_join_sure(proba, proba >= 0.6)
    # the run [0.05, 0.4] holds a sure line and goes; the lone 0.4 and the tail [0.5, 0.3] stay
    assert keep.tolist() == [False, False, True, True, True, True, True, True]


def test_a_list_announced_by_a_colon_stays_up_to_sure_chrome():
    from cleaner.document import Line

    texts = ["Here are the offers not to miss this week on Amazon:", "1) Lego Star Wars bomber",
             "http://amzn.to/abc", "2) Electric race track", "Leave a comment", "Tags:", "Share",
             "The prices held when we checked them on Monday, though they may change.", "Follow us:", "Menu"]
    lines = [Line(i, 0, 0, t) for i, t in enumerate(texts)]  # (offsets do not matter here)
    proba = np.array([0.9, 0.3, 0.2, 0.4, 0.05, 0.2, 0.3, 0.95, 0.9, 0.3])
    keep = blocks._keep_announced_lists(lines, proba, proba >= 0.6)
    # The list runs up to the line the classifier is sure of; a dropped "Tags:"
    # announces nothing; a kept "Follow us:" only the dropped run right below it.
    assert keep.tolist() == [True, True, True, True, False, False, False, True, True, True]
    ahead = np.array([0.9, 0.3, 0.2, 0.9, 0.3, 0.3, 0.3, 0.95, 0.05, 0.3])
    keep = blocks._keep_announced_lists(lines, ahead, ahead >= 0.6)
    # once a kept line follows, the announced list is over: later dropped lines stay dropped
    assert keep.tolist() == [True, True, True, True, False, False, False, True, False, False]


def test_a_sentence_ending_the_article_with_a_colon_announces_its_list_too():
    from cleaner.document import Line

    texts = ["The shops open early on Friday and the queues start before dawn in most towns.",
             "So here are the offers for nostalgic fans of the eighties not to miss on Amazon:",
             "1) Lego Star Wars bomber", "http://amzn.to/abc", "2) Electric race track", "Leave a comment"]
    lines = [Line(i, 0, 0, t) for i, t in enumerate(texts)]
    proba = np.array([0.95, 0.5, 0.2, 0.2, 0.3, 0.05])
    keep = blocks._keep_announced_lists(lines, proba, proba >= 0.6)
    assert keep.tolist() == [True, True, True, True, True, False]
    # not when the classifier is sure the sentence is chrome, nor a short label ("Share this:"),
    # nor a sentence that does not follow the kept article
    sure = np.array([0.95, 0.05, 0.2, 0.2, 0.3, 0.05])
    assert blocks._keep_announced_lists(lines, sure, sure >= 0.6).tolist() == [True] + [False] * 5
    label = [Line(i, 0, 0, t) for i, t in enumerate(texts[:1] + ["Share this:"] + texts[2:])]
    assert blocks._keep_announced_lists(label, proba, proba >= 0.6).tolist() == [True] + [False] * 5
    apart = np.array([0.95, 0.3, 0.5, 0.2, 0.3, 0.05])
    moved = [Line(i, 0, 0, t) for i, t in enumerate([texts[0], "Menu", texts[1]] + texts[3:])]
    assert blocks._keep_announced_lists(moved, apart, apart >= 0.6).tolist() == [True] + [False] * 5


def test_a_kept_numbered_item_carries_its_list_on():
    from cleaner.document import Line

    texts = ["Here are this year's offers:", "1) Lego Star Wars bomber", "http://amzn.to/abc",
             "2) Electric race track", "http://amzn.to/def", "3) The Wall on vinyl", "Share", "Menu",
             "4) Board game", "Most read", "1. Another story", "2. Yet another story"]
    lines = [Line(i, 0, 0, t) for i, t in enumerate(texts)]
    keep = np.array([True, True] + [False] * 10)
    got = blocks._keep_numbered_lists(lines, keep).tolist()
    # items 2, 3 and 4 follow item 1 (each within two lines of the one before, with what lies
    # between); "Most read" and a list whose first item was dropped stay dropped
    assert got == [True] * 9 + [False] * 3
    # a gap of more than two lines ends the list, and so does a number out of sequence
    apart = [Line(i, 0, 0, t) for i, t in enumerate(["1) One", "a", "b", "c", "2) Two", "3) Three"])]
    assert blocks._keep_numbered_lists(apart, np.array([True] + [False] * 5)).tolist() == [True] + [False] * 5
    skipped = [Line(i, 0, 0, t) for i, t in enumerate(["1) One", "3) Three", "4) Four"])]
    assert blocks._keep_numbered_lists(skipped, np.array([True, False, False])).tolist() == [True, False, False]


def test_clean_article_is_left_alone():
    text = "Budget Passes After Long Debate\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
    assert removed_lines(text) == []


def test_short_heading_inside_the_article_stays():
    text = "\n".join(MENU + [PARAGRAPHS[0], "What happens next", PARAGRAPHS[1], PARAGRAPHS[2]] + FOOTER) + "\n"
    removed = removed_lines(text)
    assert "What happens next" not in removed
    assert "Contact us" in removed


HEADLINE = "Council Approves Budget for Schools and Roads"


def title_and_line_below_kept(below: str) -> tuple[bool, bool]:
    """Whether the headline pick keeps HEADLINE and ``below`` (the line
    between it and the first paragraph), on a page whose paragraphs alone are kept."""
    text = "\n".join(MENU + [HEADLINE, below] + PARAGRAPHS + FOOTER) + "\n"
    keep = np.zeros(len(MENU) + 2 + len(PARAGRAPHS) + len(FOOTER), dtype=bool)
    first = len(MENU) + 2
    keep[first:first + len(PARAGRAPHS)] = True
    lines = [line for line in Document(text).lines() if not line.blank]
    kept = blocks._keep_inside_run(lines, keep)
    return bool(kept[len(MENU)]), bool(kept[len(MENU) + 1])


def test_a_headline_wins_over_the_photo_caption_under_it():
    assert title_and_line_below_kept("Council members at the town hall, March 2024") == (True, False)


def test_the_headline_is_never_a_line_the_rules_call_chrome():
    """A photo credit, a byline or a chrome phrase between the title and the
    first paragraph is title-like (short, capitalised, no full stop) but is
    no headline: the title above it is chosen."""
    for below in ["Photograph: Jane Doe/Getty Images", "Written By: Jane Doe", "Listen to this article",
                  "By Jane Doe, Times staff writer"]:
        assert title_and_line_below_kept(below) == (True, False), below


def test_above_the_first_paragraph_a_line_needs_more_than_the_threshold():
    """Above the article's first paragraph a line the model keeps with
    P < PRE_ARTICLE_THRESHOLD is only doubtful: it goes with a run holding a
    line the model is sure is chrome, stays without one; the headline pick
    still keeps the title."""
    page = ["Home", "Top stories: ten things to know today", HEADLINE] + PARAGRAPHS
    doc = Document("\n".join(page) + "\n")
    lines = blocks.text_lines(doc)
    high, low = blocks.PRE_ARTICLE_THRESHOLD + 0.05, blocks.PRE_ARTICLE_THRESHOLD - 0.05
    assert low >= 0.6  # (kept by the model at the decision threshold used here)

    def kept(*top):
        return blocks.kept_lines(doc, lines, np.array([*top, 0.95, 0.95, 0.95]), 0.6).tolist()

    assert kept(0.02, low, 0.65) == [False, False, True, True, True, True]  # "Home" is sure chrome
    assert kept(0.02, high, 0.65) == [False, True, True, True, True, True]  # sure enough to stay
    assert kept(0.3, low, 0.65) == [True, True, True, True, True, True]  # no sure chrome line: all doubtful stay
    # Below the first paragraph the decision threshold alone counts.
    below = ["Home", HEADLINE, PARAGRAPHS[0], "Council members spoke after the vote", PARAGRAPHS[1]]
    doc2 = Document("\n".join(below) + "\n")
    lines2 = blocks.text_lines(doc2)
    proba = np.array([0.02, 0.9, 0.95, low, 0.95])
    assert blocks.kept_lines(doc2, lines2, proba, 0.6).tolist() == [False, True, True, True, True]


def test_a_line_every_page_of_the_batch_repeats_counts_against_it():
    page = "\n".join(["Subscribe to our daily newsletter for the best stories"] + PARAGRAPHS) + "\n"
    doc = Document(page)
    lines = [line for line in doc.lines() if not line.blank]
    alone, _ = blocks.content_probability(doc, lines, RuleContext())
    from cleaner.rules.chrome import normalize_line

    counts = {normalize_line(line.text): 1 for line in lines}
    counts[normalize_line(lines[0].text)] = 50
    in_batch, _ = blocks.content_probability(doc, lines, RuleContext(line_counts=counts, n_docs=50))
    assert in_batch[0] < alone[0]
    assert np.allclose(in_batch[1:], alone[1:], atol=0.05) or (in_batch[1:] > 0.5).all()


def test_corpus_counts_give_the_same_features_from_a_dict_or_a_run():
    from cleaner.line_counts import LineCounts
    from cleaner.rules.chrome import normalize_line

    page = "\n".join(MENU + ["Budget Passes After Long Debate"] + PARAGRAPHS + FOOTER + MENU[:3]) + "\n"
    doc = Document(page)
    lines = [line for line in doc.lines() if not line.blank]
    counts = {normalize_line(line.text): 1 + (i * 7) % 40 for i, line in enumerate(lines)}
    as_dict = blocks.features(doc, lines, RuleContext(line_counts=counts, n_docs=50))
    as_run = blocks.features(doc, lines, RuleContext(line_counts=LineCounts.from_mapping(counts), n_docs=50))
    assert as_dict.tobytes() == as_run.tobytes()
    share = blocks.FEATURES.index("corpus_share")
    assert as_dict[:, share].max() > 0 and as_dict[:, blocks.FEATURES.index("doc_repeats")].max() > 0


def test_html_markup_facts_reach_the_classifier():
    page = ("<html><body><div class='menu'><a href='/'>Home</a> <a href='/news'>News</a></div>"
            "<ul><li><a href='/a'>Ten things to do this weekend</a></li><li><a href='/b'>Weather warning for "
            "Friday</a></li></ul><article class='entry-content'><h1>Budget passes</h1>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) +
            "</article><footer><a href='/privacy'>Privacy policy</a></footer></body></html>")
    markup, spans = extract_with_chrome(page)
    text = E.apply(page, E.resolve(markup))
    doc = Document(text, format="html", meta={"chrome_spans": spans})
    lines = [line for line in doc.lines() if not line.blank]
    facts = blocks._facts_matrix(blocks._line_facts(doc, lines))
    assert facts is not None
    by_text = {line.text.strip(): row for line, row in zip(lines, facts)}
    assert by_text["Ten things to do this weekend"][2] == 1.0  # all link text
    assert by_text[PARAGRAPHS[0]][2] == 0.0 and by_text[PARAGRAPHS[0]][5] == 1.0  # prose in the article container
    assert by_text["Budget passes"][1] == 1  # <h1>
    removed = [text[e.start:e.end].strip() for e in blocks.detect(doc, RuleContext())]
    assert "Ten things to do this weekend" in removed and "Privacy policy" in removed
    assert "Budget passes" not in removed and not set(PARAGRAPHS) & set(removed)


def _walk_one_tree(model: blocks.TreeModel, row: np.ndarray, tree: int) -> float:
    node = 0
    for _ in range(model.depth):
        go_left = row[model.feature[tree, node]] <= model.split[tree, node]
        node = model.left[tree, node] if go_left else model.right[tree, node]
    return model.value[tree, node]


def _tree_models():
    for classifier in blocks.load_models().values():
        yield classifier.first, len(blocks.FEATURES)
        if classifier.second is not None:
            yield classifier.second, len(blocks.SECOND_FEATURES)


def test_tree_model_agrees_with_walking_each_tree():
    rng = np.random.default_rng(7)
    for model, width in _tree_models():
        X = rng.normal(size=(40, width)) * 3
        X[:, ::5] = np.round(X[:, ::5])  # values on the split points too
        X[::7, 1::6] = np.nan  # (a NaN goes right at every split, as a walk sends it)
        X[3::9, 2::4] = np.inf
        got = model.proba(X)
        for row, p in zip(X[:, model.columns], got):
            logit = model.baseline + sum(_walk_one_tree(model, row, t) for t in range(model.feature.shape[0]))
            assert abs(p - 1.0 / (1.0 + np.exp(-logit))) < 1e-12
        assert model.proba(X[:1]).shape == (1,)


def test_text_features_same_for_ascii_and_wider_text():
    # The ASCII fast path and the general one count digits, capitals and words alike.
    line = "The 2024 Budget Passes: 12 Members Vote FOR, 3 against"
    wide = line + " \u2014"  # an em dash: not ASCII, adds one word-less character
    ascii_features = blocks._text_features(line)
    wide_features = blocks._text_features(wide)
    names = blocks._TEXT_FEATURES
    for name in ("title_case", "stopwords", "word_len"):
        assert ascii_features[names.index(name)] == wide_features[names.index(name)], name
    n_chars = len(line)
    assert ascii_features[names.index("digits")] == 7 / n_chars
    assert ascii_features[names.index("upper")] == sum(c.isupper() for c in line) / sum(c.isalpha() for c in line)
    assert wide_features[names.index("digits")] == 7 / (n_chars + 2)


MORE_PARAGRAPHS = [
    "Opponents of the plan said the compromise still leaves too little for public transport, and they promised "
    "to bring the question back when the council reviews the budget in the spring.",
    "The mayor rejected that view, saying the city had already added two bus routes this year and that the "
    "new budget protects the service from cuts for at least another twelve months.",
    "The budget will now go to the state for approval, a step officials described as a formality, and the "
    "first payments for the library project are expected to be made early next year.",
]
RELATED = ["Related coverage", "Storm leaves thousands without power across the region",
           "Local team wins regional championship in overtime thriller",
           "School board names new superintendent after national search",
           "Why the city's bus drivers are quitting in record numbers"]


def _text_feature(text: str, name: str) -> float:
    return blocks._text_features(text)[blocks._TEXT_FEATURES.index(name)]


def test_headings_that_open_a_list_of_other_pages_are_cues():
    for line in ("Related coverage", "More stories", "Most popular in the section", "Other news in this section",
                 "You may also like", "Leave a Reply Cancel reply", "More articles from Jane Doe", "Top Stories",
                 "Elsewhere on the site...", "Lesen Sie auch", "À lire aussi", "Noticias relacionadas"):
        assert _text_feature(line, "cue_heading") == 1.0, line
    for line in ("What happens next", "Budget Passes After Long Debate", "More than 100 people attended",
                 "The related costs rose sharply last year, officials said.",
                 # one link with its title, not the heading of a block
                 "Related » How the city plans to pay for the new library",
                 "Also read: Ten things to do in the city this weekend"):
        assert _text_feature(line, "cue_heading") == 0.0, line


def test_author_notes_and_truncated_teasers_have_their_own_features():
    for line in ("Jane Doe is a freelance writer living in Minneapolis.",
                 "Jane joined the Daily Bugle in March 2017. She has covered city hall since 2012.",
                 "More articles from Jane Doe", "View all posts by Jane Doe"):
        assert _text_feature(line, "author_bio") == 1.0, line
    for line in ("The mayor is a former journalist who now writes about city hall.",
                 PARAGRAPHS[0], "Jane Doe, City Hall Reporter"):
        assert _text_feature(line, "author_bio") == 0.0, line
    assert _text_feature("Council members from both parties praised the compromise...", "truncated") == 1.0
    assert _text_feature("Officials promised a decision soon [\u2026]", "truncated") == 1.0
    assert _text_feature(PARAGRAPHS[0], "truncated") == 0.0


def test_lines_under_a_late_cue_heading_know_how_far_it_is_and_what_came_before():
    page = "\n".join(["Budget Passes After Long Debate"] + PARAGRAPHS + MORE_PARAGRAPHS + RELATED) + "\n"
    doc = Document(page)
    lines = blocks.text_lines(doc)
    X = blocks.features(doc, lines, RuleContext())
    col = {name: X[:, i] for i, name in enumerate(blocks.FEATURES)}
    at = [line.text for line in lines].index("Related coverage")
    # above the heading: no cue seen yet
    assert (col["since_cue"][:at] == np.log1p(30)).all() and (col["cue_prose_before"][:at] == -1).all()
    # the heading itself and the lines under it: distance, no prose since, all the prose before it
    assert col["since_cue"][at:].tolist() == np.log1p(np.arange(len(RELATED))).tolist()
    assert (col["prose_since_cue"][at:] == 0).all()
    assert (col["cue_prose_before"][at:] == 1.0).all()
    # headline-like lines crowd around the list, not around the paragraphs
    assert col["win5_headline"][at + 1:].min() > col["win5_headline"][1:4].max()


def test_headings_that_open_readers_comments_are_marked():
    for line in ("59 Comments on \u201cThe Budget Debate, Day Two\u201d", "3 Responses to \u201cBudget Passes\u201d",
                 "12 thoughts on Budget Passes After Long Debate", "3comments", "Comments (12)", "Reader comments",
                 "Join the discussion", "Budget Debate Comments", "View all 40 comments", "Kommentare"):
        assert _text_feature(line, "comments_heading") == 1.0, line
    for line in ("0 Comments", "by Jane Doe 0 Comments",  # no comments follow
                 "comments: [Comment!]!", "The committee comments on the bill",
                 "Comments from residents were mostly positive, the mayor said.", PARAGRAPHS[0]):
        assert _text_feature(line, "comments_heading") == 0.0, line


COMMENTS = ["12 Comments on \u201cBudget Passes After Long Debate\u201d", "Jane Roe", "March 3, 2024 at 5:12 pm",
            "I have lived in the north of the city for twenty years and we have waited for that library for "
            "far too long, so this is good news for every family here.", "Reply"]


def test_lines_under_a_comments_heading_below_the_article_know_how_far_it_is():
    page = "\n".join(["Budget Passes After Long Debate"] + PARAGRAPHS + COMMENTS) + "\n"
    doc = Document(page)
    lines = blocks.text_lines(doc)
    X = blocks.features(doc, lines, RuleContext())
    below = X[:, blocks.FEATURES.index("below_comments")]
    at = [line.text for line in lines].index(COMMENTS[0])
    assert (below[:at] == np.log1p(30)).all()
    assert below[at:].tolist() == np.log1p(np.arange(len(COMMENTS))).tolist()
    # The same heading above the article's prose (a count in the page's header) opens nothing.
    page = "\n".join([COMMENTS[0], "Budget Passes After Long Debate"] + PARAGRAPHS) + "\n"
    doc = Document(page)
    X = blocks.features(doc, blocks.text_lines(doc), RuleContext())
    assert (X[:, blocks.FEATURES.index("below_comments")] == np.log1p(30)).all()


def test_a_related_block_under_the_article_goes_and_the_article_stays():
    page = "\n".join(MENU + ["Budget Passes After Long Debate"] + PARAGRAPHS + MORE_PARAGRAPHS + RELATED + FOOTER) + "\n"
    removed = removed_lines(page)
    for line in RELATED:
        assert line in removed
    assert not set(PARAGRAPHS + MORE_PARAGRAPHS) & set(removed)
    assert "Budget Passes After Long Debate" not in removed


def test_photo_credits_and_gallery_counters_are_marked():
    for line in ("Photograph: Jane Doe/Getty Images", "(Image credit: NASA/JPL)", "Image 2 of 5",
                 "The mayor at the town hall on Tuesday.Credit...Jane Doe for The Daily Bugle",
                 "Traders on the floor of the exchange. REUTERS/Jane Doe",
                 "Council members vote on the budget. John Smith / AP"):
        assert _text_feature(line, "media_credit") == 1.0, line
    for line in (PARAGRAPHS[0], "He took a picture by the lake.", "The photo shows the old bridge before the repairs."):
        assert _text_feature(line, "media_credit") == 0.0, line


def test_a_headline_run_into_its_teasers_dateline_is_marked():
    for line in ("Storm leaves thousands without power MIAMI: Crews worked through the night to restore power",
                 "Council approves budget for schools NEW YORK: The city council approved a new budget",
                 "Stocks slip as oil falls LONDON (Reuters) - European shares fell on Monday"):
        assert _text_feature(line, "glued_dateline") == 1.0, line
    for line in ("NEW YORK: The city council approved a new budget on Tuesday.",  # an article's own dateline
                 "The results came back from the FBI: nothing was found.", PARAGRAPHS[1]):
        assert _text_feature(line, "glued_dateline") == 0.0, line


def test_runs_of_short_lines_and_the_main_block_of_prose():
    page = "\n".join(MENU + ["Budget Passes After Long Debate"] + PARAGRAPHS + ["What happens next"]
                     + MORE_PARAGRAPHS + RELATED + FOOTER) + "\n"
    doc = Document(page)
    lines = blocks.text_lines(doc)
    X = blocks.features(doc, lines, RuleContext())
    col = {name: X[:, i] for i, name in enumerate(blocks.FEATURES)}
    texts = [line.text for line in lines]
    first, last = texts.index(PARAGRAPHS[0]), texts.index(MORE_PARAGRAPHS[-1])
    heading = texts.index("What happens next")
    assert col["short_run"][first] == 0.0  # prose
    assert col["short_run"][heading] == np.log1p(1)
    assert col["short_run"][0] == np.log1p(len(MENU) + 1)  # the menu and the headline above the prose
    assert col["short_run"][-1] == np.log1p(len(RELATED) + len(FOOTER))
    # the main block spans the paragraphs and the heading between them, nothing else
    assert np.flatnonzero(col["in_main"]).tolist() == list(range(first, last + 1))
    assert col["main_dist"][first:last + 1].tolist() == [0.0] * (last + 1 - first)
    assert col["main_dist"][last + 1] == np.log1p(1) and col["main_dist"][first - 2] == np.log1p(2)


def test_the_article_run_together_in_one_line_goes_once_its_paragraphs_are_kept():
    copy = " ".join(PARAGRAPHS + MORE_PARAGRAPHS)  # a page's metadata printed as text
    assert len(copy.split()) >= blocks.COPY_MIN_WORDS
    page = "\n".join(["Budget Passes After Long Debate"] + PARAGRAPHS + MORE_PARAGRAPHS + [copy]) + "\n"
    doc = Document(page)
    lines = blocks.text_lines(doc)
    why = {}
    keep = blocks._drop_article_copies(lines, np.ones(len(lines), dtype=bool), why)
    assert keep.tolist() == [True] * (len(lines) - 1) + [False]
    assert why == {len(lines) - 1: "the article again in one line (it holds other lines of the article word for word)"}
    # a long paragraph that repeats only one other line of the page is not a copy
    long_paragraph = " ".join(PARAGRAPHS + MORE_PARAGRAPHS[:2]) + " Both sides said so in the chamber."
    assert len(long_paragraph.split()) >= blocks.COPY_MIN_WORDS
    lines = blocks.text_lines(Document("\n".join([PARAGRAPHS[0], long_paragraph, MORE_PARAGRAPHS[2]]) + "\n"))
    assert blocks._drop_article_copies(lines, np.ones(3, dtype=bool)).all()
    # and the copy stays when its paragraphs are not kept (it is then the only article text)
    lines = blocks.text_lines(Document("\n".join(PARAGRAPHS + [copy]) + "\n"))
    keep = np.array([False, False, False, True])
    assert blocks._drop_article_copies(lines, keep).tolist() == keep.tolist()


def test_link_like_tries_the_email_shape_only_with_an_at_sign():
    """_link_like answers what the one pattern with the e-mail shape among
    its alternatives answers."""
    import re

    one_pattern = re.compile(r"https?://|www\.|\.(com|org|net|html?)\b|@\w|\S+@\S+\.\w", re.IGNORECASE)
    lines = ["Contact: jane.doe@example.co.uk", "a@.b.c", "x@-y.z", "Follow @paper", "See WWW.Example.ORG",
             "HTTPS://example.com/page", "index.HTML", "He paid 5.com", "No link here.", "@ @ .", "mail me at a@b",
             "Email: news@paper.de", "", "user@host.x yes", "Ünïcode@Dömain.ÖRG"]
    for text in lines:
        assert blocks._link_like(text) == bool(one_pattern.search(text)), text


def test_sparing_inside_the_article_looks_for_its_first_and_last_paragraph_only():
    """The paragraphs between the first and the last kept one are not asked
    about: the same lines stay as when every kept line is judged."""
    from hypothesis import given, settings, strategies as st

    from cleaner.rules.headers import is_body

    texts = MENU + ["Budget Passes After Long Debate"] + PARAGRAPHS + FOOTER + PARAGRAPHS[:1] + MENU[:2]
    lines = [line for line in Document("\n".join(texts) + "\n").lines()]

    def every_body_line(proba, keep):  # the rule as written first: every kept line judged
        body = [i for i in np.flatnonzero(keep) if is_body(lines[i].text)]
        if len(body) < 2:
            return keep
        keep = keep.copy()
        for i, j in blocks._dropped_runs(keep, body[0] + 1, body[-1]):
            if j - i < blocks.INSIDE_RUN:
                keep[i:j] = proba[i:j] >= blocks.INSIDE_THRESHOLD
        return keep

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.floats(0, 1), min_size=len(lines), max_size=len(lines)),
           st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    def check(proba, keep):
        proba, keep = np.array(proba), np.array(keep)
        assert (blocks._spare_inside_article(lines, proba, keep) == every_body_line(proba, keep)).all()

    check()


def test_distances_to_prose_match_walking_the_lines():
    from hypothesis import given, settings, strategies as st

    def walked(prose):  # the first version: a loop each way
        n = len(prose)
        up, down = np.full(n, 30.0), np.full(n, 30.0)
        last = -1
        for i in range(n):
            up[i] = min(i - last, 30) if last >= 0 else 30.0
            if prose[i]:
                last = i
        last = -1
        for i in range(n - 1, -1, -1):
            down[i] = min(last - i, 30) if last >= 0 else 30.0
            if prose[i]:
                last = i
        return up, down

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from([0.0, 1.0]), min_size=1, max_size=80))
    def check(prose):
        prose = np.array(prose)
        for got, want in zip(blocks._distances_up_down(prose), walked(prose)):
            assert got.tobytes() == want.tobytes()

    check()


def test_link_like_needs_a_dot_unless_a_scheme_or_an_at_sign():
    for text in ["Visit WWW.EXAMPLE.COM today", "see example.org", "page.HTML", "no link here",
                 "mail me at jo@example.com", "http://x", "Dotless www com"]:
        low = text.lower()
        expected = bool(blocks._LINK_LIKE.search(text)) or ("@" in text and bool(blocks._EMAIL_LIKE.search(text)))
        if "://" not in text and "@" not in text and not any(h in low for h in blocks._LINK_HINTS):
            expected = False
        assert blocks._link_like(text) == expected
    assert all("." in hint for hint in blocks._LINK_HINTS)


def _facts_row_by_row(doc, lines):
    """The facts matrix as first written: a zero matrix filled one row at a time."""
    facts = doc.meta["chrome_spans"].lines
    out = np.zeros((len(lines), 6))
    by_start = {f.start: f for f in facts}
    for i, line in enumerate(lines):
        f = by_start.get(line.start + len(line.text) - len(line.text.lstrip()))
        if f is not None:
            chars = max(f.chars, 1)
            code = blocks._TAG_CODE.get(f.tag, 0)
            out[i] = (code, code - 7 if code >= 8 else 0, f.link_chars / chars, f.chrome_chars / chars,
                      f.in_article, f.content_class)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "<p>", "</p>", "<h1>", "<h2>", "</h2>", "<h3>", "</h3>", "<li>", "<td>", "<title>", "<a href=x>", "</a>", "<nav>", "</nav>",
    "<article>", "<div class='entry-content'>", "</div>", "<figcaption>", "<br>", " ", "\n", "Home", "a b c",
    "The council met on Tuesday.", "&nbsp;", "&amp;"]), max_size=40).map("".join), st.booleans())
def test_html_facts_built_at_once_match_row_by_row(page, every_line):
    markup, spans = extract_with_chrome(page)
    text = E.apply(page, E.resolve(markup))
    doc = Document(text, format="html", meta={"chrome_spans": spans})
    lines = doc.lines() if every_line else blocks.text_lines(doc)  # (blank lines have no facts)
    facts = blocks._facts_matrix(blocks._line_facts(doc, lines))
    assert facts.shape == (len(lines), 6) and facts.dtype == np.float64
    assert np.array_equal(facts, _facts_row_by_row(doc, lines))
    # kept_lines reads the <h1>/<h2> lines off the tags: heading level 1 or 2 in the matrix
    by_level = frozenset(np.flatnonzero((facts[:, 1] >= 1) & (facts[:, 1] <= 2)).tolist())
    assert blocks._top_headings(blocks._line_facts(doc, lines)) == by_level


def _dom_rows(page: str) -> dict[str, dict[str, float]]:
    """The tree-of-blocks features of each line of ``page``, by the line's text."""
    markup, spans = extract_with_chrome(page)
    text = E.apply(page, E.resolve(markup))
    doc = Document(text, format="html", meta={"chrome_spans": spans})
    lines = blocks.text_lines(doc)
    X = blocks.features(doc, lines, RuleContext())
    return {line.text.strip(): dict(zip(blocks.FEATURES, row.tolist())) for line, row in zip(lines, X)}


DOM_PAGE = (
    "<html><body><div class=top><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
    "<li><a href='/sport'>Sport</a></li></ul></div>"
    "<div class=wrap><h1>Budget passes</h1><div class=body>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "<figure><img src=a.jpg><figcaption>The mayor on Tuesday</figcaption></figure>"
    "<table><tr><td>Schools</td><td>$4m</td></tr></table></div>"
    "<div class=more><h3>Elsewhere</h3><p><a href='/a'>Storm hits the coast</a></p>"
    "<p><a href='/b'>Team wins the cup</a></p></div></div>"
    "<div class=foot>Contact the newsroom by mail</div></body></html>")


def test_the_main_container_is_the_innermost_block_holding_most_of_the_prose():
    rows = _dom_rows(DOM_PAGE)
    body = rows[PARAGRAPHS[0]]
    # html > body > div.wrap > div.body > p: the <p> is one level below div.body, which holds all the prose
    assert body["main_box"] == 1.0 and body["main_below"] == 1.0 and body["main_away"] == 0.0
    assert body["main_share"] == 1.0
    assert rows["The mayor on Tuesday"]["main_box"] == 1.0 and rows["The mayor on Tuesday"]["main_below"] == 2.0
    # the headline sits beside div.body (one level up to div.wrap), the menu three levels up to <body>
    assert rows["Budget passes"]["main_box"] == 0.0 and rows["Budget passes"]["main_away"] == 1.0
    assert rows["Home"]["main_away"] == 3.0 and rows["Contact the newsroom by mail"]["main_away"] == 1.0
    assert rows["Storm hits the coast"]["main_away"] == 2.0


def test_ancestor_tags_and_the_position_after_the_first_h1():
    rows = _dom_rows(DOM_PAGE)
    assert rows["The mayor on Tuesday"]["in_figure"] == 1.0 and rows["$4m"]["in_table"] == 1.0
    assert rows["Home"]["in_list"] == 1.0 and rows[PARAGRAPHS[0]]["in_list"] == 0.0
    assert rows["Home"]["after_h1"] == 0.0 and rows["Budget passes"]["after_h1"] == 1.0
    assert rows["Team wins the cup"]["after_h1"] == 1.0
    no_h1 = _dom_rows(DOM_PAGE.replace("h1>", "h2>"))
    assert no_h1["Home"]["after_h1"] == -1.0 and no_h1[PARAGRAPHS[0]]["after_h1"] == -1.0
    in_header = _dom_rows("<header><p>Site name</p></header><main>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                          + "</main>")
    assert in_header["Site name"]["in_header"] == 1.0 and in_header[PARAGRAPHS[2]]["in_header"] == 0.0


def test_plain_text_has_no_tree_of_blocks():
    doc = Document("\n".join(MENU + PARAGRAPHS) + "\n")
    lines = blocks.text_lines(doc)
    X = blocks.features(doc, lines, RuleContext())
    at = blocks.FEATURES.index("main_box")
    assert not X[:, at:].any()



# Pieces of the shapes _CUE, _COPYRIGHT and _TRUNCATED look for, in odd cases and with
# non-ASCII neighbours, to build lines around the ASCII fast paths' edges.
_SHAPE_PIECES = ["Related", "RELATED", "more", "More Stories", "most READ", "top news", "Read More", "read",
                 "more", "Don't miss", "dont MISS", "You May Also Like", "lesen sie auch", "Lire aussi",
                 "leía", "© 2024", "(C) 2021", "(c)", "(c", "c)", "Copyright", "copyrıght", "COPYRİGHT", "COPYRIGHTS", "all rights reserved",
                 "All Rights Reserved", "...", "…", "[…]", "(…)", "[...]", ".", "]", ")", " ", "  ", ":", "»",
                 "'", "ſ", "K", "İ", "ı", "é", "Ä", "x", "1", "about the author", "Up next", "articles", "reads"]


def _shape_flags_plain(s: str) -> tuple[bool, bool, bool]:
    """The cue, copyright and truncation tests of _text_features as first written."""
    return (bool(blocks._CUE.search(s)), bool(blocks._COPYRIGHT.search(s)),
            bool(blocks._TRUNCATED.search(s, max(len(s) - blocks._TRUNCATED_TAIL, 0))))


def _shape_flags_fast(s: str) -> tuple[bool, bool, bool]:
    low, ascii_line = s.lower(), s.isascii()
    return (bool(blocks._CUE_LOWER.search(low) if ascii_line else blocks._CUE.search(s)),
            blocks._copyright(s, low, ascii_line),
            blocks._truncated(s, low, len(s), ascii_line))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_SHAPE_PIECES), min_size=1, max_size=8).map("".join))
def test_ascii_fast_paths_of_line_shapes_match_the_patterns(line):
    s = line.strip()
    assert _shape_flags_fast(s) == _shape_flags_plain(s)


def test_ascii_fast_paths_of_line_shapes_explicit_cases():
    cases = ["Related", "More stories", "MOST POPULAR", "Read more", "Read More »", "Read more...", "Story… ",
             "Copyright 2024 Acme", "(C) 2020", "All Rights Reserved.", "Recommended for you", "The end.",
             "nothing here", "Lesen Sie auch", "À lire aussi", "relatedness", "Trending now", "[…]", "Ends (…)"]
    for line in cases:
        s = line.strip()
        assert _shape_flags_fast(s) == _shape_flags_plain(s), s
    assert any(any(_shape_flags_plain(line.strip())) for line in cases)
    # the lower-cased patterns are the same patterns, and no non-ASCII letter of theirs folds to ASCII
    import re

    for pattern in (blocks._CUE, blocks._COPYRIGHT):
        assert pattern.pattern == pattern.pattern.lower()
        for ch in {c for c in pattern.pattern if not c.isascii()}:
            assert not any(re.fullmatch(re.escape(ch), chr(a), re.IGNORECASE) for a in range(128))


def test_comments_hint_pattern_is_any_hint():
    for low in ["3 comments", "responses", "no replies", "join the conversation", "reactions", "the end", "",
                "oment", "omments", "discussion", "thoughts on"]:
        assert bool(blocks._COMMENTS_HINT.search(low)) == any(h in low for h in blocks.COMMENTS_HINTS)


def _char_columns_plain(text: str) -> dict[str, float]:
    """The character and word counts of _text_features as first written: per character, one pattern
    (words: of the line with Chinese and Japanese runs split into pseudo-words)."""
    s = text.strip()
    n_chars = len(s)
    words = blocks._WORD.findall(spaced(s) if has_unspaced(s) else s)
    n_alpha = len(words) or 1
    letters = len("".join(words))
    return {
        "digits": sum(map(str.isdigit, s)) / max(n_chars, 1),
        "upper": sum(map(str.isupper, s)) / max(letters, 1),
        "alpha": letters / max(n_chars, 1),
        "cjk": len(blocks._CJK.findall(s)) / max(n_chars, 1),
        "title_case": sum(1 for w in words if w[0].isupper()) / n_alpha,
        "stopwords": (sum(1 for w in words if w.casefold() in blocks.STOPWORDS)
                      + sum(1 for c in s if c in FUNCTION_CHARS)) / n_alpha,
        "word_len": letters / n_alpha,
    }


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["The", "council", "MET", " ", "  ", "2024", "٣", "²", "Ⅻ", "É", "été", "ß",
                                 "東京", "の", "한국", "Ωmega", "_x_", "a1b", "\u00a0", "’", "\ud800", "İ", "ǅ"]),
                max_size=12).map("".join))
def test_text_features_character_counts_match_the_plain_counts(line):
    row = dict(zip(blocks._TEXT_FEATURES, blocks._text_features(line)))
    for name, value in _char_columns_plain(line).items():
        assert row[name] == value, name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=40), st.integers(0, 12))
def test_window_mean_matches_the_clipped_bounds(values, radius):
    column = np.array(values)
    n = len(column)
    padded = np.concatenate([[0.0], np.cumsum(column)])
    lo, hi = np.clip(np.arange(n) - radius, 0, n), np.clip(np.arange(n) + radius + 1, 0, n)
    expected = (padded[hi] - padded[lo]) / (hi - lo)
    assert blocks._window_mean(column, radius).tobytes() == expected.tobytes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Home", "The council met on Tuesday.", "© 2024 Acme", "x", "  y ", "東京 2024",
                                 "Read more...", "By Jane Doe | March 3, 2024", "É"]), min_size=1, max_size=25))
def test_base_matrix_from_row_bytes_is_the_matrix_of_the_feature_tuples(texts):
    from cleaner.rules.chrome import normalize_line

    doc = Document("\n".join(texts) + "\n")
    lines = doc.lines()
    norms = [normalize_line(line.text) for line in lines]
    ctx = RuleContext()
    X = blocks._base_matrix(lines, norms, ctx)
    text = np.array([blocks._text_features(line.text) for line in lines], dtype=float)
    corpus = np.array(blocks._corpus_columns(norms, ctx), dtype=float)
    at = blocks._CORPUS_AT
    expected = np.concatenate([text[:, :at], corpus, text[:, at:]], axis=1)
    assert X.dtype == np.float64 and X.shape == expected.shape and X.tobytes() == expected.tobytes()


def test_neighbour_features_are_the_base_features_shifted_with_minus_one_past_the_ends():
    """features reads the neighbours' columns off one padded block: each is its
    base column shifted by the offset, -1.0 where no line is (pages shorter
    than the reach included)."""
    rows = ["Home | News | Sport", "Storm hits the coast", "By Jane Doe", PARAGRAPHS[0], "Share this",
            PARAGRAPHS[1], "© 2024 Acme", "More stories"]
    for n in range(blocks.MIN_LINES, len(rows) + 1):
        doc = Document("\n".join(rows[:n]) + "\n")
        X = blocks.features(doc, blocks.text_lines(doc), RuleContext())
        for k in blocks.NEIGHBOUR_OFFSETS:
            for name in ["log_words", "sentence_end", "stopwords", "title_case", "link_like"]:
                base = X[:, blocks.FEATURES.index(name)]
                got = X[:, blocks.FEATURES.index(f"{name}@{k:+d}")]
                assert np.array_equal(got, blocks._shift(base, k, -1.0)), (n, k, name)
                assert (got[:max(-k, 0)] == -1.0).all() and (got[n - max(k, 0):] == -1.0).all()


def _lines_of(texts: list[str]):
    return blocks.text_lines(Document("\n".join(texts) + "\n"))


def test_a_cue_heading_below_the_last_paragraph_takes_the_rest_of_the_page_with_it():
    texts = PARAGRAPHS + RELATED + ["Newsletter"]
    why = {}
    keep = blocks._drop_after_cue_heading(_lines_of(texts), np.ones(len(texts), dtype=bool), why)
    assert keep.tolist() == [True] * len(PARAGRAPHS) + [False] * (len(RELATED) + 1)
    heading = " ".join(RELATED[0].split())
    assert why == {i: f'below the article, under the heading "{heading}" that opens links to other pages'
                   for i in range(len(PARAGRAPHS), len(texts))}


def test_a_cue_heading_inside_the_article_changes_nothing():
    # ("Related coverage" above the last paragraph: a heading the article uses itself)
    texts = PARAGRAPHS[:2] + ["Related coverage"] + PARAGRAPHS[2:] + ["Photo: Jane Doe"]
    keep = np.ones(len(texts), dtype=bool)
    assert blocks._drop_after_cue_heading(_lines_of(texts), keep).all()
    keep[4:] = False  # (what the model dropped stays dropped; nothing comes back)
    assert blocks._drop_after_cue_heading(_lines_of(texts), keep).tolist() == keep.tolist()


def test_cue_heading_shapes():
    for text in ["Related coverage", "More stories", "You may also like", "Lesen Sie auch", "Read next"]:
        assert blocks.is_cue_heading(text), text
    for text in ["The council met on Tuesday and more stories followed about the related budget.",
                 "Related: the council budget, the bridges and the library, all in one plan for 2025"]:
        assert not blocks.is_cue_heading(text), text


def test_an_authors_other_pages_and_a_sites_next_stories_open_with_cue_headings():
    for text in ["More by Jane Doe", "From Our Archives", "More Great WIRED Stories", "More from The Verge articles",
                 "Next Up In Science & Health", "Next up:"]:
        assert blocks.is_cue_heading(text), text
    # whole lines only: the same words opening a sentence
    for text in ["More by the end of the year, the council said.", "Next, up to 40 homes will be built",
                 "More great news for the city's libraries this week.", "From our archives, a lesson"]:
        assert not blocks.is_cue_heading(text), text
    texts = PARAGRAPHS + ["More by Jane Doe", "The council's bridge plan", "Library hours change in March"]
    kept = blocks._drop_after_cue_heading(_lines_of(texts), np.ones(len(texts), dtype=bool))
    assert kept.tolist() == [True] * len(PARAGRAPHS) + [False] * 3


def test_plain_text_classifier_takes_a_second_look():
    # (the HTML model has its markup for context: a second model gained it little)
    models = blocks.load_models()
    assert set(models) == {"txt", "html"}
    second = models["txt"].second
    assert second is not None and set(second.features) > set(blocks.PROBA_FEATURES)


def test_second_model_reads_the_first_models_probabilities_around_each_line():
    rng = np.random.default_rng(3)
    classifier = blocks.load_models()["txt"]
    X = np.abs(rng.normal(size=(12, len(blocks.FEATURES))))
    first = classifier.first.proba(X)
    expected = classifier.second.proba(np.column_stack([X, blocks.probability_context(X, first)]))
    assert np.array_equal(classifier.proba(X), expected)


def test_probability_context_columns():
    X = np.zeros((6, len(blocks.FEATURES)))
    X[:, blocks.FEATURES.index("log_words")] = np.log1p([10, 10, 10, 10, 10, 10])
    proba = np.array([0.1, 0.9, 0.2, 0.3, 0.95, 0.0])
    ctx = blocks.probability_context(X, proba)
    col = {name: ctx[:, k] for k, name in enumerate(blocks.PROBA_FEATURES)}
    assert ctx.shape == (6, len(blocks.PROBA_FEATURES))
    assert np.array_equal(col["proba"], proba)
    assert col["proba@+1"].tolist() == [0.9, 0.2, 0.3, 0.95, 0.0, 0.0]  # the line below; none below the last
    assert col["proba@-1"].tolist() == [0.0, 0.1, 0.9, 0.2, 0.3, 0.95]
    # lines up to the nearest sure article line above (0.9 at 1, 0.95 at 4), capped where there is none
    assert col["sure_up"].tolist() == [blocks.PROSE_REACH, blocks.PROSE_REACH, 1, 2, 3, 1]
    assert col["sure_down"].tolist() == [1, 3, 2, 1, blocks.PROSE_REACH, blocks.PROSE_REACH]
    words = proba * 10
    assert np.allclose(col["article_above"], (np.cumsum(words) - words) / words.sum())
    assert np.allclose(col["article_above"] + col["article_below"] + words / words.sum(), 1.0)
    assert np.allclose(col["page_proba"], proba.mean())
    assert np.allclose(col["top_line_article"], 0.95 / proba.sum())


TEASERS = [
    "Storm closes coastal roads as rivers rise MIAMI: Forecasters warned on Monday that heavy rain would keep "
    "falling across the south of the state until the weekend.",
    "Union accepts pay offer after long strike DETROIT: Workers at the plant voted to accept the company's offer, "
    "ending a strike that lasted six weeks and halted production.",
    "Court rejects appeal over river dam NEW DELHI: The Supreme Court on Wednesday dismissed an appeal against "
    "the construction of a dam on the river, saying the project had every approval it needed.",
    "Museum returns stolen statues to Italy UNITED NATIONS: Three marble statues taken from a villa in the 1970s "
    "were handed back at a ceremony attended by the ambassador.",
]


def test_a_run_of_headlines_glued_to_their_teasers_datelines_is_a_list_of_stories():
    texts = TEASERS + ["Budget Passes After Long Debate"] + PARAGRAPHS
    keep = blocks._drop_teaser_runs(_lines_of(texts), np.ones(len(texts), dtype=bool))
    assert keep.tolist() == [False] * len(TEASERS) + [True] * (len(PARAGRAPHS) + 1)
    # Through the whole pipeline: the stories above go, the article and its dateline stay.
    page = "\n".join(MENU + TEASERS + ["Budget Passes After Long Debate", "SPRINGFIELD: " + PARAGRAPHS[0]]
                     + PARAGRAPHS[1:] + FOOTER) + "\n"
    cleaned, log = clean_text(page)
    assert not any(t in cleaned for t in TEASERS)
    assert "SPRINGFIELD: " + PARAGRAPHS[0] in cleaned and all(p in cleaned for p in PARAGRAPHS[1:])
    # The change log says why each went, whatever the model thought of it.
    reasons = {page[e.start:e.end].strip(): e.reason for e in log}
    for teaser in TEASERS:
        assert reasons[teaser].startswith("a list of other stories: 4 headlines in a row run into their "
                                          "stories' datelines (P(article) = "), reasons[teaser]


def test_fewer_glued_datelines_than_a_run_stay():
    # Two such lines may be an article's own (a quoted headline, a wire story's two parts); an
    # ordinary dateline opening a paragraph is no glued one.
    texts = PARAGRAPHS[:1] + TEASERS[:2] + PARAGRAPHS[1:] + ["WASHINGTON: The Senate passed the bill late on Tuesday, "
                                                           "sending it to the president."] * 3
    keep = np.ones(len(texts), dtype=bool)
    assert blocks._drop_teaser_runs(_lines_of(texts), keep).all()
    split = TEASERS[:2] + PARAGRAPHS[:1] + TEASERS[2:]  # (two and two, not in a row)
    assert blocks._drop_teaser_runs(_lines_of(split), np.ones(len(split), dtype=bool)).all()


def test_two_cue_headings_below_the_article_open_its_links_even_with_prose_teasers_among_them():
    teasers = ["Storm leaves thousands without power across the region",
               "Crews worked through the night to restore power to homes in the north of the county.",
               "School board names new superintendent after national search",
               "The board chose a former teacher who has run schools in three states."]
    texts = PARAGRAPHS + ["Related links:", "Council report on the budget", "Top stories"] + teasers
    lines = _lines_of(texts)
    doubtful = np.array([0.97] * len(PARAGRAPHS) + [0.94, 0.8, 0.6] + [0.74, 0.68, 0.72, 0.62])
    why = {}
    keep = blocks._drop_after_two_cue_headings(lines, doubtful, np.ones(len(texts), dtype=bool), why)
    assert keep.tolist() == [True] * len(PARAGRAPHS) + [False] * (3 + len(teasers))
    assert why[len(PARAGRAPHS)].startswith('below the article, from the heading "Related links:": 2 headings')
    # A line the model is sure of below the first heading: the article goes on there.
    sure = doubtful.copy()
    sure[-1] = 0.95
    assert blocks._drop_after_two_cue_headings(lines, sure, np.ones(len(texts), dtype=bool)).all()
    # One cue heading alone ("Read also" inside the article) changes nothing here.
    one = PARAGRAPHS[:2] + ["Read also", "Council report on the budget"] + PARAGRAPHS[2:]
    proba = np.array([0.97, 0.97, 0.6, 0.7, 0.7])
    assert blocks._drop_after_two_cue_headings(_lines_of(one), proba, np.ones(len(one), dtype=bool)).all()
    # The same heading over and over ("Read more" under each item of a list) is one button, not two headings.
    items = PARAGRAPHS[:1] + ["Read more", "Janome sewing machine review", "Read more", "Brother XM2701 review"]
    proba = np.array([0.97, 0.6, 0.7, 0.6, 0.7])
    assert blocks._drop_after_two_cue_headings(_lines_of(items), proba, np.ones(len(items), dtype=bool)).all()
