"""The ``cleaner`` command line: parse options, call the library, report.

Exit codes: 0 success / nothing found, 1 findings (check) or some files
failed, 2 usage or configuration error.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import click

# numpy (imported later, by the commands that need it) asks for transparent huge
# pages on large arrays by default. Faulting them in cost this 2-core VM more
# system time than they save in TLB misses: `cleaner dedup` at 100k documents,
# 3 alternating pinned runs each, 12.65 -> 11.32 s wall (sys 2.8 -> 1.7 s), user
# time unchanged. A curator's own setting of the variable wins.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# glibc's malloc serves blocks over 128 KB (raised as they are freed, up to 32 MB)
# with fresh mmaps and hands freed memory at the top of the heap back to the
# system: a corpus pass that keeps making and dropping large buffers pays a page
# fault per 4 KB each time. All blocks from the heap, 256 MB of headroom per heap
# extension and freed memory kept for reuse instead: `cleaner dedup` at 100k
# documents, 3 alternating pinned runs each, 510-550k -> 254k minor faults, sys
# 1.4-1.8 -> 0.95-1.1 s. Peak RSS 970 -> 1025-1080 MB (by hash seed; 1190 and
# 1320 MB seen once each): freed blocks are reused, never returned. (Only raising
# the thresholds, the mmaps of blocks over 32 MB stay: 359k faults.)
# Memory grows with the corpus that way, so large inputs keep glibc's defaults:
# at 300k documents (397 MB) tuning gave sys 16.7 -> 10.4 s but peak RSS 1.29 ->
# 1.83 GB; at 1M (1.3 GB) CPU 204 -> 198 s but peak RSS 1.55 -> 2.75 GB.
_MALLOC_TUNING_MAX_BYTES = 256 << 20  # inputs larger than this in all keep the defaults
# The settings as (mallopt parameter, environment variable, value).
_MALLOC_SETTINGS = (
    (-4, "MALLOC_MMAP_MAX_", 0),  # M_MMAP_MAX: no block gets its own mmap
    (-1, "MALLOC_TRIM_THRESHOLD_", 2 ** 31 - 1),  # M_TRIM_THRESHOLD: in effect never trim (a C int)
    (-2, "MALLOC_TOP_PAD_", 256 * 1024 * 1024),  # M_TOP_PAD
)


def _input_bytes(paths, limit: int) -> int:
    """The size of the input files under ``paths`` in all, counted until it passes ``limit``."""
    from .io.readers import discover

    total = 0
    for file, _ in discover([Path(p) for p in paths if str(p) != "-"]):
        try:
            total += file.stat().st_size
        except OSError:  # (a missing or unreadable file is reported by the run itself)
            continue
        if total > limit:
            break
    return total


def _tune_malloc(libc=None, paths=()) -> list[str]:
    """Apply _MALLOC_SETTINGS through glibc's mallopt; the variables set.

    Skipped for inputs of over _MALLOC_TUNING_MAX_BYTES in all (their size on
    disk), where the C library is not glibc or has no mallopt, and when the
    curator tunes malloc through the environment (any MALLOC_*_ variable or a
    glibc.malloc tunable): their settings win, whole, since setting one of these
    by hand also changes how glibc picks the others.
    """
    if any(name.startswith("MALLOC_") and name.endswith("_") for name in os.environ) \
            or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return []
    if _input_bytes(paths, _MALLOC_TUNING_MAX_BYTES) > _MALLOC_TUNING_MAX_BYTES:
        return []
    if libc is None:
        try:
            if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
                return []
            import ctypes

            libc = ctypes.CDLL(None)
        except (ValueError, OSError, AttributeError, ImportError):
            return []
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return []
    return [name for param, name, value in _MALLOC_SETTINGS if mallopt(param, value) == 1]


def _options(**kwargs):
    from .pipeline import Options

    return Options(**{k: v for k, v in kwargs.items() if v is not None})


def _load_config(ctx: click.Context, _param, value):
    """Eager: [tool.cleaner] settings become this command's defaults (flags still win)."""
    from .config import default_map, find_pyproject, load

    path = Path(value) if value else find_pyproject(Path.cwd())
    if path is not None:
        table = load(path, required=value is not None)
        if table:
            ctx.default_map = {**(ctx.default_map or {}), **default_map(table, main.commands)[ctx.info_name]}
    return value


def _remember(ctx: click.Context, param, value):
    """Keep file-selection options in ctx.meta (read by _read), not as arguments."""
    ctx.meta[param.name] = value
    return value


