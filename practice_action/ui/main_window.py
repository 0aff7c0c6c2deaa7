"""The main window: a sidebar of the sections the person signed in may use, and the section."""

from __future__ import annotations

import html

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from practice_action import APP_NAME, __version__
from practice_action.domain.errors import PracticeActionError
from practice_action.paths import Locations
from practice_action.services import practice
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import allowed
from practice_action.ui.sections import Section, all_sections


class MainWindow(QMainWindow):
    lock_requested = Signal()
    switch_user_requested = Signal()

    def __init__(self, ctx: Context, locations: Locations, actor: Actor) -> None:
        super().__init__()
        self.ctx = ctx
        self.locations = locations
        self.actor = actor
        self.setWindowTitle(APP_NAME)
        # Small enough for 1920x1080 at 200% (960x540 to Qt) less a taskbar; what does not
        # fit at that size scrolls (the central scroll area) rather than being cut off.
        self.setMinimumSize(QSize(720, 440))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Sections")
        self.sidebar.setMaximumWidth(220)
        self.sidebar.setMinimumWidth(150)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { font-size: 15px; background: #f4f6f8; border: none; }"
            "QListWidget#sidebar::item { padding: 9px 12px; }"
            "QListWidget#sidebar::item:selected { background: #1f5f99; color: white; }"
        )
        self.sidebar.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([200, 100_000])  # the sidebar as wide as its names, the rest for work
        outer = QScrollArea()
        outer.setObjectName("window-scroll")
        outer.setWidgetResizable(True)
        outer.setFrameShape(QFrame.Shape.NoFrame)
        outer.setWidget(splitter)
        self.setCentralWidget(outer)
        self.fit_to_screen()
        self.sidebar.currentRowChanged.connect(self._show_row)
        # A click (or Enter) on a section puts the keyboard in it: at the counter, 1-9 then
        # record at once. The arrow keys still move along the sidebar without leaving it.
        self.sidebar.itemClicked.connect(lambda _item: self.focus_section())
        self.sidebar.itemActivated.connect(lambda _item: self.focus_section())

        self.who = QLabel()
        self.statusBar().addPermanentWidget(self.who)
        self._section_actions: list[QAction] = []
        self._build_menus()
        self.set_actor(actor)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        lock = QAction("&Lock this desk", self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock_requested)
        switch = QAction("&Switch user…", self)
        switch.setShortcut(QKeySequence("Ctrl+Shift+L"))
        switch.triggered.connect(self.switch_user_requested)
        quit_action = QAction("&Quit", self)
        # Qt's standard Quit key is Ctrl+Q on Linux and macOS but none on Windows: say it.
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (lock, switch):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.go_menu = self.menuBar().addMenu("&Go")
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Practice Action", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def fit_to_screen(self, available: QRect | None = None) -> None:
        """Open at 1200x760 or the screen's available area (taskbar excluded), whichever is
        smaller, placed inside that area."""
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            available = screen.availableGeometry() if screen else QRect(0, 0, 1200, 760)
        # The frame (title bar, borders) is not yet known before the window is shown: leave
        # room for a usual one.
        frame_w, frame_h = 16, 40
        width = max(self.minimumWidth(), min(1200, available.width() - frame_w))
        height = max(self.minimumHeight(), min(760, available.height() - frame_h))
        self.resize(width, height)
        left = available.left() + max(0, (available.width() - width - frame_w) // 2)
        top = available.top() + max(0, (available.height() - height - frame_h) // 2)
        self.move(left, top)

    def sections_for(self, actor: Actor) -> list[Section]:
        return [s for s in all_sections() if allowed(actor, s.permission)]

    def set_actor(self, actor: Actor) -> None:
        """Rebuild the sections for whoever is now at the desk."""
        self.actor = actor
        while self.stack.count():
            widget = self.stack.widget(0)
            stop = getattr(widget, "stop", None)
            if callable(stop):  # sections with background work end it before they go
                stop()
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.sidebar.clear()
        for action in self._section_actions:
            self.go_menu.removeAction(action)
            self.removeAction(action)  # else the old shortcut clashes with the new one
            action.deleteLater()
        self._section_actions.clear()
        for section in self.sections_for(actor):
            # Built the first time it is shown (``_show_row``): signing in builds only the
            # first section, so it takes the same time in a new practice as in a busy one.
            self.stack.addWidget(_Unbuilt(section))
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setToolTip(f"{section.title} ({section.shortcut})")
            self.sidebar.addItem(item)
            action = QAction(section.title, self)
            action.setShortcut(QKeySequence(section.shortcut))
            row = self.sidebar.count() - 1
            action.triggered.connect(lambda _=False, r=row: self._go_to(r))
            self.go_menu.addAction(action)
            self.addAction(action)
            self._section_actions.append(action)
        if self.sidebar.count():
            self._go_to(0)
        try:
            name = practice.get_profile(self.ctx).name
        except Exception:
            name = ""
        self.setWindowTitle(f"{name} - {APP_NAME}" if name else APP_NAME)
        self.who.setText(f"Signed in: {actor.label}   ")

    def closeEvent(self, event: QCloseEvent) -> None:
        for index in range(self.stack.count()):
            stop = getattr(self.stack.widget(index), "stop", None)
            if callable(stop):
                stop()
        super().closeEvent(event)

    def show_section(self, key: str) -> QWidget | None:
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self._go_to(row)
                return self._built(row)
        return None

    def _go_to(self, row: int) -> None:
        self.sidebar.setCurrentRow(row)
        self._show_row(row)
        self.focus_section()

    def _show_row(self, row: int) -> None:
        if row < 0 or row >= self.stack.count():
            return
        self._built(row)
        self.stack.setCurrentIndex(row)

    def _built(self, row: int) -> QWidget:
        """The section in ``row``, built now if this is the first time it is wanted."""
        holder = self.stack.widget(row)
        if not isinstance(holder, _Unbuilt):
            return holder
        assert self.actor is not None
        try:
            widget = holder.section.factory(self.ctx, self.actor, self)
        except PracticeActionError as error:  # the database out of reach for a moment
            holder.show_problem(str(error))
            return holder
        widget.setObjectName(f"section-{holder.section.key}")
        self.stack.insertWidget(row, widget)  # the holder moves along to row + 1
        self.stack.removeWidget(holder)
        holder.deleteLater()
        return widget

    def focus_section(self) -> None:
        """Put the keyboard where a person starts in the section shown.

        A section may say where with ``focus_first()``; otherwise its first field or button.
        Without this the sidebar keeps the keyboard, and the counter's keys do nothing.
        """
        widget = self.stack.currentWidget()
        if widget is None:
            return
        first = getattr(widget, "focus_first", None)
        if callable(first):
            first()
            return
        candidate = widget.nextInFocusChain()
        while candidate is not None and candidate is not widget:
            if (
                widget.isAncestorOf(candidate)
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
                and candidate.isEnabled()
                and candidate.isVisibleTo(widget)
            ):
                candidate.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            candidate = candidate.nextInFocusChain()

    def section_keys(self) -> list[str]:
        return [
            self.sidebar.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.sidebar.count())
        ]

    def about_text(self) -> str:
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>For GP practices in England taking part in the BMA GP Committee's collective "
            "action: the practice's set-up, its action plan, the daily contact counter, and the "
            "letters and notices that go with them.</p>"
            f"<p><b>Data folder:</b> {_escape(str(self.locations.data_dir))}<br>"
            f"<b>Database:</b> {_escape(self.locations.describe_database())}</p>"
        )

    def show_about(self) -> QWidget:
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.about_text())
        box.setIcon(QMessageBox.Icon.Information)
        box.open()
        return box


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["MainWindow", "QWidget"]


class _Unbuilt(QWidget):
    """Holds a section's place in the window until it is first shown; says why, if it could
    not be built (choosing it again tries again)."""

    def __init__(self, section: Section) -> None:
        super().__init__()
        self.section = section
        self.problem = QLabel()
        self.problem.setObjectName("section-problem")
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.problem)

    def show_problem(self, text: str) -> None:
        self.problem.setText(
            f"<b>{html.escape(self.section.title)} could not be opened.</b><br>"
            f"{html.escape(text)}<br>Choose it again in the list to try again."
        )
