"""Writing a file so that a failure part-way never leaves a half-written one in place of a good one.

Shared by :func:`sk_rnn.save`, the checkpoints and the exporters: each
writes next to the target and moves the finished file over it, writing
through a symbolic link to the file it points to, as ``open(path, "w")``
does.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

__all__ = ["check_writable_file", "write_replacing"]


def check_writable_file(path: Path, caller: str, example: str) -> None:
    """``path`` names a file this user may write, in an existing directory: checked before any work.

    ``caller`` names the function in the errors, ``example`` a file name to
    suggest. The writers write next to ``path`` first (see
    :func:`write_replacing`), so the operating system's error would name that
    temporary file instead; torch's exporters fail with errors of their
    C++ internals.
    """
    path = _written_file(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"{caller} got {str(path)!r}, which is a directory; it writes one file. Pass a file "
            f"path, such as {str(path / example)!r}."
        )
    if not path.parent.exists():
        raise FileNotFoundError(
            f"{caller} cannot write {str(path)!r}: the directory {str(path.parent)!r} does not "
            "exist. Create it first, or pass a path in an existing directory."
        )
    if not path.parent.is_dir():
        raise NotADirectoryError(
            f"{caller} cannot write {str(path)!r}: {str(path.parent)!r} is a file, not a "
            "directory. Pass a path in a directory."
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise _unwritable_directory(path, caller)
    if path.exists() and not os.access(path, os.W_OK):
        # A plain write would fail too: a file made read-only is protected, not replaced.
        raise PermissionError(
            f"{caller} cannot replace {str(path)!r}: the file is read-only for this user. Make it "
            "writable, or pass another path."
        )


def _unwritable_directory(path: Path, caller: str) -> PermissionError:
    return PermissionError(
        f"{caller} cannot write {str(path)!r}: this user may not create files in "
        f"{str(path.parent)!r}. Pass a path in a directory you can write to."
    )


def write_replacing(path: Path, write: Callable[[Path], None], caller: str) -> None:
    """Call ``write`` on a new file next to ``path``, then move the finished file over ``path``.

    A failed or interrupted write never leaves a half-written file in place
    of a good one, nor a temporary file behind; and the new file is on disk
    before it replaces the old one. When ``path`` is a symbolic link, the
    file it points to is replaced and the link kept. ``caller`` names the
    function in the errors.
    """
    path = _written_file(path)
    temporary = _partial_file(path, caller)
    try:
        if path.is_file():
            shutil.copymode(path, temporary)  # a replaced file keeps its permissions
        write(temporary)
        # Without it, a power cut soon after the rename could leave the name
        # pointing at a file whose data never reached the disk: an empty
        # file where the old model was.
        _sync_file(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _written_file(path: Path) -> Path:
    """The file a write to ``path`` changes: the one a symbolic link points to, if it is one.

    Replacing the link by a file would break what the link is for (a
    ``current.skrnn`` pointing at the release in use, a file kept on
    another disk) and leave the file it pointed to stale.
    """
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _sync_file(file: Path) -> None:
    # Opened for writing: Windows refuses to flush a file opened read-only.
    with open(file, "rb+") as stream:
        os.fsync(stream.fileno())


def _sync_directory(directory: Path) -> None:
    """Put the rename on disk too (POSIX only: elsewhere a directory cannot be opened)."""
    if os.name != "posix":
        return
    # Some file systems cannot sync a directory; the file is complete by
    # then, and the save is not failed for it.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _partial_file(path: Path, caller: str) -> Path:
    """A new empty file next to ``path``, with the permissions ``open(path, "w")`` would give it.

    Not ``tempfile.mkstemp``: its files are readable by their owner alone,
    and the saved model would be too, hidden from the services and people a
    model is saved for. ``os.open`` applies the umask, as a plain write does.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.partial")
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except PermissionError:
        # Where os.access misjudges (some network file systems): the error
        # would name the temporary file, which the caller never asked for.
        raise _unwritable_directory(path, caller) from None
    return temporary
