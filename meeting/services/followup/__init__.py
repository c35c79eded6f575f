"""Follow-up after the meeting (督办): cases opened by decisions and pledges, their life cycle, the overdue tick.

The rules are pure in scoring.cases and scoring.deadlines; the county's case log is its own
hash chain (meeting.services.followup.stream).
"""
from meeting.services.followup.cases import (TickResult, act, get_case, override_close, policy_from_config,
                                             public_case, record_return_visit, reply, start_return_visit, tick)
from meeting.services.followup.opening import create_case_from_decision, create_pledge_case, open_case_for_decision
from meeting.services.followup.stream import DEFAULT_STREAM, lock_stream, stream_events, verify_stream

__all__ = ["TickResult", "act", "create_case_from_decision", "create_pledge_case", "get_case",
           "open_case_for_decision", "override_close", "policy_from_config", "public_case", "record_return_visit",
           "reply", "start_return_visit", "tick", "DEFAULT_STREAM", "lock_stream", "stream_events", "verify_stream"]
