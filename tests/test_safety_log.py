"""The safety log: open to every role, refuses an empty description, corrections audited."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from counter_helpers import add_clinician
from report_helpers import at
from sqlalchemy import select

from practice_action.domain.calendar import local_today
from practice_action.domain.enums import DivertDestination
from practice_action.domain.errors import PermissionDenied, ValidationError
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.services import counter, safety
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry

DAY = date(2026, 3, 10)


def _audit(ctx: Context, kind: str) -> list[AuditEntry]:
    with ctx.store.read() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.kind == kind)).scalars()
        return list(rows)


def test_a_receptionist_may_record_a_concern(ctx: Context, receptionist: Actor) -> None:
    at(ctx, DAY, 11, 30)
    saved = safety.record(
        ctx,
        receptionist,
        SafetyEntry(
            None,
            DAY,
            ConcernKind.CONCERN,
            "  Caller with chest pain waited on hold  ",
            "Told to call 999; duty doctor informed",
        ),
    )
    assert saved.id is not None
    assert saved.what_happened == "Caller with chest pain waited on hold"
    assert saved.recorded_by == receptionist.label
    assert saved.edited_at is None
    entries = _audit(ctx, "safety.record")
    assert len(entries) == 1 and entries[0].actor == receptionist.label


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_description_is_refused(ctx: Context, receptionist: Actor, text: str) -> None:
    at(ctx, DAY, 11, 30)
    with pytest.raises(ValidationError) as caught:
        safety.record(ctx, receptionist, SafetyEntry(None, DAY, ConcernKind.NEAR_MISS, text))
    assert "what happened" in caught.value.problems["what_happened"].lower()
    assert _audit(ctx, "safety.record") == []


def test_a_future_date_and_unknown_links_are_refused(ctx: Context, manager: Actor) -> None:
    at(ctx, DAY, 11, 30)
    with pytest.raises(ValidationError) as caught:
        safety.record(
            ctx,
            manager,
            SafetyEntry(
                None,
                DAY + timedelta(days=1),
                ConcernKind.CONCERN,
                "Something",
                clinician_id=999,
                diversion_id=999,
            ),
        )
    assert set(caught.value.problems) == {"day", "clinician_id", "diversion_id"}


def test_an_edit_is_audited_with_before_and_after(
    ctx: Context, manager: Actor, receptionist: Actor
) -> None:
    at(ctx, DAY, 9, 0)
    cid = add_clinician(ctx, manager, "Dr Amy Ash")
    diversion = counter.record_diversion(
        ctx, receptionist, DivertDestination.NHS_111, clinician_id=cid
    )
    saved = safety.record(ctx, receptionist, SafetyEntry(None, DAY, ConcernKind.NEAR_MISS, "First"))
    at(ctx, DAY, 10, 0)
    linked = [d for d, _ in safety.diversions_on(ctx, receptionist, DAY)]
    assert linked == [diversion]
    changed = safety.edit(
        ctx,
        receptionist,
        SafetyEntry(
            saved.id,
            DAY,
            ConcernKind.CONCERN,
            "Second",
            "Reviewed",
            clinician_id=cid,
            diversion_id=diversion,
        ),
    )
    assert changed.edited_by == receptionist.label
    assert changed.edited_at is not None
    assert changed.clinician_name == "Dr Amy Ash"
    assert "NHS 111 from Dr Amy Ash" in changed.diversion_text
    (entry,) = _audit(ctx, "safety.edit")
    assert json.loads(entry.before)["what_happened"] == "First"
    after = json.loads(entry.after)
    assert (after["what_happened"], after["kind"], after["diversion"]) == (
        "Second",
        "concern",
        diversion,
    )
    assert safety.get(ctx, manager, saved.id).what_happened == "Second"  # type: ignore[arg-type]


def test_an_unchanged_edit_writes_nothing(ctx: Context, manager: Actor) -> None:
    at(ctx, DAY, 9, 0)
    saved = safety.record(ctx, manager, SafetyEntry(None, DAY, ConcernKind.CONCERN, "Same"))
    again = safety.edit(ctx, manager, saved)
    assert again.edited_at is None
    assert _audit(ctx, "safety.edit") == []


def test_reception_may_correct_only_its_own_entries(
    ctx: Context, manager: Actor, receptionist: Actor
) -> None:
    at(ctx, DAY, 9, 0)
    theirs = safety.record(ctx, manager, SafetyEntry(None, DAY, ConcernKind.CONCERN, "Theirs"))
    with pytest.raises(PermissionDenied):
        safety.edit(ctx, receptionist, SafetyEntry(theirs.id, DAY, ConcernKind.CONCERN, "Mine"))


def test_list_by_period(ctx: Context, manager: Actor, receptionist: Actor) -> None:
    at(ctx, DAY, 9, 0)
    for offset, text in ((0, "today"), (1, "yesterday"), (40, "long ago")):
        safety.record(
            ctx,
            manager,
            SafetyEntry(None, DAY - timedelta(days=offset), ConcernKind.CONCERN, text),
        )
    found = safety.list_period(ctx, manager, DAY - timedelta(days=7), local_today(ctx.clock))
    assert [e.what_happened for e in found] == ["yesterday", "today"]
    with pytest.raises(PermissionDenied):
        safety.list_period(ctx, receptionist, DAY, DAY)
