"""The practice's action plan: one decision per action, with the details each action asks for.

Pure rules, no database: the details of each kind as frozen dataclasses, their checks, their
JSON form for the store, the cap rule the counter applies, and what an adopted action sets
off. Checks raise ``ValidationError`` naming every field that is wrong, prefixed by the
action id when a whole plan is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from practice_action.domain.calendar import next_working_day
from practice_action.domain.enums import ContactType, DsaPurpose, LabelledEnum
from practice_action.domain.errors import ValidationError
from practice_action.domain.menu import (
    DetailKind,
    MenuAction,
    Severity,
    contract_notes_during,
    dated_text,
)
from practice_action.domain.records import DataSharingAgreement, LocalService, VoluntaryService
from practice_action.domain.validators import check_optional_text

DEFAULT_CAP = 25
MIN_CAP = 1
MAX_CAP = 60
SESSIONS_PER_DAY = 2

DEFAULT_RECEPTION_WORDS = (
    "The clinician has reached the number of patients they can see safely today. "
    "If you need help today, NHS 111 online or on 111 can help, and a pharmacist can treat "
    "some common conditions through Pharmacy First. I can book you a later appointment now. "
    "If it is urgent, you feel very unwell or you are getting worse, tell me now and the duty "
    "doctor will deal with it today. In an emergency, dial 999."
)

# From 1 April 2026 the GP contract forbids asking patients to call back another day.
NO_CALL_BACK_FROM = date(2026, 4, 1)
# Each clause of reception's words is read on its own: "call NHS 111 or come back tomorrow"
# asks the patient to call 111 (allowed) or to come back another day (not).
_CLAUSES = re.compile(r"[.;:!?,\n]+|\s+(?:or|and|but|if|unless|otherwise)\s+", re.IGNORECASE)
_GET_BACK_TO_US = re.compile(
    r"\b(?:(?:re-?)?call(?:ing)?|ring(?:ing)?|phon(?:e|ing)|telephon(?:e|ing)|tr(?:y|ying)|"
    r"contact(?:ing)?|get(?:ting)?\s+in\s+touch|com(?:e|ing)\s+(?:back|in|again|down)|"
    r"check(?:ing)?\s+back|pop(?:ping)?\s+(?:in|back))\b",
    re.IGNORECASE,
)
# Another service, not the practice again: "call NHS 111", "ring 999", "phone the pharmacy".
_ELSEWHERE = re.compile(
    r"\s+(?:(?:nhs\s+)?111|999|(?:your|a|the)\s+(?:local\s+)?pharmac(?:y|ist))\b",
    re.IGNORECASE,
)
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|weds?|thu(?:rs?)?|fri)"
)
_ANOTHER_DAY = re.compile(
    r"\b(?:tomorrow|tmrw"
    r"|(?:on\s+)?(?:another|a\s+different|a\s+later|the\s+next|the\s+following)"
    r"\s+(?:working\s+)?(?:day|morning|week)"
    rf"|next\s+(?:day|week|month|working\s+day|{_WEEKDAY})"
    r"|(?:later\s+)?this\s+week|later\s+in\s+the\s+week|the\s+day\s+after"
    r"|in\s+(?:a|one|two|three|a\s+few|\d+)\s+(?:days?|weeks?)"
    rf"|{_WEEKDAY}|(?:over|at|after)\s+the\s+weekend"
    r"|in\s+the\s+morning|first\s+thing"
    r"|when\s+(?:we|the\s+(?:phone\s+)?lines|the\s+(?:surgery|practice|phones?))"
    r"\s+(?:re-?)?open)\b",
    re.IGNORECASE,
)
# "ring at 8am" at a full practice means tomorrow morning, unless the words say today.
_AT_A_TIME = re.compile(
    r"\bat\s+\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?|o'?\s*clock)?(?!\w)", re.IGNORECASE
)
_TO_YOU = re.compile(r"\s+you\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|this\s+(?:afternoon|evening)|later\s+on)\b", re.IGNORECASE)


def asks_to_call_back(words: str) -> str | None:
    """The phrase in reception's words that asks a patient to call back another day, if any.

    Each clause is read on its own; one that asks the patient to call, ring, try or come back
    with a day after today (tomorrow, Tuesday, in the morning, first thing, at 8am) is named.
    Calling NHS 111, 999 or a pharmacy is another service, not a call back."""
    for clause in _CLAUSES.split(" ".join(words.split())):
        for verb in _GET_BACK_TO_US.finditer(clause):
            if _ELSEWHERE.match(clause, verb.end()):
                continue
            rest = clause[verb.end() :]
            when = _ANOTHER_DAY.search(rest)
            if when is None and not _TODAY.search(rest) and not _TO_YOU.match(rest):
                when = _AT_A_TIME.search(rest)  # "we will ring you at 3pm" is ours to do
            if when is not None:
                return clause[verb.start() : verb.end() + when.end()].strip()
    return None


DEFAULT_AG_POLICY = (
    "We refer patients for specialist care when it is clinically appropriate to do so. We "
    "do not use the e-Referral Advice & Guidance pathway as a step before referral, and we "
    "do not accept work passed back to us through it. A clinician may still use it where it "
    "is quick and clinically helpful for that patient."
)

DEFAULT_REFERRAL_WORDING = (
    "Dear colleague,\n\n"
    "I would be grateful if you would see [patient] for a specialist opinion on [problem].\n\n"
    "History: [history]\nExamination and results: [findings]\n"
    "Current medication and allergies: [medication]\n\n"
    "I am referring because, in my clinical judgement, specialist assessment is needed. "
    "This letter takes the place of the local referral form, which is not a contractual "
    "requirement; everything clinically relevant is included above.\n\n"
    "Yours sincerely,"
)

DEFAULT_FREEZE_POLICY = (
    "While the action lasts we will not sign any new data sharing agreement or join any new "
    "local data sharing platform. Requests are passed to the practice manager, declined in "
    "writing and recorded."
)


class Choice(LabelledEnum):
    ADOPT = ("adopt", "Adopt")
    NOT_NOW = ("not_now", "Not now")
    UNDECIDED = ("undecided", "Undecided")


# --- the details each kind asks for ------------------------------------------------------


@dataclass(frozen=True)
class ContactsCapDetails:
    cap: int = DEFAULT_CAP
    counted_types: frozenset[ContactType] = frozenset(ContactType)
    pro_rata: bool = False
    divert_to: tuple[int, ...] = ()
    reception_words: str = DEFAULT_RECEPTION_WORDS

    def to_json(self) -> dict[str, Any]:
        return {
            "cap": self.cap,
            "counted_types": sorted(t.value for t in self.counted_types),
            "pro_rata": self.pro_rata,
            "divert_to": list(self.divert_to),
            "reception_words": self.reception_words,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContactsCapDetails:
        return cls(
            cap=int(data.get("cap", DEFAULT_CAP)),
            counted_types=frozenset(ContactType(t) for t in data.get("counted_types", [])),
            pro_rata=bool(data.get("pro_rata", False)),
            divert_to=tuple(int(i) for i in data.get("divert_to", [])),
            reception_words=str(data.get("reception_words", "")),
        )


@dataclass(frozen=True)
class AdviceGuidanceDetails:
    policy: str = DEFAULT_AG_POLICY
    exceptions: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "exceptions": self.exceptions}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AdviceGuidanceDetails:
        return cls(str(data.get("policy", "")), str(data.get("exceptions", "")))


@dataclass(frozen=True)
class NoticeService:
    """One voluntary service given notice: its name and period copied in as they were."""

    service_id: int
    name: str
    notice_days: int
    last_day: date


@dataclass(frozen=True)
class VoluntaryNoticeDetails:
    served_on: date | None = None
    services: tuple[NoticeService, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "served_on": self.served_on.isoformat() if self.served_on else None,
            "services": [
                {
                    "service_id": s.service_id,
                    "name": s.name,
                    "notice_days": s.notice_days,
                    "last_day": s.last_day.isoformat(),
                }
                for s in self.services
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VoluntaryNoticeDetails:
        served = data.get("served_on")
        return cls(
            served_on=date.fromisoformat(served) if served else None,
            services=tuple(
                NoticeService(
                    int(s["service_id"]),
                    str(s["name"]),
                    int(s["notice_days"]),
                    date.fromisoformat(s["last_day"]),
                )
                for s in data.get("services", [])
            ),
        )


def last_day_of_service(served_on: date, notice_days: int) -> date:
    """The last day the service is provided: the day the notice period runs out."""
    return served_on + timedelta(days=notice_days)


def notice_on(served_on: date, services: Iterable[VoluntaryService]) -> VoluntaryNoticeDetails:
    """Notice served on ``served_on`` for each service, with last days from their periods."""
    return VoluntaryNoticeDetails(
        served_on,
        tuple(
            NoticeService(
                s.id or 0, s.name, s.notice_days, last_day_of_service(served_on, s.notice_days)
            )
            for s in services
        ),
    )


@dataclass(frozen=True)
class ReferralDetails:
    letter_wording: str = DEFAULT_REFERRAL_WORDING

    def to_json(self) -> dict[str, Any]:
        return {"letter_wording": self.letter_wording}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReferralDetails:
        return cls(str(data.get("letter_wording", "")))


def is_flagged(agreement: DataSharingAgreement) -> bool:
    """Agreements that serve direct care (wholly or partly) are not withdrawn by default."""
    return agreement.purpose is not DsaPurpose.SECONDARY


def default_withdrawals(agreements: Iterable[DataSharingAgreement]) -> tuple[int, ...]:
    return tuple(
        a.id
        for a in agreements
        if a.id is not None and a.active and not is_flagged(a) and a.can_be_withdrawn
    )


@dataclass(frozen=True)
class DsaWithdrawalDetails:
    agreement_ids: tuple[int, ...] = ()
    permission_ends: date | None = None
    include_flagged: bool = False  # the practice has confirmed withdrawing a direct-care one

    def to_json(self) -> dict[str, Any]:
        return {
            "agreement_ids": list(self.agreement_ids),
            "permission_ends": self.permission_ends.isoformat() if self.permission_ends else None,
            "include_flagged": self.include_flagged,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DsaWithdrawalDetails:
        ends = data.get("permission_ends")
        return cls(
            tuple(int(i) for i in data.get("agreement_ids", [])),
            date.fromisoformat(ends) if ends else None,
            bool(data.get("include_flagged", False)),
        )


@dataclass(frozen=True)
class DsaFreezeDetails:
    policy: str = DEFAULT_FREEZE_POLICY

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DsaFreezeDetails:
        return cls(str(data.get("policy", "")))


@dataclass(frozen=True)
class ChecklistDetails:
    """The tasks come from the menu; the practice may add a note on how it will do them."""

    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"note": self.note}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChecklistDetails:
        return cls(str(data.get("note", "")))


@dataclass(frozen=True)
class NoDetails:
    def to_json(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NoDetails:
        return cls()


Details = (
    ContactsCapDetails
    | AdviceGuidanceDetails
    | VoluntaryNoticeDetails
    | ReferralDetails
    | DsaWithdrawalDetails
    | DsaFreezeDetails
    | ChecklistDetails
    | NoDetails
)

DETAIL_TYPES: dict[DetailKind, type[Any]] = {
    DetailKind.CONTACTS_CAP: ContactsCapDetails,
    DetailKind.ADVICE_GUIDANCE: AdviceGuidanceDetails,
    DetailKind.VOLUNTARY_NOTICE: VoluntaryNoticeDetails,
    DetailKind.REFERRALS: ReferralDetails,
    DetailKind.DSA_WITHDRAWAL: DsaWithdrawalDetails,
    DetailKind.DSA_FREEZE: DsaFreezeDetails,
    DetailKind.CHECKLIST: ChecklistDetails,
    DetailKind.NONE: NoDetails,
}


def default_details(kind: DetailKind) -> Details:
    return DETAIL_TYPES[kind]()  # type: ignore[no-any-return]


def details_to_json(details: Details) -> dict[str, Any]:
    return details.to_json()


def details_from_json(kind: DetailKind, data: Mapping[str, Any] | None) -> Details:
    return DETAIL_TYPES[kind].from_json(data or {})  # type: ignore[no-any-return]


# --- a decision and its checks ------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    action_id: str
    choice: Choice = Choice.UNDECIDED
    effective_date: date | None = None
    end_date: date | None = None
    details: Details | None = None
    confirm_past: bool = False  # the practice confirms the action started before today


@dataclass(frozen=True)
class Registers:
    """The practice's registers as the checks need them (ids to records)."""

    local_services: Mapping[int, LocalService] = field(default_factory=dict)
    voluntary_services: Mapping[int, VoluntaryService] = field(default_factory=dict)
    agreements: Mapping[int, DataSharingAgreement] = field(default_factory=dict)


