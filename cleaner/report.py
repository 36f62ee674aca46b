"""A self-contained HTML report of a change log.

``build(log)`` turns a change log (and the cleaned outputs it points to) into
plain data: every document's original text, rebuilt through the same code as
``restore`` and verified against the logged sha256, with its removals as spans;
near-duplicate clusters; recycled passages with their source. ``render(data)``
writes one HTML file holding that data as JSON inside ``<script>`` elements and
a small script that draws it: no network, no external assets.

Scale: the documents' texts live in chunks (gzip + base64 above a size, opened
in the browser with ``DecompressionStream``) read only when a document is
opened, and the document list is paginated. When the corpus is large, only
excerpts around the removals are embedded (the report says so).
"""
from __future__ import annotations

import base64
import bisect
import difflib
import gzip
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import __version__
from . import changelog
from .io.encoding import DecodeError, TextFacts, decode_as
from .io.jsonl import RecordError, parse_record
from .io.readers import _gunzip

# rule -> kind of removal (the report's colours)
KINDS = {
    "dateline": "header", "breadcrumb": "header", "repeated-title": "header", "caption": "header",
    "masthead": "header", "byline": "header",
    "chrome-block": "chrome", "chrome-line": "chrome", "category-footer": "chrome", "comments": "chrome",
    "table-of-contents": "chrome",
    "repeated-block": "chrome", "boilerplate": "chrome",
    "link-bait": "spam", "spam-line": "spam",
    "foreign-language": "language",
    "markdown": "format", "whitespace": "format", "whitespace-trailing": "format",
    "html-markup": "markup",
}
KIND_LABELS = {
    "chrome": "chrome", "header": "header", "spam": "spam", "language": "other language",
    "passage": "duplicate passage", "format": "formatting", "markup": "HTML markup", "other": "other",
}
KIND_COLOURS = {
    "chrome": "#f4b183", "header": "#9dc3e6", "spam": "#ff8f8f", "language": "#c5a3e8",
    "passage": "#ffe066", "format": "#d9d9d9", "markup": "#eeeeee", "other": "#b4e0b4",
}
MARKUP = "html-markup"

FULL_TEXT_BUDGET = 16_000_000  # display characters of all documents: above it, excerpts only
COMPRESS_ABOVE = 1_000_000  # characters of text data: above it, chunks are gzip + base64
CHUNK_CHARS = 2_000_000  # characters of text per chunk
CONTEXT = 120  # characters of context around a removal in excerpt mode
FORMAT_CONTEXT = 20  # ... around a formatting removal (whitespace, markdown)
LONG_SPAN = 1200  # a longer removal shows its two ends in excerpt mode
PASSAGE_HEAD = 300  # characters of a recycled passage in a document's excerpts
PREVIEW = 400  # characters shown of an unchanged document in excerpt mode
PASSAGE_CAP = 1500  # characters of a recycled passage shown side by side (each side)
RECYCLED_CAP = 1000  # recycled passages shown side by side (the longest)


def kind_of(rule: str) -> str:
    return KINDS.get(rule, "other")


# --------------------------------------------------------------------------- reading the log


@dataclass
class LogContents:
    header: dict = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)
    edits: dict[str, list[dict]] = field(default_factory=dict)
    records: dict[str, dict[int, dict]] = field(default_factory=dict)
    duplicates: list[dict] = field(default_factory=list)
    recycled: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    summary: dict | None = None


def read(log_path: Path) -> LogContents:
    log = LogContents()
    for entry in changelog.read_log(log_path):
        kind = entry.get("type")
        if kind == "header":
            log.header = entry
        elif kind == "file":
            log.files.append(entry)
        elif kind == "edit":
            log.edits.setdefault(entry["path"], []).append(entry)
        elif kind == "record":
            log.records.setdefault(entry["path"], {})[entry["line"]] = entry
        elif kind == "duplicate":
            log.duplicates.append(entry)
        elif kind == "recycled":
            log.recycled.append(entry)
        elif kind == "error":
            log.errors.append(entry)
        elif kind == "summary":
            log.summary = entry
    return log


@dataclass
class Document:
    path: str
    id: str | None
    line: int | None  # JSONL: the record's 1-based line
    format: str
    text: str | None  # the original text (LF newlines); None when it could not be rebuilt
    edits: list[dict]  # the log's edit records, by start
    dropped: bool = False
    note: str | None = None  # why the text is missing


def documents(log: LogContents, log_dir: Path) -> Iterable[Document]:
    """Every document of the logged files, with its original text rebuilt from log + output."""
    options = log.header.get("options") or {}
    id_field = options.get("id_field") or "id"
    text_field = options.get("text_field") or "text"
    for entry in log.files:
        path = entry["path"]
        edits = sorted(log.edits.get(path, []), key=lambda e: (e.get("line") or 0, e["start"], e["end"]))
        records = log.records.get(path, {})
        try:
            data = changelog._rebuild(entry, edits, records, log_dir)
            if entry.get("compressed"):
                data = _gunzip(data, 1 << 40)
            text = decode_as(data, TextFacts.from_log(entry))
            note = None
        except (changelog.RestoreError, DecodeError, OSError, ValueError) as exc:
            text, note = None, f"original not available: {exc}"
        dropped = bool(entry.get("dropped"))
        if entry.get("format") != "jsonl":
            yield Document(path, None, None, entry.get("format", "txt"), text, edits, dropped, note)
            continue
        by_line: dict[int, list[dict]] = {}
        for edit in edits:
            by_line.setdefault(edit.get("line") or 0, []).append(edit)
        if text is None:  # only what the log holds: the changed records
            for number in sorted(set(by_line) | set(records)):
                record = records.get(number, {})
                ident = record.get("id") or next((e.get("id") for e in by_line.get(number, [])), None)
                yield Document(path, ident, number, "jsonl", None, by_line.get(number, []),
                               "dropped_line" in record, note)
            continue
        for index, line in enumerate(text.split("\n")):
            if not line.strip():
                continue
            number = index + 1
            field_name = records.get(number, {}).get("field", text_field)
            try:
                record = parse_record(line, field_name, id_field)
            except RecordError:
                continue  # logged as an error
            ident = record.id if record.id is not None else f"line-{number}"
            yield Document(path, ident, number, "jsonl", record.text, by_line.get(number, []),
                           dropped or "dropped_line" in records.get(number, {}), None)


