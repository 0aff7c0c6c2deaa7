"""A new month's action as a file: ``practice-action menu add FILE``, checked as the shipped
menus are, kept in the practice's database (so every desk, SQLite or PostgreSQL, offers it),
refused by name when broken, and checked again by ``practice-action check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from menu_helpers import JULY
from menu_helpers import menu_file as _file
from sqlalchemy import select, update

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.menu import MenuError
from practice_action.domain.plan import Choice, Decision
from practice_action.services import audit
from practice_action.services import plan as plan_service
from practice_action.services.context import Actor, Context, system_user
from practice_action.store.plan_models import AddedMenuRow


def _run(locations: paths.Locations, *args: str) -> int:
    return main(
        ["--data-dir", str(locations.data_dir), "--database-url", locations.database_url, *args]
    )


def test_a_new_months_file_joins_the_2026_round_on_every_kind_of_desk(
    db_locations: paths.Locations,
    db_ctx: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(db_locations, "menu", "add", str(_file(tmp_path, JULY))) == 0
    out = capsys.readouterr().out
    assert "Added bma-2026-07.toml: BMA monthly action for July 2026, 1 action." in out
    assert "after the actions of bma-2026" in out
    # another desk on the same database reads it from there, not from a file
    walked = plan_service.catalogue(db_ctx).actions_for("bma-2026")
    assert [a.id for a in walked][-1] == "2026-07-locum-rates"
    assert [a.number for a in walked] == [1, 2, 3, 4, 5]
    assert all(m.id != "bma-2026-07" for m in plan_service.catalogue(db_ctx).menus)
    entry = audit.list_entries(db_ctx, system_user())[0]
    assert entry.kind == "plan.add_menu" and "bma-2026-07.toml" in entry.summary
    assert _run(db_locations, "menu", "list") == 0
    listed = capsys.readouterr().out
    assert (
        "bma-2026-07: BMA monthly action for July 2026 (1 actions, after the actions of" in listed
    )
    assert _run(db_locations, "check") == 0


def test_an_added_action_can_be_adopted_and_shows_in_the_plan(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    plan_service.add_menu_file(ctx, manager, _file(tmp_path, JULY))
    saved = plan_service.save_plan_version(
        ctx,
        manager,
        [Decision("2026-07-locum-rates", Choice.ADOPT)],
        menu_id="bma-2026",
    )
    assert [d.action_id for d in saved.adopted] == ["2026-07-locum-rates"]
    assert [t.text for t in plan_service.current_plan(ctx).open_tasks] == [
        "Review the locum rates at the partners' meeting"
    ]


def test_a_broken_added_menu_is_refused_by_name_and_nothing_is_kept(
    locations: paths.Locations, ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _file(tmp_path, JULY.replace('detail = "checklist"', 'detail = "list"'), "july.toml")
    before = len(audit.list_entries(ctx, system_user()))
    assert _run(locations, "menu", "add", str(broken)) == 1
    err = capsys.readouterr().err
    assert err.startswith("Not added: july.toml: action '2026-07-locum-rates', field 'detail': ")
    assert "'list' is not a detail kind: use one of contacts_cap" in err
    assert "Nothing was changed" in err
    assert plan_service.added_menus(ctx) == []
    assert len(audit.list_entries(ctx, system_user())) == before


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (
            ('id = "bma-2026-07"', 'id = "bma-2026"'),
            "menu.id",
            "is already the id of bma-2026.toml",
        ),
        (
            ('extends = "bma-2026"', 'extends = "bma-2027"'),
            "menu.extends",
            "'bma-2027' is not a menu here",
        ),
        (("number = 5", "number = 2"), "number", "number this action from 5"),
        (
            ('id = "2026-07-locum-rates"', 'id = "2026-06-prescribe-acutely"'),
            "id",
            "is already an action of",
        ),
        (
            ('extends = "bma-2026"', 'extends = "bma-2026"\ndefault = true'),
            "menu.default",
            "cannot be the default",
        ),
        (("[[actions]]", "[[actions]\n"), "(file)", "is not valid TOML"),
        (
            ('detail = "checklist"', 'detail = "checklist"\nletters = ["icb_thank_you"]'),
            "letters",
            "'icb_thank_you' is not a document the app makes",
        ),
        (("published = 2026-07-01", "published = 2026-07-32"), "(file)", "is not valid TOML"),
        (('title = "Review', 'title = 7 # "Review'), "title", "must be text in quotes"),
    ],
)
def test_each_fault_is_named_with_the_file_and_the_field(
    ctx: Context, manager: Actor, tmp_path: Path, change: tuple[str, str], field: str, problem: str
) -> None:
    text = JULY.replace(*change)
    assert text != JULY
    with pytest.raises(MenuError) as caught:
        plan_service.add_menu_file(ctx, manager, _file(tmp_path, text, "from-the-lmc.toml"))
    assert caught.value.origin == "from-the-lmc.toml"
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert plan_service.added_menus(ctx) == []


def test_a_file_that_is_not_text_or_not_there_is_named(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes(JULY.replace("LMC", "LMC \xe9").encode("latin-1"))
    with pytest.raises(MenuError, match=r"^latin.toml: field '\(file\)': is not UTF-8 text"):
        plan_service.add_menu_file(ctx, manager, latin)
    with pytest.raises(MenuError, match=r"^gone.toml: field '\(file\)': cannot be read: no such"):
        plan_service.add_menu_file(ctx, manager, tmp_path / "gone.toml")


def test_the_same_menu_twice_is_refused_unless_it_replaces_the_first(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    plan_service.add_menu_file(ctx, manager, _file(tmp_path, JULY))
    again = _file(tmp_path, JULY.replace("Review the rates", "Compare the rates"), "july-v2.toml")
    with pytest.raises(
        MenuError,
        match=r"already the id of bma-2026-07\.toml, added 17 November 2026 by Maria Okafor",
    ):
        plan_service.add_menu_file(ctx, manager, again)
    replaced = plan_service.add_menu_file(ctx, manager, again, replace_same=True)
    assert replaced.file_name == "july-v2.toml"
    titles = [a.title for a in plan_service.catalogue(ctx).actions_for("bma-2026")]
    assert titles[-1] == "Compare the rates offered to locums"
    assert audit.list_entries(ctx, system_user())[0].summary.startswith(
        "Replaced bma-2026-07.toml with"
    )


def test_check_names_an_added_menu_that_no_longer_passes(
    locations: paths.Locations, ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file added under an older version of the app, whose format has since moved on, is
    kept out of the wizard and named by ``check`` until a corrected file replaces it."""
    plan_service.add_menu_file(ctx, system_user(), _file(tmp_path, JULY))
    with ctx.store.write() as session:
        session.execute(
            update(AddedMenuRow).values(
                content=JULY.replace('detail = "checklist"', 'detail = "old_kind"')
            )
        )
    assert _run(locations, "check") == 1
    out = capsys.readouterr().out
    assert "added menu file bma-2026-07.toml: action '2026-07-locum-rates', field 'detail'" in out
    assert "practice-action menu add" in out
    assert [a.id for a in plan_service.catalogue(ctx).actions_for("bma-2026")][-1] != (
        "2026-07-locum-rates"
    )
    assert _run(locations, "menu", "add", "--replace", str(_file(tmp_path, JULY))) == 0
    assert _run(locations, "check") == 0
    with ctx.store.read() as session:
        assert len(session.execute(select(AddedMenuRow)).scalars().all()) == 1


def test_an_added_menu_of_its_own_is_offered_beside_the_shipped_ones(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    alone = JULY.replace('extends = "bma-2026"\n', "").replace("number = 5", "number = 1")
    plan_service.add_menu_file(ctx, manager, _file(tmp_path, alone))
    menus = plan_service.catalogue(ctx).menus
    assert "bma-2026-07" in [m.id for m in menus]
    assert [a.id for a in plan_service.catalogue(ctx).actions_for("bma-2026-07")] == [
        "2026-07-locum-rates"
    ]
