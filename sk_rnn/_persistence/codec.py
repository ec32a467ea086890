"""Estimators as plain data: JSON for structure, numeric arrays set aside for safetensors.

Loading builds objects only from an allow-list of classes (sk_rnn's own and a
few scikit-learn ones whose fitted state is plain data), and gives their
parameters and attributes only data: numbers, strings, slices, lists, dicts,
arrays, and, looked up by name, numpy ufuncs, numpy and builtin scalar types,
dtypes and torch optimizer classes; a ``make_column_selector`` is rebuilt from
its pattern and dtypes. Nothing in a file names code to import or run.
"""

from __future__ import annotations

import math
from collections import UserList
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.compose import make_column_selector
from skorch.history import History

__all__ = ["Decoder", "Encoder", "UnsafeToSaveError", "allowed_classes"]


# The entries an encoded value can be, each a dict with this key first.
_KINDS = (
    "float",
    "scalar",
    "array",
    "text_array",
    "object_array",
    "history",
    "tuple",
    "dict",
    "ufunc",
    "optimizer",
    "device",
    "path",
    "slice",
    "type",
    "dtype",
    "column_selector",
    "estimator",
)

# Scalar types a file may name (a OneHotEncoder's dtype, a column selector's
# dtype_include): these builtins, and numpy's scalar types (np.float64, np.number).
_BUILTIN_TYPES = {cls.__name__: cls for cls in (bool, int, float, str, object)}
# Dtype kinds a file may name: booleans, numbers, strings and object.
_DTYPE_KINDS = "biufUSO"
# What an object array may hold: strings, numbers and missing values (None, NaN).
_OBJECT_ITEMS = (type(None), bool, int, float, str, np.bool_, np.integer, np.floating, np.str_)


class UnsafeToSaveError(TypeError):
    """A value that the safe format cannot hold (a function, a custom object, ...)."""


def allowed_classes() -> dict[str, type]:
    """Every class a file may name, by its public import path."""
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.impute import MissingIndicator, SimpleImputer
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import (
        FunctionTransformer,
        MaxAbsScaler,
        MinMaxScaler,
        OneHotEncoder,
        OrdinalEncoder,
        RobustScaler,
        StandardScaler,
    )

    from .. import GRUClassifier, GRURegressor, LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor
    from ..forecasting import (
        DifferencedTargetRegressor,
        ExponentialSmoothingRegressor,
        LagRidgeRegressor,
        PerSeriesScaledRegressor,
        SeasonalNaiveRegressor,
    )
    from ..preprocessing import (
        Differencer,
        SequencePadder,
        SequenceScaler,
        SequenceVectorizer,
        SlidingWindowTransformer,
    )

    public = {
        "sk_rnn": [GRUClassifier, GRURegressor, LSTMClassifier, LSTMRegressor, RNNClassifier, RNNRegressor],
        "sk_rnn.forecasting": [
            DifferencedTargetRegressor,
            ExponentialSmoothingRegressor,
            LagRidgeRegressor,
            PerSeriesScaledRegressor,
            SeasonalNaiveRegressor,
        ],
        "sk_rnn.preprocessing": [
            Differencer,
            SequencePadder,
            SequenceScaler,
            SequenceVectorizer,
            SlidingWindowTransformer,
        ],
        "sklearn.pipeline": [Pipeline],
        "sklearn.compose": [ColumnTransformer, TransformedTargetRegressor],
        "sklearn.impute": [MissingIndicator, SimpleImputer],  # SimpleImputer(add_indicator=True) fits both
        "sklearn.linear_model": [RidgeCV],  # LagRidgeRegressor's model
        "sklearn.preprocessing": [
            FunctionTransformer,
            MaxAbsScaler,
            MinMaxScaler,
            OneHotEncoder,
            OrdinalEncoder,
            RobustScaler,
            StandardScaler,
        ],
    }
    return {f"{module}.{cls.__name__}": cls for module, classes in public.items() for cls in classes}


def _class_path(cls: type, allowed: dict[str, type]) -> str | None:
    for path, candidate in allowed.items():
        if candidate is cls:
            return path
    return None


# scikit-learn's callback contexts (sklearn.callback), which a meta-estimator
# such as Pipeline attaches to its steps while they fit. They are code, not
# state, and are gone once fit returns; a checkpoint written during the fit
# must not carry them.
_FIT_TIME_ATTRIBUTES = frozenset({"_parent_callback_ctx", "_callback_fit_ctx"})


