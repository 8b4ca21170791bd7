"""Who signed each plan: the signer's name and position.

Revision ID: 81306b9b62e3
Revises: 9aeeb86751fa
Create Date: 2026-11-23 15:09:47.876253
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "81306b9b62e3"
down_revision: str | Sequence[str] | None = "9aeeb86751fa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signer_name", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("signer_title", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("signer_title")
        batch_op.drop_column("signer_name")
