"""Model packages (``resources/models/<id>/``): manifest, sha256 checks, contract checks.

Every failure is a :class:`ModelPackageError` whose message names the package and what is wrong, so the
editor can show it instead of crashing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from desktop.runtime import contract


class ModelPackageError(Exception):
    """A model package is missing, malformed, tampered with or of an unsupported contract."""


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
        except KeyError:
            raise ModelPackageError(f"model package {self.path.name}: manifest names no {role!r} file") from None

    @classmethod
    def load(cls, path: str | Path, verify: bool = True) -> ModelPackage:
        """Reads and checks a package folder; raises ModelPackageError with a precise reason."""
        path = Path(path)
        name = path.name
        manifest_path = path / contract.MANIFEST_NAME
        if not path.is_dir():
            raise ModelPackageError(f"model package {name}: folder not found at {path}")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelPackageError(f"model package {name}: {contract.MANIFEST_NAME} is missing") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelPackageError(f"model package {name}: {contract.MANIFEST_NAME} is unreadable ({exc})") from None
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
