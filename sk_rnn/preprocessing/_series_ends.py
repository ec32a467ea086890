"""Where each fitted series ends, so that rows continuing it read its last rows as history.

A validation fold of ``TimeSeriesSplit``, or the test part of a time-ordered
split, starts at the time right after the rows a pipeline was fitted on. Its
first windows (and first changes) need the rows before it, which the fit has
seen: kept, they make those rows transform as inside the whole series, so a
cross-validated score measures the model, not windows cut short by the split.

Times are compared as integer codes, exactly and whatever their time zone:
nanoseconds since the epoch for dates, ordinals for periods, the integers
themselves for integer times. A panel's series are told apart by label, and
one step is the same for all of them (the frequency or integer step the
panel shares), so a series with a single time in the fit continues too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SeriesEnds", "label_key", "time_codes"]

# Fitted ends: (kind of times, {series key: (code of the next time, last rows)}).
SeriesEnds = tuple[str, dict[Any, tuple[int, np.ndarray]]]


def label_key(label: Any) -> Any:
    """A series label as a key the safe save format holds: str and int as they are, others as text."""
    if isinstance(label, np.integer):
        return int(label)
    return label if isinstance(label, (str, int)) else str(label)


def time_codes(times: pd.Index) -> tuple[str, np.ndarray] | None:
    """``(kind, int64 codes)`` of times one step of which can be told; None for other times."""
    if isinstance(times, pd.PeriodIndex):
        return f"period[{times.freqstr}]", times.asi8
    if isinstance(times, pd.DatetimeIndex):
        return "datetime" if times.tz is None else "datetime-tz", times.asi8
    if pd.api.types.is_integer_dtype(times) and not pd.api.types.is_bool_dtype(times):
        return "integer", times.to_numpy(dtype=np.int64)
    return None


def series_ends(
    times: pd.Index, labels: np.ndarray | None, positions: list[np.ndarray], values: np.ndarray, n_rows: int
) -> SeriesEnds | None:
    """Each series' last ``n_rows`` rows, keyed by label, with the code of the time after its last.

    ``positions`` are each series' rows in time order (one series when
    ``labels`` is None). None when the times cannot be extended by one step.
    """
    coded = time_codes(times)
    if coded is None:
        return None
    kind, codes = coded
    last = np.array([rows[-1] for rows in positions])
    following = _next_codes(kind, times, codes, positions, last)
    if following is None:
        return None
    ends = {
        ("" if labels is None else label_key(labels[rows[0]])): (int(code), values[rows[-n_rows:]].copy())
        for rows, code in zip(positions, following, strict=True)
    }
    return kind, ends


def _next_codes(
    kind: str, times: pd.Index, codes: np.ndarray, positions: list[np.ndarray], last: np.ndarray
) -> np.ndarray | None:
    """Codes of the time one step after each series' last, or None when the step cannot be told."""
    if kind.startswith("period"):
        return codes[last] + 1
    if kind == "integer":
        step = _integer_step(codes, positions)
        return None if step is None else codes[last] + step
    longest = times[max(positions, key=len)]
    freq = times.freq if len(positions) == 1 else None
    freq = freq or (pd.infer_freq(longest) if len(longest) >= 3 else None)
    if freq is None:
        return None
    return (times[last] + pd.tseries.frequencies.to_offset(freq)).asi8


def _integer_step(codes: np.ndarray, positions: list[np.ndarray]) -> int | None:
    """The one step between consecutive integer times of every series; 1 when no series has two."""
    ordered = codes[np.concatenate(positions)]
    within = np.ones(len(ordered) - 1, dtype=bool)
    within[np.cumsum([len(rows) for rows in positions])[:-1] - 1] = False  # across two series
    steps = np.unique(np.diff(ordered)[within])
    if len(steps) == 0:
        return 1
    return int(steps[0]) if len(steps) == 1 and steps[0] > 0 else None
