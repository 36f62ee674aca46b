"""JSONL records: find the text field's literal so only it is rewritten.

Cleaning a record replaces just the JSON string literal of its text field
inside the original line; every other byte of the line stays as it was, and
restore puts the original literal back.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from json.decoder import scanstring

_DECODER = json.JSONDecoder()
_SCAN = _DECODER.scan_once  # the decoder's (C) scanner: value and end offset from an index
_WS = " \t\n\r"


class RecordError(ValueError):
    """A JSONL line that is not a usable record."""


@dataclass
class Record:
    id: str | None
    text: str
    literal_start: int | None  # span of the text field's JSON string literal in the line
    literal_end: int | None  # (None when not looked for: a run that rewrites no line)
    field: str  # name of the text field
    fields: dict


def parse_record(line: str, text_field: str, id_field: str, *, locate: bool = True) -> Record:
    """Parse one JSON object line, locating the literal of ``text_field``
    (``locate=False``: not located, for a run that only reads the records)."""
    fields = _object_or_none(line)
    if fields is None:
        try:
            fields = json.loads(line)
        except ValueError as exc:
            raise RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(fields, dict):
        raise RecordError("not a JSON object")
    if text_field not in fields:
        raise RecordError(f"no {text_field!r} field")
    if not isinstance(fields[text_field], str):
        raise RecordError(f"field {text_field!r} is not a string")
    start = end = None
    if locate:
        located = _locate_flat(line, text_field, fields)
        start, end = located if located is not None else _locate_literal(line, text_field)
    raw_id = fields.get(id_field)
    ident = None if raw_id is None else (raw_id if isinstance(raw_id, str) else json.dumps(raw_id))
    return Record(ident, fields[text_field], start, end, text_field, fields)


def _object_or_none(line: str) -> dict | None:
    """``json.loads(line)`` for the usual line, one object with nothing around it,
    straight from the decoder's scanner (no Python layers or whitespace regexes
    per record); None for anything else, which ``json.loads`` then parses (or
    explains)."""
    if not line.startswith("{") or not line.endswith("}"):
        return None
    try:
        fields, end = _SCAN(line, 0)
    except (ValueError, StopIteration, RecursionError):
        return None
    return fields if end == len(line) else None


def _skip_ws(line: str, i: int) -> int:
    while i < len(line) and line[i] in _WS:
        i += 1
    return i


def _locate_flat(line: str, key: str, fields: dict) -> tuple[int, int] | None:
    """The literal of ``key`` found by a search, for a flat record; None if unsure.

    In a record without nested objects or arrays, an unescaped ``"key"``
    followed by a colon can only be that top-level key (inside a string every
    quote is escaped). It must occur once, and its value must decode to the
    parsed one (or, when it is the record's last value, it must end at the
    quote before the closing brace); anything else goes to the full walk of
    :func:`_locate_literal`.
    """
    quoted = f'"{key}"'
    at = line.find(quoted)
    if at < 1 or line.find(quoted, at + 1) != -1 or line[at - 1] == "\\":
        return None
    for value in fields.values():
        if isinstance(value, (dict, list)):
            return None
    i = _skip_ws(line, at + len(quoted))
    if i >= len(line) or line[i] != ":":
        return None
    i = _skip_ws(line, i + 1)
    if i >= len(line) or line[i] != '"':
        return None
    if next(reversed(fields)) == key:  # the last value: its literal ends at the quote before "}"
        if line.endswith('"}') and len(line) - 2 > i:  # the usual line, nothing after the brace
            return i, len(line) - 1
        end = len(line.rstrip(_WS)) - 1
        if line[end] == "}":
            end = len(line[:end].rstrip(_WS))
            if line[end - 1] == '"' and end - 1 > i:
                return i, end
        return None
    try:
        value, end = scanstring(line, i + 1)
    except ValueError:
        return None
    return (i, end) if value == fields[key] else None


def _locate_literal(line: str, key: str) -> tuple[int, int]:
    """Offsets of the last top-level string value of ``key`` (json.loads keeps the last)."""
    i = _skip_ws(line, 0) + 1  # past "{"
    found: tuple[int, int] | None = None
    while True:
        i = _skip_ws(line, i)
        if line[i] == "}":
            break
        name, i = scanstring(line, i + 1)
        i = _skip_ws(line, i) + 1  # past ":"
        i = _skip_ws(line, i)
        value_start = i
        _, i = _DECODER.raw_decode(line, i)
        if name == key:
            found = (value_start, i)
        i = _skip_ws(line, i)
        if line[i] == ",":
            i += 1
    if found is None:
        raise RecordError(f"no {key!r} field")
    return found


def literal_for(value: str, like: str) -> str:
    """A JSON literal for ``value`` in the style of literal ``like``."""
    ascii_only = like.isascii() and not value.isascii()
    return json.dumps(value, ensure_ascii=ascii_only or (like.isascii() and "\\u" in like))
