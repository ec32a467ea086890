"""Bad input gets a clear error naming the estimator, what was expected and the fix."""

import copy
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback, EarlyStopping, EpochTimer

from sk_rnn import LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor

FAST = {"hidden_size": 4, "max_epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 6, 3)).astype(np.float32)
    y = np.array([0, 1] * 10)
    return X, y


@pytest.fixture(scope="module")
def fitted_3d(sequences):
    X, y = sequences
    return LSTMClassifier(**FAST).fit(X, y)


@pytest.fixture(scope="module")
def fitted_2d(sequences):
    X, y = sequences
    return LSTMRegressor(**FAST).fit(X[:, :, 0], y.astype(float))


def test_one_dimensional_x_says_how_to_reshape(sequences):
    _, y = sequences
    msg = (
        r"LSTMClassifier expects X as a 2-D array .*, a 3-D array .* or a list .* "
        r"but got a 1-D array of shape \(20,\)"
    )
    with pytest.raises(ValueError, match=msg + r".*X.reshape\(1, -1\)"):
        LSTMClassifier(**FAST).fit(np.arange(20.0), y)


def test_four_dimensional_x_is_refused(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match=r"LSTMClassifier expects X as .* got a 4-D array"):
        LSTMClassifier(**FAST).fit(X[..., np.newaxis], y)


def test_empty_x_is_refused():
    with pytest.raises(ValueError, match=r"0 sample\(s\) .* required by LSTMRegressor"):
        LSTMRegressor(**FAST).fit(np.empty((0, 5)), np.empty(0))
    with pytest.raises(ValueError, match=r"0 sample\(s\) .* required by LSTMRegressor"):
        LSTMRegressor(**FAST).fit(np.empty((0, 5, 2)), np.empty(0))
    with pytest.raises(ValueError, match=r"LSTMRegressor needs at least one time step .* shape \(4, 0, 2\)"):
        LSTMRegressor(**FAST).fit(np.empty((4, 0, 2)), np.zeros(4))


@pytest.mark.parametrize(
    ("position", "value", "where"),
    [
        ((3, 2, 1), np.nan, "NaN in X at sample 3, step 2, feature 1"),
        ((0, 5, 0), np.inf, "inf in X at sample 0"),
    ],
)
def test_nan_or_inf_in_3d_x_is_located(sequences, position, value, where):
    X, y = sequences
    X = X.copy()
    X[position] = value
    with pytest.raises(ValueError, match=f"LSTMClassifier got {where}.*(impute|Impute)"):
        LSTMClassifier(**FAST).fit(X, y)


def test_nan_in_2d_x_is_refused(sequences):
    X, y = sequences
    X2 = X[:, :, 0].copy()
    X2[4, 1] = np.nan
    with pytest.raises(
        ValueError, match=r"RNNRegressor got NaN in X at sample 4, step 1\. A 2-D X .* list of 1-D arrays"
    ):
        RNNRegressor(**FAST).fit(X2, y.astype(float))


def test_values_too_large_for_float32_are_reported_as_inf(sequences):
    X, y = sequences
    X = X.astype(np.float64)
    X[1, 1, 1] = 1e300
    with pytest.raises(
        ValueError, match=r"got a value too large for float32 in X at sample 1, step 1, feature 1"
    ):
        LSTMClassifier(**FAST).fit(X, y)


@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("estimator", [LSTMClassifier(**FAST), LSTMRegressor(**FAST)], ids=type)
def test_nan_or_inf_in_y_is_refused(sequences, estimator, value):
    X, y = sequences
    y = y.astype(float)
    y[7] = value
    kind = "NaN" if np.isnan(value) else "inf"
    with pytest.raises(ValueError, match=f"{type(estimator).__name__} got {kind} in y at sample 7"):
        estimator.fit(X, y)


def test_wrong_features_per_step_at_predict(fitted_3d):
    msg = re.escape(
        "LSTMClassifier was fitted on sequences with 3 features per step, but X has 5 features per step. "
        "Pass X of shape (n_samples, n_timesteps, 3)."
    )
    with pytest.raises(ValueError, match=msg):
        fitted_3d.predict(np.zeros((2, 6, 5)))


def test_2d_x_for_a_multivariate_model(fitted_3d, sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match=r"fitted on sequences with 3 features per step, but X is 2-D"):
        fitted_3d.predict(X[:, :, 0])


def test_wrong_number_of_columns_for_a_2d_model(fitted_2d, sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="X has 4 features, but LSTMRegressor is expecting 6 features"):
        fitted_2d.predict(X[:, :4, 0])


def test_predict_before_fit(sequences):
    X, _ = sequences
    for method in ("predict", "predict_proba", "predict_log_proba", "score"):
        args = (X, np.zeros(len(X))) if method == "score" else (X,)
        with pytest.raises(NotFittedError, match="This LSTMClassifier instance is not fitted yet"):
            getattr(LSTMClassifier(), method)(*args)
    for call in (
        lambda: LSTMRegressor().predict(X, return_std=True),
        lambda: LSTMRegressor().predict_quantiles(X),
    ):
        with pytest.raises(NotFittedError, match="This LSTMRegressor instance is not fitted yet"):
            call()


def test_single_class(sequences):
    X, _ = sequences
    with pytest.raises(
        ValueError, match=r"LSTMClassifier needs at least 2 classes in y, but y has only 1 class \('a'\)"
    ):
        LSTMClassifier(**FAST).fit(X, ["a"] * len(X))


def test_continuous_target_for_a_classifier(sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        LSTMClassifier(**FAST).fit(X, np.linspace(0, 1, len(X)))


def test_missing_target(sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="LSTMRegressor requires y to be passed, but the target y is None"):
        LSTMRegressor(**FAST).fit(X, None)


def test_x_and_y_of_different_lengths(sequences):
    X, y = sequences
    with pytest.raises(
        ValueError, match="one target per sequence, but X has 20 sequences and y has 19 targets"
    ):
        LSTMClassifier(**FAST).fit(X, y[:-1])


@pytest.mark.parametrize(
    ("make_x", "message"),
    [
        # numpy cast these to ticks since 1970, or dropped the imaginary part, without a word.
        (lambda X: X.astype("datetime64[s]"), r"dates \(datetime64\) in X, but it reads numbers"),
        (lambda X: X[:, :, 0].astype("timedelta64[s]"), r"durations \(timedelta64\) in X.*np.timedelta64"),
        (lambda X: X.astype(np.complex64), r"complex numbers in X.*np.concatenate\(\[X.real, X.imag\]"),
        # pandas raised a DTypePromotionError on a table that mixed dates and numbers.
        (
            lambda X: pd.DataFrame(X[:, :, 0]).assign(when=pd.Timestamp("2024-01-01")),
            r"dates \(datetime64\) in column 'when' of X.*calendar features",
        ),
    ],
)
def test_dates_durations_and_complex_numbers_in_x_are_refused_with_the_fix(sequences, make_x, message):
    X, y = sequences
    with pytest.raises(ValueError, match="LSTMClassifier got " + message):
        LSTMClassifier(**FAST).fit(make_x(X * 100), y)


def test_ragged_sequences_with_different_features_per_step():
    X = [np.zeros((3, 2)), np.zeros((5, 3))]
    with pytest.raises(ValueError, match="sequence 0 has 2, sequence 1 has 3"):
        LSTMClassifier(**FAST).fit(X, [0, 1])


def test_empty_sequence_in_a_ragged_list():
    X = [np.zeros((3, 2)), np.zeros((0, 2))]
    with pytest.raises(ValueError, match="LSTMClassifier got an empty sequence at position 1 of X"):
        LSTMClassifier(**FAST).fit(X, [0, 1])


def test_text_in_a_ragged_list():
    with pytest.raises(
        ValueError, match=r"LSTMClassifier got text in X, but it reads numbers.*SequenceVectorizer"
    ):
        LSTMClassifier(**FAST).fit([np.array(["a", "b"]), np.array(["c"])], [0, 1])


def test_nan_inside_a_ragged_sequence():
    X = [np.zeros((3, 2)), np.array([[0.0, 1.0], [np.nan, 2.0]])]
    with pytest.raises(ValueError, match="got NaN in sequence 1 of X at step 1, feature 0"):
        LSTMClassifier(**FAST).fit(X, [0, 1])


def test_nan_last_step_of_an_equal_length_list_is_missing_not_padding():
    # A list's sequences carry their lengths: stacked, an all-NaN last step
    # was taken for padding and the sequence silently trained one step short,
    # while the same list with other lengths was refused.
    X = [np.zeros((3, 2)), np.array([[0.0, 1.0], [1.0, 2.0], [np.nan, np.nan]])]
    with pytest.raises(ValueError, match=r"got NaN in sequence 1 of X at step 2, feature 0.*already mark"):
        LSTMClassifier(**FAST).fit(X, [0, 1])
    nested = [sequence.tolist() for sequence in X]
    with pytest.raises(ValueError, match="got NaN in sequence 1 of X at step 2, feature 0"):
        LSTMClassifier(**FAST).fit(nested, [0, 1])


@pytest.mark.parametrize("shape", [(4, 3, 2), (4, 3)])
def test_pd_na_in_an_object_array_is_refused_as_nan(shape):
    # numpy cannot cast pd.NA to a float: a raw "float() argument must be ...
    # not 'NAType'" TypeError came out of check_array.
    X = np.ones(shape, dtype=object)
    X[(1, 2, 0)[: len(shape)]] = pd.NA  # one feature only: missing, not padding
    with pytest.raises(ValueError, match=r"got NaN in X at sample 1, step 2"):
        LSTMClassifier(**FAST).fit(X, [0, 1, 0, 1])


def test_partial_nan_step_in_a_padded_array(sequences):
    X, y = sequences
    X = X.copy()
    X[2, 5, 0] = np.nan  # one feature of the last step only: missing, not padding
    with pytest.raises(ValueError, match="NaN in X at sample 2, step 5, feature 0, but not in every feature"):
        LSTMClassifier(**FAST).fit(X, y)


def test_all_nan_step_between_valid_steps(sequences):
    X, y = sequences
    X = X.copy()
    X[4, 2, :] = np.nan
    with pytest.raises(ValueError, match="all-NaN step in X at sample 4, step 2, between valid steps"):
        LSTMClassifier(**FAST).fit(X, y)


def test_sequence_without_valid_step(sequences):
    X, y = sequences
    X = X.copy()
    X[6] = np.nan
    with pytest.raises(ValueError, match="every step of sample 6 of X is NaN"):
        LSTMClassifier(**FAST).fit(X, y)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        # A raw "could not convert string to float: 'high'" before.
        (np.array([1.5, "high"] * 10, dtype=object), r"got 'high' in y.*use a classifier for labels"),
        (np.arange(20).astype("datetime64[D]"), r"got dates or durations in y.*elapsed time"),
        (np.arange(20) * 1j, r"got complex numbers in y.*real and imaginary parts"),
    ],
    ids=["text", "dates", "complex"],
)
def test_a_regression_target_of_other_than_real_numbers_is_refused_with_the_fix(sequences, y, message):
    X, _ = sequences
    with pytest.raises(ValueError, match=rf"LSTMRegressor {message}"):
        LSTMRegressor(**FAST).fit(X, y)
    LSTMRegressor(**FAST).fit(X, np.arange(20).astype(str))  # numbers written as text are numbers


