"""Marks the doctests that train a network as ``slow``, like the quality tests.

Doctests cannot carry a decorator, so they are marked at collection: a
doctest is slow when it fits one of the package's networks, and skipped when
it needs statsmodels, an optional dependency, and statsmodels is not
installed. IndRNN's Triton kernels are not collected where Triton is not
installed (torch's CPU builds come without it): the module imports it first.
"""

import importlib.util
import re

import pytest
from _pytest.doctest import DoctestItem

_TRAINS_A_NETWORK = re.compile(
    r"\b(?:LSTM|GRU|RNN)(?:Classifier|Regressor)\(|forecasting_regressor\(|default_forecasting_pipeline\("
)

_HAS_STATSMODELS = importlib.util.find_spec("statsmodels") is not None

collect_ignore = [] if importlib.util.find_spec("triton") else ["sk_rnn/modules/_indrnn_kernels.py"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not isinstance(item, DoctestItem):
            continue
        source = "".join(example.source for example in item.dtest.examples)
        if ".fit(" in source and _TRAINS_A_NETWORK.search(source):
            item.add_marker(pytest.mark.slow)
        if "ExponentialSmoothingRegressor(" in source and not _HAS_STATSMODELS:
            item.add_marker(pytest.mark.skip(reason="fits statsmodels' exponential smoothing; not installed"))
