"""Trains the English -> French translator (model/seq2seq.py) on the Tatoeba pairs.

    python -m model.train_translate model/configs/tatoeba_translate.toml [--key=value ...]
    python -m model.train_translate model/configs/tatoeba_translate.toml --dry_run=true   (seconds)
    torchrun --standalone --nproc_per_node=2 -m model.train_translate ... (DDP)

Teacher forcing with label smoothing; AdamW with linear warmup then cosine decay to ``min_lr`` at
``max_iters`` (or at ``epochs`` worth of batches, or at ``max_minutes`` of wall time, whichever comes
first: model/trainer.py's ``learning_rate``). Every ``eval_interval`` steps: the validation loss (nats per
target piece, no smoothing) and greedy BLEU on ``eval_bleu_sentences`` validation sentences (if sacrebleu is
installed); ``best.pt`` keeps the lowest validation loss, ``ckpt.pt`` the latest state (``--init_from=resume``
continues it mid-epoch). Metrics go to ``out_dir/log.jsonl``; the tokenizer to ``out_dir/tokenizer.json``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from desktop.runtime.placeholders import PLACEHOLDERS, learn_name_lists, mask_pair
from desktop.runtime.subword import SubwordTokenizer
from desktop.runtime.translation_text import french_typography, normalize_text
from model import config as configlib
from model.seq2seq import Seq2Seq, Seq2SeqConfig
from model.trainer import autocast, keep_checkpoints, learning_rate, save_checkpoint, start_process
from model.translation_data import (
    EncodedPairs,
    Splits,
    batch_order,
    encode_pairs,
    iterate_batches,
    make_batch,
    pad_batch,
    read_pairs,
    references_of,
    split_pairs,
)
from model.word_vectors import init_embedding


@dataclass
class TranslateTrainConfig:
    """Settings of a translator training run (TOML + ``--key=value``)."""

    data: str = "../shared/data/tatoeba-eng-fra/fra.txt"
    out_dir: str = "runs/translate"
    init_from: str = "scratch"  # "scratch" | "resume"
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
    # model
    cell: str = "lstm"  # "lstm" | "gru"
    n_layer: int = 2
    n_embd: int = 256
    n_hidden: int = 512
    dropout: float = 0.3
    tie_output: bool = True
    pretrained_src: str = ""  # GloVe/word2vec text file of piece vectors (see model/word_vectors.py)
    pretrained_tgt: str = ""  # the same for the target side (the embedding is shared: both fill one matrix)
    # optimisation
    batch_size: int = 64  # sentence pairs per step (per rank under DDP)
    epochs: float = 0.0  # > 0: max_iters = epochs x batches per epoch
    max_iters: int = 30000
    learning_rate: float = 2e-3
    min_lr: float = 1e-4
    warmup_iters: int = 300
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    label_smoothing: float = 0.1
    # evaluation, logging, budget
    eval_interval: int = 1000
    eval_bleu_sentences: int = 500  # greedy BLEU on this many validation sentences per evaluation; 0 = off
    max_minutes: float = 0.0  # stop (and checkpoint) after this much training time; 0 = no limit
    threads: int = 0  # torch intra-op threads; 0 = torch's default
    seed: int = 1337
    device: str = "auto"  # "auto" (CUDA when torch sees a GPU, else CPU) | "cpu" | "cuda" | "cuda:N"
    precision: str = "auto"  # "auto" (bf16 autocast on CUDA, fp32 on CPU) | "fp32" | "bf16"
    dry_run: bool = False

    def model_config(self, vocab_size: int) -> Seq2SeqConfig:
        return Seq2SeqConfig(vocab_size, vocab_size, self.cell, self.n_layer, self.n_embd, self.n_hidden,
                             self.dropout, share_embeddings=True, tie_output=self.tie_output)


def load_splits(cfg: TranslateTrainConfig) -> Splits:
    """Reads the pairs and makes the seeded split (``max_train_pairs`` trims the training split)."""
    splits = split_pairs(read_pairs(cfg.data), cfg.test_sentences, cfg.valid_sentences, cfg.split_seed)
    if cfg.max_train_pairs:
        splits.train = splits.train[: cfg.max_train_pairs]
    if cfg.placeholders:
        # The app tells names from translatable capitalised words with lists learnt from the unmasked train split.
        splits.names = learn_name_lists(splits.train).to_json()
        splits.train = [mask_pair(en, fr) for en, fr in splits.train]
        splits.valid = [mask_pair(en, fr) for en, fr in splits.valid]
    return splits


def load_or_train_tokenizer(cfg: TranslateTrainConfig, splits: Splits) -> SubwordTokenizer:
    """``cfg.tokenizer`` if given, else BPE learnt on both sides of the training split; saved to out_dir."""
    if cfg.tokenizer:
        tokenizer = SubwordTokenizer.load(Path(cfg.tokenizer))
    else:
        atomic = PLACEHOLDERS if cfg.placeholders else ()
        tokenizer = SubwordTokenizer.train((text for pair in splits.train for text in pair), cfg.vocab_size,
                                           atomic=atomic)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save(out / "tokenizer.json")
    return tokenizer


def load_model(path: str | Path, device: str = "cpu") -> tuple[Seq2Seq, SubwordTokenizer, dict]:
    """Loads a trained Seq2Seq, its tokenizer and the whole checkpoint dict."""
    ckpt = torch.load(path, map_location=device, weights_only=False)
    model = Seq2Seq(Seq2SeqConfig(**ckpt["model_args"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, SubwordTokenizer.from_json(ckpt["vocab"]), ckpt


def max_output_len(src_len: int) -> int:
    """The longest translation decoded for a source of ``src_len`` pieces (the runtime's rule too)."""
    return 2 * src_len + 10


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
                     batch_size: int = 64) -> list[str]:
    """PyTorch greedy translations (detokenized, French spacing) of English sentences."""
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
            outputs[i] = french_typography(tokenizer.decode(out))
    model.train()
    return outputs


