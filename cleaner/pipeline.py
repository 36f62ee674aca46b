"""Run the detectors over documents and corpora.

The stages: read files -> corpus pass (line counts) -> per-document
detection -> resolve -> dedup over the cleaned texts. Nothing here writes
files; ``cleaner.output`` and ``cleaner.changelog`` do that.
"""
from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from . import edits as E
from .document import Document, Edit
from .io.jsonl import literal_for
from .line_counts import LineCounts, LineSurvey
from .io.readers import DEFAULT_MAX_BYTES, ReadError, SourceFile, Unit, discover, read_source
from .rules import RuleContext

if TYPE_CHECKING:
    from .dedup import Corpus


MAX_ROUNDS = 3  # detection passes per document (see detect_edits)


@dataclass
class Options:
    lang: str | None = None  # the corpus language; detected per document when None
    text_field: str = "text"
    id_field: str = "id"
    max_bytes: int = DEFAULT_MAX_BYTES
    dedup: bool = True
    threshold: float = 0.8  # word-5-gram Jaccard for near-duplicate documents
    min_passage_words: int = 12
    keep: str = "longest"  # which copy of a near-duplicate cluster is kept: "longest" or "first"
    drop_duplicates: bool = False  # leave the other copies out of the cleaned output (logged as dropped)
    workers: int = 1  # processes cleaning documents; 0: one per core
    engine: str = "local"  # "local" (a process pool) or "dask" (see cleaner.dask_engine)
    scheduler: str | None = None  # --engine dask: a running scheduler's address; None: a local cluster


@dataclass
class UnitResult:
    unit: Unit
    edits: list[Edit]  # resolved, over unit.source
    cleaned: str  # the document's cleaned text
    lang: str | None
    dropped: bool = False  # a near-duplicate left out of the output (--drop-duplicates)

    @property
    def changed(self) -> bool:
        return any(e.rule != "html-markup" for e in self.edits)


@dataclass
class FileResult:
    source: SourceFile
    units: list[UnitResult]

    def output_text(self) -> str:
        """The cleaned file: text for txt/html, the records rewritten for JSONL."""
        if self.source.format != "jsonl":
            return self.units[0].cleaned if self.units else ""
        return "\n".join(self.output_lines())

    def output_lines(self) -> list[str]:
        """A JSONL file's (or part's) cleaned lines; dropped records are left out."""
        lines = self.source.text.split("\n")
        first = self.source.first_line  # a part of a file: its lines only
        dropped = set()
        for result in self.units:
            if result.dropped:
                dropped.add(result.unit.line - first)
            elif result.edits:
                line = lines[result.unit.line - first]
                record = result.unit.record
                old = line[record.literal_start:record.literal_end]
                lines[result.unit.line - first] = (
                    line[: record.literal_start] + literal_for(result.cleaned, old) + line[record.literal_end:]
                )
        if dropped:
            lines = [line for number, line in enumerate(lines) if number not in dropped]
        return lines

    @property
    def dropped(self) -> bool:
        """A txt/html file that is a dropped near-duplicate: no output is written."""
        return self.source.format != "jsonl" and any(u.dropped for u in self.units)

    @property
    def changed(self) -> bool:
        return any(u.changed for u in self.units)


@dataclass
class Run:
    files: list[FileResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), incl. bad JSONL lines
    duplicates: list = field(default_factory=list)  # cleaner.dedup.DuplicateMatch
    recycled: list = field(default_factory=list)  # cleaner.dedup.RecycledMatch
    unit_by_key: dict[str, UnitResult] = field(default_factory=dict)
    refs: dict[str, "DocRef"] = field(default_factory=dict)  # every document, by key
    totals: "Totals" = field(default_factory=lambda: Totals())

    def edit_counts(self) -> Counter:
        return self.totals.edits


def clean_text(text: str, *, lang: str | None = None, ctx: RuleContext | None = None) -> tuple[str, list[Edit]]:
    """Clean one plain text: returns (cleaned text, edits over ``text``).

    The library entry point for notebooks: ``clean_text(open(p).read())``.
    Newlines should be LF (``cleaner.io.encoding.decode`` normalises them).
    """
    doc = Document(text, lang=lang)
    edits, _ = detect_edits(doc, ctx or RuleContext())
    return E.apply(text, edits), edits


