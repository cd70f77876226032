"""PyTorch -> ONNX export, parity checks, int8 quantization and evaluation (python -m export...)."""

import desktop  # noqa: F401  (first: it sets ORT_DISABLE_TELEMETRY and BLAS threads before onnxruntime/numpy load)
