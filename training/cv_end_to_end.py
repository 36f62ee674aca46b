#!/usr/bin/env python3
"""Held-out estimate of the whole chrome decision, not only the line model.

    python training/cv_end_to_end.py [--kinds txt,html] [--folds 5] [--set NAME=VALUE ...] [--shipped | --shipped-features]
                                     [--second-folds N]
                                     [--thresholds 0.5,0.6,0.7 [--write-threshold]] [--save-folds DIR | --folds-from DIR]

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

``--save-folds DIR`` keeps each fold's model; ``--folds-from DIR`` cleans with
them instead of training: a later change to the reader or the rules is then
judged with models trained before it, as the shipped model was.

``--thresholds`` scores each decision threshold with the same fold models.
The best (AEB + WCXB) is the threshold to ship: the model-alone choice of
``train_blocks.py`` ignores the decisions and rules around the model.
``--write-threshold`` (with ``--shipped-features``) sets it in the shipped
model file; the trees are left as they are.
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


def held_out_cleaning(pages: list[dict], kind: str, shipped: dict, args, scratch: Path) -> dict[float, dict[str, str]]:
    """For each decision threshold: every page cleaned by the fold model that
    never saw its site."""
    from sklearn.model_selection import GroupKFold

    rows = tb.build(pages, kind, augment=kind == "txt")
    weight = args.weight or tb.SHIPPED_WEIGHT[kind]
    thresholds = args.thresholds or [shipped[kind]["decision_threshold"]]
    names = shipped[kind]["features"] if args.shipped_features else blocks.FEATURES
    second_names = shipped[kind].get("second", {}).get("features") if args.shipped_features else None
    second_folds = tb.SECOND_FOLDS[kind] if args.second_folds is None else args.second_folds
    sites = np.array([pages[r[0]]["site"] for r in rows])
    cleaned: dict[float, dict[str, str]] = {t: {} for t in thresholds}
    for fold, (tr, te) in enumerate(GroupKFold(n_splits=args.folds).split(rows, groups=sites)):
        held_out_ids = sorted({pages[rows[i][0]]["id"] for i in te})
        if args.folds_from:
            fold_model = load_fold(args.folds_from, kind, fold, held_out_ids)
        else:
            fold_model = tb.fit_line_model(rows, tr, sites, args, weight, thresholds[0], second_folds, names, second_names)
            if args.save_folds:
                save_fold(args.save_folds, kind, fold, held_out_ids, fold_model)
        held_out = {str(pages[rows[i][0]]["source"].path) for i in te}
        for t in thresholds:
            spec = dict(shipped, **{kind: dict(fold_model, decision_threshold=t)})
            fold_cleaned = clean_all(pages, spec, scratch)
            cleaned[t].update({k: v for k, v in fold_cleaned.items() if k in held_out})
    return cleaned


def save_fold(folder: Path, kind: str, fold: int, held_out_ids: list[str], model: dict) -> None:
    """Keep one fold's model, with the pages it holds out, for ``--folds-from``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{kind}-fold{fold}.json").write_text(json.dumps({"held_out": held_out_ids, "model": model}))


def load_fold(folder: Path, kind: str, fold: int, held_out_ids: list[str]) -> dict:
    """A fold's model saved by ``--save-folds``; its held-out pages must be this fold's."""
    path = folder / f"{kind}-fold{fold}.json"
    if not path.exists():
        sys.exit(f"cv_end_to_end: no saved fold model {path}")
    saved = json.loads(path.read_text())
    if saved["held_out"] != held_out_ids:
        sys.exit(f"cv_end_to_end: {path} holds out other pages than fold {fold} does here")
    return saved["model"]


