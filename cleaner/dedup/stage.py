"""A corpus hashed batch by batch, spilled to stage files when large.

:class:`CorpusStage` takes the documents in order, a batch at a time
(:meth:`CorpusStage.add`), and hashes each batch as :func:`.corpus.build`
would (same tokens, same hashes; the result does not depend on how the
documents are batched). The token and shingle hashes stay in memory until
they (with the texts, when kept) exceed ``spill_bytes``; then they are
appended to raw binary files in ``folder`` and memory is released:

    tokens.u64     token hashes, uint64, all documents in order
    shingles.u64   positional shingle hashes, uint64
    texts.utf8     the texts (``keep_texts=True``), UTF-8 with lone
                   surrogates passed through (``surrogatepass``)
    starts.u32     (``keep_offsets=True``) every token's code-point start and
    ends.u32       end in its text, uint32, in the order of tokens.u64
    index.npz      written by :meth:`CorpusStage.save` only: the tokens,
                   length and text size of every document, and the counts,
                   for :meth:`CorpusStage.load` in a resumed run

:meth:`CorpusStage.finish` returns a :class:`.corpus.Corpus` whose
``tok_hash``/``sh_hash`` are read-only ``np.memmap`` of those files (or the
in-memory arrays when nothing was spilled); the offsets stay in memory (16
bytes per document). Every function of :mod:`cleaner.dedup` accepts it, and
the ones that pass over the whole corpus read a mapped corpus in windows and
drop the pages they read (:func:`.corpus.drop_pages`), so their peak memory
does not grow with the corpus's hashes.

:class:`StagedDocs` is the ``docs`` argument of ``find_duplicates`` /
``find_recycled`` over a stage: ``(key, text)`` pairs, each text read on
demand; the functions read only the texts they need. A stage made with
``keep_offsets`` gives ``find_recycled`` the character offsets of the tokens
it needs (:meth:`CorpusStage.token_offsets`) without keeping or reading texts.

The folder and its files belong to the caller: the stage creates the files
(overwriting stage files of the same names) but never deletes them or the
folder; remove the folder when the corpus is no longer used.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .corpus import (CHUNK_CHARS, OFFSET_TYPE, Corpus, _chunk_shingles, _chunk_tokens, _chunks, drop_pages,
                     token_offsets)
from .shingles import SHINGLE_WIDTH

TOKENS_FILE = "tokens.u64"
SHINGLES_FILE = "shingles.u64"
TEXTS_FILE = "texts.utf8"
STARTS_FILE = "starts.u32"
ENDS_FILE = "ends.u32"
INDEX_FILE = "index.npz"
DEFAULT_SPILL_BYTES = 256 << 20


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates (surrogateescape) round-trip


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


class CorpusStage:
    """Token and shingle hashes of documents added batch by batch (see the module docstring).

    ``folder``: where the stage files go once the staged data exceed
    ``spill_bytes`` (None: never spill). ``keep_texts``: also keep the texts,
    for :meth:`text`. ``keep_offsets``: also keep the code-point offsets of
    every token in its text, for :meth:`token_offsets` (8 bytes a token: what
    ``find_recycled`` needs of the texts, without reading them again).
    ``expect_chars``: about how many characters will be added (sizes the
    buffers of a stage held in memory). Call :meth:`close` (or use ``with``)
    to close the text file once done reading texts.
    """

    def __init__(self, folder: Path | None, *, keep_texts: bool = False, keep_offsets: bool = False,
                 spill_bytes: int = DEFAULT_SPILL_BYTES, width: int = SHINGLE_WIDTH,
                 chunk_chars: int = CHUNK_CHARS, expect_chars: int = 0) -> None:
        self.folder = None if folder is None else Path(folder)
        self.expect_chars = expect_chars
        self.keep_texts = keep_texts
        self.keep_offsets = keep_offsets
        self.spill_bytes = spill_bytes
        self.width = width
        self.chunk_chars = chunk_chars
        # not yet spilled: large buffers (pages only touched as they fill, and given
        # back to the system at a spill; a list of chunk-sized pieces would stay in the heap)
        self._tok = self._sh = self._texts = self._starts = self._ends = None
        self._new_buffers()
        self._n_tok = self._n_sh = self._n_text_bytes = 0
        self._offsets: tuple[np.ndarray, np.ndarray] | None = None  # (starts, ends) once finished
        self._text_sizes: list[np.ndarray] = []  # UTF-8 length of each text
        self._ntok: list[np.ndarray] = []
        self._lens: list[np.ndarray] = []
        self._n = 0
        self._n_tok_disk = self._n_sh_disk = 0
        self._text_disk_bytes = 0
        self._text_off: np.ndarray | None = None
        self.spilled = False
        self._corpus: Corpus | None = None
        self._fd: int | None = None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ building
    @property
    def n(self) -> int:
        """Documents added so far."""
        return self._n

    def add(self, texts: Sequence[str], hashed: list | None = None) -> None:
        """Hash a batch of documents (in order) and append them; ``hashed``: their
        hashes already made by :func:`hash_batch` with this stage's settings (in a worker)."""
        if self._corpus is not None:
            raise RuntimeError("the stage is finished")
        texts = list(texts)
        if not texts:
            return
        if hashed is None:  # chunk by chunk: no more than a chunk's hashes held apart
            hashed = _hash_chunks(texts, self.chunk_chars, self.width, self.keep_offsets)
        ntok = np.zeros(len(texts), dtype=np.int64)
        for lo, hi, h, c, sh, offsets in hashed:
            ntok[lo:hi] = c
            if self.keep_offsets:  # (at the tokens' places)
                self._starts = _put(self._starts, self._n_tok, offsets[0])
                self._ends = _put(self._ends, self._n_tok, offsets[1])
            self._tok = _put(self._tok, self._n_tok, h)
            self._n_tok += len(h)
            self._sh = _put(self._sh, self._n_sh, sh)
            self._n_sh += len(sh)
        self._ntok.append(ntok)
        self._lens.append(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
        if self.keep_texts:
            encoded = list(map(_encode, texts))
            self._text_sizes.append(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
            data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
            del encoded
            self._texts = _put(self._texts, self._n_text_bytes, data)
            self._n_text_bytes += len(data)
            self._text_off = None
        self._n += len(texts)
        staged = 8 * (self._n_tok + self._n_sh) + self._n_text_bytes + (8 * self._n_tok if self.keep_offsets else 0)
        if self.folder is not None and staged > self.spill_bytes:
            self._spill()

    def _spill(self) -> None:
        """Append what is held in memory to the stage files and let it go."""
        mode = "ab" if self.spilled else "wb"
        with open(self.folder / TOKENS_FILE, mode) as f:
            self._tok[:self._n_tok].tofile(f)
        with open(self.folder / SHINGLES_FILE, mode) as f:
            self._sh[:self._n_sh].tofile(f)
        if self.keep_texts:
            with open(self.folder / TEXTS_FILE, mode) as f:
                self._texts[:self._n_text_bytes].tofile(f)
        if self.keep_offsets:
            for name, buf in ((STARTS_FILE, self._starts), (ENDS_FILE, self._ends)):
                with open(self.folder / name, mode) as f:
                    buf[:self._n_tok].tofile(f)
        self._n_tok_disk += self._n_tok
        self._n_sh_disk += self._n_sh
        self._text_disk_bytes += self._n_text_bytes
        self._tok = self._sh = self._texts = self._starts = self._ends = None
        self._new_buffers()
        self._n_tok = self._n_sh = self._n_text_bytes = 0
        self.spilled = True

    def _new_buffers(self) -> None:
        # sized for a spill's worth (virtual memory until written) when spilling; in
        # memory, for the expected texts (a token takes 4+ characters with its separator
        # in most scripts: growing by copies, which touch every page twice, is the exception)
        if self.folder is not None:
            cap = self.spill_bytes // 8 + 1
        else:
            cap = max(1 << 16, self.expect_chars // 4)
        self._tok = np.empty(cap, dtype=np.uint64)
        self._sh = np.empty(cap, dtype=np.uint64)
        text_cap = 8 * cap if self.folder is not None else max(1 << 16, self.expect_chars)
        self._texts = np.empty(text_cap if self.keep_texts else 0, dtype=np.uint8)
        self._starts = np.empty(cap if self.keep_offsets else 0, dtype=OFFSET_TYPE)
        self._ends = np.empty(cap if self.keep_offsets else 0, dtype=OFFSET_TYPE)

    def finish(self) -> Corpus:
        """The :class:`Corpus` of every document added (memory-mapped when spilled)."""
        if self._corpus is not None:
            return self._corpus
        if self.spilled:
            if self._n_tok or self._n_sh or self._n_text_bytes:
                self._spill()
            tok_hash = _map(self.folder / TOKENS_FILE, self._n_tok_disk)
            sh_hash = _map(self.folder / SHINGLES_FILE, self._n_sh_disk)
            if self.keep_offsets:
                self._offsets = (_map(self.folder / STARTS_FILE, self._n_tok_disk, OFFSET_TYPE),
                                 _map(self.folder / ENDS_FILE, self._n_tok_disk, OFFSET_TYPE))
        else:
            # shrunk in place (realloc: no copy)
            self._tok.resize(self._n_tok, refcheck=False)
            self._sh.resize(self._n_sh, refcheck=False)
            tok_hash, sh_hash = self._tok, self._sh
            self._texts.resize(self._n_text_bytes, refcheck=False)
            if self.keep_offsets:
                self._starts.resize(self._n_tok, refcheck=False)
                self._ends.resize(self._n_tok, refcheck=False)
                self._offsets = (self._starts, self._ends)
        ntok = np.concatenate(self._ntok) if self._ntok else np.zeros(0, dtype=np.int64)
        self._ntok = [ntok]
        tok_off = np.zeros(self._n + 1, dtype=np.int64)
        np.cumsum(ntok, out=tok_off[1:])
        w = self.width
        n_sh = np.where(ntok >= w, ntok - w + 1, np.minimum(ntok, 1))
        sh_off = np.zeros(self._n + 1, dtype=np.int64)
        np.cumsum(n_sh, out=sh_off[1:])
        self._corpus = Corpus(tok_hash, tok_off, sh_hash, sh_off, folder=self.folder)
        return self._corpus

    # ------------------------------------------------------------------ kept on disk
    def save(self) -> None:
        """Put the whole finished stage in its folder, with its index (``index.npz``),
        for :meth:`load` in a later process (a resumed run)."""
        if self.folder is None:
            raise ValueError("a stage without a folder cannot be saved")
        self.finish()
        if not self.spilled:  # all in memory: written out now (and kept in memory too)
            self._tok[:self._n_tok].tofile(self.folder / TOKENS_FILE)
            self._sh[:self._n_sh].tofile(self.folder / SHINGLES_FILE)
            if self.keep_texts:
                self._texts[:self._n_text_bytes].tofile(self.folder / TEXTS_FILE)
            if self.keep_offsets:
                self._starts[:self._n_tok].tofile(self.folder / STARTS_FILE)
                self._ends[:self._n_tok].tofile(self.folder / ENDS_FILE)
        disk_tok = self._n_tok_disk if self.spilled else self._n_tok
        disk_sh = self._n_sh_disk if self.spilled else self._n_sh
        text_bytes = self._text_disk_bytes if self.spilled else self._n_text_bytes
        sizes = np.concatenate(self._text_sizes) if self._text_sizes else np.zeros(0, dtype=np.int64)
        self._text_sizes = [sizes]
        with open(self.folder / INDEX_FILE, "wb") as f:
            np.savez(f, ntok=self._ntok[0], lens=self.lengths, text_sizes=sizes,
                     counts=np.array([disk_tok, disk_sh, text_bytes, self.width, int(self.keep_texts),
                                      int(self.keep_offsets)]))

    @classmethod
    def load(cls, folder: Path) -> "CorpusStage":
        """A finished stage saved by :meth:`save` (its hashes memory-mapped);
        raises OSError or ValueError when the folder does not hold a whole one."""
        folder = Path(folder)
        with np.load(folder / INDEX_FILE) as index:
            ntok, lens, sizes = index["ntok"], index["lens"], index["text_sizes"]
            n_tok, n_sh, text_bytes, width, keep_texts, *more = (int(x) for x in index["counts"])
        keep_offsets = bool(more and more[0])  # (an index saved before offsets were kept has no such count)
        expected = {TOKENS_FILE: 8 * n_tok, SHINGLES_FILE: 8 * n_sh}
        if keep_texts:
            expected[TEXTS_FILE] = text_bytes
        if keep_offsets:
            expected[STARTS_FILE] = expected[ENDS_FILE] = OFFSET_TYPE().itemsize * n_tok
        for name, size in expected.items():
            if size and (folder / name).stat().st_size != size:
                raise ValueError(f"{folder / name}: not the size its index says")
        stage = cls(folder, keep_texts=bool(keep_texts), keep_offsets=keep_offsets, width=width)
        stage._tok = stage._sh = stage._texts = stage._starts = stage._ends = None
        stage._n_tok_disk, stage._n_sh_disk, stage._text_disk_bytes = n_tok, n_sh, text_bytes
        stage._ntok, stage._lens, stage._text_sizes = [ntok], [lens], [sizes]
        stage._n = len(ntok)
        stage.spilled = True
        stage._n_tok = stage._n_sh = stage._n_text_bytes = 0
        stage.finish()
        return stage

    # ------------------------------------------------------------------ reading
    @property
    def lengths(self) -> np.ndarray:
        """len() (code points) of every text added so far."""
        if len(self._lens) != 1:
            self._lens = [np.concatenate(self._lens) if self._lens else np.zeros(0, dtype=np.int64)]
        return self._lens[0]

    def text(self, i: int) -> str:
        """Document ``i``'s text (``keep_texts=True`` only)."""
        if not self.keep_texts:
            raise ValueError("the stage was made without keep_texts")
        if not 0 <= i < self._n:
            raise IndexError(i)
        if self._text_off is None:
            sizes = np.concatenate(self._text_sizes)
            self._text_sizes = [sizes]
            self._text_off = np.zeros(len(sizes) + 1, dtype=np.int64)
            np.cumsum(sizes, out=self._text_off[1:])
        lo, hi = int(self._text_off[i]), int(self._text_off[i + 1])
        if lo >= self._text_disk_bytes:  # still in memory
            lo -= self._text_disk_bytes
            hi -= self._text_disk_bytes
            return _decode(self._texts[lo:hi].tobytes())
        if self._fd is None:
            self._fd = os.open(self.folder / TEXTS_FILE, os.O_RDONLY)
        data = os.pread(self._fd, hi - lo, lo)
        if len(data) != hi - lo:
            raise OSError(f"{self.folder / TEXTS_FILE}: short read")
        return _decode(data)

    def token_offsets(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Code-point (starts, ends) of the tokens of documents ``docs`` in their
        texts, flat, and tokens per document: :func:`.corpus.token_offsets` of
        their texts (``keep_offsets=True``, finished stage only)."""
        if not self.keep_offsets:
            raise ValueError("the stage was made without keep_offsets")
        tok_off = self.finish().tok_off
        docs = np.asarray(docs, dtype=np.int64)
        first, counts = tok_off[docs], tok_off[docs + 1] - tok_off[docs]
        # the flat index of every token of the documents, in order
        flat = np.arange(int(counts.sum()), dtype=np.int64)
        flat += np.repeat(first - (np.cumsum(counts) - counts), counts)
        starts, ends = (np.asarray(a).take(flat) for a in self._offsets)
        drop_pages(*self._offsets)
        return starts, ends, counts

    def close(self) -> None:
        """Close the text file (the stage files themselves stay: they are the caller's)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CorpusStage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def hash_batch(texts: Sequence[str], chunk_chars: int = CHUNK_CHARS, width: int = SHINGLE_WIDTH,
               offsets: bool = False) -> list:
    """The token and shingle hashes of a batch of documents, chunk by chunk:
    ``(lo, hi, token hashes, tokens per document, shingle hashes, offsets)``
    for ``texts[lo:hi]`` (what :meth:`CorpusStage.add` appends); ``offsets``:
    the tokens' (starts, ends) in their texts when asked for, else None."""
    return list(_hash_chunks(texts, chunk_chars, width, offsets))


def _hash_chunks(texts: Sequence[str], chunk_chars: int, width: int, offsets: bool = False):
    for lo, hi in _chunks(texts, chunk_chars):
        if offsets:
            h, c, found = _chunk_tokens(texts[lo:hi], offsets=True)
        else:
            (h, c), found = _chunk_tokens(texts[lo:hi]), None
        yield lo, hi, h, c, _chunk_shingles(h, c, width), found


def _put(buf: np.ndarray, used: int, values: np.ndarray) -> np.ndarray:
    """Write ``values`` at ``buf[used:]``, into a larger buffer when full (a copy of
    the used part only: ndarray.resize would zero-fill, touching every new page)."""
    if used + len(values) > len(buf):
        bigger = np.empty(max(2 * len(buf), used + len(values)), dtype=buf.dtype)
        bigger[:used] = buf[:used]
        buf = bigger
    buf[used:used + len(values)] = values
    return buf


def _map(path: Path, count: int, dtype=np.uint64) -> np.ndarray:
    if count == 0:  # mmap cannot map an empty file
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=(count,))


class StagedDocs(Sequence):
    """``(key, text)`` pairs of a stage's documents, each text read on demand.

    ``keys`` are the documents' keys in stage order. ``find_duplicates`` and
    ``find_recycled`` recognise it and take the keys and text lengths without
    reading the texts.
    """

    def __init__(self, keys: Sequence[str], stage: CorpusStage) -> None:
        if len(keys) != stage.n:
            raise ValueError("one key per staged document")
        self.keys = list(keys)
        self.stage = stage

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self.keys[i], self.stage.text(i)

    def text_length(self, i: int) -> int:
        return int(self.stage.lengths[i])

    def token_offsets(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`.corpus.token_offsets` of the texts of documents ``docs`` (from the
        stage's offsets when it kept them, without reading the texts)."""
        if self.stage.keep_offsets:
            return self.stage.token_offsets(docs)
        return token_offsets([self[i][1] for i in np.asarray(docs).tolist()])


__all__ = ["CorpusStage", "StagedDocs", "DEFAULT_SPILL_BYTES", "hash_batch"]