class Encoder:
    """Turn an estimator into JSON-ready data; numeric arrays go to :attr:`arrays`.

    ``encode_network`` encodes a fitted skorch net (sk_rnn's recurrent
    estimators have one); it is passed in so that this module stays about data.
    """

    def __init__(self, encode_network: Callable[[Encoder, Any, str], dict]) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._allowed = allowed_classes()
        self._encode_network = encode_network

    def array(self, values: np.ndarray) -> str:
        """Set a numeric array aside; return the key it is stored under."""
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.ascontiguousarray(values)
        return key

    def encode(self, value: Any, where: str) -> Any:
        """JSON-ready form of ``value``; ``where`` names it in errors (``steps[1].net_``)."""
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, np.generic):
            return self._scalar(value, where)
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, History):
            return {"history": self.encode(list(value), where)}
        if isinstance(value, UserList):
            # scikit-learn 1.5 and 1.6 keep a ColumnTransformer's remainder columns in
            # a UserList that warns when read; its data is the plain list later versions keep.
            value = list(value.data)
        if isinstance(value, list):
            return [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, tuple):
            return {"tuple": [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]}
        if isinstance(value, slice):  # a ColumnTransformer's columns, its output_indices_
            bounds = (value.start, value.stop, value.step)
            return {"slice": [self._slice_bound(bound, where) for bound in bounds]}
        if isinstance(value, dict):
            return {
                "dict": [
                    [self.encode(key, f"{where} key"), self.encode(item, f"{where}[{key!r}]")]
                    for key, item in value.items()
                ]
            }
        if isinstance(value, np.ufunc) and getattr(np, value.__name__, None) is value:
            return {"ufunc": value.__name__}
        if (
            isinstance(value, type)
            and issubclass(value, torch.optim.Optimizer)
            and getattr(torch.optim, value.__name__, None) is value
        ):
            return {"optimizer": value.__name__}
        if isinstance(value, type) and _type_name(value) is not None:
            return {"type": _type_name(value)}
        if isinstance(value, np.dtype) and value.kind in _DTYPE_KINDS and value.fields is None:
            return {"dtype": value.str}
        if type(value) is make_column_selector:  # exactly: a subclass could choose columns by code
            return {
                "column_selector": {
                    name: self.encode(getattr(value, name), f"{where}.{name}")
                    for name in ("pattern", "dtype_include", "dtype_exclude")
                }
            }
        if isinstance(value, torch.device):
            return {"device": str(value)}
        if isinstance(value, PurePath):
            return {"path": str(value)}
        if isinstance(value, BaseEstimator):
            return self._estimator(value, where)
        if isinstance(value, (np.random.RandomState, np.random.Generator)):
            raise UnsafeToSaveError(
                f"sk_rnn.save cannot store {where}, a numpy {type(value).__name__}: the safe format "
                "holds no generator state. Set an int seed in its place (random_state=0, say, "
                "through set_params: a fitted estimator predicts without it), or use pickle or "
                "joblib for files you trust."
            )
        if isinstance(value, (pd.Index, pd.Series)):
            # categorical_features=X.columns[...] is the usual way to name columns: fit
            # takes it, and only the list of its labels is data the format holds.
            parameter = where.rsplit(".", 1)[-1]
            raise UnsafeToSaveError(
                f"sk_rnn.save cannot store {where}, a pandas {type(value).__name__}: the safe format "
                f"holds lists and arrays, not pandas objects. Set it as a list, "
                f"set_params({parameter}=list(...)), before saving (a fitted estimator keeps what it "
                "resolved from it: no need to fit again), or use pickle or joblib for files you trust."
            )
        raise UnsafeToSaveError(
            f"sk_rnn.save cannot store {where}, a {type(value).__module__}.{type(value).__qualname__}: "
            "the safe format holds data (numbers, strings, arrays), sk_rnn estimators and a few "
            "scikit-learn ones, and no code. Replace it (a callable by a numpy function, a custom "
            "object by None), or use pickle or joblib for files you trust."
        )

    def _scalar(self, value: np.generic, where: str) -> dict:
        if value.dtype.kind not in "biufUS":
            raise UnsafeToSaveError(f"sk_rnn.save cannot store {where}, a numpy {value.dtype} scalar.")
        item = value.item()
        if isinstance(item, float) and not math.isfinite(item):
            item = {"float": repr(item)}
        return {"scalar": item, "dtype": value.dtype.str}

    def _slice_bound(self, bound: Any, where: str) -> Any:
        if bound is None or (isinstance(bound, (int, str, np.integer)) and not isinstance(bound, bool)):
            return self.encode(bound, where)
        raise UnsafeToSaveError(
            f"sk_rnn.save cannot store {where}, a slice bounded by a {type(bound).__name__}; slices "
            "of positions or of column names are stored."
        )

    def _array(self, value: np.ndarray, where: str) -> dict:
        if value.dtype.kind in "biuf":
            return {"array": self.array(value)}
        if value.dtype.kind in "US":
            return {"text_array": value.tolist(), "dtype": value.dtype.str}
        if value.dtype.kind == "O" and all(isinstance(item, str) for item in value.ravel()):
            return {"text_array": value.tolist(), "dtype": "object"}
        if value.dtype.kind == "O":
            # A OneHotEncoder's categories_ with a missing value, its drop_idx_ (None
            # where nothing is dropped): each item is stored as the scalar it is.
            items = value.ravel()
            for i, item in enumerate(items):
                if not isinstance(item, _OBJECT_ITEMS):
                    raise UnsafeToSaveError(
                        f"sk_rnn.save cannot store {where}, an object array holding a "
                        f"{type(item).__module__}.{type(item).__qualname__} ({item!r}, item {i}): "
                        "the safe format stores object arrays of strings, numbers and missing "
                        "values (None, NaN). Convert the column to strings or numbers before "
                        "fitting (df[column].astype(str), say), or use pickle or joblib for "
                        "files you trust."
                    )
            return {
                "object_array": [self.encode(item, f"{where}[{i}]") for i, item in enumerate(items)],
                "shape": list(value.shape),
            }
        raise UnsafeToSaveError(
            f"sk_rnn.save cannot store {where}, an array of dtype {value.dtype}; arrays of numbers "
            "and of strings (an object array may mix them with None and NaN) are stored. Convert "
            "the column to strings or numbers before fitting (df[column].astype(str), say), or use "
            "pickle or joblib for files you trust."
        )

    def _estimator(self, estimator: BaseEstimator, where: str) -> dict:
        path = _class_path(type(estimator), self._allowed)
        if path is None and _is_search(estimator):
            raise UnsafeToSaveError(_search_refused(estimator, where))
        if path is None:
            raise UnsafeToSaveError(
                f"sk_rnn.save cannot store {where}, a {type(estimator).__module__}."
                f"{type(estimator).__qualname__}: the safe format stores sk_rnn's estimators, "
                "Pipeline, ColumnTransformer, TransformedTargetRegressor, scikit-learn's scalers, "
                "FunctionTransformer, OneHotEncoder, OrdinalEncoder and SimpleImputer. Save the "
                "sk_rnn estimator on its own, or use skops (skops.io.dump) or pickle for files "
                "you trust."
            )
        params = estimator.get_params(deep=False)
        if path == "sklearn.compose.ColumnTransformer":
            _check_column_selectors(estimator, where)
        state = {
            key: value
            for key, value in vars(estimator).items()
            if key not in params and key not in _FIT_TIME_ATTRIBUTES
        }
        encoded_state = {}
        for key, value in state.items():
            if key == "net_":
                encoded_state[key] = self._encode_network(self, value, f"{where}.net_")
            elif key == "history_" and "net_" in state:
                continue  # the same object as net_.history, restored with the network
            else:
                encoded_state[key] = self.encode(value, f"{where}.{key}")
        return {
            "estimator": path,
            "params": {key: self.encode(value, f"{where}.{key}") for key, value in params.items()},
            "state": encoded_state,
        }


