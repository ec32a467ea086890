"""The skorch callbacks and train split of a training run."""

from __future__ import annotations

import copy
import re
import reprlib
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from sklearn.base import clone
from sklearn.metrics import r2_score
from skorch.callbacks import Callback, EarlyStopping, GradientNormClipping, LRScheduler, ProgressBar

from .batches import ArrayBatches
from .net import predict_outputs
from .schedules import has_momentum, schedule_callback

if TYPE_CHECKING:
    from .plan import TrainingPlan

__all__ = [
    "GradientRecorder",
    "HoldOutLast",
    "KeepLowestLoss",
    "RecordLearningRate",
    "StopOnNonFiniteLoss",
    "ValidationScore",
    "check_callback_names",
    "check_schedule_callbacks",
    "check_user_callbacks",
    "training_callbacks",
]


class HoldOutLast:
    """skorch ``train_split``: train on the first ``n_train`` sequences, validate on the rest.

    A class, not a closure, so that the fitted estimator stays picklable.
    """

    def __init__(self, n_train: int) -> None:
        self.n_train = n_train

    def __call__(
        self, dataset: ArrayBatches, y: Any = None, **fit_params: Any
    ) -> tuple[ArrayBatches, ArrayBatches]:
        return dataset.split_at(self.n_train)


class KeepLowestLoss(EarlyStopping):
    """skorch's ``EarlyStopping`` (lower is better, an absolute threshold), keeping the lowest loss's weights.

    skorch keeps the weights of the last epoch that improved by more than
    ``threshold``, so an epoch that improved by less (all the later ones,
    once the loss flattens) is never kept, though its loss is lower. As in
    ``MLPClassifier``, ``threshold`` (``tol``) decides here only when the
    patience restarts; the weights kept, ``best_epoch_``, are those of the
    lowest loss, which ``best_validation_loss_`` reports.
    """

    def on_train_begin(self, net, **kwargs) -> None:
        super().on_train_begin(net, **kwargs)
        self.lowest_score_ = np.inf

    def on_epoch_end(self, net, **kwargs) -> None:
        score = net.history[-1, self.monitor]
        if self._is_score_improved(score):
            self.misses_ = 0
            self.dynamic_threshold_ = self._calc_new_threshold(score)
        else:
            self.misses_ += 1
        self._keep_if_lowest(net)
        if self.misses_ == self.patience:
            raise KeyboardInterrupt  # said in on_train_end: after the log's row of this epoch

    def on_train_end(self, net, **kwargs) -> None:
        if self.misses_ >= self.patience and net.verbose:
            self._sink(
                f"Stopping since {self.monitor} has not improved in the last {self.patience} epochs.",
                verbose=net.verbose,
            )
        # An interruption (Ctrl-C, a user's callback) can land after an epoch's
        # loss is recorded and before on_epoch_end saw it: the module holds
        # that epoch's weights, which an uninterrupted fit would have kept if
        # they are the best. An epoch already seen is never lower than the lowest.
        if len(net.history) and self.monitor in net.history[-1]:
            self._keep_if_lowest(net)
        super().on_train_end(net, **kwargs)

    def _keep_if_lowest(self, net) -> None:
        score = net.history[-1, self.monitor]
        if score < self.lowest_score_:
            self.lowest_score_ = score
            self.best_epoch_ = net.history[-1, "epoch"]
            if self.load_best:
                self.best_model_weights_ = copy.deepcopy(net.module_.state_dict())


class StopOnNonFiniteLoss(Callback):
    """Stop at the first non-finite training loss with an error that says what to change."""

    def __init__(self, estimator_name: str) -> None:
        self.estimator_name = estimator_name

    def on_batch_end(self, net, batch=None, training=False, loss=None, **kwargs) -> None:
        if training and loss is not None and not torch.isfinite(loss):
            raise ValueError(
                f"{self.estimator_name} training diverged: the loss became {loss.item()} in "
                f"epoch {len(net.history)}. Scale X (for instance with StandardScaler), lower "
                f"learning_rate (now {net.lr}), or set clip_grad_norm."
            )


