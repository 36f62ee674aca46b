"""cleaner.dedup.stage: a corpus staged batch by batch (spilled to files) gives the results of one built in memory."""
from __future__ import annotations

import random

import numpy as np
import pytest
from test_dedup import _article, _insert_paragraph, _sentence, _substitute, _vocab

from cleaner.dedup import find_duplicates, find_recycled, prepare
from cleaner.dedup import minhash, passages
from cleaner.dedup.minhash import components, verified_pairs
from cleaner.dedup.corpus import token_offsets
from cleaner.dedup.stage import (ENDS_FILE, SHINGLES_FILE, STARTS_FILE, TEXTS_FILE, TOKENS_FILE, CorpusStage,
                                 StagedDocs, hash_batch)

ODD_TEXTS = [
    "",
    "one two",
    "İstanbul İSTANBUL istanbul: U+0130 lower-cases to two code points",
    b"caf\xe9 na\xefve \xff\xfe bytes".decode("utf-8", "surrogateescape"),  # lone surrogates
    "\ud800 a lone high surrogate and a low one \udfff",
    "Ελληνικά, русский, 中文 and emoji 😀 mixed with ASCII words",
]


def _realistic(seed: int = 1234, n_articles: int = 40):
    """(keys, raw texts, cleaned texts): articles, near-duplicates (some cleaned
    unevenly), recycled and reworded paragraphs, chrome lines, odd texts."""
    rng = random.Random(seed)
    vocab = _vocab(rng)
    chrome = "\n".join(_sentence(rng, vocab, 6) for _ in range(12))
    raw, cleaned = [], []
    articles = [_article(rng, vocab, paragraphs=rng.randint(2, 7)) for _ in range(n_articles)]
    for k, art in enumerate(articles):
        raw.append(art + "\n\n" + chrome)
        cleaned.append(art)
        if k % 3 == 0:  # a near-duplicate, its chrome only partly removed
            copy = _substitute(rng, vocab, art, rng.choice([0.005, 0.02, 0.1]))
            raw.append(copy + "\n\n" + chrome)
            cleaned.append(copy + ("\n\n" + chrome if k % 2 else ""))
        if k % 4 == 1 and k > 4:  # a paragraph recycled from an earlier article, maybe reworded
            para = rng.choice(articles[k - 4].split("\n\n"))
            if k % 8 == 5:
                para = _substitute(rng, vocab, para, 0.05)
            host = _article(rng, vocab, paragraphs=4)
            text, _, _ = _insert_paragraph(host, para, 2)
            raw.append(text)
            cleaned.append(text)
    for t in ODD_TEXTS:
        raw.append(t + " Share this")
        cleaned.append(t)
    keys = [f"doc{i:04d}" for i in range(len(raw))]
    return keys, raw, cleaned


def _stage(folder, texts, *, batch=7, spill_bytes=4096, keep_texts=False, keep_offsets=False):
    stage = CorpusStage(folder, keep_texts=keep_texts, keep_offsets=keep_offsets, spill_bytes=spill_bytes)
    for lo in range(0, len(texts), batch):
        stage.add(texts[lo:lo + batch])
    return stage, stage.finish()


