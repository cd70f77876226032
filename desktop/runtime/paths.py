"""Where the shipped resources are: inside the installed package, or the repository's resources/."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """The resources folder: ``desktop/resources`` in an installed wheel, else the checkout's ``resources/``."""
    installed = Path(__file__).resolve().parents[1] / "resources"
    if (installed / "models").is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "resources"


def models_dir() -> Path:
    """Folder holding the shipped model packages."""
    return resources_dir() / "models"
