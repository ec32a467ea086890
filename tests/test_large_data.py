"""Memory and work that stay proportional to the data: many sequences, many series, long histories."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from sk_rnn import GRUClassifier, GRURegressor
from sk_rnn.forecasting import recursive_forecast
from sk_rnn.preprocessing import Differencer, SlidingWindowTransformer, lead_target, make_windows


def peak_bytes(function, *args, **kwargs):
    """Peak of the memory Python and numpy allocate while ``function`` runs, and its result."""
    tracemalloc.start()
    try:
        result = function(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method", ["predict_proba", "predict_log_proba"])
@pytest.mark.parametrize("multilabel", [False, True])
def test_class_probabilities_of_many_sequences_need_about_their_own_size(method, multilabel):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4, 1)).astype(np.float32)
    y = (rng.random((200, 40)) > 0.5).astype(int) if multilabel else np.arange(200) % 40
    clf = GRUClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    many = np.repeat(X, 100, axis=0)
    peak, proba = peak_bytes(getattr(clf, method), many)
    # The result itself, float64 (n, 40); each numpy operation on the whole
    # array used to keep another of its size.
    assert proba.shape == (20_000, 40)
    assert peak < 1.5 * proba.nbytes


@pytest.mark.parametrize("as_frame", [False, True])
def test_a_recursive_forecast_with_a_context_never_copies_the_whole_history(as_frame):
    series = np.sin(np.arange(300) / 5)
    model = make_pipeline(
        SlidingWindowTransformer(8), GRURegressor(hidden_size=4, max_epochs=1, random_state=0)
    ).fit(series[:-1, None], lead_target(series))
    history = np.tile(series, 1000)  # 300,000 rows, 2.4 MB
    if as_frame:
        history = pd.Series(history)
    peak, forecast = peak_bytes(recursive_forecast, model, history, horizon=10, context=8)
    # Each step appended its forecast to a copy of the whole history.
    assert peak < 0.5 * history.nbytes
    np.testing.assert_array_equal(
        np.asarray(forecast), np.asarray(recursive_forecast(model, series[-8:], horizon=10, context=8))
    )


def ragged_with_one_very_long():
    """2,000 sequences of 20 steps and one of 2,000; the bytes of their float32 padded array."""
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(20, 2)).astype(np.float32) for _ in range(2000)]
    X.append(rng.normal(size=(2000, 2)).astype(np.float32))
    y = np.array([sequence[-1, 0] for sequence in X])
    return X, y, len(X) * 2000 * 2 * 4


def test_fitting_ragged_sequences_with_one_very_long_needs_little_beyond_their_padded_array():
    X, y, padded = ragged_with_one_very_long()
    reg = GRURegressor(hidden_size=4, max_epochs=1, batch_size=256, random_state=0)
    reg.fit(X[:100], y[:100])  # the modules a first fit imports are not the data's
    peak, _ = peak_bytes(reg.fit, X, y)
    # The scaling statistics converted 4,096 padded rows at a time to float64.
    assert peak < 2 * padded


def test_predicting_on_ragged_sequences_with_one_very_long_needs_little_beyond_their_padded_array():
    X, y, padded = ragged_with_one_very_long()
    reg = GRURegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X[:100], y[:100])
    peak, _ = peak_bytes(reg.predict, X)
    # The float32 range check took abs() of the whole padded array.
    assert peak < 1.5 * padded


def many_short_series(n_series=500, seed=0):
    """A panel of series of 1 to 30 steps, its rows shuffled."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 31, size=n_series)
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat([f"s{i}" for i in range(n_series)], lengths),
            np.concatenate([np.arange(n) for n in lengths]),
        ],
        names=["series", "step"],
    )
    panel = pd.DataFrame(rng.normal(size=(len(index), 2)), index=index, columns=["a", "b"])
    return panel.sample(frac=1.0, random_state=0)


def counting(monkeypatch, owner, name):
    """Replace ``owner.name`` by a wrapper that counts its calls."""
    calls = []
    function = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(None)
        return function(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def each_series(panel):
    """Each series' rows of a panel (positions), in time order, series in order of first appearance."""
    steps = panel.index.get_level_values(1).to_numpy()
    for rows in panel.groupby(level=0, sort=False).indices.values():
        yield rows[np.argsort(steps[rows])]


def test_the_windows_of_many_short_series_are_cut_in_one_pass(monkeypatch):
    panel = many_short_series()
    calls = counting(monkeypatch, np.lib.stride_tricks, "sliding_window_view")
    windows = SlidingWindowTransformer(8).fit_transform(panel)
    X, y = make_windows(panel, 4, 2, steps="all")
    # A round of numpy operations per series made 100,000 short series cost
    # seconds: 17 s for their windows, 15 s for make_windows.
    assert len(calls) == 2
    monkeypatch.undo()
    values = panel.to_numpy()
    for rows in each_series(panel):
        np.testing.assert_array_equal(
            windows[rows], SlidingWindowTransformer(8).fit(values).transform(values[rows])
        )
    alone = [make_windows(values[rows], 4, 2, steps="all") for rows in each_series(panel) if len(rows) >= 6]
    np.testing.assert_array_equal(X, np.concatenate([windows for windows, _ in alone]))
    np.testing.assert_array_equal(y, np.concatenate([target for _, target in alone]))


def test_the_changes_of_many_short_series_are_taken_in_one_pass(monkeypatch):
    panel = many_short_series()
    calls = counting(monkeypatch, Differencer, "_changes")
    changes = Differencer(lag=2).fit_transform(panel)
    assert len(calls) == 1
    monkeypatch.undo()
    values = panel.to_numpy()
    for rows in each_series(panel):
        np.testing.assert_array_equal(
            changes.to_numpy()[rows], Differencer(lag=2).fit(values).transform(values[rows])
        )
