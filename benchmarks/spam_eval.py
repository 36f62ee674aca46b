"""Score spam and mixed-language removal end to end through the CLI.

    python benchmarks/spam_eval.py [--split dev] [--work DIR] [--halves] [--modes given,detected]

Materialises the spam eval set with the scorer, cleans it with the
``cleaner`` command in two modes and prints the scorer's output for each:

* ``given``: each document's language from ``_langs.json``. The CLI takes
  one ``--lang`` per run, so the inputs are split into one folder per
  language (symlinks) and cleaned once per language.
* ``detected``: one run over all documents without ``--lang``.

``--halves`` also scores two fixed halves of the set (documents grouped by
their source article, so the variants of one article fall in one half),
to check that a change helps on both and is not tuned to dev strings.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

EVAL = Path("/work/shared/eval")
SCORER = EVAL / "score_spam.py"


def cleaner_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("cleaner")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleaner.cli"]


def article_of(doc_id: str) -> str:
    """The source article of a document: its id without the variant suffix."""
    head, _, tail = doc_id.rpartition("-")
    return head if head and len(tail) == 1 else doc_id


def half_of(doc_id: str) -> str:
    digest = hashlib.sha1(article_of(doc_id).encode()).digest()
    return "A" if digest[0] % 2 == 0 else "B"


def write_halves(data: Path, split: str, work: Path) -> dict[str, Path]:
    docs = [json.loads(line) for line in (data / f"{split}.jsonl").open(encoding="utf-8")]
    folders = {}
    for half in ("A", "B"):
        folder = work / f"half{half}"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{split}.jsonl").open("w", encoding="utf-8") as f:
            for doc in docs:
                if half_of(doc["doc_id"]) == half:
                    f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        folders[half] = folder
    return folders


def run_cleaner(inputs: Path, out: Path, lang: str | None) -> None:
    cmd = cleaner_cmd() + ["clean", str(inputs), "--out", str(out), "--no-dedup", "--force"]
    if lang:
        cmd += ["--lang", lang]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def clean_given(inputs: Path, langs: dict[str, str], work: Path) -> Path:
    groups: dict[str, list[str]] = defaultdict(list)
    for doc_id, lang in langs.items():
        groups[lang].append(doc_id)
    pred = work / "pred_given"
    pred.mkdir(parents=True, exist_ok=True)
    for lang, ids in sorted(groups.items()):
        folder = work / "by_lang" / lang
        folder.mkdir(parents=True, exist_ok=True)
        for doc_id in ids:
            link = folder / f"{doc_id}.txt"
            if not link.exists():
                os.symlink(inputs / f"{doc_id}.txt", link)
        out = work / "out_given" / lang
        run_cleaner(folder, out, lang)
        for doc_id in ids:
            shutil.copyfile(out / f"{doc_id}.txt", pred / f"{doc_id}.txt")
    return pred


def score(pred: Path, split: str, data: Path | None) -> str:
    cmd = [sys.executable, str(SCORER)]
    if data is not None:
        cmd += ["--data", str(data)]
    cmd += ["score", "--pred", str(pred), "--split", split]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--data", type=Path, default=EVAL / "spam", help="folder holding <split>.jsonl")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--modes", default="given,detected")
    ap.add_argument("--halves", action="store_true", help="also score two halves of the set")
    args = ap.parse_args(argv)

    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix="spam_eval_")
        work = Path(tmp.name)
    else:
        work = args.work
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
    try:
        inputs = work / "inputs"
        subprocess.run([sys.executable, str(SCORER), "--data", str(args.data), "materialize",
                        "--split", args.split, "--out", str(inputs)],
                       check=True, stdout=subprocess.DEVNULL)
        langs = json.loads((inputs / "_langs.json").read_text())
        (inputs / "_langs.json").unlink()  # not an input to clean
        halves = write_halves(args.data, args.split, work) if args.halves else {}
        for mode in args.modes.split(","):
            t = time.perf_counter()
            if mode == "given":
                pred = clean_given(inputs, langs, work)
            elif mode == "detected":
                pred = work / "pred_detected"
                run_cleaner(inputs, pred, None)
            else:
                ap.error(f"unknown mode {mode!r}")
            elapsed = time.perf_counter() - t
            print(f"== language {mode} ({len(langs)} documents cleaned in {elapsed:.1f}s)")
            print(score(pred, args.split, args.data), end="")
            for half, folder in halves.items():
                print(f"-- half {half}")
                print(score(pred, args.split, folder), end="")
            print()
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
