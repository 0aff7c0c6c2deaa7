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
