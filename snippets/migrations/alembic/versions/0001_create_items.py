"""create items

Revision ID: 0001
Revises:
Create Date: 2026-12-04 15:16:21

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    items = op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(items, [{"id": 1, "name": "Pen"}, {"id": 2, "name": "Pencil"}])


def downgrade() -> None:
    op.drop_table("items")
