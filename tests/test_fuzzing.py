"""Property-based tests: every input either works or gets our error, never a torch trace or NaN.

Over shapes, dtypes, NaN placement, ragged lists, extreme values and sample
weights, ``fit`` and ``predict`` either succeed, with finite predictions of
the right shape, or raise a ValueError (or TypeError) that names the
estimator (or the sample weights at fault), as every sk_rnn message does.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sk_rnn import GRURegressor, LSTMClassifier

TINY = {"hidden_size": 2, "max_epochs": 1, "random_state": 0}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

special_values = st.sampled_from([np.nan, np.inf, -np.inf, 1e38, 1e300, -1e300, 0.0])


@st.composite
def padded_arrays(draw):
    """3-D arrays of several dtypes, with NaN steps, NaN cells and extreme values planted anywhere."""
    n = draw(st.integers(2, 6))
    steps = draw(st.integers(1, 5))
    features = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64, np.float16]))
    values = np.random.RandomState(draw(st.integers(0, 2**16))).randn(n, steps, features) * 3
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["step", "cell", "value"]))
        i, t = draw(st.integers(0, n - 1)), draw(st.integers(0, steps - 1))
        if kind == "step":
            values[i, t] = np.nan
        elif kind == "cell":
            values[i, t, draw(st.integers(0, features - 1))] = np.nan
        else:
            values[i, t, draw(st.integers(0, features - 1))] = draw(special_values)
    with np.errstate(invalid="ignore", over="ignore"):
        return values.astype(dtype) if dtype is not np.int64 else np.nan_to_num(values).astype(dtype)


@st.composite
def ragged_lists(draw):
    lengths = draw(st.lists(st.integers(0, 5), min_size=2, max_size=6))
    features = draw(st.integers(1, 2))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    sequences = [rng.randn(length, features) for length in lengths]
    if draw(st.booleans()) and any(lengths):
        nonempty = next(s for s in sequences if len(s))
        nonempty[0, 0] = draw(special_values)
    return sequences


def fits_or_refuses(estimator, X, y, **fit_params):
    """Fit and predict; return predictions, or None after one of our errors."""
    name = type(estimator).__name__
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator.fit(X, y, **fit_params)
            predictions = estimator.predict(X)
    except (ValueError, TypeError) as error:
        message = str(error)
        # Our messages start with the estimator's name; scikit-learn's own
        # validation names the estimator too, or the sample_weight at fault.
        assert name in message or "sample_weight" in message or "Negative values" in message, message
        return None
    return np.asarray(predictions, dtype=float) if not isinstance(predictions, list) else predictions


@FUZZ
@given(X=padded_arrays(), data=st.data())
def test_any_padded_array_fits_or_is_refused_by_name(X, data):
    y = data.draw(st.lists(st.integers(0, 2), min_size=len(X), max_size=len(X)))
    predictions = fits_or_refuses(LSTMClassifier(**TINY), X, np.array(y))
    if predictions is not None:
        assert predictions.shape == (len(X),)


@FUZZ
@given(X=padded_arrays())
def test_regression_predictions_are_finite_whenever_fit_succeeds(X):
    y = np.arange(len(X), dtype=float)
    predictions = fits_or_refuses(GRURegressor(**TINY), X, y)
    if predictions is not None:
        assert predictions.shape == (len(X),) and np.isfinite(predictions).all()


@FUZZ
@given(X=ragged_lists())
def test_any_ragged_list_fits_or_is_refused_by_name(X):
    predictions = fits_or_refuses(GRURegressor(**TINY), X, np.arange(len(X), dtype=float))
    if predictions is not None:
        assert np.isfinite(predictions).all()


@FUZZ
@given(weights=st.lists(st.one_of(st.floats(-1, 10), special_values), min_size=1, max_size=8))
def test_any_sample_weights_fit_or_are_refused(weights):
    rng = np.random.RandomState(0)
    X, y = rng.randn(6, 4, 2), np.array([0, 1] * 3)
    fits_or_refuses(LSTMClassifier(**TINY), X, y, sample_weight=np.array(weights))


@pytest.mark.parametrize("bad", [np.zeros((3, 0, 2)), np.zeros((0, 3, 2)), np.zeros((3, 4, 0)), "text", 3.0])
def test_degenerate_inputs_are_refused_by_name(bad):
    with pytest.raises(ValueError, match=r"GRURegressor"):
        GRURegressor(**TINY).fit(bad, np.zeros(3))
