"""Exporting a recurrent language model to the contract graph, checking it, quantizing it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic

from desktop.runtime import contract
from desktop.runtime.session import OrtGraph

# Shapes (batch, seq) the exported graph is checked at; none equals the dummy input used for tracing.
DUMMY_SHAPE = (2, 16)
PARITY_SHAPES = ((1, 1), (3, 7), (5, 64), (1, 300))


def export_lm(wrapper: torch.nn.Module, cell: str, n_layer: int, n_hidden: int, vocab_size: int, path: Path) -> None:
    """Writes ``wrapper`` ((input_ids, *state) -> (log_probs, *state)) as an ONNX graph with dynamic
    batch and sequence axes. Uses the TorchScript exporter (dynamo=False): the dynamo exporter bakes the
    example sequence length of an LSTM into the graph."""
    wrapper.eval()
    batch, seq = DUMMY_SHAPE
    ids = torch.randint(0, vocab_size, (batch, seq), dtype=torch.int64)
    state = tuple(torch.zeros(n_layer, batch, n_hidden) for _ in contract.lm_input_names(cell)[1:])
    inputs, outputs = contract.lm_input_names(cell), contract.lm_output_names(cell)
    dynamic = {contract.INPUT_IDS: {0: "batch", 1: "seq"}, contract.LOG_PROBS: {0: "batch", 1: "seq"}}
    dynamic.update({name: {1: "batch"} for name in inputs[1:] + outputs[1:]})
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        wrapper, (ids, *state), str(path), input_names=inputs, output_names=outputs,
        dynamic_axes=dynamic, opset_version=17, dynamo=False,
    )


def set_metadata(path: Path, values: dict[str, object]) -> None:
    """Writes ``values`` into the file's metadata_props (the runtime reads them without ``onnx``)."""
    model = onnx.load(str(path))
    existing = {p.key: p for p in model.metadata_props}
    for key, value in values.items():
        prop = existing.get(key) or model.metadata_props.add()
        prop.key, prop.value = key, str(value)
    onnx.save(model, str(path))


def quantize_int8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantization (weights int8, activations quantized on the fly)."""
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


@torch.no_grad()
def parity(wrapper: torch.nn.Module, onnx_path: Path, cell: str, n_layer: int, n_hidden: int, vocab_size: int,
           shapes=PARITY_SHAPES, seed: int = 0) -> dict:
    """Max abs difference between PyTorch and ONNX Runtime outputs at each (batch, seq) shape, fed a
    random non-zero state. Returns {"shapes": [...], "max_abs_diff": float, "per_shape": {...}}."""
    wrapper.eval()
    graph = OrtGraph(onnx_path, provider="cpu")
    gen = torch.Generator().manual_seed(seed)
    per_shape = {}
    for batch, seq in shapes:
        ids = torch.randint(0, vocab_size, (batch, seq), generator=gen)
        state = tuple(0.5 * torch.randn(n_layer, batch, n_hidden, generator=gen)
                      for _ in contract.lm_input_names(cell)[1:])
        expected = [t.numpy() for t in wrapper(ids, *state)]
        feeds = {contract.INPUT_IDS: ids.numpy()}
        feeds.update({name: s.numpy() for name, s in zip(contract.lm_input_names(cell)[1:], state)})
        got = graph.run(feeds)
        diffs = [float(np.abs(got[name] - exp).max()) for name, exp in zip(contract.lm_output_names(cell), expected)]
        per_shape[f"{batch}x{seq}"] = max(diffs)
    return {"shapes": [list(s) for s in shapes], "max_abs_diff": max(per_shape.values()), "per_shape": per_shape}
