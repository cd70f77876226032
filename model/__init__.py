"""Training code for Folio's models (PyTorch). Not part of the installed app."""

import desktop  # noqa: F401  (first: it sets ORT_DISABLE_TELEMETRY and BLAS threads before onnxruntime/numpy load)
