"""Witnesses of the audit trail kept outside the database, so that it cannot be rewritten whole.

The chain's own head lives in the same database as the entries: someone able to rewrite an
entry can recompute every later hash and the head too, or cut entries off the end, or wipe
the lot. What they cannot reach as easily is a copy of the head kept elsewhere:

- every backup holds the head it was taken with (its own ``audit_head`` row);
- every desk keeps the newest head it has seen in a small file in its own data folder
  (``audit-witness.json``), refreshed at each heartbeat.

``audit verify`` checks the chain against each witness it can reach: entry ``seq`` of the
chain must still have the hash the witness recorded. A witness older than the latest restore
entry, and from further along than the copy restored, was of the history that restore
replaced, and is set aside.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from practice_action.services.context import Context
from practice_action.store.backup import read_only_uri

WITNESS_FILE = "audit-witness.json"


@dataclass(frozen=True)
class Witness:
    source: str  # in words: "the backup daily-2026-11-30.sqlite3", "this desk's own record"
    seq: int
    hash: str
    taken_at: datetime


def _database_key(url: str) -> str:
    """Which database a desk's witness is of: its address without the password, hashed."""
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]


def _file(ctx: Context) -> Path | None:
    return None if ctx.data_dir is None else ctx.data_dir / WITNESS_FILE


def _read_all(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(ctx: Context, seq: int, digest: str, *, replace: bool = False) -> None:
    """Keep ``seq`` and its hash as this desk's witness (the newest only, unless ``replace``:
    after a restore, the trail the desk now holds starts a new history)."""
    if ctx.data_dir is not None:
        remember_in(ctx.data_dir, ctx.store.url, seq, digest, ctx.clock(), replace=replace)


def remember_in(
    folder: Path, url: str, seq: int, digest: str, at: datetime, *, replace: bool = False
) -> None:
    path = folder / WITNESS_FILE
    everything = _read_all(path)
    key = _database_key(url)
    known = everything.get(key) or {}
    if not replace and isinstance(known.get("seq"), int) and int(known["seq"]) >= seq:  # type: ignore[arg-type]
        return
    everything[key] = {"seq": seq, "hash": digest, "at": at.astimezone(UTC).isoformat()}
    temporary = path.with_name(path.name + ".part")
    with contextlib.suppress(OSError):  # a witness that cannot be kept must not stop the desk
        temporary.write_text(json.dumps(everything, indent=1), encoding="utf-8")
        os.replace(temporary, path)


def forget(ctx: Context) -> None:
    """This desk's database was replaced: what it witnessed is of the history that went."""
    path = _file(ctx)
    if path is None:
        return
    everything = _read_all(path)
    if everything.pop(_database_key(ctx.store.url), None) is not None:
        with contextlib.suppress(OSError):
            path.write_text(json.dumps(everything, indent=1), encoding="utf-8")


def _desk_witness(ctx: Context) -> list[Witness]:
    path = _file(ctx)
    if path is None:
        return []
    known = _read_all(path).get(_database_key(ctx.store.url)) or {}
    seq, digest, at = known.get("seq"), known.get("hash"), known.get("at")
    if not isinstance(seq, int) or not isinstance(digest, str) or not isinstance(at, str):
        return []
    try:
        taken = datetime.fromisoformat(at)
    except ValueError:
        return []
    return [Witness("this desk's own record of the trail", seq, digest, taken)]


def _backup_witnesses(ctx: Context) -> list[Witness]:
    folder = ctx.backups_dir
    if folder is None or not folder.is_dir() or not ctx.store.is_sqlite:
        return []
    found = []
    for path in sorted(folder.glob("*.sqlite3")):
        try:
            connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
            try:
                row = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
                newest = connection.execute("SELECT max(at) FROM audit_entry").fetchone()
            finally:
                connection.close()
            # When it was taken, by the app's own clock: the time of its newest entry.
            taken = datetime.fromisoformat(str(newest[0])).replace(tzinfo=UTC)
        except (sqlite3.Error, OSError, ValueError, TypeError):
            continue  # not a sound copy: restore would refuse it too
        if row is not None and row[0]:
            found.append(Witness(f"the backup {path.name}", int(row[0]), str(row[1]), taken))
    return found


def witnesses(ctx: Context) -> list[Witness]:
    """Every witness of this database's trail that this computer can reach."""
    return _backup_witnesses(ctx) + _desk_witness(ctx)


def _backup_hashes(name: str, folder: Path) -> list[tuple[int, str]]:
    path = folder / name
    connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=5)
    try:
        return [
            (int(seq), str(digest))
            for seq, digest in connection.execute("SELECT seq, hash FROM audit_entry ORDER BY seq")
        ]
    finally:
        connection.close()


def _first_difference(theirs: list[tuple[int, str]], current: list[tuple[int, str]]) -> int | None:
    mine = dict(current)
    for seq, digest in theirs:
        if mine.get(seq) != digest:
            return seq
    return None


def problems(
    ctx: Context,
    last_seq: int,
    hash_at: dict[int, str],
    restored: tuple[int, datetime] | None,
    current: Callable[[], list[tuple[int, str]]] | None = None,
) -> list[tuple[int, str]]:
    """Each witness the trail disagrees with, as (entry to look at, what the witness shows).

    ``hash_at`` holds the trail's hash at each witnessed entry (the caller collects it while
    walking the chain); ``restored`` is the latest restore entry's number and time;
    ``current`` (which reads every entry's number and hash, only when needed) lets a backup
    name the first entry that differs from it."""
    found = []
    for w in witnesses(ctx):
        if restored is not None and w.taken_at < restored[1] and w.seq >= restored[0]:
            continue  # of the history that restore replaced
        held = f"{w.source} held entry {w.seq:,} with hash {w.hash[:8]}…"
        if w.seq > last_seq:
            now = (
                "the trail is empty: it was wiped"
                if last_seq == 0
                else (
                    f"the trail now ends at entry {last_seq:,}: entries were removed from the end"
                )
            )
            found.append((last_seq + 1, f"{held}; {now}"))
        elif hash_at.get(w.seq) != w.hash:
            first = w.seq
            if current is not None and w.source.startswith("the backup ") and ctx.backups_dir:
                with contextlib.suppress(sqlite3.Error, OSError):
                    name = w.source.removeprefix("the backup ")
                    theirs = _backup_hashes(name, ctx.backups_dir)
                    first = _first_difference(theirs, current()) or w.seq
            found.append(
                (
                    first,
                    f"{held}; that entry now has hash {str(hash_at.get(w.seq, ''))[:8]}…: the "
                    f"trail was rewritten from entry {first:,} on",
                )
            )
    return sorted(found)
