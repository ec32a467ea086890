"""The scikit-learn contract a user relies on: composition, persistence, reproducibility, shapes."""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.inspection import permutation_importance
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import EarlyStopping

from sk_rnn import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RNNClassifier,
    RNNRegressor,
)

ALL = [LSTMClassifier, GRUClassifier, RNNClassifier, LSTMRegressor, GRURegressor, RNNRegressor]
FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


def sign_task(n=120, steps=7, features=2, seed=0):
    """Label: is the sum of the first feature over the sequence positive."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, steps, features))
    return X, np.where(X[:, :, 0].sum(axis=1) > 0, "pos", "neg")


def is_classifier_class(cls):
    return cls.__name__.endswith("Classifier")


def target_for(cls, X):
    if is_classifier_class(cls):
        return np.where(X.reshape(len(X), -1).mean(axis=1) > 0, "yes", "no")
    return X.reshape(len(X), -1).mean(axis=1) * 100 + 7


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_pickle_joblib_and_clone_round_trips(cls, tmp_path):
    X, _ = sign_task()
    y = target_for(cls, X)
    estimator = cls(**FAST).fit(X, y)
    expected = estimator.predict(X)
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(restored.predict(X), expected)
    joblib.dump(estimator, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict(X), expected)
    # clone: same parameters, nothing fitted, and it trains to the same model.
    fresh = clone(estimator)
    assert fresh.get_params() == estimator.get_params()
    assert not hasattr(fresh, "net_")
    np.testing.assert_array_equal(fresh.fit(X, y).predict(X), expected)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_same_random_state_same_predictions_and_global_rng_untouched(cls):
    X, _ = sign_task()
    y = target_for(cls, X)
    params = {**FAST, "dropout": 0.3}  # dropout draws from the generator too
    torch.manual_seed(123)
    expected_next_draw = torch.rand(3)
    torch.manual_seed(123)
    first = cls(**params).fit(X, y)
    # The caller's torch random stream goes on as if fit had not run.
    torch.testing.assert_close(torch.rand(3), expected_next_draw)
    second = cls(**params).fit(X, y)
    if is_classifier_class(cls):
        np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    else:
        np.testing.assert_array_equal(first.predict(X), second.predict(X))
    other = cls(**{**params, "random_state": 1}).fit(X, y)
    assert not np.array_equal(first._forward(X)[1], other._forward(X)[1])


@pytest.mark.parametrize("cls", [LSTMClassifier, GRUClassifier, RNNClassifier])
def test_classifier_string_labels_binary_and_multiclass(cls):
    X, _ = sign_task(n=150)
    for labels in (np.array(["cat", "dog"]), np.array(["a", "b", "c"])):
        y = labels[np.arange(len(X)) % len(labels)]
        clf = cls(**FAST).fit(X, y)
        np.testing.assert_array_equal(clf.classes_, np.sort(labels))
        proba = clf.predict_proba(X)
        assert proba.shape == (len(X), len(labels))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert (proba >= 0).all()
        np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
        np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-6)
        assert set(clf.predict(X)) <= set(labels)
        assert 0.0 <= clf.score(X, y) <= 1.0


@pytest.mark.parametrize("cls", [LSTMRegressor, GRURegressor, RNNRegressor])
def test_regressor_output_shapes_follow_y(cls):
    X, _ = sign_task()
    y1 = X[:, :, 0].sum(axis=1)
    y2 = np.c_[y1, X[:, -1, 1] * 1000.0]  # targets of very different scales
    reg1 = cls(**FAST).fit(X, y1)
    assert reg1.predict(X).shape == (len(X),)
    assert reg1.n_outputs_ == 1
    reg2 = cls(**{**FAST, "max_epochs": 60, "dropout": 0.0}).fit(X, y2)
    pred = reg2.predict(X)
    assert pred.shape == (len(X), 2)
    assert reg2.n_outputs_ == 2
    # Predictions come back in each target's own unit, as if trained on it.
    assert r2_score(y2, pred, multioutput="raw_values").min() > 0.8
    column = reg1.fit(X, y1[:, None]).predict(X)
    assert column.shape == (len(X), 1)


def test_regressor_score_is_r2():
    X, _ = sign_task()
    y = X[:, :, 0].sum(axis=1)
    reg = LSTMRegressor(**FAST).fit(X, y)
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)))


def test_fitted_attributes():
    X, y = sign_task()
    clf = LSTMClassifier(hidden_size=8, max_epochs=6, random_state=0).fit(X, y)
    assert clf.n_features_in_ == 2
    assert clf.n_iter_ == 6
    assert len(clf.loss_curve_) == 6
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert len(clf.history_) == 6
    assert isinstance(clf.net_.module_.rnn, torch.nn.LSTM)
    assert not hasattr(clf, "feature_names_in_")


def test_3d_models_predict_sequences_of_any_length():
    X, y = sign_task(steps=7)
    clf = GRUClassifier(**FAST).fit(X, y)
    assert clf.predict(X[:, :3]).shape == (len(X),)
    assert clf.predict(np.concatenate([X, X], axis=1)).shape == (len(X),)


def test_univariate_model_fitted_on_3d_accepts_2d():
    X, y = sign_task(features=1)
    clf = LSTMClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.predict(X[:, :, 0]), clf.predict(X))


def test_2d_model_reads_each_row_as_a_univariate_sequence():
    X, y = sign_task(features=1)
    clf = LSTMClassifier(**FAST).fit(X[:, :, 0], y)
    assert clf.n_features_in_ == 7
    np.testing.assert_array_equal(clf.predict(X[:, :, 0]), clf.predict(X))


def test_pandas_frames_keep_feature_names():
    X, _ = sign_task(features=1)
    frame = pd.DataFrame(X[:, :, 0], columns=[f"lag_{i}" for i in range(7)])
    reg = LSTMRegressor(**FAST).fit(frame, pd.Series(X[:, :, 0].sum(axis=1)))
    np.testing.assert_array_equal(reg.feature_names_in_, frame.columns)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        from_array = reg.predict(frame.to_numpy())
    np.testing.assert_array_equal(reg.predict(frame), from_array)
    with pytest.raises(ValueError, match="The feature names should match"):
        reg.predict(frame.rename(columns={"lag_0": "other"}))


@pytest.mark.parametrize("ragged", [False, True])
def test_a_list_of_frames_keeps_its_column_names(ragged):
    # One DataFrame per sequence, its columns the features of every step: a
    # sequence with its columns in another order must not be read as it stands.
    rng = np.random.RandomState(0)
    frames = [
        pd.DataFrame({"price": rng.normal(size=n), "store": rng.randint(0, 3, n)})
        for n in (rng.randint(3, 8, 40) if ragged else np.full(40, 6))
    ]
    y = np.array([frame["price"].sum() > 0 for frame in frames], dtype=int)
    clf = GRUClassifier(**FAST).fit(frames, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["price", "store"])
    with pytest.raises(ValueError, match="The feature names should match"):
        clf.predict([frame[["store", "price"]] for frame in frames])
    mixed = [*frames[:5], frames[5][["store", "price"]], *frames[6:]]
    with pytest.raises(ValueError, match=r"columns differ: sequence 5 has \['store', 'price'\]"):
        GRUClassifier(**FAST).fit(mixed, y)
    # Named columns can be named: here as the categorical feature.
    coded = GRUClassifier(categorical_features=["store"], **FAST).fit(frames, y)
    assert list(coded.categorical_features_) == [1]


def test_permutation_importance_finds_the_feature_that_decides():
    # scikit-learn's permutation_importance refuses 3-D X but leaves a
    # DataFrame to the estimator: one column per feature, one sequence per
    # cell, shuffled across samples as whole sequences (the user guide's recipe).
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 6, 3))
    y = (X[:, :, 1].sum(axis=1) > 0).astype(int)
    by_feature = pd.DataFrame({name: list(X[:, :, j]) for j, name in enumerate("abc")})
    model = GRUClassifier(hidden_size=16, max_epochs=30, random_state=0).fit(by_feature[:150], y[:150])
    np.testing.assert_array_equal(model.predict(by_feature[150:]), model.predict(X[150:]))
    result = permutation_importance(model, by_feature[150:], y[150:], n_repeats=5, random_state=0)
    decisive, others = result.importances_mean[1], np.delete(result.importances_mean, 1)
    assert decisive > 0.2
    assert np.all(np.abs(others) < 0.1)
    # A panel becomes that frame by grouping its rows by instance.
    ids = pd.Index([f"s{i:03d}" for i in range(200)], name="id")
    panel = pd.DataFrame(
        X.reshape(-1, 3),
        index=pd.MultiIndex.from_product([ids, range(6)], names=["id", "t"]),
        columns=list("abc"),
    )
    grouped = panel.sort_index().groupby(level=0).agg(list)
    np.testing.assert_array_equal(grouped.index, ids)
    np.testing.assert_array_equal(model.predict(grouped), model.predict(panel))


def test_permutation_importance_of_steps_and_refusal_of_ragged_features():
    rng = np.random.RandomState(0)
    steps = pd.DataFrame(rng.normal(size=(200, 8)), columns=[f"t{i}" for i in range(8)])
    y = 2 * steps["t2"] + steps["t5"]
    reg = GRURegressor(hidden_size=16, max_epochs=30, random_state=0).fit(steps[:150], y[:150])
    importance = permutation_importance(reg, steps[150:], y[150:], n_repeats=3, random_state=0)
    assert list(np.argsort(importance.importances_mean)[-2:]) == [5, 2]
    # Shuffled across sequences of different lengths, a feature no longer
    # fits its row: refused with a message, not read misaligned.
    ragged = pd.DataFrame({"a": [np.zeros(3), np.zeros(5)], "b": [np.zeros(5), np.zeros(3)]})
    with pytest.raises(ValueError, match="cells of row 0 are not sequences of one length"):
        reg.predict(ragged)


def test_pipeline_with_a_scaler():
    X, y = sign_task(features=1)
    pipe = make_pipeline(StandardScaler(), LSTMClassifier(**FAST)).fit(X[:, :, 0] * 50 + 3, y)
    assert pipe.predict(X[:, :, 0] * 50 + 3).shape == (len(X),)
    assert pipe.score(X[:, :, 0] * 50 + 3, y) > 0.5


def test_cross_val_score():
    X, y = sign_task(n=90)
    scores = cross_val_score(GRUClassifier(**FAST), X, y, cv=KFold(3))
    assert scores.shape == (3,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_grid_search_over_cells_in_parallel():
    X, _ = sign_task(n=90, features=1)
    X = X[:, :, 0]
    y = X.sum(axis=1)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), RNNRegressor(max_epochs=2, random_state=0)),
        {"rnnregressor__cell": ["rnn", "lstm", "gru", "indrnn"], "rnnregressor__hidden_size": [4, 8]},
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    results = pd.DataFrame(search.cv_results_)
    assert len(results) == 8
    assert np.isfinite(results["mean_test_score"]).all()
    best = search.best_estimator_[-1]
    assert (
        type(best.net_.module_.rnn).__name__
        == {
            "rnn": "RNN",
            "lstm": "LSTM",
            "gru": "GRU",
            "indrnn": "IndRNN",
        }[search.best_params_["rnnregressor__cell"]]
    )


def test_set_params_changes_the_next_fit():
    X, y = sign_task()
    clf = RNNClassifier(**FAST).fit(X, y)
    clf.set_params(cell="gru", hidden_size=5, num_layers=2, bidirectional=True).fit(X, y)
    rnn = clf.net_.module_.rnn
    assert isinstance(rnn, torch.nn.GRU)
    assert (rnn.hidden_size, rnn.num_layers, rnn.bidirectional) == (5, 2, True)


@pytest.mark.parametrize("cell", ["rnn", "rnn_relu", "lstm", "gru", "indrnn"])
def test_every_cell_with_stacked_bidirectional_layers(cell):
    X, y = sign_task()
    clf = RNNClassifier(cell=cell, num_layers=2, bidirectional=True, dropout=0.1, **FAST).fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_indrnn_recurrent_weights_respect_the_bound_after_training():
    X, y = sign_task(steps=30)
    clf = RNNClassifier(cell="indrnn", learning_rate=0.05, hidden_size=8, max_epochs=5, random_state=0)
    clf.fit(X, y)
    bound = 2 ** (1 / 30)
    for directions in clf.net_.module_.rnn.layers:
        assert directions[0].recurrent_weight.abs().max().item() <= bound + 1e-6


def test_cell_params_start_the_indrnn_and_survive_clone_and_pickle():
    X, y = sign_task()
    clf = RNNClassifier(cell="indrnn", cell_params={"input_threshold": 2.0}, max_epochs=1, hidden_size=8)
    assert clone(clf).get_params()["cell_params"] == {"input_threshold": 2.0}
    clf.set_params(learning_rate=1e-9, random_state=0).fit(X, y)  # the biases barely move
    first, second = clf.net_.module_.rnn.layers
    assert torch.allclose(first[0].input_weight.bias, torch.tensor(-2.0), atol=1e-4)
    assert second[0].input_weight.bias.abs().max() < 1e-4
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_callbacks_pass_through_and_are_not_mutated():
    X, y = sign_task()
    stopper = EarlyStopping(monitor="train_loss", patience=1, threshold=10.0)
    clf = LSTMClassifier(hidden_size=8, max_epochs=50, random_state=0, callbacks=[stopper]).fit(X, y)
    assert clf.n_iter_ < 50  # a threshold of 10 means no epoch counts as an improvement
    trained = [cb for _, cb in clf.net_.callbacks_ if isinstance(cb, EarlyStopping)]
    assert len(trained) == 1
    assert trained[0].misses_ > 0
    assert stopper.misses_ == 0  # the user's object was copied, not trained


def test_skorch_scoring_callbacks_read_classes_and_probabilities():
    # The inner net's predict gave logits: EpochScoring("accuracy") failed with
    # scikit-learn's "mix of binary and continuous-multioutput targets", and
    # "roc_auc" with "y should be a 1d array".
    from sklearn.metrics import log_loss, roc_auc_score
    from skorch.callbacks import EpochScoring

    X, y = sign_task()
    callbacks = [
        EpochScoring("accuracy", on_train=True, name="train_accuracy"),
        EpochScoring("roc_auc", name="valid_auc", lower_is_better=False),
        EpochScoring("neg_log_loss", name="valid_log_loss", lower_is_better=False),
    ]
    clf = LSTMClassifier(callbacks=callbacks, early_stopping=True, validation_fraction=0.25, **FAST)
    clf.fit(X, y)
    held_out = slice(len(X) - len(X) // 4, None)
    proba = clf.predict_proba(X[held_out])[:, 1]
    assert clf.history_[-1, "valid_auc"] == pytest.approx(roc_auc_score(y[held_out], proba), abs=1e-6)
    assert clf.history_[-1, "valid_log_loss"] == pytest.approx(-log_loss(y[held_out], proba), abs=1e-5)
    assert 0 <= clf.history_[-1, "train_accuracy"] <= 1
    # A regressor's net still gives its raw (standardised) outputs.
    reg = LSTMRegressor(callbacks=[EpochScoring("r2", on_train=True, name="r2")], **FAST)
    assert np.isfinite(reg.fit(X, X[:, :, 0].sum(axis=1)).history_[-1, "r2"])


def test_custom_optimizer_class():
    X, y = sign_task()
    clf = LSTMClassifier(optimizer=torch.optim.NAdam, weight_decay=1e-4, **FAST).fit(X, y)
    optimizer = clf.net_.optimizer_
    assert isinstance(optimizer, torch.optim.NAdam)
    assert optimizer.param_groups[0]["weight_decay"] == 1e-4


def test_gradient_clipping_is_on_by_default_and_can_be_turned_off():
    X, y = sign_task()
    names = dict(LSTMClassifier(**FAST).fit(X, y).net_.callbacks_)
    assert names["gradient_norm_clipping"].gradient_clip_value == 1.0
    names = dict(LSTMClassifier(clip_grad_norm=None, **FAST).fit(X, y).net_.callbacks_)
    assert "gradient_norm_clipping" not in names


def test_verbose_prints_the_training_table(capsys):
    X, y = sign_task()
    LSTMClassifier(**FAST).fit(X, y)
    assert capsys.readouterr().out == ""
    LSTMClassifier(verbose=1, **FAST).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out
    assert out.count("\n") >= 5


def test_device_auto_picks_an_available_device():
    X, y = sign_task()
    clf = LSTMClassifier(device="auto", **FAST).fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert next(clf.net_.module_.parameters()).device.type == expected


def test_training_never_builds_batches_one_sample_at_a_time(monkeypatch):
    from sk_rnn._training.batches import ArrayBatches

    def refuse(self, index):
        raise AssertionError("a batch was built sample by sample")

    monkeypatch.setattr(ArrayBatches, "__getitem__", refuse)
    X, y = sign_task()
    LSTMClassifier(**FAST).fit(X, y).predict(X)


def test_training_log_is_readable_from_history():
    X, y = sign_task()
    clf = LSTMClassifier(**FAST).fit(X, y)
    buffer = io.StringIO()
    buffer.write(str(clf.history_[:, "train_loss"]))
    assert len(clf.history_[:, "train_loss"]) == clf.n_iter_


def _torch_threads(estimator, X, y):
    return torch.get_num_threads()


def test_parallel_search_workers_do_not_oversubscribe_the_cores():
    import os

    X, _ = sign_task(n=40, features=1)
    X = X[:, :, 0]
    search = GridSearchCV(
        LSTMRegressor(max_epochs=1),
        {"hidden_size": [4, 5]},
        cv=2,
        n_jobs=2,
        scoring=_torch_threads,
    ).fit(X, X.sum(axis=1))
    # joblib's workers get cpu_count // n_jobs threads: one each on a 2-core machine.
    assert (search.cv_results_["mean_test_score"] <= max(1, os.cpu_count() // 2)).all()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "indrnn"])
def test_a_sequence_gets_the_same_prediction_whatever_else_is_in_the_batch(cell):
    X, _ = sign_task(n=300)
    reg = RNNRegressor(cell=cell, batch_size=100, **FAST).fit(X, X[:, :, 0].sum(axis=1))
    full = reg.predict(X)
    for rows in (slice(5, 8), slice(17, 130), slice(298, 300)):
        np.testing.assert_array_equal(reg.predict(X[rows]), full[rows])
    # A lone sequence runs on one row, for latency: the same up to float32 rounding.
    for row in (0, 299):
        np.testing.assert_allclose(reg.predict(X[row : row + 1]), full[row : row + 1], rtol=1e-6, atol=1e-7)


def test_a_failed_refit_keeps_the_previous_model():
    X, y = sign_task(features=2)
    clf = LSTMClassifier(**FAST).fit(X, y)
    expected = clf.predict_proba(X)
    bad = np.random.RandomState(0).normal(size=(30, 4, 5))
    bad[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(bad, np.arange(30) % 2)
    assert clf.n_features_in_ == 2
    np.testing.assert_array_equal(clf.predict_proba(X), expected)


def test_a_failed_first_fit_leaves_the_estimator_unfitted():
    from sklearn.exceptions import NotFittedError

    X, _ = sign_task()
    clf = LSTMClassifier(**FAST)
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf.fit(X, ["same"] * len(X))
    assert not hasattr(clf, "n_features_in_")
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_subpackages_are_reachable_as_attributes_after_import_sk_rnn():
    import subprocess
    import sys

    code = (
        "import sys, sk_rnn; "
        "assert 'sk_rnn.preprocessing' not in sys.modules; "
        "print(sk_rnn.preprocessing.SlidingWindowTransformer.__name__, "
        "sk_rnn.datasets.load_airline.__name__, "
        "sk_rnn.forecasting.recursive_forecast.__name__, sk_rnn.modules.IndRNN.__name__, "
        "'preprocessing' in dir(sk_rnn))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [
        "SlidingWindowTransformer",
        "load_airline",
        "recursive_forecast",
        "IndRNN",
        "True",
    ]
    with pytest.raises(AttributeError, match="has no attribute 'nonexistent'"):
        import sk_rnn

        sk_rnn.nonexistent  # noqa: B018
