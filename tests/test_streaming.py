"""Large files in parts, and corpora bigger than what is held in memory.

The figures that matter (peak memory at 100k and 1M documents) come from
benchmarks/scale_bench.py; these tests check that reading in parts, writing
in parts and reading the corpus twice change nothing in what is written.
"""
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner import pipeline
from cleaner.cli import main
from cleaner.dedup.stage import CorpusStage
from cleaner.io import readers

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def records(path: Path) -> list[dict]:
    """The log's records but its header (which has the time), in a stable order."""
    found = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return sorted((r for r in found if r["type"] != "header"), key=lambda r: json.dumps(r, sort_keys=True))


def jsonl_lines() -> list[str]:
    """Sample articles as records, with what a real dump holds: ids repeated, a bad line,
    a blank line, non-ASCII text and records that are copies of each other."""
    texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(SAMPLES.glob("*.txt"))]
    lines = []
    for i in range(60):
        text = texts[i % len(texts)] + f"\n\nRecord {i} ends here – café, naïve, 東京."
        lines.append(json.dumps({"id": f"r{i % 50}", "text": text}, ensure_ascii=i % 2 == 0))
    lines[7] = '{"id": "bad", "text": '  # cut short
    lines[20] = ""
    return lines


@pytest.fixture
def corpus(tmp_path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    data = ("\n".join(jsonl_lines()) + "\n").encode("utf-8")
    (src / "docs.jsonl").write_bytes(data)
    (src / "more.jsonl.gz").write_bytes(gzip.compress(data.replace(b'"id": "r', b'"id": "g'), mtime=0))
    return src


def small_parts(monkeypatch, part_bytes: int = 3000) -> None:
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "PART_BYTES", part_bytes)


def test_parts_are_the_file(corpus, monkeypatch):
    """Parts of whole lines: joined they are the file's text; their records and errors are the file's."""
    for name in ("docs.jsonl", "more.jsonl.gz"):
        whole = readers.read_source(corpus / name)
        parts = list(readers.read_parts(corpus / name, stream_bytes=1000, part_bytes=3000))
        assert len(parts) > 5 and [p.last for p in parts] == [False] * (len(parts) - 1) + [True]
        assert "\n".join(p.text for p in parts) == whole.text
        assert [(u.line, u.doc.key, u.doc.text) for p in parts for u in p.units] == \
            [(u.line, u.doc.key, u.doc.text) for u in whole.units]
        assert [e for p in parts for e in p.record_errors] == whole.record_errors
        assert all(p.sha256 == whole.sha256 and p.facts == whole.facts for p in parts)


def test_files_that_do_not_decode_line_by_line_are_read_whole(tmp_path):
    """CRLF, a byte-order mark or another encoding: one part, decoded whole as always."""
    line = json.dumps({"id": 1, "text": "Ein Satz über die Straße."}, ensure_ascii=False)
    for name, data in [("crlf.jsonl", (line + "\r\n") * 200), ("bom.jsonl", "\ufeff" + (line + "\n") * 200)]:
        (tmp_path / name).write_text(data, encoding="utf-8", newline="")
    (tmp_path / "latin.jsonl").write_bytes(((line + "\n") * 200).encode("latin-1"))
    for name in ("crlf.jsonl", "bom.jsonl", "latin.jsonl"):
        parts = list(readers.read_parts(tmp_path / name, stream_bytes=100, part_bytes=500))
        assert len(parts) == 1 and parts[0].text == readers.read_source(tmp_path / name).text, name


