"""Reading pandas panels (a DataFrame indexed by (instance, time), one sequence per instance).

Building a panel from a long table is public: :func:`sk_rnn.preprocessing.long_to_panel`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._warnings import warn_at_user_code
from .non_finite import raise_on_non_finite
from .times import as_pandas_times

__all__ = [
    "align_target",
    "as_pandas",
    "check_level_order",
    "check_target_rows",
    "has_panel_index",
    "holds_numbers",
    "is_panel",
    "object_numbers_as_floats",
    "panel_instances",
    "panel_sequences",
    "raise_on_missing_periods",
    "raise_on_non_numeric_columns",
    "series_positions",
    "shown_label",
    "target_names",
]


def is_panel(X: Any) -> bool:
    """A DataFrame whose index has two levels: instance, then time."""
    return isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex) and X.index.nlevels == 2


def has_panel_index(X: Any) -> bool:
    """A pandas object (panel, or target Series) indexed by (series, time)."""
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        return False
    return isinstance(X.index, pd.MultiIndex) and X.index.nlevels == 2


def raise_on_missing_periods(
    name: str, times: pd.PeriodIndex, codes: np.ndarray | None = None, labels: Any = None
) -> None:
    """Refuse sorted periods with some absent: the rows would be read as consecutive steps.

    With ``codes`` (each time's series as an integer, the times sorted within
    each series) only jumps within a series count; ``labels`` name the series.
    """
    jumps = np.diff(times.asi8) != times.freq.n
    if codes is not None:
        jumps &= codes[1:] == codes[:-1]
    if not jumps.any():
        return
    first = int(np.argmax(jumps))
    where = "" if labels is None else f" (series {shown_label(labels[first])})"
    raise ValueError(
        f"{name} got a time index with missing periods{where}: {times[first]} is followed by "
        f"{times[first + 1]}, and rows are read as consecutive steps. Add the missing times first "
        "and impute their values (for instance frame.reindex(pd.period_range(start, end, "
        "freq=...)).interpolate())."
    )


def series_positions(name: str, index: pd.MultiIndex, *, warn: bool = True) -> list[np.ndarray]:
    """Row positions of each series of a (series, time) index, each in time order.

    The rows themselves may come in any order (sorted by time first, say):
    the transformers of a panel compute each series on its own and write the
    result back to the rows it came from, so their output stays row-aligned.
    ``warn=False`` leaves out the warning of :func:`check_level_order` (a
    transformer warns at ``fit``, not again at ``transform``); what it
    refuses is refused either way.
    """
    if index.has_duplicates:
        duplicate = ", ".join(str(level) for level in index[index.duplicated()][0])
        raise ValueError(
            f"{name} got the (series, time) pair ({duplicate}) twice; each series may have one row "
            "per time. Aggregate duplicates first (for instance frame.groupby(level=[0, 1]).mean())."
        )
    check_level_order(name, index, warn=warn)
    series_codes = pd.factorize(index.get_level_values(0))[0]
    time_ranks = pd.factorize(index.get_level_values(1), sort=True)[0]
    order = np.lexsort((time_ranks, series_codes))
    boundaries = np.flatnonzero(np.diff(series_codes[order])) + 1
    times = index.get_level_values(1)
    if isinstance(times, pd.PeriodIndex):
        raise_on_missing_periods(name, times[order], series_codes[order], index.get_level_values(0)[order])
    return np.split(order, boundaries)


def check_target_rows(name: str, X: Any, y: Any) -> None:
    """Refuse a panel X and a panel y whose rows are not the same (series, time) pairs in the same order.

    The target is read row by row, as scikit-learn reads it, so a y in another
    order (a panel sorted by time after its lead_target was taken) would pair
    each row with another row's future: fitted without an error, and wrong.
    """
    if not (has_panel_index(X) and has_panel_index(y)) or len(X) != len(y) or X.index.equals(y.index):
        return  # lengths that differ are refused by validate_data, in scikit-learn's words
    row = next(i for i, (x_row, y_row) in enumerate(zip(X.index, y.index, strict=True)) if x_row != y_row)
    shown = [f"({', '.join(shown_label(level) for level in index[row])})" for index in (X.index, y.index)]
    raise ValueError(
        f"{name} got X and y indexed by (series, time) but not row for row: row {row} of X is "
        f"{shown[0]} and of y {shown[1]}, so rows would be paired with another row's target. "
        "Select X by y's rows (X.loc[y.index]), or y by X's (y.loc[X.index])."
    )


def _holds_times(level: pd.Index) -> bool:
    """Dates or periods: what a panel's time level holds, and a stacked wide frame's first."""
    return pd.api.types.is_datetime64_any_dtype(level) or isinstance(level.dtype, pd.PeriodDtype)


def check_level_order(
    name: str, index: pd.MultiIndex, *, forecasting: bool = True, warn: bool = True
) -> None:
    """Refuse (or warn about) a panel index whose times come first.

    pandas' ``stack()`` of a wide frame (one column per series) gives
    (time, series): read as (series, time), every date would be a series and
    every forecast would read one series from another at the same date. The
    forecasting tools refuse (date, label) outright; for the estimators, one
    recording per day indexed (day, "08:00") is possible, so it is a warning
    (at ``fit`` only), as is (date, number) everywhere. Steps given as time
    offsets (Timedelta) are never questioned.
    """
    first, second = as_pandas_times(index.levels[0]), as_pandas_times(index.levels[1])
    if not _holds_times(first) or _holds_times(second) or pd.api.types.is_timedelta64_dtype(second):
        return
    fix = (
        "A panel is indexed by (series, time), series first; pandas' stack() of a wide frame "
        "gives (time, series). Swap the levels first: X.swaplevel().sort_index()."
    )
    labels = not pd.api.types.is_numeric_dtype(second)
    if labels and forecasting:
        raise ValueError(f"{name} got a panel indexed by (time, label): its first level holds times. {fix}")
    if warn:
        held = "labels" if labels else "numbers"
        warn_at_user_code(
            f"{name} got a panel whose first level holds times and whose second holds {held}: each "
            f"time is read as a sequence, and the {held} as its steps. {fix}",
            UserWarning,
        )


def panel_sequences(
    name: str, X: pd.DataFrame, *, reset: bool = True
) -> tuple[list[np.ndarray], pd.Index, pd.MultiIndex]:
    """Split a panel into one ``(T_i, n_columns)`` array per instance, each in time order.

    Returns the arrays, the instances (in order of first appearance) and the
    ``(instance, time)`` index of every step in the order of the arrays. At
    ``fit`` (``reset``) a panel whose times seem to come first is warned about.
    """
    raise_on_non_numeric_columns(name, X, "a panel")
    check_level_order(name, X.index, forecasting=False, warn=reset)
    if X.index.has_duplicates:
        duplicate = X.index[X.index.duplicated()][0]
        raise ValueError(
            f"{name} got a panel with the (instance, time) pair {duplicate} twice; each instance "
            "may have one row per time."
        )
    instances = pd.Index(pd.unique(X.index.get_level_values(0)), name=X.index.names[0])
    ordered = X.sort_index(level=[0, 1], sort_remaining=False)
    positions = ordered.index.get_level_values(0)
    values = ordered.to_numpy(dtype=np.float64, na_value=np.nan)
    raise_on_non_finite(
        values,
        lambda position, kind: (
            f"{name} got {kind} in the panel at instance {shown_label(ordered.index[position[0]][0])}, time "
            f"{ordered.index[position[0]][1]}, column {shown_label(X.columns[position[1]])}; every row of a "
            "panel must hold finite numbers. Impute the missing values, or drop the rows: the "
            "instances of a panel may have different lengths."
        ),
    )
    # Rows of one instance are contiguous after sorting: cut at each boundary.
    codes = pd.Index(instances).get_indexer(positions)
    order = np.argsort(codes, kind="stable")
    values, step_index = values[order], ordered.index[order]
    boundaries = np.flatnonzero(np.diff(codes[order])) + 1
    return list(np.split(values, boundaries)), instances, step_index


def shown_label(label: Any) -> str:
    """A label as a user wrote it: ``'s03'`` or ``3``, not ``np.int64(3)``."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def raise_on_non_numeric_columns(name: str, X: pd.DataFrame, what: str) -> None:
    """Name the columns that are not numbers: each column of a panel or time-ordered table is a value."""
    non_numeric = [column for column, values in X.items() if not holds_numbers(values)]
    if not non_numeric:
        return
    hint = ""
    if any(_holds_categories(X[column]) for column in non_numeric):
        # Labels (a store's name) are what categorical_features embeds, once they are codes.
        hint = (
            " Categories become integer codes with sklearn.preprocessing.OrdinalEncoder (with "
            'set_output(transform="pandas"), or pandas\' factorize); a network reads such a column '
            "through a learned embedding when it is named in categorical_features."
        )
    raise ValueError(
        f"{name} got {what} with non-numeric columns {non_numeric}; every column of {what} is a "
        f"value per step and must be numeric. Encode or drop those columns first.{hint}"
    )


