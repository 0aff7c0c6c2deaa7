"""The 2026 round's letter to the ICB's Chief Clinical Information Officer."""

from __future__ import annotations

from datetime import date

from letters_helpers import make_demo, pdf_text

from practice_action.domain import plan as rules
from practice_action.domain.plan import Choice, Decision
from practice_action.services import documents, plan
from practice_action.services.context import Context

PARTNER = "Dr Asha Mistry"


def test_the_ccio_letter_lists_every_agreement_and_asks_for_basis_dpia_and_flows(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    regs = plan.registers(ctx)
    agreements = {i: a for i, a in regs.agreements.items() if a.active}
    assert len(agreements) >= 3  # a register of several agreements
    stopping = rules.default_withdrawals(agreements.values())
    assert stopping and len(stopping) < len(agreements)
    saved = plan.save_plan_version(
        ctx,
        people[PARTNER],
        [
            Decision(
                "2026-05-dsa-review",
                Choice.ADOPT,
                date(2026, 11, 18),
                None,
                rules.DsaWithdrawalDetails(tuple(stopping), date(2026, 12, 1)),
            )
        ],
        menu_id="bma-2026",
    )
    assert saved.decision("2026-05-dsa-review").choice is Choice.ADOPT
    planned = documents.documents_for_plan(ctx, people[PARTNER])
    kinds = [d.kind for d in planned]
    assert "ccio_dsa_review" in kinds
    assert "data_sharing_withdrawal" not in kinds  # the round asks for one letter to the CCIO
    (made,) = documents.generate(ctx, people[PARTNER], kinds=["ccio_dsa_review"])
    text = pdf_text(made.content)
    assert "Chief Clinical Information Officer" in text
    for agreement in agreements.values():
        assert agreement.name in text
    for asked in ("lawful basis", "data protection impact assessment", "data flows"):
        assert asked in text
    assert text.count("We will stop honouring this agreement from 1 December 2026") == len(stopping)
    # What the register knows of each is given, so the ICB answers only what is missing.
    assert "lawful basis UK GDPR Articles 6(1)(e) and 9(2)(j); DPIA: not known" in text
    assert "the GP contract requires it, so it continues" in text
    assert "/CCIO/2026/001" in made.entry.reference
    assert made.entry.signed_by == PARTNER


def test_the_staff_briefing_says_what_each_adopted_action_means_and_the_urgent_route(
    ctx: Context,
) -> None:
    people = make_demo(ctx)  # the demo's plan adopts the cap and others
    current = plan.current_plan(ctx).version
    assert current is not None
    (made,) = documents.generate(ctx, people[PARTNER], kinds=["staff_briefing"])
    text = pdf_text(made.content)
    for who in ("partners", "salaried GPs", "locums", "registrars", "reception"):
        assert who in text
    for decision in current.adopted:
        assert decision.title in text
    cap = current.decision("contacts-cap").details
    assert f"at most {cap.cap} patients a day" in text
    assert " ".join(cap.reception_words.split()) in text
    assert "same day" in text and "call back another day" in text
    # the plan changes: the briefing the register holds is out of date
    briefing = next(d for d in documents.documents_for_plan(ctx) if d.kind == "staff_briefing")
    assert briefing.inputs_digest == made.entry.inputs_digest
    decisions = [
        Decision(d.action_id, d.choice, d.effective_date, d.end_date, d.details, confirm_past=True)
        for d in current.decisions
        if d.action_id != "gp-connect"
    ] + [Decision("gp-connect", Choice.NOT_NOW, None, None, None)]
    plan.save_plan_version(ctx, people[PARTNER], decisions, menu_id=current.menu_id)
    again = next(d for d in documents.documents_for_plan(ctx) if d.kind == "staff_briefing")
    assert again.inputs_digest != made.entry.inputs_digest
