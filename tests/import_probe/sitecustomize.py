"""Records the environment a process had when it first imported onnxruntime (tests/test_offline.py).

With this folder on ``PYTHONPATH``, Python imports this module at start-up. It adds a meta-path finder that,
the first time ``onnxruntime`` is imported, appends ``<pid> ORT_DISABLE_TELEMETRY=<value> <argv>`` to the file
named by ``FOLIO_ORT_IMPORT_LOG`` and then ends the process at once (exit code 0): the test only needs to know
what the variable was at that moment, not to run the program further.
"""

from __future__ import annotations

import os
import sys


class _OnnxruntimeImportProbe:
    def find_spec(self, name, path=None, target=None):
        if name != "onnxruntime":
            return None
        value = os.environ.get("ORT_DISABLE_TELEMETRY", "<unset>")
        with open(os.environ["FOLIO_ORT_IMPORT_LOG"], "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} ORT_DISABLE_TELEMETRY={value} {sys.argv!r}\n")
        os._exit(0)


sys.meta_path.insert(0, _OnnxruntimeImportProbe())