def test_clean_in_parts_writes_what_clean_whole_writes(corpus, tmp_path, monkeypatch):
    whole = invoke("clean", corpus, "--out", tmp_path / "whole", "--workers", 1)
    assert whole.exit_code == 1, whole.output  # the bad line and the repeated ids are reported
    small_parts(monkeypatch)
    monkeypatch.setattr(pipeline, "HOLD_CHARS", 5000)  # and the corpus is read again for the second pass
    monkeypatch.setattr(pipeline, "STAGE_SPILL_BYTES", 20000)  # dedup hashes spilled to stage files
    parts = invoke("clean", corpus, "--out", tmp_path / "parts", "--workers", 2)
    assert parts.exit_code == 1, parts.output
    for name in ("docs.jsonl", "more.jsonl.gz"):
        assert (tmp_path / "parts" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert records(tmp_path / "parts" / "cleaner-log.jsonl") == records(tmp_path / "whole" / "cleaner-log.jsonl")
    log = records(tmp_path / "parts" / "cleaner-log.jsonl")
    assert sum(r["type"] == "duplicate" for r in log) > 0 and sum(r["type"] == "edit" for r in log) > 60
    assert not list((tmp_path / "parts").glob(".*.tmp"))
    restored = invoke("restore", tmp_path / "parts" / "cleaner-log.jsonl", "--out", tmp_path / "back")
    assert restored.exit_code == 0, restored.output
    for name in ("docs.jsonl", "more.jsonl.gz"):
        assert (tmp_path / "back" / name).read_bytes() == (corpus / name).read_bytes(), name


def test_dedup_in_parts_finds_what_dedup_whole_finds(corpus, tmp_path, monkeypatch):
    """`cleaner dedup` reads each file once, in parts, its hashes and texts spilled to stage files."""
    whole = invoke("dedup", corpus, "--log", tmp_path / "whole.jsonl")
    assert whole.exit_code == 1, whole.output
    small_parts(monkeypatch)
    monkeypatch.setattr(pipeline, "AS_READ_SPILL_BYTES", 20000)
    spilled = []
    real_spill = CorpusStage._spill
    monkeypatch.setattr(CorpusStage, "_spill", lambda self: (spilled.append(self.folder), real_spill(self)))
    reads = []
    real_read = pipeline.CorpusRun._read_file
    monkeypatch.setattr(pipeline.CorpusRun, "_read_file",
                        lambda self, path, rel: (reads.append(path), real_read(self, path, rel))[1])
    parts = invoke("dedup", corpus, "--log", tmp_path / "parts.jsonl")
    assert parts.exit_code == 1, parts.output
    assert spilled and sorted(reads) == sorted(corpus.iterdir())  # spilled, and every file read once
    log = records(tmp_path / "parts.jsonl")
    assert log == records(tmp_path / "whole.jsonl")
    assert sum(r["type"] == "duplicate" for r in log) > 0 and sum(r["type"] == "error" for r in log) > 0


def test_dedup_hashes_in_workers_and_finds_the_same(corpus, tmp_path, monkeypatch):
    one = invoke("dedup", corpus, "--log", tmp_path / "one.jsonl", "--workers", 1)
    small_parts(monkeypatch)  # many batches in flight
    monkeypatch.setattr(pipeline._StageFeeder, "POOL_CHARS", 1000)
    pools = []
    real_start = pipeline._StageFeeder._start
    monkeypatch.setattr(pipeline._StageFeeder, "_start", lambda self: (pools.append(self.workers), real_start(self)))
    two = invoke("dedup", corpus, "--log", tmp_path / "two.jsonl", "--workers", 2)
    assert pools == [2]
    assert (one.exit_code, two.exit_code) == (1, 1)
    assert records(tmp_path / "two.jsonl") == records(tmp_path / "one.jsonl")


def test_in_place_in_parts(corpus, tmp_path, monkeypatch):
    """The input is replaced once its every part is written and logged; restore gives it back."""
    original = (corpus / "docs.jsonl").read_bytes()
    expected = invoke("clean", corpus / "docs.jsonl", "--out", tmp_path / "out", "--no-dedup", "--keep-encoding")
    assert expected.exit_code == 1
    small_parts(monkeypatch)
    result = invoke("clean", corpus / "docs.jsonl", "--in-place", "--no-dedup", "--log", tmp_path / "log.jsonl")
    assert result.exit_code == 1, result.output
    assert (corpus / "docs.jsonl").read_bytes() == (tmp_path / "out" / "docs.jsonl").read_bytes() != original
    assert not list(corpus.glob(".*.tmp"))
    restored = invoke("restore", tmp_path / "log.jsonl", "--in-place")
    assert restored.exit_code == 0, restored.output
    assert (corpus / "docs.jsonl").read_bytes() == original


def test_drop_duplicates_in_parts(corpus, tmp_path, monkeypatch):
    whole = invoke("clean", corpus, "--out", tmp_path / "whole", "--drop-duplicates")
    small_parts(monkeypatch)
    monkeypatch.setattr(pipeline, "HOLD_CHARS", 5000)
    parts = invoke("clean", corpus, "--out", tmp_path / "parts", "--drop-duplicates")
    assert whole.exit_code == parts.exit_code == 1
    out = (tmp_path / "parts" / "docs.jsonl").read_bytes()
    assert out == (tmp_path / "whole" / "docs.jsonl").read_bytes()
    assert out.count(b"\n") < (corpus / "docs.jsonl").read_bytes().count(b"\n")  # copies left out
    assert records(tmp_path / "parts" / "cleaner-log.jsonl") == records(tmp_path / "whole" / "cleaner-log.jsonl")
    assert invoke("restore", tmp_path / "parts" / "cleaner-log.jsonl", "--out", tmp_path / "back").exit_code == 0
    assert (tmp_path / "back" / "docs.jsonl").read_bytes() == (corpus / "docs.jsonl").read_bytes()


def test_stage_folders_do_not_outlive_their_run(corpus, tmp_path, monkeypatch):
    """A run removes its stage folder; the folder a killed run left is removed by the next run."""
    import os
    import subprocess
    import sys
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = temp / f"cleaner-stage-{int(gone.stdout)}-k1lled"  # that process has ended
    live = temp / f"cleaner-stage-{os.getpid()}-running"  # this one runs
    for folder in (dead, live):
        (folder / "cleaned").mkdir(parents=True)
        (folder / "cleaned" / "tokens.u64").write_bytes(b"\0" * 64)
    monkeypatch.setattr(pipeline, "STAGE_SPILL_BYTES", 20000)  # this run spills too
    result = invoke("clean", corpus, "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in temp.iterdir()) == [live.name]
