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
