"""Recurrent neural networks (Elman RNN, LSTM, GRU, IndRNN) as scikit-learn estimators."""

from ._classifiers import GRUClassifier, LSTMClassifier, RNNClassifier
from ._regressors import GRURegressor, LSTMRegressor, RNNRegressor

__version__ = "0.1.0"

# Subpackages load on first attribute access, as sklearn's do after
# ``import sklearn``: ``sk_rnn.preprocessing.SequenceScaler`` works without an
# import of its own, and ``import sk_rnn`` does not pay for pandas-heavy parts.
_SUBPACKAGES = ("datasets", "forecasting", "inspection", "modules", "preprocessing")


# save and load, too: safetensors and the file format load when first used.
_PERSISTENCE = ("load", "save")


def __getattr__(name: str):
    import importlib

    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _PERSISTENCE:
        return getattr(importlib.import_module(f"{__name__}._persistence.archive"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBPACKAGES, *_PERSISTENCE])


__all__ = [
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "load",
    "save",
]
