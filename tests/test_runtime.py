"""Runtime: package checks, provider selection, vocabulary folding, sampling, generation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop.runtime import Engines, ModelPackage, ModelPackageError
from desktop.runtime.continuer import MAX_WORD_CHARS
from desktop.runtime.sampling import clamp_temperature, sample_next
from desktop.runtime.session import choose_providers
from desktop.runtime.vocab import CharVocab


def test_loaded_package_reports_kind_and_files(models_dir: Path):
    package = ModelPackage.load(models_dir / "tiny-char")
    assert package.kind == "char_lm"
    assert package.file("model").is_file()


def test_tampered_model_file_is_a_clear_error(char_package_copy: Path):
    model = char_package_copy / "model.int8.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelPackageError, match="model.int8.onnx is damaged or was modified"):
        ModelPackage.load(char_package_copy)


def test_truncated_model_file_is_a_clear_error(char_package_copy: Path):
    model = char_package_copy / "model.int8.onnx"
    model.write_bytes(model.read_bytes()[:100])
    with pytest.raises(ModelPackageError, match="damaged"):
        ModelPackage.load(char_package_copy)


def test_missing_file_and_manifest_are_clear_errors(char_package_copy: Path):
    (char_package_copy / "vocab.json").unlink()
    with pytest.raises(ModelPackageError, match="vocab.json .vocab. is missing"):
        ModelPackage.load(char_package_copy)
    (char_package_copy / "manifest.json").unlink()
    with pytest.raises(ModelPackageError, match="manifest.json is missing"):
        ModelPackage.load(char_package_copy)


def test_unsupported_contract_version_is_refused(char_package_copy: Path):
    path = char_package_copy / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["contract"] = 99
    path.write_text(json.dumps(manifest))
    with pytest.raises(ModelPackageError, match="contract version 99 is not supported"):
        ModelPackage.load(char_package_copy)


def test_corrupt_manifest_is_a_clear_error(char_package_copy: Path):
    (char_package_copy / "manifest.json").write_text("{not json")
    with pytest.raises(ModelPackageError, match="manifest.json is not valid JSON at line 1, column 2"):
        ModelPackage.load(char_package_copy)


def test_broken_package_gives_unavailable_engine_with_reason(char_package_copy: Path):
    (char_package_copy / "model.int8.onnx").write_bytes(b"garbage")
    continuer = Engines.from_dir(char_package_copy.parent).continuer
    assert continuer.available is False
    assert "damaged or was modified" in continuer.error
    with pytest.raises(RuntimeError, match="unavailable"):
        continuer.generate("x", 5)


def test_missing_models_folder_gives_unavailable_engines(tmp_path: Path):
    engines = Engines.from_dir(tmp_path / "nowhere")
    assert not engines.continuer.available
    assert "model folder not found" in engines.continuer.error
    assert not engines.completer.available and not engines.translator.available


def test_provider_choice_validates_and_falls_back():
    assert choose_providers("cpu").providers == ["CPUExecutionProvider"]
    assert choose_providers("auto").providers[-1] == "CPUExecutionProvider"
    with pytest.raises(ValueError, match="unknown execution provider 'warp-drive'"):
        choose_providers("warp-drive")
    cuda = choose_providers("cuda")
    if cuda.providers[0] == "CPUExecutionProvider":
        assert "is not in this onnxruntime build" in cuda.note


def test_vocab_folds_unknown_characters_and_round_trips():
    vocab = CharVocab.from_text("abcde \"'-.")
    assert vocab.decode(vocab.encode("a bad cab")) == "a bad cab"
    # Curly quotes and dashes straighten, accents drop, anything else becomes the fallback (space).
    assert vocab.fold("\u201cdé\u201d \u2014 caf\u00e9 \u65e5") == '"de" - ca e  '
    assert vocab.fold("\u65e5") == " "
    assert vocab.fold("\u200b") == ""
    assert CharVocab.from_json(json.loads(json.dumps(vocab.to_json()))).tokens == vocab.tokens


def test_temperature_is_clamped():
    assert clamp_temperature(-1) == 0.0
    assert clamp_temperature(float("nan")) == 0.0
    assert clamp_temperature(50) == 2.0
    assert clamp_temperature(0.7) == 0.7


def test_sampling_is_greedy_at_zero_and_respects_top_k_and_top_p():
    log_probs = np.log(np.array([0.1, 0.6, 0.3], np.float32))
    rng = np.random.default_rng(0)
    assert sample_next(log_probs, rng, temperature=0) == 1
    assert {sample_next(log_probs, rng, 1.0, top_k=1) for _ in range(50)} == {1}
    assert {sample_next(log_probs, rng, 1.0, top_p=0.5) for _ in range(50)} == {1}
    assert {sample_next(log_probs, rng, 1.0, top_k=2) for _ in range(200)} == {1, 2}
    draws = [sample_next(log_probs, rng, 1.0) for _ in range(3000)]
    assert abs(draws.count(1) / 3000 - 0.6) < 0.05


def test_seeded_generation_is_deterministic(models_dir: Path):
    continuer = Engines.from_dir(models_dir).continuer
    first = "".join(continuer.generate("to be", 80, temperature=1.0, seed=7))
    second = "".join(continuer.generate("to be", 80, temperature=1.0, seed=7))
    other = "".join(continuer.generate("to be", 80, temperature=1.0, seed=8))
    assert first == second and 80 <= len(first) <= 80 + MAX_WORD_CHARS
    assert first != other


@pytest.mark.parametrize("length", [3, 7, 20, 33, 61])
def test_a_continuation_ends_at_a_word_or_line_boundary(models_dir: Path, length: int):
    """Issue 14 item 4: "Good m" is not an ending. The continuation finishes its word at the length asked for."""
    continuer = Engines.from_dir(models_dir).continuer
    for seed in range(4):
        longer = "".join(continuer.generate("to be", 400, temperature=1.0, seed=seed))
        text = "".join(continuer.generate("to be", length, temperature=1.0, seed=seed))
        assert longer.startswith(text) and length <= len(text) <= length + MAX_WORD_CHARS
        assert text[-1].isspace() or longer[len(text)].isspace(), (text, longer[len(text) :])


def test_the_repetition_guard_stops_loops_at_low_temperature(models_dir: Path, monkeypatch):
    """Issue 14 item 4: at temperature 0 the tiny model recites its one line forever; with the guard the same
    three words come back only where every alternative first letter repeated too."""
    from desktop.runtime import continuer as module

    def repeats(text: str) -> int:
        words = [w for w in (module.normalized(w) for w in text.split()) if w]
        trigrams = list(zip(words, words[1:], words[2:]))
        return len(trigrams) - len(set(trigrams))

    continuer = Engines.from_dir(models_dir).continuer
    guarded = "".join(continuer.generate("to be, or not to ", 300, temperature=0))
    assert guarded.startswith("be: that is the question.\nto be, or not to be:")
    monkeypatch.setattr(module, "REPEAT_GUARD_TEMPERATURE", 0.0)
    looping = "".join(continuer.generate("to be, or not to ", 300, temperature=0))
    assert looping.count("to be, or not to be: that is the question.") >= 6
    assert repeats(looping) >= 50
    assert repeats(guarded) <= 5 and guarded.count("that is the question.") == 1, guarded


def test_greedy_generation_continues_the_learned_text(models_dir: Path):
    continuer = Engines.from_dir(models_dir).continuer
    assert "".join(continuer.generate("to be, or not to ", 16, temperature=0)) == "be: that is the "


def test_generation_handles_odd_prompts(models_dir: Path):
    continuer = Engines.from_dir(models_dir).continuer
    for prompt in ["", "\u200b", "日本語 \U0001f600 “curly”", "x" * 50_000]:
        text = "".join(continuer.generate(prompt, 20, temperature=0.8, seed=1))
        assert 20 <= len(text) <= 20 + MAX_WORD_CHARS and set(text) <= set(continuer.vocab.tokens)
    assert "".join(continuer.generate("to", 0)) == ""
    assert 10 <= len("".join(continuer.generate("to", 10, temperature=99, top_k=10**6, seed=0))) <= 10 + MAX_WORD_CHARS


def test_generation_can_be_stopped_early(models_dir: Path):
    stream = Engines.from_dir(models_dir).continuer.generate("to be", 10_000, seed=0)
    taken = [next(stream) for _ in range(5)]
    stream.close()
    assert len(taken) == 5
