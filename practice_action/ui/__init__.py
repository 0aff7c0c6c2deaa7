"""Screens: PySide6 only. Nothing outside this package imports Qt."""

from practice_action.ui.binding import keep_sources_out_of_memory

keep_sources_out_of_memory()
