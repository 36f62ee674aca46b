"""The change log: JSONL records of what was removed, where and why.

The records are the edits themselves, so the log is also the recipe for
``restore``: cleaned text + edits -> original text -> original bytes,
verified against the sha256 recorded when the file was read.
Schema (version ``SCHEMA``) is documented in README.md.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import gzip
import hashlib
import json
import math
import os
import zlib
from collections import Counter
from dataclasses import dataclass
from json.encoder import c_make_encoder, encode_basestring
from pathlib import Path
from typing import IO, Iterator

from . import __version__
from . import edits as E
from .document import Edit
from .io.encoding import DecodeError, TextFacts, _bom_for, decode_as, encode
from .io.jsonl import RecordError, _locate_literal, literal_for
from .io.readers import _gunzip
from .io.writers import (AtomicWriter, GzipSink, gzip_bytes, remove_leftover_temps, remove_orphan_temps,
                         write_atomic)

SCHEMA = 1
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every record (json.dumps builds one per call)
# JSONEncoder.encode makes a new C encoder for every call: one made once writes
# the same text (records are flat, built here: no cycles to look for)
_ENCODE_PARTS = None if c_make_encoder is None else c_make_encoder(
    None, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, True)


def _encode_record(record: dict) -> str:
    return _ENCODE(record) if _ENCODE_PARTS is None else "".join(_ENCODE_PARTS(record, 0))


class LogWriter:
    """Writes records to ``path`` through a temporary file renamed on close.

    ``journal``: write to ``path`` itself as the run goes (for in-place runs,
    which call ``sync`` before replacing each input): whatever stops the run,
    the log on disk holds every file already replaced, and restore reads it.
    """

    def __init__(self, path: Path | None, command: str, options: dict, *, journal: bool = False):
        self.path = path
        self.journal = journal
        self.handle: IO[str] | None = None
        self.tmp: Path | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = path if journal else path.with_name(f".{path.name}.{os.getpid()}.tmp")
            # A path that is not valid UTF-8 holds lone surrogates (surrogateescape):
            # backslashreplace writes them as JSON escapes ("\udce9"), read back as the same path.
            self.handle = self.tmp.open("w", encoding="utf-8", errors="backslashreplace")
        self.write({
            "type": "header", "schema": SCHEMA, "tool": "cleaner", "version": __version__,
            "command": command, "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "options": options,
        })

    def write(self, record: dict) -> None:
        if self.handle is not None:
            self.handle.write(_encode_record(record) + "\n")

    def write_encoded(self, text: str) -> None:
        """Write a record already encoded as :meth:`write` encodes it (:func:`recycled_lines`)."""
        if self.handle is not None:
            self.handle.write(text + "\n")

    def write_encoded_many(self, texts: list[str]) -> None:
        """:meth:`write_encoded` of each text, in one write (a write per record costs
        more than its formatting: 147k recycled records at 100k documents)."""
        if self.handle is not None and texts:
            self.handle.write("\n".join(texts) + "\n")

    def sync(self) -> None:
        """Make every record written so far durable (before an input is replaced)."""
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def close(self, ok: bool = True) -> None:
        if self.handle is None:
            return
        if self.journal:
            if not ok:
                self.write({"type": "interrupted"})
            self.handle.close()
            self.handle = None
            return
        self.handle.close()
        self.handle = None
        if ok:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "LogWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(ok=exc_type is None)


def file_record(result, output, log_dir: Path | None, changed: bool | None = None) -> dict:
    """The ``file`` record of a cleaned file (``output`` is None when nothing was written).

    ``result``: the file's (last) part; ``changed``: whether any part changed, when in parts."""
    source = result.source
    record = {
        "type": "file", "path": str(source.path), "rel": source.rel, "format": source.format,
        "compressed": source.compressed, "sha256_in": source.sha256,
        "sha256_out": output.sha256 if output else None,
        "output": _relative(output.path, log_dir) if output else None,
        **source.facts.to_log(),
        "lang": result.units[0].lang if source.format != "jsonl" and result.units else None,
        "changed": result.changed if changed is None else changed,
    }
    if getattr(result, "dropped", False):
        # a near-duplicate left out of the output: the log keeps its text for restore
        record.update({"dropped": True, "original": source.text})
    if output:
        record.update({"out_encoding": output.facts.encoding, "out_bom": output.facts.bom,
                       "out_newline": output.facts.newline})
    return record


