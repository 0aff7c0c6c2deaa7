"""Live updates for the counter: notice, cheaply, when any desk has changed something.

A worker thread asks a change watcher (store/watch.py: SQLite's data_version, or the audit
trail's head sequence on PostgreSQL) for one number a few times a second and signals only
when it moves; the screen then reloads its board. A database that stops answering never freezes the desk: the query runs off the UI
thread.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot

from practice_action.services import audit
from practice_action.services.context import Context

POLL_MS = 400

_LINGERING: list[QThread] = []


class _Poller(QObject):
    changed = Signal(int)
    failed = Signal(str)
    tick = Signal()

    def __init__(self, ctx: Context, interval_ms: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.interval_ms = interval_ms
        self.last: int | None = None
        self.timer: QTimer | None = None
        self.watcher = audit.watcher(ctx)

    @Slot()
    def start(self) -> None:
        self.timer = QTimer(self)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.poll()

    @Slot()
    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self.watcher.close()

    @Slot()
    def poll(self) -> None:
        self.tick.emit()
        try:
            stamp = self.watcher.stamp()
        except Exception as error:
            self.failed.emit(str(error).splitlines()[0] if str(error) else type(error).__name__)
            return
        if stamp != self.last:
            self.last = stamp
            self.changed.emit(stamp)


class CounterFeed(QObject):
    """Emits ``changed`` when another desk (or this one) has written to the database."""

    changed = Signal(int)
    failed = Signal(str)
    tick = Signal()

    def __init__(self, ctx: Context, interval_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent)
        app = QCoreApplication.instance()
        if app is not None:  # never leave the thread running when the app ends
            app.aboutToQuit.connect(self.stop)
        self._thread = QThread()
        self._thread.setObjectName("counter-feed")
        self._poller = _Poller(ctx, interval_ms)
        self._poller.moveToThread(self._thread)
        self._thread.started.connect(self._poller.start)
        self._thread.finished.connect(self._poller.stop, Qt.ConnectionType.DirectConnection)
        self._poller.changed.connect(self.changed)
        self._poller.failed.connect(self.failed)
        self._poller.tick.connect(self.tick)

    def start(self) -> None:
        if not self._thread.isRunning():
            self._thread.start()

    def stop(self) -> None:
        """End the thread without blocking on a poll in progress for long: the poller's
        timer and connection are closed in the thread itself as it finishes, and a poll
        cannot last (the watcher's queries time out)."""
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(6000):
                _LINGERING.append(self._thread)  # keep it referenced until it ends

    @property
    def running(self) -> bool:
        return self._thread.isRunning()
