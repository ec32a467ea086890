"""Parsing X for an estimator: arrays, tables, ragged lists, panels and token ids.

:func:`check_sequences` reads every numeric form of X into
:class:`~sk_rnn._data.sequences.Sequences` and keeps scikit-learn's
bookkeeping (``n_features_in_``, ``feature_names_in_``). Every message names
the estimator, what was expected, what was received and the fix, and is
checked in ``tests/test_errors.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array, validate_data

from .._compat import _check_feature_names, _check_n_features
from .._warnings import warn_at_user_code
from .arrays import as_array, from_padded_array, from_ragged_list, raise_on_non_finite_in_list
from .non_finite import raise_on_non_finite
from .panels import is_panel, object_numbers_as_floats, panel_sequences
from .sequences import (
    Sequences,
    dtype_kinds,
    from_polars_sequences,
    is_list_of_sequences,
    is_sequence_item,
    sequence_column_items,
)
from .tokens import from_token_ids, holds_strings

# 3-D arrays of these dtypes are kept as given (views of long series stay
# views); batches are converted to float32 one at a time.
_KEPT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

__all__ = [
    "as_list_of_sequences",
    "check_sequences",
    "check_token_ids",
    "features_per_step",
    "raise_on_times_or_complex",
]

_SHAPES = (
    "a 2-D array (n_samples, n_timesteps) of univariate sequences, a 3-D array "
    "(n_samples, n_timesteps, n_features) or a list of (n_timesteps_i, n_features) arrays"
)


def _name(estimator: Any) -> str:
    return type(estimator).__name__


def _ndim(name: str, X: Any) -> int:
    """Number of dimensions of X without copying it when it already has a shape."""
    if hasattr(X, "iloc"):  # pandas: a DataFrame is a 2-D table
        return X.ndim
    shape = getattr(X, "shape", None)
    if shape is not None:
        return len(shape)
    try:
        return np.asarray(X).ndim
    except ValueError as error:  # nested lists whose items differ in shape
        raise ValueError(f"{name} got {_inhomogeneous_message(X)}") from error


def _inhomogeneous_message(X: Any) -> str:
    """Why numpy could not stack X: sequences of one length whose steps differ, or nested lengths."""
    if is_list_of_sequences(X) and len({len(sequence) for sequence in X}) == 1:
        # Ragged lists take another path: these sequences have one length,
        # so it is the steps that differ.
        first = None
        for i, sequence in enumerate(X):
            try:
                shape = np.shape(sequence)
            except ValueError:
                return (
                    f"a sequence whose steps have different numbers of features (sequence {i} of X); "
                    "every step of every sequence must have the same features."
                )
            first = shape if first is None else first
            if shape != first:
                # Same first axis, different second: cases stored (channels, timepoints).
                channel_first = len(shape) == len(first) == 2 and shape[0] == first[0]
                return (
                    f"sequences with different numbers of features per step: sequence 0 has "
                    f"shape {first}, sequence {i} has shape {shape}. Every sequence must have the "
                    "same features per step."
                    + (
                        " If each sequence is stored channels first, (channels, timepoints), as "
                        "aeon and sktime store them, pass [x.T for x in X]."
                        if channel_first
                        else ""
                    )
                )
    return (
        f"sequences of different lengths in X, but {_SHAPES} of equal-length "
        "sequences is required. Pad the sequences to a common length first."
    )


def _warn_if_one_step(name: str, shape: tuple[int, ...], *, reset: bool) -> None:
    """Warn at fit about 3-D X of one step and several features: likely stored channels first."""
    if reset and shape[1] == 1 and shape[2] > 1:
        warn_at_user_code(
            f"{name} got X of shape {shape}: sequences of a single step with {shape[2]} features "
            "each, so the recurrence reads one step. If X is stored channels first, (n_samples, "
            "n_channels, n_timepoints), as aeon and sktime store it, pass X.transpose(0, 2, 1).",
            UserWarning,
        )


def _raise_on_nan_in_table(name: str, X: np.ndarray) -> None:
    """A 2-D X is a plain numeric table: NaN or inf anywhere is an error."""
    raise_on_non_finite(
        X,
        lambda position, kind: (
            f"{name} got {kind} in X at sample {position[0]}, step {position[1]}. A 2-D X is a table "
            "of equal-length univariate sequences and must hold finite numbers: impute missing "
            "values first (for instance with sklearn.impute.SimpleImputer). For univariate "
            "sequences of different lengths, pass a list of 1-D arrays, or a 3-D array (n_samples, "
            "n_timesteps, 1) whose padding steps are NaN."
        ),
    )


def as_list_of_sequences(name: str, X: Any) -> Any:
    """X itself, or a list of sequences when X holds them in a pandas or object container.

    A pandas Series or 1-D object array whose items are arrays (a column of
    recordings) is the list of those arrays. A DataFrame whose cells are
    sequences (sktime's "nested_univ": one column per channel, one row per
    case) is one ``(T_i, n_columns)`` array per row.
    """
    X = from_polars_sequences(name, X)
    items = sequence_column_items(X)
    if items is not None:
        return items
    if not (isinstance(X, pd.DataFrame) and len(X) and len(X.columns)):
        return X
    nested = [values.dtype.kind == "O" and is_sequence_item(values.iloc[0]) for _, values in X.items()]
    if not any(nested):
        return X
    if not all(nested):
        static = [column for column, held in zip(X.columns, nested, strict=True) if not held]
        raise ValueError(
            f"{name} got a DataFrame of sequences (one column per channel, one row per sequence) "
            f"whose columns {static} hold single values. Every column must hold a sequence: drop "
            "those columns, or repeat each value along its row's sequence."
        )
    rows = []
    for position, cells in enumerate(X.itertuples(index=False)):
        lengths = {len(cell) if is_sequence_item(cell) else None for cell in cells}
        if len(lengths) != 1 or None in lengths:
            raise ValueError(
                f"{name} got a DataFrame of sequences (one column per channel, one row per "
                f"sequence), but the cells of row {position} are not sequences of one length "
                f"({sorted(lengths, key=str)}). Every channel of a sequence needs a value at every step."
            )
        rows.append(np.column_stack([np.asarray(cell, dtype=np.float64) for cell in cells]))
    return rows


def _is_ragged_list(X: Any) -> bool:
    """A list or tuple of sequences that do not all have the same length."""
    return is_list_of_sequences(X) and len({len(sequence) for sequence in X}) > 1


def _is_list_of_1d_arrays(X: Any) -> bool:
    """A list or tuple of 1-D arrays: univariate sequences, even when their lengths happen to agree.

    Stacked, they would read as a 2-D table whose columns are the steps, and
    predict would then refuse sequences of another length. Nested Python
    lists of numbers stay what they are in scikit-learn, a table.
    """
    return (
        isinstance(X, (list, tuple))
        and len(X) > 0
        and all(isinstance(item, np.ndarray) and item.ndim == 1 for item in X)
    )


def features_per_step(estimator: Any) -> int:
    """The features each step of a fitted estimator's sequences holds.

    ``n_features_in_`` counts a 2-D table's columns, which are its steps: a
    model fitted on one reads one value per step.
    """
    return 1 if estimator._fitted_on_2d else estimator.n_features_in_


def _record_or_check_step_features(estimator: Any, n_features: int, *, reset: bool) -> None:
    """Bookkeeping of features per step for 3-D arrays and ragged lists."""
    name = _name(estimator)
    if reset:
        estimator.n_features_in_ = n_features
        estimator._fitted_on_2d = False
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    expected = features_per_step(estimator)
    if n_features != expected:
        raise ValueError(
            f"{name} was fitted on sequences with {expected} "
            f"feature{'s' if expected != 1 else ''} per step, but X has "
            f"{n_features} features per step. Pass X of shape "
            f"(n_samples, n_timesteps, {expected})."
        )


def check_sequences(estimator: Any, X: Any, *, reset: bool, table_dtype: Any = np.float32) -> Sequences:
    """Validate X and return it as :class:`~sk_rnn._data.sequences.Sequences`.

    With ``reset=True`` (in ``fit``) this records ``n_features_in_`` (the
    columns of a 2-D X, the features per step of a 3-D X or a ragged list),
    ``feature_names_in_`` for DataFrames, and whether X was 2-D. With
    ``reset=False`` it checks X against what ``fit`` recorded. ``table_dtype``
    is the dtype (or list of accepted dtypes) a 2-D X is converted to.
    """
    # Overflow in a cast to float32 shows up as inf, which is reported with its
    # position; numpy's own RuntimeWarning would only repeat it.
    with np.errstate(over="ignore", invalid="ignore"):
        return _check_sequences(estimator, X, reset=reset, table_dtype=table_dtype)


def _list_of_frames(X: Any) -> list[pd.DataFrame] | None:
    """X's items, when X is a non-empty list or tuple of DataFrames (one sequence each)."""
    if isinstance(X, list | tuple) and X and all(isinstance(item, pd.DataFrame) for item in X):
        return list(X)
    return None


