"""checkpoint_dir: the model saved every epoch, and an interrupted fit resumed from it."""

import contextlib
import errno
import os
import re
import signal
import warnings
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback, EarlyStopping, LRScheduler

import sk_rnn
from sk_rnn import GRUClassifier, GRURegressor, LSTMClassifier

RNG = np.random.RandomState(0)
X = RNG.randn(96, 6, 2)
y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
SETTINGS = {"hidden_size": 8, "max_epochs": 8, "random_state": 0}


def saved_fits(directory):
    """The model files of the fits saved in a checkpoint_dir, one folder each."""
    return sorted(Path(directory).glob("*/checkpoint.skrnn"))


class EpochsAcrossFits(Callback):
    """Count the epochs trained across the fits of a test, and lose the machine or press Ctrl-C in one.

    Each fit trains with clones of its callbacks, and a finished fit is read
    back only with the same callbacks, as when a script is run again: the
    count and the event live on the class, so that every run of a test
    passes this same callback.
    """

    trained: ClassVar[list[int]] = []
    event: ClassVar[tuple[str, int] | None] = None

    @classmethod
    def start(cls, event=None):
        """Count from zero; ``event`` is ("crash" or "ctrl-c", the n-th epoch counted), or None."""
        cls.trained, cls.event = [], event

    def on_epoch_end(self, net, **kwargs):
        self.trained.append(len(net.history))
        if self.event == ("crash", len(self.trained)):
            raise RuntimeError("machine lost")
        if self.event == ("ctrl-c", len(self.trained)):
            os.kill(os.getpid(), signal.SIGINT)  # the real signal: Ctrl-C, a notebook's interrupt


class InterruptAt(Callback):
    """Ctrl-C after a given epoch, as a user would press it."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_ctrl_c_leaves_a_usable_model_with_the_epochs_trained_so_far():
    model = LSTMClassifier(callbacks=[InterruptAt(3)], **SETTINGS).fit(X, y)
    assert model.n_iter_ == 3
    assert model.predict(X).shape == (96,)


def test_an_interrupted_fit_says_so(tmp_path):
    # A truncated model must not pass for a whole fit without a word (a
    # search goes on after a callback's KeyboardInterrupt, say).
    with pytest.warns(
        UserWarning, match=r"fit was interrupted .* after 3 of max_epochs_=8 epochs.*checkpoint_dir"
    ):
        LSTMClassifier(callbacks=[InterruptAt(3)], **SETTINGS).fit(X, y)
    with pytest.warns(UserWarning, match=r"after 2 of max_epochs_=8 epochs.*Fit again .* to resume"):
        LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptInsideEpoch(3)], **SETTINGS).fit(X, y)
    # Early stopping, sk_rnn's or a user's, ends a fit: nothing was interrupted.
    stop = EarlyStopping(monitor="train_loss", patience=1, threshold=10.0, threshold_mode="abs")
    settings = {**SETTINGS, "early_stopping": True, "n_iter_no_change": 1, "tol": 10.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert LSTMClassifier(**settings).fit(X, y).n_iter_ == 2
        assert LSTMClassifier(callbacks=[stop], **SETTINGS).fit(X, y).n_iter_ == 2


class InterruptInsideEpoch(Callback):
    """Ctrl-C after the first batch of an epoch, where most presses land."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_ctrl_c_inside_an_epoch_keeps_the_model_with_its_whole_epochs(tmp_path):
    model = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptInsideEpoch(3)], **SETTINGS).fit(X, y)
    assert model.n_iter_ == 2 and len(model.loss_curve_) == 2 and len(model.history_) == 2
    assert model.predict(X).shape == (96,)
    resumed = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    assert resumed.n_iter_ == 8 and resumed.loss_curve_[:2] == model.loss_curve_
    # partial_fit undoes the interrupted call and raises again (tests/test_incremental.py).
    incremental = LSTMClassifier(callbacks=[InterruptInsideEpoch(2)], **SETTINGS)
    incremental.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(KeyboardInterrupt, match="partial_fit was interrupted inside its epoch"):
        incremental.partial_fit(X, y)
    assert incremental.n_iter_ == 1 and len(incremental.history_) == 1


