"""Benchmarks that print numbers (speed, quality, keystroke savings); not tests."""

import desktop  # noqa: F401  (first: it sets ORT_DISABLE_TELEMETRY and BLAS threads before onnxruntime/numpy load)