def _check_frames_share_columns(name: str, frames: list[pd.DataFrame]) -> None:
    """Refuse sequences whose columns differ: a feature would be read as another."""
    first = list(frames[0].columns)
    for position, frame in enumerate(frames[1:], start=1):
        if list(frame.columns) != first:
            raise ValueError(
                f"{name} got a list of DataFrames whose columns differ: sequence {position} has "
                f"{list(frame.columns)}, sequence 0 has {first}. Give every sequence the same "
                f"columns in the same order (frame[{first!r}] reorders one)."
            )


def _holds_text(X: Any) -> bool:
    if isinstance(X, pd.DataFrame):  # look into object columns
        return any(
            X[column].head(100).map(lambda value: isinstance(value, str)).any()
            for column, dtype in X.dtypes.items()
            if dtype.kind in "USO"
        )
    try:
        first = np.asarray(X[0] if isinstance(X, (list, tuple)) and X else X)
    except (ValueError, TypeError, IndexError, KeyError):
        return False
    return holds_strings(first, limit=100)


def _check_panel(estimator: Any, X: Any, *, reset: bool) -> Sequences:
    """A DataFrame indexed by (instance, time): one sequence per instance."""
    arrays, instances, step_index = panel_sequences(_name(estimator), X, reset=reset)
    fitted_on_2d = not reset and estimator._fitted_on_2d
    if fitted_on_2d:
        raise ValueError(
            f"{_name(estimator)} was fitted on a 2-D table of univariate sequences, but X is a panel "
            "(a DataFrame indexed by instance and time). Fit on a panel to predict on panels."
        )
    # Columns are the features of every step: scikit-learn's bookkeeping of
    # n_features_in_ and feature_names_in_ applies to them as to a table.
    validate_data(estimator, X, reset=reset, skip_check_array=True)
    if reset:
        estimator._fitted_on_2d = False
    sequences = from_ragged_list(_name(estimator), arrays)
    return dataclasses.replace(sequences, instances=instances, step_index=step_index)


