"""Typing while a continuation streams (issue 11 item 4): generated characters go only to the continuation's
anchor, never into the writer's words; the writer's words are not marked as generated and count as theirs."""

from __future__ import annotations

import random

from desktop.core.textstats import count_words
from tests.fakes import FakeContinuer, FakeEngines
from tests.ui_support import set_text

GENERATED = "ABCDEFGHIJ0123456789KLMNOPQRST:\n"  # nothing a typed (lower-case) word holds


def test_fast_typing_during_streaming_keeps_typed_words_and_generated_text_contiguous(make_window, qtbot):
    fake = FakeContinuer(delay=0.0005, text=GENERATED)
    window = make_window(FakeEngines(fake))
    original = "Once upon a time, "
    set_text(window, original)
    window.continuation_toolbar.length_spin.setValue(5000)
    chunks: list[str] = []
    window.controller.textInserted.connect(lambda request_id, text: chunks.append(text))
    window.continuation.start()
    qtbot.waitUntil(lambda: len(window.text()) > len(original) + 5, timeout=5000)

    rng = random.Random(5)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 8))) for _ in range(100)]
    before_typing = len(chunks)
    for word in words:
        qtbot.keyClicks(window.editor, " " + word)  # key events, interleaved with the chunks below
        qtbot.wait(rng.randint(0, 4))
    interleaved = len(chunks) - before_typing
    assert window.controller.running
    window.continuation.stop()
    assert interleaved >= 10, f"only {interleaved} chunks arrived while typing: the test did not interleave"

    typed = "".join(" " + word for word in words)
    text = window.text()
    assert text.startswith(original) and text.endswith(typed), "the typed words were broken up"
    generated = text[len(original) : -len(typed)]
    assert generated == fake.expected(len(generated)), "the generated text is not contiguous"
    assert generated == "".join(chunks)

    tab = window.current_tab()
    assert tab.marks.texts() == [generated]  # the writer's words are not marked as generated
    assert tab.own_words() == count_words(original) + len(words)
