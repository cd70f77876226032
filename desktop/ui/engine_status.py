"""What the features share about their engines: loading one in a worker thread, describing it, the text it reads.

- :func:`load_engine` takes an engine from :class:`desktop.runtime.Engines` (or a test's fake of the same shape,
  :class:`EnginesLike`) and never raises: a missing or broken model becomes an unavailable :class:`EngineInfo`
  with the reason.
- :func:`describe_continuation`, :func:`describe_completion` and :func:`describe_translation` are the status bar's
  words for each engine; :func:`short_provider` and :func:`provider_suffix` name the execution provider.
- :func:`text_before` is the text before a position of a :class:`QTextDocument` (what the models continue).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtGui import QTextCursor, QTextDocument

from desktop.runtime.engines import UnavailableEngine

logger = logging.getLogger(__name__)

PROVIDER_SUFFIX = "ExecutionProvider"


class EnginesLike(Protocol):
    """What the UI needs from :class:`desktop.runtime.Engines` (tests pass fakes with the same shape; a fake without
    one of the engines leaves that feature unavailable)."""

    @property
    def continuer(self) -> Any: ...

    @property
    def completer(self) -> Any: ...

    @property
    def translator(self) -> Any: ...


@dataclass(frozen=True)
class EngineInfo:
    """What the UI shows about an engine; made in the worker thread from the engine itself."""

    available: bool
    name: str = ""
    provider: str = ""
    error: str = ""
    note: str = ""  # why the engine runs on another provider than asked (ONNX Runtime's reason)

    @classmethod
    def of(cls, engine: Any) -> EngineInfo:
        """Describes an engine or an ``UnavailableEngine`` (anything with the same attributes)."""
        available = bool(getattr(engine, "available", False))
        name = str(getattr(engine, "name", "") or "")
        if not available:
            return cls(False, name, "", str(getattr(engine, "error", "") or "unknown reason"))
        note = str(getattr(engine, "provider_note", "") or "")
        return cls(True, name, str(getattr(engine, "provider", "") or ""), "", note)

    @classmethod
    def switched_off(cls, engine: Any, feature: str, error: Exception) -> EngineInfo:
        """An engine that failed while running and is switched off (:class:`desktop.runtime.guard.EngineFailed`)."""
        return cls(False, str(getattr(engine, "name", "") or feature), "", str(error))


def engine_of(engines: Any, name: str) -> Any:
    """``engines.<name>`` (None if there is no such engine); a lazy engine that raises while loading comes back
    as an :class:`UnavailableEngine` saying why, so workers report the failure instead of dying."""
    try:
        return getattr(engines, name, None)
    except Exception as exc:  # noqa: BLE001 - a lazy engine that fails to load
        return UnavailableEngine(name, str(exc))


def load_engine(engines: Any, attribute: str, feature: str) -> tuple[Any, EngineInfo]:
    """Loads ``engines.<attribute>`` (slow: call it in a worker thread) for ``feature`` ("completion"...).

    Returns ``(engine, info)``; the engine is None unless it is available. It never raises: a missing engine or
    one that fails to load gives an unavailable ``info`` with the reason.
    """
    try:
        engine = getattr(engines, attribute, None)
        if engine is None:
            return None, EngineInfo(False, feature, "", f"no {feature} model is installed")
        info = EngineInfo.of(engine)
    except Exception as exc:  # noqa: BLE001 - a broken model must not take the editor down
        logger.exception("loading the %s engine failed", feature)
        return None, EngineInfo(False, feature, "", f"the model failed to load: {exc}")
    return (engine if info.available else None), info


def short_provider(provider: str) -> str:
    """``"CPUExecutionProvider"`` -> ``"CPU"``, ``"CUDAExecutionProvider"`` -> ``"CUDA"``."""
    if provider.endswith(PROVIDER_SUFFIX) and len(provider) > len(PROVIDER_SUFFIX):
        return provider[: -len(PROVIDER_SUFFIX)]
    return provider


def provider_suffix(info: EngineInfo, note: bool = True) -> str:
    """`` · CPU``, and (with ``note``) the reason when that is not the provider asked for:
    `` · CPU (cuda: ...; using CPU)``."""
    provider = short_provider(info.provider)
    suffix = f" · {provider}" if provider else ""
    return f"{suffix} ({info.note})" if note and info.note else suffix


def describe(info: EngineInfo | None, label: str, feature: str = "", note: bool = True) -> str:
    """The status bar's text for an engine (``info`` None while it loads): ``"<label>: <model> · CPU"``, or
    ``"<feature> unavailable: <reason>"`` (``feature`` defaults to ``label``)."""
    if info is None:
        return f"{label}: loading the model…"
    if not info.available:
        return f"{feature or label} unavailable: {info.error}"
    return f"{label}: {info.name}{provider_suffix(info, note)}"


def describe_continuation(info: EngineInfo | None) -> str:
    """The status bar's text for the continuation engine (``None`` while it loads)."""
    return describe(info, "Shakespeare", "Continuation")


def describe_completion(info: EngineInfo | None) -> str:
    """The status bar's text for the completion engine (``None`` while it loads)."""
    return describe(info, "Completion")


def describe_translation(info: EngineInfo | None) -> str:
    """The status bar's text for the translation engine (``None`` while it loads); it names no provider note."""
    return describe(info, "Translation", note=False)


def text_before(document: QTextDocument, position: int, limit: int | None = None) -> str:
    """The text before ``position`` (positions count UTF-16 units), with ``\\n`` line breaks: all of it, or at
    most the last ``limit`` characters.

    Only that span is copied (a cursor selection over it), never the whole document, so with a ``limit`` a
    keystroke costs the same in a 10 MB document as in a short one.
    """
    position = max(0, min(position, document.characterCount() - 1))
    cursor = QTextCursor(document)
    cursor.setPosition(0 if limit is None else max(0, position - limit))
    cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    text = cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")
    if text and "\udc00" <= text[0] <= "\udfff":  # the span began inside a surrogate pair
        text = text[1:]
    return text
