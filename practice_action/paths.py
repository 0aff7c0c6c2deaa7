"""Every location the app uses, worked out in one place.

The data directory comes from platformdirs unless ``--data-dir`` or
``PRACTICE_ACTION_DATA_DIR`` says otherwise; the database is a SQLite file in it unless
``--database-url`` or ``PRACTICE_ACTION_DATABASE_URL`` names another. Bundled resources are
found the same way from a checkout, an installed wheel and a PyInstaller bundle.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "PracticeAction"
APP_AUTHOR = "PracticeAction"
DATA_DIR_ENV = "PRACTICE_ACTION_DATA_DIR"
DATABASE_URL_ENV = "PRACTICE_ACTION_DATABASE_URL"
DATABASE_FILE = "practice-action.sqlite3"


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


def make_private_dir(path: Path) -> Path:
    """Create a directory only its owner can enter (practice data lives here)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path
