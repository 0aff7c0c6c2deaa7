"""The fields NHS England's national patient-safety event recording asks of a reporter.

The safety log keeps, beside what happened in words, the category of the event, where it
happened, when (the day, and the time if known) and the level of harm, so that a practice can
transcribe an entry into the national service without rewriting it. The harm levels use the
national service's wording for physical harm; the categories are the practice's own first
sorting of what the event was about and are chosen so that an LMC can add them up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from practice_action.domain.enums import LabelledEnum

if TYPE_CHECKING:
    from practice_action.domain.reports import SafetyEntry


class HarmLevel(LabelledEnum):
    NOT_RECORDED = ("not_recorded", "Not recorded yet")
    NONE = ("no_harm", "No harm")
    LOW = ("low", "Low physical harm")
    MODERATE = ("moderate", "Moderate physical harm")
    SEVERE = ("severe", "Severe physical harm")
    FATAL = ("fatal", "Fatal")


class SafetyCategory(LabelledEnum):
    ACCESS_DELAY = ("access_delay", "Delay in getting care")
    DIVERSION = ("diversion", "Diverted or signposted elsewhere")
    URGENT_OVERRIDE = ("urgent_override", "Urgent case over the cap")
    COMMUNICATION = ("communication", "Communication or information")
    MEDICATION = ("medication", "Medication")
    REFERRAL = ("referral", "Referral or test")
    OTHER = ("other", "Other")


class SafetyPlace(LabelledEnum):
    NOT_RECORDED = ("not_recorded", "Not recorded")
    RECEPTION = ("reception", "At reception, in person")
    TELEPHONE = ("telephone", "By telephone")
    ONLINE = ("online", "Online request")
    CONSULTATION = ("consultation", "During a consultation")
    HOME_VISIT = ("home_visit", "On a home visit")
    ELSEWHERE = ("elsewhere", "Another service (after a diversion)")


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def check_time(text: str) -> str:
    """'' (not known) or a time of day written HH:MM (24-hour); raises ValueError otherwise."""
    clean = (text or "").strip()
    if not clean:
        return ""
    if len(clean) == 4 and clean[1] == ":":
        clean = "0" + clean
    if not _TIME.match(clean):
        raise ValueError(
            f"'{text}' is not a time of day: write it as HH:MM on the 24-hour clock, e.g. 14:05, "
            "or leave it empty if not known."
        )
    return clean


def national_text(entry: SafetyEntry, practice_name: str, ods_code: str) -> str:
    """One entry laid out in the order the national recording form asks, to copy into it.

    It carries what the practice's log holds and nothing more: no staff names and no patient
    details beyond what the words already say (and the log asks them not to).
    """
    when = f"{entry.day:%A} {entry.day.day} {entry.day:%B %Y}"
    when += f", {entry.time_of_day}" if entry.time_of_day else " (time not recorded)"
    what_kind = (
        "Patient safety incident: a near miss (it could have caused harm but did not)"
        if entry.kind.value == "near_miss"
        else "Patient safety incident"
    )

    def block(title: str, text: str) -> list[str]:
        body = text.strip() or "(none recorded)"
        return [f"{title}:", *(f"    {line}" for line in body.splitlines()), ""]

    lines = [
        "Patient safety event: for NHS England's national recording",
        "",
        f"Organisation: {practice_name} (ODS code {ods_code}), general practice",
        f"Practice safety log entry: {entry.id}",
        f"What is being recorded: {what_kind}",
        f"When it happened: {when}",
        f"Where it happened: {entry.place.label}",
        f"Category (the practice's own): {entry.category.label}",
        f"Level of physical harm: {entry.harm.label}",
        "",
        *block("What happened (in words, without identifiers)", entry.what_happened),
        *block("What was done about it", entry.action_taken),
        "Before copying: check that the words above name no patient and hold no NHS number, "
        "date of birth or address.",
    ]
    return "\n".join(lines) + "\n"


__all__ = ["HarmLevel", "SafetyCategory", "SafetyPlace", "check_time", "national_text"]
