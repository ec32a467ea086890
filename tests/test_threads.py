"""predict and fit are safe to call from several threads at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

import sk_rnn
from sk_rnn import GRURegressor, LSTMClassifier
from sk_rnn._training.scoped_state import _SEEDED_BLOCK


def test_concurrent_predictions_equal_serial_ones():
    rng = np.random.RandomState(0)
    X = rng.randn(64, 9, 3)
    ragged = [rng.randn(length, 3) for length in rng.randint(2, 12, size=64)]
    classifier = LSTMClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, np.arange(64) % 3)
    regressor = GRURegressor(hidden_size=8, max_epochs=2, random_state=0).fit(ragged, rng.randn(64))
    expected_proba = classifier.predict_proba(X)
    expected_values = regressor.predict(ragged)

    def predict(i: int):
        if i % 2:
            return classifier.predict_proba(X)
        return regressor.predict(ragged)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(predict, range(64)))
    for i, result in enumerate(results):
        np.testing.assert_array_equal(result, expected_proba if i % 2 else expected_values)


def test_fits_in_threads_equal_serial_ones():
    # joblib's threading backend fits clones side by side in one process,
    # where torch's generator is shared: each fit must still draw its own seed's
    # weights and dropout masks.
    rng = np.random.RandomState(0)
    X = rng.randn(60, 6, 2)
    y = np.arange(60) % 2

    def fit(_: int):
        return GRURegressor(hidden_size=8, max_epochs=3, random_state=0).fit(X, y).predict(X)

    expected = fit(0)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(fit, range(4)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


def test_concurrent_predictions_leave_torchs_tf32_setting_as_they_found_it():
    # Every prediction turns cuDNN's TF32 off while it runs; the switch is one
    # per process, so overlapping predictions must not hand one another's
    # False back to the caller.
    rng = np.random.RandomState(0)
    X = rng.randn(8, 5, 2)
    model = GRURegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X, rng.randn(8))
    assert torch.backends.cudnn.allow_tf32
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: model.predict(X), range(400)))
    assert torch.backends.cudnn.allow_tf32


def test_loading_a_model_does_not_wait_for_a_fit_in_another_thread(tmp_path):
    # A model server that retrains in a background thread must still load
    # models: loading draws throwaway weights, which need no turn of their own.
    rng = np.random.RandomState(0)
    X = rng.randn(8, 5, 2)
    model = GRURegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X, rng.randn(8))
    sk_rnn.save(model, tmp_path / "model.skrnn")
    loaded = []
    with _SEEDED_BLOCK:  # as a fit running in this thread holds it
        loader = threading.Thread(target=lambda: loaded.append(sk_rnn.load(tmp_path / "model.skrnn")))
        loader.start()
        loader.join(timeout=120)  # not a timing: a load that waits for the block never ends here
        assert not loader.is_alive()
    np.testing.assert_array_equal(loaded[0].predict(X), model.predict(X))