def test_regression_target_with_three_dimensions(sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="Found array with dim 3"):
        LSTMRegressor(**FAST).fit(X, np.zeros((20, 2, 2)))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"hidden_size": 0}, "The 'hidden_size' parameter of LSTMClassifier must be an int in the range"),
        ({"dropout": 1.0}, "The 'dropout' parameter of LSTMClassifier must be a float in the range"),
        ({"optimizer": "adagrad"}, "The 'optimizer' parameter of LSTMClassifier must be a str among"),
        ({"clip_grad_norm": 0}, "The 'clip_grad_norm' parameter"),
    ],
)
def test_invalid_hyperparameters(sequences, params, message):
    X, y = sequences
    with pytest.raises(InvalidParameterError, match=message):
        LSTMClassifier(**params).fit(X, y)


def test_unknown_cell(sequences):
    X, y = sequences
    with pytest.raises(
        InvalidParameterError, match="The 'cell' parameter of RNNClassifier must be a str among"
    ):
        RNNClassifier(cell="transformer").fit(X, y)


@pytest.mark.parametrize(
    ("estimator", "cell_params", "message"),
    [
        (
            LSTMClassifier(**FAST),
            {"input_threshold": 1.0},
            r"LSTMClassifier got cell_params=\{'input_threshold': 1.0\}, but cell='lstm' does not take "
            r"'input_threshold': it takes no options; cell='indrnn' takes 'input_threshold'. Remove",
        ),
        (
            RNNClassifier(cell="indrnn", **FAST),
            {"threshold": 1.0},
            r"cell='indrnn' does not take 'threshold': it takes 'input_threshold'",
        ),
        (
            RNNClassifier(cell="indrnn", **FAST),
            {"input_threshold": float("nan")},
            r"'input_threshold' must be a finite number >= 0, got nan",
        ),
    ],
)
def test_cell_params_the_cell_does_not_take(sequences, estimator, cell_params, message):
    X, y = sequences
    with pytest.raises(ValueError, match=message):
        estimator.set_params(cell_params=cell_params).fit(X, y)


