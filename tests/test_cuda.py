"""The GPU path: every cell and input kind trains and predicts on CUDA, and reloads on the CPU.

Skipped on machines without a CUDA GPU (CI has none); run on one with
``pytest tests/test_cuda.py``.
"""

import pickle
import warnings
from unittest import mock

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, KFold
from skorch.callbacks import Callback

import sk_rnn
from sk_rnn import LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor
from sk_rnn.forecasting import default_forecasting_pipeline, forecasting_regressor, recursive_forecast
from sk_rnn.modules.indrnn import ElementwiseRecurrence, _backward_loop, _forward_loop, gpu_kernels

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

GPU = "cuda"
CELLS = ["rnn", "lstm", "gru", "indrnn"]
ON_GPU = {"hidden_size": 16, "max_epochs": 30, "random_state": 0, "device": GPU}


def ragged_sign_task(n: int = 240, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """Sequences of 4-12 steps whose class is the sign of their first feature's sum."""
    rng = np.random.RandomState(seed)
    X = [rng.randn(length, 2).astype(np.float32) for length in rng.randint(4, 13, size=n)]
    y = np.array(["up" if sequence[:, 0].sum() > 0 else "down" for sequence in X])
    return X, y


def network_device(estimator) -> torch.device:
    return next(estimator.net_.module_.parameters()).device


def reloaded_on_the_cpu(estimator, tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(estimator, path)
    return sk_rnn.load(path, device="cpu")


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_every_cell_learns_on_the_gpu_and_predicts_the_same_on_the_cpu(cell, bidirectional, tmp_path):
    X, y = ragged_sign_task()
    clf = RNNClassifier(cell=cell, bidirectional=bidirectional, **ON_GPU).fit(X[:160], y[:160])
    assert network_device(clf).type == GPU
    assert clf.score(X[160:], y[160:]) > 0.8
    proba = clf.predict_proba(X[160:])
    assert np.isfinite(proba).all()

    cpu = reloaded_on_the_cpu(clf, tmp_path)
    assert network_device(cpu).type == "cpu"
    np.testing.assert_allclose(cpu.predict_proba(X[160:]), proba, atol=1e-4)


def test_fit_and_predict_leave_torchs_tf32_setting_as_they_found_it():
    # They compute float32 recurrences without TF32 (which is why the GPU and
    # CPU predictions above agree), and restore the caller's choice after.
    X, y = ragged_sign_task()
    for setting in (False, True):  # True, torch's default, last
        torch.backends.cudnn.allow_tf32 = setting
        LSTMClassifier(**ON_GPU).set_params(max_epochs=1).fit(X, y).predict(X)
        assert torch.backends.cudnn.allow_tf32 is setting


@pytest.mark.parametrize("cell", CELLS)
def test_patched_regression_on_the_gpu(cell, tmp_path):
    rng = np.random.RandomState(1)
    X = rng.randn(160, 48, 2).astype(np.float32)
    y = X[:, :, 0].sum(axis=1)
    reg = RNNRegressor(cell=cell, patch_size=4, **ON_GPU).set_params(max_epochs=60).fit(X[:128], y[:128])
    assert reg.score(X[128:], y[128:]) > 0.5
    predicted = reg.predict(X[128:])
    np.testing.assert_allclose(
        reloaded_on_the_cpu(reg, tmp_path).predict(X[128:]), predicted, rtol=1e-4, atol=1e-3
    )


def test_one_output_per_step_on_the_gpu():
    rng = np.random.RandomState(1)
    X = rng.randn(128, 24, 2).astype(np.float32)
    y = np.cumsum(X[:, :, 0], axis=1)  # the running sum at every step
    reg = LSTMRegressor(output="sequence", **ON_GPU).set_params(max_epochs=60).fit(X[:96], y[:96])
    assert reg.predict(X[96:]).shape == (32, 24)
    assert reg.score(X[96:], y[96:]) > 0.5


def test_mixed_precision_on_the_gpu_learns_as_float32_does():
    X, y = ragged_sign_task()
    scores = {
        precision: LSTMClassifier(precision=precision, **ON_GPU).fit(X[:160], y[:160]).score(X[160:], y[160:])
        for precision in ("float32", "bfloat16")
    }
    assert scores["bfloat16"] > 0.8
    assert abs(scores["bfloat16"] - scores["float32"]) < 0.1


def test_token_ids_on_the_gpu():
    rng = np.random.RandomState(2)
    X = rng.randint(1, 20, size=(200, 10))
    y = (X == 7).any(axis=1).astype(int)  # does the sequence hold token 7?
    clf = LSTMClassifier(embedding_dim=8, **ON_GPU).set_params(max_epochs=40).fit(X[:150], y[:150])
    assert clf.score(X[150:], y[150:]) > 0.8


@pytest.mark.parametrize("loss", ["quantile", "normal"])
def test_interval_heads_on_the_gpu(loss):
    rng = np.random.RandomState(3)
    X = rng.randn(300, 8, 1).astype(np.float32)
    y = X[:, :, 0].sum(axis=1) + rng.randn(300)
    params = {"quantile": [0.1, 0.5, 0.9]} if loss == "quantile" else {}
    reg = LSTMRegressor(loss=loss, **params, **ON_GPU).fit(X, y)
    bands = reg.predict_quantiles(X[:50], quantiles=[0.1, 0.5, 0.9])
    assert np.isfinite(bands).all()
    assert (np.diff(bands, axis=1) >= 0).all()
    if loss == "normal":
        _, std = reg.predict(X[:50], return_std=True)
        assert (std > 0).all()


def test_recursive_forecast_with_a_gpu_pipeline():
    rng = np.random.RandomState(4)
    t = np.arange(200)
    series = 10 + np.sin(2 * np.pi * t / 12) + 0.1 * rng.randn(200)
    model = default_forecasting_pipeline(12, forecasting_regressor(device=GPU, max_epochs=30, random_state=0))
    model.fit(series[:, None][:180], series[1:181])
    forecast, intervals = recursive_forecast(model, series[:180], 12, coverage=0.8, calibration_size=30)
    assert forecast.shape == (12,) and intervals.shape == (12, 2)
    assert (intervals[:, 0] <= forecast).all() and (forecast <= intervals[:, 1]).all()
    assert np.sqrt(np.mean((forecast - series[180:192]) ** 2)) < 1.0


def test_gradient_records_and_warm_start_on_the_gpu():
    X, y = ragged_sign_task()
    clf = LSTMClassifier(record_gradients=True, warm_start=True, **ON_GPU).set_params(max_epochs=3)
    first_loss = clf.fit(X, y).history_[0]["train_loss"]
    assert np.isfinite(clf.gradient_norms_by_distance_).all()
    clf.fit(X, y)  # continues from the first fit's weights, on the GPU
    assert network_device(clf).type == GPU
    assert clf.history_[0]["train_loss"] < first_loss


class _InterruptAfterThirdEpoch(Callback):
    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 3:
            raise KeyboardInterrupt


def test_a_fit_checkpointed_on_the_gpu_resumes_on_the_cpu(tmp_path):
    # A lost GPU machine: the same fit, run again on the CPU, carries on from the GPU's epochs.
    X, y = ragged_sign_task()
    settings = {**ON_GPU, "max_epochs": 6, "checkpoint_dir": tmp_path}
    LSTMClassifier(callbacks=[_InterruptAfterThirdEpoch()], **settings).fit(X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*from another fit")
        resumed = LSTMClassifier(**{**settings, "device": "cpu"}).fit(X, y)
    assert resumed.n_iter_ == 6 and resumed.net_.epochs_run == 3
    assert network_device(resumed).type == "cpu"


def test_grid_search_and_pickle_on_the_gpu():
    X, y = ragged_sign_task()
    search = GridSearchCV(
        RNNClassifier(cell="gru", **ON_GPU).set_params(max_epochs=5), {"hidden_size": [8, 16]}, cv=KFold(2)
    ).fit(X, y)
    expected = search.predict(X)
    restored = pickle.loads(pickle.dumps(search))
    with warnings.catch_warnings():
        # cuDNN's weights stay packed in one buffer through the pickle.
        warnings.filterwarnings("error", message=".*single contiguous chunk of memory")
        np.testing.assert_array_equal(restored.predict(X), expected)


@pytest.mark.parametrize("n_steps", [1, 40])
def test_indrnn_kernels_have_autograds_gradients_on_the_gpu(n_steps):
    pytest.importorskip("triton")
    projected = torch.randn(3, n_steps, 70, dtype=torch.float64, device=GPU, requires_grad=True)
    u = torch.empty(70, dtype=torch.float64, device=GPU).uniform_(-1, 1).requires_grad_()
    assert gpu_kernels(projected) is not None
    assert torch.autograd.gradcheck(ElementwiseRecurrence.apply, (projected, u))


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_indrnn_kernels_equal_the_step_loops_over_long_sequences(dtype):
    pytest.importorskip("triton")
    torch.manual_seed(0)
    projected = torch.randn(16, 3000, 96, device=GPU).to(dtype)
    u = torch.empty(96, device=GPU).uniform_(0.9, 1.0)  # long memory: errors would accumulate
    out = ElementwiseRecurrence.apply(projected, u)
    torch.testing.assert_close(out, _forward_loop(projected.float(), u).to(dtype))
    grad_out = torch.randn_like(out)
    grad_projected, grad_u = ElementwiseRecurrence.backward(mock.Mock(saved_tensors=(out, u)), grad_out)
    expected_projected, expected_u = _backward_loop(grad_out.float(), out.float(), u)
    torch.testing.assert_close(grad_projected, expected_projected.to(dtype))
    torch.testing.assert_close(grad_u, expected_u, rtol=1e-3, atol=1e-2)
