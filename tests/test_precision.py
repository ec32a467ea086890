"""Mixed precision (precision="bfloat16"): it trains and predicts as well as float32, and persists."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import InvalidParameterError

import sk_rnn
from sk_rnn import GRURegressor, LSTMClassifier, RNNRegressor


def sum_task(n=600, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 20, 2))
    return X, X[:, -5:, 0].sum(axis=1)


@pytest.mark.parametrize("cell", ["lstm", "gru", "indrnn"])
def test_bfloat16_learns_as_well_as_float32(cell):
    X, y = sum_task()
    scores = {}
    for precision in ("float32", "bfloat16"):
        model = RNNRegressor(cell=cell, precision=precision, max_epochs=20, random_state=0)
        prediction = model.fit(X[:500], y[:500]).predict(X[500:])
        assert prediction.dtype == np.float64 and np.isfinite(prediction).all()
        scores[precision] = r2_score(y[500:], prediction)
    assert scores["bfloat16"] == pytest.approx(scores["float32"], abs=0.02)
    assert scores["bfloat16"] > 0.8


def test_bfloat16_on_real_data_and_through_save_and_load(tmp_path):
    # Digits read row by row, trained long enough to settle: bfloat16 rounds
    # differently on CPUs with and without AMX, and an unsettled fit (10
    # epochs of the pixel-by-pixel task scored 0.87 on one and 0.75 on
    # another, float32 0.83) would test the CPU rather than the precision.
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8)
    models = {
        precision: LSTMClassifier(precision=precision, max_epochs=20, random_state=0).fit(X[:1200], y[:1200])
        for precision in ("float32", "bfloat16")
    }
    scores = {precision: model.score(X[1200:], y[1200:]) for precision, model in models.items()}
    assert scores["bfloat16"] == pytest.approx(scores["float32"], abs=0.03)  # measured 0.953 and 0.960
    assert scores["bfloat16"] > 0.9
    model = models["bfloat16"]
    sk_rnn.save(model, tmp_path / "model.skrnn")
    loaded = sk_rnn.load(tmp_path / "model.skrnn")
    assert loaded.precision == "bfloat16"
    np.testing.assert_array_equal(loaded.predict_proba(X[1200:]), model.predict_proba(X[1200:]))


def test_an_unknown_precision_is_refused():
    with pytest.raises(InvalidParameterError, match="precision"):
        GRURegressor(precision="float16").fit(*sum_task(n=20))


def test_float64_trains_in_double_precision_and_persists(tmp_path):
    X, y = sum_task(n=120)
    model = RNNRegressor(cell="gru", precision="float64", hidden_size=8, max_epochs=5, random_state=0)
    model.fit(X, y)
    assert all(parameter.dtype == torch.float64 for parameter in model.net_.module_.parameters())
    assert np.isfinite(model.predict(X)).all()
    sk_rnn.save(model, tmp_path / "model.skrnn")
    loaded = sk_rnn.load(tmp_path / "model.skrnn")
    assert loaded.precision == "float64"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("cls", [LSTMClassifier, RNNRegressor], ids=lambda c: c.__name__)
def test_float64_full_batches_make_integer_weights_equal_repeated_sequences(cls):
    # A weight of k trains exactly as the sequence repeated k times (0: left
    # out) when every update sees the whole data set, without dropout, in float64.
    X, y = sum_task(n=40)
    if cls is LSTMClassifier:
        y = (y > 0).astype(int)
    weights = np.tile([0, 1, 2, 3], 10)
    settings = {"precision": "float64", "batch_size": 1000, "dropout": 0.0, "hidden_size": 8}
    weighted = cls(max_epochs=5, random_state=0, **settings).fit(X, y, sample_weight=weights)
    repeated = cls(max_epochs=5, random_state=0, **settings).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    method = "predict_proba" if cls is LSTMClassifier else "predict"
    np.testing.assert_allclose(getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-10)


# Values far from zero relative to their spread: a float32 copy keeps only
# the level (1e9 rounds to multiples of 64), so the network scales them in float64.
FAR_FROM_ZERO = 1e9


@pytest.mark.parametrize(
    "settings",
    [
        {},  # input_scaling="sequence", each sequence standardised by its own deviation
        {"input_scaling": "global"},
        {"output": "sequence"},  # per-step outputs, global scaling
        {"bidirectional": True, "cell": "lstm"},
    ],
    ids=["sequence", "global", "per-step", "bidirectional"],
)
def test_an_offset_far_beyond_float32_digits_changes_nothing(settings):
    X, y = sum_task(n=120)
    X[::3, 15:] = np.nan  # ragged too
    if settings.get("output") == "sequence":
        y = np.nan_to_num(X[:, :, 0])
    base = {"cell": "gru", "hidden_size": 8, "max_epochs": 5, "random_state": 0, **settings}
    near = RNNRegressor(**base).fit(X, y)
    far = RNNRegressor(**base).fit(X + FAR_FROM_ZERO, y)
    assert far.net_.module_.scale_in_float64 and not near.net_.module_.scale_in_float64
    # Before, the far model read X rounded to 64 and its predictions differed by several units.
    # Per-step predictions of ragged sequences come one array per sequence.
    flat = lambda predictions: np.concatenate([np.ravel(p) for p in predictions])  # noqa: E731
    np.testing.assert_allclose(flat(far.predict(X + FAR_FROM_ZERO)), flat(near.predict(X)), atol=1e-4)


def test_a_list_of_float64_sequences_of_one_length_keeps_its_digits():
    # Read as float32 (check_array's first dtype for a list), the list lost the
    # spread that the 3-D array and a ragged list of the same sequences keep.
    X, y = sum_task(n=60)
    far = X + FAR_FROM_ZERO
    base = {"cell": "gru", "hidden_size": 4, "max_epochs": 2, "random_state": 0}
    from_array = RNNRegressor(**base).fit(far, y)
    from_list = RNNRegressor(**base).fit(list(far), y)
    assert from_list.net_.module_.scale_in_float64
    np.testing.assert_array_equal(from_list.predict(list(far)), from_array.predict(far))
    padded = sk_rnn.preprocessing.SequencePadder().fit_transform(list(far))
    assert padded.dtype == np.float64
    np.testing.assert_array_equal(padded, far)
    float32_list = [sequence.astype(np.float32) for sequence in X]
    assert sk_rnn.preprocessing.SequencePadder().fit_transform(float32_list).dtype == np.float32


def test_far_from_zero_inputs_keep_their_digits_through_save_categorical_and_partial_fit(tmp_path):
    X, y = sum_task(n=90)
    X[:, :, 1] = np.random.RandomState(1).randint(0, 3, size=X.shape[:2])  # category codes
    far = X.copy()
    far[:, :, 0] += FAR_FROM_ZERO
    settings = {"categorical_features": [1], "hidden_size": 8, "max_epochs": 3, "random_state": 0}
    near_model = GRURegressor(**settings).fit(X, y)
    model = GRURegressor(**settings).fit(far, y)
    np.testing.assert_allclose(model.predict(far), near_model.predict(X), atol=1e-4)
    sk_rnn.save(model, tmp_path / "model.skrnn")
    np.testing.assert_array_equal(sk_rnn.load(tmp_path / "model.skrnn").predict(far), model.predict(far))
    near_model.partial_fit(X, y)
    model.partial_fit(far, y)
    np.testing.assert_allclose(model.predict(far), near_model.predict(X), atol=1e-4)


def test_usual_data_is_scaled_in_float32_and_a_constant_sequence_needs_no_float64():
    X, y = sum_task(n=60)
    X[0] = 12345.678  # constant: standardised to zeros whatever float32 does to it
    model = RNNRegressor(hidden_size=8, max_epochs=1, random_state=0).fit(X, y)
    assert not model.net_.module_.scale_in_float64
    assert model.net_.module_.input_mean.dtype == torch.float32
    # float32 data holds no more digits than float32 keeps.
    model.fit((X + FAR_FROM_ZERO).astype(np.float32), y)
    assert not model.net_.module_.scale_in_float64


def test_exporting_a_model_that_scales_in_float64_warns_that_the_graph_is_coarser(tmp_path):
    X, y = sum_task(n=40)
    model = RNNRegressor(hidden_size=8, max_epochs=1, random_state=0).fit(X + FAR_FROM_ZERO, y)
    with pytest.warns(UserWarning, match="subtract a constant from those features"):
        sk_rnn.export_torchscript(model, tmp_path / "model.pt")


def test_exporting_a_regressor_of_targets_far_from_zero_warns_and_usual_ones_do_not(tmp_path):
    # predict adds the targets' mean in float64, the graph in float32: at 1e9
    # its predictions are rounded to multiples of 64.
    X, y = sum_task(n=40)
    model = RNNRegressor(hidden_size=8, max_epochs=1, random_state=0).fit(X, y + FAR_FROM_ZERO)
    with pytest.warns(
        UserWarning, match=r"targets lie so far from zero.*up to 59.6.*subtract a constant from y"
    ):
        sk_rnn.export_torchscript(model, tmp_path / "far.pt")
    graph = torch.jit.load(tmp_path / "far.pt")
    exported = graph(torch.as_tensor(X, dtype=torch.float32))[0].numpy()
    # What the warning is about: the graph's predictions are all multiples of 64, predict's are not.
    assert not np.any(np.remainder(exported.astype(np.float64), 64))
    assert np.all(np.remainder(model.predict(X), 64))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        sk_rnn.export_torchscript(model.fit(X, y + 1000.0), tmp_path / "usual.pt")


@pytest.mark.parametrize("form", ["table", "int64 table", "int64 list"])
def test_tables_and_integers_far_from_zero_keep_their_digits(form):
    # A 2-D table was cast to float32 before the float64 scaling could read it,
    # and integers (Unix times, ids beyond 2**24) were read as float32 in every
    # form: a GRU's training RMSE was 5.9 on such a table against 0.35 near zero.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 10)).cumsum(axis=1)
    y = X[:, -1] + X[:, -2]
    if form == "table":
        far, near = X + FAR_FROM_ZERO, X
    else:
        near = np.round(10 * X).astype(np.int64)
        far = near + 2**31
        far, near = (far, near) if form == "int64 table" else (list(far[:, :, None]), list(near[:, :, None]))
    settings = {"hidden_size": 8, "max_epochs": 5, "random_state": 0}
    near_model = GRURegressor(**settings).fit(near, y)
    model = GRURegressor(**settings).fit(far, y)
    assert model.net_.module_.scale_in_float64
    np.testing.assert_allclose(model.predict(far), near_model.predict(near), atol=1e-4)


@pytest.mark.parametrize("unit", [1e160, 1e-200])
def test_targets_of_any_magnitude_give_the_same_model(unit):
    # Squares of targets beyond about 1e154 overflow float64 and below about
    # 1e-162 underflow to 0: the target's scale must not be computed from them.
    X, y = sum_task(n=60)
    settings = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}
    reference = GRURegressor(**settings).fit(X, y).predict(X)
    scaled = GRURegressor(**settings).fit(X, y * unit).predict(X)
    np.testing.assert_allclose(scaled / unit, reference, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("input_scaling", ["sequence", "global"])
def test_a_constant_feature_reads_as_nothing_whatever_its_value(input_scaling):
    # The mean of many copies of 1e20 rounds away from 1e20; the difference,
    # read as an input of about 1e5, saturated the network.
    X, y = sum_task(n=60)
    settings = {"hidden_size": 8, "max_epochs": 2, "random_state": 0, "input_scaling": input_scaling}
    predictions = []
    for value in (0.0, 1.273e18, 1e20):
        with_constant = np.concatenate([X, np.full((*X.shape[:2], 1), value)], axis=2)
        predictions.append(GRURegressor(**settings).fit(with_constant, y).predict(with_constant))
    # The same model up to float32 rounding (a far-from-zero feature is scaled in float64).
    np.testing.assert_allclose(predictions[1], predictions[0], atol=1e-6)
    np.testing.assert_allclose(predictions[2], predictions[0], atol=1e-6)


@pytest.mark.parametrize("unit", [1e-40, 1e-300])
def test_tiny_units_give_the_same_model(unit):
    # A scale of 1e-40 is subnormal in float32 (flushed to zero in training),
    # and squares of 1e-300 underflow float64: such data is scaled in float64
    # from moments taken in units of its own magnitude.
    X, y = sum_task(n=60)
    settings = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}
    reference = GRURegressor(**settings).fit(X, y).predict(X)
    tiny = GRURegressor(**settings).fit(X * unit, y).predict(X * unit)
    np.testing.assert_allclose(tiny, reference, atol=1e-5)
