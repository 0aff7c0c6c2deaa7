"""Practice Action: collective action, run safely, by a GP practice in England."""

from importlib import metadata

try:
    __version__ = metadata.version("practice-action")
except metadata.PackageNotFoundError:  # running from a checkout or a bundle without metadata
    __version__ = "0.1.0"

APP_NAME = "Practice Action"
