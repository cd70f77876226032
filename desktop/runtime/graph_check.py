"""Load-time checks of a package's graphs against the contract (desktop/runtime/contract.py) and its
vocabularies, so a damaged or mixed-up package is refused at load with a message naming the file, instead of
loading and then failing on every call.

Checked: input and output names, element types and ranks; the state sizes of inputs and outputs agree; the
graph's own metadata (``folio.kind``, ``folio.cell``, ``folio.graph``) agrees with the manifest; the vocabulary
size the graph declares (``folio.vocab_size``, ``folio.src_vocab_size``) and the width of its ``log_probs`` agree
with the vocabulary files.
"""

from __future__ import annotations

from desktop.runtime import contract
from desktop.runtime.package import ModelPackageError
from desktop.runtime.session import OrtGraph

_DTYPE_WORDS = {contract.INT64: "int64", contract.FLOAT: "float32", contract.BOOL: "bool"}


def _words(dtype: str) -> str:
    return _DTYPE_WORDS.get(dtype, dtype.removeprefix("tensor(").removesuffix(")"))


def check_graph(graph: OrtGraph, package: str, kind: str, cell: str, io: tuple[contract.IOSpec, contract.IOSpec],
                role: str | None = None) -> None:
    """Raises ModelPackageError when ``graph`` does not match the contract's ``io`` (see the module docstring).
    ``package`` names the package in messages; ``role`` is "encoder" or "decoder" for translator graphs."""
    where = f"model package {package}: {graph.path.name}"
    meta = graph.metadata
    meta_kind = meta.get(contract.META_KIND)
    if meta_kind and meta_kind != kind:
        raise ModelPackageError(f"{where} is a {meta_kind} graph, but {contract.MANIFEST_NAME} says the package is a "
                                f"{kind} (were files swapped?)")
    meta_graph = meta.get(contract.META_GRAPH)
    if role and meta_graph and meta_graph != role:
        raise ModelPackageError(f"{where} is the {meta_graph} graph, but {contract.MANIFEST_NAME} lists it as the "
                                f"{role} (were the two graphs swapped?)")
    meta_cell = meta.get(contract.META_CELL)
    if meta_cell and cell and meta_cell != cell:
        raise ModelPackageError(f"{where} has a {meta_cell} cell, but {contract.MANIFEST_NAME} says {cell}")
    inputs, outputs = io
    names_in = [a.name for a in graph.session.get_inputs()]
    names_out = [a.name for a in graph.session.get_outputs()]
    if sorted(names_in) != sorted(inputs) or sorted(names_out) != sorted(outputs):
        what = f"a {kind} graph with a {cell or 'unknown'} cell"
        raise ModelPackageError(f"{where} has inputs {', '.join(names_in)} and outputs {', '.join(names_out)}; "
                                f"{what} needs inputs {', '.join(inputs)} and outputs {', '.join(outputs)}")
    shapes = {}
    for arg, spec in [(a, inputs[a.name]) for a in graph.session.get_inputs()] + \
                     [(a, outputs[a.name]) for a in graph.session.get_outputs()]:
        dtype, rank = spec
        if arg.type != dtype or len(arg.shape) != rank:
            raise ModelPackageError(f"{where}: {arg.name} is a {len(arg.shape)}-dimensional {_words(arg.type)} "
                                    f"tensor; the contract says {rank}-dimensional {_words(dtype)}")
        shapes[arg.name] = arg.shape
    for state_in, state_out in ((contract.H0, contract.HN), (contract.C0, contract.CN)):
        if state_in in shapes and state_out in shapes:
            fixed_in = [shapes[state_in][0], shapes[state_in][2]]
            fixed_out = [shapes[state_out][0], shapes[state_out][2]]
            if all(isinstance(d, int) for d in fixed_in + fixed_out) and fixed_in != fixed_out:
                raise ModelPackageError(f"{where}: {state_in} is {fixed_in[0]} layers x {fixed_in[1]} units but "
                                        f"{state_out} is {fixed_out[0]} x {fixed_out[1]}")


def check_vocab_size(graph: OrtGraph, package: str, vocab_file: str, size: int,
                     key: str = contract.META_VOCAB_SIZE, scored: bool = True) -> None:
    """Raises ModelPackageError when the vocabulary size ``graph`` declares under ``key`` (or, when ``scored``, the
    width of its log_probs) is not ``size``, the number of tokens in ``vocab_file``."""
    where = f"model package {package}: {graph.path.name}"
    declared = graph.metadata.get(key)
    if declared is not None:
        try:
            number = int(declared)
        except ValueError:
            raise ModelPackageError(f"{where}: its {key} metadata is {declared!r}, not a number") from None
        if number != size:
            raise ModelPackageError(f"{where} was made for a vocabulary of {number:,} tokens, but {vocab_file} has "
                                    f"{size:,} (were files swapped?)")
    if scored:
        width = next((a.shape[-1] for a in graph.session.get_outputs() if a.name == contract.LOG_PROBS), None)
        if isinstance(width, int) and width != size:
            raise ModelPackageError(f"{where} scores {width:,} tokens, but {vocab_file} has {size:,}")
