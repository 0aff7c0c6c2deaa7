"""Alembic environment: always run from the app with a connection handed in."""

from alembic import context

from practice_action.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations through the app ('practice-action check'), which backs up first."
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
