"""Folio: an offline desktop writing assistant."""

import os

__version__ = "0.1.0"

# numpy's BLAS work here is small matrix-vector products (the continuous cache: about 2,000 x 650 per
# keystroke), which one thread does fastest; BLAS's own worker threads spin on a busy 2-core machine and made
# them 70x slower when measured. Set before numpy loads, so anything under ``desktop`` gets it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
