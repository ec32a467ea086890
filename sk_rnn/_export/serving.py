"""The fitted estimator's computation, from a padded batch to its predictions, as one nn.Module.

What ``predict`` does around the network (unseen token ids, the recurrence
over each sequence's valid steps, softmax and class labels, the target's
units, quantiles and standard deviations, NaN at per-step padding) is moved
into the module here, so that an exported graph needs nothing of sk_rnn.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted
from torch import nn
from torch.nn import functional

from .._base import _BaseRNN
from .._classifiers import _RNNClassifierBase
from .._data.precision import float32_rounds_levels
from .._regressors import _RNNRegressorBase
from .._warnings import warn_at_user_code
from ..modules import RecurrentNetwork, UnpackedRecurrence
from ..modules.heads import MIN_STD, monotone_quantiles

__all__ = ["ServingModule", "check_exportable", "serving_module"]

# The public methods whose computation the exported graph reproduces.
_PREDICTION_METHODS = ("predict", "predict_proba", "predict_quantiles", "_forward")


def check_exportable(estimator: Any, what: str) -> None:
    """Refuse, with the fix, what an exported graph would not reproduce."""
    if not isinstance(estimator, _BaseRNN):
        fix = (
            " Export its final step, pipeline[-1], and run the steps before it (pipeline[:-1]."
            "transform) where the graph is served."
            if hasattr(estimator, "steps")
            else ""
        )
        raise TypeError(
            f"{what} exports a fitted sk_rnn estimator (RNNClassifier, LSTMRegressor, ...), got "
            f"{type(estimator).__name__}.{fix}"
        )
    check_is_fitted(estimator, "net_")
    base = _RNNClassifierBase if is_classifier(estimator) else _RNNRegressorBase
    for method in _PREDICTION_METHODS:
        own = getattr(type(estimator), method, None)
        if own is not None and own is not getattr(base, method, None):
            raise TypeError(
                f"{what} cannot export {type(estimator).__name__}: it overrides {method}, and the "
                f"exported graph computes sk_rnn's {method}, not yours. Export an instance of the "
                "sk_rnn class it derives from, or write the export of your own computation."
            )
    module = estimator.net_.module_
    if type(module) is not RecurrentNetwork:
        raise TypeError(
            f"{what} exports sk_rnn's RecurrentNetwork, but this estimator's network is a "
            f"{type(module).__name__}."
        )


class _ClassifierOutputs(nn.Module):
    """Logits to ``(label, probabilities)``: softmax and the most probable class, or one sigmoid per label."""

    def __init__(self, classes: np.ndarray, multilabel: bool) -> None:
        super().__init__()
        self.multilabel = multilabel
        # String labels cannot be tensors: the graph then returns the class
        # index, and the ONNX export maps it to the label in the graph itself.
        self.numeric_labels = classes.dtype.kind in "biuf" and not multilabel
        self.register_buffer("classes", torch.as_tensor(classes) if self.numeric_labels else torch.empty(0))

    def forward(self, logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.multilabel:
            return (logits > 0).to(torch.int64), torch.sigmoid(logits)
        index = logits.argmax(dim=-1)
        label = self.classes[index] if self.numeric_labels else index
        return label, functional.softmax(logits, dim=-1)


class _RegressorOutputs(nn.Module):
    """Raw head outputs to predictions in the target's units, with quantiles or standard deviations."""

    def __init__(self, estimator: _RNNRegressorBase) -> None:
        super().__init__()
        self.loss, quantiles = estimator._head
        self.n_outputs = int(estimator.n_outputs_)
        self.one_dimensional = bool(estimator._y_was_1d)
        self.median = quantiles.index(0.5) if isinstance(quantiles, tuple) else None
        self.register_buffer("y_mean", torch.as_tensor(estimator._y_mean, dtype=torch.float32))
        self.register_buffer("y_scale", torch.as_tensor(estimator._y_scale, dtype=torch.float32))

    @property
    def names(self) -> tuple[str, ...]:
        if self.loss == "normal":
            return ("prediction", "std")
        return ("prediction", "quantiles") if self.median is not None else ("prediction",)

    def forward(self, raw: torch.Tensor) -> tuple[torch.Tensor, ...]:
        per_target = raw.reshape(*raw.shape[:-1], self.n_outputs, -1)
        if self.loss == "normal":
            point = per_target[..., 0]
            std = (functional.softplus(per_target[..., 1]) + MIN_STD) * self.y_scale
            outputs = (point * self.y_scale + self.y_mean, std)
        elif self.median is not None:
            quantiles = monotone_quantiles(per_target) * self.y_scale.unsqueeze(1) + self.y_mean.unsqueeze(1)
            outputs = (quantiles[..., self.median], quantiles)
        else:
            outputs = (per_target[..., 0] * self.y_scale + self.y_mean,)
        if not self.one_dimensional:
            return outputs
        # Drop the target axis: (..., 1) -> (...) and (..., 1, Q) -> (..., Q).
        return tuple(
            value[..., 0] if index == 0 or self.loss == "normal" else value[..., 0, :]
            for index, value in enumerate(outputs)
        )


