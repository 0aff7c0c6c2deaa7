"""Letters drawn in a process of their own: the desk never loads the drawing library, and a
helper that dies, hangs about or cannot start never costs a letter.

The helper is the same program started with ``--draw-documents`` (documents/apart.py). These
tests act as the world does: a person clicking in a desk's Letters section, the helper killed
with SIGKILL between and during drawings, a program that is not there, a desk that dies.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from letters_helpers import make_demo, pdf_text
from pytestqt.qtbot import QtBot
from ui_people_helpers import click_row

from practice_action import DRAWING_FLAG
from practice_action.documents import apart, drawing
from practice_action.documents.completeness import UnprintableText
from practice_action.domain.records import PracticeProfile
from practice_action.services import documents, practice
from practice_action.services.context import Context
from practice_action.ui.letters_screen import LettersScreen
from practice_action.ui.main_window import MainWindow

KEY = "service_changes_notification"


@pytest.fixture
def drawer() -> Iterator[apart._Drawer]:
    """The desk's drawer with a helper of its own for this test, let go afterwards."""
    used = apart.drawer()
    used.retire()
    used.started = 0
    apart.use_helper()
    yield used
    used.retire()
    used.command = None
    used.idle_s = apart.IDLE_S
    apart.use_helper(False)


def _no_drawing_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing in this process fails from now on: what is drawn was drawn by the helper."""

    def refuse(_drawing: drawing.Drawing) -> bytes:
        raise AssertionError("drawn in the desk, not in the helper")

    monkeypatch.setattr(apart, "draw", refuse)


def _same_pdf(one: bytes, other: bytes) -> bool:
    """Equal apart from the file's identifier and the computer's time of drawing, which every
    drawing makes anew."""
    unique = re.compile(rb"/ID\s*\n?\[<[0-9a-f]+><[0-9a-f]+>\]|/(Creation|Mod)Date \(D:[^)]*\)")
    return unique.sub(b"", one) == unique.sub(b"", other)


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a child of this process: reap it, or it lingers as a zombie
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


def test_a_click_in_the_desks_letters_shows_a_draft_the_helper_drew(
    qtbot: QtBot, ctx: Context, locations, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = make_demo(ctx)
    window = MainWindow(ctx, locations, people["Dr Asha Mistry"])
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    qtbot.waitExposed(window)
    _no_drawing_here(monkeypatch)
    click_row(window.sidebar, window.section_keys().index("letters"))
    screen = window.stack.currentWidget()
    assert isinstance(screen, LettersScreen)
    click_row(screen.table.view, 2)
    chosen = screen.current()
    assert chosen is not None and chosen.document.title in screen.preview_title.text()
    assert screen.content_is_draft and screen.content.startswith(b"%PDF-")
    assert "DRAFT" in pdf_text(screen.content)
    qtbot.waitUntil(lambda: screen.preview_pages() >= 1)
    assert drawer.started == 1 and drawer.helper_pid() is not None
    # What the helper drew is what this process draws.
    apart.use_helper(False)
    monkeypatch.undo()
    again = documents.preview_draft(ctx, screen.actor, chosen.document.key).content
    assert _same_pdf(screen.content, again)


def test_a_desk_never_loads_the_drawing_library(ctx: Context, locations) -> None:
    """In a fresh process, as a desk is: the Letters screen's import, a desk, a preview."""
    make_demo(ctx)
    ctx.store.dispose()
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from practice_action import paths
        from practice_action.services import staff
        from practice_action.services.health import open_context
        from practice_action.services.context import Actor
        from practice_action.ui.desk import Desk
        from practice_action.ui.letters_screen import LettersScreen
        import practice_action.services.documents as documents
        locations = paths.resolve({str(locations.data_dir)!r})
        ctx = open_context(locations)
        Desk(ctx, locations)
        partner = next(m for m in staff.list_staff(ctx) if m.name == "Dr Asha Mistry")
        actor = Actor(partner.name, partner.role, partner.id)
        screen = LettersScreen(ctx, actor)
        screen.select_key({KEY!r})
        assert screen.content.startswith(b"%PDF-"), screen.content[:20]
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("reportlab", "pyphen"))
        drawing = sorted(
            m for m in sys.modules
            if m.startswith("practice_action.documents.")
            and m.rsplit(".", 1)[1] in ("style", "letters", "notices", "draft", "pages")
        )
        print("loaded:", ",".join(loaded + drawing))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: \n" in done.stdout + "\n", done.stdout


def test_a_helper_killed_between_drawings_is_started_again(
    ctx: Context, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = make_demo(ctx)
    partner = people["Dr Asha Mistry"]
    first = documents.preview_draft(ctx, partner, KEY).content
    pid = drawer.helper_pid()
    assert pid is not None and drawer.started == 1
    os.kill(pid, signal.SIGKILL)
    assert _gone(pid)
    _no_drawing_here(monkeypatch)
    second = documents.preview_draft(ctx, partner, KEY).content
    assert drawer.started == 2 and drawer.helper_pid() not in (None, pid)
    assert _same_pdf(first, second)


FAKE_HELPER = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, {root!r})
    from practice_action.documents import apart
    out = os.fdopen(1, "wb")
    {before_hello}
    apart.write_frame(out, apart.HELLO)
    number, _ = apart.read_frame(os.fdopen(0, "rb"))  # the drawing asked for
    {then}
    """
)

# The real helper, with its drawing made slow or noisy: apart.serve draws with apart.draw.
WRAPPED_HELPER = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, {root!r})
    from practice_action.documents import apart
    real = apart.draw
    drawings = 0

    def draw(drawing):
        global drawings
        drawings += 1
        {change}
        return real(drawing)

    apart.draw = draw
    raise SystemExit(apart.serve())
    """
)


