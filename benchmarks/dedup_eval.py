"""Run cleaner.dedup on the dedup dev set and write the scorer's input files.

    python benchmarks/dedup_eval.py --out /tmp/dedup_out [--docs PATH] [--threshold 0.8]

Writes into --out:
  CLUSTERS.tsv  id <TAB> cluster, for every document in a cluster (representatives too)
  PAIRS.tsv     id_a <TAB> id_b <TAB> J, every verified pair with exact J >= threshold
  SPANS.jsonl   one recycled passage per line (source/target ids and char offsets)
and prints the time of each step. Then score with
  python /work/shared/eval/score_dedup.py clusters --pred OUT/CLUSTERS.tsv --body
  python /work/shared/eval/score_dedup.py docs --pred OUT/PAIRS.tsv --body
  python /work/shared/eval/score_dedup.py passages --pred OUT/SPANS.jsonl
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.dedup import find_duplicates, find_recycled  # noqa: E402

DEFAULT_DOCS = Path("/work/shared/eval/dedup/docs.jsonl.gz")


def load(path: Path) -> list[tuple[str, str]]:
    op = gzip.open if path.suffix == ".gz" else open
    with op(path, "rt", encoding="utf-8") as f:
        return [(d["id"], d["text"]) for d in map(json.loads, f)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--min-words", type=int, default=12)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    docs = load(args.docs)
    t_load = time.perf_counter() - t
    chars = sum(len(x) for _, x in docs)

    t = time.perf_counter()
    pairs: list = []
    dups = find_duplicates(docs, args.threshold, args.num_perm, pairs_out=pairs)
    t_dup = time.perf_counter() - t

    t = time.perf_counter()
    recycled = find_recycled(docs, dups, args.min_words)
    t_rec = time.perf_counter() - t

    with open(args.out / "CLUSTERS.tsv", "w", encoding="utf-8") as f:
        seen = set()
        for m in dups:
            if m.of_key not in seen:
                seen.add(m.of_key)
                f.write(f"{m.of_key}\t{m.cluster}\n")
            f.write(f"{m.key}\t{m.cluster}\n")
    with open(args.out / "PAIRS.tsv", "w", encoding="utf-8") as f:
        for a, b, j in pairs:
            f.write(f"{a}\t{b}\t{j:.6f}\n")
    with open(args.out / "SPANS.jsonl", "w", encoding="utf-8") as f:
        for r in recycled:
            f.write(json.dumps({"source": r.source_key, "source_start": r.source_start,
                                "source_end": r.source_end, "target": r.key, "target_start": r.start,
                                "target_end": r.end, "similarity": r.similarity}) + "\n")

    n_clusters = len({m.cluster for m in dups})
    print(f"{len(docs)} docs, {chars / 1e6:.2f} M chars; load {t_load:.2f} s")
    print(f"find_duplicates: {t_dup:.2f} s ({chars / 1e6 / t_dup:.1f} M chars/s): "
          f"{len(pairs)} verified pairs, {n_clusters} clusters, {len(dups)} duplicates")
    print(f"find_recycled:   {t_rec:.2f} s: {len(recycled)} passages")
    print(f"wrote {args.out}/CLUSTERS.tsv, PAIRS.tsv, SPANS.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
