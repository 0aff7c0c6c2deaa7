"""Evidence files: a practice exports its figures for its LMC; an LMC or PCN combines them.

``prepare`` reads the figures for a period into an ``EvidenceFile`` (nothing written), so the
screen can show the practice exactly what the file will hold; ``save`` writes that very file
and audits it. ``combine_files`` reads any number of files, refusing any that is damaged,
newer or overlapping, and needs no practice set up: it never opens a database.

Which days and clinicians the file covers (docs/evidence-format.md says so too): a day is in
the file when the counter recorded anything on it (a contact, even one later undone, or a
diversion); on such a day, every clinician on duty is in the file, whether by their usual
pattern, added for the day, or because a contact was recorded for them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from practice_action import __version__
from practice_action.documents.files import put_in_place, write_beside
from practice_action.domain import evidence as ev
from practice_action.domain.calendar import day_text, local_today
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.domain.errors import NotFound, PracticeActionError, ValidationError
from practice_action.domain.evidence_combine import Combined, Combiner, Totals
from practice_action.domain.evidence_rows import CounterCell, clinician_days
from practice_action.domain.menu import CUSTOM_MENU_ID
from practice_action.domain.plan import Choice
from practice_action.domain.safety_event import HarmLevel, SafetyCategory
from practice_action.domain.words import plural
from practice_action.services import audit, convert, plan
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.services.reports import check_period, grouped_contacts
from practice_action.store.counter_models import ClinicianDay, Diversion, ExtraDuty
from practice_action.store.models import AuditHead, ClinicianRow, Practice
from practice_action.store.safety_models import SafetyConcern


def prepare(
    ctx: Context, actor: Actor, start: date, end: date, *, key: bytes | None = None
) -> ev.EvidenceFile:
    """The evidence file for the local days ``start`` to ``end`` (both included), unsaved.

    ``key`` makes the pseudonyms; by default a fresh random one, used here and forgotten.
    """
    require(actor, Permission.VIEW_REPORTS)
    check_whole_days(end, local_today(ctx.clock))
    check_period(start, end)
    with ctx.store.read() as session:
        practice = session.get(Practice, 1)
        if practice is None:
            raise NotFound("The practice has not been set up yet: set it up first.")
        evidence = _gather(session, start, end, key or ev.new_key())
        return ev.EvidenceFile(
            start=start,
            end=end,
            ods_code=practice.ods_code,
            practice_name=practice.name,
            list_size=practice.list_size,
            made_at=ctx.clock().astimezone(UTC).replace(microsecond=0),
            made_with=f"Practice Action {__version__}",
            **evidence,  # type: ignore[arg-type]
        )


def check_whole_days(end: date, today: date) -> None:
    """An evidence file holds whole days: its period must end yesterday at the latest, since
    figures for a day not yet over would be added up by the LMC as if the day were done."""
    yesterday = today - timedelta(days=1)
    if end == today:
        reason = f"The period ends today ({day_text(end)}), and the day is not over yet"
    elif end > today:
        reason = f"The period ends on {day_text(end)}, and that day has not come"
    else:
        return
    raise ValidationError(
        {
            "period": f"{reason}: an evidence file holds whole days only. End the period "
            f"on {day_text(yesterday, weekday=True)} at the latest."
        }
    )


def _gather(session: Session, start: date, end: date, key: bytes) -> dict[str, object]:
    clinicians = {
        row.id: convert.clinician_from_row(row)
        for row in session.execute(select(ClinicianRow)).scalars()
    }
    cells: dict[tuple[date, int], CounterCell] = defaultdict(CounterCell)
    days_used: set[date] = set()
    for day, cid, ctype, n_live, n_urgent, n_counted, _ in grouped_contacts(session, start, end):
        days_used.add(day)
        cell = cells[(day, cid)]
        if n_live:
            cell.by_type[ContactType(ctype)] = int(n_live)
        cell.urgent += int(n_urgent or 0)
        cell.counted += int(n_counted or 0)
    for day, cid, n, cap in session.execute(
        select(
            ClinicianDay.day, ClinicianDay.clinician_id, ClinicianDay.counted, ClinicianDay.cap
        ).where(ClinicianDay.day >= start, ClinicianDay.day <= end)
    ):
        cells[(day, cid)].guarded = n
        cells[(day, cid)].stored_cap = cap
    extra = {
        (day, cid): n
        for day, cid, n in session.execute(
            select(ExtraDuty.day, ExtraDuty.clinician_id, ExtraDuty.sessions).where(
                ExtraDuty.day >= start, ExtraDuty.day <= end
            )
        )
    }
    diverted: dict[tuple[date, DivertDestination], int] = defaultdict(int)
    for day, destination, n in session.execute(
        select(Diversion.day, Diversion.destination, func.count())
        .where(Diversion.day >= start, Diversion.day <= end)
        .group_by(Diversion.day, Diversion.destination)
    ):
        days_used.add(day)
        diverted[(day, DivertDestination(destination))] += int(n)

    rules = {day: plan.contacts_cap_in(session, day) for day in days_used}
    rows = clinician_days(days_used, clinicians, extra, cells, rules, key)

    safety = tuple(
        ev.SafetyEvidence(day, SafetyCategory(category), HarmLevel(harm))
        for day, category, harm in session.execute(
            select(SafetyConcern.day, SafetyConcern.category, SafetyConcern.harm)
            .where(SafetyConcern.day >= start, SafetyConcern.day <= end)
            .order_by(SafetyConcern.day, SafetyConcern.category, SafetyConcern.harm)
        )
    )
    head = session.get(AuditHead, 1)
    return {
        "clinician_days": rows,
        "diversions": tuple(
            ev.DiversionEvidence(day, dest, n) for (day, dest), n in sorted(diverted.items())
        ),
        "safety": safety,
        "actions": _actions(session),
        "audit_seq": head.seq if head else 0,
        "audit_head": head.hash if head else audit.head_hash(session),
    }


def _actions(session: Session) -> tuple[ev.ActionEvidence, ...]:
    """The current plan's adopted actions with their dates; the practice's own actions under
    a neutral title, since their titles are the practice's own words."""
    version = plan.current_version_in(session)
    if version is None:
        return ()
    out = []
    own = 0
    for decision in version.decisions:
        if decision.choice is not Choice.ADOPT or decision.effective_date is None:
            continue
        if decision.menu_id == CUSTOM_MENU_ID:
            own += 1
            action, title = f"own-{own}", f"The practice's own action {own}"
        else:
            action, title = decision.action_id, decision.title
        out.append(ev.ActionEvidence(action, title, decision.effective_date, decision.end_date))
    return tuple(sorted(out, key=lambda a: (a.start, a.action)))