def write_threshold(kind: str, threshold: float) -> None:
    """Set ``kind``'s decision threshold in the shipped model file."""
    spec = json.loads(blocks.MODEL_PATH.read_text())
    spec["models"][kind]["decision_threshold"] = threshold
    tmp = blocks.MODEL_PATH.with_suffix(".tmp")
    tmp.write_text(json.dumps(spec, separators=(",", ":")))
    tmp.replace(blocks.MODEL_PATH)
    print(f"[{kind}] wrote decision threshold {threshold} to {blocks.MODEL_PATH}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=HERE.parent.parent / "shared" / "eval" / "chrome")
    ap.add_argument("--kinds", default="txt,html")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--min-leaf", type=int, default=tb.MIN_SAMPLES_LEAF)
    ap.add_argument("--random-state", type=int, default=0, help=tb.RANDOM_STATE_HELP)
    ap.add_argument("--second-folds", type=int, default=None,
                    help="folds of the out-of-fold probabilities each fold's second model learns from "
                         "(0: first model only; default: each kind's as shipped, train_blocks.SECOND_FOLDS)")
    ap.add_argument("--thresholds", type=lambda v: [float(t) for t in v.split(",")], default=None,
                    help="decision thresholds to score, comma-separated (default: the shipped model's)")
    ap.add_argument("--write-threshold", action="store_true",
                    help="write the best of --thresholds into the shipped model file (needs --shipped-features)")
    ap.add_argument("--weight", default=None, help="line weights (default: each kind's as shipped)")
    ap.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    ap.add_argument("--shipped", action="store_true", help="score the shipped model (in-sample)")
    ap.add_argument("--shipped-features", action="store_true",
                    help="train each fold's model on the features the shipped model of its kind uses "
                         "(a held-out estimate for a shipped model older than the feature list)")
    ap.add_argument("--save", type=Path, help="write each kind's cleaned pages under this folder")
    ap.add_argument("--save-folds", type=Path, metavar="DIR", help="keep each fold's model in DIR")
    ap.add_argument("--folds-from", type=Path, metavar="DIR",
                    help="clean with the fold models --save-folds kept in DIR instead of training them: "
                         "the held-out estimate of a change to the reader or the rules around a model "
                         "trained before it, as the shipped one was")
    args = ap.parse_args()
    if args.save_folds and args.folds_from:
        ap.error("--save-folds and --folds-from exclude each other")
    if args.write_threshold and not (args.shipped_features and args.thresholds):
        ap.error("--write-threshold needs --shipped-features and --thresholds")
    apply_settings(args.set)
    scorer = tb.load_scorer(args.eval)
    shipped = json.loads(blocks.MODEL_PATH.read_text())["models"]
    unknown = [kind for kind in args.kinds.split(",") if kind not in shipped]
    if unknown:  # (each fold keeps the shipped models of the other kinds, and their threshold)
        sys.exit(f"cv_end_to_end: no shipped model for {', '.join(unknown)} in {blocks.MODEL_PATH} "
                 f"(kinds: {', '.join(shipped)})")
    html_cache = Path(tempfile.gettempdir()) / "cleaner_train_html"
    html_cache.mkdir(exist_ok=True)
    report, sweep = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for kind in args.kinds.split(","):
            t0 = time.time()
            pages = tb.load_pages(args.eval, kind, html_cache)
            if args.shipped:
                by_threshold = {shipped[kind]["decision_threshold"]: clean_all(pages, shipped, Path(scratch))}
            else:
                by_threshold = held_out_cleaning(pages, kind, shipped, args, Path(scratch))
            by_score = {t: scores(scorer, pages, cleaned) for t, cleaned in by_threshold.items()}
            best = max(by_score, key=lambda t: sum(by_score[t].values()))
            cleaned = by_threshold[best]
            if len(by_score) > 1:
                print(f"[{kind}] by threshold: {by_score}; best {best}", flush=True)
                sweep[kind] = by_score
            if args.write_threshold:
                write_threshold(kind, best)
            report[kind] = by_score[best]
            if args.save:
                folder = args.save / kind
                folder.mkdir(parents=True, exist_ok=True)
                for p in pages:
                    (folder / f"{p['id']}.txt").write_text(cleaned[str(p["source"].path)], encoding="utf-8")
            print(f"[{kind}] {'shipped, in-sample' if args.shipped else 'held-out by site'}: "
                  f"{report[kind]} ({time.time() - t0:.0f}s)", flush=True)
    print(json.dumps({"settings": args.set, "shipped": args.shipped, "scores": report, "by_threshold": sweep}))


if __name__ == "__main__":
    main()
