"""Documents drawn in a process of their own, so that a desk never holds the drawing library.

Drawing a PDF loads reportlab, its fonts and the documents' drawing modules: about 13 MiB
that would stay in a desk's memory for the rest of the day after its first Letters preview.
The desktop app (``use_helper``) hands each drawing instead to a helper: the same program,
started with ``--draw-documents``, which draws and hands back the bytes. The helper stays
while it is used and leaves IDLE_S seconds after its last drawing (or with the desk); the
next drawing starts it again, in about a third of a second.

If the helper cannot start or dies while drawing, a new one is tried once, and then the
document is drawn in the desk itself, as before the helper: a larger desk for the rest of its
day, never a missing letter. A refusal (a character the font lacks) comes back and is raised
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
from typing import IO, Any

from practice_action import DRAWING_FLAG
from practice_action.documents.drawing import Drawing, draw
from practice_action.domain.errors import PracticeActionError

IDLE_S = 60.0  # the helper leaves this long after its last drawing
ATTEMPTS = 2  # helpers tried for one drawing before it is drawn in the desk
HELLO = b"practice-action drawing 1"
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
            drawing = read_frame(frames_in)
        except EOFError:
            return 0
        try:
            answer: tuple[str, object] = ("drawn", draw(drawing))
        except PracticeActionError as refusal:  # a character the font lacks, and the like
            answer = ("refused", refusal) if _travels(refusal) else ("not drawn", str(refusal))
        except Exception as error:  # drawn again in the desk, which reports it
            answer = ("not drawn", f"{type(error).__name__}: {error}")
        write_frame(frames_out, answer)


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


class _Helper:
    def __init__(self, command: list[str]) -> None:
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if sys.stderr is not None else subprocess.DEVNULL,
            creationflags=flags,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to_helper = self.process.stdin
        self.from_helper = self.process.stdout
        if read_frame(self.from_helper) != HELLO:
            raise EOFError("not the drawing helper")

    def draw(self, drawing: Drawing) -> tuple[str, object]:
        write_frame(self.to_helper, drawing)
        answer = read_frame(self.from_helper)
        if not (isinstance(answer, tuple) and len(answer) == 2):
            raise EOFError("a malformed answer")
        return answer

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
                    self.helper = _Helper(self.command or helper_command())
                outcome, value = self.helper.draw(drawing)
            except Exception:  # gone, or answering what no helper says: let it go
                self._drop()
                continue
            if outcome == "drawn" and isinstance(value, bytes):
                return value
            if outcome == "refused" and isinstance(value, PracticeActionError):
                raise value
            return None  # it could not draw this one: drawn here, where any error is raised
        return None

    def _drop(self) -> None:
        helper, self.helper = self.helper, None
        if helper is not None:
            with contextlib.suppress(OSError):
                helper.process.kill()
            helper.close()

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
