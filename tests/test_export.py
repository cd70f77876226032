"""Export: graph I/O names equal the contract, ONNX Runtime matches PyTorch at new shapes, metadata."""

from __future__ import annotations

import json
from pathlib import Path

import onnxruntime as ort
import pytest
import torch

from desktop.runtime import contract
from export.evaluate import main as evaluate_main
from export.onnx_lm import DUMMY_SHAPE, PARITY_SHAPES, export_lm, parity, quantize_int8, set_metadata
from model.char_rnn import CharRNN, CharRNNConfig
from model.rnn_lm import LMForExport


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_exported_graph_follows_contract_and_matches_pytorch(cell: str, tmp_path: Path):
    torch.manual_seed(0)
    model = CharRNN(CharRNNConfig(vocab_size=17, cell=cell, n_layer=2, n_embd=6, n_hidden=12, dropout=0.0))
    path = tmp_path / "model.onnx"
    export_lm(LMForExport(model), cell, 2, 12, 17, path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == contract.lm_input_names(cell)
    assert [o.name for o in session.get_outputs()] == contract.lm_output_names(cell)
    assert DUMMY_SHAPE not in PARITY_SHAPES and len(PARITY_SHAPES) >= 3
    result = parity(LMForExport(model), path, cell, 2, 12, 17)
    assert result["max_abs_diff"] < 1e-4
    assert set(result["per_shape"]) == {f"{b}x{s}" for b, s in PARITY_SHAPES}


def test_int8_graph_keeps_metadata_and_close_outputs(tmp_path: Path):
    torch.manual_seed(0)
    model = CharRNN(CharRNNConfig(vocab_size=17, n_layer=1, n_embd=6, n_hidden=32, dropout=0.0))
    fp32, int8 = tmp_path / "model.onnx", tmp_path / "model.int8.onnx"
    export_lm(LMForExport(model), "lstm", 1, 32, 17, fp32)
    quantize_int8(fp32, int8)
    set_metadata(int8, {contract.META_KIND: contract.KIND_CHAR_LM, contract.META_PRECISION: "int8"})
    session = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    assert meta[contract.META_PRECISION] == "int8"
    assert int8.stat().st_size < fp32.stat().st_size
    assert parity(LMForExport(model), int8, "lstm", 1, 32, 17)["max_abs_diff"] < 0.1


def test_package_manifest_records_measurements(models_dir: Path):
    manifest = json.loads((models_dir / "tiny-char" / "manifest.json").read_text())
    metrics = manifest["metrics"]
    assert metrics["parity_fp32_max_abs_diff"] < 1e-4
    assert {"val_loss_fp32", "val_loss_int8", "size_bytes_int8", "shipped_precision"} <= set(metrics)
    card = (models_dir / "tiny-char" / "README.md").read_text()
    assert str(metrics["val_loss_int8"]) in card
    session = ort.InferenceSession(str(models_dir / "tiny-char" / manifest["files"]["model"]["path"]))
    assert session.get_modelmeta().custom_metadata_map[contract.META_ID] == "tiny-char"


def test_evaluate_prints_json_loss_on_last_line(models_dir: Path, capsys, tmp_path: Path):
    from tests.fixtures.make_fixtures import TINY_TEXT

    data = tmp_path / "tiny.txt"
    data.write_text(TINY_TEXT)
    assert evaluate_main([str(models_dir / "tiny-char"), "--data", str(data)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # The tiny model learned this text by heart: far below a uniform guess over its vocabulary.
    assert 0 < result["val_loss"] < 1.0


def test_evaluate_refuses_a_broken_package(char_package_copy: Path, tmp_path: Path, capsys):
    (char_package_copy / "vocab.json").write_text("{}")
    data = tmp_path / "t.txt"
    data.write_text("abc" * 100)
    assert evaluate_main([str(char_package_copy), "--data", str(data)]) == 1
    assert "damaged" in capsys.readouterr().err


def test_a_re_export_writes_a_named_benchmark_and_leaves_nothing_stale(tmp_path: Path):
    from desktop.runtime.vocab import CharVocab
    from export import char_lm
    from export.package_writer import read_benchmark
    from model.checkpoint import save_checkpoint
    from model.train_char import CharTrainConfig

    cfg = CharTrainConfig(n_layer=1, n_embd=4, n_hidden=8, device="cpu")
    vocab = CharVocab.from_text("to be or not to be")
    model = CharRNN(cfg.model_config(len(vocab)))
    checkpoint = tmp_path / "tiny-char.pt"
    save_checkpoint(checkpoint, model, torch.optim.AdamW(model.parameters()), vocab, cfg, step=1, best_val=3.0,
                    train_seconds=1.0)

    results = tmp_path / "speed.json"
    results.write_text(json.dumps({"benchmark": "python -m benchmarks.continuation_speed --json speed.json",
                                   "results": [{"engine": "onnxruntime int8", "chars_per_second": 1234}]}))
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "model.fp32-old.onnx").write_bytes(b"an earlier export's graph")
    manifest = char_lm.build_package(checkpoint, out, None, tmp_path / "work", "tiny-char", measure_speed=False,
                                     benchmarks=[read_benchmark(results)])
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "manifest.json", "model.int8.onnx", "vocab.json"]
    assert manifest["benchmarks"][0]["results"][0]["chars_per_second"] == 1234
    assert manifest["metrics"]["shipped_precision"] == "int8"  # nothing scored: int8
    assert manifest["metrics"]["package_bytes"] == sum(
        (out / name).stat().st_size for name in ("model.int8.onnx", "vocab.json"))
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "`python -m benchmarks.continuation_speed --json speed.json`" in card
    assert "| onnxruntime int8 | 1234 |" in card


def test_model_card_figures_come_from_a_named_benchmark_not_a_note(tmp_path: Path, capsys):
    import importlib

    from export.package_writer import read_benchmark

    typed = tmp_path / "typed.json"
    typed.write_text(json.dumps({"benchmark": "measured on my laptop", "results": {"chars_per_second": 99999}}))
    with pytest.raises(ValueError, match="the command that wrote it"):
        read_benchmark(typed)
    for module in ("export.char_lm", "export.word_lm", "export.translator"):
        with pytest.raises(SystemExit):
            importlib.import_module(module).main(["--help"])
        usage = capsys.readouterr().out
        assert "--benchmark" in usage and "--note" not in usage, module
