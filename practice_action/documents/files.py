"""Writing a document to disk so that a crash never leaves half a letter behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_beside(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a new temporary file in ``path``'s folder, flushed to disk, and give
    its name; ``path`` itself is not touched. Put it in place with ``put_in_place`` or remove
    it. A refusal (full disk, no permission) is raised naming ``path``, the file the person
    chose, never the temporary name they have never seen."""
    target = Path(path)
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