def default_effective_date(today: date) -> date:
    return next_working_day(today)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_cap_details(d: ContactsCapDetails, registers: Registers | None) -> ContactsCapDetails:
    problems: dict[str, str] = {}
    if isinstance(d.cap, bool) or not isinstance(d.cap, int) or not MIN_CAP <= d.cap <= MAX_CAP:
        problems["cap"] = (
            f"The daily limit must be a whole number from {MIN_CAP} to {MAX_CAP}; {d.cap} is "
            f"outside that. The BMA's safe maximum is {DEFAULT_CAP}."
        )
    if not d.counted_types:
        problems["counted_types"] = (
            "Tick at least one contact type to count (all count by default)."
        )
    words = ""
    try:
        words = check_optional_text(d.reception_words, "Reception's words", 2000)
    except ValueError as error:
        problems["reception_words"] = str(error)
    if not words and "reception_words" not in problems:
        problems["reception_words"] = (
            "Write what reception says when a clinician is full, or keep the suggested words."
        )
    if registers is not None:
        unknown = [i for i in d.divert_to if i not in registers.local_services]
        if unknown:
            problems["divert_to"] = (
                "A divert service chosen is no longer in the local services register: "
                "untick it or add it again."
            )
    if problems:
        raise ValidationError(problems)
    return replace(d, reception_words=words, divert_to=tuple(dict.fromkeys(d.divert_to)))


