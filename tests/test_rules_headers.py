from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document
from cleaner.rules import RuleContext
from cleaner.rules.headers import _same_title, breadcrumb_score, detect, is_dateline

SAMPLES = Path(__file__).parent.parent / "samples"


def removed(text: str) -> dict[str, str]:
    """Removed line text -> rule."""
    return {text[e.start:e.end].strip(): e.rule for e in detect(Document(text), RuleContext())}


def test_dateline_shapes():
    for line in ["Wednesday, April 17, 2024", "17 April 2024", "Apr 17, 2024 10:32 am",
                 "Updated: March 3, 2023", "Mittwoch, 17. April 2024", "17 de abril de 2024",
                 "mercredi 17 avril 2024", "2024-04-17", "Nov 18, 2019, 10:31 AM CST", "- Nov. 18th 2019 8:54 am PT"]:
        assert is_dateline(line, allow_numeric=True), line
    for line in ["April is the cruellest month", "May 2024 be a better year for all of us",
                 "Wednesday", "The 2024 election", "12.03.2024 results were announced"]:
        assert not is_dateline(line, allow_numeric=True), line
    assert not is_dateline("2024-04-17")  # numeric dates only as the very first line
    # ... unless a publishing word stamps them
    for line in ["Last Updated: 2025-02-22", "Updated on 09/12/25", "Published 2019-11-18T22:05:36Z",
                 "Posted on 11/18/2019 10:31 AM"]:
        assert is_dateline(line), line
    for line in ["Published 2025-12-20 in ColdFusion", "Updated 2.0.1 release notes", "Updated: version 2.0.1"]:
        assert not is_dateline(line, allow_numeric=True), line


def test_breadcrumb_glued_and_separated():
    title = "Ongoing Successes Should Inspire Support From Abroad"
    assert breadcrumb_score("HomeNewsPoliticsOngoing Successes Should Inspire Support From Abroad", [title]) > 0.9
    assert breadcrumb_score("HomeNewsPoliticsOngoing Successes Should Inspire...", [title]) > 0.9
    assert breadcrumb_score("Home > News > Politics", []) > 0.8
    assert breadcrumb_score("Accueil » Monde » Le titre de l'article", ["Le titre de l'article"]) > 0.8
    assert breadcrumb_score("Homeland security officials met on Monday", [title]) == 0
    assert breadcrumb_score("Profits rose 3% / year over five years", [title]) == 0
    assert breadcrumb_score(title, [title]) == 0


def test_header_block_dateline_breadcrumb_title_repeat_caption():
    text = ("Monday, May 6, 2024\n"
            "HomeWorldEuropeLeaders Meet in Brussels to Discuss Energy Prices\n\n"
            "Leaders Meet in Brussels to Discuss Energy Prices\n\n"
            "Leaders Meet in Brussels to Discuss Energy Prices\n"
            "The summit venue in Brussels, May 2024\n\n"
            "European leaders met on Monday to discuss the rising cost of energy, which has "
            "hit households across the continent.\n")
    got = removed(text)
    assert got["Monday, May 6, 2024"] == "dateline"
    assert got["HomeWorldEuropeLeaders Meet in Brussels to Discuss Energy Prices"] == "breadcrumb"
    assert got["Leaders Meet in Brussels to Discuss Energy Prices"] == "repeated-title"
    assert got["The summit venue in Brussels, May 2024"] == "caption"
    edits = detect(Document(text), RuleContext())
    # the first copy of the title stays: only one repeated-title edit, on the later copy
    reps = [e for e in edits if e.rule == "repeated-title"]
    assert len(reps) == 1 and reps[0].start > text.index("\n\nLeaders")
    assert not any("European leaders" in text[e.start:e.end] for e in edits)


def test_plain_article_header_is_left_alone():
    text = ("The Quiet Revolution in Rural Schools\n"
            "'A school is the heart of a village, and we must keep it beating'\n"
            "Introduction\n"
            "Across the country, small schools are finding new ways to stay open despite falling numbers.\n")
    assert detect(Document(text), RuleContext()) == []


def test_no_caption_without_page_chrome():
    text = ("Energy Prices in Europe\n"
            "Brussels, a city of summits, May 2024\n\n"
            "European leaders met on Monday to discuss the rising cost of energy across the union.\n")
    assert detect(Document(text), RuleContext()) == []


def test_headings_after_title_are_not_captions():
    text = ("Tuesday, June 4, 2024\n"
            "Why Cities Plant Trees\n"
            "Introduction\n"
            "What does a tree cost?\n"
            "Cities plant trees because they cool streets and clean the air for everyone.\n")
    got = removed(text)
    assert got == {"Tuesday, June 4, 2024": "dateline"}


