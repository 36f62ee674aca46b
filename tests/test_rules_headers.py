from pathlib import Path

from cleaner.document import Document
from cleaner.rules import RuleContext
from cleaner.rules.headers import breadcrumb_score, detect, is_dateline

SAMPLES = Path(__file__).parent.parent / "samples"


def removed(text: str) -> dict[str, str]:
    """Removed line text -> rule."""
    return {text[e.start:e.end].strip(): e.rule for e in detect(Document(text), RuleContext())}


def test_dateline_shapes():
    for line in ["Wednesday, April 17, 2024", "17 April 2024", "Apr 17, 2024 10:32 am",
                 "Updated: March 3, 2023", "Mittwoch, 17. April 2024", "17 de abril de 2024",
                 "mercredi 17 avril 2024", "2024-04-17"]:
        assert is_dateline(line, allow_numeric=True), line
    for line in ["April is the cruellest month", "May 2024 be a better year for all of us",
                 "Wednesday", "The 2024 election", "12.03.2024 results were announced"]:
        assert not is_dateline(line, allow_numeric=True), line
    assert not is_dateline("2024-04-17")  # numeric dates only as the very first line


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
