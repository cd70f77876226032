"""Folio: an offline desktop writing assistant."""

from desktop.environment import prepare_environment

__version__ = "0.1.0"

# First, before anything under ``desktop`` can import numpy or onnxruntime (see desktop/environment.py).
_SET_TOO_LATE = prepare_environment()
