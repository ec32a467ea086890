"""From a long table (one row per instance and time) to the panel every estimator reads."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.utils._param_validation import HasMethods

from .._compat import validate_params
from .._data.sequences import is_polars

__all__ = ["long_to_panel"]


@validate_params(
    {
        # polars and pyarrow tables are read as pandas (see _as_pandas).
        "frame": [pd.DataFrame, HasMethods("to_pandas")],
        "id_column": [str],
        "time_column": [str],
        "value_columns": [list, None],
    },
    prefer_skip_nested_validation=True,
)
def long_to_panel(
    frame: Any, id_column: str, time_column: str, value_columns: list[str] | None = None
) -> pd.DataFrame:
    """Turn a long table (one row per instance and time) into a panel.

    Parameters
    ----------
    frame : DataFrame
        One row per (instance, time) pair: pandas, or a polars DataFrame or
        pyarrow Table, which are read as pandas.
    id_column : str
        Column naming the instance (a sequence).
    time_column : str
        Column giving the time of the row (anything sortable: numbers, dates).
    value_columns : list of str, default=None
        Feature columns; None takes every other column.

    Returns
    -------
    panel : DataFrame
        Indexed by ``(id_column, time_column)``, sorted by instance and time,
        with the value columns as features per step: the input form of every
        sk_rnn estimator for sequences of different lengths.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_rnn.preprocessing import long_to_panel
    >>> long = pd.DataFrame({"patient": ["a", "a", "b"], "day": [2, 1, 1], "temp": [37.9, 37.1, 36.8]})
    >>> long_to_panel(long, "patient", "day")
                 temp
    patient day
    a       1    37.1
            2    37.9
    b       1    36.8
    """
    frame = _as_pandas(frame)
    for column in (id_column, time_column, *(value_columns or [])):
        if column not in frame.columns:
            raise ValueError(
                f"long_to_panel: column {column!r} is not in the frame; it has {list(frame.columns)}."
            )
    if id_column == time_column:
        # pandas would index by the column twice and keep the real times as a feature.
        raise ValueError(
            f"long_to_panel got {id_column!r} as both id_column and time_column; a panel is indexed "
            "by two columns, the instance and the time of each row. Pass the time column as "
            "time_column."
        )
    if value_columns is None:
        value_columns = [c for c in frame.columns if c not in (id_column, time_column)]
    _check_value_columns(value_columns, id_column, time_column)
    return frame.set_index([id_column, time_column])[value_columns].sort_index()


def _check_value_columns(value_columns: list[str], id_column: str, time_column: str) -> None:
    """Refuse no features, or the index columns among them: they leave the frame's columns for its index."""
    in_index = [column for column in value_columns if column in (id_column, time_column)]
    if in_index:
        raise ValueError(
            f"long_to_panel got value_columns {value_columns}, which include {in_index}: the id and "
            "time columns become the panel's index, not features. Leave them out of value_columns, "
            "or copy a column under another name to use it as a feature as well."
        )
    if not value_columns:
        raise ValueError(
            "long_to_panel found no value columns: a panel needs at least one feature per step "
            "besides its id and time columns. Pass value_columns, or a frame with feature columns."
        )


def _as_pandas(frame: Any) -> pd.DataFrame:
    """A polars or pyarrow table as pandas; a pandas DataFrame as it is.

    polars' own ``to_pandas`` needs pyarrow, which sk_rnn does not require:
    its columns are read one by one, as numpy arrays, instead.
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    if is_polars(frame):
        # A polars Series has no columns.
        columns = getattr(frame, "columns", None)
        converted = None if columns is None else pd.DataFrame({c: frame[c].to_numpy() for c in columns})
    else:
        converted = frame.to_pandas()
    # A polars Series or a pyarrow Array also has to_pandas, but one column
    # holds no id and time columns to index by.
    if not isinstance(converted, pd.DataFrame):
        raise TypeError(
            f"long_to_panel needs a table with an id, a time and value columns; got a "
            f"{type(frame).__module__.split('.')[0]} {type(frame).__name__}, which is one column. "
            "Pass the whole table (a pandas or polars DataFrame, or a pyarrow Table)."
        )
    return converted