def check_notice_details(
    d: VoluntaryNoticeDetails, registers: Registers | None
) -> VoluntaryNoticeDetails:
    problems: dict[str, str] = {}
    if d.served_on is None:
        problems["served_on"] = "Give the date notice is served on the commissioners."
    if not d.services:
        problems["services"] = (
            "Choose at least one voluntary service to serve notice on, or set this action to "
            "'Not now'."
        )
    for service in d.services:
        if d.served_on is not None and service.last_day < d.served_on:
            problems["last_day"] = (
                f"The last day of {service.name} ({_long(service.last_day)}) is before the date "
                f"notice is served ({_long(d.served_on)}): set it on or after that date."
            )
            break
        if registers is not None and service.service_id not in registers.voluntary_services:
            problems["services"] = (
                f"{service.name} is no longer in the voluntary services register: untick it "
                "or add it again."
            )
            break
    if problems:
        raise ValidationError(problems)
    return d


def check_withdrawal_details(
    d: DsaWithdrawalDetails, effective: date | None, registers: Registers | None
) -> DsaWithdrawalDetails:
    problems: dict[str, str] = {}
    if not d.agreement_ids:
        problems["agreements"] = (
            "Choose at least one data sharing agreement to withdraw from, or set this action "
            "to 'Not now'."
        )
    if d.permission_ends is None:
        problems["permission_ends"] = "Give the date permission ends."
    elif effective is not None and d.permission_ends < effective:
        problems["permission_ends"] = (
            f"Permission cannot end ({_long(d.permission_ends)}) before the action starts "
            f"({_long(effective)}): choose a later date."
        )
    if registers is not None:
        missing = [i for i in d.agreement_ids if i not in registers.agreements]
        flagged = [
            registers.agreements[i].name
            for i in d.agreement_ids
            if i in registers.agreements and is_flagged(registers.agreements[i])
        ]
        required = [
            registers.agreements[i].why_kept()
            for i in d.agreement_ids
            if i in registers.agreements and not registers.agreements[i].can_be_withdrawn
        ]
        if missing:
            problems["agreements"] = (
                "An agreement chosen is no longer in the register: untick it or add it again."
            )
        elif required:
            problems["agreements"] = " ".join(required) + " Untick it."
        elif flagged and not d.include_flagged:
            problems["agreements"] = (
                f"{', '.join(flagged)} serves direct care (in whole or part). Untick it, or "
                "confirm that the practice means to withdraw from it too."
            )
    if problems:
        raise ValidationError(problems)
    return d