class ServingModule(nn.Module):
    """A fitted sk_rnn estimator's predictions from a padded batch, for export.

    ``forward(X, lengths=None)`` takes ``X`` of shape ``(N, T, F)`` (float32),
    or ``(N, T)`` int64 token ids for a network with ``embedding_dim``, each
    sequence's valid steps first, and optionally ``lengths`` (int64, ``(N,)``,
    between 1 and T): the valid steps of each sequence. It returns the tensors
    named in :attr:`output_names`.

    Build one with :func:`serving_module`.
    """

    def __init__(self, estimator: _BaseRNN) -> None:
        super().__init__()
        _warn_if_float32_coarser(estimator)
        # Exported graphs compute in float32, a float64 network's included.
        network = copy.deepcopy(estimator.net_.module_).cpu().float().eval()
        network.record_input_gradients = False
        network.recorded_inputs = None
        # Packed sequences do not survive tracing; the unpacked layers compute
        # the same states from a lengths tensor.
        network.rnn = UnpackedRecurrence(network.rnn)
        self.network = network
        self.per_step = network.output == "sequence"
        self.vocab_size = int(estimator.vocab_size_) if network.embedding is not None else None
        if is_classifier(estimator):
            self.outputs = _ClassifierOutputs(np.asarray(estimator.classes_), estimator._multilabel)
            self.output_names = ("label", "probabilities")
        else:
            self.outputs = _RegressorOutputs(estimator)
            self.output_names = self.outputs.names
        self.requires_grad_(False)
        self.eval()

    def forward(self, X: torch.Tensor, lengths: torch.Tensor | None = None) -> tuple[torch.Tensor, ...]:
        valid = None
        unreadable = None
        if lengths is not None:
            steps = torch.arange(X.shape[1]).unsqueeze(0)
            # A length outside 1..steps is not an input: its row gets NaN
            # outputs, and a length in range for the gathers below, which
            # onnxruntime would otherwise refuse with an index error (or,
            # for 0, answer with a number).
            counted = (steps < lengths.unsqueeze(1)).sum(dim=1)
            unreadable = (lengths < 1) | (counted < lengths)
            lengths = torch.where(unreadable, counted.clamp(min=1), lengths)
            # Whatever the padding holds (the NaN steps of SequencePadder's
            # output, say) must not count: a NaN times a zero mask is NaN, so
            # a sum or maximum over the steps would carry it into every output.
            valid = steps < lengths.unsqueeze(1)
            X = torch.where(valid.view(*valid.shape, *([1] * (X.dim() - 2))), X, torch.zeros_like(X))
        elif X.is_floating_point():
            # Without lengths every step is read, NaN padding included. The
            # runtimes' recurrent operators do not all carry a NaN through
            # (onnxruntime's GRU and LSTM return a finite state), so a row
            # that holds one gets NaN outputs, as predict never returns a
            # number for it.
            unreadable = torch.isnan(X).flatten(1).any(dim=1)
        if self.vocab_size is not None:
            # Ids never seen in fit read as padding's zero vector, as in predict.
            X = torch.where(X.ge(self.vocab_size), torch.zeros_like(X), X).unsqueeze(2)
        results = self.outputs(self.network(X, lengths))
        if unreadable is not None:
            results = tuple(
                torch.where(unreadable.view(-1, *([1] * (value.dim() - 1))), float("nan"), value)
                if value.is_floating_point()
                else value
                for value in results
            )
        if not self.per_step or valid is None:
            return results
        # Padding steps hold NaN, as predict's per-step arrays do (labels: the first class).
        return tuple(
            value
            if not value.is_floating_point()
            else torch.where(valid.view(*valid.shape, *([1] * (value.dim() - 2))), value, float("nan"))
            for value in results
        )


def _warn_if_float32_coarser(estimator: _BaseRNN) -> None:
    """Warn when the graph's float32 inputs or outputs round away digits that ``predict`` keeps."""
    name = type(estimator).__name__
    if isinstance(estimator, _RNNRegressorBase) and float32_rounds_levels(
        estimator._y_mean, estimator._y_scale
    ):
        # predict adds the target's mean in float64; the graph, in float32.
        warn_at_user_code(
            f"The exported graph returns float32, but this {name}'s targets lie so far from zero "
            "relative to their spread that float32 rounds its predictions by up to "
            f"{float(np.max(np.abs(estimator._y_mean))) * 2.0**-24:.3g} (predict adds the targets' "
            "mean in float64), so the graph's predictions will be coarser than predict's. To "
            "export such a model exactly, subtract a constant from y (its mean, say) before "
            "fitting it, and add it back to the graph's outputs.",
            UserWarning,
        )
    if not getattr(estimator.net_.module_, "scale_in_float64", False):
        return
    warn_at_user_code(
        f"The exported graph reads X in float32, but this {name}'s inputs lie so "
        "far from zero relative to their spread that float32 rounds away part of it (predict "
        "standardises them in float64 first), so the graph's predictions will be coarser than "
        "predict's. To export such a model exactly, subtract a constant from those features (their "
        "training mean, say) before fitting it and before calling the graph.",
        UserWarning,
    )


def serving_module(estimator: Any) -> ServingModule:
    """The fitted estimator's predictions as a plain ``torch.nn.Module``, on the CPU, in eval mode.

    The module is what :func:`sk_rnn.export_onnx` and
    :func:`sk_rnn.export_torchscript` write; it holds copies of the trained
    weights, so the estimator is not changed.

    Parameters
    ----------
    estimator : fitted sk_rnn estimator
        A classifier or regressor of sk_rnn.

    Returns
    -------
    ServingModule
        ``module(X, lengths=None)`` returns the tensors named by
        ``module.output_names``.
    """
    check_exportable(estimator, "serving_module")
    return ServingModule(estimator)
