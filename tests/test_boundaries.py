"""Import boundaries (docs/architecture.md, "Layout and boundaries"): the app never needs torch or onnx; the runtime
never needs Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCKER = """
import sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("blocked by test: " + name)

sys.meta_path.insert(0, Block())
"""


def _run_blocked(blocked: set[str], code: str) -> subprocess.CompletedProcess:
    script = BLOCKER.format(blocked=blocked) + code
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})


def test_app_imports_and_generates_without_torch_or_onnx(models_dir: Path):
    code = f"""
import desktop.app, desktop.ui.main_window, desktop.selftest
from desktop.runtime import Engines
c = Engines.from_dir({str(models_dir)!r}).continuer
assert c.available, c.error
print("".join(c.generate("to be", 10, seed=0)))
assert "torch" not in sys.modules and "onnx" not in sys.modules
"""
    result = _run_blocked({"torch", "onnx", "onnxscript", "model", "export"}, code)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) > 0


def test_runtime_imports_without_qt():
    result = _run_blocked({"PySide6", "shiboken6"}, "import desktop.runtime, desktop.selftest\n")
    assert result.returncode == 0, result.stderr


def test_core_imports_without_qt_torch_onnx_or_the_rest_of_desktop():
    modules = sorted(path.stem for path in (ROOT / "desktop" / "core").glob("*.py") if path.stem != "__init__")
    code = "import importlib\n" + "".join(f"importlib.import_module('desktop.core.{name}')\n" for name in modules)
    code += "assert not [m for m in sys.modules if m.startswith(('desktop.runtime', 'desktop.ui'))]\n"
    result = _run_blocked({"PySide6", "shiboken6", "torch", "onnx", "onnxruntime", "model", "export"}, code)
    assert result.returncode == 0, result.stderr
    assert len(modules) >= 10  # files, recovery, preferences, appstate, textformat, ... all live in the core
