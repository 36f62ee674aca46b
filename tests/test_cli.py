"""The command line end to end: click's runner and real subprocesses."""
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CHROME_TEXT = (
    "Wednesday, April 17, 2024\n"
    "HomeWorld NewsEuropeCity Council Approves New Budget\n\n"
    "City Council Approves New Budget\n\n"
    "City Council Approves New Budget\n\n"
    "The city council approved a new budget on Tuesday after months of debate over spending on schools, "
    "roads and public transport, and the mayor said the plan would keep taxes stable next year.\n\n"
    "Also read : Ten ways to save money on your next holiday\n\n"
    "Council members from both parties praised the compromise, though several warned that rising costs "
    "could force new cuts before the end of the year if revenues fall short of forecasts.\n\n"
    "What's Your Reaction?\n"
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def log_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "corpus"
    shutil.copytree(SAMPLES, src)
    return src


def test_clean_out_then_restore_is_byte_identical(corpus, tmp_path):
    before = {p.relative_to(corpus): sha(p) for p in corpus.rglob("*") if p.is_file()}
    out = tmp_path / "cleaned"
    result = invoke("clean", corpus, "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.relative_to(corpus): sha(p) for p in corpus.rglob("*") if p.is_file()} == before  # inputs untouched
    records = log_records(out / "cleaner-log.jsonl")
    assert records[0]["type"] == "header" and records[0]["schema"] == 1
    assert records[-1]["type"] == "summary"
    files = [r for r in records if r["type"] == "file"]
    assert files and all((out / r["output"]).exists() for r in files)
    assert any(r["type"] == "edit" and r["rule"] == "link-bait" for r in records)
    restored = tmp_path / "restored"
    result = invoke("restore", out / "cleaner-log.jsonl", "--out", restored)
    assert result.exit_code == 0, result.output
    for r in files:
        assert sha(restored / r["rel"]) == sha(Path(r["path"])), r["path"]


def test_clean_removes_chrome_and_keeps_body(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(CHROME_TEXT, encoding="utf-8")
    result = invoke("clean", tmp_path / "in", "--out", tmp_path / "out", "--no-dedup")
    assert result.exit_code == 0, result.output
    cleaned = (tmp_path / "out" / "a.txt").read_text(encoding="utf-8")
    lines = cleaned.splitlines()
    assert "Also read : Ten ways to save money on your next holiday" not in lines
    assert "What's Your Reaction?" not in lines
    assert "Wednesday, April 17, 2024" not in lines
    assert lines.count("City Council Approves New Budget") == 1
    assert any(line.startswith("The city council approved") for line in lines)
    assert any(line.startswith("Council members from both parties") for line in lines)


def test_in_place_keeps_cp1252_and_crlf_and_restores(tmp_path):
    path = tmp_path / "win.txt"
    original = CHROME_TEXT.replace("budget", "budget – it’s “final”").replace("\n", "\r\n").encode("cp1252")
    path.write_bytes(original)
    log = tmp_path / "log.jsonl"
    result = invoke("clean", path, "--in-place", "--log", log, "--no-dedup")
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data != original
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert "it’s “final”".encode("cp1252") in data
    file_record = next(r for r in log_records(log) if r["type"] == "file")
    assert file_record["encoding"] == "cp1252" and file_record["newline"] == "\r\n"
    assert invoke("restore", log, "--in-place").exit_code == 0
    assert path.read_bytes() == original


def test_utf16_bom_crlf_round_trip_through_out(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    original = CHROME_TEXT.replace("\n", "\r\n").encode("utf-16")
    (src / "u16.txt").write_bytes(original)
    assert invoke("clean", src, "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    out_bytes = (tmp_path / "out" / "u16.txt").read_bytes()
    assert out_bytes.decode("utf-8").startswith("City Council")  # UTF-8, LF, no BOM under --out
    assert b"\r" not in out_bytes
    assert invoke("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back").exit_code == 0
    assert (tmp_path / "back" / "u16.txt").read_bytes() == original


def test_jsonl_only_text_field_changes_and_restores(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    lines = [
        json.dumps({"id": "a", "text": CHROME_TEXT, "url": "http://x/a"}),
        json.dumps({"id": "b", "text": "A short clean note about nothing in particular.", "n": 3}, ensure_ascii=False),
        json.dumps({"url": "only", "id": "c", "text": CHROME_TEXT.replace("Also", "**Also**")}, ensure_ascii=False),
    ]
    (src / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert invoke("clean", src, "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    out_lines = (tmp_path / "out" / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(out_lines) == 3
    records = [json.loads(line) for line in out_lines]
    assert records[0]["url"] == "http://x/a" and "Also read" not in records[0]["text"]
    assert out_lines[1] == lines[1]  # an unchanged record is byte-identical
    assert list(records[2]) == ["url", "id", "text"]  # key order kept
    edits = [r for r in log_records(tmp_path / "out" / "cleaner-log.jsonl") if r["type"] == "edit"]
    assert {e["id"] for e in edits} == {"a", "c"}
    assert invoke("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back").exit_code == 0
    assert (tmp_path / "back" / "docs.jsonl").read_bytes() == (src / "docs.jsonl").read_bytes()


def test_html_becomes_txt_and_restores(tmp_path):
    src = tmp_path / "in" / "site"
    src.mkdir(parents=True)
    page = ("<html><head><title>x</title></head><body><nav>Home | News | Sport</nav><h1>Budget passes</h1>"
            "<p>The council approved the budget on Tuesday after a long debate about schools and roads.</p>"
            "<p>Also read : Ten ways to save money</p></body></html>")
    (src / "page.html").write_text(page, encoding="utf-8")
    assert invoke("clean", tmp_path / "in", "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    text = (tmp_path / "out" / "site" / "page.txt").read_text(encoding="utf-8")
    assert "The council approved the budget" in text and "<p>" not in text and "Also read" not in text
    assert invoke("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back").exit_code == 0
    assert (tmp_path / "back" / "site" / "page.html").read_text(encoding="utf-8") == page


def test_preview_modes_write_nothing(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(CHROME_TEXT, encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    dry = invoke("clean", path, "--dry-run", "--no-dedup")
    assert dry.exit_code == 0 and "would change" in dry.output and "link-bait" in dry.output
    diff = invoke("clean", path, "--diff", "--no-dedup")
    assert diff.exit_code == 0 and "-Also read : Ten ways" in diff.output
    plain = invoke("clean", path, "--no-dedup")
    assert plain.exit_code == 0 and "nothing written" in plain.output
    assert sorted(tmp_path.iterdir()) == before
    assert path.read_text(encoding="utf-8") == CHROME_TEXT


def test_refuses_out_inside_input_and_existing_outputs(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CHROME_TEXT, encoding="utf-8")
    inside = invoke("clean", src, "--out", src / "cleaned")
    assert inside.exit_code == 2 and "inside the input folder" in inside.output
    assert invoke("clean", src, "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    again = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    assert again.exit_code == 2 and "--force" in again.output
    assert invoke("clean", src, "--out", tmp_path / "out", "--no-dedup", "--force").exit_code == 0
    both = invoke("clean", src, "--out", tmp_path / "o2", "--in-place")
    assert both.exit_code == 2


def test_bad_files_are_reported_and_the_run_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(CHROME_TEXT, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (src / "docs.jsonl").write_text('{"id": 1, "text": "fine text here"}\n{broken\n', encoding="utf-8")
    result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    assert result.exit_code == 1
    assert "empty.txt: error empty file" in result.output
    assert "image.txt: error binary" in result.output
    assert "docs.jsonl:2: error not valid JSON" in result.output
    assert (tmp_path / "out" / "good.txt").exists()
    assert not (tmp_path / "out" / "image.txt").exists() and not (tmp_path / "out" / "empty.txt").exists()
    errors = [r for r in log_records(tmp_path / "out" / "cleaner-log.jsonl") if r["type"] == "error"]
    assert len(errors) == 3


def test_restore_refuses_a_modified_output(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(CHROME_TEXT, encoding="utf-8")
    assert invoke("clean", src, "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    (tmp_path / "out" / "a.txt").write_text("tampered\n", encoding="utf-8")
    result = invoke("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back")
    assert result.exit_code == 1 and "sha256" in result.output
    assert not (tmp_path / "back" / "a.txt").exists()


def test_check_reports_findings_and_passes_clean_output(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(CHROME_TEXT, encoding="utf-8")
    result = invoke("check", path, "--no-dedup")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{path}:10: link-bait" in "\n".join(lines)
    assert all(line.startswith(f"{path}:") for line in lines)
    as_json = invoke("check", path, "--no-dedup", "--format", "json")
    assert all(json.loads(line)["type"] == "edit" for line in as_json.output.splitlines())
    assert invoke("clean", path, "--in-place", "--log", tmp_path / "log.jsonl", "--no-dedup").exit_code == 0
    second = invoke("check", path, "--no-dedup")
    assert second.exit_code == 0, second.output  # cleaning cleaned output changes nothing


def test_dedup_reports_a_republished_copy(tmp_path):
    body = (SAMPLES / "002_62ebad2b24de52c0.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Skip to main content\n\n" + body.replace("regime", "government", 1)
                                    + "\nShare this:\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text((SAMPLES / "000_18f99bd4d07bc900.txt").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    result = invoke("dedup", tmp_path, "--keep", "first")  # the longer copy b would be kept by default
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.txt'}:1: near-duplicate of {tmp_path / 'a.txt'}" in result.output
    assert "c.txt:1: near-duplicate" not in result.output


def test_stdin_to_stdout_in_a_real_subprocess():
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-", "--no-dedup"],
                          input=CHROME_TEXT.encode("utf-8"), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")
    assert "Also read" not in out and "The city council approved a new budget" in out


def test_help_and_usage_errors_in_a_real_subprocess(tmp_path):
    help_proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "--help"], capture_output=True, text=True)
    assert help_proc.returncode == 0 and "--out" in help_proc.stdout and "--in-place" in help_proc.stdout
    missing = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(tmp_path / "nope.txt")],
                             capture_output=True, text=True)
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"cleaner: error: {tmp_path / 'nope.txt'}: no such file or directory"


def test_keep_encoding_writes_cp1252_crlf_under_out(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    original = CHROME_TEXT.replace("budget", "budget – “final”").replace("\n", "\r\n").encode("cp1252")
    (src / "a.txt").write_bytes(original)
    assert invoke("clean", src, "--out", tmp_path / "out", "--keep-encoding", "--no-dedup").exit_code == 0
    data = (tmp_path / "out" / "a.txt").read_bytes()
    assert "– “final”".encode("cp1252") in data and b"\r\n" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert invoke("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back").exit_code == 0
    assert (tmp_path / "back" / "a.txt").read_bytes() == original


def test_jsonl_gz_is_cleaned_to_jsonl_gz_and_restored(tmp_path):
    import gzip

    src = tmp_path / "in"
    src.mkdir()
    payload = (json.dumps({"id": "a", "text": CHROME_TEXT}) + "\n").encode("utf-8")
    (src / "docs.jsonl.gz").write_bytes(gzip.compress(payload))
    assert invoke("clean", src, "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    record = json.loads(gzip.decompress((tmp_path / "out" / "docs.jsonl.gz").read_bytes()))
    assert "Also read" not in record["text"] and "The city council approved" in record["text"]
    assert invoke("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back").exit_code == 0
    assert gzip.decompress((tmp_path / "back" / "docs.jsonl.gz").read_bytes()) == payload


def test_dedup_log_records_clusters_and_passages(tmp_path):
    body = (SAMPLES / "004_73bdcea1bd1f12d8.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(body, encoding="utf-8")
    (tmp_path / "b.txt").write_text(body + "\nShare this:\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text((SAMPLES / "105_recycled_passages.txt").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    log = tmp_path / "dedup.jsonl"
    result = invoke("dedup", tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt", "--log", log,
                    "--keep", "first")
    assert result.exit_code == 1
    records = log_records(log)
    duplicate = next(r for r in records if r["type"] == "duplicate")
    assert duplicate["path"].endswith("b.txt") and duplicate["of_path"].endswith("a.txt")
    recycled = [r for r in records if r["type"] == "recycled"]
    assert recycled and all(r["path"].endswith("c.txt") for r in recycled)
    c_text = (tmp_path / "c.txt").read_text(encoding="utf-8")
    verbatim = [r for r in recycled if r["source_path"].endswith("a.txt") and r["similarity"] == 1.0]
    assert len(verbatim) >= 2  # 105 copies two paragraphs of 004 word for word
    for r in verbatim:  # both spans point at the same words in their own documents
        assert c_text[r["start"]:r["end"]].split() == body[r["source_start"]:r["source_end"]].split()


def test_one_large_jsonl_file_is_shared_between_workers(tmp_path, monkeypatch):
    """The pool cuts one file into pieces of documents; outputs and log are those of one process."""
    from cleaner import pipeline

    texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(SAMPLES.glob("*.txt"))]
    corpus = tmp_path / "in"
    corpus.mkdir()
    with open(corpus / "docs.jsonl", "w", encoding="utf-8") as f:
        for i in range(150):
            f.write(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)] + f"\n\nRecord {i} ends here."}) + "\n")
    monkeypatch.setattr(pipeline, "CHUNK_DOCS", 16)
    sizes = []  # the pieces handed to the engine
    engine = pipeline._clean_pieces
    monkeypatch.setattr(pipeline, "_clean_pieces", lambda pieces, ctx, options: engine(
        (sizes.append(len(p)) or p for p in pieces), ctx, options))
    assert pipeline.effective_workers(2, 150) == 2
    outs = {}
    for n in (1, 2):
        out = tmp_path / f"w{n}"
        result = invoke("clean", corpus, "--out", out, "--workers", n, "--no-dedup")
        assert result.exit_code in (0, 1), result.output
        records = [r for r in log_records(out / "cleaner-log.jsonl") if r["type"] != "header"]
        outs[n] = (records, (out / "docs.jsonl").read_bytes())
    assert sizes == ([16] * 9 + [6]) * 2  # each run: ten pieces of one file
    assert outs[1] == outs[2]
    assert sum(r["type"] == "edit" for r in outs[1][0]) > 150  # every record was cleaned


def test_workers_give_the_same_outputs_and_log(corpus, tmp_path):
    from cleaner.pipeline import effective_workers

    assert effective_workers(2, len(list(corpus.iterdir()))) == 2  # the pool is really used
    outs = {}
    for n in (1, 2):
        out = tmp_path / f"w{n}"
        result = invoke("clean", corpus, "--out", out, "--workers", n)
        assert result.exit_code in (0, 1), result.output
        records = [r for r in log_records(out / "cleaner-log.jsonl") if r["type"] != "header"]
        files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "cleaner-log.jsonl"}
        outs[n] = (records, files)
    assert outs[1][0] == outs[2][0]
    assert outs[1][1] == outs[2][1] and outs[1][1]


def test_progress_bar_on_a_terminal_only(tmp_path):
    """Counted in documents (one big JSONL file moves the bar too), shown on a terminal, silent otherwise."""
    import os
    import pty

    corpus = tmp_path / "in"
    corpus.mkdir()
    with open(corpus / "docs.jsonl", "w", encoding="utf-8") as f:
        for i in range(150):
            f.write(json.dumps({"id": i, "text": f"Record {i} says something about the harbour.\n\nShare this"}) + "\n")
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", str(corpus), "--out", str(tmp_path / "tty"),
                             "--workers", "1"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=child_fd)
    os.close(child_fd)
    seen = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main_fd)
    assert proc.wait(timeout=120) in (0, 1)
    text = seen.decode("utf-8", "replace")
    assert "cleaning documents" in text and "150/150" in text
    assert "counting lines across the corpus" in text and "finding near-duplicates" in text  # each stage named
    piped = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(corpus), "--out", str(tmp_path / "pipe")],
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode in (0, 1) and "cleaning documents" not in piped.stderr
    assert "150 document(s)" in piped.stderr  # the summary line is always there, with the run's time
    assert re.search(r"M characters, \d+\.\d% removed;.*; \d+\.\d s \(\d+ documents/s\)", piped.stderr)
