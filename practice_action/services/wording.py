"""The practice's own wording of its letters: read by anyone who drafts letters, changed by a
partner (the person who signs them), each change audited with the words before and after.

A paragraph holds the practice's words only while they differ from the shipped ones: saving
the shipped words, or going back to them, removes the practice's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from practice_action.domain import wording
from practice_action.domain.errors import ValidationError
from practice_action.services import audit
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.models import LetterWordingRow


@dataclass(frozen=True)
class ParagraphView:
    kind: str
    key: str
    used_when: str
    shipped: str
    text: str  # what the letter prints now: the practice's words or the shipped ones
    fields: tuple[str, ...]
    changed_by: str = ""  # empty while the shipped words are used
    changed_at: datetime | None = None

    @property
    def is_own(self) -> bool:
        return bool(self.changed_by)


@dataclass(frozen=True)
class LetterWordingView:
    kind: str
    title: str
    paragraphs: tuple[ParagraphView, ...]


def overrides(session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
    """The practice's paragraphs by letter kind, for the documents (no permission: internal)."""
    out: dict[str, list[tuple[str, str]]] = {}
    rows = session.execute(
        select(LetterWordingRow).order_by(LetterWordingRow.letter_kind, LetterWordingRow.paragraph)
    ).scalars()
    for row in rows:
        if row.letter_kind in wording.BY_KIND:
            out.setdefault(row.letter_kind, []).append((row.paragraph, row.text))
    return {kind: tuple(items) for kind, items in out.items()}


def letter_wordings(ctx: Context, actor: Actor) -> list[LetterWordingView]:
    """Every kind of letter that can be reworded, each paragraph as it prints now."""
    require(actor, Permission.DRAFT_LETTERS)
    with ctx.store.read() as session:
        rows = {
            (r.letter_kind, r.paragraph): r
            for r in session.execute(select(LetterWordingRow)).scalars()
        }
        return [
            LetterWordingView(
                letter.kind,
                letter.title,
                tuple(
                    _view(letter.kind, p, rows.get((letter.kind, p.key))) for p in letter.paragraphs
                ),
            )
            for letter in wording.LETTERS
        ]


def _view(
    kind: str, paragraph: wording.ParagraphWording, row: LetterWordingRow | None
) -> ParagraphView:
    return ParagraphView(
        kind,
        paragraph.key,
        paragraph.used_when,
        paragraph.shipped,
        row.text if row is not None else paragraph.shipped,
        paragraph.fields,
        row.changed_by if row is not None else "",
        row.changed_at if row is not None else None,
    )


def change_paragraph(ctx: Context, actor: Actor, kind: str, key: str, text: str) -> ParagraphView:
    """Put one paragraph in the practice's words; refused, with why, if a field is wrong."""
    require(actor, Permission.SIGN_LETTERS)
    paragraph = wording.find(kind, key)
    clean = wording.check(kind, key, text)
    with ctx.store.write() as session:
        row = _row(session, kind, key)
        before = row.text if row is not None else paragraph.shipped
        if clean == before:
            return _view(kind, paragraph, row)
        if clean == " ".join(paragraph.shipped.split()):
            return _back(session, ctx, actor, kind, paragraph, row)
        if row is None:
            row = LetterWordingRow(letter_kind=kind, paragraph=key)
            session.add(row)
        row.text = clean
        row.changed_by = actor.label
        row.changed_at = ctx.clock().astimezone(UTC)
        session.flush()
        audit.append(
            session,
            ctx,
            actor,
            "letter_wording.change",
            f"Changed the wording of the {_title(kind)}: paragraph '{key}'",
            before={"kind": kind, "paragraph": key, "text": before},
            after={"kind": kind, "paragraph": key, "text": clean},
        )
        return _view(kind, paragraph, row)


def back_to_shipped(ctx: Context, actor: Actor, kind: str, key: str) -> ParagraphView:
    """One step back to the shipped words of a paragraph."""
    require(actor, Permission.SIGN_LETTERS)
    paragraph = wording.find(kind, key)
    with ctx.store.write() as session:
        return _back(session, ctx, actor, kind, paragraph, _row(session, kind, key))


def _back(
    session: Session,
    ctx: Context,
    actor: Actor,
    kind: str,
    paragraph: wording.ParagraphWording,
    row: LetterWordingRow | None,
) -> ParagraphView:
    if row is None:
        return _view(kind, paragraph, None)
    before = row.text
    session.execute(
        delete(LetterWordingRow).where(
            LetterWordingRow.letter_kind == kind, LetterWordingRow.paragraph == paragraph.key
        )
    )
    audit.append(
        session,
        ctx,
        actor,
        "letter_wording.restore",
        f"Put back the shipped wording of the {_title(kind)}: paragraph '{paragraph.key}'",
        before={"kind": kind, "paragraph": paragraph.key, "text": before},
        after={"kind": kind, "paragraph": paragraph.key, "text": paragraph.shipped},
    )
    return _view(kind, paragraph, None)


def _row(session: Session, kind: str, key: str) -> LetterWordingRow | None:
    return session.execute(
        select(LetterWordingRow).where(
            LetterWordingRow.letter_kind == kind, LetterWordingRow.paragraph == key
        )
    ).scalar_one_or_none()


def _title(kind: str) -> str:
    letter = wording.BY_KIND.get(kind)
    if letter is None:
        raise ValidationError({"kind": f"There is no letter kind '{kind}' to reword."})
    return letter.title.lower()
