"""Writing the serving module as an ONNX model or a TorchScript file.

Both go through TorchScript tracing. ``torch.export`` (and the ONNX exporter
built on it) fixes the number of steps of torch's recurrent layers to the
example's (torch 2.13 fails with ``Guard failed: x.size()[1] == 10``), while
a traced graph keeps ``aten::lstm`` (ONNX ``LSTM``) as one operator that reads
any number of steps. The exported files therefore take any batch size and
any sequence length.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import numbers
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .._data.parsing import features_per_step
from .._persistence.files import check_writable_file, write_replacing
from .serving import ServingModule, check_exportable

__all__ = ["export_onnx", "export_torchscript"]

# The ONNX opset of the exported graphs: onnxruntime 1.17 (2024) and later run it.
DEFAULT_OPSET = 17
# The oldest opset the graphs can be written in: the backward direction of a
# bidirectional network needs Flip-like slicing that torch writes from opset 10.
MIN_OPSET = 10


def _version() -> str:
    from .. import __version__

    return __version__


@contextlib.contextmanager
def _quiet_tracing() -> Iterator[None]:
    """Silence torch's notices that TorchScript tracing is deprecated in favour of torch.export.

    The deprecation concerns the tracer, not the files: see the module
    docstring for why tracing is the route that keeps the sequence length
    dynamic. Tracer warnings about the graph itself are not silenced.
    """
    with warnings.catch_warnings():
        for notice in (".*torch.jit.trace", ".*legacy TorchScript-based ONNX"):
            warnings.filterwarnings("ignore", category=DeprecationWarning, message=notice)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.")
        # torch's recurrent layers check their input's shape in Python; the
        # check passes for the example and is not part of the graph.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning, module=r"torch\.nn\.modules\.rnn")
        # About initial states (h0, c0) given as inputs; the graph has none, and
        # tests/test_export.py runs batch sizes other than the traced one.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size other than 1")
        yield


def _example_inputs(module: ServingModule, n_features: int, with_lengths: bool) -> tuple[torch.Tensor, ...]:
    """A batch to trace with: 2 sequences of a length that is no multiple of the patch size."""
    n_steps = 2 * module.network.patch_size + 1
    if module.vocab_size is not None:
        X = torch.ones(2, n_steps, dtype=torch.int64)
    else:
        X = torch.zeros(2, n_steps, n_features)
    return (X, torch.tensor([n_steps, n_steps - 1])) if with_lengths else (X,)


def _input_names(with_lengths: bool) -> list[str]:
    return ["X", "lengths"] if with_lengths else ["X"]


def _description(estimator: Any, module: ServingModule, with_lengths: bool) -> dict[str, str]:
    """What the file holds and how to call it, stored with the graph."""
    tokens = module.vocab_size is not None
    inputs = (
        "X: int64 token ids (batch, steps)"
        if tokens
        else f"X: float32 (batch, steps, {features_per_step(estimator)}) features"
    )
    if not tokens and estimator._fitted_on_2d:
        inputs += " (a table of univariate sequences, (batch, steps), reshaped to (batch, steps, 1))"
    if with_lengths:
        inputs += "; lengths: int64 (batch,), the valid steps of each sequence, which come first"
    description = {
        "producer": f"sk_rnn {_version()}",
        "estimator": type(estimator).__name__,
        "inputs": inputs,
        "outputs": ", ".join(module.output_names),
    }
    if hasattr(estimator, "classes_"):
        description["classes"] = json.dumps(np.asarray(estimator.classes_).tolist())
    if getattr(estimator, "quantiles_", None) is not None:
        description["quantiles"] = json.dumps(estimator.quantiles_.tolist())
    return description


def export_torchscript(estimator: Any, path: str | os.PathLike, *, lengths: bool = False) -> Path:
    """Write a fitted estimator's predictions as a TorchScript file that runs without sk_rnn.

    The file holds the whole computation of ``predict`` (and
    ``predict_proba``, ``predict_quantiles`` or the standard deviation, as
    the estimator has them) from a padded batch: input scaling, patches, the
    recurrent layers, the head and the mapping to labels or to the target's
    units. ``torch.jit.load(path)`` returns a module that takes any batch size
    and any number of steps.

    Parameters
    ----------
    estimator : fitted sk_rnn estimator
        A classifier or regressor of sk_rnn (for a pipeline, its last step).
    path : str or path-like
        Where to write the file (conventionally ``.pt``). A file already there is replaced
        only once the new one is complete.
    lengths : bool, default=False
        Whether the module takes a second input, ``lengths`` (int64, one per
        sequence): the number of valid steps of each sequence, which come
        first, the padding after them being ignored; a length outside 1 to
        the steps of ``X`` gives that sequence NaN outputs. Without it
        every step of ``X`` is read, and a sequence holding NaN (padding,
        say) gets NaN outputs (its ``label`` then means nothing).

    Returns
    -------
    pathlib.Path
        The path written.

    See Also
    --------
    export_onnx : The same graph as an ONNX model.

    Notes
    -----
    The module returns a tuple of tensors: ``(label, probabilities)`` for a
    classifier (``label`` is the index into ``classes_`` when the classes
    are not numbers; the classes are stored in the file's
    ``sk_rnn.json`` extra file), ``(prediction,)`` for a regressor, with
    ``std`` (``loss="normal"``) or ``quantiles`` (several quantiles) after
    it. With ``output="sequence"`` every output has a step axis after the
    batch axis, NaN at padding steps.

    Examples
    --------
    >>> import numpy as np, tempfile, torch
    >>> from sk_rnn import GRURegressor, export_torchscript
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(64, 12, 2)).astype(np.float32)
    >>> reg = GRURegressor(hidden_size=8, max_epochs=2, random_state=0).fit(X, X[:, -1, 0])
    >>> path = export_torchscript(reg, tempfile.mkdtemp() + "/model.pt")
    >>> (prediction,) = torch.jit.load(path)(torch.from_numpy(X))
    >>> bool(np.allclose(prediction.numpy(), reg.predict(X), atol=1e-5))
    True
    """
    check_exportable(estimator, "export_torchscript")
    path = Path(path).expanduser()  # "~" is the home directory, as in a shell
    check_writable_file(path, "export_torchscript", "model.pt")
    module = ServingModule(estimator)
    example = _example_inputs(module, features_per_step(estimator), lengths)
    with _quiet_tracing(), torch.no_grad():
        traced = torch.jit.trace(module, example, check_trace=False)
    extra_files = {"sk_rnn.json": json.dumps(_description(estimator, module, lengths))}

    def write(temporary: Path) -> None:
        with _quiet_tracing():  # torch.jit.save is deprecated with the tracer
            torch.jit.save(traced, str(temporary), _extra_files=extra_files)

    write_replacing(path, write, "export_torchscript")
    return path


def export_onnx(
    estimator: Any, path: str | os.PathLike, *, lengths: bool = False, opset_version: int = DEFAULT_OPSET
) -> Path:
    """Write a fitted estimator's predictions as an ONNX model, for onnxruntime and other runtimes.

    The graph holds the whole computation of ``predict`` (and
    ``predict_proba``, ``predict_quantiles`` or the standard deviation, as
    the estimator has them) from a padded batch: input scaling, patches, the
    recurrent layers (ONNX ``LSTM``, ``GRU`` and ``RNN`` operators; IndRNN as
    a ReLU ``RNN`` whose recurrent matrix is diagonal), the head and the
    mapping to class labels (strings included) or to the target's units.
    Its batch and sequence axes are dynamic. Needs the ``onnx`` package
    (``pip install onnx onnxruntime``).

    Parameters
    ----------
    estimator : fitted sk_rnn estimator
        A classifier or regressor of sk_rnn (for a pipeline, its last step).
    path : str or path-like
        Where to write the model (conventionally ``.onnx``). A file already there is replaced
        only once the new one is complete.
    lengths : bool, default=False
        Whether the graph takes a second input, ``lengths`` (int64, one per
        sequence): the number of valid steps of each sequence, which come
        first, the padding after them being ignored; a length outside 1 to
        the steps of ``X`` gives that sequence NaN outputs. Without it
        every step of ``X`` is read, and a sequence holding NaN (padding,
        say) gets NaN outputs (its ``label`` then means nothing).
    opset_version : int, default=17
        The ONNX operator set to write: 10 or newer, up to the newest the
        installed torch writes (23 for torch 2.13).

    Returns
    -------
    pathlib.Path
        The path written.

    See Also
    --------
    export_torchscript : The same graph as a TorchScript file.

    Notes
    -----
    Inputs: ``X``, float32 ``(batch, steps, n_features)`` (int64 token ids
    ``(batch, steps)`` for a network with ``embedding_dim``), and ``lengths``
    when asked for. Outputs: ``label`` and ``probabilities`` for a
    classifier; ``prediction``, and ``std`` (``loss="normal"``) or
    ``quantiles`` (several quantiles), for a regressor. With
    ``output="sequence"`` every output has a step axis after the batch axis,
    NaN at padding steps. The model's metadata (``metadata_props``) records
    the estimator, the inputs, the outputs and the classes.

    Examples
    --------
    >>> import numpy as np, tempfile, onnxruntime
    >>> from sk_rnn import LSTMClassifier, export_onnx
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(64, 12, 2)).astype(np.float32)
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> clf = LSTMClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    >>> path = export_onnx(clf, tempfile.mkdtemp() + "/model.onnx")
    >>> session = onnxruntime.InferenceSession(path)
    >>> label, proba = session.run(None, {"X": X[:3]})
    >>> bool((label == clf.predict(X[:3])).all())
    True
    >>> bool(np.allclose(proba, clf.predict_proba(X[:3]), atol=1e-5))
    True
    """
    check_exportable(estimator, "export_onnx")
    try:
        import onnx
    except ImportError as error:
        raise ImportError("export_onnx needs the onnx package: pip install onnx onnxruntime") from error
    _check_opset(opset_version)
    path = Path(path).expanduser()  # "~" is the home directory, as in a shell
    check_writable_file(path, "export_onnx", "model.onnx")
    module = ServingModule(estimator)
    if _unsigned_labels(estimator):
        # torch's ONNX exporter cannot index a uint16, uint32 or uint64
        # tensor: such labels are gathered from a table in the graph, as
        # strings are.
        module.outputs.numeric_labels = False
    example = _example_inputs(module, features_per_step(estimator), lengths)
    input_names = _input_names(lengths)
    labels_from_table = (
        hasattr(estimator, "classes_") and not module.outputs.numeric_labels and not estimator._multilabel
    )
    output_names = list(module.output_names)
    if labels_from_table:
        output_names[0] = "class_index"
    axes = {"X": {0: "batch", 1: "steps"}, "lengths": {0: "batch"}}
    step_axes = {0: "batch", 1: "steps"} if module.per_step else {0: "batch"}
    dynamic_axes = {name: axes[name] for name in input_names} | {name: step_axes for name in output_names}
    options = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}

    def write(temporary: Path) -> None:
        # torch writes the graph, which is then read back and completed: both
        # steps go to the temporary file, so a failure in either leaves the
        # file at ``path`` as it was.
        with _quiet_tracing(), torch.no_grad():
            torch.onnx.export(
                module,
                example,
                str(temporary),
                input_names=input_names,
                output_names=output_names,
                dynamic_axes=dynamic_axes,
                opset_version=opset_version,
                **options,
            )
        model = onnx.load(str(temporary))
        if labels_from_table:
            _map_index_to_labels(model, np.asarray(estimator.classes_))
        onnx.helper.set_model_props(model, _description(estimator, module, lengths))
        onnx.checker.check_model(model)
        onnx.save(model, str(temporary))

    write_replacing(path, write, "export_onnx")
    return path


def _check_opset(opset_version: Any) -> None:
    """Refuse an opset the graphs cannot be written in before tracing, which would print the whole graph."""
    newest = _newest_opset()
    if isinstance(opset_version, bool) or not isinstance(opset_version, numbers.Integral):
        raise TypeError(f"export_onnx takes an integer opset_version, got {opset_version!r}.")
    if not MIN_OPSET <= opset_version <= newest:
        raise ValueError(
            f"export_onnx writes ONNX opsets {MIN_OPSET} to {newest} with torch {torch.__version__}; "
            f"got opset_version={opset_version}. Leave it at the default {DEFAULT_OPSET}, which "
            "onnxruntime 1.17 and later run, or pick one in that range that your runtime supports."
        )


def _newest_opset() -> int:
    """The newest ONNX opset the installed torch writes (23 for torch 2.13)."""
    try:
        from torch.onnx import _constants
    except ImportError:  # pragma: no cover - torch moved it
        return DEFAULT_OPSET
    return int(getattr(_constants, "ONNX_MAX_OPSET", DEFAULT_OPSET))


def _unsigned_labels(estimator: Any) -> bool:
    """Whether a single-label classifier's classes are unsigned integers wider than a byte."""
    if not hasattr(estimator, "classes_") or estimator._multilabel:
        return False
    dtype = np.asarray(estimator.classes_).dtype
    return dtype.kind == "u" and dtype.itemsize > 1