def save(
    ctx: Context, actor: Actor, evidence: ev.EvidenceFile, path: str | os.PathLike[str]
) -> Path:
    """Write the prepared file and audit the export, so that a failure loses nothing.

    The file is written to a temporary name beside ``path`` first; the audit entry is then
    committed; only then is the temporary file renamed over ``path``. If the audit cannot be
    written (the database busy or out of reach), the temporary file is removed and whatever
    was at ``path`` before is left exactly as it was.
    """
    require(actor, Permission.VIEW_REPORTS)
    data = ev.to_bytes(evidence)
    target = Path(path)
    temporary = write_beside(target, data)
    try:
        with ctx.store.write() as session:
            audit.append(
                session,
                ctx,
                actor,
                "evidence.export",
                f"Exported evidence for {evidence.start.isoformat()} to "
                f"{evidence.end.isoformat()} ({plural(len(evidence.clinician_days), 'clinician-day')}) "
                f"to {target.name}",
                after={
                    "from": evidence.start.isoformat(),
                    "to": evidence.end.isoformat(),
                    "file": str(target),
                    "checksum": ev.file_checksum(evidence),
                    "audit_seq": evidence.audit_seq,
                },
            )
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return put_in_place(temporary, target)


def export(
    ctx: Context, actor: Actor, start: date, end: date, path: str | os.PathLike[str]
) -> ev.EvidenceFile:
    """``prepare`` and ``save`` in one step, for the command line."""
    evidence = prepare(ctx, actor, start, end)
    save(ctx, actor, evidence, path)
    return evidence


# --- combining (no database) -----------------------------------------------------------------


class CombineRefused(PracticeActionError):
    """One or more files refused; nothing was combined."""

    def __init__(self, problems: Iterable[ev.EvidenceRefused]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "Nothing was combined. "
            + ("This file was" if len(self.problems) == 1 else "These files were")
            + " refused:\n"
            + "\n".join(f"  - {p}" for p in self.problems),
        )


def combine_files(paths: Sequence[str | os.PathLike[str]]) -> Combined:
    """Read, check and combine evidence files; refuses (naming each file) what is not whole.

    Each file is read, folded into the sums and let go before the next, so that an LMC's
    hundreds of files need little memory. Every file is checked even after one is refused, so
    that the message lists them all; nothing is combined unless all are sound.
    """
    if not paths:
        raise CombineRefused([ev.EvidenceRefused("(no files)", "choose at least one file")])
    combiner = Combiner()
    refused: list[ev.EvidenceRefused] = []
    for path in paths:
        name = Path(path).name
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            refused.append(ev.EvidenceRefused(name, f"cannot be read ({error.strerror or error})"))
            continue
        try:
            f, sums = ev.read_sums(data, name)
        except ev.EvidenceRefused as problem:
            refused.append(problem)
            continue
        if not refused:
            combiner.add(name, f, sums)
    if refused:
        raise CombineRefused(refused)
    try:
        return combiner.finish()
    except ev.EvidenceRefused as problem:
        raise CombineRefused([problem]) from None


