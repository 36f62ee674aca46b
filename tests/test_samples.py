"""Data-driven: every sample in tests/cases/samples.json, cleaned through the CLI.

Each case says which lines must go, which must stay word for word, which
may go either way, and which duplicates or recycled passages must be found.
"""
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CASES = json.loads((ROOT / "tests" / "cases" / "samples.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    out = tmp_path_factory.mktemp("cleaned")
    result = CliRunner().invoke(main, ["clean", str(SAMPLES), "--out", str(out / "samples")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    log = [json.loads(line) for line in (out / "samples" / "cleaner-log.jsonl").read_text("utf-8").splitlines()]
    return out / "samples", log


def output_lines(out: Path, case: dict) -> list[str]:
    name = Path(case["file"])
    if name.suffix in (".html", ".htm"):
        name = name.with_suffix(".txt")
    text = (out / name).read_text(encoding="utf-8")
    if case.get("id") is not None:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        text = next(r["text"] for r in records if str(r.get("id")) == str(case["id"]))
    return [line.strip() for line in text.splitlines()]


def case_id(case: dict) -> str:
    return case["file"] + (f"#{case['id']}" if case.get("id") is not None else "")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sample_lines_go_and_stay(cleaned, case):
    out, _ = cleaned
    lines = output_lines(out, case)
    counts = Counter(lines)
    kept_chrome = [line for line in case.get("must_remove", []) if line.strip() in counts]
    assert not kept_chrome, f"not removed: {kept_chrome}"
    lost_body = [line for line in case.get("must_keep", []) if line.strip() not in counts]
    assert not lost_body, f"lost: {lost_body}"
    for line, most in case.get("max_count", {}).items():
        assert counts[line.strip()] <= most, f"{line!r} appears {counts[line.strip()]} times"


@pytest.mark.parametrize("case", [c for c in CASES if c.get("duplicate_of")], ids=case_id)
def test_sample_near_duplicates_are_found(cleaned, case):
    _, log = cleaned
    pairs = {(Path(r["path"]).name, Path(r["of_path"]).name) for r in log if r["type"] == "duplicate"}
    pairs |= {(b, a) for a, b in pairs}
    assert (Path(case["file"]).name, case["duplicate_of"]) in pairs


@pytest.mark.parametrize("case", [c for c in CASES if c.get("recycled_from")], ids=case_id)
def test_sample_recycled_passages_are_found(cleaned, case):
    _, log = cleaned
    name = Path(case["file"]).name
    sources = {Path(r["source_path"]).name for r in log if r["type"] == "recycled" and Path(r["path"]).name == name}
    sources |= {Path(r["path"]).name for r in log if r["type"] == "recycled" and Path(r["source_path"]).name == name}
    assert set(case["recycled_from"]) <= sources


def test_no_false_duplicates_among_the_original_samples(cleaned):
    _, log = cleaned
    originals = {p.name for p in SAMPLES.glob("00*.txt")}
    false_pairs = [(r["path"], r["of_path"]) for r in log if r["type"] == "duplicate"
                   and Path(r["path"]).name in originals and Path(r["of_path"]).name in originals]
    assert not false_pairs


def test_every_sample_restores_byte_for_byte(cleaned, tmp_path):
    out, _ = cleaned
    result = CliRunner().invoke(main, ["restore", str(out / "cleaner-log.jsonl"), "--out", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    originals = [p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in (".txt", ".html", ".jsonl")]
    assert originals
    for path in originals:
        assert (tmp_path / path.relative_to(SAMPLES)).read_bytes() == path.read_bytes(), path.name
