"""One model over many series: panels through windows, differences, targets, splits and scaling."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

import sk_rnn
from sk_rnn import GRURegressor
from sk_rnn.datasets import load_m1_yearly
from sk_rnn.forecasting import (
    DifferencedTargetRegressor,
    LagRidgeRegressor,
    PanelTimeSeriesSplit,
    PerSeriesScaledRegressor,
    default_forecasting_pipeline,
    direct_forecast,
    recursive_forecast,
)
from sk_rnn.preprocessing import Differencer, SlidingWindowTransformer, lead_target, make_windows


def two_series(shuffle=True):
    """Two series of different lengths and magnitudes, rows interleaved by time (as a long table often is)."""
    rows = [("small", year, float(year - 2000)) for year in range(2000, 2008)]
    rows += [("large", year, 1000.0 * (year - 1990)) for year in range(1995, 2008)]
    frame = pd.DataFrame(rows, columns=["series", "year", "value"]).set_index(["series", "year"])
    return frame.sort_index(level="year", sort_remaining=False) if shuffle else frame


def two_magnitude_walks():
    """400 random walks of 36 years, half with steps of 1 and half of 1,000; the first 30 years as a panel."""
    rng = np.random.RandomState(0)
    scales = np.repeat([1.0, 1000.0], 200)
    walks = np.cumsum(rng.randn(400, 36) * scales[:, np.newaxis], axis=1)
    index = pd.MultiIndex.from_product([[f"s{i}" for i in range(400)], range(30)], names=["series", "year"])
    return walks, pd.DataFrame({"value": walks[:, :30].ravel()}, index=index)


def test_windows_of_a_panel_never_cross_series_and_stay_row_aligned():
    panel = two_series()
    windows = SlidingWindowTransformer(window_size=3).fit_transform(panel)
    assert windows.shape == (len(panel), 3, 1)
    for position, (series, year) in enumerate(panel.index):
        history = panel.loc[series]["value"]
        expected = history[history.index <= year].to_numpy()[-3:]
        expected = np.concatenate([np.full(3 - len(expected), np.nan), expected])
        np.testing.assert_array_equal(windows[position, :, 0], expected)


def test_differences_of_a_panel_are_taken_within_each_series():
    panel = two_series()
    changes = Differencer().fit_transform(panel)
    assert isinstance(changes, pd.DataFrame) and changes.index.equals(panel.index)
    assert (changes.loc["small", "value"] == [0.0] + [1.0] * 7).all()
    assert (changes.loc["large", "value"] == [0.0] + [1000.0] * 12).all()


def test_lead_target_of_a_panel_column_stays_within_each_series():
    panel = two_series()
    target = lead_target(panel["value"], horizon=2)
    # All but the last two years of each series; the value two years later in the same series.
    assert len(target) == len(panel) - 4
    assert target.loc[("small", 2000)] == 2.0 and target.loc[("large", 2005)] == 17000.0
    assert ("small", 2006) not in target.index and ("large", 2007) not in target.index
    # The panel's row order is kept, so panel.loc[target.index] lines up with it.
    assert list(target.index) == [row for row in panel.index if row in target.index]
    steps = lead_target(panel["value"], horizon=2, steps="all")
    assert list(steps.columns) == [1, 2] and steps.index.equals(target.index)
    np.testing.assert_array_equal(steps.loc[("small", 2003)], [4.0, 5.0])
    with pytest.raises(ValueError, match="no series of the panel is longer than that"):
        lead_target(panel["value"], horizon=13)
    with pytest.raises(ValueError, match="one column of a panel"):
        lead_target(pd.concat([panel, panel.rename(columns={"value": "other"})], axis=1), 1)


def test_duplicated_times_in_a_series_are_refused_with_the_fix():
    panel = pd.concat([two_series(), two_series().iloc[:1]])
    with pytest.raises(ValueError, match=r"\(large, 1995\) twice.*groupby\(level=\[0, 1\]\)"):
        SlidingWindowTransformer(3).fit_transform(panel)


def test_a_gap_in_a_panel_is_named_by_its_series_and_time():
    # It was named by its row's position in the panel ("row 12 ... of the series"), which in a
    # panel of many series, rows in any order, does not tell where to look.
    panel = two_series()
    panel.loc[("large", 2003), "value"] = np.nan
    where = r"NaN at series 'large', time 2003, column 'value' of the panel\. .*fill gaps first"
    with pytest.raises(ValueError, match=where):
        SlidingWindowTransformer(3).fit(panel)
    with pytest.raises(ValueError, match=where):
        Differencer().fit(panel)
    with pytest.raises(ValueError, match=r"NaN at series 'large', time 2003 of the panel\."):
        make_windows(panel["value"].rename(None), 3)
    with pytest.raises(ValueError, match=r"NaN at row 12, column 0 of the series\."):
        make_windows(panel["value"].to_numpy(), 3)


@pytest.mark.parametrize(
    "model",
    [
        make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor()),
        make_pipeline(Differencer(), SlidingWindowTransformer(3), LagRidgeRegressor()),
        DifferencedTargetRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor())),
        PerSeriesScaledRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor())),
    ],
    ids=["windows", "differences", "differenced-target", "per-series-scaled"],
)
def test_a_target_in_another_row_order_than_the_panel_is_refused(model):
    # Sorted by time after its target was taken (as for early stopping), the panel paired each
    # row with another row's future and fitted without an error.
    panel = two_series(shuffle=False)
    target = lead_target(panel["value"])
    by_time = panel.loc[target.index].sort_index(level="year", sort_remaining=False)
    message = (
        r"X and y indexed by \(series, time\) but not row for row: row 0 of X is \('large', 1995\) "
        r"and of y \('small', 2000\).*X\.loc\[y\.index\]"
    )
    with pytest.raises(ValueError, match=message):
        model.fit(by_time, target)
    model.fit(by_time, target.loc[by_time.index])  # row for row: fitted


def test_panel_split_cuts_every_series_at_the_same_times():
    panel = two_series()
    splits = list(PanelTimeSeriesSplit(n_splits=3).split(panel))
    assert len(splits) == 3
    years = panel.index.get_level_values("year")
    for train, test in splits:
        assert years[train].max() < years[test].min()
        # Every row of a test year is in the test fold, whichever series it belongs to.
        assert set(np.flatnonzero(np.isin(years, years[test]))) == set(test)
    # The 13 distinct years are split as TimeSeriesSplit splits 13 rows.
    expected = [years.unique().sort_values()[t] for _, t in TimeSeriesSplit(3).split(np.arange(13))]
    assert [sorted(set(years[test])) for _, test in splits] == [list(e) for e in expected]
    # A plain table is split as TimeSeriesSplit splits it.
    plain = [test.tolist() for _, test in PanelTimeSeriesSplit(3).split(np.zeros((8, 1)))]
    assert plain == [test.tolist() for _, test in TimeSeriesSplit(3).split(np.zeros((8, 1)))]


def test_panel_split_says_it_counts_times_when_they_are_too_few():
    # TimeSeriesSplit's "number of samples=13" read as a miscount of the panel's 21 rows.
    panel = two_series()
    message = r"splits a panel by its distinct times, and this one has 13 \(in 21 rows\).*Lower n_splits"
    with pytest.raises(ValueError, match=message):
        list(PanelTimeSeriesSplit(n_splits=13).split(panel))
    with pytest.raises(ValueError, match=message):
        list(PanelTimeSeriesSplit(n_splits=3, test_size=4, gap=2).split(panel))


def test_panel_split_refuses_a_panel_with_its_times_first():
    # stack() of a wide frame gives (month, series): split on its second level,
    # the folds would be series, not months.
    wide = pd.DataFrame(
        np.arange(40.0).reshape(4, 10),
        columns=[f"s{i}" for i in range(10)],
        index=pd.period_range("2024-01", periods=4, freq="M", name="month"),
    )
    stacked = wide.rename_axis(columns="series").stack().to_frame("value")
    refused = r"PanelTimeSeriesSplit got a panel indexed by \(time, label\).*X\.swaplevel\(\)\.sort_index\(\)"
    with pytest.raises(ValueError, match=refused):
        next(PanelTimeSeriesSplit(3).split(stacked))
    # Swapped, every fold is a month of every series.
    panel = stacked.swaplevel().sort_index()
    months, series = panel.index.get_level_values("month"), panel.index.get_level_values("series")
    folds = [test for _, test in PanelTimeSeriesSplit(3).split(panel)]
    assert [sorted(set(months[test].astype(str))) for test in folds] == [
        ["2024-02"],
        ["2024-03"],
        ["2024-04"],
    ]
    assert all(len(set(series[test])) == 10 for test in folds)


def test_per_series_scaling_maps_each_series_back_to_its_units():
    panel = two_series(shuffle=True)
    target = lead_target(panel["value"])
    inner = DifferencedTargetRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor()))
    model = PerSeriesScaledRegressor(inner).fit(panel.loc[target.index], target)
    assert list(model.series_) == ["large", "small"]  # in order of first appearance
    np.testing.assert_allclose(model.location_[:, 0], [10500.0, 3.0])  # means of the fitted years
    # Both series grow linearly: after scaling, they are the same series, forecast exactly
    # wherever a complete window of 3 years is there (not in each series' first 2 rows).
    X = panel.loc[target.index]
    complete = X.groupby(level=0).cumcount().to_numpy() >= 2
    np.testing.assert_allclose(model.predict(X)[complete], target.to_numpy()[complete], rtol=1e-4)
    # A series fit never saw is scaled by its own rows.
    new = pd.DataFrame(
        {"value": 50.0 + 5.0 * np.arange(6)}, index=pd.MultiIndex.from_product([["new"], range(2010, 2016)])
    )
    np.testing.assert_allclose(model.predict(new)[-1], 80.0, rtol=1e-3)
    with pytest.raises(ValueError, match=r"fitted on a panel of 2 series, but X is not a panel"):
        model.predict(X.reset_index(drop=True))


@pytest.mark.parametrize("loss", ["normal", "quantile"])
def test_a_global_networks_spread_comes_back_in_each_series_units(loss):
    panel = two_series()
    target = lead_target(panel["value"])
    X = panel.loc[target.index]
    settings = {"hidden_size": 4, "max_epochs": 3, "random_state": 0, "loss": loss}
    if loss == "quantile":
        settings["quantile"] = [0.1, 0.5, 0.9]
    model = PerSeriesScaledRegressor(
        DifferencedTargetRegressor(default_forecasting_pipeline(3, GRURegressor(**settings)))
    ).fit(X, target)
    # Each series' quantiles are the scaled ones times its spread, plus its mean.
    scaled = model.regressor_.predict_quantiles(model._scaled_for_predict(X)[0], [0.1, 0.5, 0.9])
    quantiles = model.predict_quantiles(X, [0.1, 0.5, 0.9])
    series = X.index.get_level_values(0) == "large"
    location, scale = model.location_[0, 0], model.scale_[0, 0]
    np.testing.assert_allclose(quantiles[series], scaled[series] * scale + location, rtol=1e-6)
    assert (np.diff(quantiles, axis=1) >= 0).all()
    np.testing.assert_allclose(quantiles[:, 1], model.predict(X), rtol=1e-6)
    if loss == "normal":
        predicted, std = model.predict(X, return_std=True)
        np.testing.assert_allclose(predicted, model.predict(X))
        spread = std[series].mean() / std[~series].mean()
        ratio = model.scale_[0, 0] / model.scale_[1, 0]
        assert 0.1 * ratio < spread < 10 * ratio  # in the large series' units, not the scaled ones
    else:
        with pytest.raises(ValueError, match=r"trained with loss='quantile'. Fit with loss='normal'"):
            model.predict(X, return_std=True)
    ridge = make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor())
    ridge = PerSeriesScaledRegressor(ridge).fit(X, target)
    with pytest.raises(AttributeError, match=r"cannot predict\(return_std=True\): .* a LagRidgeRegressor"):
        ridge.predict(X, return_std=True)
    with pytest.raises(AttributeError, match=r"cannot predict_quantiles: .* a LagRidgeRegressor"):
        ridge.predict_quantiles(X)
    # A pipeline ending in the network, without differencing, passes them on too.
    direct = default_forecasting_pipeline(3, GRURegressor(**settings))
    direct = PerSeriesScaledRegressor(direct).fit(X, target)
    median = direct.predict_quantiles(X, [0.1, 0.5, 0.9])[:, 1]
    np.testing.assert_allclose(median, direct.predict(X), rtol=1e-6)


def test_a_global_network_round_trips_through_the_safe_format(tmp_path):
    panel = two_series()
    target = lead_target(panel["value"])
    network = GRURegressor(hidden_size=4, max_epochs=2, random_state=0)
    model = PerSeriesScaledRegressor(DifferencedTargetRegressor(default_forecasting_pipeline(3, network)))
    model.fit(panel.loc[target.index], target)
    sk_rnn.save(model, tmp_path / "global.skrnn")
    loaded = sk_rnn.load(tmp_path / "global.skrnn")
    np.testing.assert_array_equal(loaded.predict(panel), model.predict(panel))
    np.testing.assert_array_equal(loaded.series_, ["large", "small"])


def test_grid_search_of_a_global_network_on_a_panel():
    m1 = load_m1_yearly().frame
    panel = m1.loc[m1.index.get_level_values("series").isin([f"T{i}" for i in range(1, 21)])]
    target = lead_target(panel["value"])
    network = GRURegressor(hidden_size=8, max_epochs=3, bidirectional=False, random_state=0)
    model = PerSeriesScaledRegressor(
        DifferencedTargetRegressor(make_pipeline(Differencer(), SlidingWindowTransformer(4), network))
    )
    search = GridSearchCV(
        model,
        {"regressor__regressor__slidingwindowtransformer__window_size": [2, 4]},
        cv=PanelTimeSeriesSplit(n_splits=2, test_size=5),
        scoring="neg_mean_absolute_error",
    ).fit(panel.loc[target.index], target)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(panel).shape == (len(panel),)


def test_one_global_ridge_on_m1_beats_the_naive_forecast_only_with_per_series_scaling():
    # M1 yearly, its competition protocol: 181 series, the last 6 years of each held out,
    # forecast at once from the last year before them. Magnitudes range from 0.1 to 4.7e7.
    m1 = load_m1_yearly()
    from_the_end = m1.frame.groupby(level=0, sort=False).cumcount(ascending=False)
    train, test = m1.frame[from_the_end >= 6], m1.frame[from_the_end < 6]
    target = lead_target(train["value"], 6, steps="all")
    origins = train.groupby(level=0, sort=False).tail(1).index
    truth = np.stack([test.loc[name, "value"].to_numpy() for name in origins.get_level_values(0)])

    def smape(model):
        model.fit(train.loc[target.index], target)
        forecast = model.predict(train)[train.index.get_indexer(origins)]
        return np.mean(200 * np.abs(truth - forecast) / (np.abs(truth) + np.abs(forecast)))

    def ridge_on_changes():
        return DifferencedTargetRegressor(
            make_pipeline(Differencer(), SlidingWindowTransformer(6), LagRidgeRegressor())
        )

    naive = np.repeat(train.loc[origins, "value"].to_numpy()[:, np.newaxis], 6, axis=1)
    naive_smape = np.mean(200 * np.abs(truth - naive) / (np.abs(truth) + np.abs(naive)))
    scaled, unscaled = smape(PerSeriesScaledRegressor(ridge_on_changes())), smape(ridge_on_changes())
    # Measured: naive 22.4, per-series scaling 19.2, one scale for all series 144.5.
    assert naive_smape == pytest.approx(22.4, abs=0.1)
    assert scaled < naive_smape - 2
    assert unscaled > naive_smape


def test_recursive_forecast_of_a_panel_forecasts_every_series_as_one_series_would():
    panel = two_series()
    target = lead_target(panel["value"])
    inner = DifferencedTargetRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor()))
    model = PerSeriesScaledRegressor(inner).fit(panel.loc[target.index], target)
    forecast = recursive_forecast(model, panel, horizon=4)
    assert forecast.name == "value" and forecast.index.names == ["series", "year"]
    # Each series continues from its own last year; rows of a series follow in time order.
    assert list(forecast.loc["small"].index) == [2008, 2009, 2010, 2011]
    assert list(forecast.loc["large"].index) == [2008, 2009, 2010, 2011]
    # Both series are linear, and so is the scaled model: the forecasts continue the lines.
    np.testing.assert_allclose(forecast.loc["small"], [8.0, 9.0, 10.0, 11.0], rtol=1e-3)
    np.testing.assert_allclose(forecast.loc["large"], [18000.0, 19000.0, 20000.0, 21000.0], rtol=1e-3)
    # The same as forecasting each series alone, as a panel of one, with the same model.
    for name in ("small", "large"):
        alone = recursive_forecast(model, panel.loc[[name]], horizon=4)
        np.testing.assert_allclose(alone.to_numpy(), forecast.loc[name].to_numpy())
    # context= reads only the last rows of each series.
    np.testing.assert_allclose(recursive_forecast(model, panel, 4, context=3), forecast)
    with pytest.raises(ValueError, match="panel of one column"):
        recursive_forecast(model, panel.assign(other=1.0), 2)
    with pytest.raises(ValueError, match="does not take future= yet"):
        recursive_forecast(model, panel, 2, future=np.zeros((2, 1)))


def test_a_gap_in_a_recursive_forecasts_history_is_named_by_its_series_and_time():
    # Inside the forecast every step's rows are renumbered from 0: the model's
    # own refusal named a row of that table, not a time of the user's.
    panel = two_series()  # rows interleaved by time
    target = lead_target(panel["value"])
    inner = DifferencedTargetRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor()))
    model = PerSeriesScaledRegressor(inner).fit(panel.loc[target.index], target)
    gap = panel.copy()
    gap.loc[("large", 2005), "value"] = np.nan
    with pytest.raises(
        ValueError, match=r"got NaN in the history of series 'large' at time 2005 .*Fill the gaps"
    ):
        recursive_forecast(model, gap, horizon=2)
    gap = panel.copy()
    gap.loc[("small", 2003), "value"] = np.inf
    with pytest.raises(
        ValueError, match=r"got an infinite value in the history of series 'small' at time 2003"
    ):
        recursive_forecast(model, gap, horizon=2)
    # A gap older than the rows context= reads does not stop the forecast.
    old_gap = panel.copy()
    old_gap.loc[("large", 1996), "value"] = np.nan
    np.testing.assert_allclose(
        recursive_forecast(model, old_gap, 2, context=4), recursive_forecast(model, panel, 2, context=4)
    )


def test_a_series_too_short_to_tell_its_frequency_takes_that_of_the_others():
    panel = two_series(shuffle=False)
    dated = panel.set_index(
        pd.MultiIndex.from_arrays(
            [panel.index.get_level_values(0), pd.to_datetime(panel.index.get_level_values(1).astype(str))],
            names=["series", "year"],
        )
    )
    short = pd.DataFrame(
        {"value": [1.0, 2.0]},
        index=pd.MultiIndex.from_arrays(
            [["short", "short"], pd.to_datetime(["2006", "2007"])], names=["series", "year"]
        ),
    )
    with_short = pd.concat([dated, short])
    target = lead_target(with_short["value"])
    inner = DifferencedTargetRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor()))
    model = PerSeriesScaledRegressor(inner).fit(with_short.loc[target.index], target)
    forecast = recursive_forecast(model, with_short, horizon=2)
    # Two dates are too few for pandas to infer a frequency; the other series say yearly.
    for name in ("small", "large", "short"):
        assert list(forecast.loc[name].index.year) == [2008, 2009]


def _dated_panel(times_by_series):
    """A panel of zeros with the given times per series."""
    labels = [name for name, times in times_by_series.items() for _ in times]
    times = [time for series_times in times_by_series.values() for time in series_times]
    index = pd.MultiIndex.from_arrays([labels, times], names=["series", "time"])
    return pd.DataFrame({"value": np.zeros(len(index))}, index=index)


def test_a_short_series_off_the_shared_frequency_gets_steps_ahead_not_wrong_dates():
    # Extended by the others' "MS", a series of two mid-month dates was forecast for 2020-04-01
    # and 2020-05-01, a month skipped and dated the 1st; weekly Sundays moved a Wednesday alike.
    model = DummyRegressor().fit([[0.0]], [0.0])
    months = {"long": pd.date_range("2020-01-01", periods=4, freq="MS")}
    mid_month = _dated_panel({**months, "short": pd.to_datetime(["2020-01-15", "2020-02-15"])})
    forecast = recursive_forecast(model, mid_month, horizon=2)
    assert forecast.index.names == ["series", "steps ahead"]
    assert list(forecast.loc["short"].index) == [1, 2]
    sundays = {"long": pd.date_range("2020-01-05", periods=4, freq="W-SUN")}
    wednesday = _dated_panel({**sundays, "short": pd.to_datetime(["2020-01-08"])})
    assert list(recursive_forecast(model, wednesday, horizon=2).loc["short"].index) == [1, 2]
    # Dates that fit it still take the shared frequency.
    on_it = _dated_panel({**months, "short": pd.to_datetime(["2020-02-01", "2020-03-01"])})
    forecast = recursive_forecast(model, on_it, horizon=2)
    assert list(forecast.loc["short"].index) == list(pd.to_datetime(["2020-04-01", "2020-05-01"]))


def test_a_series_of_one_integer_time_takes_the_step_of_the_others():
    # Years five apart: a new series observed once in 2010 was forecast for 2011 and 2012.
    model = DummyRegressor().fit([[0.0]], [0.0])
    panel = _dated_panel({"census": [1995, 2000, 2005], "new": [2010]})
    two_ahead = DummyRegressor().fit([[0.0]], [[0.0, 0.0]])
    assert list(direct_forecast(two_ahead, panel).loc["new"].index) == [2015, 2020]
    assert list(recursive_forecast(model, panel, horizon=2).loc["new"].index) == [2015, 2020]
    alone = _dated_panel({"new": [2010]})  # nothing to share: by 1, as before
    assert list(recursive_forecast(model, alone, horizon=2).loc["new"].index) == [2011, 2012]


def test_panel_intervals_pool_scaled_errors_and_cover_every_magnitude():
    # 400 random walks, half with steps of 1 and half of 1,000, 30 years each: far too short to
    # calibrate on their own. The naive forecast's pooled, scaled errors give each its interval.
    walks, history = two_magnitude_walks()
    naive = DifferencedTargetRegressor(DummyRegressor(strategy="constant", constant=0.0))
    naive.fit(pd.DataFrame({"value": [0.0]}), [0.0])
    forecast, intervals = recursive_forecast(naive, history, 6, coverage=0.8, calibration_size=5, context=1)
    assert intervals.index.equals(forecast.index) and list(intervals.columns) == ["lower", "upper"]
    lower = intervals["lower"].to_numpy().reshape(400, 6)
    upper = intervals["upper"].to_numpy().reshape(400, 6)
    inside = (lower <= walks[:, 30:]) & (walks[:, 30:] <= upper)
    # Measured: 0.825 of the small walks' and 0.820 of the large walks' next values inside.
    assert inside[:200].mean() == pytest.approx(0.8, abs=0.05)
    assert inside[200:].mean() == pytest.approx(0.8, abs=0.05)
    # Wider further ahead, and in each series' own units.
    width = upper - lower
    assert (np.diff(width.mean(axis=0)) > 0).all()
    assert np.median(width[200:]) / np.median(width[:200]) == pytest.approx(1000, rel=0.2)


def test_too_few_pooled_errors_ask_for_origins_per_series_not_for_the_pool_size():
    # 400 series, one origin each: 400 pooled errors, fewer than the 999 of 99.9%. Two
    # origins per series give 800, three 1,200; asking for calibration_size >= 999 would
    # send the user back 999 years per series.
    _, history = two_magnitude_walks()
    naive = DifferencedTargetRegressor(DummyRegressor(strategy="constant", constant=0.0))
    naive.fit(pd.DataFrame({"value": [0.0]}), [0.0])
    direct = DifferencedTargetRegressor(DummyRegressor(strategy="constant", constant=np.zeros(2)))
    direct.fit(pd.DataFrame({"value": [0.0, 0.0]}), np.zeros((2, 2)))
    message = r"pooled 400 past errors over the panel's 400 series, fewer than the 999 .* at least 3"
    with pytest.raises(ValueError, match=message):
        recursive_forecast(naive, history, 2, coverage=0.999, calibration_size=1, context=1)
    with pytest.raises(ValueError, match=message):
        direct_forecast(direct, history, coverage=0.999, calibration_size=1)
    _, intervals = recursive_forecast(naive, history, 2, coverage=0.999, calibration_size=3, context=1)
    assert np.isfinite(intervals.to_numpy()).all()


def test_static_covariates_pass_through_per_series_scaling_unchanged():
    panel = two_series()
    panel["size"] = np.where(panel.index.get_level_values("series") == "small", 1.0, 5.0)  # static
    target = lead_target(panel["value"])
    X = panel.loc[target.index]
    seen = []

    class Recorder(LagRidgeRegressor):
        def fit(self, X, y):
            seen.append(np.asarray(X)[:, -1, 1])  # the size each window's last step holds
            return super().fit(X, y)

    inner = make_pipeline(SlidingWindowTransformer(3), Recorder())
    scaled_away = PerSeriesScaledRegressor(inner).fit(X, target)
    np.testing.assert_array_equal(seen[-1], 0.0)  # constant within each series: scaled to 0
    kept = PerSeriesScaledRegressor(inner, passthrough=["size"]).fit(X, target)
    np.testing.assert_array_equal(np.unique(seen[-1]), [1.0, 5.0])
    assert (kept.location_[:, 1] == 0).all() and (kept.scale_[:, 1] == 1).all()
    assert scaled_away.scale_[:, 1].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="forecast column 'value' in passthrough"):
        PerSeriesScaledRegressor(inner, column="value", passthrough=["value"]).fit(X, target)


def test_direct_forecast_of_a_panel_is_each_series_last_row_with_pooled_intervals():
    panel = two_series()
    target = lead_target(panel["value"], 3, steps="all")
    inner = DifferencedTargetRegressor(make_pipeline(SlidingWindowTransformer(3), LagRidgeRegressor()))
    model = PerSeriesScaledRegressor(inner).fit(panel.loc[target.index], target)
    forecast = direct_forecast(model, panel)
    assert forecast.name == "value" and forecast.index.names == ["series", "year"]
    assert list(forecast.loc["large"].index) == [2008, 2009, 2010]
    # The prediction for each series' last row, from one predict call on the whole panel.
    rows = pd.DataFrame(model.predict(panel), index=panel.index)
    for name, last_year in (("small", 2007), ("large", 2007)):
        np.testing.assert_array_equal(forecast.loc[name].to_numpy(), rows.loc[(name, last_year)].to_numpy())
    np.testing.assert_allclose(forecast.loc["small"], [8.0, 9.0, 10.0], rtol=1e-3)
    # The panel's one column as a Series, as recursive_forecast takes it.
    pd.testing.assert_series_equal(direct_forecast(model, panel["value"]), forecast)

    # Random walks of two magnitudes, 30 years each, the naive forecast as a direct model.
    walks, history = two_magnitude_walks()
    naive = DifferencedTargetRegressor(DummyRegressor(strategy="constant", constant=np.zeros(6)))
    naive.fit(pd.DataFrame({"value": [0.0, 0.0]}), np.zeros((2, 6)))
    forecast, intervals = direct_forecast(naive, history, coverage=0.8, calibration_size=5)
    lower = intervals["lower"].to_numpy().reshape(400, 6)
    upper = intervals["upper"].to_numpy().reshape(400, 6)
    inside = (lower <= walks[:, 30:]) & (walks[:, 30:] <= upper)
    # Measured: 0.825 of the small walks' and 0.820 of the large walks' next values inside.
    assert inside[:200].mean() == pytest.approx(0.8, abs=0.05)
    assert inside[200:].mean() == pytest.approx(0.8, abs=0.05)
    width = upper - lower
    assert (np.diff(width.mean(axis=0)) > 0).all()
    assert np.median(width[200:]) / np.median(width[:200]) == pytest.approx(1000, rel=0.2)
    with pytest.raises(ValueError, match="direct multi-step model"):
        direct_forecast(PerSeriesScaledRegressor(inner).fit(panel.loc[target.index], target[3]), panel)


def test_panel_forecasts_refuse_a_model_that_reads_each_series_as_one_sequence():
    # The estimators also read a panel as one sequence per series: such a
    # model predicts one row per series, not one per row the tools forecast from.
    panel = two_series(shuffle=False)
    model = GRURegressor(hidden_size=4, max_epochs=1, random_state=0).fit(panel, np.zeros((2, 3)))
    for forecast in (lambda: direct_forecast(model, panel), lambda: recursive_forecast(model, panel, 2)):
        with pytest.raises(ValueError, match=r"predicts 2 rows for 21: it reads each series as one sequence"):
            forecast()


def test_a_panel_with_its_times_first_is_refused_with_the_swap():
    # stack() of a wide frame (one column per series) gives (time, series).
    wide = pd.DataFrame(
        {"a": np.arange(6.0), "b": np.arange(6.0) * 10},
        index=pd.period_range("2020-01", periods=6, freq="M", name="month"),
    )
    stacked = wide.stack().to_frame("value")
    with pytest.raises(ValueError, match=r"indexed by \(time, label\).*X\.swaplevel\(\)\.sort_index\(\)"):
        lead_target(stacked["value"])
    with pytest.raises(ValueError, match=r"indexed by \(time, label\)"):
        SlidingWindowTransformer(2).fit_transform(stacked)
    # Swapped, as the forecasting page shows: each series continues itself.
    panel = wide.rename_axis(columns="series").stack().swaplevel().sort_index().to_frame("value")
    np.testing.assert_array_equal(lead_target(panel["value"]).loc["b"], np.arange(1.0, 6.0) * 10)
    # One recording per day is a panel of its own: its steps as offsets are
    # never questioned, as labels the estimators warn at fit only.
    days = pd.date_range("2024-01-01", periods=4, freq="D")
    offsets = pd.MultiIndex.from_product([days, pd.to_timedelta([0, 1, 2], unit="h")], names=["day", "hour"])
    assert (
        SlidingWindowTransformer(2)
        .fit_transform(pd.DataFrame({"load": np.arange(12.0)}, index=offsets))
        .shape
    )
    clock = pd.MultiIndex.from_product([days, ["08:00", "09:00", "10:00"]], names=["day", "hour"])
    recordings = pd.DataFrame({"load": np.arange(12.0)}, index=clock)
    with pytest.warns(UserWarning, match=r"first level holds times and whose second holds labels"):
        model = GRURegressor(hidden_size=4, max_epochs=1, random_state=0).fit(recordings, np.arange(4.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(recordings)
    numbered = pd.DataFrame(
        {0: np.arange(4.0), 1: np.ones(4)}, index=pd.period_range("2020-01", periods=4, freq="M")
    )
    with pytest.warns(UserWarning, match=r"first level holds times and whose second holds numbers"):
        lead_target(numbered.stack())
    # A transformer warns once in fit_transform, and at transform for a panel fit did not see.
    time_first = numbered.stack().to_frame("value")
    for fitted in (None, panel):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if fitted is None:
                Differencer().fit_transform(time_first)
            else:
                Differencer().fit(fitted).transform(time_first)
        assert sum("first level holds times" in str(warning.message) for warning in caught) == 1


def test_absent_periods_are_refused_rather_than_read_as_consecutive():
    months = pd.period_range("2020-01", periods=6, freq="M")
    series = pd.DataFrame({"value": np.arange(6.0)}, index=months).drop(months[3])
    with pytest.raises(ValueError, match=r"missing periods: 2020-03 is followed by 2020-05"):
        SlidingWindowTransformer(2).fit_transform(series)
    index = pd.MultiIndex.from_arrays(
        [["a"] * 6 + ["b"] * 5, list(months) + list(months.drop(months[3]))], names=["series", "month"]
    )
    panel = pd.DataFrame({"value": np.arange(11.0)}, index=index)
    with pytest.raises(ValueError, match=r"missing periods \(series 'b'\): 2020-03 is followed by 2020-05"):
        Differencer().fit_transform(panel)
    with pytest.raises(ValueError, match=r"Differencer got a time-ordered table with non-numeric columns"):
        Differencer().fit_transform(panel.iloc[:6].assign(kind="x"))
