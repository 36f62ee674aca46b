"""A run into --out saves its passes in OUT/.cleaner-run/; a killed run's rerun takes them up.

The runs here are real CorpusRuns over real files; "killed" is a run whose cleaning
pass stops after some parts (its checkpoint left as a kill leaves it, the last
frame cut short where said)."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from cleaner.checkpoint import CLEANED, DEDUP, SURVEY, Checkpoint
from cleaner.pipeline import CorpusRun, Options

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "corpus"
    src.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("00*.txt"))]
    for i in range(20):  # copies with a line of their own: near-duplicates and shared chrome
        (src / f"doc{i:02d}.txt").write_text(f"Story number {i} of the day.\n\n" + texts[i % len(texts)],
                                             encoding="utf-8")
    words = sorted(set(" ".join(texts).split()))
    rng = random.Random(7)
    for i in range(20, 24):  # a paragraph of a sample recycled into a text of their own
        own = " ".join(rng.choice(words) for _ in range(300))
        borrowed = max(texts[i % len(texts)].split("\n\n"), key=len)
        (src / f"doc{i:02d}.txt").write_text(f"{own}\n\n{borrowed}\n", encoding="utf-8")
    return src


def outcome(run: CorpusRun) -> tuple:
    files = [(r.source.path, r.source.first_line, [(u.cleaned, [(e.start, e.end, e.rule) for e in u.edits])
                                                   for u in r.units]) for r in run.results()]
    run.find_duplicates()
    return (files, [(m.key, m.of_key, m.cluster, m.similarity) for m in run.duplicates],
            [(m.key, m.start, m.end, m.source_key) for m in run.recycled], dict(run.totals.edits), run.errors)


def fresh(src: Path, folder: Path, options: Options) -> tuple:
    with CorpusRun(options, paths=[src], checkpoint=Checkpoint(folder, resume=False)) as run:
        run.survey()
        return outcome(run)


def killed(src: Path, folder: Path, options: Options, after_parts: int) -> None:
    """A run whose cleaning pass stops after ``after_parts`` parts, leaving its checkpoint."""
    with CorpusRun(options, paths=[src], checkpoint=Checkpoint(folder, resume=False)) as run:
        run.survey()
        results = run.results()
        for _ in range(after_parts):
            next(results)
        results.close()


def resumed(src: Path, folder: Path, options: Options) -> tuple[tuple, dict]:
    with CorpusRun(options, paths=[src], checkpoint=Checkpoint(folder, resume=True)) as run:
        run.survey()
        return outcome(run), dict(run.reused)


def test_a_resumed_run_takes_the_survey_and_the_cleaned_parts_and_finds_the_same(corpus, tmp_path):
    options = Options(workers=1)
    reference = fresh(corpus, tmp_path / "ref", options)
    assert reference[1] and reference[2]  # the corpus has near-duplicates and recycled passages
    folder = tmp_path / "ck"
    killed(corpus, folder, options, after_parts=10)
    assert (folder / SURVEY).exists() and (folder / CLEANED).exists() and not (folder / DEDUP).exists()
    result, reused = resumed(corpus, folder, options)
    assert result == reference
    assert reused == {"survey": True, "parts": 10, "dedup": False}
    # killed again while writing its log: everything is taken up, the dedup pass too
    result, reused = resumed(corpus, folder, options)
    assert result == reference
    assert reused == {"survey": True, "parts": 24, "dedup": True}


def test_a_frame_cut_short_by_the_kill_is_cleaned_again(corpus, tmp_path):
    options = Options(workers=1, dedup=False)
    reference = fresh(corpus, tmp_path / "ref", options)
    folder = tmp_path / "ck"
    killed(corpus, folder, options, after_parts=6)
    frames = folder / CLEANED
    with open(frames, "r+b") as f:  # the sixth part's frame half written
        f.truncate(os.path.getsize(frames) - 40)
    result, reused = resumed(corpus, folder, options)
    assert result == reference
    assert reused["parts"] == 5


def test_a_checkpoint_is_not_used_for_changed_inputs_or_options(corpus, tmp_path):
    options = Options(workers=1, dedup=False)
    folder = tmp_path / "ck"
    killed(corpus, folder, options, after_parts=8)
    saved = tmp_path / "saved"
    shutil.copytree(folder, saved)
    # another option that shapes the results: nothing is taken
    other = Options(workers=1, dedup=False, lang="de")
    result, reused = resumed(corpus, folder, other)
    assert reused == {"survey": False, "parts": 0, "dedup": False}
    assert result == fresh(corpus, tmp_path / "ref-de", other)
    # a file edited since: nothing is taken either
    shutil.rmtree(folder)
    shutil.copytree(saved, folder)
    doc = corpus / "doc03.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nA line added later.\n", encoding="utf-8")
    result, reused = resumed(corpus, folder, options)
    assert reused == {"survey": False, "parts": 0, "dedup": False}
    assert result == fresh(corpus, tmp_path / "ref-edited", options)


def test_workers_do_not_change_what_a_checkpoint_matches(corpus, tmp_path):
    folder = tmp_path / "ck"
    killed(corpus, folder, Options(workers=1, dedup=False), after_parts=4)
    result, reused = resumed(corpus, folder, Options(workers=2, dedup=False))
    assert reused["survey"] and reused["parts"] == 4
    assert result == fresh(corpus, tmp_path / "ref", Options(workers=1, dedup=False))
