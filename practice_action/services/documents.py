"""The documents the plan calls for, made from the practice's own data, and their register.

``documents_for_plan`` maps the current plan, the profile, the registers and the partners
onto the documents' input dataclasses: one notice letter per commissioner, one withdrawal
letter per other party (copied to the ICB), the notification of service changes to the ICB
(copied to the LMC), the referral letter template and the patient notices. Anything missing
is listed, every item with where to fill it in, and nothing is generated until it is all
there.

A partner generates: each document is given a reference and the day's date, drawn, and
recorded in the correspondence register with its SHA-256 and its bytes, so that a letter
sent can be produced again exactly. A practice manager may preview drafts, stamped DRAFT
and never registered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer

from practice_action.documents import apart, completeness, sms
from practice_action.documents.completeness import MissingData, MissingItem
from practice_action.documents.drawing import Drawing
from practice_action.documents.files import write_atomically
from practice_action.documents.model import (
    BMA_ATTRIBUTION,
    BMA_PUBLISHER,
    AdoptedActionItem,
    DataSharingWithdrawal,
    Letterhead,
    PatientChange,
    PatientNotice,
    ReferralLetterTemplate,
    ServiceChangesNotification,
    ServiceNoticeItem,
    Signer,
    VoluntaryServicesNotice,
    WithdrawnAgreement,
)
from practice_action.documents.round2026 import (
    AgreementLine,
    BriefingItem,
    CcioDsaReview,
    CcioFollowUp,
    StaffBriefing,
)
from practice_action.documents.times import uk_date
from practice_action.domain import plan as rules
from practice_action.domain.calendar import local_today
from practice_action.domain.enums import (
    DpiaStatus,
    DsaPurpose,
    Requirement,
    ServiceBasis,
    StaffRole,
)
from practice_action.domain.errors import (
    NotFound,
    PracticeActionError,
    ValidationError,
)
from practice_action.domain.menu import (
    CUSTOM_MENU_ID,
    MenuAction,
    Severity,
    contract_notes_during,
    dated_text,
)
from practice_action.domain.records import PostalAddress, PracticeProfile, VoluntaryService
from practice_action.paths import cannot_write
from practice_action.services import audit, convert
from practice_action.services import plan as plan_service
from practice_action.services import wording as wording_service
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.letters_models import CorrespondenceRow
from practice_action.store.models import Practice, StaffRow
from practice_action.store.plan_models import PlanTaskRow

PDF = "application/pdf"
HTML = "text/html"
TEXT = "text/plain"

LETTER_KINDS = (
    "voluntary_services_notice",
    "data_sharing_withdrawal",
    "service_changes_notification",
    "referral_letter_template",
    "ccio_dsa_review",
    "ccio_dsa_followup",
)
NOTICE_KINDS = ("poster", "leaflet", "large_print", "website_html", "website_text", "sms")
KINDS = (*LETTER_KINDS, *NOTICE_KINDS, "staff_briefing")
SMS_MAX = sms.MAX_LENGTH

# kind -> (reference code, title, file name stem, media type)
_NOTICE_FORMATS: dict[str, tuple[str, str, str]] = {
    "poster": ("Patient notice: poster (A4)", "patient-notice-poster-a4.pdf", PDF),
    "leaflet": ("Patient notice: leaflet (A5)", "patient-notice-leaflet-a5.pdf", PDF),
    "large_print": (
        "Patient notice: large print (A4)",
        "patient-notice-large-print-a4.pdf",
        PDF,
    ),
    "website_html": ("Patient notice: website (HTML)", "patient-notice-website.html", HTML),
    "website_text": ("Patient notice: website (plain text)", "patient-notice-website.txt", TEXT),
    "sms": ("Patient notice: text message", "patient-notice-text-message.txt", TEXT),
}
_REFERENCE_CODES = {
    "voluntary_services_notice": "VS",
    "data_sharing_withdrawal": "DSA",
    "service_changes_notification": "SC",
    "referral_letter_template": "REF",
    "ccio_dsa_review": "CCIO",
    "ccio_dsa_followup": "CCIOR",
    "staff_briefing": "SB",
}


Inputs = (
    VoluntaryServicesNotice
    | DataSharingWithdrawal
    | ServiceChangesNotification
    | ReferralLetterTemplate
    | PatientNotice
    | CcioDsaReview
    | CcioFollowUp
    | StaffBriefing
)


# --- what the screens and commands are handed ----------------------------------------------


@dataclass(frozen=True)
class PlannedDocument:
    """One document the plan calls for, with what it is made from and what it lacks."""

    key: str  # stable across generations: the kind and its other party
    kind: str
    title: str
    recipient: str
    file_name: str
    media_type: str
    inputs: Inputs
    gaps: tuple[MissingItem, ...] = ()

    @property
    def is_letter(self) -> bool:
        return self.kind in LETTER_KINDS

    @property
    def is_signed(self) -> bool:
        return self.kind in LETTER_KINDS and self.kind != "referral_letter_template"

    @property
    def is_pdf(self) -> bool:
        return self.media_type == PDF

    @property
    def inputs_digest(self) -> str:
        """What the document prints, apart from its date and reference: a setting no
        document prints (how soon a desk locks) does not make a printed letter out of date."""
        return self._digest(_printed_only(self._undated()))

    @property
    def earlier_digest(self) -> str:
        """The digest as versions before this one made it (with every profile setting), so
        that documents generated then are not all called out of date after an upgrade."""
        return self._digest(self._undated())

    def _undated(self) -> Any:
        inputs: Any = self.inputs
        if hasattr(inputs, "reference"):
            inputs = replace(inputs, reference="", dated=date.min)
        return inputs

    def _digest(self, inputs: Any) -> str:
        return hashlib.sha256(f"{self.kind}|{inputs!r}".encode()).hexdigest()


# Profile settings that are the desks' business and appear on no letter or notice.
NOT_PRINTED = {"idle_lock_minutes": PracticeProfile.__dataclass_fields__["idle_lock_minutes"]}


def _printed_only(value: Any) -> Any:
    """``value`` with every practice profile in it set back to the defaults of NOT_PRINTED."""
    from dataclasses import fields, is_dataclass

    if isinstance(value, PracticeProfile):
        return replace(value, **{name: f.default for name, f in NOT_PRINTED.items()})
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            if not f.init:
                continue
            inner = getattr(value, f.name)
            cleaned = _printed_only(inner)
            if cleaned is not inner:
                changes[f.name] = cleaned
        return replace(value, **changes) if changes else value
    if isinstance(value, tuple):
        cleaned_items = tuple(_printed_only(v) for v in value)
        if any(a is not b for a, b in zip(cleaned_items, value, strict=True)):
            return cleaned_items
    return value


@dataclass(frozen=True)
class CorrespondenceEntry:
    """One generation in the register (the bytes stay in the store: see ``reproduce``)."""

    id: int
    key: str
    kind: str
    title: str
    recipient: str
    reference: str
    dated: date
    file_name: str
    media_type: str
    sha256: str
    size: int
    inputs_digest: str
    signed_by: str
    generated_by: str
    generated_at: datetime
    printed_at: datetime | None
    printed_by: str
    sent_on: date | None
    sent_by: str

    @property
    def state(self) -> str:
        if self.sent_on is not None:
            return f"Sent {uk_date(self.sent_on)}"
        if self.printed_at is not None:
            return "Printed"
        return "Generated"


@dataclass(frozen=True)
class DocumentStatus:
    document: PlannedDocument
    latest: CorrespondenceEntry | None

    @property
    def out_of_date(self) -> bool:
        return self.latest is not None and self.latest.inputs_digest not in (
            self.document.inputs_digest,
            self.document.earlier_digest,
        )

    @property
    def state(self) -> str:
        if self.latest is None:
            return "Not yet generated"
        if self.out_of_date:
            return f"{self.latest.state}; out of date: generate again"
        return self.latest.state


@dataclass(frozen=True)
class LettersOverview:
    has_plan: bool
    documents: tuple[DocumentStatus, ...]
    missing: tuple[MissingItem, ...]
    signer: str  # the partner who would sign now, or ""


@dataclass(frozen=True)
class Preview:
    document: PlannedDocument
    content: bytes
    draft: bool


@dataclass(frozen=True)
class Generated:
    entry: CorrespondenceEntry
    content: bytes
    path: Path | None = None  # where it was written, when generated with ``write_to``


# --- from the plan to the documents' inputs ------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    profile: PracticeProfile | None
    plan: plan_service.VersionView | None
    registers: rules.Registers
    partners: tuple[str, ...]
    actions: dict[str, MenuAction]
    wording: dict[str, tuple[tuple[str, str], ...]]
    ccio_first: tuple[str, date] | None = None  # our first letter to the CCIO: ref, date
    replies_noted: dict[str, date] = field(default_factory=dict)  # action id -> day noted
    publishers: dict[str, str] = field(default_factory=dict)  # menu id -> who published it


# The plan task that records an ICB's reply, for an action whose letters answer one.
REPLY_TASK = "reply"


def _ccio_first(session: Session) -> tuple[str, date] | None:
    """The newest letter to the CCIO in the register: its reference and the day it was
    sent (or, until it is marked sent, dated)."""
    row = session.execute(
        select(CorrespondenceRow.reference, CorrespondenceRow.dated, CorrespondenceRow.sent_on)
        .where(CorrespondenceRow.kind == "ccio_dsa_review")
        .order_by(CorrespondenceRow.id.desc())
        .limit(1)
    ).first()
    return (row.reference, row.sent_on or row.dated) if row is not None else None


def _replies_noted(session: Session) -> dict[str, date]:
    rows = session.execute(
        select(PlanTaskRow.action_id, PlanTaskRow.done_on).where(
            PlanTaskRow.task_key == REPLY_TASK, PlanTaskRow.done_on.is_not(None)
        )
    )
    return {action_id: done_on for action_id, done_on in rows}


def _gather(session: Session) -> _Facts:
    row = session.get(Practice, 1)
    profile = convert.profile_from_row(row) if row is not None else None
    version_row = plan_service._current_row(session)
    version = plan_service._version_view(version_row) if version_row is not None else None
    partners = tuple(
        session.execute(
            select(StaffRow.name)
            .where(StaffRow.role == StaffRole.PARTNER.value, StaffRow.active.is_(True))
            .order_by(StaffRow.name)
        ).scalars()
    )
    actions: dict[str, MenuAction] = {}
    catalogue = plan_service._catalogue(session)
    if version is not None:
        actions = catalogue.lookup(version.menu_id)
    return _Facts(
        profile,
        version,
        plan_service._registers(session),
        partners,
        actions,
        wording_service.overrides(session),
        _ccio_first(session),
        _replies_noted(session),
        {m.id: m.publisher for m in catalogue.menus},
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "document"


def _address_key(address: PostalAddress) -> tuple[str, str, str]:
    return (
        address.name.strip().casefold(),
        " ".join(address.address.split()).casefold(),
        address.postcode.replace(" ", "").upper(),
    )


def _one_line(address: PostalAddress) -> str:
    return ", ".join(line for line in address.lines() if line.strip())


_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]")


def _template_wording(wording: str) -> str:
    """The plan's wording as a printed template: [placeholders] become lines to write on.

    The template prints its own close and signature lines, so the wording's are left off.
    """
    text = _PLACEHOLDER.sub("....................", wording.strip())
    lines = text.splitlines()
    while lines and lines[-1].strip().rstrip(",").casefold() in (
        "yours sincerely",
        "yours faithfully",
        "",
    ):
        lines.pop()
    return "\n".join(lines)


def _purpose_text(purpose: DsaPurpose) -> str:
    if purpose is DsaPurpose.MIXED:
        return "planning, analysis or research, beside some sharing for direct care"
    return "planning, analysis or research"


def _service_change(record: VoluntaryService, name: str, last_day: date) -> PatientChange:
    """A service that ends, as patients know it, and where they go instead."""
    called = record.patient_name or name
    if record.instead:
        instead = record.instead.rstrip(".")
        if record.instead_phone:
            instead += f". Phone {record.instead_phone}"
        then = f"Instead: {instead}."
    else:
        then = "Reception can tell you where to go instead."
    return PatientChange(
        f"{called} will no longer be done at the practice after {uk_date(last_day)}. {then}",
        last_day + timedelta(days=1),
        sms=f"{called} no longer at the practice",
    )


def _cap_change(details: rules.ContactsCapDetails, starts: date) -> PatientChange:
    return PatientChange(
        f"Each doctor and nurse will see at most {details.cap} patients a day. Doctors say "
        "this is the safe limit. When a doctor or nurse is full, reception will help you find "
        "care somewhere else, or book you the next free appointment. If you are very unwell or "
        "getting worse, tell reception. The duty doctor will still help you.",
        starts,
        sms=f"each doctor and nurse will see at most {details.cap} patients a day",
    )


def _adopted_item(
    decision: plan_service.DecisionView,
    action: MenuAction | None,
    publishers: Mapping[str, str],
) -> AdoptedActionItem:
    """The action as its author worded it, quoted with attribution; the practice's own
    actions in its own words."""
    assert decision.effective_date is not None
    notes = []
    if isinstance(decision.details, rules.ContactsCapDetails):
        notes.append(f"Our limit: {decision.details.cap} contacts per clinician a day.")
    if decision.end_date:
        notes.append(f"Until {uk_date(decision.end_date)}.")
    conflict = ""
    if action is not None:
        start = decision.effective_date
        for note in contract_notes_during(action, start, decision.end_date):
            if note.severity is Severity.CONFLICT:
                conflict = " ".join(filter(None, (conflict, dated_text(note, start))))
            else:  # what the contract requires while the action runs
                notes.append(dated_text(note, start))
    wording = " ".join(action.wording.split()) if action is not None else ""
    own = decision.menu_id == CUSTOM_MENU_ID or (action is not None and action.is_custom)
    if own or action is None or not wording or not action.quoted:
        # a menu's action in our words is still the menu's: only the practice's own is "own"
        menu_id = action.menu_id if action is not None else decision.menu_id
        return AdoptedActionItem(
            decision.title,
            decision.effective_date,
            "",
            " ".join(notes),
            conflict,
            in_our_words_from="" if own else publishers.get(menu_id, BMA_PUBLISHER),
        )
    attribution = action.attribution.strip() or BMA_ATTRIBUTION
    return AdoptedActionItem(
        wording, decision.effective_date, attribution, " ".join(notes), conflict
    )


def _plan_documents(facts: _Facts, signer_name: str, today: date) -> list[PlannedDocument]:
    version, profile = facts.plan, facts.profile
    if version is None or profile is None:
        return []
    head = Letterhead(profile)
    signer = Signer(signer_name, "GP partner")
    gaps_all: list[MissingItem] = []
    ods = profile.ods_code.strip() or "PRACTICE"
    icb, lmc = profile.icb, profile.lmc
    out: list[PlannedDocument] = []
    changes: list[PatientChange] = []
    adopted_items: list[AdoptedActionItem] = []
    services_ending: list[ServiceNoticeItem] = []
    agreements_withdrawn: list[WithdrawnAgreement] = []

    for decision in version.adopted:
        details = decision.details
        assert decision.effective_date is not None
        adopted_items.append(
            _adopted_item(decision, facts.actions.get(decision.action_id), facts.publishers)
        )
        if isinstance(details, rules.ContactsCapDetails):
            changes.append(_cap_change(details, decision.effective_date))
        elif isinstance(details, rules.VoluntaryNoticeDetails):
            served = details.served_on or decision.effective_date
            groups: dict[tuple[str, ...], list[tuple[PostalAddress, ServiceNoticeItem]]] = {}
            unknown: list[MissingItem] = []
            for service in details.services:
                record = facts.registers.voluntary_services.get(service.service_id)
                if record is None:
                    unknown.append(
                        MissingItem(
                            f"{service.name}: its commissioner (the service is no longer in "
                            "the register)",
                            f"{completeness.VOLUNTARY} > Add {service.name} again",
                        )
                    )
                    continue
                item = ServiceNoticeItem(
                    service.name,
                    served,
                    service.notice_days,
                    service.last_day,
                    termination_clause=record.termination_clause
                    if record.basis is ServiceBasis.LOCAL_AGREEMENT
                    else "",
                )
                services_ending.append(item)
                group_key = (*_address_key(record.commissioner), record.commissioner_kind.value)
                groups.setdefault(group_key, []).append((record.commissioner, item))
                changes.append(_service_change(record, service.name, service.last_day))
            for group_key, members in groups.items():
                commissioner = members[0][0]
                cc = () if _address_key(commissioner) == _address_key(icb) else (icb,)
                letter = VoluntaryServicesNotice(
                    head,
                    commissioner,
                    f"{ods}/VS",
                    today,
                    signer,
                    tuple(item for _, item in members),
                    cc=cc,
                    recipient_kind=group_key[-1],
                    wording=facts.wording.get("voluntary_services_notice", ()),
                )
                out.append(
                    PlannedDocument(
                        key=f"voluntary_services_notice:{_slug(commissioner.name)}",
                        kind="voluntary_services_notice",
                        title=f"Notice on voluntary services: {commissioner.name}",
                        recipient=_one_line(commissioner),
                        file_name=f"notice-voluntary-services-{_slug(commissioner.name)}.pdf",
                        media_type=PDF,
                        inputs=letter,
                        gaps=tuple(completeness.check_letter(letter)),
                    )
                )
            if unknown:
                gaps_all += unknown
        elif (
            isinstance(details, rules.DsaWithdrawalDetails)
            and (action := facts.actions.get(decision.action_id)) is not None
            and "ccio_dsa_review" in action.letters
        ):
            out.append(_ccio_letter(facts, details, head, signer, ods, today))
            if "ccio_dsa_followup" in action.letters and decision.action_id in facts.replies_noted:
                out.append(
                    _ccio_followup(facts, decision.action_id, out[-1], head, signer, ods, today)
                )
        elif isinstance(details, rules.DsaWithdrawalDetails):
            ends = details.permission_ends or decision.effective_date
            for agreement_id in details.agreement_ids:
                agreement = facts.registers.agreements.get(agreement_id)
                if agreement is None:
                    gaps_all.append(
                        MissingItem(
                            f"Data sharing agreement {agreement_id} (no longer in the register)",
                            f"{completeness.AGREEMENTS}, then {completeness.PLAN} > Run the wizard",
                        )
                    )
                    continue
                if not agreement.can_be_withdrawn:
                    gaps_all.append(
                        MissingItem(
                            f"{agreement.why_kept()} Take it out of the plan",
                            f"{completeness.AGREEMENTS}, then {completeness.PLAN} > Run the wizard",
                        )
                    )
                    continue
                agreements_withdrawn.append(
                    WithdrawnAgreement(agreement.name, agreement.party.name, ends)
                )
                letter_w = DataSharingWithdrawal(
                    head,
                    agreement.party,
                    f"{ods}/DSA",
                    today,
                    signer,
                    agreement=agreement.name,
                    purpose=agreement.purpose_text or _purpose_text(agreement.purpose),
                    permission_ends=ends,
                    copy_to=icb,
                    signed_on=agreement.signed_on,
                    purpose_recorded=bool(agreement.purpose_text),
                    lawful_basis=agreement.lawful_basis,
                    wording=facts.wording.get("data_sharing_withdrawal", ()),
                )
                out.append(
                    PlannedDocument(
                        key=f"data_sharing_withdrawal:{agreement_id}",
                        kind="data_sharing_withdrawal",
                        title=f"Withdrawal of data-sharing permission: {agreement.name}",
                        recipient=_one_line(agreement.party),
                        file_name=f"withdrawal-data-sharing-{_slug(agreement.name)}.pdf",
                        media_type=PDF,
                        inputs=letter_w,
                        gaps=tuple(completeness.check_letter(letter_w)),
                    )
                )
        elif isinstance(details, rules.ReferralDetails):
            template = ReferralLetterTemplate(head, _template_wording(details.letter_wording))
            out.append(
                PlannedDocument(
                    key="referral_letter_template",
                    kind="referral_letter_template",
                    title="Professional referral letter (template)",
                    recipient="Any service the practice refers to",
                    file_name="referral-letter-template.pdf",
                    media_type=PDF,
                    inputs=template,
                    gaps=tuple(completeness.check_referral_template(template)),
                )
            )

    if version.adopted:
        out.append(_staff_briefing(facts, today))
    if adopted_items:
        changes_letter = ServiceChangesNotification(
            head,
            icb,
            f"{ods}/SC",
            today,
            signer,
            tuple(adopted_items),
            lmc,
            services_ending=tuple(services_ending),
            agreements_withdrawn=tuple(agreements_withdrawn),
            wording=facts.wording.get("service_changes_notification", ()),
        )
        out.insert(
            0,
            PlannedDocument(
                key="service_changes_notification",
                kind="service_changes_notification",
                title="Notification of service changes (to the ICB, copy to the LMC)",
                recipient=_one_line(icb) or "The ICB (no address yet)",
                file_name="notification-service-changes.pdf",
                media_type=PDF,
                inputs=changes_letter,
                gaps=tuple(completeness.check_letter(changes_letter)),
            ),
        )
    if changes:
        notice = PatientNotice(
            profile,
            tuple(changes),
            tuple(s for s in facts.registers.local_services.values() if s.active),
        )
        notice_gaps = tuple(completeness.check_notice(notice))
        for kind, (title, file_name, media_type) in _NOTICE_FORMATS.items():
            out.append(
                PlannedDocument(
                    key=f"patient_notice:{kind}",
                    kind=kind,
                    title=title,
                    recipient="Patients",
                    file_name=file_name,
                    media_type=media_type,
                    inputs=notice,
                    gaps=notice_gaps,
                )
            )
    # A register entry gone missing stops the letters of its own kind (the service or the
    # agreement would be left out of them); the notification to the ICB lists every action,
    # so it waits too. Every other document is made.
    return [_with_gaps(d, gaps_all) for d in out]


def _with_gaps(document: PlannedDocument, gaps: list[MissingItem]) -> PlannedDocument:
    concerned = [
        item
        for item in gaps
        if document.kind == "service_changes_notification"
        or (
            document.kind == "voluntary_services_notice"
            and item.where.startswith(completeness.VOLUNTARY)
        )
        or (
            document.kind == "data_sharing_withdrawal"
            and item.where.startswith(completeness.AGREEMENTS)
        )
    ]
    if not concerned:
        return document
    return replace(document, gaps=tuple(dict.fromkeys((*document.gaps, *concerned))))


_REQUIRED_WORDS = {
    Requirement.CONTRACT: "the GP contract requires it, so it continues",
    Requirement.LAW: "the law requires it, so it continues",
}


def _ccio_letter(
    facts: _Facts,
    details: rules.DsaWithdrawalDetails,
    head: Letterhead,
    signer: Signer,
    ods: str,
    today: date,
) -> PlannedDocument:
    """The 2026 round's letter to the ICB's CCIO: every agreement in the register."""
    assert facts.profile is not None
    icb = facts.profile.icb
    lines = tuple(
        AgreementLine(
            a.name,
            a.party.name,
            a.purpose_text or _purpose_text(a.purpose),
            a.signed_on,
            agreement_id in details.agreement_ids and a.can_be_withdrawn,
            lawful_basis=a.lawful_basis,
            dpia={DpiaStatus.EXISTS: "held", DpiaStatus.NONE: "none"}.get(a.dpia, "not known"),
            required=_REQUIRED_WORDS.get(a.required_by, ""),
        )
        for agreement_id, a in facts.registers.agreements.items()
        if a.active
    )
    letter = CcioDsaReview(head, icb, f"{ods}/CCIO", today, signer, lines, details.permission_ends)
    gaps = []
    if not icb.name.strip() or not icb.postcode.strip():
        gaps.append(MissingItem("The ICB's name and address", "Set-up > Practice profile > ICB"))
    if not lines:
        gaps.append(MissingItem("At least one data sharing agreement", completeness.AGREEMENTS))
    if not signer.name.strip():
        gaps.append(MissingItem("A partner to sign", "Staff > Add a person (partner)"))
    return PlannedDocument(
        key="ccio_dsa_review",
        kind="ccio_dsa_review",
        title="Request for a review of data sharing agreements (to the ICB's CCIO)",
        recipient=_one_line(icb) or "The ICB (no address yet)",
        file_name="ccio-data-sharing-review.pdf",
        media_type=PDF,
        inputs=letter,
        gaps=tuple(gaps),
    )


def _ccio_followup(
    facts: _Facts,
    action_id: str,
    first_document: PlannedDocument,  # the first letter: the same agreements, the same ICB
    head: Letterhead,
    signer: Signer,
    ods: str,
    today: date,
) -> PlannedDocument:
    """The answer to the ICB's stock reply, planned once the reply has been noted (the
    action's task, ticked); made once the first letter is in the register, citing both."""
    first = first_document.inputs
    assert isinstance(first, CcioDsaReview) and facts.profile is not None
    gaps = []
    if facts.ccio_first is None:
        gaps.append(
            MissingItem(
                "The first letter to the CCIO, generated (this letter answers the ICB's reply "
                "to it)",
                "Letters > Request for a review of data sharing agreements > Generate",
            )
        )
    noted = facts.replies_noted[action_id]
    reference, dated = facts.ccio_first or ("", today)
    letter = CcioFollowUp(
        head,
        first.recipient,
        f"{ods}/CCIOR",
        today,
        signer,
        first.agreements,
        first.stop_from,
        reference,
        dated,
        noted,
        copy_to=facts.profile.lmc.name.strip(),
    )
    return PlannedDocument(
        key="ccio_dsa_followup",
        kind="ccio_dsa_followup",
        title="Follow-up to the ICB's reply on data sharing agreements (to the ICB's CCIO)",
        recipient=_one_line(first.recipient) or "The ICB (no address yet)",
        file_name="ccio-data-sharing-follow-up.pdf",
        media_type=PDF,
        inputs=letter,
        gaps=tuple(dict.fromkeys((*first_document.gaps, *gaps))),
    )


