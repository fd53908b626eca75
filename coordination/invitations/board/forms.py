"""Search and filter forms of the organisers' pages, read from the query string."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from ...form_fields import options
from ...models import InvitationStatus, OrganisationKind
from .board import SEARCH_MAX, STATUS_ORDER, BoardFilters


def _search_length() -> Length:
    return Length(max=SEARCH_MAX, message=f"Use at most {SEARCH_MAX} characters.")


class BoardFilterForm(FlaskForm):
    """Filters of the RSVP board."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=options(
            [("", "Any status but draft"), *((s.value, s.label) for s in STATUS_ORDER)]
        ),
        validate_choice=False,
    )
    kind = SelectField(
        "Kind of organisation",
        choices=options([("", "Any kind"), *OrganisationKind.choices()]),
        validate_choice=False,
    )
    q = SearchField("Organisation or delegate", validators=[Optional(), _search_length()])

    def filters(self) -> BoardFilters:
        """The filters asked for; values not in the lists are ignored."""
        try:
            status = InvitationStatus(self.status.data) if self.status.data else None
        except ValueError:
            status = None
        try:
            kind = OrganisationKind(self.kind.data) if self.kind.data else None
        except ValueError:
            kind = None
        search = "" if self.q.errors else " ".join((self.q.data or "").split())
        return BoardFilters(status=status, kind=kind, search=search)


class CheckInSearchForm(FlaskForm):
    """The check-in desk's single search box."""

    class Meta:
        csrf = False

    q = SearchField(
        "Name, organisation or email",
        description="Part of a name is enough; accents and capitals do not matter.",
        validators=[Optional(), _search_length()],
    )
