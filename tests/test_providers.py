"""Execution providers: what "auto" and a named provider get, and how a fallback is reported (stderr, the
status bar's text, the self-test's problems), with ONNX Runtime's provider list and sessions faked."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort
import pytest

from desktop.runtime import Engines, session
from desktop.runtime.session import CPU, CUDA, OrtGraph
from desktop.selftest import run_self_test
from desktop.ui.engine_status import EngineInfo, describe_completion, describe_continuation

CUDA_ERROR = "CUDA failure 100: no CUDA-capable device is detected ; GPU=0"
RealSession = ort.InferenceSession


class FakeCudaSession:
    """A real CPU session that says it runs on CUDA when CUDA was asked for (as onnxruntime-gpu on a GPU)."""

    def __init__(self, path, sess_options=None, providers=None, **kwargs):
        self._session = RealSession(path, sess_options=sess_options, providers=[CPU])
        self._providers = [CUDA, CPU] if providers and providers[0] == CUDA else [CPU]

    def get_providers(self):
        return self._providers

    def __getattr__(self, name):
        return getattr(self._session, name)


def failing_cuda_session(path, sess_options=None, providers=None, **kwargs):
    """ONNX Runtime with a CUDA build on a machine without a usable GPU: creating a CUDA session raises."""
    if providers and CUDA in providers:
        raise RuntimeError(CUDA_ERROR)
    return RealSession(path, sess_options=sess_options, providers=providers, **kwargs)


@pytest.fixture
def fresh_reports(monkeypatch):
    """Each test sees every stderr note (the runtime writes each distinct note once per process)."""
    monkeypatch.setattr(session, "_REPORTED", set())


@pytest.fixture
def cpu_only(monkeypatch, fresh_reports):
    monkeypatch.setattr(ort, "get_available_providers", lambda: [CPU])


@pytest.fixture
def cuda_listed(monkeypatch, fresh_reports):
    monkeypatch.setattr(ort, "get_available_providers", lambda: [CUDA, CPU])


def char_model(models_dir: Path) -> Path:
    return models_dir / "tiny-char" / "model.int8.onnx"


def test_cuda_asked_for_in_a_cpu_only_build_says_what_to_install(models_dir, cpu_only, capsys):
    graph = OrtGraph(char_model(models_dir), "cuda")
    assert graph.provider == CPU and graph.provider_unmet
    assert "CUDAExecutionProvider is not in this onnxruntime build" in graph.provider_note
    assert "install onnxruntime-gpu" in graph.provider_note and graph.provider_note.endswith("using CPU")
    assert capsys.readouterr().err == f"folio: {graph.provider_note}\n"
    OrtGraph(char_model(models_dir), "cuda")  # a second graph with the same reason: not repeated
    assert capsys.readouterr().err == ""


def test_auto_in_a_cpu_only_build_takes_cpu_quietly(models_dir, cpu_only, capsys):
    graph = OrtGraph(char_model(models_dir), "auto")
    assert (graph.provider, graph.provider_note, graph.provider_unmet) == (CPU, "", False)
    assert capsys.readouterr().err == ""


def test_auto_takes_cuda_when_a_session_on_it_succeeds(models_dir, cuda_listed, monkeypatch, capsys):
    monkeypatch.setattr(ort, "InferenceSession", FakeCudaSession)
    graph = OrtGraph(char_model(models_dir), "auto")
    assert (graph.provider, graph.provider_note, graph.provider_unmet) == (CUDA, "", False)
    cuda = OrtGraph(char_model(models_dir), "cuda")
    assert (cuda.provider, cuda.provider_unmet) == (CUDA, False)
    assert capsys.readouterr().err == ""


def test_auto_falls_back_to_cpu_with_onnxruntimes_reason_when_the_cuda_session_fails(
        models_dir, cuda_listed, monkeypatch, capsys):
    monkeypatch.setattr(ort, "InferenceSession", failing_cuda_session)
    graph = OrtGraph(char_model(models_dir), "auto")
    assert graph.provider == CPU and not graph.provider_unmet  # auto got what it could
    assert graph.provider_note.startswith("auto: CUDAExecutionProvider failed to create a session")
    assert CUDA_ERROR in graph.provider_note
    assert CUDA_ERROR in capsys.readouterr().err

    named = OrtGraph(char_model(models_dir), "cuda")
    assert named.provider == CPU and named.provider_unmet and CUDA_ERROR in named.provider_note


def test_a_provider_onnxruntime_silently_left_out_is_reported(models_dir, cuda_listed):
    # The real CPU-only onnxruntime is given CUDA while the faked list says it has it: it leaves CUDA out.
    with pytest.warns(UserWarning):
        graph = OrtGraph(char_model(models_dir), "cuda")
    assert graph.provider == CPU and graph.provider_unmet
    assert graph.provider_note.startswith("cuda: CUDAExecutionProvider could not start")


def test_engines_status_bar_text_carries_the_reason(models_dir, cpu_only):
    engines = Engines.from_dir(models_dir, provider="cuda")
    continuer, completer, translator = engines.continuer, engines.completer, engines.translator
    for engine in (continuer, completer, translator):
        assert engine.provider == CPU and "not in this onnxruntime build" in engine.provider_note
    info = EngineInfo.of(continuer)
    assert info.note == continuer.provider_note
    assert describe_continuation(info) == f"Shakespeare: tiny-char · CPU ({continuer.provider_note})"
    assert describe_completion(EngineInfo.of(completer)) == f"Completion: tiny-word · CPU ({completer.provider_note})"
    assert describe_continuation(EngineInfo(True, "tiny-char", CPU)) == "Shakespeare: tiny-char · CPU"


def test_self_test_fails_when_the_named_provider_is_not_obtained_unless_fallback_is_allowed(models_dir, cpu_only):
    report = run_self_test("cuda", str(models_dir))
    assert report["ok"] is False
    assert len(report["problems"]) == 3
    assert all(f"{CUDA} was asked for, it runs on {CPU}" in p for p in report["problems"])
    assert any(e.startswith("provider not obtained") for e in report["errors"])
    for name in ("completion", "continuation", "translation"):  # spelling runs no ONNX graph of its own
        feature = report["features"][name]
        assert feature["ok"] and feature["provider"] == CPU and "install onnxruntime-gpu" in feature["provider_note"]

    allowed = run_self_test("cuda", str(models_dir), allow_fallback=True)
    assert allowed["ok"] is True and allowed["allow_fallback"] is True and len(allowed["problems"]) == 3
    assert run_self_test("auto", str(models_dir))["problems"] == []
    assert run_self_test("cpu", str(models_dir))["ok"] is True


def test_self_test_cli_takes_allow_fallback(models_dir, cpu_only, capsys):
    from desktop.app import main

    assert main(["--self-test", "--provider", "cuda", "--models", str(models_dir)]) == 1
    assert "folio: cuda: CUDAExecutionProvider is not in this onnxruntime build" in capsys.readouterr().err
    assert main(["--self-test", "--provider", "cuda", "--allow-fallback", "--models", str(models_dir)]) == 0


def test_the_loaders_reason_survives_a_frozen_builds_ctypes_hook(monkeypatch, tmp_path):
    """PyInstaller's ctypes hook raises its own OSError ("... not found when the application was frozen") from
    the loader's: the report gives the loader's."""
    capi = tmp_path / "onnxruntime" / "capi"
    capi.mkdir(parents=True)
    (capi / "libonnxruntime_providers_cuda.so").write_bytes(b"")
    monkeypatch.setattr(ort, "__file__", str(tmp_path / "onnxruntime" / "__init__.py"))

    def frozen_cdll(path):
        loader = OSError("libcublasLt.so.13: cannot open shared object file: No such file or directory")
        raise OSError(f"Failed to load dynlib/dll {path!r}. Most likely this dynlib/dll was not found when the "
                      "application was frozen.") from loader

    monkeypatch.setattr(session.ctypes, "CDLL", frozen_cdll)
    assert session.provider_library_error(CUDA) == ("libcublasLt.so.13: cannot open shared object file: "
                                                    "No such file or directory")
    assert session.provider_library_error(CPU) == ""
