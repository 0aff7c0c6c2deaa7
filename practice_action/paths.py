"""Every location the app uses, worked out in one place.

The data directory comes from platformdirs unless ``--data-dir`` or
``PRACTICE_ACTION_DATA_DIR`` says otherwise; the database is a SQLite file in it unless
``--database-url`` or ``PRACTICE_ACTION_DATABASE_URL`` names another. Bundled resources are
found the same way from a checkout, an installed wheel and a PyInstaller bundle.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from practice_action.domain.errors import MachineProblem

APP_DIR_NAME = "PracticeAction"
APP_AUTHOR = "PracticeAction"
DATA_DIR_ENV = "PRACTICE_ACTION_DATA_DIR"
DATABASE_URL_ENV = "PRACTICE_ACTION_DATABASE_URL"
DATABASE_FILE = "practice-action.sqlite3"

# Where Linux lists what is mounted, and the file systems in that list that live on another
# machine. SQLite's locking cannot be trusted over any of them (see ``network_location``).
MOUNTS_FILE = Path("/proc/mounts")
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "smb",
        "ncpfs",
        "afs",
        "coda",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "fuse.sshfs",
        "sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "davfs",
        "fuse.davfs2",
        "9p",
    }
)
DRIVE_REMOTE = 4  # what Windows' GetDriveTypeW answers for a mapped network drive


def resources_dir() -> Path:
    """The shipped ``resources/`` folder, wherever the app was started from."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle:
        candidates.append(Path(bundle) / "resources")
    package_dir = Path(__file__).resolve().parent
    candidates.append(package_dir / "resources")  # installed wheel (shared data copied in)
    candidates.append(package_dir.parent / "resources")  # a checkout or editable install
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "The app's resources folder is missing; reinstall Practice Action. Looked in: "
        + ", ".join(str(c) for c in candidates)
    )


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@dataclass(frozen=True)
class Locations:
    data_dir: Path
    database_url: str

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        prefix = "sqlite:///"
        return (
            Path(self.database_url[len(prefix) :]) if self.database_url.startswith(prefix) else None
        )

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    def describe_database(self) -> str:
        """The database for people: a file path, or a server URL with any password hidden."""
        if self.sqlite_path is not None:
            return f"SQLite file {self.sqlite_path}"
        from sqlalchemy.engine import make_url

        return f"Server {make_url(self.database_url).render_as_string(hide_password=True)}"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR, roaming=False))


