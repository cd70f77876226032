"""Folio's preferences: a dataclass, read from and written to a small TOML file. No Qt.

The file is read with :mod:`tomllib` and written by :func:`to_toml` (the values are plain strings, numbers
and booleans in a few tables). Reading never fails: a missing file gives the defaults; a corrupt file, a
value of the wrong type or out of range gives the default (or the nearest allowed value) and a warning the
app shows to the writer. Before a corrupt file is overwritten it is kept beside as ``preferences.toml.bak``.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop.core.files import FileError, write_text_atomic

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10 reads the subset Folio writes
    tomllib = None

THEMES = ("system", "light", "dark")
PROVIDER_AUTO = "auto"


@dataclass(frozen=True)
class Field:
    """How one preference is stored and checked: its TOML table and key, and its allowed values."""

    table: str
    key: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass
class Preferences:
    """Everything the writer can set. Defaults are what a first start uses."""

    # appearance
    theme: str = "system"  # "system" follows the desktop's light or dark setting
    font_family: str = ""  # "" = the platform's default font
    font_size: float = 12.0
    # writing
    daily_goal: int = 500  # words a day; 0 turns the goal off
    restore_session: bool = True  # reopen the last session's files at start
    autosave_idle_seconds: float = 3.0  # recovery copy this long after the last keystroke (and <= 2.5 s after a change)
    # completion (the word model)
    completion_enabled: bool = True
    suggestion_count: int = 3
    phrase_threshold: float = 0.4  # probability above which a suggestion runs on over several words
    learn_words: bool = True  # remember the writer's words across documents (a local file in the data folder)
    # spelling
    spelling_enabled: bool = True  # underline misspelt words, corrections on right-click
    # continuation (the character model)
    continuation_enabled: bool = True
    temperature: float = 0.8
    length: int = 400
    # the model view
    model_view_enabled: bool = True  # whether the model view may be opened at all
    # models
    provider: str = PROVIDER_AUTO  # "auto", "cpu", "cuda", ... (desktop.runtime.session.PROVIDER_ALIASES)
    threads: int = 1  # ONNX Runtime intra-op threads

    def copy(self, **changes: Any) -> Preferences:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)


SCHEMA: dict[str, Field] = {
    "theme": Field("appearance", "theme", choices=THEMES),
    "font_family": Field("appearance", "font_family"),
    "font_size": Field("appearance", "font_size", 6, 72),
    "daily_goal": Field("writing", "daily_goal", 0, 100_000),
    "restore_session": Field("writing", "restore_session"),
    "autosave_idle_seconds": Field("writing", "autosave_idle_seconds", 1, 30),
    "completion_enabled": Field("completion", "enabled"),
    "suggestion_count": Field("completion", "suggestions", 1, 10),
    "phrase_threshold": Field("completion", "phrase_threshold", 0.0, 1.0),
    "spelling_enabled": Field("spelling", "enabled"),
    "learn_words": Field("completion", "learn"),
    "continuation_enabled": Field("continuation", "enabled"),
    "temperature": Field("continuation", "temperature", 0.0, 2.0),
    "length": Field("continuation", "length", 20, 5000),
    "model_view_enabled": Field("model_view", "enabled"),
    "provider": Field("models", "provider"),
    "threads": Field("models", "threads", 1, 64),
}


@dataclass
class LoadedPreferences:
    """The preferences read from a file, and what was wrong with the file (messages for the writer)."""

    preferences: Preferences
    warnings: list[str]
    corrupt: bool = False  # the file could not be parsed at all


def load_preferences(path: str | Path) -> LoadedPreferences:
    """Reads ``path``; never raises (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedPreferences(Preferences(), [])
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedPreferences(Preferences(), [f"{path} could not be read ({exc}); using the default preferences."],
                                 corrupt=True)
    try:
        data = parse_toml(text)
    except ValueError as exc:
        return LoadedPreferences(
            Preferences(), [f"{path.name} is not valid TOML ({exc}); using the default preferences."], corrupt=True
        )
    return from_dict(data, path.name)


def from_dict(data: dict, source: str = "preferences") -> LoadedPreferences:
    """Preferences from parsed TOML tables, checking every value."""
    defaults = Preferences()
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for attr, spec in SCHEMA.items():
        table = data.get(spec.table, {})
        if not isinstance(table, dict) or spec.key not in table:
            continue
        default = getattr(defaults, attr)
        value, problem = _check(table[spec.key], default, spec)
        values[attr] = value
        if problem:
            warnings.append(f"{source}: {spec.table}.{spec.key} {problem}; using {_show(value)}.")
    return LoadedPreferences(replace(defaults, **values), warnings)


def _check(value: Any, default: Any, spec: Field) -> tuple[Any, str]:
    """``(value to use, problem)``: the value itself when valid, else the default or the clamped value."""
    kind = type(default)
    if kind is bool:
        return (value, "") if isinstance(value, bool) else (default, "must be true or false")
    if kind is str:
        if not isinstance(value, str):
            return default, "must be text"
        if spec.choices and value.lower() not in spec.choices:
            return default, f"must be one of {', '.join(spec.choices)}"
        return (value.lower() if spec.choices else value), ""
    number_ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int and not (isinstance(value, int) and not isinstance(value, bool)):
        return default, "must be a whole number"
    if not number_ok or not math.isfinite(value):
        return default, "must be a number"
    value = kind(value)
    if spec.minimum is not None and value < spec.minimum:
        return kind(spec.minimum), f"must be at least {_show(kind(spec.minimum))}"
    if spec.maximum is not None and value > spec.maximum:
        return kind(spec.maximum), f"must be at most {_show(kind(spec.maximum))}"
    return value, ""


def _show(value: Any) -> str:
    return _toml_value(value)


def to_toml(preferences: Preferences) -> str:
    """The TOML text of ``preferences``, one table per group, in the schema's order."""
    tables: dict[str, list[str]] = {}
    for attr, spec in SCHEMA.items():
        tables.setdefault(spec.table, []).append(f"{spec.key} = {_toml_value(getattr(preferences, attr))}")
    parts = ["# Folio preferences. Edit in Folio (Preferences) or here; a bad value falls back to its default.\n"]
    for table, lines in tables.items():
        parts.append(f"[{table}]\n" + "\n".join(lines) + "\n")
    return "\n".join(parts)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    return _toml_string(str(value))


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def parse_toml(text: str) -> dict:
    """Parses TOML; raises ValueError with the reason (tomllib's TOMLDecodeError is a ValueError)."""
    if tomllib is not None:
        return tomllib.loads(text)
    return _parse_simple_toml(text)  # pragma: no cover


def _parse_simple_toml(text: str) -> dict:  # pragma: no cover - only without tomllib (Python 3.10)
    """The subset :func:`to_toml` writes: ``[table]`` headers and ``key = value`` lines."""
    import json

    data: dict[str, dict] = {}
    table: dict = data.setdefault("", {})
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            table = data.setdefault(line[1:-1].strip(), {})
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"line {number}: expected key = value")
        value = value.strip()
        try:
            table[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"line {number}: cannot read value {value!r}") from None
    return data


def save_preferences(path: str | Path, preferences: Preferences, keep_corrupt: bool = False) -> None:
    """Writes ``preferences`` to ``path`` atomically; raises :class:`desktop.core.files.FileError`.

    With ``keep_corrupt``, an existing (unreadable) file is first copied to ``<name>.bak``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if keep_corrupt and path.exists():
            shutil.copyfile(path, path.with_name(path.name + ".bak"))
    except OSError as exc:
        raise FileError(f"{path} could not be saved: {exc.strerror or exc}.") from None
    write_text_atomic(path, to_toml(preferences))


__all__ = [
    "THEMES",
    "LoadedPreferences",
    "Preferences",
    "SCHEMA",
    "from_dict",
    "load_preferences",
    "parse_toml",
    "save_preferences",
    "to_toml",
]

