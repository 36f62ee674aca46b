"""What a run into an output folder saves as it goes, so that a killed run resumes.

A ``clean --out OUT`` run keeps its passes' outcomes in ``OUT/.cleaner-run/``:

    inputs.json   the options that shape the results, cleaner's version, and
                  every input file's path, size and modification time: the
                  checkpoint is used only by a run over the same inputs with
                  the same options
    survey.pkl    pass 1's outcome: the files taken, read errors, the corpus
                  line counts (written once the survey is complete)
    raw/          pass 1's dedup stage: the hashes of the texts as read
                  (:mod:`cleaner.dedup.stage`, saved whole with its index)
    cleaned/      pass 2's dedup stage while it is built (not reused)
    cleaned.pkl   pass 2's outcomes, appended part by part in order: each
                  part's documents' edits, cleaned text and language
    dedup.pkl     pass 3's near-duplicates and recycled passages

Rerunning the same command after a kill finds the folder (with the output
folder's ``.cleaner-incomplete`` marker) and skips what the killed run had
finished: the survey, the parts already cleaned, the dedup pass; outputs and
the change log are written again from them. The folder is removed when the
run completes, and a run that does not match it starts afresh.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any, Iterator

from . import __version__

FOLDER = ".cleaner-run"
INPUTS = "inputs.json"
SURVEY = "survey.pkl"
CLEANED = "cleaned.pkl"
DEDUP = "dedup.pkl"
# options that change how fast a run goes, not what it finds
_NOT_IN_RESULTS = {"workers", "engine", "scheduler"}


def fingerprint(files: list[tuple[Path, str]], options) -> dict:
    """What a checkpoint must match: the result-shaping options and the inputs as they are on disk."""
    inputs = []
    for path, rel in files:
        try:
            st = os.stat(path)
            inputs.append([str(path), rel, st.st_size, st.st_mtime_ns])
        except OSError:
            inputs.append([str(path), rel, None, None])
    shaping = {k: v for k, v in dataclasses.asdict(options).items() if k not in _NOT_IN_RESULTS}
    return {"version": __version__, "options": shaping, "inputs": inputs}


class Checkpoint:
    """The checkpoint folder of one run (see the module docstring).

    ``resume``: an earlier run into the same output folder was cut short, so
    its checkpoint may be used (if it matches); otherwise it is cleared.
    """

    def __init__(self, folder: Path, *, resume: bool) -> None:
        self.folder = Path(folder)
        self.resume = resume
        self.matched = False  # the folder holds an earlier run's checkpoint of the same inputs
        self._frames = None  # cleaned.pkl, opened for appending
        self._taken_bytes = 0  # of cleaned.pkl: the frames taken by the resumed run

    def begin(self, files: list[tuple[Path, str]], options) -> bool:
        """Start the run over ``files``: True when the earlier run's checkpoint matches
        them (it is kept), else the folder is emptied for this run."""
        wanted = fingerprint(files, options)
        if self.resume:
            try:
                found = json.loads((self.folder / INPUTS).read_text(encoding="utf-8"))
                self.matched = found == json.loads(json.dumps(wanted))
            except (OSError, ValueError):
                self.matched = False
        if not self.matched:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            _write_atomic(self.folder / INPUTS, json.dumps(wanted).encode("utf-8"))
        return self.matched

    def stage_folder(self, name: str) -> Path:
        return self.folder / name

    # ------------------------------------------------------------------ pass 1
    def save_survey(self, survey: dict) -> None:
        _write_atomic(self.folder / SURVEY, pickle.dumps(survey, protocol=pickle.HIGHEST_PROTOCOL))

    def load_survey(self) -> dict | None:
        return self._load(SURVEY) if self.matched else None

    # ------------------------------------------------------------------ pass 2
    def saved_parts(self) -> Iterator[tuple[Any, Any]]:
        """(part key, outcome) of the parts the earlier run cleaned, in order (a frame
        cut short by the kill ends them). Take them one by one; then
        :meth:`continue_parts` keeps the frames taken and appends after them."""
        self._taken_bytes = 0
        path = self.folder / CLEANED
        if not (self.matched and path.exists()):
            return
        with open(path, "rb") as f:
            while True:
                try:
                    key, outcome = pickle.load(f)
                except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError):
                    return
                end = f.tell()
                yield key, outcome
                self._taken_bytes = end  # asked for the next: this one was taken

    def continue_parts(self) -> None:
        """Append the parts cleaned from now on after those taken from :meth:`saved_parts`."""
        path = self.folder / CLEANED
        self._frames = open(path, "r+b" if path.exists() else "wb")
        self._frames.truncate(self._taken_bytes)
        self._frames.seek(self._taken_bytes)

    def add_part(self, key, outcome) -> None:
        if self._frames is None:
            self.continue_parts()
        pickle.dump((key, outcome), self._frames, protocol=pickle.HIGHEST_PROTOCOL)
        self._frames.flush()  # a kill loses at most the part being written

    def parts_done(self) -> None:
        if self._frames is not None:
            self._frames.close()
            self._frames = None

    # ------------------------------------------------------------------ pass 3
    def save_dedup(self, found: tuple) -> None:
        _write_atomic(self.folder / DEDUP, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))

    def load_dedup(self) -> tuple | None:
        return self._load(DEDUP) if self.matched else None

    # ------------------------------------------------------------------
    def _load(self, name: str):
        try:
            with open(self.folder / name, "rb") as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return None

    def remove(self) -> None:
        """The run is complete: its checkpoint is no longer needed."""
        self.parts_done()
        shutil.rmtree(self.folder, ignore_errors=True)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
