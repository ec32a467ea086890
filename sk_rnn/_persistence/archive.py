"""``sk_rnn.save`` and ``sk_rnn.load``: one zip file holding JSON and safetensors, never pickle."""

from __future__ import annotations

import functools
import json
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any

import sklearn
from safetensors import SafetensorError
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays
from sklearn.base import BaseEstimator

from .._warnings import warn_at_user_code
from .codec import Decoder, Encoder
from .files import check_writable_file, write_replacing
from .networks import decode_network, encode_network, load_device

__all__ = [
    "FORMAT_VERSION",
    "TRAINING_STATE_FORMAT",
    "load",
    "model_from_archive",
    "read_archive",
    "save",
    "write_archive",
    "write_model",
]

FORMAT = "sk_rnn model"
# The other document a checkpoint directory holds (see sk_rnn/_training/checkpoints.py).
TRAINING_STATE_FORMAT = "sk_rnn training state"
# Raised when a change would make older sk_rnn releases misread a file.
FORMAT_VERSION = 1
_DOCUMENT = "sk_rnn.json"
_ARRAYS = "arrays.safetensors"


def _version() -> str:
    from .. import __version__

    return __version__


def save(estimator: BaseEstimator, path: str | os.PathLike) -> None:
    """Save a fitted (or unfitted) estimator in a format whose loading runs no code.

    The file is a zip archive of two entries: ``sk_rnn.json`` (the class,
    hyperparameters, fitted attributes, training history and library
    versions, as JSON) and ``arrays.safetensors`` (the network weights and
    every numeric array, as safetensors). It holds no pickle, so
    :func:`load` can read files from anyone: it builds only sk_rnn's
    estimators and a few scikit-learn ones, and gives them only data.

    Every public sk_rnn estimator and transformer can be saved, and so can a
    ``Pipeline``, ``ColumnTransformer`` or ``TransformedTargetRegressor`` made
    of them, scikit-learn's scalers (``StandardScaler``, ``MinMaxScaler``,
    ``MaxAbsScaler``, ``RobustScaler``), ``FunctionTransformer`` with numpy
    functions such as ``np.log``, ``OneHotEncoder``, ``OrdinalEncoder`` and
    ``SimpleImputer``. A ``ColumnTransformer``'s columns may be named by
    lists, slices, boolean masks or ``make_column_selector``, not by a
    function. Anything else (a custom callback, a lambda, another
    scikit-learn estimator) is refused with a ``TypeError`` that names it:
    use skops or pickle for those, and only for files you trust. An existing
    file at ``path`` is replaced only once the new one is complete and on
    disk, and keeps its permissions; a new file gets those of any file
    written there (as set by the umask). A symbolic link is written
    through: the file it points to is replaced, the link kept.

    Parameters
    ----------
    estimator : estimator
        What to save.
    path : str or path-like
        The file to write (the ``.skrnn`` suffix is a convention, not a rule);
        a leading ``~`` is the home directory.

    See Also
    --------
    load : Read the file back.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import sk_rnn
    >>> X = np.random.RandomState(0).randn(40, 10)
    >>> model = sk_rnn.GRURegressor(hidden_size=8, max_epochs=2, random_state=0).fit(X, X.sum(axis=1))
    >>> path = Path(tempfile.mkdtemp()) / "model.skrnn"
    >>> sk_rnn.save(model, path)
    >>> np.array_equal(sk_rnn.load(path).predict(X), model.predict(X))
    True
    """
    if not isinstance(estimator, BaseEstimator):
        raise TypeError(f"sk_rnn.save saves scikit-learn estimators, but got a {type(estimator).__name__}.")
    path = Path(path).expanduser()  # "~/model.skrnn" is in the home directory, as in a shell
    check_writable_file(path, "sk_rnn.save", "model.skrnn")
    write_model(estimator, path)


def write_model(estimator: BaseEstimator, path: Path, **extra: Any) -> None:
    """Write ``estimator`` to ``path`` as :func:`save` does, with ``extra`` entries in the document.

    A checkpoint adds the fingerprint of the fit that saved it (see
    sk_rnn/_training/checkpoints.py); :func:`load` ignores such entries.
    """
    encoder = Encoder(encode_network)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sk_rnn_version": _version(),
        "sklearn_version": sklearn.__version__,
        "model": encoder.encode(estimator, type(estimator).__name__),
        **extra,
    }
    write_archive(path, document, encoder.arrays)


def write_archive(path: Path, document: dict, arrays: dict) -> None:
    """Write the zip of a JSON document and its safetensors arrays, replacing ``path`` only when done."""
    text = json.dumps(document, allow_nan=False)
    packed = save_arrays(arrays)

    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_DOCUMENT, text)
            archive.writestr(_ARRAYS, packed)

    write_replacing(path, write, "sk_rnn.save")


def load(path: str | os.PathLike, *, device: str | None = None) -> BaseEstimator:
    """Load an estimator saved by :func:`save`, without running any code from the file.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`; a leading ``~`` is the home directory.
    device : str, default=None
        Where the networks predict: "cpu", "cuda", "cuda:1", ..., or "auto"
        (the GPU when torch sees one, else the CPU). None means where they
        were trained, or the CPU (with a warning) when that was a device this
        machine lacks. Only the fitted networks move; the ``device``
        hyperparameter, used by a new ``fit``, stays as saved.

    Returns
    -------
    estimator : estimator
        Predicting exactly as the saved one did.

    Raises
    ------
    ValueError
        When the file is not an sk_rnn model, is truncated or damaged, or
        was written by a newer sk_rnn whose format this release cannot read;
        or when ``device`` is one torch does not know or this machine lacks,
        or ``"meta"``, whose tensors hold no values.

    See Also
    --------
    save : Write the file.
    """
    if device is not None:
        # Checked first: torch's own error would come from deep inside the network's rebuilding.
        device = str(load_device(device))
    path = Path(path).expanduser()
    document, arrays = read_archive(path)
    return model_from_archive(document, arrays, path.name, device=device)