def _check_column_selectors(columns: Any, where: str) -> None:
    """Refuse a ColumnTransformer whose columns a function chooses, saying what to name instead."""
    # At fit, ColumnTransformer resolves each function to the columns it returned.
    chosen = {fitted[0]: fitted[2] for fitted in getattr(columns, "transformers_", [])}
    for i, entry in enumerate(columns.transformers):
        name, selected = (entry[0], entry[-1]) if isinstance(entry, (tuple, list)) and entry else (i, None)
        if not callable(selected) or type(selected) is make_column_selector:
            continue
        resolved = (
            f"The fitted ColumnTransformer lists the columns it chose in transformers_ (here "
            f"{chosen[name]!r}): set those with set_params(transformers=...) before saving, no need "
            "to fit again"
            if name in chosen
            else "Set them with set_params(transformers=...)"
        )
        function = getattr(selected, "__qualname__", type(selected).__qualname__)
        raise UnsafeToSaveError(
            f"sk_rnn.save cannot store {where}.transformers[{i}] ({name!r}): a function chooses its "
            f"columns ({getattr(selected, '__module__', '?')}.{function}), and the safe format "
            "holds no code. Name the columns instead, by a list of names "
            "or positions, a slice or a boolean mask, or choose them with "
            f"make_column_selector(pattern=..., dtype_include=...), which is stored as its settings. "
            f"{resolved}; or use pickle or joblib for files you trust."
        )