def resolve(
    data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> Locations:
    """Command-line values win over the environment, which wins over the defaults."""
    chosen_dir = data_dir or os.environ.get(DATA_DIR_ENV) or default_data_dir()
    directory = Path(chosen_dir).expanduser().resolve()
    url = database_url or os.environ.get(DATABASE_URL_ENV) or ""
    if not url:
        url = f"sqlite:///{directory / DATABASE_FILE}"
    return Locations(data_dir=directory, database_url=url)


def network_location(
    path: str | os.PathLike[str],
    *,
    mounts: str | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """Where ``path`` lies, in words, when that is on another machine; None when it is local.

    Several PCs writing one SQLite file over a network share can corrupt it, because the
    share's file locks cannot be relied on; several PCs must use a PostgreSQL server. This
    recognises a Windows network path (``\\\\server\\share`` or ``//server/share``), a
    mapped Windows drive letter (only on Windows, or with ``drive_type`` given), and on Linux a
    file under a network mount as listed in ``/proc/mounts`` (``mounts`` is that text; by
    default it is read from ``MOUNTS_FILE`` where that exists).
    """
    text = os.fspath(path)
    share = _unc_share(text)
    if share is not None:
        return f"on the network share {share}"
    drive = re.match(r"(?:[\\/]{2}[?.][\\/])?([A-Za-z]:)", text)
    if drive is not None:
        ask = drive_type if drive_type is not None else _windows_drive_type()
        if ask is not None and ask(drive.group(1) + "\\") == DRIVE_REMOTE:
            return f"on the network drive {drive.group(1).upper()}"
        return None
    if mounts is None:
        try:
            mounts = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # no mount table to read: not Linux
    found = _mount_of(text, mounts)
    if found is not None and found[1] in NETWORK_FILE_SYSTEMS:
        return f"on a network file system ({found[1]} mounted at {found[0]})"
    return None


def _unc_share(text: str) -> str | None:
    """``\\\\server\\share`` of a network path, or None for any other path."""
    if not text.startswith(("\\\\", "//")):
        return None
    parts = [p for p in re.split(r"[\\/]+", text) if p]
    if parts[:1] == ["?"] and len(parts) > 1 and parts[1].upper() == "UNC":
        parts = parts[2:]  # \\?\UNC\server\share: the long form of a network path
    elif parts[:1] in (["?"], ["."]):
        return None  # \\?\C:\... or \\.\device: a local path in its long form
    if not parts:
        return None
    return "\\\\" + "\\".join(parts[:2])


def _windows_drive_type() -> Callable[[str], int] | None:
    if sys.platform != "win32":
        return None
    import ctypes

    def drive_type(root: str) -> int:
        try:
            return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return 0

    return drive_type


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes a space as \040, a tab as \011 and a backslash as \134.
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _mount_of(text: str, mounts: str) -> tuple[str, str] | None:
    """The mount point and file system type the file ``text`` lies under, per ``mounts``."""
    if os.name == "posix":
        target = os.path.realpath(text)  # a symbolic link may lead onto a share
    else:
        target = posixpath.normpath(text.replace("\\", "/"))
    best: tuple[str, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, kind = posixpath.normpath(_unescape_mount(fields[1])), fields[2]
        inside = point == "/" or target == point or target.startswith(point + "/")
        # The longest mount point wins; of equal ones the later, which hides the earlier.
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, kind)
    return best


def make_private_dir(path: Path) -> Path:
    """The folder ``path``, made (private to its owner) if it is not there yet.

    A folder that is already there is used as it is: its permissions are the user's to set, so
    one the app may not write to is refused with a message (``check_folder``), never changed."""
    check_folder(path)
    if path.is_dir():
        return path
    try:
        path.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        if not path.is_dir():
            raise MachineProblem(_is_a_file(path)) from None
    except OSError as error:
        raise MachineProblem(
            f"The folder {path} cannot be made ({_reason(error)}). Choose a folder on this "
            "computer's own disk that you can write to (for example with --data-dir)."
        ) from None
    return path


def cannot_write(
    place: Path, error: OSError, what: str, nothing: str = "nothing was written"
) -> MachineProblem:
    """Why ``what`` could not be written to ``place``, in words: a full disk or otherwise."""
    import errno

    if error.errno == errno.ENOSPC:
        return MachineProblem(
            f"The disk that holds {place} is full: {nothing}. Free some space there, or "
            "choose another place, then try again."
        )
    return MachineProblem(
        f"{what} cannot be written to {place} ({_reason(error)}): {nothing}. Choose a "
        "place you can write to."
    )


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _is_a_file(path: Path) -> str:
    return (
        f"{path} is a file, not a folder: give the folder that holds the practice's data "
        "(for example --data-dir ~/practice-action), or move that file away."
    )


def check_folder(path: Path) -> None:
    """Refuse, with a message that names it, a folder the app could not keep its data in."""
    if path.exists() and not path.is_dir():
        raise MachineProblem(_is_a_file(path))
    existing = path
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise MachineProblem(
            f"The folder {path} cannot be made: {existing} is a file, not a folder. Choose "
            "another place for the practice's data."
        )
    if os.name != "posix":
        return
    info = existing.stat()
    made = existing == path
    what = f"The folder {existing}" if made else f"The folder {existing}, where {path} would go,"
    if info.st_uid != os.geteuid() and os.geteuid() != 0:
        owner = _user_name(info.st_uid)
        raise MachineProblem(
            f"{what} belongs to another user ({owner}). Start Practice Action as that user, "
            "or choose a folder of your own."
        )
    if not info.st_mode & 0o200 or not os.access(existing, os.W_OK | os.X_OK):
        raise MachineProblem(
            f"{what} is read-only: Practice Action cannot write there and will not change "
            "its permissions. Make it writable (or ask your IT support to), or choose another "
            "folder."
        )


def _user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user id {uid}"
