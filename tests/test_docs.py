"""Issue 14, documentation that works outside the development machine: the architecture in the project's docs
(11), every corpus with its public source and checksum and `--data` on every command (11), the CPU wheel of
torch (12), sizes written by a script (13)."""

from __future__ import annotations

import ast
import hashlib
import inspect
import re
import sys
import zipfile
from pathlib import Path

import pytest

from model import config as configlib
from model.train_char import CharTrainConfig
from model.train_translate import TranslateTrainConfig
from model.train_word import WordTrainConfig

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

from sizes import BEGIN, END, bundle_sizes, update_table, wheel_sizes  # noqa: E402

SHARED_DATA = ROOT.parent / "shared" / "data"  # the development machine's corpora, when they are there
CPU_WHEEL = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
CORPUS_FILES = [
    "tinyshakespeare/input.txt", "wikitext-2/wiki.train.tokens", "wikitext-2/wiki.valid.tokens",
    "wikitext-2/wiki.test.tokens", "tatoeba-eng-fra/fra.txt", "tatoeba-eng-fra/_about.txt",
    "english-mix/wiki.train.txt.xz", "english-mix/wiki.dev.txt.xz", "english-mix/books.train.txt.xz",
    "english-mix/books.dev.txt.xz", "french-mix/novels.txt.xz", "french-mix/sentences.txt.xz",
    "translation-dev/tatoeba-v2021-unseen.tsv", "translation-dev/ntrex128-eng-fra.tsv",
    "translation-dev/tico19-eng-fra.tsv",
]


def read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_no_document_links_outside_the_repository():
    readme = read("README.md")
    assert "../shared" not in readme
    assert "(docs/architecture.md)" in readme and "(docs/data.md)" in readme
    architecture = read("docs/architecture.md")
    for heading in ("## The model package contract", "## The runtime API", "## Files", "## Responsiveness"):
        assert heading in architecture
    assert "eng.speller.check(" in architecture  # Engines.speller is part of the API tests use
    for doc in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        for target in re.findall(r"\]\(([^)#]+)\)", doc.read_text(encoding="utf-8")):
            if "://" not in target:
                assert (doc.parent / target).resolve().is_relative_to(ROOT), (doc.name, target)
                assert (doc.parent / target).exists(), (doc.name, target)


def test_the_runtime_api_in_the_architecture_doc_is_the_code():
    """Each call in "The runtime API" names the code's leading parameters, in order, with the code's defaults."""
    from desktop.runtime import Engines
    from desktop.runtime.completer import Completer
    from desktop.runtime.continuer import Continuer
    from desktop.runtime.speller import Speller
    from desktop.runtime.translator import Translator

    doc = read("docs/architecture.md")
    api = doc[doc.index("## The runtime API") :]
    api = api[: api.index("\n## ")]
    calls = {"Engines.from_dir(": Engines.from_dir, "eng.completer.suggest(": Completer.suggest,
             "eng.completer.next_word_distribution(": Completer.next_word_distribution,
             "eng.continuer.generate(": Continuer.generate, "eng.continuer.next_char_log_probs(":
             Continuer.next_char_log_probs, "eng.translator.translate(": Translator.translate,
             "eng.speller.check(": Speller.check}
    for prefix, function in calls.items():
        inside = api.split(prefix, 1)[1].split(")", 1)[0]
        documented = [re.fullmatch(r"\s*(\w+)\s*(?::[^=]*)?(?:=\s*(.+?))?\s*", part).groups()
                      for part in inside.split(",")]
        params = [p for p in inspect.signature(function).parameters.values() if p.name not in ("self", "cls")]
        assert [name for name, _ in documented] == [p.name for p in params[: len(documented)]], prefix
        for (name, default), param in zip(documented, params):
            if default is not None:
                assert ast.literal_eval(default) == param.default, (prefix, name)


def test_no_reference_to_the_development_machines_design_file():
    """The architecture lives in docs/architecture.md; nothing points at a file outside the project."""
    files = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("packaging/*")]
    for folder in ("desktop", "model", "export", "benchmarks", "tests"):
        files += (ROOT / folder).rglob("*.py")
    found = [str(f.relative_to(ROOT)) for f in files if f.is_file() and f.name != "test_docs.py"
             and "DESIGN.md" in f.read_text(encoding="utf-8", errors="replace")]
    assert found == []


