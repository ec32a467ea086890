"""Split conformal prediction: which past error bounds an interval."""

from __future__ import annotations

import math

__all__ = ["conformal_rank"]


def conformal_rank(name: str, coverage: float, calibration_size: int) -> int:
    """Which sorted absolute error bounds the interval: ``ceil((n + 1) * coverage)``, at most n."""
    rank = math.ceil((calibration_size + 1) * coverage)
    if rank > calibration_size:
        raise ValueError(
            f"{name} needs calibration_size >= {math.ceil(coverage / (1 - coverage))} "
            f"for coverage={coverage} (with {calibration_size} origins no past error is large "
            "enough to promise it). Raise calibration_size, or lower coverage."
        )
    return rank
