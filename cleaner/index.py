"""A persistent, incremental index of a corpus, for `cleaner check`.

A commit must stay fast, yet a new file has to be compared with every
document already in the repository. The index keeps, per document, its
MinHash signature (LSH buckets for near-duplicates) and winnowed 5-gram
fingerprints (candidates for recycled passages) in SQLite under
``.cleaner_cache/``. Documents are keyed by git blob id (or a content hash
outside git) and the settings' fingerprint is part of the file name, so a
run hashes only files that are new or changed.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .dedup.minhash import DEFAULT_SEED, lsh_params, signature
from .dedup.shingles import TokenHasher, fmix64, jaccard, shingle_hashes, shingle_set, text_shingles

CACHE_DIR = ".cleaner_cache"
SCHEMA = 2
NUM_PERM = 128
# Winnowing window, in shingles: every run of WINNOW shared shingles (WINNOW + 4
# words: 12 = the shortest passage reported) shares at least one fingerprint.
WINNOW = 8
MAX_PASSAGE_CANDIDATES = 20
# Candidates this similar (signature estimate) are copies, not recyclers of passages.
COPY_SIMILARITY = 0.5
BULK = 500  # more new documents than this: rebuild the lookup indexes after inserting
BATCH_CHARS = 1 << 21  # characters of new documents hashed together


@dataclass(frozen=True)
class CorpusDoc:
    path: str  # repository-relative posix path
    doc_id: str | None  # JSONL record id
    key: str  # content key: git blob id (+ record id)


def prepare_cache(root: Path) -> Path:
    """Create ``.cleaner_cache`` so that git and backup tools leave it alone."""
    cache = root / CACHE_DIR
    cache.mkdir(exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by cleaner: this folder is a cache.\n*\n", encoding="utf-8")
    tag = cache / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                       "# This file is a cache directory tag created by cleaner.\n", encoding="utf-8")
    return cache


def git_root(start: Path) -> Path | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def git_tracked(root: Path) -> dict[str, str]:
    """posix path -> blob id of every file in git's index (staged content)."""
    out = subprocess.run(["git", "ls-files", "-s", "-z"], cwd=root, capture_output=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode(errors="replace").strip())
    tracked = {}
    for entry in out.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, blob, stage = meta.split(b" ")
        if stage in (b"0", b"2") and not mode.startswith(b"120"):  # skip symlinks and merge bases
            tracked[os.fsdecode(path)] = blob.decode()
    return tracked


