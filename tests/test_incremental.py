"""warm_start, partial_fit, tol and the ConvergenceWarning, with MLPClassifier's meanings."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

import sk_rnn
from sk_rnn import GRUClassifier, GRURegressor, LSTMClassifier, RNNClassifier, RNNRegressor

RNG = np.random.RandomState(0)
X = RNG.randn(80, 6, 2)
y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
SMALL = {"hidden_size": 8, "random_state": 0}


def quietly(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def test_warm_start_continues_training_and_adds_up_the_curves():
    model = quietly(LSTMClassifier(max_epochs=5, **SMALL).fit, X, y)
    first_curve, first_net = list(model.loss_curve_), model.net_
    model.set_params(warm_start=True)
    quietly(model.fit, X, y)
    assert model.n_iter_ == 10 and model.loss_curve_[:5] == first_curve
    # It starts where it stopped, not from a fresh network's loss.
    fresh = quietly(LSTMClassifier(max_epochs=5, **SMALL).fit, X, y)
    assert model.loss_curve_[5] < fresh.loss_curve_[0]
    assert model.net_ is not first_net  # a new optimizer and schedule, the weights carried over


def test_warm_start_refuses_a_changed_architecture_or_new_labels():
    model = quietly(LSTMClassifier(max_epochs=2, warm_start=True, **SMALL).fit, X, y)
    model.set_params(hidden_size=16)
    with pytest.raises(ValueError, match=r"whose hidden_size is 8, but it is now 16.*warm_start=False"):
        model.fit(X, y)
    model.set_params(hidden_size=8, input_scaling="global")
    with pytest.raises(ValueError, match=r"whose input_scaling is 'sequence', but it is now 'global'"):
        model.fit(X, y)
    model.set_params(input_scaling="sequence")
    quietly(model.fit, X, y)  # the scaling it was trained with, named: it continues
    with pytest.raises(ValueError, match=r"on the classes \[0, 1\], but y has the labels \[2\]"):
        model.fit(X, np.where(y == 1, 2, 0))
    assert model.n_iter_ == 4  # the failed fits changed nothing


def test_warm_start_regressor_keeps_its_outputs():
    model = quietly(GRURegressor(max_epochs=2, warm_start=True, **SMALL).fit, X, X[:, -1, :])
    with pytest.raises(ValueError, match=r"trained on 2 target\(s\) per sample .* but y has 1"):
        model.fit(X, X[:, -1, 0])
    # A loss with another head names what sets the network's outputs, not an internal argument.
    model.set_params(loss="normal")
    message = (
        r"whose number of outputs \(set by y's columns or classes, loss and quantile\) is 2, but it is now 4"
    )
    with pytest.raises(ValueError, match=message):
        model.fit(X, X[:, -1, :])


def test_partial_fit_trains_one_epoch_per_call_with_the_same_optimizer():
    model = LSTMClassifier(**SMALL)
    with pytest.raises(ValueError, match=r"partial_fit needs classes= on its first call"):
        model.partial_fit(X, y)
    model.partial_fit(X[:40], y[:40], classes=[0, 1, 2])
    net = model.net_
    for _ in range(9):
        model.partial_fit(X, y)
    assert model.n_iter_ == 10 and len(model.loss_curve_) == 10
    assert model.net_ is net  # Adam's moments carry over from call to call
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert list(model.classes_) == [0, 1, 2]
    assert model.predict_proba(X).shape == (80, 3)


def test_partial_fit_refuses_what_the_first_call_did_not_allow():
    model = LSTMClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"got classes=\[0, 1, 2\], but it was started with \[0, 1\]"):
        model.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"but y has the labels \[5\]"):
        model.partial_fit(X, np.full(80, 5))
    with pytest.raises(ValueError, match=r"fitted on sequences with 2 features per step, but X has 3"):
        model.partial_fit(RNG.randn(80, 6, 3), y)
    with pytest.raises(ValueError, match=r"partial_fit does not support early_stopping=True"):
        LSTMClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1])
    model.set_params(precision="float64")
    with pytest.raises(ValueError, match=r"precision='float32', but precision is now 'float64'.*call fit"):
        model.partial_fit(X, y)
    assert model.n_iter_ == 1
    model.set_params(precision="float32", optimizer="sgd")
    with pytest.raises(ValueError, match=r"trained by AdamW, but optimizer now gives SGD.*call fit"):
        model.partial_fit(X, y)
    assert model.n_iter_ == 1 and model.learning_rate_ == 0.01 and model.weight_decay_ == 0.2
    # A learning rate set on an Elman network trained with SGD by "auto" makes "auto" AdamW.
    elman = RNNClassifier(cell="rnn", hidden_size=4, random_state=0).partial_fit(X, y, classes=[0, 1])
    elman.set_params(learning_rate=0.001)
    with pytest.raises(ValueError, match=r"trained by SGD, but optimizer now gives AdamW \(optimizer='auto'"):
        elman.partial_fit(X, y)
    # A switch the user made names no "auto".
    elman.set_params(optimizer="adamw")
    with pytest.raises(ValueError, match=r"trained by SGD, but optimizer now gives AdamW\. Set it back"):
        elman.partial_fit(X, y)


@pytest.mark.parametrize(
    ("first", "then"),
    [("sgd", torch.optim.SGD), (torch.optim.SGD, "sgd")],
    ids=["sgd-then-SGD", "SGD-then-sgd"],
)
def test_partial_fit_refuses_the_same_optimizer_class_with_other_momentum(first, then, tmp_path):
    # "sgd" is SGD with Nesterov momentum 0.9, the class alone plain SGD: one
    # class, but the momentum buffers of one mean nothing to the other.
    model = LSTMClassifier(optimizer=first, **SMALL).partial_fit(X, y, classes=[0, 1])
    model.set_params(optimizer=then)
    with pytest.raises(ValueError, match=r"trained by SGD with .*but optimizer now gives .*call fit"):
        model.partial_fit(X, y)
    assert model.n_iter_ == 1
    # The settings it was trained with travel with a saved model.
    sk_rnn.save(model.set_params(optimizer=first), tmp_path / "model.skrnn")
    restored = pickle.loads(pickle.dumps(sk_rnn.load(tmp_path / "model.skrnn")))
    restored.partial_fit(X, y)
    assert restored.n_iter_ == 2
    restored.set_params(optimizer=then)
    with pytest.raises(ValueError, match=r"trained by SGD with"):
        restored.partial_fit(X, y)


def test_partial_fit_applies_a_learning_rate_or_weight_decay_changed_between_calls():
    # A schedule of the user's own: what learning_rate_ and weight_decay_ say is what trains.
    model = LSTMClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    model.set_params(learning_rate=0.001, weight_decay=0.05).partial_fit(X, y)
    settings = model.net_.optimizer_.param_groups[0]
    assert model.learning_rate_ == settings["lr"] == 0.001
    assert model.weight_decay_ == settings["weight_decay"] == 0.05


def test_a_failed_partial_fit_leaves_the_model_as_it_was():
    # A ReLU Elman network without clipping diverges at a learning rate of 100.
    target = X[:, :, 0].sum(axis=1)
    settings = {"cell": "rnn_relu", "clip_grad_norm": None, **SMALL}
    model = RNNRegressor(**settings).partial_fit(X, target)
    weights = {name: tensor.clone() for name, tensor in model.net_.module_.state_dict().items()}
    optimizer = copy.deepcopy(model.net_.optimizer_.state_dict())
    model.set_params(learning_rate=100.0, dropout=0.0, batch_size=8, verbose=1)
    with pytest.raises(ValueError, match=r"RNNRegressor training diverged: the loss became"):
        model.partial_fit(X, target)
    net = model.net_
    assert (net.module_.dropout.p, net.batch_size, net.verbose, model.batch_size_) == (0.2, 16, 0, 16)
    after = model.net_.module_.state_dict()
    assert all(torch.equal(after[name], tensor) for name, tensor in weights.items())
    restored = model.net_.optimizer_.state_dict()
    assert restored["param_groups"] == optimizer["param_groups"]
    for key, state in optimizer["state"].items():
        assert all(torch.equal(restored["state"][key][name], value) for name, value in state.items())
    assert model.n_iter_ == len(model.history_) == 1
    # The next call continues as if the failed one had never been made.
    model.set_params(learning_rate="auto", dropout=0.2, batch_size="auto", verbose=0).partial_fit(X, target)
    untroubled = RNNRegressor(**settings).partial_fit(X, target).partial_fit(X, target)
    assert model.loss_curve_ == untroubled.loss_curve_
    np.testing.assert_array_equal(model.predict(X), untroubled.predict(X))


class CtrlCInsideEpoch(Callback):
    """Ctrl-C after the second batch of the given epoch, once per test: as a user would press it."""

    pressed = False

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if (
            not CtrlCInsideEpoch.pressed
            and len(net.history) == self.epoch
            and len(net.history[-1]["batches"]) == 2
        ):
            CtrlCInsideEpoch.pressed = True
            raise KeyboardInterrupt


@pytest.mark.parametrize("interrupted_call", [1, 3])
def test_ctrl_c_inside_partial_fit_undoes_the_call_and_stops_the_loop(interrupted_call):
    # skorch swallows the interrupt: a loop over chunks went on to the next chunk,
    # with this chunk's epoch half trained and left out of n_iter_.
    CtrlCInsideEpoch.pressed = False
    model = GRUClassifier(batch_size=16, callbacks=[CtrlCInsideEpoch(interrupted_call)], **SMALL)
    for _ in range(interrupted_call - 1):
        model.partial_fit(X, y, classes=[0, 1])
    before = model.predict_proba(X) if interrupted_call > 1 else None
    with pytest.raises(
        KeyboardInterrupt, match=r"GRUClassifier.partial_fit was interrupted inside its epoch"
    ):
        model.partial_fit(X, y, classes=[0, 1])
    if before is None:
        assert not hasattr(model, "net_")  # the first call left nothing behind
    else:
        np.testing.assert_array_equal(model.predict_proba(X), before)
        assert model.n_iter_ == len(model.loss_curve_) == interrupted_call - 1
    # Calling again continues as if the interrupted call had never been made.
    model.partial_fit(X, y, classes=[0, 1])
    untroubled = GRUClassifier(batch_size=16, **SMALL)
    for _ in range(interrupted_call):
        untroubled.partial_fit(X, y, classes=[0, 1])
    assert model.loss_curve_ == untroubled.loss_curve_
    np.testing.assert_array_equal(model.predict_proba(X), untroubled.predict_proba(X))


class CountBatches(Callback):
    """Records the size of every training batch."""

    def initialize(self):
        self.sizes = []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.sizes.append(len(batch[1]))


def test_partial_fit_applies_changed_training_settings_from_the_next_call(capsys, tmp_path):
    model = GRUClassifier(num_layers=2, callbacks=[("count", CountBatches())], **SMALL)
    model.partial_fit(X, y, classes=[0, 1])
    counter = dict(model.net_.callbacks_)["count"]
    model.set_params(dropout=0.5, batch_size=8)
    model.partial_fit(X, y)
    assert counter.sizes == [16] * 5 + [8] * 10  # the user's callback kept: nothing it depends on changed
    module = model.net_.module_
    assert module.dropout.p == module.rnn.dropout == 0.5 and model.batch_size_ == 8
    model.set_params(clip_grad_norm=None, verbose=1, callbacks=[("count", CountBatches())])
    model.partial_fit(X, y)
    callbacks = dict(model.net_.callbacks_)
    assert "gradient_norm_clipping" not in callbacks
    assert callbacks["count"].sizes == [8] * 10  # a fresh copy of the new callback
    assert "train_loss" in capsys.readouterr().out
    model.set_params(clip_grad_norm=0.5, verbose=0).partial_fit(X, y)
    assert dict(model.net_.callbacks_)["gradient_norm_clipping"].gradient_clip_value == 0.5
    assert capsys.readouterr().out == ""
    # A saved model is rebuilt with the dropout it was trained with last.
    sk_rnn.save(model.set_params(callbacks=None), tmp_path / "model.skrnn")
    assert sk_rnn.load(tmp_path / "model.skrnn").net_.module_.dropout.p == 0.5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hidden_size": 16}, r"whose hidden_size is 8, but it is now 16"),
        ({"cell_params": {"input_threshold": 1.0}}, r"whose cell_params is None, but it is now \{'input_thr"),
        ({"device": "meta"}, r"on device 'cpu', but device is now 'meta'"),
    ],
    ids=["hidden_size", "cell_params", "device"],
)
def test_partial_fit_refuses_a_changed_network_or_device(change, message, monkeypatch):
    model = RNNClassifier(cell="indrnn", **SMALL).partial_fit(X, y, classes=[0, 1])
    # Every machine has "meta", but it is refused as a training device; here
    # it stands for a second device, which a CPU-only machine lacks.
    monkeypatch.setattr("sk_rnn._base.resolve_device", lambda name, device: torch.device(device))
    model.set_params(**change)
    with pytest.raises(ValueError, match=rf"RNNClassifier.partial_fit continues .*{message}.*call fit"):
        model.partial_fit(X, y)
    assert model.n_iter_ == 1


def test_continued_training_refuses_another_categorical_embedding_size():
    codes = np.repeat(RNG.randint(3, size=(80, 1, 1)), 6, axis=1).astype(float)
    X_coded = np.concatenate([X, codes], axis=2)
    model = GRUClassifier(categorical_features=[2], categorical_embedding_dim=2, **SMALL)
    model.partial_fit(X_coded, y, classes=[0, 1]).set_params(categorical_embedding_dim=3)
    with pytest.raises(ValueError, match=r"whose categorical_embedding_dim is 2, but it is now 3"):
        model.partial_fit(X_coded, y)
    model.set_params(categorical_embedding_dim="auto").partial_fit(X_coded, y)  # what it was trained with
    assert model.n_iter_ == 2 and model.categorical_embedding_dim_ == 2


def test_partial_fit_applies_a_changed_loss_and_weights_given_on_some_calls_only():
    target = X[:, -1, 0]
    model = GRURegressor(loss="quantile", quantile=0.5, **SMALL).partial_fit(
        X, target, sample_weight=np.ones(80)
    )
    model.set_params(quantile=0.9).partial_fit(X, target)
    assert model.net_.criterion_.elementwise.quantile == 0.9 and list(model.quantiles_) == [0.9]
    # Weights after a call without: they count (class 0 weighs nothing here).
    first = LSTMClassifier(**SMALL).partial_fit(X, y, classes=[0, 1])
    weighted = copy.deepcopy(first).partial_fit(X, y, sample_weight=np.where(y == 1, 1.0, 0.0))
    unweighted = copy.deepcopy(first).partial_fit(X, y)
    assert weighted.predict_proba(X)[:, 1].mean() > unweighted.predict_proba(X)[:, 1].mean()


def test_partial_fit_after_fit_continues_from_the_fitted_weights():
    model = quietly(RNNClassifier(cell="gru", max_epochs=5, **SMALL).fit, X, y)
    last = model.loss_curve_[-1]
    model.partial_fit(X, y)
    assert model.n_iter_ == 6
    assert model.loss_curve_[-1] < 2 * last


def test_partial_fit_regressor_keeps_the_first_target_scaling():
    model = GRURegressor(**SMALL).partial_fit(X, X[:, -1, 0])
    scale = model._y_scale.copy()
    model.partial_fit(X, 10 * X[:, -1, 0])
    np.testing.assert_array_equal(model._y_scale, scale)


def test_a_convergence_warning_when_max_epochs_cut_an_improving_fit():
    with pytest.warns(
        ConvergenceWarning, match=r"stopped at max_epochs_=12 while its training loss was still"
    ):
        LSTMClassifier(max_epochs=12, **SMALL).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LSTMClassifier(max_epochs=12, tol=10.0, **SMALL).fit(X, y)


@pytest.mark.parametrize("max_epochs", [2, 10])
def test_a_convergence_warning_for_fits_shorter_than_n_iter_no_change(max_epochs):
    # Judged over the epochs there are, as MLPClassifier warns at any max_iter.
    over = "the last epoch" if max_epochs == 2 else f"the last {max_epochs - 1} epochs"
    with pytest.warns(ConvergenceWarning, match=rf"max_epochs_={max_epochs} while .* per epoch over {over}"):
        LSTMClassifier(max_epochs=max_epochs, **SMALL).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LSTMClassifier(max_epochs=max_epochs, tol=10.0, **SMALL).fit(X, y)
        LSTMClassifier(max_epochs=1, **SMALL).fit(X, y)  # one epoch: no trend to judge


def test_a_warm_start_fit_is_judged_on_its_own_epochs():
    # The earlier fit's last loss, on other targets (in the units of its
    # target scaling, which continued training keeps), tells nothing of this
    # fit's trend.
    model = GRURegressor(max_epochs=2, warm_start=True, **SMALL).fit(X, 100 * X[:, -1, 0] + 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.set_params(max_epochs=1).fit(X, X[:, -1, 0])  # one epoch: no trend to judge
    assert model.n_iter_ == 3
    with pytest.warns(ConvergenceWarning, match=r"max_epochs_=3 while .* per epoch over the last 2 epochs"):
        model.set_params(max_epochs=3).fit(X, X[:, -1, 0])


def test_tol_is_what_early_stopping_counts_as_an_improvement():
    # No improvement of the validation loss is larger than 10: stop after n_iter_no_change + 1 epochs.
    model = LSTMClassifier(early_stopping=True, n_iter_no_change=3, tol=10.0, max_epochs=50, **SMALL).fit(
        X, y
    )
    assert model.n_iter_ == 4


@pytest.mark.slow
def test_a_default_fit_on_real_data_does_not_warn():
    from sklearn.datasets import load_digits

    digits = load_digits()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LSTMClassifier(random_state=0).fit(digits.images[::2], digits.target[::2])


def test_partial_fit_takes_sample_weights():
    model = LSTMClassifier(learning_rate=0.03, **SMALL)
    weights = np.where(y == 1, 1.0, 0.0)  # class 0 weighs nothing
    model.partial_fit(X, y, classes=[0, 1], sample_weight=weights)
    for _ in range(14):
        model.partial_fit(X, y, sample_weight=weights)
    assert (model.predict(X) == 1).all()
