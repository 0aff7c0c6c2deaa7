"""Documents drawn in a process of their own, so that a desk never holds the drawing library.

Drawing a PDF loads reportlab, its fonts and the documents' drawing modules: about 13 MiB
that would stay in a desk's memory for the rest of the day after its first Letters preview.
The desktop app (``use_helper``) hands each drawing instead to a helper: the same program,
started with ``--draw-documents``, which draws and hands back the bytes. The helper stays
while it is used and leaves IDLE_S seconds after its last drawing (or with the desk); the
next drawing starts it again, in about a third of a second.

If the helper cannot start or dies while drawing, a new one is tried once, and then the
document is drawn in the desk itself, as before the helper: a larger desk for the rest of its
day, never a missing letter. One that hangs (or is stopped) is killed after ANSWER_S and the
document drawn in the desk at once. A refusal (a character the font lacks) comes back and is raised
in the desk as it was raised in the helper; anything else the helper could not draw is drawn
again in the desk, where its error is raised as it always was.

Frames on the helper's pipes are an 8-byte length and a pickle. Only this program's own
two processes write them: the helper reads only from the desk that started it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from practice_action import DRAWING_FLAG
from practice_action.documents.drawing import Drawing, draw
from practice_action.domain.errors import PracticeActionError

IDLE_S = 60.0  # the helper leaves this long after its last drawing
HELLO_S = 30.0  # a helper not ready to draw by then is killed (a cold start takes about 0.4 s)
ANSWER_S = 60.0  # nor one that has not answered a drawing (a 32 MiB letter took 9 s)
ATTEMPTS = 2  # helpers tried for one drawing before it is drawn in the desk
HELLO = b"practice-action drawing 2"
MAX_FRAME = 1 << 30
_LENGTH = struct.Struct(">Q")


def helper_command() -> list[str]:
    """The same program, asked to draw: the built bundle's own executable, or this Python
    running the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable, DRAWING_FLAG]
    return [sys.executable, "-m", "practice_action", DRAWING_FLAG]


