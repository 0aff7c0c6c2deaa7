"""The shared lists: columns sized from their heading and the first rows, not every cell."""

from __future__ import annotations

from dataclasses import dataclass

from practice_action.ui.tables import SIZING_SAMPLE_ROWS, Column, FilteredTable


@dataclass
class Entry:
    seq: int
    words: str


def test_columns_are_sized_from_the_heading_and_the_first_rows_only(qtbot) -> None:
    long_words = "W" * 20  # narrower than the widest a column is made (360)
    rows = [Entry(n, "short") for n in range(5_000)]
    rows[-1] = Entry(4_999, long_words)  # far down the list: never measured
    table = FilteredTable(
        [
            Column("Seq", lambda e: e.seq, sort_key=lambda e: e.seq),
            Column("What happened", lambda e: e.words),
            Column("Who", lambda e: "Maria Okafor"),  # the last column stretches to the edge
        ]
    )
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.show()
    table.set_rows(rows)
    metrics = table.view.fontMetrics()
    width = table.view.columnWidth(1)
    assert width < metrics.horizontalAdvance(long_words)
    assert width >= metrics.horizontalAdvance("What happened")  # the heading still fits

    # the same entry near the top of the list is measured, and the column widens for it
    rows[1] = Entry(1, long_words)
    table.set_rows(rows)
    assert table.view.columnWidth(1) >= metrics.horizontalAdvance(long_words)
    assert len(rows) > SIZING_SAMPLE_ROWS


def test_a_click_on_a_heading_sorts_by_that_column_one_key_a_row_and_keeps_the_chosen_row(
    qtbot,
) -> None:
    """Sorting thousands of rows asks each row's key once (Python's sort), not once for each
    of Qt's comparisons; the chosen row stays chosen; a second click turns the order round."""
    import random

    from PySide6.QtCore import QPoint, Qt

    asked: list[int] = []

    def seq_key(entry: Entry) -> int:
        asked.append(entry.seq)
        return entry.seq

    rows = [Entry(n, f"words {n % 7}") for n in range(2_000)]
    random.Random(3).shuffle(rows)
    table = FilteredTable(
        [Column("Seq", lambda e: e.seq, sort_key=seq_key), Column("Words", lambda e: e.words)]
    )
    qtbot.addWidget(table)
    table.resize(600, 400)
    table.show()
    table.set_rows(rows)

    def shown() -> list[int]:
        return [e.seq for e in table.visible_records()]

    assert shown() == list(range(2_000))  # the first column, ascending, as the list opens
    assert table.select(lambda e: e.seq == 1_234)
    header = table.view.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(0) + 10, header.height() // 2)
    asked.clear()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert shown() == list(range(1_999, -1, -1))
    assert len(asked) <= 2_000
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert table.current_record().seq == 1_234
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert shown() == list(range(2_000))
    table.set_rows(list(reversed(rows)))  # new rows come in the order chosen
    assert shown() == list(range(2_000))
