"""sk_rnn.save and sk_rnn.load: identical predictions, no pickle, clear refusals."""

import importlib.util
import json
import os
import pickle
import stat
import warnings
import zipfile
from collections import UserList
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
from skorch.callbacks import EpochScoring

import sk_rnn
from sk_rnn import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RNNClassifier,
    RNNRegressor,
)
from sk_rnn.datasets import load_airline
from sk_rnn.forecasting import (
    DifferencedTargetRegressor,
    ExponentialSmoothingRegressor,
    LagRidgeRegressor,
    PerSeriesScaledRegressor,
    SeasonalNaiveRegressor,
    default_forecasting_pipeline,
    forecasting_regressor,
)
from sk_rnn.preprocessing import (
    Differencer,
    SequencePadder,
    SequenceScaler,
    SequenceVectorizer,
    SlidingWindowTransformer,
    lead_target,
)

SMALL = {"hidden_size": 6, "max_epochs": 2, "random_state": 0}
RNG = np.random.RandomState(0)
SEQUENCES = RNG.randn(24, 7, 3)
RAGGED = [RNG.randn(length, 3) for length in RNG.randint(2, 9, size=24)]
LABELS = np.array(["cat", "dog", "owl"] * 8)
SERIES = np.cumsum(RNG.randn(80)) + 50


def round_trip(estimator, tmp_path, **load_kwargs):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(estimator, path)
    return sk_rnn.load(path, **load_kwargs)


@pytest.mark.parametrize(
    "estimator, X, y",
    [
        (LSTMClassifier(**SMALL), SEQUENCES, LABELS),
        (GRUClassifier(**SMALL), RAGGED, np.arange(24) % 2),
        (RNNClassifier(cell="indrnn", **SMALL), SEQUENCES, np.arange(24) % 3 == 0),
        (LSTMRegressor(**SMALL), SEQUENCES, RNG.randn(24, 2)),
        (GRURegressor(output="sequence", **SMALL), SEQUENCES, RNG.randn(24, 7)),
        (RNNRegressor(cell="rnn_relu", patch_size=3, **SMALL), SEQUENCES[:, :, 0], RNG.randn(24)),
    ],
    ids=lambda value: type(value).__name__ if hasattr(value, "fit") else "",
)
def test_a_reloaded_estimator_predicts_exactly_as_the_saved_one(estimator, X, y, tmp_path):
    estimator.fit(X, y)
    loaded = round_trip(estimator, tmp_path)
    assert type(loaded) is type(estimator)
    assert loaded.get_params() == estimator.get_params()
    expected, got = estimator.predict(X), loaded.predict(X)
    if isinstance(expected, list):  # per-step predictions on ragged input
        assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
    else:
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == expected.dtype
    if hasattr(estimator, "predict_proba"):
        np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
    assert loaded.loss_curve_ == estimator.loss_curve_
    assert loaded.history_ is loaded.net_.history and len(loaded.history_) == estimator.n_iter_


def test_a_reloaded_model_trains_again(tmp_path):
    loaded = round_trip(LSTMClassifier(**SMALL).fit(SEQUENCES, LABELS), tmp_path)
    assert loaded.fit(SEQUENCES, LABELS).score(SEQUENCES, LABELS) >= 0


@pytest.mark.parametrize(
    "transformer, X",
    [
        (SequenceScaler(), RAGGED),
        (SequencePadder(), RAGGED),
        (SlidingWindowTransformer(5), SERIES.reshape(-1, 1)),
        (Differencer(lag=2), SERIES.reshape(-1, 1)),
        (SequenceVectorizer(analyzer="char"), ["a cat", "the dog", "an owl"]),
    ],
    ids=lambda value: type(value).__name__ if hasattr(value, "fit") else "",
)
def test_a_reloaded_transformer_transforms_exactly_as_the_saved_one(transformer, X, tmp_path):
    expected = transformer.fit_transform(X)
    got = round_trip(transformer, tmp_path).transform(X)
    if isinstance(expected, list):
        assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
    else:
        np.testing.assert_array_equal(got, expected)


