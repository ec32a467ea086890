"""Multilabel classification with a label indicator matrix, as MLPClassifier does it."""

import numpy as np
import pytest

import sk_rnn
from sk_rnn import GRUClassifier, LSTMClassifier

RNG = np.random.RandomState(0)
X = RNG.randn(300, 10, 3)
# Three independent yes/no questions about each sequence.
Y = np.column_stack([X[:, :, 0].mean(axis=1) > 0, X[:, -3:, 1].sum(axis=1) > 0, X[:, 0, 2] > 0]).astype(int)
FAST = {"hidden_size": 16, "max_epochs": 40, "random_state": 0}


def test_each_label_is_learned_as_its_own_sigmoid():
    model = GRUClassifier(**FAST).fit(X[:200], Y[:200])
    assert list(model.classes_) == [0, 1, 2]
    predicted = model.predict(X[200:])
    assert predicted.shape == (100, 3) and predicted.dtype == Y.dtype
    per_label = (predicted == Y[200:]).mean(axis=0)
    majority = np.maximum(Y[200:].mean(axis=0), 1 - Y[200:].mean(axis=0))
    assert (per_label > majority + 0.1).all(), (per_label, majority)
    proba = model.predict_proba(X[200:])
    assert proba.shape == (100, 3) and ((proba > 0) & (proba < 1)).all()
    assert not np.allclose(proba.sum(axis=1), 1)  # independent labels, not a distribution
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X[200:])), proba, rtol=1e-6)
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))


def test_multilabel_models_save_and_continue(tmp_path):
    model = LSTMClassifier(hidden_size=8, max_epochs=3, warm_start=True, random_state=0).fit(X, Y)
    sk_rnn.save(model, tmp_path / "model.skrnn")
    np.testing.assert_array_equal(
        sk_rnn.load(tmp_path / "model.skrnn").predict_proba(X), model.predict_proba(X)
    )
    model.fit(X, Y)
    assert model.n_iter_ == 6
    with pytest.raises(
        ValueError, match=r"continues training on 3 classes, but y is a label indicator matrix with 2"
    ):
        model.fit(X, Y[:, :2])
    with pytest.raises(ValueError, match=r"was trained on a label indicator matrix \(multilabel\)"):
        model.fit(X, Y[:, 0])


@pytest.mark.parametrize(
    "estimator, message",
    [
        (
            LSTMClassifier(class_weight="balanced", max_epochs=1),
            r"does not support class_weight with multilabel",
        ),
        (LSTMClassifier(output="sequence", max_epochs=1), r"output='sequence' needs one target per step"),
    ],
)
def test_what_multilabel_y_does_not_support_is_refused(estimator, message):
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, Y)


def test_partial_fit_refuses_multilabel_y():
    with pytest.raises(ValueError, match=r"partial_fit takes one label per sample; for multilabel y"):
        LSTMClassifier().partial_fit(X, Y, classes=[0, 1, 2])


@pytest.mark.parametrize("Y_other", [np.column_stack([Y[:, 0], 2 * Y[:, 1]]), np.where(Y == 1, "yes", "no")])
def test_one_class_per_column_is_refused_with_what_to_use(Y_other):
    # Several classes per sample (multiclass-multioutput), not a 0/1 indicator matrix.
    with pytest.raises(ValueError, match=r"takes one label per sample.*MultiOutputClassifier"):
        LSTMClassifier(max_epochs=1).fit(X, Y_other)
