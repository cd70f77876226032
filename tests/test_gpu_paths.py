"""The GPU code paths run over CPU: I/O binding for step-wise decoding and batched translation of a paragraph's
sentences give the same results as the plain CPU path; an engine on a (faked) CUDA provider takes those paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from desktop.runtime import Engines, recurrent_lm, session, translator
from desktop.runtime.completer import Completer
from desktop.runtime.continuer import Continuer
from desktop.runtime.package import ModelPackage
from desktop.runtime.translator import Translator
from tests.test_providers import FakeCudaSession

PARAGRAPH = ("Tom lives in Boston. Mary was born in 1914. I have three cats.\n"
             "Where is the station? It costs 25 euros. He has two dogs.")


def test_lm_steps_with_io_binding_give_the_same_numbers(models_dir: Path):
    plain = Continuer(ModelPackage.load(models_dir / "tiny-char"), provider="cpu")
    bound = Continuer(ModelPackage.load(models_dir / "tiny-char"), provider="cpu")
    bound.lm.use_binding = True
    assert not plain.lm.use_binding  # the CPU path is plain session.run
    ids = np.array([[3]], np.int64)
    log_a, state_a = plain.lm.step(ids, plain.lm.zero_state())
    log_b, state_b = bound.lm.step(ids, bound.lm.zero_state())
    assert isinstance(state_b[0], ort.OrtValue)  # left where the graph ran, not copied to numpy
    log_a2, _ = plain.lm.step(ids, state_a)
    log_b2, _ = bound.lm.step(ids, state_b)
    np.testing.assert_array_equal(log_a2, log_b2)
    np.testing.assert_array_equal(plain.lm.host_hidden(state_a), bound.lm.host_hidden(state_b))
    text = lambda engine: "".join(engine.generate("ROMEO:\n", 80, temperature=0.0))  # noqa: E731
    assert text(plain) == text(bound) and len(text(plain)) == 80
    sampled = lambda engine: "".join(engine.generate("ROMEO:\n", 80, temperature=0.8, seed=3))  # noqa: E731
    assert sampled(plain) == sampled(bound)


def test_completion_with_io_binding_suggests_the_same(models_dir: Path):
    plain = Completer(ModelPackage.load(models_dir / "tiny-word"), provider="cpu")
    bound = Completer(ModelPackage.load(models_dir / "tiny-word"), provider="cpu")
    bound.lm.use_binding = True
    for text in ("The quick brown ", "The quick brown fox jumps over the ", "The quick brown fox jumps over the la"):
        assert plain.suggest(text, k=3) == bound.suggest(text, k=3)


def fp32_translator(models_dir: Path, provider: str = "cpu") -> Translator:
    work = models_dir.parent / "work" / "tiny-translator"
    return Translator(ModelPackage.load(models_dir / "tiny-translator"), provider=provider,
                      encoder_path=work / "encoder.onnx", decoder_path=work / "decoder.onnx")


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_batched_sentences_translate_as_one_at_a_time(models_dir: Path, precision: str):
    if precision == "fp32":
        one, batched = fp32_translator(models_dir), fp32_translator(models_dir)
    else:
        package = ModelPackage.load(models_dir / "tiny-translator")
        one, batched = Translator(package, provider="cpu"), Translator(package, provider="cpu")
    assert not one.batch_sentences and not one.use_binding  # the CPU default
    batched.batch_sentences = True
    runs = {"encoder": 0, "decoder": 0}
    for name in runs:
        graph = getattr(batched, name)
        real = graph.run

        def counted(feeds, real=real, name=name):
            runs[name] += 1
            return real(feeds)

        graph.run = counted
    for beam, n_best in ((4, 1), (1, 1), (4, 3)):
        expected = one.translate(PARAGRAPH, beam=beam, n_best=n_best)
        got = batched.translate(PARAGRAPH, beam=beam, n_best=n_best)
        if precision == "int8":  # activations quantized per batch: the best stays, unlikely alternatives may move
            got, expected = got[:1], expected[:1]
        assert [t.text for t in got] == [t.text for t in expected]
        assert "Tom vit à Boston." in expected[0].text and "Où est la gare\u202f?" in expected[0].text
        tolerance = 1e-5 if precision == "fp32" else 0.05  # int8 quantizes activations per batch
        for a, b in zip(got, expected):
            assert [s.tgt_tokens for s in a.segments] == [s.tgt_tokens for s in b.segments]
            np.testing.assert_allclose([s.score for s in a.segments], [s.score for s in b.segments], atol=tolerance)
            for sa, sb in zip(a.segments, b.segments):
                assert sa.attention.shape == sb.attention.shape
                np.testing.assert_allclose(sa.attention, sb.attention, atol=1e-4 if precision == "fp32" else 0.05)
    assert runs["encoder"] == 3  # one encoder run per paragraph (6 sentences), not per sentence


def test_translation_with_io_binding_gives_the_same_numbers(models_dir: Path):
    plain, bound = fp32_translator(models_dir), fp32_translator(models_dir)
    bound.use_binding = True
    a, b = plain.translate(PARAGRAPH, n_best=2), bound.translate(PARAGRAPH, n_best=2)
    assert [t.text for t in a] == [t.text for t in b] and [t.score for t in a] == [t.score for t in b]


def test_engines_on_a_cuda_provider_bind_and_batch(models_dir: Path, monkeypatch):
    """ONNX Runtime faked to run "CUDA" sessions (really CPU ones, bound to host memory): every engine takes the
    GPU path and gives what the CPU engines give."""
    monkeypatch.setattr(session, "_REPORTED", set())
    cpu = Engines.from_dir(models_dir, provider="cpu")
    expected_fp32 = fp32_translator(models_dir).translate(PARAGRAPH)[0].text
    expected = (cpu.translator.translate(PARAGRAPH)[0].text, cpu.completer.suggest("The quick brown ", k=3),
                "".join(cpu.continuer.generate("ROMEO:\n", 60, temperature=0.0)))
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    monkeypatch.setattr(ort, "InferenceSession", FakeCudaSession)
    for module in (translator, recurrent_lm):
        monkeypatch.setattr(module, "device_type", lambda provider: "cpu")
    gpu = Engines.from_dir(models_dir, provider="auto")
    assert gpu.translator.provider == gpu.completer.provider == gpu.continuer.provider == "CUDAExecutionProvider"
    assert gpu.translator.use_binding and gpu.translator.quantized_per_batch
    assert not gpu.translator.batch_sentences  # int8: one sentence at a time, for the same results as on CPU
    fp32 = fp32_translator(models_dir, "auto")
    assert fp32.provider == "CUDAExecutionProvider" and fp32.batch_sentences and not fp32.quantized_per_batch
    assert fp32.translate(PARAGRAPH)[0].text == expected_fp32
    assert gpu.completer.lm.use_binding and gpu.continuer.lm.use_binding
    assert gpu.translator.translate(PARAGRAPH)[0].text.splitlines() == expected[0].splitlines()
    assert gpu.completer.suggest("The quick brown ", k=3) == expected[1]
    assert "".join(gpu.continuer.generate("ROMEO:\n", 60, temperature=0.0)) == expected[2]