def test_data_doc_gives_every_corpus_a_public_source_and_its_checksum():
    text = read("docs/data.md")
    rows = dict(re.findall(r"^\| ([\w./-]+) \| [\d,]+ \| ([0-9a-f]{64}) \|", text, re.M))
    assert sorted(rows) == sorted(CORPUS_FILES)
    for corpus in ("tinyshakespeare", "WikiText-2", "Tatoeba", "english-mix", "french-mix", "translation-dev"):
        section = text[text.index(f"**{corpus}") :]
        section = section[: section.find("\n\n")]
        assert re.search(r"GitHub `[\w.-]+/[\w.-]+`|github", section, re.I), corpus
        assert re.search(r"\b[0-9a-f]{40}\b", section), f"{corpus}: no commit"
    if SHARED_DATA.is_dir():  # on the development machine: the sums are those of the files themselves
        sizes = dict(re.findall(r"^\| ([\w./-]+) \| ([\d,]+) \|", text, re.M))
        for name, digest in rows.items():
            data = (SHARED_DATA / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, name
            assert len(data) == int(sizes[name].replace(",", "")), name


@pytest.mark.parametrize("config", [CharTrainConfig(), WordTrainConfig(), TranslateTrainConfig()])
def test_training_takes_a_data_path_either_way(config):
    assert configlib.parse_args(config, ["--data", "/corpora/x"]).data == "/corpora/x"
    assert configlib.parse_args(config, ["--data=/corpora/y", "--seed", "3"]).seed == 3
    with pytest.raises(ValueError, match="--key value"):
        configlib.parse_args(config, ["--data"])


@pytest.mark.parametrize("module", ["export.char_lm", "export.word_lm", "export.translator", "export.evaluate",
                                    "export.evaluate_translation"])
def test_export_and_evaluation_take_a_data_path(module, capsys):
    import importlib

    main = importlib.import_module(module).main
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--data" in capsys.readouterr().out


def test_readme_and_ci_install_the_cpu_wheel_of_torch():
    readme = read("README.md")
    assert CPU_WHEEL in readme
    ci = read(".ci/run")
    assert 'pip install -q torch==2.13.0 --index-url "${TORCH_INDEX_URL:-https://download.pytorch.org/whl/cpu}"' in ci
    assert 'pip install -e ".[test]" && ruff check . && python -m pytest' in readme
    assert 'pip install -q -e ".[test]" && ruff check . && python -m pytest' in ci


def test_sizes_in_the_packaging_doc_come_from_the_script(tmp_path):
    doc = read("docs/packaging.md")
    assert BEGIN in doc and END in doc
    assert "2.9 MB" not in doc and "194.4 MiB" not in doc  # the old hand-written sizes
    block = doc[doc.index(BEGIN) : doc.index(END)]
    assert re.search(r"^\| wheel \| \*\*[\d.]+ MB\*\* \|", block, re.M)
    for script in ("packaging/check_wheel.sh", "packaging/build_exe.sh"):
        assert "packaging/sizes.py" in read(script) and "--update" in read(script)

    wheel = tmp_path / "folio.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("desktop/app.py", "x" * 500_000)
        archive.writestr("desktop/resources/models/m/model.onnx", b"\0" * 2_000_000)
    bundle = tmp_path / "folio"
    (bundle / "_internal" / "desktop" / "resources" / "models" / "m").mkdir(parents=True)
    (bundle / "folio").write_bytes(b"\0" * (3 * 1024 * 1024))
    (bundle / "_internal" / "desktop" / "resources" / "models" / "m" / "model.onnx").write_bytes(b"\0" * 1024 * 1024)
    (bundle / "link").symlink_to(bundle / "folio")
    page = f"intro\n{BEGIN}\nold\n{END}\nrest\n"
    page = update_table(page, [wheel_sizes(wheel)], "day 1")
    assert "| wheel | **" in page and "| 2 | 2.0 MB | 0.5 MB | day 1 |" in page
    page = update_table(page, [bundle_sizes(bundle)], "day 2")
    assert "| bundle | **4.0 MiB** | 4.0 MiB | 2 | 1.0 MiB | 3.0 MiB | day 2 |" in page
    assert "| wheel |" in page and page.startswith("intro\n") and page.endswith("rest\n")