def _common(func):
    """Options shared by the commands that read a corpus."""
    for decorator in reversed([
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True)),
        click.option("--config", type=click.Path(dir_okay=False), is_eager=True, expose_value=False,
                     callback=_load_config, help="Read settings from this TOML file's [tool.cleaner] table. "
                     "Default: the nearest pyproject.toml."),
        click.option("--exclude", multiple=True, metavar="REGEX", expose_value=False, callback=_remember,
                     help="Skip files whose path matches this regular expression (repeatable) when walking "
                          "folders."),
        click.option("--force-exclude", is_flag=True, expose_value=False, callback=_remember,
                     help="Apply --exclude to files named on the command line too (as pre-commit passes them)."),
        click.option("--lang", metavar="CODE", help="Language of the corpus (ISO 639-1, e.g. en). "
                     "Default: detected per document."),
        click.option("--text-field", default="text", show_default=True, help="JSONL field holding the text."),
        click.option("--id-field", default="id", show_default=True, help="JSONL field holding the record id."),
        click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
                     help="Word-5-gram Jaccard at or above which two documents are near-duplicates."),
        click.option("--max-bytes", type=click.IntRange(1), default=512 * 1024 * 1024, show_default=True,
                     help="Refuse files larger than this (bytes, after decompression) that must be read "
                     "whole; a plain UTF-8 JSONL file is read in parts, whatever its size."),
    ]):
        func = decorator(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cleaner")
def main():
    """Clean scraped text corpora: strip site chrome, page headers, spam and
    foreign-language insertions, and find near-duplicate documents and
    recycled passages. Every change goes to a JSONL change log from which
    `cleaner restore` rebuilds the originals byte for byte.

    Inputs: .txt, .html/.htm, .jsonl and .jsonl.gz files, directories
    (searched recursively) and - for standard input.
    """


@main.command()
@_common
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write cleaned files here, mirroring the input tree (HTML becomes .txt). UTF-8 with LF "
                   "unless --keep-encoding.")
@click.option("--in-place", is_flag=True, help="Overwrite the inputs, keeping their encoding, BOM and newlines.")
@click.option("--log", "log_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Change log (JSONL). Default: OUT/cleaner-log.jsonl with --out; "
                   "cleaner-log-<time>.jsonl in the current folder with --in-place.")
@click.option("--keep-encoding", is_flag=True, help="With --out: write each file in its original encoding, "
              "BOM and newline style instead of UTF-8/LF.")
@click.option("--dry-run", is_flag=True, help="Write nothing; list what would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of each change.")
@click.option("--no-dedup", is_flag=True, help="Skip near-duplicate and recycled-passage detection.")
@click.option("--keep", type=click.Choice(["longest", "first"]), default="longest", show_default=True,
              help="Which copy of a near-duplicate cluster is kept: the longest cleaned text or the first "
                   "in path order.")
@click.option("--drop-duplicates", is_flag=True, help="With --out: leave the other copies out of the output "
              "(a txt/html file is not written, a JSONL record is left out); the log records them as "
              "dropped and restore brings them back.")
@click.option("--force", is_flag=True, help="Overwrite existing output files and log.")
@click.option("--format", "stdin_format", type=click.Choice(["txt", "html", "jsonl"]), default="txt",
              show_default=True, help="Format of standard input (-).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a self-contained HTML report of the run (see `cleaner report`).")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes cleaning documents; 0: one per core. Outputs and log are the same for any number.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where documents are cleaned: a local process pool, or a Dask cluster (needs the dask "
              "extra; same outputs and log).")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: a running Dask scheduler (tcp://host:8786). Default: a local "
              "cluster of --workers processes for this run.")
