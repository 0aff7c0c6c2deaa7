"""Practice Action: collective action, run safely, by a GP practice in England."""

# The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"

APP_NAME = "Practice Action"

# The program started with this alone is the desktop app's drawing process (documents/apart.py).
DRAWING_FLAG = "--draw-documents"
