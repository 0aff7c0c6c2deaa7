"""The documents the plan calls for: made from the practice's data, refused with every gap,
generated only by a partner, registered with their hash and reproduced exactly."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from letters_helpers import make_demo, pdf_pages, pdf_text
from sqlalchemy import select, update

from practice_action.documents.completeness import MissingData
from practice_action.documents.times import uk_date
from practice_action.domain.calendar import local_today
from practice_action.domain.errors import PermissionDenied, ValidationError
from practice_action.services import audit, practice, registers, staff
from practice_action.services import documents as letters
from practice_action.services.context import Context, system_user
from practice_action.services.demo import AGREEMENTS, DEMO_PINS, PRACTICE, VOLUNTARY_SERVICES
from practice_action.store.letters_models import CorrespondenceRow
from practice_action.store.models import Practice

PARTNER = "Dr Asha Mistry"
UNFILLED = re.compile(r"[\[\]{}]|\bNone\b|\bnan\b|\.\.\.\.")
MANAGER = "Karen Holt"
RECEPTIONIST = "Jade Barker"


def _by_key(generated: list[letters.Generated]) -> dict[str, letters.Generated]:
    return {g.entry.key: g for g in generated}


def _audit_kinds(ctx: Context) -> list[str]:
    entries = audit.list_entries(ctx, system_user(), kind_prefix="letter.")
    return [e.kind for e in reversed(entries)]


def test_demo_letters_hold_recipients_dates_services_agreements_and_actions(ctx: Context) -> None:
    people = make_demo(ctx)
    today = local_today(ctx.clock)
    made = _by_key(letters.generate(ctx, people[PARTNER]))
    assert len(made) == 13  # with the staff briefing
    icb, lmc = PRACTICE.icb.name, PRACTICE.lmc.name

    changes = pdf_text(made["service_changes_notification"].content)
    assert icb in changes and lmc in changes  # to the ICB, copy to the LMC
    assert uk_date(today) in changes
    assert made["service_changes_notification"].entry.reference in changes
    for wording in ("recommended safe maximum of 25", "Serve notice on any voluntary services"):
        assert wording in changes
    assert "Our limit: 25 contacts per clinician a day." in changes
    assert PARTNER in changes and "Page 1 of 3" in changes

    # The demo gives notice on hospital-requested bloods (to the trust) and on ear irrigation
    # (to the ICB, under its local enhanced service).
    phlebotomy, ear = VOLUNTARY_SERVICES[0], VOLUNTARY_SERVICES[1]
    to_icb = pdf_text(made["voluntary_services_notice:soar-valley-integrated-care-board"].content)
    assert ear.name in to_icb and phlebotomy.name not in to_icb
    assert f"{ear.notice_days} days" in to_icb and ear.termination_clause in to_icb
    assert uk_date(today + timedelta(days=ear.notice_days)) in to_icb
    to_trust = pdf_text(made["voluntary_services_notice:soar-valley-hospitals-nhs-trust"].content)
    assert phlebotomy.commissioner.name in to_trust and phlebotomy.name in to_trust
    assert uk_date(today + timedelta(days=phlebotomy.notice_days)) in to_trust
    assert f"cc {icb}" in to_trust  # another commissioner: the ICB gets a copy

    withdrawals = [g for k, g in made.items() if k.startswith("data_sharing_withdrawal:")]
    assert len(withdrawals) == 2  # the two secondary-use agreements, not direct care
    texts = " ".join(pdf_text(g.content) for g in withdrawals)
    for agreement in (AGREEMENTS[1], AGREEMENTS[2]):
        assert agreement.name in texts and agreement.party.name in texts
    assert AGREEMENTS[0].name not in texts
    assert uk_date(today + timedelta(days=30)) in texts  # the day permission ends
    assert texts.count(f"cc {icb}") == 2

    poster = pdf_text(made["patient_notice:poster"].content)
    assert "111" in poster and "Soar Valley Urgent Treatment Centre" in poster
    assert "at most 25 patients a day" in poster

    for generated in made.values():
        text = (
            pdf_text(generated.content)
            if generated.entry.media_type == letters.PDF
            else generated.content.decode("utf-8")
        )
        if generated.entry.kind == "referral_letter_template":  # dotted lines by design
            text = text.replace(".", "")
        assert not UNFILLED.search(text), (generated.entry.file_name, UNFILLED.search(text))


def test_referral_template_turns_placeholders_into_lines(ctx: Context) -> None:
    people = make_demo(ctx)
    (template,) = letters.generate(ctx, people[PARTNER], kinds=["referral_letter_template"])
    text = pdf_text(template.content)
    assert "TEMPLATE" in text and "for a specialist opinion on" in text
    assert "[patient]" not in text and text.count("Yours sincerely") == 1
    assert template.entry.signed_by == ""  # a template is signed by whoever uses it


def test_refused_with_every_missing_detail_and_where_to_fill_it(ctx: Context) -> None:
    people = make_demo(ctx)
    manager = people[MANAGER]
    with ctx.store.write() as session:  # a database from before the ICB was required
        session.execute(update(Practice).values(icb_address="", icb_postcode=""))
    for member in staff.list_staff(ctx):
        if member.role.value == "partner":
            agreed = staff.Countersign(member.id, DEMO_PINS[member.name])  # type: ignore[arg-type]
            staff.update_staff(ctx, manager, replace(member, active=False), countersign=agreed)

    with pytest.raises(MissingData) as caught:
        letters.generate(ctx, system_user())
    found = {(item.what, item.where) for item in caught.value.items}
    assert ("ICB address", "Set-up > Practice profile > ICB address") in found
    assert ("ICB postcode", "Set-up > Practice profile > ICB postcode") in found
    assert (
        "A partner to sign the letter",
        "Staff (add a partner, or bring a retired one back)",
    ) in found
    message = str(caught.value)
    assert "ICB address: fill it in at Set-up > Practice profile > ICB address" in message
    assert letters.register(ctx, manager) == []  # nothing half made

    # The patient notices need neither, so they can still be made on their own.
    made = letters.generate(ctx, system_user(), kinds=["poster", "sms"])
    assert [g.entry.kind for g in made] == ["poster", "sms"]
    overview = letters.overview(ctx, manager)
    assert overview.signer == "" and len(overview.missing) == len(caught.value.items)


def test_every_page_of_every_pdf_draft_is_stamped_and_the_finals_are_not(ctx: Context) -> None:
    """Each kind of PDF the plan calls for, so a new kind drawn without the stamp fails here."""
    from pypdf import PdfReader

    from practice_action.documents.draft import DRAFT_LINE

    people = make_demo(ctx)
    keys = [d.key for d in letters.documents_for_plan(ctx) if d.is_pdf]
    assert len(keys) >= 8
    for key in keys:
        draft = letters.preview_draft(ctx, people[MANAGER], key)
        reader = PdfReader(io.BytesIO(draft.content))
        pages = [" ".join(p.extract_text().split()) for p in reader.pages]
        assert pages and all("DRAFT" in page for page in pages), key
        assert DRAFT_LINE in pages[0] and all(DRAFT_LINE not in p for p in pages[1:]), key
        # The stamp belongs to that one drawing: the partner's copy straight after has none.
        (made,) = letters.generate(ctx, people[PARTNER], [key])
        assert "DRAFT" not in pdf_text(made.content), key
        assert pdf_pages(made.content) == len(pages), key


def test_the_desktop_draws_drafts_without_a_pdf_library(tmp_path: Path) -> None:
    """pypdf is for the tests; reportlab alone draws drafts, so the desk never loads it (nor
    urllib and http, which xml.sax.saxutils would bring for one escape)."""
    script = f"""