def clean(paths, lang, text_field, id_field, threshold, max_bytes, out_dir, in_place, log_path, keep_encoding,
          dry_run, show_diff, no_dedup, keep, drop_duplicates, force, stdin_format, report_path, workers,
          engine, scheduler):
    """Clean files: remove chrome, headers, spam and foreign insertions.

    \b
    Examples:
      cleaner clean corpus/ --out cleaned/          # cleaned copy + cleaned/cleaner-log.jsonl
      cleaner clean page.html --dry-run             # what would be removed, nothing written
      cleaner clean a.txt --diff                    # unified diff, nothing written
      cleaner clean corpus/ --in-place --log ch.jsonl
      cat a.txt | cleaner clean - > a.clean.txt
    """
    _tune_malloc(paths=paths)
    if drop_duplicates and (no_dedup or in_place or Path("-") in paths):
        _usage("--drop-duplicates works with --out (not with --in-place, standard input or --no-dedup)")
    if scheduler and engine != "dask":
        _usage("--scheduler needs --engine dask")
    if engine == "dask":
        from .dask_engine import MISSING, available, unreachable

        if not available():
            _usage(MISSING)
        if scheduler and (why := unreachable(scheduler)):
            _usage(why)
    options = _options(lang=lang, text_field=text_field, id_field=id_field, threshold=threshold,
                       max_bytes=max_bytes, dedup=not no_dedup, keep=keep, drop_duplicates=drop_duplicates,
                       workers=workers, engine=engine, scheduler=scheduler)
    if report_path is not None:
        _check_report(report_path, force, needs=(out_dir or in_place) and not (dry_run or show_diff)
                      and Path("-") not in paths)
    if Path("-") in paths:
        if len(paths) > 1 or in_place or out_dir:
            _usage("- (standard input) cannot be combined with other paths, --out or --in-place")
        return _clean_stdin(options, stdin_format, log_path, force)
    if out_dir and in_place:
        _usage("choose one of --out DIR and --in-place")
    preview = dry_run or show_diff
    writing = not preview and (out_dir is not None or in_place)
    _check_paths(paths)
    if writing and out_dir is not None:
        _check_out_dir(out_dir, paths)
    if writing and log_path is None:
        stamp = _dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        log_path = out_dir / "cleaner-log.jsonl" if out_dir else Path(f"cleaner-log-{stamp}.jsonl")
    from . import changelog, output

    # A run into --out that was killed left its marker: rerunning finishes it (see output.begin_run).
    resuming = writing and out_dir is not None and output.interrupted(out_dir)
    if resuming:
        click.echo(f"{out_dir} holds an unfinished run: its outputs are rewritten", err=True)
    if log_path is not None and log_path.exists() and not force and not preview and not resuming:
        _usage(f"{log_path} exists (use --force to overwrite, or --log FILE)")

    def accept(source) -> str | None:  # a file refused before it is cleaned, with the reason
        if writing and in_place and source.format == "html":
            return "HTML can't be cleaned in place (its output is text); use --out"
        return claim(source)

    claim = _output_claims(out_dir if writing else None)
    checkpoint = None
    if writing and out_dir is not None:  # what a killed run had done is taken up again (cleaner.checkpoint)
        from .checkpoint import FOLDER, Checkpoint

        checkpoint = Checkpoint(out_dir / FOLDER, resume=resuming)
    corpus_run, shown = _corpus_run(paths, options, accept, checkpoint)
    from .pipeline import paused_gc

    with corpus_run, shown, paused_gc():
        corpus_run.survey()
        if writing and out_dir is not None and not force and not resuming:
            existing = [p for p in (output.output_path(f, out_dir) for f in corpus_run.files) if p.exists()]
            if existing:
                _usage(f"{existing[0]} exists (and {len(existing) - 1} more outputs); use --force to overwrite")
        if writing and out_dir is not None:
            output.begin_run(out_dir, log_path)
        log = changelog.LogWriter(log_path if not preview else None, "clean", {
            "lang": lang, "threshold": threshold, "dedup": not no_dedup, "text_field": text_field,
            "id_field": id_field, "in_place": in_place, "keep_encoding": keep_encoding, "keep": keep,
            "drop_duplicates": drop_duplicates}, journal=writing and in_place)
        with log:
            emit = _FileEmitter(log, log_path, out_dir, writing=writing, in_place=in_place,
                                keep_encoding=keep_encoding, preview=preview, show_diff=show_diff)
            # Parts are written as they are cleaned; with --drop-duplicates they wait for dedup to say
            # which copies are left out.
            held = [] if drop_duplicates else None
            try:
                for part in corpus_run.results():
                    if held is not None:
                        held.append(part)
                    else:
                        emit(part)
                corpus_run.find_duplicates()
                for part in held or ():
                    for unit in part.units:
                        unit.dropped = corpus_run.refs[unit.unit.doc.key].dropped
                    emit(part)
            except BaseException:
                emit.discard()
                raise
            for record in changelog.dedup_records(corpus_run):
                log.write(record)
                if preview:
                    click.echo(_finding_line(record))
            for path, reason in corpus_run.errors:
                log.write({"type": "error", "path": path, "reason": reason})
            log.write(changelog.summary_record(corpus_run))
    run = corpus_run
    if checkpoint is not None:
        if checkpoint.matched:
            reused = run.reused
            click.echo(f"resumed: the survey {'reused' if reused['survey'] else 'redone'}, "
                       f"{reused['parts']} part(s) of files taken as cleaned, "
                       f"the dedup pass {'reused' if reused['dedup'] else 'redone'}", err=True)
        checkpoint.remove()
    if writing and out_dir is not None:
        output.end_run(out_dir)

    _report_errors(run.errors)
    _summary(run, out_dir if writing else None, log_path if (writing or (log_path and not preview)) else None)
    if report_path is not None:
        _write_report(log_path, report_path)
    if not writing and not preview:
        click.echo("nothing written: pass --out DIR or --in-place to write cleaned files "
                   "(or --dry-run / --diff to preview)", err=True)
    sys.exit(EXIT_FINDINGS if run.errors else EXIT_OK)


