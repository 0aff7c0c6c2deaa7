"""Tables of records: a Qt model built from column definitions, and a filterable view.

Screens hand frozen dataclasses to ``RecordTableModel.set_rows``; the model never touches
the database. ``FilteredTable`` puts a filter box above a sortable view and reports the
record a person opens (double-click or Enter) through ``activated``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: its header, how to get the text shown, and optionally how to sort it."""

    header: str
    value: Callable[[Any], object]
    sort_key: Callable[[Any], object] | None = None
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[Any], str] | None = None


class RecordTableModel(QAbstractTableModel):
    """Rows are records (any objects); columns say what to show of each."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QWidget | None = None,
        *,
        muted: Callable[[Any], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []
        self._muted = muted
        self._order: tuple[int, Qt.SortOrder] | None = None  # the column sorted on, and how

    # the rows
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(list(rows))
        self.endResetModel()

    def sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        """Put the rows in the order of a column's sort key (RecordSortFilter.sort asks)."""
        self.layoutAboutToBeChanged.emit()
        self._order = (column, order)
        held = self.persistentIndexList()  # a selected row, say: it follows its record
        records = [self._rows[index.row()] for index in held]
        self._rows = self._sorted(self._rows)
        where = {id(record): n for n, record in enumerate(self._rows)}
        self.changePersistentIndexList(
            held,
            [self.index(where[id(r)], i.column()) for r, i in zip(records, held, strict=True)],
        )
        self.layoutChanged.emit()

    def _sorted(self, rows: list[Any]) -> list[Any]:
        """Python's sort, one key for each row: on the audit trail's thousands of entries a
        Python comparison for each of Qt's steps would hold the window up."""
        if self._order is None or not 0 <= self._order[0] < len(self.columns):
            return rows
        column, order = self._order
        col = self.columns[column]

        def key(record: Any) -> Any:
            return col.sort_key(record) if col.sort_key is not None else _text(col.value(record))

        descending = order == Qt.SortOrder.DescendingOrder
        try:
            return sorted(rows, key=key, reverse=descending)
        except TypeError:  # keys that do not compare (a number beside a word): as text
            return sorted(rows, key=lambda r: str(key(r)).casefold(), reverse=descending)

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, index: AnyIndex | int) -> Any:
        row = index if isinstance(index, int) else index.row()
        return self._rows[row]

    def sort_value(self, row: int, column: int) -> object:
        col = self.columns[column]
        record = self._rows[row]
        return col.sort_key(record) if col.sort_key is not None else _text(col.value(record))

    # Qt's side
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].align)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(column.value(record))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record)
        if role == Qt.ItemDataRole.ForegroundRole and self._muted and self._muted(record):
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None


def _text(value: object) -> str:
    return "" if value is None else str(value)


class RecordSortFilter(QSortFilterProxyModel):
    """Sorts by each column's own key (numbers as numbers, dates as dates); filters on text.

    A RecordTableModel sorts its own rows (``sort_rows``), and this proxy keeps their order."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RecordTableModel):
            source.sort_rows(column, order)
            # The source's order as it now stands (-1, ascending: descending would reverse
            # it), mapped afresh; a selected row stays selected.
            super().sort(-1, Qt.SortOrder.AscendingOrder)
            self.invalidate()
            return
        super().sort(column, order)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, RecordTableModel):
            return super().lessThan(left, right)
        a = source.sort_value(left.row(), left.column())
        b = source.sort_value(right.row(), right.column())
        try:
            return bool(a < b)  # type: ignore[operator]
        except TypeError:
            return str(a).casefold() < str(b).casefold()


class _RecordView(QTableView):
    """A table view that opens the current row on Enter, as it does on double-click."""

    open_requested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


SIZING_SAMPLE_ROWS = 50  # rows measured when the columns are sized (the first, as sorted)


class FilteredTable(QWidget):
    """A filter box over a sortable table of records. Ctrl+F goes to the filter box."""

    activated = Signal(object)  # the record opened
    selection_changed = Signal(object)  # the record now selected, or None

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QWidget | None = None,
        *,
        muted: Callable[[Any], bool] | None = None,
        placeholder: str = "Filter…",
    ) -> None:
        super().__init__(parent)
        self.model = RecordTableModel(columns, self, muted=muted)
        self.proxy = RecordSortFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(placeholder)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the table")
        self.filter_edit.setToolTip("Type to show only the rows containing this text (Ctrl+F)")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_edit.returnPressed.connect(self._focus_table)

        self.view = _RecordView()
        # What a screen reader says for the table (a screen may name it more exactly).
        self.view.setAccessibleName(_table_name(placeholder))
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # Columns are sized from their heading and the first rows only: reading every cell of
        # a long list (the audit trail's thousands of entries) would freeze the window.
        # (A column's width takes its sample size from the horizontal header, a row's height
        # from the vertical one.)
        header.setResizeContentsPrecision(SIZING_SAMPLE_ROWS)
        self.view.verticalHeader().setResizeContentsPrecision(SIZING_SAMPLE_ROWS)
        self.view.doubleClicked.connect(self._open)
        self.view.open_requested.connect(self._open)
        # A click sets the current index first and selects the row after, so listening to
        # currentRowChanged hands listeners the row before the click; selectionChanged comes
        # once the row is really chosen (by mouse, arrow keys or typing).
        self.view.selectionModel().selectionChanged.connect(self._selection_moved)
        self._last_emitted: object = _NOTHING
        self._quiet = False

        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_shortcut.activated.connect(self.focus_filter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)

    # rows
    def set_rows(self, rows: Sequence[Any]) -> None:
        keep = self.current_record()
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            if self.view.columnWidth(column) > 360:
                self.view.setColumnWidth(column, 360)
        if keep is not None:
            self._quiet = True
            try:
                self.select(lambda r: _same(r, keep))
            finally:
                self._quiet = False
        self._last_emitted = self.current_record()
        self.selection_changed.emit(self._last_emitted)

    def visible_records(self) -> list[Any]:
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)))
            for r in range(self.proxy.rowCount())
        ]

    def current_record(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]))

    def _selection_moved(self, *_args: object) -> None:
        record = self.current_record()
        if self._quiet or record is self._last_emitted:
            return
        self._last_emitted = record
        self.selection_changed.emit(record)

    def select(self, predicate: Callable[[Any], bool]) -> bool:
        """Select the first visible row whose record matches; True if one did."""
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if predicate(self.model.row_at(self.proxy.mapToSource(index))):
                self.view.setCurrentIndex(index)
                self.view.selectRow(r)
                self.view.scrollTo(index)
                return True
        return False

    # keyboard
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _focus_table(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.proxy.rowCount() and not self.view.currentIndex().isValid():
            self.view.selectRow(0)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.row_at(self.proxy.mapToSource(index)))


_NOTHING = object()


def _table_name(placeholder: str) -> str:
    """'Filter the documents…' -> 'The documents'."""
    words = placeholder.rstrip("…. ").removeprefix("Filter ").strip()
    return (words[:1].upper() + words[1:]) if words else "Table"


def _same(a: Any, b: Any) -> bool:
    a_id, b_id = getattr(a, "id", None), getattr(b, "id", None)
    return a_id == b_id if a_id is not None else a == b
