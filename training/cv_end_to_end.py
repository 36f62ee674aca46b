#!/usr/bin/env python3
"""Held-out estimate of the whole chrome decision, not only the line model.

    python training/cv_end_to_end.py [--kinds txt,html] [--folds 5] [--set NAME=VALUE ...] [--shipped | --shipped-features]

``train_blocks.py`` cross-validates the line model alone, thresholded. What a
curator gets is ``cleaner clean``: the model's probabilities, the decisions
around them (hysteresis, runs inside the article, the headline) and every
rule. Here each fold's model is trained on the other sites' pages (GroupKFold
by site, as in ``train_blocks.py``), the whole pipeline then cleans every
page with that model, and only the held-out sites' pages are scored. Every
page is thus scored by a model that never saw its site: the figure to
expect on pages we do not have.

The corpus pass counts lines over all pages of the set, held-out or not, as
a run over the whole folder would: the counts hold no labels.

``--set blocks.SURE_CHROME=0.05`` changes a module constant of
``cleaner.rules`` for the run (to compare decisions by this estimate, not
by in-sample scores). ``--shipped`` scores the shipped model the same way
(in-sample: its figures should match ``score_chrome.py``'s).
``--shipped-features`` trains each fold's model on only the features the
shipped model uses: the held-out estimate for a shipped model that predates
features added since (one kind's model may be kept while the other is
retrained).
Needs scikit-learn (``pip install -e '.[bench]'``).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import train_blocks as tb  # noqa: E402
from cleaner.pipeline import Options, run  # noqa: E402
from cleaner.rules import blocks  # noqa: E402


def clean_all(pages: list[dict], model_spec: dict, scratch: Path) -> dict[str, str]:
    """Cleaned text of every page, with the line models of ``model_spec``."""
    path = scratch / "model.json"
    path.write_text(json.dumps({"models": model_spec}))
    saved = blocks.MODEL_PATH
    blocks.MODEL_PATH = path
    blocks.load_models.cache_clear()
    try:
        result = run([p["source"] for p in pages], Options(dedup=False))
    finally:
        blocks.MODEL_PATH = saved
        blocks.load_models.cache_clear()
    cleaned = {}
    for file_result in result.files:
        for unit_result in file_result.units:
            cleaned[str(file_result.source.path)] = unit_result.cleaned
    return cleaned


def scores(scorer, pages: list[dict], cleaned: dict[str, str]) -> dict:
    per: dict[str, list] = {}
    for p in pages:
        per.setdefault(p["dataset"], []).append(scorer.page_scores(p["truth"], cleaned[str(p["source"].path)]))
    return {ds: round(scorer.aggregate(rows, "shingle4")["f1"], 4) for ds, rows in sorted(per.items())}


def apply_settings(settings: list[str]) -> None:
    for setting in settings:
        name, value = setting.split("=", 1)
        module_name, attr = name.rsplit(".", 1)
        module = importlib.import_module(f"cleaner.rules.{module_name}")
        if not hasattr(module, attr):
            sys.exit(f"cv_end_to_end: cleaner.rules.{module_name} has no {attr}")
        setattr(module, attr, type(getattr(module, attr))(value))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=HERE.parent.parent / "shared" / "eval" / "chrome")
    ap.add_argument("--kinds", default="txt,html")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--min-leaf", type=int, default=tb.MIN_SAMPLES_LEAF)
    ap.add_argument("--threshold", type=float, default=None,
                    help="decision threshold of every fold's model (default: the shipped model's)")
    ap.add_argument("--weight", default=None, help="line weights (default: each kind's as shipped)")
    ap.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    ap.add_argument("--shipped", action="store_true", help="score the shipped model (in-sample)")
    ap.add_argument("--shipped-features", action="store_true",
                    help="train each fold's model on the features the shipped model of its kind uses "
                         "(a held-out estimate for a shipped model older than the feature list)")
    ap.add_argument("--save", type=Path, help="write each kind's cleaned pages under this folder")
    args = ap.parse_args()
    from sklearn.model_selection import GroupKFold

    apply_settings(args.set)
    scorer = tb.load_scorer(args.eval)
    shipped = json.loads(blocks.MODEL_PATH.read_text())["models"]
    unknown = [kind for kind in args.kinds.split(",") if kind not in shipped]
    if unknown:  # (each fold keeps the shipped models of the other kinds, and their threshold)
        sys.exit(f"cv_end_to_end: no shipped model for {', '.join(unknown)} in {blocks.MODEL_PATH} "
                 f"(kinds: {', '.join(shipped)})")
    html_cache = Path(tempfile.gettempdir()) / "cleaner_train_html"
    html_cache.mkdir(exist_ok=True)
    report = {}
    with tempfile.TemporaryDirectory() as scratch:
        for kind in args.kinds.split(","):
            t0 = time.time()
            pages = tb.load_pages(args.eval, kind, html_cache)
            if args.shipped:
                cleaned = clean_all(pages, shipped, Path(scratch))
            else:
                rows = tb.build(pages, kind, augment=kind == "txt")
                weight = args.weight or tb.SHIPPED_WEIGHT[kind]
                threshold = args.threshold if args.threshold is not None else shipped[kind]["decision_threshold"]
                names = shipped[kind]["features"] if args.shipped_features else blocks.FEATURES
                columns = [blocks.FEATURES.index(name) for name in names]
                sites = np.array([pages[r[0]]["site"] for r in rows])
                cleaned = {}
                for tr, te in GroupKFold(n_splits=args.folds).split(rows, groups=sites):
                    X = np.vstack([rows[i][1][:, columns] for i in tr])
                    y = np.concatenate([rows[i][2] for i in tr])
                    w = np.concatenate([tb.line_weights(rows[i][1], weight) for i in tr])
                    model = tb.fit(X, y, args, w)
                    spec = dict(shipped, **{kind: tb.export(model, threshold, args.depth, list(names))})
                    held_out = {str(pages[rows[i][0]]["source"].path) for i in te}
                    fold_cleaned = clean_all(pages, spec, Path(scratch))
                    cleaned.update({k: v for k, v in fold_cleaned.items() if k in held_out})
            report[kind] = scores(scorer, pages, cleaned)
            if args.save:
                folder = args.save / kind
                folder.mkdir(parents=True, exist_ok=True)
                for p in pages:
                    (folder / f"{p['id']}.txt").write_text(cleaned[str(p["source"].path)], encoding="utf-8")
            print(f"[{kind}] {'shipped, in-sample' if args.shipped else 'held-out by site'}: "
                  f"{report[kind]} ({time.time() - t0:.0f}s)", flush=True)
    print(json.dumps({"settings": args.set, "shipped": args.shipped, "scores": report}))


if __name__ == "__main__":
    main()
