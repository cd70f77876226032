"""Training configuration: dataclass defaults, then a TOML file, then ``--key=value`` overrides.

Overrides are checked against the dataclass field types, so ``--lr=fast`` fails loudly instead of
training with a string.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import tomllib

C = TypeVar("C")


def _coerce(name: str, value: object, kind: type) -> object:
    """Converts ``value`` (from TOML or the command line) to ``kind`` or raises a clear ValueError."""
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"--{name} expects true or false, not {value!r}")
    if kind is int and isinstance(value, float) and not value.is_integer():
        raise ValueError(f"--{name} expects an integer, not {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"--{name} expects {kind.__name__}, not {value!r}") from None


def apply(config: C, values: dict[str, object]) -> C:
    """Returns a copy of ``config`` with ``values`` set, each checked against the field's type."""
    hints = typing.get_type_hints(type(config))
    known = {f.name for f in dataclasses.fields(config)}
    changes = {}
    for name, value in values.items():
        if name not in known:
            raise ValueError(f"unknown setting --{name}; known: {', '.join(sorted(known))}")
        changes[name] = _coerce(name, value, hints[name])
    return dataclasses.replace(config, **changes)


def parse_args(config: C, argv: list[str]) -> C:
    """Applies ``[config.toml] [--key=value | --key value ...]`` to ``config``, in that order (so
    ``--data PATH`` points any training command at the corpus wherever it is)."""
    values: dict[str, object] = {}
    args = iter(argv)
    for arg in args:
        if arg.startswith("--"):
            key, sep, value = arg[2:].partition("=")
            if not sep:
                value = next(args, None)
                if value is None or value.startswith("--"):
                    raise ValueError(f"expected --key=value or --key value, got {arg!r}")
            values[key.replace("-", "_")] = value
        else:
            with Path(arg).open("rb") as f:
                config = apply(config, tomllib.load(f))
    return apply(config, values)


def run(config: C, train: Callable[[C], object], argv: list[str] | None = None) -> int:
    """The ``main`` of every training command: ``train`` with ``config`` and the command line's settings
    applied (``sys.argv[1:]`` when ``argv`` is None); a bad setting or a missing file is exit code 2."""
    try:
        config = parse_args(config, sys.argv[1:] if argv is None else argv)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    train(config)
    return 0
