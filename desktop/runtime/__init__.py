"""Inference for Folio: ONNX Runtime, numpy and the standard library only (no Qt, no torch)."""

from desktop.runtime.engines import Engines, UnavailableEngine
from desktop.runtime.package import ModelPackage, ModelPackageError

__all__ = ["Engines", "ModelPackage", "ModelPackageError", "UnavailableEngine"]
