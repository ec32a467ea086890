"""Recurrent neural networks (Elman RNN, LSTM, GRU, IndRNN) as scikit-learn estimators."""

from ._classifiers import GRUClassifier, LSTMClassifier, RNNClassifier
from ._regressors import GRURegressor, LSTMRegressor, RNNRegressor

__version__ = "0.1.0"

# Subpackages load on first attribute access, as sklearn's do after
# ``import sklearn``: ``sk_rnn.preprocessing.SequenceScaler`` works without an
# import of its own, and ``import sk_rnn`` does not pay for pandas-heavy parts.
_SUBPACKAGES = ("datasets", "forecasting", "inspection", "modules", "preprocessing")


# save and load, too: safetensors and the file format load when first used;
# and the exports, whose tracing machinery loads only when one is written.
_PERSISTENCE = ("load", "save")
_EXPORTS = ("export_onnx", "export_torchscript")


def __getattr__(name: str):
    import importlib

    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _PERSISTENCE:
        return getattr(importlib.import_module(f"{__name__}._persistence.archive"), name)
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}._export"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBPACKAGES, *_PERSISTENCE, *_EXPORTS])


__all__ = [
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "export_onnx",
    "export_torchscript",
    "load",
    "save",
]
