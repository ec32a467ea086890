"""Where each fitted series ends, so that rows continuing it read its last rows as history.

A validation fold of ``TimeSeriesSplit``, or the test part of a time-ordered
split, starts at the time right after the rows a pipeline was fitted on. Its
first windows (and first changes) need the rows before it, which the fit has
seen: kept, they make those rows transform as inside the whole series, so a
cross-validated score measures the model, not windows cut short by the split.

Times are compared as integer codes, exactly and whatever their time zone or
unit: nanoseconds since the epoch for dates, ordinals for periods, the
integers themselves for integer times. A series continues only where its
own times show the step to its next time: each consecutive pair of its
fitted times is one step apart. A series with a single fitted time takes
the step the panel's other series share. Where no step can be told, the
series has no end, and its rows are padded as without times.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._data.times import as_pandas_times

__all__ = ["SeriesEnds", "label_key", "series_ends", "time_codes"]

# Fitted ends: (kind of times, {series key: (code of the next time, last rows)}).
SeriesEnds = tuple[str, dict[Any, tuple[int, np.ndarray]]]
# pandas' code of a missing time (NaT).
_NO_TIME = np.iinfo(np.int64).min


def label_key(label: Any) -> Any:
    """A series label as a key the safe save format holds, distinct for distinct labels.

    str and int labels are kept as they are; others become text tagged with
    their type, so that the float 1.0 and the text "1.0" stay two series.
    """
    if isinstance(label, np.integer) and not isinstance(label, np.bool_):
        return int(label)
    if isinstance(label, str) or (isinstance(label, int) and not isinstance(label, bool)):
        return label
    return f"{type(label).__name__}:{label}"


def time_codes(times: pd.Index) -> tuple[str, np.ndarray] | None:
    """``(kind, int64 codes)`` of times whose steps can be counted; None for other times."""
    times = as_pandas_times(times)
    if isinstance(times, pd.PeriodIndex):
        return f"period[{times.freqstr}]", times.asi8
    if isinstance(times, pd.DatetimeIndex):
        try:
            codes = times.as_unit("ns").asi8  # one unit, whatever the index's own
        except (OverflowError, pd.errors.OutOfBoundsDatetime):
            return None
        return ("datetime" if times.tz is None else "datetime-tz"), codes
    if pd.api.types.is_integer_dtype(times) and not pd.api.types.is_bool_dtype(times):
        return "integer", times.to_numpy(dtype=np.int64)
    return None


def series_ends(
    times: pd.Index, labels: np.ndarray | None, positions: list[np.ndarray], values: np.ndarray, n_rows: int
) -> SeriesEnds | None:
    """Each series' last ``n_rows`` rows, keyed by label, with the code of the time after its last.

    ``positions`` are each series' rows in time order (one series when
    ``labels`` is None). Series whose next time cannot be told are left out;
    None when no series has one.
    """
    times = as_pandas_times(times)
    coded = time_codes(times)
    if coded is None:
        return None
    kind, codes = coded
    following = _next_codes(kind, times, codes, positions)
    if following is None:
        return None
    ends = {
        ("" if labels is None else label_key(labels[rows[0]])): (int(code), values[rows[-n_rows:]].copy())
        for rows, code in zip(positions, following, strict=True)
        if code != _NO_TIME
    }
    return (kind, ends) if ends else None


def _next_codes(kind: str, times: pd.Index, codes: np.ndarray, positions: list[np.ndarray]) -> np.ndarray:
    """Code of the time one step after each series' last (``_NO_TIME`` where none can be told)."""
    order = np.concatenate(positions)
    lengths = np.array([len(rows) for rows in positions])
    last = order[np.cumsum(lengths) - 1]
    if kind.startswith("period"):
        # Periods are one step apart by construction (missing ones are refused).
        return codes[last] + times.freq.n
    stepped = _steps_by_shared_rule(kind, times, codes)
    candidates = []
    if stepped is not None:
        candidates.append(stepped)
    # Fixed steps (integers, hours, days without a time zone): the series' own.
    candidates.append(_steps_by_own_width(codes, order, lengths))
    following = np.full(len(positions), _NO_TIME, dtype=np.int64)
    for step_of in candidates:
        fits = _consistent(step_of, codes, order, lengths) & (following == _NO_TIME)
        following[fits] = step_of[last[fits]]
    if kind.startswith("datetime"):
        # Calendar steps of a series on another grid than the panel's (months
        # beside days): its own frequency, inferred for those series alone.
        for series in np.flatnonzero((following == _NO_TIME) & (lengths >= 3)):
            own = times[positions[series]]
            following[series] = _code_after(own, _inferred_freq(own))
    return following


