"""How Flask-Migrate's Alembic reaches the Flask app's database: the extension's engine and models.

Trimmed from `flask db init`'s template to online mode and Flask-SQLAlchemy 3.
The `flask db` commands run this inside the app's context, so the URL is the
app's configuration. All the revisions one command applies run in one
transaction, as with plain Alembic.
"""

from logging.config import fileConfig

from alembic import context
from flask import current_app

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name)
migrate = current_app.extensions["migrate"]

with migrate.db.engine.connect() as connection:
    context.configure(connection=connection, target_metadata=migrate.db.metadata, **migrate.configure_args)
    with context.begin_transaction():
        context.run_migrations()
