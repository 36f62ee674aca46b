"""The pre-commit hooks, run by the real pre-commit in a real git repository.

The corpus repository's .pre-commit-config.yaml names a git snapshot of
this project's working tree as its hook repository, so pre-commit clones it
and installs it into a hook environment (once per test module), exactly as
a corpus repository would get it from a release.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")

pytestmark = pytest.mark.skipif(not Path(PRE_COMMIT).exists() and shutil.which("pre-commit") is None,
                                reason="pre-commit is not installed (pip install -e '.[test]')")

CLEAN_ARTICLE = (
    "Council Approves New Budget\n\n"
    "The city council approved a new budget on Tuesday after months of debate over spending on schools, "
    "roads and public transport, and the mayor said the plan would keep taxes stable next year.\n\n"
    "Council members from both parties praised the compromise, though several warned that rising costs "
    "could force new cuts before the end of the year if revenues fall short of forecasts.\n"
)
CHROME = "Wednesday, April 17, 2024\nHomeCityBudgetCouncil Approves New Budget\n\n"
FOOTER = "\nWhat's Your Reaction?\n"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """A committed snapshot of this project's working tree: (path, rev)."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = snapshot / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for args in (["init", "-q", "-b", "main"], ["add", "."],
                 ["-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-q", "-m", "snapshot"]):
        git(snapshot, *args)
    return snapshot, git(snapshot, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory):
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path, hook_repo):
    path = tmp_path / "corpus"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "curator@example.org")
    git(path, "config", "user.name", "Curator")
    for sample in ["000_18f99bd4d07bc900.txt", "004_73bdcea1bd1f12d8.txt"]:
        shutil.copy(SAMPLES / sample, path / sample)
    source, rev = hook_repo
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {source}\n  rev: {rev}\n  hooks:\n  - id: cleaner-check\n  - id: cleaner-fix\n",
        encoding="utf-8")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "corpus")
    return path


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def hook(repo: Path, home: Path, hook_id: str) -> subprocess.CompletedProcess:
    """`pre-commit run HOOK` on the staged files, as `git commit` would."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([PRE_COMMIT, "run", hook_id, "--verbose"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=1800)


def stage(repo: Path, name: str, data: bytes) -> Path:
    path = repo / name
    path.write_bytes(data)
    git(repo, "add", name)
    return path


def test_clean_file_passes_check(repo, hook_home):
    stage(repo, "clean.txt", CLEAN_ARTICLE.encode("utf-8"))
    result = hook(repo, hook_home, "cleaner-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_chrome_fails_check_and_fix_cleans_it_once(repo, hook_home):
    path = stage(repo, "chrome.txt", (CHROME + CLEAN_ARTICLE + FOOTER).encode("utf-8"))
    checked = hook(repo, hook_home, "cleaner-check")
    assert checked.returncode == 1
    assert "chrome.txt:1: dateline" in checked.stdout and "chrome.txt:2: breadcrumb" in checked.stdout
    assert path.read_bytes() == (CHROME + CLEAN_ARTICLE + FOOTER).encode("utf-8")  # check writes nothing
    fixed = hook(repo, hook_home, "cleaner-fix")
    assert fixed.returncode == 1 and "fixed chrome.txt" in fixed.stdout
    assert path.read_text(encoding="utf-8") == CLEAN_ARTICLE
    git(repo, "add", "chrome.txt")
    again = hook(repo, hook_home, "cleaner-fix")
    assert again.returncode == 0, again.stdout  # a second fix changes nothing
    assert hook(repo, hook_home, "cleaner-check").returncode == 0


def test_near_duplicate_of_a_committed_file_fails_naming_it(repo, hook_home):
    body = (SAMPLES / "004_73bdcea1bd1f12d8.txt").read_text(encoding="utf-8")
    copy = body.replace("protesters", "demonstrators", 1).replace("Iran", "IRAN", 1)
    stage(repo, "republished.txt", copy.encode("utf-8"))
    result = hook(repo, hook_home, "cleaner-check")
    assert result.returncode == 1
    assert "republished.txt:1: near-duplicate of 004_73bdcea1bd1f12d8.txt" in result.stdout


def test_cp1252_crlf_file_is_fixed_keeping_encoding_and_endings(repo, hook_home):
    text = (CHROME + CLEAN_ARTICLE.replace("budget", "budget – “final”") + FOOTER).replace("\n", "\r\n")
    path = stage(repo, "windows.txt", text.encode("cp1252"))
    fixed = hook(repo, hook_home, "cleaner-fix")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    data = path.read_bytes()
    expected = CLEAN_ARTICLE.replace("budget", "budget – “final”").replace("\n", "\r\n").encode("cp1252")
    assert data == expected
