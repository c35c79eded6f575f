"""Call services on a real database: propose, backups, manual picks, hang-ups, the moderator's
answers and notes, crash safety, and the provider chosen by configuration."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Event
from meeting.telephony import settings as tel_settings
from meeting.telephony.manual import ManualProvider
from meeting.telephony.settings import derived_token, from_config
from meeting.telephony.simulated import SimulatedProvider
from tests.call_service_support import event_types, refused_code, report_status, snapshot
from tests.telephony_support import to_verification, twilio_settings


def _sim(app):
    provider = SimulatedProvider()
    return to_verification(app, provider, twilio_settings(provider="simulated", hall_line="")), provider


def test_proposing_picks_two_households_by_the_draw_and_asking_again_changes_nothing(app):
    v, _ = _sim(app)
    first = v.perform("propose_calls")
    again = v.perform("propose_calls")
    assert len(first["households"]) == 2 and first["new"] == first["households"]
    assert again["households"] == first["households"] and again["new"] == []
    assert event_types(app).count("households_picked") == 1
    plan = snapshot(app, v.meeting_id)["round"]["call_plan"]
    assert plan["next"] == first["households"][0] and [h["pick"] for h in plan["households"]] == ["draw", "draw"]


def test_calling_next_dials_the_plan_in_order_and_a_busy_household_brings_in_a_backup(app):
    v, provider = _sim(app)
    picked = v.perform("propose_calls")["households"]
    a = v.perform("place_call")
    assert a["household"] == picked[0] and a["state"] == "dialling"
    report_status(app, a["call"], "busy")
    b = v.perform("place_call")
    assert b["household"] == picked[1]
    report_status(app, b["call"], "completed")
    c = v.perform("place_call")  # household A was busy: one backup is drawn and dialled
    assert c["pick"] == "backup" and c["household"] not in picked
    assert event_types(app).count("households_picked") == 2
    plan = snapshot(app, v.meeting_id)["round"]["call_plan"]
    assert plan["needed"] == 3 and [h["status"] for h in plan["households"]] == ["unreachable", "reached", "calling"]
    assert [r.to for r in provider.placed][0].startswith("+86")


def test_calls_are_placed_only_during_verification(app):
    v, _ = _sim(app)
    v.perform("propose_calls")
    v.perform("skip_verification", reason="line_down")
    assert refused_code(v, "place_call") == "calls_not_verification"


def test_a_crash_after_the_attempt_is_stored_never_dials_twice(app):
    class Crashing(SimulatedProvider):
        def place_call(self, request):
            raise RuntimeError("power cut")

    v = to_verification(app, Crashing(), twilio_settings(provider="simulated"))
    code = v.perform("propose_calls")["households"][0]
    with pytest.raises(RuntimeError):
        v.perform("place_call", household_code=code)
    (call,) = snapshot(app, v.meeting_id)["round"]["calls"]
    assert call["state"] == "queued"
    assert refused_code(v, "place_call", household_code=code) == "call_in_progress"
    assert v.perform("hangup_call", call_id=call["id"])["state"] == "canceled"


def test_the_moderator_records_answers_a_note_and_the_outcome_of_a_desk_phone_call(app):
    v = to_verification(app, ManualProvider(), twilio_settings(provider="manual"))
    code = v.perform("propose_calls")["households"][0]
    call_id = v.perform("place_call", household_code=code)["call"]
    assert snapshot(app, v.meeting_id)["round"]["calls"][0]["state"] == "dialling"
    assert refused_code(v, "record_answers", call_id=call_id, answers={"visited": "no"}) == "bad_answers"
    ack = v.perform("record_answers", call_id=call_id, outcome="answered", answers={"visited": "yes", "resolved": "no"},
                    note="户主说诉求只解决了一半，干部说已全部解决")
    assert ack["state"] == "ended" and ack["discrepancy"] is True
    moderator, public = snapshot(app, v.meeting_id), snapshot(app, v.meeting_id, "viewer")
    assert moderator["round"]["calls"][0]["note"].startswith("户主说")
    assert "note" not in public["round"]["calls"][0]
    with app.app_context():
        payload = db.session.scalar(sa.select(Event.payload).where(Event.type == "call_answers_recorded"))
    assert "note" not in payload and payload["answers"] == {"visited": "yes", "resolved": "no"}
    assert refused_code(v, "record_answers", call_id=call_id, outcome="busy") == "call_state"
    # Correcting the answer clears the flag: it always reflects the answers on record.
    assert v.perform("record_answers", call_id=call_id, answers={"resolved": "partly"})["discrepancy"] is False


def test_record_call_still_records_a_manual_call_in_one_step(app):
    v, _ = _sim(app)
    code = v.perform("propose_calls")["households"][0]
    ack = v.perform("record_call", household_code=code, outcome="answered", answers={"visited": "no"})
    assert ack["type"] == "call_recorded"
    assert snapshot(app, v.meeting_id)["round"]["discrepancy"] is True


def test_the_moderator_snapshot_says_plainly_that_telephony_is_simulated(app):
    v, _ = _sim(app)
    tel = snapshot(app, v.meeting_id)["telephony"]
    assert tel["provider"] == "simulated" and tel["simulated"] is True
    assert "不会" in tel["message"] and "模拟" in tel["message"] and tel["simulator_url"] == f"/sim/{v.meeting_id}"
    assert "telephony" not in snapshot(app, v.meeting_id, "viewer")


def test_the_provider_is_chosen_from_the_configuration():
    creds = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_CALLER_NUMBER": "+1500"}
    assert from_config({"SECRET_KEY": "k"}).provider == "simulated"
    assert from_config({"SECRET_KEY": "k", **creds}).provider == "twilio"
    assert from_config({"TELEPHONY_PROVIDER": "simulated", **creds}).provider == "simulated"
    assert from_config({"TELEPHONY_PROVIDER": "manual"}).provider == "manual"
    missing = from_config({"TELEPHONY_PROVIDER": "twilio", "SECRET_KEY": "k"})
    assert (missing.provider, missing.requested) == ("simulated", "twilio")
    assert missing.auth_token == derived_token("k") != derived_token("other")
    assert from_config({**creds, "SECRET_KEY": "k"}).auth_token == "tok"
    assert from_config({"PUBLIC_BASE_URL": "https://x.cn/minkao/"}).base_url == "https://x.cn/minkao"


def test_twilio_asked_for_without_credentials_says_calls_are_simulated(app):
    app.config.update(TELEPHONY_PROVIDER="twilio")
    app.extensions.pop("minkao_telephony", None)
    with app.app_context():
        from meeting import telephony

        assert tel_settings().provider == "simulated"
        assert "模拟" in telephony.status()["message"]
