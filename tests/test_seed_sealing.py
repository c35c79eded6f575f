"""The draw seed is sealed at rest: the database holds it only encrypted with a key kept in a
file outside it, until the reveal publishes it (services/draw/sealing.py)."""
from __future__ import annotations

import logging
import stat

import pytest
import sqlalchemy as sa

from meeting.errors import Conflict
from meeting.extensions import db, socketio
from meeting.models import Event, Meeting
from meeting.services.draw import bundle as draw_bundle
from meeting.services.draw import pool as draw_pool
from meeting.services.draw import seed as draw_seed
from meeting.services.draw import steps as draw_steps
from meeting.services.draw.sealing import load_key, seal, secret_seed, unseal
from scoring.draw import commitment
from scoring.verify import verify
from tests.draw_support import SEED, build_roster, new_meeting, run_demo_meeting
from tests.helpers_roster import login, make_user

OTHER_KEY = "ab" * 32


@pytest.fixture(autouse=True)
def _release_the_test_session(session):
    """Close the test's own session at the end: the socket handlers' db.remove() replaced the
    thread's scoped session, so the app's teardown would not close this one (on PostgreSQL its
    open transaction would block the tables' cleanup)."""
    yield
    session.close()

@pytest.fixture
def key_file(app, tmp_path):
    """This test's own key file (not yet created)."""
    path = tmp_path / "keys" / "seed.key"
    app.config["SEED_KEY_FILE"] = str(path)
    return path


def _committed(session) -> int:
    build_roster(session, cadres=20)
    mid = new_meeting(session)
    draw_pool.freeze_pool(session, mid, {"kind": "whole", "draws": 3}, [], "organiser")
    draw_seed.commit_seed(session, mid, "organiser", seed_factory=lambda: SEED)
    return mid


def _raw_row(session, mid: int) -> str:
    row = session.execute(sa.text("SELECT * FROM meetings WHERE id = :id"), {"id": mid}).mappings().one()
    return repr(dict(row))


def _state(session, mid: int) -> tuple:
    session.expire_all()
    m = session.get(Meeting, mid)
    events = session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.meeting_id == mid))
    return m.seq, m.seed_hex, m.seed_sealed, m.seed_revealed_at, events


def test_after_the_commitment_the_raw_row_holds_no_seed_and_the_key_file_is_private(session, key_file):
    mid = _committed(session)
    raw = _raw_row(session, mid)
    assert SEED not in raw and SEED.upper() not in raw
    meeting = session.get(Meeting, mid)
    assert meeting.seed_hex == "" and meeting.seed_sealed.startswith("v1:")
    assert meeting.commitment == commitment(SEED)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_seed(meeting) == SEED


def test_a_sealed_seed_opens_only_with_its_key_for_its_meeting_and_untouched(session, key_file):
    key = bytes.fromhex(OTHER_KEY)
    sealed = seal(key, 7, SEED)
    assert unseal(key, 7, sealed) == SEED and sealed != seal(key, 7, SEED)  # a fresh nonce each time
    tampered = sealed[:-1] + ("0" if sealed[-1] != "0" else "1")
    for args in ((bytes(32), 7, sealed), (key, 8, sealed), (key, 7, tampered)):
        with pytest.raises(Conflict) as refused:
            unseal(*args)
        assert refused.value.code == "seed_key_wrong"
    with pytest.raises(Conflict) as garbage:
        unseal(key, 7, "v1:zz")
    assert garbage.value.code == "seed_sealed_damaged"


def test_draws_reproduce_and_the_revealed_seed_makes_the_bundle_verify(session, key_file, caplog):
    caplog.set_level(logging.DEBUG)
    build_roster(session)
    mid = run_demo_meeting(session)
    meeting = session.get(Meeting, mid)
    assert meeting.seed_hex == SEED and meeting.seed_sealed == ""
    revealed = session.scalar(sa.select(Event).where(Event.meeting_id == mid, Event.type == "seed_revealed"))
    assert revealed.payload["seed"] == SEED
    assert verify(draw_bundle.build_bundle(session, mid))[0].startswith("OK")
    assert key_file.read_text().strip() not in caplog.text


def test_a_wrong_key_refuses_the_draw_and_the_reveal_and_changes_nothing(session, key_file):
    mid = _committed(session)
    draw_seed.enter_entropy(session, mid, "3 5 1 6 2", "moderator")
    key_file.write_text(OTHER_KEY + "\n")
    before = _state(session, mid)
    with pytest.raises(Conflict) as draw:
        draw_steps.draw_next(session, mid, "moderator", expected_draw=1)
    assert draw.value.code == "seed_key_wrong"
    with pytest.raises(Conflict) as reveal:
        draw_seed.reveal_seed(session, mid, "organiser")
    assert reveal.value.code == "seed_key_wrong"
    assert _state(session, mid) == before


@pytest.mark.parametrize(("content", "code"), [(None, "seed_key_missing"), ("not a key", "seed_key_unreadable")])
def test_a_missing_or_unreadable_key_is_refused_with_its_code(session, key_file, content, code):
    mid = _committed(session)
    if content is None:
        key_file.unlink()
    else:
        key_file.write_text(content)
    before = _state(session, mid)
    with pytest.raises(Conflict) as refused:
        draw_seed.reveal_seed(session, mid, "organiser")
    assert refused.value.code == code
    assert _state(session, mid) == before
    assert not key_file.exists() if content is None else key_file.read_text() == content  # not replaced


def test_the_console_hears_why_the_draw_is_refused(app, client, session, key_file):
    from meeting.demo.generator import generate_roster
    from meeting.demo.load import load_roster
    from meeting.demo.sample_meeting import create_demo_meeting

    load_roster(session, generate_roster(scale=0.003, seed=7))
    make_user(session, "mod", role="moderator")
    mid = create_demo_meeting(session, jurors=3, rounds=2, moderators=("mod",)).id
    login(client, "mod")
    client.get("/login?lang=en")
    sio = socketio.test_client(app, flask_test_client=client, auth={"meeting": mid, "role": "moderator"})
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"})):
        assert sio.emit("perform", {"action": action, "params": params}, callback=True)["ok"]
    key_file.write_text(OTHER_KEY + "\n")
    ack = sio.emit("perform", {"action": "draw_cadre", "params": {"expected_draw": 1}}, callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "seed_key_wrong"
    assert "seed key file does not open this meeting's sealed seed" in ack["error"]["message"]


def test_a_key_file_is_created_once_and_then_read(tmp_path):
    path = tmp_path / "seed.key"
    first = load_key(path, create=True)
    assert len(first) == 32 and load_key(path, create=True) == first == load_key(path)


def test_closing_the_meeting_with_a_wrong_key_is_refused_before_anything_closes(session, key_file):
    from meeting.services.live import actions as live

    mid = _committed(session)
    live.perform(session, mid, "start_meeting", {}, "moderator")
    live.perform(session, mid, "enter_entropy", {"sources": "3 5 1 6 2"}, "moderator")
    key_file.write_text(OTHER_KEY + "\n")
    before = _state(session, mid)
    with pytest.raises(Conflict) as refused:
        live.perform(session, mid, "close_meeting", {}, "moderator")
    assert refused.value.code == "seed_key_wrong"
    assert _state(session, mid) == before and session.get(Meeting, mid).status == "live"
