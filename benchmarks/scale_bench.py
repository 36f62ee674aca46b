"""End-to-end `cleaner clean` (with dedup) on a scale corpus, with 1 and more workers.

    python /work/shared/eval/make_scale_corpus.py --docs 100000 --out /tmp/scale100k --max-chars 2000
    python benchmarks/scale_bench.py --docs /tmp/scale100k/docs.jsonl --out /tmp/scale_bench --workers 1 2
    python benchmarks/scale_bench.py --docs /tmp/scale100k/docs.jsonl --limit 10000 ...   # first 10k records only
    ... --workers 1 2 --dask      # and --engine dask on a local cluster of 2 workers

Each run is `python -m cleaner clean DOCS --out OUT/wN --workers N --force` in its own
subprocess: wall time around it, CPU time and peak RSS from os.wait4 (RUSAGE of the
child, which includes its reaped workers: ru_maxrss is the largest single process), and
the peaks of the whole process tree's summed RSS and PSS, sampled twice a second from
/proc (RSS counts pages forked workers share once per process; PSS splits them). Prints documents/s and MB/s per run, the speed-up of each run over the
first, and checks that every run (either engine) wrote the same outputs and the same change log (header
line aside), as --workers promises.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """Summed RSS and PSS (kB) of ``pids`` (PSS splits pages shared by forked workers)."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


class TreeMemory:
    """Samples the summed memory of a process tree twice a second; keeps the peaks."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak_rss, self.peak_pss = pid, 0, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.5):
            rss, pss = _memory(_tree(self.pid))
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def run_clean(docs: Path, out: Path, workers: int, extra: list[str], engine: str = "local") -> dict:
    cmd = [sys.executable, "-m", "cleaner", "clean", str(docs), "--out", str(out), "--workers", str(workers),
           "--engine", engine, "--force", *extra]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tree = TreeMemory(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    tree.stop()
    wall = time.perf_counter() - t
    err = proc.stderr.read()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err}")
    return {"engine": engine, "workers": workers, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_rss_mib": usage.ru_maxrss / 1024, "tree_rss_mib": tree.peak_rss / 1024,
            "tree_pss_mib": tree.peak_pss / 1024, "summary": err.strip().splitlines()[-1] if err.strip() else ""}


def fingerprint(out: Path) -> str:
    """sha256 over the outputs and the log without its header (which holds the time)."""
    h = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        h.update(path.relative_to(out).as_posix().encode())
        if path.name == "cleaner-log.jsonl":
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if json.loads(line)["type"] != "header":
                        h.update(line.encode())
        else:
            h.update(path.read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, required=True, help="a JSONL corpus (make_scale_corpus.py)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/scale_bench"))
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, help="use only the first N records (written to OUT/docs.jsonl)")
    ap.add_argument("--no-dedup", action="store_true")
    ap.add_argument("--dask", action="store_true",
                    help="also run --engine dask (a local Dask cluster) with the largest --workers")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    docs = args.docs
    if args.limit:
        docs = args.out / "docs.jsonl"
        with args.docs.open(encoding="utf-8") as src, docs.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= args.limit:
                    break
                dst.write(line)
    n_docs = sum(1 for _ in docs.open(encoding="utf-8"))
    mb = docs.stat().st_size / 1e6
    print(f"corpus {docs}: {n_docs:,} documents, {mb:.1f} MB; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")
    extra = ["--no-dedup"] if args.no_dedup else []
    runs = []
    plan = [("local", w) for w in args.workers] + ([("dask", max(args.workers))] if args.dask else [])
    for engine, w in plan:
        out = args.out / f"{engine}{w}"
        r = run_clean(docs, out, w, extra, engine)
        r["fingerprint"] = fingerprint(out)
        runs.append(r)
        print(f"--engine {engine} --workers {w}: wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s, peak RSS {r['peak_rss_mib']:.0f} MiB "
              f"(process tree summed: RSS {r['tree_rss_mib']:.0f} MiB, PSS {r['tree_pss_mib']:.0f} MiB), "
              f"{n_docs / r['wall']:.0f} docs/s, {mb / r['wall']:.2f} MB/s, speed-up "
              f"{runs[0]['wall'] / r['wall']:.2f}x over the first run")
        print(f"  {r['summary']}")
    same = len({r["fingerprint"] for r in runs}) == 1
    print("outputs and log identical across runs:", "yes" if same else "NO")
    (args.out / "results.json").write_text(json.dumps(runs, indent=1))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
