"""A page's table of contents: "Table of Contents" (or "Contents hide", "On
this page", "In this article", "Inhaltsverzeichnis", "目次" …) and under it
the article's own section headings, listed once more as links.

The entries are the same words as the headings further down the page, so a
reader of the cleaned text would meet every heading twice; the heading of
the list is page furniture. Both go. An entry is a line whose words,
numbering aside ("1.2 ", "3) "), are those of a line below the list (or
several of them run together on one line, as a scrape of a one-line list
gives them). The list ends at the first line that is neither.

A "Contents" heading with fewer than MIN_ENTRIES entries under it is left
alone: a book's or a course's contents in an article are part of it. The
unambiguous headings ("Table of contents", "Contents hide") go on their own:
a collapsed table prints its heading only.
"""
from __future__ import annotations

import re

from ..document import Document, Edit, Line, line_span
from . import RuleContext
from .chrome import _key

RULE = "table-of-contents"
MIN_ENTRIES = 2  # entries under an ambiguous heading ("Contents", "On this page") for it to be a table
MAX_ENTRY_WORDS = 20  # longer lines are paragraphs, not headings
GLUED_COVER = 0.6  # share of a line that later headings must cover for it to be entries run together
MAX_UNMATCHED = 1  # entries in a row the page does not print again (a heading reworded) before the list ends

# Headings that name nothing but a table of contents, with the toggles a
# scrape keeps ("hide", "[show]", "▼").
_SURE = (r"table of contents|table des matières|tabla de contenidos?|índice de contenidos|inhaltsverzeichnis|"
         r"indice dei contenuti|inhoudsopgave|innehållsförteckning|spis treści|sumário|"
         r"目次|目录|目錄|목차")
_AMBIGUOUS = (r"contents|on this page|in this (?:article|post|guide|story)|article contents|jump to(?: section)?|"
              r"what(?:'|’)s (?:in|inside) this (?:article|post|guide)|sommaire|contenido|contenidos|índice|"
              r"inhalt|inhoud|innehåll|sommario|indice|conteúdo")
_TOGGLE = r"(?:[ \t]*(?:[:：▼▲▾▴▸▹⌄+\-]|\[?\(?(?:hide|show|toggle|ausblenden|einblenden|masquer|afficher|ocultar|mostrar)\)?\]?))*"
# (a scrape to markdown marks the heading up: "## Table of Contents", "**Contents**")
_HEADING = re.compile(rf"^[ \t]*(?:#{{1,6}}[ \t]+)?(?:\*\*|__)?(?:(?P<sure>{_SURE})|(?P<ambiguous>{_AMBIGUOUS}))"
                      rf"(?:\*\*|__)?{_TOGGLE}[ \t]*$", re.IGNORECASE | re.MULTILINE)
# Numbering and bullets in front of an entry or a heading: "1 ", "1.2 ", "3) ", "IV. ", "• ".
_NUMBERING = re.compile(r"^(?:(?:\d{1,3}(?:\.\d{1,3})*|[ivxlc]{1,5})[.):]?|[-–—•·*+▸›»])\s+", re.IGNORECASE)


# Markdown around an entry or a heading: a link's target ("[Setup](#setup)"), heading marks, emphasis.
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"^\s*#{1,6}\s+|\*\*|__")


def _entry_key(text: str) -> str:
    if "[" in text or "#" in text or "**" in text or "__" in text:
        text = _MARKDOWN_MARKS.sub("", _MARKDOWN_LINK.sub(r"\1", text))
    key = _key(text)
    for _ in range(2):  # "1.1 A. Alignment" and "A. Alignment" are one heading
        stripped = _NUMBERING.sub("", key)
        if stripped == key:
            break
        key = stripped
    return key


def _glued(key: str, below: list[str]) -> bool:
    """Is ``key`` several of the headings below run together ("Key TakeawaysWhen to file…")?"""
    found = [k for k in below if len(k) >= 4 and k in key]
    return len(found) >= 2 and sum(map(len, found)) >= GLUED_COVER * len(key)


def _entries(lines: list[Line], keys: list[str], first: int) -> int:
    """Index past the last entry of the table whose first entry may be line
    ``first`` (``keys``: each line's ``_entry_key``)."""
    last_at: dict[str, int] = {}  # each short line's key: the last line printing it
    for i in range(first, len(lines)):
        if keys[i] and len(lines[i].text.split()) <= MAX_ENTRY_WORDS:
            last_at[keys[i]] = i
    end, unmatched = first, 0
    for i in range(first, len(lines)):
        n_words = len(lines[i].text.split())
        key = keys[i]
        if key and (last_at.get(key, -1) > i
                    or (n_words > 3 and _glued(key, [k for k, j in last_at.items() if j > i]))):
            end, unmatched = i + 1, 0
        elif unmatched < MAX_UNMATCHED and n_words <= MAX_ENTRY_WORDS:
            unmatched += 1
        else:
            break
    return end


def detect(doc: Document, ctx: RuleContext) -> list[Edit]:
    found = list(_HEADING.finditer(doc.text))
    if not found:
        return []
    lines = [line for line in doc.lines() if not line.blank]
    keys = [_entry_key(line.text) for line in lines]
    at_start = {line.start: i for i, line in enumerate(lines)}
    edits: list[Edit] = []
    done = -1  # index past the last line already removed
    for match in found:
        # (the match may start before the line's indent: find the line it is on)
        i = at_start.get(doc.text.rfind("\n", 0, match.start() + 1) + 1)
        if i is None or i < done:
            continue
        first = i + 1
        while first < len(lines) and _HEADING.fullmatch(lines[first].text):  # "Table of Contents" printed twice
            first += 1
        end = _entries(lines, keys, first)
        n_entries = end - first
        if n_entries < MIN_ENTRIES and match.group("sure") is None:
            continue
        heading = lines[i].text.strip()
        for line in lines[i:first]:
            edits.append(Edit(*line_span(line, doc.text), RULE, f"table of contents heading \"{heading[:40]}\"", 0.9))
        for line in lines[first:end]:
            edits.append(Edit(*line_span(line, doc.text), RULE,
                              f"table of contents entry under \"{heading[:40]}\" (the page prints the heading again below)",
                              0.85))
        done = end
    return edits
