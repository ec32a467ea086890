"""The one place where sk_rnn imports private scikit-learn names.

A scikit-learn release that moves one of these breaks this file only.
"""

import inspect
from typing import Any

import pandas as pd
from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils._set_output import _get_output_config, _wrap_data_with_container
from sklearn.utils.validation import _check_feature_names, _check_n_features, _check_sample_weight

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_feature_names",
    "_check_n_features",
    "_check_sample_weight",
    "_check_sample_weight_allowing_zeros",
    "_fit_context",
    "_on_the_index_of_a_series",
    "_wrap_data_with_container",
    "validate_params",
]

# Newer releases refuse weights that are all zero themselves, in a message that
# names no estimator; sk_rnn refuses them with its own (see check_sample_weight).
_ALLOW_ALL_ZERO = (
    {"allow_all_zero_weights": True}
    if "allow_all_zero_weights" in inspect.signature(_check_sample_weight).parameters
    else {}
)


def _check_sample_weight_allowing_zeros(sample_weight, X, **kwargs):
    """``_check_sample_weight`` that leaves weights that are all zero to the caller."""
    return _check_sample_weight(sample_weight, X, **kwargs, **_ALLOW_ALL_ZERO)


def _on_the_index_of_a_series(output: Any, X: Any, estimator: Any) -> Any:
    """``output`` as a DataFrame on the index of a Series ``X`` where ``transform`` outputs pandas.

    ``set_output(transform="pandas")`` puts a transformer's output on the
    index of its input: scikit-learn 1.6 reads the index of a DataFrame only,
    newer releases that of a Series too. An output that is already a
    DataFrame keeps its own index in both, so a transformer that takes a
    Series (texts, say) returns one to be wrapped the same way in every
    release.
    """
    if isinstance(X, pd.Series) and _get_output_config("transform", estimator)["dense"] == "pandas":
        return pd.DataFrame(output, index=X.index)
    return output
