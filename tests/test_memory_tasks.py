"""The long-memory tasks of sk_rnn.datasets: their construction, baselines and one learned result."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits

from sk_rnn import LSTMRegressor
from sk_rnn.datasets import load_sequential_digits, make_adding_problem, make_copy_task


def test_the_adding_problem_marks_one_number_in_each_half_and_sums_them():
    X, y = make_adding_problem(n_samples=500, n_timesteps=40, random_state=0)
    assert X.shape == (500, 40, 2) and X.dtype == np.float32
    markers = X[:, :, 1]
    assert (markers.sum(axis=1) == 2).all()
    assert (markers[:, :20].sum(axis=1) == 1).all() and (markers[:, 20:].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y, (X[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    # Remembering nothing (predicting the mean sum, 1) scores about 1/6.
    _, many = make_adding_problem(n_samples=20000, n_timesteps=10, random_state=1)
    assert np.mean((many - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.01)


def test_the_copy_task_recalls_its_symbols_after_the_go_signal():
    X, y = make_copy_task(n_samples=50, n_timesteps=30, n_symbols=5, sequence_length=4, random_state=0)
    assert X.shape == (50, 39, 7) and y.shape == (50, 39)
    assert (X.sum(axis=2) == 1).all()  # one-hot
    symbols = X[:, :4, :5].argmax(axis=2)
    np.testing.assert_array_equal(y[:, -4:], symbols + 1)
    assert (y[:, :-4] == 0).all()
    assert (X[:, 34, 6] == 1).all()  # the go signal, right after the delay
    # A model that remembers nothing: blanks right everywhere, 1 in 5 of the recalled symbols.
    memoryless = 1 - 4 * (1 - 1 / 5) / 39
    guess = np.where(np.arange(39) < 35, 0, 1)  # blank, then always symbol 0
    assert np.mean(y == guess) == pytest.approx(memoryless, abs=0.02)


def test_sequential_digits_are_the_digits_pixel_by_pixel():
    X, y = load_sequential_digits(return_X_y=True)
    digits = load_digits()
    assert X.shape == (1797, 64, 1)
    np.testing.assert_array_equal(X[:, :, 0], digits.data)
    np.testing.assert_array_equal(y, digits.target)
    assert "pixel" in load_sequential_digits().DESCR


@pytest.mark.slow
def test_an_lstm_solves_the_adding_problem_over_50_steps():
    X, y = make_adding_problem(n_samples=2000, n_timesteps=50, random_state=0)
    X_test, y_test = make_adding_problem(n_samples=1000, n_timesteps=50, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LSTMRegressor(hidden_size=32, max_epochs=30, random_state=0).fit(X, y)
    # Measured: 0.00015, against 0.165 for the mean.
    assert np.mean((model.predict(X_test) - y_test) ** 2) < 0.01