@main.command()
@_common
@click.option("--log", "log_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the findings as a JSONL change log.")
@click.option("--force", is_flag=True, help="Overwrite an existing log.")
@click.option("--min-words", type=click.IntRange(5), default=12, show_default=True,
              help="Shortest recycled passage reported, in words.")
@click.option("--keep", type=click.Choice(["longest", "first"]), default="longest", show_default=True,
              help="Which copy of a near-duplicate cluster is kept: the longest text or the first in path order.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes hashing the documents as they are read (0: one per core; a corpus under "
                   "8M characters is hashed in this process). The findings do not depend on it.")
def dedup(paths, lang, text_field, id_field, threshold, max_bytes, log_path, force, min_words, keep, workers):
    """Report near-duplicate documents and recycled passages (writes no text).

    Documents are compared as they are, without cleaning, by MinHash over
    word 5-grams; candidate pairs are verified with the exact Jaccard.
    Each cluster keeps its longest document (or its first in path order,
    --keep first); every other member is reported with the member it was
    verified against and the kept one. Exit 1 if anything is found.
    """
    _tune_malloc(paths=paths)
    if log_path is not None and log_path.exists() and not force:
        _usage(f"{log_path} exists (use --force to overwrite)")
    from . import changelog

    options = _options(lang=lang, text_field=text_field, id_field=id_field, threshold=threshold,
                       max_bytes=max_bytes, min_passage_words=min_words, keep=keep, workers=workers)
    _check_paths(paths)
    # one pass over the files, their hashes staged (spilled to disk for a large corpus)
    run, shown = _corpus_run(paths, options, accept=None, clean=False)
    from .pipeline import paused_gc

    with run, shown, paused_gc():
        run.survey()
        run.find_duplicates()
        with changelog.LogWriter(log_path, "dedup", {"threshold": threshold, "min_words": min_words,
                                                     "keep": keep}) as log, _FindingLines() as stdout:
            for record in changelog.dedup_records(run, recycled=False):
                log.write(record)
                stdout.add(_finding_line(record))
            encoded: list[str] = []  # written a few thousand at a time
            shown: dict[str, str] = {}  # a document's key -> its `path#id` in the lines, made once
            for text, target, source, line, source_line, similarity in changelog.recycled_lines(run):
                encoded.append(text)
                if (at := shown.get(target.key)) is None:
                    at = shown[target.key] = _where(target.path, target.id)
                if (source_at := shown.get(source.key)) is None:
                    source_at = shown[source.key] = _where(source.path, source.id)
                stdout.add(_recycled_line(at, line, source_at, source_line, similarity))
                if len(encoded) >= _FindingLines.BATCH:
                    log.write_encoded_many(encoded)
                    encoded.clear()
            log.write_encoded_many(encoded)
            for path, reason in run.errors:
                log.write({"type": "error", "path": path, "reason": reason})
            log.write(changelog.summary_record(run))
    errors = run.errors
    _report_errors(errors)
    _summary(run, None, log_path)
    found = bool(run.duplicates or run.recycled)
    _let_go(run)
    sys.exit(EXIT_FINDINGS if found or errors else EXIT_OK)


def _let_go(run) -> None:
    """Free a finished run's per-document objects now, by their reference counts.

    Left to the interpreter's exit (a DocRef per document and an object per
    finding: ~260k at 100k documents), its final garbage collection walks them
    all before freeing them: `cleaner dedup` at 100k documents, pinned, the
    interpreter's exit took 0.33-0.40 s CPU (3 runs); now 0.14-0.19 s, plus
    0.04-0.06 s here.
    """
    run.refs.clear()
    run.duplicates.clear()
    run.recycled.clear()


@main.command()
@_common
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one `path:line: rule message` line per finding; json: one JSON object per line.")
@click.option("--no-dedup", is_flag=True, help="Skip near-duplicate and recycled-passage detection.")
@click.option("--fix", is_flag=True, help="Clean the files in place instead (keeping encoding, BOM and "
              "newlines; HTML is only checked); exit 1 if anything changed. The change log goes to "
              ".cleaner_cache/logs/.")
@click.option("--index/--no-index", "use_index", default=None,
              help="Compare with the whole corpus through the incremental index in .cleaner_cache/ "
                   "(default: on inside a git repository or where `cleaner index` was run), or only "
                   "among the given files.")
