"""Regression losses by name: squared, absolute, Huber and quantile (pinball), as HGBR names them."""

import warnings

import numpy as np
import pytest
import torch

import sk_rnn
from sk_rnn import GRURegressor, LSTMRegressor, RNNRegressor
from sk_rnn.modules.losses import PinballLoss

RNG = np.random.RandomState(0)


def draw(n):
    X = RNG.randn(n, 6, 2)
    # Skewed noise: the mean, the median and the quantiles differ.
    return X, X[:, -2:, 0].sum(axis=1) + RNG.exponential(1.0, size=n)


X, y = draw(1500)
X_test, y_test = draw(2000)  # held out: a fit that memorises its training targets shows here
# Measured with these settings: coverage 0.099 and 0.895 for the 0.1 and 0.9 quantiles,
# median and mean residuals 0.03 and -0.002, mean minus median 0.31.
SETTINGS = {"hidden_size": 16, "max_epochs": 20, "random_state": 0}


def fit(**params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GRURegressor(**SETTINGS, **params).fit(X, y)


@pytest.mark.slow
def test_the_quantile_loss_predicts_its_quantile():
    for quantile in (0.1, 0.9):
        below = np.mean(y_test < fit(loss="quantile", quantile=quantile).predict(X_test))
        assert below == pytest.approx(quantile, abs=0.04)


@pytest.mark.slow
def test_absolute_error_predicts_the_median_and_squared_error_the_mean():
    # Exponential noise: its mean (1) lies 1 - ln 2 = 0.31 above its median.
    absolute, squared = fit(loss="absolute_error").predict(X_test), fit().predict(X_test)
    assert abs(np.median(y_test - absolute)) < 0.1
    assert abs(np.mean(y_test - squared)) < 0.1
    assert np.mean(squared - absolute) == pytest.approx(0.31, abs=0.1)


@pytest.mark.slow
def test_huber_is_less_pulled_by_outliers_than_squared_error():
    polluted = y.copy()
    polluted[::20] += 60  # 5% gross outliers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        squared = GRURegressor(**SETTINGS).fit(X, polluted).predict(X)
        huber = GRURegressor(loss="huber", **SETTINGS).fit(X, polluted).predict(X)
    clean = np.arange(len(y)) % 20 != 0
    assert np.abs(huber - y)[clean].mean() < np.abs(squared - y)[clean].mean()


def test_losses_work_per_step_weighted_and_saved(tmp_path):
    per_step = LSTMRegressor(output="sequence", loss="quantile", quantile=0.8, hidden_size=8, max_epochs=2)
    per_step.fit(X, X[:, :, 0], sample_weight=np.ones(len(X)))
    model = RNNRegressor(loss="absolute_error", hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    sk_rnn.save(model, tmp_path / "model.skrnn")
    np.testing.assert_array_equal(sk_rnn.load(tmp_path / "model.skrnn").predict(X), model.predict(X))


def test_the_pinball_loss_is_the_textbook_one():
    loss = PinballLoss(quantile=0.9, reduction="none")
    errors = loss(torch.tensor([0.0, 0.0]), torch.tensor([1.0, -1.0]))
    torch.testing.assert_close(errors, torch.tensor([0.9, 0.1]))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"loss": "quantile"}, r"loss='quantile' without quantile: say which one"),
        ({"quantile": 0.5}, r"quantile=0.5 with loss='squared_error'; the quantile applies to"),
        ({"loss": "quantile", "quantile": 1.5}, r"'quantile' parameter of GRURegressor must be"),
        ({"loss": "poisson"}, r"'loss' parameter of GRURegressor must be a str among"),
    ],
)
def test_inconsistent_loss_settings_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        GRURegressor(max_epochs=1, **params).fit(X, y)