def content_key(data: bytes) -> str:
    """The git blob id of ``data`` (so keys agree inside and outside git)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class CorpusIndex:
    """Signatures and fingerprints of a corpus, in one SQLite file."""

    def __init__(self, path: Path, threshold: float):
        self.path = path
        self.threshold = threshold
        self.bands, self.rows = lsh_params(threshold, NUM_PERM)
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB);
            CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, key TEXT UNIQUE, sig BLOB);
            CREATE TABLE IF NOT EXISTS buckets (bucket INTEGER, doc INTEGER);
            CREATE TABLE IF NOT EXISTS marks (mark INTEGER, doc INTEGER);
            CREATE TABLE IF NOT EXISTS files (path TEXT, doc_id TEXT, doc INTEGER);
        """)
        self.create_lookups()
        self._perms: np.ndarray | None = None
        self.hasher = TokenHasher()  # word -> hash memo shared by every document of a run

    @classmethod
    def for_root(cls, root: Path, threshold: float) -> "CorpusIndex":
        cache = prepare_cache(root)
        fingerprint = hashlib.sha256(
            f"schema={SCHEMA};perm={NUM_PERM};seed={DEFAULT_SEED};winnow={WINNOW};t={threshold}".encode()
        ).hexdigest()[:12]
        return cls(cache / f"index-{fingerprint}.sqlite", threshold)

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ building

    @property
    def perms(self) -> np.ndarray:
        """datasketch's permutations, kept in the index so a check needn't import datasketch."""
        if self._perms is None:
            row = self.db.execute("SELECT value FROM meta WHERE name = 'perms'").fetchone()
            if row is None:
                from .dedup.minhash import permutations

                perms = np.asarray(permutations(NUM_PERM, DEFAULT_SEED), dtype=np.uint32)
                self.db.execute("INSERT INTO meta VALUES ('perms', ?)", (perms.tobytes(),))
                self.db.commit()
                self._perms = perms
            else:
                self._perms = np.frombuffer(row[0], dtype=np.uint32).reshape(2, NUM_PERM)
        return self._perms

    def create_lookups(self) -> None:
        self.db.executescript("""
            CREATE INDEX IF NOT EXISTS buckets_bucket ON buckets (bucket);
            CREATE INDEX IF NOT EXISTS marks_mark ON marks (mark);
            CREATE INDEX IF NOT EXISTS files_doc ON files (doc);
        """)

    def drop_lookups(self) -> None:
        self.db.executescript("DROP INDEX IF EXISTS buckets_bucket; DROP INDEX IF EXISTS marks_mark;")

    def get_meta(self, name: str):
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, name: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        self.db.commit()

    def known_keys(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT key, id FROM docs"))

    def add(self, key: str, text: str) -> int:
        return self.add_many([(key, text)])[0]

    def add_many(self, docs: list[tuple[str, str]]) -> list[int]:
        """Index (key, text) documents at once; their ids, in order.

        The texts are hashed together: token hashes from the shared memo,
        MinHash signatures of the batch in one matrix pass (each equal to
        :func:`signature` of the document's shingle set), one insert per table.
        """
        if not docs:
            return []
        from .dedup.minhash import signatures

        corpus = small_corpus([text for _, text in docs], self.hasher)
        sigs = signatures(corpus, self.perms)
        first = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM docs").fetchone()[0]
        ids = list(range(first, first + len(docs)))
        self.db.executemany("INSERT INTO docs (id, key, sig) VALUES (?, ?, ?)",
                            zip(ids, (key for key, _ in docs), (sig.tobytes() for sig in sigs)))
        buckets = self._band_buckets(sigs)
        self.db.executemany("INSERT INTO buckets VALUES (?, ?)",
                            zip(buckets.ravel().tolist(), np.repeat(ids, buckets.shape[1]).tolist()))
        marks = [self._marks(corpus.shingles(i)) for i in range(len(docs))]
        self.db.executemany("INSERT INTO marks VALUES (?, ?)",
                            zip(np.concatenate(marks).tolist(), np.repeat(ids, [len(m) for m in marks]).tolist()))
        return ids

    def set_files(self, docs: Iterable[tuple[str, str | None, int]]) -> None:
        """Replace the (path, record id) -> document map with the corpus as it is now."""
        self.db.execute("DELETE FROM files")
        self.db.executemany("INSERT INTO files VALUES (?, ?, ?)", docs)
        self.db.commit()

    def prune(self) -> int:
        """Drop documents no file maps to any more."""
        gone = [d for (d,) in self.db.execute("SELECT id FROM docs WHERE id NOT IN (SELECT doc FROM files)")]
        if gone:  # buckets and marks have no index by document: one scan each for all of them
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS gone (id INTEGER PRIMARY KEY)")
            self.db.execute("DELETE FROM gone")
            self.db.executemany("INSERT INTO gone VALUES (?)", ((d,) for d in gone))
            for table, column in (("docs", "id"), ("buckets", "doc"), ("marks", "doc")):
                self.db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM gone)")
            self.db.commit()
        return len(gone)

    def commit(self) -> None:
        self.db.commit()

    def _buckets(self, sig: np.ndarray) -> np.ndarray:
        """One 63-bit bucket id per LSH band (band number mixed in)."""
        return self._band_buckets(sig[None, :])[0]

    def _band_buckets(self, sigs: np.ndarray) -> np.ndarray:
        """(n, bands) bucket ids of n signatures."""
        rows = sigs[:, : self.bands * self.rows].astype(np.uint64).reshape(len(sigs), self.bands, self.rows)
        h = np.broadcast_to(np.arange(1, self.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
                            rows.shape[:2])
        for j in range(self.rows):
            h = fmix64(h ^ rows[:, :, j])
        return (h >> np.uint64(1)).astype(np.int64)

    @staticmethod
    def _marks(shingles: np.ndarray) -> np.ndarray:
        """Winnowing: the smallest shingle hash of every window of WINNOW shingles."""
        if len(shingles) == 0:
            return np.empty(0, dtype=np.int64)
        if len(shingles) < WINNOW:
            picked = np.array([shingles.min()], dtype=np.uint64)
        else:
            picked = np.lib.stride_tricks.sliding_window_view(shingles, WINNOW).min(axis=1)
        return np.unique(picked >> np.uint64(1)).astype(np.int64)

    # ------------------------------------------------------------------ querying

    def similar(self, text: str, exclude: set[tuple[str, str | None]]) -> list[CorpusDoc]:
        """Documents sharing an LSH bucket with ``text`` (candidates, unverified)."""
        sig = signature(shingle_set(text_shingles(text)), self.perms)
        return self._docs_for(self._query("buckets", "bucket", self._buckets(sig)), exclude)

    def passage_sources(self, text: str, exclude: set[tuple[str, str | None]]) -> list[CorpusDoc]:
        """Documents sharing at least two fingerprints with ``text``, most shared first.

        Copies of ``text`` (estimated Jaccard >= COPY_SIMILARITY) are left out:
        they share everything, and the near-duplicate check speaks for them.
        """
        shingles = text_shingles(text)
        sig = signature(shingle_set(shingles), self.perms)
        counts: dict[int, int] = {}
        for doc in self._query("marks", "mark", self._marks(shingles), distinct=False):
            counts[doc] = counts.get(doc, 0) + 1
        ranked = [d for d, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= 2]
        distinct = []
        for doc in ranked:
            other = np.frombuffer(self.db.execute("SELECT sig FROM docs WHERE id = ?", (doc,)).fetchone()[0],
                                  dtype=np.uint32)
            if np.mean(other == sig) < COPY_SIMILARITY:
                distinct.append(doc)
            if len(distinct) >= MAX_PASSAGE_CANDIDATES:
                break
        return self._docs_for(distinct, exclude)

    def _query(self, table: str, column: str, values: np.ndarray, distinct: bool = True) -> list[int]:
        docs: list[int] = []
        values = [int(v) for v in values]
        for lo in range(0, len(values), 500):
            chunk = values[lo:lo + 500]
            marks = ",".join("?" * len(chunk))
            docs.extend(d for (d,) in self.db.execute(
                f"SELECT doc FROM {table} WHERE {column} IN ({marks})", chunk))
        return list(dict.fromkeys(docs)) if distinct else docs

    def _docs_for(self, docs: list[int], exclude: set[tuple[str, str | None]]) -> list[CorpusDoc]:
        out = []
        for doc in docs:
            for path, doc_id in self.db.execute("SELECT path, doc_id FROM files WHERE doc = ?", (doc,)):
                if (path, doc_id) not in exclude:
                    out.append(CorpusDoc(path, doc_id, str(doc)))
        return out


def refresh(index: CorpusIndex, corpus: list[tuple[str, str]], read_docs: Callable[[str], Iterator[tuple[str | None, str]]],
            progress: Callable[[int, int], None] | None = None) -> int:
    """Bring the index up to date with ``corpus`` [(path, file key)]; returns files hashed.

    ``read_docs(path)`` yields (record id or None, text) for a file; files
    that cannot be read are left out of the index.
    """
    # the corpus as last indexed (paths and content keys): nothing to do, not even to compare
    stamp = hashlib.sha1("\0".join(f"{path}\t{key}" for path, key in corpus).encode("utf-8", "surrogatepass")).hexdigest()
    if index.get_meta("corpus") == stamp:
        return 0
    known = index.known_keys()
    previous: dict[str, list[tuple[str | None, str]]] = {}
    for path, doc_id, key in index.db.execute(
            "SELECT files.path, files.doc_id, docs.key FROM files JOIN docs ON docs.id = files.doc"):
        previous.setdefault(path, []).append((doc_id, key))
    rows: list[tuple[str, str | None, int]] = []
    todo = []
    for path, file_key in corpus:
        entries = previous.get(path)
        if entries and all(key.split("#", 1)[0] == file_key and key in known for _, key in entries):
            rows.extend((path, doc_id, known[key]) for doc_id, key in entries)
        else:
            todo.append((path, file_key))
    bulk = len(todo) > BULK
    if bulk:  # maintaining lookup indexes row by row is slower than building them once
        index.drop_lookups()
    pending: dict[str, str] = {}  # key -> text, hashed a batch at a time
    pending_chars = 0

    def flush() -> None:
        nonlocal pending_chars
        known.update(zip(pending, index.add_many(list(pending.items()))))
        pending.clear()
        pending_chars = 0

    keyed: list[tuple[str, str | None, str]] = []
    for n, (path, file_key) in enumerate(todo, 1):
        try:
            records = list(read_docs(path))
        except Exception:  # unreadable files are reported by the cleaning pass, not here
            continue
        for doc_id, text in records:
            key = file_key if doc_id is None else f"{file_key}#{doc_id}"
            if key not in known and key not in pending:
                pending[key] = text
                pending_chars += len(text)
            keyed.append((path, doc_id, key))
        if pending_chars >= BATCH_CHARS:
            flush()
        if progress and (n % 200 == 0 or n == len(todo)):
            progress(n, len(todo))
    flush()
    rows.extend((path, doc_id, known[key]) for path, doc_id, key in keyed)
    if bulk:
        index.create_lookups()
    if todo or len(corpus) != len(previous):  # else the files map is already this one
        index.set_files(rows)
        index.prune()
    index.set_meta("corpus", stamp)
    return len(todo)


def verify(text: str, candidates: list[CorpusDoc], threshold: float,
           read_text: Callable[[CorpusDoc], str | None]) -> list[tuple[CorpusDoc, float]]:
    """Exact word-5-gram Jaccard against each candidate; those at or above ``threshold``."""
    mine = shingle_set(text_shingles(text))
    found = []
    for doc in candidates:
        other = read_text(doc)
        if other is None:
            continue
        similarity = jaccard(mine, shingle_set(text_shingles(other)))
        if similarity >= threshold:
            found.append((doc, similarity))
    return sorted(found, key=lambda item: -item[1])


# ---------------------------------------------------------------------- the check


def corpus_findings(units, threshold: float, *, root: Path, git: bool, seed_file: Path | None = None,
                    min_words: int = 12, progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Near-duplicate and recycled-passage records of ``units`` against the whole corpus.

    The corpus is every supported file git tracks under ``root`` (staged
    content), or outside git the files a previous ``cleaner index`` recorded.
    The index is refreshed first, hashing only new or changed files.
    """
    from . import edits as E
    from .dedup.passages import find_recycled

    index = open_index(root, threshold, seed_file)
    try:
        refresh(index, list_corpus(root, git, index), lambda p: read_docs(root / p), progress)
        records = []
        for unit in units:
            doc = unit.doc
            rel = _relative_posix(Path(doc.path), root)
            me = {(rel, doc.id)}
            line = unit.line + 1 if unit.line is not None else 1
            for other, similarity in verify(doc.text, index.similar(doc.text, me), threshold,
                                            lambda d: _read_one(root, d)):
                records.append({"type": "duplicate", "path": doc.path, "id": doc.id, "line": line,
                                "cluster": None, "of_path": other.path, "of_id": other.doc_id,
                                "similarity": round(similarity, 4), "action": "reported"})
            if any(r["type"] == "duplicate" and r["path"] == doc.path and r["id"] == doc.id for r in records):
                continue  # a copy recycles everything: the duplicate finding says it
            sources = [(d, _read_one(root, d)) for d in index.passage_sources(doc.text, me)]
            sources = [(d, t) for d, t in sources if t is not None]
            if not sources:
                continue
            texts = [(f"{i}", t) for i, (_, t) in enumerate(sources)] + [("me", doc.text)]
            corpus = small_corpus([t for _, t in texts], index.hasher)
            for match in find_recycled(texts, min_words=min_words, corpus=corpus):
                if match.key != "me":
                    continue
                source, source_text = sources[int(match.source_key)]
                start = E.to_original(unit.base, match.start)
                records.append({
                    "type": "recycled", "path": doc.path, "id": doc.id,
                    "line": unit.line + 1 if unit.line is not None else unit.source.count("\n", 0, start) + 1,
                    "source_line": source_text.count("\n", 0, match.source_start) + 1,
                    "start": start, "end": E.to_original(unit.base, match.end, as_end=True),
                    "source_path": source.path, "source_id": source.doc_id,
                    "source_start": match.source_start, "source_end": match.source_end,
                    "similarity": round(match.similarity, 4), "action": "reported"})
        return records
    finally:
        index.close()


def small_corpus(texts: list[str], hasher: TokenHasher):
    """:func:`cleaner.dedup.corpus.build` for a handful of texts, from the index's token hashes.

    ``build`` is made for a whole corpus: its first call fills lookup tables
    for all of Unicode and powers for a few million characters (about 1.5 s),
    more than the rest of a one-file check. Passage finding only compares
    hashes for equality, so the same tokens and shingles hashed by the shared
    :class:`TokenHasher` give the same passages.
    """
    from .dedup.corpus import Corpus
    from .dedup.shingles import tokenize

    tokens = [hasher.hash_tokens(tokenize(t)) for t in texts]
    shingles = [shingle_hashes(t) for t in tokens]
    tok_off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in tokens], out=tok_off[1:])
    sh_off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in shingles], out=sh_off[1:])
    empty = np.zeros(0, dtype=np.uint64)
    return Corpus(np.concatenate(tokens) if tokens else empty, tok_off,
                  np.concatenate(shingles) if shingles else empty, sh_off)


def open_index(root: Path, threshold: float, seed_file: Path | None = None) -> CorpusIndex:
    """The cache's index, first copied from a committed index file if the cache has none."""
    index = CorpusIndex.for_root(root, threshold)
    if seed_file is not None and seed_file.is_file() and not index.known_keys():
        index.close()
        seed = sqlite3.connect(seed_file)
        target = sqlite3.connect(CorpusIndex.for_root(root, threshold).path)
        seed.backup(target)
        seed.close()
        target.close()
        index = CorpusIndex.for_root(root, threshold)
    return index


def write_index_file(index: CorpusIndex, target: Path) -> None:
    """A compact copy of the index (for committing, so CI starts warm)."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    index.db.execute("VACUUM INTO ?", (str(tmp),))
    os.replace(tmp, target)


def list_corpus(root: Path, git: bool, index: CorpusIndex) -> list[tuple[str, str]]:
    """(posix path, file key) for every corpus file."""
    from .io.readers import format_of

    if git:
        supported: dict[str, bool] = {}  # format_of by the name from its first dot on

        def readable(path: str) -> bool:
            name = path.rpartition("/")[2]
            dot = name.find(".")
            tail = "x" if dot < 0 else ("x" if dot else "") + name[dot:]  # "a.b.txt" -> "x.b.txt"
            if tail not in supported:
                supported[tail] = format_of(Path(tail))[0] is not None
            return supported[tail]

        return [(p, k) for p, k in sorted(git_tracked(root).items()) if readable(p)]
    paths = sorted({p for (p,) in index.db.execute("SELECT path FROM files")})
    listed = []
    for path in paths:
        try:
            listed.append((path, content_key((root / path).read_bytes())))
        except OSError:
            continue
    return listed


def read_docs(path: Path) -> Iterator[tuple[str | None, str]]:
    """(record id or None, text) of each document in a file, as read for cleaning."""
    from .io.readers import read_source

    for unit in read_source(path).units:
        yield unit.doc.id, unit.doc.text


def _read_one(root: Path, doc: CorpusDoc) -> str | None:
    try:
        for doc_id, text in read_docs(root / doc.path):
            if doc_id == doc.doc_id:
                return text
    except Exception:  # a file that vanished or broke since it was indexed
        return None
    return None


def _relative_posix(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
