"""Who may see and change convenings and series."""

from __future__ import annotations

from ..models import Convening, Series, TeamRole
from ..permissions import Action, rule
from ..principal import Principal


@rule(Action.CREATE_CONVENING)
def _create_convening(principal: Principal, _target) -> bool:
    return principal.organises_any


@rule(Action.VIEW_CONVENING, target=Convening, decides_existence=True)
def _view_convening(principal: Principal, convening: Convening) -> bool:
    return principal.sees(convening)


@rule(Action.VIEW_TEAM_AREA, target=Convening)
def _view_team_area(principal: Principal, convening: Convening) -> bool:
    return principal.role_in(convening) is not None


@rule(Action.EDIT_CONVENING, target=Convening)
def _edit_convening(principal: Principal, convening: Convening) -> bool:
    return principal.role_in(convening) is TeamRole.ORGANISER


@rule(Action.VIEW_SERIES, target=Series, decides_existence=True)
def _view_series(principal: Principal, series: Series) -> bool:
    # A series shows only through the convenings the viewer may see; an empty one (just
    # created) is visible to those who may fill it.
    if not series.convenings:
        return principal.organises_any
    return any(principal.sees(convening) for convening in series.convenings)