def test_every_epoch_is_saved_and_the_last_checkpoint_is_the_model(tmp_path):
    model = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    # A folder per fit, named by the estimator and the fit's fingerprint.
    assert saved_fits(tmp_path) == [Path(model.checkpoint_path_)]
    assert re.fullmatch(r"LSTMClassifier-[0-9a-f]{16}", Path(model.checkpoint_path_).parent.name)
    saved = sk_rnn.load(model.checkpoint_path_)
    np.testing.assert_array_equal(saved.predict_proba(X), model.predict_proba(X))
    assert saved.n_iter_ == 8
    assert LSTMClassifier(**SETTINGS).fit(X, y).checkpoint_path_ is None


def test_an_interrupted_fit_resumes_at_its_next_epoch(tmp_path):
    uninterrupted = LSTMClassifier(**SETTINGS).fit(X, y)
    interrupted = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(3)], **SETTINGS).fit(X, y)
    assert interrupted.n_iter_ == 3
    resumed = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    assert resumed.n_iter_ == 8 and resumed.net_.epochs_run == 5  # five epochs were left
    assert resumed.loss_curve_[:3] == interrupted.loss_curve_
    # One fit, interrupted and resumed: its record covers all its epochs, as an uninterrupted one.
    assert [epoch["epoch"] for epoch in resumed.history_] == list(range(1, 9))
    np.testing.assert_allclose(resumed.history_[:, "train_loss"], resumed.loss_curve_)
    # The schedule continues where it stopped: epoch 4's learning rate is the uninterrupted one's.
    np.testing.assert_allclose(
        [epoch["lr"] for epoch in resumed.history_], [epoch["lr"] for epoch in uninterrupted.history_]
    )
    # Weights and optimizer moments carried over: the loss goes on from where it was.
    assert resumed.loss_curve_[3] < interrupted.loss_curve_[0]
    assert abs(resumed.loss_curve_[-1] - uninterrupted.loss_curve_[-1]) < 0.05


