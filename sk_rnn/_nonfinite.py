"""Locating the first NaN or infinity of an array, for error messages that say where it is."""

from __future__ import annotations

import numpy as np

__all__ = ["first_non_finite"]


def first_non_finite(values: np.ndarray) -> tuple[tuple[int, ...], str] | None:
    """Index and kind ("NaN" or "inf") of the first non-finite value, or None if all are finite."""
    if values.dtype.kind != "f":
        return None
    finite = np.isfinite(values)
    if finite.all():
        return None
    position = tuple(int(i) for i in np.argwhere(~finite)[0])
    return position, "NaN" if np.isnan(values[position]) else "inf"
