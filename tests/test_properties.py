"""Property tests: restore gives back the exact bytes, and cleaning is idempotent."""
import random
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaner import clean_text
from cleaner.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_LINES = [
    line
    for path in sorted(SAMPLES.glob("00*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
]
CHROME_LINES = ["What's Your Reaction?", "Also read : Something else entirely", "CATEGORIES", "News",
                "Wednesday, April 17, 2024", "Share this article", "**Bold heading**", "", "", "   "]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
NEWLINES = ["\n", "\r\n", "\r"]


def documents():
    """Random documents made of sample lines, chrome lines and random Unicode."""
    free_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=60)
    line = st.one_of(st.sampled_from(SAMPLE_LINES), st.sampled_from(CHROME_LINES), free_text)
    return st.lists(line, min_size=1, max_size=25)


def encodable(text: str, encoding: str) -> str:
    return text.encode(encoding, errors="replace").decode(encoding)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents(), st.sampled_from(ENCODINGS), st.sampled_from(NEWLINES), st.booleans(), st.integers(0, 2**32))
def test_clean_then_restore_gives_back_the_exact_bytes(lines, encoding, newline, in_place, seed):
    text = "\n".join(lines)
    if random.Random(seed).random() < 0.5:
        text += "\n"
    raw = encodable(text, encoding).replace("\n", newline).encode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        path = tmp / "in" / "doc.txt"
        path.write_bytes(raw)
        runner = CliRunner()
        if in_place:
            args = ["clean", str(path), "--in-place", "--log", str(tmp / "log.jsonl"), "--no-dedup"]
            restore = ["restore", str(tmp / "log.jsonl"), "--in-place"]
            target = path
        else:
            args = ["clean", str(tmp / "in"), "--out", str(tmp / "out"), "--no-dedup"]
            restore = ["restore", str(tmp / "out" / "cleaner-log.jsonl"), "--out", str(tmp / "back")]
            target = tmp / "back" / "doc.txt"
        result = runner.invoke(main, args, catch_exceptions=False)
        if result.exit_code == 1 and "error" in result.output:
            assert "doc.txt: error" in result.output  # refused (e.g. only whitespace): reported, not written
            assert path.read_bytes() == raw
            return
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, restore, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert target.read_bytes() == raw


@settings(max_examples=60, deadline=None)
@given(documents())
def test_cleaning_cleaned_text_changes_nothing(lines):
    text = "\n".join(lines) + "\n"
    once, _ = clean_text(text)
    twice, edits = clean_text(once)
    assert twice == once, [(e.rule, once[e.start:e.end]) for e in edits]


def test_cleaning_the_samples_twice_changes_nothing():
    for path in sorted(SAMPLES.glob("*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # the non-UTF-8 samples are covered through the CLI tests
        once, _ = clean_text(text)
        twice, edits = clean_text(once)
        assert not edits, (path.name, [(e.rule, once[e.start:e.end]) for e in edits])