import sys
from practice_action import paths
from practice_action.services import demo, documents, staff
from practice_action.services.context import Actor
from practice_action.services.health import open_context

ctx = open_context(paths.resolve({str(tmp_path)!r}))
demo.create_demo(ctx)
manager = next(m for m in staff.list_staff(ctx) if m.name == {MANAGER!r})
actor = Actor(manager.name, manager.role, manager.id)
for document in documents.documents_for_plan(ctx, actor):
    assert documents.preview_draft(ctx, actor, document.key).content
print("reportlab" in sys.modules, "pypdf" in sys.modules, "urllib.request" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "False"]


def test_receptionist_refused_manager_drafts_only_partner_generates(ctx: Context) -> None:
    people = make_demo(ctx)
    key = "service_changes_notification"
    with pytest.raises(PermissionDenied):
        letters.generate(ctx, people[RECEPTIONIST])
    with pytest.raises(PermissionDenied):
        letters.preview_draft(ctx, people[RECEPTIONIST], key)
    with pytest.raises(PermissionDenied):
        letters.generate(ctx, people[MANAGER], [key])

    draft = letters.preview_draft(ctx, people[MANAGER], key)
    assert draft.draft and "DRAFT" in pdf_text(draft.content)
    assert pdf_pages(draft.content) == 3
    assert letters.register(ctx, people[MANAGER]) == []

    partner = people["Dr Tom Whitfield"]
    (made,) = letters.generate(ctx, partner, [key])
    text = pdf_text(made.content)
    assert "DRAFT" not in text and "Dr Tom Whitfield" in text  # the partner who generated signs
    (entry,) = letters.register(ctx, partner)
    assert entry.sha256 == hashlib.sha256(made.content).hexdigest()
    assert entry.signed_by == "Dr Tom Whitfield" and entry.generated_by == partner.label
    assert entry.reference == f"{PRACTICE.ods_code}/SC/{local_today(ctx.clock).year}/001"
    assert entry.state == "Generated"
    assert _audit_kinds(ctx)[-1] == "letter.generated"


