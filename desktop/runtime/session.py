"""ONNX Runtime sessions: provider selection with a CPU fallback that keeps its reason, one session per
graph, inputs and outputs by name, metadata read without the ``onnx`` package."""

from __future__ import annotations

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


@dataclass(frozen=True)
class ProviderChoice:
    """The providers to ask ONNX Runtime for, and why (a note when the request could not be met)."""

    providers: list[str]
    note: str = ""


def available_providers() -> list[str]:
    """Providers this onnxruntime build offers on this machine."""
    return list(ort.get_available_providers())


def choose_providers(requested: str = "auto") -> ProviderChoice:
    """Validates ``requested`` ("auto", "cpu", "cuda", ... or a full provider name) against what is
    available; an unavailable provider falls back to CPU with the reason kept in ``note``."""
    available = available_providers()
    key = requested.strip().lower()
    if key == "auto":
        return ProviderChoice([p for p in AUTO_ORDER if p in available] or [CPU])
    name = PROVIDER_ALIASES.get(key, requested)
    known = set(PROVIDER_ALIASES.values()) | set(ort.get_all_providers())
    if name not in known:
        raise ValueError(
            f"unknown execution provider {requested!r}; use auto, {', '.join(PROVIDER_ALIASES)} "
            f"(available here: {', '.join(available)})"
        )
    if name not in available:
        note = f"{requested} is not available here (available: {', '.join(available)}); using CPU"
        return ProviderChoice([CPU], note)
    return ProviderChoice([name] if name == CPU else [name, CPU])


class GraphLoadError(Exception):
    """ONNX Runtime could not load a graph file; the message names the file."""


class OrtGraph:
    """One ONNX Runtime session over one graph file."""

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
            self.session = ort.InferenceSession(str(path), sess_options=options, providers=choice.providers)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for damaged files
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphLoadError(f"{self.path.name} could not be loaded: it is damaged or not an ONNX graph "
                                 f"(ONNX Runtime says: {detail[:160]})") from None
        self.provider = self.session.get_providers()[0]
        self.provider_note = choice.note
        if choice.providers[0] != self.provider and not self.provider_note:
            self.provider_note = f"{choice.providers[0]} failed to start; using {self.provider}"
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.metadata = dict(self.session.get_modelmeta().custom_metadata_map)

    def input_shape(self, name: str) -> list:
        """Declared shape of input ``name`` (ints for fixed axes, strings for dynamic ones)."""
        return next(i.shape for i in self.session.get_inputs() if i.name == name)

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Runs the graph; returns every output by name."""
        return dict(zip(self.output_names, self.session.run(self.output_names, feeds)))
