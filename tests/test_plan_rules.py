"""The plan's rules, without a database: each detail's checks, dates, the cap rule."""

from __future__ import annotations

from datetime import date

import pytest

from practice_action import paths
from practice_action.domain import menu
from practice_action.domain import plan as rules
from practice_action.domain.enums import ContactType, DsaPurpose
from practice_action.domain.errors import ValidationError
from practice_action.domain.plan import CapRule, Choice, Decision
from practice_action.domain.records import DataSharingAgreement, PostalAddress, VoluntaryService

JULY = menu.load_menus(paths.resource("menus"))[0]
TODAY = date(2025, 6, 13)  # a Friday
PARTY = PostalAddress("NHS North Region", "1 Quay St\nLeeds", "LS1 4AB")


def action(action_id: str) -> menu.MenuAction:
    found = JULY.action(action_id)
    assert found is not None
    return found


def problems_of(decision: Decision, registers: rules.Registers | None = None) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        rules.check_decision(action(decision.action_id), decision, TODAY, registers)
    return caught.value.problems


@pytest.mark.parametrize("cap", [0, 500, -3, 61])
def test_a_cap_outside_1_to_60_is_refused(cap: int) -> None:
    decision = Decision("contacts-cap", Choice.ADOPT, details=rules.ContactsCapDetails(cap=cap))
    found = problems_of(decision)
    assert set(found) == {"cap"}
    assert "1 to 60" in found["cap"]


@pytest.mark.parametrize("cap", [1, 25, 60])
def test_a_cap_from_1_to_60_is_accepted(cap: int) -> None:
    decision = Decision("contacts-cap", Choice.ADOPT, details=rules.ContactsCapDetails(cap=cap))
    assert rules.check_decision(action("contacts-cap"), decision, TODAY).details.cap == cap


def test_the_cap_defaults_to_25_counting_every_contact_type_from_the_next_working_day() -> None:
    clean = rules.check_decision(
        action("contacts-cap"), Decision("contacts-cap", Choice.ADOPT), TODAY
    )
    assert clean.effective_date == date(2025, 6, 16)  # Monday
    assert clean.details == rules.ContactsCapDetails()
    assert clean.details.cap == 25
    assert clean.details.counted_types == frozenset(ContactType)


def test_no_counted_type_and_empty_reception_words_are_refused() -> None:
    details = rules.ContactsCapDetails(counted_types=frozenset(), reception_words="  ")
    found = problems_of(Decision("contacts-cap", Choice.ADOPT, details=details))
    assert set(found) == {"counted_types", "reception_words"}


def test_an_effective_date_in_the_past_needs_confirmation() -> None:
    past = Decision("advice-guidance", Choice.ADOPT, effective_date=date(2025, 6, 1))
    assert "in the past" in problems_of(past)["effective_date"]
    confirmed = rules.check_decision(
        action("advice-guidance"),
        Decision("advice-guidance", Choice.ADOPT, date(2025, 6, 1), confirm_past=True),
        TODAY,
    )
    assert confirmed.effective_date == date(2025, 6, 1)


def test_today_is_not_in_the_past() -> None:
    clean = rules.check_decision(
        action("advice-guidance"), Decision("advice-guidance", Choice.ADOPT, TODAY), TODAY
    )
    assert clean.effective_date == TODAY


def test_an_end_date_before_the_start_is_refused() -> None:
    decision = Decision("advice-guidance", Choice.ADOPT, date(2025, 7, 1), date(2025, 6, 30))
    assert set(problems_of(decision)) == {"end_date"}


def test_notice_on_no_service_is_refused() -> None:
    details = rules.VoluntaryNoticeDetails(served_on=TODAY, services=())
    assert set(problems_of(Decision("voluntary-notice", Choice.ADOPT, details=details))) == {
        "services"
    }


def test_last_days_come_from_each_notice_period() -> None:
    wound = VoluntaryService("Wound care", PARTY, 90, id=1)
    bloods = VoluntaryService("Phlebotomy", PARTY, 28, id=2)
    details = rules.notice_on(TODAY, [wound, bloods])
    assert [s.last_day for s in details.services] == [date(2025, 9, 11), date(2025, 7, 11)]