def unit_records(result) -> Iterator[dict]:
    """``record`` (JSONL) and ``edit`` records of one cleaned file."""
    source = result.source
    file_lines: list[str] | None = None  # a JSONL file's lines, split once (not once per record)
    for unit_result in result.units:
        unit = unit_result.unit
        dropped = getattr(unit_result, "dropped", False) and unit.line is not None
        if not unit_result.edits and not dropped:
            continue
        where = {"path": str(source.path), "id": unit.doc.id}
        if unit.line is not None:
            where["line"] = unit.line + 1
            if file_lines is None:
                file_lines = source.text.split("\n")
            line = file_lines[unit.line - source.first_line]  # (a part of a file holds its own lines)
            original_literal = line[unit.record.literal_start:unit.record.literal_end]
            record = {"type": "record", **where, "field": unit.record.field, "lang": unit_result.lang}
            cleaned_literal = literal_for(unit_result.cleaned, original_literal)
            if literal_for(unit.source, cleaned_literal) != original_literal:
                record["literal"] = original_literal  # a style json.dumps does not reproduce
            if dropped:  # left out of the output JSONL: restore puts the original line back
                record["dropped_line"] = line
            yield record
        for edit in unit_result.edits:
            entry = {"type": "edit", **where, "rule": edit.rule, "reason": edit.reason,
                     "start": edit.start, "end": edit.end, "text": unit.source[edit.start:edit.end],
                     "score": round(edit.score, 4)}
            if edit.replacement:
                entry["replacement"] = edit.replacement
            yield entry


def dedup_records(run, *, recycled: bool = True) -> Iterator[dict]:
    """``duplicate`` and ``recycled`` records, offsets mapped to the original texts.

    ``run.refs`` (pipeline.DocRef by key) says where each document is; the
    line of an offset in a plain-text or HTML file is found by reading the
    file again (only for the documents of recycled passages).
    ``recycled=False``: the duplicate records only (:func:`recycled_lines`
    gives the others, encoded)."""
    refs = run.refs
    lines = _FileLines(run)
    for match in run.duplicates:
        doc, of = refs[match.key], refs[match.of_key]
        kept = refs[match.kept_key or match.of_key]
        yield {"type": "duplicate", "path": doc.path, "id": doc.id, "line": lines.line(doc, 0),
               "cluster": match.cluster,
               "of_path": of.path, "of_id": of.id, "similarity": round(match.similarity, 4),
               "kept_path": kept.path, "kept_id": kept.id,
               "kept_similarity": round(match.kept_similarity if match.kept_key else match.similarity, 4),
               "action": "dropped" if doc.dropped else "reported"}
    if not recycled:
        return
    for found in _recycled(run):
        yield _recycled_record(*found)


def _recycled_record(target, source, line: int, source_line: int, start: int, end: int, source_start: int,
                     source_end: int, similarity: float) -> dict:
    return {"type": "recycled", "path": target.path, "id": target.id, "line": line, "source_line": source_line,
            "start": start, "end": end, "source_path": source.path, "source_id": source.id,
            "source_start": source_start, "source_end": source_end, "similarity": similarity,
            "action": "reported"}


