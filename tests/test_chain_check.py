"""The chain check from the database: verify-log, the start-up check, the reveal, the stop.

Runs on SQLite by default and on PostgreSQL with DATABASE_URL (docs/VERIFY.md §18).
"""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from meeting.audience import Audience
from meeting.commands.chain import startup_check
from meeting.errors import Conflict
from meeting.models import Event, Meeting
from meeting.services import chain_check
from meeting.services.draw import seed as draw_seed
from meeting.services.events import append_event
from meeting.services.live.actions import perform
from meeting.services.live.snapshot import build_state
from tests.draw_support import build_roster, run_demo_meeting


@pytest.fixture
def meeting_id(session):
    build_roster(session)
    return run_demo_meeting(session, draws=3, reveal=False)


def _edit(session, mid: int, seq: int, **values) -> None:
    session.execute(sa.update(Event).where(Event.meeting_id == mid, Event.seq == seq).values(**values))
    session.commit()


def _delete(session, mid: int, seq: int) -> None:
    session.execute(sa.delete(Event).where(Event.meeting_id == mid, Event.seq == seq))
    session.commit()


def _last_seq(session, mid: int) -> int:
    return session.scalar(sa.select(Meeting.seq).where(Meeting.id == mid))


def test_an_untouched_log_verifies_on_the_command_line(app, runner, session, meeting_id):
    result = runner.invoke(args=["verify-log", str(meeting_id)])
    assert result.exit_code == 0, result.output
    last = session.get(Meeting, meeting_id)
    assert f"{last.seq}:{last.last_hash[:12]}" in result.output
    assert chain_check.check_chain(session, meeting_id).ok


def test_verify_log_detects_an_edited_event_and_stops_the_meeting(app, runner, session, meeting_id):
    _edit(session, meeting_id, 5, payload={"forged": True})
    result = runner.invoke(args=["verify-log", str(meeting_id)])
    assert result.exit_code == 1 and " 5" in result.output
    session.expire_all()
    meeting = session.get(Meeting, meeting_id)
    assert (meeting.chain_broken_seq, meeting.chain_problem) == (5, "hash")
    with pytest.raises(Conflict) as refused:
        perform(session, meeting_id, "set_scene", {"scene": "blank"}, "user:1")
    assert refused.value.code == "chain_broken" and refused.value.params["seq"] == 5
    with pytest.raises(Conflict):
        append_event(session, meeting_id, "note", {}, "test")
    session.rollback()
    assert _last_seq(session, meeting_id) == meeting.seq  # nothing more written


def test_verify_log_detects_a_deleted_event_in_the_middle_and_at_the_end(app, runner, session, meeting_id):
    last = _last_seq(session, meeting_id)
    _delete(session, meeting_id, last)
    tail = chain_check.check_chain(session, meeting_id)
    assert (tail.problem, tail.bad_seq) == ("tail_missing", last)
    _delete(session, meeting_id, 3)
    result = runner.invoke(args=["verify-log", str(meeting_id)])
    assert result.exit_code == 1
    session.expire_all()
    assert (session.get(Meeting, meeting_id).chain_broken_seq, session.get(Meeting, meeting_id).chain_problem) \
        == (3, "seq_gap")


def test_a_rehashed_last_event_that_the_meeting_head_does_not_match_is_found(session, meeting_id):
    last = session.scalar(sa.select(Event).where(Event.meeting_id == meeting_id).order_by(Event.seq.desc()).limit(1))
    from scoring.chain import event_hash
    from meeting.events_time import iso_at
    forged = {"forged": True}
    _edit(session, meeting_id, last.seq, payload=forged,
          hash=event_hash(last.prev_hash, last.seq, last.type, forged, last.actor, iso_at(last.created_at)))
    result = chain_check.check_chain(session, meeting_id)
    assert (result.problem, result.bad_seq) == ("head_mismatch", last.seq)


def test_the_reveal_is_refused_when_the_log_does_not_verify(session, meeting_id):
    _edit(session, meeting_id, 6, actor="someone else")
    with pytest.raises(Conflict) as refused:
        draw_seed.reveal_seed(session, meeting_id, "organiser")
    assert refused.value.code == "chain_broken"
    session.expire_all()
    meeting = session.get(Meeting, meeting_id)
    assert meeting.seed_revealed_at is None and meeting.chain_broken_seq == 6


def test_the_start_up_check_raises_an_alarm_for_a_live_meeting_whose_log_was_edited(app, session, meeting_id):
    other = run_demo_meeting(session, draws=2, reveal=False)
    session.execute(sa.update(Meeting).values(status="live"))
    session.commit()
    _edit(session, other, 4, payload={})
    out = io.StringIO()
    results = startup_check(app, out)
    assert [(r.meeting_id, r.ok) for r in results] == [(meeting_id, True), (other, False)]
    assert "\a" in out.getvalue() and "!!!!" in out.getvalue()
    session.expire_all()
    assert session.get(Meeting, other).chain_broken_seq == 4
    assert session.get(Meeting, meeting_id).chain_broken_seq is None
    session.close()  # startup_check's app context removed the scoped session: end this one's transaction


def test_after_the_database_is_restored_the_alarm_is_cleared_on_request(app, runner, session, meeting_id):
    original = session.scalar(sa.select(Event.payload).where(Event.meeting_id == meeting_id, Event.seq == 5))
    _edit(session, meeting_id, 5, payload={"forged": True})
    assert runner.invoke(args=["verify-log", str(meeting_id)]).exit_code == 1
    _edit(session, meeting_id, 5, payload=original)
    assert runner.invoke(args=["verify-log", str(meeting_id)]).exit_code == 0
    session.expire_all()
    assert session.get(Meeting, meeting_id).chain_broken_seq == 5  # checking alone does not clear it
    assert runner.invoke(args=["verify-log", str(meeting_id), "--clear"]).exit_code == 0
    session.expire_all()
    assert session.get(Meeting, meeting_id).chain_broken_seq is None


def test_verify_log_of_an_unknown_meeting_is_an_error(runner, app):
    assert runner.invoke(args=["verify-log", "999"]).exit_code == 1


def test_the_snapshot_carries_the_chain_head_and_staff_see_the_alarm(session, meeting_id):
    meeting = session.get(Meeting, meeting_id)
    public = build_state(session, meeting_id, Audience.VIEWER)
    assert public["chain"] == {"seq": meeting.seq, "head": meeting.last_hash[:12]}
    assert "chain_alarm" not in public
    assert build_state(session, meeting_id, Audience.MODERATOR)["chain_alarm"] is None
    _edit(session, meeting_id, 5, payload={})
    chain_check.check_and_mark(session, meeting_id)
    session.expire_all()
    assert build_state(session, meeting_id, Audience.MODERATOR)["chain_alarm"] == {"seq": 5, "problem": "hash"}


def test_the_final_notice_prints_the_last_chain_head(client, session):
    build_roster(session)
    mid = run_demo_meeting(session, draws=2, reveal=True)
    meeting = session.get(Meeting, mid)
    page = client.get(f"/m/{mid}/notice").get_data(as_text=True)
    assert f"{meeting.seq}:{meeting.last_hash}" in page
    assert f"--anchor {meeting.seq}:{meeting.last_hash}" in page
    before = run_demo_meeting(session, draws=2, reveal=False)
    assert "chain-head" not in client.get(f"/m/{before}/notice").get_data(as_text=True)
