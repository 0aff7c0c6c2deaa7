"""Patient identifiers are refused in free text; names are one person's, whoever types them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practice_action.domain.identifiers import nhs_number_is_valid, patient_identifiers
from practice_action.domain.names import clean_name, invisible_characters, name_key

TODAY = date(2026, 12, 1)


def _check_digit(nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return None if check == 10 else (0 if check == 11 else check)


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(nine_digits, st.sampled_from(["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}"]))
def test_every_valid_nhs_number_is_found_however_it_is_written(nine: str, layout: str) -> None:
    check = _check_digit(nine)
    if check is None:
        return  # no NHS number has these nine digits
    digits = nine + str(check)
    assert nhs_number_is_valid(digits)
    text = "Seen " + layout.format(a=digits[:3], b=digits[3:6], c=digits[6:]) + " chest pain"
    assert "an NHS number" in patient_identifiers(text, TODAY)


@given(nine_digits, st.integers(min_value=0, max_value=9))
def test_ten_digits_with_a_wrong_check_digit_are_not_an_nhs_number(nine: str, last: int) -> None:
    if _check_digit(nine) == last:
        return
    assert not nhs_number_is_valid(nine + str(last))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mrs Jane Smith NHS 943 476 5919 chest pain", "an NHS number"),
        ("lives at 12 Oak Rd, LE18 9ZQ", "a postcode"),
        ("postcode sw1a1aa", "a postcode"),
        ("call her on 07700 900123", "a telephone number"),
        ("daughter +44 116 496 0123", "a telephone number"),
        ("dob 12/03/1956", "a date of birth"),
        ("born 1956-03-12", "a date of birth"),
        ("born 3rd March 1956", "a date of birth"),
    ],
)
def test_each_kind_of_identifier_is_named(text: str, found: str) -> None:
    assert found in patient_identifiers(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "Deteriorating patient: duty doctor",
        "Chest pain, sent to A&E at 10:45",
        "Recorded against the wrong clinician",
        "Seen again on 01/12/2026 for the same problem",  # a date this year is not a birth
        "Pharmacy First could not help: 2 days of symptoms",
        "Sepsis risk (NEWS2 score 7)",
    ],
)
def test_ordinary_reasons_pass(text: str) -> None:
    assert patient_identifiers(text, TODAY) == []


def test_names_are_stored_in_one_form_and_invisible_characters_are_named() -> None:
    decomposed = "Dr Zoe\u0301 Lee"
    assert clean_name(decomposed) == "Dr Zo\u00e9 Lee"
    assert clean_name("Dr\u00a0Asha   Mistry ") == "Dr Asha Mistry"
    assert invisible_characters("Dr Asha Mistry\u200b") == ["U+200B ZERO WIDTH SPACE"]
    assert invisible_characters("Dr \u202eyrtsiM") == ["U+202E RIGHT-TO-LEFT OVERRIDE"]
    assert invisible_characters("Dr Siân Ní Bhriain") == []
    same = {
        name_key(n)
        for n in ("Dr Asha Mistry", "dr asha  mistry", "DR ÁSHA MISTRY", "Dr AshaMistry")
    }
    assert len(same) == 1
    assert name_key("Dr Asha Mistry") != name_key("Dr Asha Mistri")


# ----- through the services, as a desk would type them -----------------------------------


def _gp(ctx, manager) -> int:
    from counter_helpers import add_clinician

    return add_clinician(ctx, manager, "Dr Ann Lee")


IDENTIFYING = (
    "Mrs Jane Smith NHS 943 476 5919 chest pain, 12 Oak Rd",
    "chest pain, lives LE18 9ZQ",
    "chest pain, daughter on 07700 900123",
    "chest pain, born 12/03/1956",
)


@pytest.mark.parametrize("text", IDENTIFYING)
def test_urgent_and_undo_reasons_refuse_patient_identifiers(
    ctx, manager, receptionist, text
) -> None:
    from practice_action.domain.errors import ValidationError
    from practice_action.services import audit, counter
    from practice_action.services.context import system_user

    gp = _gp(ctx, manager)
    with pytest.raises(ValidationError) as caught:
        counter.record_contact(ctx, receptionist, gp, urgent_reason=text)
    assert "No patient details here" in caught.value.problems["reason"]
    recorded = counter.record_contact(ctx, receptionist, gp)
    with pytest.raises(ValidationError):
        counter.void_contact(ctx, receptionist, recorded.contact_id, text)
    summaries = " ".join(e.summary for e in audit.list_entries(ctx, system_user()))
    assert "943 476 5919" not in summaries and "Jane Smith" not in summaries
    assert counter.board(ctx).clinicians[0].urgent == 0


@pytest.mark.parametrize("text", IDENTIFYING)
def test_the_safety_log_the_plan_note_and_declined_requests_refuse_them(
    ctx, manager, partner, receptionist, text
) -> None:
    from practice_action.domain.errors import ValidationError
    from practice_action.domain.reports import ConcernKind, SafetyEntry
    from practice_action.services import plan, safety

    today = ctx.clock().date()
    with pytest.raises(ValidationError) as caught:
        safety.record(ctx, receptionist, SafetyEntry(None, today, ConcernKind.CONCERN, text))
    assert "No patient details here" in caught.value.problems["what_happened"]
    with pytest.raises(ValidationError) as caught:
        safety.record(
            ctx, receptionist, SafetyEntry(None, today, ConcernKind.CONCERN, "Long wait", text)
        )
    assert "No patient details here" in caught.value.problems["action_taken"]
    with pytest.raises(ValidationError) as caught:
        plan.save_plan_version(ctx, manager, [], text)
    assert "No patient details here" in caught.value.problems["note"]
    with pytest.raises(ValidationError) as caught:
        plan.record_declined_request(ctx, manager, "ICB analytics", text, today)
    assert "No patient details here" in caught.value.problems["description"]


def test_lookalike_and_duplicate_names_are_refused(ctx, manager) -> None:
    from counter_helpers import add_clinician

    from practice_action.domain.enums import StaffRole
    from practice_action.domain.errors import ValidationError
    from practice_action.domain.records import StaffMember
    from practice_action.services import staff

    staff.add_staff(ctx, manager, StaffMember("Dr Asha Mistry", StaffRole.PARTNER), "573028")
    for lookalike in ("Dr Asha Mistry\u200b", "Dr \u202eAsha Mistry"):
        with pytest.raises(ValidationError) as caught:
            staff.add_staff(ctx, manager, StaffMember(lookalike, StaffRole.PARTNER), "573029")
        assert "a character that does not show (U+20" in caught.value.problems["name"]
    for same in ("dr asha  mistry", "DR ÁSHA MISTRY"):
        with pytest.raises(ValidationError) as caught:
            staff.add_staff(ctx, manager, StaffMember(same, StaffRole.PARTNER), "573029")
        assert "(Dr Asha Mistry, written another way)" in caught.value.problems["name"]
    add_clinician(ctx, manager, "Dr Zoe\u0301 Lee")  # decomposed: stored as one form
    with pytest.raises(ValidationError):
        add_clinician(ctx, manager, "Dr Zoé Lee")
    assert len(staff.list_staff(ctx)) == 2


def test_adding_an_existing_clinician_for_today_puts_them_on_the_day(
    ctx, manager, partner, receptionist
) -> None:
    from counter_helpers import add_clinician, adopt_cap

    from practice_action.services import counter, registers

    adopt_cap(ctx, partner, 2)
    gp = add_clinician(ctx, manager, "Dr Ann Lee", frozenset())  # not on the rota today
    again = counter.add_locum_today(ctx, receptionist, "dr  ann LEE")
    assert again == gp
    assert len(registers.list_records(ctx, registers.CLINICIANS)) == 1
    for _ in range(2):
        counter.record_contact(ctx, receptionist, gp)
    with pytest.raises(counter.AtCap):  # one person, one cap
        counter.record_contact(
            ctx, receptionist, counter.add_locum_today(ctx, receptionist, "Dr Ann Lee")
        )
