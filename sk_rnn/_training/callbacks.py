"""The skorch callbacks and train split of a training run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from sklearn.base import clone
from skorch.callbacks import Callback, EarlyStopping, GradientNormClipping, ProgressBar

from .batches import ArrayBatches
from .schedules import schedule_callback

if TYPE_CHECKING:
    from .plan import TrainingPlan

__all__ = ["HoldOutLast", "RecordLearningRate", "StopOnNonFiniteLoss", "training_callbacks"]


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
