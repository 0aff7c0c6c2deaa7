"""The menus as data: every shipped file loads, faulty files are refused precisely."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from practice_action import paths
from practice_action.domain import menu
from practice_action.domain.errors import ValidationError
from practice_action.domain.menu import DetailKind, MenuError, Severity

MENUS = paths.resource("menus")

GOOD_ACTION = """
[[actions]]
id = "contacts-cap"
number = 1
title = "Limit daily contacts"
wording = "Limit daily patient contacts per clinician to 25."
attribution = "BMA GP Committee England, July 2024"
source = "BMA, action 1"
explanation = "Each clinician sees at most 25 patients a day."
involves = "A counter at the desk."
detail = "contacts_cap"
"""

HEAD = """
[menu]
id = "test-menu"
title = "A test menu"
publisher = "Test"
published = 2024-07-25
source = "Made for a test"
summary = "A menu made for a test."
"""


def write(tmp_path: Path, text: str, name: str = "faulty.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(MENUS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_menu_loads(path: Path) -> None:
    loaded = menu.load_menu(path)
    assert loaded.actions
    for action in loaded.actions:
        assert action.wording and action.attribution and action.explanation
        if action.detail is DetailKind.CHECKLIST:
            assert action.tasks


def test_the_shipped_menus_and_their_default() -> None:
    menus = menu.load_menus(MENUS)
    by_id = {m.id: m for m in menus}
    assert set(by_id) == {"bma-2024-07", "bma-2024-06", "bma-2025-04", "bma-2026"}
    assert menu.default_menu(menus).id == "bma-2024-07"
    assert len(by_id["bma-2024-07"].actions) == 9
    assert len(by_id["bma-2024-06"].actions) == 10
    assert by_id["bma-2024-07"].action("contacts-cap").detail is DetailKind.CONTACTS_CAP


@pytest.mark.parametrize("menu_id", ["bma-2024-07", "bma-2024-06"])
@pytest.mark.parametrize("action_id", ["gp-connect", "digital-declarations"])
def test_contract_conflicts_from_1_october_2025_and_not_before(
    menu_id: str, action_id: str
) -> None:
    action = next(m for m in menu.load_menus(MENUS) if m.id == menu_id).action(action_id)
    assert menu.conflicts(action, date(2025, 9, 30)) == []
    found = menu.conflicts(action, date(2025, 10, 1))
    assert len(found) == 1
    assert found[0].severity is Severity.CONFLICT
    assert "1 October 2025" in found[0].text
    assert menu.conflicts(action, date(2026, 3, 2)) == found


def test_actions_without_conflict_notes_are_never_flagged() -> None:
    july = menu.load_menus(MENUS)[0]
    assert menu.conflicts(july.action("contacts-cap"), date(2026, 1, 5)) == []


def test_a_conflict_arising_while_an_action_runs_is_found() -> None:
    gp_connect = menu.load_menus(MENUS)[0].action("gp-connect")
    assert menu.conflicts_during(gp_connect, date(2024, 8, 1), None)
    assert menu.conflicts_during(gp_connect, date(2024, 8, 1), date(2025, 9, 30)) == []


@pytest.mark.parametrize(
    ("change", "action", "field"),
    [
        (('detail = "contacts_cap"', 'detail = "cap"'), "contacts-cap", "detail"),
        (('title = "Limit daily contacts"\n', ""), "contacts-cap", "title"),
        (
            ('wording = "Limit daily patient contacts per clinician to 25."', 'wording = ""'),
            "contacts-cap",
            "wording",
        ),
        (("number = 1", 'number = "one"'), "contacts-cap", "number"),
        (('id = "contacts-cap"', 'id = "Contacts Cap"'), "Contacts Cap", "id"),
        (
            ('detail = "contacts_cap"', 'detail = "contacts_cap"\ncolour = "red"'),
            "contacts-cap",
            "colour",
        ),
        (('detail = "contacts_cap"', 'detail = "checklist"'), "contacts-cap", "tasks"),
    ],
)
def test_a_faulty_action_is_refused_naming_file_action_and_field(
    tmp_path: Path, change: tuple[str, str], action: str, field: str
) -> None:
    text = HEAD + GOOD_ACTION.replace(*change)
    with pytest.raises(MenuError) as caught:
        menu.load_menu(write(tmp_path, text))
    assert caught.value.origin == "faulty.toml"
    assert caught.value.action == action
    assert caught.value.field == field
    assert "faulty.toml" in str(caught.value)
    assert f"'{field}'" in str(caught.value)


def test_a_faulty_note_is_refused_with_its_place(tmp_path: Path) -> None:
    text = HEAD + GOOD_ACTION + '\n[[actions.notes]]\nseverity = "urgent"\ntext = "x"\n'
    with pytest.raises(MenuError) as caught:
        menu.load_menu(write(tmp_path, text))
    assert (caught.value.action, caught.value.field) == ("contacts-cap", "notes[0].severity")
    assert "info, warning, conflict" in str(caught.value)


def test_a_note_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    note = (
        '\n[[actions.notes]]\nseverity = "conflict"\ntext = "x"\n'
        "valid_from = 2025-10-01\nvalid_until = 2025-01-01\n"
    )
    with pytest.raises(MenuError) as caught:
        menu.load_menu(write(tmp_path, HEAD + GOOD_ACTION + note))
    assert caught.value.field == "notes[0].valid_until"


def test_two_actions_with_one_id_are_refused(tmp_path: Path) -> None:
    second = GOOD_ACTION.replace("number = 1", "number = 2")
    with pytest.raises(MenuError) as caught:
        menu.load_menu(write(tmp_path, HEAD + GOOD_ACTION + second))
    assert (caught.value.action, caught.value.field) == ("contacts-cap", "id")


def test_a_file_that_is_not_toml_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(MenuError) as caught:
        menu.load_menu(write(tmp_path, "[menu\nid = 1"))
    assert "faulty.toml" in str(caught.value) and "not valid TOML" in str(caught.value)


def test_a_menu_without_its_head_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MenuError) as caught:
        menu.load_menu(write(tmp_path, GOOD_ACTION))
    assert caught.value.field == "menu" and caught.value.action is None


def test_two_default_menus_in_a_folder_are_refused(tmp_path: Path) -> None:
    write(tmp_path, HEAD + "default = true\n" + GOOD_ACTION, "a.toml")
    write(tmp_path, HEAD.replace("test-menu", "other") + "default = true\n" + GOOD_ACTION, "b.toml")
    with pytest.raises(MenuError) as caught:
        menu.load_menus(tmp_path)
    assert caught.value.field == "menu.default"


def test_a_practice_action_is_checked_field_by_field() -> None:
    fields = {
        "id": "own-lmc-pilots",
        "title": "Defer new LMC pilots",
        "wording": "Defer all new pilots.",
        "attribution": "Our LMC",
        "source": "LMC bulletin, May 2026",
        "explanation": "We take on no new pilots.",
        "involves": "A policy.",
        "detail": "none",
    }
    action = menu.custom_action(fields, 1)
    assert action.is_custom and action.detail is DetailKind.NONE
    with pytest.raises(ValidationError) as caught:
        menu.custom_action({**fields, "title": " "}, 1)
    assert set(caught.value.problems) == {"title"}
