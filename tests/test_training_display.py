"""Seeing training: verbose levels and TrainingCurveDisplay."""

import re
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from test_checkpoints import InterruptAt  # Ctrl-C at the end of a given epoch

from sk_rnn import GRURegressor, LSTMClassifier
from sk_rnn.inspection import TrainingCurveDisplay
from sk_rnn.preprocessing import SequenceScaler

RNG = np.random.RandomState(0)
X = RNG.randn(60, 6, 2)
y = (X[:, :, 0].sum(axis=1) > 0).astype(int)


def test_verbose_one_prints_a_row_per_epoch_with_the_learning_rate(capsys):
    LSTMClassifier(hidden_size=4, max_epochs=3, early_stopping=True, verbose=1, random_state=0).fit(X, y)
    table = capsys.readouterr().out
    header = table.splitlines()[0].split()
    assert header == ["epoch", "lr", "train_loss", "valid_loss", "valid_score", "dur"]
    assert len([line for line in table.splitlines() if line.strip()[:1].isdigit()]) == 3


def _table(printed):
    """The lines of the printed table without its colours."""
    return [re.sub(r"\x1b\[\d+m", "", line) for line in printed.splitlines()]


def test_the_epoch_that_stopped_training_has_its_row(capsys):
    # Early stopping ends training at an epoch's end (every epoch after the
    # first misses by tol here): the model holds that epoch, and so does the table.
    settings = {"hidden_size": 4, "max_epochs": 10, "early_stopping": True, "verbose": 1, "random_state": 0}
    model = LSTMClassifier(n_iter_no_change=2, tol=10.0, **settings).fit(X, y)
    lines = _table(capsys.readouterr().out)
    rows = [line for line in lines if line.strip()[:1].isdigit()]
    assert model.n_iter_ == 3 and [int(row.split()[0]) for row in rows] == [1, 2, 3]
    assert lines.index(rows[-1]) < next(i for i, line in enumerate(lines) if line.startswith("Stopping"))
    # Ctrl-C before the validation score is recorded: the row keeps its columns under their headers.
    model = LSTMClassifier(callbacks=[InterruptAt(2)], **settings).fit(X, y)
    header, _, *rows = _table(capsys.readouterr().out)
    assert model.n_iter_ == len(rows) == 2 and len(rows[1]) == len(rows[0]) == len(header)


def test_per_step_outputs_print_the_validation_loss_without_a_score(capsys):
    # As the training page says: a score per sequence has no per-step counterpart in the table.
    GRURegressor(hidden_size=4, max_epochs=1, early_stopping=True, output="sequence", verbose=1).fit(X, X)
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header == ["epoch", "lr", "train_loss", "valid_loss", "dur"]


def test_the_validation_score_is_the_estimators_score_on_the_held_out_sequences():
    model = LSTMClassifier(hidden_size=8, max_epochs=4, early_stopping=True, random_state=0).fit(X, y)
    best = int(np.argmin(model.validation_loss_curve_))  # whose weights the model keeps
    assert model.history_[best, "valid_score"] == pytest.approx(model.score(X[54:], y[54:]))
    regressor = GRURegressor(hidden_size=8, max_epochs=3, early_stopping=True, random_state=0)
    regressor.fit(X, X[:, -1, 0])
    best = int(np.argmin(regressor.validation_loss_curve_))
    assert regressor.history_[best, "valid_score"] == pytest.approx(regressor.score(X[54:], X[54:, -1, 0]))


def test_verbose_zero_prints_nothing_and_two_adds_a_progress_bar(capsys):
    LSTMClassifier(hidden_size=4, max_epochs=2, verbose=0, random_state=0).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    LSTMClassifier(hidden_size=4, max_epochs=2, verbose=2, random_state=0).fit(X, y)
    assert "it/s" in capsys.readouterr().err  # tqdm writes its bar to stderr


def test_the_display_draws_both_losses_and_the_changing_learning_rate():
    model = LSTMClassifier(hidden_size=4, max_epochs=6, early_stopping=True, random_state=0).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(model, name="LSTM", color="tab:red", linewidth=3)
    np.testing.assert_array_equal(display.line_train_.get_ydata(), model.loss_curve_)
    np.testing.assert_array_equal(display.line_validation_.get_ydata(), model.validation_loss_curve_)
    assert display.line_train_.get_color() == "tab:red" and display.line_train_.get_linewidth() == 3
    assert display.line_learning_rate_ is not None and display.ax_learning_rate_ is not None
    assert display.line_train_.get_label() == "LSTM: training loss"
    plt.close(display.figure_)


def test_a_constant_learning_rate_is_not_drawn_and_a_pipeline_is_read_at_its_end():
    model = make_pipeline(
        SequenceScaler(), GRURegressor(hidden_size=4, max_epochs=3, learning_rate_schedule="constant")
    ).fit(X, X[:, -1, 0])
    _, ax = plt.subplots()
    display = TrainingCurveDisplay.from_estimator(model, ax=ax)
    assert display.ax_ is ax and display.line_validation_ is None and display.line_learning_rate_ is None
    plt.close(display.figure_)


def test_the_display_refuses_what_it_cannot_plot(monkeypatch):
    with pytest.raises(TypeError, match=r"or of a Pipeline ending in one, but got a LinearRegression\."):
        TrainingCurveDisplay.from_estimator(LinearRegression())
    search = GridSearchCV(GRURegressor(hidden_size=4, max_epochs=1), {"hidden_size": [4]}, cv=2)
    with pytest.raises(TypeError, match=r"got a GridSearchCV\. Pass the search's best_estimator_"):
        TrainingCurveDisplay.from_estimator(search.fit(X, X[:, -1, 0]))
    # Built by hand: a curve longer than training's has no epochs to be drawn at.
    with pytest.raises(ValueError, match=r"validation_loss_curve of 3 epochs for a loss_curve of 2"):
        TrainingCurveDisplay(loss_curve=[1.0, 0.5], validation_loss_curve=[1.0, 0.8, 0.7]).plot()
    with pytest.raises(ValueError, match=r"learning_rates of 3 epochs for a loss_curve of 2"):
        TrainingCurveDisplay(loss_curve=[1.0, 0.5], learning_rates=[0.1, 0.01, 0.001]).plot()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"TrainingCurveDisplay needs matplotlib.*pip install"):
        TrainingCurveDisplay.from_estimator(LinearRegression())
