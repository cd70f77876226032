"""Issue 12, item 3: the keystroke benchmark types any text file (.xz through lzma, a .tsv column, english-mix
documents), samples it reproducibly, and its harness is a library that presage's baseline imports without the
command line (no import cycle)."""

from __future__ import annotations

import ast
import lzma
import subprocess
import sys
from pathlib import Path

from benchmarks.keystrokes import main
from benchmarks.ksr import benchmark_text
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
    assert benchmark_text(text, limit_words=3) == "one two three"


def test_presage_baseline_imports_the_harness_not_the_command_line():
    code = "import sys, benchmarks.presage.baseline; print('benchmarks.keystrokes' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_benchmark_text_reads_wikitext_paragraphs_up_to_a_number_of_characters(tmp_path: Path):
    tokens = tmp_path / "wiki.valid.tokens"
    tokens.write_text(" = Title = \n A b . \n = = Sub = = \n C <unk> d . \n E f . \n", encoding="utf-8")
    assert benchmark_text(tokens) == "A b.\nC d.\nE f."
    assert benchmark_text(tokens, limit_chars=8) == "A b.\nC d"


def test_benchmark_modules_import_no_cycle():
    """Every import between benchmarks/ modules, those inside functions included, points one way."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "benchmarks").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.update([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
        graph[module] = {name for name in names if name.startswith("benchmarks.")}
    for module in graph:
        graph[module] &= graph.keys() - {module}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(n == target or (n not in seen and reaches(n, target, seen | {n})) for n in graph[start])

    assert [m for m in sorted(graph) if reaches(m, m, set())] == []
