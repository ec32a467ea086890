"""Learning on real data with fixed seeds: what a user gets from the defaults."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

from sk_rnn import GRUClassifier, LSTMClassifier, RNNRegressor


@pytest.mark.parametrize("cls", [LSTMClassifier, GRUClassifier], ids=lambda c: c.__name__)
def test_digits_read_row_by_row_reach_95_percent_with_defaults(cls, digits_sequences):
    X_train, y_train, X_test, y_test = digits_sequences
    clf = cls(random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95


def noisy_sine_windows(window=30, n_points=1230, seed=0):
    """Windows of a noisy sine and the value that follows each one, in time order."""
    rng = np.random.RandomState(seed)
    t = np.arange(n_points)
    series = np.sin(2 * np.pi * t / 40) + 0.1 * rng.normal(size=n_points)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], window)
    y = series[window:]
    split = int(0.8 * len(X))
    return X[:split], y[:split], X[split:], y[split:]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "indrnn"])
def test_noisy_sine_next_step_forecast(cell):
    X_train, y_train, X_test, y_test = noisy_sine_windows()
    reg = RNNRegressor(cell=cell, random_state=0).fit(X_train, y_train)
    # The noise alone (std 0.1 on a sine of variance 0.5) caps R² near 0.98.
    assert r2_score(y_test, reg.predict(X_test)) >= 0.95
