"""Series: convenings grouped together (the same effort, meeting after meeting)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..models import Convening, Series
from ..pagination import Page, paginate
from ..principal import Principal
from ..service import InputError
from .queries import visible_clause


def _listed(principal: Principal):
    """Team members and admins see every series; others only series they can see into."""
    if principal.is_admin or principal.on_any_team:
        return None
    return exists().where(Convening.series_id == Series.id, visible_clause(principal))


def list_series(
    session: Session, principal: Principal, number: int, per_page: int
) -> tuple[Page, dict[int, list[Convening]]]:
    """A page of series by name, and the convenings the viewer may see in each."""
    statement = select(Series).order_by(func.lower(Series.name), Series.id)
    condition = _listed(principal)
    if condition is not None:
        statement = statement.where(condition)
    page = paginate(session, statement, number, per_page)
    grouped: dict[int, list[Convening]] = defaultdict(list)
    if page.items:
        convenings = session.scalars(
            select(Convening)
            .where(
                Convening.series_id.in_([series.id for series in page.items]),
                visible_clause(principal),
            )
            .order_by(Convening.starts_at, Convening.id)
        )
        for convening in convenings:
            grouped[convening.series_id].append(convening)
    return page, grouped


def series_convenings(session: Session, principal: Principal, series: Series) -> list[Convening]:
    """The series' convenings the viewer may see, in date order."""
    return list(
        session.scalars(
            select(Convening)
            .where(Convening.series_id == series.id, visible_clause(principal))
            .order_by(Convening.starts_at, Convening.id)
        )
    )


def create_series(
    session: Session, principal: Principal, name: str, description: str = ""
) -> Series:
    """Start a series; names are unique whatever their case."""
    name = name.strip()
    if not name:
        raise InputError("Enter a name.", "name")
    if len(name) > 200:
        raise InputError("Use 200 characters or fewer.", "name")
    taken = session.scalar(select(Series.id).where(func.lower(Series.name) == name.lower()))
    if taken is not None:
        raise InputError(f"A series named {name} already exists.", "name")
    series = Series(name=name, description=description.replace("\r\n", "\n").strip())
    session.add(series)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise InputError(f"A series named {name} already exists.", "name") from error
    audit.record(
        session,
        principal.user,
        "series.created",
        series,
        changes={"name": series.name, "description": series.description},
    )
    return series
