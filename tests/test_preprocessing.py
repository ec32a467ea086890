"""Transformers of sk_rnn.preprocessing on their own and inside pipelines."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

from sk_rnn import GRUClassifier, LSTMRegressor
from sk_rnn.preprocessing import SequencePadder


def ragged(n=30, features=2, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(rng.randint(1, 8), features)) for _ in range(n)]


def test_padder_puts_each_sequence_first_and_nan_after():
    X = ragged()
    padded = SequencePadder().fit_transform(X)
    assert padded.shape == (30, max(len(s) for s in X), 2)
    for row, seq in zip(padded, X, strict=True):
        np.testing.assert_array_equal(row[: len(seq)], seq)
        assert np.isnan(row[len(seq) :]).all()


@pytest.mark.parametrize(("keep", "expected"), [("last", [3.0, 4.0, 5.0]), ("first", [1.0, 2.0, 3.0])])
def test_padder_cuts_long_sequences_keeping_the_chosen_end(keep, expected):
    X = [np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([7.0])]
    out = SequencePadder(max_len=3, keep=keep).fit_transform(X)[:, :, 0]
    np.testing.assert_array_equal(out[0], expected)
    np.testing.assert_array_equal(out[1], [7.0, np.nan, np.nan])


def test_padder_uses_the_fit_length_at_transform():
    padder = SequencePadder().fit([np.zeros(4), np.zeros(2)])
    assert padder.max_len_ == 4
    assert padder.transform([np.ones(6), np.ones(1)]).shape == (2, 4, 1)


def test_padder_round_trips_through_inverse_transform():
    X = ragged()
    padder = SequencePadder().fit(X)
    for back, seq in zip(padder.inverse_transform(padder.transform(X)), X, strict=True):
        np.testing.assert_array_equal(back, seq)


def test_padder_keeps_float32():
    X = [np.zeros((3, 2), dtype=np.float32), np.zeros((1, 2), dtype=np.float32)]
    assert SequencePadder().fit_transform(X).dtype == np.float32
    assert SequencePadder().fit_transform([x.astype(np.float64) for x in X]).dtype == np.float64


def test_padder_checks_features_per_step():
    padder = SequencePadder().fit(ragged(features=2))
    with pytest.raises(ValueError, match="SequencePadder was fitted on sequences with 2 features per step"):
        padder.transform(ragged(features=3))


def test_padded_pipeline_predicts_like_the_estimator_on_the_list():
    X = ragged(n=60)
    y = np.array([s[:, 0].sum() > 0 for s in X])
    params = {"hidden_size": 8, "max_epochs": 5, "random_state": 0}
    pipe = make_pipeline(SequencePadder(), GRUClassifier(**params)).fit(X, y)
    direct = GRUClassifier(**params).fit(X, y)
    np.testing.assert_allclose(pipe.predict_proba(X), direct.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_grid_search_on_ragged_lists():
    X = ragged(n=45, features=1)
    y = np.array([s.sum() for s in X])
    search = GridSearchCV(
        make_pipeline(SequencePadder(), LSTMRegressor(max_epochs=2, random_state=0)),
        {"sequencepadder__max_len": [2, 5], "lstmregressor__hidden_size": [4, 8]},
        cv=KFold(3),
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X).shape == (45,)


def test_padder_refuses_a_panel_whose_y_it_would_misalign():
    # The estimators align y to a panel by instance label; a padded array has none.
    index = pd.MultiIndex.from_product([["p0", "p1", "p10"], range(3)], names=["patient", "day"])
    panel = pd.DataFrame({"temp": np.arange(9.0)}, index=index)
    y = pd.Series(["a", "b", "a"], index=["p0", "p10", "p1"])
    model = make_pipeline(SequencePadder(), GRUClassifier(hidden_size=4, max_epochs=1, random_state=0))
    with pytest.raises(
        ValueError, match=r"SequencePadder got a panel and a y indexed by instance in another"
    ):
        model.fit(panel, y)
    # In the panel's order, or as an array, y is read as the estimator reads it on the panel itself.
    ordered = y.loc[panel.index.unique(level=0)]
    padded = model.fit(panel, ordered).predict_proba(panel)
    direct = GRUClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(panel, y).predict_proba(panel)
    np.testing.assert_allclose(padded, direct, rtol=1e-5)
    model.fit(panel, ordered.to_numpy())
