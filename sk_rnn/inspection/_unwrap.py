"""The recurrent estimator a display draws, found inside the Pipelines that hold it."""

from __future__ import annotations

from typing import Any

from sklearn.pipeline import Pipeline

from .._base import _BaseRNN

__all__ = ["recurrent_estimator"]


def recurrent_estimator(estimator: Any, display: str, what: str) -> _BaseRNN:
    """The sk_rnn estimator at the end of ``estimator`` (Pipelines, nested or not, end in it).

    ``what`` says what the display draws, for the message that refuses anything else.
    """
    found = estimator
    while isinstance(found, Pipeline):
        found = found[-1]
    if isinstance(found, _BaseRNN):
        return found
    if hasattr(found, "best_estimator_"):
        fix = " Pass the search's best_estimator_ (refitted), which is one."
    elif hasattr(found, "estimator"):
        fix = " Pass the fitted sk_rnn estimator it holds."
    else:
        fix = ""
    held = "" if found is estimator else f" at the end of its {type(estimator).__name__}"
    raise TypeError(
        f"{display} plots {what} of sk_rnn's recurrent estimators, or of a Pipeline ending in one, "
        f"but got a {type(found).__name__}{held}.{fix}"
    )
