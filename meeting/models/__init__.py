"""All models, importable from one place (Alembic's env.py imports this)."""
from meeting.models.base import Base, utcnow
from meeting.models.calls import CallAttempt, CallEvent
from meeting.models.cases import Case, CaseEvent, CaseStream, case_demands, case_households
from meeting.models.events import Event
from meeting.models.imports import IMPORT_STATUSES, ImportJob
from meeting.models.grid import Township, Village, WorkArea
from meeting.models.moderators import ModeratorAssignment
from meeting.models.meeting import GENESIS_HASH, Ballot, Decision, DrawRecord, Juror, Meeting, Round
from meeting.models.roster import DEMAND_STATUSES, LEVELS, RANKS, Cadre, Demand, Household
from meeting.models.users import ROLES, LoginAttempt, LoginCode, User

__all__ = [
    "Base", "utcnow", "CallAttempt", "CallEvent", "Event", "Township", "Village", "WorkArea",
    "GENESIS_HASH", "Ballot", "Decision", "DrawRecord", "Juror", "Meeting", "Round",
    "DEMAND_STATUSES", "LEVELS", "RANKS", "Cadre", "Demand", "Household", "ROLES",
    "LoginAttempt", "LoginCode", "User", "Case", "CaseEvent", "CaseStream", "case_demands", "case_households",
    "IMPORT_STATUSES", "ImportJob", "ModeratorAssignment",
]
