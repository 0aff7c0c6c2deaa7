"""Start-up on a SQLite file: the sign-in window comes from a plain read of the file while the
database layer opens in the background; anything unusual falls back to the ordinary start."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import MANAGER_PIN, RECEPTIONIST_PIN, valid_profile
from PySide6.QtWidgets import QDialog
from test_ui_signin import sign_in_with_keys

from practice_action import paths
from practice_action.domain import calendar
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import DamagedDatabase
from practice_action.domain.records import StaffMember
from practice_action.services import audit, demo, health, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.demo import DEMO_PINS
from practice_action.services.early import check_pin, sign_in_list
from practice_action.services.health import CheckNotMade, CheckStopped, database_check, open_context
from practice_action.store.integrity import (
    TableByTableCheck,
    full_check_due,
    leave_full_check_note,
)
from practice_action.ui import recovery
from practice_action.ui.app import open_or_recover
from practice_action.ui.background_check import BackgroundCheck
from practice_action.ui.desk import Desk
from practice_action.ui.early_start import EarlySignIn, _Opener
from practice_action.ui.modal import answered_by
from practice_action.ui.signin import SignInDialog


def _early_sign_in(qtbot, locations: paths.Locations, name_start: str, pin: str) -> EarlySignIn:
    """Start as the desktop does on a SQLite file, and sign in at the window by keys."""
    found = sign_in_list(locations)
    assert found is not None
    early = EarlySignIn(locations, *found)

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        sign_in_with_keys(qtbot, dialog.screen, name_start, pin)
        return dialog.result()

    with answered_by(answer):
        early.run()
    return early


def test_the_sign_in_list_needs_no_database_layer(ctx: Context, locations, receptionist) -> None:
    ctx.store.dispose()
    code = (
        "import sys\n"
        "from practice_action import paths\n"
        "from practice_action.services.early import sign_in_list\n"
        f"found = sign_in_list(paths.resolve({str(locations.data_dir)!r}))\n"
        "print(found[0], [m.name for m in found[1]])\n"
        "print('sqlalchemy' in sys.modules, 'psycopg' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "Riverside Medical Practice ['Jo Brennan', 'Maria Okafor']",
        "False False",
    ]


def test_no_early_list_for_first_run_an_old_schema_or_a_server(tmp_path, locations) -> None:
    assert sign_in_list(locations) is None  # no file yet: the set-up wizard comes first
    (tmp_path / "junk").mkdir()
    junk = paths.resolve(tmp_path / "junk")
    junk.sqlite_path.write_bytes(b"not a database at all" * 100)
    assert sign_in_list(junk) is None
    assert sign_in_list(paths.resolve(tmp_path, "postgresql://u:p@127.0.0.1/x")) is None


def test_early_sign_in_opens_the_database_behind_the_window(
    qtbot, ctx: Context, locations, receptionist: Actor
) -> None:
    ctx.store.dispose()
    early = _early_sign_in(qtbot, locations, "Jo", RECEPTIONIST_PIN)
    assert not early.failed
    assert early.signed is not None and early.signed.actor == receptionist
    assert early.ctx is not None
    try:
        kinds = [e.kind for e in audit.list_entries(early.ctx, Actor("x", None))]
        assert kinds[0] == "signin.ok"
    finally:
        early.ctx.store.dispose()


def _damage_leaf_pages(path: Path, table: str, keep: int = 100) -> None:
    """Scramble every leaf page of ``table`` past its first ``keep`` bytes, as a failing disk
    might."""
    reading = sqlite3.connect(path)
    try:
        page = reading.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            n
            for (n,) in reading.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            )
        ]
    finally:
        reading.close()
    assert pages
    data = bytearray(path.read_bytes())
    for number in pages:
        start = (number - 1) * page
        for offset in range(start + keep, start + page, 7):
            data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def _recovery_offered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the recovery dialog would say, declined as a person might."""
    offered: list[str] = []

    def offer(_locations: object, message: str) -> bool:
        offered.append(message)
        return False

    monkeypatch.setattr(recovery, "offer_recovery", offer)
    return offered