def _holds_categories(column: pd.Series) -> bool:
    """A pandas category column, or one of text labels."""
    # Strings read with dtype_backend="pyarrow" are an ArrowDtype of kind "U", no StringDtype.
    if isinstance(column.dtype, (pd.CategoricalDtype, pd.StringDtype)) or column.dtype.kind == "U":
        return True
    return column.dtype.kind == "O" and column.map(lambda value: isinstance(value, str)).any()


def holds_numbers(column: pd.Series) -> bool:
    """Numeric dtypes, and object columns whose values all read as numbers (as in a 2-D table)."""
    if column.dtype.kind in "biuf":
        return True
    if column.dtype.kind != "O":
        return False
    try:
        # pd.NA among numbers (pandas infers object for [1.0, pd.NA]) is a missing number.
        column.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return False
    return True


def object_numbers_as_floats(X: Any) -> Any:
    """A DataFrame or object array whose numbers and ``pd.NA`` become floats, ``pd.NA`` NaN.

    pandas stores ``[1.0, pd.NA]`` as objects, which numpy cannot cast to
    floats ("float() argument must be ... not 'NAType'"); converted, the
    missing value is refused with its position as a NaN is. Anything else
    comes back unchanged.
    """
    if isinstance(X, np.ndarray):
        return _object_array_as_floats(X)
    if not isinstance(X, pd.DataFrame):
        return X
    converted = None
    for position, (_, column) in enumerate(X.items()):
        if column.dtype.kind != "O" or not column.map(lambda value: value is pd.NA).any():
            continue
        if holds_numbers(column):
            converted = X.copy() if converted is None else converted
            converted.isetitem(position, column.to_numpy(dtype=np.float64, na_value=np.nan))
    return X if converted is None else converted


