"""Targets: one per sequence (classes or numbers), or one per step (``output="sequence"``).

Per-step targets are laid out like the sequences themselves, ``(n, T, k)``, so
that a batch of targets is cut and aligned exactly as its batch of sequences is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from .._compat import _check_sample_weight_allowing_zeros
from .non_finite import raise_on_non_finite
from .sequences import Sequences, dtype_kinds, is_list_of_sequences, sequence_column_items

__all__ = [
    "check_classification_target",
    "check_consistent_samples",
    "check_regression_target",
    "check_sample_weight",
    "in_float32_range",
    "per_step_layout",
    "per_step_result",
    "valid_aligned",
]


def _name(estimator: Any) -> str:
    return type(estimator).__name__


def _raise_on_non_finite_target(name: str, y: np.ndarray) -> None:
    def message(position: tuple[int, ...], kind: str) -> str:
        where = f"sample {position[0]}" + (f", output {position[1]}" if len(position) == 2 else "")
        return (
            f"{name} got {kind} in y at {where}; y must hold finite values. Drop the samples "
            "whose target is missing, or impute it."
        )

    raise_on_non_finite(y, message)


def check_consistent_samples(estimator: Any, X: Sequences, y: np.ndarray) -> None:
    """Raise a ValueError when X and y hold different numbers of samples."""
    if len(X) != len(y):
        raise ValueError(
            f"{_name(estimator)} needs one target per sequence, but X has {len(X)} "
            f"sequences and y has {len(y)} targets."
        )


def _check_target_present(estimator: Any, y: Any, fix: str = "Pass the targets as fit(X, y).") -> None:
    if y is None:
        raise ValueError(f"{_name(estimator)} requires y to be passed, but the target y is None. {fix}")


def _raise_unless_real_numbers(name: str, values: Any, what: str, fix: str) -> None:
    """Refuse dates, durations, complex numbers and text where real numbers are needed.

    numpy casts dates to ticks since 1970 without a word and drops imaginary
    parts, and text that is not a number fails deep inside with "could not
    convert string to float"; each needs the user's choice, which ``fix`` names.
    """
    kinds = list(dtype_kinds(values).values()) or ["O"]  # a list: its items are checked below
    if any(k in "mM" for k in kinds):
        raise ValueError(f"{name} got dates or durations in {what}, which takes real numbers. {fix}")
    if any(k == "c" for k in kinds):
        # "Complex data not supported" is scikit-learn's wording, which its checks expect.
        raise ValueError(f"{name} got complex numbers in {what}: Complex data not supported. {fix}")
    if not any(k in "OUS" for k in kinds) or is_list_of_sequences(values):
        return  # per-step values of ragged sequences are checked once laid out
    for item in np.asarray(values, dtype=object).ravel():
        try:
            float(item)
        except (TypeError, ValueError):
            raise ValueError(f"{name} got {item!r} in {what}, which takes real numbers. {fix}") from None


def check_regression_target(estimator: Any, y: Any) -> np.ndarray:
    """Return y as a finite float64 array of shape (n_samples,) or (n_samples, n_outputs)."""
    _check_target_present(estimator, y)
    _raise_unless_real_numbers(
        _name(estimator),
        y,
        "y",
        "A regressor predicts numbers: convert y to numbers (elapsed time in a unit for dates, the "
        "real and imaginary parts as two targets for complex values), or use a classifier for labels.",
    )
    y = check_array(
        y, ensure_2d=False, dtype=np.float64, ensure_all_finite=False, input_name="y", estimator=estimator
    )
    if y.ndim not in (1, 2):
        raise ValueError(
            f"{_name(estimator)} expects y of shape (n_samples,) or (n_samples, n_outputs), "
            f"but y has shape {y.shape}."
        )
    _raise_on_non_finite_target(_name(estimator), y)
    return y


def check_classification_target(estimator: Any, y: Any) -> np.ndarray:
    """Return y as a 1-D array of class labels with at least two classes."""
    _check_target_present(estimator, y)
    try:
        y = column_or_1d(y, warn=True)
    except ValueError as error:
        shape = _shape_or_none(y)
        if shape is None or len(shape) != 2:
            raise
        # Label indicator matrices (0/1 columns) never reach here: they are multilabel.
        raise ValueError(
            f"{_name(estimator)} takes one label per sample, or a label indicator matrix (0/1 "
            f"columns) for multilabel y, but y has shape {shape} with other labels than 0 and 1 "
            "(one class per column and sample). Fit one classifier per column, for instance with "
            "sklearn.multioutput.MultiOutputClassifier."
        ) from error
    if y.dtype.kind == "f":
        _raise_on_non_finite_target(_name(estimator), y)
    elif y.dtype.kind == "O":
        # None or pd.NA among labels would fail inside numpy's sort of the classes.
        missing = np.flatnonzero(pd.isna(y))
        if len(missing):
            raise ValueError(
                f"{_name(estimator)} got a missing label ({y[missing[0]]!r}) in y at sample "
                f"{missing[0]}; every sequence needs a label. Drop the samples whose label is missing."
            )
        _refuse_mixed_label_types(_name(estimator), y)
    check_classification_targets(y)
    return y


def _refuse_mixed_label_types(name: str, y: np.ndarray) -> None:
    """Refuse labels of strings and numbers together, which scikit-learn calls "unknown"."""
    is_text = np.fromiter((isinstance(label, str) for label in y), dtype=bool, count=len(y))
    if is_text.any() and not is_text.all():
        text, other = y[np.argmax(is_text)], y[np.argmin(is_text)]
        raise ValueError(
            f"{name} got labels that mix strings and other values in y ({text!r} and {other!r}, "
            "say); the labels must be all strings or all numbers, to be sorted into classes_. "
            "Convert them to one type, for instance every label to a string with astype(str)."
        )


def _shape_or_none(y: Any) -> tuple[int, ...] | None:
    """The shape of y as an array, or None when it has none (nested lists of different lengths)."""
    try:
        return np.asarray(y).shape
    except ValueError:
        return None


def check_sample_weight(
    estimator: Any, sample_weight: Any, X: Sequences, *, per_step: bool
) -> np.ndarray | None:
    """Non-negative finite weights, not all zero: ``(n,)``, or ``(n, T)`` in X's layout per step.

    With ``per_step`` (``output="sequence"``), weights may be given per
    sequence ``(n,)``, applying to each of its steps, or per step like y:
    ``(n, T)`` or a list of ``(T_i,)`` arrays. Padding steps get weight 0.
    """
    if sample_weight is None:
        return None
    name = _name(estimator)
    if per_step and (items := sequence_column_items(sample_weight)) is not None:
        sample_weight = items  # a pandas column of per-step weights, as y may be given
    _raise_unless_real_numbers(
        name, sample_weight, "sample_weight", "Give each sample a weight of 0 or more, as a number."
    )
    per_sequence = not per_step or (
        not is_list_of_sequences(sample_weight) and np.asarray(sample_weight).ndim == 1
    )
    if not per_sequence:
        layout, _ = per_step_layout(estimator, sample_weight, X, what="sample_weight")
        valid = X.valid_steps()
        weights = np.zeros(valid.shape)
        weights[valid] = np.asarray(layout[valid][:, 0], dtype=np.float64)
        raise_on_non_finite(
            weights,
            lambda position, kind: (
                f"{name} got {kind} in sample_weight at sample {position[0]}, step {position[1]}."
            ),
        )
        if (weights < 0).any():
            raise ValueError(f"{name} got negative sample weights; weights must be at least 0.")
    else:
        if not np.isscalar(sample_weight):
            # scikit-learn's "Input sample_weight contains NaN." names neither
            # the estimator nor the sample (a pd.NA of a Float64 column reads as NaN).
            sample_weight = check_array(
                sample_weight,
                ensure_2d=False,
                dtype=np.float64,
                ensure_all_finite=False,
                input_name="sample_weight",
            )
            raise_on_non_finite(
                sample_weight,
                lambda position, kind: (
                    f"{name} got {kind} in sample_weight at sample {position[0]}; every sample needs a "
                    "finite weight of 0 or more. Give the missing weights a value (0 leaves a sample out)."
                ),
            )
        weights = _check_sample_weight_allowing_zeros(
            sample_weight, np.empty((len(X), 1)), dtype=np.float64, ensure_non_negative=True
        )
        if per_step:
            weights = np.where(X.valid_steps(), weights[:, np.newaxis], 0.0)
    if not weights.any():
        raise ValueError(
            f"{name} got sample weights that are all zero: at least one sample needs a positive "
            "weight to learn from."
        )
    return weights


def in_float32_range(weights: np.ndarray | None) -> np.ndarray | None:
    """The weights times the power of two that brings the largest into [0.5, 1).

    Every loss and statistic they weigh is a ratio (``sum(w * loss) / sum(w)``),
    which a power of two leaves exactly as it was. But the network computes in
    float32, where weights above about 3e38 overflow and weights below about
    1e-45 vanish: a weight of 1e-50 on every sequence trained on a loss of 0.
    """
    if weights is None:
        return None
    _, exponent = np.frexp(weights.max())  # 0 for all-zero weights, refused later
    return np.ldexp(weights, -exponent)


# -- one target per step ------------------------------------------------------------


_EXPECTED = (
    "y of shape (n_samples, n_timesteps) or (n_samples, n_timesteps, n_outputs), or a list "
    "with one (T_i,) or (T_i, n_outputs) array per sequence"
)


def per_step_layout(estimator: Any, y: Any, X: Sequences, *, what: str = "y") -> tuple[np.ndarray, bool]:
    """Return y as an array ``(n, T, k)`` in the layout of ``X.values``, and whether it had no k axis.

    Values at padding steps are unspecified; callers fill them.
    """
    name = type(estimator).__name__
    _check_target_present(estimator, y, f"Pass {_EXPECTED}.")
    empty = X.empty_texts()
    if empty.size:
        # Its one step is padding: there is nothing to tag, and no target to train on.
        raise ValueError(
            f"{name} with output='sequence' got an empty text (no token) at position "
            f"{int(empty[0])} of X ({empty.size} in all): a per-step model has no step of it to "
            "train on or score. Drop the empty texts and their targets, e.g. keep = [len(x) > 0 "
            "for x in X]; predict gives an empty array for an empty text."
        )
    n, n_steps = len(X), X.n_steps
    lengths, starts = X.step_counts(), X.first_steps()
    noun = "target" if what == "y" else what  # as the messages name it
    # A pandas column of per-step arrays (one row per sequence) is the list of them, as X's is.
    y = y if (items := sequence_column_items(y)) is None else items
    if is_list_of_sequences(y) and (X.from_list or X.lengths is not None):
        if len(y) != n:
            raise ValueError(
                f"{name} needs one {noun} sequence per sequence, but X has {n} and {what} has {len(y)}."
            )
        items = [np.asarray(item) for item in y]
        no_k_axis = items[0].ndim == 1
        k = 1 if no_k_axis else items[0].shape[1]
        dtype = np.result_type(*[item.dtype for item in items])
        if dtype.kind in "USO":
            dtype = np.dtype(object)
        layout = np.zeros((n, n_steps, k), dtype=dtype)
        for i, item in enumerate(items):
            item = item.reshape(len(item), -1)
            if len(item) != lengths[i] or item.shape[1] != k:
                raise ValueError(
                    f"{name} needs one {noun} per step: sequence {i} of X has {lengths[i]} steps, but "
                    f"its {noun}s have shape {np.shape(y[i])}."
                )
            layout[i, starts[i] : starts[i] + lengths[i]] = item
        return layout, no_k_axis
    y = np.asarray(y)
    if y.ndim not in (2, 3) or y.shape[0] != n or y.shape[1] != n_steps:
        # A panel's steps are its rows: a Series indexed as X is says which step each value is.
        panel = (
            f" For a panel, pass {what} as a Series indexed by (instance, time), as X is."
            if X.instances is not None
            else ""
        )
        if what != "y":  # weights: the same layout, without targets' k axis
            raise ValueError(
                f"{name} with output='sequence' needs one {what} per step: an array of shape "
                f"(n_samples, n_timesteps), matching X's {n} sequences of {n_steps} steps, or a list "
                f"with one (T_i,) array per sequence; got {what} of shape {y.shape}.{panel} Or "
                "pass one weight per sequence, of shape (n_samples,), for each of its steps."
            )
        raise ValueError(
            f"{name} with output='sequence' needs one target per step: {_EXPECTED}, matching X's "
            f"{n} sequences of {n_steps} steps; got {what} of shape {y.shape}.{panel} For one target "
            "per sequence, use output='last', 'mean' or 'max'."
        )
    no_k_axis = y.ndim == 2
    return (y[:, :, np.newaxis] if no_k_axis else y), no_k_axis


def per_step_result(X: Sequences, aligned: np.ndarray) -> np.ndarray | list[np.ndarray]:
    """Per-step predictions ``(n, W, ...)`` (valid steps first) in the form the user expects.

    An array ``(n, T, ...)`` when every sequence has all ``T`` steps and X was an
    array; otherwise a list with one ``(T_i, ...)`` array per sequence.
    """
    empty = X.empty_texts()
    if X.lengths is None and not X.from_list and not empty.size:
        return aligned
    lengths = X.step_counts().copy()
    lengths[empty] = 0  # an empty text's one step is padding: it has no prediction
    return StepPredictions(aligned[i, :length] for i, length in enumerate(lengths))


class StepPredictions(list):
    """Per-step predictions as a list of one array per sequence, which says why it makes no array.

    numpy refuses to join arrays of different lengths into one with an
    "inhomogeneous shape" error that names neither the cause nor the way
    round it; scikit-learn's ``cross_val_predict`` meets it when it joins the
    folds' predictions, and its scorers when they read the predictions'
    ``shape``. Of sequences of one length, the list makes the array numpy
    would make of a plain list, and has its shape.
    """

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        self._check_one_length()
        return np.array(list(self), dtype=dtype)

    @property
    def shape(self) -> tuple[int, ...]:
        # An AttributeError, as for a list: hasattr(predictions, "shape") stays False.
        try:
            self._check_one_length()
        except ValueError as error:
            raise AttributeError(str(error)) from None
        return (len(self), *np.shape(self[0])) if len(self) else (0,)

    def _check_one_length(self) -> None:
        shapes = {np.shape(item) for item in self}
        if len(shapes) > 1:
            lengths = sorted({shape[0] for shape in shapes})
            raise ValueError(
                "Per-step predictions (output='sequence') of sequences of different lengths "
                f"({lengths[0]} to {lengths[-1]} steps) make no single array: they come as a list "
                "of one array per sequence. scikit-learn's tools that read them as one array "
                "cannot take them: cross_val_predict (loop over the folds, KFold's split, and keep "
                "each fold's list, as the user guide shows) and scorers such as scoring='accuracy' "
                "or 'neg_log_loss' (search with the estimator's own score, scoring=None, which "
                "scores every step). To compare them with targets, join the steps with "
                "np.concatenate(predictions)."
            )


def valid_aligned(X: Sequences, width: int) -> np.ndarray:
    """Mask ``(n, width)`` of the valid steps once they are moved to the front."""
    lengths = X.step_counts()
    return np.arange(width) < lengths[:, np.newaxis]
