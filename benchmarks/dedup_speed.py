"""Side-by-side speed and memory of `cleaner dedup` and two MinHash anchors, one core each.

    python /work/shared/eval/make_scale_corpus.py --docs 100000 --out /tmp/scale100k --max-chars 2000
    python benchmarks/dedup_speed.py --docs /tmp/scale100k/docs.jsonl --out /tmp/dedup_speed

Every tool runs in its own subprocess on the same JSONL file (one {"id", "text"} per line),
pinned to one core (os.sched_setaffinity) with one BLAS/OpenMP/Rayon thread; wall time is
taken around the subprocess and peak RSS from os.wait4 (ru_maxrss of that child alone).

  cleaner      `python -m cleaner dedup DOCS --log OUT/cleaner/log.jsonl` end to end: read the
               file, near-duplicate clusters (MinHash + banding + exact Jaccard) and recycled
               passages, change log written (its stdout, one line per finding, to /dev/null).
               Run with --workers 1 (the hashing pool is for several cores; the default
               counts the cores the process may use, here the one it is pinned to).
  datasketch   json.loads per line; Python word-5-gram shingles (re \\w+ of the lower-cased
               text, joined by spaces, UTF-8); MinHash.bulk(num_perm=128); MinHashLSH(0.8,
               128) insert + query of every document; candidate pairs -> union-find clusters
  rensa        the same shingles; RMinHash(128).update per document; RMinHashLSH(0.8, 128,
               16 bands x 8 rows) insert + query; candidate pairs -> union-find clusters

Each tool writes OUT/TOOL/PAIRS.tsv and OUT/TOOL/CLUSTERS.tsv (cleaner's from its log: the
`cluster` field of its `duplicate` records). The anchors report LSH candidates without
verification and find no passages: they do less work than cleaner. The anchors also time
their phases (read + shingle, signatures, LSH + clusters). Needs `pip install rensa
datasketch` (the `bench` extra). --score also scores each tool's pairs and clusters with
score_dedup.py (truth files beside DOCS, as make_scale_corpus.py writes them).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("cleaner", "datasketch", "rensa")
SCORER = ROOT.parent / "shared" / "eval" / "score_dedup.py"
TOKEN = re.compile(r"\w+")


# ----------------------------------------------------------------------------- workers
def _read(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                yield d["id"], d["text"]


def _shingles(text: str) -> set[str]:
    toks = TOKEN.findall(text.lower())
    if len(toks) < 5:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i:i + 5]) for i in range(len(toks) - 4)}


def write_clusters(ids: list[str], pairs: list[tuple[int, int]], out: Path) -> None:
    """PAIRS.tsv and CLUSTERS.tsv (connected components of the pairs, union-find)."""
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with open(out / "PAIRS.tsv", "w", encoding="utf-8") as f:
        for i, j in pairs:
            f.write(f"{ids[i]}\t{ids[j]}\n")
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    in_pair = {i for p in pairs for i in p}
    with open(out / "CLUSTERS.tsv", "w", encoding="utf-8") as f:
        for i in sorted(in_pair):
            f.write(f"{ids[i]}\t{find(i)}\n")


def _phases(out: Path, **seconds: float) -> None:
    (out / "phases.json").write_text(json.dumps(seconds))


def worker_datasketch(docs: Path, out: Path) -> None:
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    t0 = time.perf_counter()
    ids, sets = [], []
    for key, text in _read(docs):
        ids.append(key)
        sets.append([s.encode("utf-8") for s in _shingles(text)])
    t1 = time.perf_counter()
    sigs = MinHash.bulk(sets, num_perm=128)
    del sets
    t2 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    lean = [LeanMinHash(m) for m in sigs]
    del sigs
    for i, m in enumerate(lean):
        lsh.insert(i, m, check_duplication=False)
    pairs = [(i, j) for i, m in enumerate(lean) for j in lsh.query(m) if j > i]
    write_clusters(ids, pairs, out)
    _phases(out, shingles=t1 - t0, signatures=t2 - t1, lsh_clusters=time.perf_counter() - t2)


def worker_rensa(docs: Path, out: Path) -> None:
    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    ids, sets = [], []
    for key, text in _read(docs):
        ids.append(key)
        sets.append(list(_shingles(text)))
    t1 = time.perf_counter()
    mh = []
    for shingles in sets:
        m = RMinHash(num_perm=128, seed=42)
        m.update(shingles)
        mh.append(m)
    del sets
    t2 = time.perf_counter()
    lsh = RMinHashLSH(threshold=0.8, num_perm=128, num_bands=16)  # 16 bands x 8 rows
    for i, m in enumerate(mh):
        lsh.insert(i, m)
    pairs = [(i, j) for i, m in enumerate(mh) for j in lsh.query(m) if j > i]
    write_clusters(ids, pairs, out)
    _phases(out, shingles=t1 - t0, signatures=t2 - t1, lsh_clusters=time.perf_counter() - t2)


# ----------------------------------------------------------------------------- driver
def _single_thread_env() -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS",
                "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    return env


def measure(cmd: list[str], core: int | None) -> tuple[float, float, int]:
    """(wall s, cpu s, peak RSS bytes) of one subprocess."""
    def pin():
        if core is not None:
            os.sched_setaffinity(0, {core})
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_single_thread_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=pin)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def log_to_pairs(log: Path, out: Path) -> int:
    """PAIRS.tsv and CLUSTERS.tsv from cleaner's log; returns the number of recycled records."""
    cluster: dict[str, int] = {}
    recycled = 0
    with open(log, encoding="utf-8") as f, open(out / "PAIRS.tsv", "w", encoding="utf-8") as o:
        for rec in map(json.loads, f):
            if rec["type"] == "duplicate":
                o.write(f"{rec['id']}\t{rec['of_id']}\n")
                cluster[rec["id"]] = cluster[rec["of_id"]] = rec["cluster"]
            elif rec["type"] == "recycled":
                recycled += 1
    with open(out / "CLUSTERS.tsv", "w", encoding="utf-8") as o:
        for key, c in cluster.items():
            o.write(f"{key}\t{c}\n")
    return recycled


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, required=True, help="JSONL corpus (make_scale_corpus.py)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ", ".join(TOOLS))
    ap.add_argument("--core", type=int, default=None, help="pin to this CPU (default: the first allowed one)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per tool, interleaved; the fastest wall time is reported (shared machines)")
    ap.add_argument("--score", action="store_true", help="score each tool's pairs and clusters (truth beside DOCS)")
    ap.add_argument("--worker", choices=TOOLS[1:], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        {"datasketch": worker_datasketch, "rensa": worker_rensa}[args.worker](args.docs, args.out)
        return 0

    core = args.core if args.core is not None else min(os.sched_getaffinity(0))
    size = args.docs.stat().st_size
    with open(args.docs, "rb") as f:
        n_docs = sum(1 for line in f if line.strip())
    tools = args.tools.split(",")
    print(f"{args.docs}: {n_docs} documents, {size / 1e6:.1f} MB; one core (cpu {core}); "
          f"best of {args.repeat}", flush=True)
    results: dict[str, tuple[float, float, int]] = {}
    for _ in range(args.repeat):
        for tool in tools:
            out = args.out / tool
            out.mkdir(parents=True, exist_ok=True)
            if tool == "cleaner":
                log = out / "log.jsonl"
                cmd = [sys.executable, "-m", "cleaner", "dedup", str(args.docs), "--log", str(log), "--force",
                       "--workers", "1"]
            else:
                cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, "--docs", str(args.docs),
                       "--out", str(out)]
            wall, cpu, rss = measure(cmd, core)
            extra = ""
            if tool == "cleaner":
                extra = f"  ({log_to_pairs(log, out)} recycled passages)"
            else:
                phases = json.loads((out / "phases.json").read_text())
                extra = "  (" + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ")"
            print(f"  {tool:<11} wall {wall:7.1f} s  cpu {cpu:7.1f} s  {size / 1e6 / wall:6.2f} MB/s  "
                  f"peak RSS {rss / 2**20:6.0f} MiB{extra}", flush=True)
            if tool not in results or wall < results[tool][0]:
                results[tool] = (wall, cpu, max(rss, results.get(tool, (0, 0, 0))[2]))
    print(f"\n| tool | docs | MB | wall s | cpu s | MB/s | peak RSS MiB | cleaner faster by (wall / cpu) |")
    print("|---|---|---|---|---|---|---|---|")
    base = results.get("cleaner")
    for tool, (wall, cpu, rss) in results.items():
        ratio = f"{wall / base[0]:.2f}x / {cpu / base[1]:.2f}x" if base and tool != "cleaner" else ""
        print(f"| {tool} | {n_docs} | {size / 1e6:.1f} | {wall:.1f} | {cpu:.1f} | {size / 1e6 / wall:.2f} | "
              f"{rss / 2**20:.0f} | {ratio} |")
    if args.score:
        for tool in results:
            for kind, pred in (("docs", "PAIRS.tsv"), ("clusters", "CLUSTERS.tsv")):
                print(f"$ score {tool} {kind}", flush=True)
                subprocess.run([sys.executable, str(SCORER), kind, "--pred", str(args.out / tool / pred),
                                "--eval", str(args.docs.parent)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