def detect_edits(doc: Document, ctx: RuleContext) -> tuple[list[Edit], str | None]:
    """Run every detector on ``doc``; return resolved edits and the language used."""
    from .rules.registry import detect_all

    lang, given = doc.lang, doc.lang is not None
    if lang is None:
        from .rules.language import document_language

        lang = document_language(doc.text)
    ctx = RuleContext(lang=lang, lang_given=given, line_counts=ctx.line_counts, n_docs=ctx.n_docs)
    edits: list[Edit] = []
    text = doc.text
    # Removing a line can expose another (chrome hiding a repeated title): look
    # again at the cleaned text until nothing more is proposed, so that
    # cleaning cleaned output changes nothing.
    for _ in range(MAX_ROUNDS):
        # Reader facts (HTML structure) hold offsets of the first text only.
        meta = doc.meta if not edits else {}
        proposed = E.resolve(detect_all(Document(text, doc.path, doc.id, lang, doc.format, meta), ctx))
        if not proposed:
            break
        round_edits = E.resolve(proposed + E.tidy_blank_lines(text, proposed))
        edits = E.compose(doc.text, edits, round_edits) if edits else round_edits
        text = E.apply(doc.text, edits)
    return edits, lang


def clean_unit(unit: Unit, ctx: RuleContext) -> UnitResult:
    edits, lang = detect_edits(unit.doc, ctx)
    cleaned = E.apply(unit.doc.text, edits)
    if unit.base:
        edits = E.compose(unit.source, unit.base, edits)
    return UnitResult(unit, edits, cleaned, lang)


# Raw texts at least this alike (word-5-gram Jaccard) are copies of one article
# for the corpus line counts: lightly edited copies still share most lines.
COPY_THRESHOLD = 0.5


def copy_groups(raw: Corpus) -> list[int]:
    """For each document of ``raw`` (its texts as read), the index of the first
    document of its group of copies (verified pairs with Jaccard >= COPY_THRESHOLD)."""
    from .dedup.minhash import components, verified_pairs

    return components(raw.n, verified_pairs(raw, threshold=COPY_THRESHOLD))


def line_counts(units: Iterable[Unit], raw: Corpus | None = None) -> LineCounts:
    """In how many articles each normalised line occurs (site templates repeat).

    Pages of one site share their template, not their article; copies of one
    article share the article. So copies count once: a line counts once for
    each group of copies (:func:`copy_groups`, MinHash over the raw texts), or
    the article's paragraphs would look like a template to the line classifier.
    ``raw``: the units' texts already hashed by :func:`cleaner.dedup.prepare`.
    """
    from .dedup import prepare

    units = list(units)
    raw = prepare([u.doc.text for u in units]) if raw is None else raw
    survey = LineSurvey()
    for unit in units:
        survey.add(document_lines(unit.doc.text))
    return survey.counts(copy_groups(raw))


def document_lines(text: str) -> Iterator[str]:
    """The normalised non-blank lines of a document, as the corpus counts them."""
    from .rules.chrome import normalized_line

    return (normalized_line(line) for line in text.split("\n") if line.strip())


