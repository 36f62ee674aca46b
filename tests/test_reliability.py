"""Reliability (issue 7): bad input, interruptions and huge files lose nothing.

Every case goes through the real command line. A bad file is named on one
line with its reason, skipped, logged as an ``error`` record, and the run goes
on (exit 1: "some files failed"); every input keeps its exact bytes; what
is cleaned restores byte for byte.
"""
import gzip
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaner import pipeline
from cleaner.cli import main
from cleaner.document import Document
from cleaner.io.readers import ReadError, read_source
from cleaner.rules import RuleContext

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOOD = (
    "The city council approved a new budget on Tuesday after months of debate over spending on schools, "
    "roads and public transport, and the mayor said the plan would keep taxes stable next year.\n\n"
    "Council members from both parties praised the compromise, though several warned that rising costs "
    "could force new cuts before the end of the year if revenues fall short of forecasts.\n"
)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def digests(root: Path) -> dict:
    """sha256 of every file under ``root`` (symlinks as their target name)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            out[path] = "link:" + os.readlink(path)
        elif path.is_file():
            out[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def log_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def errors_in(out: Path) -> list[dict]:
    return [r for r in log_records(out / "cleaner-log.jsonl") if r["type"] == "error"]


def restore_matches(out: Path, tmp: Path, src: Path) -> None:
    """restore rebuilds every logged file of ``src`` byte for byte."""
    back = tmp / "back"
    result = invoke("restore", out / "cleaner-log.jsonl", "--out", back)
    assert result.exit_code == 0, result.output
    for record in log_records(out / "cleaner-log.jsonl"):
        if record["type"] == "file":
            assert (back / record["rel"]).read_bytes() == Path(record["path"]).read_bytes(), record["rel"]


# --------------------------------------------------------------------------- bad files: refused, named, logged


def _png():
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06" + bytes(range(256)) * 8


def _mixed():
    return "Café au lait, naïve résumé, déjà vu.\n".encode() * 5 + "Garçon, señor, où est la gare ?\n".encode("cp1252") * 5


def _truncated_gz():
    payload = "".join(json.dumps({"id": i, "text": GOOD}) + "\n" for i in range(40)).encode()
    return gzip.compress(payload)[:-40]


BAD = [  # (file name, bytes, what the reason says)
    ("empty.txt", b"", "empty file"),
    ("nul.txt", b"some text\x00\x01\x02 then binary \x00\xff\xfe" * 40, "binary"),
    ("image.txt", _png(), "binary"),
    ("unplaceable.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x20]) * 50, "encoding cannot be told"),
    ("mixed.txt", _mixed(), "mixed encodings"),
    ("blank.txt", b" \n\t\r\n   \n", "only whitespace"),
    ("truncated.jsonl.gz", _truncated_gz(), "truncated gzip"),
    ("notgzip.jsonl.gz", b"this is not gzip at all\n", "not a valid gzip"),
]


@pytest.mark.parametrize("name,data,reason", BAD, ids=[b[0] for b in BAD])
def test_bad_file_is_named_skipped_logged_and_the_run_goes_on(tmp_path, name, data, reason):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / name).write_bytes(data)
    before = digests(src)
    out = tmp_path / "out"
    result = invoke("clean", src, "--out", out, "--no-dedup")
    assert result.exit_code == 1, result.output  # the documented "some files failed"
    lines = [line for line in result.output.splitlines() if ": error " in line]
    assert len(lines) == 1 and lines[0].startswith(f"{src / name}: error ") and reason in lines[0], result.output
    assert [(e["path"], reason in e["reason"]) for e in errors_in(out)] == [(str(src / name), True)]
    assert (out / "good.txt").exists() and not (out / name).exists()
    assert digests(src) == before  # 0 bytes lost
    restore_matches(out, tmp_path, src)


def test_symlink_loops_are_reported_and_do_not_trap_the_walk(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "self.txt").symlink_to("self.txt")  # a file link to itself
    (src / "sub" / "up").symlink_to("..", target_is_directory=True)  # a folder loop: not followed
    before = digests(src)
    result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    assert result.exit_code == 1
    assert f"{src / 'self.txt'}: error symbolic link loop" in result.output
    assert [e["path"] for e in errors_in(tmp_path / "out")] == [str(src / "self.txt")]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cleaner-log.jsonl", "good.txt"]
    assert digests(src) == before


def test_two_gigabyte_file_is_refused_without_being_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    with open(src / "huge.txt", "wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: costs no disk
    started = time.monotonic()
    result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    assert time.monotonic() - started < 30  # refused from its size, never loaded
    assert result.exit_code == 1
    assert f"{src / 'huge.txt'}: error file is 2,147,483,648 bytes, over the" in result.output
    assert "--max-bytes" in result.output
    assert (tmp_path / "out" / "good.txt").exists()


def test_gzip_bomb_is_refused_at_the_limit(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "bomb.jsonl.gz").write_bytes(gzip.compress(b'{"text": "' + b"a" * 5_000_000 + b'"}\n'))
    result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup", "--max-bytes", 1_000_000)
    assert result.exit_code == 1 and "bomb.jsonl.gz: error decompresses to over the 1,000,000-byte limit" \
        in result.output


def _unreadable_setup(tmp_path):
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "secret.txt").write_text(GOOD, encoding="utf-8")
    (src / "locked" / "inner.txt").write_text(GOOD, encoding="utf-8")
    return src


def _check_unreadable(result, src, out):
    assert result.exit_code == 1, result.output
    assert f"{src / 'secret.txt'}: error permission denied" in result.output
    assert f"{src / 'locked'}: error folder not read: permission denied" in result.output
    assert {e["path"] for e in errors_in(out)} == {str(src / "secret.txt"), str(src / "locked")}
    assert (out / "good.txt").exists() and not (out / "secret.txt").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading "
                    "(the simulated test below covers it)")
def test_unreadable_files_and_folders_for_real(tmp_path):
    src = _unreadable_setup(tmp_path)
    os.chmod(src / "secret.txt", 0)
    os.chmod(src / "locked", 0)
    try:
        result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    finally:
        os.chmod(src / "secret.txt", 0o644)
        os.chmod(src / "locked", 0o755)
    _check_unreadable(result, src, tmp_path / "out")


def test_unreadable_files_and_folders_simulated(tmp_path, monkeypatch):
    src = _unreadable_setup(tmp_path)
    before = digests(src)
    real_open, real_scandir = Path.open, os.scandir

    def guarded_open(self, *args, **kwargs):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    def guarded_scandir(path="."):
        if not isinstance(path, int) and Path(path).name == "locked":  # (shutil.rmtree scans by descriptor)
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    monkeypatch.undo()
    _check_unreadable(result, src, tmp_path / "out")
    assert digests(src) == before


# --------------------------------------------------------------------------- odd but valid: cleaned, restored


def _cleaned_and_restored(tmp_path, files: dict, *extra, errors: int = 0):
    src = tmp_path / "in"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    before = digests(src)
    out = tmp_path / "out"
    result = invoke("clean", src, "--out", out, "--no-dedup", *extra)
    assert result.exit_code == (1 if errors else 0), result.output
    assert len(errors_in(out)) == errors
    assert digests(src) == before
    restore_matches(out, tmp_path, src)
    return out, result


def test_utf16_without_bom_both_byte_orders_and_cjk(tmp_path):
    cjk = "中文文本测试，这是一个句子。我们今天去公园散步。\n" * 20
    out, _ = _cleaned_and_restored(tmp_path, {
        "le.txt": GOOD.encode("utf-16-le"), "be.txt": GOOD.encode("utf-16-be"), "cjk.txt": cjk.encode("utf-16-le"),
    })
    assert (out / "le.txt").read_text(encoding="utf-8").startswith("The city council")
    assert (out / "be.txt").read_text(encoding="utf-8").startswith("The city council")
    assert (out / "cjk.txt").read_text(encoding="utf-8").startswith("中文文本测试")


def test_a_ten_megabyte_line(tmp_path):
    words = ("budget council roads schools mayor debate spending taxes transport plan " * 150_000).encode()
    line = words[: 10 * 1024 * 1024].rsplit(b" ", 1)[0]
    out, _ = _cleaned_and_restored(tmp_path, {"long.txt": GOOD.encode() + line + b"\n" + GOOD.encode()})
    assert (out / "long.txt").stat().st_size > 10_000_000


def test_malformed_deeply_nested_and_enormous_html(tmp_path):
    body = "<p>" + GOOD.replace("\n\n", "</p><p>") + "</p>"
    files = {
        "malformed.html": b"<html><p>Unclosed <b>bold <i>italic</p></div></span><<>>< p>x</ p>"
                          b"<table><td>cell<tr></table>&bogus; &#xZZ; &#99999999999; <!-- never closed",
        "nested_div.html": ("<div>" * 100_000 + body + "</div>" * 100_000).encode(),
        "nested_open.html": ("<body>" + "<span><b><nav class='menu'>" * 100_000 + body).encode(),
        "enormous.html": ("<html><body>" + "<div class='post'>" + body * 20_000 + "</div></body></html>").encode(),
    }
    started = time.monotonic()
    out, _ = _cleaned_and_restored(tmp_path, files)
    assert time.monotonic() - started < 240
    assert "The city council approved" in (out / "nested_div.txt").read_text(encoding="utf-8")
    assert "The city council approved" in (out / "nested_open.txt").read_text(encoding="utf-8")


def test_enormous_html_over_the_limit_is_refused(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.html").write_bytes(b"<html><body>" + b"<p>words and more words</p>" * 200_000)
    result = invoke("clean", src, "--out", tmp_path / "out", "--max-bytes", 1_000_000)
    assert result.exit_code == 1 and f"{src / 'page.html'}: error file is" in result.output


def test_jsonl_bad_lines_are_numbered_and_the_other_records_cleaned(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": GOOD}),
        "{not json",
        json.dumps({"id": "b", "title": "no text field"}),
        json.dumps({"id": "c", "text": 42}),
        json.dumps({"id": "d", "text": None}),
        json.dumps(["an", "array"]),
        json.dumps({"id": "a", "text": GOOD + "\nWhat's Your Reaction?\n"}),
        json.dumps({"id": "e", "text": "Also read : Ten ways to save money\n" + GOOD}),
    ]
    data = ("\n".join(lines) + "\n").encode()
    out, result = _cleaned_and_restored(tmp_path, {"docs.jsonl": data}, errors=6)
    src = tmp_path / "in" / "docs.jsonl"
    reasons = {e["path"]: e["reason"] for e in errors_in(out)}
    assert "not valid JSON" in reasons[f"{src}:2"]
    assert "no 'text' field" in reasons[f"{src}:3"]
    assert "not a string" in reasons[f"{src}:4"] and "not a string" in reasons[f"{src}:5"]
    assert "not a JSON object" in reasons[f"{src}:6"]
    assert "duplicate id 'a' (first on line 1)" in reasons[f"{src}:7"]
    cleaned = (out / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    assert cleaned[1:6] == lines[1:6]  # bad lines pass through untouched
    assert "What's Your Reaction?" not in json.loads(cleaned[6])["text"]  # the duplicate id is still cleaned
    assert "Also read" not in json.loads(cleaned[7])["text"]


@pytest.mark.parametrize("name", ["with space.txt", "ünïcødé – 日本.txt", "new\nline.txt", "tab\tand'quote\".txt",
                                  "-starts-with-dash.txt", "caf\udce9-latin1-bytes.txt"])
def test_unusual_file_names(tmp_path, name):
    src = tmp_path / "in dir"
    src.mkdir()
    try:
        (src / name).write_text("What's Your Reaction?\n" + GOOD, encoding="utf-8")
    except (UnicodeEncodeError, OSError) as exc:
        pytest.skip(f"this file system refuses the name: {exc}")
    (src / "bad\nempty.txt").write_bytes(b"")
    before = digests(src)
    out = tmp_path / "out"
    result = invoke("clean", src, "--out", out)
    assert result.exit_code == 1, result.output
    error_lines = [line for line in result.output.splitlines() if ": error " in line]
    assert error_lines == [f"{src}/bad\\nempty.txt: error empty file"]  # one line, the name escaped
    assert [e["path"] for e in errors_in(out)] == [str(src / "bad\nempty.txt")]
    assert "What's Your Reaction?" not in (out / name).read_text(encoding="utf-8")
    assert digests(src) == before
    restore_matches(out, tmp_path, src)


def test_a_detector_crash_fails_one_file_not_the_run(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "boom.txt").write_text("boom " + GOOD, encoding="utf-8")
    real = pipeline.detect_edits

    def flaky(doc, ctx):
        if doc.text.startswith("boom"):
            raise IndexError("a detector bug")
        return real(doc, ctx)

    monkeypatch.setattr(pipeline, "detect_edits", flaky)
    result = invoke("clean", src, "--out", tmp_path / "out", "--no-dedup")
    assert result.exit_code == 1
    assert f"{src / 'boom.txt'}: error not cleaned: internal error (IndexError: a detector bug)" in result.output
    assert (tmp_path / "out" / "a.txt").exists() and not (tmp_path / "out" / "boom.txt").exists()


# --------------------------------------------------------------------------- nothing lost


def test_out_refuses_the_input_tree_and_existing_outputs(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    before = digests(src)
    for out in (src, src / "sub" / "out"):
        result = invoke("clean", src, "--out", out)
        assert result.exit_code == 2 and "inside the input folder" in result.output
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("someone's file\n", encoding="utf-8")
    result = invoke("clean", src, "--out", out, "--no-dedup")
    assert result.exit_code == 2 and "exists" in result.output and "--force" in result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == "someone's file\n"
    assert invoke("clean", src, "--out", out, "--no-dedup", "--force").exit_code == 0
    assert digests(src) == before


def test_restore_refuses_on_sha256_mismatch_of_output_or_log(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("What's Your Reaction?\n" + GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("clean", src, "--out", out, "--no-dedup").exit_code == 0
    log = out / "cleaner-log.jsonl"
    records = log_records(log)
    for record in records:  # a log whose edit text was altered rebuilds other bytes: refused
        if record["type"] == "edit":
            record["text"] = record["text"].upper()
    bad_log = tmp_path / "tampered-log.jsonl"
    bad_log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    shutil_copy = (out / "a.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(shutil_copy)
    result = invoke("restore", bad_log, "--out", tmp_path / "back")
    assert result.exit_code == 1 and "sha256" in result.output
    assert not (tmp_path / "back" / "a.txt").exists()


def test_restore_never_writes_outside_out(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("clean", src, "--out", out, "--no-dedup").exit_code == 0
    records = log_records(out / "cleaner-log.jsonl")
    for record in records:
        if record["type"] == "file":
            record["rel"] = "../../escaped.txt"
    (out / "cleaner-log.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = invoke("restore", out / "cleaner-log.jsonl", "--out", tmp_path / "a" / "back")
    assert result.exit_code == 1 and "leads outside" in result.output
    assert not (tmp_path / "escaped.txt").exists()


def test_jsonl_ids_never_become_paths(tmp_path):
    lines = [json.dumps({"id": "../../../escaped", "text": "What's Your Reaction?\n" + GOOD}),
             json.dumps({"id": "/etc/passwd", "text": GOOD})]
    out, _ = _cleaned_and_restored(tmp_path, {"docs.jsonl": ("\n".join(lines) + "\n").encode()})
    assert sorted(p.name for p in out.iterdir()) == ["cleaner-log.jsonl", "docs.jsonl"]
    assert not list(tmp_path.rglob("escaped*"))


def test_html_fetches_nothing_and_expands_no_entities(tmp_path, monkeypatch):
    calls = []

    def no_network(*args, **kwargs):
        calls.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n", encoding="utf-8")
    page = f"""<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY xxe SYSTEM "file://{secret}">
  <!ENTITY lol "lollollollollollollollollollol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY remote SYSTEM "http://127.0.0.1:9/evil.dtd">
]>
<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"><script src="http://127.0.0.1:9/x.js"></script>
<base href="http://127.0.0.1:9/"></head>
<body><img src="http://127.0.0.1:9/i.png"><iframe src="http://127.0.0.1:9/"></iframe>
<p>Entity: &xxe; and &lol2; and &remote;.</p><p>{GOOD}</p></body></html>"""
    out, _ = _cleaned_and_restored(tmp_path, {"page.html": page.encode()})
    text = (out / "page.txt").read_text(encoding="utf-8")
    assert "TOP-SECRET" not in text and "lollollol" not in text
    assert "&xxe;" in text and "&lol2;" in text  # unknown references stay as written
    assert not calls


def _cleaned_tree(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != "cleaner-log.jsonl"}


def test_cleaning_cleaned_samples_makes_no_edit(tmp_path):
    first, second = tmp_path / "once", tmp_path / "twice"
    result = invoke("clean", SAMPLES, "--out", first, "--no-dedup")
    assert result.exit_code == 0, result.output
    result = invoke("clean", first, "--out", second, "--no-dedup", "--exclude", "cleaner-log")
    assert result.exit_code == 0, result.output
    edits = [r for r in log_records(second / "cleaner-log.jsonl") if r["type"] == "edit"]
    assert not edits, [(r["path"], r["rule"], r["text"][:60]) for r in edits]
    assert _cleaned_tree(second) == _cleaned_tree(first)


# --------------------------------------------------------------------------- interrupted runs


# (720 files: a run lasts a few seconds, so the signal sent 1 s in finds it still running;
#  with 240 a fast machine could finish first and the run then exited 0)
def _kill_corpus(root: Path, files: int = 720) -> Path:
    src = root / "corpus"
    src.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("00*.txt"))]
    for i in range(files):
        (src / f"doc{i:04d}.txt").write_text(f"Document number {i}.\n\n" + texts[i % len(texts)], encoding="utf-8")
    return src


def _default_sigint() -> None:
    # A shell starting a job in the background without job control (CI runners, `cmd &`)
    # makes it ignore SIGINT, and children inherit that: give the run Ctrl-C back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args, cwd):
    return subprocess.Popen([sys.executable, "-m", "cleaner", *map(str, args)], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_default_sigint)


def _processes_running(marker: str, grace: float = 10.0) -> list[int]:
    """Processes whose command line holds ``marker``, waiting up to ``grace`` seconds for them to go."""
    deadline = time.monotonic() + grace
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                state = next((l for l in (entry / "status").read_text().splitlines() if l.startswith("State:")), "")
            except OSError:
                continue
            if marker in cmdline and "zombie" not in state:
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _wait_for_first_output(out: Path, proc, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and any(p.suffix == ".txt" for p in out.iterdir()):
            return
        time.sleep(0.005)


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("kill")
    src = _kill_corpus(root)
    reference = root / "reference"
    done = subprocess.run([sys.executable, "-m", "cleaner", "clean", src, "--out", reference, "--no-dedup"],
                          capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return src, _cleaned_tree(reference), digests(src)


@pytest.mark.parametrize("workers", [1, 2], ids=["1-worker", "2-workers"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
@pytest.mark.parametrize("when", ["reading", "writing"])
def test_a_killed_run_loses_nothing_and_a_rerun_finishes_it(tmp_path, kill_corpus, sig, when, workers):
    src, reference, before = kill_corpus
    out = tmp_path / "out"
    proc = _start(["clean", src, "--out", out, "--no-dedup", "--workers", workers], tmp_path)
    if when == "reading":
        time.sleep(1.0)
    else:
        _wait_for_first_output(out, proc)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert _processes_running(str(out)) == []  # no worker outlives the run, even after SIGKILL
    assert digests(src) == before  # inputs intact
    if out.exists():
        leftovers = [p for p in out.rglob("*") if p.is_file()]
        for path in leftovers:  # what is visible is complete, or our marker / hidden temporary files / checkpoint
            rel = path.relative_to(out)
            hidden = any(part.startswith(".") for part in rel.parts)
            assert rel in reference and path.read_bytes() == reference[rel] or hidden, rel
        assert not (out / "cleaner-log.jsonl").exists()
        assert (out / ".cleaner-incomplete").exists() or not any(p.suffix == ".txt" for p in leftovers)
    rerun = subprocess.run([sys.executable, "-m", "cleaner", "clean", src, "--out", out, "--no-dedup"],
                           capture_output=True, timeout=600, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr  # no --force needed to finish an interrupted run
    if when == "writing":  # killed after its survey and a first cleaned file: both are taken up again
        resumed = re.search(rb"resumed: the survey reused, (\d+) part", rerun.stderr)
        assert resumed and int(resumed.group(1)) >= 1, rerun.stderr
    assert _cleaned_tree(out) == reference  # complete, and no temporary file left (nor the checkpoint)
    assert not (out / ".cleaner-incomplete").exists()
    restore_matches(out, tmp_path, src)


def test_a_run_killed_while_writing_its_marker_leaves_nothing_after_the_next(tmp_path):
    # the kill came between the marker's temporary file and its rename: no marker, one temporary file
    src = _kill_corpus(tmp_path, files=3)
    out = tmp_path / "out"
    out.mkdir()
    (out / "..cleaner-incomplete.x7k2m9q1.tmp").write_text('{"pid": 1}')  # named as write_atomic names it
    result = invoke("clean", src, "--out", out, "--no-dedup")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["cleaner-log.jsonl", "doc0000.txt", "doc0001.txt", "doc0002.txt"]


def test_an_interrupted_in_place_run_can_be_restored(tmp_path):
    src = _kill_corpus(tmp_path, files=120)
    originals = {p: p.read_bytes() for p in src.iterdir()}
    log = tmp_path / "log.jsonl"
    proc = _start(["clean", src, "--in-place", "--log", log, "--no-dedup"], tmp_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.read_bytes() != originals[p] for p in list(src.iterdir())[:20] if p in originals):
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert log.exists()  # the journal: every replaced file is in it
    result = invoke("restore", log, "--in-place")
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in src.iterdir()} == originals


def test_restore_in_place_removes_the_temporary_file_of_a_write_the_log_never_saw(tmp_path):
    # a run killed while writing a file's temporary copy, before that file's log record:
    # restore finds the orphan beside the file it was to replace, and leaves other files alone
    src = tmp_path / "corpus"
    src.mkdir()
    chrome = "Subscribe to our newsletter\n"
    for i in range(3):
        (src / f"doc{i}.txt").write_text(f"{chrome}Document {i} has a body of several words here.\n")
    log = tmp_path / "log.jsonl"
    assert invoke("clean", src, "--in-place", "--log", log, "--no-dedup").exit_code == 0
    originals = {p.name: p for p in src.iterdir()}
    (src / "late.txt").write_text("not yet cleaned when the run was killed\n")
    orphan = src / ".late.txt.k3j9x_2a.tmp"
    orphan.write_text("half a clean")
    unrelated = src / ".notes.abcdefgh.tmp"  # the same shape, but no file of that name beside it
    unrelated.write_text("a user's file")
    result = invoke("restore", log, "--in-place")
    assert result.exit_code == 0, result.output
    assert not orphan.exists()
    assert unrelated.read_text() == "a user's file"
    assert (src / "late.txt").read_text() == "not yet cleaned when the run was killed\n"
    assert all(p.read_text().startswith(chrome) for name, p in originals.items() if name.startswith("doc"))


# --------------------------------------------------------------------------- fuzzing


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["f.txt", "f.html", "f.jsonl", "f.jsonl.gz"]


def _read_or_refuse(name: str, data: bytes) -> None:
    try:
        source = read_source(Path(name), data=data)
    except ReadError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for unit in source.units:  # what is read is consistent
        assert isinstance(unit.doc.text, str)


@FUZZ
@given(st.sampled_from(NAMES), st.binary(max_size=2000))
def test_fuzz_readers_random_bytes(name, data):
    if name.endswith(".gz") and data[:1] != b"\x1f":
        data = gzip.compress(data) if len(data) % 2 else data
    _read_or_refuse(name, data)


@FUZZ
@given(st.sampled_from(NAMES), st.text(max_size=600), st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_fuzz_readers_random_unicode(name, text, encoding):
    pieces = {"f.html": f"<p>{text}</p><div>{text}", "f.jsonl": json.dumps({"id": text[:5], "text": text})
              + "\n" + text}
    data = pieces.get(name.removesuffix(".gz"), text).encode(encoding, errors="replace")
    if name.endswith(".gz"):
        data = gzip.compress(data)
    _read_or_refuse(name, data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from(["txt", "html"]), st.sampled_from([None, "en"]))
def test_fuzz_detect_path(text, fmt, lang):
    doc = Document(text, "f." + fmt, None, lang, fmt)
    edits, _ = pipeline.detect_edits(doc, RuleContext())
    for edit in edits:
        assert 0 <= edit.start <= edit.end <= len(text)
