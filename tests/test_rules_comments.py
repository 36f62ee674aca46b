from pathlib import Path

from cleaner.document import Document
from cleaner.edits import apply, resolve
from cleaner.rules import RuleContext
from cleaner.rules.comments import detect

ARTICLE = (
    "How We Rebuilt the Old Mill\n"
    "The old mill on the river had stood empty for thirty years before the village bought it.\n"
    "Volunteers spent two summers clearing the roof, the wheel and the flooded cellar by hand.\n"
    "The council paid for new beams, and a local firm donated the glass for the windows.\n"
    "Today the mill grinds flour again on Saturdays, and the bakery next door sells the bread.\n"
)
THREAD = (
    "3 thoughts on “How We Rebuilt the Old Mill”\n"
    "Jane Doe says:\n"
    "March 3, 2024 at 5:12 pm\n"
    "What a lovely story. I walked past the mill as a child and always wondered what was inside.\n"
    "Reply\n"
    "Tom Roe says:\n"
    "March 4, 2024 at 9:01 am\n"
    "Thank you for writing this. My grandfather worked there until it closed in the sixties.\n"
    "He would have loved to see it running again.\n"
    "Reply\n"
    "millfan\n"
    "2 days ago\n"
    "Is the mill open to visitors on weekdays, or only on Saturdays when they grind?\n"
)
FORM = (
    "Leave a Reply Cancel reply\n"
    "Your email address will not be published. Required fields are marked *\n"
    "Archives\n"
    "December 2025\n"
    "November 2025\n"
)


def removed_lines(text: str) -> list[str]:
    return [text[e.start:e.end].strip() for e in detect(Document(text), RuleContext())]


def test_thread_under_a_comments_heading_goes_through_the_last_post():
    text = ARTICLE + THREAD + FORM
    gone = removed_lines(text)
    assert gone == [line for line in THREAD.splitlines()]
    edits = detect(Document(text), RuleContext())
    assert {e.rule for e in edits} == {"comments"}
    assert "3 dated posts" in edits[0].reason
    # what is left is the article and the form, byte for byte
    assert apply(text, resolve(edits)) == ARTICLE + FORM


def test_the_comment_form_ends_the_thread_before_the_footers_dates():
    # Archive months under the form are dated lines under short ones, like posts.
    text = ARTICLE + THREAD + FORM + "Whatever Days\nDecember 2025\nS\nM\nT\n"
    assert removed_lines(text) == THREAD.splitlines()


def test_heading_without_dated_posts_is_left_alone():
    text = ARTICLE + "Comments\nWe read every comment before it appears.\nPost Comment\nRelated\nAn older story\n"
    assert removed_lines(text) == []


def test_a_single_post_is_no_thread():
    text = ARTICLE + "1 Comment\nJane Doe says:\nMarch 3, 2024 at 5:12 pm\nLovely story, thank you.\n"
    assert removed_lines(text) == []


def test_heading_above_the_article_opens_nothing():
    # "12 Comments" in the byline, then dated lines: a live blog, not a thread.
    text = ("Storm live: roads closed across the county\n12 Comments\n"
            "Update\nMarch 3, 2024 at 5:12 pm\nThe river has burst its banks at the old bridge this morning.\n"
            "Update\nMarch 3, 2024 at 6:40 pm\nThe police have closed the main road until further notice.\n"
            + ARTICLE)
    assert removed_lines(text) == []


def test_dates_far_below_the_heading_are_not_its_posts():
    text = ARTICLE + "Discussion\n" + "\n".join(
        f"The committee discussed item {i} of the agenda at some length before voting." for i in range(8)
    ) + "\nJane Doe\nMarch 3, 2024\nJohn Roe\nMarch 4, 2024\n"
    assert removed_lines(text) == []


def test_through_the_cli_the_thread_goes_and_the_article_stays(tmp_path: Path):
    from click.testing import CliRunner

    from cleaner.cli import main

    page = tmp_path / "in" / "mill.txt"
    page.parent.mkdir()
    page.write_text(ARTICLE + THREAD + FORM, encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", str(page.parent), "--out", str(tmp_path / "out"), "--no-dedup"])
    assert result.exit_code == 0, result.output
    cleaned = (tmp_path / "out" / "mill.txt").read_text(encoding="utf-8")
    for line in ARTICLE.splitlines()[1:]:
        assert line in cleaned
    for post in ("lovely story", "grandfather", "millfan", "Is the mill open"):
        assert post not in cleaned