def _rate(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def combined_lines(result: Combined) -> list[str]:
    """The headline figures, overall then per practice, for the terminal and the screen."""
    t = result.overall
    share = "–" if t.share_at_cap is None else f"{t.share_at_cap:.1%}"
    lines = [
        f"All practices: {t.contacts:,} contacts, {_rate(t.contacts_per_1000_per_day)} per 1,000 "
        "patients per working day;",
        f"  {t.at_cap:,} of {t.clinician_days:,} clinician-days at the cap ({share}); "
        f"{plural(t.urgent, 'urgent override', thousands=True)};",
        f"  {t.diverted:,} patients diverted ({_rate(t.diverted_per_1000)} per 1,000); "
        f"{plural(len(t.safety), 'safety concern')}.",
        "",
        f"{'ODS':<7} {'Practice':<30} {'List':>7} {'Per 1,000/day':>13} {'At cap':>7} "
        f"{'Diverted/1,000':>14} {'Urgent':>6} {'Safety':>6}",
    ]
    for p in result.practices:
        pt = p.totals
        at_cap = "–" if pt.share_at_cap is None else f"{pt.share_at_cap:.0%}"
        lines.append(
            f"{p.ods_code:<7} {p.name[:30]:<30} {p.list_size:>7,} "
            f"{_rate(pt.contacts_per_1000_per_day):>13} {at_cap:>7} "
            f"{_rate(pt.diverted_per_1000):>14} {pt.urgent:>6,} {len(pt.safety):>6,}"
        )
    return lines


def combined_csv(result: Combined) -> str:
    """One row per practice, one for all of them, then one per week (see CSV_COLUMNS)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])

    def cell(text: str) -> str:
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    def line(
        scope: str, ods: str, name: str, week: str, t: Totals, actions: str = ""
    ) -> list[object]:
        return [
            scope,
            cell(ods),
            cell(name),
            week,
            t.list_size,
            t.rate_days,
            t.contacts,
            fmt(t.contacts_per_1000_per_day),
            t.clinician_days,
            t.at_cap,
            fmt(None if t.share_at_cap is None else t.share_at_cap * 100),
            t.urgent,
            t.diverted,
            fmt(t.diverted_per_1000),
            *(t.diverted_to.get(d, 0) for d in DivertDestination),
            len(t.safety),
            *(sum(1 for s in t.safety if s.category is c) for c in SafetyCategory),
            actions,
        ]

    for p in result.practices:
        adopted = "; ".join(
            f"{a.action} from {a.start.isoformat()}" + (f" to {a.end.isoformat()}" if a.end else "")
            for a in p.actions
        )
        writer.writerow(line("practice", p.ods_code, p.name, "", p.totals, cell(adopted)))
    writer.writerow(
        line("all", "", "All " + plural(result.overall.practices, "practice"), "", result.overall)
    )
    for w in result.weeks:
        writer.writerow(line("week", "", "", w.monday.isoformat(), w.totals))
    return buffer.getvalue()


CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("scope", "'practice' (one practice), 'all' (every practice combined) or 'week'"),
    ("ods_code", "the practice's ODS code (practice rows)"),
    ("practice", "the practice's name (practice rows)"),
    ("week_starting", "the Monday of the week (week rows), YYYY-MM-DD"),
    (
        "list_size",
        "registered patients (in 'all' and week rows summed over the practices, each once)",
    ),
    ("working_days_in_use", "practice-days: working days on which the counter recorded a contact"),
    ("contacts", "contacts recorded and not undone, on every day in the files"),
    ("contacts_per_1000_per_working_day", "contacts on working days in use, per 1,000 patients"),
    ("clinician_days", "clinician-days in the files"),
    ("clinician_days_at_cap", "clinician-days on which the capped count reached the cap"),
    ("share_at_cap_percent", "clinician_days_at_cap as a percentage of clinician_days"),
    ("urgent_overrides", "urgent cases taken over the cap"),
    ("diverted", "patients diverted"),
    ("diverted_per_1000", "patients diverted per 1,000 registered patients over the period"),
    *((f"diverted_{d.value}", f"patients diverted to '{d.label}'") for d in DivertDestination),
    ("safety_entries", "safety log entries"),
    *((f"safety_{c.value}", f"safety log entries of category '{c.label}'") for c in SafetyCategory),
    (
        "actions_adopted",
        "practice rows: each action adopted, 'ACTION from DATE[ to DATE]', by '; '",
    ),
)

__all__ = [
    "CSV_COLUMNS",
    "CombineRefused",
    "check_whole_days",
    "combine_files",
    "combined_csv",
    "combined_lines",
    "export",
    "prepare",
    "save",
]
