"""Model code: shapes, learning, checkpoints, configuration, data layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from model import config as configlib
from model.char_rnn import CharRNN, CharRNNConfig
from model.checkpoint import load_checkpoint
from model.data import split_text, stream_chunks, to_streams
from model.train_char import CharTrainConfig, train_char
from model.trainer import keep_checkpoints, learning_rate


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_forward_shapes_and_state(cell: str):
    model = CharRNN(CharRNNConfig(vocab_size=11, cell=cell, n_layer=2, n_embd=4, n_hidden=8))
    idx = torch.randint(0, 11, (3, 5))
    logits, state, loss = model(idx, targets=idx)
    assert logits.shape == (3, 5, 11)
    assert len(state) == (2 if cell == "lstm" else 1)
    assert all(s.shape == (2, 3, 8) for s in state)
    assert loss.ndim == 0
    # Feeding the sequence in two halves with the state carried gives the same output as one pass.
    model.eval()
    full, _, _ = model(idx)
    first, mid, _ = model(idx[:, :2])
    second, _, _ = model(idx[:, 2:], mid)
    torch.testing.assert_close(torch.cat([first, second], 1), full)


def test_unknown_cell_is_refused():
    with pytest.raises(ValueError, match="cell must be one of"):
        CharRNN(CharRNNConfig(cell="transformer"))


def test_loss_falls_when_overfitting_one_batch():
    torch.manual_seed(0)
    model = CharRNN(CharRNNConfig(vocab_size=13, n_layer=1, n_embd=8, n_hidden=32, dropout=0.0))
    batch = torch.randint(0, 13, (4, 24))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(60):
        _, _, loss = model(batch[:, :-1], targets=batch[:, 1:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]


def test_streams_are_contiguous_rows_and_chunks_shift_by_one():
    ids = np.arange(103)
    streams = to_streams(ids, 4)
    assert streams.shape == (4, 25)
    assert streams[1, 0] == 25
    chunks = list(stream_chunks(streams, 10))
    assert [x.shape[1] for x, _ in chunks] == [10, 10, 4]
    for x, y in chunks:
        np.testing.assert_array_equal(y, x + 1)
    with pytest.raises(ValueError, match="too few"):
        to_streams(np.arange(3), 4)


def test_split_is_nanogpt_90_10_by_characters():
    train_text, val_text = split_text("abcdefghij" * 10)
    assert len(train_text) == 90 and train_text + val_text == "abcdefghij" * 10


def test_learning_rate_warms_up_then_decays_to_min():
    cfg = CharTrainConfig(learning_rate=1e-3, min_lr=1e-5, warmup_iters=10, max_iters=110)
    assert learning_rate(0, cfg) == pytest.approx(1e-4)
    assert learning_rate(10, cfg) == pytest.approx(1e-3)
    assert learning_rate(60, cfg) == pytest.approx((1e-3 + 1e-5) / 2)
    assert learning_rate(110, cfg) == pytest.approx(1e-5)
    timed = configlib.apply(cfg, {"max_minutes": 1.0, "max_iters": 10**9})
    assert learning_rate(50, timed, seconds=30.0) == pytest.approx((1e-3 + 1e-5) / 2)
    assert learning_rate(50, timed, seconds=60.0) == pytest.approx(1e-5)


def test_config_overrides_are_type_checked(tmp_path: Path):
    toml = tmp_path / "c.toml"
    toml.write_text('cell = "gru"\nn_hidden = 64\n')
    cfg = configlib.parse_args(CharTrainConfig(), [str(toml), "--learning_rate=0.01", "--dry_run=true", "--n-layer=3"])
    assert (cfg.cell, cfg.n_hidden, cfg.learning_rate, cfg.dry_run, cfg.n_layer) == ("gru", 64, 0.01, True, 3)
    with pytest.raises(ValueError, match="expects float"):
        configlib.parse_args(CharTrainConfig(), ["--learning_rate=fast"])
    with pytest.raises(ValueError, match="unknown setting --bogus"):
        configlib.parse_args(CharTrainConfig(), ["--bogus=1"])
    with pytest.raises(ValueError, match="expects true or false"):
        configlib.parse_args(CharTrainConfig(), ["--dry_run=maybe"])


def _tiny_run(tmp_path: Path, **overrides) -> CharTrainConfig:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Hark, the herald angels sing.\n" * 200, encoding="utf-8")
    values = dict(data=str(corpus), out_dir=str(tmp_path / "run"), n_layer=1, n_embd=8, n_hidden=16,
                  batch_size=4, seq_len=16, max_iters=6, eval_interval=3, eval_streams=2, eval_seq_len=16,
                  warmup_iters=1, threads=1)
    values.update(overrides)
    return configlib.apply(CharTrainConfig(), values)


def test_training_writes_checkpoint_log_and_resumes(tmp_path: Path):
    cfg = _tiny_run(tmp_path)
    progress = train_char(cfg)
    run = Path(cfg.out_dir)
    assert progress["step"] == 6
    assert (run / "ckpt.pt").is_file() and (run / "best.pt").is_file()
    log = (run / "log.jsonl").read_text().splitlines()
    assert any('"val_loss"' in line for line in log)
    model, vocab, ckpt = load_checkpoint(run / "ckpt.pt")
    assert set(ckpt) >= {"model", "model_args", "vocab", "config", "step", "best_val"}
    assert vocab.decode(vocab.encode("Hark")) == "Hark"
    assert model.config.n_hidden == 16
    resumed = train_char(configlib.apply(cfg, {"init_from": "resume", "max_iters": 9}))
    assert resumed["step"] == 9
    # The resumed run continued the step count from the checkpoint instead of starting over.
    assert load_checkpoint(run / "ckpt.pt")[2]["step"] == 9


def test_averaged_weights_are_scored_kept_and_resumed(tmp_path: Path):
    cfg = _tiny_run(tmp_path, average_from=0.5, precision="bf16")
    train_char(cfg)
    run = Path(cfg.out_dir)
    records = [line for line in (run / "log.jsonl").read_text().splitlines() if '"val_loss"' in line]
    # Averaging starts halfway through the schedule (after 1 warmup step, steps 4 and 5 of 0..5): the
    # first evaluation (after step 3) has no average, the last one does.
    assert "averaged_val_loss" not in records[0] and "averaged_val_loss" in records[-1]
    _, _, ckpt = load_checkpoint(run / "ckpt.pt")
    assert ckpt["n_averaged"] == 2 and not ckpt["averaged_weights"]
    train_char(configlib.apply(cfg, {"init_from": "resume", "max_iters": 8}))
    assert load_checkpoint(run / "ckpt.pt")[2]["n_averaged"] == 4  # the average carried on from the checkpoint


def test_best_checkpoint_holds_whichever_weights_scored_best():
    saved = []
    progress = {"best_val": 5.0}
    keep_checkpoints(progress, 4.0, lambda path, **kw: saved.append((path, kw)), "best", "ckpt",
                     averaged_val=3.5)
    assert saved == [("best", {"averaged_weights": True}), ("ckpt", {})] and progress["best_val"] == 3.5
    saved.clear()
    keep_checkpoints(progress, 3.0, lambda path, **kw: saved.append((path, kw)), "best", "ckpt",
                     averaged_val=3.2)
    assert saved == [("best", {}), ("ckpt", {})] and progress["best_val"] == 3.0
    saved.clear()
    keep_checkpoints(progress, 3.1, lambda path, **kw: saved.append((path, kw)), "best", "ckpt")
    assert saved == [("ckpt", {})] and progress["best_val"] == 3.0


def test_unknown_precision_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="precision"):
        train_char(_tiny_run(tmp_path, precision="fp8"))


def test_dry_run_is_a_short_smoke_run(tmp_path: Path):
    progress = train_char(_tiny_run(tmp_path, dry_run=True, max_iters=1000))
    assert progress["step"] <= 4


@pytest.mark.slow
def test_training_runs_under_torchrun_ddp(tmp_path: Path, torchrun):
    cfg = _tiny_run(tmp_path, batch_size=2, max_iters=4, eval_interval=2)
    torchrun("model.train_char", cfg, ("data", "out_dir", "n_layer", "n_embd", "n_hidden", "batch_size", "seq_len",
                                       "max_iters", "eval_interval", "eval_streams", "eval_seq_len", "threads"))
    _, _, ckpt = load_checkpoint(Path(cfg.out_dir) / "ckpt.pt")
    assert ckpt["step"] == 4


def test_device_auto_resolves_to_cpu_without_a_gpu_and_cuda_is_never_a_silent_cpu_run(monkeypatch):
    from model.trainer import resolve_device, resolve_precision

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu" and resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="sees no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(ValueError, match="device must be"):
        resolve_device("tpu")
    assert resolve_precision("auto", "cpu") == "fp32" and resolve_precision("bf16", "cpu") == "bf16"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert resolve_device("auto") == "cuda" and resolve_device("cuda:1") == "cuda:1"
    assert resolve_precision("auto", "cuda") == "bf16" and resolve_precision("fp32", "cuda") == "fp32"


def test_training_with_device_auto_runs_on_the_cpu_here_in_fp32(tmp_path: Path):
    assert not torch.cuda.is_available()  # this test is about the CPU machine's "auto"
    cfg = _tiny_run(tmp_path)
    assert (cfg.device, cfg.precision) == ("auto", "auto")  # the defaults
    train_char(cfg)
    _, _, ckpt = load_checkpoint(Path(cfg.out_dir) / "ckpt.pt")
    assert (ckpt["config"]["device"], ckpt["config"]["precision"]) == ("cpu", "fp32")
    assert "CPU" in ckpt["hardware"]
    explicit = _tiny_run(tmp_path, device="cpu", precision="bf16", out_dir=str(tmp_path / "bf16"))
    train_char(explicit)
    assert load_checkpoint(Path(explicit.out_dir) / "ckpt.pt")[2]["config"]["precision"] == "bf16"


def test_one_loader_reads_every_model_and_refuses_the_wrong_kind(tmp_path: Path):
    from desktop.runtime.vocab import CharVocab, WordVocab
    from model.checkpoint import save_checkpoint
    from model.train_word import WordTrainConfig
    from model.word_rnn import WordRNN

    char_cfg = CharTrainConfig(n_layer=1, n_embd=4, n_hidden=8, device="cpu")
    word_cfg = WordTrainConfig(n_layer=1, n_embd=8, n_hidden=8, cutoffs="4,6", device="cpu")
    saved = {"char": (CharRNN(char_cfg.model_config(9)), CharVocab.from_text("abcdefgh "), char_cfg),
             "word": (WordRNN(word_cfg.model_config(9)), WordVocab(["<unk>", "<eos>", *"abcdefg"]), word_cfg)}
    for kind, (model, vocab, cfg) in saved.items():
        save_checkpoint(tmp_path / f"{kind}.pt", model, torch.optim.AdamW(model.parameters()), vocab, cfg, step=1)
        loaded, loaded_vocab, ckpt = load_checkpoint(tmp_path / f"{kind}.pt", kind=kind)
        assert type(loaded) is type(model) and type(loaded_vocab) is type(vocab) and ckpt["step"] == 1
        assert not loaded.training and loaded.config == model.config  # the word model's cutoffs come back a tuple
        for name, tensor in model.state_dict().items():
            assert torch.equal(loaded.state_dict()[name], tensor)
    with pytest.raises(ValueError, match="holds a word model, not a char one"):
        load_checkpoint(tmp_path / "word.pt", kind="char")


def test_the_models_are_built_from_the_training_settings_by_name():
    from model.train_translate import TranslateTrainConfig
    from model.train_word import WordTrainConfig
    from model.word_rnn import WordRNNConfig

    word = WordTrainConfig(cell="gru", n_layer=3, n_embd=5, n_hidden=7, dropout=0.1, cutoffs="3,6", div_value=2.0)
    assert word.model_config(10) == WordRNNConfig(vocab_size=10, cell="gru", n_layer=3, n_embd=5, n_hidden=7,
                                                  dropout=0.1, cutoffs=(3, 6), div_value=2.0)
    assert WordTrainConfig().model_config(10) == WordRNNConfig(vocab_size=10)  # the defaults are the model's own
    translate = TranslateTrainConfig(n_layer=1, n_embd=6, n_hidden=8, tie_output=False).model_config(12)
    assert (translate.src_vocab_size, translate.tgt_vocab_size, translate.n_layer, translate.n_embd,
            translate.n_hidden, translate.tie_output) == (12, 12, 1, 6, 8, False)


def test_a_language_model_checkpoint_from_before_the_shared_loop_resumes(tmp_path: Path):
    cfg = _tiny_run(tmp_path)
    train_char(cfg)
    ckpt_path = Path(cfg.out_dir) / "ckpt.pt"
    old = torch.load(ckpt_path, weights_only=False)
    old["chunk"] = old.pop("batch")  # the old loop's name of the position within the epoch
    del old["target_tokens"]
    torch.save(old, ckpt_path)
    resumed = train_char(configlib.apply(cfg, {"init_from": "resume", "max_iters": 8}))
    assert resumed["step"] == 8 and resumed["batch"] == old["chunk"] + 2


def test_model_and_export_import_no_cycle():
    import ast

    root = Path(__file__).resolve().parents[1]
    modules = {f"{p.parent.name}.{p.stem}": p for d in ("model", "export") for p in (root / d).glob("*.py")}
    imports = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        imports[name] = found & set(modules)

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(m == goal or (m not in seen and reaches(m, goal, seen | {m})) for m in imports[start])

    assert [name for name in modules if reaches(name, name, {name})] == []
