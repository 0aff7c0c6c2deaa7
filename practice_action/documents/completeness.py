"""Never a hole in a letter: find every missing detail before anything is drawn.

Each ``check_*`` returns the list of what is missing, with where in the app to fill it
in; ``require`` turns a non-empty list into one ``MissingData`` error that names them all,
so the practice fixes everything in one pass rather than one refusal at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from practice_action.documents.model import (
    DataSharingWithdrawal,
    DocumentPack,
    Letterhead,
    PatientNotice,
    ReferralLetterTemplate,
    ServiceChangesNotification,
    Signer,
    VoluntaryServicesNotice,
)
from practice_action.domain.enums import ServiceKind
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.records import PostalAddress, PracticeProfile

PROFILE = "Set-up > Practice profile"
VOLUNTARY = "Set-up > Voluntary services"
AGREEMENTS = "Set-up > Data sharing agreements"
LOCAL_SERVICES = "Set-up > Local services"
PLAN = "Action plan"
SIGNER = "Staff (add a partner, or bring a retired one back)"


@dataclass(frozen=True)
class MissingItem:
    what: str
    where: str

    def __str__(self) -> str:
        return f"{self.what}: fill it in at {self.where}"


class MissingData(PracticeActionError):
    """A document needs details that have not been given. ``items`` lists every one."""

    def __init__(self, items: list[MissingItem]) -> None:
        unique = list(dict.fromkeys(items))
        self.items = unique
        lines = "\n".join(f"- {item}" for item in unique)
        count = len(unique)
        super().__init__(
            f"The document was not made because {count} "
            f"{'detail is' if count == 1 else 'details are'} missing:\n{lines}"
        )


def require(items: list[MissingItem]) -> None:
    if items:
        raise MissingData(items)


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _address(address: PostalAddress, what: str, where: str) -> list[MissingItem]:
    found = []
    if _blank(address.name):
        found.append(MissingItem(f"{what} name", f"{where} name"))
    if _blank(address.address):
        found.append(MissingItem(f"{what} address", f"{where} address"))
    if _blank(address.postcode):
        found.append(MissingItem(f"{what} postcode", f"{where} postcode"))
    return found


def check_practice(practice: PracticeProfile) -> list[MissingItem]:
    fields = [
        ("Practice name", practice.name, "Practice name"),
        ("Practice address", practice.address, "Address"),
        ("Practice postcode", practice.postcode, "Postcode"),
        ("Practice ODS code", practice.ods_code, "ODS code"),
        ("Practice phone number", practice.phone, "Phone"),
        ("Practice email address", practice.email, "Email"),
    ]
    return [
        MissingItem(what, f"{PROFILE} > {field}") for what, value, field in fields if _blank(value)
    ]


def _letterhead(head: Letterhead) -> list[MissingItem]:
    return check_practice(head.practice)


def _signer(signer: Signer) -> list[MissingItem]:
    found = []
    if _blank(signer.name):
        found.append(MissingItem("A partner to sign the letter", SIGNER))
    if _blank(signer.role):
        found.append(MissingItem("The signing partner's role", SIGNER))
    return found


def _reference(reference: str) -> list[MissingItem]:
    return [MissingItem("Our reference", "Letters > Our ref")] if _blank(reference) else []


def check_letter(
    letter: VoluntaryServicesNotice | DataSharingWithdrawal | ServiceChangesNotification,
) -> list[MissingItem]:
    found = _letterhead(letter.letterhead) + _signer(letter.signer) + _reference(letter.reference)
    if isinstance(letter, VoluntaryServicesNotice):
        names = ", ".join(s.name for s in letter.services if s.name.strip()) or "each service"
        found += _address(letter.recipient, "Commissioner", f"{VOLUNTARY} > {names} > Commissioner")
        if not letter.services:
            found.append(MissingItem("At least one voluntary service to give notice on", VOLUNTARY))
        for number, item in enumerate(letter.services, start=1):
            label = item.name.strip() or f"Service {number}"
            if _blank(item.name):
                found.append(MissingItem(f"{label}: its name", f"{VOLUNTARY} > Name"))
            if item.notice_days < 0:
                found.append(
                    MissingItem(
                        f"{label}: its notice period", f"{VOLUNTARY} > {label} > Notice period"
                    )
                )
            if item.last_day < item.served_on:
                found.append(
                    MissingItem(
                        f"{label}: a last day on or after the day notice is served",
                        f"{PLAN} > Notice on voluntary services > Notice served",
                    )
                )
        for address in letter.cc:
            found += _address(address, "Copy recipient", f"{PROFILE} > ICB address")
    elif isinstance(letter, DataSharingWithdrawal):
        where = f"{AGREEMENTS} > {letter.agreement.strip() or 'the agreement'}"
        found += _address(
            letter.recipient, "Other party to the agreement", f"{where} > Other party"
        )
        if _blank(letter.agreement):
            found.append(MissingItem("The agreement's name", f"{AGREEMENTS} > Name"))
        if _blank(letter.purpose):
            found.append(MissingItem("The agreement's secondary purpose", f"{where} > Purpose"))
        found += _address(letter.copy_to, "ICB", f"{PROFILE} > ICB")
    else:
        found += _address(letter.recipient, "ICB", f"{PROFILE} > ICB")
        found += _address(letter.copy_to, "LMC", f"{PROFILE} > LMC")
        if not letter.actions:
            found.append(MissingItem("At least one adopted action", f"{PLAN} > Adopt an action"))
        for number, action in enumerate(letter.actions, start=1):
            if _blank(action.title):
                found.append(MissingItem(f"Action {number}: its title", f"{PLAN} > Actions"))
    return found


def check_referral_template(template: ReferralLetterTemplate) -> list[MissingItem]:
    found = _letterhead(template.letterhead)
    if _blank(template.wording):
        found.append(MissingItem("The referral letter's wording", f"{PLAN} > Referral letter"))
    return found


def check_notice(notice: PatientNotice) -> list[MissingItem]:
    practice = notice.practice
    found = [
        MissingItem(what, f"{PROFILE} > {field}")
        for what, value, field in [
            ("Practice name", practice.name, "Practice name"),
            ("Practice phone number", practice.phone, "Phone"),
        ]
        if _blank(value)
    ]
    if not notice.changes:
        found.append(
            MissingItem("At least one change patients will notice", f"{PLAN} > Adopt an action")
        )
    for number, change in enumerate(notice.changes, start=1):
        if _blank(change.what):
            found.append(
                MissingItem(
                    f"Change {number}: what patients will notice", f"{PLAN} > Patient notice"
                )
            )
    local = [
        s
        for s in notice.local_services
        if s.kind not in (ServiceKind.NHS_111, ServiceKind.PHARMACY_FIRST)
    ]
    if not local:
        found.append(
            MissingItem(
                "A local service for patients (an urgent treatment centre, walk-in centre or "
                "minor injuries unit)",
                LOCAL_SERVICES,
            )
        )
    for service in local:
        label = service.name.strip() or service.kind.label
        where = f"{LOCAL_SERVICES} > {label}"
        if service.kind is ServiceKind.CRISIS_LINE:
            if _blank(service.phone):
                found.append(MissingItem(f"{label}: its phone number", f"{where} > Phone"))
            continue
        if _blank(service.address):
            found.append(MissingItem(f"{label}: its address", f"{where} > Address"))
        if _blank(service.hours):
            found.append(MissingItem(f"{label}: its opening hours", f"{where} > Hours"))
    return found


def check_pack(pack: DocumentPack) -> list[MissingItem]:
    found: list[MissingItem] = []
    for letter in (*pack.service_notices, *pack.withdrawals):
        found += check_letter(letter)
    if pack.service_changes is not None:
        found += check_letter(pack.service_changes)
    if pack.referral_template is not None:
        found += check_referral_template(pack.referral_template)
    if pack.notice is not None:
        found += check_notice(pack.notice)
    return list(dict.fromkeys(found))


class UnprintableText(PracticeActionError):
    """Text holds characters the bundled font cannot draw; ``found`` maps each text to them."""

    def __init__(self, found: dict[str, str]) -> None:
        self.found = found
        lines = "\n".join(f"- “{text}”: {chars}" for text, chars in found.items())
        super().__init__(
            "The document was not made because some details hold characters its font cannot "
            f"print (they would come out as empty boxes):\n{lines}\n"
            "Change them where they were typed (Set-up or the action plan), for instance by "
            "writing the name in Latin letters."
        )

    def __reduce__(self) -> tuple[type[UnprintableText], tuple[dict[str, str]]]:
        """Made again from ``found`` (the drawing process sends it back to the desk)."""
        return (type(self), (self.found,))