def _same_corpus(a, b):
    for name in ("tok_hash", "tok_off", "sh_hash", "sh_off"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.fixture()
def small_parts(monkeypatch):
    """Windows, blocks and partitions small enough that the test corpus needs many."""
    monkeypatch.setattr(minhash, "_WINDOW_SHINGLES", 1 << 10)
    monkeypatch.setattr(minhash, "_PAIR_BLOCK", 50)
    monkeypatch.setattr(passages, "_PART_ENTRIES", 1 << 11)
    monkeypatch.setattr(passages, "_PART_POINTS", 1 << 9)
    monkeypatch.setattr(passages, "_TEXTS_AT_ONCE", 5)
    monkeypatch.setattr(passages, "_MAPPED_BLOCK", 3)


@pytest.mark.parametrize("batch, spill_bytes", [(1, 1), (7, 4096), (1000, 1 << 30)])
def test_staged_corpus_equals_the_corpus_built_at_once(tmp_path, batch, spill_bytes):
    _, raw, _ = _realistic()
    stage, corpus = _stage(tmp_path, raw, batch=batch, spill_bytes=spill_bytes)
    _same_corpus(corpus, prepare(raw))
    assert corpus.mapped == (spill_bytes < 1 << 20) == stage.spilled
    assert stage.n == corpus.n == len(raw)
    assert stage.lengths.tolist() == [len(t) for t in raw]
    if corpus.mapped:
        assert isinstance(corpus.sh_hash, np.memmap) and not corpus.sh_hash.flags.writeable
        assert (tmp_path / TOKENS_FILE).stat().st_size == 8 * len(corpus.tok_hash)
        assert (tmp_path / SHINGLES_FILE).stat().st_size == 8 * len(corpus.sh_hash)


def test_stage_without_folder_never_spills():
    _, raw, _ = _realistic(n_articles=10)
    stage, corpus = _stage(None, raw, spill_bytes=1)
    assert not stage.spilled and not corpus.mapped
    _same_corpus(corpus, prepare(raw))


def test_empty_stage(tmp_path):
    stage = CorpusStage(tmp_path, spill_bytes=1)
    stage.add([])
    corpus = stage.finish()
    assert corpus.n == 0 and len(corpus.sh_hash) == 0
    stage2, corpus2 = _stage(tmp_path / "b", ["", "", ""], spill_bytes=1)
    _same_corpus(corpus2, prepare(["", "", ""]))
    assert find_recycled(StagedDocs(["a", "b", "c"], stage2), corpus=corpus2) == []


@pytest.mark.parametrize("spill_bytes", [1, 300, 1 << 30])
def test_texts_round_trip(tmp_path, spill_bytes):
    texts = ODD_TEXTS + [t * 3 for t in ODD_TEXTS]
    stage = CorpusStage(tmp_path, keep_texts=True, spill_bytes=spill_bytes)
    for lo in range(0, len(texts), 4):
        stage.add(texts[lo:lo + 4])
        assert [stage.text(i) for i in range(lo + len(texts[lo:lo + 4]))] == texts[:lo + 4]
    corpus = stage.finish()
    with stage:
        assert [stage.text(i) for i in range(len(texts))] == texts
        assert stage.lengths.tolist() == [len(t) for t in texts]
        docs = StagedDocs([str(i) for i in range(len(texts))], stage)
        assert list(docs) == [(str(i), t) for i, t in enumerate(texts)]
        assert docs[1:3] == [("1", texts[1]), ("2", texts[2])]
    _same_corpus(corpus, prepare(texts))
    if spill_bytes == 1:
        data = (tmp_path / TEXTS_FILE).read_bytes()
        assert data.decode("utf-8", "surrogatepass") == "".join(texts)
    with pytest.raises(RuntimeError):
        stage.add(["more"])
    with pytest.raises(ValueError):
        CorpusStage(None).text(0)


def test_staged_dedup_equals_in_memory(tmp_path, small_parts):
    keys, raw, cleaned = _realistic()
    docs = list(zip(keys, cleaned))
    mem_raw, mem = prepare(raw), prepare(cleaned)
    raw_stage, st_raw = _stage(tmp_path / "raw", raw)
    clean_stage, st = _stage(tmp_path / "cleaned", cleaned, keep_texts=True)
    assert st.mapped and st_raw.mapped
    staged_docs = StagedDocs(keys, clean_stage)

    # copy groups at J >= 0.5 on the texts as read
    expected_pairs = verified_pairs(mem_raw, threshold=0.5)
    assert len(expected_pairs) >= 8
    assert verified_pairs(st_raw, threshold=0.5) == expected_pairs
    assert components(st_raw.n, verified_pairs(st_raw, threshold=0.5)) == components(mem_raw.n, expected_pairs)

    for keep in ("longest", "first"):
        expected = find_duplicates(docs, keep=keep, corpus=mem, originals=mem_raw)
        assert find_duplicates(staged_docs, keep=keep, corpus=st, originals=st_raw) == expected
    assert expected and find_duplicates(docs, corpus=mem) != expected  # the originals matter here

    expected_rec = find_recycled(docs, expected, corpus=mem)
    assert len(expected_rec) > 5 and any(m.similarity < 1 for m in expected_rec)
    assert find_recycled(staged_docs, expected, corpus=st) == expected_rec
    assert find_recycled(staged_docs, (), corpus=st, min_words=8) == find_recycled(docs, (), corpus=mem, min_words=8)
    # the folder is the caller's: stage files stay, find_recycled's scratch files do not
    assert sorted(p.name for p in (tmp_path / "cleaned").iterdir()) == sorted([SHINGLES_FILE, TEXTS_FILE, TOKENS_FILE])


class _CountingDocs(StagedDocs):
    """StagedDocs noting which documents' texts were read."""

    def __init__(self, keys, stage):
        super().__init__(keys, stage)
        self.read: list[int] = []

    def __getitem__(self, i):
        self.read.append(i)
        return super().__getitem__(i)


def test_staged_docs_read_only_the_texts_needed(tmp_path, small_parts):
    keys, _, cleaned = _realistic()
    clean_stage, st = _stage(tmp_path, cleaned, keep_texts=True)
    docs = _CountingDocs(keys, clean_stage)
    dups = find_duplicates(docs, corpus=st)
    assert dups and docs.read == []  # keys and lengths, no text
    rec = find_recycled(docs, dups, corpus=st)
    involved = {keys.index(m.key) for m in rec} | {keys.index(m.source_key) for m in rec}
    assert rec and set(docs.read) == involved and len(docs.read) == len(involved)


def _same_offsets(got, expected):
    for g, e in zip(got, expected):
        assert np.array_equal(np.asarray(g, dtype=np.int64), np.asarray(e, dtype=np.int64))


@pytest.mark.parametrize("folder, spill_bytes", [("stage", 1), ("stage", 300), ("stage", 1 << 30), (None, 1)])
def test_token_offsets_kept_equal_those_of_the_texts(tmp_path, folder, spill_bytes):
    # odd texts: U+0130 (lower case longer: offsets mapped back), lone surrogates, other scripts
    _, raw, _ = _realistic(n_articles=6)
    texts = ODD_TEXTS + raw + [t * 3 for t in ODD_TEXTS]
    stage, corpus = _stage(None if folder is None else tmp_path / folder, texts, batch=4, spill_bytes=spill_bytes,
                           keep_offsets=True)
    _same_corpus(corpus, prepare(texts))
    docs = np.arange(len(texts))
    _same_offsets(stage.token_offsets(docs), token_offsets(texts))
    some = np.array([2, 3, 5, len(texts) - 1])
    _same_offsets(stage.token_offsets(some), token_offsets([texts[i] for i in some]))
    staged = StagedDocs([str(i) for i in range(len(texts))], stage)
    _same_offsets(staged.token_offsets(some), token_offsets([texts[i] for i in some]))
    with pytest.raises(ValueError):
        stage.text(0)  # offsets, not texts
    if folder is not None:
        stage.save()
        loaded = CorpusStage.load(tmp_path / folder)
        assert loaded.keep_offsets and not loaded.keep_texts
        _same_offsets(loaded.token_offsets(docs), token_offsets(texts))
        if spill_bytes == 1:
            assert (tmp_path / folder / STARTS_FILE).stat().st_size == 4 * len(corpus.tok_hash)
            assert (tmp_path / folder / ENDS_FILE).stat().st_size == 4 * len(corpus.tok_hash)


def test_offsets_hashed_apart_equal_those_hashed_by_the_stage():
    # what a worker hashes (hash_batch) is appended as the stage would hash it
    texts = ODD_TEXTS * 3
    stage = CorpusStage(None, keep_offsets=True)
    stage.add(texts[:7], hash_batch(texts[:7], chunk_chars=20, offsets=True))
    stage.add(texts[7:])
    _same_corpus(stage.finish(), prepare(texts))
    _same_offsets(stage.token_offsets(np.arange(len(texts))), token_offsets(texts))


def test_staged_recycled_from_kept_offsets_reads_no_text(tmp_path, small_parts):
    keys, raw, cleaned = _realistic()
    docs = list(zip(keys, cleaned))
    mem = prepare(cleaned)
    expected_dups = find_duplicates(docs, corpus=mem)
    expected = find_recycled(docs, expected_dups, corpus=mem)
    assert len(expected) > 5
    for folder in (tmp_path / "cleaned", None):
        stage, st = _stage(folder, cleaned, keep_offsets=True)
        assert st.mapped == (folder is not None)
        staged = _CountingDocs(keys, stage)
        assert find_duplicates(staged, corpus=st) == expected_dups
        assert find_recycled(staged, expected_dups, corpus=st) == expected
        assert staged.read == []
    assert sorted(p.name for p in (tmp_path / "cleaned").iterdir()) == sorted(
        [SHINGLES_FILE, TOKENS_FILE, STARTS_FILE, ENDS_FILE])
