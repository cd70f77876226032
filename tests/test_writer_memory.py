"""Issue 12, item 4: Folio learns the writer's words, names and numbers across documents and sessions (a local
file in its data folder), merges them into completion with a weight that follows the evidence, and forgets them
on request."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QMessageBox

from desktop.core.locations import Locations
from desktop.core.preferences import Preferences
from desktop.runtime.writer_memory import WriterMemory
from desktop.ui.completion import CompletionController
from tests.ui_support import set_text


def test_learning_a_document_again_adds_only_what_is_new(tmp_path):
    memory = WriterMemory(tmp_path / "learned.json")
    assert memory.learn("a.txt", "Zorblax met Quentin in 1987. Zorblax left.") == 7
    assert memory.learn("a.txt", "Zorblax met Quentin in 1987. Zorblax left.") == 0  # autosave again: nothing new
    assert memory.learn("a.txt", "Zorblax met Quentin in 1987. Zorblax left. Quentin stayed.") == 2
    assert memory.counts["Zorblax"] == 2 and memory.counts["Quentin"] == 2 and memory.counts["1987"] == 1
    assert memory.learn("b.txt", "Zorblax again, and a poem.", exclude=["and a poem"]) == 2
    assert memory.counts["Zorblax"] == 3 and memory.counts["poem"] == 0


def test_memory_survives_sessions_and_forgetting_deletes_it(tmp_path):
    path = tmp_path / "data" / "learned.json"
    memory = WriterMemory(path)
    memory.learn("a.txt", "Yours sincerely, Marguerite Oyelaran")
    assert memory.save() and path.is_file()
    again = WriterMemory.load(path)
    assert again.counts["Oyelaran"] == 1 and again.words_with_prefix("oye") == ["Oyelaran"]
    assert again.learn("a.txt", "Yours sincerely, Marguerite Oyelaran") == 0  # the next session: not counted twice
    assert "Oyelaran" not in path.read_text(encoding="utf-8").split('"documents"')[1]  # kept hashed there
    again.forget()
    assert not path.exists() and len(again) == 0 and again.words_with_prefix("Oye") == []


def test_a_damaged_file_gives_an_empty_memory_and_a_warning(tmp_path):
    path = tmp_path / "learned.json"
    path.write_text("{not json", encoding="utf-8")
    memory = WriterMemory.load(path)
    assert len(memory) == 0 and "could not be read" in memory.warning
    path.write_text(json.dumps({"format": 1, "words": {"fine": 2, "bad word!": 3, "neg": -1}}), encoding="utf-8")
    assert dict(WriterMemory.load(path).counts) == {"fine": 2}


def test_completion_in_a_new_document_draws_on_what_was_learned(completer):
    text = "Then Zor"
    assert all(s.word != "Zorblax" for s in completer.suggest(text, 3))
    memory = WriterMemory()
    memory.learn("earlier.txt", "Zorblax went to the old school with Zorblax's friends.")
    completer.learned = memory
    completer.memory.clear()
    assert completer.suggest(text, 3)[0].word == "Zorblax"


def test_the_learned_memory_weighs_by_its_evidence(completer):
    """A memory of a few words weighs like a few words of text; a big one stands for at most
    LEARNED_PSEUDO_WORDS words, so it never drowns the model."""
    from desktop.runtime.completer import LEARNED_PSEUDO_WORDS

    small, big = WriterMemory(), WriterMemory()
    small.learn("a", "Zorblax")
    big.learn("a", "Zorblax " + "filler " * 20_000)
    assert small.pseudo_counts(LEARNED_PSEUDO_WORDS)[1] == 1.0
    counts, scale, _ = big.pseudo_counts(LEARNED_PSEUDO_WORDS)
    assert scale * sum(counts.values()) == LEARNED_PSEUDO_WORDS


def test_the_window_learns_saved_documents_and_forgets_on_request(make_window, dialogs, tmp_path, folio_home):
    window = make_window()
    path = Locations.under(folio_home).learned_words_file
    set_text(window, "Dear Mrs Okonkwo-Beaumont, the invoice 44718 is attached.")
    assert window.files.save_to(tmp_path / "letter.txt")
    assert window.writer_memory.counts["Okonkwo"] == 1 and path.is_file()
    assert "44718" in WriterMemory.load(path).counts
    dialogs.question_answer = QMessageBox.StandardButton.Cancel
    assert not window.learned.forget() and path.is_file()
    dialogs.question_answer = QMessageBox.StandardButton.Yes
    assert window.learned.forget()
    assert not path.exists() and len(window.writer_memory) == 0
    assert "Forget" in dialogs.asked[-1]
    window.learned.learn_from(window.documents())  # the open document is not learned again after forgetting
    assert len(window.writer_memory) == 0


def test_the_preference_switch_stops_learning(make_window, tmp_path):
    window = make_window(preferences=Preferences(learn_words=False))
    set_text(window, "Okonkwo-Beaumont")
    assert window.files.save_to(tmp_path / "note.txt")
    assert len(window.writer_memory) == 0
    window.settings.apply(window.preferences.copy(learn_words=True), save=False)
    set_text(window, "Okonkwo-Beaumont wrote back")
    assert window.files.save_to(tmp_path / "note.txt")
    assert window.writer_memory.counts["Okonkwo"] == 1


def test_the_completer_gets_the_memory_only_while_learning_is_on(make_window, monkeypatch):
    given: list = []
    monkeypatch.setattr(CompletionController, "set_learned_memory", lambda self, memory: given.append(memory))
    window = make_window()
    assert given and given[-1] is window.writer_memory
    window.settings.apply(window.preferences.copy(learn_words=False), save=False)
    assert given[-1] is None


def test_preferences_dialog_has_the_switch_and_the_forget_button(qtbot):
    from desktop.ui.preferences_dialog import PreferencesDialog

    forgot: list[bool] = []
    dialog = PreferencesDialog(Preferences(), ["CPUExecutionProvider"], forget=lambda: forgot.append(True) or True)
    qtbot.addWidget(dialog)
    assert dialog.learn_words.isChecked()
    dialog.learn_words.setChecked(False)
    assert dialog.values().learn_words is False
    dialog.forget_button.click()
    assert forgot == [True]
