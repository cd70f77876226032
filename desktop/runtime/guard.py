"""A runtime failure switches an engine off once, with its reason, instead of failing (and logging a traceback)
on every keystroke.

:func:`guarded` wraps an engine's public methods (generators included). The first exception a call raises (other
than :class:`Cancelled`, which is a request to stop, not a failure) is logged once with its traceback; the engine's
``available`` becomes False and its ``error`` says what happened, and :class:`EngineFailed` is raised. Every later
call raises :class:`EngineFailed` at once, without running the model, so the UI can show the reason and stop asking.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
MAX_REASON_CHARS = 200


class EngineFailed(RuntimeError):
    """The engine failed while running and is switched off; the message is its ``error``."""


class Cancelled(Exception):
    """A request to stop (not a failure): passes through :func:`guarded` untouched."""


def failure_reason(exc: BaseException) -> str:
    """The first line of ``exc``'s message (or its type's name), at most MAX_REASON_CHARS characters."""
    text = (str(exc).strip().splitlines() or [""])[0] or type(exc).__name__
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _check(engine: Any) -> None:
    if getattr(engine, "_failed", False):
        raise EngineFailed(engine.error)


def _fail(engine: Any, exc: Exception) -> EngineFailed:
    if not getattr(engine, "_failed", False):
        engine._failed = True
        engine.available = False
        name = getattr(engine, "name", "") or type(engine).__name__
        engine.error = f"the model {name} stopped working ({failure_reason(exc)}); it is off until Folio restarts"
        logger.error("%s failed while running and is switched off", name, exc_info=exc)
    return EngineFailed(engine.error)


def guarded(method: F) -> F:
    """Decorates an engine method (plain or generator) as described in the module docstring."""
    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def generator(self, *args, **kwargs):
            _check(self)
            try:
                yield from method(self, *args, **kwargs)
            except (Cancelled, EngineFailed):
                raise
            except Exception as exc:  # noqa: BLE001 - any model failure switches the engine off
                raise _fail(self, exc) from exc

        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        _check(self)
        try:
            return method(self, *args, **kwargs)
        except (Cancelled, EngineFailed):
            raise
        except Exception as exc:  # noqa: BLE001 - any model failure switches the engine off
            raise _fail(self, exc) from exc

    return wrapper  # type: ignore[return-value]
