"""date polls: candidate slots, voters and their votes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convening_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("chosen_slot_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["convening_id"],
            ["convening.id"],
            name=op.f("fk_poll_convening_id_convening"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
        sa.UniqueConstraint("convening_id", name=op.f("uq_poll_convening_id")),
    )
    op.create_table(
        "poll_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_poll_slot_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_slot")),
    )
    op.create_index(op.f("ix_poll_slot_poll_id"), "poll_slot", ["poll_id"], unique=False)
    op.create_table(
        "poll_voter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("must_attend", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_poll_voter_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_poll_voter_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_voter")),
        sa.UniqueConstraint(
            "poll_id", "invitation_id", name=op.f("uq_poll_voter_poll_id_invitation_id")
        ),
    )
    op.create_index(
        op.f("ix_poll_voter_invitation_id"), "poll_voter", ["invitation_id"], unique=False
    )
    op.create_table(
        "poll_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["poll_slot.id"],
            name=op.f("fk_poll_vote_slot_id_poll_slot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"],
            ["poll_voter.id"],
            name=op.f("fk_poll_vote_voter_id_poll_voter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_vote")),
        sa.UniqueConstraint("voter_id", "slot_id", name=op.f("uq_poll_vote_voter_id_slot_id")),
    )
    op.create_index(op.f("ix_poll_vote_slot_id"), "poll_vote", ["slot_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_poll_vote_slot_id"), table_name="poll_vote")
    op.drop_table("poll_vote")
    op.drop_index(op.f("ix_poll_voter_invitation_id"), table_name="poll_voter")
    op.drop_table("poll_voter")
    op.drop_index(op.f("ix_poll_slot_poll_id"), table_name="poll_slot")
    op.drop_table("poll_slot")
    op.drop_table("poll")