class RecordLearningRate(Callback):
    """Record the learning rate of the epoch's last update as ``lr`` in the history.

    The per-epoch table of ``verbose=1`` prints it, and
    :class:`~sk_rnn.inspection.TrainingCurveDisplay` draws it.
    """

    def on_batch_begin(self, net, training: bool = False, **kwargs) -> None:
        # Before every update, not after it: a schedule stepped per batch
        # moves the rate on at the batch's end, to the next update's. And not
        # at the epoch's end: a callback that stops training there (Ctrl-C in
        # a user's callback) must not leave the epoch without its rate.
        if training:
            net.history.record("lr", float(net.optimizer_.param_groups[0]["lr"]))


class ValidationScore(Callback):
    """Record the held-out sequences' score as ``valid_score``: what the estimator's ``score`` computes.

    ``kind`` is "accuracy" (one label per sequence), "subset_accuracy"
    (multilabel: every label right) or "r2" (regression, averaged over the
    outputs; standardising the target does not change it). Sample weights are
    not applied. ``point`` maps the raw outputs to point predictions first,
    where the network predicts a distribution.
    """

    def __init__(self, kind: str, point: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self.kind = kind
        self.point = point

    def on_epoch_end(self, net, dataset_valid=None, **kwargs) -> None:
        if dataset_valid is None or len(dataset_valid) == 0:
            return
        outputs = predict_outputs(net, dataset_valid.X)
        if self.point is not None:
            outputs = self.point(outputs)
        target = np.asarray(dataset_valid.y)
        if self.kind == "accuracy":
            score = np.mean(outputs.argmax(axis=1) == target)
        elif self.kind == "subset_accuracy":
            score = np.mean(((outputs > 0) == (target > 0.5)).all(axis=1))
        else:
            score = r2_score(target, outputs)
        net.history.record("valid_score", float(score))


class GradientRecorder(Callback):
    """How strongly the loss reaches back in time, and each layer's gradient norm, per epoch.

    After every training batch: ``||dL/dx_t||`` for the input ``x_t`` the
    recurrent layers read at each cell step, by distance from the sequence's
    last valid step (0 is the last), averaged over the sequences and batches
    of the epoch; and the norm of the gradient of each layer's parameters
    (recurrent layers by index, both directions together; the embedding and
    the output layer by name) before clipping, averaged over the epoch's
    batches. ``x_t``
    reaches the loss only through the states from ``h_t`` on, so its gradient
    falls with distance exactly when the gradient through the recurrence
    vanishes.
    """

    def __init__(self) -> None:
        self.by_distance: list[np.ndarray] = []
        self.by_layer: dict[str, list[float]] = {}

    def on_epoch_begin(self, net, **kwargs) -> None:
        self._distance_sums = np.zeros(0)
        self._distance_counts = np.zeros(0)
        self._layer_sums: dict[str, float] = {}
        self._batches = 0
        net.module_.record_input_gradients = True

    def on_grad_computed(self, net, named_parameters, training=False, **kwargs) -> None:
        if not training:
            return
        squares: dict[str, float] = {}
        for name, parameter in named_parameters:
            if parameter.grad is not None:
                layer = _layer_of(name)
                squares[layer] = squares.get(layer, 0.0) + float(parameter.grad.detach().pow(2).sum())
        for layer, square in squares.items():
            self._layer_sums[layer] = self._layer_sums.get(layer, 0.0) + square**0.5
        self._batches += 1
        recorded = net.module_.recorded_inputs
        if recorded is None or recorded[0].grad is None:
            return
        inputs, lengths = recorded
        norms = inputs.grad.detach().norm(dim=2).cpu().numpy()  # (N, S)
        steps = norms.shape[1]
        counts = np.full(len(norms), steps) if lengths is None else lengths.cpu().numpy()
        distance = counts[:, np.newaxis] - 1 - np.arange(steps)  # 0 at each sequence's last step
        valid = distance >= 0
        sums = np.bincount(distance[valid], weights=norms[valid], minlength=steps)
        tally = np.bincount(distance[valid], minlength=steps).astype(float)
        self._distance_sums = _add_padded(self._distance_sums, sums)
        self._distance_counts = _add_padded(self._distance_counts, tally)
        net.module_.recorded_inputs = None

    def on_train_end(self, net, **kwargs) -> None:
        # A callback that stops training (early stopping, a user's) raises at
        # the end of an epoch, and the callbacks after it in the list never see
        # that epoch end. The epoch is complete once its training loss is in
        # the history; an interrupt in the middle of an epoch leaves none.
        if net.module_.record_input_gradients and "train_loss" in net.history[-1]:
            self.on_epoch_end(net)
        net.module_.record_input_gradients = False
        # An interrupt between a batch's forward pass and its gradient leaves that
        # batch on the module, with its graph: the fitted model must not keep (or
        # pickle) a batch of training data.
        net.module_.recorded_inputs = None

    def on_epoch_end(self, net, **kwargs) -> None:
        net.module_.record_input_gradients = False
        with np.errstate(invalid="ignore", divide="ignore"):
            self.by_distance.append(self._distance_sums / self._distance_counts)
        for layer, total in self._layer_sums.items():
            self.by_layer.setdefault(layer, []).append(total / max(self._batches, 1))


def _add_padded(total: np.ndarray, more: np.ndarray) -> np.ndarray:
    """``total + more``, the shorter padded with zeros: batches differ in their longest sequence."""
    width = max(len(total), len(more))
    return np.pad(total, (0, width - len(total))) + np.pad(more, (0, width - len(more)))


def _layer_of(parameter_name: str) -> str:
    """The layer a parameter belongs to: "recurrent layer k" for the cells, else its module."""
    match = re.search(r"(?:_l|layers\.)(\d+)", parameter_name)
    if match:
        return f"recurrent layer {match.group(1)}"
    return parameter_name.split(".")[0]


def _discard(message: str) -> None:
    """Sink for skorch messages when ``verbose=0``."""


def _copied(callback: Any, estimator_name: str) -> Any:
    """A fresh copy of a user's callback (or ``(name, callback)`` pair), as scikit-learn clones."""
    try:
        return clone(callback, safe=False)
    except (TypeError, RuntimeError) as error:
        raise TypeError(
            f"{estimator_name} copies each callback before fitting, as scikit-learn's clone does, so "
            f"that two fits never share a callback's state; copying {callback!r} failed: {error}. "
            "A skorch callback keeps each constructor argument as an attribute of the same name, "
            "and its state in attributes ending in '_' set in initialize() or on_train_begin()."
        ) from error


def training_callbacks(plan: TrainingPlan) -> list:
    """The user's callbacks (copies), then the guard, schedule, early stopping, gradient record, clipping."""
    # Copies: fitting must not change the user's callback objects, and two
    # clones of one estimator must not share callback state.
    callbacks = [_copied(callback, plan.estimator_name) for callback in (plan.callbacks or [])]
    callbacks.append(("stop_on_non_finite_loss", StopOnNonFiniteLoss(plan.estimator_name)))
    schedule = schedule_callback(
        plan.learning_rate_schedule,
        learning_rate=plan.learning_rate,
        max_epochs=plan.max_epochs,
        updates_per_epoch=plan.updates_per_epoch,
        monitor="valid_loss" if plan.early_stopping else "train_loss",
        cycle_momentum=has_momentum(plan.optimizer),
    )
    if schedule is not None:
        callbacks.append(("learning_rate_schedule", schedule))
    if plan.early_stopping and plan.validation_score is not None:
        callbacks.append(("validation_score", ValidationScore(plan.validation_score, plan.validation_point)))
    if plan.early_stopping:
        callbacks.append(
            (
                "early_stopping",
                KeepLowestLoss(
                    monitor="valid_loss",
                    patience=plan.n_iter_no_change,
                    # MLPClassifier's tol: an absolute improvement of the loss.
                    threshold=plan.tol,
                    threshold_mode="abs",
                    load_best=True,
                    # A module-level function: the fitted estimator must stay picklable.
                    sink=print if plan.verbose else _discard,
                ),
            )
        )
    if plan.record_gradients:
        # Before clipping, which rescales the parameters' gradients in place: the
        # record is of the loss's gradient, so that an exploding one shows.
        callbacks.append(("record_gradients", GradientRecorder()))
    if plan.clip_grad_norm is not None:
        callbacks.append(("gradient_norm_clipping", GradientNormClipping(plan.clip_grad_norm)))
    callbacks.append(("record_learning_rate", RecordLearningRate()))
    if plan.verbose >= 2:
        callbacks.append(("progress_bar", ProgressBar()))
    return callbacks


def _is_callback(value: Any) -> bool:
    """A skorch callback, or a callback class (skorch builds it with its defaults)."""
    return isinstance(value, Callback) or (isinstance(value, type) and issubclass(value, Callback))


def _is_named_pair(entry: Any) -> bool:
    """A ``(name, callback)`` pair as skorch takes it; a None callback is skipped."""
    return (
        isinstance(entry, tuple | list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and (entry[1] is None or _is_callback(entry[1]))
    )


def check_user_callbacks(name: str, callbacks: list | None) -> None:
    """Each entry of ``callbacks`` must be one skorch takes: a callback, or a (name, callback) pair."""
    for position, entry in enumerate(callbacks or []):
        if _is_callback(entry) or _is_named_pair(entry):
            continue
        raise TypeError(
            f"{name} got callbacks[{position}]={reprlib.repr(entry)}, but each entry of callbacks "
            "must be a skorch callback (a skorch.callbacks.Callback instance, such as "
            "EarlyStopping(monitor='train_loss')) or a (name, callback) pair with a str name. "
            "Pass the callback object itself, or a pair such as ('stop', EarlyStopping())."
        )


def check_schedule_callbacks(name: str, callbacks: list | None, learning_rate_schedule: str) -> None:
    """A user's ``LRScheduler`` and the built-in schedule must not both set the learning rate.

    Both would set the optimizer's rate at every step, each overwriting the
    other, so the rate used would be neither schedule's.
    """
    if learning_rate_schedule == "constant":
        return
    for entry in callbacks or []:
        callback = entry[1] if isinstance(entry, tuple | list) else entry
        if isinstance(callback, LRScheduler) or (
            isinstance(callback, type) and issubclass(callback, LRScheduler)
        ):
            policy = getattr(callback, "policy", None)
            described = policy if isinstance(policy, str) else getattr(policy, "__name__", "a policy")
            raise ValueError(
                f"{name} got the skorch LRScheduler ({described}) in callbacks together with "
                f"learning_rate_schedule={learning_rate_schedule!r}: both would set the learning rate, "
                "and the rate used would be neither. Set learning_rate_schedule='constant' to let your "
                "LRScheduler alone set it (starting from learning_rate), or remove the LRScheduler to "
                "keep the built-in schedule."
            )


# The names of the callbacks every skorch net has (NeuralNet._default_callbacks).
SKORCH_DEFAULT_CALLBACKS = ("epoch_timer", "train_loss", "valid_loss", "print_log")


def check_callback_names(name: str, user: list | None, callbacks: list) -> None:
    """The names a user gives callbacks must be unique, among theirs and those sk_rnn adds.

    ``callbacks`` is the whole list the net is built with, the user's
    included. skorch would refuse a clash too, but as a duplicate the user
    never wrote.
    """
    counts = Counter(entry[0] for entry in callbacks if isinstance(entry, tuple | list))
    counts.update(SKORCH_DEFAULT_CALLBACKS)
    names = [entry[0] for entry in user or [] if isinstance(entry, tuple | list)]
    for label in names:
        if names.count(label) > 1:
            raise ValueError(
                f"{name} got two callbacks named {label!r} in callbacks; skorch needs each name once. "
                "Give each its own name."
            )
        if counts[label] > 1:
            raise ValueError(
                f"{name} got a callback named {label!r} in callbacks, but {name} adds its own "
                f"{label!r} callback with these settings (see net_.callbacks_ of a fitted model; "
                f"every net has {', '.join(SKORCH_DEFAULT_CALLBACKS)}). Give yours another name."
            )
