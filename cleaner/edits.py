"""The one place where edits are resolved, applied and inverted."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

from .document import Edit, split_lines


def resolve(edits: Iterable[Edit]) -> list[Edit]:
    """Sort edits and drop any that overlap one already accepted.

    Earlier starts win; at the same start the longer edit wins, so a
    whole-line removal beats a markdown fix inside that line.
    """
    accepted: list[Edit] = []
    last_end = -1
    for edit in sorted(edits, key=lambda e: (e.start, -(e.end - e.start), e.rule)):
        if accepted and edit.start < last_end:
            continue
        if accepted and edit.start == last_end == accepted[-1].start and edit.end == edit.start:
            continue  # two insertions at one point: keep the first
        accepted.append(edit)
        last_end = max(last_end, edit.end)
    return accepted


def apply(text: str, edits: Sequence[Edit]) -> str:
    """Apply resolved (sorted, non-overlapping) edits to ``text``."""
    out: list[str] = []
    pos = 0
    for edit in edits:
        out.append(text[pos:edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def invert(cleaned: str, edits: Sequence[Edit], removed: Sequence[str]) -> str:
    """Rebuild the original from cleaned text, the edits and the removed texts.

    ``removed[i]`` is what ``edits[i]`` took out of the original (the log's
    ``text`` field). Raises ValueError if the cleaned text does not fit.
    """
    out: list[str] = []
    pos_clean = 0
    pos_orig = 0
    for edit, gone in zip(edits, removed, strict=True):
        if len(gone) != edit.end - edit.start:
            raise ValueError(f"edit [{edit.start}, {edit.end}) does not match its removed text")
        keep = edit.start - pos_orig
        out.append(cleaned[pos_clean:pos_clean + keep])
        pos_clean += keep
        if cleaned[pos_clean:pos_clean + len(edit.replacement)] != edit.replacement:
            raise ValueError(f"cleaned text does not hold the replacement of edit at {edit.start}")
        pos_clean += len(edit.replacement)
        out.append(gone)
        pos_orig = edit.end
    out.append(cleaned[pos_clean:])
    if pos_clean > len(cleaned):
        raise ValueError("cleaned text is shorter than the edits require")
    return "".join(out)


def tidy_blank_lines(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """Edits that remove blank lines left redundant once ``edits`` apply.

    Kept text never starts with blank lines, never holds two blank lines in
    a row, and ends with at most its final newline. Whitespace-only lines
    count as blank. Returns only the new edits.
    """
    lines = split_lines(text)
    removed = _covered_lines(lines, edits, len(text))
    new: list[Edit] = []
    previous_kept_blank = True  # treat the document start as a blank line
    kept_blank_run: list = []
    for line in lines:
        if line.index in removed:
            continue
        if line.blank:
            if previous_kept_blank:
                new.append(_remove_line(line, text))
            else:
                kept_blank_run.append(line)
                previous_kept_blank = True
        else:
            kept_blank_run = []
            previous_kept_blank = False
    for line in kept_blank_run:  # trailing blank lines
        new.append(_remove_line(line, text))
    return [e for e in new if not any(o.start < e.end and e.start < o.end for o in edits)]


def _covered_lines(lines, edits: Sequence[Edit], length: int) -> set[int]:
    """Indices of lines whose text and newline fall inside one pure removal."""
    spans = sorted((e.start, e.end) for e in edits if e.end > e.start and not e.replacement)
    starts = [s for s, _ in spans]
    covered: set[int] = set()
    for line in lines:
        i = bisect_right(starts, line.start) - 1
        need = line.end + 1 if line.end < length else line.end
        if i >= 0 and spans[i][1] >= need and spans[i][1] > line.start:
            covered.add(line.index)
    return covered


def _remove_line(line, text: str) -> Edit:
    end = line.end + 1 if line.end < len(text) else line.end
    start = line.start
    if end == line.end and start > 0:
        start -= 1  # last line without newline: take the newline before it
    return Edit(start, end, "whitespace", "redundant blank line")


def compose(source: str, base: Sequence[Edit], upper: Sequence[Edit]) -> list[Edit]:
    """Express edits over ``apply(source, base)`` as edits over ``source``.

    Used for HTML: ``base`` turns the page into text, ``upper`` cleans that
    text. An upper edit that touches a base edit's replacement swallows the
    whole base edit, so the result stays non-overlapping and exact.
    """
    # The intermediate text's non-empty segments, in three parallel lists: where
    # each starts there and in ``source``, and the base edit whose replacement
    # it is (None: text copied from ``source``). A position is looked up by
    # bisection in ``seg_t``.
    seg_t: list[int] = []
    seg_s: list[int] = []
    seg_base: list[Edit | None] = []
    t = s = 0
    for edit in base:
        if edit.start > s:
            seg_t.append(t)
            seg_s.append(s)
            seg_base.append(None)
            t += edit.start - s
        if edit.replacement:
            seg_t.append(t)
            seg_s.append(edit.start)
            seg_base.append(edit)
            t += len(edit.replacement)
        s = edit.end
    if len(source) > s or not seg_t:  # the copied tail (the only segment, empty, of an empty text)
        seg_t.append(t)
        seg_s.append(s)
        seg_base.append(None)
    base_starts = [b.start for b in base]
    n_base = len(base)

    composed: list[Edit] = []
    swallowed: set[int] = set()
    for edit in upper:
        j = max(bisect_right(seg_t, edit.start) - 1, 0)
        t0, base0 = seg_t[j], seg_base[j]
        if base0 is None:
            src_start, prefix = seg_s[j] + (edit.start - t0), ""
        else:
            src_start, prefix = base0.start, base0.replacement[: edit.start - t0]
        if edit.end == edit.start:
            # A pure insertion inside copied text maps to a point; inside a replacement, to it.
            src_end, suffix = (src_start, "") if base0 is None else (base0.end, base0.replacement[edit.start - t0:])
        else:
            j = max(bisect_right(seg_t, edit.end - 1) - 1, 0)  # (an end belongs to the segment before it)
            t1, base1 = seg_t[j], seg_base[j]
            if base1 is None:
                src_end, suffix = seg_s[j] + (edit.end - t1), ""
            else:
                src_end, suffix = base1.end, base1.replacement[edit.end - t1:]
        composed.append(Edit(src_start, src_end, edit.rule, edit.reason, edit.score, prefix + edit.replacement + suffix))
        i = bisect_left(base_starts, src_start)
        while i < n_base and base[i].start <= src_end:
            b = base[i]
            if b.end <= src_end and not (b.start == b.end == src_end and src_end > src_start):
                swallowed.add(i)
            i += 1
    kept = [b for i, b in enumerate(base) if i not in swallowed]
    return resolve(composed + kept)


def to_original(edits: Sequence[Edit], pos: int, *, as_end: bool = False) -> int:
    """Map an offset in the cleaned text back to the original text.

    A position inside a replacement maps to the replaced span's start (or its
    end when ``as_end``).
    """
    shift = 0
    for edit in edits:
        clean_start = edit.start - shift
        if pos < clean_start or (as_end and pos == clean_start):
            break
        if pos < clean_start + len(edit.replacement):
            return edit.end if as_end else edit.start
        shift += (edit.end - edit.start) - len(edit.replacement)
    return pos + shift
