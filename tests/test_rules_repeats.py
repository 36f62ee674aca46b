from cleaner.document import Document
from cleaner.edits import apply, resolve
from cleaner.rules import RuleContext
from cleaner.rules.repeats import MIN_LINES, detect

PARAGRAPHS = [
    f"Paragraph {i} of the story: the council met on Tuesday and agreed, after a long debate about "
    f"schools, roads and the old mill, to spend more on the library next year." for i in range(10)
]
ARTICLE = "How the Village Saved Its Library\n" + "\n".join(PARAGRAPHS) + "\n"


def removed(text: str) -> list[str]:
    return [text[e.start:e.end].strip() for e in detect(Document(text), RuleContext())]


def test_a_later_copy_of_the_article_goes_and_the_first_stays():
    # one copy per screen size, as a scrape of a responsive page gives them
    text = "Home\nNews\n" + ARTICLE + "Subscribe\n" + ARTICLE + ARTICLE + "Contact\n"
    edits = detect(Document(text), RuleContext())
    assert {e.rule for e in edits} == {"repeated-block"}
    assert edits[0].reason == "a copy of lines 3-13 (11 lines)"
    assert apply(text, resolve(edits)) == "Home\nNews\n" + ARTICLE + "Subscribe\nContact\n"


def test_only_a_copy_character_for_character_counts():
    assert len(removed(ARTICLE + ARTICLE)) == 11
    assert removed(ARTICLE + ARTICLE.upper()) == []


def test_short_runs_short_menus_and_single_lines_stay():
    short_run = "\n".join(PARAGRAPHS[:MIN_LINES - 1]) + "\n"
    assert removed(short_run + "Advertisement\n" + short_run) == []
    menu = "\n".join(["Home", "News", "Sport", "Business", "Culture", "Travel", "Opinion", "Contact us",
                      "About us", "Jobs"]) + "\n"  # ten lines, far fewer than MIN_WORDS words
    assert removed(menu + ARTICLE + menu) == []
    quote = PARAGRAPHS[3]  # a pull quote: one line again
    assert removed(ARTICLE + quote + "\n") == []


def test_a_copy_never_overlaps_its_original():
    # five paragraphs again and again: the first ten lines are the original, the next ten its copy
    text = "\n".join(PARAGRAPHS[:5] * 4) + "\n"
    edits = detect(Document(text), RuleContext())
    assert [text[e.start:e.end].strip() for e in edits] == PARAGRAPHS[:5] * 2
    assert {e.reason for e in edits} == {"a copy of lines 1-10 (10 lines)"}


def test_the_quick_test_lets_every_copy_through():
    from collections import Counter

    from cleaner.rules.repeats import _may_hold_a_copy, repeated_runs

    pages = ["Home\nNews\n" + ARTICLE + ARTICLE, "\n".join(PARAGRAPHS[:5] * 4), ARTICLE + "Menu\n" * 20,
             "\n".join(["Home", "News"] * 40), ARTICLE]
    for page in pages:
        texts = page.split("\n")
        if repeated_runs([t for t in texts if t.strip()]):
            assert _may_hold_a_copy(Counter(texts))
    assert not _may_hold_a_copy(Counter(("\n".join(["Home", "News"] * 40)).split("\n")))
