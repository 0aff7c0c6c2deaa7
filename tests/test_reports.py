"""Report figures against a small data set worked out by hand (see report_helpers)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from report_helpers import SUMMER_1, SUMMER_2, WINTER_1, WINTER_2, build_small_practice

from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.domain.errors import PermissionDenied, ValidationError
from practice_action.domain.reports import NO_CLINICIAN, ConcernKind, Period, SafetyEntry
from practice_action.services import reports, safety
from practice_action.services.context import Actor, Context


def _row(report, day, name):
    return next(r for r in report.rows if r.day == day and r.clinician == name)


def test_summer_figures_match_the_hand_count(ctx: Context, manager: Actor, partner: Actor) -> None:
    build_small_practice(ctx, manager, partner)
    report = reports.build(ctx, partner, SUMMER_1, SUMMER_2)

    ash = _row(report, SUMMER_1, "Dr Amy Ash")
    assert dict(ash.by_type) == {ContactType.FACE_TO_FACE: 3, ContactType.TELEPHONE: 1}
    assert (ash.counted, ash.not_counted, ash.urgent, ash.voided) == (3, 0, 1, 0)
    assert ash.contacts == 4
    assert ash.cap == 3 and ash.at_cap
    assert dict(ash.diverted) == {DivertDestination.NHS_111: 1}

    birch = _row(report, SUMMER_1, "Dr Ben Birch")
    # the undone face-to-face contact is in no figure but 'voided'
    assert dict(birch.by_type) == {ContactType.TELEPHONE: 2, ContactType.ONLINE: 1}
    assert (birch.counted, birch.not_counted, birch.urgent, birch.voided) == (2, 1, 0, 1)
    assert not birch.at_cap

    # 00:01 local on 2 July is 23:01 UTC on 1 July: it belongs to the 2nd
    birch_2 = _row(report, SUMMER_2, "Dr Ben Birch")
    assert dict(birch_2.by_type) == {ContactType.VIDEO: 1}
    assert birch_2.counted == 1

    nobody = _row(report, SUMMER_2, NO_CLINICIAN)
    assert nobody.contacts == 0
    assert dict(nobody.diverted) == {DivertDestination.PHARMACY_FIRST: 1}
    assert len(report.rows) == 4

    t = report.totals
    assert (t.contacts, t.counted, t.not_counted, t.urgent, t.voided) == (8, 6, 1, 1, 1)
    assert t.days_at_cap == 1
    assert t.total_diverted == 2
    assert dict(t.by_type) == {
        ContactType.FACE_TO_FACE: 3,
        ContactType.TELEPHONE: 3,
        ContactType.ONLINE: 1,
        ContactType.VIDEO: 1,
    }

    by_name = {c.clinician: c for c in report.clinicians}
    assert by_name["Dr Amy Ash"].days_worked == 1
    assert by_name["Dr Ben Birch"].days_worked == 2
    assert by_name["Dr Ben Birch"].contacts == 4
    assert by_name[NO_CLINICIAN].total_diverted == 1
    assert [c.clinician for c in report.clinicians][-1] == NO_CLINICIAN

    # Two working days, both with contacts: 8 contacts / 2 days / 9.8 thousand patients
    assert (report.working_days, report.rate_days, report.rate_contacts) == (2, 2, 8)
    assert report.contacts_per_1000_per_day == pytest.approx(8 / 2 / 9800 * 1000)

    day_1, day_2 = report.days
    assert (day_1.day, day_1.contacts, day_1.clinicians_working, day_1.busiest) == (
        SUMMER_1,
        7,
        2,
        3,
    )
    assert day_1.cap == 3 and day_1.days_at_cap == 1
    assert day_1.average_counted == pytest.approx(2.5)
    assert (day_2.contacts, day_2.clinicians_working, day_2.total_diverted) == (1, 1, 1)

    assert report.diversion_summary() == ("2 patients were diverted: NHS 111 1, Pharmacy First 1.")


def test_winter_midnight_splits_the_days(ctx: Context, manager: Actor, partner: Actor) -> None:
    build_small_practice(ctx, manager, partner)
    report = reports.build(ctx, partner, WINTER_1, WINTER_2)
    assert [(r.day, r.clinician, r.contacts) for r in report.rows] == [
        (WINTER_1, "Dr Ben Birch", 1),
        (WINTER_2, "Dr Ben Birch", 1),
    ]
    assert report.rows[0].by_type == {ContactType.FACE_TO_FACE: 1}
    assert report.rows[1].by_type == {ContactType.TELEPHONE: 1}


def test_a_period_with_no_contacts_has_no_rate(
    ctx: Context, manager: Actor, partner: Actor
) -> None:
    build_small_practice(ctx, manager, partner)
    # Saturday and Sunday 4-5 July 2026: no working day, nothing recorded
    report = reports.build(ctx, partner, date(2026, 7, 4), date(2026, 7, 5))
    assert report.rows == ()
    assert report.working_days == 0
    assert report.contacts_per_1000_per_day is None
    assert report.diversion_summary() == "No patients were recorded as diverted in this period."
    assert len(report.days) == 2


def test_safety_log_entries_of_the_period_are_in_the_report(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    fixture = build_small_practice(ctx, manager, partner)
    safety.record(
        ctx,
        receptionist,
        SafetyEntry(
            None,
            SUMMER_1,
            ConcernKind.NEAR_MISS,
            "Patient left before triage",
            "Called back by duty doctor",
            clinician_id=fixture.ash,
        ),
    )
    safety.record(ctx, receptionist, SafetyEntry(None, WINTER_1, ConcernKind.CONCERN, "Later"))
    report = reports.build(ctx, partner, SUMMER_1, SUMMER_2)
    assert [e.what_happened for e in report.safety] == ["Patient left before triage"]
    assert report.safety[0].clinician_name == "Dr Amy Ash"
    assert "1 safety log entry." in report.headline()


def test_reception_may_not_read_reports(ctx: Context, manager: Actor, receptionist: Actor) -> None:
    with pytest.raises(PermissionDenied):
        reports.build(ctx, receptionist, SUMMER_1, SUMMER_2)


def test_a_period_ending_before_it_starts_is_refused(ctx: Context, partner: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        reports.build(ctx, partner, SUMMER_2, SUMMER_1)
    assert "before it starts" in caught.value.problems["period"]


def test_csv_columns_and_values(ctx: Context, manager: Actor, partner: Actor) -> None:
    build_small_practice(ctx, manager, partner)
    text = reports.to_csv(reports.build(ctx, partner, SUMMER_1, SUMMER_2))
    table = list(csv.DictReader(io.StringIO(text)))
    header = next(csv.reader(io.StringIO(text)))
    assert header == [name for name, _ in reports.CSV_COLUMNS]
    assert header[:7] == [
        "day",
        "clinician",
        "cap",
        "contacts",
        "counted",
        "not_counted",
        "urgent_overrides",
    ]
    assert len(table) == 5  # four clinician-days and the TOTAL row
    ash = table[0]
    assert ash["day"] == "2026-07-01" and ash["clinician"] == "Dr Amy Ash"
    assert (ash["cap"], ash["contacts"], ash["counted"], ash["urgent_overrides"]) == (
        "3",
        "4",
        "3",
        "1",
    )
    assert (ash["type_face_to_face"], ash["type_telephone"], ash["at_cap"]) == ("3", "1", "1")
    assert (ash["diverted"], ash["diverted_nhs_111"], ash["voided"]) == ("1", "1", "0")
    birch = table[1]
    assert (birch["not_counted"], birch["type_online"], birch["voided"], birch["at_cap"]) == (
        "1",
        "1",
        "1",
        "0",
    )
    nobody = table[3]
    assert nobody["clinician"] == NO_CLINICIAN and nobody["cap"] == ""
    assert nobody["diverted_pharmacy_first"] == "1"
    total = table[-1]
    assert total["day"] == "TOTAL"
    assert (total["contacts"], total["counted"], total["at_cap"], total["diverted"]) == (
        "8",
        "6",
        "1",
        "2",
    )


def test_csv_keeps_a_name_from_becoming_a_formula(
    ctx: Context, manager: Actor, partner: Actor
) -> None:
    from counter_helpers import add_clinician
    from report_helpers import at

    from practice_action.services import counter

    at(ctx, SUMMER_1, 9, 0)
    cid = add_clinician(ctx, manager, "=HYPERLINK(x)")
    counter.record_contact(ctx, manager, cid, ContactType.VIDEO)
    text = reports.to_csv(reports.build(ctx, partner, SUMMER_1, SUMMER_1))
    assert "'=HYPERLINK(x)" in text


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.THIS_WEEK, (date(2026, 3, 2), date(2026, 3, 4))),
        (Period.LAST_WEEK, (date(2026, 2, 23), date(2026, 3, 1))),
        (Period.THIS_MONTH, (date(2026, 3, 1), date(2026, 3, 4))),
        (Period.LAST_MONTH, (date(2026, 2, 1), date(2026, 2, 28))),
        (Period.CUSTOM, None),
    ],
)
def test_period_presets(period: Period, expected: tuple[date, date] | None) -> None:
    assert period.days(date(2026, 3, 4)) == expected  # a Wednesday