def test_reproduced_from_the_register_byte_for_byte(ctx: Context) -> None:
    people = make_demo(ctx)
    partner = people[PARTNER]
    made = letters.generate(ctx, partner)
    for generated in made:
        assert letters.reproduce(ctx, partner, generated.entry.id) == generated.content
    # A second generation is a new letter with its own reference; the first stays as it was.
    again = letters.generate(ctx, partner, [made[0].entry.key])[0]
    assert again.entry.reference != made[0].entry.reference
    assert letters.reproduce(ctx, partner, made[0].entry.id) == made[0].content

    with ctx.store.write() as session:  # changed behind the app's back
        row = session.get(CorrespondenceRow, made[0].entry.id)
        assert row is not None
        row.content = row.content + b"%changed\n"
    with pytest.raises(letters.TamperedDocument, match="does not match the hash"):
        letters.reproduce(ctx, partner, made[0].entry.id)


def test_printed_then_sent_with_a_date_and_audited(ctx: Context) -> None:
    people = make_demo(ctx)
    partner, manager = people[PARTNER], people[MANAGER]
    key = "service_changes_notification"
    (made,) = letters.generate(ctx, partner, [key])
    today = local_today(ctx.clock)
    with pytest.raises(PermissionDenied):
        letters.mark_printed(ctx, manager, made.entry.id)
    assert letters.mark_printed(ctx, partner, made.entry.id).state == "Printed"
    with pytest.raises(ValidationError) as future:
        letters.mark_sent(ctx, partner, made.entry.id, today + timedelta(days=1))
    assert "future" in future.value.problems["sent_on"]
    with pytest.raises(ValidationError):
        letters.mark_sent(ctx, partner, made.entry.id, today - timedelta(days=1))
    sent = letters.mark_sent(ctx, partner, made.entry.id, today)
    assert sent.state == f"Sent {uk_date(today)}" and sent.sent_by == partner.label
    assert _audit_kinds(ctx)[-3:] == ["letter.generated", "letter.printed", "letter.sent"]
    status = next(s for s in letters.overview(ctx, manager).documents if s.document.key == key)
    assert status.state == f"Sent {uk_date(today)}"


def test_a_changed_practice_marks_a_generated_letter_out_of_date(ctx: Context) -> None:
    people = make_demo(ctx)
    partner = people[PARTNER]
    letters.generate(ctx, partner, ["service_changes_notification"])
    profile = practice.get_profile(ctx)
    practice.save_profile(ctx, partner, replace(profile, phone="0116 496 0999"))
    status = next(
        s
        for s in letters.overview(ctx, partner).documents
        if s.document.key == "service_changes_notification"
    )
    assert status.out_of_date and "generate again" in status.state


