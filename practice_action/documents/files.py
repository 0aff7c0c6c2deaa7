"""Writing a document to disk so that a crash never leaves half a letter behind."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

# The practice's own files, which no save may overwrite: the database (and SQLite's files
# beside it) and the backups folder. Filled in when the practice's database is opened.
_OWN_FILES: set[Path] = set()
_OWN_FOLDERS: set[Path] = set()


class PracticeFileRefused(PermissionError):
    """A save aimed at the practice's own database or one of its backups."""


def protect(database: Path | None, folders: Iterable[Path] = ()) -> None:
    """Refuse, from now on, any save over ``database`` (and its -wal, -shm and -journal
    files) or into ``folders``."""
    if database is not None:
        base = database.expanduser().resolve()
        _OWN_FILES.update({base, *(base.with_name(base.name + s) for s in _SIDE_FILES)})
    _OWN_FOLDERS.update(folder.expanduser().resolve() for folder in folders)


_SIDE_FILES = ("-wal", "-shm", "-journal")


def refuse_practice_files(path: str | os.PathLike[str]) -> None:
    """Raise PracticeFileRefused (an OSError, so every "could not be written" message shows
    it) when ``path`` is the practice's database or lies in its backups folder."""
    target = Path(path).expanduser().resolve()
    if target in _OWN_FILES or any(target.is_relative_to(f) for f in _OWN_FOLDERS):
        raise PracticeFileRefused(
            errno.EPERM,
            "that is the practice's own database or one of its backups, and saving there "
            "would destroy it; choose another name or folder",
            str(path),
        )


def write_beside(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a new temporary file in ``path``'s folder, flushed to disk, and give
    its name; ``path`` itself is not touched. Put it in place with ``put_in_place`` or remove
    it. A refusal (full disk, no permission) is raised naming ``path``, the file the person
    chose, never the temporary name they have never seen."""
    target = Path(path)
    refuse_practice_files(target)
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise OSError(error.errno, error.strerror, str(target)) from None
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
    return Path(temporary)


def put_in_place(temporary: Path, path: str | os.PathLike[str]) -> Path:
    """Rename a file made by ``write_beside`` over ``path`` (readers see the old file or the
    whole new one); the temporary file is removed if the rename is refused."""
    target = Path(path)
    try:
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise OSError(error.errno, error.strerror, str(target)) from None
    if os.name == "posix":
        # The rename itself lives in the folder: flush that too.
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return target


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write to a temporary name beside ``path``, flush it to disk, then rename over it.

    Readers see either the old file or the whole new one, never a part.
    """
    return put_in_place(write_beside(path, data), path)
