"""Peak memory and time of the corpus passes of dedup, staged (bounded memory) or in memory.

    python benchmarks/dedup_memory.py --docs /tmp/scale100k/docs.jsonl --check
    python benchmarks/dedup_memory.py --docs /tmp/scale1m/docs.jsonl

Each mode runs in its own subprocess:

  staged  the JSONL texts are streamed in batches (--batch) into two
          cleaner.dedup.stage.CorpusStage objects, spilling to stage files in
          a scratch folder once over --spill-mb: `raw` (the texts as read) and
          `cleaned` (the same texts, standing in for the cleaned ones; it keeps
          the tokens' offsets in the texts, as the pipeline's stage does, for
          find_recycled to place passages without the texts)
  memory  all texts read into a list and hashed with cleaner.dedup.prepare
          (the path of cleaner.pipeline before streaming)

and times the passes the pipeline makes over the corpus: copy groups
(verified_pairs(raw, 0.5) then components, as pipeline.copy_groups),
find_duplicates(..., originals=raw) and find_recycled. For each phase: wall
time, CPU time and peak RSS of that phase (VmHWM, reset between phases through
/proc/self/clear_refs); the total peak is the child's ru_maxrss from os.wait4.
--check runs both modes and compares their copy groups, duplicates and recycled
passages (they must be identical).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _read(path: Path, limit: int | None):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                return
            if line.strip():
                d = json.loads(line)
                yield str(d["id"]), d["text"]


def _status_mb(field: str = "VmHWM") -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_hwm() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux: the peaks are cumulative then
        pass


class Phases:
    def __init__(self) -> None:
        self.rows = []

    def run(self, name, fn):
        _reset_hwm()
        start = _status_mb("VmRSS")
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        self.rows.append({"phase": name, "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                          "start_mb": start, "peak_mb": _status_mb()})
        print(json.dumps(self.rows[-1]), file=sys.stderr, flush=True)
        return out


def child(args) -> None:
    import numpy as np

    from cleaner.dedup import find_duplicates, find_recycled, prepare
    from cleaner.dedup.minhash import components, verified_pairs
    from cleaner.dedup.stage import CorpusStage, StagedDocs

    phases = Phases()
    folder = None
    if args.mode == "staged":
        folder = Path(tempfile.mkdtemp(prefix="dedup-memory-", dir=args.scratch))

        def stage():
            raw_stage = CorpusStage(folder / "raw", spill_bytes=args.spill_mb << 20)
            clean_stage = CorpusStage(folder / "cleaned", keep_offsets=True, spill_bytes=args.spill_mb << 20)
            keys, batch = [], []
            for key, text in _read(args.docs, args.limit):
                keys.append(key)
                batch.append(text)
                if len(batch) == args.batch:
                    raw_stage.add(batch)
                    clean_stage.add(batch)  # stands in for the cleaned texts
                    batch = []
            raw_stage.add(batch)
            clean_stage.add(batch)
            del batch
            return raw_stage.finish(), clean_stage.finish(), StagedDocs(keys, clean_stage)

        raw, corpus, docs = phases.run("read + stage", stage)
    else:
        def hash_all():
            docs = list(_read(args.docs, args.limit))
            texts = [t for _, t in docs]
            return prepare(texts), prepare(texts), docs

        raw, corpus, docs = phases.run("read + prepare", hash_all)
    try:
        groups = phases.run("copy groups (J>=0.5)",
                            lambda: components(raw.n, verified_pairs(raw, threshold=0.5)))
        dups = phases.run("find_duplicates", lambda: find_duplicates(docs, corpus=corpus, originals=raw))
        del raw
        rec = phases.run("find_recycled", lambda: find_recycled(docs, dups, corpus=corpus))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)  # the stage folder is the caller's to remove
    summary = {"docs": len(docs), "groups": int(len(set(groups))), "duplicates": len(dups), "recycled": len(rec),
               "spilled": bool(getattr(corpus, "mapped", False)), "phases": phases.rows,
               "np": np.__version__}
    if args.results:
        with open(args.results, "wb") as f:
            pickle.dump((groups, dups, rec), f)
    print(json.dumps(summary))


def run_mode(args, mode: str, results: Path | None) -> dict:
    cmd = [sys.executable, __file__, "--child", "--mode", mode, "--docs", str(args.docs), "--batch", str(args.batch),
           "--spill-mb", str(args.spill_mb)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if args.scratch:
        cmd += ["--scratch", str(args.scratch)]
    if results is not None:
        cmd += ["--results", str(results)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{mode} run failed ({status})")
    summary = json.loads(out.strip().splitlines()[-1])
    # clear_refs resets ru_maxrss too: the process's peak is the highest phase's
    summary.update(mode=mode, wall=time.perf_counter() - t0, cpu=usage.ru_utime + usage.ru_stime,
                   peak_mb=max([usage.ru_maxrss / 1024] + [r["peak_mb"] for r in summary["phases"]]))
    return summary


def report(s: dict) -> None:
    print(f"\n{s['mode']}: {s['docs']} docs, {s['groups']} copy groups, {s['duplicates']} duplicates, "
          f"{s['recycled']} recycled passages (spilled: {s['spilled']})")
    print(f"  {'phase':24} {'wall s':>8} {'cpu s':>8} {'peak MB':>9} {'RSS at start':>13}")
    for r in s["phases"]:
        print(f"  {r['phase']:24} {r['wall']:8.1f} {r['cpu']:8.1f} {r['peak_mb']:9.0f} {r['start_mb']:13.0f}")
    print(f"  {'total (process)':24} {s['wall']:8.1f} {s['cpu']:8.1f} {s['peak_mb']:9.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, required=True, help="JSONL, one {id, text} per line")
    ap.add_argument("--limit", type=int, default=None, help="first N lines only")
    ap.add_argument("--mode", choices=("staged", "memory"), default="staged")
    ap.add_argument("--check", action="store_true", help="run both modes and compare their results")
    ap.add_argument("--batch", type=int, default=10000, help="documents per CorpusStage.add")
    ap.add_argument("--spill-mb", type=int, default=256, help="CorpusStage spill_bytes, in MiB")
    ap.add_argument("--scratch", type=Path, default=None, help="folder for the stage folders (default: TMPDIR)")
    ap.add_argument("--json", type=Path, default=None, help="also write the summaries here")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--results", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    modes = ("memory", "staged") if args.check else (args.mode,)
    tmp = Path(tempfile.mkdtemp(prefix="dedup-memory-results-"))
    try:
        summaries = []
        for mode in modes:
            summaries.append(run_mode(args, mode, tmp / f"{mode}.pkl" if args.check else None))
            report(summaries[-1])
        if args.json:
            args.json.write_text(json.dumps(summaries, indent=1))
        if args.check:
            with open(tmp / "memory.pkl", "rb") as f:
                a = pickle.load(f)
            with open(tmp / "staged.pkl", "rb") as f:
                b = pickle.load(f)
            same = [x == y for x, y in zip(a, b)]
            print(f"\nidentical results (copy groups, duplicates, recycled): {same}")
            if not all(same):
                raise SystemExit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
