"""Shared by the letters tests: the demo practice, its people, and text out of a PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader

from practice_action.documents.model import PatientChange, PatientNotice
from practice_action.services import demo, staff
from practice_action.services.context import Actor, Context


def make_demo(ctx: Context) -> dict[str, Actor]:
    """The demo practice in ``ctx``; its staff by name, as actors."""
    demo.create_demo(ctx)
    return {
        m.name: Actor(m.name, m.role, m.id) for m in staff.list_staff(ctx, include_retired=True)
    }


def save_as(offered: str, target: Path) -> Callable[[object], int]:
    """Answers a save dialog: checks the file name it offers, then saves at ``target``."""
    from PySide6.QtWidgets import QDialog, QFileDialog

    def answer(dialog: object) -> int:
        assert isinstance(dialog, QFileDialog)
        assert dialog.selectedFiles()[0].endswith(offered)
        dialog.selectFile(str(target))
        return QDialog.DialogCode.Accepted

    return answer


def pdf_text(content: bytes) -> str:
    """Every page's text, whitespace run together, so wrapped lines read as one."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def with_many_changes(notice: PatientNotice, count: int) -> PatientNotice:
    """``notice`` with ``count`` more changes, a day apart from 1 October 2026."""
    extra = tuple(
        PatientChange(
            f"Service number {n} will stop at the practice. Ask your pharmacy or call 111 "
            "for help with it.",
            date(2026, 10, 1) + timedelta(days=n),
        )
        for n in range(count)
    )
    return replace(notice, changes=notice.changes + extra)
