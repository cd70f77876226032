"""Name and version of the project as pyproject.toml declares them, read without importing the app."""

from __future__ import annotations

import ast
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def module_attribute(root: Path, dotted: str) -> str:
    """The literal value of ``package.module.NAME`` (``desktop.__version__``), read from the source with ast."""
    module, _, name = dotted.rpartition(".")
    base = root.joinpath(*module.split("."))
    source = base / "__init__.py" if (base / "__init__.py").exists() else base.with_suffix(".py")
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{dotted} is not assigned in {source}")


def project_metadata(root: Path = ROOT) -> tuple[str, str, str]:
    """(distribution name, GUI executable name, version) from ``root/pyproject.toml``; a dynamic version is read
    from the attribute ``[tool.setuptools.dynamic]`` names."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    executable = next(iter(project["gui-scripts"]))
    version = project.get("version")
    if version is None:
        version = module_attribute(root, pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"])
    return project["name"], executable, version
