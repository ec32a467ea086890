"""SequenceScaler: per-feature standardisation of 3-D, padded, ragged and panel sequences."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_rnn import GRUClassifier, GRURegressor
from sk_rnn.preprocessing import SequencePadder, SequenceScaler


def ragged(n=20, features=3, seed=0):
    rng = np.random.RandomState(seed)
    # Features of very different units: the scaler must bring each to unit variance.
    units = np.array([1.0, 1000.0, 0.001])[:features]
    return [rng.normal(loc=5.0, size=(rng.randint(1, 9), features)) * units for _ in range(n)]


def test_statistics_are_those_of_the_valid_steps_and_padding_stays_nan():
    X = ragged()
    padded = SequencePadder().fit_transform(X)
    steps = np.concatenate(X)
    scaler = SequenceScaler().fit(padded)
    reference = StandardScaler().fit(steps)
    np.testing.assert_allclose(scaler.mean_, reference.mean_)
    np.testing.assert_allclose(scaler.scale_, reference.scale_)
    out = scaler.transform(padded)
    assert out.shape == padded.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(padded))
    np.testing.assert_allclose(
        out[~np.isnan(out)], reference.transform(steps).ravel(), rtol=1e-10, atol=1e-12
    )


def test_a_ragged_list_gives_the_statistics_of_its_padded_form_and_stays_a_list():
    X = ragged()
    from_list = SequenceScaler().fit(X)
    from_padded = SequenceScaler().fit(SequencePadder().fit_transform(X))
    np.testing.assert_allclose(from_list.mean_, from_padded.mean_)
    np.testing.assert_allclose(from_list.scale_, from_padded.scale_)
    out = from_list.transform(X)
    assert isinstance(out, list)
    assert [s.shape for s in out] == [s.shape for s in X]
    stacked = np.concatenate(out)
    np.testing.assert_allclose(stacked.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(stacked.std(axis=0), 1, atol=1e-10)


def test_a_frame_of_nested_series_comes_back_as_a_list_of_its_rows():
    # sktime's "nested_univ" frame: one column per channel, one row per case.
    rng = np.random.RandomState(0)
    cases = [rng.normal(size=(n, 2)) for n in (3, 5, 4)]
    nested = pd.DataFrame({f"dim_{j}": [pd.Series(case[:, j]) for case in cases] for j in range(2)})
    scaled = SequenceScaler().fit_transform(nested)
    expected = SequenceScaler().fit_transform(cases)
    assert [s.shape for s in scaled] == [(3, 2), (5, 2), (4, 2)]
    for got, want in zip(scaled, expected, strict=True):
        np.testing.assert_allclose(got, want)


def test_a_list_of_sequences_of_equal_length_stays_a_list():
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(4, 2)) for _ in range(3)]
    scaled = SequenceScaler().fit_transform(sequences)
    assert isinstance(scaled, list) and [s.shape for s in scaled] == [(4, 2)] * 3


def test_inverse_transform_gives_back_the_sequences():
    X = SequencePadder().fit_transform(ragged())
    scaler = SequenceScaler().fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-12)


def test_a_2d_table_is_one_feature_scaled_as_a_whole():
    X = np.arange(12.0).reshape(3, 4) * 10
    scaler = SequenceScaler().fit(X)
    assert scaler.n_features_in_ == 4
    np.testing.assert_allclose(scaler.mean_, [X.mean()])
    np.testing.assert_allclose(scaler.transform(X), (X - X.mean()) / X.std())


def test_float32_stays_float32_and_options_switch_parts_off():
    X = np.random.RandomState(0).normal(3.0, 2.0, size=(10, 5, 2)).astype(np.float32)
    assert SequenceScaler().fit_transform(X).dtype == np.float32
    centred = SequenceScaler(with_std=False).fit(X)
    assert centred.scale_ is None
    np.testing.assert_allclose(centred.transform(X).mean(axis=(0, 1)), 0, atol=1e-5)
    scaled = SequenceScaler(with_mean=False).fit(X)
    assert scaled.mean_ is None
    np.testing.assert_allclose(scaled.transform(X), X / scaled.scale_, rtol=1e-6)


def test_a_constant_feature_is_left_at_unit_scale():
    X = np.ones((4, 3, 2))
    X[:, :, 1] = np.arange(3)
    scaler = SequenceScaler().fit(X)
    assert scaler.scale_[0] == 1.0
    np.testing.assert_array_equal(scaler.transform(X)[:, :, 0], 0.0)


def test_a_panel_comes_back_as_a_panel_with_its_index_and_columns():
    index = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["id", "t"])
    panel = pd.DataFrame({"x": [1.0, 2.0, 3.0], "z": [10.0, 10.0, 40.0]}, index=index)
    out = SequenceScaler().fit_transform(panel)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(panel.index) and list(out.columns) == ["x", "z"]
    np.testing.assert_allclose(out["x"], (panel["x"] - 2.0) / panel["x"].std(ddof=0))
    # A float32 panel stays float32, as a float32 array does (it came back float64).
    float32_panel = panel.astype(np.float32)
    scaler = SequenceScaler().fit(float32_panel)
    assert set(scaler.transform(float32_panel).dtypes) == {np.dtype(np.float32)}
    assert set(scaler.inverse_transform(scaler.transform(float32_panel)).dtypes) == {np.dtype(np.float32)}


def test_nan_inside_a_sequence_and_wrong_features_are_refused():
    X = np.zeros((3, 4, 2))
    scaler = SequenceScaler().fit(X)
    with pytest.raises(ValueError, match="SequenceScaler was fitted on sequences with 2 features per step"):
        scaler.transform(np.zeros((3, 4, 5)))
    X[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="SequenceScaler got NaN in X at sample 1, step 2, feature 0"):
        scaler.transform(X)


def test_scaled_ragged_sequences_feed_an_estimator_in_a_pipeline():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(3, 12), 2)) * 1000 for _ in range(60)]
    y = np.array([int(s[:, 0].mean() > 0) for s in X])
    model = make_pipeline(
        SequencePadder(), SequenceScaler(), GRUClassifier(hidden_size=8, max_epochs=5, random_state=0)
    )
    assert model.fit(X, y).predict(X[:4]).shape == (4,)


def test_pandas_output_makes_dataframes_of_tables_and_leaves_sequences_as_they_are():
    X = SequencePadder().fit_transform(ragged())
    table = pd.DataFrame(np.arange(12.0).reshape(4, 3), columns=["a", "b", "c"], index=[5, 6, 7, 8])
    scaler = SequenceScaler().set_output(transform="pandas")
    scaled_table = scaler.fit_transform(table)
    assert isinstance(scaled_table, pd.DataFrame)
    assert list(scaled_table.index) == [5, 6, 7, 8]
    # No DataFrame holds a 3-D array or a list of sequences: they keep their form.
    np.testing.assert_array_equal(scaler.fit_transform(X), SequenceScaler().fit_transform(X))
    assert isinstance(scaler.fit(ragged()).transform(ragged()), list)
    # A global pandas setting must not break a pipeline of sequences either.
    with sklearn.config_context(transform_output="pandas"):
        model = make_pipeline(SequenceScaler(), GRUClassifier(hidden_size=8, max_epochs=2, random_state=0))
        assert model.fit(X, np.arange(len(X)) % 2).predict(X[:3]).shape == (3,)


def test_tiny_units_are_scaled_not_taken_for_a_constant():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(30, 6, 2)), rng.normal(size=30)
    tiny = 2.0**-66  # about 1e-20, a power of two: the scaled data are the same numbers exactly
    assert SequenceScaler().fit(X * tiny).scale_ == pytest.approx(SequenceScaler().fit(X).scale_ * tiny)
    settings = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}
    for input_scaling in ("auto", "global"):
        reference = GRURegressor(input_scaling=input_scaling, **settings).fit(X, y).predict(X)
        model = GRURegressor(input_scaling=input_scaling, **settings).fit(X * tiny, y)
        np.testing.assert_array_equal(model.predict(X * tiny), reference)
