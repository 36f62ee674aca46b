"""Readers: HTML to text as edits, JSONL records located exactly, bad files refused."""
import gzip
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import edits as E
from cleaner.io.html import extract
from cleaner.io.jsonl import RecordError, _locate_literal, literal_for, parse_record
from cleaner.io.readers import ReadError, discover, read_source


def test_html_blocks_become_lines_and_hidden_content_goes():
    page = """<!DOCTYPE html><html><head><title>T</title><style>p {color: red}</style>
<script>var s = "<p>not text</p>";</script></head><body>
<h1>A   title</h1>
<p>First &amp; second&#8217;s
   paragraph, with <a href="/x">a link</a>.</p><!-- a comment -->
<ul><li>one</li><li>two</li></ul><p>Line<br>break</p>
</body></html>"""
    edits = E.resolve(extract(page))
    text = E.apply(page, edits)
    assert text == "A title\nFirst & second’s paragraph, with a link.\none\ntwo\nLine\nbreak\n"
    assert E.invert(text, edits, [page[e.start:e.end] for e in edits]) == page


def test_html_malformed_and_unknown_entities_are_kept_as_text():
    page = "<p>Fish &chips; & <b>bold <i>unclosed</p><div>tail"
    text = E.apply(page, E.resolve(extract(page)))
    assert text == "Fish &chips; & bold unclosed\ntail\n"


def test_html_declared_charset_is_used(tmp_path):
    page = '<html><head><meta charset="windows-1252"></head><body><p>It’s “quoted” – ok</p></body></html>'
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("cp1252"))
    source = read_source(path)
    assert source.facts.encoding == "cp1252"
    assert source.units[0].doc.text == "It’s “quoted” – ok\n"


def test_jsonl_literal_is_located_and_style_kept():
    line = '{"id": "a1", "text": "caf\\u00e9 \\"x\\"\\nnext", "url": "u", "n": [1, {"text": 2}]}'
    record = parse_record(line, "text", "id")
    assert record.id == "a1" and record.text == 'café "x"\nnext'
    literal = line[record.literal_start:record.literal_end]
    assert literal == '"caf\\u00e9 \\"x\\"\\nnext"'
    assert literal_for(record.text, literal) == literal  # ASCII style kept


@pytest.mark.parametrize("line", [
    '{"id": 1, "text": "a \\"b\\" c"}',              # escaped quotes in the value
    '{"text":"x","text":"y"}',                       # repeated key: json.loads keeps the last
    '{"a": {"text": "q"}, "text": "q"}',            # the key nested too, same value
    '{"te\\u0078t": "z", "b": "\\"text\\": \\"z"}',  # escaped key; the key's look-alike inside a string
    '  {  "text"  :  "h\\u00e9" , "n": [1, {"text": "h\\u00e9"}] }',
])
def test_jsonl_literal_found_by_search_or_walk_is_the_same(line):
    record = parse_record(line, "text", "id")
    assert json.loads(line[record.literal_start:record.literal_end]) == record.text
    assert (record.literal_start, record.literal_end) == _locate_literal(line, "text")


@given(st.dictionaries(st.text(max_size=6), st.one_of(st.text(), st.integers(), st.none()), max_size=5),
       st.text(), st.booleans())
def test_jsonl_literal_search_agrees_with_the_full_walk(extra, text, ascii_only):
    line = json.dumps({**extra, "text": text}, ensure_ascii=ascii_only)
    record = parse_record(line, "text", "id")
    assert (record.literal_start, record.literal_end) == _locate_literal(line, "text")


@pytest.mark.parametrize("line,message", [
    ('{"id": 1, "text": ', "not valid JSON"),
    ('[1, 2]', "not a JSON object"),
    ('{"id": 1}', "no 'text' field"),
    ('{"id": 1, "text": 5}', "not a string"),
])
def test_jsonl_bad_records_are_explained(line, message):
    with pytest.raises(RecordError, match=message):
        parse_record(line, "text", "id")


def test_jsonl_file_keeps_going_past_bad_lines(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "one"}\nnot json\n{"id": "b", "text": "two"}\n{"id": "a", "text": "3"}\n')
    source = read_source(path)
    assert [u.doc.id for u in source.units] == ["a", "b", "a"]
    assert source.record_errors[0][0] == 2 and "not valid JSON" in source.record_errors[0][1]
    assert "duplicate id 'a'" in source.record_errors[1][1]
    assert len({u.doc.key for u in source.units}) == 3


def test_jsonl_gz_and_truncated_gz(tmp_path):
    good = tmp_path / "docs.jsonl.gz"
    payload = json.dumps({"id": "x", "text": "hello world"}).encode() + b"\n"
    good.write_bytes(gzip.compress(payload))
    source = read_source(good)
    assert source.compressed and source.units[0].doc.text == "hello world"
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(payload * 50)[:-30])
    with pytest.raises(ReadError, match="gzip"):
        read_source(bad)


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"   \n\t\n", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_source(path)


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2000)
    with pytest.raises(ReadError, match="limit"):
        read_source(path, max_bytes=1000)


def test_discover_walks_sorted_skips_unknown_and_survives_symlink_loops(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "a.html").write_text("<p>a</p>")
    (tmp_path / "notes.md").write_text("skip me")
    (tmp_path / "b" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = [rel for _, rel in discover([tmp_path])]
    assert found == ["a.html", "b/z.txt"]


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"), (b" \n\t\r\n", "only whitespace"), (b"\xef\xbb\xbf", "only whitespace"),
    (b"\xef\xbb\xbf \n", "only whitespace"),
])
def test_empty_and_blank_files_are_refused(tmp_path, data, reason):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=reason):
        read_source(path)
