"""The model package contract (version 1): the single source of names that export/ and the runtime share.

See docs/architecture.md, "The model package contract". Changing a value here changes the on-disk format, so
bump ``CONTRACT_VERSION`` when you do.
"""

from __future__ import annotations

CONTRACT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MODEL_CARD_NAME = "README.md"

# Package kinds.
KIND_CHAR_LM = "char_lm"
KIND_WORD_LM = "word_lm"
KIND_TRANSLATOR = "translator"
KINDS = (KIND_CHAR_LM, KIND_WORD_LM, KIND_TRANSLATOR)

# File roles in manifest["files"].
ROLE_MODEL = "model"  # the graph the runtime loads (int8 when it holds quality)
ROLE_VOCAB = "vocab"
ROLE_LEXICON = "lexicon"  # word_lm, optional: word<TAB>count of training-text words beyond the vocabulary (gzip)

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


# Translator package (kind "translator"): file roles.
ROLE_ENCODER = "encoder"  # encoder graph (int8 when it holds quality)
ROLE_DECODER = "decoder"  # one-step decoder graph
ROLE_SRC_VOCAB = "src_vocab"  # English tokenizer JSON (desktop/runtime/subword.py)
ROLE_TGT_VOCAB = "tgt_vocab"  # French tokenizer JSON (the same file when the vocabulary is joint)
ROLE_NAMES = "names"  # placeholders.NameLists JSON of a model trained with placeholders (optional)

# Translator graph I/O. Decoder state uses the language models' names: the encoder outputs H0 (and C0), the
# decoder's initial state; each decoder step reads H0 (C0) and returns HN (CN) for the next step.
SRC_IDS = "src_ids"  # int64 [batch, src_len]
SRC_MASK = "src_mask"  # bool [batch, src_len], True at real tokens, False at padding
ENCODER_OUTPUTS = "encoder_outputs"  # float32 [batch, src_len, hidden]
PREV_IDS = "prev_ids"  # int64 [batch, 1], the previous target token (BOS at the first step)
ATTENTION = "attention"  # float32 [batch, src_len], this step's attention weights (zero at padding)
# The decoder's LOG_PROBS is float32 [batch, vocab] (log-softmax over the target vocabulary).


def encoder_input_names() -> list[str]:
    """Input names of a translator's encoder graph."""
    return [SRC_IDS, SRC_MASK]


def encoder_output_names(cell: str) -> list[str]:
    """Output names of a translator's encoder graph for ``cell``: encoder outputs, then the initial state."""
    return [ENCODER_OUTPUTS, H0, C0] if cell == "lstm" else [ENCODER_OUTPUTS, H0]


def decoder_input_names(cell: str) -> list[str]:
    """Input names of a translator's one-step decoder graph for ``cell``."""
    state = [H0, C0] if cell == "lstm" else [H0]
    return [PREV_IDS, *state, ENCODER_OUTPUTS, SRC_MASK]


def decoder_output_names(cell: str) -> list[str]:
    """Output names of a translator's one-step decoder graph for ``cell``."""
    state = [HN, CN] if cell == "lstm" else [HN]
    return [LOG_PROBS, *state, ATTENTION]


# Element type and rank of every graph input and output, as ONNX Runtime reports them (the load-time check).
INT64, FLOAT, BOOL = "tensor(int64)", "tensor(float)", "tensor(bool)"
IOSpec = dict[str, tuple[str, int]]  # name -> (element type, rank)


def lm_io(cell: str) -> tuple[IOSpec, IOSpec]:
    """(inputs, outputs) of a language-model graph for ``cell``: name -> (element type, rank)."""
    state = {name: (FLOAT, 3) for name in lm_input_names(cell)[1:]}
    state_out = {name: (FLOAT, 3) for name in lm_output_names(cell)[1:]}
    return {INPUT_IDS: (INT64, 2), **state}, {LOG_PROBS: (FLOAT, 3), **state_out}


def encoder_io(cell: str) -> tuple[IOSpec, IOSpec]:
    """(inputs, outputs) of a translator's encoder graph for ``cell``."""
    return ({SRC_IDS: (INT64, 2), SRC_MASK: (BOOL, 2)},
            {ENCODER_OUTPUTS: (FLOAT, 3), **{name: (FLOAT, 3) for name in encoder_output_names(cell)[1:]}})


def decoder_io(cell: str) -> tuple[IOSpec, IOSpec]:
    """(inputs, outputs) of a translator's one-step decoder graph for ``cell``."""
    inputs = {PREV_IDS: (INT64, 2), ENCODER_OUTPUTS: (FLOAT, 3), SRC_MASK: (BOOL, 2)}
    inputs.update({name: (FLOAT, 3) for name in decoder_input_names(cell) if name in (H0, C0)})
    outputs = {LOG_PROBS: (FLOAT, 2), ATTENTION: (FLOAT, 2)}
    outputs.update({name: (FLOAT, 3) for name in decoder_output_names(cell) if name in (HN, CN)})
    return inputs, outputs


# Keys written into each ONNX file's metadata_props so a lone file describes itself.
META_CONTRACT = "folio.contract"
META_ID = "folio.id"
META_KIND = "folio.kind"
META_CELL = "folio.cell"
META_LAYERS = "folio.n_layer"
META_HIDDEN = "folio.n_hidden"
META_VOCAB_SIZE = "folio.vocab_size"
META_PRECISION = "folio.precision"
META_GRAPH = "folio.graph"  # translator graphs: "encoder" or "decoder"
META_SRC_VOCAB_SIZE = "folio.src_vocab_size"  # translator: source vocabulary (META_VOCAB_SIZE is the target's)
