"""Near-duplicates through the command line: which copy is kept, --drop-duplicates
with restore, and recycled-passage spans in both documents of the change log."""
import gzip
import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BODY = (SAMPLES / "004_73bdcea1bd1f12d8.txt").read_text(encoding="utf-8")
OTHER = (SAMPLES / "000_18f99bd4d07bc900.txt").read_text(encoding="utf-8")
RECYCLER = (SAMPLES / "105_recycled_passages.txt").read_text(encoding="utf-8")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def records(path: Path, kind: str | None = None) -> list[dict]:
    out = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in out if kind is None or r["type"] == kind]


def tree_sha(root: Path) -> dict[str, str]:
    """sha256 of every file's bytes (of the decompressed bytes for .gz: gzip headers differ)."""
    def data(p: Path) -> bytes:
        return gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
    return {str(p.relative_to(root)): hashlib.sha256(data(p)).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _copies(tmp_path: Path) -> Path:
    """a: the article; b: a copy with one more paragraph (longer); c: an unrelated text."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(BODY, encoding="utf-8")
    extra = "\n\nThe ministry said further details would be published in a report next month, after the review."
    (src / "b.txt").write_text(BODY.replace("regime", "government", 1) + extra, encoding="utf-8")
    (src / "c.txt").write_text(OTHER, encoding="utf-8")
    return src


def test_clean_keeps_the_longest_copy_by_default(tmp_path):
    src = _copies(tmp_path)
    assert invoke("clean", src, "--out", tmp_path / "out").exit_code == 0
    (dup,) = records(tmp_path / "out" / "cleaner-log.jsonl", "duplicate")
    assert dup["path"].endswith("a.txt") and dup["kept_path"].endswith("b.txt")
    assert dup["of_path"] == dup["kept_path"] and dup["similarity"] >= 0.8
    assert dup["action"] == "reported" and isinstance(dup["cluster"], int)
    assert (tmp_path / "out" / "a.txt").exists()  # reported, not dropped


def test_keep_first_keeps_the_first_in_path_order(tmp_path):
    src = _copies(tmp_path)
    log = tmp_path / "d.jsonl"
    assert invoke("dedup", src, "--keep", "first", "--log", log).exit_code == 1
    (dup,) = records(log, "duplicate")
    assert dup["path"].endswith("b.txt") and dup["kept_path"].endswith("a.txt")


def test_dedup_frees_the_runs_findings_after_reporting_them(tmp_path, monkeypatch):
    """The command lets its run's refs and findings go before exiting (cli._let_go),
    after the log, the summary and the exit code have them."""
    from cleaner import cli

    runs = []
    corpus_run = cli._corpus_run

    def keep_run(*args, **kwargs):
        run, shown = corpus_run(*args, **kwargs)
        runs.append(run)
        return run, shown

    monkeypatch.setattr(cli, "_corpus_run", keep_run)
    src = _copies(tmp_path)
    (src / "c.txt").write_text(RECYCLER, encoding="utf-8")
    (src / "d.txt").write_text(OTHER, encoding="utf-8")
    log = tmp_path / "d.jsonl"
    result = invoke("dedup", src, "--log", log)
    assert result.exit_code == 1
    assert len(records(log, "duplicate")) == 1 and records(log, "recycled")
    assert "1 near-duplicate(s)" in result.output
    (run,) = runs
    assert run.refs == {} and run.duplicates == [] and run.recycled == []


def test_drop_duplicates_leaves_copies_out_and_restore_is_byte_identical(tmp_path):
    src = _copies(tmp_path)
    # the same articles as JSONL records too, with a record that stays
    lines = [json.dumps({"id": "r1", "text": BODY}), json.dumps({"id": "r2", "text": OTHER + "\n\nRead more"}),
             json.dumps({"id": "r3", "text": BODY + "\n\nShare this article"}), ""]
    (src / "recs.jsonl").write_text("\n".join(lines), encoding="utf-8")
    payload = "\n".join(lines[:2] + [json.dumps({"id": "r4", "text": OTHER}), ""]).encode("utf-8")
    (src / "more.jsonl.gz").write_bytes(gzip.compress(payload))
    before = tree_sha(src)
    out = tmp_path / "out"
    result = invoke("clean", src, "--out", out, "--drop-duplicates")
    assert result.exit_code == 0, result.output
    log = out / "cleaner-log.jsonl"
    dups = records(log, "duplicate")
    assert dups and all(d["action"] == "dropped" for d in dups)
    dropped = {(Path(d["path"]).name, d["id"]) for d in dups}
    assert ("a.txt", None) in dropped and not (out / "a.txt").exists() and (out / "b.txt").exists()
    kept_ids = [json.loads(x)["id"] for x in (out / "recs.jsonl").read_text(encoding="utf-8").splitlines() if x]
    assert all(("recs.jsonl", i) not in dropped for i in kept_ids)
    assert len(kept_ids) < 3
    file_a = next(r for r in records(log, "file") if r["path"].endswith("a.txt"))
    assert file_a["dropped"] and file_a["output"] is None
    # restore brings every file back, dropped ones included, byte for byte
    back = tmp_path / "back"
    result = invoke("restore", log, "--out", back)
    assert result.exit_code == 0, result.output
    assert tree_sha(back) == before


def test_drop_duplicates_needs_out(tmp_path):
    src = _copies(tmp_path)
    assert invoke("clean", src, "--in-place", "--drop-duplicates").exit_code == 2


def test_recycled_spans_point_at_the_same_words_in_both_documents(tmp_path):
    words = BODY.split()
    donor = " ".join(words)
    passage = " ".join(words[40:90])
    carrier = OTHER.split("\n\n")
    carrier.insert(1, "As reported elsewhere, " + passage + " The rest is ours.")
    (tmp_path / "donor.txt").write_text(donor, encoding="utf-8")
    (tmp_path / "carrier.txt").write_text("\n\n".join(carrier), encoding="utf-8")
    (tmp_path / "recycler.txt").write_text(RECYCLER, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    assert invoke("clean", tmp_path / "donor.txt", tmp_path / "carrier.txt", "--dry-run").exit_code == 0
    assert invoke("dedup", tmp_path / "donor.txt", tmp_path / "carrier.txt", "--log", log).exit_code == 1
    (rec,) = [r for r in records(log, "recycled") if r["path"].endswith("carrier.txt")]
    target = (tmp_path / "carrier.txt").read_text(encoding="utf-8")[rec["start"]:rec["end"]]
    source = donor[rec["source_start"]:rec["source_end"]]
    assert rec["source_path"].endswith("donor.txt") and rec["similarity"] == 1.0
    assert target.split() == source.split() and passage in target


def test_paused_gc_restores_the_collector_state():
    import gc

    from cleaner.pipeline import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
    try:
        with paused_gc():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def test_recycled_lines_are_the_encoded_records_and_finding_lines():
    """recycled_lines formats each record itself: the same text as the encoder
    gives the record of dedup_records (odd ids and paths, edits, a plain-text
    document's lines), and the same stdout line."""
    from types import SimpleNamespace

    from cleaner import changelog
    from cleaner.cli import _finding_line, _recycled_line, _where
    from cleaner.dedup.minhash import DuplicateMatch
    from cleaner.dedup.passages import RecycledMatch
    from cleaner.document import Edit
    from cleaner.pipeline import DocRef

    refs = {
        "a": DocRef("a", "corpus/é.jsonl", "id \"1\"\\x", 3, None),
        "b": DocRef("b", "corpus/é.jsonl", None, 7, [Edit(2, 5, "whitespace", "r")]),
        "c": DocRef("c", "notes\udce9.txt", "\u2028\ud800", None, None),
        "d": DocRef("d", "x.jsonl", "0", 0, None),
    }
    held = {"c": SimpleNamespace(unit=SimpleNamespace(source="one\ntwo\nthree and four\nfive six seven\n"))}
    recycled = [RecycledMatch("b", 0, 9, "a", 4, 12, 0.8333333),
                RecycledMatch("c", 9, 20, "b", 6, 17, 1.0),
                RecycledMatch("d", 0, 3, "c", 0, 3, 0.25),
                RecycledMatch("a", 1, 2, "d", 1, 2, 0.123456)]
    duplicates = [DuplicateMatch("d", "a", 0, 0.91234, "a", 0.91234)]
    run = SimpleNamespace(refs=refs, duplicates=duplicates, recycled=recycled, unit_by_key=held)
    records = [r for r in changelog.dedup_records(run) if r["type"] == "recycled"]
    lines = list(changelog.recycled_lines(run))
    assert [changelog._encode_record(r) for r in records] == [line[0] for line in lines]
    assert [_finding_line(r) for r in records] == [
        _recycled_line(_where(t.path, t.id), line, _where(s.path, s.id), source_line, sim)
        for _, t, s, line, source_line, sim in lines]
    assert [r["type"] for r in changelog.dedup_records(run, recycled=False)] == ["duplicate"]
    assert records[1]["line"] == 3  # the plain-text document's line, read from its text


def test_cleaning_leaves_no_reference_cycles(tmp_path, monkeypatch):
    """run() and ``cleaner clean`` pause the collector while they clean: that
    frees nothing late only if cleaning makes no cyclic garbage, which the
    collector would be the one to free (the samples hold txt, HTML, JSONL,
    non-UTF-8 files and a near-duplicate)."""
    import gc
    import shutil

    from cleaner import pipeline
    from cleaner.io.readers import read_source

    samples = Path(__file__).resolve().parent.parent / "samples"
    paths = sorted(p for p in samples.iterdir() if p.is_file())
    copies = tmp_path / "copies"  # changed pages: cleaning them is not all cache hits of the run before
    copies.mkdir()
    for p in paths:
        if p.suffix in (".txt", ".html"):
            (copies / f"copy-{p.name}").write_bytes(p.read_bytes().replace(b"the ", b"a "))
    pipeline.run([read_source(p, p.name) for p in paths], pipeline.Options())  # imports, patterns, models
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = pipeline.run([read_source(p, p.name) for p in sorted(copies.iterdir()) + paths],
                              pipeline.Options())
        assert result.files
        del result
        assert gc.collect() == 0
        # the CLI: nothing left unreachable by each cleaned part (the run's own objects live to its end)
        unreachable = []
        results = pipeline.CorpusRun.results

        def counted(self):
            for part in results(self):
                yield part
                unreachable.append(gc.collect())

        monkeypatch.setattr(pipeline.CorpusRun, "results", counted)
        shutil.copytree(samples, tmp_path / "in")
        shutil.copytree(copies, tmp_path / "in" / "copies")
        out = CliRunner().invoke(main, ["clean", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                        "--workers", "1"], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        # (the first part's count holds the one-time set-up of the output writers)
        assert len(unreachable) > 10 and not any(unreachable[1:])
    finally:
        if was_enabled:
            gc.enable()
