"""The model package contract (version 1): the single source of names that export/ and the runtime share.

See DESIGN.md, "The model package contract". Changing a value here changes the on-disk format, so bump
``CONTRACT_VERSION`` when you do.
"""

from __future__ import annotations

CONTRACT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MODEL_CARD_NAME = "README.md"

# Package kinds and recurrent cells.
KIND_CHAR_LM = "char_lm"
KIND_WORD_LM = "word_lm"
KIND_TRANSLATOR = "translator"
KINDS = (KIND_CHAR_LM, KIND_WORD_LM, KIND_TRANSLATOR)
CELLS = ("lstm", "gru", "rnn")

# File roles in manifest["files"].
ROLE_MODEL = "model"  # the graph the runtime loads (int8 when it holds quality)
ROLE_VOCAB = "vocab"

# Language-model graph I/O.
INPUT_IDS = "input_ids"  # int64 [batch, seq]
H0 = "h0"  # float32 [layers, batch, hidden]
C0 = "c0"  # float32 [layers, batch, hidden], LSTM only
LOG_PROBS = "log_probs"  # float32 [batch, seq, vocab], log-softmax
HN = "hn"
CN = "cn"


def lm_input_names(cell: str) -> list[str]:
    """Input names of a language-model graph for ``cell``."""
    return [INPUT_IDS, H0, C0] if cell == "lstm" else [INPUT_IDS, H0]


def lm_output_names(cell: str) -> list[str]:
    """Output names of a language-model graph for ``cell``."""
    return [LOG_PROBS, HN, CN] if cell == "lstm" else [LOG_PROBS, HN]


# Keys written into each ONNX file's metadata_props so a lone file describes itself.
META_CONTRACT = "folio.contract"
META_ID = "folio.id"
META_KIND = "folio.kind"
META_CELL = "folio.cell"
META_LAYERS = "folio.n_layer"
META_HIDDEN = "folio.n_hidden"
META_VOCAB_SIZE = "folio.vocab_size"
META_PRECISION = "folio.precision"