def read_all(
    paths: list[Path], options: Options, *, exclude=(), force_exclude: bool = False
) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Read every input file; ``exclude`` regexes skip walked files (and named ones with ``force_exclude``)."""
    sources: list[SourceFile] = []
    errors: list[tuple[str, str]] = []
    def unreadable(folder: str, reason: str) -> None:
        errors.append((folder, f"folder not read: {reason}"))

    for path, rel in discover(paths, exclude=exclude, force_exclude=force_exclude, on_error=unreadable):
        try:
            source = read_source(
                path, rel, lang=options.lang, text_field=options.text_field,
                id_field=options.id_field, max_bytes=options.max_bytes,
            )
        except (ReadError, RecursionError) as exc:
            errors.append((str(path), str(exc) or type(exc).__name__))
            continue
        for line_no, reason in source.record_errors:
            errors.append((f"{path}:{line_no}", reason))
        sources.append(source)
    return sources, errors


# The per-document work of a run, in this process or a pool of forked
# workers that inherit the corpus counts. The documents travel in pieces of
# at most CHUNK_DOCS documents of one file (a single large JSONL file keeps
# every worker busy too), a bounded number in flight; only edits and cleaned
# texts come back. Results arrive in order either way, so a run's outputs and
# log do not depend on --workers.
MIN_DOCS_PER_WORKER = 4  # fewer documents than this per worker: not worth starting processes
CHUNK_DOCS = 64
_POOL_CTX: RuleContext | None = None


def _clean_unit_list(units: list[Unit], ctx: RuleContext):
    """``[(edits, cleaned text, language)]`` per unit, or the error message."""
    try:
        return [(r.edits, r.cleaned, r.lang) for r in (clean_unit(u, ctx) for u in units)]
    except (Exception, RecursionError) as exc:
        return f"not cleaned: internal error ({type(exc).__name__}: {exc}); please report it"


def _clean_piece(units: list[Unit]):
    return _clean_unit_list(units, _POOL_CTX)


def _worker_init(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is the parent's to handle, and the worker
    dies with its parent (after a SIGKILL nothing else would end it: the
    workers hold each other's end of the task queue open and wait forever)."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1  # <sys/prctl.h>; Linux only
        if libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):  # not Linux: nothing to ask
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def effective_workers(workers: int, n_docs: int) -> int:
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if workers <= 0:  # the cores this process may run on (a CPU affinity or cgroup set narrows them)
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    else:
        wanted = workers
    return max(1, min(wanted, n_docs // MIN_DOCS_PER_WORKER))


# Between the passes of a run, what each document leaves in memory is a
# DocRef (where it is, and its edits to map cleaned offsets back to the
# original); its texts live in the dedup stages, on disk when large.
HOLD_CHARS = 1 << 25  # a corpus of up to ~32M characters (~150 MB as objects) is held, not read twice
STAGE_SPILL_BYTES = 1 << 28  # dedup hashes beyond this go to stage files (see cleaner.dedup.stage)
# A run that does not clean (cleaner dedup) holds no line counts, second stage or
# workers: its one stage stays in memory longer, where the dedup passes are faster.
AS_READ_SPILL_BYTES = 1 << 30


@dataclass(slots=True)
class DocRef:
    key: str
    path: str
    id: str | None
    line: int | None  # JSONL: 0-based line of the record in its file
    edits: list[Edit] | None  # None when unchanged
    dropped: bool = False


@dataclass
class Totals:
    files: int = 0
    documents: int = 0
    changed_files: int = 0
    chars_in: int = 0
    chars_out: int = 0
    edits: Counter = field(default_factory=Counter)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a corpus pass (as it was after).

    A pass makes a few objects per document that live to the end of the run
    (refs, findings; when cleaning, every document's edits and the per-line
    caches) and no cycles of them; the collector's full passes over that
    growing heap were ~6% of ``cleaner dedup``'s time at 100k documents and
    ~10-15% of cleaning the 347 chrome eval pages (a test checks that
    cleaning leaves no cycles behind).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class CorpusRun:
    """One run over a corpus, in passes that keep little per document.

    1. :meth:`survey` reads every file once (read errors are recorded): the
       corpus line counts and the hashes of the texts as read (dedup stage).
    2. :meth:`results` reads the files again (a small corpus is held instead),
       cleans them piece by piece in the engine, and yields a FileResult per
       part of a file, in order: the caller writes it and lets it go.
    3. :meth:`find_duplicates` runs over the staged hashes of the cleaned texts.

    ``sources``: files already read (held; no paths are read). ``accept(first
    part)`` may refuse a file with a reason (recorded as an error) before it
    is surveyed. ``stage_dir``: where the dedup stages spill (None: a
    temporary folder, removed by :meth:`close`). ``checkpoint``
    (:class:`cleaner.checkpoint.Checkpoint`, with ``paths``): save each pass's
    outcome as it goes, and reuse what a killed run over the same inputs saved
    (the stages then spill into its folder).
    """

    def __init__(self, options: Options, *, paths: list[Path] | None = None,
                 sources: list[SourceFile] | None = None, exclude=(), force_exclude: bool = False,
                 clean: bool = True, accept: Callable[[SourceFile], str | None] | None = None,
                 progress: Callable[[int], None] | None = None, stage: Callable[[str], None] | None = None,
                 stage_dir: Path | None = None, checkpoint=None):
        self.options = options
        self.clean = clean
        self.paths, self.exclude, self.force_exclude = paths or [], exclude, force_exclude
        self._held: list[list[SourceFile]] | None = [[s] for s in sources] if sources is not None else None
        self._given = sources is not None
        self.accept = accept
        self.progress, self.stage = progress, stage
        self.files: list[SourceFile] = []  # the first part of every file taken (texts of unheld files dropped)
        self.errors: list[tuple[str, str]] = []
        self.refs: dict[str, DocRef] = {}
        self.totals = Totals()
        self.duplicates: list = []
        self.recycled: list = []
        self.n_docs = 0
        self.ctx = RuleContext()
        self._tmp = None
        self._stage_dir = stage_dir
        self.checkpoint = checkpoint
        if checkpoint is not None:
            if sources is not None:
                raise ValueError("a checkpoint is for runs over paths")
            self._stage_dir = checkpoint.folder
        self._found: list[tuple[Path, str]] | None = None  # the files to survey, when listed first
        self.reused = {"survey": False, "parts": 0, "dedup": False}  # what came from the checkpoint
        self._fresh_parts = 0  # parts cleaned in this run
        self._raw = self._cleaned = None
        self._cleaned_texts: list[str] | None = None
        self._aligned = True  # the cleaned stage holds every surveyed document, in order

    # ------------------------------------------------------------------ helpers
    def _begin(self, what: str) -> None:
        if self.stage is not None:
            self.stage(what)

    def _stage_folder(self, name: str) -> Path:
        if self._stage_dir is None and self._tmp is None:
            import os
            import tempfile

            self._tmp = tempfile.TemporaryDirectory(prefix=f"{_STAGE_PREFIX}{os.getpid()}-")
            self._stage_dir = Path(self._tmp.name)
        return self._stage_dir / name

    def _new_stage(self, name: str, keep_offsets: bool, spill_bytes: int = 0):
        from .dedup.stage import CorpusStage

        # files already read are in memory anyway: their hashes stay there too (faster);
        # otherwise the stage's folder is written once the stage outgrows STAGE_SPILL_BYTES
        if self._given:
            chars = sum(len(u.doc.text) for parts in self._held for part in parts for u in part.units)
            return CorpusStage(None, keep_offsets=keep_offsets, expect_chars=chars)
        return CorpusStage(self._stage_folder(name), keep_offsets=keep_offsets,
                           spill_bytes=spill_bytes or STAGE_SPILL_BYTES)

    def _read_file(self, path: Path, rel: str) -> Iterator[SourceFile]:
        o = self.options
        from .io.readers import read_parts

        # a run that does not clean writes no JSONL: its records' literals are not located
        return read_parts(path, rel, lang=o.lang, text_field=o.text_field, id_field=o.id_field,
                          max_bytes=o.max_bytes, locate=self.clean)

    def _first_pass_files(self) -> Iterator[tuple[Path, Iterable[SourceFile]]]:
        """(path, its parts) of every file: given ones, or read as they are found."""
        if self._given:
            for parts in self._held:
                yield parts[0].path, parts
            return
        for path, rel in self._found if self._found is not None else self._discover():
            yield path, self._read_file(path, rel)

    def _discover(self) -> Iterator[tuple[Path, str]]:
        def unreadable(folder: str, reason: str) -> None:
            self.errors.append((folder, f"folder not read: {reason}"))

        return discover(self.paths, exclude=self.exclude, force_exclude=self.force_exclude, on_error=unreadable)

    # ------------------------------------------------------------------ pass 1
    def survey(self) -> None:
        """Read every file; count lines and stage the raw hashes (see the class docstring)."""
        if not self._given:
            _remove_stale_stages()  # what killed runs left in the temporary folder
        if self.checkpoint is not None:
            self._found = list(self._discover())
            if self.checkpoint.begin(self._found, self.options) and self._resume_survey():
                return
        if self.clean:
            self._begin("counting lines across the corpus")
        lines = LineSurvey()
        raw = self._new_stage("raw", keep_offsets=False) if self.clean else None
        as_read = None
        if not self.clean:  # not cleaning: the survey takes the documents as they are, once
            self._begin("reading documents")
            self._cleaned_texts = [] if self._given else None
            if self.options.dedup:
                # the tokens' offsets in the texts (not the texts) place the recycled passages
                self._cleaned = self._new_stage("cleaned", keep_offsets=not self._given,
                                                spill_bytes=AS_READ_SPILL_BYTES)
                as_read = _StageFeeder(self._cleaned, self.options.workers)
        try:
            self._survey_files(lines, raw, as_read)
        except BaseException:
            if as_read is not None:
                as_read.abort()
            raise
        if as_read is not None:
            as_read.finish()
        self.totals.files = len(self.files)
        if self.clean:
            self._raw = raw
            raw_corpus = raw.finish()
            self.ctx = RuleContext(line_counts=lines.counts(copy_groups(raw_corpus)), n_docs=self.n_docs)
        else:
            self.ctx = RuleContext(n_docs=self.n_docs)
        if self.checkpoint is not None:
            if raw is not None:
                raw.save()
            self.checkpoint.save_survey({
                "files": [_header(f) for f in self.files], "errors": self.errors, "n_docs": self.n_docs,
                "aligned": self._aligned, "line_counts": self.ctx.line_counts})

    def _survey_files(self, lines: LineSurvey, raw, as_read: "_StageFeeder | None") -> None:
        """The survey's loop over the files and their parts (see :meth:`survey`)."""
        held: list[list[SourceFile]] | None = []
        held_chars = 0
        for path, parts in self._first_pass_files():
            taken: list[SourceFile] = []
            docs = 0
            try:
                for part in parts:
                    if not taken and self.accept is not None and (why := self.accept(part)):
                        self.errors.append((str(part.path), why))
                        break
                    if not self._given:  # (files given already read: their reader reported them)
                        self.errors.extend((f"{part.path}:{line_no}", reason) for line_no, reason in part.record_errors)
                    texts = [u.doc.text for u in part.units]
                    if self.clean:
                        for text in texts:
                            lines.add(document_lines(text))
                        raw.add(texts)
                    else:
                        self._take_as_read(part, texts, as_read)
                    docs += len(texts)
                    held_chars += sum(map(len, texts))
                    if held is not None and held_chars > HOLD_CHARS and not self._given:
                        held = None  # too big to hold: the second pass reads the files again
                        taken = [_header(t) for t in taken[:1]]
                    # an unheld file keeps only its first part's facts, without texts
                    if held is not None or not taken:
                        taken.append(part if held is not None else _header(part))
            except (ReadError, RecursionError) as exc:
                self.errors.append((str(path), str(exc) or type(exc).__name__))
                if docs:  # failed midway: documents of it are in the stage, but not in the run
                    self._aligned = False
                continue
            if not taken:
                continue
            self.files.append(taken[0])
            self.n_docs += docs
            if held is not None:
                held.append(taken)
        if held is not None:
            self._held = held

    def _take_as_read(self, part: SourceFile, texts: list[str], as_read: "_StageFeeder | None") -> None:
        # what _account does for a part without edits, without a result object per document
        t, refs = self.totals, self.refs
        chars = sum(map(len, texts))
        t.documents += len(texts)
        t.chars_in += chars
        t.chars_out += chars
        for u in part.units:
            doc = u.doc
            key = doc.key
            refs[key] = DocRef(key, doc.path, doc.id, u.line, None)
        if as_read is not None:
            as_read.add(texts)
        if self._cleaned_texts is not None:
            self._cleaned_texts.extend(texts)
        if self.progress is not None:
            self.progress(len(texts))

    def _resume_survey(self) -> bool:
        """Take the survey a killed run saved; False if there is none (or it is damaged)."""
        saved = self.checkpoint.load_survey()
        if saved is None:
            return False
        raw = None
        if self.clean:
            from .dedup.stage import CorpusStage

            try:
                raw = CorpusStage.load(self._stage_folder("raw"))
            except (OSError, ValueError, KeyError):
                return False
        self.files, self.errors, self.n_docs = saved["files"], saved["errors"], saved["n_docs"]
        self._aligned, self._held, self._raw = saved["aligned"], None, raw
        self.totals.files = len(self.files)
        self.ctx = RuleContext(line_counts=saved["line_counts"], n_docs=self.n_docs)
        self.reused["survey"] = True
        return True

    # ------------------------------------------------------------------ pass 2
    def _parts(self) -> Iterator[tuple[int, SourceFile]]:
        """(file number, part) of every file taken in the survey, read again unless held."""
        for number, first in enumerate(self.files):
            if self._held is not None:
                for part in self._held[number]:
                    yield number, part
                continue
            try:
                for part in self._read_file(first.path, first.rel):
                    yield number, part
            except (ReadError, RecursionError) as exc:
                self.errors.append((str(first.path), f"not read again: {exc}"))
                self._aligned = False
                yield number, None  # the file's outcome: failed

    def results(self) -> Iterator[FileResult]:
        """Each part of each file, cleaned, in order.

        A run that does not clean took its documents in the survey: this gives
        back the parts it held, as read (none of a corpus too large to hold)."""
        if not self.clean:
            for parts in self._held or ():
                for part in parts:
                    yield FileResult(part, [UnitResult(u, [], u.doc.text, u.doc.lang) for u in part.units])
            return
        self._begin("cleaning documents")
        dedup = self.options.dedup
        # files given already read: their results are held by the caller, so the
        # cleaned texts are kept by reference (no token offsets kept in the stage)
        cleaned = self._new_stage("cleaned", keep_offsets=not self._given) if dedup else None
        self._cleaned = cleaned
        self._cleaned_texts = [] if self._given else None
        failed: set[int] = set()
        changed = False  # the current file's parts so far
        for number, part, outcome in self._outcomes():
            if number in failed:
                continue
            if part is None or isinstance(outcome, str):  # a detector bug stops this file, not the run
                failed.add(number)
                if isinstance(outcome, str):
                    self.errors.append((str(self.files[number].path), outcome))
                self._aligned = False
                self.totals.files -= 1
                continue
            units = [UnitResult(u, edits, text, lang) for u, (edits, text, lang) in zip(part.units, outcome)]
            result = FileResult(part, units)
            changed = result.changed or (changed and part.first_line > 0)
            if part.last and changed:
                self.totals.changed_files += 1
            self._account(result)
            if cleaned is not None:
                texts = [u.cleaned for u in units]
                cleaned.add(texts)
                if self._cleaned_texts is not None:
                    self._cleaned_texts.extend(texts)
            yield result

    def _outcomes(self) -> Iterator[tuple[int, SourceFile | None, list | str | None]]:
        """(file number, part, outcome) of every part: from the checkpoint for the parts a
        killed run had cleaned, then from the engine (saved to the checkpoint as they come)."""
        parts = self._parts()
        checkpoint = self.checkpoint
        if checkpoint is None:
            yield from _clean_parts(parts, self.ctx, self.options, self.progress)
            return
        for key, outcome in checkpoint.saved_parts():
            item = next(parts, None)
            if item is None:
                break
            number, part = item
            if part is None or key != _part_key(number, part):  # no longer in line: cleaned from here
                parts = _chain([item], parts)
                break
            self.reused["parts"] += 1
            if self.progress is not None:
                self.progress(len(part.units))
            yield number, part, outcome
        checkpoint.continue_parts()
        for number, part, outcome in _clean_parts(parts, self.ctx, self.options, self.progress):
            if part is not None:
                checkpoint.add_part(_part_key(number, part), outcome)
                self._fresh_parts += 1
            yield number, part, outcome
        checkpoint.parts_done()

    def _account(self, result: FileResult) -> None:
        t = self.totals
        for u in result.units:
            doc = u.unit.doc
            t.documents += 1
            t.chars_in += len(doc.text)
            t.chars_out += len(u.cleaned)
            t.edits.update(e.rule for e in u.edits if e.rule != "html-markup")
            self.refs[doc.key] = DocRef(doc.key, doc.path, doc.id, u.unit.line, u.edits or None)

    # ------------------------------------------------------------------ pass 3
    def find_duplicates(self) -> None:
        """Near-duplicates and recycled passages of the cleaned texts (after :meth:`results`)."""
        if not self.options.dedup or self._cleaned is None:
            return
        from .dedup import find_duplicates, find_recycled
        from .dedup.stage import StagedDocs

        self._begin("finding near-duplicates and recycled passages")
        corpus = self._cleaned.finish()
        if self._cleaned_texts is not None:
            docs = list(zip(self.refs, self._cleaned_texts))
        else:
            docs = StagedDocs(list(self.refs), self._cleaned)
        saved = None
        if self.checkpoint is not None and self._fresh_parts == 0 and self.reused["parts"]:
            saved = self.checkpoint.load_dedup()  # every part as the killed run had it: so are its findings
        if saved is not None:
            self.duplicates, self.recycled = saved
            self.reused["dedup"] = True
        else:
            # the texts before cleaning let copies that were cleaned unevenly still pair up
            originals = self._raw.finish() if self._raw is not None and self._aligned else None
            self.duplicates = find_duplicates(docs, threshold=self.options.threshold, keep=self.options.keep,
                                              corpus=corpus, originals=originals)
            originals = None
            self.recycled = find_recycled(docs, self.duplicates, min_words=self.options.min_passage_words,
                                          corpus=corpus)
            if self.checkpoint is not None:
                self.checkpoint.save_dedup((self.duplicates, self.recycled))
        self._raw = None
        if self.options.drop_duplicates:
            for match in self.duplicates:
                self.refs[match.key].dropped = True

    def edit_counts(self) -> Counter:
        return self.totals.edits

    def __enter__(self) -> "CorpusRun":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the dedup stages and remove their temporary folder."""
        for stage in (self._raw, self._cleaned):
            if stage is not None:
                stage.close()
        self._raw = self._cleaned = None
        self._cleaned_texts = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


_STAGE_PREFIX = "cleaner-stage-"


def _remove_stale_stages() -> None:
    """Remove the stage folders of runs that were killed (their process is gone):
    a killed run over a large corpus would otherwise leave gigabytes in TMPDIR."""
    import os
    import re
    import shutil
    import tempfile

    base = Path(tempfile.gettempdir())
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        found = re.fullmatch(re.escape(_STAGE_PREFIX) + r"(\d+)-\w+", name)
        if not found:
            continue
        try:
            os.kill(int(found.group(1)), 0)
            continue  # its run is still going (or the number is another live process's): leave it
        except ProcessLookupError:
            shutil.rmtree(base / name, ignore_errors=True)
        except (PermissionError, OverflowError):
            continue


class _StageFeeder:
    """Adds batches of texts to a dedup stage in order; once ``POOL_CHARS``
    characters have come (a corpus worth it), the hashing is done by forked
    workers, a bounded number of batches in flight (``workers`` 0: one per core)."""

    POOL_CHARS = 8_000_000

    def __init__(self, stage, workers: int) -> None:
        self.stage = stage
        self.workers = effective_workers(workers, 1 << 30)
        self.chars = 0
        self.pool = None
        self.window = None

    def add(self, texts: list[str]) -> None:
        self.chars += sum(map(len, texts))
        if self.pool is None and self.workers > 1 and self.chars > self.POOL_CHARS:
            self._start()
        if self.pool is None:
            self.stage.add(texts)
            return
        from .dedup.stage import hash_batch

        self.window.append((texts, self.pool.submit(hash_batch, texts, self.stage.chunk_chars, self.stage.width,
                                                    self.stage.keep_offsets)))
        while len(self.window) > 4 * self.workers:
            self._append_oldest()

    def _start(self) -> None:
        import multiprocessing
        import os
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor

        self.window = deque()
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_worker_init, initargs=(os.getpid(),))

    def _append_oldest(self) -> None:
        texts, hashed = self.window.popleft()
        self.stage.add(texts, hashed.result())

    def finish(self) -> None:
        if self.pool is None:
            return
        while self.window:
            self._append_oldest()
        self.pool.shutdown(wait=True)
        self.pool = None

    def abort(self) -> None:
        if self.pool is None:
            return
        for process in list(getattr(self.pool, "_processes", {}).values()):
            process.terminate()  # an interrupted run must not leave workers behind
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None


def _part_key(number: int, part: SourceFile) -> tuple:
    """What identifies a part of the corpus between a killed run and its resumption."""
    return number, str(part.path), part.first_line, len(part.units), part.sha256


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _header(part: SourceFile) -> SourceFile:
    """A file's first part without its texts: what the run keeps of an unheld file."""
    from dataclasses import replace

    return replace(part, text="", units=[], record_errors=[])


