"""Data as pandas users hold it beyond NumPy dtypes: nullable dtypes, pyarrow-backed frames, polars.

pandas reads files into pyarrow-backed columns and indexes with
``dtype_backend="pyarrow"``, and nullable dtypes (``Float64``, ``Int64``) mark
missing values with ``pd.NA``. The same data in any of these forms must give
the same model as in NumPy dtypes, and a missing value must be refused as a
NaN is, never read as a number. Tests that need pyarrow or polars skip
where they are not installed.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from sk_rnn import GRUClassifier, GRURegressor
from sk_rnn.forecasting import recursive_forecast
from sk_rnn.preprocessing import (
    Differencer,
    SequenceScaler,
    SequenceVectorizer,
    SlidingWindowTransformer,
    lead_target,
    long_to_panel,
    make_windows,
)

TINY = {"hidden_size": 4, "max_epochs": 2, "random_state": 0}


def _arrow_times(index):
    """The same dates as pandas reads them with dtype_backend="pyarrow"."""
    pa = pytest.importorskip("pyarrow")
    return pd.Index(index, dtype=pd.ArrowDtype(pa.timestamp("ns")), name=index.name)


def test_pyarrow_dates_must_be_in_time_order():
    # An index of pyarrow timestamps is no DatetimeIndex: rows in reverse
    # order were windowed as they came, each window reading the future.
    days = _arrow_times(pd.date_range("2020-01-01", periods=10, freq="D"))
    frame = pd.DataFrame({"value": np.arange(10.0)}, index=days).iloc[::-1]
    with pytest.raises(ValueError, match=r"time index that is not sorted.*sort_index"):
        SlidingWindowTransformer(3).fit_transform(frame)


def test_rows_after_pyarrow_dates_continue_the_fitted_series():
    days = pd.date_range("2020-01-01", periods=10, freq="D")
    values = np.arange(10.0)
    for index in (days, _arrow_times(days)):
        frame = pd.DataFrame({"value": values}, index=index)
        windows = SlidingWindowTransformer(3).fit(frame.iloc[:7]).transform(frame.iloc[7:])
        # The first new row reads the last fitted rows, not padding.
        np.testing.assert_array_equal(windows[0, :, 0], [5.0, 6.0, 7.0])


def test_recursive_forecast_dates_forecasts_after_pyarrow_dates():
    days = pd.date_range("2020-01-01", periods=12, freq="D", name="day")
    series = pd.Series(np.sin(np.arange(12.0)), index=days, name="value")
    arrow_series = series.set_axis(_arrow_times(days))
    forecasts = []
    for history in (series, arrow_series):
        model = make_pipeline(SlidingWindowTransformer(3), GRURegressor(**TINY))
        model.fit(history.iloc[:-1].to_frame(), history.to_numpy()[1:])
        forecasts.append(recursive_forecast(model, history, 2))
    # Dated as after the NumPy dates (pandas may keep another unit of time).
    assert isinstance(forecasts[1], pd.Series)
    assert forecasts[1].index.equals(forecasts[0].index)
    np.testing.assert_array_equal(forecasts[1], forecasts[0])


def _long_table():
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "store": np.repeat(["north", "south"], 12),
            "day": np.tile(pd.date_range("2020-01-01", periods=12, freq="D"), 2),
            "sales": rng.normal(size=24),
        }
    )


def test_long_to_panel_reads_a_polars_table_as_its_pandas_twin():
    pl = pytest.importorskip("polars")
    long = _long_table()
    expected = long_to_panel(long, "store", "day")
    # It stopped at the parameter check, printing the whole table; polars' own
    # to_pandas needs pyarrow, which sk_rnn does not require.
    reversed_rows = long.iloc[::-1]
    polars_long = pl.DataFrame({name: reversed_rows[name].to_numpy() for name in long.columns})
    panel = long_to_panel(polars_long, "store", "day")
    pd.testing.assert_frame_equal(panel, expected, check_index_type=False)
    assert isinstance(panel.index.get_level_values("day"), pd.DatetimeIndex)


def test_long_to_panel_refuses_a_polars_series():
    pl = pytest.importorskip("polars")
    with pytest.raises(TypeError, match="got a polars Series, which is one column"):
        long_to_panel(pl.Series("temp", [1.0, 2.0]), "id", "time")


def test_a_pyarrow_panel_forecasts_as_its_numpy_twin():
    pytest.importorskip("pyarrow")
    long = _long_table()
    forecasts = []
    for table in (long, long.convert_dtypes(dtype_backend="pyarrow")):
        panel = long_to_panel(table, "store", "day")
        target = lead_target(panel["sales"])
        model = make_pipeline(SlidingWindowTransformer(3), GRURegressor(**TINY))
        model.fit(panel.loc[target.index], target)
        forecasts.append(recursive_forecast(model, panel, 2))
    assert forecasts[1].index.equals(forecasts[0].index)
    np.testing.assert_array_equal(forecasts[1], forecasts[0])


def _ragged():
    rng = np.random.default_rng(0)
    sequences = [rng.normal(size=length) for length in (3, 5, 4, 6, 2, 5)]
    return sequences, rng.normal(size=len(sequences))


def test_a_polars_column_of_lists_is_a_list_of_sequences():
    pl = pytest.importorskip("polars")
    sequences, y = _ragged()
    expected = GRURegressor(**TINY).fit(sequences, y).predict(sequences)
    # numpy read the column as an array of lists: "setting an array element with a sequence".
    frame = pl.DataFrame({"signal": [sequence.tolist() for sequence in sequences]})
    model = GRURegressor(**TINY).fit(frame, y)
    np.testing.assert_allclose(model.predict(frame), expected, rtol=1e-6)
    assert list(model.feature_names_in_) == ["signal"]
    np.testing.assert_allclose(model.predict(frame["signal"]), expected, rtol=1e-6)
    two_channels = frame.with_columns(twice=pl.col("signal").list.eval(pl.element() * 2))
    assert GRURegressor(**TINY).fit(two_channels, y).n_features_in_ == 2


def test_a_missing_polars_sequence_is_refused_with_its_row():
    pl = pytest.importorskip("polars")
    sequences, y = _ragged()
    frame = pl.DataFrame({"signal": [None] + [sequence.tolist() for sequence in sequences[1:]]})
    with pytest.raises(ValueError, match=r"missing value \(null\) in row 0 of column 'signal'.*drop_nulls"):
        GRURegressor(**TINY).fit(frame, y)


def test_a_missing_polars_text_is_refused_with_the_polars_fix():
    pl = pytest.importorskip("polars")
    texts = pl.Series("review", ["good", None, "bad"])
    # pandas' fillna, which polars does not have, was the fix given.
    with pytest.raises(ValueError, match=r"item 1 of X is a NoneType.*X\.fill_null\(''\)"):
        SequenceVectorizer().fit(texts)


def _nullable_ragged_frames():
    rng = np.random.default_rng(0)
    frames = [pd.DataFrame(rng.normal(size=(length, 2)), columns=["a", "b"]) for length in (3, 5, 4)]
    return [frame.astype("Float64") for frame in frames]


@pytest.mark.parametrize("lengths", ["different", "equal"])
def test_a_list_of_nullable_frames_is_read_as_their_numbers(lengths):
    frames = _nullable_ragged_frames()
    if lengths == "equal":
        frames = [frame.iloc[:3] for frame in frames]
    y = np.array([0.5, -1.0, 2.0])
    numbers = [frame.to_numpy(dtype=np.float64) for frame in frames]
    expected = GRURegressor(**TINY).fit(numbers, y).predict(numbers)
    # numpy read such a frame as objects: "a sequence of dtype object ... Encode text".
    np.testing.assert_array_equal(GRURegressor(**TINY).fit(frames, y).predict(frames), expected)


def test_pd_na_in_a_list_of_nullable_frames_is_refused_as_nan():
    frames = _nullable_ragged_frames()
    frames[1].iloc[2, 0] = pd.NA
    with pytest.raises(ValueError, match=r"got NaN in sequence 1 of X at step 2, feature 0"):
        GRURegressor(**TINY).fit(frames, [0.5, -1.0, 2.0])
    equal = [frame.iloc[:3].copy() for frame in _nullable_ragged_frames()]
    equal[1].iloc[1] = pd.NA  # a whole step, in a list of equal lengths
    # float() of NAType stopped inside pandas with a TypeError.
    with pytest.raises(ValueError, match=r"got NaN in sequence 1 of X at step 1, feature 0"):
        GRURegressor(**TINY).fit(equal, [0.5, -1.0, 2.0])


def test_a_pyarrow_string_column_of_a_panel_is_refused_with_how_to_encode_it():
    pytest.importorskip("pyarrow")
    long = _long_table().assign(region=["coast", "inland"] * 12)
    panel = long_to_panel(long.convert_dtypes(dtype_backend="pyarrow"), "store", "day")
    # The hint was given for pandas' own strings and categories only.
    expected = r"non-numeric columns \[.region.\].*OrdinalEncoder.*categorical_features"
    with pytest.raises(ValueError, match=expected):
        GRURegressor(**TINY).fit(panel, pd.Series([1.0, 2.0], index=["north", "south"]))


def _table():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(12, 5)), columns=[f"t{step}" for step in range(5)])
    return X, rng.normal(size=12), np.array(["low", "high", "mid"] * 4)


@pytest.mark.parametrize("dtype", ["Float64", "Float32"])
def test_a_nullable_table_gives_the_numpy_model(dtype):
    X, y, _ = _table()
    expected = GRURegressor(**TINY).fit(X, y).predict(X)
    nullable = X.astype(dtype)
    predictions = GRURegressor(**TINY).fit(nullable, pd.Series(y, dtype="Float64")).predict(nullable)
    np.testing.assert_allclose(predictions, expected, rtol=1e-6)


def test_pd_na_is_refused_where_nan_is():
    X, y, labels = _table()
    table = X.astype("Float64")
    table.iloc[2, 3] = pd.NA
    with pytest.raises(ValueError, match=r"got NaN in X at sample 2, step 3.*impute"):
        GRURegressor(**TINY).fit(table, y)
    missing_target = pd.Series(y, dtype="Float64")
    missing_target[4] = pd.NA
    with pytest.raises(ValueError, match=r"got NaN in y at sample 4.*Drop the samples"):
        GRURegressor(**TINY).fit(X, missing_target)
    missing_label = pd.Series(labels, dtype="string")
    missing_label[5] = pd.NA
    with pytest.raises(ValueError, match=r"missing label \(<NA>\) in y at sample 5"):
        GRUClassifier(**TINY).fit(X, missing_label)
    panel = long_to_panel(_long_table(), "store", "day").astype("Float64")
    panel.iloc[13, 0] = pd.NA
    with pytest.raises(ValueError, match=r"got NaN in the panel at instance 'south', time 2020-01-02"):
        GRURegressor(**TINY).fit(panel, pd.Series([1.0, 2.0], index=["north", "south"]))


def test_a_nullable_panel_gives_the_numpy_model():
    panel = long_to_panel(_long_table(), "store", "day")
    y = pd.Series([1.0, 2.0], index=["north", "south"])
    expected = GRURegressor(**TINY).fit(panel, y).predict(panel)
    nullable = panel.astype("Float64")
    predictions = GRURegressor(**TINY).fit(nullable, y.astype("Float64")).predict(nullable)
    pd.testing.assert_series_equal(predictions, expected)


def test_a_pyarrow_table_gives_the_numpy_model():
    pa = pytest.importorskip("pyarrow")
    X, y, labels = _table()
    arrow_X = X.convert_dtypes(dtype_backend="pyarrow")
    expected = GRURegressor(**TINY).fit(X, y).predict(X)
    predictions = GRURegressor(**TINY).fit(arrow_X, pd.Series(y, dtype="double[pyarrow]")).predict(arrow_X)
    np.testing.assert_allclose(predictions, expected, rtol=1e-6)
    expected = GRUClassifier(**TINY).fit(X, labels)
    model = GRUClassifier(**TINY).fit(arrow_X, pd.Series(labels, dtype=pd.ArrowDtype(pa.string())))
    assert list(model.classes_) == list(expected.classes_)
    np.testing.assert_allclose(model.predict_proba(arrow_X), expected.predict_proba(X), rtol=1e-6)


def test_a_polars_table_gives_the_numpy_model():
    pl = pytest.importorskip("polars")
    X, y, labels = _table()
    polars_X = pl.from_numpy(X.to_numpy(), schema=list(X.columns))
    expected = GRURegressor(**TINY).fit(X, y).predict(X)
    model = GRURegressor(**TINY).fit(polars_X, pl.Series("y", y))
    np.testing.assert_allclose(model.predict(polars_X), expected, rtol=1e-6)
    assert list(model.feature_names_in_) == list(X.columns)
    expected = GRUClassifier(**TINY).fit(X, labels).predict_proba(X)
    model = GRUClassifier(**TINY).fit(polars_X, pl.Series("y", labels, dtype=pl.Categorical))
    np.testing.assert_allclose(model.predict_proba(polars_X), expected, rtol=1e-6)


def test_transformers_follow_set_output_polars():
    pl = pytest.importorskip("polars")
    X, _, _ = _table()
    polars_X = pl.from_numpy(X.to_numpy(), schema=list(X.columns))
    for transformer in (SequenceScaler(), Differencer()):
        out = transformer.set_output(transform="polars").fit_transform(polars_X)
        assert isinstance(out, pl.DataFrame) and out.columns == list(X.columns)


def test_pd_na_among_numbers_of_an_object_column_is_refused_as_nan():
    # pandas stores [1.0, pd.NA] as objects: numpy stopped with "float() argument
    # must be ... not 'NAType'", and a panel called the column non-numeric.
    X = pd.DataFrame({"t0": [1.0, pd.NA, 2.0, 3.0], "t1": [1.0, 2.0, 3.0, 4.0]})
    assert X["t0"].dtype == object
    with pytest.raises(ValueError, match=r"got NaN in X at sample 1, step 0"):
        GRURegressor(**TINY).fit(X, [1.0, 2.0, 3.0, 4.0])
    long = pd.DataFrame({"id": ["a", "a", "b", "b"], "t": [1, 2, 1, 2], "v": [1.0, pd.NA, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"got NaN in the panel at instance 'a', time 2, column 'v'"):
        GRURegressor(**TINY).fit(long_to_panel(long, "id", "t"), [1.0, 2.0])
    for transformer in (SlidingWindowTransformer(2), Differencer()):
        with pytest.raises(ValueError, match=r"got NaN at row 1, column 0 of the series.*fill gaps"):
            transformer.fit(X[["t0"]])
    with pytest.raises(ValueError, match=r"make_windows got NaN at row 1"):
        make_windows(X["t0"], 2)
