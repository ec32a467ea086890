"""The data-dependent defaults (patches, batch size, epochs, input scaling); the learning-rate schedules."""

import numpy as np
import pytest
import torch
from skorch.callbacks import LRScheduler

from sk_rnn import GRUClassifier, LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor
from sk_rnn._defaults import auto_batch_size, auto_max_epochs, auto_patch_size


def noisy_sequences(n=64, steps=20, features=2, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, steps, features))
    return X, X[:, -3:, 0].sum(axis=1)


def lr_per_update(model):
    return [batch["event_lr"] for epoch in model.history_ for batch in epoch["batches"]]


def test_cosine_schedule_warms_up_then_decays_to_zero():
    X, y = noisy_sequences()
    model = LSTMRegressor(hidden_size=8, max_epochs=20, batch_size=8, learning_rate=0.01, random_state=0)
    lrs = lr_per_update(model.fit(X, y))
    assert len(lrs) == 20 * 8
    peak = int(np.argmax(lrs))
    assert lrs[peak] == pytest.approx(0.01)
    assert 0 < peak < len(lrs) // 10  # warm-up: the first 5% of the updates
    assert np.all(np.diff(lrs[:peak]) > 0) and np.all(np.diff(lrs[peak:]) <= 0)
    assert lrs[-1] < 1e-5


def test_one_cycle_rises_to_the_learning_rate_and_falls_far_below_it():
    X, y = noisy_sequences()
    model = LSTMRegressor(
        hidden_size=8, max_epochs=10, batch_size=16, learning_rate=0.01, learning_rate_schedule="one_cycle"
    )
    lrs = lr_per_update(model.fit(X, y))
    assert lrs[0] < 0.001 and max(lrs) == pytest.approx(0.01, rel=1e-3) and lrs[-1] < 1e-5


def test_the_history_records_the_rate_of_each_epochs_last_update():
    # A schedule stepped per batch moves the rate on after each update: the
    # history holds the rate the last update used, not the next epoch's first.
    X, y = noisy_sequences()
    model = LSTMRegressor(hidden_size=8, max_epochs=4, batch_size=16, learning_rate=0.01, random_state=0)
    model.fit(X, y)
    last_used = [epoch["batches"][-1]["event_lr"] for epoch in model.history_]
    assert model.history_[:, "lr"] == pytest.approx(last_used)
    assert model.history_[0, "lr"] != pytest.approx(model.history_[1, "batches", 0, "event_lr"])


def test_a_users_lr_scheduler_sets_the_rate_alone_with_the_constant_schedule():
    X, y = noisy_sequences()
    step = LRScheduler("StepLR", step_size=1, gamma=0.1)
    model = LSTMRegressor(
        hidden_size=8,
        max_epochs=3,
        batch_size=32,
        learning_rate=0.01,
        learning_rate_schedule="constant",
        callbacks=[step],
        random_state=0,
    ).fit(X, y)
    assert model.history_[:, "lr"] == pytest.approx([0.01, 0.001, 0.0001])


@pytest.mark.parametrize("schedule", ["cosine", "one_cycle", "plateau"])
def test_a_users_lr_scheduler_beside_a_built_in_schedule_is_refused(schedule):
    # Both would set the rate at every update; the rate used would be neither's.
    X, y = noisy_sequences(n=16)
    callbacks = [("steps", LRScheduler("StepLR", step_size=1, gamma=0.1))]
    with pytest.raises(
        ValueError,
        match=rf"LSTMRegressor got the skorch LRScheduler \(StepLR\) in callbacks together with "
        rf"learning_rate_schedule='{schedule}'.*Set learning_rate_schedule='constant'",
    ):
        LSTMRegressor(hidden_size=4, max_epochs=1, learning_rate_schedule=schedule, callbacks=callbacks).fit(
            X, y
        )


