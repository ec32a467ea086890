"""The one place where sk_rnn imports private scikit-learn names.

A scikit-learn release that moves one of these breaks this file only.
"""

import inspect

from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils._set_output import _wrap_data_with_container
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