URGENT_ROUTE = (
    "Nobody who is clinically urgent is turned away or asked to call back another day: "
    "reception passes them to the duty clinician, who deals with them the same day, over the "
    "limit if need be, and the reason is recorded at the counter. In an emergency, 999."
)


def _staff_briefing(facts: _Facts, today: date) -> PlannedDocument:
    """Which actions the practice has adopted and what each means for staff."""
    version, profile = facts.plan, facts.profile
    assert version is not None and profile is not None
    items = []
    cap: int | None = None
    words = ""
    for decision in version.adopted:
        assert decision.effective_date is not None
        action = facts.actions.get(decision.action_id)
        meaning = " ".join(action.explanation.split()) if action else ""
        needs = (
            tuple(
                dated_text(n, decision.effective_date)
                for n in contract_notes_during(action, decision.effective_date, decision.end_date)
            )
            if action
            else ()
        )
        items.append(
            BriefingItem(decision.title, decision.effective_date, decision.end_date, meaning, needs)
        )
        if isinstance(decision.details, rules.ContactsCapDetails):
            cap, words = decision.details.cap, decision.details.reception_words
    briefing = StaffBriefing(
        profile.name, today, version.number, tuple(items), cap, words, URGENT_ROUTE
    )
    return PlannedDocument(
        key="staff_briefing",
        kind="staff_briefing",
        title="Staff briefing: the actions adopted and what they mean for staff",
        recipient="Every clinician and reception",
        file_name="staff-briefing.pdf",
        media_type=PDF,
        inputs=briefing,
    )


