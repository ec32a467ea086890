"""Categorical step features: learned embeddings of integer codes (a series id, a store)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

import sk_rnn
from sk_rnn import GRURegressor, LSTMClassifier, RNNRegressor
from sk_rnn.forecasting import PerSeriesScaledRegressor
from sk_rnn.preprocessing import SlidingWindowTransformer, lead_target


def offsets_task(n=600, steps=12, n_codes=40, seed=0):
    """Target: the sequence's mean plus an offset set by its code, which is no ordered quantity."""
    rng = np.random.RandomState(seed)
    table = rng.choice(1000, size=n_codes, replace=False)
    offsets = rng.normal(scale=2.0, size=n_codes)
    which = rng.randint(n_codes, size=n)
    X = np.empty((n, steps, 2))
    X[:, :, 0] = rng.normal(size=(n, steps))
    X[:, :, 1] = table[which][:, np.newaxis]
    return X, X[:, :, 0].mean(axis=1) + offsets[which]


FAST = {"hidden_size": 16, "max_epochs": 30, "random_state": 0}


def test_an_embedded_code_carries_what_its_number_cannot():
    X, y = offsets_task()
    train, test = slice(0, 450), slice(450, None)
    embedded = GRURegressor(categorical_features=[1], **FAST).fit(X[train], y[train])
    as_number = GRURegressor(**FAST).fit(X[train], y[train])
    embedded_r2 = r2_score(y[test], embedded.predict(X[test]))
    number_r2 = r2_score(y[test], as_number.predict(X[test]))
    assert embedded_r2 > 0.95
    assert embedded_r2 > number_r2 + 0.05
    assert embedded.categorical_features_.tolist() == [1]
    assert len(embedded.categories_) == 1 and len(embedded.categories_[0]) == 40
    assert embedded.categorical_embedding_dim_ == round(1.6 * 40**0.56)
    # The codes are left out of the input scaling: statistics of the numeric feature only.
    assert embedded.input_mean_.shape == (1,)


def test_unseen_codes_read_as_a_zero_embedding_and_scaling_of_codes_is_irrelevant():
    X, y = offsets_task(n=200)
    model = RNNRegressor(cell="indrnn", categorical_features=[1], **{**FAST, "max_epochs": 3})
    model.fit(X, y)
    new = X[:5].copy()
    new[:, :, 1] = 1000
    other = X[:5].copy()
    other[:, :, 1] = -7
    np.testing.assert_array_equal(model.predict(new), model.predict(other))


def test_a_boolean_mask_names_the_same_features_as_their_positions():
    X, y = offsets_task(n=100)
    settings = {**FAST, "max_epochs": 1}
    by_mask = GRURegressor(categorical_features=[False, True], **settings).fit(X, y)
    by_position = GRURegressor(categorical_features=[1], **settings).fit(X, y)
    assert by_mask.categorical_features_.tolist() == [1]
    np.testing.assert_array_equal(by_mask.predict(X), by_position.predict(X))
    # A mask of no feature is no categorical feature.
    assert (
        GRURegressor(categorical_features=[False, False], **settings).fit(X, y).categorical_features_ is None
    )


def test_codes_by_column_name_in_a_panel():
    rng = np.random.RandomState(0)
    frames = []
    for code, name in enumerate(["a", "b", "c", "d"] * 5):
        index = pd.MultiIndex.from_product([[f"{name}{code}"], range(8)], names=["instance", "time"])
        frames.append(pd.DataFrame({"value": rng.normal(size=8), "store": code % 4}, index=index))
    panel = pd.concat(frames)
    y = pd.Series(np.arange(20) % 4 * 1.0, index=panel.index.unique(level="instance"))
    clf = LSTMClassifier(categorical_features=["store"], max_epochs=40, hidden_size=8, random_state=0)
    clf.fit(panel, (y > 1).astype(int))
    assert clf.categorical_features_.tolist() == [1]
    assert clf.score(panel, (y > 1).astype(int)) == 1.0


