"""The two data types every part of cleaner shares: Document and Edit.

Detectors never rewrite text. They look at ``Document.text`` and return
``Edit`` records over its Unicode code-point offsets; ``cleaner.edits``
applies them in one place, and the same records are the change log.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import accumulate, count
from operator import add
from typing import NamedTuple

# Line terminators we recognise: CRLF, lone CR, LF. (str.splitlines also splits
# on form feeds and U+2028, which would shift offsets against a byte-level view.)
LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, init=False)
class Edit:
    """Remove ``text[start:end]`` (or replace it with ``replacement``)."""

    start: int
    end: int
    rule: str
    reason: str
    score: float = 1.0
    replacement: str = ""

    def __init__(self, start: int, end: int, rule: str, reason: str, score: float = 1.0,
                 replacement: str = "") -> None:
        if not 0 <= start <= end:
            raise ValueError(f"bad edit span [{start}, {end})")
        # The fields in one update of the instance's dict: a frozen dataclass's own
        # __init__ sets them one by one through object.__setattr__, a cost every
        # edit pays (an HTML page makes hundreds).
        self.__dict__.update(start=start, end=end, rule=rule, reason=reason, score=score, replacement=replacement)


class Line(NamedTuple):
    """One line of a document: ``text`` excludes its terminator.

    A named tuple: every detector asks for the lines of each cleaning round's
    text, and a tuple is made in C (a dataclass runs its ``__init__`` per line)."""

    index: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Document:
    """A decoded document plus the facts needed to write it back exactly.

    ``text`` is the decoded original with newlines normalised to LF; the
    reader records the original newline style (and any exceptions) so that
    restore can rebuild the bytes.
    """

    text: str
    path: str = "-"
    id: str | None = None
    lang: str | None = None
    format: str = "txt"
    meta: dict = field(default_factory=dict)

    def lines(self) -> list[Line]:
        return split_lines(self.text)

    @property
    def key(self) -> str:
        """A name for this document unique within a run: path, plus id for JSONL."""
        if "key" in self.meta:  # set by the reader when a JSONL id repeats
            return self.meta["key"]
        return self.path if self.id is None else f"{self.path}#{self.id}"


def split_lines(text: str) -> list[Line]:
    """Split LF-normalised text into lines with their offsets (terminator excluded)."""
    return list(_split_lines(text))


# Every detector asks for the lines of the same text in each cleaning round:
# split it once. The Line objects are shared between callers (nobody changes them).
@lru_cache(maxsize=8)
def _split_lines(text: str) -> tuple[Line, ...]:
    chunks = text.split("\n")
    if text.endswith("\n"):
        chunks.pop()  # the empty string after a final newline is not a line
    lengths = list(map(len, chunks))
    starts = list(accumulate(map((1).__add__, lengths), initial=0))  # each line's newline counts too
    ends = map(add, starts, lengths)
    return tuple(map(_new_line, zip(count(), starts, ends, chunks)))


_new_line = partial(tuple.__new__, Line)  # a Line from an (index, start, end, text) tuple, in C


def line_span(line: Line, text: str) -> tuple[int, int]:
    """The span that removes a whole line including its newline."""
    end = line.end + 1 if line.end < len(text) and text[line.end] == "\n" else line.end
    return line.start, end
