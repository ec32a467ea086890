"""record_gradients and GradientFlowDisplay: how far back the loss reaches, per cell."""

import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from sk_rnn import GRURegressor, RNNClassifier
from sk_rnn.inspection import GradientFlowDisplay

RNG = np.random.RandomState(0)
X = RNG.randn(128, 60, 1)
y = (X[:, 0, 0] > 0).astype(int)  # the answer lies at the first of 60 steps
# The head reads the last state, so the gradient reaches earlier steps only through the recurrence.
ONE_WAY = {
    "bidirectional": False,
    "num_layers": 1,
    "hidden_size": 16,
    "patch_size": 1,
    "output": "last",
    "random_state": 0,
}


def fitted(cell, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RNNClassifier(cell=cell, max_epochs=3, record_gradients=True, **ONE_WAY, **params).fit(X, y)


def test_the_record_has_one_row_per_epoch_and_one_column_per_distance():
    model = fitted("gru")
    assert model.gradient_norms_by_distance_.shape == (3, 60)
    assert np.isfinite(model.gradient_norms_by_distance_).all()
    assert set(model.layer_gradient_norms_) == {"recurrent layer 0", "head"}
    assert all(norms.shape == (3,) and (norms > 0).all() for norms in model.layer_gradient_norms_.values())
    assert GRURegressor(max_epochs=1).fit(X, X[:, -1, 0]).gradient_norms_by_distance_ is None


def test_the_record_keeps_the_epoch_early_stopping_ends_on_and_survives_partial_fit():
    # Early stopping ends training from inside the last epoch's end.
    model = fitted("gru", early_stopping=True, n_iter_no_change=1, tol=10.0)
    assert model.n_iter_ < 3
    assert model.gradient_norms_by_distance_.shape == (model.n_iter_, 60)
    assert all(len(norms) == model.n_iter_ for norms in model.layer_gradient_norms_.values())
    assert not model.net_.module_.record_input_gradients
    record = model.gradient_norms_by_distance_.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(early_stopping=False).partial_fit(X, y)
    np.testing.assert_array_equal(model.gradient_norms_by_distance_, record)


def test_layer_norms_are_the_losss_gradient_before_clipping_rescales_it():
    # One update per fit: both fits compute the same gradient, which clipping then shrinks.
    def layer_norms(clip):
        params = {"hidden_size": 4, "max_epochs": 1, "batch_size": 128, "clip_grad_norm": clip}
        model = GRURegressor(record_gradients=True, random_state=0, **params).fit(X, X[:, 0, 0])
        return np.array([norms[0] for norms in model.layer_gradient_norms_.values()])

    unclipped = layer_norms(None)
    assert np.linalg.norm(unclipped) > 1e-2
    np.testing.assert_allclose(layer_norms(1e-4), unclipped, rtol=1e-5)


class InterruptBeforeTheGradientIsRead(Callback):
    """Ctrl-C after a backward pass, before the gradient record reads it (user callbacks run first)."""

    def on_grad_computed(self, net, named_parameters, training=False, **kwargs):
        if training and len(net.history) == 2:
            raise KeyboardInterrupt


def test_an_interrupted_fit_keeps_no_batch_of_training_data_on_the_module():
    model = GRURegressor(
        hidden_size=4, max_epochs=3, record_gradients=True, callbacks=[InterruptBeforeTheGradientIsRead()]
    ).fit(X, X[:, 0, 0])
    assert model.n_iter_ == 1 and model.gradient_norms_by_distance_.shape == (1, 60)
    assert model.net_.module_.recorded_inputs is None and not model.net_.module_.record_input_gradients


def test_ragged_sequences_count_distance_from_their_own_end():
    ragged = [RNG.randn(length, 1) for length in (5, 9) * 16]
    model = GRURegressor(max_epochs=1, hidden_size=4, record_gradients=True, random_state=0)
    record = model.fit(ragged, np.zeros(32)).gradient_norms_by_distance_
    assert record.shape == (1, 9) and np.isfinite(record).all()  # distances 5-8: the longer ones only


def test_the_elman_gradient_vanishes_where_the_gated_cells_and_indrnn_keep_it():
    # The lecture's lesson, measured: the gradient 50 steps back relative to the last step,
    # after 3 epochs: Elman 6e-16, GRU 2e-11, LSTM 3e-6, IndRNN 0.4.
    decay = {}
    for cell in ("rnn", "lstm", "indrnn"):
        norms = fitted(cell).gradient_norms_by_distance_[-1]
        decay[cell] = norms[50] / norms[0]
    assert decay["rnn"] < 1e-3
    assert decay["lstm"] > 100 * decay["rnn"] and decay["indrnn"] > 100 * decay["rnn"]


def test_the_display_draws_one_log_scale_line_per_estimator():
    models = [fitted("rnn"), make_pipeline(StandardScaler(), fitted("lstm"))]
    display = GradientFlowDisplay.from_estimator(*models, linewidth=2)
    assert [line.get_label() for line in display.lines_] == ["rnn", "lstm"]
    assert display.ax_.get_yscale() == "log" and display.lines_[0].get_linewidth() == 2
    np.testing.assert_array_equal(display.lines_[0].get_ydata(), models[0].gradient_norms_by_distance_[-1])
    plt.close(display.figure_)


def test_the_display_refuses_what_it_cannot_draw(monkeypatch):
    with pytest.raises(ValueError, match=r"no gradient record: fit it with record_gradients=True"):
        GradientFlowDisplay.from_estimator(GRURegressor(max_epochs=1).fit(X, X[:, -1, 0]))
    with pytest.raises(
        TypeError, match=r"ending in one, but got a LinearRegression at the end of its Pipeline"
    ):
        GradientFlowDisplay.from_estimator(make_pipeline(StandardScaler(), LinearRegression()))
    with pytest.raises(ValueError, match=r"names=\['one'\] for 2 curves; give a list of one name per curve"):
        GradientFlowDisplay(gradient_norms=[[1.0, 2.0], [1.0, 2.0]], names=["one"]).plot()
    with pytest.raises(ValueError, match=r"got epoch=3, but the RNNClassifier's record holds 3 epochs"):
        GradientFlowDisplay.from_estimator(fitted("gru"), epoch=3)
    with pytest.raises(ValueError, match=r"no gradient record.*partial_fit does not record"):
        GradientFlowDisplay.from_estimator(GRURegressor(max_epochs=1).partial_fit(X, X[:, -1, 0]))
    with pytest.raises(ValueError, match=r"got 1 names for 2 estimators"):
        GradientFlowDisplay.from_estimator(fitted("gru"), fitted("gru"), names=["one"])
    with pytest.raises(TypeError, match=r"names='GRU', a string; pass a list.*names=\['GRU'\]"):
        GradientFlowDisplay.from_estimator(fitted("gru"), names="GRU")
    with pytest.raises(TypeError, match=r"got epoch=1.5; expected an int"):
        GradientFlowDisplay.from_estimator(fitted("gru"), epoch=1.5)
    # Unfitted, as scikit-learn's Displays say it, even when record_gradients is already on.
    with pytest.raises(NotFittedError, match=r"not fitted yet"):
        unfitted = make_pipeline(StandardScaler(), GRURegressor(record_gradients=True))
        GradientFlowDisplay.from_estimator(unfitted)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"GradientFlowDisplay needs matplotlib"):
        GradientFlowDisplay.from_estimator(LinearRegression())
