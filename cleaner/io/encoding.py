"""Decode bytes to text without loss, and encode text back exactly.

A decoding is accepted only if encoding the text again gives back the very
same bytes; anything else is a ``DecodeError`` naming the reason, so no file
is ever written from a lossy decoding.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, count
from typing import Callable

_BOMS = [  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_NEWLINES = re.compile(r"\r\n|\r|\n")
# Bytes 0x80-0x9F are C1 controls in latin-1 but printable in cp1252; real
# text almost never holds C1 controls, so such "latin-1" is really cp1252.
_C1 = re.compile(rb"[\x80-\x9f]")
_SAMPLE = 256 * 1024  # chardet sees at most this much: enough, and bounded
_SURE = 0.2  # chardet confidence below which its guess is not taken


class DecodeError(ValueError):
    """The bytes cannot be turned into text without losing data."""


@dataclass
class TextFacts:
    """How a text was stored: what restore needs to rebuild the bytes."""

    encoding: str = "utf-8"
    bom: bool = False
    newline: str | None = None  # dominant terminator: "\n", "\r\n", "\r" or None
    # (line index, terminator) for lines whose terminator is not the dominant one
    newline_exceptions: list[tuple[int, str]] = field(default_factory=list)

    def to_log(self) -> dict:
        out = {"encoding": self.encoding, "bom": self.bom, "newline": self.newline}
        if self.newline_exceptions:
            out["newline_exceptions"] = [list(x) for x in self.newline_exceptions]
        return out

    @classmethod
    def from_log(cls, record: dict) -> "TextFacts":
        return cls(
            encoding=record.get("encoding", "utf-8"),
            bom=bool(record.get("bom", False)),
            newline=record.get("newline"),
            newline_exceptions=[(int(i), t) for i, t in record.get("newline_exceptions", [])],
        )


UTF8_LF = TextFacts()


def decode(data: bytes, declared: str | Callable[[], str | None] | None = None) -> tuple[str, TextFacts]:
    """Decode ``data`` to LF-normalised text plus the facts to re-encode it.

    ``declared`` is an encoding named by the container (an HTML meta charset),
    tried after BOMs and UTF-8 but before statistical detection; or a function
    that finds it, called only then (most pages are UTF-8 and never need it).
    """
    encoding, bom_len = _sniff_bom(data)
    body = data[bom_len:]
    if encoding is None:
        encoding = _guess(body, declared)
    try:
        raw = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"not valid {encoding}: {exc}") from None
    if "\x00" in raw:
        raise DecodeError(f"binary content (NUL characters after decoding as {encoding})")
    text, newline, exceptions = _normalise_newlines(raw)
    facts = TextFacts(encoding, bom_len > 0, newline, exceptions)
    if encode(text, facts) != data:
        raise DecodeError(f"decoding as {encoding} does not round-trip to the same bytes")
    return text, facts


def decode_as(data: bytes, facts: TextFacts) -> str:
    """Decode bytes whose encoding is already known (a file cleaner wrote)."""
    if facts.bom:
        _, bom_len = _sniff_bom(data)
        data = data[bom_len:]
    try:
        raw = data.decode(facts.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"not valid {facts.encoding}: {exc}") from None
    return _normalise_newlines(raw)[0]


def encode(text: str, facts: TextFacts) -> bytes:
    """The exact inverse of ``decode`` for LF-normalised ``text``."""
    raw = _restore_newlines(text, facts.newline, facts.newline_exceptions)
    data = raw.encode(facts.encoding)
    if facts.bom:
        data = _bom_for(facts.encoding) + data
    return data


def _sniff_bom(data: bytes) -> tuple[str | None, int]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None, 0


def _bom_for(encoding: str) -> bytes:
    for bom, name in _BOMS:
        if name == encoding:
            return bom
    raise DecodeError(f"no byte-order mark for {encoding}")


def _guess(body: bytes, declared: str | Callable[[], str | None] | None) -> str:
    if not body:
        return "utf-8"
    if b"\x00" in body[:_SAMPLE]:  # before UTF-8: ASCII-range UTF-16 is valid UTF-8 full of NULs
        utf16 = _utf16_without_bom(body)
        if utf16:
            return utf16
        raise DecodeError("binary content (NUL bytes)")
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _mostly_utf8(body):
        raise DecodeError(f"mixed encodings: UTF-8 in places, but byte 0x{body[bad]:02X} at offset {bad} "
                          "is not UTF-8 (convert the file to one encoding)")
    if callable(declared):
        declared = declared()
    candidates = []
    if declared:
        candidates.append(declared)
    import chardet  # imported here: only non-UTF-8 input pays for it

    guess = chardet.detect(body[:_SAMPLE])
    confidence = guess.get("confidence") or 0.0
    if guess.get("encoding") and (declared or confidence >= _SURE):
        candidates.append(guess["encoding"])
    elif not declared:
        # chardet is guessing (short text, or not text): Western text reads as
        # cp1252 like a browser would; bytes cp1252 leaves undefined are refused.
        candidates.append("cp1252")
    for name in candidates:
        name = canonical(name)
        if name in ("iso8859-1", "ascii") and _C1.search(body):
            name = "cp1252"
        if name is None:
            continue
        try:
            body.decode(name)
            return name
        except (UnicodeDecodeError, LookupError):
            continue
    detail = f" (chardet's best guess {guess['encoding']} at {confidence:.0%} confidence)" if guess.get("encoding") else ""
    raise DecodeError(f"not UTF-8 and its encoding cannot be told{detail}")


def _mostly_utf8(body: bytes) -> bool:
    """Invalid UTF-8 of which many non-ASCII lines are valid UTF-8: a file
    pasted together from UTF-8 and a legacy encoding."""
    utf8 = other = 0
    for line in body[:_SAMPLE].split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
    return utf8 >= 2 and utf8 >= 0.2 * (utf8 + other)


def canonical(name: str) -> str | None:
    """Python's canonical codec name for ``name``, or None if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_without_bom(body: bytes) -> str | None:
    """UTF-16 text without a BOM: NULs in every other byte for Latin text, or
    else a strict decoding that reads as text (CJK, with NULs in its newlines)."""
    if len(body) % 2:
        return None
    sample = body[: min(len(body), 4096) & ~1]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    order = []
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        order.append("utf-16-le")
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        order.append("utf-16-be")
    order += [e for e in ("utf-16-le", "utf-16-be") if e not in order]
    for encoding in order:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(body[:_SAMPLE], final=len(body) <= _SAMPLE)
        except UnicodeDecodeError:
            continue
        if _reads_as_text(text):
            return encoding
    return None


