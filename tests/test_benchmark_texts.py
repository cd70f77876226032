"""Issue 12, item 3: the keystroke benchmark types any text file (.xz through lzma, a .tsv column, english-mix
documents), samples it reproducibly, and its harness is a library that presage's baseline imports without the
command line (no import cycle)."""

from __future__ import annotations

import lzma
import subprocess
import sys
from pathlib import Path

from benchmarks.keystrokes import load_text, main
from benchmarks.texts import documents, sample_documents, split_document

ROOT = Path(__file__).resolve().parents[1]


def test_documents_from_xz_titled_text_and_tsv_columns(tmp_path: Path):
    mix = tmp_path / "wiki.dev.txt.xz"
    with lzma.open(mix, "wt", encoding="utf-8") as out:
        out.write("= First =\nOne para.\nTwo para.\n\n= Second =\nThree.\n")
    assert documents(mix) == ["One para.\nTwo para.", "Three."]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("Hello there.\tBonjour.\nHow are you?\tÇa va ?\n", encoding="utf-8")
    assert documents(tsv) == ["Hello there.\nHow are you?"]
    assert documents(tsv, column=1) == ["Bonjour.\nÇa va ?"]
    assert documents(tsv, rows_per_document=1) == ["Hello there.", "How are you?"]


def test_samples_are_seeded_whole_documents():
    docs = [f"doc{i} " + "word " * 9 for i in range(20)]  # ten words each
    first, again = sample_documents(docs, 50, seed=3), sample_documents(docs, 50, seed=3)
    assert first == again and len(first) == 5 and all(d in docs for d in first)
    assert sample_documents(docs, 50, seed=4) != first
    assert [len(p.split()) for p in split_document("a b c\nd e f g h\ni", 3)] == [3, 3, 3]


def test_keystrokes_types_a_text_file_with_folio(tmp_path: Path, models_dir: Path, capsys):
    text = tmp_path / "letter.txt"
    text.write_text("The quick brown fox jumps over the lazy dog.\n\nThe quick brown fox.\n", encoding="utf-8")
    assert main(["--text", str(text), "--package", str(models_dir / "tiny-word"), "--ks", "1,3",
                 "--label", "letter"]) == 0
    out = capsys.readouterr().out
    assert "13 words" in out and "| letter | 13 | Folio tiny-word" in out


def test_limit_words_cuts_a_text_file(tmp_path: Path):
    text = tmp_path / "t.txt"
    text.write_text("one two three four five", encoding="utf-8")

    class Args:
        column, sample_words, seed, limit_words = 0, None, 0, 3

    Args.text = text
    assert load_text(Args)[0] == "one two three"


def test_presage_baseline_imports_the_harness_not_the_command_line():
    code = "import sys, benchmarks.presage.baseline; print('benchmarks.keystrokes' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
