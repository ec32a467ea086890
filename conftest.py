"""Marks the doctests that train a network as ``slow``, like the quality tests.

Doctests cannot carry a decorator, so they are marked at collection: a
doctest is slow when it fits one of the package's networks.
"""

import re

import pytest
from _pytest.doctest import DoctestItem

_TRAINS_A_NETWORK = re.compile(
    r"\b(?:LSTM|GRU|RNN)(?:Classifier|Regressor)\(|forecasting_regressor\(|default_forecasting_pipeline\("
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not isinstance(item, DoctestItem):
            continue
        source = "".join(example.source for example in item.dtest.examples)
        if ".fit(" in source and _TRAINS_A_NETWORK.search(source):
            item.add_marker(pytest.mark.slow)