# --------------------------------------------------------------------------- display text


class Display:
    """A document's text as shown: HTML markup edits collapsed to their replacement.

    Every other edit stays verbatim, so a highlighted span's text is exactly
    the log's ``text``. ``to_display`` maps an original offset.
    """

    def __init__(self, doc: Document):
        markup = [e for e in doc.edits if e["rule"] == MARKUP]
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.shifts: list[int] = []  # display - original after this edit
        self.markup_chars = 0
        shift = 0
        pieces = []
        last = 0
        text = doc.text
        for e in markup:
            if e["start"] < last:  # overlapping (should not happen): leave it shown
                continue
            replacement = e.get("replacement", "")
            if text is not None:
                pieces.append(text[last:e["start"]])
                pieces.append(replacement)
            self.starts.append(e["start"])
            self.ends.append(e["end"])
            shift += len(replacement) - (e["end"] - e["start"])
            self.shifts.append(shift)
            self.markup_chars += e["end"] - e["start"]
            last = e["end"]
        if text is None:
            self.text = None
        elif not markup:
            self.text = text
        else:
            pieces.append(text[last:])
            self.text = "".join(pieces)

    def to_display(self, pos: int, as_end: bool = False) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0:
            return pos
        if pos < self.ends[i]:  # inside collapsed markup: its replacement
            before = self.shifts[i - 1] if i else 0
            start = self.starts[i] + before
            return start + (self.ends[i] - self.starts[i] + self.shifts[i] - before if as_end else 0)
        return pos + self.shifts[i]


# --------------------------------------------------------------------------- building the data


def build(log_path: Path, *, full_text: bool | None = None) -> dict:
    """The report's data (JSON-able). ``full_text``: None decides by size."""
    log_path = Path(log_path)
    log = read(log_path)
    rules: list[str] = []
    rule_index: dict[str, int] = {}
    reasons: list[str] = []
    reason_index: dict[str, int] = {}

    def intern(table, index, value):
        if value not in index:
            index[value] = len(table)
            table.append(value)
        return index[value]

    docs: list[dict] = []
    texts: list = []  # per doc: its pieces [[offset, text], ...], or its whole text while undecided
    spans: list[list] = []  # per doc: [start, end, rule, score, reason, edit number] in display offsets
    by_key: dict[tuple, int] = {}
    by_line: dict[tuple, int] = {}
    mismatches = 0
    if full_text is None and log.summary and "chars_in" in log.summary:
        full_text = log.summary["chars_in"] <= FULL_TEXT_BUDGET
    # A corpus can have hundreds of thousands of recycled passages: the longest RECYCLED_CAP
    # are shown (in log order); their texts are taken as each document goes by.
    recs = log.recycled
    chosen = sorted(sorted(range(len(recs)), key=lambda k: recs[k]["start"] - recs[k]["end"])[:RECYCLED_CAP])
    need: dict[tuple, list] = {}  # (path, id) -> [(slot, role, start, end)]
    for slot, k in enumerate(chosen):
        r = recs[k]
        need.setdefault((r["path"], r.get("id")), []).append((slot, 0, r["start"], r["end"]))
        need.setdefault((r["source_path"], r.get("source_id")), []).append(
            (slot, 1, r["source_start"], r["source_end"]))
    sides: list[list] = [[None, None] for _ in chosen]  # slot -> role -> (doc, start, end, text)
    passages: dict[int, list] = {}  # doc -> [[start, end, slot, role]]
    for doc in documents(log, log_path.parent):
        display = Display(doc)
        doc_spans = []
        removed = 0
        counts: dict[int, int] = {}
        number = 0
        for e in doc.edits:
            if e["rule"] == MARKUP:
                continue
            if doc.text is not None and doc.text[e["start"]:e["end"]] != e["text"]:
                mismatches += 1
            start, end = display.to_display(e["start"]), display.to_display(e["end"], as_end=True)
            rule = intern(rules, rule_index, e["rule"])
            counts[rule] = counts.get(rule, 0) + 1
            removed += len(e["text"]) - len(e.get("replacement", ""))
            doc_spans.append([start, end, rule, e.get("score", 1.0), intern(reasons, reason_index, e.get("reason", "")),
                              number])
            number += 1
        index = len(docs)
        length = len(display.text) if display.text is not None else None
        if length is not None:  # removed = shown - kept (HTML: tags inside a removed block count as removed)
            kept = len(doc.text) - sum(len(e["text"]) - len(e.get("replacement", "")) for e in doc.edits)
            removed = length - kept
        record = {"p": doc.path, "n": length, "r": removed, "k": counts}
        if doc.id is not None:
            record["i"] = doc.id
        if doc.line is not None:
            record["l"] = doc.line
        if doc.format == "html":
            record["h"] = display.markup_chars
        if doc.dropped:
            record["x"] = 1
        if doc.note:
            record["w"] = doc.note
        doc_passages = []
        if (doc.path, doc.id) not in by_key:
            for slot, role, start, end in need.pop((doc.path, doc.id), ()):
                start, end = display.to_display(start), display.to_display(end, as_end=True)
                sides[slot][role] = (index, start, end, _passage(display.text, start, end))
                doc_passages.append([start, end, slot, role])
        if doc_passages:
            passages[index] = doc_passages
        if display.text is None:  # what the log holds: the removed texts themselves
            text = [[s[0], e["text"]] for s, e in zip(doc_spans, [e for e in doc.edits if e["rule"] != MARKUP])]
            record["u"] = 1
        elif full_text is False:
            text = _excerpts(display.text, doc_spans, doc_passages, rules)
        else:
            text = display.text
        docs.append(record)
        texts.append(text)
        spans.append(doc_spans)
        by_key.setdefault((doc.path, doc.id), index)
        if doc.line is not None:
            by_line[(doc.path, doc.line)] = index

    def find(path, ident, line=None, create=True):
        if line is not None and (path, line) in by_line:
            return by_line[(path, line)]
        if (path, ident) in by_key:
            return by_key[(path, ident)]
        if not create:
            return None
        # named by a finding but not among the logged files (a `dedup` log): a placeholder
        index = len(docs)
        docs.append({"p": path, "n": None, "r": 0, "k": {}, "u": 1, "w": "text not in this log",
                     **({"i": ident} if ident is not None else {})})
        texts.append([])
        spans.append([])
        by_key[(path, ident)] = index
        return index

    clusters = _clusters(log.duplicates, docs, find)
    recycled = []
    for slot, k in enumerate(chosen):
        r = recs[k]
        target = sides[slot][0] or (find(r["path"], r.get("id")), r["start"], r["end"], None)
        source = sides[slot][1] or (find(r["source_path"], r.get("source_id")), r["source_start"],
                                    r["source_end"], None)
        t_match, s_match = _matches(target[3], source[3])
        recycled.append({"t": target[0], "ts": target[1], "te": target[2], "s": source[0], "ss": source[1],
                         "se": source[2], "sim": r.get("similarity"), "tt": target[3], "st": source[3],
                         "tm": t_match, "sm": s_match})
    for r in recs:  # every passage counts in its two documents
        for index in (find(r["path"], r.get("id")), find(r["source_path"], r.get("source_id"))):
            docs[index]["q"] = docs[index].get("q", 0) + 1

    if full_text is None:
        full_text = sum(len(t) for t in texts if isinstance(t, str)) <= FULL_TEXT_BUDGET
    for index, text in enumerate(texts):
        if isinstance(text, str):
            pieces = [[0, text]] if full_text else _excerpts(text, spans[index], passages.get(index, []), rules)
        else:
            pieces = text
        texts[index] = [pieces, spans[index], passages.get(index, [])]

    summary = log.summary or {}
    chars_in = summary.get("chars_in", sum(d["n"] or 0 for d in docs))
    chars_removed = summary.get("chars_removed", sum(d["r"] for d in docs))
    by_rule: dict[str, int] = {}
    for d in docs:
        for rule, count in d["k"].items():
            by_rule[rules[rule]] = by_rule.get(rules[rule], 0) + count
    return {
        "meta": {"log": str(log_path), "version": __version__, "command": log.header.get("command"),
                 "created": log.header.get("created"), "options": log.header.get("options") or {},
                 "full_text": full_text, "context": CONTEXT, "mismatches": mismatches},
        "overview": {"files": summary.get("files", len(log.files)), "documents": len(docs),
                     "chars_in": chars_in, "chars_removed": chars_removed,
                     "edits_by_rule": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
                     "duplicates": len(log.duplicates), "clusters": len(clusters),
                     "recycled": len(log.recycled), "recycled_shown": len(recycled), "errors": len(log.errors)},
        "rules": rules, "kinds": {r: kind_of(r) for r in rules}, "reasons": reasons,
        "kind_labels": KIND_LABELS, "kind_colours": KIND_COLOURS,
        "docs": docs, "texts": texts, "clusters": clusters, "recycled": recycled,
        "errors": [[e.get("path", ""), e.get("reason", "")] for e in log.errors],
    }


