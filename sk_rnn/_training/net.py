"""The lean skorch net sk_rnn trains, and prediction in batches of whole row blocks."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import numpy as np
import torch
from sklearn.utils import ClassifierTags
from skorch import NeuralNet
from skorch.callbacks import PrintLog
from skorch.utils import to_tensor

from .._data.sequences import Sequences
from ..modules.losses import PerStepCrossEntropyLoss
from .batches import ArrayBatches, BatchIterable, float_dtype, input_dtype
from .scoped_state import network_numerics

__all__ = [
    "MODULE_PREFIX",
    "EpochLog",
    "SequenceNet",
    "drop_unfinished_epoch",
    "is_incremental",
    "module_arguments",
    "predict_outputs",
    "weighted_mean",
]

# skorch routes the keyword arguments of the module under this prefix.
MODULE_PREFIX = "module__"

# Prediction batches of two or more sequences are padded to a multiple of this
# many rows. The CPU matrix kernels (MKL, oneDNN) round according to the
# number of rows: fewer than four take other code paths, and narrow products
# depend on the rows modulo a small block. With whole blocks, the output for
# a sequence is bit-identical whatever else is in the batch (on most CPUs;
# see docs/performance.rst). A batch of one sequence runs on one row instead:
# padding it to eight rows costs 1.8-2.6 times the bare module's latency, and
# its outputs agree with the padded ones to float32 rounding (about 1e-7
# relative).
_ROW_BLOCK = 8

# Prediction batches: as large as possible (fewer Python round trips) while
# one layer's output sequence stays around 16 MiB, so it stays in cache-friendly
# sizes and long sequences do not exhaust memory.
_PREDICT_BATCH_FLOATS = 2**22
_MAX_PREDICT_BATCH = 128 * _ROW_BLOCK


class EpochLog(PrintLog):
    """skorch's ``PrintLog`` (``verbose=1``'s table), which can also print an epoch that stopped training.

    skorch runs it after every other callback, so an epoch at whose end one
    stops training (early stopping, a user's Ctrl-C) was left out of the
    table, though the model holds it. :meth:`SequenceNet.notify` prints it.
    """

    def initialize(self) -> EpochLog:
        super().initialize()
        self.printed_epoch_ = None  # the epoch number of the last row printed
        self.columns_ = []
        return self

    def on_epoch_end(self, net, **kwargs) -> None:
        super().on_epoch_end(net, **kwargs)
        self.printed_epoch_ = net.history[-1, "epoch"]
        self.columns_ = list(net.history[-1])

    def print_stopped_epoch(self, net) -> None:
        """The row of the last epoch, unless printed or cut short (it has no training loss then)."""
        row = dict(net.history[-1])
        if "train_loss" not in row or row["epoch"] == self.printed_epoch_:
            return
        # Callbacks after the one that stopped training recorded nothing (a
        # validation score): blank cells keep the columns under their headers.
        row.update({key: None for key in self.columns_ if key not in row})
        tabulated = self.table(row)
        if self.first_iteration_:
            header, lines = tabulated.split("\n", 2)[:2]
            self._sink(header, net.verbose)
            self._sink(lines, net.verbose)
            self.first_iteration_ = False
        self._sink(tabulated.rsplit("\n", 1)[-1], net.verbose)
        if self.sink is print:
            sys.stdout.flush()
        self.printed_epoch_ = row["epoch"]


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` with array-sliced batches and module weight constraints.

    ``shuffle_seed`` seeds the batch orders of every ``fit``; the module's
    ``clamp_weights`` (IndRNN's recurrent bound) runs after each optimiser step.
    """

    def __init__(self, *args, shuffle_seed: int = 0, precision: str = "float32", **kwargs):
        super().__init__(*args, **kwargs)
        self.shuffle_seed = shuffle_seed
        self.precision = precision
        # Whether partial_fit keeps training this net one epoch per call.
        self.incremental = False
        # Epochs trained before this net, by the fit it resumes (its history holds them too).
        self.epoch_offset = 0
        # What its callbacks were built from (see plan.callback_settings): partial_fit
        # builds them again only when these change, so that the user's keep their state.
        self.callback_settings = None

    @property
    def _default_callbacks(self) -> list:
        return [
            (name, EpochLog() if name == "print_log" else callback)
            for name, callback in super()._default_callbacks
        ]

    def notify(self, method_name: str, **cb_kwargs) -> None:
        try:
            super().notify(method_name, **cb_kwargs)
        except KeyboardInterrupt:
            log = dict(getattr(self, "callbacks_", [])).get("print_log")
            if method_name == "on_epoch_end" and isinstance(log, EpochLog):
                log.print_stopped_epoch(self)  # the log, last, never saw this epoch end
            raise

    @property
    def epochs_run(self) -> int:
        """Epochs this net has trained; its history also holds those of the fit it resumed."""
        return len(self.history) - self.epoch_offset

    def get_iterator(self, dataset, training: bool = False):
        if not isinstance(dataset, ArrayBatches):
            return super().get_iterator(dataset, training=training)
        batch_size = len(dataset) if self.batch_size == -1 else self.batch_size
        seed = int(self.shuffle_seed) if training else None
        return BatchIterable(
            dataset, max(batch_size, 1), shuffle=training, seed=seed, first_epoch=self.epoch_offset
        )

    def initialize_module(self):
        super().initialize_module()
        if getattr(self, "precision", "float32") == "float64":
            self.module_.double()
        return self

    def initialize_criterion(self):
        super().initialize_criterion()
        if getattr(self, "precision", "float32") == "float64":
            self.criterion_.double()  # buffers such as the quantile levels
        return self

    def infer(self, x, **fit_params):
        if getattr(self, "precision", "float32") != "bfloat16":
            return super().infer(x, **fit_params)
        # Mixed precision: torch's autocast runs the matrix products (and, on
        # CUDA, the recurrent layers) in bfloat16 and keeps the rest in
        # float32; the loss and the predictions are computed from float32
        # outputs. bfloat16 has float32's range, so no loss scaling is needed.
        with torch.autocast(device_type=torch.device(self.device).type, dtype=torch.bfloat16):
            return super().infer(x, **fit_params).float()

    def continue_fit(self, X, epochs: int) -> SequenceNet:
        """``partial_fit`` for ``epochs`` epochs: the initialised module and optimizer are kept."""
        self.notify("on_train_begin", X=X, y=None)
        with contextlib.suppress(KeyboardInterrupt):  # as skorch's fit: stop, keep what was trained
            self.fit_loop(X, epochs=epochs)
        self.notify("on_train_end", X=X, y=None)
        return self

    def _logits_of(self) -> str | None:
        """What the outputs are logits of: "classes", "labels" (multilabel), or None for a regressor's net."""
        if _criterion_is(self.criterion, torch.nn.BCEWithLogitsLoss):  # a sigmoid per label
            return "labels"
        if _criterion_is(self.criterion, (torch.nn.CrossEntropyLoss, PerStepCrossEntropyLoss)):
            return "classes"
        return None

    def _is_classifier(self) -> bool:
        return self._logits_of() is not None

    @property
    def classes_(self) -> np.ndarray:
        """The codes a classifier's net predicts, ``0 .. n_classes - 1``: scikit-learn's scorers read them."""
        if not self._is_classifier() or not hasattr(self, "module_"):
            raise AttributeError("classes_ is known only for a classifier's initialised net")
        return np.arange(self.module_.head.out_features)

    def __sklearn_tags__(self):
        # A scorer such as "roc_auc" asks a classifier for probabilities of
        # the positive class, and anything else for raw values.
        tags = super().__sklearn_tags__()
        if self._is_classifier():
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
        return tags

    def predict_proba(self, X):
        """Class probabilities for a classifier's net, raw outputs for a regressor's.

        sk_rnn predicts through :func:`predict_outputs`; this is what a user's
        skorch scoring callback (``EpochScoring("roc_auc")``) calls, and it
        must read probabilities, as with skorch's ``NeuralNetClassifier``.
        """
        outputs = torch.as_tensor(super().predict_proba(X))
        logits_of = self._logits_of()
        if logits_of == "labels":
            return torch.sigmoid(outputs).numpy()
        if logits_of == "classes":
            return torch.softmax(outputs, dim=-1).numpy()
        return outputs.numpy()

    def predict(self, X):
        """Class codes (multilabel: label indicators) for a classifier's net, raw outputs for a regressor's.

        The codes are those of the targets a scoring callback compares them
        with (the positions in ``classes_``), so ``EpochScoring("accuracy")``
        works as with skorch's ``NeuralNetClassifier``.
        """
        proba = self.predict_proba(X)
        logits_of = self._logits_of()
        if logits_of == "labels":
            return (proba > 0.5).astype(np.int64)
        if logits_of == "classes":
            return proba.argmax(axis=-1)
        return proba

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not isinstance(y_true, tuple):
            return super().get_loss(y_pred, y_true, X=X, training=training)
        # Weighted: the criterion was built with reduction="none".
        target, weights = (to_tensor(part, device=self.device) for part in y_true)
        losses = self.criterion_(y_pred, target)
        return weighted_mean(losses, weights)

    def train_step(self, batch, **fit_params):
        step = super().train_step(batch, **fit_params)
        clamp = getattr(self.module_, "clamp_weights", None)
        if clamp is not None:
            clamp()
        return step

    def evaluation_step(self, batch, training: bool = False):
        if training:
            return super().evaluation_step(batch, training=True)
        # inference_mode skips autograd's version counters: faster than no_grad.
        self.check_is_fitted()
        Xi, _ = batch
        if self.module_.training or self.criterion_.training:
            # train(False) walks every submodule: once, not once per prediction.
            self._set_training(False)
        with torch.inference_mode():
            return self.infer(Xi)


def _criterion_is(criterion: Any, kinds: type | tuple[type, ...]) -> bool:
    """Whether a net's ``criterion`` (a class, or an instance) is one of ``kinds``."""
    return issubclass(criterion, kinds) if isinstance(criterion, type) else isinstance(criterion, kinds)


def is_incremental(net: SequenceNet) -> bool:
    """Whether ``net`` is the one ``partial_fit`` trains an epoch at a time."""
    return bool(getattr(net, "incremental", False))


def module_arguments(net: NeuralNet) -> dict:
    """The keyword arguments the net's module was built with (skorch's ``module__*`` parameters)."""
    return {
        key[len(MODULE_PREFIX) :]: value
        for key, value in net.get_params(deep=False).items()
        if key.startswith(MODULE_PREFIX) and "__" not in key[len(MODULE_PREFIX) :]
    }


def drop_unfinished_epoch(net: NeuralNet) -> bool:
    """Forget the history row of an epoch cut short (Ctrl-C inside it); True if there was one.

    skorch starts an epoch's row before its first batch and records its
    training loss at its end: a row without one is an epoch that never ended.
    """
    if len(net.history) and "train_loss" not in net.history[-1]:
        del net.history[-1]
        return True
    return False


def weighted_mean(losses: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``sum(w * loss) / sum(w)`` over a batch, each sample's (or step's) loss averaged over outputs.

    ``losses`` is ``(n, ...)`` or, per step, ``(n, T, ...)``; ``weights`` is
    ``(n,)`` or ``(n, T)``. A batch whose weights are all zero contributes
    zero loss (and no gradient) instead of a division by zero.
    """
    while losses.dim() > weights.dim():
        losses = losses.mean(dim=-1)
    return (weights * losses).sum() / weights.sum().clamp(min=torch.finfo(weights.dtype).tiny)


def predict_outputs(net: SequenceNet, X: Sequences) -> np.ndarray:
    """Raw outputs of the trained module for every sequence of X, as float64 on the CPU.

    Shape ``(n, n_outputs)``, or ``(n, W, n_outputs)`` with each sequence's
    valid steps first (NaN after them) for per-step outputs.
    """
    batch_size = _prediction_batch_size(net, X.n_steps)
    # Per-step outputs: as wide as the longest sequence (each batch is trimmed to its own).
    width = X.n_steps if X.lengths is None else int(X.lengths.max())
    result = None
    start = 0
    with network_numerics():
        precision = getattr(net, "precision", "float32")
        # Modules saved before scale_in_float64 existed scale in float32.
        wide = getattr(net.module_, "scale_in_float64", False)
        data = ArrayBatches(X, float_dtype=float_dtype(precision), input_dtype=input_dtype(precision, wide))
        for batch, _ in data.batches(batch_size, shuffle=False):
            rows = len(batch["X"])
            missing = 0 if rows == 1 else -rows % _ROW_BLOCK
            if missing:
                batch["X"] = torch.cat([batch["X"], batch["X"].new_zeros((missing, *batch["X"].shape[1:]))])
                if "lengths" in batch:
                    batch["lengths"] = torch.cat([batch["lengths"], batch["lengths"].new_ones(missing)])
            output = net.evaluation_step((batch, None))[:rows].cpu().numpy()
            if result is None:
                shape = (len(X), *output.shape[1:]) if output.ndim == 2 else (len(X), width, output.shape[2])
                result = np.full(shape, np.nan)
            # Copied into one array at once: small output tensors kept in a list
            # until the end pin the allocator's freed working memory, and
            # predicting on 2,000,000 windows then held 500 MiB more. Per-step
            # outputs fill their batch's width; the rest stays NaN.
            result[start : start + rows, : output.shape[1]] = output
            start += rows
    return result


def _prediction_batch_size(net: SequenceNet, n_steps: int) -> int:
    """At least the training batch, at most what keeps one layer's outputs near 16 MiB; whole row blocks."""
    # Sized from the trained module, not from hyperparameters that set_params
    # may have changed since fit.
    step_floats = n_steps * net.module_.head.in_features
    batch_size = max(net.batch_size, min(_MAX_PREDICT_BATCH, _PREDICT_BATCH_FLOATS // step_floats))
    return max(_ROW_BLOCK, batch_size - batch_size % _ROW_BLOCK)
