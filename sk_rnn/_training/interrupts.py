"""Ctrl-C during a fit: noticed, so that a scikit-learn search it lands in stops instead of going on.

skorch stops training at a KeyboardInterrupt and keeps the model trained so
far, which is what a user who interrupts one ``fit`` wants. Inside
``GridSearchCV`` or ``cross_validate`` the search would then score that
truncated model and start its next fit: stopping a search of fifty fits
would take fifty presses. A fit that Ctrl-C interrupted inside scikit-learn's
model selection therefore raises the interrupt again once its model (and
checkpoint) is saved. A KeyboardInterrupt a callback raises to end training
(skorch's EarlyStopping does) is no Ctrl-C, and only the signal is watched.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

__all__ = ["CtrlCWatch", "inside_model_selection", "watching_ctrl_c"]


class CtrlCWatch:
    """Whether SIGINT (Ctrl-C, a notebook's "interrupt") arrived while the watch was on."""

    def __init__(self) -> None:
        self.pressed = False


@contextlib.contextmanager
def watching_ctrl_c() -> Iterator[CtrlCWatch]:
    """Note SIGINT while the block runs; the handler in place still handles it (it raises KeyboardInterrupt).

    Only the main thread may set signal handlers, and only a Python handler
    can be chained: elsewhere, or when SIGINT is ignored or kills the
    process, nothing is noted and nothing changes.
    """
    watch = CtrlCWatch()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if in_main_thread else None
    if not callable(previous):
        yield watch
        return

    def note_then_handle(signum: int, frame: object) -> None:
        watch.pressed = True
        previous(signum, frame)

    signal.signal(signal.SIGINT, note_then_handle)
    try:
        yield watch
    finally:
        signal.signal(signal.SIGINT, previous)


def inside_model_selection() -> bool:
    """Whether this fit runs inside scikit-learn's model selection: a search, or cross-validation.

    They fit many models for one result, so a truncated fit among them is
    worth nothing; a Pipeline, or a meta-estimator fitting one model, is not
    model selection.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("sklearn.model_selection."):
            return True
        frame = frame.f_back
    return False
