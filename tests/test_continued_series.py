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
    "DatetimeIndex with a frequency": pd.date_range("2000-01-31", periods=30, freq=pd.offsets.MonthEnd()),
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
    times = pd.date_range("2000-01-31", periods=6, freq=pd.offsets.MonthEnd())  # dates: the step is inferred
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


def _continues(fitted_frame, new_frame, window_size=3):
    """The first window of ``new_frame`` after windows fitted on ``fitted_frame``."""
    return SlidingWindowTransformer(window_size).fit(fitted_frame).transform(new_frame)[0, :, 0]


@pytest.mark.parametrize(
    "index",
    [
        pd.period_range("2020-01", periods=6, freq="2M"),  # ordinals step by 2
        pd.period_range("2020-01-01", periods=6, freq="15min"),
        pd.date_range("2024-01-31", periods=6, freq=pd.offsets.MonthEnd()),
        pd.date_range("2024-01-01", periods=6, freq="B"),
        pd.date_range("2024-03-28", periods=6, freq="D", tz="Europe/Paris"),  # across the clock change
    ],
    ids=["2M", "15min", "month ends", "business days", "days across a clock change"],
)
def test_every_regular_frequency_continues(index):
    frame = pd.DataFrame({"value": np.arange(6.0)}, index=index)
    _same(_continues(frame.iloc[:4], frame.iloc[4:]), [2, 3, 4])


def test_a_next_time_a_clock_change_skips_is_no_error():
    # Midnight of 2024-09-08 does not exist in Santiago: no end is kept, and nothing fails.
    index = pd.date_range(end="2024-09-07", periods=5, freq="D").tz_localize("America/Santiago")
    frame = pd.DataFrame({"value": np.arange(5.0)}, index=index)
    SlidingWindowTransformer(3).fit(frame)
    Differencer().fit(frame)


def test_times_of_another_unit_continue():
    frame = pd.DataFrame(
        {"value": np.arange(6.0)}, index=pd.date_range("2024-01-01", periods=6).as_unit("ns")
    )
    later = frame.iloc[4:].set_axis(frame.index[4:].as_unit("us"))
    _same(_continues(frame.iloc[:4], later), [2, 3, 4])


def test_each_panel_series_continues_by_its_own_step():
    def panel(series):
        rows = [(label, time) for label, times in series.items() for time in times]
        index = pd.MultiIndex.from_tuples(rows, names=["series", "time"])
        return pd.DataFrame({"value": np.arange(len(rows), dtype=float)}, index=index)

    days = pd.date_range("2024-01-01", periods=10, freq="D")
    months = pd.date_range("2024-01-31", periods=6, freq=pd.offsets.MonthEnd())
    fitted = panel({"daily": days[:7], "monthly": months[:4]})
    windows = SlidingWindowTransformer(3).fit(fitted)
    new = panel({"daily": days[7:], "monthly": months[4:]}) + 100
    result = windows.transform(new)[:, :, 0]
    _same(result[0], [5, 6, 100])  # daily: its last two fitted days
    _same(result[3], [9, 10, 103])  # monthly: its last two fitted months
    # A daily series after a gap of three days is padded, whatever the other series' step.
    weekly = pd.date_range("2023-10-01", periods=16, freq="W-SUN")
    gap = pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-07"])
    windows = SlidingWindowTransformer(3).fit(panel({"weekly": weekly, "daily": gap[:3]}))
    assert np.isnan(windows.transform(panel({"daily": gap[3:]}))[0, :2, 0]).all()
    # Labels of other types that read alike stay two series.
    index = pd.MultiIndex.from_tuples([(label, year) for label in (1.0, "1.0") for year in (1, 2, 3)])
    frame = pd.DataFrame({"value": [1.0, 2.0, 3.0, 101.0, 102.0, 103.0]}, index=index)
    year = frame.index.get_level_values(1)
    result = SlidingWindowTransformer(2).fit(frame[year < 3]).transform(frame[year == 3])[:, :, 0]
    _same(result, [[2, 3], [102, 103]])
