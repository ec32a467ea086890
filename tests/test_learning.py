"""Learning on real data with fixed seeds: what a user gets from the defaults."""

import numpy as np
import pytest
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score, root_mean_squared_error
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_rnn import GRUClassifier, LSTMClassifier, RNNRegressor
from sk_rnn.datasets import load_ucr_uea
from sk_rnn.forecasting import forecasting_regressor

# Trains to learned quality or runs user-facing code end to end: deselect with -m 'not slow'.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("cls", [LSTMClassifier, GRUClassifier], ids=lambda c: c.__name__)
def test_digits_read_row_by_row_reach_95_percent_with_defaults(cls, digits_sequences):
    X_train, y_train, X_test, y_test = digits_sequences
    clf = cls(random_state=0).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95


def test_the_units_of_x_do_not_change_the_model(digits_sequences):
    X_train, y_train, X_test, y_test = digits_sequences
    X_train, y_train = X_train[:300], y_train[:300]
    # Per-feature units and offsets, as a user's columns might have.
    scale = np.array([0.001, 1, 1000, 7, 0.5, 2, 1e4, 3])
    offset = np.array([5, -2000, 0, 1e5, 0, 1, -3, 0.5])
    models = [
        LSTMClassifier(max_epochs=15, random_state=0).fit(X * s + o, y_train)
        for X, s, o in [(X_train, 1, 0), (X_train, 2.0**-4, 0), (X_train, scale, offset)]
    ]
    reference = models[0].predict_proba(X_test)
    # A power of two rescales exactly: the same model, bit for bit.
    np.testing.assert_array_equal(models[1].predict_proba(X_test * 2.0**-4), reference)
    # Any other affine change of units rounds differently in float32, and
    # training amplifies any difference (noise of 1e-6 on the pixels alone
    # changes 6% of the test predictions), so the model is the same up to
    # that sensitivity: the same score within 0.02 (measured 0.852 and 0.859)
    # and 98% of the predictions in common.
    X_units = X_test * scale + offset
    assert abs(models[2].score(X_units, y_test) - models[0].score(X_test, y_test)) <= 0.02
    assert np.mean(models[2].predict(X_units) == models[0].predict(X_test)) >= 0.95
    # Without the internal scaling the same units drop the accuracy to 0.43 (against 0.86).
    without = LSTMClassifier(max_epochs=15, input_scaling=None, random_state=0).fit(
        X_train * scale + offset, y_train
    )
    assert without.score(X_units, y_test) < models[2].score(X_units, y_test) - 0.2


def test_a_long_real_series_task_that_step_by_step_reading_fails():
    # GunPoint (UCR archive): 150 steps, 50 training series. Read one step at a
    # time the LSTM stays near chance; the default patches learn it.
    X_train, y_train = load_ucr_uea("GunPoint")
    X_test, y_test = load_ucr_uea("GunPoint", split="test")
    nearest_neighbour = KNeighborsClassifier(1).fit(X_train[:, :, 0], y_train).score(X_test[:, :, 0], y_test)
    default = LSTMClassifier(random_state=0).fit(X_train, y_train)
    assert default.patch_size_ == 3
    assert default.score(X_test, y_test) >= nearest_neighbour  # 1-NN: 0.913
    step_by_step = LSTMClassifier(patch_size=1, bidirectional=False, max_epochs=60, random_state=0)
    assert step_by_step.fit(X_train, y_train).score(X_test, y_test) < 0.75


def test_indrnn_reads_spectra_by_their_shape_better_than_ridge():
    # Tecator (UCR/UEA regression archive): fat content of meat from 100-step
    # absorbance spectra, 172 training spectra. Reading its last state alone,
    # IndRNN scored RMSE 4.65; the default head also reads the maximum of its
    # outputs over the steps (measured 2.05 with this seed, 1.89-2.28 over three).
    X_train, y_train = load_ucr_uea("Tecator")
    X_test, y_test = load_ucr_uea("Tecator", split="test")
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 10)))
    ridge_rmse = root_mean_squared_error(
        y_test, ridge.fit(X_train[:, :, 0], y_train).predict(X_test[:, :, 0])
    )
    reg = RNNRegressor(cell="indrnn", random_state=0).fit(X_train, y_train)
    assert reg.output_ == "last+max"
    assert root_mean_squared_error(y_test, reg.predict(X_test)) < ridge_rmse  # ridge: 2.65


def noisy_sine_windows(window=30, n_points=630, seed=0):
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
    # Windows of one series: the regressor set up for them.
    reg = forecasting_regressor(cell, random_state=0).fit(X_train, y_train)
    # The noise alone (std 0.1 on a sine of variance 0.5) caps R² near 0.98;
    # measured 0.971 (IndRNN) to 0.978 (LSTM).
    assert r2_score(y_test, reg.predict(X_test)) >= 0.95
