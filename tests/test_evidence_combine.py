"""Combining evidence files: three practices whose totals and rates are worked out by hand.

A11111 Ash Tree Surgery, list 2,000, Mon 2 to Sun 8 Nov 2026:
  Mon 2 Nov: two clinicians, 30 contacts (at a cap of 30) and 21 (one an urgent override);
  Tue 3 Nov: one, 10; Sat 7 Nov: one, 5 (a Saturday: not a working day, so not in the rate).
  Contacts 66. Diverted: 4 to NHS 111 on Mon 2 Nov. Safety: 1 (delay in care, low harm).
  Rate: 61 contacts on 2 working days / 2 (thousand) = 15.25 per 1,000 per working day.
  Clinician-days 4, at the cap 1 (25%). Diverted 4 per 2,000 = 2.0 per 1,000.
  Adopted the cap from 1 Sep 2026.
B22222 Birch Lane Practice, list 5,000, Mon 2 to Sun 8 Nov 2026:
  Mon 2 Nov: one clinician, 100 (at the cap); Wed 4 Nov: one, 50 (at the cap).
  Diverted on Wed 4 Nov: 10 to Pharmacy First, 5 to NHS 111.
  Rate 150 / 2 / 5 = 15.0. Clinician-days 2, at the cap 2 (100%). Diverted 15 = 3.0 per 1,000.
  Adopted the cap from 15 Aug 2026 and "stop rationing referrals" from 1 Oct 2026.
C33333 Cedar Health Centre, list 3,000, Mon 9 to Sun 15 Nov 2026:
  Mon 9 Nov: one clinician, 30; Tue 10 Nov: one on duty, no contacts, 3 diverted (other).
  Rate 30 / 1 / 3 = 10.0 (Tuesday had no contact, so it is not a day in use).
  Clinician-days 2, at the cap 0. Diverted 3 = 1.0 per 1,000.

All three: contacts 66 + 150 + 30 = 246; rate (61 + 150 + 30) / (2x2 + 2x5 + 1x3) = 241 / 17
= 14.18; clinician-days 8, at the cap 3 (37.5%); diverted 22 per 10,000 = 2.2 per 1,000;
urgent 1; safety 1.
Week of 2 Nov (A and B): contacts 216, rate 211 / 14 = 15.07, clinician-days 6, at cap 3, 19
diverted. Week of 9 Nov (C): contacts 30, rate 10.0, 3 diverted.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from evidence_helpers import ASH, BIRCH, CEDAR, NOV, row
from pypdf import PdfReader

from practice_action.cli import main
from practice_action.documents.evidence_pdf import combined_report
from practice_action.domain import evidence as ev
from practice_action.domain.enums import DivertDestination
from practice_action.domain.safety_event import HarmLevel, SafetyCategory
from practice_action.services import evidence
from practice_action.services.evidence import CombineRefused


def _write(folder: Path, *files: tuple[str, ev.EvidenceFile]) -> list[Path]:
    paths = []
    for name, f in files:
        path = folder / name
        path.write_bytes(ev.to_bytes(f))
        paths.append(path)
    return paths


@pytest.fixture
def three(tmp_path: Path) -> list[Path]:
    return _write(tmp_path, ("ash.json", ASH), ("birch.json", BIRCH), ("cedar.json", CEDAR))


def test_three_practices_add_up_to_the_hand_worked_figures(three: list[Path]) -> None:
    result = evidence.combine_files(three)
    by_code = {p.ods_code: p.totals for p in result.practices}
    a, b, c = by_code["A11111"], by_code["B22222"], by_code["C33333"]
    assert (a.contacts, a.rate_contacts, a.rate_days) == (66, 61, 2)
    assert a.contacts_per_1000_per_day == pytest.approx(15.25)
    assert (a.clinician_days, a.at_cap, a.share_at_cap) == (4, 1, 0.25)
    assert (a.urgent, a.diverted, a.diverted_per_1000) == (1, 4, 2.0)
    assert b.contacts_per_1000_per_day == pytest.approx(15.0)
    assert (b.clinician_days, b.at_cap, b.diverted_per_1000) == (2, 2, 3.0)
    assert b.diverted_to == {DivertDestination.PHARMACY_FIRST: 10, DivertDestination.NHS_111: 5}
    assert c.contacts_per_1000_per_day == pytest.approx(10.0)
    assert (c.rate_days, c.clinician_days, c.at_cap, c.diverted_per_1000) == (1, 2, 0, 1.0)

    t = result.overall
    assert (t.practices, t.list_size, t.contacts, t.rate_contacts) == (3, 10_000, 246, 241)
    assert t.contacts_per_1000_per_day == pytest.approx(241 / 17)
    assert (t.clinician_days, t.at_cap, t.share_at_cap) == (8, 3, 0.375)
    assert (t.diverted, t.diverted_per_1000, t.urgent) == (22, 2.2, 1)
    assert t.diverted_to == {
        DivertDestination.NHS_111: 9,
        DivertDestination.PHARMACY_FIRST: 10,
        DivertDestination.OTHER: 3,
    }
    assert t.safety_by_category() == {SafetyCategory.ACCESS_DELAY: 1}
    assert t.safety_by_harm() == {HarmLevel.LOW: 1}

    weeks = {w.monday: w.totals for w in result.weeks}
    assert sorted(weeks) == [NOV[2], NOV[9]]
    first, second = weeks[NOV[2]], weeks[NOV[9]]
    assert (first.practices, first.contacts, first.clinician_days, first.at_cap) == (2, 216, 6, 3)
    assert first.contacts_per_1000_per_day == pytest.approx(211 / 14)
    assert (first.diverted, first.list_size) == (19, 7000)
    assert (second.practices, second.contacts, second.diverted) == (1, 30, 3)
    assert second.contacts_per_1000_per_day == pytest.approx(10.0)

    uptake = {u.action: (u.practices, u.earliest) for u in result.actions}
    assert uptake == {"contacts-cap": (2, date(2026, 8, 15)), "referrals": (1, date(2026, 10, 1))}
    assert result.said() == (
        "Combined 3 evidence files from 3 practices (10,000 registered patients), "
        "2 Nov 2026 to 15 Nov 2026."
    )


def test_the_csv_has_a_row_per_practice_one_for_all_and_one_per_week(three: list[Path]) -> None:
    rows = list(csv.DictReader(io.StringIO(evidence.combined_csv(evidence.combine_files(three)))))
    assert [r["scope"] for r in rows] == ["practice", "practice", "practice", "all", "week", "week"]
    everyone = rows[3]
    assert everyone["contacts"] == "246"
    assert everyone["contacts_per_1000_per_working_day"] == f"{241 / 17:.2f}"
    assert everyone["share_at_cap_percent"] == "37.50"
    assert everyone["diverted_per_1000"] == "2.20"
    assert everyone["diverted_pharmacy_first"] == "10"
    assert rows[0]["actions_adopted"] == "contacts-cap from 2026-09-01"
    assert rows[4]["week_starting"] == "2026-11-02"


def test_the_pdf_says_the_figures_in_words(three: list[Path]) -> None:
    pdf = combined_report(evidence.combine_files(three))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Collective action across practices" in text
    assert "Combined 3 evidence files from 3 practices" in text
    assert f"{241 / 17:.1f}" in text  # contacts per 1,000 per working day, all practices
    assert "3 of 8 (38%)" in text  # clinician-days at the cap
    assert "22 (2.2 per 1,000)" in text
    for name in ("Ash Tree Surgery (A11111)", "Birch Lane Practice (B22222)", "Cedar Health"):
        assert name in text
    assert "Week by week" in text and "Delay in getting care" in text
    assert "Stop rationing referrals" in text and "15 Aug 2026" in text


def test_an_edited_file_is_refused_and_nothing_is_combined(three: list[Path]) -> None:
    text = three[1].read_text(encoding="utf-8")
    assert '"list_size":5000' in text
    three[1].write_text(text.replace('"list_size":5000', '"list_size":50000'), encoding="utf-8")
    with pytest.raises(CombineRefused) as refused:
        evidence.combine_files(three)
    message = str(refused.value)
    assert message.startswith("Nothing was combined.")
    assert "birch.json: the file has been changed or damaged" in message
    assert "ash.json" not in message


def test_anything_added_after_the_checksum_is_refused_by_name(three: list[Path]) -> None:
    """JSON keeps the last of two equal keys, and the checksum covers what comes before it:
    a second "practice" or "clinician_days" added at the end must not pass for the real one."""
    data = three[0].read_bytes()
    assert data.endswith(b'"\n}\n')
    bigger = b',\n  "practice": {"ods_code":"A11111","name":"Ash Tree Surgery","list_size":200}'
    three[0].write_bytes(data[:-3] + bigger + b"\n}\n")
    more_days = b',\n  "clinician_days": [["2026-11-02","c-zz","salaried_gp",2,[900,0,0,0,0],900,25,0,true]]'
    three[1].write_bytes(three[1].read_bytes()[:-3] + more_days + b"\n}\n")
    with pytest.raises(CombineRefused) as refused:
        evidence.combine_files(three)
    message = str(refused.value)
    assert "ash.json: the file has been changed since the practice made it: the field " in message
    assert "'practice' is given twice" in message
    assert "birch.json: the file has been changed since the practice made it" in message
    assert "'clinician_days' is given twice" in message
    assert "cedar.json" not in message


def test_after_the_checksum_only_its_closing_brace_and_white_space(tmp_path: Path) -> None:
    data = ev.to_bytes(ASH)
    spaced = data[:-3] + b"  \r\n}\r\n\r\n"
    assert ev.read(spaced, "spaced.json") == ASH
    added = data[:-3] + b',\n  "note": "added later"\n}\n'
    with pytest.raises(ev.EvidenceRefused, match=r"^added\.json: the file has been changed"):
        ev.read(added, "added.json")


def test_hostile_json_is_refused_as_damaged_by_name(tmp_path: Path, three: list[Path]) -> None:
    long_number = tmp_path / "long-number.json"
    long_number.write_bytes(
        ev.to_bytes(ASH).replace(b'"list_size":2000', b'"list_size":' + b"9" * 5000)
    )
    deep = tmp_path / "deep.json"
    deep.write_bytes(b'{"format": "practice-action-evidence", "x": ' + b"[" * 100_000)
    with pytest.raises(CombineRefused) as refused:
        evidence.combine_files([long_number, deep, three[1]])
    message = str(refused.value)
    assert "long-number.json: the file is damaged: it holds a number too long" in message
    assert "deep.json: the file is damaged" in message
    assert "birch.json" not in message


def test_a_newer_format_is_refused_by_name(tmp_path: Path, three: list[Path]) -> None:
    data = json.loads(three[0].read_text(encoding="utf-8"))
    data["version"] = ev.FORMAT_VERSION + 1
    body = json.dumps({k: v for k, v in data.items() if k != "checksum"})[:-1] + ", "
    # a whole file from a newer app, with its own good checksum: not a damaged one
    whole = body + f'"checksum": "{ev.checksum_of(body.encode())}"' + "}"
    newer = tmp_path / "from-newer-app.json"
    newer.write_text(whole, encoding="utf-8")
    with pytest.raises(CombineRefused, match=r"from-newer-app\.json: the file is in version 2"):
        evidence.combine_files([newer, three[1]])


def test_two_files_for_one_practice_that_share_days_are_refused(tmp_path: Path) -> None:
    later = replace(ASH, start=NOV[8], end=NOV[14], clinician_days=(), diversions=(), safety=())
    paths = _write(tmp_path, ("ash-week1.json", ASH), ("ash-week2.json", later))
    with pytest.raises(CombineRefused) as refused:
        evidence.combine_files(paths)
    assert (
        "ash-week2.json: it overlaps ash-week1.json for the same practice (A11111) from "
        "8 Nov 2026 to 8 Nov 2026"
    ) in str(refused.value)


def test_consecutive_files_for_one_practice_count_it_once(tmp_path: Path) -> None:
    later = replace(
        ASH,
        start=NOV[9],
        end=NOV[15],
        clinician_days=(row(NOV[9], "ee", 8),),
        diversions=(),
        safety=(),
    )
    paths = _write(tmp_path, ("ash-1.json", ASH), ("ash-2.json", later))
    result = evidence.combine_files(paths)
    assert (result.overall.practices, result.overall.list_size) == (1, 2000)
    assert result.overall.rate_contacts == 61 + 8
    assert result.overall.contacts_per_1000_per_day == pytest.approx(69 / 6)


def test_a_week_split_between_two_files_of_one_practice_counts_it_once(
    tmp_path: Path,
) -> None:
    """Ash sends Mon 23 to Wed 25 Nov (list 2,000) and Thu 26 Nov to Wed 2 Dec (list 2,200).

    First file: Mon 23, 20 contacts; Wed 25, 10; Tue 24, 4 diverted.
    Second file: Thu 26, 22 contacts; Mon 30, 11; Fri 27, 6 diverted; Tue 1 Dec, 2 diverted.
    Week of 23 Nov: one practice, list 2,200 (the later file's); rate (20 + 10 + 22) /
    (2 days x 2 + 1 day x 2.2) = 52 / 6.2; 10 diverted per 2,200 = 4.545 per 1,000.
    Week of 30 Nov: list 2,200; rate 11 / 2.2 = 5.0; 2 diverted = 0.909 per 1,000.
    All: one practice, list 2,200; rate 63 / (4 + 4.4) = 7.5; 12 per 2,200 = 5.455 per 1,000.
    """
    dec1, dec2 = date(2026, 12, 1), date(2026, 12, 2)
    first = replace(
        ASH,
        start=NOV[23],
        end=NOV[25],
        clinician_days=(row(NOV[23], "aa", 20), row(NOV[25], "aa", 10)),
        diversions=(ev.DiversionEvidence(NOV[24], DivertDestination.NHS_111, 4),),
        safety=(),
    )
    second = replace(
        ASH,
        list_size=2200,
        start=NOV[26],
        end=dec2,
        clinician_days=(row(NOV[26], "xx", 22), row(NOV[30], "xx", 11)),
        diversions=(
            ev.DiversionEvidence(NOV[27], DivertDestination.PHARMACY_FIRST, 6),
            ev.DiversionEvidence(dec1, DivertDestination.NHS_111, 2),
        ),
        safety=(),
    )
    # Given later file first: the list size is the latest period's, not the last one named.
    paths = _write(tmp_path, ("ash-dec.json", second), ("ash-nov.json", first))
    result = evidence.combine_files(paths)
    weeks = {w.monday: w.totals for w in result.weeks}
    split, after = weeks[NOV[23]], weeks[NOV[30]]
    assert (split.practices, split.list_size, split.contacts, split.diverted) == (1, 2200, 52, 10)
    assert split.contacts_per_1000_per_day == pytest.approx(52 / 6.2)
    assert split.diverted_per_1000 == pytest.approx(10 / 2.2)
    assert (after.practices, after.list_size, after.contacts) == (1, 2200, 11)
    assert after.contacts_per_1000_per_day == pytest.approx(5.0)
    assert after.diverted_per_1000 == pytest.approx(2 / 2.2)
    t = result.overall
    assert (t.practices, t.list_size, t.contacts, t.diverted) == (1, 2200, 63, 12)
    assert t.contacts_per_1000_per_day == pytest.approx(7.5)
    assert t.diverted_per_1000 == pytest.approx(12 / 2.2)

    rows = list(csv.DictReader(io.StringIO(evidence.combined_csv(result))))
    everyone = next(r for r in rows if r["scope"] == "all")
    assert (everyone["practice"], everyone["list_size"]) == ("All 1 practice", "2200")
    assert everyone["diverted_per_1000"] == f"{12 / 2.2:.2f}"
    week = next(r for r in rows if r["week_starting"] == "2026-11-23")
    assert (week["list_size"], week["diverted_per_1000"]) == ("2200", f"{10 / 2.2:.2f}")
    assert week["contacts_per_1000_per_working_day"] == f"{52 / 6.2:.2f}"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(combined_report(result))).pages)
    text = " ".join(text.split())
    assert "Practices 1 Registered patients 2,200" in text
    assert "23 Nov 2026 1 52 8.4" in text  # the split week: one practice, not two


def test_not_an_evidence_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "setup.json"
    other.write_text('{"format": "practice-action-setup", "version": 1}', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(CombineRefused) as refused:
        evidence.combine_files([other, broken])
    message = str(refused.value)
    assert "setup.json: this is not a Practice Action evidence file" in message
    assert "broken.json: the file is damaged: it is not valid JSON" in message


def test_combine_at_the_command_line_needs_no_practice(
    three: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "no-practice-here"
    code = main(
        [
            "--data-dir",
            str(empty),
            "evidence",
            "combine",
            *map(str, three),
            "--csv",
            str(tmp_path / "all.csv"),
            "--pdf",
            str(tmp_path / "all.pdf"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Combined 3 evidence files from 3 practices" in out
    assert (tmp_path / "all.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "all.csv").exists()
    assert not empty.exists()  # no database was made or opened


def test_a_refusal_at_the_command_line_names_the_file(
    three: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data = three[2].read_bytes()
    assert b'"other",3]' in data
    three[2].write_bytes(data.replace(b'"other",3]', b'"other",30]'))
    assert main(["evidence", "combine", *map(str, three)]) == 1
    assert "cedar.json: the file has been changed or damaged" in capsys.readouterr().err