class CrashAt(Callback):
    """A crash (a lost machine, say) after a given epoch: nothing after it runs."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise RuntimeError("machine lost")


# A crash at epoch 3's end comes before that epoch is saved, and Ctrl-C inside
# it cuts it short: it is trained again. A user's own EarlyStopping beside
# sk_rnn's must not take over its record.
@pytest.mark.parametrize(
    ("stops", "left"),
    [
        ([InterruptAt(3)], 3),
        ([CrashAt(3)], 4),
        ([InterruptInsideEpoch(3)], 4),
        ([InterruptInsideEpoch(1)], 6),
        ([EarlyStopping(monitor="train_loss", patience=100), InterruptAt(3)], 3),
    ],
    ids=[
        "ctrl-c",
        "crash",
        "ctrl-c-inside-an-epoch",
        "ctrl-c-inside-the-first",
        "beside-a-user-early-stopping",
    ],
)
def test_a_resumed_fit_keeps_the_best_epoch_as_an_uninterrupted_one(tmp_path, stops, left):
    # Without dropout a resumed fit is the uninterrupted one: early stopping's
    # best weights and spent patience must carry over the interruption too.
    settings = {**SETTINGS, "max_epochs": 6, "dropout": 0.0, "early_stopping": True, "n_iter_no_change": 50}
    settings["validation_fraction"] = 0.25
    # Labels without signal: the validation loss is best at epoch 2, then rises.
    noise = np.random.RandomState(1).randint(0, 2, len(X))
    uninterrupted = LSTMClassifier(**settings).fit(X, noise)
    assert np.argmin(uninterrupted.validation_loss_curve_) == 1
    with contextlib.suppress(RuntimeError):  # the crash
        LSTMClassifier(checkpoint_dir=tmp_path, callbacks=stops, **settings).fit(X, noise)
    resumed = LSTMClassifier(checkpoint_dir=tmp_path, **settings).fit(X, noise)
    assert resumed.net_.epochs_run == left
    np.testing.assert_allclose(resumed.loss_curve_, uninterrupted.loss_curve_, rtol=1e-6)
    assert resumed.best_validation_loss_ == pytest.approx(uninterrupted.best_validation_loss_)
    np.testing.assert_allclose(resumed.predict_proba(X), uninterrupted.predict_proba(X), atol=1e-6)


def test_a_fit_interrupted_as_its_patience_ran_out_is_finished(tmp_path):
    # Ctrl-C lands after epoch 2's validation loss is recorded, before early
    # stopping sees it: the fit is over, as the uninterrupted one stops there.
    settings = {**SETTINGS, "early_stopping": True, "n_iter_no_change": 1, "tol": 10.0, "dropout": 0.0}
    uninterrupted = LSTMClassifier(**settings).fit(X, y)
    assert uninterrupted.n_iter_ == 2
    interrupted = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(2)], **settings).fit(X, y)
    np.testing.assert_allclose(interrupted.predict_proba(X), uninterrupted.predict_proba(X), atol=1e-6)
    # Finished, and not resumed for more: with other callbacks than the interrupted
    # one's, a new fit (with the same, it would be read back).
    again = LSTMClassifier(checkpoint_dir=tmp_path, **settings).fit(X, y)
    assert again.n_iter_ == 2 and again.net_.epochs_run == 2
    np.testing.assert_allclose(again.predict_proba(X), uninterrupted.predict_proba(X), atol=1e-6)


def test_a_fit_a_user_early_stopping_ended_is_finished(tmp_path):
    stop = EarlyStopping(monitor="train_loss", patience=1, threshold=10.0, threshold_mode="abs")
    first = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[stop], **SETTINGS).fit(X, y)
    again = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[stop], **SETTINGS).fit(X, y)
    assert first.n_iter_ == again.n_iter_ == 2 and again.net_.epochs_run == 0  # read back, not resumed


def test_what_tells_fits_apart_besides_the_values(tmp_path):
    # Ragged sequences are zero-padded: lengthening one by a zero changes the fit, not the padded values.
    short = [X[0, :3], X[1], X[2, :3], X[3]]
    longer = [np.vstack([X[0, :3], np.zeros((1, 2))]), X[1], np.vstack([X[2, :3], np.zeros((1, 2))]), X[3]]
    LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(2)], **SETTINGS).fit(short, [0, 1, 0, 1])
    assert LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(longer, [0, 1, 0, 1]).net_.epochs_run == 8
    # A warm-start continuation is not a fresh fit's to resume.
    model = LSTMClassifier(checkpoint_dir=tmp_path / "warm", warm_start=True, **SETTINGS).fit(X, y)
    model.set_params(callbacks=[InterruptAt(2)]).fit(X, y)
    fresh = LSTMClassifier(checkpoint_dir=tmp_path / "warm", **SETTINGS).fit(X, y)
    assert fresh.n_iter_ == 8 and fresh.net_.epochs_run == 0  # read back: the first call's fit finished
    assert len(saved_fits(tmp_path / "warm")) == 2


def test_ctrl_c_in_the_first_epoch_with_early_stopping_keeps_a_usable_model():
    model = LSTMClassifier(early_stopping=True, callbacks=[InterruptInsideEpoch(1)], **SETTINGS).fit(X, y)
    assert model.n_iter_ == 0 and model.best_validation_loss_ is None
    assert model.predict(X).shape == (96,)


def test_a_fit_interrupted_twice_keeps_the_record_of_all_its_epochs(tmp_path):
    uninterrupted = LSTMClassifier(**SETTINGS).fit(X, y)
    for stop in (3, 6):  # epochs counted over the whole fit
        LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(stop)], **SETTINGS).fit(X, y)
    resumed = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    assert resumed.n_iter_ == 8 and resumed.net_.epochs_run == 2
    assert [epoch["epoch"] for epoch in resumed.history_] == list(range(1, 9))
    np.testing.assert_allclose(resumed.history_[:, "train_loss"], resumed.loss_curve_)
    np.testing.assert_allclose(resumed.history_[:, "lr"], uninterrupted.history_[:, "lr"])


def test_a_resumed_fit_keeps_the_gradient_record_of_all_its_epochs(tmp_path):
    # Row i is epoch i of the fit, as without the interruptions (no dropout: the same fit).
    settings = {**SETTINGS, "dropout": 0.0, "record_gradients": True}
    uninterrupted = LSTMClassifier(**settings).fit(X, y)
    for stop in (3, 6):
        interrupted = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(stop)], **settings)
        saved = sk_rnn.load(interrupted.fit(X, y).checkpoint_path_)
        assert saved.gradient_norms_by_distance_.shape == (stop, 6)
    resumed = LSTMClassifier(checkpoint_dir=tmp_path, **settings).fit(X, y)
    np.testing.assert_allclose(
        resumed.gradient_norms_by_distance_, uninterrupted.gradient_norms_by_distance_, rtol=1e-4
    )
    for layer, norms in uninterrupted.layer_gradient_norms_.items():
        np.testing.assert_allclose(resumed.layer_gradient_norms_[layer], norms, rtol=1e-4)


def test_a_fit_resumes_on_another_device_or_with_its_gradient_record_turned_on(tmp_path):
    # Neither changes what the fit computes: both restarted it, overwriting its epochs.
    LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(3)], **SETTINGS).fit(X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*from another fit")
        resumed = LSTMClassifier(
            checkpoint_dir=tmp_path, device=torch.device("cpu"), record_gradients=True, **SETTINGS
        ).fit(X, y)
    assert resumed.n_iter_ == 8 and resumed.net_.epochs_run == 5
    # Rows still count the fit's epochs: those trained before the record began are NaN.
    record = resumed.gradient_norms_by_distance_
    assert record.shape == (8, 6)
    assert np.isnan(record[:3]).all() and np.isfinite(record[3:]).all()


def test_a_finished_fit_is_read_back_when_seeded_and_trained_anew_when_not(tmp_path):
    first = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # The fit's own warning comes again, as training again would give it.
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        again = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    # The same seed, hyperparameters and data: nothing is left to train.
    assert again.net_.epochs_run == 0 and again.n_iter_ == 8 and len(again.history_) == 8
    np.testing.assert_array_equal(again.predict_proba(X), first.predict_proba(X))
    assert again.loss_curve_ == first.loss_curve_
    assert again.checkpoint_path_ == first.checkpoint_path_
    # It goes on training as a fitted model does.
    continued = again.set_params(warm_start=True).fit(X, y)
    assert continued.n_iter_ == 16 and continued.net_.epochs_run == 8
    # Without a seed, fitting again is another draw: it trains anew.
    unseeded = {**SETTINGS, "random_state": None}
    LSTMClassifier(checkpoint_dir=tmp_path, **unseeded).fit(X, y)
    assert LSTMClassifier(checkpoint_dir=tmp_path, **unseeded).fit(X, y).net_.epochs_run == 8


def test_a_fit_read_back_takes_what_the_data_says_from_this_fit(tmp_path):
    # The weights and the training record come from the checkpoint; the
    # labels, the target's units and the column names from this fit's data.
    first = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    names = np.array(["down", "up"])
    relabelled = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, names[y])
    assert relabelled.net_.epochs_run == 0 and list(relabelled.classes_) == ["down", "up"]
    np.testing.assert_array_equal(relabelled.predict(X), names[first.predict(X)])
    # A target 4 times as large standardises to the same values, bit for bit.
    target = X[:, -1, 0]
    grams = GRURegressor(checkpoint_dir=tmp_path, **SETTINGS).fit(X, target)
    quadrupled = GRURegressor(checkpoint_dir=tmp_path, **SETTINGS).fit(X, 4 * target)
    assert quadrupled.net_.epochs_run == 0
    np.testing.assert_allclose(quadrupled.predict(X), 4 * grams.predict(X), rtol=1e-5)
    frame = pd.DataFrame(X[:, :, 0]).add_prefix("t")
    LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(frame, y)
    renamed = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(frame.add_prefix("x_"), y)
    assert renamed.net_.epochs_run == 0 and renamed.feature_names_in_[0] == "x_t0"
    assert renamed.predict(frame.add_prefix("x_")).shape == (96,)


def test_a_finished_fit_is_read_back_only_with_the_same_callbacks(tmp_path):
    def stop(patience):
        return EarlyStopping(monitor="train_loss", patience=patience, threshold=10.0, threshold_mode="abs")

    LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[stop(1)], **SETTINGS).fit(X, y)
    same = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[stop(1)], **SETTINGS).fit(X, y)
    assert same.n_iter_ == 2 and same.net_.epochs_run == 0
    # Another patience trains another model: it trains.
    other = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[stop(3)], **SETTINGS).fit(X, y)
    assert other.n_iter_ == other.net_.epochs_run == 4
    assert LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y).net_.epochs_run == 8

    # A parameter that is a function cannot be compared: such a fit trains anew.
    def scheduled():
        schedule = LRScheduler(policy=torch.optim.lr_scheduler.LambdaLR, lr_lambda=lambda epoch: 0.5)
        return {**SETTINGS, "learning_rate_schedule": "constant", "callbacks": [schedule]}

    LSTMClassifier(checkpoint_dir=tmp_path, **scheduled()).fit(X, y)
    assert LSTMClassifier(checkpoint_dir=tmp_path, **scheduled()).fit(X, y).net_.epochs_run == 8


def test_other_data_or_another_estimator_is_another_fit(tmp_path):
    LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(2)], **SETTINGS).fit(X, y)
    fits = [
        LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X[:90], y[:90]),
        # The same values in another order (features swapped) are another fit too.
        LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X[:, :, ::-1], y),
        # So is another cell with the same hyperparameters: it cannot continue the LSTM's weights.
        GRUClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y),
    ]
    assert [model.net_.epochs_run for model in fits] == [8, 8, 8]
    assert len(saved_fits(tmp_path)) == 4
    # The interrupted fit kept its checkpoint through the others: it resumes.
    assert LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y).net_.epochs_run == 6


def test_a_random_state_instance_is_refused_before_training(tmp_path):
    model = LSTMClassifier(checkpoint_dir=tmp_path, hidden_size=8, random_state=np.random.RandomState(0))
    with pytest.raises(
        ValueError, match=r"checkpoint_dir with random_state as a RandomState instance.*int seed"
    ):
        model.fit(X, y)
    assert not list(tmp_path.iterdir())


def test_a_damaged_checkpoint_warns_and_trains_anew(tmp_path):
    model = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(2)], **SETTINGS).fit(X, y)
    (Path(model.checkpoint_path_).parent / "training_state.skrnn").write_bytes(b"not a zip")
    with pytest.warns(UserWarning, match=r"could not resume from the checkpoint"):
        model = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    assert len(model.history_) == 8


def test_regressors_checkpoint_too_and_the_model_pickles(tmp_path):
    import pickle

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = GRURegressor(checkpoint_dir=str(tmp_path), early_stopping=True, **SETTINGS).fit(
            X, X[:, -1, 0]
        )
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    np.testing.assert_array_equal(sk_rnn.load(model.checkpoint_path_).predict(X), model.predict(X))


def test_an_interrupted_search_resumes_where_it_stopped(tmp_path):
    from sklearn.model_selection import GridSearchCV

    # Without dropout a resumed fit is the uninterrupted one, so is the search.
    model = LSTMClassifier(callbacks=[EpochsAcrossFits()], **{**SETTINGS, "dropout": 0.0})
    grid = {"hidden_size": [4, 8]}
    uninterrupted = GridSearchCV(model, grid, cv=2).fit(X, y)
    model.set_params(checkpoint_dir=tmp_path)
    # Lost in the third fit's third epoch: two fits finished, the third saved two epochs.
    EpochsAcrossFits.start(("crash", 19))
    with pytest.raises(RuntimeError, match="machine lost"):
        GridSearchCV(model, grid, cv=2, error_score="raise").fit(X, y)
    assert len(saved_fits(tmp_path)) == 3
    EpochsAcrossFits.start()
    search = GridSearchCV(model, grid, cv=2).fit(X, y)
    # The two finished fits are read back; the third trains its 6 epochs left,
    # the fourth and the final refit on all the data their 8 each.
    assert EpochsAcrossFits.trained == [3, 4, 5, 6, 7, 8, *range(1, 9), *range(1, 9)]
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], uninterrupted.cv_results_["mean_test_score"]
    )
    np.testing.assert_allclose(search.predict_proba(X), uninterrupted.predict_proba(X), atol=1e-6)
    assert len(saved_fits(tmp_path)) == 5
    # Run again once finished, the whole search is read back.
    EpochsAcrossFits.start()
    GridSearchCV(model, grid, cv=2).fit(X, y)
    assert EpochsAcrossFits.trained == []


def test_fits_at_the_same_time_each_keep_their_own_checkpoint(tmp_path):
    from joblib import parallel_backend
    from sklearn.model_selection import GridSearchCV

    model = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS)
    with parallel_backend("threading", n_jobs=2):
        search = GridSearchCV(model, {"hidden_size": [4, 8]}, cv=2, n_jobs=2).fit(X, y)
    saved = [sk_rnn.load(path) for path in saved_fits(tmp_path)]
    assert len(saved) == 5 and all(fit.n_iter_ == 8 for fit in saved)
    best = sk_rnn.load(search.best_estimator_.checkpoint_path_)
    np.testing.assert_array_equal(best.predict(X), search.predict(X))


def test_a_fit_inside_a_pipeline_checkpoints_and_resumes(tmp_path):
    # A Pipeline attaches scikit-learn's callback context to its steps while
    # they fit; the checkpoint written during the fit must not try to store it.
    from sklearn.pipeline import make_pipeline

    from sk_rnn.preprocessing import SequenceScaler

    interrupted = make_pipeline(
        SequenceScaler(), LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(3)], **SETTINGS)
    ).fit(X, y)
    assert interrupted[-1].n_iter_ == 3
    resumed = make_pipeline(SequenceScaler(), LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS)).fit(X, y)
    assert resumed[-1].n_iter_ == 8 and resumed[-1].net_.epochs_run == 5
    saved = sk_rnn.load(resumed[-1].checkpoint_path_)
    np.testing.assert_array_equal(saved.predict_proba(resumed[0].transform(X)), resumed.predict_proba(X))


def test_a_checkpoint_dir_that_is_a_file_is_refused_before_training(tmp_path):
    taken = tmp_path / "notes.txt"
    taken.write_text("not a directory")
    with pytest.raises(ValueError, match=r"LSTMClassifier got checkpoint_dir=.*notes.txt', which is a file"):
        LSTMClassifier(checkpoint_dir=taken, callbacks=[InterruptAt(1)], **SETTINGS).fit(X, y)
    with pytest.raises(ValueError, match=r"notes.txt/run', which is inside .*notes.txt, which is a file"):
        LSTMClassifier(checkpoint_dir=taken / "run", **SETTINGS).fit(X, y)
    assert taken.read_text() == "not a directory"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX permissions, which root bypasses")
def test_a_checkpoint_dir_this_user_cannot_write_is_refused_before_training(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for directory in (locked, locked / "run"):
            with pytest.raises(PermissionError, match=r"checkpoint_dir=.*locked.*may not create files"):
                LSTMClassifier(checkpoint_dir=directory, callbacks=[InterruptAt(1)], **SETTINGS).fit(X, y)
    finally:
        locked.chmod(0o755)


class ChangeDirectoryAt(Callback):
    """Move the working directory during training, as ``%cd`` in another notebook cell does."""

    def __init__(self, epoch, to):
        self.epoch = epoch
        self.to = to

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            os.chdir(self.to)


def test_a_checkpoint_dir_under_home_or_relative_names_one_directory(tmp_path, monkeypatch):
    home, work, elsewhere = tmp_path / "home", tmp_path / "work", tmp_path / "elsewhere"
    for directory in (home, work, elsewhere):
        directory.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    # "~" is the home directory, as in a shell: no directory named "~" in the working one.
    LSTMClassifier(checkpoint_dir="~/run", callbacks=[InterruptAt(2)], **SETTINGS).fit(X, y)
    assert len(saved_fits(home / "run")) == 1 and not (work / "~").exists()
    # A relative path is read once, when fit starts: every epoch is saved in one place.
    moving = [InterruptAt(3), ChangeDirectoryAt(1, elsewhere)]
    LSTMClassifier(checkpoint_dir="run", callbacks=moving, **SETTINGS).fit(X, y)
    assert not (elsewhere / "run").exists()
    assert [sk_rnn.load(path).n_iter_ for path in saved_fits(work / "run")] == [3]


def test_a_model_file_another_fit_saved_over_this_ones_is_not_resumed(tmp_path):
    # A model file copied by hand over a fit's own, from the same epoch,
    # beside that fit's training state.
    ours = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(3)], **SETTINGS).fit(X, y)
    theirs = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(3)], **SETTINGS).fit(X, 1 - y)
    path = Path(ours.checkpoint_path_)
    path.write_bytes(Path(theirs.checkpoint_path_).read_bytes())
    with pytest.warns(UserWarning, match=r"checkpoint.skrnn in .*LSTMClassifier-.* was saved by another fit"):
        model = LSTMClassifier(checkpoint_dir=tmp_path, **SETTINGS).fit(X, y)
    assert model.net_.epochs_run == 8  # anew: not from the other fit's weights
    # A checkpoint whose model names no fit (saved by an earlier release) is resumed as before.
    LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[InterruptAt(3)], dropout=0.1, **SETTINGS).fit(X, y)
    [path] = [fit for fit in saved_fits(tmp_path) if sk_rnn.load(fit).dropout == 0.1]
    sk_rnn.save(sk_rnn.load(path), path)
    resumed = LSTMClassifier(checkpoint_dir=tmp_path, dropout=0.1, **SETTINGS).fit(X, y)
    assert resumed.net_.epochs_run == 5


def test_a_full_disk_stops_the_fit_saying_what_is_saved_and_how_to_resume(tmp_path, monkeypatch):
    from sk_rnn._persistence import archive

    write = archive.write_archive

    def fill_the_disk_after(files):
        def write_until_full(path, document, arrays):
            files.append(path)
            if len(files) > full_after:
                raise OSError(errno.ENOSPC, "No space left on device")
            write(path, document, arrays)

        return write_until_full

    full_after = 4  # two files an epoch: epoch 3's are not written
    monkeypatch.setattr(archive, "write_archive", fill_the_disk_after([]))
    with pytest.raises(
        OSError, match=r"could not save the checkpoint of epoch 3 in .*: No space left"
    ) as caught:
        LSTMClassifier(checkpoint_dir=tmp_path / "run", **SETTINGS).fit(X, y)
    assert caught.value.errno == errno.ENOSPC
    assert "The checkpoint of epoch 2 saved there is intact" in str(caught.value)
    full_after = 0
    with pytest.raises(
        OSError,
        match=r"epoch 1 in .*other.LSTMClassifier-[0-9a-f]{16}.: No space left.*No epoch of this fit",
    ):
        LSTMClassifier(checkpoint_dir=tmp_path / "other", **SETTINGS).fit(X, y)
    monkeypatch.undo()
    assert LSTMClassifier(checkpoint_dir=tmp_path / "run", **SETTINGS).fit(X, y).net_.epochs_run == 6


@pytest.fixture
def ctrl_c_raises():
    """Python's own SIGINT handler, which raises KeyboardInterrupt (a test runner may have set another)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.skipif(os.name != "posix", reason="SIGINT sent with os.kill")