def test_optimizer_class_that_is_not_a_torch_optimizer(sequences):
    X, y = sequences
    with pytest.raises(TypeError, match=r"LSTMClassifier got optimizer=<class 'int'>.*torch.optim.NAdam"):
        LSTMClassifier(optimizer=int, **FAST).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without a GPU")
def test_a_weight_decay_the_optimizer_class_cannot_take_is_refused(sequences):
    X, y = sequences
    # "auto" gives these 0, which is simply not passed (see test_training_defaults.py).
    with pytest.raises(
        ValueError,
        match=r"LSTMClassifier got weight_decay=0.1, but optimizer=torch.optim.Rprop takes no "
        r"weight_decay argument\. Set weight_decay=0",
    ):
        LSTMClassifier(optimizer=torch.optim.Rprop, weight_decay=0.1, **FAST).fit(X, y)


def test_an_optimizer_for_sparse_gradients_only_is_refused(sequences):
    X, y = sequences
    with pytest.raises(
        ValueError,
        match=r"LSTMClassifier got optimizer=torch.optim.SparseAdam, which updates only from "
        r"sparse gradients.*Use torch.optim.Adam",
    ):
        LSTMClassifier(optimizer=torch.optim.SparseAdam, **FAST).fit(X, y)


@pytest.mark.parametrize(
    "entry",
    ["hello", ("stop", "hello"), ("stop", EpochTimer(), 1), (1, EpochTimer())],
    ids=["a-name", "a-pair-with-a-name", "a-triple", "a-pair-with-an-int-name"],
)
def test_a_callbacks_entry_skorch_cannot_take_is_refused(sequences, entry):
    X, y = sequences
    with pytest.raises(
        TypeError,
        match=r"LSTMClassifier got callbacks\[1\]=.*must be a skorch callback.*or a \(name, "
        r"callback\) pair with a str name\. Pass the callback object itself",
    ):
        LSTMClassifier(callbacks=[EpochTimer(), entry], **FAST).fit(X, y)