def _clean_parts(parts: Iterable[tuple[int, SourceFile | None]], ctx: RuleContext, options: Options,
                 on_docs=None) -> Iterator[tuple[int, SourceFile | None, list | str | None]]:
    """(file number, part, outcome) for each part: its units' (edits, cleaned text,
    language), or an error message; parts come back in order."""
    pending: list[tuple[int, SourceFile | None, int]] = []  # parts whose pieces are in the engine

    def pieces():
        for number, part in parts:
            if part is None:
                pending.append((number, None, 0))
                continue
            units = part.units
            count = max(1, -(-len(units) // CHUNK_DOCS))
            pending.append((number, part, count))
            for lo in range(0, max(len(units), 1), CHUNK_DOCS):
                yield units[lo:lo + CHUNK_DOCS]

    results = _clean_pieces(pieces(), ctx, options)
    collected: list = []
    while True:
        while pending and (pending[0][1] is None or len(collected) >= pending[0][2]):
            number, part, count = pending.pop(0)
            if part is None:
                yield number, None, None
                continue
            outcome: list | str = []
            for result in collected[:count]:
                if isinstance(result, str):
                    outcome = outcome if isinstance(outcome, str) else result
                elif isinstance(outcome, list):
                    outcome.extend(result)
            del collected[:count]
            if on_docs is not None:
                on_docs(len(part.units))
            yield number, part, outcome
        try:
            collected.append(next(results))
        except StopIteration:
            break
    for number, part, count in pending:  # parts left: only files that failed to read
        yield number, part, None if part is None else "not cleaned: lost in the engine"


def _clean_pieces(pieces: Iterator[list[Unit]], ctx: RuleContext, options: Options) -> Iterator[list | str]:
    """Each piece's results (or error message), in order, from the chosen engine."""
    if options.engine == "dask":
        from .dask_engine import clean_pieces

        yield from clean_pieces(pieces, ctx, options.scheduler, options.workers)
        return
    n = effective_workers(options.workers, ctx.n_docs)
    if n == 1:
        for units in pieces:
            yield _clean_unit_list(units, ctx)
        return
    import multiprocessing
    import os
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    global _POOL_CTX
    _POOL_CTX = ctx  # forked workers inherit the corpus counts: only the pieces travel
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init,
                               initargs=(os.getpid(),))
    window: deque = deque()
    try:
        for units in pieces:
            window.append(pool.submit(_clean_piece, units))
            if len(window) >= 8 * n:  # bounded: pieces in flight, not the corpus
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # an interrupted run must not leave workers behind
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _POOL_CTX = None


def run(
    sources: list[SourceFile],
    options: Options,
    *,
    clean: bool = True,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> Run:
    """Clean (unless ``clean`` is False) and deduplicate already-read files, all in memory.

    ``progress(n)`` is called as documents are done, with how many;
    ``stage(what)`` as each stage of the run begins."""
    corpus_run = CorpusRun(options, sources=sources, clean=clean, progress=progress, stage=stage)
    try:
        with paused_gc():
            corpus_run.survey()
            result = Run(errors=corpus_run.errors)
            result.files = list(corpus_run.results())
            for file_result in result.files:
                for unit_result in file_result.units:
                    result.unit_by_key[unit_result.unit.doc.key] = unit_result
            corpus_run.find_duplicates()
        result.duplicates, result.recycled = corpus_run.duplicates, corpus_run.recycled
        result.refs, result.totals = corpus_run.refs, corpus_run.totals
        for match in result.duplicates:
            if options.drop_duplicates:
                result.unit_by_key[match.key].dropped = True
        return result
    finally:
        corpus_run.close()
