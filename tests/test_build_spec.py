"""The PyInstaller recipe: valid Python that ships what the built program reads from disk.

This reads build.spec without building anything; CI builds the bundle and smoke-runs it
(scripts/build, scripts/smoke-bundle).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"


@pytest.fixture(scope="module")
def spec_text() -> str:
    return SPEC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def spec_tree(spec_text: str) -> ast.Module:
    return ast.parse(spec_text, filename=str(SPEC))


def _strings(tree: ast.Module) -> set[str]:
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
    ]


def _keyword(tree: ast.Module, call: ast.Call, name: str) -> object:
    """A keyword argument's value: a literal, or a name the spec assigns a literal to."""
    value = next(k for k in call.keywords if k.arg == name).value
    if isinstance(value, ast.Name):
        assigned = next(
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == value.id for t in n.targets)
        )
        return ast.literal_eval(assigned)
    return ast.literal_eval(value)


def test_spec_ships_the_resources_and_the_migrations_as_files(spec_tree: ast.Module) -> None:
    strings = _strings(spec_tree)
    assert "resources" in strings
    # revisions.py looks for the migrations next to itself: the spec puts them at the same place
    assert {"practice_action", "store", "migrations"} <= strings
    assert {".py", ".mako"} <= strings
    migrate = (ROOT / "practice_action" / "store" / "revisions.py").read_text(encoding="utf-8")
    assert 'MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"' in migrate
    assert (ROOT / "resources" / "menus").is_dir()
    assert list((ROOT / "practice_action" / "store" / "migrations" / "versions").glob("0*.py"))


def test_spec_makes_a_windowed_app_and_a_console_program_in_one_folder(
    spec_tree: ast.Module,
) -> None:
    assert len(_calls(spec_tree, "Analysis")) == 1
    exes = _calls(spec_tree, "EXE")
    programs = {_keyword(spec_tree, e, "name"): _keyword(spec_tree, e, "console") for e in exes}
    # windowed on Windows has no stdout, so the sub-commands get a console program of their own
    assert programs == {"PracticeAction": False, "practice-action": True}
    collect = _calls(spec_tree, "COLLECT")
    assert len(collect) == 1
    assert len(collect[0].args) >= 4  # both programs, the libraries and the data: one folder
    assert _keyword(spec_tree, collect[0], "name") == "PracticeAction"


def test_spec_names_what_is_loaded_by_name_at_run_time(spec_tree: ast.Module) -> None:
    strings = _strings(spec_tree)
    for module in (
        "practice_action",  # sections and sub-commands are imported by name
        "PySide6.QtPrintSupport",
        "PySide6.QtPdf",
        "PySide6.QtPdfWidgets",
        "reportlab",
        "tzdata",
        "_cffi_backend",
        "psycopg_binary",
        "sqlalchemy.dialects.sqlite.pysqlite",
        "sqlalchemy.dialects.postgresql.psycopg",
    ):
        assert module in strings, module
    for unused in (
        "tkinter",
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtQuick",
        "PySide6.QtCharts",
    ):
        assert unused in strings, unused


def test_spec_has_nothing_platform_specific(spec_text: str) -> None:
    code = "\n".join(line.split("#", 1)[0] for line in spec_text.splitlines())
    for marker in ("sys.platform", "os.name", "platform.system", "win32", "darwin", ".exe"):
        assert marker not in code, marker
    assert not re.search(r"[\"'](/|[A-Za-z]:\\)", code), "an absolute path"
