"""Decoding is lossless or refused; encoding gives back the exact bytes."""
import codecs
import re

import pytest
from hypothesis import given, settings, strategies as st

from cleaner.io.encoding import DecodeError, decode, encode

ARTICLE = (
    "Première ligne – “quoted” text, naïve café.\n"
    "Second line with ‘curly’ quotes and an em dash — here.\n"
    "Third line.\n"
)


@pytest.mark.parametrize("encoding,text", [
    ("utf-8", ARTICLE),
    ("cp1252", ARTICLE),
    ("shift_jis", "東京の天気は晴れです。今日は良い日です。\n日本語の文章をもう一つ書きます。明日も晴れるでしょう。\n" * 3),
    ("gb18030", "今天北京的天气很好，我们去公园散步吧。\n这是第二行中文文本，用于测试编码检测。\n" * 3),
    ("koi8-r", "Привет, мир! Это тестовый текст на русском языке.\nВторая строка текста для проверки кодировки.\n" * 3),
])
def test_detects_common_encodings_and_round_trips(encoding, text):
    data = text.encode(encoding)
    decoded, facts = decode(data)
    assert decoded == text
    assert encode(decoded, facts) == data


def test_latin1_bytes_in_c1_range_are_read_as_cp1252():
    data = "It’s “fine” – really.\n".encode("cp1252") * 5
    text, facts = decode(data)
    assert "’" in text and "\x92" not in text
    assert facts.encoding == "cp1252"


@pytest.mark.parametrize("bom_codec,name", [("utf-8-sig", "utf-8"), ("utf-16", None), ("utf-32", None)])
def test_boms_are_kept(bom_codec, name):
    data = ARTICLE.encode(bom_codec)
    text, facts = decode(data)
    assert text == ARTICLE and facts.bom
    assert encode(text, facts) == data


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_newline_style_is_recorded_and_restored(newline):
    data = ARTICLE.replace("\n", newline).encode("utf-8")
    text, facts = decode(data)
    assert text == ARTICLE
    assert facts.newline == newline
    assert encode(text, facts) == data


def test_mixed_newlines_round_trip():
    data = b"a\r\nb\nc\r\nd\re\r\n"
    text, facts = decode(data)
    assert text == "a\nb\nc\nd\ne\n"
    assert facts.newline == "\r\n" and facts.newline_exceptions
    assert encode(text, facts) == data


def test_utf16_without_bom_is_detected():
    data = ARTICLE.encode("utf-16-le")
    text, facts = decode(data)
    assert text == ARTICLE and facts.encoding == "utf-16-le" and not facts.bom


@pytest.mark.parametrize("data,why", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "binary"),
    (b"text with a \x00 NUL byte in the middle of ascii text that is long enough", "binary"),
])
def test_binary_is_refused(data, why):
    with pytest.raises(DecodeError, match=why):
        decode(data)


ENCODABLE = {
    "utf-8": st.characters(codec="utf-8", exclude_categories=["Cs"]),
    "utf-16": st.characters(codec="utf-16", exclude_categories=["Cs"]),
    "cp1252": st.characters(codec="cp1252"),
    "latin-1": st.characters(codec="latin-1"),
}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(ENCODABLE)), st.sampled_from(["\n", "\r\n", "\r"]), st.data())
def test_any_accepted_decoding_round_trips_exactly(encoding, newline, data):
    text = data.draw(st.text(alphabet=ENCODABLE[encoding], max_size=300))
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)
    blob = raw.encode("utf-16" if encoding == "utf-16" else encoding)
    try:
        decoded, facts = decode(blob)
    except DecodeError:
        return  # refusing is allowed (e.g. NULs); losing data is not
    assert encode(decoded, facts) == blob


def test_codec_names_are_canonical():
    data = ARTICLE.encode("cp1252")
    _, facts = decode(data)
    assert codecs.lookup(facts.encoding).name == facts.encoding


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="ab \t\u2028é", max_size=5), st.sampled_from(["\n", "\r\n", "\r"])),
                max_size=12), st.sampled_from(["", "\n", "\r\n", "\r"]))
