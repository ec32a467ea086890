"""Windowing a series inside scikit-learn pipelines, and the target helpers."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sk_rnn import LSTMRegressor, RNNRegressor
from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target, make_windows


def series(n=300, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return np.c_[np.sin(2 * np.pi * t / 25) + 0.1 * rng.normal(size=n), np.cos(2 * np.pi * t / 25)]


def test_row_t_is_the_window_ending_at_t():
    X = series(40)
    windows = SlidingWindowTransformer(window_size=5).fit_transform(X)
    assert windows.shape == (40, 5, 2)
    for t in range(40):
        expected = X[max(0, t - 4) : t + 1]
        np.testing.assert_array_equal(windows[t, 5 - len(expected) :], expected)
        assert np.isnan(windows[t, : 5 - len(expected)]).all()


def test_windows_are_a_view_not_a_copy_per_window():
    X = series(10_000)
    windows = SlidingWindowTransformer(window_size=256).fit_transform(X)
    base = windows
    while base.base is not None:
        base = base.base
    # The memory behind 10,000 windows of 256 steps is the series plus 255 rows of padding.
    assert base.size == (10_000 + 255) * 2
    assert not windows.flags.writeable
    # Validation in the estimator keeps the view: batches are copied one at a time.
    from sk_rnn._data.parsing import check_sequences

    assert np.shares_memory(check_sequences(LSTMRegressor(), windows, reset=True).values, windows)


def test_first_rows_are_read_as_the_shorter_history_they_have():
    X = series(60)
    windows = SlidingWindowTransformer(window_size=8).fit_transform(X)
    y = lead_target(X[:, 0])
    reg = LSTMRegressor(hidden_size=8, max_epochs=3, random_state=0).fit(windows[:-1], y)
    for t in range(7):
        np.testing.assert_allclose(
            reg.predict(windows[t : t + 1]), reg.predict(X[np.newaxis, : t + 1]), rtol=1e-5
        )


def test_pipeline_grid_search_with_time_series_split():
    X = series(240)
    y = lead_target(X[:, 0])
    pipe = make_pipeline(
        StandardScaler(), SlidingWindowTransformer(12), RNNRegressor(max_epochs=2, random_state=0)
    )
    search = GridSearchCV(
        pipe,
        {
            "slidingwindowtransformer__window_size": [6, 12],
            "rnnregressor__hidden_size": [8, 16],
            "rnnregressor__cell": ["gru", "indrnn"],
        },
        cv=TimeSeriesSplit(3),
    ).fit(X[:-1], y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X[-30:]).shape == (30,)


def test_direct_multi_step_targets():
    X = series(100)
    y = lead_target(X[:, 0], horizon=3, steps="all")
    assert y.shape == (97, 3)
    np.testing.assert_array_equal(y[0], X[1:4, 0])
    pipe = make_pipeline(
        SlidingWindowTransformer(10), LSTMRegressor(hidden_size=8, max_epochs=2, random_state=0)
    )
    assert pipe.fit(X[:-3], y).predict(X[-5:]).shape == (5, 3)


def test_make_windows_outside_a_pipeline():
    X, y = make_windows(np.arange(10.0), window_size=4, horizon=2)
    assert X.shape == (5, 4, 1)
    np.testing.assert_array_equal(X[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(y, [5, 6, 7, 8, 9])
    with pytest.raises(ValueError, match="shorter than window_size \\+ horizon = 12"):
        make_windows(np.arange(10.0), window_size=10, horizon=2)


def test_make_windows_keep_float32():
    # As the window transformers do: a float64 copy doubled the largest array of a fit.
    series = np.arange(12, dtype=np.float32)
    panel = pd.Series(series, index=pd.MultiIndex.from_product([["a", "b"], range(6)]))
    for values, n_windows in [(series, 9), (panel, 6)]:
        X, y = make_windows(values, window_size=3)
        assert (X.dtype, y.dtype, len(X)) == (np.float32, np.float32, n_windows)
    X, y = make_windows(np.arange(12), window_size=3)
    assert (X.dtype, y.dtype) == (np.float64, np.float64)


def test_make_windows_of_a_panel_stay_within_each_series():
    # Rows interleaved by time, as a long table often is; series b is too short for a window.
    rows = [("a", t, float(t)) for t in range(6)] + [("c", t, 100.0 + t) for t in range(5)]
    rows += [("b", t, -1.0) for t in range(2)]
    panel = pd.DataFrame(rows, columns=["id", "t", "v"]).set_index(["id", "t"]).sort_index(level="t")
    X, y = make_windows(panel, window_size=3)
    np.testing.assert_array_equal(
        X[:, :, 0], [[0, 1, 2], [1, 2, 3], [2, 3, 4], [100, 101, 102], [101, 102, 103]]
    )
    np.testing.assert_array_equal(y, [3, 4, 5, 103, 104])
    with pytest.raises(ValueError, match=r"a panel whose longest series has 6 steps, shorter than .* = 7"):
        make_windows(panel, window_size=6)
    shuffled = pd.Series(np.arange(8.0), index=pd.date_range("2024-01-01", periods=8)).sample(
        frac=1.0, random_state=0
    )
    with pytest.raises(ValueError, match=r"make_windows got a time index that is not sorted"):
        make_windows(shuffled, window_size=3)


def test_datetime_index_frames():
    index = pd.date_range("2020-01-01", periods=50, freq="D")
    frame = pd.DataFrame(series(50), index=index, columns=["load", "temperature"])
    windows = SlidingWindowTransformer(7).fit_transform(frame)
    assert windows.shape == (50, 7, 2)
    with pytest.raises(ValueError, match=r"time index that is not sorted.*sort_index"):
        SlidingWindowTransformer(7).fit(frame.iloc[::-1])
    with pytest.raises(ValueError, match="time index with duplicated times"):
        SlidingWindowTransformer(7).fit(pd.concat([frame, frame.iloc[:1]]))


def test_rows_shuffled_by_a_split_are_warned_about_once_per_fit_transform():
    # A frame read from a CSV has a RangeIndex; train_test_split shuffles its
    # rows by default, and windows of shuffled rows hold unrelated values.
    frame = pd.DataFrame(series(40), columns=["load", "temperature"])
    shuffled = frame.sample(frac=1.0, random_state=0)
    with pytest.warns(
        UserWarning, match=r"integer index is not in increasing order.*shuffle=False"
    ) as caught:
        SlidingWindowTransformer(5).fit_transform(shuffled)
    assert len([w for w in caught if "increasing order" in str(w.message)]) == 1
    with pytest.warns(UserWarning, match="lead_target got rows whose integer index"):
        lead_target(shuffled["load"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rows in order, an offset or a step of 10 included
        for index in (frame.index, frame.index + 100, frame.index * 10):
            SlidingWindowTransformer(5).fit_transform(frame.set_axis(index))


def test_gaps_and_bad_horizons_are_refused():
    X = series(30)
    X[4, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN at row 4, column 1 of the series.*interpolate"):
        SlidingWindowTransformer(5).fit(X)
    with pytest.raises(ValueError, match="horizon of 40 steps for a series of 30 steps"):
        lead_target(np.arange(30.0), horizon=40)
    with pytest.raises(ValueError, match="lead_target expects a 1-D series"):
        lead_target(np.zeros((5, 2)))


def test_series_that_are_not_numbers_are_refused_with_the_fix():
    # numpy cast dates to nanoseconds and complex numbers to their real part
    # without a word, and failed on text and 3-D input with its own messages.
    dates = pd.Series(pd.date_range("2024-01-01", periods=6))
    for call in (lambda: lead_target(dates), lambda: make_windows(dates, 2)):
        with pytest.raises(ValueError, match=r"got dates \(datetime64\) in (y|series).*numeric features"):
            call()
    complex_series = np.arange(6.0) + 1j
    with pytest.raises(ValueError, match=r"lead_target got complex numbers in y: Complex data not supported"):
        lead_target(complex_series)
    with pytest.raises(ValueError, match=r"make_windows got complex numbers in series"):
        make_windows(complex_series, 2)
    with pytest.raises(ValueError, match=r"lead_target got values that are not numbers in y.*pd.to_numeric"):
        lead_target(["a", "b", "c"])
    text = pd.DataFrame({"sales": np.arange(6.0), "store": list("abcdef")})
    with pytest.raises(ValueError, match=r"make_windows got a series with non-numeric columns \['store'\]"):
        make_windows(text, 2)
    with pytest.raises(ValueError, match=r"make_windows expects a series of shape .* shape \(10, 2, 1\)"):
        make_windows(np.zeros((10, 2, 1)), 3)


def test_transformed_target_regressor_scales_y_around_the_window_pipeline():
    X = series(240)
    y = 5000.0 + 1000.0 * lead_target(X[:, 0])  # a target in other units than X
    pipe = make_pipeline(
        StandardScaler(),
        SlidingWindowTransformer(12),
        LSTMRegressor(hidden_size=16, max_epochs=30, random_state=0),
    )
    model = TransformedTargetRegressor(pipe, transformer=StandardScaler()).fit(X[:180], y[:180])
    assert model.transformer_.mean_[0] == pytest.approx(y[:180].mean())
    predictions = model.predict(X[:-1])[180:]
    # Back in the target's units, and learned: R^2 on the 59 rows after training.
    assert r2_score(y[180:], predictions) > 0.8


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_windows(np.arange(10.0), window_size=0), "'window_size' parameter of make_windows"),
        (lambda: make_windows(np.arange(10.0), 3, horizon=1.5), "'horizon' parameter of make_windows"),
        (lambda: make_windows(np.arange(10.0), 3, steps="some"), "'steps' parameter of make_windows"),
        (lambda: lead_target(np.arange(10.0), horizon=0), "'horizon' parameter of lead_target"),
        (lambda: lead_target(np.arange(10.0), steps="each"), "'steps' parameter of lead_target"),
    ],
)
def test_public_functions_validate_their_parameters_the_scikit_learn_way(call, message):
    # Before the value reaches numpy: the message names the parameter and its valid range.
    with pytest.raises(InvalidParameterError, match=message):
        call()