def _signer_for(actor: Actor | None, facts: _Facts) -> str:
    if actor is not None and actor.role is StaffRole.PARTNER and actor.name in facts.partners:
        return actor.name
    return facts.partners[0] if facts.partners else ""


def documents_for_plan(ctx: Context, actor: Actor | None = None) -> list[PlannedDocument]:
    """Every document the current plan calls for; each lists what it still lacks."""
    with ctx.store.read() as session:
        facts = _gather(session)
    return _plan_documents(facts, _signer_for(actor, facts), local_today(ctx.clock))


def missing_data(documents: Iterable[PlannedDocument]) -> list[MissingItem]:
    return list(dict.fromkeys(item for d in documents for item in d.gaps))


# --- drawing ------------------------------------------------------------------------------


def render(document: PlannedDocument, *, draft: bool = False, head: str = "") -> bytes:
    """The document's bytes (``draft``: stamped DRAFT; ``head``: the audit trail's head, printed
    short on every page). Refuses with every gap when anything is missing. The desktop app
    draws in a process of its own (documents/apart.py)."""
    completeness.require(list(document.gaps))
    drawing = Drawing(
        document.kind,
        document.inputs,
        pdf=document.is_pdf,
        html=document.media_type == HTML,
        draft=draft,
        head=head,
    )
    return apart.draw_apart(drawing)