def test_callback_classes_and_named_pairs_are_taken(sequences):
    X, y = sequences
    model = LSTMClassifier(callbacks=[EpochTimer, ("timer", EpochTimer()), ("unused", None)], **FAST).fit(
        X, y
    )
    assert {"EpochTimer", "timer"} <= set(dict(model.net_.callbacks_))


def test_a_callback_name_taken_twice_is_refused_with_whose_it_is(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match=r"LSTMClassifier got two callbacks named 'timer'.*its own name"):
        LSTMClassifier(callbacks=[("timer", EpochTimer()), ("timer", EpochTimer())], **FAST).fit(X, y)
    with pytest.raises(
        ValueError,
        match=r"LSTMClassifier got a callback named 'early_stopping' in callbacks, but "
        r"LSTMClassifier adds its own 'early_stopping' callback.*another name",
    ):
        stopper = ("early_stopping", EarlyStopping(monitor="train_loss"))
        LSTMClassifier(callbacks=[stopper], early_stopping=True, **FAST).fit(X, y)
    # skorch's own callbacks, which every net has, are taken names too.
    with pytest.raises(ValueError, match=r"callback named 'print_log'.*every net has .*print_log"):
        LSTMClassifier(callbacks=[("print_log", EpochTimer())], **FAST).fit(X, y)


