"""calendar replies: reply addresses, proposals and quarantined messages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reply_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("convening_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["convening_id"],
            ["convening.id"],
            name=op.f("fk_reply_address_convening_id_convening"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_reply_address_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegate.id"],
            name=op.f("fk_reply_address_delegate_id_delegate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_address")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reply_address_token_hash")),
    )
    op.create_index("ix_reply_address_convening_id", "reply_address", ["convening_id"])
    op.create_index("ix_reply_address_invitation_id", "reply_address", ["invitation_id"])
    op.create_index("ix_reply_address_delegate_id", "reply_address", ["delegate_id"])
    op.create_table(
        "calendar_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_calendar_proposal_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_proposal")),
    )
    op.create_index("ix_calendar_proposal_invitation_id", "calendar_proposal", ["invitation_id"])
    op.create_table(
        "quarantined_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=998), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_reply")),
    )
    op.create_index("ix_quarantined_reply_received_at", "quarantined_reply", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_quarantined_reply_received_at", table_name="quarantined_reply")
    op.drop_table("quarantined_reply")
    op.drop_index("ix_calendar_proposal_invitation_id", table_name="calendar_proposal")
    op.drop_table("calendar_proposal")
    op.drop_index("ix_reply_address_delegate_id", table_name="reply_address")
    op.drop_index("ix_reply_address_invitation_id", table_name="reply_address")
    op.drop_index("ix_reply_address_convening_id", table_name="reply_address")
    op.drop_table("reply_address")