def sms_counts(text: str) -> tuple[int, int]:
    """Characters as the network counts them, and how many messages that makes."""
    body = text.rstrip("\n")
    return sms.sms_length(body), sms.sms_parts(body)


def _find(documents: Sequence[PlannedDocument], key: str) -> PlannedDocument:
    found = next((d for d in documents if d.key == key), None)
    if found is None:
        raise NotFound(
            "The plan no longer calls for that document (it may have changed): look at the "
            "Letters list again."
        )
    return found


def preview_draft(ctx: Context, actor: Actor, key: str) -> Preview:
    """A draft to read: stamped DRAFT, not registered, for a practice manager or partner."""
    require(actor, Permission.DRAFT_LETTERS)
    with ctx.store.read() as session:
        facts = _gather(session)
        head = audit.head_hash(session)
    document = _find(_plan_documents(facts, _signer_for(actor, facts), local_today(ctx.clock)), key)
    return Preview(document, render(document, draft=True, head=head), draft=True)


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORD_FILE_NAME = "referral-letter-template.docx"


def referral_template_word(ctx: Context, actor: Actor) -> bytes:
    """The referral letter template as a Word document (.docx) with named merge fields, for
    the practice to load into its clinical system's letter writer. Refuses, saying what is
    missing, when the template lacks details; NotFound when the plan has no referral letter."""
    require(actor, Permission.DRAFT_LETTERS)
    from practice_action.documents import referral_docx  # python-docx: only when asked

    document = _find(documents_for_plan(ctx, actor), "referral_letter_template")
    completeness.require(list(document.gaps))
    assert isinstance(document.inputs, ReferralLetterTemplate)
    return referral_docx.referral_template_docx(document.inputs)


