"""The incremental corpus index behind `cleaner check`, in a real git repository."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.index import CACHE_DIR, CorpusIndex, git_tracked, refresh, read_docs, list_corpus

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ORIGINALS = sorted(SAMPLES.glob("00*.txt"))


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "c@example.org")
    git(tmp_path, "config", "user.name", "c")
    for path in ORIGINALS:
        shutil.copy(path, tmp_path / path.name)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "corpus")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


def test_cache_marks_itself_as_a_cache(repo):
    assert CliRunner().invoke(main, ["index"]).exit_code == 0
    cache = repo / CACHE_DIR
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert git(repo, "status", "--porcelain").stdout == ""  # the cache ignores itself


def test_refresh_hashes_only_new_or_changed_files(repo):
    index = CorpusIndex.for_root(repo, 0.8)
    read = lambda p: read_docs(repo / p)  # noqa: E731
    assert refresh(index, list_corpus(repo, True, index), read) == len(ORIGINALS)
    assert refresh(index, list_corpus(repo, True, index), read) == 0
    changed = repo / ORIGINALS[0].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    git(repo, "add", changed.name)
    assert refresh(index, list_corpus(repo, True, index), read) == 1
    git(repo, "rm", "-q", ORIGINALS[1].name)
    refresh(index, list_corpus(repo, True, index), read)
    paths = {p for (p,) in index.db.execute("SELECT path FROM files")}
    assert ORIGINALS[1].name not in paths and len(paths) == len(ORIGINALS) - 1
    assert index.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == len(ORIGINALS) - 1  # pruned
    index.close()


def test_check_finds_a_copy_of_a_committed_file_only_against_others(repo):
    body = (repo / "004_73bdcea1bd1f12d8.txt").read_text(encoding="utf-8")
    (repo / "copy.txt").write_text(body.replace("Iran", "IRAN", 2), encoding="utf-8")
    git(repo, "add", "copy.txt")
    result = check("copy.txt", "--format", "json")
    assert result.exit_code == 1
    dups = [json.loads(l) for l in result.output.splitlines() if '"duplicate"' in l]
    assert [(d["path"], d["of_path"]) for d in dups] == [("copy.txt", "004_73bdcea1bd1f12d8.txt")]
    assert dups[0]["similarity"] >= 0.8
    clean = check("004_73bdcea1bd1f12d8.txt", "--format", "json")  # the original has a copy too
    assert any('"of_path": "copy.txt"' in l for l in clean.output.splitlines())


def test_check_finds_recycled_passages_from_the_corpus(repo):
    paragraphs = [p for p in (repo / "004_73bdcea1bd1f12d8.txt").read_text(encoding="utf-8").split("\n")
                  if len(p) > 300]
    new = ("A new article about mountain weather, written only to carry a borrowed paragraph here.\n\n"
           + paragraphs[2] + "\n\nA closing line of our own that says nothing about anything at all today.\n")
    (repo / "new.txt").write_text(new, encoding="utf-8")
    git(repo, "add", "new.txt")
    result = check("new.txt", "--format", "json")
    recycled = [json.loads(l) for l in result.output.splitlines() if '"recycled"' in l]
    assert len(recycled) == 1 and recycled[0]["source_path"] == "004_73bdcea1bd1f12d8.txt"
    span = new[recycled[0]["start"]:recycled[0]["end"]]
    assert paragraphs[2].startswith(span) and len(span) >= 0.95 * len(paragraphs[2])
    assert recycled[0]["line"] == 3


def test_config_in_pyproject_sets_defaults_and_flags_win(repo):
    (repo / "pyproject.toml").write_text('[tool.cleaner]\nexclude = ["^skip/"]\nthreshold = 0.99\n',
                                         encoding="utf-8")
    (repo / "skip").mkdir()
    shutil.copy(ORIGINALS[0], repo / "skip" / "a.txt")
    walked = check(".", "--no-dedup")
    assert "skip/a.txt" not in walked.output and "000_18f99bd4d07bc900.txt" in walked.output
    named = check("skip/a.txt", "--no-dedup")
    assert "skip/a.txt" in named.output  # a named file is checked unless --force-exclude
    forced = check("skip/a.txt", "--no-dedup", "--force-exclude")
    assert forced.exit_code == 0 and forced.output == ""
    bad = CliRunner().invoke(main, ["check", ".", "--config", str(repo / "missing.toml")])
    assert bad.exit_code == 2 and "missing.toml" in bad.output


def test_unknown_config_keys_are_a_usage_error(repo):
    (repo / "pyproject.toml").write_text('[tool.cleaner]\nthreshhold = 0.9\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 2 and "threshhold" in result.output


def test_index_write_gives_a_portable_seed(repo, tmp_path_factory):
    target = tmp_path_factory.mktemp("seed") / "corpus-index.sqlite"
    assert CliRunner().invoke(main, ["index", "--write", str(target)]).exit_code == 0
    shutil.rmtree(repo / CACHE_DIR)
    (repo / "copy.txt").write_text((repo / ORIGINALS[2].name).read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "add", "copy.txt")
    before = target.read_bytes()
    result = check("copy.txt", "--index-file", target)
    assert f"near-duplicate of {ORIGINALS[2].name}" in result.output
    assert target.read_bytes() == before  # the committed index is never modified


def test_git_tracked_lists_staged_blobs(repo):
    tracked = git_tracked(repo)
    assert set(tracked) == {p.name for p in ORIGINALS}
    assert all(len(blob) == 40 for blob in tracked.values())


def test_small_corpus_finds_the_same_passages_as_the_corpus_builder():
    from cleaner.dedup.corpus import build
    from cleaner.dedup.passages import find_recycled
    from cleaner.dedup.shingles import TokenHasher
    from cleaner.index import small_corpus

    texts = [t for path in sorted(SAMPLES.glob("*.txt")) for _, t in read_docs(path)]
    texts += ["", "three short words", "İstanbul İzmir Ünye " + texts[4][:2000], "ΟΔΟΣ ΣΟΦΙΑΣ " + texts[0][500:3000]]
    docs = [(str(i), t) for i, t in enumerate(texts)]
    mine = small_corpus(texts, TokenHasher())
    reference = build(texts)
    assert (mine.tok_off == reference.tok_off).all() and (mine.sh_off == reference.sh_off).all()
    expected = find_recycled(docs)
    assert expected  # the samples recycle passages
    assert find_recycled(docs, corpus=mine) == expected


def test_batched_hashing_stores_what_one_document_at_a_time_would(tmp_path):
    from cleaner.dedup.minhash import signature
    from cleaner.dedup.shingles import fmix64, shingle_set, text_shingles

    texts = [t for path in sorted(SAMPLES.glob("*.txt")) for _, t in read_docs(path)] + ["", "two words"]
    index = CorpusIndex.for_root(tmp_path, 0.8)
    ids = index.add_many([(f"k{i}", t) for i, t in enumerate(texts)])
    for doc, text in zip(ids, texts):
        shingles = text_shingles(text)
        sig = signature(shingle_set(shingles), index.perms)
        stored = index.db.execute("SELECT sig FROM docs WHERE id = ?", (doc,)).fetchone()[0]
        assert stored == sig.tobytes()
        rows = sig[: index.bands * index.rows].astype(np.uint64).reshape(index.bands, index.rows)
        h = np.arange(1, index.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for column in rows.T:
            h = fmix64(h ^ column)
        buckets = {b for (b,) in index.db.execute("SELECT bucket FROM buckets WHERE doc = ?", (doc,))}
        assert buckets == set((h >> np.uint64(1)).astype(np.int64).tolist())
        marks = {m for (m,) in index.db.execute("SELECT mark FROM marks WHERE doc = ?", (doc,))}
        assert marks == set(CorpusIndex._marks(shingles).tolist())
    index.close()
