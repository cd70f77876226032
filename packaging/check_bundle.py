"""Checks a PyInstaller one-folder build of Folio and reports its size.

    python packaging/check_bundle.py dist/folio [--max-mib 200]

- size: the sum of the files' sizes (symbolic links not counted twice), the largest files, and the size
  without the model packages; over ``--max-mib`` (default 200 MiB with the models, or $FOLIO_BUNDLE_MAX_MIB)
  is an error;
- contents: no torch, onnx, onnxscript, sympy, matplotlib, tkinter, nor Folio's model/, export/, tests/ or
  benchmarks/, nor network clients (requests, huggingface_hub, ssl, ...), neither as files nor as modules in the
  executable's archive (read with PyInstaller's reader when this Python has PyInstaller); the shipped model
  packages are there;
- libraries (Linux, with ldd): every library of the bundle finds the Qt, PySide6 and Python libraries it links
  (pruning a Qt library that something still needs is an error); other libraries it expects from the system are
  listed (the GTK theme plugin's, for instance, which loads only where the desktop has GTK).

Exit code 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

FORBIDDEN = frozenset({"torch", "torchvision", "onnx", "onnxscript", "sympy", "matplotlib", "tkinter", "_tkinter",
                       "model", "export", "tests", "benchmarks",
                       # network clients: an offline app has no use for them
                       "huggingface_hub", "requests", "urllib3", "httpx", "httpcore", "aiohttp", "ssl", "_ssl"})
# Libraries the bundle itself must provide (a "not found" for one of these means pruning went too far).
BUNDLED = re.compile(r"^lib(Qt6|pyside6|shiboken6|python3|icu)")
MIB = 1024 * 1024


# The spelling word lists: pyspellchecker's English and French lists and Folio's extra English words.
SPELLING_FILES = ("spellchecker/resources/en.json.gz", "spellchecker/resources/fr.json.gz",
                  "desktop/resources/spelling/en-extra.txt.gz")


def internal_dir(bundle: Path) -> Path:
    """Where PyInstaller put the libraries and data (``_internal`` since PyInstaller 6; the bundle before)."""
    return bundle / "_internal" if (bundle / "_internal").is_dir() else bundle


def file_sizes(bundle: Path) -> dict[Path, int]:
    """Size of every regular file under ``bundle`` (links skipped: they point at files already counted)."""
    return {p: p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()}


def forbidden_files(bundle: Path) -> list[str]:
    """Files or folders of the bundle whose top-level name under _internal is a forbidden package."""
    root = internal_dir(bundle)
    return sorted(p.name for p in root.iterdir() if p.name.split(".")[0] in FORBIDDEN)


def archive_modules(executable: Path) -> list[str] | None:
    """Module names in the executable's PYZ archive; None when this Python has no PyInstaller to read it."""
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        return None
    archive = CArchiveReader(str(executable))
    names = [name for name in archive.toc if name.endswith(".pyz")]
    modules: list[str] = []
    for name in names:
        modules.extend(archive.open_embedded_archive(name).toc)
    return modules


def forbidden_modules(modules: list[str]) -> list[str]:
    """The modules whose top-level package is forbidden."""
    return sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)


def missing_libraries(bundle: Path) -> dict[str, set[str]]:
    """Library name -> bundle files that link it but cannot find it (ldd's "not found"), for every ELF file.

    ldd runs with the bundle's library folder on LD_LIBRARY_PATH, as PyInstaller's boot loader sets it."""
    root = internal_dir(bundle)
    env = dict(os.environ, LD_LIBRARY_PATH=str(root))
    missing: dict[str, set[str]] = {}
    for path in sorted(file_sizes(bundle)):
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            if "not found" in line:
                missing.setdefault(line.split("=>")[0].strip(), set()).add(str(path.relative_to(bundle)))
    return missing


GOAL_MIB = 200  # the limit for the unpacked bundle, models included (issues 6 and 16)


def check(bundle: Path, max_mib: float) -> list[str]:
    """Prints the report; returns the errors."""
    errors: list[str] = []
    sizes = file_sizes(bundle)
    total = sum(sizes.values())
    print(f"bundle: {bundle}  {len(sizes)} files, {total / MIB:.1f} MiB (limit {max_mib:.0f} MiB)")
    models = sum(size for path, size in sizes.items() if "models" in path.relative_to(bundle).parts)
    verdict = "within" if total <= GOAL_MIB * MIB else "over"
    print(f"  {verdict} the {GOAL_MIB} MiB goal; model packages {models / MIB:.1f} MiB, "
          f"the app without them {(total - models) / MIB:.1f} MiB")
    for path, size in sorted(sizes.items(), key=lambda item: -item[1])[:12]:
        print(f"  {size / MIB:7.1f} MiB  {path.relative_to(bundle)}")
    if total > max_mib * MIB:
        errors.append(f"the bundle is {total / MIB:.1f} MiB, over the {max_mib:.0f} MiB limit")

    errors += [f"forbidden in the bundle: {name}" for name in forbidden_files(bundle)]
    executable = next((p for p in (bundle / bundle.name, bundle / f"{bundle.name}.exe") if p.is_file()), None)
    if executable is None:
        errors.append(f"no executable {bundle.name} in {bundle}")
    else:
        modules = archive_modules(executable)
        if modules is None:
            print("modules: PyInstaller is not installed here; the executable's archive was not read")
        else:
            print(f"modules: {len(modules)} in the executable's archive")
            errors += [f"forbidden module in the archive: {m}" for m in forbidden_modules(modules)]
            if "desktop.app" not in modules:
                errors.append("desktop.app is not in the executable's archive")

    models = internal_dir(bundle) / "desktop" / "resources" / "models"
    packages = sorted(p.parent.name for p in models.glob("*/manifest.json"))
    print(f"models: {', '.join(packages) or 'none'}")
    if not packages:
        errors.append(f"no model package in {models}")
    for word_list in SPELLING_FILES:
        if not (internal_dir(bundle) / word_list).is_file():
            errors.append(f"spelling word list missing from the bundle: {word_list}")

    if sys.platform.startswith("linux") and shutil.which("ldd"):
        for library, users in sorted(missing_libraries(bundle).items()):
            line = f"{library} (needed by {', '.join(sorted(users)[:3])})"
            if BUNDLED.match(library):
                errors.append(f"library missing from the bundle: {line}")
            else:
                print(f"  from the system: {line}")
    for error in errors:
        print(f"ERROR: {error}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder build (dist/folio)")
    parser.add_argument("--max-mib", type=float, default=float(os.environ.get("FOLIO_BUNDLE_MAX_MIB", GOAL_MIB)))
    args = parser.parse_args(argv)
    return 1 if check(args.bundle, args.max_mib) else 0


if __name__ == "__main__":
    sys.exit(main())