@pytest.mark.parametrize("optimizer", [torch.optim.Rprop, torch.optim.LBFGS])
def test_an_optimizer_class_without_weight_decay_trains_with_auto(optimizer):
    # "auto" gives it no weight decay, and the class is built without the argument.
    X, y = noisy_sequences(n=32)
    model = LSTMRegressor(optimizer=optimizer, hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    assert model.weight_decay_ == 0 and isinstance(model.net_.optimizer_, optimizer)
    assert np.isfinite(model.loss_curve_).all()
    explicit = LSTMRegressor(optimizer=optimizer, weight_decay=0, hidden_size=4, max_epochs=1).fit(X, y)
    assert explicit.weight_decay_ == 0


def test_one_cycle_cycles_the_rate_alone_for_an_optimizer_without_momentum():
    X, y = noisy_sequences(n=32)
    model = LSTMRegressor(
        optimizer=torch.optim.Adagrad,
        learning_rate_schedule="one_cycle",
        hidden_size=4,
        max_epochs=4,
        learning_rate=0.01,
        random_state=0,
    ).fit(X, y)
    lrs = lr_per_update(model)
    assert lrs[0] < 0.001 and max(lrs) > 0.005 and lrs[-1] < 1e-4


def test_constant_schedule_keeps_the_learning_rate():
    X, y = noisy_sequences()
    model = LSTMRegressor(hidden_size=8, max_epochs=5, learning_rate_schedule="constant").fit(X, y)
    assert "learning_rate_schedule" not in dict(model.net_.callbacks_)
    assert {group["lr"] for group in model.net_.optimizer_.param_groups} == {model.learning_rate_}


def test_plateau_schedule_halves_the_rate_when_the_monitored_loss_stalls():
    X, y = noisy_sequences()
    # A learning rate far too small to improve the loss: every epoch is a plateau.
    model = LSTMRegressor(
        hidden_size=8, max_epochs=20, learning_rate=1e-7, learning_rate_schedule="plateau", random_state=0
    ).fit(X, y)
    lrs = [epoch["event_lr"] for epoch in model.history_]
    assert lrs[0] == pytest.approx(1e-7) and lrs[-1] <= 0.5e-7
    early = LSTMRegressor(
        hidden_size=8, max_epochs=3, learning_rate_schedule="plateau", early_stopping=True, random_state=0
    ).fit(X, y)
    assert dict(early.net_.callbacks_)["learning_rate_schedule"].monitor == "valid_loss"


def test_auto_rules_follow_the_training_data():
    assert auto_patch_size(8) == 1 and auto_patch_size(64) == 1
    assert auto_patch_size(150) == 3 and auto_patch_size(1460) == 23
    # The ungated cells aim at a recurrence of 32 steps.
    assert auto_patch_size(32, "rnn") == 1 and auto_patch_size(150, "rnn") == 5
    assert auto_patch_size(150, "indrnn") == 5 and auto_patch_size(150, "gru") == 3
    assert auto_batch_size(50) == 16 and auto_batch_size(100_000) == 64
    # Small data sets get more epochs, so that the number of updates does not collapse.
    assert auto_max_epochs(50, 16) * 4 >= 1000 and auto_max_epochs(100_000, 64) == 30


def test_fitted_attributes_record_what_auto_chose():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 200, 1))
    y = (X[:, :10, 0].mean(axis=1) > 0).astype(int)
    model = GRUClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    assert model.patch_size_ == auto_patch_size(200) > 1
    assert model.batch_size_ == auto_batch_size(40)
    assert model.max_epochs_ == 2 and model.n_iter_ == 2
    assert model.input_scaling_ == "sequence"
    assert model.net_.module_.rnn.input_size == 2 * model.patch_size_ + 2
    explicit = GRUClassifier(hidden_size=8, max_epochs=2, patch_size=1, input_scaling="global").fit(X, y)
    assert explicit.patch_size_ == 1 and explicit.input_scaling_ == "global"
    assert explicit.net_.module_.rnn.input_size == 1


