"""Atomic file writes: a reader never sees a half-written file."""
from __future__ import annotations

import gzip
import os
import re
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, like: Path | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    ``like``: an existing file whose permission bits the result keeps
    (used when replacing a file in place).
    """
    writer = AtomicWriter(path)
    try:
        writer.write(data)
    except BaseException:
        writer.discard()
        raise
    writer.commit(like=like)


class AtomicWriter:
    """A file written piece by piece into a temporary file beside ``path``,
    renamed over it by :meth:`commit` (or removed by :meth:`discard`): a
    reader never sees a half-written file, however long the writing takes."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.tmp = Path(tmp)
        self.handle = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self, *, like: Path | None = None) -> None:
        """Make the file durable and put it in place (``like``: whose permission bits it keeps)."""
        self.finish()
        self.place(like=like)

    def finish(self) -> None:
        """Make what was written durable (the file is not in place yet)."""
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
        except BaseException:
            self.discard()
            raise

    def place(self, *, like: Path | None = None) -> None:
        """Rename the finished file over its target (``like``: whose permission bits it keeps)."""
        try:
            if like is not None and like.exists():
                os.chmod(self.tmp, like.stat().st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.tmp, 0o666 & ~umask)
            os.replace(self.tmp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (no timestamp), so equal content gives equal files."""
    return gzip.compress(data, mtime=0)


class GzipSink:
    """Writes to ``handle`` the bytes :func:`gzip_bytes` gives for everything
    passed to :meth:`write`, as it comes (deflate is the same in pieces)."""

    def __init__(self, handle):
        import zlib

        self.handle = handle
        self.deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.crc = self.size = 0
        handle.write(gzip_bytes(b"")[:10])  # the header: no name, no timestamp

    def write(self, data: bytes) -> None:
        import zlib

        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.handle.write(self.deflate.compress(data))

    def close(self) -> None:
        import struct

        self.handle.write(self.deflate.flush())
        self.handle.write(struct.pack("<II", self.crc, self.size & 0xFFFFFFFF))


_TEMP_NAME = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")  # what write_atomic's mkstemp names a temporary file


def remove_leftover_temps(path: Path) -> None:
    """Delete the temporary files a killed ``write_atomic`` of ``path`` left beside it."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        found = _TEMP_NAME.fullmatch(name)
        if found and found.group(1) == path.name:
            (path.parent / name).unlink(missing_ok=True)


def remove_orphan_temps(folder: Path) -> None:
    """Delete the temporary files a killed in-place run left in ``folder``: those
    named as ``write_atomic`` names them, beside the file they were to replace
    (the file being written when a run is killed may not be in its log yet)."""
    try:
        names = set(os.listdir(folder))
    except OSError:
        return
    for name in names:
        found = _TEMP_NAME.fullmatch(name)
        if found and found.group(1) in names:
            (folder / name).unlink(missing_ok=True)
