"""Limits on jurors' ballots: revisions per juror per round (the service), submissions per
connection per second (a token bucket per socket sid in the realtime layer)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.audience import Audience
from meeting.errors import Conflict
from meeting.extensions import db, socketio
from meeting.models import Ballot, Event, Meeting
from meeting.realtime import handlers
from meeting.realtime.ratelimit import SidBuckets, TokenBucket
from meeting.services.live import actions as live
from meeting.services.live import ballots
from meeting.services.live.snapshot import build_state
from tests.live_support import seed_meeting


def _scoring_open(app):
    """A meeting with scoring open: (meeting id, round id, first juror)."""
    seeded = seed_meeting(app, jurors=3)
    mid = seeded.meeting_id
    with app.app_context():
        for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                               ("draw_cadre", {"expected_draw": 1}), ("start_report", {}),
                               ("start_verification", {}), ("skip_verification", {"reason": "time_limit"})):
            live.perform(db.session, mid, action, params, "test")
        round_id = build_state(db.session, mid, Audience.MODERATOR)["round"]["id"]
        juror = sorted(db.session.get(Meeting, mid).jurors, key=lambda j: j.seat)[0]
        juror_id, token = juror.id, juror.token
        db.remove()
    return mid, round_id, juror_id, token


def _scores(n: int) -> dict:
    return {"visits": 10 + n % 20, "demands": 20, "satisfaction": 20, "report": 5}


def _counts(mid: int) -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.meeting_id == mid)))


def test_the_revision_after_the_cap_is_refused_with_a_code_and_stores_nothing(app):
    mid, round_id, juror_id, _ = _scoring_open(app)
    with app.app_context():
        for n in range(1, ballots.MAX_REVISIONS + 1):
            receipt = ballots.submit_ballot(db.session, mid, juror_id, round_id, _scores(n), f"r{n}")
            assert receipt.version == n and not receipt.duplicate
        before = _counts(mid)
        with pytest.raises(Conflict) as refused:
            ballots.submit_ballot(db.session, mid, juror_id, round_id, _scores(99), "r-over")
        assert refused.value.code == "too_many_revisions"
        assert refused.value.params["limit"] == ballots.MAX_REVISIONS
        assert _counts(mid) == before  # no ballot stored, no event appended
        state = build_state(db.session, mid, Audience.JUROR, juror_id)
        assert state["my_ballot"]["version"] == ballots.MAX_REVISIONS  # the last accepted version stands
        db.remove()


def test_a_resend_of_an_earlier_message_id_is_still_a_duplicate_after_the_cap(app):
    mid, round_id, juror_id, _ = _scoring_open(app)
    with app.app_context():
        for n in range(1, ballots.MAX_REVISIONS + 1):
            ballots.submit_ballot(db.session, mid, juror_id, round_id, _scores(n), f"r{n}")
        before = _counts(mid)
        again = ballots.submit_ballot(db.session, mid, juror_id, round_id, _scores(3), "r3")
        assert again.duplicate is True and again.version == 3
        last = ballots.submit_ballot(db.session, mid, juror_id, round_id, _scores(20), f"r{ballots.MAX_REVISIONS}")
        assert last.duplicate is True and last.version == ballots.MAX_REVISIONS
        assert _counts(mid) == before
        db.remove()


def test_the_refusal_is_worded_for_the_juror():
    from meeting.messages import text

    assert "20" in text("too_many_revisions", limit=20)
    assert text("too_many_submissions")


# --- the token bucket ----------------------------------------------------------------------

class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_refuses_until_it_refills():
    clock = FakeClock()
    bucket = TokenBucket(rate=5, burst=5, clock=clock)
    assert [bucket.take() for _ in range(7)] == [True] * 5 + [False] * 2
    clock.now += 0.2  # one token back at 5 per second
    assert [bucket.take() for _ in range(2)] == [True, False]
    clock.now += 10   # a long pause refills to the burst, not beyond
    assert sum(bucket.take() for _ in range(10)) == 5


def test_each_connection_has_its_own_bucket_and_a_closed_one_is_forgotten():
    clock = FakeClock()
    buckets = SidBuckets(rate=5, burst=5, clock=clock)
    assert all(buckets.allow("a") for _ in range(5)) and not buckets.allow("a")
    assert buckets.allow("b")
    buckets.forget("a")
    assert buckets.allow("a") and len(buckets) == 2


# --- a burst on one socket ------------------------------------------------------------------

def test_a_burst_beyond_the_rate_is_refused_without_touching_the_database(app, monkeypatch):
    mid, round_id, juror_id, token = _scoring_open(app)
    clock = FakeClock()  # frozen: no token comes back during the burst
    monkeypatch.setattr(handlers, "submissions", SidBuckets(handlers.SUBMIT_RATE, handlers.SUBMIT_BURST, clock))
    sio = socketio.test_client(app, auth={"meeting": mid, "role": "juror", "token": token})
    assert sio.is_connected()
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731 — (conn, cursor, statement, …)
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        acks = []
        for n in range(handlers.SUBMIT_BURST + 3):
            before = len(statements)
            ack = sio.emit("submit_ballot", {"round_id": round_id, "scores": _scores(n), "client_msg_id": f"b{n}"},
                           callback=True)
            acks.append((ack, len(statements) - before))
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
        sio.disconnect()
    accepted = [a for a, _ in acks[:handlers.SUBMIT_BURST]]
    assert all(a["ok"] for a in accepted), accepted
    for ack, queries in acks[handlers.SUBMIT_BURST:]:
        assert ack["ok"] is False and ack["error"]["code"] == "too_many_submissions" and ack["error"]["message"]
        assert queries == 0  # refused before the service: no query at all
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == handlers.SUBMIT_BURST
        db.remove()
