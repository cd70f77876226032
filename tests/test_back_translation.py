"""The translator's two data levers of issue 13: piece vectors trained on monolingual text as well as the pairs
(model/word_vectors.py, read by model/pretrained.py), and back-translation (train_translate --direction=fr-en,
model/back_translate.py, synthetic pairs mixed into training with a tag)."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import pytest
import torch

from model import back_translate, word_vectors
from model.checkpoint import load_checkpoint
from model.pretrained import init_embedding, read_vectors
from model.seq2seq import Seq2Seq, Seq2SeqConfig
from model.train_translate import TranslateTask, TranslateTrainConfig, train_translate
from model.trainer import Process
from model.translation_data import BT_TAG, english_key

PAIRS = [("Tom lives in Boston.", "Tom vit à Boston."), ("Mary was born in 1914.", "Mary est née en 1914."),
         ("I have three cats.", "J'ai trois chats."), ("Where is the station?", "Où est la gare ?"),
         ("The weather is nice today.", "Il fait beau aujourd'hui."),
         ("Do you speak French?", "Parlez-vous français ?")]


def _pairs(n: int = 60) -> list[tuple[str, str]]:
    return [(f"Sentence number {i} is here.", f"La phrase {i} est là.") for i in range(n)] + PAIRS


def _config(tmp_path: Path, **overrides) -> TranslateTrainConfig:
    data = tmp_path / "fra.txt"
    data.write_text("".join(f"{en}\t{fr}\n" for en, fr in _pairs()), encoding="utf-8")
    values = dict(data=str(data), out_dir=str(tmp_path / "run"), test_sentences=5, valid_sentences=5, vocab_size=200,
                  cell="gru", n_layer=1, n_embd=16, n_hidden=32, dropout=0.0, batch_size=8, max_iters=4,
                  eval_interval=4, eval_bleu_sentences=0, warmup_iters=1, threads=1, placeholders=True,
                  device="cpu")
    values.update(overrides)
    return TranslateTrainConfig(**values)


def _args(cfg: TranslateTrainConfig) -> list[str]:
    keys = ("data", "out_dir", "test_sentences", "valid_sentences", "vocab_size", "n_embd", "placeholders", "bt_tag")
    return [f"--{k}={getattr(cfg, k)}" for k in keys]


# --- piece vectors --------------------------------------------------------------------------------------


def test_piece_vectors_learn_from_monolingual_text_into_a_compact_file(tmp_path: Path):
    cfg = _config(tmp_path, bt_tag=True)
    french = tmp_path / "fr.txt.xz"
    with lzma.open(french, "wt", encoding="utf-8") as f:
        f.write("= Un titre =\n" + "Le livre coûte cinq € aujourd'hui.\n" * 40)
    english = tmp_path / "en.txt"
    english.write_text("The book costs five £ today.\n" * 40, encoding="utf-8")
    alone, mixed = tmp_path / "alone.npz", tmp_path / "mixed.npz"
    assert word_vectors.main([*_args(cfg), f"--vectors_out={alone}", "--vectors_epochs=1"]) == 0
    assert word_vectors.main([*_args(cfg), f"--vectors_out={mixed}", "--vectors_epochs=1", f"--mono_fr={french}",
                              f"--mono_en={english}", "--mono_words=1000", "--mono_every=1"]) == 0
    with np.load(mixed) as data:
        assert data["vectors"].dtype == np.float16 and data["vectors"].shape[1] == 16
        info = json.loads(str(data["info"]))
    assert info["mono_fr_pieces"] > 0 and info["mono_en_pieces"] > 0
    tokenizer_tokens = json.loads((Path(cfg.out_dir) / "tokenizer.json").read_text(encoding="utf-8"))["tokens"]
    assert BT_TAG in tokenizer_tokens
    only_alone, _ = read_vectors(alone)
    from_mixed, dim = read_vectors(mixed)
    assert dim == 16 and "€" in from_mixed and "£" in from_mixed  # pieces only the monolingual text has
    assert "€" not in only_alone and "£" not in only_alone
    sample = list(word_vectors.sample_lines([french, english], max_words=60, every=2))
    assert sample[0].startswith("Le livre") and len(sample) == 2 * 5  # titles skipped, 30 words a file, every 2nd


def test_an_npz_vectors_file_initializes_the_embedding(tmp_path: Path):
    path = tmp_path / "v.npz"
    word_vectors.write_vectors(path, ["\u2581Tom", "\u2581Boston"], np.array([[1, 2, 3, 4], [-1, 0, 1, 0]], float))
    emb = torch.nn.Embedding(4, 4)
    coverage = init_embedding(emb, ["<pad>", "<unk>", "\u2581Tom", "\u2581Paris"], path)
    assert coverage["covered"] == 1
    w = emb.weight.detach()[2]
    assert torch.allclose(w / w.norm(), torch.tensor([1.0, 2, 3, 4]) / torch.tensor([1.0, 2, 3, 4]).norm(), atol=1e-3)


# --- the reverse direction --------------------------------------------------------------------------------


def test_the_reverse_model_trains_on_the_same_split_turned_round(tmp_path: Path):
    forward, reverse = _config(tmp_path).splits(), _config(tmp_path, direction="fr-en").splits()
    assert reverse.train == [(fr, en) for en, fr in forward.train]
    assert reverse.valid == [(fr, en) for en, fr in forward.valid]
    assert "Sentence" not in str(reverse.names["lowercase"]) and "phrase" in reverse.names["lowercase"]
    train_translate(_config(tmp_path, direction="fr-en", eval_bleu_sentences=2))
    _, _, ckpt = load_checkpoint(Path(tmp_path / "run" / "best.pt"))
    assert ckpt["config"]["direction"] == "fr-en" and "fr-en" in ckpt["split"]
    with pytest.raises(ValueError, match="direction"):
        _config(tmp_path, direction="de-en").splits()


# --- back-translation -------------------------------------------------------------------------------------


def test_batched_greedy_decoding_matches_the_models_own():
    torch.manual_seed(0)
    model = Seq2Seq(Seq2SeqConfig(50, 50, cell="lstm", n_layer=2, n_embd=8, n_hidden=16, dropout=0.0)).eval()
    src = torch.randint(4, 50, (5, 7))
    src[1, 4:] = 0
    mask = src != 0
    assert back_translate.greedy_ids(model, src, mask, 2, 3, 12, check_every=3) == model.greedy(src, mask, 2, 3, 12)


def test_back_translation_writes_synthetic_pairs_and_refuses_a_forward_model(tmp_path: Path, capsys):
    train_translate(_config(tmp_path, direction="fr-en", max_iters=30, eval_interval=30, learning_rate=0.02))
    ckpt = tmp_path / "run" / "best.pt"
    french = tmp_path / "fr.txt"
    lines = [f"La phrase {i} est là." for i in range(70, 90)] + ["Trop court.", "Il fait beau aujourd'hui."]
    french.write_text("= Titre =\n" + "\n".join(lines) + "\n", encoding="utf-8")
    held_out = tmp_path / "dev.tsv"
    held_out.write_text("The weather is nice today.\tIl fait beau aujourd'hui.\n", encoding="utf-8")
    out = tmp_path / "bt.tsv"
    assert back_translate.main([str(ckpt), str(french), "--out", str(out), "--exclude", str(held_out),
                                "--batch", "8", "--device", "cpu", "--max-ratio", "100"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["sentences"] == 20  # the title, the two-word line and the held-out sentence are not read
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == summary["kept"] and all(len(r) == 2 and r[1] in lines for r in rows)
    assert all("\u27e6" not in en for en, _ in rows)  # placeholders filled back
    train_translate(_config(tmp_path, out_dir=str(tmp_path / "forward")))
    assert back_translate.main([str(tmp_path / "forward" / "best.pt"), str(french), "--out", str(out)]) == 2


def test_placeholders_are_filled_from_the_slots_or_the_output_is_dropped():
    slots = {"\u27e6N1\u27e7": "12", "\u27e6P1\u27e7": "Anna"}
    assert back_translate.fill("\u27e6P1\u27e7 has \u27e6N1\u27e7 cats.", slots) == "Anna has 12 cats."
    assert back_translate.fill("She has \u27e6N1\u27e7 cats.", slots) is None
    assert back_translate.fill("\u27e6P1\u27e7 has \u27e6N2\u27e7 cats.", slots) is None
    assert not back_translate.keep("the the the the", "le chat dort", 2.0)
    assert not back_translate.keep("Bonjour.", "Bonjour.", 2.0)
    assert back_translate.keep("The cat sleeps.", "Le chat dort.", 2.0)


def _task(cfg: TranslateTrainConfig) -> TranslateTask:
    return TranslateTask(cfg, Process(), None)


def test_synthetic_pairs_are_mixed_in_tagged_capped_and_never_held_out(tmp_path: Path):
    cfg = _config(tmp_path, bt_tag=True)
    splits = cfg.splits()
    held_en, held_fr = splits.test[0][0], splits.test[-1][1]
    synthetic = tmp_path / "bt.tsv"
    rows = [(f"Synthetic sentence {chr(97 + i)}.", f"Phrase synthétique {chr(97 + i)}.") for i in range(10)]
    rows += [(held_en, "Une phrase."), ("Some sentence.", held_fr)]
    synthetic.write_text("".join(f"{en}\t{fr}\n" for en, fr in rows), encoding="utf-8")
    real = len(_task(cfg).train_data)
    task = _task(_config(tmp_path, bt_tag=True, synthetic=str(synthetic)))
    assert len(task.train_data) == real + 10  # the two pairs holding a held-out sentence are left out
    tag = task.vocab.tokens.index(BT_TAG)
    sources = task.train_data.src
    assert sum(src[0] == tag for src in sources) == 10 and all(tag not in src[1:] for src in sources)
    assert "10 synthetic pairs" in task.splits.describe()
    assert english_key(held_en) in task.splits.held_out and english_key(held_fr) in task.splits.held_out
    capped = _task(_config(tmp_path, bt_tag=True, synthetic=str(synthetic), synthetic_ratio=0.05))
    limit = max(1, round(0.05 * len(splits.train)))
    assert len(capped.train_data) == real + limit
    assert [fr for _, fr in capped.splits.synthetic] != [fr for _, fr in rows[:limit]]  # a sample, not the first
    untagged = _task(_config(tmp_path, synthetic=str(synthetic)))
    assert len(untagged.train_data) == real + 10 and BT_TAG not in untagged.vocab.tokens
    with pytest.raises(ValueError, match="tag"):
        _task(_config(tmp_path, bt_tag=True, synthetic=str(synthetic),
                      tokenizer=str(tmp_path / "run" / "tokenizer.json")))