def _check_text_field(value: str, key: str, what: str, required: bool) -> str:
    try:
        text = check_optional_text(value, what)
    except ValueError as error:
        raise ValidationError({key: str(error)}) from None
    if required and not text:
        raise ValidationError({key: f"{what} is empty: write it, or keep the suggested words."})
    return text


def check_details(
    kind: DetailKind,
    details: Details,
    effective: date | None,
    registers: Registers | None = None,
) -> Details:
    expected = DETAIL_TYPES[kind]
    if not isinstance(details, expected):
        raise ValidationError({"details": f"This action asks for {kind.value} details."})
    if isinstance(details, ContactsCapDetails):
        return check_cap_details(details, registers)
    if isinstance(details, VoluntaryNoticeDetails):
        return check_notice_details(details, registers)
    if isinstance(details, DsaWithdrawalDetails):
        return check_withdrawal_details(details, effective, registers)
    if isinstance(details, AdviceGuidanceDetails):
        policy = _check_text_field(details.policy, "policy", "The Advice & Guidance policy", True)
        exceptions = _check_text_field(details.exceptions, "exceptions", "The exceptions", False)
        return AdviceGuidanceDetails(policy, exceptions)
    if isinstance(details, ReferralDetails):
        return ReferralDetails(
            _check_text_field(
                details.letter_wording, "letter_wording", "The referral letter wording", True
            )
        )
    if isinstance(details, DsaFreezeDetails):
        return DsaFreezeDetails(
            _check_text_field(details.policy, "policy", "The freeze policy", True)
        )
    if isinstance(details, ChecklistDetails):
        return ChecklistDetails(_check_text_field(details.note, "note", "The note", False))
    return details


