"""The data model on a real database, and the migrations that create it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from meeting.models import (Ballot, Base, Cadre, Demand, Household, Juror, Meeting, Round, Township,
                            User, Village, WorkArea)
from meeting.services.events import append_event, event_as_dict, events_since
from scoring.chain import first_chain_error


def _grid(session):
    t = Township(code="T01", name="沂城街道")
    w = WorkArea(code="W001", name="第一工作片", township=t)
    v = Village(code="V0001", name="东村", work_area=w, township=t)
    session.add_all([t, w, v])
    session.flush()
    return t, v


def test_migrations_create_exactly_the_schema_the_models_describe(app):
    from meeting.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_cadre_has_households_and_a_household_has_demands(session):
    t, v = _grid(session)
    cadre = Cadre(number=1, name="张三", position="村支书", unit="东村", rank="cadre", township=t, phone="17000000001")
    h = Household(code="H1", name="王五", village=v, phone="17000000002", cadre=cadre)
    d = Demand(household=h, text="路灯不亮", category="基础设施", status="resolved", level="village")
    session.add_all([cadre, h, d])
    session.commit()
    loaded = session.scalar(sa.select(Cadre).where(Cadre.number == 1))
    assert [x.name for x in loaded.households] == ["王五"]
    assert loaded.households[0].demands[0].level == "village"
    assert loaded.is_leader is False


def test_cadre_numbers_are_unique(session):
    session.add_all([Cadre(number=7, name="甲"), Cadre(number=7, name="乙")])
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()


def test_passwords_are_stored_hashed_and_checked(session):
    user = User(username="admin", role="admin")
    user.set_password("s3cret-pass")
    session.add(user)
    session.commit()
    assert "s3cret-pass" not in user.password_hash
    assert user.check_password("s3cret-pass") and not user.check_password("wrong")


def test_a_ballot_version_and_a_client_message_id_are_unique_per_juror(session):
    m = Meeting(title="测试大会")
    session.add(m)
    session.flush()
    j = Juror(meeting_id=m.id, name="李评委", token="tok-1")
    r = Round(meeting_id=m.id, number=1)
    session.add_all([j, r])
    session.flush()
    session.add(Ballot(round_id=r.id, juror_id=j.id, version=1, scores={"visits": "9"}, total="9", client_msg_id="a"))
    session.commit()
    session.add(Ballot(round_id=r.id, juror_id=j.id, version=2, scores={}, total="0", client_msg_id="a"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()


def test_events_get_consecutive_seqs_and_form_an_intact_hash_chain(session):
    m = Meeting(title="测试大会")
    session.add(m)
    session.commit()
    for i in range(5):
        append_event(session, m.id, "thing_happened", {"i": i, "名字": "王**"}, actor="moderator")
        session.commit()
    events = events_since(session, m.id)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert m.seq == 5 and m.last_hash == events[-1].hash
    chain = [event_as_dict(e) for e in events]
    assert first_chain_error(chain) is None
    chain[2]["payload"]["i"] = 99
    assert "seq 3" in first_chain_error(chain)


def test_an_event_rolled_back_with_its_transaction_leaves_no_gap(session):
    m = Meeting(title="测试大会")
    session.add(m)
    session.commit()
    append_event(session, m.id, "a", {})
    session.commit()
    append_event(session, m.id, "b", {})
    session.rollback()
    append_event(session, m.id, "c", {})
    session.commit()
    assert [(e.seq, e.type) for e in events_since(session, m.id)] == [(1, "a"), (2, "c")]
