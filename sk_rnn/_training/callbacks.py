"""The skorch callbacks and train split of a training run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from sklearn.base import clone
from sklearn.metrics import r2_score
from skorch.callbacks import Callback, EarlyStopping, GradientNormClipping, ProgressBar

from .batches import ArrayBatches
from .net import predict_outputs
from .schedules import schedule_callback

if TYPE_CHECKING:
    from .plan import TrainingPlan

__all__ = [
    "HoldOutLast",
    "RecordLearningRate",
    "StopOnNonFiniteLoss",
    "ValidationScore",
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

    def on_epoch_end(self, net, **kwargs) -> None:
        net.history.record("lr", float(net.optimizer_.param_groups[0]["lr"]))


class ValidationScore(Callback):
    """Record the held-out sequences' score as ``valid_score``: what the estimator's ``score`` computes.

    ``kind`` is "accuracy" (one label per sequence), "subset_accuracy"
    (multilabel: every label right) or "r2" (regression, averaged over the
    outputs; standardising the target does not change it). Sample weights are
    not applied.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def on_epoch_end(self, net, dataset_valid=None, **kwargs) -> None:
        if dataset_valid is None or len(dataset_valid) == 0:
            return
        outputs = predict_outputs(net, dataset_valid.X)
        target = np.asarray(dataset_valid.y)
        if self.kind == "accuracy":
            score = np.mean(outputs.argmax(axis=1) == target)
        elif self.kind == "subset_accuracy":
            score = np.mean(((outputs > 0) == (target > 0.5)).all(axis=1))
        else:
            score = r2_score(target, outputs)
        net.history.record("valid_score", float(score))


def _discard(message: str) -> None:
    """Sink for skorch messages when ``verbose=0``."""


def training_callbacks(plan: TrainingPlan) -> list:
    """The user's callbacks (copies), then the divergence guard, schedule, early stopping and clipping."""
    # Copies: fitting must not change the user's callback objects, and two
    # clones of one estimator must not share callback state.
    callbacks = [clone(callback, safe=False) for callback in (plan.callbacks or [])]
    callbacks.append(("stop_on_non_finite_loss", StopOnNonFiniteLoss(plan.estimator_name)))
    schedule = schedule_callback(
        plan.learning_rate_schedule,
        learning_rate=plan.learning_rate,
        max_epochs=plan.max_epochs,
        updates_per_epoch=plan.updates_per_epoch,
        monitor="valid_loss" if plan.early_stopping else "train_loss",
    )
    if schedule is not None:
        callbacks.append(("learning_rate_schedule", schedule))
    if plan.early_stopping and plan.validation_score is not None:
        callbacks.append(("validation_score", ValidationScore(plan.validation_score)))
    if plan.early_stopping:
        callbacks.append(
            (
                "early_stopping",
                EarlyStopping(
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
    if plan.clip_grad_norm is not None:
        callbacks.append(("gradient_norm_clipping", GradientNormClipping(plan.clip_grad_norm)))
    callbacks.append(("record_learning_rate", RecordLearningRate()))
    if plan.verbose >= 2:
        callbacks.append(("progress_bar", ProgressBar()))
    return callbacks
