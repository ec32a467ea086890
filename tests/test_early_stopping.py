"""Early stopping validates on the last training sequences: the most recent rows of a series."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from sk_rnn import GRURegressor, LSTMClassifier, RNNRegressor


def noisy_sequences(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8, 2)).astype(np.float32)
    return X, X[:, -3:, 0].sum(axis=1) + 0.3 * rng.normal(size=n)


def test_the_kept_weights_are_the_best_on_the_last_rows():
    X, y = noisy_sequences()
    model = GRURegressor(
        hidden_size=16, max_epochs=300, early_stopping=True, n_iter_no_change=5, random_state=0
    ).fit(X, y)
    assert model.n_iter_ < 300  # it stopped
    assert len(model.validation_loss_curve_) == model.n_iter_
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    # The model kept is the best epoch's, and its validation rows are the last 20:
    # its loss there (mean squared error on the standardised target) is that best loss.
    held_out = slice(180, None)
    standardised_error = (model.predict(X[held_out]) - y[held_out]) / model._y_scale[0]
    assert np.mean(standardised_error**2) == pytest.approx(model.best_validation_loss_, rel=1e-4)
    # ... and it is not the loss on any other block of 20 rows.
    first = slice(0, 20)
    other_error = (model.predict(X[first]) - y[first]) / model._y_scale[0]
    assert np.mean(other_error**2) != pytest.approx(model.best_validation_loss_, rel=1e-4)


# Eight epochs without dropout, whose validation losses are the held-out quarter's.
HELD_OUT_QUARTER = {
    "hidden_size": 8,
    "max_epochs": 8,
    "early_stopping": True,
    "validation_fraction": 0.25,
    "dropout": 0.0,
    "random_state": 0,
}


def held_out_loss(model, X, y, n_valid):
    """The validation loss of the weights kept: the mean squared error on the standardised target."""
    error = (model.predict(X[-n_valid:]) - y[-n_valid:]) / model._y_scale[0]
    return np.mean(error**2)


def test_the_kept_weights_are_the_lowest_loss_whatever_tol():
    # Improvements smaller than tol restart no patience, but their epoch is
    # still the best one, as in MLPClassifier: with a tol no epoch beats, the
    # weights kept had been the first epoch's.
    X, y = noisy_sequences(40)
    model = GRURegressor(tol=10.0, n_iter_no_change=20, **HELD_OUT_QUARTER).fit(X, y)
    assert model.n_iter_ == 8
    assert min(model.validation_loss_curve_) < model.validation_loss_curve_[0]
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    assert held_out_loss(model, X, y, 10) == pytest.approx(model.best_validation_loss_, rel=1e-4)


def test_a_warm_start_reports_the_loss_of_the_weights_it_keeps():
    X, y = noisy_sequences(40)
    model = GRURegressor(warm_start=True, **HELD_OUT_QUARTER).fit(X, y)
    first_fit = model.best_validation_loss_
    # Targets no model predicts: the continued fit's losses stay above the first fit's best.
    noise = np.random.default_rng(1).permutation(y)
    model.set_params(max_epochs=3).fit(X, noise)
    assert len(model.validation_loss_curve_) == 11
    assert model.best_validation_loss_ > first_fit
    assert model.best_validation_loss_ == min(model.validation_loss_curve_[8:])
    assert held_out_loss(model, X, noise, 10) == pytest.approx(model.best_validation_loss_, rel=1e-4)


def test_without_early_stopping_there_is_no_validation_record():
    X, y = noisy_sequences(40)
    model = RNNRegressor(hidden_size=4, max_epochs=2).fit(X, y)
    assert model.validation_loss_curve_ is None
    assert model.best_validation_loss_ is None
    assert model.n_iter_ == 2


def test_classifier_with_ragged_sequences_stops_early_and_pickles():
    X, y = noisy_sequences()
    rng = np.random.default_rng(1)
    ragged = [sequence[: rng.integers(3, 9)] for sequence in X]
    model = LSTMClassifier(hidden_size=8, max_epochs=200, early_stopping=True, random_state=0)
    model.fit(ragged, y > 0)
    assert model.n_iter_ < 200
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(ragged), model.predict_proba(ragged))
    assert clone(model).get_params()["early_stopping"] is True


def test_a_class_only_the_held_out_sequences_hold_is_named():
    # Labels sorted by class: the last sequences, held out, are all of the
    # last class, which training never sees.
    X, _ = noisy_sequences(40)
    y = np.repeat(["cat", "dog", "emu"], [18, 18, 4])
    model = LSTMClassifier(hidden_size=4, max_epochs=1, early_stopping=True, random_state=0)
    with pytest.warns(UserWarning, match=r"only these hold the classes \['emu'\]: the network never"):
        model.fit(X, y)
    assert model.classes_.tolist() == ["cat", "dog", "emu"]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*only these hold the classes")
        model.fit(X, np.roll(y, 2))  # two of the four held out, two in training


def test_labels_sorted_by_class_are_named_when_a_class_is_larger_than_the_held_out_part():
    # As archive files often come (JapaneseVowels: 30 per class, 27 held
    # out): the held-out sequences are nearly all of the last class, whose few
    # other sequences are all that training sees of it.
    X, _ = noisy_sequences(40)
    y = np.repeat(["cat", "dog", "emu"], [13, 13, 14])
    model = LSTMClassifier(hidden_size=4, max_epochs=1, early_stopping=True, random_state=0)
    with pytest.warns(UserWarning, match=r"y is sorted by class, so these hold only the classes \['emu'\]"):
        model.fit(X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*sorted by class")
        model.fit(X, np.resize(["cat", "dog", "emu"], 40))


def test_too_few_sequences_to_hold_some_out():
    X, y = noisy_sequences(4)
    with pytest.raises(
        ValueError,
        match=r"GRURegressor got early_stopping=True with validation_fraction=0.1 of 4 sequences, which "
        r"leaves 0 for validation and 4 for training; both need at least one",
    ):
        GRURegressor(early_stopping=True).fit(X, y)


def test_held_out_sequences_of_weight_zero_leave_nothing_to_stop_on():
    # Their weighted loss would be 0 / 0: the fit would stop at once and keep
    # its first epoch.
    X, y = noisy_sequences(40)
    weights = np.r_[np.ones(36), np.zeros(4)]
    with pytest.raises(ValueError, match=r"every held-out sequence \(the last 4, which early stopping"):
        GRURegressor(early_stopping=True, max_epochs=2).fit(X, y, sample_weight=weights)
    weights[-1] = 1.0
    assert GRURegressor(early_stopping=True, max_epochs=2).fit(X, y, sample_weight=weights).n_iter_ == 2


def test_a_callback_watching_a_validation_score_needs_early_stopping():
    from skorch.callbacks import EarlyStopping

    X, y = noisy_sequences(40)
    with pytest.raises(
        ValueError,
        match=r"callback EarlyStopping\(monitor='valid_loss'\), but 'valid_loss' is recorded only with "
        r"early_stopping=True",
    ):
        GRURegressor(max_epochs=2, callbacks=[EarlyStopping()]).fit(X, y)
    watching_training = GRURegressor(max_epochs=2, callbacks=[("stop", EarlyStopping(monitor="train_loss"))])
    assert watching_training.fit(X, y).n_iter_ == 2
    assert GRURegressor(max_epochs=2, early_stopping=True, callbacks=[EarlyStopping()]).fit(X, y).n_iter_ == 2
