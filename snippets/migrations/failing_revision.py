"""add sku, then fail: the second operation sets NOT NULL on a column the existing rows leave empty"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade():
    op.add_column("items", sa.Column("sku", sa.String(length=20), nullable=True))
    op.alter_column("items", "sku", existing_type=sa.String(length=20), nullable=False)


def downgrade():
    op.drop_column("items", "sku")
