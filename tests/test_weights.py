"""Sample weights: a weighted loss, per sequence or per step, reachable through metadata routing."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit, learning_curve
from sklearn.pipeline import make_pipeline

from sk_rnn import GRURegressor, LSTMClassifier, RNNRegressor
from sk_rnn.forecasting import DifferencedTargetRegressor, PerSeriesScaledRegressor
from sk_rnn.preprocessing import SequenceScaler, lead_target

FAST = {"hidden_size": 8, "max_epochs": 40, "random_state": 0}
RNG = np.random.RandomState(0)
X = RNG.randn(64, 5, 2)


def test_weights_decide_between_conflicting_targets():
    # The same sequences with target 0 (weight 1) and target 1 (weight 3): the
    # weighted squared error is smallest at the weighted mean, 0.75.
    X_twice = np.concatenate([X[:32], X[:32]])
    y = np.repeat([0.0, 1.0], 32)
    weights = np.repeat([1.0, 3.0], 32)
    model = RNNRegressor(cell="gru", **FAST).fit(X_twice, y, sample_weight=weights)
    assert model.predict(X[:32]).mean() == pytest.approx(0.75, abs=0.05)
    unweighted = RNNRegressor(cell="gru", **FAST).fit(X_twice, y)
    assert unweighted.predict(X[:32]).mean() == pytest.approx(0.5, abs=0.05)


def test_a_class_of_weight_zero_is_never_learned():
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    model = LSTMClassifier(**FAST).fit(X, y, sample_weight=np.where(y == 1, 1.0, 0.0))
    assert (model.predict(X) == 1).all()
    assert LSTMClassifier(**FAST).fit(X, y).score(X, y) > 0.9


@pytest.mark.parametrize("scale", [1e-50, 1e39])
def test_weights_of_any_scale_train_as_weights_of_one(scale):
    # The loss is a weighted mean: only the weights' ratios count. In float32,
    # 1e-50 had vanished (a loss of 0, nothing learned) and 1e39 overflowed.
    y = X[:, :, 0].sum(axis=1)
    settings = {**FAST, "max_epochs": 3}
    model = GRURegressor(**settings).fit(X, y, sample_weight=np.full(len(X), scale))
    unweighted = GRURegressor(**settings).fit(X, y)
    np.testing.assert_allclose(model.loss_curve_, unweighted.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(model.predict(X), unweighted.predict(X), rtol=1e-4, atol=1e-5)


def test_per_step_weights_decide_between_conflicting_step_targets():
    X_twice = np.concatenate([X[:32], X[:32]])
    y = np.repeat([0.0, 1.0], 32)[:, np.newaxis] * np.ones((1, 5))
    per_step = np.repeat([1.0, 3.0], 32)[:, np.newaxis] * np.ones((1, 5))
    model = GRURegressor(output="sequence", **FAST).fit(X_twice, y, sample_weight=per_step)
    assert model.predict(X[:32]).mean() == pytest.approx(0.75, abs=0.05)
    # One weight per sequence applies to each of its steps.
    per_sequence = GRURegressor(output="sequence", **FAST).fit(X_twice, y, sample_weight=per_step[:, 0])
    np.testing.assert_array_equal(per_sequence.predict(X), model.predict(X))


def test_ragged_per_step_weights_follow_their_steps():
    ragged = [RNG.randn(length, 2) for length in (3, 5, 4, 2) * 8]
    targets = [np.ones(len(sequence)) for sequence in ragged]
    weights = [np.linspace(0, 1, len(sequence)) for sequence in ragged]
    model = GRURegressor(output="sequence", hidden_size=8, max_epochs=2, random_state=0)
    model.fit(ragged, targets, sample_weight=weights)
    with pytest.raises(
        ValueError,
        match=r"one sample_weight per step: sequence 0 of X has 3 steps, but its sample_weights have",
    ):
        model.fit(ragged, targets, sample_weight=[np.ones(4)] * len(ragged))


def test_a_panel_takes_weights_indexed_by_instance():
    index = pd.MultiIndex.from_product([["a", "b", "c", "d"] * 1, range(4)], names=["id", "t"])
    panel = pd.DataFrame({"x": RNG.randn(16)}, index=index)
    y = pd.Series([0.0, 1.0, 0.0, 1.0], index=pd.Index(["a", "b", "c", "d"], name="id"))
    weights = pd.Series([0.0, 1.0, 1.0, 1.0], index=["d", "c", "b", "a"])  # another order
    model = RNNRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(panel, y, sample_weight=weights)
    assert model.predict(panel).shape == (4,)


@pytest.mark.parametrize(
    "weights, message",
    [
        (-np.ones(64), r"Negative values in data passed to .?sample_weight"),
        (np.zeros(64), r"weight.*zero|zero.*weight"),
        (np.ones(63), r"sample_weight.shape == \(63,\), expected \(64,\)"),
        # scikit-learn's "Input sample_weight contains NaN." named neither estimator nor sample.
        (np.full(64, np.nan), r"LSTMClassifier got NaN in sample_weight at sample 0.*0 leaves a sample out"),
        (pd.Series([1.0] * 63 + [None], dtype="Float64"), r"got NaN in sample_weight at sample 63"),
        # numpy read dates as ticks since 1970 and dropped imaginary parts silently.
        (np.arange(64).astype("datetime64[D]"), r"got dates or durations in sample_weight.*a number"),
        (np.ones(64) + 1j, r"got complex numbers in sample_weight"),
        (["1"] * 63 + ["heavy"], r"got 'heavy' in sample_weight.*weight of 0 or more"),
    ],
)
def test_bad_weights_are_refused_with_what_was_expected(weights, message):
    with pytest.raises(ValueError, match=message):
        LSTMClassifier(max_epochs=1).fit(X, np.arange(64) % 2, sample_weight=weights)


def test_weights_that_are_all_zero_are_refused_by_name():
    with pytest.raises(ValueError, match=r"LSTMClassifier got sample weights that are all zero"):
        LSTMClassifier(max_epochs=1).fit(X, np.arange(64) % 2, sample_weight=np.zeros(64))


def test_early_stopping_refuses_training_sequences_that_all_weigh_zero():
    # Only the held-out sequences weigh: every training loss would be 0.
    weights = np.ones(64)
    weights[:-6] = 0  # validation_fraction=0.1 holds out the last 6
    with pytest.raises(
        ValueError,
        match=r"LSTMClassifier got early_stopping=True, but every training sequence \(the first 58; "
        r"the last 6 are held out for validation\) has weight 0 \(sample_weight\).*set early_stopping=False",
    ):
        LSTMClassifier(early_stopping=True, max_epochs=1).fit(X, np.arange(64) % 2, sample_weight=weights)


def test_class_weights_that_zero_every_sequence_are_refused():
    y = np.arange(64) % 2
    with pytest.raises(
        ValueError, match=r"LSTMClassifier got weights \(class_weight\) that are 0 for every sequence"
    ):
        LSTMClassifier(class_weight={0: 0, 1: 0}, max_epochs=1).fit(X, y)
    only_class_1 = y.astype(float)
    with pytest.raises(ValueError, match=r"weights \(sample_weight times class_weight\) that are 0"):
        LSTMClassifier(class_weight={0: 1, 1: 0}, max_epochs=1).fit(X, y, sample_weight=only_class_1)


def test_a_grid_search_routes_weights_to_the_network_in_a_pipeline():
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    weights = np.where(y == 1, 1.0, 0.0)
    with sklearn.config_context(enable_metadata_routing=True):
        network = LSTMClassifier(**FAST).set_fit_request(sample_weight=True)
        # Weighted scores too; an explicit scorer says so in every scikit-learn release.
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        search = GridSearchCV(
            make_pipeline(SequenceScaler(), network),
            {"lstmclassifier__hidden_size": [8]},
            cv=2,
            scoring=scorer,
        )
        search.fit(X, y, sample_weight=weights)
    # Class 0 weighed nothing in training: the refitted model predicts class 1 only.
    assert (search.predict(X) == 1).all()


@pytest.mark.parametrize("wrapper", [DifferencedTargetRegressor, PerSeriesScaledRegressor])
def test_a_grid_search_routes_weights_through_the_forecasting_wrappers(wrapper):
    # The wrappers fit their inner regressor on a target of their own; the
    # weights must reach it, as they reach a pipeline's step.
    rng = np.random.RandomState(0)
    series = pd.Series(np.cumsum(rng.normal(size=60)))
    X, y = series.iloc[:-1].to_frame(), lead_target(series)
    weights = np.linspace(0.0, 2.0, len(X))
    with sklearn.config_context(enable_metadata_routing=True):
        inner = LinearRegression().set_fit_request(sample_weight=True)
        model = wrapper(inner).set_score_request(sample_weight=False)
        search = GridSearchCV(model, {"column": [0]}, cv=TimeSeriesSplit(2)).fit(X, y, sample_weight=weights)
        weighted = wrapper(inner).fit(X, y, sample_weight=weights)
    unweighted = wrapper(LinearRegression()).fit(X, y)
    fitted = search.best_estimator_.regressor_
    np.testing.assert_allclose(fitted.coef_, weighted.regressor_.coef_)
    assert not np.allclose(fitted.coef_, unweighted.regressor_.coef_)


def test_early_stopping_weighs_the_validation_loss_too():
    y = RNG.randn(64)
    model = RNNRegressor(early_stopping=True, hidden_size=4, max_epochs=3, random_state=0)
    model.fit(X, y, sample_weight=RNG.rand(64))
    assert len(model.validation_loss_curve_) == model.n_iter_


# -- class_weight ----------------------------------------------------------------------------


def rare_positive_class(n_samples=300):
    rng = np.random.RandomState(0)
    X = rng.randn(n_samples, 6, 2)
    y = (X[:, :, 0].sum(axis=1) + 2 * rng.randn(n_samples) > 3).astype(int)  # about 17% positive, noisy
    return X, y


def test_balanced_class_weights_raise_the_recall_of_a_rare_class():
    X, y = rare_positive_class(2000)
    train, test = slice(0, 1000), slice(1000, None)
    settings = {"hidden_size": 8, "max_epochs": 30, "random_state": 0}
    recall = {
        str(class_weight): LSTMClassifier(class_weight=class_weight, **settings)
        .fit(X[train], y[train])
        .predict(X[test])[y[test] == 1]
        .mean()
        for class_weight in (None, "balanced", {0: 1, 1: 20})
    }
    # Recall of the rare class on held-out data, measured: 0.44 unweighted,
    # 0.81 balanced, 0.90 with the positive class 20 times heavier.
    assert recall["None"] < 0.55
    assert recall["balanced"] > recall["None"] + 0.15
    assert recall["{0: 1, 1: 20}"] > recall["balanced"]


def test_class_weights_multiply_sample_weights():
    X, y = rare_positive_class()
    settings = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}
    both = LSTMClassifier(class_weight={0: 1.0, 1: 4.0}, **settings).fit(
        X, y, sample_weight=np.full(300, 0.5)
    )
    product = LSTMClassifier(**settings).fit(X, y, sample_weight=np.where(y == 1, 2.0, 0.5))
    np.testing.assert_allclose(both.predict_proba(X), product.predict_proba(X), atol=1e-6)


def test_per_step_labels_are_weighted_by_their_class():
    X_steps = RNG.randn(40, 6, 2)
    y_steps = (X_steps[:, :, 0] > 1).astype(int)
    model = LSTMClassifier(
        output="sequence", class_weight="balanced", hidden_size=8, max_epochs=2, random_state=0
    )
    assert model.fit(X_steps, y_steps).predict(X_steps).shape == (40, 6)


def test_balanced_weights_count_the_classes_a_chunk_holds():
    # partial_fit chunks (and warm-start refits) may lack a class: "balanced"
    # weighs the classes present, n_samples / (n_present * count).
    X, y = rare_positive_class()
    settings = {"hidden_size": 8, "max_epochs": 1, "random_state": 0}
    counts = np.bincount(y)
    as_dict = {0: 300 / (2 * counts[0]), 1: 300 / (2 * counts[1]), 2: 1.0}
    balanced = LSTMClassifier(class_weight="balanced", **settings).partial_fit(X, y, classes=[0, 1, 2])
    explicit = LSTMClassifier(class_weight=as_dict, **settings).partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_allclose(balanced.predict_proba(X), explicit.predict_proba(X), atol=1e-6)
    refit = LSTMClassifier(class_weight="balanced", warm_start=True, **settings).fit(X, y)
    assert refit.fit(X[y == 0][:50], y[y == 0][:50]).classes_.tolist() == [0, 1]


def test_balanced_weights_count_each_sample_by_its_weight():
    # As scikit-learn's compute_class_weight counts them: a weight of 2 balances
    # as a repeated sequence, 0 as a removed one. The counts once ignored the
    # weights, so the sequences a weight of 0 removed still set the balance.
    X, y = rare_positive_class()
    settings = {"hidden_size": 8, "max_epochs": 1, "random_state": 0}
    weights = np.where(np.arange(300) < 150, 0.0, 2.0) + (y == 1)
    totals = np.bincount(y, weights=weights)
    as_dict = {0: totals.sum() / (2 * totals[0]), 1: totals.sum() / (2 * totals[1])}
    balanced = LSTMClassifier(class_weight="balanced", **settings).fit(X, y, sample_weight=weights)
    explicit = LSTMClassifier(class_weight=as_dict, **settings).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(balanced.predict_proba(X), explicit.predict_proba(X), atol=1e-6)


def test_class_weight_keyed_by_another_type_than_the_labels_is_refused():
    X, y = rare_positive_class()
    with pytest.raises(ValueError, match=r"class_weight for \['1'\], which cannot be labels of y"):
        LSTMClassifier(max_epochs=1, class_weight={"1": 2.0}).fit(X, y)


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf, "high"])
def test_class_weights_that_are_not_finite_and_non_negative_are_refused(weight):
    # A negative weight made the loss a gain to maximise (a loss curve of 1e37);
    # NaN and infinity read as diverged training.
    y = np.arange(64) % 2
    with pytest.raises(ValueError, match=r"class_weight=\{0: .*\}, but class weights must be finite numbers"):
        LSTMClassifier(hidden_size=4, max_epochs=1, class_weight={0: weight}).fit(X, y)


def test_class_weight_for_a_class_the_training_data_lacks_is_ignored():
    # A cross-validation fold, a bagging sample or a learning curve's subset
    # may miss a rare class: its weight has nothing to weigh, as in scikit-learn.
    X, y = rare_positive_class()
    y = np.where(np.arange(300) < 10, 2, y)
    settings = {"hidden_size": 8, "max_epochs": 1, "random_state": 0}
    without_rare = y != 2
    subset = LSTMClassifier(class_weight={2: 10.0}, **settings).fit(X[without_rare], y[without_rare])
    unweighted = LSTMClassifier(**settings).fit(X[without_rare], y[without_rare])
    np.testing.assert_allclose(subset.predict_proba(X), unweighted.predict_proba(X), atol=1e-6)
    curve = learning_curve(
        LSTMClassifier(class_weight={0: 1.0, 1: 2.0, 2: 10.0}, **settings),
        X,
        y,
        train_sizes=[50],
        cv=KFold(2),
        error_score="raise",
    )
    assert np.isfinite(curve[2]).all()


def test_the_scaling_statistics_count_weights_as_repeated_sequences():
    # A weight of 2 scales X and y as the sequence repeated would, and a
    # weight of 0 as the sequence left out: the mean and deviation of the
    # input features (global scaling) and of the regression target.
    y = X[:, :, 0].sum(axis=1) * 10 + 3
    weights = np.tile([0.0, 1.0, 2.0, 3.0], 16)
    settings = {"input_scaling": "global", "hidden_size": 4, "max_epochs": 1, "random_state": 0}
    weighted = RNNRegressor(cell="gru", **settings).fit(X, y, sample_weight=weights)
    repeated = RNNRegressor(cell="gru", **settings).fit(
        np.repeat(X, weights.astype(int), axis=0), np.repeat(y, weights.astype(int))
    )
    np.testing.assert_allclose(weighted.input_mean_, repeated.input_mean_, rtol=1e-12)
    np.testing.assert_allclose(weighted.input_scale_, repeated.input_scale_, rtol=1e-12)
    np.testing.assert_allclose(weighted._y_mean, repeated._y_mean, rtol=1e-12)
    np.testing.assert_allclose(weighted._y_scale, repeated._y_scale, rtol=1e-12)
    unweighted = RNNRegressor(cell="gru", **settings).fit(X, y)
    assert not np.allclose(unweighted.input_mean_, weighted.input_mean_)


def test_per_step_weights_weigh_the_per_step_target_statistics():
    y_steps = X[:, :, 0] * 5 + 1
    step_weights = np.where(np.arange(5) < 2, 0.0, 1.0) * np.ones((64, 1))
    model = RNNRegressor(cell="gru", output="sequence", hidden_size=4, max_epochs=1, random_state=0)
    model.fit(X, y_steps, sample_weight=step_weights)
    np.testing.assert_allclose(model._y_mean, [y_steps[:, 2:].mean()], rtol=1e-12)
    np.testing.assert_allclose(model.input_mean_, X[:, 2:].reshape(-1, 2).mean(axis=0), rtol=1e-12)