def _code_after(times: pd.Index, freq: str | None) -> int:
    """Code of the time one ``freq`` after the last of ``times`` (``_NO_TIME`` when none)."""
    if freq is None:
        return _NO_TIME
    after = _shifted(times[-1:], pd.tseries.frequencies.to_offset(freq))
    return _NO_TIME if after is None else int(after[0])


def _steps_by_shared_rule(kind: str, times: pd.Index, codes: np.ndarray) -> np.ndarray | None:
    """Each row's time one step on by the rule the series share, as codes; None when there is none.

    Dates step by the frequency of the longest run of times pandas can
    infer one from, in wall time: a next time that a clock change skips or
    repeats has no code, rather than an error.
    """
    if kind == "integer":
        steps = np.diff(np.sort(np.unique(codes)))
        return None if len(steps) == 0 else codes + int(steps.min())
    freq = getattr(times, "freq", None) or _inferred_freq(times)
    if freq is None:
        return None
    return _shifted(times, pd.tseries.frequencies.to_offset(freq))


def _shifted(times: pd.DatetimeIndex, offset: Any) -> np.ndarray | None:
    """Codes of ``times + offset`` in wall time: NaT where a clock change skips or repeats it."""
    try:
        if times.tz is None:
            shifted = times + offset
        else:
            wall = times.tz_localize(None) + offset
            shifted = wall.tz_localize(times.tz, ambiguous="NaT", nonexistent="NaT")
        return shifted.as_unit("ns").asi8
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        return None


def _inferred_freq(times: pd.Index) -> str | None:
    """pandas' frequency of the distinct times, sorted, when it can tell one."""
    distinct = times.unique().sort_values()
    if len(distinct) < 3:
        return None
    try:
        return pd.infer_freq(distinct)
    except (TypeError, ValueError):
        return None


def _steps_by_own_width(codes: np.ndarray, order: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each row's code plus its series' first step (a series of one row: no step)."""
    ordered = codes[order]
    starts = np.cumsum(lengths) - lengths
    first_step = np.zeros(len(lengths), dtype=np.int64)
    long = lengths >= 2
    first_step[long] = ordered[starts[long] + 1] - ordered[starts[long]]
    stepped = np.full(len(codes), _NO_TIME, dtype=np.int64)
    stepped[order] = np.where(np.repeat(long, lengths), ordered + np.repeat(first_step, lengths), _NO_TIME)
    return stepped


def _consistent(step_of: np.ndarray, codes: np.ndarray, order: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """For each series: every one of its times is one step (by ``step_of``) after the one before.

    ``step_of[i]`` is row ``i``'s time one step on. A series of one row is
    consistent wherever its own time has a next one.
    """
    ordered, stepped = codes[order], step_of[order]
    pair_ok = stepped[:-1] == ordered[1:]
    boundaries = np.cumsum(lengths)[:-1] - 1  # the last row of a series is no pair's first
    pair_ok[boundaries] = True
    starts = np.cumsum(lengths) - lengths
    has_next = stepped[np.cumsum(lengths) - 1] != _NO_TIME
    # Series of every pair consistent: count the failing pairs within each.
    failing = np.concatenate([[0], np.cumsum(~pair_ok)])
    ends = starts + lengths - 1
    return (failing[ends] - failing[starts] == 0) & has_next
