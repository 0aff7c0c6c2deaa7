"""The clinical safety file cannot rot silently: every test the hazard log cites must exist.

The hazard log names the tests that prove each control as ``tests/test_x.py::test_name``.
This reads the log, and for each citation checks that the file exists and defines a test
function of that name (at module level or in a test class).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAFETY_DIR = ROOT / "docs" / "clinical-safety"
HAZARD_LOG = SAFETY_DIR / "hazard-log.md"
CITATION = re.compile(r"\btests/(test_\w+\.py)::(test_\w+)\b")
HAZARD_HEADING = re.compile(r"^## (H\d+): ", re.MULTILINE)


def citations(text: str) -> list[tuple[str, str]]:
    return list(dict.fromkeys(CITATION.findall(text)))


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test_"
        ):
            names.add(node.name)
    return names


def missing_citations(text: str, tests_dir: Path) -> list[str]:
    """Each citation in ``text`` whose file or function is not in ``tests_dir``."""
    problems = []
    known: dict[str, set[str] | None] = {}
    for file, function in citations(text):
        if file not in known:
            path = tests_dir / file
            known[file] = defined_tests(path) if path.is_file() else None
        functions = known[file]
        if functions is None:
            problems.append(f"tests/{file}::{function}: there is no file tests/{file}")
        elif function not in functions:
            problems.append(f"tests/{file}::{function}: tests/{file} defines no {function}")
    return problems


def test_the_safety_file_has_its_four_parts() -> None:
    for name in ("README.md", "intended-use.md", "hazard-log.md", "safety-case.md"):
        assert (SAFETY_DIR / name).is_file(), f"docs/clinical-safety/{name} is missing"


def test_every_test_the_hazard_log_cites_exists() -> None:
    text = HAZARD_LOG.read_text(encoding="utf-8")
    assert len(citations(text)) >= 20, "the hazard log should cite its evidence"
    problems = missing_citations(text, ROOT / "tests")
    assert problems == [], "The hazard log cites tests that do not exist:\n" + "\n".join(problems)


def test_every_hazard_cites_at_least_one_test() -> None:
    text = HAZARD_LOG.read_text(encoding="utf-8")
    starts = [m.start() for m in HAZARD_HEADING.finditer(text)]
    ids = HAZARD_HEADING.findall(text)
    assert ids[:10] == [f"H{n}" for n in range(1, 11)]
    for hazard, start, end in zip(ids, starts, [*starts[1:], len(text)], strict=True):
        assert citations(text[start:end]), f"{hazard} names no test as its evidence"


@pytest.mark.parametrize(
    ("cited", "problem"),
    [
        ("tests/test_nowhere.py::test_anything", "there is no file tests/test_nowhere.py"),
        ("tests/test_sample.py::test_gone", "tests/test_sample.py defines no test_gone"),
        ("tests/test_sample.py::test_present", None),
        ("tests/test_sample.py::test_in_a_class", None),
    ],
)
def test_the_check_finds_a_missing_file_or_function(
    tmp_path: Path, cited: str, problem: str | None
) -> None:
    (tmp_path / "test_sample.py").write_text(
        "def test_present():\n    pass\n\n"
        "class TestGroup:\n    def test_in_a_class(self):\n        pass\n\n"
        "def helper_not_a_test():\n    pass\n",
        encoding="utf-8",
    )
    found = missing_citations(f"| Evidence | C1.1: `{cited}` |", tmp_path)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0]