@pytest.mark.parametrize(
    ("params", "X", "message"),
    [
        ({"categorical_features": [2]}, np.ones((10, 4, 2)), "give positions between 0 and 1"),
        ({"categorical_features": ["store"]}, np.ones((10, 4, 2)), "'store', which is not a column"),
        ({"categorical_features": [0, 1]}, np.ones((10, 4, 2)), "at least one numeric feature"),
        ({"categorical_features": [1, 1]}, np.ones((10, 4, 3)), "the same categorical feature twice"),
        ({"categorical_features": [1]}, np.full((10, 4, 2), 1.5), "got 1.5 in categorical feature 1"),
        ({"categorical_features": [0]}, np.ones((10, 4)), "X is a 2-D table"),
        ({"categorical_features": [False, True]}, np.ones((10, 4, 3)), "a boolean mask of 2 flags, but each"),
        # Database ids: float32 reads 16777216 and 16777217 as one code, so they would share a row.
        (
            {"categorical_features": [1]},
            np.dstack([np.ones((10, 4)), np.full((10, 4), 123456789)]),
            "between -16777215",
        ),
        (
            {"categorical_features": [1]},
            np.dstack([np.ones((10, 4)), np.arange(40).reshape(10, 4) % 2 + 2**24]).astype(np.int64),
            "float32, which cannot tell larger whole numbers apart",
        ),
    ],
)
def test_bad_categorical_features_are_refused_with_the_fix(params, X, message):
    with pytest.raises(ValueError, match=message):
        GRURegressor(max_epochs=1, **params).fit(X, np.ones(len(X)))


def test_fractional_codes_at_predict_are_refused():
    X, y = offsets_task(n=100)
    model = GRURegressor(categorical_features=[1], **{**FAST, "max_epochs": 1}).fit(X, y)
    bad = X[:2].copy()
    bad[0, 3, 1] = 2.5
    with pytest.raises(ValueError, match="integer codes"):
        model.predict(bad)


def test_save_load_and_export_keep_the_embeddings(tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    X, y = offsets_task(n=100)
    model = GRURegressor(categorical_features=[1], **{**FAST, "max_epochs": 2}).fit(X, y)
    sk_rnn.save(model, tmp_path / "model.skrnn")
    loaded = sk_rnn.load(tmp_path / "model.skrnn")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert [codes.tolist() for codes in loaded.categories_] == [codes.tolist() for codes in model.categories_]
    new = X[:7].astype(np.float32)
    new[0, :, 1] = 1000.0  # unseen
    session = onnxruntime.InferenceSession(str(sk_rnn.export_onnx(model, tmp_path / "model.onnx")))
    (prediction,) = session.run(None, {"X": new})
    np.testing.assert_allclose(prediction, model.predict(new), rtol=1e-5, atol=1e-5)


def test_warm_start_keeps_the_trained_embeddings_and_refuses_other_categorical_features():
    X, y = offsets_task(n=200)
    model = GRURegressor(categorical_features=[1], warm_start=True, **{**FAST, "max_epochs": 2}).fit(X, y)
    model.fit(X, y)  # continues: same codes, same embeddings table
    assert model.n_iter_ == 4
    with pytest.raises(ValueError, match="whose categorical_features is \\[1\\], but it is now None"):
        model.set_params(categorical_features=None).fit(X, y)


def test_continued_training_on_codes_the_first_fit_did_not_see_warns_that_they_stay_unlearned():
    X, y = offsets_task(n=120, n_codes=6)
    first = X[:, 0, 1] != X[0, 0, 1]  # every code but one
    small = {**FAST, "max_epochs": 1}
    model = GRURegressor(categorical_features=[1], **small).partial_fit(X[first], y[first])
    with pytest.warns(
        UserWarning, match=r"1 code\(s\) of categorical feature 1 that its first fit did not see"
    ):
        model.partial_fit(X, y)
    assert len(model.categories_[0]) == 5  # the table keeps its rows
    warm = GRURegressor(categorical_features=[1], warm_start=True, **small).fit(X[first], y[first])
    with pytest.warns(UserWarning, match=r"read as the unknown category.*warm_start=False"):
        warm.fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # predict reads unseen codes as unknown, as documented
        warm.predict(X)
        model.partial_fit(X[first], y[first])  # codes it knows


def test_a_series_code_scaled_to_a_single_value_upstream_warns_instead_of_fitting_without_it():
    rng = np.random.RandomState(0)
    index = pd.MultiIndex.from_product([["a", "b", "c"], range(20)], names=["series", "t"])
    panel = pd.DataFrame({"value": rng.normal(size=60), "code": np.repeat([0.0, 1.0, 2.0], 20)}, index=index)
    target = lead_target(panel["value"])

    def model(passthrough):
        network = GRURegressor(categorical_features=[1], **{**FAST, "max_epochs": 1})
        inner = make_pipeline(SlidingWindowTransformer(4), network)
        return PerSeriesScaledRegressor(inner, column="value", passthrough=passthrough)

    # Scaled by its own series' statistics, every series' code became 0: one embedding for all.
    with pytest.warns(
        UserWarning, match=r"single code \(0\) in categorical feature 1.*passthrough=\[\.\.\.\]"
    ):
        model(None).fit(panel.loc[target.index], target)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*single code")
        fitted = model(["code"]).fit(panel.loc[target.index], target)
    assert fitted.regressor_[-1].categories_[0].tolist() == [0.0, 1.0, 2.0]
