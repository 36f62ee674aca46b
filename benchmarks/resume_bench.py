"""A `cleaner clean --out` run killed midway, then resumed: what the rerun takes up, and its time.

    python benchmarks/resume_bench.py --docs /tmp/scale100k/docs.jsonl --out /tmp/resume_bench --kill-at 0.6

1. A whole run, `python -m cleaner clean DOCS --out OUT/whole --workers N`, timed.
2. The same command into OUT/killed, sent SIGKILL after KILL_AT x the whole run's wall time.
3. The same command again into OUT/killed: it finds the unfinished run's checkpoint
   (OUT/killed/.cleaner-run) and takes up what was done. Its wall time, the "resumed: ..."
   line it prints, and whether its outputs and log (header line aside) are byte-identical
   to the whole run's.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(docs: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "cleaner", "clean", str(docs), "--out", str(out), "--workers", str(workers)]


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return time.perf_counter() - start, done.stderr


def tree(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "cleaner-log.jsonl":
                data = data.split(b"\n", 1)[1]  # the header holds the time
            files[path.relative_to(root).as_posix()] = data
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("/tmp/resume_bench"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kill-at", type=float, default=0.6, help="fraction of the whole run's time")
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    whole, killed = args.out / "whole", args.out / "killed"

    whole_s, _ = timed(command(args.docs, whole, args.workers))
    print(f"whole run: {whole_s:.1f} s")

    proc = subprocess.Popen(command(args.docs, killed, args.workers), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(args.kill_at * whole_s)
    if proc.poll() is not None:
        sys.exit("the run finished before it was killed")
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, as a crash or an OOM kill would
    proc.wait()
    checkpoint = killed / ".cleaner-run"
    saved = sum(p.stat().st_size for p in checkpoint.rglob("*") if p.is_file()) if checkpoint.exists() else 0
    print(f"killed after {args.kill_at * whole_s:.1f} s; checkpoint {saved / 1e6:.0f} MB")

    resumed_s, stderr = timed(command(args.docs, killed, args.workers))
    said = [line for line in stderr.splitlines() if line.startswith("resumed:")]
    print(f"resumed run: {resumed_s:.1f} s ({resumed_s / whole_s:.2f}x the whole run); "
          f"{said[0] if said else 'no resume line'}")
    same = tree(whole) == tree(killed)
    print(f"outputs and log identical to the whole run's: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
