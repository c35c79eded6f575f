"""TwiML for the household's call (consent, keypad survey, bridge to the hall) and the hall's leg.

Consent comes first: nothing is recorded and the hall is not bridged until the household
presses 1. Prompts are Mandarin <Say> (language cmn-CN, a Mandarin voice) or, when
TELEPHONY_PROMPTS_URL is set, uploaded recordings <Play>ed from there (<key>.mp3).
List-valued attributes are written as space-separated strings: the builder would print a
Python list literally.
"""
from __future__ import annotations

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from meeting.telephony.settings import TelephonySettings, WebhookUrls
from scoring.calls import QUESTIONS
from scoring.visits import STEPS as VISIT_STEPS

# What the household hears, by prompt key (the key names the recording when prompts are uploaded).
PROMPTS: dict[str, str] = {
    "consent": ("您好，这里是{title}。我们正在当场核实联系您的干部的工作情况，想请您回答三个简单问题，"
                "用电话按键作答。本次通话将在大会现场播放，您的姓名和电话号码不会公开。"
                "同意请按1，不同意请按2。"),
    "consent_recorded": ("您好，这里是{title}。我们正在当场核实联系您的干部的工作情况，想请您回答三个简单问题，"
                         "用电话按键作答。本次通话将在大会现场播放并录音，您的姓名和电话号码不会公开。"
                         "同意请按1，不同意请按2。"),
    "visited": "第一个问题：今年联系您的干部到您家走访过吗？走访过请按1，没有走访过请按2。",
    "resolved": "第二个问题：您反映的诉求解决了吗？已经解决请按1，部分解决请按2，没有解决请按3，没有提过诉求请按4。",
    "satisfaction": "第三个问题：您对这位干部的工作满意吗？请按1到5打分，5分最满意，1分最不满意。",
    "no_input": "抱歉，没有收到有效的按键。",
    "bridge": "谢谢您！现在为您接通大会现场，主持人会和您说几句话。",
    "thanks": "谢谢您的回答，祝您生活愉快，再见。",
    "declined": "好的，不打扰您了。谢谢，再见。",
    "gone": "本次通话已经结束，谢谢，再见。",
    "hall": "大会现场线路已接通，正在等待联系户。",
    # the drawn cadre's phone-in report (电话述职): no survey, straight into the hall's conference
    "cadre": "您好，这里是{title}。您已被抽中述职，现在为您接通大会现场，全场都能听到您的声音，请开始述职。",
    # a case's return visit (回访): two questions on the keypad, no hall line
    "visit_resolved": ("您好，这里是县督办回访。您在{title}上反映的问题，责任单位已经答复办理。"
                       "请问问题解决了吗？已经解决请按1，部分解决请按2，没有解决请按3。"),
    "visit_satisfaction": "您对这次办理的结果满意吗？请按1到5打分，5分最满意，1分最不满意。",
}
GATHER_TIMEOUT = 8  # seconds of silence after the prompt before the step counts as unanswered


def _prompt(parent: VoiceResponse | Gather, key: str, settings: TelephonySettings, title: str = "") -> None:
    if settings.prompts_url:
        parent.play(f"{settings.prompts_url}/{key}.mp3")
    else:
        parent.say(PROMPTS[key].format(title=title or "现场直播调查大会"), language=settings.language,
                   voice=settings.voice)


def _gather(response: VoiceResponse, step: str, call_id: int, settings: TelephonySettings, urls: WebhookUrls,
            retry: int, title: str = "", prefix: str | None = None) -> str:
    # actionOnEmptyResult: the action is requested even when nothing was pressed, so the
    # server decides (ask again once, then move on) instead of falling through.
    gather = response.gather(input="dtmf", num_digits=1, timeout=GATHER_TIMEOUT, action=urls.gather(call_id, step, retry),
                             method="POST", action_on_empty_result=True)
    if prefix:
        _prompt(gather, prefix, settings)
    key = ("consent_recorded" if settings.record else "consent") if step == "consent" else step
    _prompt(gather, key, settings, title)
    return str(response)


