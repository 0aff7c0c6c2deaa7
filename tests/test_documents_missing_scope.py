"""A missing detail holds back only the documents that print it; the others are made."""

from __future__ import annotations

from letters_helpers import make_demo
from sqlalchemy import select, update

from practice_action.services import documents as letters
from practice_action.services.context import Context
from practice_action.store.models import LocalServiceRow, VoluntaryServiceRow

PARTNER = "Dr Asha Mistry"
NOTICES = {"poster", "leaflet", "large_print", "website_html", "website_text", "sms"}


def test_empty_hours_of_a_local_service_hold_back_only_the_patient_notices(ctx: Context) -> None:
    people = make_demo(ctx)
    with ctx.store.write() as session:
        name = session.execute(
            select(LocalServiceRow.name).where(LocalServiceRow.kind == "urgent_treatment_centre")
        ).scalar_one()
        session.execute(
            update(LocalServiceRow).where(LocalServiceRow.name == name).values(hours="")
        )

    planned = letters.documents_for_plan(ctx, people[PARTNER])
    for document in planned:
        whats = [item.what for item in document.gaps]
        if document.kind in NOTICES:
            assert whats == [f"{name}: its opening hours"], document.kind
        else:
            assert whats == [], document.kind

    others = {d.kind for d in planned if d.kind not in NOTICES}
    assert others and others <= set(letters.KINDS)
    run = letters.generate_ready(ctx, people[PARTNER])
    assert {g.entry.kind for g in run.made} == others
    assert {d.kind for d in run.waiting} == NOTICES
    assert {e.kind for e in letters.register(ctx, people[PARTNER])} == others


def test_a_service_gone_from_the_register_holds_back_its_own_kind_of_letter_only(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    with ctx.store.write() as session:
        session.execute(VoluntaryServiceRow.__table__.delete())
    planned = {d.kind: d for d in letters.documents_for_plan(ctx, people[PARTNER])}
    assert "no longer in the register" in " ".join(
        i.what for i in planned["service_changes_notification"].gaps
    )
    for kind in ("data_sharing_withdrawal", "referral_letter_template", "poster"):
        assert planned[kind].gaps == (), kind
    run = letters.generate_ready(ctx, people[PARTNER])
    made = {g.entry.kind for g in run.made}
    assert "data_sharing_withdrawal" in made and "poster" in made
    assert "service_changes_notification" not in made
