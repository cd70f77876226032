"""Shared test setup: Qt without a display, and tiny generated model packages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Qt aborts without a display unless told to draw offscreen; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
