"""Trains the English -> French translator (model/seq2seq.py) on the Tatoeba pairs.

    python -m model.train_translate model/configs/tatoeba_translate.toml [--key=value ...]
    python -m model.train_translate model/configs/tatoeba_translate.toml --dry_run=true   (seconds)
    torchrun --standalone --nproc_per_node=2 -m model.train_translate ... (DDP)

``--direction=fr-en`` trains the reverse model on the same pairs and split (for back-translation,
model/back_translate.py); ``--synthetic=pairs.tsv`` mixes synthetic pairs into the training split (at most
``synthetic_ratio`` of them per real pair), their sources opening with the tag piece ``BT_TAG`` when
``--bt_tag=true`` (the tokenizer learnt then carries it); validation and test sentences are never among them.

Teacher forcing with label smoothing, in model/trainer.py's shared loop: AdamW with linear warmup then cosine
decay to ``min_lr`` at ``max_iters`` (or at ``epochs`` worth of batches, or at ``max_minutes`` of wall time,
whichever comes first). Every ``eval_interval`` steps: the validation loss (nats per target piece, no
smoothing) and greedy BLEU on ``eval_bleu_sentences`` validation sentences (if sacrebleu is installed);
``best.pt`` keeps the lowest validation loss, ``ckpt.pt`` the latest state (``--init_from=resume`` continues
it mid-epoch). Metrics go to ``out_dir/log.jsonl``; the tokenizer to ``out_dir/tokenizer.json``.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from desktop.runtime.placeholders import mask_pair
from desktop.runtime.subword import SubwordTokenizer
from desktop.runtime.translation_text import french_typography, normalize_text
from desktop.runtime.translator import max_output_len
from model import config as configlib
from model.pretrained import init_embedding
from model.seq2seq import Seq2Seq, Seq2SeqConfig
from model.trainer import Process, TrainConfig, TrainTask, train
from model.translation_data import (
    BT_TAG,
    EncodedPairs,
    Pair,
    Splits,
    batch_order,
    encode_pairs,
    iterate_batches,
    load_or_train_tokenizer,
    load_splits,
    make_batch,
    pad_batch,
    read_synthetic,
    references_of,
)


@dataclass
class TranslateTrainConfig(TrainConfig):
    """Settings of a translator training run: the shared ones, the split, the tokenizer and the model's."""

    data: str = "../shared/data/tatoeba-eng-fra/fra.txt"
    out_dir: str = "runs/translate"
    # data and split (the split is part of the model: export and evaluation read it from the checkpoint)
    split_seed: int = 1234
    test_sentences: int = 3000
    valid_sentences: int = 2000
    max_tokens: int = 64  # training pairs with more pieces on either side are dropped
    max_train_pairs: int = 0  # > 0: train on the first N training pairs only (tiny runs)
    # tokenizer: one joint English+French BPE vocabulary
    tokenizer: str = ""  # an existing tokenizer JSON; "" = learn one on the training split
    vocab_size: int = 8000
    # Numbers and names as placeholders (desktop/runtime/placeholders.py): training and validation pairs are
    # masked, the tokenizer keeps the placeholders whole, and the name lists go into the checkpoint.
    placeholders: bool = False
    direction: str = "en-fr"  # "fr-en": the same pairs and split turned round (the back-translation model)
    # Back-translation: synthetic English-French pairs (model/back_translate.py) mixed into the training split,
    # at most synthetic_ratio of them per real pair; with bt_tag their sources start with the tag piece (the
    # tokenizer learnt here then carries it; a given --tokenizer must have it).
    bt_tag: bool = False
    synthetic: str = ""
    synthetic_ratio: float = 1.0
    # model ("lstm" | "gru"; the architecture's defaults are the model's own)
    n_embd: int = Seq2SeqConfig.n_embd
    dropout: float = Seq2SeqConfig.dropout
    tie_output: bool = Seq2SeqConfig.tie_output
    pretrained_src: str = ""  # GloVe/word2vec text file of piece vectors (model/word_vectors.py makes them)
    pretrained_tgt: str = ""  # the same for the target side (the embedding is shared: both fill one matrix)
    # optimisation: batch_size is sentence pairs per step (per rank under DDP)
    epochs: float = 0.0  # > 0: max_iters = epochs x batches per epoch
    max_iters: int = 30000
    warmup_iters: int = 300
    label_smoothing: float = 0.1
    # evaluation
    eval_interval: int = 1000
    eval_bleu_sentences: int = 500  # greedy BLEU on this many validation sentences per evaluation; 0 = off

    def model_config(self, vocab_size: int) -> Seq2SeqConfig:
        """The model's configuration for one joint vocabulary of ``vocab_size`` pieces."""
        return Seq2SeqConfig(src_vocab_size=vocab_size, tgt_vocab_size=vocab_size, share_embeddings=True,
                             tie_output=self.tie_output, **self.rnn_args())

    def shrunk(self) -> TranslateTrainConfig:
        """A dry run's settings: few steps, few pairs, a small vocabulary, BLEU on a few sentences."""
        return dataclasses.replace(super().shrunk(), epochs=0.0, vocab_size=min(self.vocab_size, 1000),
                                   max_train_pairs=min(self.max_train_pairs or 2000, 2000),
                                   eval_bleu_sentences=min(self.eval_bleu_sentences, 8))

    def splits(self) -> Splits:
        """The seeded split these settings describe (masked with ``placeholders``)."""
        return load_splits(self.data, self.test_sentences, self.valid_sentences, self.split_seed,
                           self.max_train_pairs, self.placeholders, self.direction)

    def make_tokenizer(self, splits: Splits) -> SubwordTokenizer:
        """``tokenizer`` if given, else BPE learnt on the training split; saved to ``out_dir/tokenizer.json``."""
        return load_or_train_tokenizer(splits, self.out_dir, self.tokenizer, self.vocab_size, self.placeholders,
                                       self.bt_tag)

    def training_pairs(self, splits: Splits, tokenizer: SubwordTokenizer) -> list[Pair]:
        """The real training pairs, then the synthetic ones of ``synthetic`` (masked like the real ones, tagged
        with ``bt_tag``); records what was mixed in ``splits.synthetic_note`` for the model card."""
        if not self.synthetic:
            return splits.train
        if self.direction != "en-fr":
            raise ValueError("synthetic pairs are English-French: train them with --direction=en-fr")
        if self.bt_tag and BT_TAG not in tokenizer.tokens:
            raise ValueError(f"--bt_tag=true, but the tokenizer has no {BT_TAG} piece: learn one with --bt_tag=true "
                             f"(python -m model.word_vectors ... --bt_tag=true writes it)")
        limit = max(1, round(self.synthetic_ratio * len(splits.train)))
        synthetic = read_synthetic(self.synthetic, splits, limit, self.seed)
        if self.placeholders:
            synthetic = [mask_pair(en, fr) for en, fr in synthetic]
        if self.bt_tag:
            synthetic = [(f"{BT_TAG} {en}", fr) for en, fr in synthetic]
        splits.synthetic = synthetic
        splits.synthetic_note = (f"plus {len(synthetic):,} synthetic pairs back-translated from French "
                                 f"({Path(self.synthetic).name}{', tagged ' + BT_TAG if self.bt_tag else ''})")
        return splits.train + synthetic


