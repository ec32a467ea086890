"""Training sk_rnn's network through skorch's accelerate integration (docs/deployment.rst).

accelerate runs data-parallel training on several processes. On GPUs each
process drives one device; on CPUs the processes talk over gloo, which is
what these tests can check without a GPU.
"""

from pathlib import Path

import numpy as np
import pytest
import torch
from skorch import NeuralNetRegressor

from sk_rnn.modules import RecurrentNetwork

accelerate = pytest.importorskip("accelerate")
from skorch.hf import AccelerateMixin  # noqa: E402  (needs accelerate)

pytestmark = pytest.mark.usefixtures("fresh_accelerator_state")


class AcceleratedRegressor(AccelerateMixin, NeuralNetRegressor):
    """skorch's regressor, trained through accelerate."""


class SquaredError:
    """Mean squared error. Not a torch Module: on CPUs accelerate wraps every
    Module in DistributedDataParallel, which refuses one without parameters."""

    def __call__(self, y_pred: torch.Tensor, y_true: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.mse_loss(y_pred, y_true)


def _task() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 20, 3)).astype(np.float32)
    y = X[:, -5:, 0].sum(axis=1, keepdims=True).astype(np.float32)
    return X, y


def _network(net_class: type, **params) -> NeuralNetRegressor:
    torch.manual_seed(0)
    return net_class(
        RecurrentNetwork,
        module__input_size=3,
        module__output_size=1,
        module__cell="gru",
        module__hidden_size=16,
        criterion=SquaredError,
        optimizer=torch.optim.Adam,
        lr=1e-2,
        max_epochs=20,
        batch_size=32,
        train_split=None,
        verbose=0,
        **params,
    )


def test_one_process_through_accelerate_trains_exactly_as_skorch_alone():
    X, y = _task()
    plain = _network(NeuralNetRegressor).fit(X, y)
    accelerated = _network(
        AcceleratedRegressor, accelerator=accelerate.Accelerator(cpu=True), device=None
    ).fit(X, y)
    # After training the module is unwrapped: the plain sk_rnn network, ready to export.
    assert type(accelerated.module_) is RecurrentNetwork
    np.testing.assert_array_equal(accelerated.predict(X), plain.predict(X))


def _train_on_one_of_two_processes(directory: str) -> None:
    """One rank of a two-process run: fit, then write the rank's weights and predictions."""
    X, y = _task()
    accelerator = accelerate.Accelerator(cpu=True)
    net = _network(AcceleratedRegressor, accelerator=accelerator, device=None).fit(X, y)
    weights = torch.cat([p.detach().flatten() for p in net.module_.parameters()]).numpy()
    np.savez(
        Path(directory) / f"rank{accelerator.process_index}.npz",
        weights=weights,
        predictions=net.predict(X),
        n_processes=accelerator.num_processes,
    )


def test_two_processes_train_one_model_on_shards_of_the_batches(tmp_path):
    accelerate.debug_launcher(_train_on_one_of_two_processes, args=(str(tmp_path),), num_processes=2)
    ranks = [np.load(tmp_path / f"rank{rank}.npz") for rank in (0, 1)]
    assert [int(rank["n_processes"]) for rank in ranks] == [2, 2]
    # Gradients are averaged over the processes at every step: both hold the same model.
    np.testing.assert_array_equal(ranks[0]["weights"], ranks[1]["weights"])
    _, y = _task()
    predictions = ranks[0]["predictions"]
    assert predictions.shape == y.shape
    r2 = 1 - np.mean((predictions - y) ** 2) / np.var(y)
    assert r2 > 0.8