def recycled_lines(run) -> Iterator[tuple[str, object, object, int, int, float]]:
    """The ``recycled`` records of :func:`dedup_records`, each already encoded as
    :meth:`LogWriter.write` writes it, with what a caller shows of it:
    ``(text, target ref, source ref, line, source line, similarity)``.

    One formatted string per record, the refs' paths and ids encoded once each,
    instead of a dict and an encoder call per record (147k records at 100k
    documents); the text is that of the encoder (tests compare the two).
    """
    targets: dict[str, str] = {}  # a ref's key -> '"path": ..., "id": ...'
    sources: dict[str, str] = {}  # the same as a source: '"source_path": ..., "source_id": ...'
    paths: dict[str, str] = {}  # a path -> its JSON string (one for all of a file's documents)

    def where(ref, prefix: str, known: dict[str, str]) -> str:
        path = paths.get(ref.path)
        if path is None:
            path = paths[ref.path] = encode_basestring(ref.path)
        ident = encode_basestring(ref.id) if type(ref.id) is str else "".join(_ENCODE_PARTS(ref.id, 0))
        text = known[ref.key] = f'"{prefix}path": {path}, "{prefix}id": {ident}'
        return text

    for found in _recycled(run):
        target, source, line, source_line, start, end, source_start, source_end, similarity = found
        if _ENCODE_PARTS is None or type(similarity) is not float or not math.isfinite(similarity):
            text = _encode_record(_recycled_record(*found))
        else:  # (an f-string: about twice as fast as the same %-format)
            at = targets.get(target.key) or where(target, "", targets)
            source_at = sources.get(source.key) or where(source, "source_", sources)
            text = (f'{{"type": "recycled", {at}, "line": {line}, "source_line": {source_line}, '
                    f'"start": {start}, "end": {end}, {source_at}, "source_start": {source_start}, '
                    f'"source_end": {source_end}, "similarity": {similarity!r}, "action": "reported"}}')
        yield text, target, source, line, source_line, similarity


def _recycled(run) -> Iterator[tuple]:
    """(target ref, source ref, line, source line, start, end, source start, source
    end, similarity) of every recycled passage, as its log record gives them."""
    refs = run.refs
    lines = _FileLines(run)

    def original(ref, offset: int, as_end: bool = False) -> int:
        # most documents have no edits: their offsets are already the original ones
        return E.to_original(ref.edits, offset, as_end=as_end) if ref.edits else offset

    for match in run.recycled:
        target, source = refs[match.key], refs[match.source_key]
        if not (target.edits or source.edits) and target.line is not None and source.line is not None:
            # most passages: two unchanged JSONL records, their offsets as found (no call per field)
            yield (target, source, target.line + 1, source.line + 1, match.start, match.end, match.source_start,
                   match.source_end, round(match.similarity, 4))
            continue
        start = original(target, match.start)
        source_start = original(source, match.source_start)
        yield (target, source, lines.line(target, start), lines.line(source, source_start), start,
               original(target, match.end, as_end=True), source_start,
               original(source, match.source_end, as_end=True), round(match.similarity, 4))


class _FileLines:
    """Lines of offsets in the files of a run's documents."""

    def __init__(self, run) -> None:
        self.run = run
        self.texts: dict[str, str] = {}

    def line(self, ref, offset: int) -> int:
        """1-based line of ``offset`` in the file (a JSONL record's own line)."""
        if ref.line is not None:
            return ref.line + 1
        if offset == 0:
            return 1
        if ref.path not in self.texts:
            self.texts[ref.path] = _source_text(self.run, ref)
        return self.texts[ref.path].count("\n", 0, offset) + 1


def _source_text(run, ref) -> str:
    """The text a plain-text or HTML document's offsets point into (its file, decoded)."""
    held = getattr(run, "unit_by_key", None)
    if held and ref.key in held:
        return held[ref.key].unit.source
    from .io.readers import ReadError, read_source

    try:
        return read_source(Path(ref.path)).units[0].source
    except (ReadError, OSError, IndexError):
        return ""  # gone since it was read: line 1 is all the log can say


def summary_record(run) -> dict:
    t = run.totals
    return {"type": "summary", "files": t.files, "documents": t.documents, "changed_files": t.changed_files,
            "chars_in": t.chars_in, "chars_removed": t.chars_in - t.chars_out,
            "edits_by_rule": dict(sorted(t.edits.items())),
            "duplicates": len(run.duplicates), "recycled": len(run.recycled), "errors": len(run.errors)}


