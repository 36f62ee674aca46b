import json

from click.testing import CliRunner

from cleaner.cli import main
from cleaner.document import Document
from cleaner.edits import apply, resolve
from cleaner.rules import RuleContext
from cleaner.rules.contents import detect

INTRO = ("Moving house is stressful, but a little planning takes most of the pain out of it.\n"
         "Here is the plan we have used for our last three moves, step by step.\n")
TABLE = ("Contents hide\n"
         "1 Set goals and a timeline\n"
         "2 Sort your things\n"
         "2.1 Keep, sell or give away\n"
         "3 Pack room by room\n"
         "Conclusion\n")
BODY = ("Set goals and a timeline\n"
        "Start eight weeks before the move and write down what has to happen each week.\n"
        "Sort your things\n"
        "Go through every cupboard once, with three boxes at hand.\n"
        "Keep, sell or give away\n"
        "Whatever you have not used for a year goes into the second or third box.\n"
        "Pack room by room\n"
        "Label each box with its room, so that the movers know where it goes.\n"
        "Conclusion\n"
        "A move planned this way takes longer to prepare and much less time to recover from.\n")


def removed(text: str) -> list[str]:
    return [text[e.start:e.end].strip() for e in detect(Document(text), RuleContext())]


def test_the_table_and_its_heading_go_and_the_headings_below_stay():
    text = INTRO + TABLE + BODY
    edits = detect(Document(text), RuleContext())
    assert [text[e.start:e.end].strip() for e in edits] == TABLE.splitlines()
    assert {e.rule for e in edits} == {"table-of-contents"}
    assert apply(text, resolve(edits)) == INTRO + BODY


def test_a_table_printed_as_one_line_goes():
    glued = "Table of Contents\nSet goals and a timelineSort your thingsPack room by roomConclusion\n"
    assert removed(INTRO + glued + BODY) == glued.splitlines()


def test_a_collapsed_table_prints_only_its_heading_which_goes():
    assert removed(INTRO + "Table of Contents ▼\n" + BODY) == ["Table of Contents ▼"]
    assert removed(INTRO + "Inhaltsverzeichnis\n" + BODY) == ["Inhaltsverzeichnis"]



def test_a_table_in_a_scrape_to_markdown_goes():
    # Scrapers that write markdown keep the table as a list of anchor links.
    table = ("## Table of Contents\n"
             "- [Set goals and a timeline](#set-goals)\n"
             "- [Sort your things](#sort)\n"
             "  - [Keep, sell or give away](#keep)\n"
             "- [Pack room by room](#pack)\n")
    body = "".join(f"## {line}\n" if len(line.split()) < 6 else line + "\n" for line in BODY.splitlines())
    text = INTRO + table + body
    assert removed(text) == [line.strip() for line in table.splitlines()]
    assert apply(text, resolve(detect(Document(text), RuleContext()))) == INTRO + body


def test_a_contents_list_the_page_does_not_print_again_is_part_of_the_article():
    # A book's contents in a review: "Contents" is ambiguous, and its lines are nowhere else.
    review = ("The anthology gathers twelve stories written over forty years.\n"
              "Contents\n"
              "The Lighthouse Keeper\n"
              "Salt and Iron\n"
              "A Winter Crossing\n"
              "The best of them is the last, a quiet story about a ferry in the ice.\n")
    assert removed(review) == []
    # "Contents" in a sentence, or as a word of a heading, is no table either.
    assert removed("The contents of the box surprised everyone.\nContents of the box\n" + BODY) == []


def test_the_table_ends_where_the_lines_stop_being_headings_of_the_page():
    # A promotion under the table is no entry: it is not printed again below.
    text = (INTRO + "On this page\nSort your things\nPack room by room\n"
            + "Try our moving checklist app\nDownload it free for your phone today.\n" + BODY)
    assert removed(text) == ["On this page", "Sort your things", "Pack room by room"]


def test_clean_logs_the_table_and_restore_gives_the_page_back(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    page = INTRO + TABLE + BODY
    (src / "move.txt").write_bytes(page.encode("cp1252"))
    out, restored = tmp_path / "out", tmp_path / "restored"
    result = CliRunner().invoke(main, ["clean", str(src), "--out", str(out), "--no-dedup"], catch_exceptions=False)
    assert result.exit_code == 0
    cleaned = (out / "move.txt").read_text(encoding="utf-8")
    assert "Contents hide" not in cleaned and "1 Set goals and a timeline" not in cleaned
    for heading in ("Set goals and a timeline", "Keep, sell or give away", "Conclusion"):
        assert heading + "\n" in cleaned
    log = [json.loads(line) for line in (out / "cleaner-log.jsonl").read_text().splitlines()]
    removed_by_rule = [entry["text"].strip() for entry in log if entry.get("rule") == "table-of-contents"]
    assert removed_by_rule == TABLE.splitlines()
    assert CliRunner().invoke(main, ["restore", str(out / "cleaner-log.jsonl"), "--out", str(restored)]).exit_code == 0
    assert (restored / "move.txt").read_bytes() == page.encode("cp1252")
