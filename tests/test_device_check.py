"""benchmarks/device_check: the report's shape on CPU (the CI dry run's parity part) and graceful degradation."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from benchmarks import device_check


def test_dry_run_report_compares_the_gpu_code_paths_with_the_cpu_path(tmp_path: Path):
    assert device_check.main(["--dry-run", "--skip", "speed,training", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "device_report.json").read_text())
    assert report["dry_run"] is True and "CPUExecutionProvider" in report["environment"]["available_providers"]
    parity = report["parity"]
    assert parity["completion"]["max_abs_diff_stepwise"] == 0.0 and parity["completion"]["suggestions_same"]
    assert parity["continuation"]["greedy_300_chars_same"] and parity["continuation"]["first_difference"] is None
    assert parity["translation"]["texts_same"] and parity["translation"]["batched_texts_same"]
    assert report["summary"]["cuda_provider"] is False and "speed" not in report


def test_a_failing_part_is_reported_and_the_rest_goes_on():
    report: dict = {}
    device_check.guarded(report, "broken", lambda: 1 / 0)
    device_check.guarded(report, "fine", lambda: {"x": 1})
    assert report["broken"]["error"] == "ZeroDivisionError: division by zero"
    assert report["fine"]["x"] == 1 and "section_seconds" in report["fine"]


def test_training_without_a_gpu_says_so_instead_of_training_on_cpu():
    assert not torch.cuda.is_available()
    assert "sees no CUDA GPU" in device_check.training(dry_run=False, steps=200)["error"]


def test_training_data_comes_from_the_repository():
    assert len(device_check.repo_text()) > 100_000
    pairs = device_check.translation_pairs()
    assert len(pairs) > 1000 and all("\t" not in en + fr for en, fr in pairs)


def test_without_the_cuda_provider_the_report_says_so_and_compares_the_gpu_paths_over_cpu(tmp_path: Path):
    assert device_check.main(["--skip", "speed,training", "--out", str(tmp_path)]) == 0
    parity = json.loads((tmp_path / "device_report.json").read_text())["parity"]
    assert "CUDAExecutionProvider is not in this onnxruntime build" in parity["note"]
    assert parity["test"] == "CPU with the GPU code paths" and parity["continuation"]["greedy_300_chars_same"]
    assert parity["translation"]["texts_same"] and "all_nodes_on_cuda" not in parity["translation"]