def _reads_as_text(text: str) -> bool:
    if not text or "\x00" in text:
        return False
    odd = sum(1 for ch in text if not (ch.isprintable() or ch in "\n\r\t\f"))
    return odd <= 0.02 * len(text) and any(ch.isspace() or unicodedata.category(ch).startswith("P") for ch in text)


def _normalise_newlines(raw: str) -> tuple[str, str | None, list[tuple[int, str]]]:
    if "\r" not in raw:  # the common case: nothing to normalise, no need to list every terminator
        return raw, ("\n" if "\n" in raw else None), []
    crlf = raw.count("\r\n")
    no_lone_cr = crlf == raw.count("\r")  # every CR in a CRLF pair
    if no_lone_cr and crlf == raw.count("\n"):  # and every LF too: all terminators are CRLF
        return raw.replace("\r\n", "\n"), "\r\n", []
    if "\n" not in raw:  # only lone CRs
        return raw.replace("\r", "\n"), "\r", []
    terminators = _NEWLINES.findall(raw)
    if not terminators:
        return raw, None, []
    counts = Counter(terminators)
    dominant, n_dominant = counts.most_common(1)[0]
    exceptions = []
    if n_dominant < len(terminators):  # (most files have one kind of newline: no pass over them all)
        # the other terminators' indices picked out in C, then only they are listed
        others = compress(count(), map(dominant.__ne__, terminators))
        exceptions = [(i, terminators[i]) for i in others]
    # CRLF and LF only (the usual mix): one plain replace does what the pattern's sub does
    return (raw.replace("\r\n", "\n") if no_lone_cr else _NEWLINES.sub("\n", raw)), dominant, exceptions


def _restore_newlines(text: str, newline: str | None, exceptions) -> str:
    if newline in (None, "\n") and not exceptions:
        return text
    if not exceptions:  # one kind of newline: what the join below makes of it
        return text.replace("\n", newline)
    parts = text.split("\n")
    terminators = [newline or "\n"] * (len(parts) - 1)
    for index, term in exceptions:
        if index < len(terminators):
            terminators[index] = term
    out = [""] * (2 * len(parts) - 1)  # the parts with their terminators between them, set by slices in C
    out[0::2] = parts
    out[1::2] = terminators
    return "".join(out)
