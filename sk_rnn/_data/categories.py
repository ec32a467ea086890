"""Step features that hold category codes (a series id, a store): which ones, and their codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._warnings import warn_at_user_code
from .sequences import CHUNK_ROWS, Sequences

__all__ = [
    "category_codes",
    "check_category_codes",
    "check_codes_exact_in_float32",
    "resolve_categorical_features",
    "warn_if_codes_unseen_in_training",
    "warn_if_single_code",
]

# Codes come out of pipelines: a scaler or a difference upstream turns a
# column of codes into fractions or into a constant.
_UPSTREAM_FIX = (
    "If a step before the network (a scaler, a Differencer, PerSeriesScaledRegressor) transformed the "
    "codes, let the column pass through it unchanged: a ColumnTransformer's 'passthrough', "
    "PerSeriesScaledRegressor(passthrough=[...])."
)


def resolve_categorical_features(estimator: Any, X: Sequences, requested: Sequence[Any]) -> list[int]:
    """The positions of the categorical step features, from positions or (with feature names) names."""
    name = type(estimator).__name__
    if X.tokens:
        raise ValueError(
            f"{name} got categorical_features with embedding_dim set: token ids are already "
            "embedded. Set one of them."
        )
    names = list(getattr(estimator, "feature_names_in_", []))
    if getattr(estimator, "_fitted_on_2d", False):
        raise ValueError(
            f"{name} got categorical_features, but X is a 2-D table, read as univariate sequences "
            "(1 feature per step). Pass X as a 3-D array or a panel whose columns include the codes."
        )
    mask = np.atleast_1d(np.asarray(requested, dtype=object))
    if mask.size and all(isinstance(flag, (bool, np.bool_)) for flag in mask.tolist()):
        # A boolean mask, as HistGradientBoosting takes it: one flag per step feature.
        if mask.size != X.n_features:
            raise ValueError(
                f"{name} got categorical_features as a boolean mask of {mask.size} flags, but each "
                f"step has {X.n_features} features; give one flag per feature, or positions or names."
            )
        requested = [position for position, flag in enumerate(mask.tolist()) if flag]
    positions = []
    for feature in np.atleast_1d(np.asarray(requested, dtype=object)).tolist():
        if isinstance(feature, str):
            if feature not in names:
                raise ValueError(
                    f"{name} got categorical feature {feature!r}, which is not a column of X "
                    f"({names or 'X has no column names'}). Name a column, or give its position."
                )
            feature = names.index(feature)
        elif not isinstance(feature, (int, np.integer)) or not 0 <= feature < X.n_features:
            raise ValueError(
                f"{name} got categorical feature {feature!r}; give positions between 0 and "
                f"{X.n_features - 1} (the features of each step) or column names."
            )
        positions.append(int(feature))
    if len(set(positions)) != len(positions):
        raise ValueError(f"{name} got the same categorical feature twice in {list(requested)!r}.")
    if len(positions) >= X.n_features:
        raise ValueError(
            f"{name} got every step feature as categorical; the network needs at least one numeric "
            "feature besides the codes (the series itself)."
        )
    return sorted(positions)


def _valid_values(X: Sequences, position: int) -> np.ndarray:
    """The values of one step feature at every valid step, a block of rows at a time."""
    parts = []
    for low in range(0, len(X), CHUNK_ROWS):
        block = X.take(slice(low, low + CHUNK_ROWS))
        parts.append(np.asarray(block.values[..., position])[block.valid_steps()])
    return np.concatenate(parts)


def check_category_codes(estimator: Any, X: Sequences, positions: Sequence[int]) -> None:
    """Refuse codes that are not whole numbers: a category is a code, not a measurement."""
    for position in positions:
        values = _valid_values(X, position)
        fractional = values != np.round(values)
        if fractional.any():
            raise ValueError(
                f"{type(estimator).__name__} got {float(values[fractional][0])!r} in categorical feature "
                f"{position} of X; categorical features hold integer codes. Encode the categories "
                "first, for instance with sklearn.preprocessing.OrdinalEncoder or pandas' "
                f"factorize. {_UPSTREAM_FIX}"
            )


# float32, in which the network reads every step, holds each whole number up
# to 2**24 exactly; beyond it neighbouring codes round to one value.
_LARGEST_CODE = 2**24 - 1


def check_codes_exact_in_float32(
    estimator: Any, codes: Sequence[Sequence[float]], positions: Sequence[int]
) -> None:
    """Refuse training codes too large for float32 to tell apart: distinct categories would share a row.

    Large codes are usually database ids (a store number, a customer id); an
    integer X is converted to float32 before it is read, so 16777217 is
    already 16777216 by the time it is seen here, hence the bound is checked
    on the codes' magnitude, not on their rounding.
    """
    for position, known in zip(positions, codes, strict=True):
        large = [code for code in known if abs(code) > _LARGEST_CODE]
        if large:
            raise ValueError(
                f"{type(estimator).__name__} got the code {large[0]:.0f} in categorical feature {position} "
                f"of X; codes must lie between -{_LARGEST_CODE} and {_LARGEST_CODE}, since the network "
                "reads them in float32, which cannot tell larger whole numbers apart (distinct codes "
                "would share one embedding). Re-encode them as 0, 1, 2, ... first, for instance with "
                "sklearn.preprocessing.OrdinalEncoder or pandas' factorize."
            )


def warn_if_single_code(estimator: Any, codes: Sequence[Sequence[float]], positions: Sequence[int]) -> None:
    """Warn when a categorical feature holds one code in training: its embedding tells nothing apart.

    Not refused, as one store in a first ``partial_fit`` batch is possible;
    but the usual cause is a pipeline step that made every code 0 (a series
    id scaled by its series' own statistics, or differenced), and the
    model then fits without a word and without the information.
    """
    for position, known in zip(positions, codes, strict=True):
        if len(known) == 1:
            warn_at_user_code(
                f"{type(estimator).__name__} got a single code ({known[0]:g}) in categorical feature "
                f"{position} of X: its embedding tells nothing apart, and any other code is read as "
                f"unknown (a zero vector) in predict and continued training. {_UPSTREAM_FIX}",
                UserWarning,
            )


def category_codes(X: Sequences, positions: Sequence[int]) -> list[list[float]]:
    """The distinct codes of every categorical feature over the valid steps, sorted."""
    return [np.unique(_valid_values(X, position)).astype(float).tolist() for position in positions]


def warn_if_codes_unseen_in_training(
    estimator: Any, X: Sequences, positions: Sequence[int], categories: Sequence[np.ndarray]
) -> None:
    """Warn when continued training gets codes the trained embeddings have no row for.

    The embedding tables were sized by the first fit's codes; a later code is
    read as the unknown category (a zero vector), as ``predict`` reads it, so
    it trains the rest of the network but never gets an embedding of its own.
    Not refused: a new series joining a stream is expected to be read so.
    """
    for position, known in zip(positions, categories, strict=True):
        unseen = np.setdiff1d(np.unique(_valid_values(X, position)), known)
        if len(unseen) == 0:
            continue
        shown = ", ".join(f"{code:g}" for code in unseen[:3]) + (", ..." if len(unseen) > 3 else "")
        warn_at_user_code(
            f"{type(estimator).__name__} continues training on {len(unseen)} code(s) of categorical "
            f"feature {position} that its first fit did not see ({shown}). Its embeddings have rows "
            f"for the {len(known)} codes that fit saw only, so these are read as the unknown "
            "category (a zero vector), as predict reads them, and get no embedding of their own. "
            "To learn embeddings for them, fit a new model (warm_start=False) on data that holds "
            "every code.",
            UserWarning,
        )