def test_the_recommended_forecasting_pipeline_round_trips(tmp_path):
    X, y = SERIES[:-1].reshape(-1, 1), lead_target(SERIES)
    forecaster = TransformedTargetRegressor(
        make_pipeline(
            FunctionTransformer(np.log, np.exp),
            DifferencedTargetRegressor(default_forecasting_pipeline(8, RNNRegressor(**SMALL))),
        ),
        func=np.log,
        inverse_func=np.exp,
    ).fit(X, y)
    np.testing.assert_array_equal(round_trip(forecaster, tmp_path).predict(X), forecaster.predict(X))


def test_a_text_pipeline_and_the_baselines_round_trip(tmp_path):
    texts = ["good film", "bad film", "very good", "very bad"] * 6
    text_model = make_pipeline(SequenceVectorizer(), GRUClassifier(embedding_dim=4, **SMALL))
    text_model.fit(texts, np.arange(24) % 2)
    np.testing.assert_array_equal(
        round_trip(text_model, tmp_path).predict_proba(texts), text_model.predict_proba(texts)
    )
    X, y = SERIES[:-1].reshape(-1, 1), lead_target(SERIES)
    baselines = [SeasonalNaiveRegressor(4), LagRidgeRegressor()]
    if importlib.util.find_spec("statsmodels") is not None:  # an optional dependency
        baselines.append(ExponentialSmoothingRegressor(trend=None))
    for baseline in baselines:
        model = make_pipeline(StandardScaler(), SlidingWindowTransformer(6), baseline).fit(X, y)
        np.testing.assert_array_equal(round_trip(model, tmp_path).predict(X), model.predict(X))


def test_an_unfitted_estimator_keeps_its_hyperparameters(tmp_path):
    estimator = RNNRegressor(cell="gru", optimizer=torch.optim.NAdam, learning_rate=0.02, dropout=0.0)
    loaded = round_trip(estimator, tmp_path)
    assert loaded.get_params() == estimator.get_params()
    assert not hasattr(loaded, "net_")


