"""Checks what a Folio wheel holds: the app, its icons and desktop files, every shipped model file, and nothing
of the training side.

    python packaging/check_wheel_contents.py dist/folio_writer-0.1.0-py3-none-any.whl [--source .] [--models DIR]

Exit code 0 when the wheel is complete and clean, 1 otherwise (each problem is printed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.folio.Folio"
REQUIRED = (
    "desktop/__init__.py", "desktop/__main__.py", "desktop/app.py", "desktop/selftest.py",
    "desktop/core/__init__.py", "desktop/runtime/__init__.py", "desktop/ui/__init__.py",
    "desktop/resources/__init__.py",
    "desktop/resources/icons/folio.svg", "desktop/resources/icons/folio-256.png",
    f"desktop/resources/{APP_ID}.desktop", f"desktop/resources/{APP_ID}.metainfo.xml",
    "desktop/runtime/speller.py", "desktop/resources/spelling/en-extra.txt.gz",
)
ALLOWED_TOP = re.compile(r"^(desktop/|[^/]+\.dist-info/)")
TRAINING_ONLY = re.compile(r"^(torch|onnx|onnxscript|tqdm|matplotlib)\b")


def shipped_model_files(models: Path) -> list[str]:
    """Wheel paths of every file the model packages in ``models`` consist of (manifest, model card, listed files)."""
    paths = []
    for manifest_path in sorted(models.glob("*/manifest.json")):
        package = manifest_path.parent
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        names = {"manifest.json"} | {entry["path"] for entry in manifest.get("files", {}).values()}
        if (package / "README.md").exists():
            names.add("README.md")
        paths += [f"desktop/resources/models/{package.name}/{name}" for name in sorted(names)]
    return paths


def app_modules(source: Path) -> list[str]:
    """Wheel paths of the app's Python files in a source tree (every ``desktop/**/*.py``): a subpackage missing
    from pyproject's package list would leave its files out of the wheel."""
    return sorted(str(p.relative_to(source).as_posix()) for p in (source / "desktop").rglob("*.py")
                  if "__pycache__" not in p.parts)


def wheel_problems(wheel: Path, models: Path | None = None, source: Path | None = None) -> list[str]:
    """What is wrong with ``wheel`` (an empty list when nothing is), given the model packages it must ship and
    the source tree it was built from."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata_name = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
        entry_points_name = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        metadata = archive.read(metadata_name).decode() if metadata_name else ""
        entry_points = archive.read(entry_points_name).decode() if entry_points_name else ""
    problems = [f"missing: {name}" for name in REQUIRED if name not in names]
    if models is not None:
        problems += [f"missing model file: {name}" for name in shipped_model_files(models) if name not in names]
    if source is not None:
        problems += [f"missing module: {name}" for name in app_modules(source) if name not in names]
    problems += [f"not part of the app: {name}" for name in sorted(names) if not ALLOWED_TOP.match(name)]
    problems += [f"not part of the app: {name}" for name in sorted(names)
                 if re.search(r"(^|/)(__pycache__|tests?|fixtures)/|\.pyc$", name)]
    if not metadata:
        problems.append("no METADATA in the wheel")
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:") and "extra ==" not in line:
            requirement = line.split(":", 1)[1].strip()
            if TRAINING_ONLY.match(requirement):
                problems.append(f"the app requires a training-only package: {requirement}")
    if not re.search(r"^\[gui_scripts\]\s*\nfolio\s*=\s*desktop\.app:main", entry_points, re.M):
        problems.append("no gui script folio = desktop.app:main")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--source", type=Path, default=ROOT, help="the source tree built (default: this checkout)")
    parser.add_argument("--models", type=Path, default=None,
                        help="the model packages the wheel must ship (default: SOURCE/resources/models)")
    args = parser.parse_args(argv)
    with zipfile.ZipFile(args.wheel) as archive:
        infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    model_files = [i for i in infos if i.filename.startswith("desktop/resources/models/")]
    print(f"wheel: {args.wheel.name}  {args.wheel.stat().st_size / 1e6:.2f} MB, {len(infos)} files, "
          f"{unpacked / 1e6:.2f} MB unpacked ({sum(i.file_size for i in model_files) / 1e6:.2f} MB of models "
          f"in {len(model_files)} files)")
    models = args.models if args.models is not None else args.source / "resources" / "models"
    problems = wheel_problems(args.wheel, models, args.source)
    for problem in problems:
        print(f"ERROR: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
