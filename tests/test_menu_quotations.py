"""Every quotation in a shipped menu is exact and attributed; paraphrase never wears quotes."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from practice_action import paths
from practice_action.domain import menu
from practice_action.domain.menu import Severity

MENUS = paths.resource("menus")
QUOTATIONS = tomllib.loads((MENUS / "sources" / "quotations.toml").read_text(encoding="utf-8"))[
    "quotation"
]
SOURCES = {(q["menu"], q["action"]): q for q in QUOTATIONS}
ALL = [(m, a) for m in menu.load_menus(MENUS) for a in m.actions]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("m", "a"), [p for p in ALL if p[1].quoted], ids=lambda x: x.id)
def test_each_quoted_action_is_word_for_word_its_source(m: menu.Menu, a: menu.MenuAction) -> None:
    source = SOURCES.get((m.id, a.id))
    assert source is not None, f"{m.id}/{a.id} is quoted but has no source text kept"
    assert a.wording == _flat(source["text"])
    assert source["body"] and source["title"] and source["dated"]
    # the attribution names the date of the version quoted
    assert any(part in a.attribution for part in source["dated"].split()[-3:])


def test_every_kept_source_belongs_to_a_quoted_action() -> None:
    quoted = {(m.id, a.id) for m, a in ALL if a.quoted}
    assert set(SOURCES) == quoted


@pytest.mark.parametrize(("m", "a"), [p for p in ALL if not p[1].quoted], ids=lambda x: x.id)
def test_paraphrase_uses_no_quotation_marks_and_says_it_is_ours(
    m: menu.Menu, a: menu.MenuAction
) -> None:
    assert not any(mark in a.wording for mark in ('"', "\u201c", "\u201d"))
    assert "not the BMA's words" in a.attribution


def test_the_july_2024_menu_quotes_the_bmas_page_not_a_secondary_copy() -> None:
    july = next(m for m in menu.load_menus(MENUS) if m.id == "bma-2024-07")
    cap = july.action("contacts-cap")
    assert "UEMO" in cap.wording and "consultations" in cap.wording
    assert "face-to-face" in cap.wording
    assert "stop supporting the system" in july.action("voluntary-notice").wording
    assert "26 September 2024" in cap.attribution
    assert not july.action("gp-connect").quoted  # the garbled copy is no longer quoted


def test_the_june_list_no_longer_claims_the_tenth_option_was_dropped() -> None:
    text = (MENUS / "bma-2024-06.toml").read_text(encoding="utf-8")
    assert "dropped" not in text
    june = next(m for m in menu.load_menus(MENUS) if m.id == "bma-2024-06")
    assert len(june.actions) == 10


def test_the_april_2025_local_action_menu_ships() -> None:
    local = next(m for m in menu.load_menus(MENUS) if m.id == "bma-2025-04")
    assert local.published == date(2025, 4, 8)
    assert "re/negotiated with ICBs" in local.action("voluntary-notice").wording
    assert "where you deem it to be clinically appropriate" in local.action("contacts-cap").wording
    assert "Consider how you are engaging" in local.action("advice-guidance").wording


def test_the_2025_pause_end_and_re_entry_are_noted() -> None:
    july = next(m for m in menu.load_menus(MENUS) if m.id == "bma-2024-07")
    text = " ".join(n.text for n in july.notes)
    assert "paused" in text and "19 March 2025" in text and "1 October 2025" in text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 8, 1), "bma-2024-07"),
        (date(2026, 4, 30), "bma-2024-07"),
        (date(2026, 5, 1), "bma-2026"),
        (date(2026, 12, 2), "bma-2026"),
    ],
)
def test_the_default_menu_depends_on_the_day_the_plan_is_made(day: date, expected: str) -> None:
    assert menu.default_menu(menu.load_menus(MENUS), day).id == expected


def _july(action_id: str) -> menu.MenuAction:
    found = next(m for m in menu.load_menus(MENUS) if m.id == "bma-2024-07").action(action_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("action_id", "start", "end", "conflicting_from"),
    [
        ("gp-connect", date(2025, 9, 1), date(2025, 9, 30), []),
        ("gp-connect", date(2025, 9, 1), None, [date(2025, 10, 1)]),
        ("digital-declarations", date(2025, 9, 1), None, [date(2025, 10, 1), date(2026, 4, 1)]),
        ("digital-declarations", date(2026, 4, 1), None, [date(2025, 10, 1), date(2026, 4, 1)]),
        ("advice-guidance", date(2026, 3, 1), date(2026, 3, 31), []),
        ("advice-guidance", date(2026, 3, 1), None, [date(2026, 4, 1)]),
        ("contacts-cap", date(2026, 5, 1), None, []),
    ],
)
def test_conflict_dates_before_and_after_october_2025_and_april_2026(
    action_id: str, start: date, end: date | None, conflicting_from: list[date]
) -> None:
    found = menu.conflicts_during(_july(action_id), start, end)
    assert [n.valid_from for n in found] == conflicting_from


def test_the_cap_carries_the_2026_27_same_day_rule_as_a_requirement_not_a_conflict() -> None:
    cap = _july("contacts-cap")
    before = menu.contract_notes_during(cap, date(2025, 10, 1), date(2026, 3, 31))
    after = menu.contract_notes_during(cap, date(2025, 10, 1), None)
    assert before == []
    assert [n.severity for n in after] == [Severity.WARNING]
    assert "same day" in after[0].text and "call back another day" in after[0].text
    assert menu.dated_text(after[0], date(2025, 10, 1)).startswith("From 1 April 2026:")


def test_the_menus_say_when_an_action_needs_a_caveat() -> None:
    assert "cannot be withdrawn" in " ".join(n.text for n in _july("dsa-withdrawal").notes)
    assert "local enhanced service" in " ".join(
        n.text for n in _july("medicines-optimisation").notes
    )