def model_from_archive(
    document: dict, arrays: dict, name: str, *, device: str | None = None
) -> BaseEstimator:
    """The estimator in the document and arrays that :func:`read_archive` read from the file ``name``."""
    saved_by = document.get("sklearn_version")
    if saved_by != sklearn.__version__:
        warn_at_user_code(
            f"{name} was saved with scikit-learn {saved_by} and is loaded with "
            f"{sklearn.__version__}: the scikit-learn estimators it holds may behave differently.",
            UserWarning,
        )
    decoder = Decoder(arrays, functools.partial(decode_network, device=device))
    try:
        model = decoder.decode(document["model"])
    # RecursionError: entries nested deeper than any estimator nests them.
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        raise ValueError(f"{name} is damaged or was not written by sk_rnn.save: {error}.") from None
    if not isinstance(model, BaseEstimator):
        # save writes estimators only: anything else would be returned in place of a model.
        raise ValueError(
            f"{name} is damaged or was not written by sk_rnn.save: it holds a "
            f"{type(model).__name__}, not an estimator."
        )
    return model


def read_archive(path: Path, *, expected_format: str = FORMAT) -> tuple[dict, dict]:
    """The JSON document and the arrays of a file written by :func:`write_archive`, checked to be ours."""
    name = path.name
    _check_readable_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.read(_DOCUMENT)
            arrays = archive.read(_ARRAYS)
    except PermissionError:
        raise PermissionError(
            f"sk_rnn.load cannot read {str(path)!r}: permission denied. Make the file readable by "
            "this user, or copy it somewhere readable."
        ) from None
    # zlib.error: a damaged compressed entry; NotImplementedError and
    # RuntimeError: a compression method or an encryption sk_rnn.save never uses.
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise ValueError(
            f"{name} is not an sk_rnn model file, or it is truncated or damaged ({error}). "
            "sk_rnn.load reads the files sk_rnn.save writes; a pickle or joblib file is read with "
            "pickle or joblib, and only when you trust it."
        ) from None
    try:
        document = json.loads(text)
    # RecursionError: arrays nested deeper than the parser can follow.
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ValueError(f"{name} is damaged: its {_DOCUMENT} is not JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != expected_format:
        raise ValueError(f"{name} is not an sk_rnn model file: its {_DOCUMENT} {_described(document)}.")
    _check_format_version(name, document)
    try:
        return document, load_arrays(arrays)
    except SafetensorError as error:
        raise ValueError(f"{name} is damaged: its weights cannot be read ({error}).") from None


def _check_format_version(name: str, document: dict) -> None:
    """A version this release reads; one no sk_rnn writes means damage, not a newer release."""
    version = document.get("format_version")
    # bool is an int to Python, but no release writes the version as true or false.
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        found = "has no format_version" if version is None else f"has format_version {version!r}"
        raise ValueError(
            f"{name} is damaged or was not written by sk_rnn.save: its {_DOCUMENT} {found}, where "
            f"sk_rnn.save writes a whole number from 1 up (this sk_rnn writes {FORMAT_VERSION}). Save "
            "the model again with sk_rnn.save, or load an undamaged copy."
        )
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{name} was written by sk_rnn {document.get('sk_rnn_version')} in format version "
            f"{version}; this sk_rnn ({_version()}) reads format versions up to {FORMAT_VERSION}. "
            "Upgrade sk_rnn to load it."
        )


def _check_readable_file(path: Path) -> None:
    """``path`` names an existing file, not a directory (a checkpoint_dir, say): checked first."""
    if path.is_dir():
        saved = sorted(child.name for child in path.glob("*.skrnn") if child.is_file())
        # A checkpoint_dir holds a folder per fit, each with its checkpoint.skrnn.
        fits = sorted(child for child in path.glob("*/checkpoint.skrnn") if child.is_file())
        if saved:
            hint = f"It holds {', '.join(saved[:5])}: pass one of them, such as {str(path / saved[0])!r}."
        elif fits:
            hint = (
                f"It is a checkpoint_dir, with the checkpoints of {len(fits)} fit(s): pass one's "
                f"checkpoint.skrnn, such as {str(fits[0])!r} (a fitted model's checkpoint_path_ "
                "names its own)."
            )
        else:
            hint = "Pass the path of the file sk_rnn.save wrote."
        raise IsADirectoryError(
            f"sk_rnn.load got {str(path)!r}, which is a directory; it reads one file. {hint}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"sk_rnn.load found no file at {path}.")


def _described(document: object) -> str:
    """What a document of another format describes, for the error refusing it."""
    kind = document.get("format") if isinstance(document, dict) else None
    if kind == TRAINING_STATE_FORMAT:
        return (
            "describes the training state of a checkpoint (what resuming the fit needs), not a "
            "model. Load checkpoint.skrnn from the same directory"
        )
    return "does not describe one"
