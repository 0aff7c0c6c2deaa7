"""The register knows what the letters need: each service's terms, who it is for and what
patients do instead; each agreement's own purpose, lawful basis, DPIA and whether it may be
withdrawn at all. The letters and notices print what the register holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from letters_helpers import make_demo, pdf_text

from practice_action.documents import letters
from practice_action.documents.model import ServiceNoticeItem
from practice_action.documents.sample import sample_pack
from practice_action.domain import plan as rules
from practice_action.domain.enums import (
    DpiaStatus,
    DsaPurpose,
    RecipientKind,
    Requirement,
    ServiceBasis,
)
from practice_action.domain.errors import ValidationError
from practice_action.domain.records import (
    DataSharingAgreement,
    PostalAddress,
    VoluntaryService,
    validate_voluntary_service,
)
from practice_action.services import documents as service
from practice_action.services import registers
from practice_action.services.context import Actor, Context

ICB = PostalAddress("NHS Soar Valley ICB", "Riverside House\nLeicester", "LE1 9ZY")
TRUST = PostalAddress("Soar Valley Hospitals NHS Trust", "Gwendolen Way\nLeicester", "LE5 9ZT")


def _problems(service_record: VoluntaryService) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        validate_voluntary_service(service_record)
    return refused.value.problems


def test_a_local_agreement_needs_its_termination_clause_and_a_notice_period() -> None:
    problems = _problems(
        VoluntaryService("Ear irrigation", ICB, 0, basis=ServiceBasis.LOCAL_AGREEMENT)
    )
    assert "termination clause" in problems["termination_clause"]
    assert "e.g." in problems["termination_clause"]
    assert "notice period" in problems["notice_days"]


def test_a_trust_does_not_commission_a_local_enhanced_service() -> None:
    problems = _problems(
        VoluntaryService(
            "Phlebotomy",
            TRUST,
            90,
            commissioner_kind=RecipientKind.TRUST,
            basis=ServiceBasis.LOCAL_AGREEMENT,
            termination_clause="clause 9",
        )
    )
    assert "not by a trust" in problems["basis"]


def test_a_voluntary_service_goes_to_a_commissioner_or_a_trust_only() -> None:
    problems = _problems(
        VoluntaryService("Phlebotomy", TRUST, 90, commissioner_kind=RecipientKind.DATA_CONTROLLER)
    )
    assert "commissioner" in problems["commissioner_kind"]


def test_a_phone_for_patients_needs_where_it_goes() -> None:
    problems = _problems(VoluntaryService("Phlebotomy", ICB, 90, instead_phone="0116 496 0400"))
    assert "where patients should go" in problems["instead"]
    bad = _problems(VoluntaryService("Phlebotomy", ICB, 90, instead="Go", instead_phone="abc"))
    assert "digits" in bad["instead_phone"]


def test_the_new_fields_are_saved_and_read_back(ctx: Context, manager: Actor) -> None:
    saved = registers.save_record(
        ctx,
        manager,
        registers.VOLUNTARY_SERVICES,
        VoluntaryService(
            "Ear irrigation",
            ICB,
            30,
            basis=ServiceBasis.LOCAL_AGREEMENT,
            termination_clause=" clause 12.2 of the Ear Care LES ",
            patient_name="Ear washing",
            instead="Ask a pharmacist",
            instead_phone="0116 496 0420",
        ),
    )
    agreement = registers.save_record(
        ctx,
        manager,
        registers.AGREEMENTS,
        DataSharingAgreement(
            "Analytics",
            ICB,
            DsaPurpose.SECONDARY,
            party_kind=RecipientKind.COMMISSIONER,
            purpose_text="planning services",
            lawful_basis="UK GDPR Article 6(1)(e)",
            dpia=DpiaStatus.EXISTS,
            required_by=Requirement.LAW,
        ),
    )
    assert registers.get_record(ctx, registers.VOLUNTARY_SERVICES, saved.id) == saved
    assert saved.termination_clause == "clause 12.2 of the Ear Care LES"
    back = registers.get_record(ctx, registers.AGREEMENTS, agreement.id)
    assert (back.purpose_text, back.dpia, back.required_by) == (
        "planning services",
        DpiaStatus.EXISTS,
        Requirement.LAW,
    )
    assert not back.can_be_withdrawn and "the law requires" in back.why_kept()


def _notice(items: tuple[ServiceNoticeItem, ...], kind: str = "commissioner") -> str:
    letter = sample_pack().service_notices[0]
    return pdf_text(
        letters.voluntary_services_notice(
            replace(letter, services=items, recipient_kind=kind, cc=())
        )
    )


SERVED = date(2026, 9, 1)
PLAIN = ServiceNoticeItem("Phlebotomy", SERVED, 90, date(2026, 11, 30))
UNDER = ServiceNoticeItem(
    "Ear irrigation", SERVED, 30, date(2026, 10, 1), termination_clause="clause 12.2 of the LES"
)


def test_a_local_agreement_is_ended_under_its_own_clause_not_called_unpaid() -> None:
    text = _notice((UNDER,))
    assert "under a local agreement with you" in text
    assert "for Ear irrigation, clause 12.2 of the LES, with 30 days' notice" in text
    assert "Local agreement: clause 12.2 of the LES" in text  # beside it in the table
    assert "without an agreement that pays" not in text
    assert "not part of our GP contract" not in text


def test_services_with_and_without_an_agreement_are_told_apart() -> None:
    text = _notice((PLAIN, UNDER))
    assert "Some of these services are provided under a local agreement" in text
    assert "for Ear irrigation, clause 12.2" in text and "The others are not part" in text
    plain = _notice((PLAIN,))
    assert "without an agreement that pays" in plain and "local agreement" not in plain


def test_the_letter_goes_by_the_recorded_kind_not_by_the_name(ctx: Context) -> None:
    people = make_demo(ctx)
    trust_letter = next(
        d
        for d in service.documents_for_plan(ctx, people["Dr Asha Mistry"])
        if d.kind == "voluntary_services_notice" and "Trust" in d.recipient
    )
    assert trust_letter.inputs.recipient_kind == "trust"  # type: ignore[union-attr]
    # A commissioner whose name has "Trust" in it is still a commissioner when so recorded.
    record = next(
        s
        for s in registers.list_records(ctx, registers.VOLUNTARY_SERVICES)
        if s.commissioner.name == "Soar Valley Hospitals NHS Trust"
    )
    registers.save_record(
        ctx,
        people["Karen Holt"],
        registers.VOLUNTARY_SERVICES,
        replace(record, commissioner_kind=RecipientKind.COMMISSIONER),
    )
    kinds = {
        d.inputs.recipient_kind  # type: ignore[union-attr]
        for d in service.documents_for_plan(ctx, people["Dr Asha Mistry"])
        if d.kind == "voluntary_services_notice" and "Trust" in d.recipient
    }
    assert "commissioner" in kinds


def test_the_withdrawal_names_the_agreements_own_purpose_and_lawful_basis(ctx: Context) -> None:
    people = make_demo(ctx)
    made = service.generate(ctx, people["Dr Asha Mistry"], kinds=["data_sharing_withdrawal"])
    texts = {g.entry.title: pdf_text(g.content) for g in made}
    text = texts["Withdrawal of data-sharing permission: Population health management analytics"]
    assert (
        "uses the data for population health analysis and the planning of services for the ICB"
        in text
    )
    assert "lawful basis as UK GDPR Articles 6(1)(e) and 9(2)(h)" in text
    assert "As we understand it" not in text
    assert "planning, analysis or research" not in text


def test_a_withdrawal_without_a_recorded_purpose_says_it_is_our_understanding() -> None:
    letter = replace(
        sample_pack().withdrawals[0],
        purpose="planning, analysis or research",
        purpose_recorded=False,
    )
    text = pdf_text(letters.data_sharing_withdrawal(letter))
    assert "As we understand it" in text and "lawful basis" not in text


def test_an_agreement_the_contract_requires_cannot_be_withdrawn() -> None:
    required = DataSharingAgreement(
        "Shared care record",
        ICB,
        DsaPurpose.SECONDARY,
        required_by=Requirement.CONTRACT,
        id=7,
    )
    registers_ = rules.Registers(agreements={7: required})
    assert rules.default_withdrawals([required]) == ()
    with pytest.raises(ValidationError) as refused:
        rules.check_withdrawal_details(
            rules.DsaWithdrawalDetails((7,), date(2026, 12, 1)), date(2026, 11, 1), registers_
        )
    assert "cannot be withdrawn: the GP contract requires" in refused.value.problems["agreements"]


def test_the_patient_notice_names_each_service_as_patients_know_it(ctx: Context) -> None:
    people = make_demo(ctx)
    text = next(
        g.content.decode("utf-8")
        for g in service.generate(ctx, people["Dr Asha Mistry"], kinds=["website_text"])
    )
    assert "Blood tests that the hospital asked for will no longer be done" in text
    assert "Instead: Book them with the hospital's blood test clinic" in text
    assert "Phone 0116 496 0400" in text
    assert "Phlebotomy" not in text
    assert "Ear washing (ear irrigation) will no longer be done at the practice" in text
    assert "Instead: Ask a pharmacist about ear wax" in text and "Phone 0116 496 0420" in text
    assert "Reception can tell you where to go instead" not in text


def test_a_withdrawal_to_the_icb_itself_sends_it_no_copy() -> None:
    letter = sample_pack().withdrawals[0]
    to_icb = replace(letter, recipient=letter.copy_to)
    text = pdf_text(letters.data_sharing_withdrawal(to_icb))
    assert "A copy of this letter goes" not in text and " cc " not in f" {text} "
    assert "A copy of this letter goes to our Integrated Care Board" in pdf_text(
        letters.data_sharing_withdrawal(letter)
    )


@pytest.mark.parametrize(
    ("kind", "items", "says", "never"),
    [
        ("trust", (PLAIN,), "NHS Standard Contract", "as commissioner"),
        ("commissioner", (PLAIN,), "as commissioner, to arrange it elsewhere", "Standard Contract"),
        ("commissioner", (PLAIN, PLAIN), "arrange them elsewhere", "arrange it elsewhere"),
        ("commissioner", (UNDER,), "under a local agreement with you", "arrange it elsewhere"),
        ("commissioner", (UNDER, UNDER), "these services under a local agreement", "this service"),
    ],
)
def test_each_recipient_kind_and_basis_reads_as_its_own(
    kind: str, items: tuple[ServiceNoticeItem, ...], says: str, never: str
) -> None:
    text = _notice(items, kind)
    assert says in text and never not in text


def test_the_plan_greys_out_an_agreement_the_contract_requires(qtbot):
    from PySide6.QtCore import Qt

    from practice_action.domain.menu import DetailKind
    from practice_action.services.plan import Catalogue, shipped_menus
    from practice_action.ui.plan_details import editor_for  # Qt: only in this test

    party = PostalAddress("Care Record Partnership", "1 Data St\nLeeds", "LS1 4AP")
    kept = DataSharingAgreement(
        "Shared care record", party, DsaPurpose.SECONDARY, required_by=Requirement.CONTRACT, id=1
    )
    free = DataSharingAgreement("Research extract", party, DsaPurpose.SECONDARY, id=2)
    action = next(
        a
        for a in Catalogue(shipped_menus(), ()).default.actions
        if a.detail is DetailKind.DSA_WITHDRAWAL
    )
    editor = editor_for(action, rules.Registers(agreements={1: kept, 2: free}), date(2026, 11, 17))
    qtbot.addWidget(editor)
    items = {editor.agreements.item(r).text(): editor.agreements.item(r) for r in range(2)}
    shared = next(i for t, i in items.items() if t.startswith("Shared care record"))
    assert "cannot be withdrawn" in shared.text() and "GP contract requires" in shared.toolTip()
    assert not shared.flags() & Qt.ItemFlag.ItemIsEnabled
    assert shared.checkState() == Qt.CheckState.Unchecked
    assert editor.details().agreement_ids == (2,)


def test_a_planned_withdrawal_from_a_required_agreement_is_held_back_saying_why(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    analytics = next(
        a
        for a in registers.list_records(ctx, registers.AGREEMENTS)
        if a.name == "Population health management analytics"
    )
    registers.save_record(
        ctx,
        people["Karen Holt"],
        registers.AGREEMENTS,
        replace(analytics, required_by=Requirement.LAW),
    )
    planned = service.documents_for_plan(ctx, people["Dr Asha Mistry"])
    withdrawals = [d for d in planned if d.kind == "data_sharing_withdrawal"]
    assert withdrawals and all(
        any("cannot be withdrawn: the law requires" in g.what for g in d.gaps) for d in withdrawals
    )
    assert not any("Population health management analytics" in d.title for d in withdrawals), (
        "no letter is drawn for an agreement that cannot be withdrawn"
    )
    poster = next(d for d in planned if d.kind == "poster")
    assert poster.gaps == ()  # the patients' notices are not held back by it