def test_samples_headers():
    def run(name):
        path = next(SAMPLES.glob(f"{name}_*.txt"))
        return removed(path.read_text(encoding="utf-8"))

    s1 = run("001")
    assert s1["Wednesday, April 17, 2024"] == "dateline"
    assert any(k.startswith("HomeIran News Now") and v == "breadcrumb" for k, v in s1.items())
    assert s1["International Community Should Side With Iranian People and Their Organized Resistance"] == "repeated-title"
    assert s1["Free Iran Grand Gathering in Paris, July 2017"] == "caption"
    s2 = run("002")
    assert s2["Wednesday, April 24, 2024"] == "dateline"
    assert any(k.startswith("HomeIran News Now") and v == "breadcrumb" for k, v in s2.items())
    assert "repeated-title" in s2.values() and "caption" in s2.values()
    s4 = run("004")
    assert any(k.startswith("HomeIran News Now") and v == "breadcrumb" for k, v in s4.items())
    assert any(k.startswith("Maryam Rajavi, the President-elect") and v == "caption" for k, v in s4.items())
    assert "The MEK Represents Hope for a Democratic Iran" not in s4
    assert run("000") == {}
    assert run("003") == {}


# ------------------------------------------------- bylines, mastheads, section nav

from cleaner.rules.headers import byline_rule, is_section_nav  # noqa: E402

BODY = ("On Monday the council voted to rebuild the old library on higher ground, "
        "ending a debate that had run for most of the year.\n")


def test_byline_shapes():
    for line in ["By Jane Doe", "by Jane Doe and John Roe", "By Jane Doe | March 3, 2021",
                 "Jane Doe, Staff Writer · 5 min read", "Posted on 25 April 2024 by Staff Writer",
                 "Published March 3, 2021 by Jane Doe", "By Jane Doe on March 3, 2021", "8 min read",
                 # the date may open with a weekday and end with a time; a paper's staff; "By:"
                 "By Jane Doe on Monday, November 18th, 2019 at 11:04 a.m.",
                 "By Jane Doe, Staff Writer, March 3, 2021", "By Jane Doe, Times staff writer",
                 "Written By: Jane Doe", "05 Nov 2025. 8 minutes read",
                 "Jane Doe Published 10:19am 19 December 2025", "Jane Roe Updated March 3, 2021"]:
        assert byline_rule(line) == "byline", line
    for line in ["Updated 3 hours ago", "Posted 2 days ago", "yesterday"]:
        assert byline_rule(line) == "dateline", line
    for line in ["By the way, nobody asked", "Photos taken by the river", "Jane Doe",
                 "Growth by Numbers: A Decade in Review", "Support for the Resistance Grown by Millions",
                 "Stand by me.", "By Jane Doe?", "World | Middle East | Opinion",
                 "By 2025, the company expects growth", "By the staff", "Originally posted February 2017",
                 "Apple Updated Its iPhone on March 3, 2021", "Version 2.0. Released in March"]:
        assert byline_rule(line) is None, line


def test_section_nav_shapes():
    assert is_section_nav("World | Middle East | Opinion")
    assert is_section_nav("News › Politics › Europe")
    assert is_section_nav("Sport • Football • Premier League")
    assert not is_section_nav("News | Politics")  # two items: only with a clear title below
    assert not is_section_nav("Profits rose 3% / year over five years | and more")
    assert not is_section_nav("Why the war in Ukraine changed everything | Opinion | Analysis")


def test_masthead_section_nav_and_byline_around_title():
    text = ("Northbridge Review\n"
            "World | Middle East | Opinion\n\n"
            "Library Council Votes to Rebuild on Higher Ground After the Flood\n"
            "Posted on 25 April 2024 by Staff Writer\n\n" + BODY)
    got = removed(text)
    assert got == {"Northbridge Review": "masthead", "World | Middle East | Opinion": "breadcrumb",
                   "Posted on 25 April 2024 by Staff Writer": "byline"}


def test_two_item_nav_and_menu_words_above_a_clear_title():
    text = ("Subscribe\nNews | Local\n"
            "Library Council Votes to Rebuild on Higher Ground After the Flood\n"
            "By Jane Doe | March 3, 2021\n" + BODY)
    got = removed(text)
    assert got == {"Subscribe": "masthead", "News | Local": "breadcrumb",
                   "By Jane Doe | March 3, 2021": "byline"}


def test_byline_with_reading_time_and_relative_date_below_title():
    text = ("Library Council Votes to Rebuild on Higher Ground\n"
            "Jane Doe, Staff Writer · 5 min read\n"
            "Updated 3 hours ago\n\n" + BODY)
    got = removed(text)
    assert got == {"Jane Doe, Staff Writer · 5 min read": "byline", "Updated 3 hours ago": "dateline"}


def test_standfirst_sentence_under_title_stays():
    text = ("Northbridge Review\n"
            "Library Council Votes to Rebuild on Higher Ground\n"
            "The vote ends a long debate.\n\n" + BODY)
    got = removed(text)
    assert got == {"Northbridge Review": "masthead"}
    text = ("Library Council Votes to Rebuild on Higher Ground\n"
            "By Jane Doe\n"
            "The town will borrow the money over twenty years.\n\n" + BODY)
    assert removed(text) == {"By Jane Doe": "byline"}