@torch.no_grad()
def evaluate_loss(model: Seq2Seq, data: EncodedPairs, device: str, batch_size: int = 128) -> float:
    """Mean validation NLL (nats per target piece, no label smoothing)."""
    model.eval()
    total, count = 0.0, 0
    for batch in iterate_batches(data, batch_size):
        batch = batch.to(device)
        _, nll = model(batch.src, batch.src_mask, batch.tgt_in, batch.tgt_out)
        total += nll.item() * batch.n_tokens
        count += batch.n_tokens
    model.train()
    return total / max(1, count)


@torch.no_grad()
def greedy_translate(model: Seq2Seq, tokenizer: SubwordTokenizer, sentences: list[str], device: str,
                     batch_size: int = 64, french: bool = True) -> list[str]:
    """PyTorch greedy translations (detokenized; French spacing unless ``french`` is False) of sentences."""
    model.eval()
    outputs = [""] * len(sentences)
    ids = tokenizer.encode_ids(sentences)
    order = sorted(range(len(sentences)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        chunk = [i for i in order[start : start + batch_size] if ids[i]]
        if not chunk:
            continue
        src = pad_batch([ids[i] for i in chunk], tokenizer.pad_id).to(device)
        max_len = max_output_len(src.size(1))
        for i, out in zip(chunk, model.greedy(src, src != tokenizer.pad_id, tokenizer.bos_id, tokenizer.eos_id,
                                                max_len)):
            text = tokenizer.decode(out)
            outputs[i] = french_typography(text) if french else text
    model.train()
    return outputs


def greedy_bleu(model: Seq2Seq, tokenizer: SubwordTokenizer, references: dict[str, list[str]], device: str,
                french: bool = True) -> float | None:
    """Corpus BLEU of greedy translations against all references (None without sacrebleu)."""
    try:
        import sacrebleu
    except ImportError:
        return None
    sources = list(references)
    hyps = [normalize_text(h) for h in greedy_translate(model, tokenizer, sources, device, french=french)]
    n_refs = max(len(r) for r in references.values())
    streams = [[normalize_text(references[s][k]) if k < len(references[s]) else None for s in sources]
               for k in range(n_refs)]
    return round(sacrebleu.corpus_bleu(hyps, streams).score, 2)


class TranslateTask(TrainTask):
    """Teacher forcing on batches of pairs of similar length (model/translation_data.py's ``batch_order``);
    under DDP each rank takes every ``world``-th batch, all ranks as many."""

    def __init__(self, cfg: TranslateTrainConfig, process: Process, resume: dict | None):
        started = time.time()
        self.process, self.splits = process, cfg.splits()
        self.vocab = tokenizer = self._tokenizer(cfg, resume)
        self.train_data = encode_pairs(cfg.training_pairs(self.splits, tokenizer), tokenizer, tokenizer,
                                       cfg.max_tokens)
        self.valid_data = encode_pairs(self.splits.valid, tokenizer, tokenizer, cfg.max_tokens)
        if cfg.dry_run:
            self.valid_data = EncodedPairs(self.valid_data.src[:64], self.valid_data.tgt[:64])
        self.bleu_refs = dict(list(references_of(self.splits.valid).items())[: cfg.eval_bleu_sentences])
        self.model = Seq2Seq(cfg.model_config(len(tokenizer))).to(cfg.device)
        self.pretrained = [] if resume is not None else [
            init_embedding(self.model.tgt_embed, tokenizer.tokens, path)
            for path in (cfg.pretrained_src, cfg.pretrained_tgt) if path]
        self.batches_per_epoch = len(batch_order(self.train_data, cfg.batch_size, 0, cfg.seed)) // process.world
        if cfg.epochs:
            cfg = dataclasses.replace(cfg, max_iters=max(1, math.ceil(cfg.epochs * self.batches_per_epoch)))
        self.cfg = cfg
        self.loading_seconds = time.time() - started

    def _tokenizer(self, cfg: TranslateTrainConfig, resume: dict | None) -> SubwordTokenizer:
        """The resumed run's tokenizer, or the one rank 0 loads or learns (the other ranks read its file)."""
        if resume is not None:
            return SubwordTokenizer.from_json(resume["vocab"])
        tokenizer = cfg.make_tokenizer(self.splits) if self.process.master else None
        if self.process.ddp:
            dist.barrier()  # rank 0 has written the tokenizer
            if not self.process.master:
                tokenizer = SubwordTokenizer.load(Path(cfg.out_dir) / "tokenizer.json")
        return tokenizer

    def batches(self, epoch: int) -> list[list[int]]:
        order = batch_order(self.train_data, self.cfg.batch_size, epoch, self.cfg.seed)
        return order[self.process.rank :: self.process.world][: self.batches_per_epoch]

    def loss(self, net: nn.Module, batch: list[int]) -> tuple[torch.Tensor, int, dict]:
        pairs = make_batch(self.train_data, batch, self.vocab.pad_id).to(self.cfg.device)
        loss, nll = net(pairs.src, pairs.src_mask, pairs.tgt_in, pairs.tgt_out, self.cfg.label_smoothing)
        return loss, pairs.n_tokens, {"train_nll": round(nll.item(), 4)}

    def evaluate(self, model: nn.Module) -> float:
        return evaluate_loss(model, self.valid_data, self.cfg.device)

    def eval_fields(self, model: nn.Module) -> dict:
        if not self.bleu_refs:
            return {}
        french = self.cfg.direction == "en-fr"
        return {"val_bleu_greedy": greedy_bleu(model, self.vocab, self.bleu_refs, self.cfg.device, french)}

    def checkpoint_fields(self) -> dict:
        return {"pretrained": self.pretrained, "split": self.splits.describe(), "names": self.splits.names}

    def describe(self) -> str:
        cfg = self.cfg
        dropped = len(self.splits.train) + len(self.splits.synthetic) - len(self.train_data)
        lines = [f"{cfg.cell} {cfg.n_layer}x{cfg.n_hidden}, embd {cfg.n_embd}, vocab {len(self.vocab)}: "
                 f"{self.model.num_params():,} parameters; {len(self.train_data):,} training pairs ({dropped} over "
                 f"{cfg.max_tokens} pieces dropped), {self.batches_per_epoch:,} batches/epoch/rank, "
                 f"{cfg.max_iters:,} steps; data ready in {self.loading_seconds:.1f}s"]
        lines += [f"{cfg.direction}; {self.splits.synthetic_note}"] if self.splits.synthetic_note else []
        return "\n".join(lines + [f"pretrained embedding: {record}" for record in self.pretrained])


def train_translate(cfg: TranslateTrainConfig) -> dict:
    """Runs training as ``cfg`` says; returns the final progress record."""
    return train(cfg, TranslateTask)


def main(argv: list[str] | None = None) -> int:
    return configlib.run(TranslateTrainConfig(), train_translate, argv)


if __name__ == "__main__":
    raise SystemExit(main())
