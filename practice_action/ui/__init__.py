"""Screens: PySide6 only. Nothing outside this package imports Qt."""