def test_loading_leaves_torch_global_random_state_alone(tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(LSTMClassifier(**SMALL).fit(SEQUENCES, LABELS), path)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    sk_rnn.load(path)
    assert torch.equal(torch.rand(3), expected)


# -- ColumnTransformer and the encoders of the docs' pipelines ------------------------------


def test_the_exogenous_columns_forecaster_of_the_docs_round_trips_with_its_pandas_output(tmp_path):
    # docs/forecasting.rst, "Exogenous columns": the log of one column, the calendar passed through.
    passengers = load_airline(as_frame=True).frame["passengers"].iloc[:60]
    month = passengers.index.month.to_numpy()
    frame = pd.DataFrame(
        {
            "passengers": passengers.to_numpy(),
            "month_sin": np.sin(2 * np.pi * month / 12),
            "month_cos": np.cos(2 * np.pi * month / 12),
        },
        index=passengers.index,
    )
    log_passengers = ColumnTransformer(
        [("log", FunctionTransformer(np.log, np.exp), ["passengers"])],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    model = TransformedTargetRegressor(
        make_pipeline(
            log_passengers,
            DifferencedTargetRegressor(
                default_forecasting_pipeline(6, RNNRegressor(**SMALL)), column="passengers"
            ),
        ),
        func=np.log,
        inverse_func=np.exp,
    )
    X, y = frame.iloc[:-1], lead_target(passengers)
    model.fit(X, y)
    loaded = round_trip(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    columns = loaded.regressor_.steps[0][1]
    assert columns._sklearn_output_config == {"transform": "pandas"}
    pd.testing.assert_frame_equal(columns.transform(X), model.regressor_.steps[0][1].transform(X))


def test_the_global_forecaster_with_series_codes_of_the_docs_round_trips(tmp_path):
    # docs/forecasting.rst, "Many series, one model": the codes bypass the differences and scaling.
    index = pd.MultiIndex.from_product([["a", "b", "c"], range(20)], names=["series", "time"])
    values = np.cumsum(RNG.randn(60)) + np.repeat([10.0, 100.0, 1000.0], 20)
    panel = pd.DataFrame({"value": values, "code": np.repeat([0.0, 1.0, 2.0], 20)}, index=index)
    target = lead_target(panel["value"])
    columns = ColumnTransformer(
        [
            ("value", make_pipeline(Differencer(), StandardScaler()), ["value"]),
            ("code", "passthrough", ["code"]),
        ],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    network = forecasting_regressor(
        "gru", categorical_features=[1], hidden_size=6, max_epochs=2, random_state=0
    )
    model = PerSeriesScaledRegressor(
        DifferencedTargetRegressor(
            make_pipeline(columns, SlidingWindowTransformer(6), network), column="value"
        ),
        column="value",
        passthrough=["code"],
    ).fit(panel.loc[target.index], target)
    np.testing.assert_array_equal(round_trip(model, tmp_path).predict(panel), model.predict(panel))


def test_column_transformers_keep_every_way_of_naming_columns(tmp_path):
    frame = pd.DataFrame(
        {
            "a": RNG.rand(12) + 1,
            "b": RNG.randn(12),
            "c": list("xyz") * 4,
            "d": RNG.randn(12),
            "e": RNG.randn(12),
            "f": RNG.randn(12),
        }
    )
    by_names = ColumnTransformer(
        [
            ("log", FunctionTransformer(np.log, np.exp), ["a"]),
            ("scaled", make_pipeline(Differencer(), StandardScaler()), ["b"]),
            ("codes", OneHotEncoder(sparse_output=False), make_column_selector("^c$")),
            ("mask", StandardScaler(), np.array([False, False, False, True, False, False])),
            ("numbers", StandardScaler(), make_column_selector("e", dtype_include=[np.number])),
        ],
        remainder=StandardScaler(),
    ).set_output(transform="pandas")
    by_positions = ColumnTransformer(
        [("first", StandardScaler(), [0]), ("none", "drop", slice(1, 3)), ("last", "passthrough", [4])],
        remainder="drop",
    )
    for columns, X in ((by_names, frame), (by_positions, frame[["a", "b", "d", "e", "f"]].to_numpy())):
        expected = columns.fit_transform(X)
        loaded = round_trip(columns, tmp_path)
        assert loaded.output_indices_ == columns.output_indices_
        np.testing.assert_array_equal(np.asarray(loaded.transform(X)), np.asarray(expected))
        # The hyperparameters, the selector's settings among them, fit again alike.
        np.testing.assert_array_equal(np.asarray(loaded.fit_transform(X)), np.asarray(expected))
    assert loaded.transformers[1][2] == slice(1, 3)
    pd.testing.assert_frame_equal(round_trip(by_names, tmp_path).transform(frame), by_names.transform(frame))


def test_encoders_and_imputers_keep_string_number_and_missing_categories(tmp_path):
    frame = pd.DataFrame(
        {
            "colour": ["red", "blue", None, "red", "green", "blue", "red", "red"],
            "size": [1, 2, 2, 3, 1, 1, 2, 3],
            "weight": [1.5, np.nan, 2.0, 2.0, 1.5, 3.0, np.nan, 2.0],
        }
    )
    transformers = [
        OneHotEncoder(
            sparse_output=False, drop="if_binary", min_frequency=2, handle_unknown="infrequent_if_exist"
        ),
        OneHotEncoder(dtype=np.float32, handle_unknown="ignore", sparse_output=False).set_output(
            transform="pandas"
        ),
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
        make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(sparse_output=False)),
    ]
    for transformer in transformers:
        transformer.fit(frame)
        loaded = round_trip(transformer, tmp_path)
        np.testing.assert_array_equal(
            np.asarray(loaded.transform(frame)), np.asarray(transformer.transform(frame))
        )
    assert loaded.steps[1][1].categories_[0].dtype == object
    numbers = frame[["size", "weight"]]
    imputer = SimpleImputer(strategy="median", add_indicator=True).fit(numbers)
    np.testing.assert_array_equal(
        round_trip(imputer, tmp_path).transform(numbers), imputer.transform(numbers)
    )


# -- what the safe format refuses to save -----------------------------------------------


def test_saving_a_custom_callback_is_refused_with_the_reason(tmp_path):
    estimator = LSTMClassifier(callbacks=[EpochScoring("accuracy")], **SMALL)
    with pytest.raises(TypeError, match=r"cannot store LSTMClassifier.callbacks\[0\], a skorch"):
        sk_rnn.save(estimator, tmp_path / "model.skrnn")


def test_saving_a_pipeline_with_other_scikit_learn_estimators_is_refused(tmp_path):
    model = make_pipeline(SequencePadder(), LogisticRegression())
    with pytest.raises(
        TypeError, match=r"LogisticRegression: the safe format stores sk_rnn's estimators.*skops"
    ):
        sk_rnn.save(model, tmp_path / "model.skrnn")
    with pytest.raises(TypeError, match=r"a builtins.function.*Replace it"):
        sk_rnn.save(FunctionTransformer(lambda x: x), tmp_path / "model.skrnn")
    with pytest.raises(TypeError, match=r"saves scikit-learn estimators, but got a dict"):
        sk_rnn.save({"model": 1}, tmp_path / "model.skrnn")


def test_saving_a_random_state_instance_asks_for_an_int_seed(tmp_path):
    model = make_pipeline(SequenceScaler(), GRURegressor(hidden_size=6, random_state=RNG))
    with pytest.raises(
        TypeError, match=r"cannot store Pipeline.steps\[1\]\[1\].random_state, a numpy RandomState.*int seed"
    ):
        sk_rnn.save(model, tmp_path / "model.skrnn")


def test_saving_columns_named_by_a_pandas_index_asks_for_a_list_and_needs_no_new_fit(tmp_path):
    index = pd.MultiIndex.from_product([range(12), range(5)], names=["id", "t"])
    panel = pd.DataFrame(
        {"value": np.random.RandomState(0).normal(size=60), "store": np.arange(60) // 5 % 3}, index=index
    )
    y = np.arange(12) % 3 * 1.0
    model = GRURegressor(categorical_features=panel.columns[panel.dtypes == "int64"], **SMALL).fit(panel, y)
    with pytest.raises(
        TypeError,
        match=r"GRURegressor.categorical_features, a pandas Index.*set_params\(categorical_features=list",
    ):
        sk_rnn.save(model, tmp_path / "model.skrnn")
    model.set_params(categorical_features=["store"])
    sk_rnn.save(model, tmp_path / "model.skrnn")
    np.testing.assert_array_equal(sk_rnn.load(tmp_path / "model.skrnn").predict(panel), model.predict(panel))


def test_saving_a_search_points_to_the_model_it_chose(tmp_path):
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    search = GridSearchCV(LagRidgeRegressor(), {"n_lags": [2, 3]}, cv=2)
    with pytest.raises(TypeError, match=r"cannot store GridSearchCV: .*Fit it, then save .*best_estimator_"):
        sk_rnn.save(search, tmp_path / "model.skrnn")
    X, y = SEQUENCES[:, :, 0], SEQUENCES[:, -1, 1]  # windows of one series
    search.fit(X, y)
    with pytest.raises(TypeError, match=r"cannot store GridSearchCV: .*search.best_estimator_ \(refitted"):
        sk_rnn.save(search, tmp_path / "model.skrnn")
    sk_rnn.save(search.best_estimator_, tmp_path / "model.skrnn")  # what the message suggests works
    unrefitted = RandomizedSearchCV(LagRidgeRegressor(), {"n_lags": [2, 3]}, n_iter=2, cv=2, refit=False)
    with pytest.raises(TypeError, match=r"RandomizedSearchCV: .*refit=False, so it holds no model"):
        sk_rnn.save(unrefitted.fit(X, y), tmp_path / "model.skrnn")


def first_two(X):
    return list(X.columns[:2])


def test_a_function_choosing_columns_is_refused_with_the_columns_it_chose(tmp_path):
    frame = pd.DataFrame(RNG.randn(10, 3), columns=["a", "b", "c"])
    columns = ColumnTransformer([("scaled", StandardScaler(), first_two)], remainder="passthrough")
    with pytest.raises(
        TypeError,
        match=r"cannot store ColumnTransformer.transformers\[0\] \('scaled'\): a function chooses its "
        r"columns \(.*first_two\), and the safe format holds no code\. Name the columns instead.*"
        r"make_column_selector.*Set them with set_params",
    ):
        sk_rnn.save(columns, tmp_path / "model.skrnn")
    columns.fit(frame)
    model = make_pipeline(columns, LagRidgeRegressor())
    with pytest.raises(
        TypeError, match=r"Pipeline.steps\[0\]\[1\].transformers\[0\].*in transformers_ \(here \['a', 'b'\]\)"
    ):
        sk_rnn.save(model, tmp_path / "model.skrnn")
    # The fix the message gives needs no new fit.
    columns.set_params(transformers=[("scaled", StandardScaler(), ["a", "b"])])
    sk_rnn.save(columns, tmp_path / "model.skrnn")
    np.testing.assert_array_equal(
        sk_rnn.load(tmp_path / "model.skrnn").transform(frame), columns.transform(frame)
    )


def test_remainder_columns_kept_in_a_userlist_are_saved_as_their_list(tmp_path):
    # scikit-learn 1.5 and 1.6 keep a ColumnTransformer's remainder columns in
    # a UserList (_RemainderColsList), which sk_rnn.save refused as an unknown
    # object: every model with remainder="passthrough" failed to save there.
    frame = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [4.0, 5.0, 7.0]})
    columns = ColumnTransformer([("scaled", StandardScaler(), ["a"])], remainder="passthrough").fit(frame)
    name, transformer, selected = columns._remainder
    selected = list(getattr(selected, "data", selected))  # read without the 1.6 list's warning
    columns._remainder = (name, transformer, UserList(selected))
    sk_rnn.save(columns, tmp_path / "model.skrnn")
    loaded = sk_rnn.load(tmp_path / "model.skrnn")
    assert loaded._remainder[2] == selected
    np.testing.assert_array_equal(loaded.transform(frame), columns.transform(frame))


def test_categories_that_are_neither_strings_nor_numbers_are_refused(tmp_path):
    dates = pd.DataFrame({"day": pd.to_datetime(["2020-01-01", "2020-01-02"]).astype(object)})
    # scikit-learn 1.6 keeps these categories as datetime64, later versions as Timestamps.
    with pytest.raises(
        TypeError,
        match=r"OneHotEncoder.categories_\[0\], an (object array holding a pandas.Timestamp.*strings, "
        r"numbers and missing values|array of dtype datetime64).*astype\(str\)",
    ):
        sk_rnn.save(OneHotEncoder().fit(dates), tmp_path / "model.skrnn")


def test_a_refused_save_leaves_the_existing_file_intact(tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        sk_rnn.save(FunctionTransformer(lambda x: x), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.skrnn"]  # no partial file left


def test_saving_to_a_directory_or_into_a_missing_one_says_which_path_to_pass(tmp_path):
    scaler = SequenceScaler().fit(SEQUENCES)
    with pytest.raises(IsADirectoryError, match=r"got .*, which is a directory.*such as .*model.skrnn'"):
        sk_rnn.save(scaler, tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the directory .*missing' does not exist. Create it"):
        sk_rnn.save(scaler, tmp_path / "missing" / "model.skrnn")
    assert list(tmp_path.iterdir()) == []  # no partial file left


# -- what loading refuses ------------------------------------------------------------------


class _Payload:
    """A pickle that would create a file when unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_pickle_payload_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.skrnn"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(ValueError, match=r"is not an sk_rnn model file.*only when you trust it"):
        sk_rnn.load(path)
    # The same payload inside our archive, in place of the arrays.
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    rewrite(path, arrays=pickle.dumps(_Payload(marker)))
    with pytest.raises(ValueError, match=r"is damaged: its weights cannot be read"):
        sk_rnn.load(path)
    assert not marker.exists()


def rewrite(path, edit=None, arrays=None):
    """Rewrite the archive at path, editing its JSON document or replacing its arrays."""
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("sk_rnn.json"))
        saved_arrays = archive.read("arrays.safetensors")
    if edit is not None:
        edit(document)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sk_rnn.json", json.dumps(document))
        archive.writestr("arrays.safetensors", saved_arrays if arrays is None else arrays)


def test_a_file_naming_a_class_outside_the_allow_list_is_refused(tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    rewrite(path, lambda document: document["model"].update(estimator="os.system"))
    with pytest.raises(ValueError, match=r"names the class 'os.system', which sk_rnn does not load"):
        sk_rnn.load(path)
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    rewrite(path, lambda document: document["model"]["state"].update(transform=1))
    with pytest.raises(ValueError, match=r"'transform' would replace a method"):
        sk_rnn.load(path)


def forged(document, kind, value):
    """An entry of ``kind`` in the document (its first key says its kind), given ``value``."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and next(iter(node), None) == kind:
            node[kind] = value
            return
        stack.extend(node.values() if isinstance(node, dict) else node if isinstance(node, list) else [])
    raise AssertionError(f"no {kind} entry")


@pytest.mark.parametrize(
    "kind, value, message",
    [
        (
            "estimator",
            "builtins.eval",
            r"the file names the class 'builtins.eval', which sk_rnn does not load",
        ),
        ("type", "numpy.load", r"'numpy.load' is not a numpy or builtin scalar type"),
        ("type", "builtins.type", r"'builtins.type' is not a numpy or builtin scalar type"),
        ("dtype", "V8", r"'V8' is not a dtype of numbers, strings or objects"),
        ("slice", [0, {"path": "/"}, None], r"a slice is bounded by positions or names"),
        ("object_array", [{"estimator": "os.system"}], r"the file names the class 'os.system'"),
        ("column_selector", {"pattern": [1]}, r"a column selector has a pattern and dtypes"),
    ],
)
def test_the_entries_a_column_transformer_needs_hold_only_data(kind, value, message, tmp_path):
    frame = pd.DataFrame({"size": [1.0, 2.0, 2.0], "colour": ["red", None, "blue"]})
    columns = ColumnTransformer(
        [
            ("sizes", make_pipeline(SimpleImputer(), OneHotEncoder(dtype=np.float32)), slice(0, 1)),
            ("colours", OneHotEncoder(sparse_output=False), make_column_selector("colour")),
        ]
    ).fit(frame)
    path = tmp_path / "model.skrnn"
    sk_rnn.save(columns, path)
    # The fitted transformers hold every kind of entry but the selector, which the hyperparameters do.
    entries = ("params", "transformers") if kind == "column_selector" else ("state", "transformers_")
    rewrite(path, lambda document: forged(document["model"][entries[0]][entries[1]], kind, value))
    with pytest.raises(ValueError, match=rf"damaged or was not written by sk_rnn.save: {message}"):
        sk_rnn.load(path)


def test_truncated_foreign_and_newer_files_get_clear_errors(tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(LSTMClassifier(**SMALL).fit(SEQUENCES, LABELS), path)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(ValueError, match=r"is not an sk_rnn model file, or it is truncated"):
        sk_rnn.load(path)
    path.write_text("hello")
    with pytest.raises(ValueError, match=r"is not an sk_rnn model file"):
        sk_rnn.load(path)
    path.write_bytes(content)
    rewrite(path, lambda document: document.update(format_version=99, sk_rnn_version="9.0"))
    with pytest.raises(ValueError, match=r"written by sk_rnn 9.0 in format version 99.*Upgrade sk_rnn"):
        sk_rnn.load(path)
    with pytest.raises(FileNotFoundError, match=r"found no file"):
        sk_rnn.load(tmp_path / "missing.skrnn")


@pytest.mark.parametrize("version", ["1", 1.0, True, 0, -1, None])
def test_a_format_version_no_release_writes_is_damage_not_a_newer_release(version, tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    rewrite(path, lambda document: document.update(format_version=version))
    found = "has no format_version" if version is None else f"has format_version {version!r}"
    with pytest.raises(
        ValueError, match=rf"is damaged or was not written by sk_rnn.save: .*{found}"
    ) as error:
        sk_rnn.load(path)
    assert "Upgrade" not in str(error.value)


def test_damaged_compressed_data_and_documents_that_are_not_models_are_refused(tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("sk_rnn.json")
    # The first byte of the deflated document: block type 3, which deflate reserves.
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
    content[start] |= 0b110
    path.write_bytes(bytes(content))
    with pytest.raises(ValueError, match=r"is not an sk_rnn model file, or it is truncated or damaged"):
        sk_rnn.load(path)
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    with zipfile.ZipFile(path) as archive:
        saved_arrays = archive.read("arrays.safetensors")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sk_rnn.json", "[" * 100_000 + "]" * 100_000)
        archive.writestr("arrays.safetensors", saved_arrays)
    with pytest.raises(ValueError, match=r"its sk_rnn.json is not JSON"):
        sk_rnn.load(path)
    for model in (None, [], "GRURegressor"):
        sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
        rewrite(path, lambda document, model=model: document.update(model=model))
        with pytest.raises(ValueError, match=r"damaged or was not written by sk_rnn.save: it holds a"):
            sk_rnn.load(path)


def test_loading_a_directory_or_a_training_state_names_the_model_file(tmp_path):
    model = GRURegressor(checkpoint_dir=tmp_path / "run", **SMALL).fit(SEQUENCES, RNG.randn(24))
    fit = Path(model.checkpoint_path_).parent
    with pytest.raises(IsADirectoryError, match=r"which is a directory.*It holds checkpoint.skrnn"):
        sk_rnn.load(fit)
    with pytest.raises(
        IsADirectoryError,
        match=r"It is a checkpoint_dir, with the checkpoints of 1 fit.*GRURegressor-[0-9a-f]{16}/checkpoint",
    ):
        sk_rnn.load(tmp_path / "run")
    with pytest.raises(ValueError, match=r"training state of a checkpoint.*Load checkpoint.skrnn"):
        sk_rnn.load(fit / "training_state.skrnn")
    with pytest.raises(IsADirectoryError, match=r"Pass the path of the file sk_rnn.save wrote"):
        sk_rnn.load(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_saved_file_gets_the_permissions_of_a_plain_write(tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("")
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    path.chmod(0o640)
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_saving_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path):
    releases = tmp_path / "releases"
    releases.mkdir()
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), releases / "v2.skrnn")
    link, dangling = tmp_path / "current.skrnn", tmp_path / "next.skrnn"
    try:
        link.symlink_to(os.path.join("releases", "v2.skrnn"))  # relative, as links usually are
        dangling.symlink_to(releases / "v3.skrnn")
    except OSError:
        pytest.skip("this system does not let this user create symbolic links")
    refitted = SequenceScaler().fit(SEQUENCES * 2)
    sk_rnn.save(refitted, link)
    sk_rnn.save(refitted, dangling)  # creates the file it points to, as open(path, "w") does
    assert link.is_symlink() and dangling.is_symlink()
    for saved in (releases / "v2.skrnn", releases / "v3.skrnn"):
        np.testing.assert_array_equal(sk_rnn.load(saved).transform(SEQUENCES), refitted.transform(SEQUENCES))
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "current.skrnn",
        "next.skrnn",
        "releases",
        "v2.skrnn",
        "v3.skrnn",
    ]  # no partial file left in either directory


def test_a_saved_file_is_on_disk_before_it_replaces_the_old_one(tmp_path, monkeypatch):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    events = []
    fsync, replace = os.fsync, os.replace

    def recorded_fsync(descriptor):
        events.append(("fsync", os.fstat(descriptor).st_ino))
        fsync(descriptor)

    def recorded_replace(source, destination):
        events.append(("replace", os.stat(source).st_ino))
        replace(source, destination)

    monkeypatch.setattr(os, "fsync", recorded_fsync)
    monkeypatch.setattr(os, "replace", recorded_replace)
    sk_rnn.save(SequenceScaler().fit(SEQUENCES * 2), path)
    new_file = path.stat().st_ino
    assert events.index(("fsync", new_file)) < events.index(("replace", new_file))
    if os.name == "posix":  # the rename itself is put on disk, in the directory
        assert events[-1] == ("fsync", tmp_path.stat().st_ino)


ROOT_OR_NOT_POSIX = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="POSIX permissions, which root bypasses"
)


@ROOT_OR_NOT_POSIX
def test_an_unreadable_file_is_named_with_the_fix(tmp_path):
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), tmp_path / "private.skrnn")
    (tmp_path / "private.skrnn").chmod(0)
    with pytest.raises(PermissionError, match=r"cannot read .*private.skrnn': permission denied"):
        sk_rnn.load(tmp_path / "private.skrnn")


@ROOT_OR_NOT_POSIX
def test_unwritable_paths_are_named_with_the_fix(tmp_path):
    estimator = SequenceScaler().fit(SEQUENCES)
    sk_rnn.save(estimator, tmp_path / "read_only.skrnn")
    (tmp_path / "read_only.skrnn").chmod(0o444)
    with pytest.raises(PermissionError, match=r"cannot replace .*read_only.skrnn'.*read-only"):
        sk_rnn.save(estimator, tmp_path / "read_only.skrnn")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match=r"cannot write .*model.skrnn': this user may not create"):
            sk_rnn.save(estimator, locked / "model.skrnn")
    finally:
        locked.chmod(0o755)


def test_a_model_saved_on_a_gpu_loads_on_the_cpu(tmp_path):
    estimator = GRUClassifier(**SMALL).fit(SEQUENCES, LABELS)
    path = tmp_path / "model.skrnn"
    sk_rnn.save(estimator, path)
    rewrite(path, lambda document: document["model"]["state"]["net_"].update(device="cuda:0"))
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: the CPU fallback is not taken")
    with pytest.warns(UserWarning, match=r"saved on 'cuda:0', but torch sees no CUDA GPU here"):
        loaded = sk_rnn.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(SEQUENCES), estimator.predict_proba(SEQUENCES))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sk_rnn.load(path, device="cpu")


def test_a_device_this_machine_lacks_is_refused_or_falls_back_to_the_cpu(tmp_path):
    estimator = GRUClassifier(**SMALL).fit(SEQUENCES, LABELS)
    path = tmp_path / "model.skrnn"
    sk_rnn.save(estimator, path)
    with pytest.raises(ValueError, match=r"sk_rnn.load got device='gpu', which torch does not recognise"):
        sk_rnn.load(path, device="gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"sk_rnn.load got device='cuda', but torch sees no CUDA GPU"):
            sk_rnn.load(path, device="cuda")
    with pytest.raises(ValueError, match=r"got device='meta', but meta tensors hold no values.*'cpu'"):
        sk_rnn.load(path, device="meta")
    rewrite(path, lambda document: document["model"]["state"]["net_"].update(device="meta"))
    with pytest.warns(UserWarning, match=r"saved on 'meta', which torch cannot use.*loaded on the CPU"):
        loaded = sk_rnn.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(SEQUENCES), estimator.predict_proba(SEQUENCES))
    if torch.backends.mps.is_available():
        pytest.skip("this machine has an mps device: the CPU fallback is not taken")
    rewrite(path, lambda document: document["model"]["state"]["net_"].update(device="mps"))
    with pytest.warns(UserWarning, match=r"saved on 'mps', which torch cannot use on this machine"):
        loaded = sk_rnn.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(SEQUENCES), estimator.predict_proba(SEQUENCES))