# --- the register -------------------------------------------------------------------------


def _entry(row: CorrespondenceRow, size: int | None = None) -> CorrespondenceEntry:
    """The register's entry for ``row``; ``size`` when the query gave the content's length
    instead of the content itself (lists of entries leave the documents in the database)."""
    return CorrespondenceEntry(
        id=row.id,
        key=row.document_key,
        kind=row.kind,
        title=row.title,
        recipient=row.recipient,
        reference=row.reference,
        dated=row.dated,
        file_name=row.file_name,
        media_type=row.media_type,
        sha256=row.sha256,
        size=len(row.content) if size is None else size,
        inputs_digest=row.inputs_digest,
        signed_by=row.signed_by,
        generated_by=row.generated_by,
        generated_at=row.generated_at,
        printed_at=row.printed_at,
        printed_by=row.printed_by,
        sent_on=row.sent_on,
        sent_by=row.sent_by,
    )


def _reference(session: Session, ods: str, document: PlannedDocument, today: date) -> str:
    code = _REFERENCE_CODES.get(document.kind, "PN")
    prefix = f"{ods}/{code}/{today.year}/"
    count = session.execute(
        select(func.count(CorrespondenceRow.id)).where(
            CorrespondenceRow.reference.like(f"{prefix}%")
        )
    ).scalar_one()
    return f"{prefix}{count + 1:03d}"