def test_a_service_ending_before_the_notice_date_is_refused() -> None:
    service = rules.NoticeService(1, "Wound care", 90, date(2025, 6, 1))
    details = rules.VoluntaryNoticeDetails(served_on=TODAY, services=(service,))
    found = problems_of(Decision("voluntary-notice", Choice.ADOPT, details=details))
    assert "before the date notice is served" in found["last_day"]


def test_direct_care_agreements_are_flagged_and_left_out_by_default() -> None:
    secondary = DataSharingAgreement("Research extract", PARTY, DsaPurpose.SECONDARY, id=1)
    direct = DataSharingAgreement("Shared care record", PARTY, DsaPurpose.DIRECT_CARE, id=2)
    mixed = DataSharingAgreement("Population health", PARTY, DsaPurpose.MIXED, id=3)
    assert rules.default_withdrawals([secondary, direct, mixed]) == (1,)
    registers = rules.Registers(agreements={1: secondary, 2: direct, 3: mixed})
    picked = rules.DsaWithdrawalDetails((1, 2), date(2025, 7, 31))
    found = problems_of(Decision("dsa-withdrawal", Choice.ADOPT, details=picked), registers)
    assert "Shared care record" in found["agreements"]
    confirmed = rules.DsaWithdrawalDetails((1, 2), date(2025, 7, 31), include_flagged=True)
    clean = rules.check_decision(
        action("dsa-withdrawal"),
        Decision("dsa-withdrawal", Choice.ADOPT, details=confirmed),
        TODAY,
        registers,
    )
    assert clean.details.agreement_ids == (1, 2)


def test_withdrawal_needs_an_agreement_and_an_end_after_the_start() -> None:
    details = rules.DsaWithdrawalDetails((), date(2025, 6, 1))
    found = problems_of(Decision("dsa-withdrawal", Choice.ADOPT, details=details))
    assert set(found) == {"agreements", "permission_ends"}


def test_empty_policy_and_letter_wording_are_refused() -> None:
    ag = Decision("advice-guidance", Choice.ADOPT, details=rules.AdviceGuidanceDetails(""))
    assert set(problems_of(ag)) == {"policy"}
    letter = Decision("referrals", Choice.ADOPT, details=rules.ReferralDetails(" "))
    assert set(problems_of(letter)) == {"letter_wording"}


def test_the_referral_letter_starts_from_our_default() -> None:
    clean = rules.check_decision(action("referrals"), Decision("referrals", Choice.ADOPT), TODAY)
    assert clean.details.letter_wording == rules.DEFAULT_REFERRAL_WORDING.strip()


def test_a_decision_not_adopted_needs_no_details() -> None:
    clean = rules.check_decision(
        action("voluntary-notice"), Decision("voluntary-notice", Choice.NOT_NOW), TODAY
    )
    assert clean.choice is Choice.NOT_NOW


def test_a_whole_plan_names_each_problem_by_action() -> None:
    actions = {a.id: a for a in JULY.actions}
    with pytest.raises(ValidationError) as caught:
        rules.check_plan(
            actions,
            [
                Decision("contacts-cap", Choice.ADOPT, details=rules.ContactsCapDetails(cap=0)),
                Decision("no-such-action", Choice.ADOPT),
            ],
            TODAY,
        )
    assert set(caught.value.problems) == {"contacts-cap.cap", "no-such-action.action"}


def test_details_survive_their_json_form() -> None:
    samples = [
        rules.ContactsCapDetails(20, frozenset({ContactType.VIDEO}), True, (3, 1), "Full."),
        rules.notice_on(TODAY, [VoluntaryService("Wound care", PARTY, 90, id=4)]),
        rules.DsaWithdrawalDetails((1,), TODAY, True),
        rules.AdviceGuidanceDetails("p", "e"),
        rules.ReferralDetails("w"),
        rules.DsaFreezeDetails("f"),
        rules.ChecklistDetails("n"),
        rules.NoDetails(),
    ]
    for details in samples:
        kind = next(k for k, t in rules.DETAIL_TYPES.items() if isinstance(details, t))
        assert rules.details_from_json(kind, rules.details_to_json(details)) == details


def test_cap_for_pro_rata_by_sessions() -> None:
    rule = CapRule(25, frozenset(ContactType), True, (), "Full.", TODAY)
    assert [rule.cap_for(n) for n in (0, 1, 2, 3)] == [1, 12, 25, 25]
    whole = CapRule(25, frozenset(ContactType), False, (), "Full.", TODAY)
    assert [whole.cap_for(n) for n in (0, 1, 2)] == [25, 25, 25]
    assert CapRule(1, frozenset(), True, (), "", TODAY).cap_for(1) == 1


