"""Settings from ``[tool.cleaner]`` in a corpus repository's pyproject.toml.

Keys are the long option names with dashes or underscores (``lang``,
``threshold``, ``text-field``, ``exclude`` ...). They become the defaults of
every command, so flags given on the command line win. A key may also sit
in a per-command table (``[tool.cleaner.check]``).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click


class ConfigError(click.UsageError):
    pass


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(path: Path, *, required: bool) -> dict:
    """The ``[tool.cleaner]`` table of ``path`` (empty when absent and not required)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("cleaner")
    if table is None:
        if required:
            raise ConfigError(f"{path}: no [tool.cleaner] table")
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cleaner] must be a table")
    return table


def default_map(table: dict, commands: dict[str, click.Command]) -> dict:
    """Click's default_map for ``commands`` from a [tool.cleaner] table."""
    shared = {k.replace("-", "_"): v for k, v in table.items() if not isinstance(v, dict)}
    out = {}
    for name, command in commands.items():
        known = {p.name for p in command.params}
        per_command = {k.replace("-", "_"): v for k, v in table.get(name, {}).items()}
        merged = {k: v for k, v in {**shared, **per_command}.items() if k in known}
        unknown = set(per_command) - known
        if unknown:
            raise ConfigError(f"[tool.cleaner.{name}]: unknown setting(s) {', '.join(sorted(unknown))}")
        out[name] = merged
    known_anywhere = {p.name for c in commands.values() for p in c.params}
    unknown = set(shared) - known_anywhere
    if unknown:
        raise ConfigError(f"[tool.cleaner]: unknown setting(s) {', '.join(sorted(unknown))}")
    return out


def compile_excludes(patterns) -> list[re.Pattern]:
    """Exclude patterns are regular expressions matched against posix paths."""
    compiled = []
    for pattern in patterns or ():
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(f"exclude pattern {pattern!r} is not a valid regular expression: {exc}") from None
    return compiled