@click.option("--index-file", type=click.Path(path_type=Path, dir_okay=False),
              help="A committed index (from `cleaner index --write`) to start from when the cache is empty. "
                   "Never modified.")
def check(paths, lang, text_field, id_field, threshold, max_bytes, fmt, no_dedup, fix, use_index, index_file):
    """Report what `clean` would change, and near-duplicates; write nothing.

    Prints one line per finding, `path:line: rule message`, and exits 1
    if anything would change or a near-duplicate is found (for CI and
    pre-commit). Inside a git repository, near-duplicates and recycled
    passages are looked for across every tracked document, not only among
    the given files.
    """
    from . import changelog
    from .index import CACHE_DIR, git_root

    _check_paths(paths)
    root = git_root(Path.cwd())
    in_git = root is not None
    root = root or Path.cwd()
    if use_index is None:
        use_index = in_git or (root / CACHE_DIR).is_dir()
    corpus_wide = use_index and not no_dedup and not fix
    options = _options(lang=lang, text_field=text_field, id_field=id_field, threshold=threshold,
                       max_bytes=max_bytes, dedup=not (no_dedup or fix or corpus_wide))
    sources, errors = _read(paths, options)
    run = _run(sources, options, quiet=True)
    run.errors = errors = errors + run.errors
    if fix:
        sys.exit(_fix_in_place(run, root, fmt))

    stdout = _FindingLines()

    def emit(record, result=None):
        stdout.add(json.dumps(record, ensure_ascii=False) if fmt == "json" else _finding_line(record, result))

    findings = 0
    for result in run.files:
        for record in changelog.unit_records(result):
            if record["type"] == "edit" and record["rule"] != "html-markup":
                findings += 1
                emit(record, result)
    stdout.flush()  # before the corpus pass, which may take a while
    if corpus_wide:
        from .index import corpus_findings

        units = [u for source in sources for u in source.units]
        dedup_records = corpus_findings(units, threshold, root=root, git=in_git, seed_file=index_file,
                                        progress=_index_progress())
    else:
        dedup_records = list(changelog.dedup_records(run))
    for record in dedup_records:
        findings += 1
        emit(record)
    stdout.flush()
    for path, reason in errors:
        click.echo(json.dumps({"type": "error", "path": path, "reason": reason}) if fmt == "json"
                   else f"{path}: error {reason}")
    sys.exit(EXIT_FINDINGS if findings or errors else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              help="Near-duplicate threshold the index is built for (must match `check`'s).")
@click.option("--write", "write_to", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a compact copy of the index to this file, to commit for CI "
                   "(`check --index-file`).")
def index(paths, threshold, write_to):
    """Build or refresh the corpus index in .cleaner_cache/.

    Inside a git repository the corpus is every tracked .txt/.html/.jsonl
    file (PATHS are ignored); elsewhere it is the files under PATHS. Only
    new or changed files are hashed.
    """
    from .index import CorpusIndex, git_root, read_docs, refresh, list_corpus, write_index_file, content_key
    from .io.readers import discover

    root = git_root(Path.cwd())
    in_git = root is not None
    root = root or Path.cwd()
    index_db = CorpusIndex.for_root(root, threshold)
    try:
        if in_git:
            corpus = list_corpus(root, True, index_db)
        else:
            if not paths:
                _usage("outside a git repository, name the folders or files to index")
            corpus = []
            for file, _ in discover(list(paths)):
                try:
                    rel = file.resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    _usage(f"{file} is outside the current folder {root}")
                corpus.append((rel, content_key(file.read_bytes())))
        hashed = refresh(index_db, corpus, lambda p: read_docs(root / p), _index_progress())
        documents = index_db.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        if write_to is not None:
            write_index_file(index_db, write_to)
    finally:
        index_db.close()
    click.echo(f"indexed {len(corpus)} file(s), {documents} document(s); hashed {hashed} new or changed "
               f"file(s); index {index_db.path}" + (f"; wrote {write_to}" if write_to else ""), err=True)


@main.command()
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write the restored originals here, mirroring the input tree.")
@click.option("--in-place", is_flag=True, help="Write the restored originals back to their original paths.")
@click.option("--force", is_flag=True, help="Overwrite existing files under --out.")
def restore(log_path, out_dir, in_place, force):
    """Rebuild the original files from the cleaned output and its LOG.

    Every rebuilt file is checked against the sha256 recorded in the log
    before it is written; a mismatch is reported and nothing is written
    for that file.
    """
    if bool(out_dir) == bool(in_place):
        _usage("choose one of --out DIR and --in-place")
    from .changelog import Restored, RestoreError, restore as do_restore

    failed = restored = same = 0
    try:
        for item in do_restore(log_path, out_dir=out_dir, in_place=in_place, force=force):
            if isinstance(item, Restored):
                restored += 1
                same += item.unchanged
            else:
                failed += 1
                click.echo(f"{item[0]}: error {item[1]}", err=True)
    except (RestoreError, ValueError) as exc:
        _usage(str(exc))
    click.echo(f"restored {restored} file(s) ({same} already original), {failed} failed", err=True)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command("report")