def test_damage_met_while_signing_in_sends_the_next_start_through_the_full_check(
    qtbot, monkeypatch, ctx: Context, locations, receptionist: Actor
) -> None:
    """The audit trail's head page damaged: the sign-in list still reads, but the PIN's audit
    entry cannot be written. The window closes for the ordinary start, which checks the whole
    file and offers recovery, and goes on doing so until the file is sound."""
    ctx.store.dispose()
    path = locations.sqlite_path
    assert path is not None
    _damage_leaf_pages(path, "audit_head", keep=0)
    found = sign_in_list(locations)
    assert found is not None  # the small tables the sign-in list reads are undamaged
    early = EarlySignIn(locations, *found)
    said: list[str] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        sign_in_with_keys(qtbot, dialog.screen, "Jo", RECEPTIONIST_PIN)
        said.append(dialog.screen.message.text())
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
        return dialog.result()

    with answered_by(answer):
        early.run()
    assert early.failed and early.ctx is None and early.signed is None
    assert "damaged" in said[0]
    assert full_check_due(locations.data_dir)
    assert sign_in_list(locations) is None  # the next start checks before anyone signs in
    offered = _recovery_offered(monkeypatch)
    assert open_or_recover(locations) is None
    assert offered and "integrity check" in offered[0]
    assert full_check_due(locations.data_dir)


def test_damage_found_behind_the_window_stops_the_desk_and_takes_no_backup(
    qtbot, monkeypatch, ctx: Context, locations
) -> None:
    """Damage where signing in does not look (the contacts' pages): the desk opens at once,
    finds the damage (its counter or its check behind the window), stops saving and says so,
    takes no backup of the damaged file, and the next start checks the whole file first."""
    demo.create_demo(ctx)
    ctx.store.dispose()
    path = locations.sqlite_path
    assert path is not None
    _damage_leaf_pages(path, "contact")
    early = _early_sign_in(qtbot, locations, "Karen", DEMO_PINS["Karen Holt"])
    assert not early.failed and early.ctx is not None and early.signed is not None
    desk = Desk(early.ctx, locations, presence=early.presence, checked=False)
    try:
        desk.start_signed_in(early.signed)
        assert desk.window is not None
        # The counter reads today's contacts, or the check behind the window gets there
        # first: either way the desk stops saving and says why.
        qtbot.waitUntil(lambda: desk.stopped_box is not None, timeout=30000)
        assert desk.stopped_box is not None
        said = desk.stopped_box.informativeText()
        assert "damaged" in said or "failed its check" in said
        assert desk.window.statusBar().currentMessage().startswith("This desk has stopped")
        qtbot.waitUntil(lambda: desk.check_job is None, timeout=30000)
        assert not desk.backing_up
        backups = (
            list((locations.data_dir / "backups").glob("daily-*"))
            if (locations.data_dir / "backups").exists()
            else []
        )
        assert backups == []
        assert full_check_due(locations.data_dir)
    finally:
        if desk.stopped_box is not None:  # the box a person would close
            desk.stopped_box.close()
            desk.stopped_box.deleteLater()
        desk.close()
        early.ctx.store.dispose()
    assert sign_in_list(locations) is None
    offered = _recovery_offered(monkeypatch)
    assert open_or_recover(locations) is None
    assert offered and "integrity check" in offered[0]


def test_a_sound_database_is_checked_behind_the_window_then_backed_up(
    qtbot, ctx: Context, locations
) -> None:
    """What the status bar says meanwhile: how far the check has gone, then the backup."""
    demo.create_demo(ctx)
    ctx.store.dispose()
    leave_full_check_note(locations.data_dir, "an earlier finding")
    reopened = open_or_recover(locations)  # the ordinary start: sound, so the note goes
    assert reopened is not None and not full_check_due(locations.data_dir)
    reopened.store.dispose()
    early = _early_sign_in(qtbot, locations, "Karen", DEMO_PINS["Karen Holt"])
    assert early.ctx is not None and early.signed is not None
    desk = Desk(early.ctx, locations, presence=early.presence, checked=False)
    messages: list[str] = []
    try:
        desk.start_signed_in(early.signed)
        assert desk.window is not None
        desk.window.statusBar().messageChanged.connect(messages.append)
        assert desk.check_job is not None
        qtbot.waitUntil(lambda: desk.check_job is None and not desk.backing_up, timeout=30000)
        assert desk.stopped_box is None
        assert messages[-1] == "" or not messages[-1].startswith("Checking")
        assert "Checking the database: 100% done..." in messages
        assert any(m.startswith("Taking today's backup") for m in messages)
        assert len(list((locations.data_dir / "backups").glob("daily-*"))) == 1
    finally:
        desk.close()
        early.ctx.store.dispose()


