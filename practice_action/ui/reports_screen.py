"""Reports: what the action did, for a period the partner picks.

Choosing a period from the list shows the summary at once ("how many patients did we divert
last month, and where to?" is: Reports, then Last month). Charts show contacts per day against
the cap and where patients were sent (painted by practice_action.ui.charts, no chart library);
tables below give every figure, sortable.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practice_action.documents.files import refuse_practice_files
from practice_action.domain.calendar import day_text, local_today
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.reports import (
    RATE_BASIS,
    ClinicianFigures,
    Period,
    Report,
    SafetyEntry,
)
from practice_action.domain.words import plural
from practice_action.services import reports
from practice_action.services.context import Actor, Context
from practice_action.ui.charts import Bar, ContactsPerDayChart, DayValues, DestinationsChart
from practice_action.ui.modal import run_modal
from practice_action.ui.safety_dialog import open_safety_dialog
from practice_action.ui.sections import Section, section
from practice_action.ui.tables import RIGHT, Column, FilteredTable


def _n(attr: str, header: str, tip: str = "") -> Column:
    return Column(
        header,
        lambda r, a=attr: getattr(r, a),
        sort_key=lambda r, a=attr: getattr(r, a),
        align=RIGHT,
        tooltip=(lambda _r, t=tip: t) if tip else None,
    )


CLINICIAN_COLUMNS = [
    Column("Clinician", lambda r: r.clinician),
    _n("days_worked", "Days worked"),
    _n("contacts", "Contacts", "Recorded and not undone"),
    _n("counted", "Counted", "Counted against the cap"),
    _n("not_counted", "Not counted", "Of a type the practice does not count"),
    _n("urgent", "Urgent overrides"),
    _n("days_at_cap", "Days at cap"),
    _n("total_diverted", "Diverted"),
    _n("voided", "Undone"),
]
DAY_COLUMNS = [
    Column("Day", lambda r: f"{r.day:%a %d %b %Y}", sort_key=lambda r: (r.day, r.clinician)),
    Column("Clinician", lambda r: r.clinician),
    Column("Cap", lambda r: r.cap, sort_key=lambda r: r.cap or 0, align=RIGHT),
    _n("contacts", "Contacts"),
    *(
        Column(
            t.label, lambda r, t=t: r.of_type(t), sort_key=lambda r, t=t: r.of_type(t), align=RIGHT
        )
        for t in ContactType
    ),
    _n("urgent", "Urgent"),
    Column("At cap", lambda r: "Yes" if r.at_cap else "", sort_key=lambda r: r.at_cap),
    *(
        Column(
            f"→ {d.label}",
            lambda r, d=d: r.diverted_to(d) or "",
            sort_key=lambda r, d=d: r.diverted_to(d),
            align=RIGHT,
        )
        for d in DivertDestination
    ),
]
SAFETY_COLUMNS = [
    Column("Date", lambda e: f"{e.day:%a %d %b %Y}", sort_key=lambda e: (e.day, e.id or 0)),
    Column("Kind", lambda e: e.kind.label),
    Column("Category", lambda e: e.category.label),
    Column("Harm", lambda e: e.harm.label),
    Column(
        "What happened",
        lambda e: " ".join(e.what_happened.split()),
        tooltip=lambda e: e.what_happened,
    ),
    Column("Action taken", lambda e: " ".join(e.action_taken.split())),
    Column("Linked to", lambda e: "; ".join(x for x in (e.clinician_name, e.diversion_text) if x)),
    Column("Recorded by", lambda e: e.recorded_by),
]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ReportsScreen(QWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.report: Report | None = None
        self._building = True
        self._build()
        self._building = False
        self.choose_period(Period.THIS_MONTH)  # an action in progress; Last month is one pick away

    # ----- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("Reports")
        title.setStyleSheet("font-size: 20px; font-weight: 600;")
        top.addWidget(title)
        top.addSpacing(16)
        period_label = QLabel("&Period:")
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for p in Period:
            self.period.addItem(p.label, p)
        period_label.setBuddy(self.period)
        top.addWidget(period_label)
        top.addWidget(self.period)
        today = local_today(self.ctx.clock)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
            edit.setAccessibleName(name)
            edit.setDate(_qdate(today))
            label = QLabel({"From": "Fr&om", "To": "&To"}[name])
            label.setBuddy(edit)
            label.setMinimumWidth(label.sizeHint().width() + 4)  # never cut to "Tc"
            top.addWidget(label)
            top.addWidget(edit)
        self.show_button = QPushButton("&Show")
        self.show_button.setToolTip("Show the report for the dates chosen")
        self.show_button.clicked.connect(self.refresh)
        top.addWidget(self.show_button)
        top.addStretch(1)
        # The actions go on a line of their own, so the toolbar fits a small or scaled screen.
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.safety_button = QPushButton("Record a safety conce&rn…")
        self.safety_button.clicked.connect(self.record_concern)
        self.csv_button = QPushButton("E&xport CSV…")
        self.csv_button.clicked.connect(self.choose_csv_file)
        self.pdf_button = QPushButton("Save P&DF summary…")
        self.pdf_button.clicked.connect(self.choose_pdf_file)
        self.evidence_button = QPushButton("Export e&vidence for the LMC…")
        self.evidence_button.setToolTip(
            "A file of the period's figures, with no names and no typed words, that your LMC "
            "or PCN can add to other practices'"
        )
        self.evidence_button.clicked.connect(self.export_evidence)
        for b in (self.safety_button, self.csv_button, self.pdf_button, self.evidence_button):
            actions.addWidget(b)
        outer.addLayout(top)
        outer.addLayout(actions)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.start.dateChanged.connect(lambda _d: self._dates_edited())
        self.end.dateChanged.connect(lambda _d: self._dates_edited())

        self.summary = QLabel()
        self.summary.setObjectName("report-summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet(
            "background: #E8EDEE; padding: 10px; border-radius: 4px; font-size: 14px;"
        )
        outer.addWidget(self.summary)

        self.message = QLabel()
        self.message.setWordWrap(True)
        outer.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.charts = _Charts()
        splitter.addWidget(self.charts.widget)
        self.tabs = QTabWidget()
        self.by_clinician = FilteredTable(CLINICIAN_COLUMNS, placeholder="Filter clinicians…")
        self.by_day = FilteredTable(DAY_COLUMNS, placeholder="Filter by day or clinician…")
        self.safety_table = FilteredTable(SAFETY_COLUMNS, placeholder="Filter the safety log…")
        self.safety_table.setToolTip("Double-click an entry (or press Enter) to correct it")
        self.safety_table.activated.connect(self.correct_concern)
        self.tabs.addTab(self.by_clinician, "By &clinician")
        self.tabs.addTab(self.by_day, "By day and clinician")
        self.tabs.addTab(self.safety_table, "Safety &log")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        # Room for the charts and for several rows of figures on a 1366x768 screen.
        splitter.setSizes([1000, 1000])
        self.splitter = splitter
        outer.addWidget(splitter, 1)
        note = QLabel(RATE_BASIS)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        outer.addWidget(note)

    def focus_first(self) -> None:
        """Start on the period: the arrow keys then change the report at once."""
        self.period.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- period -----------------------------------------------------------------------
    def choose_period(self, period: Period) -> None:
        index = list(Period).index(period)
        if self.period.currentIndex() == index:
            self._period_changed()
        else:
            self.period.setCurrentIndex(index)  # its signal shows the period

    def set_custom(self, start: date, end: date) -> None:
        self.choose_period(Period.CUSTOM)
        self._building = True
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        self._building = False
        self.refresh()

    def current_period(self) -> Period:
        return Period(self.period.currentData())

    def chosen(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def _period_changed(self) -> None:
        period = self.current_period()
        days = period.days(local_today(self.ctx.clock))
        custom = days is None
        for w in (self.start, self.end, self.show_button):
            w.setEnabled(custom)
        if days is not None:
            self._building = True
            self.start.setDate(_qdate(days[0]))
            self.end.setDate(_qdate(days[1]))
            self._building = False
            self.refresh()

    def _dates_edited(self) -> None:
        if not self._building and self.current_period() is Period.CUSTOM:
            self.refresh()

    # ----- data -------------------------------------------------------------------------
    def refresh(self) -> None:
        start, end = self.chosen()
        try:
            report = reports.build(self.ctx, self.actor, start, end)
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        self.report = report
        self.say("")
        self._show(report)

    def _show(self, report: Report) -> None:
        t = report.totals
        rate = report.contacts_per_1000_per_day
        rate_text = "no working day with contacts" if rate is None else f"{rate:.1f}"
        self.summary.setText(
            f"<b>{_esc(report.period_text)}</b><br>"
            f"<span style='font-size:17px'><b>{_esc(report.diversion_summary())}</b></span><br>"
            f"{plural(t.contacts, 'contact', thousands=True)} · {rate_text} per 1,000 patients "
            f"per working day · {plural(t.days_at_cap, 'clinician-day', thousands=True)} at the "
            f"cap · {plural(t.urgent, 'urgent override', thousands=True)} · "
            f"{plural(len(report.safety), 'safety log entry', 'safety log entries')}"
        )
        self.by_clinician.set_rows(list(report.clinicians))
        self.by_day.set_rows(list(report.rows))
        self.safety_table.set_rows(list(report.safety))
        self.tabs.setTabText(2, f"Safety &log ({len(report.safety)})")
        self.charts.show(report)

    def clinician_rows(self) -> list[ClinicianFigures]:
        return self.by_clinician.visible_records()

    def say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e; font-weight: 600;" if problem else "")
        self.message.setVisible(bool(text))

    # ----- actions ----------------------------------------------------------------------
    def record_concern(self) -> None:
        saved = open_safety_dialog(self.ctx, self.actor, self)
        if saved is not None:
            self.refresh()
            self.say(f"Recorded in the safety log for {day_text(saved.day)}.")

    def correct_concern(self, entry: SafetyEntry) -> None:
        """Open an entry to correct it; the service records the change in the audit trail."""
        saved = open_safety_dialog(self.ctx, self.actor, self, entry=entry)
        if saved is not None:
            self.refresh()
            self.say(f"Safety log entry of {day_text(saved.day)} corrected.")

    def export_evidence(self) -> None:
        """Show what the evidence file for the chosen dates holds; the dialog saves it."""
        from practice_action.ui.evidence_dialogs import EvidenceExportDialog

        start, end = self.chosen()
        yesterday = local_today(self.ctx.clock) - timedelta(days=1)
        if self.current_period() is not Period.CUSTOM and start <= yesterday < end:
            end = yesterday  # "This month" to yesterday: an evidence file holds whole days
        dialog = EvidenceExportDialog(self.ctx, self.actor, start, end, self)
        run_modal(dialog)
        if dialog.saved_to is not None:
            self.say(f"Saved the evidence file to {dialog.saved_to}")

    def _file_dialog(self, title: str, name: str, filter_: str, suffix: str) -> QFileDialog:
        dialog = QFileDialog(self, title, name)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(filter_)
        dialog.setDefaultSuffix(suffix)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        return dialog

    def _stem(self) -> str:
        start, end = self.chosen()
        return f"collective-action-report-{start.isoformat()}-to-{end.isoformat()}"

    def choose_csv_file(self) -> QFileDialog:
        dialog = self._file_dialog(
            "Export the report as CSV", f"{self._stem()}.csv", "CSV files (*.csv)", "csv"
        )
        dialog.fileSelected.connect(lambda name: self.export_csv(Path(name)))
        dialog.open()
        return dialog

    def choose_pdf_file(self) -> QFileDialog:
        dialog = self._file_dialog(
            "Save the PDF summary", f"{self._stem()}.pdf", "PDF files (*.pdf)", "pdf"
        )
        dialog.fileSelected.connect(lambda name: self.save_pdf(Path(name)))
        dialog.open()
        return dialog

    def export_csv(self, path: Path) -> bool:
        if self.report is None:
            return False
        data = reports.to_csv(self.report).encode("utf-8-sig")  # a spreadsheet reads it as is
        return self._write(
            path, data, f"Wrote the report ({plural(len(self.report.rows), 'row')}) to"
        )

    def save_pdf(self, path: Path) -> bool:
        if self.report is None:
            return False
        from practice_action.documents.report_pdf import report_summary

        return self._write(path, report_summary(self.report), "Saved the PDF summary to")

    def _write(self, path: Path, data: bytes, done: str) -> bool:
        partial = path.with_name(f".{path.name}.partial")
        try:
            refuse_practice_files(path)
            with open(partial, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                partial.unlink()
            self.say(
                f"The file could not be written ({error.strerror}): {path}. "
                "Choose another folder and try again.",
                problem=True,
            )
            return False
        self.say(f"{done} {path}")
        return True


class _Charts:
    """Contacts per day against the cap, and diversions by destination, side by side."""

    def __init__(self) -> None:
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.per_day = ContactsPerDayChart()
        self.destinations = DestinationsChart()
        layout.addWidget(self.per_day, 3)
        layout.addWidget(self.destinations, 2)
        self.views: list[QWidget] = [self.per_day, self.destinations]

    def show(self, report: Report) -> None:
        self.per_day.set_days(
            report.start,
            report.end,
            [
                DayValues(d.day, d.average_counted, d.busiest, d.cap)
                for d in report.days
                if d.clinicians_working
            ],
        )
        t = report.totals
        self.destinations.set_bars([Bar(d.label, t.diverted_to(d)) for d in DivertDestination])


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sections() -> list[Section]:
    """This module's sections, as declared in ui/sections.py."""
    return [section("reports")]
