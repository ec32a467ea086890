import numpy as np
import pytest
import torch

# One torch thread: on a shared 2-core machine two threads are several times
# slower as soon as another process holds a core, and results are steadier.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def digits_sequences():
    """load_digits as 8-step sequences (one image row per step), first half / second half."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8).astype(np.float32)
    half = len(X) // 2
    return X[:half], y[:half], X[half:], y[half:]


@pytest.fixture
def fresh_accelerator_state():
    """accelerate keeps one process-wide state; a later launch must not inherit a test's.

    Skips the test where accelerate is not installed.
    """
    accelerate = pytest.importorskip("accelerate")
    yield
    accelerate.state.AcceleratorState._reset_state(reset_partial_state=True)
