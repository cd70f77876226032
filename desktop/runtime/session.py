"""ONNX Runtime sessions: provider selection with a CPU fallback that keeps its reason, one session per
graph, inputs and outputs by name, metadata read without the ``onnx`` package."""

from __future__ import annotations

import contextlib
import ctypes
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

# Short names a user or a preference file may give, mapped to ONNX Runtime's provider names.
PROVIDER_ALIASES = {
    "cpu": "CPUExecutionProvider",
    "cuda": "CUDAExecutionProvider",
    "gpu": "CUDAExecutionProvider",
    "tensorrt": "TensorrtExecutionProvider",
    "rocm": "ROCMExecutionProvider",
    "directml": "DmlExecutionProvider",
    "coreml": "CoreMLExecutionProvider",
}
# What "auto" tries, best first.
AUTO_ORDER = ("CUDAExecutionProvider", "DmlExecutionProvider", "CoreMLExecutionProvider", "CPUExecutionProvider")
CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"


@dataclass(frozen=True)
class ProviderChoice:
    """The providers to ask ONNX Runtime for, and why (a note when the request could not be met)."""

    providers: list[str]
    note: str = ""
    requested: str = "auto"  # what the user asked for ("auto", "cpu", "cuda", ... as given)

    @property
    def wanted(self) -> str:
        """The provider the request names in full ("" for auto)."""
        key = self.requested.strip().lower()
        return "" if key == "auto" else PROVIDER_ALIASES.get(key, self.requested)


def available_providers() -> list[str]:
    """Providers this onnxruntime build offers on this machine."""
    return list(ort.get_available_providers())


def onnxruntime_package() -> str:
    """The name of the installed onnxruntime distribution ("onnxruntime", "onnxruntime-gpu", ...)."""
    try:
        from onnxruntime.capi import build_and_package_info

        return str(getattr(build_and_package_info, "package_name", "onnxruntime"))
    except ImportError:  # pragma: no cover - every wheel has it
        return "onnxruntime"


def missing_provider_reason(name: str, available: list[str]) -> str:
    """Why provider ``name`` is not in ``available`` (what to install, for CUDA)."""
    reason = f"{name} is not in this onnxruntime build ({onnxruntime_package()} {ort.__version__}; available: " \
             f"{', '.join(available)})"
    if name == CUDA:
        reason += "; install onnxruntime-gpu in place of onnxruntime for it (see the README, GPU)"
    return reason


def choose_providers(requested: str = "auto") -> ProviderChoice:
    """Validates ``requested`` ("auto", "cpu", "cuda", ... or a full provider name) against what is
    available; an unavailable provider falls back to CPU with the reason kept in ``note``."""
    available = available_providers()
    key = requested.strip().lower()
    if key == "auto":
        return ProviderChoice([p for p in AUTO_ORDER if p in available] or [CPU], "", requested)
    name = PROVIDER_ALIASES.get(key, requested)
    known = set(PROVIDER_ALIASES.values()) | set(ort.get_all_providers())
    if name not in known:
        raise ValueError(
            f"unknown execution provider {requested!r}; use auto, {', '.join(PROVIDER_ALIASES)} "
            f"(available here: {', '.join(available)})"
        )
    if name not in available:
        return ProviderChoice([CPU], f"{requested}: {missing_provider_reason(name, available)}; using CPU", requested)
    return ProviderChoice([name] if name == CPU else [name, CPU], "", requested)


def provider_library_error(name: str) -> str:
    """The dynamic loader's error for the provider's shared library (``libonnxruntime_providers_cuda.so``
    needs CUDA, cuBLAS and cuDNN), the reason ONNX Runtime logs when it leaves the provider out; "" when
    it loads or there is no such library."""
    stem = {CUDA: "cuda", "TensorrtExecutionProvider": "tensorrt", "ROCMExecutionProvider": "rocm"}.get(name)
    if stem is None:
        return ""
    folder = Path(ort.__file__).parent / "capi"
    library = next(iter(sorted(folder.glob(f"*onnxruntime_providers_{stem}.*"))), None)
    if library is None:
        return ""
    try:
        ctypes.CDLL(str(library))
    except OSError as exc:
        # a frozen build's ctypes hook replaces the loader's message by its own; the loader's is the cause
        return str(exc.__cause__ if isinstance(exc.__cause__, OSError) else exc)
    return ""


