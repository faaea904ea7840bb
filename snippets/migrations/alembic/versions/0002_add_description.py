"""add description

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 15:16:21

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("description", sa.String(length=200), nullable=True))
    # A data step in the same revision: the rows that exist get their description here.
    items = sa.table("items", sa.column("id", sa.Integer), sa.column("description", sa.String))
    op.execute(items.update().where(items.c.id == 1).values(description="Blue ink"))


def downgrade() -> None:
    op.drop_column("items", "description")
