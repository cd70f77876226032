"""Model packages (``resources/models/<id>/``): manifest, sha256 checks, contract checks.

Every failure is a :class:`ModelPackageError` whose message names the package and what is wrong, so the
editor can show it instead of crashing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from desktop.runtime import contract

T = TypeVar("T")


class ModelPackageError(Exception):
    """A model package is missing, malformed, tampered with or of an unsupported contract."""


def read_json(path: Path, package: str) -> object:
    """The JSON in ``path``; a ModelPackageError in words, naming the file, when it is missing, unreadable, not
    UTF-8 or not valid JSON ("manifest.json is not valid JSON at line 3, column 5")."""
    path = Path(path)
    where = f"model package {package}: {path.name}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ModelPackageError(f"{where} is missing") from None
    except OSError as exc:
        raise ModelPackageError(f"{where} cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelPackageError(f"{where} is not UTF-8 text (byte {exc.start:,} is 0x{raw[exc.start]:02x})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelPackageError(f"{where} is not valid JSON at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ModelPackageError(f"{where} is nested too deeply to read") from None


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelPackage:
    """A verified model package: its folder and parsed manifest."""

    path: Path
    manifest: dict

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def cell(self) -> str:
        return self.manifest.get("cell", "")

    def file(self, role: str) -> Path:
        """Path of the file with ``role`` in manifest["files"]."""
        try:
            return self.path / self.manifest["files"][role]["path"]
        except (KeyError, TypeError):
            raise ModelPackageError(f"model package {self.path.name}: manifest names no {role!r} file") from None

    def load_vocab(self, role: str, from_json: Callable[[dict], T]) -> T:
        """The vocabulary file with ``role``, read by ``from_json``; a ModelPackageError naming the file when it is
        not valid JSON or not a vocabulary of that type."""
        path = self.file(role)
        data = read_json(path, self.path.name)
        if not isinstance(data, dict):
            raise ModelPackageError(f"model package {self.path.name}: {path.name} is not a JSON object")
        try:
            return from_json(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelPackageError(f"model package {self.path.name}: {path.name} is not a usable vocabulary "
                                    f"({exc})") from None

    @classmethod
    def load(cls, path: str | Path, verify: bool = True) -> ModelPackage:
        """Reads and checks a package folder; raises ModelPackageError with a precise reason."""
        path = Path(path)
        name = path.name
        manifest_path = path / contract.MANIFEST_NAME
        if not path.is_dir():
            raise ModelPackageError(f"model package {name}: folder not found at {path}")
        manifest = read_json(manifest_path, name)
        if not isinstance(manifest, dict):
            raise ModelPackageError(f"model package {name}: {contract.MANIFEST_NAME} is not a JSON object")
        version = manifest.get("contract")
        if version != contract.CONTRACT_VERSION:
            raise ModelPackageError(
                f"model package {name}: contract version {version!r} is not supported "
                f"(this Folio reads version {contract.CONTRACT_VERSION})"
            )
        for key in ("id", "kind", "files"):
            if key not in manifest:
                raise ModelPackageError(f"model package {name}: manifest lacks {key!r}")
        for key in ("id", "kind", "cell"):
            if key in manifest and not isinstance(manifest[key], str):
                raise ModelPackageError(f"model package {name}: {contract.MANIFEST_NAME} gives {key} as "
                                        f"{manifest[key]!r}; it must be text")
        if manifest["kind"] not in contract.KINDS:
            raise ModelPackageError(f"model package {name}: unknown kind {manifest['kind']!r}")
        if not isinstance(manifest["files"], dict) or not manifest["files"]:
            raise ModelPackageError(f"model package {name}: manifest lists no files")
        package = cls(path, manifest)
        if verify:
            package.verify()
        return package

    def verify(self) -> None:
        """Checks each listed file exists and matches its sha256."""
        for role, entry in self.manifest["files"].items():
            if not isinstance(entry, dict) or "path" not in entry or "sha256" not in entry:
                raise ModelPackageError(f"model package {self.path.name}: file entry {role!r} needs path and sha256")
            if not isinstance(entry["path"], str) or not isinstance(entry["sha256"], str):
                raise ModelPackageError(f"model package {self.path.name}: {contract.MANIFEST_NAME} gives the "
                                        f"{role!r} file's path and sha256 as {entry['path']!r} and "
                                        f"{entry['sha256']!r}; both must be text")
            file = self.path / entry["path"]
            if not file.is_file():
                raise ModelPackageError(f"model package {self.path.name}: {entry['path']} ({role}) is missing")
            actual = sha256_file(file)
            if actual != entry["sha256"]:
                raise ModelPackageError(
                    f"model package {self.path.name}: {entry['path']} is damaged or was modified "
                    f"(sha256 {actual[:12]}..., manifest says {entry['sha256'][:12]}...)"
                )


def find_packages(models_dir: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """Package folders under ``models_dir`` grouped by kind (read from each manifest, unverified),
    plus messages for folders whose manifest cannot be read."""
    by_kind: dict[str, list[Path]] = {}
    problems: list[str] = []
    if not Path(models_dir).is_dir():
        return by_kind, [f"model folder not found: {models_dir}"]
    for folder in sorted(p for p in Path(models_dir).iterdir() if p.is_dir()):
        try:
            package = ModelPackage.load(folder, verify=False)
        except ModelPackageError as exc:
            problems.append(str(exc))
            continue
        by_kind.setdefault(package.kind, []).append(folder)
    return by_kind, problems