def raise_on_times_or_complex(name: str, X: Any, argument: str = "X") -> None:
    """Refuse dates, durations and complex numbers, which numpy would cast to numbers without a word.

    numpy reads datetime64 as ticks since 1970 in its own unit (a float32 date
    in nanoseconds keeps about a minute's resolution) and pandas refuses a
    table mixing dates and floats with a DTypePromotionError; complex values
    would lose their imaginary part. Each needs a choice only the user can make.
    ``argument`` names X in the message, as the caller's signature does.
    """
    for column, kind in dtype_kinds(X).items():
        if kind not in "mMc":
            continue
        where = argument if column is None else f"column {column!r} of {argument}"
        if kind == "c":
            raise ValueError(
                # "Complex data not supported" is scikit-learn's wording, which its checks expect.
                f"{name} got complex numbers in {where}: Complex data not supported. Give the real and "
                "imaginary parts (or magnitude and phase) as features of their own, for instance "
                "np.concatenate([X.real, X.imag], axis=-1)."
            )
        what = "dates (datetime64)" if kind == "M" else "durations (timedelta64)"
        raise ValueError(
            f"{name} got {what} in {where}, but it reads numbers. Turn them into numeric features "
            "first: the time elapsed in a unit of your choice (for instance (t - t0) / "
            "np.timedelta64(1, 'D') for days), or calendar features (hour, day of the week). "
            "Steps of a sequence need no time column: their order is their time."
        )


