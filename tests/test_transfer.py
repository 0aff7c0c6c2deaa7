"""Export and import of the practice set-up: round trip, damaged files, refusals, the CLI."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from practice_action.services import audit, demo, practice, registers, staff, transfer
from practice_action.services.context import Actor, Context, system_user
from practice_action.services.health import open_context

OPERATOR = system_user()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Context]:
    """A second, empty data folder: where an exported set-up is taken to."""
    context = open_context(paths.resolve(tmp_path / "other-data"))
    yield context
    context.store.dispose()


@pytest.fixture
def demo_ctx(ctx: Context) -> Context:
    demo.create_demo(ctx)
    return ctx


def _setup_of(ctx: Context) -> dict[str, Any]:
    """Everything import is meant to carry across, with database ids cleared."""
    return {
        "profile": practice.get_profile(ctx),
        **{
            r.key: [replace(rec, id=None) for rec in registers.list_records(ctx, r)]
            for r in registers.ALL_REGISTERS
        },
        "staff": [replace(m, id=None) for m in staff.list_staff(ctx, include_retired=True)],
    }


def _good_data(ctx: Context) -> dict[str, Any]:
    return transfer.export_data(ctx, OPERATOR)


def _nothing_in(ctx: Context) -> None:
    assert not practice.is_set_up(ctx)
    assert audit.change_stamp(ctx) == 0
    assert staff.list_staff(ctx, include_retired=True) == []
    for register in registers.ALL_REGISTERS:
        assert registers.list_records(ctx, register) == []


def test_export_then_import_gives_the_same_practice(
    demo_ctx: Context, other: Context, tmp_path: Path
) -> None:
    manager = Actor("Karen Holt", StaffRole.PRACTICE_MANAGER, 1)
    retired = registers.list_records(demo_ctx, registers.CLINICIANS)[0]
    registers.set_active(demo_ctx, manager, registers.CLINICIANS, retired.id, False)
    file = tmp_path / "set-up.json"

    count = transfer.export_to_file(demo_ctx, OPERATOR, file)
    summary = transfer.import_from_file(other, OPERATOR, file)

    assert count == 1 + 8 + 5 + 3 + 4 + 5
    assert _setup_of(other) == _setup_of(demo_ctx)
    again = transfer.export_data(other, OPERATOR)
    first = json.loads(file.read_text(encoding="utf-8"))
    assert {**again, "exported_at": ""} == {**first, "exported_at": ""}
    assert "Fernbrook Medical Practice (Y99042)" in summary
    assert "8 clinicians, 5 local services, 3 voluntary services" in summary
    assert audit.verify(other).intact


def test_imported_staff_sign_in_with_the_temporary_pins_in_the_summary(
    demo_ctx: Context, other: Context
) -> None:
    summary = transfer.import_data(other, OPERATOR, _good_data(demo_ctx))

    pins = dict(re.findall(r"([A-Z][\w ]+?) \([A-Za-z ]+\) (\d{6})", summary))
    people = staff.list_staff(other)
    assert sorted(pins) == sorted(m.name for m in people)
    for member in people:
        assert member.id is not None
        signed = staff.sign_in(other, member.id, pins[member.name])
        assert signed.actor.role is member.role
        assert pins[member.name] != demo.DEMO_PINS[member.name]


def test_the_file_holds_no_pin_data(demo_ctx: Context, tmp_path: Path) -> None:
    file = tmp_path / "set-up.json"
    transfer.export_to_file(demo_ctx, OPERATOR, file)
    text = file.read_text(encoding="utf-8")
    assert "argon2" not in text
    assert "pin" not in text.lower()
    assert all(set(m) == {"name", "role", "active"} for m in json.loads(text)["staff"])


def test_export_replaces_the_file_whole_and_leaves_no_temporary_file(
    demo_ctx: Context, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    file = folder / "set-up.json"
    file.write_text("old contents", encoding="utf-8")

    transfer.export_to_file(demo_ctx, OPERATOR, file)

    assert [p.name for p in folder.iterdir()] == ["set-up.json"]
    assert json.loads(file.read_text(encoding="utf-8"))["format"] == "practice-action-setup"
    entry = audit.list_entries(demo_ctx, OPERATOR, kind_prefix="setup.export")[0]
    assert "26 records" in entry.summary


def test_export_of_an_empty_database_says_there_is_nothing(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no practice yet"):
        transfer.export_to_file(ctx, OPERATOR, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_a_damaged_file_changes_nothing_and_names_every_fault(
    demo_ctx: Context, other: Context
) -> None:
    data = copy.deepcopy(_good_data(demo_ctx))
    data["practice"]["ods_code"] = "G1234567"
    data["practice"]["icb"]["postcode"] = "LE1 1CC"
    data["practice"]["opening_hours"][2]["closes"] = "07:00"
    data["clinicians"][0]["name"] = "   "
    data["clinicians"][3]["role"] = "gp"
    bad_session = len(data["clinicians"][4]["sessions"])
    data["clinicians"][4]["sessions"].append("mon-evening")
    data["clinicians"][5]["name"] = data["clinicians"][1]["name"]
    data["local_services"][1]["postcode"] = "XX1"
    data["local_services"][2]["kind"] = "hospital"
    data["voluntary_services"][0]["commissioner"]["postcode"] = "12345"
    data["voluntary_services"][2]["notice_days"] = "thirty"
    data["data_sharing_agreements"][1]["party"]["postcode"] = ""
    data["data_sharing_agreements"][3]["signed_on"] = "2/9/2019"
    data["staff"][2]["colour"] = "blue"

    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, data)

    problems = caught.value.problems
    assert set(problems) == {
        "practice.ods_code",
        "practice.icb.postcode",
        "practice.opening_hours[2].closes",
        "clinicians[0].name",
        "clinicians[3].role",
        f"clinicians[4].sessions[{bad_session}]",
        "clinicians[5].name",
        "local_services[1].postcode",
        "local_services[2].kind",
        "voluntary_services[0].commissioner.postcode",
        "voluntary_services[2].notice_days",
        "data_sharing_agreements[1].party.postcode",
        "data_sharing_agreements[3].signed_on",
        "staff[2].colour",
    }
    assert problems["clinicians[3].role"].startswith("'gp' is not one of gp_partner, salaried_gp")
    assert "GP's own code" in problems["practice.ods_code"]
    assert "appears twice (also clinicians[1])" in problems["clinicians[5].name"]
    assert "not a UK postcode" in problems["local_services[1].postcode"]
    _nothing_in(other)


def test_missing_parts_and_no_manager_are_named(demo_ctx: Context, other: Context) -> None:
    data = copy.deepcopy(_good_data(demo_ctx))
    del data["voluntary_services"]
    del data["practice"]["phone"]
    data["local_services"] = {"name": "NHS 111"}
    data["staff"] = [m for m in data["staff"] if m["role"] == "receptionist"]

    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, data)

    assert set(caught.value.problems) == {
        "voluntary_services",
        "practice.phone",
        "local_services",
        "staff",
    }
    assert "practice manager or partner" in caught.value.problems["staff"]
    _nothing_in(other)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{\n  "format": "practice-action-setup",\n  "version": 1,,\n}', "line 3, column 16"),
        ('{"format": "practice-action-setup", "version": 1', "line 1, column 49"),
        ("", "line 1, column 1"),
    ],
)
def test_bad_json_is_named_by_line_and_column(
    other: Context, tmp_path: Path, text: str, where: str
) -> None:
    file = tmp_path / "broken.json"
    file.write_text(text, encoding="utf-8")

    with pytest.raises(ValidationError) as caught:
        transfer.import_from_file(other, OPERATOR, file)

    assert list(caught.value.problems) == [where]
    assert "not valid JSON" in caught.value.problems[where]
    _nothing_in(other)


def test_a_newer_version_is_refused_with_a_clear_message(demo_ctx: Context, other: Context) -> None:
    data = {**_good_data(demo_ctx), "version": transfer.FORMAT_VERSION + 1, "something_new": []}

    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, data)

    assert list(caught.value.problems) == ["version"]
    assert "newer Practice Action" in caught.value.problems["version"]
    assert "Install the newer version" in caught.value.problems["version"]
    _nothing_in(other)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"format": "something-else"}, "format"),
        ({"version": "1"}, "version"),
        ({"version": 0}, "version"),
        ({"extra": 1}, "extra"),
    ],
)
def test_wrong_format_name_or_version_is_refused(
    demo_ctx: Context, other: Context, change: dict[str, Any], key: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, {**_good_data(demo_ctx), **change})
    assert list(caught.value.problems) == [key]
    _nothing_in(other)


def test_a_file_that_is_not_an_object_is_refused(other: Context) -> None:
    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, [1, 2, 3])
    assert list(caught.value.problems) == ["(file)"]


def test_import_into_a_practice_in_use_is_refused_and_changes_nothing(
    demo_ctx: Context, tmp_path: Path
) -> None:
    data = _good_data(demo_ctx)
    data["practice"]["name"] = "Somewhere Else Surgery"
    before = audit.change_stamp(demo_ctx)

    with pytest.raises(ConflictError, match=r"already holds a practice \(Fernbrook"):
        transfer.import_data(demo_ctx, OPERATOR, data)

    assert audit.change_stamp(demo_ctx) == before
    assert practice.get_profile(demo_ctx).name == "Fernbrook Medical Practice"


def test_only_people_who_may_change_the_set_up_export_or_import(
    ctx: Context, receptionist: Actor, tmp_path: Path, other: Context
) -> None:
    file = tmp_path / "set-up.json"
    with pytest.raises(PermissionDenied):
        transfer.export_to_file(ctx, receptionist, file)
    assert not file.exists()
    data = transfer.export_data(ctx, OPERATOR)
    with pytest.raises(PermissionDenied):
        transfer.import_data(other, receptionist, data)
    _nothing_in(other)


def test_import_is_audited_record_by_record(demo_ctx: Context, other: Context) -> None:
    transfer.import_data(other, OPERATOR, _good_data(demo_ctx))

    entries = audit.list_entries(other, OPERATOR)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "setup.import"
    assert kinds.count("clinician.import") == 8
    assert kinds.count("staff.import") == 5
    assert all(OPERATOR.name in e.actor for e in entries)
    assert all("argon2" not in e.after for e in entries)


# --- the command line ---------------------------------------------------------------------


def test_cli_demo_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second, file = tmp_path / "first", tmp_path / "second", tmp_path / "set-up.json"

    assert main(["--data-dir", str(first), "demo"]) == 0
    assert main(["--data-dir", str(first), "export", str(file)]) == 0
    assert "Wrote the practice set-up (26 records)" in capsys.readouterr().out
    assert main(["--data-dir", str(second), "import", str(file)]) == 0
    assert "Imported the set-up of Fernbrook Medical Practice" in capsys.readouterr().out
    assert main(["--data-dir", str(second), "check"]) == 0
    assert main(["--data-dir", str(second), "audit", "verify"]) == 0

    assert main(["--data-dir", str(second), "import", str(file)]) == 1
    assert "already holds a practice" in capsys.readouterr().err


def test_cli_import_of_a_damaged_file_lists_every_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, file = tmp_path / "first", tmp_path / "second", tmp_path / "set-up.json"
    assert main(["--data-dir", str(first), "demo"]) == 0
    assert main(["--data-dir", str(first), "export", str(file)]) == 0
    data = json.loads(file.read_text(encoding="utf-8"))
    data["practice"]["postcode"] = "NOWHERE"
    data["clinicians"][2]["role"] = "doctor"
    file.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()

    assert main(["--data-dir", str(second), "import", str(file)]) == 1

    err = capsys.readouterr().err
    assert "practice.postcode: 'NOWHERE' is not a UK postcode" in err
    assert "clinicians[2].role: 'doctor' is not one of" in err
    assert "Traceback" not in err
    assert main(["--data-dir", str(second), "export", str(tmp_path / "y.json")]) == 1
    assert not (tmp_path / "y.json").exists()


def test_cli_import_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(tmp_path / "nope.json")]) == 1
    assert "There is no file at" in capsys.readouterr().err


def test_the_documented_example_imports(other: Context) -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "export-format.md"
    example = re.search(r"```json\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert example is not None

    summary = transfer.import_data(other, OPERATOR, json.loads(example.group(1)))

    assert "2 clinicians, 2 local services, 1 voluntary service," in summary
    assert practice.get_profile(other).ods_code == "Y99042"


def test_a_retired_record_may_share_its_name_and_the_export_still_imports(
    demo_ctx: Context, other: Context, tmp_path: Path
) -> None:
    """A locum who left and came back under a new record, a service given up and later taken
    on again: the registers allow a retired entry beside a current one of the same name, so
    the file the app writes must import."""
    manager = Actor("Karen Holt", StaffRole.PRACTICE_MANAGER, 1)
    for register in registers.ALL_REGISTERS:
        first = registers.list_records(demo_ctx, register)[0]
        registers.set_active(demo_ctx, manager, register, first.id, False)
        registers.save_record(demo_ctx, manager, register, replace(first, id=None, active=True))
    file = tmp_path / "set-up.json"
    transfer.export_to_file(demo_ctx, OPERATOR, file)

    transfer.import_from_file(other, OPERATOR, file)

    assert _setup_of(other) == _setup_of(demo_ctx)
    # Two current entries of one name are still a fault: nobody could tell them apart.
    data = copy.deepcopy(_good_data(demo_ctx))
    data["clinicians"][0]["active"] = True
    with pytest.raises(ValidationError) as caught:
        transfer.check_data(data, date(2100, 1, 1))
    assert "appears twice (also clinicians[0])" in caught.value.problems["clinicians[1].name"]


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "line 1", "nested more than 8 levels deep"),
        (
            json.dumps({"format": "x", "clinicians": [{"name": f"Dr {n}"} for n in range(501)]}),
            "clinicians",
            "holds 501 entries; a practice has at most 500",
        ),
        (
            json.dumps({"staff": [{}] * 301}),
            "staff",
            "holds 301 entries; a practice has at most 300",
        ),
    ],
    ids=["nested-100000-deep", "501-clinicians", "301-staff"],
)
def test_a_file_of_the_wrong_shape_is_refused_before_it_is_read_into_records(
    other: Context, tmp_path: Path, content: str, field: str, words: str
) -> None:
    file = tmp_path / "odd.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        transfer.import_from_file(other, OPERATOR, file)
    assert words in caught.value.problems[field]
    _nothing_in(other)


def test_a_file_over_20_mb_is_refused_without_reading_it(
    other: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "huge.json"
    with file.open("wb") as out:
        out.truncate(21 * 1024 * 1024)  # sparse: 21 MB that take no room on the disk
    assert main(["--data-dir", str(tmp_path / "other-data"), "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert "the file is 21.0 MB; a set-up file is far smaller (at most 20 MB)" in err
    assert "Traceback" not in err
    _nothing_in(other)


# --- the menu files the practice added (format version 2) ----------------------------------


def _menus_of(ctx: Context) -> list[tuple[str, str, str, Any]]:
    from practice_action.services import plan

    return [
        (m.menu_id, m.file_name, m.added_by, m.added_at.replace(microsecond=0))
        for m in plan.added_menus(ctx)
    ]


def test_the_menu_files_the_practice_added_move_with_the_set_up(
    demo_ctx: Context, other: Context, tmp_path: Path
) -> None:
    from menu_helpers import JULY, LOCAL, menu_file

    from practice_action.services import plan

    manager = Actor("Karen Holt", StaffRole.PRACTICE_MANAGER, 1)
    plan.add_menu_file(demo_ctx, manager, menu_file(tmp_path, LOCAL, "local.toml"))
    plan.add_menu_file(demo_ctx, manager, menu_file(tmp_path, JULY))
    gone = JULY.replace('"bma-2026-07"', '"bma-2026-08"').replace("number = 5", "number = 6")
    gone = gone.replace('id = "2026-07-locum-rates"', 'id = "2026-08-gone"')
    plan.add_menu_file(demo_ctx, manager, menu_file(tmp_path, gone, "august.toml"))
    plan.remove_menu(demo_ctx, manager, "bma-2026-08")  # removed: stays behind
    file = tmp_path / "set-up.json"

    count = transfer.export_to_file(demo_ctx, OPERATOR, file)
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data["version"] == 2
    assert [m["file_name"] for m in data["added_menus"]] == ["local.toml", "bma-2026-07.toml"]
    assert data["added_menus"][1]["content"] == JULY  # the file as it was given
    assert re.fullmatch(r"2026-11-17T14:0\d:\d\dZ", data["added_menus"][1]["added_at"])
    summary = transfer.import_from_file(other, OPERATOR, file)

    assert count == 1 + 8 + 5 + 3 + 4 + 5 + 2
    assert _menus_of(other) == _menus_of(demo_ctx)
    assert [m.actions for m in plan.added_menus(other)] == [1, 1]
    assert plan.catalogue(other).actions_for("bma-2026")[-1].id == "2026-07-locum-rates"
    assert "2026-08-gone" not in [a.id for a in plan.catalogue(other).actions_for("bma-2026")]
    again = transfer.export_data(other, OPERATOR)
    assert {**again, "exported_at": ""} == {**data, "exported_at": ""}
    assert (
        "and 5 staff accounts. The wizard offers the actions of the 2 menu files the practice "
        "added (local.toml, bma-2026-07.toml). PINs are never exported" in summary
    )
    entries = [e for e in audit.list_entries(other, OPERATOR) if e.kind == "plan.import_menu"]
    assert [e.summary for e in entries] == [
        "Imported the menu file bma-2026-07.toml: BMA monthly action for July 2026 (1 action)",
        "Imported the menu file local.toml: Our LMC's local actions (1 action)",
    ]
    assert audit.verify(other).intact


def test_a_version_1_file_is_still_read_and_has_no_added_menus(
    demo_ctx: Context, other: Context
) -> None:
    old = {k: v for k, v in _good_data(demo_ctx).items() if k != "added_menus"}
    old["version"] = 1

    summary = transfer.import_data(other, OPERATOR, old)

    assert "8 clinicians, 5 local services, 3 voluntary services" in summary
    assert "menu file" not in summary
    assert _menus_of(other) == []
    assert _setup_of(other) == _setup_of(demo_ctx)


def test_a_version_1_file_with_added_menus_or_a_version_2_file_without_is_named(
    demo_ctx: Context, other: Context
) -> None:
    data = {**_good_data(demo_ctx), "version": 1}
    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, data)
    assert caught.value.problems == {
        "added_menus": "is not in version 1 of the format: a file that carries added menu "
        'files says "version": 2.'
    }
    data = {k: v for k, v in _good_data(demo_ctx).items() if k != "added_menus"}
    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, data)
    assert list(caught.value.problems) == ["added_menus"]
    assert "is missing: add it as a list, []" in caught.value.problems["added_menus"]
    _nothing_in(other)


def test_a_broken_menu_file_in_the_set_up_is_named_and_nothing_is_imported(
    demo_ctx: Context, other: Context
) -> None:
    from menu_helpers import JULY

    data = _good_data(demo_ctx)
    data["added_menus"] = [
        {"file_name": "july.toml", "content": JULY.replace("number = 5", "number = 2")},
        {"file_name": "again.toml", "content": JULY, "added_at": "last Tuesday"},
        {"file_name": "../again.toml", "content": JULY},
        {"file_name": "again.toml", "content": JULY, "note": "x"},
    ]
    with pytest.raises(ValidationError) as caught:
        transfer.import_data(other, OPERATOR, data)
    problems = caught.value.problems
    assert problems["added_menus[0].content"].startswith(
        "july.toml: action '2026-07-locum-rates', field 'number': 2 is already the number of"
    )
    assert problems["added_menus[0].content"].endswith(
        "Put it right in the file's text here, or leave this entry out and add a corrected "
        "menu file after the import (practice-action menu add)."
    )
    assert "is not a time in UTC" in problems["added_menus[1].added_at"]
    assert "is not a file name" in problems["added_menus[2].file_name"]
    assert "is not a field this format knows" in problems["added_menus[3].note"]
    # the second and the fourth are the same menu: the fourth is refused as taken
    assert "'bma-2026-07' is already the id of again.toml" in problems["added_menus[3].content"]
    _nothing_in(other)
    assert _menus_of(other) == []


def test_import_refuses_a_folder_that_already_has_an_added_menu(
    demo_ctx: Context, other: Context, tmp_path: Path
) -> None:
    from menu_helpers import JULY, menu_file

    from practice_action.services import plan

    plan.add_menu_file(other, OPERATOR, menu_file(tmp_path, JULY))
    with pytest.raises(ConflictError, match=r"it holds added menu file records"):
        transfer.import_data(other, OPERATOR, _good_data(demo_ctx))


def test_every_field_the_import_reads_is_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "export-format.md").read_text(
        encoding="utf-8"
    )
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.M))
    assert set(transfer.TOP_LEVEL_KEYS) | set(transfer.MENU_KEYS) <= documented
    assert f"**version {transfer.FORMAT_VERSION}**" in doc
