"""The directory blueprint, and what its view modules share: the list's filters."""

from __future__ import annotations

from flask import Blueprint, request

from ..models import OrganisationKind
from . import queries, rules
from .forms import DirectoryFilterForm

blueprint = Blueprint("directory", __name__, url_prefix="/directory")


def read_filters() -> tuple[DirectoryFilterForm, queries.DirectoryFilters]:
    """The filter form from the query string, and the filters it asks for (odd values ignored)."""
    form = DirectoryFilterForm(formdata=request.args)
    form.validate()
    try:
        kind = OrganisationKind(form.kind.data) if form.kind.data else None
    except ValueError:
        kind = None
    try:
        country = rules.clean_country(form.country.data)
    except rules.InvalidValue:
        country = None
    filters = queries.DirectoryFilters(
        search="" if form.q.errors else (form.q.data or ""),
        kind=kind,
        sector=(form.sector.data or "")[: rules.SECTOR_MAX],
        country=country,
        include_archived=bool(form.archived.data),
    )
    return form, filters