def _type_name(cls: type) -> str | None:
    """``builtins.float``, ``numpy.float64``: the name a file gives a scalar type, if it may name it."""
    if _BUILTIN_TYPES.get(cls.__name__) is cls:
        return f"builtins.{cls.__name__}"
    if issubclass(cls, np.generic) and getattr(np, cls.__name__, None) is cls:
        return f"numpy.{cls.__name__}"
    return None


def _named_type(name: Any) -> type:
    """The scalar type a file names as :func:`_type_name` does, and nothing else."""
    module, _, short = name.partition(".") if isinstance(name, str) else ("", "", "")
    found = _BUILTIN_TYPES.get(short) if module == "builtins" else None
    if module == "numpy" and short.isidentifier():
        found = getattr(np, short, None)
    if not (isinstance(found, type) and _type_name(found) == name):
        raise ValueError(f"{name!r} is not a numpy or builtin scalar type")
    return found


def _named_dtype(name: Any) -> np.dtype:
    """A dtype of booleans, numbers, strings or objects, from its ``dtype.str``."""
    try:
        dtype = np.dtype(name) if isinstance(name, str) else None
    except (TypeError, ValueError):  # numpy's own parser rejects it
        dtype = None
    if dtype is None or dtype.kind not in _DTYPE_KINDS or dtype.fields is not None:
        raise ValueError(f"{name!r} is not a dtype of numbers, strings or objects")
    return dtype


def _is_search(estimator: BaseEstimator) -> bool:
    """Whether ``estimator`` is a hyperparameter search (GridSearchCV, RandomizedSearchCV, ...)."""
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    try:  # the halving searches, and other libraries' searches, derive from it too
        from sklearn.model_selection._search import BaseSearchCV
    except ImportError:  # a private name, which a later scikit-learn may move
        return isinstance(estimator, (GridSearchCV, RandomizedSearchCV))
    return isinstance(estimator, BaseSearchCV)


def _search_refused(search: BaseEstimator, where: str) -> str:
    """Why a search is not saved, and the model to save in its place."""
    name = type(search).__name__
    if hasattr(search, "best_estimator_"):
        fix = (
            "Save the model it chose, search.best_estimator_ (refitted on all the data), in its "
            "place; search.best_params_ holds its hyperparameters."
        )
    elif hasattr(search, "best_params_"):
        fix = (
            "It was fitted with refit=False, so it holds no model: fit it with refit=True and "
            "save search.best_estimator_, or fit a model with search.best_params_ and save that."
        )
    else:
        fix = "Fit it, then save the model it chose, search.best_estimator_, in its place."
    described = name if where == name else f"{where}, a {name}"
    return f"sk_rnn.save cannot store {described}: a search is not saved, the model it chooses is. {fix}"