def _plain(entry: CorrespondenceEntry) -> dict[str, object]:
    return {
        "reference": entry.reference,
        "title": entry.title,
        "recipient": entry.recipient,
        "sha256": entry.sha256,
        "signed_by": entry.signed_by,
        "printed_at": entry.printed_at.isoformat() if entry.printed_at else None,
        "sent_on": entry.sent_on.isoformat() if entry.sent_on else None,
    }


def generate(
    ctx: Context,
    actor: Actor,
    keys: Iterable[str] | None = None,
    *,
    kinds: Iterable[str] = (),
    signed_by: str | None = None,
    write_to: Path | None = None,
) -> list[Generated]:
    """Generate documents of the plan (all, or those keys or kinds) and register each.

    Letters are signed by the partner generating them; ``signed_by`` names another active
    partner (the command line, run by a computer user, says who signs). Refuses with one
    ``MissingData`` that lists every gap of the documents asked for. With ``write_to``, each
    file is written there before the register entries are committed, so that a document is
    registered only once its file is safely written.
    """
    require(actor, Permission.SIGN_LETTERS)
    wanted_keys = set(keys) if keys is not None else None
    wanted_kinds = set(kinds)
    unknown = wanted_kinds - set(KINDS)
    if unknown:
        raise ValidationError(
            {
                "only": f"No document kind '{sorted(unknown)[0]}'. Kinds: " + ", ".join(KINDS),
            }
        )
    today = local_today(ctx.clock)
    now = ctx.clock().astimezone(UTC)
    with ctx.store.write() as session:
        facts = _gather(session)
        if facts.plan is None:
            raise NotFound(
                "There is no action plan yet, so no letters to make: run the wizard at "
                "Action plan first."
            )
        signer = _signer_for(actor, facts)
        if signed_by is not None:
            wanted = signed_by.strip().casefold()
            matches = [p for p in facts.partners if p.casefold() == wanted] or [
                p for p in facts.partners if wanted and wanted in p.casefold()
            ]
            if len(matches) != 1:
                raise ValidationError(
                    {
                        "signed_by": f"'{signed_by}' is not one active partner. Partners: "
                        + (", ".join(facts.partners) or "none (add one at Staff)")
                        + "."
                    }
                )
            signer = matches[0]
        planned = _plan_documents(facts, signer, today)
        chosen = [
            d
            for d in planned
            if (wanted_keys is None or d.key in wanted_keys)
            and (not wanted_kinds or d.kind in wanted_kinds)
        ]
        if wanted_keys is not None and len(chosen) < len(wanted_keys):
            _find(planned, next(k for k in wanted_keys if k not in {d.key for d in chosen}))
        completeness.require(missing_data(chosen))
        assert facts.profile is not None
        out: list[Generated] = []
        for document in chosen:
            reference = _reference(session, facts.profile.ods_code, document, today)
            inputs: Any = document.inputs
            if hasattr(inputs, "reference"):
                document = replace(document, inputs=replace(inputs, reference=reference))
            # The head as it stands before this document's own entry: that entry's prev_hash.
            content = render(document, head=audit.head_hash(session))
            row = CorrespondenceRow(
                document_key=document.key,
                kind=document.kind,
                title=document.title,
                recipient=document.recipient,
                reference=reference,
                dated=today,
                file_name=document.file_name,
                media_type=document.media_type,
                inputs_digest=document.inputs_digest,
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                signed_by=signer if document.is_signed else "",
                generated_by=actor.label,
                generated_by_staff_id=actor.staff_id,
                generated_at=now,
                printed_by="",
                sent_by="",
            )
            session.add(row)
            session.flush()
            entry = _entry(row)
            audit.append(
                session,
                ctx,
                actor,
                "letter.generated",
                f"Generated {document.title} ({reference})",
                after=_plain(entry),
            )
            out.append(Generated(entry, content))
        if write_to is not None:
            # Inside the transaction: a file that cannot be written leaves no register entry.
            files = write_files(write_to, out)
            out = [replace(g, path=p) for g, p in zip(out, files, strict=True)]
        return out


