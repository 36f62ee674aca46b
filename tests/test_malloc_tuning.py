"""`cleaner dedup` and `cleaner clean` tune glibc's malloc (cli._tune_malloc):
applied through mallopt where there is one, left alone when the curator sets
MALLOC_* variables, skipped without glibc."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


class FakeLibc:
    def __init__(self, accepts=True):
        self.calls = []
        self.accepts = accepts

    def mallopt(self, param, value):
        self.calls.append((param, value))
        return 1 if self.accepts else 0


@pytest.fixture
def no_malloc_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("MALLOC_") or name == "GLIBC_TUNABLES":
            monkeypatch.delenv(name)


def test_every_setting_goes_through_mallopt(no_malloc_env):
    libc = FakeLibc()
    applied = cli._tune_malloc(libc)
    assert libc.calls == [(param, value) for param, _, value in cli._MALLOC_SETTINGS]
    assert applied == [name for _, name, _ in cli._MALLOC_SETTINGS]
    # M_MMAP_MAX, M_TRIM_THRESHOLD, M_TOP_PAD; values a C int can hold
    assert [param for param, _ in libc.calls] == [-4, -1, -2]
    assert all(0 <= value < 2 ** 31 for _, value in libc.calls)


def test_a_refused_setting_is_not_reported_as_applied(no_malloc_env):
    assert cli._tune_malloc(FakeLibc(accepts=False)) == []


@pytest.mark.parametrize("name, value", [("MALLOC_TOP_PAD_", "0"), ("MALLOC_ARENA_MAX_", "2"),
                                         ("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")])
def test_the_curators_malloc_environment_wins(no_malloc_env, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    libc = FakeLibc()
    assert cli._tune_malloc(libc) == [] and libc.calls == []


def test_other_tunables_do_not_stop_it(no_malloc_env, monkeypatch):
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F")
    assert len(cli._tune_malloc(FakeLibc())) == len(cli._MALLOC_SETTINGS)


def test_a_libc_without_mallopt_is_skipped(no_malloc_env):
    assert cli._tune_malloc(object()) == []


def test_large_inputs_keep_the_default_malloc(no_malloc_env, tmp_path):
    # freed memory kept for reuse grows with the corpus: past the limit, the defaults stay
    small, big = tmp_path / "small", tmp_path / "big"
    (small / "sub").mkdir(parents=True)
    (small / "sub" / "a.jsonl").write_bytes(b"x" * 1000)
    (big / "sub").mkdir(parents=True)
    (big / "a.txt").write_bytes(b"x" * 10)
    with open(big / "sub" / "b.jsonl", "wb") as f:  # sparse: its size, not its blocks, counts
        f.truncate(cli._MALLOC_TUNING_MAX_BYTES)
    assert cli._input_bytes([small], cli._MALLOC_TUNING_MAX_BYTES) == 1000
    assert cli._input_bytes([big, "-"], cli._MALLOC_TUNING_MAX_BYTES) == cli._MALLOC_TUNING_MAX_BYTES + 10
    assert len(cli._tune_malloc(FakeLibc(), paths=[small, "-"])) == len(cli._MALLOC_SETTINGS)
    libc = FakeLibc()
    assert cli._tune_malloc(libc, paths=[big]) == [] and libc.calls == []
    assert cli._tune_malloc(libc, paths=[small / "sub" / "a.jsonl", big / "sub" / "b.jsonl"]) == []


@pytest.mark.parametrize("command", ["dedup", "clean"])
def test_dedup_and_clean_tune_malloc_first(monkeypatch, tmp_path, command):
    calls = []
    monkeypatch.setattr(cli, "_tune_malloc", lambda paths: calls.append((command, [str(p) for p in paths])) or [])
    src = tmp_path / "a.txt"
    src.write_text((SAMPLES / "004_73bdcea1bd1f12d8.txt").read_text(encoding="utf-8"), encoding="utf-8")
    args = [command, str(src), "--log", str(tmp_path / "log.jsonl")]
    if command == "clean":
        args += ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli.main, args, catch_exceptions=False)
    assert result.exit_code == 0 and calls == [(command, [str(src)])]  # told the inputs, to size them


PROBE = """
import ctypes, json, os
from cleaner import cli
class Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Mallinfo2
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
applied = cli._tune_malloc()
before = libc.mallinfo2().hblkhd
block = libc.malloc(40 << 20)  # above the largest mmap threshold glibc picks by itself
mmapped = libc.mallinfo2().hblkhd - before
libc.free(block)
print(json.dumps({"applied": applied, "mmapped": mmapped}))
"""


def _probe(env):
    import json

    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_real_glibc_serves_a_large_block_from_the_heap():
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            pytest.skip("not glibc")
        import ctypes

        ctypes.CDLL(None).mallinfo2
    except (ValueError, OSError, AttributeError):
        pytest.skip("no glibc with mallinfo2")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    tuned = _probe(env)
    assert tuned["applied"] == [name for _, name, _ in cli._MALLOC_SETTINGS]
    assert tuned["mmapped"] == 0
    untouched = _probe({**env, "MALLOC_PERTURB_": "0"})  # a curator's variable: malloc left as it is
    assert untouched["applied"] == [] and untouched["mmapped"] >= 40 << 20