def read_log(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    if not line.endswith("\n"):  # the last record of a killed in-place run: cut short
                        return
                    raise ValueError(f"{path}:{number}: not a JSON record") from None


def _relative(path: Path, base: Path | None) -> str:
    if base is None:
        return str(path)
    try:
        return os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive on Windows
        return str(path.resolve())


# --------------------------------------------------------------------------- restore


class RestoreError(ValueError):
    pass


@dataclass
class Restored:
    path: Path  # where the original was written
    source: str  # the original path as logged
    unchanged: bool  # True when the target already held the original bytes


def restore(log_path: Path, *, out_dir: Path | None = None, in_place: bool = False,
            force: bool = False) -> Iterator[Restored | tuple[str, str]]:
    """Rebuild every logged file; yields Restored or (path, reason) on failure.

    Memory stays bounded by what restore needs of the log (each edit's span
    and removed text), not by the files: a large JSONL file is rebuilt and
    written line by line (:func:`_jsonl_original_lines`)."""
    files: dict[str, dict] = {}
    edits: dict[str, list[dict]] = {}
    records: dict[str, dict[int, dict]] = {}
    for entry in read_log(log_path):
        kind = entry.get("type")
        if kind == "header" and entry.get("schema", SCHEMA) > SCHEMA:
            raise RestoreError(f"{log_path}: log schema {entry['schema']} is newer than this cleaner knows ({SCHEMA})")
        if kind == "file":
            files[entry["path"]] = entry
        elif kind == "edit":  # only what rebuilding needs (a large log has millions)
            edits.setdefault(entry["path"], []).append({key: entry[key] for key in _EDIT_KEYS if key in entry})
        elif kind == "record":
            records.setdefault(entry["path"], {})[entry["line"]] = {
                key: entry[key] for key in _RECORD_KEYS if key in entry}
    if in_place:
        for folder in {Path(path).parent for path in files}:
            remove_orphan_temps(folder)
    for path, entry in files.items():
        if in_place:
            target = Path(path)
        else:
            target = _inside(out_dir, entry.get("rel", ""))
            if target is None:
                yield path, f"refused: its logged name {entry.get('rel')!r} leads outside {out_dir}"
                continue
        remove_leftover_temps(target)  # a write cut short by a kill of the run
        if target.exists() and _stored_sha(target, entry) == entry["sha256_in"]:
            yield Restored(target, path, True)
            continue
        refuse = target.exists() and not in_place and not force
        try:
            _write_original(target, entry, edits.get(path, []), records.get(path, {}), log_path.parent,
                            like=target if in_place else None, dry=refuse)
        except RestoreError as exc:
            yield path, str(exc)
            continue
        if refuse:
            yield path, f"{target} exists (use --force to overwrite)"
            continue
        yield Restored(target, path, False)


_EDIT_KEYS = ("line", "start", "end", "text", "replacement")
_RECORD_KEYS = ("field", "literal", "dropped_line")


def _write_original(target: Path, entry: dict, edit_entries: list[dict], record_entries: dict[int, dict],
                    log_dir: Path, *, like: Path | None, dry: bool) -> None:
    """Rebuild a logged file's original bytes into ``target`` (atomically), or,
    with ``dry``, only check that they can be rebuilt. Raises RestoreError."""
    if _streamable(entry):
        writer = None if dry else AtomicWriter(target)
        try:
            _stream_original(writer, entry, edit_entries, record_entries, log_dir)
        except BaseException as exc:
            if writer is not None:
                writer.discard()
            if not isinstance(exc, _NotStreamable):  # (a CR in the cleaned output: decode it whole below)
                raise
        else:
            if writer is not None:
                writer.commit(like=like)
            return
    data = _rebuild(entry, edit_entries, record_entries, log_dir)
    if not dry:
        write_atomic(target, data, like=like)


def _inside(out_dir: Path, rel: str) -> Path | None:
    """``out_dir / rel`` if that stays inside ``out_dir`` (a log is input too: no ``../``)."""
    rel_path = Path(rel)
    if not rel or rel_path.is_absolute() or ".." in rel_path.parts:
        return None
    target = out_dir / rel_path
    base = out_dir.resolve()
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        return None
    return target


def _stored_sha(path: Path, entry: dict) -> str | None:
    try:
        data = path.read_bytes()
        if entry.get("compressed"):
            data = _gunzip(data, 1 << 40)
        return hashlib.sha256(data).hexdigest()
    except Exception:  # unreadable or not gzip: it is not the original
        return None


def _rebuild(entry: dict, edit_entries: list[dict], record_entries: dict[int, dict], log_dir: Path) -> bytes:
    if entry.get("dropped") and "original" in entry:  # a near-duplicate left out of the output
        result = encode(entry["original"], TextFacts.from_log(entry))
        if hashlib.sha256(result).hexdigest() != entry["sha256_in"]:
            raise RestoreError("logged text of the dropped file does not match its logged sha256")
        return gzip_bytes(result) if entry.get("compressed") else result
    if entry.get("output") is None:
        raise RestoreError("no cleaned output was written for this file")
    out_path = Path(entry["output"])
    if not out_path.is_absolute():
        out_path = log_dir / out_path
    try:
        data = out_path.read_bytes()
        if entry.get("compressed"):
            data = _gunzip(data, 1 << 40)
    except Exception as exc:
        raise RestoreError(f"cannot read cleaned output {out_path}: {exc}") from None
    if hashlib.sha256(data).hexdigest() != entry["sha256_out"]:
        raise RestoreError(f"cleaned output {out_path} changed since the log was written (sha256 differs)")
    out_facts = TextFacts(entry["out_encoding"], entry["out_bom"], entry["out_newline"])
    try:
        cleaned = decode_as(data, out_facts)
    except DecodeError as exc:
        raise RestoreError(f"cannot decode cleaned output {out_path}: {exc}") from None
    if entry["format"] == "jsonl":
        original = _restore_jsonl(cleaned, edit_entries, record_entries)
    else:
        original = _invert(cleaned, edit_entries)
    result = encode(original, TextFacts.from_log(entry))
    if hashlib.sha256(result).hexdigest() != entry["sha256_in"]:
        raise RestoreError("rebuilt file does not match the logged sha256 of the original")
    return gzip_bytes(result) if entry.get("compressed") else result


def _invert(cleaned: str, entries: list[dict]) -> str:
    ordered = sorted(entries, key=lambda e: (e["start"], e["end"]))
    edits = [Edit(e["start"], e["end"], e.get("rule", ""), "", 1.0, e.get("replacement", ""))
             for e in ordered]
    try:
        return E.invert(cleaned, edits, [e["text"] for e in ordered])
    except ValueError as exc:
        raise RestoreError(f"edits do not fit the cleaned output: {exc}") from None


class _NotStreamable(Exception):
    """The cleaned output must be decoded whole (see :func:`_streamable`)."""


def _streamable(entry: dict) -> bool:
    """A JSONL file whose cleaned output is UTF-8 with LF and no BOM (the default
    output): its lines can be read, rebuilt and written one at a time."""
    if entry.get("format") != "jsonl" or entry.get("dropped") or entry.get("output") is None:
        return False
    try:
        utf8 = codecs.lookup(entry.get("out_encoding") or "").name == "utf-8"
    except LookupError:
        return False
    return utf8 and not entry.get("out_bom") and entry.get("out_newline") in (None, "\n")


def _stream_original(writer: AtomicWriter | None, entry: dict, edit_entries: list[dict],
                     record_entries: dict[int, dict], log_dir: Path) -> None:
    """Write the original bytes of a streamable JSONL file to ``writer`` (None:
    only check them), verified against both logged sha256 digests: the same
    bytes :func:`_rebuild` gives, a line at a time."""
    out_path = Path(entry["output"])
    if not out_path.is_absolute():
        out_path = log_dir / out_path
    sha_out, sha_in = hashlib.sha256(), hashlib.sha256()
    sink = None if writer is None else GzipSink(writer.handle) if entry.get("compressed") else writer
    facts = TextFacts.from_log(entry)
    encoder = codecs.getincrementalencoder(facts.encoding)()
    terminator = facts.newline or "\n"
    exceptions = dict(facts.newline_exceptions)

    def put(data: bytes) -> None:
        sha_in.update(data)
        if sink is not None:
            sink.write(data)

    try:
        handle = gzip.open(out_path, "rb") if entry.get("compressed") else open(out_path, "rb")
    except OSError as exc:
        raise RestoreError(f"cannot read cleaned output {out_path}: {exc}") from None
    with handle:
        def cleaned_lines() -> Iterator[str]:
            """The cleaned text split at "\n", as ``decode_as(data).split("\n")`` gives it."""
            last = b""
            for raw in handle:
                sha_out.update(raw)
                if b"\r" in raw:
                    raise _NotStreamable
                try:
                    yield raw.rstrip(b"\n").decode("utf-8") if raw.endswith(b"\n") else raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise RestoreError(f"cannot decode cleaned output {out_path}: {exc}") from None
                last = raw
            if not last or last.endswith(b"\n"):
                yield ""

        def drain() -> None:
            for raw in handle:
                sha_out.update(raw)

        def changed() -> RestoreError:
            return RestoreError(f"cleaned output {out_path} changed since the log was written (sha256 differs)")

        try:
            if facts.bom:
                put(_bom_for(facts.encoding))
            for index, line in enumerate(_jsonl_original_lines(cleaned_lines(), edit_entries, record_entries)):
                if index:
                    put(encoder.encode(exceptions.get(index - 1, terminator)))
                put(encoder.encode(line))
            put(encoder.encode("", final=True))
        except (OSError, EOFError, zlib.error) as exc:
            raise RestoreError(f"cannot read cleaned output {out_path}: {exc}") from None
        except RestoreError:
            drain()  # an output changed since the run explains a misfit edit best
            if sha_out.hexdigest() != entry["sha256_out"]:
                raise changed() from None
            raise
        except UnicodeEncodeError as exc:
            raise RestoreError(f"rebuilt text cannot be encoded as {facts.encoding}: {exc}") from None
    if sha_out.hexdigest() != entry["sha256_out"]:
        raise changed()
    if sha_in.hexdigest() != entry["sha256_in"]:
        raise RestoreError("rebuilt file does not match the logged sha256 of the original")
    if sink is not None and sink is not writer:
        sink.close()


def _jsonl_original_lines(cleaned: Iterator[str], edit_entries: list[dict],
                          record_entries: dict[int, dict]) -> Iterator[str]:
    """The original lines of a JSONL file from its cleaned lines, one at a time:
    left-out records put back at their line numbers, edited text fields inverted."""
    dropped = {n: r["dropped_line"] for n, r in record_entries.items() if "dropped_line" in r}
    by_line: dict[int, list[dict]] = {}
    for entry in edit_entries:
        if entry["line"] not in dropped:
            by_line.setdefault(entry["line"], []).append(entry)
    number = 1
    for line in cleaned:
        while number in dropped:
            yield dropped.pop(number)
            number += 1
        entries = by_line.pop(number, None)
        yield _invert_record(line, number, entries, record_entries.get(number, {})) if entries else line
        number += 1
    yield from (dropped[n] for n in sorted(dropped))  # past the cleaned lines: appended in order
    if by_line:
        raise RestoreError(f"line {min(by_line)}: edits for a line the cleaned output does not have")


def _invert_record(line: str, number: int, entries: list[dict], record: dict) -> str:
    """A JSONL line with its cleaned text field's literal turned back into the original's."""
    field = record.get("field", "text")
    try:
        start, end = _locate_literal(line, field)
    except (RecordError, ValueError, IndexError) as exc:
        raise RestoreError(f"line {number}: cannot find the text field ({exc})") from None
    cleaned_literal = line[start:end]
    original = _invert(json.loads(cleaned_literal), entries)
    literal = record.get("literal") or literal_for(original, cleaned_literal)
    return line[:start] + literal + line[end:]


def _restore_jsonl(cleaned: str, edit_entries: list[dict], record_entries: dict[int, dict]) -> str:
    return "\n".join(_jsonl_original_lines(iter(cleaned.split("\n")), edit_entries, record_entries))


def count_by_rule(entries) -> Counter:
    return Counter(e["rule"] for e in entries if e.get("type") == "edit")