def _passage(text, start: int, end: int) -> str | None:
    if not isinstance(text, str):
        return None
    passage = text[start:end]
    if len(passage) > PASSAGE_CAP:
        passage = passage[:PASSAGE_CAP]
    return passage


_WORD = re.compile(r"\w+")


def _matches(a: str | None, b: str | None, min_words: int = 3) -> tuple[list, list]:
    """Character spans of the word runs two passages share (at least ``min_words`` long)."""
    if not a or not b:
        return [], []
    wa, wb = list(_WORD.finditer(a)), list(_WORD.finditer(b))
    matcher = difflib.SequenceMatcher(None, [m.group().lower() for m in wa], [m.group().lower() for m in wb],
                                      autojunk=False)
    out_a, out_b = [], []
    for i, j, size in matcher.get_matching_blocks():
        if size >= min_words:
            out_a.append([wa[i].start(), wa[i + size - 1].end()])
            out_b.append([wb[j].start(), wb[j + size - 1].end()])
    return out_a, out_b


def _clusters(duplicates: list[dict], docs: list[dict], find) -> list[dict]:
    clusters: dict[object, dict] = {}
    for d in duplicates:
        member = find(d["path"], d.get("id"), d.get("line"))
        kept_path = d.get("kept_path", d.get("of_path"))
        kept = find(kept_path, d.get("kept_id", d.get("of_id")))
        of = find(d.get("of_path"), d.get("of_id"))
        key = d.get("cluster", ("kept", kept))
        cluster = clusters.setdefault(key, {"id": d.get("cluster"), "kept": kept, "members": []})
        cluster["members"].append({"d": member, "of": of, "sim": d.get("similarity"),
                                   "ksim": d.get("kept_similarity", d.get("similarity")),
                                   "a": d.get("action", "reported")})
    out = sorted(clusters.values(), key=lambda c: (-len(c["members"]), c["kept"]))
    for number, cluster in enumerate(out):
        docs[cluster["kept"]]["c"] = [number, 1]
        for member in cluster["members"]:
            docs[member["d"]]["c"] = [number, 0, member["sim"]]
    return out


