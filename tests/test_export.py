"""ONNX and TorchScript exports: the same predictions as the estimator, for every cell and output."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sk_rnn import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RNNClassifier,
    RNNRegressor,
    export_onnx,
    export_torchscript,
)
from sk_rnn.preprocessing import SequenceScaler

# Loading a TorchScript file is what a user of the export does; torch 2.13 calls it deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

# Exported graphs compute in float32, as the network does; predict maps the
# outputs to float64 afterwards.
ATOL = 2e-5

SMALL = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}


def ragged(n: int = 40, n_features: int = 2, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(rng.randint(3, 17), n_features)).astype(np.float32) for _ in range(n)]


def padded(sequences: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Valid steps first, zeros after them, and the lengths: what the exported graphs read."""
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    X = np.zeros((len(sequences), lengths.max(), sequences[0].shape[1]), dtype=np.float32)
    for row, sequence in zip(X, sequences, strict=True):
        row[: len(sequence)] = sequence
    return X, lengths


def run_onnx(estimator, tmp_path, inputs: dict, *, lengths: bool) -> list[np.ndarray]:
    path = export_onnx(estimator, tmp_path / "model.onnx", lengths=lengths)
    return onnxruntime.InferenceSession(str(path)).run(None, inputs)


def run_torchscript(estimator, tmp_path, inputs: dict, *, lengths: bool) -> list[np.ndarray]:
    path = export_torchscript(estimator, tmp_path / "model.pt", lengths=lengths)
    module = torch.jit.load(str(path))
    with torch.no_grad():
        return [out.numpy() for out in module(*(torch.from_numpy(value) for value in inputs.values()))]


RUNNERS = {"onnx": run_onnx, "torchscript": run_torchscript}


def assert_labels_match(label, expected, proba):
    """Labels agree wherever the two most probable classes are not tied within float32."""
    top_two = np.sort(proba, axis=-1)[..., -2:]
    clear = top_two[..., 1] - top_two[..., 0] > 1e-4
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(np.asarray(label)[clear], np.asarray(expected)[clear])


@pytest.mark.parametrize("runner", sorted(RUNNERS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "rnn_relu", "lstm", "gru", "indrnn"])
def test_ragged_classifier_matches_predict_proba(cell, bidirectional, runner, tmp_path):
    sequences = ragged()
    y = np.array(["down", "flat", "up"])[np.arange(len(sequences)) % 3]
    clf = RNNClassifier(cell=cell, bidirectional=bidirectional, num_layers=2, patch_size=3, **SMALL)
    clf.fit(sequences, y)
    # Other sequences than those traced, padded to another length.
    new = ragged(n=9, seed=1)
    X, lengths = padded(new)
    label, proba = RUNNERS[runner](clf, tmp_path, {"X": X, "lengths": lengths}, lengths=True)
    expected = clf.predict_proba(new)
    np.testing.assert_allclose(proba, expected, atol=ATOL)
    if runner == "torchscript":  # string labels are returned as indices into classes_
        label = clf.classes_[label]
    assert_labels_match(label, clf.predict(new), expected)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_padding_values_never_count(runner, tmp_path):
    # SequencePadder pads with NaN: served after pipeline[:-1].transform, the
    # graph must read those steps as the padding that lengths says they are.
    sequences = ragged()
    clf = GRUClassifier(output="mean", bidirectional=True, **SMALL)
    clf.fit(sequences, np.arange(len(sequences)) % 2)
    new = ragged(n=9, seed=1)
    X, lengths = padded(new)
    X[np.arange(X.shape[1]) >= lengths[:, None]] = np.nan
    _, proba = RUNNERS[runner](clf, tmp_path, {"X": X, "lengths": lengths}, lengths=True)
    np.testing.assert_allclose(proba, clf.predict_proba(new), atol=ATOL)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
