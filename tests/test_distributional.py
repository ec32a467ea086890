"""Regressors that predict a distribution: several quantiles at once, or a normal mean and std."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sk_rnn
from sk_rnn import GRURegressor, LSTMRegressor, RNNRegressor
from sk_rnn.modules.heads import monotone_quantiles
from sk_rnn.modules.losses import MultiQuantileLoss, NormalNLLLoss, PinballLoss

RNG = np.random.RandomState(0)


def draw(n):
    X = RNG.randn(n, 6, 2)
    # Noise whose spread grows with the last step's second feature: intervals must adapt.
    spread = 0.3 + np.abs(X[:, -1, 1])
    return X, X[:, -2:, 0].sum(axis=1) + spread * RNG.randn(n)


X, y = draw(1500)
X_test, y_test = draw(2000)
SETTINGS = {"hidden_size": 16, "max_epochs": 20, "random_state": 0}


def fit(**params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GRURegressor(**SETTINGS, **params).fit(X, y)


def test_the_multi_quantile_loss_is_the_mean_pinball_loss_of_its_quantiles():
    raw = torch.randn(5, 3)
    target = torch.randn(5, 1)
    values = monotone_quantiles(raw)
    expected = torch.stack(
        [PinballLoss(q, reduction="none")(values[:, i], target[:, 0]) for i, q in enumerate((0.1, 0.5, 0.9))]
    ).mean(dim=0)
    loss = MultiQuantileLoss((0.1, 0.5, 0.9), reduction="none")(raw, target)
    torch.testing.assert_close(loss[:, 0], expected)


def test_the_normal_loss_is_the_negative_log_likelihood():
    raw = torch.tensor([[0.5, 1.0]])
    target = torch.tensor([[2.0]])
    std = torch.nn.functional.softplus(torch.tensor(1.0)) + 1e-3
    expected = -torch.distributions.Normal(0.5, std).log_prob(torch.tensor(2.0))
    torch.testing.assert_close(NormalNLLLoss()(raw, target), expected)


def test_quantiles_are_monotone_whatever_the_raw_outputs():
    values = monotone_quantiles(torch.randn(100, 7) * 10)
    assert bool((values.diff(dim=-1) >= 0).all())


@pytest.mark.slow
def test_one_network_predicts_calibrated_quantiles_that_never_cross():
    # Measured: 0.124, 0.493 and 0.881 of the held-out targets below the 0.1, median and 0.9
    # predictions; the band's width correlates 0.58 with the noise's spread.
    model = fit(loss="quantile", quantile=[0.9, 0.1])
    np.testing.assert_array_equal(model.quantiles_, [0.1, 0.5, 0.9])  # sorted, the median added
    bands = model.predict_quantiles(X_test)
    assert bands.shape == (len(X_test), 3)
    assert np.all(np.diff(bands, axis=1) >= 0)
    below = (y_test[:, np.newaxis] < bands).mean(axis=0)
    np.testing.assert_allclose(below, [0.1, 0.5, 0.9], atol=0.04)
    np.testing.assert_array_equal(model.predict(X_test), bands[:, 1])  # predict is the median
    np.testing.assert_array_equal(model.predict_quantiles(X_test, [0.1, 0.9]), bands[:, [0, 2]])
    # The band widens where the noise does.
    true_spread = 0.3 + np.abs(X_test[:, -1, 1])
    assert np.corrcoef(bands[:, 2] - bands[:, 0], true_spread)[0, 1] > 0.45


@pytest.mark.slow
def test_a_normal_head_predicts_a_standard_deviation_that_follows_the_noise():
    # Measured: 0.876 of the held-out targets within mean +- 1.645 std; the std correlates 0.91
    # with the noise's spread.
    model = fit(loss="normal")
    mean, std = model.predict(X_test, return_std=True)
    assert mean.shape == std.shape == (len(X_test),)
    assert np.all(std > 0)
    np.testing.assert_array_equal(mean, model.predict(X_test))
    assert np.mean(np.abs(y_test - mean) <= 1.645 * std) == pytest.approx(0.9, abs=0.04)
    true_spread = 0.3 + np.abs(X_test[:, -1, 1])
    assert np.corrcoef(std, true_spread)[0, 1] > 0.8
    lower, median, upper = model.predict_quantiles(X_test, [0.05, 0.5, 0.95]).T
    np.testing.assert_allclose(median - lower, upper - median, rtol=1e-5)  # symmetric
    np.testing.assert_allclose(median, mean)
    np.testing.assert_allclose(upper - median, 1.6448536 * std, rtol=1e-5)


def test_distribution_heads_take_every_target_layout_and_round_trip(tmp_path):
    settings = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}
    two_targets = np.c_[y, -y]
    model = LSTMRegressor(loss="quantile", quantile=[0.2, 0.8], **settings).fit(X, two_targets)
    assert model.predict_quantiles(X[:4]).shape == (4, 2, 3)
    assert model.predict(X[:4]).shape == (4, 2)
    per_step = RNNRegressor(output="sequence", loss="normal", **settings).fit(X, X[:, :, 0])
    mean, std = per_step.predict(X[:4], return_std=True)
    assert mean.shape == std.shape == (4, 6)
    ragged = [X[0], X[1, :3]]
    assert [q.shape for q in per_step.predict_quantiles(ragged, [0.1, 0.9])] == [(6, 2), (3, 2)]
    weighted = GRURegressor(loss="normal", **settings).fit(X, y, sample_weight=RNG.rand(len(X)))
    assert np.isfinite(weighted.predict(X[:4], return_std=True)[1]).all()
    sk_rnn.save(model, tmp_path / "quantiles.skrnn")
    np.testing.assert_array_equal(
        sk_rnn.load(tmp_path / "quantiles.skrnn").predict_quantiles(X), model.predict_quantiles(X)
    )


def test_a_panel_gets_its_quantiles_indexed_by_instance():
    index = pd.MultiIndex.from_product([range(40), range(5)], names=["id", "t"])
    panel = pd.DataFrame({"x": RNG.randn(200)}, index=index)
    target = pd.Series(RNG.randn(40), index=range(40))
    model = GRURegressor(loss="quantile", quantile=[0.1, 0.9], hidden_size=8, max_epochs=2).fit(panel, target)
    quantiles = model.predict_quantiles(panel)
    assert quantiles.shape == (40, 3) and list(quantiles.index) == list(range(40))
    assert list(quantiles.columns) == [0.1, 0.5, 0.9]


def test_a_panel_with_several_targets_gets_a_column_per_output_and_quantile():
    # A frame holds two axes: the (n, k, Q) quantiles of k targets become k * Q columns.
    index = pd.MultiIndex.from_product([range(40), range(5)], names=["id", "t"])
    panel = pd.DataFrame({"x": RNG.randn(200)}, index=index)
    target = RNG.randn(40, 2) * [1.0, 100.0]
    model = GRURegressor(loss="quantile", quantile=[0.1, 0.9], hidden_size=8, max_epochs=2).fit(panel, target)
    quantiles = model.predict_quantiles(panel)
    assert quantiles.shape == (40, 6)
    assert list(quantiles.columns) == [(k, q) for k in (0, 1) for q in (0.1, 0.5, 0.9)]
    as_array = model.predict_quantiles(panel.to_numpy().reshape(40, 5, 1))
    np.testing.assert_allclose(quantiles[1].to_numpy(), as_array[:, 1], rtol=1e-6)


def test_in_a_pipeline_and_after_early_stopping():
    settings = {"hidden_size": 8, "max_epochs": 3, "random_state": 0, "early_stopping": True}
    flat = X[:, :, 0]
    pipeline = make_pipeline(StandardScaler(), GRURegressor(loss="normal", **settings)).fit(flat, y)
    assert pipeline.predict(flat[:3], return_std=True)[1].shape == (3,)
    model = GRURegressor(loss="quantile", quantile=[0.25, 0.75], **settings).fit(X, y)
    assert np.isfinite(model.net_.history[:, "valid_score"]).all()


@pytest.mark.parametrize(
    "params, call, message",
    [
        ({}, "std", r"return_std=True\) needs a network that predicts a standard deviation, but this one"),
        ({}, "quantiles", r"predict_quantiles needs a network that predicts quantiles or a distribution"),
        ({"loss": "normal"}, "quantiles", r"trained with loss='normal' needs the quantiles to return"),
        ({"loss": "quantile", "quantile": [0.1]}, "missing", r"trained for the quantiles \[0.1, 0.5\], not"),
        ({"loss": "quantile", "quantile": 0.3}, "decreasing", r"pass increasing numbers strictly between 0"),
    ],
)
def test_asking_for_what_the_network_does_not_predict_is_refused(params, call, message):
    model = GRURegressor(hidden_size=4, max_epochs=1, **params).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match=message):
        if call == "std":
            model.predict(X[:2], return_std=True)
        elif call == "missing":
            model.predict_quantiles(X[:2], [0.9])
        elif call == "decreasing":
            model.predict_quantiles(X[:2], [0.3, 0.2])
        else:
            model.predict_quantiles(X[:2])


def test_quantiles_outside_zero_one_are_refused():
    with pytest.raises(ValueError, match=r"each quantile must lie strictly between 0 and 1"):
        GRURegressor(loss="quantile", quantile=[0.5, 1.2], max_epochs=1).fit(X[:20], y[:20])
    # Inside (0, 1), but kept to 7 decimals it is 0: the message says why it is refused.
    with pytest.raises(ValueError, match=r"kept to 7 decimals: from 1e-07 to 0.9999999"):
        GRURegressor(loss="quantile", quantile=[1e-8, 0.5], max_epochs=1).fit(X[:20], y[:20])


@pytest.mark.parametrize("levels", [["a", 0.9], [[0.1], [0.5, 0.9]], [None]])
def test_quantile_levels_that_are_not_numbers_are_refused_with_what_they_must_be(levels):
    # numpy's own "could not convert string to float" named neither the parameter nor the fix.
    with pytest.raises(ValueError, match=r"got quantile=.*; each quantile must lie strictly between 0"):
        GRURegressor(loss="quantile", quantile=levels, max_epochs=1).fit(X[:20], y[:20])
    model = GRURegressor(loss="normal", hidden_size=4, max_epochs=1).fit(X[:20], y[:20])
    with pytest.raises(ValueError, match=r"predict_quantiles got quantiles=.*; pass increasing numbers"):
        model.predict_quantiles(X[:2], levels)


def test_quantile_levels_are_looked_up_by_the_decimal_the_user_meant():
    fast = {"hidden_size": 4, "max_epochs": 1, "random_state": 0}
    levels = np.linspace(0.1, 0.9, 5)  # holds 0.30000000000000004 and 0.7000000000000001
    reg = GRURegressor(loss="quantile", quantile=levels, **fast).fit(X[:40], y[:40])
    assert reg.quantiles_.tolist() == [0.1, 0.3, 0.5, 0.7, 0.9]
    all_levels = reg.predict_quantiles(X[:5])
    np.testing.assert_array_equal(reg.predict_quantiles(X[:5], [0.3]), all_levels[:, [1]])
    np.testing.assert_array_equal(reg.predict_quantiles(X[:5], [levels[3]]), all_levels[:, [3]])
    # A numpy scalar, float32 or 0-d, is one quantile: the one predict returns.
    for scalar in (np.float32(0.9), np.array(0.9)):
        single = GRURegressor(loss="quantile", quantile=scalar, **fast).fit(X[:40], y[:40])
        assert single.quantiles_.tolist() == [0.9]
        np.testing.assert_array_equal(single.predict_quantiles(X[:5], [0.9])[:, 0], single.predict(X[:5]))
