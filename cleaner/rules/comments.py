"""Readers' comment threads below the article.

A comments heading ("59 Comments on “…”", "3 thoughts on “…”", "Comments")
below some of the article's prose, and right under it posts that each open
with a date or time ("Jane Doe" / "December 18, 2025 at 9:46 pm"): the heading
and the posts go, through the last post's text.

Readers' posts are prose like the article's, so the line classifier alone
keeps them on a site it has never seen; the dated posts under a comments
heading make the thread plain. A heading with no dated posts under it (a
"Comments" link, a comment form) is left to the other detectors.
"""
from __future__ import annotations

from bisect import bisect_right

from ..document import Document, Edit, Line, line_span
from . import RuleContext
from .blocks import COMMENTS_HINTS, is_comments_heading
from .chrome import THREAD_ENDS, _chrome_reason, _is_short_label, _key
from .headers import is_body, is_dated

RULE = "comments"
PROSE_ABOVE = 3  # article paragraphs above a heading for it to open the comments (not a byline's "12 Comments")
FIRST_POST_REACH = 6  # lines from the heading to the first post's date
POST_REACH = 40  # lines from one post's date to the next; past it the thread has ended
MIN_POSTS = 2  # dated posts that make a thread


def _opens_form(text: str) -> bool:
    """Does the line open the comment form (or close the comments)? It ends the
    thread: below it come the page's footer, whose archive lists and calendars
    hold dates too."""
    return _key(text) in THREAD_ENDS or _chrome_reason(text) == "comment form"


def _opens_post(lines: list[Line], i: int) -> bool:
    """Does line ``i`` date a reader's post: a date, time or byline under a
    short line naming its author ("Jane Doe", "Jane Doe says:", "Reply to Jane")?"""
    return is_dated(lines[i].text) and _is_short_label(lines[i - 1].text)


def _thread_end(lines: list[Line], heading: int) -> tuple[int, int] | None:
    """(index past the thread's last line, number of posts) for the thread
    under the heading at ``heading``, or None when no thread follows it."""
    posts = 0
    last = heading
    reach = heading + FIRST_POST_REACH
    i = heading + 2  # a post's date comes under its author's line
    while i < len(lines) and i <= reach and not _opens_form(lines[i].text):
        if _opens_post(lines, i):
            posts += 1
            last = i
            reach = i + POST_REACH
        i += 1
    if posts < MIN_POSTS:
        return None
    # The last post's text: up to the page's next piece of chrome (a "Reply"
    # button, the comment form, a footer's label), at most POST_REACH lines.
    end = last + 1
    while end < len(lines) and end <= last + POST_REACH:
        text = lines[end].text
        if _chrome_reason(text) or _opens_form(text) or (end > last + 1 and _is_short_label(text)):
            break
        end += 1
    return end, posts


def _heading_candidates(text: str, lines: list[Line]) -> list[int]:
    """Indices of the lines holding a word part every comments heading holds
    ("omment", "thoughts", ...): found in the whole lower-cased text at once,
    as asking each line costs more than the rest of this detector."""
    low = text.lower()
    if len(low) != len(text):  # (lower-casing lengthened a character: offsets would not match)
        return list(range(len(lines)))
    starts = [line.start for line in lines]
    found = set()
    for hint in COMMENTS_HINTS:
        at = low.find(hint)
        while at != -1:
            found.add(bisect_right(starts, at) - 1)
            at = low.find(hint, at + 1)
    return sorted(i for i in found if i >= 0)


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    every_line = doc.lines()
    lines: list[Line] | None = None  # the non-blank lines, listed once a heading is found
    prose = counted = 0  # article paragraphs among the first `counted` of them
    for at in _heading_candidates(doc.text, every_line):
        heading = every_line[at]
        if not is_comments_heading(heading.text):
            continue
        if lines is None:
            lines = [line for line in every_line if not line.blank]
            indices = [line.index for line in lines]
        i = bisect_right(indices, heading.index) - 1
        prose += sum(is_body(line.text) for line in lines[counted:i])
        counted = max(counted, i)
        if prose < PROSE_ABOVE:
            continue
        found = _thread_end(lines, i)
        if found is not None:
            end, posts = found
            reason = f"readers' comments: {posts} dated posts under \"{heading.text.strip()[:40]}\""
            return [Edit(*line_span(line, doc.text), RULE, reason, 0.9) for line in lines[i:end]]
    return []
