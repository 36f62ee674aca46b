"""Find input files and read them into documents, losslessly.

A whole-file problem (unreadable, binary, undecodable, too large) raises
``ReadError`` with a one-line reason; a bad JSONL line is recorded on the
file and the other records go on.
"""
from __future__ import annotations

import codecs
import errno
import functools
import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..document import Document, Edit
from . import html as html_io
from .encoding import DecodeError, TextFacts, decode
from .jsonl import Record, RecordError, parse_record

FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# Folders a corpus tree holds that are never corpus documents.
_SKIP_DIRS = {".git", ".hg", ".svn", ".cleaner_cache", "__pycache__", ".venv", "node_modules"}


class ReadError(ValueError):
    """A file that cannot be read as a document; the message says why."""


@dataclass
class Unit:
    """One document of a file and how its text relates to the file's text.

    Edits are logged over ``source``: the file's text for plain text, the
    page source for HTML (``base`` holds the markup edits that turn it into
    ``doc.text``), the record's text field for JSONL.
    """

    doc: Document
    source: str
    base: list[Edit] = field(default_factory=list)
    line: int | None = None  # JSONL: 0-based line index in the file
    record: Record | None = None


@dataclass
class SourceFile:
    path: Path
    rel: str  # path relative to the argument it was found under: mirrored under --out
    format: str  # txt, html or jsonl
    compressed: bool
    sha256: str  # of the bytes as stored (after gunzip for .jsonl.gz)
    facts: TextFacts
    text: str  # the decoded file, LF newlines (a part of a streamed file: the part's lines)
    units: list[Unit]
    record_errors: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, reason)
    # A large JSONL file is read in parts (see read_parts): each part is a
    # SourceFile of consecutive whole lines; ``first_line`` is the file's line
    # index of its first line, ``last`` tells the file's last part. The file's
    # text is the parts' texts joined by "\n".
    first_line: int = 0
    last: bool = True


def format_of(path: Path) -> tuple[str | None, bool]:
    """(format, gzip-compressed) from the file name; format None if unsupported."""
    name = path.name.lower()
    if name.endswith(".jsonl.gz"):
        return "jsonl", True
    return FORMATS.get(Path(name).suffix), False


def discover(paths: list[Path], *, exclude=(), force_exclude: bool = False,
             on_error=None) -> Iterator[tuple[Path, str]]:
    """Yield (file, relative path) for every supported file under ``paths``.

    Directories are walked recursively in sorted order without following
    symlinks (so a symlink loop cannot trap the walk); files named directly
    are taken whatever their suffix. ``exclude`` holds compiled regexes
    searched in posix paths: walked files matching one are skipped, and so
    are named files when ``force_exclude``. A folder that cannot be listed
    is passed to ``on_error(path, reason)`` (never silently left out).
    """
    def walk_error(exc: OSError) -> None:
        if on_error is not None:
            on_error(str(exc.filename), _reason(exc))

    def skipped(path: Path) -> bool:
        return any(p.search(path.as_posix()) for p in exclude)

    for root in paths:
        if root.is_dir():
            for folder, dirs, files in os.walk(root, onerror=walk_error):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                for name in sorted(files):
                    file = Path(folder, name)
                    if format_of(file)[0] is not None and not skipped(file):
                        yield file, file.relative_to(root).as_posix()
        elif not (force_exclude and skipped(root)):
            yield root, root.name


