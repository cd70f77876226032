"""Shared test setup: Qt without a display, and tiny generated model packages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import desktop  # noqa: F401 - first: it sets ORT_DISABLE_TELEMETRY before any test imports onnxruntime

# Qt aborts without a display unless told to draw offscreen; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The UI tests' fixtures (dialogs, make_window) and fakes.
pytest_plugins = ["tests.ui_support"]


@pytest.fixture(scope="session")
def char_models_dir() -> Path:
    """A folder of model packages holding the tiny char_lm ``tiny-char`` (generated once per checkout)."""
    from tests.fixtures.make_fixtures import ensure_fixtures

    return ensure_fixtures()


@pytest.fixture
def char_package_copy(char_models_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny char package that a test may damage."""
    target = tmp_path / "models" / "tiny-char"
    shutil.copytree(char_models_dir / "tiny-char", target)
    return target


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """A folder of model packages holding every tiny fixture package (tiny-char, tiny-word, tiny-translator)."""
    from tests.fixtures.make_fixtures import ensure_fixtures

    return ensure_fixtures()


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
    from tests.fixtures.make_fixtures import FIXTURES
    from tests.fixtures.tiny_translator import PLACEHOLDER_TRANSLATOR_ID, make_placeholder_translator_package

    models = FIXTURES / "models-placeholders"
    if not (models / PLACEHOLDER_TRANSLATOR_ID / "manifest.json").is_file():
        shutil.rmtree(models / PLACEHOLDER_TRANSLATOR_ID, ignore_errors=True)
        make_placeholder_translator_package(models)
    return Translator(ModelPackage.load(models / PLACEHOLDER_TRANSLATOR_ID), provider="cpu")
