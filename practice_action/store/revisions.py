"""The schema revisions this version knows, read from the migration files as plain text.

Alembic (with Mako and every dialect it knows) takes a good part of the app's start-up, and a
database already at the newest schema needs none of it: the revision files are read as text
to learn the chain, and Alembic is imported only to upgrade (or when the files do not make
one plain chain). A test checks that this reading agrees with Alembic's. Nothing here imports
SQLAlchemy, so the sign-in screen can use it before the database layer has loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_REVISION_LINE = re.compile(
    r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(?:\"([^\"]*)\"|'([^']*)'|(None))\s*$",
    re.MULTILINE,
)


def revision_chain() -> list[str] | None:
    """The revisions from first to newest, read from the files; None if they are not a chain."""
    parents: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(
            (m[1], m[2] or m[3] or None) for m in _REVISION_LINE.finditer(path.read_text("utf-8"))
        )
        if "revision" not in found and "down_revision" not in found:
            continue  # __init__.py and the like
        if not found.get("revision") or "down_revision" not in found:
            return None
        parents[found["revision"]] = found["down_revision"]
    children = {parent: child for child, parent in parents.items()}
    if not parents or len(children) != len(parents):
        return None  # a branch or a merge: let Alembic decide
    chain: list[str] = []
    step = children.get(None)
    while step is not None:
        chain.append(step)
        step = children.get(step)
    return chain if len(chain) == len(parents) else None