def _excerpts(text: str, doc_spans: list, passages: list, rules: list[str]) -> list:
    """Pieces of ``text`` around the removals and recycled passages (excerpt mode).

    Context: CONTEXT characters around a removal, FORMAT_CONTEXT around a
    formatting one (whitespace, markdown); a removal longer than LONG_SPAN
    shows its two ends; a recycled passage its first PASSAGE_HEAD characters.
    """
    ranges = []
    for start, end, rule, *_ in doc_spans:
        context = FORMAT_CONTEXT if kind_of(rules[rule]) == "format" else CONTEXT
        if end - start > LONG_SPAN:
            ranges.append([start - context, start + LONG_SPAN // 2])
            ranges.append([end - LONG_SPAN // 2, end + context])
        else:
            ranges.append([start - context, end + context])
    for start, end, *_ in passages:
        ranges.append([start - FORMAT_CONTEXT, min(end, start + PASSAGE_HEAD)])
    if not ranges:
        return [[0, text[:PREVIEW]]] if text else []
    ranges.sort()
    merged: list[list[int]] = []
    for start, end in ranges:
        start, end = max(0, start), min(len(text), end)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[start, text[start:end]] for start, end in merged if end > start]


# --------------------------------------------------------------------------- rendering


def _json(value) -> str:
    """JSON safe inside a <script> element: no '<' at all (so no '</script>' or '<!--')."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _chunks(texts: list) -> tuple[list[str], list[int]]:
    """Group the per-document text entries into chunks; returns (chunk JSONs, doc -> chunk)."""
    chunks, where, current, size = [], [], [], 0
    for entry in texts:
        encoded = _json(entry)
        if current and size + len(encoded) > CHUNK_CHARS:
            chunks.append("[" + ",".join(current) + "]")
            current, size = [], 0
        where.append([len(chunks), len(current)])
        current.append(encoded)
        size += len(encoded)
    if current:
        chunks.append("[" + ",".join(current) + "]")
    return chunks, where


def render(data: dict, *, compress: bool | None = None) -> bytes:
    """The HTML file (UTF-8 bytes)."""
    texts = data["texts"]
    chunks, where = _chunks(texts)
    if compress is None:
        compress = sum(len(c) for c in chunks) > COMPRESS_ABOVE
    index = {k: v for k, v in data.items() if k != "texts"}
    index["where"] = where
    index["meta"] = {**index["meta"], "compressed": compress}
    parts = [_HEAD.replace("/*CSS*/", _css())]
    parts.append(_overview_html(data))
    parts.append(_BODY)
    parts.append('<script type="application/json" id="cr-data">' + _json(index) + "</script>\n")
    for number, chunk in enumerate(chunks):
        if compress:
            payload = base64.b64encode(gzip.compress(_utf8(chunk), 6, mtime=0)).decode("ascii")
            parts.append(f'<script type="application/octet-stream" id="cr-t{number}" data-enc="gzip">'
                         f"{payload}</script>\n")
        else:
            parts.append(f'<script type="application/json" id="cr-t{number}">{chunk}</script>\n')
    parts.append("<script>" + _JS + "</script>\n</body>\n</html>\n")
    return _utf8("".join(parts))


def _utf8(text: str) -> bytes:
    # a lone surrogate (from a JSON \\udXXX escape in the corpus) stays a JSON escape
    return text.encode("utf-8", "backslashreplace")


def write(log_path: Path, out: Path, *, full_text: bool | None = None) -> dict:
    """Build the report of ``log_path`` and write it to ``out`` atomically; returns its overview."""
    from .io.writers import write_atomic

    data = build(log_path, full_text=full_text)
    content = render(data)
    write_atomic(Path(out), content)
    return {**data["overview"], "bytes": len(content), "full_text": data["meta"]["full_text"]}


# --------------------------------------------------------------------------- the overview (static HTML + SVG)


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _overview_html(data: dict) -> str:
    o = data["overview"]
    meta = data["meta"]
    kept = o["chars_in"] - o["chars_removed"]
    share = (o["chars_removed"] / o["chars_in"]) if o["chars_in"] else 0
    cells = [
        ("documents", f"{o['documents']:,}", f"in {o['files']:,} file(s)"),
        ("characters kept", f"{kept:,}", f"of {o['chars_in']:,}"),
        ("characters removed", f"{o['chars_removed']:,}", f"{share:.1%}"),
        ("removals", f"{sum(o['edits_by_rule'].values()):,}", f"{len(o['edits_by_rule'])} rule(s)"),
        ("duplicate clusters", f"{o['clusters']:,}", f"{o['duplicates']:,} near-duplicate(s)"),
        ("recycled passages", f"{o['recycled']:,}",
         "" if o["recycled_shown"] == o["recycled"] else f"the longest {o['recycled_shown']:,} shown"),
        ("skipped files", f"{o['errors']:,}", "see below" if o["errors"] else ""),
    ]
    stats = "".join(f'<div class="stat"><div class="v">{_e(v)}</div><div class="l">{_e(label)}</div>'
                    f'<div class="s">{_e(sub)}</div></div>' for label, v, sub in cells)
    notes = []
    if not meta["full_text"]:
        notes.append(f"The corpus is large: documents show excerpts around their removals ({meta['context']} "
                     "characters of context; long removals by their two ends) and recycled passages, not their "
                     "whole text. `cleaner report LOG --full-text` embeds everything.")
    if meta["mismatches"]:
        notes.append(f"{meta['mismatches']} logged edit(s) do not match the rebuilt original text.")
    unavailable = sum(1 for d in data["docs"] if d.get("w"))
    if unavailable:
        notes.append(f"{unavailable} document(s) could not be rebuilt from the log and the cleaned output; "
                     "they show only the removed texts.")
    note_html = "".join(f'<p class="note">{_e(n)}</p>' for n in notes)
    charts = (_chart_box("Removed share per document", _share_chart(data["docs"]))
              + _chart_box("Removals by rule", _rule_chart(o["edits_by_rule"]))
              + _chart_box("Near-duplicate cluster sizes", _cluster_chart(data["clusters"])))
    header = (f'<p class="meta">log <code>{_e(meta["log"])}</code> · command <code>{_e(meta["command"] or "?")}'
              f'</code> · written {_e(meta["created"] or "?")} · cleaner {_e(meta["version"])}</p>')
    return (f'<section id="overview" class="tab on">{header}<div class="stats">{stats}</div>{note_html}'
            f'<div class="charts">{charts}</div><h3>Skipped files</h3><div id="skipped"></div></section>\n')


def _chart_box(title: str, svg: str) -> str:
    return f'<figure class="chart"><figcaption>{_e(title)}</figcaption>{svg}</figure>'


def _bars(labels: list[str], values: list[int], colours: list[str], *, width=360, height=180,
          titles: list[str] | None = None) -> str:
    """A vertical bar chart."""
    if not values or not any(values):
        return '<p class="empty">nothing to show</p>'
    top = max(values)
    n = len(values)
    left, bottom, pad = 34, 34, 4
    plot_w, plot_h = width - left - 6, height - bottom - 10
    bar_w = min(plot_w / n, 48)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img">',
           f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - 6}" y2="{10 + plot_h}" stroke="#888"/>',
           f'<text x="{left - 4}" y="14" text-anchor="end" class="ax">{top:,}</text>',
           f'<text x="{left - 4}" y="{10 + plot_h}" text-anchor="end" class="ax">0</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        h = plot_h * value / top
        x = left + i * bar_w + pad / 2
        title = titles[i] if titles else f"{label}: {value:,}"
        out.append(f'<rect x="{x:.1f}" y="{10 + plot_h - h:.1f}" width="{max(bar_w - pad, 1):.1f}" '
                   f'height="{h:.1f}" fill="{_e(colours[i])}"><title>{_e(title)}</title></rect>')
        out.append(f'<text x="{x + (bar_w - pad) / 2:.1f}" y="{10 + plot_h + 12}" text-anchor="middle" '
                   f'class="ax">{_e(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def _hbars(labels: list[str], values: list[int], colours: list[str], *, width=360) -> str:
    """A horizontal bar chart (one row per label)."""
    if not values:
        return '<p class="empty">nothing removed</p>'
    top = max(values) or 1
    row, left = 16, 118
    height = row * len(values) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img">']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = 4 + i * row
        w = (width - left - 50) * value / top
        out.append(f'<text x="{left - 4}" y="{y + 11}" text-anchor="end" class="ax">{_e(label)}</text>')
        out.append(f'<rect x="{left}" y="{y + 2}" width="{max(w, 1):.1f}" height="{row - 4}" '
                   f'fill="{_e(colours[i])}"><title>{_e(label)}: {value:,}</title></rect>')
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}" class="ax">{value:,}</text>')
    out.append("</svg>")
    return "".join(out)


def _share_chart(docs: list[dict]) -> str:
    counts = [0] * 11
    for d in docs:
        if not d.get("n"):
            continue
        share = d["r"] / d["n"]
        counts[0 if share <= 0 else min(10, 1 + int(share * 10))] += 1
    titles = [f"nothing removed: {counts[0]:,} document(s)"] + [
        f"{10 * i}–{10 * (i + 1)}% removed: {counts[i + 1]:,} document(s)" for i in range(10)]
    labels = ["0"] + [f"<{10 * (i + 1)}" for i in range(10)]
    return _bars(labels, counts, ["#9aa"] + ["#e8875b"] * 10, titles=titles) + \
        '<p class="axis-note">% of the document\'s characters removed</p>'


def _rule_chart(by_rule: dict[str, int]) -> str:
    items = list(by_rule.items())
    return _hbars([r for r, _ in items], [n for _, n in items], [KIND_COLOURS[kind_of(r)] for r, _ in items])


def _cluster_chart(clusters: list[dict]) -> str:
    sizes: dict[int, int] = {}
    for c in clusters:
        size = min(len(c["members"]) + 1, 10)
        sizes[size] = sizes.get(size, 0) + 1
    if not sizes:
        return '<p class="empty">no near-duplicates</p>'
    keys = list(range(2, max(sizes) + 1))
    labels = [f"{k}" if k < 10 else "10+" for k in keys]
    return _bars(labels, [sizes.get(k, 0) for k in keys], ["#ffd24d"] * len(keys),
                 titles=[f"clusters of {label} documents: {sizes.get(k, 0):,}" for k, label in zip(keys, labels)]) + \
        '<p class="axis-note">documents per cluster</p>'


def _css() -> str:
    kinds = "".join(f".k-{k}{{background:{c}}}body.hide-{k} .k-{k}{{background:none;outline:none}}"
                    f".sw-{k}{{background:{c}}}" for k, c in KIND_COLOURS.items())
    return _CSS + kinds


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>cleaner report</title>
<style>/*CSS*/</style>
</head>
<body>
<header><h1>cleaner report</h1>
<nav id="tabs"><button data-tab="overview" class="on">Overview</button><button data-tab="documents">Documents</button><button data-tab="duplicates">Duplicates</button><button data-tab="recycled">Recycled passages</button></nav>
</header>
<main>
"""

_BODY = """<section id="documents" class="tab">
<div class="controls">
<input id="q" type="search" placeholder="search file name or id" aria-label="search by file name">
<select id="rule" aria-label="filter by rule"><option value="">all rules</option></select>
<label><input id="changed" type="checkbox"> changed only</label>
<button id="openall">open all on this page</button>
<span id="count"></span>
</div>
<div id="legend"></div>
<div id="pager-top" class="pager"></div>
<ol id="doclist"></ol>
<div id="pager" class="pager"></div>
</section>
<section id="duplicates" class="tab"><div id="clusterlist"></div><div id="cluster-pager" class="pager"></div></section>
<section id="recycled" class="tab"><div id="recycledlist"></div><div id="recycled-pager" class="pager"></div></section>
</main>
<noscript><p>The documents, duplicates and recycled passages need JavaScript; the overview above does not.</p></noscript>
"""

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#263238;color:#fff;padding:8px 16px;position:sticky;top:0;z-index:2}
header h1{font-size:18px;margin:0 0 6px}
nav button{background:none;border:0;color:#cfd8dc;padding:4px 10px;font:inherit;cursor:pointer;border-bottom:2px solid transparent}
nav button.on{color:#fff;border-bottom-color:#ffd24d}
main{padding:12px 16px;max-width:1300px}
.tab{display:none}.tab.on{display:block}
.meta{color:#666;font-size:12px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.stat{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:130px}
.stat .v{font-size:20px;font-weight:600}.stat .l{color:#444}.stat .s{color:#888;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:14px}
.chart{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0;padding:8px}
.chart figcaption{font-weight:600;margin-bottom:4px}
.ax{font-size:10px;fill:#555}.axis-note{font-size:11px;color:#777;margin:0}
.note{background:#fff8e1;border-left:4px solid #ffb300;padding:6px 10px}
.empty{color:#888}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:6px}
.controls input[type=search]{width:280px;padding:4px}
#legend{margin:6px 0;font-size:12px}#legend label{margin-right:10px;cursor:pointer}
.sw{display:inline-block;width:12px;height:12px;border:1px solid #aaa;vertical-align:-2px;margin-right:3px}
.pager{margin:6px 0}.pager button{margin-right:4px}
#doclist{list-style:none;padding:0;margin:0}
.doc{background:#fff;border:1px solid #ddd;border-radius:4px;margin:4px 0}
.doc>.row{display:flex;gap:10px;padding:4px 8px;cursor:pointer;align-items:baseline}
.doc>.row:hover{background:#f1f5f9}
.doc .name{font-family:ui-monospace,Menlo,Consolas,monospace;flex:1;word-break:break-all}
.doc .num{color:#666;font-size:12px;white-space:nowrap}
.badge{display:inline-block;font-size:11px;border-radius:3px;padding:0 4px;margin-left:3px;border:1px solid rgba(0,0,0,.15)}
.view{border-top:1px solid #eee;padding:8px}
.text{white-space:pre-wrap;word-wrap:break-word;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;background:#fff;margin:0;max-height:70vh;overflow:auto}
mark.rm{color:#222;text-decoration:line-through;text-decoration-color:rgba(0,0,0,.35);border-radius:2px}
mark.rm.off{background:none;text-decoration:none}
mark.ws::before{content:"\\b6";color:#999}
mark.rc,span.rc{background:none;border-bottom:3px solid #e0b000;color:inherit}
mark.rm.rc{border-bottom:3px solid #e0b000}body.hide-passage .rc{border-bottom:none}
.gap{display:block;color:#888;font-style:italic;margin:4px 0;font-family:system-ui,sans-serif}
.warn{color:#a15c00}
.info{color:#555;font-size:12px;margin-bottom:4px}
a{color:#1565c0;cursor:pointer}
.cluster,.rec{background:#fff;border:1px solid #ddd;border-radius:4px;margin:6px 0;padding:6px 10px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.pair .text{max-height:40vh;border:1px solid #eee;padding:4px}
.match{background:#ffe066}
"""

_JS = r"""
(function(){
'use strict';
const D=JSON.parse(document.getElementById('cr-data').textContent);
const PAGE=50;
const docs=D.docs, rules=D.rules, reasons=D.reasons;
const cache={};
const state={q:'',rule:'',changed:false,page:0,list:null};
window.crErrors=window.crErrors||[];
function el(tag,cls,text){const e=document.createElement(tag);if(cls)e.className=cls;if(text!==undefined&&text!==null)e.textContent=String(text);return e;}
function name(i){const d=docs[i];if(!d)return '?';return d.p+(d.i!==undefined?'#'+d.i:'');}
function kind(r){return D.kinds[rules[r]]||'other';}
function fmt(n){return n===null||n===undefined?'?':Number(n).toLocaleString('en');}
function b64(s){const bin=atob(s.trim());const a=new Uint8Array(bin.length);for(let i=0;i<bin.length;i++)a[i]=bin.charCodeAt(i);return a;}
function chunk(n){  // one promise per chunk: read and parsed once, however many documents ask
  if(!cache[n])cache[n]=readChunk(n);
  return cache[n];
}
async function readChunk(n){
  const node=document.getElementById('cr-t'+n);
  let s;
  if(node.dataset.enc==='gzip'){
    if(typeof DecompressionStream==='undefined')throw new Error('this browser cannot decompress the embedded texts (DecompressionStream)');
    const stream=new Blob([b64(node.textContent)]).stream().pipeThrough(new DecompressionStream('gzip'));
    s=await new Response(stream).text();
  }else s=node.textContent;
  return JSON.parse(s);
}
async function textOf(i){const w=D.where[i];const c=await chunk(w[0]);return c[w[1]];}
function docLink(i){const a=el('a','doclink',name(i));a.addEventListener('click',()=>openDoc(i));return a;}
// ---- tabs
function show(tab){
  document.querySelectorAll('#tabs button').forEach(b=>b.classList.toggle('on',b.dataset.tab===tab));
  document.querySelectorAll('.tab').forEach(s=>s.classList.toggle('on',s.id===tab));
}
document.querySelectorAll('#tabs button').forEach(b=>b.addEventListener('click',()=>show(b.dataset.tab)));
// ---- skipped files
(function(){
  const box=document.getElementById('skipped');
  if(!D.errors.length){box.appendChild(el('p','empty','none'));return;}
  const t=el('table');const h=el('tr');h.appendChild(el('th',null,'file'));h.appendChild(el('th',null,'reason'));t.appendChild(h);
  D.errors.forEach(e=>{const r=el('tr');r.appendChild(el('td',null,e[0]));r.appendChild(el('td',null,e[1]));t.appendChild(r);});
  box.appendChild(t);
})();
// ---- controls
const sel=document.getElementById('rule');
rules.map((r,i)=>[r,i]).sort((a,b)=>a[0]<b[0]?-1:1).forEach(([r,i])=>{
  let n=0;docs.forEach(d=>{if(d.k[i])n++;});
  const o=el('option',null,r+' ('+n+' doc'+(n===1?'':'s')+')');o.value=String(i);sel.appendChild(o);
});
const legend=document.getElementById('legend');
legend.appendChild(el('span',null,'highlight: '));
Object.keys(D.kind_labels).filter(k=>k!=='markup').forEach(k=>{
  const l=el('label');const c=el('input');c.type='checkbox';c.checked=true;
  c.addEventListener('change',()=>document.body.classList.toggle('hide-'+k,!c.checked));
  l.appendChild(c);l.appendChild(el('span','sw sw-'+k));l.appendChild(document.createTextNode(D.kind_labels[k]));legend.appendChild(l);
});
const q=document.getElementById('q'),changed=document.getElementById('changed');
q.addEventListener('input',()=>{state.q=q.value.toLowerCase();state.page=0;list();});
sel.addEventListener('change',()=>{state.rule=sel.value;state.page=0;list();});
changed.addEventListener('change',()=>{state.changed=changed.checked;state.page=0;list();});
document.getElementById('openall').addEventListener('click',()=>{document.querySelectorAll('#doclist .doc').forEach(li=>{if(!li.querySelector('.view'))toggle(li);});});
function matching(){
  const out=[];const rule=state.rule===''?null:Number(state.rule);const qq=state.q;
  for(let i=0;i<docs.length;i++){
    const d=docs[i];
    if(rule!==null&&!d.k[rule])continue;
    if(state.changed&&!d.r&&!d.q&&!d.c)continue;
    if(qq&&name(i).toLowerCase().indexOf(qq)<0)continue;
    out.push(i);
  }
  return out;
}
function pager(box,total,page,go){
  box.textContent='';
  const pages=Math.max(1,Math.ceil(total/PAGE));
  if(pages<=1)return;
  const prev=el('button',null,'‹ prev');prev.disabled=page===0;prev.addEventListener('click',()=>go(page-1));
  const next=el('button',null,'next ›');next.disabled=page>=pages-1;next.addEventListener('click',()=>go(page+1));
  box.appendChild(prev);box.appendChild(el('span',null,' page '+(page+1)+' of '+pages+' '));box.appendChild(next);
}
function list(){
  const ids=matching();state.list=ids;
  const pages=Math.max(1,Math.ceil(ids.length/PAGE));if(state.page>=pages)state.page=pages-1;
  document.getElementById('count').textContent=fmt(ids.length)+' of '+fmt(docs.length)+' documents';
  const ol=document.getElementById('doclist');ol.textContent='';
  ids.slice(state.page*PAGE,(state.page+1)*PAGE).forEach(i=>ol.appendChild(row(i)));
  const go=p=>{state.page=p;list();};
  pager(document.getElementById('pager'),ids.length,state.page,go);
  pager(document.getElementById('pager-top'),ids.length,state.page,go);
}
function row(i){
  const d=docs[i];const li=el('li','doc');li.dataset.doc=String(i);
  const r=el('div','row');r.appendChild(el('span','name',name(i)));
  const share=d.n?(100*d.r/d.n):0;
  r.appendChild(el('span','num',(d.n===null?'':fmt(d.n)+' chars · ')+fmt(d.r)+' removed'+(d.n?' ('+share.toFixed(1)+'%)':'')));
  const b=el('span','badges');
  Object.keys(d.k).forEach(k=>{const s=el('span','badge k-'+kind(Number(k)),rules[k]+' '+d.k[k]);b.appendChild(s);});
  if(d.c)b.appendChild(el('span','badge k-passage',d.c[1]?'kept copy':'near-duplicate'));
  if(d.q)b.appendChild(el('span','badge k-passage','recycled ×'+d.q));
  if(d.x)b.appendChild(el('span','badge','dropped'));
  r.appendChild(b);
  r.tabIndex=0;r.setAttribute('role','button');r.setAttribute('aria-expanded','false');
  r.addEventListener('click',()=>toggle(li));
  r.addEventListener('keydown',ev=>{if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();toggle(li);}});
  li.appendChild(r);
  return li;
}
function toggle(li){
  const v=li.querySelector('.view');
  li.firstChild.setAttribute('aria-expanded',v?'false':'true');
  if(v){v.remove();return Promise.resolve();}
  const view=el('div','view');li.appendChild(view);
  return renderDoc(Number(li.dataset.doc),view).catch(err=>{window.crErrors.push(String(err));view.appendChild(el('p','warn',String(err)));});
}
async function renderDoc(i,view){
  const d=docs[i];
  const info=el('div','info');
  const parts=[];
  if(d.l)parts.push('line '+d.l);
  if(d.h)parts.push(fmt(d.h)+' characters of HTML markup not shown');
  if(d.x)parts.push('left out of the output as a near-duplicate');
  info.textContent=parts.join(' · ');
  if(d.c){
    const c=D.clusters[d.c[0]];
    const s=el('span');
    if(d.c[1]){s.appendChild(document.createTextNode(' · kept copy of cluster '+(d.c[0]+1)+' ('+(c.members.length+1)+' documents)'));}
    else{s.appendChild(document.createTextNode(' · near-duplicate (similarity '+d.c[2]+') of cluster '+(d.c[0]+1)+', kept: '));s.appendChild(docLink(c.kept));}
    info.appendChild(s);
  }
  view.appendChild(info);
  if(d.w)view.appendChild(el('p','warn',d.w));
  const entry=await textOf(i);
  const pieces=entry[0],spans=entry[1],pass=entry[2];
  if(!D.meta.full_text&&!d.u)view.appendChild(el('div','info','excerpts only: '+D.meta.context+' characters around each removal'));
  const pre=el('pre','text');pre.dataset.doc=String(i);
  const rule=state.rule===''?null:Number(state.rule);
  pieces.forEach((piece,pi)=>{
    const off=piece[0],str=piece[1],end=off+str.length;
    if(pi===0&&off>0)pre.appendChild(el('span','gap','… '+fmt(off)+' characters …'));
    else if(pi>0){const prev=pieces[pi-1];const gap=off-(prev[0]+prev[1].length);if(gap>0)pre.appendChild(el('span','gap','… '+fmt(gap)+' characters …'));}
    const cuts=new Set([off,end]);
    spans.forEach(s=>{if(s[1]>off&&s[0]<end){cuts.add(Math.max(s[0],off));cuts.add(Math.min(s[1],end));}});
    pass.forEach(p=>{if(p[1]>off&&p[0]<end){cuts.add(Math.max(p[0],off));cuts.add(Math.min(p[1],end));}});
    const pts=Array.from(cuts).sort((a,b)=>a-b);
    for(let k=0;k+1<pts.length;k++){
      const a=pts[k],b=pts[k+1];if(b<=a)continue;
      const txt=str.slice(a-off,b-off);
      let s=null;for(const x of spans){if(x[0]<=a&&x[1]>=b&&x[1]>x[0]){s=x;break;}}
      const ps=pass.filter(p=>p[0]<=a&&p[1]>=b);
      if(!s&&!ps.length){pre.appendChild(document.createTextNode(txt));continue;}
      const m=el('mark',null,txt);const titles=[];
      if(s){
        m.className='rm k-'+kind(s[2]);m.dataset.e=String(s[5]);m.dataset.rule=rules[s[2]];
        if(/^\s+$/.test(txt))m.classList.add('ws');
        if(rule!==null&&s[2]!==rule)m.classList.add('off');
        titles.push(rules[s[2]]+' ('+D.kind_labels[kind(s[2])]+'): '+reasons[s[4]]+' — score '+s[3]);
      }
      if(ps.length){
        m.classList.add('rc');
        ps.forEach(p=>{const r=D.recycled[p[2]];titles.push(p[3]===0?'duplicate passage, recycled from '+name(r.s)+' (similarity '+r.sim+')':'duplicate passage, recycled by '+name(r.t)+' (similarity '+r.sim+')');});
      }
      m.title=titles.join('\n');
      pre.appendChild(m);
    }
    if(pi===pieces.length-1&&d.n!==null&&end<d.n)pre.appendChild(el('span','gap','… '+fmt(d.n-end)+' characters …'));
  });
  if(!pieces.length)pre.appendChild(el('span','gap',d.u?'(no text in this log)':'(empty)'));
  view.appendChild(pre);
  if(d.q&&d.q>pass.length)view.appendChild(el('div','info',fmt(d.q)+' recycled passage(s) involve this document; '+fmt(pass.length)+' shown (the longest of the corpus).'));
  if(pass.length){
    const ul=el('ul');
    pass.forEach(p=>{const r=D.recycled[p[2]];const li=el('li');
      li.appendChild(document.createTextNode(p[3]===0?'recycled passage from ':'passage recycled by '));
      li.appendChild(docLink(p[3]===0?r.s:r.t));li.appendChild(document.createTextNode(' (similarity '+r.sim+') '));
      const a=el('a',null,'side by side');a.addEventListener('click',()=>openRecycled(p[2]));li.appendChild(a);ul.appendChild(li);});
    view.appendChild(ul);
  }
}
function openDoc(i){
  show('documents');q.value='';sel.value='';changed.checked=false;state.q='';state.rule='';state.changed=false;
  const ids=matching();state.page=Math.floor(ids.indexOf(i)/PAGE);list();
  const li=document.querySelector('#doclist .doc[data-doc="'+i+'"]');
  if(li){if(!li.querySelector('.view'))toggle(li);li.scrollIntoView();}
}
// ---- duplicates
const cstate={page:0};
function clusters(){
  const box=document.getElementById('clusterlist');box.textContent='';
  if(!D.clusters.length){box.appendChild(el('p','empty','No near-duplicate documents.'));return;}
  D.clusters.slice(cstate.page*PAGE,(cstate.page+1)*PAGE).forEach((c,k)=>{
    const n=cstate.page*PAGE+k;const div=el('div','cluster');div.dataset.cluster=String(n);
    div.appendChild(el('b',null,'Cluster '+(n+1)+' · '+(c.members.length+1)+' documents'));
    const t=el('table');const h=el('tr');['document','role','similarity to kept','verified against','similarity','action'].forEach(x=>h.appendChild(el('th',null,x)));t.appendChild(h);
    const kr=el('tr');const kd=el('td');kd.appendChild(docLink(c.kept));kr.appendChild(kd);kr.appendChild(el('td',null,'kept'));['','','',''].forEach(x=>kr.appendChild(el('td',null,x)));t.appendChild(kr);
    c.members.forEach(m=>{const r=el('tr');const a=el('td');a.appendChild(docLink(m.d));r.appendChild(a);r.appendChild(el('td',null,'copy'));
      r.appendChild(el('td',null,m.ksim));const o=el('td');o.appendChild(docLink(m.of));r.appendChild(o);r.appendChild(el('td',null,m.sim));r.appendChild(el('td',null,m.a));t.appendChild(r);});
    div.appendChild(t);box.appendChild(div);
  });
  pager(document.getElementById('cluster-pager'),D.clusters.length,cstate.page,p=>{cstate.page=p;clusters();});
}
// ---- recycled passages
const rstate={page:0};
function highlighted(text,spans,length){
  const pre=el('pre','text');
  if(text===null||text===undefined){pre.appendChild(el('span','gap','(text not available)'));return pre;}
  let at=0;spans.forEach(s=>{if(s[0]>at)pre.appendChild(document.createTextNode(text.slice(at,s[0])));pre.appendChild(el('mark','match',text.slice(s[0],s[1])));at=s[1];});
  if(at<text.length)pre.appendChild(document.createTextNode(text.slice(at)));
  if(length>text.length)pre.appendChild(el('span','gap','… '+fmt(length-text.length)+' more characters'));
  return pre;
}
function recycledList(){
  const box=document.getElementById('recycledlist');box.textContent='';
  if(!D.recycled.length){box.appendChild(el('p','empty','No recycled passages.'));return;}
  if(D.overview.recycled>D.recycled.length)box.appendChild(el('p','note','Showing the '+fmt(D.recycled.length)+' longest of '+fmt(D.overview.recycled)+' recycled passages (all are in the change log).'));
  D.recycled.slice(rstate.page*PAGE,(rstate.page+1)*PAGE).forEach((r,k)=>{
    const n=rstate.page*PAGE+k;const div=el('div','rec');div.id='rec-'+n;
    const head=el('div');head.appendChild(el('b',null,'Passage '+(n+1)+' · similarity '+r.sim+' '));box.appendChild(div);div.appendChild(head);
    const pair=el('div','pair');
    const left=el('div');const lh=el('div');lh.appendChild(document.createTextNode('recycled in '));lh.appendChild(docLink(r.t));lh.appendChild(document.createTextNode(' ['+r.ts+'–'+r.te+')'));left.appendChild(lh);left.appendChild(highlighted(r.tt,r.tm,r.te-r.ts));
    const right=el('div');const rh=el('div');rh.appendChild(document.createTextNode('source '));rh.appendChild(docLink(r.s));rh.appendChild(document.createTextNode(' ['+r.ss+'–'+r.se+')'));right.appendChild(rh);right.appendChild(highlighted(r.st,r.sm,r.se-r.ss));
    pair.appendChild(left);pair.appendChild(right);div.appendChild(pair);
  });
  pager(document.getElementById('recycled-pager'),D.recycled.length,rstate.page,p=>{rstate.page=p;recycledList();});
}
function openRecycled(n){show('recycled');rstate.page=Math.floor(n/PAGE);recycledList();const e=document.getElementById('rec-'+n);if(e)e.scrollIntoView();}
list();clusters();recycledList();
window.cleanerReport={data:D,list:list,openDoc:openDoc,textOf:textOf,toggle:toggle,ready:true};
document.body.dataset.ready='1';
})();
"""
