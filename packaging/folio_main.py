"""The frozen app's entry point: PyInstaller runs this file as ``__main__`` (see packaging/folio.spec)."""

import sys

from desktop.environment import prepare_environment

# First: the environment onnxruntime reads when it loads (ORT_DISABLE_TELEMETRY=1, ...).
prepare_environment()

# onnxruntime is imported before Qt: on Windows, PySide6's bundled Visual C++ runtime DLLs can otherwise be
# loaded first and clash with the newer ones onnxruntime needs ("DLL load failed" at the first model load).
import onnxruntime  # noqa: E402, F401

from desktop.app import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
