"""How Alembic reaches the FastAPI app's database: its engine, and its models' metadata to compare with.

Trimmed from `alembic init`'s template to online mode: every command here
connects to the database. All the revisions one command applies run in one
transaction, so on PostgreSQL, where DDL is transactional, a failing
revision leaves the schema and the version table as they were.
"""

from logging.config import fileConfig

from alembic import context

from snippets.migrations.fastapi_app import Base, engine

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name)

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