def test_cuda_without_a_gpu(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match=r"device='cuda', but torch sees no CUDA GPU.*device='auto'"):
        LSTMClassifier(device="cuda", **FAST).fit(X, y)


def test_unrecognised_device(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match=r"LSTMClassifier got device='gpu0', which torch does not recognise"):
        LSTMClassifier(device="gpu0", **FAST).fit(X, y)


def test_the_meta_device_is_refused_before_training(sequences):
    # torch accepts "meta", but its tensors hold no values: training failed
    # with "Tensor.item() cannot be called on meta tensors".
    X, y = sequences
    with pytest.raises(ValueError, match=r"device='meta', but meta tensors hold no values.*device='cpu'"):
        LSTMClassifier(device="meta", **FAST).fit(X, y)


@pytest.mark.skipif(hasattr(torch, "xpu") and torch.xpu.is_available(), reason="needs a machine without XPU")
def test_a_device_this_torch_build_lacks(sequences):
    X, y = sequences
    with pytest.raises(ValueError, match=r"device='xpu', but torch cannot place tensors there.*device='cpu'"):
        LSTMClassifier(device="xpu", **FAST).fit(X, y)


def test_diverging_training_stops_with_advice():
    X = np.random.RandomState(0).normal(size=(64, 5, 1)) * 1e30
    y = np.arange(64.0)
    estimator = LSTMRegressor(optimizer="sgd", learning_rate=1e30, clip_grad_norm=None, max_epochs=5)
    with pytest.raises(
        ValueError, match=r"LSTMRegressor training diverged: the loss became (nan|inf) in epoch.*Scale X"
    ):
        estimator.fit(X, y)


@pytest.mark.parametrize(
    ("value", "position", "message"),
    [
        (np.nan, (0, 2, 0), "got NaN in X at sample 0, step 2, feature 0, but not in every feature"),
        (np.inf, (0, 1, 1), "got inf in X at sample 0, step 1, feature 1"),
        (1e300, (0, 3, 1), "got a value too large for float32 in X at sample 0, step 3, feature 1"),
    ],
)
def test_a_single_sequence_gets_every_check(sequences, value, position, message):
    # predict on one numpy sequence skips scikit-learn's generic probes, not the checks.
    X, y = sequences
    model = LSTMRegressor(**FAST).fit(X, y.astype(float))
    one = X[:1].astype(np.float64)
    one[position] = value
    with pytest.raises(ValueError, match=re.escape(message)):
        model.predict(one)
    with pytest.raises(ValueError, match="fitted on sequences with 3 features per step"):
        model.predict(X[:1, :, :1])


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_a_single_row_of_a_table_gets_every_check(sequences):
    import pandas as pd

    X, y = sequences
    table = pd.DataFrame(X[:, :, 0], columns=[f"lag_{i}" for i in range(X.shape[1])])
    model = LSTMRegressor(**FAST).fit(table, y.astype(float))
    with pytest.raises(ValueError, match="X has 5 features, but LSTMRegressor is expecting 6 features"):
        model.predict(X[:1, :5, 0].astype(np.float64))
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        model.predict(X[:1, :, 0])
    row = X[:1, :, 0].astype(np.float64)
    row[0, 2] = np.nan
    with pytest.raises(ValueError, match="got NaN in X at sample 0, step 2"):
        model.predict(row)


