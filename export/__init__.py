"""PyTorch -> ONNX export, parity checks, int8 quantization and evaluation (python -m export...)."""