def test_a_file_from_another_scikit_learn_release_warns(tmp_path):
    path = tmp_path / "model.skrnn"
    sk_rnn.save(SequenceScaler().fit(SEQUENCES), path)
    rewrite(path, lambda document: document.update(sklearn_version="1.0"))
    with pytest.warns(UserWarning, match=r"saved with scikit-learn 1.0"):
        sk_rnn.load(path)


def test_save_and_load_are_reachable_without_importing_safetensors_first():
    import subprocess
    import sys

    code = "import sys, sk_rnn; assert 'safetensors' not in sys.modules; sk_rnn.save; print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"


def test_a_path_under_home_is_the_home_directory(tmp_path, monkeypatch):
    # "~/model.skrnn" made (or looked for) a directory named "~" in the working directory.
    home, elsewhere = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(elsewhere)
    target = SEQUENCES[:, :, 0].sum(axis=1)
    model = GRURegressor(**SMALL).fit(SEQUENCES, target)
    sk_rnn.save(model, "~/model.skrnn")
    assert (home / "model.skrnn").is_file()
    np.testing.assert_array_equal(sk_rnn.load("~/model.skrnn").predict(SEQUENCES), model.predict(SEQUENCES))
    sk_rnn.export_torchscript(model, "~/model.pt")
    assert (home / "model.pt").is_file() and not list(elsewhere.iterdir())
