"""The one place where sk_rnn imports private scikit-learn names.

A scikit-learn release that moves one of these breaks this file only.
"""

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
    "_fit_context",
    "_wrap_data_with_container",
    "validate_params",
]
