"""Deadline arithmetic of follow-up cases (督办事项): calendar days in the county's time zone.

Pure: no clock is read here. The caller passes `now` (an aware datetime, or a naive one that is
taken as UTC — the form the database stores) and the zone; everything else is dates.

The rules (docs/FOLLOWUP.md):
- A case's days are calendar days in Asia/Shanghai. A case opened at 01:30 Beijing time on
  25 March (17:30 UTC on the 24th) was opened on 25 March.
- "Reply within 15 days" means the reply is due on opened + 15 days, that day included: a reply
  on the due day is on time, the case is overdue from the next day (due + 1) at 00:00 local time.
- The reply is never due after the completion deadline.
- Escalation: a case overdue for `township_after_days` days is escalated to the township, for
  `county_after_days` days to the county; the level never goes down by itself.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
LEVELS = ("unit", "township", "county")


@dataclass(frozen=True)
class Policy:
    """The configurable periods of the follow-up (all in calendar days)."""

    reply_days: int = 15              # Yingshan: the responsible person replies within 15 days
    rectification_days: int = 30      # completion deadline when a rectification names none
    investigation_days: int = 30      # findings due when an investigation names no report_by
    penalty_days: int = 60            # the outcome of a referral for discipline is reported by then
    pledge_days: int = 365            # a pledge with no date is tracked for a year
    township_after_days: int = 7      # overdue this long → escalated to the township
    county_after_days: int = 14       # overdue this long → escalated to the county
    zone: str = DEFAULT_ZONE

    def __post_init__(self) -> None:
        for name in ("reply_days", "rectification_days", "investigation_days", "penalty_days", "pledge_days",
                     "township_after_days", "county_after_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number of days ≥ 1")
        if self.county_after_days <= self.township_after_days:
            raise ValueError("county_after_days must be greater than township_after_days")
        ZoneInfo(self.zone)  # raises ZoneInfoNotFoundError for an unknown zone


def local_date(now: dt.datetime, zone: str = DEFAULT_ZONE) -> dt.date:
    """The calendar date in `zone` at the instant `now` (naive = UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(ZoneInfo(zone)).date()


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` plus whole calendar days."""
    return day + dt.timedelta(days=days)


def reply_due(opened_on: dt.date, deadline: dt.date | None, policy: Policy) -> dt.date:
    """The last day the responsible person may reply: opened + reply_days, never after the deadline."""
    due = add_days(opened_on, policy.reply_days)
    return min(due, deadline) if deadline is not None else due


def is_past(due: dt.date | None, today: dt.date) -> bool:
    """True once `due` is over: the due day itself is still on time."""
    return due is not None and today > due


def overdue_since(due: dt.date) -> dt.date:
    """The first day a case with this due date is overdue."""
    return add_days(due, 1)


def escalation_for(since: dt.date | None, today: dt.date, policy: Policy) -> str:
    """The level an overdue case has reached today (unit while it is not overdue)."""
    if since is None or today < since:
        return "unit"
    days = (today - since).days
    if days >= policy.county_after_days:
        return "county"
    if days >= policy.township_after_days:
        return "township"
    return "unit"


def higher_level(a: str, b: str) -> str:
    """The higher of two escalation levels (unit < township < county)."""
    return a if LEVELS.index(a) >= LEVELS.index(b) else b