def ask(step: str, call_id: int, settings: TelephonySettings, urls: WebhookUrls, *, retry: int = 0,
        title: str = "") -> str:
    """A survey step's Gather ("consent" first, then the questions). `retry` > 0 says "no input" first."""
    if step != "consent" and step not in QUESTIONS:
        raise ValueError(f"unknown survey step {step!r}")
    return _gather(VoiceResponse(), step, call_id, settings, urls, retry, title, "no_input" if retry else None)


def hangup(key: str, settings: TelephonySettings) -> str:
    """Say goodbye (declined / thanks / gone) and hang up."""
    response = VoiceResponse()
    _prompt(response, key, settings)
    response.hangup()
    return str(response)


def bridge(call_id: int, settings: TelephonySettings, urls: WebhookUrls) -> str:
    """After the survey: thank the household and join the call's conference, where the hall line
    is (or arrives). Without a hall line: thank and hang up. Recording starts here, after consent."""
    if not settings.hall_line:
        return hangup("thanks", settings)
    response = VoiceResponse()
    _prompt(response, "bridge", settings)
    dial = Dial()
    extra = ({"record": "record-from-start", "recording_status_callback": urls.status(call_id, "recording"),
              "recording_status_callback_method": "POST"} if settings.record else {})
    # The household leaving ends the conference (the hall line drops with it).
    dial.conference(settings.conference(call_id), beep=False, start_conference_on_enter=True,
                    end_conference_on_exit=True, wait_url="", participant_label="household",
                    status_callback=urls.status(call_id, "conference"), status_callback_method="POST",
                    status_callback_event="start end join leave", **extra)
    response.append(dial)
    return str(response)


def hall(call_id: int, settings: TelephonySettings, urls: WebhookUrls) -> str:
    """The hall's side of a call's conference: it may wait there before the household arrives
    (no hold music: waitUrl empty) and its leaving does not end the household's call."""
    response = VoiceResponse()
    _prompt(response, "hall", settings)
    dial = Dial()
    dial.conference(settings.conference(call_id), beep=False, start_conference_on_enter=True,
                    end_conference_on_exit=False, wait_url="", participant_label="hall", muted=False)
    response.append(dial)
    return str(response)


def cadre(call_id: int, settings: TelephonySettings, urls: WebhookUrls, title: str = "") -> str:
    """The drawn cadre's leg of a phone-in report: told they are on air, then joined to the
    call's conference, where the hall line is (or arrives). The cadre leaving ends it (the hall
    line drops with it); the moderator redials. Recorded only when TELEPHONY_RECORD is on."""
    response = VoiceResponse()
    _prompt(response, "cadre", settings, title)
    dial = Dial()
    extra = ({"record": "record-from-start", "recording_status_callback": urls.status(call_id, "recording"),
              "recording_status_callback_method": "POST"} if settings.record else {})
    dial.conference(settings.conference(call_id), beep=False, start_conference_on_enter=True,
                    end_conference_on_exit=True, wait_url="", participant_label="cadre",
                    status_callback=urls.status(call_id, "conference"), status_callback_method="POST",
                    status_callback_event="start end join leave", **extra)
    response.append(dial)
    return str(response)


def empty() -> str:
    """An empty response (status callbacks)."""
    return str(VoiceResponse())


def for_step(step: str | None, call_id: int, settings: TelephonySettings, urls: WebhookUrls, *, retry: int = 0,
             title: str = "") -> str:
    """The TwiML answering a webhook whose outcome is `step` (see calls_webhooks.WebhookResult)."""
    if step is None:
        return empty()
    if step == "consent" or step in QUESTIONS:
        return ask(step, call_id, settings, urls, retry=retry, title=title)
    if step in VISIT_STEPS:  # a return visit's question (services/followup/visits.py)
        return _gather(VoiceResponse(), step, call_id, settings, urls, retry, title, "no_input" if retry else None)
    if step == "bridge":
        return bridge(call_id, settings, urls)
    if step == "cadre":
        return cadre(call_id, settings, urls, title)
    if step in ("declined", "gone", "thanks"):
        return hangup(step, settings)
    raise ValueError(f"unknown step {step!r}")
