"""``practice-action plan``: the current plan for scripts and for people."""

from __future__ import annotations

import json

import pytest

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.plan import Choice, Decision
from practice_action.services import plan as plan_service
from practice_action.services.context import Actor, Context


def test_plan_with_no_plan_says_how_to_make_one(
    locations: paths.Locations, ctx: Context, manager: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(locations.data_dir), "plan"]) == 0
    assert "no action plan yet" in capsys.readouterr().out


def test_plan_json_and_text(
    locations: paths.Locations,
    ctx: Context,
    manager: Actor,
    partner: Actor,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan_service.save_plan_version(
        ctx,
        manager,
        [Decision("contacts-cap", Choice.ADOPT), Decision("gp-connect", Choice.NOT_NOW)],
        "Agreed",
        partner,
    )
    assert main(["--data-dir", str(locations.data_dir), "plan", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"]["number"] == 1
    assert data["version"]["approved_by"] == partner.label
    assert [(d["action"], d["choice"]) for d in data["decisions"]] == [
        ("contacts-cap", "adopt"),
        ("gp-connect", "not_now"),
    ]
    assert data["decisions"][0]["details"]["cap"] == 25
    assert len(data["tasks"]) == 3
    assert main(["--data-dir", str(locations.data_dir), "plan"]) == 0
    text = capsys.readouterr().out
    assert "Limit daily contacts to a safe maximum: from" in text
    assert "Switch off GP Connect Update Record: not now" in text
    assert "Open tasks: 3" in text


def test_plan_says_what_the_contract_requires_and_where_each_action_conflicts(
    locations: paths.Locations,
    ctx: Context,
    manager: Actor,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from datetime import date

    plan_service.save_plan_version(
        ctx,
        manager,
        [
            # ends before GP Connect's rule of 1 October 2025: no conflict on its dates
            Decision(
                "gp-connect", Choice.ADOPT, date(2025, 9, 1), date(2025, 9, 30), confirm_past=True
            ),
            # runs on past 1 April 2026: the A&G rule comes into force while it runs
            Decision("advice-guidance", Choice.ADOPT, date(2026, 3, 1), confirm_past=True),
            Decision("contacts-cap", Choice.ADOPT, date(2025, 10, 1), confirm_past=True),
        ],
        "Dated",
        menu_id="bma-2024-07",
    )
    assert main(["--data-dir", str(locations.data_dir), "plan"]) == 0
    text = capsys.readouterr().out
    gp, ag, cap = (
        text.split("Switch off GP Connect")[1].split("\n  - ")[0],
        text.split("Stop engaging with Advice & Guidance")[1].split("\n  - ")[0],
        text.split("Limit daily contacts")[1].split("\n  - ")[0],
    )
    assert "CONFLICTS" not in gp and "requires" not in gp
    assert "CONFLICTS WITH THE CONTRACT: From 1 April 2026:" in ag
    assert "CONFLICTS" not in cap
    assert "The contract requires: From 1 April 2026:" in cap and "same day" in cap
    assert main(["--data-dir", str(locations.data_dir), "plan", "--json"]) == 0
    decisions = {d["action"]: d for d in json.loads(capsys.readouterr().out)["decisions"]}
    assert decisions["gp-connect"]["conflicts"] == []
    assert decisions["advice-guidance"]["conflicts"][0].startswith("From 1 April 2026:")
    assert decisions["contacts-cap"]["conflicts"] == []
    assert "same day" in decisions["contacts-cap"]["contract_requires"][0]
