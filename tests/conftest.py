"""Shared test setup: Qt without a display, the tiny generated model packages (the one ``models_dir``), and
torchrun. The fake engines are in tests/fakes.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import desktop  # noqa: F401 - first: it sets ORT_DISABLE_TELEMETRY before any test imports onnxruntime

# Qt aborts without a display unless told to draw offscreen; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]

# The UI tests' fixtures (dialogs, make_window).
pytest_plugins = ["tests.ui_support"]


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The folder of tiny model packages (tiny-char, tiny-word, tiny-translator), made by the same training and
    export code as the shipped ones the first time a checkout needs them (tests/fixtures/make_fixtures.py). Every
    test that needs a model package starts here."""
    from tests.fixtures.make_fixtures import ensure_fixtures

    return ensure_fixtures()


@pytest.fixture
def models_copy(models_dir: Path, tmp_path: Path) -> Callable[..., Path]:
    """``models_copy(*names)``: a private ``tmp_path / "models"`` folder holding copies of the named fixture packages,
    which a test may damage; returns the folder."""

    def copy(*names: str) -> Path:
        folder = tmp_path / "models"
        folder.mkdir(exist_ok=True)
        for name in names:
            shutil.copytree(models_dir / name, folder / name)
        return folder

    return copy


@pytest.fixture
def char_package_copy(models_copy: Callable[..., Path]) -> Path:
    """A private copy of the tiny char package that a test may damage."""
    return models_copy("tiny-char") / "tiny-char"


@pytest.fixture(scope="session")
def torchrun() -> Callable[[str, object, Sequence[str]], None]:
    """``torchrun(module, config, keys)``: trains with ``python -m torch.distributed.run --standalone
    --nproc_per_node=2 -m module`` (two CPU processes, DDP), passing ``config``'s values of ``keys`` as
    ``--key=value``, from the repository root; fails the test with the end of stderr unless it succeeds."""

    def run(module: str, config: object, keys: Sequence[str]) -> None:
        args = [f"--{key}={getattr(config, key)}" for key in keys]
        result = subprocess.run(
            [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", module, *args],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]

    return run


@pytest.fixture
def completer(models_dir: Path):
    """A fresh Completer over the tiny word model (learned: 'The quick brown fox jumps over the lazy dog .'
    and a few more sentences)."""
    from desktop.runtime.completer import Completer
    from desktop.runtime.package import ModelPackage

    return Completer(ModelPackage.load(models_dir / "tiny-word"), provider="cpu")


@pytest.fixture(scope="session")
def translator(models_dir: Path):
    """A Translator over the tiny translator package (learned by heart: tests/fixtures/tiny_translator.py
    TINY_PAIRS, e.g. "Tom lives in Boston." -> "Tom vit à Boston.")."""
    from desktop.runtime.package import ModelPackage
    from desktop.runtime.translator import Translator

    return Translator(ModelPackage.load(models_dir / "tiny-translator"), provider="cpu")


@pytest.fixture(autouse=True)
def folio_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own Folio data folder ($FOLIO_HOME): preferences, session state and recovery copies
    never touch the real home."""
    home = tmp_path_factory.mktemp("folio-home")
    monkeypatch.setenv("FOLIO_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def placeholder_translator():
    """A Translator over the tiny model trained with placeholders (tests/fixtures/tiny_translator.py
    PLACEHOLDER_PAIRS, masked; names.json in the package), generated once per checkout."""
    from desktop.runtime.package import ModelPackage
    from desktop.runtime.translator import Translator
    from tests.fixtures.make_fixtures import ensure_placeholder_fixture

    return Translator(ModelPackage.load(ensure_placeholder_fixture()), provider="cpu")