@dataclass(frozen=True)
class ReadyRun:
    """What ``generate_ready`` made, and each document it left until its details are given."""

    made: tuple[Generated, ...]
    waiting: tuple[PlannedDocument, ...]


def generate_ready(
    ctx: Context, actor: Actor, *, signed_by: str | None = None, write_to: Path | None = None
) -> ReadyRun:
    """Generate every document of the plan that has all it needs; list the others with their
    own gaps. A detail only one document needs never holds back the rest."""
    require(actor, Permission.SIGN_LETTERS)
    planned = documents_for_plan(ctx, actor)
    ready = [d.key for d in planned if not d.gaps]
    waiting = tuple(d for d in planned if d.gaps)
    made = generate(ctx, actor, ready, signed_by=signed_by, write_to=write_to) if ready else []
    return ReadyRun(tuple(made), waiting)


def _entries_without_content() -> Select[tuple[CorrespondenceRow, int]]:
    """Register rows with the length of each document, not the document: a practice five
    years in has hundreds, each tens of kilobytes, which a list has no use for."""
    return select(CorrespondenceRow, func.length(CorrespondenceRow.content)).options(
        defer(CorrespondenceRow.content)
    )


def register(ctx: Context, actor: Actor) -> list[CorrespondenceEntry]:
    """Every generation, the newest first."""
    require(actor, Permission.DRAFT_LETTERS)
    with ctx.store.read() as session:
        rows = session.execute(
            _entries_without_content().order_by(CorrespondenceRow.id.desc())
        ).all()
        return [_entry(row, size) for row, size in rows]


