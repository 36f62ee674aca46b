"""Score near-duplicate clusters and recycled passages on the dedup dev set.

    python benchmarks/dedup_eval.py --out /tmp/dedup_eval                 # through the CLI (default)
    python benchmarks/dedup_eval.py --out /tmp/dedup_eval --command dedup # `cleaner dedup` (no cleaning)
    python benchmarks/dedup_eval.py --out /tmp/dedup_eval --mode library  # cleaner.dedup on the raw texts
    python benchmarks/dedup_eval.py --out DIR --eval /path/to/heldout      # another set with the same layout

CLI mode runs `cleaner clean DOCS --out OUT/clean` (or `cleaner dedup DOCS --log ...`), reads
the change log and writes the scorer's inputs from it:
  CLUSTERS.tsv  id <TAB> cluster: every `duplicate` record's id and `cluster`, plus each
                cluster's kept document (`kept_id`)
  PAIRS.tsv     id <TAB> of_id: the verified pair each `duplicate` record names
  SPANS.jsonl   one line per `recycled` record: source/target ids and char offsets (offsets
                in the original texts, as the log gives them)
then runs ../shared/eval/score_dedup.py (clusters --body, docs --body, passages) and prints
its reports. Library mode calls find_duplicates/find_recycled directly on the raw texts.
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCORER = Path("/work/shared/eval/score_dedup.py")
DEFAULT_EVAL = Path("/work/shared/eval/dedup")


def load(path: Path) -> list[tuple[str, str]]:
    op = gzip.open if path.suffix == ".gz" else open
    with op(path, "rt", encoding="utf-8") as f:
        return [(d["id"], d["text"]) for d in map(json.loads, f)]


def log_to_predictions(log: Path, out: Path) -> dict:
    """CLUSTERS.tsv, PAIRS.tsv and SPANS.jsonl from a change log; returns counts."""
    clusters: dict[str, object] = {}
    pairs, spans = [], []
    with log.open(encoding="utf-8") as f:
        for rec in map(json.loads, f):
            if rec["type"] == "duplicate":
                clusters[rec["id"]] = rec["cluster"]
                clusters.setdefault(rec.get("kept_id", rec["of_id"]), rec["cluster"])
                pairs.append((rec["id"], rec["of_id"], rec["similarity"]))
            elif rec["type"] == "recycled":
                spans.append({"source": rec["source_id"], "source_start": rec["source_start"],
                              "source_end": rec["source_end"], "target": rec["id"], "target_start": rec["start"],
                              "target_end": rec["end"], "similarity": rec["similarity"]})
    with open(out / "CLUSTERS.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{k}\t{c}\n" for k, c in clusters.items())
    with open(out / "PAIRS.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{a}\t{b}\t{j}\n" for a, b, j in pairs)
    with open(out / "SPANS.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(s) + "\n" for s in spans)
    return {"clustered docs": len(clusters), "duplicate records": len(pairs), "recycled records": len(spans)}


def run_cli(args) -> dict:
    cleaner = [sys.executable, "-m", "cleaner"]
    log = args.out / "cleaner-log.jsonl"
    if args.command == "clean":
        cmd = cleaner + ["clean", str(args.docs), "--out", str(args.out / "clean"), "--log", str(log), "--force",
                         "--threshold", str(args.threshold), "--keep", args.keep]
    else:
        cmd = cleaner + ["dedup", str(args.docs), "--log", str(log), "--force", "--threshold", str(args.threshold),
                         "--min-words", str(args.min_words), "--keep", args.keep]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    print(f"$ {' '.join(cmd)}\n  {wall:.1f} s; {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}")
    return log_to_predictions(log, args.out)


def run_library(args) -> dict:
    from cleaner.dedup import find_duplicates, find_recycled, prepare

    docs = load(args.docs)
    t = time.perf_counter()
    corpus = prepare([x for _, x in docs])
    dups = find_duplicates(docs, args.threshold, keep=args.keep, corpus=corpus)
    recycled = find_recycled(docs, dups, args.min_words, corpus=corpus)
    print(f"library: {len(docs)} docs in {time.perf_counter() - t:.2f} s")
    clusters: dict[str, int] = {}
    for m in dups:
        clusters[m.key] = m.cluster
        clusters.setdefault(m.kept_key, m.cluster)
    with open(args.out / "CLUSTERS.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{k}\t{c}\n" for k, c in clusters.items())
    with open(args.out / "PAIRS.tsv", "w", encoding="utf-8") as f:
        f.writelines(f"{m.key}\t{m.of_key}\t{m.similarity}\n" for m in dups)
    with open(args.out / "SPANS.jsonl", "w", encoding="utf-8") as f:
        for r in recycled:
            f.write(json.dumps({"source": r.source_key, "source_start": r.source_start, "source_end": r.source_end,
                                "target": r.key, "target_start": r.start, "target_end": r.end}) + "\n")
    return {"clustered docs": len(clusters), "duplicates": len(dups), "recycled": len(recycled)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with docs.jsonl.gz and the truth files")
    ap.add_argument("--docs", type=Path, help="documents (default: EVAL/docs.jsonl.gz)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--mode", choices=["cli", "library"], default="cli")
    ap.add_argument("--command", choices=["clean", "dedup"], default="clean")
    ap.add_argument("--keep", choices=["longest", "first"], default="longest")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--min-words", type=int, default=12)
    ap.add_argument("--no-score", action="store_true")
    args = ap.parse_args(argv)
    args.docs = args.docs or args.eval / "docs.jsonl.gz"
    args.out.mkdir(parents=True, exist_ok=True)
    counts = run_cli(args) if args.mode == "cli" else run_library(args)
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.no_score:
        return 0
    for what, pred, extra in [("clusters", "CLUSTERS.tsv", ["--body"]), ("docs", "PAIRS.tsv", ["--body"]),
                              ("passages", "SPANS.jsonl", [])]:
        cmd = [sys.executable, str(SCORER), what, "--pred", str(args.out / pred), "--eval", str(args.eval)] + extra
        print(f"$ {' '.join(cmd)}")
        sys.stdout.flush()
        subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