def test_no_masthead_without_a_clear_title():
    # The first line is the title: a longer sentence-case deck under it does not make it chrome.
    text = ("Why Cities Plant Trees\n"
            "A look at how urban forests cool the streets\n\n" + BODY)
    assert removed(text) == {}
    # Short lines followed by a heading-like question, not a title: nothing goes.
    text = ("Field Notes\nIntroduction\nWhat does a tree cost?\n" + BODY)
    assert removed(text) == {}
    # No body after the header: no masthead.
    text = "Northbridge Review\nLibrary Council Votes to Rebuild on Higher Ground\n"
    assert removed(text) == {}


def test_title_only_document_keeps_its_title():
    for text in ["Library Council Votes to Rebuild on Higher Ground\n", "Northbridge Review\n",
                 "By Any Means Necessary\n", "World | Middle East | Opinion\n"]:
        got = removed(text)
        assert text.strip() not in got or got[text.strip()] == "breadcrumb", (text, got)
    assert removed("Library Council Votes to Rebuild on Higher Ground\n") == {}
    assert removed("By Any Means Necessary\n") == {}


def test_short_section_heading_in_body_stays():
    text = ("Library Council Votes to Rebuild on Higher Ground\n"
            "By Jane Doe\n\n" + BODY + "\nWhat Comes Next\n\n"
            "The council will choose an architect in the spring and hopes to open the new "
            "building within three years.\n\nBy the numbers\n\nBy Jane Doe\n")
    got = removed(text)
    assert got == {"By Jane Doe": "byline"}
    edits = detect(Document(text), RuleContext())
    assert len(edits) == 1 and edits[0].start < text.index("On Monday")


def test_byline_above_body_after_page_menus():
    menu = "".join(f"Menu item {i}\n" for i in range(12))
    text = (menu + "Library Council Votes to Rebuild on Higher Ground\n"
            "By Jane Doe | March 3, 2021\n\n" + BODY)
    got = removed(text)
    assert got == {"By Jane Doe | March 3, 2021": "byline"}
    # without a title-like line above the body, nothing is taken there
    text = menu + "By Jane Doe | March 3, 2021\n\n" + BODY
    assert "By Jane Doe | March 3, 2021" not in removed(text)


def test_sample_104_header():
    path = next(SAMPLES.glob("104_*.txt"))
    got = removed(path.read_text(encoding="utf-8"))
    assert got["Northbridge Review"] == "masthead"
    assert got["World | Middle East | Opinion"] == "breadcrumb"
    assert got["Posted on 25 April 2024 by Staff Writer"] == "byline"
    assert not any(k.startswith("Ongoing Successes") for k in got)


def test_numeric_dates_with_a_time_zone_or_in_iso_form():
    for line in ("2024-03-01T08:57:45+01:00", "2024-03-01T22:05:36Z", "3/1/24 11:04 PM EST", "03/01/2024 8:21 am ET"):
        assert is_dateline(line, allow_numeric=True), line
    for line in ("3/1/24 11:04 PM and counting", "2024-03-01T08:57 in Berlin"):
        assert not is_dateline(line, allow_numeric=True), line
    from cleaner.rules.headers import byline_rule

    assert byline_rule("By Jane Doe - 3/1/24 11:04 PM EST") == "byline"


def _same_title_plain(a: str, b: str) -> bool:
    """_same_title as it was before the cheap bounds: the full difflib ratio."""
    from difflib import SequenceMatcher

    from cleaner.rules.headers import SAME_TITLE_RATIO, _norm

    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if min(len(na), len(nb)) < 12:
        return False
    return SequenceMatcher(None, na, nb, autojunk=False).ratio() >= SAME_TITLE_RATIO


_TITLE_WORDS = ["storm", "hits", "coast", "the", "city", "council", "budget", "’s", "Storm", "a", "é", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_WORDS), min_size=2, max_size=14), st.data())
def test_same_title_bounds_agree_with_the_full_ratio(words, data):
    # near copies (a word dropped, swapped or added) sit around the 0.92 ratio
    a = " ".join(words)
    edited = list(words)
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(edited)))
        if data.draw(st.booleans()) and at < len(edited):
            del edited[at]
        else:
            edited.insert(at, data.draw(st.sampled_from(_TITLE_WORDS)))
    b = " ".join(edited)
    assert _same_title(a, b) == _same_title_plain(a, b)
    assert _same_title(b, a) == _same_title_plain(b, a)


def test_same_title_explicit_cases():
    title = "Storm hits the coast as the council meets on the budget"
    for other in [title, title + "!", title.upper(), title[:-1], title + " today", "Storm hits the coast",
                  title.replace("council", "counsel"), "Completely different words in this line here"]:
        assert _same_title(title, other) == _same_title_plain(title, other), other
