"""accounts prove their email address before it grants anything

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
    # An account that has chosen a password did so through a link emailed to its address
    # (or was made by an administrator on the command line): its address counts as proved.
    op.execute(
        "UPDATE user_account SET email_confirmed_at = COALESCE(password_changed_at, created_at) "
        "WHERE password_hash IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("pending_email")
        batch_op.drop_column("email_confirmed_at")