@pytest.mark.parametrize("batch", [1, 7, 1024])
def test_any_batch_size_and_length(batch, runner, tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 30, 3)).astype(np.float32)
    reg = LSTMRegressor(patch_size=4, **SMALL).fit(X, X[:, -5:, 0].sum(axis=1))
    # Shorter than a patch, a multiple of it, and neither (the graph was traced at 9 steps).
    for n_steps in (1, 32, 61):
        new = rng.normal(size=(batch, n_steps, 3)).astype(np.float32)
        (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": new}, lengths=False)
        np.testing.assert_allclose(prediction, reg.predict(new), rtol=1e-5, atol=ATOL)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
@pytest.mark.parametrize("input_scaling", ["sequence", "global", None])
def test_input_scaling_is_inside_the_graph(input_scaling, runner, tmp_path):
    rng = np.random.RandomState(0)
    X = (rng.normal(size=(60, 20, 2)) * [1000.0, 0.01] + [5e4, 3.0]).astype(np.float32)
    reg = GRURegressor(input_scaling=input_scaling, **SMALL).fit(X, X[:, -1, 0] * 2.0 + 7.0)
    (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": X}, lengths=False)
    np.testing.assert_allclose(prediction, reg.predict(X), rtol=1e-5)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_a_model_fitted_on_a_table_reads_one_feature_per_step(runner, tmp_path):
    # A 2-D X holds one univariate sequence per row: its columns are steps,
    # so the graph reads (batch, steps, 1), whatever n_features_in_ counts.
    rng = np.random.RandomState(0)
    table = rng.normal(size=(40, 7)).astype(np.float32)
    reg = GRURegressor(**SMALL).fit(table, table[:, -2:].sum(axis=1))
    (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": table[:, :, np.newaxis]}, lengths=False)
    np.testing.assert_allclose(prediction, reg.predict(table), rtol=1e-5, atol=ATOL)
    if runner == "onnx":
        props = {p.key: p.value for p in onnx.load(str(tmp_path / "model.onnx")).metadata_props}
        assert props["inputs"].startswith("X: float32 (batch, steps, 1) features (a table")


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_a_float64_network_exports_as_float32(runner, tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 12, 2))
    reg = RNNRegressor(cell="indrnn", precision="float64", **SMALL).fit(X, X[:, -3:, 0].sum(axis=1))
    (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": X.astype(np.float32)}, lengths=False)
    assert prediction.dtype == np.float32
    np.testing.assert_allclose(prediction, reg.predict(X), rtol=1e-5, atol=ATOL)
    assert next(reg.net_.module_.parameters()).dtype == torch.float64  # the estimator keeps its own


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_regressor_heads_give_std_and_quantiles(runner, tmp_path):
    sequences = ragged()
    y = np.array([[s[:, 0].sum(), s[:, 1].mean() * 100.0] for s in sequences])
    X, lengths = padded(sequences)
    inputs = {"X": X, "lengths": lengths}

    normal = LSTMRegressor(loss="normal", **SMALL).fit(sequences, y)
    prediction, std = RUNNERS[runner](normal, tmp_path, inputs, lengths=True)
    expected, expected_std = normal.predict(sequences, return_std=True)
    np.testing.assert_allclose(prediction, expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(std, expected_std, rtol=1e-5)

    quantile = GRURegressor(loss="quantile", quantile=[0.1, 0.9], **SMALL).fit(sequences, y[:, 0])
    prediction, quantiles = RUNNERS[runner](quantile, tmp_path, inputs, lengths=True)
    assert quantiles.shape == (len(sequences), 3)
    np.testing.assert_allclose(prediction, quantile.predict(sequences), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(quantiles, quantile.predict_quantiles(sequences), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_per_step_outputs_are_nan_at_padding(runner, tmp_path):
    sequences = ragged()
    targets = [np.cumsum(s[:, 0]) for s in sequences]
    reg = RNNRegressor(cell="indrnn", output="sequence", **SMALL).fit(sequences, targets)
    X, lengths = padded(sequences)
    (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": X, "lengths": lengths}, lengths=True)
    assert prediction.shape == X.shape[:2]
    for row, length, expected in zip(prediction, lengths, reg.predict(sequences), strict=True):
        np.testing.assert_allclose(row[:length], expected, rtol=1e-5, atol=ATOL)
        assert np.isnan(row[length:]).all()

    labels = [(target > 0).astype(int) for target in targets]
    clf = GRUClassifier(output="sequence", **SMALL).fit(sequences, labels)
    label, proba = RUNNERS[runner](clf, tmp_path, {"X": X, "lengths": lengths}, lengths=True)
    assert proba.shape == (*X.shape[:2], 2)
    for row, row_labels, length, expected in zip(
        proba, label, lengths, clf.predict_proba(sequences), strict=True
    ):
        np.testing.assert_allclose(row[:length], expected, atol=ATOL)
        assert_labels_match(row_labels[:length], expected.argmax(axis=1), expected)
        assert np.isnan(row[length:]).all()


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_token_ids_with_unseen_ids(runner, tmp_path):
    rng = np.random.RandomState(0)
    ids = rng.randint(1, 30, size=(80, 12))
    y = (ids[:, :3] > 15).sum(axis=1)  # numeric classes 0-3
    clf = LSTMClassifier(embedding_dim=4, **SMALL).fit(ids, y)
    new = rng.randint(1, 60, size=(10, 12))  # ids from 30 on were never seen
    label, proba = RUNNERS[runner](clf, tmp_path, {"X": new}, lengths=False)
    np.testing.assert_allclose(proba, clf.predict_proba(new), atol=ATOL)
    assert label.dtype == np.int64
    assert_labels_match(label, clf.predict(new), proba)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_multilabel_indicators(runner, tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 10, 2)).astype(np.float32)
    Y = np.column_stack([X[:, :, 0].sum(axis=1) > 0, X[:, :, 1].sum(axis=1) > 0]).astype(int)
    clf = GRUClassifier(**SMALL).fit(X, Y)
    label, proba = RUNNERS[runner](clf, tmp_path, {"X": X}, lengths=False)
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=ATOL)
    clear = np.abs(proba - 0.5) > 1e-4
    np.testing.assert_array_equal(label[clear], clf.predict(X)[clear])


@pytest.mark.parametrize("dtype", [np.uint16, np.uint32, np.uint64, np.int8])
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_integer_labels_of_any_width_come_back_as_they_went_in(dtype, runner, tmp_path):
    # torch's ONNX exporter cannot index unsigned tensors wider than a byte:
    # those labels are gathered from a table in the graph, as strings are.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2)).astype(np.float32)
    y = np.where(X[:, -1, 0] > 0, 7, 100).astype(dtype)
    clf = GRUClassifier(**SMALL).fit(X, y)
    label, proba = RUNNERS[runner](clf, tmp_path, {"X": X}, lengths=False)
    assert label.dtype == dtype
    assert_labels_match(label, clf.predict(X), proba)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_a_graph_without_lengths_gives_nan_for_a_sequence_holding_nan(runner, tmp_path):
    # onnxruntime's GRU operator returns a finite state from NaN steps: a
    # number read from padding would pass for a prediction.
    sequences = ragged()
    reg = GRURegressor(**SMALL).fit(sequences, [s[:, 0].sum() for s in sequences])
    X = np.stack([sequences[0][:3], sequences[1][:3]])
    X[1, 2] = np.nan
    (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": X}, lengths=False)
    np.testing.assert_allclose(prediction[0], reg.predict(X[:1])[0], atol=ATOL)
    assert np.isnan(prediction[1])


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_a_length_outside_the_steps_gives_nan_not_a_number_or_an_index_error(runner, tmp_path):
    sequences = ragged()
    reg = LSTMRegressor(bidirectional=True, **SMALL).fit(sequences, [s[:, 0].sum() for s in sequences])
    X, _ = padded(sequences[:4])
    lengths = np.array([len(sequences[0]), 0, X.shape[1] + 3, len(sequences[3])], dtype=np.int64)
    (prediction,) = RUNNERS[runner](reg, tmp_path, {"X": X, "lengths": lengths}, lengths=True)
    assert np.isnan(prediction[[1, 2]]).all()
    np.testing.assert_allclose(prediction[[0, 3]], reg.predict([sequences[0], sequences[3]]), atol=ATOL)


@pytest.mark.parametrize(("opset", "error"), [(9, ValueError), (99, ValueError), (17.0, TypeError)])
def test_an_opset_it_cannot_write_is_refused_before_tracing(opset, error, tmp_path):
    X = np.random.RandomState(0).normal(size=(20, 5, 1)).astype(np.float32)
    reg = GRURegressor(bidirectional=True, **SMALL).fit(X, X[:, -1, 0])
    with pytest.raises(error, match="opset_version"):
        export_onnx(reg, tmp_path / "m.onnx", opset_version=opset)
    assert not (tmp_path / "m.onnx").exists()
    # The oldest opset it accepts writes a graph that runs.
    path = export_onnx(reg, tmp_path / "m.onnx", opset_version=10)
    (prediction,) = onnxruntime.InferenceSession(str(path)).run(None, {"X": X})
    np.testing.assert_allclose(prediction, reg.predict(X), atol=ATOL)


def test_onnx_metadata_describes_the_model(tmp_path):
    sequences = ragged()
    y = np.array(["b", "a"])[np.arange(len(sequences)) % 2]
    clf = GRUClassifier(**SMALL).fit(sequences, y)
    model = onnx.load(str(export_onnx(clf, tmp_path / "model.onnx", lengths=True)))
    props = {prop.key: prop.value for prop in model.metadata_props}
    assert props["estimator"] == "GRUClassifier"
    assert json.loads(props["classes"]) == ["a", "b"]
    assert [i.name for i in model.graph.input] == ["X", "lengths"]
    assert [o.name for o in model.graph.output] == ["label", "probabilities"]


def test_refuses_what_it_cannot_export(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 8, 1)).astype(np.float32)
    y = X[:, -1, 0]
    with pytest.raises(NotFittedError):
        export_onnx(GRURegressor(), tmp_path / "m.onnx")
    pipeline = make_pipeline(SequenceScaler(), GRURegressor(**SMALL)).fit(X, y)
    with pytest.raises(TypeError, match=r"pipeline\[-1\]"):
        export_onnx(pipeline, tmp_path / "m.onnx")

    class Shifted(GRURegressor):
        def predict(self, X, return_std=False):
            return super().predict(X) + 1.0

    shifted = Shifted(**SMALL).fit(X, y)
    with pytest.raises(TypeError, match="overrides predict"):
        export_torchscript(shifted, tmp_path / "m.pt")
    assert not (tmp_path / "m.pt").exists()


@pytest.mark.parametrize("export", [export_onnx, export_torchscript])
def test_a_path_it_cannot_write_is_refused_with_the_fix_before_tracing(export, tmp_path):
    X = np.random.RandomState(0).normal(size=(20, 5, 1)).astype(np.float32)
    reg = GRURegressor(**SMALL).fit(X, X[:, -1, 0])
    with pytest.raises(IsADirectoryError, match=rf"{export.__name__} got .*, which is a directory"):
        export(reg, tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the directory .*missing' does not exist"):
        export(reg, tmp_path / "missing" / "model")
    if os.name == "posix" and os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        try:
            with pytest.raises(PermissionError, match=r"this user may not create files in"):
                export(reg, locked / "model")
        finally:
            locked.chmod(0o755)


def _half_written(file) -> None:
    """A write that breaks part-way: half a file, then an error."""
    with open(file, "wb") as stream:
        stream.write(b"half")
    raise RuntimeError("interrupted")


# Each step that writes or completes the file, made to fail.
BREAKS = {
    "torch.onnx.export": (torch.onnx, "export", lambda module, args, file, **kwargs: _half_written(file)),
    # torch's graph is on disk by then; it is read back, completed and checked.
    "onnx.checker": (onnx.checker, "check_model", lambda model: _half_written(os.devnull)),
    "torch.jit.save": (torch.jit, "save", lambda module, file, **kwargs: _half_written(file)),
}


@pytest.mark.parametrize(
    ("export", "step"),
    [
        (export_onnx, "torch.onnx.export"),
        (export_onnx, "onnx.checker"),
        (export_torchscript, "torch.jit.save"),
    ],
)
def test_a_failed_export_leaves_the_file_already_there_intact(export, step, tmp_path, monkeypatch):
    X = np.random.RandomState(0).normal(size=(20, 5, 1)).astype(np.float32)
    reg = GRURegressor(**SMALL).fit(X, X[:, -1, 0])
    path = tmp_path / "model"
    path.write_bytes(b"the model exported yesterday")
    monkeypatch.setattr(*BREAKS[step])
    with pytest.raises(RuntimeError, match="interrupted"):
        export(reg, path)
    assert path.read_bytes() == b"the model exported yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # no temporary file left


def test_export_leaves_the_estimator_unchanged(tmp_path):
    sequences = ragged()
    reg = RNNRegressor(cell="indrnn", bidirectional=True, **SMALL)
    reg.fit(sequences, [s.sum() for s in sequences])
    before = reg.predict(sequences)
    export_onnx(reg, tmp_path / "m.onnx", lengths=True)
    export_torchscript(reg, tmp_path / "m.pt", lengths=True)
    np.testing.assert_array_equal(reg.predict(sequences), before)
    assert reg.net_.module_.rnn.__class__.__name__ == "IndRNN"
