"""回避 in the live meeting: recusals at the draw, refused ballots, quorum of the eligible jurors,
the organiser's add/lift before scoring, the screens (category only) and the event chain."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from meeting.audience import Audience
from meeting.errors import Conflict, UserError
from meeting.extensions import db
from meeting.models import Ballot, Cadre, Event, Meeting, Round, Township
from meeting.services.chain_check import check_chain
from meeting.services.live import actions as live
from meeting.services.live import ballots
from meeting.services.live.snapshot import build_state
from tests.live_support import seed_meeting
from tests.test_live_round import SCORES

UNIT = "县水利局"
SECRET = "配偶之兄"  # a declared relation's words: never on any screen or in the log


def _jurors(mid: int):
    return sorted(db.session.get(Meeting, mid).jurors, key=lambda j: j.seat)


def _prepare(app, *, jurors: int = 5, quorum: int | None = None) -> int:
    """A meeting whose every cadre works at UNIT in one township; seat 1 declared a relation to
    every cadre, seat 2 works at UNIT (written with a space), seat 3 lives in the township."""
    mid = seed_meeting(app, jurors=jurors, quorum=quorum).meeting_id
    with app.app_context():
        township = db.session.scalars(sa.select(Township).order_by(Township.id)).first()
        numbers = []
        for cadre in db.session.scalars(sa.select(Cadre)):
            cadre.unit, cadre.township_id = UNIT, township.id
            numbers.append(cadre.number)
        first, second, third = _jurors(mid)[:3]
        first.relations = [{"number": n, "relation": SECRET} for n in numbers]
        second.unit = "县 水利局"
        third.township = township.name
        db.session.commit()
        db.remove()
    return mid


def _perform(mid: int, *steps) -> None:
    for step in steps:
        action, params = step if isinstance(step, tuple) else (step, {})
        live.perform(db.session, mid, action, params, "test")


def _to_report(mid: int) -> None:
    _perform(mid, "start_meeting", ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
             ("draw_cadre", {"expected_draw": 1}), "start_report")


def _events(mid: int) -> list[Event]:
    return list(db.session.scalars(sa.select(Event).where(Event.meeting_id == mid).order_by(Event.seq)))


def test_drawing_a_cadre_recuses_the_jurors_with_a_conflict_in_the_draws_transaction(app):
    mid = _prepare(app)
    with app.app_context():
        _perform(mid, "start_meeting", ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                 ("draw_cadre", {"expected_draw": 1}))
        events = _events(mid)
        drawn, recused = events[-2], events[-1]
        assert (drawn.type, recused.type, recused.seq) == ("cadre_drawn", "jurors_recused", drawn.seq + 1)
        assert recused.payload["recused"] == [{"seat": 1, "category": "declared_relation"},
                                              {"seat": 2, "category": "same_unit"},
                                              {"seat": 3, "category": "same_township"}]
        assert recused.payload["cadre"] == drawn.payload["number"]
        assert SECRET not in json.dumps([e.payload for e in events], ensure_ascii=False)
        assert check_chain(db.session, mid).ok


def test_a_recused_jurors_ballot_is_refused_and_nothing_is_stored(app):
    mid = _prepare(app)
    with app.app_context():
        _to_report(mid)
        _perform(mid, "start_verification", ("skip_verification", {"reason": "time_limit"}))
        rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == mid))
        seq = db.session.get(Meeting, mid).seq
        first = _jurors(mid)[0]
        with pytest.raises(Conflict) as refused:
            ballots.submit_ballot(db.session, mid, first.id, rnd.id, SCORES[0], "recused-1")
        assert refused.value.code == "juror_recused"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0
        assert db.session.get(Meeting, mid).seq == seq


def test_quorum_and_result_use_the_eligible_jurors_only(app):
    mid = _prepare(app, jurors=5, quorum=5)
    with app.app_context():
        _to_report(mid)
        _perform(mid, "start_verification", ("skip_verification", {"reason": "time_limit"}))
        rnd_id = build_state(db.session, mid, Audience.MODERATOR)["round"]["id"]
        jurors = _jurors(mid)
        eligible = jurors[3:]  # seats 4 and 5
        for juror, scores in zip(eligible, SCORES[3:]):
            ballots.submit_ballot(db.session, mid, juror.id, rnd_id, scores, f"m{juror.seat}")
        moderator = build_state(db.session, mid, Audience.MODERATOR)
        assert moderator["round"]["progress"] == {"submitted": 2, "expected": 2}
        assert moderator["quorum"] == 5 and moderator["quorum_effective"] == 2
        assert [j["recused"] for j in moderator["jurors"]] == ["declared_relation", "same_unit", "same_township",
                                                               None, None]
        _perform(mid, "close_scoring")
        result = db.session.get(Round, rnd_id).result
        assert (result["count"], result["quorum"], result["eligible"], result["recused"]) == (2, 2, 2, [1, 2, 3])
        assert [b["seat"] for b in result["ballots"]] == [4, 5]
        assert result["final"] == "70.50"  # (60 + 81) / 2, the plain mean below 5 ballots


def test_with_too_few_eligible_ballots_scoring_does_not_close(app):
    mid = _prepare(app, jurors=5, quorum=5)
    with app.app_context():
        _to_report(mid)
        _perform(mid, "start_verification", ("skip_verification", {"reason": "time_limit"}))
        rnd_id = build_state(db.session, mid, Audience.MODERATOR)["round"]["id"]
        ballots.submit_ballot(db.session, mid, _jurors(mid)[3].id, rnd_id, SCORES[3], "only-one")
        with pytest.raises(Conflict) as refused:
            _perform(mid, "close_scoring")
        assert refused.value.code == "quorum_not_met" and refused.value.params["quorum"] == 2


def test_the_organiser_adds_and_lifts_a_recusal_before_scoring_and_both_are_logged(app):
    mid = _prepare(app)
    with app.app_context():
        _to_report(mid)
        fourth, first = _jurors(mid)[3], _jurors(mid)[0]
        _perform(mid, ("add_recusal", {"juror_id": fourth.id, "category": "other", "text": "与干部同村长大"}),
                 ("lift_recusal", {"juror_id": first.id, "text": "申报有误"}))
        added, lifted = _events(mid)[-2:]
        assert (added.type, added.payload) == ("recusal_added", {"round": 1, "seat": 4, "category": "other",
                                                                 "source": "organiser"})
        assert (lifted.type, lifted.payload) == ("recusal_lifted", {"round": 1, "seat": 1,
                                                                    "category": "declared_relation"})
        assert "与干部同村长大" not in json.dumps(added.payload, ensure_ascii=False)
        public = build_state(db.session, mid, Audience.VIEWER)["round"]["recusals"]
        assert public == [{"seat": 2, "category": "same_unit"}, {"seat": 3, "category": "same_township"},
                          {"seat": 4, "category": "other"}]
        rnd = db.session.scalar(sa.select(Round).where(Round.meeting_id == mid))
        kept = {r["seat"]: r for r in rnd.recusals}
        assert kept[1]["lifted"] and kept[1]["lift_note"] == "申报有误" and kept[4]["note"] == "与干部同村长大"
        with pytest.raises(Conflict) as twice:
            _perform(mid, ("add_recusal", {"juror_id": fourth.id, "category": "other"}))
        assert twice.value.code == "already_recused"
        with pytest.raises(UserError) as bad:
            _perform(mid, ("add_recusal", {"juror_id": first.id, "category": "dislike"}))
        assert bad.value.code == "bad_recusal_category"
        assert check_chain(db.session, mid).ok


def test_once_scoring_is_open_a_recusal_can_no_longer_be_added_or_lifted(app):
    mid = _prepare(app)
    with app.app_context():
        _to_report(mid)
        _perform(mid, "start_verification", ("skip_verification", {"reason": "time_limit"}))
        seq = db.session.get(Meeting, mid).seq
        fourth, first = _jurors(mid)[3], _jurors(mid)[0]
        for action, params in (("add_recusal", {"juror_id": fourth.id, "category": "other"}),
                               ("lift_recusal", {"juror_id": first.id})):
            with pytest.raises(Conflict) as refused:
                _perform(mid, (action, params))
            assert refused.value.code == "recusal_too_late"
        db.session.rollback()
        assert db.session.get(Meeting, mid).seq == seq


def test_a_skipped_cadres_recusals_are_cleared_and_the_redraw_computes_them_again(app):
    mid = _prepare(app)
    with app.app_context():
        _perform(mid, "start_meeting", ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                 ("draw_cadre", {"expected_draw": 1}), ("skip_cadre", {"draw": 1, "reason": "sick_leave"}))
        assert _events(mid)[-1].type == "recusals_cleared"
        assert build_state(db.session, mid, Audience.VIEWER)["round"]["recusals"] == []
        _perform(mid, ("draw_cadre", {"expected_draw": 2}))
        assert [e.type for e in _events(mid)[-2:]] == ["cadre_drawn", "jurors_recused"]
        assert [r["seat"] for r in build_state(db.session, mid, Audience.VIEWER)["round"]["recusals"]] == [1, 2, 3]


def test_screens_show_who_is_recused_by_category_never_the_relation(app):
    mid = _prepare(app)
    with app.app_context():
        _to_report(mid)
        for audience in (Audience.VIEWER, Audience.PROJECTOR, Audience.JUROR, Audience.MODERATOR):
            state = build_state(db.session, mid, audience)
            text = json.dumps(state, ensure_ascii=False)
            assert SECRET not in text
            seats = [(r["seat"], r["category"]) for r in state["round"]["recusals"]]
            assert seats == [(1, "declared_relation"), (2, "same_unit"), (3, "same_township")]
            assert ("juror_id" in state["round"]["recusals"][0]) == (audience is Audience.MODERATOR)
        assert build_state(db.session, mid, Audience.VIEWER)["round"]["progress"]["expected"] == 2


def test_without_affiliations_a_draw_logs_no_recusal(app):
    mid = seed_meeting(app, jurors=5).meeting_id
    with app.app_context():
        _perform(mid, "start_meeting", ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                 ("draw_cadre", {"expected_draw": 1}))
        assert _events(mid)[-1].type == "cadre_drawn"
        assert build_state(db.session, mid, Audience.VIEWER)["round"]["recusals"] == []