def device_type(provider: str) -> str:
    """Where a provider keeps its tensors, as ONNX Runtime's I/O binding names it ("cuda", "cpu", ...)."""
    return {CUDA: "cuda", "TensorrtExecutionProvider": "cuda", "ROCMExecutionProvider": "cuda",
            "DmlExecutionProvider": "dml"}.get(provider, "cpu")


_PRELOADED: list[str] = []


def preload_cuda_libraries() -> str:
    """Loads the CUDA and cuDNN libraries of NVIDIA's pip wheels (``pip install onnxruntime-gpu[cuda,cudnn]``)
    with ``onnxruntime.preload_dlls`` (onnxruntime-gpu 1.21+), once, so the CUDA provider finds them without
    LD_LIBRARY_PATH; system-wide CUDA or a torch imported first work without it. Its prints are swallowed
    (they would break --self-test's JSON); returns what happened."""
    if not _PRELOADED:
        preload = getattr(ort, "preload_dlls", None)
        if preload is None:
            _PRELOADED.append("onnxruntime has no preload_dlls")
        else:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    preload()
                _PRELOADED.append("ok")
            except Exception as exc:  # noqa: BLE001 - then the provider reports what is missing
                _PRELOADED.append(f"preload_dlls failed: {exc}")
    return _PRELOADED[0]


_REPORTED: set[str] = set()


def report_provider_note(note: str) -> None:
    """Writes a provider fallback to stderr, once per distinct note (every graph of every engine has one)."""
    if note and note not in _REPORTED:
        _REPORTED.add(note)
        print(f"folio: {note}", file=sys.stderr, flush=True)


def create_session(path: Path, options: ort.SessionOptions, choice: ProviderChoice) -> tuple[ort.InferenceSession, str]:
    """A session on the first provider of ``choice`` if ONNX Runtime can start it there, else on CPU;
    returns it and a note saying why it is not where it was asked to be ("" when it is).

    ONNX Runtime's own fallback is switched off (it prints to stdout, which would break --self-test's JSON):
    an error from the provider is caught here and kept as the reason, and a provider ONNX Runtime silently
    left out (its library did not load) is reported with the loader's error."""
    first = choice.providers[0]
    if first == CUDA:
        preload_cuda_libraries()
    try:
        session = ort.InferenceSession(str(path), sess_options=options, providers=choice.providers,
                                       enable_fallback=0)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
        if first == CPU:
            raise
        session = ort.InferenceSession(str(path), sess_options=options, providers=[CPU], enable_fallback=0)
        reason = f"{first} failed to create a session ({type(exc).__name__}: {exc})"
        return session, _fallback_note(choice, reason)
    got = session.get_providers()[0]
    if got == first:
        return session, choice.note
    reason = provider_library_error(first) or "ONNX Runtime left it out (see its log for why)"
    return session, _fallback_note(choice, f"{first} could not start: {reason}")


def _fallback_note(choice: ProviderChoice, reason: str) -> str:
    who = "auto" if not choice.wanted else choice.requested
    return f"{who}: {reason}; using CPU"


class GraphLoadError(Exception):
    """ONNX Runtime could not load a graph file; the message names the file."""


class OrtGraph:
    """One ONNX Runtime session over one graph file.

    ``provider`` is the provider the session runs on; ``provider_note`` says why it is not the one asked for
    ("" when it is, or when "auto" found no GPU provider); ``provider_unmet`` is True when a provider was
    named ("cuda") and not obtained."""

    def __init__(self, path: Path, provider: str = "auto", threads: int = 1):
        choice = choose_providers(provider)
        options = ort.SessionOptions()
        # One intra-op thread gives steady per-step latency on small recurrent graphs.
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.path = Path(path)
        try:
            self.session, self.provider_note = create_session(self.path, options, choice)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for damaged files
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphLoadError(f"{self.path.name} could not be loaded: it is damaged or not an ONNX graph "
                                 f"(ONNX Runtime says: {detail[:160]})") from None
        self.provider = self.session.get_providers()[0]
        self.requested_provider = choice.requested
        self.provider_unmet = bool(choice.wanted) and self.provider != choice.wanted
        report_provider_note(self.provider_note)
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.metadata = dict(self.session.get_modelmeta().custom_metadata_map)

    def input_shape(self, name: str) -> list:
        """Declared shape of input ``name`` (ints for fixed axes, strings for dynamic ones)."""
        return next(i.shape for i in self.session.get_inputs() if i.name == name)

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Runs the graph; returns every output by name."""
        return dict(zip(self.output_names, self.session.run(self.output_names, feeds)))
