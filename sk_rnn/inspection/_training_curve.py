"""Training and validation loss per epoch, and the learning rate, in scikit-learn's Display style."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._plotting import pyplot
from ._unwrap import recurrent_estimator

__all__ = ["TrainingCurveDisplay"]


class TrainingCurveDisplay:
    """The loss of every epoch, training and validation, with the learning rate on a second axis.

    Build it with :meth:`from_estimator`, which plots at once; the
    constructor only stores what to plot.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Mean training loss of every epoch (an estimator's ``loss_curve_``).
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Loss on the held-out sequences (``validation_loss_curve_`` with
        early stopping).
    learning_rates : array-like of shape (n_last_epochs,), default=None
        Learning rate at the end of each epoch, for the last epochs (the
        last training run, after a warm start). Drawn only when it changes.
    estimator_name : str, default=None
        Legend label prefix.

    Attributes
    ----------
    line_train_ : matplotlib Line2D
        The training loss.
    line_validation_ : matplotlib Line2D or None
        The validation loss, when there is one.
    line_learning_rate_ : matplotlib Line2D or None
        The learning rate, when it changes.
    ax_ : matplotlib Axes
        Axes of the losses.
    ax_learning_rate_ : matplotlib Axes or None
        The second (right) axes, of the learning rate.
    figure_ : matplotlib Figure
        Figure holding the axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sk_rnn import GRUClassifier
    >>> from sk_rnn.inspection import TrainingCurveDisplay
    >>> X = np.random.RandomState(0).randn(60, 8, 2)
    >>> clf = GRUClassifier(hidden_size=8, max_epochs=5, random_state=0).fit(X, X[:, :, 0].sum(axis=1) > 0)
    >>> display = TrainingCurveDisplay.from_estimator(clf)
    >>> len(display.line_train_.get_ydata())
    5
    """

    def __init__(
        self,
        *,
        loss_curve: Any,
        validation_loss_curve: Any = None,
        learning_rates: Any = None,
        estimator_name: str | None = None,
    ) -> None:
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.learning_rates = learning_rates
        self.estimator_name = estimator_name

    def plot(
        self,
        ax: Any = None,
        *,
        validation_kwargs: dict | None = None,
        learning_rate_kwargs: dict | None = None,
        **kwargs: Any,
    ) -> TrainingCurveDisplay:
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        validation_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation loss's line,
            overriding its defaults (dashed).
        learning_rate_kwargs : dict, default=None
            The same for the learning rate's line (grey, dotted).
        **kwargs : dict
            Keyword arguments of ``ax.plot`` for the training loss's line, as
            scikit-learn's Displays take them (``color``, ``linewidth``, ...).

        Returns
        -------
        display : TrainingCurveDisplay
        """
        plt = pyplot("TrainingCurveDisplay")
        if ax is None:
            _, ax = plt.subplots()
        prefix = f"{self.estimator_name}: " if self.estimator_name else ""
        losses = np.asarray(self.loss_curve, dtype=np.float64)
        epochs = np.arange(1, len(losses) + 1)
        for name in ("validation_loss_curve", "learning_rates"):
            _check_no_longer_than_training(name, getattr(self, name), len(losses))
        self.line_train_ = ax.plot(epochs, losses, **{"label": f"{prefix}training loss", **kwargs})[0]
        self.line_validation_ = None
        if self.validation_loss_curve is not None:
            style = {"linestyle": "--", "label": f"{prefix}validation loss", **(validation_kwargs or {})}
            validation = np.asarray(self.validation_loss_curve, dtype=np.float64)
            self.line_validation_ = ax.plot(epochs[-len(validation) :], validation, **style)[0]
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        self.ax_learning_rate_ = self.line_learning_rate_ = None
        rates = None if self.learning_rates is None else np.asarray(self.learning_rates, dtype=np.float64)
        if rates is not None and len(rates) and np.ptp(rates) > 0:
            self.ax_learning_rate_ = ax.twinx()
            style = {
                "color": "0.5",
                "linestyle": ":",
                "label": "learning rate",
                **(learning_rate_kwargs or {}),
            }
            self.line_learning_rate_ = self.ax_learning_rate_.plot(epochs[-len(rates) :], rates, **style)[0]
            self.ax_learning_rate_.set_ylabel("learning rate")
        handles = [
            line for line in (self.line_train_, self.line_validation_, self.line_learning_rate_) if line
        ]
        ax.legend(handles=handles, loc="upper right")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        *,
        ax: Any = None,
        name: str | None = None,
        validation_kwargs: dict | None = None,
        learning_rate_kwargs: dict | None = None,
        **kwargs: Any,
    ) -> TrainingCurveDisplay:
        """Plot the training curves of a fitted sk_rnn estimator (or a Pipeline ending in one).

        Parameters
        ----------
        estimator : estimator
            A fitted sk_rnn estimator, or a Pipeline whose last step is one.
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        name : str, default=None
            Legend label prefix; None means none.
        validation_kwargs, learning_rate_kwargs, **kwargs : dict
            Line styles, as in :meth:`plot`.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        pyplot("TrainingCurveDisplay")  # before any work
        estimator = recurrent_estimator(estimator, "TrainingCurveDisplay", "the training")
        check_is_fitted(estimator, "loss_curve_")
        learning_rates = [epoch["lr"] for epoch in estimator.history_ if "lr" in epoch]
        display = cls(
            loss_curve=estimator.loss_curve_,
            validation_loss_curve=estimator.validation_loss_curve_,
            learning_rates=learning_rates or None,
            estimator_name=name,
        )
        return display.plot(
            ax=ax, validation_kwargs=validation_kwargs, learning_rate_kwargs=learning_rate_kwargs, **kwargs
        )


def _check_no_longer_than_training(name: str, values: Any, n_epochs: int) -> None:
    """A curve drawn against the last epochs of training cannot have more epochs than it."""
    if values is not None and len(values) > n_epochs:
        raise ValueError(
            f"TrainingCurveDisplay got a {name} of {len(values)} epochs for a loss_curve of "
            f"{n_epochs}; it is drawn against the last epochs of training, so it can cover at most "
            f"{n_epochs}. Pass the curves of one fit (from_estimator reads them from the estimator)."
        )
