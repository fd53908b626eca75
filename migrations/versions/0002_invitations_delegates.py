"""invitations, delegates, outbox claims and calendar sequences

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:20:26.074365
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New NOT NULL columns on existing tables carry server defaults so rows already there
    # (a running installation) get sensible values.
    op.create_table(
        "delegate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_normalized", sa.String(length=254), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column(
            "attendance",
            sa.Enum("in_person", "remote", name="attendancemode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("accessibility_needs", sa.Text(), nullable=False),
        sa.Column("dietary_needs", sa.Text(), nullable=False),
        sa.Column("is_head", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("confirmed", "cancelled", name="delegatestatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=True),
        sa.Column("calendar_sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"],
            ["user_account.id"],
            name=op.f("fk_delegate_checked_in_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_delegate_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegate")),
        sa.UniqueConstraint(
            "invitation_id",
            "email_normalized",
            name=op.f("uq_delegate_invitation_id_email_normalized"),
        ),
    )
    with op.batch_alter_table("delegate", schema=None) as batch_op:
        batch_op.create_index("ix_delegate_email_normalized", ["email_normalized"], unique=False)

    with op.batch_alter_table("convening", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("answered_on_behalf", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("extra_seats_requested", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "extra_seats_status",
                sa.Enum(
                    "none",
                    "pending",
                    "approved",
                    "refused",
                    name="seatrequeststatus",
                    native_enum=False,
                    length=32,
                ),
                nullable=False,
                server_default="none",
            )
        )
        batch_op.add_column(
            sa.Column("extra_seats_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_unique_constraint(batch_op.f("uq_invitation_token_hash"), ["token_hash"])

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("batch", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("convening_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_message_batch"), ["batch"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_convening_id"), ["convening_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_convening_id_convening"),
            "convening",
            ["convening_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_message_convening_id_convening"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_message_convening_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_batch"))
        batch_op.drop_column("convening_id")
        batch_op.drop_column("batch")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("failed_at")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invitation_token_hash"), type_="unique")
        batch_op.drop_column("version")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("calendar_sequence")
        batch_op.drop_column("extra_seats_reason")
        batch_op.drop_column("extra_seats_status")
        batch_op.drop_column("extra_seats_requested")
        batch_op.drop_column("reminders_sent")
        batch_op.drop_column("last_reminded_at")
        batch_op.drop_column("answered_on_behalf")
        batch_op.drop_column("responded_at")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("token_expires_at")
        batch_op.drop_column("token_hash")
        batch_op.drop_column("note")

    with op.batch_alter_table("convening", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")

    with op.batch_alter_table("delegate", schema=None) as batch_op:
        batch_op.drop_index("ix_delegate_email_normalized")

    op.drop_table("delegate")
