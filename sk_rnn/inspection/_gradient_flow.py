"""How strongly the loss reaches back in time, per estimator, in scikit-learn's Display style."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._base import _BaseRNN
from .._plotting import pyplot
from ._unwrap import recurrent_estimator

__all__ = ["GradientFlowDisplay"]


def _recurrent(estimator: Any) -> _BaseRNN:
    estimator = recurrent_estimator(estimator, "GradientFlowDisplay", "the gradient record")
    # Unfitted is scikit-learn's NotFittedError, whatever record_gradients says.
    check_is_fitted(estimator, "loss_curve_")
    if getattr(estimator, "gradient_norms_by_distance_", None) is None:
        raise ValueError(
            f"{type(estimator).__name__} has no gradient record: fit it with record_gradients=True "
            "to draw its gradient flow (partial_fit does not record)."
        )
    return estimator


class GradientFlowDisplay:
    """Gradient norm against distance from the end of the sequence, log scale, one line per estimator.

    A recurrent network whose gradient vanishes shows a line that falls by
    orders of magnitude within a few dozen steps; one that keeps its memory
    (the LSTM with its forget gates open from the start, IndRNN with its
    bounded recurrent weights) falls slowly, and the GRU's falls steeply
    until its gates learn to open. The values are each estimator's
    ``gradient_norms_by_distance_`` (fit it with ``record_gradients=True``).
    The decay shows only where the gradient must cross the recurrence to
    reach the early steps: compare estimators fitted with
    ``bidirectional=False`` and ``output="last"``. Bidirectional layers read
    the sequence from both ends, so their first steps lie near an end too;
    a head that reads every step (``"max"``, ``"mean"``, ``"last+max"``,
    ``"sequence"``, the default of several cells) reaches each step directly.

    Build it with :meth:`from_estimator`, which plots at once.

    Parameters
    ----------
    gradient_norms : list of ndarray of shape (n_cell_steps,)
        One curve per estimator: the mean gradient norm at each distance.
    names : list of str
        Legend labels.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per estimator.
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sk_rnn import RNNClassifier
    >>> from sk_rnn.inspection import GradientFlowDisplay
    >>> X = np.random.RandomState(0).randn(64, 30, 1)
    >>> y = X[:, 0, 0] > 0  # the answer lies at the first step
    >>> models = [
    ...     RNNClassifier(cell=cell, bidirectional=False, output="last", hidden_size=8,
    ...                   max_epochs=2, record_gradients=True, random_state=0).fit(X, y)
    ...     for cell in ("rnn", "lstm")
    ... ]
    >>> display = GradientFlowDisplay.from_estimator(*models, names=["Elman", "LSTM"])
    >>> len(display.lines_)
    2
    """

    def __init__(self, *, gradient_norms: list, names: list[str]) -> None:
        self.gradient_norms = gradient_norms
        self.names = names

    def plot(self, ax: Any = None, **kwargs: Any) -> GradientFlowDisplay:
        """Draw one line per estimator.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        **kwargs : dict
            Keyword arguments of ``ax.plot`` for every line (``linewidth``, ...).

        Returns
        -------
        display : GradientFlowDisplay
        """
        plt = pyplot("GradientFlowDisplay")
        if ax is None:
            _, ax = plt.subplots()
        if isinstance(self.names, str) or len(self.names) != len(self.gradient_norms):
            raise ValueError(
                f"GradientFlowDisplay got names={self.names!r} for {len(self.gradient_norms)} curves; "
                "give a list of one name per curve."
            )
        self.lines_ = []
        for norms, name in zip(self.gradient_norms, self.names, strict=True):
            norms = np.asarray(norms, dtype=np.float64)
            self.lines_.append(ax.plot(np.arange(len(norms)), norms, **{"label": name, **kwargs})[0])
        ax.set_yscale("log")
        ax.set_xlabel("cell steps before the end of the sequence")
        ax.set_ylabel("gradient norm")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, *estimators: Any, names: list[str] | None = None, epoch: int = -1, ax: Any = None, **kwargs: Any
    ) -> GradientFlowDisplay:
        """Plot the gradient flow of fitted estimators (fitted with ``record_gradients=True``).

        Parameters
        ----------
        *estimators : estimators
            sk_rnn estimators, or Pipelines ending in one.
        names : list of str, default=None
            Legend labels; None uses each estimator's cell.
        epoch : int, default=-1
            Which epoch's record to draw (-1: the last).
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        **kwargs : dict
            Keyword arguments of ``ax.plot`` for every line.

        Returns
        -------
        display : GradientFlowDisplay
        """
        pyplot("GradientFlowDisplay")  # before any work
        if not estimators:
            raise TypeError("GradientFlowDisplay.from_estimator needs at least one estimator.")
        if not isinstance(epoch, Integral) or isinstance(epoch, bool):
            raise TypeError(
                f"GradientFlowDisplay got epoch={epoch!r}; expected an int: the index of an epoch, "
                "or -1 for the last."
            )
        models = [_recurrent(estimator) for estimator in estimators]
        if names is None:
            names = [model._cell_name() for model in models]
        elif isinstance(names, str):
            # A string is a sequence too: its characters would label the curves.
            raise TypeError(
                f"GradientFlowDisplay got names={names!r}, a string; pass a list of one name per "
                f"estimator, names=[{names!r}]."
            )
        if len(names) != len(models):
            raise ValueError(f"GradientFlowDisplay got {len(names)} names for {len(models)} estimators.")
        for model in models:
            n_epochs = len(model.gradient_norms_by_distance_)
            if not -n_epochs <= epoch < n_epochs:
                raise ValueError(
                    f"GradientFlowDisplay got epoch={epoch}, but the {type(model).__name__}'s record "
                    f"holds {n_epochs} epochs: give an epoch from 0 to {n_epochs - 1}, or -1 for the last."
                )
        curves = [model.gradient_norms_by_distance_[epoch] for model in models]
        return cls(gradient_norms=curves, names=list(names)).plot(ax=ax, **kwargs)
