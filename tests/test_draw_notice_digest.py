"""The notice digest (docs/VERIFY.md §6.1): committed with the seed, printed on the notice, bound
to what the notice shows; the title, date and venue stay as printed once the pool is frozen."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict
from meeting.models import Event
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.setup import meetings as setup
from scoring.notice import notice_digest, notice_record
from scoring.pool import plan_hash
from scoring.verify import verify
from tests.draw_support import SEED, build_roster, new_meeting

DICE = {"label": "骰子", "kind": "dice", "count": 5, "supplier": "县人大代表"}


def _committed(session, **meeting):
    build_roster(session, cadres=12)
    mid = new_meeting(session, venue="县会堂", date=dt.date(2026, 3, 24), **meeting)
    summary = draw_pool.freeze_pool(session, mid, {"kind": "whole", "draws": 2}, [{"number": 103, "reason": "病假"}])
    draw_seed.declare_entropy_sources(session, mid, [DICE], "organiser")
    draw_seed.commit_seed(session, mid, seed_factory=lambda: SEED)
    return mid, summary


def _payload(session, mid):
    return session.scalar(sa.select(Event.payload).where(Event.meeting_id == mid, Event.type == "seed_committed"))


def test_the_seed_committed_event_carries_the_digest_of_what_the_notice_fixes(session):
    mid, summary = _committed(session, title="沂水县现场调查大会")
    record = notice_record(
        meeting={"id": mid, "title": "沂水县现场调查大会", "date": "2026-03-24", "venue": "县会堂"},
        protocol="minkao-draw/1", roster_sha256=summary.roster_hash, pool_size=summary.pool_size,
        plan=summary.plan, plan_sha256=plan_hash(summary.plan), exclusions=[{"number": 103, "reason": "病假"}],
        entropy_sources=[DICE])
    assert set(_payload(session, mid)) == {"commitment", "notice_sha256"}
    assert _payload(session, mid)["notice_sha256"] == notice_digest(record)
    other = notice_record(**{**{k: record[k] for k in ("meeting", "protocol", "plan", "exclusions")},
                             "roster_sha256": summary.roster_hash, "pool_size": summary.pool_size,
                             "plan_sha256": plan_hash(summary.plan), "entropy_sources": []})
    assert notice_digest(other) != notice_digest(record)  # the declared sources are covered


def test_the_notice_page_prints_the_digest_and_the_command_compares_it(app, client):
    from meeting.extensions import db

    with app.app_context():
        mid, _ = _committed(db.session)
        digest = _payload(db.session, mid)["notice_sha256"]
    page = client.get(f"/m/{mid}/notice?lang=en").get_data(as_text=True)
    assert f'id="notice-digest">{digest}<' in page
    assert f"--notice-hash {digest}" in page


def test_title_date_and_venue_are_fixed_once_the_pool_is_frozen(session):
    mid, _ = _committed(session, title="原标题")
    for change in ({"venue": "别处"}, {"date": "2026-03-25"}, {"title": "新标题"}):
        with pytest.raises(Conflict) as refused:
            setup.update_meeting(session, mid, change)
        assert refused.value.code == "notice_fixed"
    # The settings form sends every field: unchanged values pass.
    setup.update_meeting(session, mid, {"title": "原标题", "venue": "县会堂", "date": "2026-03-24", "quorum": 5})
    other = new_meeting(session)
    assert setup.update_meeting(session, other, {"venue": "别处"}).venue == "别处"


def test_the_bundle_of_a_declared_meeting_names_its_declaration(session):
    from meeting.services.draw import bundle as draw_bundle
    from meeting.services.live.actions import perform

    mid, _ = _committed(session)
    perform(session, mid, "start_meeting", {}, "moderator")
    perform(session, mid, "enter_entropy", {"sources": ["3 5 1 6 2"]}, "moderator")
    draw_seed.reveal_seed(session, mid, "organiser")
    b = json.loads(json.dumps(draw_bundle.build_bundle(session, mid)))
    assert [e["payload"] for e in b["events"] if e["type"] == "entropy_declared"] == [{"sources": [DICE]}]
    assert any(line.startswith("notice") and "entropy as declared" in line for line in verify(b))
