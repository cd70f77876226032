"""The process environment Folio needs before any library loads; :func:`prepare_environment` runs first.

Every way Folio starts (``python -m desktop``, the ``folio`` scripts, the frozen bundle's entry, the self-test,
benchmarks, export and training scripts) imports the ``desktop`` package before anything else, and its
``__init__`` calls :func:`prepare_environment`. It only sets environment variables, and imports nothing but
``os`` and ``sys``, so it is safe to call before numpy or ONNX Runtime are imported (afterwards is too late).

- ``ORT_DISABLE_TELEMETRY=1``: ONNX Runtime 1.32 on Linux otherwise looks up ``mobile.events.data.microsoft.com``
  a few seconds after the first inference session and writes a device id under ``~/.cache/Microsoft``.
  ``onnxruntime.disable_telemetry_events()`` does not stop that; this variable, read when onnxruntime loads, does.
  It is forced (not a default): Folio promises that nothing leaves the machine.
- ``OPENBLAS_NUM_THREADS=1`` (a default the user may override): numpy's BLAS work here is small matrix-vector
  products (the continuous cache: about 2,000 x 650 per keystroke), which one thread does fastest; BLAS's own
  worker threads spin on a busy 2-core machine and made them 70x slower when measured.
"""

from __future__ import annotations

import os
import sys

FORCED = {"ORT_DISABLE_TELEMETRY": "1"}
DEFAULTS = {"OPENBLAS_NUM_THREADS": "1"}
# Modules that read these variables once, when they load.
READERS = {"ORT_DISABLE_TELEMETRY": "onnxruntime", "OPENBLAS_NUM_THREADS": "numpy"}


def prepare_environment() -> list[str]:
    """Sets Folio's environment variables; returns the names of those set too late (their reader had already
    been imported), which callers may log. Idempotent."""
    for name, value in FORCED.items():
        os.environ[name] = value
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    return [name for name, module in READERS.items() if module in sys.modules]
