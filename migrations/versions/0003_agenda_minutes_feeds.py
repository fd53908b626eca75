"""agenda, audiences, versions, minutes, calendar feed tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:27:59.722592
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audience",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "everyone",
                "kinds",
                "organisations",
                "team",
                name="audiencekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organisation_kinds", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience")),
    )
    op.create_table(
        "audience_organisation",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"],
            ["audience.id"],
            name=op.f("fk_audience_organisation_audience_id_audience"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_audience_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint(
            "audience_id", "organisation_id", name=op.f("pk_audience_organisation")
        ),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convening_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "session",
                "briefing",
                "discussion",
                "break",
                "meal",
                "other",
                name="agendaitemkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("fixed_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("presenters_text", sa.String(length=500), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("calendar_sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_id"], ["audience.id"], name=op.f("fk_agenda_item_audience_id_audience")
        ),
        sa.ForeignKeyConstraint(
            ["convening_id"],
            ["convening.id"],
            name=op.f("fk_agenda_item_convening_id_convening"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        # Item ids name calendar events: SQLite must never hand a deleted id out again.
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agenda_item_convening_position", ["convening_id", "position"], unique=False
        )

    op.create_table(
        "agenda_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convening_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["convening_id"],
            ["convening.id"],
            name=op.f("fk_agenda_version_convening_id_convening"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_agenda_version_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_version")),
        sa.UniqueConstraint(
            "convening_id", "number", name=op.f("uq_agenda_version_convening_id_number")
        ),
    )
    op.create_table(
        "minute_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convening_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("note", "decision", name="minutekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_minute_entry_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["convening_id"],
            ["convening.id"],
            name=op.f("fk_minute_entry_convening_id_convening"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_minute_entry_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minute_entry")),
    )
    with op.batch_alter_table("minute_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_minute_entry_convening", ["convening_id", "agenda_item_id"], unique=False
        )

    op.create_table(
        "agenda_presenter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("delegate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_agenda_presenter_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegate.id"],
            name=op.f("fk_agenda_presenter_delegate_id_delegate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_agenda_presenter_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_presenter")),
    )
    op.create_table(
        "minute_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edited_by_id"],
            ["user_account.id"],
            name=op.f("fk_minute_revision_edited_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["minute_entry.id"],
            name=op.f("fk_minute_revision_entry_id_minute_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minute_revision")),
    )
    with op.batch_alter_table("convening", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("minutes_published_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("calendar_feed_token_hash", sa.String(length=64), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_account_calendar_feed_token_hash"), ["calendar_feed_token_hash"]
        )


def downgrade() -> None:

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_user_account_calendar_feed_token_hash"), type_="unique"
        )
        batch_op.drop_column("calendar_feed_token_hash")

    with op.batch_alter_table("convening", schema=None) as batch_op:
        batch_op.drop_column("minutes_published_at")

    op.drop_table("minute_revision")
    op.drop_table("agenda_presenter")
    with op.batch_alter_table("minute_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_minute_entry_convening")

    op.drop_table("minute_entry")
    op.drop_table("agenda_version")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index("ix_agenda_item_convening_position")

    op.drop_table("agenda_item")
    op.drop_table("audience_organisation")
    op.drop_table("audience")
