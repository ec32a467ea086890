"""Every warning names the user's line, whether fit is called directly or through scikit-learn's tools."""

import json
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
import torch
from sklearn.dummy import DummyRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

import sk_rnn
from sk_rnn import GRUClassifier, GRURegressor, RNNRegressor
from sk_rnn.forecasting import LagRidgeRegressor, recursive_forecast
from sk_rnn.preprocessing import SequenceScaler, SlidingWindowTransformer, lead_target

FAST = {"hidden_size": 4, "max_epochs": 1, "random_state": 0}
RNG = np.random.RandomState(0)
X = RNG.randn(12, 5, 2)
y = X[:, :, 0].sum(axis=1)
# Sequences of one step with three features: stored channels first, most likely.
ONE_STEP = RNG.randn(12, 1, 3)
# A panel indexed (time, number): each month would be read as a sequence.
MONTHS = pd.period_range("2020-01", periods=6, freq="M")
TIME_FIRST = pd.DataFrame({0: np.arange(6.0), 1: 2 * np.arange(6.0)}, index=MONTHS).stack().to_frame("value")

# The ways a user reaches an estimator's fit: each puts other frames of
# scikit-learn (and joblib) between the user's line and sk_rnn.
WAYS_TO_FIT = {
    "fit": lambda estimator, X, y: estimator.fit(X, y),
    "pipeline": lambda estimator, X, y: make_pipeline(estimator).fit(X, y),
    "grid_search": lambda estimator, X, y: GridSearchCV(estimator, {"random_state": [0]}, cv=2).fit(X, y),
    "cross_val_score": lambda estimator, X, y: cross_val_score(estimator, X, y, cv=2),
}


