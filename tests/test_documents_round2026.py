"""The 2026 round's letters to the ICB's Chief Clinical Information Officer (the request and
the answer to a stock reply) and the staff briefing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from letters_helpers import make_demo, pdf_pages, pdf_text

from practice_action import paths
from practice_action.cli import main
from practice_action.documents.completeness import MissingData
from practice_action.domain import plan as rules
from practice_action.domain.plan import Choice, Decision
from practice_action.services import documents, plan, practice
from practice_action.services.context import Context

PARTNER = "Dr Asha Mistry"


def _adopt_the_review(ctx: Context, people: dict) -> list[int]:
    """The demo practice adopts May 2026's review; the agreements it stops honouring."""
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
    return stopping


def test_the_ccio_letter_lists_every_agreement_and_asks_for_basis_dpia_and_flows(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    stopping = _adopt_the_review(ctx, people)
    agreements = {i: a for i, a in plan.registers(ctx).agreements.items() if a.active}
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


def test_the_follow_up_answers_the_stock_reply_citing_the_first_letter_and_the_reply(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    stopping = _adopt_the_review(ctx, people)
    agreements = [a for a in plan.registers(ctx).agreements.values() if a.active]
    kinds = [d.kind for d in documents.documents_for_plan(ctx)]
    assert "ccio_dsa_followup" not in kinds  # nothing to answer until the ICB replies
    ctx.clock = lambda: datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the reply came
    reply = next(t for t in plan.current_plan(ctx).open_tasks if t.text.startswith("Note the ICB"))
    plan.tick_task(ctx, people[PARTNER], reply.id, date(2026, 11, 25))
    follow_up = next(d for d in documents.documents_for_plan(ctx) if d.kind == "ccio_dsa_followup")
    assert [g.what for g in follow_up.gaps] == [
        "The first letter to the CCIO, generated (this letter answers the ICB's reply to it)"
    ]
    with pytest.raises(MissingData):
        documents.generate(ctx, people[PARTNER], kinds=["ccio_dsa_followup"])
    (first,) = documents.generate(ctx, people[PARTNER], kinds=["ccio_dsa_review"])
    ctx.clock = lambda: datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    (made,) = documents.generate(ctx, people[PARTNER], kinds=["ccio_dsa_followup"])
    text = pdf_text(made.content)
    assert (
        f"Thank you for your reply to our letter of 25 November 2026 (our ref "
        f"{first.entry.reference}), which we noted on 25 November 2026" in text
    )
    assert "does not give us what we asked for" in text
    for agreement in agreements:
        assert agreement.name in text
    for asked in ("lawful basis", "data protection impact assessment", "data flows"):
        assert asked in text
    assert "by 24 December 2026, 28 days from the date of this letter" in text
    assert text.count("We stop honouring this agreement from 1 December 2026") == len(stopping)
    lmc = practice.get_profile(ctx).lmc.name
    assert f"We are sending a copy of this letter to {lmc}." in text
    assert "/CCIOR/2026/001" in made.entry.reference
    assert made.entry.signed_by == PARTNER
    assert "BMA" not in text  # the practice's own voice, not a quotation
    # the demo's four agreements fit one page at the house's sizes (10.5 pt body)
    assert pdf_pages(made.content) <= 2  # one page with a short register; the close kept whole


def test_the_follow_up_is_previewed_made_from_the_command_line_and_printed_like_the_others(
    locations: paths.Locations,
    ctx: Context,
    tmp_path: Path,
    pin_typed,
) -> None:
    people = make_demo(ctx)
    _adopt_the_review(ctx, people)
    documents.generate(ctx, people[PARTNER], kinds=["ccio_dsa_review"])
    reply = next(t for t in plan.current_plan(ctx).open_tasks if t.text.startswith("Note the ICB"))
    plan.tick_task(ctx, people["Karen Holt"], reply.id, date(2026, 11, 17))
    draft = documents.preview_draft(ctx, people["Karen Holt"], "ccio_dsa_followup")
    assert draft.draft and "DRAFT" in pdf_text(draft.content)
    out = tmp_path / "letters"
    pin_typed("135791")
    argv = ["--data-dir", str(locations.data_dir), "documents", "--out", str(out)]
    assert main([*argv, "--as", PARTNER, "--only", "ccio_dsa_followup"]) == 0
    (made,) = out.iterdir()
    assert made.name == "ccio-data-sharing-follow-up.pdf"
    assert "does not give us what we asked for" in pdf_text(made.read_bytes())
    entry = next(
        e for e in documents.register(ctx, people[PARTNER]) if e.kind == "ccio_dsa_followup"
    )
    printed = documents.mark_printed(ctx, people[PARTNER], entry.id)
    assert printed.state == "Printed"
