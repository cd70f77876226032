"""The frozen app's entry point: PyInstaller runs this file as ``__main__`` (see packaging/folio.spec)."""

import sys

# First: ``desktop`` sets the environment (ORT_DISABLE_TELEMETRY=1, ...) that onnxruntime reads when it loads.
import desktop  # noqa: F401, I001

# onnxruntime is imported before Qt: on Windows, PySide6's bundled Visual C++ runtime DLLs can otherwise be
# loaded first and clash with the newer ones onnxruntime needs ("DLL load failed" at the first model load).
import onnxruntime  # noqa: F401

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
