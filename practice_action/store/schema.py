"""Every table the app has, in one metadata: what Alembic compares the migrations against.

Each feature keeps its models in a module of its own; importing them here registers their
tables on the shared ``Base``.
"""

from practice_action.store import (
    counter_models,
    desk_models,
    letters_models,
    models,
    plan_models,
    safety_models,
)

metadata = models.Base.metadata

__all__ = [
    "counter_models",
    "desk_models",
    "letters_models",
    "metadata",
    "models",
    "plan_models",
    "safety_models",
]
