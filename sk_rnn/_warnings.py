"""Warnings that name the user's line, however deep in the libraries they were raised.

A fixed ``stacklevel`` is right for one way of reaching a warning only: the
same check sits more frames deep under ``make_pipeline(...).fit``,
``GridSearchCV``, ``cross_val_score``, a transformer's ``fit_transform``,
``sk_rnn.load`` or a forecasting helper, and the warning then names a line
of scikit-learn, skorch or sk_rnn, where the user can change nothing. The
stacklevel is therefore counted at the time of the warning: up the call stack
past every frame of the packages listed below, to the first frame outside
them. Python 3.12's ``warnings.warn(skip_file_prefixes=...)`` walks the stack
in the same way, but Python 3.10 and 3.11 lack it, so the walk is done here
on every version.

A function that makes the same calls step after step (``recursive_forecast``,
one ``predict`` per step) shows each of their warnings once: see
:func:`each_warning_once`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["each_warning_once", "show_once", "warn_at_user_code"]

# Between the user's call and a warning: sk_rnn, scikit-learn (Pipeline,
# searches, _fit_context, set_output's wrappers), joblib (the searches'
# Parallel, run in this process when n_jobs=None), skorch (training), torch
# (module calls, autograd functions) and pandas (series.pipe(lead_target)).
_LIBRARIES = ("sk_rnn", "sklearn", "skorch", "torch", "joblib", "pandas")
# Standard-library wrappers around library calls: contextlib's decorating
# context managers and functools' dispatchers add frames of their own.
_WRAPPER_FILES = frozenset({contextlib.__file__, functools.__file__})


def _library_directories() -> tuple[str, ...]:
    """The directories of the imported packages of ``_LIBRARIES``, each ending with a separator.

    A package that is not imported has no frame on the stack, so
    ``sys.modules`` holds all that are needed, and nothing is imported here.
    """
    directories = []
    for name in _LIBRARIES:
        package = sys.modules.get(name)
        location = getattr(package, "__file__", None)
        if location is not None:
            directories.append(os.path.dirname(location) + os.sep)
    return tuple(directories)


def warn_at_user_code(message: str, category: type[Warning]) -> None:
    """``warnings.warn(message, category)``, attributed to the first caller outside the libraries.

    That caller is the user's code. Where the user's code is not on the stack
    (a worker thread or process of a parallel search, a command-line run),
    the first frame outside the libraries is named: a line of the standard
    library's pools or of runpy, since there is no line of the user's to name.
    """
    directories = _library_directories()
    frame = sys._getframe(1)  # who called this function
    stacklevel = 2  # for warnings.warn called here, 2 names that caller
    while frame.f_back is not None and (
        frame.f_code.co_filename.startswith(directories) or frame.f_code.co_filename in _WRAPPER_FILES
    ):
        frame = frame.f_back
        stacklevel += 1
    warnings.warn(message, category, stacklevel=stacklevel)


def each_warning_once(function: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a function that repeats the same calls (a ``predict`` per forecast step): each warning once.

    Python shows a warning once per line only while the warning filters stay
    unchanged, and scikit-learn's ``check_array`` changes them on every call
    (``warnings.catch_warnings``): a warning about the input (a DataFrame given
    to a model fitted on an array, say) would be shown once per step and per
    calibration origin. The warnings are therefore collected while the
    function runs and shown once each when it returns or raises, at the line
    that raised them and through the filters in force: a warning the user
    turned into an error still raises at once, and an ignored one is never
    collected.

    Only in the main thread: ``catch_warnings`` swaps process-wide state, and
    before Python 3.14 two threads that enter and leave it interleaved leave
    the other's state behind (every later warning recorded into a list nobody
    reads). A forecast run in a worker thread (a web server's, a thread pool's)
    therefore shows its warnings as they come, repeats included. A forecast in
    the main thread while other threads validate input (scikit-learn's checks
    enter ``catch_warnings`` too) can still meet that race; Python offers no
    thread-local warning state before 3.14.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return function(*args, **kwargs)
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                return function(*args, **kwargs)
        finally:
            show_once(caught)

    return wrapper


def show_once(caught: list[warnings.WarningMessage]) -> None:
    """Show each distinct warning of ``caught`` (by category, text and line) once, in order."""
    shown = set()
    for caught_warning in caught:
        key = (
            caught_warning.category,
            str(caught_warning.message),
            caught_warning.filename,
            caught_warning.lineno,
        )
        if key in shown:
            continue
        shown.add(key)
        warnings.warn_explicit(
            caught_warning.message,
            caught_warning.category,
            caught_warning.filename,
            caught_warning.lineno,
            source=caught_warning.source,
        )