def test_conflicts_are_warned_for_the_chosen_dates() -> None:
    gp_connect = action("gp-connect")
    before = Decision("gp-connect", Choice.ADOPT, date(2025, 9, 1), date(2025, 9, 30))
    assert rules.conflict_warnings(gp_connect, before) == []
    after = Decision("gp-connect", Choice.ADOPT, date(2025, 10, 2))
    assert rules.conflict_warnings(gp_connect, after)
    open_ended = Decision("gp-connect", Choice.ADOPT, date(2025, 9, 1))
    assert rules.conflict_warnings(gp_connect, open_ended)[0].startswith("From 1 October 2025")


def test_consequences_name_letters_rules_and_tasks() -> None:
    decision = rules.check_decision(
        action("contacts-cap"), Decision("contacts-cap", Choice.ADOPT), TODAY
    )
    said = rules.consequences(action("contacts-cap"), decision)
    assert any("at most 25 contacts" in line for line in said)
    assert any(line.startswith("Task: Brief reception") for line in said)


# --- reception's words from 1 April 2026 -----------------------------------------------


def _cap_decision(words: str, start: date, end: date | None = None) -> Decision:
    return Decision(
        "contacts-cap",
        Choice.ADOPT,
        start,
        end,
        rules.ContactsCapDetails(reception_words=words),
        confirm_past=True,
    )


def test_the_shipped_reception_words_never_ask_to_call_back_and_name_the_same_day_route() -> None:
    assert rules.asks_to_call_back(rules.DEFAULT_RECEPTION_WORDS) is None
    assert "today" in rules.DEFAULT_RECEPTION_WORDS and "urgent" in rules.DEFAULT_RECEPTION_WORDS
    assert "later appointment" in rules.DEFAULT_RECEPTION_WORDS


@pytest.mark.parametrize(
    "words",
    [
        "We are full today, please call back tomorrow at 8am.",
        "Sorry, ring us again another day.",
        "Please try again on Monday.",
        "Please call NHS 111 or come back tomorrow.",
        "Please try again in the morning.",
        "Call back on Tuesday.",
        "We have no more appointments today; ring at 8am",
        "please ring the surgery back first thing tomorrow",
        "Phone again in the morning",
        "Call the practice again at 8 o'clock tomorrow",
        "Call back when the lines open.",
    ],
)
def test_words_asking_to_call_back_another_day_are_refused_from_april_2026(words: str) -> None:
    july = next(m for m in menu.load_menus(paths.resource("menus")) if m.id == "bma-2024-07")
    cap = july.action("contacts-cap")
    with pytest.raises(ValidationError) as caught:
        rules.check_decision(cap, _cap_decision(words, date(2026, 4, 1)), date(2026, 11, 17))
    message = caught.value.problems["reception_words"]
    assert "call back another day" in message and "1 April 2026" in message
    assert "same day" in message
    # a plan that starts earlier but runs on into April 2026 is refused too
    with pytest.raises(ValidationError):
        rules.check_decision(cap, _cap_decision(words, date(2025, 6, 2)), date(2025, 6, 2))
    # one that ended before 1 April 2026 kept its words (plans already made stay intact)
    kept = rules.check_decision(
        cap, _cap_decision(words, date(2025, 6, 2), date(2026, 3, 31)), date(2025, 6, 2)
    )
    assert kept.details.reception_words == words


@pytest.mark.parametrize(
    "words",
    [
        "Call NHS 111 if you need help today",
        "We can book you a later appointment",
        "If it is urgent, we will help you today",
        "Ring 999 in an emergency",
        "Ring back at 2pm today, when a cancellation may come up.",
        "We will ring you at 3pm with a time.",
        "Phone the pharmacy tomorrow if you need more of your medicine.",
        rules.DEFAULT_RECEPTION_WORDS,
    ],
)
def test_words_offering_help_today_or_elsewhere_are_kept_from_april_2026(words: str) -> None:
    assert rules.asks_to_call_back(words) is None
    july = next(m for m in menu.load_menus(paths.resource("menus")) if m.id == "bma-2024-07")
    kept = rules.check_decision(
        july.action("contacts-cap"), _cap_decision(words, date(2026, 4, 1)), date(2026, 11, 17)
    )
    assert kept.details.reception_words == words