def read_source(
    path: Path,
    rel: str | None = None,
    *,
    lang: str | None = None,
    text_field: str = "text",
    id_field: str = "id",
    max_bytes: int = DEFAULT_MAX_BYTES,
    data: bytes | None = None,
    locate: bool = True,
) -> SourceFile:
    """The file read whole. ``locate=False``: JSONL records' text literals are not
    located in their lines (``Record.literal_start``/``end`` None), for a run
    that writes no JSONL."""
    fmt, compressed = format_of(path)
    fmt = fmt or "txt"
    if data is None:
        data = _read_bytes(path, max_bytes)
    if compressed:
        data = _gunzip(data, max_bytes)
    if not data or data.isspace():  # (not data.strip(): no copy of a large file)
        raise ReadError("empty file" if not data else "file holds only whitespace")
    decoded = _plain_utf8(data)
    try:
        if decoded is not None:
            text, facts = decoded
        else:  # only bytes that are not UTF-8 at all need the page's own charset declaration
            declared = functools.partial(html_io.declared_encoding, data) if fmt == "html" else None
            text, facts = decode(data, declared)
    except DecodeError as exc:
        raise ReadError(str(exc)) from None
    if not text or text.isspace():  # e.g. a byte-order mark alone
        raise ReadError("file holds only whitespace")
    digest = hashlib.sha256(data).hexdigest()
    del data  # a large file's bytes need not stay while its records are parsed
    source = SourceFile(path, rel or path.name, fmt, compressed, digest, facts, text, [])
    key = str(path)
    if fmt == "txt":
        source.units.append(Unit(Document(text, key, None, lang, fmt), text))
    elif fmt == "html":
        from ..edits import apply, resolve

        markup, chrome_spans = html_io.extract_with_chrome(text)
        base = resolve(markup)
        doc = Document(apply(text, base), key, None, lang, fmt, {"chrome_spans": chrome_spans})
        source.units.append(Unit(doc, text, base))
    else:
        _add_records(source, _lines(text), 0, {}, lang, text_field, id_field, locate)
    return source


def _plain_utf8(data: bytes) -> tuple[str, TextFacts] | None:
    """What :func:`.encoding.decode` returns for UTF-8 bytes without BOM, NUL or CR
    (most corpora), or None for any other bytes.

    Such bytes are taken as UTF-8 before any other guess, need no newline
    normalising and always re-encode to themselves, so the general path's
    trial decode and round-trip check (a few hundred MB of temporaries for a
    large file) are skipped.
    """
    if data.startswith(codecs.BOM_UTF8) or b"\x00" in data or b"\r" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text, TextFacts("utf-8", False, "\n" if "\n" in text else None, [])


def _add_records(source: SourceFile, lines: Iterator[str], first: int, seen_ids: dict[str, int],
                 lang, text_field: str, id_field: str, locate: bool = True) -> None:
    """Parse JSONL ``lines`` (the first being the file's line index ``first``) into
    ``source``'s units; ``seen_ids`` holds the ids of the file's earlier lines."""
    key = str(source.path)
    for index, line in enumerate(lines, first):
        if not line or line.isspace():
            continue
        try:
            record = parse_record(line, text_field, id_field, locate=locate)
        except RecordError as exc:
            source.record_errors.append((index + 1, str(exc)))
            continue
        ident = record.id if record.id is not None else f"line-{index + 1}"
        doc = Document(record.text, key, ident, lang, "jsonl")
        if ident in seen_ids:
            source.record_errors.append((index + 1, f"duplicate id {ident!r} (first on line {seen_ids[ident]})"))
            doc.meta["key"] = f"{key}#{ident}@{index + 1}"
        else:
            seen_ids[ident] = index + 1
        source.units.append(Unit(doc, record.text, [], index, record))


# JSONL files larger than this are read in parts of about PART_BYTES (when
# they are plain UTF-8 with LF newlines, which decode line by line exactly as
# whole): memory then holds one part at a time, whatever the file's size.
STREAM_BYTES = 64 * 1024 * 1024
PART_BYTES = 4 * 1024 * 1024
# the plain-UTF-8 check decodes this much at a time (its text thrown away): the
# text of a 1 MB block (2-4 MB) was mapped afresh every time, a page fault per
# 4 KB (~36k for the 132 MB corpus); a 32 KB piece's comes from the reused heap
_CHECK_BYTES = 32 * 1024


