"""Reading what followed a convening: its report, a series' dashboard, an organisation's history.

Everything here reads; nothing changes data. Each function issues a fixed number of queries
whatever the number of organisations, delegates or actions, so the pages stay fast at scale.
The report lives in ``report``, the dashboard in ``series``, the history in ``history``,
the figures they share in ``figures``.
"""

from __future__ import annotations

from .figures import ActionFigures, action_figures, local_today, team_convenings
from .history import (
    HISTORY_ACTIONS_PER_CONVENING,
    HistoryCounts,
    HistoryEntry,
    ReceivedBriefing,
    StakeholderHistory,
    owned_by,
    stakeholder_history,
)
from .report import (
    Attendance,
    FollowUpReport,
    OwnerGroup,
    ReportTotals,
    action_order,
    follow_up_report,
    owner_person,
)
from .series import (
    MATRIX_PER_PAGE,
    Cell,
    ConveningFigures,
    ParticipationRow,
    SeriesDashboard,
    series_dashboard,
)

__all__ = [
    "HISTORY_ACTIONS_PER_CONVENING",
    "MATRIX_PER_PAGE",
    "ActionFigures",
    "Attendance",
    "Cell",
    "ConveningFigures",
    "FollowUpReport",
    "HistoryCounts",
    "HistoryEntry",
    "OwnerGroup",
    "ParticipationRow",
    "ReceivedBriefing",
    "ReportTotals",
    "SeriesDashboard",
    "StakeholderHistory",
    "action_figures",
    "action_order",
    "follow_up_report",
    "local_today",
    "owned_by",
    "owner_person",
    "series_dashboard",
    "stakeholder_history",
    "team_convenings",
]