def _object_array_as_floats(X: np.ndarray) -> np.ndarray:
    """A 2-D or 3-D object array of numbers and ``pd.NA`` as floats; any other array unchanged.

    A 1-D object array is left alone: its items may be whole sequences.
    """
    if X.dtype.kind != "O" or X.ndim < 2:
        return X
    missing = np.frompyfunc(lambda value: value is pd.NA, 1, 1)(X).astype(bool)
    if not missing.any():
        return X
    try:
        return np.where(missing, np.nan, X).astype(np.float64)
    except (TypeError, ValueError):
        return X  # not all numbers: the usual checks name what is wrong


def panel_instances(X: pd.DataFrame) -> pd.Index:
    """Instances of a panel in order of first appearance (the order of predictions)."""
    return pd.Index(pd.unique(X.index.get_level_values(0)), name=X.index.names[0])


def align_target(name: str, y: Any, instances: pd.Index, step_index: Any = None, *, what: str = "y") -> Any:
    """Reorder a pandas y to the panel's sequences: by instance, or by (instance, time) per step.

    A y without an index (an array, a list) is taken to be in the order of the
    instances' first appearance in X, and returned unchanged.
    """
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        return y
    if y.index.has_duplicates:
        # .loc would return every copy, or fail on the labels it then lacks.
        duplicate = y.index[y.index.duplicated()][0]
        held = "(instance, time) pair" if isinstance(y.index, pd.MultiIndex) else "instance"
        shown = (
            f"({', '.join(shown_label(part) for part in duplicate)})"
            if isinstance(duplicate, tuple)
            else shown_label(duplicate)
        )
        raise ValueError(
            f"{name} got {what} with the {held} {shown} twice in its index; {what} holds one "
            f"value per {held}. Drop the duplicates first."
        )
    if step_index is not None and isinstance(y.index, pd.MultiIndex):
        missing = step_index.difference(y.index)
        if len(missing):
            raise ValueError(
                f"{name} needs {'a target' if what == 'y' else 'a weight'} for every (instance, time) "
                f"step of the panel, but {what} has none for {list(missing[:3])}."
            )
        aligned = y.loc[step_index].to_numpy()
        lengths = pd.Series(1, index=step_index).groupby(level=0, sort=False).size().loc[instances]
        return list(np.split(aligned, np.cumsum(lengths.to_numpy())[:-1]))
    if y.index.isin(instances).sum() == len(instances):
        if len(y) == len(instances):
            return y.loc[instances].to_numpy()
        extra = y.index.difference(instances)
        raise ValueError(
            f"{name} got {what} for {len(extra)} instance(s) the panel does not hold "
            f"({', '.join(shown_label(label) for label in extra[:3])}). Select the panel's instances first: "
            f"{what}.loc[X.index.unique(level=0)]."
        )
    if isinstance(y.index, pd.RangeIndex) and len(y) == len(instances):
        return y.to_numpy()
    per_step = (
        ""
        if step_index is None
        else f" With output='sequence', index {what} by (instance, time) as X is, for one value per step."
    )
    raise ValueError(
        f"{name} got a panel with instances {list(instances[:3])}... but {what} is indexed by "
        f"{list(y.index[:3])}...; index {what} by the panel's instances (its first index level), or "
        f"pass a plain array in the order in which the instances first appear in X.{per_step}"
    )


def target_names(y: Any) -> list | str | int | None:
    """The names of pandas targets, kept to name predictions on a panel: columns, or a Series' name.

    Only strings and integers are kept (the names a saved model can hold);
    anything else names the predictions 0, 1, ... as arrays would.
    """
    if isinstance(y, pd.DataFrame):
        names = [name.item() if isinstance(name, np.integer) else name for name in y.columns]
        return names if all(isinstance(name, (str, int)) for name in names) else None
    if isinstance(y, pd.Series):
        name = y.name.item() if isinstance(y.name, np.integer) else y.name
        return name if isinstance(name, (str, int)) else None
    return None


def as_pandas(sequences: Any, result: Any, columns: Any = None, name: Any = None) -> Any:
    """Predictions on a panel, indexed by instance (or by (instance, time) per step).

    ``name`` names a Series, ``columns`` a DataFrame's columns.
    """
    if sequences.instances is None:
        return result
    if isinstance(result, list):  # one prediction per step
        values, index = np.concatenate(result), sequences.step_index
    else:
        values, index = result, sequences.instances
    if values.ndim == 1:
        return pd.Series(values, index=index, name=name)
    return pd.DataFrame(values, index=index, columns=columns)
