"""Damaged model packages (issue 11 item 11): refused at load with a message in words that names the file, and a
failure while running switches the feature off once, with its reason, instead of failing on every keystroke."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from desktop.runtime import Engines, contract
from desktop.runtime.guard import EngineFailed
from desktop.runtime.package import ModelPackage, ModelPackageError, sha256_file


def _resign(package: Path) -> None:
    """Rewrites the manifest's sha256s to match the files as they are now (so only their content is wrong)."""
    manifest_path = package / contract.MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        entry["sha256"] = sha256_file(package / entry["path"])
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _swap(a: Path, b: Path) -> None:
    temporary = a.with_suffix(".swap")
    a.rename(temporary)
    b.rename(a)
    temporary.rename(b)


def test_swapped_language_model_graphs_are_refused_at_load(models_copy):
    folder = models_copy("tiny-char", "tiny-word")
    _swap(folder / "tiny-char" / "model.int8.onnx", folder / "tiny-word" / "model.int8.onnx")
    _resign(folder / "tiny-char")
    _resign(folder / "tiny-word")
    engines = Engines.from_dir(folder, provider="cpu")
    completer, continuer = engines.completer, engines.continuer
    assert not completer.available and not continuer.available
    assert completer.error == ("model package tiny-word: model.int8.onnx is a char_lm graph, but manifest.json says "
                               "the package is a word_lm (were files swapped?)")
    assert "model package tiny-char: model.int8.onnx is a word_lm graph" in continuer.error


def test_a_graph_for_another_vocabulary_is_refused_even_without_metadata(models_copy, monkeypatch):
    from desktop.runtime import session

    folder = models_copy("tiny-char", "tiny-word")
    shutil.copy(folder / "tiny-char" / "model.int8.onnx", folder / "tiny-word" / "model.int8.onnx")
    _resign(folder / "tiny-word")
    real_init = session.OrtGraph.__init__

    def without_kind(self, *args, **kwargs):  # a graph exported without Folio's metadata
        real_init(self, *args, **kwargs)
        self.metadata = {}

    monkeypatch.setattr(session.OrtGraph, "__init__", without_kind)
    completer = Engines.from_dir(folder, provider="cpu").completer
    assert completer.error == "model package tiny-word: model.int8.onnx scores 17 tokens, but vocab.json has 36"


def test_swapped_translator_graphs_are_refused_at_load(models_copy):
    folder = models_copy("tiny-translator")
    package = folder / "tiny-translator"
    _swap(package / "encoder.int8.onnx", package / "decoder.int8.onnx")
    _resign(package)
    translator = Engines.from_dir(folder, provider="cpu").translator
    assert translator.error == ("model package tiny-translator: encoder.int8.onnx is the decoder graph, but "
                                "manifest.json lists it as the encoder (were the two graphs swapped?)")


def test_a_wrong_vocabulary_size_is_refused_at_load(models_copy):
    folder = models_copy("tiny-char")
    vocab_path = folder / "tiny-char" / "vocab.json"
    vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
    vocab["tokens"] = vocab["tokens"][:-1]
    vocab_path.write_text(json.dumps(vocab), encoding="utf-8")
    _resign(folder / "tiny-char")
    continuer = Engines.from_dir(folder, provider="cpu").continuer
    assert continuer.error == ("model package tiny-char: model.int8.onnx was made for a vocabulary of 17 tokens, but "
                               "vocab.json has 16 (were files swapped?)")


def test_bad_json_is_described_in_words_naming_the_file(models_copy):
    folder = models_copy("tiny-char", "tiny-word")
    manifest = folder / "tiny-char" / contract.MANIFEST_NAME
    manifest.write_text('{\n  "contract": 1,\n    "id" "tiny-char"\n}\n', encoding="utf-8")
    with pytest.raises(ModelPackageError) as caught:
        ModelPackage.load(folder / "tiny-char")
    assert str(caught.value) == "model package tiny-char: manifest.json is not valid JSON at line 3, column 10"

    (folder / "tiny-word" / "vocab.json").write_text('{"type": "word", "tokens": ["a",, "b"]}', encoding="utf-8")
    _resign(folder / "tiny-word")
    completer = Engines.from_dir(folder, provider="cpu").completer
    assert completer.error == "model package tiny-word: vocab.json is not valid JSON at line 1, column 33"

    (folder / "tiny-word" / "vocab.json").write_bytes(b'{"type": "word", "tokens": ["caf\xe9"]}')
    _resign(folder / "tiny-word")
    assert "vocab.json is not UTF-8 text" in Engines.from_dir(folder, provider="cpu").completer.error


def test_wrong_types_in_the_manifest_are_described_in_words(models_copy):
    folder = models_copy("tiny-char")
    manifest_path = folder / "tiny-char" / contract.MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["model"]["path"] = 5
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    error = Engines.from_dir(folder, provider="cpu").continuer.error
    assert "the 'model' file's path and sha256 as 5" in error and "must be text" in error
    assert "unsupported operand" not in error


def test_a_damaged_graph_file_is_named(models_copy):
    folder = models_copy("tiny-char")
    (folder / "tiny-char" / "model.int8.onnx").write_bytes(b"not a graph at all")
    _resign(folder / "tiny-char")
    error = Engines.from_dir(folder, provider="cpu").continuer.error
    assert error.startswith("model package tiny-char: model.int8.onnx could not be loaded: it is damaged or not an "
                            "ONNX graph")


def test_a_failure_while_running_switches_the_engine_off_once(models_dir, caplog):
    engines = Engines.from_dir(models_dir, provider="cpu")
    completer = engines.completer
    calls = []

    def broken(ids, state):
        calls.append(1)
        raise RuntimeError("[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input")

    completer.lm.run = broken
    with caplog.at_level(logging.ERROR):
        for text in ("The quick", "The quick brown", "The quick brown fox"):
            with pytest.raises(EngineFailed):
                completer.suggest(text, 3)
    assert len(calls) == 1  # the model is not asked again
    assert not completer.available
    assert completer.error.startswith("the model tiny-word stopped working ([ONNXRuntimeError] : 2 : INVALID_ARGUMENT")
    assert sum(1 for r in caplog.records if r.exc_info) == 1  # one traceback, not one per call


def test_the_editor_switches_completion_off_once_when_it_fails_while_typing(models_dir, make_window, qtbot, caplog):
    from tests.ui_support import wait_models_ready

    engines = Engines.from_dir(models_dir, provider="cpu")
    window = make_window(engines)
    wait_models_ready(qtbot, window)
    engines.completer.lm.run = lambda ids, state: (_ for _ in ()).throw(RuntimeError("graph exploded"))
    controller = window.current_tab().completion
    with caplog.at_level(logging.ERROR):
        for ch in "the quick brown fox jumps":
            qtbot.keyClicks(window.editor, ch)
            qtbot.wait(15)
        qtbot.waitUntil(lambda: not controller.available, timeout=5000)
        qtbot.wait(200)
    assert sum(1 for r in caplog.records if r.exc_info) == 1
    assert "graph exploded" in controller.error
    assert window.text() == "the quick brown fox jumps"