@pytest.mark.parametrize(
    ("optimizer", "weight_decay", "learning_rate", "momentum"),
    [
        ("adamw", 0.2, 0.01, None),
        ("adam", 0.0, 0.01, None),
        ("rmsprop", 0.0, 0.01, 0),
        ("sgd", 0.0, 0.1, 0.9),
    ],
)
def test_every_named_optimizer_learns_with_its_auto_settings(
    digits_sequences, optimizer, weight_decay, learning_rate, momentum
):
    # AdamW's weight decay of 0.2, added to the gradient by the others as an
    # L2 penalty, left each of them near chance (0.22-0.36 here).
    X_train, y_train, X_test, y_test = digits_sequences
    model = LSTMClassifier(
        optimizer=optimizer, hidden_size=32, bidirectional=False, max_epochs=15, random_state=0
    ).fit(X_train, y_train)
    assert model.weight_decay_ == weight_decay and model.learning_rate_ == learning_rate
    settings = model.net_.optimizer_.param_groups[0]
    assert settings["weight_decay"] == weight_decay and settings.get("momentum") == momentum
    assert model.score(X_test, y_test) > 0.85


@pytest.mark.parametrize(
    ("cell", "optimizer", "optimizer_class", "learning_rate", "weight_decay"),
    [
        ("rnn", "sgd", torch.optim.SGD, 0.03, 0.0),
        ("rnn_relu", "adamw", torch.optim.AdamW, 0.003, 0.2),
        ("indrnn", "adamw", torch.optim.AdamW, 0.003, 0.2),
        ("lstm", "adamw", torch.optim.AdamW, 0.01, 0.2),
    ],
)
def test_the_auto_optimizer_is_sgd_for_the_elman_network_and_adamw_for_the_others(
    cell, optimizer, optimizer_class, learning_rate, weight_decay
):
    X, y = noisy_sequences(n=32)
    model = RNNRegressor(cell=cell, hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    assert model.optimizer == "auto" and model.optimizer_ == optimizer
    assert type(model.net_.optimizer_) is optimizer_class
    assert model.learning_rate_ == pytest.approx(learning_rate) and model.weight_decay_ == weight_decay
    if optimizer == "sgd":  # "sgd"'s own settings, not torch.optim.SGD's bare defaults
        settings = model.net_.optimizer_.param_groups[0]
        assert settings["momentum"] == 0.9 and settings["nesterov"]
    # A learning rate of the user's is an AdamW rate: SGD at it would crawl.
    rated = RNNRegressor(cell=cell, learning_rate=0.002, hidden_size=4, max_epochs=1).fit(X, y)
    assert rated.optimizer_ == "adamw" and type(rated.net_.optimizer_) is torch.optim.AdamW
    # A named optimizer is kept as given.
    named = RNNRegressor(cell=cell, optimizer="adam", hidden_size=4, max_epochs=1).fit(X, y)
    assert named.optimizer_ == "adam"


def test_per_step_outputs_and_token_ids_read_one_step_at_a_time():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 150, 1))
    tagger = RNNClassifier(output="sequence", hidden_size=4, max_epochs=1).fit(X, X[:, :, 0] > 0)
    assert tagger.patch_size_ == 1 and tagger.input_scaling_ == "global"
    tokens = rng.randint(1, 9, size=(20, 150))
    text = RNNClassifier(embedding_dim=4, hidden_size=4, max_epochs=1).fit(tokens, tokens[:, 0] > 4)
    assert text.patch_size_ == 1 and text.input_scaling_ is None
    with pytest.raises(ValueError, match=r"patch_size=4 with output='sequence'.*Use patch_size=1"):
        RNNClassifier(output="sequence", patch_size=4, max_epochs=1).fit(X, X[:, :, 0] > 0)


def test_a_fit_whose_loss_ends_far_above_its_best_warns_that_it_diverged():
    # IndRNN read step by step over 5,000 steps: the loss went from 1.0 to 287
    # and 57 in three epochs here, finite, so no error stopped it.
    X = np.random.RandomState(0).randn(8, 5000, 1).astype(np.float32)
    y = np.random.RandomState(0).randn(8)
    model = RNNRegressor(cell="indrnn", patch_size=1, hidden_size=8, max_epochs=3, random_state=0)
    with pytest.warns(UserWarning, match=r"loss ended at .* times the .* of epoch 1: training diverged"):
        model.fit(X, y)
    assert model.loss_curve_[-1] > 10 * model.loss_curve_[0]
