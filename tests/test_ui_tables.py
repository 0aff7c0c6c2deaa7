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
