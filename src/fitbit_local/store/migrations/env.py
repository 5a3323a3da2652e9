"""Alembic environment: always run programmatically by `store.db.migrate` with a live connection."""

from alembic import context

from fitbit_local.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