def read_parts(path: Path, rel: str | None = None, *, lang: str | None = None, text_field: str = "text",
               id_field: str = "id", max_bytes: int = DEFAULT_MAX_BYTES,
               stream_bytes: int | None = None, part_bytes: int | None = None,
               locate: bool = True) -> Iterator[SourceFile]:
    """The file as SourceFile parts: one (the whole file, as :func:`read_source`)
    or, for a large JSONL file, consecutive parts of whole lines.

    A whole-file problem raises ReadError before the first part; a file that
    changes while its parts are read raises it at the part where that shows.
    ``max_bytes`` limits only files read whole: parts are bounded anyway.
    ``locate``: as :func:`read_source`.
    """
    stream_bytes = STREAM_BYTES if stream_bytes is None else stream_bytes
    part_bytes = PART_BYTES if part_bytes is None else part_bytes
    fmt, compressed = format_of(path)
    kwargs = dict(lang=lang, text_field=text_field, id_field=id_field, max_bytes=max_bytes, locate=locate)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if fmt != "jsonl" or size <= stream_bytes:
        yield read_source(path, rel, **kwargs)
        return
    digest = _plain_utf8_digest(path, compressed)
    if digest is None:  # not plain UTF-8 + LF: decoded whole, with encoding detection
        yield read_source(path, rel, **kwargs)
        return
    facts = TextFacts("utf-8", False, "\n")
    seen_ids: dict[str, int] = {}
    first = 0
    check = hashlib.sha256()
    for block, last in _line_blocks(path, compressed, part_bytes):
        check.update(block)
        if not last:
            check.update(b"\n")
        elif check.hexdigest() != digest:
            raise ReadError("file changed while it was being read")
        text = block.decode("utf-8")
        part = SourceFile(path, rel or path.name, "jsonl", compressed, digest, facts, text, [],
                          first_line=first, last=last)
        _add_records(part, _lines(text), first, seen_ids, lang, text_field, id_field, locate)
        first += text.count("\n") + 1
        yield part


def _open_binary(path: Path, compressed: bool):
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _plain_utf8_digest(path: Path, compressed: bool) -> str | None:
    """sha256 of the (decompressed) bytes if they are UTF-8 without BOM, CR or NUL
    and end in a newline-free or complete last line; else None."""
    digest = hashlib.sha256()
    check = codecs.getincrementaldecoder("utf-8")("strict")
    total = 0
    try:
        with _open_binary(path, compressed) as handle:
            first = True
            while block := handle.read(1 << 20):
                if first and block.startswith(b"\xef\xbb\xbf"):
                    return None
                first = False
                total += len(block)
                if b"\r" in block or b"\x00" in block:
                    return None
                view = memoryview(block)
                for lo in range(0, len(block), _CHECK_BYTES):
                    check.decode(view[lo:lo + _CHECK_BYTES])
                digest.update(block)
            check.decode(b"", final=True)
    except (UnicodeDecodeError, OSError, EOFError, zlib.error, gzip.BadGzipFile):
        return None  # read whole: that path gives the precise one-line reason
    return digest.hexdigest() if total else None


def _line_blocks(path: Path, compressed: bool, part_bytes: int) -> Iterator[tuple[bytes, bool]]:
    """The file in blocks of whole lines of about ``part_bytes``, each without
    its final b"\n" (the blocks joined by b"\n" are the file); True with the last."""
    try:
        with _open_binary(path, compressed) as handle:
            carry = b""
            while True:
                block = handle.read(part_bytes)
                if not block:
                    yield carry, True
                    return
                data = carry + block
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data
                    continue
                carry = data[cut + 1:]
                yield data[:cut], False
    except (OSError, EOFError, zlib.error) as exc:
        raise ReadError(f"read failed: {exc}") from None


def _lines(text: str) -> Iterator[str]:
    """``text.split("\n")`` one line at a time (no list of every line of a large file)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as exc:
        raise ReadError(_reason(exc)) from None


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    return (exc.strerror or str(exc)).lower()


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    try:
        decompressor = zlib.decompressobj(wbits=31)
        out = decompressor.decompress(data, max_bytes + 1)
        if len(out) > max_bytes:
            raise ReadError(f"decompresses to over the {max_bytes:,}-byte limit (--max-bytes)")
        if not decompressor.eof:
            raise ReadError("truncated gzip stream")
        if decompressor.unused_data:  # a multi-member gzip file: let gzip handle the rest
            out = gzip.decompress(data)
        return out
    except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise ReadError(f"not a valid gzip file ({exc})") from None
