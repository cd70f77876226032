"""Pretrained vectors for the translator's embeddings, in GloVe/word2vec text format or a compact ``.npz``.

Reading (:func:`read_vectors`, :func:`init_embedding`) needs nothing but numpy and torch. A text file has one
``token v1 v2 ... vD`` line per token; a word2vec header line ``count dim`` is skipped if present. An ``.npz``
holds ``tokens`` (a unicode array) and ``vectors`` ([n, dim], float16 or float32). The model's units are BPE
pieces, so the vectors must be for the same pieces: model/word_vectors.py trains them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn


def read_vectors(path: str | Path, wanted: set[str] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """Token -> float32 vector for the tokens of ``path`` (only those in ``wanted`` if given), and the
    dimension. Raises ValueError on ragged lines."""
    if Path(path).suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            tokens, matrix = data["tokens"].tolist(), data["vectors"].astype(np.float32)
        if matrix.ndim != 2 or len(tokens) != len(matrix):
            raise ValueError(f"{path}: {len(tokens)} tokens for a vectors array of shape {matrix.shape}")
        return {t: row for t, row in zip(tokens, matrix) if wanted is None or t in wanted}, matrix.shape[1]
    vectors: dict[str, np.ndarray] = {}
    dim = 0
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec header: "count dim"
            if len(parts) < 2:
                continue
            token, values = parts[0], parts[1:]
            if dim == 0:
                dim = len(values)
            elif len(values) != dim:
                raise ValueError(f"{path}:{number}: {len(values)} values, expected {dim}")
            if wanted is None or token in wanted:
                vectors[token] = np.asarray(values, dtype=np.float32)
    return vectors, dim


@torch.no_grad()
def init_embedding(embedding: nn.Embedding, tokens: list[str], path: str | Path) -> dict:
    """Copies the vectors of ``path`` into the rows of ``embedding`` whose token it has (rescaled to the
    embedding's initial standard deviation, so pretrained and random rows have one scale). Returns the
    coverage for the log and the model card."""
    vectors, dim = read_vectors(path, set(tokens))
    if vectors and dim != embedding.embedding_dim:
        raise ValueError(f"{path} has {dim}-dimensional vectors; the model's n_embd is {embedding.embedding_dim}")
    found = [i for i, t in enumerate(tokens) if t in vectors]
    if found:
        matrix = torch.from_numpy(np.stack([vectors[tokens[i]] for i in found]))
        scale = embedding.weight.std() / matrix.std().clamp(min=1e-8)
        embedding.weight[torch.tensor(found)] = matrix * scale
    return {"pretrained": str(path), "covered": len(found), "vocab": len(tokens),
            "coverage": round(len(found) / max(1, len(tokens)), 4)}
