"""Taking back a menu file the practice added: ``practice-action menu remove ID`` (and the Action
plan screen, tests/test_plan_screen.py). Refused, saying why and what to do, while the current
plan was made from the menu, adopts an action of it, or another added file extends it; audited;
the file is kept in the database, marked removed, and adding it again brings it back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from menu_helpers import JULY, LOCAL, menu_file
from sqlalchemy import select, update

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.errors import ConflictError, NotFound
from practice_action.domain.plan import Choice, Decision
from practice_action.services import audit
from practice_action.services import plan as plan_service
from practice_action.services.context import Actor, Context, system_user
from practice_action.store.plan_models import AddedMenuRow

TODAY = date(2026, 11, 17)  # the suite's pinned day


def _run(locations: paths.Locations, *args: str) -> int:
    return main(
        ["--data-dir", str(locations.data_dir), "--database-url", locations.database_url, *args]
    )


def _walked(ctx: Context) -> list[str]:
    return [a.id for a in plan_service.catalogue(ctx).actions_for("bma-2026")]


def test_a_menu_file_removed_by_command_leaves_every_desks_wizard_and_is_audited(
    db_locations: paths.Locations,
    db_ctx: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(db_locations, "menu", "add", str(menu_file(tmp_path, JULY))) == 0
    assert _walked(db_ctx)[-1] == "2026-07-locum-rates"
    capsys.readouterr()
    assert _run(db_locations, "menu", "remove", "bma-2026-07") == 0
    out = capsys.readouterr().out
    assert out == (
        "Removed bma-2026-07.toml: BMA monthly action for July 2026. The wizard no longer "
        "offers its action. To bring it back, add the file again (practice-action menu add).\n"
    )
    assert "2026-07-locum-rates" not in _walked(db_ctx)
    assert plan_service.added_menus(db_ctx) == []
    entry = audit.list_entries(db_ctx, system_user())[0]
    assert entry.kind == "plan.remove_menu"
    assert entry.summary == (
        "Removed the menu file bma-2026-07.toml: BMA monthly action for July 2026 "
        "(1 action the wizard no longer offers)"
    )
    before = json.loads(entry.before)
    assert before["menu"] == "bma-2026-07" and len(before["sha256"]) == 64
    assert _run(db_locations, "menu", "list") == 0
    assert "Added by the practice: none" in capsys.readouterr().out
    assert _run(db_locations, "check") == 0
    # the file the practice added is kept, marked removed, until it is added again
    with db_ctx.store.read() as session:
        kept = session.execute(select(AddedMenuRow)).scalars().all()
        assert [(r.menu_id, r.active) for r in kept] == [("bma-2026-07", False)]
        assert "Review the rates offered to locums" in kept[0].content
    assert _run(db_locations, "menu", "add", str(menu_file(tmp_path, JULY))) == 0
    assert _walked(db_ctx)[-1] == "2026-07-locum-rates"
    with db_ctx.store.read() as session:
        rows = session.execute(select(AddedMenuRow)).scalars().all()
        assert [(r.menu_id, r.active) for r in rows] == [("bma-2026-07", True)]


def test_a_menu_whose_action_the_plan_adopts_is_refused_until_the_plan_drops_it(
    locations: paths.Locations,
    ctx: Context,
    manager: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, JULY))
    plan_service.save_plan_version(
        ctx, manager, [Decision("2026-07-locum-rates", Choice.ADOPT, TODAY)], menu_id="bma-2026"
    )
    before = len(audit.list_entries(ctx, system_user()))
    assert _run(locations, "menu", "remove", "bma-2026-07") == 1
    err = capsys.readouterr().err
    assert err == (
        "Not removed: BMA monthly action for July 2026 is in use: the current plan (version 1) "
        "adopts its action 'Review the rates offered to locums' from 17 November 2026. Run the "
        "wizard and choose Not now for it (the plan's history keeps what was decided), then "
        "remove it. Nothing was changed.\n"
    )
    assert [m.menu_id for m in plan_service.added_menus(ctx)] == ["bma-2026-07"]
    assert len(audit.list_entries(ctx, system_user())) == before
    # ended, it is still adopted in the plan, so still refused
    plan_service.end_action(ctx, manager, "2026-07-locum-rates", TODAY)
    with pytest.raises(ConflictError, match=r"the current plan \(version 2\) adopts its action"):
        plan_service.remove_menu(ctx, manager, "bma-2026-07")
    plan_service.save_plan_version(
        ctx, manager, [Decision("2026-07-locum-rates", Choice.NOT_NOW)], menu_id="bma-2026"
    )
    assert plan_service.menu_removal_problem(ctx, "bma-2026-07") == ""
    removed = plan_service.remove_menu(ctx, manager, "bma-2026-07")
    assert removed.title == "BMA monthly action for July 2026" and removed.actions == 1
    assert audit.list_entries(ctx, system_user())[0].actor == manager.label
    # the saved versions still say what was decided, and the plan still reads
    assert plan_service.get_version(ctx, 1).adopted[0].title == "Review the rates offered to locums"
    assert plan_service.current_plan(ctx).version.decisions[0].choice is Choice.NOT_NOW  # type: ignore[union-attr]
    assert plan_service.contract_checks(ctx) == ()


def test_a_menu_the_plan_was_made_from_is_refused(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, LOCAL, "local.toml"))
    plan_service.save_plan_version(
        ctx, manager, [Decision("lmc-locum-rates", Choice.UNDECIDED)], menu_id="lmc-2026-local"
    )
    with pytest.raises(ConflictError) as refused:
        plan_service.remove_menu(ctx, manager, "lmc-2026-local")
    assert str(refused.value) == (
        "Our LMC's local actions is in use: the current plan (version 1) was made from it. "
        "Run the wizard on another menu and save the plan, then remove it."
    )
    assert [m.menu_id for m in plan_service.added_menus(ctx)] == ["lmc-2026-local"]


def test_a_menu_another_added_file_extends_is_refused_until_that_one_goes(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, LOCAL, "local.toml"))
    more = (
        LOCAL.replace('id = "lmc-2026-local"', 'id = "lmc-2026-more"\nextends = "lmc-2026-local"')
        .replace('id = "lmc-locum-rates"', 'id = "lmc-more"')
        .replace("number = 1", "number = 2")
    )
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, more, "more.toml"))
    assert plan_service.menu_removal_problem(ctx, "lmc-2026-local") == (
        "Our LMC's local actions is in use: more.toml (menu 'lmc-2026-more') adds its actions "
        "to it. Remove that one first."
    )
    with pytest.raises(ConflictError):
        plan_service.remove_menu(ctx, manager, "lmc-2026-local")
    plan_service.remove_menu(ctx, manager, "lmc-2026-more")
    plan_service.remove_menu(ctx, manager, "lmc-2026-local")
    assert plan_service.added_menus(ctx) == []


def test_an_id_that_is_not_an_added_menu_is_named(
    locations: paths.Locations,
    ctx: Context,
    manager: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(locations, "menu", "remove", "bma-2026") == 1
    assert capsys.readouterr().err == (
        "Not removed: 'bma-2026' is a menu shipped with the app, and only a menu the practice "
        "added can be removed. Nothing was changed.\n"
    )
    with pytest.raises(NotFound, match=r"^The practice added no menu 'july'\. It has added none"):
        plan_service.remove_menu(ctx, manager, "july")
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, JULY))
    with pytest.raises(
        NotFound, match=r"no menu 'july'\. Menus it added: bma-2026-07 \(practice-action menu"
    ):
        plan_service.remove_menu(ctx, manager, "july")


def test_a_menu_file_that_no_longer_passes_can_be_removed(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, JULY))
    with ctx.store.write() as session:
        session.execute(
            update(AddedMenuRow).values(
                content=JULY.replace('detail = "checklist"', 'detail = "old_kind"')
            )
        )
    assert plan_service.added_menus(ctx)[0].problem
    plan_service.remove_menu(ctx, manager, "bma-2026-07")
    assert plan_service.added_menus(ctx) == []
    assert audit.list_entries(ctx, system_user())[0].summary == (
        "Removed the menu file bma-2026-07.toml: bma-2026-07 (it had a fault, so the wizard was "
        "not offering it)"
    )