def _is_plain_float_array(X: Any) -> bool:
    """A non-empty 3-D float32/float64 ndarray: what check_array would hand back unchanged."""
    return type(X) is np.ndarray and X.ndim == 3 and X.dtype in _KEPT_DTYPES and X.size > 0


def _is_plain_float_table(X: Any) -> bool:
    """A non-empty, 2-D float32/float64 ndarray, read as univariate sequences."""
    return type(X) is np.ndarray and X.ndim == 2 and X.dtype in _KEPT_DTYPES and X.size > 0


def _in_table_dtype(X: np.ndarray, table_dtype: Any) -> np.ndarray:
    """X converted as check_array(dtype=table_dtype) converts it: kept if its dtype is accepted."""
    dtypes = table_dtype if isinstance(table_dtype, (list, tuple)) else [table_dtype]
    accepted = [np.dtype(dtype) for dtype in dtypes]
    return X if X.dtype in accepted else X.astype(accepted[0])


def _check_sequences(estimator: Any, X: Any, *, reset: bool, table_dtype: Any) -> Sequences:
    name = _name(estimator)
    if _is_plain_float_array(X):
        # check_array's probes (dataframe libraries, sparse formats, dtype
        # conversions) cost more than predicting one sequence; every check
        # that applies to such an array (features, NaN, inf, float32 range)
        # still runs.
        _record_or_check_step_features(estimator, X.shape[2], reset=reset)
        _warn_if_one_step(name, X.shape, reset=reset)
        return from_padded_array(name, X)
    X = object_numbers_as_floats(from_polars_sequences(name, X))
    raise_on_times_or_complex(name, X)
    if is_panel(X):
        return _check_panel(estimator, X, reset=reset)
    if isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex):
        # Read as a plain table, its rows would each become a sequence.
        raise ValueError(
            f"{name} got a DataFrame with a {X.index.nlevels}-level index "
            f"{list(X.index.names)}, but a panel needs exactly two levels: instance, then time. "
            "Join the levels that name a sequence into one, for instance X.index = "
            "pd.MultiIndex.from_arrays([X.index.droplevel(-1).to_flat_index(), "
            "X.index.get_level_values(-1)]), or pass a plain index for a table of one sequence "
            "per row."
        )
    frames = _list_of_frames(X)
    if frames:
        # The columns are the channels, as a panel's are: named once for all
        # sequences, recorded in fit and checked in predict (after the
        # sequences, whose bookkeeping starts afresh in fit).
        _check_frames_share_columns(name, frames)
        arrays = [as_array(frame) for frame in frames]
        sequences = _check_sequences(estimator, arrays, reset=reset, table_dtype=table_dtype)
        _check_feature_names(estimator, frames[0], reset=reset)
        return sequences
    converted = as_list_of_sequences(name, X)
    if isinstance(X, pd.DataFrame) and converted is not X:
        sequences = _check_sequences(estimator, converted, reset=reset, table_dtype=table_dtype)
        # The columns are the channels: their names are recorded and checked as a table's are.
        _check_feature_names(estimator, X, reset=reset)
        return sequences
    X = converted
    if _holds_text(X):
        raise ValueError(
            f"{name} got text in X, but it reads numbers. Encode texts as token ids first and "
            "set embedding_dim, for instance make_pipeline(sk_rnn.preprocessing.SequenceVectorizer(), "
            f"{name}(embedding_dim=32)); encode a column of categories as integer codes "
            "(sklearn.preprocessing.OrdinalEncoder, or pandas.factorize) and name it in "
            "categorical_features."
        )
    if _is_ragged_list(X) or _is_list_of_1d_arrays(X):
        sequences = from_ragged_list(name, X)
        _record_or_check_step_features(estimator, sequences.n_features, reset=reset)
        return sequences
    # Per-step predictions come back as a list when X is one, whatever its lengths.
    from_list = is_list_of_sequences(X)
    ndim = _ndim(name, X)
    if ndim == 2:
        fitted_on_3d = not reset and not estimator._fitted_on_2d
        if fitted_on_3d and estimator.n_features_in_ != 1:
            raise ValueError(
                f"{name} was fitted on sequences with {estimator.n_features_in_} features "
                f"per step, but X is 2-D, which is read as univariate sequences (1 feature "
                f"per step). Pass X as a 3-D array (n_samples, n_timesteps, "
                f"{estimator.n_features_in_})."
            )
        if fitted_on_3d:
            # A univariate model fitted on 3-D data reads any 2-D X as sequences.
            X = check_array(
                X, dtype=table_dtype, ensure_all_finite=False, input_name="X", estimator=estimator
            )
        elif not reset and _is_plain_float_table(X):
            # What validate_data checks of a plain float table (column names and
            # count), without its probes of dataframe libraries: they cost more
            # than predicting one sequence.
            _check_feature_names(estimator, X, reset=False)
            _check_n_features(estimator, X, reset=False)
            X = _in_table_dtype(X, table_dtype)
        else:
            X = validate_data(estimator, X, reset=reset, dtype=table_dtype, ensure_all_finite=False)
            if reset:
                estimator._fitted_on_2d = True
        _raise_on_nan_in_table(name, X)
        return Sequences(X[:, :, np.newaxis])
    if ndim == 3:
        # float32 and float64 arrays are kept as they are (views of long series
        # stay views); batches are converted to float32 one at a time.
        if isinstance(X, list | tuple):
            # check_array casts a list to the first dtype offered, float32: a
            # list of float64 sequences of one length lost the digits that the
            # same list of other lengths, or a 3-D array, keeps (see
            # float32_loses_spread). As an array it keeps its own dtype.
            X = np.asarray([as_array(sequence) for sequence in X])
            raise_on_non_finite_in_list(name, X)
        X = check_array(
            X,
            # Kept if float32 or float64; anything else (integers: ids, Unix
            # times beyond float32's 2**24) is read as float64.
            dtype=[np.float64, np.float32],
            allow_nd=True,
            ensure_all_finite=False,
            input_name="X",
            estimator=estimator,
        )
        _, n_steps, n_features = X.shape
        if n_steps == 0 or n_features == 0:
            raise ValueError(
                f"{name} needs at least one time step and one feature per step, but X has shape {X.shape}."
            )
        _record_or_check_step_features(estimator, n_features, reset=reset)
        _warn_if_one_step(name, X.shape, reset=reset)
        return dataclasses.replace(from_padded_array(name, X), from_list=from_list)
    received = "a scalar" if ndim == 0 else f"a {ndim}-D array of shape {np.shape(X)}"
    hint = ""
    if ndim == 0 and isinstance(X, Iterator):
        received, hint = f"an iterator ({type(X).__name__})", " Pass list(X), a list of sequences."
    if ndim == 1:
        hint = (
            " Reshape your data: X.reshape(1, -1) for one univariate sequence; a long "
            "series must first be cut into windows (one row per window)."
        )
    raise ValueError(f"{name} expects X as {_SHAPES}, but got {received}.{hint}")


def check_token_ids(estimator: Any, X: Any, *, reset: bool) -> Sequences:
    """Validate integer token ids (``embedding_dim`` set): one id per step, 0 for padding."""
    sequences = from_token_ids(_name(estimator), from_polars_sequences(_name(estimator), X))
    if reset:
        # One id per step, as a univariate 3-D X: any length is accepted at predict.
        _record_or_check_step_features(estimator, 1, reset=True)
    return sequences
