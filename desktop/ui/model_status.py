"""The models in the status bar: which model each feature uses and on which execution provider, the features
whose model is missing or broken, and when every model has loaded.

:class:`ModelStatus` keeps this for a :class:`~desktop.ui.main_window.MainWindow` (``window.model_status``); the
features report their engines as they load (:class:`~desktop.ui.engine_status.EngineInfo`) and it shows them on
the :class:`~desktop.ui.statusbar.StatusBar`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from desktop.ui.engine_status import EngineInfo, describe_completion, describe_continuation, describe_translation
from desktop.ui.statusbar import StatusBar

__all__ = ["ModelStatus"]


class ModelStatus(QObject):
    """The models of continuation, completion and translation on ``bar``. ``ready`` comes once, when the
    continuation and completion models have loaded (or failed with a reason)."""

    ready = Signal()

    def __init__(self, bar: StatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.continuation: EngineInfo | None = None  # None while loading
        self._texts: dict[str, str] = {}  # "Completion"/"Translation" -> what the status bar says of its model
        self._infos: dict[str, EngineInfo | None] = {}  # feature -> its engine, for the short summary
        self._pending: set[str] = {"continuation", "completion"}  # models still loading
        self.all_ready = False

    @Slot(object)
    def continuation_loaded(self, info: EngineInfo | None) -> None:
        """The continuation model loaded (``info``), or None: show what is known again."""
        if info is not None:
            self.continuation = info
            self._loaded("continuation")
        if self.continuation is not None:
            self._report("Continuation", self.continuation)
        self.show()

    @Slot(object)
    def completion_loaded(self, info: EngineInfo) -> None:
        self._feature_loaded("Completion", describe_completion(info), info)
        self._loaded("completion")

    @Slot(object)
    def translation_loaded(self, info: EngineInfo) -> None:
        self._feature_loaded("Translation", describe_translation(info), info)

    def _feature_loaded(self, feature: str, text: str, info: EngineInfo) -> None:
        self._texts[feature] = text
        self._infos[feature] = info
        self.show()
        self._report(feature, info)

    def show(self) -> None:
        """Names each model and its execution provider in the status bar (continuation, completion, translation)."""
        parts = [describe_continuation(self.continuation), self._texts.get("Completion", ""),
                 self._texts.get("Translation", "")]
        infos = [("Shakespeare", self.continuation)]
        infos += [(name, self._infos[name]) for name in ("Completion", "Translation") if name in self._infos]
        self.bar.show_models(parts, infos)

    def _report(self, feature: str, info: EngineInfo) -> None:
        self.bar.feature_status.set_reason(feature, None if info.available else info.error)

    def _loaded(self, name: str) -> None:
        """Notes that ``name``'s model finished loading; emits ``ready`` when none is left."""
        self._pending.discard(name)
        if not self._pending and not self.all_ready:
            self.all_ready = True
            self.ready.emit()
