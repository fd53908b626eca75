"""invitation links follow the convening's end; delegate mail is counted; withdrawn means cancelled

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegate_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("address_normalized", sa.String(length=254), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_delegate_mail_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegate_mail")),
    )
    with op.batch_alter_table("delegate_mail", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delegate_mail_address_queued", ["address_normalized", "queued_at"], unique=False
        )
        batch_op.create_index(
            "ix_delegate_mail_invitation_queued", ["invitation_id", "queued_at"], unique=False
        )

    # A link's expiry is now read from the convening's end. Dropped in place rather than in
    # batch mode: on SQLite a batch rebuild drops and recreates the invitation table, and with
    # foreign keys on that would cascade to its delegates.
    op.drop_column("invitation", "token_expires_at")

    # Withdrawing now cancels the delegates, as declining does; delegates left confirmed on
    # invitations withdrawn before were told of the withdrawal already, so only the record moves.
    op.execute(
        "UPDATE delegate SET status = 'cancelled', is_head = false "
        "WHERE status = 'confirmed' AND invitation_id IN "
        "(SELECT id FROM invitation WHERE status = 'withdrawn')"
    )


def downgrade() -> None:
    op.add_column(
        "invitation",
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE invitation SET token_expires_at = "
        "(SELECT ends_at FROM convening WHERE convening.id = invitation.convening_id) "
        "WHERE token_hash IS NOT NULL"
    )
    with op.batch_alter_table("delegate_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_delegate_mail_invitation_queued")
        batch_op.drop_index("ix_delegate_mail_address_queued")

    op.drop_table("delegate_mail")
