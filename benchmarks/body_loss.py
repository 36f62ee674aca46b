"""Article text lost by `cleaner clean` on the dedup dev set (article bodies).

    python benchmarks/body_loss.py --out /tmp/body_loss                 # run `cleaner clean`, then measure
    python benchmarks/body_loss.py --log DIR/cleaner-log.jsonl          # measure an existing log
    python benchmarks/body_loss.py --log NEW.jsonl --baseline OLD.jsonl --show 10

The dedup dev set's documents are article bodies (truth.txt of the chrome
pages, edited and recombined); half of the copies carry 1-3 generated header
and 1-3 footer lines of site chrome, whose `[start, end)` spans
truth_meta.jsonl gives per document. Everything else is article text, so a
chrome detector should remove the generated lines and nothing else. This is
the out-of-domain check of the line classifier: the chrome dev set it is
trained on is whole scraped pages, and a model that learns "the article is
one block" can throw away the second half of a long list article here.

From the log's `edit` records (offsets into each record's original text)
it reports:

  removed        characters removed (an edit with a replacement counts the
                 length difference), total and by rule
  in chrome      removed characters inside the generated chrome spans (wanted)
  body lost      removed non-whitespace characters outside them: article
                 text lost (whitespace is left out, so that the blank lines
                 a removal tidies away next to a chrome line do not count)
  docs > X%      documents losing more than X% of their body's
                 non-whitespace characters (--big, default 10)
  chrome found   the share of the chrome spans' non-whitespace characters removed

With --baseline (a log of the same documents from another build) it also
lists the documents whose body loss grew the most, and --show N prints the
text they lost, to be read by eye.
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path("/work/shared/eval/dedup")


def load_docs(path: Path) -> dict[str, str]:
    op = gzip.open if path.suffix == ".gz" else open
    with op(path, "rt", encoding="utf-8") as f:
        return {d["id"]: d["text"] for d in map(json.loads, f)}


def load_chrome(path: Path) -> dict[str, list[tuple[int, int]]]:
    with path.open(encoding="utf-8") as f:
        return {m["id"]: [tuple(span) for span in m.get("chrome", [])] for m in map(json.loads, f)}


def load_edits(log: Path) -> dict[str, list[dict]]:
    """The log's edit records by document id."""
    edits: dict[str, list[dict]] = defaultdict(list)
    with log.open(encoding="utf-8") as f:
        for rec in map(json.loads, f):
            if rec.get("type") == "edit":
                edits[rec["id"]].append(rec)
    return edits


