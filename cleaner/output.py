"""Where cleaned files go and what bytes they hold."""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .io.encoding import UTF8_LF, TextFacts, encode
from .io.writers import AtomicWriter, GzipSink, gzip_bytes, remove_leftover_temps, write_atomic
from .io.readers import SourceFile
from .pipeline import FileResult


@dataclass
class Output:
    path: Path
    data: bytes  # exactly what is written (gzip-compressed for .jsonl.gz)
    facts: TextFacts  # how the cleaned text was encoded
    sha256: str  # of the text bytes before compression, like SourceFile.sha256


def output_path(result: FileResult | SourceFile, out_dir: Path | None) -> Path:
    """The mirrored path under ``out_dir`` (HTML becomes .txt); the input itself when None."""
    source = result.source if isinstance(result, FileResult) else result
    if out_dir is None:
        return source.path
    rel = Path(source.rel)
    if rel.is_absolute() or ".." in rel.parts:  # never outside --out, whatever the name
        raise ValueError(f"output name {source.rel!r} would leave {out_dir}")
    if source.format == "html":
        rel = rel.with_suffix(".txt")
    return out_dir / rel


def render(result: FileResult, out_dir: Path | None, keep_encoding: bool) -> Output:
    """The bytes of a cleaned file: UTF-8/LF under --out unless asked, as found in place."""
    facts = result.source.facts
    if out_dir is not None and not keep_encoding:
        facts = UTF8_LF
    else:  # line indices of mixed-newline exceptions no longer fit cleaned text
        facts = TextFacts(facts.encoding, facts.bom, facts.newline)
    text = result.output_text()
    try:
        text_bytes = encode(text, facts)
    except UnicodeEncodeError:  # e.g. an HTML entity decoded to a character the page's charset lacks
        facts = TextFacts("utf-8", False, facts.newline)
        text_bytes = encode(text, facts)
    data = gzip_bytes(text_bytes) if result.source.compressed else text_bytes
    return Output(output_path(result, out_dir), data, facts, hashlib.sha256(text_bytes).hexdigest())


def write(output: Output, *, like: Path | None = None) -> None:
    write_atomic(output.path, output.data, like=like)


class OutputStream:
    """A cleaned file written part by part (a large JSONL file comes in parts)
    into a temporary file beside its target, renamed over it by :meth:`commit`:
    the same bytes :func:`render` and :func:`write` give for the whole file."""

    def __init__(self, source: SourceFile, out_dir: Path | None, keep_encoding: bool):
        facts = source.facts
        if out_dir is not None and not keep_encoding:
            facts = UTF8_LF
        else:
            facts = TextFacts(facts.encoding, facts.bom, facts.newline)
        self.facts = facts
        self.path = output_path(source, out_dir)
        self.path.parent.mkdir(parents=True, exist_ok=True)  # (before looking in it for leftovers)
        remove_leftover_temps(self.path)  # what a killed run left beside it (in place: beside the input)
        self.file = AtomicWriter(self.path)
        self.handle = self.file.handle
        self.sink = GzipSink(self.handle) if source.compressed else self.handle
        self.sha = hashlib.sha256()
        self.parts = 0
        self._texts: list[str] | None = []  # a one-part file's text, kept to encode it whole

    def add(self, result: FileResult) -> None:
        """The next part of the file."""
        if result.source.format == "jsonl":
            lines = result.output_lines()
            if not lines:  # every record of the part left out (--drop-duplicates): nor its line break
                return
            text = "\n".join(lines)
        else:
            text = result.output_text()
        if self.parts:
            text = "\n" + text
        self.parts += 1
        if result.source.last and self.parts == 1:  # a whole file: encoded as render() does
            self._texts = [text]
            return
        self._texts = None
        self._write(encode(text, self.facts if self.parts == 1 else TextFacts(self.facts.encoding, False,
                                                                               self.facts.newline)))

    def _write(self, data: bytes) -> None:
        self.sha.update(data)
        self.sink.write(data)

    def finish(self) -> Output:
        """Write the rest and make the temporary file durable; :meth:`place` puts it in place."""
        if self._texts is not None:
            text = "".join(self._texts)
            try:
                data = encode(text, self.facts)
            except UnicodeEncodeError:  # e.g. an HTML entity decoded to a character the page's charset lacks
                self.facts = TextFacts("utf-8", False, self.facts.newline)
                data = encode(text, self.facts)
            self._write(data)
            self._texts = None
        try:
            if self.sink is not self.handle:
                self.sink.close()
        except BaseException:
            self.discard()
            raise
        self.file.finish()
        return Output(self.path, b"", self.facts, self.sha.hexdigest())

    def place(self, *, like: Path | None = None) -> None:
        """Rename the finished file over its target (``like``: whose permission bits it keeps)."""
        self.file.place(like=like)

    def discard(self) -> None:
        """Leave nothing behind (a file that failed, or unchanged in place)."""
        self.file.discard()


# --------------------------------------------------------------------------- interrupted runs
#
# A run writing into --out first leaves OUT/.cleaner-incomplete and removes it
# once the log is in place. Every output is written atomically, so after a
# kill (SIGINT, SIGKILL, power loss) OUT holds complete outputs, the marker,
# and at most some hidden temporary files; the inputs were never touched.
# Rerunning the same command sees the marker, removes the temporary files
# and rewrites the outputs without needing --force.

MARKER = ".cleaner-incomplete"
# Names write_atomic's mkstemp and LogWriter give their temporary files.
_TEMP = re.compile(r"\..+\.([a-z0-9_]{8}|\d+)\.tmp")


def interrupted(out_dir: Path) -> bool:
    """True if an earlier run into ``out_dir`` stopped before finishing."""
    return (out_dir / MARKER).is_file()


def begin_run(out_dir: Path, log_path: Path | None) -> None:
    """Mark ``out_dir`` as being written, clearing what a killed run left."""
    if interrupted(out_dir):
        clear_leftovers(out_dir, log_path)
    remove_leftover_temps(out_dir / MARKER)  # a run killed while writing the marker itself
    note = {"pid": os.getpid(), "log": str(log_path) if log_path else None,
            "note": "a cleaner run into this folder has not finished; rerun it to complete the outputs"}
    write_atomic(out_dir / MARKER, (json.dumps(note) + "\n").encode("utf-8"))


def end_run(out_dir: Path) -> None:
    (out_dir / MARKER).unlink(missing_ok=True)


def clear_leftovers(out_dir: Path, log_path: Path | None = None) -> list[Path]:
    """Remove the temporary files of a killed run (ours by their name only)."""
    removed = []
    found = [(Path(folder), names) for folder, _, names in os.walk(out_dir)]
    if log_path is not None and log_path.parent.is_dir():  # a --log elsewhere: only its own temporary file
        found.append((log_path.parent, [n for n in os.listdir(log_path.parent)
                                        if n.startswith(f".{log_path.name}.")]))
    for folder, names in found:
        for name in names:
            path = folder / name
            if _TEMP.fullmatch(name) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