def check_decision(
    action: MenuAction,
    decision: Decision,
    today: date,
    registers: Registers | None = None,
) -> Decision:
    """A decision tidied and checked; an adopted action needs its dates and its details."""
    if decision.choice is not Choice.ADOPT:
        details = decision.details or default_details(action.detail)
        return replace(decision, details=details)
    problems: dict[str, str] = {}
    effective = decision.effective_date or default_effective_date(today)
    if effective < today and not decision.confirm_past:
        problems["effective_date"] = (
            f"The start date {_long(effective)} is in the past. If the practice really started "
            "then, confirm it; otherwise choose today or a later date."
        )
    if decision.end_date is not None and decision.end_date < effective:
        problems["end_date"] = (
            f"The end date {_long(decision.end_date)} is before the start date "
            f"{_long(effective)}: choose a later end date or clear it."
        )
    details: Details = decision.details or default_details(action.detail)
    try:
        details = check_details(action.detail, details, effective, registers)
    except ValidationError as error:
        problems.update(error.problems)
    if isinstance(details, ContactsCapDetails) and (
        decision.end_date is None or decision.end_date >= NO_CALL_BACK_FROM
    ):
        phrase = asks_to_call_back(details.reception_words)
        if phrase and "reception_words" not in problems:
            problems["reception_words"] = (
                f"Reception's words ask the patient to call back another day (\u201c{phrase}\u201d). "
                "From 1 April 2026 the GP contract forbids that: offer to book a later "
                "appointment or another service instead, and say that anyone clinically "
                "urgent is dealt with the same day."
            )
    if problems:
        raise ValidationError(problems)
    return replace(decision, effective_date=effective, details=details)


def check_plan(
    actions: Mapping[str, MenuAction],
    decisions: Iterable[Decision],
    today: date,
    registers: Registers | None = None,
) -> tuple[Decision, ...]:
    """Every decision checked; problems gathered as ``action-id.field`` across the plan."""
    problems: dict[str, str] = {}
    clean: list[Decision] = []
    seen: set[str] = set()
    for decision in decisions:
        action = actions.get(decision.action_id)
        if action is None:
            problems[f"{decision.action_id}.action"] = (
                f"No action '{decision.action_id}' in the menus or the practice's own actions."
            )
            continue
        if decision.action_id in seen:
            problems[f"{decision.action_id}.action"] = "This action is decided twice."
            continue
        seen.add(decision.action_id)
        try:
            clean.append(check_decision(action, decision, today, registers))
        except ValidationError as error:
            for key, message in error.problems.items():
                problems[f"{decision.action_id}.{key}"] = message
    if problems:
        raise ValidationError(problems)
    return tuple(clean)


