"""What the documents need, as plain frozen dataclasses.

A later step maps the practice's plan onto these; the documents themselves know nothing
about the database. Dates are local (England) calendar days. Every string here is the
practice's own text and is printed exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from practice_action.domain.records import LocalService, PostalAddress, PracticeProfile

BMA_PUBLISHER = "BMA GP Committee England"
BMA_ATTRIBUTION = f"{BMA_PUBLISHER}, collective action, July 2024"


@dataclass(frozen=True)
class Letterhead:
    """The practice's details at the top of every letter, with an optional logo (PNG/JPEG)."""

    practice: PracticeProfile
    logo: bytes | None = None


@dataclass(frozen=True)
class Signer:
    """The partner who signs: name, role as it should read under the name, optional image."""

    name: str
    role: str = "GP partner"
    signature: bytes | None = None


@dataclass(frozen=True)
class ServiceNoticeItem:
    """One voluntary service the practice gives notice on."""

    name: str
    served_on: date
    notice_days: int
    last_day: date
    termination_clause: str = ""  # set when a local agreement's own terms apply


@dataclass(frozen=True)
class VoluntaryServicesNotice:
    """Notice on voluntary services: one letter per commissioner."""

    letterhead: Letterhead
    recipient: PostalAddress
    reference: str
    dated: date
    signer: Signer
    services: tuple[ServiceNoticeItem, ...]
    cc: tuple[PostalAddress, ...] = ()
    salutation: str = "Dear colleagues"
    recipient_kind: str = "commissioner"  # "commissioner" (an ICB or other) or "trust"
    wording: tuple[tuple[str, str], ...] = ()  # the practice's own paragraphs, by key

    kind = "voluntary_services_notice"
    title = "Notice on voluntary services"


@dataclass(frozen=True)
class DataSharingWithdrawal:
    """Withdrawal of data-sharing permission: one letter per other party, copied to the ICB."""

    letterhead: Letterhead
    recipient: PostalAddress
    reference: str
    dated: date
    signer: Signer
    agreement: str
    purpose: str  # the secondary purpose, in the practice's words
    permission_ends: date
    copy_to: PostalAddress
    signed_on: date | None = None
    salutation: str = "Dear colleagues"
    purpose_recorded: bool = True  # False: ``purpose`` is our general description, hedged
    lawful_basis: str = ""
    wording: tuple[tuple[str, str], ...] = ()

    kind = "data_sharing_withdrawal"
    title = "Withdrawal of data-sharing permission"


@dataclass(frozen=True)
class AdoptedActionItem:
    """An action the practice has adopted, with the day it takes effect."""

    title: str
    effective_from: date
    attribution: str = BMA_ATTRIBUTION  # who is quoted; empty when the words are not quoted
    note: str = ""
    contract_conflict: str = ""  # what the contract requires, when the action conflicts with it
    # whose action it is when a menu's action is given in our words (not quoted); empty with
    # no attribution only for an action the practice added itself
    in_our_words_from: str = ""


@dataclass(frozen=True)
class WithdrawnAgreement:
    """A data sharing agreement whose permission the practice withdraws, for the ICB's list."""

    name: str
    party: str
    permission_ends: date


@dataclass(frozen=True)
class ServiceChangesNotification:
    """Notification of service changes: to the ICB, copied to the LMC."""

    letterhead: Letterhead
    recipient: PostalAddress
    reference: str
    dated: date
    signer: Signer
    actions: tuple[AdoptedActionItem, ...]
    copy_to: PostalAddress
    salutation: str = "Dear colleagues"
    services_ending: tuple[ServiceNoticeItem, ...] = ()
    agreements_withdrawn: tuple[WithdrawnAgreement, ...] = ()
    wording: tuple[tuple[str, str], ...] = ()

    kind = "service_changes_notification"
    title = "Notification of service changes"


DEFAULT_REFERRAL_SPACES = (
    "Patient's name",
    "Date of birth",
    "NHS number",
    "Patient's address",
    "Referred to (service and clinician)",
    "Urgency",
)


@dataclass(frozen=True)
class ReferralLetterTemplate:
    """The practice's professional referral letter, printed as a template to complete."""

    letterhead: Letterhead
    wording: str  # the plan's wording; blank lines separate paragraphs
    spaces: tuple[str, ...] = DEFAULT_REFERRAL_SPACES

    kind = "referral_letter_template"
    title = "Professional referral letter (template)"


Letter = VoluntaryServicesNotice | DataSharingWithdrawal | ServiceChangesNotification


@dataclass(frozen=True)
class PatientChange:
    """A change patients will notice, in plain words, and the day it starts.

    ``sms`` is a short form for text messages ("we will see at most 25 patients per
    clinician a day"); without it the first sentence of ``what`` is used.
    """

    what: str
    starts: date
    sms: str = ""


@dataclass(frozen=True)
class PatientNotice:
    """What a poster, leaflet, web page and text message tell patients."""

    practice: PracticeProfile
    changes: tuple[PatientChange, ...]
    local_services: tuple[LocalService, ...] = ()
    logo: bytes | None = None
    headline: str = "Changes at your GP practice"


@dataclass(frozen=True)
class DocumentPack:
    """Every document of a plan, for generating in one go."""

    service_notices: tuple[VoluntaryServicesNotice, ...] = ()
    withdrawals: tuple[DataSharingWithdrawal, ...] = ()
    service_changes: ServiceChangesNotification | None = None
    referral_template: ReferralLetterTemplate | None = None
    notice: PatientNotice | None = None
