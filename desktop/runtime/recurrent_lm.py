"""A recurrent language-model graph (char_lm or word_lm) run step by step with its state carried."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from desktop.runtime import contract
from desktop.runtime.graph_check import check_graph, check_vocab_size
from desktop.runtime.package import ModelPackage, ModelPackageError
from desktop.runtime.session import OrtGraph, device_type

State = tuple[np.ndarray, ...]  # (h,) or (h, c), each float32 [layers, batch, hidden]
# What step() returns: numpy arrays on CPU; with I/O binding, ONNX Runtime values left on the device.
DeviceState = tuple[Any, ...]


class RecurrentLM:
    """ONNX Runtime session over a contract language-model graph."""

    def __init__(self, package: ModelPackage, provider: str = "auto", threads: int = 1, model_path: Path | None = None):
        """Opens the package's model graph, or ``model_path`` (another graph of the same package)."""
        self.package = package
        self.graph = OrtGraph(model_path or package.file(contract.ROLE_MODEL), provider, threads)
        self.cell = package.cell
        expected = contract.lm_input_names(self.cell)
        check_graph(self.graph, package.path.name, package.kind, self.cell, contract.lm_io(self.cell))
        layers, _, hidden = self.graph.input_shape(contract.H0)
        if not isinstance(layers, int) or not isinstance(hidden, int):
            raise ModelPackageError(f"model package {package.id}: h0 must have fixed layers and hidden sizes")
        self.layers, self.hidden = layers, hidden
        self.state_names = expected[1:]
        self.state_out_names = contract.lm_output_names(self.cell)[1:]
        # Step-wise decoding keeps the state on the device (I/O binding) when the graph runs on a GPU; the
        # CPU path is plain session.run. Tests switch it on over CPU to check both give the same numbers.
        self.use_binding = self.graph.provider != "CPUExecutionProvider"

    @property
    def provider(self) -> str:
        return self.graph.provider

    def check_vocab(self, role: str, size: int) -> None:
        """Raises ModelPackageError when the graph was not made for a vocabulary of ``size`` tokens (the file of
        ``role``)."""
        check_vocab_size(self.graph, self.package.path.name, self.package.file(role).name, size)

    def zero_state(self, batch: int = 1) -> State:
        """The state at the start of a text."""
        return tuple(np.zeros((self.layers, batch, self.hidden), np.float32) for _ in self.state_names)

    def run(self, ids: np.ndarray, state: State) -> tuple[np.ndarray, State]:
        """ids int64 [batch, seq] -> log_probs float32 [batch, seq, vocab] and the state after them."""
        feeds = {contract.INPUT_IDS: np.ascontiguousarray(ids, dtype=np.int64)}
        feeds.update(zip(self.state_names, state))
        out = self.graph.run(feeds)
        return out[contract.LOG_PROBS], tuple(out[name] for name in self.state_out_names)

    def step(self, ids: np.ndarray, state: State | DeviceState) -> tuple[np.ndarray, DeviceState]:
        """Like :meth:`run` for step-wise decoding: ``log_probs`` come back to the host, while with
        ``use_binding`` the new state stays where the graph runs (ONNX Runtime values bound as the next
        step's inputs, no copy through the host). ``state`` may be numpy (copied in once) or a previous
        step's state; :meth:`host_hidden` reads the top layer's hidden state on the host."""
        if not self.use_binding:
            return self.run(ids, state)
        session = self.graph.session
        binding = session.io_binding()
        binding.bind_cpu_input(contract.INPUT_IDS, np.ascontiguousarray(ids, dtype=np.int64))
        for name, value in zip(self.state_names, state):
            if isinstance(value, np.ndarray):
                binding.bind_cpu_input(name, np.ascontiguousarray(value, dtype=np.float32))
            else:
                binding.bind_ortvalue_input(name, value)
        binding.bind_output(contract.LOG_PROBS, "cpu")
        device = device_type(self.graph.provider)
        for name in self.state_out_names:
            binding.bind_output(name, device)
        session.run_with_iobinding(binding)
        outputs = binding.get_outputs()  # in the order bound: log_probs, then the state
        return outputs[0].numpy(), tuple(outputs[1:])

    @staticmethod
    def host_hidden(state: State | DeviceState) -> np.ndarray:
        """The hidden state ``h`` [layers, batch, hidden] on the host, from a numpy or a device state."""
        h = state[0]
        return h if isinstance(h, np.ndarray) else h.numpy()


class LMEngine:
    """What the continuation and completion engines share: a package, its graph, and the names the UI shows
    (an :class:`~desktop.runtime.engines.UnavailableEngine` has the same ``available``/``error``/``name``)."""

    available = True
    error = ""

    def __init__(self, package: ModelPackage, provider: str = "auto", threads: int = 1, model_path: Path | None = None):
        self.package = package
        self.lm = RecurrentLM(package, provider, threads, model_path)

    @property
    def provider(self) -> str:
        """The ONNX Runtime execution provider in use."""
        return self.lm.provider

    @property
    def provider_note(self) -> str:
        """Why the engine runs on another provider than asked ("" when it runs where asked)."""
        return self.lm.graph.provider_note

    @property
    def name(self) -> str:
        """The package id."""
        return self.package.id
