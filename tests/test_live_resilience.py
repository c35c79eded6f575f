"""A televised meeting survives a killed server and runs on several processes."""
from __future__ import annotations

import os
import uuid

import pytest

from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie
from tests.test_live_round import SCORES, _to_scoring

pytestmark = pytest.mark.server


def test_a_server_killed_during_scoring_loses_no_acknowledged_ballot_and_clients_resync(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    cookie = staff_cookie(server.url, *MODERATOR)
    moderator = Screen(server.url, seeded.meeting_id, "moderator", cookie=cookie, reconnect=True).connect()
    viewer = Screen(server.url, seeded.meeting_id, "viewer", reconnect=True).connect()
    jurors = [Screen(server.url, seeded.meeting_id, "juror", token=t, reconnect=True).connect() for t in seeded.tokens]
    try:
        _to_scoring(moderator)
        round_id = viewer.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
        acks = [j.call("submit_ballot", {"round_id": round_id, "scores": s, "client_msg_id": f"k{i}"})
                for i, (j, s) in enumerate(zip(jurors[:3], SCORES[:3]))]
        assert all(a["ok"] for a in acks)
        connects_before = [s.connects for s in (moderator, viewer, *jurors)]

        server.kill()
        server = LiveServer(seeded.database_url, port=server.port, log_path=tmp_path / "server2.log").start()

        # Every client comes back by itself and is resynchronised from the database.
        for screen, before in zip((moderator, viewer, *jurors), connects_before):
            screen.wait_for(lambda s, scr=screen, b=before: scr.connects > b, timeout=30)
        state = moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 3, timeout=30)
        assert state["round"]["stage"] == "scoring_open"
        assert sorted(state["round"]["submitted_jurors"]) == sorted(j["id"] for j in state["jurors"][:3])
        # The juror's own snapshot on reconnect carries its stored ballot (room broadcasts do not).
        own = [s for s in jurors[0].states if "my_ballot" in s][-1]
        assert own["my_ballot"]["total"] == "88" and own["my_ballot"]["version"] == 1

        # A ballot acknowledged before the crash and resent after it is still counted once.
        assert jurors[0].call("submit_ballot", {"round_id": round_id, "scores": SCORES[0],
                                                "client_msg_id": "k0"})["ballot"]["duplicate"] is True
        for i, (j, s) in enumerate(zip(jurors[3:], SCORES[3:]), start=3):
            assert j.call("submit_ballot", {"round_id": round_id, "scores": s, "client_msg_id": f"k{i}"})["ok"]
        for action in ("close_scoring", "reveal_result"):
            ack = moderator.perform(action)
            assert ack["ok"], ack
        result = viewer.wait_for(lambda s: s["round"]["stage"] == "revealed")["round"]["result"]
        assert result["final"] == "81.33" and result["count"] == 5
    finally:
        for s in (moderator, viewer, *jurors):
            s.close()
        server.stop()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs in the PostgreSQL pass of the suite (needs a shared server database)")
def test_a_viewer_on_one_process_sees_what_the_moderator_did_on_another(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    queue = {"SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0", "SOCKETIO_CHANNEL": f"minkao-test-{uuid.uuid4().hex}"}
    one = LiveServer(seeded.database_url, env=queue, log_path=tmp_path / "one.log").start()
    two = LiveServer(seeded.database_url, env=queue, log_path=tmp_path / "two.log").start()
    screens = []
    try:
        moderator = Screen(one.url, seeded.meeting_id, "moderator", cookie=staff_cookie(one.url, *MODERATOR)).connect()
        viewer = Screen(two.url, seeded.meeting_id, "viewer").connect()
        jurors = [Screen(url, seeded.meeting_id, "juror", token=t).connect()
                  for url, t in zip([one.url, two.url] * 3, seeded.tokens)]
        screens = [moderator, viewer, *jurors]
        _to_scoring(moderator)
        drawn = viewer.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]
        assert drawn["cadre"]["number"] == moderator.state["round"]["cadre"]["number"]
        for i, (j, s) in enumerate(zip(jurors, SCORES)):
            assert j.call("submit_ballot", {"round_id": drawn["id"], "scores": s, "client_msg_id": f"p{i}"})["ok"]
        moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 5)
        for action in ("close_scoring", "reveal_result"):
            assert moderator.perform(action)["ok"]
        result = viewer.wait_for(lambda s: s["round"]["stage"] == "revealed")["round"]["result"]
        assert result["final"] == "81.33"
    finally:
        for s in screens:
            s.close()
        one.stop()
        two.stop()
