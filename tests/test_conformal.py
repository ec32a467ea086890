"""Prediction intervals with MAPIE around sk_rnn regressors (MAPIE is a test extra).

MAPIE checks that a prefit estimator is fitted by predicting on a 2-D array
of ``n_features_in_`` columns (of a Pipeline, the last step alone). For
sk_rnn that is a table of univariate sequences (lag tables, the form of
these tests); a model fitted on 3-D X (several features per step) fails that
probe, so MAPIE refuses it as unfitted.
"""

import warnings

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_rnn import GRURegressor
from sk_rnn.forecasting import LagRidgeRegressor, SeasonalNaiveRegressor
from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target

regression = pytest.importorskip("mapie.regression")

pytestmark = pytest.mark.slow  # trains networks to a measured coverage

RNG = np.random.RandomState(0)


def draw(n):
    X = RNG.randn(n, 8)  # one univariate sequence of 8 steps per row
    return X, X[:, -2:].sum(axis=1) + RNG.exponential(1.0, size=n)  # skewed noise


X_train, y_train = draw(1500)
X_calibration, y_calibration = draw(1000)
X_test, y_test = draw(2000)
SETTINGS = {"hidden_size": 16, "max_epochs": 20, "random_state": 0}


def fitted(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X_train, y_train)


def coverage(intervals):
    lower, upper = intervals[:, 0, 0], intervals[:, 1, 0]
    return np.mean((lower <= y_test) & (y_test <= upper))


def test_three_quantile_networks_give_calibrated_conformalized_intervals():
    # Measured: the raw 5%-95% pair covers 0.927 of the held-out targets; conformalized, 0.918.
    # lower, upper and median quantiles for 90%, in the order MAPIE takes them
    quantiles = [fitted(GRURegressor(loss="quantile", quantile=q, **SETTINGS)) for q in (0.05, 0.95, 0.5)]
    conformal = regression.ConformalizedQuantileRegressor(quantiles, confidence_level=0.9, prefit=True)
    conformal.conformalize(X_calibration, y_calibration)
    _, intervals = conformal.predict_interval(X_test)
    assert coverage(intervals) == pytest.approx(0.9, abs=0.03)


def test_a_split_conformal_interval_around_a_fitted_pipeline():
    # Measured: 0.815 for a nominal 0.8.
    pipeline = fitted(make_pipeline(StandardScaler(), GRURegressor(**SETTINGS)))
    conformal = regression.SplitConformalRegressor(pipeline, confidence_level=0.8, prefit=True)
    conformal.conformalize(X_calibration, y_calibration)
    _, intervals = conformal.predict_interval(X_test)
    assert coverage(intervals) == pytest.approx(0.8, abs=0.03)


def test_a_normal_head_plugs_into_the_std_normalised_conformity_score():
    # Measured: 0.892 for a nominal 0.9 (the raw mean +- 1.645 std covers 0.937).
    scores = pytest.importorskip("mapie.conformity_scores")
    model = fitted(GRURegressor(loss="normal", **SETTINGS))
    conformal = regression.SplitConformalRegressor(
        model, confidence_level=0.9, conformity_score=scores.StdConformityScore(), prefit=True
    )
    conformal.conformalize(X_calibration, y_calibration)
    _, intervals = conformal.predict_interval(X_test)
    assert coverage(intervals) == pytest.approx(0.9, abs=0.03)
    width = intervals[:, 1, 0] - intervals[:, 0, 0]
    assert width.std() > 0  # scaled by each sequence's predicted std, not one width for all


@pytest.mark.parametrize("baseline", [LagRidgeRegressor(), SeasonalNaiveRegressor(season=12)])
def test_a_windowed_baseline_goes_into_mapie_wrapped_as_the_user_guide_says(baseline):
    # MAPIE probes a Pipeline's last step alone with one row of n_features_in_
    # values: after the windows, a window of one step, narrower than the lags
    # these baselines read. Wrapped, the whole model is probed: the row is padded
    # into a full window.
    series = np.sin(np.arange(400) / 5) + np.random.RandomState(0).normal(0, 0.2, 400)
    X, y = series[:-1, None], lead_target(series)
    pipeline = make_pipeline(SlidingWindowTransformer(12), baseline)
    refused = regression.SplitConformalRegressor(pipeline.fit(X[:200], y[:200]), prefit=True)
    with pytest.raises(UserWarning, match=r"does not appear fitted.*shape=\(1, 1\).*windows"):
        refused.conformalize(X[200:300], y[200:300])
    wrapped = TransformedTargetRegressor(pipeline).fit(X[:200], y[:200])
    conformal = regression.SplitConformalRegressor(wrapped, confidence_level=0.8, prefit=True)
    _, intervals = conformal.conformalize(X[200:300], y[200:300]).predict_interval(X[300:])
    # Measured: 0.798 (lags) and 0.818 (seasonal naive) of the 99 next values inside.
    inside = (intervals[:, 0, 0] <= y[300:]) & (y[300:] <= intervals[:, 1, 0])
    assert inside.mean() == pytest.approx(0.8, abs=0.05)
