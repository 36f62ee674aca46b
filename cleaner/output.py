"""Where cleaned files go and what bytes they hold."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .io.encoding import UTF8_LF, TextFacts, encode
from .io.writers import gzip_bytes, write_atomic
from .pipeline import FileResult


@dataclass
class Output:
    path: Path
    data: bytes  # exactly what is written (gzip-compressed for .jsonl.gz)
    facts: TextFacts  # how the cleaned text was encoded
    sha256: str  # of the text bytes before compression, like SourceFile.sha256


def output_path(result: FileResult, out_dir: Path | None) -> Path:
    """The mirrored path under ``out_dir`` (HTML becomes .txt); the input itself when None."""
    source = result.source
    if out_dir is None:
        return source.path
    rel = Path(source.rel)
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