def assert_warns_here(category, match, action):
    """Run ``action``; every warning of ``category`` matching ``match`` it raises names this file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    raised = [w for w in caught if issubclass(w.category, category) and re.search(match, str(w.message))]
    assert raised, f"no {category.__name__} matching {match!r}"
    assert [w.filename for w in raised] == [__file__] * len(raised), [
        f"{w.filename}:{w.lineno}" for w in raised
    ]


@pytest.mark.parametrize("way", WAYS_TO_FIT)
def test_a_warning_about_the_input_names_the_line_that_asked_for_the_fit(way):
    fit = WAYS_TO_FIT[way]
    assert_warns_here(
        UserWarning, r"sequences of a single step", lambda: fit(GRURegressor(**FAST), ONE_STEP, y)
    )


@pytest.mark.parametrize("way", ["fit", "pipeline", "grid_search"])
def test_the_convergence_warning_names_the_line_that_asked_for_the_fit(way):
    fit = WAYS_TO_FIT[way]
    # Three epochs of a loss still falling, judged over one epoch with no tolerance.
    still_learning = GRURegressor(hidden_size=4, max_epochs=3, n_iter_no_change=1, tol=0.0, random_state=0)
    assert_warns_here(ConvergenceWarning, r"stopped at max_epochs_=3", lambda: fit(still_learning, X, y))


@pytest.mark.parametrize("way", ["fit", "pipeline"])
def test_warnings_about_y_and_the_settings_name_the_line_that_asked_for_the_fit(way):
    fit = WAYS_TO_FIT[way]
    one_hot = np.eye(2, dtype=int)[(y > 0).astype(int)]
    assert_warns_here(UserWarning, r"exactly one 1", lambda: fit(GRUClassifier(**FAST), X, one_hot))
    per_step = GRURegressor(output="sequence", input_scaling="sequence", **FAST)
    assert_warns_here(UserWarning, r"its own statistics", lambda: fit(per_step, X, X[:, :, 0]))
    assert_warns_here(
        UserWarning, r"first level holds times", lambda: fit(GRURegressor(**FAST), TIME_FIRST, np.arange(6.0))
    )


def test_transformers_warn_at_the_line_of_fit_transform_or_of_the_pipeline():
    assert_warns_here(UserWarning, r"SequenceScaler got X", lambda: SequenceScaler().fit_transform(ONE_STEP))
    scaled = make_pipeline(SequenceScaler(), GRURegressor(**FAST))
    assert_warns_here(UserWarning, r"sequences of a single step", lambda: scaled.fit(ONE_STEP, y))
    assert_warns_here(
        UserWarning,
        r"SlidingWindowTransformer got a panel",
        lambda: SlidingWindowTransformer(1).fit_transform(TIME_FIRST),
    )


def test_forecasting_tools_warn_at_the_users_line():
    assert_warns_here(UserWarning, r"LagRidgeRegressor got X", lambda: LagRidgeRegressor().fit(ONE_STEP, y))
    assert_warns_here(UserWarning, r"lead_target got a panel", lambda: lead_target(TIME_FIRST["value"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = make_pipeline(SlidingWindowTransformer(1), DummyRegressor()).fit(TIME_FIRST, np.arange(12.0))
    assert_warns_here(
        UserWarning, r"recursive_forecast got a panel", lambda: recursive_forecast(model, TIME_FIRST, 2)
    )


def test_checkpoint_warnings_name_the_line_of_fit(tmp_path):
    fit = Path(GRURegressor(checkpoint_dir=tmp_path, **FAST).fit(X, y).checkpoint_path_).parent
    other = GRURegressor(checkpoint_dir=tmp_path, hidden_size=5, max_epochs=1, random_state=0)
    other_fit = Path(other.fit(X, y).checkpoint_path_).parent
    # A folder renamed by hand holds another fit's checkpoint.
    fit.rename(tmp_path / "kept")
    other_fit.rename(fit)
    again = GRURegressor(checkpoint_dir=tmp_path, **FAST)
    assert_warns_here(UserWarning, r"from another fit", lambda: again.fit(X, y))
    (fit / "training_state.skrnn").write_bytes(b"not a zip")
    damaged = GRURegressor(checkpoint_dir=tmp_path, **FAST)
    assert_warns_here(UserWarning, r"could not resume", lambda: damaged.fit(X, y))


def test_load_warns_at_the_line_that_loads(tmp_path, monkeypatch):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(GRURegressor(**FAST).fit(X, y), path)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("sk_rnn.json"))
        arrays = archive.read("arrays.safetensors")
    document["sklearn_version"] = "1.0"
    document["model"]["state"]["net_"]["device"] = "cuda:0"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sk_rnn.json", json.dumps(document))
        archive.writestr("arrays.safetensors", arrays)
    assert sklearn.__version__ != "1.0"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert_warns_here(UserWarning, r"saved with scikit-learn 1.0", lambda: sk_rnn.load(path))
    assert_warns_here(UserWarning, r"torch sees no CUDA GPU here", lambda: sk_rnn.load(path))


def test_prediction_warnings_name_the_line_of_predict():
    # As in tests/test_errors.py: an IndRNN trained on 6 steps whose state can grow over 100.
    rng = np.random.RandomState(0)
    model = RNNRegressor(cell="indrnn", hidden_size=8, max_epochs=3, random_state=0)
    model.fit(rng.normal(size=(30, 6, 2)), rng.normal(size=30))
    long = rng.normal(size=(3, 100, 2))
    assert_warns_here(UserWarning, r"may be unreliable", lambda: model.predict(long))
    assert_warns_here(UserWarning, r"may be unreliable", lambda: make_pipeline(model).predict(long))


@pytest.mark.parametrize("way", ["fit", "pipeline"])
def test_the_gpu_kernel_fallback_names_the_line_of_fit(way, monkeypatch):
    from sk_rnn.modules import indrnn

    def kernels_that_fail(tensor):
        if indrnn._kernel_failures:
            return None  # as gpu_kernels does once the kernels have failed
        raise RuntimeError("Failed to find C compiler")

    # The warning comes from inside torch's module call and autograd function.
    monkeypatch.setattr(indrnn, "_kernel_failures", [])
    monkeypatch.setattr(indrnn, "gpu_kernels", kernels_that_fail)
    fit = WAYS_TO_FIT[way]
    assert_warns_here(
        RuntimeWarning,
        r"could not run its Triton kernels",
        lambda: fit(RNNRegressor(cell="indrnn", **FAST), X, y),
    )
