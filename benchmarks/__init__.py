"""Benchmarks that print numbers (speed, quality, keystroke savings); not tests."""

import desktop  # noqa: F401  (first: it keeps numpy's BLAS single-threaded, which must be set before numpy loads)
