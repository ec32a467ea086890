"""A fitted estimator's predictions as a standalone graph: ONNX and TorchScript files."""

from .formats import export_onnx, export_torchscript
from .serving import serving_module

__all__ = ["export_onnx", "export_torchscript", "serving_module"]
