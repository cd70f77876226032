"""Every model call of a translation is bounded and a busy worker never holds up quitting (issue 11 item 7)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal, Slot

from desktop.runtime import translator as translator_module
from desktop.runtime.translator import (
    MAX_DECODE_STEPS,
    MAX_SOURCE_PIECES,
    MAX_WORD_CHARS,
    TranslationCancelled,
)
from desktop.ui.worker_thread import abandoned_threads, start_worker_thread, stop_thread
from tests.test_quit_during_translation import base64_like

ROOT = Path(__file__).resolve().parents[1]


class _Recorder:
    """Wraps a graph's ``run``: records the source length of each call."""

    def __init__(self, graph):
        self.graph, self.calls = graph, []
        self._run = graph.run

    def __call__(self, feeds):
        self.calls.append(feeds["src_mask"].shape[1])
        return self._run(feeds)


@pytest.fixture
def recorded(translator, monkeypatch):
    encoder, decoder = _Recorder(translator.encoder), _Recorder(translator.decoder)
    monkeypatch.setattr(translator.encoder, "run", encoder)
    monkeypatch.setattr(translator.decoder, "run", decoder)
    return translator, encoder, decoder


def test_a_long_unbroken_word_is_copied_not_decoded(recorded):
    translator, encoder, decoder = recorded
    word = base64_like(4900)
    start = time.monotonic()
    [result] = translator.translate(f"Tom lives in Boston. {word}", beam=4)
    assert time.monotonic() - start < 5
    assert word in result.text and "copied unchanged" in result.note
    assert all(length <= MAX_SOURCE_PIECES for length in encoder.calls + decoder.calls)


def test_many_words_are_cut_into_bounded_segments(recorded, monkeypatch):
    translator, encoder, decoder = recorded
    monkeypatch.setattr(translator_module, "MAX_PIECES", 10_000)  # no clause cutting: only the piece bound acts
    words = [base64_like(MAX_WORD_CHARS, seed) for seed in range(40)]  # 40 words of 40 characters, no spaces
    translator.translate(" ".join(words), beam=2)
    assert len(encoder.calls) > 1
    assert max(encoder.calls) <= MAX_SOURCE_PIECES
    assert len(decoder.calls) <= len(encoder.calls) * MAX_DECODE_STEPS


def test_should_stop_cancels_between_model_calls(recorded):
    translator, encoder, decoder = recorded
    asked = []

    def stop():
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(TranslationCancelled):
        translator.translate("Tom lives in Boston. He is happy.", beam=4, should_stop=stop)
    assert len(encoder.calls) + len(decoder.calls) == 3


class _Stuck(QObject):
    go = Signal()

    @Slot()
    def work(self):
        time.sleep(3)  # an uninterruptible call (the GIL is free, as in an ONNX Runtime run)


def test_stopping_a_busy_thread_waits_at_most_one_second(qapp):
    owner = QObject()
    worker = _Stuck()
    thread = start_worker_thread(owner, worker, "stuck")
    worker.go.connect(worker.work)
    worker.go.emit()
    time.sleep(0.2)
    start = time.monotonic()
    assert stop_thread(thread) is False
    assert time.monotonic() - start < 1.3
    assert thread in abandoned_threads()
    start = time.monotonic()
    assert stop_thread(thread) is False  # the owner's destruction stops it again: no second wait
    assert time.monotonic() - start < 0.1
    thread.wait(5000)  # let it finish before the next test
    assert thread not in abandoned_threads()


STUCK_APP = r"""
import sys, time
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMainWindow
from desktop.ui.worker_thread import exit_code_after_abandoning, start_worker_thread, stop_thread

class Stuck(QObject):
    go = Signal()
    @Slot()
    def work(self):
        time.sleep(60)

app = QApplication(sys.argv[:1])
window = QMainWindow()
worker = Stuck()
thread = start_worker_thread(window, worker, "stuck")
worker.go.connect(worker.work)
worker.go.emit()

def quit_now():
    print("QUIT", flush=True)
    stop_thread(thread)
    app.quit()

QTimer.singleShot(300, quit_now)
sys.exit(exit_code_after_abandoning(app.exec()))
"""


def test_a_process_with_an_abandoned_worker_still_exits(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-c", STUCK_APP], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        for line in process.stdout:
            if line.startswith("QUIT"):
                break
        start = time.monotonic()
        code = process.wait(timeout=10)
        assert time.monotonic() - start < 2
        assert code == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
