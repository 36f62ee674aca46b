"""--engine dask: the same outputs and change log as the local engine, on a real local Dask cluster."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed "
                                  "(pip install -e '.[test]' installs it)")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The samples plus one JSONL file of 150 records (cut into several pieces)."""
    root = tmp_path_factory.mktemp("corpus")
    for p in SAMPLES.iterdir():
        if p.is_file():
            (root / p.name).write_bytes(p.read_bytes())
    texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(SAMPLES.glob("*.txt"))]
    with open(root / "docs.jsonl", "w", encoding="utf-8") as f:
        for i in range(150):
            f.write(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)] + f"\n\nRecord {i}."}) + "\n")
    return root


def run_clean(corpus: Path, out: Path, *extra) -> tuple[list[dict], dict]:
    result = invoke("clean", corpus, "--out", out, *extra)
    assert result.exit_code in (0, 1), result.output
    records = [json.loads(line) for line in (out / "cleaner-log.jsonl").read_text(encoding="utf-8").splitlines()]
    records = [r for r in records if r["type"] != "header"]
    for r in records:  # the output folder's own name differs between the runs
        if r["type"] == "file":
            r.pop("output", None)
    files = {p.relative_to(out).as_posix(): p.read_bytes()
             for p in out.rglob("*") if p.is_file() and p.name != "cleaner-log.jsonl"}
    return records, files


def test_local_dask_cluster_gives_the_local_engines_results(corpus, tmp_path):
    local = run_clean(corpus, tmp_path / "local", "--workers", 1)
    on_dask = run_clean(corpus, tmp_path / "dask", "--engine", "dask", "--workers", 2)
    assert on_dask == local
    assert any(r["type"] == "edit" for r in local[0]) and any(r["type"] == "duplicate" for r in local[0])


def test_running_scheduler_is_used(corpus, tmp_path):
    local = run_clean(corpus, tmp_path / "local", "--workers", 1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        before = sum(client.run(lambda dask_worker: len(dask_worker.data)).values())
        seen = run_clean(corpus, tmp_path / "dask", "--engine", "dask", "--scheduler", cluster.scheduler_address)
        tasks = sum(len(log) for log in client.run(
            lambda dask_worker: [t for t in dask_worker.state.log if "_clean_piece" in str(t)]).values())
    assert seen == local
    assert tasks > 0 and before == 0  # the cluster's workers did the cleaning


def test_scheduler_needs_the_dask_engine(corpus, tmp_path):
    result = invoke("clean", corpus, "--out", tmp_path / "o", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.output


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "no-port-here"])
def test_unreachable_scheduler_is_one_line_before_reading(corpus, tmp_path, address):
    result = invoke("clean", corpus, "--out", tmp_path / "o", "--engine", "dask", "--scheduler", address)
    assert result.exit_code == 2
    assert f"cannot reach the Dask scheduler at {address}" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()  # nothing read or written
