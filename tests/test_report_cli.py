"""``practice-action report``: prints the summary and writes the CSV and PDF files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from report_helpers import build_small_practice

from practice_action import paths
from practice_action.cli import EXIT_OK, EXIT_PROBLEM, main
from practice_action.services.context import Actor, Context


def test_report_writes_csv_and_pdf(
    ctx: Context,
    manager: Actor,
    partner: Actor,
    locations: paths.Locations,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_small_practice(ctx, manager, partner)
    ctx.store.dispose()
    out_csv, out_pdf = tmp_path / "out" / "july.csv", tmp_path / "out" / "july.pdf"
    code = main(
        [
            "--data-dir",
            str(locations.data_dir),
            "report",
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-02",
            "--csv",
            str(out_csv),
            "--pdf",
            str(out_pdf),
        ]
    )
    assert code == EXIT_OK
    printed = capsys.readouterr().out
    assert "2 patients were diverted: NHS 111 1, Pharmacy First 1." in printed
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text("utf-8-sig"))))
    assert rows[-1]["day"] == "TOTAL" and rows[-1]["contacts"] == "8"
    assert out_pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out_csv.parent.iterdir()) == ["july.csv", "july.pdf"]


def test_a_backwards_period_is_explained(
    locations: paths.Locations, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "--data-dir",
            str(locations.data_dir),
            "report",
            "--from",
            "2026-07-03",
            "--to",
            "2026-07-01",
        ]
    )
    assert code == EXIT_PROBLEM
    assert "ends (1 July 2026) before it starts" in capsys.readouterr().err
