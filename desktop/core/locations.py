"""Where Folio keeps its own files: preferences, the session state, the recovery folder and the words it learned.
No Qt.

The platform's folders come from the caller (the UI asks ``QStandardPaths``); the environment variable
``FOLIO_HOME`` overrides them with one folder, so tests and portable installs never touch the real home.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "FOLIO_HOME"
PREFERENCES_NAME = "preferences.toml"
STATE_NAME = "state.json"
RECOVERY_NAME = "recovery"
PERSONAL_WORDS_NAME = "words.txt"
LEARNED_WORDS_NAME = "learned-words.json"


@dataclass(frozen=True)
class Locations:
    """Folio's configuration folder (preferences) and data folder (session state, recovery files, learned words)."""

    config_dir: Path
    data_dir: Path

    @classmethod
    def under(cls, home: str | Path) -> Locations:
        """Everything below one folder: ``home/config`` and ``home/data``."""
        home = Path(home)
        return cls(home / "config", home / "data")

    @classmethod
    def from_environment(cls, config_dir: str | Path, data_dir: str | Path) -> Locations:
        """``Locations.under($FOLIO_HOME)`` when that variable is set, else the given platform folders."""
        home = os.environ.get(ENV_HOME, "").strip()
        if home:
            return cls.under(Path(home).expanduser())
        return cls(Path(config_dir), Path(data_dir))

    @property
    def preferences_file(self) -> Path:
        """The TOML preferences file."""
        return self.config_dir / PREFERENCES_NAME

    @property
    def state_file(self) -> Path:
        """The JSON session state: open documents, recent files, window layout, today's word tally."""
        return self.data_dir / STATE_NAME

    @property
    def personal_words_file(self) -> Path:
        """The writer's own words for spelling ("Add to Dictionary"), one a line."""
        return self.data_dir / PERSONAL_WORDS_NAME

    @property
    def recovery_dir(self) -> Path:
        """The folder of autosaved copies of unsaved documents."""
        return self.data_dir / RECOVERY_NAME

    @property
    def learned_words_file(self) -> Path:
        """What Folio learned about the writer's words (desktop.runtime.writer_memory); local, never sent anywhere."""
        return self.data_dir / LEARNED_WORDS_NAME