def test_newlines_of_one_kind_take_the_short_way_with_the_same_facts(lines, tail):
    """Normalising and restoring newlines give what listing and joining every
    terminator gives, whether the text has one kind of newline or several."""
    import re
    from collections import Counter

    from cleaner.io import encoding

    raw = "".join(text + newline for text, newline in lines) + tail
    terminators = re.findall(r"\r\n|\r|\n", raw)
    text, newline, exceptions = encoding._normalise_newlines(raw)
    assert text == re.sub(r"\r\n|\r|\n", "\n", raw)
    if "\r" in raw:
        dominant = Counter(terminators).most_common(1)[0][0]
        assert (newline, exceptions) == (dominant, [(i, t) for i, t in enumerate(terminators) if t != dominant])
    parts = text.split("\n")
    joined = [parts[0]]
    for index, part in enumerate(parts[1:]):
        joined += [dict(exceptions).get(index, newline or "\n"), part]
    assert encoding._restore_newlines(text, newline, exceptions) == "".join(joined) == raw


@pytest.mark.parametrize("data", [
    b"plain\nutf-8\n", "caf\u00e9\r\nna\u00efve\r\n".encode("utf-8"), codecs.BOM_UTF8 + "\u00e9t\u00e9".encode("utf-8"),
    codecs.BOM_UTF16_LE + "\u00e9t\u00e9\r\n".encode("utf-16-le"), "hello world\n".encode("utf-16-le"),
    "caf\u00e9 \u201cquoted\u201d\r\n".encode("cp1252"), "\u0436\u0443\u0440\u043d\u0430\u043b \u0442\u0435\u043a\u0441\u0442\n".encode("koi8-r"),
    "se\u00f1or\n".encode("latin-1"), b"\xff\xfe\x00", b"a\x00b\x00\x00\x00\x00\x00",
])
@pytest.mark.parametrize("declared", [None, "koi8-r", "cp1252", "utf-8", "no-such-codec"])
def test_declared_found_on_demand_decodes_as_the_declared_name(data, declared):
    """The reader passes the page's charset as a function: the same decoding
    (or error) as the name itself, and asked only of bytes that are not UTF-8."""
    asked = []

    def find() -> str | None:
        asked.append(True)
        return declared

    try:
        expected = decode(data, declared)
    except DecodeError as exc:
        with pytest.raises(DecodeError, match=re.escape(str(exc))):
            decode(data, find)
    else:
        assert decode(data, find) == expected
    try:
        data.decode("utf-8")
        assert not asked
    except UnicodeDecodeError:
        pass


def _normalise_newlines_plain(raw: str):
    """_normalise_newlines without its one-kind fast paths: every terminator listed and counted."""
    from collections import Counter

    from cleaner.io.encoding import _NEWLINES

    terminators = _NEWLINES.findall(raw)
    if not terminators:
        return raw, None, []
    dominant, n_dominant = Counter(terminators).most_common(1)[0]
    exceptions = [(i, t) for i, t in enumerate(terminators) if t != dominant]
    return _NEWLINES.sub("\n", raw), dominant, exceptions


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["a", "b c", "\r\n", "\r", "\n", "\r\n\r\n", "\n\r", "é"]), max_size=30).map("".join))
def test_newline_fast_paths_match_the_plain_normalising(raw):
    from cleaner.io.encoding import _normalise_newlines

    assert _normalise_newlines(raw) == _normalise_newlines_plain(raw)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["a", "b c", "\r\n", "\r", "\n", "é"]), max_size=30).map("".join))
def test_restore_newlines_rebuilds_the_raw_text(raw):
    from cleaner.io.encoding import _normalise_newlines, _restore_newlines

    text, newline, exceptions = _normalise_newlines(raw)
    assert _restore_newlines(text, newline, exceptions) == raw
