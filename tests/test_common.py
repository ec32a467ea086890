"""scikit-learn's own estimator checks over every public estimator.

No check is expected to fail. The number of checks collected per estimator is
asserted too: an estimator whose tags stopped declaring 2-D input would be
handed a single check instead of about fifty, and the suite would still pass.
"""

from collections import Counter

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator, parametrize_with_checks

from sk_rnn import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RNNClassifier,
    RNNRegressor,
)
from sk_rnn.preprocessing import SequencePadder

# Default hyperparameters, except RNN* which also run the cells that the
# LSTM*/GRU* siblings do not cover.
ESTIMATORS = [
    LSTMClassifier(),
    GRUClassifier(),
    RNNClassifier(cell="indrnn"),
    LSTMRegressor(),
    GRURegressor(),
    RNNRegressor(cell="rnn"),
    SequencePadder(),
]

# Checks scikit-learn 1.9 collects for each estimator with these
# tags. A change here must be explained (a new sklearn release, new tags).
EXPECTED_CHECKS = {
    "LSTMClassifier": 55,
    "GRUClassifier": 55,
    "RNNClassifier": 55,
    "LSTMRegressor": 53,
    "GRURegressor": 53,
    "RNNRegressor": 53,
    "SequencePadder": 47,
}


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_every_estimator_gets_the_full_set_of_checks(estimator):
    collected = Counter(type(instance).__name__ for instance, _ in estimator_checks_generator(estimator))
    assert collected == Counter({type(estimator).__name__: EXPECTED_CHECKS[type(estimator).__name__]})
