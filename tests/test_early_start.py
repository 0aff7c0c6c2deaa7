"""Start-up on a SQLite file: the sign-in window comes from a plain read of the file while the
database layer opens in the background; anything unusual falls back to the ordinary start."""

from __future__ import annotations

import subprocess
import sys

from conftest import RECEPTIONIST_PIN
from PySide6.QtWidgets import QDialog
from test_ui_signin import sign_in_with_keys

from practice_action import paths
from practice_action.services import audit
from practice_action.services.context import Actor, Context
from practice_action.services.early import sign_in_list
from practice_action.ui.early_start import EarlySignIn
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
