"""Who may read follow-up across convenings: series dashboards and stakeholder histories."""

from __future__ import annotations

from sqlalchemy import select

from ..db import get_session
from ..models import Invitation, Organisation, Series
from ..permissions import Action, rule
from ..principal import Principal


@rule(Action.VIEW_SERIES_DASHBOARD, target=Series)
def _view_series_dashboard(principal: Principal, series: Series) -> bool:
    # The dashboard then shows only the convenings whose team the viewer is on.
    return any(principal.role_in(convening) is not None for convening in series.convenings)


@rule(Action.VIEW_STAKEHOLDER_HISTORY, target=Organisation)
def _view_history(principal: Principal, organisation: Organisation) -> bool:
    if not principal.team_roles:
        return False
    invited_to = select(Invitation.id).where(
        Invitation.organisation_id == organisation.id,
        Invitation.convening_id.in_(list(principal.team_roles)),
    )
    return get_session().scalar(invited_to.limit(1)) is not None
