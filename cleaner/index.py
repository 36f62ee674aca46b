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
from .dedup.shingles import fmix64, jaccard, shingle_set, text_shingles

CACHE_DIR = ".cleaner_cache"
SCHEMA = 1
NUM_PERM = 128
WINNOW = 4  # one fingerprint per window of 4 shingles: any 8-shingle (12-word) run shares one
MAX_PASSAGE_CANDIDATES = 20


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
            CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, sig BLOB);
            CREATE TABLE IF NOT EXISTS buckets (bucket INTEGER, key TEXT);
            CREATE INDEX IF NOT EXISTS buckets_bucket ON buckets (bucket);
            CREATE TABLE IF NOT EXISTS marks (mark INTEGER, key TEXT);
            CREATE INDEX IF NOT EXISTS marks_mark ON marks (mark);
            CREATE TABLE IF NOT EXISTS files (path TEXT, doc_id TEXT, key TEXT);
        """)
        self._perms: np.ndarray | None = None

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

    def known_keys(self) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM docs")}

    def add(self, key: str, text: str) -> None:
        shingles = text_shingles(text)
        sig = signature(shingle_set(shingles), self.perms)
        self.db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?)", (key, sig.tobytes()))
        self.db.executemany("INSERT INTO buckets VALUES (?, ?)", ((int(b), key) for b in self._buckets(sig)))
        self.db.executemany("INSERT INTO marks VALUES (?, ?)", ((int(m), key) for m in self._marks(shingles)))

    def set_files(self, docs: Iterable[CorpusDoc]) -> None:
        """Replace the path -> key map with the corpus as it is now."""
        self.db.execute("DELETE FROM files")
        self.db.executemany("INSERT INTO files VALUES (?, ?, ?)", ((d.path, d.doc_id, d.key) for d in docs))
        self.db.commit()

    def prune(self) -> int:
        """Drop documents no file maps to any more."""
        gone = [k for (k,) in self.db.execute(
            "SELECT key FROM docs WHERE key NOT IN (SELECT key FROM files)")]
        for table in ("docs", "buckets", "marks"):
            self.db.executemany(f"DELETE FROM {table} WHERE key = ?", ((k,) for k in gone))
        self.db.commit()
        return len(gone)

    def commit(self) -> None:
        self.db.commit()

    def _buckets(self, sig: np.ndarray) -> np.ndarray:
        """One 63-bit bucket id per LSH band (band number mixed in)."""
        rows = sig[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        h = np.arange(1, self.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for column in rows.T:
            h = fmix64(h ^ column)
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

    def similar(self, text: str, exclude: set[tuple[str, str | None]]) -> list[tuple[CorpusDoc, str]]:
        """Documents sharing an LSH bucket with ``text`` (candidates, unverified)."""
        sig = signature(shingle_set(text_shingles(text)), self.perms)
        return self._docs_for(self._query("buckets", "bucket", self._buckets(sig)), exclude)

    def passage_sources(self, text: str, exclude: set[tuple[str, str | None]]) -> list[CorpusDoc]:
        """Documents sharing at least two fingerprints with ``text``, most shared first."""
        marks = self._marks(text_shingles(text))
        counts: dict[str, int] = {}
        for key in self._query("marks", "mark", marks, distinct=False):
            counts[key] = counts.get(key, 0) + 1
        keys = [k for k, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= 2]
        docs = [d for d, _ in self._docs_for(keys, exclude)]
        return docs[:MAX_PASSAGE_CANDIDATES]

    def _query(self, table: str, column: str, values: np.ndarray, distinct: bool = True) -> list[str]:
        keys: list[str] = []
        values = [int(v) for v in values]
        for lo in range(0, len(values), 500):
            chunk = values[lo:lo + 500]
            marks = ",".join("?" * len(chunk))
            keys.extend(k for (k,) in self.db.execute(
                f"SELECT key FROM {table} WHERE {column} IN ({marks})", chunk))
        return list(dict.fromkeys(keys)) if distinct else keys

    def _docs_for(self, keys: list[str], exclude: set[tuple[str, str | None]]) -> list[tuple[CorpusDoc, str]]:
        out = []
        for key in keys:
            for path, doc_id in self.db.execute("SELECT path, doc_id FROM files WHERE key = ?", (key,)):
                if (path, doc_id) not in exclude:
                    out.append((CorpusDoc(path, doc_id, key), key))
        return out


def refresh(index: CorpusIndex, corpus: list[tuple[str, str]], read_docs: Callable[[str], Iterator[tuple[str | None, str]]],
            progress: Callable[[int, int], None] | None = None) -> int:
    """Bring the index up to date with ``corpus`` [(path, file key)]; returns files hashed.

    ``read_docs(path)`` yields (record id or None, text) for a file; files
    that cannot be read are left out of the index.
    """
    known = index.known_keys()
    docs: list[CorpusDoc] = []
    todo = list(corpus)
    hashed = 0
    known_files = {}
    for path, doc_id, key in index.db.execute("SELECT path, doc_id, key FROM files"):
        known_files.setdefault(path, []).append((doc_id, key))
    for n, (path, file_key) in enumerate(todo):
        previous = known_files.get(path)
        if previous and all(key.split("#", 1)[0] == file_key and key in known for _, key in previous):
            docs.extend(CorpusDoc(path, doc_id, key) for doc_id, key in previous)
            continue
        try:
            records = list(read_docs(path))
        except Exception:  # unreadable files are reported by the cleaning pass, not here
            continue
        for doc_id, text in records:
            key = file_key if doc_id is None else f"{file_key}#{doc_id}"
            if key not in known:
                index.add(key, text)
                known.add(key)
            docs.append(CorpusDoc(path, doc_id, key))
        hashed += 1
        if progress and hashed % 200 == 0:
            progress(n + 1, len(todo))
    index.set_files(docs)
    index.prune()
    return hashed


def verify(text: str, candidates: list[tuple[CorpusDoc, str]], threshold: float,
           read_text: Callable[[CorpusDoc], str | None]) -> list[tuple[CorpusDoc, float]]:
    """Exact word-5-gram Jaccard against each candidate; those at or above ``threshold``."""
    mine = shingle_set(text_shingles(text))
    found = []
    for doc, _ in candidates:
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
            for match in find_recycled(texts, min_words=min_words):
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
        return [(p, k) for p, k in sorted(git_tracked(root).items()) if format_of(Path(p))[0] is not None]
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
