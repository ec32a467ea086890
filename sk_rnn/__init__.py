"""Recurrent neural networks (Elman RNN, LSTM, GRU, IndRNN) as scikit-learn estimators."""

from ._classifiers import GRUClassifier, LSTMClassifier, RNNClassifier
from ._regressors import GRURegressor, LSTMRegressor, RNNRegressor

__version__ = "0.1.0"

# Subpackages load on first attribute access, as sklearn's do after
# ``import sklearn``: ``sk_rnn.preprocessing.SequenceScaler`` works without an
# import of its own, and ``import sk_rnn`` does not pay for pandas-heavy parts.
_SUBPACKAGES = ("datasets", "forecasting", "modules", "preprocessing")


def __getattr__(name: str):
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBPACKAGES])


__all__ = [
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "RNNClassifier",
    "RNNRegressor",
]