# --- the rule the counter applies -------------------------------------------------------


@dataclass(frozen=True)
class CapRule:
    """The contacts cap in force on a day, as the counter needs it."""

    cap: int
    counted_types: frozenset[ContactType]
    pro_rata: bool
    divert_to: tuple[int, ...]
    reception_words: str
    effective_from: date

    def cap_for(self, sessions_today: int) -> int:
        """A clinician's cap today; pro rata by sessions (two make a full day) when chosen."""
        if not self.pro_rata:
            return self.cap
        share = round(self.cap * max(0, sessions_today) / SESSIONS_PER_DAY)
        return max(1, min(self.cap, share))

    def counts(self, contact_type: ContactType) -> bool:
        return contact_type in self.counted_types

    @classmethod
    def from_details(cls, details: ContactsCapDetails, effective_from: date) -> CapRule:
        return cls(
            cap=details.cap,
            counted_types=frozenset(details.counted_types),
            pro_rata=details.pro_rata,
            divert_to=tuple(details.divert_to),
            reception_words=details.reception_words,
            effective_from=effective_from,
        )


# --- what a decision sets off ------------------------------------------------------------


def consequences(
    action: MenuAction, decision: Decision, registers: Registers | None = None
) -> list[str]:
    """Plain sentences: the letters, notices, counter rules and tasks an adoption sets off."""
    if decision.choice is not Choice.ADOPT:
        return []
    start = decision.effective_date
    out: list[str] = []
    details = decision.details
    if isinstance(details, ContactsCapDetails):
        types = (
            "all contact types"
            if details.counted_types == frozenset(ContactType)
            else ", ".join(t.label.lower() for t in ContactType if t in details.counted_types)
        )
        rule = f"Counter: at most {details.cap} contacts per clinician a day ({types})"
        if details.pro_rata:
            rule += ", pro rata for clinicians working one session"
        out.append(rule + (f", from {_long(start)}." if start else "."))
        if registers is not None and details.divert_to:
            names = [
                registers.local_services[i].name
                for i in details.divert_to
                if i in registers.local_services
            ]
            out.append("Reception diverts patients to: " + ", ".join(names) + ".")
        out.append("Patient notice (poster, leaflet, website and text message).")
        out.append("Letter to the ICB, copied to the LMC, giving the start date.")
    elif isinstance(details, VoluntaryNoticeDetails):
        for service in details.services:
            out.append(f"Notice letter for {service.name}: last day {_long(service.last_day)}.")
    elif isinstance(details, DsaWithdrawalDetails):
        count = len(details.agreement_ids)
        ends = f" ending {_long(details.permission_ends)}" if details.permission_ends else ""
        out.append(
            f"Withdrawal letter{'s' if count != 1 else ''} to {count} "
            f"agreement{'s' if count != 1 else ''}{ends}, copied to the ICB."
        )
    elif isinstance(details, ReferralDetails):
        out.append("Professional referral letter template.")
    elif isinstance(details, DsaFreezeDetails):
        out.append("Log of data sharing requests declined.")
    elif isinstance(details, AdviceGuidanceDetails):
        out.append("Advice & Guidance policy for the clinicians.")
    out.extend(f"Task: {task.text}." for task in action.tasks)
    return out


def conflict_warnings(action: MenuAction, decision: Decision) -> list[str]:
    """What the contract requires, and where the action conflicts, on the chosen dates: at
    the start, or arising while it runs (each dated from when it applies)."""
    if decision.choice is not Choice.ADOPT or decision.effective_date is None:
        return []
    start = decision.effective_date
    notes = contract_notes_during(action, start, decision.end_date)
    notes.sort(key=lambda n: (n.severity is not Severity.CONFLICT, n.valid_from or start))
    return [dated_text(n, start) for n in notes]
