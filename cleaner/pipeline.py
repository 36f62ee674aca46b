"""Run the detectors over documents and corpora.

The stages: read files -> corpus pass (line counts) -> per-document
detection -> resolve -> dedup over the cleaned texts. Nothing here writes
files; ``cleaner.output`` and ``cleaner.changelog`` do that.
"""
from __future__ import annotations

from collections import Counter
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
        lines = self.source.text.split("\n")
        dropped = set()
        for result in self.units:
            if result.dropped:
                dropped.add(result.unit.line)
            elif result.edits:
                line = lines[result.unit.line]
                record = result.unit.record
                old = line[record.literal_start:record.literal_end]
                lines[result.unit.line] = (
                    line[: record.literal_start] + literal_for(result.cleaned, old) + line[record.literal_end:]
                )
        if dropped:
            lines = [line for number, line in enumerate(lines) if number not in dropped]
        return "\n".join(lines)

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

    def edit_counts(self) -> Counter:
        counts: Counter = Counter()
        for result in self.files:
            for unit in result.units:
                counts.update(e.rule for e in unit.edits if e.rule != "html-markup")
        return counts


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
    from .rules.chrome import normalize_line

    return (normalize_line(line) for line in text.split("\n") if line.strip())


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


# The per-document work of a run, in this process or a pool of forked workers
# that inherit the read files and the corpus counts (nothing big is pickled on
# the way in; only edits and cleaned texts come back). The work is cut into
# pieces of at most CHUNK_DOCS documents of one file, so a single large JSONL
# file keeps every worker busy too. Results arrive in file order either way,
# so a run's outputs and log do not depend on --workers.
MIN_DOCS_PER_WORKER = 4  # fewer documents than this per worker: not worth starting processes
CHUNK_DOCS = 64
_POOL_STATE: tuple[list[SourceFile], RuleContext] | None = None


def _clean_unit_list(units: list[Unit], ctx: RuleContext):
    """``[(edits, cleaned text, language)]`` per unit, or the error message."""
    try:
        return [(r.edits, r.cleaned, r.lang) for r in (clean_unit(u, ctx) for u in units)]
    except (Exception, RecursionError) as exc:
        return f"not cleaned: internal error ({type(exc).__name__}: {exc}); please report it"


def _clean_piece(piece: tuple[int, int, int]):
    sources, ctx = _POOL_STATE
    index, lo, hi = piece
    return _clean_unit_list(sources[index].units[lo:hi], ctx)


def _pieces(sources: list[SourceFile]) -> list[tuple[int, int, int]]:
    """(file index, first unit, end unit) pieces, in order; every file has at least one."""
    size, out = CHUNK_DOCS, []
    for index, source in enumerate(sources):
        n = len(source.units)
        out.extend((index, lo, min(lo + size, n)) for lo in range(0, max(n, 1), size))
    return out


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
    wanted = (os.cpu_count() or 1) if workers <= 0 else workers
    return max(1, min(wanted, n_docs // MIN_DOCS_PER_WORKER))


def by_file(sources: list[SourceFile], pieces: list[tuple[int, int, int]], results, on_docs=None):
    """Each file's outcome from its pieces' results (in piece order): the units'
    results, or the first error message among them. ``on_docs(n)`` is told
    after every piece how many documents it held."""
    outcome: list | str = []
    for (index, lo, hi), result in zip(pieces, results):
        if isinstance(result, str):
            outcome = outcome if isinstance(outcome, str) else result  # a file's first error stops it
        elif isinstance(outcome, list):
            outcome.extend(result)
        if on_docs is not None:
            on_docs(hi - lo)
        if hi >= len(sources[index].units):  # the file's last piece
            yield outcome
            outcome = []


def _clean_all(sources: list[SourceFile], ctx: RuleContext, options: Options, on_docs=None):
    """Yield each file's cleaning outcome, in order: its units' results, or an error message."""
    global _POOL_STATE
    pieces = _pieces(sources)
    if options.engine == "dask":
        from .dask_engine import clean_pieces

        yield from by_file(sources, pieces, clean_pieces(sources, ctx, pieces, options.scheduler, options.workers),
                           on_docs)
        return
    n = effective_workers(options.workers, sum(len(s.units) for s in sources))
    if n == 1:
        results = (_clean_unit_list(sources[i].units[lo:hi], ctx) for i, lo, hi in pieces)
        yield from by_file(sources, pieces, results, on_docs)
        return
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    _POOL_STATE = (sources, ctx)
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init,
                               initargs=(os.getpid(),))
    try:
        results = pool.map(_clean_piece, pieces, chunksize=max(1, min(16, len(pieces) // (8 * n))))
        yield from by_file(sources, pieces, results, on_docs)
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # an interrupted run must not leave workers behind
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _POOL_STATE = None


def run(
    sources: list[SourceFile],
    options: Options,
    *,
    clean: bool = True,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> Run:
    """Clean (unless ``clean`` is False) and deduplicate already-read files.

    ``progress(n)`` is called as documents are done, with how many;
    ``stage(what)`` as each stage of the run begins."""
    def begin(what: str) -> None:
        if stage is not None:
            stage(what)

    from .dedup import prepare

    result = Run()
    units = [u for s in sources for u in s.units]
    # The texts as read, hashed once: for the line counts, and for dedup to pair copies cleaned unevenly.
    if clean:
        begin("counting lines across the corpus")
    raw = prepare([u.doc.text for u in units]) if clean else None
    ctx = RuleContext(line_counts=line_counts(units, raw) if clean else LineCounts(), n_docs=len(units))
    if not options.dedup:
        raw = None
    if clean:
        begin("cleaning documents")
    cleaned = _clean_all(sources, ctx, options, progress) if clean else None
    for source in sources:
        if clean:
            outcome = next(cleaned)
            if isinstance(outcome, str):  # a detector bug stops this file, not the run
                result.errors.append((str(source.path), outcome))
                continue
            unit_results = [UnitResult(u, edits, text, lang) for u, (edits, text, lang) in zip(source.units, outcome)]
        else:
            unit_results = [UnitResult(u, [], u.doc.text, u.doc.lang) for u in source.units]
        file_result = FileResult(source, unit_results)
        result.files.append(file_result)
        for unit_result in unit_results:
            result.unit_by_key[unit_result.unit.doc.key] = unit_result
        if progress and not clean:
            progress(len(source.units))
    if options.dedup:
        from .dedup import find_duplicates, find_recycled

        begin("finding near-duplicates and recycled passages")
        docs = [(key, u.cleaned) for key, u in result.unit_by_key.items()]
        corpus = prepare([text for _, text in docs])
        # the texts before cleaning let copies that were cleaned unevenly still pair up
        # (hashed again only for the documents left when a file failed to clean)
        originals = raw if raw is None or raw.n == len(docs) else prepare(
            [u.unit.doc.text for u in result.unit_by_key.values()])
        raw = None
        result.duplicates = find_duplicates(docs, threshold=options.threshold, keep=options.keep, corpus=corpus,
                                            originals=originals)
        del originals
        result.recycled = find_recycled(docs, result.duplicates, min_words=options.min_passage_words,
                                        corpus=corpus)
        if options.drop_duplicates:
            for match in result.duplicates:
                result.unit_by_key[match.key].dropped = True
    return result
