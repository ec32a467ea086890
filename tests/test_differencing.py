"""Differencer, and SlidingWindowTransformer's handling of series shorter than a window."""

import numpy as np
import pandas as pd
import pytest

from sk_rnn.preprocessing import Differencer, SlidingWindowTransformer


def test_rows_become_changes_since_lag_rows_earlier():
    X = np.array([[1.0, 10.0], [3.0, 10.0], [6.0, 7.0], [10.0, 7.0], [15.0, 8.0]])
    np.testing.assert_array_equal(Differencer().fit_transform(X), [[0, 0], [2, 0], [3, -3], [4, 0], [5, 1]])
    np.testing.assert_array_equal(
        Differencer(lag=2, fill_value=np.nan).fit_transform(X)[:, 0], [np.nan, np.nan, 5, 7, 9]
    )


def test_keeps_rows_dtype_and_pandas_output():
    index = pd.period_range("2000-01", periods=4, freq="M")
    frame = pd.DataFrame({"level": [1.0, 2.0, 4.0, 8.0]}, index=index)
    changes = Differencer().set_output(transform="pandas").fit_transform(frame)
    assert list(changes.columns) == ["level"]
    assert changes.index.equals(index)
    assert changes["level"].tolist() == [0.0, 1.0, 2.0, 4.0]
    assert Differencer().fit_transform(np.ones((3, 1), dtype=np.float32)).dtype == np.float32


def test_unsorted_times_and_gaps_are_refused():
    index = pd.to_datetime(["2000-01-03", "2000-01-01", "2000-01-02"])
    with pytest.raises(ValueError, match=r"not sorted; rows must be in time order"):
        Differencer().fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=index))
    with pytest.raises(ValueError, match=r"Differencer got NaN at row 1, column 0 .* fill gaps first"):
        Differencer().fit(np.array([[1.0], [np.nan], [3.0]]))


def test_window_fitted_on_a_series_shorter_than_one_window_is_refused():
    with pytest.raises(
        ValueError,
        match=r"SlidingWindowTransformer\(window_size=24\) was fitted on a series of n_samples=10 time "
        r"steps, shorter than one window. Use a window_size of at most 10",
    ):
        SlidingWindowTransformer(24).fit(np.arange(10.0).reshape(-1, 1))


def test_differencer_fitted_on_a_series_no_longer_than_its_lag_is_refused():
    with pytest.raises(
        ValueError,
        match=r"Differencer\(lag=100\) was fitted on a series of n_samples=60 time steps, no longer than "
        r"its lag, so every row would be fill_value. Use a lag of at most 59",
    ):
        Differencer(lag=100).fit(np.arange(60.0).reshape(-1, 1))
    # A short history after fit is fine: its first rows are fill_value.
    fitted = Differencer(lag=12).fit(np.arange(60.0).reshape(-1, 1))
    np.testing.assert_array_equal(fitted.transform(np.arange(5.0).reshape(-1, 1)), np.zeros((5, 1)))


def test_a_short_history_is_windowed_with_padding_after_fit():
    windows = SlidingWindowTransformer(4).fit(np.arange(10.0).reshape(-1, 1))
    short = windows.transform(np.array([[5.0], [6.0]]))
    assert short.shape == (2, 4, 1)
    np.testing.assert_array_equal(short[1, :, 0], [np.nan, np.nan, 5.0, 6.0])