def write_frame(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """The next value, or EOFError when the other side has gone (or sent a damaged frame)."""
    (size,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    if size > MAX_FRAME:
        raise EOFError(f"a frame of {size} bytes")
    return pickle.loads(_read_exactly(stream, size))


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError("the other process has gone")
    return data


# --- the helper's side ---------------------------------------------------------------------


def serve() -> int:
    """Run as the helper: draw each Drawing read from standard input, answer on standard
    output, and stop when the desk closes the pipe."""
    import gc
    import signal

    gc.enable()  # off for start-up (__main__.py)
    # Ctrl+C at a terminal reaches the whole group: the desk decides, and closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    frames_in = os.fdopen(os.dup(0), "rb")
    frames_out = os.fdopen(os.dup(1), "wb")
    _keep_prints_off_the_pipe()
    write_frame(frames_out, HELLO)
    while True:
        try:
            number, drawing = read_frame(frames_in)
        except EOFError:
            return 0
        try:
            outcome: str = "drawn"
            value: object = draw(drawing)
        except PracticeActionError as refusal:  # a character the font lacks, and the like
            outcome, value = ("refused", refusal) if _travels(refusal) else ("not drawn", "")
        except Exception as error:  # drawn again in the desk, which reports it
            outcome, value = "not drawn", f"{type(error).__name__}: {error}"
        write_frame(frames_out, (number, outcome, value))


def _travels(refusal: PracticeActionError) -> bool:
    """Whether the desk will read the refusal back as it was raised here."""
    try:
        again = pickle.loads(pickle.dumps(refusal))
    except Exception:
        return False
    return type(again) is type(refusal) and str(again) == str(refusal)


def _keep_prints_off_the_pipe() -> None:
    """Point file 1 at the error stream (or nowhere), so that nothing printed while drawing
    lands between two frames."""
    try:
        os.dup2(2, 1)
    except OSError:  # no error stream (a windowed program)
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.close(nowhere)


# --- the desk's side -----------------------------------------------------------------------


class _TimedOut(EOFError):
    """The helper did not answer in time, and was killed."""


def _helper_folder() -> str | None:
    """Where the helper starts: the folder that holds this program's own package (or the
    bundle), not the desk's current folder, which may have been removed since the desk
    started, or hold another copy of the package that ``-m`` would take instead."""
    if getattr(sys, "frozen", False):
        folder = Path(sys.executable).resolve().parent
    else:
        folder = Path(__file__).resolve().parents[2]
    return str(folder) if folder.is_dir() else None


class _Helper:
    def __init__(self, command: list[str], hello_s: float) -> None:
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if sys.stderr is not None else subprocess.DEVNULL,
            cwd=_helper_folder(),
            creationflags=flags,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to_helper = self.process.stdin
        self.from_helper = self.process.stdout
        self.asked = 0
        self.timed_out = False
        try:
            if self._within(hello_s, lambda: read_frame(self.from_helper)) != HELLO:
                raise EOFError("not the drawing helper")
        except BaseException:
            self.kill()  # whatever it is, it is not left running
            raise

    def draw(self, drawing: Drawing, answer_s: float) -> tuple[str, object]:
        """Ask for one drawing. Every question carries its number and every answer the
        number it answers: an answer left unread (an interrupted wait) is never taken for
        the next drawing's."""
        self.asked += 1
        number = self.asked

        def exchange() -> Any:
            write_frame(self.to_helper, (number, drawing))
            return read_frame(self.from_helper)

        answer = self._within(answer_s, exchange)
        if not (isinstance(answer, tuple) and len(answer) == 3 and answer[0] == number):
            raise EOFError("an answer out of step")
        return answer[1], answer[2]

    def _within(self, seconds: float, work: Any) -> Any:
        """``work()``; a helper that has not finished it within ``seconds`` (hung, stopped)
        is killed, which ends the wait."""
        watchdog = threading.Timer(seconds, self._time_out)
        watchdog.daemon = True
        watchdog.start()
        try:
            return work()
        except Exception:
            if self.timed_out:
                raise _TimedOut(f"no answer in {seconds:g} s") from None
            raise
        finally:
            watchdog.cancel()

    def _time_out(self) -> None:
        self.timed_out = True
        with contextlib.suppress(OSError):
            self.process.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.close()

    def close(self) -> None:
        """Let the helper go: closing its input ends it; one that does not end is killed."""
        for stream in (self.to_helper, self.from_helper):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _Drawer:
    """The desk's one helper, started when first needed, shared by the desk's threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.helper: _Helper | None = None
        self.idle_timer: threading.Timer | None = None
        self.enabled = False
        self.command: list[str] | None = None  # tests give another; None: helper_command()
        self.idle_s = IDLE_S
        self.hello_s = HELLO_S
        self.answer_s = ANSWER_S
        self.started = 0  # helpers started: for tests and the benchmarks

    def draw(self, drawing: Drawing) -> bytes:
        if self.enabled:
            with self.lock:
                self._stop_idle_timer()
                try:
                    content = self._in_helper(drawing)
                finally:
                    self._start_idle_timer()
            if content is not None:
                return content
        return draw(drawing)

    def _in_helper(self, drawing: Drawing) -> bytes | None:
        for _ in range(ATTEMPTS):
            try:
                if self.helper is None or self.helper.process.poll() is not None:
                    self._drop()
                    self.started += 1
                    self.helper = _Helper(self.command or helper_command(), self.hello_s)
                outcome, value = self.helper.draw(drawing, self.answer_s)
            except _TimedOut:  # a helper that hangs is not waited for a second time
                self._drop()
                return None
            except Exception:  # gone, or answering what no helper says: let it go
                self._drop()
                continue
            except BaseException:  # Ctrl+C while waiting: its answer is never read
                self._drop()
                raise
            if outcome == "drawn" and isinstance(value, bytes):
                return value
            if outcome == "refused" and isinstance(value, PracticeActionError):
                raise value
            return None  # it could not draw this one: drawn here, where any error is raised
        return None

    def _drop(self) -> None:
        helper, self.helper = self.helper, None
        if helper is not None:
            helper.kill()

    def _start_idle_timer(self) -> None:
        if self.helper is None:
            return
        self.idle_timer = threading.Timer(self.idle_s, self.retire)
        self.idle_timer.daemon = True
        self.idle_timer.start()

    def _stop_idle_timer(self) -> None:
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None

    def retire(self) -> None:
        """Let the helper go now (idle, or the desk is closing)."""
        with self.lock:
            self._stop_idle_timer()
            helper, self.helper = self.helper, None
        if helper is not None:
            helper.close()

    def helper_pid(self) -> int | None:
        helper = self.helper
        return None if helper is None else helper.process.pid


_drawer = _Drawer()
atexit.register(_drawer.retire)


def use_helper(on: bool = True) -> None:
    """Draw in the helper from now on (the desktop app) or in this process (the default)."""
    _drawer.enabled = on
    if not on:
        _drawer.retire()


def draw_apart(drawing: Drawing) -> bytes:
    """The document's bytes, drawn by the helper when the app uses one."""
    return _drawer.draw(drawing)


def drawer() -> _Drawer:
    return _drawer