def test_closing_the_desk_stops_the_check_at_once(ctx: Context, locations) -> None:
    demo.create_demo(ctx)
    check = database_check(ctx)
    assert check is not None
    ctx.store.dispose()
    check.stop()
    with pytest.raises(CheckStopped):
        check.run()


def test_the_first_pin_is_checked_before_the_database_layer_loads(
    ctx: Context, locations, receptionist: Actor
) -> None:
    """A separate process, as the desk starts: the PIN is answered and audited, the chain
    still holds, and SQLAlchemy was never imported to do it."""
    ctx.store.dispose()
    code = (
        "import sys\n"
        "from practice_action import paths\n"
        "from practice_action.services.early import check_pin\n"
        f"signed = check_pin(paths.resolve({str(locations.data_dir)!r}), "
        f"{receptionist.staff_id}, {RECEPTIONIST_PIN!r})\n"
        "print(signed.actor.name, signed.member.role.value)\n"
        "print('sqlalchemy' in sys.modules, 'psycopg' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["Jo Brennan receptionist", "False False"]
    reopened = open_context(locations)
    try:
        entries = audit.list_entries(reopened, Actor("x", None))
        assert (entries[0].kind, entries[0].summary) == ("signin.ok", "Jo Brennan signed in")
        assert audit.verify(reopened).intact
    finally:
        reopened.store.dispose()


def test_wrong_pins_count_the_same_whichever_way_they_are_checked(
    ctx: Context, locations, receptionist: Actor
) -> None:
    """Three wrong PINs at start-up and two through the database layer lock the account, and
    the lock set by the early check holds for the ordinary one (and the other way round)."""
    ctx.store.dispose()
    assert receptionist.staff_id is not None
    messages = []
    for _ in range(3):
        with pytest.raises(staff.SignInRefused) as refused:
            check_pin(locations, receptionist.staff_id, "000000")
        messages.append(str(refused.value))
    assert messages[-1] == "Wrong PIN. 2 more tries before the account locks."
    reopened = open_context(locations)
    try:
        with pytest.raises(staff.SignInRefused, match="1 more try"):
            staff.sign_in(reopened, receptionist.staff_id, "000000")
        with pytest.raises(staff.SignInRefused, match="now locked for 5 minutes"):
            staff.sign_in(reopened, receptionist.staff_id, "000000")
    finally:
        reopened.store.dispose()
    # Locked by the ordinary check: the early one refuses even the right PIN.
    with pytest.raises(staff.SignInRefused, match="is locked after 5 wrong PINs"):
        check_pin(locations, receptionist.staff_id, RECEPTIONIST_PIN)
    reopened = open_context(locations)
    try:
        kinds = [e.kind for e in audit.list_entries(reopened, Actor("x", None))][:6]
        assert kinds == [
            "signin.locked",
            "signin.lockout",
            "signin.failed",
            "signin.failed",
            "signin.failed",
            "signin.failed",
        ]
        assert audit.verify(reopened).intact
    finally:
        reopened.store.dispose()


def test_a_lock_set_at_start_up_holds_for_the_ordinary_check_until_it_ends(
    ctx: Context, locations, receptionist: Actor
) -> None:
    ctx.store.dispose()
    assert receptionist.staff_id is not None
    for _ in range(staff.MAX_FAILED):
        with pytest.raises(staff.SignInRefused):
            check_pin(locations, receptionist.staff_id, "000000")
    reopened = open_context(locations)
    try:
        with pytest.raises(staff.SignInRefused, match="Try again in about 5 minutes"):
            staff.sign_in(reopened, receptionist.staff_id, RECEPTIONIST_PIN)
        later = calendar.system_clock() + staff.LOCKOUT + timedelta(seconds=1)
        reopened.clock = lambda: later
        assert staff.sign_in(reopened, receptionist.staff_id, RECEPTIONIST_PIN).actor == (
            receptionist
        )
    finally:
        reopened.store.dispose()


def test_a_retired_account_is_refused_at_start_up_and_nothing_is_written(
    ctx: Context, locations, manager: Actor, receptionist: Actor
) -> None:
    assert receptionist.staff_id is not None
    staff.update_staff(
        ctx,
        manager,
        StaffMember("Jo Brennan", StaffRole.RECEPTIONIST, False, receptionist.staff_id),
    )
    before = audit.list_entries(ctx, Actor("x", None))[0].seq
    ctx.store.dispose()
    with pytest.raises(staff.SignInRefused, match="not active"):
        check_pin(locations, receptionist.staff_id, RECEPTIONIST_PIN)
    with pytest.raises(staff.SignInRefused, match="not active"):
        check_pin(locations, 9999, RECEPTIONIST_PIN)
    reopened = open_context(locations)
    try:
        assert audit.list_entries(reopened, Actor("x", None))[0].seq == before
    finally:
        reopened.store.dispose()


def test_a_file_the_plain_check_cannot_use_leaves_the_answer_to_the_ordinary_one(
    tmp_path, ctx: Context, locations, receptionist: Actor
) -> None:
    ctx.store.dispose()
    assert receptionist.staff_id is not None
    (tmp_path / "junk").mkdir()
    junk = paths.resolve(tmp_path / "junk")
    junk.sqlite_path.write_bytes(b"not a database at all" * 100)
    assert check_pin(junk, receptionist.staff_id, RECEPTIONIST_PIN) is None
    assert junk.sqlite_path.read_bytes() == b"not a database at all" * 100
    server = paths.resolve(tmp_path, "postgresql://u:p@127.0.0.1/x")
    assert check_pin(server, receptionist.staff_id, RECEPTIONIST_PIN) is None


def test_a_pin_typed_while_the_database_is_still_opening_signs_in_at_once(
    qtbot, monkeypatch, ctx: Context, locations, receptionist: Actor
) -> None:
    """The database layer held back until the person has signed in: the PIN typed at the
    window is answered without it, and the desk then opens on the database."""
    ctx.store.dispose()
    release = threading.Event()
    real_run = _Opener.run

    def held_run(opener: _Opener) -> None:
        release.wait(30)
        real_run(opener)

    monkeypatch.setattr(_Opener, "run", held_run)
    found = sign_in_list(locations)
    assert found is not None
    early = EarlySignIn(locations, *found)
    seen: dict[str, object] = {}

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        sign_in_with_keys(qtbot, dialog.screen, "Jo", RECEPTIONIST_PIN)
        seen["opening"] = early.source.opener.isRunning() and not early.source.opener.ctx
        seen["signed"] = dialog.signed_in
        release.set()
        return dialog.result()

    with answered_by(answer):
        early.run()
    assert seen["opening"] is True
    assert seen["signed"] is not None
    assert early.signed is not None and early.signed.actor == receptionist
    assert early.ctx is not None
    try:
        entries = audit.list_entries(early.ctx, Actor("x", None))
        assert [e.kind for e in entries][:1] == ["signin.ok"]
        assert audit.verify(early.ctx).intact
    finally:
        if early.presence is not None:
            early.presence.stop()
        early.ctx.store.dispose()


def _set_up_with_a_receptionist(db_ctx: Context) -> Actor:
    manager = practice.first_run_setup(db_ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    member = staff.add_staff(
        db_ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), RECEPTIONIST_PIN
    )
    return Actor(member.name, member.role, member.id)


def test_on_either_database_the_first_pin_needs_no_database_layer(
    db_ctx: Context, db_locations
) -> None:
    """SQLite and PostgreSQL alike (on PostgreSQL as the desks' restricted role): a fresh
    process lists the staff and checks a right and a wrong PIN with the driver alone; the
    entries chain on from the trail, the wrong PIN counts, and neither SQLAlchemy nor psycopg
    was loaded (on a server the small client of store/pg_wire.py speaks for the window)."""
    receptionist = _set_up_with_a_receptionist(db_ctx)
    db_ctx.store.dispose()
    code = (
        "import sys\n"
        "from practice_action import paths\n"
        "from practice_action.services.early import check_pin, sign_in_list\n"
        "from practice_action.services.pin_rules import SignInRefused\n"
        f"where = paths.resolve({str(db_locations.data_dir)!r}, {db_locations.database_url!r})\n"
        "name, members = sign_in_list(where)\n"
        "print(name, [m.name for m in members])\n"
        "try:\n"
        f"    check_pin(where, {receptionist.staff_id}, '000000')\n"
        "except SignInRefused as refused:\n"
        "    print(refused)\n"
        f"signed = check_pin(where, {receptionist.staff_id}, {RECEPTIONIST_PIN!r})\n"
        "print(signed.actor.name)\n"
        "print('sqlalchemy' in sys.modules, 'psycopg' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "Riverside Medical Practice ['Jo Brennan', 'Maria Okafor']",
        "Wrong PIN. 4 more tries before the account locks.",
        "Jo Brennan",
        "False False",
    ]
    reopened = open_context(db_locations)
    try:
        entries = audit.list_entries(reopened, Actor("x", None))
        assert [e.kind for e in entries][:2] == ["signin.ok", "signin.failed"]
        assert audit.verify(reopened).intact
    finally:
        reopened.store.dispose()


def test_a_server_out_of_reach_leaves_the_start_to_the_ordinary_opening(tmp_path) -> None:
    """Nothing listens on the port: no early window, no early PIN; the ordinary opening then
    says the server cannot be reached (tests/test_startup.py)."""
    where = paths.resolve(tmp_path, "postgresql://desk:secret@127.0.0.1:9/practice")
    assert sign_in_list(where) is None
    assert check_pin(where, 1, "123456") is None


def test_the_check_behind_the_window_also_looks_at_the_file_as_a_whole(tmp_path) -> None:
    """A list of free pages that says more than it holds is no table's damage: the check of
    the file as a whole finds it."""
    path = tmp_path / "small.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    db.commit()
    db.execute("DELETE FROM t WHERE rowid > 50")
    db.commit()
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    db.close()
    assert free > 0
    data = bytearray(path.read_bytes())
    data[36:40] = (free + 3).to_bytes(4, "big")  # the header's count of free pages
    path.write_bytes(bytes(data))
    check = TableByTableCheck(path)
    shares: list[float] = []
    problems = check.run(shares.append)
    assert problems and any("freelist" in p.lower() for p in problems), problems
    assert shares[-1] == 1.0


def test_a_file_that_cannot_be_read_just_now_is_not_called_damaged(tmp_path) -> None:
    with pytest.raises(CheckNotMade):
        TableByTableCheck(tmp_path / "gone.sqlite3").run()


def test_damage_met_while_the_check_runs_keeps_the_note_and_takes_no_backup(
    qtbot, monkeypatch, ctx: Context, locations, manager: Actor
) -> None:
    """A read elsewhere finds damage while the check is still going; the check then passes
    (it looked before the damage): the desk stays stopped, the note stays, no backup."""
    release = threading.Event()
    real_run = BackgroundCheck.run

    def held(job: BackgroundCheck) -> None:
        release.wait(30)
        real_run(job)

    monkeypatch.setattr(BackgroundCheck, "run", held)
    desk = Desk(ctx, locations, checked=False)
    try:
        desk.start_signed_in(staff.sign_in(ctx, manager.staff_id or 0, MANAGER_PIN))
        assert desk.check_job is not None
        ctx.store.stop(DamagedDatabase("The practice's database is damaged (a test)."))
        assert full_check_due(locations.data_dir)
        release.set()
        qtbot.waitUntil(lambda: desk.check_job is None, timeout=20000)
        assert full_check_due(locations.data_dir)
        assert not desk.backing_up
        assert not list(locations.backups_dir.glob("daily-*"))
        assert desk.window is not None
        assert desk.window.statusBar().currentMessage().startswith("This desk has stopped")
    finally:
        release.set()
        if desk.stopped_box is not None:  # the box a person would close
            desk.stopped_box.close()
            desk.stopped_box.deleteLater()
        desk.close()


def test_a_note_that_cannot_be_written_still_stops_the_desk(
    monkeypatch, ctx: Context, locations
) -> None:
    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(health, "leave_full_check_note", full)
    health.damage_found(ctx, locations, ["Page 7 is never used"])
    assert ctx.store.damaged is not None and "failed its check" in ctx.store.damaged


def test_the_early_pin_does_not_make_a_file_that_has_gone(
    ctx: Context, locations, receptionist: Actor
) -> None:
    ctx.store.dispose()
    path = locations.sqlite_path
    assert path is not None and receptionist.staff_id is not None
    path.rename(path.with_name("moved-away.sqlite3"))
    assert check_pin(locations, receptionist.staff_id, RECEPTIONIST_PIN) is None
    assert not path.exists()


def test_the_early_pin_leaves_a_busy_file_to_the_ordinary_check(
    ctx: Context, locations, receptionist: Actor
) -> None:
    """Another desk holds the write lock: the early check gives up after a moment, having
    written nothing, instead of keeping the window waiting the store's whole timeout."""
    assert receptionist.staff_id is not None
    before = audit.list_entries(ctx, Actor("x", None))[0].seq
    ctx.store.dispose()
    path = locations.sqlite_path
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        assert check_pin(locations, receptionist.staff_id, RECEPTIONIST_PIN) is None
        assert time.monotonic() - began < 15  # not the store's 30 s
    finally:
        other.execute("ROLLBACK")
        other.close()
    reopened = open_context(locations)
    try:
        assert audit.list_entries(reopened, Actor("x", None))[0].seq == before
    finally:
        reopened.store.dispose()


def test_the_sign_in_window_is_drawn_before_qts_namespace_is_made(
    ctx: Context, locations, receptionist
) -> None:
    """Making Qt's namespace of enums takes about 25 ms, a sixth of a bare window's start: the
    sign-in window is drawn without it, and the window's thread makes it once the window is up,
    while the worker opening the database waits for it before importing the screens that use
    it. A fresh process, as the desk starts."""
    ctx.store.dispose()
    code = (
        "import PySide6.QtCore as core\n"
        "from practice_action import paths\n"
        "from practice_action.services.early import sign_in_list\n"
        "from practice_action.ui.app import make_app\n"
        "from practice_action.ui.early_start import EarlySignIn\n"
        "app = make_app()\n"
        f"where = paths.resolve({str(locations.data_dir)!r})\n"
        "early = EarlySignIn(where, *sign_in_list(where))\n"
        "early.dialog.show()\n"
        "app.processEvents()\n"
        "print(early.dialog.isVisible(), 'Qt' in core.__dict__)\n"
        "early.source.start_opening()\n"
        "early.source.opener.wait(3000)\n"
        "print(early.source.opener.isRunning(), 'Qt' in core.__dict__)\n"
        "early.source.wait_for_opener()\n"
        "print(early.source.opener.isFinished(), 'Qt' in core.__dict__)\n"
        "print(early.source.opener.problem or 'opened')\n"
        "early.source.opener.ctx.store.dispose()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.splitlines() == ["True False", "True False", "True True", "opened"]


class _CommitCutter:
    """A TCP relay to the test server that passes everything on, but once the client's
    COMMIT has gone through to the server, hangs up on the client without its answer: a
    network lost at the worst moment."""

    def __init__(self, host: str, port: int) -> None:
        import socket

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = (host, port)
        self.cut = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import socket

        client, _ = self.listener.accept()
        server = socket.create_connection(self.target)

        def back() -> None:
            try:
                while not self.cut.is_set() and (data := server.recv(65536)):
                    if not self.cut.is_set():
                        client.sendall(data)
            except OSError:
                pass

        threading.Thread(target=back, daemon=True).start()
        try:
            while data := client.recv(65536):
                if b"COMMIT" in data:
                    self.cut.set()
                    server.sendall(data)
                    time.sleep(0.5)  # the server commits and answers; the answer is dropped
                    break
                server.sendall(data)
        finally:
            client.close()
            server.close()
            self.listener.close()


@pytest.mark.postgres
def test_a_sign_in_whose_commit_answer_is_lost_is_not_checked_again_as_unwritten(
    tmp_path, pg_desk_url: str
) -> None:
    """The sign-in's COMMIT reaches the server but its answer never comes back: the desk says
    the connection was lost and asks for the PIN again, rather than checking the same PIN
    again as if nothing had been written (which would count one wrong PIN twice)."""
    from sqlalchemy.engine import make_url

    from practice_action.domain.errors import StoreError
    from practice_action.store.models import StaffRow

    where = paths.resolve(tmp_path / "data", pg_desk_url)
    ctx = open_context(where)
    receptionist = _set_up_with_a_receptionist(ctx)
    ctx.store.dispose()
    url = make_url(pg_desk_url)
    relay = _CommitCutter(url.host or "127.0.0.1", url.port or 5432)
    through_relay = url.set(host="127.0.0.1", port=relay.port, query={"sslmode": "disable"})
    cut_where = paths.resolve(tmp_path / "data", through_relay.render_as_string(False))
    with pytest.raises(StoreError, match="Type your PIN again"):
        check_pin(cut_where, receptionist.staff_id, "000000")
    assert relay.cut.is_set()
    reopened = open_context(where)
    try:
        entries = audit.list_entries(reopened, Actor("x", None))
        assert [e.kind for e in entries].count("signin.failed") == 1  # written once, not twice
        assert audit.verify(reopened).intact
        with reopened.store.read() as session:
            row = session.get(StaffRow, receptionist.staff_id)
            assert row is not None and row.failed_attempts == 1
    finally:
        reopened.store.dispose()
