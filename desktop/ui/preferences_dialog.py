"""The Preferences dialog: every setting of :class:`desktop.core.preferences.Preferences` in one form."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.preferences import SCHEMA, Preferences

THEME_CHOICES = (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark"))
_PROVIDER_NAMES = {
    "CUDAExecutionProvider": ("GPU — NVIDIA CUDA", "cuda"),
    "TensorrtExecutionProvider": ("GPU — NVIDIA TensorRT", "tensorrt"),
    "ROCMExecutionProvider": ("GPU — AMD ROCm", "rocm"),
    "DmlExecutionProvider": ("GPU — DirectML", "directml"),
    "CoreMLExecutionProvider": ("Apple Core ML", "coreml"),
}


def provider_choices(available: Sequence[str], current: str = "auto") -> list[tuple[str, str]]:
    """``(label, preference value)`` for the provider box: Auto, CPU, then what this machine offers."""
    choices = [("Automatic (the fastest available)", "auto"), ("CPU", "cpu")]
    for name in available:
        if name == "CPUExecutionProvider":
            continue
        label, value = _PROVIDER_NAMES.get(name, (name.removesuffix("ExecutionProvider"), name))
        choices.append((label, value))
    if current and current.lower() not in {value.lower() for _, value in choices}:
        choices.append((f"{current} (not available on this machine)", current))
    return choices


def _limits(attr: str) -> tuple[float, float]:
    spec = SCHEMA[attr]
    return float(spec.minimum), float(spec.maximum)


class PreferencesDialog(QDialog):
    """Edits a copy of the preferences; :meth:`values` returns the result after ``accept``."""

    def __init__(self, preferences: Preferences, providers: Sequence[str], parent: QWidget | None = None,
                 forget: Callable[[], bool] | None = None) -> None:
        """``forget``: what the "Forget What Folio Has Learned…" button does (asks, forgets; True when it did)."""
        super().__init__(parent)
        self.setWindowTitle("Folio Preferences")
        self.setObjectName("preferencesDialog")
        self.setAccessibleName("Preferences")
        self._original = preferences
        layout = QVBoxLayout(self)

        self._appearance(layout, preferences)
        self._writing(layout, preferences)
        self._completion(layout, preferences, forget)
        self._continuation(layout, preferences)
        self._models(layout, preferences, providers)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)

    # -- sections ------------------------------------------------------------------------------------------------

    def _appearance(self, layout: QVBoxLayout, preferences: Preferences) -> None:
        """Theme, font and size."""
        look = self._group(layout, "Appearance")
        self.theme_box = QComboBox(self)
        for label, value in THEME_CHOICES:
            self.theme_box.addItem(label, value)
        self._select(self.theme_box, preferences.theme)
        self.font_box = QFontComboBox(self)
        if preferences.font_family:
            self.font_box.setCurrentFont(QFont(preferences.font_family))
        self.font_size = self._double(preferences.font_size, "font_size", 1.0, 1, " pt")
        self._row(look, "&Theme:", self.theme_box, "Theme")
        self._row(look, "&Font:", self.font_box, "Editor font")
        self._row(look, "Font si&ze:", self.font_size, "Editor font size")

    def _writing(self, layout: QVBoxLayout, preferences: Preferences) -> None:
        """The daily goal, session and recovery copies, spelling."""
        writing = self._group(layout, "Writing")
        self.goal = self._int(preferences.daily_goal, "daily_goal", 50, " words")
        self.goal.setSpecialValueText("No goal")
        self.restore_session = QCheckBox("Reopen the last session's documents at start", self)
        self.restore_session.setChecked(preferences.restore_session)
        self.autosave_idle = self._double(preferences.autosave_idle_seconds, "autosave_idle_seconds", 0.5, 1, " s")
        self._row(writing, "Daily word &goal:", self.goal, "Daily word goal")
        self._row(writing, "", self.restore_session, "Restore session")
        self._row(writing, "Recovery copy &after:", self.autosave_idle, "Seconds without typing before a recovery copy")
        self.spelling_enabled = QCheckBox("Underline misspelt words (English and French)", self)
        self.spelling_enabled.setChecked(preferences.spelling_enabled)
        self._row(writing, "", self.spelling_enabled, "Spelling on")

    def _completion(self, layout: QVBoxLayout, preferences: Preferences, forget: Callable[[], bool] | None) -> None:
        """Word completion, and what Folio learns of the writer's words."""
        completion = self._group(layout, "Word completion (word model)")
        self.completion_enabled = QCheckBox("Suggest the next word while I type", self)
        self.completion_enabled.setChecked(preferences.completion_enabled)
        self.suggestions = self._int(preferences.suggestion_count, "suggestion_count", 1, "")
        self.phrase_threshold = self._double(preferences.phrase_threshold, "phrase_threshold", 0.05, 2, "")
        self.phrase_threshold.setToolTip("A suggestion runs on over several words when the model is at least this sure")
        self._row(completion, "", self.completion_enabled, "Word completion on")
        self._row(completion, "&Suggestions:", self.suggestions, "Number of suggestions")
        self._row(completion, "&Phrase threshold:", self.phrase_threshold, "Phrase threshold")
        self.learn_words = QCheckBox("Learn the words, names and numbers I use (kept on this computer only)", self)
        self.learn_words.setChecked(preferences.learn_words)
        self.learn_words.setToolTip("Folio remembers them across documents and sessions in its data folder and "
                                    "suggests them sooner; nothing is sent anywhere")
        self._row(completion, "", self.learn_words, "Learn my words")
        self.forget_button = QPushButton("Forget What Folio Has &Learned…", self)
        self.forget_button.setEnabled(forget is not None)
        if forget is not None:
            self.forget_button.clicked.connect(forget)
        self._row(completion, "", self.forget_button, "Forget what Folio has learned")

    def _continuation(self, layout: QVBoxLayout, preferences: Preferences) -> None:
        """Shakespeare continuation: on or off, temperature, length."""
        continuation = self._group(layout, "Continuation (character model)")
        self.continuation_enabled = QCheckBox("Offer “Continue in Shakespeare's style”", self)
        self.continuation_enabled.setChecked(preferences.continuation_enabled)
        self.temperature = self._double(preferences.temperature, "temperature", 0.1, 2, "")
        self.length = self._int(preferences.length, "length", 50, " chars")
        self._row(continuation, "", self.continuation_enabled, "Continuation on")
        self._row(continuation, "T&emperature:", self.temperature, "Continuation temperature")
        self._row(continuation, "&Length:", self.length, "Continuation length")

    def _models(self, layout: QVBoxLayout, preferences: Preferences, providers: Sequence[str]) -> None:
        """The model view, the execution provider and threads."""
        models = self._group(layout, "Models")
        self.model_view_enabled = QCheckBox("Allow the model view", self)
        self.model_view_enabled.setChecked(preferences.model_view_enabled)
        self.provider_box = QComboBox(self)
        for label, value in provider_choices(providers, preferences.provider):
            self.provider_box.addItem(label, value)
        self._select(self.provider_box, preferences.provider, case_insensitive=True)
        self.threads = self._int(preferences.threads, "threads", 1, "")
        self.threads.setMaximum(max(1, min(int(SCHEMA["threads"].maximum), os.cpu_count() or 1)))
        self.threads.setValue(min(preferences.threads, self.threads.maximum()))
        self._row(models, "", self.model_view_enabled, "Model view allowed")
        self._row(models, "E&xecution provider:", self.provider_box, "Execution provider")
        self._row(models, "&Threads:", self.threads, "Inference threads")
        note = QLabel("Provider and threads apply the next time Folio starts.", self)
        note.setWordWrap(True)
        models.addRow(note)

    # -- building helpers ----------------------------------------------------------------------------------------

    def _group(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        layout.addWidget(box)
        return form

    def _row(self, form: QFormLayout, label: str, widget: QWidget, accessible: str) -> None:
        widget.setAccessibleName(accessible)
        if label:
            text = QLabel(label, self)
            text.setBuddy(widget)
            form.addRow(text, widget)
        else:
            form.addRow(widget)

    def _int(self, value: int, attr: str, step: int, suffix: str) -> QSpinBox:
        box = QSpinBox(self)
        low, high = _limits(attr)
        box.setRange(int(low), int(high))
        box.setSingleStep(step)
        box.setSuffix(suffix)
        box.setValue(int(value))
        return box

    def _double(self, value: float, attr: str, step: float, decimals: int, suffix: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        low, high = _limits(attr)
        box.setDecimals(decimals)
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setSuffix(suffix)
        box.setValue(float(value))
        return box

    @staticmethod
    def _select(box: QComboBox, value: str, case_insensitive: bool = False) -> None:
        for i in range(box.count()):
            data = str(box.itemData(i))
            if data == value or (case_insensitive and data.lower() == value.lower()):
                box.setCurrentIndex(i)
                return

    # -- result ----------------------------------------------------------------------------------------------------

    def values(self) -> Preferences:
        """The preferences as the form shows them."""
        family = self.font_box.currentFont().family()
        return self._original.copy(
            theme=str(self.theme_box.currentData()),
            font_family=family if family != QFont().family() or self._original.font_family else "",
            font_size=self.font_size.value(),
            daily_goal=self.goal.value(),
            restore_session=self.restore_session.isChecked(),
            autosave_idle_seconds=self.autosave_idle.value(),
            completion_enabled=self.completion_enabled.isChecked(),
            spelling_enabled=self.spelling_enabled.isChecked(),
            suggestion_count=self.suggestions.value(),
            phrase_threshold=self.phrase_threshold.value(),
            learn_words=self.learn_words.isChecked(),
            continuation_enabled=self.continuation_enabled.isChecked(),
            temperature=self.temperature.value(),
            length=self.length.value(),
            model_view_enabled=self.model_view_enabled.isChecked(),
            provider=str(self.provider_box.currentData()),
            threads=self.threads.value(),
        )
