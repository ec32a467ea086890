"""output="last" | "mean" | "max" | "last+max" | "sequence": what the head reads, and per-step targets."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

from sk_rnn import GRUClassifier, LSTMRegressor, RNNClassifier, RNNRegressor
from sk_rnn.forecasting import forecasting_regressor

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


def ragged(n=30, features=2, seed=0, low=2, high=9):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(rng.randint(low, high + 1), features)) for _ in range(n)]


def nan_pad(sequences, fill=np.nan):
    width = max(len(s) for s in sequences)
    out = np.full((len(sequences), width, *sequences[0].shape[1:]), fill, dtype=float)
    for row, seq in zip(out, sequences, strict=True):
        row[: len(seq)] = seq
    return out


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("rnn", "max"),
        ("rnn_relu", "last"),
        ("lstm", "last+max"),
        ("gru", "last"),
        ("indrnn", "last+max"),
    ],
)
def test_output_auto_pools_the_elman_network_the_lstm_and_indrnn(cell, expected):
    X = ragged()
    y = np.array([s[0, 0] > 0 for s in X])
    clf = RNNClassifier(cell=cell, **FAST).fit(X, y)
    assert clf.output == "auto"
    assert clf.output_ == expected
    assert clf.net_.module_.output == expected
    # An explicit choice wins, and the forecasting setup reads the last state with every cell.
    assert RNNClassifier(cell=cell, output="mean", **FAST).fit(X, y).output_ == "mean"
    assert forecasting_regressor(cell).output == "last"


def test_output_auto_continues_a_pooled_network_with_warm_start():
    # The trained network reads "max"; "auto" still describes it, so the fit continues it.
    X = ragged()
    y = np.array([s[0, 0] > 0 for s in X])
    clf = RNNClassifier(cell="rnn", warm_start=True, **FAST).fit(X, y)
    trained = {k: v.clone() for k, v in clf.net_.module_.state_dict().items()}
    clf.fit(X, y)
    assert clf.output_ == clf.net_.module_.output == "max"
    weights = clf.net_.module_.state_dict().items()
    assert any(not v.equal(trained[k]) for k, v in weights if v.is_floating_point())
    with pytest.raises(ValueError, match="output"):
        clf.set_params(output="last").fit(X, y)


def test_output_auto_continues_a_network_trained_with_another_head():
    # As a network saved when "auto" resolved to another head would be.
    X = ragged()
    y = np.array([s[0, 0] > 0 for s in X])
    clf = RNNClassifier(cell="lstm", output="last", warm_start=True, **FAST).fit(X, y)
    clf.set_params(output="auto").fit(X, y)
    assert clf.output_ == clf.net_.module_.output == "last"
    assert clf.n_iter_ == 2 * FAST["max_epochs"]


@pytest.mark.parametrize("output", ["mean", "max", "last+max"])
@pytest.mark.parametrize("cell", ["lstm", "indrnn"])
def test_pooled_outputs_ignore_padding(output, cell):
    X = ragged()
    y = np.array([s[:, 1].max() for s in X])
    reg = RNNRegressor(cell=cell, output=output, bidirectional=True, **FAST).fit(X, y)
    one_by_one = [reg.predict(s[np.newaxis])[0] for s in X]
    np.testing.assert_allclose(reg.predict(X), one_by_one, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(reg.predict(nan_pad(X)), one_by_one, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_max_pooling_learns_a_max_over_time():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1000, 20, 1))
    y = X[:, :, 0].max(axis=1) > 1.8  # did the sequence ever exceed 1.8?
    clf = RNNClassifier(output="max", max_epochs=30, random_state=0).fit(X[:700], y[:700])
    assert clf.score(X[700:], y[700:]) >= 0.9


def noisy_sine_steps(n=300, steps=25, seed=0):
    """Windows of a noisy sine; the target at each step is the next value of the series."""
    rng = np.random.RandomState(seed)
    series = np.sin(np.arange(n + steps + 1) * 2 * np.pi / 20) + 0.05 * rng.normal(size=n + steps + 1)
    windows = np.lib.stride_tricks.sliding_window_view(series, steps + 1)[:n]
    return windows[:, :-1, np.newaxis], windows[:, 1:]


def test_per_step_regression_forecasts_every_next_value():
    X, y = noisy_sine_steps()
    reg = LSTMRegressor(output="sequence", max_epochs=30, random_state=0).fit(X[:200], y[:200])
    pred = reg.predict(X[200:])
    assert pred.shape == (100, 25)
    # From the fifth step on the network has seen enough of the wave to forecast it.
    assert r2_score(y[200:, 5:].ravel(), pred[:, 5:].ravel()) >= 0.95
    assert reg.score(X[200:], y[200:]) == pytest.approx(r2_score(y[200:].ravel(), pred.ravel()))


def test_per_step_outputs_read_only_earlier_steps_unless_asked_otherwise():
    X, y = noisy_sine_steps(n=60)
    model = LSTMRegressor(output="sequence", **FAST).fit(X, y)
    assert model.input_scaling_ == "global"
    changed = X.copy()
    changed[:, -1] += 5.0  # the last step only
    np.testing.assert_array_equal(model.predict(changed)[:, :-1], model.predict(X)[:, :-1])
    # A sequence's own statistics summarise all its steps: allowed, with a warning that says so.
    with pytest.warns(
        UserWarning, match=r"each per-step output \(output='sequence'\) also depends on the steps after"
    ):
        LSTMRegressor(output="sequence", input_scaling="sequence", **FAST).fit(X, y)


def test_per_step_regression_with_several_outputs_per_step():
    X, y = noisy_sine_steps(n=120)
    y2 = np.stack([y, -3 * y], axis=2)
    reg = LSTMRegressor(output="sequence", **FAST)
    reg.fit(X, y2)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (120, 25, 2)


def test_per_step_targets_at_padding_steps_are_ignored():
    X = ragged(n=40, features=1)
    y = [np.cumsum(s[:, 0]) for s in X]
    from_lists = LSTMRegressor(output="sequence", **FAST).fit(X, y)
    # The same data as NaN-padded arrays, with absurd targets at the padding steps.
    padded_y = nan_pad(y, fill=1e6)
    from_arrays = LSTMRegressor(output="sequence", **FAST).fit(nan_pad(X), padded_y)
    for a, b in zip(from_lists.predict(X), from_arrays.predict(X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_per_step_targets_and_weights_may_be_pandas_columns_of_arrays():
    # One row per sequence, as a DataFrame column of arrays often holds them.
    import pandas as pd

    X = ragged(n=20, features=1)
    y = [np.cumsum(s[:, 0]) for s in X]
    weights = [np.linspace(0.5, 1.0, len(s)) for s in X]
    from_lists = LSTMRegressor(output="sequence", **FAST).fit(X, y, sample_weight=weights)
    from_columns = LSTMRegressor(output="sequence", **FAST).fit(
        X, pd.Series(y, index=range(100, 120)), sample_weight=pd.Series(weights)
    )
    for a, b in zip(from_lists.predict(X), from_columns.predict(X), strict=True):
        np.testing.assert_array_equal(a, b)
    assert from_columns.score(X, pd.Series(y)) == from_lists.score(X, y)
    labels = [np.where(target > 0, "up", "down") for target in y]
    tagger = GRUClassifier(output="sequence", **FAST).fit(X, pd.Series(labels))
    assert list(tagger.classes_) == ["down", "up"]
    assert [len(tags) for tags in tagger.predict(X)] == [len(s) for s in X]


def test_per_step_predictions_follow_the_form_of_x():
    X = ragged(n=12, features=1)
    y = [np.cumsum(s[:, 0]) for s in X]
    reg = RNNRegressor(output="sequence", **FAST).fit(X, y)
    pred = reg.predict(X)
    assert isinstance(pred, list)
    assert [len(p) for p in pred] == [len(s) for s in X]
    equal = np.stack([s[:2] for s in X])
    assert reg.predict(equal).shape == (12, 2)
    padded = reg.predict(nan_pad(X))
    assert isinstance(padded, list)
    for a, b in zip(padded, pred, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_sequence_tagging_with_string_labels():
    # Tag each step: is the running sum so far positive?
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(5, 16), 1)) for _ in range(500)]
    y = [np.where(np.cumsum(s[:, 0]) > 0, "up", "down") for s in X]
    clf = GRUClassifier(output="sequence", max_epochs=30, random_state=0).fit(X[:350], y[:350])
    np.testing.assert_array_equal(clf.classes_, ["down", "up"])
    pred = clf.predict(X[350:])
    assert [len(p) for p in pred] == [len(s) for s in X[350:]]
    flat_true = np.concatenate(y[350:])
    accuracy = accuracy_score(flat_true, np.concatenate(pred))
    assert accuracy >= 0.9
    assert clf.score(X[350:], y[350:]) == pytest.approx(accuracy)
    proba = clf.predict_proba(X[350:])
    assert proba[0].shape == (len(X[350]), 2)
    np.testing.assert_allclose(proba[0].sum(axis=1), 1.0)


def test_per_step_labels_come_back_shaped_like_y():
    # As the regressors' predictions do: y (n, T, 1) gives (n, T, 1), a list of (T_i, 1) gives such arrays.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 5, 2))
    y = (X[:, :, 0] > 0).astype(int)
    for model in (GRUClassifier(output="sequence", **FAST), LSTMRegressor(output="sequence", **FAST)):
        assert model.fit(X, y).predict(X).shape == (12, 5)
        assert model.fit(X, y[:, :, np.newaxis]).predict(X).shape == (12, 5, 1)
        listed = [x[:length] for x, length in zip(X, [3, 4, 5] * 4, strict=True)]
        targets = [t[: len(x), np.newaxis] for t, x in zip(y, listed, strict=True)]
        assert [p.shape for p in model.fit(listed, targets).predict(listed)[:3]] == [(3, 1), (4, 1), (5, 1)]


def test_cross_val_predict_per_step():
    # It joins the folds' predictions into one array: sequences of one length make one.
    from sklearn.model_selection import cross_val_predict

    rng = np.random.RandomState(0)
    equal = [rng.normal(size=(4, 2)) for _ in range(9)]
    labels = [(x[:, 0] > 0).astype(int) for x in equal]
    model = GRUClassifier(output="sequence", **FAST)
    assert cross_val_predict(model, equal, labels, cv=3).shape == (9, 4)
    ragged = [x[:length] for x, length in zip(equal, [2, 3, 4] * 3, strict=True)]
    labels = [(x[:, 0] > 0).astype(int) for x in ragged]
    with pytest.raises(ValueError, match=r"different lengths \(2 to 4 steps\).*loop over the folds"):
        cross_val_predict(model, ragged, labels, cv=3)
    predictions = model.fit(ragged, labels).predict(ragged)
    assert isinstance(predictions, list) and np.concatenate(predictions).shape == (27,)
    assert not hasattr(predictions, "shape") and model.predict(equal).shape == (9, 4)
    # scikit-learn's scorers read one array too; the estimator's own score reads every step.
    from sklearn.model_selection import cross_val_score

    for scoring, error in (("accuracy", ValueError), ("neg_log_loss", AttributeError)):
        with pytest.raises(error, match=r"different lengths.*scoring=None"):
            cross_val_score(model, ragged, labels, cv=3, scoring=scoring, error_score="raise")
    assert cross_val_score(model, ragged, labels, cv=3).shape == (3,)


def test_per_step_target_errors():
    X = ragged(n=6, features=1)
    with pytest.raises(ValueError, match="output='sequence' needs one target per step"):
        LSTMRegressor(output="sequence", **FAST).fit(nan_pad(X), np.zeros(6))
    bad = [np.zeros(len(s)) for s in X]
    bad[3] = np.zeros(len(X[3]) + 1)
    with pytest.raises(ValueError, match=r"sequence 3 of X has \d+ steps, but its targets have shape"):
        LSTMRegressor(output="sequence", **FAST).fit(X, bad)
    with pytest.raises(ValueError, match="tags each step with one label, but y has 2 labels per step"):
        GRUClassifier(output="sequence", **FAST).fit(X, [np.zeros((len(s), 2)) for s in X])
    targets = [np.zeros(len(s)) for s in X]
    with pytest.raises(ValueError, match=r"needs one sample_weight per step: .*of shape \(6, 2\)\. Or pass"):
        LSTMRegressor(output="sequence", **FAST).fit(X, targets, sample_weight=np.ones((6, 2)))


def test_per_step_score_weighs_steps_as_fit_does():
    from sklearn.metrics import r2_score

    X = ragged(n=12, features=1)
    y = [2 * s[:, 0] for s in X]
    reg = LSTMRegressor(output="sequence", **FAST).fit(X, y)
    steps = np.concatenate(reg.predict(X))
    per_step = [np.linspace(0, 1, len(s)) for s in X]
    per_sequence = np.arange(12.0)
    assert reg.score(X, y, sample_weight=per_step) == pytest.approx(
        r2_score(np.concatenate(y), steps, sample_weight=np.concatenate(per_step))
    )
    repeated = np.concatenate([np.full(len(s), w) for s, w in zip(X, per_sequence, strict=True)])
    assert reg.score(X, y, sample_weight=per_sequence) == pytest.approx(
        r2_score(np.concatenate(y), steps, sample_weight=repeated)
    )
    assert reg.score(X, y, sample_weight=per_sequence) != pytest.approx(reg.score(X, y))


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_predictions_follow_the_fitted_network_whatever_set_params_changes_after_fit(Estimator):
    # The trained head decides what predict returns: a hyperparameter changed
    # after fit takes effect at the next fit, as in scikit-learn.
    X = ragged(n=12, features=1)
    y = [(np.cumsum(s[:, 0]) > 0).astype(int) for s in X]
    per_step = Estimator(output="sequence", **FAST).fit(X, y)
    expected, score = per_step.predict(X), per_step.score(X, y)
    per_step.set_params(output="last", embedding_dim=4)
    for got, want in zip(per_step.predict(X), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    assert per_step.score(X, y) == score
    per_sequence = Estimator(**FAST).fit(X, [labels[-1] for labels in y])
    expected = per_sequence.predict(X)
    np.testing.assert_array_equal(per_sequence.set_params(output="sequence").predict(X), expected)
