"""The juror's private link /j/<token>: the page, refused links, the PIN form (Flask test client)."""
from __future__ import annotations

import json
import re

import pytest

from meeting.services.setup.meetings import add_juror, create_meeting, revoke_juror


@pytest.fixture
def meeting_id(session) -> int:
    return create_meeting(session, {"title": "沂水县现场直播调查大会（测试）"}).id


def _external_refs(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\']?\s*((?:https?:)?//[^"\'\s>]+)', html, re.I)


def test_a_valid_link_renders_the_tablet_with_the_meeting_title_and_the_juror(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "刘桂兰", "citizen_rep")
    resp = client.get(f"/j/{juror.token}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "沂水县现场直播调查大会（测试）" in html
    assert "刘桂兰" in html
    assert '<html lang="zh-CN">' in html
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_the_tablet_loads_the_vendored_socket_client_and_live_js_and_nothing_external(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "张建国", "party_rep")
    html = client.get(f"/j/{juror.token}").get_data(as_text=True)
    for path in ("/static/vendor/socket.io/socket.io.min.js", "/static/juror/tablet.js", "/static/juror/juror.css"):
        assert path in html
    # tablet.js is a native ES module; it imports the outbox, the rubric and static/js/socket.js itself.
    assert '<script type="module" src="/static/juror/tablet.js"></script>' in html
    assert _external_refs(html) == []
    assert "//cdn" not in html


def test_the_page_hands_the_script_its_meeting_token_and_texts_as_json(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "王志强", "cppcc_member")
    html = client.get(f"/j/{juror.token}").get_data(as_text=True)
    # JSON data blocks, no inline script (a Content-Security-Policy can forbid inline code).
    config = re.search(r'<script type="application/json" id="juror-config">(.*?)</script>', html).group(1)
    assert f'"meeting": {meeting_id}' in config
    assert f'"token": "{juror.token}"' in config
    assert '"needs_pin": false' in config
    texts = re.search(r'<script type="application/json" id="juror-i18n">(.*?)</script>', html).group(1)
    assert '"offline":' in texts and '"acked":' in texts
    assert "window.JUROR" not in html and "window.I18N" not in html


def test_an_unknown_link_gets_a_404_page(client, session, meeting_id):
    resp = client.get("/j/not-a-real-token")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert 'role="alert"' in html
    assert "window.JUROR" not in html and 'id="juror-config"' not in html
    assert _external_refs(html) == []


def test_an_overlong_link_is_a_404_without_a_database_lookup(client, session, meeting_id):
    assert client.get("/j/" + "x" * 500).status_code == 404


def test_a_revoked_link_gets_a_403_page(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "陈德胜", "veteran_cadre")
    token = juror.token
    revoke_juror(session, juror.id)
    resp = client.get(f"/j/{token}")
    assert resp.status_code == 403
    html = resp.get_data(as_text=True)
    assert "window.JUROR" not in html and 'id="juror-config"' not in html and "陈德胜" not in html


def test_a_juror_with_a_pin_is_asked_for_it_before_anything_connects(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "李秀英", "npc_deputy", pin="1234")
    html = client.get(f"/j/{juror.token}").get_data(as_text=True)
    assert '"needs_pin": true' in html
    assert 'id="pin"' in html and 'id="pin-input"' in html and 'class="keypad"' in html
    assert "1234" not in html and juror.pin_hash not in html


def test_a_juror_without_a_pin_gets_no_pin_requirement(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "赵明", "citizen_rep")
    html = client.get(f"/j/{juror.token}").get_data(as_text=True)
    assert '"needs_pin": false' in html


def test_lang_en_gives_the_english_page(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "孙丽", "citizen_rep")
    html = client.get(f"/j/{juror.token}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '"lang": "en"' in html
    assert "Submit scores" in html


def _zh(msgid: str) -> str | None:
    """The compiled Chinese catalog's translation, or None while the juror strings are not merged."""
    import gettext
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "meeting" / "translations"
    try:
        catalog = gettext.translation("messages", str(root), languages=["zh"])
    except OSError:
        return None
    text = catalog.gettext(msgid)
    return text if text != msgid else None


ZH_READY = _zh("This juror link is not valid") is not None
needs_zh = pytest.mark.skipif(not ZH_READY, reason="the juror msgids are not merged into meeting/translations yet "
                                                   "(list in the juror helper's report)")


@needs_zh
def test_the_refusal_pages_speak_chinese(client, session, meeting_id):
    html = client.get("/j/not-a-real-token").get_data(as_text=True)
    assert _zh("This juror link is not valid") in html
    assert re.search(r"[\u4e00-\u9fff]{4}", html)
    juror = add_juror(session, meeting_id, "陈德胜", "veteran_cadre")
    token = juror.token
    revoke_juror(session, juror.id)
    assert _zh("This juror link has been withdrawn") in client.get(f"/j/{token}").get_data(as_text=True)


@needs_zh
def test_the_tablet_and_its_script_texts_speak_chinese(client, session, meeting_id):
    juror = add_juror(session, meeting_id, "李秀英", "npc_deputy", pin="1234")
    html = client.get(f"/j/{juror.token}").get_data(as_text=True)
    assert _zh("Enter your juror PIN") in html
    assert _zh("Submit scores") in html
    texts = json.loads(re.search(r'<script type="application/json" id="juror-i18n">(.*?)</script>', html).group(1))
    assert texts["offline"].startswith("网络已断开")  # the banner the script shows when the network is gone