def _mask(n: int, spans) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for start, end in spans:
        mask[start:end] = True
    return mask


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.view(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def measure(docs: dict[str, str], chrome: dict[str, list], edits: dict[str, list[dict]], big: float) -> dict:
    """Totals over the documents, and per document: body chars, body lost, the lost characters."""
    by_rule: Counter = Counter()
    total = in_chrome = lost = lost_all = body_total = chrome_total = chrome_removed = 0
    per_doc = {}
    for key, text in docs.items():
        is_chrome = _mask(len(text), chrome.get(key, []))
        solid = np.array([not ch.isspace() for ch in text], dtype=bool)
        removed = np.zeros(len(text), dtype=bool)
        for e in edits.get(key, []):
            net = (e["end"] - e["start"]) - len(e.get("replacement", ""))
            total += net
            by_rule[e["rule"]] += net
            if not e.get("replacement"):
                removed[e["start"]:e["end"]] = True
        lost_at = removed & ~is_chrome
        body = int((solid & ~is_chrome).sum())
        doc_lost = int((lost_at & solid).sum())
        in_chrome += int((removed & is_chrome).sum())
        chrome_removed += int((removed & is_chrome & solid).sum())
        chrome_total += int((is_chrome & solid).sum())
        lost_all += int(lost_at.sum())
        lost += doc_lost
        body_total += body
        per_doc[key] = {"body": body, "lost": doc_lost, "share": doc_lost / body if body else 0.0,
                        "lost_at": lost_at}
    big_docs = sorted((k for k, d in per_doc.items() if d["share"] > big), key=lambda k: -per_doc[k]["share"])
    return {"docs": len(docs), "removed": total, "by_rule": dict(by_rule.most_common()),
            "in_chrome": in_chrome, "body_lost_all_chars": lost_all, "body_lost": lost,
            "body_chars": body_total, "chrome_found": chrome_removed / chrome_total if chrome_total else None,
            "big_docs": big_docs, "per_doc": per_doc}


def run_clean(docs: Path, out: Path) -> Path:
    log = out / "cleaner-log.jsonl"
    cmd = [sys.executable, "-m", "cleaner", "clean", str(docs), "--out", str(out / "clean"), "--log", str(log),
           "--force"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    print(f"$ {' '.join(cmd)}\n  {time.perf_counter() - t:.1f} s")
    return log


def report(name: str, m: dict, big: float) -> None:
    print(f"[{name}] {m['docs']} docs: removed {m['removed']:,} chars; in generated chrome {m['in_chrome']:,}; "
          f"body lost {m['body_lost']:,} non-space chars ({m['body_lost_all_chars']:,} with whitespace) "
          f"= {m['body_lost'] / max(m['body_chars'], 1):.3%} of {m['body_chars']:,}; "
          f"docs losing > {big:.0%} of their body: {len(m['big_docs'])}; chrome found "
          f"{m['chrome_found']:.1%}" if m["chrome_found"] is not None else "")
    print(f"[{name}] removed by rule: {m['by_rule']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with docs.jsonl.gz and truth_meta.jsonl")
    ap.add_argument("--docs", type=Path, help="documents (default: EVAL/docs.jsonl.gz)")
    ap.add_argument("--log", type=Path, help="measure this change log instead of running `cleaner clean`")
    ap.add_argument("--out", type=Path, help="where `cleaner clean` writes its outputs and log")
    ap.add_argument("--baseline", type=Path, help="a log of the same documents to compare with")
    ap.add_argument("--big", type=float, default=0.10, help="a document losing more than this share of its body")
    ap.add_argument("--show", type=int, default=0, help="print the lost text of the N largest new losses")
    ap.add_argument("--json", type=Path, help="write the totals as JSON")
    args = ap.parse_args(argv)
    docs = load_docs(args.docs or args.eval / "docs.jsonl.gz")
    chrome = load_chrome(args.eval / "truth_meta.jsonl")
    if args.log is None:
        if args.out is None:
            ap.error("give --log or --out")
        args.out.mkdir(parents=True, exist_ok=True)
        args.log = run_clean(args.docs or args.eval / "docs.jsonl.gz", args.out)
    m = measure(docs, chrome, load_edits(args.log), args.big)
    report("log" if args.baseline is None else "new", m, args.big)
    if args.json:
        args.json.write_text(json.dumps({k: v for k, v in m.items() if k != "per_doc"}, indent=1))
    if args.baseline is None:
        return 0
    b = measure(docs, chrome, load_edits(args.baseline), args.big)
    report("baseline", b, args.big)
    grew = sorted(docs, key=lambda k: b["per_doc"][k]["lost"] - m["per_doc"][k]["lost"])
    grew = [k for k in grew if m["per_doc"][k]["lost"] > b["per_doc"][k]["lost"]]
    shrank = sum(m["per_doc"][k]["lost"] < b["per_doc"][k]["lost"] for k in docs)
    print(f"docs losing more body than the baseline: {len(grew)}, less: {shrank}; "
          f"new docs over {args.big:.0%}: {sorted(set(m['big_docs']) - set(b['big_docs']))}")
    for k in grew[:max(args.show, 10)]:
        n, o = m["per_doc"][k], b["per_doc"][k]
        print(f"  {k}: body {n['body']:,}, lost {o['lost']:,} -> {n['lost']:,} ({o['share']:.1%} -> {n['share']:.1%})")
    for k in grew[:args.show]:
        only_new = m["per_doc"][k]["lost_at"] & ~b["per_doc"][k]["lost_at"]
        print(f"\n=== {k}: text lost only with the new build (offset: text)")
        for a, z in _runs(only_new):
            if docs[k][a:z].strip():
                print(f"  {a}: {docs[k][a:z].strip()[:300]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
