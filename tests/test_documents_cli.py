"""``practice-action documents --out DIR [--only KIND]``: every document of the plan, registered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from letters_helpers import make_demo, pdf_text
from sqlalchemy import update

from practice_action import paths
from practice_action.cli import main
from practice_action.services import documents as letters
from practice_action.services.context import Context, system_user
from practice_action.store.models import Practice

ASHA = ["--as", "Dr Asha Mistry"]
ASHA_PIN = "135791"  # the demo's PINs (services/demo.py)


def test_documents_writes_every_file_and_registers_it(
    locations: paths.Locations,
    ctx: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pin_typed,
) -> None:
    make_demo(ctx)
    out = tmp_path / "letters"
    pin_typed(ASHA_PIN)
    assert main(["--data-dir", str(locations.data_dir), "documents", "--out", str(out), *ASHA]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 13 and not [n for n in files if n.endswith(".part")]
    assert "notification-service-changes.pdf" in files
    assert "Wrote 13 documents" in capsys.readouterr().out
    entries = letters.register(ctx, system_user())
    assert {e.file_name for e in entries} == set(files)
    for entry in entries:
        assert hashlib.sha256((out / entry.file_name).read_bytes()).hexdigest() == entry.sha256
    letter = pdf_text((out / "notification-service-changes.pdf").read_bytes())
    assert "Soar Valley Integrated Care Board" in letter and "Dr Asha Mistry" in letter


def test_documents_only_one_kind(
    locations: paths.Locations,
    ctx: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pin_typed,
) -> None:
    make_demo(ctx)
    out = tmp_path / "sms"
    argv = ["--data-dir", str(locations.data_dir), "documents", "--out", str(out), *ASHA]
    pin_typed(ASHA_PIN)
    assert main([*argv, "--only", "sms"]) == 0
    (only,) = out.iterdir()
    assert only.name == "patient-notice-text-message.txt"
    assert "Wrote 1 document to" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main([*argv, "--only", "letters-please"])
    assert usage.value.code == 2


def test_documents_makes_the_rest_and_lists_what_each_held_back_needs(
    locations: paths.Locations,
    ctx: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pin_typed,
) -> None:
    make_demo(ctx)
    with ctx.store.write() as session:
        session.execute(update(Practice).values(lmc_name="", lmc_address=""))
    out = tmp_path / "some"
    pin_typed(ASHA_PIN)
    assert main(["--data-dir", str(locations.data_dir), "documents", "--out", str(out), *ASHA]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "LMC name: fill it in at Set-up > Practice profile > LMC name" in err
    assert "LMC address: fill it in at Set-up > Practice profile > LMC address" in err
    made = {entry.kind for entry in letters.register(ctx, system_user())}
    assert made and "service_changes_notification" not in made  # the one that prints the LMC
    files = len(list(out.iterdir()))
    assert files == len(letters.register(ctx, system_user()))
    assert f"Wrote {files} documents to {out}" in captured.out
    assert "Not made: 1 document, each waiting for its own missing details:" in err
    assert "  Notification of service changes" in err


def test_documents_signed_by_a_chosen_partner(
    locations: paths.Locations,
    ctx: Context,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pin_typed,
) -> None:
    make_demo(ctx)
    out = tmp_path / "signed"
    argv = ["--data-dir", str(locations.data_dir), "documents", "--out", str(out)]
    pin_typed("135792")
    signed_by_tom = ["--as", "Dr Tom Whitfield", "--only", "service_changes_notification"]
    assert main([*argv, *signed_by_tom]) == 0
    letter = pdf_text((out / "notification-service-changes.pdf").read_bytes())
    assert "Dr Tom Whitfield" in letter and "Dr Asha Mistry" not in letter
    entry = letters.register(ctx, system_user())[0]
    assert entry.signed_by == "Dr Tom Whitfield"
    capsys.readouterr()
    pin_typed("246802")
    assert main([*argv, "--as", "Karen Holt"]) == 1  # a manager, not a partner
    assert "may not generate, sign and print letters" in capsys.readouterr().err
