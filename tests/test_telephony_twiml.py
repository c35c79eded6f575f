"""TwiML for the household's call and the hall's leg, parsed as XML."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from meeting.telephony import twiml
from meeting.telephony.settings import WebhookUrls
from tests.telephony_support import BASE_URL, twilio_settings

URLS = WebhookUrls(BASE_URL)


def _xml(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "Response"
    return root


def _tags(root: ET.Element) -> list[str]:
    return [el.tag for el in root.iter()]


def test_consent_comes_first_and_nothing_is_bridged_or_recorded_before_it():
    root = _xml(twiml.ask("consent", 5, twilio_settings(record=True), URLS, title="沂水县现场直播调查大会"))
    assert [child.tag for child in root] == ["Gather"]
    assert not {"Dial", "Conference", "Record", "Start"} & set(_tags(root))
    say = root.find("Gather/Say")
    assert "沂水县现场直播调查大会" in say.text and "同意请按1" in say.text and "录音" in say.text


def test_the_consent_gather_takes_one_key_and_always_reports_back():
    gather = _xml(twiml.ask("consent", 5, twilio_settings(), URLS)).find("Gather")
    assert gather.attrib == {"input": "dtmf", "numDigits": "1", "timeout": "8", "method": "POST",
                             "action": f"{BASE_URL}/telephony/twilio/gather/consent?call=5",
                             "actionOnEmptyResult": "true"}


def test_prompts_are_mandarin_with_a_mandarin_voice():
    for step in ("consent", "visited", "resolved", "satisfaction"):
        say = _xml(twiml.ask(step, 5, twilio_settings(), URLS)).find("Gather/Say")
        assert say.get("language") == "cmn-CN" and say.get("voice") == "Polly.Zhiyu", step
    assert "录音" not in _xml(twiml.ask("consent", 5, twilio_settings(record=False), URLS)).find("Gather/Say").text


@pytest.mark.parametrize("step, keys", [("visited", "按1", ), ("resolved", "没有提过诉求请按4"), ("satisfaction", "1到5")])
def test_each_question_is_a_gather_posting_to_its_own_step(step, keys):
    root = _xml(twiml.ask(step, 9, twilio_settings(), URLS))
    gather = root.find("Gather")
    assert gather.get("action") == f"{BASE_URL}/telephony/twilio/gather/{step}?call=9"
    assert gather.get("input") == "dtmf" and gather.get("numDigits") == "1"
    assert keys in gather.find("Say").text


def test_a_repeated_question_says_why_and_posts_with_the_retry_count():
    gather = _xml(twiml.ask("visited", 9, twilio_settings(), URLS, retry=1)).find("Gather")
    says = [s.text for s in gather.findall("Say")]
    assert "没有收到" in says[0] and "走访" in says[1]
    assert gather.get("action").endswith("/gather/visited?call=9&retry=1")


def test_uploaded_recordings_replace_the_synthetic_voice():
    root = _xml(twiml.ask("consent", 5, twilio_settings(prompts_url="https://cdn.example.cn/prompts"), URLS))
    assert root.find("Gather/Say") is None
    assert root.find("Gather/Play").text == "https://cdn.example.cn/prompts/consent.mp3"


def test_after_the_survey_the_household_joins_the_calls_conference():
    root = _xml(twiml.bridge(5, twilio_settings(), URLS))
    assert [child.tag for child in root] == ["Say", "Dial"]
    conf = root.find("Dial/Conference")
    assert conf.text == "minkao-call-5"
    assert conf.get("beep") == "false" and conf.get("startConferenceOnEnter") == "true"
    assert conf.get("endConferenceOnExit") == "true" and conf.get("waitUrl") == ""
    assert conf.get("participantLabel") == "household"
    assert conf.get("statusCallbackEvent") == "start end join leave"  # space-separated, not a list literal
    assert conf.get("statusCallback") == f"{BASE_URL}/telephony/twilio/status?call=5&leg=conference"
    assert conf.get("record") is None


def test_recording_starts_in_the_conference_only_when_configured():
    conf = _xml(twiml.bridge(5, twilio_settings(record=True), URLS)).find("Dial/Conference")
    assert conf.get("record") == "record-from-start"
    assert conf.get("recordingStatusCallback") == f"{BASE_URL}/telephony/twilio/status?call=5&leg=recording"


def test_without_a_hall_line_the_household_is_thanked_and_the_call_ends():
    root = _xml(twiml.bridge(5, twilio_settings(hall_line=""), URLS))
    assert [child.tag for child in root] == ["Say", "Hangup"]


def test_the_hall_waits_in_the_conference_without_ending_it():
    root = _xml(twiml.hall(5, twilio_settings(), URLS))
    conf = root.find("Dial/Conference")
    assert conf.text == "minkao-call-5" and conf.get("endConferenceOnExit") == "false"
    assert conf.get("startConferenceOnEnter") == "true" and conf.get("participantLabel") == "hall"
    assert conf.get("beep") == "false" and conf.get("waitUrl") == ""


def test_goodbyes_hang_up():
    for key in ("declined", "gone", "thanks"):
        root = _xml(twiml.for_step(key, 5, twilio_settings(), URLS))
        assert [child.tag for child in root] == ["Say", "Hangup"]
    assert list(_xml(twiml.for_step(None, 5, twilio_settings(), URLS))) == []
    with pytest.raises(ValueError):
        twiml.for_step("dance", 5, twilio_settings(), URLS)
