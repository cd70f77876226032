"""What Folio remembers between runs besides preferences: the open documents with their cursor positions,
recent files, the window layout, and today's word tally. JSON, written atomically. No Qt."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.files import FileError, write_text_atomic
from desktop.core.textstats import DailyTally

logger = logging.getLogger(__name__)

FORMAT = 1
RECENT_LIMIT = 10


@dataclass
class OpenDocument:
    """A document of the session: its file, the cursor and the scroll position."""

    path: str
    cursor: int = 0
    scroll: int = 0


@dataclass
class AppState:
    """The session state."""

    documents: list[OpenDocument] = field(default_factory=list)
    active: int = 0  # index into documents of the current tab
    recent: list[str] = field(default_factory=list)  # most recent first
    zoom: int = 0  # font size steps added to the preferred size
    geometry: str = ""  # QMainWindow.saveGeometry(), base64
    window_state: str = ""  # QMainWindow.saveState(), base64
    model_view_visible: bool = False
    focus_mode: bool = False
    tally: DailyTally = field(default_factory=DailyTally)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "documents": [{"path": d.path, "cursor": d.cursor, "scroll": d.scroll} for d in self.documents],
            "active": self.active,
            "recent": list(self.recent),
            "zoom": self.zoom,
            "geometry": self.geometry,
            "window_state": self.window_state,
            "model_view_visible": self.model_view_visible,
            "focus_mode": self.focus_mode,
            "tally": self.tally.to_dict(),
        }
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> AppState:
        """Parses the state; malformed parts fall back to their defaults. Raises ValueError on non-JSON."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("state file is not a JSON object")
        documents = []
        for item in data.get("documents") or []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                documents.append(OpenDocument(item["path"], _int(item.get("cursor")), _int(item.get("scroll"))))
        recent = [p for p in data.get("recent") or [] if isinstance(p, str)][:RECENT_LIMIT]
        return cls(
            documents=documents,
            active=_int(data.get("active")),
            recent=recent,
            zoom=_int(data.get("zoom")),
            geometry=str(data.get("geometry") or ""),
            window_state=str(data.get("window_state") or ""),
            model_view_visible=data.get("model_view_visible") is True,
            focus_mode=data.get("focus_mode") is True,
            tally=DailyTally.from_dict(data.get("tally")),
        )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def load_state(path: str | Path) -> AppState:
    """The saved state, or a fresh one when the file is missing or unreadable (logged)."""
    try:
        return AppState.from_json(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppState()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        logger.warning("ignoring unreadable state file %s: %s", path, exc)
        return AppState()


def save_state(path: str | Path, state: AppState) -> None:
    """Writes the state atomically; raises :class:`desktop.core.files.FileError`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f"{path.parent} could not be made: {exc.strerror or exc}.") from None
    write_text_atomic(path, state.to_json())


def add_recent(recent: list[str], path: str | Path, limit: int = RECENT_LIMIT) -> list[str]:
    """``recent`` with ``path`` moved to the front, without duplicates, at most ``limit`` long."""
    name = str(path)
    return ([name] + [p for p in recent if p != name])[:limit]
