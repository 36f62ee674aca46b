"""training/cv_end_to_end.py keeps fold models and gives them back only for the same fold."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))

import cv_end_to_end as cv  # noqa: E402


def test_a_saved_fold_model_comes_back_for_the_pages_it_held_out(tmp_path):
    model = {"features": ["log_words"], "decision_threshold": 0.6, "depth": 1, "baseline": 0.5,
             "feature": [[0]], "split": [[0.0]], "left": [[0]], "right": [[0]], "value": [[0.25]]}
    cv.save_fold(tmp_path / "folds", "html", 2, ["aeb_1", "wcxb_7"], model)
    assert cv.load_fold(tmp_path / "folds", "html", 2, ["aeb_1", "wcxb_7"]) == model


def test_a_fold_model_of_other_pages_or_a_missing_one_stops_the_run(tmp_path):
    cv.save_fold(tmp_path, "txt", 0, ["aeb_1"], {"depth": 1})
    with pytest.raises(SystemExit, match="holds out other pages"):
        cv.load_fold(tmp_path, "txt", 0, ["aeb_2"])
    with pytest.raises(SystemExit, match="no saved fold model"):
        cv.load_fold(tmp_path, "txt", 1, ["aeb_1"])


def test_the_seed_picks_which_lines_a_large_fit_learns_from():
    pytest.importorskip("sklearn")
    import argparse

    import numpy as np

    import train_blocks as tb
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12_000, 4))  # above the 10,000 lines where the fit holds a tenth out
    y = (X[:, 0] + rng.normal(scale=2.0, size=len(X)) > 0).astype(int)

    def args(seed):
        return argparse.Namespace(trees=5, learning_rate=0.1, depth=3, random_state=seed)

    probe = rng.normal(size=(200, 4))
    first, again, other = (tb.fit(X, y, args(s)).predict_proba(probe)[:, 1] for s in (0, 0, 1))
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)