def _map_index_to_labels(model: Any, classes: np.ndarray) -> None:
    """Replace the graph output ``class_index`` by ``label``, gathered from a table of the classes."""
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    if classes.dtype.kind == "u":
        table = numpy_helper.from_array(classes, "sk_rnn_classes")
        label_type = table.data_type
    elif classes.dtype.kind in "OUS" and all(isinstance(label, str) for label in classes.tolist()):
        encoded = [label.encode() for label in classes.tolist()]
        table = helper.make_tensor("sk_rnn_classes", TensorProto.STRING, [len(classes)], encoded)
        label_type = TensorProto.STRING
    else:
        raise TypeError(
            "export_onnx writes class labels that are numbers or strings; this classifier's classes_ "
            f"hold {sorted({type(label).__name__ for label in classes.tolist()})}. Fit it on labels "
            "of one of those kinds."
        )
    graph.initializer.append(table)
    graph.node.append(helper.make_node("Gather", ["sk_rnn_classes", "class_index"], ["label"], axis=0))
    index_output = next(output for output in graph.output if output.name == "class_index")
    shape = [dim.dim_param or dim.dim_value for dim in index_output.type.tensor_type.shape.dim]
    label_output = helper.make_tensor_value_info("label", label_type, shape)
    position = list(graph.output).index(index_output)
    graph.output.remove(index_output)
    graph.output.insert(position, label_output)