def greedy_bleu(model: Seq2Seq, tokenizer: SubwordTokenizer, references: dict[str, list[str]], device: str
                ) -> float | None:
    """Corpus BLEU of greedy translations against all references (None without sacrebleu)."""
    try:
        import sacrebleu
    except ImportError:
        return None
    sources = list(references)
    hyps = [normalize_text(h) for h in greedy_translate(model, tokenizer, sources, device)]
    n_refs = max(len(r) for r in references.values())
    streams = [[normalize_text(references[s][k]) if k < len(references[s]) else None for s in sources]
               for k in range(n_refs)]
    return round(sacrebleu.corpus_bleu(hyps, streams).score, 2)


def train_translate(cfg: TranslateTrainConfig) -> dict:
    """Runs training as ``cfg`` says; returns the final progress record."""
    cfg, ddp, rank, world = start_process(cfg)
    master = rank == 0
    if cfg.dry_run:
        cfg = dataclasses.replace(cfg, max_iters=min(cfg.max_iters, 4), epochs=0.0, eval_interval=2,
                                  warmup_iters=1, max_train_pairs=min(cfg.max_train_pairs or 2000, 2000),
                                  vocab_size=min(cfg.vocab_size, 1000),
                                  eval_bleu_sentences=min(cfg.eval_bleu_sentences, 8))
    if cfg.init_from not in ("scratch", "resume"):
        raise ValueError(f"init_from must be 'scratch' or 'resume', not {cfg.init_from!r}")
    torch.manual_seed(cfg.seed)
    out_dir = Path(cfg.out_dir)
    ckpt_path, best_path, log_path = out_dir / "ckpt.pt", out_dir / "best.pt", out_dir / "log.jsonl"

    started_loading = time.time()
    splits = load_splits(cfg)
    resume = torch.load(ckpt_path, map_location=cfg.device, weights_only=False) if cfg.init_from == "resume" else None
    if resume is not None:
        tokenizer = SubwordTokenizer.from_json(resume["vocab"])
    elif master:
        tokenizer = load_or_train_tokenizer(cfg, splits)
    if ddp and resume is None:
        dist.barrier()  # rank 0 has written the tokenizer
        if not master:
            tokenizer = SubwordTokenizer.load(out_dir / "tokenizer.json")
    train_data = encode_pairs(splits.train, tokenizer, tokenizer, cfg.max_tokens)
    valid_data = encode_pairs(splits.valid, tokenizer, tokenizer, cfg.max_tokens)
    valid_refs = references_of(splits.valid)
    if cfg.dry_run:
        valid_data = EncodedPairs(valid_data.src[:64], valid_data.tgt[:64])
    bleu_refs = dict(list(valid_refs.items())[: cfg.eval_bleu_sentences])

    model = Seq2Seq(cfg.model_config(len(tokenizer))).to(cfg.device)
    pretrained = []
    for path in (cfg.pretrained_src, cfg.pretrained_tgt):
        if path and resume is None:
            pretrained.append(init_embedding(model.tgt_embed, tokenizer.tokens, path))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    per_rank = len(batch_order(train_data, cfg.batch_size, 0, cfg.seed)) // world
    if cfg.epochs:
        cfg = dataclasses.replace(cfg, max_iters=max(1, math.ceil(cfg.epochs * per_rank)))
    progress = {"step": 0, "epoch": 0, "batch": 0, "best_val": float("inf"), "train_seconds": 0.0,
                "target_tokens": 0}
    if resume is not None:
        model.load_state_dict(resume["model"])
        optimizer.load_state_dict(resume["optimizer"])
        progress = {k: resume.get(k, v) for k, v in progress.items()}
        if master:
            print(f"resumed from {ckpt_path} at step {progress['step']}")
    net = DistributedDataParallel(model) if ddp else model
    if master:
        dropped = len(splits.train) - len(train_data)
        print(f"{cfg.cell} {cfg.n_layer}x{cfg.n_hidden}, embd {cfg.n_embd}, vocab {len(tokenizer)}: "
              f"{model.num_params():,} parameters; {len(train_data):,} training pairs ({dropped} over "
              f"{cfg.max_tokens} pieces dropped), {per_rank:,} batches/epoch/rank, {cfg.max_iters:,} steps; "
              f"data ready in {time.time() - started_loading:.1f}s")
        for record in pretrained:
            print(f"pretrained embedding: {record}")

    def checkpoint(path: Path) -> None:
        save_checkpoint(path, model, optimizer, tokenizer, cfg, pretrained=pretrained, split=splits.describe(),
                        names=splits.names, **progress)

    log = log_path.open("a") if master else None
    bar = tqdm(total=cfg.max_iters, initial=progress["step"], disable=not master, dynamic_ncols=True)
    started = time.time() - progress["train_seconds"]
    model.train()
    stop = progress["step"] >= cfg.max_iters
    while not stop:
        order = batch_order(train_data, cfg.batch_size, progress["epoch"], cfg.seed)
        mine = order[rank::world][:per_rank]
        for i, indices in enumerate(mine):
            if i < progress["batch"]:
                continue  # resuming mid-epoch
            step = progress["step"]
            lr = learning_rate(step, cfg, time.time() - started)
            for group in optimizer.param_groups:
                group["lr"] = lr
            batch = make_batch(train_data, indices, tokenizer.pad_id).to(cfg.device)
            with autocast(cfg):
                loss, nll = net(batch.src, batch.src_mask, batch.tgt_in, batch.tgt_out, cfg.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            progress.update(step=step + 1, batch=i + 1, train_seconds=time.time() - started,
                            target_tokens=progress["target_tokens"] + batch.n_tokens * world)
            bar.update(1)
            record = {"step": step + 1, "epoch": round(progress["epoch"] + (i + 1) / per_rank, 3),
                      "train_loss": round(loss.item(), 4), "train_nll": round(nll.item(), 4), "lr": lr,
                      "seconds": round(progress["train_seconds"], 1)}
            out_of_time = cfg.max_minutes and progress["train_seconds"] > cfg.max_minutes * 60
            done = progress["step"] >= cfg.max_iters or bool(out_of_time)
            if master and (progress["step"] % cfg.eval_interval == 0 or done):
                val = evaluate_loss(model, valid_data, cfg.device)
                record["val_loss"] = round(val, 4)
                record["seconds_per_epoch"] = round(progress["train_seconds"] / progress["step"] * per_rank, 1)
                if bleu_refs:
                    record["val_bleu_greedy"] = greedy_bleu(model, tokenizer, bleu_refs, cfg.device)
                keep_checkpoints(progress, val, checkpoint, best_path, ckpt_path)
                bar.set_postfix(train=f"{nll.item():.3f}", val=f"{val:.3f}", bleu=record.get("val_bleu_greedy"))
            if master and (progress["step"] % 10 == 0 or "val_loss" in record):
                log.write(json.dumps(record) + "\n")
                log.flush()
            if done:
                stop = True
                break
        else:
            progress.update(epoch=progress["epoch"] + 1, batch=0)
    bar.close()
    if master:
        log.close()
        summary = {k: progress[k] for k in ("step", "epoch", "best_val", "train_seconds", "target_tokens")}
        summary["seconds_per_epoch"] = round(progress["train_seconds"] / max(1, progress["step"]) * per_rank, 1)
        print(json.dumps(summary))
    if ddp:
        dist.destroy_process_group()
    return progress


def main(argv: list[str] | None = None) -> int:
    try:
        cfg = configlib.parse_args(TranslateTrainConfig(), sys.argv[1:] if argv is None else argv)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    train_translate(cfg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
