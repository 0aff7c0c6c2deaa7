"""The Qt binding in use must not leak references on signals: a desk emits thousands a day.

PySide6 6.12.0 loses one reference to ``True`` on every signal emitted from Python; the
interpreter then aborts once ``True``'s count reaches zero, within minutes of the counter's
live feed running. pyproject.toml excludes that release; this test catches any other.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    nothing = Signal()
    number = Signal(int)
    anything = Signal(object)


def test_emitting_signals_keeps_the_reference_counts_of_true_and_none(qtbot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.nothing.connect(lambda: received.append(0))
    emitter.number.connect(received.append)
    emitter.anything.connect(received.append)
    gc.collect()
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(50):  # far fewer than True's count, so a leak shows without a crash
        emitter.nothing.emit()
        emitter.number.emit(7)
        emitter.anything.emit(None)
    received.clear()
    gc.collect()
    assert (sys.getrefcount(True), sys.getrefcount(None)) == before