def _script(tmp_path: Path, text: str, **parts: str) -> list[str]:
    root = str(Path(apart.__file__).resolve().parents[2])
    script = tmp_path / "helper.py"
    script.write_text(text.format(root=root, **parts))
    return [sys.executable, str(script)]


def _fake_helper(tmp_path: Path, then: str, before_hello: str = "pass") -> list[str]:
    return _script(tmp_path, FAKE_HELPER, then=then, before_hello=before_hello)


def test_a_helper_that_dies_while_drawing_costs_no_letter(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path
) -> None:
    """Killed mid-drawing, and its successor too: the letter is drawn in the desk, the same."""
    people = make_demo(ctx)
    partner = people["Dr Asha Mistry"]
    drawer.command = _fake_helper(tmp_path, "os.kill(os.getpid(), 9)")
    content = documents.preview_draft(ctx, partner, KEY).content
    assert drawer.started == 2  # a second helper tried before the desk draws
    apart.use_helper(False)
    assert _same_pdf(content, documents.preview_draft(ctx, partner, KEY).content)


def test_a_helper_that_answers_nonsense_costs_no_letter(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path
) -> None:
    people = make_demo(ctx)
    drawer.command = _fake_helper(tmp_path, "out.write(b'\\xff' * 64); out.flush(); time.sleep(30)")
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert content.startswith(b"%PDF-") and "DRAFT" in pdf_text(content)
    assert drawer.helper is None  # each nonsense-speaking helper was let go


def test_an_answer_to_another_drawing_is_never_taken(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path
) -> None:
    """A well-formed answer numbered for another question: the helper is let go."""
    people = make_demo(ctx)
    drawer.command = _fake_helper(
        tmp_path,
        "apart.write_frame(out, (number + 1, 'drawn', b'%PDF-not this one')); time.sleep(30)",
    )
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert content != b"%PDF-not this one" and "DRAFT" in pdf_text(content)
    assert drawer.started == 2 and drawer.helper is None


@pytest.mark.parametrize("when", ["before saying it is ready", "while drawing"])
def test_a_helper_that_hangs_is_killed_and_the_letter_drawn_here(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path, when: str
) -> None:
    """A helper that never answers (stuck, or stopped with SIGSTOP) does not hold the desk,
    nor, while a partner generates, the database's write lock: it is killed at its time
    limit and, not waited for twice, the letter is drawn in the desk."""
    people = make_demo(ctx)
    pid_file = tmp_path / "helper.pid"
    note_pid = f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))"
    if when == "while drawing":
        drawer.command = _fake_helper(tmp_path, "time.sleep(120)", before_hello=note_pid)
    else:
        drawer.command = _fake_helper(tmp_path, "", before_hello=f"{note_pid}; time.sleep(120)")
    drawer.hello_s = drawer.answer_s = 1.0
    started = time.monotonic()
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert time.monotonic() - started < 15
    assert content.startswith(b"%PDF-") and "DRAFT" in pdf_text(content)
    assert drawer.started == 1 and drawer.helper is None
    assert _gone(int(pid_file.read_text()))


def test_a_program_that_is_not_the_helper_is_not_left_running(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path
) -> None:
    people = make_demo(ctx)
    pid_file = tmp_path / "helper.pid"
    script = tmp_path / "other.py"
    script.write_text(
        "import os, sys, time\n"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "sys.stdout.buffer.write(b'\\x00' * 7 + b'\\x05hello'); sys.stdout.flush()\n"
        "time.sleep(120)\n"
    )
    drawer.command = [sys.executable, str(script)]
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert content.startswith(b"%PDF-")
    assert _gone(int(pid_file.read_text()))