class Decoder:
    """The inverse of :class:`Encoder`, building only allow-listed classes."""

    def __init__(
        self, arrays: dict[str, np.ndarray], decode_network: Callable[[Decoder, Any, BaseEstimator], Any]
    ) -> None:
        self.arrays = arrays
        self._allowed = allowed_classes()
        self._decode_network = decode_network

    def array(self, key: Any) -> np.ndarray:
        if not isinstance(key, str) or key not in self.arrays:
            raise ValueError(f"the file refers to an array {key!r} it does not hold")
        return self.arrays[key]

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(item) for item in node]
        if not isinstance(node, dict) or len(node) == 0:
            raise ValueError(f"unexpected entry {node!r}")
        kind = next((kind for kind in _KINDS if kind in node), None)
        if kind == "float":
            return float(node["float"])
        if kind == "scalar":
            item = node["scalar"]
            item = float(item["float"]) if isinstance(item, dict) else item
            return np.dtype(node["dtype"]).type(item)
        if kind == "array":
            return self.array(node["array"]).copy()
        if kind == "text_array":
            return np.array(node["text_array"], dtype=object if node["dtype"] == "object" else node["dtype"])
        if kind == "object_array":
            return self._object_array(node)
        if kind == "history":
            return History(self.decode(node["history"]))
        if kind == "tuple":
            return tuple(self.decode(item) for item in node["tuple"])
        if kind == "dict":
            return {self._key(self.decode(key)): self.decode(value) for key, value in node["dict"]}
        if kind == "ufunc":
            return self._named(np, node["ufunc"], np.ufunc, "numpy function")
        if kind == "optimizer":
            optimizer = self._named(torch.optim, node["optimizer"], type, "torch optimizer")
            if not issubclass(optimizer, torch.optim.Optimizer):
                raise ValueError(f"torch.optim.{node['optimizer']} is not an optimizer")
            return optimizer
        if kind == "device":
            return torch.device(node["device"])
        if kind == "path":
            return Path(node["path"])
        if kind == "slice":
            return self._slice(node["slice"])
        if kind == "type":
            return _named_type(node["type"])
        if kind == "dtype":
            return _named_dtype(node["dtype"])
        if kind == "column_selector":
            return self._column_selector(node["column_selector"])
        if kind == "estimator":
            return self._estimator(node)
        raise ValueError(f"unexpected entry of kind {kind!r}")

    def _object_array(self, node: dict) -> np.ndarray:
        items = [self.decode(item) for item in node["object_array"]]
        shape = node["shape"]
        if not (
            isinstance(shape, list)
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
            and math.prod(shape) == len(items)
        ):
            raise ValueError(f"an object array of {len(items)} items cannot have the shape {shape!r}")
        array = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            if not isinstance(item, _OBJECT_ITEMS):
                raise ValueError(f"an object array holds strings, numbers and None, not {item!r}")
            array[i] = item
        return array.reshape(shape)

    def _slice(self, bounds: Any) -> slice:
        if not isinstance(bounds, list) or len(bounds) != 3:
            raise ValueError(f"a slice has three bounds, not {bounds!r}")
        bounds = [self.decode(bound) for bound in bounds]
        for bound in bounds:
            if not (bound is None or isinstance(bound, (int, str, np.integer))) or isinstance(bound, bool):
                raise ValueError(f"a slice is bounded by positions or names, not {bound!r}")
        return slice(*bounds)

    def _column_selector(self, settings: Any) -> make_column_selector:
        if not isinstance(settings, dict) or set(settings) != {"pattern", "dtype_include", "dtype_exclude"}:
            raise ValueError(f"a column selector has a pattern and dtypes, not {settings!r}")
        pattern, include, exclude = (
            self.decode(settings[name]) for name in ("pattern", "dtype_include", "dtype_exclude")
        )
        if not (pattern is None or isinstance(pattern, str)):
            raise ValueError(f"a column selector's pattern is a string, not {pattern!r}")
        for dtypes in (include, exclude):
            for dtype in dtypes if isinstance(dtypes, (list, tuple)) else [dtypes]:
                if not (dtype is None or isinstance(dtype, (str, type, np.dtype))):
                    raise ValueError(f"a column selector selects dtypes, not {dtype!r}")
        return make_column_selector(pattern, dtype_include=include, dtype_exclude=exclude)

    @staticmethod
    def _key(key: Any) -> Any:
        if isinstance(key, (list, dict)):
            raise ValueError(f"unexpected dictionary key {key!r}")
        return key

    @staticmethod
    def _named(namespace: Any, name: Any, kind: type, what: str) -> Any:
        value = getattr(namespace, name, None) if isinstance(name, str) and name.isidentifier() else None
        if value is None or not isinstance(value, kind):
            raise ValueError(f"{name!r} is not a {what}")
        return value

    def _estimator(self, node: dict) -> BaseEstimator:
        path = node["estimator"]
        cls = self._allowed.get(path) if isinstance(path, str) else None
        if cls is None:
            raise ValueError(f"the file names the class {path!r}, which sk_rnn does not load")
        unknown = set(node["params"]) - set(cls._get_param_names())
        if unknown:
            raise ValueError(f"{path} has no parameters {sorted(unknown)}")
        params = {key: self.decode(value) for key, value in node["params"].items()}
        estimator = cls(**params)
        saved = node["state"]
        for key in saved:
            # Fitted attributes are data: they may not replace a method or a dunder.
            if not (isinstance(key, str) and key.isidentifier()) or key.startswith("__"):
                raise ValueError(f"{key!r} is not an attribute name")
            if callable(getattr(cls, key, None)):
                raise ValueError(f"{key!r} would replace a method of {path}")
        vars(estimator).update(
            {key: self.decode(value) for key, value in saved.items() if key not in ("net_", "history_")}
        )
        if "net_" in saved:
            # Built last: the network reads the estimator's other fitted attributes.
            estimator.net_ = self._decode_network(self, saved["net_"], estimator)
            estimator.history_ = estimator.net_.history
        elif "history_" in saved:
            estimator.history_ = self.decode(saved["history_"])
        return estimator