@click.argument("log_path", metavar="LOG", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The HTML file to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing report.")
@click.option("--full-text", is_flag=True, help="Embed every document's whole text even for a large corpus "
              "(default: excerpts around the removals above 16 million characters).")
def report_command(log_path, out_path, force, full_text):
    """Write a self-contained HTML report of a change LOG.

    One file, readable offline: an overview with charts, every document's
    original text (rebuilt from the LOG and the cleaned output) with the
    removals highlighted by kind, near-duplicate clusters and recycled
    passages side by side with their source.
    """
    _check_report(out_path, force, needs=True)
    _write_report(log_path, out_path, full_text=full_text or None)


# --------------------------------------------------------------------------- helpers


def _check_report(path: Path, force: bool, needs: bool) -> None:
    if not needs:
        _usage("--report needs a written change log: use it with --out DIR or --in-place")
    if path.is_dir():
        _usage(f"--report {path} is a folder")
    if path.exists() and not force:
        _usage(f"{path} exists (use --force to overwrite)")


def _write_report(log_path: Path, out_path: Path, full_text: bool | None = None) -> None:
    from .report import write

    try:
        facts = write(log_path, out_path, full_text=full_text)
    except (OSError, ValueError) as exc:
        click.echo(f"cleaner: error: report not written: {exc}", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"report {out_path} ({facts['bytes'] / 1e6:.1f} MB, {facts['documents']} document(s)"
               + ("" if facts["full_text"] else ", excerpts only") + ")", err=True)


def _usage(message: str):
    click.echo(f"cleaner: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _check_paths(paths) -> None:
    for path in paths:
        if not path.exists() and not path.is_symlink():
            _usage(f"{path}: no such file or directory")


def _check_out_dir(out_dir: Path, paths) -> None:
    out = out_dir.resolve()
    for path in paths:
        root = path.resolve()
        if root.is_dir() and (out == root or root in out.parents):
            _usage(f"--out {out_dir} is inside the input folder {path}; choose a folder outside it")
        if out.exists() and out.is_file():
            _usage(f"--out {out_dir} is a file")


def _output_claims(out_dir):
    """``claim(source)``: None, or why the file's output would overwrite an earlier file's."""
    from .output import output_path

    seen: dict[Path, str] = {}

    def claim(source) -> str | None:
        if out_dir is None:
            return None
        target = output_path(source, out_dir)
        if target in seen:
            return f"its output {target} would overwrite that of {seen[target]}"
        seen[target] = str(source.path)
        return None

    return claim


class _FileEmitter:
    """Writes each cleaned part as it comes: its output (a file's parts into one
    stream), its log records, the file record once the file is complete (in
    place: logged and synced before the input is replaced), or the preview."""

    def __init__(self, log, log_path, out_dir, *, writing, in_place, keep_encoding, preview, show_diff):
        self.log, self.out_dir, self.writing, self.in_place = log, out_dir, writing, in_place
        self.log_dir = log_path.parent if log_path else None
        self.keep_encoding, self.preview, self.show_diff = keep_encoding, preview, show_diff
        self.stream = None
        self.changed = False

    def __call__(self, result) -> None:
        from . import changelog, output

        first, last = result.source.first_line == 0, result.source.last
        self.changed = result.changed or (self.changed and not first)
        if first and self.writing and not result.dropped:
            self.stream = output.OutputStream(result.source, self.out_dir, self.keep_encoding)
        if self.stream is not None:
            self.stream.add(result)
        for record in changelog.unit_records(result):
            self.log.write(record)
        if self.preview:
            _print_preview(result, self.show_diff)
        if not last:
            return
        out, stream, self.stream = None, self.stream, None
        if stream is not None and self.in_place and not self.changed:  # unchanged in place: the input is its output
            stream.discard()
            out, stream = output.Output(result.source.path, b"", stream.facts, result.source.sha256), None
        elif stream is not None:
            out = stream.finish()
        self.log.write(changelog.file_record(result, out, self.log_dir, changed=self.changed))
        if stream is not None:
            if self.in_place:  # logged and durable before the input is replaced
                self.log.sync()
            stream.place(like=result.source.path if self.in_place else None)

    def discard(self) -> None:
        if self.stream is not None:
            self.stream.discard()
            self.stream = None


def _corpus_run(paths, options, accept, checkpoint=None, clean: bool = True):
    """A CorpusRun over ``paths`` with the configured excludes and, on a terminal, progress."""
    from .pipeline import CorpusRun

    excludes, force_exclude = _excludes()
    shown = _Progress()
    run = CorpusRun(options, paths=list(paths), exclude=excludes, force_exclude=force_exclude,
                    accept=accept, progress=shown.update, stage=shown.stage, checkpoint=checkpoint,
                    clean=clean)
    shown.total = lambda: run.n_docs
    return run, shown


class _Progress:
    """On a terminal only: each stage's name, and a bar in documents once the
    survey has counted them (the ETA of the cleaning pass)."""

    def __init__(self) -> None:
        self.show = sys.stderr.isatty()
        self.bar = None
        self.total = lambda: 0

    def stage(self, what: str) -> None:
        if not self.show:
            return
        if self.bar is None and self.total() > 1:
            self.bar = click.progressbar(length=self.total(), label=what, file=sys.stderr, show_pos=True,
                                         show_eta=True)
            self.bar.__enter__()
        elif self.bar is not None:
            self.bar.label = what
            self.bar.render_progress()
        else:
            click.echo(f"{what}...", err=True)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _excludes():
    """(compiled --exclude regexes, --force-exclude); the run's time starts here."""
    from .config import compile_excludes

    meta = click.get_current_context().meta
    meta.setdefault("started", time.perf_counter())  # the summary's run time counts from here
    return compile_excludes(meta.get("exclude")), bool(meta.get("force_exclude"))


def _read(paths, options):
    from .pipeline import read_all

    excludes, force_exclude = _excludes()
    return read_all(list(paths), options, exclude=excludes, force_exclude=force_exclude)


def _run(sources, options, clean: bool = True, quiet: bool = False):
    from .pipeline import run

    n_docs = sum(len(s.units) for s in sources)
    show = not quiet and sys.stderr.isatty() and n_docs > 1
    if not show:
        return run(sources, options, clean=clean)
    with click.progressbar(length=n_docs, label="cleaning documents" if clean else "reading documents",
                           file=sys.stderr, show_pos=True, show_eta=True) as bar:
        def stage(what: str) -> None:  # the bar's label says which stage the run is in
            bar.label = what
            bar.render_progress()

        return run(sources, options, clean=clean, progress=bar.update, stage=stage)


def _index_progress():
    """A progress callback for index builds, shown on a terminal only."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\rindexing {done}/{total} files", err=True, nl=done >= total)

    return show


def _fix_in_place(run, root: Path, fmt: str) -> int:
    """`check --fix`: write cleaned files back in place, logged; exit 1 if any changed."""
    import datetime as dt

    from . import changelog, output
    from .index import prepare_cache

    changed = [r for r in run.files if r.changed and r.source.format != "html"]
    unfixable = [r for r in run.files if r.changed and r.source.format == "html"]
    if changed:
        logs = prepare_cache(root) / "logs"
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        log_path = logs / f"fix-{stamp}.jsonl"
        with changelog.LogWriter(log_path, "check --fix", {}, journal=True) as log:
            for result in changed:
                out = output.render(result, None, True)
                log.write(changelog.file_record(result, out, log_path.parent))
                for record in changelog.unit_records(result):
                    log.write(record)
                log.sync()  # on disk before the file is replaced: a kill loses nothing
                output.write(out, like=result.source.path)
            log.write(changelog.summary_record(run))
        for result in changed:
            rules = sorted({e.rule for u in result.units for e in u.edits})
            click.echo(f"fixed {result.source.path}: {', '.join(rules)}")
        click.echo(f"log {log_path} (cleaner restore LOG --in-place undoes it)", err=True)
    for result in unfixable:
        for record in changelog.unit_records(result):
            if record["type"] == "edit" and record["rule"] != "html-markup":
                click.echo(_finding_line(record, result))
    for path, reason in run.errors:
        click.echo(f"{path}: error {reason}")
    return EXIT_FINDINGS if changed or unfixable or run.errors else EXIT_OK


class _FindingLines:
    """Lines for stdout, written a few thousand at a time (one echo per line
    flushes per line: a long run spends seconds in system calls)."""

    BATCH = 4096

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            click.echo("\n".join(self.lines))
            self.lines = []

    def __enter__(self) -> "_FindingLines":
        return self

    def __exit__(self, *exc) -> None:
        self.flush()


def _where(path: str, ident) -> str:
    return path + (f"#{ident}" if ident is not None else "")


def _recycled_line(where: str, line: int, source_where: str, source_line: int, similarity: float) -> str:
    """The `path:line: rule message` line of a recycled passage (``where``: :func:`_where` of the document)."""
    return f"{where}:{line}: recycled-passage from {source_where}:{source_line} (similarity {similarity:.2f})"


def _finding_line(record: dict, result=None) -> str:
    """`path:line: rule message` for an edit, duplicate or recycled record."""
    where = _where(record["path"], record.get("id"))
    kind = record["type"]
    if kind == "duplicate":
        other = _where(record["of_path"], record.get("of_id"))
        return f"{where}:{record.get('line', 1)}: near-duplicate of {other} (similarity {record['similarity']:.2f})"
    if kind == "recycled":
        return _recycled_line(where, record.get("line", 1), _where(record["source_path"], record.get("source_id")),
                              record.get("source_line", 1), record["similarity"])
    snippet = " ".join(record["text"].split()) or record["text"]  # whitespace edits show their whitespace
    if len(snippet) > 60:
        snippet = snippet[:57] + "..."
    line = 1
    if result is not None:
        line = _line_number(result, record)
    return f"{where}:{line}: {record['rule']} {record['reason']}: {snippet!r}"


def _line_number(result, record) -> int:
    """Line of an edit in the file (JSONL: the record's line)."""
    if record.get("line") is not None:
        return record["line"]
    source = result.units[0].unit.source
    return source.count("\n", 0, record["start"]) + 1


def _print_preview(result, show_diff: bool) -> None:
    if not result.changed:
        return
    if show_diff:
        for unit_result in result.units:
            if not unit_result.changed:
                continue
            name = unit_result.unit.doc.key
            before = unit_result.unit.doc.text.splitlines(keepends=True)
            after = unit_result.cleaned.splitlines(keepends=True)
            for line in difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"):
                click.echo(line if line.endswith("\n") else line + "\n", nl=False)
        return
    counts = Counter(e.rule for u in result.units for e in u.edits if e.rule != "html-markup")
    detail = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    click.echo(f"would change {result.source.path}: {detail}")


def _report_errors(errors) -> None:
    for path, reason in errors:  # one line each, whatever the file is called
        shown = path.encode("unicode_escape", "backslashreplace").decode("ascii") if not path.isprintable() else path
        click.echo(f"{shown}: error {reason}", err=True)


def _summary(run, out_dir, log_path) -> None:
    from .changelog import summary_record

    totals = summary_record(run)
    by_rule = ", ".join(f"{rule} {n}" for rule, n in run.edit_counts().most_common()) or "none"
    documents, chars_in = totals["documents"], totals["chars_in"]
    parts = [f"{totals['files']} file(s), {documents} document(s), {totals['changed_files']} changed",
             f"{chars_in / 1e6:.1f} M characters, {100 * totals['chars_removed'] / max(chars_in, 1):.1f}% removed",
             f"removals: {by_rule}",
             f"{len(run.duplicates)} near-duplicate(s), {len(run.recycled)} recycled passage(s)",
             f"{len(run.errors)} error(s)"]
    started = click.get_current_context().meta.get("started")
    if started is not None:
        seconds = time.perf_counter() - started
        parts.append(f"{seconds:.1f} s ({documents / max(seconds, 1e-9):.0f} documents/s)")
    if out_dir is not None:
        parts.append(f"wrote {out_dir}")
    if log_path is not None:
        parts.append(f"log {log_path}")
    click.echo("; ".join(parts), err=True)


def _clean_stdin(options, fmt: str, log_path, force: bool) -> None:
    from . import changelog
    from .io.readers import ReadError, read_source
    from .io.encoding import TextFacts, encode
    from .pipeline import run

    if log_path is not None and log_path.exists() and not force:
        _usage(f"{log_path} exists (use --force to overwrite)")
    data = sys.stdin.buffer.read()
    try:
        source = read_source(Path(f"-.{fmt}"), "-", lang=options.lang, text_field=options.text_field,
                             id_field=options.id_field, max_bytes=options.max_bytes, data=data)
    except ReadError as exc:
        click.echo(f"-: error {exc}", err=True)
        sys.exit(EXIT_FINDINGS)
    result_run = run([source], options)
    result = result_run.files[0]
    text = result.output_text()
    # Standard output keeps the input's encoding and newline style, like --in-place.
    sys.stdout.buffer.write(encode(text, TextFacts(source.facts.encoding, source.facts.bom, source.facts.newline)))
    sys.stdout.buffer.flush()
    if log_path is not None:
        with changelog.LogWriter(log_path, "clean", {"stdin": True}) as log:
            log.write(changelog.file_record(result, None, None))
            for record in changelog.unit_records(result):
                log.write(record)
            log.write(changelog.summary_record(result_run))
    _summary(result_run, None, log_path)
