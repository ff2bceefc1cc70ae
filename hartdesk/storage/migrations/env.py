"""Alembic environment: hartdesk always passes an open connection (the key is only known at run time)."""

from alembic import context

from hartdesk.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
