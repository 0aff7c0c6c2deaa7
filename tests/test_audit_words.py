"""The audit trail speaks the practice's words: every kind the services write has a label,
and an edit shows the fields that changed, named as a person reads them."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from letters_helpers import make_demo
from PySide6.QtWidgets import QApplication
from ui_people_helpers import click_row

import practice_action
from practice_action.domain.audit_words import KIND_LABELS, field_label, kind_label
from practice_action.services import audit, practice, registers
from practice_action.services.context import Context
from practice_action.ui.people_screens import AuditScreen

SERVICES = Path(practice_action.__file__).parent / "services"
REGISTER_KEYS = [r.key for r in registers.ALL_REGISTERS]


def kinds_written_by_the_services() -> set[str]:
    """Every kind named where the services append to the audit trail (or, for a PIN check,
    where pin_rules.py names the entry its Verdict asks for)."""
    found: set[str] = set()
    for path in SERVICES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(?:audit\.append|_record|Verdict)\((.{0,300}?)\)", text, re.S):
            found |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
            for suffix in re.findall(r'f"\{register\.key\}\.([a-z_]+)"', call.group(1)):
                found |= {f"{key}.{suffix}" for key in REGISTER_KEYS}
            if "{'restore' if active else 'retire'}" in call.group(1):
                found |= {f"{key}.{s}" for key in REGISTER_KEYS for s in ("restore", "retire")}
        # kinds chosen before the call: kind, summary = ("contact.urgent", ...)
        found |= set(re.findall(r'kind(?:, summary)? = \(?\s*"([a-z_]+\.[a-z_]+)"', text))
    return found


def test_every_kind_the_services_write_has_a_label() -> None:
    written = kinds_written_by_the_services()
    assert {"signin.ok", "practice.edit", "contact.urgent", "clinician.retire"} <= written
    assert sorted(written - set(KIND_LABELS)) == []
    assert all(label and "." not in label and "_" not in label for label in KIND_LABELS.values())


def test_the_demo_practice_writes_only_labelled_kinds(ctx: Context) -> None:
    people = make_demo(ctx)
    kinds = set(audit.kinds(ctx, people["Karen Holt"]))
    assert kinds and kinds <= set(KIND_LABELS)


def test_a_kind_not_yet_named_still_reads_as_words() -> None:
    assert kind_label("signin.ok") == "Signed in"
    assert kind_label("staff.role_promoted") == "Staff role promoted"
    assert field_label("opening_hours") == "Opening hours"
    assert field_label("ods_code") == "ODS code"


def test_an_edit_shows_only_what_changed_in_words(qtbot, ctx: Context) -> None:
    people = make_demo(ctx)
    manager = people["Karen Holt"]
    profile = practice.get_profile(ctx)
    practice.save_profile(ctx, manager, replace(profile, phone="0116 999 0000"))
    screen = AuditScreen(ctx, manager)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    qtbot.waitExposed(screen)
    kinds = [screen.table.view.model().index(r, 3).data() for r in range(3)]
    assert kinds[0] == "Practice profile changed"
    assert all("." not in k for k in kinds)
    click_row(screen.table.view, 0)
    QApplication.processEvents()
    text = screen.details.toPlainText()
    assert "Kind\tPractice profile changed" in text or "Practice profile changed" in text
    assert "Phone" in text and "0116 999 0000" in text
    assert "1 field changed; only it is shown." in text
    assert profile.name not in text  # the unchanged practice name is not listed