@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_stops_a_search_which_then_resumes(tmp_path):
    from sklearn.model_selection import GridSearchCV, cross_val_score

    settings = {**SETTINGS, "dropout": 0.0}
    model = LSTMClassifier(checkpoint_dir=tmp_path, callbacks=[EpochsAcrossFits()], **settings)
    grid = {"hidden_size": [4, 8]}
    EpochsAcrossFits.start(("ctrl-c", 11))
    # The search stops: it neither scores the truncated fit nor starts another.
    with pytest.raises(KeyboardInterrupt, match=r"after 3 of max_epochs_=8 epochs .*Run it again to resume"):
        GridSearchCV(model, grid, cv=2).fit(X, y)
    assert len(EpochsAcrossFits.trained) == 11
    EpochsAcrossFits.start()
    search = GridSearchCV(model, grid, cv=2).fit(X, y)
    assert EpochsAcrossFits.trained == [*range(4, 9), *range(1, 9), *range(1, 9), *range(1, 9)]
    uninterrupted = GridSearchCV(clone(model).set_params(checkpoint_dir=None), grid, cv=2).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], uninterrupted.cv_results_["mean_test_score"]
    )
    # Cross-validation stops too, and says how to make it resumable.
    EpochsAcrossFits.start(("ctrl-c", 2))
    with pytest.raises(KeyboardInterrupt, match=r"after 2 of .*Set checkpoint_dir"):
        cross_val_score(clone(model).set_params(checkpoint_dir=None), X, y, cv=2)
    EpochsAcrossFits.start(("ctrl-c", 2))
    with pytest.raises(KeyboardInterrupt, match=r"last whole epoch; the fits it finished train anew"):
        cross_val_score(clone(model).set_params(random_state=None), X, y, cv=2)
    # One fit keeps its model, as skorch does, and says it was interrupted.
    EpochsAcrossFits.start(("ctrl-c", 2))
    with pytest.warns(UserWarning, match=r"interrupted .* after 2 of max_epochs_=8"):
        alone = LSTMClassifier(callbacks=[EpochsAcrossFits()], **SETTINGS).fit(X, y)
    assert alone.n_iter_ == 2
    # A press as a fit ends (in its last epoch's callbacks) stops the search too.
    EpochsAcrossFits.start(("ctrl-c", 8))
    with pytest.raises(KeyboardInterrupt, match=r"as this fit ended\. Set checkpoint_dir"):
        GridSearchCV(clone(model).set_params(checkpoint_dir=None), grid, cv=2).fit(X, y)
    assert len(EpochsAcrossFits.trained) == 8
    # And partial_fit undoes its call and raises again, as inside its epoch.
    EpochsAcrossFits.start(("ctrl-c", 2))
    stream = LSTMClassifier(callbacks=[EpochsAcrossFits()], **SETTINGS)
    stream.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(KeyboardInterrupt, match=r"partial_fit was interrupted as its epoch ended"):
        stream.partial_fit(X, y)
    assert stream.n_iter_ == 1
    # A callback that raises KeyboardInterrupt to end training is no Ctrl-C:
    # the search goes on to its other fits.
    with pytest.warns(UserWarning, match=r"interrupted"):
        stopped = GridSearchCV(LSTMClassifier(callbacks=[InterruptAt(2)], **SETTINGS), grid, cv=2).fit(X, y)
    assert stopped.best_estimator_.n_iter_ == 2
