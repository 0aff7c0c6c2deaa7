"""Start-up on a SQLite file: the sign-in window comes from a plain read of the file while the
database layer opens in the background; anything unusual falls back to the ordinary start."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from conftest import RECEPTIONIST_PIN
from PySide6.QtWidgets import QDialog
from test_ui_signin import sign_in_with_keys

from practice_action import paths
from practice_action.domain import calendar
from practice_action.domain.enums import StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import audit, staff
from practice_action.services.context import Actor, Context
from practice_action.services.early import check_pin, sign_in_list
from practice_action.services.health import open_context
from practice_action.ui.early_start import EarlySignIn, _Opener
from practice_action.ui.modal import answered_by
from practice_action.ui.signin import SignInDialog


def test_the_sign_in_list_needs_no_database_layer(ctx: Context, locations, receptionist) -> None:
    ctx.store.dispose()
    code = (
        "import sys\n"
        "from practice_action import paths\n"
        "from practice_action.services.early import sign_in_list\n"
        f"found = sign_in_list(paths.resolve({str(locations.data_dir)!r}))\n"
        "print(found[0], [m.name for m in found[1]])\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "Riverside Medical Practice ['Jo Brennan', 'Maria Okafor']",
        "False",
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
    found = sign_in_list(locations)
    assert found is not None
    early = EarlySignIn(locations, *found)

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        sign_in_with_keys(qtbot, dialog.screen, "Jo", RECEPTIONIST_PIN)
        return dialog.result()

    with answered_by(answer):
        early.run()
    assert not early.failed
    assert early.signed is not None and early.signed.actor == receptionist
    assert early.ctx is not None
    try:
        kinds = [e.kind for e in audit.list_entries(early.ctx, Actor("x", None))]
        assert kinds[0] == "signin.ok"
    finally:
        early.ctx.store.dispose()


def test_a_database_that_fails_its_check_falls_back_to_the_ordinary_start(
    qtbot, ctx: Context, locations, receptionist: Actor
) -> None:
    ctx.store.dispose()
    path = locations.sqlite_path
    assert path is not None
    # Damage the audit trail's pages only: the sign-in list never reads them.
    import sqlite3

    reading = sqlite3.connect(path)
    try:
        page = reading.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            n
            for (n,) in reading.execute(
                "SELECT pageno FROM dbstat WHERE name = 'audit_entry' AND pagetype = 'leaf'"
            )
        ]
    finally:
        reading.close()
    assert pages
    data = bytearray(path.read_bytes())
    for number in pages:
        start = (number - 1) * page
        for offset in range(start + 100, start + page, 7):
            data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    found = sign_in_list(locations)
    assert found is not None  # the small tables the sign-in list reads are undamaged
    early = EarlySignIn(locations, *found)

    def wait_for_failure(dialog: QDialog) -> int:
        qtbot.addWidget(dialog)
        early.source.start_opening()
        qtbot.waitUntil(lambda: early.source.opener.isFinished(), timeout=20000)
        qtbot.waitUntil(lambda: not dialog.isVisible() or early.failed, timeout=5000)
        return QDialog.DialogCode.Rejected

    with answered_by(wait_for_failure):
        early.run()
    assert early.failed and early.ctx is None and early.signed is None
    assert early.source.opener.problem


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
        "print('sqlalchemy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["Jo Brennan receptionist", "False"]
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
