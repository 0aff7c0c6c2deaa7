"""What the app changes in the Qt binding's own start-up, and why.

PySide6 puts a hook on every ``import`` once it is loaded: for each new module it asks
whether the module's source mentions "PySide6" (to support ``from __feature__ import ...``,
which Practice Action never uses). It finds out with ``inspect.getsource``, and that leaves
every module's whole source in Python's line cache for the life of the process: about 25 MB
once SQLAlchemy, reportlab and the screens are loaded, a sixth of a desk's memory.

``keep_sources_out_of_memory`` gives the hook the same answer from a plain read of the file,
which keeps nothing. A built bundle has no ``.py`` files, so there the answer is "no", as the
binding's own test would say.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (loads the binding, and with it the import hook)

_FEATURE_MODULE = "shibokensupport.feature"


def source_mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file mentions PySide6, read without caching it."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # built in, compiled, or from a bundle: no source to look at
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def keep_sources_out_of_memory() -> bool:
    """Point the binding's import hook at ``source_mentions_pyside``; False if it has none."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False  # a binding without the hook: nothing to change
    feature._mod_uses_pyside = source_mentions_pyside  # type: ignore[attr-defined]
    return True