def test_hostile_and_accented_names_print_as_typed(ctx: Context) -> None:
    people = make_demo(ctx)
    manager = people[MANAGER]
    bloods = next(  # in the demo plan: notice is given on it
        s
        for s in registers.list_records(ctx, registers.VOLUNTARY_SERVICES)
        if s.name.startswith("Phlebotomy")
    )
    hostile = 'Smith & Jones <Trust> "Hôpital" Ltd'
    registers.save_record(
        ctx,
        manager,
        registers.VOLUNTARY_SERVICES,
        replace(bloods, commissioner=replace(bloods.commissioner, name=hostile)),
    )
    made = letters.generate(ctx, people[PARTNER], kinds=["voluntary_services_notice"])
    texts = [pdf_text(g.content) for g in made]
    assert any(hostile in text for text in texts)


def test_no_plan_means_no_documents(ctx: Context, manager: object, partner: object) -> None:
    overview = letters.overview(ctx, partner)  # type: ignore[arg-type]
    assert not overview.has_plan and overview.documents == ()
    with pytest.raises(Exception, match="no action plan yet"):
        letters.generate(ctx, partner)  # type: ignore[arg-type]


def test_the_register_lists_every_generation(ctx: Context) -> None:
    people = make_demo(ctx)
    letters.generate(ctx, people[PARTNER], kinds=["sms"])
    letters.generate(ctx, people[PARTNER], kinds=["sms"])
    with ctx.store.read() as session:
        refs = list(session.execute(select(CorrespondenceRow.reference)).scalars())
    assert len(refs) == 2 and len(set(refs)) == 2


def test_the_icb_letter_claims_contract_compliance_only_when_it_is_true(ctx) -> None:
    from dataclasses import replace

    from letters_helpers import make_demo, pdf_text

    from practice_action.domain.plan import Choice, Decision
    from practice_action.services import documents, plan

    people = make_demo(ctx)
    partner = people["Dr Asha Mistry"]

    def icb_letter() -> str:
        (generated,) = documents.generate(ctx, partner, kinds=["service_changes_notification"])
        return " ".join(pdf_text(generated.content).split())

    assert "Every one of them keeps within the practice's GP contract." in icb_letter()
    current = plan.current_plan(ctx).version
    assert current is not None
    decisions = [
        Decision(d.action_id, d.choice, d.effective_date, d.end_date, d.details, confirm_past=True)
        for d in current.decisions
    ]
    decisions = [
        replace(d, choice=Choice.ADOPT) if d.action_id == "gp-connect" else d for d in decisions
    ]
    plan.save_plan_version(ctx, partner, decisions, "adopt GP Connect too", partner)
    text = icb_letter()
    assert "keeps within the practice's GP contract" not in text
    assert "The GP contract:" in text


def test_a_name_the_font_cannot_print_is_refused_with_the_text_and_its_characters(
    ctx: Context,
) -> None:
    from practice_action.documents.completeness import UnprintableText

    people = make_demo(ctx)
    manager = people[MANAGER]
    profile = practice.get_profile(ctx)
    practice.save_profile(ctx, manager, replace(profile, name="Fernbrook Ապրանք Practice"))
    with pytest.raises(UnprintableText) as caught:
        letters.preview_draft(ctx, manager, "service_changes_notification")
    assert "Fernbrook Ապրանք Practice" in str(caught.value)
    assert "ա" in caught.value.found["Fernbrook Ապրանք Practice"]
    assert "Change them where they were typed" in str(caught.value)
    # Text files carry no font: the website text is still made.
    assert letters.preview_draft(ctx, manager, "patient_notice:website_text").content
    # Accents typed as separate marks, and Welsh, Polish and Greek letters, all print.
    practice.save_profile(ctx, manager, replace(profile, name="Meddygfa Llŷn Łódź Αθήνα"))
    assert letters.preview_draft(ctx, manager, "service_changes_notification").content
