from pathlib import Path

from cleaner.document import Document
from cleaner.edits import apply, resolve
from cleaner.rules import RuleContext
from cleaner.rules.normalize import detect

SAMPLES = Path(__file__).parent.parent / "samples"


def clean(text: str) -> str:
    return apply(text, resolve(detect(Document(text), RuleContext())))


def test_bold_markers_removed_words_kept():
    text = "The **government repression** grows and __so do__ protests.\n"
    edits = detect(Document(text), RuleContext())
    assert [e.rule for e in edits] == ["markdown"] * 4
    assert all(text[e.start:e.end] in {"**", "__"} for e in edits)
    assert clean(text) == "The government repression grows and so do protests.\n"


def test_heading_marker_and_trailing_whitespace():
    text = "## Elections  \nBody text here.\t\n#hashtag stays\n# \n"
    out = clean(text)
    assert out == "Elections\nBody text here.\n#hashtag stays\n#\n"
    rules = sorted({e.rule for e in detect(Document(text), RuleContext())})
    assert rules == ["markdown", "whitespace-trailing"]


def test_things_that_are_not_markdown_stay():
    text = ("Call __init__ to set up the object.\n"
            "A lone ** marker, 2 ** 3 in Python, and snake__case.\n"
            "Stars * like * these.\n")
    assert detect(Document(text), RuleContext()) == []


def test_idempotent():
    text = "**Bold** start and **two** pairs **\n### Deep heading \n  indented line  \n"
    once = clean(text)
    assert once != text
    assert detect(Document(once), RuleContext()) == []


def test_samples_normalize():
    s3 = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")
    out = clean(s3)
    assert "**" not in out and "Government repression intensifies" in out
    assert detect(Document(out), RuleContext()) == []
    s1 = next(SAMPLES.glob("001_*.txt")).read_text(encoding="utf-8")
    out = clean(s1)
    assert all(line == line.rstrip() or not line.strip() for line in out.split("\n"))
    # only whitespace went: the words are unchanged
    assert out.split() == s1.split()


def test_trailing_whitespace_is_where_the_regex_finds_it():
    """The end-of-line test and rstrip give the run the regex of trailing whitespace finds."""
    import re

    from hypothesis import given, strategies as st

    _TRAILING = re.compile(r"[ \t\u00a0\u3000]+$")

    @given(st.text(alphabet=st.sampled_from(list("ab \t\u00a0\u3000\r\u2028\x0b.")), min_size=1, max_size=30))
    def check(text):
        if not text.strip():
            return
        edits = [e for e in detect(Document(text), RuleContext()) if e.rule == "whitespace-trailing"]
        m = _TRAILING.search(text)
        assert [(e.start, e.end) for e in edits] == ([(m.start(), len(text))] if m else [])

    check()
