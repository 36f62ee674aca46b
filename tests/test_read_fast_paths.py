"""The readers' fast paths give what the general paths give."""
from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.io.encoding import DecodeError, decode
from cleaner.io.jsonl import RecordError, _locate_literal, parse_record
from cleaner.io.readers import _plain_utf8

_PIECES = ["abc", "\n", "\r\n", "\r", "\x00", "é", "€", "😀", " ", "\t", '{"text": "x"}']
_BYTES = [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\xff", b"\xc3", b"\x80", b"\x00\x00\xfe\xff"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES).map(lambda s: s.encode("utf-8")), st.sampled_from(_BYTES)),
                min_size=1, max_size=12))
def test_plain_utf8_fast_path_decodes_as_decode_does(pieces):
    data = b"".join(pieces)
    fast = _plain_utf8(data)
    if fast is None:
        return
    assert fast == decode(data)


@pytest.mark.parametrize("data", [b"plain\ntext\n", b"one line", "caf\u00e9\n".encode(), "\u20ac\u00e9\n".encode()])
def test_plain_utf8_fast_path_takes_plain_utf8(data):
    assert _plain_utf8(data) == decode(data)


@pytest.mark.parametrize("data", [codecs.BOM_UTF8 + b"x\n", b"a\r\nb", b"a\x00b", b"caf\xe9"])
def test_plain_utf8_fast_path_leaves_the_rest_to_decode(data):
    assert _plain_utf8(data) is None


_LINES = [
    '{"id": 1, "text": "a b"}', '{"text": "a\\"b", "id": "x"}', ' {"text": "lead"}', '{"text": "trail"} ',
    '{"text": "a"} x', '{"text": "a",}', '{"text": 1}', '[1, 2]', '"text"', '{"text": "a", "text": "b"}',
    '\ufeff{"text": "bom"}', '{"id": {"n": [1, 2]}, "text": "nested"}', '{"text": "\\ud800 lone"}', '{}',
    '{"text": "x"', '{"text": NaN, "t": "x"}', '{"id": 1e400, "text": "big"}', '{"id": 12345678901234567890123, "text": "z"}',
]


@pytest.mark.parametrize("line", _LINES)
def test_records_parse_as_json_loads_says(line):
    try:
        fields = json.loads(line)
    except ValueError as exc:
        with pytest.raises(RecordError) as caught:
            parse_record(line, "text", "id")
        assert str(caught.value) == f"not valid JSON ({exc.msg} at column {exc.colno})"
        return
    if not isinstance(fields, dict) or not isinstance(fields.get("text"), str):
        with pytest.raises(RecordError):
            parse_record(line, "text", "id")
        return
    record = parse_record(line, "text", "id")
    assert record.fields == fields and record.text == fields["text"]
    assert (record.literal_start, record.literal_end) == _locate_literal(line, "text")


def test_log_records_are_written_as_json_dumps_writes_them(tmp_path):
    from cleaner.changelog import LogWriter

    records = [{"type": "x", "text": "caf\u00e9 \u20ac \"quoted\"\n\ttab \\ \u2028", "n": 3, "f": 0.1 + 0.2, "none": None,
                "t": True, "nan": float("nan"), "inf": float("-inf"), "big": 10 ** 30, "list": [1, "a", [2.5]],
                "nested": {"k": {"z": False}}, "empty": {}, "surrogate": "\udce9"}]
    path = tmp_path / "log.jsonl"
    with LogWriter(path, "test", {"a": 1}) as log:
        for record in records:
            log.write(record)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    expected = json.dumps(records[0], ensure_ascii=False).encode("utf-8", "backslashreplace").decode("utf-8")
    assert lines[1] == expected


@pytest.mark.parametrize("stream", [False, True])
def test_records_read_without_locating_their_literals(tmp_path, stream):
    """locate=False (a run that writes no JSONL): the same documents, records and
    errors, only the text literals' offsets left out."""
    from cleaner.io.readers import read_parts

    lines = ['{"id": "a", "text": "one two"}', '{"text": "x\\u00e9 \\"q\\"", "id": 7}', "not json",
             '{"id": "a", "text": "dup"}', '{"meta": {"text": "inner"}, "text": "outer"}', '{"id": "b"}',
             ' {"text": "spaced"} ']
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sizes = dict(stream_bytes=1, part_bytes=40) if stream else {}

    def read(locate):
        return list(read_parts(path, locate=locate, **sizes))

    located, plain = read(True), read(False)
    assert len(located) == len(plain) and (len(plain) > 1) == stream
    for a, b in zip(located, plain):
        assert a.record_errors == b.record_errors
        assert [(u.doc.key, u.doc.id, u.doc.text, u.line) for u in a.units] == \
            [(u.doc.key, u.doc.id, u.doc.text, u.line) for u in b.units]
        for ua, ub in zip(a.units, b.units):
            assert (ua.record.id, ua.record.text, ua.record.fields) == (ub.record.id, ub.record.text, ub.record.fields)
            assert ua.record.literal_start is not None and ub.record.literal_start is ub.record.literal_end is None
    for line in lines + _LINES:
        try:
            record = parse_record(line, "text", "id")
        except RecordError as exc:
            with pytest.raises(RecordError) as caught:
                parse_record(line, "text", "id", locate=False)
            assert str(caught.value) == str(exc)
            continue
        plain_record = parse_record(line, "text", "id", locate=False)
        assert (plain_record.id, plain_record.text, plain_record.fields) == (record.id, record.text, record.fields)


def test_plain_utf8_check_across_its_pieces(tmp_path):
    """The check decodes a block in pieces: a character split between two
    pieces is whole, a bad byte anywhere (or a cut character at the end) is not."""
    import hashlib

    from cleaner.io import readers

    piece = readers._CHECK_BYTES
    good = b"a" * (piece - 1) + "\u00e9\u20ac".encode() + b"b" * (3 * piece) + "\U0001f600".encode() + b"\n"
    path = tmp_path / "c.jsonl"
    path.write_bytes(good)
    assert readers._plain_utf8_digest(path, False) == hashlib.sha256(good).hexdigest()
    for bad in (good[:piece] + b"\xff" + good[piece:], good[:piece] + good[piece + 1:],
                good[:-2], good + b"\x00"):
        path.write_bytes(bad)
        assert readers._plain_utf8_digest(path, False) is None
