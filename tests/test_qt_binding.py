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


_PROBE = """
import json, linecache, sys
sys.path.insert(0, {folder!r})
import practice_action.ui  # what every screen imports first
import uses_qt, plain
feature = sys.modules.get("shibokensupport.feature")
table = getattr(feature, "pyside_feature_dict", {{}})
cached = [name for name in linecache.cache if name.endswith(("uses_qt.py", "plain.py"))]
print(json.dumps([cached, table.get("uses_qt"), table.get("plain")]))
"""


def test_modules_imported_after_the_binding_leave_no_source_in_memory(tmp_path) -> None:
    """The binding's import hook reads each new module's source; none may stay cached."""
    import json
    import subprocess

    (tmp_path / "uses_qt.py").write_text("import PySide6.QtCore\nVALUE = 1\n")
    (tmp_path / "plain.py").write_text("VALUE = 2\n" + "# filler\n" * 2000)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(folder=str(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    cached, uses_qt, plain = json.loads(done.stdout)
    assert cached == []
    # The hook still tells a module that uses the binding from one that does not.
    assert (uses_qt, plain) == (0, -1)
