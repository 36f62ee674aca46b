#!/usr/bin/env python3
"""Train the line classifier of ``cleaner/rules/blocks.py`` on the chrome dev set.

    python training/train_blocks.py [--eval ../shared/eval/chrome] [--folds 5] [--kinds txt,html] [--weight page-sqrt|none]
                                    [--second-folds N] [--out cleaner/rules/data/blocks_model.json]

Labels come from ``truth.txt``: a page line of four or more words is article
text when at least half of its word 4-grams occur in the truth; a shorter
line when its words occur in the truth in a row and the nearest longer line
is article text. Features are computed by ``cleaner.rules.blocks.features``
exactly as at run time, with the corpus line counts of the whole set.

Lines are weighted by the square root of their word count, each page
weighing its number of lines (``--weight``): the score counts words.

The line model is two tree ensembles (stacking): the first over the line
features, the second over the same features and the first model's
probabilities around each line (``blocks.probability_context``). The second
learns from out-of-fold probabilities of the first (``--second-folds``, by
site), the kind of probabilities the first model gives on unseen pages; the
cross-validated scores below refit both inside each fold.

Each plain-text page is also added once more reduced to its article lines
(all labelled article), so that the model leaves already-clean text alone
(cleaning twice changes nothing).

The script reports cross-validated page scores (GroupKFold by site: a
site's pages are never in training and test at once; the model alone,
without the rules) and the in-sample scores of the final model, then fits
on all pages and writes the model as plain numbers. Needs scikit-learn
(training only; the package evaluates the trees with numpy).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.document import Document  # noqa: E402
from cleaner.io.readers import read_source  # noqa: E402
from cleaner.pipeline import line_counts  # noqa: E402
from cleaner.rules import RuleContext  # noqa: E402
from cleaner.rules import blocks  # noqa: E402

_TOKEN = re.compile(r"\w+")


def load_scorer(eval_dir: Path):
    sys.path.insert(0, str(eval_dir.parent))
    import score_chrome  # noqa: E402

    return score_chrome


def label_lines(lines: list[str], truth: str) -> np.ndarray:
    truth_tokens = _TOKEN.findall(truth)
    grams = {tuple(truth_tokens[i:i + 4]) for i in range(len(truth_tokens) - 3)}
    joined = " " + " ".join(truth_tokens) + " "
    labels = np.zeros(len(lines), dtype=int)
    short = []
    for i, line in enumerate(lines):
        toks = _TOKEN.findall(line)
        if len(toks) >= 4:
            own = [tuple(toks[j:j + 4]) for j in range(len(toks) - 3)]
            labels[i] = sum(g in grams for g in own) >= 0.5 * len(own)
        elif toks:
            short.append((i, " " + " ".join(toks) + " " in joined))
    long_idx = [i for i, line in enumerate(lines) if len(_TOKEN.findall(line)) >= 4]
    for i, found in short:
        if not found:
            continue
        above = [j for j in long_idx if j < i]
        below = [j for j in long_idx if j > i]
        near = []
        if above:
            near.append(above[-1])
        if below:
            near.append(below[0])
        labels[i] = any(labels[j] for j in near)
    return labels


def load_pages(eval_dir: Path, kind: str, tmp: Path):
    splits = json.loads((eval_dir / "splits.json").read_text())
    pages = []
    for pid in splits["dev"]:
        folder = eval_dir / "pages" / pid
        meta = json.loads((folder / "meta.json").read_text())
        if kind == "txt":
            path = folder / "page.txt"
        else:
            path = tmp / f"{pid}.html"
            if not path.exists():
                path.write_bytes(gzip.decompress((folder / "page.html.gz").read_bytes()))
        source = read_source(path, path.name)
        pages.append({"id": pid, "site": meta["site"], "dataset": meta["dataset"], "unit": source.units[0],
                      "source": source,
                      "truth": (folder / "truth.txt").read_text(encoding="utf-8")})
    return pages


def build(pages, kind: str, augment: bool):
    ctx = RuleContext(line_counts=line_counts([p["unit"] for p in pages]), n_docs=len(pages))
    rows = []  # (page index, X, y, lines, is_augmented)
    for k, page in enumerate(pages):
        doc = page["unit"].doc
        lines = blocks.text_lines(doc)
        if not lines:
            continue
        X = blocks.features(doc, lines, ctx)
        y = label_lines([l.text for l in lines], page["truth"])
        rows.append((k, X, y, lines, False))
        if augment and y.sum() >= blocks.MIN_LINES:
            text = "\n".join(l.text for l, keep in zip(lines, y) if keep) + "\n"
            clean = Document(text, format="txt")
            clines = blocks.text_lines(clean)
            rows.append((k, blocks.features(clean, clines, ctx), np.ones(len(clines), dtype=int), clines, True))
    return rows


def line_weights(X: np.ndarray, how: str) -> np.ndarray:
    """Training weight of each line of one page. ``page-sqrt``: by the square
    root of its word count, scaled so that every page weighs its number of
    lines (the score counts words and averages over pages); ``none``: 1."""
    if how == "none":
        return np.ones(len(X))
    w = np.sqrt(1.0 + np.expm1(X[:, blocks.FEATURES.index("log_words")]))
    return len(w) * w / w.sum()


MIN_SAMPLES_LEAF = 40
RANDOM_STATE_HELP = ("seed of the trees' fitting (default 0, as shipped). Above 10,000 lines the fit holds out a "
                     "random tenth of them to watch for early stopping, so the seed picks which lines a model "
                     "learns from: compare settings over several seeds")
# The line weights the shipped models were trained with (see --weight).
SHIPPED_WEIGHT = {"txt": "page-sqrt", "html": "none"}


def fit(X, y, args, weight=None):
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=args.trees, learning_rate=args.learning_rate, max_depth=args.depth,
        max_leaf_nodes=2 ** args.depth, min_samples_leaf=getattr(args, "min_leaf", MIN_SAMPLES_LEAF),
        l2_regularization=1.0, random_state=args.random_state)
    model.fit(X, y, sample_weight=weight)
    return model


def fit_rows(rows, idx, args, weight: str, columns: list[int], matrices: dict | None = None):
    """A model fitted on the rows ``idx`` (their ``columns``; ``matrices``: a
    row's own matrix instead of its features, by row index)."""
    def matrix(i):
        return matrices[i] if matrices is not None else rows[i][1][:, columns]
    X = np.vstack([matrix(i) for i in idx])
    y = np.concatenate([rows[i][2] for i in idx])
    return fit(X, y, args, np.concatenate([line_weights(rows[i][1], weight) for i in idx]))


def out_of_fold(rows, idx, sites, folds: int, args, weight: str, columns: list[int]) -> dict[int, np.ndarray]:
    """The first model's probabilities for the rows ``idx``, each from a model
    fitted on the other sites among ``idx`` (GroupKFold by site)."""
    from sklearn.model_selection import GroupKFold

    idx = np.asarray(idx)
    proba = {}
    for tr, te in GroupKFold(n_splits=folds).split(idx, groups=sites[idx]):
        model = fit_rows(rows, idx[tr], args, weight, columns)
        for i in idx[te]:
            proba[i] = model.predict_proba(rows[i][1][:, columns])[:, 1]
    return proba


# Folds of the out-of-fold probabilities each kind's second model is trained
# on; 0: no second model (HTML's markup is context already: a second model
# gained it ~0.001 F1, not worth a second tree pass).
SECOND_FOLDS = {"txt": 4, "html": 0}


def fit_line_model(rows, idx, sites, args, weight: str, threshold: float, second_folds: int,
                   names: list[str] | None = None, second_names: list[str] | None = None) -> dict:
    """The line model of blocks.LineClassifier fitted on the rows ``idx``, as
    a spec: the first model over ``names`` (default: blocks.FEATURES), and,
    unless ``second_folds`` is 0, the second model over ``second_names``
    (default: blocks.SECOND_FEATURES). The second model learns from the first
    model's out-of-fold probabilities: on a page it has never seen, the first
    model is less sure than on the pages it was fitted on, and the second
    must learn from probabilities like those it will meet."""
    names = list(names or blocks.FEATURES)
    columns = [blocks.FEATURES.index(name) for name in names]
    spec = export(fit_rows(rows, idx, args, weight, columns), threshold, args.depth, names)
    if second_folds:
        second_names = list(second_names or blocks.SECOND_FEATURES)
        second_columns = [blocks.SECOND_FEATURES.index(name) for name in second_names]
        proba = out_of_fold(rows, idx, sites, second_folds, args, weight, columns)
        matrices = {i: np.column_stack([rows[i][1], blocks.probability_context(rows[i][1], proba[i])])[:, second_columns]
                    for i in idx}
        second = fit_rows(rows, idx, args, weight, second_columns, matrices)
        spec["second"] = export(second, threshold, args.depth, second_names)
    return spec


def export(model, threshold: float, depth: int, features: list[str] | None = None) -> dict:
    """The fitted trees as padded node tables (see blocks.TreeModel); ``features``:
    the names of the columns the model was fitted on (default: all of blocks.FEATURES)."""
    predictors = [p[0] for p in model._predictors]
    width = max(len(p.nodes) for p in predictors)
    T = len(predictors)
    feature = np.zeros((T, width), dtype=int)
    split = np.zeros((T, width))
    left = np.zeros((T, width), dtype=int)
    right = np.zeros((T, width), dtype=int)
    value = np.zeros((T, width))
    real_depth = 0
    for t, p in enumerate(predictors):
        nodes = p.nodes
        for i, node in enumerate(nodes):
            if node["is_leaf"]:
                left[t, i] = right[t, i] = i
                value[t, i] = node["value"]
            else:
                feature[t, i] = node["feature_idx"]
                split[t, i] = node["num_threshold"]
                left[t, i] = node["left"]
                right[t, i] = node["right"]
        real_depth = max(real_depth, int(nodes["depth"].max()))
        for i in range(len(nodes), width):
            left[t, i] = right[t, i] = i
    return {
        "features": features or blocks.FEATURES, "decision_threshold": threshold, "depth": real_depth,
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "feature": feature.tolist(), "split": [[float(f"{v:.6g}") for v in r] for r in split.tolist()],
        "left": left.tolist(), "right": right.tolist(),
        "value": [[float(f"{v:.6g}") for v in r] for r in value.tolist()],
    }


def page_text(lines, keep) -> str:
    return "\n".join(l.text for l, k in zip(lines, keep) if k) + "\n"


def decide(doc, lines, proba, threshold):
    keep = blocks.kept_lines(doc, lines, proba, threshold)
    return np.ones(len(lines), dtype=bool) if keep is None else keep


def evaluate(scorer, pages, rows, probas, threshold) -> dict:
    per = {"aeb": [], "wcxb": []}
    for (k, _, _, lines, aug), proba in zip(rows, probas):
        if aug:
            continue
        keep = decide(pages[k]["unit"].doc, lines, proba, threshold) if len(lines) >= blocks.MIN_LINES else np.ones(len(lines), bool)
        per[pages[k]["dataset"]].append(scorer.page_scores(pages[k]["truth"], page_text(lines, keep)))
    return {ds: round(scorer.aggregate(r, "shingle4")["f1"], 4) for ds, r in per.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval" / "chrome")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--random-state", type=int, default=0, help=RANDOM_STATE_HELP)
    ap.add_argument("--kinds", default="txt,html")
    ap.add_argument("--thresholds", type=lambda v: [float(t) for t in v.split(",")],
                    default=[0.4, 0.5, 0.6, 0.7],
                    help="decision thresholds tried on the cross-validated probabilities (the best is kept)")
    ap.add_argument("--weight", choices=["page-sqrt", "none"], default=None,
                    help="line weights in training (see line_weights; default: each kind's as shipped, "
                         "SHIPPED_WEIGHT)")
    ap.add_argument("--out", type=Path, default=ROOT / "cleaner" / "rules" / "data" / "blocks_model.json")
    ap.add_argument("--second-folds", type=int, default=None,
                    help="folds of the first model's out-of-fold probabilities the second model learns from "
                         "(0: no second model; default: each kind's as shipped, SECOND_FOLDS)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--dump", type=Path, help="save rows and out-of-fold probabilities (pickle) for study")
    args = ap.parse_args()
    from sklearn.model_selection import GroupKFold

    scorer = load_scorer(args.eval)
    spec = {"about": "cleaner line classifier; trained by training/train_blocks.py on the chrome dev set",
            "models": {}}
    if args.out.exists():
        spec["models"].update(json.loads(args.out.read_text())["models"])
    tmp = Path(tempfile.gettempdir()) / "cleaner_train_html"
    tmp.mkdir(exist_ok=True)
    report = {}
    for kind in args.kinds.split(","):
        t0 = time.time()
        pages = load_pages(args.eval, kind, tmp)
        rows = build(pages, kind, augment=kind == "txt")
        print(f"[{kind}] {len(pages)} pages, {sum(len(r[2]) for r in rows)} lines, "
              f"features in {time.time() - t0:.1f}s", flush=True)
        sites = np.array([pages[r[0]]["site"] for r in rows])
        weight = args.weight or SHIPPED_WEIGHT[kind]
        second_folds = SECOND_FOLDS[kind] if args.second_folds is None else args.second_folds
        oof = [None] * len(rows)
        for fold, (tr, te) in enumerate(GroupKFold(n_splits=args.folds).split(rows, groups=sites)):
            model = blocks.LineClassifier(fit_line_model(rows, tr, sites, args, weight, 0.5, second_folds))
            for i in te:
                oof[i] = model.proba(rows[i][1])
        if args.dump:
            import pickle

            with open(f"{args.dump}.{kind}.pkl", "wb") as fh:
                pickle.dump({"pages": [{k: v for k, v in p.items() if k != "unit"} for p in pages],
                             "rows": [(r[0], r[2], [l.text for l in r[3]], r[4]) for r in rows], "oof": oof}, fh)
        cv = {t: evaluate(scorer, pages, rows, oof, t) for t in args.thresholds}
        threshold = max(cv, key=lambda t: cv[t]["aeb"] + cv[t]["wcxb"])
        spec["models"][kind] = fit_line_model(rows, np.arange(len(rows)), sites, args, weight, threshold, second_folds)
        model = blocks.LineClassifier(spec["models"][kind])
        insample = evaluate(scorer, pages, rows, [model.proba(r[1]) for r in rows], threshold)
        report[kind] = {"cv_by_threshold": cv, "threshold": threshold, "cv": cv[threshold], "in_sample": insample}
        print(f"[{kind}] CV F1 by threshold {cv}; chosen {threshold}: CV {cv[threshold]}, in-sample {insample} "
              f"({time.time() - t0:.0f}s)", flush=True)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(spec, separators=(",", ":")))
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
