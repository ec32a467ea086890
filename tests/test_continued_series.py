"""Rows that continue the fitted series read its last rows as history, as inside the whole series.

TimeSeriesSplit's validation folds and the test part of a time-ordered split
start right after the rows a pipeline was fitted on. Their first windows (and
first changes) must be those of the whole series, not cut short, or a
cross-validated score measures the padding rather than the model.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import sk_rnn
from sk_rnn.datasets import load_airline
from sk_rnn.forecasting import DifferencedTargetRegressor, LagRidgeRegressor
from sk_rnn.preprocessing import Differencer, SlidingWindowTransformer, lead_target

VALUES = np.arange(30.0) ** 1.5
INDEXES = {
    "PeriodIndex": pd.period_range("2000-01", periods=30, freq="M"),
    "DatetimeIndex with a frequency": pd.date_range("2000-01-31", periods=30, freq="ME"),
    "DatetimeIndex without one": pd.DatetimeIndex(
        pd.date_range("2000-01-01", periods=30, freq="D").to_list()
    ),
    "RangeIndex": pd.RangeIndex(30),
    "years": pd.Index(np.arange(1990, 2020)),
}
TRANSFORMERS = [SlidingWindowTransformer(window_size=5), Differencer(lag=3)]


def _same(result, expected):
    np.testing.assert_array_equal(np.asarray(result), np.asarray(expected))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("index", INDEXES.values(), ids=INDEXES.keys())
def test_rows_after_the_fitted_ones_are_transformed_as_inside_the_whole_series(transformer, index):
    frame = pd.DataFrame({"value": VALUES}, index=index)
    whole = clone(transformer).fit_transform(frame)
    fitted = clone(transformer).fit(frame.iloc[:20])
    _same(fitted.transform(frame.iloc[20:]), np.asarray(whole)[20:])
    # The fitted rows themselves, or the whole series, are transformed as always.
    _same(fitted.transform(frame), whole)
    _same(fitted.transform(frame.iloc[:20]), np.asarray(whole)[:20])


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=lambda t: type(t).__name__)
def test_rows_that_do_not_continue_the_fitted_series_start_afresh(transformer):
    frame = pd.DataFrame({"value": VALUES}, index=INDEXES["PeriodIndex"])
    fitted = clone(transformer).fit(frame.iloc[:20])
    fresh = clone(transformer).fit(frame.iloc[22:])  # what a new series starting there gives
    # A gap (TimeSeriesSplit(gap=2)), and an array, which has no times to tell.
    _same(fitted.transform(frame.iloc[22:]), fresh.transform(frame.iloc[22:]))
    _same(fitted.transform(frame.iloc[20:].to_numpy()), fresh.transform(frame.iloc[20:].to_numpy()))
    # Refitting forgets the earlier series' end.
    refitted = fitted.fit(frame.iloc[:10])
    _same(refitted.transform(frame.iloc[20:]), fresh.transform(frame.iloc[20:].to_numpy()))


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=lambda t: type(t).__name__)
def test_each_series_of_a_panel_continues_its_own_end(transformer):
    times = pd.period_range("2000-01", periods=12, freq="M")
    index = pd.MultiIndex.from_product([["a", "b", "c"], times], names=["series", "month"])
    panel = pd.DataFrame({"value": np.arange(36.0) ** 1.5}, index=index)
    whole = np.asarray(clone(transformer).fit_transform(panel))
    month = panel.index.get_level_values("month")
    train, test = month < times[8], month >= times[8]
    # "c" ends two months early in training: its test rows do not continue it.
    train &= ~((panel.index.get_level_values("series") == "c") & (month >= times[6]))
    fitted = clone(transformer).fit(panel[train])
    result = np.asarray(fitted.transform(panel[test]))
    continued = panel[test].index.get_level_values("series") != "c"
    _same(result[continued], whole[test][continued])
    fresh = np.asarray(clone(transformer).fit(panel).transform(panel[test]))
    _same(result[~continued], fresh[~continued])


def test_cross_validated_error_is_the_error_with_the_whole_history():
    # What GridSearchCV ranks window sizes by: with validation windows cut
    # short, 12 months scored 33.6 here and 24 months 25.1.
    passengers = load_airline().frame["passengers"].astype(float)
    X, y = passengers.iloc[:-1].to_frame().iloc[:114], lead_target(passengers)[:114]
    model = TransformedTargetRegressor(
        make_pipeline(
            FunctionTransformer(np.log),
            DifferencedTargetRegressor(
                make_pipeline(Differencer(), SlidingWindowTransformer(12), LagRidgeRegressor())
            ),
        ),
        func=np.log,
        inverse_func=np.exp,
    )
    cv = TimeSeriesSplit(3)
    scores = -cross_val_score(model, X, y, cv=cv, scoring="neg_root_mean_squared_error")
    with_history = [
        root_mean_squared_error(
            y[test], clone(model).fit(X.iloc[train], y[train]).predict(X.iloc[: test[-1] + 1])[test]
        )
        for train, test in cv.split(X)
    ]
    np.testing.assert_allclose(scores, with_history, rtol=1e-10)
    assert scores.mean() < 12


def test_a_saved_pipeline_still_continues_its_series(tmp_path):
    frame = pd.DataFrame({"value": VALUES}, index=INDEXES["PeriodIndex"])
    pipeline = make_pipeline(
        Differencer(),
        StandardScaler().set_output(transform="pandas"),
        SlidingWindowTransformer(window_size=4),
    )
    expected = pipeline.fit(frame.iloc[:20]).transform(frame.iloc[20:])
    sk_rnn.save(pipeline, tmp_path / "pipeline.skrnn")
    _same(sk_rnn.load(tmp_path / "pipeline.skrnn").transform(frame.iloc[20:]), expected)
    assert not np.isnan(expected).any()


def test_times_are_compared_as_times_not_as_text():
    values = pd.DataFrame(
        {"value": VALUES[:6]}, index=pd.date_range("2024-01-01", periods=6, freq="D", tz="UTC")
    )
    windows = SlidingWindowTransformer(window_size=3).fit(values.iloc[:4])
    # The same instants in another time zone continue the series.
    berlin = values.iloc[4:].tz_convert("Europe/Berlin")
    _same(windows.transform(berlin)[0, :, 0], VALUES[2:5])
    # Text that reads like the next year does not continue integer years.
    years = pd.DataFrame({"value": [1.0, 2.0, 3.0]}, index=[2001, 2002, 2003])
    text = pd.DataFrame({"value": [4.0]}, index=["2004"])
    assert np.isnan(SlidingWindowTransformer(window_size=2).fit(years).transform(text)[0, 0, 0])


def test_a_panel_series_with_one_time_in_the_fit_continues_with_the_panels_step():
    # A young series (one month of training history) continues as the others do.
    times = pd.date_range("2000-01-31", periods=6, freq="ME")  # dates: the step is inferred
    index = pd.MultiIndex.from_tuples(
        [("old", t) for t in times] + [("young", t) for t in times[3:]], names=["series", "month"]
    )
    panel = pd.DataFrame({"value": np.arange(9.0)}, index=index)
    month = panel.index.get_level_values("month")
    fitted = SlidingWindowTransformer(window_size=3).fit(panel[month <= times[3]])
    result = fitted.transform(panel[month > times[3]])
    _same(result[:, :, 0], [[2, 3, 4], [3, 4, 5], [np.nan, 6, 7], [6, 7, 8]])
    # Labels 1 and "1" are two series.
    index = pd.MultiIndex.from_product([[1, "1"], [2001, 2002, 2003]], names=["series", "year"])
    panel = pd.DataFrame({"value": [1.0, 2.0, 3.0, 10.0, 20.0, 30.0]}, index=index)
    year = panel.index.get_level_values("year")
    fitted = SlidingWindowTransformer(window_size=2).fit(panel[year < 2003])
    _same(fitted.transform(panel[year == 2003])[:, :, 0], [[2, 3], [20, 30]])
