"""Long fuzz run: random inputs through every reader and the detectors.

    python benchmarks/fuzz.py --count 20000 --seed 1

Each input is random bytes, random Unicode in a random encoding, or a
mutation (bytes flipped, cut, spliced) of a sample file; it is read as
.txt, .html, .jsonl and .jsonl.gz. The only allowed failure is ReadError
(the documented per-file error); anything else is printed with the seed
that reproduces it. Every document read is also run through the detectors
(``pipeline.detect_edits``), and its edits must lie inside its text.
Exit 1 if anything failed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import pipeline  # noqa: E402
from cleaner.io.readers import ReadError, read_source  # noqa: E402
from cleaner.rules import RuleContext  # noqa: E402

NAMES = ["f.txt", "f.html", "f.jsonl", "f.jsonl.gz"]
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "shift_jis", "koi8-r", "gb18030"]
SEEDS = [p.read_bytes() for p in sorted((ROOT / "samples").glob("*")) if p.is_file() and p.suffix != ".md"]
MARKUP = ["<p>", "</p>", "<div class='nav'>", "</div>", "<script>", "</script>", "&amp;", "&#x", "<!--", "-->",
          "<br>", "<b>", "\n", "\r\n", "\x00", '{"text": "', '"}', "\\u00e9", "\\ud800"]


def random_input(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 3000))
    if kind == 1:
        chars = [chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x800), rng.randrange(0x800, 0xD800),
                                 rng.randrange(0xE000, 0x110000)])) for _ in range(rng.randrange(0, 800))]
        for _ in range(rng.randrange(0, 20)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(MARKUP))
        return "".join(chars).encode(rng.choice(ENCODINGS), errors="replace")
    data = bytearray(rng.choice(SEEDS))
    for _ in range(rng.randrange(1, 12)):
        op = rng.randrange(4)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            del data[pos:pos + rng.randrange(200)]
        elif op == 2:
            data[pos:pos] = rng.choice(MARKUP).encode("utf-8", errors="replace")
        else:
            data[pos:pos] = rng.randbytes(rng.randrange(1, 30))
    return bytes(data)


def one(rng: random.Random, detect: bool) -> str | None:
    name = rng.choice(NAMES)
    data = random_input(rng)
    if name.endswith(".gz") and rng.random() < 0.8:
        data = gzip.compress(data)
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data) + 1)]
    elif name == "f.jsonl" and rng.random() < 0.5:
        data = (json.dumps({"id": rng.randrange(5), "text": data.decode("utf-8", "replace")}) + "\n").encode() * 2
    try:
        source = read_source(Path(name), data=data)
    except ReadError as exc:
        if not str(exc) or "\n" in str(exc):
            return f"ReadError message not one line: {exc!r}"
        return None
    if detect:
        for unit in source.units[:3]:
            edits, _ = pipeline.detect_edits(unit.doc, RuleContext())
            if any(not 0 <= e.start <= e.end <= len(unit.doc.text) for e in edits):
                return "edit outside the text"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-detect", action="store_true", help="readers only (faster)")
    args = parser.parse_args()
    failures = 0
    started = time.monotonic()
    for i in range(args.count):
        seed = args.seed * 1_000_000_007 + i
        rng = random.Random(seed)
        try:
            problem = one(rng, not args.no_detect)
        except Exception:  # noqa: BLE001 - that is what we are looking for
            problem = traceback.format_exc(limit=3)
        if problem:
            failures += 1
            print(f"FAIL seed={seed}: {problem}", file=sys.stderr)
    elapsed = time.monotonic() - started
    print(json.dumps({"tried": args.count, "failures": failures, "seconds": round(elapsed, 1)}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