def test_ctrl_c_while_waiting_never_puts_one_letter_in_place_of_another(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path
) -> None:
    """Ctrl+C at the terminal a desk was started from, while it waits for a large-print
    notice: the next drawing, a letter to the ICB, is that letter, and so is what it
    registers."""
    people = make_demo(ctx)
    partner = people["Dr Asha Mistry"]
    drawer.command = _script(tmp_path, WRAPPED_HELPER, change="if drawings == 1: time.sleep(2)")
    planned = {d.kind: d for d in documents.documents_for_plan(ctx, partner) if not d.gaps}
    notice, letter = planned["large_print"], planned["service_changes_notification"]

    def interrupt(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        with pytest.raises(KeyboardInterrupt):
            documents.preview_draft(ctx, partner, notice.key)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    drawn = documents.preview_draft(ctx, partner, letter.key).content
    assert drawer.started == 2  # the interrupted helper was let go with its answer
    apart.use_helper(False)
    assert _same_pdf(drawn, documents.preview_draft(ctx, partner, letter.key).content)


def test_what_the_helper_prints_while_drawing_never_reaches_the_desk(
    ctx: Context, drawer: apart._Drawer, tmp_path: Path
) -> None:
    people = make_demo(ctx)
    drawer.command = _script(
        tmp_path,
        WRAPPED_HELPER,
        change="print('a library speaking', flush=True); os.write(1, b'\\x00' * 16)",
    )
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert content.startswith(b"%PDF-") and "DRAFT" in pdf_text(content)
    assert drawer.started == 1 and drawer.helper_pid() is not None


def test_ctrl_c_at_the_terminal_leaves_the_helper_to_the_desk(
    ctx: Context, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = make_demo(ctx)
    documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY)
    pid = drawer.helper_pid()
    assert pid is not None
    os.kill(pid, signal.SIGINT)
    time.sleep(0.3)
    _no_drawing_here(monkeypatch)
    documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY)
    assert drawer.helper_pid() == pid and drawer.started == 1


def test_a_partner_generating_has_the_helper_draw_what_is_registered(
    ctx: Context, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = make_demo(ctx)
    partner = people["Dr Asha Mistry"]
    _no_drawing_here(monkeypatch)
    made = documents.generate(ctx, partner, keys=[KEY])
    assert len(made) == 1 and drawer.started == 1
    stored = documents.reproduce(ctx, partner, made[0].entry.id)
    assert stored == made[0].content and stored.startswith(b"%PDF-")
    assert "DRAFT" not in pdf_text(stored) and "Record ref." in pdf_text(stored)


def test_a_desk_whose_folder_was_removed_still_gets_its_letters(
    ctx: Context, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The folder the desk was started from is deleted while it runs: a helper started after
    that draws all the same (it starts in the program's own folder)."""
    people = make_demo(ctx)
    gone = tmp_path / "started-here"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    _no_drawing_here(monkeypatch)
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert content.startswith(b"%PDF-") and drawer.started == 1


def test_a_helper_that_cannot_start_costs_no_letter(ctx: Context, drawer: apart._Drawer) -> None:
    people = make_demo(ctx)
    drawer.command = ["/nonexistent/practice-action", DRAWING_FLAG]
    content = documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY).content
    assert content.startswith(b"%PDF-") and "DRAFT" in pdf_text(content)
    assert drawer.helper is None


def test_an_idle_helper_leaves_and_the_next_drawing_starts_one(
    ctx: Context, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = make_demo(ctx)
    drawer.idle_s = 0.3
    _no_drawing_here(monkeypatch)
    documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY)
    pid = drawer.helper_pid()
    assert pid is not None
    assert _gone(pid, within=10)
    assert drawer.helper is None
    documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY)
    assert drawer.started == 2


def test_a_refusal_in_the_helper_is_the_refusal_the_desk_shows(
    ctx: Context, drawer: apart._Drawer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A character the font lacks: refused there, said here, in the person's words."""
    people = make_demo(ctx)
    profile = practice.get_profile(ctx)
    assert isinstance(profile, PracticeProfile)
    from dataclasses import replace

    practice.save_profile(
        ctx, people["Karen Holt"], replace(profile, name="Practice \u0b95\u0bae\u0bb2\u0bbe")
    )
    _no_drawing_here(monkeypatch)
    with pytest.raises(UnprintableText) as caught:
        documents.preview_draft(ctx, people["Dr Asha Mistry"], KEY)
    assert "\u0b95" in str(caught.value) and "Latin letters" in str(caught.value)
    assert drawer.started == 1 and drawer.helper_pid() is not None  # the helper stays


def test_the_helper_leaves_with_a_desk_that_dies(ctx: Context, locations) -> None:
    """SIGKILL to a desk: its helper reads the end of its pipe and stops."""
    people = make_demo(ctx)
    partner = people["Dr Asha Mistry"]
    ctx.store.dispose()
    script = textwrap.dedent(
        f"""
        import sys, time
        from practice_action import paths
        from practice_action.documents import apart
        from practice_action.services import documents
        from practice_action.services.context import Actor
        from practice_action.domain.enums import StaffRole
        from practice_action.services.health import open_context
        ctx = open_context(paths.resolve({str(locations.data_dir)!r}))
        apart.use_helper()
        actor = Actor({partner.name!r}, StaffRole.PARTNER, {partner.staff_id!r})
        documents.preview_draft(ctx, actor, {KEY!r})
        print(apart.drawer().helper_pid(), flush=True)
        time.sleep(60)
        """
    )
    desk = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert desk.stdout is not None
        helper = int(desk.stdout.readline())
        os.kill(helper, 0)  # drawing, and still there
        desk.kill()
        desk.wait()
        assert _gone(helper), "the helper stayed after its desk died"
    finally:
        if desk.poll() is None:
            desk.kill()


def test_the_program_started_to_draw_says_so_and_stops_at_the_end_of_its_input() -> None:
    done = subprocess.run([*apart.helper_command()], input=b"", capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert apart.HELLO in done.stdout
