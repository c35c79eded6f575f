"""The draw service on a real database: lifecycle, idempotency, moderator errors, events."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict, NotFound, UserError
from meeting.models import DrawRecord, Household, Meeting, Round
from meeting.services.draw import bundle as draw_bundle
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.draw import steps as draw_steps
from meeting.services.events import event_as_dict, events_since
from scoring.verify import verify
from tests.draw_support import SEED, build_roster, household_name, household_phone, new_meeting, run_demo_meeting
from tests.errors_support import raises


@pytest.fixture
def roster(session):
    build_roster(session)
    return session


def _ready(session, plan=None, exclusions=()):
    mid = new_meeting(session)
    draw_pool.freeze_pool(session, mid, plan or {"draws": 4}, list(exclusions), "organiser")
    draw_seed.commit_seed(session, mid, "organiser", seed_factory=lambda: SEED)
    draw_seed.enter_entropy(session, mid, "3 5 1 6 2", "moderator")
    return mid


def test_freezing_stores_the_canonical_roster_without_excluded_or_inactive_cadres(roster):
    from meeting.models import Cadre

    roster.execute(sa.update(Cadre).where(Cadre.number == 110).values(active=False))
    roster.commit()
    mid = new_meeting(roster)
    summary = draw_pool.freeze_pool(roster, mid, {"draws": 3}, [{"number": 103, "reason": "病假"}], "organiser")
    meeting = roster.get(Meeting, mid)
    numbers = [int(line.split("\t")[0]) for line in meeting.pool_text.splitlines()]
    assert summary.pool_size == 43 and len(numbers) == 43 and numbers == sorted(numbers)
    assert 103 not in numbers and 110 not in numbers
    assert meeting.protocol == "minkao-draw/1" and meeting.exclusions == [{"number": 103, "reason": "病假"}]
    assert [e.type for e in events_since(roster, mid)] == ["pool_frozen"]


def test_a_rehearsal_meeting_gets_the_rehearsal_protocol_label(roster):
    mid = new_meeting(roster, rehearsal=True)
    assert draw_pool.freeze_pool(roster, mid, {"draws": 1}).protocol == "minkao-draw/1-rehearsal"


def test_a_leaders_only_plan_freezes_only_leaders(roster):
    mid = new_meeting(roster)
    draw_pool.freeze_pool(roster, mid, {"kind": "filter", "ranks": ["county_leader", "township_leader"], "draws": 2})
    ranks = {line.split("\t")[2] for line in roster.get(Meeting, mid).pool_text.splitlines()}
    assert ranks == {"county_leader", "township_leader"}


@pytest.mark.parametrize("plan, exclusions, fragment", [
    ({"draws": 0}, [], "draws"),
    ({"kind": "filter", "ranks": ["emperor"], "draws": 1}, [], "emperor"),
    ({"kind": "strata", "strata": ["T09"]}, [], "T09"),
    ({"kind": "strata", "strata": ["T01"], "per_stratum": 99}, [], "fewer"),
    ({"draws": 1}, [{"number": 999, "reason": "x"}], "999"),
    ({"draws": 1}, [{"number": 101, "reason": " "}], "reason"),
])
def test_bad_plans_and_exclusions_are_refused_with_a_clear_message(roster, plan, exclusions, fragment):
    mid = new_meeting(roster)
    with raises(UserError, fragment):
        draw_pool.freeze_pool(roster, mid, plan, exclusions)
    assert roster.get(Meeting, mid).roster_hash == "" and events_since(roster, mid) == []


def test_the_moderator_cannot_do_things_out_of_order(roster):
    mid = new_meeting(roster)
    with raises(Conflict, "Freeze"):
        draw_seed.commit_seed(roster, mid)
    draw_pool.set_exclusions(roster, mid, [{"number": 104, "reason": "出国"}])
    draw_pool.freeze_pool(roster, mid, {"draws": 3})
    assert roster.get(Meeting, mid).exclusions == [{"number": 104, "reason": "出国"}]
    with raises(Conflict, "already frozen"):
        draw_pool.freeze_pool(roster, mid, {"draws": 3})
    with raises(Conflict, "exclusions"):
        draw_pool.set_exclusions(roster, mid, [{"number": 105, "reason": "病假"}])
    with raises(Conflict, "not been committed"):
        draw_seed.enter_entropy(roster, mid, "1 2 3")
    draw_seed.commit_seed(roster, mid, seed_factory=lambda: SEED)
    with raises(Conflict, "already committed"):
        draw_seed.commit_seed(roster, mid)
    with raises(Conflict, "entropy"):
        draw_steps.draw_next(roster, mid)
    with raises(UserError, "empty"):
        draw_seed.enter_entropy(roster, mid, "   ")
    draw_seed.enter_entropy(roster, mid, "1 2 3")
    with raises(Conflict, "already been entered"):
        draw_seed.enter_entropy(roster, mid, "4 5 6")
    draw_steps.draw_next(roster, mid)
    draw_seed.reveal_seed(roster, mid)
    with raises(Conflict, "revealed"):
        draw_steps.draw_next(roster, mid)
    with raises(Conflict, "revealed"):
        draw_seed.reveal_seed(roster, mid)


def test_an_unknown_meeting_is_not_found(roster):
    with pytest.raises(NotFound):
        draw_pool.freeze_pool(roster, 424242, {"draws": 1})
    with pytest.raises(NotFound):
        draw_bundle.build_bundle(roster, 424242)


def test_asking_for_the_same_draw_again_returns_the_same_cadre_without_a_new_event(roster):
    mid = _ready(roster)
    first = draw_steps.draw_next(roster, mid, "moderator", expected_draw=1)
    again = draw_steps.draw_next(roster, mid, "moderator", expected_draw=1)
    assert first.new and not again.new
    assert (again.cadre_number, again.index, again.slot) == (first.cadre_number, first.index, first.slot)
    assert [e.type for e in events_since(roster, mid)].count("cadre_drawn") == 1
    with raises(Conflict, "not the next"):
        draw_steps.draw_next(roster, mid, expected_draw=3)


def test_draws_are_deterministic_given_seed_roster_plan_and_entropy(roster):
    a, b = _ready(roster), _ready(roster)
    numbers = [[draw_steps.draw_next(roster, m).cadre_number for _ in range(4)] for m in (a, b)]
    assert numbers[0] == numbers[1] and len(set(numbers[0])) == 4


def test_a_skip_is_logged_and_the_next_slot_is_drawn(roster):
    mid = _ready(roster, plan={"draws": 2})
    first = draw_steps.draw_next(roster, mid)
    with raises(UserError, "list declared on the notice"):
        draw_steps.skip_drawn(roster, mid, 1, "缺席 (住院)")  # free text: not on the closed list
    with raises(UserError, "needs a few words"):
        draw_steps.skip_drawn(roster, mid, 1, "other", text="  ")
    skipped = draw_steps.skip_drawn(roster, mid, 1, "other", text="缺席  (住院)")
    assert skipped.skipped and skipped.skip_reason == "other: 缺席 (住院)"
    assert not draw_steps.skip_drawn(roster, mid, 1, "sick_leave").new
    second = draw_steps.draw_next(roster, mid)
    assert second.slot == 1 and second.cadre_number != first.cadre_number
    draw_steps.draw_next(roster, mid)
    with raises(Conflict, "latest"):
        draw_steps.skip_drawn(roster, mid, 2, "sick_leave")
    with raises(Conflict, "every draw"):
        draw_steps.draw_next(roster, mid)
    types = [e.type for e in events_since(roster, mid)]
    assert types[-4:] == ["cadre_drawn", "cadre_skipped", "cadre_drawn", "cadre_drawn"]


def test_a_draw_linked_to_a_round_sets_the_rounds_cadre_and_a_skip_clears_it(roster):
    mid = _ready(roster)
    rnd = Round(meeting_id=mid, number=1)
    roster.add(rnd)
    roster.commit()
    result = draw_steps.draw_next(roster, mid, round_id=rnd.id)
    assert roster.get(Round, rnd.id).cadre_id == result.cadre_id and result.round_id == rnd.id
    picks = draw_steps.pick_households(roster, mid, count=1, round_id=rnd.id)
    assert picks[0].cadre_number == result.cadre_number
    draw_steps.skip_drawn(roster, mid, 1, "official_duty")
    assert roster.get(Round, rnd.id).cadre_id is None


def test_household_picks_are_idempotent_extendable_and_public_safe(roster):
    mid = _ready(roster)
    cadre = draw_steps.draw_next(roster, mid).cadre_number
    two = draw_steps.pick_households(roster, mid, count=2, cadre_number=cadre, actor="moderator")
    same = draw_steps.pick_households(roster, mid, count=2, cadre_number=cadre)
    three = draw_steps.pick_households(roster, mid, count=3, cadre_number=cadre)
    assert [p.code for p in same] == [p.code for p in two] and not any(p.new for p in same)
    assert [p.code for p in three[:2]] == [p.code for p in two] and three[2].new
    assert roster.get(Household, two[0].household_id).code == two[0].code
    events = [e for e in events_since(roster, mid) if e.type == "households_picked"]
    assert len(events) == 2
    text = json.dumps([event_as_dict(e) for e in events], ensure_ascii=False)
    i = cadre - 100
    assert all(household_name(i, h) not in text and household_phone(i, h) not in text for h in range(7))


def test_households_of_an_undrawn_or_skipped_cadre_cannot_be_picked(roster):
    mid = _ready(roster)
    drawn = draw_steps.draw_next(roster, mid).cadre_number
    other = 101 if drawn != 101 else 102
    with raises(Conflict, "not been drawn"):
        draw_steps.pick_households(roster, mid, count=1, cadre_number=other)
    draw_steps.skip_drawn(roster, mid, 1, "official_duty")
    with raises(Conflict, "skipped"):
        draw_steps.pick_households(roster, mid, count=1, cadre_number=drawn)


def test_households_changed_after_the_freeze_block_an_unverifiable_pick(roster):
    mid = _ready(roster)
    result = draw_steps.draw_next(roster, mid)
    h = roster.scalar(sa.select(Household).where(Household.cadre_id == result.cadre_id))
    h.code = h.code + "x"
    roster.commit()
    with raises(Conflict, "changed after the pool was frozen"):
        draw_steps.pick_households(roster, mid, count=1, cadre_number=result.cadre_number)
    assert roster.scalar(sa.select(sa.func.count()).select_from(DrawRecord).where(
        DrawRecord.kind == "household")) == 0


def test_strata_draw_one_per_township_in_the_fixed_order(roster):
    mid = _ready(roster, plan={"kind": "strata", "strata": ["T02", "T03", "T01"], "per_stratum": 1})
    results = [draw_steps.draw_next(roster, mid) for _ in range(3)]
    assert [r.stratum for r in results] == ["T02", "T03", "T01"]
    state = draw_bundle.draw_state(roster, mid)
    assert state["next"] is None and len(state["draws"]) == 3 and state["seed"] is None


def test_every_draw_state_change_is_a_past_tense_event_in_one_intact_chain(roster):
    mid = run_demo_meeting(roster)
    types = [e.type for e in events_since(roster, mid)]
    assert types[:4] == ["pool_frozen", "seed_committed", "meeting_started", "entropy_entered"] \
        and types[-1] == "seed_revealed"
    assert {"cadre_drawn", "cadre_skipped", "households_picked"} <= set(types)
    lines = verify(draw_bundle.build_bundle(roster, mid))
    assert lines[0].startswith("OK")


def test_the_bundle_is_refused_before_the_reveal_and_never_leaks_the_seed_early(roster):
    mid = run_demo_meeting(roster, reveal=False)
    with raises(Conflict, "not been revealed"):
        draw_bundle.build_bundle(roster, mid)
    assert SEED not in json.dumps(draw_bundle.draw_state(roster, mid))
    assert SEED not in json.dumps(draw_bundle.notice_data(roster, mid))
    assert all(SEED not in json.dumps(event_as_dict(e)) for e in events_since(roster, mid))


def test_the_bundle_holds_household_codes_but_no_names_or_phones(roster):
    mid = run_demo_meeting(roster)
    text = json.dumps(draw_bundle.build_bundle(roster, mid), ensure_ascii=False)
    names = roster.scalars(sa.select(Household.name)).all()
    phones = roster.scalars(sa.select(Household.phone)).all()
    assert "H0" in text
    assert not [n for n in names if n in text] and not [p for p in phones if p in text]


def test_two_consoles_asking_for_the_same_draw_at_once_get_one_cadre_and_one_event(app, roster):
    import threading

    import sqlalchemy.orm as so

    from meeting.extensions import db

    mid = _ready(roster)
    engine = db.engine
    barrier = threading.Barrier(4)
    results, errors = [], []

    def console(expected):
        session = so.Session(bind=engine, expire_on_commit=False)
        try:
            barrier.wait()
            results.append(draw_steps.draw_next(session, mid, "console", expected_draw=expected))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=console, args=(e,)) for e in (1, 1, None, None)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Both "draw 1" requests see the same cadre, whoever made it; each untagged request made a
    # new draw; the log holds each draw exactly once (2 or 3 draws, depending on who ran first).
    assert len({(r.draw, r.cadre_number) for r in results if r.draw == 1}) == 1
    assert len([r for r in results if r.new]) == len({r.draw for r in results})
    drawn = [e.payload["draw"] for e in events_since(roster, mid) if e.type == "cadre_drawn"]
    assert drawn == sorted({r.draw for r in results}) == list(range(1, len(drawn) + 1))
