"""``Engines``: the one place the app, tests and benchmarks get models from (docs/architecture.md, "The runtime
API")."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from desktop.runtime import contract
from desktop.runtime.completer import Completer
from desktop.runtime.continuer import Continuer
from desktop.runtime.package import ModelPackage, ModelPackageError, find_packages
from desktop.runtime.paths import models_dir
from desktop.runtime.session import GraphLoadError
from desktop.runtime.speller import Speller
from desktop.runtime.translator import Translator


@dataclass
class UnavailableEngine:
    """Stands in for an engine whose model is missing or broken; ``error`` says why."""

    name: str
    error: str
    available: bool = False
    provider: str = ""

    def __getattr__(self, attr: str):
        raise RuntimeError(f"{self.name} is unavailable: {self.error}")


class Engines:
    """Loads each model package lazily (on first use of its engine) from one models folder."""

    def __init__(self, models_path: Path, provider: str = "auto", threads: int = 1):
        self.models_path = Path(models_path)
        self.provider = provider
        self.threads = threads
        self._lock = threading.Lock()
        self._speller_lock = threading.Lock()
        self._engines: dict[str, object] = {}
        self.packages, self.problems = find_packages(self.models_path)

    @classmethod
    def from_dir(cls, path: str | Path | None = None, provider: str = "auto", threads: int = 1) -> Engines:
        """Engines over ``path`` (a folder of model packages); None means the packaged resources."""
        return cls(Path(path) if path is not None else models_dir(), provider, threads)

    def _engine(self, kind: str, name: str, factory):
        with self._lock:
            if kind not in self._engines:
                self._engines[kind] = self._build(kind, name, factory)
            return self._engines[kind]

    def package_problem(self, kind: str) -> str:
        """Why no engine of ``kind`` can load, known without loading it (no package of that kind); else ""."""
        if self.packages.get(kind):
            return ""
        reason = f"no {kind} model package in {self.models_path}"
        if self.problems:
            reason += " (" + "; ".join(self.problems) + ")"
        return reason

    def _build(self, kind: str, name: str, factory):
        folders = self.packages.get(kind)
        if not folders:
            return UnavailableEngine(name, self.package_problem(kind))
        try:
            return factory(ModelPackage.load(folders[0]), self.provider, self.threads)
        except ModelPackageError as exc:
            return UnavailableEngine(name, str(exc))
        except GraphLoadError as exc:
            return UnavailableEngine(name, f"model package {folders[0].name}: {exc}")
        except ValueError as exc:  # a bad provider name
            return UnavailableEngine(name, str(exc))
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for corrupt graphs
            return UnavailableEngine(name, f"model package {folders[0].name} failed to load: {exc}")

    @property
    def continuer(self) -> Continuer | UnavailableEngine:
        """Shakespeare-style continuation (char_lm)."""
        return self._engine(contract.KIND_CHAR_LM, "continuation", Continuer)

    @property
    def completer(self) -> Completer | UnavailableEngine:
        """Next-word completion (word_lm)."""
        return self._engine(contract.KIND_WORD_LM, "completion", Completer)

    @property
    def speller(self) -> Speller | UnavailableEngine:
        """Spelling: the library's word lists; corrections ranked with the word model when it loads."""
        completer = self.completer  # outside the speller's lock: it takes the engines' lock itself
        with self._speller_lock:
            if "speller" not in self._engines:
                try:
                    self._engines["speller"] = Speller(completer if completer.available else None)
                except Exception as exc:  # noqa: BLE001 - the library missing or its word list unreadable
                    self._engines["speller"] = UnavailableEngine("spelling", f"the spelling library failed: {exc}")
            return self._engines["speller"]

    @property
    def translator(self) -> Translator | UnavailableEngine:
        """English to French translation (translator)."""
        return self._engine(contract.KIND_TRANSLATOR, "translation", Translator)
