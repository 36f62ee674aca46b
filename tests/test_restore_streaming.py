"""Restore rebuilds a JSONL file line by line (cleaner.changelog._stream_original):
the same bytes as rebuilding it whole, in memory bounded by a line, not the file."""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import tempfile
import tracemalloc
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaner import changelog
from cleaner.cli import main

CHROME = ["Share this article", "Subscribe to our newsletter", "Also read : Ten ways to save",
          "Home > News > World", "Advertisement", "© 2024 Daily Planet. All rights reserved."]
PROSE = ["The council approved the budget after a long debate on Tuesday evening.",
         "Residents said the new bus route would cut their journey to work by half.",
         "Le conseil a voté le budget après un long débat mardi soir, dit-on à la mairie.",
         "Critics argued that the plan, however well meant, came years too late for the town."]


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def records(draw_texts: list[list[str]], ids: list[str]) -> list[str]:
    return [json.dumps({"id": i, "text": "\n".join(t)}, ensure_ascii=i.endswith("a"))
            for i, t in zip(ids, draw_texts)]


document = st.lists(st.sampled_from(CHROME + PROSE), min_size=1, max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(document, min_size=1, max_size=6), st.sampled_from(["utf-8", "cp1252", "utf-16"]),
       st.sampled_from(["\n", "\r\n", "mixed"]), st.booleans(), st.booleans(), st.booleans(),
       st.integers(0, 2**32))
def test_jsonl_restores_byte_for_byte_and_the_streamed_rebuild_equals_the_whole_one(
        docs, encoding, newline, compressed, keep_encoding, drop, seed):
    rng = random.Random(seed)
    if drop and len(docs) > 1:
        docs = docs + [docs[0]]  # an exact copy: left out of the output with --drop-duplicates
    lines = records(docs, [f"d{k}{'a' if rng.random() < 0.5 else 'b'}" for k in range(len(docs))])
    if newline == "mixed":
        text = "".join(line + rng.choice(["\n", "\r\n"]) for line in lines)
    else:
        text = newline.join(lines) + (newline if rng.random() < 0.5 else "")
    raw = text.encode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        name = "docs.jsonl.gz" if compressed else "docs.jsonl"
        (tmp / "in" / name).write_bytes(gzip.compress(raw) if compressed else raw)
        args = ["clean", tmp / "in", "--out", tmp / "out"]
        if keep_encoding:
            args.append("--keep-encoding")
        if drop:
            args.append("--drop-duplicates")
        assert run(*args).exit_code == 0
        log = tmp / "out" / "cleaner-log.jsonl"
        assert run("restore", log, "--out", tmp / "back").exit_code == 0
        back = (tmp / "back" / name).read_bytes()
        assert (gzip.decompress(back) if compressed else back) == raw

        entries = list(changelog.read_log(log))
        [entry] = [e for e in entries if e["type"] == "file"]
        edits = [e for e in entries if e["type"] == "edit"]
        recs = {e["line"]: e for e in entries if e["type"] == "record"}
        whole = changelog._rebuild(entry, edits, recs, log.parent)
        target = tmp / "streamed" / name
        changelog._write_original(target, entry, edits, recs, log.parent, like=None, dry=False)
        streamed = target.read_bytes()
        if compressed:
            whole, streamed = gzip.decompress(whole), gzip.decompress(streamed)
        assert streamed == whole == raw
        if not keep_encoding:  # the default output (UTF-8, LF) is always rebuilt line by line
            assert changelog._streamable(entry)
        elif encoding != "utf-8" and not raw.isascii():  # (ASCII bytes are UTF-8 whatever they were written as)
            assert not changelog._streamable(entry)


def test_a_large_jsonl_file_is_restored_in_memory_far_below_its_size(tmp_path):
    (tmp_path / "in").mkdir()
    rng = random.Random(7)
    vocabulary = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ta") for b in
                  ("ber", "cal", "dor", "fen", "gil", "han", "jot", "lim", "mar", "nix", "pol", "quo")]

    def paragraph() -> str:  # distinct prose: no two documents alike (copies would pair up in dedup)
        return " ".join(rng.choices(vocabulary, k=80)).capitalize() + "."

    with open(tmp_path / "in" / "big.jsonl", "w", encoding="utf-8") as f:
        for k in range(3_000):
            body = "\n".join(paragraph() for _ in range(12))
            if k % 10 == 0:
                body = "Share this article\n" + body
            f.write(json.dumps({"id": f"n{k}", "text": body}, ensure_ascii=False) + "\n")
    size = (tmp_path / "in" / "big.jsonl").stat().st_size
    assert size > 15_000_000
    assert run("clean", tmp_path / "in", "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    log = tmp_path / "out" / "cleaner-log.jsonl"
    assert sum(1 for e in changelog.read_log(log) if e["type"] == "edit") >= 250

    tracemalloc.start()
    try:
        outcomes = list(changelog.restore(log, out_dir=tmp_path / "back"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(o) for o in outcomes] == [changelog.Restored]
    digest = hashlib.sha256((tmp_path / "in" / "big.jsonl").read_bytes()).hexdigest()
    assert hashlib.sha256((tmp_path / "back" / "big.jsonl").read_bytes()).hexdigest() == digest
    # the whole-file rebuild holds the text several times over (decoded, split, joined, encoded)
    assert peak < size / 10, f"restore peaked at {peak:,} bytes for a {size:,}-byte file"


def test_an_output_the_stream_cannot_read_is_rebuilt_whole(tmp_path):
    """A CR in a cleaned output logged as LF (edited by hand, say): restore decodes it
    whole, as the run's reader would, and still gives back the original."""
    (tmp_path / "in").mkdir()
    raw = (json.dumps({"id": "a", "text": "Share this article\n" + PROSE[0]}) + "\n"
           + json.dumps({"id": "b", "text": PROSE[1]}) + "\n").encode()
    (tmp_path / "in" / "d.jsonl").write_bytes(raw)
    assert run("clean", tmp_path / "in", "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    log = tmp_path / "out" / "cleaner-log.jsonl"
    output = tmp_path / "out" / "d.jsonl"
    crlf = output.read_bytes().replace(b"\n", b"\r\n")
    output.write_bytes(crlf)
    lines = log.read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines):
        entry = json.loads(line)
        if entry["type"] == "file":
            assert changelog._streamable(entry)
            entry["sha256_out"] = hashlib.sha256(crlf).hexdigest()
            lines[k] = json.dumps(entry, ensure_ascii=False)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("restore", log, "--out", tmp_path / "back")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "back" / "d.jsonl").read_bytes() == raw


def test_a_changed_output_is_named_even_when_an_edit_no_longer_fits(tmp_path):
    (tmp_path / "in").mkdir()
    raw = (json.dumps({"id": "a", "text": "Share this article\n" + PROSE[0]}) + "\n").encode()
    (tmp_path / "in" / "d.jsonl").write_bytes(raw)
    assert run("clean", tmp_path / "in", "--out", tmp_path / "out", "--no-dedup").exit_code == 0
    (tmp_path / "out" / "d.jsonl").write_text('{"id": "a"}\n', encoding="utf-8")  # its text field gone
    result = run("restore", tmp_path / "out" / "cleaner-log.jsonl", "--out", tmp_path / "back")
    assert result.exit_code != 0
    assert "changed since the log was written" in result.output
    assert not (tmp_path / "back" / "d.jsonl").exists()
    assert not list((tmp_path / "back").glob(".*.tmp")) if (tmp_path / "back").exists() else True