def test_indrnn_on_far_longer_sequences_warns_then_refuses_instead_of_predicting_nan():
    # Its bound lets a state double over the training length (6 steps here),
    # so over thousands of steps it overflows.
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(30, 6, 2)), rng.normal(size=30)
    model = RNNRegressor(cell="indrnn", hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    classifier = RNNClassifier(cell="indrnn", hidden_size=8, max_epochs=3, random_state=0).fit(X, y > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(rng.normal(size=(3, 6, 2)))  # the training length: no warning
    with pytest.warns(UserWarning, match=r"may be unreliable .* trained on sequences of at most 6 steps"):
        assert np.isfinite(model.predict(rng.normal(size=(3, 100, 2)))).all()
    far = rng.normal(size=(2, 3000, 2))
    for predict in (model.predict, classifier.predict, classifier.predict_proba):
        with pytest.warns(UserWarning), pytest.raises(ValueError) as error:
            predict(far)
        message = str(error.value)
        assert "not finite (NaN or infinity) for 2 of 2 sequences" in message
        assert "windows of at most 6 steps" in message


def test_outputs_that_are_not_finite_are_refused_for_every_cell(fitted_3d, sequences):
    X, _ = sequences
    broken = copy.deepcopy(fitted_3d)
    with torch.no_grad():
        broken.net_.module_.head.bias.fill_(float("nan"))
    message = r"LSTMClassifier computed outputs that are not finite .* loss_curve_"
    with pytest.raises(ValueError, match=message):
        broken.predict(X)


def test_sequences_of_one_length_with_different_features_are_named_as_such():
    same_length = [np.ones((3, 2)), np.ones((3, 3))]
    with pytest.raises(
        ValueError,
        match=r"RNNRegressor got sequences with different numbers of features per step: "
        r"sequence 0 has shape \(3, 2\), sequence 1 has shape \(3, 3\)",
    ):
        RNNRegressor(**FAST).fit(same_length, [1.0, 2.0])
    uneven_steps = [[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0]]]
    with pytest.raises(
        ValueError, match=r"a sequence whose steps have different numbers of features \(sequence 1"
    ):
        RNNRegressor(**FAST).fit(uneven_steps, [1.0, 2.0])


def test_data_laid_out_as_other_libraries_lay_it_out_gets_the_conversion(sequences):
    X, y = sequences
    # aeon and sktime store cases channels first: a univariate case is (1, T).
    with pytest.warns(
        UserWarning, match=r"shape \(20, 1, 6\): sequences of a single step.*transpose\(0, 2, 1\)"
    ):
        LSTMClassifier(**FAST).fit(X[:, :, :1].transpose(0, 2, 1), y)
    ragged = [np.zeros((3, length)) for length in (5, 7)]
    with pytest.raises(ValueError, match=r"stored channels first.*\[x\.T for x in X\]"):
        LSTMClassifier(**FAST).fit(ragged, [0, 1])
    with pytest.raises(ValueError, match=r"got an iterator \(generator\)\. Pass list\(X\)"):
        LSTMClassifier(**FAST).fit((x for x in X), y)
    with pytest.raises(ValueError, match=r"missing label \(None\) in y at sample 2"):
        LSTMClassifier(**FAST).fit(X[:4], np.array(["a", "b", None, "a"], dtype=object))
    one_hot = np.eye(2, dtype=int)[y]
    with pytest.warns(UserWarning, match=r"rows each hold exactly one 1.*y\.argmax\(axis=1\)"):
        LSTMClassifier(**FAST).fit(X, one_hot)


def test_labels_mixing_strings_and_numbers_say_how_to_convert():
    # scikit-learn's own message, "Unknown label type: unknown", names neither the cause nor the fix.
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 2)) for n in (3, 4, 5)]
    mixed = np.array([1, "a", 1], dtype=object)
    with pytest.raises(ValueError, match=r"mix strings and other values in y \('a' and 1.*astype\(str\)"):
        LSTMClassifier(**FAST).fit(X, mixed)
    per_step = [np.array([1, "a", 1], dtype=object), np.array(["a", 1, 1, "a"], dtype=object), np.ones(5)]
    with pytest.raises(ValueError, match=r"mix strings and other values in y"):
        LSTMClassifier(output="sequence", **FAST).fit(X, per_step)


def test_a_callback_that_cannot_be_copied_is_refused_with_skorchs_convention(sequences):
    # State kept in an attribute that is not a constructor argument: clone
    # passes it to __init__, which does not take it.
    class Count(Callback):
        def __init__(self):
            self.n = 0

    X, y = sequences
    with pytest.raises(
        TypeError,
        match=r"LSTMClassifier copies each callback before fitting.*unexpected keyword argument 'n'.*"
        r"attributes ending in '_'",
    ):
        LSTMClassifier(callbacks=[Count()], **FAST).fit(X, y)
