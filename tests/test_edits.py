"""The one place edits are resolved, applied, inverted and composed."""
from hypothesis import given, settings, strategies as st

from cleaner import edits as E
from cleaner.document import Edit, line_span, split_lines
from cleaner.io.html import extract


def removed_texts(text, edits):
    return [text[e.start:e.end] for e in edits]


def test_resolve_drops_overlaps_keeping_the_longer_edit_at_one_start():
    edits = E.resolve([Edit(5, 7, "markdown", "m"), Edit(0, 10, "spam-line", "s"), Edit(12, 14, "x", "y")])
    assert [(e.start, e.end, e.rule) for e in edits] == [(0, 10, "spam-line"), (12, 14, "x")]


def test_apply_and_invert_round_trip_with_replacements():
    text = "Hello **bold** world\nAlso read: x\nEnd\n"
    edits = E.resolve([Edit(6, 8, "markdown", "m"), Edit(12, 14, "markdown", "m"),
                       Edit(21, 34, "link-bait", "l"), Edit(0, 5, "t", "t", 1.0, "Hi")])
    cleaned = E.apply(text, edits)
    assert cleaned == "Hi bold world\nEnd\n"
    assert E.invert(cleaned, edits, removed_texts(text, edits)) == text


def test_invert_refuses_cleaned_text_that_does_not_fit():
    text = "abc def"
    edits = [Edit(0, 3, "t", "t", 1.0, "XYZ")]
    try:
        E.invert("QQQ def", edits, ["abc"])
    except ValueError:
        pass
    else:
        raise AssertionError("a cleaned text without the replacement must be refused")


def test_tidy_blank_lines_collapses_runs_left_by_removals():
    text = "\n\nTitle\n\nAlso read: x\n\nBody one.\n\n\n\nBody two.\n\n"
    lines = split_lines(text)
    spam = [Edit(*line_span(lines[4], text), "link-bait", "l")]
    tidy = E.tidy_blank_lines(text, spam)
    cleaned = E.apply(text, E.resolve(spam + tidy))
    assert cleaned == "Title\n\nBody one.\n\nBody two.\n"
    assert all(e.rule == "whitespace" for e in tidy)


def test_tidy_blank_lines_is_idempotent_on_clean_text():
    assert E.tidy_blank_lines("Title\n\nBody.\n", []) == []


def test_to_original_maps_cleaned_offsets_back():
    text = "0123456789"
    edits = [Edit(2, 4, "x", "x"), Edit(6, 7, "y", "y", 1.0, "AB")]
    cleaned = E.apply(text, edits)  # "01" "45" "AB" "789"
    assert cleaned == "0145AB789"
    assert text[E.to_original(edits, cleaned.index("4"))] == "4"
    assert text[E.to_original(edits, cleaned.index("7"))] == "7"
    assert E.to_original(edits, 2) == 4  # right after a removal: the kept text after it
    assert E.to_original(edits, 2, as_end=True) == 2  # as an end: before the removal


def test_compose_html_markup_with_text_edits_round_trips():
    page = ("<html><body><nav><a href='/'>Home</a> | News</nav>\n<h1>Title</h1>"
            "<p>Body &amp; <b>**more**</b> text.</p><p>Also read: elsewhere</p></body></html>")
    base = E.resolve(extract(page))
    text = E.apply(page, base)
    assert text == "Home | News\nTitle\nBody & **more** text.\nAlso read: elsewhere\n"
    lines = split_lines(text)
    upper = E.resolve([Edit(*line_span(lines[0], text), "chrome-line", "nav"),
                       Edit(*line_span(lines[3], text), "link-bait", "l"),
                       Edit(text.index("**"), text.index("**") + 2, "markdown", "m"),
                       Edit(text.rindex("**"), text.rindex("**") + 2, "markdown", "m")])
    composed = E.compose(page, base, upper)
    cleaned = E.apply(page, composed)
    assert cleaned == "Title\nBody & more text.\n"
    assert E.invert(cleaned, composed, removed_texts(page, composed)) == page
    assert {"chrome-line", "link-bait", "markdown", "html-markup"} == {e.rule for e in composed}


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.data())
def test_random_edits_always_invert(text, data):
    n = len(text)
    raw = []
    for _ in range(data.draw(st.integers(0, 6))):
        a = data.draw(st.integers(0, n))
        b = data.draw(st.integers(a, n))
        repl = data.draw(st.sampled_from(["", "", " ", "\n", "X"]))
        raw.append(Edit(a, b, "r", "r", 1.0, repl))
    edits = E.resolve(raw)
    cleaned = E.apply(text, edits)
    assert E.invert(cleaned, edits, removed_texts(text, edits)) == text


def _split_lines_by_loop(text):
    """The line splitter as it was (a loop making each line), the reference."""
    lines = []
    pos = 0
    for index, chunk in enumerate(text.split("\n")):
        lines.append((index, pos, pos + len(chunk), chunk))
        pos += len(chunk) + 1
    if lines and lines[-1][3] == "" and text.endswith("\n"):
        lines.pop()
    return lines


@given(st.text(alphabet=st.sampled_from(list("ab \n\r\t\u2028é")), max_size=40))
def test_split_lines_equals_the_loop(text):
    lines = split_lines(text)
    assert [(l.index, l.start, l.end, l.text) for l in lines] == _split_lines_by_loop(text)
    assert all(text[l.start:l.end] == l.text and l.blank == (not l.text.strip()) for l in lines)


@settings(max_examples=300, deadline=None)
@given(st.integers(-3, 20), st.integers(-3, 20), st.text(max_size=3), st.text(max_size=3),
       st.one_of(st.none(), st.floats(0, 1)), st.one_of(st.none(), st.text(max_size=3)), st.booleans())
def test_an_edit_is_made_as_the_generated_frozen_dataclass_made_it(start, end, rule, reason, score, replacement,
                                                                     by_keyword):
    """Edit's own __init__ (fields set at once) gives what dataclass(frozen=True)'s
    generated one with the span check after it gave: fields, defaults, equality,
    hashing, the refusal of a bad span and of assignment."""
    import dataclasses

    import pytest

    @dataclasses.dataclass(frozen=True)
    class Generated:
        start: int
        end: int
        rule: str
        reason: str
        score: float = 1.0
        replacement: str = ""

        def __post_init__(self) -> None:
            if not 0 <= self.start <= self.end:
                raise ValueError(f"bad edit span [{self.start}, {self.end})")

    optional = {k: v for k, v in (("score", score), ("replacement", replacement)) if v is not None}
    args = dict(start=start, end=end, rule=rule, reason=reason, **optional)
    make = (lambda cls: cls(**args)) if by_keyword else (lambda cls: cls(start, end, rule, reason, *optional.values()))
    if not 0 <= start <= end:
        with pytest.raises(ValueError, match=r"bad edit span \[") as ours:
            make(Edit)
        with pytest.raises(ValueError) as theirs:
            make(Generated)
        assert str(ours.value) == str(theirs.value)
        return
    edit, expected = make(Edit), make(Generated)
    assert dataclasses.astuple(edit) == dataclasses.astuple(expected)
    assert repr(edit).partition("(")[2] == repr(expected).partition("(")[2] and edit == make(Edit)
    assert hash(edit) == hash(make(Edit)) and dataclasses.replace(edit, end=edit.end) == edit
    with pytest.raises(dataclasses.FrozenInstanceError):
        edit.start = 0