def overview(ctx: Context, actor: Actor) -> LettersOverview:
    """What the Letters screen shows: each planned document with its latest generation."""
    require(actor, Permission.DRAFT_LETTERS)
    with ctx.store.read() as session:
        facts = _gather(session)
        newest = (
            select(func.max(CorrespondenceRow.id))
            .group_by(CorrespondenceRow.document_key)
            .scalar_subquery()
        )
        latest = {
            row.document_key: _entry(row, size)
            for row, size in session.execute(
                _entries_without_content().where(CorrespondenceRow.id.in_(newest))
            ).all()
        }
    signer = _signer_for(actor, facts)
    planned = _plan_documents(facts, signer, local_today(ctx.clock))
    return LettersOverview(
        has_plan=facts.plan is not None,
        documents=tuple(DocumentStatus(d, latest.get(d.key)) for d in planned),
        missing=tuple(missing_data(planned)),
        signer=signer,
    )


class TamperedDocument(PracticeActionError):
    """The stored bytes no longer match the hash taken when the document was generated."""


def reproduce(ctx: Context, actor: Actor, entry_id: int) -> bytes:
    """The document exactly as generated, checked against the hash in the register."""
    require(actor, Permission.DRAFT_LETTERS)
    with ctx.store.read() as session:
        row = session.get(CorrespondenceRow, entry_id)
        if row is None:
            raise NotFound(f"No document number {entry_id} in the correspondence register.")
        content, expected, reference = bytes(row.content), row.sha256, row.reference
    if hashlib.sha256(content).hexdigest() != expected:
        raise TamperedDocument(
            f"The stored copy of {reference} does not match the hash taken when it was made: "
            "the database has been changed outside the app. Restore a backup, or generate "
            "the document again."
        )
    return content


def mark_printed(ctx: Context, actor: Actor, entry_id: int) -> CorrespondenceEntry:
    require(actor, Permission.SIGN_LETTERS)
    with ctx.store.write() as session:
        row = session.get(CorrespondenceRow, entry_id)
        if row is None:
            raise NotFound(f"No document number {entry_id} in the correspondence register.")
        before = _plain(_entry(row))
        row.printed_at = ctx.clock().astimezone(UTC)
        row.printed_by = actor.label
        session.flush()
        entry = _entry(row)
        audit.append(
            session,
            ctx,
            actor,
            "letter.printed",
            f"Printed {row.title} ({row.reference})",
            before=before,
            after=_plain(entry),
        )
        return entry


def mark_sent(ctx: Context, actor: Actor, entry_id: int, sent_on: date) -> CorrespondenceEntry:
    """Record the day a generated document was sent (posted, emailed, put up)."""
    require(actor, Permission.SIGN_LETTERS)
    today = local_today(ctx.clock)
    with ctx.store.write() as session:
        row = session.get(CorrespondenceRow, entry_id)
        if row is None:
            raise NotFound(f"No document number {entry_id} in the correspondence register.")
        if sent_on > today:
            raise ValidationError(
                {"sent_on": "The day sent cannot be in the future: give today or an earlier day."}
            )
        if sent_on < row.dated:
            raise ValidationError(
                {
                    "sent_on": f"{row.reference} is dated {uk_date(row.dated)}; it cannot have "
                    "been sent before that. Give that day or a later one."
                }
            )
        before = _plain(_entry(row))
        row.sent_on = sent_on
        row.sent_by = actor.label
        session.flush()
        entry = _entry(row)
        audit.append(
            session,
            ctx,
            actor,
            "letter.sent",
            f"Sent {row.title} ({row.reference}) on {uk_date(sent_on)}",
            before=before,
            after=_plain(entry),
        )
        return entry


def save_file(path: Path, content: bytes) -> Path:
    """A copy of a document saved where the person chose, written atomically."""
    return write_atomically(path, content)


def write_files(folder: Path, generated: Iterable[Generated]) -> list[Path]:
    """Each generated document to its own file in ``folder``, written atomically. Refuses with
    a message naming the folder when it cannot be made or written, or the disk is full."""
    try:
        return _write_files(folder, generated)
    except OSError as error:
        raise cannot_write(
            folder, error, "The documents", "nothing was written or registered"
        ) from None


def _write_files(folder: Path, generated: Iterable[Generated]) -> list[Path]:
    written: list[Path] = []
    taken: set[str] = set()
    for item in generated:
        name = item.entry.file_name
        stem, dot, ext = name.rpartition(".")
        number = 2
        while name in taken:
            name, number = f"{stem}-{number}{dot}{ext}", number + 1
        taken.add(name)
        written.append(write_atomically(folder / name, item.content))
    return written


__all__ = [
    "KINDS",
    "CorrespondenceEntry",
    "DocumentStatus",
    "Generated",
    "LettersOverview",
    "MissingData",
    "MissingItem",
    "PlannedDocument",
    "Preview",
    "documents_for_plan",
    "generate",
    "generate_ready",
    "mark_printed",
    "mark_sent",
    "missing_data",
    "overview",
    "preview_draft",
    "register",
    "render",
    "reproduce",
    "write_files",
]
